"""Older stores are brought up to date in place, their data kept: version 1
(before the themes table and the foreign keys) to 2, and version 2 (passage
ids ``<doc id>-p<n>``, read as page numbers) to 3."""

from __future__ import annotations

import dataclasses
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

import evidence.store
from evidence.cli import cli
from evidence.errors import StoreError
from evidence.index import PassageIndex
from evidence.ingest import index_records, ingest
from evidence.models import Finding, Metadata, Passage
from evidence.passages import passage_id
from evidence.search import search
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
        assert store.get_meta("schema_version") == str(SCHEMA_VERSION) == "3"
        assert store.get_meta("taxonomy") == "abc"
        assert store.roots() == ["/data"]
        assert store.unindexed() == (["a", "b"], ["gone"])  # ids changed: index again
        assert [f["id"] for f in store.findings()] == ["a-passage3-f1", "b-passage1-f1"]
        assert store.passage_themes() == {
            "a-passage3": [("workforce", 1.0, "seed: pay")],
            "b-passage1": [("my-own", 0.5, "model")],
        }
        assert store.finding_themes() == {
            "a-passage3-f1": ["workforce"],
            "b-passage1-f1": ["my-own"],
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
        ("a-passage1", None),
        ("a-passage2", "3.1"),
        ("a-passage3", "3.2"),
        ("a-passage4", None),
        ("b-passage1", None),
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
        assert [f["id"] for f in store.findings()] == ["b-passage1-f1"]
        assert list(store.passage_themes()) == ["b-passage1"]
    # opened again: already version 3, nothing to do
    with Store(index_dir) as store:
        assert store.get_meta("schema_version") == "3"
        assert store.finding_themes() == {"b-passage1-f1": ["my-own"]}


def test_a_store_made_now_has_themes_and_keys(tmp_path: Path) -> None:
    with Store(tmp_path, create=True) as store:
        passage = Passage(
            "d-passage1", "d", 1, "4 Beds are short.", None, None, "paragraph"
        )
        after = Passage(
            "d-passage2", "d", 2, "5 Staff are short.", None, None, "paragraph"
        )
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
            findings=[
                (
                    "d-passage1-f1",
                    "d-passage1",
                    Finding("figure", 0, 1, passage.text, {}),
                )
            ],
            acronyms=[],
        )
        store.replace_themes(
            [("d-passage1", "capital", 1.0, "seed")], [("d-passage1-f1", "capital")]
        )
        with pytest.raises(sqlite3.IntegrityError):
            store.conn.execute(
                "INSERT INTO findings VALUES ('x', 'd', 'd-passage9', 'claim', 0, 1, 't', '{}')"
            )
    db = tmp_path / STORE_NAME
    assert _rows(db, "SELECT id, label FROM themes") == [("capital", "capital")]
    assert _rows(db, "SELECT para FROM passages ORDER BY seq") == [("4",), ("5",)]


#: The schema version 2 stores were made with, word for word.
V2_SCHEMA = """CREATE TABLE _meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE _roots (root TEXT PRIMARY KEY, name TEXT NOT NULL, is_file INTEGER NOT NULL);
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
    ocr INTEGER NOT NULL DEFAULT 0,
    para TEXT
);
CREATE INDEX passages_doc ON passages (doc_id, seq);
CREATE TABLE findings (
    finding_id TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    passage_id TEXT NOT NULL REFERENCES passages(passage_id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    text TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX findings_doc ON findings (doc_id);
CREATE INDEX findings_kind ON findings (kind);
CREATE INDEX findings_passage ON findings (passage_id);
CREATE TABLE acronyms (
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    short TEXT NOT NULL,
    long TEXT NOT NULL,
    PRIMARY KEY (doc_id, short, long)
);
CREATE TABLE themes (id TEXT PRIMARY KEY, label TEXT NOT NULL);
CREATE TABLE passage_themes (
    passage_id TEXT NOT NULL REFERENCES passages(passage_id) ON DELETE CASCADE,
    theme TEXT NOT NULL REFERENCES themes(id) DEFERRABLE INITIALLY DEFERRED,
    score REAL NOT NULL,
    reason TEXT NOT NULL,
    PRIMARY KEY (passage_id, theme)
);
CREATE TABLE finding_themes (
    finding_id TEXT NOT NULL REFERENCES findings(finding_id) ON DELETE CASCADE,
    theme TEXT NOT NULL REFERENCES themes(id) DEFERRABLE INITIALLY DEFERRED,
    PRIMARY KEY (finding_id, theme)
);
CREATE TABLE _pending_deletes (doc_id TEXT PRIMARY KEY);

CREATE TABLE attachments (
    doc_id TEXT PRIMARY KEY REFERENCES documents(doc_id) ON DELETE CASCADE,
    parent TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    seq INTEGER NOT NULL
);
CREATE INDEX attachments_parent ON attachments (parent, seq);
"""

#: (doc_id, seq, kind, page, heading, text, para) of the version 2 fixture.
V2_PASSAGES = [
    ("nao-ics-a1b2c3", 1, "heading", 1, None, "Capital", None),
    (
        "nao-ics-a1b2c3",
        2,
        "paragraph",
        1,
        "Capital",
        "3.1 Backlog is £4.2 billion.",
        "3.1",
    ),
    (
        "nao-ics-a1b2c3",
        3,
        "paragraph",
        2,
        "Capital",
        "3.2 Trusts should plan ahead.",
        "3.2",
    ),
    ("lga-ev-d4e5f6", 1, "paragraph", None, None, "Councils lost 12 planners.", None),
]


def _v2_store(index_dir: Path) -> None:
    """Two documents as version 2 wrote them: "-p<n>" ids in passages, findings, theme rows."""
    index_dir.mkdir()
    conn = sqlite3.connect(index_dir / STORE_NAME)
    conn.executescript(V2_SCHEMA)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("INSERT INTO _meta VALUES ('schema_version', '2')")
    conn.execute("INSERT INTO _meta VALUES ('taxonomy', 'abc')")
    conn.execute("INSERT INTO _roots VALUES ('/data', 'data', 0)")
    conn.execute("INSERT INTO _pending_deletes VALUES ('gone')")
    for doc_id, title in (("nao-ics-a1b2c3", "ICS review"), ("lga-ev-d4e5f6", "LGA")):
        conn.execute(
            "INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?,?,1)",
            (
                doc_id,
                "/data",
                f"{doc_id}.pdf",
                "0" * 64,
                9,
                "pdf",
                2,
                title,
                "NAO",
                None,
                None,
                None,
            ),
        )
    conn.executemany(
        "INSERT INTO passages (passage_id, doc_id, seq, kind, page, heading, text, para)"
        " VALUES (?,?,?,?,?,?,?,?)",
        [(f"{d}-p{seq}", d, seq, *rest) for d, seq, *rest in V2_PASSAGES],
    )
    conn.executemany(
        "INSERT INTO findings VALUES (?,?,?,?,?,?,?,?)",
        [
            (
                "nao-ics-a1b2c3-p2-f1",
                "nao-ics-a1b2c3",
                "nao-ics-a1b2c3-p2",
                "figure",
                17,
                29,
                "3.1 Backlog is £4.2 billion.",
                '{"surface": "£4.2 billion"}',
            ),
            (
                "nao-ics-a1b2c3-p3-r1",
                "nao-ics-a1b2c3",
                "nao-ics-a1b2c3-p3",
                "recommendation",
                4,
                29,
                "3.2 Trusts should plan ahead.",
                "{}",
            ),
            (
                "lga-ev-d4e5f6-p1-f1",
                "lga-ev-d4e5f6",
                "lga-ev-d4e5f6-p1",
                "figure",
                13,
                15,
                "Councils lost 12 planners.",
                '{"surface": "12"}',
            ),
        ],
    )
    conn.executemany(
        "INSERT INTO themes VALUES (?,?)",
        [("capital", "Capital"), ("workforce", "Workforce")],
    )
    conn.executemany(
        "INSERT INTO passage_themes VALUES (?,?,?,?)",
        [
            ("nao-ics-a1b2c3-p2", "capital", 1.0, "seed: backlog"),
            ("nao-ics-a1b2c3-p3", "capital", 0.75, "model"),
            ("lga-ev-d4e5f6-p1", "workforce", 1.0, "seed: planners"),
        ],
    )
    conn.executemany(
        "INSERT INTO finding_themes VALUES (?,?)",
        [
            ("nao-ics-a1b2c3-p2-f1", "capital"),
            ("nao-ics-a1b2c3-p3-r1", "capital"),
            ("lga-ev-d4e5f6-p1-f1", "workforce"),
        ],
    )
    conn.commit()
    conn.close()


def _dump(db: Path) -> dict[str, list[tuple]]:
    """Every row of every table, sorted: what must survive a failed migration unchanged."""
    conn = sqlite3.connect(db)
    try:
        tables = [
            r[0]
            for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
        ]
        return {
            t: sorted(conn.execute(f"SELECT * FROM {t}").fetchall(), key=repr)
            for t in tables
        }
    finally:
        conn.close()


def test_a_version_2_store_gets_ids_that_are_not_page_numbers(tmp_path: Path) -> None:
    index_dir = tmp_path / "idx"
    _v2_store(index_dir)
    db = index_dir / STORE_NAME
    before = _dump(db)
    nao, lga = "nao-ics-a1b2c3", "lga-ev-d4e5f6"
    with Store(index_dir) as store:
        assert store.get_meta("schema_version") == str(SCHEMA_VERSION) == "3"
        assert store.get_meta("taxonomy") == "abc"
        assert store.roots() == ["/data"]
        # the index holds the old ids: every document is indexed again, the pending delete kept
        assert store.unindexed() == ([lga, nao], ["gone"])
        assert [(p.passage_id, p.doc_id, p.seq, p.text) for p in store.passages()] == [
            ("lga-ev-d4e5f6-passage1", lga, 1, "Councils lost 12 planners."),
            ("nao-ics-a1b2c3-passage1", nao, 1, "Capital"),
            ("nao-ics-a1b2c3-passage2", nao, 2, "3.1 Backlog is £4.2 billion."),
            ("nao-ics-a1b2c3-passage3", nao, 3, "3.2 Trusts should plan ahead."),
        ]
        assert [(f["id"], f["passage_id"], f["page"]) for f in store.findings()] == [
            ("lga-ev-d4e5f6-passage1-f1", "lga-ev-d4e5f6-passage1", None),
            ("nao-ics-a1b2c3-passage2-f1", "nao-ics-a1b2c3-passage2", 1),
            ("nao-ics-a1b2c3-passage3-r1", "nao-ics-a1b2c3-passage3", 2),
        ]
        assert store.passage_themes() == {
            "lga-ev-d4e5f6-passage1": [("workforce", 1.0, "seed: planners")],
            "nao-ics-a1b2c3-passage2": [("capital", 1.0, "seed: backlog")],
            "nao-ics-a1b2c3-passage3": [("capital", 0.75, "model")],
        }
        assert store.finding_themes() == {
            "lga-ev-d4e5f6-passage1-f1": ["workforce"],
            "nao-ics-a1b2c3-passage2-f1": ["capital"],
            "nao-ics-a1b2c3-passage3-r1": ["capital"],
        }
        assert store.passage_numbers(nao) == {
            "nao-ics-a1b2c3-passage1": (1, None),
            "nao-ics-a1b2c3-passage2": (2, "3.1"),
            "nao-ics-a1b2c3-passage3": (3, "3.2"),
        }
    after = _dump(db)
    assert _rows(db, "PRAGMA foreign_key_check") == []
    assert sorted(after) == sorted(
        before
    )  # no table made or lost (the temporary ones gone)
    assert {t: len(rows) for t, rows in after.items()} == {
        t: len(rows) for t, rows in before.items()
    }
    # nothing but the ids (and the indexed flags) changed
    unchanged = "SELECT doc_id, seq, kind, page, heading, text, orgs, ocr, para FROM passages ORDER BY doc_id, seq"
    assert _rows(db, unchanged) == sorted(
        (d, seq, kind, page, heading, text, "[]", 0, para)
        for d, seq, kind, page, heading, text, para in V2_PASSAGES
    )
    assert _rows(
        db, 'SELECT kind, start, "end", text, data FROM findings ORDER BY finding_id'
    ) == sorted((r[3], r[4], r[5], r[6], r[7]) for r in before["findings"])
    with Store(index_dir) as store:  # opened again: already version 3, nothing to do
        assert store.get_meta("schema_version") == "3"
        assert len(store.findings()) == 3
    assert _dump(db) == after


def test_an_interrupted_migration_leaves_the_version_2_store_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index_dir = tmp_path / "idx"
    _v2_store(index_dir)
    db = index_dir / STORE_NAME
    before = _dump(db)
    calls: list[int] = []

    def dies_midway(doc_id: str, seq: int) -> str:
        # the old -> new table takes one call a passage; the findings and theme
        # rows are rewritten by then, and the passages themselves are half done
        calls.append(seq)
        if len(calls) == len(V2_PASSAGES) + 2:
            raise OSError("killed")
        return passage_id(doc_id, seq)

    monkeypatch.setattr(evidence.store, "passage_id", dies_midway)
    with pytest.raises(StoreError, match="user-defined function raised exception"):
        Store(index_dir)
    assert len(calls) == len(V2_PASSAGES) + 2
    assert _dump(db) == before  # rolled back whole: version 2, its ids, its flags
    monkeypatch.undo()
    with Store(index_dir) as store:  # the next run migrates it
        assert store.get_meta("schema_version") == "3"
        assert list(store.finding_themes()) == [
            "lga-ev-d4e5f6-passage1-f1",
            "nao-ics-a1b2c3-passage2-f1",
            "nao-ics-a1b2c3-passage3-r1",
        ]


def _as_version_2(index_dir: Path) -> None:
    """Turn an index directory made now into what version 2 left: "-p<n>" ids in the
    store and in a search index of format 3."""
    with Store(index_dir) as store:
        records = {d: index_records(store, d) for d in store.doc_ids()}
    shutil.rmtree(index_dir / "whoosh")
    index = PassageIndex(index_dir)
    with index.writer() as writer:
        for doc_id, recs in records.items():
            writer.replace_document(
                doc_id,
                [
                    dataclasses.replace(
                        r, passage_id=r.passage_id.replace("-passage", "-p")
                    )
                    for r in recs
                ],
            )
    (index_dir / "whoosh" / "FORMAT").write_text("3\n", encoding="ascii")
    conn = sqlite3.connect(index_dir / STORE_NAME)
    with conn:
        conn.execute("PRAGMA foreign_keys = OFF")
    with conn:
        for table, column in (
            ("passages", "passage_id"),
            ("findings", "passage_id"),
            ("findings", "finding_id"),
            ("passage_themes", "passage_id"),
            ("finding_themes", "finding_id"),
        ):
            conn.execute(
                f"UPDATE {table} SET {column} = replace({column}, '-passage', '-p')"
            )
        conn.execute("UPDATE _meta SET value = '2' WHERE key = 'schema_version'")
    conn.close()


def test_after_the_migration_an_ingest_brings_the_index_into_line(
    tmp_path: Path,
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "capital.txt").write_text(
        "Capital regime\n\nThe capital regime holds back investment: trusts need"
        " £4.2 billion to clear the maintenance backlog.\n",
        encoding="utf-8",
    )
    index_dir = tmp_path / "idx"
    ingest([docs], index_dir=index_dir, workers=1)
    with Store(index_dir) as store:
        [doc_id] = store.doc_ids()
        findings = [(f["id"], f["passage_id"], f["kind"]) for f in store.findings()]
        themes = store.passage_themes()
    assert findings and themes  # something to keep attached
    _as_version_2(index_dir)
    with sqlite3.connect(index_dir / STORE_NAME) as conn:
        assert conn.execute(
            "SELECT passage_id FROM passages ORDER BY seq"
        ).fetchall() == [
            (f"{doc_id}-p1",),
            (f"{doc_id}-p2",),
        ]

    # search never serves the old ids: the old index is refused until an ingest
    refused = CliRunner().invoke(
        cli, ["--index-dir", str(index_dir), "search", "capital"]
    )
    assert (refused.exit_code, refused.stderr) == (
        1,
        f"Error: the search index in {index_dir} was made by an older version of evidence"
        " (run `evidence ingest FOLDER` to rebuild it from the store)\n",
    )
    report = ingest([docs], index_dir=index_dir, workers=1)  # the folder as it was
    assert (report.unchanged, report.new, report.changed) == (
        ["docs/capital.txt"],
        [],
        [],
    )
    assert report.index_rebuilt is True
    with Store(index_dir) as store:
        assert store.get_meta("schema_version") == "3"
        assert [
            (f["id"], f["passage_id"], f["kind"]) for f in store.findings()
        ] == findings
        assert store.passage_themes() == themes
        stored = {p.passage_id for p in store.passages()}
        assert stored == {passage_id(doc_id, 1), passage_id(doc_id, 2)}
        assert store.unindexed() == ([], [])
    index = PassageIndex(index_dir)
    assert index.passage_ids() == stored
    assert index.passage_count() == len(stored)  # each passage once
    hits = search(index_dir, '"maintenance backlog"').hits
    assert [h["passage_id"] for h in hits] == [passage_id(doc_id, 2)]
