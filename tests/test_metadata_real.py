"""Metadata from the covers of published papers, laid out as readers deliver them.

Each fixture follows how a genre's front pages are generally set: a Lords
committee report's cover, a command paper split over short lines, a party
manifesto, an NHS-style guidance document converted to Markdown, a strategy
that opens with a letter, a web page printed to PDF, a board paper.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from evidence.metadata import guess_metadata
from evidence.models import Block, Metadata, RawDocument

Line = tuple[int, str] | tuple[int, str, str]


def _pdf(
    *lines: Line, declared: Metadata | None = None, prominent: list[str] | None = None
) -> RawDocument:
    """Cover lines as (page, text) or (page, kind, text), one block each, as a PDF reader gives them."""
    blocks = []
    for line in lines:
        page, kind, text = (line[0], "paragraph", line[1]) if len(line) == 2 else line  # type: ignore[misc]
        blocks.append(Block(kind, text, page=page, level=2 if kind == "heading" else 0))  # type: ignore[arg-type]
    pages = max((b.page or 0) for b in blocks) if blocks else 0
    return RawDocument(
        blocks,
        "pdf",
        pages=pages,
        declared=declared or Metadata(),
        prominent=prominent or [],
    )


def _flat(
    *blocks: tuple[str, str] | str, fmt: str = "md", prominent: list[str] | None = None
) -> RawDocument:
    built = [
        Block("paragraph", b) if isinstance(b, str) else Block(b[0], b[1], level=1)
        for b in blocks
    ]  # type: ignore[arg-type]
    return RawDocument(built, fmt, prominent=prominent or [])


BODY = (
    5,
    "The committee heard from forty witnesses over six months and visited three regions to see services at first hand.",
)


def test_lords_committee_report_cover() -> None:
    raw = _pdf(
        (1, "HOUSE OF LORDS"),
        (1, "Rural Affairs Select Committee"),
        (1, "3rd Report of Session 2019\u201321"),
        (1, "Village Broadband"),
        (1, "Report"),
        (1, "Ordered to be printed 2 March 2020 and published 9 March 2020"),
        (1, "Published by the Authority of the House of Lords"),
        (1, "\u00a3price"),
        (1, "HL Paper 88"),
        (2, "heading", "Rural Affairs Committee"),
        BODY,
        declared=Metadata(
            title="Committee Report 4.3", org="Acrobat PDFMaker 24.2 for Word"
        ),
    )
    assert guess_metadata(raw, Path("report.pdf")) == Metadata(
        title="Village Broadband",
        org="House of Lords Rural Affairs Select Committee",
        doc_type="committee report",
        date="2020-03-09",
        ref="HL Paper 88",
    )


def test_command_paper_title_split_over_lines() -> None:
    raw = _pdf(
        (1, "CP 921"),
        (1, "Government response to"),
        (1, "the Transport Committee"),
        (1, "heading", "report: Cycling in"),
        (1, "Towns"),
        (3, "Government of the United Kingdom"),
        (3, "Government response to the Transport"),
        (3, "Committee report: Cycling in Towns"),
        (3, "Presented to Parliament by the Secretary of State for Transport"),
        (3, "by Command of His Majesty"),
        (3, "March 2024"),
        (3, "CP 921"),
        (4, "\u00a9 Crown copyright 2024"),
        (4, "ISBN 978-1-0000-0000-0"),
        BODY,
    )
    assert guess_metadata(raw, Path("response.pdf")) == Metadata(
        title="Government response to the Transport Committee report: Cycling in Towns",
        org="Department for Transport",
        doc_type="government response",
        date="2024-03",
        ref="CP 921",
    )


def test_presenting_minister_names_the_department() -> None:
    raw = _pdf(
        (1, "heading", "UK Government"),
        (1, "Response to the Flooding"),
        (1, "Review Report"),
        (1, "CP1300"),
        (3, "Presented to Parliament"),
        (3, "by the Chancellor of the Duchy of Lancaster"),
        (3, "by Command of His Majesty"),
        (3, "heading", "4 May 2024"),
        BODY,
    )
    meta = guess_metadata(raw, Path("flooding.pdf"))
    assert (meta.title, meta.org, meta.doc_type, meta.date, meta.ref) == (
        "UK Government Response to the Flooding Review Report",
        "Cabinet Office",
        "government response",
        "2024-05-04",
        "CP1300",
    )


@pytest.mark.parametrize(
    ("minister", "department"),
    [
        (
            "the Secretary of State for Work and Pensions",
            "Department for Work and Pensions",
        ),
        (
            "the Secretary of State for Health and Social Care",
            "Department of Health and Social Care",
        ),
        ("the Chancellor of the Exchequer", "HM Treasury"),
        ("the Secretary of State for the Home Department", "Home Office"),
    ],
)
def test_ministers_and_their_departments(minister: str, department: str) -> None:
    raw = _pdf(
        (1, "Government response to the Pensions Review"),
        (1, f"Presented to Parliament by {minister} by Command of His Majesty"),
        BODY,
    )
    assert guess_metadata(raw, Path("r.pdf")).org == department


def test_junior_minister_leaves_the_cover_department() -> None:
    raw = _pdf(
        (3, "Department for Culture, Media and Sport"),
        (3, "Government response to the Museums Inquiry"),
        (
            3,
            "Presented to Parliament by the Parliamentary Under-Secretary of State for Arts",
        ),
        (3, "and Heritage by Command of His Majesty"),
        BODY,
    )
    assert (
        guess_metadata(raw, Path("r.pdf")).org
        == "Department for Culture, Media and Sport"
    )


def test_manifesto_cover_names_its_party() -> None:
    raw = _pdf(
        (1, "The Example Party"),
        (1, "Manifesto 2029"),
        (3, "The Example Party Manifesto 2029 1"),
        (3, "Contents"),
        (3, "\u2771 Foreword .......................... 3"),
        (5, "heading", "We are building a fairer country for every family"),
        BODY,
    )
    meta = guess_metadata(raw, Path("manifesto.pdf"))
    assert (meta.title, meta.org, meta.doc_type, meta.ref) == (
        "The Example Party Manifesto 2029",
        "The Example Party",
        "other",
        None,
    )


def test_prominent_fragment_widens_to_its_cover_lines() -> None:
    raw = _pdf(
        (1, "The Example Party"),
        (1, "Manifesto 2029"),
        BODY,
        prominent=["Manifesto 2029", "The Example Party"],
    )
    assert (
        guess_metadata(raw, Path("m.pdf")).title == "The Example Party Manifesto 2029"
    )


def test_prominent_title_is_kept_apart_from_a_long_subtitle() -> None:
    raw = _pdf(
        (1, "The Rail Review"),
        (1, "Interim findings on fares, timetables and station access"),
        BODY,
        prominent=["The Rail Review"],
    )
    assert guess_metadata(raw, Path("rail.pdf")).title == "The Rail Review"


def test_prominent_skips_markings_and_codes() -> None:
    raw = _pdf(
        (1, "OFFICIAL-SENSITIVE"),
        (1, "HC 412"),
        (1, "Ward Staffing Levels"),
        BODY,
        prominent=["OFFICIAL-SENSITIVE", "HC 412", "Ward Staffing Levels"],
    )
    meta = guess_metadata(raw, Path("w.pdf"))
    assert (meta.title, meta.ref) == ("Ward Staffing Levels", "HC 412")


def test_declared_title_used_when_the_cover_prints_it() -> None:
    raw = _pdf(
        (1, "Local Bus Services"),
        (1, "in Rural Areas:"),
        (1, "a progress report"),
        BODY,
        declared=Metadata(title="Local Bus Services in Rural Areas"),
    )
    assert (
        guess_metadata(raw, Path("bus.pdf")).title
        == "Local Bus Services in Rural Areas"
    )


@pytest.mark.parametrize(
    "author",
    ["jbloggs", "BLOGGSJ", "SE:W:CAR", "Adobe InDesign 19.0 (Windows)", "CP 1478"],
)
def test_junk_declared_metadata_is_ignored(author: str) -> None:
    raw = _pdf(
        (1, "Adult Learning in Coastal Towns"),
        BODY,
        declared=Metadata(title="Microsoft Word - draft3.docx", org=author),
    )
    meta = guess_metadata(raw, Path("learning.pdf"))
    assert (meta.title, meta.org) == ("Adult Learning in Coastal Towns", None)


def test_converted_guidance_with_marking_and_reference() -> None:
    raw = _flat(
        "Classification: Official",
        "*2030/31 planning guidance for *",
        "*community services *",
        "Publication reference: PRN09999",
        ("heading", "Foreword from the Chief Executive"),
        "Our services have changed a great deal over the last decade, and this guidance sets out what comes next.",
    )
    assert guess_metadata(raw, Path("guidance.md")) == Metadata(
        title="2030/31 planning guidance for community services",
        org="NHS England",
        doc_type="other",
        date=None,
        ref="PRN09999",
    )


def test_strategy_opening_with_a_letter() -> None:
    raw = _flat(
        ("heading", "ABC People Plan 2024-27 (V2.1)"),
        ("heading", "Hello"),
        "We are pleased to share our plan with you. It sets out what we want to achieve over three years.",
        "Thanks for reading.",
        ("heading", "Jo Bloggs, Director of People, May 2024"),
        ("heading", "1. Where are we now?"),
    )
    meta = guess_metadata(raw, Path("plan.md"))
    assert (meta.title, meta.org, meta.doc_type, meta.date) == (
        "ABC People Plan 2024-27",
        "ABC",
        "other",
        "2024-05",
    )


def test_we_is_never_the_organisation() -> None:
    raw = _flat(
        ("heading", "Response to the consultation on respite care"),
        "We are an independent charity working with unpaid carers across the region.",
        fmt="txt",
    )
    assert guess_metadata(raw, Path("response.txt")).org is None


def test_body_introducing_itself() -> None:
    raw = _flat(
        ("heading", "Respite care: what carers told us"),
        "The Carers Network (TCN) is an independent charity working with unpaid carers across the region.",
        fmt="txt",
    )
    assert guess_metadata(raw, Path("carers.txt")).org == "The Carers Network"


def test_web_page_printed_to_pdf() -> None:
    raw = _pdf(
        (1, "1/30/26, 9:31 PM"),
        (1, "Rural bus grants: guidance for councils - GOV.UK"),
        (1, "https://www.gov.uk/government/publications/rural-bus-grants"),
        (1, "Guidance"),
        (1, "Rural bus grants: guidance for councils"),
        (1, "From: Department for Transport"),
        (1, "Published 4 March 2025"),
        (1, "1/9"),
        BODY,
    )
    meta = guess_metadata(raw, Path("grants.pdf"))
    assert (meta.title, meta.org, meta.date) == (
        "Rural bus grants: guidance for councils",
        "Department for Transport",
        "2025-03-04",
    )


def test_board_paper_labels_its_title() -> None:
    raw = _flat(
        "Meeting of the Board",
        "Paper title: Quarterly finance update",
        "Agenda item: 6",
        "Report by: Chief Financial Officer",
        ("heading", "Action required"),
        "The Board is asked to note the report.",
        fmt="md",
    )
    meta = guess_metadata(raw, Path("board.md"))
    assert (meta.title, meta.doc_type) == ("Quarterly finance update", "report")


@pytest.mark.parametrize(
    ("line", "ref"),
    [
        ("HC 456", "HC 456"),
        ("HL Paper 12", "HL Paper 12"),
        ("CP 77", "CP 77"),
        ("Cm 9876", "Cm 9876"),
        ("Research Report 123", "Research Report 123"),
        ("BM/25/07(Pu)", "BM/25/07(Pu)"),
        ("Publication reference: PRN01234", "PRN01234"),
    ],
)
def test_reference_codes_go_to_ref_not_title(line: str, ref: str) -> None:
    raw = _pdf((1, line), (1, "Hospital Discharge Delays"), BODY)
    meta = guess_metadata(raw, Path("x.pdf"))
    assert (meta.ref, meta.title) == (ref, "Hospital Discharge Delays")


def test_creation_date_only_when_the_text_has_none() -> None:
    printed = _pdf(
        (1, "Hospital Discharge Delays"),
        (1, "June 2023"),
        BODY,
        declared=Metadata(date="2023-09-14"),
    )
    assert guess_metadata(printed, Path("x.pdf")).date == "2023-06"
    unprinted = _pdf(
        (1, "Hospital Discharge Delays"), BODY, declared=Metadata(date="2023-09-14")
    )
    assert guess_metadata(unprinted, Path("x.pdf")).date == "2023-09-14"


def test_department_response_without_a_command_paper_number() -> None:
    raw = _pdf(
        (1, "Department for Education"),
        (1, "Our response to the Ombudsman's report on school transport"),
        (1, "June 2024"),
        BODY,
    )
    meta = guess_metadata(raw, Path("r.pdf"))
    assert (meta.org, meta.doc_type, meta.title) == (
        "Department for Education",
        "government response",
        "Our response to the Ombudsman's report on school transport",
    )


def test_report_series_names_its_publisher() -> None:
    raw = _pdf(
        (1, "Understanding How Small Firms File Their Returns"),
        (1, "Example Revenue Agency Research Report 42"),
        (1, "ACME RES"),
        (1, "May 2016"),
        BODY,
    )
    assert guess_metadata(raw, Path("r.pdf")) == Metadata(
        title="Understanding How Small Firms File Their Returns",
        org="Example Revenue Agency",
        doc_type="report",
        date="2016-05",
        ref="Research Report 42",
    )


def test_prominent_parts_of_one_title_give_the_whole_cover_title() -> None:
    lines = [
        (1, "Government response to"),
        (1, "the Lords Digital Skills Committee report:"),
        (1, "heading", "Skills for"),
        (1, "Tomorrow"),
        BODY,
    ]
    whole = "Government response to the Lords Digital Skills Committee report: Skills for Tomorrow"
    assert (
        guess_metadata(
            _pdf(*lines, prominent=["Skills for", "Tomorrow"]), Path("r.pdf")
        ).title
        == whole
    )
    assert (
        guess_metadata(
            _pdf(*lines, prominent=["Skills for Tomorrow"]), Path("r.pdf")
        ).title
        == whole
    )


def test_board_paper_belongs_to_the_board_it_is_for() -> None:
    raw = _flat(
        "Meeting of the Example Health Board",
        "Paper title: Quarterly finance update",
        "The Board is asked to note the report.",
    )
    assert guess_metadata(raw, Path("board.md")).org == "Example Health"


def test_parliamentary_copyright_names_no_author() -> None:
    raw = _flat(
        ("heading", "Digital Exclusion in Later Life"),
        "\u00a9 Parliamentary copyright House of Lords 2024",
    )
    assert guess_metadata(raw, Path("x.md")).org is None
    raw = _flat(
        ("heading", "Digital Exclusion in Later Life"),
        "The Ageing Well Trust is an independent charity supporting older people online.",
        "\u00a9 Parliamentary copyright House of Lords 2024",
    )
    assert guess_metadata(raw, Path("x.md")).org == "The Ageing Well Trust"


@pytest.mark.parametrize(
    "lede",
    [
        "The Coastal Policy Institute today published research showing that ferry fares rose twice as fast as wages.",
        "The Coastal Policy Institute's new report finds that ferry fares rose twice as fast as wages last year.",
        "In a new report published today, the Coastal Policy Institute warns that ferry fares are rising.",
    ],
)
def test_press_release_lede_names_the_author(lede: str) -> None:
    raw = _flat(
        "Press release", ("heading", "Ferry fares outpace wages"), lede, fmt="html"
    )
    meta = guess_metadata(raw, Path("pr.html"))
    assert (meta.doc_type, meta.title) == ("press release", "Ferry fares outpace wages")
    assert meta.org == "The Coastal Policy Institute"


def test_commons_committee_report_cover() -> None:
    raw = _pdf(
        (1, "House of Commons"),
        (1, "Transport Committee"),
        (1, "heading", "Rural bus services: the road ahead"),
        (1, "Fourth Report of Session 2023\u201324"),
        (1, "Report, together with formal minutes relating to the report"),
        (1, "Ordered by the House of Commons to be printed 12 March 2024"),
        (1, "HC 512"),
        (1, "Published on 19 March 2024 by authority of the House of Commons"),
        BODY,
    )
    assert guess_metadata(raw, Path("c.pdf")) == Metadata(
        title="Rural bus services: the road ahead",
        org="Transport Committee",
        doc_type="committee report",
        date="2024-03-19",
        ref="HC 512",
    )


def test_think_tank_cover_with_authors() -> None:
    raw = _pdf(
        (1, "The Example Policy Foundation"),
        (1, "Caring at Home"),
        (1, "What families need from social care"),
        (1, "Sarah Jones, Tom Smith and Ann Lee"),
        (1, "March 2024"),
        (2, "\u00a9 The Example Policy Foundation 2024"),
        BODY,
    )
    meta = guess_metadata(raw, Path("t.pdf"))
    assert (meta.title, meta.org, meta.date, meta.doc_type) == (
        "Caring at Home What families need from social care",
        "The Example Policy Foundation",
        "2024-03",
        "other",
    )


def test_board_paper_type_line() -> None:
    raw = _flat(
        "Paper title: Elective recovery",
        "Paper type: For discussion",
        "Some text about the recovery of services.",
    )
    assert guess_metadata(raw, Path("b.md")).doc_type == "report"


def test_long_untyped_paper_is_a_report_unless_its_title_names_another_genre() -> None:
    def paged(title: str, pages: int) -> RawDocument:
        raw = _pdf((1, title), BODY)
        raw.pages = pages
        return raw

    assert (
        guess_metadata(paged("Caring at Home", 40), Path("t.pdf")).doc_type == "report"
    )
    assert guess_metadata(paged("Caring at Home", 3), Path("t.pdf")).doc_type == "other"
    assert (
        guess_metadata(
            paged("Caring at Home: a national strategy", 40), Path("t.pdf")
        ).doc_type
        == "other"
    )


def test_party_name_with_and_is_not_an_author_line() -> None:
    raw = _pdf((1, "The Green and Pleasant Party"), (1, "Manifesto 2029"), BODY)
    meta = guess_metadata(raw, Path("m.pdf"))
    assert (meta.title, meta.org) == (
        "The Green and Pleasant Party Manifesto 2029",
        "The Green and Pleasant Party",
    )


def test_body_named_most_often_is_the_last_resort() -> None:
    raw = _flat(
        ("heading", "Winter pressures update"),
        "Northshire County Council has opened two more reablement units this winter.",
        "NHS England asked every area to plan for a hard winter, and Northshire County Council did so early.",
        "Northshire County Council will report again in the spring.",
    )
    assert guess_metadata(raw, Path("w.md")).org == "Northshire County Council"
    tied = _flat(
        ("heading", "Winter pressures update"),
        "Northshire County Council and NHS England met in October.",
        "Northshire County Council and NHS England met again in November.",
        "Northshire County Council and NHS England will meet in December.",
    )
    assert guess_metadata(tied, Path("w.md")).org is None


def test_written_evidence_line_is_the_title_whatever_is_set_larger() -> None:
    raw = _flat(
        ("heading", "Rural bus services inquiry"),
        "Written evidence submitted by the Village Transport Trust (RBS0042)",
        "1. The Village Transport Trust runs community minibuses in four counties.",
        fmt="docx",
        prominent=["Rural bus services inquiry"],
    )
    meta = guess_metadata(raw, Path("rbs0042.docx"))
    assert (meta.title, meta.org, meta.doc_type, meta.ref) == (
        "Written evidence submitted by the Village Transport Trust (RBS0042)",
        "Village Transport Trust",
        "written evidence",
        "RBS0042",
    )


def test_contents_page_entries_are_not_titles() -> None:
    raw = _pdf(
        (2, "\u00a9 Crown copyright 2024"),
        (3, "Contents"),
        (3, "Chapter 1: Why rural buses matter 4"),
        (3, "Chapter 2: What we heard 9"),
        (5, "Rural Buses: A Plan for Growth 3"),
        BODY,
        declared=Metadata(title="Rural Buses: A Plan for Growth"),
    )
    assert guess_metadata(raw, Path("r.pdf")).title == "Rural Buses: A Plan for Growth"


def test_committee_named_in_a_label_line() -> None:
    raw = _flat(
        ("heading", "Hospital discharge and social care"),
        "Health and Social Care Committee. Report of Session 2024\u201325. HC 1138.",
        "The Department of Health and Social Care must publish a plan. DHSC has not done so. DHSC should act.",
    )
    meta = guess_metadata(raw, Path("c.md"))
    assert (meta.org, meta.doc_type, meta.ref) == (
        "Health and Social Care Committee",
        "committee report",
        "HC 1138",
    )


def test_department_with_commas_in_a_label_line() -> None:
    raw = _flat(
        ("heading", "Why data sharing matters"),
        "Long read \u00b7 Department for Business, Energy and Industrial Strategy \u00b7 Ann Lee, chair \u00b7 25 March 2025",
        "Our members tell us data sharing remains a concern.",
    )
    meta = guess_metadata(raw, Path("c.txt"))
    assert (meta.org, meta.doc_type, meta.date) == (
        "Department for Business, Energy and Industrial Strategy",
        "commentary",
        "2025-03-25",
    )


def test_submitter_is_the_author_however_general() -> None:
    raw = _flat(
        ("heading", "Written evidence submitted by House of Lords (ASC0043)"),
        ("heading", "About the British Medical Association"),
        "The British Medical Association is a trade union for doctors.",
    )
    assert guess_metadata(raw, Path("w.md")).org == "House of Lords"


def test_department_press_release_answering_figures_stays_a_press_release() -> None:
    raw = _flat(
        "Press release",
        ("heading", "Department for Transport responds to figures on bus use"),
        "Department for Transport",
        "Bus use rose by four per cent last year, the figures show, and ministers welcomed the rise today.",
        fmt="html",
    )
    assert guess_metadata(raw, Path("pr.html")).doc_type == "press release"


def test_capitalised_title_ending_in_a_body_name_is_still_a_title() -> None:
    raw = _flat(
        ("heading", "MANAGING WAITING LISTS IN THE NHS"),
        "Report by the Comptroller and Auditor General. Published 15 September 2024.",
        ("heading", "Key findings"),
    )
    meta = guess_metadata(raw, Path("n.txt"))
    assert (meta.title, meta.org) == (
        "MANAGING WAITING LISTS IN THE NHS",
        "National Audit Office",
    )


def test_cover_title_beats_larger_type_further_in() -> None:
    raw = _pdf(
        (1, "Safer Streets at Night"),
        (1, "An evaluation of late-night transport"),
        (3, "heading", "Ministerial foreword"),
        (4, "heading", "What the pilots achieved"),
        BODY,
        prominent=[
            "What the pilots achieved",
            "Ministerial foreword",
            "Safer Streets at Night",
        ],
    )
    assert guess_metadata(raw, Path("s.pdf")).title == "Safer Streets at Night"


def test_a_cover_title_stops_where_the_type_size_changes() -> None:
    """Authors and their addresses set smaller under the title are not part of it."""
    blocks = [
        Block(
            "heading", "Reading Rates of Return from Audit Samples", page=1, size=14.5
        ),
        Block("paragraph", "Amara Osei Lena Virtanen", page=1, size=12.0),
        Block("paragraph", "Northfield Institute of Public Finance", page=1, size=12.0),
        Block("paragraph", BODY[1], page=1, size=10.0),
    ]
    raw = RawDocument(
        blocks,
        "pdf",
        pages=1,
        prominent=[
            "Reading Rates of Return from Audit Samples",
            "Amara Osei Lena Virtanen",
        ],
    )
    meta = guess_metadata(raw, Path("paper.pdf"))
    assert meta.title == "Reading Rates of Return from Audit Samples"


def test_a_login_after_a_dash_is_cut_from_a_declared_body() -> None:
    raw = _pdf(
        (1, "Summary of the Coastal Access Act"),
        BODY,
        declared=Metadata(org="Coastal Access Office - kmr"),
    )
    assert guess_metadata(raw, Path("summary.pdf")).org == "Coastal Access Office"


def test_a_word_in_capitals_heading_the_page_is_not_a_body() -> None:
    raw = _pdf(
        (1, "AGENDA"),
        (1, "Board of Governors Special Meeting"),
        BODY,
    )
    assert guess_metadata(raw, Path("agenda.pdf")).org is None


@pytest.mark.parametrize(
    "slug",
    [
        "PRINTER Fileid: C:\\jobs\\guide2024.sgm Page 1 of 48 Guide to Form 12",
        "May 30, 18 13:27 notes.txt Page 1/1",
    ],
)
def test_a_printers_slug_with_a_page_count_is_not_the_title(slug: str) -> None:
    raw = _pdf((1, slug), (1, "heading", "Guidance for Applicants"), BODY)
    assert guess_metadata(raw, Path("guide.pdf")).title == "Guidance for Applicants"


def test_a_press_release_names_its_department_in_the_press_contacts() -> None:
    raw = _flat(
        "Minister announces £40 million for coastal paths",
        "The Coastal Access Minister has today (4 March 2024) announced new funding for paths.",
        "The money will be shared between councils on the coast over three years.",
        "Notes to editors",
        "DfE press office",
        "Newsdesk 020 7946 0000",
        fmt="txt",
    )
    meta = guess_metadata(raw, Path("release.txt"))
    assert (meta.org, meta.date) == ("DfE", "2024-03-04")
