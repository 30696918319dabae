"""PDF reader: pypdfium2 text, re-flowed into paragraphs, without running headers.

A PDF holds positioned lines, not paragraphs. Lines are re-joined using the
page's geometry (vertical gaps, lines stopping short of the right margin
after a full stop), words hyphenated across a line break are rejoined, and
running headers, footers and page numbers are dropped so they are neither
indexed nor cited. Every block keeps its 1-based page number.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ..errors import ReaderError
from ..models import Block, Metadata, RawDocument
from .text import clean_text, is_all_caps, join_lines, looks_like_heading

#: pdfium marks a hyphen at a line break with U+FFFE (older builds U+0002).
_PDFIUM_HYPHEN = re.compile("[\ufffe\x02]\r?\n?")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_PAGE_NUMBER = re.compile(
    r"^(?:(?:page|p\.)\s*)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?$|^[-\u2013\u2014]\s*\d{1,4}\s*[-\u2013\u2014]$|^[ivxlc]{1,6}$",
    re.IGNORECASE,
)
_BULLET = re.compile(r"^[\u2022\u25aa\u25cf\u25e6\u2023\u2043\u25a0\u25a1\u2013\u2014*\-\uf0b7\uf0a7]\s*")
_NUMBERED = re.compile(r"^(?:\d{1,3}(?:\.\d{1,3})*\.?|\([a-z0-9]{1,4}\)|[a-z]\))\s+\S")
_NUMBERED_HEADING = re.compile(r"^(\d{1,2}(?:\.\d{1,2})*)\.?\s+(\S.*)$")
_YEAR_OR_TRAILING_NUMBER = re.compile(r"\b\d{4}\b|\d$")
_ENDS_SENTENCE = re.compile(r"[.?!:][\"'\u201d\u2019)\]]?$")
_STARTS_NEW = re.compile(r"^[A-Z\u2018\u201c\"'(\d\u2022\u25aa\u25cf\u25e6\uf0b7]")
#: pdfium error code for a missing or wrong password (FPDF_ERR_PASSWORD).
_ERR_PASSWORD = 4
_EDGE_LINES = 2
_MIN_PAGE_LINES = 8
#: Text this many times the body size is a heading; this many, a top one.
_HEADING_SIZE = 1.2
_TOP_HEADING_SIZE = 1.6
_MAX_HEADING_WORDS = 25
#: Line spacing as a multiple of the font size, at the loosest.
_MAX_LEADING = 1.6
#: A line stopping this share of the text width short of the right margin
#: ends its paragraph even without a full stop (table rows, addresses).
_VERY_SHORT = 0.2

_JUNK_TITLE = re.compile(
    r"^(?:microsoft\s+(?:word|powerpoint|excel)\s*-|untitled|document\d*$|slide\s*\d+$|title$|no title)"
    r"|\.(?:docx?|pdf|indd|pptx?|rtf|odt|xlsx?)$",
    re.IGNORECASE,
)
_JUNK_AUTHOR = re.compile(r"^(?:user|admin(?:istrator)?|owner|author|unknown|windows user|pc|default)$", re.IGNORECASE)


@dataclass
class _Line:
    text: str
    left: float
    right: float
    y: float  # bottom of the line's first character, PDF points from the bottom
    y_end: float  # bottom of its last: pdfium runs a hyphen-broken line on into the next
    size: float  # font size of its first character, points (0 if unknown)


def read_pdf(data: bytes, *, max_pages: int | None = None) -> RawDocument:
    """Blocks, page count and declared metadata from the bytes of a PDF.

    ``max_pages`` is checked on the page tree, before any page is parsed, so
    a 100,000-page file is refused at once rather than after minutes of work.
    """
    if b"%PDF-" not in data[:1024]:
        raise ReaderError("not a PDF file")
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
        pages = [_page_lines(pdf, index) for index in range(count)]
        declared = _declared(pdf)
    except (pdfium.PdfiumError, ValueError, OSError) as exc:
        raise ReaderError(f"not a readable PDF: {_reason(exc)}") from exc
    finally:
        pdf.close()
    if not any(line.text.strip() for page in pages for line in page):
        raise ReaderError("no text layer: needs OCR")
    _drop_running_lines(pages)
    every_line = [line for lines in pages for line in lines]
    document_right = _typical_right(every_line)
    body_size = _body_size(every_line)
    blocks: list[Block] = []
    for number, lines in enumerate(pages, start=1):
        blocks.extend(_page_blocks(lines, number, document_right, body_size))
    return RawDocument(blocks=_join_across_pages(blocks), format="pdf", pages=len(pages), declared=declared)


def _reason(exc: Exception) -> str:
    text = str(exc)
    found = re.search(r"PDFium: ([^)]*)", text)
    return (found.group(1) if found else text or type(exc).__name__).strip().rstrip(".").lower()


def _declared(pdf: pdfium.PdfDocument) -> Metadata:
    info = pdf.get_metadata_dict()
    title = clean_text(info.get("Title") or "")
    author = clean_text(info.get("Author") or "")
    title_ok = len(title) >= 4 and " " in title and not _JUNK_TITLE.search(title)
    author_ok = len(author) >= 3 and not _JUNK_AUTHOR.match(author) and (" " in author or author[:1].isupper())
    return Metadata(title=title if title_ok else None, org=author if author_ok else None)


def _page_lines(pdf: pdfium.PdfDocument, index: int) -> list[_Line]:
    page = pdf[index]
    try:
        textpage = page.get_textpage()
        try:
            text = textpage.get_text_range()
            geometry = textpage.count_chars() == len(text)
            lines: list[_Line] = []
            offset = 0
            for match in _LINE_BREAK.finditer(text + "\n"):
                raw = text[offset : match.start()]
                start = offset
                offset = match.end()
                stripped = raw.strip()
                if not stripped:
                    continue
                if geometry:
                    first = start + (len(raw) - len(raw.lstrip()))
                    last = start + len(raw.rstrip()) - 1
                    left, bottom, _, _ = textpage.get_charbox(first)
                    _, bottom_end, right, _ = textpage.get_charbox(last)
                    size = float(pdfium_c.FPDFText_GetFontSize(textpage.raw, first))
                else:
                    left, right = 0.0, float(len(stripped))
                    bottom = bottom_end = -float(len(lines))
                    size = 0.0
                lines.append(_Line(stripped, left, right, bottom, bottom_end, size))
            return lines
        finally:
            textpage.close()
    finally:
        page.close()


def _edge_key(text: str) -> str:
    return re.sub(r"\d+", "#", clean_text(_PDFIUM_HYPHEN.sub("-", text)).lower())


def _drop_running_lines(pages: list[list[_Line]]) -> None:
    """Remove running headers/footers and page numbers, in place.

    A line among the first or last two of a page is a running line when the
    same text (digits masked) sits at a page edge on at least half the pages,
    and two at the least; a bare page number at an edge always goes.
    """
    counts: Counter[str] = Counter()
    for lines in pages:
        edge = {_edge_key(line.text) for line in lines[:_EDGE_LINES] + lines[-_EDGE_LINES:]}
        counts.update(edge)
    threshold = max(2, math.ceil(len(pages) / 2))
    running = {key for key, n in counts.items() if n >= threshold}
    for number, lines in enumerate(pages):
        size = len(lines)
        keep: list[_Line] = []
        for position, line in enumerate(lines):
            at_edge = position < _EDGE_LINES or position >= size - _EDGE_LINES
            text = clean_text(line.text)
            if at_edge and (_edge_key(line.text) in running or _PAGE_NUMBER.match(text)):
                continue
            keep.append(line)
        pages[number] = keep


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2] if ordered else 0.0


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


def _body_size(lines: list[_Line]) -> float:
    """The font size most of the text is set in, weighted by characters."""
    weights: Counter[float] = Counter()
    for line in lines:
        if line.size > 0:
            weights[round(line.size, 1)] += len(line.text)
    return max(weights, key=lambda size: (weights[size], -size)) if weights else 0.0


def _typical_right(lines: list[_Line]) -> float:
    """Where full lines end: the 90th percentile of right edges."""
    rights = sorted(line.right for line in lines)
    return rights[int(0.9 * (len(rights) - 1))] if rights else 0.0


def _page_blocks(lines: list[_Line], page: int, document_right: float, body_size: float) -> list[Block]:
    """Re-flow one page's lines into paragraphs, list items and headings.

    A page with few lines (a title page) has no typical line width of its
    own, so the document's is used. Short runs of text set well above the
    body size are headings, joined across their own line breaks.
    """
    if not lines:
        return []
    full_right = _typical_right(lines) if len(lines) >= _MIN_PAGE_LINES else document_right
    left_margin = min(line.left for line in lines)
    width = max(full_right - left_margin, 1.0)
    spacing = _median([a.y_end - b.y for a, b in zip(lines, lines[1:]) if a.y_end - b.y > 0])
    size = _median([line.size for line in lines if line.size > 0])
    if size > 0:
        # A page of one-line paragraphs has no typical line gap of its own;
        # no text is set looser than this without a paragraph break.
        spacing = min(spacing, _MAX_LEADING * size)

    def short(line: _Line, share: float = 0.1) -> bool:
        return line.right < full_right - share * width

    def large(line: _Line) -> bool:
        return body_size > 0 and line.size >= _HEADING_SIZE * body_size and len(line.text.split()) <= _MAX_HEADING_WORDS

    # Each group: [kind, lines' texts, heading level (0 = from the text), font size].
    groups: list[list] = []
    for index, line in enumerate(lines):
        text = line.text
        previous = lines[index - 1] if index else None
        if large(line):
            level = 1 if line.size >= _TOP_HEADING_SIZE * body_size else 2
            if (
                previous is not None
                and groups
                and groups[-1][0] == "heading"
                and abs(groups[-1][3] - line.size) < 0.5
                and previous.y_end - line.y <= _MAX_LEADING * line.size
            ):
                groups[-1][1].append(text)
            else:
                groups.append(["heading", [text], level, line.size])
            continue
        bullet = _BULLET.match(text) if not text.startswith("--") else None
        brk = previous is None
        if previous is not None:
            gap = previous.y_end - line.y
            brk = (
                (spacing > 0 and (gap > 1.5 * spacing or gap < 0))
                or bullet is not None
                or _NUMBERED.match(text) is not None
                or (
                    _STARTS_NEW.match(text) is not None
                    and (
                        (_ENDS_SENTENCE.search(previous.text) is not None and short(previous))
                        or short(previous, _VERY_SHORT)
                    )
                )
                or not groups
                or groups[-1][0] == "heading"
            )
        following = lines[index + 1] if index + 1 < len(lines) else None
        standalone = (
            short(line)
            and _heading_level(clean_text(text)) is not None
            and (previous is None or brk or _ENDS_SENTENCE.search(previous.text) is not None or short(previous))
            and (following is None or _STARTS_NEW.match(following.text) is not None)
        )
        if standalone:
            groups.append(["heading", [text], 0, line.size])
        elif brk:
            kind = "list_item" if bullet else "paragraph"
            groups.append([kind, [text[bullet.end() :] if bullet else text], 1 if bullet else 0, line.size])
        else:
            groups[-1][1].append(text)
    blocks: list[Block] = []
    for kind, parts, level, _ in groups:
        text = clean_text(join_lines(_PDFIUM_HYPHEN.sub("-\n", "\n".join(parts)).split("\n")))
        if not text:
            continue
        if kind == "heading" and not level:
            level = _heading_level(text) or 1
        blocks.append(Block(kind, text, page, level))
    return blocks


def _join_across_pages(blocks: list[Block]) -> list[Block]:
    """A paragraph cut by a page break continues on the next page: rejoin it."""
    out: list[Block] = []
    for block in blocks:
        if (
            out
            and block.kind == "paragraph"
            and out[-1].kind in ("paragraph", "list_item")
            and out[-1].page is not None
            and block.page == out[-1].page + 1
            and not _ENDS_SENTENCE.search(out[-1].text)
            and block.text[:1].islower()
        ):
            previous = out[-1]
            out[-1] = Block(previous.kind, join_lines([previous.text, block.text]), previous.page, previous.level)
            continue
        out.append(block)
    return out
