"""Sync folders of source files into the store and the search index.

The plan (what is new, changed, unchanged, removed) is made from content
hashes before anything is parsed. Reading and extraction run in worker
processes; the store and the index are written from this process only, one
SQLite transaction per document, and one index commit per run, after which
the store marks the documents indexed. A run that dies between the two is
finished by the next one (``Store.unindexed``).
"""

from __future__ import annotations

import errno
import fcntl
import gc
import hashlib
import json
import os
import stat
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from .discovery import UNSUPPORTED, Candidate, discover, displayable
from .errors import EvidenceError, IndexLockedError, ReaderError, StoreError
from .kinds import KINDS
from .models import Finding, Metadata, Passage, RawDocument
from .passages import make_doc_id, make_passages
from .store import Store, StoredPart, no_space
from .theming import (
    MODEL_NAME,
    RELEARN_SHARE,
    OnThemed,
    reassign,
    relearn_due,
    taxonomy_fingerprint,
    update_themes,
    use_taxonomy,
)
from .workers import keep_from_children, run_tasks

if TYPE_CHECKING:
    from .index.protocol import IndexRecord, SearchIndex
    from .metadata import MetadataSheet

LOCK_NAME = "ingest.lock"


@dataclass(frozen=True)
class Limits:
    """How much one file may ask of us before it is refused with a reason."""

    max_bytes: int | None = 200 * 1024 * 1024
    max_pages: int | None = 5000
    #: Seconds one file may take to read and extract before it is given up.
    timeout: float | None = 300.0
    #: Read scanned PDF pages with Tesseract (when it is installed).
    ocr: bool = True
    #: Bytes a reading worker may allocate beyond its size at start (None: no limit),
    #: so a file that inflates without end fails alone instead of exhausting the machine.
    max_memory: int | None = 2048 * 1024 * 1024


@dataclass(frozen=True)
class FileTask:
    """One file to read and extract, with everything a worker needs."""

    root: str
    path: str
    abs_path: str
    sha256: str
    size: int
    doc_id: str
    override: Metadata | None
    model: str | None
    limits: Limits = Limits()
    #: The file as reports name it ('folder/sub/file.pdf'); the path when empty.
    shown: str = ""


@dataclass
class Processed:
    task: FileTask
    fmt: str
    pages: int | None
    metadata: Metadata
    passages: list[tuple[Passage, list[str]]]
    findings: list[tuple[str, str, Finding]]
    acronyms: list[tuple[str, str]]
    #: Documents read from inside the file (an e-mail's attachments), parents first.
    parts: list[StoredPart] = field(default_factory=list)
    #: (attachment as shown, reason, only its type is unsupported) for attachments not read.
    problems: list[tuple[str, str, bool]] = field(default_factory=list)


@dataclass
class Failed:
    task: FileTask
    reason: str


@dataclass
class IngestReport:
    """What a run did, file by file; the CLI turns it into the summary line."""

    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(
        default_factory=list
    )  # (path, doc_id it copies)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    #: (path, kind, reason) of files passed over on purpose; kind is one of
    #: evidence.discovery's UNSUPPORTED, OUTSIDE_LINK, NOT_REGULAR.
    skipped: list[tuple[str, str, str]] = field(default_factory=list)
    #: (path, doc_id): stored documents found again, unchanged, under a new path.
    moved: list[tuple[str, str]] = field(default_factory=list)
    #: (folder path ending in '/', reason): folders that could not be listed; what is stored from them is kept.
    unreadable: list[tuple[str, str]] = field(default_factory=list)
    #: (folder path ending in '/', what it is): our own output (a built site, the index) passed over.
    own_output: list[tuple[str, str]] = field(default_factory=list)
    #: The search index was of an older layout and was written again from the store.
    index_rebuilt: bool = False
    #: Why the search index was found wanting (missing, unreadable, not matching
    #: the store) and filled again from the store; None when it was sound.
    index_repaired: str | None = None
    #: One-line reports of what was passed over in the metadata sheet.
    warnings: list[str] = field(default_factory=list)
    #: Lists of submissions found among the files and read as metadata (as shown).
    metadata_sheets: list[str] = field(default_factory=list)
    #: (attachment as shown, its doc_id): documents read from inside the files read.
    attachments: list[tuple[str, str]] = field(default_factory=list)
    #: (attachment as shown, reason): attached files that could not be read; the
    #: file carrying them went in (so they are not among ``failed``, which counts files).
    attachments_failed: list[tuple[str, str]] = field(default_factory=list)

    @property
    def documents(self) -> int:
        return (
            len(self.new)
            + len(self.changed)
            + len(self.unchanged)
            + len(self.duplicates)
            + len(self.failed)
            + len(self.moved)
        )

    @property
    def changed_anything(self) -> bool:
        return bool(
            self.new or self.changed or self.removed or self.duplicates or self.moved
        )


class IngestFailed(EvidenceError):
    """--strict: some files could not be read, so nothing was written."""

    def __init__(self, failed: list[tuple[str, str]]) -> None:
        super().__init__(
            f"{len(failed)} file(s) could not be read; nothing was written (--strict)"
        )
        self.failed = failed


class Progress(Protocol):
    """Receives events as files are processed; the CLI draws a bar from them."""

    def start(self, total: int) -> None:
        """Called once with the number of files to read."""

    def advance(self, path: str) -> None:
        """Called after each file is read (or fails)."""


class _NoProgress:
    """Progress no one watches."""

    def start(self, total: int) -> None:
        pass

    def advance(self, path: str) -> None:
        pass


# -- the plan ---------------------------------------------------------------


def _sha256(path: str | os.PathLike[str]) -> str:
    """The file's content hash, read only if it is (still) a regular file.

    Opened without blocking and checked on the open descriptor, so a file
    swapped for a FIFO since it was listed cannot hang the run.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        digest = hashlib.sha256()
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# -- the work a worker does -------------------------------------------------

_PIPELINES: dict[str | None, Any] = {}


def _pipeline(model: str | None) -> Any:
    if model not in _PIPELINES:
        from .nlp.pipeline import build_pipeline

        _PIPELINES[model] = build_pipeline(model)
    return _PIPELINES[model]


_WARM_UP_SAMPLES = (
    (
        ".txt",
        b"Written evidence submitted by a body (ABC0001)\n\nA line that ends in a hyph-\nenated word.\n",
    ),
    (".md", b"# A heading\n\n- a list item\n"),
    (
        ".html",
        b"<html><head><title>Warm up</title></head><body><nav>menu</nav><main><p>Text.</p></main></body></html>",
    ),
)


def _warm_up(model: str | None) -> None:
    """Load what ``process_file`` needs once, here, before the workers fork.

    Forked workers inherit it, so a file's time limit measures that file's
    own reading and extraction rather than a worker's start-up (importing
    spaCy and building the pipeline take seconds), and a bad --model fails
    once with its own message instead of once per file.
    """
    from .metadata import guess_metadata
    from .readers import read_bytes

    _pipeline(model)
    # Readers and metadata cues load their data files on first use: a small
    # sample of each text format loads them here, once, for every worker.
    for extension, sample in _WARM_UP_SAMPLES:
        guess_metadata(read_bytes(sample, extension), Path("warm-up" + extension))


def process_file(task: FileTask) -> Processed | Failed:
    """Read, describe and extract one file. Never raises for a bad file."""
    try:
        return _process(task)
    except MemoryError:
        pass  # the reason is built once this block has let go of the frames holding the memory
    return Failed(
        task,
        f"needs more memory than a reading worker may take {_memory_limit(task.limits)}",
    )


def _memory_limit(limits: Limits) -> str:
    return (
        f"({(limits.max_memory or 0) >> 20} MB beyond its start; --max-memory sets it)"
    )


def _process(task: FileTask) -> Processed | Failed:
    from .metadata import guess_metadata
    from .nlp.organisations import normalise_org
    from .readers import read_document

    path = Path(task.abs_path)
    try:
        raw = read_document(
            path,
            max_bytes=task.limits.max_bytes,
            max_pages=task.limits.max_pages,
            ocr=task.limits.ocr,
        )
    except ReaderError as exc:
        return Failed(task, str(exc))
    except OSError as exc:
        return Failed(task, f"cannot read file: {exc.strerror or exc}")
    named = Path(
        displayable(task.abs_path)
    )  # a name with bytes that are not UTF-8, as text
    metadata = guess_metadata(raw, named)
    if task.override is not None:
        metadata = metadata.merged(task.override)
    if metadata.org:
        metadata.org = normalise_org(metadata.org) or metadata.org
    if not metadata.title:
        metadata.title = named.stem
    passages, findings, acronyms = _extract(task.doc_id, raw, metadata, task.model)
    processed = Processed(
        task, raw.format, raw.pages, metadata, passages, findings, acronyms
    )
    _read_attachments(
        processed, raw, task.doc_id, task.path, metadata, _display_task(task)
    )
    return processed


def attachment_doc_id(parent_id: str, name: str) -> str:
    """An attachment's id: from its parent's id and its file name (unique within the parent).

    The parent's id survives a move or rename of its file, so this one does;
    and an attachment keeps its id when the others of its e-mail change.
    """
    return make_doc_id(f"{parent_id}/{name}", Path(name).stem)


def _read_attachments(
    processed: Processed,
    raw: RawDocument,
    parent_id: str,
    parent_path: str,
    parent: Metadata,
    shown: str,
) -> None:
    """Describe and extract each document attached to ``raw`` (and to those) into ``processed``.

    An attachment's own metadata wins; what it lacks of organisation and
    date comes from the e-mail it was attached to (its sender, its date);
    with no title of its own, it is called by its file name.
    """
    from .metadata import guess_metadata
    from .nlp.organisations import normalise_org

    for seq, attachment in enumerate(raw.attachments, start=1):
        where = f"{shown}/{attachment.name}"
        if attachment.document is None:
            processed.problems.append(
                (where, attachment.reason or "not read", attachment.unsupported)
            )
            continue
        inner = attachment.document
        doc_id = attachment_doc_id(parent_id, attachment.name)
        path = f"{parent_path}/{attachment.name}"
        metadata = guess_metadata(inner, Path(attachment.name))
        if metadata.org:
            metadata.org = normalise_org(metadata.org) or metadata.org
        metadata.title = metadata.title or attachment.name
        metadata.org = metadata.org or parent.org
        metadata.date = metadata.date or parent.date
        passages, findings, acronyms = _extract(
            doc_id, inner, metadata, processed.task.model
        )
        processed.parts.append(
            StoredPart(
                doc_id,
                parent_id,
                seq,
                path,
                attachment.sha256,
                attachment.size,
                inner.format,
                inner.pages,
                metadata,
                passages,
                findings,
                acronyms,
            )
        )
        _read_attachments(processed, inner, doc_id, path, metadata, where)


def _extract(
    doc_id: str, raw: RawDocument, metadata: Metadata, model: str | None
) -> tuple[
    list[tuple[Passage, list[str]]],
    list[tuple[str, str, Finding]],
    list[tuple[str, str]],
]:
    """One document's passages (with the organisations each names), findings and acronyms."""
    from .nlp.organisations import find_acronym_definitions
    from .nlp.pipeline import findings_from_doc, make_docs

    passages = make_passages(doc_id, raw.blocks)
    nlp = _pipeline(model)
    context: dict[str, Any] = {
        "doc_org": metadata.org,
        "doc_title": metadata.title,
        "doc_type": metadata.doc_type,
    }
    items = (
        (p.text, {"heading": p.heading, "kind": p.kind, "page": p.page})
        for p in passages
    )
    with_orgs: list[tuple[Passage, list[str]]] = []
    findings: list[tuple[str, str, Finding]] = []
    acronyms: set[tuple[str, str]] = set()
    for passage, doc in zip(passages, nlp.pipe(make_docs(nlp, items, context))):
        orgs = sorted(
            {
                span._.finding["name"]
                for span in doc.spans.get("orgs", [])
                if span._.finding
            }
        )
        with_orgs.append((passage, orgs))
        counters: dict[str, int] = {}
        for finding in findings_from_doc(doc):
            letter = KINDS.get(finding.kind).letter
            counters[letter] = counters.get(letter, 0) + 1
            findings.append(
                (
                    f"{passage.passage_id}-{letter}{counters[letter]}",
                    passage.passage_id,
                    finding,
                )
            )
        acronyms.update(find_acronym_definitions(passage.text))
    return with_orgs, findings, sorted(acronyms)


# -- the run ----------------------------------------------------------------


@contextmanager
def ingest_lock(index_dir: Path) -> Iterator[None]:
    """One ingest per index directory; the OS drops the lock if we die.

    Creates the directory if need be, so that a first ingest holds the lock
    before it makes the store. Worker processes forked meanwhile close their
    copy of the lock's descriptor (``keep_from_children``): a copy left open
    in an orphan would hold the lock after we die.
    """
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(
            f"cannot create the index directory {index_dir}: {exc.strerror or exc}"
        ) from exc
    try:
        handle = (index_dir / LOCK_NAME).open("a")
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise no_space(index_dir) from exc
        raise StoreError(
            f"cannot write to the index directory {index_dir}: {exc.strerror or exc}"
        ) from exc
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise IndexLockedError(
                f"another ingest is running on {index_dir}",
                hint="wait for it to finish, then run this one again",
            ) from exc
        with keep_from_children(handle):
            yield
    finally:
        handle.close()


def _results(
    tasks: Sequence[FileTask], workers: int, limits: Limits
) -> Iterator[Processed | Failed]:
    """Results in task order; a file past its time limit is stopped and reported."""
    timeout = limits.timeout

    def on_error(task: FileTask, why: str) -> Failed:
        if why.startswith("MemoryError"):
            # Out of memory outside the reader (sending a result too big for the limit): the same failure.
            return Failed(
                task,
                f"needs more memory than a reading worker may take {_memory_limit(limits)}",
            )
        if (
            why.startswith("worker process died (killed")
            and limits.max_memory is not None
        ):
            # A C library (pdfium) that cannot allocate aborts rather than raise MemoryError.
            why += f"; a reader past its memory limit {_memory_limit(limits)} ends so"
        return Failed(task, f"internal error while reading: {why}")

    return run_tasks(
        process_file,
        tasks,
        workers=workers,
        timeout=timeout,
        on_timeout=lambda task: Failed(
            task, f"took longer than {timeout:g} s to read (time limit per file)"
        ),
        on_error=on_error,
        memory=limits.max_memory,
    )


@dataclass
class _Plan:
    """What a run will do to the store, decided before any file is read."""

    tasks: list[FileTask] = field(default_factory=list)
    deletes: list[str] = field(default_factory=list)
    #: (doc_id, root, path): documents whose file is found unchanged at a new place.
    moves: list[tuple[str, str, str]] = field(default_factory=list)
    #: (root, path, doc_id it copies, path as shown)
    new_aliases: list[tuple[str, str, str, str]] = field(default_factory=list)
    drop_aliases: list[tuple[str, str]] = field(default_factory=list)
    #: Roots (not in this run) that documents moved away from.
    left_roots: set[str] = field(default_factory=set)
    #: Paths (relative to their root) of every file found to read, changed or not.
    found: set[str] = field(default_factory=set)


@dataclass
class _Scanned:
    """One ingested path, walked and hashed."""

    root: str  # the store's key for it: the absolute path, displayable
    name: str
    is_file: bool
    known: dict[str, tuple[str, str]]
    aliases: dict[str, str]
    entries: list[tuple[Candidate, str, str]]  # (file, as shown, sha256)
    present: set[str]  # every rel still there, read or not
    protected: tuple[
        str, ...
    ]  # folders that could not be listed ('' for the whole root)
    #: (rel, as shown, the sheet): lists of submissions found among the files, read as metadata.
    sheets: list[tuple[str, str, MetadataSheet]] = field(default_factory=list)

    def show(self, rel: str) -> str:
        return rel if self.is_file else f"{self.name}/{rel}"

    def keeps(self, rel: str) -> bool:
        """True when ``rel`` is in the folder or under a folder that could not be listed."""
        return rel in self.present or any(
            rel.startswith(prefix) for prefix in self.protected
        )


def _scan(
    store: Store,
    root_path: Path,
    limits: Limits,
    report: IngestReport,
    *,
    follow_links: bool,
    exclude: Sequence[Path],
) -> _Scanned:
    """Walk one path and hash its files; every file left out goes in ``report`` with its reason."""
    from .readers import SUPPORTED_EXTENSIONS

    root = displayable(str(root_path))
    scanned = _Scanned(
        root,
        displayable(root_path.name),
        not root_path.is_dir(),
        store.documents_under(root),
        store.aliases_under(root),
        [],
        set(),
        (),
    )
    found = discover(
        root_path,
        supported=SUPPORTED_EXTENSIONS,
        follow_links=follow_links,
        exclude=exclude,
    )
    show = scanned.show
    report.unreadable.extend((show(rel), reason) for rel, reason in found.unreadable)
    report.own_output.extend((show(rel), what) for rel, what in found.own_output)
    report.skipped.extend(
        (show(skip.rel), skip.kind, skip.reason) for skip in found.skipped
    )
    # What was stored from a folder that could not be listed stays; so does what
    # was stored from a path that is now, as a whole, a built site or the index.
    scanned.protected = tuple(rel for rel, _reason in found.unreadable) + tuple(
        rel for rel, _what in found.own_output if rel == ""
    )
    for rel, reason in found.failed:
        report.failed.append((show(rel), reason))
        scanned.present.add(rel)
    for candidate in found.files:
        shown = show(candidate.rel)
        if candidate.rel in scanned.present:
            # Two names that differ only in bytes that are not UTF-8 can display alike.
            report.failed.append(
                (shown, "another file's name shows the same; rename one of them")
            )
            continue
        scanned.present.add(candidate.rel)
        if limits.max_bytes is not None and candidate.size > limits.max_bytes:
            report.failed.append(
                (
                    shown,
                    f"file too large: {candidate.size} bytes, limit {limits.max_bytes}",
                )
            )
            continue
        try:
            sha = _sha256(candidate.path)
        except OSError as exc:
            report.failed.append((shown, f"cannot read file: {exc.strerror or exc}"))
            continue
        if Path(candidate.rel).suffix.lower() in _SHEET_SUFFIXES:
            from .metadata import read_submissions_sheet

            sheet = read_submissions_sheet(Path(candidate.path))
            if (
                sheet is not None
            ):  # the inquiry's list of submissions: metadata, not evidence
                scanned.sheets.append((candidate.rel, shown, sheet))
                continue
        scanned.entries.append((candidate, shown, sha))
    return scanned


#: Files that may be an inquiry's list of submissions rather than evidence.
_SHEET_SUFFIXES = frozenset({".csv", ".xlsx"})


def _source_gone(root: str, path: str, is_file: bool) -> bool:
    """True when a stored document's file is certainly not where it was (not merely unreadable)."""
    try:
        os.lstat(root if is_file else os.path.join(root, path))
    except (FileNotFoundError, NotADirectoryError):
        return True
    except OSError:
        return False
    return False


def _new_doc_id(rel: str, root_name: str, sha: str, taken: set[str]) -> str:
    """An id from the file's path inside its folder, so renaming or moving the folder keeps it.

    Two folders ingested together may both hold 'report.pdf': the second gets
    the folder's name in its key, then its content, to stay unique.
    """
    stem = Path(rel).stem
    for key in (rel, f"{root_name}/{rel}", f"{root_name}/{rel}#{sha}"):
        doc_id = make_doc_id(key, stem)
        if doc_id not in taken:
            return doc_id
    raise StoreError(f"cannot make a unique document id for {root_name}/{rel}")


def _plan(
    store: Store,
    roots: Sequence[Path],
    overrides: dict[str, Metadata],
    model: str | None,
    limits: Limits,
    report: IngestReport,
    *,
    follow_links: bool = False,
    exclude: Sequence[Path] = (),
) -> _Plan:
    """Decide, from content hashes, what is new, changed, unchanged, moved, copied or gone."""
    plan = _Plan()
    scans = [
        _scan(store, root, limits, report, follow_links=follow_links, exclude=exclude)
        for root in roots
    ]
    plan.found = {
        candidate.rel for scan in scans for candidate, _shown, _sha in scan.entries
    }
    from_folder: dict[str, Metadata] = {}
    for scan in scans:
        for _rel, shown, sheet in scan.sheets:
            report.metadata_sheets.append(shown)
            report.warnings.extend(
                sheet.problems + _rows_matching_nothing(sheet, plan.found)
            )
            from_folder.update(sheet.rows)
    # A sheet given with --metadata wins, cell by cell, over one found among the files.
    merged = {
        name: from_folder[name].merged(given) if name in from_folder else given
        for name, given in overrides.items()
    }
    overrides = {**from_folder, **merged}
    by_root = {scan.root: scan for scan in scans}
    by_hash = store.documents_by_hash()
    hashes = {
        (scan.root, candidate.rel): sha
        for scan in scans
        for candidate, _shown, sha in scan.entries
    }
    ids_in_use = set(store.doc_ids())
    moved: set[str] = set()
    claimed: dict[str, str] = {}  # sha256 -> doc_id, for copies within this run
    decided: set[tuple[str, str]] = set()  # (root, rel) already placed by a move

    def vacated(doc: tuple[str, str, str, bool]) -> bool:
        """Its file is gone from where it was: the document may move to a copy found elsewhere."""
        doc_id, root, path, is_file = doc
        if doc_id in moved:
            return False
        scan = by_root.get(root)
        if scan is not None:
            return not scan.keeps(path)
        return _source_gone(root, path, is_file)

    def holds(doc: tuple[str, str, str, bool], sha: str) -> bool:
        """After this run the document still holds the content ``sha``: a copy may point to it."""
        if doc[0] in moved or vacated(doc):
            return False
        # A file that changed takes its document with it (rewritten, or
        # dropped for another's copy): its old content is no longer there.
        return hashes.get((doc[1], doc[2]), sha) == sha

    def move(
        scan: _Scanned, rel: str, shown: str, sha: str, doc: tuple[str, str, str, bool]
    ) -> None:
        doc_id, old_root, _path, _is_file = doc
        moved.add(doc_id)
        claimed[sha] = doc_id
        decided.add((scan.root, rel))
        plan.moves.append((doc_id, scan.root, rel))
        report.moved.append((shown, doc_id))
        if rel in scan.aliases:
            plan.drop_aliases.append((scan.root, rel))
        if old_root not in by_root:
            plan.left_roots.add(old_root)

    # A folder renamed or moved: each unchanged file takes back its document, path for path first.
    for scan in scans:
        for candidate, shown, sha in scan.entries:
            if candidate.rel not in scan.known:
                same_path = [
                    d
                    for d in by_hash.get(sha, ())
                    if d[2] == candidate.rel and vacated(d)
                ]
                if same_path:
                    move(scan, candidate.rel, shown, sha, same_path[0])
    for scan in scans:
        for candidate, shown, sha in scan.entries:
            rel = candidate.rel
            if (scan.root, rel) in decided:
                continue
            known = scan.known.get(rel)
            if known is not None and known[1] == sha:
                report.unchanged.append(shown)
                claimed.setdefault(sha, known[0])
                continue
            original = claimed.get(sha)
            if original is None:
                stored = by_hash.get(sha, ())
                gone = [d for d in stored if vacated(d)]
                if (
                    gone and known is None
                ):  # a file renamed or moved within what was ingested
                    move(scan, rel, shown, sha, gone[0])
                    continue
                live = [d[0] for d in stored if holds(d, sha)]
                original = live[0] if live else None
            if original is not None and (known is None or known[0] != original):
                if known is not None:
                    plan.deletes.append(known[0])
                if scan.aliases.get(rel) == original:
                    report.unchanged.append(shown)
                else:
                    plan.new_aliases.append((scan.root, rel, original, shown))
                    report.duplicates.append((shown, original))
                continue
            if rel in scan.aliases:
                plan.drop_aliases.append((scan.root, rel))
            if known is not None:
                doc_id = known[0]
                report.changed.append(shown)
            else:
                doc_id = _new_doc_id(rel, scan.name, sha, ids_in_use)
                ids_in_use.add(doc_id)
                report.new.append(shown)
            claimed[sha] = doc_id
            override = overrides.get(rel) or overrides.get(rel.rsplit("/", 1)[-1])
            plan.tasks.append(
                FileTask(
                    scan.root,
                    rel,
                    str(candidate.path),
                    sha,
                    candidate.size,
                    doc_id,
                    override,
                    model,
                    limits,
                    shown,
                )
            )
    for scan in scans:
        for rel, (doc_id, _sha) in sorted(scan.known.items()):
            if not scan.keeps(rel) and doc_id not in moved:
                plan.deletes.append(doc_id)
                report.removed.append(scan.show(rel))
        for rel in sorted(scan.aliases):
            if not scan.keeps(rel):
                plan.drop_aliases.append((scan.root, rel))
    return plan


def _rows_matching_nothing(sheet: MetadataSheet, found: set[str]) -> list[str]:
    """A row whose file is in none of the folders: usually a typo in the name."""
    names = found | {rel.rsplit("/", 1)[-1] for rel in found}
    return [
        f"{sheet.name} line {sheet.lines[name]}: no file {name} in the folders ingested; the row is not used"
        for name in sheet.rows
        if name not in names
    ]


def ingest(
    paths: Sequence[Path],
    *,
    index_dir: Path,
    workers: int | None = None,
    model: str | None = None,
    metadata_csv: Path | None = None,
    strict: bool = False,
    progress: Progress | None = None,
    limits: Limits | None = None,
    themes: Path | None = None,
    follow_links: bool = False,
) -> IngestReport:
    """Bring the store and index in line with ``paths``; see the module doc.

    ``follow_links`` reads files (and folders) that symbolic links lead to
    outside the ingested folder; by default they are reported and left.
    """
    from .index import open_index
    from .metadata import load_metadata_csv
    from .themes import load_taxonomy

    roots = []
    for raw_path in paths:
        path = Path(raw_path)
        if not path.exists():
            raise EvidenceError(f"no such file or folder: {path}")
        roots.append(path.resolve())
    sheet = load_metadata_csv(metadata_csv) if metadata_csv else None
    overrides = sheet.rows if sheet else {}
    if themes is not None:
        load_taxonomy(themes)  # a malformed taxonomy fails before any work is done
    progress = progress if progress is not None else _NoProgress()
    workers = workers or os.cpu_count() or 1
    limits = limits or Limits()
    report = IngestReport()
    with ingest_lock(Path(index_dir)), Store(index_dir, create=True) as store:
        plan = _plan(
            store,
            roots,
            overrides,
            model,
            limits,
            report,
            follow_links=follow_links,
            exclude=[Path(index_dir)],
        )
        if sheet is not None:
            report.warnings.extend(
                sheet.problems + _rows_matching_nothing(sheet, plan.found)
            )
        tasks = plan.tasks
        if tasks:
            _warm_up(model)
        progress.start(len(tasks))
        results: Iterator[Processed | Failed] = _results(tasks, workers, limits)
        if strict:
            results_list = list(_tracked(results, progress))
            failures = [
                (_display_task(r.task), r.reason)
                for r in results_list
                if isinstance(r, Failed)
            ] + [
                (where, reason)
                for r in results_list
                if isinstance(r, Processed)
                for where, reason, unsupported in r.problems
                if not unsupported
            ]
            failures = report.failed + report.unreadable + failures
            if failures:
                raise IngestFailed(failures)
            results = iter(results_list)
        else:
            results = _tracked(results, progress)
        if (
            len(tasks) >= PRELOAD_MIN_TASKS
            and len(tasks) > RELEARN_SHARE * store.document_count()
        ):
            # Enough is new that the theme model will be learned again.
            results = _preloading_learning(results)
        index = open_index(Path(index_dir))
        index.clear_stale_lock()  # left by a run killed mid-commit, if any
        if index.rebuilt:  # an index of an older layout was emptied: fill it again
            report.index_rebuilt = True
        report.index_repaired = check_index(store, index)
        written = _apply(store, roots, results, plan, report)
        taxonomy = use_taxonomy(Path(index_dir), themes)
        if report.changed_anything or store.get_meta(
            "taxonomy"
        ) != taxonomy_fingerprint(taxonomy):
            sync_index(
                store,
                index,
                themes=lambda on_themed: update_themes(
                    store, Path(index_dir), taxonomy, written, on_themed=on_themed
                ),
                expected=store.document_count()
                if relearn_due(store, Path(index_dir), taxonomy)
                else len(written),
            )
        else:
            sync_index(store, index)
        write_acronyms(store, Path(index_dir))
        store.set_meta("last_ingest", datetime.now(UTC).isoformat(timespec="seconds"))
    return report


#: Files in a run from which scikit-learn is imported while they are read.
PRELOAD_MIN_TASKS = 50


def _preloading_learning(
    results: Iterator[Processed | Failed],
) -> Iterator[Processed | Failed]:
    """Pass ``results`` through, importing scikit-learn in a thread meanwhile.

    Learning the theme model needs it once every file is in; importing it
    takes seconds of one core, which here overlap the workers' reading
    instead of adding to the run. The thread starts after the first result,
    when the workers already exist, so they do not inherit half an import.
    """
    thread: threading.Thread | None = None
    try:
        for result in results:
            yield result
            if thread is None:
                thread = threading.Thread(
                    target=_import_learning, name="preload-sklearn", daemon=True
                )
                thread.start()
    finally:
        # A run that failed leaves this generator to the garbage collector,
        # which may close it on the import thread itself: it cannot join itself.
        if thread is not None and thread is not threading.current_thread():
            thread.join()


def _import_learning() -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: F401
    from sklearn.linear_model import LogisticRegression  # noqa: F401


def _display_task(task: FileTask) -> str:
    if task.shown:
        return task.shown
    root = Path(task.root)
    return task.path if Path(task.abs_path) == root else f"{root.name}/{task.path}"


def _tracked(
    results: Iterator[Processed | Failed], progress: Progress
) -> Iterator[Processed | Failed]:
    for result in results:
        progress.advance(_display_task(result.task))
        yield result


def _apply(
    store: Store,
    roots: Sequence[Path],
    results: Iterator[Processed | Failed],
    plan: _Plan,
    report: IngestReport,
) -> list[str]:
    """Write results, moves and removals to the store; returns the doc ids written."""
    for folder in roots:
        store.add_root(
            displayable(str(folder)),
            displayable(folder.name),
            is_file=not folder.is_dir(),
        )
    for doc_id in plan.deletes:
        store.delete_document(doc_id)
    for doc_id, root, path in plan.moves:
        store.move_document(doc_id, root, path)
    for root in sorted(plan.left_roots):
        store.forget_root_if_empty(root)
    for root, rel in plan.drop_aliases:
        store.remove_alias(root, rel)
    written: list[str] = []
    failed: dict[str, tuple[str, str]] = {}  # doc_id -> (path shown, reason)
    for result in results:
        if isinstance(result, Failed):
            report.failed.append((_display_task(result.task), result.reason))
            failed[result.task.doc_id] = (_display_task(result.task), result.reason)
            for bucket in (report.new, report.changed):
                if _display_task(result.task) in bucket:
                    bucket.remove(_display_task(result.task))
            continue
        task = result.task
        parts = _unclaimed_parts(store, task.doc_id, result, report)
        store.write_document(
            doc_id=task.doc_id,
            root=task.root,
            path=task.path,
            sha256=task.sha256,
            size=task.size,
            fmt=result.fmt,
            pages=result.pages,
            metadata=result.metadata,
            passages=result.passages,
            findings=result.findings,
            acronyms=result.acronyms,
            parts=parts,
        )
        written.append(task.doc_id)
        written.extend(part.doc_id for part in parts)
        shown = _display_task(task)
        report.attachments.extend(
            (shown + part.path[len(task.path) :], part.doc_id) for part in parts
        )
        for where, reason, unsupported in result.problems:
            if unsupported:
                report.skipped.append((where, UNSUPPORTED, reason))
            else:
                report.attachments_failed.append((where, reason))
    for root, rel, doc_id, shown in plan.new_aliases:
        if doc_id in written or store.has_document(doc_id):
            store.set_alias(root, rel, doc_id)
        elif doc_id in failed:
            # A copy of a file that failed does not go in either: say so, by name.
            original, reason = failed[doc_id]
            report.duplicates.remove((shown, doc_id))
            report.failed.append((shown, f"{reason} (same content as {original})"))
    return written


def _unclaimed_parts(
    store: Store, parent_id: str, result: Processed, report: IngestReport
) -> list[StoredPart]:
    """The attachments of ``result`` whose ids no other document holds.

    Ids are short hashes: should one match another file's document, the
    attachment (and those inside it) is reported rather than overwrite it.
    """
    own = set(store.descendants(parent_id)) | {parent_id}
    refused: set[str] = set()
    parts: list[StoredPart] = []
    for part in result.parts:
        top = part.parent not in refused  # not inside an attachment already refused
        if not top or (part.doc_id not in own and store.has_document(part.doc_id)):
            refused.add(part.doc_id)
            if top:
                shown = _display_task(result.task) + part.path[len(result.task.path) :]
                report.attachments_failed.append(
                    (shown, f"its document id {part.doc_id} is another document's")
                )
            continue
        parts.append(part)
    return parts


def index_records(store: Store, doc_id: str) -> list[IndexRecord]:
    """The search index's view of one stored document."""
    from .index import IndexRecord

    doc = store.document(doc_id)
    return [
        IndexRecord(
            passage_id=row["passage_id"],
            doc_id=doc_id,
            text=row["text"],
            heading=row["heading"],
            page=row["page"],
            doc_title=doc.title,
            doc_org=doc.metadata.org,
            doc_path=doc.path,
            doc_type=doc.metadata.doc_type,
            year=doc.year,
            ref=doc.metadata.ref,
            kinds=row["kinds"],
            themes=row["themes"],
            orgs=row["orgs"],
        )
        for row in store.index_rows(doc_id)
    ]


def check_index(store: Store, index: SearchIndex) -> str | None:
    """Compare the search index with the store, and mark for indexing whatever it lacks.

    The README promises that the index can be deleted or damaged and the next
    ingest rebuilds it from the store. Returns why documents are indexed again
    (None when the index agrees with the store); ``sync_index`` does the work.
    """
    passages, indexed, gone = store.index_view()
    if index.rebuilt or index.damaged or index.created:
        store.mark_unindexed(passages)
        if index.rebuilt:
            return "it was written by an older version of evidence"
        if index.damaged:
            return f"it could not be read: {index.damaged}"
        return "it was missing" if indexed else None
    found = index.passages_per_doc()
    if found.keys() - passages.keys() - gone:
        index.reset()
        store.mark_unindexed(passages)
        return "it held documents the store does not"
    # The store marks a document indexed only after the index committed it, so
    # a difference here is damage (or a hand in the folder): start afresh.
    wrong = [
        doc_id for doc_id in sorted(indexed) if found.get(doc_id, 0) != passages[doc_id]
    ]
    if wrong:
        index.reset()
        store.mark_unindexed(passages)
        return f"{len(wrong)} document{'s' if len(wrong) != 1 else ''} missing from it or incomplete"
    return None


#: Documents in one index batch from which the index writer uses two processes.
PARALLEL_INDEX_DOCS = 200


def sync_index(
    store: Store,
    index: SearchIndex,
    *,
    themes: Callable[[OnThemed], object] | None = None,
    expected: int = 0,
) -> None:
    """Make the index agree with the store: one commit, then mark it done.

    With ``themes``, a theme pass runs inside the index batch and hands over
    each few documents as soon as their themes are written, so the index
    writer's processes work while later documents are still being themed
    (instead of waiting for the whole pass); ``expected`` is how many
    documents it may hand over. The store commits the themes before the
    index commits, and only then are the documents marked indexed: a run
    that dies in between leaves them unindexed for the next run.
    """
    todo, gone = store.unindexed()
    if themes is None and not todo and not gone:
        return
    # Whoosh's multi-process writer costs about a second to start: only
    # worth it for a large batch, such as a first ingest.
    parallel = (
        max(len(todo), expected) >= PARALLEL_INDEX_DOCS and (os.cpu_count() or 1) > 1
    )
    fed: set[str] = set()
    try:
        with index.writer(procs=2 if parallel else 1) as writer:

            def feed(doc_ids: list[str]) -> None:
                if parallel and not fed and doc_ids:
                    # The writer's processes fork at the first documents: as for
                    # the reading workers, what they inherit is frozen for their GC.
                    gc.freeze()
                for doc_id in doc_ids:
                    if doc_id not in fed:
                        writer.replace_document(doc_id, index_records(store, doc_id))
                        fed.add(doc_id)

            if themes is not None:
                themes(feed)
                todo, gone = store.unindexed()
            for doc_id in gone:
                writer.delete_document(doc_id)
            feed(todo)
    finally:
        gc.unfreeze()
    store.mark_indexed(sorted(fed), gone)


ACRONYMS_NAME = "acronyms.json"


def write_acronyms(store: Store, index_dir: Path) -> None:
    """The corpus's own acronyms, beside the index, for search to expand."""
    target = index_dir / ACRONYMS_NAME
    tmp = target.with_suffix(".tmp")
    tmp.write_text(
        json.dumps(store.acronyms(), ensure_ascii=False, indent=1, sort_keys=True)
        + "\n",
        encoding="utf-8",
    )
    os.replace(tmp, target)


def retheme(store: Store, index_dir: Path, taxonomy: Any) -> int:
    """Re-assign themes with ``taxonomy`` and carry them into search.

    Holds the ingest lock, since it writes the store and the index.
    """
    from .index import open_index

    changed = 0

    def themes(on_themed: OnThemed) -> None:
        nonlocal changed
        changed = reassign(
            store,
            taxonomy,
            model_path=Path(index_dir) / MODEL_NAME,
            on_themed=on_themed,
        )

    with ingest_lock(Path(index_dir)):
        index = open_index(Path(index_dir))
        check_index(store, index)
        sync_index(store, index, themes=themes, expected=store.document_count())
    return changed
