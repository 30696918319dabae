"""The rule lexicons of the NLP components, and the two helpers that read them.

Every word list the components match (currencies, modal verbs, reporting
verbs, organisation aliases ...) is a JSON file in this folder, so a rule
can be tuned without touching code. :func:`load_patterns` reads one;
:func:`alternation` turns a word list into the body of a regular expression.
Both are the only copies in the package: a component that needs a lexicon
imports them from here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

#: The folder of the shipped lexicons (installed as package data).
PATTERNS_DIR = Path(__file__).resolve().parent


def load_patterns(name: str | Path) -> dict[str, Any]:
    """One JSON lexicon: a file name in this folder, or a :class:`~pathlib.Path` read where it is.

    Not cached: each component builds its compiled cues once (its own
    ``lru_cache``) and may keep or change what it is given.
    """
    path = name if isinstance(name, Path) else PATTERNS_DIR / name
    with path.open(encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


def alternation(words: Iterable[str], *, space: str = r"\s") -> str:
    r"""The words as regex alternatives, escaped, longest first; a space matches a run of ``space``.

    Longest first because a regex alternation takes the first alternative
    that fits, not the longest: "call on" must be tried before "call".
    Duplicates are dropped and words of one length sorted, so the pattern
    does not depend on the order of the JSON list (which of two words of
    the same length is tried first cannot change a match: both can match
    at one place only if they are the same word, up to case where case is
    ignored). ``space`` is a character
    class: ``\s`` by default, the figure component's own class (which adds
    the no-break and thin spaces) for figures.
    """
    unique = sorted(set(words), key=lambda word: (-len(word), word))
    return "|".join(re.escape(word).replace(r"\ ", space + "+") for word in unique)
