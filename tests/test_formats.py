"""Readers for the other formats an inquiry's folder holds: ODT, RTF, e-mail, sheets, legacy Word.

Every fixture is written here, byte by byte, so each test shows what the
file holds and what must come out of it.
"""

from __future__ import annotations

import io
import re
import zipfile

import pytest

from evidence.errors import ReaderError
from evidence.models import Metadata
from evidence.readers import SUPPORTED_EXTENSIONS, read_bytes

# ------------------------------------------------------------------ ODT

_ODT_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"'
)


def _odt(body: str, *, meta: str = "", mimetype: str = "application/vnd.oasis.opendocument.text") -> bytes:
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
    "<text:p>Opening hours fell by a<text:s text:c=\"3\"/>third<text:line-break/>since 2015."
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
        _odt(ODT_BODY, meta="<dc:title>Library review</dc:title><meta:initial-creator>Ashford Council</meta:initial-creator>"),
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
        ("paragraph", "Before"), ("paragraph", "Boxed note."), ("paragraph", "After."),
    ]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"plain text named .odt", "not an ODT (zip) file"),
        (_odt("<text:p>x</text:p>", mimetype="application/vnd.oasis.opendocument.spreadsheet"),
         "not an OpenDocument text file (another OpenDocument type)"),
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
    with pytest.raises(ReaderError, match="^not a readable ODT: no content.xml in the package$"):
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
        ("paragraph", "Fares rose by 12% in 2023 \u2013 the council\u2019s survey found caf\u00e9s and shops lost trade.", 0),
        ("footnote", "Survey of 400 residents.", 0),
        ("heading", "What we ask", 2),
        ("list_item", "Restore the Sunday service.", 1),
        ("list_item", "Starting in May.", 2),
        ("table_row", "Route | Buses a day", 0),
        ("table_row", "42 | 6", 0),
        ("paragraph", "Unicode \u20ac20 and \u2014 done link text.", 0),
    ]
    assert raw.format == "rtf"
    assert raw.declared == Metadata(title="Rural bus services", org="Hilltown Parish Council")
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
