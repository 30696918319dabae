"""Readers for the other formats an inquiry's folder holds: ODT, RTF, e-mail, sheets, legacy Word.

Every fixture is written here, byte by byte, so each test shows what the
file holds and what must come out of it.
"""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import zipfile
from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from click.testing import CliRunner
from fpdf import FPDF
from openpyxl import Workbook

from evidence.cli import cli
from evidence.errors import ReaderError
from evidence.models import Metadata
from evidence.readers import SUPPORTED_EXTENSIONS, read_bytes
from evidence.store import Store

# ------------------------------------------------------------------ ODT

_ODT_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"'
)


def _odt(
    body: str,
    *,
    meta: str = "",
    mimetype: str = "application/vnd.oasis.opendocument.text",
) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", mimetype)
        archive.writestr(
            "content.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODT_NS}>'
            f"<office:body><office:text>{body}</office:text></office:body></office:document-content>",
        )
        if meta:
            archive.writestr(
                "meta.xml",
                f'<?xml version="1.0" encoding="UTF-8"?><office:document-meta {_ODT_NS}><office:meta>{meta}'
                "</office:meta></office:document-meta>",
            )
    return buffer.getvalue()


ODT_BODY = (
    '<text:p text:style-name="Title">Library services review</text:p>'
    "<text:table-of-content><text:index-body><text:p>Summary 1</text:p></text:index-body></text:table-of-content>"
    '<text:h text:outline-level="1">Summary</text:h>'
    '<text:p>Opening hours fell by a<text:s text:c="3"/>third<text:line-break/>since 2015.'
    '<text:note text:note-class="footnote"><text:note-citation>1</text:note-citation>'
    "<text:note-body><text:p>Council survey, 2023.</text:p></text:note-body></text:note></text:p>"
    '<text:section><text:h text:outline-level="2">What we ask</text:h>'
    "<text:list><text:list-item><text:p>Keep branches open.</text:p>"
    "<text:list><text:list-item><text:p>At least four days a week.</text:p></text:list-item></text:list>"
    "</text:list-item></text:list></text:section>"
    "<table:table><table:table-row><table:table-cell><text:p>Branch</text:p></table:table-cell>"
    "<table:table-cell><text:p>Hours</text:p></table:table-cell></table:table-row>"
    "<table:table-row><table:table-cell><text:p>Central</text:p></table:table-cell>"
    "<table:table-cell><text:p>40</text:p></table:table-cell>"
    '<table:table-cell table:number-columns-repeated="1000"/></table:table-row></table:table>'
    "<text:p>Staff <office:annotation><dc:creator>A</dc:creator><text:p>Check this figure.</text:p></office:annotation>"
    "fell to 12.</text:p>"
    "<text:tracked-changes><text:changed-region><text:deletion><text:p>Old text.</text:p></text:deletion>"
    "</text:changed-region></text:tracked-changes>"
)


def test_odt_reads_headings_lists_tables_notes_and_comments_in_order() -> None:
    raw = read_bytes(
        _odt(
            ODT_BODY,
            meta="<dc:title>Library review</dc:title><meta:initial-creator>Ashford Council</meta:initial-creator>",
        ),
        ".odt",
    )
    assert [(b.kind, b.text, b.level) for b in raw.blocks] == [
        ("paragraph", "Library services review", 0),
        ("heading", "Summary", 1),
        ("paragraph", "Opening hours fell by a third since 2015.", 0),
        ("footnote", "1 Council survey, 2023.", 0),
        ("heading", "What we ask", 2),
        ("list_item", "Keep branches open.", 1),
        ("list_item", "At least four days a week.", 2),
        ("table_row", "Branch | Hours", 0),
        ("table_row", "Central | 40", 0),
        ("paragraph", "Staff fell to 12.", 0),
        ("comment", "Check this figure.", 0),
    ]
    assert raw.format == "odt"
    assert raw.declared == Metadata(title="Library review", org="Ashford Council")
    assert raw.prominent == ["Library services review", "Summary"]
    assert all(b.page is None for b in raw.blocks)


def test_odt_text_frame_is_read_once_after_its_paragraph() -> None:
    body = (
        "<text:p>Before<draw:frame><draw:text-box><text:p>Boxed note.</text:p></draw:text-box></draw:frame></text:p>"
        "<text:p>After.</text:p>"
    )
    assert [(b.kind, b.text) for b in read_bytes(_odt(body), ".odt").blocks] == [
        ("paragraph", "Before"),
        ("paragraph", "Boxed note."),
        ("paragraph", "After."),
    ]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"plain text named .odt", "not an ODT (zip) file"),
        (
            _odt(
                "<text:p>x</text:p>",
                mimetype="application/vnd.oasis.opendocument.spreadsheet",
            ),
            "not an OpenDocument text file (another OpenDocument type)",
        ),
        (_odt("<text:p></text:p>"), "no text in the document"),
    ],
)
def test_odt_broken_files_are_refused_with_a_reason(data: bytes, reason: str) -> None:
    with pytest.raises(ReaderError, match=f"^{re.escape(reason)}$"):
        read_bytes(data, ".odt")


def test_odt_missing_content_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
    with pytest.raises(
        ReaderError, match="^not a readable ODT: no content.xml in the package$"
    ):
        read_bytes(buffer.getvalue(), ".odt")


def test_new_formats_are_supported() -> None:
    assert {".odt"} <= SUPPORTED_EXTENSIONS


# ------------------------------------------------------------------ RTF

RTF = (
    rb"{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0\fswiss Arial;}}{\colortbl;\red0\green0\blue0;}"
    rb"{\stylesheet{\s0 Normal;}{\s1\outlinelevel0 heading 1;}{\s15 Title;}}"
    rb"{\info{\title Rural bus services}{\author J Smith}{\company Hilltown Parish Council}}"
    rb"{\header\pard Parish council header\par}"
    rb"\pard\s15 Rural bus routes\par"
    rb"\pard\s1 Summary\par"
    rb"\pard\plain Fares rose by 12\'25 in 2023 \endash  the council\rquote s survey"
    rb"{\super\chftn}{\footnote\pard\plain {\super\chftn} Survey of 400 residents.}"
    rb" found caf\'e9s and shops lost trade.\par"
    rb"\pard\outlinelevel1 What we ask\par"
    rb"{\listtext\pard\plain \'b7\tab}\pard\ls1\ilvl0 Restore the Sunday service.\par"
    rb"{\listtext\pard\plain \'b7\tab}\pard\ls1\ilvl1 Starting in May.\par"
    rb"\pard\intbl Route\cell Buses a day\cell\row"
    rb"\pard\intbl 42\cell 6\cell\row"
    rb"\pard{\pict\pngblip 89504e47}Unicode \u8364?20 and \uc2\u8212\'97\'97 done "
    rb"{\*\bkmkstart x}{\field{\*\fldinst HYPERLINK \"https://example.org\"}{\fldrslt link text}}.\par}"
)


def test_rtf_reads_styles_lists_tables_footnotes_and_characters() -> None:
    raw = read_bytes(RTF, ".rtf")
    assert [(b.kind, b.text, b.level) for b in raw.blocks] == [
        ("paragraph", "Rural bus routes", 0),
        ("heading", "Summary", 1),
        (
            "paragraph",
            "Fares rose by 12% in 2023 \u2013 the council\u2019s survey found caf\u00e9s and shops lost trade.",
            0,
        ),
        ("footnote", "Survey of 400 residents.", 0),
        ("heading", "What we ask", 2),
        ("list_item", "Restore the Sunday service.", 1),
        ("list_item", "Starting in May.", 2),
        ("table_row", "Route | Buses a day", 0),
        ("table_row", "42 | 6", 0),
        ("paragraph", "Unicode \u20ac20 and \u2014 done link text.", 0),
    ]
    assert raw.format == "rtf"
    assert raw.declared == Metadata(
        title="Rural bus services", org="Hilltown Parish Council"
    )
    assert raw.prominent == ["Rural bus routes", "Summary"]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"Not RTF at all", "not an RTF file"),
        (b"{\\rtf1{\\fonttbl{\\f0 Arial;}}}", "no text in the document"),
        (b"{\\rtf1" + b"{" * 600 + b"x" + b"}" * 600 + b"}", "RTF nested too deeply"),
    ],
)
def test_rtf_broken_files_are_refused_with_a_reason(data: bytes, reason: str) -> None:
    with pytest.raises(ReaderError, match=f"^{re.escape(reason)}$"):
        read_bytes(data, ".rtf")


# ------------------------------------------------------------------ e-mail (.eml)


def _eml(
    *,
    sender: str = "Jane Doe <jane.doe@hilltown-pc.gov.uk>",
    organisation: str | None = None,
    attachments: bool = True,
    html_only: bool = False,
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "inquiry@committee.example"
    message["Subject"] = "Evidence on rural bus services"
    message["Date"] = "Tue, 05 Mar 2024 16:20:00 +0000"
    if organisation:
        message["Organization"] = organisation
    if html_only:
        message.set_content(
            "<html><body><p>Buses matter to <b>older</b> residents.</p></body></html>",
            subtype="html",
        )
    else:
        message.set_content(
            "Dear Committee,\n\nThe parish council asks that the Sunday service be restored.\n\n"
            "Fares rose by 12% in 2023.\n"
        )
    if attachments:
        message.add_attachment(
            RTF, maintype="application", subtype="rtf", filename="survey.rtf"
        )
        message.add_attachment(
            b"PK\x03\x04 not read",
            maintype="application",
            subtype="zip",
            filename="photos.zip",
        )
        forwarded = EmailMessage()
        forwarded["From"] = "Bus Users UK <info@bususers.example>"
        forwarded["Subject"] = "Route 42"
        forwarded.set_content("Route 42 carries 300 passengers a day.\n")
        message.add_attachment(forwarded, filename="route 42.eml")
    return message.as_bytes()


def test_eml_subject_and_body_in_its_document_and_each_attachment_apart() -> None:
    raw = read_bytes(_eml(), ".eml")
    assert [(b.kind, b.text, b.level) for b in raw.blocks] == [
        ("heading", "Evidence on rural bus services", 1),
        ("paragraph", "Dear Committee,", 0),
        (
            "paragraph",
            "The parish council asks that the Sunday service be restored.",
            0,
        ),
        ("paragraph", "Fares rose by 12% in 2023.", 0),
    ]
    assert [
        (a.name, a.document.format if a.document else None, a.reason, a.unsupported)
        for a in raw.attachments
    ] == [
        ("survey.rtf", "rtf", None, False),
        ("photos.zip", None, "unsupported file type '.zip'", True),
        ("route 42.eml", "eml", None, False),
    ]
    survey, _photos, forwarded = raw.attachments
    assert survey.document is not None and forwarded.document is not None
    assert survey.document.blocks == read_bytes(RTF, ".rtf").blocks
    assert (survey.size, survey.sha256) == (len(RTF), hashlib.sha256(RTF).hexdigest())
    assert [(b.kind, b.text, b.level) for b in forwarded.document.blocks] == [
        ("heading", "Route 42", 1),
        ("paragraph", "Route 42 carries 300 passengers a day.", 0),
    ]
    assert forwarded.document.declared.org == "bususers.example"
    assert raw.format == "eml"
    assert raw.declared == Metadata(
        title="Evidence on rural bus services",
        org="hilltown-pc.gov.uk",
        date="2024-03-05",
    )
    assert raw.prominent == ["Evidence on rural bus services"]


@pytest.mark.parametrize(
    ("sender", "organisation", "org"),
    [
        (
            "Jane Doe <jane@hilltown-pc.gov.uk>",
            "Hilltown Parish Council",
            "Hilltown Parish Council",
        ),
        ("Jane Doe (Bus Users UK) <jane@gmail.com>", None, "Bus Users UK"),
        ("Jane Doe <jane@gmail.com>", None, None),
    ],
)
def test_eml_sender_organisation(
    sender: str, organisation: str | None, org: str | None
) -> None:
    raw = read_bytes(
        _eml(sender=sender, organisation=organisation, attachments=False), ".eml"
    )
    assert raw.declared.org == org


def test_eml_with_only_an_html_body_reads_the_html() -> None:
    raw = read_bytes(_eml(attachments=False, html_only=True), ".eml")
    assert [(b.kind, b.text) for b in raw.blocks] == [
        ("heading", "Evidence on rural bus services"),
        ("paragraph", "Buses matter to older residents."),
    ]


def test_a_file_without_mail_headers_is_not_an_email() -> None:
    with pytest.raises(
        ReaderError,
        match="^not an e-mail message: no From, To, Subject or Date header$",
    ):
        read_bytes(b"Just some text saved as .eml\n", ".eml")


# ------------------------------------------------------------------ Outlook (.msg)

_FREE, _END, _FAT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD


def _ole(streams: dict[str, bytes]) -> bytes:
    """A compound file (CFB version 3) holding ``streams`` ("storage/stream" paths).

    Streams under 4096 bytes go in the mini stream, as the format requires.
    """
    storages: dict[str, list[str]] = {"": []}
    for path in streams:
        parts = path.split("/")
        for depth in range(1, len(parts)):
            parent, name = "/".join(parts[: depth - 1]), "/".join(parts[:depth])
            if name not in storages:
                storages[name] = []
                storages[parent].append(name)
        storages["/".join(parts[:-1])].append(path)
    mini = bytearray()
    mini_fat: list[int] = []
    mini_start: dict[str, int] = {}
    big = {path: data for path, data in streams.items() if len(data) >= 4096}
    for path, data in streams.items():
        if path in big or not data:
            continue
        first = len(mini_fat)
        count = -(-len(data) // 64)
        mini_fat.extend(list(range(first + 1, first + count)) + [_END])
        mini_start[path] = first
        mini += data + b"\0" * (count * 64 - len(data))
    entries = [""] + [name for name in storages if name] + [p for p in streams]
    ids = {name: k for k, name in enumerate(entries)}
    directory_sectors = -(-len(entries) * 128 // 512)
    mini_fat_sectors = -(-len(mini_fat) * 4 // 512)
    mini_sectors = -(-len(mini) // 512)
    big_sectors = {path: -(-len(data) // 512) for path, data in big.items()}
    body = (
        directory_sectors + mini_fat_sectors + mini_sectors + sum(big_sectors.values())
    )
    fat_sectors = -(-(body + 1) // 127)
    fat: list[int] = [_FAT] * fat_sectors

    def chain(count: int) -> int:
        first = len(fat)
        fat.extend(list(range(first + 1, first + count)) + [_END] if count else [])
        return first if count else _END

    directory_start = chain(directory_sectors)
    mini_fat_start = chain(mini_fat_sectors)
    mini_stream_start = chain(mini_sectors)
    big_start = {path: chain(count) for path, count in big_sectors.items()}
    fat += [_FREE] * (fat_sectors * 128 - len(fat))

    def entry(name: str) -> bytes:
        label = "Root Entry" if name == "" else name.rsplit("/", 1)[-1]
        encoded = label.encode("utf-16-le") + b"\0\0"
        kids = storages.get(name)
        kind = 5 if name == "" else (1 if kids is not None else 2)
        siblings = (
            storages["/".join(name.split("/")[:-1]) if "/" in name else ""]
            if name
            else [name]
        )
        right = (
            siblings[siblings.index(name) + 1]
            if name and siblings.index(name) + 1 < len(siblings)
            else None
        )
        child = ids[kids[0]] if kids else _FREE
        if name == "":
            start, size = (mini_stream_start, len(mini)) if mini else (_END, 0)
        elif kind == 1:
            start, size = 0, 0
        elif name in big:
            start, size = big_start[name], len(big[name])
        else:
            start, size = mini_start.get(name, _END), len(streams[name])
        return (
            encoded.ljust(64, b"\0")
            + len(encoded).to_bytes(2, "little")
            + bytes([kind, 1])
            + _FREE.to_bytes(4, "little")
            + (ids[right] if right else _FREE).to_bytes(4, "little")
            + child.to_bytes(4, "little")
            + b"\0" * 36
            + start.to_bytes(4, "little")
            + size.to_bytes(8, "little")
        )

    directory = b"".join(entry(name) for name in entries)
    directory += b"\0" * (directory_sectors * 512 - len(directory))
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\0" * 16
        + (0x3E).to_bytes(2, "little")
        + (3).to_bytes(2, "little")
        + b"\xfe\xff"
        + (9).to_bytes(2, "little")
        + (6).to_bytes(2, "little")
        + b"\0" * 10
        + fat_sectors.to_bytes(4, "little")
        + directory_start.to_bytes(4, "little")
        + b"\0" * 4
        + (4096).to_bytes(4, "little")
        + (mini_fat_start if mini_fat else _END).to_bytes(4, "little")
        + mini_fat_sectors.to_bytes(4, "little")
        + _END.to_bytes(4, "little")
        + b"\0" * 4
        + b"".join(k.to_bytes(4, "little") for k in range(fat_sectors))
        + _FREE.to_bytes(4, "little") * (109 - fat_sectors)
    )
    out = bytearray(header)
    out += b"".join(value.to_bytes(4, "little") for value in fat)
    out += directory
    packed = b"".join(value.to_bytes(4, "little") for value in mini_fat)
    out += packed + b"\xff" * (mini_fat_sectors * 512 - len(packed))
    out += bytes(mini) + b"\0" * (mini_sectors * 512 - len(mini))
    for path, data in big.items():
        out += data + b"\0" * (big_sectors[path] * 512 - len(data))
    return bytes(out)


def _unicode(text: str) -> bytes:
    return text.encode("utf-16-le")


def _msg(*, headers: bool = True) -> bytes:
    sent = (
        (datetime(2024, 3, 5, 16, 20) - datetime(1601, 1, 1))
        // timedelta(microseconds=1)
        * 10
    )
    properties = (
        b"\0" * 32
        + (0x00390040).to_bytes(4, "little")
        + b"\x06\0\0\0"
        + sent.to_bytes(8, "little")
    )
    streams = {
        "__properties_version1.0": properties,
        "__substg1.0_0037001F": _unicode("Evidence on rural bus services"),
        "__substg1.0_0C1A001F": _unicode("Jane Doe"),
        "__substg1.0_0C1F001F": _unicode("jane.doe@hilltown-pc.gov.uk"),
        "__substg1.0_1000001F": _unicode(
            "Dear Committee,\r\n\r\nThe parish council asks that the Sunday service be restored.\r\n"
        ),
        "__attach_version1.0_#00000000/__properties_version1.0": b"\0" * 8,
        "__attach_version1.0_#00000000/__substg1.0_3707001F": _unicode("survey.rtf"),
        "__attach_version1.0_#00000000/__substg1.0_37010102": RTF
        + b" " * 4096,  # past the mini-stream cutoff
    }
    if headers:
        streams["__substg1.0_007D001F"] = _unicode(
            "From: Jane Doe <jane.doe@hilltown-pc.gov.uk>\r\nOrganization: Hilltown Parish Council\r\n"
            "Date: Wed, 06 Mar 2024 09:00:00 +0000\r\nSubject: Evidence on rural bus services\r\n\r\n"
        )
    return _ole(streams)


def test_msg_reads_subject_body_sender_and_attachment() -> None:
    raw = read_bytes(_msg(), ".msg")
    assert [(b.kind, b.text) for b in raw.blocks] == [
        ("heading", "Evidence on rural bus services"),
        ("paragraph", "Dear Committee,"),
        ("paragraph", "The parish council asks that the Sunday service be restored."),
    ]
    assert [(a.name, a.reason) for a in raw.attachments] == [("survey.rtf", None)]
    attached = raw.attachments[0].document
    assert attached is not None
    assert attached.blocks == read_bytes(RTF, ".rtf").blocks
    assert raw.format == "msg"
    assert raw.declared == Metadata(
        title="Evidence on rural bus services",
        org="Hilltown Parish Council",
        date="2024-03-06",
    )


def test_msg_without_internet_headers_dates_by_the_submit_time() -> None:
    raw = read_bytes(_msg(headers=False), ".msg")
    assert raw.declared == Metadata(
        title="Evidence on rural bus services",
        org="hilltown-pc.gov.uk",
        date="2024-03-05",
    )


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"From: someone\n\nnot OLE", "not an Outlook message (OLE) file"),
        (
            _ole({"WordDocument": b"x" * 100}),
            "not an Outlook message: no MAPI properties",
        ),
    ],
)
def test_msg_broken_files_are_refused_with_a_reason(data: bytes, reason: str) -> None:
    with pytest.raises(ReaderError, match=f"^{re.escape(reason)}$"):
        read_bytes(data, ".msg")


# ------------------------------------------------------------------ sheets (.xlsx, .csv)

RESPONSE = (
    "We ask the council to restore the Sunday bus service because older residents in the villages "
    "cannot reach the hospital or the shops without it."
)


def _xlsx(*, second_sheet: bool = True) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Responses"
    sheet.append(["Respondent", "Organisation", "Received", "Buses a day", "Response"])
    sheet.append(["R1", "Age UK Hilltown", datetime(2024, 3, 5), 6.0, RESPONSE])
    sheet.append([None, None, None, None, None])
    sheet.append(["R2", "Hilltown School", datetime(2024, 3, 6, 14, 30), 2.5, "Agree"])
    if second_sheet:
        other = workbook.create_sheet("Routes")
        other.append(["Route", "Operator"])
        other.append(["42", "Hill Buses"])
        hidden = workbook.create_sheet("Lookups")
        hidden.append(["x", "y"])
        hidden.sheet_state = "hidden"
    workbook.properties.title = "Bus consultation responses"
    workbook.properties.creator = "Hilltown Parish Council"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_rows_are_passages_with_their_column_names() -> None:
    raw = read_bytes(_xlsx(), ".xlsx")
    assert [(b.kind, b.text, b.level) for b in raw.blocks] == [
        ("heading", "Responses", 1),
        (
            "paragraph",
            f"Respondent: R1; Organisation: Age UK Hilltown; Received: 2024-03-05; Buses a day: 6; Response: {RESPONSE}",
            0,
        ),
        (
            "table_row",
            "Respondent: R2; Organisation: Hilltown School; Received: 2024-03-06 14:30; Buses a day: 2.5; Response: Agree",
            0,
        ),
        ("heading", "Routes", 1),
        ("table_row", "Route: 42; Operator: Hill Buses", 0),
    ]
    assert raw.format == "xlsx"
    assert raw.declared == Metadata(
        title="Bus consultation responses", org="Hilltown Parish Council"
    )


def test_a_one_sheet_workbook_has_no_sheet_heading() -> None:
    assert [b.kind for b in read_bytes(_xlsx(second_sheet=False), ".xlsx").blocks] == [
        "paragraph",
        "table_row",
    ]


@pytest.mark.parametrize(
    ("data", "delimiter"),
    [
        (
            b'Route,Operator,Notes\r\n42,Hill Buses,\r\n,,\r\n7,"Vale, Coaches",late\r\n',
            ",",
        ),
        (
            "Route;Operator;Notes\n42;Hill Buses;\n7;Vale, Coaches;late\n".encode(
                "cp1252"
            ),
            ";",
        ),
    ],
)
def test_csv_rows_are_passages_whatever_the_delimiter(
    data: bytes, delimiter: str
) -> None:
    raw = read_bytes(data, ".csv")
    assert [(b.kind, b.text) for b in raw.blocks] == [
        ("table_row", "Route: 42; Operator: Hill Buses"),
        ("table_row", "Route: 7; Operator: Vale, Coaches; Notes: late"),
    ]
    assert raw.format == "csv"


def test_a_list_of_submissions_is_refused_as_metadata() -> None:
    reason = "a list of submissions (file, title, org... columns), not evidence: pass it to `evidence ingest --metadata`"
    with pytest.raises(ReaderError, match=f"^{re.escape(reason)}$"):
        read_bytes(b"file,title,org\na.pdf,Evidence from A,A Trust\n", ".csv")


@pytest.mark.parametrize(
    ("data", "extension", "reason"),
    [
        (b"not a zip", ".xlsx", "not an XLSX (zip) file"),
        (
            _odt("<text:p>x</text:p>"),
            ".xlsx",
            "not a readable XLSX: no workbook in the package",
        ),
        (b"\n\n", ".csv", "no text in the document"),
    ],
)
def test_broken_sheets_are_refused_with_a_reason(
    data: bytes, extension: str, reason: str
) -> None:
    with pytest.raises(ReaderError, match=f"^{re.escape(reason)}$"):
        read_bytes(data, extension)


# ------------------------------------------------------------------ legacy Word (.doc)

DOC_PARAGRAPHS = [
    "Library services review",
    "Opening hours fell by a third since 2015.",
    "The council should keep branches open.",
]


def _word97(paragraphs: list[str], *, word_document: bytes | None = None) -> bytes:
    """A Word 97 file: a FIB, the text as one 8-bit piece, and its piece table in 1Table."""
    text = ("\r".join(paragraphs) + "\r").encode("cp1252")
    start = 0x800
    fib = bytearray(start)

    def put(offset: int, value: int, size: int) -> None:
        fib[offset : offset + size] = value.to_bytes(size, "little")

    put(0, 0xA5EC, 2)  # wIdent
    put(2, 0x00C1, 2)  # nFib: Word 97
    put(6, 0x0409, 2)  # lid: English (US)
    put(10, 0x0200, 2)  # fWhichTblStm: the table stream is 1Table
    put(12, 0x00BF, 2)  # nFibBack
    put(24, start, 4)
    put(28, start + len(text), 4)
    put(32, 14, 2)  # csw
    put(62, 22, 2)  # cslw
    put(64, start + len(text), 4)  # cbMac
    put(76, len(text), 4)  # ccpText
    put(152, 0x5D, 2)  # cbRgFcLcb
    piece = (
        (0).to_bytes(2, "little")
        + ((start * 2) | 0x40000000).to_bytes(4, "little")
        + (0).to_bytes(2, "little")
    )
    plc = (0).to_bytes(4, "little") + len(text).to_bytes(4, "little") + piece
    clx = b"\x02" + len(plc).to_bytes(4, "little") + plc
    put(154 + 33 * 8 + 4, len(clx), 4)  # fcClx = 0, lcbClx
    styles = (18).to_bytes(
        2, "little"
    ) + b"\0" * 18  # an empty style sheet (antiword needs one)
    put(154 + 1 * 8, len(clx), 4)  # fcStshf, lcbStshf
    put(154 + 1 * 8 + 4, len(styles), 4)
    word = word_document if word_document is not None else bytes(fib) + text
    return _ole(
        {
            "WordDocument": word.ljust(4096, b"\0"),
            "1Table": (clx + styles).ljust(4096, b"\0"),
        }
    )


def _only_on_path(
    monkeypatch: pytest.MonkeyPatch, folder: Path, *programs: str
) -> None:
    folder.mkdir()
    for program in programs:
        (folder / program).symlink_to(shutil.which(program))
    monkeypatch.setenv("PATH", str(folder))


@pytest.mark.skipif(
    shutil.which("antiword") is None, reason="needs antiword (.ci/run installs it)"
)
def test_doc_is_read_through_antiword() -> None:
    raw = read_bytes(_word97(DOC_PARAGRAPHS), ".doc")
    assert [(b.kind, b.text) for b in raw.blocks] == [
        ("paragraph", text) for text in DOC_PARAGRAPHS
    ]
    assert raw.format == "doc"


@pytest.mark.skipif(shutil.which("catdoc") is None, reason="needs catdoc")
def test_doc_is_read_through_catdoc_when_antiword_is_missing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _only_on_path(monkeypatch, tmp_path / "bin", "catdoc")
    raw = read_bytes(_word97(DOC_PARAGRAPHS), ".doc")
    assert [(b.kind, b.text) for b in raw.blocks] == [
        ("paragraph", text) for text in DOC_PARAGRAPHS
    ]


def test_doc_without_a_converter_is_refused_naming_the_package(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _only_on_path(monkeypatch, tmp_path / "bin")
    with pytest.raises(
        ReaderError,
        match=r"^legacy Word \.doc: needs antiword: install antiword \(or catdoc\)$",
    ):
        read_bytes(_word97(DOC_PARAGRAPHS), ".doc")


def test_rtf_saved_as_doc_is_read_as_rtf() -> None:
    assert read_bytes(RTF, ".doc") == read_bytes(RTF, ".rtf")


@pytest.mark.skipif(
    shutil.which("antiword") is None, reason="needs antiword (.ci/run installs it)"
)
@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"Plain text saved as .doc", "not a Word .doc file"),
        (
            _ole({"__properties_version1.0": b"\0" * 32}),
            "not a Word .doc file: no WordDocument stream (another Office format?)",
        ),
        (
            _word97([], word_document=b"\0" * 4096),
            "not a readable Word .doc: This file is from a version of Word before Word 6.",
        ),
    ],
)
def test_doc_broken_files_are_refused_with_a_reason(data: bytes, reason: str) -> None:
    with pytest.raises(ReaderError, match=f"^{re.escape(reason)}$"):
        read_bytes(data, ".doc")


# ------------------------------------------------------------------ through `evidence ingest`


def test_ingest_reads_the_new_formats_and_applies_a_submissions_list(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "inquiry"
    folder.mkdir()
    (folder / "review.odt").write_bytes(_odt(ODT_BODY))
    (folder / "survey.rtf").write_bytes(RTF)
    (folder / "letter.eml").write_bytes(
        _eml(organisation="Hilltown Parish Council", attachments=False)
    )
    (folder / "routes.csv").write_text(
        "Route,Operator\n42,Hill Buses\n", encoding="utf-8"
    )
    (folder / "submissions.csv").write_text(
        "file,title,org\nsurvey.rtf,Bus survey,Hilltown Parish Council\n",
        encoding="utf-8",
    )
    index_dir = tmp_path / "idx"
    result = CliRunner().invoke(
        cli, ["--index-dir", str(index_dir), "ingest", str(folder), "--workers", "1"]
    )
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        "note: inquiry/submissions.csv read as the list of submissions: its titles, bodies, types and dates apply"
    ]
    with Store(index_dir) as store:
        documents = {doc.path: doc for doc in store.documents()}
        assert {path: doc.format for path, doc in documents.items()} == {
            "letter.eml": "eml",
            "review.odt": "odt",
            "routes.csv": "csv",
            "survey.rtf": "rtf",
        }
        survey = documents["survey.rtf"].metadata
        assert (survey.title, survey.org) == ("Bus survey", "Hilltown Parish Council")
        letter = documents["letter.eml"].metadata
        assert (letter.title, letter.org, letter.date) == (
            "Evidence on rural bus services",
            "Hilltown Parish Council",
            "2024-03-05",
        )
        assert [p.text for p in store.passages(documents["routes.csv"].doc_id)] == [
            "Route: 42; Operator: Hill Buses"
        ]


def test_eml_attachments_are_read_under_the_file_limits() -> None:
    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 50, style="F")
    pdf.add_page()
    message = EmailMessage()
    message["From"] = "Jane Doe <jane@gmail.com>"
    message["Subject"] = "Scanned letter"
    message.set_content("Please see the letter attached.\n")
    message.add_attachment(
        bytes(pdf.output()),
        maintype="application",
        subtype="pdf",
        filename="letter.pdf",
    )
    data = message.as_bytes()
    assert [
        (a.name, a.reason) for a in read_bytes(data, ".eml", ocr=False).attachments
    ] == [("letter.pdf", "no text layer: needs OCR")]
    assert [
        (a.name, a.reason) for a in read_bytes(data, ".eml", max_pages=1).attachments
    ] == [("letter.pdf", "too many pages: 2, limit 1")]
