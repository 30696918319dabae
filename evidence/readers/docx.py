"""DOCX reader: the package's XML read directly, in reading order.

The main document part is walked with lxml rather than through python-docx
because what a reader must do differently from python-docx lives in the XML:

* footnotes, endnotes and comments are their own parts; each becomes a block
  of kind ``footnote`` or ``comment`` placed after the paragraph that refers
  to it (notes nothing refers to follow the body), and the reference marks
  themselves are not text;
* a text box is stored twice (a DrawingML shape and a VML fallback inside
  ``mc:AlternateContent``): only the first choice is read;
* a vertically merged table cell repeats nothing: its continuation cells are
  skipped;
* Strict Open XML (ISO 29500 Strict) uses other namespaces for the same
  elements; the namespace is taken from the part itself, so both read alike.

Headers and footers are separate parts and never read: running text is not
part of the body. The zip is checked before it is opened so a crafted file
cannot expand without limit.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from lxml import etree

from ..errors import ReaderError
from ..models import Block, BlockKind, Metadata, RawDocument
from .text import clean_text
from .word_numbering import WordNumbering

#: Refuse archives whose members would expand past this in total.
MAX_EXPANDED_BYTES = 200 * 1024 * 1024
#: A member this large with a compression ratio above MAX_RATIO is a bomb.
BOMB_MEMBER_BYTES = 10 * 1024 * 1024
MAX_RATIO = 100
#: The most prominent-text candidates handed to the metadata step.
MAX_PROMINENT = 5

_HEADING_STYLE = re.compile(r"^heading\s*(\d)$", re.IGNORECASE)
_TRAILING_DIGIT = re.compile(r"(\d)$")
#: Paragraph styles of generated contents lists (Word's "toc 1", "TOC Heading", "table of figures").
_CONTENTS_STYLE = re.compile(r"^(?:toc\s*\d|toc heading|table of figures|index\s*\d)$")
#: How far "based on" links between styles are followed.
_MAX_STYLE_DEPTH = 10

_PACKAGE_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_DC = "{http://purl.org/dc/elements/1.1/}"
#: WordprocessingML namespaces: Transitional (what Word writes) and Strict.
_W_NAMESPACES = (
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "http://purl.oclc.org/ooxml/wordprocessingml/main",
)

_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, remove_comments=True, remove_pis=True
)


def check_zip(data: bytes, label: str = "DOCX") -> None:
    """Raise ReaderError unless ``data`` is a zip that expands to a sane size.

    ``label`` names the format in the reason (the ODT and XLSX readers share this).
    """
    # "an ODT", "an XLSX": initials said with a vowel sound.
    article = "an" if label[:1] in "AEFHILMNORSX" else "a"
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ReaderError(f"not {article} {label} (zip) file")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (
        zipfile.BadZipFile,
        OSError,
        ValueError,
        NotImplementedError,
        EOFError,
    ) as exc:
        raise ReaderError(f"not {article} {label} (zip) file") from exc
    total = 0
    for member in members:
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if total > MAX_EXPANDED_BYTES or (
            member.file_size > BOMB_MEMBER_BYTES and ratio > MAX_RATIO
        ):
            raise ReaderError(f"{label} expands too far (zip bomb?)")


def read_docx(data: bytes) -> RawDocument:
    """Blocks, title candidates and core-property metadata from the bytes of a .docx file."""
    check_zip(data)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            package = _Package(archive)
            reader = _BodyReader(package)
            blocks = reader.read()
            declared = package.core_properties()
    except ReaderError:
        raise
    except Exception as exc:  # zipfile/lxml raise many types for a bad package
        raise ReaderError(f"not a readable DOCX: {_error_name(exc)}") from exc
    return RawDocument(
        blocks=blocks, format="docx", declared=declared, prominent=reader.prominent()
    )


def _error_name(exc: Exception) -> str:
    """ "BadZipFile", or "zlib error" for modules that name their exception "error"."""
    name = type(exc).__name__
    return f"{type(exc).__module__} {name}" if name == "error" else name


class _Package:
    """The parts of a WordprocessingML package this reader needs, found through its relationships."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        self.names = set(archive.namelist())
        main = self._target("_rels/.rels", "", "/officeDocument")
        if main is None:
            raise ReaderError(
                "not a readable DOCX: no main document part in the package"
            )
        self.main_name = main
        document = self.parse(main)
        if document is None:
            raise ReaderError("not a readable DOCX: the main document part is missing")
        self.document = document
        root_ns = etree.QName(self.document).namespace or ""
        if root_ns not in _W_NAMESPACES:
            raise ReaderError(
                "not a readable DOCX: the main part is not a Word document"
            )
        self.w = "{" + root_ns + "}"
        folder = posixpath.dirname(main)
        self.rels_name = posixpath.join(
            folder, "_rels", posixpath.basename(main) + ".rels"
        )
        self.folder = folder

    def _target(self, rels_name: str, folder: str, type_suffix: str) -> str | None:
        """The part a relationship of the given type points to, as a zip member name."""
        rels = self.parse(rels_name)
        if rels is None:
            return None
        for rel in rels.iter(f"{_PACKAGE_RELS}Relationship"):
            if (rel.get("Type") or "").endswith(type_suffix) and rel.get(
                "TargetMode"
            ) != "External":
                target = rel.get("Target") or ""
                name = (
                    target.lstrip("/")
                    if target.startswith("/")
                    else posixpath.normpath(posixpath.join(folder, target))
                )
                if name in self.names:
                    return name
        return None

    def part(self, type_suffix: str) -> etree._Element | None:
        """A part related to the main document (styles, footnotes...), parsed, or None."""
        name = self._target(self.rels_name, self.folder, type_suffix)
        return self.parse(name) if name else None

    def parse(self, name: str) -> etree._Element | None:
        if name not in self.names:
            return None
        return etree.fromstring(self.archive.read(name), _PARSER)

    def core_properties(self) -> Metadata:
        name = (
            self._target("_rels/.rels", "", "/core-properties") or "docProps/core.xml"
        )
        try:
            core = self.parse(name)
        except etree.XMLSyntaxError:
            return Metadata()
        if core is None:
            return Metadata()
        title = clean_text(core.findtext(f"{_DC}title") or "")
        creator = clean_text(core.findtext(f"{_DC}creator") or "")
        return Metadata(title=title or None, org=creator or None)


@dataclass
class _Style:
    name: str
    based_on: str | None = None
    outline: int | None = None  # 0-based outline level the style gives, if any
    numbered: bool = False  # the style itself numbers or bullets its paragraphs
    num_id: str | None = None  # the list the style's paragraphs are numbered in
    num_level: int | None = None  # and at which level, if the style says


@dataclass
class _Paragraph:
    """One paragraph's text, what it refers to, and the text boxes it anchors."""

    text: list[str] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)  # (part, id)
    boxes: list[etree._Element] = field(default_factory=list)


class _BodyReader:
    """Walks the main part, emitting body blocks with their notes after them."""

    def __init__(self, package: _Package) -> None:
        self.package = package
        self.w = w = package.w
        self._tags = {
            name: f"{w}{name}"
            for name in (
                "p",
                "tbl",
                "tr",
                "tc",
                "sdt",
                "sdtContent",
                "customXml",
                "t",
                "tab",
                "br",
                "cr",
                "noBreakHyphen",
                "del",
                "moveFrom",
                "delText",
                "instrText",
                "footnoteReference",
                "endnoteReference",
                "commentReference",
                "commentRangeStart",
                "txbxContent",
                "pPr",
                "rPr",
                "pStyle",
                "numPr",
                "numId",
                "ilvl",
                "outlineLvl",
                "tcPr",
                "vMerge",
                "body",
                "val",
                "id",
            )
        }
        self.styles = self._styles(package.part("/styles"))
        self.numbering = WordNumbering(package.part("/numbering"), w)
        self._heading_cache: dict[str | None, int | None] = {}
        self.notes: dict[tuple[str, str], str] = {}
        self.note_kind: dict[str, BlockKind] = {}
        note_parts: tuple[tuple[str, str, BlockKind], ...] = (
            ("/footnotes", "footnote", "footnote"),
            ("/endnotes", "endnote", "footnote"),
            ("/comments", "comment", "comment"),
        )
        for suffix, tag, kind in note_parts:
            self._load_notes(package.part(suffix), tag, kind)
        self.emitted: set[tuple[str, str]] = set()
        self.titles: list[str] = []
        self.first_heading: str | None = None

    # -- parts ------------------------------------------------------------------

    def _styles(self, root: etree._Element | None) -> dict[str, _Style]:
        """style id -> name and outline level."""
        styles: dict[str, _Style] = {}
        if root is None:
            return styles
        w = self.w
        for style in root.iter(f"{w}style"):
            style_id = style.get(f"{w}styleId")
            if not style_id:
                continue
            name_el = style.find(f"{w}name")
            name = (name_el.get(f"{w}val") if name_el is not None else None) or style_id
            based = style.find(f"{w}basedOn")
            ppr = style.find(f"{w}pPr")
            outline = ppr.find(f"{w}outlineLvl") if ppr is not None else None
            outline_value = outline.get(f"{w}val") if outline is not None else None
            num_pr = ppr.find(f"{w}numPr") if ppr is not None else None
            num_id = num_pr.find(f"{w}numId") if num_pr is not None else None
            num_level = num_pr.find(f"{w}ilvl") if num_pr is not None else None
            level_value = num_level.get(f"{w}val") if num_level is not None else None
            styles[style_id] = _Style(
                name=name,
                based_on=based.get(f"{w}val") if based is not None else None,
                outline=int(outline_value)
                if outline_value and outline_value.isdigit() and int(outline_value) < 9
                else None,
                numbered=num_id is not None
                and num_id.get(f"{w}val") not in (None, "0"),
                num_id=num_id.get(f"{w}val") if num_id is not None else None,
                num_level=int(level_value)
                if level_value and level_value.isdigit()
                else None,
            )
        return styles

    def _style_chain(self, style_id: str | None) -> Iterator[tuple[str, _Style | None]]:
        """The style and those it is based on, nearest first (cycles cut)."""
        seen: set[str] = set()
        while style_id and style_id not in seen and len(seen) < _MAX_STYLE_DEPTH:
            seen.add(style_id)
            style = self.styles.get(style_id)
            yield style_id, style
            style_id = style.based_on if style is not None else None

    def _style_heading(self, style_id: str | None) -> int | None:
        """The heading level a paragraph style gives, through the styles it is based on."""
        if style_id in self._heading_cache:
            return self._heading_cache[style_id]
        level = None
        for chain_id, style in self._style_chain(style_id):
            name = style.name if style is not None else chain_id
            found = _HEADING_STYLE.match(name) or _HEADING_STYLE.match(chain_id)
            if found:
                level = int(found.group(1))
                break
            if style is not None and style.outline is not None:
                level = style.outline + 1
                break
        self._heading_cache[style_id] = level
        return level

    def _number_label(self, p: etree._Element) -> str | None:
        """The label Word's list numbering draws before ``p`` ("15.", "3.2", "(b)"), if any."""
        t = self._tags
        ppr = p.find(t["pPr"])
        num_id: str | None = None
        level: int | None = None
        style_id = None
        if ppr is not None:
            pstyle = ppr.find(t["pStyle"])
            style_id = pstyle.get(t["val"]) if pstyle is not None else None
            num_pr = ppr.find(t["numPr"])
            if num_pr is not None:
                found = num_pr.find(t["numId"])
                num_id = found.get(t["val"]) if found is not None else None
                ilvl = num_pr.find(t["ilvl"])
                value = ilvl.get(t["val"]) if ilvl is not None else None
                level = int(value) if value and value.isdigit() else None
        if num_id is None:
            for _, style in self._style_chain(style_id):
                if style is not None and style.num_id is not None:
                    num_id = style.num_id
                    level = style.num_level if level is None else level
                    break
        if num_id is None:
            return None
        return self.numbering.label(num_id, level or 0)

    def _style_numbered(self, style_id: str | None) -> bool:
        return any(
            style is not None and style.numbered
            for _, style in self._style_chain(style_id)
        )

    def _load_notes(
        self, root: etree._Element | None, tag: str, kind: BlockKind
    ) -> None:
        if root is None:
            return
        w = self.w
        for note in root.iter(f"{w}{tag}"):
            if note.get(f"{w}type") in (
                "separator",
                "continuationSeparator",
                "continuationNotice",
            ):
                continue
            note_id = note.get(f"{w}id")
            if note_id is None:
                continue
            texts = [text for text, _ in self._flat_paragraphs(note)]
            body = clean_text(" ".join(texts))
            if body:
                self.notes[(tag, note_id)] = body
                self.note_kind[tag] = kind

    # -- the walk ---------------------------------------------------------------

    def read(self) -> list[Block]:
        body = self.package.document.find(self._tags["body"])
        if body is None:
            return []
        blocks = list(self._container(body))
        # Notes the body never pointed at (or pointed at from a part not read).
        for (tag, note_id), text in self.notes.items():
            if (tag, note_id) not in self.emitted:
                blocks.append(Block(self.note_kind[tag], text))
        return blocks

    def prominent(self) -> list[str]:
        """Title-style paragraphs, then the first level-1 heading."""
        out: list[str] = []
        for text in [
            *self.titles,
            *([self.first_heading] if self.first_heading else []),
        ]:
            if text not in out:
                out.append(text)
        return out[:MAX_PROMINENT]

    def _children(self, parent: etree._Element) -> Iterator[etree._Element]:
        """Block-level children in order, looking inside content controls and custom XML."""
        t = self._tags
        stack = [iter(parent)]
        while stack:
            child = next(stack[-1], None)
            if child is None:
                stack.pop()
                continue
            tag = child.tag
            if tag == t["sdt"]:
                content = child.find(t["sdtContent"])
                if content is not None:
                    stack.append(iter(content))
            elif tag == t["customXml"] or tag == f"{_MC}AlternateContent":
                inner = (
                    self._chosen(child) if tag == f"{_MC}AlternateContent" else child
                )
                if inner is not None:
                    stack.append(iter(inner))
            elif tag in (t["p"], t["tbl"]):
                yield child

    def _chosen(self, alternate: etree._Element) -> etree._Element | None:
        """The first choice of an mc:AlternateContent (the fallback is a copy of the same content)."""
        choice = alternate.find(f"{_MC}Choice")
        return choice if choice is not None else alternate.find(f"{_MC}Fallback")

    def _container(self, parent: etree._Element) -> Iterator[Block]:
        for child in self._children(parent):
            if child.tag == self._tags["p"]:
                yield from self._paragraph_blocks(child)
            else:
                yield from self._table_blocks(child)

    def _paragraph_blocks(self, p: etree._Element) -> Iterator[Block]:
        label = self._number_label(
            p
        )  # counted for every numbered paragraph, as Word counts them
        content = self._runs(p)
        text = clean_text("".join(content.text))
        block = self._classify(p, text) if text else None
        if block is not None and label and block.kind in ("paragraph", "list_item"):
            block = replace(
                block, text=f"{label} {block.text}"
            )  # "15. The Government should ..."
        if block is not None:
            yield block
        for box in content.boxes:
            yield from self._container(box)
        yield from self._notes_for(content.notes)

    def _notes_for(self, refs: list[tuple[str, str]]) -> Iterator[Block]:
        for ref in refs:
            if ref in self.emitted:
                continue
            self.emitted.add(ref)
            text = self.notes.get(ref)
            if text:
                yield Block(self.note_kind[ref[0]], text)

    def _runs(self, p: etree._Element) -> _Paragraph:
        """The text a paragraph shows, with note references and text boxes set aside."""
        t = self._tags
        out = _Paragraph()
        stack = [iter(p)]
        while stack:
            node = next(stack[-1], None)
            if node is None:
                stack.pop()
                continue
            tag = node.tag
            if not isinstance(tag, str):
                continue
            if tag == t["t"]:
                out.text.append(node.text or "")
            elif tag in (t["tab"], t["br"], t["cr"]):
                out.text.append(" ")
            elif tag == t["noBreakHyphen"]:
                out.text.append("-")
            elif tag in (
                t["del"],
                t["moveFrom"],
                t["delText"],
                t["instrText"],
                t["pPr"],
                t["rPr"],
            ):
                continue  # deleted text, field codes and formatting show nothing
            elif tag == t["footnoteReference"]:
                out.notes.append(("footnote", node.get(t["id"]) or ""))
            elif tag == t["endnoteReference"]:
                out.notes.append(("endnote", node.get(t["id"]) or ""))
            elif tag in (t["commentReference"], t["commentRangeStart"]):
                out.notes.append(("comment", node.get(t["id"]) or ""))
            elif tag == t["txbxContent"]:
                out.boxes.append(node)
            elif tag == f"{_MC}AlternateContent":
                chosen = self._chosen(node)
                if chosen is not None:
                    stack.append(iter(chosen))
            elif len(node):
                stack.append(iter(node))
        return out

    def _classify(self, p: etree._Element, text: str) -> Block | None:
        """The block a paragraph makes by its style, or None for a contents entry."""
        t = self._tags
        ppr = p.find(t["pPr"])
        style_id = None
        if ppr is not None:
            pstyle = ppr.find(t["pStyle"])
            if pstyle is not None:
                style_id = pstyle.get(t["val"])
        name = (
            self.styles[style_id].name if style_id in self.styles else (style_id or "")
        )
        lowered = name.lower()
        if _CONTENTS_STYLE.match(lowered):
            return None  # a table of contents repeats headings with page numbers
        if lowered in ("title", "subtitle"):
            if lowered == "title":
                self.titles.append(text)
            return Block("heading", text, level=1 if lowered == "title" else 2)
        level = None
        if ppr is not None:
            outline = ppr.find(t["outlineLvl"])
            value = outline.get(t["val"]) if outline is not None else None
            if value is not None and value.isdigit() and int(value) < 9:
                level = int(value) + 1
        if level is None:
            level = self._style_heading(style_id)
        if level is not None:
            if level == 1 and self.first_heading is None:
                self.first_heading = text
            return Block("heading", text, level=level)
        num_pr = ppr.find(t["numPr"]) if ppr is not None else None
        if (
            num_pr is not None
            or lowered.startswith("list")
            or self._style_numbered(style_id)
        ):
            level = 1
            ilvl = num_pr.find(t["ilvl"]) if num_pr is not None else None
            value = ilvl.get(t["val"]) if ilvl is not None else None
            if value is not None and value.isdigit():
                level = int(value) + 1
            elif num_pr is None:
                trailing = _TRAILING_DIGIT.search(name)
                level = int(trailing.group(1)) if trailing else 1
            return Block("list_item", text, level=level)
        return Block("paragraph", text)

    def _flat_paragraphs(
        self, parent: etree._Element
    ) -> Iterator[tuple[str, list[tuple[str, str]]]]:
        """Every paragraph under ``parent`` (tables and text boxes included), as text and note refs."""
        t = self._tags
        for child in self._children(parent):
            if child.tag == t["p"]:
                content = self._runs(child)
                text = clean_text("".join(content.text))
                if text:
                    yield text, content.notes
                for box in content.boxes:
                    yield from self._flat_paragraphs(box)
            else:
                for row in self._rows(child):
                    for cell in self._cells(row):
                        if not self._continues_merge(cell):
                            yield from self._flat_paragraphs(cell)

    def _table_blocks(self, table: etree._Element) -> Iterator[Block]:
        for row in self._rows(table):
            cells: list[str] = []
            refs: list[tuple[str, str]] = []
            for cell in self._cells(row):
                if self._continues_merge(cell):
                    continue  # a vertically merged cell shows its text once, in its first row
                texts = []
                for text, notes in self._flat_paragraphs(cell):
                    texts.append(text)
                    refs.extend(notes)
                joined = clean_text(" ".join(texts))
                if joined:
                    cells.append(joined)
            if cells:
                yield Block("table_row", " | ".join(cells))
            yield from self._notes_for(refs)

    def _rows(self, table: etree._Element) -> Iterator[etree._Element]:
        t = self._tags
        for child in self._children_any(table):
            if child.tag == t["tr"]:
                yield child

    def _cells(self, row: etree._Element) -> Iterator[etree._Element]:
        t = self._tags
        for child in self._children_any(row):
            if child.tag == t["tc"]:
                yield child

    def _children_any(self, parent: etree._Element) -> Iterator[etree._Element]:
        """Children, with content controls and custom XML wrappers opened."""
        t = self._tags
        stack = [iter(parent)]
        while stack:
            child = next(stack[-1], None)
            if child is None:
                stack.pop()
                continue
            if child.tag == t["sdt"]:
                content = child.find(t["sdtContent"])
                if content is not None:
                    stack.append(iter(content))
            elif child.tag == t["customXml"]:
                stack.append(iter(child))
            else:
                yield child

    def _continues_merge(self, cell: etree._Element) -> bool:
        t = self._tags
        props = cell.find(t["tcPr"])
        if props is None:
            return False
        merge = props.find(t["vMerge"])
        return merge is not None and merge.get(t["val"]) in (None, "continue")
