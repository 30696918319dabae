"""The learned second pass: TF-IDF + one-vs-rest logistic regression on seed labels.

Seed terms are precise but miss passages that discuss a theme in other words
("the number of people leaving the NHS" without "workforce"). A linear model
trained on the seed labels learns the company those terms keep and extends
them. Only a bounded, evenly spread sample trains it, so a 100k-passage
corpus costs little more than a 20k one; prediction is one sparse product.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from .normalise import stem

#: Probability a passage needs before the model adds a theme. Chosen on the
#: gold (benchmarks/themes_eval.py --sweep): on one half of its documents
#: every theme the model added below 0.55 was wrong (methods sections,
#: membership lists), while on the other half 0.45 and 0.55 differ by one.
DEFAULT_THRESHOLD = 0.55
#: Passages the model learns from, at most (an even sample of the corpus).
MAX_TRAIN = 20_000
#: A theme needs this many seed-labelled passages before the model extends it.
MIN_POSITIVES = 8
#: Passages with fewer content words are left to the seeds alone.
MIN_CONTENT_WORDS = 5


@lru_cache(maxsize=1)
def stop_stems() -> frozenset[str]:
    """Stop words in normalised form, so they drop out after stemming."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(stem(w) for w in ENGLISH_STOP_WORDS) | ENGLISH_STOP_WORDS


def content_words(
    words: Sequence[str], stop: frozenset[str] | None = None
) -> list[str]:
    """Normalised words that carry meaning: no stop words, no bare numbers."""
    stop = stop_stems() if stop is None else stop
    return [w for w in words if w not in stop and not w.isdigit() and len(w) > 1]


def _identity(tokens: list[str]) -> list[str]:
    return tokens


class ThemeModel:
    """A TF-IDF vocabulary and one classifier per theme, learned from seed labels.

    ``to_disk`` keeps it in the index directory as plain arrays
    (:class:`SavedThemeModel`), so a re-ingest that changes a few documents
    can label their passages without learning again from the whole corpus,
    and without loading scikit-learn.
    """

    def __init__(self, vectoriser: Any, classifiers: dict[str, Any]) -> None:
        self.vectoriser = vectoriser
        self.classifiers = classifiers

    @classmethod
    def fit(
        cls,
        docs: Sequence[list[str]],
        labels: Sequence[frozenset[str]],
        theme_ids: Sequence[str],
        *,
        seed: int = 0,
    ) -> ThemeModel:
        """Learn from an even sample of ``docs`` (content-word lists, fixed order)."""
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        n = len(docs)
        if n == 0:
            return cls(None, {})
        step = max(1, -(-n // MAX_TRAIN))
        train_rows = range(0, n, step)
        vectoriser = TfidfVectorizer(
            analyzer=_identity,
            min_df=2,
            max_df=0.5,
            sublinear_tf=True,
            dtype=np.float32,
            norm="l2",
        )
        try:
            train = vectoriser.fit_transform([docs[i] for i in train_rows])
        except ValueError:  # no term survives min_df / max_df: nothing to learn
            return cls(None, {})
        classifiers: dict[str, Any] = {}
        for theme in theme_ids:
            target = np.fromiter(
                (theme in labels[i] for i in train_rows),
                dtype=np.int8,
                count=len(train_rows),
            )
            positives = int(target.sum())
            if positives < MIN_POSITIVES or len(train_rows) - positives < MIN_POSITIVES:
                continue
            model = LogisticRegression(
                C=4.0,
                solver="liblinear",
                random_state=seed,
                max_iter=200,
                class_weight="balanced",
            )
            model.fit(train, target)
            classifiers[theme] = model
        return cls(vectoriser, classifiers)

    def predict(self, docs: Sequence[list[str]]) -> dict[str, np.ndarray]:
        """Theme id -> probability per doc, for the themes the model knows."""
        if self.vectoriser is None or not docs:
            return {}
        matrix = self.vectoriser.transform(docs)
        return {
            theme: model.predict_proba(matrix)[:, 1]
            for theme, model in self.classifiers.items()
        }

    def to_disk(self, path: Path) -> None:
        """Save the vocabulary, idf and each theme's weights as plain arrays."""
        if self.vectoriser is None:
            vocabulary: dict[str, int] = {}
            idf = np.zeros(0)
        else:
            vocabulary = {
                str(term): int(col) for term, col in self.vectoriser.vocabulary_.items()
            }
            idf = np.asarray(self.vectoriser.idf_, dtype=np.float64)
        themes = sorted(self.classifiers)
        saved = {
            "version": MODEL_FORMAT,
            "vocabulary": vocabulary,
            "idf": idf,
            "themes": themes,
            "coef": np.asarray(
                [self.classifiers[t].coef_[0] for t in themes], dtype=np.float64
            ).reshape(len(themes), len(idf)),
            "intercept": np.asarray(
                [self.classifiers[t].intercept_[0] for t in themes], dtype=np.float64
            ),
            "stop": sorted(stop_stems()),
        }
        tmp = Path(path).with_suffix(".tmp")
        with tmp.open("wb") as handle:
            pickle.dump(saved, handle)
        os.replace(tmp, path)


class SavedThemeModel:
    """A :class:`ThemeModel` read back from disk: numpy only, same predictions.

    TF-IDF with sublinear term frequency and L2 norm, then the logistic
    function of each theme's linear score, as scikit-learn computes them.
    """

    def __init__(self, saved: dict[str, Any]) -> None:
        self.vocabulary: dict[str, int] = saved["vocabulary"]
        self.idf: np.ndarray = saved["idf"]
        self.themes: list[str] = saved["themes"]
        self.coef: np.ndarray = saved["coef"]
        self.intercept: np.ndarray = saved["intercept"]
        #: The stop words the model learned with (content_words needs them).
        self.stop = frozenset(saved["stop"])

    @classmethod
    def from_disk(cls, path: Path) -> SavedThemeModel | None:
        """The saved model, or None when there is none we can trust."""
        try:
            with Path(path).open("rb") as handle:
                saved = pickle.load(handle)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            return None
        if not isinstance(saved, dict) or saved.get("version") != MODEL_FORMAT:
            return None
        return cls(saved)

    def predict(self, docs: Sequence[list[str]]) -> dict[str, np.ndarray]:
        """Theme id -> probability per doc, for the themes the model knows."""
        if not self.themes or not docs:
            return {}
        scores = np.empty((len(docs), len(self.themes)), dtype=np.float64)
        for row, words in enumerate(docs):
            counts: dict[int, int] = {}
            for word in words:
                col = self.vocabulary.get(word)
                if col is not None:
                    counts[col] = counts.get(col, 0) + 1
            if not counts:
                scores[row] = self.intercept
                continue
            cols = np.fromiter(counts, dtype=np.int64, count=len(counts))
            weights = (
                1.0
                + np.log(
                    np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
                )
            ) * self.idf[cols]
            weights /= np.sqrt(weights @ weights)
            scores[row] = self.coef[:, cols] @ weights + self.intercept
        probabilities = 1.0 / (1.0 + np.exp(-scores))
        return {theme: probabilities[:, k] for k, theme in enumerate(self.themes)}


#: Bumped when what ThemeModel.to_disk writes changes shape or meaning
#: (3: the model no longer sees the words of neutral terms).
MODEL_FORMAT = 3
