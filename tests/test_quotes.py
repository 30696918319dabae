"""Quotations: each attribution form of issue 4 with its exact speaker, role and quoted words."""

from __future__ import annotations

from typing import Any

import pytest

from evidence.nlp.pipeline import findings_from_doc, make_docs


@pytest.fixture(scope="module")
def nlp(quotes_nlp):
    return quotes_nlp


def quotes(
    nlp, passages: list[str], doc_org: str | None = None
) -> list[dict[str, Any]]:
    """Quote findings over the paragraphs of one document: (text, speaker, role) dicts."""
    items = [(p, {"kind": "paragraph", "heading": None}) for p in passages]
    out = []
    for doc in nlp.pipe(make_docs(nlp, items, {"doc_org": doc_org})):
        out += [
            {"text": f.text, **f.data}
            for f in findings_from_doc(doc)
            if f.kind == "quote"
        ]
    return out


def test_name_role_says_colon(nlp):
    found = quotes(
        nlp,
        [
            "Gareth Davies, head of the NAO says: “ICSs need time and stable funding to show what they can do.”"
        ],
    )
    assert found == [
        {
            "text": "ICSs need time and stable funding to show what they can do.",
            "speaker": "Gareth Davies",
            "role": "head of the NAO",
        }
    ]


def test_quotation_over_several_paragraphs(nlp):
    found = quotes(
        nlp,
        [
            "Sarah Walter, director of NHS Confederation's ICS Network, said: “Leaders back the reforms. They have seen what joint working can do.",
            "“But they need the freedom to get on with it.”",
            "The survey ran in April.",
            "“Quotes after an unquoted paragraph are not carried over,” the report notes in passing here.",
        ],
    )
    assert found == [
        {
            "text": "Leaders back the reforms. They have seen what joint working can do.",
            "speaker": "Sarah Walter",
            "role": "director of NHS Confederation's ICS Network",
        },
        {
            "text": "But they need the freedom to get on with it.",
            "speaker": "Sarah Walter",
            "role": "director of NHS Confederation's ICS Network",
        },
    ]


def test_said_sir_after_the_quotation(nlp):
    found = quotes(
        nlp,
        [
            "“Something has to give,” said Sir Malcolm Treharne, chair of NHS Hartleydale and Westmoor Integrated Care Board. “It will be prevention.”"
        ],
    )
    assert found == [
        {
            "text": "Something has to give",
            "speaker": "Sir Malcolm Treharne",
            "role": "chair of NHS Hartleydale and Westmoor Integrated Care Board",
        },
        {
            "text": "It will be prevention.",
            "speaker": "Sir Malcolm Treharne",
            "role": "chair of NHS Hartleydale and Westmoor Integrated Care Board",
        },
    ]


def test_role_before_name_and_name_before_verb(nlp):
    found = quotes(
        nlp,
        [
            "“We cannot keep cutting,” said NHS Providers chief executive Amara Osei.",
            "“Every system is different,” Tom Reyes, a GP in Leeds who chairs the local network, said.",
        ],
    )
    assert [(f["speaker"], f["role"]) for f in found] == [
        ("Amara Osei", "NHS Providers chief executive"),
        ("Tom Reyes", "a GP in Leeds"),
    ]


def test_she_added_takes_the_last_speaker(nlp):
    found = quotes(
        nlp,
        [
            "Priya Raman, director of policy at NHS Providers, said: “Trusts are doing all they can.”",
            "She added: “The money has to follow the patients.”",
        ],
    )
    assert [(f["text"], f["speaker"]) for f in found] == [
        ("Trusts are doing all they can.", "Priya Raman"),
        ("The money has to follow the patients.", "Priya Raman"),
    ]


def test_reported_speech_running_into_a_quotation(nlp):
    found = quotes(
        nlp,
        [
            "Anjali Mistry, chief executive of a large ICB, said the cut had “forced us to stop duplicating work”, and argued for more."
        ],
    )
    assert found == [
        {
            "text": "forced us to stop duplicating work",
            "speaker": "Anjali Mistry",
            "role": "chief executive of a large ICB",
        }
    ]


def test_unnamed_speakers_keep_their_role(nlp):
    found = quotes(
        nlp,
        [
            "An NHS England spokesperson said: “ICBs have a vital role in leading their local systems.”",
            'One carer told us: "I am the only person who knows the whole story."',
        ],
    )
    assert [(f["text"], f["speaker"], f["role"]) for f in found] == [
        (
            "ICBs have a vital role in leading their local systems.",
            None,
            "NHS England spokesperson",
        ),
        ("I am the only person who knows the whole story.", None, "carer"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Twenty years of reform have produced “at best modest” improvements.",
        "The plan promised a “permission to be different” for systems.",
        "“A long quotation with nobody named as saying it, and nothing after it.”",
    ],
)
def test_not_quotes(nlp, text):
    assert quotes(nlp, [text]) == []


def test_a_body_that_speaks_is_the_speaker(nlp):
    found = quotes(
        nlp,
        [
            "NHS Providers said: “Trusts are under pressure from every side this winter.”"
        ],
    )
    assert [(f["text"], f["speaker"], f["role"]) for f in found] == [
        (
            "Trusts are under pressure from every side this winter.",
            "NHS Providers",
            None,
        )
    ]


def test_span_covers_the_quoted_words_without_marks(nlp):
    doc = nlp("Gareth Davies, head of the NAO, said: “Time matters.”")
    (span,) = doc.spans["quotes"]
    assert (span.text, span.label_) == ("Time matters.", "QUOTE")
