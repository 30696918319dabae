"""Figures as real policy documents lay them out: the labels, markers and
names that look like figures, and the forms of durations, ranges and
multiples the real-document gold counts. Fixtures are written for these tests."""

from __future__ import annotations

from typing import Any

import pytest

import evidence.nlp.pipeline  # noqa: F401  (registers factories and span extensions)
from evidence.nlp.pipeline import make_docs


@pytest.fixture(scope="module")
def nlp(figures_nlp):
    return figures_nlp


def surfaces(nlp, text: str, kind: str = "paragraph") -> list[str]:
    (doc,) = nlp.pipe(make_docs(nlp, [(text, {"kind": kind})], {}))
    return [span._.finding["surface"] for span in doc.spans["figures"]]


def fields(nlp, text: str) -> list[tuple[Any, ...]]:
    doc = nlp(text)
    return [
        (f["surface"], f["value"], f["unit"], f["figure_kind"], f["value_max"])
        for f in (span._.finding for span in doc.spans["figures"])
    ]


@pytest.mark.parametrize(
    "text",
    [
        # footnote markers glued to punctuation, a percentage or a closing quote
        "Shoppers “understood the colours at a glance”.97 Officials agreed.",
        "The scheme was popular with retailers.)45 A later survey found otherwise.",
        # paragraph numbers, with or without the space the text layer dropped
        "4.12.We urge the department to publish its evidence.",
        "4.13. Several councils described their plans.",
        # cross-references and labels, alone or in lists
        "The fund (see paragraphs 5.21–5.24) pays for new cycle lanes.",
        "Staff in bands 5 and 6 were offered the course.",
        "Case study 3: reducing waiting lists",
        "Evidence was heard in QQ 210–4, 377.",
        "Module 2 of the inquiry looks at decisions.",
        "We accept Recommendation 14 in full.",
        # ages and age bands
        "The offer covers young people aged 16-24 across the county.",
        "Support starts when a baby is ten months old.",
        # numbers in names
        "The Five Year Forward View and the 10 Year Health Plan set the direction.",
        "Work on the A412 and on HS3 continues, as does Walk4Health.",
        # a quoted title
        "The board endorsed the ‘Two year recovery plan’ last spring.",
        # timecodes in a transcript
        "[00:14:52] Speaker 2: we had no warning at all.",
        # a number with nothing it counts
        "The total came to 42 in the end.",
        # the first half of a period is not a proportion
        "Most claims arrived in the first half of the year.",
        # "double" as an adjective and a capitalised policy name
        "They want to end the double charge on carers and keep the Triple Guarantee.",
    ],
)
def test_not_figures(nlp, text):
    assert surfaces(nlp, text) == []


def test_footnote_marker_after_a_percentage(nlp):
    assert surfaces(
        nlp, "Sales of the green range rose sharply (64%).312 The next study followed."
    ) == ["64%"]


def test_a_capitalised_word_before_the_counted_noun(nlp):
    # A running header is capitals only; a name in capitals before a lower-case noun counts that noun.
    assert surfaces(
        nlp, "On average there were 8,300 COVID-19 patients in hospital."
    ) == ["8,300"]
    assert surfaces(nlp, "We met 40 NHS staff and 12 CQC inspectors.") == ["40", "12"]
    assert surfaces(nlp, "56 BEHAVIOUR CHANGE") == []


def test_running_header_and_page_number_lines(nlp):
    assert surfaces(nlp, "48 SAFER STREETS") == []
    assert surfaces(nlp, "17") == []
    assert surfaces(nlp, "0% 10% 20% 30% 40%") == []


def test_footnote_number_is_not_a_figure_but_its_facts_are(nlp):
    assert surfaces(
        nlp, "12 The network links 14 nations across three continents.", "footnote"
    ) == ["14", "three"]


def test_footnote_citing_a_source_gives_no_counts_or_durations(nlp):
    note = "7 Coastal monitoring centre marks two year anniversary - Environment Agency blog"
    assert surfaces(nlp, note, "footnote") == []
    assert surfaces(nlp, "8 Ibid., the programme cost £4.2 million.", "footnote") == [
        "£4.2 million"
    ]


@pytest.mark.parametrize(
    "text,expected",
    [
        (
            "It compares sales over a 10 week period.",
            [("10 week", 10.0, "week", "duration", None)],
        ),
        (
            "The council agreed a four-year settlement.",
            [("four-year", 4.0, "year", "duration", None)],
        ),
        (
            "Patients should be seen within 2 hours.",
            [("2 hours", 2.0, "hour", "duration", None)],
        ),
        (
            "Crews should arrive in under 20 minutes.",
            [("20 minutes", 20.0, "minute", "duration", None)],
        ),
        ("Agents flagged 12‐15 warning signs.", [("12‐15", 12.0, None, "count", 15.0)]),
        ("The aim is to halve the backlog.", [("halve", 0.5, None, "ratio", None)]),
        (
            "Growth must double the rate seen before.",
            [("double", 2.0, None, "ratio", None)],
        ),
        (
            "Demand is almost four times as high.",
            [("four times", 4.0, None, "ratio", None)],
        ),
        (
            "It monitored over 1900 satellite passes.",
            [("1900", 1900.0, None, "count", None)],
        ),
        ("We will fund 6,000 more places.", [("6,000", 6000.0, None, "count", None)]),
        (
            "The plan runs for the next 2 and a half years.",
            [("2 and a half years", 2.5, "year", "duration", None)],
        ),
        ("Half of all councils replied.", [("Half", 0.5, None, "ratio", None)]),
    ],
)
def test_real_document_forms(nlp, text, expected):
    assert fields(nlp, text) == expected


@pytest.mark.parametrize(
    "text,measure",
    [
        ("Nurse vacancies rose to 4,500 last year.", "vacancies"),
        ("The number of applicants was 1,200.", "applicants"),
        ("It cut 30 posts from a workforce of about 240.", "workforce"),
        ("Visits went from around 500,000 people to more than 2 million.", "people"),
        ("It trains 9,000 a year.", None),
    ],
)
def test_the_counted_noun_may_sit_elsewhere_in_the_clause(nlp, text, measure):
    doc = nlp(text)
    found = [span._.finding for span in doc.spans["figures"]]
    assert found[-1]["figure_kind"] == "count" and found[-1]["measure"] == measure


def test_table_cells_need_row_and_column_labels(nlp):
    rows = [
        ("Region | 2023 | 2024", {"kind": "table_row"}),
        ("North | 12% | 14%", {"kind": "table_row"}),
        ("| 7 | 9", {"kind": "table_row"}),
        ("South | waits fell by 3% over the year |", {"kind": "table_row"}),
    ]
    docs = list(nlp.pipe(make_docs(nlp, rows, {})))
    found = [
        [(s._.finding["surface"], s._.finding["measure"]) for s in doc.spans["figures"]]
        for doc in docs
    ]
    assert found == [
        [],
        [("12%", "North (2023)"), ("14%", "North (2024)")],
        [],
        [("3%", None)],
    ]


def test_a_header_that_states_the_unit_types_its_cells(nlp):
    rows = [
        (
            "Region | Spend (£m) | Rate (%) | Wait (days) | Cost, £000s | Staff",
            {"kind": "table_row"},
        ),
        ("North | 450 | 9.8 | 12 | 1,250 | 3,400", {"kind": "table_row"}),
    ]
    docs = list(nlp.pipe(make_docs(nlp, rows, {})))
    assert [
        (f["surface"], f["value"], f["unit"], f["figure_kind"])
        for f in (s._.finding for s in docs[1].spans["figures"])
    ] == [
        ("450", 4.5e8, "GBP", "money"),
        ("9.8", 9.8, "%", "percent"),
        ("12", 12.0, "day", "duration"),
        ("1,250", 1.25e6, "GBP", "money"),
        ("3,400", 3400.0, None, "count"),
    ]


def test_a_table_without_a_header_row_gives_no_bare_cells(nlp):
    rows = [("Visits | 120 | 140", {"kind": "table_row"})]
    (doc,) = nlp.pipe(make_docs(nlp, rows, {}))
    assert list(doc.spans["figures"]) == []


def test_a_verb_of_change_names_what_is_counted(nlp):
    assert surfaces(
        nlp, "Waiting lists rose from 4.6m in February 2020 to 7.7m in September 2023."
    ) == ["4.6m", "7.7m"]
    assert surfaces(nlp, "The waiting list stood at 7.6 million in August.") == [
        "7.6 million"
    ]
    assert surfaces(nlp, "The workforce grew by 12,000 last year.") == ["12,000"]
    # A bare number after "was" or after a pronoun names nothing.
    assert surfaces(nlp, "The score was 12.") == []
    assert surfaces(nlp, "This rose to 14 in 2023.") == []


def test_an_ampersand_inside_a_name_before_the_noun(nlp):
    assert surfaces(nlp, "Trusts reported 3.2 million A&E attendances in January.") == [
        "3.2 million"
    ]


def test_a_number_naming_a_type_or_cohort_is_a_label(nlp):
    assert surfaces(nlp, "Of these, 1.5m were type 1 attendances.") == []
    assert surfaces(nlp, "Cohort 3 began in May; zone 2 fares rose.") == []
    assert surfaces(nlp, "Type 2 diabetes affects 4.3 million people.") == [
        "4.3 million"
    ]


def test_ranges_written_with_a_hyphen(nlp):
    assert fields(nlp, "Demand has grown by 15-20% since 2019.") == [
        ("15-20%", 15.0, "%", "percent", 20.0)
    ]
    assert fields(nlp, "Stays last 10-15 days.") == [
        ("10-15 days", 10.0, "day", "duration", 15.0)
    ]
    assert fields(nlp, "It costs £3m-£5m.") == [("£3m-£5m", 3e6, "GBP", "money", 5e6)]
    # A financial year and a name with a number are not ranges.
    assert surfaces(nlp, "The 2022-23 budget was set after Covid-19.") == []


def test_a_hyphen_range_of_counts_names_a_plural_or_a_scale(nlp):
    assert fields(nlp, "There are 18-20 hospitals in the region.") == [
        ("18-20", 18.0, None, "count", 20.0)
    ]
    assert fields(nlp, "We received 1,000-1,500 responses.") == [
        ("1,000-1,500", 1000.0, None, "count", 1500.0)
    ]
    assert fields(nlp, "It will cost £1.5-2bn.") == [
        ("£1.5-2bn", 1.5e9, "GBP", "money", 2e9)
    ]
    # Age bands and references are not quantities; nor is a range running downwards.
    assert surfaces(nlp, "Reform 16-19 education first.") == []
    assert surfaces(nlp, "See paragraphs 12-15 of the report.") == []
    assert surfaces(nlp, "Services for 16-25 year olds are patchy.") == []
    assert surfaces(nlp, "There are 20-18 hospitals.") == []


def test_a_scale_written_once_belongs_to_both_bounds(nlp):
    assert fields(nlp, "Between 2-3 million people wait.") == [
        ("Between 2-3 million", 2e6, None, "count", 3e6)
    ]
    assert fields(nlp, "The programme will cost £5-10 million.") == [
        ("£5-10 million", 5e6, "GBP", "money", 1e7)
    ]
    assert fields(nlp, "It costs £2 to £3 billion.") == [
        ("£2 to £3 billion", 2e9, "GBP", "money", 3e9)
    ]
    # Scaling the low bound would put it above the high one: it stays as written.
    assert fields(nlp, "Between 500 and 3 million people wait.")[0][1:2] == (500.0,)


def test_an_acronym_in_the_plural_is_a_counted_noun(nlp):
    doc = nlp("The number of GPs fell by 1,200 between 2015 and 2022.")
    assert [
        (f["surface"], f["figure_kind"], f["measure"])
        for f in (span._.finding for span in doc.spans["figures"])
    ] == [("1,200", "count", "GPs")]


def test_every_fraction_word_is_read_without_digits_in_the_text(nlp):
    # "fifth" and "ninth" hold no cardinal, so the cheap pre-check must know them
    assert fields(nlp, "Spending on agency staff fell by a fifth.") == [
        ("a fifth", 0.2, None, "ratio", None)
    ]
    assert fields(nlp, "A ninth of posts are vacant.") == [
        ("A ninth", 0.1111, None, "ratio", None)
    ]
    assert surfaces(nlp, "The fifth year of the plan began.") == []


def test_a_multiple_written_with_fold(nlp):
    assert fields(nlp, "Demand has risen tenfold since 2010.") == [
        ("tenfold", 10.0, None, "ratio", None)
    ]
    assert fields(nlp, "There was a 2.5-fold increase in referrals.") == [
        ("2.5-fold", 2.5, None, "ratio", None)
    ]
    assert surfaces(nlp, "The manifold problems of the service.") == []


def test_half_without_of_after_a_qualifier_or_by(nlp):
    assert fields(nlp, "Nearly half (48%) of trusts had no plan.") == [
        ("half", 0.5, None, "ratio", None),
        ("48%", 48.0, "%", "percent", None),
    ]
    assert fields(nlp, "Spending fell by half.") == [("half", 0.5, None, "ratio", None)]
    assert surfaces(nlp, "In the first half of the year, activity rose.") == []
    assert surfaces(nlp, "The plan was half finished.") == []


def test_a_year_cut_to_two_digits_is_not_a_count(nlp):
    assert surfaces(nlp, "The target for March '23 saw the trust cut 500 posts.") == [
        "500"
    ]
    assert surfaces(nlp, "Between June ’22 and July ’23 appointments fell.") == []


def test_a_level_the_subject_stands_at_is_counted(nlp):
    doc = nlp("The backlog stands at 7.6m. Attendances climbed to 2.3 million.")
    assert [
        (f["surface"], f["value"], f["measure"])
        for f in (span._.finding for span in doc.spans["figures"])
    ] == [("7.6m", 7.6e6, "backlog"), ("2.3 million", 2.3e6, "attendances")]


@pytest.mark.parametrize(
    "text",
    [
        "Comments follow the procedures in 14 CFR 11.43 and 11.45.",
        "Records are exempt under the Act (5 U.S.C. 552).",
        "It creates new duties in Title 17 of the Code.",
        "A Model 320 aircraft on Flight 212 was diverted.",
        "Write to the office at 2600 Harbour Blvd., Portside.",
    ],
)
def test_citation_volumes_titles_models_and_addresses_are_not_counts(nlp, text):
    assert surfaces(nlp, text) == []


def test_a_currency_code_between_two_numbers_is_still_money(nlp):
    assert fields(nlp, "It cost 3 GBP 1 pence.") == [
        ("3 GBP 1 pence", 3.01, "GBP", "money", None)
    ]


def test_a_currency_named_without_its_country(nlp):
    assert fields(nlp, "The offer valued it at 528 million francs.") == [
        ("528 million francs", 5.28e8, "Franc", "money", None)
    ]
    assert fields(nlp, "It cost 40 swiss francs.") == [
        ("40 swiss francs", 40.0, "CHF", "money", None)
    ]


def test_a_fraction_of_a_million_is_one_count(nlp):
    assert fields(
        nlp, "Over a quarter of a million people waited more than 52 weeks."
    ) == [
        ("a quarter of a million", 250000.0, None, "count", None),
        ("52 weeks", 52.0, "week", "duration", None),
    ]
    assert fields(nlp, "Three-quarters of a million people are carers.") == [
        ("Three-quarters of a million", 750000.0, None, "count", None)
    ]
    # A fraction of something else, then a million of another thing: two figures.
    assert surfaces(nlp, "A quarter of trusts spent a million pounds.") == [
        "A quarter",
        "a million pounds",
    ]


@pytest.mark.parametrize(
    "text,expected",
    [
        (
            "Admissions rose to 9,400 in the winter.",
            [("9,400", 9400.0, None, "count", None)],
        ),
        (
            "Referrals have risen to 3,100 a month.",
            [("3,100", 3100.0, None, "count", None)],
        ),
        # a change, then the new level: two figures, not a range
        (
            "Delayed discharges rose by 1,200 to 14,500.",
            [
                ("1,200", 1200.0, None, "count", None),
                ("14,500", 14500.0, None, "count", None),
            ],
        ),
        (
            "The deficit grew by £300m to £2.2bn.",
            [
                ("£300m", 300000000.0, "GBP", "money", None),
                ("£2.2bn", 2200000000.0, "GBP", "money", None),
            ],
        ),
        (
            "Waiting lists fell by 4% to 6.9 million.",
            [
                ("4%", 4.0, "%", "percent", None),
                ("6.9 million", 6900000.0, None, "count", None),
            ],
        ),
        # a bare number before a unit after "by" is still a range
        (
            "Fees rose by 2 to 3 per cent.",
            [("2 to 3 per cent", 2.0, "%", "percent", 3.0)],
        ),
    ],
)
def test_counts_after_a_verb_of_change(nlp, text, expected):
    """The clause's subject is what a count after "rose to" or "rose by X to" measures."""
    assert fields(nlp, text) == expected
