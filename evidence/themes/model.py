"""The learned second pass: TF-IDF + one-vs-rest logistic regression on seed labels.

Seed terms are precise but miss passages that discuss a theme in other words
("the number of people leaving the NHS" without "workforce"). A linear model
trained on the seed labels learns the company those terms keep and extends
them. Only a bounded, evenly spread sample trains it, so a 100k-passage
corpus costs little more than a 20k one; prediction is one sparse product.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Sequence

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from .normalise import stem

#: Probability a passage needs before the model adds a theme. Chosen on the
#: gold (benchmarks/themes_eval.py --sweep): the highest recall that keeps
#: finding-level precision above 0.85.
DEFAULT_THRESHOLD = 0.45
#: Passages the model learns from, at most (an even sample of the corpus).
MAX_TRAIN = 20_000
#: A theme needs this many seed-labelled passages before the model extends it.
MIN_POSITIVES = 8
#: Passages with fewer content words are left to the seeds alone.
MIN_CONTENT_WORDS = 5


@lru_cache(maxsize=1)
def stop_stems() -> frozenset[str]:
    """Stop words in normalised form, so they drop out after stemming."""
    return frozenset(stem(w) for w in ENGLISH_STOP_WORDS) | ENGLISH_STOP_WORDS


def content_words(words: Sequence[str]) -> list[str]:
    """Normalised words that carry meaning: no stop words, no bare numbers."""
    stop = stop_stems()
    return [w for w in words if w not in stop and not w.isdigit() and len(w) > 1]


def _identity(tokens: list[str]) -> list[str]:
    return tokens


def predict_probabilities(
    docs: Sequence[list[str]],
    labels: Sequence[frozenset[str]],
    theme_ids: Sequence[str],
    *,
    seed: int = 0,
) -> dict[str, np.ndarray]:
    """Theme id -> probability per passage, for the themes with enough labels.

    ``docs`` are content-word lists in a fixed (sorted) order; ``labels`` the
    seed themes of each. Themes with too few positives are left out.
    """
    n = len(docs)
    if n == 0:
        return {}
    step = max(1, -(-n // MAX_TRAIN))
    train_rows = np.arange(0, n, step)
    vectoriser = TfidfVectorizer(
        analyzer=_identity,
        min_df=2,
        max_df=0.5,
        sublinear_tf=True,
        dtype=np.float32,
        norm="l2",
    )
    try:
        vectoriser.fit([docs[i] for i in train_rows])
    except ValueError:  # no term survives min_df / max_df: nothing to learn
        return {}
    matrix = vectoriser.transform(docs)
    train = matrix[train_rows]
    result: dict[str, np.ndarray] = {}
    for theme in theme_ids:
        target = np.fromiter((theme in labels[i] for i in train_rows), dtype=np.int8, count=len(train_rows))
        positives = int(target.sum())
        if positives < MIN_POSITIVES or len(train_rows) - positives < MIN_POSITIVES:
            continue
        model = LogisticRegression(C=4.0, solver="liblinear", random_state=seed, max_iter=200, class_weight="balanced")
        model.fit(train, target)
        result[theme] = model.predict_proba(matrix)[:, 1]
    return result
