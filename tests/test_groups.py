"""Cross-source groups of findings and conflicting figures."""

from __future__ import annotations

from evidence.themes.groups import figure_conflicts, group_findings


def rec(fid: str, doc: str, text: str) -> dict:
    return {"id": fid, "kind": "recommendation", "text": text, "doc_id": doc, "doc_org": doc.upper()}


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
    rec("r1", "lga", "The Government should publish a fully funded workforce plan for adult social care."),
    rec("r2", "adass", "We urge ministers to publish a properly funded adult social care workforce plan."),
    rec("r3", "kings", "NHS England should reduce the number of national targets it sets for systems."),
    rec("r4", "nao", "The Department should clarify how capital budgets are allocated between systems."),
    rec("r5", "lga", "Ministers must publish a funded workforce plan covering adult social care."),
    fig("f1", "nao", "Systems must deliver £5.7 billion of efficiency savings in 2024/25.", 5.7e9, "efficiency savings"),
    fig("f2", "confed", "Leaders doubt the £5.7 billion savings target can be met.", 5.7e9, "savings target"),
    fig("f3", "kings", "A further £5.7 billion was spent on agency staff.", 5.7e9, "agency staff"),
]


def test_paraphrases_from_different_documents_form_one_group():
    groups = group_findings(FINDINGS)
    assert groups == [["f1", "f2"], ["r1", "r2", "r5"]]


def test_group_output_ignores_input_order():
    assert group_findings(list(reversed(FINDINGS))) == group_findings(FINDINGS)


def test_same_document_alone_is_not_a_group():
    same_doc = [
        rec("a", "lga", "The Government should publish a fully funded workforce plan for adult social care."),
        rec("b", "lga", "The Government should publish a fully funded workforce plan for adult social care."),
    ]
    assert group_findings(same_doc) == []


def test_different_kinds_never_group():
    claim = dict(FINDINGS[0], id="c1", kind="claim", doc_id="other")
    assert group_findings([FINDINGS[0], claim]) == []


def test_conflicting_figures_for_the_same_measure():
    findings = [
        fig("a", "nao", "Systems must find £5.7 billion of efficiency savings in 2024/25.", 5.7e9, "efficiency savings",
            period="2024/25"),
        fig("b", "confed", "Systems face £4.9 billion of efficiency savings this year.", 4.9e9, "efficiency savings",
            period="2024-25"),
        fig("c", "kings", "Efficiency savings of £3 billion were made in 2019/20.", 3e9, "efficiency savings",
            period="2019/20"),
        fig("d", "lga", "Over £5 billion of efficiency savings are needed.", 5e9, "efficiency savings",
            qualifier="over"),
        fig("e", "nao", "The capital budget is £4.9 billion.", 4.9e9, "capital budget"),
        fig("f", "hsj", "Around £5.5 billion of efficiency savings.", 5.5e9, "efficiency savings",
            qualifier="around"),
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
        fig("a", "nao", "Nurse vacancies stood at 100,000.", 100000, "nurse vacancies", unit=None, figure_kind="count"),
        fig("b", "nao", "Nurse vacancies stood at 120,000.", 120000, "nurse vacancies", unit=None, figure_kind="count"),
        fig("c", "rcn", "Nurse vacancies were 12% of posts.", 12.0, "nurse vacancies", unit="%",
            figure_kind="percent"),
        fig("d", "rcn", "Nurse vacancies reached 110,000.", 110000, "nurse vacancies", unit=None, figure_kind="count"),
    ]
    assert figure_conflicts(findings) == [("a", "d"), ("b", "d")]


def test_equal_figures_with_the_same_measure_group_despite_different_wording():
    findings = [
        fig("n1", "nao", "Systems were asked to deliver efficiency savings of £5.7 billion in 2022-23.", 5.7e9,
            "savings", period="2022-23"),
        fig("t1", "nuffield", "ICSs were expected to find savings of £5.7bn in 2022-23, a rare level.", 5.7e9,
            "savings", period="2022-23"),
        fig("x1", "kings", "Savings of £5.7 billion were made in 2015/16 by trusts.", 5.7e9, "savings",
            period="2015/16"),
        fig("y1", "lga", "A £5.7 billion pot was announced for roads.", 5.7e9, "pot"),
    ]
    # x1 has the same value and measure but another year; y1 another measure.
    assert group_findings(findings) == [["n1", "t1"]]


def test_generic_measures_need_sentence_agreement_to_conflict():
    def people(fid: str, doc: str, text: str, value: float, surface: str) -> dict:
        return fig(fid, doc, text, value, "people", unit=None, figure_kind="count", surface=surface)

    findings = [
        people("a", "hf", "More than 30 million people now have an NHS App account.", 3e7, "30 million"),
        people("b", "nao", "The NHS employs around 1.5 million people.", 1.5e6, "1.5 million"),
        people("c", "ww", "We heard from 2,400 local people about moving between services.", 2400, "2,400"),
        people("d", "wm", "On an average day 86 people fit to leave hospital were still in a bed.", 86, "86"),
        people("e", "hf2", "Around 25 million people have an NHS App account.", 2.5e7, "25 million"),
    ]
    # Only a and e count the same thing (NHS App accounts), and disagree.
    assert figure_conflicts(findings) == [("a", "e")]
