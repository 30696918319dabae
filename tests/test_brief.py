"""The Word briefing, read back as Word would: python-docx for the body and
tables, lxml for word/footnotes.xml. Built from the sample corpus, ingested
once for the module; no LibreOffice or any other program is run."""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from lxml import etree

from evidence.brief import citation, printed_numbers, write_brief
from evidence.cli import cli
from evidence.ingest import ingest
from evidence.models import Passage
from evidence.passages import passage_id
from evidence.render import build_site
from evidence.render.views import DocView, FindingView, site_model
from evidence.store import Store
from evidence.themes import load_taxonomy
from evidence.wordml import ZIP_TIME, Note, Text, WordDocument

REPO = Path(__file__).resolve().parents[1]
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

NUFFIELD = "(The Nuffield Trust, Written evidence submitted by The Nuffield Trust (ICS0048), para {})"
NAO = "(National Audit Office, Introducing Integrated Care Systems: joining up local services to improve health outcomes, p. {})"
HSC = "(Health and Social Care Committee, Integrated care systems: freedom to deliver, HC 1187, para {})"
DHSC = (
    "(Department of Health and Social Care, Government response to the Health and Social Care Committee report: "
    "Integrated care systems: freedom to deliver, CP 912, p. {})"
)
HEALTH_FOUNDATION = "(The Health Foundation, Primary care networks and the digital front door: can ICSs close the gap?, para {})"


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("brief") / "index"
    report = ingest([REPO / "corpus"], index_dir=folder, workers=1)
    assert not report.failed
    return folder


def run(index_dir: Path, *args: str) -> object:
    return CliRunner().invoke(cli, ["--index-dir", str(index_dir), "brief", *args])


def footnotes(path: Path) -> dict[str, str]:
    """Footnote id -> its text, the separators (-1, 0) left out."""
    root = etree.fromstring(zipfile.ZipFile(path).read("word/footnotes.xml"))
    return {
        note.get(f"{W}id"): "".join(t.text for t in note.iter(f"{W}t")).strip()
        for note in root.iter(f"{W}footnote")
        if note.get(f"{W}type") is None
    }


def references(paragraph_element: etree._Element) -> list[str]:
    return [r.get(f"{W}id") for r in paragraph_element.iter(f"{W}footnoteReference")]


def test_a_theme_by_label_any_case(index_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "capital.docx"
    result = run(index_dir, "--theme", "CAPITAL and Estates", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert (
        result.output
        == f"Briefing on Capital and estates written to {out}: 8 figures, 4 recommendations, 14 footnotes\n"
    )

    document = docx.Document(str(out))
    headings = [
        (p.style.name, p.text)
        for p in document.paragraphs
        if p.style.name.startswith(("Title", "Heading"))
    ]
    assert headings == [
        ("Title", "Evidence briefing: Capital and estates"),
        ("Heading 1", "Capital and estates"),
        ("Heading 2", "Headline figures"),
        ("Heading 2", "Key figures"),
        ("Heading 2", "Recommendations"),
        ("Heading 3", "To NHS England (3)"),
        ("Heading 3", "To Department of Health and Social Care (1)"),
        ("Heading 3", "To HM Treasury (1)"),
    ]
    assert document.core_properties.title == "Evidence briefing: Capital and estates"

    notes = footnotes(out)
    assert list(notes) == [str(n) for n in range(1, 15)]
    # footnotes are numbered in reading order, each referenced once
    body = etree.fromstring(zipfile.ZipFile(out).read("word/document.xml"))
    assert references(body) == list(notes)

    [table] = document.tables
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[0] == ["Value", "What it measures", "Period", "Source"]
    # a row per sentence giving key figures: the survey's three shares in one row, durations left out
    assert len(rows) == 7
    assert rows[1] == [
        "£97m",
        "capital",
        "2023/24",
        "Department of Health and Social Care",
    ]
    assert rows[4][0] == "41%; 29%; 18%"
    assert rows[6][0] == "£3bn–£5bn"
    assert rows[6][2:] == ["—", "The Nuffield Trust"]
    # each figure's source cell carries its footnote
    table_refs = [references(row._tr) for row in table.rows]
    assert table_refs[0] == []
    assert all(len(refs) == 1 for refs in table_refs[1:])
    assert notes[table_refs[1][0]] == DHSC.format(2)
    assert notes[table_refs[3][0]] == NAO.format(3)
    assert notes[table_refs[6][0]] == NUFFIELD.format(
        "3.2"
    )  # the paragraph's own number
    assert notes[table_refs[5][0]] == HEALTH_FOUNDATION.format(
        6
    )  # no number printed: the ordinal

    paragraphs = document.paragraphs
    recs = [p for p in paragraphs if p.text.startswith("The Nuffield Trust: ")]
    assert [p.text for p in recs] == [
        "The Nuffield Trust: \u201c3.3 We urge NHS England to give systems indicative capital allocations covering "
        "several years, so that they can borrow against a predictable budget and join up estates plans with local "
        "authorities.\u201d"
    ]
    assert notes[references(recs[0]._p)[0]] == NUFFIELD.format("3.3")
    hsc = [
        p for p in paragraphs if p.text.startswith("Health and Social Care Committee: ")
    ]
    # the committee's recommendation, quoted again in the government's response, is given once: from the report
    # (para 4: the number Word's list numbering prints before it, not its place among the passages)
    assert [notes[references(p._p)[0]] for p in hsc] == [HSC.format(4)] * 2
    headline = paragraphs[[p.text for p in paragraphs].index("Headline figures") + 1]
    assert (
        headline.text
        == "£97m capital (2023/24) \u2014 Department of Health and Social Care"
    )
    assert headline.runs[0].bold and headline.runs[0].text == "£97m"


def test_the_briefing_shows_what_the_site_theme_page_shows(
    index_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "workforce.docx"
    with Store(index_dir) as store:
        report = write_brief(store, out, theme="workforce")
        model = site_model(store)
        build_site(store, tmp_path / "site")
    theme = model.theme_map["workforce"]
    [table] = docx.Document(str(out)).tables
    values = [row.cells[0].text for row in table.rows][1:]
    assert values == [
        "; ".join(f.data["surface"] for f in row.figures) for row in theme.figures
    ]
    assert [row.cells[3].text for row in table.rows][1:] == [
        row.first.doc.body for row in theme.figures
    ]
    page = (tmp_path / "site" / "themes" / "workforce.html").read_text(encoding="utf-8")
    section = page[
        page.index('<table id="theme-figures"') : page.index(
            "</table>", page.index('<table id="theme-figures"')
        )
    ]
    cells = re.findall(r"<td data-sort=\"[^\"]*\">(.*?)</td>", section)
    assert values == [
        "; ".join(
            v.replace("&#39;", "'") for v in re.findall(r"<strong>(.*?)</strong>", cell)
        )
        for cell in cells
    ]
    groups = [
        p.text
        for p in docx.Document(str(out)).paragraphs
        if p.style.name == "Heading 3"
    ]
    assert groups == [
        f"To {g.title} ({len(g.items)})"
        if g.title != "No addressee stated"
        else f"{g.title} ({len(g.items)})"
        for g in theme.recommendations
    ]
    assert groups[-1] == "No addressee stated (1)"
    assert report.themes == ("Workforce",)
    # key figures only, a row (and a footnote) per sentence; the workforce plan recommendation once, not twice
    assert (
        report.figures == 26 and report.recommendations == 7 and report.footnotes == 27
    )


def test_every_theme_a_section_in_the_taxonomy_order(
    index_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "briefing.docx"
    result = run(index_dir, "-o", str(out))
    assert result.exit_code == 0, result.output
    assert (
        result.output
        == f"Briefing on 12 themes written to {out}: 172 figures, 61 recommendations, 212 footnotes\n"
    )
    document = docx.Document(str(out))
    sections = [p for p in document.paragraphs if p.style.name == "Heading 1"]
    assert [p.text for p in sections] == [t.label for t in load_taxonomy().themes]
    breaks = [p.paragraph_format.page_break_before for p in sections]
    assert breaks == [None] + [True] * 11
    assert len(footnotes(out)) == 212


def test_same_store_same_bytes(index_dir: Path, tmp_path: Path) -> None:
    with Store(index_dir) as store:
        write_brief(store, tmp_path / "one.docx")
        write_brief(store, tmp_path / "two.docx")
    assert (tmp_path / "one.docx").read_bytes() == (tmp_path / "two.docx").read_bytes()
    with zipfile.ZipFile(tmp_path / "one.docx") as archive:
        assert {info.date_time for info in archive.infolist()} == {ZIP_TIME}
        assert archive.namelist() == [
            "[Content_Types].xml",
            "_rels/.rels",
            "docProps/core.xml",
            "word/document.xml",
            "word/styles.xml",
            "word/settings.xml",
            "word/footnotes.xml",
            "word/_rels/document.xml.rels",
        ]
    assert sorted(tmp_path.iterdir()) == [
        tmp_path / "one.docx",
        tmp_path / "two.docx",
    ]  # no part file left behind


def test_unknown_theme_is_one_line_listing_the_ids(
    index_dir: Path, tmp_path: Path
) -> None:
    result = run(index_dir, "--theme", "wellbeing", "-o", str(tmp_path / "x.docx"))
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: unknown theme 'wellbeing': use one of workforce, finance, capital, prevention, inequalities, "
        "social-care, primary-care, digital, governance, performance, integration, commissioning\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_a_missing_folder_is_one_line_and_nothing_is_left(
    index_dir: Path, tmp_path: Path
) -> None:
    target = tmp_path / "no-such-folder" / "brief.docx"
    result = run(index_dir, "-o", str(target))
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: cannot write the briefing to {target}: No such file or directory "
        "(choose a folder that exists and can be written)\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_no_other_program_is_needed(
    index_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Word output is written by the package alone: no LibreOffice, no subprocess, nothing on PATH."""
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"a program was run: {args}")

    monkeypatch.setattr(subprocess.Popen, "__init__", refuse)
    with Store(index_dir) as store:
        report = write_brief(store, tmp_path / "b.docx", theme="social-care")
    assert report.themes == ("Social care",)
    assert (
        docx.Document(str(tmp_path / "b.docx")).paragraphs[0].text
        == "Evidence briefing: Social care"
    )


def test_printed_paragraph_numbers() -> None:
    def passage(seq: int, text: str, kind: str = "paragraph") -> Passage:
        return Passage(passage_id("d", seq), "d", seq, text, None, None, kind)  # type: ignore[arg-type]

    passages = [
        passage(1, "1. Summary", "heading"),
        passage(2, "1.1 The trust is a charity."),
        passage(
            3, "42 Systems were set up in July."
        ),  # a count opening a sentence, with no neighbour
        passage(4, "7 Workforce shortages were the risk raised most."),
        passage(5, "8. Capital constraints limit what systems can change."),
        passage(6, "2022 Total 4,500", "table_row"),
        passage(7, "3 See the annex.", "footnote"),
        passage(8, "1.5 billion people live in cities."),
        passage(
            9, "12.1.4 \u201cWe cannot staff the beds,\u201d said one.", "list_item"
        ),
    ]
    assert printed_numbers(passages) == {
        "d-passage2": "1.1",
        "d-passage4": "7",
        "d-passage5": "8",
        "d-passage9": "12.1.4",
    }


def _finding(page: int | None, title: str, ref: str | None) -> FindingView:
    doc = DocView(
        "d",
        "docs/d.html",
        title,
        "The Body",
        None,
        None,
        None,
        None,
        ref,
        "d.txt",
        "txt",
        None,
    )
    return FindingView(
        "d-passage3-f1",
        "figure",
        "text",
        doc,
        "d-passage3",
        page,
        "docs/d.html#d-passage3",
        {},
        (),
    )


def test_citation_forms() -> None:
    passage = Passage("d-passage3", "d", 3, "Text.", None, None, "paragraph")

    def text(f: FindingView, printed: dict[str, str]) -> str:
        return "".join(run.text for run in citation(f, passage, printed))

    assert (
        text(_finding(4, "A report", "HC 12"), {"d-passage3": "2.1"})
        == "(The Body, A report, HC 12, p. 4)"
    )
    assert (
        text(_finding(None, "A report", "HC 12"), {"d-passage3": "2.1"})
        == "(The Body, A report, HC 12, para 2.1)"
    )
    assert text(_finding(None, "A report", None), {}) == "(The Body, A report, para 3)"
    # a reference the title already gives is not repeated
    assert (
        text(_finding(None, "Evidence from X (ICS0048)", "ICS0048"), {})
        == "(The Body, Evidence from X (ICS0048), para 3)"
    )
    runs = citation(_finding(None, "A report", None), passage, {})
    assert [(r.text, r.italic) for r in runs] == [
        ("(The Body, ", False),
        ("A report", True),
        (", para 3)", False),
    ]


def test_text_that_xml_cannot_hold_is_dropped_and_markup_stays_text(
    tmp_path: Path,
) -> None:
    doc = WordDocument("A <b>title</b>\x0b")
    doc.heading(1, "Heading & <i>more</i>")
    doc.paragraph(
        [
            Text("Line\x00 one\x0c and\ttwo  "),
            Note((Text("(Body <script>, T, p. 1)\ufffe"),)),
        ]
    )
    doc.save(tmp_path / "odd.docx")
    read = docx.Document(str(tmp_path / "odd.docx"))
    assert [p.text for p in read.paragraphs] == [
        "Heading & <i>more</i>",
        "Line one and\ttwo  ",
    ]
    assert read.core_properties.title == "A <b>title</b>"
    assert footnotes(tmp_path / "odd.docx") == {"1": "(Body <script>, T, p. 1)"}
