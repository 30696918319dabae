"""Score reading and extraction on real published documents with hand-made gold.

Reads ``../shared/eval/real`` (or ``--real DIR``, or ``EVIDENCE_REAL_EVAL``)
at run time: nothing of it is copied into the project. Every document goes
through ``evidence.ingest.process_file``, the very function an ingest worker
runs, so what is scored is what a user would get.

The set is split in two: a *development* half that rules may be checked
against, and a *held-out* half (``HELD_OUT`` below) that no decision is made
on. Both are reported, separately and together. The stress files are checked
against ``stress/EXPECTED.tsv``: ``read`` must give text, ``refuse`` a
reader error, ``skip`` an unsupported format, ``... or flag`` either.

Strings are compared the way the gold README advises: dash and quote
variants folded, and whitespace ignored (text layers drop spaces the page
shows, "7.17.We").

    python benchmarks/real_eval.py [--real DIR] [--json] [--verbose] [--only NAME]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

#: Decided once, before any rule was changed against the set; nothing is tuned on these.
HELD_OUT = frozenset(
    {
        "cop509_Behaviour-Change-Response.pdf",
        "cop509_TheSpaceEconomyRecomm.pdf",
        "cop509_WASPI-Recomm.pdf",
        "cop509_PostOfficeHorizon-IT-Inquiry-Response.pdf",
        "redbox_RiskTriggersReport361.pdf",
        "lc_NHSE_board_productivity_update.md",
    }
)
HALVES = ("dev", "held_out")

_DASHES = re.compile("[\u2010\u2011\u2012\u2013\u2014\u2015\u2212]")
_SINGLE = re.compile("[\u2018\u2019\u201a\u201b\u2032]")
_DOUBLE = re.compile("[\u201c\u201d\u201e\u201f\u2033]")
_NOT_KEPT = re.compile("[\\s\u00ad\ufffe\u200b]+")
_WS = re.compile(r"\s+")
_DIGITS = re.compile(r"\d+")
_ARTICLE = re.compile(r"^(?:the|a|an)\s+")
_PUNCT = re.compile(r"[^\w\s&]")
#: Words after a name that do not tell people apart.
_NAME_SUFFIXES = frozenset(
    {"mp", "qc", "kc", "obe", "cbe", "mbe", "kbe", "frs", "phd", "jr", "sr"}
)


def default_real_dir() -> Path:
    env = os.environ.get("EVIDENCE_REAL_EVAL")
    return Path(env) if env else REPO.parent / "shared" / "eval" / "real"


def fold(text: str) -> str:
    """Dashes and quotes folded to ASCII, whitespace collapsed."""
    text = _DASHES.sub("-", text)
    text = _SINGLE.sub("'", text)
    text = _DOUBLE.sub('"', text).replace("\u2026", "...")
    return _WS.sub(" ", text).strip()


def key(text: str) -> str:
    """``fold`` with every space removed: the comparison the gold README advises."""
    return _NOT_KEPT.sub("", fold(text))


def name_norm(text: str | None) -> str:
    """Lower case, no punctuation, no leading article: for actors, targets, orgs and titles."""
    if not text:
        return ""
    text = _PUNCT.sub(" ", fold(text).lower())
    return _ARTICLE.sub("", _WS.sub(" ", text).strip())


def _raw_alternatives(gold: str) -> list[str]:
    """ "UK Government (Cabinet Office)" may be named either way, or in full."""
    found = re.match(r"^(.*?)\s*\(([^()]*)\)\s*$", gold)
    return [gold, found.group(1), found.group(2)] if found else [gold]


def _alternatives(gold: str) -> list[str]:
    return [
        name_norm(option) for option in _raw_alternatives(gold) if name_norm(option)
    ]


_MINOR = frozenset({"for", "and", "of", "the", "on", "in", "&"})


def initials(name: str) -> str:
    """ "Department for Work and Pensions" -> "dwp"; "HM Revenue and Customs" -> "hmrc"."""
    letters = []
    for word in fold(name).split():
        if word.lower() in _MINOR:
            continue
        letters.append(word if word.isupper() else word[:1])
    return "".join(letters).lower()


def same_name(gold: str | None, got: str | None, *, contain: bool = True) -> bool:
    """Equal once normalised, (``contain``) one holds the other as whole words,
    or the one found is the gold name's initials ("DWP").

    Several bodies found ("NHS England; DHSC", the export's way of naming
    more than one target) match gold that names them together or names one
    of them (the gold names the body of the first ask).
    """
    if not gold:
        return not got
    if not got:
        return False
    if "; " in got:
        parts = [part for part in got.split("; ") if part]
        return same_name(gold, " and ".join(parts), contain=contain) or any(
            same_name(gold, part, contain=contain) for part in parts
        )
    mine = name_norm(got)
    if (
        " " not in mine
        and len(mine) >= 2
        and any(
            initials(o) == mine for o in _raw_alternatives(gold) if " " in o.strip()
        )
    ):
        return True
    for option in _alternatives(gold):
        if option == mine:
            return True
        if contain and (f" {option} " in f" {mine} " or f" {mine} " in f" {option} "):
            return True
    return False


def _surname(name: str) -> str:
    words = [w for w in name_norm(name).split() if w not in _NAME_SUFFIXES]
    return words[-1] if words else ""


def same_speaker(gold: str | None, got: str | None) -> bool:
    """The same person: names equal or one inside the other, or the same surname."""
    if same_name(gold, got):
        return True
    if not gold or not got:
        return False
    mine = _surname(got)
    return bool(mine) and any(
        _surname(option) == mine for option in _alternatives(gold) if option
    )


def same_title(gold: str | None, got: str | None) -> bool:
    """Equal once normalised, or one holds the other and they are close in length."""
    mine, theirs = name_norm(got), name_norm(gold)
    if not mine or not theirs:
        return mine == theirs
    if mine == theirs:
        return True
    shorter, longer = sorted((mine, theirs), key=len)
    return shorter in longer and len(shorter) >= 0.8 * len(longer)


def same_ref(gold: str | None, got: str | None) -> bool:
    """Equal without spaces and dots, or the code at the end of a gold ref that
    also names its publisher ("Research Report 361" in "HM Revenue and
    Customs Research Report 361")."""
    mine, theirs = (
        re.sub(r"[\s.]", "", (value or "").lower()) for value in (got, gold)
    )
    return mine == theirs or (
        bool(re.search(r"\d", mine)) and len(mine) >= 4 and theirs.endswith(mine)
    )


def digits(text: str) -> str:
    return "".join(_DIGITS.findall(text))


# -- one document -------------------------------------------------------------------


@dataclass
class DocResult:
    """What the pipeline made of one document, in the shapes the scores need."""

    name: str
    metadata: dict[str, Any]
    passages: list[dict[str, Any]]
    findings: list[dict[str, Any]]
    seconds: float
    error: str | None = None
    pages_text: list[str] = field(default_factory=list)


def run_document(path: Path) -> DocResult:
    """Read and extract one file exactly as an ingest worker does."""
    from evidence.ingest import Failed, FileTask, process_file

    task = FileTask(
        root=str(path.parent),
        path=path.name,
        abs_path=str(path),
        sha256="",
        size=path.stat().st_size,
        doc_id="doc",
        override=None,
        model=None,
    )
    started = time.perf_counter()
    result = process_file(task)
    seconds = time.perf_counter() - started
    if isinstance(result, Failed):
        return DocResult(path.name, {}, [], [], seconds, error=result.reason)
    passages = [
        {
            "id": p.passage_id,
            "text": p.text,
            "page": p.page,
            "kind": p.kind,
            "key": key(p.text),
        }
        for p, _ in result.passages
    ]
    by_id = {p["id"]: p for p in passages}
    findings = []
    for finding_id, passage_id, finding in result.findings:
        passage = by_id[passage_id]
        findings.append(
            {
                "id": finding_id,
                "kind": finding.kind,
                "text": finding.text,
                "page": passage["page"],
                "span": passage["text"][finding.start : finding.end],
                "passage": passage_id,
                **finding.data,
            }
        )
    meta = result.metadata
    return DocResult(
        path.name,
        {
            "title": meta.title,
            "org": meta.org,
            "type": meta.doc_type,
            "date": meta.date,
            "ref": meta.ref,
        },
        passages,
        findings,
        seconds,
        pages_text=_raw_pages(path),
    )


def _raw_pages(path: Path) -> list[str]:
    """Each page's text as the PDF's text layer has it (for counting furniture); the file for Markdown."""
    if path.suffix.lower() != ".pdf":
        return [path.read_text(encoding="utf-8", errors="replace")]
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(path.read_bytes())
    try:
        out = []
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            out.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return out
    finally:
        pdf.close()


# -- scores -------------------------------------------------------------------------


class Tally(Counter):
    """Named counts that add up over documents."""

    def ratio(self, top: str, bottom: str) -> float | None:
        return round(self[top] / self[bottom], 3) if self[bottom] else None


def _edge(doc: DocResult, gold: dict[str, Any]) -> set[str]:
    """Passages that start on the page before a labelled page, which is not labelled itself.

    Such a passage may run onto the labelled page, where its figures and
    statements are in the gold: they count when they match, and a finding
    that matches nothing there is not held against precision (it may sit on
    the unlabelled page).
    """
    pages = set(gold.get("sampled_pages") or [])
    before = {page - 1 for page in pages} - pages
    return {p["id"] for p in doc.passages if p["page"] in before}


def _in_scope(doc: DocResult, gold: dict[str, Any]) -> set[str]:
    """Ids of the passages on the completely labelled pages or sections."""
    pages = set(gold.get("sampled_pages") or [])
    if pages:
        return {p["id"] for p in doc.passages if p["page"] in pages}
    sections = [name_norm(s) for s in gold.get("sampled_sections") or []]
    if not sections:
        return set()
    # Markdown: the labelled sections are the first ones; scope runs from the
    # first passage to the end of the last labelled section's text.
    wanted = set(sections)
    seen: set[str] = set()
    scope: set[str] = set()
    for passage in doc.passages:
        if passage["kind"] == "heading":
            title = name_norm(re.sub(r"\*+", "", passage["text"]))
            if title in wanted:
                seen.add(title)
            elif seen == wanted:
                break
        scope.add(passage["id"])
    return scope


def score_paragraphs(
    doc: DocResult, gold: dict[str, Any], tally: Tally, misses: list[str]
) -> None:
    for item in gold.get("paragraphs", []):
        tally["paragraphs"] += 1
        start, end = key(item["starts"]), key(item["ends"])
        intact = exact = False
        for passage in doc.passages:
            text = passage["key"]
            at = text.find(start)
            if at < 0:
                continue
            stop = text.find(end, at)
            if stop < 0:
                continue
            intact = True
            # Exact: nothing but a list marker before, a footnote marker or punctuation after.
            if at <= 3 and len(text) - (stop + len(end)) <= 4:
                exact = True
                break
        tally["paragraphs_intact"] += intact
        tally["paragraphs_exact"] += exact
        if not intact:
            misses.append(
                f"paragraph not intact (p. {item['page']}): {item['starts']!r} ... {item['ends']!r}"
            )


def _noise_pattern(text: str) -> re.Pattern[str]:
    """The furniture with its page number masked, to count it on every page."""
    pieces = [re.escape(part) for part in _DIGITS.split(key(text))]
    return re.compile(r"\d{1,4}".join(pieces))


def score_noise(
    doc: DocResult, gold: dict[str, Any], tally: Tally, misses: list[str]
) -> None:
    """Running lines and page numbers: occurrences in the file against those left in passages."""
    page_keys = [key(page) for page in doc.pages_text]
    line_keys = [
        [key(line) for line in page.splitlines() if line.strip()]
        for page in doc.pages_text
    ]
    seen_running: set[str] = set()
    numbers_done = False
    for item in gold.get("noise", []):
        kind = item["kind"]
        if kind in ("running header", "running footer"):
            pattern = _noise_pattern(item["text"])
            if pattern.pattern in seen_running:
                continue
            seen_running.add(pattern.pattern)
            occurrences = sum(len(pattern.findall(text)) for text in page_keys)
            leaked = sum(len(pattern.findall(p["key"])) for p in doc.passages)
            tally["furniture"] += occurrences
            tally["furniture_leaked"] += min(leaked, occurrences)
            if leaked:
                misses.append(
                    f"{kind} left in {leaked} of {occurrences} places: {item['text']!r}"
                )
        elif kind == "page number" and not numbers_done:
            numbers_done = True
            # Every page-number line of the file, against passages made of nothing but a number.
            bare = re.compile(r"^(?:page)?\d{1,4}(?:(?:of|/)\d{1,4})?$", re.IGNORECASE)
            occurrences = sum(
                1 for lines in line_keys for line in lines if bare.match(line)
            )
            leaked = sum(1 for p in doc.passages if bare.match(p["key"]))
            tally["furniture"] += occurrences
            tally["furniture_leaked"] += min(leaked, occurrences)
            if leaked:
                misses.append(
                    f"bare page numbers left as {leaked} passages ({occurrences} in the file)"
                )
        elif kind == "footnote":
            tally["footnotes"] += 1
            note = key(item["text"])
            note_body = key(re.sub(r"^\s*\d{1,4}\s*", "", item["text"]))
            probe = note_body[:60]
            own = mixed = False
            for passage in doc.passages:
                at = passage["key"].find(probe)
                if at < 0:
                    continue
                if passage["kind"] == "footnote":
                    own = True
                elif len(passage["key"]) > len(note) + 8:
                    mixed = True
            tally["footnotes_own_passage"] += own
            tally["footnotes_mixed"] += mixed
            if mixed:
                misses.append(f"footnote mixed into body text: {item['text'][:70]!r}")


def score_metadata(
    doc: DocResult, gold: dict[str, Any], tally: Tally, misses: list[str]
) -> None:
    want = gold["metadata"]
    got = doc.metadata
    checks = {
        "title": same_title(want.get("title"), got.get("title")),
        "org": same_name(want.get("org"), got.get("org")),
        "type": (want.get("type") or "") == (got.get("type") or ""),
        "ref": same_ref(want.get("ref"), got.get("ref")),
        "date": (want.get("date") or "") == (got.get("date") or ""),
    }
    for name, right in checks.items():
        tally[f"meta_{name}"] += 1
        tally[f"meta_{name}_right"] += right
        if not right:
            misses.append(f"{name}: got {got.get(name)!r}, gold {want.get(name)!r}")


def _near(found_page: int | None, gold_page: int | None) -> bool:
    """A finding's page is its passage's first page: a paragraph may start a page earlier."""
    if gold_page is None or found_page is None:
        return gold_page == found_page
    return found_page in (gold_page, gold_page - 1)


def _same_value(got: Any, want: Any) -> bool:
    return got is not None and abs(float(got) - float(want)) <= 1e-3 * max(
        1.0, abs(float(want))
    )


def _figure_match(
    figure: dict[str, Any], golds: list[dict[str, Any]], used: list[bool]
) -> list[int]:
    """Gold figures one found figure stands for: one, or for a range the gold
    lists as two ("18-20": the export's value and value_max), its two bounds."""
    surface = figure.get("surface") or figure["span"]
    open_golds = [
        i
        for i, item in enumerate(golds)
        if not used[i] and _near(figure["page"], item.get("page"))
    ]
    for index in open_golds:
        item = golds[index]
        if digits(item["surface"]) and digits(item["surface"]) == digits(surface):
            return [index]
        if not digits(item["surface"]) and (
            key(item["surface"]).lower() in key(surface).lower()
            or key(surface).lower() in key(item["surface"]).lower()
        ):
            return [index]
    if figure.get("value_max") is not None:
        bounds = []
        for bound in (figure.get("value"), figure.get("value_max")):
            for index in open_golds:
                item = golds[index]
                if (
                    index not in bounds
                    and digits(item["surface"])
                    and digits(item["surface"]) in digits(surface)
                    and _same_value(bound, item["value"])
                ):
                    bounds.append(index)
                    break
        if len(bounds) == 2:
            return bounds
    return []


def score_figures(
    doc: DocResult,
    gold: dict[str, Any],
    scope: set[str],
    tally: Tally,
    misses: list[str],
    edge: frozenset[str] = frozenset(),
) -> None:
    found = [
        f
        for f in doc.findings
        if f["kind"] == "figure" and (f["passage"] in scope or f["passage"] in edge)
    ]
    golds = list(gold.get("figures", []))
    used = [False] * len(golds)
    traps = gold.get("not_figures", [])
    tally["figures_gold"] += len(golds)
    for figure in found:
        surface = figure.get("surface") or figure["span"]
        matched = _figure_match(figure, golds, used)
        on_edge = figure["passage"] not in scope
        if not matched:
            if on_edge:
                continue
            tally["figures_found"] += 1
            trap = any(
                digits(t["surface"]) and digits(t["surface"]) == digits(surface)
                for t in traps
            )
            tally["figures_trap_hit"] += trap
            misses.append(
                f"figure not in gold (p. {figure['page']}){' [trap]' if trap else ''}: {surface!r} in {figure['text'][:80]!r}"
            )
            continue
        tally["figures_found"] += 1
        tally["figures_found_matched"] += 1
        for index in matched:
            used[index] = True
            tally["figures_matched"] += 1
        bounds = (
            [figure.get("value")]
            if len(matched) == 1
            else [figure.get("value"), figure.get("value_max")]
        )
        tally["figures_value_right"] += sum(
            _same_value(got, golds[i]["value"]) for got, i in zip(bounds, matched)
        )
    for index, item in enumerate(golds):
        if not used[index]:
            misses.append(
                f"figure missed (p. {item.get('page')}): {item['surface']!r} in {item['context']!r}"
            )


def _statement_match(
    golds: list[dict[str, Any]], found: list[dict[str, Any]], field_name: str
) -> list[tuple[int, int]]:
    """(gold index, finding index) pairs: the gold's opening words inside the finding."""
    pairs = []
    taken: set[int] = set()
    for g, item in enumerate(golds):
        probe = key(item["starts"])[:40]
        for f, finding in enumerate(found):
            if f in taken or not _near(finding["page"], item.get("page")):
                continue
            if probe and probe in key(finding[field_name]):
                pairs.append((g, f))
                taken.add(f)
                break
    return pairs


def _kept(
    found: list[dict[str, Any]], pairs: list[tuple[int, int]], scope: set[str]
) -> tuple[list[dict[str, Any]], list[tuple[int, int]]]:
    """Every finding in scope, and those on the edge that matched gold; pairs renumbered."""
    matched = {f: g for g, f in pairs}
    kept: list[dict[str, Any]] = []
    new_pairs: list[tuple[int, int]] = []
    for index, finding in enumerate(found):
        if finding["passage"] in scope or index in matched:
            if index in matched:
                new_pairs.append((matched[index], len(kept)))
            kept.append(finding)
    return kept, new_pairs


def score_recommendations(
    doc: DocResult,
    gold: dict[str, Any],
    scope: set[str],
    tally: Tally,
    misses: list[str],
    edge: frozenset[str] = frozenset(),
) -> None:
    found = [
        f
        for f in doc.findings
        if f["kind"] == "recommendation"
        and (f["passage"] in scope or f["passage"] in edge)
    ]
    golds = gold.get("recommendations", [])
    pairs = _statement_match(golds, found, "text")
    found, pairs = _kept(found, pairs, scope)
    tally["recs_gold"] += len(golds)
    tally["recs_found"] += len(found)
    tally["recs_matched"] += len(pairs)
    for g, f in pairs:
        want, got = golds[g], found[f]
        actor = same_name(want.get("actor"), got.get("actor"))
        target = same_name(want.get("target"), got.get("target"))
        tally["recs_actor_right"] += actor
        tally["recs_target_right"] += target
        if not actor or not target:
            misses.append(
                f"recommendation (p. {want.get('page')}) actor {got.get('actor')!r} / gold {want.get('actor')!r}; "
                f"target {got.get('target')!r} / gold {want.get('target')!r}: {want['starts']!r}"
            )
    matched_gold = {g for g, _ in pairs}
    matched_found = {f for _, f in pairs}
    for g, item in enumerate(golds):
        if g not in matched_gold:
            misses.append(
                f"recommendation missed (p. {item.get('page')}): {item['starts']!r}"
            )
    for f, finding in enumerate(found):
        if f not in matched_found:
            misses.append(
                f"recommendation not in gold (p. {finding['page']}): {finding['text'][:90]!r}"
            )


def score_quotes(
    doc: DocResult,
    gold: dict[str, Any],
    scope: set[str],
    tally: Tally,
    misses: list[str],
    edge: frozenset[str] = frozenset(),
) -> None:
    found = [
        f
        for f in doc.findings
        if f["kind"] == "quote" and (f["passage"] in scope or f["passage"] in edge)
    ]
    golds = gold.get("quotes", [])
    pairs = _statement_match(golds, found, "span")
    found, pairs = _kept(found, pairs, scope)
    tally["quotes_gold"] += len(golds)
    tally["quotes_found"] += len(found)
    tally["quotes_matched"] += len(pairs)
    for g, f in pairs:
        want, got = golds[g], found[f]
        right = same_speaker(want.get("speaker"), got.get("speaker"))
        tally["quotes_speaker_right"] += right
        if not right:
            misses.append(
                f"quote (p. {want.get('page')}) speaker {got.get('speaker')!r} / gold {want.get('speaker')!r}: {want['starts']!r}"
            )
    matched_gold = {g for g, _ in pairs}
    for g, item in enumerate(golds):
        if g not in matched_gold:
            misses.append(
                f"quote missed (p. {item.get('page')}): {item['starts']!r} ({item.get('speaker')})"
            )
    matched_found = {f for _, f in pairs}
    for f, finding in enumerate(found):
        if f not in matched_found:
            misses.append(
                f"quote not in gold (p. {finding['page']}): {finding['span'][:70]!r}"
            )


def summarise(tally: Tally) -> dict[str, Any]:
    """Rates from counts; None where there was nothing to count."""
    return {
        "documents": tally["documents"],
        "read_failures": tally["read_failures"],
        "paragraphs": tally["paragraphs"],
        "paragraphs_intact": tally.ratio("paragraphs_intact", "paragraphs"),
        "paragraphs_exact": tally.ratio("paragraphs_exact", "paragraphs"),
        "furniture_leaked": tally.ratio("furniture_leaked", "furniture"),
        "footnotes_mixed": tally.ratio("footnotes_mixed", "footnotes"),
        "footnotes_own_passage": tally.ratio("footnotes_own_passage", "footnotes"),
        "title": tally.ratio("meta_title_right", "meta_title"),
        "org": tally.ratio("meta_org_right", "meta_org"),
        "type": tally.ratio("meta_type_right", "meta_type"),
        "ref": tally.ratio("meta_ref_right", "meta_ref"),
        "date": tally.ratio("meta_date_right", "meta_date"),
        "figures_precision": tally.ratio("figures_found_matched", "figures_found"),
        "figures_recall": tally.ratio("figures_matched", "figures_gold"),
        "figures_value_accuracy": tally.ratio("figures_value_right", "figures_matched"),
        "figures_traps_hit": tally["figures_trap_hit"],
        "recommendations_precision": tally.ratio("recs_matched", "recs_found"),
        "recommendations_recall": tally.ratio("recs_matched", "recs_gold"),
        "recommendations_actor": tally.ratio("recs_actor_right", "recs_matched"),
        "recommendations_target": tally.ratio("recs_target_right", "recs_matched"),
        "quotes_precision": tally.ratio("quotes_matched", "quotes_found"),
        "quotes_recall": tally.ratio("quotes_matched", "quotes_gold"),
        "quotes_speaker": tally.ratio("quotes_speaker_right", "quotes_matched"),
        "counts": dict(sorted(tally.items())),
    }


def evaluate_documents(
    real: Path, only: str | None = None
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Scores per half and overall, and per document what went wrong."""
    tallies = {half: Tally() for half in (*HALVES, "all")}
    problems: dict[str, list[str]] = {}
    per_doc: dict[str, Any] = {}
    for gold_path in sorted((real / "gold").glob("*.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        name = gold["file"]
        if only and only not in name:
            continue
        doc = run_document(real / "docs" / name)
        tally = Tally(documents=1)
        misses: list[str] = []
        if doc.error:
            tally["read_failures"] += 1
            misses.append(f"not read: {doc.error}")
        scope = _in_scope(doc, gold)
        score_paragraphs(doc, gold, tally, misses)
        score_noise(doc, gold, tally, misses)
        score_metadata(doc, gold, tally, misses)
        edge = frozenset(_edge(doc, gold))
        score_figures(doc, gold, scope, tally, misses, edge)
        score_recommendations(doc, gold, scope, tally, misses, edge)
        score_quotes(doc, gold, scope, tally, misses, edge)
        half = "held_out" if name in HELD_OUT else "dev"
        tallies[half].update(tally)
        tallies["all"].update(tally)
        problems[name] = misses
        per_doc[name] = {
            "half": half,
            "passages": len(doc.passages),
            "seconds": round(doc.seconds, 2),
            "metadata": doc.metadata,
            **{
                k: v
                for k, v in summarise(tally).items()
                if k != "counts" and v is not None
            },
        }
    scores = {half: summarise(tally) for half, tally in tallies.items()}
    scores["documents"] = per_doc
    return scores, problems


# -- stress files -------------------------------------------------------------------


def evaluate_stress(real: Path) -> tuple[dict[str, Any], list[str]]:
    """Each stress file read, refused or skipped as EXPECTED.tsv says."""
    from evidence.errors import ReaderError, UnsupportedFormat
    from evidence.readers import read_document

    table = (
        (real / "stress" / "EXPECTED.tsv").read_text(encoding="utf-8").splitlines()[1:]
    )
    right = 0
    by_ocr = 0
    wrong: list[str] = []
    for line in table:
        if not line.strip():
            continue
        name, expected = line.split("\t", 1)
        verdict = expected.split(":", 1)[0].strip()
        ocr = False
        try:
            raw = read_document(real / "stress" / name)
            outcome = (
                "read" if any(block.text.strip() for block in raw.blocks) else "empty"
            )
            detail = f"{len(raw.blocks)} blocks"
            ocr = outcome == "read" and all(
                getattr(b, "ocr", False) for b in raw.blocks if b.text.strip()
            )
        except UnsupportedFormat as exc:
            outcome, detail = "skip", str(exc)
        except ReaderError as exc:
            outcome, detail = "refuse", str(exc)
        except Exception as exc:
            outcome, detail = "crash", f"{type(exc).__name__}: {exc}"
        allowed = {
            "read": {"read"},
            "refuse": {"refuse"},
            "skip": {"skip"},
            "read or flag": {"read", "refuse"},
            "refuse or flag": {"refuse", "read"},
        }.get(verdict, {verdict})
        if verdict.startswith("read without"):
            allowed = {"read"}
        if outcome in allowed:
            right += 1
        elif verdict.startswith("refuse") and "needs OCR" in expected and ocr:
            # The file was refused for want of OCR; reading it by OCR is what that asks for.
            right += 1
            by_ocr += 1
        else:
            wrong.append(f"{name}: expected {verdict}, got {outcome} ({detail})")
    total = right + len(wrong)
    return {
        "files": total,
        "as_expected": right,
        "read_by_ocr": by_ocr,
        "share": round(right / total, 3) if total else None,
    }, wrong


# -- reading speed ------------------------------------------------------------------


def pdf_speed(real: Path, repeat: int = 3) -> dict[str, Any]:
    """Milliseconds a page to read every real PDF's text layer (reading only, no NLP, no OCR).

    OCR is timed on its own (benchmarks/ocr_bench.py): a scan costs seconds a
    page, and counting it here would hide what reading a text layer costs.
    ``ocr_ms_per_page`` gives the same run with OCR on, for comparison (the
    OCR program's own time, in another process, is not counted in either).
    """
    from evidence.errors import ReaderError
    from evidence.readers import read_document

    files = sorted((real / "docs").glob("*.pdf"))

    def one_run(ocr: bool) -> tuple[float, int]:
        pages = 0
        started = time.process_time()
        for path in files:
            try:
                raw = read_document(path, ocr=ocr)
            except ReaderError:
                continue
            pages += raw.pages or 0
        return 1000 * (time.process_time() - started) / max(pages, 1), pages

    runs = []
    pages = 0
    for _ in range(repeat):
        ms, pages = one_run(False)
        runs.append(ms)
    runs.sort()
    with_ocr, ocr_pages = one_run(True)
    return {
        "pages": pages,
        "ms_per_page_median": round(runs[len(runs) // 2], 2),
        "ms_per_page_min": round(runs[0], 2),
        "ms_per_page_max": round(runs[-1], 2),
        "ocr_ms_per_page": round(with_ocr, 2),
        "ocr_pages": ocr_pages,
    }


# -- output -------------------------------------------------------------------------

_ROWS = (
    ("paragraphs_intact", ">= 0.90"),
    ("paragraphs_exact", ""),
    ("furniture_leaked", "<= 0.05"),
    ("footnotes_mixed", "<= 0.05"),
    ("footnotes_own_passage", ""),
    ("title", ">= 0.85"),
    ("org", ">= 0.85"),
    ("type", ">= 0.80"),
    ("ref", ""),
    ("date", ""),
    ("figures_precision", ">= 0.90"),
    ("figures_recall", ">= 0.90"),
    ("figures_value_accuracy", ""),
    ("figures_traps_hit", ""),
    ("recommendations_precision", ">= 0.85"),
    ("recommendations_recall", ">= 0.85"),
    ("recommendations_actor", ">= 0.85"),
    ("recommendations_target", ">= 0.80"),
    ("quotes_precision", ""),
    ("quotes_recall", ""),
    ("quotes_speaker", ">= 0.85"),
)


def table(scores: dict[str, Any], stress: dict[str, Any]) -> str:
    lines = [f"{'measure':28} {'dev':>8} {'held-out':>9} {'all':>8}  target"]
    for name, target in _ROWS:
        cells = []
        for half in (*HALVES, "all"):
            value = scores[half].get(name)
            cells.append("-" if value is None else f"{value:g}")
        lines.append(f"{name:28} {cells[0]:>8} {cells[1]:>9} {cells[2]:>8}  {target}")
    lines.append(
        f"{'stress files as expected':28} {stress['as_expected']}/{stress['files']} ({stress['read_by_ocr']} of them read by OCR where the table expects 'needs OCR')"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--real",
        type=Path,
        default=default_real_dir(),
        help="the real-documents folder",
    )
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument(
        "--verbose",
        action="store_true",
        help="list what went wrong, document by document",
    )
    parser.add_argument("--only", help="documents whose file name holds this text")
    parser.add_argument(
        "--speed",
        action="store_true",
        help="also time PDF reading (CPU ms a page, 3 runs)",
    )
    parser.add_argument(
        "--half",
        choices=(*HALVES, "all"),
        default="all",
        help="whose problems --verbose lists",
    )
    args = parser.parse_args(argv)
    if not (args.real / "gold").is_dir():
        print(
            f"real_eval: no gold folder under {args.real} (set --real or EVIDENCE_REAL_EVAL)",
            file=sys.stderr,
        )
        return 1
    started = time.perf_counter()
    scores, problems = evaluate_documents(args.real, args.only)
    stress, stress_wrong = (
        evaluate_stress(args.real)
        if not args.only
        else ({"files": 0, "as_expected": 0, "read_by_ocr": 0, "share": None}, [])
    )
    scores["stress"] = stress
    if args.speed:
        scores["pdf_reading"] = pdf_speed(args.real)
    scores["seconds"] = round(time.perf_counter() - started, 1)
    if args.verbose:
        for name, misses in problems.items():
            half = "held_out" if name in HELD_OUT else "dev"
            if args.half not in ("all", half):
                continue
            print(
                f"== {name} ({half}, {scores['documents'][name]['passages']} passages)",
                file=sys.stderr,
            )
            for miss in misses:
                print(f"   {miss}", file=sys.stderr)
        for miss in stress_wrong:
            print(f"stress: {miss}", file=sys.stderr)
    if args.json:
        print(json.dumps(scores, indent=1, sort_keys=True, ensure_ascii=False))
    else:
        print(table(scores, stress))
        if args.speed:
            speed = scores["pdf_reading"]
            print(
                f"PDF reading: {speed['ms_per_page_median']} CPU ms a page (median of 3; {speed['ms_per_page_min']}-{speed['ms_per_page_max']}) over {speed['pages']} pages"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
