"""Streaming reads of the store, batch theme rewrites, and the streamed export."""

from __future__ import annotations

import io
import json

import pytest

from evidence.export import write_export
from evidence.models import Finding, Metadata, Passage
from evidence.passages import passage_id
from evidence.store import Store


def _write(store: Store, doc_id: str, texts: list[str]) -> None:
    passages = [
        (Passage(passage_id(doc_id, i), doc_id, i, text, None, None, "paragraph"), [])
        for i, text in enumerate(texts, 1)
    ]
    findings = [
        (
            f"{passage_id(doc_id, i)}-f1",
            passage_id(doc_id, i),
            Finding("figure", 0, 3, text, {"surface": text[:3]}),
        )
        for i, text in enumerate(texts, 1)
    ]
    store.write_document(
        doc_id=doc_id,
        root="/r",
        path=f"{doc_id}.txt",
        sha256=doc_id * 4,
        size=1,
        fmt="txt",
        pages=None,
        metadata=Metadata(title=doc_id),
        passages=passages,
        findings=findings,
        acronyms=[],
    )


@pytest.fixture()
def store(tmp_path):
    with Store(tmp_path, create=True) as s:
        _write(s, "b", ["£5m for beds", "12 nurses"])
        _write(s, "a", ["40% of staff"])
        _write(s, "c", ["3 boards", "£2bn deficit", "7 sites"])
        s.replace_themes(
            [
                ("a-passage1", "workforce", 1.0, "seed: staff"),
                ("b-passage1", "finance", 0.5, "model"),
                ("b-passage1", "capital", 0.75, "seed: beds"),
            ],
            [
                ("b-passage1-f1", "finance"),
                ("b-passage1-f1", "capital"),
                ("a-passage1-f1", "workforce"),
            ],
        )
        yield s


def test_counts_and_passages_by_id(store: Store) -> None:
    assert (store.document_count(), store.passage_count()) == (3, 6)
    assert store.doc_ids() == ["a", "b", "c"]
    assert list(store.iter_passage_texts()) == [
        ("a-passage1", "40% of staff"),
        ("b-passage1", "£5m for beds"),
        ("b-passage2", "12 nurses"),
        ("c-passage1", "3 boards"),
        ("c-passage2", "£2bn deficit"),
        ("c-passage3", "7 sites"),
    ]


def test_theme_inputs_for_a_batch(store: Store) -> None:
    passages, findings, current = store.theme_inputs(["b", "c"])
    assert passages == [
        ("b-passage1", "b", "£5m for beds"),
        ("b-passage2", "b", "12 nurses"),
        ("c-passage1", "c", "3 boards"),
        ("c-passage2", "c", "£2bn deficit"),
        ("c-passage3", "c", "7 sites"),
    ]
    assert findings == [
        ("b-passage1-f1", "b-passage1", "£5m for beds"),
        ("b-passage2-f1", "b-passage2", "12 nurses"),
        ("c-passage1-f1", "c-passage1", "3 boards"),
        ("c-passage2-f1", "c-passage2", "£2bn deficit"),
        ("c-passage3-f1", "c-passage3", "7 sites"),
    ]
    assert current == {"b-passage1": ["capital", "finance"]}


def test_iter_findings_is_findings_with_their_themes(store: Store) -> None:
    themes = store.finding_themes()
    expected = [dict(f, themes=themes.get(f["id"], [])) for f in store.findings()]
    assert list(store.iter_findings()) == expected
    assert [f["id"] for f in store.iter_findings(kind="figure")] == [
        f["id"] for f in expected
    ]
    assert list(store.iter_findings(kind="quote")) == []
    assert expected[1]["themes"] == ["capital", "finance"]


def test_a_theme_rewrite_touches_only_its_documents_and_commits_as_one(
    store: Store,
) -> None:
    store.mark_indexed(["a", "b", "c"], [])
    with store.rewriting_themes() as rewrite:
        rewrite.replace(
            ["b"],
            [("b-passage2", "workforce", 1.0, "seed: nurse")],
            [("b-passage2-f1", "workforce")],
        )
        rewrite.mark_unindexed(["b"])
    assert store.passage_themes() == {
        "a-passage1": [("workforce", 1.0, "seed: staff")],
        "b-passage2": [("workforce", 1.0, "seed: nurse")],
    }
    assert store.finding_themes() == {
        "a-passage1-f1": ["workforce"],
        "b-passage2-f1": ["workforce"],
    }
    assert store.unindexed_among(["a", "b", "c"]) == ["b"]

    with pytest.raises(RuntimeError):
        with store.rewriting_themes() as rewrite:
            rewrite.replace(["a"], [], [])
            rewrite.mark_unindexed(["a"])
            raise RuntimeError("stopped")
    assert "a-passage1" in store.passage_themes()
    assert store.unindexed() == (["b"], [])


@pytest.mark.parametrize(
    "rows",
    [
        [],
        [{"id": "x", "themes": [], "value": 1.5}],
        [{"id": "é", "data": {"a": [1, {"b": None}]}}, {"id": "line\nbreak"}],
    ],
)
def test_json_export_is_streamed_byte_for_byte_as_one_dump(rows: list[dict]) -> None:
    out = io.StringIO()
    assert write_export(iter(rows), out, "json") == len(rows)
    reference = io.StringIO()
    json.dump(rows, reference, ensure_ascii=False, indent=2)
    assert out.getvalue() == reference.getvalue() + "\n"
