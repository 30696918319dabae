"""A killed or concurrent ingest leaves the store and the index agreeing."""

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from click.testing import CliRunner

from evidence.cli import cli
from evidence.index import PassageIndex
from evidence.ingest import ingest, ingest_lock
from evidence.store import Store

PARAGRAPH = (
    "Integrated care boards told us that the capital regime makes it hard to plan. "
    "Around one in three systems reported a deficit of more than £20 million in 2022-23, "
    "and the NAO recommends that NHS England publishes clearer guidance.\n\n"
)


def export_jsonl(store: Store) -> str:
    """Every finding as the JSON-lines export writes it."""
    from evidence.export import export_rows, write_export

    buffer = io.StringIO()
    write_export(export_rows(store), buffer, "jsonl")
    return buffer.getvalue()


def _corpus(folder: Path, count: int) -> None:
    folder.mkdir()
    for n in range(count):
        body = (
            f"Submission {n}\n\n"
            + PARAGRAPH * (3 + n % 4)
            + f"Closing remark number {n}.\n"
        )
        (folder / f"submission-{n:03d}.txt").write_text(body, encoding="utf-8")


def _agree(index_dir: Path) -> tuple[set[str], set[str]]:
    with Store(index_dir) as store:
        stored = {p.passage_id for p in store.passages()}
        assert store.unindexed() == ([], [])
    return stored, PassageIndex(index_dir).passage_ids()


def test_sigkill_at_many_points_then_rerun_agrees(tmp_path):
    folder = tmp_path / "inquiry"
    _corpus(folder, 40)
    index_dir = tmp_path / "idx"
    command = [
        sys.executable,
        "-m",
        "evidence.cli",
        "--index-dir",
        str(index_dir),
        "ingest",
        str(folder),
        "--workers",
        "2",
    ]
    for delay in (0.2, 0.5, 0.9, 1.4, 2.0, 3.0):
        # Change a few files each round so every run has work to interrupt.
        for n in range(0, 40, 7):
            path = folder / f"submission-{n:03d}.txt"
            path.write_text(
                path.read_text(encoding="utf-8") + f"Edited after {delay}s.\n",
                encoding="utf-8",
            )
        proc = subprocess.Popen(
            command,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        time.sleep(delay)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    finished = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert finished.returncode == 0, finished.stderr
    stored, indexed = _agree(index_dir)
    assert stored == indexed
    with Store(index_dir) as store:
        assert store.counts()["documents"] == 40
    again = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert again.stdout.splitlines() == [
        "40 documents: 0 new, 0 changed, 40 unchanged, 0 removed; 0 failed",
        "Nothing changed.",
    ]


def _session(sid: int) -> list[int]:
    """Live processes of session ``sid`` (zombies are dead and hold nothing)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        state, _ppid, _pgrp, session = stat.rsplit(")", 1)[1].split()[:4]
        if int(session) == sid and state != "Z":
            found.append(int(entry.name))
    return found


def _children(pid: int) -> int:
    try:
        return len(
            (Path("/proc") / str(pid) / "task" / str(pid) / "children")
            .read_text()
            .split()
        )
    except OSError:
        return 0


def _stored_documents(index_dir: Path) -> int:
    import sqlite3

    try:
        with sqlite3.connect(
            f"file:{index_dir / 'evidence.sqlite'}?mode=ro", uri=True, timeout=1
        ) as conn:
            return conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    except sqlite3.Error:
        return 0


def _until(condition, limit: float = 120.0) -> None:
    deadline = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < deadline, "the moment to kill at never came"
        time.sleep(0.02)


def test_killing_only_the_parent_leaves_no_process_and_no_lock(tmp_path):
    """SIGKILL the ingest itself, not its process group: its workers must not live on.

    Killed while reading, while storing and while the two index-writer
    processes commit (a first index of over 200 documents uses them), each
    time nothing of the run may stay, and the next ingest runs at once and
    finishes the interrupted ones.
    """
    folder = tmp_path / "inquiry"
    _corpus(folder, 210)
    index_dir = tmp_path / "idx"
    command = [
        sys.executable,
        "-m",
        "evidence.cli",
        "--index-dir",
        str(index_dir),
        "ingest",
        str(folder),
        "--workers",
        "2",
    ]
    marker = index_dir / "whoosh" / "WRITER_PID"
    moments = {
        "reading": lambda pid: _children(pid) >= 2,
        "storing": lambda pid: _stored_documents(index_dir) >= 120,
        "committing the index": lambda pid: marker.exists() and _children(pid) >= 2,
    }
    for moment, reached in moments.items():
        proc = subprocess.Popen(
            command,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            _until(lambda: reached(proc.pid) or proc.poll() is not None)
            assert proc.poll() is None, f"the ingest ended before {moment}"
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            deadline = time.monotonic() + 10
            while _session(proc.pid) and time.monotonic() < deadline:
                time.sleep(0.05)
            assert _session(proc.pid) == [], (
                f"processes outlived an ingest killed while {moment}"
            )
        finally:
            for pid in _session(proc.pid):  # whatever a failure left behind
                os.kill(pid, signal.SIGKILL)
    result = CliRunner().invoke(
        cli, ["--index-dir", str(index_dir), "ingest", str(folder), "--workers", "2"]
    )
    assert result.exit_code == 0, result.output
    stored, indexed = _agree(index_dir)
    assert len(stored) == 210 * 2 + sum(3 + n % 4 for n in range(210))
    assert stored == indexed and PassageIndex(index_dir).passage_count() == len(stored)
    assert CliRunner().invoke(
        cli, ["--index-dir", str(index_dir), "ingest", str(folder)]
    ).stdout.splitlines() == [
        "210 documents: 0 new, 0 changed, 210 unchanged, 0 removed; 0 failed",
        "Nothing changed.",
    ]


def test_a_second_ingest_refuses_while_one_runs(tmp_path):
    folder = tmp_path / "inquiry"
    _corpus(folder, 2)
    index_dir = tmp_path / "idx"
    index_dir.mkdir()
    with ingest_lock(index_dir):
        result = CliRunner().invoke(
            cli, ["--index-dir", str(index_dir), "ingest", str(folder)]
        )
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: another ingest is running on {index_dir} (wait for it to finish, then run this one again)\n"
    )
    assert ingest([folder], index_dir=index_dir, workers=1).new == [
        "inquiry/submission-000.txt",
        "inquiry/submission-001.txt",
    ]


def test_store_and_index_are_rebuilt_after_losing_the_index(tmp_path):
    folder = tmp_path / "inquiry"
    _corpus(folder, 3)
    index_dir = tmp_path / "idx"
    ingest([folder], index_dir=index_dir, workers=1)
    with Store(index_dir) as store:
        store.mark_unindexed([d.doc_id for d in store.documents()])
    ingest([folder], index_dir=index_dir, workers=1)
    stored, indexed = _agree(index_dir)
    assert stored == indexed and len(stored) == 3 * 2 + sum(3 + n % 4 for n in range(3))


def test_build_and_export_during_an_ingest_see_the_last_commit(tmp_path):
    """An ingest holds a write transaction mid-document: readers see only what was committed."""
    from evidence.render import build_site

    folder = tmp_path / "inquiry"
    _corpus(folder, 2)
    index_dir = tmp_path / "idx"
    ingest([folder], index_dir=index_dir, workers=1)
    before = export_jsonl(Store(index_dir))
    writer = Store(index_dir)
    with writer.transaction() as conn:  # what an ingest does for each document
        conn.execute("DELETE FROM findings")
        conn.execute("UPDATE documents SET title='half written'")
        with Store(index_dir) as reader:
            assert export_jsonl(reader) == before
            report = build_site(reader, tmp_path / "site")
        assert report.broken == ()
        listing = (tmp_path / "site" / "documents.html").read_text(encoding="utf-8")
        assert "Submission 0" in listing and "half written" not in listing
        conn.execute("ROLLBACK")
        conn.execute("BEGIN")  # the context manager commits on the way out
    writer.close()
    assert export_jsonl(Store(index_dir)) == before
