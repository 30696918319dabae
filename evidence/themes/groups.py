"""Cross-source comparison of findings: who echoes whom, and whose figures disagree.

Both work on plain finding dicts (the export schema's fields) and compare
only findings from different documents, since a report repeating itself is
not corroboration. Similarity is TF-IDF cosine over content words, computed
as a sparse product in row blocks so tens of thousands of findings fit.
"""

from __future__ import annotations

import json
import math
import re
from functools import lru_cache
from typing import Any, Mapping, Sequence

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from ..resources import data_path
from .model import content_words
from .normalise import stems

#: Cosine at or above which two sentences of the same kind say the same thing.
TEXT_THRESHOLD = 0.45
#: Figures with equal values need less textual agreement: the number carries it.
FIGURE_TEXT_THRESHOLD = 0.2
#: Cosine at or above which two measures ("efficiency savings") are the same.
MEASURE_THRESHOLD = 0.6
#: Agreement two sentences need, beyond the figure and a one-word measure,
#: before their values can conflict.
CONFLICT_TEXT_THRESHOLD = 0.35
_BLOCK = 2048
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?:\s?[-\u2013/]\s?((?:19|20)?\d{2}))?(?!\d)")
_RANGE = re.compile(r"(?:between|from)\s+((?:19|20)\d{2})\S*\s+(?:and|to)\s+((?:19|20)\d{2})")


def _identity(tokens: list[str]) -> list[str]:
    return tokens


def _vectors(texts: Sequence[str]) -> Any:
    """L2-normalised TF-IDF rows over content words, or None if there are none."""
    docs = [content_words(stems(t)) for t in texts]
    vectoriser = TfidfVectorizer(analyzer=_identity, sublinear_tf=True, dtype=np.float64, norm="l2")
    try:
        return vectoriser.fit_transform(docs).tocsr()
    except ValueError:  # no content words at all
        return None


def similar_pairs(texts: Sequence[str], threshold: float) -> list[tuple[int, int, float]]:
    """(i, j, cosine) for i < j whose content words reach ``threshold``."""
    if len(texts) < 2:
        return []
    matrix = _vectors(texts)
    if matrix is None:
        return []
    transposed = matrix.T.tocsc()
    pairs: list[tuple[int, int, float]] = []
    for start in range(0, matrix.shape[0], _BLOCK):
        block = (matrix[start : start + _BLOCK] @ transposed).tocoo()
        rows = block.row + start
        keep = (block.data >= threshold - 1e-9) & (block.col > rows)
        for i, j, v in zip(rows[keep], block.col[keep], block.data[keep]):
            pairs.append((int(i), int(j), float(v)))
    pairs.sort()
    return pairs


class _Components:
    """Union-find over row numbers."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, item: int) -> int:
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def join(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _value_key(figure: Mapping[str, Any]) -> tuple[str, str, float] | None:
    """What two figures must share to be the same figure: kind, unit, value."""
    value = figure.get("value")
    if not isinstance(value, (int, float)):
        return None
    # rounded to 9 significant digits, so 5.7e9 written two ways still meets
    return str(figure.get("figure_kind")), str(figure.get("unit")), float(f"{float(value):.9g}")


def group_findings(findings: Sequence[Mapping[str, Any]]) -> list[list[str]]:
    """Groups of finding ids saying the same thing in at least two documents.

    Same kind only. Non-figures group on sentence similarity. Figures group
    on an equal value (same figure_kind and unit) and a compatible period,
    plus either a similar measure ("savings") or some sentence agreement, so
    "£5.7 billion" of savings quoted by three bodies is one group while the
    same sum spent on something else is not. Ids sorted in each group;
    groups sorted by their first id.
    """
    ordered = sorted(findings, key=lambda f: str(f["id"]))
    components = _Components(len(ordered))
    docs = [f.get("doc_id") for f in ordered]
    by_kind: dict[str, list[int]] = {}
    for row, finding in enumerate(ordered):
        by_kind.setdefault(str(finding.get("kind")), []).append(row)
    for kind, rows in sorted(by_kind.items()):
        texts = [str(ordered[r].get("text") or "") for r in rows]
        if kind != "figure":
            for i, j, _ in similar_pairs(texts, TEXT_THRESHOLD):
                a, b = rows[i], rows[j]
                if docs[a] != docs[b]:
                    components.join(a, b)
            continue
        values = [_value_key(ordered[r]) for r in rows]
        years = [_years(ordered[r].get("period")) for r in rows]
        measured = [k for k, r in enumerate(rows) if str(ordered[r].get("measure") or "").strip()]
        measures = [str(ordered[rows[k]]["measure"]) for k in measured]
        pairs = [(i, j) for i, j, _ in similar_pairs(texts, FIGURE_TEXT_THRESHOLD)]
        pairs += [(measured[i], measured[j]) for i, j, _ in similar_pairs(measures, MEASURE_THRESHOLD)]
        for i, j in pairs:
            a, b = rows[i], rows[j]
            if docs[a] == docs[b] or values[i] is None or values[i] != values[j]:
                continue
            if years[i] is not None and years[j] is not None and not years[i] & years[j]:
                continue
            components.join(a, b)
    members: dict[int, list[int]] = {}
    for row in range(len(ordered)):
        members.setdefault(components.find(row), []).append(row)
    groups = [
        sorted(str(ordered[r]["id"]) for r in rows)
        for rows in members.values()
        if len({ordered[r].get("doc_id") for r in rows}) >= 2
    ]
    groups.sort()
    return groups


@lru_cache(maxsize=1)
def _qualifier_bounds() -> tuple[dict[str, str], float, float]:
    data = json.loads(data_path("qualifier_bounds.json").read_text(encoding="utf-8"))
    return dict(data["qualifiers"]), float(data["approx_tolerance"]), float(data["exact_tolerance"])


def _interval(figure: Mapping[str, Any]) -> tuple[float, float] | None:
    """The values a figure allows, given its qualifier and range."""
    value = figure.get("value")
    if not isinstance(value, (int, float)):
        return None
    low = high = float(value)
    top = figure.get("value_max")
    if isinstance(top, (int, float)):
        high = max(high, float(top))
    bounds, approx, exact = _qualifier_bounds()
    kind = bounds.get(str(figure.get("qualifier") or "").lower())
    if kind == "lower":
        return low, math.inf
    if kind == "upper":
        return -math.inf, high
    slack = approx if kind == "approx" else exact
    return low - abs(low) * slack, high + abs(high) * slack


def _years(period: object) -> frozenset[int] | None:
    """Calendar years a period touches; None when it names none (unknown)."""
    if not isinstance(period, str):
        return None
    return _period_years(period)


@lru_cache(maxsize=4096)
def _period_years(period: str) -> frozenset[int] | None:
    found: set[int] = set()
    for first, last in _RANGE.findall(period):
        found.update(range(int(first), int(last) + 1))
    for first, second in _YEAR.findall(period):
        start = int(first)
        found.add(start)
        if second:
            end = int(second) if len(second) == 4 else (start // 100) * 100 + int(second)
            found.update(range(start, max(start, end) + 1))
    return frozenset(found) or None


def _context(figure: Mapping[str, Any]) -> str:
    """The sentence minus the figure and its measure: what else it says."""
    drop = set(stems(str(figure.get("measure") or ""))) | set(stems(str(figure.get("surface") or "")))
    return " ".join(w for w in stems(str(figure.get("text") or "")) if w not in drop)


def _is_generic(measure: str) -> bool:
    """A one-word measure ("people", "ICBs") names too little to compare on alone."""
    return len(content_words(stems(measure))) < 2


def figure_conflicts(findings: Sequence[Mapping[str, Any]]) -> list[tuple[str, str]]:
    """Pairs of figure ids (lower id first) from different documents that may disagree.

    Same figure_kind and unit, similar measure text, overlapping period (an
    unstated period overlaps any), and values that cannot both be right once
    qualifiers ("over", "around") and ranges are allowed for. A one-word
    measure ("people") also needs the rest of the sentences to agree.
    """
    figures = sorted(
        (f for f in findings if f.get("kind") == "figure" and str(f.get("measure") or "").strip()),
        key=lambda f: str(f["id"]),
    )
    buckets: dict[tuple[str, str], list[Mapping[str, Any]]] = {}
    for figure in figures:
        buckets.setdefault((str(figure.get("figure_kind")), str(figure.get("unit"))), []).append(figure)
    conflicts: list[tuple[str, str]] = []
    for _, members in sorted(buckets.items()):
        measures = [str(f["measure"]) for f in members]
        generic = [_is_generic(m) for m in measures]
        intervals = [_interval(f) for f in members]
        years = [_years(f.get("period")) for f in members]
        docs = [f.get("doc_id") for f in members]
        candidates = []
        for i, j, _ in similar_pairs(measures, MEASURE_THRESHOLD):
            if docs[i] == docs[j] or intervals[i] is None or intervals[j] is None:
                continue
            if years[i] is not None and years[j] is not None and not years[i] & years[j]:
                continue
            (low_a, high_a), (low_b, high_b) = intervals[i], intervals[j]  # type: ignore[misc]
            if high_a < low_b or high_b < low_a:
                candidates.append((i, j))
        needs_context = [(i, j) for i, j in candidates if generic[i] or generic[j]]
        agreed: set[tuple[int, int]] = set()
        if needs_context:
            # the rest of the sentences must be about the same thing too
            contexts = _vectors([_context(f) for f in members])
            if contexts is not None:
                first = contexts[[i for i, _ in needs_context]]
                second = contexts[[j for _, j in needs_context]]
                agreement = np.asarray(first.multiply(second).sum(axis=1)).ravel()
                agreed = {pair for pair, value in zip(needs_context, agreement) if value >= CONFLICT_TEXT_THRESHOLD}
        for i, j in candidates:
            if (generic[i] or generic[j]) and (i, j) not in agreed:
                continue
            pair = sorted((str(members[i]["id"]), str(members[j]["id"])))
            conflicts.append((pair[0], pair[1]))
    conflicts.sort()
    return conflicts
