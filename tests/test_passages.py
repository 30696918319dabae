from evidence.models import Block
from evidence.passages import make_doc_id, make_passages, slugify


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
        ("doc-abc123-p1", 1, "heading", 1, None),
        ("doc-abc123-p2", 2, "paragraph", 1, "Summary"),
        ("doc-abc123-p3", 3, "heading", 2, "Summary"),
        ("doc-abc123-p4", 4, "list_item", 2, "Workforce"),
        ("doc-abc123-p5", 5, "heading", 3, None),
        ("doc-abc123-p6", 6, "paragraph", 3, "Capital"),
    ]
