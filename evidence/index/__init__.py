"""The passage index: what search runs on, behind one interface.

Backend-neutral (no engine in them):

- ``protocol``  the index as ingest and search use it: ``SearchIndex``
  (open or create, check, batches, rebuild), ``IndexBatch``, ``Searcher``,
  ``Backend``; ``IndexRecord`` in, ``RawHit`` out.
- ``query``     the query tree (Word, Phrase, Prefix, Fuzzy, Filter, AllOf,
  AnyOf, Not, Everything) that ``evidence.search`` parses queries into.
- ``analysis``  words, Porter2 stems, possessives, stop words, word hashes.
- ``evaluate``  query evaluation with numpy over posting arrays: BM25,
  phrases on the word-hash sequence, exact counts, top hits.

The Whoosh backend:

- ``whoosh_index``    PassageIndex, IndexSearcher, the schema, damage checks
  (Whoosh's public API).
- ``whoosh_adapter``  every use of Whoosh's private names, each saying what it
  relies on and which test pins it.

Ingest and search open the index through ``BACKEND``.
"""

from __future__ import annotations

from pathlib import Path

from evidence.index.analysis import (
    STOP_WORDS,
    filter_value,
    stems,
    tokens,
    word_sequence,
    words,
)
from evidence.index.evaluate import TITLE_BOOST
from evidence.index.protocol import (
    Backend,
    IndexBatch,
    IndexRecord,
    RawHit,
    Searcher,
    SearchIndex,
)
from evidence.index.query import (
    FILTER_FIELDS,
    AllOf,
    AnyOf,
    Everything,
    Filter,
    Fuzzy,
    Node,
    Not,
    Phrase,
    Prefix,
    Word,
)

# The index files name these four as evidence.index.<name> (pickled in the
# table of contents and the posting blocks; see whoosh_adapter.PICKLED_MODULE):
# they must stay importable from here for every index written so far to open.
from evidence.index.whoosh_adapter import (
    CountedText,
    EvidenceCodec,
    WriterDied,
)
from evidence.index.whoosh_adapter import (
    _array_from_bytes as _array_from_bytes,
)
from evidence.index.whoosh_index import (
    INDEX_FORMAT,
    INDEX_NAME,
    BatchWriter,
    IndexSearcher,
    PassageIndex,
    WhooshBackend,
    WordAnalyzer,
)

#: The engine ingest and search use.
BACKEND: Backend = WhooshBackend()


def open_index(index_dir: Path) -> SearchIndex:
    """The index under ``index_dir`` for writing (created if need be)."""
    return BACKEND.open_index(index_dir)


def open_searcher(index_dir: Path) -> Searcher:
    """The last commit of the index under ``index_dir``, for searching."""
    return BACKEND.open_searcher(index_dir)


__all__ = [
    "BACKEND",
    "FILTER_FIELDS",
    "INDEX_FORMAT",
    "INDEX_NAME",
    "STOP_WORDS",
    "TITLE_BOOST",
    "AllOf",
    "AnyOf",
    "Backend",
    "BatchWriter",
    "CountedText",
    "EvidenceCodec",
    "Everything",
    "Filter",
    "Fuzzy",
    "IndexBatch",
    "IndexRecord",
    "IndexSearcher",
    "Node",
    "Not",
    "PassageIndex",
    "Phrase",
    "Prefix",
    "RawHit",
    "SearchIndex",
    "Searcher",
    "WhooshBackend",
    "Word",
    "WordAnalyzer",
    "WriterDied",
    "filter_value",
    "open_index",
    "open_searcher",
    "stems",
    "tokens",
    "word_sequence",
    "words",
]
