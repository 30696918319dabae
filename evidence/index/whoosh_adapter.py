"""Every use of Whoosh's private names: the one place a Whoosh upgrade can break.

Whoosh's public API (``whoosh.index``, ``Schema`` and fields, readers'
``lexicon``/``postings``/``doc_frequency``/``stored_fields``...) is used by
``whoosh_index``. Building and reading fast needs more: underscore
attributes, internal classes (the W3 codec's writers and matchers, the
multi-process writer) and file layouts (posting blocks, column files, lock
and table-of-contents names). All of it is here, and each use says, in a
comment marked "private:", what it relies on and which test pins it.
whoosh-reloaded is pinned below 2.8 (setup.cfg); before raising the pin,
run those tests: a changed block layout would otherwise give wrong results
without an error.

The tests that pin this module:

- tests/test_index_writer.py: segment files byte for byte as Whoosh's own
  writer makes them (one process, spilled runs, small blocks), two writer
  processes, Whoosh merging our segments through ``TermBuffer.add``.
- tests/test_index_query.py: phrases on the word-hash column, boolean nodes
  and deletions on posting arrays, Whoosh reading our packed blocks back.
- tests/test_index_bm25.py: our BM25 against Whoosh's BM25F through a Whoosh
  searcher, so posting weights and the length column decode as Whoosh
  decodes them.
- tests/test_index.py, tests/test_index_state.py, tests/test_interrupted.py,
  tests/test_disk_full.py: locks, cancelling, dead and out-of-space writer
  processes, the files of a committed segment.
"""

from __future__ import annotations

import gc
import heapq
import itertools
import os
import pickle
import queue
import signal
import sys
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from whoosh.codec.whoosh3 import (
    W3Codec,  # private: internal class (the default codec), subclassed below
    W3LeafMatcher,  # private: internal class, its block buffers are read directly
    W3PostingsWriter,  # private: internal class, subclassed below
    _lenfield,  # private: the name of a field's length column ("_text_len")
)
from whoosh.fields import TEXT, Schema
from whoosh.multiproc import (
    MpWriter,  # private internals overridden: see _MpWriter
    SubWriterTask,  # private internals overridden: see _WriterTask
)
from whoosh.reading import TermNotFound
from whoosh.system import pack_uint
from whoosh.util import random_name
from whoosh.util.filelock import FileLock
from whoosh.util.numeric import byte_to_length
from whoosh.writing import SegmentWriter  # private internals overridden: BuildingWriter

from evidence.errors import StoreError
from evidence.index.analysis import SEQ_DTYPE, stems, words
from evidence.index.protocol import IndexRecord
from evidence.workers import describe_exit, detach_from_parent


def describe_error(exc: BaseException) -> str:
    """An exception as one line: its type and the first line of its message."""
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


# --- what the index files name ----------------------------------------------------
#
# Whoosh pickles the schema and each segment's codec into the table of
# contents, and our posting blocks pickle a reference to _array_from_bytes:
# the files name these four by module and name. They are named
# evidence.index.<name> (evidence/index/__init__.py exports them), where
# they were defined before the index was split into modules, so indexes
# written before and after open alike; moving them must not change these
# names. tests/test_index_backend.py pins it.
PICKLED_MODULE = "evidence.index"


def _array_from_bytes(typecode: str, raw: bytes) -> array[Any]:
    out = array(typecode)
    out.frombytes(raw)
    return out


_array_from_bytes.__module__ = PICKLED_MODULE


# --- the schema's counted text field ----------------------------------------


class CountedText(TEXT):
    """A text field indexed by counting its words at once rather than token by token.

    Whoosh asks a field for (word, frequency, weight, value) per distinct
    word; its default walks the analyzer's tokens one Python call each, the
    largest single cost of building the index. The words and stems are the
    analyzer's own (``words``/``stems``).
    """

    __module__ = PICKLED_MODULE  # the schema names it (see PICKLED_MODULE)

    def index(self, value: str, **kwargs: Any) -> list[tuple[bytes, int, float, bytes]]:
        found = stems(value) if self.analyzer.stem else words(value)
        boost = self.format.field_boost
        # private: the value is the Frequency format's own encoding of the
        # count (pack_uint, as Frequency.word_values writes it).
        # Pinned by test_segment_files_are_byte_identical_to_whooshs.
        return [
            (w.encode("utf-8"), n, n * boost, pack_uint(n))
            for w, n in Counter(found).items()
        ]


# --- posting blocks ------------------------------------------------------------


if TYPE_CHECKING:
    _AnyArray = array[Any]
else:  # array is not subscriptable at run time before Python 3.12
    _AnyArray = array


class PackedArray(_AnyArray):
    """An array that pickles as its raw bytes.

    Whoosh pickles posting blocks with protocol 2, under which a plain array
    is written as a list of numbers and read back one Python object each;
    as bytes it is read back in one piece. It unpickles as a plain array.
    """

    def __reduce_ex__(self, protocol: Any) -> tuple[Any, tuple[str, bytes]]:
        return _array_from_bytes, (self.typecode, self.tobytes())


#: Blocks of up to this many postings have their ids packed without numpy.
_SMALL_BLOCK = 32
_ARRAY_DTYPES = {"B": np.uint8, "H": np.uint16, "I": np.uint32, "f": np.float32}


def _typecode(top: int) -> str:
    """The smallest array type holding whole numbers from 0 to ``top``."""
    return "B" if top < 2**8 else "H" if top < 2**16 else "I"


def _packed(values: np.ndarray) -> PackedArray:
    """Whole numbers (0 or more) in the smallest array type that holds them."""
    typecode = _typecode(int(values.max()) if len(values) else 0)
    out = PackedArray(typecode)
    out.frombytes(values.astype(_ARRAY_DTYPES[typecode]).tobytes())
    return out


class ArrayPostingsWriter(W3PostingsWriter):
    """Posting blocks with ids and weights as arrays instead of tuples of numbers.

    A tuple of 1,024 numbers unpickles into 1,024 Python objects, an array
    into one buffer that numpy reads without copying. Ids are small deltas
    and weights of counted words small whole numbers, so both are stored in
    the fewest bytes that hold them. Whoosh's own readers (deleting by term,
    merging segments) iterate these arrays as they would the tuples.

    private: the block buffer (``_ids``, ``_weights``, ``_values``,
    ``_maxweight``), the writer's settings (``_byteids``, ``_blocklimit``,
    ``_format``) and the hooks ``_mini_ids``/``_mini_weights``/
    ``_mini_values``/``_write_block`` of W3PostingsWriter: a block is the
    pickled tuple (ids as deltas, weights, values). Pinned by
    tests/test_index_writer.py (byte identity with Whoosh's writer, small
    blocks) and by Whoosh reading the blocks back in
    test_whoosh_merges_segments_written_with_packed_blocks.
    """

    _ids: Any  # private: the current block's document numbers
    _weights: Any
    _values: Any

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

    def add_arrays(self, ids: array[int], weights: array[float], values: Any) -> None:
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


class EvidenceCodec(W3Codec):
    """Whoosh's 3 codec with array blocks and no per-posting length statistics.

    Whoosh looks up every posting's passage length while writing, to keep
    each block's shortest and longest passage for skipping blocks in its own
    matchers. Searching here reads lengths from their columns and never skips
    by block, so the lookups (about a fifth of building) are spared.

    private: ``length_stats`` and the settings ``_blocklimit``,
    ``_compression``, ``_inlinelimit`` that W3Codec keeps and passes to its
    postings writer. Pinned by test_segment_files_are_byte_identical_to_whooshs
    (Whoosh's writer with this codec and ours give the same bytes).
    """

    __module__ = PICKLED_MODULE  # each segment names it (see PICKLED_MODULE)
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

TermEntry = tuple[str, bytes, "array[int]", "array[float]", Any]


class TermBuffer:
    """Postings gathered per (field, term): document numbers, weights and values.

    private: stands in for Whoosh's ``PostingPool``, whose interface
    (``add``, ``iter_postings``, ``save``, ``cleanup``, ``fieldnames``) the
    segment writer calls, so Whoosh's own merging of older segments still
    works; adds ``terms`` for writing whole posting lists. Pinned by
    test_segments_merged_by_whoosh_match_one_build and
    test_spilled_runs_merge_to_the_same_segment.
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
        self._fields: dict[str, dict[bytes, tuple[array[int], array[float], Any]]] = {}
        self._size = 0
        self._runs: list[str] = []

    def _terms_of(
        self, fieldname: str
    ) -> dict[bytes, tuple[array[int], array[float], Any]]:
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
            values: Any = entry[2]
            if values is None:
                pass
            elif size is None:
                values.append(vbytes)  # variable-size values: a list of them
            else:
                values += vbytes  # fixed-size values: end to end
            added += 12
        self._size += added
        if self._size > self.limit:
            self.save()

    def add(self, item: tuple[str, bytes, int, float, Any]) -> None:
        """One posting as Whoosh's pool takes it (used when Whoosh merges older segments)."""
        fieldname, tbytes, docnum, weight, vbytes = item
        self.add_field(fieldname, docnum, ((tbytes, 0, weight, vbytes or b""),))

    def _sorted(self) -> Iterator[TermEntry]:
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

    def _read_run(self, name: str) -> Iterator[TermEntry]:
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

    def terms(self) -> Iterator[TermEntry]:
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


def _write_terms(fieldwriter: Any, schema: Schema, terms: Iterable[TermEntry]) -> None:
    """Write sorted whole posting lists through a W3 field writer."""
    current = None
    for fieldname, tbytes, ids, weights, values in terms:
        if fieldname != current:
            if current is not None:
                fieldwriter.finish_field()
            fieldwriter.start_field(fieldname, schema[fieldname])
            current = fieldname
        fieldwriter.start_term(tbytes)
        # private: W3FieldWriter._postwriter, the postings writer our codec
        # made (an ArrayPostingsWriter), between start_term and finish_term.
        # Pinned by test_segment_files_are_byte_identical_to_whooshs.
        fieldwriter._postwriter.add_arrays(ids, weights, values)
        fieldwriter.finish_term()
    if current is not None:
        fieldwriter.finish_field()


#: Makes a record's Whoosh fields (``whoosh_index.document``).
ToFields = Callable[[IndexRecord], dict[str, Any]]


class BuildingWriter(SegmentWriter):
    """Whoosh's segment writer with postings gathered per term (see ``TermBuffer``).

    ``add_document(_record=...)`` takes an ``IndexRecord`` and makes the
    fields itself with ``document`` (given at construction), so a
    multi-process writer ships records to its workers and the parent does
    not analyse text. Our schema has no spelling or vector fields and no
    per-document boosts, which keeps adding short.

    private: SegmentWriter's ``pool`` (replaced), ``_tempstorage``,
    ``_check_state``, ``docnum``, ``_added``, ``perdocwriter`` (start_doc,
    add_field, add_column_value, cancel_doc, finish_doc, close),
    ``fieldwriter`` and the hook ``_flush_segment`` that writes a segment's
    postings. ``add_document`` repeats what SegmentWriter.add_document does
    for our kinds of field. Pinned by test_segment_files_are_byte_identical_to_whooshs
    and test_spilled_runs_merge_to_the_same_segment.
    """

    def __init__(
        self, ix: Any, *, document: ToFields | None = None, **kwargs: Any
    ) -> None:
        super().__init__(ix, **kwargs)
        self._to_fields = document
        self.pool = TermBuffer(
            self._tempstorage,
            self.schema,
            limit=kwargs.get("limitmb", 128) * 1024 * 1024,
        )

    def add_document(self, **fields: Any) -> None:
        self._check_state()
        record = fields.get("_record")
        if record is not None:
            if self._to_fields is None:
                raise TypeError("a writer given records needs document=")
            fields = self._to_fields(record)
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
    """A worker process of ``_MpWriter``: our segment writer, one segment of its own.

    private: SubWriterTask's ``storage``, ``indexname``, ``jobqueue``,
    ``resultqueue``, ``kwargs`` (the parent's ``subargs``), ``writer`` and
    ``_process_file``, and the result it sends: (run name, field names,
    segment), with the run name None for a segment of its own. Pinned by
    test_two_processes_index_the_same_postings and tests/test_disk_full.py.
    """

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
            writer = self.writer = BuildingWriter(ix, _lk=False, **self.kwargs)
            while True:
                job = self.jobqueue.get()
                if job is None:
                    break
                self._process_file(*job)
            # private: SegmentWriter._finalize_segment, which flushes and
            # closes the segment and returns it for the parent's table of contents.
            segment = writer._finalize_segment()
        except Exception as exc:
            code = exc.errno if isinstance(exc, OSError) else None
            self.resultqueue.put((_FAILED, code, describe_error(exc)), timeout=5)
            # No traceback on the user's terminal: the parent reports it in one line.
            sys.exit(1)
        self.resultqueue.put((None, writer.pool.fieldnames, segment), timeout=5)


#: First item of a result a writer process sends when it failed.
_FAILED = "failed"
#: Seconds between looks at the writer processes while waiting on their queues.
_POLL = 0.5


class WriterDied(StoreError):
    """An index writer process failed or was killed: nothing of the batch is committed."""

    hint = "run the ingest again; the store and index keep their last committed state"


class _MpWriter(MpWriter, BuildingWriter):
    """Whoosh's multi-process writer, each worker writing its own segment with ``BuildingWriter``.

    private: MpWriter's ``tasks``, ``procs``, ``jobqueue``, ``resultqueue``,
    ``docbuffer``, ``subargs``, and the steps of its commit that are
    replaced or called here (``_new_task``, ``_enqueue``, ``_commit``,
    ``_merge_segments``, ``_finalize_segment``, ``_close_segment``,
    ``_commit_toc``, ``_finish``, ``_added``), with ``multisegment``: each
    worker's segment goes into the table of contents as it is. Pinned by
    test_two_processes_index_the_same_postings, test_multiprocess_writer_and_cancel
    and tests/test_disk_full.py (a killed writer process, one out of space).
    """

    docbuffer: list[Any]  # private: documents waiting to be written to a job file

    def __init__(self, ix: Any, **kwargs: Any) -> None:
        MpWriter.__init__(self, ix, multisegment=True, **kwargs)
        self._to_fields = kwargs.get("document")
        self.pool = TermBuffer(
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


def new_writer(ix: Any, document: ToFields, *, procs: int, codec: Any) -> Any:
    """A writer for one batch: ours, in ``procs`` processes (a segment each) when above 1.

    Raises whoosh.index.LockError while another writer holds the index.
    """
    if procs > 1:
        return _MpWriter(
            ix, procs=procs, limitmb=128, compound=False, codec=codec, document=document
        )
    return BuildingWriter(
        ix, limitmb=128, compound=False, codec=codec, document=document
    )


def cancel_writer(writer: Any) -> None:
    """Cancel a writer; stop a multi-process writer's workers so none is left waiting.

    Also after a failed commit, when Whoosh may have closed part of the
    writer already: the lock is released whatever state it is in.

    private: MpWriter's ``tasks`` (worker processes) and SegmentWriter's
    ``writelock`` (a FileLock with ``locked``). Pinned by
    test_exception_cancels_the_whole_batch, test_multiprocess_writer_and_cancel
    and tests/test_disk_full.py (the lock is let go after a failed batch).
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


# --- the index folder's files --------------------------------------------------

#: Extensions of the files every committed segment has (``compound=False``):
#: private, the W3 codec's file layout. Pinned by tests/test_index_state.py
#: (damage found by an ingest; a cut file found without a search) and by
#: test_segment_files_are_byte_identical_to_whooshs, which lists them.
SEGMENT_FILES = (
    ".trm",
    ".pst",
    "._stored.col",
    ".seq.col",
    "._text_len.col",
    "._title_len.col",
)


def committed_files(ix: Any) -> list[str]:
    """The names of every committed segment's files (see SEGMENT_FILES)."""
    # private: FileIndex._segments(), the segments of the latest table of
    # contents, and Segment.make_filename. Pinned by tests/test_index_state.py
    # (test_damage_is_found_by_an_ingest_without_a_search_first).
    return [
        segment.make_filename(ext)
        for segment in ix._segments()
        for ext in SEGMENT_FILES
    ]


def has_table_of_contents(path: Path, indexname: str) -> bool:
    """Whether a committed index is in ``path`` (without reading it)."""
    # private: the table of contents is "_<indexname>_<generation>.toc".
    # Pinned by test_searcher_on_missing_index (a folder without one) and by
    # every test that searches (a name that never matched would find none).
    return any(path.glob(f"_{indexname}_*.toc"))


def write_lock(path: Path, indexname: str) -> FileLock:
    """The lock a Whoosh writer holds on the index in ``path``."""
    # private: FileStorage.lock names the writer's lock "<indexname>_WRITELOCK"
    # and takes it with FileLock. Pinned by test_other_process_writer_and_stale_lock.
    return FileLock(str(path / f"{indexname}_WRITELOCK"))


def is_temporary(entry: Path) -> bool:
    """A writer's temporary file or folder, left behind if it was killed."""
    # private: a writer's temporary storage is the folder "<indexname>.tmp",
    # and MpWriter's job files are "<random>.doclist". Pinned by
    # test_other_process_writer_and_stale_lock (the folder is left, then cleared).
    return entry.name.endswith(".tmp") or entry.suffix == ".doclist"


# --- reading a segment as arrays ------------------------------------------------

#: Passage length of each one-byte length code. private: the length columns
#: hold whoosh.util.numeric.length_to_byte codes. Pinned by tests/test_index_bm25.py.
LENGTHS = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)


def deleted_docs(reader: Any) -> np.ndarray:
    """Numbers of the deleted passages in one segment."""
    # private: SegmentReader.deleted_docs_set (not part of the IndexReader
    # interface). Pinned by test_deleted_passages_never_match.
    return np.fromiter(reader.deleted_docs_set, dtype=np.int64)


def posting_arrays(reader: Any, field: str, term: str) -> tuple[np.ndarray, np.ndarray]:
    """Document numbers and term frequencies of one segment's posting list.

    Deleted passages are included: they are masked out after evaluation.
    """
    try:
        matcher = reader.postings(field, term)
    except TermNotFound:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    # private: a segment with deletions wraps the matcher in a FilterMatcher
    # whose ``child`` is the leaf matcher: read past the per-posting
    # deletion filter. Pinned by test_deleted_passages_never_match.
    return _leaf_arrays(getattr(matcher, "child", matcher))


def _leaf_arrays(matcher: Any) -> tuple[np.ndarray, np.ndarray]:
    """Document numbers and term frequencies from a leaf matcher.

    Inlined lists (a term in one passage) come as another matcher class and
    are walked the slow, public way.
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
        # private: W3LeafMatcher._read_data() unpickles the current block into
        # ``_data`` = (ids as deltas within the block, weights, values), and
        # ``_next_block()`` moves on. Weights are None (all 1), one float for
        # all, or one per posting. Pinned by tests/test_index_query.py
        # (boolean nodes, ranking order) and tests/test_index_bm25.py (scores).
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


def length_codes(reader: Any, field: str, size: int) -> np.ndarray:
    """One byte per passage: the code of its length in ``field`` (LENGTHS decodes it)."""
    codes = np.zeros(size, dtype=np.uint8)
    # private: the W3 codec keeps a field's lengths in the column file
    # "<segment>._<field>_len.col", one length_to_byte code a passage, trailing
    # zeros not written. Pinned by tests/test_index_bm25.py (the lengths
    # Whoosh's BM25F reads through doc_field_length give the same scores).
    name = W3Codec.column_filename(reader.segment(), _lenfield(field))
    storage = reader.storage()
    if storage.file_exists(name):
        f = storage.open_file(name)
        try:
            raw = np.frombuffer(f.read(), dtype=np.uint8)[:size]
        finally:
            f.close()
        codes[: len(raw)] = raw
    return codes


def sequence_column(reader: Any, column_name: str) -> tuple[np.ndarray, np.ndarray]:
    """A VarBytesColumn of ``word_sequence`` values: the bytes end to end, and each start.

    Memory-mapped from the column file: the OS keeps it cached between
    searches and nothing is copied.
    """
    column = reader.column_reader(column_name, translate=False)
    # private: VarBytesColumn.Reader's ``_offsets`` and ``_lengths`` (bytes,
    # per passage), ``_dbfile`` and ``_basepos`` (where the values start),
    # and the W3 codec's column file name: the values lie end to end from
    # the file's start. Pinned by tests/test_index_query.py (phrases, both
    # ways of finding them, against brute force).
    offsets = np.asarray(column._offsets, dtype=np.int64)
    lengths = np.asarray(column._lengths, dtype=np.int64)
    size = int(offsets[-1] + lengths[-1]) // SEQ_DTYPE.itemsize if len(offsets) else 0
    name = W3Codec.column_filename(reader.segment(), column_name)
    path = Path(getattr(reader.storage(), "folder", "")) / name
    seq: np.ndarray
    if size and path.is_file():
        seq = np.memmap(path, dtype=SEQ_DTYPE, mode="r", shape=(size,))
    else:  # a compound segment: copy the column's data out
        raw = column._dbfile.get(column._basepos, size * SEQ_DTYPE.itemsize)
        seq = np.frombuffer(raw, dtype=SEQ_DTYPE)
    return seq, offsets // SEQ_DTYPE.itemsize
