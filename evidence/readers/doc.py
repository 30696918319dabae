"""Legacy Word (.doc, Word 97-2003) reader: text through Debian's antiword, or catdoc.

The binary Word format is a world of its own (piece tables, fast saves,
several code pages); two maintained converters packaged by Debian already
read it, so the file is handed to one of them in a subprocess (bounded in
time, dying with the worker): ``antiword`` first (it keeps tables as rows),
``catdoc`` if only it is installed. Their output has one paragraph a line.
The title, author and company come from the file's summary information,
read with olefile. A file named .doc that is really RTF or DOCX (Word
saves both under that name) is read by the reader for what it is.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile

from ..errors import ReaderError
from ..models import Block, Metadata, RawDocument
from .ocr import die_with_parent
from .text import clean_text

#: What a user must install to read .doc files (named in refusals).
INSTALL_HINT = "install antiword (or catdoc)"
#: Seconds one file may take in the converter.
TIMEOUT = 120.0
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_BULLETS = ("\u2022", "\u25cf", "\u25aa", "\u25e6", "o\t", "-\t")


def read_doc(data: bytes) -> RawDocument:
    """Blocks and declared metadata from a Word 97-2003 .doc file."""
    if data.lstrip()[:5] == b"{\\rtf":
        from .rtf import read_rtf

        return read_rtf(data)
    if data[:4] == b"PK\x03\x04":
        from .docx import read_docx

        return read_docx(data)
    if not data.startswith(_OLE_MAGIC):
        raise ReaderError("not a Word .doc file")
    declared = _summary(data)
    text = _convert(data)
    blocks = [
        block for line in text.splitlines() if (block := _block(line)) is not None
    ]
    prominent = [declared.title] if declared.title else []
    return RawDocument(
        blocks=blocks, format="doc", declared=declared, prominent=prominent
    )


def _convert(data: bytes) -> str:
    """The document's text from antiword (or catdoc), one paragraph a line.

    antiword is old C: on a damaged file it may crash rather than refuse,
    and then catdoc (when installed) is given the file too.
    """
    commands = []
    antiword, catdoc = shutil.which("antiword"), shutil.which("catdoc")
    if antiword is not None:
        commands.append([antiword, "-w", "0", "-m", "UTF-8.txt"])
    if catdoc is not None:
        commands.append([catdoc, "-w", "-d", "utf-8"])
    if not commands:
        raise ReaderError(f"legacy Word .doc: needs antiword: {INSTALL_HINT}")
    with tempfile.TemporaryDirectory(prefix="evidence-doc-") as folder:
        path = os.path.join(folder, "document.doc")
        with open(path, "wb") as handle:
            handle.write(data)
        reason = ""
        for command in commands:
            name = os.path.basename(command[0])
            try:
                done = subprocess.run(
                    [*command, path],
                    capture_output=True,
                    timeout=TIMEOUT,
                    check=False,
                    preexec_fn=die_with_parent,
                    env={**os.environ, "LC_ALL": "C.UTF-8"},
                )
            except subprocess.TimeoutExpired as exc:
                raise ReaderError(
                    f"legacy Word .doc: {name} took over {TIMEOUT:g} s"
                ) from exc
            except OSError as exc:
                raise ReaderError(
                    f"legacy Word .doc: cannot run {name}: {exc.strerror or type(exc).__name__}"
                ) from exc
            if done.returncode == 0:
                return done.stdout.decode("utf-8", "replace")
            if not reason:
                detail = (
                    done.stderr.decode("utf-8", "replace")
                    .replace(path, "the file")
                    .strip()
                    .splitlines()
                )
                reason = (
                    clean_text(detail[0])
                    if detail
                    else f"{name} exit status {done.returncode}"
                )
            if done.returncode > 0:
                break  # the converter refused the file: another will not do better
    raise ReaderError(f"not a readable Word .doc: {reason}")


def _block(line: str) -> Block | None:
    """One converter line as a block: a table row, a list item or a paragraph."""
    stripped = line.strip()
    if stripped.startswith("|") and stripped.endswith("|") and len(stripped) > 1:
        cells = [clean_text(cell) for cell in stripped[1:-1].split("|")]
        text = " | ".join(cell for cell in cells if cell)
        return Block("table_row", text) if text else None
    text = clean_text(line)
    if not text or text == "[pic]":
        return None
    for bullet in _BULLETS:
        if line.lstrip().startswith(bullet):
            item = clean_text(line.lstrip()[len(bullet) :])
            return Block("list_item", item, None, 1) if item else None
    return Block("paragraph", text)


def _summary(data: bytes) -> Metadata:
    """Title and author (or company) from the OLE summary information, if readable."""
    import olefile

    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except (OSError, ValueError) as exc:
        raise ReaderError(f"not a readable Word .doc: {exc}") from exc
    try:
        if not ole.exists("WordDocument"):
            raise ReaderError(
                "not a Word .doc file: no WordDocument stream (another Office format?)"
            )
        meta = ole.get_metadata()
    except ReaderError:
        raise
    except Exception:
        return Metadata()
    finally:
        ole.close()

    def text(value: object) -> str | None:
        if isinstance(value, bytes):
            value = value.decode("cp1252", "replace")
        cleaned = clean_text(str(value or "")).strip("\x00")
        return cleaned or None

    return Metadata(title=text(meta.title), org=text(meta.company) or text(meta.author))
