"""The index's own query evaluation: phrases, boolean nodes, counts and ranking order.

Each case is checked against a brute-force reading of the passages' words, in
both ways a phrase is found (gathering the candidate passages' words, and
scanning a segment's whole word sequence), over several segments and with
deleted passages.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import evidence.index.evaluate as evaluate_module
from evidence.errors import StoreError
from evidence.index import (
    AllOf,
    AnyOf,
    Everything,
    Filter,
    IndexRecord,
    IndexSearcher,
    Not,
    PassageIndex,
    Phrase,
    Word,
    word_sequence,
    words,
)


def rec(pid: str, doc: str, text: str, kinds: tuple[str, ...] = ()) -> IndexRecord:
    return IndexRecord(
        passage_id=pid,
        doc_id=doc,
        text=text,
        heading=None,
        page=1,
        doc_title=f"Title {doc}",
        doc_org="National Audit Office",
        doc_path=f"{doc}.txt",
        doc_type="report",
        year=2023,
        ref=None,
        kinds=kinds,
        themes=(),
        orgs=(),
    )


def contains(text: str, phrase: list[str]) -> int:
    ws = words(text)
    n = len(phrase)
    return sum(ws[i : i + n] == phrase for i in range(len(ws) - n + 1))


def matched(index_dir: Path, node, limit: int = 1000) -> tuple[list[str], int]:
    with IndexSearcher(index_dir) as s:
        hits, total = s.search(node, limit)
    return sorted(h.fields["passage_id"] for h in hits), total


PASSAGES = {
    "a": ["Store the data. Store the records", "the store", "store, then the data"],
    "b": ["The the the data", "capital regime reform", "regime capital"],
    "c": ["data the store the", "", "Social care workforce plan for social care"],
}


@pytest.fixture(params=["gather", "scan"])
def index_dir(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Path:
    # A share of 0 always scans the whole segment; a huge one always gathers candidates.
    monkeypatch.setattr(
        evaluate_module, "_GATHER_SHARE", 10**9 if request.param == "gather" else 0
    )
    ix = PassageIndex(tmp_path)
    for doc, texts in PASSAGES.items():  # one commit per document: several segments
        with ix.writer() as w:
            w.replace_document(
                doc, [rec(f"{doc}-{i}", doc, t) for i, t in enumerate(texts)]
            )
    return tmp_path


@pytest.mark.parametrize(
    "phrase, expected",
    [
        (["store", "the"], ["a-0", "c-0"]),
        (["the", "store"], ["a-1", "c-0"]),
        (["the", "the"], ["b-0"]),
        (["the", "the", "the", "data"], ["b-0"]),
        (["capital", "regime"], ["b-1"]),
        (["regime", "capital"], ["b-2"]),
        (["social", "care"], ["c-2"]),
        (["care", "social"], []),
        (["records", "the"], []),  # across the end of a passage into the next: never
    ],
)
def test_phrases_match_words_in_order(
    index_dir: Path, phrase: list[str], expected: list[str]
) -> None:
    assert matched(index_dir, Phrase(tuple(phrase))) == (expected, len(expected))


def test_phrase_counts_repeats_in_the_score(index_dir: Path) -> None:
    with IndexSearcher(index_dir) as s:
        hits, _total = s.search(Phrase(("social", "care")), 5)
        once, _ = s.search(Phrase(("capital", "regime")), 5)
    assert contains(PASSAGES["c"][2], ["social", "care"]) == 2
    assert hits[0].score > 0 and once[0].score > 0


def test_deleted_passages_never_match(index_dir: Path) -> None:
    with PassageIndex(index_dir).writer() as w:
        w.delete_document("a")
    assert matched(index_dir, Phrase(("store", "the"))) == (["c-0"], 1)
    assert matched(index_dir, Everything())[1] == 6
    assert matched(index_dir, Not(Word("store")))[1] == 5


def test_boolean_nodes(index_dir: Path) -> None:
    assert matched(index_dir, AllOf((Word("store"), Word("data")))) == (
        ["a-0", "a-2", "c-0"],
        3,
    )
    assert matched(index_dir, AnyOf((Word("regime"), Word("workforce")))) == (
        ["b-1", "b-2", "c-2"],
        3,
    )
    assert matched(index_dir, AllOf((Word("data"), Not(Word("store"))))) == (["b-0"], 1)
    assert matched(index_dir, Filter("source", ("national audit office",)))[1] == 9


def test_limit_keeps_the_best_and_breaks_ties_by_passage_id(index_dir: Path) -> None:
    everything, total = matched(index_dir, Everything(), limit=4)
    assert total == 9
    with IndexSearcher(index_dir) as s:
        hits, _ = s.search(Everything(), 4)
    assert [h.fields["passage_id"] for h in hits] == sorted(everything)
    assert {h.score for h in hits} == {0.0}


def test_word_sequence_marks_the_start_and_hashes_each_word() -> None:
    import numpy as np

    seq = np.frombuffer(word_sequence("Store the store"), dtype="<u8")
    assert seq[0] == 0 and len(seq) == 4 and seq[1] == seq[3] != seq[2]
    assert all(v % 2 == 1 for v in seq[1:])


def test_an_index_of_the_old_layout_is_refused_then_rebuilt(tmp_path: Path) -> None:
    ix = PassageIndex(tmp_path)
    with ix.writer() as w:
        w.replace_document("a", [rec("a-0", "a", "capital regime")])
    (tmp_path / "whoosh" / "FORMAT").unlink()  # as session-1 indexes were written
    with pytest.raises(StoreError) as err:
        IndexSearcher(tmp_path)
    assert (
        str(err.value)
        == f"the search index in {tmp_path} was made by an older version of evidence"
    )
    assert err.value.hint == "run `evidence ingest FOLDER` to rebuild it from the store"
    again = PassageIndex(tmp_path)
    assert again.rebuilt is True
    assert again.doc_ids() == set()
    assert PassageIndex(tmp_path).rebuilt is False


VOCAB = ["the", "of", "care", "social", "data", "store"]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    texts=st.lists(
        st.lists(st.sampled_from(VOCAB), max_size=8).map(" ".join),
        min_size=1,
        max_size=12,
    ),
    phrase=st.lists(st.sampled_from(VOCAB), min_size=2, max_size=3),
    scan=st.booleans(),
)
def test_phrase_matches_brute_force(
    tmp_path_factory: pytest.TempPathFactory,
    texts: list[str],
    phrase: list[str],
    scan: bool,
) -> None:
    root = tmp_path_factory.mktemp("prop")
    try:
        ix = PassageIndex(root)
        half = len(texts) // 2
        with ix.writer() as w:
            w.replace_document(
                "x", [rec(f"x-{i:02d}", "x", t) for i, t in enumerate(texts[:half])]
            )
        with ix.writer() as w:
            w.replace_document(
                "y", [rec(f"y-{i:02d}", "y", t) for i, t in enumerate(texts[half:])]
            )
        expected = sorted(
            [f"x-{i:02d}" for i, t in enumerate(texts[:half]) if contains(t, phrase)]
            + [f"y-{i:02d}" for i, t in enumerate(texts[half:]) if contains(t, phrase)]
        )
        old = evaluate_module._GATHER_SHARE
        evaluate_module._GATHER_SHARE = 0 if scan else 10**9
        try:
            assert matched(root, Phrase(tuple(phrase))) == (expected, len(expected))
        finally:
            evaluate_module._GATHER_SHARE = old
    finally:
        shutil.rmtree(root)


def test_ingest_rebuilds_an_index_of_the_old_layout(tmp_path: Path) -> None:
    from evidence.ingest import ingest
    from evidence.search import search

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "note.txt").write_text(
        "Capital regime\n\nThe capital regime holds back investment.\n",
        encoding="utf-8",
    )
    index_dir = tmp_path / "idx"
    ingest([docs], index_dir=index_dir, workers=1)
    (index_dir / "whoosh" / "FORMAT").unlink()
    report = ingest(
        [docs], index_dir=index_dir, workers=1
    )  # nothing changed in the folder
    assert report.index_rebuilt is True
    result = search(index_dir, '"capital regime"')
    assert result.total == 2


def test_ingest_says_when_it_rebuilt_the_index(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from evidence.cli import cli

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "note.txt").write_text(
        "The capital regime holds back investment.\n", encoding="utf-8"
    )
    args = ["--index-dir", str(tmp_path / "idx"), "ingest", str(docs), "--workers", "1"]
    runner = CliRunner()
    assert runner.invoke(cli, args).exit_code == 0
    (tmp_path / "idx" / "whoosh" / "FORMAT").unlink()
    result = runner.invoke(cli, args)
    assert result.exit_code == 0
    assert result.output == (
        "1 document: 0 new, 0 changed, 1 unchanged, 0 removed; 0 failed\n"
        "Search index rebuilt from the store (it was written by an older version of evidence).\n"
    )
    assert runner.invoke(cli, args).output.endswith("Nothing changed.\n")


def test_whoosh_merges_segments_written_with_packed_blocks(tmp_path: Path) -> None:
    """Whoosh reads our posting blocks itself when it merges small segments."""
    from whoosh import index as windex

    ix = PassageIndex(tmp_path)
    for n in range(12):
        texts = [f"capital regime number {n}", "care " * (n + 1) + "workforce"]
        with ix.writer() as w:
            w.replace_document(
                f"d{n:02d}",
                [rec(f"d{n:02d}-{i}", f"d{n:02d}", t) for i, t in enumerate(texts)],
            )
    with windex.open_dir(str(tmp_path / "whoosh"), indexname="MAIN").reader() as reader:
        assert len(list(reader.leaf_readers())) < 12
    assert matched(tmp_path, Word("regime"))[1] == 12
    assert matched(tmp_path, Phrase(("care", "workforce")))[1] == 12
    with IndexSearcher(tmp_path) as s:
        hits, total = s.search(Word("care"), 3)
    assert total == 12
    # BM25 rises with how often "care" occurs (less than in proportion, as the
    # passage lengthens): the passages saying it most come first
    assert [h.fields["passage_id"] for h in hits][:2] == ["d11-1", "d10-1"]
    assert all(h.fields["passage_id"].endswith("-1") for h in hits)
