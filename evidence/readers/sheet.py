"""Spreadsheet readers (.xlsx through openpyxl, .csv through the csv module): a sheet as a table.

The first non-empty row names the columns; every later row becomes one
block that says each value with its column name ("Organisation: Age UK;
Response: ..."), so a passage found by search reads on its own. A row
whose cells hold prose (a consultation response) is a paragraph, so claims
and recommendations are looked for in it; a row of short cells is a table
row. Workbooks with several sheets put each sheet's name as a heading.

An inquiry's list of submissions (a ``file`` column beside title, org,
type, date or ref) is not evidence but metadata: ``evidence ingest`` finds
it among the files and applies it (``metadata.read_submissions_sheet``);
read here directly, it is refused with a reason that says so.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Iterator
from typing import Any

from ..errors import ReaderError
from ..models import Block, Metadata, RawDocument
from .docx import check_zip
from .text import clean_text, decode_bytes

#: Cells read from one file at most: a sheet past this is refused, not read in part.
MAX_CELLS = 2_000_000
#: Columns read from one row (a sheet "used" to column XFD is mostly empty).
MAX_COLUMNS = 500
#: A cell with this many words is prose, and its row a paragraph.
PROSE_WORDS = 20
_WORD = re.compile(r"[^\W\d_]{2,}")
_DELIMITERS = ",;\t|"
#: The --metadata sheet's file column and the columns beside it (metadata.py's names).
_FILE_COLUMNS = frozenset({"file", "filename", "file name", "path", "file path"})
_METADATA_COLUMNS = frozenset(
    {
        "title",
        "document title",
        "org",
        "organisation",
        "organization",
        "author",
        "submitter",
        "submitted by",
        "type",
        "doc type",
        "document type",
        "date",
        "ref",
        "reference",
    }
)


def read_csv(data: bytes) -> RawDocument:
    """A CSV file as one table; the delimiter (comma, semicolon, tab or bar) is sniffed."""
    text = decode_bytes(data)
    sample = text[:8192]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=_DELIMITERS)
    except csv.Error:
        dialect = csv.excel
    csv.field_size_limit(10 * 1024 * 1024)
    try:
        rows = list(_bounded(csv.reader(io.StringIO(text, newline=""), dialect)))
    except csv.Error as exc:
        raise ReaderError(f"not a readable CSV: {exc}") from exc
    return RawDocument(blocks=table_blocks(rows), format="csv")


def read_xlsx(data: bytes) -> RawDocument:
    """Each sheet of an Excel workbook as a table, values as Excel shows them (cached formula results)."""
    from openpyxl import load_workbook

    check_zip(data, "XLSX")
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except KeyError as exc:  # a package without the workbook part
        raise ReaderError("not a readable XLSX: no workbook in the package") from exc
    try:
        sheets = [
            (sheet.title, list(_bounded(sheet.iter_rows(values_only=True))))
            for sheet in workbook.worksheets
            if sheet.sheet_state == "visible"
        ]
        props = workbook.properties
        declared = Metadata(
            title=clean_text(props.title or "") or None,
            org=clean_text(props.creator or "") or None,
        )
    finally:
        workbook.close()
    filled = [(title, rows) for title, rows in sheets if rows]
    blocks: list[Block] = []
    for title, rows in filled:
        if len(filled) > 1:
            blocks.append(Block("heading", clean_text(title) or "Sheet", None, 1))
        blocks.extend(table_blocks(rows))
    return RawDocument(blocks=blocks, format="xlsx", declared=declared)


def _bounded(rows: Iterable[Iterable[Any]]) -> Iterator[list[str]]:
    """Non-empty rows as cleaned strings, trailing empty cells cut, within MAX_CELLS."""
    cells = 0
    for row in rows:
        values = [_value(value) for _, value in zip(range(MAX_COLUMNS), row)]
        while values and not values[-1]:
            values.pop()
        if not values:
            continue
        cells += len(values)
        if cells > MAX_CELLS:
            raise ReaderError(f"sheet too large: over {MAX_CELLS} cells")
        yield values


def _value(value: Any) -> str:
    """A cell as it reads: whole numbers without ".0", dates without a midnight time."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, dt.datetime):
        return (
            value.date().isoformat()
            if value.time() == dt.time(0)
            else value.isoformat(sep=" ", timespec="minutes")
        )
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return clean_text(str(value))


def table_blocks(rows: list[list[str]]) -> list[Block]:
    """The first row names the columns; each later row one block of "name: value" pairs."""
    if not rows:
        return []
    header = rows[0]
    keys = {clean_text(name).lower() for name in header}
    if keys & _FILE_COLUMNS and keys & _METADATA_COLUMNS:
        raise ReaderError(
            "a list of submissions (file, title, org... columns), not evidence: pass it to `evidence ingest --metadata`"
        )
    names = [
        clean_text(name) or f"Column {index + 1}" for index, name in enumerate(header)
    ]
    if len(rows) == 1:
        return [Block("table_row", " | ".join(value for value in header if value))]
    blocks = []
    for row in rows[1:]:
        pairs = [
            f"{names[index] if index < len(names) else f'Column {index + 1}'}: {value}"
            for index, value in enumerate(row)
            if value
        ]
        if not pairs:
            continue
        prose = any(len(_WORD.findall(value)) >= PROSE_WORDS for value in row)
        text = "; ".join(pairs)
        blocks.append(Block("paragraph" if prose else "table_row", text))
    return blocks
