"""Recommendations: each form of issue 4 with its exact actor, target and action, and the not-forms."""

from __future__ import annotations

from typing import Any

import pytest

from evidence.nlp.pipeline import findings_from_doc, make_docs


def recs(
    nlp, passages: list[str | tuple[str, dict[str, Any]]], doc_org: str | None = None
) -> list[dict[str, Any]]:
    """Recommendation findings over passages of one document, in order."""
    items = [
        (p, {"kind": "paragraph", "heading": None}) if isinstance(p, str) else p
        for p in passages
    ]
    context = {"doc_org": doc_org, "doc_title": None, "doc_type": None}
    out = []
    for doc in nlp.pipe(make_docs(nlp, items, context)):
        out += [
            {"text": f.text, **f.data}
            for f in findings_from_doc(doc)
            if f.kind == "recommendation"
        ]
    return out


def triples(found: list[dict[str, Any]]) -> list[tuple[Any, Any]]:
    return [(f["actor"], f["target"]) for f in found]


def test_nao_recommends_that(nlp):
    found = recs(
        nlp,
        [
            "11 The NAO recommends that DHSC works with departments across government to agree what success looks like."
        ],
        "National Audit Office",
    )
    assert found == [
        {
            "text": "11 The NAO recommends that DHSC works with departments across government to agree what success looks like.",
            "actor": "National Audit Office",
            "target": "Department of Health and Social Care",
            "action": "work with departments across government to agree what success looks like",
        }
    ]


def test_should_then_it_should_carries_the_target(nlp):
    found = recs(
        nlp,
        [
            "DHSC should also publish an assessment of the reporting burden on ICBs.",
            "It should then publish a plan to remove duplicate requirements.",
        ],
        "National Audit Office",
    )
    assert triples(found) == [
        ("National Audit Office", "Department of Health and Social Care"),
        ("National Audit Office", "Department of Health and Social Care"),
    ]
    assert [f["action"] for f in found] == [
        "publish an assessment of the reporting burden on ICBs",
        "publish a plan to remove duplicate requirements",
    ]


def test_we_call_on_the_government_takes_the_author_as_actor(nlp):
    found = recs(
        nlp,
        [
            "We call on the government to develop a long-term funding settlement for social care."
        ],
        "Local Government Association",
    )
    assert found == [
        {
            "text": "We call on the government to develop a long-term funding settlement for social care.",
            "actor": "Local Government Association",
            "target": "government",
            "action": "develop a long-term funding settlement for social care",
        }
    ]


def test_we_urge(nlp):
    found = recs(
        nlp,
        [
            "We urge NHS England to give systems capital allocations covering several years."
        ],
        "The Nuffield Trust",
    )
    assert triples(found) == [("The Nuffield Trust", "NHS England")]
    assert (
        found[0]["action"] == "give systems capital allocations covering several years"
    )


def test_two_bodies_need_to_keeps_both_targets(nlp):
    found = recs(
        nlp,
        ["NHSE and DHSC need to put realistic objectives in place."],
        "The Nuffield Trust",
    )
    assert found == [
        {
            "text": "NHSE and DHSC need to put realistic objectives in place.",
            "actor": "The Nuffield Trust",
            "target": "NHS England; Department of Health and Social Care",
            "action": "put realistic objectives in place",
        }
    ]


def test_there_is_a_need_for_has_no_target(nlp):
    found = recs(
        nlp,
        ["There is a need for a fully costed workforce plan."],
        "Royal College of Nursing",
    )
    assert found == [
        {
            "text": "There is a need for a fully costed workforce plan.",
            "actor": "Royal College of Nursing",
            "target": None,
            "action": "a fully costed workforce plan",
        }
    ]


def test_numbered_committee_recommendation(nlp):
    found = recs(
        nlp,
        [
            ("Conclusions and recommendations", {"kind": "heading", "heading": None}),
            (
                "Recommendation 3: NHS England must publish the workforce plan by May 2023.",
                {"kind": "list_item", "heading": "Conclusions and recommendations"},
            ),
        ],
        "Health and Social Care Committee",
    )
    assert triples(found) == [("Health and Social Care Committee", "NHS England")]
    assert found[0]["action"] == "publish the workforce plan by May 2023"


def test_list_after_leaders_want_to_see(nlp):
    found = recs(
        nlp,
        [
            (
                "Council leaders are positive. But leaders want to see:",
                {"kind": "list_item", "heading": "Views"},
            ),
            (
                "a genuine say over how NHS money is spent;",
                {"kind": "list_item", "heading": "Views"},
            ),
            (
                "an end to short-term funding pots.",
                {"kind": "list_item", "heading": "Views"},
            ),
            (
                "Discharge funding shows the problem. It came late.",
                {"kind": "list_item", "heading": "Views"},
            ),
        ],
        "Local Government Association",
    )
    assert [(f["text"], f["actor"], f["target"], f["action"]) for f in found] == [
        (
            "a genuine say over how NHS money is spent;",
            "Local Government Association",
            None,
            "a genuine say over how NHS money is spent",
        ),
        (
            "an end to short-term funding pots.",
            "Local Government Association",
            None,
            "an end to short-term funding pots",
        ),
    ]


def test_list_after_body_should_is_one_recommendation(nlp):
    # "X should:" and its items are one sentence: one recommendation, on the introduction.
    found = recs(
        nlp,
        [
            "The Health Foundation believes NHS England should:",
            (
                "publish a primary care estates plan;",
                {"kind": "list_item", "heading": None},
            ),
            ("fund it properly.", {"kind": "list_item", "heading": None}),
        ],
        "The Health Foundation",
    )
    assert [(f["text"], f["actor"], f["target"], f["action"]) for f in found] == [
        (
            "The Health Foundation believes NHS England should:",
            "The Health Foundation",
            "NHS England",
            None,
        ),
    ]


def test_list_after_we_ask_that_makes_each_item_a_recommendation(nlp):
    found = recs(
        nlp,
        [
            "Nurses are under-represented in system governance. We ask that:",
            (
                "NHS England strengthens its guidance on partnership membership.",
                {"kind": "list_item", "heading": None},
            ),
            (
                "Each system publishes its nursing workforce plan.",
                {"kind": "list_item", "heading": None},
            ),
        ],
        "Royal College of Nursing",
    )
    assert [(f["actor"], f["target"], f["action"]) for f in found] == [
        (
            "Royal College of Nursing",
            "NHS England",
            "strengthen its guidance on partnership membership",
        ),
        (
            "Royal College of Nursing",
            "integrated care systems",
            "publish its nursing workforce plan",
        ),
    ]


def test_quote_that_urges_action_has_the_speakers_body_as_actor(nlp):
    found = recs(
        nlp,
        [
            "Miriam Ashworth, director of policy at NHS Providers, said: “The government must now give trusts a multi-year capital settlement.”"
        ],
        "The King's Fund",
    )
    assert triples(found) == [("NHS Providers", "government")]
    assert found[0]["action"] == "give trusts a multi-year capital settlement"


@pytest.mark.parametrize(
    "text",
    [
        "Each ICB must have 10 mandatory members.",
        "Should NHS England publish a shorter list of targets?",
        "ICBs would need to find savings from their running costs.",
        "NHS England asked ICBs in 2023 to cut their running costs.",
        "It should be noted that DHSC has accepted most of these points.",
        "DHSC should have published the plan two years ago.",
        "The Government accepts this recommendation and NHS England should report by June.",
    ],
)
def test_not_recommendations(nlp, text):
    assert recs(nlp, [text], "National Audit Office") == []


def test_free_text_without_context(nlp):
    doc = nlp("The Department of Health and Social Care should publish its plan.")
    found = [f.data for f in findings_from_doc(doc) if f.kind == "recommendation"]
    assert found == [
        {
            "actor": None,
            "target": "Department of Health and Social Care",
            "action": "publish its plan",
        }
    ]


def test_named_local_body_keeps_its_full_name(nlp):
    found = recs(
        nlp,
        [
            "We call on Hartleydale and Westmoor Integrated Care Board to publish what it has changed."
        ],
        "Healthwatch Hartleydale",
    )
    assert triples(found) == [
        ("Healthwatch Hartleydale", "Hartleydale and Westmoor Integrated Care Board")
    ]


@pytest.mark.parametrize(
    ("text", "target", "action"),
    [
        (
            "If the government wants ICSs to succeed, it should give them time.",
            "government",
            "give them time",
        ),
        (
            "We recommend that NHS England and DHSC set out a clear timetable.",
            "NHS England; Department of Health and Social Care",
            "set out a clear timetable",
        ),
        (
            "We ask that the CQC reviews how it assesses systems.",
            "Care Quality Commission",
            "review how it assesses systems",
        ),
        (
            "It is vital that NHS England gives systems more freedom.",
            "NHS England",
            "give systems more freedom",
        ),
        (
            "NHS England should, as a priority, review the capital regime.",
            "NHS England",
            "review the capital regime",
        ),
        (
            "In our view, the Treasury ought to allow multi-year settlements.",
            "HM Treasury",
            "allow multi-year settlements",
        ),
        (
            "Every system should publish how it will keep a non-digital route into general practice.",
            "integrated care systems",
            "publish how it will keep a non-digital route into general practice",
        ),
    ],
)
def test_more_forms(nlp, text, target, action):
    assert [
        (f["actor"], f["target"], f["action"])
        for f in recs(nlp, [text], "The King's Fund")
    ] == [("The King's Fund", target, action)]


@pytest.mark.parametrize(
    "text",
    [
        "These figures should be treated with caution.",
        "This should help to reduce waiting times.",
        "We must all live within our means.",
        "We will publish a workforce plan in the spring.",
        "The exercise will be completed, should the funding become available.",
    ],
)
def test_more_not_forms(nlp, text):
    assert recs(nlp, [text], "The King's Fund") == []


def test_government_response_restates_the_committees_recommendations(nlp):
    items = [
        (
            "Recommendation 3: NHS England should publish the workforce plan.",
            {"kind": "list_item", "heading": "Workforce"},
        ),
        (
            "The Government accepts this recommendation.",
            {"kind": "paragraph", "heading": "Workforce"},
        ),
    ]
    context = {
        "doc_org": "Department of Health and Social Care",
        "doc_title": "Government response to the Health and Social Care Committee report on integrated care systems",
        "doc_type": "government response",
    }
    found = [
        f.data
        for doc in nlp.pipe(make_docs(nlp, items, context))
        for f in findings_from_doc(doc)
        if f.kind == "recommendation"
    ]
    assert found == [
        {
            "actor": "Health and Social Care Committee",
            "target": "NHS England",
            "action": "publish the workforce plan",
        }
    ]


@pytest.mark.parametrize(
    ("text", "actor", "target", "action"),
    [
        (
            "In 2021 the PAC said that DHSC should publish a workforce plan.",
            "Public Accounts Committee",
            "Department of Health and Social Care",
            "publish a workforce plan",
        ),
        (
            "NHS England said that ICBs should publish their plans.",
            "NHS England",
            "integrated care boards",
            "publish their plans",
        ),
        (
            "The committee has previously called on the government to publish a plan.",
            "committee",
            "government",
            "publish a plan",
        ),
        (
            "ICBs will need to find savings from their running costs.",
            "The King's Fund",
            "integrated care boards",
            "find savings from their running costs",
        ),
        (
            "ICSs must make savings of £5.7 billion in 2022-23.",
            "The King's Fund",
            "integrated care systems",
            "make savings of £5.7 billion in 2022-23",
        ),
    ],
)
def test_reported_and_guidance_forms(nlp, text, actor, target, action):
    assert [
        (f["actor"], f["target"], f["action"])
        for f in recs(nlp, [text], "The King's Fund")
    ] == [(actor, target, action)]


def test_must_in_a_findings_section_states_a_rule(nlp):
    found = recs(
        nlp,
        [
            ("Key findings", {"kind": "heading", "heading": None}),
            (
                "Systems must stay within a capital limit set nationally.",
                {"kind": "paragraph", "heading": "Key findings"},
            ),
        ],
        "National Audit Office",
    )
    assert found == []
