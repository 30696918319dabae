"""`source:` and `--source` name a body by part of its name, with a
suggestion when nothing in the index fits."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from evidence.cli import cli

NUFFIELD = (
    "Written evidence submitted by The Nuffield Trust\n\n"
    "The capital regime stops systems planning ahead for community premises.\n"
)
KINGS_FUND = (
    "Written evidence submitted by The King\u2019s Fund\n\n"
    "Capital spending rules favour hospitals over community services.\n"
)


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("sources")
    folder = root / "inquiry"
    folder.mkdir()
    (folder / "nuffield.txt").write_text(NUFFIELD, encoding="utf-8")
    (folder / "kings-fund.txt").write_text(KINGS_FUND, encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["--index-dir", str(root / "idx"), "ingest", str(folder), "--workers", "1"]
    )
    assert result.exit_code == 0, result.output
    return root / "idx"


def search(index: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--index-dir", str(index), "search", *args])


def _orgs(result: Result) -> list[str]:
    assert result.exit_code == 0, result.output
    return [hit["doc_org"] for hit in json.loads(result.stdout)]


@pytest.mark.parametrize(
    ("args", "orgs"),
    [
        (["capital", "--source", "nuffield", "--json"], ["The Nuffield Trust"]),
        (["capital", "--source", "Nuffield Trust", "--json"], ["The Nuffield Trust"]),
        (["capital", "--source", "King's Fund", "--json"], ["The King's Fund"]),
        (["capital source:nuffield", "--json"], ["The Nuffield Trust"]),
        (["capital NOT source:nuffield", "--json"], ["The King's Fund"]),
        (
            ["capital (source:nuffield OR source:king)", "--json"],
            ["The Nuffield Trust", "The King's Fund"],
        ),
    ],
)
def test_a_body_by_part_of_its_name(
    index: Path, args: list[str], orgs: list[str]
) -> None:
    assert sorted(_orgs(search(index, *args))) == sorted(orgs)


def test_a_misspelt_body_gets_the_closest_name(index: Path) -> None:
    result = search(index, "capital", "--source", "nufield")
    assert result.exit_code == 2
    assert (
        result.stderr
        == 'Error: no body named "nufield" in the index (did you mean source:"the nuffield trust"?)\n'
    )
    nothing = search(index, "capital", "--source", "zzzzzz")
    assert (
        nothing.stderr
        == 'Error: no body named "zzzzzz" in the index (`evidence docs` lists each document\'s body)\n'
    )


def test_json_object_gives_query_total_and_citation_fields(index: Path) -> None:
    result = search(index, "capital", "--json-object", "--limit", "1")
    assert result.exit_code == 0, result.output
    got = json.loads(result.stdout)
    assert (got["query"], got["total"], len(got["hits"])) == ("capital", 2, 1)
    hit = got["hits"][0]
    assert (hit["doc_type"], hit["doc_date"], hit["doc_ref"]) == (
        "written evidence",
        None,
        None,
    )
    plain = json.loads(search(index, "capital", "--json", "--limit", "1").stdout)[0]
    assert {
        k: v for k, v in hit.items() if k not in ("doc_type", "doc_date", "doc_ref")
    } == plain
    both = search(index, "capital", "--json", "--json-object")
    assert both.exit_code == 2
    assert (
        both.stderr.splitlines()[-1] == "Error: give --json or --json-object, not both"
    )
