"""Page furniture in text converted from a paged or web original.

A PDF or web page saved as Markdown or text keeps what the page printed
around the author's words: a running header glued to the first line of each
former page, a page number standing alone or glued to the last line of a
page, a protective marking, web-page controls ("Back to top", breadcrumb
links). None of it is the author's text, and left in place it splits and
pollutes paragraphs.

Former page breaks show as runs of blank lines (two or more, where the
author's paragraphs are one blank line apart). Text that opens many pages
alike is a running header; text that closes many pages alike a running
footer; a number closing a page that follows on from the page numbers before
it is a page number. Fixed patterns (``data/page_furniture.json``) catch the
lines that are furniture wherever they stand.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from functools import lru_cache

from ..resources import data_path

#: Blank lines in a row that mark a former page break.
BREAK_BLANKS = 2
#: A running line must open (or close) at least this many pages...
MIN_REPEATS = 3
#: ...and at least this share of all pages.
MIN_PAGE_SHARE = 0.25
#: The longest running header looked for, in words.
MAX_HEADER_WORDS = 14
#: A running header's shortest form: words and characters.
MIN_HEADER_WORDS = 2
MIN_HEADER_CHARS = 10
#: A page number glued to a page's last line may jump this far past the last one seen.
MAX_PAGE_STEP = 3
#: Before any page number is seen, the first glued one must be this small.
FIRST_PAGE_LIMIT = 30

_MARKUP = re.compile(r"[*_`\\]|^\s{0,3}(?:#{1,6}|>)\s*")
_DIGITS = re.compile(r"\d+")
_TRAILING_NUMBER = re.compile(r"^(?P<body>.*[^\s\d])\s+(?P<number>\d{1,3})\s*$")
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_PAGE_RULE = re.compile(r"^\s{0,3}(?:\{\d{1,4}\})?(?:-{3,}|\*{3,}|_{3,})\s*$")


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(page-number lines, other furniture lines) from the data file."""
    with data_path("page_furniture.json").open(encoding="utf-8") as handle:
        rules = json.load(handle)
    numbers = re.compile(
        "|".join(f"(?:{p})" for p in rules["page_number"]), re.IGNORECASE
    )
    other = re.compile(
        "|".join(f"(?:{p})" for p in (*rules["marking"], *rules["chrome"])),
        re.IGNORECASE,
    )
    return numbers, other


def is_chrome(text: str) -> bool:
    """A whole line or block that is a protective marking or a web page's control or stamp."""
    return bool(_patterns()[1].match(bare(text)))


#: A web page's stamp that dates it ("Date last updated: 3 March 2024").
DATED_CHROME = re.compile(
    r"\b(?:last (?:updated|reviewed|modified)|published)\b", re.IGNORECASE
)


def bare(line: str) -> str:
    """A line without Markdown markup or surrounding space, for matching."""
    return " ".join(_MARKUP.sub("", line).split())


def _mask(word: str) -> str:
    return _DIGITS.sub("0", word)


def strip_page_furniture(
    lines: list[str], *, footnotes: bool = True, dropped: list[str] | None = None
) -> list[str]:
    """``lines`` with furniture removed; a line that was only furniture becomes blank.

    Blank-line structure (and with it paragraph and page breaks) survives for
    the parser. With ``footnotes``, a note left on a page's last line is
    split off as a Markdown footnote definition (``[^1]: ...``). Lines
    dropped as markings or web-page chrome are added to ``dropped`` (an
    update stamp there still dates the document).
    """
    numbers, other = _patterns()
    starts, ends = _page_edges(lines)
    header_words = _running_headers(lines, starts)
    footers = _running_lines(lines, ends)
    out = list(lines)
    in_fence = False
    last_page: int | None = None
    for index, line in enumerate(lines):
        if _FENCE.match(line):
            in_fence = not in_fence
            continue
        if in_fence or not line.strip():
            continue
        if _PAGE_RULE.match(line):
            out[index] = "" if line.lstrip().startswith("{") else line
            continue
        plain = bare(line)
        if numbers.match(plain):
            out[index] = ""
            digits = _DIGITS.search(plain)
            if digits:
                last_page = int(digits.group(0))
            continue
        if other.match(plain):
            out[index] = ""
            if dropped is not None:
                dropped.append(plain)
            continue
        if index in starts or index in ends:
            if _masked_line(plain) in footers:
                out[index] = ""
                continue
        if index in starts and header_words:
            line = _strip_header(line, header_words)
            out[index] = line
            if not line.strip():
                continue
        if index in ends:
            glued = _TRAILING_NUMBER.match(line.rstrip())
            if glued:
                number = int(glued.group("number"))
                fits = (
                    number <= FIRST_PAGE_LIMIT
                    if last_page is None
                    else last_page < number <= last_page + MAX_PAGE_STEP
                )
                if fits:
                    out[index] = glued.group("body")
                    last_page = number
    return _page_footnotes(out, starts) if footnotes else out


#: A footnote at a page's foot: its number, then its text, closing the page's
#: last line ("...by:** 1 other than agreed exclusions") or standing alone.
_FOOT_NOTE = re.compile(
    r"^(?:(?P<body>.*\S)\s+)?(?P<number>\d{1,2})\s+(?P<note>[A-Za-z\u2018\u201c\"'(].{2,})$"
)
#: Where the number stood glued to the word it annotates ("calls1 are").
#: Glued to a letter, a closing bracket or quote, or punctuation after a letter
#: (never the decimals of "2.5", which a page's last line could seem to annotate).
_MARKER = r"(?:(?<=[a-z)\]\u2019\u201d])|(?<=[a-z][.,;:]))({})(?=[\s.,;:)]|$)"


def _page_footnotes(lines: list[str], starts: set[int]) -> list[str]:
    """Footnotes a converter left on a page's last line, split off as ``[^n]:`` definitions.

    A note is only taken when its number also stands glued to a word earlier
    on the same page (the reference mark), which is then removed: a line
    that merely ends with a number and some words is left alone.
    """
    out: list[str] = []
    page: list[int] = []  # indexes into ``out`` of this page's lines
    ordered = sorted(starts)
    boundaries = set(ordered[1:])
    for index, line in enumerate(lines):
        if index in boundaries:
            _split_page_note(out, page)
            page = []
        page.append(len(out))
        out.append(line)
    _split_page_note(out, page)
    return [piece for line in out for piece in line.split("\n")]


def _split_page_note(out: list[str], page: list[int]) -> None:
    last = next((i for i in reversed(page) if out[i].strip()), None)
    if last is None:
        return
    found = _FOOT_NOTE.match(out[last].strip())
    if not found:
        return
    number = found.group("number")
    marker = re.compile(_MARKER.format(re.escape(number)))
    for i in page:
        if i == last:
            break
        if marker.search(out[i]):
            out[i] = marker.sub("", out[i], count=1)
            body = found.group("body") or ""
            out[last] = body + "\n\n[^" + number + "]: " + found.group("note")
            return


def _page_edges(lines: list[str]) -> tuple[set[int], set[int]]:
    """Indexes of the lines that open a former page and of those that close one."""
    starts: set[int] = set()
    ends: set[int] = set()
    blanks = BREAK_BLANKS  # the first line opens the first page
    previous: int | None = None
    for index, line in enumerate(lines):
        if not line.strip():
            blanks += 1
            continue
        if _PAGE_RULE.match(line) and (blanks or previous is None):
            # A rule standing apart ("-----", "{12}-----") is how some
            # converters mark the page break itself.
            blanks = BREAK_BLANKS
            continue
        if blanks >= BREAK_BLANKS:
            starts.add(index)
            if previous is not None:
                ends.add(previous)
        blanks = 0
        previous = index
    if previous is not None:
        ends.add(previous)
    return starts, ends


def _running_headers(lines: list[str], starts: set[int]) -> list[list[str]]:
    """Word sequences (digits masked) that open many pages: running headers."""
    if len(starts) < MIN_REPEATS:
        return []
    counts: Counter[tuple[str, ...]] = Counter()
    for index in starts:
        words = [_mask(w) for w in lines[index].split()[:MAX_HEADER_WORDS]]
        for size in range(MIN_HEADER_WORDS, len(words) + 1):
            counts[tuple(words[:size])] += 1
    needed = max(MIN_REPEATS, MIN_PAGE_SHARE * len(starts))
    # The most pages any one-word-longer form opens.
    extended: Counter[tuple[str, ...]] = Counter()
    for prefix, count in counts.items():
        if len(prefix) > MIN_HEADER_WORDS and count > extended[prefix[:-1]]:
            extended[prefix[:-1]] = count
    headers: list[list[str]] = []
    for prefix, count in counts.items():
        if count < needed or len(" ".join(prefix)) < MIN_HEADER_CHARS:
            continue
        # Keep the longest form only: a header's own words, not its first few.
        if extended[prefix] >= 0.75 * count:
            continue
        headers.append(list(prefix))
    headers.sort(key=len, reverse=True)
    return headers


def _strip_header(line: str, headers: list[list[str]]) -> str:
    words = line.split()
    masked = [_mask(w) for w in words[:MAX_HEADER_WORDS]]
    for header in headers:
        if masked[: len(header)] == header:
            return " ".join(words[len(header) :])
    return line


def _masked_line(plain: str) -> str:
    return _DIGITS.sub("0", plain.lower())


def _running_lines(lines: list[str], edges: set[int]) -> set[str]:
    """Whole lines (digits masked) that stand at many page edges: running footers and headers."""
    counts = Counter(_masked_line(bare(lines[index])) for index in edges)
    pages = max(1, len(edges) // 2)
    needed = max(MIN_REPEATS, MIN_PAGE_SHARE * pages)
    return {
        line
        for line, count in counts.items()
        if line and count >= needed and len(line) >= MIN_HEADER_CHARS
    }
