"""Issues 19 and 20: which files an ingest reads, what it says about the rest, and ids that survive a move.

Every case goes through the CLI with CliRunner and asserts the exact lines
on stderr and stdout.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import pwd
import shutil
import sqlite3
import tempfile
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from evidence import ingest as ingest_module
from evidence.cli import cli
from evidence.passages import make_doc_id
from evidence.readers import read_bytes
from evidence.render.site import MANIFEST
from evidence.store import Store

CAPITAL = "Capital regime\n\nThe capital regime limits what integrated care boards can spend on buildings.\n"
WORKFORCE = (
    "Workforce\n\nThere is a need for a fully costed workforce plan for social care.\n"
)
SECRET = "Secret\n\nThe zanzibar password is not evidence.\n"


def _run(index_dir: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(
        cli, ["--index-dir", str(index_dir), *args], catch_exceptions=False, env=env
    )


def _ingest(index_dir: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    return _run(index_dir, "ingest", *args, "--workers", "1", env=env)


def _paths(index_dir: Path) -> list[str]:
    with Store(index_dir) as store:
        return [d.path for d in store.documents()]


def _hits(index_dir: Path, query: str) -> list[dict[str, Any]]:
    result = _run(index_dir, "search", query, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    src = tmp_path / "inquiry"
    src.mkdir()
    (src / "capital.txt").write_text(CAPITAL, encoding="utf-8")
    return src


# -- 1. symbolic links ------------------------------------------------------


def test_a_link_out_of_the_folder_is_named_and_not_read(
    tmp_path: Path, folder: Path
) -> None:
    outside = tmp_path / "elsewhere" / "secret.txt"
    outside.parent.mkdir()
    outside.write_text(SECRET, encoding="utf-8")
    os.symlink(outside, folder / "passwd.txt")
    index_dir = tmp_path / "idx"

    result = _ingest(index_dir, str(folder))
    assert result.exit_code == 3
    assert result.stderr == (
        f"skipped: inquiry/passwd.txt: link to {outside}, outside the folder (--follow-links reads it)\n"
    )
    assert (
        result.stdout
        == "1 document: 1 new, 0 changed, 0 unchanged, 0 removed; 0 failed; 1 skipped (link out of the folder)\n"
    )
    assert _paths(index_dir) == ["capital.txt"]
    assert _hits(index_dir, "zanzibar") == []

    followed = _ingest(index_dir, str(folder), "--follow-links")
    assert followed.exit_code == 0, followed.output
    assert followed.stderr == ""
    assert (
        followed.stdout
        == "2 documents: 1 new, 0 changed, 1 unchanged, 0 removed; 0 failed\n"
    )
    assert {h["doc_path"] for h in _hits(index_dir, "zanzibar")} == {"passwd.txt"}

    # Without the option again, what the link brought in is taken out.
    again = _ingest(index_dir, str(folder))
    assert again.exit_code == 3
    assert (
        again.stdout
        == "1 document: 0 new, 0 changed, 1 unchanged, 1 removed; 0 failed; 1 skipped (link out of the folder)\n"
    )
    assert _hits(index_dir, "zanzibar") == []


def test_follow_links_from_the_environment(tmp_path: Path, folder: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "secret.txt").write_text(SECRET, encoding="utf-8")
    os.symlink(outside, folder / "shared")
    index_dir = tmp_path / "idx"
    result = _ingest(index_dir, str(folder))
    assert result.exit_code == 3
    assert result.stderr == (
        f"skipped: inquiry/shared/: link to the folder {outside}, outside the folder (--follow-links reads it)\n"
    )
    followed = _ingest(index_dir, str(folder), env={"EVIDENCE_FOLLOW_LINKS": "1"})
    assert followed.exit_code == 0, followed.output
    assert (
        followed.stdout
        == "2 documents: 1 new, 0 changed, 1 unchanged, 0 removed; 0 failed\n"
    )
    assert _paths(index_dir) == ["capital.txt", "shared/secret.txt"]


def test_a_link_inside_the_folder_is_read_once(tmp_path: Path, folder: Path) -> None:
    os.symlink("capital.txt", folder / "latest.txt")
    (folder / ".drafts").mkdir()
    (folder / ".drafts" / "v2.txt").write_text(WORKFORCE, encoding="utf-8")
    os.symlink(
        ".drafts/v2.txt", folder / "workforce.txt"
    )  # a hidden file, read through its visible link
    index_dir = tmp_path / "idx"
    result = _ingest(index_dir, str(folder))
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert (
        result.stdout
        == "2 documents: 2 new, 0 changed, 0 unchanged, 0 removed; 0 failed\n"
    )
    assert _paths(index_dir) == ["capital.txt", "workforce.txt"]
    with Store(index_dir) as store:
        assert [store.aliases_of(d.doc_id) for d in store.documents()] == [[], []]


# -- 2. FIFOs and devices ---------------------------------------------------


def _ingest_within(seconds: float, index_dir: Path, *args: str) -> Result:
    """The ingest, or a test failure if it is still running after ``seconds`` (it used to hang for ever)."""
    outcome: list[Result] = []
    thread = threading.Thread(
        target=lambda: outcome.append(_ingest(index_dir, *args)), daemon=True
    )
    thread.start()
    thread.join(seconds)
    assert outcome, f"ingest still running after {seconds} s"
    return outcome[0]


def test_a_fifo_and_a_device_are_named_not_read(tmp_path: Path, folder: Path) -> None:
    os.mkfifo(folder / "pipe.txt")
    os.symlink("/dev/zero", folder / "zero.txt")
    index_dir = tmp_path / "idx"
    result = _ingest_within(120, index_dir, str(folder))
    assert result.exit_code == 3
    assert result.stderr.splitlines() == [
        "skipped: inquiry/pipe.txt: not a regular file (a named pipe)",
        "skipped: inquiry/zero.txt: link to /dev/zero, outside the folder (--follow-links reads it)",
    ]
    assert result.stdout == (
        "1 document: 1 new, 0 changed, 0 unchanged, 0 removed; 0 failed; "
        "1 skipped (link out of the folder); 1 skipped (not a regular file)\n"
    )
    followed = _ingest_within(120, index_dir, str(folder), "--follow-links")
    assert followed.exit_code == 3
    assert followed.stderr.splitlines() == [
        "skipped: inquiry/pipe.txt: not a regular file (a named pipe)",
        "skipped: inquiry/zero.txt: not a regular file (a character device)",
    ]
    assert _paths(index_dir) == ["capital.txt"]


def test_the_size_limit_applies_before_hashing(
    tmp_path: Path, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (folder / "big.txt").write_text(CAPITAL * 2000, encoding="utf-8")
    size = (folder / "big.txt").stat().st_size
    hashed: list[str] = []
    real = ingest_module._sha256

    def recorded(path: Path) -> str:
        hashed.append(Path(path).name)
        return real(path)

    monkeypatch.setattr(ingest_module, "_sha256", recorded)
    result = _ingest(tmp_path / "idx", str(folder), "--max-file-size", "0.1")
    assert result.exit_code == 3
    assert (
        result.stderr
        == f"failed: inquiry/big.txt: file too large: {size} bytes, limit {int(0.1 * 1024 * 1024)}\n"
    )
    assert (
        result.stdout
        == "2 documents: 1 new, 0 changed, 0 unchanged, 0 removed; 1 failed\n"
    )
    assert hashed == ["capital.txt"]


# -- 3. names that are not UTF-8 --------------------------------------------


def test_names_that_are_not_utf8_go_in_and_are_found_again(tmp_path: Path) -> None:
    root = tmp_path / os.fsdecode(b"inqu\xeary")
    root.mkdir()
    (root / os.fsdecode(b"caf\xe9.txt")).write_text(CAPITAL, encoding="utf-8")
    (root / "workforce.txt").write_text(WORKFORCE, encoding="utf-8")
    index_dir = tmp_path / "idx"
    first = _ingest(index_dir, str(root))
    assert "Traceback" not in first.output
    assert first.exit_code == 0, first.output
    assert (
        first.stdout
        == "2 documents: 2 new, 0 changed, 0 unchanged, 0 removed; 0 failed\n"
    )
    assert _paths(index_dir) == ["caf\\xe9.txt", "workforce.txt"]
    with Store(index_dir) as store:
        assert store.roots() == [str(tmp_path / "inqu\\xeary")]
        assert [d.title for d in store.documents()] == ["Capital regime", "Workforce"]
    assert {h["doc_path"] for h in _hits(index_dir, "capital regime")} == {
        "caf\\xe9.txt"
    }

    again = _ingest(index_dir, str(root))
    assert again.exit_code == 0, again.output
    assert (
        again.stdout
        == "2 documents: 0 new, 0 changed, 2 unchanged, 0 removed; 0 failed\nNothing changed.\n"
    )
    status = _run(index_dir, "status")
    assert status.exit_code == 0, status.output
    assert f"Sources: {tmp_path}/inqu\\xeary\n" in status.stdout

    (root / os.fsdecode(b"caf\xe9.txt")).unlink()
    removed = _ingest(index_dir, str(root))
    assert (
        removed.stdout
        == "1 document: 0 new, 0 changed, 1 unchanged, 1 removed; 0 failed\n"
    )


# -- 4. a folder that cannot be read ----------------------------------------


def _nobody() -> pwd.struct_passwd | None:
    """The user to drop to when running as root (chmod 000 does not stop root), else None."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam("nobody")
    except KeyError:
        pytest.skip("running as root and there is no `nobody` user to drop to")


def _as_unprivileged(
    work: Callable[[], Any], warm: Path, nobody: pwd.struct_passwd | None
) -> Any:
    """Run ``work`` in a forked child that drops to ``nobody`` first, if given.

    The child cannot exec Python again (the interpreter lives under /root),
    so it runs one ingest as root to import everything, then drops
    privileges (as tests/test_broken_files.py does).
    """
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)

    def child(pipe: Connection) -> None:
        try:
            # Every path an ingest may take (adding, then removing from the index) imports what it needs now.
            (warm / "extra.txt").write_text(CAPITAL, encoding="utf-8")
            _ingest(warm.parent / "warm-idx", str(warm))
            (warm / "extra.txt").unlink()
            _ingest(warm.parent / "warm-idx", str(warm))
            read_bytes(CAPITAL.encode("utf-8"), ".txt")
            if nobody is not None:
                os.setgid(nobody.pw_gid)
                os.setuid(nobody.pw_uid)
            pipe.send(("ok", work()))
        except BaseException as exc:  # report to the parent, which fails the test
            pipe.send(("error", f"{type(exc).__name__}: {exc}"))

    process = context.Process(target=child, args=(sender,))
    process.start()
    sender.close()
    try:
        if not receiver.poll(300):
            raise AssertionError("the unprivileged ingest did not finish")
        status, value = receiver.recv()
    finally:
        process.join(10)
        if process.is_alive():
            process.kill()
    assert status == "ok", value
    return value


def test_an_unreadable_folder_is_an_error_and_keeps_its_documents() -> None:
    # Under /tmp, not pytest's tmp_path: pytest makes its root 0700, closed to `nobody`.
    nobody = _nobody()
    base = Path(tempfile.mkdtemp(prefix="evidence-unreadable-"))
    try:
        base.chmod(0o777)
        folder = base / "inquiry"
        (folder / "locked").mkdir(parents=True)
        (folder / "capital.txt").write_text(CAPITAL, encoding="utf-8")
        (folder / "locked" / "workforce.txt").write_text(WORKFORCE, encoding="utf-8")
        warm = base / "warm"
        warm.mkdir()
        (warm / "warm.txt").write_text(WORKFORCE, encoding="utf-8")
        if nobody is not None:
            for path in (
                folder,
                folder / "locked",
                folder / "capital.txt",
                folder / "locked" / "workforce.txt",
            ):
                os.chown(path, nobody.pw_uid, nobody.pw_gid)
        index_dir = base / "idx"

        def work() -> tuple[tuple[int, str, str], tuple[int, str, str], list[str]]:
            first = _ingest(index_dir, str(folder))
            (folder / "locked").chmod(0)
            try:
                second = _ingest(index_dir, str(folder))
            finally:
                (folder / "locked").chmod(0o777)
            return (
                (first.exit_code, first.stdout, first.stderr),
                (second.exit_code, second.stdout, second.stderr),
                _paths(index_dir),
            )

        first, second, paths = _as_unprivileged(work, warm, nobody)
    finally:
        shutil.rmtree(base)
    assert first == (
        0,
        "2 documents: 2 new, 0 changed, 0 unchanged, 0 removed; 0 failed\n",
        "",
    )
    assert second == (
        3,
        "1 document: 0 new, 0 changed, 1 unchanged, 0 removed; 0 failed; 1 unreadable folder\nNothing changed.\n",
        "failed: inquiry/locked/: cannot read folder: Permission denied\n",
    )
    assert paths == ["capital.txt", "locked/workforce.txt"]


# -- 5. our own output inside the folder -------------------------------------


def test_a_site_built_inside_the_folder_is_not_evidence(
    tmp_path: Path, folder: Path
) -> None:
    index_dir = tmp_path / "idx"
    assert _ingest(index_dir, str(folder)).exit_code == 0
    built = _run(index_dir, "build", "-o", str(folder / "briefing"))
    assert built.exit_code == 0, built.output
    assert (folder / "briefing" / MANIFEST).is_file()
    result = _ingest(index_dir, str(folder))
    assert result.exit_code == 0, result.output
    assert (
        result.stderr
        == "note: not read: inquiry/briefing/ (a site written by `evidence build`)\n"
    )
    assert (
        result.stdout
        == "1 document: 0 new, 0 changed, 1 unchanged, 0 removed; 0 failed\nNothing changed.\n"
    )


def test_an_index_directory_inside_the_folder_is_not_evidence(folder: Path) -> None:
    index_dir = folder / "indexes"
    first = _ingest(index_dir, str(folder))
    assert first.exit_code == 0, first.output
    second = _ingest(index_dir, str(folder))
    assert second.exit_code == 0, second.output
    assert second.stderr == "note: not read: inquiry/indexes/ (the index directory)\n"
    assert (
        second.stdout
        == "1 document: 0 new, 0 changed, 1 unchanged, 0 removed; 0 failed\nNothing changed.\n"
    )


# -- 6. ids that survive renaming or moving the folder -------------------------


def test_ids_survive_renaming_and_moving_the_folder(
    tmp_path: Path, folder: Path
) -> None:
    (folder / "sub").mkdir()
    (folder / "sub" / "workforce.txt").write_text(WORKFORCE, encoding="utf-8")
    index_dir = tmp_path / "idx"
    assert _ingest(index_dir, str(folder)).exit_code == 0
    with Store(index_dir) as store:
        before = {d.path: d.doc_id for d in store.documents()}
        passages = [p.passage_id for p in store.passages()]
    assert before == {
        "capital.txt": make_doc_id("capital.txt", "capital"),
        "sub/workforce.txt": make_doc_id("sub/workforce.txt", "workforce"),
    }

    moved = tmp_path / "archive" / "inquiry-2024"
    moved.parent.mkdir()
    folder.rename(moved)
    result = _ingest(index_dir, str(moved))
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    # Nothing new or changed: nothing was read again.
    assert (
        result.stdout
        == "2 documents: 0 new, 0 changed, 0 unchanged, 0 removed; 0 failed; 2 moved\n"
    )
    with Store(index_dir) as store:
        assert {d.path: d.doc_id for d in store.documents()} == before
        assert {d.root for d in store.documents()} == {str(moved)}
        assert store.roots() == [str(moved)]
        assert [p.passage_id for p in store.passages()] == passages
        assert store.unindexed() == ([], [])
    assert [
        (h["doc_id"], h["doc_path"]) for h in _hits(index_dir, "costed workforce")
    ] == [(before["sub/workforce.txt"], "sub/workforce.txt")]
    again = _ingest(index_dir, str(moved))
    assert (
        again.stdout
        == "2 documents: 0 new, 0 changed, 2 unchanged, 0 removed; 0 failed\nNothing changed.\n"
    )


def test_a_renamed_file_keeps_its_id(tmp_path: Path, folder: Path) -> None:
    index_dir = tmp_path / "idx"
    _ingest(index_dir, str(folder))
    with Store(index_dir) as store:
        (doc_id,) = store.doc_ids()
    (folder / "capital.txt").rename(folder / "capital-regime.txt")
    result = _ingest(index_dir, str(folder))
    assert result.exit_code == 0, result.output
    assert (
        result.stdout
        == "1 document: 0 new, 0 changed, 0 unchanged, 0 removed; 0 failed; 1 moved\n"
    )
    with Store(index_dir) as store:
        assert [(d.doc_id, d.path) for d in store.documents()] == [
            (doc_id, "capital-regime.txt")
        ]
    assert {h["doc_path"] for h in _hits(index_dir, "capital regime")} == {
        "capital-regime.txt"
    }


def test_the_same_path_in_two_folders_gets_two_ids(
    tmp_path: Path, folder: Path
) -> None:
    other = tmp_path / "other"
    other.mkdir()
    (other / "capital.txt").write_text(WORKFORCE, encoding="utf-8")
    index_dir = tmp_path / "idx"
    result = _ingest(index_dir, str(folder), str(other))
    assert (
        result.stdout
        == "2 documents: 2 new, 0 changed, 0 unchanged, 0 removed; 0 failed\n"
    )
    with Store(index_dir) as store:
        assert sorted(d.doc_id for d in store.documents()) == sorted(
            [
                make_doc_id("capital.txt", "capital"),
                make_doc_id("other/capital.txt", "capital"),
            ]
        )


def test_a_store_with_ids_of_the_old_kind_keeps_them(
    tmp_path: Path, folder: Path
) -> None:
    """Ids made from the folder's name (before this change) stay as they are."""
    index_dir = tmp_path / "idx"
    _ingest(index_dir, str(folder))
    old_id = make_doc_id("inquiry/capital.txt", "capital")
    with Store(index_dir) as store:
        (new_id,) = store.doc_ids()
    with sqlite3.connect(
        index_dir / "evidence.sqlite"
    ) as conn:  # foreign keys off: rename in place
        for table in ("documents", "passages", "findings", "acronyms"):
            conn.execute(
                f"UPDATE {table} SET doc_id=? WHERE doc_id=?", (old_id, new_id)
            )
    (folder / "capital.txt").write_text(
        CAPITAL + "\nIt needs reform.\n", encoding="utf-8"
    )
    result = _ingest(index_dir, str(folder))
    assert result.stdout.startswith(
        "1 document: 0 new, 1 changed, 0 unchanged, 0 removed; 0 failed"
    )
    with Store(index_dir) as store:
        assert store.doc_ids() == [old_id]


# -- 7. every file that does not go in is named --------------------------------


def test_unsupported_files_are_named_unless_expected(
    tmp_path: Path, folder: Path
) -> None:
    (folder / "notes.xyz").write_bytes(b"not for us")
    (folder / "sub").mkdir()
    (folder / "sub" / "data.bin").write_bytes(b"\x00\x01")
    index_dir = tmp_path / "idx"
    result = _ingest(index_dir, str(folder))
    assert result.exit_code == 3
    assert result.stderr.splitlines() == [
        "skipped: inquiry/notes.xyz: unsupported format (--skip-unsupported if expected)",
        "skipped: inquiry/sub/data.bin: unsupported format (--skip-unsupported if expected)",
    ]
    assert (
        result.stdout
        == "1 document: 1 new, 0 changed, 0 unchanged, 0 removed; 0 failed; 2 skipped (unsupported format)\n"
    )
    expected = _ingest(index_dir, str(folder), "--skip-unsupported")
    assert expected.exit_code == 0
    assert expected.stderr == ""
    assert expected.stdout == (
        "1 document: 0 new, 0 changed, 1 unchanged, 0 removed; 0 failed; 2 skipped (unsupported format)\nNothing changed.\n"
    )


def test_empty_files_are_each_named(tmp_path: Path, folder: Path) -> None:
    (folder / "blank.txt").write_bytes(b"")
    (folder / "empty.txt").write_bytes(b"")
    result = _ingest(tmp_path / "idx", str(folder))
    assert result.exit_code == 3
    assert result.stderr.splitlines() == [
        "failed: inquiry/blank.txt: empty file",
        "failed: inquiry/empty.txt: empty file (same content as inquiry/blank.txt)",
    ]
    assert (
        result.stdout
        == "3 documents: 1 new, 0 changed, 0 unchanged, 0 removed; 2 failed\n"
    )


def test_a_site_built_over_the_folder_itself_removes_nothing(
    tmp_path: Path, folder: Path
) -> None:
    index_dir = tmp_path / "idx"
    assert _ingest(index_dir, str(folder)).exit_code == 0
    built = _run(index_dir, "build", "-o", str(folder))
    assert built.exit_code == 0, built.output
    result = _ingest(index_dir, str(folder))
    assert result.exit_code == 0, result.output
    assert (
        result.stderr
        == "note: not read: inquiry/ (a site written by `evidence build`)\n"
    )
    assert (
        result.stdout
        == "0 documents: 0 new, 0 changed, 0 unchanged, 0 removed; 0 failed\nNothing changed.\n"
    )
    assert _paths(index_dir) == ["capital.txt"]


def test_a_copy_of_content_that_left_its_file_goes_in(
    tmp_path: Path, folder: Path
) -> None:
    """c.txt holds what a.txt held; a.txt now holds b.txt's content: nothing may be lost."""
    (folder / "capital.txt").unlink()
    (folder / "a.txt").write_text(CAPITAL, encoding="utf-8")
    (folder / "b.txt").write_text(WORKFORCE, encoding="utf-8")
    index_dir = tmp_path / "idx"
    _ingest(index_dir, str(folder))
    (folder / "a.txt").write_text(WORKFORCE, encoding="utf-8")
    (folder / "0.txt").write_text(CAPITAL, encoding="utf-8")  # sorts first
    (folder / "c.txt").write_text(CAPITAL, encoding="utf-8")
    result = _ingest(index_dir, str(folder))
    assert result.exit_code == 0, result.output
    assert (
        result.stdout
        == "4 documents: 1 new, 0 changed, 1 unchanged, 0 removed; 0 failed; 2 duplicates\n"
    )
    assert {h["doc_path"] for h in _hits(index_dir, "capital regime")} == {"0.txt"}
    with Store(index_dir) as store:
        docs = {d.path: d.doc_id for d in store.documents()}
        assert sorted(docs) == ["0.txt", "b.txt"]
        assert store.aliases_of(docs["0.txt"]) == ["c.txt"]
        assert store.aliases_of(docs["b.txt"]) == ["a.txt"]
