"""Corpus-wide theme passes read the store a batch of documents at a time and
give exactly what assigning the whole corpus at once gives."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest
from benchmark_scripts import load_benchmark

from evidence import theming
from evidence.ingest import ingest
from evidence.store import Store
from evidence.themes import ThemeScore, assign_themes, document_themes, finding_themes
from evidence.themes import model as theme_model
from evidence.themes.assign import MODEL_REASON, assign_and_learn
from evidence.theming import reassign, relearn_due, use_taxonomy

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("theming")
    load_benchmark("make_corpus").generate(base / "corpus", 24, seed=3)
    ingest([base / "corpus"], index_dir=base / "index", workers=1)
    return base / "index"


@pytest.fixture()
def index_dir(ingested: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "index"
    shutil.copytree(ingested, copy)
    return copy


def _rows(scores_by_pid: dict) -> dict[str, list[tuple[str, float, str]]]:
    return {
        pid: sorted((s.theme, s.score, s.reason) for s in scores)
        for pid, scores in scores_by_pid.items()
        if scores
    }


def test_streamed_reassign_equals_learning_from_the_whole_corpus(
    index_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A small learning sample and small batches, so the sample is every n-th
    # passage and the pass takes many batches, as on a large corpus.
    monkeypatch.setattr(theme_model, "MAX_TRAIN", 150)
    monkeypatch.setattr(theming, "BATCH_DOCS", 5)
    with Store(index_dir) as store:
        taxonomy = use_taxonomy(index_dir, None)
        passages = store.passages()
        assert len(passages) > 3 * 150
        expected, _model = assign_and_learn(
            [(p.passage_id, p.text) for p in passages], taxonomy
        )
        assert any(
            s.reason == MODEL_REASON for scores in expected.values() for s in scores
        )
        findings = store.findings()

        reassign(store, taxonomy, model_path=index_dir / theming.MODEL_NAME)

        stored = {pid: sorted(rows) for pid, rows in store.passage_themes().items()}
        assert stored == _rows(expected)
        expected_findings = {}
        for f in findings:
            themes = finding_themes(
                str(f["text"]), expected[str(f["passage_id"])], taxonomy
            )
            if themes:
                expected_findings[f["id"]] = sorted(themes)
        assert store.finding_themes() == expected_findings
        assert store.get_meta("taxonomy") == theming.taxonomy_fingerprint(taxonomy)
        assert store.get_meta("theme_model_passages") == str(len(passages))


def test_reassign_never_loads_the_whole_corpus(
    index_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    batches: list[int] = []
    real_inputs = Store.theme_inputs

    def counting(self: Store, doc_ids):
        batches.append(len(doc_ids))
        return real_inputs(self, doc_ids)

    def refuse(*_args, **_kwargs):
        raise AssertionError("a corpus-wide pass must not load every row")

    monkeypatch.setattr(theming, "BATCH_DOCS", 10)
    monkeypatch.setattr(Store, "theme_inputs", counting)
    for name in ("passages", "findings", "passage_themes", "finding_themes"):
        monkeypatch.setattr(Store, name, refuse)
    with Store(index_dir) as store:
        reassign(store, use_taxonomy(index_dir, None))
    assert batches == [10, 10, 4]


def test_each_stale_document_is_handed_over_once_in_order(
    index_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(theming, "BATCH_DOCS", 7)
    handed: list[list[str]] = []
    with Store(index_dir) as store:
        doc_ids = store.doc_ids()
        store.mark_unindexed(doc_ids[::2])
        changed = reassign(
            store, use_taxonomy(index_dir, None), on_themed=handed.append
        )
        assert changed == 0  # same corpus, same model: no theme moved
        assert [d for batch in handed for d in batch] == doc_ids[::2]
        assert all(len(batch) <= 7 for batch in handed)


def test_a_changed_taxonomy_marks_the_documents_whose_themes_moved(
    index_dir: Path, tmp_path: Path
) -> None:
    packaged = (REPO / "evidence" / "data" / "themes.toml").read_text(encoding="utf-8")
    custom = tmp_path / "themes.toml"
    # The same taxonomy under another fingerprint: the model is learned again
    # from the same passages, so nothing moves; then drop one theme's block.
    custom.write_text(packaged + "\n# a comment changes nothing\n", encoding="utf-8")
    with Store(index_dir) as store:
        before = {
            pid: sorted(t for t, _s, _r in rows)
            for pid, rows in store.passage_themes().items()
        }
        taxonomy = use_taxonomy(index_dir, custom)
        assert reassign(store, taxonomy) == 0
        assert store.unindexed() == ([], [])
        narrower = taxonomy.themes[1:]
        smaller = dataclasses.replace(taxonomy, themes=narrower)
        dropped = taxonomy.themes[0].id
        moved = sorted(
            {
                pid.rsplit("-p", 1)[0]
                for pid, themes in before.items()
                if dropped in themes
            }
        )
        assert moved
        reassign(store, smaller)
        todo, _gone = store.unindexed()
        assert set(moved) <= set(todo)
        assert all(
            dropped not in [t for t, _s, _r in rows]
            for rows in store.passage_themes().values()
        )


def test_an_interrupted_reassign_keeps_the_old_themes_and_learns_again_next_time(
    index_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(theming, "BATCH_DOCS", 5)
    with Store(index_dir) as store:
        taxonomy = use_taxonomy(index_dir, None)
        assert not relearn_due(store, index_dir, taxonomy)
        before = (store.passage_themes(), store.finding_themes())
        store.mark_unindexed(store.doc_ids())
        calls = []

        def fail_on_second(doc_ids: list[str]) -> None:
            calls.append(doc_ids)
            if len(calls) == 2:
                raise RuntimeError("killed")

        with pytest.raises(RuntimeError, match="killed"):
            reassign(
                store,
                taxonomy,
                model_path=index_dir / theming.MODEL_NAME,
                on_themed=fail_on_second,
            )
        assert (store.passage_themes(), store.finding_themes()) == before
        assert relearn_due(store, index_dir, taxonomy)


def test_seed_only_assignment_matches_without_a_model(index_dir: Path) -> None:
    """The store's seed-term themes are a subset of what the pass stores."""
    with Store(index_dir) as store:
        taxonomy = use_taxonomy(index_dir, None)
        seeds = assign_themes(
            [(p.passage_id, p.text) for p in store.passages()],
            taxonomy,
            use_model=False,
        )
        stored = store.passage_themes()
        for pid, scores in seeds.items():
            assert {(s.theme, s.score, s.reason) for s in scores} <= set(
                stored.get(pid, [])
            )


def test_theme_table_counts_from_theme_rows(index_dir: Path) -> None:
    with Store(index_dir) as store:
        taxonomy = use_taxonomy(index_dir, None)
        table = theming.theme_table(store, taxonomy)
        stored = store.passage_themes()
        doc_of = {p.passage_id: p.doc_id for p in store.passages()}
        kind_of = {f["id"]: f["kind"] for f in store.findings()}
        finding_themes_ = store.finding_themes()
    assert [row["id"] for row in table] == list(taxonomy.ids)
    by_doc: dict[str, list] = {}
    for pid, rows in stored.items():
        by_doc.setdefault(doc_of[pid], []).append(
            [ThemeScore(t, s, r) for t, s, r in rows]
        )
    for row in table:
        theme = row["id"]
        assert row["passages"] == sum(
            1 for rows in stored.values() if theme in [t for t, _s, _r in rows]
        )
        assert row["documents"] == sum(
            1 for scores in by_doc.values() if theme in document_themes(scores)
        )
        for kind, column in (
            ("figure", "figures"),
            ("recommendation", "recommendations"),
            ("claim", "claims"),
            ("quote", "quotes"),
        ):
            assert row[column] == sum(
                1
                for fid, themes in finding_themes_.items()
                if theme in themes and kind_of[fid] == kind
            )
    assert (
        sum(row["passages"] for row in table) > 0
        and sum(row["documents"] for row in table) > 0
    )
