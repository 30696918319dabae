"""Recommendation shapes met on real reports, press releases and government responses (issue 15).

Each fixture is written for this test in the project's own words, with the
shape of a failure seen on published text: a second addressee in a second
clause, a speaker named only as "it" in the next sentence, a body's report
speaking for the body, a reporting clause with no "that", a statement that
more needs doing, and a thing a body owns taken for the body.
"""

from __future__ import annotations

import pytest

from tests.test_recommendations_real import recs


@pytest.mark.parametrize(
    ("text", "target", "action"),
    [
        (
            "By next spring NHS England should publish a plan to replace old IT, and the Department should fund it.",
            "NHS England; the Department",
            "publish a plan to replace old IT",
        ),
        (
            "Ofsted must inspect every unit within a year, and local authorities should report the results to parents.",
            "Ofsted; local authorities",
            "inspect every unit within a year",
        ),
        (
            "The Treasury should set a multi-year budget; the Cabinet Office must publish the timetable.",
            "HM Treasury; Cabinet Office",
            "set a multi-year budget",
        ),
    ],
)
def test_a_second_clause_with_its_own_subject_adds_its_addressee(
    nlp, text, target, action
):
    """ "X should ..., and Y should ...": one sentence, one entry, every body
    asked is a target, and the action is the first ask only."""
    assert recs(nlp, [text], "Public Accounts Committee") == [
        ("Public Accounts Committee", target, action)
    ]


def test_a_second_clause_whose_subject_is_a_thing_keeps_the_first_target(nlp):
    assert recs(
        nlp,
        [
            "The Home Office should publish its data, and the figures should be audited each year."
        ],
        "Public Accounts Committee",
    ) == [("Public Accounts Committee", "Home Office", "publish its data")]


def test_it_in_the_next_sentence_speaks_for_the_body_reported_before(nlp):
    """ "It added ..." continues the body reported in the sentence before,
    never the body that sentence asked."""
    assert recs(
        nlp,
        [
            "The Health Committee said that trusts should publish their staffing figures. "
            "It added that Health Education England must be given a five-year budget."
        ],
        "British Medical Association",
    ) == [
        ("Health Committee", "NHS trusts", "publish their staffing figures"),
        (
            "Health Committee",
            "Health Education England",
            "be given a five-year budget",
        ),
    ]


@pytest.mark.parametrize(
    "before",
    [
        "Every organisation should publish its staffing figures. The inquiry report came out on Tuesday.",
        "The inquiry report found that each organisation lacked a workforce lead.",
    ],
)
def test_it_for_an_unnamed_report_is_no_generic_body(nlp, before):
    """ "It" standing for a report whose author is not named leaves the actor
    unknown: not a kind of body from an earlier sentence, not the author."""
    found = recs(
        nlp,
        [
            before,
            "It added that the regulator's budget should be protected for five years.",
        ],
        "British Medical Association",
    )
    assert found[-1] == (None, None, "be protected for five years")


def test_a_body_s_report_speaks_for_the_body(nlp):
    assert recs(
        nlp,
        [
            "The Public Accounts Committee's latest report said that the Department must set clearer targets."
        ],
        "British Medical Association",
    ) == [("Public Accounts Committee", "the Department", "set clearer targets")]


def test_a_reporting_clause_without_that_is_not_part_of_the_subject(nlp):
    assert recs(
        nlp,
        [
            "The Care Quality Commission said that staffing was unsafe. "
            "It also said the regulator must act within weeks."
        ],
        "Unison",
    ) == [("Care Quality Commission", "regulator", "act within weeks")]


@pytest.mark.parametrize(
    "text",
    [
        "Much more needs to be done to cut waiting lists.",
        "A great deal more has to be done before the target is met.",
        "“We accept that there has been progress, but far more needs to be done,” the chief executive said.",
    ],
)
def test_more_needing_to_be_done_is_a_statement(nlp, text):
    """A quantity that "needs to be done" asks no one for anything."""
    assert recs(nlp, [text], "NHS Providers") == []


def test_a_quoted_recommendation_keeps_the_committee_and_every_body_it_asks(nlp):
    """In a government response the quoted recommendation is the committee's,
    with both bodies its two clauses ask; the reply asks nothing."""
    passages = [
        "Recommendation 4",
        "NHS England should publish a plan to replace old IT, and the Department should fund it.",
        "Government response",
        "The Government accepts that old systems must be replaced across the NHS.",
        "The Department accepts this recommendation and will work with trusts on it.",
    ]
    items = [
        (p, {"kind": "heading", "heading": None}) if p.startswith(("Rec", "Gov")) else p
        for p in passages
    ]
    assert recs(
        nlp,
        items,
        "Department of Health and Social Care",
        "government response",
        "Government response to the Health and Social Care Committee report on digital change",
    ) == [
        (
            "Health and Social Care Committee",
            "NHS England; the Department",
            "publish a plan to replace old IT",
        )
    ]


@pytest.mark.parametrize(
    ("text", "target"),
    [
        ("Health Education England's budget should be protected for five years.", None),
        ("NHS England's board must publish its minutes.", "NHS England"),
    ],
)
def test_a_thing_a_body_owns_is_not_that_body(nlp, text, target):
    """ "X's budget should ...": the budget is a thing (target null); "X's
    board should ..." still asks X."""
    found = recs(nlp, [text], "King's Fund")
    assert [(actor, got) for actor, got, _ in found] == [("King's Fund", target)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The Audit Office said organisations should check their asset registers every year.",
            ("Audit Office", "organisations", "check their asset registers every year"),
        ),
        (
            "The National Audit Office said departments must publish their data.",
            ("National Audit Office", "departments", "publish their data"),
        ),
    ],
)
def test_a_reporting_verb_before_a_bare_plural_is_not_the_subject(nlp, text, expected):
    """ "X said organisations should ...": X speaks, the plural is asked."""
    assert recs(nlp, [text], "Civil Service World") == [expected]


def test_a_body_asked_with_a_trailing_participle_is_kept(nlp):
    """ "the departments concerned": every body invited is a target."""
    assert recs(
        nlp,
        ["We invite HM Treasury and the departments concerned to act on the findings."],
        "Public Accounts Committee",
    ) == [
        (
            "Public Accounts Committee",
            "HM Treasury; departments",
            "act on the findings",
        )
    ]


def test_a_modal_inside_the_ask_does_not_replace_its_addressee(nlp):
    """ "recommend that the Government considers whether ... need to ...":
    the Government is asked to consider; the inner clause is what it considers."""
    assert recs(
        nlp,
        [
            "We recommend that the Government considers whether the rules on shared ownership need to change."
        ],
        "Public Accounts Committee",
    ) == [
        (
            "Public Accounts Committee",
            "government",
            "consider whether the rules on shared ownership need to change",
        )
    ]


@pytest.mark.parametrize(
    ("text", "action"),
    [
        (
            "We recommend that the Trust apologises to Mr B and that it reviews its discharge checks.",
            "apologise to Mr B",
        ),
        (
            "The Trust should, within two months, remind its staff of the guidance.",
            "remind its staff of the guidance",
        ),
    ],
)
def test_the_action_is_the_first_deed_without_an_aside(nlp, text, action):
    found = recs(nlp, [text], "Parliamentary and Health Service Ombudsman")
    assert [a for _, _, a in found] == [action]


def test_a_thing_from_a_body_is_still_a_thing(nlp):
    """ "Calls for funding from UKRI should ...": the calls, not UKRI, are the subject."""
    assert recs(
        nlp,
        ["Calls for funding from UKRI should be simpler and come at known dates."],
        "Science and Technology Committee",
    ) == [
        (
            "Science and Technology Committee",
            None,
            "be simpler and come at known dates",
        )
    ]
