"""Word forms for theme matching: a regex tokeniser and a light stemmer.

The blank spaCy pipeline has no lemmatizer, and loading spaCy only to split
words would cost more than the matching itself, so themes use their own small
normaliser. It strips inflections only (plurals, -ing, -ed, a final -e), so
"commissioners" meets "commissioner" and "nursing" meets "nurses", while
derived words ("integration" and "integrated") stay apart and seed lists name
both. Deterministic and cached: a corpus has far fewer distinct words than
tokens.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Letters and digits; hyphens, slashes and ampersands separate words, so
# "co-production" is the two-word term "co production" on both sides.
_WORD = re.compile(r"[a-z0-9]+")
# Possessive 's (straight or curly apostrophe) is dropped before splitting.
_POSSESSIVE = re.compile(r"['\u2019]s\b")
_VOWELS = frozenset("aeiouy")
_KEEP_DOUBLE = frozenset("lsfz")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The inflection-free form of one lower-case word."""
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("sses"):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    base = None
    if word.endswith("ing") and len(word) >= 6:
        base = word[:-3]
    elif word.endswith("ied") and len(word) >= 5:
        word = word[:-3] + "y"
    elif word.endswith("ed") and len(word) >= 5:
        base = word[:-2]
    if base is not None and _VOWELS.intersection(base):
        word = base
        if (
            len(word) >= 3
            and word[-1] == word[-2]
            and word[-1] not in _VOWELS
            and word[-1] not in _KEEP_DOUBLE
        ):
            word = word[:-1]
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    return word


def words(text: str) -> list[str]:
    """Lower-case surface words of ``text``, in order."""
    return _WORD.findall(_POSSESSIVE.sub("", text.lower()))


# A plain dict in front of the lru_cache: a corpus has few distinct words and
# this lookup is the hot path (millions of tokens per run).
_KNOWN: dict[str, str] = {}
_KNOWN_MAX = 500_000


def _learn(word: str) -> str:
    if len(_KNOWN) >= _KNOWN_MAX:
        _KNOWN.clear()
    form = _KNOWN[word] = stem(word)
    return form


def stems(text: str) -> list[str]:
    """Normalised word forms of ``text``, in order."""
    known = _KNOWN.get
    return [
        known(w) or _learn(w) for w in _WORD.findall(_POSSESSIVE.sub("", text.lower()))
    ]
