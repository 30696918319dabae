"""The query tree: what ``evidence.search`` builds and an index backend executes.

Backend-neutral: nothing here knows how the index is stored. The query
language (``evidence.search.parse_query``: words, "phrases", OR, NOT,
prefix*, fuzzy~, field filters, synonyms) is parsed into these nodes; a
backend evaluates them (``evidence.index.evaluate`` for the Whoosh one), so
the engine can be swapped without touching the language.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Filter fields a query may name, mapped to the index field they search.
FILTER_FIELDS = {
    "kind": "kinds",
    "theme": "themes",
    "source": "source",
    "type": "doc_type",
    "year": "year",
    "ref": "ref",
    "mentions": "orgs",
}


@dataclass(frozen=True)
class Word:
    """A word that must occur in the passage, in any form with the same stem."""

    text: str


@dataclass(frozen=True)
class Phrase:
    """Words in this order in the passage body, stop words included, unstemmed."""

    words: tuple[str, ...]


@dataclass(frozen=True)
class Prefix:
    """Any body word starting with ``text``."""

    text: str


@dataclass(frozen=True)
class Fuzzy:
    """Any body word within ``maxdist`` edits of ``text``."""

    text: str
    maxdist: int


@dataclass(frozen=True)
class Filter:
    """A filter field (see FILTER_FIELDS) equal to any of ``values`` (lower case)."""

    field: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class AllOf:
    parts: tuple[Node, ...]


@dataclass(frozen=True)
class AnyOf:
    parts: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    part: Node


@dataclass(frozen=True)
class Everything:
    """Every passage: the base a query made only of NOT terms subtracts from."""


Node = Word | Phrase | Prefix | Fuzzy | Filter | AllOf | AnyOf | Not | Everything
