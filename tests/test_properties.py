"""Issue 8: arbitrary input at the library's edges fails only in the ways it is meant to.

Search takes any query and either answers or raises QueryError; analyse
takes any text and every span it reports lies inside that text; each reader
takes any bytes and either reads them or raises ReaderError; the export's
CSV and JSON Lines read back to the values written.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from fpdf import FPDF
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from test_formats import DOC_PARAGRAPHS, ODT_BODY, RTF, _eml, _msg, _odt, _word97, _xlsx

from evidence.analyse import analyse
from evidence.errors import QueryError, ReaderError
from evidence.export import CITATION_FIELDS, COMMON_FIELDS, KIND_FIELDS, write_export
from evidence.ingest import ingest
from evidence.models import RawDocument
from evidence.readers import SUPPORTED_EXTENSIONS, read_bytes
from evidence.readers.text import MAX_BLOCK_CHARS, clean_text
from evidence.search import SearchResult, search

PROPERTY = settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

# -- search --------------------------------------------------------------

CORPUS = {
    "capital.txt": (
        "Capital regime\n\n"
        "The National Audit Office (NAO) found that the capital regime limits what integrated care "
        "boards can spend: £5.7 billion in 2022-23, around 26% of the total.\n"
    ),
    "workforce.md": (
        "# Workforce\n\n"
        "NHS England should publish a fully costed workforce plan for social care by 2025. "
        "One in three posts is vacant, the King's Fund said.\n"
    ),
}

#: Pieces of the query language, so generated queries reach the parser's corners.
QUERY_PIECES = st.sampled_from(
    [
        "capital",
        "workforce",
        "NAO",
        "NHSE",
        "regime",
        "£5.7",
        "26%",
        "2022-23",
        "OR",
        "AND",
        "NOT",
        "not",
        "(",
        ")",
        '"',
        '"capital regime"',
        "capit*",
        "*",
        "regim~",
        "~2",
        "kind:",
        "kind:figure",
        "kind:nonsense",
        "theme:",
        "theme:workforce",
        "source:",
        "source:nao",
        "type:",
        "year:",
        "year:2022..2023",
        "year:..",
        "year:abc",
        ":",
        "-",
        "+",
        "\\",
        "'",
        "“",
        "”",
        "\u00a0",
        "\u200b",
        "é",
        "ß",
        "İ",
    ]
)
QUERIES = st.one_of(
    st.text(max_size=60),
    st.lists(QUERY_PIECES, max_size=8).map(" ".join),
    st.lists(st.one_of(QUERY_PIECES, st.text(max_size=6)), max_size=8).map("".join),
)
OPTIONAL_TEXT = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.sampled_from(["figure", "workforce", "nao", "2023", "2022..2023"]),
)


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus") / "inquiry"
    folder.mkdir()
    for name, text in CORPUS.items():
        (folder / name).write_text(text, encoding="utf-8")
    target = folder.parent / "idx"
    report = ingest([folder], index_dir=target, workers=1)
    assert report.failed == [] and len(report.new) == 2
    return target


@PROPERTY
@given(
    query=QUERIES,
    kind=OPTIONAL_TEXT,
    theme=OPTIONAL_TEXT,
    source=OPTIONAL_TEXT,
    year=OPTIONAL_TEXT,
    group=st.booleans(),
)
def test_search_answers_or_raises_query_error(
    index_dir: Path,
    query: str,
    kind: str | None,
    theme: str | None,
    source: str | None,
    year: str | None,
    group: bool,
) -> None:
    try:
        result = search(
            index_dir,
            query,
            kind=kind,
            theme=theme,
            source=source,
            year=year,
            limit=5,
            group=group,
        )
    except QueryError as exc:
        assert str(exc)
        return
    assert isinstance(result, SearchResult)
    assert len(result.hits) <= (5 * 10 if group else 5)
    assert result.total >= 0
    for hit in result.hits:
        assert hit["doc_path"] in CORPUS
        assert hit["passage_id"].startswith(hit["doc_id"] + "-p")
    json.dumps(result.json_hits())


def test_search_known_answers(index_dir: Path) -> None:
    """The property above must not pass by raising everywhere: these answer."""
    assert {h["doc_path"] for h in search(index_dir, "capital regime").hits} == {
        "capital.txt"
    }
    assert {
        h["doc_path"] for h in search(index_dir, "workforce OR capital").hits
    } == set(CORPUS)
    with pytest.raises(QueryError):
        search(index_dir, '"capital')


# -- analyse ---------------------------------------------------------------

ANALYSE_PIECES = st.sampled_from(
    [
        "£5.7 billion",
        "£97m",
        "50p",
        "26%",
        "26 per cent",
        "one in three",
        "31 out of 42",
        "a quarter of",
        "42 ICSs",
        "3 years",
        "around",
        "over",
        "more than",
        "between £2m and £3m",
        "2022-23",
        "ICS0048",
        "NHS England should",
        "The NAO recommends that",
        "DHSC must",
        "said",
        '"',
        "“",
        "”",
        "—",
        "-",
        ".",
        ",",
        "\n",
        "\n\n",
        " ",
        "\u00a0",
        "\u00ad",
        "\ufffe",
        "1.",
        "(a)",
        "•",
        "1,000",
        "1.5bn",
        "€3",
        "$4",
        "the board",
        "integrated care boards",
        "may",
        "could",
        "suggests",
    ]
)
TEXTS = st.one_of(
    st.text(max_size=300),
    st.lists(st.one_of(ANALYSE_PIECES, st.text(max_size=8)), max_size=40).map(" ".join),
    st.lists(ANALYSE_PIECES, max_size=40).map("".join),
)


@PROPERTY
@given(text=TEXTS)
def test_analyse_spans_lie_inside_any_text(text: str) -> None:
    findings = analyse(text)
    for finding in findings:
        assert finding["kind"] in KIND_FIELDS
        assert 0 <= finding["start"] <= finding["end"] <= len(text), finding
    assert analyse(text) == findings  # deterministic


@PROPERTY
@given(text=st.one_of(TEXTS, TEXTS.map(clean_text)))
@example("costs of £5m/£6m")
@example("rose 5%-6%")
@example("0\x1b")
def test_a_figure_span_is_its_surface(text: str) -> None:
    for finding in analyse(text):
        if finding["kind"] == "figure":
            assert text[finding["start"] : finding["end"]] == finding["surface"], (
                finding
            )


# -- readers -----------------------------------------------------------------


def _pdf() -> bytes:
    pdf = FPDF()
    pdf.set_title("Written evidence")
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(
        0, 6, "Integrated care boards need multi-year capital budgets to plan ahead."
    )
    return bytes(pdf.output())


def _docx() -> bytes:
    document = Document()
    document.add_heading("Findings", level=1)
    document.add_paragraph("The workforce plan remains unfunded.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


SAMPLES = {
    ".pdf": _pdf(),
    ".docx": _docx(),
    ".html": b"<html><head><title>T</title></head><body><main><h1>Heading</h1><p>Text &amp; more.</p></main></body></html>",
    ".htm": b"<p>Short page</p>",
    ".md": b"---\ntitle: X\n---\n# Heading\n\n- item\n\nText with *emphasis*.\n",
    ".markdown": b"Title\n=====\n\nText.\n",
    ".txt": b"Title\n\nA paragraph of text.\n\n1. A numbered item\n",
    ".odt": _odt(ODT_BODY),
    ".rtf": RTF,
    ".eml": _eml(),
    ".msg": _msg(),
    ".xlsx": _xlsx(),
    ".doc": _word97(DOC_PARAGRAPHS),
    ".csv": b'Route,Operator,Notes\r\n42,Hill Buses,\r\n7,"Vale, Coaches",late\r\n',
}


@st.composite
def damaged(draw: st.DrawFn, sample: bytes) -> bytes:
    """A real file of the format, cut short, overwritten in places or spliced with noise."""
    data = bytearray(sample)
    for _ in range(draw(st.integers(0, 6))):
        where = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["flip", "cut", "insert"]))
        if action == "flip" and data:
            data[min(where, len(data) - 1)] = draw(st.integers(0, 255))
        elif action == "cut":
            del data[where : where + draw(st.integers(1, 64))]
        else:
            data[where:where] = draw(st.binary(max_size=32))
    return bytes(data)


def _zip_variants() -> st.SearchStrategy[bytes]:
    """A .docx whose word/document.xml is replaced by arbitrary bytes."""

    def build(payload: bytes) -> bytes:
        source = zipfile.ZipFile(io.BytesIO(SAMPLES[".docx"]))
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for item in source.infolist():
                data = (
                    payload
                    if item.filename == "word/document.xml"
                    else source.read(item.filename)
                )
                archive.writestr(item.filename, data)
        return buffer.getvalue()

    return st.binary(max_size=400).map(build)


def _check_reader(data: bytes, extension: str) -> None:
    try:
        raw = read_bytes(data, extension)
    except ReaderError as exc:
        assert str(exc)
        return
    assert isinstance(raw, RawDocument)
    for block in raw.blocks:
        assert isinstance(block.text, str) and 0 < len(block.text) <= MAX_BLOCK_CHARS


@pytest.mark.parametrize("extension", sorted(SUPPORTED_EXTENSIONS))
@PROPERTY
@given(data=st.data())
def test_readers_read_or_raise_reader_error(
    extension: str, data: st.DataObject
) -> None:
    strategies = [st.binary(max_size=2000), damaged(SAMPLES[extension])]
    if extension == ".docx":
        strategies.append(_zip_variants())
    _check_reader(data.draw(st.one_of(strategies)), extension)


def test_the_reader_samples_are_readable() -> None:
    """Damage is measured from files that do read."""
    for extension, sample in SAMPLES.items():
        assert read_bytes(sample, extension).blocks, extension


# -- export round trip -------------------------------------------------------

THEME_IDS = st.lists(
    st.from_regex(r"[a-z][a-z0-9_-]{0,15}", fullmatch=True), max_size=3, unique=True
)
TEXT = st.text(max_size=80)
MAYBE_TEXT = st.one_of(st.none(), st.text(min_size=1, max_size=40))
NUMBER = st.floats(allow_nan=False, allow_infinity=False, width=64)
KIND_VALUES: dict[str, dict[str, st.SearchStrategy[Any]]] = {
    "figure": {
        "surface": st.text(min_size=1, max_size=30),
        "value": NUMBER,
        "unit": st.one_of(
            st.none(),
            st.sampled_from(["GBP", "EUR", "%", "year", "month", "week", "day"]),
        ),
        "figure_kind": st.sampled_from(
            ["money", "percent", "count", "ratio", "duration"]
        ),
        "qualifier": st.one_of(
            st.none(), st.sampled_from(["around", "over", "more than", "up to"])
        ),
        "value_max": st.one_of(st.none(), NUMBER),
        "measure": MAYBE_TEXT,
        "period": MAYBE_TEXT,
    },
    "recommendation": {"actor": MAYBE_TEXT, "target": MAYBE_TEXT, "action": MAYBE_TEXT},
    "quote": {"speaker": MAYBE_TEXT, "role": MAYBE_TEXT},
    "claim": {"attributed_to": MAYBE_TEXT, "hedged": st.booleans()},
}
NULLABLE_TEXT = {
    "doc_title",
    "doc_org",
    "measure",
    "period",
    "actor",
    "target",
    "action",
    "speaker",
    "role",
    "attributed_to",
    "unit",
    "qualifier",
}


@st.composite
def finding_rows(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(sorted(KIND_VALUES)))
    start = draw(st.integers(0, 10_000))
    row: dict[str, Any] = {
        "id": draw(
            st.from_regex(
                r"[a-z0-9-]{1,20}-p[0-9]{1,3}-[frcq][0-9]{1,2}", fullmatch=True
            )
        ),
        "kind": kind,
        "text": draw(st.text(min_size=1, max_size=80)),
        "doc_id": draw(st.from_regex(r"[a-z0-9-]{1,20}-[0-9a-f]{6}", fullmatch=True)),
        "doc_path": draw(st.text(min_size=1, max_size=40)),
        "doc_title": draw(MAYBE_TEXT),
        "doc_org": draw(MAYBE_TEXT),
        "passage_id": draw(
            st.from_regex(r"[a-z0-9-]{1,20}-p[0-9]{1,3}", fullmatch=True)
        ),
        "page": draw(st.one_of(st.none(), st.integers(1, 5000))),
        "start": start,
        "end": start + draw(st.integers(0, 500)),
        "themes": draw(THEME_IDS),
    }
    for name, strategy in KIND_VALUES[kind].items():
        row[name] = draw(strategy)
    return row


def _from_csv(cell: str, name: str, kind: str) -> Any:
    """Undo the CSV conventions of write_export for one schema field."""
    if cell.startswith("'") and cell.lstrip("'").startswith(
        ("=", "+", "-", "@", "\t", "\r")
    ):
        cell = cell[
            1:
        ]  # the quote that keeps a spreadsheet from running the cell as a formula
    if name == "themes":
        return cell.split("; ") if cell else []
    if name in ("page",):
        return int(cell) if cell else None
    if name in ("start", "end"):
        return int(cell)
    if name in ("value", "value_max"):
        return float(cell) if cell else None
    if name == "hedged":
        return {"true": True, "false": False}[cell]
    if name in NULLABLE_TEXT:
        return cell or None
    return cell


@PROPERTY
@given(rows=st.lists(finding_rows(), max_size=6))
def test_jsonl_and_json_read_back_the_same_values(rows: list[dict[str, Any]]) -> None:
    out = io.StringIO()
    assert write_export(rows, out, "jsonl") == len(rows)
    lines = out.getvalue().split("\n")
    assert lines[-1] == ""
    assert [json.loads(line) for line in lines[:-1]] == rows
    out = io.StringIO()
    write_export(rows, out, "json")
    assert json.loads(out.getvalue()) == rows


@PROPERTY
@given(rows=st.lists(finding_rows(), max_size=6))
def test_csv_reads_back_the_same_values(rows: list[dict[str, Any]]) -> None:
    out = io.StringIO(newline="")
    assert write_export(rows, out, "csv") == len(rows)
    reader = csv.DictReader(io.StringIO(out.getvalue(), newline=""))
    columns = (
        list(COMMON_FIELDS)
        + [n for names in KIND_FIELDS.values() for n in names]
        + list(CITATION_FIELDS)
    )
    assert reader.fieldnames == columns
    back = list(reader)
    assert len(back) == len(rows)
    for original, parsed in zip(rows, back):
        kind = parsed["kind"]
        own = set(COMMON_FIELDS) | set(KIND_FIELDS[kind])
        assert {
            k: _from_csv(v, k, kind) for k, v in parsed.items() if k in own
        } == original
        assert all(v == "" for k, v in parsed.items() if k not in own)
