"""The query language over a small index: ranking, synonyms, filters, errors, fallbacks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evidence.errors import QueryError, StoreError
from evidence.index import IndexRecord, PassageIndex
from evidence.search import SearchResult, marked_pieces, search, strip_marks

DOCS = {
    "d1": ("Capital funding in the NHS", "National Audit Office", "report", 2023),
    "d2": (
        "Written evidence from the Local Government Association",
        "Local Government Association",
        "written evidence",
        2022,
    ),
    "d3": (
        "Workforce pressures in general practice",
        "The King's Fund",
        "commentary",
        2021,
    ),
}
PASSAGES = [
    (
        "d1-passage1",
        "The capital regime",
        3,
        "The capital regime is too complex: trusts cannot plan maintenance because capital"
        " allocations arrive late.",
        ("claim",),
        ("capital",),
    ),
    (
        "d1-passage2",
        None,
        4,
        "NHS England should publish multi-year capital budgets by April 2024.",
        ("recommendation", "figure"),
        ("capital",),
    ),
    (
        "d1-passage3",
        None,
        5,
        "The workforce plan sets out the recruitment of 50,000 nurses.",
        ("figure",),
        ("workforce",),
    ),
    (
        "d2-passage1",
        None,
        None,
        "NHSE has not consulted councils on the regime for capital in social care.",
        ("claim",),
        ("social-care",),
    ),
    (
        "d2-passage2",
        None,
        None,
        "We recommend that integrated care boards pool budgets with councils.",
        ("recommendation",),
        ("social-care", "finance"),
    ),
    (
        "d2-passage3",
        None,
        None,
        "Councils store the records they need, and the archive is full.",
        (),
        (),
    ),
    (
        "d3-passage1",
        None,
        2,
        "Recommendations on retention were ignored, and ICBs lack a data store.",
        ("claim",),
        ("workforce",),
    ),
    (
        "d3-passage2",
        None,
        2,
        "Staff vacancies in general practice rose to 9%. Stores of protective"
        " equipment ran low.",
        ("figure",),
        ("workforce",),
    ),
    (
        "d3-passage3",
        None,
        7,
        "The Department of Health and Social Care accepted the recommendation"
        " from the Public Accounts Committee.",
        (),
        (),
    ),
]

ORGS = {
    "d1-passage2": ("NHS England",),
    "d2-passage1": (
        "NHS England",
        "Department for Levelling Up, Housing and Communities",
    ),
    "d3-passage3": (
        "Department of Health and Social Care",
        "Public Accounts Committee",
    ),
}


def records() -> list[IndexRecord]:
    out = []
    for pid, heading, page, text, kinds, themes in PASSAGES:
        doc = pid.split("-")[0]
        title, org, dtype, year = DOCS[doc]
        out.append(
            IndexRecord(
                passage_id=pid,
                doc_id=doc,
                text=text,
                heading=heading,
                page=page,
                doc_title=title,
                doc_org=org,
                doc_path=f"inquiry/{doc}.pdf",
                doc_type=dtype,
                year=year,
                ref=f"ICS00{doc[1]}" if doc == "d2" else None,
                kinds=kinds,
                themes=themes,
                orgs=ORGS.get(pid, ()),
            )
        )
    return out


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("indexes")
    ix = PassageIndex(root)
    recs = records()
    with ix.writer() as w:
        for doc in DOCS:
            w.replace_document(doc, [r for r in recs if r.doc_id == doc])
    (root / "acronyms.json").write_text(json.dumps({"RTT": ["referral to treatment"]}))
    return root


def ids(result: SearchResult) -> list[str]:
    return [h["passage_id"] for h in result.hits]


def found(index_dir: Path, query: str, **kw: object) -> list[str]:
    return sorted(ids(search(index_dir, query, **kw)))


def test_title_weighted_ranking(index_dir: Path) -> None:
    result = search(index_dir, "capital regime")
    assert ids(result) == ["d1-passage1", "d2-passage1"]
    assert result.total == 2
    assert result.hits[0]["score"] > result.hits[1]["score"]


def test_hit_shape(index_dir: Path) -> None:
    hit = search(index_dir, "capital regime").hits[0]
    assert list(hit) == [
        "passage_id",
        "doc_id",
        "doc_title",
        "doc_org",
        "doc_path",
        "page",
        "score",
        "text",
        "highlights",
        "kinds",
        "themes",
    ]
    assert hit["doc_title"] == "Capital funding in the NHS"
    assert hit["doc_org"] == "National Audit Office"
    assert hit["doc_path"] == "inquiry/d1.pdf"
    assert hit["page"] == 3
    assert hit["kinds"] == ["claim"]
    assert hit["themes"] == ["capital"]
    assert hit["highlights"] == [
        "The «capital regime» is too complex: trusts cannot plan maintenance because «capital»"
        " allocations arrive late."
    ]


def test_highlight_markers_for_terminal_and_json(index_dir: Path) -> None:
    result = search(index_dir, "NHSE")
    frag = result.hits[0]["highlights"][0]
    assert (
        frag == "«NHS England» should publish multi-year capital budgets by April 2024."
    )
    assert marked_pieces(frag) == [
        ("NHS England", True),
        (" should publish multi-year capital budgets by April 2024.", False),
    ]
    assert (
        strip_marks(frag)
        == "NHS England should publish multi-year capital budgets by April 2024."
    )
    assert result.json_hits()[0]["highlights"] == [strip_marks(frag)]
    assert search(index_dir, "NHSE", highlight=False).hits[0]["highlights"] == []


def test_acronym_and_expansion_find_each_other(index_dir: Path) -> None:
    assert found(index_dir, "NHSE") == ["d1-passage2", "d2-passage1"]
    assert found(index_dir, "NHS England") == ["d1-passage2", "d2-passage1"]
    assert found(index_dir, '"NHS England"') == ["d1-passage2", "d2-passage1"]
    assert found(index_dir, "ICB") == ["d2-passage2", "d3-passage1"]
    assert found(index_dir, "integrated care board") == ["d2-passage2", "d3-passage1"]
    assert found(index_dir, "DHSC") == ["d3-passage3"]
    assert found(index_dir, "PAC") == ["d3-passage3"]


def test_acronyms_the_corpus_defines(index_dir: Path, tmp_path: Path) -> None:
    ix = PassageIndex(tmp_path)
    with ix.writer() as w:
        w.replace_document(
            "x",
            [
                IndexRecord(
                    "x-1",
                    "x",
                    "Referral to treatment waits grew.",
                    None,
                    None,
                    "T",
                    None,
                    "x.txt",
                    None,
                    None,
                    None,
                    (),
                    (),
                    (),
                )
            ],
        )
    assert found(tmp_path, "RTT") == []
    (tmp_path / "acronyms.json").write_text(
        json.dumps({"RTT": ["referral to treatment"]})
    )
    assert found(tmp_path, "RTT") == ["x-1"]


def test_stemming(index_dir: Path) -> None:
    assert found(index_dir, "recommendations") == [
        "d2-passage2",
        "d3-passage1",
        "d3-passage3",
    ]
    assert found(index_dir, "store") == ["d2-passage3", "d3-passage1", "d3-passage2"]
    assert found(index_dir, '"recommendations"') == [
        "d3-passage1"
    ]  # quoted: as written


def test_phrase_keeps_stop_words(index_dir: Path) -> None:
    assert found(index_dir, '"store the"') == ["d2-passage3"]
    assert found(index_dir, '"capital regime"') == ["d1-passage1"]
    assert found(index_dir, '"regime capital"') == []


def test_filters_in_query(index_dir: Path) -> None:
    assert found(index_dir, "capital kind:recommendation") == ["d1-passage2"]
    assert found(index_dir, "kind:recommendations") == ["d1-passage2", "d2-passage2"]
    assert found(index_dir, "capital source:nao") == ["d1-passage1", "d1-passage2"]
    assert found(index_dir, "councils source:LGA") == [
        "d2-passage1",
        "d2-passage2",
        "d2-passage3",
    ]
    assert found(index_dir, 'capital type:"written evidence"') == ["d2-passage1"]
    assert found(index_dir, "theme:workforce") == [
        "d1-passage3",
        "d3-passage1",
        "d3-passage2",
    ]
    assert found(index_dir, "capital year:2022..2023") == [
        "d1-passage1",
        "d1-passage2",
        "d2-passage1",
    ]
    assert found(index_dir, "capital year:2022") == ["d2-passage1"]
    assert found(index_dir, "year:2021 recommendation") == [
        "d3-passage1",
        "d3-passage3",
    ]
    assert found(index_dir, "ref:ics002") == [
        "d2-passage1",
        "d2-passage2",
        "d2-passage3",
    ]
    assert found(index_dir, "type:written-evidence councils") == [
        "d2-passage1",
        "d2-passage2",
        "d2-passage3",
    ]
    assert found(index_dir, "mentions:nhse") == ["d1-passage2", "d2-passage1"]
    assert found(index_dir, "mentions:DLUHC") == ["d2-passage1"]
    assert found(
        index_dir, 'mentions:"department for levelling up, housing and communities"'
    ) == ["d2-passage1"]
    assert found(index_dir, "mentions:dhsc OR mentions:pac") == ["d3-passage3"]


def test_filters_as_arguments(index_dir: Path) -> None:
    assert found(index_dir, "capital", kind="recommendation") == ["d1-passage2"]
    assert found(index_dir, "capital", source="National Audit Office") == [
        "d1-passage1",
        "d1-passage2",
    ]
    assert found(index_dir, "capital", source="nao", year="2023") == [
        "d1-passage1",
        "d1-passage2",
    ]
    assert found(index_dir, "capital", doc_type="written evidence") == ["d2-passage1"]
    assert found(index_dir, "capital", year=2021) == []
    assert found(index_dir, "staff OR councils", theme="social-care") == [
        "d2-passage1",
        "d2-passage2",
    ]


def test_prefix_and_fuzzy(index_dir: Path) -> None:
    assert found(index_dir, "recruit*") == ["d1-passage3"]
    assert found(index_dir, "vacanc*") == ["d3-passage2"]
    assert found(index_dir, "workfroce~") == ["d1-passage3"]
    assert search(index_dir, "workfroce~").hits[0]["highlights"] == [
        "The «workforce» plan sets out the recruitment of 50,000 nurses."
    ]


def test_boolean_operators(index_dir: Path) -> None:
    assert found(index_dir, "nurses OR vacancies") == ["d1-passage3", "d3-passage2"]
    assert found(index_dir, "(nurses OR vacancies) NOT rose") == ["d1-passage3"]
    assert found(index_dir, "councils NOT (store OR budgets)") == ["d2-passage1"]
    assert found(index_dir, "capital AND regime") == ["d1-passage1", "d2-passage1"]
    assert found(index_dir, "NOT capital") == [
        "d1-passage3",
        "d2-passage2",
        "d2-passage3",
        "d3-passage1",
        "d3-passage2",
        "d3-passage3",
    ]
    # the title only ranks: a passage must say the words itself
    assert found(index_dir, "nurses capital") == []


def test_did_you_mean(index_dir: Path) -> None:
    result = search(index_dir, "workfroce")
    assert (result.total, result.hits, result.suggestion) == (0, [], "workforce")
    assert search(index_dir, "workfroce plan").suggestion == "workforce plan"
    assert search(index_dir, "capital nurses").suggestion is None
    assert search(index_dir, "workforce").suggestion is None


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", 'empty query: give at least one word, "phrase" or field:value'),
        ("   ", 'empty query: give at least one word, "phrase" or field:value'),
        (
            '"capital regime',
            'unbalanced quotes in query: close the phrase with " or remove the stray "',
        ),
        ("(capital OR revenue", 'unbalanced parentheses in query: add the missing ")"'),
        (
            "capital)",
            'unbalanced parentheses in query: remove the extra ")" or add the missing "("',
        ),
        (
            "NOT",
            "the query is only an operator (NOT): add words for it to join,"
            ' e.g. "capital OR revenue", "capital NOT revenue"',
        ),
        (
            "AND OR",
            "the query is only an operator (AND OR): add words for it to join,"
            ' e.g. "capital OR revenue", "capital NOT revenue"',
        ),
        (
            "author:nao capital",
            'unknown field "author:" in query: use one of kind, mentions, ref,'
            " source, theme, type, year, or put the words in quotes to search"
            " for them as text",
        ),
        (
            "kind:banana",
            'unknown kind "banana": use one of figure, recommendation, claim, quote',
        ),
        ("year:23", 'bad year "23": write year:2023 or a range, year:2022..2023'),
        (
            "year:2024..2020",
            'bad year range "2024..2020": put the earlier year first, e.g. 2020..2024',
        ),
    ],
)
def test_bad_input(index_dir: Path, query: str, message: str) -> None:
    with pytest.raises(QueryError) as err:
        search(index_dir, query)
    assert str(err.value) == message


def test_bad_argument_filter(index_dir: Path) -> None:
    with pytest.raises(QueryError, match='^unknown kind "figures2"'):
        search(index_dir, "capital", kind="figures2")
    with pytest.raises(QueryError, match="^bad limit 0"):
        search(index_dir, "capital", limit=0)


@pytest.mark.parametrize(
    ("query", "note", "expected"),
    [
        (
            "capital OR",
            'a dangling "OR"',
            ["d1-passage1", "d1-passage2", "d2-passage1"],
        ),
        ("AND capital regime", 'a dangling "AND"', ["d1-passage1", "d2-passage1"]),
        (
            "capital NOT",
            'a dangling "NOT"',
            ["d1-passage1", "d1-passage2", "d2-passage1"],
        ),
        ("capital () regime", "empty parentheses", ["d1-passage1", "d2-passage1"]),
        (
            "capital kind:",
            '"kind:" with no value',
            ["d1-passage1", "d1-passage2", "d2-passage1"],
        ),
        ("*", 'a wildcard "*" (write at least two letters before *)', None),
    ],
)
def test_fallback_to_plain_words(
    index_dir: Path, query: str, note: str, expected: list[str] | None
) -> None:
    if expected is None:
        with pytest.raises(QueryError, match="^nothing to search for"):
            search(index_dir, query)
        return
    result = search(index_dir, query)
    assert sorted(ids(result)) == expected
    assert result.fallback_note is not None
    assert result.fallback_note.startswith(
        f"could not read the query as written ({note}); searched for the plain words: "
    )


def test_fallback_keeps_only_the_words_of_what_still_looks_like_syntax(
    index_dir: Path,
) -> None:
    result = search(index_dir, "capital {~1")
    assert result.fallback_note == (
        'could not read the query as written (an unreadable term "{~1");'
        " searched for the plain words: capital 1"
    )


def test_group_by_document(index_dir: Path) -> None:
    result = search(
        index_dir, "capital OR councils OR recommendation", group=True, limit=2
    )
    assert result.groups is not None
    assert [g["doc_id"] for g in result.groups] == ["d1", "d2"]
    assert [g["score"] for g in result.groups] == [
        result.hits[0]["score"],
        result.hits[2]["score"],
    ]
    assert [[h["passage_id"] for h in g["passages"]] for g in result.groups] == [
        ["d1-passage1", "d1-passage2"],
        ["d2-passage2", "d2-passage1", "d2-passage3"],
    ]
    assert ids(result) == [
        "d1-passage1",
        "d1-passage2",
        "d2-passage2",
        "d2-passage1",
        "d2-passage3",
    ]
    assert result.total == 7


def test_limit_and_deterministic_order(index_dir: Path) -> None:
    first = search(index_dir, "capital OR councils", limit=3)
    assert first.total == 5
    assert len(first.hits) == 3
    assert search(index_dir, "capital OR councils", limit=3).hits == first.hits


def test_no_index_yet(tmp_path: Path) -> None:
    with pytest.raises(StoreError) as err:
        search(tmp_path, "capital")
    assert str(err.value) == f"no index in {tmp_path}"
    assert err.value.hint == "run `evidence ingest FOLDER` first"


def test_total_counts_every_match_whatever_the_limit(index_dir: Path) -> None:
    for limit in (1, 3, 5, 10):
        result = search(index_dir, "capital OR councils", limit=limit)
        assert (result.total, len(result.hits)) == (5, min(limit, 5))


def test_search_import_path_stays_light() -> None:
    import subprocess
    import sys

    code = (
        "import sys, evidence.search; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'spacy', 'sklearn', 'scipy'}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout == "[]\n"


def test_filters_with_phrases_and_prefixes(index_dir: Path) -> None:
    # no plain word to rank by title: the filter alone carries the score
    assert found(index_dir, '"capital regime" kind:claim') == ["d1-passage1"]
    assert found(index_dir, "capit* year:2022..2023 source:nao") == [
        "d1-passage1",
        "d1-passage2",
    ]
    assert found(index_dir, "kind:figure year:2021..2023") == [
        "d1-passage2",
        "d1-passage3",
        "d3-passage2",
    ]


def test_deep_nesting_is_one_line_error_not_a_crash(index_dir: Path) -> None:
    from click.testing import CliRunner

    from evidence.cli import cli

    deep = "(" * 330 + "capital" + ")" * 330
    result = CliRunner().invoke(cli, ["--index-dir", str(index_dir), "search", deep])
    assert (result.exit_code, result.stderr) == (
        2,
        "Error: query too deeply nested (more than 50 levels of parentheses): shorten it\n",
    )
    assert ids(search(index_dir, "(" * 50 + "capital regime" + ")" * 50)) == [
        "d1-passage1",
        "d2-passage1",
    ]


def test_a_thousand_nots_are_counted_not_recursed(index_dir: Path) -> None:
    assert found(index_dir, "regime " + "NOT " * 1000 + "capital") == [
        "d1-passage1",
        "d2-passage1",
    ]
    assert found(index_dir, "regime " + "NOT " * 999 + "capital") == []
    assert found(index_dir, "NOT " * 1000 + "capital") == found(index_dir, "capital")


def test_too_many_fuzzy_terms_is_refused(index_dir: Path) -> None:
    from evidence.search import MAX_FUZZY_TERMS

    assert MAX_FUZZY_TERMS == 16
    assert found(index_dir, " OR ".join(["capitol~"] * 16)) == [
        "d1-passage1",
        "d1-passage2",
        "d2-passage1",
    ]
    with pytest.raises(QueryError) as err:
        search(index_dir, " ".join(f"wrd{i}~" for i in range(900)))
    assert (
        str(err.value)
        == "too many fuzzy~ terms in query (at most 16): remove the ~ from some words"
    )


def test_did_you_mean_looks_up_at_most_eight_unknown_words(
    index_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from evidence.index import IndexSearcher

    looked_up: list[tuple[str, int]] = []
    real = IndexSearcher.similar_words

    def counted(self: IndexSearcher, word: str, maxdist: int) -> list[tuple[str, int]]:
        looked_up.append((word, maxdist))
        return real(self, word, maxdist)

    monkeypatch.setattr(IndexSearcher, "similar_words", counted)
    query = "workfroce " + " ".join(f"qzxv{i:03d}" for i in range(900))
    result = search(index_dir, query)
    assert (result.total, result.suggestion) == (0, None)
    # the first eight unknown words (corrected right to left), each tried at distance 1 then 2
    assert looked_up == [
        (f"qzxv{i:03d}", d) for i in range(6, -1, -1) for d in (1, 2)
    ] + [("workfroce", 1), ("workfroce", 2)]
    looked_up.clear()
    assert search(index_dir, "workfroce plan").suggestion == "workforce plan"
