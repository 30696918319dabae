"""The site's pages read findings from the store as they go, and get what the site model would give."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "e2e"))
from site_fixture import make_store

from evidence.models import Finding, Metadata, Passage
from evidence.render.views import FindingView, site_model, stream_finding_views
from evidence.store import Store


def _seen(v: FindingView) -> tuple[object, ...]:
    """Everything a page shows of a finding (its ``order`` is for sorting theme pages only)."""
    return (
        v.id,
        v.kind,
        v.text,
        v.doc,
        v.passage_id,
        v.page,
        v.href,
        dict(v.data),
        v.themes,
    )


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    folder = tmp_path_factory.mktemp("streaming")
    opened = make_store(folder / "index")
    # two figures of one sentence given the period of the second: the stream clears the first's, as the model does
    text = "It is backed by £2.4 billion of funding over five years and 15,000 places a year by 2031/32."
    figures = []
    for surface, value, kind, measure in (
        ("£2.4 billion", 2.4e9, "money", "funding"),
        ("15,000", 15000, "count", "places"),
    ):
        start = text.index(surface)
        data = {
            "surface": surface,
            "value": value,
            "unit": None,
            "figure_kind": kind,
            "qualifier": None,
            "value_max": None,
            "measure": measure,
            "period": "2031/32",
        }
        figures.append(
            (
                f"zz-{surface}",
                "zz-passage1",
                Finding("figure", start, start + len(surface), text, data),
            )
        )
    opened.write_document(
        doc_id="zz",
        root="/r",
        path="zz.txt",
        sha256="0" * 64,
        size=len(text),
        fmt="txt",
        pages=None,
        metadata=Metadata("Capital plan", "HM Treasury", "report", "2024-01-01", None),
        passages=[(Passage("zz-passage1", "zz", 1, text, None, None, "paragraph"), [])],
        findings=figures,
        acronyms={},
    )
    yield opened
    opened.close()


def test_the_stream_gives_the_models_findings_in_its_order(store: Store) -> None:
    model = site_model(store, cross_source=False)
    docs = {d.doc_id: d for d in model.docs}
    streamed = [_seen(v) for v in stream_finding_views(store, docs)]
    assert streamed == [_seen(v) for v in model.findings]
    assert len(streamed) == sum(model.corpus.counts.values())
    periods = {
        v.data["surface"]: v.data["period"]
        for v in stream_finding_views(store, docs, doc_id="zz")
    }
    assert periods == {"£2.4 billion": None, "15,000": "2031/32"}


@pytest.mark.parametrize("kind", ["figure", "recommendation", "claim", "quote"])
def test_one_kind_or_one_document_at_a_time(store: Store, kind: str) -> None:
    model = site_model(store, cross_source=False)
    docs = {d.doc_id: d for d in model.docs}
    assert [_seen(v) for v in stream_finding_views(store, docs, kind=kind)] == [
        _seen(v) for v in model.findings if v.kind == kind
    ]
    for doc in model.docs:
        assert [
            _seen(v) for v in stream_finding_views(store, docs, doc_id=doc.doc_id)
        ] == [_seen(v) for v in model.findings if v.doc.doc_id == doc.doc_id]


def test_the_model_lists_no_findings_unless_asked_and_keeps_copies_only_of_leading_recommendations(
    store: Store,
) -> None:
    full = site_model(store, cross_source=False)
    lean = site_model(store, cross_source=False, findings=False)
    assert (
        lean.findings == []
        and len(full.findings) == sum(full.corpus.counts.values()) == 14
    )
    assert lean.corpus == full.corpus
    for theme, other in zip(lean.themes, full.themes):
        assert set(theme.rec_copies) <= {v.id for v in theme.leading}
        assert [_seen(v) for v in theme.claims] == [_seen(v) for v in other.claims]
        assert [[_seen(v) for v in row.figures] for row in theme.figures] == [
            [_seen(v) for v in row.figures] for row in other.figures
        ]


def test_what_a_theme_shows_carries_every_field_of_its_row(store: Store) -> None:
    from evidence.export import KIND_FIELDS
    from evidence.render.views import _shown

    model = site_model(store, cross_source=True, findings=False)
    docs = {d.doc_id: d for d in model.docs}
    full = {v.id: dict(v.data) for v in stream_finding_views(store, docs)}
    shown = [v for theme in model.themes for v in _shown(theme)]
    assert len({v.id for v in shown}) == 12
    for v in shown:
        assert set(v.data) >= set(KIND_FIELDS[v.kind])
        assert dict(v.data) == full[v.id]


def test_related_themes_from_streamed_passage_scores_are_those_of_the_stored_ones(
    store: Store,
) -> None:
    from evidence.render.views import _PassageScores
    from evidence.themes import ThemeScore, related_themes

    stored = {
        pid: [ThemeScore(t, s, r) for t, s, r in rows]
        for pid, rows in store.passage_themes().items()
    }
    streamed = _PassageScores(store, ThemeScore)
    assert dict(streamed.items()) == stored and len(streamed) == len(stored) == 10
    first = next(iter(stored))
    assert streamed[first] == stored[first]
    assert related_themes(streamed) == related_themes(stored)
