"""Ingest as a sync, through the CLI, asserting exact output."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from evidence.cli import cli
from evidence.store import Store

CAPITAL = (
    "Capital regime\n\n"
    "The capital regime limits what integrated care boards can spend on buildings and equipment.\n"
)
WORKFORCE = (
    "Workforce\n\nThere is a need for a fully costed workforce plan for social care.\n"
)


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    src = tmp_path / "inquiry"
    src.mkdir()
    (src / "capital.txt").write_text(CAPITAL, encoding="utf-8")
    (src / "workforce.md").write_text(
        "# Workforce\n\n" + WORKFORCE.split("\n\n", 1)[1], encoding="utf-8"
    )
    (src / "notes.xyz").write_bytes(b"PK\x03\x04 not for us")
    return src


def run(tmp_path: Path, *args: str):
    result = CliRunner().invoke(
        cli, ["--index-dir", str(tmp_path / "idx"), *args], catch_exceptions=False
    )
    return result


def test_ingest_is_a_sync(tmp_path, folder):
    # Issue 20: a file in a format we do not read is named, and the exit status says so.
    first = run(tmp_path, "ingest", str(folder), "--workers", "1")
    assert first.exit_code == 3, first.output
    assert (
        first.stderr
        == "skipped: inquiry/notes.xyz: unsupported format (--skip-unsupported if expected)\n"
    )
    assert first.stdout == (
        "2 documents: 2 new, 0 changed, 0 unchanged, 0 removed; 0 failed; 1 skipped (unsupported format)\n"
    )

    # ... unless the user says such files are expected.
    again = run(tmp_path, "ingest", str(folder), "--workers", "1", "--skip-unsupported")
    assert again.exit_code == 0
    assert again.stderr == ""
    assert again.stdout == (
        "2 documents: 0 new, 0 changed, 2 unchanged, 0 removed; 0 failed; 1 skipped (unsupported format)\n"
        "Nothing changed.\n"
    )

    (folder / "capital.txt").write_text(
        CAPITAL + "\nIt needs reform.\n", encoding="utf-8"
    )
    edited = run(tmp_path, "ingest", str(folder), "--workers", "1")
    assert edited.stdout.startswith(
        "2 documents: 0 new, 1 changed, 1 unchanged, 0 removed; 0 failed"
    )

    (folder / "capital.txt").unlink()
    removed = run(tmp_path, "ingest", str(folder), "--workers", "1")
    assert removed.stdout.startswith(
        "1 document: 0 new, 0 changed, 1 unchanged, 1 removed; 0 failed"
    )
    hits = json.loads(run(tmp_path, "search", "capital regime", "--json").stdout)
    assert hits == []
    with Store(tmp_path / "idx") as store:
        assert [d.path for d in store.documents()] == ["workforce.md"]


def test_ids_do_not_move_when_another_file_changes(tmp_path, folder):
    run(tmp_path, "ingest", str(folder), "--workers", "1")
    with Store(tmp_path / "idx") as store:
        before = [p.passage_id for p in store.passages()]
    (folder / "another.txt").write_text("A new submission.\n", encoding="utf-8")
    run(tmp_path, "ingest", str(folder), "--workers", "1")
    with Store(tmp_path / "idx") as store:
        after = [p.passage_id for p in store.passages()]
    assert set(before) <= set(after)


def test_a_failed_file_is_named_and_the_rest_goes_in(tmp_path, folder):
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    result = run(tmp_path, "ingest", str(folder), "--workers", "1")
    assert result.exit_code == 3
    assert result.stderr.startswith("failed: inquiry/broken.pdf: ")
    assert result.stdout.startswith(
        "3 documents: 2 new, 0 changed, 0 unchanged, 0 removed; 1 failed"
    )
    with Store(tmp_path / "idx") as store:
        assert store.counts()["documents"] == 2


def test_strict_writes_nothing_when_a_file_fails(tmp_path, folder):
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    result = run(tmp_path, "ingest", str(folder), "--strict", "--workers", "1")
    assert result.exit_code == 1
    assert (
        "Error: 1 file(s) could not be read; nothing was written (--strict)"
        in result.stderr
    )
    with Store(tmp_path / "idx") as store:
        assert store.counts()["documents"] == 0


def test_same_content_under_two_names_goes_in_once(tmp_path, folder):
    (folder / "capital-copy.txt").write_text(CAPITAL, encoding="utf-8")
    result = run(tmp_path, "ingest", str(folder), "--workers", "1")
    assert result.stdout.startswith(
        "3 documents: 2 new, 0 changed, 0 unchanged, 0 removed; 0 failed; 1 duplicate"
    )
    with Store(tmp_path / "idx") as store:
        docs = store.documents()
        assert [d.path for d in docs] == ["capital-copy.txt", "workforce.md"]
        assert store.aliases_of(docs[0].doc_id) == ["capital.txt"]


def test_read_commands_before_any_ingest_say_what_to_do(tmp_path):
    for args in (["status"], ["show", "x"], ["export"]):
        result = run(tmp_path, *args)
        assert result.exit_code == 1
        assert result.stderr == (
            f"Error: no evidence store in {tmp_path / 'idx'} (run `evidence ingest FOLDER` first, or pass --index-dir)\n"
        )


def test_show_and_status(tmp_path, folder):
    run(tmp_path, "ingest", str(folder), "--workers", "1")
    with Store(tmp_path / "idx") as store:
        doc = [d for d in store.documents() if d.path == "capital.txt"][0]
    shown = run(tmp_path, "show", doc.doc_id)
    assert shown.exit_code == 0
    lines = shown.stdout.splitlines()
    assert lines[0] == "Capital regime"
    assert f"  id:           {doc.doc_id}" in lines
    assert f"[{doc.doc_id}-passage2] (paragraph)" in lines
    status = run(tmp_path, "status")
    assert status.stdout.splitlines()[0] == f"Index directory: {tmp_path / 'idx'}"
    assert "2 documents, " in status.stdout
    missing = run(tmp_path, "show", "nope")
    assert missing.exit_code == 1
    assert (
        missing.stderr
        == "Error: no document with id or file name 'nope' (`evidence docs` lists the documents and their ids)\n"
    )
