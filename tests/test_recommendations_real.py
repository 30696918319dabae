"""Recommendations as real reports phrase them: the forms, speakers and addressees of issue 15.

Each fixture is a short passage written for this test in the project's own
words, laid out the way committee reports, audit reports, guidance and
government responses lay theirs out.
"""

from __future__ import annotations

from typing import Any

import pytest

from evidence.nlp.organisations import normalise_org
from evidence.nlp.pipeline import findings_from_doc, make_docs

Item = str | tuple[str, dict[str, Any]]


def recs(
    nlp,
    passages: list[Item],
    doc_org: str | None,
    doc_type: str | None = None,
    doc_title: str | None = None,
) -> list[tuple[Any, Any, Any]]:
    """(actor, target, action) of every recommendation over the passages of one document."""
    items = [
        (p, {"kind": "paragraph", "heading": None}) if isinstance(p, str) else p
        for p in passages
    ]
    context = {"doc_org": doc_org, "doc_title": doc_title, "doc_type": doc_type}
    out = []
    for doc in nlp.pipe(make_docs(nlp, items, context)):
        out += [
            (f.data["actor"], f.data["target"], f.data["action"])
            for f in findings_from_doc(doc)
            if f.kind == "recommendation"
        ]
    return out


@pytest.mark.parametrize(
    ("text", "target", "action"),
    [
        (
            "We invite the Government to explain why its labelling policy ignores the evidence.",
            "government",
            "explain why its labelling policy ignores the evidence",
        ),
        (
            "We urge ministers to publish the review before the summer recess.",
            "government",
            "publish the review before the summer recess",
        ),
        (
            "We call on the government to develop a ten-year plan for adult social care.",
            "government",
            "develop a ten-year plan for adult social care",
        ),
        (
            "Given the evidence, we recommend that the Government introduce a single labelling scheme.",
            "government",
            "introduce a single labelling scheme",
        ),
        (
            "We recommend further that the National Institute for Clinical Excellence should compile a list of approved services.",
            "National Institute for Health and Care Excellence",
            "compile a list of approved services",
        ),
        (
            "As the evidence shows, we strongly encourage the DfT to keep funding local bus routes.",
            "Department for Transport",
            "keep funding local bus routes",
        ),
        (
            "We have recommended that every system should publish its waiting-list data each month.",
            "integrated care systems",
            "publish its waiting-list data each month",
        ),
        (
            "Specifically, all areas should publish a local plan for winter discharge.",
            "all areas",
            "publish a local plan for winter discharge",
        ),
        (
            "We continue to call for a fully costed workforce plan.",
            None,
            "a fully costed workforce plan",
        ),
        (
            "The governments of the UK, Scotland, Wales and Northern Ireland should each simplify their resilience structures.",
            "governments of the UK, Scotland, Wales and Northern Ireland",
            "simplify their resilience structures",
        ),
        (
            "NHSE and DHSC should agree a shorter list of national targets.",
            "NHS England; Department of Health and Social Care",
            "agree a shorter list of national targets",
        ),
        (
            "ICBs, trusts and primary care providers must work together to balance the system budget.",
            "integrated care boards; NHS trusts; primary care providers",
            "work together to balance the system budget",
        ),
        (
            "Systems are expected to improve cancer waiting times by March.",
            "integrated care systems",
            "improve cancer waiting times by March",
        ),
        (
            "Shorten elective waits, with every trust expected to deliver a five point improvement.",
            "every trust",
            "deliver a five point improvement",
        ),
        (
            "Overall, this means NHS organisations will need to reduce their cost base.",
            "NHS organisations",
            "reduce their cost base",
        ),
        (
            "The plan should make clear how the money will reach general practice.",
            None,
            "make clear how the money will reach general practice",
        ),
        (
            "Where possible, data should be shared between partners.",
            None,
            "be shared between partners",
        ),
        (
            "We ask ICBs, in their role as strategic commissioners, to work with partner trusts.",
            "integrated care boards",
            "work with partner trusts",
        ),
        (
            "As a minimum all systems are expected to deliver a 30% reduction.",
            "integrated care systems",
            "deliver a 30% reduction",
        ),
        (
            "Rather than producing a new strategy, the Government should focus on delivery.",
            "government",
            "focus on delivery",
        ),
        (
            "The red teams should be brought in from outside government.",
            "red teams",
            "be brought in from outside government",
        ),
        (
            "The Government should hold an exercise every three years..........28",
            "government",
            "hold an exercise every three years",
        ),
        (
            "We encourage UKSA and UKRI to work towards aligned funding.",
            "UK Space Agency; UK Research and Innovation",
            "work towards aligned funding",
        ),
        (
            "Current spending should remain the floor for future settlements.",
            None,
            "remain the floor for future settlements",
        ),
        (
            "Any groups and committees retained to support the board should have a clear purpose.",
            "groups and committees",
            "have a clear purpose",
        ),
        (
            "Within a year of the creation of the new board, it should complete a review of its sub-committees.",
            "new board",
            "complete a review of its sub-committees",
        ),
        (
            "If effective measures cannot be agreed, the Government must legislate.",
            "government",
            "legislate",
        ),
        (
            "We will also continue to ask and support you to make the NHS a fairer place to work.",
            "you",
            "make the NHS a fairer place to work",
        ),
    ],
)
def test_the_authors_own_asks(nlp, text, target, action):
    assert recs(nlp, [text], "Northshire Select Committee") == [
        ("Northshire Select Committee", target, action)
    ]


def test_they_and_it_stand_for_the_last_body_named(nlp):
    passages = [
        "Local authorities hold the public health grant for their areas.",
        "They must also tackle pressures on ICSs from rising demand.",
        "As outlined below, they should have a role in planning discharge.",
    ]
    assert recs(nlp, passages, "The King's Fund") == [
        (
            "The King's Fund",
            "local authorities",
            "tackle pressures on ICSs from rising demand",
        ),
        ("The King's Fund", "local authorities", "have a role in planning discharge"),
    ]


def test_we_recommend_that_they_takes_the_previous_target(nlp):
    passages = [
        "We recommend that the Government consult evaluation experts. We further recommend that they make clear what will change."
    ]
    assert recs(nlp, passages, "Northshire Select Committee") == [
        ("Northshire Select Committee", "government", "consult evaluation experts"),
        ("Northshire Select Committee", "government", "make clear what will change"),
    ]


def test_we_urge_them_after_an_if_clause(nlp):
    text = "If the Government intend to keep voluntary agreements, we urge them to base these on the best evidence."
    assert recs(nlp, [text], "Northshire Select Committee") == [
        (
            "Northshire Select Committee",
            "government",
            "base these on the best evidence",
        ),
    ]


def test_coordinated_urge_after_we_note(nlp):
    text = "We note the Government's commitment to the brand and urge the Department of Health to evaluate it properly."
    assert recs(nlp, [text], "Northshire Select Committee") == [
        (
            "Northshire Select Committee",
            "Department of Health and Social Care",
            "evaluate it properly",
        ),
    ]


@pytest.mark.parametrize(
    ("text", "actor", "target", "action"),
    [
        (
            "The NAO recommends that DHSC works with NHS England on a single set of measures.",
            "National Audit Office",
            "Department of Health and Social Care",
            "work with NHS England on a single set of measures",
        ),
        (
            "Westmoor Trade Group suggested the Government should fund a pilot in two regions.",
            "Westmoor Trade Group",
            "government",
            "fund a pilot in two regions",
        ),
        (
            "NHS E/I recommended in its planning guidance that all organisations should secure psychology input.",
            "NHS England",
            "all organisations",
            "secure psychology input",
        ),
        (
            "According to the Food Standards Agency, simple labels helped shoppers and, as a result, they recommended strongly a single colour-coded label.",
            "Food Standards Agency",
            None,
            "a single colour-coded label",
        ),
    ],
)
def test_reported_recommendations_belong_to_their_speaker(
    nlp, text, actor, target, action
):
    assert recs(nlp, [text], "The King's Fund") == [(actor, target, action)]


def test_an_audit_offices_bare_should_is_its_own(nlp):
    assert recs(
        nlp,
        ["DHSC should also publish an assessment of reporting burdens."],
        "National Audit Office",
    ) == [
        (
            "National Audit Office",
            "Department of Health and Social Care",
            "publish an assessment of reporting burdens",
        ),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "We recommend that",
        "The Government should",
        "While this provides real-terms growth, it must cover the pay award and new treatments.",
        "However, should the Board wish to go further, more funding is essential.",
        "Equally, we will challenge organisations who are not able to show a robust approach.",
        "It is anticipated we'll need to use this again next winter.",
        "Other measures recommended above will help downstream adoption.",
        "The government agrees that regular exercises should test pandemic plans.",
        "Costs should fall by 5% next year.",
        "Such capabilities are required to deter threats in space.",
        "It creates plans for each risk should a response be required.",
        "The guidance recommends that planners consider vulnerable groups.",
        "As the market changes, the price cap will need to evolve.",
        "Their plan denies farmers the flexibility they need to meet environmental goals.",
        "Requests for internal review should be addressed to:",
        "You should do this as soon as possible.",
    ],
)
def test_not_recommendations(nlp, text):
    assert recs(nlp, [text], "Northshire Select Committee") == []


RESPONSE = {
    "doc_org": "Department for Northshire Affairs",
    "doc_type": "government response",
}


def test_government_response_quotes_the_committee_and_replies(nlp):
    passages = [
        "The Government welcomes the Committee's report.",
        "Recommendation 4",
        "The Government should publish a skills plan for the sector. These plans should also be aligned with regional priorities.",
        "The Government agrees that a skills plan is needed. We will publish one in the spring.",
        "We agree with the Committee. Local authorities should also review their skills budgets.",
        "The Government should set a national target for apprenticeships in the sector.",
        "The Government does not accept this recommendation.",
    ]
    title = (
        "Government response to the House of Lords Northshire Industry Committee report"
    )
    assert recs(nlp, passages, doc_title=title, **RESPONSE) == [
        (
            "House of Lords Northshire Industry Committee",
            "government",
            "publish a skills plan for the sector",
        ),
        (
            "House of Lords Northshire Industry Committee",
            None,
            "be aligned with regional priorities",
        ),
        # a paragraph that opens by asking is the next quoted recommendation, label or not
        (
            "House of Lords Northshire Industry Committee",
            "government",
            "set a national target for apprenticeships in the sector",
        ),
    ]


def test_government_response_learns_the_inquiry_from_its_text_and_reads_a_numbered_list(
    nlp,
):
    passages = [
        "This document responds to the recommendations of the Northshire Flooding Inquiry.",
        "Recommendation 2: A regular flood exercise The county and district councils should together hold an exercise every two years.",
        "The exercise should:",
        (
            "test the response from the first warning to recovery;",
            {"kind": "list_item", "heading": None},
        ),
        ("include voluntary groups.", {"kind": "list_item", "heading": None}),
        "The government accepts this recommendation.",
    ]
    assert recs(
        nlp, passages, doc_title="Flooding: the government's reply", **RESPONSE
    ) == [
        (
            "Northshire Flooding Inquiry",
            "county and district councils",
            "hold an exercise every two years",
        ),
        ("Northshire Flooding Inquiry", None, None),
    ]


@pytest.mark.parametrize("word", ["We", "we", "Our", "us", "They"])
def test_pronouns_are_never_organisations(word):
    assert normalise_org(word) is None


@pytest.mark.parametrize(
    ("text", "actor", "target", "action"),
    [
        (
            "Witnesses suggested that the Government should fund more pilots.",
            "Witnesses",
            "government",
            "fund more pilots",
        ),
        (
            "Professor Hartley told us that the Department should publish its evidence.",
            "Professor Hartley",
            "the Department",
            "publish its evidence",
        ),
        (
            "This suggests that ICBs should publish more data.",
            "The King's Fund",
            "integrated care boards",
            "publish more data",
        ),
        (
            "There is an urgent need for the Government to set out a plan.",
            "The King's Fund",
            "government",
            "set out a plan",
        ),
        (
            "The Secretary of State should lay regulations this year.",
            "The King's Fund",
            "Secretary of State",
            "lay regulations this year",
        ),
    ],
)
def test_people_reported_and_the_author_concluding(nlp, text, actor, target, action):
    assert recs(nlp, [text], "The King's Fund") == [(actor, target, action)]


def test_imperative_items_of_recommendations_made_by_others(nlp):
    passages = [
        "The main recommendations made by tax agents included:",
        (
            "Explain each warning in plain words;",
            {"kind": "list_item", "heading": None},
        ),
        (
            "Show the warning before the return is filed.",
            {"kind": "list_item", "heading": None},
        ),
    ]
    assert recs(nlp, passages, "HM Revenue and Customs") == [
        ("tax agents", None, "Explain each warning in plain words"),
        ("tax agents", None, "Show the warning before the return is filed"),
    ]


def test_list_introduced_by_a_reported_speaker(nlp):
    passages = [
        "Respondents suggested the following improvements:",
        ("Publish the guidance earlier;", {"kind": "list_item", "heading": None}),
        ("Simplify the form.", {"kind": "list_item", "heading": None}),
    ]
    assert recs(nlp, passages, "HM Revenue and Customs") == [
        ("Respondents", None, "Publish the guidance earlier"),
        ("Respondents", None, "Simplify the form"),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "We recommend therefore that, at the earliest opportunity, the Government appoint a chief social scientist.",
            [
                (
                    "Northshire Select Committee",
                    "government",
                    "appoint a chief social scientist",
                )
            ],
        ),
        (
            "There is a need to improve the data on discharge.",
            [("Northshire Select Committee", None, "improve the data on discharge")],
        ),
        (
            "The evidence showed that the Government's preference for voluntary codes has encouraged officials to avoid regulation.",
            [],
        ),
        (
            "This pledge ignores the need to make substantial changes to the food environment.",
            [],
        ),
        ("If voluntary codes work, then this should be tried first.", []),
        ("As one witness put it, we will need to use the levy.", []),
    ],
)
def test_asides_nouns_and_reports_of_effects(nlp, text, expected):
    assert recs(nlp, [text], "Northshire Select Committee") == expected


def test_a_pronoun_after_a_long_opening_is_not_the_last_body(nlp):
    passages = [
        "The Office for Budget Responsibility published its forecast in March.",
        "For children and young people to benefit from the reforms, they must be in school.",
    ]
    assert recs(nlp, passages, "Northshire Party") == []


def test_bullets_kept_as_paragraphs_still_make_a_list(nlp):
    passages = [
        "The key recommendations made by agents included:",
        "\u2022 Flag each warning in plain words;",
        "\u2022 Show the warning before the return is filed.",
        "The trial ran for twelve weeks.",
    ]
    assert recs(nlp, passages, "HM Revenue and Customs") == [
        ("agents", None, "Flag each warning in plain words"),
        ("agents", None, "Show the warning before the return is filed"),
    ]


def test_a_bold_recommendation_taken_for_a_heading_is_read(nlp):
    passages = [
        ("Voluntary agreements", {"kind": "heading", "heading": None}),
        (
            "The Government must set out what it will do if the food industry does not act.",
            {"kind": "heading", "heading": None},
        ),
    ]
    assert recs(nlp, passages, "Northshire Select Committee") == [
        (
            "Northshire Select Committee",
            "government",
            "set out what it will do if the food industry does not act",
        ),
    ]


@pytest.mark.parametrize(
    ("sentence", "target", "action"),
    [
        # A capital after "the" names the one body the reader knows.
        (
            "The Department should not merely restate policy.",
            "the Department",
            "not merely restate policy",
        ),
        (
            "The Board should approve the plan by March.",
            "the Board",
            "approve the plan by March",
        ),
        ("The department should act.", "department", "act"),
        # A body named in one word after "that", then its verb in the present or the subjunctive.
        (
            "We recommend that the Department publishes a plan.",
            "the Department",
            "publish a plan",
        ),
        (
            "We recommend that every trust publishes its waiting times.",
            "every trust",
            "publish its waiting times",
        ),
        (
            "We recommend that the Committee be given new powers.",
            "the Committee",
            "be given new powers",
        ),
        (
            "We recommend that the ministerial committee meets monthly.",
            "ministerial committee",
            "meet monthly",
        ),
        (
            "We recommend that the plan sets out its costs.",
            None,
            "the plan sets out its costs",
        ),
        # "it" stands for the body named in the clause before it.
        (
            "In general, if the Department does not agree with a recommendation, it should say so.",
            "the Department",
            "say so",
        ),
        (
            "Once each trust has a plan, it should publish it.",
            "each trust",
            "publish it",
        ),
        # An aside between the body and its verb is not the body.
        (
            "DHSC, working with NHS England, should publish the plan.",
            "Department of Health and Social Care",
            "publish the plan",
        ),
        (
            "ICBs, where appropriate, should pool budgets.",
            "integrated care boards",
            "pool budgets",
        ),
        (
            "NHS England, as the commissioner, must set standards.",
            "NHS England",
            "set standards",
        ),
        (
            "The Government, together with the devolved administrations, should review the Act.",
            "government",
            "review the Act",
        ),
        (
            "NHS England and the Department should jointly publish a plan.",
            "NHS England; the Department",
            "publish a plan",
        ),
        # Wanting to see a body act asks that body; "our recommendation is that" recommends.
        (
            "We would like to see the Government fund the plan.",
            "government",
            "fund the plan",
        ),
        (
            "Our recommendation is that ICBs publish their plans.",
            "integrated care boards",
            "publish their plans",
        ),
    ],
)
def test_one_word_bodies_after_the(
    nlp, sentence: str, target: str | None, action: str
) -> None:
    assert [
        (t, a) for _actor, t, a in recs(nlp, [sentence], "Example Health Trust")
    ] == [(target, action)]


@pytest.mark.parametrize(
    ("text", "target", "action"),
    [
        (
            "We recommend that when setting their detailed plans for winter all committees should consult patients first.",
            "all committees",
            "consult patients first",
        ),
        (
            "We recommend that by March 2027 the Department should publish its capital plans.",
            "the Department",
            "publish its capital plans",
        ),
        (
            "We recommend that within two months of this report, the Board writes to each family.",
            "the Board",
            "write to each family",
        ),
        (
            "Within six months NHS England and the DHSC should agree a single set of targets.",
            "NHS England; Department of Health and Social Care",
            "agree a single set of targets",
        ),
        (
            "We recommend that as part of its reply NHS England sets out how it will count delays.",
            "NHS England",
            "set out how it will count delays",
        ),
    ],
)
def test_an_adverbial_before_the_subject_is_not_the_addressee(
    nlp, text, target, action
):
    """ "that by March the Department should": a time or manner phrase with
    no comma opens the clause; the addressee is the noun phrase after it."""
    assert recs(nlp, [text], "Health and Social Care Committee") == [
        ("Health and Social Care Committee", target, action)
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The Ombudsman recommended that the Department apologises to the complainants.",
            ("Ombudsman", "the Department", "apologise to the complainants"),
        ),
        (
            "In 2019 the Health Committee recommended that NHS England publish a plan.",
            ("Health Committee", "NHS England", "publish a plan"),
        ),
        (
            "The Committee urged ministers to publish the review.",
            ("Committee", "government", "publish the review"),
        ),
        (
            "The Committee called on ministers to publish the review.",
            ("Committee", "government", "publish the review"),
        ),
    ],
)
def test_a_recommendation_reported_in_the_past_by_a_titled_body(nlp, text, expected):
    """A body named by its capitalised title ("the Committee") recommending or
    urging in the past is reported as asking: it is the actor, not the author."""
    assert recs(nlp, [text], "Policy Institute") == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "NHS England asked ICBs to submit their plans by March.",
        "Other measures recommended that year were never costed.",
        "The approach recommended by the review was adopted.",
    ],
)
def test_a_past_instruction_or_a_participle_is_not_a_recommendation(nlp, text):
    assert recs(nlp, [text], "Policy Institute") == []
