"""Number normalisation: written numbers ("5.7bn", "1,500", "forty-two",
"one hundred and five") to floats.

Kept apart from the figure component so the grammar can be tested on its own
and reused (the benchmarks parse gold values with it). Lexicons live in
``patterns/figure_number_words.json`` and ``patterns/figure_scales.json``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from .patterns import load_patterns

#: Characters that may group thousands inside a digit string.
GROUP_SEPARATORS = ",\u00a0\u2009\u202f "
_SEPARATOR_TABLE = str.maketrans("", "", GROUP_SEPARATORS)


@dataclass(frozen=True)
class Lexicon:
    """Number words by role, lower-cased."""

    units: dict[str, float]
    teens: dict[str, float]
    tens: dict[str, float]
    hundred: dict[str, float]
    scales: dict[str, float]
    dozen: dict[str, float]
    articles: frozenset[str]
    fractions: dict[str, int]
    scale_words: dict[str, float]
    spaced_abbreviations: dict[str, float]
    glued_abbreviations: dict[str, float]

    @property
    def counting_words(self) -> list[str]:
        """Every word that can be part of a spelled-out cardinal."""
        words: list[str] = []
        for table in (
            self.units,
            self.teens,
            self.tens,
            self.hundred,
            self.scales,
            self.dozen,
        ):
            words.extend(table)
        return words


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The number lexicon, read once."""
    words = load_patterns("figure_number_words.json")
    scales = load_patterns("figure_scales.json")
    return Lexicon(
        units={k: float(v) for k, v in words["units"].items()},
        teens={k: float(v) for k, v in words["teens"].items()},
        tens={k: float(v) for k, v in words["tens"].items()},
        hundred={k: float(v) for k, v in words["hundred"].items()},
        scales={k: float(v) for k, v in words["scales"].items()},
        dozen={k: float(v) for k, v in words["dozen"].items()},
        articles=frozenset(words["articles"]),
        fractions={k: int(v) for k, v in words["fractions"].items()},
        scale_words={k: float(v) for k, v in scales["words"].items()},
        spaced_abbreviations={
            k: float(v) for k, v in scales["spaced_abbreviations"].items()
        },
        glued_abbreviations={
            k: float(v) for k, v in scales["glued_abbreviations"].items()
        },
    )


def parse_digits(text: str) -> float:
    """A digit string with optional thousands separators and decimals."""
    cleaned = text.translate(_SEPARATOR_TABLE)
    if not cleaned or cleaned.count(".") > 1:
        raise ValueError(f"not a digit number: {text!r}")
    return float(cleaned)


def _role(word: str, lex: Lexicon) -> str | None:
    if word in lex.units:
        return "unit"
    if word in lex.teens:
        return "teen"
    if word in lex.tens:
        return "tens"
    if word in lex.hundred:
        return "hundred"
    if word in lex.scales:
        return "scale"
    if word in lex.dozen:
        return "dozen"
    if word == "and":
        return "and"
    if word in lex.articles:
        return "article"
    return None


_ALLOWED_AFTER: dict[str, frozenset[str | None]] = {
    # role -> roles that may come right before it
    "unit": frozenset({None, "tens", "hundred", "scale", "and"}),
    "teen": frozenset({None, "hundred", "scale", "and"}),
    "tens": frozenset({None, "hundred", "scale", "and"}),
    "hundred": frozenset({"unit", "teen", "tens", "article"}),
    "scale": frozenset({"unit", "teen", "tens", "hundred", "article", "dozen"}),
    "dozen": frozenset({"unit", "teen", "tens", "article"}),
    "and": frozenset({"hundred", "scale"}),
    "article": frozenset({None}),
}


def longest_word_number(words: list[str], start: int = 0) -> tuple[int, float] | None:
    """The longest prefix of ``words[start:]`` that is one cardinal number.

    Returns (number of words used, value), or None when ``words[start]`` does
    not begin a number. "three and ten" stops after "three": "and" only joins
    a hundred or a scale to what follows it.
    """
    lex = lexicon()
    total = 0.0
    group = 0.0
    last: str | None = None
    last_scale = float("inf")
    best: tuple[int, float] | None = None
    for index in range(start, len(words)):
        word = words[index].lower()
        role = _role(word, lex)
        if role is None or last not in _ALLOWED_AFTER[role]:
            break
        if role == "unit":
            if last == "tens" and group % 10:
                break
            if word in ("zero", "nought", "naught") and last is not None:
                break
            group += lex.units[word]
        elif role == "teen":
            group += lex.teens[word]
        elif role == "tens":
            if last in ("hundred", "and", "scale") and group % 100:
                break
            group += lex.tens[word]
        elif role == "hundred":
            if group >= 100:
                break
            group = (group or 1.0) * 100.0
        elif role == "dozen":
            group = (group or 1.0) * 12.0
        elif role == "scale":
            scale = lex.scales[word]
            if scale >= last_scale:
                break
            total += (group or 1.0) * scale
            group = 0.0
            last_scale = scale
        last = role
        if role not in ("and", "article"):
            best = (index - start + 1, total + group)
    return best


def scale_value(word: str, *, glued: bool) -> float | None:
    """Multiplier of a scale word or abbreviation, or None."""
    lex = lexicon()
    lowered = word.lower()
    if lowered in lex.scale_words:
        return lex.scale_words[lowered]
    if lowered in lex.spaced_abbreviations:
        return lex.spaced_abbreviations[lowered]
    if glued and word in lex.glued_abbreviations:
        return lex.glued_abbreviations[word]
    return None
