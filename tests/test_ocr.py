"""OCR of scanned PDF pages: Tesseract's lines through the PDF reader's layout.

The scans are made here: a text PDF is written with fpdf2, rendered to a
picture by pdfium and put on the page of a new PDF that has no text layer.
These tests need Debian's tesseract-ocr and tesseract-ocr-eng (.ci/run
installs them).
"""

from __future__ import annotations

import io
import re
import sqlite3
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner
from fpdf import FPDF

from evidence.cli import cli
from evidence.errors import ReaderError
from evidence.readers import read_bytes, read_document
from evidence.readers.ocr import OcrLine, ocr_available, parse_hocr
from evidence.store import Store

pytestmark = pytest.mark.skipif(
    not ocr_available(),
    reason="needs tesseract-ocr and tesseract-ocr-eng (.ci/run installs them)",
)

FIRST = (
    "Waiting times for community mental health services have risen in every region since 2019, "
    "and most areas now report waits of more than eighteen weeks."
)
SECOND = "The board asks the department to publish a recovery plan for these services by the end of March."
HEADING = "Summary of evidence"


def _text_pdf(pages: list[list[tuple[str, str]]]) -> FPDF:
    """A PDF of (style, text) blocks: "h" a 16 pt heading, "p" a 12 pt paragraph."""
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    for blocks in pages:
        pdf.add_page()
        pdf.set_xy(20, 25)
        for style, text in blocks:
            pdf.set_font(
                "Helvetica", "B" if style == "h" else "", 16 if style == "h" else 12
            )
            pdf.multi_cell(170, 6 if style == "p" else 9, text)
            pdf.ln(5)
    return pdf


def _scan(
    pages: list[list[tuple[str, str]]],
    *,
    text_pages: frozenset[int] = frozenset(),
    stamp: str = "",
) -> bytes:
    """The pages as pictures on pages without text; pages in ``text_pages`` keep their text.

    ``stamp`` is set as text on top of each picture (a page number a PDF tool added).
    """
    source = pdfium.PdfDocument(bytes(_text_pdf(pages).output()))
    out = FPDF(format="A4")
    for index, blocks in enumerate(pages):
        out.add_page()
        if index in text_pages:
            out.set_xy(20, 25)
            for _style, text in blocks:
                out.set_font("Helvetica", "", 12)
                out.multi_cell(170, 6, text)
                out.ln(5)
            continue
        picture = source[index].render(scale=200 / 72, grayscale=True).to_pil()
        buffer = io.BytesIO()
        picture.save(buffer, format="PNG")
        out.image(buffer, x=0, y=0, w=210, h=297)
        if stamp:
            out.set_font("Helvetica", "", 10)
            out.text(180, 290, stamp)
    source.close()
    return bytes(out.output())


def test_a_scanned_page_is_read_into_whole_flagged_paragraphs() -> None:
    raw = read_bytes(_scan([[("h", HEADING), ("p", FIRST), ("p", SECOND)]]), ".pdf")
    assert [(b.kind, b.text, b.page, b.ocr) for b in raw.blocks] == [
        ("heading", HEADING, 1, True),
        ("paragraph", FIRST, 1, True),
        ("paragraph", SECOND, 1, True),
    ]
    assert raw.pages == 1


def test_only_the_image_pages_of_a_text_pdf_are_read_by_ocr() -> None:
    raw = read_bytes(
        _scan(
            [[("p", FIRST), ("p", SECOND)], [("p", FIRST)]], text_pages=frozenset({0})
        ),
        ".pdf",
    )
    assert [(b.text, b.page, b.ocr) for b in raw.blocks] == [
        (FIRST, 1, False),
        (SECOND, 1, False),
        (FIRST, 2, True),
    ]


def test_a_scanned_page_with_a_stamped_page_number_is_read_by_ocr() -> None:
    raw = read_bytes(
        _scan(
            [[("p", FIRST), ("p", SECOND)], [("p", FIRST)]],
            text_pages=frozenset({0}),
            stamp="Page 2",
        ),
        ".pdf",
    )
    # The stamp is read too, and dropped as a page number.
    assert [(b.text, b.page, b.ocr) for b in raw.blocks] == [
        (FIRST, 1, False),
        (SECOND, 1, False),
        (FIRST, 2, True),
    ]


def test_without_ocr_a_scan_is_refused_and_the_image_pages_of_a_text_pdf_left_out() -> (
    None
):
    with pytest.raises(ReaderError, match="^no text layer: needs OCR$"):
        read_bytes(_scan([[("p", FIRST)]]), ".pdf", ocr=False)
    raw = read_bytes(
        _scan(
            [[("p", FIRST), ("p", SECOND)], [("p", FIRST)]], text_pages=frozenset({0})
        ),
        ".pdf",
        ocr=False,
    )
    assert [(b.text, b.page, b.ocr) for b in raw.blocks] == [
        (FIRST, 1, False),
        (SECOND, 1, False),
    ]


def test_without_tesseract_a_scan_is_refused_naming_the_package(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    data = _scan([[("p", FIRST)]])
    monkeypatch.setenv("PATH", str(tmp_path))
    ocr_available.cache_clear()
    try:
        with pytest.raises(
            ReaderError, match="^no text layer: needs OCR: install tesseract-ocr$"
        ):
            read_bytes(data, ".pdf")
    finally:
        monkeypatch.undo()
        ocr_available.cache_clear()


def test_a_page_with_nothing_to_read_says_ocr_found_no_text() -> None:
    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 50, style="F")
    with pytest.raises(
        ReaderError, match="^no text layer, and OCR found no readable text$"
    ):
        read_bytes(bytes(pdf.output()), ".pdf")


def test_hocr_lines_become_points_with_the_baseline_above_the_descenders() -> None:
    hocr = b"""<html><body><div class='ocr_page' title='bbox 0 0 2480 3508'>
    <span class='ocr_line' title='bbox 300 600 1500 650; baseline 0.001 -10; x_size 50; x_descenders 10; x_ascenders 12'>
      <span class='ocrx_word' title='bbox 300 600 500 640; x_wconf 95'>Waiting</span>
      <span class='ocrx_word' title='bbox 520 600 700 650; x_wconf 12'>~</span>
      <span class='ocrx_word' title='bbox 720 600 900 640; x_wconf 91'>times</span>
    </span>
    <span class='ocr_line' title='bbox 300 700 400 750'><span class='ocrx_word' title='bbox 300 700 400 750; x_wconf 5'>|</span></span>
    </div></body></html>"""
    scale = 300 / 72
    assert parse_hocr(hocr, scale, 3508) == (
        [
            OcrLine(
                "Waiting times",
                300 / scale,
                1500 / scale,
                (3508 - 650 + 10) / scale,
                round(50 / scale, 1),
            )
        ],
        (7 * 95 + 1 * 12 + 5 * 91 + 1 * 5) / 14,
    )


STRESS = Path(__file__).resolve().parents[2] / "shared" / "eval" / "real" / "stress"


@pytest.mark.skipif(
    not (STRESS / "plumber_malformed-from-issue-932.pdf").exists(),
    reason="needs ../shared/eval/real/stress",
)
def test_a_scan_in_a_script_no_installed_model_reads_is_refused_not_read_as_debris() -> (
    None
):
    # A scanned Chinese page (EXPECTED.tsv: "refuse: no usable text layer, needs OCR"): read
    # with the English model its words average a confidence near 25.
    with pytest.raises(
        ReaderError, match="^no text layer, and OCR found no readable text$"
    ):
        read_document(STRESS / "plumber_malformed-from-issue-932.pdf")


def _ingest(runner: CliRunner, index_dir: Path, *args: str):
    return runner.invoke(
        cli, ["--index-dir", str(index_dir), "ingest", "--workers", "1", *args]
    )


def test_ingest_reads_a_scan_and_no_ocr_refuses_it_by_name(tmp_path: Path) -> None:
    folder = tmp_path / "inquiry"
    folder.mkdir()
    (folder / "letter.pdf").write_bytes(_scan([[("p", FIRST)]]))
    (folder / "note.txt").write_text(SECOND + "\n", encoding="utf-8")
    runner = CliRunner()

    refused = _ingest(runner, tmp_path / "plain", str(folder), "--no-ocr")
    assert refused.exit_code == 3
    assert refused.stderr.splitlines() == [
        "failed: inquiry/letter.pdf: no text layer: needs OCR"
    ]
    assert (
        refused.stdout.splitlines()[0]
        == "2 documents: 1 new, 0 changed, 0 unchanged, 0 removed; 1 failed"
    )

    index_dir = tmp_path / "idx"
    result = _ingest(runner, index_dir, str(folder))
    assert result.exit_code == 0, result.output
    assert (
        result.stdout.splitlines()[0]
        == "2 documents: 2 new, 0 changed, 0 unchanged, 0 removed; 0 failed"
    )
    with Store(index_dir) as store:
        by_path = {doc.path: doc.doc_id for doc in store.documents()}
        assert [
            (p.text, p.page, p.ocr) for p in store.passages(by_path["letter.pdf"])
        ] == [(FIRST, 1, True)]
        assert [(p.text, p.ocr) for p in store.passages(by_path["note.txt"])] == [
            (SECOND, False)
        ]

    site = tmp_path / "site"
    built = runner.invoke(
        cli, ["--index-dir", str(index_dir), "build", "--output", str(site)]
    )
    assert built.exit_code == 0, built.output
    letter = (site / f"docs/{by_path['letter.pdf']}.html").read_text(encoding="utf-8")
    note = (site / f"docs/{by_path['note.txt']}.html").read_text(encoding="utf-8")
    assert re.findall(r'<dd class="ocr">[^<]*</dd>', letter) == [
        '<dd class="ocr">text from OCR on 1 of 1 page: read from a picture of the page, so words may be misread</dd>'
    ]
    assert 'aria-label="Link to this passage, p. 1 (OCR)"' in letter
    assert "OCR" not in note


def test_a_store_from_before_ocr_gains_the_column_and_keeps_its_passages(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "inquiry"
    folder.mkdir()
    (folder / "note.txt").write_text(SECOND + "\n", encoding="utf-8")
    index_dir = tmp_path / "idx"
    assert _ingest(CliRunner(), index_dir, str(folder)).exit_code == 0
    with sqlite3.connect(index_dir / "evidence.sqlite") as conn:
        conn.execute("ALTER TABLE passages DROP COLUMN ocr")
    with Store(index_dir) as store:
        assert [(p.text, p.ocr) for p in store.passages()] == [(SECOND, False)]
    with sqlite3.connect(index_dir / "evidence.sqlite") as conn:
        assert "ocr" in {row[1] for row in conn.execute("PRAGMA table_info(passages)")}
