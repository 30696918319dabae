"""Claims: findings and judgements with exact attribution and hedging; headings and boilerplate are not claims."""

from __future__ import annotations

from typing import Any

import pytest

from evidence.nlp.pipeline import findings_from_doc, make_docs

Item = tuple[str, dict[str, Any]]


def para(text: str, heading: str | None = None) -> Item:
    return (text, {"kind": "paragraph", "heading": heading})


def claims(
    nlp, items: list[Item], doc_org: str | None = "National Audit Office"
) -> list[tuple[str, Any, bool]]:
    """(sentence, attributed_to, hedged) of every claim over the passages of one document."""
    out = []
    for doc in nlp.pipe(make_docs(nlp, items, {"doc_org": doc_org})):
        out += [
            (f.text, f.data["attributed_to"], f.data["hedged"])
            for f in findings_from_doc(doc)
            if f.kind == "claim"
        ]
    return out


def test_risk_statement_is_the_authors(nlp):
    text = "There is a high risk that ICSs will find it challenging to improve outcomes while recovering performance."
    assert claims(nlp, [para(text)]) == [(text, "National Audit Office", False)]


def test_evaluative_statement(nlp):
    text = "Over 20 years of reforms to join up care have translated into at best modest improvements."
    assert claims(nlp, [para(text)], "The King's Fund") == [
        (text, "The King's Fund", False)
    ]


def test_every_sentence_with_a_figure_is_a_claim(nlp):
    text = "Systems were asked to save £5.7 billion in 2022-23 from their budgets."
    assert claims(nlp, [para("The NHS began in 1948. " + text)]) == [
        (text, "National Audit Office", False)
    ]


def test_according_to_names_the_source(nlp):
    text = "According to the NAO, the reporting burden on ICBs has not fallen at all."
    assert claims(nlp, [para(text)], "The Nuffield Trust") == [
        (text, "National Audit Office", False)
    ]


def test_a_bodys_survey_found(nlp):
    text = "The NHS Confederation’s survey found strong support for the aims of the new systems."
    assert claims(nlp, [para(text)], "The King's Fund") == [
        (text, "NHS Confederation", False)
    ]


@pytest.mark.parametrize(
    ("text", "hedged"),
    [
        (
            "Evidence from abroad suggests that benefits take years to show in hospital use.",
            True,
        ),
        ("National control over local systems may creep back in a bad winter.", True),
        ("Partnership working appears to be stronger than before the reforms.", True),
        ("The financial position is likely to get worse before it gets better.", True),
        (
            "The board met in May and approved a deficit recovery plan for the year.",
            False,
        ),
    ],
)
def test_hedges(nlp, text, hedged):
    assert [h for _, _, h in claims(nlp, [para(text)])] == [hedged]


def test_claim_inside_a_quotation_is_the_speakers_bodys(nlp):
    text = "Priya Raman, director of policy at NHS Providers, said: “The risk is that prevention comes second again.”"
    found = claims(nlp, [para(text)], "The King's Fund")
    assert [(a, h) for _, a, h in found] == [("NHS Providers", False)]


def test_not_claims(nlp):
    items = [
        (
            "Workforce shortages are the biggest risk to systems",
            {"kind": "heading", "heading": None},
        ),
        para("Is there a risk that ICSs will fail to improve outcomes for patients?"),
        para(
            "We call on the government to fund a pay award that at least matches inflation of 10%."
        ),
        ("Notes to editors", {"kind": "heading", "heading": None}),
        (
            "The survey ran between 3 and 24 April 2023 and drew 742 responses.",
            {"kind": "list_item", "heading": "Notes to editors"},
        ),
        ("About us", {"kind": "heading", "heading": None}),
        para(
            "The NHS Confederation is the membership organisation for the whole healthcare system, with a strong voice.",
            "About us",
        ),
        ("Contact", {"kind": "heading", "heading": None}),
        para(
            "For more information contact the press office on 020 7946 0321 or press@example.org."
        ),
    ]
    assert claims(nlp, items, "NHS Confederation") == []


def test_boilerplate_paragraph_without_a_heading(nlp):
    items = [
        para(
            "About the Nuffield Trust: the Nuffield Trust is an independent health charity with 80 staff."
        )
    ]
    assert claims(nlp, items, "The Nuffield Trust") == []


def test_boilerplate_section_ends_at_the_next_heading(nlp):
    items = [
        ("Notes to editors", {"kind": "heading", "heading": None}),
        para("The survey had a response rate of 30% across the systems."),
        ("Findings", {"kind": "heading", "heading": None}),
        para(
            "Two-thirds of leaders said the cut of 30% would damage partnership work."
        ),
    ]
    assert claims(nlp, items, "NHS Confederation") == [
        (
            "Two-thirds of leaders said the cut of 30% would damage partnership work.",
            "NHS Confederation",
            False,
        ),
    ]
