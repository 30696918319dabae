"""Related themes: which themes turn up in the same passages more than chance says."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import combinations
from typing import Protocol

from .assign import ThemeScore

#: Pairs seen together in fewer passages than this are not reported.
MIN_TOGETHER = 2


class ScoresByPassage(Protocol):
    """Each passage's theme scores, read once: a dict, or a stream from the store."""

    def values(self) -> Iterable[Sequence[ThemeScore]]: ...


def related_themes(
    assignments: ScoresByPassage,
) -> dict[str, list[tuple[str, float]]]:
    """Theme id -> [(other theme, normalised PMI)], strongest first, positive only.

    Normalised PMI (between -1 and 1) rather than raw counts, so a theme that
    is everywhere does not look related to everything.
    """
    singles: Counter[str] = Counter()
    pairs: Counter[tuple[str, str]] = Counter()
    total = 0
    for scores in assignments.values():
        themes = sorted({s.theme for s in scores})
        total += 1
        singles.update(themes)
        pairs.update(combinations(themes, 2))
    related: dict[str, list[tuple[str, float]]] = {
        theme: [] for theme in sorted(singles)
    }
    for (a, b), together in pairs.items():
        if together < MIN_TOGETHER:
            continue
        p_ab = together / total
        if p_ab >= 1.0:
            continue
        npmi = math.log(
            p_ab / ((singles[a] / total) * (singles[b] / total))
        ) / -math.log(p_ab)
        value = round(npmi, 4)
        if value > 0:
            related[a].append((b, value))
            related[b].append((a, value))
    for items in related.values():
        items.sort(key=lambda item: (-item[1], item[0]))
    return related
