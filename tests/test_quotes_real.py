"""Quotations as committee reports, government responses and evaluations
write them: speakers before or after the words, titles kept as part of the
name, short attributed fragments, introductions ending in a colon, pronouns,
bodies as speakers, and the odd quote marks of some PDFs. Paragraphs are
written for these tests."""

from __future__ import annotations

from typing import Any

import pytest

from evidence.nlp.pipeline import findings_from_doc, make_docs


@pytest.fixture(scope="module")
def nlp(quotes_nlp):
    return quotes_nlp


def quotes(nlp, passages: list[str]) -> list[tuple[Any, ...]]:
    items = [(p, {"kind": "paragraph"}) for p in passages]
    out = []
    for doc in nlp.pipe(make_docs(nlp, items, {})):
        out += [
            (f.text, f.data["speaker"], f.data["role"])
            for f in findings_from_doc(doc)
            if f.kind == "quote"
        ]
    return out


def test_short_fragments_in_the_subjects_sentence(nlp):
    found = quotes(
        nlp,
        [
            "6.4. Ms Okafor defended the scheme on the grounds that it was “simple” and “fair”, "
            "and that it reached “the households we most wanted to help”. Officials agreed."
        ],
    )
    assert found == [
        ("simple", "Ms Okafor", None),
        ("fair", "Ms Okafor", None),
        ("the households we most wanted to help", "Ms Okafor", None),
    ]


def test_introduction_ending_in_a_colon_gives_the_block_quotation_its_speaker(nlp):
    found = quotes(
        nlp,
        [
            "Several retailers changed their labels. Mr Hale told us, for example, that:",
            "“... once the new labels went up, sales of the high-salt range fell within a month.”",
            "We return to this below.",
        ],
    )
    assert found == [
        (
            "... once the new labels went up, sales of the high-salt range fell within a month.",
            "Mr Hale",
            None,
        )
    ]


def test_name_with_role_before_the_verb(nlp):
    found = quotes(
        nlp,
        [
            "Priya Shah, Chief Executive of Northgate Foods, said: “We acted on the evidence.”"
        ],
    )
    assert found == [
        (
            "We acted on the evidence.",
            "Priya Shah",
            "Chief Executive of Northgate Foods",
        )
    ]


def test_speaker_with_an_organisation_and_a_colon(nlp):
    found = quotes(
        nlp,
        [
            "Mr Ortiz of the Rural Bus Alliance raised concerns that: “councils are cutting the very routes they promote.”"
        ],
    )
    assert [(f[0], f[1]) for f in found] == [
        ("councils are cutting the very routes they promote.", "Mr Ortiz")
    ]


def test_speaker_after_the_quotation(nlp):
    found = quotes(
        nlp,
        [
            "“The pilot worked better than we hoped,” said Dame Ruth Keller, chair of the review."
        ],
    )
    assert found == [
        (
            "The pilot worked better than we hoped",
            "Dame Ruth Keller",
            "chair of the review",
        )
    ]


def test_according_to(nlp):
    found = quotes(
        nlp,
        ["According to Professor Lin, “the effect fades once the incentive stops”."],
    )
    assert [(f[0], f[1]) for f in found] == [
        ("the effect fades once the incentive stops", "Professor Lin")
    ]


def test_as_is_not_part_of_the_name(nlp):
    found = quotes(
        nlp,
        ["As Sir Paul Brant said, “the system is only as strong as its weakest link”."],
    )
    assert [(f[0], f[1]) for f in found] == [
        ("the system is only as strong as its weakest link", "Sir Paul Brant")
    ]


def test_he_said_is_the_person_the_paragraph_is_about(nlp):
    found = quotes(
        nlp,
        [
            "Mr Adeyemi, who spoke after Ms Grant and Dr Lowe, said the pilot had “changed how staff worked”. "
            "Ms Grant had raised costs earlier. He said the savings were “real but small”."
        ],
    )
    assert [(f[0], f[1]) for f in found] == [
        ("changed how staff worked", "Mr Adeyemi"),
        ("real but small", "Mr Adeyemi"),
    ]


def test_they_said_is_the_body_the_last_sentence_was_about(nlp):
    found = quotes(
        nlp,
        [
            "Officials from the Treasury gave a similar account. They said the decision had been taken because they did "
            "“not think the industry would adopt it”."
        ],
    )
    assert [(f[0], f[1]) for f in found] == [
        ("not think the industry would adopt it", "Officials from the Treasury")
    ]


def test_a_body_that_speaks(nlp):
    found = quotes(
        nlp,
        [
            "Walking Wales said in relation to footpaths, for example: “maintenance has been cut in every county.”"
        ],
    )
    assert [(f[0], f[1]) for f in found] == [
        ("maintenance has been cut in every county.", "Walking Wales")
    ]


def test_quotation_over_several_paragraphs_keeps_one_speaker(nlp):
    found = quotes(
        nlp,
        [
            "Dr Mensah said: “We saw the change in the first week. Families noticed it too.",
            "“By the spring the waiting list had halved.”",
        ],
    )
    assert [(f[0], f[1]) for f in found] == [
        ("We saw the change in the first week. Families noticed it too.", "Dr Mensah"),
        ("By the spring the waiting list had halved.", "Dr Mensah"),
    ]


def test_odd_quote_marks_of_some_pdfs(nlp):
    found = quotes(
        nlp, ["Mr Barr told us that ―the scheme needs a clear owner‖, and we agree."]
    )
    assert [(f[0], f[1]) for f in found] == [
        ("the scheme needs a clear owner", "Mr Barr")
    ]


def test_single_curly_quotes(nlp):
    found = quotes(
        nlp, ["Ms Cole said the Council’s plan was ‘a step in the right direction’."]
    )
    assert [(f[0], f[1]) for f in found] == [
        ("a step in the right direction", "Ms Cole")
    ]


def test_anonymised_speaker_described_after_the_words(nlp):
    found = quotes(
        nlp,
        [
            "“The warnings made me check the figures twice before sending the return.” (Agent, sole trader, 1-20 returns)",
            "“It slowed us down at the busiest time of year.” – Payroll manager, large employer",
        ],
    )
    assert [(f[0], f[1]) for f in found] == [
        (
            "The warnings made me check the figures twice before sending the return.",
            "Agent, sole trader, 1-20 returns",
        ),
        (
            "It slowed us down at the busiest time of year.",
            "Payroll manager, large employer",
        ),
    ]


def test_words_quoted_from_a_named_document(nlp):
    found = quotes(
        nlp,
        [
            "This builds on the commitments within the 2022 National Flood Resilience Strategy, to the "
            "“regular testing of local warning systems in every county”."
        ],
    )
    assert [(f[0], f[1]) for f in found] == [
        (
            "regular testing of local warning systems in every county",
            "2022 National Flood Resilience Strategy",
        )
    ]


@pytest.mark.parametrize(
    "text",
    [
        "A number of witnesses welcomed the emphasis on “smarter choices” within a wider package.",
        "The department has embraced “smarter choices” measures (see Box 4).",
        "The guidance, ‘Principles for Remedy’, sets out the approach.",
        "The Board endorsed the ‘Two year recovery plan’ in March.",
        "As the evidence suggests, “nudges” alone rarely change behaviour.",
    ],
)
def test_scare_quotes_and_titles_are_not_quotes(nlp, text):
    assert quotes(nlp, [text]) == []


def test_a_body_named_after_the_quotation(nlp):
    # News reports name the body that spoke after its words, with or without its acronym.
    assert quotes(
        nlp,
        [
            "\u201cWe cannot see how the backlog can be cleared without new staff,\u201d the National Audit Office said.",
            "The recovery plan is at \u201cserious risk\u201d, the National Audit Office (NAO) has said.",
            "\u201cThe targets were never realistic,\u201d said the King\u2019s Fund.",
        ],
    ) == [
        (
            "We cannot see how the backlog can be cleared without new staff",
            "National Audit Office",
            None,
        ),
        ("serious risk", "National Audit Office", None),
        ("The targets were never realistic", "King\u2019s Fund", None),
    ]
    # A word that names no known body is not taken for one.
    assert (
        quotes(nlp, ["\u201cIt will take years to recover,\u201d the Committee said."])
        == []
    )


def test_a_titled_work_after_report_on_is_not_a_quotation(nlp):
    # The capitalised words after "the Committee's Report on" name the report; they are not quoted from it.
    assert (
        quotes(
            nlp,
            [
                "This is the response to the Example Committee\u2019s Report on \u201cPublic Inquiries: Enhancing public trust\u201d.",
            ],
        )
        == []
    )


def test_apostrophes_in_roles_and_unnamed_speakers(nlp):
    assert quotes(
        nlp,
        [
            "Sarah Lee, chief executive of the Women\u2019s Health Trust, said: \u201cServices are vanishing.\u201d",
            "One witness told us: \u201cWe have no idea what the board is for.\u201d",
            "\u201cWe are investing record sums,\u201d a Department of Health and Social Care spokesperson said.",
        ],
    ) == [
        (
            "Services are vanishing.",
            "Sarah Lee",
            "chief executive of the Women\u2019s Health Trust",
        ),
        ("We have no idea what the board is for.", None, "witness"),
        (
            "We are investing record sums",
            None,
            "Department of Health and Social Care spokesperson",
        ),
    ]


def test_a_pronoun_with_no_one_named_keeps_the_quotation_without_a_speaker(nlp):
    assert quotes(nlp, ["\u201cThe service is on its knees,\u201d she said."]) == [
        ("The service is on its knees", None, None)
    ]


def test_an_office_before_the_person_and_unnamed_speakers_who_put_it(nlp):
    assert quotes(
        nlp,
        [
            "The Minister, Stephen Barclay MP, said that integrated care systems were \u201chere to stay\u201d.",
            "As one ICB chair put it, \u201cwe are being asked to do more with less\u201d.",
            "The Secretary of State described the reforms as \u201cthe biggest shake-up in a decade\u201d.",
        ],
    ) == [
        ("here to stay", "Stephen Barclay MP", "Minister"),
        ("we are being asked to do more with less", None, "ICB chair"),
        ("the biggest shake-up in a decade", None, "Secretary of State"),
    ]


def test_surnames_with_an_inner_capital_are_kept_whole(nlp):
    found = quotes(
        nlp,
        [
            "According to Dr Aileen MacDonald, head of research at the Carers Trust, "
            "“respite is the first thing to go”."
        ],
    )
    assert found == [
        (
            "respite is the first thing to go",
            "Dr Aileen MacDonald",
            "head of research at the Carers Trust",
        )
    ]


def test_letters_after_the_name_before_the_verb(nlp):
    found = quotes(
        nlp,
        [
            "The chair of the inquiry, Tom Hughes MP, said: “Families have waited long enough.”"
        ],
    )
    assert found == [("Families have waited long enough.", "Tom Hughes", None)]


def test_a_quotation_after_a_blank_line_is_not_in_the_last_ones_sentence():
    from evidence.analyse import analyse

    text = (
        "Asked about the budget, Ms Okafor said: “The money is not there.”\n\n"
        "“We will find it,” said Priya Shah, director of finance."
    )
    assert [
        (row["speaker"], row["role"]) for row in analyse(text) if row["kind"] == "quote"
    ] == [("Ms Okafor", None), ("Priya Shah", "director of finance")]


def test_the_body_that_heard_the_evidence_is_not_the_speaker(nlp):
    found = quotes(
        nlp,
        [
            "In her evidence to the Commission, Professor Dame Anne Lloyd said that "
            "the plans had been “far too narrow”."
        ],
    )
    assert found == [("far too narrow", "Professor Dame Anne Lloyd", None)]


def test_words_another_voice_owns_are_not_the_last_speakers(nlp):
    found = quotes(
        nlp,
        [
            "Ms Okafor told us: “We have no spare beds.”",
            "“Demand has outstripped supply,” the review concluded.",
        ],
    )
    # the review speaks its own words: a quote, but never Ms Okafor's
    assert found == [
        ("We have no spare beds.", "Ms Okafor", None),
        ("Demand has outstripped supply", "the review", None),
    ]
