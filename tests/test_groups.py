"""Cross-source groups of findings and conflicting figures."""

from __future__ import annotations

import pytest

from evidence.themes.groups import figure_conflicts, group_findings


def rec(fid: str, doc: str, text: str) -> dict:
    return {
        "id": fid,
        "kind": "recommendation",
        "text": text,
        "doc_id": doc,
        "doc_org": doc.upper(),
    }


def fig(fid: str, doc: str, text: str, value: float, measure: str, **extra) -> dict:
    base = {
        "id": fid,
        "kind": "figure",
        "text": text,
        "doc_id": doc,
        "doc_org": doc.upper(),
        "value": value,
        "unit": "GBP",
        "figure_kind": "money",
        "measure": measure,
        "period": None,
        "qualifier": None,
        "value_max": None,
    }
    base.update(extra)
    return base


FINDINGS = [
    rec(
        "r1",
        "lga",
        "The Government should publish a fully funded workforce plan for adult social care.",
    ),
    rec(
        "r2",
        "adass",
        "We urge ministers to publish a properly funded adult social care workforce plan.",
    ),
    rec(
        "r3",
        "kings",
        "NHS England should reduce the number of national targets it sets for systems.",
    ),
    rec(
        "r4",
        "nao",
        "The Department should clarify how capital budgets are allocated between systems.",
    ),
    rec(
        "r5",
        "lga",
        "Ministers must publish a funded workforce plan covering adult social care.",
    ),
    fig(
        "f1",
        "nao",
        "Systems must deliver £5.7 billion of efficiency savings in 2024/25.",
        5.7e9,
        "efficiency savings",
    ),
    fig(
        "f2",
        "confed",
        "Leaders doubt the £5.7 billion savings target can be met.",
        5.7e9,
        "savings target",
    ),
    fig(
        "f3",
        "kings",
        "A further £5.7 billion was spent on agency staff.",
        5.7e9,
        "agency staff",
    ),
]


def test_paraphrases_from_different_documents_form_one_group():
    groups = group_findings(FINDINGS)
    assert groups == [["f1", "f2"], ["r1", "r2", "r5"]]


def test_group_output_ignores_input_order():
    assert group_findings(list(reversed(FINDINGS))) == group_findings(FINDINGS)


def test_same_document_alone_is_not_a_group():
    same_doc = [
        rec(
            "a",
            "lga",
            "The Government should publish a fully funded workforce plan for adult social care.",
        ),
        rec(
            "b",
            "lga",
            "The Government should publish a fully funded workforce plan for adult social care.",
        ),
    ]
    assert group_findings(same_doc) == []


def test_different_kinds_never_group():
    claim = dict(FINDINGS[0], id="c1", kind="claim", doc_id="other")
    assert group_findings([FINDINGS[0], claim]) == []


def test_conflicting_figures_for_the_same_measure():
    findings = [
        fig(
            "a",
            "nao",
            "Systems must find £5.7 billion of efficiency savings in 2024/25.",
            5.7e9,
            "efficiency savings",
            period="2024/25",
        ),
        fig(
            "b",
            "confed",
            "Systems face £4.9 billion of efficiency savings this year.",
            4.9e9,
            "efficiency savings",
            period="2024-25",
        ),
        fig(
            "c",
            "kings",
            "Efficiency savings of £3 billion were made in 2019/20.",
            3e9,
            "efficiency savings",
            period="2019/20",
        ),
        fig(
            "d",
            "lga",
            "Over £5 billion of efficiency savings are needed.",
            5e9,
            "efficiency savings",
            qualifier="over",
        ),
        fig("e", "nao", "The capital budget is £4.9 billion.", 4.9e9, "capital budget"),
        fig(
            "f",
            "hsj",
            "Around £5.5 billion of efficiency savings.",
            5.5e9,
            "efficiency savings",
            qualifier="around",
        ),
    ]
    # a/b: same measure, overlapping years, different values.
    # a/c and b/c: periods do not overlap. d ("over £5bn") is consistent with
    # a and f but not with b (£4.9bn). e measures something else. f (around
    # £5.5bn, +/- 5%) reaches 5.775bn, so it allows a's 5.7bn but not b's.
    # c has a known period and d/f none, so those are compared too.
    assert figure_conflicts(findings) == [
        ("a", "b"),
        ("b", "d"),
        ("b", "f"),
        ("c", "d"),
        ("c", "f"),
    ]


def test_same_document_and_unit_mismatch_are_not_conflicts():
    findings = [
        fig(
            "a",
            "nao",
            "Nurse vacancies stood at 100,000.",
            100000,
            "nurse vacancies",
            unit=None,
            figure_kind="count",
        ),
        fig(
            "b",
            "nao",
            "Nurse vacancies stood at 120,000.",
            120000,
            "nurse vacancies",
            unit=None,
            figure_kind="count",
        ),
        fig(
            "c",
            "rcn",
            "Nurse vacancies were 12% of posts.",
            12.0,
            "nurse vacancies",
            unit="%",
            figure_kind="percent",
        ),
        fig(
            "d",
            "rcn",
            "Nurse vacancies reached 110,000.",
            110000,
            "nurse vacancies",
            unit=None,
            figure_kind="count",
        ),
    ]
    assert figure_conflicts(findings) == [("a", "d"), ("b", "d")]


def test_equal_figures_with_the_same_measure_group_despite_different_wording():
    findings = [
        fig(
            "n1",
            "nao",
            "Systems were asked to deliver efficiency savings of £5.7 billion in 2022-23.",
            5.7e9,
            "savings",
            period="2022-23",
        ),
        fig(
            "t1",
            "nuffield",
            "ICSs were expected to find savings of £5.7bn in 2022-23, a rare level.",
            5.7e9,
            "savings",
            period="2022-23",
        ),
        fig(
            "x1",
            "kings",
            "Savings of £5.7 billion were made in 2015/16 by trusts.",
            5.7e9,
            "savings",
            period="2015/16",
        ),
        fig("y1", "lga", "A £5.7 billion pot was announced for roads.", 5.7e9, "pot"),
    ]
    # x1 has the same value and measure but another year; y1 another measure.
    assert group_findings(findings) == [["n1", "t1"]]


def test_generic_measures_need_sentence_agreement_to_conflict():
    def people(fid: str, doc: str, text: str, value: float, surface: str) -> dict:
        return fig(
            fid,
            doc,
            text,
            value,
            "people",
            unit=None,
            figure_kind="count",
            surface=surface,
        )

    findings = [
        people(
            "a",
            "hf",
            "More than 30 million people now have an NHS App account.",
            3e7,
            "30 million",
        ),
        people(
            "b",
            "nao",
            "The NHS employs around 1.5 million people.",
            1.5e6,
            "1.5 million",
        ),
        people(
            "c",
            "ww",
            "We heard from 2,400 local people about moving between services.",
            2400,
            "2,400",
        ),
        people(
            "d",
            "wm",
            "On an average day 86 people fit to leave hospital were still in a bed.",
            86,
            "86",
        ),
        people(
            "e",
            "hf2",
            "Around 25 million people have an NHS App account.",
            2.5e7,
            "25 million",
        ),
    ]
    # Only a and e count the same thing (NHS App accounts), and disagree.
    assert figure_conflicts(findings) == [("a", "e")]


def _pairwise_groups(findings: list[dict]) -> list[list[str]]:
    """Reference: every similar pair from different documents, joined into components."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    from evidence.themes.groups import TEXT_THRESHOLD, similar_index_pairs

    ordered = sorted(findings, key=lambda f: f["id"])
    i, j = similar_index_pairs([f["text"] for f in ordered], TEXT_THRESHOLD)
    keep = [
        k for k in range(len(i)) if ordered[i[k]]["doc_id"] != ordered[j[k]]["doc_id"]
    ]
    n = len(ordered)
    graph = coo_matrix(([1] * len(keep), (i[keep], j[keep])), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    members: dict[int, list[int]] = {}
    for row, label in enumerate(labels):
        members.setdefault(int(label), []).append(row)
    return sorted(
        sorted(ordered[r]["id"] for r in rows)
        for rows in members.values()
        if len({ordered[r]["doc_id"] for r in rows}) >= 2
    )


def _templated_claims(count: int, seed: int) -> list[dict]:
    """Sentences from a few word families that share no words, so several components form."""
    import random

    rng = random.Random(seed)
    families = [
        (
            ["Staff shortages", "Nurse vacancies"],
            ["limit", "constrain"],
            ["workforce plans", "rota cover", "training places"],
        ),
        (
            ["Capital limits", "Backlog maintenance"],
            ["delay", "stall"],
            ["new buildings", "estate repairs", "scanner purchases"],
        ),
        (
            ["Discharge delays", "Bed occupancy"],
            ["slow", "block"],
            ["hospital flow", "ambulance handover", "elective recovery"],
        ),
        (
            ["Prevention cuts", "Public health grants"],
            ["weaken", "erode"],
            ["smoking services", "obesity programmes"],
        ),
    ]
    out = []
    for n in range(count):
        subjects, verbs, objects = rng.choice(families)
        roll = rng.random()
        if roll < 0.1:
            text = "The of and."  # no content words at all
        elif roll < 0.2:
            text = f"Unique remark number {n} about {rng.choice(objects)} entirely."
        else:
            text = f"{rng.choice(subjects)} {rng.choice(verbs)} {rng.choice(objects)}."
        out.append(
            {
                "id": f"c{n:03d}",
                "kind": "claim",
                "text": text,
                "doc_id": f"d{rng.randrange(12)}",
            }
        )
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_class_groups_equal_every_pair_compared(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    import evidence.themes.groups as groups

    # tiny chunks and blocks, so rows are skipped once inside the largest component
    monkeypatch.setattr(groups, "_CHUNK", 3)
    monkeypatch.setattr(groups, "_ROW_BLOCK", 4)
    findings = _templated_claims(160, seed)
    expected = _pairwise_groups(findings)
    assert len(expected) >= 2
    assert group_findings(findings) == expected


def test_one_document_repeating_itself_joins_only_through_another() -> None:
    same = "Staff shortages limit what integrated care systems can do."
    findings = [
        {"id": "a1", "kind": "claim", "text": same, "doc_id": "a"},
        {"id": "a2", "kind": "claim", "text": same, "doc_id": "a"},
        {
            "id": "b1",
            "kind": "claim",
            "text": "Staff shortages limit what integrated care systems can achieve.",
            "doc_id": "b",
        },
        {"id": "c1", "kind": "claim", "text": "The of and.", "doc_id": "c"},
        {"id": "c2", "kind": "claim", "text": "The of and.", "doc_id": "d"},
    ]
    # a1 and a2 join b1 (another document); texts with no content words join nothing
    assert group_findings(findings) == [["a1", "a2", "b1"]]
    assert group_findings(findings[:2]) == []


def test_two_similar_sentences_of_one_document_are_not_joined() -> None:
    findings = [
        {"id": "u", "kind": "claim", "text": "Capital budgets stall.", "doc_id": "e"},
        {
            "id": "v",
            "kind": "claim",
            "text": "Capital budgets stall; rota cover gaps.",
            "doc_id": "e",
        },
        {"id": "w", "kind": "claim", "text": "Rota cover gaps.", "doc_id": "f"},
    ]
    # u and v are alike but from one document; v and w are alike across two
    assert group_findings(findings) == [["v", "w"]]


def test_conflict_summary_counts_up_to_a_cap_and_keeps_order() -> None:
    import numpy as np

    from evidence.themes.groups import FigureConflicts

    findings = [
        fig(
            f"x{n}",
            f"doc{n}",
            f"Systems must find £{n + 1} billion of efficiency savings.",
            (n + 1) * 1e9,
            "efficiency savings",
        )
        for n in range(6)
    ]
    every = figure_conflicts(findings)
    assert len(every) == 15 and every[:3] == [("x0", "x1"), ("x0", "x2"), ("x0", "x3")]
    finder = FigureConflicts(findings)
    assert list(finder.pairs()) == every
    assert finder.summary(np.ones(6, dtype=bool), 2, 100) == (every[:2], 15)
    # counting stops at the first figure whose pairs pass the cap
    assert finder.summary(np.ones(6, dtype=bool), 2, 6) == (every[:2], 9)
    only = np.array([False, True, True, False, True, False])
    assert finder.summary(only, 5, 100) == (
        [("x1", "x2"), ("x1", "x4"), ("x2", "x4")],
        3,
    )
