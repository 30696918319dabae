"""OpenDocument text (.odt) reader: ``content.xml`` walked with lxml.

Councils and charities often write with LibreOffice. The body is read in
document order: ``text:h`` headings at their outline level, paragraphs,
list items at their nesting depth, one table row per block (cells joined
with " | ", as the DOCX reader does), and text frames where they are
anchored. Footnotes and endnotes (``text:note``) become ``footnote`` blocks
after the paragraph that cites them; annotations become ``comment`` blocks.
Deleted text kept for change tracking, generated contents and index lists
are not read. ``meta.xml`` gives the declared title and author.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

from lxml import etree

from ..errors import ReaderError
from ..models import Block, Metadata, RawDocument
from .docx import check_zip
from .text import clean_text

_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_DRAW = "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}"
_META = "{urn:oasis:names:tc:opendocument:xmlns:meta:1.0}"
_DC = "{http://purl.org/dc/elements/1.1/}"
_ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
#: Generated lists: contents, indexes, bibliographies (their text is elsewhere).
_SKIPPED = frozenset(
    f"{_TEXT}{name}"
    for name in (
        "table-of-content",
        "illustration-index",
        "table-index",
        "object-index",
        "user-index",
        "alphabetical-index",
        "bibliography",
        "tracked-changes",
        "sequence-decls",
        "variable-decls",
        "user-field-decls",
        "note-citation",
    )
) | {f"{_OFFICE}forms", f"{_OFFICE}annotation-end"}
#: The most prominent-text candidates handed to the metadata step.
_MAX_PROMINENT = 5
#: Consecutive table cells repeated more than this are empty filler, not content.
_MAX_REPEAT = 50

_PARSER = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    remove_comments=True,
    remove_pis=True,
    huge_tree=False,
)


def read_odt(data: bytes) -> RawDocument:
    """Blocks, title candidates and declared metadata from the bytes of an .odt file."""
    check_zip(data, "ODT")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        if "mimetype" in names and archive.read("mimetype").strip() not in (
            _ODT_MIMETYPE,
            _ODT_MIMETYPE + b"-template",
        ):
            raise ReaderError(
                "not an OpenDocument text file (another OpenDocument type)"
            )
        if "content.xml" not in names:
            raise ReaderError("not a readable ODT: no content.xml in the package")
        content = etree.fromstring(archive.read("content.xml"), _PARSER)
        meta = (
            etree.fromstring(archive.read("meta.xml"), _PARSER)
            if "meta.xml" in names
            else None
        )
    body = content.find(f"{_OFFICE}body/{_OFFICE}text")
    if body is None:
        raise ReaderError("not a readable ODT: no text body in content.xml")
    walker = _Walker()
    blocks = list(walker.blocks(body, 0))
    return RawDocument(
        blocks=blocks,
        format="odt",
        declared=_declared(meta),
        prominent=walker.prominent(),
    )


def _declared(meta: etree._Element | None) -> Metadata:
    if meta is None:
        return Metadata()
    title = clean_text(next((el.text or "" for el in meta.iter(f"{_DC}title")), ""))
    author = clean_text(
        next((el.text or "" for el in meta.iter(f"{_META}initial-creator")), "")
        or next((el.text or "" for el in meta.iter(f"{_DC}creator")), "")
    )
    return Metadata(title=title or None, org=author or None)


class _Walker:
    """Turns the body's elements into blocks, remembering title candidates."""

    def __init__(self) -> None:
        self.titles: list[str] = []
        self.first_heading: str | None = None

    def prominent(self) -> list[str]:
        out = [*self.titles, *([self.first_heading] if self.first_heading else [])]
        return list(dict.fromkeys(out))[:_MAX_PROMINENT]

    def blocks(self, parent: etree._Element, depth: int) -> Iterator[Block]:
        """Blocks of the container ``parent``; ``depth`` is the list nesting."""
        for element in parent:
            tag = element.tag
            if not isinstance(tag, str) or tag in _SKIPPED:
                continue
            if tag == f"{_TEXT}h":
                level = element.get(f"{_TEXT}outline-level") or "1"
                text, notes = self._inline(element)
                if text:
                    if self.first_heading is None:
                        self.first_heading = text
                    yield Block(
                        "heading",
                        text,
                        None,
                        int(level) if level.isdigit() and 0 < int(level) < 10 else 1,
                    )
                yield from notes
            elif tag == f"{_TEXT}p":
                text, notes = self._inline(element)
                if text:
                    if depth:
                        yield Block("list_item", text, None, depth)
                    else:
                        if (
                            (element.get(f"{_TEXT}style-name") or "")
                            .lower()
                            .startswith("title")
                        ):
                            self.titles.append(text)
                        yield Block("paragraph", text)
                yield from notes
            elif tag == f"{_TEXT}list":
                for item in element:
                    if item.tag in (f"{_TEXT}list-item", f"{_TEXT}list-header"):
                        yield from self.blocks(item, depth + 1)
            elif tag == f"{_TABLE}table":
                yield from self._table(element)
            else:
                # Sections, soft page breaks, changed regions' containers...: what they hold.
                yield from self.blocks(element, depth)

    def _table(self, table: etree._Element) -> Iterator[Block]:
        for row in table.iter(f"{_TABLE}table-row"):
            cells: list[str] = []
            notes: list[Block] = []
            for cell in row:
                if cell.tag != f"{_TABLE}table-cell":
                    continue  # covered (merged) cells repeat nothing
                parts = []
                for block in self.blocks(cell, 0):
                    if block.kind in ("footnote", "comment"):
                        notes.append(block)
                    else:
                        parts.append(block.text)
                text = " ".join(parts)
                repeat = cell.get(f"{_TABLE}number-columns-repeated") or "1"
                count = min(int(repeat), _MAX_REPEAT) if repeat.isdigit() else 1
                cells.extend([text] * (count if text else 1))
            while cells and not cells[-1]:
                cells.pop()
            if any(cells):
                yield Block("table_row", " | ".join(cells))
            yield from notes

    def _inline(self, element: etree._Element) -> tuple[str, list[Block]]:
        """The text of a paragraph or heading, and the notes, comments and frames it anchors."""
        parts: list[str] = []
        extra: list[Block] = []
        self._collect(element, parts, extra)
        return clean_text("".join(parts)), extra

    def _collect(
        self, element: etree._Element, parts: list[str], extra: list[Block]
    ) -> None:
        if element.text:
            parts.append(element.text)
        for child in element:
            tag = child.tag
            if isinstance(tag, str) and tag not in _SKIPPED:
                if tag == f"{_TEXT}s":
                    count = child.get(f"{_TEXT}c") or "1"
                    parts.append(" " * min(int(count), 100) if count.isdigit() else " ")
                elif tag in (f"{_TEXT}tab", f"{_TEXT}line-break"):
                    parts.append(" ")
                elif tag == f"{_TEXT}note":
                    note_body = child.find(f"{_TEXT}note-body")
                    if note_body is not None:
                        citation = clean_text(
                            "".join(child.findtext(f"{_TEXT}note-citation") or "")
                        )
                        text = " ".join(
                            block.text for block in self.blocks(note_body, 0)
                        )
                        if text:
                            extra.append(
                                Block("footnote", f"{citation} {text}".strip())
                            )
                elif tag == f"{_OFFICE}annotation":
                    text = " ".join(
                        clean_text("".join(p.itertext()))
                        for p in child.iter(f"{_TEXT}p")
                    ).strip()
                    if text:
                        extra.append(Block("comment", text))
                elif tag == f"{_DRAW}frame" or tag == f"{_DRAW}text-box":
                    extra.extend(
                        self.blocks(child, 0)
                        if tag == f"{_DRAW}text-box"
                        else self._frame(child)
                    )
                else:
                    self._collect(child, parts, extra)
            if child.tail:
                parts.append(child.tail)

    def _frame(self, frame: etree._Element) -> list[Block]:
        return [
            block
            for box in frame.findall(f"{_DRAW}text-box")
            for block in self.blocks(box, 0)
        ]
