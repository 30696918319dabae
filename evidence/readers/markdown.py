"""Markdown reader: the subset policy documents use, parsed line by line.

Headings, paragraphs, nested lists, pipe tables, block quotes, footnote
definitions and raw HTML blocks become blocks; inline markup (emphasis,
links, images, code, inline HTML, backslash escapes) is reduced to its text,
because passages are cited as a reader sees them, not as they were typed.

Much real Markdown is a PDF or web page converted by a tool, and still holds
the original's furniture (see :mod:`evidence.readers.furniture`): running
headers glued to the first line of each former page, page numbers alone or
glued to a line's end, protective markings, web-page controls, paragraphs
split at a former page break, and headings written as a paragraph in bold.
The reader removes the furniture, rejoins the split paragraphs and reads a
short all-bold paragraph as a heading.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from ..metadata import normalise_date
from ..models import Block, BlockKind, Metadata, RawDocument
from .furniture import DATED_CHROME, strip_page_furniture
from .html import html_fragment_blocks
from .text import clean_text, decode_bytes, join_hyphenated, join_lines, split_lines

_ATX = re.compile(r"^\s{0,3}(#{1,6})(?:\s+(.*?))?(?:\s+#+)?\s*$")
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_RULE = re.compile(r"^\s{0,3}(?:(?:-\s*){3,}|(?:\*\s*){3,}|(?:_\s*){3,})$")
_LIST = re.compile(
    r"^(?P<indent>\s*)(?:[-*+\u2022\u25aa\u25cf]|\d{1,9}[.)])\s+(?P<text>.*)$"
)
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_TABLE_SEP = re.compile(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")
_LINK_DEF = re.compile(r"^\s{0,3}\[(?!\^)[^\]]+\]:\s*\S+")
_FOOTNOTE_DEF = re.compile(r"^\s{0,3}\[\^([^\]\s]+)\]:\s*(.*)$")
_QUOTE = re.compile(r"^\s{0,3}>\s?")
_ONLY_MARKERS = re.compile(r"^[\s*_]+$")
_HAS_WORD = re.compile(r"\w")
#: The start of a raw HTML block: a block-level tag, a comment, or a
#: processing instruction (CommonMark's HTML block kinds, simplified).
_HTML_BLOCK = re.compile(
    r"^\s{0,3}<(?:!--|\?|!\[CDATA\[|/?(?:address|article|aside|blockquote|center|details|dialog|div|dl|fieldset|"
    r"figcaption|figure|footer|form|h[1-6]|header|hr|main|nav|ol|p|pre|script|section|style|summary|table|"
    r"tbody|td|tfoot|th|thead|tr|ul|noscript|iframe|textarea)(?=[\s/>]|$))",
    re.IGNORECASE,
)
#: HTML blocks that run to their closing tag rather than to a blank line.
_HTML_CLOSERS = {
    "script": "</script>",
    "style": "</style>",
    "pre": "</pre>",
    "textarea": "</textarea>",
    "!--": "-->",
}
_HTML_OPENER = re.compile(r"^\s{0,3}<(!--|script|style|pre|textarea)", re.IGNORECASE)

#: Backslash-escaped punctuation is hidden behind private-use characters while
#: emphasis is removed, so an escaped ``\*`` is never read as markup.
_ESCAPABLE = "\\`*_{}[]()#+-.!|>~<"
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~<])")
_HIDE = {c: chr(0xE000 + i) for i, c in enumerate(_ESCAPABLE)}
_SHOW = str.maketrans({v: k for k, v in _HIDE.items()})

#: (pattern, replacement, a character the pattern cannot match without):
#: most text holds no markup, and the test skips the pattern cheaply.
_INLINE = (
    (re.compile(r"<!--.*?-->", re.DOTALL), "", "<"),  # HTML comment
    # A footnote mark in HTML: a superscript linking within the page, or a bare
    # superscript number after a word or punctuation ("m<sup>2</sup>" stays).
    (
        re.compile(
            r"<sup>\s*<a\s[^>]*href=[\"']#[^>]*>[^<]{1,6}</a>\s*</sup>", re.IGNORECASE
        ),
        "",
        "<",
    ),
    (
        re.compile(
            r"(?:(?<=[^\W\d_]{3})|(?<=[.,;:)\]\u201d\u2019\"']))<sup>\s*\[?(?:\d{1,3}|[*\u2020\u2021])\]?\s*</sup>",
            re.IGNORECASE,
        ),
        "",
        "<",
    ),
    (re.compile(r"<br\s*/?>", re.IGNORECASE), " ", "<"),
    (
        re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>"),
        "",
        "<",
    ),  # inline HTML tag
    (re.compile(r"\[\^[^\]\s]+\]"), "", "["),  # footnote reference
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1", "["),  # image -> alt text
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1", "["),  # [text](url)
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1", "["),  # [text][ref]
    (re.compile(r"<((?:https?|mailto):[^>\s]+)>"), r"\1", "<"),  # autolink
    (re.compile(r"`+([^`]+)`+"), r"\1", "`"),  # inline code
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2", None),  # strong
    (
        re.compile(r"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])"),
        r"\1",
        "*",
    ),  # *em*
    (re.compile(r"(?<!\w)_(?=\S)(.+?)(?<=\S)_(?!\w)"), r"\1", "_"),  # _em_
    (re.compile(r"~~(?=\S)(.+?)(?<=\S)~~"), r"\1", "~"),  # strikethrough
    # *em * with the closing star after a space, as converters write it
    (re.compile(r"(?<![\w*])\*(?=[^\s*])([^*]+?)\s+\*(?=\s|$|[.,;:!?)])"), r"\1", "*"),
)
#: Emphasis markers a converter left unmatched ("**Title **", "at** **NHS"):
#: runs of two or more, stars around nothing but space, a star before punctuation.
_STRAY_RUN = re.compile(r"\s*(?:\*{2,}|(?<!\w)_{2,}|_{2,}(?!\w))\s*")
_EMPTY_STARS = re.compile(r"(?<!\S)\*(?:\s+\*)+(?!\S)")
_STAR_BEFORE_PUNCT = re.compile(r"\s\*(?=[.,;:!?])")
_SPACE_BEFORE_PUNCT = re.compile(r"(?<=\S) +(?=[.,;:!?](?:\s|$))")


_LEFT_STAR = re.compile(r"\s*\*+\s*")


def _left_star(match: re.Match[str]) -> str:
    """A star left once emphasis is read is a marker, unless it multiplies ("2 * 3")."""
    text = match.string
    before = text[match.start() - 1] if match.start() else ""
    after = text[match.end()] if match.end() < len(text) else ""
    if before.isdigit() and after.isdigit() and match.group(0).strip() == "*":
        return match.group(0)
    return _stray(match)


def _stray(match: re.Match[str]) -> str:
    """A removed marker leaves one space if it had space on either side, else nothing."""
    text = match.group(0)
    return " " if text[:1].isspace() or text[-1:].isspace() else ""


def strip_inline(text: str) -> str:
    """Markdown inline markup reduced to the words it shows."""
    text = _ESCAPE.sub(lambda m: _HIDE[m.group(1)], text)
    had_markers = "*" in text or "_" in text
    for pattern, repl, needs in _INLINE:
        if needs is None:
            if "**" not in text and "__" not in text:
                continue
        elif needs not in text:
            continue
        text = pattern.sub(repl, text)
    if had_markers:
        text = _EMPTY_STARS.sub(" ", text)
        text = _STAR_BEFORE_PUNCT.sub("", text)
        text = _STRAY_RUN.sub(_stray, text)
        if "*" in text:
            text = _LEFT_STAR.sub(_left_star, text)
        text = _SPACE_BEFORE_PUNCT.sub("", text)
    if "&" in text:
        text = html.unescape(text)
    return text.translate(_SHOW)


_FRONT_FIELD = re.compile(r"^([A-Za-z_][\w-]*)\s*:\s*(.*?)\s*$")
#: Front-matter keys that declare metadata, by the Metadata field they fill.
_FRONT_KEYS = {
    "title": "title",
    "author": "org",
    "organisation": "org",
    "organization": "org",
    "publisher": "org",
    "date": "date",
    "published": "date",
}
#: The most title candidates handed to the metadata step.
MAX_PROMINENT = 5


def _front_matter(text: str) -> tuple[Metadata, str]:
    """Split YAML-style front matter (between --- lines) off the top.

    Only flat "key: value" lines are read; the block is never shown as text.
    """
    lines = text.lstrip("\ufeff").split("\n", 60)
    if not lines or lines[0].strip() != "---":
        return Metadata(), text
    for end in range(1, min(len(lines), 60)):
        if lines[end].strip() in ("---", "..."):
            break
    else:
        return Metadata(), text
    values: dict[str, str] = {}
    for line in lines[1:end]:
        found = _FRONT_FIELD.match(line)
        if found and found.group(1).lower() in _FRONT_KEYS:
            value = clean_text(found.group(2).strip("\"'"))
            if value:
                values.setdefault(_FRONT_KEYS[found.group(1).lower()], value)
    date = normalise_date(values["date"]) if "date" in values else None
    declared = Metadata(title=values.get("title"), org=values.get("org"), date=date)
    return declared, "\n".join(lines[end + 1 :])


def read_markdown(data: bytes) -> RawDocument:
    """Blocks, title candidates and declared metadata from the bytes of a .md file.

    Front matter declares metadata; failing a date there, a web page's
    update stamp (dropped from the text as chrome) declares the date.
    """
    declared, body = _front_matter(
        decode_bytes(data).replace("\r\n", "\n").replace("\r", "\n")
    )
    dropped: list[str] = []
    blocks = _markdown(body, dropped)
    if declared.date is None:
        for line in dropped:
            date = normalise_date(line) if DATED_CHROME.search(line) else None
            if date:
                declared.date = date
                break
    return RawDocument(
        blocks=blocks, format="md", declared=declared, prominent=_prominent(blocks)
    )


def _prominent(blocks: list[Block]) -> list[str]:
    """The first level-1 headings (a document's title), then its first heading."""
    headings = [b for b in blocks if b.kind == "heading"]
    out: list[str] = []
    for block in headings:
        if block.level != 1:
            if out:
                break  # only the run of level-1 headings the document opens with
            continue
        out.append(block.text)
    if headings and headings[0].text not in out:
        out.append(headings[0].text)
    return out[:MAX_PROMINENT]


def _cells(line: str) -> list[str]:
    body = line.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    return [
        clean_text(strip_inline(cell.replace("\\|", "|")))
        for cell in re.split(r"(?<!\\)\|", body)
    ]


@dataclass
class _Raw:
    """A block before its inline markup is removed: rejoining and heading tests need the markup."""

    kind: BlockKind
    text: str
    level: int = 0
    final: bool = False  # already plain text (table rows, HTML blocks)


def _markdown(text: str, dropped: list[str]) -> list[Block]:
    lines = strip_page_furniture(
        split_lines(text.replace("\f", "\n\n\n")), dropped=dropped
    )
    raws = _rejoin(_parse(lines))
    # A document that marks its headings (# or underlines) uses bold for
    # emphasis; one converted from a PDF shows its headings in bold (a
    # converter may still mark a stray line or two with #).
    bold_headings = sum(raw.kind == "heading" for raw in raws) < _MARKED_HEADINGS
    if bold_headings:
        raws = [piece for raw in raws for piece in _glued_headings(raw)]
    blocks: list[Block] = []
    for raw in raws:
        if raw.final:
            blocks.append(Block(raw.kind, raw.text, level=raw.level))
            continue
        kind, level = raw.kind, raw.level
        if bold_headings and kind == "paragraph" and _all_bold(raw.text):
            kind, level = "heading", 2
        cleaned = clean_text(strip_inline(raw.text))
        if _HAS_WORD.search(cleaned):
            blocks.append(Block(kind, cleaned, level=level))
    return blocks


def _parse(lines: list[str]) -> list[_Raw]:
    """Blocks with their inline markup still in place."""
    raws: list[_Raw] = []
    para: list[str] = []
    para_kind: BlockKind = "paragraph"
    item: list[str] = []
    item_level = 0
    list_indents: list[int] = []
    in_fence = False
    html_lines: list[str] = []
    html_closer: str | None = None

    def emit(kind: BlockKind, raw: str, level: int = 0) -> None:
        if raw.strip():
            raws.append(_Raw(kind, raw, level))

    def flush() -> None:
        nonlocal para, item, para_kind
        if item:
            emit("list_item", _join(item), item_level)
            item = []
        if para:
            emit(para_kind, _join(para))
            para = []
        para_kind = "paragraph"

    def flush_html() -> None:
        nonlocal html_lines
        if html_lines:
            for block in html_fragment_blocks("\n".join(html_lines)):
                raws.append(_Raw(block.kind, block.text, block.level, final=True))
            html_lines = []

    for index, line in enumerate(lines):
        if html_closer is not None or html_lines:
            html_lines.append(line)
            if html_closer is not None:
                if html_closer in line.lower():
                    html_closer = None
                    flush_html()
            elif not line.strip():
                flush_html()
            continue
        if _FENCE.match(line):
            flush()
            in_fence = not in_fence
            continue
        if in_fence:
            para.append(line)
            continue
        if not line.strip() or _ONLY_MARKERS.match(line):
            flush()  # "* *" or "****": emphasis around nothing, a converter's leftover
            continue
        if _HTML_BLOCK.match(line) and not item:
            flush()
            opener = _HTML_OPENER.match(line)
            closer = _HTML_CLOSERS[opener.group(1).lower()] if opener else None
            html_lines = [line]
            if (
                opener is not None
                and closer is not None
                and closer not in line.lower()[opener.end() :]
            ):
                html_closer = closer
            elif closer is not None:
                flush_html()
            continue
        atx = _ATX.match(line)
        if atx:
            flush()
            list_indents.clear()
            emit("heading", atx.group(2) or "", len(atx.group(1)))
            continue
        setext = _SETEXT.match(line)
        if setext and para and not item and len(para) >= 1:
            heading = para.pop()
            flush()
            emit("heading", heading, 1 if setext.group(1).startswith("=") else 2)
            continue
        if _RULE.match(line):
            flush()
            continue
        footnote = _FOOTNOTE_DEF.match(line)
        if footnote:
            flush()
            para = [footnote.group(2)]
            para_kind = "footnote"
            continue
        if _LINK_DEF.match(line):
            continue
        if line.lstrip().startswith("|") or (
            "|" in line
            and index + 1 < len(lines)
            and _TABLE_SEP.match(lines[index + 1])
            and "-" in lines[index + 1]
        ):
            flush()
            if not _TABLE_SEP.match(line):
                row = " | ".join(cell for cell in _cells(line) if cell)
                if row:
                    raws.append(_Raw("table_row", row, final=True))
            continue
        if _QUOTE.match(line):
            if item:
                flush()
            para.append(_QUOTE.sub("", line))
            continue
        marker = _LIST.match(line)
        if marker and para_kind != "footnote":
            flush()
            indent = len(marker.group("indent").expandtabs(4))
            while list_indents and indent < list_indents[-1]:
                list_indents.pop()
            if not list_indents or indent > list_indents[-1]:
                list_indents.append(indent)
            item_level = len(list_indents)
            item = [marker.group("text")]
            continue
        if item:
            item.append(line)
            continue
        if not para:
            list_indents.clear()
        para.append(line)
    flush()
    if html_lines:
        flush_html()
    return raws


_BROKEN_WORD = re.compile(r"[a-z]-$")


def _join(lines: list[str]) -> str:
    """Lines of one block joined with spaces (a word broken at a hyphen rejoined), in linear time."""
    return join_lines(lines)


#: Text that ends a sentence (or a lead-in): a paragraph ending so is complete.
_COMPLETE = re.compile(r"[.!?:;][\"'\u201d\u2019)\]]*$")
#: A paragraph ending on one of these is cut short whatever follows.
_OPEN_END = re.compile(
    r"(?:[,(/\u2013\u2014-]|\b(?:a|an|and|are|as|at|be|by|for|from|in|into|is|of|on|or|the|that|to|was|were|which|with))$",
    re.IGNORECASE,
)
#: A paragraph this long that stops without punctuation was cut at a former page break.
_CUT_WORDS = 15


#: How much of a block's edge is looked at to decide whether it continues.
_EDGE_CHARS = 400


def _plain_edge(text: str) -> str:
    return clean_text(strip_inline(text))


def _rejoin(raws: list[_Raw]) -> list[_Raw]:
    """Paragraphs split at a former page or column break joined again.

    A paragraph or list item that stops without closing punctuation is
    continued by the next paragraph when that one opens in lower case, when
    the first ends on a joining word or mark ("the", "and", ",", "/") or
    leaves a bracket open, or when the first is a long run of prose (a
    heading or label is short). Bold never continues plain text, nor plain
    text bold. Only the blocks' edges are read, so a long chain of joins
    stays linear.
    """
    out: list[_Raw] = []
    bold: list[bool] = []
    brackets: list[int] = []
    for raw in raws:
        joinable = raw.kind in ("paragraph", "list_item") and not raw.final
        is_bold = joinable and _all_bold(raw.text, any_length=True)
        balance = raw.text.count("(") - raw.text.count(")")
        if raw.kind == "paragraph" and joinable and out:
            prev = out[-1]
            if (
                prev.kind in ("paragraph", "list_item")
                and not prev.final
                and bold[-1] == is_bold
                and _continues(
                    prev.text, raw.text, prev.kind == "list_item", brackets[-1] > 0
                )
            ):
                prev.text = _glue(prev.text, raw.text)
                brackets[-1] += balance
                continue
        out.append(_Raw(raw.kind, raw.text, raw.level, raw.final))
        bold.append(is_bold)
        brackets.append(balance)
    return out


def _continues(before: str, after: str, in_list: bool, open_bracket: bool) -> bool:
    left = _plain_edge(before[-_EDGE_CHARS:])
    right = _plain_edge(after[:_EDGE_CHARS])
    if not left or not right:
        return False
    if open_bracket:
        return True  # a bracket left open: "(see Annex:" + "Principles ...)"
    if _COMPLETE.search(left):
        return False
    first = right[0]
    if first.islower():
        return True
    if not (first.isupper() or first.isdigit()):
        return False
    # A list item often ends without punctuation: only a joining word carries it on.
    return bool(_OPEN_END.search(left)) or (
        not in_list and len(left.split()) >= _CUT_WORDS
    )


def _glue(before: str, after: str) -> str:
    left, right = before.rstrip(), after.lstrip()
    if left.endswith("-") and right[:1].isalnum():
        if _BROKEN_WORD.search(left) and right[:1].islower():
            return join_hyphenated(left[:-1], right)
        return left + right  # "62-" + "day" keeps its hyphen
    return f"{left} {right}"


_GLUED_RUN = re.compile(r"(?<=\S)\s+\*\*(?=[^\s*])([^*]+?)\s*\*\*(?=\s|$)")
#: A bold heading glued into prose at a former page break has this many words.
_GLUED_WORDS = (2, 12)


def _glued_headings(raw: _Raw) -> list[_Raw]:
    """A bold heading a conversion glued to the prose of a page before it, split off.

    "...experience and outcomes **Local prioritisation**" and "...in the
    pathway **Improve waiting times** Urgent care remains...": the prose
    before stops without punctuation, the bold run reads as a heading, and
    what follows (if anything) opens a new sentence.
    """
    if raw.final or raw.kind not in ("paragraph", "list_item") or "**" not in raw.text:
        return [raw]
    opening = _OPENING_RUNS.match(raw.text) if raw.kind == "paragraph" else None
    if opening:
        heading = clean_text(strip_inline(opening.group(1)))
        rest = raw.text[opening.end() :]
        if _heading_like(heading) and _plain_edge(rest[:_EDGE_CHARS])[:1].isupper():
            return [
                _Raw("heading", heading, 2, final=True),
                *_glued_headings(_Raw("paragraph", rest)),
            ]
    for match in _GLUED_RUN.finditer(raw.text):
        before, after = raw.text[: match.start()], raw.text[match.end() :].strip()
        heading = clean_text(strip_inline(match.group(1)))
        left = _plain_edge(before[-_EDGE_CHARS:])
        if not left or _COMPLETE.search(left) or not _heading_like(heading):
            continue
        if after and not (
            _plain_edge(after[:_EDGE_CHARS])[:1].isupper() or after.startswith("**")
        ):
            continue
        pieces = [
            _Raw(raw.kind, before, raw.level),
            _Raw("heading", heading, 2, final=True),
        ]
        if after:
            pieces.extend(_glued_headings(_Raw("paragraph", after)))
        return pieces
    return [raw]


#: Bold runs opening a paragraph, then the paragraph's first sentence.
_OPENING_RUNS = re.compile(r"^((?:\*\*(?=[^\s*])[^*]+?\s*\*\*\s*)+)(?=\S)")


def _heading_like(text: str) -> bool:
    """A few words from a capital, not stopping on punctuation or a joining word."""
    return (
        _GLUED_WORDS[0] <= len(text.split()) <= _GLUED_WORDS[1]
        and text[:1].isupper()
        and not re.search(r"[.;:,!?]$", text)
        and not _OPEN_END.search(text)
    )


_BOLD_RUN = re.compile(r"(\*\*|__)(.+?)\1")
_EMPTY_BOLD = re.compile(r"\*{4,}|(?<!\S)\*(?:\s+\*)+(?!\S)")
#: A document marking at least this many headings with # or underlines uses bold for emphasis only.
_MARKED_HEADINGS = 3
#: The most words an all-bold paragraph read as a heading may hold.
_HEADING_WORDS = 20


def _all_bold(text: str, *, any_length: bool = False) -> bool:
    """A short paragraph set wholly in bold, without closing punctuation: a heading.

    Converters write a PDF's headings this way, often in several bold runs
    ("**Live within our means** **and maximising productivity **").
    """
    body = _EMPTY_BOLD.sub(" ", text).strip()
    if not body.startswith(("**", "__")) or _BOLD_RUN.sub("", body).strip():
        return False
    if any_length:
        return True
    plain = clean_text(strip_inline(body))
    if not plain or len(plain.split()) > _HEADING_WORDS or plain[0].islower():
        return False
    # A heading does not stop on a comma or a joining word ("... have", "... and").
    return not re.search(r"[.;:,]$", plain) and not _OPEN_END.search(plain)
