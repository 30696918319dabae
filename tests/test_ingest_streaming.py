"""Ingest themes and indexes documents in one streamed pass, and search agrees with the store."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import pytest
from benchmark_scripts import load_benchmark

from evidence import ingest as ingest_module
from evidence import theming
from evidence.index import PassageIndex
from evidence.ingest import ingest
from evidence.search import search
from evidence.store import Store
from evidence.theming import MODEL_NAME, use_taxonomy

REPO = Path(__file__).resolve().parents[1]


def _themes_in_search(index_dir: Path, theme: str) -> set[str]:
    hits = search(
        index_dir, "NOT zzqxjv", theme=theme, limit=100_000, highlight=False
    ).hits
    return {h["passage_id"] for h in hits}


def _themes_in_store(index_dir: Path) -> dict[str, set[str]]:
    by_theme: dict[str, set[str]] = {}
    with Store(index_dir) as store:
        for pid, rows in store.passage_themes().items():
            for theme, _score, _reason in rows:
                by_theme.setdefault(theme, set()).add(pid)
    return by_theme


def test_search_carries_the_themes_the_store_holds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Small batches and the multi-process index writer even for a small corpus,
    # so documents reach the index while later ones are still being themed.
    monkeypatch.setattr(ingest_module, "PARALLEL_INDEX_DOCS", 2)
    monkeypatch.setattr(theming, "BATCH_DOCS", 4)
    handed: list[list[str]] = []
    real_reassign = theming.reassign

    def spying(*args, **kwargs):
        inner = kwargs["on_themed"]
        kwargs["on_themed"] = lambda doc_ids: (handed.append(doc_ids), inner(doc_ids))
        return real_reassign(*args, **kwargs)

    monkeypatch.setattr(theming, "reassign", spying)
    load_benchmark("make_corpus").generate(tmp_path / "corpus", 18, seed=5)
    index_dir = tmp_path / "index"
    report = ingest([tmp_path / "corpus"], index_dir=index_dir, workers=2)

    assert len(report.new) == 18
    with Store(index_dir) as store:
        doc_ids = store.doc_ids()
        assert store.unindexed() == ([], [])
        passages = {p.passage_id for p in store.passages()}
    assert [d for batch in handed for d in batch] == doc_ids
    assert [len(batch) for batch in handed] == [4, 4, 4, 4, 2]
    assert PassageIndex(index_dir).passage_ids() == passages
    by_theme = _themes_in_store(index_dir)
    assert len(by_theme) >= 3
    for theme, pids in sorted(by_theme.items()):
        assert _themes_in_search(index_dir, theme) == pids


def test_one_changed_document_uses_the_saved_model_and_reaches_search(
    tmp_path: Path,
) -> None:
    corpus = tmp_path / "corpus"
    load_benchmark("make_corpus").generate(corpus, 12, seed=6)
    index_dir = tmp_path / "index"
    ingest([corpus], index_dir=index_dir, workers=1)
    model_bytes = (index_dir / MODEL_NAME).read_bytes()
    with Store(index_dir) as store:
        before = store.passage_themes()
    victim = sorted(p for p in corpus.iterdir() if p.suffix == ".txt")[0]
    victim.write_text(
        victim.read_text(encoding="utf-8")
        + "\nThe workforce plan must fund nurse recruitment and retention.\n",
        encoding="utf-8",
    )

    report = ingest([corpus], index_dir=index_dir, workers=1)

    assert report.changed == [f"corpus/{victim.name}"]
    assert (index_dir / MODEL_NAME).read_bytes() == model_bytes  # not learned again
    with Store(index_dir) as store:
        changed_doc = store.documents_under(str(corpus.resolve()))[victim.name][0]
        after = store.passage_themes()
        assert store.unindexed() == ([], [])
        added = [
            p
            for p in store.passages(changed_doc)
            if "nurse recruitment and retention" in p.text
        ]
    assert len(added) == 1
    assert "workforce" in [t for t, _s, _r in after[added[0].passage_id]]
    assert {k: v for k, v in after.items() if not k.startswith(changed_doc)} == {
        k: v for k, v in before.items() if not k.startswith(changed_doc)
    }
    assert added[0].passage_id in _themes_in_search(index_dir, "workforce")
    by_theme = _themes_in_store(index_dir)
    for theme, pids in sorted(by_theme.items()):
        assert _themes_in_search(index_dir, theme) == pids


def test_preloading_passes_every_result_through_and_leaves_no_thread() -> None:
    items = list(range(5))
    assert list(ingest_module._preloading_learning(iter(items))) == items
    assert not [t for t in threading.enumerate() if t.name == "preload-sklearn"]
    assert "sklearn.linear_model" in sys.modules


def test_retheme_with_a_new_taxonomy_reaches_search(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    load_benchmark("make_corpus").generate(corpus, 10, seed=7)
    index_dir = tmp_path / "index"
    ingest([corpus], index_dir=index_dir, workers=1)
    packaged = (REPO / "evidence" / "data" / "themes.toml").read_text(encoding="utf-8")
    custom = tmp_path / "themes.toml"
    custom.write_text(packaged + "\n# same themes, another file\n", encoding="utf-8")
    with Store(index_dir) as store:
        taxonomy = use_taxonomy(index_dir, custom)
        assert ingest_module.retheme(store, index_dir, taxonomy) == 0
        assert store.unindexed() == ([], [])
    for theme, pids in sorted(_themes_in_store(index_dir).items()):
        assert _themes_in_search(index_dir, theme) == pids


def test_workers_inherit_a_frozen_heap_and_this_process_does_not_keep_it() -> None:
    import gc

    from evidence.workers import run_tasks

    counts = list(
        run_tasks(
            _freeze_count,
            [1, 2],
            workers=2,
            timeout=None,
            on_timeout=lambda t: -1,
            on_error=lambda t, w: -2,
        )
    )
    assert len(counts) == 2 and min(counts) > 1000
    assert gc.get_freeze_count() == 0


def _freeze_count(_task: int) -> int:
    import gc

    return gc.get_freeze_count()
