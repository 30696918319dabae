"""A submissions sheet with mistakes in it, through `evidence ingest --metadata`:
each mistake is one warning line naming the sheet and its line, and every
good cell still applies."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from evidence.cli import cli
from evidence.store import Store

TEXT = "Written evidence\n\nThe workforce plan needs funding for 2,000 more district nurses.\n"


def test_sheet_mistakes_are_warned_and_the_rest_applies(tmp_path: Path) -> None:
    folder = tmp_path / "inquiry"
    folder.mkdir()
    (folder / "a.txt").write_text(TEXT, encoding="utf-8")
    (folder / "b.txt").write_text(TEXT.replace("2,000", "3,000"), encoding="utf-8")
    sheet = tmp_path / "submissions.csv"
    sheet.write_text(
        "file,title,org,type,date,Notes\n"
        "a.txt,Evidence from A,A Trust,memo,2023-04,late\n"
        "b.txt,Evidence from B,B Council,written evidence,Spring,\n"
        "c.txt,Evidence from C,C Trust,,,\n",
        encoding="utf-8",
    )
    index = tmp_path / "idx"
    result = CliRunner().invoke(
        cli,
        [
            "--index-dir",
            str(index),
            "ingest",
            str(folder),
            "--workers",
            "1",
            "--metadata",
            str(sheet),
        ],
    )
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        "warning: submissions.csv line 1: column 'Notes' is not used (the columns read are file, title, org, type, date, ref)\n"
        "warning: submissions.csv line 2: unknown document type 'memo', left out (use one of: report, written evidence, "
        "press release, commentary, article, committee report, government response, other)\n"
        "warning: submissions.csv line 3: date 'Spring' not understood, left out (write YYYY-MM-DD, YYYY-MM or YYYY)\n"
        "warning: submissions.csv line 4: no file c.txt in the folders ingested; the row is not used\n"
    )
    with Store(index) as store:
        got = {doc.path: doc.metadata for doc in store.documents()}
    assert (got["a.txt"].title, got["a.txt"].org, got["a.txt"].date) == (
        "Evidence from A",
        "A Trust",
        "2023-04",
    )
    assert (got["b.txt"].title, got["b.txt"].org, got["b.txt"].doc_type) == (
        "Evidence from B",
        "B Council",
        "written evidence",
    )


def test_a_workbook_of_submissions_in_the_folder_is_metadata(tmp_path: Path) -> None:
    from datetime import datetime

    from openpyxl import Workbook

    folder = tmp_path / "inquiry"
    folder.mkdir()
    (folder / "a.txt").write_text(TEXT, encoding="utf-8")
    book = Workbook()
    sheet = book.active
    sheet.append(["File name", "Submitted by", "Date", "Reference"])
    sheet.append(["a.txt", "A Trust", datetime(2023, 4, 5), "ABC0001"])
    book.save(folder / "Submissions.xlsx")
    given = tmp_path / "override.csv"
    given.write_text("file,org\na.txt,Override Trust\n", encoding="utf-8")
    index = tmp_path / "idx"
    result = CliRunner().invoke(
        cli,
        [
            "--index-dir",
            str(index),
            "ingest",
            str(folder),
            "--workers",
            "1",
            "--metadata",
            str(given),
        ],
    )
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        "note: inquiry/Submissions.xlsx read as the list of submissions: its titles, bodies, types and dates apply\n"
    )
    with Store(index) as store:
        (doc,) = store.documents()
    # The sheet named with --metadata wins, cell by cell, over the one found in the folder.
    assert (doc.path, doc.metadata.org, doc.metadata.date, doc.metadata.ref) == (
        "a.txt",
        "Override Trust",
        "2023-04-05",
        "ABC0001",
    )
