"""`evidence export --format xlsx`: one sheet per kind with only its own
columns, themes by label, text that looks like a formula kept as text."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from evidence.cli import cli

TEXT = (
    "Written evidence\n\n"
    "There are 112,000 vacancies in the NHS workforce.\n\n"
    "NHS England should publish a fully funded workforce plan.\n"
)


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("xlsx")
    folder = root / "inquiry"
    folder.mkdir()
    (folder / "a.txt").write_text(TEXT, encoding="utf-8")
    sheet = root / "meta.csv"
    sheet.write_text(
        'file,title,org\na.txt,"=HYPERLINK(""http://x"",""y"")",Example Trust\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        cli,
        [
            "--index-dir",
            str(root / "idx"),
            "ingest",
            str(folder),
            "--workers",
            "1",
            "--metadata",
            str(sheet),
        ],
    )
    assert result.exit_code == 0, result.output
    return root / "idx"


def test_one_sheet_per_kind_with_its_own_columns(index: Path, tmp_path: Path) -> None:
    out = tmp_path / "findings.xlsx"
    result = CliRunner().invoke(
        cli, ["--index-dir", str(index), "export", "--format", "xlsx", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert (
        result.stderr == f"3 findings written to {out}\n"
    )  # a figure, the claim it makes, a recommendation
    book = load_workbook(out)
    assert book.sheetnames == ["Figures", "Recommendations", "Claims", "Quotes"]
    common = [
        "id",
        "text",
        "doc_id",
        "doc_path",
        "doc_title",
        "doc_org",
        "passage_id",
        "page",
        "start",
        "end",
        "themes",
    ]
    figures = [[c.value for c in row] for row in book["Figures"].iter_rows()]
    cited = ["doc_date", "doc_ref", "cited_at"]
    assert (
        figures[0]
        == common
        + [
            "surface",
            "value",
            "unit",
            "figure_kind",
            "qualifier",
            "value_max",
            "measure",
            "period",
        ]
        + cited
    )
    assert len(figures) == 2
    row = dict(zip(figures[0], figures[1]))
    assert (row["surface"], row["value"], row["figure_kind"], row["measure"]) == (
        "112,000",
        112000,
        "count",
        "vacancies",
    )
    assert row["themes"] == "Workforce"
    assert row["cited_at"] == "para 2"
    # Text, not a formula: shown as written, with no quote added.
    assert row["doc_title"] == '=HYPERLINK("http://x","y")'
    assert book["Figures"]["E2"].data_type == "s"
    recs = [[c.value for c in row] for row in book["Recommendations"].iter_rows()]
    assert recs[0] == common + ["actor", "target", "action"] + cited
    assert dict(zip(recs[0], recs[1]))["target"] == "NHS England"
    claims = [[c.value for c in row] for row in book["Claims"].iter_rows()]
    assert claims[0] == common + ["attributed_to", "hedged"] + cited
    assert len(claims) == 2
    assert [[c.value for c in row] for row in book["Quotes"].iter_rows()] == [
        common + ["speaker", "role"] + cited
    ]


def test_xlsx_needs_a_file(index: Path) -> None:
    result = CliRunner().invoke(
        cli, ["--index-dir", str(index), "export", "--format", "xlsx"]
    )
    assert result.exit_code == 2
    assert (
        result.stderr.splitlines()[-1]
        == "Error: --format xlsx writes a file: give -o FILE.xlsx"
    )
