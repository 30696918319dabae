"""Our numpy BM25 gives the scores Whoosh's own BM25F scorer gives on the same index.

The index is built by ``PassageIndex`` (several segments, a replaced
document, so deleted postings still count in the statistics as Whoosh
counts them); Whoosh then searches the same files through its own searcher
with ``whoosh.scoring.BM25F`` and its matchers, and every passage's score
must agree with ours to within 1e-9 (before our rounding), and with what
``IndexSearcher.search`` returns to within its rounding to four places.

This pins what evaluation reads through ``whoosh_adapter`` below Whoosh's
public API: posting blocks (ids and weights), deletions, and the one-byte
length column (``doc_field_length`` is what BM25F normalises by).

Parameters are matched, not changed: B = 0.75 and K1 = 1.2 for every field
(Whoosh's defaults, ours too), idf = ln(N / (df + 1)) + 1 over every stored
passage, deleted ones included, in both. What differs by design, and how the
Whoosh queries below are written to match it:

- A word matches every indexed form with its Porter2 stem, each form scored
  as its own term and summed: on Whoosh's side an ``Or`` of those terms
  (found here by stemming the whole lexicon, so the forms are checked too).
- The title and heading are not a field whose term frequency is boosted
  inside one saturated sum (textbook BM25F, Whoosh's ``field_boost``): a
  title stem adds its own BM25 times TITLE_BOOST, and only to passages that
  match in their body. On Whoosh's side: ``AndMaybe(body query, Term("title",
  stem, boost=TITLE_BOOST))``, whose boost multiplies that term's score.
- Filters and NOT do not score: Whoosh's ``filter=`` and ``AndNot``.
- Fuzzy terms are the sum of BM25 over the words found within the edit
  distance (Whoosh's ``FuzzyTerm`` gives a constant score): an ``Or`` of
  those words, found with Whoosh's ``terms_within``.
- Not compared: phrases (ours count matches on the word-hash column; the
  text field has no positions for Whoosh's ``Phrase``) and prefixes (ours
  score 1 per passage, as a filter-like match).
- The average field length is taken as 1 when below 1 (Whoosh: only when
  0); passages here are longer, so it does not come up.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from whoosh import index as windex
from whoosh import query as wq
from whoosh import scoring

from evidence.index import (
    TITLE_BOOST,
    AllOf,
    AnyOf,
    Filter,
    Fuzzy,
    IndexRecord,
    IndexSearcher,
    Node,
    Not,
    PassageIndex,
    Word,
)
from evidence.index.analysis import STOP_WORDS, stem

VOCAB = (
    "care cares caring cared funding fund funds funded capital capitals budget"
    " budgets workforce staff recommend recommended recommendation recommendations"
    " hospital hospitals waiting lists plan plans planning the of and to in a"
    " for that is on with local authority authorities board boards"
).split()
TITLES = [
    "Capital funding for hospitals",
    "The care workforce plan",
    "Budgets and boards",
    "Recommendations on waiting lists",
]


def passages(seed: int = 11) -> list[list[IndexRecord]]:
    """Six documents of six to eight passages, 5 to 60 words each."""
    rng = random.Random(seed)
    docs = []
    for d in range(6):
        doc_id = f"d{d}"
        recs = []
        for p in range(rng.randrange(6, 9)):
            n = rng.randrange(5, 60)
            recs.append(
                IndexRecord(
                    passage_id=f"{doc_id}-{p:02d}",
                    doc_id=doc_id,
                    text=" ".join(rng.choice(VOCAB) for _ in range(n)).capitalize(),
                    heading=None if p % 3 else f"On {rng.choice(VOCAB)} and the plan",
                    page=1 + p // 3,
                    doc_title=TITLES[d % len(TITLES)],
                    doc_org="National Audit Office",
                    doc_path=f"{doc_id}.txt",
                    doc_type="report",
                    year=2020 + d,
                    ref=None,
                    kinds=("figure",) if (d + p) % 2 == 0 else (),
                    themes=(),
                    orgs=(),
                )
            )
        docs.append(recs)
    return docs


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("bm25")
    ix = PassageIndex(root)
    docs = passages()
    for half in (docs[:3], docs[3:]):  # two commits: two segments
        with ix.writer() as w:
            for recs in half:
                w.replace_document(recs[0].doc_id, recs)
    with ix.writer() as w:  # replaced: its old passages are deleted, still counted
        w.replace_document("d1", passages(seed=12)[1])
    return root


def forms(reader, word: str) -> list[str]:
    """Every body word with the stem of ``word``, by stemming the whole lexicon."""
    low = word.lower()
    if low in STOP_WORDS:
        return [low]
    target = stem(low)
    return sorted(
        w
        for w in (t.decode("utf-8") for t in reader.lexicon("text"))
        if stem(w) == target
    ) or [low]


def body(reader, word: str) -> wq.Query:
    return wq.Or([wq.Term("text", f) for f in forms(reader, word)])


def titled(query: wq.Query, stems: list[str]) -> wq.Query:
    return wq.AndMaybe(
        query, wq.Or([wq.Term("title", s, boost=TITLE_BOOST) for s in stems])
    )


def fuzzy(reader, word: str, maxdist: int) -> wq.Query:
    near = set(reader.terms_within("text", word, maxdist, prefix=1)) | {word}
    return wq.Or([wq.Term("text", w) for w in sorted(near)])


#: (our query, title stems, Whoosh's query from a reader, Whoosh's filter)
CASES = [
    ("word", Word("care"), [], lambda r: body(r, "care"), None),
    ("forms", Word("recommendations"), [], lambda r: body(r, "recommendations"), None),
    ("stop word", Word("the"), [], lambda r: body(r, "the"), None),
    (
        "all of",
        AllOf((Word("capital"), Word("funding"))),
        [],
        lambda r: wq.And([body(r, "capital"), body(r, "funding")]),
        None,
    ),
    (
        "any of",
        AnyOf((Word("workforce"), Word("budget"))),
        [],
        lambda r: wq.Or([body(r, "workforce"), body(r, "budget")]),
        None,
    ),
    (
        "title",
        Word("care"),
        ["care"],
        lambda r: titled(body(r, "care"), ["care"]),
        None,
    ),
    (
        "titles",
        AllOf((Word("hospital"), Word("plan"))),
        ["hospit", "plan"],
        lambda r: titled(
            wq.And([body(r, "hospital"), body(r, "plan")]), ["hospit", "plan"]
        ),
        None,
    ),
    (
        "filter and not",
        AllOf((Word("funding"), Filter("kind", ("figure",)), Not(Word("budget")))),
        [],
        lambda r: wq.AndNot(body(r, "funding"), body(r, "budget")),
        wq.Term("kinds", "figure"),
    ),
    ("fuzzy", Fuzzy("budgat", 1), [], lambda r: fuzzy(r, "budgat", 1), None),
]


def whoosh_scores(index_dir: Path, make_query, filter_) -> dict[str, float]:
    ix = windex.open_dir(str(index_dir / "whoosh"), indexname="MAIN")
    with ix.searcher(weighting=scoring.BM25F()) as searcher:  # B=0.75, K1=1.2
        results = searcher.search(
            make_query(searcher.reader()), limit=None, filter=filter_
        )
        return {hit["passage_id"]: hit.score for hit in results}


def our_scores(index_dir: Path, node: Node, stems: list[str]) -> dict[str, float]:
    with IndexSearcher(index_dir) as s:
        ids, scores = s.evaluator.matches(node, stems)
        return {
            s._reader.stored_fields(int(i))["passage_id"]: float(score)
            for i, score in zip(ids, scores)
        }


@pytest.mark.parametrize(
    "node, stems, make_query, filter_",
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_scores_match_whooshs_bm25f(
    index_dir: Path, node: Node, stems: list[str], make_query, filter_
) -> None:
    theirs = whoosh_scores(index_dir, make_query, filter_)
    ours = our_scores(index_dir, node, stems)
    assert len(theirs) >= 3  # a case that matches (almost) nothing proves little
    assert ours.keys() == theirs.keys()
    for pid, score in theirs.items():
        assert ours[pid] == pytest.approx(score, rel=1e-9, abs=1e-9), pid
    with IndexSearcher(index_dir) as s:
        hits, total = s.search(node, 1000, title_stems=stems)
    assert total == len(theirs)
    for hit in hits:
        assert abs(hit.score - theirs[hit.fields["passage_id"]]) <= 0.5e-4 + 1e-12


def test_the_index_has_what_the_comparison_needs(index_dir: Path) -> None:
    """Several segments, deleted passages, and words in several forms."""
    with windex.open_dir(str(index_dir / "whoosh"), indexname="MAIN").reader() as r:
        assert len(list(r.leaf_readers())) > 1
        assert r.doc_count() < r.doc_count_all()  # deletions still in the statistics
        assert 40 <= r.doc_count() <= 60
        assert len(forms(r, "care")) >= 3
        for field in ("text", "title"):
            assert r.field_length(field) / r.doc_count_all() > 1
    plain = our_scores(index_dir, Word("care"), [])
    titled_ = our_scores(index_dir, Word("care"), ["care"])
    raised = [pid for pid in plain if titled_[pid] > plain[pid]]
    assert 0 < len(raised) < len(plain)  # the title lifts some passages, not all
