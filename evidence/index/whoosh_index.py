"""The Whoosh backend: the passage index under ``<index-dir>/whoosh``.

Implements ``evidence.index.protocol`` (``SearchIndex``, ``IndexBatch``,
``Searcher``) with Whoosh's public API; what needs Whoosh's private names
(the fast segment writer, reading posting blocks and columns as arrays,
lock and file names) is in ``whoosh_adapter``, and queries are evaluated by
``evaluate`` on the arrays this module hands it.

Fields. ``text`` is the passage lower-cased and unstemmed, stop words kept,
with term frequencies but no positions: prefixes, fuzzy terms and spelling
suggestions see real words, and a word query is stemmed at search time
instead: it matches every indexed form of the word with the same Porter stem
("recommendations" -> recommend, recommended, recommendation...), found in
the lexicon. ``seq`` is a column of each passage's words as hashes in order:
a phrase ("store the") is matched on it, stop words included, so it never
over-matches through a dropped stop word. ``title`` (document
title plus section heading) is stemmed and weighted above the body. Filter
fields are lower-cased keywords. Only what a result needs is stored.
"""

from __future__ import annotations

import errno
import functools
import json
import os
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
from whoosh import index as _windex
from whoosh.analysis import Analyzer, Token
from whoosh.columns import VarBytesColumn
from whoosh.fields import COLUMN, ID, KEYWORD, STORED, Schema

from evidence.errors import EvidenceError, IndexLockedError, StoreError
from evidence.index import whoosh_adapter as adapter
from evidence.index.analysis import (
    STOP_WORDS,
    WORD_RE,
    filter_value,
    stem,
    word_sequence,
)
from evidence.index.evaluate import Evaluator
from evidence.index.protocol import IndexRecord, RawHit
from evidence.index.query import FILTER_FIELDS, Node
from evidence.store import no_space

INDEX_NAME = "MAIN"
#: Written beside the lock while a batch is open: if it outlives its process, the batch died.
_MARKER_NAME = "WRITER_PID"
#: zlib level for posting blocks: 0 trades index size for build and query speed.
_POSTING_COMPRESSION = 0
#: Postings per block: large blocks mean fewer reads per posting list.
_POSTING_BLOCK = 1024
#: The index layout; an index of another format is rebuilt by the next ingest.
#: 3: Porter2 stems, possessive 's split off; 4: passage ids "<doc id>-passage<n>"
#: (store schema 3), so no index holding the old "-p<n>" ids is searched.
INDEX_FORMAT = "4"
_FORMAT_NAME = "FORMAT"
#: A search that found the index unreadable leaves this file, so the next ingest rebuilds it.
_DAMAGED_NAME = "DAMAGED"
#: Sizes and change times of the committed files when they were last found sound.
_CHECKED_NAME = "CHECKED"


# --- the schema -------------------------------------------------------------


class WordAnalyzer(Analyzer):
    """Lower-cased words in one regex pass, optionally stemmed without stop words.

    Whoosh's composed analyzers pass every token through a chain of Python
    generators; doing it in one loop is most of what building spends on
    analysis. Stop words removed for the stemmed field still take a position.
    The words are ``analysis.words``/``analysis.stems``, token by token.
    """

    # The schema names it (see whoosh_adapter.PICKLED_MODULE): renaming it
    # makes older indexes unreadable (derived data: re-ingest).
    __module__ = adapter.PICKLED_MODULE

    def __init__(self, stem: bool) -> None:
        self.stem = stem

    def __eq__(self, other: object) -> bool:
        return isinstance(other, WordAnalyzer) and other.stem == self.stem

    def __hash__(self) -> int:
        return hash(("WordAnalyzer", self.stem))

    def __call__(  # the signature Whoosh calls analyzers with
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        stemmed = self.stem
        for pos, m in enumerate(WORD_RE.finditer(value), start_pos):
            word = m.group(1).lower()
            if stemmed:
                if word in STOP_WORDS:
                    continue
                word = stem(word)
            t.text = word
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = m.group(1)
            if positions:
                t.pos = pos
            if chars:
                t.startchar = start_char + m.start(1)
                t.endchar = start_char + m.end(1)
            yield t


def _schema() -> Schema:
    stemmed = WordAnalyzer(stem=True)
    exact = WordAnalyzer(stem=False)
    return Schema(
        passage_id=ID(stored=True, unique=True),
        doc_id=ID(stored=True),
        text=adapter.CountedText(analyzer=exact, phrase=False, stored=True),
        seq=COLUMN(VarBytesColumn()),
        title=adapter.CountedText(analyzer=stemmed, phrase=False),
        kinds=KEYWORD(stored=True, lowercase=True, commas=True, scorable=False),
        themes=KEYWORD(stored=True, lowercase=True, commas=True, scorable=False),
        orgs=KEYWORD(lowercase=True, commas=True, scorable=False),
        source=ID,
        doc_type=ID,
        year=ID,
        ref=ID,
        page=STORED,
        doc_title=STORED,
        doc_org=STORED,
        doc_path=STORED,
    )


_SCHEMA = _schema()


def _join(values: Iterable[str]) -> str:
    return ",".join(v.strip().lower() for v in values if v and v.strip())


def document(record: IndexRecord) -> dict[str, Any]:
    """A passage's Whoosh fields."""
    title = record.doc_title or ""
    if record.heading:
        title = f"{title}\n{record.heading}"
    doc: dict[str, Any] = {
        "passage_id": record.passage_id,
        "doc_id": record.doc_id,
        "text": record.text,
        "seq": word_sequence(record.text),
        "title": title,
        "kinds": _join(record.kinds),
        "themes": _join(record.themes),
        "orgs": ",".join(v for v in map(filter_value, record.orgs) if v),
        "page": record.page,
        "doc_title": record.doc_title,
        "doc_org": record.doc_org,
        "doc_path": record.doc_path,
    }
    if record.doc_org:
        doc["source"] = filter_value(record.doc_org)
    if record.doc_type:
        doc["doc_type"] = filter_value(record.doc_type)
    if record.year is not None:
        doc["year"] = str(record.year)
    if record.ref:
        doc["ref"] = filter_value(record.ref)
    return doc


def codec() -> adapter.EvidenceCodec:
    """The codec every segment is written with."""
    return adapter.EvidenceCodec(
        blocklimit=_POSTING_BLOCK, compression=_POSTING_COMPRESSION
    )


# --- damage -----------------------------------------------------------------

#: Errors of the machine (disk full, too many open files, out of quota) rather than of the index.
_RESOURCE_ERRNOS = frozenset(
    {
        errno.ENOSPC,
        errno.EDQUOT,
        errno.EMFILE,
        errno.ENFILE,
        errno.ENOMEM,
        errno.EACCES,
        errno.EROFS,
    }
)
#: Exceptions that mean a bug in this module rather than a damaged index: never blamed on the files.
_PROGRAMMING_ERRORS = (
    TypeError,
    AttributeError,
    NameError,
    AssertionError,
    RecursionError,
    MemoryError,
)
_describe = adapter.describe_error


def _damaged(path: Path, why: str, *, mark: bool = False) -> StoreError:
    """The one-line error for an unreadable index; with ``mark``, leave a note for the next ingest."""
    if mark:
        try:
            (path / _DAMAGED_NAME).write_text(why + "\n", encoding="utf-8")
        except OSError:
            pass  # a read-only index folder: the ingest's own probe still looks at the files
    return StoreError(
        f"the search index in {path.parent} is damaged ({why})",
        hint="run `evidence ingest` to rebuild it from the store",
    )


@contextmanager
def _index_damage(path: Path | None) -> Iterator[None]:
    """Inside: a failure reading the committed index (not ours, not the machine's) is damage.

    It becomes one StoreError and a note that makes the next ingest rebuild
    the index, for damage the check at opening did not see (files of the
    same size and time as when they last passed).
    """
    try:
        yield
    except (EvidenceError, *_PROGRAMMING_ERRORS):
        raise
    except Exception as exc:
        if path is None or (isinstance(exc, OSError) and exc.errno in _RESOURCE_ERRNOS):
            raise
        raise _damaged(path, _describe(exc), mark=True) from exc


def _guarded(method: Any) -> Any:
    """Report a failure to read the index files as one StoreError, and mark the index for rebuilding."""

    @functools.wraps(method)
    def wrapper(self: IndexSearcher, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except (EvidenceError, *_PROGRAMMING_ERRORS):
            raise
        except Exception as exc:
            if isinstance(exc, OSError) and exc.errno in _RESOURCE_ERRNOS:
                raise
            raise _damaged(self._path, _describe(exc), mark=True) from exc

    return wrapper


def _signature(ix: Any, path: Path) -> dict[str, Any] | None:
    """The committed generation and its segment files' sizes and change times; None if one is missing.

    Reading an index through (``_probe``) takes about half a second at 50,000
    passages: it is done only when this differs from the last time it passed.
    """
    files: dict[str, list[int]] = {}
    try:
        for name in adapter.committed_files(ix):
            stat = (path / name).stat()
            files[name] = [stat.st_size, stat.st_mtime_ns]
        return {"generation": ix.latest_generation(), "files": files}
    except OSError:
        return None


def _read_checked(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads((path / _CHECKED_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _probe(ix: Any, path: Path) -> None:
    """Raise if the committed index cannot be read: a segment's file gone or empty, a
    lexicon, postings file or stored field unreadable."""
    for name in adapter.committed_files(ix):
        if not (path / name).is_file() or (path / name).stat().st_size == 0:
            raise FileNotFoundError(f"segment file {name} is missing or empty")
    with ix.reader() as reader:
        for leaf, _offset in reader.leaf_readers():
            # Each field's terms, and the postings of its last term, which lie
            # furthest into the postings file: a cut file fails here.
            for field in ix.schema.names():
                if not ix.schema[field].indexed:
                    continue
                last = None
                for term in leaf.lexicon(field):
                    last = term
                if last is not None:
                    for _docnum in leaf.postings(field, last).all_ids():
                        pass
            if leaf.doc_count_all():
                final = leaf.doc_count_all() - 1
                leaf.stored_fields(final)
                leaf.doc_field_length(final, "text")
                leaf.doc_field_length(final, "title")


def _os_error(exc: OSError, path: Path) -> StoreError:
    """A domain error for an OS failure while writing the index."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return no_space(path.parent)
    return StoreError(f"cannot write the search index in {path}: {exc.strerror or exc}")


def _format_of(path: Path) -> str:
    """The layout version written beside an index; indexes from before versioning are "1"."""
    try:
        return (path / _FORMAT_NAME).read_text(encoding="ascii").strip()
    except FileNotFoundError:
        return "1"


def _text(term: bytes | str) -> str:
    return term.decode("utf-8") if isinstance(term, bytes) else term


# --- writing ----------------------------------------------------------------


class BatchWriter:
    """Adds and removes whole documents inside one commit (an ``IndexBatch``).

    Deletions only reach committed segments, so a doc_id may be written at
    most once per batch; a second write would leave duplicates and is refused.
    """

    def __init__(
        self, writer: Any, existing: set[str], path: Path | None = None
    ) -> None:
        self._writer = writer
        self._existing = existing
        self._touched: set[str] = set()
        self._path = path

    def _claim(self, doc_id: str) -> None:
        if doc_id in self._touched:
            raise ValueError(f"document {doc_id} was already written in this batch")
        self._touched.add(doc_id)
        if doc_id in self._existing:
            with _index_damage(self._path):  # deleting reads the committed postings
                self._writer.delete_by_term("doc_id", doc_id)

    def replace_document(self, doc_id: str, records: Iterable[IndexRecord]) -> int:
        """Delete every passage of ``doc_id``, add ``records``; return how many were added."""
        self._claim(doc_id)
        added = 0
        for record in records:
            if record.doc_id != doc_id:
                raise ValueError(
                    f"passage {record.passage_id} belongs to {record.doc_id}, not {doc_id}"
                )
            self._writer.add_document(_record=record)
            added += 1
        return added

    def delete_document(self, doc_id: str) -> None:
        """Remove every passage of ``doc_id`` (nothing happens if it is absent)."""
        self._claim(doc_id)


class PassageIndex:
    """The Whoosh index under ``<index-dir>/whoosh``, created on first use (a ``SearchIndex``)."""

    def __init__(self, directory: Path) -> None:
        self.path = Path(directory) / "whoosh"
        #: True when an index of an older format was found and emptied: the
        #: caller (an ingest, holding the ingest lock) must index every document again.
        self.rebuilt = False
        #: Why an index found here could not be read and was emptied, else None;
        #: as with ``rebuilt``, every document must be indexed again.
        self.damaged: str | None = None
        #: True when no index was here (a first ingest, or the folder was deleted).
        self.created = False
        if self.path.exists() and not self.path.is_dir():
            raise StoreError(
                f"{self.path} is a file, not the search index folder",
                hint="move or delete it and run `evidence ingest` again",
            )
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            self._open()
        except OSError as exc:
            raise _os_error(exc, self.path) from exc

    def _open(self) -> None:
        marked = self.path / _DAMAGED_NAME  # a search found it unreadable
        try:
            if marked.exists():
                self.damaged = (
                    marked.read_text(encoding="utf-8", errors="replace").strip()
                    or "marked damaged"
                )
            elif _windex.exists_in(str(self.path), indexname=INDEX_NAME):
                if _format_of(self.path) == INDEX_FORMAT:
                    self._ix = _windex.open_dir(str(self.path), indexname=INDEX_NAME)
                    signature = _signature(self._ix, self.path)
                    if signature is None or signature != _read_checked(self.path):
                        _probe(self._ix, self.path)
                        self._mark_checked()
                    return
                self.rebuilt = True
            else:
                self.created = True
        except Exception as exc:
            if isinstance(exc, OSError) and exc.errno in _RESOURCE_ERRNOS:
                raise
            self.damaged = _describe(exc)
        if self.rebuilt or self.damaged or any(self.path.iterdir()):
            shutil.rmtree(self.path)
            self.path.mkdir()
        self._create()

    def _create(self) -> None:
        self._ix = _windex.create_in(str(self.path), _SCHEMA, indexname=INDEX_NAME)
        (self.path / _FORMAT_NAME).write_text(INDEX_FORMAT + "\n", encoding="ascii")

    @contextmanager
    def writer(self, *, procs: int = 1) -> Iterator[BatchWriter]:
        """One all-or-nothing batch: commit on normal exit, cancel on any exception.

        With ``procs`` above 1, that many worker processes analyse and write
        the added passages, each into a segment of its own.
        """
        try:
            w = adapter.new_writer(self._ix, document, procs=procs, codec=codec())
        except _windex.LockError as exc:
            raise IndexLockedError(
                f"the search index in {self.path.parent} is locked by another ingest",
                hint="wait for it to finish; if no ingest is running, run the ingest again"
                " (a lock left by a dead process is cleared)",
            ) from exc
        marker = self.path / _MARKER_NAME
        try:
            marker.write_text(f"{os.getpid()}\n", encoding="ascii")
            with _index_damage(self.path), w.reader() as reader:
                existing = {_text(term) for term in reader.lexicon("doc_id")}
            batch = BatchWriter(w, existing, self.path)
            yield batch
            with _index_damage(self.path):  # merging reads the committed segments
                w.commit()
        except BaseException as exc:
            adapter.cancel_writer(w)
            marker.unlink(missing_ok=True)
            if isinstance(exc, OSError) and exc.errno in _RESOURCE_ERRNOS:
                raise _os_error(exc, self.path) from exc
            raise
        marker.unlink(missing_ok=True)
        self._mark_checked()  # just written: the next ingest need not read it through

    def _mark_checked(self) -> None:
        """Remember the committed files as sound (by size and time), so opening skips ``_probe``."""
        try:
            (self.path / _CHECKED_NAME).write_text(
                json.dumps(_signature(self._ix, self.path)), encoding="utf-8"
            )
        except (OSError, ValueError):
            pass  # a read-only folder or a full disk: the next open probes again

    def doc_ids(self) -> set[str]:
        return self._field_values("doc_id")

    def passage_ids(self) -> set[str]:
        return self._field_values("passage_id")

    def passages_per_doc(self) -> dict[str, int]:
        """Live passages of each document in the last commit, for ingest to check against the store."""
        ix = _windex.open_dir(str(self.path), indexname=INDEX_NAME)
        counts: dict[str, int] = {}
        with ix.reader() as reader:
            deletions = reader.has_deletions()
            for term in reader.lexicon("doc_id"):
                doc_id = term.decode("utf-8")
                if deletions:
                    live = sum(1 for _ in reader.postings("doc_id", term).all_ids())
                else:
                    live = reader.doc_frequency("doc_id", term)
                if live:
                    counts[doc_id] = live
        return counts

    def reset(self) -> None:
        """Empty the index (it holds what the store does not): the caller indexes everything again."""
        shutil.rmtree(self.path)
        self.path.mkdir()
        self._create()

    def passage_count(self) -> int:
        """Live passages in the last commit: with ``passage_ids`` it shows no passage is in twice."""
        ix = _windex.open_dir(str(self.path), indexname=INDEX_NAME)
        with ix.reader() as reader:
            count: int = reader.doc_count()
            return count

    def _field_values(self, field: str) -> set[str]:
        """Distinct values of live passages: the lexicon, unless deletions await a merge."""
        ix = _windex.open_dir(str(self.path), indexname=INDEX_NAME)
        with ix.reader() as reader:
            if not reader.has_deletions():
                return {t.decode("utf-8") for t in reader.lexicon(field)}
            return {stored[field] for _docnum, stored in reader.iter_docs()}

    def clear_stale_lock(self) -> bool:
        """Remove a write lock and temporary files left by a process that died mid-ingest.

        Whoosh's lock is an OS file lock, released when its holder dies; what a
        killed ingest leaves behind is our pid marker and half-written
        temporary files. Returns True if such leftovers were removed, False if
        there were none or a live writer holds the lock (then nothing is touched).
        """
        marker = self.path / _MARKER_NAME
        if not marker.exists():
            return False
        lock = adapter.write_lock(self.path, INDEX_NAME)
        if not lock.acquire(blocking=False):
            return False
        try:
            for entry in self.path.iterdir():
                if adapter.is_temporary(entry):
                    if entry.is_dir():
                        shutil.rmtree(entry, ignore_errors=True)
                    else:
                        entry.unlink(missing_ok=True)
            marker.unlink(missing_ok=True)
        finally:
            lock.release()
        return True


# --- searching ---------------------------------------------------------------


class _Segment:
    """One index segment as arrays (an ``evaluate.SegmentView``)."""

    def __init__(self, reader: Any, offset: int) -> None:
        self.reader = reader
        self.offset = offset
        self.size: int = reader.doc_count_all()
        self.live = np.ones(self.size, dtype=bool)
        if reader.has_deletions():
            self.live[adapter.deleted_docs(reader)] = False
        self._lengths: dict[str, np.ndarray] = {}
        self._sequence: tuple[np.ndarray, np.ndarray] | None = None

    def sequence(self) -> tuple[np.ndarray, np.ndarray]:
        """Every passage's word hashes end to end, and where each passage starts."""
        if self._sequence is None:
            self._sequence = adapter.sequence_column(self.reader, "seq")
        return self._sequence

    def postings(self, field: str, term: str) -> tuple[np.ndarray, np.ndarray]:
        return adapter.posting_arrays(self.reader, field, term)

    def lengths(self, field: str, ids: np.ndarray) -> np.ndarray:
        """The lengths in ``field`` of passages ``ids``, from Whoosh's one-byte column.

        The column (a byte a passage) is read once per search; only the bytes
        of ``ids`` are decoded.
        """
        codes = self._lengths.get(field)
        if codes is None:
            codes = self._lengths[field] = adapter.length_codes(
                self.reader, field, self.size
            )
        return adapter.LENGTHS[codes[ids]]


class _Lexicon:
    """Index-wide statistics and word lookups from a Whoosh reader (an ``evaluate.Lexicon``)."""

    def __init__(self, reader: Any) -> None:
        self._reader = reader

    def doc_count_all(self) -> int:
        count: int = self._reader.doc_count_all()
        return count

    def doc_frequency(self, field: str, term: str) -> int:
        frequency: int = self._reader.doc_frequency(field, term)
        return frequency

    def field_length(self, field: str) -> int:
        length: int = self._reader.field_length(field)
        return length

    def words_with_prefix(self, prefix: str) -> Iterator[str]:
        for btext in self._reader.expand_prefix("text", prefix):
            yield _text(btext)

    def similar_words(self, word: str, maxdist: int) -> list[tuple[str, int]]:
        found = set(self._reader.terms_within("text", word, maxdist, prefix=1))
        return sorted(
            ((w, self._reader.doc_frequency("text", w)) for w in found if w != word),
            key=lambda item: (-item[1], item[0]),
        )


class IndexSearcher:
    """A read-only view of the last committed state of the index (a ``Searcher``)."""

    def __init__(self, index_dir: Path) -> None:
        path = self._path = Path(index_dir) / "whoosh"
        if path.exists() and not path.is_dir():
            raise StoreError(
                f"{path} is a file, not the search index folder",
                hint="move or delete it and run `evidence ingest` again",
            )
        self._open(index_dir, path)

    @_guarded
    def _open(self, index_dir: Path, path: Path) -> None:
        if not path.is_dir() or not adapter.has_table_of_contents(path, INDEX_NAME):
            raise StoreError(
                f"no index in {index_dir}", hint="run `evidence ingest FOLDER` first"
            )
        if _format_of(path) != INDEX_FORMAT:
            raise StoreError(
                f"the search index in {index_dir} was made by an older version of evidence",
                hint="run `evidence ingest FOLDER` to rebuild it from the store",
            )
        if (path / _DAMAGED_NAME).exists():
            raise _damaged(
                path,
                (path / _DAMAGED_NAME)
                .read_text(encoding="utf-8", errors="replace")
                .strip(),
            )
        ix = _windex.open_dir(str(path), indexname=INDEX_NAME)
        self._reader = ix.reader()
        self._lexicon = _Lexicon(self._reader)
        #: The numpy evaluator over this commit's segments.
        self.evaluator = Evaluator(
            self._lexicon,
            [_Segment(r, offset) for r, offset in self._reader.leaf_readers()],
        )

    def __enter__(self) -> IndexSearcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._reader.close()

    @_guarded
    def search(
        self, node: Node, limit: int, *, title_stems: Iterable[str] = ()
    ) -> tuple[list[RawHit], int]:
        """The best ``limit`` passages (score, then passage id) and how many match.

        See ``Evaluator.top``: BM25F with the title weighted above the body.
        """
        ids, scores, total = self.evaluator.top(node, limit, title_stems)
        hits = [
            RawHit(float(score), self._reader.stored_fields(int(docnum)))
            for docnum, score in zip(ids, scores)
        ]
        hits.sort(key=lambda h: (-h.score, h.fields["passage_id"]))
        return hits, total

    # -- the lexicon

    @_guarded
    def word_frequency(self, word: str) -> int:
        """In how many passages the exact (unstemmed) word occurs."""
        return self._lexicon.doc_frequency("text", word)

    @_guarded
    def similar_words(self, word: str, maxdist: int) -> list[tuple[str, int]]:
        """Body words within ``maxdist`` Damerau-Levenshtein edits, with their passage counts."""
        return self._lexicon.similar_words(word, maxdist)

    @_guarded
    def field_values(self, field_name: str) -> list[str]:
        """Every value a filter field holds in the index ("source": the bodies), sorted."""
        return sorted(
            _text(value) for value in self._reader.lexicon(FILTER_FIELDS[field_name])
        )

    @_guarded
    def prefix_words(self, prefix: str, limit: int | None = 512) -> list[str]:
        """Body words starting with ``prefix`` (at most ``limit``, or all; alphabetical)."""
        out = []
        for word in self._lexicon.words_with_prefix(prefix):
            out.append(word)
            if limit is not None and len(out) >= limit:
                break
        return out


class WhooshBackend:
    """Opens the Whoosh index kept in ``<index-dir>/whoosh`` (a ``Backend``)."""

    def open_index(self, index_dir: Path) -> PassageIndex:
        return PassageIndex(index_dir)

    def open_searcher(self, index_dir: Path) -> IndexSearcher:
        return IndexSearcher(index_dir)
