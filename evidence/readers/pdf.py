"""PDF reader: pypdfium2 text, re-flowed into paragraphs from the page layout.

A PDF holds positioned glyphs, not paragraphs. Each line's real type size
and baseline are read from the glyph matrices (the size pdfium reports is 1.0
when a file sets it through the text matrix), lines are put in reading order
column by column, and joined into paragraphs by line pitch, indents and the
right margin. Running headers and footers (masked digits, odd and even pages
apart) and page numbers are dropped; footnotes at the foot of a page become
their own "footnote" blocks, and superscript note markers are cut out of the
body text so they are not read as part of a figure. Every block keeps its
1-based physical page number.
"""

from __future__ import annotations

import ctypes
import math
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ..errors import ReaderError
from ..models import Block, BlockKind, Metadata, RawDocument
from .ocr import (
    INSTALL_HINT,
    MIN_PAGE_CONFIDENCE,
    ocr_available,
    parse_hocr,
    render_pgm,
    run_tesseract,
)
from .pdf_bounds import check_file_chars, check_page_chars, check_streams
from .text import clean_text, compound_affixes, is_all_caps, looks_like_heading

_HYPHEN_MARKS = "\ufffe\x02"
_LINE_BREAK = re.compile(r"\r\n|\r|\n|(?<=[\ufffe\x02])")
_PAGE_NUMBER = re.compile(
    r"^(?:(?:page|p\.)\s*)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?$|^[-\u2013\u2014]\s*\d{1,4}\s*[-\u2013\u2014]$|^[ivxlc]{1,6}$",
    re.IGNORECASE,
)
#: Bullet glyphs, symbol-font bullets among them (the private-use area).
_BULLET = re.compile(
    r"^[\u2022\u25aa\u25cf\u25e6\u2023\u2043\u25a0\u25a1\u2013\u2014*\-\u2771\u27a2\u25ba\u25b6\u2713\u2714\ue000-\uf8ff]\s*"
)
_NUMBERED = re.compile(
    r"^(?:\d{1,3}(?:\.\d{1,3})*\.(?=\s|[A-Z])|\d{1,3}\)|\([a-z0-9]{1,4}\)|[a-z]\))\s*\S"
)
#: A piece that is only a list's mark ("•", "1.", "(a)", "ii)"): the gap after it is a
#: hanging indent, not the gap between two table cells.
_LIST_MARK = re.compile(r"[^\w\s]{1,2}|\(?(?:\d{1,3}|[a-z]|[ivx]{1,4})[.)]")
#: A sentence of four words or more: after a full stop, a wide gap before it is the
#: spacing of a justified line, not the gap between cells.
_SENTENCE_ON = re.compile(r"\s*[A-Z][\w'\u2019-]*(?:\s+\S+){3}")
#: One character that a symbol font's bullet may come out as: not a letter, digit,
#: quotation mark, bracket or currency sign, which can open a line of text.
_SYMBOL_BULLET = re.compile(r"[^\w\s\"'\u2018\u2019\u201c\u201d(\[{£$€%#&@+=<>/\\.,;:]")
_NUMBERED_HEADING = re.compile(r"^(\d{1,2}(?:\.\d{1,2})*)\.?\s+(\S.*)$")
_YEAR_OR_TRAILING_NUMBER = re.compile(r"\b\d{4}\b|\d$")
_ENDS_SENTENCE = re.compile(r"[.?!:;][\"'\u201d\u2019)\]]*$")
_STARTS_NEW = re.compile(r"^[A-Z\u2018\u201c\"'(\d\u2022\u25aa\u25cf\u25e6\uf0b7]")
_NOTE_START = re.compile(r"^(\d{1,4})\.?(?:\s+|(?=[A-Z\u201c\u2018(]))")
#: Digits glued after a word or punctuation: a footnote marker set inline.
#: Not after a decimal point ("£2.2 billion"), unless the number before is
#: grouped in thousands ("£75,000.197": no sum is written so).
_GLUED_MARKER = re.compile(
    r"(?:(?<=[a-z,;:)\]\u201d\u2019\"'%])|(?<=[a-z)\]\u201d\u2019\"'%]\.)|(?<=\d,\d\d\d\.))(\d{1,4})(?=\s|$|[.,;:)\]])"
)
_WORD_TOKEN = re.compile(r"[A-Za-z][A-Za-z'\u2019]*(?:-[A-Za-z]+)*")
_LETTER_WORD = re.compile(r"[^\W\d_]{2,}")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_BOLD_NAMES = ("bold", "black", "heavy", "semibold", "demi")
_MARKER_CHARS = frozenset("0123456789*\u2020\u2021")
#: pdfium error code for a missing or wrong password (FPDF_ERR_PASSWORD).
_ERR_PASSWORD = 4
#: Text this many times the body size is a heading; this many, a top one.
_HEADING_SIZE = 1.15
_TOP_HEADING_SIZE = 1.6
_MAX_HEADING_WORDS = 25
#: A gap this many line pitches high ends a paragraph.
_PARAGRAPH_GAP = 1.3
#: Footnotes are set at most this share of the body size (or half a point below it).
_NOTE_SIZE = 0.92
#: A scanned page: an image over this share of the page and fewer words than this.
_SCAN_COVER = 0.4
_SCAN_WORDS = 25
_PROMINENT = 5
#: A block shorter than this (a caption, a label) does not run on to the next page.
_MIN_RUN_ON = 40
#: Dot leaders of a contents line (pdfium gives unmapped leader glyphs as U+FFFD).
_LEADERS = re.compile(r"\.{4,}|\u2026{2,}|\ufffd{2,}|(?:\. ){3,}")

#: What Tesseract makes of a round bullet opening a line: a lone "e", "o",
#: cent or degree sign (none of them a word that starts an English line).
_OCR_BULLET = re.compile(r"^[eo\u00a2\u00b0\u00ab\u00bb\u2022\u00b7]\s+(?=\S)")

_JUNK_TITLE = re.compile(
    r"^(?:microsoft\s+(?:word|powerpoint|excel)\s*-|untitled|document\d*$|slide\s*\d+$|title$|no title)"
    r"|\.(?:docx?|pdf|indd|pptx?|rtf|odt|xlsx?)$",
    re.IGNORECASE,
)
_JUNK_AUTHOR = re.compile(
    r"^(?:user|admin(?:istrator)?|owner|author|unknown|windows user|pc|default)$",
    re.IGNORECASE,
)


@dataclass
class _Line:
    text: str  # superscript markers cut out; a trailing U+FFFE marks a line-end hyphen
    left: float
    right: float
    y: float  # baseline, PDF points from the bottom of the page
    size: float  # real type size in points (0 if unknown)
    bold: bool = False
    lead: str = ""  # a superscript number opening the line (a footnote's own number)
    column: int = 0  # -1 for a line spanning the columns
    height: float = 0.0  # page height
    markers: list[str] = field(default_factory=list)
    cells: bool = False  # pieces set apart by wide gaps: a table row
    prose_pieces: bool = (
        False  # ... each of them a long run of words: columns, not cells
    )


def read_pdf(
    data: bytes, *, max_pages: int | None = None, ocr: bool = True
) -> RawDocument:
    """Blocks, page count, declared metadata and title candidates from a PDF.

    ``max_pages`` is checked on the page tree, before any page is parsed, so
    a 100,000-page file is refused at once rather than after minutes of work.
    With ``ocr`` (and Tesseract installed), scanned pages are read by OCR and
    their blocks flagged ``ocr``; without, a scan is refused.
    """
    if b"%PDF-" not in data[:1024]:
        raise ReaderError("not a PDF file")
    check_streams(data)  # a decompression bomb is refused before pdfium parses a page
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == _ERR_PASSWORD:
            raise ReaderError("encrypted PDF: needs a password") from exc
        raise ReaderError(f"not a readable PDF: {_reason(exc)}") from exc
    try:
        count = len(pdf)
        if max_pages is not None and count > max_pages:
            raise ReaderError(f"too many pages: {count}, limit {max_pages}")
        pages = []
        chars = 0
        for index in range(count):
            pages.append(_page_lines(pdf, index))
            chars += sum(len(line.text) for line in pages[-1])
            check_file_chars(chars, index + 1)
        declared = _declared(pdf)
        targets, whole = _pages_to_ocr(pdf, pages)
        if targets and not (ocr and ocr_available()):
            if whole:
                raise ReaderError(
                    "no text layer: needs OCR" + (f": {INSTALL_HINT}" if ocr else "")
                )
            targets = []  # image-only pages of a text PDF are left out, as before OCR
        used = []
        for index in targets:
            found = _ocr_lines(pdf, index)
            # In a text PDF, a picture OCR reads nothing from keeps its own few words.
            if found or whole:
                pages[index] = found
                used.append(index)
        _steady_sizes([pages[index] for index in used])
        if whole and not any(pages):
            raise ReaderError("no text layer, and OCR found no readable text")
    except (pdfium.PdfiumError, ValueError, OSError) as exc:
        raise ReaderError(f"not a readable PDF: {_reason(exc)}") from exc
    finally:
        pdf.close()
    _drop_running_lines(pages)
    layout = _Layout(pages)
    blocks, prominent = layout.blocks()
    if used:
        read = {index + 1 for index in used}
        blocks = [
            replace(block, ocr=True) if block.page in read else block
            for block in blocks
        ]
    return RawDocument(
        blocks=blocks,
        format="pdf",
        pages=len(pages),
        declared=declared,
        prominent=prominent,
    )


def _reason(exc: Exception) -> str:
    text = str(exc)
    found = re.search(r"PDFium: ([^)]*)", text)
    return (
        (found.group(1) if found else text or type(exc).__name__)
        .strip()
        .rstrip(".")
        .lower()
    )


def _declared(pdf: pdfium.PdfDocument) -> Metadata:
    info = pdf.get_metadata_dict()
    title = clean_text(str(info.get("Title") or ""))
    author = clean_text(str(info.get("Author") or ""))
    title_ok = len(title) >= 4 and " " in title and not _JUNK_TITLE.search(title)
    author_ok = (
        len(author) >= 3
        and not _JUNK_AUTHOR.match(author)
        and (" " in author or author[:1].isupper())
    )
    return Metadata(
        title=title if title_ok else None,
        org=author if author_ok else None,
        date=_creation_month(str(info.get("CreationDate") or "")),
    )


def _creation_month(value: str) -> str | None:
    """The month a PDF was made ("D:20240611093000+01'00'" → "2024-06").

    Only a last resort for the publication date (metadata puts it after every
    date the text prints), so it keeps no more precision than a month: a
    file is often made days before it is published, rarely months.
    """
    match = re.match(r"(?:D:)?((?:19|20)\d\d)(0[1-9]|1[0-2])", value.strip())
    return f"{match.group(1)}-{match.group(2)}" if match else None


def _words(text: str) -> int:
    return len(_LETTER_WORD.findall(text)) + len(_CJK.findall(text)) // 2


def _scanned(pdf: pdfium.PdfDocument, pages: list[list[_Line]]) -> bool:
    """Scanned pages whose only text is a few fragments or OCR debris.

    Checked only when no page holds a real run of words: then, if most pages
    are covered by an image, the text layer is not to be trusted.
    """
    if any(
        _words(" ".join(line.text for line in lines)) >= _SCAN_WORDS for lines in pages
    ):
        return False
    covered = sum(_image_covered(pdf, index) for index in range(len(pdf)))
    return covered * 2 >= len(pdf) and covered > 0


def _image_covered(pdf: pdfium.PdfDocument, index: int) -> bool:
    """An image covers a good share of the page: a scan or a picture of text."""
    page = pdf[index]
    try:
        width, height = page.get_size()
        area = max(width * height, 1.0)
        for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2):
            left, bottom, right, top = obj.get_bounds()
            if (right - left) * (top - bottom) >= _SCAN_COVER * area:
                return True
        return False
    finally:
        page.close()


def _pages_to_ocr(
    pdf: pdfium.PdfDocument, pages: list[list[_Line]]
) -> tuple[list[int], bool]:
    """Indices of the pages to read by OCR, and whether that is the whole file.

    A file with no text, or a scan whose text layer is debris, is read whole
    (its text layer is not trusted); in a file with text, the pages an
    image covers that hold only a few words (a letter scanned into a report,
    perhaps with a page number stamped on it).
    """
    if not any(line.text.strip() for lines in pages for line in lines) or _scanned(
        pdf, pages
    ):
        return list(range(len(pages))), True
    return [
        index
        for index, lines in enumerate(pages)
        if _words(" ".join(line.text for line in lines)) < _SCAN_WORDS
        and _image_covered(pdf, index)
    ], False


def _ocr_lines(pdf: pdfium.PdfDocument, index: int) -> list[_Line]:
    """One page read by Tesseract, as lines in reading order for the layout code."""
    page = pdf[index]
    try:
        width, height = page.get_size()
        image, scale, rows = render_pgm(page, width, height)
    finally:
        page.close()
    upright = rows / scale  # the page's height as shown (after /Rotate)
    found, confidence = parse_hocr(run_tesseract(image, round(72 * scale)), scale, rows)
    if confidence < MIN_PAGE_CONFIDENCE:
        return []  # debris: a script no installed model reads, or no text at all
    lines = [
        _Line(
            _OCR_BULLET.sub("\u2022 ", line.text),
            line.left,
            line.right,
            line.baseline,
            line.size,
            height=upright,
        )
        for line in found
    ]
    return _reading_order(lines)


def _steady_sizes(pages: list[list[_Line]]) -> None:
    """Snap OCR line sizes to a few type sizes, in place.

    Tesseract measures each line afresh, so lines of one type size differ by
    a pixel or two; the layout code reads a size change as a new block. The
    most used size takes every line within 12% of it, then the next, and so on.
    """
    lines = [line for lines in pages for line in lines if line.size > 0]
    weight: Counter[float] = Counter()
    for line in lines:
        weight[round(line.size * 2) / 2] += len(line.text)
    left = sorted(lines, key=lambda line: line.size)
    for centre, _ in weight.most_common():
        if not left:
            break
        keep = []
        for line in left:
            if abs(line.size - centre) <= 0.12 * centre:
                line.size = centre
            else:
                keep.append(line)
        left = keep


# -- one page: glyphs to lines in reading order -------------------------------------


class _Glyphs:
    """Per-character facts from a pdfium text page, through the raw API (fast)."""

    def __init__(
        self, textpage: pdfium.PdfTextPage, width: float = 0.0, height: float = 0.0
    ) -> None:
        self.raw = textpage.raw
        self.width = width
        self.height = height
        #: Quarter turns of the text direction: coordinates are turned back so
        #: text always runs left to right and lines go down the page (a page
        #: set sideways, with /Rotate, reads as the same page upright).
        self.quarter = 0
        self._matrix = pdfium_c.FS_MATRIX()
        self._x = ctypes.c_double()
        self._y = ctypes.c_double()
        self._l = ctypes.c_double()
        self._r = ctypes.c_double()
        self._b = ctypes.c_double()
        self._t = ctypes.c_double()
        self._name = ctypes.create_string_buffer(128)
        self._flags = ctypes.c_int()

    def size(self, index: int) -> float:
        pdfium_c.FPDFText_GetMatrix(self.raw, index, self._matrix)
        m = self._matrix
        return float(pdfium_c.FPDFText_GetFontSize(self.raw, index)) * math.hypot(
            m.c, m.d
        )

    def turn(self, index: int) -> int:
        """Quarter turns of this glyph's writing direction (0: left to right)."""
        pdfium_c.FPDFText_GetMatrix(self.raw, index, self._matrix)
        m = self._matrix
        return round(math.atan2(m.b, m.a) / (math.pi / 2)) % 4

    def upright_height(self) -> float:
        return self.width if self.quarter in (1, 3) else self.height

    def baseline(self, index: int) -> float:
        pdfium_c.FPDFText_GetCharOrigin(self.raw, index, self._x, self._y)
        q = self.quarter
        if q == 0:
            return self._y.value
        if q == 1:
            return self.width - self._x.value
        if q == 2:
            return self.height - self._y.value
        return self._x.value

    def box(self, index: int) -> tuple[float, float]:
        pdfium_c.FPDFText_GetCharBox(
            self.raw, index, self._l, self._r, self._b, self._t
        )
        q = self.quarter
        if q == 0:
            return self._l.value, self._r.value
        if q == 1:
            return self._b.value, self._t.value
        if q == 2:
            return self.width - self._r.value, self.width - self._l.value
        return self.height - self._t.value, self.height - self._b.value

    def bold(self, index: int) -> bool:
        """Weight 600 or more, or (standard fonts report no weight) a bold face by name."""
        if pdfium_c.FPDFText_GetFontWeight(self.raw, index) >= 600:
            return True
        length = pdfium_c.FPDFText_GetFontInfo(
            self.raw, index, self._name, len(self._name), self._flags
        )
        name = (
            self._name.raw[: max(0, min(length, len(self._name)) - 1)]
            .decode("latin-1")
            .lower()
        )
        return any(word in name for word in _BOLD_NAMES)


def _measure(
    text: str, start: int, a: int, b: int, glyphs: _Glyphs
) -> tuple[float, float, bool]:
    """Type size, baseline and boldness of text[a:b], from a few sampled glyphs.

    The median of the samples, so one raised note marker or a bullet set in
    another size does not decide.
    """
    samples = sorted({a, min(a + 2, b - 1), (a + b - 1) // 2, b - 1})
    sized = sorted(
        (glyphs.size(start + k), k) for k in samples if not text[k].isspace()
    )
    sized = [item for item in sized if item[0] > 1.5] or sized
    if not sized:
        return 0.0, glyphs.baseline(start + a), False
    size, anchor = sized[len(sized) // 2]
    bases = sorted(glyphs.baseline(start + k) for s_, k in sized if s_ >= 0.9 * size)
    base = bases[len(bases) // 2] if bases else glyphs.baseline(start + anchor)
    return size, base, glyphs.bold(start + anchor)


def _segment(text: str, start: int, glyphs: _Glyphs, height: float) -> list[_Line]:
    """One pdfium line as lines of the page, superscript markers cut out.

    pdfium's line may hold more than one printed line: it is cut where a
    wide gap parts it (a column gutter, a table cell) and where the text
    runs back to the left (a raised marker bridged two lines).
    """
    n = len(text)
    a = 0
    while a < n and text[a].isspace():
        a += 1
    b = n
    while b > a and text[b - 1].isspace():
        b -= 1
    if a >= b:
        return []
    if glyphs.turn(start + (a + b) // 2) != glyphs.quarter:
        # Text set across the page's own direction: a stamp or label up the margin
        # ("Draft", a filing or archive id), not a line of the body.
        return []
    rough, _, _ = _measure(text, start, a, b, glyphs)
    cuts = [a]
    if rough > 0:
        for k in range(a + 1, b - 1):
            if (
                text[k] == " "
                and not text[k - 1].isspace()
                and not text[k + 1].isspace()
            ):
                _, right = glyphs.box(start + k - 1)
                left, _ = glyphs.box(start + k + 1)
                if left - right > 1.5 * rough or right - left > 2 * rough:
                    cuts.append(k + 1)
    cuts.append(b)
    out: list[_Line] = []
    for s, e in zip(cuts, cuts[1:]):
        chunk = text[s:e].rstrip()
        if not chunk:
            continue
        e = s + len(chunk)
        size, base, bold = (
            _measure(text, start, s, e, glyphs)
            if len(cuts) > 2
            else _measure(text, start, a, b, glyphs)
        )
        kept: list[str] = []
        markers: list[str] = []
        lead = ""
        run: list[str] = []
        for k in range(s, e):
            ch = text[k]
            raised = False
            if ch in _MARKER_CHARS and size > 0:
                # A note marker is set smaller and raised; a digit merely
                # raised must sit well above the line (not a subscript, not a
                # line whose baseline drifts).
                rise = glyphs.baseline(start + k) - base
                small = glyphs.size(start + k) < 0.85 * size
                raised = (small and rise > 0.15 * size) or rise > 0.33 * size
            if raised:
                run.append(ch)
                continue
            if run:
                if not "".join(kept).strip():
                    lead = "".join(run)
                else:
                    markers.append("".join(run))
                run = []
            kept.append(ch)
        if run:
            if not "".join(kept).strip():
                lead = "".join(run)
            else:
                markers.append("".join(run))
        body = "".join(kept).strip()
        if not body and not lead:
            continue
        left, _ = glyphs.box(start + s)
        _, right = glyphs.box(start + e - 1)
        out.append(_Line(body, left, right, base, size, bold, lead, 0, height, markers))
    return out


def _page_lines(pdf: pdfium.PdfDocument, index: int) -> list[_Line]:
    """The lines of one page, in reading order, with their geometry."""
    page = pdf[index]
    try:
        height = float(page.get_height())
        textpage = page.get_textpage()
        try:
            check_page_chars(textpage.count_chars(), index + 1)
            text = textpage.get_text_range()
            if textpage.count_chars() != len(text):
                return [
                    _Line(
                        clean_text(raw),
                        0.0,
                        float(len(raw)),
                        -12.0 * k,
                        0.0,
                        height=0.0,
                    )
                    for k, raw in enumerate(_LINE_BREAK.split(text))
                    if raw.strip()
                ]
            glyphs = _Glyphs(textpage, float(page.get_width()), height)
            turns = Counter(
                glyphs.turn(k)
                for k in range(0, len(text), max(1, len(text) // 16))
                if not text[k].isspace()
            )
            if turns:
                glyphs.quarter = turns.most_common(1)[0][0]
                height = glyphs.upright_height()
            segments: list[_Line] = []
            offset = 0
            for match in _LINE_BREAK.finditer(text + "\n"):
                if match.end() == offset and match.start() == offset and offset:
                    continue
                raw = text[offset : match.start()]
                segments.extend(_segment(raw, offset, glyphs, height))
                offset = match.end()
            return _reading_order(segments)
        finally:
            textpage.close()
    finally:
        page.close()


def _merge_row(row: list[_Line]) -> _Line:
    """Pieces of one printed line (split at a superscript or a cell gap) as one line."""
    row.sort(key=lambda line: line.left)
    first = row[0]
    text = first.text
    if (
        len(row) > 1
        and _SYMBOL_BULLET.fullmatch(text.strip())
        and row[1].left - first.right > 1.5 * max(first.size, 1.0)
    ):
        # A mark alone before a hanging indent is the list's bullet, whatever
        # character a symbol font's glyph was mapped to ("!", "§", "Ø").
        text = "\u2022"
    for previous, piece in zip(row, row[1:]):
        gap = piece.left - previous.right
        joiner = "" if gap < 0.15 * max(first.size, 1.0) else " "
        text = (
            f"{text}{joiner}{piece.lead}{piece.text}"
            if piece.lead
            else f"{text}{joiner}{piece.text}"
        )
    markers = [m for piece in row for m in piece.markers] + [
        piece.lead for piece in row[1:] if piece.lead
    ]
    wide = [
        (a, b)
        for index, (a, b) in enumerate(zip(row, row[1:]))
        if b.left - a.right > 1.5 * max(first.size, 1.0)
        and not (index == 0 and _LIST_MARK.fullmatch(a.text.strip()))
        and not (_ENDS_SENTENCE.search(a.text.rstrip()) and _SENTENCE_ON.match(b.text))
    ]
    merged = _Line(
        text,
        first.left,
        max(p.right for p in row),
        first.y,
        first.size,
        first.bold,
        first.lead,
        first.column,
        first.height,
        markers,
        bool(wide),
    )
    merged.prose_pieces = any(len(a.text) >= 25 and len(b.text) >= 25 for a, b in wide)
    return merged


def _gutters(lines: list[_Line]) -> list[float]:
    """x positions of column gutters: strips no prose line crosses, with prose on both sides."""
    if len(lines) < 8:
        return []
    low = min(line.left for line in lines)
    high = max(line.right for line in lines)
    if high - low < 100:
        return []
    step = 2.0
    bins = int((high - low) / step) + 1
    # Lines covering each strip, by a running sum of starts and ends (linear).
    delta = [0] * (bins + 1)
    for line in lines:
        delta[int((line.left - low) / step)] += 1
        delta[min(bins, int((line.right - low) / step) + 1)] -= 1
    cover = []
    running = 0
    for k in range(bins):
        running += delta[k]
        cover.append(running)
    allowed = max(1, len(lines) // 12)
    sizes = sorted(line.size for line in lines if line.size > 0)
    size = sizes[len(sizes) // 2] if sizes else 10.0
    found: list[float] = []
    k = 0
    while k < bins:
        if cover[k] <= allowed:
            j = k
            while j < bins and cover[j] <= allowed:
                j += 1
            if (j - k) * step >= max(8.0, 0.8 * size):
                x = low + (k + j) * step / 2
                left = [line for line in lines if line.right <= x]
                right = [line for line in lines if line.left >= x]
                # Prose on both sides (table cells are short).
                if (
                    sum(len(line.text) >= 25 for line in left) >= 3
                    and sum(len(line.text) >= 25 for line in right) >= 3
                ):
                    found.append(x)
            k = j
        else:
            k += 1
    return found


def _attach_markers(segments: list[_Line]) -> list[_Line]:
    """A note marker pdfium gave a line of its own (small, raised, digits only)
    goes to the line it sits on: the number of a note before its text, a
    reference marker after the word it follows."""
    sizes = sorted(line.size for line in segments if line.size > 0)
    typical = sizes[len(sizes) // 2] if sizes else 0.0
    markers = [
        k
        for k, line in enumerate(segments)
        if 0 < line.size < 0.85 * typical
        and len(line.text) <= 4
        and all(ch in _MARKER_CHARS for ch in line.text)
    ]
    if not markers:
        return segments
    gone: set[int] = set()
    for k in markers:
        mark = segments[k]
        for j, line in enumerate(segments):
            if j == k or j in gone or line.size <= 0 or mark.size >= 0.85 * line.size:
                continue
            if not 0 < mark.y - line.y < 0.7 * line.size:
                continue
            if abs(line.left - mark.right) < 0.5 * line.size and not line.lead:
                line.lead = mark.text
            elif line.left < mark.left < line.right + 0.5 * line.size:
                line.markers.append(mark.text)
            else:
                continue
            gone.add(k)
            break
    return [line for k, line in enumerate(segments) if k not in gone]


def _stream_rows(segments: list[_Line]) -> list[_Line]:
    """Lines in the file's own order, pieces of one printed line (cut at a
    raised marker) put back together."""
    rows: list[_Line] = []
    row: list[_Line] = []
    for line in segments:
        if row:
            last = row[-1]
            size = max(last.size, line.size, 1.0)
            if abs(line.y - last.y) > 0.3 * size or not (
                -size < line.left - last.right < 1.5 * size
            ):
                rows.append(_merge_row(row))
                row = []
        row.append(line)
    if row:
        rows.append(_merge_row(row))
    return rows


def _reading_order(segments: list[_Line]) -> list[_Line]:
    """Lines top to bottom, column by column between lines that span the columns."""
    if not segments:
        return []
    segments = _attach_markers(segments)
    stream = list(segments)
    gutters = _gutters(segments)
    for line in segments:
        column = 0
        for x in gutters:
            if line.left >= x:
                column += 1
            elif line.right > x:
                column = -1
                break
        line.column = column
    # Rows: pieces of one printed line in one column share a baseline.
    segments.sort(key=lambda line: (line.column, -line.y, line.left))
    rows: list[_Line] = []
    row: list[_Line] = []
    for line in segments:
        if row and (
            line.column != row[0].column
            or abs(line.y - row[0].y) > 0.3 * max(row[0].size, line.size, 1.0)
        ):
            rows.append(_merge_row(row))
            row = []
        row.append(line)
    if row:
        rows.append(_merge_row(row))
    if not gutters:
        rows.sort(key=lambda line: -line.y)
        # Columns the gutter test missed: sorting by height would interleave
        # them line by line, so the file's own order is kept instead.
        mixed = sum(line.prose_pieces for line in rows) + sum(
            a.right < b.left or b.right < a.left for a, b in zip(rows, rows[1:])
        )
        if len(rows) >= 8 and mixed > 0.2 * len(rows):
            return _stream_rows(stream)
        return rows
    # Bands split by spanning lines, read column by column within a band.
    rows.sort(key=lambda line: -line.y)
    out: list[_Line] = []
    band: list[_Line] = []
    for line in rows:
        if line.column == -1:
            out.extend(sorted(band, key=lambda item: (item.column, -item.y)))
            band = []
            out.append(line)
        else:
            band.append(line)
    out.extend(sorted(band, key=lambda item: (item.column, -item.y)))
    return out


# -- furniture ----------------------------------------------------------------------


def _edge_keys(line: _Line) -> tuple[str, str]:
    """Masked text, and masked text with position: running lines repeat, mostly at one place."""
    text = re.sub(r"\d+", "#", clean_text(line.text.replace("\ufffe", "-")).lower())
    return text, f"{text}@{round(line.y / 4)}"


def _edge_lines(lines: list[_Line]) -> list[int]:
    """Indices of the two top-most and two bottom-most lines, when near the page edge."""
    if not lines:
        return []
    order = sorted(range(len(lines)), key=lambda k: -lines[k].y)
    picked = []
    for k in order[:2] + order[-2:]:
        line = lines[k]
        if not line.lead and (
            line.height <= 0 or line.y > 0.8 * line.height or line.y < 0.2 * line.height
        ):
            picked.append(k)
    return sorted(set(picked))


def _above_its_run(line: _Line, sizes: Counter[float] | None) -> bool:
    """The line is set well above the size its running copies have: a cover's title
    that the running header repeats in small type, not the header itself."""
    if not sizes or line.size <= 0:
        return False
    usual = _mode(sizes, 0.0)
    return usual > 0 and line.size > 1.15 * usual


def _drop_running_lines(pages: list[list[_Line]]) -> None:
    """Remove running headers/footers and page numbers, in place.

    A line near the top or bottom edge is running furniture when the same
    text with digits masked sits at the same place on several pages, or
    anywhere at an edge on a large share of them (counted on odd and even
    pages apart, as books alternate them); a bare page number at an edge
    always goes. Footnotes (lines opening with a superscript number) never count.
    """
    counts: list[Counter[str]] = [Counter(), Counter()]
    sizes: dict[str, Counter[float]] = {}
    for number, lines in enumerate(pages):
        keys: set[str] = set()
        for k in _edge_lines(lines):
            loose, fixed = _edge_keys(lines[k])
            keys.update((loose, fixed))
            sizes.setdefault(loose, Counter())[_bucket(lines[k].size)] += 1
        counts[number % 2].update(keys)
    both = counts[0] + counts[1]
    parity_pages = [len(pages[0::2]), len(pages[1::2])]
    for number, lines in enumerate(pages):
        parity = number % 2
        placed = max(2, min(5, math.ceil(0.25 * parity_pages[parity])))
        anywhere = max(3, math.ceil(0.4 * parity_pages[parity]))
        edge = set(_edge_lines(lines))
        keep = []
        for position, line in enumerate(lines):
            if position in edge:
                text = clean_text(line.text)
                loose, fixed = _edge_keys(line)
                running = (
                    counts[parity][fixed] >= placed
                    or both[fixed] >= max(3, placed)
                    or counts[parity][loose] >= anywhere
                ) and not _above_its_run(line, sizes.get(loose))
                if running or _PAGE_NUMBER.match(text):
                    continue
            keep.append(line)
        pages[number] = keep


# -- lines to blocks ----------------------------------------------------------------


def _bucket(size: float) -> float:
    return round(size * 2) / 2


def _mode(counter: Counter[float], default: float) -> float:
    return max(counter, key=lambda k: (counter[k], -k)) if counter else default


def _could_be_title(page: int, size: float, text: str) -> bool:
    """A block on the first three pages, in a measured type size, short, and not a contents line."""
    return page <= 3 and size > 0 and len(text) <= 200 and not _LEADERS.search(text)


class _Layout:
    """Document-wide measures (body size, line pitch, vocabulary) and the blocks they give."""

    def __init__(self, pages: list[list[_Line]]) -> None:
        self.pages = pages
        weights: Counter[float] = Counter()
        for lines in pages:
            for line in lines:
                if line.size > 0:
                    weights[_bucket(line.size)] += len(line.text)
        self.body = _mode(weights, 0.0)
        pitches: dict[float, Counter[float]] = {}
        for lines in pages:
            for a, b in zip(lines, lines[1:]):
                delta = a.y - b.y
                if (
                    a.column == b.column
                    and a.size > 0
                    and _bucket(a.size) == _bucket(b.size)
                ):
                    if 0.9 * a.size < delta < 1.7 * a.size:
                        pitches.setdefault(_bucket(a.size), Counter())[
                            round(delta * 2) / 2
                        ] += 1
        self.pitch = {
            size: _mode(counter, 1.2 * size) for size, counter in pitches.items()
        }
        self.vocabulary, self.compounds = _vocabulary(pages)

    def pitch_of(self, size: float) -> float:
        return self.pitch.get(_bucket(size), 1.25 * size if size > 0 else 12.0)

    # -- footnotes

    def _split_notes(self, lines: list[_Line]) -> tuple[list[_Line], list[list[_Line]]]:
        """Body lines and footnotes (lists of lines) of one page.

        Footnotes are the smaller lines at the foot of a column, below the
        last line in body type, opening with their number.
        """
        if self.body <= 0:
            return lines, []
        notes_at: set[int] = set()
        by_column: dict[int, list[int]] = {}
        for k, line in enumerate(lines):
            by_column.setdefault(line.column, []).append(k)
        for indices in by_column.values():
            region: list[int] = []
            for k in reversed(indices):
                line = lines[k]
                if 0 < line.size <= max(_NOTE_SIZE * self.body, self.body - 0.5):
                    region.append(k)
                else:
                    break
            region.reverse()
            # Lines above the first numbered note are the end of a note
            # carried over from the previous page, so long as one does open.
            if any(self._opens_note(lines[k]) for k in region):
                notes_at.update(region)
        if not notes_at:
            return lines, []
        body = [line for k, line in enumerate(lines) if k not in notes_at]
        notes: list[list[_Line]] = []
        for k in sorted(notes_at, key=lambda k: (lines[k].column, -lines[k].y)):
            line = lines[k]
            if not notes or self._opens_note(line):
                notes.append([line])
            else:
                notes[-1].append(line)
        return body, notes

    @staticmethod
    def _opens_note(line: _Line) -> bool:
        return (
            bool(line.lead)
            or _NOTE_START.match(line.text) is not None
            or line.text[:1] in "*\u2020\u2021"
        )

    # -- paragraphs

    def blocks(self) -> tuple[list[Block], list[str]]:
        """The document's blocks in reading order, and its title candidates.

        Page by page: the body's paragraphs, headings and list items, then
        the page's footnotes. A paragraph cut by a column or page break is
        joined again to the block it continues (``_runs_on``).
        """
        out: list[Block] = []
        prominent: list[tuple[float, int, str]] = []
        previous_body: int | None = None
        for number, lines in enumerate(self.pages, start=1):
            body, notes = self._split_notes(lines)
            note_blocks, numbers = self._note_blocks(notes, number)
            for kind, text, level, size, column_start, _lines in self._groups(
                body, numbers
            ):
                text = clean_text(text)
                if not text:
                    continue
                if (
                    column_start
                    and kind == "paragraph"
                    and previous_body is not None
                    and self._runs_on(out[previous_body], text, size)
                ):
                    held = out[previous_body]
                    out[previous_body] = Block(
                        held.kind,
                        self._join([held.text, text]),
                        held.page,
                        held.level,
                        size=held.size,
                    )
                    continue
                out.append(Block(kind, text, number, level, size=size))
                previous_body = len(out) - 1 if kind != "heading" else None
                if _could_be_title(number, size, text):
                    prominent.append((size, len(prominent), text))
            for block in note_blocks:
                if block.text:
                    out.append(block)
        return out, self._titles(prominent)

    def _note_blocks(
        self, notes: list[list[_Line]], page: int
    ) -> tuple[list[Block], set[str]]:
        """The page's footnotes as blocks, and their numbers.

        A note's number is kept at its start; the numbers let ``_groups`` cut
        the same digits glued to body words, the markers that point to them.
        """
        numbers: set[str] = set()
        blocks: list[Block] = []
        for note in notes:
            first = note[0]
            text = self._join([first.text] + [line.text for line in note[1:]])
            found = _NOTE_START.match(first.text)
            if first.lead:
                numbers.add(first.lead)
                text = f"{first.lead} {text}"
            elif found:
                numbers.add(found.group(1))
            blocks.append(Block("footnote", clean_text(text), page))
        return blocks, numbers

    @staticmethod
    def _runs_on(held: Block, text: str, size: float) -> bool:
        """Whether a paragraph opening a column or page continues ``held``, the last body block.

        It does when both are set in one type size and ``held`` is prose cut
        mid-sentence: a paragraph or list item, long enough not to be a
        caption or label, not ending a sentence; a numbered paragraph always
        starts afresh.
        """
        return (
            held.kind in ("paragraph", "list_item")
            and abs(held.size - size) <= 0.1 * max(size, 1.0)
            and not _ENDS_SENTENCE.search(held.text)
            and len(held.text) >= _MIN_RUN_ON
            and not _NUMBERED.match(text)
        )

    def _titles(self, prominent: list[tuple[float, int, str]]) -> list[str]:
        """Up to ``_PROMINENT`` title candidates: the largest texts, then others above body size.

        A title repeated on the next page (often broken differently) is one
        candidate.
        """
        prominent.sort(key=lambda item: (-item[0], item[1]))
        top = prominent[0][0] if prominent else 0.0
        titles: list[str] = []
        for size, _, text in prominent:
            if size <= self.body and size < top:
                continue
            folded = text.casefold()
            if any(folded in seen.casefold() for seen in titles):
                continue
            titles.append(text)
            if len(titles) == _PROMINENT:
                break
        return titles

    def _strip_glued(self, text: str, numbers: set[str]) -> str:
        if not numbers:
            return text
        return _GLUED_MARKER.sub(
            lambda m: "" if m.group(1) in numbers else m.group(0), text
        )

    def _groups(
        self, lines: list[_Line], numbers: set[str]
    ) -> list[tuple[BlockKind, str, int, float, bool, int]]:
        """(kind, text, level, size, opens a page or column, line count) for one page's body lines."""
        if not lines:
            return []
        rights: dict[int, list[float]] = {}
        lefts: dict[int, float] = {}
        for line in lines:
            rights.setdefault(line.column, []).append(line.right)
            lefts[line.column] = min(lefts.get(line.column, line.left), line.left)
        # a column's full measure: the right edge most of its lines reach
        full = {c: sorted(r)[int(0.9 * (len(r) - 1))] for c, r in rights.items()}
        out: list[tuple[BlockKind, str, int, float, bool, int]] = []
        for _kind, members, _level, size, start in self._paragraph_lines(
            lines, numbers, full, lefts
        ):
            kind, text, level = self._kind_of(members, size, full, lefts)
            out.append((kind, text, level, size, start, len(members)))
        return out

    def _paragraph_lines(
        self,
        lines: list[_Line],
        numbers: set[str],
        full: dict[int, float],
        lefts: dict[int, float],
    ) -> list[list[Any]]:
        """The page's lines in runs of one paragraph each: [kind, lines, level, size, column start].

        Footnote markers glued to words are cut first; a new column always
        starts a paragraph, otherwise ``_breaks`` decides.
        """
        groups: list[list[Any]] = []
        previous: _Line | None = None
        for line in lines:
            text = self._strip_glued(line.text, numbers)
            if not text:
                continue
            line.text = text
            new_column = previous is None or line.column != previous.column
            if new_column or previous is None:
                brk = True
            else:
                brk = self._breaks(previous, line, groups[-1], full, lefts)
            if brk:
                groups.append(["paragraph", [line], 0, line.size, new_column])
            else:
                groups[-1][1].append(line)
            previous = line
        return groups

    def _kind_of(
        self,
        members: list[_Line],
        size: float,
        full: dict[int, float],
        lefts: dict[int, float],
    ) -> tuple[BlockKind, str, int]:
        """Kind, text and level of one run of lines: a list item after a bullet,
        a heading (``_heading_of``), else a paragraph."""
        texts = [m.text for m in members]
        bullet = _BULLET.match(texts[0]) if not texts[0].startswith("--") else None
        if bullet and len(texts[0]) > bullet.end():
            texts[0] = texts[0][bullet.end() :]
            return "list_item", self._join(texts), 1
        text = self._join(texts)
        level = self._heading_of(members, size, text, full, lefts)
        if level is not None:
            return "heading", text, level
        return "paragraph", text, 0

    def _heading_of(
        self,
        members: list[_Line],
        size: float,
        text: str,
        full: dict[int, float],
        lefts: dict[int, float],
    ) -> int | None:
        """The heading level of a run of lines, or None for a paragraph.

        A heading is set large and short (level 1 when very large); or it is
        one or two short lines that read as a heading ("3.2 Funding") and
        stand out: bold, larger than body type, or a lone line stopping well
        short of the column's full measure.
        """
        words = len(text.split())
        if (
            self.body > 0
            and size >= _HEADING_SIZE * self.body
            and words <= _MAX_HEADING_WORDS
        ):
            return 1 if size >= _TOP_HEADING_SIZE * self.body else 2
        if len(members) > 2 or words > 12:
            return None
        level = _heading_level(clean_text(text))
        if level is None:
            return None
        last = members[-1]
        stands_out = (
            members[0].bold
            or self.body <= 0
            or size > self.body + 0.5
            or len(members) == 1
            and last.right
            < full[last.column] - 0.3 * (full[last.column] - lefts[last.column])
        )
        return (level or 2) if stands_out else None

    def _breaks(
        self,
        a: _Line,
        b: _Line,
        group: list[Any],
        full: dict[int, float],
        lefts: dict[int, float],
    ) -> bool:
        size = max(a.size, b.size, 1.0)
        if abs(a.size - b.size) > max(0.5, 0.06 * size) or a.cells or b.cells:
            return True
        gap = a.y - b.y
        if gap < -0.3 * size or gap > _PARAGRAPH_GAP * self.pitch_of(a.size):
            return True
        members = group[1]
        width = max(full[a.column] - lefts[a.column], 1.0)
        short = a.right < full[a.column] - 0.12 * width
        if _NUMBERED.match(b.text):
            return True
        if _BULLET.match(b.text) and not b.text.startswith("--"):
            # A dash opening a line inside a running sentence is punctuation.
            dash = b.text[0] in "-\u2013\u2014"
            aligned = len(members) >= 2 and abs(b.left - members[1].left) <= 0.8 * size
            if not (
                dash and aligned and not short and not _ENDS_SENTENCE.search(a.text)
            ):
                return True
        if len(members) >= 2 and abs(b.left - members[1].left) > 0.8 * size:
            return True
        if (
            len(members) == 1
            and a.text.endswith(":")
            and (b.left > a.left + 0.8 * size or b.text[:1] in '\u201c"\u2018')
        ):
            return True
        if short and _ENDS_SENTENCE.search(a.text) and _STARTS_NEW.match(b.text):
            return True
        if (
            a.bold != b.bold
            and len(members) == 1
            and short
            and not _BULLET.match(a.text)
        ):
            return True
        return False

    def _join(self, texts: list[str]) -> str:
        """Lines of one block as one text (pieces joined once: linear in its length)."""
        parts: list[str] = []
        for raw in texts:
            line = raw.strip()
            if not line:
                continue
            last = parts[-1] if parts else ""
            if last and (
                last[-1] in _HYPHEN_MARKS
                or (last.endswith("-") and last[-2:-1].isalpha() and line[:1].islower())
            ):
                parts[-1] = self._dehyphenate(last[:-1], line)
            else:
                parts.append(line)
        return " ".join(parts).replace("\ufffe", "-").replace("\x02", "-")

    def _dehyphenate(self, left: str, right: str) -> str:
        """Join a word split at a line end, keeping the hyphen of a real compound.

        The document is its own dictionary: the joined form printed elsewhere
        means join; the hyphenated form printed elsewhere, a known compound
        prefix or suffix (``data/hyphen_compounds.json``), or both halves
        being words of the document, means keep.
        """
        head = re.search(r"([A-Za-z]+)$", left)
        tail = re.match(r"([A-Za-z]+)", right)
        if not head or not tail:
            return f"{left}-{right}" if right[:1].isalnum() else f"{left}- {right}"
        a, b = head.group(1).lower(), tail.group(1).lower()
        joined = self.vocabulary.get(a + b, 0)
        hyphened = self.compounds.get(f"{a}-{b}", 0)
        if joined > hyphened:
            return left + right
        prefixes, suffixes = compound_affixes()
        if (
            hyphened
            or a in prefixes
            or b in suffixes
            or (
                self.vocabulary.get(a, 0)
                and self.vocabulary.get(b, 0)
                and min(len(a), len(b)) >= 3
            )
        ):
            return f"{left}-{right}"
        if not tail.group(1)[0].islower():
            return f"{left}-{right}"
        return left + right


def _vocabulary(pages: list[list[_Line]]) -> tuple[Counter[str], Counter[str]]:
    """Words and hyphenated compounds printed whole (not broken at a line end)."""
    words: Counter[str] = Counter()
    compounds: Counter[str] = Counter()
    for lines in pages:
        broken = False
        for line in lines:
            tokens = _WORD_TOKEN.findall(line.text.lower())
            if broken and tokens:
                tokens = tokens[1:]
            broken = line.text[-1:] in _HYPHEN_MARKS or line.text.endswith("-")
            if broken and tokens:
                tokens = tokens[:-1]
            for token in tokens:
                if "-" in token:
                    compounds[token] += 1
                    words.update(token.split("-"))
                else:
                    words[token] += 1
    return words, compounds


def _heading_level(text: str) -> int | None:
    """Level of a heading line ("2.1 Targets" -> 2), or None for other text.

    Lines holding a year or ending in a number are taken for table rows or
    captions ("NHS Long Term Plan January 2019"), not headings.
    """
    numbered = _NUMBERED_HEADING.match(text)
    if numbered and looks_like_heading(numbered.group(2), sentence_case=True):
        return numbered.group(1).count(".") + 1
    if _YEAR_OR_TRAILING_NUMBER.search(text):
        return None
    if looks_like_heading(text, sentence_case=True):
        return 1 if is_all_caps(text) else 2
    return None
