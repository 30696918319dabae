"""Theme assignment for passages, findings and documents.

Plain data in, plain data out: the caller reads passages from wherever it
keeps them and stores the result, so a new taxonomy re-assigns the whole
corpus without reading a document again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from .normalise import stems
from .seeds import matcher_for
from .taxonomy import Taxonomy

MODEL_REASON = "model"
#: A passage theme this strong (two distinct seed terms, or a confident
#: model) is what the passage is clearly about; see finding_themes.
CLEAR_SCORE = 0.75


@dataclass(frozen=True)
class ThemeScore:
    """One theme of one passage: how strongly, and why (terms matched, or "model")."""

    theme: str
    score: float
    reason: str


def assign_themes(
    passages: Sequence[tuple[str, str]],
    taxonomy: Taxonomy,
    *,
    use_model: bool = True,
    seed: int = 0,
    threshold: float | None = None,
) -> dict[str, list[ThemeScore]]:
    """Passage id -> its themes, best first, for the whole corpus at once.

    Seed terms label what they can; with ``use_model`` a classifier trained
    on those labels adds themes where its probability reaches ``threshold``
    (default :data:`evidence.themes.model.DEFAULT_THRESHOLD`). Every passage
    id appears in the result, with an empty list when nothing fits.
    """
    if not use_model:
        return _assign(passages, taxonomy, None, threshold, learn=False, seed=seed)[0]
    return _assign(passages, taxonomy, None, threshold, learn=True, seed=seed)[0]


def assign_and_learn(
    passages: Sequence[tuple[str, str]],
    taxonomy: Taxonomy,
    *,
    seed: int = 0,
    threshold: float | None = None,
) -> tuple[dict[str, list[ThemeScore]], Any]:
    """As :func:`assign_themes`, also returning the model, to keep for later runs."""
    return _assign(passages, taxonomy, None, threshold, learn=True, seed=seed)


def assign_with_model(
    passages: Sequence[tuple[str, str]],
    taxonomy: Taxonomy,
    model: Any,
    *,
    threshold: float | None = None,
) -> dict[str, list[ThemeScore]]:
    """Themes for some passages using a model learned earlier from the corpus."""
    return _assign(passages, taxonomy, model, threshold, learn=False, seed=0)[0]


def _assign(
    passages: Sequence[tuple[str, str]],
    taxonomy: Taxonomy,
    model: Any,
    threshold: float | None,
    *,
    learn: bool,
    seed: int,
) -> tuple[dict[str, list[ThemeScore]], Any]:
    ordered = sorted(passages, key=lambda item: item[0])
    matcher = matcher_for(taxonomy)
    result: dict[str, list[ThemeScore]] = {}
    labels: list[frozenset[str]] = []
    word_lists: list[list[str]] = []  # without neutral terms, for the model
    for pid, text in ordered:
        found, words = matcher.scan(stems(text))
        hits = [(theme, hit) for theme, hit in found.items() if hit.assigned]
        result[pid] = [ThemeScore(theme, hit.score, hit.reason) for theme, hit in hits]
        labels.append(frozenset(theme for theme, _ in hits))
        word_lists.append(words)
    if ordered and (learn or model is not None):
        # sklearn is imported here so that reading a taxonomy or matching seeds
        # (finding_themes, the CLI's table) never pays for it.
        from .model import ThemeModel, content_words

        stop = getattr(model, "stop", None)  # a saved model brings its own stop words
        docs = [content_words(words, stop) for words in word_lists]
        if learn:
            model = ThemeModel.fit(docs, labels, taxonomy.ids, seed=seed)
        _extend_with_model(
            ordered, docs, labels, model.predict(docs), result, threshold
        )
    order = {theme_id: i for i, theme_id in enumerate(taxonomy.ids)}
    for scores in result.values():
        scores.sort(key=lambda s: (-s.score, order.get(s.theme, len(order))))
    return result, model


def _extend_with_model(
    ordered: Sequence[tuple[str, str]],
    docs: list[list[str]],
    labels: list[frozenset[str]],
    probabilities: dict[str, Any],
    result: dict[str, list[ThemeScore]],
    threshold: float | None,
) -> None:
    from .model import DEFAULT_THRESHOLD, MIN_CONTENT_WORDS

    cut = DEFAULT_THRESHOLD if threshold is None else threshold
    for theme, column in probabilities.items():
        for row in (column >= cut).nonzero()[0]:
            if theme in labels[row] or len(docs[row]) < MIN_CONTENT_WORDS:
                continue
            pid = ordered[row][0]
            result[pid].append(
                ThemeScore(theme, round(float(column[row]), 4), MODEL_REASON)
            )


def finding_themes(
    sentence: str, passage_themes: list[ThemeScore], taxonomy: Taxonomy
) -> list[str]:
    """A finding's theme ids: its passage's, unless its own sentence is clearly narrower.

    Narrower means the sentence's own seed terms (strong or weak: naming a
    theme is enough here, the passage already carries it) touch some but not
    all of the passage's themes; then only those are kept. A sentence with no
    seed terms of its own says nothing narrower, so it keeps the passage's
    themes.
    """
    passage_ids = [s.theme for s in passage_themes]
    own = set(matcher_for(taxonomy).match_stems(stems(sentence)))
    narrower = [t for t in passage_ids if t in own]
    if narrower and len(narrower) < len(passage_ids):
        return narrower
    if not narrower:
        clear = [s.theme for s in passage_themes if s.score >= CLEAR_SCORE]
        return clear or passage_ids
    return passage_ids


def document_themes(
    passage_themes: Iterable[list[ThemeScore]],
    *,
    min_passages: int = 3,
    min_share: float = 0.1,
) -> list[str]:
    """The themes a document is about, most passages first.

    A theme counts when at least ``min_passages`` passages carry it and they
    are at least ``min_share`` of the passages that carry any theme; a single
    passing mention does not make a document about something. In a short
    document, half its themed passages (rounded up) is always enough. The
    defaults were chosen on the gold (benchmarks/themes_eval.py).
    """
    counts: Counter[str] = Counter()
    themed = 0
    for scores in passage_themes:
        if scores:
            themed += 1
        counts.update({s.theme for s in scores})
    if not themed:
        return []
    needed = min(max(min_passages, min_share * themed), -(-themed // 2))
    return [
        t
        for t, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        if c >= needed
    ]
