"""A small, exact store for the site tests: four sources on ICS themes and one hostile submission.

Written with the store's own API so the tests do not depend on the readers
or the NLP pipeline; offsets are computed from the text, never typed in.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from evidence.kinds import KINDS
from evidence.models import Finding, Metadata, Passage
from evidence.passages import passage_id
from evidence.store import Store

HOSTILE_TEXT = (
    'Read this <script>alert(1)</script> and <img src=x onerror="alert(2)"> now. '
    '<a href="javascript:alert(3)">click</a> then </textarea><b>bold</b> "quoted" & done.'
)

# (doc_id, path, metadata, [(kind, text, page)], [(passage index, kind, surface-or-sentence, data)])
DOCUMENTS: list[dict[str, Any]] = [
    {
        "doc_id": "nao-ics-review-a1b2c3",
        "path": "nao-ics-review.pdf",
        "meta": Metadata(
            "Introducing integrated care systems",
            "National Audit Office",
            "report",
            "2022-06-17",
            None,
        ),
        "passages": [
            ("heading", "Workforce", 1),
            (
                "paragraph",
                "The NHS had around 110,000 vacancies in 2022. Staff shortages limit what systems can do.",
                1,
            ),
            (
                "paragraph",
                "We recommend that NHS England publish a costed workforce plan by March 2023.",
                2,
            ),
            (
                "paragraph",
                "The capital regime makes it hard for systems to invest in buildings and equipment.",
                3,
            ),
        ],
        "findings": [
            (
                1,
                "figure",
                "around 110,000",
                {
                    "surface": "around 110,000",
                    "value": 110000.0,
                    "unit": None,
                    "figure_kind": "count",
                    "qualifier": "around",
                    "value_max": None,
                    "measure": "NHS vacancies",
                    "period": "2022",
                },
            ),
            (
                1,
                "claim",
                "Staff shortages limit what systems can do.",
                {"attributed_to": None, "hedged": False},
            ),
            (
                2,
                "recommendation",
                "We recommend that NHS England publish a costed workforce plan by March 2023.",
                {
                    "actor": "National Audit Office",
                    "target": "NHS England",
                    "action": "publish a costed workforce plan",
                },
            ),
            (
                3,
                "claim",
                "The capital regime makes it hard for systems to invest in buildings and equipment.",
                {"attributed_to": None, "hedged": False},
            ),
        ],
        "themes": {1: ["workforce"], 2: ["workforce"], 3: ["capital", "finance"]},
    },
    {
        "doc_id": "nhs-providers-ev-d4e5f6",
        "path": "evidence/nhs-providers.html",
        "meta": Metadata(
            "Written evidence from NHS Providers",
            "NHS Providers",
            "written evidence",
            "2022-09",
            "ICS0048",
        ),
        "passages": [
            (
                "paragraph",
                "Trusts report 132,000 vacancies across the NHS in 2022, a vacancy rate of 9.7%.",
                None,
            ),
            (
                "paragraph",
                "Staff shortages limit what integrated care systems can do.",
                None,
            ),
            (
                "paragraph",
                "The government should reform the capital regime so systems can plan beyond one year.",
                None,
            ),
            (
                "paragraph",
                "\u201cWe cannot staff the beds we have,\u201d said Jane Smith, chief executive of a trust.",
                None,
            ),
        ],
        "findings": [
            (
                0,
                "figure",
                "132,000",
                {
                    "surface": "132,000",
                    "value": 132000.0,
                    "unit": None,
                    "figure_kind": "count",
                    "qualifier": None,
                    "value_max": None,
                    "measure": "NHS vacancies",
                    "period": "2022",
                },
            ),
            (
                0,
                "figure",
                "9.7%",
                {
                    "surface": "9.7%",
                    "value": 9.7,
                    "unit": "%",
                    "figure_kind": "percent",
                    "qualifier": None,
                    "value_max": None,
                    "measure": "vacancy rate",
                    "period": "2022",
                },
            ),
            (
                1,
                "claim",
                "Staff shortages limit what integrated care systems can do.",
                {"attributed_to": None, "hedged": False},
            ),
            (
                2,
                "recommendation",
                "The government should reform the capital regime so systems can plan beyond one year.",
                {
                    "actor": None,
                    "target": "government",
                    "action": "reform the capital regime",
                },
            ),
            (
                3,
                "quote",
                "\u201cWe cannot staff the beds we have,\u201d",
                {"speaker": "Jane Smith", "role": "chief executive of a trust"},
            ),
        ],
        "themes": {
            0: ["workforce"],
            1: ["workforce"],
            2: ["capital", "finance"],
            3: ["workforce"],
        },
    },
    {
        "doc_id": "lga-briefing-0a9b8c",
        "path": "lga-briefing.txt",
        "meta": Metadata(
            "Briefing on social care funding",
            "Local Government Association",
            "commentary",
            "2023-01-10",
            None,
        ),
        "passages": [
            (
                "paragraph",
                "Councils face a \u00a31.5 billion gap in adult social care funding in 2023/24.",
                None,
            ),
            ("list_item", "DHSC should fund a pay rise for care workers.", None),
        ],
        "findings": [
            (
                0,
                "figure",
                "\u00a31.5 billion",
                {
                    "surface": "\u00a31.5 billion",
                    "value": 1.5e9,
                    "unit": "GBP",
                    "figure_kind": "money",
                    "qualifier": None,
                    "value_max": None,
                    "measure": "gap in adult social care funding",
                    "period": "2023/24",
                },
            ),
            (
                1,
                "recommendation",
                "DHSC should fund a pay rise for care workers.",
                {
                    "actor": None,
                    "target": "DHSC",
                    "action": "fund a pay rise for care workers",
                },
            ),
        ],
        "themes": {0: ["social-care"], 1: ["social-care", "workforce"]},
    },
    {
        "doc_id": "hostile-submission-ffffff",
        "path": "submissions/hostile.txt",
        "meta": Metadata(
            '<script>alert("title")</script>',
            "<b onmouseover=alert(4)>Mischief Ltd</b>",
            "written evidence",
            None,
            None,
        ),
        "passages": [
            ("paragraph", HOSTILE_TEXT, None),
        ],
        "findings": [
            (
                0,
                "claim",
                "<script>alert(1)</script>",
                {"attributed_to": "javascript:alert(5)", "hedged": True},
            ),
        ],
        "themes": {0: ["workforce"]},
    },
]


def make_store(index_dir: Path) -> Store:
    """Write the fixture documents and their themes; the caller closes the store."""
    store = Store(index_dir, create=True)
    passage_rows: list[tuple[str, str, float, str]] = []
    finding_rows: list[tuple[str, str]] = []
    for spec in DOCUMENTS:
        doc_id = spec["doc_id"]
        passages = [
            Passage(
                passage_id(doc_id, seq),
                doc_id,
                seq,
                text,
                page,
                None if kind == "heading" else "Workforce",
                kind,
            )
            for seq, (kind, text, page) in enumerate(spec["passages"], start=1)
        ]
        findings = []
        counters: dict[str, int] = {}
        for index, kind, surface, data in spec["findings"]:
            passage = passages[index]
            start = passage.text.index(surface)
            letter = KINDS.get(kind).letter
            counters[passage.passage_id + letter] = (
                counters.get(passage.passage_id + letter, 0) + 1
            )
            fid = (
                f"{passage.passage_id}-{letter}{counters[passage.passage_id + letter]}"
            )
            sentence = surface if kind != "figure" else passage.text.split(". ")[0]
            findings.append(
                (
                    fid,
                    passage.passage_id,
                    Finding(kind, start, start + len(surface), sentence, dict(data)),
                )
            )
            for theme in spec["themes"].get(index, []):
                finding_rows.append((fid, theme))
        for index, themes in spec["themes"].items():
            for theme in themes:
                passage_rows.append((passages[index].passage_id, theme, 1.0, "terms"))
        store.write_document(
            doc_id=doc_id,
            root="/corpus",
            path=spec["path"],
            sha256=doc_id,
            size=100,
            fmt=spec["path"].rsplit(".", 1)[-1],
            pages=3 if spec["path"].endswith(".pdf") else None,
            metadata=spec["meta"],
            passages=[(p, []) for p in passages],
            findings=findings,
            acronyms=[],
        )
    store.replace_themes(passage_rows, finding_rows)
    return store
