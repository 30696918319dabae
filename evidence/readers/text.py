"""Text helpers every reader shares: cleaning, decoding, line-level heuristics.

Kept in one place so that a block of text from a PDF, a DOCX or a web page is
cleaned the same way, and the passage ids built from it stay stable.
"""

from __future__ import annotations

import codecs
import json
import re
from functools import lru_cache

from charset_normalizer import from_bytes

from ..errors import ReaderError
from ..resources import data_path

#: Whitespace that clean_text must change: runs, and any single character
#: other than a plain space (a lone space is already clean, and matching
#: it would make a 50 MB paragraph cost millions of substitutions).
_SPACES = re.compile(r"\s{2,}|[^\S ]")
#: Characters that carry no text: soft hyphen, zero-width space/joiners, BOM,
#: the U+FFFE/U+0002 hyphen markers pdfium leaves behind, and every other
#: control character that is not whitespace (a stray ESC or DEL from a
#: damaged file would otherwise sit inside a figure's span).
_INVISIBLE = dict.fromkeys(
    [
        *map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff\ufffe"),
        *(c for c in [*range(0x20), *range(0x7F, 0xA0)] if not chr(c).isspace()),
    ],
    None,
)

#: Encodings charset-normalizer may choose between once UTF-8 has failed.
#: A short Western list: a wide search guesses exotic code pages for short
#: English files.
WESTERN_ENCODINGS = ("cp1252", "iso8859_15", "latin_1")
#: Bytes that are printable punctuation in Windows-1252 (curly quotes, dashes,
#: the euro sign) but control codes in the ISO-8859 sets.
_CP1252_PUNCTUATION = re.compile(rb"[\x80-\x9f]")

BINARY_SNIFF_BYTES = 8192


def clean_text(text: str) -> str:
    """Collapse all whitespace (NBSP included) to single spaces and drop invisibles."""
    return _SPACES.sub(" ", text.translate(_INVISIBLE)).strip()


def decode_bytes(data: bytes) -> str:
    """Decode a text file in any common encoding, or raise ReaderError.

    UTF-8 (BOM optional) is tried strictly first, then UTF-16 when a BOM says
    so. Bytes 0x80-0x9F that Windows-1252 can decode mean Windows-1252: they
    are its curly quotes and dashes, and control codes elsewhere (a wider
    charset-normalizer search picks cp850 or Mac Roman for such files and
    garbles every apostrophe). Otherwise charset-normalizer chooses among a
    short list of Western code pages, with Windows-1252 as the last resort.
    """
    if not data:
        raise ReaderError("empty file")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ReaderError("broken UTF-16 text") from exc
    if b"\x00" in data[:BINARY_SNIFF_BYTES]:
        raise ReaderError("binary content, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    if _CP1252_PUNCTUATION.search(data):
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            pass
    best = from_bytes(data, cp_isolation=list(WESTERN_ENCODINGS)).best()
    if best is not None and best.encoding:
        try:
            return data.decode(best.encoding)
        except (UnicodeDecodeError, LookupError):
            pass
    return data.decode("cp1252", errors="replace")


def split_lines(text: str) -> list[str]:
    """Lines with any newline convention, trailing whitespace removed."""
    return [
        line.rstrip()
        for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    ]


@lru_cache(maxsize=1)
def _hyphen_rules() -> tuple[frozenset[str], frozenset[str]]:
    with data_path("hyphen_compounds.json").open(encoding="utf-8") as handle:
        rules = json.load(handle)
    return frozenset(rules["prefixes"]), frozenset(rules["suffixes"])


def compound_affixes() -> tuple[frozenset[str], frozenset[str]]:
    """Prefixes and suffixes whose line-end hyphen belongs to the word ("well-", "-based")."""
    return _hyphen_rules()


_FIRST_WORD = re.compile(r"^([a-z]+)")


def join_hyphenated(left: str, right: str) -> str:
    """Join a word split at a line end: left ends with the hyphen removed.

    The rule: drop the hyphen ("work" + "force" -> "workforce") unless the
    left half is a known compound prefix ("well-being", "self-care") or the
    right half a known compound suffix ("place-based", "long-term"), from
    ``data/hyphen_compounds.json``.
    """
    return (
        f"{left}-{right}"
        if _keeps_hyphen(_trailing_letters(left, ""), right)
        else left + right
    )


def _keeps_hyphen(left_word: str, right: str) -> bool:
    """Whether a line-end hyphen between ``left_word`` (the letters before it) and ``right`` stays."""
    prefixes, suffixes = _hyphen_rules()
    right_word = _FIRST_WORD.match(right)
    return (bool(left_word) and left_word.lower() in prefixes) or (
        right_word is not None and right_word.group(1) in suffixes
    )


_ASCII_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


def _trailing_letters(text: str, before: str) -> str:
    """The run of ASCII letters ``text`` ends with, continuing ``before`` (the run ending what precedes it).

    What ``[A-Za-z]+$`` finds in the joined text, found by walking back from
    the end: a regex search from every start would be quadratic in a long run.
    """
    start = len(text)
    while start and text[start - 1] in _ASCII_LETTERS:
        start -= 1
    return before + text if start == 0 else text[start:]


_BROKEN_WORD = re.compile(r"[a-z]-$")


def join_lines(lines: list[str]) -> str:
    """Join the hard-wrapped lines of one paragraph into one line.

    A line ending in lower-case letter + hyphen, followed by one starting in
    lower case, is a word broken across the break (see ``join_hyphenated``);
    every other break becomes a space.

    Linear in the paragraph's length: only the end of the text joined so far
    decides how the next line joins, so that end (its last characters and
    the letters before a final hyphen) is kept as it grows, never searched
    for again in the whole text.
    """
    pieces: list[str] = []
    end = ""  # the last three characters joined
    word = ""  # the ASCII letters the joined text ends with
    before_hyphen = ""  # when it ends with "-": the letters just before that hyphen
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if not pieces:
            piece = line
        elif _BROKEN_WORD.search(end) and line[:1].islower():
            if _keeps_hyphen(before_hyphen, line):
                piece = line
            else:  # the hyphen goes: the text now ends with the letters before it
                pieces[-1] = pieces[-1][:-1]
                end, word = end[:-1], before_hyphen
                piece = line
        else:
            piece = " " + line
        pieces.append(piece)
        end = (end + piece[-3:])[-3:]
        if piece.endswith("-"):
            before_hyphen = _trailing_letters(piece[:-1], word)
            word = ""
        else:
            word = _trailing_letters(piece, word)
    return "".join(pieces)


#: Short words left lower-case in Title Case headings.
_MINOR_WORDS = frozenset(
    "a an and as at but by for from in into nor of on or per the to vs via with".split()
)
_TERMINAL = re.compile(r"[.,;:!?]$|[.,;:!?][\"'\u201d\u2019)]$")
#: "Submitted: 14 November 2022" is a label and its value, not a heading.
_LABEL_VALUE = re.compile(r":\s*\S*\d")
_WORD = re.compile(r"[^\W\d_][\w'\u2019&-]*")


def looks_like_heading(
    line: str, *, max_words: int = 12, sentence_case: bool = False
) -> bool:
    """A short line without end punctuation in Title Case or ALL CAPS.

    With ``sentence_case`` a shorter line (up to eight words) in sentence case
    also counts ("The view from council leaders"), as long as it holds no
    digits, colon or comma and does not end on a joining word.
    """
    text = line.strip()
    if not text or len(text) > 100 or _TERMINAL.search(text):
        return False
    words = _WORD.findall(text)
    if (
        not words
        or len(words) > max_words
        or not text[0].isupper()
        or _LABEL_VALUE.search(text)
    ):
        return False
    if is_all_caps(text):
        return True
    significant = [w for w in words if w.lower() not in _MINOR_WORDS] or words
    if all(w[0].isupper() for w in significant):
        return True
    return (
        sentence_case
        and len(words) <= 8
        and words[0][0].isupper()
        and words[-1].lower() not in _MINOR_WORDS
        and not any(c.isdigit() or c in ":,;" for c in text)
    )


def is_all_caps(line: str) -> bool:
    """Every letter upper case (and at least two letters)."""
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


#: The longest block a reader hands on. A paragraph longer than this (a
#: 50 MB file on one line, a page of minified text) is not a citable unit,
#: and spaCy refuses texts past a million characters.
MAX_BLOCK_CHARS = 10_000
_SENTENCE_END = re.compile(r"[.?!][\"'\u201d\u2019)\]]?\s")


def split_long_text(text: str, limit: int = MAX_BLOCK_CHARS) -> list[str]:
    """Cut ``text`` into pieces of at most ``limit`` characters.

    Each cut falls at the last sentence end in the second half of the
    window, else at the last space there, else at the limit itself (text
    with no spaces), so a piece reads as whole sentences where it can.
    """
    pieces: list[str] = []
    start = 0
    while len(text) - start > limit:
        window_end = start + limit
        half = start + limit // 2
        cut = -1
        for match in _SENTENCE_END.finditer(text, half, window_end):
            cut = match.end()
        if cut < 0:
            space = text.rfind(" ", half, window_end)
            cut = space + 1 if space >= 0 else window_end
        piece = text[start:cut].strip()
        if piece:
            pieces.append(piece)
        start = cut
    rest = text[start:].strip()
    if rest:
        pieces.append(rest)
    return pieces
