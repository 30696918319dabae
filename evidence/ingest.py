"""Sync folders of source files into the store and the search index.

The plan (what is new, changed, unchanged, removed) is made from content
hashes before anything is parsed. Reading and extraction run in worker
processes; the store and the index are written from this process only, one
SQLite transaction per document, and one index commit per run, after which
the store marks the documents indexed. A run that dies between the two is
finished by the next one (``Store.unindexed``).
"""

from __future__ import annotations

import fcntl
import gc
import json
import hashlib
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .errors import EvidenceError, IndexLockedError, ReaderError, StoreError
from .models import Finding, Metadata, Passage
from .passages import make_doc_id, make_passages
from .store import Store
from .theming import MODEL_NAME, RELEARN_SHARE, OnThemed, reassign, relearn_due, taxonomy_fingerprint, update_themes, use_taxonomy
from .workers import keep_from_children, run_tasks

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
_KIND_LETTER = {"figure": "f", "recommendation": "r", "claim": "c", "quote": "q"}


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


@dataclass
class Processed:
    task: FileTask
    fmt: str
    pages: int | None
    metadata: Metadata
    passages: list[tuple[Passage, list[str]]]
    findings: list[tuple[str, str, Finding]]
    acronyms: list[tuple[str, str]]


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
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (path, doc_id it copies)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    skipped: list[str] = field(default_factory=list)  # unsupported formats
    #: The search index was of an older layout and was written again from the store.
    index_rebuilt: bool = False

    @property
    def documents(self) -> int:
        return len(self.new) + len(self.changed) + len(self.unchanged) + len(self.duplicates) + len(self.failed)

    @property
    def changed_anything(self) -> bool:
        return bool(self.new or self.changed or self.removed or self.duplicates)


class IngestFailed(EvidenceError):
    """--strict: some files could not be read, so nothing was written."""

    def __init__(self, failed: list[tuple[str, str]]) -> None:
        super().__init__(f"{len(failed)} file(s) could not be read; nothing was written (--strict)")
        self.failed = failed


class Progress:
    """Receives events as files are processed; the CLI draws a bar from them."""

    def start(self, total: int) -> None:  # noqa: D401 - a hook
        """Called once with the number of files to read."""

    def advance(self, path: str) -> None:
        """Called after each file is read (or fails)."""


# -- the plan ---------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def walk(root: Path) -> tuple[list[Path], list[Path]]:
    """(readable candidates, unsupported files) under ``root``, sorted.

    Hidden files and folders are passed over; symbolic links to folders are
    not followed, so a link loop cannot trap the walk.
    """
    from .readers import SUPPORTED_EXTENSIONS

    if root.is_file():
        return ([root], []) if root.suffix.lower() in SUPPORTED_EXTENSIONS else ([], [root])
    found, unsupported = [], []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            path = Path(dirpath) / name
            (found if path.suffix.lower() in SUPPORTED_EXTENSIONS else unsupported).append(path)
    return sorted(found), sorted(unsupported)


def _relative(root: Path, path: Path) -> str:
    return path.name if root.is_file() else path.relative_to(root).as_posix()


# -- the work a worker does -------------------------------------------------

_PIPELINES: dict[str | None, Any] = {}


def _pipeline(model: str | None) -> Any:
    if model not in _PIPELINES:
        from .nlp.pipeline import build_pipeline

        _PIPELINES[model] = build_pipeline(model)
    return _PIPELINES[model]


_WARM_UP_SAMPLES = (
    (".txt", b"Written evidence submitted by a body (ABC0001)\n\nA line that ends in a hyph-\nenated word.\n"),
    (".md", b"# A heading\n\n- a list item\n"),
    (".html", b"<html><head><title>Warm up</title></head><body><nav>menu</nav><main><p>Text.</p></main></body></html>"),
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
    from .metadata import guess_metadata
    from .nlp.organisations import find_acronym_definitions, normalise_org
    from .nlp.pipeline import findings_from_doc, make_docs
    from .readers import read_document

    path = Path(task.abs_path)
    try:
        raw = read_document(path, max_bytes=task.limits.max_bytes, max_pages=task.limits.max_pages, ocr=task.limits.ocr)
    except ReaderError as exc:
        return Failed(task, str(exc))
    except OSError as exc:
        return Failed(task, f"cannot read file: {exc.strerror or exc}")
    metadata = guess_metadata(raw, path)
    if task.override is not None:
        metadata = metadata.merged(task.override)
    if metadata.org:
        metadata.org = normalise_org(metadata.org) or metadata.org
    if not metadata.title:
        metadata.title = path.stem
    passages = make_passages(task.doc_id, raw.blocks)
    nlp = _pipeline(task.model)
    context: dict[str, Any] = {"doc_org": metadata.org, "doc_title": metadata.title, "doc_type": metadata.doc_type}
    items = ((p.text, {"heading": p.heading, "kind": p.kind, "page": p.page}) for p in passages)
    with_orgs: list[tuple[Passage, list[str]]] = []
    findings: list[tuple[str, str, Finding]] = []
    acronyms: set[tuple[str, str]] = set()
    for passage, doc in zip(passages, nlp.pipe(make_docs(nlp, items, context))):
        orgs = sorted({span._.finding["name"] for span in doc.spans.get("orgs", []) if span._.finding})
        with_orgs.append((passage, orgs))
        counters: dict[str, int] = {}
        for finding in findings_from_doc(doc):
            letter = _KIND_LETTER[finding.kind]
            counters[letter] = counters.get(letter, 0) + 1
            findings.append((f"{passage.passage_id}-{letter}{counters[letter]}", passage.passage_id, finding))
        acronyms.update(find_acronym_definitions(passage.text))
    return Processed(task, raw.format, raw.pages, metadata, with_orgs, findings, sorted(acronyms))


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
        handle = (index_dir / LOCK_NAME).open("a")
    except OSError as exc:
        raise StoreError(f"cannot create the index directory {index_dir}: {exc.strerror or exc}") from exc
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


def _results(tasks: Sequence[FileTask], workers: int, timeout: float | None) -> Iterator[Processed | Failed]:
    """Results in task order; a file past its time limit is stopped and reported."""
    return run_tasks(
        process_file,
        tasks,
        workers=workers,
        timeout=timeout,
        on_timeout=lambda task: Failed(task, f"took longer than {timeout:g} s to read (time limit per file)"),
        on_error=lambda task, why: Failed(task, f"internal error while reading: {why}"),
    )


def _plan(
    store: Store,
    roots: Sequence[Path],
    overrides: dict[str, Metadata],
    model: str | None,
    limits: Limits,
    report: IngestReport,
) -> tuple[list[FileTask], list[str], list[tuple[str, str, str]], list[tuple[str, str]]]:
    """(tasks, doc ids to delete, aliases to set, aliases to drop)."""
    tasks: list[FileTask] = []
    deletes: list[str] = []
    new_aliases: list[tuple[str, str, str]] = []
    drop_aliases: list[tuple[str, str]] = []
    claimed: dict[str, str] = {}  # sha256 -> doc_id, for copies within this run
    for root_path in roots:
        root = str(root_path)
        known = store.documents_under(root)
        aliases = store.aliases_under(root)
        files, unsupported = walk(root_path)
        report.skipped.extend(_display(root_path, p) for p in unsupported)
        present = {_relative(root_path, p) for p in files}
        for rel, (doc_id, _sha) in sorted(known.items()):
            if rel not in present:
                deletes.append(doc_id)
                report.removed.append(_display_rel(root_path, rel))
        for rel in sorted(aliases):
            if rel not in present:
                drop_aliases.append((root, rel))
        for path in files:
            rel = _relative(root_path, path)
            shown = _display(root_path, path)
            try:
                sha = _sha256(path)
                size = path.stat().st_size
            except OSError as exc:
                report.failed.append((shown, f"cannot read file: {exc.strerror or exc}"))
                continue
            if rel in known and known[rel][1] == sha:
                report.unchanged.append(shown)
                claimed.setdefault(sha, known[rel][0])
                continue
            original = claimed.get(sha) or store.doc_id_by_hash(sha)
            if original is not None and original not in deletes and (rel not in known or known[rel][0] != original):
                if rel in known:
                    deletes.append(known[rel][0])
                if aliases.get(rel) == original:
                    report.unchanged.append(shown)
                else:
                    new_aliases.append((root, rel, original))
                    report.duplicates.append((shown, original))
                continue
            if rel in aliases:
                drop_aliases.append((root, rel))
            doc_id = known[rel][0] if rel in known else make_doc_id(f"{root_path.name}/{rel}", Path(rel).stem)
            (report.changed if rel in known else report.new).append(shown)
            claimed[sha] = doc_id
            override = overrides.get(rel) or overrides.get(path.name)
            tasks.append(FileTask(root, rel, str(path), sha, size, doc_id, override, model, limits))
    return tasks, deletes, new_aliases, drop_aliases


def _display(root: Path, path: Path) -> str:
    return path.name if root.is_file() else _display_rel(root, _relative(root, path))


def _display_rel(root: Path, rel: str) -> str:
    return rel if root.is_file() else f"{root.name}/{rel}"


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
) -> IngestReport:
    """Bring the store and index in line with ``paths``; see the module doc."""
    from .index import PassageIndex
    from .metadata import load_metadata_csv
    from .themes import load_taxonomy

    roots = []
    for raw_path in paths:
        path = Path(raw_path)
        if not path.exists():
            raise EvidenceError(f"no such file or folder: {path}")
        roots.append(path.resolve())
    overrides = load_metadata_csv(metadata_csv) if metadata_csv else {}
    if themes is not None:
        load_taxonomy(themes)  # a malformed taxonomy fails before any work is done
    progress = progress or Progress()
    workers = workers or os.cpu_count() or 1
    limits = limits or Limits()
    report = IngestReport()
    with ingest_lock(Path(index_dir)), Store(index_dir, create=True) as store:
        tasks, deletes, new_aliases, drop_aliases = _plan(store, roots, overrides, model, limits, report)
        if tasks:
            _warm_up(model)
        progress.start(len(tasks))
        results: Iterator[Processed | Failed] = _results(tasks, workers, limits.timeout)
        if strict:
            results_list = list(_tracked(results, progress))
            failures = [(_display_task(r.task), r.reason) for r in results_list if isinstance(r, Failed)]
            failures = report.failed + failures
            if failures:
                raise IngestFailed(failures)
            results = iter(results_list)
        else:
            results = _tracked(results, progress)
        if len(tasks) >= PRELOAD_MIN_TASKS and len(tasks) > RELEARN_SHARE * store.document_count():
            # Enough is new that the theme model will be learned again.
            results = _preloading_learning(results)
        index = PassageIndex(Path(index_dir))
        index.clear_stale_lock()  # left by a run killed mid-commit, if any
        if index.rebuilt:  # an index of an older layout was emptied: fill it again
            store.mark_unindexed(store.doc_ids())
            report.index_rebuilt = True
        written = _apply(store, roots, results, deletes, new_aliases, drop_aliases, report)
        taxonomy = use_taxonomy(Path(index_dir), themes)
        if report.changed_anything or store.get_meta("taxonomy") != taxonomy_fingerprint(taxonomy):
            sync_index(
                store,
                index,
                themes=lambda on_themed: update_themes(store, Path(index_dir), taxonomy, written, on_themed=on_themed),
                expected=store.document_count() if relearn_due(store, Path(index_dir), taxonomy) else len(written),
            )
        else:
            sync_index(store, index)
        write_acronyms(store, Path(index_dir))
        store.set_meta("last_ingest", datetime.now(timezone.utc).isoformat(timespec="seconds"))
    return report


#: Files in a run from which scikit-learn is imported while they are read.
PRELOAD_MIN_TASKS = 50


def _preloading_learning(results: Iterator[Processed | Failed]) -> Iterator[Processed | Failed]:
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
                thread = threading.Thread(target=_import_learning, name="preload-sklearn", daemon=True)
                thread.start()
    finally:
        if thread is not None:
            thread.join()


def _import_learning() -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: F401
    from sklearn.linear_model import LogisticRegression  # noqa: F401


def _display_task(task: FileTask) -> str:
    root = Path(task.root)
    return task.path if Path(task.abs_path) == root else f"{root.name}/{task.path}"


def _tracked(results: Iterator[Processed | Failed], progress: Progress) -> Iterator[Processed | Failed]:
    for result in results:
        progress.advance(_display_task(result.task))
        yield result


def _apply(
    store: Store,
    roots: Sequence[Path],
    results: Iterator[Processed | Failed],
    deletes: list[str],
    new_aliases: list[tuple[str, str, str]],
    drop_aliases: list[tuple[str, str]],
    report: IngestReport,
) -> list[str]:
    """Write results and removals to the store; returns the doc ids written."""
    for root in roots:
        store.add_root(str(root), root.name, is_file=root.is_file())
    for doc_id in deletes:
        store.delete_document(doc_id)
    for root, rel in drop_aliases:
        store.remove_alias(root, rel)
    written: list[str] = []
    for result in results:
        if isinstance(result, Failed):
            report.failed.append((_display_task(result.task), result.reason))
            for bucket in (report.new, report.changed):
                if _display_task(result.task) in bucket:
                    bucket.remove(_display_task(result.task))
            continue
        task = result.task
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
        )
        written.append(task.doc_id)
    for root, rel, doc_id in new_aliases:
        if doc_id in written or store.has_document(doc_id):
            store.set_alias(root, rel, doc_id)
    return written


def index_records(store: Store, doc_id: str) -> list[Any]:
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


#: Documents in one index batch from which the index writer uses two processes.
PARALLEL_INDEX_DOCS = 200


def sync_index(
    store: Store,
    index: Any,
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
    parallel = max(len(todo), expected) >= PARALLEL_INDEX_DOCS and (os.cpu_count() or 1) > 1
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
    tmp.write_text(json.dumps(store.acronyms(), ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, target)


def retheme(store: Store, index_dir: Path, taxonomy: Any) -> int:
    """Re-assign themes with ``taxonomy`` and carry them into search.

    Holds the ingest lock, since it writes the store and the index.
    """
    from .index import PassageIndex

    changed = 0

    def themes(on_themed: OnThemed) -> None:
        nonlocal changed
        changed = reassign(store, taxonomy, model_path=Path(index_dir) / MODEL_NAME, on_themed=on_themed)

    with ingest_lock(Path(index_dir)):
        index = PassageIndex(Path(index_dir))
        if index.rebuilt:
            store.mark_unindexed(store.doc_ids())
        sync_index(store, index, themes=themes, expected=store.document_count())
    return changed
