"""Seed-term matching: the high-precision first pass of theme assignment.

Terms are compared as tuples of normalised word forms, found by one pass over
a passage's words with a dictionary keyed on each term's first word; at each
position the longest term wins and its words are consumed, so "care quality
commission" (governance) is not also read as "commission" (commissioning).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Sequence

from .normalise import stems
from .taxonomy import Taxonomy


@dataclass
class SeedHit:
    """What one passage matched for one theme."""

    strong: set[str] = field(default_factory=set)
    weak: set[str] = field(default_factory=set)
    hits: int = 0

    @property
    def assigned(self) -> bool:
        """One strong term, or two different terms of any strength."""
        return bool(self.strong) or len(self.weak) >= 2

    @property
    def score(self) -> float:
        """Grows with distinct terms (and, less, with repeats); 0.5 for one term once."""
        distinct = len(self.strong) + len(self.weak)
        repeats = self.hits - distinct
        return round(1.0 - 0.5 ** (distinct + 0.5 * repeats), 4)

    @property
    def reason(self) -> str:
        return "seed: " + ", ".join(sorted(self.strong | self.weak))


# (theme id or None for neutral, surface form as written, weak?)
_Entry = tuple[str | None, str, bool]


class SeedMatcher:
    """Finds every theme's seed terms in normalised word sequences."""

    def __init__(self, taxonomy: Taxonomy) -> None:
        by_term: dict[tuple[str, ...], dict[str | None, tuple[str, bool]]] = {}
        for term in taxonomy.neutral_terms:
            by_term.setdefault(tuple(stems(term)), {}).setdefault(None, (term, False))
        for theme in taxonomy.themes:
            # Strong terms first, so a term listed as both counts as strong.
            for term, weak in [(t, False) for t in theme.terms] + [(t, True) for t in theme.weak_terms]:
                by_term.setdefault(tuple(stems(term)), {}).setdefault(theme.id, (term, weak))
        index: dict[str, list[tuple[tuple[str, ...], tuple[_Entry, ...]]]] = {}
        for key, owners in by_term.items():
            entries = tuple((owner, surface, weak) for owner, (surface, weak) in owners.items() if owner is not None)
            index.setdefault(key[0], []).append((key, entries))
        for candidates in index.values():
            candidates.sort(key=lambda item: (-len(item[0]), item[0]))
        self._index = index
        self.theme_ids: tuple[str, ...] = taxonomy.ids

    def match_stems(self, words: Sequence[str], rest: list[str] | None = None) -> dict[str, SeedHit]:
        """Theme id -> what matched, for every theme with any match (assigned or not).

        With ``rest``, the words outside every matched term are appended to
        it: the context the model learns from, without the seeds themselves.
        """
        found: dict[str, SeedHit] = {}
        index = self._index
        i = 0
        n = len(words)
        while i < n:
            candidates = index.get(words[i])
            if candidates is None:
                if rest is not None:
                    rest.append(words[i])
                i += 1
                continue
            step = 1
            for key, entries in candidates:
                size = len(key)
                if size == 1 or tuple(words[i : i + size]) == key:
                    for owner, surface, weak in entries:
                        hit = found.get(owner)  # type: ignore[arg-type]
                        if hit is None:
                            hit = found[owner] = SeedHit()  # type: ignore[index]
                        (hit.weak if weak else hit.strong).add(surface)
                        hit.hits += 1
                    step = size
                    break
            else:
                if rest is not None:
                    rest.append(words[i])
            i += step
        return found

    def match(self, text: str) -> dict[str, SeedHit]:
        """Like :meth:`match_stems`, from raw text."""
        return self.match_stems(stems(text))

    def assigned(self, words: Sequence[str], rest: list[str] | None = None) -> dict[str, SeedHit]:
        """Only the themes the seed terms assign (``rest`` as in :meth:`match_stems`)."""
        return {k: v for k, v in self.match_stems(words, rest).items() if v.assigned}


@lru_cache(maxsize=8)
def matcher_for(taxonomy: Taxonomy) -> SeedMatcher:
    """One matcher per taxonomy, built once (finding_themes calls it per finding)."""
    return SeedMatcher(taxonomy)
