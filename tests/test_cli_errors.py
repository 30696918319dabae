"""Issue 8: bad input at the command line gets one clear line and the documented exit status.

Exit 2 is a usage error (click prints its usage lines, then one "Error:"
line); exit 1 is a fatal error (only the "Error:" line). No case may raise:
the runner does not catch exceptions, so a traceback fails the test.
"""

from __future__ import annotations

import multiprocessing
import os
import pwd
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from evidence.cli import cli
from evidence.index import PassageIndex
from evidence.readers import read_bytes
from evidence.store import SCHEMA_VERSION, Store

CAPITAL = "Capital regime\n\nThe capital regime limits what integrated care boards can spend on buildings.\n"
INDEX_HINT = "(run `evidence ingest FOLDER` first, or pass --index-dir)"
STORE_COMMANDS = [
    ["status"],
    ["show", "some-doc"],
    ["export"],
    ["themes"],
    ["build", "-o", "SITE"],
]


def _run(index_dir: Path, *args: str) -> Result:
    return CliRunner().invoke(
        cli,
        ["--index-dir", str(index_dir), *args],
        catch_exceptions=False,
        prog_name="evidence",
    )


def _fatal(result: Result, message: str) -> None:
    assert "Traceback" not in result.output
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert result.stderr == message + "\n"


def _usage(result: Result, message: str, command: str | None = None) -> None:
    assert "Traceback" not in result.output
    assert result.exit_code == 2, result.output
    usage = (
        f"evidence {command} [OPTIONS]"
        if command
        else "evidence [OPTIONS] COMMAND [ARGS]..."
    )
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"Usage: {usage}")
    assert lines[1:] == [f"Try '{usage.split(' [')[0]} --help' for help.", "", message]


@pytest.fixture()
def ingested(tmp_path: Path) -> Path:
    folder = tmp_path / "inquiry"
    folder.mkdir()
    (folder / "capital.txt").write_text(CAPITAL, encoding="utf-8")
    index_dir = tmp_path / "idx"
    result = _run(index_dir, "ingest", str(folder), "--workers", "1")
    assert result.exit_code == 0, result.output
    return index_dir


def _commands(site: Path) -> list[list[str]]:
    return [
        [str(site) if arg == "SITE" else arg for arg in args] for args in STORE_COMMANDS
    ]


# -- usage errors: exit 2 ----------------------------------------------------


def test_ingest_of_a_path_that_does_not_exist(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    _usage(
        _run(tmp_path / "idx", "ingest", str(missing)),
        f"Error: Invalid value for 'PATHS...': Path '{missing}' does not exist.",
        "ingest",
    )
    assert not (tmp_path / "idx").exists()


def test_ingest_below_a_file(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(CAPITAL, encoding="utf-8")
    below = tmp_path / "a.txt" / "x"
    _usage(
        _run(tmp_path / "idx", "ingest", str(below)),
        f"Error: Invalid value for 'PATHS...': Path '{below}' does not exist.",
        "ingest",
    )


@pytest.mark.parametrize(
    "args", [["status"], ["search", "capital"], ["export"], ["ingest", "."]]
)
def test_index_dir_that_is_a_file(tmp_path: Path, args: list[str]) -> None:
    afile = tmp_path / "indexes"
    afile.write_text("not a folder", encoding="utf-8")
    _usage(
        _run(afile, *args),
        f"Error: Invalid value for '--index-dir' (env var: 'EVIDENCE_INDEX_DIR'): Directory '{afile}' is a file.",
    )


def test_build_into_a_file(ingested: Path, tmp_path: Path) -> None:
    afile = tmp_path / "site"
    afile.write_text("not a folder", encoding="utf-8")
    _usage(
        _run(ingested, "build", "-o", str(afile)),
        f"Error: Invalid value for '-o' / '--output': Directory '{afile}' is a file.",
        "build",
    )


def test_export_into_a_missing_folder(ingested: Path, tmp_path: Path) -> None:
    target = tmp_path / "no-such-folder" / "findings.jsonl"
    _usage(
        _run(ingested, "export", "-o", str(target)),
        f"Error: Invalid value for --output: cannot write {target}: No such file or directory",
        "export",
    )


@pytest.mark.parametrize(
    ("option", "shown"), [("--metadata", "--metadata"), ("--themes", "--themes")]
)
def test_ingest_option_file_missing(tmp_path: Path, option: str, shown: str) -> None:
    (tmp_path / "inquiry").mkdir()
    missing = tmp_path / "missing.csv"
    _usage(
        _run(
            tmp_path / "idx", "ingest", str(tmp_path / "inquiry"), option, str(missing)
        ),
        f"Error: Invalid value for '{shown}': File '{missing}' does not exist.",
        "ingest",
    )


@pytest.mark.parametrize(
    ("args", "command", "message"),
    [
        (["status", "--bogus"], "status", "Error: No such option '--bogus'."),
        (["--bogus", "status"], None, "Error: No such option '--bogus'."),
        (["frobnicate"], None, "Error: No such command 'frobnicate'."),
        (["search"], "search", "Error: Missing argument 'QUERY'."),
        (
            ["ingest", ".", "--workers", "0"],
            "ingest",
            "Error: Invalid value for '--workers': 0 is not in the range x>=1.",
        ),
        (
            ["export", "--format", "xml"],
            "export",
            "Error: Invalid value for '--format': 'xml' is not one of 'jsonl', 'csv', 'json', 'xlsx'.",
        ),
    ],
)
def test_unknown_or_bad_options(
    tmp_path: Path, args: list[str], command: str | None, message: str
) -> None:
    _usage(_run(tmp_path / "idx", *args), message, command)


def test_a_query_that_cannot_be_parsed(ingested: Path) -> None:
    result = _run(ingested, "search", "capital AND (regime")
    assert result.exit_code == 2
    assert (
        result.stderr == 'Error: unbalanced parentheses in query: add the missing ")"\n'
    )


# -- fatal errors: exit 1 ----------------------------------------------------


def test_read_commands_with_a_missing_index_dir(tmp_path: Path) -> None:
    missing = tmp_path / "idx"
    for args in _commands(tmp_path / "site"):
        _fatal(
            _run(missing, *args), f"Error: no evidence store in {missing} {INDEX_HINT}"
        )
    _fatal(
        _run(missing, "search", "capital"),
        f"Error: no index in {missing} (run `evidence ingest FOLDER` first)",
    )
    assert not missing.exists()
    assert not (tmp_path / "site").exists()


def test_an_old_schema_version_says_to_re_ingest(
    ingested: Path, tmp_path: Path
) -> None:
    with sqlite3.connect(ingested / "evidence.sqlite") as conn:
        conn.execute("UPDATE _meta SET value='0' WHERE key='schema_version'")
    message = (
        f"Error: the store in {ingested} has schema version 0; this evidence uses {SCHEMA_VERSION} "
        f"(delete {ingested} and run `evidence ingest` again to rebuild it from the source files)"
    )
    for args in _commands(tmp_path / "site") + [["ingest", str(tmp_path / "inquiry")]]:
        _fatal(_run(ingested, *args), message)


def test_a_corrupt_store_file(ingested: Path, tmp_path: Path) -> None:
    store = ingested / "evidence.sqlite"
    for suffix in ("-wal", "-shm"):
        Path(f"{store}{suffix}").unlink(missing_ok=True)
    store.write_bytes(b"This is not a database. " * 200)
    message = (
        f"Error: {store} is not an evidence store (file is not a database) "
        "(delete the index directory and run `evidence ingest` again)"
    )
    for args in _commands(tmp_path / "site") + [["ingest", str(tmp_path / "inquiry")]]:
        _fatal(_run(ingested, *args), message)


def test_ingest_of_an_empty_folder(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    result = _run(tmp_path / "idx", "ingest", str(empty))
    assert result.exit_code == 0
    assert result.stderr == ""
    assert (
        result.stdout
        == "0 documents: 0 new, 0 changed, 0 unchanged, 0 removed; 0 failed\nNothing changed.\n"
    )


# -- a read-only index directory -------------------------------------------


def test_a_read_only_index_dir(tmp_path: Path) -> None:
    """Root writes through any mode, so the commands run in a child that drops to `nobody`.

    The child cannot exec Python again (the interpreter lives under /root),
    so it warms up every lazy import as root first, then drops privileges.
    """
    if os.geteuid() != 0:
        pytest.skip(
            "written for root; as another user chmod alone makes the directory read-only"
        )
    try:
        nobody = pwd.getpwnam("nobody")
    except KeyError:
        pytest.skip("no `nobody` user to drop to")
    base = Path(
        tempfile.mkdtemp(prefix="evidence-ro-")
    )  # pytest's tmp root is closed to `nobody`
    try:
        base.chmod(0o755)
        folder = base / "inquiry"
        folder.mkdir()
        (folder / "capital.txt").write_text(CAPITAL, encoding="utf-8")
        site = base / "site"
        outcomes = _in_child_as(nobody, base / "idx", folder, site)
    finally:
        shutil.rmtree(base)
    message = f"Error: cannot open store {base / 'idx' / 'evidence.sqlite'}: attempt to write a readonly database\n"
    # An ingest takes its lock (a file in the directory) before it opens the store.
    lock_message = f"Error: cannot write to the index directory {base / 'idx'}: Permission denied\n"
    for args, (code, stdout, stderr) in outcomes.items():
        assert "Traceback" not in stdout + stderr
        assert (code, stdout, stderr) == (
            1,
            "",
            lock_message if args[0] == "ingest" else message,
        ), args


def _in_child_as(
    user: pwd.struct_passwd, index_dir: Path, folder: Path, site: Path
) -> dict:
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(sender, user, index_dir, folder, site))
    child.start()
    sender.close()
    try:
        if not receiver.poll(180):
            raise AssertionError("the unprivileged commands did not finish")
        outcome = receiver.recv()
    finally:
        child.join(10)
        if child.is_alive():
            child.kill()
    if isinstance(outcome, str):
        raise AssertionError(outcome)
    return outcome


def _child(
    sender: Connection,
    user: pwd.struct_passwd,
    index_dir: Path,
    folder: Path,
    site: Path,
) -> None:
    try:
        commands = [
            ("ingest", str(folder), "--workers", "1"),
            *map(tuple, _commands(site)),
        ]
        for args in commands:  # as root: imports every module the commands use
            _run(index_dir, *args)
        read_bytes(CAPITAL.encode("utf-8"), ".txt")
        shutil.rmtree(site)
        (folder / "workforce.txt").write_text(
            "Workforce\n\nStaff are leaving.\n", encoding="utf-8"
        )
        os.setgid(user.pw_gid)
        os.setuid(user.pw_uid)
        outcomes = {}
        for args in commands:
            result = _run(index_dir, *args)
            outcomes[args] = (result.exit_code, result.stdout, result.stderr)
        sender.send(outcomes)
    except BaseException as exc:  # the parent fails the test with this
        sender.send(f"{type(exc).__name__}: {exc}")


# -- Ctrl-C ----------------------------------------------------------------

#: The CLI with a plain-text reader that takes half a second a file (the
#: workers fork with it), so an ingest of small files is still reading well
#: past its first stored document, as one of large files would be.
_SLOW_READING_CLI = """
import time

from evidence import readers
from evidence.cli import main

plain = readers._READERS[".txt"]


def slow(data):
    time.sleep(0.5)
    return plain(data)


readers._READERS[".txt"] = slow
main()
"""


def test_ctrl_c_stops_promptly_with_one_line_and_the_next_run_finishes(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "inquiry"
    folder.mkdir()
    sentence = "The board spent £5 million on capital works in 2023, up 12 per cent on the year before. "
    for n in range(12):
        (folder / f"submission-{n}.txt").write_text(
            f"Submission {n}\n\n" + sentence * 20, encoding="utf-8"
        )
    index_dir = tmp_path / "idx"
    arguments = ["--index-dir", str(index_dir), "ingest", str(folder), "--workers", "2"]
    proc = subprocess.Popen(
        [sys.executable, "-c", _SLOW_READING_CLI, *arguments],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        # A test runner started in the background inherits SIGINT ignored, and
        # Python keeps it ignored: give the CLI the terminal's default back.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 120
    while (
        time.monotonic() < deadline and proc.poll() is None
    ):  # interrupt once work is under way
        time.sleep(0.2)
        if (index_dir / "evidence.sqlite").exists():
            with Store(index_dir) as store:
                if store.counts()["documents"] >= 1:
                    break
    assert proc.poll() is None, "the ingest finished before it could be interrupted"
    # A terminal's Ctrl-C goes to the whole foreground group: the CLI and its workers.
    os.killpg(proc.pid, signal.SIGINT)
    sent = time.monotonic()
    stdout, stderr = proc.communicate(timeout=60)
    assert time.monotonic() - sent < 10
    assert (proc.returncode, stdout, stderr) == (
        1,
        "",
        "Error: interrupted; the store and index keep their last committed state\n",
    )
    finished = subprocess.run(
        [sys.executable, "-m", "evidence.cli", *arguments],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert finished.returncode == 0, finished.stderr
    with Store(index_dir) as store:
        assert store.counts()["documents"] == 12
        assert store.unindexed() == ([], [])
        stored = {p.passage_id for p in store.passages()}
    assert PassageIndex(index_dir).passage_ids() == stored
