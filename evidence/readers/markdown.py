"""Markdown reader: the subset policy documents use, parsed line by line.

Headings, paragraphs, nested lists, pipe tables and block quotes become
blocks; inline markup (emphasis, links, images, code) is reduced to its text,
because passages are cited as a reader sees them, not as they were typed.
"""

from __future__ import annotations

import re

from ..metadata import normalise_date
from ..models import Block, Metadata, RawDocument
from .text import clean_text, decode_bytes, join_lines, split_lines

_ATX = re.compile(r"^\s{0,3}(#{1,6})(?:\s+(.*?))?(?:\s+#+)?\s*$")
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_RULE = re.compile(r"^\s{0,3}(?:(?:-\s*){3,}|(?:\*\s*){3,}|(?:_\s*){3,})$")
_LIST = re.compile(r"^(?P<indent>\s*)(?:[-*+]|\d{1,9}[.)])\s+(?P<text>.*)$")
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_TABLE_SEP = re.compile(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")
_LINK_DEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*\S+")
_QUOTE = re.compile(r"^\s{0,3}>\s?")

_INLINE = (
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),  # image -> alt text
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # [text](url)
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),  # [text][ref]
    (re.compile(r"<((?:https?|mailto):[^>\s]+)>"), r"\1"),  # autolink
    (re.compile(r"`+([^`]+)`+"), r"\1"),  # inline code
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),  # strong
    (re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])"), r"\1"),  # *em*
    (re.compile(r"(?<!\w)_(?=\S)(.+?)(?<=\S)_(?!\w)"), r"\1"),  # _em_
    (re.compile(r"~~(?=\S)(.+?)(?<=\S)~~"), r"\1"),  # strikethrough
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>])"), r"\1"),  # backslash escapes
)


def strip_inline(text: str) -> str:
    """Markdown inline markup reduced to the words it shows."""
    for pattern, repl in _INLINE:
        text = pattern.sub(repl, text)
    return text


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
    """Blocks (and front-matter metadata) from the bytes of a .md file."""
    declared, body = _front_matter(decode_bytes(data).replace("\r\n", "\n").replace("\r", "\n"))
    return RawDocument(blocks=markdown_blocks(body), format="md", declared=declared)


def _cells(line: str) -> list[str]:
    body = line.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    return [clean_text(strip_inline(cell.replace("\\|", "|"))) for cell in re.split(r"(?<!\\)\|", body)]


def markdown_blocks(text: str) -> list[Block]:
    """Blocks from decoded Markdown."""
    lines = split_lines(text)
    blocks: list[Block] = []
    para: list[str] = []
    para_kind = "paragraph"
    item: list[str] = []
    item_level = 0
    list_indents: list[int] = []
    in_fence = False

    def emit(kind: str, raw: str, level: int = 0) -> None:
        cleaned = clean_text(strip_inline(raw))
        if cleaned:
            blocks.append(Block(kind, cleaned, level=level))  # type: ignore[arg-type]

    def flush() -> None:
        nonlocal para, item, para_kind
        if item:
            emit("list_item", join_lines(item), item_level)
            item = []
        if para:
            emit(para_kind, join_lines(para))
            para = []
        para_kind = "paragraph"

    for index, line in enumerate(lines):
        if _FENCE.match(line):
            flush()
            in_fence = not in_fence
            continue
        if in_fence:
            para.append(line)
            continue
        if not line.strip():
            flush()
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
        if _LINK_DEF.match(line):
            continue
        if line.lstrip().startswith("|") or (
            "|" in line and index + 1 < len(lines) and _TABLE_SEP.match(lines[index + 1]) and "-" in lines[index + 1]
        ):
            flush()
            if not _TABLE_SEP.match(line):
                blocks.append(Block("table_row", " | ".join(_cells(line))))
            continue
        if _QUOTE.match(line):
            if item:
                flush()
            para.append(_QUOTE.sub("", line))
            continue
        marker = _LIST.match(line)
        if marker:
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
    return blocks
