"""Build the sample corpus's PDF and DOCX files from plain sources.

Run from the repository root:  python tools/make_corpus_files.py

Sources live in tools/corpus_src/*.txt. Each starts with ``key: value``
lines (title, author, date, format, header), a ``---`` line, then a body in a
small line-based markup:

    # Heading              level 1 (## level 2)
    - item                 bulleted list item
    1. item                numbered list item
    | cell | cell |        table row (the first row of a run is the header)
    [page]                 page break
    other lines            paragraph text; a blank line ends the paragraph

Why our own line breaking for PDF: the corpus must contain a word hyphenated
at a real line end (as typeset reports do), so a reader's de-hyphenation is
exercised; fpdf2's own wrapping never splits words.

Output is deterministic: fixed PDF creation dates, fixed DOCX core-property
dates, and DOCX zip entries rewritten with a fixed timestamp.
"""

from __future__ import annotations

import datetime as dt
import io
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from docx import Document
from docx.shared import Pt
from fpdf import FPDF

ROOT = Path(__file__).resolve().parent.parent
SRC_DIR = ROOT / "tools" / "corpus_src"
OUT_DIR = ROOT / "corpus"

VOWELS = set("aeiouyAEIOUY")
DIGRAPHS = {"th", "ch", "sh", "ph", "ck", "gh", "wh", "qu"}
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


@dataclass
class Source:
    """A parsed corpus source: front matter plus a list of body blocks."""

    name: str
    meta: dict[str, str]
    blocks: list[tuple[str, object]] = field(default_factory=list)


def parse_source(path: Path) -> Source:
    """Split front matter from the body and group body lines into blocks."""
    text = path.read_text(encoding="utf-8")
    head, _, body = text.partition("\n---\n")
    meta = {}
    for line in head.splitlines():
        key, _, value = line.partition(":")
        meta[key.strip()] = value.strip()
    src = Source(name=path.stem, meta=meta)
    para: list[str] = []
    table: list[list[str]] = []

    def flush() -> None:
        if para:
            src.blocks.append(("para", " ".join(para)))
            para.clear()
        if table:
            src.blocks.append(("table", [row[:] for row in table]))
            table.clear()

    for raw in body.splitlines():
        line = raw.strip()
        if not line:
            flush()
        elif line == "[page]":
            flush()
            src.blocks.append(("page", ""))
        elif line.startswith("|"):
            if para:
                flush()
            table.append([cell.strip() for cell in line.strip("|").split("|")])
        elif line.startswith("#"):
            flush()
            level = len(line) - len(line.lstrip("#"))
            src.blocks.append((f"h{level}", line[level:].strip()))
        elif line.startswith("- "):
            flush()
            src.blocks.append(("bullet", line[2:].strip()))
        elif _numbered(line):
            flush()
            src.blocks.append(("number", line))
        else:
            if table:
                flush()
            para.append(line)
    flush()
    return src


def _numbered(line: str) -> bool:
    """True for '1. text' style list items (not '1 text' paragraph numbers)."""
    num, dot, rest = line.partition(". ")
    return bool(dot) and num.isdigit() and len(num) <= 2 and bool(rest)


def _fixed_datetime(value: str) -> dt.datetime:
    """The document date as a UTC datetime; 'YYYY-MM' means the 1st."""
    parts = [int(p) for p in value.split("-")] + [1, 1]
    return dt.datetime(parts[0], parts[1], parts[2], 9, 0, 0, tzinfo=dt.UTC)


# --------------------------------------------------------------------- PDF


class ReportPDF(FPDF):
    """A4 report page with a running header and a page-number footer."""

    def __init__(self, running_header: str) -> None:
        super().__init__(format="A4", unit="mm")
        self.core_fonts_encoding = "windows-1252"
        self.running_header = running_header
        self.set_margins(25, 24, 25)
        self.set_auto_page_break(False)

    def header(self) -> None:
        self.set_font("Helvetica", "I", 8)
        self.set_text_color(90, 90, 90)
        self.text(25, 14, self.running_header)
        self.line(25, 16, self.w - 25, 16)
        self.set_text_color(0, 0, 0)

    def footer(self) -> None:
        self.set_font("Helvetica", "", 8)
        label = str(self.page_no())
        self.text((self.w - self.get_string_width(label)) / 2, self.h - 12, label)


class PdfWriter:
    """Lays out blocks line by line, breaking and hyphenating words itself."""

    BODY_SIZE = 11
    LEADING = 5.2

    def __init__(self, src: Source) -> None:
        self.pdf = ReportPDF(src.meta.get("header", src.meta["title"]))
        self.pdf.set_title(src.meta["title"])
        self.pdf.set_author(src.meta["author"])
        self.pdf.set_creator("evidence tools/make_corpus_files.py")
        self.pdf.set_creation_date(_fixed_datetime(src.meta["date"]))
        self.pdf.add_page()
        self.y = self.pdf.t_margin
        self.bottom = self.pdf.h - 22
        self.src = src

    def build(self) -> bytes:
        for kind, value in self.src.blocks:
            if kind == "h1":
                self.paragraph(str(value), size=16, style="B", after=3)
            elif kind.startswith("h"):
                self.paragraph(str(value), size=12, style="B", before=2, after=1)
            elif kind == "bullet":
                self.paragraph(str(value), indent=6, marker="\u2022")
            elif kind == "number":
                num, _, rest = str(value).partition(". ")
                self.paragraph(rest, indent=7, marker=f"{num}.")
            elif kind == "table":
                self.table(value)  # type: ignore[arg-type]
            elif kind == "page":
                self.pdf.add_page()
                self.y = self.pdf.t_margin
            else:
                self.paragraph(str(value))
        return bytes(self.pdf.output())

    def _room(self, height: float) -> None:
        if self.y + height > self.bottom:
            self.pdf.add_page()
            self.y = self.pdf.t_margin

    def paragraph(
        self,
        text: str,
        *,
        size: float = BODY_SIZE,
        style: str = "",
        indent: float = 0,
        marker: str | None = None,
        before: float = 0,
        after: float = 2.2,
    ) -> None:
        pdf = self.pdf
        pdf.set_font("Helvetica", style, size)
        left = pdf.l_margin + indent
        width = pdf.w - pdf.r_margin - left
        leading = self.LEADING * size / self.BODY_SIZE
        self.y += before
        for i, line in enumerate(self._wrap(text, width)):
            self._room(leading)
            if i == 0 and marker:
                pdf.text(left - indent + 1, self.y + leading * 0.8, marker)
            pdf.text(left, self.y + leading * 0.8, line)
            self.y += leading
        self.y += after

    def _wrap(self, text: str, width: float) -> list[str]:
        """Greedy line filling; a long word that overflows is hyphenated."""
        pdf = self.pdf
        lines: list[str] = []
        current = ""
        for word in text.split():
            trial = f"{current} {word}" if current else word
            if pdf.get_string_width(trial) <= width:
                current = trial
                continue
            head, tail = self._hyphenate(
                word, width - pdf.get_string_width(current + " ")
            )
            if head and current:
                lines.append(f"{current} {head}-")
                current = tail
            else:
                lines.append(current)
                current = word
        if current:
            lines.append(current)
        return lines

    def _hyphenate(self, word: str, room: float) -> tuple[str, str]:
        """Split a plain word at the last vowel-consonant-vowel break that fits."""
        if len(word) < 9 or not word.isalpha():
            return "", word
        for cut in range(len(word) - 4, 3, -1):
            before, after = word[cut - 1], word[cut]
            if after in VOWELS or word[cut + 1] not in VOWELS:
                continue
            open_break = before in VOWELS
            closed_break = (
                word[cut - 2] in VOWELS
                and before not in VOWELS
                and before + after not in DIGRAPHS
            )
            if (open_break or closed_break) and (
                self.pdf.get_string_width(word[:cut] + "-") <= room
            ):
                return word[:cut], word[cut:]
        return "", word

    def table(self, rows: list[list[str]]) -> None:
        pdf = self.pdf
        pdf.set_font("Helvetica", "", 9.5)
        usable = pdf.w - pdf.l_margin - pdf.r_margin
        ncols = max(len(r) for r in rows)
        first = usable * (0.55 if ncols == 2 else 0.4)
        widths = [first] + [(usable - first) / (ncols - 1)] * (ncols - 1)
        height = 6.5
        self.y += 1
        for r, row in enumerate(rows):
            self._room(height)
            pdf.set_font("Helvetica", "B" if r == 0 else "", 9.5)
            x = pdf.l_margin
            for c, cell in enumerate(row):
                pdf.rect(x, self.y, widths[c], height)
                pdf.text(x + 1.5, self.y + 4.5, cell)
                x += widths[c]
            self.y += height
        self.y += 3


# -------------------------------------------------------------------- DOCX


def build_docx(src: Source) -> bytes:
    """Write a DOCX with headings, lists, a table and fixed core properties."""
    doc = Document()
    doc.styles["Normal"].font.name = "Calibri"
    doc.styles["Normal"].font.size = Pt(11)
    for kind, value in src.blocks:
        if kind.startswith("h"):
            doc.add_heading(str(value), level=min(int(kind[1:]), 3))
        elif kind == "bullet":
            doc.add_paragraph(str(value), style="List Bullet")
        elif kind == "number":
            doc.add_paragraph(str(value).partition(". ")[2], style="List Number")
        elif kind == "page":
            doc.add_page_break()
        elif kind == "table":
            rows: list[list[str]] = value  # type: ignore[assignment]
            table = doc.add_table(rows=len(rows), cols=max(len(r) for r in rows))
            table.style = "Table Grid"
            for r, row in enumerate(rows):
                for c, cell in enumerate(row):
                    table.cell(r, c).text = cell
        else:
            doc.add_paragraph(str(value))
    props = doc.core_properties
    when = _fixed_datetime(src.meta["date"]).replace(tzinfo=None)
    props.title = src.meta["title"]
    props.author = src.meta["author"]
    props.last_modified_by = src.meta["author"]
    props.created = when
    props.modified = when
    props.last_printed = when
    props.revision = 1
    props.comments = ""
    buf = io.BytesIO()
    doc.save(buf)
    return _normalise_zip(buf.getvalue())


def _normalise_zip(data: bytes) -> bytes:
    """Rewrite zip entries with a fixed timestamp so reruns are byte-identical."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as zin,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout,
    ):
        for info in zin.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_EPOCH)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            zout.writestr(fixed, zin.read(info.filename))
    return out.getvalue()


def main(argv: list[str]) -> int:
    OUT_DIR.mkdir(exist_ok=True)
    names = set(argv)
    for path in sorted(SRC_DIR.glob("*.txt")):
        if names and path.stem not in names:
            continue
        src = parse_source(path)
        fmt = src.meta["format"]
        data = PdfWriter(src).build() if fmt == "pdf" else build_docx(src)
        target = OUT_DIR / f"{src.name}.{fmt}"
        target.write_bytes(data)
        sys.stdout.write(f"{target.relative_to(ROOT)}  {len(data)} bytes\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
