"""Query evaluation with numpy: posting lists as arrays, BM25, phrases on word hashes.

Backend-neutral: it sees an index only through two small interfaces,
``Lexicon`` (index-wide statistics and word lookups) and ``SegmentView``
(one segment's posting lists, field lengths, deletions and word-hash
sequence as arrays), which the Whoosh backend supplies from its files.

Queries are evaluated here rather than by Whoosh's matchers. Whoosh walks
postings one document at a time in Python, which costs tens to hundreds of
milliseconds for a common word at 100,000 passages and more to count the
matches. Instead each segment's posting lists are read into numpy arrays
and the query tree is evaluated on whole arrays: a mask of matching
passages and a BM25 score per passage. Counting is then exact and free,
and top-N selection is one partition.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Iterator, Sequence
from typing import Protocol

import numpy as np

from evidence.index.analysis import SEQ_DTYPE, stem, stems, word_hash, words
from evidence.index.query import (
    FILTER_FIELDS,
    AllOf,
    AnyOf,
    Everything,
    Filter,
    Fuzzy,
    Node,
    Not,
    Phrase,
    Prefix,
    Word,
)

#: A title word's BM25 counts this many times a body word's.
TITLE_BOOST = 2.5
# BM25 parameters, as Whoosh's BM25F defaults.
K1 = 1.2
B = 0.75
#: A phrase searches only the passages holding its rarest word when that word
#: is in fewer than this share of passages; past it, one pass over the whole
#: word sequence costs less than gathering the passages' words.
_GATHER_SHARE = 0.05
#: Lexicon words examined when finding the forms of a stem (bounds a short stem's cost).
_MAX_FORMS_SCANNED = 5000


class Lexicon(Protocol):
    """Index-wide statistics and lookups, over every segment of the commit."""

    def doc_count_all(self) -> int:
        """Passages in the commit, deleted ones included (as the frequencies count them)."""
        ...

    def doc_frequency(self, field: str, term: str) -> int:
        """Passages holding ``term`` in ``field`` (deleted ones included)."""
        ...

    def field_length(self, field: str) -> int:
        """Words in ``field`` over every passage, for the average length."""
        ...

    def words_with_prefix(self, prefix: str) -> Iterator[str]:
        """Body words starting with ``prefix``, alphabetical."""
        ...

    def similar_words(self, word: str, maxdist: int) -> list[tuple[str, int]]:
        """Body words within ``maxdist`` edits (not ``word``), with passage counts."""
        ...


class SegmentView(Protocol):
    """One segment as arrays. Passage numbers run from 0 to ``size`` - 1 within it."""

    #: The segment's first passage number in the whole index.
    offset: int
    size: int
    #: False for deleted passages.
    live: np.ndarray

    def postings(self, field: str, term: str) -> tuple[np.ndarray, np.ndarray]:
        """Passage numbers (ascending, deleted ones included) and term frequencies."""
        ...

    def lengths(self, field: str, ids: np.ndarray) -> np.ndarray:
        """The lengths in words of ``field`` in passages ``ids``, as floats."""
        ...

    def sequence(self) -> tuple[np.ndarray, np.ndarray]:
        """Every passage's word hashes end to end (``word_sequence``), and where each starts."""
        ...


def phrase_starts(seq: np.ndarray, wanted: np.ndarray, anchor: int) -> np.ndarray:
    """Where in ``seq`` the hashes ``wanted`` occur in order, found from ``wanted[anchor]``."""
    at = np.flatnonzero(seq == wanted[anchor]) - anchor
    at = at[(at >= 0) & (at + len(wanted) <= len(seq))]
    for k, value in enumerate(wanted):
        if k != anchor:
            at = at[seq[at + k] == value]
    return at


def bm25(tf: np.ndarray, lengths: np.ndarray, idf: float, avg: float) -> np.ndarray:
    """BM25 as Whoosh's BM25F computes it: the same operations in the same order."""
    norm = K1 * ((1 - B) + B * lengths / avg)
    return idf * (tf * (K1 + 1)) / (tf + norm)


class Evaluator:
    """Evaluates query trees over the segments of one commit."""

    def __init__(self, lexicon: Lexicon, segments: Sequence[SegmentView]) -> None:
        self.lexicon = lexicon
        self.segments = segments
        self._count = lexicon.doc_count_all()
        self._form_cache: dict[tuple[str, str], list[str]] = {}
        self._avg: dict[str, float] = {}

    def top(
        self, node: Node, limit: int, title_stems: Iterable[str] = ()
    ) -> tuple[np.ndarray, np.ndarray, int]:
        """The best ``limit`` passages' numbers and scores (unordered), and how many match.

        Scores (see ``matches``) are rounded to 4 places; among equal scores
        at the cut, the earliest passages are kept.
        """
        all_ids, all_scores = self.matches(node, title_stems)
        total = len(all_ids)
        if not total:
            return all_ids, all_scores, 0
        all_scores = np.round(all_scores, 4)
        if total > limit:
            kth = np.partition(all_scores, total - limit)[total - limit]
            above = all_ids[all_scores > kth]
            tied = all_ids[all_scores == kth][: limit - len(above)]
            keep = np.concatenate([above, tied])
            order = np.isin(all_ids, keep)
            all_ids, all_scores = all_ids[order], all_scores[order]
        return all_ids, all_scores, total

    def matches(
        self, node: Node, title_stems: Iterable[str] = ()
    ) -> tuple[np.ndarray, np.ndarray]:
        """Every live passage matching ``node`` (numbers in the index, ascending) and its score.

        Passages must match ``node`` in their own text; ``title_stems`` (the
        query's positive words) only raise the score of passages whose
        document title or heading holds them: BM25F with the title weighted
        above the body, without making every passage of a document match a
        word in its title.
        """
        stems_ = sorted(set(title_stems))
        ids, scores = [], []
        for seg in self.segments:
            mask, score = self.evaluate(node, seg)
            mask &= seg.live
            for stem_ in stems_:
                tids, ttf = seg.postings("title", stem_)
                if len(tids):
                    score[tids] += TITLE_BOOST * self.bm25(
                        seg, "title", stem_, tids, ttf
                    )
            hit = np.flatnonzero(mask)
            ids.append(hit + seg.offset)
            scores.append(score[hit])
        if not ids:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        return np.concatenate(ids), np.concatenate(scores)

    # -- each node gives, per segment, a match mask and a score array

    def evaluate(self, node: Node, seg: SegmentView) -> tuple[np.ndarray, np.ndarray]:
        if isinstance(node, Word):
            return self._word(node.text, seg)
        if isinstance(node, Phrase):
            return self._phrase([w for p in node.words for w in words(p)], seg)
        if isinstance(node, Prefix):
            mask = np.zeros(seg.size, dtype=bool)
            for term in self.lexicon.words_with_prefix(node.text.lower()):
                mask[seg.postings("text", term)[0]] = True
            return mask, mask.astype(np.float64)
        if isinstance(node, Fuzzy):
            text = node.text.lower()
            near = {w for w, _n in self.lexicon.similar_words(text, node.maxdist)}
            return self._terms(sorted(near | {text}), seg)
        if isinstance(node, Filter):
            mask = np.zeros(seg.size, dtype=bool)
            for value in node.values:
                mask[seg.postings(FILTER_FIELDS[node.field], value)[0]] = True
            return mask, np.zeros(seg.size)
        if isinstance(node, AllOf):
            mask = seg.live.copy()
            score = np.zeros(seg.size)
            for part in node.parts:
                if isinstance(part, Not):
                    mask &= ~self.evaluate(part.part, seg)[0]
                else:
                    m, s = self.evaluate(part, seg)
                    mask &= m
                    score += s
            return mask, score
        if isinstance(node, AnyOf):
            mask = np.zeros(seg.size, dtype=bool)
            score = np.zeros(seg.size)
            for part in node.parts:
                m, s = self.evaluate(part, seg)
                mask |= m
                score += s
            return mask, score
        if isinstance(node, Not):
            return seg.live & ~self.evaluate(node.part, seg)[0], np.zeros(seg.size)
        if isinstance(node, Everything):
            return seg.live.copy(), np.zeros(seg.size)
        raise TypeError(f"not a query node: {node!r}")

    def _word(self, text: str, seg: SegmentView) -> tuple[np.ndarray, np.ndarray]:
        ws = words(text)
        if len(ws) > 1:  # "covid-19", "e.g": one typed word the index splits
            return self._phrase(ws, seg)
        if not ws:
            return np.zeros(seg.size, dtype=bool), np.zeros(seg.size)
        ss = stems(text)
        if not ss:  # a stop word: match it as written
            return self._terms(ws, seg)
        return self._terms(self.forms(ws[0], ss[0]), seg)

    def _terms(
        self, terms: Iterable[str], seg: SegmentView
    ) -> tuple[np.ndarray, np.ndarray]:
        """Passages holding any of ``terms`` in the body, scored by the sum of their BM25."""
        mask = np.zeros(seg.size, dtype=bool)
        score = np.zeros(seg.size)
        for term in terms:
            ids, tf = seg.postings("text", term)
            if len(ids):
                mask[ids] = True
                score[ids] += self.bm25(seg, "text", term, ids, tf)
        return mask, score

    def _phrase(self, ws: list[str], seg: SegmentView) -> tuple[np.ndarray, np.ndarray]:
        """Words in order, found in the segment's word sequence.

        The phrase's rarest word anchors it: where that word is rare, only the
        passages holding it are gathered and searched; where it is common, the
        whole sequence is, in one pass. A passage's sequence starts with 0,
        which no word hashes to, so a match never runs into the next passage.
        The score is the anchor word's BM25 with the phrase's count as its
        frequency.
        """
        if len(ws) < 2:
            return self._terms(ws, seg)
        frequency = self.lexicon.doc_frequency
        anchor = min(range(len(ws)), key=lambda i: (frequency("text", ws[i]), i))
        wanted = np.array([word_hash(w) for w in ws], dtype=SEQ_DTYPE)
        seq, starts = seg.sequence()
        tf: np.ndarray = np.zeros(seg.size)
        if frequency("text", ws[anchor]) < _GATHER_SHARE * self._count:
            holders = seg.postings("text", ws[anchor])[0]
            if len(holders):
                ends = np.append(starts[1:], len(seq))
                sizes = ends[holders] - starts[holders]
                first = np.cumsum(sizes) - sizes
                at = np.repeat(starts[holders] - first, sizes) + np.arange(sizes.sum())
                found = phrase_starts(seq[at], wanted, anchor)
                tf = np.bincount(
                    holders[np.searchsorted(first, found, side="right") - 1],
                    minlength=seg.size,
                )
        elif len(seq):
            found = phrase_starts(seq, wanted, anchor)
            tf = np.bincount(
                np.searchsorted(starts, found, side="right") - 1, minlength=seg.size
            )
        tf = np.where(seg.live, tf, 0).astype(np.float64)
        mask = tf > 0
        score = np.zeros(seg.size)
        ids = np.flatnonzero(mask)
        if len(ids):
            score[ids] = self.bm25(seg, "text", ws[anchor], ids, tf[ids])
        return mask, score

    def bm25(
        self, seg: SegmentView, field: str, term: str, ids: np.ndarray, tf: np.ndarray
    ) -> np.ndarray:
        """BM25 of ``term`` in the passages ``ids`` (numbers within ``seg``).

        Whoosh's BM25F statistics: idf = ln(N / (df + 1)) + 1 over every
        passage of the commit, deleted ones included; the average field
        length over the same N (taken as 1 when below 1); each passage's
        length as the index stores it.
        """
        avg = self._avg.get(field)
        if avg is None:
            avg = self._avg[field] = max(
                self.lexicon.field_length(field) / max(self._count, 1), 1.0
            )
        idf = math.log(self._count / (self.lexicon.doc_frequency(field, term) + 1)) + 1
        return bm25(tf, seg.lengths(field, ids), idf, avg)

    def forms(self, word: str, stem_: str) -> list[str]:
        """Every body word with the same stem as ``word``, looked up in the lexicon."""
        key = (word, stem_)
        cached = self._form_cache.get(key)
        if cached is not None:
            return cached
        # Porter2 rewrites at most the stem's last letter ("priority" and
        # "priorities" -> "prioriti", "sharing" -> "share"), so every form starts
        # with the stem less that letter.
        prefix = os.path.commonprefix([word, stem_[:-1]])
        forms = {word}
        if len(prefix) >= 2:
            for n, term in enumerate(self.lexicon.words_with_prefix(prefix)):
                if n >= _MAX_FORMS_SCANNED:
                    break
                if stem(term) == stem_:
                    forms.add(term)
        else:  # too short to scan by prefix ("dying" -> "die"): the plural is the common variant
            forms.update(
                f
                for f in (stem_, stem_ + "s", word + "s")
                if self.lexicon.doc_frequency("text", f)
            )
        result = self._form_cache[key] = sorted(forms)
        return result
