"""Metadata heuristics on realistic openings, and the inquiry CSV loader."""

from __future__ import annotations

from pathlib import Path

import pytest

from evidence.errors import MetadataError
from evidence.metadata import (
    find_date,
    guess_metadata,
    load_metadata_csv,
    normalise_date,
)
from evidence.models import Block, Metadata, RawDocument


def _doc(
    *blocks: tuple[str, str] | str, declared: Metadata | None = None, fmt: str = "txt"
) -> RawDocument:
    built = [
        Block("paragraph", b) if isinstance(b, str) else Block(b[0], b[1], level=1)
        for b in blocks
    ]  # type: ignore[arg-type]
    return RawDocument(blocks=built, format=fmt, declared=declared or Metadata())


# ------------------------------------------------------------------ dates


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3 March 2023", "2023-03-03"),
        ("21st July 2022", "2022-07-21"),
        ("July 21, 2022", "2022-07-21"),
        ("14/02/2023", "2023-02-14"),
        ("14.03.2024, 06:30", "2024-03-14"),
        ("2023-06-06T00:01:00+01:00", "2023-06-06"),
        ("January 2023", "2023-01"),
        ("Sept 2021", "2021-09"),
        ("2023-04", "2023-04"),
        ("2023", "2023"),
        ("31/02/2023", None),
        ("1850", None),
        ("next spring", None),
        ("", None),
    ],
)
def test_normalise_date(text: str, expected: str | None) -> None:
    assert normalise_date(text) == expected


def test_find_date_prefers_labelled_then_declared_then_dateline() -> None:
    head = [
        "Report title",
        "We reviewed guidance published between January 2021 and July 2022.",
        "Last reviewed 21 July 2022",
    ]
    assert find_date(head) == "2022-07-21"
    assert (
        find_date(["Report title", "Some text"], declared="2023-05-02") == "2023-05-02"
    )
    assert (
        find_date(["Report title", "Long read \u00b7 The Fund \u00b7 3 July 2024"])
        == "2024-07-03"
    )
    assert (
        find_date(
            [
                "Report title",
                "In March 2023 the board met eleven times to discuss the budget and plans.",
            ]
        )
        is None
    )
    assert (
        find_date(["Fifth Report of the Committee (HC 1187, 2022\u201323)"]) == "2023"
    )
    assert (
        find_date(["Title", "Body."], tail=["Royal College, London", "November 2022"])
        == "2022-11"
    )


def test_find_date_published_beats_printed() -> None:
    head = [
        "Report, together with formal minutes. Ordered by the House of Commons to be printed 29 March 2023.",
        "HC 1187. Published on 5 April 2023 by authority of the House of Commons.",
    ]
    assert find_date(head) == "2023-04-05"


# ------------------------------------------------------------------ guesses


def test_written_evidence_txt() -> None:
    raw = _doc(
        ("heading", "Written evidence submitted by The Nuffield Trust (ICS0048)"),
        "Health and Social Care Committee inquiry: Integrated care systems \u2013 autonomy and accountability",
        "Submitted: 14 November 2022",
        ("heading", "1. Summary"),
        "1.1 The Nuffield Trust is an independent health think tank.",
    )
    assert guess_metadata(raw, Path("nuffield.txt")) == Metadata(
        title="Written evidence submitted by The Nuffield Trust (ICS0048)",
        org="The Nuffield Trust",
        doc_type="written evidence",
        date="2022-11-14",
        ref="ICS0048",
    )


def test_submission_from_with_reference_line() -> None:
    raw = _doc(
        "Submission from Example Community Interest Company.",
        "Reference: EXA0123",
        "Date: 14/02/2023",
        "We are a social enterprise running community services.",
    )
    assert guess_metadata(raw, Path("sub.txt")) == Metadata(
        title="Submission from Example Community Interest Company.",
        org="Example Community Interest Company",
        doc_type="written evidence",
        date="2023-02-14",
        ref="EXA0123",
    )


def test_submission_code_on_a_line_of_its_own_heads_the_page() -> None:
    # Committee websites print each submission's code alone above its title.
    raw = _doc(
        "EXA0042",
        "Written evidence submitted by the Example Health Trust",
        "We welcome the committee's inquiry. A line such as ABC1234 inside a sentence is not the code.",
    )
    got = guess_metadata(raw, Path("evidence.html"))
    assert (got.title, got.ref) == (
        "Written evidence submitted by the Example Health Trust",
        "EXA0042",
    )
    prose = _doc(
        "Written evidence submitted by the Example Health Trust",
        "Our product ABC1234 is one of many.",
    )
    assert guess_metadata(prose, Path("evidence.html")).ref is None


def test_an_author_label_names_the_body_but_not_a_person() -> None:
    page = _doc(
        "Managing hospital backlogs in England",
        "This is a House of Commons Committee report, with recommendations to government.",
        "Author: Committee of Public Accounts",
        "Date Published: 1 March 2023",
        "NHS England set a recovery target. NHS England wrote to every trust.",
    )
    assert (
        guess_metadata(page, Path("report.html")).org == "Committee of Public Accounts"
    )
    person = _doc(
        "Why waiting lists grew",
        "Author: Jane Smith",
        "NHS England set a recovery target. NHS England wrote to every trust.",
    )
    assert guess_metadata(person, Path("blog.html")).org != "Jane Smith"


def test_a_response_is_not_written_by_the_body_it_answers() -> None:
    raw = _doc(
        (
            "heading",
            "Government response to the Example Select Committee report: Better inquiries",
        ),
        "Published 10 February 2025",
        "The Government is grateful to the Example Select Committee for its inquiry.",
        "Recommendation 1: The Government should set up a central unit.",
        "Government response: The Government accepts this recommendation.",
    )
    got = guess_metadata(raw, Path("response.html"))
    assert got.doc_type == "government response"
    assert got.org == "Government"


def test_a_genre_label_above_the_title_is_not_the_title() -> None:
    for label in (
        "Briefing",
        "Long read",
        "Policy briefing",
        "Blog post",
        "Consultation response",
    ):
        raw = _doc(
            ("heading", label),
            ("heading", "Integrated care systems: the first year"),
            "1 September 2023",
            "This briefing summarises what we heard from system leaders.",
        )
        assert (
            guess_metadata(raw, Path("briefing.html")).title
            == "Integrated care systems: the first year"
        ), label


def test_the_address_on_the_back_page_names_the_body() -> None:
    body = [
        f"Paragraph {n} about integrated care and health inequalities in England."
        for n in range(30)
    ]
    raw = _doc(
        ("heading", "Health inequalities and integrated care"),
        "12 March 2024",
        *body,
        "Parliamentary Office of Science and Technology, Westminster, London SW1A 0AA",
    )
    assert (
        guess_metadata(raw, Path("note.html")).org
        == "Parliamentary Office of Science and Technology"
    )
    person = _doc(
        ("heading", "Health inequalities and integrated care"),
        *body,
        "Jane Smith, 1 High Street, Leeds LS1 4AB",
    )
    assert guess_metadata(person, Path("note.html")).org != "Jane Smith"


def test_reference_from_file_name() -> None:
    raw = _doc("Our response to the inquiry.", "We welcome the chance to respond.")
    assert guess_metadata(raw, Path("ICS0131.pdf")).ref == "ICS0131"


def test_press_release_html() -> None:
    raw = _doc(
        "Press release",
        (
            "heading",
            "Three in four local partners back integrated care systems, survey finds",
        ),
        "6 June 2023 \u00b7 Embargoed until 00:01 on Tuesday 6 June",
        "More than three-quarters (76%) of stakeholders said they supported ICSs.",
        ("heading", "Notes to editors"),
        "The NHS Confederation is the membership body that brings together organisations across the whole health and care system.",
        declared=Metadata(
            title="Three in four local partners back integrated care systems, survey finds | NHS Confederation",
            org="NHS Confederation",
            date="2023-06-06",
        ),
        fmt="html",
    )
    assert guess_metadata(raw, Path("pr.html")) == Metadata(
        title="Three in four local partners back integrated care systems, survey finds",
        org="The NHS Confederation",
        doc_type="press release",
        date="2023-06-06",
        ref=None,
    )


def test_press_release_about_boilerplate() -> None:
    body = [
        f"Paragraph {n} of the release, with figures and quotes." for n in range(40)
    ]
    raw = _doc(
        ("heading", "Health charity calls for prevention fund"),
        "For immediate release",
        *body,
        ("heading", "About the Example Health Foundation"),
        "The Example Health Foundation is an independent charity.",
        "\u00a9 The Example Health Foundation 2023",
    )
    meta = guess_metadata(raw, Path("release.txt"))
    assert (meta.org, meta.doc_type, meta.title) == (
        "Example Health Foundation",
        "press release",
        "Health charity calls for prevention fund",
    )


def test_copyright_line_names_the_org() -> None:
    raw = _doc(
        ("heading", "Social care workforce: the facts"),
        "\u00a9 The King's Fund 2023",
        "Text of the page.",
    )
    assert guess_metadata(raw, Path("kf.html")).org == "The King's Fund"


def test_audit_report_pdf() -> None:
    raw = _doc(
        (
            "heading",
            "Introducing Integrated Care Systems: joining up local services to improve health outcomes",
        ),
        ("heading", "Report by the Comptroller and Auditor General"),
        "Ordered by the House of Commons to be printed on 12 October 2022",
        "On 1 July 2022 the Health and Care Act 2022 put 42 integrated care systems on a statutory footing.",
        declared=Metadata(title="Microsoft Word - NAO_ICS_final.docx", org="jsmith"),
        fmt="pdf",
    )
    assert guess_metadata(raw, Path("nao.pdf")) == Metadata(
        title="Introducing Integrated Care Systems: joining up local services to improve health outcomes",
        org="National Audit Office",
        doc_type="report",
        date="2022-10-12",
        ref=None,
    )


def test_committee_report() -> None:
    raw = _doc(
        ("heading", "Integrated care systems: freedom to deliver"),
        "House of Commons Health and Social Care Committee",
        "Fifth Report of Session 2022\u201323",
        "HC 1187. Published on 5 April 2023 by authority of the House of Commons.",
        declared=Metadata(org="Health and Social Care Committee"),
        fmt="docx",
    )
    assert guess_metadata(raw, Path("report.docx")) == Metadata(
        title="Integrated care systems: freedom to deliver",
        org="Health and Social Care Committee",
        doc_type="committee report",
        date="2023-04-05",
        ref="HC 1187",
    )


def test_government_response() -> None:
    raw = _doc(
        (
            "heading",
            "Government response to the Health and Social Care Committee report: Integrated care systems",
        ),
        "Presented to Parliament by the Secretary of State for Health and Social Care by Command of His Majesty",
        "July 2023",
        "CP 912",
        declared=Metadata(org="Department of Health and Social Care"),
        fmt="pdf",
    )
    meta = guess_metadata(raw, Path("gr.pdf"))
    assert (meta.doc_type, meta.date, meta.ref, meta.org) == (
        "government response",
        "2023-07",
        "CP 912",
        "Department of Health and Social Care",
    )


def test_trade_press_article_with_byline() -> None:
    raw = _doc(
        (
            "heading",
            "ICB chairs warn running cost cuts will 'hollow out' partnership teams",
        ),
        "By Tom Reddaway, Senior correspondent Published 14.03.2024, 06:30",
        "Integrated care boards are cutting hundreds of posts.",
        declared=Metadata(
            title="ICB chairs warn running cost cuts will 'hollow out' partnership teams - Care Systems Review",
            org="Tom Reddaway",
        ),
        fmt="html",
    )
    assert guess_metadata(raw, Path("article.html")) == Metadata(
        title="ICB chairs warn running cost cuts will 'hollow out' partnership teams",
        org="Care Systems Review",
        doc_type="article",
        date="2024-03-14",
        ref=None,
    )


def test_blog_with_label_line() -> None:
    raw = _doc(
        ("heading", "Primary care networks and the digital front door"),
        "Blog post \u2022 Daniel Okafor, Senior Analyst \u2022 5 December 2023",
        "General practice is where most people meet the NHS.",
        declared=Metadata(org="Daniel Okafor"),
        fmt="html",
    )
    meta = guess_metadata(raw, Path("blog.html"))
    assert (meta.doc_type, meta.org, meta.date) == ("commentary", None, "2023-12-05")


def test_long_read_label_segments_give_the_org() -> None:
    raw = _doc(
        ("heading", "Integrated care systems two years on: has the reform delivered?"),
        "Long read \u00b7 The King's Fund \u00b7 Hannah Blackwood, Senior Fellow, Policy \u00b7 3 July 2024",
        "When the 42 integrated care systems became statutory bodies, few expected miracles.",
        fmt="md",
    )
    assert guess_metadata(raw, Path("long-read.md")) == Metadata(
        title="Integrated care systems two years on: has the reform delivered?",
        org="The King's Fund",
        doc_type="commentary",
        date="2024-07-03",
        ref=None,
    )


def test_letterhead_is_org_not_title() -> None:
    raw = _doc(
        ("heading", "WESTMOOR COUNTY COUNCIL"),
        "Date of meeting: Thursday 9th November 2023",
        ("heading", "Briefing note on the integrated care system"),
        "1.1 This note updates members.",
    )
    assert guess_metadata(raw, Path("westmoor.txt")) == Metadata(
        title="Briefing note on the integrated care system",
        org="WESTMOOR COUNTY COUNCIL",
        doc_type="report",
        date="2023-11-09",
        ref=None,
    )


def test_nothing_to_go_on() -> None:
    raw = _doc(
        "This text says nothing about itself and runs on for long enough to not be a title line at all."
    )
    assert guess_metadata(raw, Path("notes_2023_final.txt")) == Metadata(
        title="notes 2023 final", org=None, doc_type="other", date=None, ref=None
    )
    assert guess_metadata(_doc(), Path("empty.md")) == Metadata(
        title="empty", doc_type="other"
    )


# ------------------------------------------------------------------ CSV


def _csv(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "submissions.csv"
    path.write_bytes(text.encode(encoding))
    return path


def test_load_metadata_csv(tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        "Filename,Title,Organisation,Document Type,Date,Reference\r\n"
        'ics0048.txt,Written evidence,"The Nuffield Trust (ICS0048)",Written_Evidence,14/11/2022,ICS0048\r\n'
        "sub\\nao.pdf,,National Audit Office,report,October 2022,\r\n"
        ",,,,,\r\n"
        'blog.html,"A title, with a comma",,,,\r\n',
        encoding="utf-8-sig",
    )
    sheet = load_metadata_csv(path)
    assert sheet.problems == []
    assert sheet.lines == {"ics0048.txt": 2, "sub/nao.pdf": 3, "blog.html": 5}
    assert sheet.rows == {
        "ics0048.txt": Metadata(
            title="Written evidence",
            org="The Nuffield Trust",
            doc_type="written evidence",
            date="2022-11-14",
            ref="ICS0048",
        ),
        "sub/nao.pdf": Metadata(
            org="National Audit Office", doc_type="report", date="2022-10"
        ),
        "blog.html": Metadata(title="A title, with a comma"),
    }


def test_load_metadata_csv_semicolons_and_synonyms(tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        "path;submitter;type;code\na.docx;Example College;press release;ABC0001\n",
    )
    assert load_metadata_csv(path).rows == {
        "a.docx": Metadata(
            org="Example College", doc_type="press release", ref="ABC0001"
        )
    }


def test_csv_without_file_column(tmp_path: Path) -> None:
    path = _csv(tmp_path, "title,org\nA,B\n")
    with pytest.raises(MetadataError) as caught:
        load_metadata_csv(path)
    assert (
        str(caught.value)
        == "submissions.csv line 1: no file column (found: title, org)"
    )
    assert caught.value.hint == "name the column that holds each file's name 'file'"


def test_csv_unknown_doc_type_costs_that_cell_only(tmp_path: Path) -> None:
    path = _csv(tmp_path, "file,type,title\na.txt,report,A\nb.txt,memo,B\n")
    sheet = load_metadata_csv(path)
    assert sheet.rows == {
        "a.txt": Metadata(doc_type="report", title="A"),
        "b.txt": Metadata(title="B"),
    }
    assert sheet.problems == [
        "submissions.csv line 3: unknown document type 'memo', left out (use one of: report, written evidence, "
        "press release, commentary, article, committee report, government response, other)"
    ]


def test_csv_unused_columns_are_reported(tmp_path: Path) -> None:
    sheet = load_metadata_csv(
        _csv(tmp_path, "file,Notes,title,Received by\na.txt,late,A,clerk\n")
    )
    assert sheet.rows == {"a.txt": Metadata(title="A")}
    assert sheet.problems == [
        "submissions.csv line 1: column 'Notes' is not used (the columns read are file, title, org, type, date, ref)",
        "submissions.csv line 1: column 'Received by' is not used (the columns read are file, title, org, type, date, ref)",
    ]


def test_csv_separated_by_something_else_says_so(tmp_path: Path) -> None:
    with pytest.raises(MetadataError) as caught:
        load_metadata_csv(_csv(tmp_path, "file|title\na.txt|A\n"))
    assert (
        str(caught.value)
        == "submissions.csv line 1: no file column (found: file|title)"
    )
    assert (
        caught.value.hint
        == "the columns seem to be separated by '|': save the sheet as CSV with commas"
    )


def test_csv_bad_encoding(tmp_path: Path) -> None:
    path = _csv(tmp_path, "file,org\na.txt,Caf\u00e9 Trust\n", encoding="cp1252")
    with pytest.raises(MetadataError) as caught:
        load_metadata_csv(path)
    assert str(caught.value) == "submissions.csv line 2: not UTF-8 text"
    assert caught.value.hint == "save the spreadsheet as 'CSV UTF-8' and try again"


def test_csv_bad_date_duplicates_and_empty_names_are_reported_and_the_rest_applies(
    tmp_path: Path,
) -> None:
    sheet = load_metadata_csv(
        _csv(
            tmp_path,
            "file,date,title\na.txt,Spring 2023,A\nb.txt,2023,B\nb.txt,2024,B again\n,2022,Orphan title\n",
        )
    )
    assert sheet.rows == {
        "a.txt": Metadata(title="A"),
        "b.txt": Metadata(date="2023", title="B"),
    }
    assert sheet.problems == [
        "submissions.csv line 2: date 'Spring 2023' not understood, left out (write YYYY-MM-DD, YYYY-MM or YYYY)",
        "submissions.csv line 4: b.txt is already listed on line 3; this row is not used",
        "submissions.csv line 5: the file cell is empty, so the row is not used",
    ]
    with pytest.raises(
        MetadataError, match=r"^submissions.csv line 1: empty file, no header row$"
    ):
        load_metadata_csv(_csv(tmp_path, ""))


@pytest.mark.parametrize(
    ("author", "org"),
    [
        ("OKAFOR, Daniel (DHSC)", None),
        ("Daniel Okafor (DHSC)", None),
        ("Priya Shah - CO", None),
        (
            "Department of Health and Social Care",
            "Department of Health and Social Care",
        ),
    ],
)
def test_a_person_in_the_files_author_field_is_not_its_organisation(
    author: str, org: str | None
) -> None:
    """Directories write people as "SURNAME, Given (DEPT)": still a person."""
    raw = _doc(
        ("heading", "Review of the capital regime for NHS providers"),
        "This review sets out how capital allocations are made across systems.",
        declared=Metadata(org=author),
        fmt="pdf",
    )
    assert guess_metadata(raw, Path("review.pdf")).org == org


@pytest.mark.parametrize(
    ("blocks", "title", "org"),
    [
        # the addressee of "Dear ..." is never the author
        (
            [
                "Dear Committee,",
                "I write as a pharmacist in Leeds about community pharmacy funding.",
            ],
            "letter",
            None,
        ),
        (
            [
                "Dear Public Accounts Committee,",
                "We are writing on behalf of the Royal College of Midwives to respond "
                "to your inquiry.",
            ],
            "letter",
            "Royal College of Midwives",
        ),
        # the sign-off names the body; the signature is not a title
        (
            [
                "Dear Chair, thank you for your letter of 3 May about capital.",
                "We have reviewed the allocations and will write again in June.",
                "Yours sincerely, Sam Okoro, Chief Executive, Care Quality Commission",
            ],
            "letter",
            "Care Quality Commission",
        ),
        (
            [
                "Dear Minister,",
                "Thank you for meeting us.",
                "Yours sincerely,",
                "Jo Bell",
            ],
            "letter",
            None,
        ),
        # "on behalf of" a person names no body
        (
            ["I am writing on behalf of my mother about her care home fees."],
            "letter",
            None,
        ),
    ],
)
def test_letters(blocks: list[str], title: str, org: str | None) -> None:
    meta = guess_metadata(_doc(*blocks), Path("letter.txt"))
    assert (meta.title, meta.org) == (title, org)
