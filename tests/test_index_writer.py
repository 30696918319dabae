"""The index's own segment writer gives exactly what Whoosh's writer gives.

Postings are gathered per term instead of through Whoosh's sorting pool, and
posting lists are cut into blocks in one call per term; the segment files
must come out byte for byte as Whoosh writes them, whether or not the
buffer spills to disk, and the multi-process writer must index the same
passages with the same postings.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from whoosh import index as windex
from whoosh.writing import SegmentWriter

import evidence.index as index_module
from evidence.index import (
    IndexRecord,
    IndexSearcher,
    PassageIndex,
    Phrase,
    Word,
    whoosh_adapter,
    whoosh_index,
)

VOCAB = [f"w{n}" for n in range(400)] + [
    "the",
    "of",
    "capital",
    "regime",
    "care",
    "workforce",
]


def corpus(docs: int, passages: int, seed: int = 3) -> list[list[IndexRecord]]:
    """Documents of passages; "care" is in every passage, so its list runs to several blocks."""
    rng = random.Random(seed)
    out = []
    for d in range(docs):
        doc = f"d{d:03d}"
        recs = []
        for p in range(passages):
            text = "care " + " ".join(
                rng.choice(VOCAB) for _ in range(rng.randrange(5, 40))
            )
            recs.append(
                IndexRecord(
                    passage_id=f"{doc}-passage{p:02d}",
                    doc_id=doc,
                    text=text,
                    heading=None if p % 3 else f"Section {p} on {rng.choice(VOCAB)}",
                    page=1 + p // 5,
                    doc_title=f"Report {d} on {rng.choice(VOCAB)}",
                    doc_org=rng.choice(["NHS England", "Nuffield Trust"]),
                    doc_path=f"{doc}.pdf",
                    doc_type=rng.choice(["report", "written evidence"]),
                    year=2016 + d % 8,
                    ref=None if d % 2 else f"REF{d}",
                    kinds=tuple(k for k in ("figure", "claim") if rng.random() < 0.4),
                    themes=tuple(
                        t for t in ("workforce", "finance") if rng.random() < 0.3
                    ),
                    orgs=("Care Quality Commission",) if d % 4 == 0 else (),
                )
            )
        out.append(recs)
    return out


def segment_files(index_dir: Path) -> dict[str, bytes]:
    """The one segment's files, by extension (segment names are random)."""
    found = {}
    for f in (index_dir / "whoosh").iterdir():
        if (
            f.name.startswith(index_module.INDEX_NAME + "_")
            and "." in f.name
            and not f.name.endswith(".toc")
        ):
            found[f.name.split(".", 1)[1]] = f.read_bytes()
    return found


def whoosh_built(index_dir: Path, docs: list[list[IndexRecord]]) -> None:
    """The same passages through Whoosh's own segment writer and sorting pool."""
    ix = PassageIndex(index_dir)._ix
    codec = whoosh_adapter.EvidenceCodec(
        blocklimit=whoosh_index._POSTING_BLOCK, compression=0
    )
    w = SegmentWriter(ix, limitmb=128, compound=False, codec=codec)
    for recs in docs:
        for r in recs:
            w.add_document(**whoosh_index.document(r))
    w.commit()


def ours_built(
    index_dir: Path, docs: list[list[IndexRecord]], *, procs: int = 1
) -> PassageIndex:
    ix = PassageIndex(index_dir)
    with ix.writer(procs=procs) as w:
        for recs in docs:
            w.replace_document(recs[0].doc_id, recs)
    return ix


def by_passage(index_dir: Path) -> tuple[dict[str, dict], set[tuple]]:
    """Stored fields per passage id, and every posting as (field, term, passage id, weight)."""
    with windex.open_dir(
        str(index_dir / "whoosh"), indexname="MAIN"
    ).reader() as reader:
        stored = {}
        pid_of = {}
        for docnum, fields in reader.iter_docs():
            pid_of[docnum] = fields["passage_id"]
            stored[fields["passage_id"]] = fields
        postings = {
            (field, term, pid_of[docnum], weight, value)
            for field, term, docnum, weight, value in reader.iter_postings()
            if not reader.is_deleted(docnum)
        }
    return stored, postings


DOCS = corpus(60, 25)  # 1,500 passages: "care" takes two blocks


def test_segment_files_are_byte_identical_to_whooshs(tmp_path: Path) -> None:
    whoosh_built(tmp_path / "a", DOCS)
    ours_built(tmp_path / "b", DOCS)
    theirs, ours = segment_files(tmp_path / "a"), segment_files(tmp_path / "b")
    assert sorted(ours) == [
        "_stored.col",
        "_text_len.col",
        "_title_len.col",
        "pst",
        "seq.col",
        "trm",
    ]
    for ext in theirs:
        assert ours[ext] == theirs[ext], ext


def test_spilled_runs_merge_to_the_same_segment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spills = []
    original = whoosh_adapter.TermBuffer.save

    def counted(self: whoosh_adapter.TermBuffer) -> None:
        spills.append(self._size)
        original(self)

    monkeypatch.setattr(whoosh_adapter.TermBuffer, "save", counted)
    whoosh_built(tmp_path / "a", DOCS)
    ix = PassageIndex(tmp_path / "b")
    codec = whoosh_adapter.EvidenceCodec(
        blocklimit=whoosh_index._POSTING_BLOCK, compression=0
    )
    w = whoosh_adapter.BuildingWriter(
        ix._ix, limitmb=128, compound=False, codec=codec, document=whoosh_index.document
    )
    w.pool.limit = 100_000  # bytes: spills every few dozen passages
    for recs in DOCS:
        for r in recs:
            w.add_document(_record=r)
    w.commit()
    assert len(spills) > 10
    assert segment_files(tmp_path / "b") == segment_files(tmp_path / "a")
    assert not list((tmp_path / "b" / "whoosh").glob("*.tmp"))  # run files removed


def test_two_processes_index_the_same_postings(tmp_path: Path) -> None:
    ours_built(tmp_path / "one", DOCS)
    ours_built(tmp_path / "two", DOCS, procs=2)
    with windex.open_dir(
        str(tmp_path / "two" / "whoosh"), indexname="MAIN"
    ).reader() as reader:
        assert len(list(reader.leaf_readers())) == 2
    assert by_passage(tmp_path / "two") == by_passage(tmp_path / "one")
    with IndexSearcher(tmp_path / "two") as s:
        assert s.search(Word("care"), 1)[1] == 1500
        assert (
            s.search(Phrase(("capital", "regime")), 1)[1]
            == IndexSearcher(tmp_path / "one").search(Phrase(("capital", "regime")), 1)[
                1
            ]
        )


def test_segments_merged_by_whoosh_match_one_build(tmp_path: Path) -> None:
    """Whoosh folds small segments into a new commit through our buffer's ``add``."""
    ix = PassageIndex(tmp_path / "many")
    for recs in DOCS[:12]:
        with ix.writer() as w:
            w.replace_document(recs[0].doc_id, recs)
    with ix.writer() as w:  # a replaced document: its old passages are deleted
        w.replace_document(DOCS[3][0].doc_id, DOCS[3])
    with windex.open_dir(
        str(tmp_path / "many" / "whoosh"), indexname="MAIN"
    ).reader() as reader:
        assert len(list(reader.leaf_readers())) < 12
    ours_built(tmp_path / "one", DOCS[:12])
    assert by_passage(tmp_path / "many") == by_passage(tmp_path / "one")


def test_small_blocks_pack_as_numpy_would(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Short posting lists skip numpy when packing ids; the bytes must not change."""
    ours_built(tmp_path / "a", DOCS)
    monkeypatch.setattr(whoosh_adapter, "_SMALL_BLOCK", 0)  # numpy for every block
    ours_built(tmp_path / "b", DOCS)
    assert segment_files(tmp_path / "a") == segment_files(tmp_path / "b")
