"""Generate a deterministic corpus of realistic policy documents for benchmarks.

    python benchmarks/make_corpus.py OUT_DIR --documents N [--seed S] [--stats] [--no-pdf]

Scale benchmarks need thousands of documents that look like what analysts
actually feed the tool: written evidence with inquiry codes, audit-report
summaries, press releases, commentary, committee reports and government
responses, as text, Markdown, HTML, DOCX and PDF. Everything is written by
this script from ``corpus_vocabulary.json`` (templates and word lists) and
the organisation gazetteer, so the figures, recommendations and quotes it
plants have the phrasing the extractors must cope with.

Each document is drawn from its own random stream seeded by (seed, number),
so the same N and seed give byte-identical files, and each file is written
as soon as it is made: memory does not grow with N. DOCX and PDF carry fixed
dates (and fixed zip timestamps) for the same reason.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import re
import sys
import textwrap
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
VOCABULARY = HERE / "corpus_vocabulary.json"
#: Every generated DOCX/PDF claims this moment, so reruns give the same bytes.
FIXED_DATE = datetime(2024, 1, 1, 9, 0, 0, tzinfo=UTC)
FIXED_ZIP_TIME = (2024, 1, 1, 9, 0, 0)

FORMAT_WEIGHTS = (("txt", 33), ("md", 25), ("html", 27), ("docx", 10), ("pdf", 5))
DOC_TYPE_WEIGHTS = (
    ("written evidence", 40),
    ("audit report", 10),
    ("press release", 15),
    ("commentary", 15),
    ("committee report", 10),
    ("government response", 10),
)
#: (low, high) words aimed at per document type; the mean over the mix is about 1,500.
LENGTHS = {
    "written evidence": (500, 1900),
    "audit report": (1100, 2800),
    "press release": (300, 700),
    "commentary": (700, 1500),
    "committee report": (1600, 3200),
    "government response": (800, 2200),
}
PARAGRAPH_WORDS = (40, 150)
#: Sentence kinds and their weights in ordinary sections and in recommendation sections.
BODY_MIX = (
    ("plain", 40),
    ("money", 11),
    ("percent", 10),
    ("ratio", 5),
    ("count", 6),
    ("duration", 5),
    ("claim", 11),
    ("recommendation", 6),
    ("quote", 3),
)
RECOMMENDATION_MIX = (
    ("recommendation", 60),
    ("plain", 18),
    ("money", 8),
    ("percent", 6),
    ("claim", 8),
)
PRESS_MIX = (
    ("plain", 30),
    ("money", 10),
    ("percent", 14),
    ("ratio", 8),
    ("count", 6),
    ("duration", 4),
    ("claim", 8),
    ("recommendation", 5),
    ("quote", 15),
)
#: Gazetteer entries that name a kind of body, not one body: never a document's author.
GENERIC_BODIES = frozenset(
    {
        "government",
        "integrated care boards",
        "integrated care systems",
        "integrated care partnerships",
        "primary care networks",
        "clinical commissioning groups",
        "local authorities",
    }
)
_SLOT = re.compile(r"\{(\w+)\}")
_PDF_SAFE = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u00b7": "-",
    }
)


# -- the words ----------------------------------------------------------------


@dataclass(frozen=True)
class Vocabulary:
    """Everything the generator draws on, loaded once."""

    data: dict[str, Any]
    bodies: tuple[str, ...]  # named bodies that can author a document
    mentions: tuple[str, ...]  # names and acronyms a sentence may cite
    themes: tuple[str, ...]

    @classmethod
    def load(cls) -> Vocabulary:
        import evidence

        data = json.loads(VOCABULARY.read_text(encoding="utf-8"))
        gazetteer_path = (
            Path(evidence.__file__).resolve().parent
            / "nlp"
            / "patterns"
            / "organisations.json"
        )
        gazetteer = json.loads(gazetteer_path.read_text(encoding="utf-8"))[
            "organisations"
        ]
        bodies = tuple(o["name"] for o in gazetteer if o["name"] not in GENERIC_BODIES)
        mentions = bodies + tuple(
            a
            for o in gazetteer
            if o["name"] not in GENERIC_BODIES
            for a in o.get("acronyms", [])[:1]
        )
        return cls(data, bodies, mentions, tuple(sorted(data["themes"])))


def _weighted(rng: random.Random, pairs: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _grouped(number: int) -> str:
    return f"{number:,}"


class Writer:
    """Fills templates for one document from one random stream."""

    def __init__(
        self, vocab: Vocabulary, rng: random.Random, org: str, place: str
    ) -> None:
        self.vocab = vocab
        self.rng = rng
        self.org = org
        self.place = place
        self.theme = vocab.themes[0]
        self.slots: dict[str, Callable[[], str]] = {
            "org": self._mention,
            "org2": self._mention,
            "target": lambda: rng.choice(vocab.data["targets"]),
            "place": self._place,
            "place2": self._place,
            "topic": lambda: rng.choice(self._theme()["topics"]),
            "topic2": self._other_topic,
            "verb": lambda: rng.choice(self._theme()["verbs"]),
            "measure": lambda: rng.choice(self._theme()["measures"]),
            "money": self.money,
            "money2": self.money,
            "pct": self.percent,
            "ratio": self.ratio,
            "count": self.count,
            "dur": self.duration,
            "fy": self.financial_year,
            "year": lambda: str(rng.randint(2010, 2018)),
            "year2": lambda: str(rng.randint(2019, 2024)),
            "person": self.person,
            "role": lambda: rng.choice(vocab.data["roles"]),
            "adj": lambda: rng.choice(vocab.data["adjectives"]),
            "adv": lambda: rng.choice(vocab.data["adverbs"]),
        }

    # figures, in the forms documents use
    def money(self) -> str:
        rng = self.rng
        form = rng.randrange(7)
        if form == 0:
            return f"£{rng.randint(11, 149) / 10:g}bn"
        if form == 1:
            return f"£{rng.randint(11, 99) / 10:g} billion"
        if form == 2:
            return f"£{rng.randint(2, 950)}m"
        if form == 3:
            return f"£{rng.randint(2, 950)} million"
        if form == 4:
            return f"£{_grouped(rng.randint(15, 950) * 1000)}"
        if form == 5:
            return f"£{rng.randint(12, 99) / 10:g}m"
        return f"around £{rng.randint(2, 40) * 25} million"

    def percent(self) -> str:
        rng = self.rng
        form = rng.randrange(3)
        if form == 0:
            return f"{rng.randint(3, 92)}%"
        if form == 1:
            return f"{rng.randint(3, 92)} per cent"
        return f"{rng.randint(30, 920) / 10:g}%"

    def ratio(self) -> str:
        rng = self.rng
        words = self.vocab.data["number_words"]
        form = rng.randrange(4)
        if form == 0:
            return f"one in {rng.choice(words[1:10])}"
        if form == 1:
            whole = rng.choice((42, 42, 20, 50, 100, 135))
            return f"{rng.randint(2, whole - 1)} out of {whole}"
        if form == 2:
            return rng.choice(self.vocab.data["fraction_words"])
        top = rng.randint(2, 9)
        return f"{words[top - 1]} in ten"

    def count(self) -> str:
        rng = self.rng
        number = rng.choice(
            (rng.randint(12, 99), rng.randint(100, 999), rng.randint(1000, 48000))
        )
        return f"{_grouped(number)} {rng.choice(self._theme()['measures'])}"

    def duration(self) -> str:
        rng = self.rng
        words = self.vocab.data["number_words"]
        form = rng.randrange(4)
        if form == 0:
            return f"{rng.choice(words[1:5])} years"
        if form == 1:
            return f"{rng.choice((6, 9, 12, 18, 24))} months"
        if form == 2:
            return f"{rng.choice(words[1:11])} weeks"
        return f"{rng.choice((3, 5, 10, 14, 28))} days"

    def financial_year(self) -> str:
        start = self.rng.randint(2019, 2026)
        return (
            f"{start}-{(start + 1) % 100:02d}"
            if self.rng.random() < 0.6
            else f"{start}/{(start + 1) % 100:02d}"
        )

    def person(self) -> str:
        data = self.vocab.data
        return f"{self.rng.choice(data['first_names'])} {self.rng.choice(data['last_names'])}"

    def _place(self) -> str:
        return (
            self.place
            if self.rng.random() < 0.6
            else self.rng.choice(self.vocab.data["places"])
        )

    def _mention(self) -> str:
        return (
            self.org
            if self.rng.random() < 0.3
            else self.rng.choice(self.vocab.mentions)
        )

    def _theme(self) -> dict[str, Any]:
        return self.vocab.data["themes"][self.theme]

    def _other_topic(self) -> str:
        theme = (
            self.theme
            if self.rng.random() < 0.6
            else self.rng.choice(self.vocab.themes)
        )
        return self.rng.choice(self.vocab.data["themes"][theme]["topics"])

    def _fill(self, match: re.Match[str]) -> str:
        name = match.group(1)
        if name.endswith("_cap"):
            return _cap(self.slots[name[:-4]]())
        return self.slots[name]()

    def fill(self, template: str) -> str:
        return _cap(_SLOT.sub(self._fill, template))

    def sentence(self, kind: str) -> str:
        return self.fill(self.rng.choice(self.vocab.data["sentences"][kind]))

    def paragraph(self, mix: tuple[tuple[str, int], ...]) -> str:
        """Sentences until the paragraph is 40-150 words long."""
        low, high = PARAGRAPH_WORDS
        aim = self.rng.randint(low, high)
        sentences: list[str] = []
        words = 0
        while words < aim:
            sentence = self.sentence(_weighted(self.rng, mix))
            size = len(sentence.split())
            if words + size > high and words >= low:
                break
            sentences.append(sentence)
            words += size
        return " ".join(sentences)


# -- documents as blocks ------------------------------------------------------


@dataclass
class Doc:
    """A generated document before it is given a format."""

    name: str
    doc_type: str
    title: str
    org: str
    date: datetime
    blocks: list[tuple[str, str, int]] = field(
        default_factory=list
    )  # (kind, text, level)
    #: Words in the blocks so far (the title is counted by ``words``).
    body_words: int = 0

    def add(self, kind: str, text: str, level: int = 0) -> None:
        self.blocks.append((kind, text, level))
        self.body_words += len(text.split())

    def words(self) -> int:
        return len(self.title.split()) + self.body_words

    @property
    def date_text(self) -> str:
        return f"{self.date.day} {self.date.strftime('%B %Y')}"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40].strip("-")


def _author(vocab: Vocabulary, rng: random.Random, doc_type: str, place: str) -> str:
    if doc_type == "audit report":
        return "National Audit Office"
    if doc_type == "committee report":
        return "Health and Social Care Committee"
    if doc_type == "government response":
        return "Department of Health and Social Care"
    if doc_type == "written evidence" and rng.random() < 0.4:
        pattern = rng.choice(vocab.data["local_bodies"])
        return pattern.format(place=place, place2=rng.choice(vocab.data["places"]))
    return rng.choice(vocab.bodies)


def _body(
    doc: Doc,
    writer: Writer,
    words: int,
    *,
    numbered: bool,
    mix: tuple[tuple[str, int], ...],
) -> int:
    """Themed sections until the document reaches ``words``; returns the last paragraph number."""
    rng = writer.rng
    vocab = writer.vocab
    themes = rng.sample(vocab.themes, rng.randint(2, 4))
    number = 0
    section = 0
    while doc.words() < words:
        writer.theme = themes[section % len(themes)]
        section += 1
        doc.add(
            "heading", rng.choice(vocab.data["themes"][writer.theme]["headings"]), 2
        )
        for _ in range(rng.randint(2, 5)):
            if rng.random() < 0.15:
                for _item in range(rng.randint(3, 6)):
                    doc.add("item", writer.sentence(_weighted(rng, mix)))
                continue
            text = writer.paragraph(mix)
            if numbered:
                number += 1
                text = f"{number}. {text}"
            doc.add("para", text)
            if doc.words() >= words:
                break
    return number


def _recommendations(
    doc: Doc, writer: Writer, count: int, *, start: int, numbered: bool
) -> None:
    rng = writer.rng
    doc.add(
        "heading",
        writer.fill(
            rng.choice(writer.vocab.data["section_openers"]["recommendations"])
        ),
        2,
    )
    for offset in range(count):
        writer.theme = rng.choice(writer.vocab.themes)
        text = (
            writer.paragraph(RECOMMENDATION_MIX)
            if rng.random() < 0.5
            else writer.sentence("recommendation")
        )
        if numbered:
            doc.add("para", f"{start + offset + 1}. {text}")
        else:
            doc.add("item", text)


def make_document(vocab: Vocabulary, seed: int, number: int) -> Doc:
    """Document ``number`` of the corpus for ``seed``; depends on nothing else."""
    rng = random.Random(f"evidence-corpus:{seed}:{number}")
    doc_type = _weighted(rng, DOC_TYPE_WEIGHTS)
    place = rng.choice(vocab.data["places"])
    org = _author(vocab, rng, doc_type, place)
    writer = Writer(vocab, rng, org, place)
    writer.theme = rng.choice(vocab.themes)
    date = datetime(rng.randint(2022, 2025), rng.randint(1, 12), rng.randint(1, 28))
    aim = rng.randint(*LENGTHS[doc_type])
    inquiry = rng.choice(vocab.data["inquiries"])
    opener = vocab.data["section_openers"]
    if doc_type == "written evidence":
        ref = f"{inquiry['code']}{number % 9999 + 1:04d}"
        title = f"Written evidence submitted by {org} ({ref})"
        doc = Doc("", doc_type, title, org, date)
        doc.add(
            "para",
            f"Submitted to the Health and Social Care Committee inquiry: {inquiry['title']}. {doc.date_text}.",
        )
        doc.add("heading", writer.fill(rng.choice(opener["about"])), 2)
        doc.add("para", writer.paragraph(BODY_MIX))
        doc.add("heading", rng.choice(opener["summary"]), 2)
        for _ in range(rng.randint(3, 5)):
            doc.add("item", writer.sentence(_weighted(rng, BODY_MIX)))
        last = _body(doc, writer, aim, numbered=True, mix=BODY_MIX)
        _recommendations(doc, writer, rng.randint(3, 6), start=last, numbered=True)
        doc.add("para", f"{org}, {doc.date.strftime('%B %Y')}")
    elif doc_type == "audit report":
        title = writer.fill(rng.choice(vocab.data["titles"]["audit report"]))
        doc = Doc("", doc_type, title, org, date)
        doc.add(
            "para",
            f"Report by the Comptroller and Auditor General. Department of Health and Social Care, NHS England. Published {doc.date_text}.",
        )
        doc.add("heading", "Key findings", 2)
        for _ in range(rng.randint(4, 7)):
            doc.add(
                "item",
                writer.sentence(
                    _weighted(
                        rng,
                        (
                            ("money", 4),
                            ("percent", 3),
                            ("ratio", 2),
                            ("count", 2),
                            ("claim", 3),
                        ),
                    )
                ),
            )
        _body(doc, writer, aim, numbered=True, mix=BODY_MIX)
        doc.add("heading", "Conclusion on value for money", 2)
        doc.add("para", writer.paragraph((("claim", 5), ("plain", 3), ("money", 2))))
        _recommendations(doc, writer, rng.randint(3, 7), start=0, numbered=False)
        doc.add("para", f"© National Audit Office {date.year}")
    elif doc_type == "press release":
        title = writer.fill(rng.choice(vocab.data["titles"]["press release"]))
        doc = Doc("", doc_type, title, org, date)
        doc.add("para", f"Press release · {doc.date_text}")
        doc.add("para", writer.paragraph(PRESS_MIX))
        while doc.words() < aim:
            doc.add("para", writer.paragraph(PRESS_MIX))
        doc.add("heading", rng.choice(opener["notes"]), 2)
        doc.add(
            "item",
            f"{org} is an independent body working across health and care in England.",
        )
        doc.add("item", writer.sentence(_weighted(rng, (("count", 1), ("percent", 1)))))
        doc.add("item", f"For media enquiries contact the {org} press office.")
    elif doc_type == "commentary":
        title = writer.fill(rng.choice(vocab.data["titles"]["commentary"]))
        doc = Doc("", doc_type, title, org, date)
        doc.add(
            "para",
            f"Long read · {org} · {writer.person()}, {rng.choice(vocab.data['roles'])} · {doc.date_text}",
        )
        doc.add("para", writer.paragraph(BODY_MIX))
        _body(doc, writer, aim, numbered=False, mix=BODY_MIX)
        doc.add("heading", rng.choice(opener["recommendations"]), 2)
        doc.add("para", writer.paragraph(RECOMMENDATION_MIX))
    elif doc_type == "committee report":
        title = writer.fill(rng.choice(vocab.data["titles"]["committee report"]))
        doc = Doc("", doc_type, title, org, date)
        session = date.year if date.month >= 11 else date.year - 1
        doc.add(
            "para",
            f"Health and Social Care Committee. Report of Session {session}–{(session + 1) % 100:02d}. HC {rng.randint(100, 1500)}.",
        )
        doc.add(
            "para", f"Ordered by the House of Commons to be printed {doc.date_text}."
        )
        doc.add("heading", "Summary", 2)
        doc.add("para", writer.paragraph(BODY_MIX))
        last = _body(doc, writer, aim, numbered=True, mix=BODY_MIX)
        _recommendations(doc, writer, rng.randint(5, 10), start=last, numbered=True)
    else:
        writer.theme = rng.choice(vocab.themes)
        title = writer.fill(rng.choice(vocab.data["titles"]["government response"]))
        doc = Doc("", doc_type, title, org, date)
        doc.add(
            "para",
            f"Presented to Parliament by the Secretary of State for Health and Social Care. {doc.date_text}.",
        )
        doc.add("heading", "Introduction", 2)
        doc.add("para", writer.paragraph(BODY_MIX))
        number_of = 0
        while doc.words() < aim:
            number_of += 1
            writer.theme = rng.choice(vocab.themes)
            doc.add("heading", f"Recommendation {number_of}", 3)
            doc.add("para", writer.sentence("recommendation"))
            doc.add("heading", "Response", 3)
            verdict = rng.choice(
                (
                    "The government accepts this recommendation.",
                    "The government partially accepts this recommendation.",
                    "The government does not accept this recommendation.",
                )
            )
            doc.add("para", f"{verdict} {writer.paragraph(BODY_MIX)}")
    doc.name = f"{number:05d}-{_slug(org)}-{_slug(doc_type)}"
    return doc


# -- formats --------------------------------------------------------------------


def render_txt(doc: Doc, rng: random.Random) -> bytes:
    wrap = rng.random() < 0.3
    bullet = rng.choice(("* ", "- ", "• "))
    lines = [doc.title.upper() if rng.random() < 0.5 else doc.title, ""]
    for kind, text, _level in doc.blocks:
        if kind == "heading":
            lines.append(text)
        elif kind == "item":
            lines.append(bullet + text)
            continue
        elif wrap:
            lines.append(
                textwrap.fill(text, 78, break_long_words=False, break_on_hyphens=False)
            )
        else:
            lines.append(text)
        lines.append("")
    return ("\n".join(lines).rstrip("\n") + "\n").encode("utf-8")


def render_md(doc: Doc, rng: random.Random) -> bytes:
    lines: list[str] = []
    if rng.random() < 0.3:
        lines += [
            "---",
            f'title: "{doc.title}"',
            f'organisation: "{doc.org}"',
            f"date: {doc.date:%Y-%m-%d}",
            "---",
            "",
        ]
    lines += [f"# {doc.title}", ""]
    previous = ""
    for kind, text, level in doc.blocks:
        if kind != "item" and previous == "item":
            lines.append("")
        if kind == "heading":
            lines += [f"{'#' * level} {text}", ""]
        elif kind == "item":
            lines.append(f"- {text}")
        else:
            lines += [text, ""]
        previous = kind
    return ("\n".join(lines).rstrip("\n") + "\n").encode("utf-8")


def render_html(doc: Doc, rng: random.Random) -> bytes:
    out = [
        "<!DOCTYPE html>",
        '<html lang="en-GB">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{escape(doc.title)} | {escape(doc.org)}</title>",
        f'<meta name="author" content="{escape(doc.org)}">',
        f'<meta property="article:published_time" content="{doc.date:%Y-%m-%d}">',
        '<link rel="stylesheet" href="/assets/site.css">',
        "</head>",
        "<body>",
        '<header class="site-header">',
        f'<a class="logo" href="/">{escape(doc.org)}</a>',
        '<nav aria-label="Main"><ul><li><a href="/about">About us</a></li><li><a href="/publications">Publications</a></li>'
        '<li><a href="/news">News</a></li><li><a href="/contact">Contact</a></li></ul></nav>',
        "</header>",
        '<main id="main-content">',
        "<article>",
        f"<h1>{escape(doc.title)}</h1>",
    ]
    in_list = False
    for kind, text, level in doc.blocks:
        if kind == "item":
            if not in_list:
                out.append("<ul>")
                in_list = True
            out.append(f"<li>{escape(text, quote=False)}</li>")
            continue
        if in_list:
            out.append("</ul>")
            in_list = False
        if kind == "heading":
            out.append(f"<h{level}>{escape(text, quote=False)}</h{level}>")
        else:
            out.append(f"<p>{escape(text, quote=False)}</p>")
    if in_list:
        out.append("</ul>")
    out += [
        "</article>",
        "</main>",
        f'<footer class="site-footer"><p>© {doc.date.year} {escape(doc.org)}. All rights reserved.</p>'
        '<p><a href="/privacy">Privacy</a> · <a href="/cookies">Cookies</a> · <a href="/accessibility">Accessibility</a></p></footer>',
        "</body>",
        "</html>",
    ]
    return ("\n".join(out) + "\n").encode("utf-8")


def _fixed_zip(data: bytes) -> bytes:
    """The same zip with every entry stamped FIXED_ZIP_TIME, in the same order."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


def render_docx(doc: Doc, rng: random.Random) -> bytes:
    import docx

    document = docx.Document()
    props = document.core_properties
    props.title = doc.title
    props.author = doc.org
    props.last_modified_by = doc.org
    props.created = FIXED_DATE.replace(tzinfo=None)
    props.modified = FIXED_DATE.replace(tzinfo=None)
    props.revision = 1

    def add(text: str, style_id: str | None) -> None:
        # Setting the style id directly: python-docx's lookup by style name
        # scans the style table on every paragraph (milliseconds each).
        paragraph = document.add_paragraph(text)
        if style_id is not None:
            paragraph._p.get_or_add_pPr().style = style_id

    add(doc.title, "Title" if rng.random() < 0.5 else "Heading1")
    for kind, text, level in doc.blocks:
        if kind == "heading":
            add(text, f"Heading{min(level, 3)}")
        elif kind == "item":
            add(text, "ListBullet")
        else:
            add(text, None)
    buffer = io.BytesIO()
    document.save(buffer)
    return _fixed_zip(buffer.getvalue())


#: PDF layout: A4 in millimetres, Helvetica 11 pt body; lines are broken here by
#: character count (fpdf2's own measured line breaking costs ~0.5 s a document).
_PDF_LINE_CHARS = 92
_PDF_TOP, _PDF_BOTTOM, _PDF_LEFT = 20.0, 277.0, 20.0


def render_pdf(doc: Doc, rng: random.Random) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(format="A4", unit="mm")
    pdf.set_creation_date(FIXED_DATE)
    pdf.set_title(doc.title.translate(_PDF_SAFE))
    pdf.set_author(doc.org.translate(_PDF_SAFE))
    pdf.set_auto_page_break(False)
    y = _PDF_BOTTOM + 1

    def put(
        lines: list[str], style: str, size: float, leading: float, indent: float = 0.0
    ) -> None:
        nonlocal y
        pdf.set_font("helvetica", style, size)
        for line in lines:
            if y + leading > _PDF_BOTTOM:
                pdf.add_page()
                y = _PDF_TOP
            y += leading
            pdf.text(_PDF_LEFT + indent, y, line)

    put(textwrap.wrap(doc.title.translate(_PDF_SAFE), 60), "B", 16, 8.0)
    y += 4
    for kind, text, level in doc.blocks:
        safe = text.translate(_PDF_SAFE)
        if kind == "heading":
            y += 3
            put(textwrap.wrap(safe, 70), "B", 14 if level <= 2 else 12, 7.0)
            y += 1
        elif kind == "item":
            put(textwrap.wrap(f"- {safe}", _PDF_LINE_CHARS - 4), "", 11, 5.5, indent=6)
        else:
            put(textwrap.wrap(safe, _PDF_LINE_CHARS), "", 11, 5.5)
            y += 2.5
    return bytes(pdf.output())


RENDERERS: dict[str, Callable[[Doc, random.Random], bytes]] = {
    "txt": render_txt,
    "md": render_md,
    "html": render_html,
    "docx": render_docx,
    "pdf": render_pdf,
}


# -- the corpus -----------------------------------------------------------------


@dataclass
class Stats:
    """What was written: the --stats JSON."""

    documents: int = 0
    words: int = 0
    bytes: int = 0
    by_format: dict[str, dict[str, int]] = field(default_factory=dict)
    by_type: dict[str, int] = field(default_factory=dict)

    def add(self, fmt: str, doc_type: str, words: int, size: int) -> None:
        self.documents += 1
        self.words += words
        self.bytes += size
        entry = self.by_format.setdefault(fmt, {"documents": 0, "words": 0, "bytes": 0})
        entry["documents"] += 1
        entry["words"] += words
        entry["bytes"] += size
        self.by_type[doc_type] = self.by_type.get(doc_type, 0) + 1

    def as_json(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "words": self.words,
            "bytes": self.bytes,
            "by_format": {k: self.by_format[k] for k in sorted(self.by_format)},
            "by_type": {k: self.by_type[k] for k in sorted(self.by_type)},
        }


def documents(
    count: int, seed: int, *, pdf: bool = True, docx: bool = True
) -> Iterator[tuple[str, str, str, int, bytes]]:
    """(file name, format, doc type, words, bytes) for each document, one at a time."""
    vocab = Vocabulary.load()
    for number in range(count):
        doc = make_document(vocab, seed, number)
        fmt_rng = random.Random(f"evidence-format:{seed}:{number}")
        fmt = _weighted(fmt_rng, FORMAT_WEIGHTS)
        if fmt == "pdf" and not pdf:
            fmt = "docx" if docx else "html"
        if fmt == "docx" and not docx:
            fmt = "html"
        data = RENDERERS[fmt](doc, fmt_rng)
        yield f"{doc.name}.{fmt}", fmt, doc.doc_type, doc.words(), data


def generate(
    out_dir: Path, count: int, seed: int = 1, *, pdf: bool = True, docx: bool = True
) -> Stats:
    """Write ``count`` documents into ``out_dir`` (created if needed), each as it is made."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stats = Stats()
    for name, fmt, doc_type, words, data in documents(count, seed, pdf=pdf, docx=docx):
        (out_dir / name).write_bytes(data)
        stats.add(fmt, doc_type, words, len(data))
    return stats


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument(
        "--documents", type=int, required=True, help="how many documents to write"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--stats",
        action="store_true",
        help="print documents, words and bytes (by format) as JSON",
    )
    parser.add_argument(
        "--no-pdf",
        action="store_true",
        help="no PDFs (fpdf2 is a test extra); their share goes to DOCX",
    )
    args = parser.parse_args(argv)
    if args.documents < 1:
        parser.error("--documents must be at least 1")
    if not args.no_pdf:
        try:
            import fpdf  # noqa: F401
        except ImportError:
            parser.error(
                "fpdf2 is not installed: install the test extra (pip install -e '.[test]') or pass --no-pdf"
            )
    stats = generate(args.out_dir, args.documents, args.seed, pdf=not args.no_pdf)
    if args.stats:
        print(json.dumps(stats.as_json(), indent=1))
    else:
        print(
            f"{stats.documents} documents, {stats.words} words, {stats.bytes} bytes in {args.out_dir}",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
