"""RTF reader: a small tokenizer that keeps the structure a briefing needs.

Plain-text RTF strippers give one run of text; this reads what the markup
says about it: paragraphs (``\\par``), headings (an outline level, or a
paragraph style named "heading N" in the style sheet), list items (a
paragraph carrying list numbering text), table rows (``\\cell`` ... ``\\row``)
and footnotes (``{\\footnote}``, placed after the paragraph citing them).
Fonts, colours, pictures, fields' instructions, headers and footers are not
text; ``{\\info}`` gives the declared title, author and company. Characters
come from ``\\uN`` (with its fallback skipped), ``\\'hh`` in the file's code
page (``\\ansicpgN``, Windows-1252 by default) and the named punctuation
words. Group depth and binary runs are bounded so a crafted file cannot
exhaust memory.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

from ..errors import ReaderError
from ..models import Block, BlockKind, Metadata, RawDocument
from .text import clean_text

_TOKEN = re.compile(
    rb"\\([a-zA-Z]{1,32})(-?\d{1,10})? ?|\\'([0-9a-fA-F]{2})|\\([^a-zA-Z])|([{}])|([^\\{}\r\n]+)|[\r\n]+"
)
#: Groups whose text is never body text.
_SKIP = frozenset(
    {
        "fonttbl",
        "colortbl",
        "pict",
        "object",
        "header",
        "headerl",
        "headerr",
        "headerf",
        "footer",
        "footerl",
        "footerr",
        "footerf",
        "fldinst",
        "themedata",
        "colorschememapping",
        "datastore",
        "latentstyles",
        "listtable",
        "listoverridetable",
        "rsidtbl",
        "generator",
        "xmlnstbl",
        "mmathPr",
        "filetbl",
        "revtbl",
        "pgdsctbl",
        "bkmkstart",
        "bkmkend",
        "field_instruction",
        "private",
        "nonshppict",
        "shpinst",
        "userprops",
        "docvar",
        "template",
        "xe",
        "tc",
        "txe",
        "atnid",
        "atnauthor",
        "annotation",
        "pn",
    }
)
_INFO_FIELDS = frozenset({"title", "author", "company", "subject"})
_CHARACTERS = {
    "tab": " ",
    "line": " ",
    "emdash": "\u2014",
    "endash": "\u2013",
    "lquote": "\u2018",
    "rquote": "\u2019",
    "ldblquote": "\u201c",
    "rdblquote": "\u201d",
    "bullet": "\u2022",
    "emspace": " ",
    "enspace": " ",
    "qmspace": " ",
    "cell": "",
    "row": "",
}
_SYMBOLS = {
    "~": "\u00a0",
    "_": "\u2011",
    "-": "",
    "\\": "\\",
    "{": "{",
    "}": "}",
    "\n": "",
    "\r": "",
}
_HEADING_STYLE = re.compile(r"^heading\s*([1-9])$", re.IGNORECASE)
#: Groups nested deeper than this are a crafted file, not a document.
MAX_DEPTH = 500
_MAX_PROMINENT = 5


@dataclass
class _Group:
    """What a ``{...}`` group changes: where its text goes and how \\u fallbacks are counted."""

    dest: str = "body"  # body | skip | footnote | listtext | style | info:<field>
    uc: int = 1
    style_id: int | None = None  # in the style sheet: the style this group defines


@dataclass
class _Paragraph:
    """The open paragraph's text and properties (reset by \\pard)."""

    text: list[str] = field(default_factory=list)
    outline: int | None = None
    style: int | None = None
    listed: bool = False
    level: int = 0
    in_table: bool = False


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.codec = codecs.lookup("cp1252")
        self.blocks: list[Block] = []
        self.notes: list[Block] = []  # footnotes waiting for the end of their paragraph
        self.styles: dict[int, str] = {}
        self.info: dict[str, list[str]] = {}
        self.paragraph = _Paragraph()
        self.cells: list[str] = []
        self._cell_text: list[str] = []  # paragraphs of the open table cell
        self.footnote: list[str] | None = None
        self.style_name: list[str] = []
        self.titles: list[str] = []

    # -- output

    def _emit(self, kind: BlockKind, text: str, level: int = 0) -> None:
        text = clean_text(text)
        if text:
            self.blocks.append(Block(kind, text, None, level))

    def _end_paragraph(self) -> None:
        p = self.paragraph
        text = clean_text("".join(p.text))
        p.text = []
        if p.in_table:
            # A paragraph inside a cell: its text is part of the cell.
            if text:
                self._cell_text.append(text)
            return
        if text:
            style = self.styles.get(p.style) if p.style is not None else None
            heading = _HEADING_STYLE.match(style or "")
            if p.outline is not None and p.outline < 9:
                self._emit("heading", text, p.outline + 1)
            elif heading:
                self._emit("heading", text, int(heading.group(1)))
            elif p.listed:
                self._emit("list_item", text, max(p.level, 1))
            else:
                if style and style.lower().startswith("title"):
                    self.titles.append(text)
                self._emit("paragraph", text)
        self._flush_notes()

    def _flush_notes(self) -> None:
        self.blocks.extend(self.notes)
        self.notes = []

    def _end_cell(self) -> None:
        self._end_paragraph_in_cell()
        self.cells.append(" ".join(self._cell_text))
        self._cell_text = []

    def _end_paragraph_in_cell(self) -> None:
        text = clean_text("".join(self.paragraph.text))
        self.paragraph.text = []
        if text:
            self._cell_text.append(text)

    def _end_row(self) -> None:
        if self.paragraph.text:
            self._end_cell()
        cells = list(self.cells)
        while cells and not cells[-1]:
            cells.pop()
        if any(cells):
            self._emit("table_row", " | ".join(cells))
        self.cells = []
        self._flush_notes()

    # -- the walk

    def read(self) -> None:
        data = self.data
        stack = [_Group()]
        skip_chars = 0  # \u fallback characters still to drop
        position = 0
        end = len(data)
        while position < end:
            match = _TOKEN.match(data, position)
            if match is None:  # a lone backslash at the end
                break
            position = match.end()
            word, number, hex_byte, symbol, brace, run = match.groups()
            group = stack[-1]
            if brace == b"{":
                if len(stack) >= MAX_DEPTH:
                    raise ReaderError("RTF nested too deeply")
                stack.append(_Group(group.dest, group.uc))
                skip_chars = 0
                continue
            if brace == b"}":
                closing = stack.pop() if len(stack) > 1 else stack[0]
                self._close(closing, stack[-1])
                skip_chars = 0
                continue
            if word is not None:
                name = word.decode("ascii")
                value = int(number) if number is not None else None
                if name == "bin" and value:
                    position += max(value, 0)  # raw bytes of a picture
                    continue
                if name == "u" and value is not None:
                    self._text(
                        group,
                        chr(value + 65536 if value < 0 else value)
                        if -32768 <= value <= 1114111
                        else "",
                    )
                    skip_chars = group.uc
                    continue
                skip_chars = 0
                self._control(name, value, group, stack)
                continue
            if hex_byte is not None:
                if skip_chars:
                    skip_chars -= 1
                    continue
                self._text(
                    group, self.codec.decode(bytes([int(hex_byte, 16)]), "replace")[0]
                )
                continue
            if symbol is not None:
                if skip_chars:
                    skip_chars -= 1
                    continue
                char = symbol.decode("latin-1")
                if char == "*":
                    # An optional destination this reader does not know: its text is not shown.
                    group.dest = "skip"
                    continue
                self._text(group, _SYMBOLS.get(char, ""))
                continue
            if run is not None:
                text = self.codec.decode(run, "replace")[0]
                if skip_chars:
                    dropped = min(skip_chars, len(text))
                    text = text[dropped:]
                    skip_chars -= dropped
                self._text(group, text)
        if self.paragraph.text or self.cells:
            if self.cells:
                self._end_row()
            self.paragraph.in_table = False
            self._end_paragraph()
        self._flush_notes()

    def _text(self, group: _Group, text: str) -> None:
        if not text:
            return
        dest = group.dest
        if dest == "body":
            self.paragraph.text.append(text)
        elif dest == "footnote" and self.footnote is not None:
            self.footnote.append(text)
        elif dest == "style":
            self.style_name.append(text)
        elif dest.startswith("info:"):
            self.info.setdefault(dest[5:], []).append(text)

    def _close(self, closing: _Group, parent: _Group) -> None:
        if (
            closing.dest == "footnote"
            and parent.dest != "footnote"
            and self.footnote is not None
        ):
            text = clean_text("".join(self.footnote))
            self.footnote = None
            if text:
                self.notes.append(Block("footnote", text))
        elif closing.dest == "style" and closing.style_id is not None:
            self.styles[closing.style_id] = (
                clean_text("".join(self.style_name)).rstrip(";").strip()
            )
            self.style_name = []
        elif closing.dest == "style":
            self.style_name = []

    def _control(
        self, name: str, value: int | None, group: _Group, stack: list[_Group]
    ) -> None:
        p = self.paragraph
        if name in _SKIP:
            group.dest = "skip"
        elif group.dest == "skip":
            return
        elif name == "ansicpg" and value:
            try:
                self.codec = codecs.lookup(f"cp{value}")
            except LookupError:
                pass
        elif name == "uc" and value is not None:
            group.uc = max(0, min(value, 10))
        elif name == "stylesheet":
            group.dest = "style"
        elif name == "info":
            group.dest = "info:"
        elif name in _INFO_FIELDS and group.dest.startswith("info:"):
            group.dest = f"info:{name}"
        elif group.dest.startswith("info:"):
            return
        elif group.dest == "style":
            if name == "s" and value is not None:
                group.style_id = value
            elif name in ("cs", "ds", "ts"):
                group.style_id = None
        elif name == "footnote":
            if self.footnote is None:
                self.footnote = []
                group.dest = "footnote"
        elif name in ("listtext", "pntext"):
            p.listed = True
            group.dest = "skip"
        elif group.dest == "footnote":
            if name == "par" and self.footnote is not None:
                self.footnote.append(" ")
            elif name in _CHARACTERS and self.footnote is not None:
                self.footnote.append(_CHARACTERS[name])
        elif name == "par" or name == "sect":
            if p.in_table:
                self._end_paragraph_in_cell()
            else:
                self._end_paragraph()
        elif name == "pard":
            keep_text = p.text
            self.paragraph = _Paragraph(text=keep_text)
        elif name == "outlinelevel" and value is not None:
            p.outline = value
        elif name == "s" and value is not None:
            p.style = value
        elif name in ("ls", "ilvl"):
            if name == "ls":
                p.listed = True
            elif value is not None:
                p.level = value + 1
        elif name == "intbl":
            p.in_table = True
        elif name == "cell" or name == "nestcell":
            self._end_cell()
        elif name == "row" or name == "nestrow":
            self._end_row()
            p.in_table = False
        elif name in _CHARACTERS:
            self._text(group, _CHARACTERS[name])


def read_rtf(data: bytes) -> RawDocument:
    """Blocks and declared metadata from the bytes of an .rtf file."""
    if not data.lstrip()[:5] == b"{\\rtf":
        raise ReaderError("not an RTF file")
    reader = _Reader(data)
    reader.read()
    info = {key: clean_text("".join(parts)) for key, parts in reader.info.items()}
    declared = Metadata(
        title=info.get("title") or None,
        org=info.get("company") or info.get("author") or None,
    )
    first_heading = next((b.text for b in reader.blocks if b.kind == "heading"), None)
    prominent = list(
        dict.fromkeys([*reader.titles, *([first_heading] if first_heading else [])])
    )[:_MAX_PROMINENT]
    return RawDocument(
        blocks=reader.blocks, format="rtf", declared=declared, prominent=prominent
    )
