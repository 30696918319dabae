"""Organisations: canonical names, acronym definitions, and the "orgs" span group."""

from __future__ import annotations

import json

import pytest

from evidence.nlp.organisations import (
    PATTERNS_DIR,
    find_acronym_definitions,
    normalise_org,
)
from evidence.nlp.pipeline import make_docs

#: the canonical names the gold annotations use (benchmarks/gold README, gold.md)
GOLD_CANONICAL = [
    "Department of Health and Social Care",
    "NHS England",
    "National Audit Office",
    "Care Quality Commission",
    "Public Accounts Committee",
    "Health and Social Care Committee",
    "NHS Confederation",
    "NHS Providers",
    "The King's Fund",
    "The Nuffield Trust",
    "The Health Foundation",
    "Healthwatch England",
    "Local Government Association",
    "British Medical Association",
    "Health Education England",
    "HM Treasury",
    "government",
    "integrated care boards",
    "integrated care systems",
    "integrated care partnerships",
    "primary care networks",
    "Royal College of Nursing",
    "Association of Directors of Adult Social Services",
    "NHS Employers",
]


def test_gazetteer_has_every_canonical_name_and_no_duplicates():
    data = json.loads((PATTERNS_DIR / "organisations.json").read_text(encoding="utf-8"))
    names = [entry["name"] for entry in [*data["organisations"], *data["other_bodies"]]]
    assert len(names) == len(set(names))
    assert [n for n in GOLD_CANONICAL if n not in names] == []
    assert "clinical commissioning groups" in names


@pytest.mark.parametrize(
    ("name", "canonical"),
    [
        ("the NAO", "National Audit Office"),
        ("NHSE", "NHS England"),
        ("NHS England and NHS Improvement", "NHS England"),
        ("DHSC", "Department of Health and Social Care"),
        ("Department of Health & Social Care", "Department of Health and Social Care"),
        ("the Committee of Public Accounts", "Public Accounts Committee"),
        ("PAC", "Public Accounts Committee"),
        ("The King\u2019s Fund", "The King's Fund"),
        ("Nuffield Trust", "The Nuffield Trust"),
        ("The Nuffield Trust (ICS0048)", "The Nuffield Trust"),
        ("the Health Foundation.", "The Health Foundation"),
        ("NHS Confederation\u2019s", "NHS Confederation"),
        ("ICBs", "integrated care boards"),
        ("integrated care board", "integrated care boards"),
        ("CCGs", "clinical commissioning groups"),
        ("PCN", "primary care networks"),
        ("the BMA", "British Medical Association"),
        ("the Government", "government"),
        ("HM Treasury", "HM Treasury"),
        ("CQC", "Care Quality Commission"),
        ("HEE", "Health Education England"),
        ("WESTMOOR COUNTY COUNCIL", "Westmoor County Council"),
        ("THE LOCAL GOVERNMENT ASSOCIATION", "Local Government Association"),
        ("the Northshire Patients' Forum", "Northshire Patients' Forum"),
    ],
)
def test_normalise_org(name, canonical):
    assert normalise_org(name) == canonical


def test_normalise_org_empty_and_learned():
    assert normalise_org("") is None
    assert normalise_org(" .,; ") is None
    assert normalise_org(None) is None
    assert (
        normalise_org("HWB", acronyms={"HWB": "Westmoor Health and Wellbeing Board"})
        == "Westmoor Health and Wellbeing Board"
    )
    assert (
        normalise_org("ICSN", acronyms={"ICSN": "NHS Confederation"})
        == "NHS Confederation"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "the Public Accounts Committee (PAC) said",
            [("PAC", "Public Accounts Committee")],
        ),
        (
            "integrated care boards (ICBs) report to NHS England (NHSE) and the Department of Health and Social Care (DHSC).",
            [
                ("ICBs", "integrated care boards"),
                ("NHSE", "NHS England"),
                ("DHSC", "Department of Health and Social Care"),
            ],
        ),
        (
            "a capital departmental expenditure limit (CDEL) set nationally",
            [("CDEL", "capital departmental expenditure limit")],
        ),
        (
            "the Comptroller and Auditor General (C&AG)",
            [("C&AG", "Comptroller and Auditor General")],
        ),
        (
            "the NHS Long-Term Workforce Plan (LTWP)",
            [("LTWP", "Long-Term Workforce Plan")],
        ),
        (
            "PAC (Public Accounts Committee) hearings",
            [("PAC", "Public Accounts Committee")],
        ),
        ("see Figure 2 (HC 1234) and the review (2023) by the Trust (ICS0048)", []),
        (
            "the Better Care Fund (BCF) and the BCF (Better Care Fund)",
            [("BCF", "Better Care Fund")],
        ),
        ("no brackets at all", []),
    ],
)
def test_find_acronym_definitions(text, expected):
    assert find_acronym_definitions(text) == expected


def orgs(
    nlp, passages: list[str], doc_org: str | None = None
) -> list[list[tuple[str, str]]]:
    items = [(p, {"kind": "paragraph", "heading": None}) for p in passages]
    return [
        [(span.text, span._.finding["name"]) for span in doc.spans["orgs"]]
        for doc in nlp.pipe(make_docs(nlp, items, {"doc_org": doc_org}))
    ]


def test_component_marks_known_bodies(nlp):
    assert orgs(
        nlp,
        [
            "The NAO found that NHSE and the King\u2019s Fund disagree with local government and ICBs."
        ],
    ) == [
        [
            ("NAO", "National Audit Office"),
            ("NHSE", "NHS England"),
            ("the King\u2019s Fund", "The King's Fund"),
            ("ICBs", "integrated care boards"),
        ]
    ]


def test_component_named_local_bodies(nlp):
    assert orgs(
        nlp,
        [
            "Healthwatch Hartleydale wrote to Hartleydale and Westmoor Integrated Care Board and Westmoor County Council."
        ],
    ) == [
        [
            ("Healthwatch Hartleydale", "Healthwatch Hartleydale"),
            (
                "Hartleydale and Westmoor Integrated Care Board",
                "Hartleydale and Westmoor Integrated Care Board",
            ),
            ("Westmoor County Council", "Westmoor County Council"),
        ]
    ]


def test_component_learns_acronyms_and_definite_references_per_document(nlp):
    found = orgs(
        nlp,
        [
            "The Westmoor Health and Wellbeing Board (HWB) met in March.",
            "The HWB agreed the plan and the council will fund it.",
        ],
        "Westmoor County Council",
    )
    assert found == [
        [
            (
                "Westmoor Health and Wellbeing Board",
                "Westmoor Health and Wellbeing Board",
            ),
            ("HWB", "Westmoor Health and Wellbeing Board"),
        ],
        [
            ("HWB", "Westmoor Health and Wellbeing Board"),
            ("the council", "Westmoor County Council"),
        ],
    ]


def test_free_text_has_no_learned_acronyms(nlp):
    doc = nlp("The HWB agreed the plan.")
    assert [(s.text, s._.finding["name"]) for s in doc.spans["orgs"]] == []


@pytest.mark.parametrize(
    ("text", "names"),
    [
        (
            "The House of Lords UK Engagement with Space Committee reported in May.",
            ["House of Lords UK Engagement with Space Committee"],
        ),
        (
            "Evidence to the Northshire Flooding Inquiry and the DfT.",
            ["Northshire Flooding Inquiry", "Department for Transport"],
        ),
        (
            "HMRC and the DWP wrote to the Parliamentary and Health Service Ombudsman.",
            [
                "HM Revenue and Customs",
                "Department for Work and Pensions",
                "Parliamentary and Health Service Ombudsman",
            ],
        ),
        (
            "We think the National Institute for Clinical Excellence agrees.",
            ["National Institute for Health and Care Excellence"],
        ),
    ],
)
def test_named_bodies_found_whole(text, names):
    from evidence.nlp.organisations import orgs_in_text

    assert orgs_in_text(text) == names


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("Department for Business & Trade", "Department for Business and Trade"),
        (
            "Department for Culture, Media & Sport",
            "Department for Culture, Media and Sport",
        ),
        ("Marks & Spencer", "Marks & Spencer"),
    ],
)
def test_an_ampersand_in_a_known_name_is_and(written: str, canonical: str) -> None:
    assert normalise_org(written) == canonical


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("Office of Communications", "Ofcom"),
        ("FCA", "Financial Conduct Authority"),
        ("the Pensions Regulator", "The Pensions Regulator"),
        ("Information Commissioner", "Information Commissioner's Office"),
        ("Local Government Ombudsman", "Local Government and Social Care Ombudsman"),
    ],
)
def test_regulators_and_public_bodies_beyond_health(
    written: str, canonical: str
) -> None:
    """Evidence in other fields names the UK's regulators: they are bodies too."""
    assert normalise_org(written) == canonical
