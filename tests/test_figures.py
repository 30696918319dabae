"""Figure extraction on a blank English pipeline: every example of issue 3."""

from __future__ import annotations

import pytest

import evidence.nlp.pipeline  # noqa: F401  (registers factories and span extensions)
from evidence.analyse import analyse
from evidence.nlp.figures import FIELDS


@pytest.fixture(scope="module")
def nlp(figures_nlp):
    return figures_nlp


def figures(nlp, text: str) -> list[dict]:
    doc = nlp(text)
    return [dict(span._.finding) for span in doc.spans["figures"]]


def only(nlp, text: str) -> dict:
    found = figures(nlp, text)
    assert len(found) == 1, found
    return found[0]


# text, surface, value, unit, figure_kind, qualifier, value_max
EXAMPLES = [
    # money
    ("ICSs must find £5.7 billion.", "£5.7 billion", 5.7e9, "GBP", "money", None, None),
    ("ICSs must find £5.7bn.", "£5.7bn", 5.7e9, "GBP", "money", None, None),
    ("The deficit was £97m.", "£97m", 9.7e7, "GBP", "money", None, None),
    (
        "A grant of £1.5 million was made.",
        "£1.5 million",
        1.5e6,
        "GBP",
        "money",
        None,
        None,
    ),
    ("They spent over £5 billion.", "£5 billion", 5e9, "GBP", "money", "over", None),
    (
        "The NHS budget is £150\u00a0billion.",
        "£150\u00a0billion",
        1.5e11,
        "GBP",
        "money",
        None,
        None,
    ),
    ("Each call costs 50p.", "50p", 0.5, "GBP", "money", None, None),
    ("The fund paid $3m.", "$3m", 3e6, "USD", "money", None, None),
    (
        "The programme cost €2.1 billion.",
        "€2.1 billion",
        2.1e9,
        "EUR",
        "money",
        None,
        None,
    ),
    (
        "It cost ten million pounds.",
        "ten million pounds",
        1e7,
        "GBP",
        "money",
        None,
        None,
    ),
    ("Estimates range £3bn–£5bn.", "£3bn–£5bn", 3e9, "GBP", "money", None, 5e9),
    (
        "The gap is between £2 billion and £3 billion.",
        "between £2 billion and £3 billion",
        2e9,
        "GBP",
        "money",
        None,
        3e9,
    ),
    (
        "Savings of around £20 million are expected.",
        "£20 million",
        2e7,
        "GBP",
        "money",
        "around",
        None,
    ),
    ("It cost £3 and 50p.", "£3 and 50p", 3.5, "GBP", "money", None, None),
    # percent
    ("Some 26% agreed.", "26%", 26.0, "%", "percent", "around", None),
    ("Only 0.5% disagreed.", "0.5%", 0.5, "%", "percent", "only", None),
    ("In all, 26 per cent agreed.", "26 per cent", 26.0, "%", "percent", None, None),
    (
        "Just five per cent disagreed.",
        "five per cent",
        5.0,
        "%",
        "percent",
        "only",
        None,
    ),
    ("Uptake is over 85% in most areas.", "85%", 85.0, "%", "percent", "over", None),
    (
        "We found only 45 per cent were ready.",
        "45 per cent",
        45.0,
        "%",
        "percent",
        "only",
        None,
    ),
    (
        "Vacancies rose by 3 percentage points.",
        "3 percentage points",
        3.0,
        "pp",
        "percent",
        None,
        None,
    ),
    ("Growth of 50 to 80% is forecast.", "50 to 80%", 50.0, "%", "percent", None, 80.0),
    # ratio
    ("One in three leaders agreed.", "One in three", 0.3333, None, "ratio", None, None),
    ("Of leaders, nine in ten agreed.", "nine in ten", 0.9, None, "ratio", None, None),
    (
        "Of leaders, nine out ten agreed.",
        "nine out ten",
        0.9,
        None,
        "ratio",
        None,
        None,
    ),
    (
        "In total 31 out of 42 responded.",
        "31 out of 42",
        0.7381,
        None,
        "ratio",
        None,
        None,
    ),
    (
        "By then 36 out of 42 systems had plans.",
        "36 out of 42",
        0.8571,
        None,
        "ratio",
        None,
        None,
    ),
    (
        "Even now a quarter of staff are temporary.",
        "a quarter",
        0.25,
        None,
        "ratio",
        None,
        None,
    ),
    (
        "Even now around a quarter of staff are temporary.",
        "a quarter",
        0.25,
        None,
        "ratio",
        "around",
        None,
    ),
    ("Yet half of ICBs have no plan.", "half", 0.5, None, "ratio", None, None),
    (
        "Yet two-thirds of leaders agreed.",
        "two-thirds",
        0.6667,
        None,
        "ratio",
        None,
        None,
    ),
    ("Of them, three in five agreed.", "three in five", 0.6, None, "ratio", None, None),
    # count
    ("There are 42 ICSs in England.", "42", 42.0, None, "count", None, None),
    ("We received 47 responses.", "47", 47.0, None, "count", None, None),
    (
        "The NHS employs 1.5 million staff.",
        "1.5 million",
        1.5e6,
        None,
        "count",
        None,
        None,
    ),
    (
        "It sees more than 1 million patients a day.",
        "1 million",
        1e6,
        None,
        "count",
        "more than",
        None,
    ),
    ("Each board has 10 mandatory members.", "10", 10.0, None, "count", None, None),
    ("We held five roundtables.", "five", 5.0, None, "count", None, None),
    ("We carried out seven interviews.", "seven", 7.0, None, "count", None, None),
    ("The total was 1,500 staff.", "1,500", 1500.0, None, "count", None, None),
    # duration
    ("It will take two years.", "two years", 2.0, "year", "duration", None, None),
    (
        "It follows over 20 years of reform.",
        "20 years",
        20.0,
        "year",
        "duration",
        "over",
        None,
    ),
    (
        "The contract runs over seven years.",
        "seven years",
        7.0,
        "year",
        "duration",
        None,
        None,
    ),
    (
        "It has been more than a decade.",
        "a decade",
        10.0,
        "year",
        "duration",
        "more than",
        None,
    ),
    (
        "Plans run for between three and ten years.",
        "between three and ten years",
        3.0,
        "year",
        "duration",
        None,
        10.0,
    ),
    (
        "A wait of up to 18 weeks is allowed.",
        "18 weeks",
        18.0,
        "week",
        "duration",
        "up to",
        None,
    ),
    (
        "It stayed open for almost six months.",
        "six months",
        6.0,
        "month",
        "duration",
        "almost",
        None,
    ),
]


@pytest.mark.parametrize("text,surface,value,unit,kind,qualifier,value_max", EXAMPLES)
def test_issue_examples(nlp, text, surface, value, unit, kind, qualifier, value_max):
    found = only(nlp, text)
    assert found["surface"] == surface
    assert found["value"] == pytest.approx(value, rel=1e-9)
    assert found["unit"] == unit
    assert found["figure_kind"] == kind
    assert found["qualifier"] == qualifier
    if value_max is None:
        assert found["value_max"] is None
    else:
        assert found["value_max"] == pytest.approx(value_max, rel=1e-9)


def test_finding_has_exactly_the_contract_fields(nlp):
    found = only(nlp, "ICSs must find £5.7 billion.")
    assert list(found) == list(FIELDS)
    assert set(found) == {
        "surface",
        "value",
        "unit",
        "figure_kind",
        "qualifier",
        "value_max",
        "measure",
        "period",
    }


def test_span_covers_surface_only(nlp):
    doc = nlp("They spent over £5 billion on 42 ICSs.")
    spans = list(doc.spans["figures"])
    assert [s.text for s in spans] == ["£5 billion", "42"]
    assert [(s.start_char, s.end_char) for s in spans] == [(16, 26), (30, 32)]


def test_glued_tokens_expand_to_whole_tokens(nlp):
    doc = nlp("Costs were £3bn–£5bn.")
    (span,) = doc.spans["figures"]
    assert span._.finding["surface"] == "£3bn–£5bn"
    assert span.text == "£3bn–£5bn"


@pytest.mark.parametrize(
    "text",
    [
        "The Health and Care Act 2022 created them.",
        "It was published in 2022.",
        "It was published on 1 April 2023.",
        "It was published on April 1, 2023.",
        "Plans for 2022-23 were late.",
        "Plans for 2019/20 were late.",
        "See section 3 and page 12.",
        "Article 3 applies.",
        "See paragraph 4.2.1 of the guidance.",
        "These are the reforms.1 They were followed by efficiency.2",
        "Submission ICS0048 was received.",
        "The CORE20PLUS5 approach helps.",
        "Covid-19 changed services.",
        "Call NHS 111 for advice.",
        "1. Introduction",
        "2.1 ICBs are accountable upwards.",
        "Royal College of Nursing, 20 Cavendish Square, London",
        "Call the press office on 020 7946 0321.",
        "Registered charity 1150000. Company number 08345678.",
        "The survey ran between 3 and 24 April 2023.",
        "This is documented.[^1]",
        "It was the first time one of them spoke.",
        "The Five Year Forward View set the aims.",
        "The meeting began at 10:30 and ended at 2pm.",
        "See https://example.org/report-2022/table5 for details.",
        "The 1990s were different.",
    ],
)
def test_not_figures(nlp, text):
    assert figures(nlp, text) == []


@pytest.mark.parametrize(
    "text,measure",
    [
        ("There are 42 ICSs in England.", "ICSs"),
        ("Each board has 10 mandatory members.", "mandatory members"),
        ("It sees more than 1 million patients a day.", "patients"),
        ("The NHS employs 1.5 million staff.", "staff"),
        ("ICSs must make £5.7 billion of savings.", "savings"),
        ("ICSs must deliver savings of £5.7 billion.", "savings"),
        ("Around 26% of stakeholders supported ICSs.", "stakeholders"),
        ("By then 36 out of 42 systems had plans.", "systems"),
    ],
)
def test_measure(nlp, text, measure):
    assert only(nlp, text)["measure"] == measure


def test_a_count_needs_a_counted_noun(nlp):
    assert figures(nlp, "It was 42 in total.") == []
    assert only(nlp, "The trust hired 92,000 more nurses.")["measure"] == "nurses"


@pytest.mark.parametrize(
    "text,period",
    [
        ("Spending was £5 billion in 2019-20.", "2019-20"),
        ("Spending is £5 billion this financial year.", "this financial year"),
        (
            "Spending rose by 26% between 2010-11 and 2020-21.",
            "between 2010-11 and 2020-21",
        ),
        ("ICSs must save £2 billion by 2023/24.", "2023/24"),
        ("Costs of up to £6m would fall in 2024/25.", "2024/25"),
        ("In 2022 the deficit was £97m.", "2022"),
        ("Councils get £980 million in 2019 to 2020.", "2019 to 2020"),
        ("The deficit was £97m.", None),
        ("In 2019-20 there was a plan. The deficit was £97m.", None),
    ],
)
def test_period(nlp, text, period):
    assert only(nlp, text)["period"] == period


def test_deterministic(nlp):
    text = "Over £5 billion, 26% and 31 out of 42 in 2022-23; two years later 1.5 million staff."
    assert figures(nlp, text) == figures(nlp, text)


def test_analyse_reports_figure_fields():
    rows = [
        r
        for r in analyse("ICSs must make £5.7bn of savings in 2022-23.")
        if r["kind"] == "figure"
    ]
    assert rows == [
        {
            "kind": "figure",
            "text": "ICSs must make £5.7bn of savings in 2022-23.",
            "start": 15,
            "end": 21,
            "surface": "£5.7bn",
            "value": 5.7e9,
            "unit": "GBP",
            "figure_kind": "money",
            "qualifier": None,
            "value_max": None,
            "measure": "savings",
            "period": "2022-23",
        }
    ]


def test_paragraph_numbers_in_a_run_are_not_figures(nlp):
    from evidence.nlp.pipeline import make_docs

    items = [
        ("1 On 1 July 2022 there were 42 ICSs.", {}),
        ("2 ICSs start work under pressure.", {}),
        ("42 ICSs replied.", {}),
    ]
    docs = list(nlp.pipe(make_docs(nlp, items, {})))
    surfaces = [
        [span._.finding["surface"] for span in doc.spans["figures"]] for doc in docs
    ]
    assert surfaces == [["42"], [], ["42"]]


def test_fractions_without_of(nlp):
    assert (
        only(nlp, "They must work with a third fewer people.")["surface"] == "a third"
    )
    found = only(nlp, "Costs are to be cut by almost a third.")
    assert (found["surface"], found["value"], found["qualifier"]) == (
        "a third",
        0.3333,
        "almost",
    )
    assert figures(nlp, "In the first quarter of the year.") == []


def test_of_the_ratio(nlp):
    found = only(nlp, "We heard that 31 of the 42 ICBs planned a deficit.")
    assert (
        found["surface"],
        found["value"],
        found["figure_kind"],
        found["measure"],
    ) == ("31 of the 42", 0.7381, "ratio", "ICBs")


def test_a_number_past_a_float_is_refused_not_infinity():
    huge = "9" * 400
    text = f"The deficit was £{huge} billion, between £3bn and £{huge} billion, and 5% more in 2022-23."
    rows = [r for r in analyse(text) if r["kind"] == "figure"]
    assert [(r["surface"], r["value"], r["value_max"]) for r in rows] == [
        ("5%", 5.0, None)
    ]
