import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from evidence.models import Block
from evidence.passages import (
    make_doc_id,
    make_passages,
    passage_id,
    slugify,
    split_passage_id,
)


def test_slugify_folds_accents_and_punctuation():
    assert (
        slugify("Réponse du Gouvernement — 2023 (final)")
        == "reponse-du-gouvernement-2023-final"
    )
    assert slugify("!!!") == "document"


def test_doc_id_depends_on_place_not_content():
    assert make_doc_id("corpus/nao-summary.pdf", "nao-summary") == make_doc_id(
        "corpus/nao-summary.pdf", "nao-summary"
    )
    first = make_doc_id("corpus/report.pdf", "report")
    second = make_doc_id("archive/report.pdf", "report")
    assert first.startswith("report-") and second.startswith("report-")
    assert first != second
    assert len(first) == len("report-") + 6


def test_passages_carry_ids_pages_and_headings():
    blocks = [
        Block("heading", "Summary", 1, 1),
        Block("paragraph", "ICSs had to save £5.7 billion.", 1),
        Block("heading", "Workforce", 2, 2),
        Block("list_item", "Publish a plan.", 2, 1),
        Block("heading", "Capital", 3, 1),
        Block("paragraph", "The capital regime is complex.", 3),
    ]
    passages = make_passages("doc-abc123", blocks)
    assert [(p.passage_id, p.seq, p.kind, p.page, p.heading) for p in passages] == [
        ("doc-abc123-passage1", 1, "heading", 1, None),
        ("doc-abc123-passage2", 2, "paragraph", 1, "Summary"),
        ("doc-abc123-passage3", 3, "heading", 2, "Summary"),
        ("doc-abc123-passage4", 4, "list_item", 2, "Workforce"),
        ("doc-abc123-passage5", 5, "heading", 3, None),
        ("doc-abc123-passage6", 6, "paragraph", 3, "Capital"),
    ]


#: What a reader of a citation takes for a page, paragraph or note number.
_LOOKS_NUMBERED = re.compile(r"-(p|pp|pg|page|para|paragraph|n|note|fn)\.?\d+$")


@given(
    source=st.text(min_size=1, max_size=60),
    stem=st.text(max_size=60),
    seq=st.integers(min_value=1, max_value=10**7),
)
def test_a_passage_id_gives_back_its_document_and_ordinal(
    source: str, stem: str, seq: int
) -> None:
    doc_id = make_doc_id(source, stem)
    pid = passage_id(doc_id, seq)
    assert split_passage_id(pid) == (doc_id, seq)
    # safe bare in a URL fragment, an HTML id, a file name, a CSV cell and a query
    assert re.fullmatch(r"[a-z0-9][a-z0-9-]*", pid)
    assert not _LOOKS_NUMBERED.search(pid)


@given(doc_id=st.text(min_size=1), seq=st.integers(min_value=1))
def test_any_document_id_round_trips(doc_id: str, seq: int) -> None:
    """Even one that holds the mark itself: the ordinal is after its last occurrence."""
    assert split_passage_id(passage_id(doc_id, seq)) == (doc_id, seq)
    assert split_passage_id(passage_id(f"{doc_id}-passage7", seq)) == (
        f"{doc_id}-passage7",
        seq,
    )


def test_the_id_names_the_ordinal_as_a_passage() -> None:
    assert passage_id("nao-ics-review-a1b2c3", 14) == "nao-ics-review-a1b2c3-passage14"


@pytest.mark.parametrize(
    "text",
    [
        "nao-ics-review-a1b2c3-p14",  # the ids before store version 3
        "nao-ics-review-a1b2c3",
        "-passage3",
        "doc-passage",
        "doc-passage0",
        "doc-passage03",
        "doc-passage3a",
        "doc-passage\u0663",  # an Arabic-Indic three: a digit to str.isdigit, not to us
        "doc-passage-3",
    ],
)
def test_anything_else_is_not_a_passage_id(text: str) -> None:
    with pytest.raises(ValueError, match="is not a passage id"):
        split_passage_id(text)


def test_ordinals_count_from_one() -> None:
    with pytest.raises(ValueError, match="counts from 1, not 0"):
        passage_id("doc", 0)
