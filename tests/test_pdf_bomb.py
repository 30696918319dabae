"""A PDF that inflates to a flood of text is refused, and a reader's memory is bounded (issue 20).

The bomb of the issue: a 300 KB file whose one Flate-compressed content
stream inflates to 100 MB of ``(text) Tj`` operators. pdfium parses a page's
whole stream when it loads the page, so before the fix a worker took 12.8 GB
on it and only the 300 s limit stopped it.
"""

from __future__ import annotations

import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from evidence.cli import cli
from evidence.errors import ReaderError
from evidence.readers import pdf_bounds, read_bytes
from evidence.store import Store
from evidence.workers import run_tasks

OP = b"(The capital regime makes it hard to plan) Tj\n"
BOMB_REASON = "a page holds over 100,000 pieces of text in one content stream (a decompression bomb?)"


def make_pdf(contents: list[bytes]) -> bytes:
    """A PDF of one page per content stream, each Flate-compressed, with Helvetica as F1."""
    pages = len(contents)
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    kids = " ".join(f"{3 + 2 * n} 0 R" for n in range(pages)).encode()
    objs.append(b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages)
    font = 3 + 2 * pages
    for n, content in enumerate(contents):
        stream = zlib.compress(content, 9)
        objs.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 %d 0 R >> >>"
            b" /Contents %d 0 R >>" % (font, 4 + 2 * n)
        )
        objs.append(
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream)
            + stream
            + b"\nendstream"
        )
    objs.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objs) + 1,
        xref,
    )
    return bytes(out)


def text_page(ops: bytes, repeat: int) -> bytes:
    return b"BT /F1 10 Tf 72 720 Td 12 TL\n" + ops * repeat + b"ET\n"


def bomb(megabytes: int = 100) -> bytes:
    return make_pdf([text_page(OP, megabytes * 1024 * 1024 // len(OP))])


def test_the_bomb_of_the_issue_is_refused_before_pdfium_parses_it() -> None:
    data = bomb()
    assert len(data) < 400_000
    with pytest.raises(ReaderError) as info:
        read_bytes(data, ".pdf")
    assert str(info.value) == BOMB_REASON


def test_a_stream_that_inflates_too_far_is_refused() -> None:
    """Few operators, one enormous string: the inflated size is the bound that holds."""
    data = make_pdf(
        [b"BT /F1 10 Tf 72 720 Td (" + b"A" * (65 * 1024 * 1024) + b") Tj ET\n"]
    )
    with pytest.raises(ReaderError) as info:
        read_bytes(data, ".pdf")
    assert str(info.value) == "a stream inflates to over 64 MB (a decompression bomb?)"


def test_characters_are_bounded_per_page_and_per_file(monkeypatch) -> None:
    line = b"(" + b"capital regime " * 40 + b") Tj T*\n"  # 600 characters a line
    dense = make_pdf([text_page(line, 400)])  # 400 lines of 600 characters on one page
    with pytest.raises(ReaderError) as info:
        read_bytes(dense, ".pdf")
    # pdfium counts the line breaks it makes (two characters each) with the text.
    assert (
        str(info.value)
        == "page 1 holds 240,798 characters, over the limit of 200,000 a page"
    )
    monkeypatch.setattr(pdf_bounds, "MAX_FILE_CHARS", 3_000)
    # 40 lines of 50 characters a page, each page its own (a line on every page is furniture).
    pages = make_pdf(
        [
            text_page(
                b"(Page %d: the capital regime makes it hard to plan.) Tj T*\n" % n, 40
            )
            for n in range(3)
        ]
    )
    with pytest.raises(ReaderError) as info:
        read_bytes(pages, ".pdf")
    assert (
        str(info.value)
        == "the text runs past 3,000 characters by page 2, the limit for a file"
    )
    monkeypatch.setattr(pdf_bounds, "MAX_FILE_CHARS", 10_000)
    assert read_bytes(pages, ".pdf").pages == 3


def test_ordinary_pdfs_pass_the_bounds() -> None:
    for path in sorted(Path("corpus").glob("*.pdf")):
        pdf_bounds.check_streams(path.read_bytes())
    assert read_bytes(make_pdf([text_page(OP, 200)] * 2), ".pdf").pages == 2


def test_two_bombs_in_an_ingest_fail_alone(tmp_path: Path) -> None:
    folder = tmp_path / "inquiry"
    folder.mkdir()
    for n in (1, 2):
        (folder / f"bomb-{n}.pdf").write_bytes(
            bomb(100 - n)
        )  # not copies: each is read
    (folder / "capital.txt").write_text(
        "Capital\n\nThe capital regime limits spending.\n", encoding="utf-8"
    )
    index_dir = tmp_path / "idx"
    result = CliRunner().invoke(
        cli, ["--index-dir", str(index_dir), "ingest", str(folder), "--workers", "2"]
    )
    assert result.exit_code == 3, result.output
    assert result.stderr.splitlines() == [
        f"failed: inquiry/bomb-{n}.pdf: {BOMB_REASON}" for n in (1, 2)
    ]
    assert (
        result.stdout.splitlines()[0]
        == "3 documents: 1 new, 0 changed, 0 unchanged, 0 removed; 2 failed"
    )
    with Store(index_dir) as store:
        assert [d.path for d in store.documents()] == ["capital.txt"]


# -- the memory a worker may take ----------------------------------------------


def _allocate(megabytes: int) -> int:
    return len(bytearray(megabytes * 1024 * 1024))


def test_a_worker_past_its_memory_limit_fails_that_task_only() -> None:
    results = list(
        run_tasks(
            _allocate,
            [4, 1024, 8],
            workers=1,
            timeout=None,
            memory=256 * 1024 * 1024,
            on_timeout=lambda task: "timeout",
            on_error=lambda task, why: why,
        )
    )
    assert results == [4 * 1024 * 1024, "MemoryError: ", 8 * 1024 * 1024]


def test_the_memory_limit_stops_a_reader_the_bounds_let_through(
    tmp_path: Path, monkeypatch
) -> None:
    """With the bounds lifted, pdfium parses a dense stream and needs far more than 64 MB for it.

    pdfium aborts when it cannot allocate; the text reader raises MemoryError.
    Either way that file fails, with the limit named, and the others go in.
    """
    for name in ("MAX_STREAM_TEXT_OPS", "MAX_PAGE_CHARS", "MAX_FILE_CHARS"):
        monkeypatch.setattr(pdf_bounds, name, 10**12)  # forked workers inherit this
    folder = tmp_path / "inquiry"
    folder.mkdir()
    (folder / "dense.pdf").write_bytes(bomb(8))
    # 100 MB of text: far past a 64 MB limit however the worker's memory started out
    (folder / "huge.txt").write_text(
        ("The capital regime limits what boards can spend. " * 20 + "\n\n") * 100_000,
        encoding="utf-8",
    )
    (folder / "small.txt").write_text(
        "Capital\n\nThe capital regime limits spending.\n", encoding="utf-8"
    )
    index_dir = tmp_path / "idx"
    result = CliRunner().invoke(
        cli,
        [
            "--index-dir",
            str(index_dir),
            "ingest",
            str(folder),
            "--workers",
            "1",
            "--max-memory",
            "64",
        ],
    )
    assert result.exit_code == 3, result.output
    limit = "(64 MB beyond its start; --max-memory sets it)"
    assert result.stderr.splitlines() == [
        f"failed: inquiry/dense.pdf: internal error while reading: worker process died (killed by SIGABRT);"
        f" a reader past its memory limit {limit} ends so",
        f"failed: inquiry/huge.txt: needs more memory than a reading worker may take {limit}",
    ]
    with Store(index_dir) as store:
        assert [d.path for d in store.documents()] == ["small.txt"]
