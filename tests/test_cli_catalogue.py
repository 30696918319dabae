"""Naming documents and themes the way users do, through the CLI: `docs`,
`show` by file name, `status --json`, `--index-dir` after the command,
themes by label, kinds in the plural, NO_COLOR."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from evidence.cli import cli
from evidence.passages import passage_id
from evidence.store import Store

CAPITAL = (
    "Capital regime\n\n"
    "The capital regime limits what integrated care boards can spend, NHS England said in 2023.\n\n"
    "NHS England should give systems multi-year capital allocations.\n"
)
WORKFORCE = (
    "Workforce plan\n\nThere are 112,000 vacancies in the NHS workforce in England.\n"
)


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("catalogue")
    folder = root / "inquiry"
    folder.mkdir()
    (folder / "capital.txt").write_text(CAPITAL, encoding="utf-8")
    (folder / "Workforce Plan.md").write_text(WORKFORCE, encoding="utf-8")
    (folder / "sub").mkdir()
    (folder / "sub" / "capital.md").write_text(
        CAPITAL.replace("2023", "2024"), encoding="utf-8"
    )
    result = CliRunner().invoke(
        cli, ["--index-dir", str(root / "idx"), "ingest", str(folder), "--workers", "1"]
    )
    assert result.exit_code == 0, result.output
    return root / "idx"


def run(index: Path, *args: str, **kwargs: object) -> Result:
    return CliRunner().invoke(cli, ["--index-dir", str(index), *args], **kwargs)  # type: ignore[arg-type]


def _ids(index: Path) -> dict[str, str]:
    with Store(index) as store:
        return {doc.path: doc.doc_id for doc in store.documents()}


def test_docs_lists_every_document_with_its_citation_fields(index: Path) -> None:
    ids = _ids(index)
    result = run(index, "docs")
    assert result.exit_code == 0
    assert result.stdout == (
        f"{ids['Workforce Plan.md']}  Workforce plan\n"
        "    other\n"
        f"{ids['capital.txt']}  Capital regime\n"
        "    other\n"
        f"{ids['sub/capital.md']}  Capital regime\n"
        "    other\n"
        "3 documents\n"
    )


def test_docs_json_and_csv_hold_the_same_rows(index: Path) -> None:
    ids = _ids(index)
    rows = json.loads(run(index, "docs", "--json").stdout)
    assert [row["id"] for row in rows] == [
        ids["Workforce Plan.md"],
        ids["capital.txt"],
        ids["sub/capital.md"],
    ]
    assert rows[1] == {
        "id": ids["capital.txt"],
        "title": "Capital regime",
        "org": None,
        "type": "other",
        "date": None,
        "ref": None,
        "path": "capital.txt",
        "format": "txt",
        "pages": None,
        "attached_to": None,
    }
    table = list(csv.reader(io.StringIO(run(index, "docs", "--csv").stdout)))
    assert table[0] == [
        "id",
        "title",
        "org",
        "type",
        "date",
        "ref",
        "path",
        "format",
        "pages",
        "attached_to",
    ]
    assert table[2] == [
        ids["capital.txt"],
        "Capital regime",
        "",
        "other",
        "",
        "",
        "capital.txt",
        "txt",
        "",
        "",
    ]
    assert len(table) == 4


def test_docs_json_and_csv_together_is_a_usage_error(index: Path) -> None:
    result = run(index, "docs", "--json", "--csv")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == "Error: give --json or --csv, not both"


@pytest.mark.parametrize(
    "name",
    [
        "capital.txt",
        "CAPITAL.TXT",
        "Workforce Plan",
        "workforce plan.md",
        "sub/capital.md",
    ],
)
def test_show_takes_a_file_name_or_its_stem(index: Path, name: str) -> None:
    ids = _ids(index)
    wanted = {
        "capital.txt": "capital.txt",
        "workforce plan": "Workforce Plan.md",
        "sub/capital.md": "sub/capital.md",
    }
    key = (
        name.lower().removesuffix(".md")
        if "workforce" in name.lower()
        else name.lower()
    )
    result = run(index, "show", name)
    assert result.exit_code == 0, result.output
    assert f"  id:           {ids[wanted[key]]}" in result.stdout.splitlines()


def test_show_refuses_a_name_that_fits_several_documents(index: Path) -> None:
    ids = _ids(index)
    result = run(index, "show", "capital")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: 'capital' names 2 documents: {ids['capital.txt']} (capital.txt), "
        f"{ids['sub/capital.md']} (sub/capital.md) (give the id)\n"
    )


def test_show_suggests_the_document_a_typo_meant(index: Path) -> None:
    ids = _ids(index)
    partial = run(index, "show", "workforc")
    assert partial.exit_code == 1
    assert partial.stderr == (
        f"Error: no document with id or file name 'workforc' "
        f"(did you mean {ids['Workforce Plan.md']}, from Workforce Plan.md?)\n"
    )
    unknown = run(index, "show", "zzzz")
    assert (
        unknown.stderr
        == "Error: no document with id or file name 'zzzz' (`evidence docs` lists the documents and their ids)\n"
    )


def test_show_json_gives_metadata_and_passages(index: Path) -> None:
    ids = _ids(index)
    detail = json.loads(run(index, "show", "capital.txt", "--json").stdout)
    assert detail["id"] == ids["capital.txt"]
    assert detail["also_at"] == []
    assert (detail["attached_to"], detail["attachments"]) == (None, [])
    assert [(p["passage_id"], p["kind"], p["text"]) for p in detail["passages"]] == [
        (passage_id(ids["capital.txt"], 1), "heading", "Capital regime"),
        (
            passage_id(ids["capital.txt"], 2),
            "paragraph",
            "The capital regime limits what integrated care boards can spend, NHS England said in 2023.",
        ),
        (
            passage_id(ids["capital.txt"], 3),
            "paragraph",
            "NHS England should give systems multi-year capital allocations.",
        ),
    ]


def test_status_json(index: Path) -> None:
    report = json.loads(run(index, "status", "--json").stdout)
    assert report["index_dir"] == str(index)
    assert report["sources"] == [str(index.parent / "inquiry")]
    assert report["counts"]["documents"] == 3
    assert report["last_ingest"]


def test_index_dir_after_the_command_wins(index: Path, tmp_path: Path) -> None:
    before = CliRunner().invoke(cli, ["status", "--index-dir", str(index), "--json"])
    assert before.exit_code == 0, before.output
    assert json.loads(before.stdout)["counts"]["documents"] == 3
    both = CliRunner().invoke(
        cli,
        ["--index-dir", str(tmp_path / "elsewhere"), "docs", "--index-dir", str(index)],
    )
    assert both.stdout.endswith("3 documents\n")


def test_themes_table_shows_ids(index: Path) -> None:
    lines = run(index, "themes").stdout.splitlines()
    assert lines[0].split() == [
        "id",
        "theme",
        "documents",
        "passages",
        "figures",
        "recommendations",
        "claims",
        "quotes",
    ]
    assert lines[1].split()[:2] == ["workforce", "Workforce"]


@pytest.mark.parametrize(
    "theme", ["capital", "CAPITAL", "Capital and estates", "capital AND Estates"]
)
def test_theme_by_id_or_label_any_case(index: Path, theme: str) -> None:
    by_id = json.loads(
        run(index, "search", "capital", "--theme", "capital", "--json").stdout
    )
    assert by_id
    assert (
        json.loads(run(index, "search", "capital", "--theme", theme, "--json").stdout)
        == by_id
    )
    exported = run(index, "export", "--theme", theme).stdout.splitlines()
    assert exported == run(index, "export", "--theme", "capital").stdout.splitlines()


def test_unknown_theme_lists_the_ids(index: Path) -> None:
    for command in (["search", "capital"], ["export"]):
        result = run(index, *command, "--theme", "capitl")
        assert result.exit_code == 2
        assert result.stderr == (
            "Error: unknown theme 'capitl': use one of workforce, finance, capital, prevention, inequalities, "
            "social-care, primary-care, digital, governance, performance, integration, commissioning\n"
        )


def test_kinds_in_the_plural(index: Path) -> None:
    singular = run(index, "export", "--kind", "figure").stdout
    assert singular
    assert run(index, "export", "--kind", "Figures").stdout == singular
    assert (
        run(index, "search", "vacancies", "--kind", "figures", "--json").stdout
        == run(index, "search", "vacancies", "--kind", "figure", "--json").stdout
    )
    bad = run(index, "export", "--kind", "tables")
    assert bad.exit_code == 2
    assert bad.stderr.splitlines()[-1] == (
        "Error: Invalid value for '--kind': unknown kind 'tables': use one of figure, recommendation, claim, quote"
    )


def test_no_color_turns_styles_off_on_a_terminal(index: Path) -> None:
    coloured = run(index, "docs", color=True)
    assert "\x1b[1m" in coloured.stdout
    plain = run(index, "docs", color=True, env={"NO_COLOR": "1"})
    assert "\x1b[" not in plain.stdout
    assert plain.stdout == run(index, "docs").stdout
