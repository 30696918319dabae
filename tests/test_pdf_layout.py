"""The PDF reader rebuilds paragraphs, drops page furniture and keeps footnotes apart.

Every PDF here is written by hand (``_pdf``), so each line sits at a chosen
place and type size, the size can be set through the text matrix (pdfium
then reports a font size of 1.0), and note markers are set small and raised
as typesetters set them.
"""

from __future__ import annotations

import zlib
from pathlib import Path

import pytest

from evidence.errors import ReaderError
from evidence.readers import read_document

#: One run of a line: text, size as a share of the line's size, rise as a share of it.
Run = tuple[str, float, float]
#: One printed line: x, baseline y, type size, and its text or runs.
Line = tuple[float, float, float, "str | list[Run]"]


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _content(lines: list[Line]) -> bytes:
    """Each line in its own text object, its size set by the text matrix (Tf 1)."""
    out = []
    for x, y, size, body in lines:
        runs = [(body, 1.0, 0.0)] if isinstance(body, str) else body
        parts = [f"BT {size:g} 0 0 {size:g} {x:g} {y:g} Tm"]
        for text, scale, rise in runs:
            parts.append(f"/F1 {scale:g} Tf {rise:g} Ts ({_escape(text)}) Tj")
        parts.append("ET")
        out.append(" ".join(parts))
    return "\n".join(out).encode("cp1252")


def _pdf(
    pages: list[list[Line]],
    *,
    rotate: int = 0,
    image: bool = False,
    raw: bytes = b"",
) -> bytes:
    """A PDF of A4 pages in Helvetica; ``image`` covers each page with a picture (a
    scan); ``raw`` is content added to every page as it is."""
    objects: list[bytes] = []
    kids = []
    font_id = 3
    image_id = 4
    first_page = 5
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(b"")  # the page tree, filled in below
    objects.append(
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    )
    objects.append(
        b"<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray "
        b"/BitsPerComponent 8 /Length 1 >>\nstream\n\x80\nendstream"
    )
    for number, lines in enumerate(pages):
        page_id = first_page + 2 * number
        kids.append(f"{page_id} 0 R")
        stream = _content(lines) + raw
        if image:
            stream = b"q 595 0 0 842 0 0 cm /Im1 Do Q\n" + stream
        extra = f" /Rotate {rotate}" if rotate else ""
        objects.append(
            (
                f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]{extra} /Contents {page_id + 1} 0 R "
                f"/Resources << /Font << /F1 {font_id} 0 R >> /XObject << /Im1 {image_id} 0 R >> >> >>"
            ).encode()
        )
        packed = zlib.compress(stream)
        objects.append(
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed)
            + packed
            + b"\nendstream"
        )
    objects[1] = (
        f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(pages)} >>".encode()
    )
    data = bytearray(b"%PDF-1.7\n")
    offsets = []
    for index, body in enumerate(objects, start=1):
        offsets.append(len(data))
        data += b"%d 0 obj\n" % index + body + b"\nendobj\n"
    xref = len(data)
    data += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    data += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    data += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(data)


def _read(tmp_path: Path, data: bytes) -> list[tuple[str, str, int | None]]:
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    return [(b.kind, b.text, b.page) for b in read_document(path).blocks]


def _column(
    x: float, top: float, texts: list[str], size: float = 12, pitch: float = 14
) -> list[Line]:
    return [(x, top - k * pitch, size, text) for k, text in enumerate(texts)]


BOARD = [
    "Integrated care boards were asked to plan their services for the whole",
    "population of their area, and most of them have now published a joint",
    "forward plan with their partners in local government.",
]
CAPITAL = [
    "Capital spending has fallen behind the plans that systems made in the",
    "first year, because the money arrived late and in small amounts that",
    "could not pay for new buildings.",
]


def test_lines_join_into_paragraphs_when_the_size_is_set_by_the_text_matrix(
    tmp_path: Path,
) -> None:
    page = [(72, 760, 20, "Planning for the long term")]
    page += _column(72, 720, BOARD)
    page += _column(72, 670, CAPITAL)
    assert _read(tmp_path, _pdf([page])) == [
        ("heading", "Planning for the long term", 1),
        ("paragraph", " ".join(BOARD), 1),
        ("paragraph", " ".join(CAPITAL), 1),
    ]


def test_numbered_paragraphs_bullets_and_an_indented_quotation_stay_whole(
    tmp_path: Path,
) -> None:
    page = [
        (
            72,
            760,
            12,
            "7.15. Several witnesses told us that the boards had too little time to",
        ),
        (
            100,
            746,
            12,
            "agree their plans with partners before the first year began, and one",
        ),
        (100, 732, 12, "board chair told us, for example, that:"),
        (
            112,
            718,
            12,
            "\u201cWe had six weeks to agree a plan that should have taken a year,",
        ),
        (112, 704, 12, "and we were still waiting for the final allocations.\u201d"),
        (
            72,
            690,
            12,
            "7.16. The boards should be given a full year to agree their plans.",
        ),
        (72, 668, 12, "The plans should cover:"),
        (84, 654, 12, "\u2022 the services the board will buy for its population, and"),
        (96, 640, 12, "how it will know whether they are working;"),
        (84, 626, 12, "\u2022 the money each partner will bring to the shared budget."),
    ]
    assert _read(tmp_path, _pdf([page])) == [
        (
            "paragraph",
            "7.15. Several witnesses told us that the boards had too little time to agree their plans "
            "with partners before the first year began, and one board chair told us, for example, that:",
            1,
        ),
        (
            "paragraph",
            "\u201cWe had six weeks to agree a plan that should have taken a year, and we were still "
            "waiting for the final allocations.\u201d",
            1,
        ),
        (
            "paragraph",
            "7.16. The boards should be given a full year to agree their plans.",
            1,
        ),
        ("paragraph", "The plans should cover:", 1),
        (
            "list_item",
            "the services the board will buy for its population, and how it will know whether they "
            "are working;",
            1,
        ),
        ("list_item", "the money each partner will bring to the shared budget.", 1),
    ]


REGIONS = ("north", "south", "east", "west", "midlands", "capital")


def _report_pages(count: int) -> list[list[Line]]:
    pages = []
    for number in range(1, count + 1):
        header = (
            f"{number} CARE SYSTEMS" if number % 2 == 0 else f"CARE SYSTEMS {number}"
        )
        x = 72 if number % 2 == 0 else 420
        body = [f"Boards in the {REGIONS[number - 1]} met {number} of their targets."]
        pages.append(
            [(x, 800, 9, header), *_column(72, 740, body), (290, 40, 9, str(number))]
        )
    return pages


def test_running_headers_alternating_with_the_page_number_and_bare_page_numbers_are_dropped(
    tmp_path: Path,
) -> None:
    blocks = _read(tmp_path, _pdf(_report_pages(6)))
    assert blocks == [
        ("paragraph", f"Boards in the {region} met {n} of their targets.", n)
        for n, region in enumerate(REGIONS, start=1)
    ]


def test_footnotes_are_own_blocks_and_markers_leave_the_body_text(
    tmp_path: Path,
) -> None:
    page = [
        (
            72,
            760,
            12,
            [
                ("Boards spent \u00a375,000.", 1, 0),
                ("197", 0.6, 0.4),
                (" on advice in the first year of their plans, more", 1, 0),
            ],
        ),
        (
            72,
            746,
            12,
            [
                (
                    "than they expected (\u201cmuch more than we had budgeted\u201d.)",
                    1,
                    0,
                ),
                ("198", 0.6, 0.4),
                (" Most", 1, 0),
            ],
        ),
        (72, 732, 12, "boards said the advice was worth the money."),
        (
            72,
            120,
            9,
            [("197", 0.6, 0.4), (" Survey of board finance directors, 2023.", 1, 0)],
        ),
        (
            72,
            108,
            9,
            [("198", 0.6, 0.4), (" Oral evidence from a board chair, taken in", 1, 0)],
        ),
        (72, 96, 9, "public session."),
    ]
    assert _read(tmp_path, _pdf([page])) == [
        (
            "paragraph",
            "Boards spent \u00a375,000. on advice in the first year of their plans, more than they "
            "expected (\u201cmuch more than we had budgeted\u201d.) Most boards said the advice was worth the money.",
            1,
        ),
        ("footnote", "197 Survey of board finance directors, 2023.", 1),
        (
            "footnote",
            "198 Oral evidence from a board chair, taken in public session.",
            1,
        ),
    ]


def test_inline_marker_matching_a_footnote_on_the_page_is_cut(tmp_path: Path) -> None:
    page = [
        (
            72,
            760,
            12,
            "Waiting times rose in every region in the first year of the plans.4",
        ),
        (72, 120, 9, "4 Board papers for the first year."),
    ]
    assert _read(tmp_path, _pdf([page])) == [
        (
            "paragraph",
            "Waiting times rose in every region in the first year of the plans.",
            1,
        ),
        ("footnote", "4 Board papers for the first year.", 1),
    ]


def test_line_end_hyphens_follow_the_documents_own_words(tmp_path: Path) -> None:
    page = _column(
        72,
        760,
        [
            "The review looked at the whole-",
            "system plans and the work of each board in its first year of imple-",
            "mentation, and at the decision-",
            "making of each board and the work-",
            "force it employs; a stable workforce is the aim of every plan.",
        ],
    ) + _column(72, 680, ["No system works as a whole without it."])
    assert _read(tmp_path, _pdf([page])) == [
        (
            "paragraph",
            "The review looked at the whole-system plans and the work of each board in its first "
            "year of implementation, and at the decision-making of each board and the workforce it employs; "
            "a stable workforce is the aim of every plan.",
            1,
        ),
        ("paragraph", "No system works as a whole without it.", 1),
    ]


def test_a_sentence_runs_on_across_a_page_break_but_a_new_numbered_paragraph_does_not(
    tmp_path: Path,
) -> None:
    first = _column(
        72,
        760,
        [
            "Boards said that the money for the first year arrived late, and that they",
            "could not plan for",
        ],
    )
    second = _column(72, 760, ["the second year until the summer.", ""])[:1]
    second += _column(72, 730, ["8. Boards should know their budgets a year ahead."])
    assert _read(tmp_path, _pdf([first, second])) == [
        (
            "paragraph",
            "Boards said that the money for the first year arrived late, and that they could not "
            "plan for the second year until the summer.",
            1,
        ),
        ("paragraph", "8. Boards should know their budgets a year ahead.", 2),
    ]


def test_two_columns_are_read_one_after_the_other(tmp_path: Path) -> None:
    left = [
        "Boards in the north spent more on",
        "community services than boards in",
        "the south did last year.",
    ]
    right = [
        "Boards in the south spent more on",
        "hospital services than boards in",
        "the north did last year.",
    ]
    page = _column(60, 760, left, size=10, pitch=12) + _column(
        320, 760, right, size=10, pitch=12
    )
    page += _column(60, 716, left, size=10, pitch=12) + _column(
        320, 716, right, size=10, pitch=12
    )
    blocks = _read(tmp_path, _pdf([sorted(page, key=lambda line: -line[1])]))
    assert blocks == [
        ("paragraph", " ".join(left), 1),
        ("paragraph", " ".join(left), 1),
        ("paragraph", " ".join(right), 1),
        ("paragraph", " ".join(right), 1),
    ]


def test_title_candidates_come_from_the_largest_type_joined_across_its_lines_and_once(
    tmp_path: Path,
) -> None:
    cover = [
        (72, 780, 9, "CARE SYSTEMS REVIEW"),
        (72, 700, 28, "Planning care for"),
        (72, 668, 28, "whole populations"),
        (72, 620, 16, "Interim report"),
        *_column(72, 560, BOARD),
    ]
    inside = [
        (72, 760, 20, "Planning care for whole"),
        (72, 736, 20, "populations"),
        *_column(72, 700, CAPITAL),
    ]
    path = tmp_path / "cover.pdf"
    path.write_bytes(_pdf([cover, inside]))
    raw = read_document(path)
    assert raw.prominent == ["Planning care for whole populations", "Interim report"]


def test_a_scanned_page_with_a_few_text_fragments_needs_ocr(tmp_path: Path) -> None:
    page = [(72, 760, 12, "2021 3 31"), (300, 400, 12, "Add: 128")]
    path = tmp_path / "scan.pdf"
    path.write_bytes(_pdf([page, page], image=True))
    with pytest.raises(ReaderError, match="^no text layer: needs OCR$"):
        read_document(path, ocr=False)


def test_a_rotated_page_reads_as_the_same_page_unrotated(tmp_path: Path) -> None:
    page = [
        (72, 760, 20, "Planning for the long term"),
        *_column(72, 720, BOARD),
        *_column(72, 670, CAPITAL),
    ]
    assert _read(tmp_path, _pdf([page], rotate=90)) == _read(tmp_path, _pdf([page]))


def test_the_end_of_a_note_carried_over_from_the_previous_page_stays_a_footnote(
    tmp_path: Path,
) -> None:
    page = [
        *_column(
            72,
            760,
            ["Most boards met their targets for community care in the first year."],
        ),
        *_column(72, 730, BOARD),
        (72, 132, 9, "taken in public session, March 2023."),
        (
            72,
            120,
            9,
            [("12", 0.6, 0.4), (" Survey of board finance directors, 2023.", 1, 0)],
        ),
    ]
    assert _read(tmp_path, _pdf([page])) == [
        (
            "paragraph",
            "Most boards met their targets for community care in the first year.",
            1,
        ),
        ("paragraph", " ".join(BOARD), 1),
        ("footnote", "taken in public session, March 2023.", 1),
        ("footnote", "12 Survey of board finance directors, 2023.", 1),
    ]


def test_note_numbers_set_as_text_of_their_own_go_to_their_lines(
    tmp_path: Path,
) -> None:
    page = [
        *_column(72, 760, BOARD),
        (
            72,
            700,
            12,
            "Most boards met their targets for community care in the first year.",
        ),
        (390, 705, 7, "3"),
        (72, 116, 7, "3"),
        (77, 112, 10, "Survey of board finance directors, 2023."),
    ]
    assert _read(tmp_path, _pdf([page])) == [
        ("paragraph", " ".join(BOARD), 1),
        (
            "paragraph",
            "Most boards met their targets for community care in the first year.",
            1,
        ),
        ("footnote", "3 Survey of board finance directors, 2023.", 1),
    ]


def test_a_dash_opening_a_line_inside_a_sentence_is_not_a_bullet(
    tmp_path: Path,
) -> None:
    page = [
        (
            72,
            760,
            12,
            "\u2022 End the cap on care costs for families, so that no family pays more than",
        ),
        (
            84,
            746,
            12,
            "a set amount for the care of a parent over their lifetime, whatever the",
        ),
        (
            84,
            732,
            12,
            "cost of that care turns out to be in the years to come for the family",
        ),
        (84, 718, 12, "\u2013 saving the average family \u00a31,500."),
        (72, 704, 12, "\u2013 a second point set as a list item."),
    ]
    assert _read(tmp_path, _pdf([page])) == [
        (
            "list_item",
            "End the cap on care costs for families, so that no family pays more than a set amount "
            "for the care of a parent over their lifetime, whatever the cost of that care turns out to be in "
            "the years to come for the family \u2013 saving the average family \u00a31,500.",
            1,
        ),
        ("list_item", "a second point set as a list item.", 1),
    ]


def test_a_gap_after_a_list_mark_or_a_full_stop_is_not_a_table_cell(
    tmp_path: Path,
) -> None:
    """A bullet set apart by a hanging indent, and a justified line with a wide
    space after a full stop, are prose: the lines after them stay in the block."""
    page = [
        (72, 760, 12, "\u2022"),
        (100, 760, 12, "Title IV holds six provisions on the functions of the"),
        (100, 746, 12, "Office, distance learning and the exceptions for libraries."),
        (72, 710, 12, "Finally, the duties in the section are subject to some"),
        (72, 696, 12, "exceptions."),
        (160, 696, 12, "One is an exception to the whole section, for law"),
        (72, 682, 12, "enforcement and other public functions."),
    ]
    assert _read(tmp_path, _pdf([page])) == [
        (
            "list_item",
            "Title IV holds six provisions on the functions of the Office, "
            "distance learning and the exceptions for libraries.",
            1,
        ),
        (
            "paragraph",
            "Finally, the duties in the section are subject to some exceptions. "
            "One is an exception to the whole section, for law enforcement and "
            "other public functions.",
            1,
        ),
    ]


def test_text_set_up_the_margin_is_not_part_of_the_page(tmp_path: Path) -> None:
    """A filing stamp turned a quarter up the left margin, on a body line's baseline."""
    stamp = b"\nBT 0 5 -5 0 20 400 Tm /F1 1 Tf (filed by clerk7 on SERVER42) Tj ET"
    page = _column(72, 414, BOARD)
    assert _read(tmp_path, _pdf([page], raw=stamp)) == [
        ("paragraph", " ".join(BOARD), 1)
    ]


def test_a_cover_title_repeated_small_as_the_running_header_stays(
    tmp_path: Path,
) -> None:
    """The running header repeats the title in body type; on the cover the title is
    set large, so that line is the title, not furniture."""
    pages = [[(72, 800, 20, "Coastal Access Summary")] + _column(72, 720, BOARD)]
    for _ in range(4):
        pages.append(
            [(72, 810, 10, "Coastal Access Summary")] + _column(72, 720, CAPITAL)
        )
    blocks = _read(tmp_path, _pdf(pages))
    assert blocks[0] == ("heading", "Coastal Access Summary", 1)
    assert [b for b in blocks[1:] if b[1] == "Coastal Access Summary"] == []


def test_a_symbol_fonts_bullet_before_a_hanging_indent_is_a_bullet(
    tmp_path: Path,
) -> None:
    """A bullet glyph that comes out as "!" still opens a list item, and its
    indented second line stays with it."""
    page = [
        (72, 760, 12, "!"),
        (100, 760, 12, "Title II sets limits on the liability of online services"),
        (100, 746, 12, "for infringement in certain kinds of activity."),
        (72, 732, 12, "!"),
        (100, 732, 12, "Title III allows a copy of a program to be made for repair."),
    ]
    assert _read(tmp_path, _pdf([page])) == [
        (
            "list_item",
            "Title II sets limits on the liability of online services for "
            "infringement in certain kinds of activity.",
            1,
        ),
        (
            "list_item",
            "Title III allows a copy of a program to be made for repair.",
            1,
        ),
    ]
