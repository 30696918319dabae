import sqlite3

import pytest

from evidence.errors import NotFound, StoreError
from evidence.models import Finding, Metadata, Passage
from evidence.passages import passage_id
from evidence.store import SCHEMA_VERSION, Store


def _write(store, doc_id="doc-1", text="ICSs had to save £5.7 billion."):
    passage = Passage(passage_id(doc_id, 1), doc_id, 1, text, 2, "Summary", "paragraph")
    finding = Finding(
        "figure",
        17,
        29,
        text,
        {"surface": "£5.7 billion", "value": 5.7e9, "unit": "GBP"},
    )
    store.write_document(
        doc_id=doc_id,
        root="/data/corpus",
        path=f"{doc_id}.txt",
        sha256="ab" * 32,
        size=10,
        fmt="txt",
        pages=None,
        metadata=Metadata(
            title="A report", org="National Audit Office", date="2022-10-19"
        ),
        passages=[(passage, ["National Audit Office"])],
        findings=[(f"{passage_id(doc_id, 1)}-f1", passage.passage_id, finding)],
        acronyms=[("ICS", "integrated care system")],
    )


def test_read_only_commands_refuse_a_missing_store(tmp_path):
    with pytest.raises(StoreError, match="no evidence store in"):
        Store(tmp_path / "nothing")
    assert not (tmp_path / "nothing").exists()


def test_write_and_read_back(tmp_path):
    with Store(tmp_path, create=True) as store:
        _write(store)
        doc = store.document("doc-1")
        assert (doc.title, doc.year, doc.indexed) == ("A report", 2022, False)
        assert store.findings() == [
            {
                "id": "doc-1-passage1-f1",
                "kind": "figure",
                "text": "ICSs had to save £5.7 billion.",
                "doc_id": "doc-1",
                "passage_id": "doc-1-passage1",
                "page": 2,
                "start": 17,
                "end": 29,
                "surface": "£5.7 billion",
                "unit": "GBP",
                "value": 5.7e9,
            }
        ]
        assert store.acronyms() == {"ICS": ["integrated care system"]}
        assert store.index_rows("doc-1")[0]["kinds"] == ("figure",)
        assert store.unindexed() == (["doc-1"], [])
        store.mark_indexed(["doc-1"], [])
        assert store.unindexed() == ([], [])


def test_rewriting_a_document_replaces_it_whole(tmp_path):
    with Store(tmp_path, create=True) as store:
        _write(store)
        _write(store, text="Nothing to see.")
        assert store.counts()["passages"] == 1
        assert store.passages("doc-1")[0].text == "Nothing to see."


def test_delete_is_remembered_for_the_index(tmp_path):
    with Store(tmp_path, create=True) as store:
        _write(store)
        store.delete_document("doc-1")
        assert store.counts() == {
            "documents": 0,
            "passages": 0,
            "figures": 0,
            "recommendations": 0,
            "claims": 0,
            "quotes": 0,
        }
        assert store.unindexed() == ([], ["doc-1"])
        with pytest.raises(NotFound, match="no document with id 'doc-1'"):
            store.document("doc-1")


def test_a_failed_transaction_leaves_the_previous_state(tmp_path):
    with Store(tmp_path, create=True) as store:
        _write(store)
        with pytest.raises(RuntimeError):
            with store.transaction() as conn:
                conn.execute("DELETE FROM passages")
                raise RuntimeError("killed")
        assert store.counts()["passages"] == 1


def test_other_schema_version_is_refused_with_the_fix(tmp_path):
    Store(tmp_path, create=True).close()
    conn = sqlite3.connect(tmp_path / "evidence.sqlite")
    conn.execute("UPDATE _meta SET value='0' WHERE key='schema_version'")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError) as info:
        Store(tmp_path)
    assert (
        str(info.value)
        == f"the store in {tmp_path} has schema version 0; this evidence uses {SCHEMA_VERSION}"
    )
    assert "ingest" in info.value.hint


def test_a_file_that_is_not_a_database_is_refused(tmp_path):
    (tmp_path / "evidence.sqlite").write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreError, match="is not an evidence store"):
        Store(tmp_path)
