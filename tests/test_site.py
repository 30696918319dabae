"""The briefing site: every link resolves, text never runs, output is byte-stable."""

from __future__ import annotations

import json
import re
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "e2e"))
from site_fixture import HOSTILE_TEXT, make_store

from evidence.errors import SiteError
from evidence.index import words as index_words
from evidence.kinds import KINDS
from evidence.models import Finding, Metadata, Passage
from evidence.passages import passage_id
from evidence.render import build_site, check_links
from evidence.render.marks import Run, runs
from evidence.render.views import file_stem, shade
from evidence.store import Store


class Page(HTMLParser):
    """Everything a test needs from one page, from the standard library's parser."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.headings: list[int] = []
        self.scripts: list[str | None] = []
        self.text: list[str] = []
        self.tables = 0
        self.captions = 0
        self._stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.tags.append((tag, found))
        if "id" in found:
            self.ids.add(str(found["id"]))
        for name in ("href", "src"):
            if found.get(name) is not None:
                self.links.append(str(found[name]))
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.headings.append(int(tag[1]))
        if tag == "script":
            self.scripts.append(found.get("src"))
        self.tables += tag == "table"
        self.captions += tag == "caption"

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object, Path]:
    index = tmp_path_factory.mktemp("index")
    store = make_store(index)
    out = tmp_path_factory.mktemp("site") / "site"
    report = build_site(store, out)
    store.close()
    return out, report, index


@pytest.fixture(scope="module")
def pages(built: tuple[Path, object, Path]) -> dict[str, Page]:
    out = built[0]
    return {
        p.relative_to(out).as_posix(): parse(p) for p in sorted(out.rglob("*.html"))
    }


def test_report_and_page_names(built: tuple[Path, object, Path]) -> None:
    out, report, _ = built
    names = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    themes = [
        "capital",
        "commissioning",
        "digital",
        "finance",
        "governance",
        "inequalities",
        "integration",
        "performance",
        "prevention",
        "primary-care",
        "social-care",
        "workforce",
    ]
    orgs = [
        "b-onmouseover-alert-4-mischief-ltd-b",
        "dhsc",
        "government",
        "local-government-association",
        "national-audit-office",
        "nhs-england",
        "nhs-providers",
    ]
    docs = [
        "hostile-submission-ffffff",
        "lga-briefing-0a9b8c",
        "nao-ics-review-a1b2c3",
        "nhs-providers-ev-d4e5f6",
    ]
    expected = sorted(
        [
            ".evidence-site",
            "assets/search.js",
            "assets/site.css",
            "assets/site.js",
            "documents.html",
            "figures.html",
            "index.html",
            "recommendations.html",
            "search.html",
        ]
        + [f"themes/{t}.html" for t in themes]
        + [f"orgs/{o}.html" for o in orgs]
        + [f"docs/{d}.html" for d in docs]
    )
    # the search index: one lexicon piece per first letter, one passage chunk, one posting shard
    search = [n for n in names if n.startswith("assets/search/")]
    names = [n for n in names if not n.startswith("assets/search/")]
    assert names == expected
    with Store(built[2]) as store:
        texts = [p.text + " " + (p.heading or "") for p in store.passages()]
        texts += [d.title for d in store.documents()]
    firsts = sorted({w[0] for text in texts for w in index_words(text)})
    assert search == sorted(
        ["assets/search/meta.js", "assets/search/p-0.js", "assets/search/t-0.js"]
        + [f"assets/search/l-{ord(c):x}.js" for c in firsts]
    )
    assert report.pages == 28
    assert report.files == 31 + len(search)
    assert report.broken == ()
    assert report.links_checked == sum(
        len(parse(out / n).links) for n in names if n.endswith(".html")
    )


def test_every_link_resolves(
    built: tuple[Path, object, Path], pages: dict[str, Page]
) -> None:
    out = built[0]
    walked = 0
    for rel, page in pages.items():
        for link in page.links:
            parts = urlsplit(link)
            assert not parts.scheme and not parts.netloc, (rel, link)
            target = (
                (out / rel).parent / unquote(parts.path) if parts.path else out / rel
            )
            target = target.resolve()
            assert target.is_file(), (rel, link)
            assert out.resolve() in target.parents
            if parts.fragment:
                assert (
                    unquote(parts.fragment)
                    in pages[target.relative_to(out.resolve()).as_posix()].ids
                ), (rel, link)
            walked += 1
    assert walked == built[1].links_checked


def test_every_finding_links_to_its_passage(
    built: tuple[Path, object, Path], pages: dict[str, Page]
) -> None:
    out, _, index = built
    with Store(index) as store:
        findings = store.findings()
    linked = {link.split("/")[-1] for page in pages.values() for link in page.links}
    assert len(findings) == 12
    for f in findings:
        doc_page = pages[f"docs/{f['doc_id']}.html"]
        assert f["passage_id"] in doc_page.ids
        assert (
            f["id"] in doc_page.ids
        )  # the inline mark carries the finding's own anchor
        assert f"{f['doc_id']}.html#{f['passage_id']}" in linked
    # Figures and recommendations each have a page listing all of them, with links.
    assert (
        sum(1 for link in pages["figures.html"].links if link.startswith("docs/")) == 4
    )
    assert (
        sum(
            1
            for link in pages["recommendations.html"].links
            if link.startswith("docs/")
        )
        == 3
    )


def test_hostile_text_stays_text(
    built: tuple[Path, object, Path], pages: dict[str, Page]
) -> None:
    out = built[0]
    for rel, page in pages.items():
        assert page.scripts[-1] == ("../" * rel.count("/")) + "assets/site.js", rel
        assert all(src is not None for src in page.scripts), rel
        for tag, attrs in page.tags:
            assert tag not in ("img", "textarea", "b", "iframe", "object"), (rel, tag)
            assert not any(name.startswith("on") for name in attrs), (rel, tag, attrs)
            assert not str(attrs.get("href") or "").lower().startswith("javascript"), (
                rel
            )
    page = pages["docs/hostile-submission-ffffff.html"]
    passage = "".join(page.text)
    assert HOSTILE_TEXT in passage
    assert '<script>alert("title")</script>' in passage
    raw = (out / "docs/hostile-submission-ffffff.html").read_text(encoding="utf-8")
    assert "<script>alert" not in raw
    assert (
        "&lt;/textarea&gt;&lt;b&gt;bold&lt;/b&gt; &#34;quoted&#34; &amp; done." in raw
    )
    script = (out / "assets/search/p-0.js").read_text(encoding="utf-8")
    assert script.startswith('EvidenceSearch.add("p-0",') and script.endswith(");\n")
    data = json.loads(
        script.removeprefix('EvidenceSearch.add("p-0",').removesuffix(");\n")
    )
    hostile = [row for row in data if row[0] == "hostile-submission-ffffff-passage1"]
    assert hostile == [
        ["hostile-submission-ffffff-passage1", 0, HOSTILE_TEXT, "para 1", ["claim"]]
    ]


def test_theme_page_reads_as_a_briefing(
    pages: dict[str, Page], built: tuple[Path, object, Path]
) -> None:
    text = (built[0] / "themes/workforce.html").read_text(encoding="utf-8")
    page = pages["themes/workforce.html"]
    words = " ".join("".join(page.text).split())
    assert (
        "7 passages in 4 documents discuss workforce, with 3 figures, 2 recommendations, 3 claims and 1 quotation."
        in words
    )
    assert (
        "The bodies that say most are NHS Providers (3 passages), National Audit Office (2 passages) and "
        "<b onmouseover=alert(4)>Mischief Ltd</b> (1 passage). "
        # what the bodies say: who asks whom for what, who agrees, where figures conflict
        "The leading recommendations: "
        "Local Government Association to DHSC: DHSC should fund a pay rise for care workers. "
        "— Local Government Association, Briefing on social care funding, 2023-01-10, para 2 "
        "National Audit Office to NHS England: We recommend that NHS England publish a costed workforce plan by March 2023. "
        "— National Audit Office, Introducing integrated care systems, 2022-06-17, p. 2 "
        "Where bodies agree: National Audit Office and NHS Providers make the same point: "
        "Staff shortages limit what systems can do. National Audit Office, Introducing integrated care systems, 2022-06-17, p. 1 "
        "Where figures conflict: around 110,000 NHS vacancies (National Audit Office) against "
        "132,000 NHS vacancies (NHS Providers): see the figures that may disagree. "
        "Headline figures: 9.7% vacancy rate (2022) — NHS Providers, Written evidence from NHS Providers, ICS0048, 2022-09, para 1 "
        "around 110,000 NHS vacancies (2022) — National Audit Office, Introducing integrated care systems, 2022-06-17, p. 1 "
        "Key figures"
    ) in words
    # a row per sentence: NHS Providers' sentence gives two figures, each linked and marked in it
    rows = re.findall(
        r"<tr>\n(.*?)</tr>",
        text.split('<table id="theme-figures"')[1].split("</table>")[0],
        re.S,
    )
    assert len(rows) == 2
    assert (
        rows[1].count(
            '<a class="value" href="../docs/nhs-providers-ev-d4e5f6.html#nhs-providers-ev-d4e5f6-passage1">'
        )
        == 2
    )
    assert (
        '<span class="ctx">Trusts report <mark class="m-figure">132,000</mark> vacancies across the NHS in 2022, '
        'a vacancy rate of <mark class="m-figure">9.7%</mark>.</span>'
    ) in rows[1]
    assert "<td>2022</td>\n<td>count; percent</td>" in rows[1]
    assert "To DHSC (1)" in words and "To NHS England (1)" in words
    assert words.index("To DHSC (1)") < words.index("To NHS England (1)")
    assert "Echoed by 2 sources" in words
    assert "Jane Smith, chief executive of a trust" in words
    assert (
        "around 110,000 NHS vacancies (National Audit Office, Introducing integrated care systems, 2022-06-17, p. 1) "
        "against 132,000 NHS vacancies" in words
    )
    assert (
        '<td data-sort="110000"><a class="value" href="../docs/nao-ics-review-a1b2c3.html#nao-ics-review-a1b2c3-passage2">'
        "<strong>around 110,000</strong></a>"
    ) in text
    assert '<td data-sort="132000">' in rows[1]


def test_index_summarises_the_corpus(
    pages: dict[str, Page], built: tuple[Path, object, Path]
) -> None:
    words = " ".join("".join(pages["index.html"].text).split())
    assert (
        "This briefing draws on 4 documents from 4 bodies, dated 2022-06-17 to 2023-01-10 (1 undated). "
        "It holds 4 figures, 3 recommendations, 4 claims and 1 quotation"
    ) in words
    raw = (built[0] / "index.html").read_text(encoding="utf-8")
    row = raw.split(
        '<th scope="row"><a href="orgs/nhs-providers.html">NHS Providers</a></th>'
    )[1].split("</tr>")[0]
    # Workforce 3 (the most: darkest), finance 1, capital 1, nothing else; 5 in all.
    assert row.startswith(
        '<td class="shade-4">3</td><td class="shade-2">1</td><td class="shade-2">1</td><td class="shade-0">0</td>'
    )
    assert row.endswith("<td>5</td>")


def test_related_themes_link_both_ways(pages: dict[str, Page]) -> None:
    capital = pages["themes/capital.html"]
    finance = pages["themes/finance.html"]
    assert (
        "../themes/finance.html" in capital.links
        and "../themes/capital.html" in finance.links
    )
    assert "../themes/workforce.html" not in capital.links
    words = " ".join("".join(capital.text).split())
    assert (
        "Related themes Themes that turn up in the same passages more often than chance: Finance and efficiency"
        in words
    )


def test_org_page_both_directions(pages: dict[str, Page]) -> None:
    nao = " ".join("".join(pages["orgs/national-audit-office.html"].text).split())
    assert (
        "1 document in the briefing; 1 recommendation made; 0 addressed to it." in nao
    )
    assert "To NHS England (1)" in nao
    nhse = " ".join("".join(pages["orgs/nhs-england.html"].text).split())
    assert (
        "0 documents in the briefing; 0 recommendations made; 1 addressed to it."
        in nhse
    )
    assert "From National Audit Office (1)" in nhse


def test_accessible_structure(pages: dict[str, Page]) -> None:
    for rel, page in pages.items():
        assert page.headings[0] == 1 and page.headings.count(1) == 1, rel
        for before, after in zip(page.headings, page.headings[1:]):
            assert after <= before + 1, (rel, page.headings)
        assert page.tables == page.captions, rel
        tags = {tag for tag, _ in page.tags}
        assert {"header", "nav", "main", "footer"} <= tags, rel
        html_attrs = next(attrs for tag, attrs in page.tags if tag == "html")
        assert html_attrs["lang"] == "en-GB"


def test_byte_identical_rebuild(tmp_path: Path) -> None:
    store = make_store(tmp_path / "index")
    try:
        build_site(store, tmp_path / "a")
        build_site(store, tmp_path / "b")
    finally:
        store.close()
    a = {
        p.relative_to(tmp_path / "a"): p.read_bytes()
        for p in (tmp_path / "a").rglob("*")
        if p.is_file()
    }
    b = {
        p.relative_to(tmp_path / "b"): p.read_bytes()
        for p in (tmp_path / "b").rglob("*")
        if p.is_file()
    }
    assert a == b


def test_two_processes_write_the_same_bytes_as_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from evidence.render import parallel

    store = make_store(tmp_path / "index")
    try:
        serial = build_site(store, tmp_path / "one")
        monkeypatch.setattr(parallel, "PARALLEL_MIN_DOCUMENTS", 1)
        monkeypatch.setattr(parallel, "CHUNK", 1)
        forked = build_site(store, tmp_path / "two")
    finally:
        store.close()
    one = {
        p.relative_to(tmp_path / "one"): p.read_bytes()
        for p in (tmp_path / "one").rglob("*")
        if p.is_file()
    }
    two = {
        p.relative_to(tmp_path / "two"): p.read_bytes()
        for p in (tmp_path / "two").rglob("*")
        if p.is_file()
    }
    assert one == two
    assert (forked.pages, forked.files, forked.links_checked, forked.broken) == (
        serial.pages,
        serial.files,
        serial.links_checked,
        (),
    )
    assert sorted(
        (tmp_path / "two/.evidence-site").read_text(encoding="utf-8").splitlines()
    ) == sorted(str(p.as_posix()) for p in one if str(p) != ".evidence-site")


def test_rebuild_removes_pages_it_wrote_and_nothing_else(tmp_path: Path) -> None:
    store = make_store(tmp_path / "index")
    out = tmp_path / "site"
    try:
        build_site(store, out)
        (out / "notes.txt").write_text("mine", encoding="utf-8")
        store.delete_document("lga-briefing-0a9b8c")
        report = build_site(store, out)
    finally:
        store.close()
    assert not (out / "docs/lga-briefing-0a9b8c.html").exists()
    assert not (out / "orgs/local-government-association.html").exists()
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert report.broken == ()


def test_templates_override_by_name(tmp_path: Path) -> None:
    custom = tmp_path / "mine"
    custom.mkdir()
    (custom / "theme.html").write_text(
        '{% extends "base.html" %}{% block content %}<h1>Ours: {{ theme.label }}</h1>{% endblock %}',
        encoding="utf-8",
    )
    (custom / "site.css").write_text("body { color: black; }\n", encoding="utf-8")
    store = make_store(tmp_path / "index")
    try:
        build_site(store, tmp_path / "site", templates=custom)
    finally:
        store.close()
    assert "<h1>Ours: Workforce</h1>" in (
        tmp_path / "site/themes/workforce.html"
    ).read_text(encoding="utf-8")
    assert (tmp_path / "site/assets/site.css").read_text(
        encoding="utf-8"
    ) == "body { color: black; }\n"
    assert "<h1>What the evidence says</h1>" in (
        tmp_path / "site/index.html"
    ).read_text(encoding="utf-8")


def test_missing_template_folder_is_a_domain_error(tmp_path: Path) -> None:
    store = make_store(tmp_path / "index")
    try:
        with pytest.raises(SiteError, match="no templates folder"):
            build_site(store, tmp_path / "site", templates=tmp_path / "nowhere")
    finally:
        store.close()


def test_odd_document_id_never_escapes_the_site(tmp_path: Path) -> None:
    store = Store(tmp_path / "index", create=True)
    doc_id = "../../escape me"
    passage = Passage(
        passage_id(doc_id, 1),
        doc_id,
        1,
        "The NHS had 42 ICSs.",
        None,
        None,
        "paragraph",
    )
    store.write_document(
        doc_id=doc_id,
        root="/r",
        path="x.txt",
        sha256="0",
        size=1,
        fmt="txt",
        pages=None,
        metadata=Metadata(title="Odd"),
        passages=[(passage, [])],
        findings=[
            (
                f"{passage_id(doc_id, 1)}-f1",
                passage.passage_id,
                Finding(
                    "figure",
                    12,
                    14,
                    "The NHS had 42 ICSs.",
                    {
                        "surface": "42",
                        "value": 42.0,
                        "figure_kind": "count",
                        "measure": "ICSs",
                    },
                ),
            )
        ],
        acronyms=[],
    )
    try:
        report = build_site(store, tmp_path / "site")
    finally:
        store.close()
    stem = file_stem(doc_id)
    assert (
        stem == "escape-me-" + stem.rsplit("-", 1)[1]
        and len(stem.rsplit("-", 1)[1]) == 8
    )
    assert (tmp_path / "site/docs" / f"{stem}.html").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index", "site"]
    assert report.broken == ()


def test_link_checker_finds_breakage(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text(
        '<a href="b.html#x">ok</a><a href="b.html#y">no anchor</a><a href="c.html">no file</a>'
        '<a href="https://example.org/">outside</a><a href="../up.html">up</a><a href="#self" id="self">me</a>',
        encoding="utf-8",
    )
    (tmp_path / "b.html").write_text('<p id="x">x</p>', encoding="utf-8")
    checked, broken = check_links(tmp_path)
    assert checked == 6
    assert [(b.page, b.target, b.reason) for b in broken] == [
        ("a.html", "b.html#y", "no such anchor"),
        ("a.html", "c.html", "no such file"),
        ("a.html", "https://example.org/", "points outside the site"),
        ("a.html", "../up.html", "climbs out of the site"),
    ]


def test_runs_nest_and_overlap() -> None:
    text = "We recommend £5m for 26% of ICSs."
    spans = [
        (0, 33, "recommendation", "r1"),
        (13, 16, "figure", "f1"),
        (21, 24, "figure", "f2"),
        (40, 50, "claim", "bad"),
    ]
    assert runs(text, spans) == [
        Run("We recommend ", ("recommendation",), ("r1",)),
        Run("£5m", ("figure", "recommendation"), ("f1",)),
        Run(" for ", ("recommendation",)),
        Run("26%", ("figure", "recommendation"), ("f2",)),
        Run(" of ICSs.", ("recommendation",)),
    ]
    assert runs("abcdef", [(1, 4, "claim", "c"), (3, 6, "quote", "q")]) == [
        Run("a"),
        Run("bc", ("claim",), ("c",)),
        Run("d", ("claim", "quote"), ("q",)),
        Run("ef", ("quote",)),
    ]
    assert runs("plain", []) == [Run("plain")]


def test_shade_levels() -> None:
    assert [shade(n, 8) for n in (0, 1, 2, 3, 4, 5, 6, 7, 8)] == [
        0,
        1,
        1,
        2,
        2,
        3,
        3,
        4,
        4,
    ]
    assert shade(3, 0) == 0


def _luminance(colour: str) -> float:
    value = colour.lstrip("#")
    channels = [int(value[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [
        c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels
    ]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_colours_meet_wcag_aa() -> None:
    from evidence.resources import templates_dir

    css = (templates_dir() / "site.css").read_text(encoding="utf-8")
    root = css.split(":root {", 1)[1].split("}", 1)[0]
    var = {
        name.strip(): value.strip()
        for name, value in (
            line.strip().rstrip(";").split(":", 1) for line in root.strip().splitlines()
        )
    }
    white = "#ffffff"
    text_pairs = [
        ("--ink", "--paper"),
        ("--muted", "--paper"),
        ("--link", "--paper"),
        ("--figure", "--figure-bg"),
        # every finding kind's tag and mark colour, under text and under notes
        *((fg, f"--{kind.name}-bg") for kind in KINDS for fg in ("--ink", "--muted")),
        ("--ink", "--shade-1"),
        ("--ink", "--shade-2"),
        ("--muted", "--shade-1"),
    ]
    for fg, bg in text_pairs:
        assert _contrast(var[fg], var[bg]) >= 4.5, (fg, bg)
    for bg in ("--shade-3", "--shade-4"):
        assert _contrast(white, var[bg]) >= 4.5, bg
    assert _contrast(var["--focus"], var["--paper"]) >= 3.0
    assert (
        _contrast(var["--muted"], "#fff8ef") >= 4.5
    )  # a passage landed on by its link


def test_broken_override_template_names_file_and_line(tmp_path: Path) -> None:
    custom = tmp_path / "mine"
    custom.mkdir()
    (custom / "org.html").write_text(
        "{% extends 'base.html' %}\n{% block content %}\n{% if %}\n{% endblock %}\n",
        encoding="utf-8",
    )
    store = make_store(tmp_path / "index")
    try:
        with pytest.raises(SiteError) as caught:
            build_site(store, tmp_path / "site", templates=custom)
    finally:
        store.close()
    assert str(caught.value).startswith(f"template {custom / 'org.html'}, line 3: ")


def test_a_recommendation_to_two_bodies_is_addressed_to_each(tmp_path: Path) -> None:
    store = Store(tmp_path / "index", create=True)
    doc_id = "audit-1"
    text = "NHS England and the Department of Health should publish a workforce plan."
    passage = Passage(passage_id(doc_id, 1), doc_id, 1, text, None, None, "paragraph")
    store.write_document(
        doc_id=doc_id,
        root="/r",
        path="audit.txt",
        sha256="0",
        size=1,
        fmt="txt",
        pages=None,
        metadata=Metadata(title="Workforce audit", org="National Audit Office"),
        passages=[(passage, [])],
        findings=[
            (
                f"{passage_id(doc_id, 1)}-r1",
                passage.passage_id,
                Finding(
                    "recommendation",
                    0,
                    len(text),
                    text,
                    {
                        "actor": "National Audit Office",
                        "target": "NHS England; Department of Health",
                        "action": "publish a workforce plan",
                    },
                ),
            )
        ],
        acronyms=[],
    )
    try:
        build_site(store, tmp_path / "site")
    finally:
        store.close()
    for name in ("nhs-england", "department-of-health"):
        page = (tmp_path / "site" / "orgs" / f"{name}.html").read_text(encoding="utf-8")
        parser = Page()
        parser.feed(page)
        words = " ".join("".join(parser.text).split())
        assert "0 recommendations made; 1 addressed to it." in words
        assert "From National Audit Office (1)" in words
    nao = Page()
    nao.feed(
        (tmp_path / "site" / "orgs" / "national-audit-office.html").read_text(
            encoding="utf-8"
        )
    )
    words = " ".join("".join(nao.text).split())
    assert "To NHS England (1)" in words and "To Department of Health (1)" in words


def test_full_lists_are_split_into_pages_that_link_to_each_other(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from evidence.render import site as site_module

    store = make_store(tmp_path / "index")
    try:
        build_site(store, tmp_path / "whole")
        monkeypatch.setattr(site_module, "LIST_PAGE_ROWS", 2)
        report = build_site(store, tmp_path / "paged")
    finally:
        store.close()
    assert report.broken == ()

    def rows(folder: Path, name: str) -> list[str]:
        stem = name.removesuffix(".html")
        found = sorted(
            folder.glob(f"{stem}*.html"), key=lambda p: (len(p.name), p.name)
        )
        return [
            row
            for path in found
            for row in re.findall(
                r"<tr[ >].*?</tr>", path.read_text(encoding="utf-8"), re.S
            )[1:]
        ]

    for name, what in (
        ("figures.html", "figures"),
        ("recommendations.html", "recommendations"),
        ("documents.html", "documents"),
    ):
        whole = rows(tmp_path / "whole", name)
        assert rows(tmp_path / "paged", name) == whole
        count = -(-len(whole) // 2)
        stem = name.removesuffix(".html")
        pages = [name] + [f"{stem}-{n}.html" for n in range(2, count + 1)]
        assert sorted(
            p.name for p in (tmp_path / "paged").glob(f"{stem}*.html")
        ) == sorted(pages)
        assert count > 1
        last = (tmp_path / "paged" / pages[-1]).read_text(encoding="utf-8")
        assert (
            f"{2 * count - 1}–{len(whole)} of {len(whole)} {what}, {count} pages"
            in last
        )
        assert f'<span aria-current="page">{count}</span>' in last
        assert f'<a href="{name}">1</a>' in last
        assert (
            "<nav"
            not in re.sub(
                r"<header.*?</header>",
                "",
                (tmp_path / "whole" / name).read_text(encoding="utf-8"),
                flags=re.S,
            ).split("<main", 1)[1]
        )


def _words(path: Path) -> str:
    page = parse(path)
    return " ".join("".join(page.text).split())


def test_title_and_as_at_date_on_every_page(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from evidence.cli import cli

    index = tmp_path / "index"
    store = make_store(index)
    store.set_meta("last_ingest", "2026-12-04T18:02:11+00:00")
    store.close()
    runner = CliRunner()
    results = [
        runner.invoke(
            cli,
            [
                "--index-dir",
                str(index),
                "build",
                "-o",
                str(tmp_path / out),
                "--title",
                "Inquiry  into\nICSs",
            ],
        )
        for out in ("a", "b")
    ]
    assert [r.exit_code for r in results] == [0, 0], results[0].output
    pages = sorted((tmp_path / "a").rglob("*.html"))
    assert len(pages) == 28
    for path in pages:
        raw = path.read_text(encoding="utf-8")
        assert raw.count(" · Inquiry into ICSs</title>") == 1, path
        root = "../" * (len(path.relative_to(tmp_path / "a").parts) - 1)
        assert (
            f'<p class="brand"><a href="{root}index.html">Inquiry into ICSs</a></p>'
            in raw
        ), path
        assert (
            '<p class="as-at">As at 2026-12-04, the date of the last ingest</p>' in raw
        ), path
    # the date is the store's, not the build's: a second build writes the same bytes
    a = {
        p.relative_to(tmp_path / "a"): p.read_bytes()
        for p in (tmp_path / "a").rglob("*")
        if p.is_file()
    }
    b = {
        p.relative_to(tmp_path / "b"): p.read_bytes()
        for p in (tmp_path / "b").rglob("*")
        if p.is_file()
    }
    assert a == b


def test_default_title_and_no_date_without_an_ingest(
    built: tuple[Path, object, Path],
) -> None:
    raw = (built[0] / "themes/workforce.html").read_text(encoding="utf-8")
    assert "<title>Workforce · Evidence briefing</title>" in raw
    assert '<p class="brand"><a href="../index.html">Evidence briefing</a></p>' in raw
    assert "as-at" not in raw


def test_an_empty_title_is_one_line_and_the_site_is_kept(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from evidence.cli import cli

    index = tmp_path / "index"
    make_store(index).close()
    runner = CliRunner()
    assert (
        runner.invoke(
            cli, ["--index-dir", str(index), "build", "-o", str(tmp_path / "site")]
        ).exit_code
        == 0
    )
    before = (tmp_path / "site/index.html").read_bytes()
    result = runner.invoke(
        cli,
        [
            "--index-dir",
            str(index),
            "build",
            "-o",
            str(tmp_path / "site"),
            "--title",
            " \t",
        ],
    )
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        'Error: the site title is empty (give it some words, e.g. --title "Inquiry into ICSs", '
        "or leave it out)\n"
    )
    assert (tmp_path / "site/index.html").read_bytes() == before


def test_coverage_scale_is_set_by_the_named_bodies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from evidence.render import views

    monkeypatch.setattr(views, "MATRIX_ROWS", 1)
    store = make_store(tmp_path / "index")
    try:
        build_site(store, tmp_path / "site")
    finally:
        store.close()
    raw = (tmp_path / "site/index.html").read_text(encoding="utf-8")
    rows = re.findall(r'<tr><th scope="row">(.*?)</th>(.*?)</tr>', raw)
    cells = {
        re.sub(r"<.*?>", "", name): re.findall(
            r'<td class="shade-(\d)">(\d+)</td>', body
        )
        for name, body in rows
    }
    # columns workforce, finance, capital, ..., social care: NHS Providers' 3 workforce passages are the
    # darkest though the other bodies' summed row has 4 (2 + 1 + 1)
    assert list(cells) == ["NHS Providers", "3 other bodies"]
    assert [c for c in cells["NHS Providers"] if c[1] != "0"] == [
        ("4", "3"),
        ("2", "1"),
        ("2", "1"),
    ]
    assert [c for c in cells["3 other bodies"] if c[1] != "0"] == [
        ("4", "4"),
        ("2", "1"),
        ("2", "1"),
        ("3", "2"),
    ]
    assert "Darker cells mean more passages (the darkest, 3 or more)." in _words(
        tmp_path / "site/index.html"
    )


def _write(
    store: Store,
    doc_id: str,
    meta: Metadata,
    passages: list[tuple[str, str]],
    findings: list[tuple[int, str, str, dict[str, object]]],
    theme: str,
) -> None:
    """One document: passages (kind, text); findings (passage index, kind, words, data) themed ``theme``.

    A figure's words are its surface; its finding's text is the passage (one sentence each here).
    """
    made = [
        Passage(passage_id(doc_id, n), doc_id, n, text, None, None, kind)
        for n, (kind, text) in enumerate(passages, start=1)
    ]
    rows = []
    for k, (index, kind, words, data) in enumerate(findings, start=1):
        p = made[index]
        start = p.text.index(words)
        end = start + len(words)
        sentence = p.text if kind == "figure" else words
        rows.append(
            (
                f"{p.passage_id}-{kind[0]}{k}",
                p.passage_id,
                Finding(kind, start, end, sentence, dict(data)),
            )
        )
    store.write_document(
        doc_id=doc_id,
        root="/r",
        path=f"{doc_id}.txt",
        sha256=doc_id,
        size=1,
        fmt="txt",
        pages=None,
        metadata=meta,
        passages=[(p, []) for p in made],
        findings=rows,
        acronyms=[],
    )
    with store.rewriting_themes() as themes:
        themes.replace(
            [doc_id],
            [(p.passage_id, theme, 1.0, "terms") for p in made if p.kind != "heading"],
            [(fid, theme) for fid, _, _ in rows],
        )


def _figure(
    surface: str,
    value: float,
    kind: str,
    measure: str | None = None,
    period: str | None = None,
) -> dict[str, object]:
    return {
        "surface": surface,
        "value": value,
        "unit": "GBP" if kind == "money" else None,
        "figure_kind": kind,
        "qualifier": None,
        "value_max": None,
        "measure": measure,
        "period": period,
    }


REC2 = (
    "HM Treasury and the Department of Health and Social Care should give ICSs multi-year capital budgets, "
    "covering at least three years."
)


@pytest.fixture(scope="module")
def briefing(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    """A committee report, the government's response to it and a think tank's note, all on capital."""
    from evidence.render.views import site_model

    folder = tmp_path_factory.mktemp("briefing")
    store = Store(folder / "index", create=True)
    committee = "Health and Social Care Committee"
    rec = {
        "actor": committee,
        "target": "HM Treasury; Department of Health and Social Care",
        "action": "give ICSs budgets",
    }
    _write(
        store,
        "hsc-report",
        Metadata(
            "Freedom to deliver", committee, "committee report", "2023-04-05", "HC 1187"
        ),
        [
            ("list_item", f"Recommendation 2: {REC2}"),
            (
                "list_item",
                "Systems plan capital over two years and five partners sign each plan.",
            ),
            ("paragraph", f"12 {REC2} (Paragraph 52)"),
            (
                "paragraph",
                "Systems had a capital backlog of £10.2 billion in 2021-22, and 42 ICSs reported it.",
            ),
        ],
        [
            (0, "recommendation", f"Recommendation 2: {REC2}", rec),
            (1, "figure", "two years", _figure("two years", 2, "duration")),
            (1, "figure", "five", _figure("five", 5, "count")),
            (2, "recommendation", f"12 {REC2} (Paragraph 52)", rec),
            (
                3,
                "figure",
                "£10.2 billion",
                _figure("£10.2 billion", 10.2e9, "money", "capital backlog", "2021-22"),
            ),
            (
                3,
                "figure",
                "42 ICSs",
                _figure("42 ICSs", 42, "count", "ICSs", "2021-22"),
            ),
        ],
        "capital",
    )
    _write(
        store,
        "gov-response",
        Metadata(
            "Government response",
            "Department of Health and Social Care",
            "government response",
            "2023-07",
            "CP 912",
        ),
        [
            ("heading", "Finance and capital"),
            ("paragraph", f"Recommendation 2: {REC2}"),
            ("paragraph", "The Government accepts this recommendation in part."),
            (
                "paragraph",
                "It is backed by £2.4 billion of funding over five years and 15,000 places a year by 2031/32.",
            ),
            ("paragraph", "The capital budget for 2024/25 is £12.3 billion."),
        ],
        [
            (1, "recommendation", f"Recommendation 2: {REC2}", rec),
            (
                3,
                "figure",
                "£2.4 billion",
                _figure("£2.4 billion", 2.4e9, "money", "funding", "2031/32"),
            ),
            (
                3,
                "figure",
                "five years",
                _figure("five years", 5, "duration", None, "2031/32"),
            ),
            (
                3,
                "figure",
                "15,000",
                _figure("15,000", 15000, "count", "places", "2031/32"),
            ),
            (
                4,
                "figure",
                "£12.3 billion",
                _figure("£12.3 billion", 12.3e9, "money", "capital budget", "2024/25"),
            ),
        ],
        "capital",
    )
    _write(
        store,
        "think-tank",
        Metadata(
            "Capital note", "The Nuffield Trust", "commentary", "2023-01-01", None
        ),
        [
            (
                "paragraph",
                "Premises need £3bn to reach standard, about 20% of estates.",
            ),
        ],
        [
            (0, "figure", "£3bn", _figure("£3bn", 3e9, "money", "premises", None)),
            (0, "figure", "20%", _figure("20%", 20.0, "percent", "estates", None)),
        ],
        "capital",
    )
    try:
        build_site(store, folder / "site")
        model = site_model(store, cross_source=False)
    finally:
        store.close()
    return folder / "site", model


def test_key_figures_a_row_per_sentence_each_with_its_own_period(
    briefing: tuple[Path, object],
) -> None:
    site, model = briefing
    theme = model.theme_map["capital"]
    rows = [
        [(f.data["surface"], f.data["period"]) for f in row.figures]
        for row in theme.figures
    ]
    # "two years" and a bare "five" are no key figures, nor is "five years" beside £2.4 billion;
    # 2031/32 is the 15,000 places' period, not the £2.4 billion's (two figures stand between them)
    assert rows == [
        [("£2.4 billion", None), ("15,000", "2031/32")],
        [("£12.3 billion", "2024/25")],
        [("£10.2 billion", "2021-22"), ("42 ICSs", "2021-22")],
        [("£3bn", None), ("20%", None)],
    ]
    assert (theme.figures_total, theme.figure_rows_total) == (7, 4)
    assert theme.figures[0].periods == ["15,000: 2031/32"]
    assert theme.figures[2].periods == ["2021-22"]
    raw = (site / "themes/capital.html").read_text(encoding="utf-8")
    assert (
        '<span class="ctx">It is backed by <mark class="m-figure">£2.4 billion</mark> of funding over five years and '
        '<mark class="m-figure">15,000</mark> places a year by 2031/32.</span>'
    ) in raw
    assert "<td>15,000: 2031/32</td>" in raw
    # the full list and the document page show the corrected period too
    figures = (site / "figures.html").read_text(encoding="utf-8")
    row = figures.split("<strong>£2.4 billion</strong>")[1].split("</tr>")[0]
    assert "<td>—</td>\n<td>money</td>" in row


def test_headline_figures_measure_something_each_from_another_body(
    briefing: tuple[Path, object],
) -> None:
    site, model = briefing
    theme = model.theme_map["capital"]
    assert [(f.data["surface"], f.doc.body) for f in theme.headline] == [
        ("£12.3 billion", "Department of Health and Social Care"),
        ("£10.2 billion", "Health and Social Care Committee"),
        ("£3bn", "The Nuffield Trust"),
    ]
    words = _words(site / "themes/capital.html")
    assert (
        "Headline figures: £12.3 billion capital budget (2024/25) — Department of Health and Social Care, "
        "Government response, CP 912, 2023-07, para 5 £10.2 billion capital backlog (2021-22) — Health and "
        "Social Care Committee, Freedom to deliver, HC 1187, 2023-04-05, para 4 £3bn premises — The Nuffield "
        "Trust, Capital note, 2023-01-01, para 1 Key figures"
    ) in words


def test_a_recommendation_made_quoted_and_answered_is_shown_once(
    briefing: tuple[Path, object],
) -> None:
    site, model = briefing
    theme = model.theme_map["capital"]
    assert [(g.title, [v.id for v in g.items]) for g in theme.recommendations] == [
        ("Department of Health and Social Care", ["hsc-report-passage1-r1"]),
        ("HM Treasury", ["hsc-report-passage1-r1"]),
    ]
    group = theme.recommendations[0]
    assert [v.id for v in group.copies["hsc-report-passage1-r1"]] == [
        "gov-response-passage2-r1",
        "hsc-report-passage3-r4",
    ]
    [answer] = group.responses["hsc-report-passage1-r1"]
    assert (answer.quoted.id, answer.text, answer.href) == (
        "gov-response-passage2-r1",
        "The Government accepts this recommendation in part.",
        "docs/gov-response.html#gov-response-passage3",
    )
    words = _words(site / "themes/capital.html")
    assert (
        "To Department of Health and Social Care (1) Health and Social Care Committee: Recommendation 2: "
        + REC2
        + " Health and Social Care Committee, Freedom to deliver, HC 1187, 2023-04-05, para 1 "
        "Also in Department of Health and Social Care, Government response, CP 912, 2023-07, para 2; "
        "Health and Social Care Committee, Freedom to deliver, HC 1187, 2023-04-05, para 3 "
        "Department of Health and Social Care responds: The Government accepts this recommendation in part. "
        "Department of Health and Social Care, Government response, CP 912, 2023-07, para 3 To HM Treasury (1)"
    ) in words
    assert (
        "discuss capital and estates, with 10 figures, 1 recommendation, 0 claims and 0 quotations."
        in words
    )
    assert (
        "The leading recommendation: Health and Social Care Committee to HM Treasury and Department of Health and "
        "Social Care: Recommendation 2: "
        + REC2
        + " (made or quoted in 3 places) — Health and Social Care Committee, "
        "Freedom to deliver"
    ) in words


def test_recommendation_key_drops_numbers_labels_and_paragraph_references() -> None:
    from evidence.render.views import recommendation_key

    same = [
        "Recommendation 2: NHS England should publish a plan.",
        "12 NHS England should publish a plan. (Paragraph 52)",
        "3.3  NHS England should publish a plan",
        "(4) NHS England should publish a plan. (Paras 12-14)",
    ]
    assert {recommendation_key(text) for text in same} == {
        "nhs england should publish a plan"
    }
    assert (
        recommendation_key("NHS England should publish a plan by 2025.")
        == "nhs england should publish a plan by 2025"
    )
