"""Cross-source comparison of findings: who echoes whom, and whose figures disagree.

Both work on plain finding dicts (the export schema's fields) and compare
only findings from different documents, since a report repeating itself is
not corroboration. Similarity is TF-IDF cosine over content words, computed
as a sparse product in row blocks so tens of thousands of findings fit.

Corpora repeat themselves: the same sentence or measure ("efficiency
savings") turns up in hundreds of documents. Findings with the same content
words have the same vector, so groups and conflicts are worked out once per
distinct word list (a "class") and only then spread to the findings: exact,
and far cheaper than comparing every finding with every other.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import (
    CountVectorizer,
    TfidfTransformer,
    TfidfVectorizer,
)

from ..kinds import FIGURE
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
#: Classes per column chunk when components are found chunk by chunk.
_CHUNK = 2048
#: Rows per product block, so a block of a dense similarity stays small (a block
#: of 8192 rows made the largest transient of a build: 40 MB more at 1,000 documents).
_ROW_BLOCK = 2048
#: Context agreement rows kept for reuse (each as long as a bucket's contexts).
_AGREEMENT_ROWS = 512
#: Figures read back from the store at a time, when the finder does not hold them.
_REREAD = 500
_YEAR = re.compile(
    r"(?<!\d)((?:19|20)\d{2})(?:\s?[-\u2013/]\s?((?:19|20)?\d{2}))?(?!\d)"
)
_RANGE = re.compile(
    r"(?:between|from)\s+((?:19|20)\d{2})\S*\s+(?:and|to)\s+((?:19|20)\d{2})"
)


def _identity(tokens: list[str]) -> list[str]:
    return tokens


def _vectors(texts: Sequence[str]) -> Any:
    """L2-normalised TF-IDF rows over content words, or None if there are none."""
    docs = [content_words(stems(t)) for t in texts]
    vectoriser = TfidfVectorizer(
        analyzer=_identity, sublinear_tf=True, dtype=np.float64, norm="l2"
    )
    try:
        return vectoriser.fit_transform(docs).tocsr()
    except ValueError:  # no content words at all
        return None


def similar_index_pairs(
    texts: Sequence[str], threshold: float
) -> tuple[np.ndarray, np.ndarray]:
    """Row numbers (i, j), i < j, of texts whose content words reach ``threshold``.

    As arrays, so callers can filter millions of pairs without a Python loop.
    """
    empty = (np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64))
    if len(texts) < 2:
        return empty
    matrix = _vectors(texts)
    if matrix is None:
        return empty
    transposed = matrix.T.tocsc()
    firsts, seconds = [], []
    for start in range(0, matrix.shape[0], _BLOCK):
        block = (matrix[start : start + _BLOCK] @ transposed).tocoo()
        rows = block.row.astype(np.int64) + start
        keep = (block.data >= threshold - 1e-9) & (block.col > rows)
        firsts.append(rows[keep])
        seconds.append(block.col[keep].astype(np.int64))
    if not firsts:
        return empty
    i, j = np.concatenate(firsts), np.concatenate(seconds)
    order = np.lexsort((j, i))
    return i[order], j[order]


@dataclass(frozen=True)
class _Classes:
    """Texts folded by their content words: text k belongs to class ``of_row[k]``.

    ``matrix`` holds one L2-normalised TF-IDF row per class, numbered in order
    of first appearance, with document frequencies counted over every text:
    each row is exactly the row the text itself would get, computed once.
    """

    of_row: np.ndarray
    matrix: Any

    @property
    def size(self) -> int:
        return 0 if self.matrix is None else int(self.matrix.shape[0])


def _classes(texts: Iterable[str]) -> _Classes:
    """Texts folded by content words, read once from ``texts`` (a stream is not held).

    A text seen before is known by a digest of it rather than kept, and each
    class's words are kept once: at hundreds of thousands of claims the texts
    themselves were most of a build's memory.
    """
    by_text: dict[bytes, int] = {}
    by_words: dict[tuple[str, ...], int] = {}
    words: list[tuple[str, ...]] = []
    shared: dict[str, str] = {}
    rows = array("q")
    for text in texts:
        digest = hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()
        number = by_text.get(digest)
        if number is None:
            tokens = tuple(shared.setdefault(w, w) for w in content_words(stems(text)))
            number = by_words.setdefault(tokens, len(words))
            if number == len(words):
                words.append(tokens)
            by_text[digest] = number
        rows.append(number)
    del by_text, by_words, shared
    of_row = (
        np.frombuffer(rows, dtype=np.int64).copy()
        if rows
        else np.empty(0, dtype=np.int64)
    )
    del rows
    try:
        counts = CountVectorizer(analyzer=_identity, dtype=np.float64).fit_transform(
            words
        )
    except ValueError:  # no content words at all
        return _Classes(of_row, None)
    del words
    weighting = TfidfTransformer(
        norm="l2", use_idf=True, smooth_idf=True, sublinear_tf=True
    )
    weighting.fit(counts)
    # document frequencies over every text, as fitting on one row per text
    # (counts[of_row]) counts them, without making that matrix
    sizes = np.bincount(of_row, minlength=counts.shape[0]).astype(np.float64)
    df: np.ndarray = np.bincount(
        counts.indices,
        weights=np.repeat(sizes, np.diff(counts.indptr)),
        minlength=counts.shape[1],
    ).astype(np.float64)
    df += 1.0
    idf = np.full_like(df, fill_value=len(of_row) + 1, dtype=np.float64)
    idf /= df
    np.log(idf, out=idf)
    idf += 1.0
    weighting.idf_ = idf
    return _Classes(of_row, weighting.transform(counts).tocsr())


def _column_chunks(matrix: Any, width: int) -> list[tuple[int, Any]]:
    """(first column, transposed CSR slice) pieces of ``matrix.T``, converted once."""
    transposed = matrix.T.tocsc()
    return [
        (start, transposed[:, start : start + width].tocsr())
        for start in range(0, matrix.shape[0], width)
    ]


def _block_pairs(
    rows: np.ndarray, product: Any, offset: int, threshold: float
) -> tuple[np.ndarray, np.ndarray]:
    """Edges (row number, column number) of a block product at or above ``threshold``."""
    product = product.tocsr()
    keep = product.data >= threshold - 1e-9
    local = np.repeat(
        np.arange(product.shape[0], dtype=np.int64), np.diff(product.indptr)
    )
    return rows[local[keep]], product.indices[keep].astype(np.int64) + offset


def _class_components(
    matrix: Any,
    threshold: float,
    allowed: Callable[[np.ndarray, np.ndarray], np.ndarray],
) -> np.ndarray:
    """Connected-component label per class under cosine >= ``threshold``.

    Exact without listing every similar pair. Columns are taken a chunk at a
    time, and only rows outside the growing largest component (the "anchor"
    component) are compared with them. An edge is skipped only when both its
    ends were already in that component, and such an edge changes nothing.
    On repetitive corpora, where one component swallows most classes, this
    turns a quadratic product into a near-linear one; elsewhere it costs
    what the full product costs. ``allowed`` filters candidate edges.
    """
    size = matrix.shape[0]
    labels = np.arange(size, dtype=np.int64)
    anchor = -1
    everyone = np.arange(size, dtype=np.int64)
    for start, columns in _column_chunks(matrix, _CHUNK):
        outside = everyone if anchor < 0 else np.nonzero(labels != labels[anchor])[0]
        for first in range(0, len(outside), _ROW_BLOCK):
            rows = outside[first : first + _ROW_BLOCK]
            a, b = _block_pairs(rows, matrix[rows] @ columns, start, threshold)
            keep = (a != b) & allowed(a, b)
            if keep.any():
                labels = _merge(labels, a[keep], b[keep])
        if anchor < 0:
            # fixed from here on: the argument above needs a component that only grows
            anchor = int(np.argmax(np.bincount(labels, minlength=size)))
    return labels


def _merge(labels: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Labels after adding edges a-b to components ``labels`` (each label is a member)."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    size = len(labels)
    nodes = np.arange(size, dtype=np.int64)
    first = np.concatenate([nodes, a])
    second = np.concatenate([labels, b])
    graph = coo_matrix(
        (np.ones(len(first), dtype=np.int8), (first, second)), shape=(size, size)
    ).tocsr()
    _count, found = connected_components(graph, directed=False)
    # name each component by its smallest member, so labels stay members
    smallest = np.full(size, size, dtype=np.int64)
    np.minimum.at(smallest, found, nodes)
    return smallest[found]


def _value_key(figure: Mapping[str, Any]) -> tuple[str, str, float] | None:
    """What two figures must share to be the same figure: kind, unit, value."""
    value = figure.get("value")
    if not isinstance(value, (int, float)):
        return None
    # rounded to 9 significant digits, so 5.7e9 written two ways still meets
    return (
        str(figure.get("figure_kind")),
        str(figure.get("unit")),
        float(f"{float(value):.9g}"),
    )


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
    doc_codes = _codes([f.get("doc_id") for f in ordered])
    by_kind: dict[str, list[int]] = {}
    for row, finding in enumerate(ordered):
        by_kind.setdefault(str(finding.get("kind")), []).append(row)
    edges_a: list[np.ndarray] = []
    edges_b: list[np.ndarray] = []
    for kind, rows in sorted(by_kind.items()):
        row_numbers = np.asarray(rows, dtype=np.int64)
        texts = [str(ordered[r].get("text") or "") for r in rows]
        if kind != FIGURE.name:
            a, b = _text_edges(texts, row_numbers, doc_codes)
            edges_a.append(a)
            edges_b.append(b)
            continue
        values = _codes([_value_key(ordered[r]) for r in rows], none_code=-1)
        measured = np.asarray(
            [
                k
                for k, r in enumerate(rows)
                if str(ordered[r].get("measure") or "").strip()
            ],
            dtype=np.int64,
        )
        measures = [str(ordered[rows[k]]["measure"]) for k in measured]
        ti, tj = similar_index_pairs(texts, FIGURE_TEXT_THRESHOLD)
        mi, mj = similar_index_pairs(measures, MEASURE_THRESHOLD)
        i = np.concatenate([ti, measured[mi]]) if len(measured) else ti
        j = np.concatenate([tj, measured[mj]]) if len(measured) else tj
        a, b = row_numbers[i], row_numbers[j]
        same = (
            (doc_codes[a] != doc_codes[b]) & (values[i] >= 0) & (values[i] == values[j])
        )
        years = [_years(ordered[r].get("period")) for r in rows]
        keep = [
            k
            for k in np.nonzero(same)[0]
            if years[i[k]] is None or years[j[k]] is None or years[i[k]] & years[j[k]]
        ]
        edges_a.append(a[keep])
        edges_b.append(b[keep])
    labels = _components(len(ordered), edges_a, edges_b)
    members: dict[int, list[int]] = {}
    for row, label in enumerate(labels):
        members.setdefault(int(label), []).append(row)
    groups = [
        sorted(str(ordered[r]["id"]) for r in rows)
        for rows in members.values()
        if len({ordered[r].get("doc_id") for r in rows}) >= 2
    ]
    groups.sort()
    return groups


def _text_edges(
    texts: Sequence[str], rows: np.ndarray, doc_codes: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Edges joining each text to the first text of its component, as row numbers (see :func:`_class_edges`)."""
    a, b = _class_edges(_classes(texts), doc_codes[rows])
    return rows[a], rows[b]


def _class_edges(classes: _Classes, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Edges joining each text to the first text of its component, as text numbers; ``codes`` numbers each text's document.

    Worked out per class of equal content words. A class is one node: texts
    with the same words from two documents are joined directly, and a class
    from one document joins whatever another class joins (through it), so
    the only class edge to refuse is between two classes from the same
    single document. A class with no content words joins nothing.
    """
    empty = (np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64))
    if classes.matrix is None:
        return empty
    size = len(codes)
    lowest = np.full(classes.size, np.iinfo(np.int64).max, dtype=np.int64)
    highest = np.full(classes.size, -1, dtype=np.int64)
    np.minimum.at(lowest, classes.of_row, codes)
    np.maximum.at(highest, classes.of_row, codes)
    single = np.where(lowest == highest, lowest, -1)

    def allowed(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return (single[a] < 0) | (single[a] != single[b])

    labels = _class_components(classes.matrix, TEXT_THRESHOLD, allowed)
    worded = (np.diff(classes.matrix.indptr) > 0)[classes.of_row]
    text_labels = labels[classes.of_row]
    # the first text of each component stands for it
    head = np.full(classes.size, size, dtype=np.int64)
    np.minimum.at(head, text_labels[worded], np.nonzero(worded)[0])
    ends = head[text_labels]
    keep = worded & (ends != np.arange(size))
    return np.nonzero(keep)[0].astype(np.int64), ends[keep]


def group_texts(
    read: Callable[[], Iterable[tuple[str, str, str | None]]],
) -> list[list[str]]:
    """:func:`group_findings` of findings of one kind other than figures, read rather than held.

    ``read()`` gives a fresh stream of (id, doc_id, text) sorted by id; it
    is read twice: once for the texts' words and documents (a text is not
    kept once its words are known), once for the ids of the grouped. The
    groups are those :func:`group_findings` finds for the same findings.
    """
    ids, labels = group_labels(read)
    members: dict[int, list[str]] = {}
    for fid, label in zip(ids, labels.tolist()):
        members.setdefault(label, []).append(fid)
    groups = [sorted(found) for found in members.values()]
    groups.sort()
    return groups


def group_labels(
    read: Callable[[], Iterable[tuple[str, str, str | None]]],
) -> tuple[list[str], np.ndarray]:
    """The grouped findings of :func:`group_texts` as (their ids sorted, each one's group label).

    Findings share a label when they are in one group; a label is a number
    and says nothing else. Flat: no list per group, so a caller can look a
    finding's group up by bisection in the ids.
    """
    documents: dict[str, int] = {}
    codes = array("q")

    def texts() -> Iterator[str]:
        for _fid, doc_id, text in read():
            codes.append(documents.setdefault(doc_id, len(documents)))
            yield str(text or "")

    classes = _classes(texts())
    doc_codes = (
        np.frombuffer(codes, dtype=np.int64).copy()
        if codes
        else np.empty(0, dtype=np.int64)
    )
    size = len(doc_codes)
    if size < 2:
        return [], np.empty(0, dtype=np.int64)
    a, b = _class_edges(classes, doc_codes)
    del classes
    labels = _components(size, [a], [b])
    # a component is a group when its texts come from two documents or more
    width = int(doc_codes.max()) + 1
    pairs = np.unique(labels.astype(np.int64) * width + doc_codes)
    sources = np.bincount(pairs // width, minlength=size)
    grouped = sources[labels] >= 2
    ids = [str(fid) for row, (fid, _doc, _text) in enumerate(read()) if grouped[row]]
    return ids, labels[grouped].astype(np.int64)


def _codes(items: Sequence[Any], *, none_code: int | None = None) -> np.ndarray:
    """A small integer per distinct item (``none_code`` for None), for array comparisons."""
    seen: dict[Any, int] = {}
    out = np.empty(len(items), dtype=np.int64)
    for k, item in enumerate(items):
        if item is None and none_code is not None:
            out[k] = none_code
        else:
            out[k] = seen.setdefault(item, len(seen))
    return out


def _components(
    size: int, firsts: list[np.ndarray], seconds: list[np.ndarray]
) -> np.ndarray:
    """Connected-component label of each row, given the edges joining rows."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    a = np.concatenate(firsts) if firsts else np.empty(0, dtype=np.int64)
    b = np.concatenate(seconds) if seconds else np.empty(0, dtype=np.int64)
    graph = coo_matrix(
        (np.ones(len(a), dtype=np.int8), (a, b)), shape=(size, size)
    ).tocsr()
    _count, labels = connected_components(graph, directed=False)
    return labels


@lru_cache(maxsize=1)
def _qualifier_bounds() -> tuple[dict[str, str], float, float]:
    data = json.loads(data_path("qualifier_bounds.json").read_text(encoding="utf-8"))
    return (
        dict(data["qualifiers"]),
        float(data["approx_tolerance"]),
        float(data["exact_tolerance"]),
    )


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
            end = (
                int(second) if len(second) == 4 else (start // 100) * 100 + int(second)
            )
            found.update(range(start, max(start, end) + 1))
    return frozenset(found) or None


def _context(figure: Mapping[str, Any]) -> str:
    """The sentence minus the figure and its measure: what else it says."""
    drop = set(stems(str(figure.get("measure") or ""))) | set(
        stems(str(figure.get("surface") or ""))
    )
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
    return list(FigureConflicts(findings).pairs())


class FigureConflicts:
    """The pairs :func:`figure_conflicts` lists, enumerated on demand in order.

    A corpus that quotes one measure a thousand times has half a million
    pairs to weigh for it, and a page shows a handful: so everything per
    measure (similar measures, the context vectors of generic ones) is
    prepared once, and pairs are produced lazily, first id by first id,
    optionally only among figures a mask selects (a theme's).
    """

    def __init__(
        self,
        findings: Iterable[Mapping[str, Any]],
        *,
        reread: Callable[[list[str]], Mapping[str, Mapping[str, Any]]] | None = None,
    ) -> None:
        """``findings`` is read once, in any order (a stream is not held).

        ``reread`` (ids -> their rows), when given, lets the finder keep no
        figure: only its id and what it compares in arrays, reading back
        the few whose sentences it compares. Without it the figures are held.
        """
        held: list[Mapping[str, Any]] = []
        ids: list[str] = []
        lows: array[float] = array("d")
        highs: array[float] = array("d")
        docs: dict[Any, int] = {}
        doc_codes: array[int] = array("q")
        distinct: dict[frozenset[int], int] = {}
        year_codes: array[int] = array("q")
        buckets_seen: dict[tuple[str, str], int] = {}
        bucket_codes: array[int] = array("q")
        measures: list[str] = []
        shared: dict[str, str] = {}
        for f in findings:
            measure = str(f.get("measure") or "")
            if f.get("kind") != FIGURE.name or not measure.strip():
                continue
            ids.append(str(f["id"]))
            interval = _interval(f)
            lows.append(interval[0] if interval else math.nan)
            highs.append(interval[1] if interval else math.nan)
            doc_codes.append(docs.setdefault(f.get("doc_id"), len(docs)))
            years = _years(f.get("period"))
            year_codes.append(
                -1 if years is None else distinct.setdefault(years, len(distinct))
            )
            bucket_codes.append(
                buckets_seen.setdefault(
                    (str(f.get("figure_kind")), str(f.get("unit"))), len(buckets_seen)
                )
            )
            measures.append(shared.setdefault(measure, measure))
            if reread is None:
                held.append(f)
        del shared
        # in id order, as the pairs come
        order = np.asarray(sorted(range(len(ids)), key=ids.__getitem__), dtype=np.int64)
        self.ids = [ids[k] for k in order.tolist()]
        del ids
        size = len(self.ids)

        def ordered(values: array[Any], dtype: Any) -> np.ndarray:
            found = (
                np.frombuffer(values, dtype=dtype)
                if len(values)
                else np.empty(0, dtype=dtype)
            )
            return found[order] if size else found.copy()

        self._low = ordered(lows, np.float64)
        self._high = ordered(highs, np.float64)
        # documents are only compared for equality: numbered as they came
        self._doc = ordered(doc_codes, np.int64)
        self._year = ordered(year_codes, np.int64)
        del lows, highs, doc_codes, year_codes
        # the last row and column stand for "no period", which overlaps any
        compat = np.ones((len(distinct) + 1, len(distinct) + 1), dtype=bool)
        for first_years, i in distinct.items():
            for second_years, j in distinct.items():
                compat[i, j] = bool(first_years & second_years)
        self._compat = compat
        self._class = np.full(size, -1, dtype=np.int64)
        self._context_of = np.full(size, -1, dtype=np.int64)
        self._bucket_of = np.full(size, -1, dtype=np.int64)
        self._generic: list[bool] = []
        self._candidates: list[np.ndarray] = []
        self._buckets: list[np.ndarray] = []
        self._contexts: dict[int, tuple[Any, Any]] = {}
        self._agreement: dict[tuple[int, int], np.ndarray] = {}
        self._figures = [held[k] for k in order.tolist()] if reread is None else []
        del held
        self._measures = [measures[k] for k in order.tolist()]
        del measures
        bucket_of = ordered(bucket_codes, np.int64)
        keys = sorted(buckets_seen, key=buckets_seen.__getitem__)
        for code in sorted(range(len(keys)), key=keys.__getitem__):
            self._prepare_bucket(np.nonzero(bucket_of == code)[0].astype(np.int64))
        self._measures = []
        self._is_generic = np.asarray(self._generic, dtype=bool)
        self._reread = reread

    def _prepare_bucket(self, members: np.ndarray) -> None:
        bucket = len(self._buckets)
        self._buckets.append(members)
        self._bucket_of[members] = bucket
        measures = [self._measures[k] for k in members.tolist()]
        classes = _classes(measures)
        offset = len(self._candidates)
        self._class[members] = classes.of_row + offset
        words_of: dict[int, str] = {}
        for local, measure in zip(classes.of_row.tolist(), measures):
            words_of.setdefault(local, measure)
        count = int(classes.of_row.max()) + 1 if len(members) else 0
        self._generic.extend(_is_generic(words_of[c]) for c in range(count))
        similar: list[list[int]] = [[] for _ in range(count)]
        if classes.matrix is not None:
            everyone = np.arange(classes.size, dtype=np.int64)
            for start, columns in _column_chunks(classes.matrix, _CHUNK):
                a, b = _block_pairs(
                    everyone, classes.matrix @ columns, start, MEASURE_THRESHOLD
                )
                for i, j in zip(a.tolist(), b.tolist()):
                    similar[i].append(j)
        by_class: list[list[int]] = [[] for _ in range(count)]
        for k, c in zip(members.tolist(), classes.of_row.tolist()):
            by_class[c].append(k)
        for c in range(count):
            joined = [k for other in similar[c] for k in by_class[other]]
            self._candidates.append(np.asarray(sorted(joined), dtype=np.int64))

    def _agrees(self, a: int, others: np.ndarray) -> np.ndarray:
        """Whether the rest of a's sentence agrees with each of ``others``' (same bucket)."""
        bucket = int(self._bucket_of[a])
        if bucket not in self._contexts:
            members = self._buckets[bucket]
            contexts = _classes(_context(row) for row in self._rows(members))
            self._context_of[members] = contexts.of_row
            transposed = (
                contexts.matrix.T.tocsr() if contexts.matrix is not None else None
            )
            self._contexts[bucket] = (contexts.matrix, transposed)
        matrix, transposed = self._contexts[bucket]
        if matrix is None:
            return np.zeros(len(others), dtype=bool)
        key = (bucket, int(self._context_of[a]))
        row = self._agreement.get(key)
        if row is None:
            if len(self._agreement) >= _AGREEMENT_ROWS:
                self._agreement.clear()
            scores = (matrix[key[1] : key[1] + 1] @ transposed).toarray().ravel()
            row = self._agreement[key] = scores >= CONFLICT_TEXT_THRESHOLD
        return row[self._context_of[others]]

    def _rows(self, members: np.ndarray) -> Iterator[Mapping[str, Any]]:
        """The figures ``members``, in order: held, or read back a few hundred at a time."""
        if self._reread is None:
            yield from (self._figures[k] for k in members.tolist())
            return
        for at in range(0, len(members), _REREAD):
            ids = [self.ids[k] for k in members[at : at + _REREAD].tolist()]
            found = self._reread(ids)
            yield from (found[i] for i in ids)

    def partners(self, a: int, mask: np.ndarray | None = None) -> np.ndarray:
        """Figures after ``a`` (in id order) that may disagree with it, in order."""
        if np.isnan(self._low[a]):
            return np.empty(0, dtype=np.int64)
        cls = int(self._class[a])
        cand = self._candidates[cls]
        cand = cand[np.searchsorted(cand, a, side="right") :]
        if mask is not None:
            cand = cand[mask[cand]]
        cand = cand[self._doc[cand] != self._doc[a]]
        low, high = self._low[cand], self._high[cand]
        cand = cand[(high < self._low[a]) | (self._high[a] < low)]
        cand = cand[self._compat[self._year[a], self._year[cand]]]
        if len(cand):
            needs = self._is_generic[self._class[cand]] | self._is_generic[cls]
            if needs.any():
                keep = ~needs
                keep[needs] = self._agrees(a, cand[needs])
                cand = cand[keep]
        return cand

    def pairs(self, mask: np.ndarray | None = None) -> Iterator[tuple[str, str]]:
        """Every pair (lower id first), sorted; only among ``mask``'s figures when given."""
        firsts = range(len(self.ids)) if mask is None else np.nonzero(mask)[0].tolist()
        for a in firsts:
            for b in self.partners(a, mask).tolist():
                yield self.ids[a], self.ids[b]

    def summary(
        self, mask: np.ndarray, shown: int, cap: int
    ) -> tuple[list[tuple[str, str]], int]:
        """(the first ``shown`` pairs among ``mask``'s figures, how many pairs, counted up to ``cap``).

        Counting stops once it passes ``cap``: past that, the number tells a
        reader nothing more, and finding it is the quadratic part.
        """
        first: list[tuple[str, str]] = []
        total = 0
        for a in np.nonzero(mask)[0].tolist():
            found = self.partners(a, mask)
            if len(first) < shown:
                first.extend(
                    (self.ids[a], self.ids[b])
                    for b in found[: shown - len(first)].tolist()
                )
            total += len(found)
            if total > cap:
                break
        return first, total
