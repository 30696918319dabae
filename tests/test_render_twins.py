"""The Python twins of the hot macros write the macros' exact bytes; theme pages brief, and say where the rest is."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from jinja2 import Environment

sys.path.insert(0, str(Path(__file__).resolve().parent / "e2e"))
from site_fixture import HOSTILE_TEXT, make_store

from evidence.render import build_site, views
from evidence.render.marks import Run, marked_html
from evidence.render.site import _environment
from evidence.render.twins import cite, figure_row
from evidence.render.views import DocView, FindingView

ODD = 'Tom & Jerry\'s "<b>" report'


def doc(title: str = ODD, org: str | None = "Mischief <Ltd>") -> DocView:
    return DocView(
        "d1",
        "docs/d 1.html",
        title,
        org,
        None,
        None,
        None,
        None,
        None,
        "x.txt",
        "txt",
        None,
    )


def figure(**data: object) -> FindingView:
    base = {
        "surface": "£5.7bn",
        "value": 5.7e9,
        "figure_kind": "money",
        "qualifier": None,
        "measure": None,
        "period": None,
    }
    base.update(data)
    return FindingView(
        "f1",
        "figure",
        HOSTILE_TEXT,
        doc(),
        "d1-passage3",
        4,
        "docs/d 1.html#d1-passage3",
        base,
        ("finance", "x<y"),
    )


CASES = [
    figure(),
    figure(qualifier="around", measure="efficiency <savings>", period="2024/25"),
    figure(surface=None, value=None, figure_kind=None),
    figure(value=0.5, surface="50p", qualifier='"over"'),
]


@pytest.fixture(scope="module")
def macros() -> object:
    return _environment(None).get_template("macros.html").module


@pytest.mark.parametrize("f", CASES)
@pytest.mark.parametrize("root", ["", "../"])
def test_cite_is_the_source_macro(macros: object, f: FindingView, root: str) -> None:
    assert str(cite(f, root)) == str(macros.source(f, root))  # type: ignore[attr-defined]


@pytest.mark.parametrize("f", CASES)
def test_figure_row_is_the_macro(macros: object, f: FindingView) -> None:
    labels = {"finance": "Finance & money"}
    assert str(figure_row(f, "../")) == str(macros.figure_row(f, "../"))  # type: ignore[attr-defined]
    assert str(figure_row(f, "", True, labels)) == str(
        macros.figure_row(f, "", True, labels)
    )  # type: ignore[attr-defined]


def test_cite_without_page_and_exact_bytes() -> None:
    f = FindingView(
        "f1", "claim", "x", doc(org=None), "p", None, "docs/a b.html#p", {}, ()
    )
    assert str(cite(f, "../")) == (
        '<a class="src" href="../docs/a%20b.html#p">Unattributed, '
        "<cite>Tom &amp; Jerry&#39;s &#34;&lt;b&gt;&#34; report</cite></a>"
    )


# The template loop the Python writer replaced, kept here as the reference.
OLD_MARKED = (
    '{% for r in runs %}{% if r.kinds %}<mark class="{% for k in r.kinds %}m-{{ k }}{% if not loop.last %} {% endif %}'
    '{% endfor %}"{% if r.starts %} id="{{ r.starts[0] }}"{% endif %}>{{ r.text }}</mark>{% else %}{{ r.text }}{% endif %}{% endfor %}'
)


def test_marked_html_is_the_old_template_loop() -> None:
    cases = [
        [Run(HOSTILE_TEXT)],
        [
            Run("We <recommend> "),
            Run("£5m", ("figure", "recommendation"), ("f1", 'r"1')),
            Run(" & more", ("claim",)),
        ],
        [],
    ]
    template = Environment(autoescape=True).from_string(OLD_MARKED)
    for all_runs in cases:
        assert str(marked_html(all_runs)) == template.render(runs=all_runs)
    assert str(marked_html(cases[1])) == (
        'We &lt;recommend&gt; <mark class="m-figure m-recommendation" id="f1">£5m</mark>'
        '<mark class="m-claim"> &amp; more</mark>'
    )


# The template loop passage_html replaced, kept here as the reference.
OLD_PASSAGES = """{% for pv in passages %}
{% set p = pv.passage %}
{% if p.kind == "heading" %}
<h3 class="passage" id="{{ p.passage_id }}">{{ pv.marked }}</h3>
{% else %}
<div class="passage k-{{ p.kind }}" id="{{ p.passage_id }}">
<p>{{ pv.marked }} <a class="pilcrow" href="#{{ p.passage_id|url }}" aria-label="Link to this passage{% if p.page %}, p. {{ p.page }}{% endif %}">¶{% if p.page %}<span class="page">p.&nbsp;{{ p.page }}</span>{% endif %}</a></p>
{% if pv.findings %}
<ul class="found" aria-label="Findings in this passage">
{% for f in pv.findings %}<li><span class="tag t-{{ f.kind }}">{{ kind_labels[f.kind] }}</span> {% if f.kind == "figure" %}{{ f.data.surface }}{% if f.data.measure %}: {{ f.data.measure }}{% endif %}{% if f.data.period %} ({{ f.data.period }}){% endif %}{% elif f.kind == "recommendation" %}{{ f.body }} to {{ f.target }}{% if f.data.action %}: {{ f.data.action }}{% endif %}{% elif f.kind == "quote" %}{{ f.data.speaker or "unnamed speaker" }}{% if f.data.role %}, {{ f.data.role }}{% endif %}{% else %}{{ f.data.attributed_to or doc.body }}{% if f.data.hedged %} (hedged){% endif %}{% endif %}</li>
{% endfor %}
</ul>
{% endif %}
</div>
{% endif %}
{% endfor %}
"""


def test_passage_html_is_the_old_template_loop(tmp_path: Path) -> None:
    from evidence.render.twins import passage
    from evidence.render.views import passage_views, site_model

    store = make_store(tmp_path / "index")
    try:
        passages = store.passages()
        model = site_model(store, None)
    finally:
        store.close()
    template = _environment(None).from_string(OLD_PASSAGES)
    compared = 0
    for d in model.docs:
        mine = [v for v in model.findings if v.doc.doc_id == d.doc_id]
        pviews = passage_views(
            [p for p in passages if p.doc_id == d.doc_id], mine, model.passage_themes
        )
        assert "".join(passage(pv, d) for pv in pviews) == template.render(
            passages=pviews, doc=d
        )
        compared += len(pviews)
    assert compared == len(passages) == 11


def test_theme_page_caps_say_where_the_rest_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in (
        "THEME_FIGURES",
        "THEME_CLAIMS",
        "THEME_QUOTES",
        "THEME_RECOMMENDATIONS",
        "THEME_SOURCES",
    ):
        monkeypatch.setattr(views, name, 1)
    store = make_store(tmp_path / "index")
    try:
        report = build_site(store, tmp_path / "site")
        figures_in_store = store.counts()["figures"]
    finally:
        store.close()
    assert report.broken == ()
    text = (tmp_path / "site/themes/workforce.html").read_text(encoding="utf-8")
    assert "7 passages in 4 documents discuss workforce" in text
    assert (
        "3 figures in 2 sentences: sums, rates and counts of something (durations and bare numbers are left out); "
        '1 of those sentences shown, from as many bodies as possible. The <a href="../figures.html">figures page</a> '
        "lists every figure (filter by theme)."
    ) in text
    assert "The 1 documents that say most, of 4; the" in text
    assert text.count("<td data-sort=") == 1
    # every figure is still on the figures page, each linking to its passage
    figures = (tmp_path / "site/figures.html").read_text(encoding="utf-8")
    assert figures_in_store == 4
    assert figures.count("<td data-sort=") == 4


def test_spread_covers_bodies_before_repeating_one() -> None:
    def item(n: int, body: str, doc_id: str) -> FindingView:
        d = DocView(
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
        return FindingView(f"f{n}", "claim", "t", d, "p", None, "h", {}, (), order=n)

    items = [
        item(0, "A", "a1"),
        item(1, "A", "a1"),
        item(2, "A", "a2"),
        item(3, "B", "b1"),
        item(4, "C", "c1"),
    ]
    assert [v.id for v in views._spread(items, 3)] == ["f0", "f3", "f4"]
    assert [v.id for v in views._spread(items, 4)] == ["f0", "f2", "f3", "f4"]
    assert [v.id for v in views._spread(items, 9)] == ["f0", "f1", "f2", "f3", "f4"]
