"""Quotations as news stories, press releases and think-tank blogs write them
about reports and public bodies: "it said" and "said the report" for a body
or document, a speaker named in prose before "he said", surnames alone,
straight quotation marks left open across paragraphs, job titles written
before the name, and paragraph breaks a speaker is never looked for across.
Paragraphs are written for these tests, in the shapes found in published
copy."""

from __future__ import annotations

from typing import Any

import pytest

from evidence.nlp.pipeline import findings_from_doc, make_docs


@pytest.fixture(scope="module")
def nlp(quotes_nlp):
    return quotes_nlp


def quotes(
    nlp, passages: list[str], context: dict[str, Any] | None = None
) -> list[tuple[Any, ...]]:
    items = [(p, {"kind": "paragraph"}) for p in passages]
    out = []
    for doc in nlp.pipe(make_docs(nlp, items, dict(context or {}))):
        out += [
            (f.text, f.data["speaker"], f.data["role"])
            for f in findings_from_doc(doc)
            if f.kind == "quote"
        ]
    return out


def test_it_said_is_the_committee_the_report_came_from(nlp):
    found = quotes(
        nlp,
        [
            "The report, from the House of Commons committee on rural transport, "
            "looked at bus routes cut since 2015. “Most of the savings were made by "
            "the county councils and the Department for Transport,” it said."
        ],
    )
    assert found == [
        (
            "Most of the savings were made by the county councils and the Department for Transport",
            "House of Commons committee on rural transport",
            None,
        )
    ]


def test_said_the_report_is_the_body_that_published_it(nlp):
    found = quotes(
        nlp,
        [
            "The paper was published by the Institute for Rural Health on Monday. "
            "“This would let each trust plan its rotas a year ahead,” said the report."
        ],
    )
    assert found == [
        (
            "This would let each trust plan its rotas a year ahead",
            "Institute for Rural Health",
            None,
        )
    ]


def test_it_said_after_a_sentence_about_a_body(nlp):
    found = quotes(
        nlp,
        [
            "The Care Quality Commission inspected the ward in May. "
            "“Staff were caring but stretched,” it said."
        ],
    )
    assert found == [
        ("Staff were caring but stretched", "Care Quality Commission", None)
    ]


def test_this_report_is_the_documents_author_the_report_is_not(nlp):
    context = {"doc_org": "Public Accounts Committee"}
    own = "This report concludes: “The department has no plan to meet its target.”"
    cited = "The report said: “Waiting lists will keep growing.”"
    owned = "The board’s report said that “no ward is safe to close”."
    assert quotes(nlp, [owned]) == [("no ward is safe to close", "the board", None)]
    assert quotes(nlp, [own], context) == [
        (
            "The department has no plan to meet its target.",
            "Public Accounts Committee",
            None,
        )
    ]
    assert quotes(nlp, [cited], context) == [
        ("Waiting lists will keep growing.", "The report", None)
    ]


def test_it_said_is_the_body_whose_report_the_sentence_before_names(nlp):
    found = quotes(
        nlp,
        [
            "In its 2021 report, the Audit Office for Wales looked at ambulance "
            "handovers. “Delays have grown in every health board,” it said."
        ],
    )
    assert found == [
        ("Delays have grown in every health board", "Audit Office for Wales", None)
    ]


def test_the_government_said_is_not_the_documents_author(nlp):
    found = quotes(
        nlp,
        ["“Funding has risen in every year since 2019,” the government said."],
        {"doc_org": "Health Foundation"},
    )
    assert found == [
        ("Funding has risen in every year since 2019", "the government", None)
    ]


@pytest.mark.parametrize("gap", ["\n\n", "\n"])
def test_a_speaker_after_a_quotation_is_never_looked_for_in_the_next_paragraph(
    nlp, gap
):
    found = quotes(
        nlp,
        [
            "The inquiry heard that recruitment was “a matter of real concern.”"
            f"{gap}Tom Hale, chief executive of Westshire Care, said that plans "
            "would follow in the spring."
        ],
    )
    assert found == []


def test_a_surname_after_the_verb_is_the_person_named_before(nlp):
    found = quotes(
        nlp,
        [
            "Tom Hale, chief executive of Westshire Care, spoke first. "
            "“We have found the money,” said Hale. But he added, "
            "“We accept, however, that it will not be enough.”"
        ],
    )
    assert found == [
        ("We have found the money", "Tom Hale", None),
        ("We accept, however, that it will not be enough.", "Tom Hale", None),
    ]


def test_he_said_is_the_person_a_paragraph_without_quotations_named(nlp):
    found = quotes(
        nlp,
        [
            "Priya Shah said she would not step down after the inspection.",
            "“When things go wrong you stay and fix them,” she said.",
            "Mark Olu, chair of the board, said he was disappointed.",
            "“The board will be held to account,” he added.",
        ],
    )
    assert found == [
        ("When things go wrong you stay and fix them", "Priya Shah", None),
        ("The board will be held to account", "Mark Olu", "chair of the board"),
    ]


def test_straight_quotation_marks_left_open_run_over_paragraphs(nlp):
    found = quotes(
        nlp,
        [
            'Mr Olu said: "Our first job is to shorten the waiting list.',
            '"Some patients have waited more than a year for a first appointment.',
            '"That has to end this winter."',
            "The board meets again in March.",
        ],
    )
    assert found == [
        ("Our first job is to shorten the waiting list.", "Mr Olu", None),
        (
            "Some patients have waited more than a year for a first appointment.",
            "Mr Olu",
            None,
        ),
        ("That has to end this winter.", "Mr Olu", None),
    ]


def test_a_job_title_written_before_the_name_is_the_role(nlp):
    found = quotes(
        nlp,
        [
            'Chief Nurse Ada Brown said: "Demand rose again last week."',
            'Chairman Dr Sam Webb said: "I apologise to every patient who waited."',
            'Dean Clarke said: "We will publish the figures."',
        ],
    )
    assert found == [
        ("Demand rose again last week.", "Ada Brown", "Chief Nurse"),
        ("I apologise to every patient who waited.", "Dr Sam Webb", "Chairman"),
        ("We will publish the figures.", "Dean Clarke", None),
    ]


def test_the_person_written_to_in_a_relative_clause_is_not_the_speaker(nlp):
    found = quotes(
        nlp,
        [
            "In her letter to Mr Jones, who became health minister in May, Mrs Patel "
            "said that “the delays at the Eastgate site cannot go on”."
        ],
    )
    assert found == [
        ("the delays at the Eastgate site cannot go on", "Mrs Patel", None)
    ]


def test_a_post_on_social_media_is_attributed(nlp):
    found = quotes(
        nlp,
        [
            "Lena Ward, chief executive of Northgate Hospitals, tweeted on Friday: "
            "“Every ward was full last night.”"
        ],
    )
    assert found == [
        (
            "Every ward was full last night.",
            "Lena Ward",
            "chief executive of Northgate Hospitals",
        )
    ]


def test_the_lead_cases_that_already_hold(nlp):
    found = quotes(
        nlp,
        [
            "As Sir Alan Reeve said, “Plans are nothing without people.”",
            "Dr Jane Cole, chief executive of Riverside Trust, said: “Lists are shorter.”",
            "Professor Ray Hunt told the committee: “First, demand is rising.",
            "“Second, supply is not.”",
        ],
    )
    assert found == [
        ("Plans are nothing without people.", "Sir Alan Reeve", None),
        ("Lists are shorter.", "Dr Jane Cole", "chief executive of Riverside Trust"),
        ("First, demand is rising.", "Professor Ray Hunt", None),
        ("Second, supply is not.", "Professor Ray Hunt", None),
    ]


def test_a_circumstance_between_the_role_and_the_verb_is_not_the_role(nlp):
    found = quotes(
        nlp,
        [
            "Ruth Kane MP, the party’s health spokesperson, commenting on the "
            "winter plan, said:",
            "“It arrives three months too late.",
            "“Trusts have already set their budgets.”",
        ],
    )
    role = "the party’s health spokesperson"
    assert found == [
        ("It arrives three months too late.", "Ruth Kane", role),
        ("Trusts have already set their budgets.", "Ruth Kane", role),
    ]


def test_a_paragraph_that_is_only_a_quotation_follows_the_person_just_named(nlp):
    found = quotes(
        nlp,
        [
            "Mr Okoro said the new ward would open in the spring.",
            "“We listened to patients and we changed the plan.”",
            "Visitors will be able to park on site from April.",
            "“Parking was the first thing people asked about.”",
        ],
    )
    assert found == [
        ("We listened to patients and we changed the plan.", "Mr Okoro", None)
    ]


def test_it_said_is_the_body_that_produced_the_report_named_before(nlp):
    found = quotes(
        nlp,
        [
            "In 2016 the Centre for Rural Care produced a report on the supply of "
            "district nurses. It said that there should be “a fresh count every two years.”"
        ],
    )
    assert found == [("a fresh count every two years.", "Centre for Rural Care", None)]


def test_an_unnamed_role_starts_after_the_last_article_before_its_head(nlp):
    found = quotes(
        nlp,
        [
            "The trust will apologise to families harmed in a maternity scandal as "
            "the chair of an independent review said the board had “much to learn”."
        ],
    )
    assert found == [("much to learn", None, "chair of an independent review")]


def test_it_opening_a_paragraph_is_the_body_the_paragraph_before_ended_on(nlp):
    found = quotes(
        nlp,
        [
            "Care home closures could double by 2030, according to new research "
            "by the Westshire Care Foundation.",
            "It says the trend is likely “whatever the council decides next year”.",
        ],
    )
    assert found == [
        (
            "whatever the council decides next year",
            "Westshire Care Foundation",
            None,
        )
    ]


def test_a_body_named_with_an_indefinite_article_after_the_words(nlp):
    found = quotes(
        nlp,
        ["Long waits have become “a fixture of the system”, a think tank has said."],
    )
    assert found == [("a fixture of the system", "a think tank", None)]
