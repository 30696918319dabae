"""A build is one consistent snapshot, swapped in whole: a failed build leaves the old site as it was."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "e2e"))
from site_fixture import make_store

from evidence.render import build_site, parallel
from evidence.render import site as site_module
from evidence.store import Store


def files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def beside(folder: Path) -> list[str]:
    return sorted(
        p.name
        for p in folder.parent.iterdir()
        if p.name != folder.name and p.name != "index"
    )


def change_the_store(index_dir: Path) -> None:
    """What an ingest commits: new text for every passage, a document gone."""
    with sqlite3.connect(index_dir / "evidence.sqlite") as conn:
        conn.execute("UPDATE passages SET text = 'CHANGED ' || text")
        conn.execute("DELETE FROM documents WHERE doc_id = 'nao-ics-review-a1b2c3'")


@pytest.mark.parametrize("processes", [1, 2])
def test_a_build_sees_one_state_while_the_store_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, processes: int
) -> None:
    store = make_store(tmp_path / "index")
    try:
        build_site(store, tmp_path / "reference" / "site")
        if processes == 2:
            monkeypatch.setattr(parallel, "PARALLEL_MIN_DOCUMENTS", 1)
            monkeypatch.setattr(parallel, "CHUNK", 1)
        real_shared = parallel.DocumentPages.shared

        def commit_first(self: parallel.DocumentPages, writer: object) -> object:
            # the model is read; an ingest now commits before any document page is rendered
            change_the_store(tmp_path / "index")
            return real_shared(self, writer)

        monkeypatch.setattr(parallel.DocumentPages, "shared", commit_first)
        report = build_site(store, tmp_path / "out" / "site")
    finally:
        store.close()
    assert report.broken == ()
    assert files(tmp_path / "out" / "site") == files(tmp_path / "reference" / "site")
    assert beside(tmp_path / "out" / "site") == []
    with Store(
        tmp_path / "index"
    ) as after:  # the change was committed: the next build shows it
        assert after.passages()[0].text.startswith("CHANGED ")


def test_a_failed_build_leaves_the_previous_site_byte_identical(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = make_store(tmp_path / "index")
    out = tmp_path / "out" / "site"
    try:
        build_site(store, out)
        (out / "notes.txt").write_text("mine", encoding="utf-8")
        before = files(out)
        store.conn.execute("UPDATE passages SET text = 'CHANGED ' || text")
        rendered: list[str] = []
        real = site_module._Pages.document

        def fail_on_the_third(self: site_module._Pages, doc, passages, mine) -> str:
            rendered.append(doc.doc_id)
            if len(rendered) == 3:
                raise RuntimeError("disk on fire")
            return real(self, doc, passages, mine)

        monkeypatch.setattr(site_module._Pages, "document", fail_on_the_third)
        with pytest.raises(RuntimeError, match="disk on fire"):
            build_site(store, out)
    finally:
        store.close()
    assert len(rendered) == 3
    assert files(out) == before
    assert beside(out) == []


def test_a_rebuild_swaps_in_the_new_site_and_keeps_unchanged_files_and_foreign_ones(
    tmp_path: Path,
) -> None:
    store = make_store(tmp_path / "index")
    out = tmp_path / "out" / "site"
    try:
        build_site(store, out)
        (out / "notes").mkdir()
        (out / "notes" / "mine.txt").write_text("mine", encoding="utf-8")
        css = (out / "assets" / "site.css").stat()
        store.conn.execute(
            "UPDATE documents SET title = 'Renamed report' WHERE doc_id = 'nao-ics-review-a1b2c3'"
        )
        report = build_site(store, out)
    finally:
        store.close()
    assert report.broken == ()
    assert "Renamed report" in (out / "documents.html").read_text(encoding="utf-8")
    assert (out / "notes" / "mine.txt").read_text(encoding="utf-8") == "mine"
    assert (
        "notes/mine.txt"
        not in (out / ".evidence-site").read_text(encoding="utf-8").splitlines()
    )
    after = (out / "assets" / "site.css").stat()
    assert (after.st_ino, after.st_mtime_ns) == (css.st_ino, css.st_mtime_ns)
    assert beside(out) == []


def test_what_a_killed_build_left_beside_the_site_is_removed(tmp_path: Path) -> None:
    out = tmp_path / "out" / "site"
    dead = tmp_path / "out" / ".site.building-999999999-abc"
    dead.mkdir(parents=True)
    (dead / "index.html").write_text("half", encoding="utf-8")
    mine = tmp_path / "out" / ".site.keep"  # not a build's name: left alone
    mine.mkdir()
    store = make_store(tmp_path / "index")
    try:
        build_site(store, out)
    finally:
        store.close()
    assert beside(out) == [".site.keep"]


def test_a_symlinked_output_folder_stays_a_link_to_the_new_site(tmp_path: Path) -> None:
    real = tmp_path / "out" / "real-site"
    real.mkdir(parents=True)
    link = tmp_path / "out" / "site"
    link.symlink_to(real, target_is_directory=True)
    store = make_store(tmp_path / "index")
    try:
        build_site(store, link)
        build_site(store, link)
    finally:
        store.close()
    assert link.is_symlink() and (real / "index.html").is_file()
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["real-site", "site"]
