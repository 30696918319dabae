"""The passage index writer: replace/delete semantics, all-or-nothing batches, locks."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest

from evidence.errors import IndexLockedError, StoreError
from evidence.index import IndexRecord, IndexSearcher, PassageIndex, Word


def rec(pid: str, doc: str, text: str) -> IndexRecord:
    return IndexRecord(
        passage_id=pid,
        doc_id=doc,
        text=text,
        heading=None,
        page=1,
        doc_title=f"Title of {doc}",
        doc_org="National Audit Office",
        doc_path=f"{doc}.txt",
        doc_type="report",
        year=2023,
        ref=None,
        kinds=(),
        themes=(),
        orgs=(),
    )


def found(index_dir: Path, word: str) -> list[str]:
    with IndexSearcher(index_dir) as s:
        hits, _total = s.search(Word(word), 50)
    return sorted(h.fields["passage_id"] for h in hits)


@pytest.fixture()
def index(tmp_path: Path) -> PassageIndex:
    ix = PassageIndex(tmp_path)
    with ix.writer() as w:
        w.replace_document(
            "a",
            [rec("a-1", "a", "capital budgets"), rec("a-2", "a", "revenue budgets")],
        )
        w.replace_document("b", [rec("b-1", "b", "workforce budgets")])
    return ix


def test_creates_index_under_whoosh_dir(tmp_path: Path) -> None:
    PassageIndex(tmp_path)
    assert (tmp_path / "whoosh").is_dir()
    assert PassageIndex(tmp_path).doc_ids() == set()


def test_no_stale_lock_after_a_clean_batch(index: PassageIndex) -> None:
    assert index.clear_stale_lock() is False


def test_ids_after_writing(index: PassageIndex) -> None:
    assert index.doc_ids() == {"a", "b"}
    assert index.passage_ids() == {"a-1", "a-2", "b-1"}


def test_replace_document_drops_old_passages(
    index: PassageIndex, tmp_path: Path
) -> None:
    with index.writer() as w:
        assert w.replace_document("a", [rec("a-9", "a", "capital plans")]) == 1
    assert index.passage_ids() == {"a-9", "b-1"}
    assert index.doc_ids() == {"a", "b"}
    assert found(tmp_path, "budgets") == ["b-1"]
    assert found(tmp_path, "capital") == ["a-9"]


def test_delete_document(index: PassageIndex, tmp_path: Path) -> None:
    with index.writer() as w:
        w.delete_document("b")
        w.delete_document("never-there")
    assert index.doc_ids() == {"a"}
    assert found(tmp_path, "budgets") == ["a-1", "a-2"]


def test_same_document_twice_in_one_batch_is_refused(index: PassageIndex) -> None:
    with pytest.raises(
        ValueError, match="document c was already written in this batch"
    ):
        with index.writer() as w:
            w.replace_document("c", [rec("c-1", "c", "one")])
            w.delete_document("c")
    assert index.doc_ids() == {"a", "b"}


def test_record_of_another_document_is_refused(index: PassageIndex) -> None:
    with pytest.raises(ValueError, match="passage x-1 belongs to x, not c"):
        with index.writer() as w:
            w.replace_document("c", [rec("x-1", "x", "one")])


def test_exception_cancels_the_whole_batch(index: PassageIndex, tmp_path: Path) -> None:
    with pytest.raises(RuntimeError):
        with index.writer() as w:
            w.replace_document("c", [rec("c-1", "c", "capital")])
            w.delete_document("a")
            raise RuntimeError("reader crashed")
    assert index.passage_ids() == {"a-1", "a-2", "b-1"}
    assert found(tmp_path, "capital") == ["a-1"]
    with index.writer() as w:  # the lock was released
        w.delete_document("b")
    assert index.doc_ids() == {"a"}


def test_multiprocess_writer_and_cancel(tmp_path: Path) -> None:
    ix = PassageIndex(tmp_path)
    with ix.writer(procs=2) as w:
        for d in range(30):
            w.replace_document(
                f"d{d}",
                [rec(f"d{d}-{p}", f"d{d}", f"capital {d} {p}") for p in range(10)],
            )
    assert len(ix.passage_ids()) == 300
    with pytest.raises(KeyError):
        with ix.writer(procs=2) as w:
            for d in range(30, 60):
                w.replace_document(
                    f"d{d}", [rec(f"d{d}-{p}", f"d{d}", "capital") for p in range(10)]
                )
            raise KeyError("stop")
    assert len(ix.passage_ids()) == 300
    assert len(found(tmp_path, "capital")) == 50  # limit of found()
    with IndexSearcher(tmp_path) as s:
        assert s.search(Word("capital"), 5)[1] == 300


def test_search_while_writer_open_sees_last_commit(
    index: PassageIndex, tmp_path: Path
) -> None:
    opened, release = threading.Event(), threading.Event()

    def ingest() -> None:
        with index.writer() as w:
            w.replace_document("c", [rec("c-1", "c", "capital spending")])
            w.delete_document("a")
            opened.set()
            release.wait(10)

    t = threading.Thread(target=ingest)
    t.start()
    assert opened.wait(10)
    try:
        assert found(tmp_path, "capital") == ["a-1"]
        with pytest.raises(IndexLockedError, match="is locked by another ingest"):
            with index.writer():
                pass
    finally:
        release.set()
        t.join()
    assert found(tmp_path, "capital") == ["c-1"]


HOLD_WRITER = """
import sys
from pathlib import Path
from evidence.index import IndexRecord, PassageIndex
ix = PassageIndex(Path(sys.argv[1]))
with ix.writer() as w:
    w.replace_document("z", [IndexRecord("z-1", "z", "capital", None, None, "t", None, "z.txt",
                                         None, None, None, (), (), ())])
    print("ready", flush=True)
    sys.stdin.readline()
"""


def test_other_process_writer_and_stale_lock(
    index: PassageIndex, tmp_path: Path
) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD_WRITER, str(tmp_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline() == "ready\n"
        assert found(tmp_path, "capital") == ["a-1"]
        assert index.clear_stale_lock() is False  # a live writer: left alone
        with pytest.raises(IndexLockedError):
            with index.writer():
                pass
    finally:
        proc.kill()
        proc.wait()
    assert found(tmp_path, "capital") == ["a-1"]  # the killed batch never committed
    # Whoosh's temporary folder (MAIN.tmp), left by the killed writer, is cleared.
    assert any(e.suffix == ".tmp" for e in (tmp_path / "whoosh").iterdir())
    assert index.clear_stale_lock() is True
    assert not (tmp_path / "whoosh" / "WRITER_PID").exists()
    assert not any(e.suffix == ".tmp" for e in (tmp_path / "whoosh").iterdir())
    assert index.clear_stale_lock() is False
    with index.writer() as w:
        w.delete_document("a")
    assert index.doc_ids() == {"b"}


def test_searcher_on_missing_index(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no index in") as err:
        IndexSearcher(tmp_path / "nowhere")
    assert str(err.value) == f"no index in {tmp_path / 'nowhere'}"
    assert err.value.hint == "run `evidence ingest FOLDER` first"
    (tmp_path / "empty" / "whoosh").mkdir(
        parents=True
    )  # a folder, no table of contents
    with pytest.raises(StoreError) as err:
        IndexSearcher(tmp_path / "empty")
    assert str(err.value) == f"no index in {tmp_path / 'empty'}"
