"""One registry of finding kinds drives every layer; an unknown kind is an error everywhere.

The last tests register a made-up kind (a government commitment) and follow
it through extraction, the store, the export, the CLI and the site, with no
other change to the code.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from spacy.language import Language
from spacy.tokens import Doc, Span

sys.path.insert(0, str(Path(__file__).resolve().parent / "e2e"))
import site_fixture
from site_fixture import make_store

from evidence.analyse import analyse
from evidence.cli import cli
from evidence.errors import EvidenceError, UnknownKindError
from evidence.export import (
    CITATION_FIELDS,
    COMMON_FIELDS,
    KIND_FIELDS,
    export_rows,
    write_export,
)
from evidence.kinds import KINDS, Kind
from evidence.models import Finding, Metadata, Passage
from evidence.nlp.pipeline import build_pipeline
from evidence.render import build_site
from evidence.render.marks import runs
from evidence.render.twins import passage
from evidence.render.views import DocView, FindingView, PassageView
from evidence.resources import templates_dir
from evidence.store import Store

BUILT_IN = ("figure", "recommendation", "claim", "quote")


@pytest.fixture
def store(tmp_path: Path):
    s = make_store(tmp_path / "index")
    yield s
    s.close()


def run(index: Path, *args: str):
    return CliRunner().invoke(cli, ["--index-dir", str(index), *args])


# -- the registry --------------------------------------------------------------


def test_the_registry_holds_the_four_kinds_in_order() -> None:
    assert KINDS.names() == BUILT_IN
    assert [k.letter for k in KINDS] == ["f", "r", "c", "q"]
    assert [k.span_group for k in KINDS] == [
        "figures",
        "recommendations",
        "claims",
        "quotes",
    ]
    assert KINDS.choices() == "figure, recommendation, claim or quote"
    for kind in KINDS:
        assert KINDS.find(kind.plural.upper() + " ") is kind
        assert kind.mark_class == f"m-{kind.name}"
        assert kind.tag_class == f"t-{kind.name}"


def test_the_export_columns_are_the_registrys_in_the_schemas_order() -> None:
    assert list(KIND_FIELDS) == ["figure", "recommendation", "quote", "claim"]
    for kind in KINDS:
        assert KIND_FIELDS[kind.name] == kind.fields


def test_a_kind_that_clashes_is_refused() -> None:
    figure = KINDS.get("figure")
    for change in (
        {"name": "figure"},
        {"letter": "f"},
        {"span_group": "figures"},
        {"plural": "figures"},
        {"fields": ("text",)},
        {"name": "Bad-Name"},
        {"letter": "ff"},
    ):
        values = {
            "name": "pledge",
            "plural": "pledges",
            "letter": "p",
            "span_group": "pledges",
            "fields": ("pledge",),
            "label": "Pledge",
            "noun": "pledge",
            "nouns": "pledges",
            "description": "a promise",
            **change,
        }
        with pytest.raises(ValueError):
            KINDS.register(Kind(**values))  # type: ignore[arg-type]
    assert KINDS.names() == BUILT_IN
    assert KINDS.get("figure") is figure


def test_every_kind_has_its_colours_in_the_stylesheet() -> None:
    css = (templates_dir() / "site.css").read_text(encoding="utf-8")
    for kind in KINDS:
        assert f"--{kind.name}-bg:" in css, kind.name
        assert f"mark.{kind.mark_class} {{" in css, kind.name
        assert f".{kind.tag_class} {{" in css, kind.name


# -- the registry drives the CLI, the export and the site ---------------------


def test_the_cli_takes_each_kind_and_its_plural(store: Store, tmp_path: Path) -> None:
    index = tmp_path / "index"
    for kind in KINDS:
        for word in (kind.name, kind.plural.capitalize()):
            result = run(index, "export", "--kind", word)
            assert result.exit_code == 0, result.output
            rows = [json.loads(line) for line in result.stdout.splitlines()]
            assert rows and {r["kind"] for r in rows} == {kind.name}
    result = run(index, "export", "--kind", "tables")
    assert result.exit_code == 2
    assert f"use one of {', '.join(KINDS.names())}" in result.output


def test_export_rows_carry_their_kinds_fields(store: Store) -> None:
    rows = list(export_rows(store))
    assert {r["kind"] for r in rows} == set(BUILT_IN)
    for row in rows:
        assert list(row) == list(COMMON_FIELDS) + list(KINDS.get(row["kind"]).fields)


def test_the_site_shows_each_kind_as_the_registry_says(
    store: Store, tmp_path: Path
) -> None:
    build_site(store, tmp_path / "site")
    site = tmp_path / "site"
    script = (site / "assets/site.js").read_text(encoding="utf-8")
    source = (templates_dir() / "site.js").read_text(encoding="utf-8")
    # the labels written into site.js are exactly what it held when it kept its own copy
    assert script == source.replace(
        "/* each finding kind's label: written in by evidence build */ {}",
        '{ figure: "Figure", recommendation: "Recommendation", claim: "Claim", quote: "Quote" }',
    )
    page = (site / "docs/nhs-providers-ev-d4e5f6.html").read_text(encoding="utf-8")
    for kind in KINDS:
        assert (
            f'<mark class="{kind.mark_class}">{kind.label}</mark> {kind.description}'
            in page
        )
    search = (site / "search.html").read_text(encoding="utf-8")
    for kind in KINDS:
        assert f'<option value="{kind.name}">{kind.label}</option>' in search


# -- an unknown kind is an error, never another kind ---------------------------


def test_an_unknown_kind_is_a_domain_error() -> None:
    with pytest.raises(UnknownKindError) as caught:
        KINDS.get("banana")
    assert isinstance(caught.value, EvidenceError)
    assert str(caught.value) == "unknown finding kind 'banana'"
    assert caught.value.hint == "use one of: figure, recommendation, claim, quote"


def test_the_store_refuses_to_write_an_unknown_kind(tmp_path: Path) -> None:
    store = Store(tmp_path / "index", create=True)
    try:
        p = Passage("d-passage1", "d", 1, "Some text.", None, None, "paragraph")
        with pytest.raises(UnknownKindError):
            store.write_document(
                doc_id="d",
                root="/r",
                path="d.txt",
                sha256="x",
                size=1,
                fmt="txt",
                pages=None,
                metadata=Metadata(),
                passages=[(p, [])],
                findings=[
                    ("d-passage1-b1", "d-passage1", Finding("banana", 0, 4, "Some", {}))
                ],
                acronyms=[],
            )
        assert store.document_count() == 0
    finally:
        store.close()


def _stored_banana(index: Path) -> None:
    """A stored claim turned into a kind no registry holds (as a newer version might write)."""
    conn = sqlite3.connect(index / "evidence.sqlite")
    with conn:
        conn.execute(
            "UPDATE findings SET kind='banana' WHERE finding_id = "
            "(SELECT MIN(finding_id) FROM findings WHERE kind='claim')"
        )
    conn.close()


def test_a_stored_row_of_an_unknown_kind_stops_export_build_and_counts(
    tmp_path: Path,
) -> None:
    index = tmp_path / "index"
    make_store(index).close()
    _stored_banana(index)
    store = Store(index)
    try:
        for attempt in (
            lambda: list(export_rows(store)),
            lambda: build_site(store, tmp_path / "site"),
            store.counts,
        ):
            with pytest.raises(UnknownKindError, match="unknown kind 'banana'"):
                attempt()
    finally:
        store.close()
    assert not (tmp_path / "site").exists()
    for args in (["export"], ["build", "-o", str(tmp_path / "site")], ["status"]):
        result = run(index, *args)
        assert result.exit_code == 1, (args, result.output)
        assert "Traceback" not in result.output
        assert "the store holds findings of unknown kind 'banana'" in result.output


def test_rendering_an_unknown_kind_is_an_error() -> None:
    doc = DocView(
        "d",
        "docs/d.html",
        "T",
        "Body",
        None,
        None,
        None,
        None,
        None,
        "d.txt",
        "txt",
        None,
    )
    with pytest.raises(UnknownKindError):
        runs("Some text.", [(0, 4, "banana", "d-passage1-b1")])
    p = Passage("d-passage1", "d", 1, "Some text.", None, None, "paragraph")
    view = FindingView(
        "d-passage1-b1",
        "banana",
        "Some",
        doc,
        "d-passage1",
        None,
        "docs/d.html#d-passage1",
        {},
        (),
    )
    from markupsafe import Markup

    with pytest.raises(UnknownKindError):
        passage(PassageView(p, [], (), [view], (), Markup("Some text.")), doc)


# -- a new kind: one registry entry and one spaCy component -------------------

COMMITMENT = Kind(
    name="commitment",
    plural="commitments",
    letter="k",
    span_group="commitments",
    fields=("actor", "pledge", "deadline"),
    label="Government commitment",
    noun="government commitment",
    nouns="government commitments",
    description="what the government says it will do, and by when",
)

PLEDGE = "The government will publish a workforce plan by 2023."

COMMITMENT_DOCUMENT = {
    "doc_id": "dhsc-response-0a0b0c",
    "path": "dhsc-response.pdf",
    "meta": Metadata(
        "Government response to the inquiry",
        "Department of Health and Social Care",
        "government response",
        "2023-01",
        None,
    ),
    "passages": [("paragraph", PLEDGE + " Nothing else is promised.", 1)],
    "findings": [
        (
            0,
            "commitment",
            PLEDGE,
            {
                "actor": "Department of Health and Social Care",
                "pledge": "publish a workforce plan",
                "deadline": "2023",
            },
        )
    ],
    "themes": {0: ["workforce"]},
}


@Language.component("test_commitments")
def _find_commitments(doc: Doc) -> Doc:
    """The made-up kind's component: sentences where "the government will" do something."""
    spans = []
    for sent in doc.sents:
        if sent.text.lower().startswith("the government will"):
            span = Span(doc, sent.start, sent.end, label="COMMITMENT")
            span._.finding = {"actor": "Government", "pledge": None, "deadline": None}
            spans.append(span)
    doc.spans["commitments"] = spans
    return doc


def test_a_new_kinds_component_is_all_extraction_needs() -> None:
    nlp = build_pipeline()
    nlp.add_pipe("test_commitments", last=True)
    with KINDS.registered(COMMITMENT):
        found = [f for f in analyse(PLEDGE, nlp=nlp) if f["kind"] == "commitment"]
    assert found == [
        {
            "kind": "commitment",
            "text": PLEDGE,
            "start": 0,
            "end": len(PLEDGE),
            "actor": "Government",
            "pledge": None,
            "deadline": None,
        }
    ]
    # unregistered, its span group is not a kind of finding
    assert "commitment" not in {f["kind"] for f in analyse(PLEDGE, nlp=nlp)}


def test_a_new_kind_flows_through_store_export_cli_and_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        site_fixture, "DOCUMENTS", [*site_fixture.DOCUMENTS, COMMITMENT_DOCUMENT]
    )
    index, site = tmp_path / "index", tmp_path / "site"
    header_before = _csv_header()
    with KINDS.registered(COMMITMENT):
        store = make_store(index)
        try:
            rows = list(export_rows(store, kind="commitment"))
            out = io.StringIO()
            write_export(export_rows(store), out, "csv")
            build_site(store, site)
        finally:
            store.close()
        exported = run(index, "export", "--kind", "Commitments")
        status = run(index, "status")
        themes = run(index, "themes")
    assert KINDS.names() == BUILT_IN

    # the export: its own fields after the common ones; its new columns last in a CSV
    assert rows == [
        {
            "id": "dhsc-response-0a0b0c-passage1-k1",
            "kind": "commitment",
            "text": PLEDGE,
            "doc_id": "dhsc-response-0a0b0c",
            "doc_path": "dhsc-response.pdf",
            "doc_title": "Government response to the inquiry",
            "doc_org": "Department of Health and Social Care",
            "passage_id": "dhsc-response-0a0b0c-passage1",
            "page": 1,
            "start": 0,
            "end": len(PLEDGE),
            "themes": ["workforce"],
            "actor": "Department of Health and Social Care",
            "pledge": "publish a workforce plan",
            "deadline": "2023",
        }
    ]
    header = next(csv.reader(io.StringIO(out.getvalue())))
    assert header == header_before[: -len(CITATION_FIELDS)] + [
        "pledge",
        "deadline",
        *CITATION_FIELDS,
    ]
    # the CLI: --kind takes it and its plural; status and themes count it
    assert exported.exit_code == 0, exported.output
    assert [json.loads(line)["id"] for line in exported.stdout.splitlines()] == [
        rows[0]["id"]
    ]
    assert status.stdout.rstrip().endswith("4 claims, 1 quotes, 1 commitments"), (
        status.output
    )
    assert themes.stdout.splitlines()[0].endswith("  quotes  commitments")

    # the site: tagged, marked and in the legend on its document's page
    page = (site / "docs/dhsc-response-0a0b0c.html").read_text(encoding="utf-8")
    assert '<mark class="m-commitment" id="dhsc-response-0a0b0c-passage1-k1">' in page
    assert (
        '<li><span class="tag t-commitment">Government commitment</span> '
        "Department of Health and Social Care, publish a workforce plan, 2023</li>"
    ) in page
    assert (
        '<mark class="m-commitment">Government commitment</mark> '
        "what the government says it will do, and by when"
    ) in page
    assert "1 government commitment</dd>" in page
    # counted on the overview, listed on its theme's page
    overview = (site / "index.html").read_text(encoding="utf-8")
    assert "4 claims, 1 quotation and 1 government commitment, each linked" in overview
    theme = (site / "themes/workforce.html").read_text(encoding="utf-8")
    assert '<h2 id="commitment-h">Government commitments</h2>' in theme
    assert f"<q>{PLEDGE}</q>" in theme
    assert " and 1 government commitment." in theme
    # found by the site's search, with its label
    assert '<option value="commitment">Government commitment</option>' in (
        site / "search.html"
    ).read_text(encoding="utf-8")
    assert "&#34;commitment&#34;: &#34;Government commitment&#34;" in (
        site / "search.html"
    ).read_text(encoding="utf-8")
    # the search index tags its passage with it and kind:commitment finds it
    script = (site / "assets/search/p-0.js").read_text(encoding="utf-8")
    chunk = json.loads(
        script.removeprefix('EvidenceSearch.add("p-0",').rstrip().removesuffix(");")
    )
    assert [r[0] for r in chunk if "commitment" in r[4]] == [
        "dhsc-response-0a0b0c-passage1"
    ]
    meta = (site / "assets/search/meta.js").read_text(encoding="utf-8")
    assert '"commitments":"commitment"' in meta


def _csv_header() -> list[str]:
    out = io.StringIO()
    write_export(iter(()), out, "csv")
    return next(csv.reader(io.StringIO(out.getvalue())))
