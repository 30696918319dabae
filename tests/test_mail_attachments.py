"""An e-mail's attachments are documents of their own, linked to the e-mail both ways.

Every fixture is built here: an e-mail with a PDF (fpdf2), a DOCX
(python-docx), a file of a type no reader takes, a broken PDF and a
forwarded e-mail carrying a text file of its own. Ids are asserted as
literals: they derive from the e-mail's path in the folder, never from
where the test's temporary folder is.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from fpdf import FPDF
from test_formats import _msg

from evidence.cli import cli
from evidence.errors import ReaderError
from evidence.ingest import IngestFailed, attachment_doc_id, ingest
from evidence.passages import make_doc_id, passage_id
from evidence.readers import read_bytes
from evidence.readers.mail import MAX_DEPTH
from evidence.search import search
from evidence.store import Store

LETTER = "letter-e8066e"  # make_doc_id("letter.eml", "letter")
REPORT = "bus-report-996884"  # attached to LETTER as "bus report.pdf"
SURVEY = "survey-7c5d51"  # attached to LETTER as "survey.docx"
FORWARDED = "route-42-abc39d"  # attached to LETTER as "route 42.eml"
TIMETABLE = "timetable-536e47"  # attached to FORWARDED as "timetable.txt"


def _pdf() -> bytes:
    pdf = FPDF()
    pdf.set_creation_date(datetime(2024, 2, 1))
    pdf.add_page()
    pdf.set_font("helvetica", size=22)
    pdf.cell(text="Bus services in rural areas")
    pdf.ln(20)
    pdf.set_font("helvetica", size=11)
    pdf.multi_cell(
        0,
        6,
        text="Rural bus mileage fell by 25% between 2010 and 2023, and the villages lost their Sunday buses.",
    )
    return bytes(pdf.output())


def _docx() -> bytes:
    document = docx.Document()
    document.add_paragraph("Passenger survey results", style="Title")
    document.add_paragraph(
        "Around 300 passengers a day use route 42 to reach the hospital."
    )
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _forwarded(depth: int = 1) -> EmailMessage:
    forwarded = EmailMessage()
    forwarded["From"] = "Rosa Lane (Bus Users UK) <rosa@gmail.com>"
    forwarded["Subject"] = "Route 42"
    forwarded.set_content("Route 42 carries 300 passengers a day.\n")
    forwarded.add_attachment(
        b"Timetable\n\nBuses run every hour from 7am until 7pm.\n",
        maintype="text",
        subtype="plain",
        filename="timetable.txt",
    )
    if depth > 1:
        forwarded.add_attachment(_forwarded(depth - 1), filename="older.eml")
    return forwarded


def _letter(
    *, survey: bool = True, body: str = "Please find our evidence attached."
) -> bytes:
    message = EmailMessage()
    message["From"] = "Jane Doe <jane.doe@hilltown-pc.gov.uk>"
    message["Organization"] = "Hilltown Parish Council"
    message["To"] = "inquiry@committee.example"
    message["Subject"] = "Evidence on rural bus services"
    message["Date"] = "Tue, 05 Mar 2024 16:20:00 +0000"
    message.set_content(f"Dear Committee,\n\n{body}\n")
    message.add_attachment(
        _pdf(), maintype="application", subtype="pdf", filename="bus report.pdf"
    )
    if survey:
        message.add_attachment(
            _docx(),
            maintype="application",
            subtype="vnd.openxmlformats-officedocument.wordprocessingml.document",
            filename="survey.docx",
        )
    message.add_attachment(
        b"PK\x03\x04 not read",
        maintype="application",
        subtype="zip",
        filename="photos.zip",
    )
    message.add_attachment(
        b"%PDF-1.4 cut short",
        maintype="application",
        subtype="pdf",
        filename="broken.pdf",
    )
    message.add_attachment(_forwarded(), filename="route 42.eml")
    return message.as_bytes()


def _ingest(folder: Path, index_dir: Path, **kwargs: object):  # type: ignore[no-untyped-def]
    return ingest([folder], index_dir=index_dir, workers=1, **kwargs)  # type: ignore[arg-type]


def _documents(
    index_dir: Path,
) -> dict[str, tuple[str, str, str | None, str | None, str | None]]:
    """doc_id -> (path, title, organisation, date, the e-mail it came attached to)."""
    with Store(index_dir) as store:
        return {
            doc.doc_id: (
                doc.path,
                doc.title,
                doc.metadata.org,
                doc.metadata.date,
                store.attached_to(doc.doc_id),
            )
            for doc in store.documents()
        }


@pytest.fixture()
def inquiry(tmp_path: Path) -> Path:
    folder = tmp_path / "inquiry"
    folder.mkdir()
    (folder / "letter.eml").write_bytes(_letter())
    return folder


def test_the_ids_are_the_e_mails_id_and_the_attachments_name() -> None:
    assert make_doc_id("letter.eml", "letter") == LETTER
    assert attachment_doc_id(LETTER, "bus report.pdf") == REPORT
    assert attachment_doc_id(LETTER, "survey.docx") == SURVEY
    assert attachment_doc_id(LETTER, "route 42.eml") == FORWARDED
    assert attachment_doc_id(FORWARDED, "timetable.txt") == TIMETABLE


def test_each_attachment_is_a_document_of_its_own_linked_to_its_e_mail(
    inquiry: Path, tmp_path: Path
) -> None:
    index_dir = tmp_path / "idx"
    report = _ingest(inquiry, index_dir)
    assert report.new == ["inquiry/letter.eml"]
    assert report.attachments == [
        ("inquiry/letter.eml/bus report.pdf", REPORT),
        ("inquiry/letter.eml/survey.docx", SURVEY),
        ("inquiry/letter.eml/route 42.eml", FORWARDED),
        ("inquiry/letter.eml/route 42.eml/timetable.txt", TIMETABLE),
    ]
    assert report.failed == []
    assert report.attachments_failed == [
        ("inquiry/letter.eml/broken.pdf", "not a readable PDF: data format error")
    ]
    assert report.skipped == [
        (
            "inquiry/letter.eml/photos.zip",
            "unsupported format",
            "unsupported file type '.zip'",
        )
    ]
    assert _documents(index_dir) == {
        LETTER: (
            "letter.eml",
            "Evidence on rural bus services",
            "Hilltown Parish Council",
            "2024-03-05",
            None,
        ),
        # its own title and date (the PDF's), its e-mail's sender
        REPORT: (
            "letter.eml/bus report.pdf",
            "Bus services in rural areas",
            "Hilltown Parish Council",
            "2024-02",
            LETTER,
        ),
        SURVEY: (
            "letter.eml/survey.docx",
            "Passenger survey results",
            "Hilltown Parish Council",
            "2024-03-05",
            LETTER,
        ),
        # a forwarded e-mail names its own sender, and passes it on to its attachment
        FORWARDED: (
            "letter.eml/route 42.eml",
            "Route 42",
            "Bus Users UK",
            "2024-03-05",
            LETTER,
        ),
        TIMETABLE: (
            "letter.eml/route 42.eml/timetable.txt",
            "Timetable",
            "Bus Users UK",
            "2024-03-05",
            FORWARDED,
        ),
    }
    with Store(index_dir) as store:
        assert store.attachments_of(LETTER) == [REPORT, SURVEY, FORWARDED]
        assert store.attachments_of(FORWARDED) == [TIMETABLE]
        assert [p.text for p in store.passages(LETTER)] == [
            "Evidence on rural bus services",
            "Dear Committee,",
            "Please find our evidence attached.",
        ]
        assert [p.passage_id for p in store.passages(SURVEY)] == [
            passage_id(SURVEY, 1),
            passage_id(SURVEY, 2),
        ]
        figures = store.findings(doc_id=REPORT, kind="figure")
        assert [(f["surface"], f["passage_id"]) for f in figures] == [
            ("25%", passage_id(REPORT, 2))
        ]
    hits = search(index_dir, "hospital", limit=5).hits
    assert [(h["doc_id"], h["doc_path"]) for h in hits] == [
        (SURVEY, "letter.eml/survey.docx")
    ]


def test_re_ingest_of_an_unchanged_e_mail_reads_nothing(
    inquiry: Path, tmp_path: Path
) -> None:
    index_dir = tmp_path / "idx"
    _ingest(inquiry, index_dir)
    before = _documents(index_dir)
    again = _ingest(inquiry, index_dir)
    assert (again.unchanged, again.new, again.changed, again.attachments) == (
        ["inquiry/letter.eml"],
        [],
        [],
        [],
    )
    assert not again.changed_anything
    assert _documents(index_dir) == before


def test_a_changed_e_mail_replaces_its_attachments_and_drops_those_it_lost(
    inquiry: Path, tmp_path: Path
) -> None:
    index_dir = tmp_path / "idx"
    _ingest(inquiry, index_dir)
    (inquiry / "letter.eml").write_bytes(_letter(survey=False, body="A second letter."))
    report = _ingest(inquiry, index_dir)
    assert report.changed == ["inquiry/letter.eml"]
    assert [doc_id for _shown, doc_id in report.attachments] == [
        REPORT,
        FORWARDED,
        TIMETABLE,
    ]
    assert sorted(_documents(index_dir)) == sorted(
        [LETTER, REPORT, FORWARDED, TIMETABLE]
    )
    with Store(index_dir) as store:
        assert store.attachments_of(LETTER) == [REPORT, FORWARDED]
        assert store.passages(LETTER)[-1].text == "A second letter."
        assert store.unindexed() == ([], [])
    assert search(index_dir, "hospital", limit=5).hits == []
    assert [h["doc_id"] for h in search(index_dir, "hour", limit=5).hits] == [TIMETABLE]


def test_moving_the_e_mail_keeps_every_id_and_deleting_it_removes_its_attachments(
    inquiry: Path, tmp_path: Path
) -> None:
    index_dir = tmp_path / "idx"
    _ingest(inquiry, index_dir)
    (inquiry / "2024").mkdir()
    shutil.move(inquiry / "letter.eml", inquiry / "2024" / "sent.eml")
    moved = _ingest(inquiry, index_dir)
    assert moved.moved == [("inquiry/2024/sent.eml", LETTER)]
    assert {doc_id: row[0] for doc_id, row in _documents(index_dir).items()} == {
        LETTER: "2024/sent.eml",
        REPORT: "2024/sent.eml/bus report.pdf",
        SURVEY: "2024/sent.eml/survey.docx",
        FORWARDED: "2024/sent.eml/route 42.eml",
        TIMETABLE: "2024/sent.eml/route 42.eml/timetable.txt",
    }
    hits = search(index_dir, "hospital", limit=5).hits
    assert [(h["doc_id"], h["doc_path"]) for h in hits] == [
        (SURVEY, "2024/sent.eml/survey.docx")
    ]
    (inquiry / "2024" / "sent.eml").unlink()
    gone = _ingest(inquiry, index_dir)
    assert gone.removed == ["inquiry/2024/sent.eml"]
    assert _documents(index_dir) == {}
    with Store(index_dir) as store:
        assert store.attachment_links() == {}
        assert store.counts()["passages"] == 0
    assert search(index_dir, "passengers", limit=5).hits == []


def test_strict_counts_an_unreadable_attachment_as_a_failure(
    inquiry: Path, tmp_path: Path
) -> None:
    with pytest.raises(IngestFailed) as caught:
        _ingest(inquiry, tmp_path / "idx", strict=True)
    assert caught.value.failed == [
        ("inquiry/letter.eml/broken.pdf", "not a readable PDF: data format error")
    ]


def test_forwarded_e_mails_are_read_to_the_depth_bound() -> None:
    message = EmailMessage()
    message["From"] = "Jane Doe <jane@gmail.com>"
    message["Subject"] = "Chain"
    message.set_content("See below.\n")
    message.add_attachment(_forwarded(depth=MAX_DEPTH), filename="older.eml")
    raw = read_bytes(message.as_bytes(), ".eml")
    chain = []
    attachments = raw.attachments
    while attachments:
        chain.append([(a.name, a.reason) for a in attachments])
        inner = [
            a.document for a in attachments if a.name == "older.eml" and a.document
        ]
        attachments = inner[0].attachments if inner else []
    assert chain == [
        [("older.eml", None)],
        [("timetable.txt", None), ("older.eml", None)],
        [("timetable.txt", None), ("older.eml", None)],
        # the third forwarded e-mail is read; what it carries is one level too deep
        [("timetable.txt", "attachments nested too deeply")],
    ]


def test_attachments_of_one_name_get_numbered_names() -> None:
    message = EmailMessage()
    message["From"] = "Jane Doe <jane@gmail.com>"
    message["Subject"] = "Two notes"
    for text in (b"First note.\n", b"Second note.\n"):
        message.add_attachment(
            text, maintype="text", subtype="plain", filename="note.txt"
        )
    raw = read_bytes(message.as_bytes(), ".eml")
    assert [
        (a.name, a.document.blocks[0].text if a.document else None)
        for a in raw.attachments
    ] == [
        ("note.txt", "First note."),
        ("note (2).txt", "Second note."),
    ]


def test_an_e_mail_with_no_words_of_its_own_still_brings_its_attachments() -> None:
    message = EmailMessage()
    message["From"] = "Jane Doe <jane@gmail.com>"
    message.add_attachment(
        b"A note.\n", maintype="text", subtype="plain", filename="note.txt"
    )
    raw = read_bytes(message.as_bytes(), ".eml")
    assert (raw.blocks, [a.name for a in raw.attachments]) == ([], ["note.txt"])
    message = EmailMessage()
    message["From"] = "Jane Doe <jane@gmail.com>"
    message.add_attachment(
        b"\x89PNG", maintype="image", subtype="png", filename="logo.png"
    )
    with pytest.raises(ReaderError, match="^no text in the document$"):
        read_bytes(message.as_bytes(), ".eml")


def test_a_msg_attachment_is_a_document_of_its_own(tmp_path: Path) -> None:
    folder = tmp_path / "mail"
    folder.mkdir()
    (folder / "letter.msg").write_bytes(_msg())
    report = _ingest(folder, tmp_path / "idx")
    letter, rtf = "letter-532413", "survey-bfa717"
    assert make_doc_id("letter.msg", "letter") == letter
    assert attachment_doc_id(letter, "survey.rtf") == rtf
    assert report.attachments == [("mail/letter.msg/survey.rtf", rtf)]
    assert _documents(tmp_path / "idx") == {
        letter: (
            "letter.msg",
            "Evidence on rural bus services",
            "Hilltown Parish Council",
            "2024-03-06",
            None,
        ),
        rtf: (
            "letter.msg/survey.rtf",
            "Rural bus routes",
            "Hilltown Parish Council",
            "2024-03-06",
            letter,
        ),
    }


# ------------------------------------------------------------------ through the CLI


def _run(index_dir: Path, *args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, ["--index-dir", str(index_dir), *args])


def test_cli_ingest_names_the_attachments_not_read_and_show_links_both_ways(
    inquiry: Path, tmp_path: Path
) -> None:
    index_dir = tmp_path / "idx"
    result = _run(index_dir, "ingest", str(inquiry), "--workers", "1")
    assert result.exit_code == 3, result.output
    assert result.stderr.splitlines() == [
        "failed: inquiry/letter.eml/broken.pdf: not a readable PDF: data format error",
        "skipped: inquiry/letter.eml/photos.zip: unsupported file type '.zip' (--skip-unsupported if expected)",
    ]
    assert result.stdout.splitlines()[-1] == (
        "1 document: 1 new, 0 changed, 0 unchanged, 0 removed; 0 failed; "
        "4 attached documents read, 1 failed; 1 skipped (unsupported format)"
    )
    shown = _run(index_dir, "show", "letter.eml")
    assert shown.exit_code == 0, shown.output
    assert shown.stdout.split("\n\n")[0].splitlines()[-3:] == [
        f"  attachments:  {REPORT} (Bus services in rural areas)",
        f"                {SURVEY} (Passenger survey results)",
        f"                {FORWARDED} (Route 42)",
    ]
    child = _run(index_dir, "show", "survey.docx")
    assert child.stdout.split("\n\n")[0].splitlines() == [
        "Passenger survey results",
        f"  id:           {SURVEY}",
        "  path:         letter.eml/survey.docx",
        "  format:       docx",
        "  pages:        -",
        "  organisation: Hilltown Parish Council",
        "  type:         other",
        "  date:         2024-03-05",
        "  reference:    -",
        f"  attached to:  {LETTER} (Evidence on rural bus services)",
    ]
    detail = json.loads(_run(index_dir, "show", FORWARDED, "--json").stdout)
    assert (detail["attached_to"], detail["attachments"]) == (LETTER, [TIMETABLE])
    rows = json.loads(_run(index_dir, "docs", "--json").stdout)
    assert [(r["id"], r["path"], r["attached_to"]) for r in rows] == [
        (LETTER, "letter.eml", None),
        (REPORT, "letter.eml/bus report.pdf", LETTER),
        (FORWARDED, "letter.eml/route 42.eml", LETTER),
        (TIMETABLE, "letter.eml/route 42.eml/timetable.txt", FORWARDED),
        (SURVEY, "letter.eml/survey.docx", LETTER),
    ]
    table = list(csv.DictReader(io.StringIO(_run(index_dir, "docs", "--csv").stdout)))
    assert [(r["id"], r["attached_to"]) for r in table] == [
        (r["id"], r["attached_to"] or "") for r in rows
    ]


def test_cli_export_cites_an_attachment_by_its_own_document_and_path(
    inquiry: Path, tmp_path: Path
) -> None:
    index_dir = tmp_path / "idx"
    _run(index_dir, "ingest", str(inquiry), "--workers", "1")
    result = _run(index_dir, "export", "--kind", "figure", "--format", "jsonl")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    report = [r for r in rows if r["doc_id"] == REPORT]
    assert [
        (r["surface"], r["doc_path"], r["doc_title"], r["doc_org"]) for r in report
    ] == [
        (
            "25%",
            "letter.eml/bus report.pdf",
            "Bus services in rural areas",
            "Hilltown Parish Council",
        )
    ]


def test_cli_site_document_pages_link_the_e_mail_and_its_attachments(
    inquiry: Path, tmp_path: Path
) -> None:
    index_dir = tmp_path / "idx"
    _run(index_dir, "ingest", str(inquiry), "--workers", "1")
    site = tmp_path / "site"
    result = _run(index_dir, "build", "-o", str(site))
    assert result.exit_code == 0, result.output
    letter = (site / "docs" / f"{LETTER}.html").read_text(encoding="utf-8")
    assert (
        '<dt>Attachments</dt><dd><ul class="attachments">\n'
        f'<li><a href="../docs/{REPORT}.html">Bus services in rural areas</a> <span class="note">(pdf)</span></li>\n'
        f'<li><a href="../docs/{SURVEY}.html">Passenger survey results</a> <span class="note">(docx)</span></li>\n'
        f'<li><a href="../docs/{FORWARDED}.html">Route 42</a> <span class="note">(eml)</span></li>\n'
        "</ul></dd>"
    ) in letter
    timetable = (site / "docs" / f"{TIMETABLE}.html").read_text(encoding="utf-8")
    assert (
        f'<dt>Attached to</dt><dd><a href="../docs/{FORWARDED}.html">Route 42</a></dd>'
        in timetable
    )
    assert "<dt>Attached to</dt>" not in letter


def test_a_store_from_before_attachments_gains_their_table(tmp_path: Path) -> None:
    with Store(tmp_path, create=True) as store:
        store.conn.execute("DROP TABLE attachments")
    with Store(tmp_path) as store:
        assert store.attachment_links() == {}
        assert "attachments" in store._tables()
