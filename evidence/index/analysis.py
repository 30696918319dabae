"""Word analysis: how passage text becomes the words and stems the index holds.

Backend-neutral: tokenising (one regular expression; dots and apostrophes
inside a word, a possessive "'s" split off), lower-casing, stop words and
Porter2 stemming, and the 64-bit word hashes a phrase is matched on. Every
backend must index exactly these words, and highlighting marks exactly
these words (``tokens``), so a search hit and its highlight always agree.

The Porter2 stemmer is Whoosh's pure-Python one (``whoosh.lang.porter2``),
used as a library function, not as part of the engine: a second backend
keeps calling it (stems must not change under an existing index).
"""

from __future__ import annotations

import re
import zlib
from functools import lru_cache

import numpy as np
from whoosh.lang.porter2 import stem as _porter2_stem

#: A word (group 1) may hold dots and apostrophes ("e.g", "o'neill", "don't");
#: a possessive "'s" at its end is matched but left out, so "board's" is "board".
WORD_PATTERN = r"(\w+(?:(?:\.|['’](?![sS]\b))\w+)*)(?:['’][sS]\b)?"
WORD_RE = re.compile(WORD_PATTERN)

#: Dropped from the stemmed title field and from word queries' stems; kept in
#: the body, so phrases and prefixes see them. Whoosh's English list, copied
#: so that analysis needs no engine; tests/test_index_backend.py pins it.
STOP_WORDS = frozenset(
    (
        "a an and are as at be by can for from have if in is it may not of on or"
        " tbd that the this to us we when will with yet you your"
    ).split()
)

#: Stems and word hashes are asked for once per word occurrence but differ
#: only per distinct word: both are memoised, within a bound.
_WORD_CACHE = 200_000

#: Porter2 (Snowball English), not Whoosh's Porter: that one stems "planning"
#: to "plann" and "days" to "dai" beside "day", so word forms the README
#: promises went unmatched.
stem = lru_cache(maxsize=_WORD_CACHE)(_porter2_stem)

#: How a passage's word hashes are stored: little-endian unsigned 64-bit.
SEQ_DTYPE = np.dtype("<u8")


def words(text: str) -> list[str]:
    """The indexed words of ``text`` in the body field (lower case, stop words kept)."""
    return [w.lower() for w in WORD_RE.findall(text)]


def stems(text: str) -> list[str]:
    """The stems of ``text``'s words, stop words dropped: what a word query matches on."""
    return [stem(w) for w in words(text) if w not in STOP_WORDS]


def tokens(text: str) -> list[tuple[int, int, str, str]]:
    """(start, end, lower-cased word, stem) for each word, as the index sees them.

    Highlighting uses this so it marks exactly the words the index matched.
    """
    out = []
    for m in WORD_RE.finditer(text):
        low = m.group(1).lower()
        out.append((m.start(1), m.end(1), low, stem(low)))
    return out


def filter_value(text: str) -> str:
    """How names are compared in filters: lower-case words, punctuation dropped."""
    return " ".join(words(text))


@lru_cache(maxsize=_WORD_CACHE)
def word_hash(word: str) -> int:
    """A 64-bit hash of a body word, never 0 (0 marks the start of a passage)."""
    raw = word.encode("utf-8")
    return (zlib.crc32(raw) << 32 | zlib.adler32(raw)) | 1


def word_sequence(text: str) -> bytes:
    """The passage's body words as hashes in order, after a 0 marking its start.

    Stored as a column, all passages of a segment end to end: a phrase is then
    found by comparing whole arrays, which costs far less to build than
    positions or word pairs in the inverted index and less to read.
    """
    return np.array([0, *map(word_hash, words(text))], dtype=SEQ_DTYPE).tobytes()
