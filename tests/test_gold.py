"""The gold annotations must agree with the corpus text sources they describe.

Checked against the sources (not the project's readers, which are tested on
their own), so a wrong gold line is caught here rather than blamed on an
extractor.
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SOURCES = ROOT / "tools" / "corpus_src"
GOLD = ROOT / "benchmarks" / "gold" / "corpus.jsonl"

CANONICAL_ORGS = {
    "Department of Health and Social Care",
    "NHS England",
    "National Audit Office",
    "Care Quality Commission",
    "Public Accounts Committee",
    "Health and Social Care Committee",
    "NHS Confederation",
    "NHS Providers",
    "The King's Fund",
    "The Nuffield Trust",
    "The Health Foundation",
    "Healthwatch England",
    "Local Government Association",
    "British Medical Association",
    "Health Education England",
    "HM Treasury",
    "government",
    "integrated care boards",
    "integrated care systems",
    "integrated care partnerships",
    "primary care networks",
    "Royal College of Nursing",
    "Association of Directors of Adult Social Services",
    "NHS Employers",
}
# Bodies outside the canonical list, named in full as their document gives them.
LOCAL_BODIES = {
    "Healthwatch Hartleydale",
    "Hartleydale and Westmoor Integrated Care Board",
    "Westmoor County Council",
    "Adult Social Care and Health Overview and Scrutiny Committee",
    "providers",
    "national bodies",
}
FIGURE_UNITS = {
    "money": {"GBP"},
    "percent": {"%", "pp"},
    "count": {None},
    "ratio": {None},
    "duration": {"year", "month", "week", "day"},
}
QUALIFIERS = {
    None,
    "around",
    "about",
    "over",
    "more than",
    "almost",
    "up to",
    "at least",
    "only",
    "nearly",
    "less than",
    "under",
}
KEYS = {
    "figure": {"surface", "value", "unit", "figure_kind", "qualifier", "value_max"},
    "recommendation": {"actor", "target", "action"},
    "quote": {"speaker", "role"},
    "claim": {"attributed_to", "hedged"},
    "not_figure": {"surface", "reason"},
}
OPTIONAL = {"figure": {"measure", "period"}, "recommendation": {"targets"}}
SCRIPT_STYLE = re.compile(r"(?is)<(script|style)\b.*?</\1>")
TAG = re.compile(r"(?s)<[^>]+>")


def _normalise(text: str) -> str:
    return " ".join(text.split())


@cache
def source_text(name: str) -> str:
    """The text a gold line must be found in, whitespace-normalised."""
    stem, ext = name.rsplit(".", 1)
    if ext in ("pdf", "docx"):
        raw = (SOURCES / f"{stem}.txt").read_text(encoding="utf-8")
        raw = raw.partition("\n---\n")[2]
    else:
        data = (CORPUS / name).read_bytes()
        try:
            raw = data.decode("utf-8")
        except UnicodeDecodeError:
            raw = data.decode("cp1252")
        if ext == "html":
            raw = html.unescape(TAG.sub("", SCRIPT_STYLE.sub(" ", raw)))
    return _normalise(raw)


@cache
def gold() -> tuple[dict, ...]:
    with GOLD.open(encoding="utf-8") as fh:
        return tuple(json.loads(line) for line in fh if line.strip())


def _ids(lines: tuple[dict, ...]) -> list[str]:
    return [f"{g['file']}:{g['kind']}:{g['text'][:40]}" for g in lines]


def test_corpus_has_every_format_and_a_source_for_each_generated_file() -> None:
    files = sorted(p.name for p in CORPUS.iterdir())
    assert len(files) == 12
    assert Counter(f.rsplit(".", 1)[1] for f in files) == Counter(
        {"pdf": 2, "docx": 2, "txt": 3, "md": 2, "html": 3}
    )
    for name in files:
        stem, ext = name.rsplit(".", 1)
        if ext in ("pdf", "docx"):
            assert (SOURCES / f"{stem}.txt").is_file(), name


def test_one_text_file_is_windows_1252_with_curly_quotes_and_pound() -> None:
    data = (CORPUS / "nuffield-trust-ics0048.txt").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    text = data.decode("cp1252")
    assert "\u2019" in text and "\u201c" in text and "£5.7bn" in text
    assert "£3bn–£5bn" in text


def test_every_corpus_file_has_gold_lines() -> None:
    assert {g["file"] for g in gold()} == {p.name for p in CORPUS.iterdir()}


def test_line_counts() -> None:
    assert Counter(g["kind"] for g in gold()) == Counter(
        {"figure": 151, "not_figure": 71, "recommendation": 46, "claim": 25, "quote": 8}
    )


@pytest.mark.parametrize("line", gold(), ids=_ids(gold()))
def test_line_is_well_formed_and_found_in_its_source(line: dict) -> None:
    kind = line["kind"]
    assert (
        set(line) - {"file", "kind", "text"} - OPTIONAL.get(kind, set()) == KEYS[kind]
    )
    assert line["text"] == _normalise(line["text"])
    assert line["text"] in source_text(line["file"])
    if "surface" in line:
        assert line["surface"] in line["text"]


@pytest.mark.parametrize(
    "line",
    [g for g in gold() if g["kind"] == "figure"],
    ids=_ids(tuple(g for g in gold() if g["kind"] == "figure")),
)
def test_figure_fields_follow_the_value_conventions(line: dict) -> None:
    kind = line["figure_kind"]
    assert line["unit"] in FIGURE_UNITS[kind]
    assert line["qualifier"] in QUALIFIERS
    assert isinstance(line["value"], float)
    if line["value_max"] is not None:
        assert line["value_max"] > line["value"]
    if kind == "ratio":
        assert 0 < line["value"] < 1
        assert line["value"] == round(line["value"], 4)
    if line["qualifier"] is not None:
        assert line["qualifier"] not in line["surface"].lower()


def test_worked_examples_from_the_conventions() -> None:
    by_surface = {(g["file"], g["surface"]): g for g in gold() if g["kind"] == "figure"}
    nao = "nao-ics-summary.pdf"
    assert by_surface[(nao, "£5.7 billion")]["value"] == 5.7e9
    assert by_surface[(nao, "31 out of 42")]["value"] == 0.7381
    assert (
        by_surface[("care-systems-review-running-costs.html", "£97m")]["value"] == 9.7e7
    )
    fifty_p = by_surface[("westmoor-county-council-asc-briefing.txt", "50p")]
    assert (fifty_p["value"], fifty_p["unit"], fifty_p["qualifier"]) == (
        0.5,
        "GBP",
        "nearly",
    )
    rng = by_surface[("nuffield-trust-ics0048.txt", "£3bn–£5bn")]
    assert (rng["value"], rng["value_max"]) == (3e9, 5e9)
    typo = by_surface[("healthwatch-hartleydale-ics0131.md", "nine out ten")]
    assert (typo["figure_kind"], typo["value"]) == ("ratio", 0.9)
    pp = by_surface[("nhsconfed-ics-survey-press-release.html", "one percentage point")]
    assert (pp["figure_kind"], pp["unit"], pp["value"]) == ("percent", "pp", 1.0)


def test_organisations_are_canonical_or_named_in_full() -> None:
    allowed = CANONICAL_ORGS | LOCAL_BODIES
    for g in gold():
        if g["kind"] == "recommendation":
            assert g["actor"] in allowed, g
            assert g["target"] is None or g["target"] in allowed, g
            assert all(t in allowed for t in g.get("targets", [])), g
        elif g["kind"] == "claim":
            assert g["attributed_to"] in allowed, g
            assert isinstance(g["hedged"], bool)


def test_hedged_claims_carry_a_hedge_word() -> None:
    hedge = re.compile(r"\b(may|might|could|likely|suggests?|appears?)\b")
    for g in gold():
        if g["kind"] == "claim":
            assert bool(hedge.search(g["text"])) == g["hedged"], g["text"]


def test_not_figures_never_overlap_a_gold_figure() -> None:
    spans: dict[str, list[tuple[int, int]]] = {}
    for g in gold():
        if g["kind"] == "figure":
            src = source_text(g["file"])
            at = src.find(g["text"]) + g["text"].find(g["surface"])
            spans.setdefault(g["file"], []).append((at, at + len(g["surface"])))
    for g in gold():
        if g["kind"] == "not_figure":
            src = source_text(g["file"])
            at = src.find(g["text"]) + g["text"].find(g["surface"])
            end = at + len(g["surface"])
            assert not any(a < end and at < b for a, b in spans.get(g["file"], [])), g


def test_lines_are_ordered_by_file_then_position() -> None:
    keys = []
    for g in gold():
        src = source_text(g["file"])
        keys.append((g["file"], src.find(g["text"])))
    files = [k[0] for k in keys]
    assert files == sorted(files)
    # Position order holds except where a text recurs (table cells, restated
    # recommendations); those take a later occurrence, never an earlier one.
    for (f1, p1), (f2, p2), g in zip(keys, keys[1:], gold()[1:]):
        if f1 == f2 and p2 < p1:
            assert source_text(g["file"]).count(g["text"]) > 1, g


def test_quotes_name_speaker_or_role() -> None:
    for g in gold():
        if g["kind"] == "quote":
            assert g["speaker"] or g["role"], g


def test_generated_files_keep_pound_signs_hyphenation_and_properties() -> None:
    pdfium = pytest.importorskip("pypdfium2")
    docx = pytest.importorskip("docx")
    pdf = pdfium.PdfDocument(str(CORPUS / "nao-ics-summary.pdf"))
    pages = [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
    assert len(pages) == 3
    assert "£5.7 billion" in pages[1]
    assert "effi\ufffeciency" in pages[1]  # a word hyphenated at a real line end
    assert all(p.startswith("Introducing Integrated Care Systems") for p in pages)
    props = docx.Document(str(CORPUS / "rcn-ics0087.docx")).core_properties
    assert (props.title, props.author) == (
        "Written evidence submitted by the Royal College of Nursing (ICS0087)",
        "Royal College of Nursing",
    )
    assert props.created.isoformat() == "2022-11-18T09:00:00+00:00"
