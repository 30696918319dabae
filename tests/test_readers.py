"""Format readers on small files generated here: exact blocks, exact failures."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from docx import Document
from fpdf import FPDF

from evidence.errors import ReaderError, UnsupportedFormat
from evidence.models import Block, Metadata
from evidence.readers import SUPPORTED_EXTENSIONS, read_bytes, read_document
from evidence.readers.ocr import ocr_available
from evidence.readers.text import clean_text, join_lines, looks_like_heading


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _shape(blocks: list[Block]) -> list[tuple[str, str, int | None, int]]:
    return [(b.kind, b.text, b.page, b.level) for b in blocks]


# ------------------------------------------------------------------ shared


def test_supported_extensions() -> None:
    assert SUPPORTED_EXTENSIONS == frozenset(
        {
            ".txt",
            ".md",
            ".markdown",
            ".html",
            ".htm",
            ".pdf",
            ".docx",
            ".odt",
            ".rtf",
            ".eml",
            ".msg",
            ".xlsx",
            ".csv",
            ".doc",
        }
    )


def test_clean_text_collapses_nbsp_and_drops_soft_hyphens() -> None:
    assert (
        clean_text("  \u00a3\u00a05.7\u00a0bn  for\tthe\n work\u00adforce\u200b ")
        == "\u00a3 5.7 bn for the workforce"
    )


def test_join_lines_rejoins_broken_words_but_keeps_compounds() -> None:
    assert join_lines(
        ["the work-", "force plan and well-", "being of place-", "based teams"]
    ) == ("the workforce plan and well-being of place-based teams")
    assert (
        join_lines(["NHS-", "led care", "and 2023-", "24"])
        == "NHS- led care and 2023- 24"
    )


def test_looks_like_heading() -> None:
    assert looks_like_heading("Money and Capital")
    assert looks_like_heading("KEY MESSAGES")
    assert not looks_like_heading("Key messages")
    assert looks_like_heading("Key messages", sentence_case=True)
    assert not looks_like_heading("Submitted: 14 November 2022")
    assert not looks_like_heading("This is a sentence.")


def test_unknown_extension(tmp_path: Path) -> None:
    with pytest.raises(UnsupportedFormat, match="unsupported file type '.pptx'"):
        read_document(_write(tmp_path, "slides.pptx", b"PK"))


@pytest.mark.parametrize(
    "name", ["empty.txt", "empty.md", "empty.html", "empty.pdf", "empty.docx"]
)
def test_zero_byte_file(tmp_path: Path, name: str) -> None:
    with pytest.raises(ReaderError, match="^empty file$"):
        read_document(_write(tmp_path, name, b""))


def test_max_bytes(tmp_path: Path) -> None:
    path = _write(tmp_path, "big.txt", b"x" * 100)
    with pytest.raises(ReaderError, match="^file too large: 100 bytes, limit 99$"):
        read_document(path, max_bytes=99)
    assert read_document(path, max_bytes=100).blocks == [Block("paragraph", "x" * 100)]


# ------------------------------------------------------------------ text

CP1252_TEXT = (
    "The \u201cpermission to be different\u201d costs \u00a35.7bn \u2013 the Committee\u2019s view.\n"
    "A second line of the same paragraph.\n"
)


def test_txt_windows_1252(tmp_path: Path) -> None:
    raw = read_document(_write(tmp_path, "cp.txt", CP1252_TEXT.encode("cp1252")))
    assert raw.format == "txt"
    assert raw.pages is None
    assert raw.blocks == [
        Block(
            "paragraph",
            "The \u201cpermission to be different\u201d costs \u00a35.7bn \u2013 the Committee\u2019s view. "
            "A second line of the same paragraph.",
        )
    ]


def test_txt_latin1_without_cp1252_punctuation(tmp_path: Path) -> None:
    raw = read_document(
        _write(
            tmp_path,
            "l1.txt",
            "Costs rose to \u00a312m in caf\u00e9s.".encode("latin-1"),
        )
    )
    assert raw.blocks == [Block("paragraph", "Costs rose to \u00a312m in caf\u00e9s.")]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-8-sig"])
def test_txt_unicode_with_bom(tmp_path: Path, encoding: str) -> None:
    text = "\u201cQuoted\u201d \u00a35m\u00a0a year.\n\nSecond paragraph."
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    raw = read_document(_write(tmp_path, "u.txt", data))
    assert raw.blocks == [
        Block("paragraph", "\u201cQuoted\u201d \u00a35m a year."),
        Block("paragraph", "Second paragraph."),
    ]


def test_txt_binary_content(tmp_path: Path) -> None:
    with pytest.raises(ReaderError, match="^binary content, not text$"):
        read_document(
            _write(tmp_path, "bin.txt", b"GIF89a\x00\x01\x02" + bytes(range(256)))
        )


TXT_STRUCTURED = """\
Written evidence submitted by Example Trust (ABC0012)

Summary
=======

The integrated care boards have struggled to recruit enough staff and the
work-
force plan remains unfunded. Partners' well-
being matters too.

KEY MESSAGES
- Councils are equal
  partners.
* Funding must follow.
\u2022 Trust local leaders.
  1. Nested numbered item
(a) Lettered item

Money and capital
Budgets are tight and the capital allowance has been cut by a third in real terms since 2019, which limits change.

2. Findings

Workforce
---------
Final paragraph.
"""


def test_txt_structure(tmp_path: Path) -> None:
    raw = read_document(_write(tmp_path, "s.txt", TXT_STRUCTURED.encode("utf-8")))
    assert _shape(raw.blocks) == [
        ("heading", "Written evidence submitted by Example Trust (ABC0012)", None, 1),
        ("heading", "Summary", None, 1),
        (
            "paragraph",
            "The integrated care boards have struggled to recruit enough staff and the "
            "workforce plan remains unfunded. Partners' well-being matters too.",
            None,
            0,
        ),
        ("heading", "KEY MESSAGES", None, 1),
        ("list_item", "Councils are equal partners.", None, 1),
        ("list_item", "Funding must follow.", None, 1),
        ("list_item", "Trust local leaders.", None, 1),
        ("list_item", "Nested numbered item", None, 2),
        ("list_item", "Lettered item", None, 1),
        ("heading", "Money and capital", None, 2),
        (
            "paragraph",
            "Budgets are tight and the capital allowance has been cut by a third in real terms since 2019, "
            "which limits change.",
            None,
            0,
        ),
        ("heading", "2. Findings", None, 1),
        ("heading", "Workforce", None, 2),
        ("paragraph", "Final paragraph.", None, 0),
    ]


def test_txt_unwrapped_lines_are_paragraphs(tmp_path: Path) -> None:
    long_a = "1.1 This note updates members on the council's part in the integrated care system, sixteen months on."
    long_b = "1.2 Members will recall that local government funding has been reduced substantially over the decade."
    text = f"1. Purpose of the note\n{long_a}\n{long_b}\n"
    raw = read_document(_write(tmp_path, "u.txt", text.encode("utf-8")))
    assert _shape(raw.blocks) == [
        ("heading", "1. Purpose of the note", None, 1),
        ("paragraph", long_a, None, 0),
        ("paragraph", long_b, None, 0),
    ]


# ------------------------------------------------------------------ markdown

MARKDOWN = """\
# Integrated care: *two years on*

Long read \u00b7 **The Example Fund** \u00b7 3 July 2024

Over [20 years](https://example.org/reforms "reforms") of reforms have
delivered `modest` gains.

## What we found

- Partnership working is __stronger__.
  - Especially with councils.
- Money has crowded out strategy.
1. Prevention remains the ~~poor~~ relation.

| Indicator | Figure |
|:----------|-------:|
| Vacancies | 47,000 |
| Rate \\| England | 12% |

> Patience may matter more than structure.

Setext heading
--------------

![Chart of vacancies](chart.png)

[ref]: https://example.org
"""


def test_markdown(tmp_path: Path) -> None:
    raw = read_document(_write(tmp_path, "m.md", MARKDOWN.encode("utf-8")))
    assert raw.format == "md"
    assert _shape(raw.blocks) == [
        ("heading", "Integrated care: two years on", None, 1),
        ("paragraph", "Long read \u00b7 The Example Fund \u00b7 3 July 2024", None, 0),
        ("paragraph", "Over 20 years of reforms have delivered modest gains.", None, 0),
        ("heading", "What we found", None, 2),
        ("list_item", "Partnership working is stronger.", None, 1),
        ("list_item", "Especially with councils.", None, 2),
        ("list_item", "Money has crowded out strategy.", None, 1),
        ("list_item", "Prevention remains the poor relation.", None, 1),
        ("table_row", "Indicator | Figure", None, 0),
        ("table_row", "Vacancies | 47,000", None, 0),
        ("table_row", "Rate | England | 12%", None, 0),
        ("paragraph", "Patience may matter more than structure.", None, 0),
        ("heading", "Setext heading", None, 2),
        ("paragraph", "Chart of vacancies", None, 0),
    ]


def test_markdown_front_matter(tmp_path: Path) -> None:
    text = '---\ntitle: "Integrated care: two years on"\nauthor: The Example Fund\ndate: 2024-07-03\ntags: [ics]\n---\n\nBody text.\n'
    raw = read_document(_write(tmp_path, "f.md", text.encode("utf-8")))
    assert raw.blocks == [Block("paragraph", "Body text.")]
    assert raw.declared == Metadata(
        title="Integrated care: two years on", org="The Example Fund", date="2024-07-03"
    )


def test_markdown_keeps_snake_case_and_asterisk_maths(tmp_path: Path) -> None:
    raw = read_document(
        _write(tmp_path, "m.md", b"The file_name_here holds 2 * 3 items.")
    )
    assert raw.blocks == [Block("paragraph", "The file_name_here holds 2 * 3 items.")]


# ------------------------------------------------------------------ HTML

HTML_PAGE = """\
<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8">
<title>Three in four partners back ICSs | Example Confederation</title>
<meta name="author" content="Press Office">
<meta property="og:site_name" content="Example Confederation">
<meta property="article:published_time" content="2023-06-06T00:01:00+01:00">
<style>.x { color: red }</style>
<script>var tracking = "SCRIPT TEXT";</script>
</head>
<body>
<div class="cookie-banner">We use COOKIES to improve this site.</div>
<header><a href="/">Example Confederation HOME</a></header>
<nav><ul><li>NAV About us</li><li>NAV News</li></ul></nav>
<div class="breadcrumb">Home &gt; BREADCRUMB News</div>
<main>
  <p class="label">Press release</p>
  <h1>Three in four partners back ICSs</h1>
  <p>More&nbsp;than three-quarters (76%) of <b>stakeholders</b> said they<br>supported ICSs.</p>
  <div class="share-links">SHARE on social media</div>
  <ul><li>Faster <em>discharge</em><ul><li>Nested point</li></ul></li><li>Shared budgets</li></ul>
  <table><thead><tr><th>Group</th><th>Support</th></tr></thead>
  <tbody><tr><td>ICB leaders</td><td>81%</td></tr><tr><td></td><td></td></tr></tbody></table>
  <blockquote>Goodwill will not pay the bills.</blockquote>
  <div>Bare text in a div <span>with a span</span><p>and a paragraph inside</p>then a tail.</div>
  <h2>Notes to editors</h2>
  <noscript>NOSCRIPT TEXT</noscript>
  <form><label>FORM LABEL</label></form>
</main>
<aside>ASIDE related content</aside>
<footer>FOOTER copyright</footer>
<script>document.write("LATE SCRIPT")</script>
</body></html>
"""


def test_html_main_text_only(tmp_path: Path) -> None:
    raw = read_document(_write(tmp_path, "p.html", HTML_PAGE.encode("utf-8")))
    assert raw.format == "html"
    assert _shape(raw.blocks) == [
        ("paragraph", "Press release", None, 0),
        ("heading", "Three in four partners back ICSs", None, 1),
        (
            "paragraph",
            "More than three-quarters (76%) of stakeholders said they supported ICSs.",
            None,
            0,
        ),
        ("list_item", "Faster discharge", None, 1),
        ("list_item", "Nested point", None, 2),
        ("list_item", "Shared budgets", None, 1),
        ("table_row", "Group | Support", None, 0),
        ("table_row", "ICB leaders | 81%", None, 0),
        ("paragraph", "Goodwill will not pay the bills.", None, 0),
        ("paragraph", "Bare text in a div with a span", None, 0),
        ("paragraph", "and a paragraph inside", None, 0),
        ("paragraph", "then a tail.", None, 0),
        ("heading", "Notes to editors", None, 2),
    ]
    assert raw.declared == Metadata(
        title="Three in four partners back ICSs | Example Confederation",
        org="Example Confederation",
        date="2023-06-06",
    )
    text = " ".join(b.text for b in raw.blocks)
    for noise in (
        "SCRIPT",
        "COOKIES",
        "NAV",
        "BREADCRUMB",
        "SHARE",
        "NOSCRIPT",
        "FORM",
        "ASIDE",
        "FOOTER",
        "HOME",
    ):
        assert noise not in text


def test_html_density_picks_the_article_body(tmp_path: Path) -> None:
    page = (
        "<html><head><title>Blog</title><meta name='date' content='5 December 2023'></head><body>"
        "<div id='top'><p>Sign up</p></div>"
        "<div class='wrapper'><div class='post-body'>"
        "<p>General practice is where most people meet the NHS.</p>"
        "<p>Primary care networks have recruited new staff since 2019.</p></div>"
        "<div class='promo'><p>Donate</p></div></div>"
        "</body></html>"
    )
    raw = read_document(_write(tmp_path, "b.htm", page.encode("utf-8")))
    assert _shape(raw.blocks) == [
        ("paragraph", "General practice is where most people meet the NHS.", None, 0),
        (
            "paragraph",
            "Primary care networks have recruited new staff since 2019.",
            None,
            0,
        ),
    ]
    assert raw.declared == Metadata(title="Blog", date="2023-12-05")


def test_html_keeps_the_article_header_only(tmp_path: Path) -> None:
    page = (
        "<html><body><header>SITE HEADER</header><div role='navigation'>ROLE NAV</div>"
        "<article><header><h1>Article title</h1><p>By Jane Smith</p></header><p>Body.</p>"
        "<footer>Tags: workforce</footer></article><div hidden>HIDDEN</div></body></html>"
    )
    raw = read_document(_write(tmp_path, "a.html", page.encode("utf-8")))
    assert _shape(raw.blocks) == [
        ("heading", "Article title", None, 1),
        ("paragraph", "By Jane Smith", None, 0),
        ("paragraph", "Body.", None, 0),
    ]


def test_html_declared_charset(tmp_path: Path) -> None:
    page = "<html><head><meta charset='windows-1252'></head><body><p>\u00a35m \u2013 \u201cquoted\u201d</p></body></html>"
    raw = read_document(_write(tmp_path, "c.html", page.encode("cp1252")))
    assert raw.blocks == [Block("paragraph", "\u00a35m \u2013 \u201cquoted\u201d")]


def test_html_10000_deep_nesting(tmp_path: Path) -> None:
    depth = 10_000
    page = (
        "<html><body><main>"
        + "<div>" * depth
        + "<p>Deep <b>text</b></p>"
        + "</div>" * depth
        + "</main></body></html>"
    )
    raw = read_document(_write(tmp_path, "deep.html", page.encode("utf-8")))
    assert raw.blocks == [Block("paragraph", "Deep text")]


def test_html_10000_deep_inline_nesting(tmp_path: Path) -> None:
    depth = 10_000
    page = (
        "<html><body><p>"
        + "<span>" * depth
        + "deep words"
        + "</span>" * depth
        + "</p></body></html>"
    )
    raw = read_document(_write(tmp_path, "deep.html", page.encode("utf-8")))
    assert raw.blocks == [Block("paragraph", "deep words")]


# ------------------------------------------------------------------ PDF

PDF_BODY = [
    (
        "Findings on workforce",
        "Integrated care boards have struggled to recruit enough staff, and the work-\n"
        "force plan remains unfunded across every region.",
        "Vacancy rates rose in 2023.",
    ),
    (
        "Money and capital",
        "Systems were asked to find savings of \u00a35.7 billion in 2022-23, about five per cent of budgets.",
        "Capital is the binding constraint.",
    ),
    (
        "Recommendations",
        "NHS England should give systems multi-year capital allocations so that they can plan ahead.",
        "DHSC should publish an assessment.",
    ),
]


class _ReportPDF(FPDF):
    def header(self) -> None:
        self.set_font("Helvetica", size=9)
        self.cell(
            0,
            8,
            "Health Committee - Written evidence ICS0001",
            new_x="LMARGIN",
            new_y="NEXT",
        )
        self.ln(6)

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("Helvetica", size=9)
        self.cell(0, 8, f"Page {self.page_no()} of {{nb}}", align="C")


def _report_pdf(**encryption: str) -> bytes:
    pdf = _ReportPDF()
    pdf.set_title("Written evidence from the Example Trust")
    pdf.set_author("Example Trust")
    pdf.set_creation_date(datetime(2023, 5, 9, 14, 30, tzinfo=UTC))
    if encryption:
        pdf.set_encryption(**encryption)
    for heading, first, second in PDF_BODY:
        pdf.add_page()
        pdf.set_font("Helvetica", "B", 14)
        pdf.cell(0, 10, heading, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
        pdf.set_font("Helvetica", size=11)
        pdf.multi_cell(0, 6, first)
        pdf.ln(6)
        pdf.multi_cell(0, 6, second)
    return bytes(pdf.output())


def test_pdf_paragraphs_pages_and_running_lines(tmp_path: Path) -> None:
    raw = read_document(_write(tmp_path, "r.pdf", _report_pdf()))
    assert raw.format == "pdf"
    assert raw.pages == 3
    assert _shape(raw.blocks) == [
        ("heading", "Findings on workforce", 1, 2),
        (
            "paragraph",
            "Integrated care boards have struggled to recruit enough staff, and the workforce plan remains "
            "unfunded across every region.",
            1,
            0,
        ),
        ("paragraph", "Vacancy rates rose in 2023.", 1, 0),
        ("heading", "Money and capital", 2, 2),
        (
            "paragraph",
            "Systems were asked to find savings of \u00a35.7 billion in 2022-23, about five per cent of budgets.",
            2,
            0,
        ),
        ("paragraph", "Capital is the binding constraint.", 2, 0),
        ("heading", "Recommendations", 3, 2),
        (
            "paragraph",
            "NHS England should give systems multi-year capital allocations so that they can plan ahead.",
            3,
            0,
        ),
        ("paragraph", "DHSC should publish an assessment.", 3, 0),
    ]
    text = " ".join(b.text for b in raw.blocks)
    assert "Written evidence ICS0001" not in text and "Page" not in text
    assert raw.declared == Metadata(
        title="Written evidence from the Example Trust",
        org="Example Trust",
        date="2023-05",
    )


def test_pdf_wrapped_paragraph_and_bullets(tmp_path: Path) -> None:
    pdf = FPDF()
    pdf.set_creation_date(datetime(2019, 12, 15, 12, 0, tzinfo=UTC))
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    long = " ".join(
        ["Integrated care systems need stable funding to plan services."] * 4
    )
    pdf.multi_cell(0, 6, long, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.multi_cell(0, 6, "Each board must include:", new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(
        0, 6, "- a chair and a chief executive;", new_x="LMARGIN", new_y="NEXT"
    )
    pdf.multi_cell(
        0,
        6,
        "* at least two ordinary non-executive members.",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    raw = read_document(_write(tmp_path, "w.pdf", bytes(pdf.output())))
    assert _shape(raw.blocks) == [
        ("paragraph", long, 1, 0),
        ("paragraph", "Each board must include:", 1, 0),
        ("list_item", "a chair and a chief executive;", 1, 1),
        ("list_item", "at least two ordinary non-executive members.", 1, 1),
    ]
    # The month the file was made, as fpdf2 writes it (no title or author).
    assert raw.declared == Metadata(date="2019-12")


def test_pdf_not_a_pdf(tmp_path: Path) -> None:
    with pytest.raises(ReaderError, match="^not a PDF file$"):
        read_document(_write(tmp_path, "x.pdf", b"<html>this is a web page</html>"))


def test_pdf_corrupt_bytes(tmp_path: Path) -> None:
    with pytest.raises(ReaderError, match="^not a readable PDF: data format error$"):
        read_document(_write(tmp_path, "c.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 4))


def test_pdf_truncated(tmp_path: Path) -> None:
    data = _report_pdf()
    with pytest.raises(ReaderError, match="^not a readable PDF: "):
        read_document(_write(tmp_path, "t.pdf", data[: len(data) // 3]))


def test_pdf_encrypted(tmp_path: Path) -> None:
    data = _report_pdf(owner_password="owner", user_password="reader")
    with pytest.raises(ReaderError, match="^encrypted PDF: needs a password$"):
        read_document(_write(tmp_path, "e.pdf", data))


def test_pdf_without_text_layer(tmp_path: Path) -> None:
    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 50, style="F")
    pdf.add_page()
    path = _write(tmp_path, "scan.pdf", bytes(pdf.output()))
    with pytest.raises(ReaderError, match="^no text layer: needs OCR$"):
        read_document(path, ocr=False)
    # Read by OCR (where Tesseract is installed), the shape holds no words either.
    reason = (
        "no text layer, and OCR found no readable text"
        if ocr_available()
        else "no text layer: needs OCR: install tesseract-ocr"
    )
    with pytest.raises(ReaderError, match=f"^{reason}$"):
        read_document(path)


# ------------------------------------------------------------------ DOCX


def _docx_bytes() -> bytes:
    document = Document()
    document.core_properties.title = "Written evidence from the Example College"
    document.core_properties.author = "Example College"
    document.add_heading(
        "Written evidence submitted by the Example College (ICS0087)", level=1
    )
    document.add_paragraph("Integrated care systems need\u00a0nurses.")
    document.add_heading("The workforce", level=2)
    document.add_paragraph("First point", style="List Bullet")
    document.add_paragraph("Second point", style="List Number 2")
    table = document.add_table(rows=3, cols=3)
    for row, values in zip(
        table.rows,
        [
            ("Indicator", "Figure", "Period"),
            ("Vacancies", "47,000", "June 2022"),
            ("Rate", "", "12%"),
        ],
    ):
        for cell, value in zip(row.cells, values):
            cell.text = value
    merged = document.add_table(rows=1, cols=2)
    merged.rows[0].cells[0].merge(merged.rows[0].cells[1]).text = "Merged cell"
    document.add_paragraph("   ")
    document.add_paragraph("After the tables.")
    document.add_heading("Title style", level=0)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_order_and_kinds(tmp_path: Path) -> None:
    raw = read_document(_write(tmp_path, "e.docx", _docx_bytes()))
    assert raw.format == "docx"
    assert _shape(raw.blocks) == [
        (
            "heading",
            "Written evidence submitted by the Example College (ICS0087)",
            None,
            1,
        ),
        ("paragraph", "Integrated care systems need nurses.", None, 0),
        ("heading", "The workforce", None, 2),
        ("list_item", "First point", None, 1),
        (
            "list_item",
            "1. Second point",
            None,
            2,
        ),  # "List Number 2" draws its number: the text shows it
        ("table_row", "Indicator | Figure | Period", None, 0),
        ("table_row", "Vacancies | 47,000 | June 2022", None, 0),
        ("table_row", "Rate | 12%", None, 0),
        ("table_row", "Merged cell", None, 0),
        ("paragraph", "After the tables.", None, 0),
        ("heading", "Title style", None, 1),
    ]
    assert raw.declared == Metadata(
        title="Written evidence from the Example College", org="Example College"
    )


def test_docx_not_a_zip(tmp_path: Path) -> None:
    with pytest.raises(ReaderError, match=r"^not a DOCX \(zip\) file$"):
        read_document(_write(tmp_path, "n.docx", b"This is plain text saved as .docx"))


def test_docx_zip_without_document(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a word document")
    with pytest.raises(ReaderError, match="^not a readable DOCX: "):
        read_document(_write(tmp_path, "z.docx", buffer.getvalue()))


def test_docx_zip_bomb(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"\0" * (11 * 1024 * 1024))
    data = buffer.getvalue()
    assert len(data) < 100_000
    with pytest.raises(ReaderError, match=r"^DOCX expands too far \(zip bomb\?\)$"):
        read_document(_write(tmp_path, "bomb.docx", data))


@pytest.mark.parametrize("extension", [".pdf", ".docx", ".html", ".md", ".txt"])
def test_damaged_files_fail_only_with_reader_error(extension: str) -> None:
    import random

    rng = random.Random(20231106)
    sources = {
        ".pdf": _report_pdf(),
        ".docx": _docx_bytes(),
        ".html": HTML_PAGE.encode("utf-8"),
        ".md": MARKDOWN.encode("utf-8"),
        ".txt": TXT_STRUCTURED.encode("utf-8"),
    }
    source = sources[extension]
    outcomes = set()
    for attempt in range(30):
        data = bytearray(source)
        if attempt % 3 == 0:
            for _ in range(rng.randint(1, 20)):
                data[rng.randrange(len(data))] = rng.randrange(256)
        elif attempt % 3 == 1:
            data = data[: rng.randrange(1, len(data))]
        else:
            data = bytearray(rng.randrange(256) for _ in range(rng.randint(1, 2000)))
        try:
            read_bytes(bytes(data), extension)
            outcomes.add("read")
        except ReaderError:
            outcomes.add("refused")
    assert "refused" in outcomes


def test_read_bytes_matches_read_document(tmp_path: Path) -> None:
    data = _docx_bytes()
    assert read_bytes(data, ".DOCX") == read_document(
        _write(tmp_path, "same.docx", data)
    )
