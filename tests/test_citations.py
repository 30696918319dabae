"""Citations: the same 'Body, Title, ref, date, p. N / para N' everywhere."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from evidence.citations import citation, locator, printed_numbers
from evidence.cli import cli
from evidence.models import Metadata, Passage
from evidence.passages import passage_id


def _passage(seq: int, text: str, kind: str = "paragraph") -> Passage:
    return Passage(passage_id("d", seq), "d", seq, text, None, None, kind)  # type: ignore[arg-type]


def test_locator_prefers_the_page_then_the_printed_number_then_the_place() -> None:
    numbered, plain = (
        _passage(4, "3.2 Capital is the binding constraint."),
        _passage(9, "Capital is scarce."),
    )
    printed = printed_numbers([numbered, plain])
    assert locator(7, numbered, printed) == "p. 7"
    assert locator(None, numbered, printed) == "para 3.2"
    assert locator(None, plain, printed) == "para 9"


def test_citation_names_each_known_part_once() -> None:
    meta = Metadata(org="The Nuffield Trust", date="2022-11-14", ref="ICS0048")
    assert citation("Written evidence (ICS0048)", meta, "para 3.2") == (
        "The Nuffield Trust, Written evidence (ICS0048), 2022-11-14, para 3.2"
    )
    assert (
        citation("Workforce", Metadata(ref="HC 1187"), "p. 4")
        == "Workforce, HC 1187, p. 4"
    )


def test_search_names_reference_date_and_paragraph(tmp_path: Path) -> None:
    folder = tmp_path / "inquiry"
    folder.mkdir()
    (folder / "ICS0042.txt").write_text(
        "Written evidence submitted by the Example Health Trust\n\n"
        "1.1 Our community teams lack staff.\n\n"
        "1.2 The capital regime stops us planning ahead for new premises.\n",
        encoding="utf-8",
    )
    index = tmp_path / "idx"
    assert (
        CliRunner()
        .invoke(
            cli, ["--index-dir", str(index), "ingest", str(folder), "--workers", "1"]
        )
        .exit_code
        == 0
    )
    result = CliRunner().invoke(
        cli, ["--index-dir", str(index), "search", "capital regime"]
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert (
        lines[0]
        == "1. Written evidence submitted by the Example Health Trust — Example Health Trust (ICS0042)"
    )
    assert lines[1].startswith("   para 1.2 · ")


def test_search_shows_the_passage_id_as_a_passage_not_a_page(tmp_path: Path) -> None:
    """On a PDF the id sits beside "p. 1": it must not read as another page (or a note)."""
    from fpdf import FPDF

    folder = tmp_path / "inquiry"
    folder.mkdir()
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    for text in (
        "Workforce",
        "Community teams lack staff.",
        "The capital regime stops us planning ahead.",
    ):
        pdf.multi_cell(0, 6, text)
        pdf.ln(6)
    pdf.output(str(folder / "trust.pdf"))
    index = tmp_path / "idx"
    runner = CliRunner()
    ingested = runner.invoke(
        cli, ["--index-dir", str(index), "ingest", str(folder), "--workers", "1"]
    )
    assert ingested.exit_code == 0, ingested.output
    [hit] = json.loads(
        runner.invoke(
            cli, ["--index-dir", str(index), "search", "capital regime", "--json"]
        ).stdout
    )
    doc_id = hit["doc_id"]
    assert hit["passage_id"] == f"{doc_id}-passage3" == passage_id(doc_id, 3)
    assert hit["page"] == 1
    result = runner.invoke(cli, ["--index-dir", str(index), "search", "capital regime"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1] == (
        f"   p. 1 · {doc_id}-passage3 · score {hit['score']:.2f}"
    )
