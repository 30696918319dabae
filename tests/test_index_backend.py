"""The index's structure: the engine behind one interface, its private names in one module.

- Backend-neutral modules (protocol, query, analysis, evaluate) import no
  engine, and no module but ``whoosh_adapter`` reaches into Whoosh's
  private names or internal modules.
- Ingest and search go through ``evidence.index.BACKEND``: a backend
  swapped in there sees every open.
- The index files name classes and functions only as ``evidence.index.<name>``,
  so indexes written before and after the split into modules open alike.
- The stop words copied out of Whoosh are Whoosh's, as indexes were built with.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import evidence.index as index_package
from evidence.index import IndexRecord, PassageIndex, Word, open_searcher

PACKAGE = Path(index_package.__file__).parent
NEUTRAL = ("protocol.py", "query.py", "analysis.py", "evaluate.py")
#: Whoosh modules whose use means relying on internals: the adapter's alone.
INTERNAL_MODULES = (
    "whoosh.codec",
    "whoosh.multiproc",
    "whoosh.writing",
    "whoosh.matching",
    "whoosh.reading",
    "whoosh.system",
    "whoosh.util",
    "whoosh.filedb",
)


def imported_modules(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


@pytest.mark.parametrize("name", NEUTRAL)
def test_neutral_modules_import_no_engine(name: str) -> None:
    whoosh = {
        m for m in imported_modules(PACKAGE / name) if m.split(".")[0] == "whoosh"
    }
    # The Porter2 stemmer is a library function: stems must not change under an index.
    assert whoosh <= ({"whoosh.lang.porter2"} if name == "analysis.py" else set())
    assert not {m for m in imported_modules(PACKAGE / name) if "whoosh_" in m}


def test_only_the_adapter_uses_whooshs_internals() -> None:
    for path in sorted(PACKAGE.glob("*.py")):
        if path.name == "whoosh_adapter.py":
            continue
        internal = {m for m in imported_modules(path) if m.startswith(INTERNAL_MODULES)}
        assert not internal, path.name
        # No other object's underscore attribute: only our own (self._x).
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Attribute)
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
            ):
                assert isinstance(node.value, ast.Name) and node.value.id == "self", (
                    f"{path.name}:{node.lineno} reaches into .{node.attr}"
                )


def test_the_whoosh_stop_words_are_ours() -> None:
    from whoosh.analysis import STOP_WORDS

    assert index_package.STOP_WORDS == STOP_WORDS


def rec(pid: str, doc: str, text: str) -> IndexRecord:
    return IndexRecord(
        passage_id=pid,
        doc_id=doc,
        text=text,
        heading="Capital",
        page=1,
        doc_title="Report",
        doc_org="National Audit Office",
        doc_path=f"{doc}.txt",
        doc_type="report",
        year=2023,
        ref=None,
        kinds=(),
        themes=(),
        orgs=(),
    )


@pytest.mark.parametrize("procs", [1, 2])
def test_index_files_name_only_the_package(tmp_path: Path, procs: int) -> None:
    ix = PassageIndex(tmp_path)
    with ix.writer(procs=procs) as w:
        for d in range(4):
            w.replace_document(
                f"d{d}",
                [
                    rec(f"d{d}-{i}", f"d{d}", f"capital regime {i} " * 30)
                    for i in range(60)
                ],
            )
    data = b"".join(
        f.read_bytes() for f in (tmp_path / "whoosh").iterdir() if f.is_file()
    )
    assert b"evidence.index" in data  # the schema, the codec and the posting blocks
    assert b"evidence.index." not in data  # never a module inside the package
    for name in ("WordAnalyzer", "CountedText", "EvidenceCodec", "_array_from_bytes"):
        assert name.encode() in data
        assert getattr(index_package, name).__module__ == "evidence.index"
    with open_searcher(tmp_path) as s:
        assert s.search(Word("regime"), 1)[1] == 240


def test_ingest_and_search_open_the_index_through_the_backend(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from evidence.ingest import ingest
    from evidence.search import search

    real = index_package.BACKEND
    opened: list[str] = []

    class Recording:
        def open_index(self, index_dir: Path) -> index_package.SearchIndex:
            opened.append("index")
            return real.open_index(index_dir)

        def open_searcher(self, index_dir: Path) -> index_package.Searcher:
            opened.append("searcher")
            return real.open_searcher(index_dir)

    monkeypatch.setattr(index_package, "BACKEND", Recording())
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "note.txt").write_text(
        "Capital regime\n\nThe capital regime holds back investment.\n",
        encoding="utf-8",
    )
    ingest([docs], index_dir=tmp_path / "idx", workers=1)
    assert search(tmp_path / "idx", "regime").total == 2
    assert opened == ["index", "searcher"]
