"""The SQLite store: the single source for rendering and export.

Everything in it is derived from the source files and can be rebuilt. One
transaction per document keeps a killed ingest from leaving half a document;
the ``indexed`` flag and the ``pending_deletes`` table record what the search
index has not yet committed, so the next ingest can make the two agree.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import NotFound, StoreError
from .kinds import KINDS
from .models import Finding, Metadata, Passage
from .passages import passage_id

#: 2: a ``themes`` table (id, label), foreign keys from findings and the
#: theme rows, ``passages.para`` (the printed paragraph number) and the
#: bookkeeping tables named with a leading ``_`` (see :func:`_migrate_from_1`).
#: 3: passage ids ``<doc id>-passage<n>`` instead of ``<doc id>-p<n>``, which
#: read as a page number (see :func:`_migrate_from_2`).
SCHEMA_VERSION = 3
#: Seconds to wait for another process's write lock (SQLite's busy timeout).
_OPEN_TIMEOUT = 30
STORE_NAME = "evidence.sqlite"
#: Rows fetched at a time by the big reads.
_BATCH = 4096

_SCHEMA = """
CREATE TABLE _meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE _roots (root TEXT PRIMARY KEY, name TEXT NOT NULL, is_file INTEGER NOT NULL);
CREATE TABLE documents (
    doc_id TEXT PRIMARY KEY,
    root TEXT NOT NULL,
    path TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    format TEXT NOT NULL,
    pages INTEGER,
    title TEXT,
    org TEXT,
    doc_type TEXT,
    date TEXT,
    ref TEXT,
    indexed INTEGER NOT NULL DEFAULT 0,
    UNIQUE (root, path)
);
CREATE TABLE aliases (
    root TEXT NOT NULL,
    path TEXT NOT NULL,
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    PRIMARY KEY (root, path)
);
CREATE TABLE passages (
    passage_id TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    page INTEGER,
    heading TEXT,
    text TEXT NOT NULL,
    orgs TEXT NOT NULL DEFAULT '[]',
    ocr INTEGER NOT NULL DEFAULT 0,
    para TEXT
);
CREATE INDEX passages_doc ON passages (doc_id, seq);
CREATE TABLE findings (
    finding_id TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    passage_id TEXT NOT NULL REFERENCES passages(passage_id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    text TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX findings_doc ON findings (doc_id);
CREATE INDEX findings_kind ON findings (kind);
CREATE INDEX findings_passage ON findings (passage_id);
CREATE TABLE acronyms (
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    short TEXT NOT NULL,
    long TEXT NOT NULL,
    PRIMARY KEY (doc_id, short, long)
);
CREATE TABLE themes (id TEXT PRIMARY KEY, label TEXT NOT NULL);
CREATE TABLE passage_themes (
    passage_id TEXT NOT NULL REFERENCES passages(passage_id) ON DELETE CASCADE,
    theme TEXT NOT NULL REFERENCES themes(id) DEFERRABLE INITIALLY DEFERRED,
    score REAL NOT NULL,
    reason TEXT NOT NULL,
    PRIMARY KEY (passage_id, theme)
);
CREATE TABLE finding_themes (
    finding_id TEXT NOT NULL REFERENCES findings(finding_id) ON DELETE CASCADE,
    theme TEXT NOT NULL REFERENCES themes(id) DEFERRABLE INITIALLY DEFERRED,
    PRIMARY KEY (finding_id, theme)
);
CREATE TABLE _pending_deletes (doc_id TEXT PRIMARY KEY);
"""

#: Documents read from inside another document's file (an e-mail's
#: attachments): ``parent`` is the document they came attached to, ``seq``
#: their place among its attachments. Such a document follows its parent:
#: written, moved and deleted with it, never planned as a file of its own.
_ATTACHMENTS = """
CREATE TABLE attachments (
    doc_id TEXT PRIMARY KEY REFERENCES documents(doc_id) ON DELETE CASCADE,
    parent TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    seq INTEGER NOT NULL
);
CREATE INDEX attachments_parent ON attachments (parent, seq);
"""


#: Every table the schema makes: a store lacking one is damaged.
_TABLES = frozenset(
    line.split()[2]
    for line in (_SCHEMA + _ATTACHMENTS).splitlines()
    if line.startswith("CREATE TABLE")
)


def _statement(table: str, name: str | None = None) -> str:
    """The schema's CREATE TABLE statement for ``table``, creating ``name`` instead where given."""
    for statement in _SCHEMA.split(";"):
        text = statement.strip()
        if text.startswith(f"CREATE TABLE {table} ("):
            return text.replace(
                f"CREATE TABLE {table} (", f"CREATE TABLE {name or table} (", 1
            )
    raise KeyError(table)


def _indexes(table: str) -> list[str]:
    """The schema's CREATE INDEX statements on ``table``."""
    return [
        text
        for text in (s.strip() for s in _SCHEMA.split(";"))
        if text.startswith("CREATE INDEX") and f" ON {table} (" in text
    ]


def _name_themes(conn: sqlite3.Connection, themes: Sequence[tuple[str, str]]) -> None:
    """Add or relabel (id, label) rows of the ``themes`` table."""
    conn.executemany(
        "INSERT INTO themes VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET label=excluded.label",
        themes,
    )


def _insert_themes(
    conn: sqlite3.Connection,
    passage_rows: Iterable[tuple[str, str, float, str]],
    finding_rows: Iterable[tuple[str, str]],
) -> None:
    """Insert theme rows, each theme they name given a ``themes`` row first."""
    passage_rows = list(passage_rows)
    finding_rows = list(finding_rows)
    _known_themes(conn, [r[1] for r in passage_rows] + [r[1] for r in finding_rows])
    conn.executemany("INSERT INTO passage_themes VALUES (?,?,?,?)", passage_rows)
    conn.executemany("INSERT INTO finding_themes VALUES (?,?)", finding_rows)


def _known_themes(conn: sqlite3.Connection, theme_ids: Iterable[str]) -> None:
    """Make sure each theme id has a ``themes`` row (labelled by its id until named)."""
    conn.executemany(
        "INSERT OR IGNORE INTO themes VALUES (?, ?)",
        [(t, t) for t in sorted(set(theme_ids))],
    )


def _disk_full(where: Path) -> bool:
    try:
        stats = os.statvfs(where)
    except OSError:
        return False
    return stats.f_bavail * stats.f_frsize < _ROOM_TO_OPEN


#: Bytes SQLite needs free to open a WAL store (its shared-memory file).
_ROOM_TO_OPEN = 64 * 1024


def no_space(where: Path) -> StoreError:
    """The one-line error for a disk that filled up while writing ``where``."""
    return StoreError(
        f"no space left on the device holding {where}",
        hint="free some space and run the command again; the store and index keep their last committed state",
    )


def database_error(exc: sqlite3.DatabaseError, index_dir: Path) -> StoreError:
    """The one-line error for an SQLite failure: a full disk, or a damaged file.

    Commands meet these at any query, so the CLI turns every
    ``sqlite3.DatabaseError`` into one of these, once.
    """
    text = str(exc)
    if "full" in text or "no space" in text.lower():
        return no_space(index_dir)
    if "not a database" in text:
        return StoreError(
            f"{index_dir / STORE_NAME} is not an evidence store ({text})",
            hint="delete the index directory and run `evidence ingest` again",
        )
    if isinstance(exc, sqlite3.OperationalError) and "locked" in text:
        return StoreError(
            f"the store in {index_dir} is locked ({text})",
            hint="wait for the other command to finish",
        )
    return StoreError(
        f"the store in {index_dir} is damaged ({text})",
        hint=f"delete {index_dir} and run `evidence ingest` again to rebuild it from the source files",
    )


def _run_script(conn: sqlite3.Connection, script: str) -> None:
    """Each statement of ``script`` inside the open transaction (executescript would commit it)."""
    for statement in script.split(";"):
        if statement.strip():
            conn.execute(statement)


@dataclass(frozen=True)
class StoredPart:
    """A document read from inside another's file, written with it (see :meth:`Store.write_document`)."""

    doc_id: str
    parent: str
    seq: int
    path: str
    sha256: str
    size: int
    fmt: str
    pages: int | None
    metadata: Metadata
    passages: Sequence[tuple[Passage, list[str]]]
    findings: Sequence[tuple[str, str, Finding]]
    acronyms: Sequence[tuple[str, str]]


@dataclass(frozen=True)
class DocumentRecord:
    """A document row as the rest of the library sees it."""

    doc_id: str
    root: str
    path: str
    sha256: str
    size: int
    format: str
    pages: int | None
    metadata: Metadata
    indexed: bool

    @property
    def title(self) -> str:
        return self.metadata.title or Path(self.path).stem

    @property
    def year(self) -> int | None:
        date = self.metadata.date
        return int(date[:4]) if date and date[:4].isdigit() else None


class Store:
    """A connection to ``<index_dir>/evidence.sqlite``.

    ``create=False`` refuses to make a store where there is none, so read-only
    commands can say "run evidence ingest first" instead of leaving an empty
    database behind.
    """

    def __init__(self, index_dir: Path, *, create: bool = False) -> None:
        self.index_dir = Path(index_dir)
        self.path = self.index_dir / STORE_NAME
        if not self.path.exists():
            if not create:
                raise StoreError(
                    f"no evidence store in {self.index_dir}",
                    hint="run `evidence ingest FOLDER` first, or pass --index-dir",
                )
            try:
                self.index_dir.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(
                    f"cannot create index directory {self.index_dir}: {exc.strerror}"
                ) from exc
        try:
            self.conn = sqlite3.connect(
                self.path, timeout=_OPEN_TIMEOUT, isolation_level=None
            )
            self.conn.execute("PRAGMA foreign_keys = ON")
            self._use_wal()
            self.conn.execute("PRAGMA synchronous = NORMAL")
        except sqlite3.OperationalError as exc:
            if hasattr(self, "conn"):
                self.conn.close()
            if create or not self._open_snapshot():
                if _disk_full(self.index_dir):
                    raise no_space(self.index_dir) from exc
                raise StoreError(f"cannot open store {self.path}: {exc}") from exc
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"{self.path} is not an evidence store ({exc})",
                hint="delete the index directory and run `evidence ingest` again",
            ) from exc
        self.conn.row_factory = sqlite3.Row
        self._check_schema()

    def _open_snapshot(self) -> bool:
        """Open the last committed state read-only when the disk is too full to open it normally.

        A WAL-mode store needs room for its shared-memory file even to be
        read. With the disk full and no write-ahead log left over (every
        commit is in the main file), the file is read as it is, so status,
        show and export still work. True if that was possible.
        """
        wal = Path(f"{self.path}-wal")
        if not _disk_full(self.index_dir) or (wal.exists() and wal.stat().st_size):
            return False
        self.conn = sqlite3.connect(
            f"{self.path.resolve().as_uri()}?mode=ro&immutable=1",
            uri=True,
            isolation_level=None,
        )
        return True

    def _use_wal(self) -> None:
        """Switch to write-ahead logging, waiting out another process doing the same.

        The switch takes an exclusive lock without SQLite's busy handler, so two
        processes opening a new store at once would see "database is locked".
        """
        deadline = time.monotonic() + _OPEN_TIMEOUT
        while True:
            try:
                self.conn.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.01)

    def _check_schema(self) -> None:
        rebuild = f"delete {self.index_dir} and run `evidence ingest` again to rebuild it from the source files"
        try:
            tables = self._tables()
            if not tables:
                self._create_schema()
                return
            meta = "_meta" if "_meta" in tables else "meta"
            row = (
                self.conn.execute(
                    f"SELECT value FROM {meta} WHERE key='schema_version'"
                ).fetchone()
                if meta in tables
                else None
            )
        except sqlite3.DatabaseError as exc:
            raise database_error(exc, self.index_dir) from exc
        version = str(row[0]) if row else "0"
        if version == "1" and meta == "meta":
            try:
                self._migrate_from_1()
            except sqlite3.DatabaseError as exc:
                raise database_error(exc, self.index_dir) from exc
            tables = self._tables()
            version, meta = "2", "_meta"
        if version == "2" and meta == "_meta":
            try:
                self._migrate_from_2()
            except sqlite3.DatabaseError as exc:
                raise database_error(exc, self.index_dir) from exc
        elif version != str(SCHEMA_VERSION):
            raise StoreError(
                f"the store in {self.index_dir} has schema version {str(version)[:40]}; this evidence uses {SCHEMA_VERSION}",
                hint=rebuild,
            )
        if "attachments" not in tables and "documents" in tables:
            # A store from before attachments were documents of their own.
            with self.transaction() as conn:
                _run_script(conn, _ATTACHMENTS)
            tables.add("attachments")
        missing = sorted(_TABLES - tables)
        if missing:
            raise StoreError(
                f"the store {self.path} is damaged: table {', '.join(missing)} missing",
                hint=rebuild,
            )
        if "ocr" not in {
            r[1] for r in self.conn.execute("PRAGMA table_info(passages)")
        }:
            # A store from before OCR: its passages were all read from text.
            with self.transaction() as conn:
                conn.execute(
                    "ALTER TABLE passages ADD COLUMN ocr INTEGER NOT NULL DEFAULT 0"
                )

    def _migrate_from_1(self) -> None:
        """Bring a version 1 store to version 2 in place, as one transaction.

        SQLite cannot add a foreign key to a table, so findings and the theme
        rows are copied into tables that have them; a row pointing at nothing
        (a finding whose passage is gone) cannot be kept under the new keys
        and is dropped, as the site and the export already ignored it. Theme
        labels come from the taxonomy the index uses.
        """
        from .citations import printed_numbers
        from .themes import load_taxonomy

        conn = self.conn
        conn.execute("PRAGMA foreign_keys = OFF")  # tables are rebuilt under their keys
        try:
            with self.transaction():
                if "_meta" in self._tables():
                    return  # another process migrated it while this one waited
                columns = {r[1] for r in conn.execute("PRAGMA table_info(passages)")}
                if "ocr" not in columns:  # a store from before OCR: all read from text
                    conn.execute(
                        "ALTER TABLE passages ADD COLUMN ocr INTEGER NOT NULL DEFAULT 0"
                    )
                conn.execute("ALTER TABLE passages ADD COLUMN para TEXT")
                for name in ("meta", "roots", "pending_deletes"):
                    conn.execute(f"ALTER TABLE {name} RENAME TO _{name}")
                conn.execute(_statement("themes"))
                keep = {
                    "findings": "passage_id IN (SELECT passage_id FROM passages)",
                    "passage_themes": "passage_id IN (SELECT passage_id FROM passages)",
                    "finding_themes": "finding_id IN (SELECT finding_id FROM findings)",
                }
                for (
                    table,
                    where,
                ) in keep.items():  # in this order: each keeps rows of the one before
                    conn.execute(_statement(table, f"{table}_v2"))
                    conn.execute(
                        f"INSERT INTO {table}_v2 SELECT * FROM {table} WHERE {where}"
                    )
                    conn.execute(f"DROP TABLE {table}")
                    conn.execute(f"ALTER TABLE {table}_v2 RENAME TO {table}")
                for statement in _indexes("findings"):
                    conn.execute(statement)
                path = self.index_dir / "themes.toml"
                taxonomy = load_taxonomy(path if path.is_file() else None)
                _name_themes(conn, [(t.id, t.label) for t in taxonomy.themes])
                conn.execute(
                    """INSERT OR IGNORE INTO themes SELECT theme, theme FROM passage_themes
                       UNION SELECT theme, theme FROM finding_themes"""
                )
                for (doc_id,) in conn.execute(
                    "SELECT doc_id FROM documents ORDER BY doc_id"
                ).fetchall():
                    numbers = printed_numbers(self.passages(doc_id))
                    conn.executemany(
                        "UPDATE passages SET para=? WHERE passage_id=?",
                        [(n, pid) for pid, n in numbers.items()],
                    )
                broken = conn.execute("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise StoreError(
                        f"the store {self.path} is damaged: {len(broken)} rows point at nothing "
                        f"(first in table {broken[0][0]})",
                        hint=f"delete {self.index_dir} and run `evidence ingest` again to rebuild it from the source files",
                    )
                conn.execute("UPDATE _meta SET value='2' WHERE key='schema_version'")
        finally:
            conn.execute("PRAGMA foreign_keys = ON")

    def _migrate_from_2(self) -> None:
        """Bring a version 2 store to version 3 in place, as one transaction.

        Every passage gets the id :func:`~evidence.passages.passage_id` makes
        from its document and ordinal, and every row naming it follows:
        findings (whose ids begin with their passage's id), their theme rows
        and the passage theme rows. A failure anywhere rolls it all back and
        leaves the version 2 store as it was. Every document is marked
        unindexed, so the next ingest writes the search index afresh (its
        format changed with the ids, so search refuses the old one until then).
        """
        conn = self.conn
        conn.create_function("passage_id", 2, passage_id, deterministic=True)
        conn.execute(
            "PRAGMA foreign_keys = OFF"
        )  # parent keys change under their children
        try:
            with self.transaction():
                (version,) = conn.execute(
                    "SELECT value FROM _meta WHERE key='schema_version'"
                ).fetchone()
                if version != "2":
                    return  # another process migrated it while this one waited
                conn.execute(
                    """CREATE TEMP TABLE passage_ids AS
                       SELECT passage_id AS old, passage_id(doc_id, seq) AS new FROM passages"""
                )
                conn.execute(
                    "CREATE UNIQUE INDEX temp.passage_ids_old ON passage_ids (old)"
                )
                # A finding's id is its passage's id, "-", its kind's letter and number.
                conn.execute(
                    """CREATE TEMP TABLE finding_ids AS
                       SELECT f.finding_id AS old,
                              CASE WHEN substr(f.finding_id, 1, length(i.old) + 1) = i.old || '-'
                                   THEN i.new || substr(f.finding_id, length(i.old) + 1)
                                   ELSE f.finding_id END AS new
                       FROM findings f JOIN passage_ids i ON i.old = f.passage_id"""
                )
                conn.execute(
                    "CREATE UNIQUE INDEX temp.finding_ids_old ON finding_ids (old)"
                )
                conn.execute(
                    """UPDATE finding_themes SET finding_id =
                       (SELECT new FROM finding_ids WHERE old = finding_themes.finding_id)
                       WHERE finding_id IN (SELECT old FROM finding_ids)"""
                )
                conn.execute(
                    """UPDATE findings SET
                       finding_id = (SELECT new FROM finding_ids WHERE old = findings.finding_id),
                       passage_id = (SELECT new FROM passage_ids WHERE old = findings.passage_id)
                       WHERE finding_id IN (SELECT old FROM finding_ids)"""
                )
                conn.execute(
                    """UPDATE passage_themes SET passage_id =
                       (SELECT new FROM passage_ids WHERE old = passage_themes.passage_id)
                       WHERE passage_id IN (SELECT old FROM passage_ids)"""
                )
                conn.execute("UPDATE passages SET passage_id = passage_id(doc_id, seq)")
                conn.execute("UPDATE documents SET indexed = 0")
                conn.execute("DROP TABLE temp.finding_ids")
                conn.execute("DROP TABLE temp.passage_ids")
                broken = conn.execute("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise StoreError(
                        f"the store {self.path} is damaged: {len(broken)} rows point at nothing "
                        f"(first in table {broken[0][0]})",
                        hint=f"delete {self.index_dir} and run `evidence ingest` again to rebuild it from the source files",
                    )
                conn.execute(
                    "UPDATE _meta SET value=? WHERE key='schema_version'",
                    (str(SCHEMA_VERSION),),
                )
        finally:
            conn.execute("PRAGMA foreign_keys = ON")

    def _tables(self) -> set[str]:
        return {
            r[0]
            for r in self.conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table'"
            )
        }

    def _create_schema(self) -> None:
        """Create the tables, unless another process got there first.

        Two first ingests (or an ingest and a reader) can both find the file
        empty; the write lock taken here decides, and the one that waited
        sees the tables and leaves them be.
        """
        with self.transaction() as conn:
            if self._tables():
                return
            _run_script(conn, _SCHEMA + _ATTACHMENTS)
            conn.execute(
                "INSERT INTO _meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
            )

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, rolled back on any exception."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Every read inside in one read transaction: what an ingest commits meanwhile is not seen.

        A command that reads the documents, then their findings, in separate
        transactions can see half of an ingest (a finding of a document it
        did not list). Already inside a transaction, that one's snapshot holds.
        """
        if self.conn.in_transaction:
            yield
            return
        self.conn.execute(
            "BEGIN"
        )  # deferred: the snapshot is taken at the first read, held to the end
        try:
            yield
        finally:
            try:
                if self.conn.in_transaction:
                    self.conn.execute(
                        "ROLLBACK"
                    )  # nothing was written: this only ends the read
            except sqlite3.ProgrammingError:
                pass  # the store was closed first (a reader abandoned mid-way): the read ended with it

    # -- meta -------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        row = self.conn.execute(
            "SELECT value FROM _meta WHERE key=?", (key,)
        ).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self.conn.execute("INSERT OR REPLACE INTO _meta VALUES (?, ?)", (key, value))

    # -- roots and documents ---------------------------------------------

    def add_root(self, root: str, name: str, *, is_file: bool) -> None:
        self.conn.execute(
            "INSERT OR IGNORE INTO _roots VALUES (?, ?, ?)", (root, name, int(is_file))
        )

    def roots(self) -> list[str]:
        return [
            r[0] for r in self.conn.execute("SELECT root FROM _roots ORDER BY root")
        ]

    def documents_under(self, root: str) -> dict[str, tuple[str, str]]:
        """path -> (doc_id, sha256) for every file ingested from ``root`` (attachments follow theirs)."""
        return {
            r["path"]: (r["doc_id"], r["sha256"])
            for r in self.conn.execute(
                """SELECT path, doc_id, sha256 FROM documents WHERE root=?
                   AND doc_id NOT IN (SELECT doc_id FROM attachments)""",
                (root,),
            )
        }

    def aliases_under(self, root: str) -> dict[str, str]:
        """path -> doc_id for files recorded as copies of another document."""
        return {
            r[0]: r[1]
            for r in self.conn.execute(
                "SELECT path, doc_id FROM aliases WHERE root=?", (root,)
            )
        }

    def documents_by_hash(self) -> dict[str, list[tuple[str, str, str, bool]]]:
        """sha256 -> [(doc_id, root, path, root is a single file)], by doc_id: one read for a whole plan."""
        out: dict[str, list[tuple[str, str, str, bool]]] = {}
        for sha, doc_id, root, path, is_file in self.conn.execute(
            """SELECT d.sha256, d.doc_id, d.root, d.path, COALESCE(r.is_file, 0) FROM documents d
               LEFT JOIN _roots r ON r.root = d.root
               WHERE d.doc_id NOT IN (SELECT doc_id FROM attachments) ORDER BY d.doc_id"""
        ):
            out.setdefault(sha, []).append((doc_id, root, path, bool(is_file)))
        return out

    def move_document(self, doc_id: str, root: str, path: str) -> None:
        """The same file found at a new place: keep its id and everything extracted, re-index its path.

        Its attachments' documents keep their ids and move with it: their
        paths start with its path.
        """
        with self.transaction() as conn:
            row = conn.execute(
                "SELECT path FROM documents WHERE doc_id=?", (doc_id,)
            ).fetchone()
            conn.execute(
                "UPDATE documents SET root=?, path=?, indexed=0 WHERE doc_id=?",
                (root, path, doc_id),
            )
            if row is not None:
                conn.executemany(
                    "UPDATE documents SET root=?, path=? || substr(path, ?), indexed=0 WHERE doc_id=?",
                    [
                        (root, path, len(row[0]) + 1, part)
                        for part in self._descendants(conn, doc_id)
                    ],
                )

    def forget_root_if_empty(self, root: str) -> None:
        """Drop a root no document is stored from any more (its files moved), with its aliases."""
        with self.transaction() as conn:
            if (
                conn.execute(
                    "SELECT 1 FROM documents WHERE root=? LIMIT 1", (root,)
                ).fetchone()
                is None
            ):
                conn.execute("DELETE FROM aliases WHERE root=?", (root,))
                conn.execute("DELETE FROM _roots WHERE root=?", (root,))

    def set_alias(self, root: str, path: str, doc_id: str) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO aliases VALUES (?, ?, ?)", (root, path, doc_id)
        )

    def remove_alias(self, root: str, path: str) -> None:
        self.conn.execute("DELETE FROM aliases WHERE root=? AND path=?", (root, path))

    def write_document(
        self,
        *,
        doc_id: str,
        root: str,
        path: str,
        sha256: str,
        size: int,
        fmt: str,
        pages: int | None,
        metadata: Metadata,
        passages: Iterable[tuple[Passage, list[str]]],
        findings: Iterable[tuple[str, str, Finding]],
        acronyms: Iterable[tuple[str, str]],
        parts: Sequence[StoredPart] = (),
    ) -> None:
        """Replace everything about one document and its attachments, as one unit, unindexed.

        ``passages`` pairs each passage with the organisations it mentions;
        ``findings`` are (finding_id, passage_id, finding). ``parts`` are the
        documents read from inside its file, parents before their own
        attachments; the attachments it had before and has no longer are
        removed (and marked for removal from the index). A finding of a kind
        the registry does not hold is refused (UnknownKindError).
        """
        findings = list(findings)
        for _, _, f in [*findings, *(x for part in parts for x in part.findings)]:
            KINDS.get(f.kind)
        with self.transaction() as conn:
            before = self._descendants(conn, doc_id)
            for old in before:
                self._delete_rows(conn, old)
            self._delete_rows(conn, doc_id)
            self._insert(
                conn,
                doc_id=doc_id,
                root=root,
                path=path,
                sha256=sha256,
                size=size,
                fmt=fmt,
                pages=pages,
                metadata=metadata,
                passages=passages,
                findings=findings,
                acronyms=acronyms,
            )
            for part in parts:
                self._insert(
                    conn,
                    doc_id=part.doc_id,
                    root=root,
                    path=part.path,
                    sha256=part.sha256,
                    size=part.size,
                    fmt=part.fmt,
                    pages=part.pages,
                    metadata=part.metadata,
                    passages=part.passages,
                    findings=part.findings,
                    acronyms=part.acronyms,
                )
                conn.execute(
                    "INSERT INTO attachments VALUES (?,?,?)",
                    (part.doc_id, part.parent, part.seq),
                )
            kept = {part.doc_id for part in parts}
            conn.executemany(
                "INSERT OR IGNORE INTO _pending_deletes VALUES (?)",
                [(old,) for old in before if old not in kept],
            )

    @staticmethod
    def _insert(
        conn: sqlite3.Connection,
        *,
        doc_id: str,
        root: str,
        path: str,
        sha256: str,
        size: int,
        fmt: str,
        pages: int | None,
        metadata: Metadata,
        passages: Iterable[tuple[Passage, list[str]]],
        findings: Iterable[tuple[str, str, Finding]],
        acronyms: Iterable[tuple[str, str]],
    ) -> None:
        """One document's rows, none of which may exist yet."""
        from .citations import printed_numbers

        passages = list(passages)
        printed = printed_numbers([p for p, _ in passages])
        conn.execute(
            "INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?,?,0)",
            (
                doc_id,
                root,
                path,
                sha256,
                size,
                fmt,
                pages,
                metadata.title,
                metadata.org,
                metadata.doc_type,
                metadata.date,
                metadata.ref,
            ),
        )
        conn.executemany(
            "INSERT INTO passages VALUES (?,?,?,?,?,?,?,?,?,?)",
            [
                (
                    p.passage_id,
                    doc_id,
                    p.seq,
                    p.kind,
                    p.page,
                    p.heading,
                    p.text,
                    json.dumps(orgs, ensure_ascii=False),
                    int(p.ocr),
                    printed.get(p.passage_id),
                )
                for p, orgs in passages
            ],
        )
        conn.executemany(
            "INSERT INTO findings VALUES (?,?,?,?,?,?,?,?)",
            [
                (
                    fid,
                    doc_id,
                    pid,
                    f.kind,
                    f.start,
                    f.end,
                    f.text,
                    json.dumps(f.data, sort_keys=True, ensure_ascii=False),
                )
                for fid, pid, f in findings
            ],
        )
        conn.executemany(
            "INSERT OR IGNORE INTO acronyms VALUES (?,?,?)",
            [(doc_id, short, long) for short, long in acronyms],
        )
        conn.execute("DELETE FROM _pending_deletes WHERE doc_id=?", (doc_id,))

    def delete_document(self, doc_id: str) -> None:
        """Remove a document and its attachments; remember to remove them from the index too."""
        with self.transaction() as conn:
            gone = [*self._descendants(conn, doc_id), doc_id]
            for old in gone:
                self._delete_rows(conn, old)
            conn.executemany(
                "INSERT OR IGNORE INTO _pending_deletes VALUES (?)",
                [(old,) for old in gone],
            )

    @staticmethod
    def _descendants(conn: sqlite3.Connection, doc_id: str) -> list[str]:
        """The documents attached to ``doc_id``, and to those, and so on, by id."""
        return [
            r[0]
            for r in conn.execute(
                """WITH RECURSIVE below(id) AS (
                       SELECT doc_id FROM attachments WHERE parent=?
                       UNION SELECT a.doc_id FROM attachments a JOIN below ON a.parent = below.id)
                   SELECT id FROM below ORDER BY id""",
                (doc_id,),
            )
        ]

    def descendants(self, doc_id: str) -> list[str]:
        """Every document read from inside ``doc_id``'s file (attachments of attachments too), by id."""
        return self._descendants(self.conn, doc_id)

    def attached_to(self, doc_id: str) -> str | None:
        """The id of the document ``doc_id`` came attached to, or None for a file of its own."""
        row = self.conn.execute(
            "SELECT parent FROM attachments WHERE doc_id=?", (doc_id,)
        ).fetchone()
        return row[0] if row else None

    def attachments_of(self, doc_id: str) -> list[str]:
        """The ids of the documents attached to ``doc_id``, in the order its file lists them."""
        return [
            r[0]
            for r in self.conn.execute(
                "SELECT doc_id FROM attachments WHERE parent=? ORDER BY seq", (doc_id,)
            )
        ]

    def attachment_links(self) -> dict[str, str]:
        """attachment's doc_id -> its parent's, for every attachment, ordered by parent then place."""
        return dict(
            self.conn.execute(
                "SELECT doc_id, parent FROM attachments ORDER BY parent, seq"
            ).fetchall()
        )

    @staticmethod
    def _delete_rows(conn: sqlite3.Connection, doc_id: str) -> None:
        conn.execute(
            "DELETE FROM finding_themes WHERE finding_id IN (SELECT finding_id FROM findings WHERE doc_id=?)",
            (doc_id,),
        )
        conn.execute(
            "DELETE FROM passage_themes WHERE passage_id IN (SELECT passage_id FROM passages WHERE doc_id=?)",
            (doc_id,),
        )
        conn.execute("DELETE FROM documents WHERE doc_id=?", (doc_id,))

    def mark_indexed(self, doc_ids: Iterable[str], deleted: Iterable[str]) -> None:
        """Record that the search index has committed these changes."""
        with self.transaction() as conn:
            conn.executemany(
                "UPDATE documents SET indexed=1 WHERE doc_id=?", [(d,) for d in doc_ids]
            )
            conn.executemany(
                "DELETE FROM _pending_deletes WHERE doc_id=?", [(d,) for d in deleted]
            )

    def unindexed(self) -> tuple[list[str], list[str]]:
        """(documents to (re)index, documents to delete from the index)."""
        todo = [
            r[0]
            for r in self.conn.execute(
                "SELECT doc_id FROM documents WHERE indexed=0 ORDER BY doc_id"
            )
        ]
        gone = [
            r[0]
            for r in self.conn.execute(
                "SELECT doc_id FROM _pending_deletes ORDER BY doc_id"
            )
        ]
        return todo, gone

    def index_view(self) -> tuple[dict[str, int], set[str], set[str]]:
        """(passages per stored document, documents marked indexed, documents awaiting removal from the index).

        What the search index should hold, for ingest to check it against.
        """
        passages = {doc_id: 0 for doc_id in self.doc_ids()}
        passages.update(
            self.conn.execute(
                "SELECT doc_id, count(*) FROM passages GROUP BY doc_id"
            ).fetchall()
        )
        indexed = {
            r[0]
            for r in self.conn.execute("SELECT doc_id FROM documents WHERE indexed=1")
        }
        gone = {r[0] for r in self.conn.execute("SELECT doc_id FROM _pending_deletes")}
        return passages, indexed, gone

    def unindexed_among(self, doc_ids: Sequence[str]) -> list[str]:
        """Those of ``doc_ids`` whose search entries are out of date, sorted."""
        marks = ",".join("?" * len(doc_ids))
        return [
            r[0]
            for r in self.conn.execute(
                f"SELECT doc_id FROM documents WHERE indexed=0 AND doc_id IN ({marks}) ORDER BY doc_id",
                tuple(doc_ids),
            )
        ]

    # -- reading ----------------------------------------------------------

    def _record(self, row: sqlite3.Row) -> DocumentRecord:
        return DocumentRecord(
            doc_id=row["doc_id"],
            root=row["root"],
            path=row["path"],
            sha256=row["sha256"],
            size=row["size"],
            format=row["format"],
            pages=row["pages"],
            metadata=Metadata(
                title=row["title"],
                org=row["org"],
                doc_type=row["doc_type"],
                date=row["date"],
                ref=row["ref"],
            ),
            indexed=bool(row["indexed"]),
        )

    def documents(self) -> list[DocumentRecord]:
        return [
            self._record(r)
            for r in self.conn.execute("SELECT * FROM documents ORDER BY path, doc_id")
        ]

    def document(self, doc_id: str) -> DocumentRecord:
        row = self.conn.execute(
            "SELECT * FROM documents WHERE doc_id=?", (doc_id,)
        ).fetchone()
        if row is None:
            raise NotFound(
                f"no document with id {doc_id!r}",
                hint="`evidence status` lists the documents and their ids",
            )
        return self._record(row)

    def has_document(self, doc_id: str) -> bool:
        return (
            self.conn.execute(
                "SELECT 1 FROM documents WHERE doc_id=?", (doc_id,)
            ).fetchone()
            is not None
        )

    def aliases_of(self, doc_id: str) -> list[str]:
        return [
            r[0]
            for r in self.conn.execute(
                "SELECT path FROM aliases WHERE doc_id=? ORDER BY path", (doc_id,)
            )
        ]

    def passages(self, doc_id: str | None = None) -> list[Passage]:
        sql = "SELECT passage_id, doc_id, seq, text, page, heading, kind, ocr FROM passages"
        args: tuple[Any, ...] = ()
        if doc_id is not None:
            sql += " WHERE doc_id=?"
            args = (doc_id,)
        sql += " ORDER BY doc_id, seq"
        return [
            Passage(pid, doc, seq, text, page, heading, kind, ocr=bool(ocr))
            for pid, doc, seq, text, page, heading, kind, ocr in self._plain().execute(
                sql, args
            )
        ]

    def passage_numbers(self, doc_id: str) -> dict[str, tuple[int, str | None]]:
        """passage_id -> (seq, printed paragraph number or None) for one document."""
        return {
            pid: (seq, para)
            for pid, seq, para in self.conn.execute(
                "SELECT passage_id, seq, para FROM passages WHERE doc_id=?", (doc_id,)
            )
        }

    def _plain(self) -> sqlite3.Cursor:
        """A cursor that yields plain tuples: a sqlite3.Row per row costs a third of a big read."""
        cursor = self.conn.cursor()
        cursor.row_factory = None
        return cursor

    def findings(
        self, *, doc_id: str | None = None, kind: str | None = None
    ) -> list[dict[str, Any]]:
        """Findings as flat rows (finding fields + data), in document order."""
        clauses, args = [], []
        if doc_id is not None:
            clauses.append("f.doc_id=?")
            args.append(doc_id)
        if kind is not None:
            clauses.append("f.kind=?")
            args.append(kind)
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        rows = self._plain().execute(
            f"""SELECT f.finding_id, f.kind, f.text, f.doc_id, f.passage_id, p.page, f.start, f."end", f.data
                FROM findings f JOIN passages p ON p.passage_id = f.passage_id {where}
                ORDER BY f.doc_id, p.seq, f.start, f.finding_id""",
            args,
        )
        out: list[dict[str, Any]] = []
        while batch := rows.fetchmany(_BATCH):
            # one json.loads of a whole batch's data costs far less than one per row
            datas = json.loads("[" + ",".join(r[8] for r in batch) + "]")
            for (fid, kind, text, doc, pid, page, start, end, _), data in zip(
                batch, datas
            ):
                item = {
                    "id": fid,
                    "kind": kind,
                    "text": text,
                    "doc_id": doc,
                    "passage_id": pid,
                    "page": page,
                    "start": start,
                    "end": end,
                }
                item.update(data)
                out.append(item)
        return out

    def iter_findings_themed(
        self,
        *,
        doc_id: str | None = None,
        kind: str | None = None,
        theme: str | None = None,
    ) -> Iterator[tuple[dict[str, Any], tuple[str, ...]]]:
        """(row as in :meth:`findings` plus its passage's ``seq`` and printed ``para``,
        its theme ids sorted) in the same order, a batch at a time.

        The site reads its findings through this a document, a kind or a
        theme at a time, so a build never holds every finding of a big corpus at once.
        """
        clauses, args = [], []
        if theme is not None:
            clauses.append(
                "f.finding_id IN (SELECT finding_id FROM finding_themes WHERE theme=?)"
            )
            args.append(theme)
        if doc_id is not None:
            clauses.append("f.doc_id=?")
            args.append(doc_id)
        if kind is not None:
            clauses.append("f.kind=?")
            args.append(kind)
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        rows = self._plain().execute(
            f"""SELECT f.finding_id, f.kind, f.text, f.doc_id, f.passage_id, p.page, f.start, f."end", f.data,
                       (SELECT group_concat(theme, char(31)) FROM finding_themes t WHERE t.finding_id = f.finding_id),
                       p.seq, p.para
                FROM findings f JOIN passages p ON p.passage_id = f.passage_id {where}
                ORDER BY f.doc_id, p.seq, f.start, f.finding_id""",
            args,
        )
        while batch := rows.fetchmany(_BATCH):
            datas = json.loads("[" + ",".join(r[8] for r in batch) + "]")
            for (
                fid,
                kind_,
                text,
                doc,
                pid,
                page,
                start,
                end,
                _,
                themes,
                seq,
                para,
            ), data in zip(batch, datas):
                item = {
                    "id": fid,
                    "kind": kind_,
                    "text": text,
                    "doc_id": doc,
                    "passage_id": pid,
                    "page": page,
                    "start": start,
                    "end": end,
                    "seq": seq,
                    "para": para,
                }
                item.update(data)
                yield item, tuple(sorted(themes.split("\x1f"))) if themes else ()

    def findings_by_id(self, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """id -> row as in :meth:`iter_findings_themed`, for the given findings (those the store has)."""
        out: dict[str, dict[str, Any]] = {}
        wanted = sorted(ids)
        for at in range(0, len(wanted), 500):
            chunk = wanted[at : at + 500]
            rows = self._plain().execute(
                f"""SELECT f.finding_id, f.kind, f.text, f.doc_id, f.passage_id, p.page, f.start, f."end", f.data,
                           p.seq, p.para
                    FROM findings f JOIN passages p ON p.passage_id = f.passage_id
                    WHERE f.finding_id IN ({",".join("?" * len(chunk))})""",
                chunk,
            )
            for fid, kind, text, doc, pid, page, start, end, data, seq, para in rows:
                item = {
                    "id": fid,
                    "kind": kind,
                    "text": text,
                    "doc_id": doc,
                    "passage_id": pid,
                    "page": page,
                    "start": start,
                    "end": end,
                    "seq": seq,
                    "para": para,
                }
                item.update(json.loads(data))
                out[fid] = item
        return out

    def finding_theme_ids_of(self, ids: Iterable[str]) -> dict[str, tuple[str, ...]]:
        """id -> its theme ids sorted, for the given findings that carry a theme."""
        out: dict[str, list[str]] = {}
        wanted = sorted(ids)
        for at in range(0, len(wanted), 500):
            chunk = wanted[at : at + 500]
            for fid, theme in self._plain().execute(
                f"SELECT finding_id, theme FROM finding_themes WHERE finding_id IN ({','.join('?' * len(chunk))})",
                chunk,
            ):
                out.setdefault(fid, []).append(theme)
        return {fid: tuple(sorted(themes)) for fid, themes in out.items()}

    def finding_kind_counts(self) -> dict[str, int]:
        """kind -> how many findings of that kind cite a stored passage of a stored document.

        A kind the registry does not hold is an error (UnknownKindError).
        """
        counts = dict(
            self.conn.execute(
                """SELECT f.kind, COUNT(*) FROM findings f JOIN passages p ON p.passage_id = f.passage_id
                   JOIN documents d ON d.doc_id = f.doc_id GROUP BY f.kind"""
            ).fetchall()
        )
        KINDS.check_stored(counts)
        return counts

    def check_kinds(self) -> None:
        """Refuse a store holding findings of a kind the registry does not hold (UnknownKindError)."""
        KINDS.check_stored(
            r[0] for r in self._plain().execute("SELECT DISTINCT kind FROM findings")
        )

    def finding_theme_ids(self) -> list[str]:
        """Every theme some finding carries, sorted."""
        return [
            r[0]
            for r in self.conn.execute(
                "SELECT DISTINCT theme FROM finding_themes ORDER BY theme"
            )
        ]

    def acronyms(self) -> dict[str, list[str]]:
        """short -> sorted long forms, learned from every document."""
        found: dict[str, set[str]] = {}
        for short, long in self.conn.execute("SELECT short, long FROM acronyms"):
            found.setdefault(short, set()).add(long)
        return {s: sorted(v) for s, v in sorted(found.items())}

    def counts(self) -> dict[str, int]:
        """Documents, passages, and findings of each kind by its plural ("figures": 12)."""
        c = self.conn
        out = {
            "documents": c.execute("SELECT COUNT(*) FROM documents").fetchone()[0],
            "passages": c.execute("SELECT COUNT(*) FROM passages").fetchone()[0],
        }
        by_kind = dict(
            c.execute("SELECT kind, COUNT(*) FROM findings GROUP BY kind").fetchall()
        )
        KINDS.check_stored(by_kind)
        for kind in KINDS:  # each kind's plural: "figures", ...
            out[kind.plural] = by_kind.get(kind.name, 0)
        return out

    # -- themes -----------------------------------------------------------

    def passage_themes(self) -> dict[str, list[tuple[str, float, str]]]:
        out: dict[str, list[tuple[str, float, str]]] = {}
        for pid, theme, score, reason in self._plain().execute(
            "SELECT passage_id, theme, score, reason FROM passage_themes ORDER BY passage_id, score DESC, theme"
        ):
            out.setdefault(pid, []).append((theme, score, reason))
        return out

    def iter_passage_themes(self) -> Iterator[tuple[str, list[tuple[str, float, str]]]]:
        """(passage_id, its themes) as :meth:`passage_themes` gives them, a passage at a time."""
        current: str | None = None
        themes: list[tuple[str, float, str]] = []
        for pid, theme, score, reason in self._plain().execute(
            "SELECT passage_id, theme, score, reason FROM passage_themes ORDER BY passage_id, score DESC, theme"
        ):
            if pid != current:
                if current is not None:
                    yield current, themes
                current, themes = pid, []
            themes.append((theme, score, reason))
        if current is not None:
            yield current, themes

    def passage_themes_by_passage(
        self,
    ) -> Iterator[tuple[str, str, list[tuple[str, float, str]]]]:
        """(passage_id, doc_id, its themes as in :meth:`passage_themes`) per themed passage, streamed."""
        rows = self.conn.execute(
            """SELECT t.passage_id, p.doc_id, t.theme, t.score, t.reason FROM passage_themes t
               JOIN passages p ON p.passage_id = t.passage_id ORDER BY t.passage_id, t.score DESC, t.theme"""
        )
        current: str | None = None
        doc_id = ""
        themes: list[tuple[str, float, str]] = []
        for pid, doc, theme, score, reason in rows:
            if pid != current:
                if current is not None:
                    yield current, doc_id, themes
                current, doc_id, themes = pid, doc, []
            themes.append((theme, score, reason))
        if current is not None:
            yield current, doc_id, themes

    def passage_theme_ids(self, doc_id: str) -> dict[str, tuple[str, ...]]:
        """passage_id -> its theme ids (highest score first, as :meth:`passage_themes`) for one document's themed passages.

        A document page needs only its own passages' themes: read per
        document, a build never holds every passage's themes at once.
        """
        out: dict[str, list[str]] = {}
        for pid, theme in self._plain().execute(
            """SELECT t.passage_id, t.theme FROM passages p JOIN passage_themes t ON t.passage_id = p.passage_id
               WHERE p.doc_id=? ORDER BY t.passage_id, t.score DESC, t.theme""",
            (doc_id,),
        ):
            out.setdefault(pid, []).append(theme)
        return {pid: tuple(ids) for pid, ids in out.items()}

    def theme_passage_counts(self, theme: str) -> list[tuple[str, int]]:
        """(doc_id, how many of its passages carry ``theme``), by doc_id: what a theme page's sources count."""
        return (
            self._plain()
            .execute(
                """SELECT p.doc_id, COUNT(*) FROM passage_themes t JOIN passages p ON p.passage_id = t.passage_id
               WHERE t.theme=? GROUP BY p.doc_id ORDER BY p.doc_id""",
                (theme,),
            )
            .fetchall()
        )

    def doc_theme_passage_counts(self) -> list[tuple[str, str, int, str]]:
        """(doc_id, theme, passages of the document carrying it, the first such passage id) for every pair."""
        return (
            self._plain()
            .execute(
                """SELECT p.doc_id, t.theme, COUNT(*), MIN(t.passage_id) FROM passage_themes t
               JOIN passages p ON p.passage_id = t.passage_id GROUP BY p.doc_id, t.theme"""
            )
            .fetchall()
        )

    def iter_finding_texts(self, kind: str) -> Iterator[tuple[str, str, str]]:
        """(id, doc_id, text) of every finding of ``kind`` whose passage is stored, sorted by id, streamed.

        What the claim grouper reads: the text alone, without decoding each row's data.
        """
        rows = self._plain().execute(
            """SELECT f.finding_id, f.doc_id, f.text FROM findings f JOIN passages p ON p.passage_id = f.passage_id
               WHERE f.kind=? ORDER BY f.finding_id""",
            (kind,),
        )
        while batch := rows.fetchmany(_BATCH):
            yield from batch

    def theme_finding_docs(self, theme: str, kind: str) -> Iterator[tuple[str, str]]:
        """(finding id, doc_id) of every finding of ``kind`` carrying ``theme`` that a site shows
        (its passage and document stored), streamed: a theme page counts its echoed claims' sources and
        finds its conflicting figures from these, before it reads the findings themselves."""
        rows = self._plain().execute(
            """SELECT f.finding_id, f.doc_id FROM finding_themes t JOIN findings f ON f.finding_id = t.finding_id
               JOIN passages p ON p.passage_id = f.passage_id JOIN documents d ON d.doc_id = f.doc_id
               WHERE t.theme=? AND f.kind=?""",
            (theme, kind),
        )
        while batch := rows.fetchmany(_BATCH):
            yield from batch

    def passage_theme_ids_used(self) -> list[str]:
        """Every theme some passage carries, sorted."""
        return [
            r[0]
            for r in self._plain().execute(
                "SELECT DISTINCT theme FROM passage_themes ORDER BY theme"
            )
        ]

    def themed_passage_docs(self) -> dict[str, str]:
        """passage_id -> doc_id for every passage that has a theme (not the passages' text)."""
        return dict(
            self._plain().execute(
                "SELECT passage_id, doc_id FROM passages WHERE passage_id IN (SELECT passage_id FROM passage_themes)"
            )
        )

    def finding_kinds_by_theme(self) -> dict[str, dict[str, int]]:
        """theme -> finding kind -> how many findings of that kind carry the theme."""
        out: dict[str, dict[str, int]] = {}
        for theme, kind, count in self.conn.execute(
            """SELECT t.theme, f.kind, COUNT(*) FROM finding_themes t JOIN findings f ON f.finding_id = t.finding_id
               GROUP BY t.theme, f.kind ORDER BY t.theme, f.kind"""
        ):
            out.setdefault(theme, {})[kind] = count
        KINDS.check_stored({k for kinds in out.values() for k in kinds})
        return out

    def finding_themes(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for fid, theme in self._plain().execute(
            "SELECT finding_id, theme FROM finding_themes ORDER BY finding_id, theme"
        ):
            out.setdefault(fid, []).append(theme)
        return out

    def replace_themes(
        self,
        passage_rows: Iterable[tuple[str, str, float, str]],
        finding_rows: Iterable[tuple[str, str]],
    ) -> None:
        """Swap in a whole new theme assignment, as one unit."""
        with self.transaction() as conn:
            conn.execute("DELETE FROM passage_themes")
            conn.execute("DELETE FROM finding_themes")
            _insert_themes(conn, passage_rows, finding_rows)

    def index_rows(self, doc_id: str) -> list[dict[str, Any]]:
        """What the search index holds for each passage of one document."""
        kinds: dict[str, set[str]] = {}
        for pid, kind in self.conn.execute(
            "SELECT passage_id, kind FROM findings WHERE doc_id=?", (doc_id,)
        ):
            kinds.setdefault(pid, set()).add(kind)
        themes: dict[str, list[str]] = {}
        for pid, theme in self.conn.execute(
            """SELECT t.passage_id, t.theme FROM passage_themes t JOIN passages p ON p.passage_id = t.passage_id
               WHERE p.doc_id=? ORDER BY t.passage_id, t.theme""",
            (doc_id,),
        ):
            themes.setdefault(pid, []).append(theme)
        rows = []
        for r in self.conn.execute(
            "SELECT * FROM passages WHERE doc_id=? ORDER BY seq", (doc_id,)
        ):
            pid = r["passage_id"]
            rows.append(
                {
                    "passage_id": pid,
                    "text": r["text"],
                    "heading": r["heading"],
                    "page": r["page"],
                    "ocr": bool(r["ocr"]),
                    "orgs": tuple(json.loads(r["orgs"])),
                    "kinds": tuple(sorted(kinds.get(pid, ()))),
                    "themes": tuple(themes.get(pid, ())),
                }
            )
        return rows

    def mark_unindexed(self, doc_ids: Iterable[str]) -> None:
        """These documents' index entries are out of date (e.g. new themes)."""
        with self.transaction() as conn:
            conn.executemany(
                "UPDATE documents SET indexed=0 WHERE doc_id=?", [(d,) for d in doc_ids]
            )

    @contextmanager
    def rewriting_themes(self) -> Iterator[ThemeRewrite]:
        """One transaction in which themes are replaced a batch of documents at a time.

        A corpus-wide re-assignment streams through it, so it never holds
        every passage's themes at once, yet readers see the old assignment
        until the new one is complete.
        """
        with self.transaction() as conn:
            yield ThemeRewrite(conn)

    # -- streaming reads for corpus-wide passes ---------------------------

    def document_count(self) -> int:
        return self.conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]

    def passage_count(self) -> int:
        return self.conn.execute("SELECT COUNT(*) FROM passages").fetchone()[0]

    def iter_passage_texts(self) -> Iterator[tuple[str, str]]:
        """(passage_id, text) for every passage, by passage id, one row at a time."""
        for pid, text in self.conn.execute(
            "SELECT passage_id, text FROM passages ORDER BY passage_id"
        ):
            yield pid, text  # plain tuples, not the connection's Row objects

    def doc_ids(self) -> list[str]:
        return [
            r[0]
            for r in self.conn.execute("SELECT doc_id FROM documents ORDER BY doc_id")
        ]

    def theme_inputs(
        self, doc_ids: Sequence[str]
    ) -> tuple[
        list[tuple[str, str, str]], list[tuple[str, str, str]], dict[str, list[str]]
    ]:
        """What theme assignment needs for some documents, and what they carry now.

        ((passage_id, doc_id, text) by passage id, (finding_id, passage_id,
        text) by finding id, passage_id -> its current theme ids, sorted).
        """
        marks = ",".join("?" * len(doc_ids))
        args = tuple(doc_ids)
        passages = [
            (r[0], r[1], r[2])
            for r in self.conn.execute(
                f"SELECT passage_id, doc_id, text FROM passages WHERE doc_id IN ({marks}) ORDER BY passage_id",
                args,
            )
        ]
        findings = [
            (r[0], r[1], r[2])
            for r in self.conn.execute(
                f"SELECT finding_id, passage_id, text FROM findings WHERE doc_id IN ({marks}) ORDER BY finding_id",
                args,
            )
        ]
        current: dict[str, list[str]] = {}
        for pid, theme in self.conn.execute(
            f"""SELECT t.passage_id, t.theme FROM passage_themes t JOIN passages p ON p.passage_id = t.passage_id
                WHERE p.doc_id IN ({marks}) ORDER BY t.passage_id, t.theme""",
            args,
        ):
            current.setdefault(pid, []).append(theme)
        return passages, findings, current

    def iter_findings(self, *, kind: str | None = None) -> Iterator[dict[str, Any]]:
        """As :meth:`findings` for the whole store, with each finding's theme ids
        (``themes``, sorted), one row at a time: an export of a million findings
        never holds them all."""
        where, args = ("WHERE f.kind=?", (kind,)) if kind is not None else ("", ())
        rows = self.conn.execute(
            f"""SELECT f.*, p.seq AS seq, p.page AS page,
                       (SELECT group_concat(theme, char(31)) FROM finding_themes t WHERE t.finding_id = f.finding_id)
                       AS themes
                FROM findings f JOIN passages p ON p.passage_id = f.passage_id {where}
                ORDER BY f.doc_id, p.seq, f.start, f.finding_id""",
            args,
        )
        for r in rows:
            item = _finding_item(r)
            item["themes"] = sorted(r["themes"].split("\x1f")) if r["themes"] else []
            yield item


def _finding_item(r: sqlite3.Row) -> dict[str, Any]:
    item = {
        "id": r["finding_id"],
        "kind": r["kind"],
        "text": r["text"],
        "doc_id": r["doc_id"],
        "passage_id": r["passage_id"],
        "page": r["page"],
        "start": r["start"],
        "end": r["end"],
    }
    item.update(json.loads(r["data"]))
    return item


class ThemeRewrite:
    """Replaces the themes of a few documents at a time inside one open transaction."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def replace(
        self,
        doc_ids: Sequence[str],
        passage_rows: Iterable[tuple[str, str, float, str]],
        finding_rows: Iterable[tuple[str, str]],
    ) -> None:
        """Drop every theme of ``doc_ids``' passages and findings, then add these rows."""
        if doc_ids:
            marks = ",".join("?" * len(doc_ids))
            args = tuple(doc_ids)
            self._conn.execute(
                f"DELETE FROM passage_themes WHERE passage_id IN (SELECT passage_id FROM passages WHERE doc_id IN ({marks}))",
                args,
            )
            self._conn.execute(
                f"DELETE FROM finding_themes WHERE finding_id IN (SELECT finding_id FROM findings WHERE doc_id IN ({marks}))",
                args,
            )
        _insert_themes(self._conn, passage_rows, finding_rows)

    def name_themes(self, themes: Sequence[tuple[str, str]]) -> None:
        """Add or relabel the taxonomy's themes, (id, label)."""
        _name_themes(self._conn, themes)

    def drop_unused_themes(self, keep: Iterable[str]) -> None:
        """Remove theme rows neither in ``keep`` nor carried by any passage or finding."""
        kept = sorted(set(keep))
        marks = ",".join("?" * len(kept)) or "NULL"
        self._conn.execute(
            f"""DELETE FROM themes WHERE id NOT IN ({marks})
                AND id NOT IN (SELECT theme FROM passage_themes)
                AND id NOT IN (SELECT theme FROM finding_themes)""",
            kept,
        )

    def mark_unindexed(self, doc_ids: Iterable[str]) -> None:
        """Their index entries carry old themes; committed with the new ones."""
        self._conn.executemany(
            "UPDATE documents SET indexed=0 WHERE doc_id=?", [(d,) for d in doc_ids]
        )

    def set_meta(self, key: str, value: str) -> None:
        self._conn.execute("INSERT OR REPLACE INTO _meta VALUES (?, ?)", (key, value))
