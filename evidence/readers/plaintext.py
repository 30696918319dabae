"""Plain-text reader: paragraphs, headings and list items from layout alone.

Plain text has no markup, so structure is read from the page as a person
would: blank lines end paragraphs, an underlined or short Title Case / ALL
CAPS line standing alone is a heading, a line opening with a bullet or
number is a list item.
"""

from __future__ import annotations

import re

from ..models import Block, RawDocument
from .text import clean_text, decode_bytes, is_all_caps, join_lines, looks_like_heading, split_lines

_UNDERLINE = re.compile(r"^\s*(={3,}|-{3,})\s*$")
_LIST_MARKER = re.compile(
    r"^(?P<indent>\s*)(?:[-*\u2022\u25aa\u25cf\u2013]|\d{1,3}[.)]|\((?:[a-z]|[ivx]{1,5}|\d{1,3})\))\s+(?P<text>\S.*)$"
)


def read_text(data: bytes) -> RawDocument:
    """Blocks from the bytes of a .txt file."""
    return RawDocument(blocks=text_blocks(decode_bytes(data)), format="txt")


def text_blocks(text: str) -> list[Block]:
    """Blocks from decoded plain text."""
    blocks: list[Block] = []
    for para in _paragraphs(split_lines(text)):
        blocks.extend(_paragraph_blocks(para))
    return [b for b in blocks if b.text]


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
    body: list[str] = []
    item: list[str] = []
    item_level = 0

    def flush() -> None:
        nonlocal item, body
        if item:
            blocks.append(Block("list_item", clean_text(join_lines(item)), level=item_level))
            item = []
        if body:
            blocks.append(Block("paragraph", clean_text(join_lines(body))))
            body = []

    i = 0
    while i < len(lines):
        line = lines[i]
        following = lines[i + 1] if i + 1 < len(lines) else None
        if following is not None and _UNDERLINE.match(following) and not _UNDERLINE.match(line):
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
    if len(blocks) == 1 and len(lines) == 1 and blocks[0].kind == "paragraph":
        text = blocks[0].text
        if looks_like_heading(text):
            return [Block("heading", text, level=1 if is_all_caps(text) else 2)]
    return blocks
