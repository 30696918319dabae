"""The export keeps its contract (README "Export schema"; ../shared/DESIGN.md,
beside the repository), in every format."""

import csv
import io
import json

import pytest
from click.testing import CliRunner

from evidence.cli import cli
from evidence.store import Store

COMMON = [
    "id",
    "kind",
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
BY_KIND = {
    "figure": [
        "surface",
        "value",
        "unit",
        "figure_kind",
        "qualifier",
        "value_max",
        "measure",
        "period",
    ],
    "recommendation": ["actor", "target", "action"],
    "quote": ["speaker", "role"],
    "claim": ["attributed_to", "hedged"],
}

SUBMISSION = """Written evidence submitted by The Nuffield Trust (ICS0048)

Integrated care systems had to make savings of £5.7 billion in 2022-23, about 5% of their budgets.

We call on the government to publish a fully costed workforce plan for social care.

“Systems cannot plan on one-year capital budgets,” said Ada Brennan, chief economist at The Nuffield Trust.
"""


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    root = tmp_path_factory.mktemp("export")
    folder = root / "inquiry"
    folder.mkdir()
    (folder / "nuffield.txt").write_text(SUBMISSION, encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["--index-dir", str(root / "idx"), "ingest", str(folder), "--workers", "1"]
    )
    assert result.exit_code == 0, result.output
    return root / "idx"


def export(index, *args):
    result = CliRunner().invoke(
        cli, ["--index-dir", str(index), "export", *args], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return result.stdout


def test_jsonl_rows_have_exactly_the_schema_keys(index):
    rows = [json.loads(line) for line in export(index).splitlines()]
    assert {r["kind"] for r in rows} == {"figure", "recommendation", "claim", "quote"}
    for row in rows:
        assert list(row) == COMMON + BY_KIND[row["kind"]]
        assert row["doc_path"] == "nuffield.txt"
        assert row["doc_org"] == "The Nuffield Trust"


def test_figures_are_typed_by_the_value_conventions(index):
    rows = [json.loads(line) for line in export(index, "--kind", "figure").splitlines()]
    assert [
        (r["surface"], r["value"], r["unit"], r["figure_kind"], r["period"])
        for r in rows
    ] == [
        ("£5.7 billion", 5.7e9, "GBP", "money", "2022-23"),
        ("5%", 5.0, "%", "percent", "2022-23"),
        ("one-year", 1.0, "year", "duration", None),
    ]
    passage_text = rows[0]["text"]
    assert passage_text[rows[0]["start"] : rows[0]["end"]] == "£5.7 billion"


def test_recommendation_and_quote_fields(index):
    rows = [json.loads(line) for line in export(index).splitlines()]
    rec = [r for r in rows if r["kind"] == "recommendation"]
    assert [(r["actor"], r["target"]) for r in rec] == [
        ("The Nuffield Trust", "government")
    ]
    quote = [r for r in rows if r["kind"] == "quote"]
    assert [(r["speaker"], r["role"]) for r in quote] == [
        ("Ada Brennan", "chief economist at The Nuffield Trust")
    ]


def test_csv_has_a_bom_and_every_column(index, tmp_path):
    out = tmp_path / "findings.csv"
    CliRunner().invoke(
        cli,
        ["--index-dir", str(index), "export", "--format", "csv", "-o", str(out)],
        catch_exceptions=False,
    )
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    reader = csv.DictReader(io.StringIO(raw.decode("utf-8-sig")))
    columns = (
        COMMON
        + [c for cols in BY_KIND.values() for c in cols]
        + ["doc_date", "doc_ref", "cited_at"]
    )
    assert reader.fieldnames == columns
    rows = list(reader)
    jsonl = [json.loads(line) for line in export(index).splitlines()]
    assert [r["id"] for r in rows] == [r["id"] for r in jsonl]
    # The citation columns a spreadsheet user needs; JSON keeps the schema's keys only.
    assert "cited_at" not in jsonl[0]
    assert all(r["cited_at"].startswith(("p. ", "para ")) for r in rows)


def test_json_equals_jsonl(index):
    assert json.loads(export(index, "--format", "json")) == [
        json.loads(x) for x in export(index).splitlines()
    ]


def test_export_is_deterministic_across_reingest(index, tmp_path):
    first = export(index)
    assert export(index) == first


def test_csv_neutralises_formula_cells_and_keeps_numbers_numeric():
    from evidence.export import write_export

    row = {
        "id": "f1",
        "kind": "figure",
        "text": '-5% fall in "=funding"',
        "doc_id": "d1",
        "doc_path": "a.txt",
        "doc_title": '=HYPERLINK("http://x","y")',
        "doc_org": "@SUM(A1)",
        "passage_id": "p1",
        "page": 3,
        "start": 0,
        "end": 3,
        "themes": ["+t", "u"],
        "surface": "-5%",
        "value": -5.0,
        "unit": "%",
        "figure_kind": "percent",
        "qualifier": "\tabout",
        "value_max": None,
        "measure": "\rcarriage",
        "period": "2022-23",
    }
    buffer = io.StringIO()
    assert write_export([row], buffer, "csv") == 1
    got = next(csv.DictReader(io.StringIO(buffer.getvalue())))
    assert {k: got[k] for k in row} == {
        "id": "f1",
        "kind": "figure",
        "text": '\'-5% fall in "=funding"',
        "doc_id": "d1",
        "doc_path": "a.txt",
        "doc_title": '\'=HYPERLINK("http://x","y")',
        "doc_org": "'@SUM(A1)",
        "passage_id": "p1",
        "page": "3",
        "start": "0",
        "end": "3",
        "themes": "'+t; u",
        "surface": "'-5%",
        "value": "-5.0",
        "unit": "%",
        "figure_kind": "percent",
        "qualifier": "'\tabout",
        "value_max": "",
        "measure": "'\rcarriage",
        "period": "2022-23",
    }


def test_csv_export_of_formula_metadata_is_text_and_json_is_unchanged(tmp_path):
    folder = tmp_path / "inquiry"
    folder.mkdir()
    (folder / "nuffield.txt").write_text(SUBMISSION, encoding="utf-8")
    sheet = tmp_path / "meta.csv"
    sheet.write_text(
        'file,title,org\nnuffield.txt,"=1+2","+44 Trust"\n', encoding="utf-8"
    )
    index = tmp_path / "idx"
    result = CliRunner().invoke(
        cli,
        [
            "--index-dir",
            str(index),
            "ingest",
            str(folder),
            "--workers",
            "1",
            "--metadata",
            str(sheet),
        ],
    )
    assert result.exit_code == 0, result.output
    rows = list(
        csv.DictReader(io.StringIO(export(index, "--format", "csv").lstrip("\ufeff")))
    )
    assert {(r["doc_title"], r["doc_org"]) for r in rows} == {("'=1+2", "'+44 Trust")}
    jsonl = [json.loads(line) for line in export(index).splitlines()]
    assert {(r["doc_title"], r["doc_org"]) for r in jsonl} == {("=1+2", "+44 Trust")}


def test_a_stored_infinity_is_refused_with_one_line(index, tmp_path):
    import shutil
    import sqlite3

    copy = tmp_path / "idx"
    shutil.copytree(index, copy)
    with sqlite3.connect(copy / "evidence.sqlite") as db:
        fid, data = db.execute(
            "SELECT finding_id, data FROM findings WHERE kind = 'figure' ORDER BY finding_id LIMIT 1"
        ).fetchone()
        db.execute(
            "UPDATE findings SET data = ? WHERE finding_id = ?",
            (json.dumps({**json.loads(data), "value": float("inf")}), fid),
        )
    for fmt in ("jsonl", "json", "csv"):
        result = CliRunner().invoke(
            cli, ["--index-dir", str(copy), "export", "--format", fmt]
        )
        assert result.exit_code == 1
        assert result.stderr.splitlines()[-1] == (
            f"Error: finding {fid} in nuffield.txt has a value that is not a finite number"
            " (run `evidence ingest` on the folder again to re-extract it)"
        )


def export_jsonl(store: Store) -> str:
    """Every finding as the JSON-lines export writes it."""
    from evidence.export import export_rows, write_export

    buffer = io.StringIO()
    write_export(export_rows(store), buffer, "jsonl")
    return buffer.getvalue()


def test_an_export_reads_one_committed_state_while_an_ingest_commits(
    index, tmp_path, monkeypatch
):
    import shutil
    import sqlite3

    copy = tmp_path / "idx"
    shutil.copytree(index, copy)
    with Store(copy) as store:
        before = export_jsonl(store)
    real = Store.documents

    def then_an_ingest_commits(self):
        listed = real(self)
        with sqlite3.connect(
            copy / "evidence.sqlite"
        ) as other:  # a new document and its findings
            other.execute(
                "INSERT INTO documents SELECT 'new-doc', root, 'new.txt', sha256 || 'x', size, format, pages,"
                " title, org, doc_type, date, ref, indexed FROM documents LIMIT 1"
            )
            other.execute("UPDATE findings SET doc_id = 'new-doc'")
        return listed

    monkeypatch.setattr(Store, "documents", then_an_ingest_commits)
    with Store(copy) as store:
        assert export_jsonl(store) == before


def test_formula_quoting_can_be_undone_exactly():
    from evidence.export import _formula_safe

    cases = {
        "=x": "'=x",
        "'=x": "''=x",
        "''-1": "'''-1",
        "'abc": "'abc",
        "'": "'",
        "": "",
        "a=b": "a=b",
        "@me": "'@me",
    }
    assert {text: _formula_safe(text) for text in cases} == cases
    for text, cell in cases.items():
        back = (
            cell[1:]
            if cell.startswith("'")
            and cell.lstrip("'").startswith(("=", "+", "-", "@", "\t", "\r"))
            else cell
        )
        assert back == text
