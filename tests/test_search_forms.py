"""Word forms the README promises: each form of a word finds the others (issue 19)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from evidence.cli import cli
from evidence.index import INDEX_FORMAT, IndexRecord, PassageIndex, words
from evidence.search import search

PASSAGES = {
    "p01": "Each day the board meets in public.",
    "p02": "Three days later the board's chair resigned.",
    "p03": "Councils share data with their partners.",
    "p04": "Data sharing agreements are slow to sign.",
    "p05": "The top priority is staffing.",
    "p06": "Systems set their priorities for the year.",
    "p07": "The plan was published in June.",
    "p08": "Trusts submitted plans in March.",
    "p09": "Workforce planning is weak.",
    "p10": "They planned to merge the two trusts.",
    "p11": "Members of their board agreed.",
    "p12": "A member of their board’s audit committee spoke.",
    "p13": "Nothing here is about any of those words.",
}


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("forms")
    with PassageIndex(root).writer() as w:
        w.replace_document(
            "d1",
            [
                IndexRecord(
                    passage_id=pid,
                    doc_id="d1",
                    text=text,
                    heading=None,
                    page=1,
                    doc_title="Report",
                    doc_org="Audit Office",
                    doc_path="d1.txt",
                    doc_type="report",
                    year=2024,
                    ref=None,
                    kinds=(),
                    themes=(),
                    orgs=(),
                )
                for pid, text in PASSAGES.items()
            ],
        )
    return root


def found(index_dir: Path, query: str) -> list[str]:
    return sorted(h["passage_id"] for h in search(index_dir, query, limit=50).hits)


@pytest.mark.parametrize(
    ("queries", "expected"),
    [
        (["day", "days", "Days"], ["p01", "p02"]),
        (["share", "sharing", "shares", "shared"], ["p03", "p04"]),
        (["priority", "priorities"], ["p05", "p06"]),
        (["plan", "plans", "planning", "planned"], ["p07", "p08", "p09", "p10"]),
        (["board", "board's", "board’s", "boards"], ["p01", "p02", "p11", "p12"]),
        (['"of their board"', '"their board\'s"'], ["p11", "p12"]),
        (['"board chair"', '"the board\'s chair"'], ["p02"]),
    ],
)
def test_every_form_finds_every_form(
    index_dir: Path, queries: list[str], expected: list[str]
) -> None:
    for query in queries:
        assert (query, found(index_dir, query)) == (query, expected)


def test_a_possessive_is_its_word_but_other_apostrophes_stay() -> None:
    assert words(
        "The board's chair, the NHS’S plan, O'Neill's view; don't, e.g. U.S. members'"
    ) == [
        "the",
        "board",
        "chair",
        "the",
        "nhs",
        "plan",
        "o'neill",
        "view",
        "don't",
        "e.g",
        "u.s",
        "members",
    ]


def test_the_highlight_marks_the_word_not_its_possessive(index_dir: Path) -> None:
    hit = search(index_dir, "board", limit=50).hits
    assert [h["highlights"] for h in hit if h["passage_id"] == "p12"] == [
        ["A member of their «board»’s audit committee spoke."]
    ]


def test_an_index_of_the_old_analysis_asks_for_an_ingest(
    index_dir: Path, tmp_path: Path
) -> None:
    import shutil

    old = tmp_path / "idx"
    shutil.copytree(index_dir, old)
    assert INDEX_FORMAT == "4"
    (old / "whoosh" / "FORMAT").write_text("2\n", encoding="ascii")
    result = CliRunner().invoke(cli, ["--index-dir", str(old), "search", "board"])
    assert (result.exit_code, result.stderr) == (
        1,
        f"Error: the search index in {old} was made by an older version of evidence"
        " (run `evidence ingest FOLDER` to rebuild it from the store)\n",
    )


def test_against_fts5_every_difference_has_a_reason() -> None:
    """The benchmark on the sample corpus: FTS5 (porter) agrees on the issue's forms, and nothing is unexplained."""
    import sqlite3

    from benchmark_scripts import load_benchmark

    try:
        sqlite3.connect(":memory:").execute(
            "CREATE VIRTUAL TABLE t USING fts5(x, tokenize='porter unicode61')"
        )
    except sqlite3.OperationalError:
        pytest.skip("this SQLite has no FTS5")
    result = load_benchmark("search_forms_eval").evaluate(0, 1)
    rows = {r["query"]: r for r in result["queries"]}
    assert result["unexplained"] == 0
    for query in (
        "day",
        "days",
        "share",
        "sharing",
        "priority",
        "priorities",
        "plan",
        "plans",
        "planning",
        "planned",
        "board",
        "boards",
        '"of their board"',
    ):
        assert rows[query]["ours"] == rows[query]["fts5"] == rows[query]["both"], query
    assert rows["board's"]["ours"] == rows["board"]["ours"]
    assert all(
        rows[q]["ours"] > 0
        for q in ("days", "sharing", "priorities", "planning", "board's")
    )
