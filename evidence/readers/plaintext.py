"""Plain-text reader: paragraphs, headings and list items from layout alone.

Plain text has no markup, so structure is read from the page as a person
would: blank lines end paragraphs, an underlined or short Title Case / ALL
CAPS line standing alone is a heading, a line opening with a bullet or
number is a list item.
"""

from __future__ import annotations

import re

from ..models import Block, RawDocument
from .furniture import strip_page_furniture
from .text import (
    clean_text,
    decode_bytes,
    is_all_caps,
    join_lines,
    looks_like_heading,
    split_lines,
)

_NUMBERED_HEADING = re.compile(r"^(\d{1,2}(?:\.\d{1,2})*)[.)]?\s+(\S.*)$")
_TERMINAL = re.compile(r"[.,;!?][\"'\u201d\u2019)]?$")
#: Above this typical line length a file is not hard-wrapped.
_MAX_WRAP = 100
#: A wrapped line shorter than this share of the wrap width ends a paragraph
#: when the next line starts like a new one.
_SHORT_LINE = 0.6
_NEW_START = re.compile(r"^\s*(?:[A-Z\d\u2022*(\u2018\u201c\"']|- )")
#: A first line this much shorter than the lines after it is a run-in heading.
_RUN_IN_RATIO = 0.6

_UNDERLINE = re.compile(r"^\s*(={3,}|-{3,})\s*$")
_LIST_MARKER = re.compile(
    r"^(?P<indent>\s*)(?:[-*\u2022\u25aa\u25cf\u2013]|\d{1,3}[.)]|\((?:[a-z]|[ivx]{1,5}|\d{1,3})\))\s+(?P<text>\S.*)$"
)


def read_text(data: bytes) -> RawDocument:
    """Blocks from the bytes of a .txt file."""
    return RawDocument(blocks=text_blocks(decode_bytes(data)), format="txt")


def text_blocks(text: str) -> list[Block]:
    """Blocks from decoded plain text.

    Text saved from a PDF (form feeds between pages) or a web page keeps the
    page's furniture: it is removed first (see :mod:`.furniture`).
    """
    lines = strip_page_furniture(
        split_lines(text.replace("\f", "\n\n\n")), footnotes=False
    )
    blocks: list[Block] = []
    for number, para in enumerate(
        _split_groups(_paragraphs(lines), _wrap_width(lines))
    ):
        if number == 0 and len(para) == 1 and _is_title_line(para[0]):
            blocks.append(Block("heading", clean_text(para[0]), level=1))
            continue
        blocks.extend(_paragraph_blocks(para))
    return [b for b in blocks if b.text]


def _wrap_width(lines: list[str]) -> int | None:
    """The width text was hard-wrapped at, or None if lines run unwrapped."""
    lengths = sorted(len(line.strip()) for line in lines if line.strip())
    if not lengths:
        return None
    typical = lengths[int(0.9 * (len(lengths) - 1))]
    return typical if typical <= _MAX_WRAP else None


def _split_groups(groups: list[list[str]], width: int | None) -> list[list[str]]:
    """Split blank-line groups where the line breaks carry meaning.

    Unwrapped text (one paragraph a line) splits at every line. In wrapped
    text a line stopping well short of the wrap width, followed by one
    opening with a capital, digit or bullet, ends its paragraph.
    """
    out: list[list[str]] = []
    for group in groups:
        if width is None:
            out.extend([line] for line in group)
            continue
        current: list[str] = []
        for line in group:
            if (
                current
                and len(current[-1].strip()) < _SHORT_LINE * width
                and _NEW_START.match(line)
                and not line[:1].isspace()  # indented: a continuation or nested item
            ):
                out.append(current)
                current = []
            current.append(line)
        out.append(current)
    return out


def _is_title_line(line: str) -> bool:
    """The document's first line, alone, short and unpunctuated: its title."""
    text = clean_text(line)
    return (
        bool(text)
        and len(text.split()) <= 20
        and text[0].isupper()
        and not _TERMINAL.search(text)
    )


def _heading_level(line: str) -> int | None:
    """Heading level of a line standing alone, or None if it is not one.

    Title Case, ALL CAPS and short sentence-case lines count, as do numbered
    ones ("2. Findings", level 1; "2.1 Targets", level 2).
    """
    text = clean_text(line)
    numbered = _NUMBERED_HEADING.match(text)
    if numbered and looks_like_heading(numbered.group(2), sentence_case=True):
        return numbered.group(1).count(".") + 1
    if looks_like_heading(text, sentence_case=True):
        return 1 if is_all_caps(text) else 2
    return None


def _paragraphs(lines: list[str]) -> list[list[str]]:
    paras: list[list[str]] = []
    current: list[str] = []
    for line in lines:
        if line.strip():
            current.append(line)
        elif current:
            paras.append(current)
            current = []
    if current:
        paras.append(current)
    return paras


def _paragraph_blocks(lines: list[str]) -> list[Block]:
    """One blank-line-separated paragraph -> headings, list items, body text."""
    blocks: list[Block] = []
    if len(lines) == 1:
        level = _heading_level(lines[0])
        if level is not None:
            return [Block("heading", clean_text(lines[0]), level=level)]
    elif not _LIST_MARKER.match(lines[0]) and not _UNDERLINE.match(lines[1]):
        level = _heading_level(lines[0])
        longest = max(len(line.strip()) for line in lines[1:])
        if level is not None and (
            _LIST_MARKER.match(lines[1])
            or len(lines[0].strip()) < _RUN_IN_RATIO * longest
        ):
            blocks.append(Block("heading", clean_text(lines[0]), level=level))
            lines = lines[1:]
    body: list[str] = []
    item: list[str] = []
    item_level = 0

    def flush() -> None:
        nonlocal item, body
        if item:
            blocks.append(
                Block("list_item", clean_text(join_lines(item)), level=item_level)
            )
            item = []
        if body:
            blocks.append(Block("paragraph", clean_text(join_lines(body))))
            body = []

    i = 0
    while i < len(lines):
        line = lines[i]
        following = lines[i + 1] if i + 1 < len(lines) else None
        if (
            following is not None
            and _UNDERLINE.match(following)
            and not _UNDERLINE.match(line)
        ):
            flush()
            level = 1 if following.strip().startswith("=") else 2
            blocks.append(Block("heading", clean_text(line), level=level))
            i += 2
            continue
        if _UNDERLINE.match(line):  # a rule line on its own
            flush()
            i += 1
            continue
        marker = _LIST_MARKER.match(line)
        if marker:
            flush()
            indent = len(marker.group("indent").expandtabs(4))
            item_level = 1 + indent // 2
            item = [marker.group("text")]
        elif item:
            item.append(line)  # a wrapped list item goes on until a blank line
        else:
            body.append(line)
        i += 1
    flush()
    return blocks
