"""A version 1 store (as evidence made it before the themes table and the
foreign keys) is brought to version 2 in place, its data kept."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from evidence.models import Finding, Metadata, Passage
from evidence.store import SCHEMA_VERSION, STORE_NAME, Store

#: The schema version 1 stores were made with, word for word.
V1_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE roots (root TEXT PRIMARY KEY, name TEXT NOT NULL, is_file INTEGER NOT NULL);
CREATE TABLE documents (
    doc_id TEXT PRIMARY KEY,
    root TEXT NOT NULL,
    path TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    format TEXT NOT NULL,
    pages INTEGER,
    title TEXT,
    org TEXT,
    doc_type TEXT,
    date TEXT,
    ref TEXT,
    indexed INTEGER NOT NULL DEFAULT 0,
    UNIQUE (root, path)
);
CREATE TABLE aliases (
    root TEXT NOT NULL,
    path TEXT NOT NULL,
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    PRIMARY KEY (root, path)
);
CREATE TABLE passages (
    passage_id TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    page INTEGER,
    heading TEXT,
    text TEXT NOT NULL,
    orgs TEXT NOT NULL DEFAULT '[]',
    ocr INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX passages_doc ON passages (doc_id, seq);
CREATE TABLE findings (
    finding_id TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    passage_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    text TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX findings_doc ON findings (doc_id);
CREATE INDEX findings_kind ON findings (kind);
CREATE TABLE acronyms (
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    short TEXT NOT NULL,
    long TEXT NOT NULL,
    PRIMARY KEY (doc_id, short, long)
);
CREATE TABLE passage_themes (
    passage_id TEXT NOT NULL,
    theme TEXT NOT NULL,
    score REAL NOT NULL,
    reason TEXT NOT NULL,
    PRIMARY KEY (passage_id, theme)
);
CREATE TABLE finding_themes (
    finding_id TEXT NOT NULL,
    theme TEXT NOT NULL,
    PRIMARY KEY (finding_id, theme)
);
CREATE TABLE pending_deletes (doc_id TEXT PRIMARY KEY);
"""


def _v1_store(index_dir: Path) -> None:
    """Two documents' rows as version 1 wrote them, plus a finding and a theme row whose passage is gone."""
    index_dir.mkdir()
    conn = sqlite3.connect(index_dir / STORE_NAME)
    conn.executescript(V1_SCHEMA)
    conn.execute("INSERT INTO meta VALUES ('schema_version', '1')")
    conn.execute("INSERT INTO meta VALUES ('taxonomy', 'abc')")
    conn.execute("INSERT INTO roots VALUES ('/data', 'data', 0)")
    conn.execute("INSERT INTO pending_deletes VALUES ('gone')")
    for doc_id in ("a", "b"):
        conn.execute(
            "INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?,?,1)",
            (
                doc_id,
                "/data",
                f"{doc_id}.txt",
                doc_id * 64,
                9,
                "txt",
                None,
                f"Report {doc_id}",
                "NAO",
                None,
                "2024-01-02",
                None,
            ),
        )
    texts = {
        "a": [
            "Workforce",
            "3.1 Staff are short.",
            "3.2 Pay rose 5%.",
            "Closing words.",
        ],
        "b": ["12 nurses left in 2023."],
    }
    for doc_id, rows in texts.items():
        for seq, text in enumerate(rows, 1):
            kind = "heading" if text == "Workforce" else "paragraph"
            conn.execute(
                "INSERT INTO passages VALUES (?,?,?,?,?,?,?,?,?)",
                (f"{doc_id}-p{seq}", doc_id, seq, kind, None, None, text, "[]", 0),
            )
    findings = [
        (
            "a-p3-f1",
            "a",
            "a-p3",
            "figure",
            11,
            13,
            "3.2 Pay rose 5%.",
            '{"surface": "5%"}',
        ),
        (
            "b-p1-f1",
            "b",
            "b-p1",
            "figure",
            0,
            2,
            "12 nurses left in 2023.",
            '{"surface": "12"}',
        ),
        ("a-p9-f1", "a", "a-p9", "claim", 0, 4, "lost", "{}"),
    ]
    conn.executemany("INSERT INTO findings VALUES (?,?,?,?,?,?,?,?)", findings)
    conn.executemany(
        "INSERT INTO passage_themes VALUES (?,?,?,?)",
        [
            ("a-p3", "workforce", 1.0, "seed: pay"),
            ("b-p1", "my-own", 0.5, "model"),
            ("a-p9", "workforce", 1.0, "seed"),
        ],
    )
    conn.executemany(
        "INSERT INTO finding_themes VALUES (?,?)",
        [("a-p3-f1", "workforce"), ("b-p1-f1", "my-own"), ("a-p9-f1", "workforce")],
    )
    conn.commit()
    conn.close()


def _rows(path: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_a_version_1_store_is_migrated_in_place(tmp_path: Path) -> None:
    index_dir = tmp_path / "idx"
    _v1_store(index_dir)
    with Store(index_dir) as store:
        assert store.get_meta("schema_version") == str(SCHEMA_VERSION) == "2"
        assert store.get_meta("taxonomy") == "abc"
        assert store.roots() == ["/data"]
        assert store.unindexed() == ([], ["gone"])
        assert [f["id"] for f in store.findings()] == ["a-p3-f1", "b-p1-f1"]
        assert store.passage_themes() == {
            "a-p3": [("workforce", 1.0, "seed: pay")],
            "b-p1": [("my-own", 0.5, "model")],
        }
        assert store.finding_themes() == {
            "a-p3-f1": ["workforce"],
            "b-p1-f1": ["my-own"],
        }
    db = index_dir / STORE_NAME
    tables = [
        r[0]
        for r in _rows(
            db, "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name"
        )
    ]
    assert tables == [
        "_meta",
        "_pending_deletes",
        "_roots",
        "acronyms",
        "aliases",
        "attachments",
        "documents",
        "finding_themes",
        "findings",
        "passage_themes",
        "passages",
        "themes",
    ]
    themes = dict(_rows(db, "SELECT id, label FROM themes"))
    assert themes["workforce"] == "Workforce"  # the packaged taxonomy's label
    assert themes["my-own"] == "my-own"  # a theme no taxonomy names keeps its id
    assert _rows(db, "SELECT passage_id, para FROM passages ORDER BY passage_id") == [
        ("a-p1", None),
        ("a-p2", "3.1"),
        ("a-p3", "3.2"),
        ("a-p4", None),
        ("b-p1", None),
    ]
    assert _rows(db, "PRAGMA foreign_key_check") == []
    keys = {
        table: sorted(
            (r[3], r[2], r[4]) for r in _rows(db, f"PRAGMA foreign_key_list({table})")
        )
        for table in ("findings", "passage_themes", "finding_themes")
    }
    assert keys == {
        "findings": [
            ("doc_id", "documents", "doc_id"),
            ("passage_id", "passages", "passage_id"),
        ],
        "passage_themes": [
            ("passage_id", "passages", "passage_id"),
            ("theme", "themes", "id"),
        ],
        "finding_themes": [
            ("finding_id", "findings", "finding_id"),
            ("theme", "themes", "id"),
        ],
    }
    assert ("findings_passage",) in _rows(
        db, "SELECT name FROM sqlite_master WHERE type='index'"
    )


def test_a_migrated_store_deletes_through_its_keys(tmp_path: Path) -> None:
    index_dir = tmp_path / "idx"
    _v1_store(index_dir)
    with Store(index_dir) as store:
        store.delete_document("a")
        assert [f["id"] for f in store.findings()] == ["b-p1-f1"]
        assert list(store.passage_themes()) == ["b-p1"]
    # opened again: already version 2, nothing to do
    with Store(index_dir) as store:
        assert store.get_meta("schema_version") == "2"
        assert store.finding_themes() == {"b-p1-f1": ["my-own"]}


def test_a_store_made_now_has_themes_and_keys(tmp_path: Path) -> None:
    with Store(tmp_path, create=True) as store:
        passage = Passage("d-p1", "d", 1, "4 Beds are short.", None, None, "paragraph")
        after = Passage("d-p2", "d", 2, "5 Staff are short.", None, None, "paragraph")
        store.write_document(
            doc_id="d",
            root="/r",
            path="d.txt",
            sha256="0" * 64,
            size=1,
            fmt="txt",
            pages=None,
            metadata=Metadata(title="D"),
            passages=[(passage, []), (after, [])],
            findings=[("d-p1-f1", "d-p1", Finding("figure", 0, 1, passage.text, {}))],
            acronyms=[],
        )
        store.replace_themes(
            [("d-p1", "capital", 1.0, "seed")], [("d-p1-f1", "capital")]
        )
        with pytest.raises(sqlite3.IntegrityError):
            store.conn.execute(
                "INSERT INTO findings VALUES ('x', 'd', 'd-p9', 'claim', 0, 1, 't', '{}')"
            )
    db = tmp_path / STORE_NAME
    assert _rows(db, "SELECT id, label FROM themes") == [("capital", "capital")]
    assert _rows(db, "SELECT para FROM passages ORDER BY seq") == [("4",), ("5",)]
