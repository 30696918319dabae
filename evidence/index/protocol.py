"""What ingest and search need of a passage index, whatever engine holds it.

Backend-neutral. ``evidence.ingest`` writes through ``SearchIndex`` and
``IndexBatch``; ``evidence.search`` reads through ``Searcher``; both open
them through a ``Backend``. The Whoosh backend (``evidence.index.whoosh_index``)
is the one implementation today; the README's "A second search backend"
says what another would implement.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from evidence.index.query import Node


@dataclass(frozen=True)
class IndexRecord:
    """One search document: a passage with what search filters and shows."""

    passage_id: str
    doc_id: str
    text: str
    heading: str | None
    page: int | None
    doc_title: str
    doc_org: str | None
    doc_path: str
    doc_type: str | None
    year: int | None
    ref: str | None
    kinds: tuple[str, ...]
    themes: tuple[str, ...]
    orgs: tuple[str, ...]


@dataclass(frozen=True)
class RawHit:
    """A stored passage and its score, before evidence.search shapes it.

    ``fields`` holds the stored fields: passage_id, doc_id, text, kinds,
    themes (comma-joined, lower case), page, doc_title, doc_org, doc_path.
    """

    score: float
    fields: dict[str, Any]


class IndexBatch(Protocol):
    """Adds and removes whole documents inside one all-or-nothing commit."""

    def replace_document(self, doc_id: str, records: Iterable[IndexRecord]) -> int:
        """Delete every passage of ``doc_id``, add ``records``; return how many were added.

        A doc_id may be written at most once per batch (ValueError otherwise).
        """
        ...

    def delete_document(self, doc_id: str) -> None:
        """Remove every passage of ``doc_id`` (nothing happens if it is absent)."""
        ...


class SearchIndex(Protocol):
    """The index as an ingest sees it: opened or created, checked, written in batches.

    Opening (``Backend.open_index``) creates an empty index where there is
    none and empties one it cannot use, saying so in three flags; whenever
    one is set, every document must be indexed again.
    """

    #: An index of an older layout was found and emptied.
    rebuilt: bool
    #: Why an index found here could not be read (and was emptied), else None.
    damaged: str | None
    #: No index was here (a first ingest, or the folder was deleted).
    created: bool

    def writer(self, *, procs: int = 1) -> AbstractContextManager[IndexBatch]:
        """One batch: committed when the block exits normally, cancelled on any exception.

        ``procs`` is a hint: how many processes may analyse and write the
        added passages. Raises IndexLockedError while another batch is open.
        """
        ...

    def passages_per_doc(self) -> dict[str, int]:
        """Live passages of each document in the last commit (the check against the store)."""
        ...

    def passage_count(self) -> int:
        """Live passages in the last commit."""
        ...

    def doc_ids(self) -> set[str]: ...

    def passage_ids(self) -> set[str]: ...

    def reset(self) -> None:
        """Empty the index (the rebuild): the caller indexes everything again."""
        ...

    def clear_stale_lock(self) -> bool:
        """Clear what a writer killed mid-batch left behind; True if there was any."""
        ...


class Searcher(Protocol):
    """A read-only view of the last commit: queries and the lexicon.

    Raises StoreError (and leaves a note for the next ingest to rebuild)
    when the index files cannot be read.
    """

    def search(
        self, node: Node, limit: int, *, title_stems: Iterable[str] = ()
    ) -> tuple[list[RawHit], int]:
        """The best ``limit`` passages matching ``node`` and how many match in all.

        Ranked by BM25 of the body words, plus ``title_stems`` (stems of the
        query's positive words) in the document title and heading weighted
        by TITLE_BOOST; ties broken by passage id. Scores are rounded to
        four decimal places. The count is exact.
        """
        ...

    def word_frequency(self, word: str) -> int:
        """In how many passages the exact (unstemmed) body word occurs."""
        ...

    def similar_words(self, word: str, maxdist: int) -> list[tuple[str, int]]:
        """Body words within ``maxdist`` Damerau-Levenshtein edits, with their passage counts."""
        ...

    def field_values(self, field_name: str) -> list[str]:
        """Every value a filter field (a FILTER_FIELDS key) holds, sorted."""
        ...

    def prefix_words(self, prefix: str, limit: int | None = 512) -> list[str]:
        """Body words starting with ``prefix``, alphabetical (at most ``limit``)."""
        ...

    def close(self) -> None: ...

    def __enter__(self) -> Searcher: ...

    def __exit__(self, *exc: object) -> None: ...


class Backend(Protocol):
    """An engine: opens (creating if need be) the index kept under an index directory."""

    def open_index(self, index_dir: Path) -> SearchIndex:
        """For writing: create, check, and empty what cannot be used (see SearchIndex)."""
        ...

    def open_searcher(self, index_dir: Path) -> Searcher:
        """For reading the last commit; StoreError if there is no usable index."""
        ...
