"""The benchmark corpus generator: deterministic, readable, and ingest gives the same export on 1 or 2 workers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from benchmark_scripts import load_benchmark

from evidence.export import export_rows, write_export
from evidence.ingest import ingest
from evidence.metadata import guess_metadata
from evidence.readers import read_document
from evidence.store import Store

make_corpus = load_benchmark("make_corpus")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    out = tmp_path_factory.mktemp("corpus")
    stats = make_corpus.generate(out, 20, seed=1)
    return out, stats


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_two_runs_write_the_same_bytes(
    corpus: tuple[Path, object], tmp_path: Path
) -> None:
    first, _stats = corpus
    make_corpus.generate(tmp_path / "again", 20, seed=1)
    assert _tree(first) == _tree(tmp_path / "again")


def test_another_seed_writes_other_documents(
    corpus: tuple[Path, object], tmp_path: Path
) -> None:
    first, _stats = corpus
    make_corpus.generate(tmp_path / "other", 20, seed=2)
    assert _tree(first) != _tree(tmp_path / "other")


def test_a_document_does_not_depend_on_how_many_are_made(
    corpus: tuple[Path, object], tmp_path: Path
) -> None:
    first, _stats = corpus
    make_corpus.generate(tmp_path / "fewer", 5, seed=1)
    fewer = _tree(tmp_path / "fewer")
    assert len(fewer) == 5
    assert fewer == {name: data for name, data in _tree(first).items() if name in fewer}


def test_stats_count_what_was_written(corpus: tuple[Path, object]) -> None:
    folder, stats = corpus
    files = sorted(folder.iterdir())
    assert stats.documents == 20 == len(files)
    assert stats.bytes == sum(p.stat().st_size for p in files)
    assert sum(entry["documents"] for entry in stats.by_format.values()) == 20
    assert sum(entry["words"] for entry in stats.by_format.values()) == stats.words
    assert sorted(stats.by_format) == sorted({p.suffix[1:] for p in files})
    # written to be 1,000-2,000 words a document on average
    assert 1000 <= stats.words / stats.documents <= 2000


def test_every_document_reads_with_its_org_and_type(
    corpus: tuple[Path, object],
) -> None:
    folder, stats = corpus
    formats = set()
    for path in sorted(folder.iterdir()):
        raw = read_document(path)
        formats.add(raw.format)
        assert len(raw.blocks) >= 5, path.name
        assert any(b.kind == "heading" for b in raw.blocks), path.name
        metadata = guess_metadata(raw, path)
        assert metadata.doc_type is not None, path.name
    assert formats == {"txt", "md", "html", "docx", "pdf"}


def test_written_evidence_carries_its_inquiry_code() -> None:
    vocab = make_corpus.Vocabulary.load()
    doc = make_corpus.make_document(vocab, 1, 1)
    assert doc.doc_type == "written evidence"
    assert doc.title == "Written evidence submitted by NHS England (ASC0002)"
    assert doc.name == "00001-nhs-england-written-evidence"


def test_paragraphs_are_40_to_150_words() -> None:
    import random

    vocab = make_corpus.Vocabulary.load()
    writer = make_corpus.Writer(vocab, random.Random(5), "NHS Providers", "Northshire")
    lengths = []
    for theme in vocab.themes:
        writer.theme = theme
        for mix in (
            make_corpus.BODY_MIX,
            make_corpus.RECOMMENDATION_MIX,
            make_corpus.PRESS_MIX,
        ):
            lengths += [len(writer.paragraph(mix).split()) for _ in range(20)]
    assert min(lengths) >= 40
    assert max(lengths) <= 150


def test_cli_stats_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        make_corpus.main(
            [
                str(tmp_path / "c"),
                "--documents",
                "3",
                "--seed",
                "3",
                "--stats",
                "--no-pdf",
            ]
        )
        == 0
    )
    stats = json.loads(capsys.readouterr().out)
    assert stats["documents"] == 3
    assert "pdf" not in stats["by_format"]
    assert stats["bytes"] == sum(p.stat().st_size for p in (tmp_path / "c").iterdir())


def _export(index_dir: Path) -> bytes:
    import io

    with Store(index_dir) as store:
        out = io.StringIO()
        write_export(export_rows(store), out, "jsonl")
    return out.getvalue().encode("utf-8")


def test_export_is_identical_with_one_or_two_workers(
    corpus: tuple[Path, object], tmp_path: Path
) -> None:
    folder, _stats = corpus
    one = ingest([folder], index_dir=tmp_path / "w1", workers=1)
    two = ingest([folder], index_dir=tmp_path / "w2", workers=2)
    assert len(one.new) == len(two.new) == 20
    assert one.failed == two.failed == []
    exported = _export(tmp_path / "w1")
    assert exported.count(b"\n") > 100
    assert exported == _export(tmp_path / "w2")
