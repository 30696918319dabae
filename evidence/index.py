"""The Whoosh passage index: schema, batch writer and query execution.

This is the only module that imports whoosh. Search logic (parsing, synonyms,
highlighting) lives in ``evidence.search`` and hands this module a small query
tree made of the node classes below, so the engine could be swapped without
touching the query language.

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
import gc
import heapq
import itertools
import json
import math
import os
import pickle
import queue
import re
import shutil
import signal
import sys
import zlib
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from whoosh import index as _windex
from whoosh.analysis import STOP_WORDS, Analyzer, Token
from whoosh.codec.whoosh3 import W3Codec, W3LeafMatcher, W3PostingsWriter
from whoosh.columns import VarBytesColumn
from whoosh.fields import COLUMN, ID, KEYWORD, STORED, TEXT, Schema
from whoosh.lang.porter2 import stem as _porter2_stem
from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.reading import TermNotFound as _TermNotFound
from whoosh.system import pack_uint
from whoosh.util import random_name
from whoosh.util.filelock import FileLock
from whoosh.util.numeric import byte_to_length
from whoosh.writing import SegmentWriter

from evidence.errors import EvidenceError, IndexLockedError, StoreError
from evidence.store import no_space
from evidence.workers import describe_exit, detach_from_parent

INDEX_NAME = "MAIN"
#: A title word's BM25 counts this many times a body word's.
TITLE_BOOST = 2.5
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
#: A word (group 1) may hold dots and apostrophes ("e.g", "o'neill", "don't");
#: a possessive "'s" at its end is matched but left out, so "board's" is "board".
_WORD_PATTERN = r"(\w+(?:(?:\.|['’](?![sS]\b))\w+)*)(?:['’][sS]\b)?"
_LOCK_NAME = f"{INDEX_NAME}_WRITELOCK"
#: Written beside the lock while a batch is open: if it outlives its process, the batch died.
_MARKER_NAME = "WRITER_PID"
#: zlib level for posting blocks: 0 trades index size for build and query speed.
_POSTING_COMPRESSION = 0
#: Postings per block: large blocks mean fewer reads per posting list.
_POSTING_BLOCK = 1024
#: The index layout; an index of another format is rebuilt by the next ingest.
INDEX_FORMAT = "3"  # 3: Porter2 stems, possessive 's split off
_FORMAT_NAME = "FORMAT"
#: Lexicon words examined when finding the forms of a stem (bounds a short stem's cost).
_MAX_FORMS_SCANNED = 5000


@dataclass(frozen=True)
class IndexRecord:
    """One Whoosh document: a passage with what search filters and shows."""

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


# --- the query tree evidence.search builds and this module executes ---------


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


@dataclass(frozen=True)
class RawHit:
    """A stored passage and its score, before evidence.search shapes it."""

    score: float
    fields: dict[str, Any]


# --- analysis ---------------------------------------------------------------

#: Stems and word hashes are asked for once per word occurrence but differ
#: only per distinct word: both are memoised, within a bound.
_WORD_CACHE = 200_000

#: Porter2 (Snowball English), not Whoosh's Porter: that one stems "planning"
#: to "plann" and "days" to "dai" beside "day", so word forms the README
#: promises went unmatched.
_stem = lru_cache(maxsize=_WORD_CACHE)(_porter2_stem)


_WORD_RE = re.compile(_WORD_PATTERN)


class WordAnalyzer(Analyzer):
    """Lower-cased words in one regex pass, optionally stemmed without stop words.

    Whoosh's composed analyzers pass every token through a chain of Python
    generators; doing it in one loop is most of what building spends on
    analysis. Stop words removed for the stemmed field still take a position.
    The index's schema pickles a reference to this class: renaming it makes
    older indexes unreadable (they are derived data: re-ingest).
    """

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
        stem = self.stem
        for pos, m in enumerate(_WORD_RE.finditer(value), start_pos):
            word = m.group(1).lower()
            if stem:
                if word in STOP_WORDS:
                    continue
                word = _stem(word)
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


_SEQ_DTYPE = np.dtype("<u8")


@lru_cache(maxsize=_WORD_CACHE)
def _word_hash(word: str) -> int:
    """A 64-bit hash of a body word, never 0 (0 marks the start of a passage)."""
    raw = word.encode("utf-8")
    return (zlib.crc32(raw) << 32 | zlib.adler32(raw)) | 1


def word_sequence(text: str) -> bytes:
    """The passage's body words as hashes in order, after a 0 marking its start.

    Stored as a column, all passages of a segment end to end: a phrase is then
    found by comparing whole arrays, which costs far less to build than
    positions or word pairs in the inverted index and less to read.
    """
    return np.array([0, *map(_word_hash, words(text))], dtype=_SEQ_DTYPE).tobytes()


class CountedText(TEXT):
    """A text field indexed by counting its words at once rather than token by token.

    Whoosh asks a field for (word, frequency, weight, value) per distinct
    word; its default walks the analyzer's tokens one Python call each, the
    largest single cost of building the index. The words and stems are the
    analyzer's own (``words``/``stems``). Pickled by reference in the schema.
    """

    def index(self, value: str, **kwargs: Any) -> list[tuple[bytes, int, float, bytes]]:
        found = stems(value) if self.analyzer.stem else words(value)
        boost = self.format.field_boost
        return [
            (w.encode("utf-8"), n, n * boost, pack_uint(n))
            for w, n in Counter(found).items()
        ]


def _array_from_bytes(typecode: str, raw: bytes) -> array:
    out = array(typecode)
    out.frombytes(raw)
    return out


class PackedArray(array):
    """An array that pickles as its raw bytes.

    Whoosh pickles posting blocks with protocol 2, under which a plain array
    is written as a list of numbers and read back one Python object each;
    as bytes it is read back in one piece. It unpickles as a plain array.
    """

    def __reduce_ex__(self, protocol: Any) -> tuple[Any, tuple[str, bytes]]:
        return _array_from_bytes, (self.typecode, self.tobytes())


class ArrayPostingsWriter(W3PostingsWriter):
    """Posting blocks with ids and weights as arrays instead of tuples of numbers.

    A tuple of 1,024 numbers unpickles into 1,024 Python objects, an array
    into one buffer that numpy reads without copying. Ids are small deltas
    and weights of counted words small whole numbers, so both are stored in
    the fewest bytes that hold them. Whoosh's own readers (deleting by term,
    merging segments) iterate these arrays as they would the tuples.
    """

    def _mini_ids(self) -> Any:
        if self._byteids:
            return super()._mini_ids()
        ids = self._ids
        if len(ids) > _SMALL_BLOCK:
            return _packed(
                np.diff(np.frombuffer(ids, dtype=np.uint32), prepend=np.uint32(0))
            )
        # Most posting lists are a few passages long, where numpy's per-call cost dominates.
        deltas = [ids[0], *(b - a for a, b in zip(ids, ids[1:]))]
        return PackedArray(_typecode(max(deltas)), deltas)

    def add_arrays(self, ids: array, weights: array, values: Any) -> None:
        """A term's whole posting list at once, cut into blocks as ``add_posting`` would.

        ``values`` is the fixed-size values end to end (bytes), a list of
        variable-size values, or None for formats without values. The last
        block stays buffered for ``finish_postings``.
        """
        limit = self._blocklimit
        size = self._format.fixed_value_size()
        for start in range(0, len(ids), limit):
            if self._ids:
                self._write_block()
            end = start + limit
            self._ids = ids[start:end]
            self._weights = block = weights[start:end]
            self._maxweight = max(block)
            if values is None or size == 0:
                self._values = []
            elif size is None:
                self._values = values[start:end]
            else:
                self._values = values[start * size : end * size]

    def _mini_values(self) -> Any:
        if isinstance(self._values, (bytes, bytearray)):
            return bytes(self._values)  # fixed-size values, already end to end
        return super()._mini_values()

    def _mini_weights(self) -> Any:
        weights = super()._mini_weights()
        if not isinstance(weights, tuple):
            return weights  # None (all 1.0) or one float for all
        values = np.asarray(weights, dtype=np.float64)
        if np.all(values == np.round(values)) and values.min() >= 0:
            return _packed(values.astype(np.int64))
        return PackedArray("f", weights)


#: Blocks of up to this many postings have their ids packed without numpy.
_SMALL_BLOCK = 32


def _typecode(top: int) -> str:
    """The smallest array type holding whole numbers from 0 to ``top``."""
    return "B" if top < 2**8 else "H" if top < 2**16 else "I"


def _packed(values: np.ndarray) -> PackedArray:
    """Whole numbers (0 or more) in the smallest array type that holds them."""
    typecode = _typecode(int(values.max()) if len(values) else 0)
    out = PackedArray(typecode)
    out.frombytes(values.astype(_ARRAY_DTYPES[typecode]).tobytes())
    return out


_ARRAY_DTYPES = {"B": np.uint8, "H": np.uint16, "I": np.uint32, "f": np.float32}


class EvidenceCodec(W3Codec):
    """Whoosh's 3 codec with array blocks and no per-posting length statistics.

    Whoosh looks up every posting's passage length while writing, to keep
    each block's shortest and longest passage for skipping blocks in its own
    matchers. Searching here reads lengths from their columns and never skips
    by block, so the lookups (about a fifth of building) are spared.
    """

    length_stats = False

    def postings_writer(
        self, dbfile: Any, byteids: bool = False
    ) -> ArrayPostingsWriter:
        return ArrayPostingsWriter(
            dbfile,
            blocklimit=self._blocklimit,
            byteids=byteids,
            compression=self._compression,
            inlinelimit=self._inlinelimit,
        )


# --- building segments ---------------------------------------------------------
#
# Whoosh's segment writer sends every posting through a sorting pool: a
# tuple per posting, pickled one at a time into sorted runs on disk, read
# back and heap-merged, then fed one call at a time to the postings writer.
# That is most of what building the index costs. Postings here are instead
# gathered per term into arrays: document numbers only grow while a writer
# adds documents (and while it merges older segments after them), so each
# term's list is already in order and runs spilled to disk merge by simple
# concatenation, term by term; each term's list is then cut into blocks of
# the same layout Whoosh writes.

#: Estimated buffer size (bytes) past which a writer spills its postings to a run file.
_SPILL_BYTES = 96 * 1024 * 1024
#: Estimated bytes a new term costs in the buffer (dict slot, key, three arrays).
_TERM_BYTES = 400


class _TermBuffer:
    """Postings gathered per (field, term): document numbers, weights and values.

    Stands in for Whoosh's ``PostingPool`` (``add``, ``iter_postings``,
    ``save``, ``cleanup``, ``fieldnames``) so Whoosh's own merging of older
    segments still works, and adds ``terms`` for writing whole posting lists.
    """

    def __init__(
        self, tempstore: Any, schema: Schema, limit: int = _SPILL_BYTES
    ) -> None:
        self.tempstore = tempstore
        self.limit = limit
        self.fieldnames: set[str] = set()
        self._value_sizes = {
            name: schema[name].format.fixed_value_size()
            for name in schema.names()
            if schema[name].indexed
        }
        self._fields: dict[str, dict[bytes, tuple[array, array, Any]]] = {}
        self._size = 0
        self._runs: list[str] = []

    def _terms_of(self, fieldname: str) -> dict[bytes, tuple[array, array, Any]]:
        terms = self._fields.get(fieldname)
        if terms is None:
            terms = self._fields[fieldname] = {}
            self.fieldnames.add(fieldname)
        return terms

    def add_field(
        self,
        fieldname: str,
        docnum: int,
        items: Iterable[tuple[bytes, int, float, bytes]],
    ) -> None:
        """One document's postings in one field: (term, frequency, weight, value) per term."""
        terms = self._terms_of(fieldname)
        size = self._value_sizes.get(fieldname)
        added = 0
        for tbytes, _freq, weight, vbytes in items:
            entry = terms.get(tbytes)
            if entry is None:
                entry = terms[tbytes] = (
                    array("I"),
                    array("f"),
                    bytearray() if size else None if size == 0 else [],
                )
                added += _TERM_BYTES + len(tbytes)
            entry[0].append(docnum)
            entry[1].append(weight)
            values = entry[2]
            if values is not None:
                values += (vbytes,) if size is None else vbytes
            added += 12
        self._size += added
        if self._size > self.limit:
            self.save()

    def add(self, item: tuple[str, bytes, int, float, Any]) -> None:
        """One posting as Whoosh's pool takes it (used when Whoosh merges older segments)."""
        fieldname, tbytes, docnum, weight, vbytes = item
        self.add_field(fieldname, docnum, ((tbytes, 0, weight, vbytes or b""),))

    def _sorted(self) -> Iterator[tuple[str, bytes, array, array, Any]]:
        for fieldname in sorted(self._fields):
            terms = self._fields[fieldname]
            for tbytes in sorted(terms):
                ids, weights, values = terms[tbytes]
                yield fieldname, tbytes, ids, weights, values

    def save(self) -> None:
        """Spill the buffered postings to a run file, in term order."""
        if not self._fields:
            return
        name = f"{random_name()}.terms"
        with self.tempstore.create_file(name).raw_file() as f:
            dump = pickle.Pickler(f, pickle.HIGHEST_PROTOCOL).dump
            for fieldname, tbytes, ids, weights, values in self._sorted():
                dump(
                    (
                        fieldname,
                        tbytes,
                        ids.tobytes(),
                        weights.tobytes(),
                        bytes(values) if isinstance(values, bytearray) else values,
                    )
                )
        self._runs.append(name)
        self._fields = {}
        self._size = 0

    def _read_run(self, name: str) -> Iterator[tuple[str, bytes, array, array, Any]]:
        with self.tempstore.open_file(name).raw_file() as f:
            load = pickle.Unpickler(f).load
            while True:
                try:
                    fieldname, tbytes, ids, weights, values = load()
                except EOFError:
                    break
                yield (
                    fieldname,
                    tbytes,
                    _array_from_bytes("I", ids),
                    _array_from_bytes("f", weights),
                    values,
                )
        self.tempstore.delete_file(name)

    def terms(self) -> Iterator[tuple[str, bytes, array, array, Any]]:
        """Every (field, term, ids, weights, values), sorted by field then term."""
        if not self._runs:
            yield from self._sorted()
            return
        self.save()
        runs, self._runs = self._runs, []
        merged = heapq.merge(
            *(self._read_run(name) for name in runs), key=lambda t: (t[0], t[1])
        )
        for (fieldname, tbytes), group in itertools.groupby(
            merged, key=lambda t: (t[0], t[1])
        ):
            parts = list(group)
            if len(parts) == 1:
                yield parts[0]
                continue
            ids, weights = array("I"), array("f")
            values: Any = parts[0][4]
            values = None if values is None else type(values)()
            for _f, _t, part_ids, part_weights, part_values in parts:
                ids.extend(part_ids)
                weights.extend(part_weights)
                if values is not None:
                    values += part_values
            yield fieldname, tbytes, ids, weights, values

    def iter_postings(self) -> Iterator[tuple[str, bytes, int, float, bytes]]:
        for fieldname, tbytes, ids, weights, values in self.terms():
            size = self._value_sizes.get(fieldname)
            for k, (docnum, weight) in enumerate(zip(ids, weights)):
                if values is None:
                    vbytes = b""
                elif size is None:
                    vbytes = values[k]
                else:
                    vbytes = bytes(values[k * size : (k + 1) * size])
                yield fieldname, tbytes, docnum, weight, vbytes

    def cleanup(self) -> None:
        for name in self._runs:
            try:
                self.tempstore.delete_file(name)
            except OSError:
                pass
        self._runs = []
        self._fields = {}


def _write_terms(
    fieldwriter: Any,
    schema: Schema,
    terms: Iterable[tuple[str, bytes, array, array, Any]],
) -> None:
    """Write sorted whole posting lists through a W3 field writer."""
    current = None
    for fieldname, tbytes, ids, weights, values in terms:
        if fieldname != current:
            if current is not None:
                fieldwriter.finish_field()
            fieldwriter.start_field(fieldname, schema[fieldname])
            current = fieldname
        fieldwriter.start_term(tbytes)
        fieldwriter._postwriter.add_arrays(ids, weights, values)
        fieldwriter.finish_term()
    if current is not None:
        fieldwriter.finish_field()


class _SegmentWriter(SegmentWriter):
    """Whoosh's segment writer with postings gathered per term (see ``_TermBuffer``).

    ``add_document(_record=...)`` takes an ``IndexRecord`` and makes the
    fields itself, so a multi-process writer ships records to its workers
    and the parent does not analyse text. Our schema has no spelling or
    vector fields and no per-document boosts, which keeps adding short.
    """

    def __init__(self, ix: Any, **kwargs: Any) -> None:
        super().__init__(ix, **kwargs)
        self.pool = _TermBuffer(
            self._tempstorage,
            self.schema,
            limit=kwargs.get("limitmb", 128) * 1024 * 1024,
        )

    def add_document(self, **fields: Any) -> None:
        self._check_state()
        record = fields.get("_record")
        if record is not None:
            fields = _document(record)
        schema, docnum, perdoc, pool = (
            self.schema,
            self.docnum,
            self.perdocwriter,
            self.pool,
        )
        perdoc.start_doc(docnum)
        try:
            for name in sorted(fields):
                value = fields[name]
                if value is None:
                    continue
                field = schema[name]
                length = 0
                if field.indexed:
                    items = field.index(value)
                    if field.scorable:
                        length = sum(item[1] for item in items)
                    pool.add_field(name, docnum, items)
                perdoc.add_field(name, field, value if field.stored else None, length)
                if field.column_type:
                    perdoc.add_column_value(
                        name, field.column_type, field.to_column_value(value)
                    )
        except Exception:
            perdoc.cancel_doc()
            raise
        perdoc.finish_doc()
        self._added = True
        self.docnum += 1

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        _write_terms(self.fieldwriter, self.schema, self.pool.terms())
        self.fieldwriter.close()


class _WriterTask(SubWriterTask):
    """A worker process of ``_MpWriter``: our segment writer, one segment of its own."""

    #: The writer process that started this one (set before the fork).
    parent_pid = 0

    def run(self) -> None:
        # Gone with the parent: an orphan would wait on the job queue for ever.
        detach_from_parent(self.parent_pid)
        # The parent cancels its workers itself; Ctrl-C must not print their tracebacks.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        gc.freeze()
        try:
            ix = self.storage.open_index(self.indexname)
            writer = self.writer = _SegmentWriter(ix, _lk=False, **self.kwargs)
            while True:
                job = self.jobqueue.get()
                if job is None:
                    break
                self._process_file(*job)
            segment = writer._finalize_segment()
        except Exception as exc:
            code = exc.errno if isinstance(exc, OSError) else None
            self.resultqueue.put((_FAILED, code, _describe(exc)), timeout=5)
            sys.exit(
                1
            )  # no traceback on the user's terminal: the parent reports it in one line
        self.resultqueue.put((None, writer.pool.fieldnames, segment), timeout=5)


#: First item of a result a writer process sends when it failed.
_FAILED = "failed"
#: Seconds between looks at the writer processes while waiting on their queues.
_POLL = 0.5


class WriterDied(StoreError):
    """An index writer process failed or was killed: nothing of the batch is committed."""

    hint = "run the ingest again; the store and index keep their last committed state"


class _MpWriter(MpWriter, _SegmentWriter):
    """Whoosh's multi-process writer, each worker writing its own segment with ``_SegmentWriter``."""

    def __init__(self, ix: Any, **kwargs: Any) -> None:
        MpWriter.__init__(self, ix, multisegment=True, **kwargs)
        self.pool = _TermBuffer(
            self._tempstorage,
            self.schema,
            limit=kwargs.get("limitmb", 128) * 1024 * 1024,
        )

    def _new_task(self) -> _WriterTask:
        task = _WriterTask(
            self.storage,
            self.indexname,
            self.jobqueue,
            self.resultqueue,
            self.subargs,
            True,
        )
        task.parent_pid = os.getpid()
        self.tasks.append(task)
        task.start()
        return task

    # Whoosh's own versions block for ever on the bounded job queue or skip a
    # missing result once a worker process is dead (the disk filled up, the
    # OOM killer): here every wait looks at the workers and fails the batch.

    def _check_tasks(self) -> None:
        for task in self.tasks:
            if not task.is_alive() and task.exitcode != 0:
                raise WriterDied(
                    f"an index writer process died ({describe_exit(task.exitcode)})"
                )

    def _put(self, job: Any) -> None:
        while True:
            try:
                self.jobqueue.put(job, timeout=_POLL)
                return
            except queue.Full:
                self._check_tasks()

    def _enqueue(self) -> None:
        filename = f"{random_name()}.doclist"
        with self.temp_storage().create_file(filename).raw_file() as handle:
            for item in self.docbuffer:
                pickle.dump(item, handle, 2)
        if len(self.tasks) < self.procs:
            self._new_task()
        self._put((filename, len(self.docbuffer)))
        self.docbuffer = []

    def _results(self) -> list[Any]:
        """One segment from each worker process, or the error that stopped one."""
        results: list[Any] = []
        while len(results) < len(self.tasks):
            try:
                result = self.resultqueue.get(timeout=_POLL)
            except queue.Empty:
                self._check_tasks()
                continue
            if result[0] == _FAILED:
                _failed, code, why = result
                if code is not None:
                    raise OSError(code, why)
                raise WriterDied(f"an index writer process failed ({why})")
            results.append(result)
        for task in self.tasks:
            task.join()
        return results

    def _commit(self, mergetype: Any, optimize: Any, merge: Any) -> None:
        if self.docbuffer:
            self._enqueue()
        for _task in self.tasks:
            self._put(None)
        segments = self._merge_segments(mergetype, optimize, merge)
        segments += [segment for _run, _fields, segment in self._results()]
        if self._added:
            segments.append(self._finalize_segment())
        else:
            self._close_segment()
        self._commit_toc(segments)
        self._finish()


def _schema() -> Schema:
    stemmed = WordAnalyzer(stem=True)
    exact = WordAnalyzer(stem=False)
    return Schema(
        passage_id=ID(stored=True, unique=True),
        doc_id=ID(stored=True),
        text=CountedText(analyzer=exact, phrase=False, stored=True),
        seq=COLUMN(VarBytesColumn()),
        title=CountedText(analyzer=stemmed, phrase=False),
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


def tokens(text: str) -> list[tuple[int, int, str, str]]:
    """(start, end, lower-cased word, stem) for each word, as the index sees them.

    Highlighting uses this so it marks exactly the words the index matched.
    """
    out = []
    for m in _WORD_RE.finditer(text):
        low = m.group(1).lower()
        out.append((m.start(1), m.end(1), low, _stem(low)))
    return out


def stems(text: str) -> list[str]:
    """The stems of ``text``'s words, stop words dropped: what a word query matches on."""
    return [_stem(w) for w in words(text) if w not in STOP_WORDS]


def words(text: str) -> list[str]:
    """The indexed words of ``text`` in the body field (lower case, stop words kept).

    The same words WordAnalyzer yields, without a Token per word.
    """
    return [w.lower() for w in _WORD_RE.findall(text)]


def filter_value(text: str) -> str:
    """How names are compared in filters: lower-case words, punctuation dropped."""
    return " ".join(words(text))


def _join(values: Iterable[str]) -> str:
    return ",".join(v.strip().lower() for v in values if v and v.strip())


def _document(record: IndexRecord) -> dict[str, Any]:
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


# --- writing ----------------------------------------------------------------


class BatchWriter:
    """Adds and removes whole documents inside one commit.

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
    """The Whoosh index under ``<index-dir>/whoosh``, created on first use."""

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
        self._ix = _windex.create_in(str(self.path), _SCHEMA, indexname=INDEX_NAME)
        (self.path / _FORMAT_NAME).write_text(INDEX_FORMAT + "\n", encoding="ascii")

    @contextmanager
    def writer(self, *, procs: int = 1) -> Iterator[BatchWriter]:
        """One all-or-nothing batch: commit on normal exit, cancel on any exception.

        With ``procs`` above 1, that many worker processes analyse and write
        the added passages, each into a segment of its own.
        """
        try:
            codec = EvidenceCodec(
                blocklimit=_POSTING_BLOCK, compression=_POSTING_COMPRESSION
            )
            if procs > 1:
                w = _MpWriter(
                    self._ix, procs=procs, limitmb=128, compound=False, codec=codec
                )
            else:
                w = _SegmentWriter(self._ix, limitmb=128, compound=False, codec=codec)
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
                existing = {
                    term.decode("utf-8") if isinstance(term, bytes) else term
                    for term in reader.lexicon("doc_id")
                }
            batch = BatchWriter(w, existing, self.path)
            yield batch
            with _index_damage(self.path):  # merging reads the committed segments
                w.commit()
        except BaseException as exc:
            _cancel(w)
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
        self._ix = _windex.create_in(str(self.path), _SCHEMA, indexname=INDEX_NAME)
        (self.path / _FORMAT_NAME).write_text(INDEX_FORMAT + "\n", encoding="ascii")

    def passage_count(self) -> int:
        """Live passages in the last commit: with ``passage_ids`` it shows no passage is in twice."""
        ix = _windex.open_dir(str(self.path), indexname=INDEX_NAME)
        with ix.reader() as reader:
            return reader.doc_count()

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
        lock = FileLock(str(self.path / _LOCK_NAME))
        if not lock.acquire(blocking=False):
            return False
        try:
            for entry in self.path.iterdir():
                if entry.name.endswith(".tmp") or entry.suffix == ".doclist":
                    if entry.is_dir():
                        shutil.rmtree(entry, ignore_errors=True)
                    else:
                        entry.unlink(missing_ok=True)
            marker.unlink(missing_ok=True)
        finally:
            lock.release()
        return True


#: A search that found the index unreadable leaves this file, so the next ingest rebuilds it.
_DAMAGED_NAME = "DAMAGED"
#: Extensions of the files every committed segment has (``compound=False``).
_SEGMENT_FILES = (
    ".trm",
    ".pst",
    "._stored.col",
    ".seq.col",
    "._text_len.col",
    "._title_len.col",
)
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


def _describe(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


#: Sizes and change times of the committed files when they were last found sound.
_CHECKED_NAME = "CHECKED"


def _signature(ix: Any, path: Path) -> dict[str, Any] | None:
    """The committed generation and its segment files' sizes and change times; None if one is missing.

    Reading an index through (``_probe``) takes about half a second at 50,000
    passages: it is done only when this differs from the last time it passed.
    """
    files: dict[str, list[int]] = {}
    try:
        for segment in ix._segments():
            for ext in _SEGMENT_FILES:
                name = segment.make_filename(ext)
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
    for segment in ix._segments():
        for ext in _SEGMENT_FILES:
            name = segment.make_filename(ext)
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


def _cancel(writer: Any) -> None:
    """Cancel a writer; stop a multi-process writer's workers so none is left waiting.

    Also after a failed commit, when Whoosh may have closed part of the
    writer already: the lock is released whatever state it is in.
    """
    for task in getattr(writer, "tasks", ()):
        if task.is_alive():
            task.terminate()
        task.join()
    try:
        writer.cancel()
    except Exception:
        lock = getattr(writer, "writelock", None)
        if lock is not None and getattr(lock, "locked", False):
            lock.release()


# --- searching ---------------------------------------------------------------
#
# Queries are evaluated here rather than by Whoosh's matchers. Whoosh walks
# postings one document at a time in Python, which costs tens to hundreds of
# milliseconds for a common word at 100,000 passages and more to count the
# matches. Instead each segment's posting lists are read block by block into
# numpy arrays and the query tree is evaluated on whole arrays: a mask of
# matching passages and a BM25 score per passage. Counting is then exact and
# free, and top-N selection is one partition.


# BM25 parameters, as Whoosh's BM25F defaults.
_K1 = 1.2
_B = 0.75
_LENGTHS = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)


def _leaf_arrays(matcher: Any) -> tuple[np.ndarray, np.ndarray]:
    """Document numbers and term frequencies of one segment's posting list.

    Whoosh 3-codec blocks are pickled (ids, weights, values) tuples with ids
    delta-coded within the block; reading them whole avoids a Python call per
    posting. Inlined lists (a term in one passage) come as another matcher
    class and are walked the slow, public way.
    """
    if not isinstance(matcher, W3LeafMatcher):
        ids, tfs = [], []
        while matcher.is_active():
            ids.append(matcher.id())
            tfs.append(matcher.weight())
            matcher.next()
        return np.array(ids, dtype=np.int64), np.array(tfs, dtype=np.float64)
    id_parts, tf_parts = [], []
    while matcher.is_active():
        matcher._read_data()
        ids, weights, _values = matcher._data
        if isinstance(ids, array):  # written by ArrayPostingsWriter
            id_parts.append(
                np.cumsum(
                    np.frombuffer(ids, dtype=_ARRAY_DTYPES[ids.typecode]),
                    dtype=np.int64,
                )
            )
        else:
            id_parts.append(np.cumsum(np.array(ids, dtype=np.int64)))
        n = len(ids)
        if weights is None:
            tf_parts.append(np.ones(n))
        elif isinstance(weights, float):
            tf_parts.append(np.full(n, weights))
        elif isinstance(weights, array):
            tf_parts.append(
                np.frombuffer(weights, dtype=_ARRAY_DTYPES[weights.typecode]).astype(
                    np.float64
                )
            )
        else:
            tf_parts.append(np.array(weights, dtype=np.float64))
        matcher._next_block()
    if not id_parts:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    return np.concatenate(id_parts), np.concatenate(tf_parts)


#: A phrase searches only the passages holding its rarest word when that word
#: is in fewer than this share of passages; past it, one pass over the whole
#: word sequence costs less than gathering the passages' words.
_GATHER_SHARE = 0.05


def _phrase_starts(seq: np.ndarray, wanted: np.ndarray, anchor: int) -> np.ndarray:
    """Where in ``seq`` the hashes ``wanted`` occur in order, found from ``wanted[anchor]``."""
    at = np.flatnonzero(seq == wanted[anchor]) - anchor
    at = at[(at >= 0) & (at + len(wanted) <= len(seq))]
    for k, value in enumerate(wanted):
        if k != anchor:
            at = at[seq[at + k] == value]
    return at


class _Segment:
    """One index segment: its live passages, field lengths and posting arrays."""

    def __init__(self, reader: Any, offset: int) -> None:
        self.reader = reader
        self.offset = offset
        self.size = reader.doc_count_all()
        self.live = np.ones(self.size, dtype=bool)
        if reader.has_deletions():
            self.live[np.fromiter(reader.deleted_docs_set, dtype=np.int64)] = False
        self._lengths: dict[str, np.ndarray] = {}
        self._sequence: tuple[np.ndarray, np.ndarray] | None = None

    def sequence(self) -> tuple[np.ndarray, np.ndarray]:
        """Every passage's word hashes end to end, and where each passage starts.

        Memory-mapped from the column file: the OS keeps it cached between
        searches and nothing is copied.
        """
        if self._sequence is None:
            column = self.reader.column_reader("seq", translate=False)
            offsets = np.asarray(column._offsets, dtype=np.int64)  # bytes, per passage
            lengths = np.asarray(column._lengths, dtype=np.int64)
            size = (
                int(offsets[-1] + lengths[-1]) // _SEQ_DTYPE.itemsize
                if len(offsets)
                else 0
            )
            name = W3Codec.column_filename(self.reader.segment(), "seq")
            path = Path(getattr(self.reader.storage(), "folder", "")) / name
            if size and path.is_file():
                seq = np.memmap(path, dtype=_SEQ_DTYPE, mode="r", shape=(size,))
            else:  # a compound segment: copy the column's data out
                raw = column._dbfile.get(column._basepos, size * _SEQ_DTYPE.itemsize)
                seq = np.frombuffer(raw, dtype=_SEQ_DTYPE)
            self._sequence = (seq, offsets // _SEQ_DTYPE.itemsize)
        return self._sequence

    def postings(self, field: str, term: str) -> tuple[np.ndarray, np.ndarray]:
        try:
            matcher = self.reader.postings(field, term)
        except _TermNotFound:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        # Deleted passages are masked out with ``live`` after evaluation, so
        # read past Whoosh's per-posting deletion filter.
        return _leaf_arrays(getattr(matcher, "child", matcher))

    def lengths(self, field: str, ids: np.ndarray) -> np.ndarray:
        """The lengths in ``field`` of passages ``ids``, from Whoosh's one-byte column.

        The column (a byte a passage) is read once per search; only the bytes
        of ``ids`` are decoded.
        """
        codes = self._lengths.get(field)
        if codes is None:
            codes = np.zeros(self.size, dtype=np.uint8)
            name = W3Codec.column_filename(self.reader.segment(), f"_{field}_len")
            storage = self.reader.storage()
            if storage.file_exists(
                name
            ):  # one byte a passage; trailing zeros are not written
                f = storage.open_file(name)
                try:
                    raw = np.frombuffer(f.read(), dtype=np.uint8)[: self.size]
                finally:
                    f.close()
                codes[: len(raw)] = raw
            self._lengths[field] = codes
        return _LENGTHS[codes[ids]]


#: Exceptions that mean a bug in this module rather than a damaged index: never blamed on the files.
_PROGRAMMING_ERRORS = (
    TypeError,
    AttributeError,
    NameError,
    AssertionError,
    RecursionError,
    MemoryError,
)


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


class IndexSearcher:
    """A read-only view of the last committed state of the index."""

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
        if not path.is_dir() or not any(path.glob(f"_{INDEX_NAME}_*.toc")):
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
        self._segments = [
            _Segment(r, offset) for r, offset in self._reader.leaf_readers()
        ]
        self._count = self._reader.doc_count_all()
        self._form_cache: dict[tuple[str, str], list[str]] = {}
        self._avg: dict[str, float] = {}

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

        Passages must match ``node`` in their own text; ``title_stems`` (the
        query's positive words) only raise the score of passages whose
        document title or heading holds them: BM25F with the title weighted
        above the body, without making every passage of a document match a
        word in its title.
        """
        stems_ = sorted(set(title_stems))
        ids, scores = [], []
        total = 0
        for seg in self._segments:
            mask, score = self._eval(node, seg)
            mask &= seg.live
            for stem_ in stems_:
                tids, ttf = seg.postings("title", stem_)
                if len(tids):
                    score[tids] += TITLE_BOOST * self._bm25(
                        seg, "title", stem_, tids, ttf
                    )
            hit = np.flatnonzero(mask)
            total += len(hit)
            ids.append(hit + seg.offset)
            scores.append(score[hit])
        if not total:
            return [], 0
        all_ids = np.concatenate(ids)
        all_scores = np.round(np.concatenate(scores), 4)
        if (
            total > limit
        ):  # the best ``limit``; among equal scores, the earliest passages
            kth = np.partition(all_scores, total - limit)[total - limit]
            above = all_ids[all_scores > kth]
            tied = all_ids[all_scores == kth][: limit - len(above)]
            keep = np.concatenate([above, tied])
            order = np.isin(all_ids, keep)
            all_ids, all_scores = all_ids[order], all_scores[order]
        hits = [
            RawHit(float(score), self._reader.stored_fields(int(docnum)))
            for docnum, score in zip(all_ids, all_scores)
        ]
        hits.sort(key=lambda h: (-h.score, h.fields["passage_id"]))
        return hits, total

    # -- evaluation: each node gives, per segment, a match mask and a score array

    def _eval(self, node: Node, seg: _Segment) -> tuple[np.ndarray, np.ndarray]:
        if isinstance(node, Word):
            return self._word(node.text, seg)
        if isinstance(node, Phrase):
            return self._phrase([w for p in node.words for w in words(p)], seg)
        if isinstance(node, Prefix):
            mask = np.zeros(seg.size, dtype=bool)
            for term in self.prefix_words(node.text.lower(), limit=None):
                mask[seg.postings("text", term)[0]] = True
            return mask, mask.astype(np.float64)
        if isinstance(node, Fuzzy):
            text = node.text.lower()
            near = {w for w, _n in self.similar_words(text, node.maxdist)} | {text}
            return self._terms(sorted(near), seg)
        if isinstance(node, Filter):
            mask = np.zeros(seg.size, dtype=bool)
            for value in node.values:
                mask[seg.postings(FILTER_FIELDS[node.field], value)[0]] = True
            return mask, np.zeros(seg.size)
        if isinstance(node, AllOf):
            mask = seg.live.copy()
            score = np.zeros(seg.size)
            for part in node.parts:
                if isinstance(part, Not):
                    mask &= ~self._eval(part.part, seg)[0]
                else:
                    m, s = self._eval(part, seg)
                    mask &= m
                    score += s
            return mask, score
        if isinstance(node, AnyOf):
            mask = np.zeros(seg.size, dtype=bool)
            score = np.zeros(seg.size)
            for part in node.parts:
                m, s = self._eval(part, seg)
                mask |= m
                score += s
            return mask, score
        if isinstance(node, Not):
            return seg.live & ~self._eval(node.part, seg)[0], np.zeros(seg.size)
        if isinstance(node, Everything):
            return seg.live.copy(), np.zeros(seg.size)
        raise TypeError(f"not a query node: {node!r}")

    def _word(self, text: str, seg: _Segment) -> tuple[np.ndarray, np.ndarray]:
        ws = words(text)
        if len(ws) > 1:  # "covid-19", "e.g": one typed word the index splits
            return self._phrase(ws, seg)
        if not ws:
            return np.zeros(seg.size, dtype=bool), np.zeros(seg.size)
        ss = stems(text)
        if not ss:  # a stop word: match it as written
            return self._terms(ws, seg)
        return self._terms(self._forms(ws[0], ss[0]), seg)

    def _terms(
        self, terms: Iterable[str], seg: _Segment
    ) -> tuple[np.ndarray, np.ndarray]:
        """Passages holding any of ``terms`` in the body, scored by the sum of their BM25."""
        mask = np.zeros(seg.size, dtype=bool)
        score = np.zeros(seg.size)
        for term in terms:
            ids, tf = seg.postings("text", term)
            if len(ids):
                mask[ids] = True
                score[ids] += self._bm25(seg, "text", term, ids, tf)
        return mask, score

    def _phrase(self, ws: list[str], seg: _Segment) -> tuple[np.ndarray, np.ndarray]:
        """Words in order, found in the segment's word sequence.

        The phrase's rarest word anchors it: where that word is rare, only the
        passages holding it are gathered and searched; where it is common, the
        whole sequence is, in one pass. A passage's sequence starts with 0,
        which no word hashes to, so a match never runs into the next passage.
        """
        if len(ws) < 2:
            return self._terms(ws, seg)
        anchor = min(
            range(len(ws)), key=lambda i: (self._reader.doc_frequency("text", ws[i]), i)
        )
        wanted = np.array([_word_hash(w) for w in ws], dtype=_SEQ_DTYPE)
        seq, starts = seg.sequence()
        tf = np.zeros(seg.size)
        if self._reader.doc_frequency("text", ws[anchor]) < _GATHER_SHARE * self._count:
            holders = seg.postings("text", ws[anchor])[0]
            if len(holders):
                ends = np.append(starts[1:], len(seq))
                sizes = ends[holders] - starts[holders]
                first = np.cumsum(sizes) - sizes
                at = np.repeat(starts[holders] - first, sizes) + np.arange(sizes.sum())
                found = _phrase_starts(seq[at], wanted, anchor)
                tf = np.bincount(
                    holders[np.searchsorted(first, found, side="right") - 1],
                    minlength=seg.size,
                )
        elif len(seq):
            found = _phrase_starts(seq, wanted, anchor)
            tf = np.bincount(
                np.searchsorted(starts, found, side="right") - 1, minlength=seg.size
            )
        tf = np.where(seg.live, tf, 0).astype(np.float64)
        mask = tf > 0
        score = np.zeros(seg.size)
        ids = np.flatnonzero(mask)
        if len(ids):
            score[ids] = self._bm25(seg, "text", ws[anchor], ids, tf[ids])
        return mask, score

    def _bm25(
        self, seg: _Segment, field: str, term: str, ids: np.ndarray, tf: np.ndarray
    ) -> np.ndarray:
        """BM25 of ``term`` in the passages ``ids``, as Whoosh's BM25F computes it."""
        avg = self._avg.get(field)
        if avg is None:
            avg = self._avg[field] = max(
                self._reader.field_length(field) / max(self._count, 1), 1.0
            )
        idf = math.log(self._count / (self._reader.doc_frequency(field, term) + 1)) + 1
        norm = _K1 * ((1 - _B) + _B * seg.lengths(field, ids) / avg)
        return idf * (tf * (_K1 + 1)) / (tf + norm)

    # -- the lexicon

    @_guarded
    def word_frequency(self, word: str) -> int:
        """In how many passages the exact (unstemmed) word occurs."""
        return self._reader.doc_frequency("text", word)

    @_guarded
    def similar_words(self, word: str, maxdist: int) -> list[tuple[str, int]]:
        """Body words within ``maxdist`` Damerau-Levenshtein edits, with their passage counts."""
        found = set(self._reader.terms_within("text", word, maxdist, prefix=1))
        return sorted(
            ((w, self._reader.doc_frequency("text", w)) for w in found if w != word),
            key=lambda item: (-item[1], item[0]),
        )

    @_guarded
    def field_values(self, field_name: str) -> list[str]:
        """Every value a filter field holds in the index ("source": the bodies), sorted."""
        return sorted(
            (value.decode("utf-8") if isinstance(value, bytes) else value)
            for value in self._reader.lexicon(FILTER_FIELDS[field_name])
        )

    @_guarded
    def prefix_words(self, prefix: str, limit: int | None = 512) -> list[str]:
        """Body words starting with ``prefix`` (at most ``limit``, or all; alphabetical)."""
        out = []
        for btext in self._reader.expand_prefix("text", prefix):
            out.append(btext.decode("utf-8") if isinstance(btext, bytes) else btext)
            if limit is not None and len(out) >= limit:
                break
        return out

    def _forms(self, word: str, stem: str) -> list[str]:
        """Every body word with the same stem as ``word``, looked up in the lexicon."""
        key = (word, stem)
        cached = self._form_cache.get(key)
        if cached is not None:
            return cached
        # Porter2 rewrites at most the stem's last letter ("priority" and
        # "priorities" -> "prioriti", "sharing" -> "share"), so every form starts
        # with the stem less that letter.
        prefix = os.path.commonprefix([word, stem[:-1]])
        forms = {word}
        if len(prefix) >= 2:
            for n, btext in enumerate(self._reader.expand_prefix("text", prefix)):
                if n >= _MAX_FORMS_SCANNED:
                    break
                term = btext.decode("utf-8") if isinstance(btext, bytes) else btext
                if _stem(term) == stem:
                    forms.add(term)
        else:  # too short to scan by prefix ("dying" -> "die"): the plural is the common variant
            forms.update(
                f
                for f in (stem, stem + "s", word + "s")
                if self._reader.doc_frequency("text", f)
            )
        result = self._form_cache[key] = sorted(forms)
        return result
