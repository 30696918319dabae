"""Readers on documents shaped like the real ones: notes, text boxes, furniture, conversions.

Every fixture is built here: DOCX files with python-docx, and raw XML parts
added where python-docx cannot write them (notes, comments, text boxes,
Strict Open XML); Markdown, HTML and text as strings.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from docx import Document
from docx.oxml import parse_xml

from evidence.errors import ReaderError
from evidence.models import Block
from evidence.readers import read_bytes

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NSDECL = (
    f'xmlns:w="{W_NS}" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:v="urn:schemas-microsoft-com:vml"'
)
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _shape(blocks: list[Block]) -> list[tuple[str, str, int]]:
    return [(b.kind, b.text, b.level) for b in blocks]


def _saved(document: Document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _run(xml: str):
    return parse_xml(f"<w:r {NSDECL}>{xml}</w:r>")


def _with_parts(data: bytes, parts: dict[str, str]) -> bytes:
    """The package with extra parts under word/, each related to the main document by its type name."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "word/_rels/document.xml.rels":
                extra = "".join(
                    f'<Relationship Id="rIdTest{n}" Type="{REL}/{kind}" Target="{kind}.xml"/>'
                    for n, kind in enumerate(parts)
                )
                content = content.replace(
                    b"</Relationships>", extra.encode() + b"</Relationships>"
                )
            out.writestr(item, content)
        for kind, xml in parts.items():
            out.writestr(
                f"word/{kind}.xml", f'<?xml version="1.0" encoding="UTF-8"?>{xml}'
            )
    return buffer.getvalue()


def _notes(tag: str, notes: dict[str, str]) -> str:
    """A footnotes/endnotes/comments part: Word's separator notes first, then the given ones."""
    separators = (
        ""
        if tag == "comment"
        else (
            f'<w:{tag} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:{tag}>'
            f'<w:{tag} w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:{tag}>'
        )
    )
    mark = "" if tag == "comment" else f"<w:r><w:{tag}Ref/></w:r>"
    body = "".join(
        f'<w:{tag} w:id="{note_id}"><w:p>{mark}<w:r><w:t xml:space="preserve"> {text}</w:t></w:r></w:p></w:{tag}>'
        for note_id, text in notes.items()
    )
    return f"<w:{tag}s {NSDECL}>{separators}{body}</w:{tag}s>"


# ------------------------------------------------------------------ DOCX


def test_docx_notes_and_comments_are_their_own_blocks_after_their_paragraph() -> None:
    document = Document()
    first = document.add_paragraph("Waiting lists grew by a tenth")
    first._p.append(_run('<w:footnoteReference w:id="1"/>'))
    first._p.append(_run('<w:t xml:space="preserve"> over the year.</w:t>'))
    first._p.append(_run('<w:commentReference w:id="0"/>'))
    second = document.add_paragraph("Trusts expect further growth.")
    second._p.append(_run('<w:endnoteReference w:id="1"/>'))
    document.add_paragraph("A closing paragraph.")
    data = _with_parts(
        _saved(document),
        {
            "footnotes": _notes(
                "footnote",
                {
                    "1": "Figures are for England only.",
                    "2": "A note nothing refers to.",
                },
            ),
            "endnotes": _notes(
                "endnote", {"1": "Source: the annual survey of trusts."}
            ),
            "comments": _notes(
                "comment", {"0": "Check this figure with the analysts."}
            ),
        },
    )
    raw = read_bytes(data, ".docx")
    assert _shape(raw.blocks) == [
        ("paragraph", "Waiting lists grew by a tenth over the year.", 0),
        ("footnote", "Figures are for England only.", 0),
        ("comment", "Check this figure with the analysts.", 0),
        ("paragraph", "Trusts expect further growth.", 0),
        ("footnote", "Source: the annual survey of trusts.", 0),
        ("paragraph", "A closing paragraph.", 0),
        ("footnote", "A note nothing refers to.", 0),
    ]


def test_docx_text_box_is_read_once_not_from_its_fallback_copy() -> None:
    document = Document()
    document.add_paragraph("Before the box.")
    anchor = document.add_paragraph()
    box = "<w:txbxContent><w:p><w:r><w:t>Boxed summary of the findings.</w:t></w:r></w:p></w:txbxContent>"
    anchor._p.append(
        _run(
            "<mc:AlternateContent>"
            f'<mc:Choice Requires="wps"><w:drawing><wp:anchor><a:graphic><a:graphicData><wps:wsp><wps:txbx>{box}'
            "</wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>"
            f"<mc:Fallback><w:pict><v:shape><v:textbox>{box}</v:textbox></v:shape></w:pict></mc:Fallback>"
            "</mc:AlternateContent>"
        )
    )
    document.add_paragraph("After the box.")
    raw = read_bytes(_saved(document), ".docx")
    assert _shape(raw.blocks) == [
        ("paragraph", "Before the box.", 0),
        ("paragraph", "Boxed summary of the findings.", 0),
        ("paragraph", "After the box.", 0),
    ]


def test_docx_headers_footers_are_not_body_and_page_breaks_do_not_split() -> None:
    document = Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = "Annual review 2024: running header"
    section.footer.paragraphs[0].text = "Page footer text"
    section.different_first_page_header_footer = True
    section.first_page_header.paragraphs[0].text = "First page header"
    paragraph = document.add_paragraph("The board met six times")
    paragraph._p.append(
        _run(
            '<w:lastRenderedPageBreak/><w:t xml:space="preserve"> during the year.</w:t>'
        )
    )
    raw = read_bytes(_saved(document), ".docx")
    assert _shape(raw.blocks) == [
        ("paragraph", "The board met six times during the year.", 0)
    ]


def test_docx_merged_cells_are_read_once() -> None:
    document = Document()
    table = document.add_table(rows=3, cols=3)
    table.cell(0, 0).merge(table.cell(1, 0)).text = "Region"
    table.cell(0, 1).merge(table.cell(0, 2)).text = "Both years"
    table.cell(1, 1).text = "2023"
    table.cell(1, 2).text = "2024"
    table.cell(2, 0).text = "North"
    table.cell(2, 1).text = "12%"
    table.cell(2, 2).text = "15%"
    raw = read_bytes(_saved(document), ".docx")
    assert _shape(raw.blocks) == [
        ("table_row", "Region | Both years", 0),
        ("table_row", "2023 | 2024", 0),
        ("table_row", "North | 12% | 15%", 0),
    ]


def test_docx_title_candidates_title_style_then_first_heading_1() -> None:
    document = Document()
    document.add_paragraph("Cover note", style="Subtitle")
    document.add_heading("Community services in review", level=0)
    document.add_heading("Summary", level=1)
    document.add_paragraph("Demand rose.")
    document.add_heading("Findings", level=1)
    raw = read_bytes(_saved(document), ".docx")
    assert raw.prominent == ["Community services in review", "Summary"]


def test_docx_styles_are_read_through_what_they_are_based_on() -> None:
    from docx.enum.style import WD_STYLE_TYPE

    document = Document()
    chapter = document.styles.add_style("Chapter Heading", WD_STYLE_TYPE.PARAGRAPH)
    chapter.base_style = document.styles["Heading 2"]
    bullets = document.styles.add_style("Key Points", WD_STYLE_TYPE.PARAGRAPH)
    bullets.element.get_or_add_pPr().append(
        parse_xml(
            f'<w:numPr {NSDECL}><w:ilvl w:val="0"/><w:numId w:val="3"/></w:numPr>'
        )
    )
    contents = document.styles.add_style("toc 1", WD_STYLE_TYPE.PARAGRAPH)
    document.add_paragraph("Introduction 4", style=contents)
    document.add_paragraph("Findings 9", style=contents)
    document.add_paragraph("Introduction", style=chapter)
    document.add_paragraph("Demand grew in every region.", style=bullets)
    raw = read_bytes(_saved(document), ".docx")
    assert _shape(raw.blocks) == [
        ("heading", "Introduction", 2),
        ("list_item", "Demand grew in every region.", 1),
    ]


STRICT_NS = "http://purl.oclc.org/ooxml/wordprocessingml/main"


def _strict_docx(body: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument" '
            'Target="word/document.xml"/></Relationships>',
        )
        archive.writestr(
            "word/_rels/document.xml.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://purl.oclc.org/ooxml/officeDocument/relationships/styles" '
            'Target="styles.xml"/></Relationships>',
        )
        archive.writestr(
            "word/styles.xml",
            f'<w:styles xmlns:w="{STRICT_NS}"><w:style w:type="paragraph" w:styleId="Heading1">'
            '<w:name w:val="heading 1"/></w:style></w:styles>',
        )
        archive.writestr(
            "word/document.xml",
            f'\ufeff<?xml version="1.0"?><w:document xmlns:w="{STRICT_NS}"><w:body>{body}</w:body></w:document>'.encode(),
        )
    return buffer.getvalue()


def test_docx_strict_open_xml_is_read() -> None:
    data = _strict_docx(
        '<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>Strict heading</w:t></w:r></w:p>'
        "<w:p><w:r><w:t>Text in a Strict document.</w:t></w:r></w:p>"
    )
    raw = read_bytes(data, ".docx")
    assert _shape(raw.blocks) == [
        ("heading", "Strict heading", 1),
        ("paragraph", "Text in a Strict document.", 0),
    ]


def test_docx_without_a_main_part_is_refused_in_words() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "_rels/.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>',
        )
    with pytest.raises(
        ReaderError,
        match=r"^not a readable DOCX: no main document part in the package$",
    ):
        read_bytes(buffer.getvalue(), ".docx")


# ------------------------------------------------------------------ empty documents


def _empty_docx() -> bytes:
    document = Document()
    document.add_paragraph("   ")
    document.add_table(rows=2, cols=2)
    return _saved(document)


@pytest.mark.parametrize(
    ("extension", "data"),
    [
        (".docx", _empty_docx()),
        (".md", b"****\n\n* *\n\n---\n"),
        (".txt", b"  \n\n\t\n"),
        (
            ".html",
            b"<html><body><nav><a href='/'>Home</a></nav><main>  </main></body></html>",
        ),
    ],
)
def test_a_document_without_text_is_refused(extension: str, data: bytes) -> None:
    with pytest.raises(ReaderError, match="^no text in the document$"):
        read_bytes(data, extension)


# ------------------------------------------------------------------ Markdown


def _md(text: str) -> list[tuple[str, str, int]]:
    return _shape(read_bytes(text.encode("utf-8"), ".md").blocks)


def test_markdown_stray_emphasis_and_escapes_are_not_text() -> None:
    text = (
        "**Community care review **\n\n"
        "Changes at** **the trust cut costs by 3% \\(ICBs\\) and *more *.\n\n"
        "***Fig 1: Waiting times by region ***\n\n"
        "The team met the target, * * and 2 * 3 is six.\n\n"
        "**3a. Enablers \\(continued\\)** * *\n\n"
        "***For everybody:** I am happy with my work *\n\n"
        "*Our plan sits beside the strategy, stressing the vital* *link between the two. ** ***\n\n"
        "Costs marked \\* are estimates.\n"
    )
    assert _md(text) == [
        ("heading", "Community care review", 2),
        ("paragraph", "Changes at the trust cut costs by 3% (ICBs) and more.", 0),
        ("paragraph", "Fig 1: Waiting times by region", 0),
        ("paragraph", "The team met the target, and 2 * 3 is six.", 0),
        ("heading", "3a. Enablers (continued)", 2),
        ("paragraph", "For everybody: I am happy with my work", 0),
        (
            "paragraph",
            "Our plan sits beside the strategy, stressing the vital link between the two.",
            0,
        ),
        ("paragraph", "Costs marked * are estimates.", 0),
    ]


def test_markdown_raw_html_blocks_are_read_as_html() -> None:
    text = (
        "Intro paragraph.\n\n"
        '<div class="box" style="border: 1px solid red">\n'
        "<style>.box { color: red; }</style>\n"
        "<p>Inside the <b>box</b>.</p>\n"
        "<ul><li>First point</li></ul>\n"
        "</div>\n\n"
        "<!-- a comment\nover two lines -->\n\n"
        "Text with <sup>inline</sup> markup &amp; an entity.\n"
    )
    assert _md(text) == [
        ("paragraph", "Intro paragraph.", 0),
        ("paragraph", "Inside the box.", 0),
        ("list_item", "First point", 1),
        ("paragraph", "Text with inline markup & an entity.", 0),
    ]


CONVERTED = """\
Classification: Official



**Community health **

**services plan **



Publication reference: XYZ001



Community health services plan **Foreword **

Demand for community services has grown each year since the pandemic, and the plan sets out how 

providers will meet it within their budgets. 

Providers will need to reduce costs by 2% and improve productivity across every service in the 
system before the end of the 2



Community health services plan year, while protecting the quality of care. 

**Priorities **

All providers must publish waiting times for every service they run and report them to their board1 each quarter. 

We will review the guidance during the year. 1 boards of trusts and foundation trusts



3



Community health services plan Staff will be supported to work across organisations, and the 

Workforce Plan will set out how. 

• reduce agency spending by 30% across the 

year through better rostering 

4



Community health services plan Next steps follow. 
"""


def test_markdown_converted_from_pdf_loses_its_page_furniture() -> None:
    assert _md(CONVERTED) == [
        ("heading", "Community health services plan", 2),
        ("paragraph", "Publication reference: XYZ001", 0),
        ("heading", "Foreword", 2),
        (
            "paragraph",
            "Demand for community services has grown each year since the pandemic, and the plan sets out how "
            "providers will meet it within their budgets.",
            0,
        ),
        (
            "paragraph",
            "Providers will need to reduce costs by 2% and improve productivity across every service in the "
            "system before the end of the year, while protecting the quality of care.",
            0,
        ),
        ("heading", "Priorities", 2),
        (
            "paragraph",
            "All providers must publish waiting times for every service they run and report them to their board each quarter.",
            0,
        ),
        ("paragraph", "We will review the guidance during the year.", 0),
        ("footnote", "boards of trusts and foundation trusts", 0),
        (
            "paragraph",
            "Staff will be supported to work across organisations, and the Workforce Plan will set out how.",
            0,
        ),
        (
            "list_item",
            "reduce agency spending by 30% across the year through better rostering",
            1,
        ),
        ("paragraph", "Next steps follow.", 0),
    ]
    assert read_bytes(CONVERTED.encode("utf-8"), ".md").prominent == [
        "Community health services plan"
    ]


def test_markdown_bold_is_emphasis_where_the_document_marks_its_headings() -> None:
    text = (
        "# Board update\n\n**Savings of 2% were delivered**\n\nThe board noted the savings.\n\n"
        "## Finance\n\nBalanced.\n\n## Workforce\n\nStable.\n"
    )
    assert _md(text) == [
        ("heading", "Board update", 1),
        ("paragraph", "Savings of 2% were delivered", 0),
        ("paragraph", "The board noted the savings.", 0),
        ("heading", "Finance", 2),
        ("paragraph", "Balanced.", 0),
        ("heading", "Workforce", 2),
        ("paragraph", "Stable.", 0),
    ]
    # A converter's stray "#" line does not stop bold lines from being the headings.
    assert _md("**Summary of findings**\n\nDemand rose.\n\n## part of\n\nMore.\n")[
        0
    ] == ("heading", "Summary of findings", 2)


def test_markdown_page_foot_number_is_a_footnote_only_with_its_reference_mark() -> None:
    text = (
        "Annual plan 2024\n\n\n\nSpending was 2.5 billion in the year.\n\nOutcomes improved. 5 areas did better\n\n\n\n"
        "Annual plan 2024\n\n\n\nMore text here.\n\n\n\nAnnual plan 2024\n\n\n\nThe end.\n"
    )
    assert [t for _, t, _ in _md(text)] == [
        "Spending was 2.5 billion in the year.",
        "Outcomes improved. 5 areas did better",
        "More text here.",
        "The end.",
    ]


def test_markdown_pages_separated_by_rules() -> None:
    pages = [
        "Regional review of stroke care\n\nThe review visited every stroke unit in the region and found that",
        "Regional review of stroke care\n\nthe units with the most staff saw patients fastest.\n\n2",
        "Regional review of stroke care\n\nA second finding concerned transport.\n\n3",
    ]
    text = "\n\n-----\n\n".join(pages) + "\n"
    assert _md(text) == [
        (
            "paragraph",
            "The review visited every stroke unit in the region and found that the units with the most staff saw "
            "patients fastest.",
            0,
        ),
        ("paragraph", "A second finding concerned transport.", 0),
    ]


def test_markdown_web_page_chrome_is_dropped() -> None:
    text = (
        "Publication (/publication)\n\n"
        "# Board update on productivity\n\n"
        "The board noted a rise in activity of 4%.\n\n"
        "\u25b2Back to top\n\n"
        "Date last updated: 3 March 2024\n"
    )
    raw = read_bytes(text.encode("utf-8"), ".md")
    assert _shape(raw.blocks) == [
        ("heading", "Board update on productivity", 1),
        ("paragraph", "The board noted a rise in activity of 4%.", 0),
    ]
    assert raw.declared.date == "2024-03-03"


def test_markdown_html_footnote_marks_are_not_text() -> None:
    text = 'Ambulance calls<sup><a href="#fn1">1</a></sup> rose by 4%.<sup>2</sup> The site is 40 m<sup>2</sup>.\n'
    assert _md(text) == [
        ("paragraph", "Ambulance calls rose by 4%. The site is 40 m2.", 0)
    ]


def test_markdown_footnote_definitions_are_footnotes() -> None:
    text = "Spending rose by 4%.[^1] It fell later.[^note]\n\n[^1]: In cash terms.\n[^note]: After inflation.\n"
    assert _md(text) == [
        ("paragraph", "Spending rose by 4%. It fell later.", 0),
        ("footnote", "In cash terms.", 0),
        ("footnote", "After inflation.", 0),
    ]


def test_markdown_page_numbers_alone_go_but_years_stay() -> None:
    text = "Annual report\n\n2024\n\n2024/25\n\n12\n\nPage 3 of 40\n\n4 / 40\n\nThe year went well.\n"
    assert [t for _, t, _ in _md(text)] == [
        "Annual report",
        "2024",
        "2024/25",
        "The year went well.",
    ]


def test_markdown_paragraph_repeated_in_many_places_in_prose_is_kept() -> None:
    """A sentence opening several paragraphs one blank line apart is not furniture."""
    text = "\n\n".join(
        f"The trust said waiting times in area {n} had improved." for n in range(1, 6)
    )
    assert [t for _, t, _ in _md(text)] == [
        f"The trust said waiting times in area {n} had improved." for n in range(1, 6)
    ]


@pytest.mark.parametrize(
    ("text", "prominent"),
    [
        (
            "# Main title\n\n# Second line of title\n\nBody.\n\n## Part\n\n# Late heading\n",
            ["Main title", "Second line of title"],
        ),
        (
            "## Only a second-level heading\n\nBody.\n\n## Another\n",
            ["Only a second-level heading"],
        ),
        ("Body without headings.\n", []),
    ],
)
def test_markdown_title_candidates(text: str, prominent: list[str]) -> None:
    assert read_bytes(text.encode("utf-8"), ".md").prominent == prominent


# ------------------------------------------------------------------ HTML


def test_html_title_candidates_and_marked_furniture() -> None:
    page = (
        "<html><head><title>Report | Example Trust</title></head><body>"
        '<div role="banner"><h1>Example Trust</h1></div>'
        "<main><h1>Annual report 2024</h1><p>Activity rose by 4%.</p>"
        '<div class="site-footer">Registered charity 123</div></main>'
        '<div role="contentinfo">Contact us</div></body></html>'
    )
    raw = read_bytes(page.encode("utf-8"), ".html")
    assert _shape(raw.blocks) == [
        ("heading", "Annual report 2024", 1),
        ("paragraph", "Activity rose by 4%.", 0),
    ]
    assert raw.prominent == ["Annual report 2024", "Report | Example Trust"]


# ------------------------------------------------------------------ plain text


def test_text_saved_from_a_pdf_loses_running_headers_and_page_numbers() -> None:
    pages = [
        ("The trust saw demand rise in every quarter of the year.", "1"),
        ("Staff numbers grew by 4% over the period.", "Page 2"),
        ("Finances were balanced at year end.", "3"),
    ]
    text = "\f".join(
        f"Annual Review of Community Care\n\n{body}\n\n{number}\n"
        for body, number in pages
    )
    raw = read_bytes(text.encode("utf-8"), ".txt")
    assert _shape(raw.blocks) == [("paragraph", body, 0) for body, _ in pages]


def test_html_page_controls_the_page_does_not_mark_are_not_passages() -> None:
    page = (
        "<html><body><main><h1>Board update</h1><p>Activity rose by 4%.</p>"
        '<p><a href="#top">\u25b2 Back to top</a></p><p>Last updated: 5 March 2025</p></main></body></html>'
    )
    raw = read_bytes(page.encode("utf-8"), ".html")
    assert _shape(raw.blocks) == [
        ("heading", "Board update", 1),
        ("paragraph", "Activity rose by 4%.", 0),
    ]
    assert raw.declared.date == "2025-03-05"


def test_html_footnote_marks_dropped_and_notes_are_footnotes() -> None:
    page = (
        '<html><body><main><h1>Report</h1><p>Ambulance calls<sup><a href="#fn1" id="r1">1</a></sup> rose by 4%.'
        "<sup>2</sup> The site is 40 m<sup>2</sup>.</p>"
        '<section class="footnotes" role="doc-endnotes"><ol><li id="fn1"><p>Category 3 and 4 calls. '
        '<a href="#r1" role="doc-backlink">\u21a9</a></p></li><li>Per year.</li></ol></section></main></body></html>'
    )
    raw = read_bytes(page.encode("utf-8"), ".html")
    assert _shape(raw.blocks) == [
        ("heading", "Report", 1),
        ("paragraph", "Ambulance calls rose by 4%. The site is 40 m2.", 0),
        ("footnote", "Category 3 and 4 calls.", 0),
        ("footnote", "Per year.", 0),
    ]
