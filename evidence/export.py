"""Findings out of the store in the export schema (README, "Export schema"; the
contract is ../shared/DESIGN.md, which lives beside the repository, not in it)."""

from __future__ import annotations

import csv
import json
import math
import os
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, TextIO

from .citations import Citer
from .errors import EvidenceError
from .kinds import COMMON_FIELDS, KINDS
from .store import Store

FORMATS = ("jsonl", "csv", "json")
#: Formats written to a file only (binary), by :func:`write_workbook`.
FILE_FORMATS = ("xlsx",)

#: A text cell starting with one of these is read as a formula (or, for tab
#: and carriage return, can be turned into one) by spreadsheet programs.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

#: Kind name -> that kind's own columns, from the registry (a live view), in
#: the order their columns stand in a CSV: figure, recommendation, quote, claim,
#: then any kind registered after them.
KIND_FIELDS: Mapping[str, tuple[str, ...]] = KINDS.fields


#: Added after the schema's keys for spreadsheets (``export_rows(citations=True)``):
#: what a reader needs to cite a finding without looking its document up.
CITATION_FIELDS = ("doc_date", "doc_ref", "cited_at")


def export_rows(
    store: Store,
    *,
    kind: str | None = None,
    theme: str | None = None,
    citations: bool = False,
) -> Iterator[dict[str, Any]]:
    """One dict per finding with exactly the schema's keys, in document order;
    with ``citations``, also CITATION_FIELDS ("cited_at": "p. 3" or "para 3.2")."""
    if kind is not None:
        KINDS.get(kind)  # an unknown kind is an error, not an empty export
    with store.snapshot():  # the documents and their findings from one committed state
        store.check_kinds()
        yield from _rows(store, kind, theme, citations)


def _rows(
    store: Store, kind: str | None, theme: str | None, citations: bool
) -> Iterator[dict[str, Any]]:
    docs = {d.doc_id: d for d in store.documents()}
    citer = Citer(store)
    current = None
    # Streamed from the store: exporting a million findings holds one at a time.
    for row in store.iter_findings(kind=kind):
        row_themes = row["themes"]
        if theme is not None and theme not in row_themes:
            continue
        doc = docs[row["doc_id"]]
        out: dict[str, Any] = {
            "id": row["id"],
            "kind": row["kind"],
            "text": row["text"],
            "doc_id": doc.doc_id,
            "doc_path": doc.path,
            "doc_title": doc.title,
            "doc_org": doc.metadata.org,
            "passage_id": row["passage_id"],
            "page": row["page"],
            "start": row["start"],
            "end": row["end"],
            "themes": row_themes,
        }
        for name in KINDS.get(row["kind"]).fields:
            out[name] = row.get(name)
        if citations:
            if (
                doc.doc_id != current
            ):  # rows come in document order: hold one document's passages
                citer.forget()
                current = doc.doc_id
            out["doc_date"] = doc.metadata.date
            out["doc_ref"] = doc.metadata.ref
            out["cited_at"] = citer.locator(doc.doc_id, row["passage_id"], row["page"])
        yield out


def write_export(rows: Iterable[dict[str, Any]], out: TextIO, fmt: str) -> int:
    """Write ``rows`` as jsonl, json or csv; returns how many were written.

    CSV has every kind's columns (blank where they do not apply), lists
    joined with "; ", and is meant to be written with a UTF-8 BOM so a
    spreadsheet opens it as UTF-8. A text cell that a spreadsheet would run
    as a formula gets a leading ``'``; numbers (page, start, end, value,
    value_max) stay numbers, a negative one included.
    """
    if fmt not in FORMATS:
        raise EvidenceError(
            f"unknown export format {fmt!r}", hint=f"use one of: {', '.join(FORMATS)}"
        )
    count = 0
    if fmt == "jsonl":
        for row in rows:
            out.write(_json(row) + "\n")
            count += 1
    elif fmt == "json":
        # Written item by item, byte for byte as json.dump(list, indent=2) would.
        out.write("[")
        for row in rows:
            out.write(",\n  " if count else "\n  ")
            out.write(_json(row, indent=2).replace("\n", "\n  "))
            count += 1
        out.write("\n]\n" if count else "]\n")
    else:
        columns = list(COMMON_FIELDS)
        for names in KIND_FIELDS.values():
            columns.extend(n for n in names if n not in columns)
        columns.extend(CITATION_FIELDS)
        writer = csv.DictWriter(
            out, fieldnames=columns, lineterminator="\r\n", restval=""
        )
        writer.writeheader()
        for row in rows:
            if any(isinstance(v, float) and not math.isfinite(v) for v in row.values()):
                raise _not_finite(row)
            writer.writerow({k: csv_cell(v) for k, v in row.items()})
            count += 1
    return count


def write_workbook(
    rows: Iterable[dict[str, Any]], path: Path, *, theme_labels: dict[str, str]
) -> int:
    """Write ``rows`` to an .xlsx workbook, one sheet per kind with only that
    kind's columns and themes by their labels; returns how many were written.

    Text is stored as text, so "=HYPERLINK(...)" in a title is shown, never
    run, with no quote added; the file is written beside ``path`` and moved
    into place, so a failed export leaves what was there.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    book.properties.creator = "evidence"
    sheets = {}
    for kind in KINDS:
        sheet = book.create_sheet(title=kind.sheet)
        sheet.append(
            [name for name in COMMON_FIELDS if name != "kind"]
            + list(kind.fields)
            + list(CITATION_FIELDS)
        )
        sheets[kind.name] = sheet
    count = 0
    for row in rows:
        if any(isinstance(v, float) and not math.isfinite(v) for v in row.values()):
            raise _not_finite(row)
        kind = KINDS.get(row["kind"])
        sheet = sheets[kind.name]
        values = [row.get(name) for name in COMMON_FIELDS if name != "kind"] + [
            row.get(n) for n in kind.fields
        ]
        values += [row.get(name) for name in CITATION_FIELDS]
        themes_at = [name for name in COMMON_FIELDS if name != "kind"].index("themes")
        values[themes_at] = "; ".join(theme_labels.get(t, t) for t in row["themes"])
        cells = []
        for value in values:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever it starts with
            cells.append(cell)
        sheet.append(cells)
        count += 1
    partial = path.with_name(f".{path.name}.partial")
    try:
        book.save(partial)
        os.replace(partial, path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise EvidenceError(
            f"cannot write {path}: {exc.strerror or exc}",
            hint="choose another -o file or free space",
        ) from exc
    return count


def _json(row: dict[str, Any], *, indent: int | None = None) -> str:
    """``row`` as strict JSON: Infinity and NaN are not JSON, so they are refused.

    Extraction drops such figures; a store written before it did may still
    hold one, and re-ingesting is the fix.
    """
    try:
        return json.dumps(row, ensure_ascii=False, indent=indent, allow_nan=False)
    except ValueError:
        raise _not_finite(row) from None


def _not_finite(row: dict[str, Any]) -> EvidenceError:
    return EvidenceError(
        f"finding {row.get('id')} in {row.get('doc_path')} has a value that is not a finite number",
        hint="run `evidence ingest` on the folder again to re-extract it",
    )


def csv_cell(value: Any) -> Any:
    """One CSV cell: lists joined, None blank, text made formula-safe."""
    if isinstance(value, list):
        return _formula_safe("; ".join(str(v) for v in value))
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return _formula_safe(value)
    return value


def _formula_safe(text: str) -> str:
    """``text`` with a leading ``'`` if a spreadsheet would run it as a formula.

    Titles, organisations and sentences come from documents anyone may have
    written, so "=HYPERLINK(...)" must open as text, not run. Numbers are
    not passed here: -3.5 written by us is a value, not a formula. Text that
    already starts with quotes before such a character gets one more, so a
    reader gets the text back exactly by dropping one leading ``'`` from any
    cell whose first character after its leading quotes starts a formula.
    """
    if text.lstrip("'").startswith(FORMULA_STARTS):
        return "'" + text
    return text
