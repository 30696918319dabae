"""Seed-term matching: the high-precision first pass of theme assignment.

Terms are compared as tuples of normalised word forms, found by one pass over
a passage's words with a dictionary keyed on each term's first word; at each
position the longest term wins and its words are consumed, so "care quality
commission" (governance) is not also read as "commission" (commissioning).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

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
            for term, weak in [(t, False) for t in theme.terms] + [
                (t, True) for t in theme.weak_terms
            ]:
                by_term.setdefault(tuple(stems(term)), {}).setdefault(
                    theme.id, (term, weak)
                )
        # Single-word terms by their word; longer ones by their first two
        # words, longest first, so each position costs one or two lookups.
        singles: dict[str, tuple[_Entry, ...]] = {}
        longer: dict[tuple[str, str], list[tuple[list[str], tuple[_Entry, ...]]]] = {}
        for key, owners in by_term.items():
            entries = tuple(
                (owner, surface, weak) for owner, (surface, weak) in owners.items()
            )
            if len(key) == 1:
                singles[key[0]] = entries
            else:
                longer.setdefault((key[0], key[1]), []).append((list(key), entries))
        for candidates in longer.values():
            candidates.sort(key=lambda item: (-len(item[0]), item[0]))
        self._singles = singles
        self._longer = longer
        self._starts = frozenset(singles) | frozenset(first for first, _ in longer)
        self.theme_ids: tuple[str, ...] = taxonomy.ids

    def match_stems(self, words: Sequence[str]) -> dict[str, SeedHit]:
        """Theme id -> what matched, for every theme with any match (assigned or not)."""
        return self.scan(words)[0]

    def scan(self, words: Sequence[str]) -> tuple[dict[str, SeedHit], list[str]]:
        """What :meth:`match_stems` finds, and ``words`` without the neutral terms.

        The model learns from the second: words that only name the field
        ("integrated care system", "Health and Social Care Committee") would
        otherwise teach it that every passage naming the field is about
        integration or social care, which is what neutral terms prevent for
        the seeds.
        """
        found: dict[str, SeedHit] = {}
        starts, singles, longer = self._starts, self._singles, self._longer
        words = list(words)
        n = len(words)
        neutral: list[tuple[int, int]] = []
        consumed = 0  # words before this position belong to a matched term
        for i in [i for i, word in enumerate(words) if word in starts]:
            if i < consumed:
                continue
            entries = None
            if i + 1 < n:
                for key, candidate in longer.get((words[i], words[i + 1]), ()):
                    if words[i : i + len(key)] == key:
                        entries, consumed = candidate, i + len(key)
                        break
            if entries is None:
                entries = singles.get(words[i])
                if entries is None:
                    continue
                consumed = i + 1
            for owner, surface, weak in entries:
                if owner is None:  # a neutral term: consumed, assigns nothing
                    neutral.append((i, consumed))
                    continue
                hit = found.get(owner)
                if hit is None:
                    hit = found[owner] = SeedHit()
                (hit.weak if weak else hit.strong).add(surface)
                hit.hits += 1
        if not neutral:
            return found, words
        kept: list[str] = []
        at = 0
        for begin, end in neutral:
            kept.extend(words[at:begin])
            at = end
        kept.extend(words[at:])
        return found, kept

    def match(self, text: str) -> dict[str, SeedHit]:
        """Like :meth:`match_stems`, from raw text."""
        return self.match_stems(stems(text))

    def assigned(self, words: Sequence[str]) -> dict[str, SeedHit]:
        """Only the themes the seed terms assign."""
        return {k: v for k, v in self.match_stems(words).items() if v.assigned}


@lru_cache(maxsize=8)
def matcher_for(taxonomy: Taxonomy) -> SeedMatcher:
    """One matcher per taxonomy, built once (finding_themes calls it per finding)."""
    return SeedMatcher(taxonomy)
