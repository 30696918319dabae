"""DOCX reader: python-docx, body paragraphs and tables in reading order.

python-docx lists paragraphs and tables separately; a submission's table of
figures belongs between the paragraphs that discuss it, so the body element's
children are walked in order instead. The zip is checked before it is opened
so a crafted file cannot expand without limit.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Iterator

from docx import Document
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from ..errors import ReaderError
from ..models import Block, Metadata, RawDocument
from .text import clean_text

#: Refuse archives whose members would expand past this in total.
MAX_EXPANDED_BYTES = 200 * 1024 * 1024
#: A member this large with a compression ratio above MAX_RATIO is a bomb.
BOMB_MEMBER_BYTES = 10 * 1024 * 1024
MAX_RATIO = 100

_HEADING_STYLE = re.compile(r"^heading\s*(\d)$", re.IGNORECASE)
_W_P, _W_TBL, _W_SDT = qn("w:p"), qn("w:tbl"), qn("w:sdt")
_W_SDT_CONTENT = qn("w:sdtContent")


def check_zip(data: bytes) -> None:
    """Raise ReaderError unless ``data`` is a zip that expands to a sane size."""
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ReaderError("not a DOCX (zip) file")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError) as exc:
        raise ReaderError("not a DOCX (zip) file") from exc
    total = 0
    for member in members:
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if total > MAX_EXPANDED_BYTES or (member.file_size > BOMB_MEMBER_BYTES and ratio > MAX_RATIO):
            raise ReaderError("DOCX expands too far (zip bomb?)")


def read_docx(data: bytes) -> RawDocument:
    """Blocks and core-property metadata from the bytes of a .docx file."""
    check_zip(data)
    try:
        document = Document(io.BytesIO(data))
        styles = _style_names(document)
        blocks = list(_body_blocks(document, styles))
        props = document.core_properties
        declared = Metadata(title=clean_text(props.title or "") or None, org=clean_text(props.author or "") or None)
    except ReaderError:
        raise
    except Exception as exc:  # python-docx/lxml raise many types for a bad package
        raise ReaderError(f"not a readable DOCX: {_error_name(exc)}") from exc
    return RawDocument(blocks=blocks, format="docx", declared=declared)


def _error_name(exc: Exception) -> str:
    """"BadZipFile", or "zlib error" for modules that name their exception "error"."""
    name = type(exc).__name__
    return f"{type(exc).__module__} {name}" if name == "error" else name


def _style_names(document: DocxDocument) -> dict[str, str]:
    """style id -> style name, read once (python-docx looks each up afresh)."""
    names: dict[str, str] = {}
    for style in document.styles:
        style_id = style.style_id
        if style_id:
            names[style_id] = style.name or style_id
    return names


def _children(body: object) -> Iterator[object]:
    """Body children in order, looking inside content controls (w:sdt)."""
    stack = [iter(body)]  # type: ignore[call-overload]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
            continue
        if child.tag == _W_SDT:
            content = child.find(_W_SDT_CONTENT)
            if content is not None:
                stack.append(iter(content))
            continue
        yield child


def _body_blocks(document: DocxDocument, styles: dict[str, str]) -> Iterator[Block]:
    body = document.element.body
    for child in _children(body):
        if child.tag == _W_P:
            block = _paragraph_block(Paragraph(child, document), styles)
            if block is not None:
                yield block
        elif child.tag == _W_TBL:
            yield from _table_blocks(Table(child, document))


def _paragraph_block(paragraph: Paragraph, styles: dict[str, str]) -> Block | None:
    text = clean_text(paragraph.text)
    if not text:
        return None
    ppr = paragraph._p.pPr
    style_id = ppr.pStyle.val if ppr is not None and ppr.pStyle is not None else None
    name = styles.get(style_id, style_id or "") if style_id else ""
    heading = _HEADING_STYLE.match(name) or _HEADING_STYLE.match(style_id or "")
    if heading:
        return Block("heading", text, level=int(heading.group(1)))
    if name.lower() in ("title", "subtitle"):
        return Block("heading", text, level=1 if name.lower() == "title" else 2)
    if ppr is not None:
        outline = ppr.find(qn("w:outlineLvl"))
        if outline is not None:
            value = outline.get(qn("w:val"))
            if value is not None and value.isdigit() and int(value) < 9:
                return Block("heading", text, level=int(value) + 1)
    num_pr = ppr.numPr if ppr is not None else None
    if num_pr is not None or name.lower().startswith("list"):
        level = 1
        if num_pr is not None and num_pr.ilvl is not None and num_pr.ilvl.val is not None:
            level = int(num_pr.ilvl.val) + 1
        else:
            trailing = re.search(r"(\d)$", name)
            level = int(trailing.group(1)) if trailing else 1
        return Block("list_item", text, level=level)
    return Block("paragraph", text)


def _table_blocks(table: Table) -> Iterator[Block]:
    for row in table.rows:
        cells: list[str] = []
        seen: set[int] = set()
        for cell in row.cells:
            key = id(cell._tc)
            if key in seen:  # a merged cell repeats itself across the span
                continue
            seen.add(key)
            text = clean_text(cell.text)
            if text:
                cells.append(text)
        if cells:
            yield Block("table_row", " | ".join(cells))
