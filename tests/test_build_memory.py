"""The build's streamed passes give exactly what the passes over held lists gave."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "e2e"))
from site_fixture import make_store

from evidence.render import views
from evidence.render.views import DocView, FindingView
from evidence.store import Store
from evidence.themes.groups import group_findings, group_labels, group_texts

SENTENCES = (
    "Staff shortages limit what integrated care systems can do",
    "Shortages of staff limit what integrated care systems are able to do",
    "The capital regime makes it hard for systems to invest in buildings",
    "Discharge delays keep patients in hospital longer than they need to be",
    "Delays in discharge keep patients in hospital for longer",
    "Local authorities need multi-year funding settlements",
    "the of and",  # no content words: joins nothing
    "",
)


def _claims(count: int, seed: int) -> list[dict[str, str]]:
    rng = random.Random(seed)
    out = []
    for n in range(count):
        text = rng.choice(SENTENCES)
        if rng.random() < 0.3:
            text = f"{text} in {rng.choice(['2023', 'the north', 'rural areas', 'winter'])}"
        out.append(
            {
                "id": f"c{rng.randrange(10**6):06d}-{n}",
                "kind": "claim",
                "doc_id": f"d{rng.randrange(12)}",
                "text": text,
            }
        )
    return out


@pytest.mark.parametrize(("count", "seed"), [(0, 1), (1, 1), (2, 3), (40, 5), (300, 7)])
def test_group_texts_finds_the_groups_group_findings_finds(
    count: int, seed: int
) -> None:
    claims = _claims(count, seed)
    rows = sorted((c["id"], c["doc_id"], c["text"]) for c in claims)
    reads = []

    def read() -> list[tuple[str, str, str]]:
        reads.append(1)
        return list(rows)

    expected = group_findings(claims) if count > 1 else []
    assert group_texts(read) == expected
    # the flat form: the grouped ids sorted, a label each, one label per group
    reads.clear()
    ids, labels = group_labels(read)
    assert ids == sorted(i for g in expected for i in g)
    by_label: dict[int, list[str]] = {}
    for fid, label in zip(ids, labels.tolist()):
        by_label.setdefault(label, []).append(fid)
    assert sorted(by_label.values()) == expected
    if count >= 40:
        assert expected  # the fixed sets do group something
    assert len(reads) == (2 if count >= 2 else 1)


def test_group_texts_on_a_fixed_set() -> None:
    rows = [
        ("a1", "a", "Staff shortages limit what integrated care systems can do"),
        ("a2", "a", "Shortages of staff limit what integrated care systems can do"),
        ("b1", "b", "Staff shortages limit what integrated care systems can do"),
        ("b2", "b", "Local authorities need multi-year funding settlements"),
        ("c1", "c", "Local authorities need multi-year funding settlements now"),
        ("c2", "c", "The capital regime makes it hard to invest"),
        ("d1", "d", "The capital regime makes it hard to invest"),
        ("d2", "d", "the of and"),
        ("e1", "e", "the of and"),
    ]
    assert group_texts(lambda: rows) == [["a1", "a2", "b1"], ["b2", "c1"], ["c2", "d1"]]


def _view(n: int, body: str, doc_id: str) -> FindingView:
    doc = DocView(
        doc_id,
        f"docs/{doc_id}.html",
        doc_id,
        body,
        None,
        None,
        None,
        None,
        None,
        "x",
        "txt",
        None,
    )
    return FindingView(f"f{n:03d}", "claim", "t", doc, "p", None, "h", {}, (), order=n)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("limit", [1, 2, 3, 5, 20])
def test_spread_read_a_document_at_a_time_picks_what_spread_picks(
    seed: int, limit: int
) -> None:
    rng = random.Random(seed)
    documents = [
        (f"d{n:02d}", rng.choice("ABCDEFG")) for n in range(rng.randrange(1, 30))
    ]
    # source order: by body, then document (titles are the ids here)
    rank = {
        d: n
        for n, (d, _) in enumerate(
            sorted(documents, key=lambda x: (x[1].lower(), x[0]))
        )
    }
    items: list[FindingView] = []
    for doc_id, body in documents:  # store order: a document's findings together
        for _ in range(rng.choice([0, 1, 1, 2, 4, 9])):
            items.append(_view(len(items), body, doc_id))
    picker = views._Spread(limit, rank)
    # rows of figures are spread on their first figure: the same choice through a wrapper
    rows = views._Spread(limit, rank, lambda row: row[0])
    for v in items:
        picker.add(v)
        rows.add((v,))
    in_source_order = sorted(items, key=lambda v: (rank[v.doc.doc_id], v.order))
    expected = [v.id for v in views._spread(in_source_order, limit)]
    assert picker.total == rows.total == len(items)
    assert [v.id for v in picker.picked()] == expected
    assert [row[0].id for row in rows.picked()] == expected


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    opened = make_store(tmp_path_factory.mktemp("memory") / "index")
    yield opened
    opened.close()


def test_the_stores_per_theme_and_per_document_reads_agree_with_its_whole_tables(
    store: Store,
) -> None:
    whole = store.passage_themes()
    docs = store.themed_passage_docs()
    for doc_id in store.doc_ids():
        assert store.passage_theme_ids(doc_id) == {
            pid: tuple(t for t, _, _ in rows)
            for pid, rows in whole.items()
            if docs.get(pid) == doc_id
        }
    pairs = store.doc_theme_passage_counts()
    themes = store.passage_theme_ids_used()
    assert themes == sorted({t for rows in whole.values() for t, _, _ in rows})
    for theme in themes:
        counts = store.theme_passage_counts(theme)
        expected: dict[str, int] = {}
        for pid, rows in whole.items():
            if any(t == theme for t, _, _ in rows):
                expected[docs[pid]] = expected.get(docs[pid], 0) + 1
        assert counts == sorted(expected.items())
        assert {(d, n) for d, t, n, _ in pairs if t == theme} == set(expected.items())
    claims = [f for f in store.findings() if f["kind"] == "claim"]
    assert list(store.iter_finding_texts("claim")) == sorted(
        (f["id"], f["doc_id"], f["text"]) for f in claims
    )
    themed = store.finding_themes()
    for theme in themes:
        assert sorted(store.theme_finding_docs(theme, "claim")) == sorted(
            (f["id"], f["doc_id"]) for f in claims if theme in themed.get(f["id"], [])
        )


def test_the_lean_model_holds_no_passage_themes_and_counts_them_from_the_store(
    store: Store,
) -> None:
    whole = store.passage_themes()
    docs = store.themed_passage_docs()
    bodies = {d.doc_id: d.metadata.org or views.UNATTRIBUTED for d in store.documents()}
    full = views.site_model(store)
    lean = views.site_model(store, findings=False)
    assert full.passage_themes and lean.passage_themes == {}
    for theme in lean.themes:
        assert theme.passages == sum(
            1 for rows in whole.values() if any(t == theme.id for t, _, _ in rows)
        )
    per_body: dict[str, int] = {}
    for pid, rows in whole.items():
        body = bodies[docs[pid]]
        per_body[body] = per_body.get(body, 0) + len(rows)
    assert {name: total for name, _, _, total in lean.matrix.rows} == per_body
    assert (lean.matrix.rows, lean.matrix.maximum) == (
        full.matrix.rows,
        full.matrix.maximum,
    )


def test_figure_conflicts_read_back_from_the_store_are_those_of_held_figures() -> None:
    from evidence.themes.groups import FigureConflicts

    rng = random.Random(11)
    sentences = (
        "More than {v} people now have an NHS App account.",
        "Around {v} people have an NHS App account.",
        "The NHS employs around {v} people.",
        "Systems must find {v} of efficiency savings.",
        "We heard from {v} local people about moving between services.",
    )
    findings = []
    for n in range(120):
        template = rng.choice(sentences)
        value = rng.choice([86, 2400, 1.5e6, 2.5e7, 3e7])
        generic = "savings" not in template
        findings.append(
            {
                "id": f"f{n:03d}",
                "kind": "figure",
                "doc_id": f"d{rng.randrange(15)}",
                "text": template.format(v=f"{value:g}"),
                "surface": f"{value:g}",
                "value": value,
                "value_max": None,
                "unit": None if generic else "GBP",
                "figure_kind": "count" if generic else "money",
                "qualifier": rng.choice([None, "around", "more than"]),
                "measure": "people" if generic else "efficiency savings",
                "period": rng.choice([None, "2023", "2024/25"]),
            }
        )
    by_id = {f["id"]: f for f in findings}
    asked: list[int] = []

    def reread(ids: list[str]) -> dict[str, dict]:
        asked.append(len(ids))
        return {i: by_id[i] for i in ids}

    held = FigureConflicts(findings)
    lean = FigureConflicts(findings, reread=reread)
    assert lean._figures == [] and asked == []
    pairs = list(held.pairs())
    assert pairs and list(lean.pairs()) == pairs
    assert asked and max(asked) <= 500
    mask = np.arange(len(held.ids)) % 3 != 0
    assert lean.summary(mask, 7, 40) == held.summary(mask, 7, 40)
    # read once from a stream in any order, with rows it does not compare among them
    shuffled = findings + [
        {**findings[0], "id": "x-unmeasured", "measure": " "},
        {"id": "x-claim", "kind": "claim", "doc_id": "d1", "text": "No figure."},
    ]
    random.Random(3).shuffle(shuffled)
    streamed = FigureConflicts(iter(shuffled), reread=reread)
    assert streamed.ids == held.ids == sorted(f["id"] for f in findings)
    assert list(streamed.pairs()) == pairs
    assert streamed.summary(mask, 7, 40) == held.summary(mask, 7, 40)
    assert FigureConflicts(iter([])).ids == []


def test_the_link_checker_keeps_joined_links_and_finds_each_broken_one(
    tmp_path: Path,
) -> None:
    from evidence.render.links import BrokenLink, LinkChecker

    (tmp_path / "data.js").write_text("x", encoding="utf-8")
    checker = LinkChecker()
    checker.add(
        "index.html",
        '<a href="docs/a.html#p1">a</a><a href="docs/a.html#p9">b</a><a href="#top">t</a>'
        '<a href="">self</a><p id="top"></p><a href="docs/a.html#p1%00p2">nul</a>'
        '<script src="data.js"></script><a href="data.js#x">js</a><a href="gone.html">g</a>',
    )
    checker.add(
        "docs/a.html",
        '<p id="p1"></p><p id="p2"></p><a href="../index.html#top">up</a><a href="#p2">p2</a>',
    )
    # the notes go through a second checker as a forked process's go back to the first
    relayed = LinkChecker()
    for batch in checker.notes(batch=1):
        assert len(batch) == 1 and all(isinstance(part, str) for part in batch[0])
        for rel, links, ids in batch:
            relayed.add_scanned(rel, links, ids)
    expected = [
        BrokenLink("index.html", "docs/a.html#p9", "no such anchor"),
        BrokenLink("index.html", "docs/a.html#p1%00p2", "no such anchor"),
        BrokenLink("index.html", "data.js#x", "anchor in a non-page file"),
        BrokenLink("index.html", "gone.html", "no such file"),
    ]
    for each in (checker, relayed):
        checked, broken = each.check(tmp_path)
        assert checked == 10
        assert broken == expected


def test_a_forked_build_sends_back_every_page_s_links_in_batches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from evidence.render import build_site, parallel
    from evidence.render import links as links_module
    from evidence.resources import templates_dir

    override = tmp_path / "templates"
    override.mkdir()
    page = (templates_dir() / "document.html").read_text(encoding="utf-8")
    (override / "document.html").write_text(
        page.replace(
            "{% block content %}",
            '{% block content %}<a href="#nowhere">x</a>',
            1,
        ),
        encoding="utf-8",
    )
    monkeypatch.setattr(parallel, "PARALLEL_MIN_DOCUMENTS", 1)
    monkeypatch.setattr(parallel, "CHUNK", 1)
    monkeypatch.setattr(links_module, "_FLUSH", 2)  # several batches through the pipe
    store = make_store(tmp_path / "index")
    try:
        serial_pages = len(store.doc_ids())
        report = build_site(store, tmp_path / "site", templates=override)
        hrefs = sorted(
            f"docs/{views.file_stem(doc_id)}.html" for doc_id in store.doc_ids()
        )
    finally:
        store.close()
    assert serial_pages >= 3
    assert sorted(b.page for b in report.broken) == hrefs
    assert {(b.target, b.reason) for b in report.broken} == {
        ("#nowhere", "no such anchor")
    }
