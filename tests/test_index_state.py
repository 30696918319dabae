"""A damaged, deleted or half-made store or index: one line, and the next ingest mends it (issue 20)."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from evidence.cli import cli
from evidence.index import PassageIndex
from evidence.store import SCHEMA_VERSION, Store

PARAGRAPH = (
    "Integrated care boards told us that the capital regime makes it hard to plan. "
    "Around one in three systems reported a deficit of more than £20 million in 2022-23.\n\n"
)
REBUILD = "(run `evidence ingest` to rebuild it from the store)"


def _run(index_dir: Path, *args: str) -> Result:
    return CliRunner().invoke(
        cli,
        ["--index-dir", str(index_dir), *args],
        catch_exceptions=False,
        prog_name="evidence",
    )


def _fatal(result: Result, message: str) -> None:
    assert "Traceback" not in result.output
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", message + "\n")


@pytest.fixture()
def ingested(tmp_path: Path) -> Path:
    folder = tmp_path / "inquiry"
    folder.mkdir()
    for n in range(4):
        (folder / f"submission-{n}.txt").write_text(
            f"Submission {n}\n\n" + PARAGRAPH * (n + 1), encoding="utf-8"
        )
    index_dir = tmp_path / "idx"
    assert _run(index_dir, "ingest", str(folder), "--workers", "1").exit_code == 0
    return index_dir


def _agree(index_dir: Path) -> int:
    """Every stored passage is in the index exactly once; returns how many there are."""
    with Store(index_dir) as store:
        stored = {p.passage_id for p in store.passages()}
        assert store.unindexed() == ([], [])
    index = PassageIndex(index_dir)
    assert (index.damaged, index.created) == (None, False)
    assert index.passage_ids() == stored and index.passage_count() == len(stored)
    return len(stored)


def _reingest(index_dir: Path, reason: str) -> None:
    result = _run(
        index_dir, "ingest", str(index_dir.parent / "inquiry"), "--workers", "1"
    )
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.splitlines() == [
        "4 documents: 0 new, 0 changed, 4 unchanged, 0 removed; 0 failed",
        f"Search index rebuilt from the store ({reason}).",
    ]
    assert _agree(index_dir) == 4 + 1 + 2 + 3 + 4
    assert (
        _run(index_dir, "search", "capital regime").stdout.splitlines()[-1]
        == "10 of 10 matching passages"
    )


def test_a_deleted_index_is_rebuilt_by_the_next_ingest(ingested: Path) -> None:
    shutil.rmtree(ingested / "whoosh")
    _fatal(
        _run(ingested, "search", "capital"),
        f"Error: no index in {ingested} (run `evidence ingest FOLDER` first)",
    )
    _reingest(ingested, "it was missing")


def _segment_file(index_dir: Path, suffix: str) -> Path:
    (found,) = (index_dir / "whoosh").glob(f"MAIN_*{suffix}")
    return found


@pytest.mark.parametrize(
    ("damage", "why"),
    [
        (
            lambda d: _segment_file(d, ".pst").write_bytes(
                _segment_file(d, ".pst").read_bytes()[:100]
            ),
            "Exception: Block tag error b''",
        ),
        (
            lambda d: _segment_file(d, ".trm").unlink(),
            "FileNotFoundError: [Errno 2] No such file or directory: '{trm}'",
        ),
        (
            lambda d: (d / "whoosh" / "_MAIN_1.toc").write_bytes(b"\0" * 3000),
            "IndexError: Index was created on different architecture: saved int = 0, this computer = 4",
        ),
    ],
    ids=["cut-postings", "lost-terms", "zeroed-toc"],
)
def test_a_damaged_index_gives_one_line_then_is_rebuilt(
    ingested: Path, damage, why: str
) -> None:
    why = why.format(trm=_segment_file(ingested, ".trm"))
    damage(ingested)
    message = f"Error: the search index in {ingested} is damaged ({why}) {REBUILD}"
    _fatal(_run(ingested, "search", "capital"), message)
    _fatal(
        _run(ingested, "search", "capital"), message
    )  # the same, now from the note the first search left
    _reingest(ingested, f"it could not be read: {why}")


def test_damage_is_found_by_an_ingest_without_a_search_first(ingested: Path) -> None:
    pst = _segment_file(ingested, ".pst")
    pst.write_bytes(pst.read_bytes()[:100])
    _reingest(ingested, "it could not be read: Exception: Block tag error b''")


def test_damage_that_keeps_size_and_time_is_caught_by_search_then_rebuilt(
    ingested: Path,
) -> None:
    """An ingest reads the index through only when its files' sizes or times changed since it last passed.

    Damage that keeps both is met by the first search, whose note makes
    the next ingest rebuild the index.
    """
    pst = _segment_file(ingested, ".pst")
    before = pst.stat()
    data = pst.read_bytes()
    pst.write_bytes(data[:100] + bytes(len(data) - 100))
    os.utime(pst, ns=(before.st_atime_ns, before.st_mtime_ns))
    why = "Exception: Block tag error b'\\x00\\x00\\x00\\x00'"
    _fatal(
        _run(ingested, "search", "capital"),
        f"Error: the search index in {ingested} is damaged ({why}) {REBUILD}",
    )
    _reingest(ingested, f"it could not be read: {why}")


def test_damage_met_while_an_ingest_writes_is_one_line_then_rebuilt(
    ingested: Path,
) -> None:
    """The same unseen damage, met first by an ingest replacing a changed document's passages."""
    pst = _segment_file(ingested, ".pst")
    before = pst.stat()
    data = pst.read_bytes()
    pst.write_bytes(data[:100] + bytes(len(data) - 100))
    os.utime(pst, ns=(before.st_atime_ns, before.st_mtime_ns))
    changed = ingested.parent / "inquiry" / "submission-2.txt"
    changed.write_text(
        changed.read_text(encoding="utf-8") + "A closing line.\n", encoding="utf-8"
    )
    why = "Exception: Block tag error b'\\x00\\x00\\x00\\x00'"
    _fatal(
        _run(ingested, "ingest", str(ingested.parent / "inquiry"), "--workers", "1"),
        f"Error: the search index in {ingested} is damaged ({why}) {REBUILD}",
    )
    result = _run(
        ingested, "ingest", str(ingested.parent / "inquiry"), "--workers", "1"
    )
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.splitlines() == [
        "4 documents: 0 new, 0 changed, 4 unchanged, 0 removed; 0 failed",
        f"Search index rebuilt from the store (it could not be read: {why}).",
    ]
    assert _agree(ingested) == 4 + 1 + 2 + 3 + 1 + 4


def test_an_index_that_lost_documents_is_rebuilt(ingested: Path) -> None:
    """Committed, marked indexed, yet absent: the index was tampered with or lost a segment."""
    with PassageIndex(ingested).writer() as writer:
        writer.delete_document(Store(ingested).doc_ids()[0])
    _reingest(ingested, "1 document missing from it or incomplete")


def test_the_index_path_is_a_file(ingested: Path) -> None:
    shutil.rmtree(ingested / "whoosh")
    (ingested / "whoosh").write_text("not a folder\n", encoding="utf-8")
    message = f"Error: {ingested / 'whoosh'} is a file, not the search index folder (move or delete it and run `evidence ingest` again)"
    _fatal(_run(ingested, "search", "capital"), message)
    _fatal(_run(ingested, "ingest", str(ingested.parent / "inquiry")), message)


STORE_COMMANDS = [["status"], ["show", "some-doc"], ["export"], ["themes"]]
RE_INGEST = "run `evidence ingest` again to rebuild it from the source files"


def test_a_store_missing_a_table(ingested: Path) -> None:
    with sqlite3.connect(ingested / "evidence.sqlite") as conn:
        conn.execute("DROP TABLE findings")
    message = f"Error: the store {ingested / 'evidence.sqlite'} is damaged: table findings missing (delete {ingested} and {RE_INGEST})"
    for args in STORE_COMMANDS + [["ingest", str(ingested.parent / "inquiry")]]:
        _fatal(_run(ingested, *args), message)


def test_a_schema_version_that_is_not_a_number(ingested: Path) -> None:
    with sqlite3.connect(ingested / "evidence.sqlite") as conn:
        conn.execute("UPDATE _meta SET value='one' WHERE key='schema_version'")
    message = f"Error: the store in {ingested} has schema version one; this evidence uses {SCHEMA_VERSION} (delete {ingested} and {RE_INGEST})"
    for args in STORE_COMMANDS + [["ingest", str(ingested.parent / "inquiry")]]:
        _fatal(_run(ingested, *args), message)


def test_a_malformed_database_from_any_command(ingested: Path) -> None:
    """Pages past the schema overwritten: SQLite opens the file and fails on the first read of them."""
    path = ingested / "evidence.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page = conn.execute("PRAGMA page_size").fetchone()[0]
        conn.execute("PRAGMA journal_mode=DELETE")
    data = bytearray(path.read_bytes())
    data[2 * page :] = b"\xa5" * (len(data) - 2 * page)
    path.write_bytes(bytes(data))
    message = f"Error: the store in {ingested} is damaged (database disk image is malformed) (delete {ingested} and {RE_INGEST})"
    for args in [["status"], ["export"], ["ingest", str(ingested.parent / "inquiry")]]:
        _fatal(_run(ingested, *args), message)


# -- two first ingests at once ---------------------------------------------


def _open_store(index_dir: Path, barrier, errors) -> None:
    barrier.wait()
    try:
        Store(index_dir, create=True).close()
    except Exception as exc:
        errors.put(f"{type(exc).__name__}: {exc}")


def test_two_processes_creating_one_store_at_once(tmp_path: Path) -> None:
    """The schema is made once, whichever process gets there first (the other waits and finds it)."""
    context = multiprocessing.get_context("fork")
    errors = context.Queue()
    for attempt in range(30):
        index_dir = tmp_path / f"idx{attempt}"
        index_dir.mkdir()
        barrier = context.Barrier(2)
        pair = [
            context.Process(target=_open_store, args=(index_dir, barrier, errors))
            for _ in range(2)
        ]
        for proc in pair:
            proc.start()
        for proc in pair:
            proc.join(60)
        assert [proc.exitcode for proc in pair] == [0, 0]
        assert errors.empty(), errors.get()
        with Store(index_dir) as store:
            assert store.get_meta("schema_version") == str(SCHEMA_VERSION)


def test_two_first_ingests_at_once(tmp_path: Path) -> None:
    """One ingests; the other ingests too or says another is running: never a traceback."""
    folder = tmp_path / "inquiry"
    folder.mkdir()
    (folder / "one.txt").write_text("One\n\n" + PARAGRAPH, encoding="utf-8")
    for attempt in range(2):
        index_dir = tmp_path / f"idx{attempt}"
        command = [
            sys.executable,
            "-m",
            "evidence.cli",
            "--index-dir",
            str(index_dir),
            "ingest",
            str(folder),
            "--workers",
            "1",
        ]
        procs = [
            subprocess.Popen(
                command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
            )
            for _ in range(2)
        ]
        outcomes = sorted((proc.wait(120), *proc.communicate()) for proc in procs)
        locked = f"Error: another ingest is running on {index_dir} (wait for it to finish, then run this one again)\n"
        assert outcomes[0] == (
            0,
            "1 document: 1 new, 0 changed, 0 unchanged, 0 removed; 0 failed\n",
            "",
        )
        assert outcomes[1] in [
            (1, "", locked),
            (
                0,
                "1 document: 0 new, 0 changed, 1 unchanged, 0 removed; 0 failed\nNothing changed.\n",
                "",
            ),
        ]
