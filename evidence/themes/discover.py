"""Finding themes the taxonomy lacks: NMF topics over the passages no theme covers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.decomposition import NMF
from sklearn.feature_extraction.text import TfidfVectorizer

from .model import stop_stems
from .normalise import words

#: Top terms and example passages reported per candidate.
TOP_TERMS = 8
EXAMPLES = 3


@dataclass(frozen=True)
class CandidateTheme:
    """A cluster of uncovered passages: what it is about and where to look."""

    terms: tuple[str, ...]
    passage_ids: tuple[str, ...]  # the clearest examples, best first
    size: int  # passages for which this is the strongest topic


def _readable_words(text: str) -> list[str]:
    """Surface words, not stems, so the terms shown read as English."""
    stop = stop_stems()
    return [w for w in words(text) if len(w) > 2 and not w.isdigit() and w not in stop]


def discover_themes(
    passages_uncovered: Sequence[tuple[str, str]],
    *,
    n_topics: int = 5,
    seed: int = 0,
) -> list[CandidateTheme]:
    """Up to ``n_topics`` candidate themes, largest first.

    Fewer come back when the passages cannot support that many (each topic
    needs words shared by at least two passages). Deterministic for a seed.
    """
    ordered = sorted(passages_uncovered, key=lambda item: item[0])
    if len(ordered) < 2 or n_topics < 1:
        return []
    vectoriser = TfidfVectorizer(
        tokenizer=_readable_words,
        lowercase=False,
        token_pattern=None,
        ngram_range=(1, 2),
        min_df=2,
        max_df=0.6,
        sublinear_tf=True,
    )
    try:
        matrix = vectoriser.fit_transform([text for _, text in ordered])
    except ValueError:  # nothing shared between passages
        return []
    k = min(n_topics, matrix.shape[0] - 1, matrix.shape[1])
    if k < 1:
        return []
    model = NMF(n_components=k, init="nndsvd", random_state=seed, max_iter=400)
    weights = model.fit_transform(matrix)
    vocabulary = vectoriser.get_feature_names_out()
    strongest = weights.argmax(axis=1)
    has_weight = weights.max(axis=1) > 0
    candidates: list[CandidateTheme] = []
    for topic in range(k):
        row = model.components_[topic]
        term_order = np.lexsort((vocabulary, -row))
        terms = tuple(str(vocabulary[i]) for i in term_order[:TOP_TERMS] if row[i] > 0)
        members = np.nonzero((strongest == topic) & has_weight)[0]
        if not terms or members.size == 0:
            continue
        best = sorted(
            members, key=lambda r: (-round(float(weights[r, topic]), 9), ordered[r][0])
        )
        candidates.append(
            CandidateTheme(
                terms=terms,
                passage_ids=tuple(ordered[r][0] for r in best[:EXAMPLES]),
                size=int(members.size),
            )
        )
    candidates.sort(key=lambda c: (-c.size, c.terms))
    return candidates
