"""Format readers: one file in, a :class:`~evidence.models.RawDocument` out.

``read_document`` dispatches on the file extension. Every failure a bad file
can cause surfaces as :class:`~evidence.errors.ReaderError` with a short
reason, so ingest can report the file by name and carry on with the rest.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..errors import ReaderError, UnsupportedFormat
from ..models import Block, RawDocument
from .doc import read_doc
from .docx import read_docx
from .html import read_html
from .mail import read_eml, read_msg
from .markdown import read_markdown
from .odt import read_odt
from .pdf import read_pdf
from .plaintext import read_text
from .rtf import read_rtf
from .sheet import read_csv, read_xlsx
from .text import MAX_BLOCK_CHARS, split_long_text

__all__ = ["NO_TEXT", "SUPPORTED_EXTENSIONS", "read_document", "read_bytes"]

#: The reason given for a file that opens but holds no text at all.
NO_TEXT = "no text in the document"

_READERS: dict[str, Callable[[bytes], RawDocument]] = {
    ".txt": read_text,
    ".md": read_markdown,
    ".markdown": read_markdown,
    ".html": read_html,
    ".htm": read_html,
    ".pdf": read_pdf,
    ".docx": read_docx,
    ".odt": read_odt,
    ".rtf": read_rtf,
    ".eml": read_eml,
    ".msg": read_msg,
    ".xlsx": read_xlsx,
    ".csv": read_csv,
    ".doc": read_doc,
}

#: Lower-case extensions (with the dot) that ``read_document`` accepts.
SUPPORTED_EXTENSIONS: frozenset[str] = frozenset(_READERS)


def read_bytes(
    data: bytes,
    extension: str,
    *,
    max_pages: int | None = None,
    ocr: bool = True,
    depth: int = 0,
) -> RawDocument:
    """Read file content already in memory, as a file with ``extension`` would be.

    ``max_pages`` refuses a PDF with more pages before any text is extracted;
    ``ocr`` False refuses scanned pages rather than running Tesseract on them.
    ``depth`` is how deep in other files the content sits (an e-mail's
    attachment is 1), so that e-mails forwarded inside e-mails end.
    """
    reader = _READERS.get(extension.lower())
    if reader is None:
        raise UnsupportedFormat(f"unsupported file type {extension or '(none)'!r}")
    if not data:
        raise ReaderError("empty file")
    try:
        if reader is read_pdf:
            raw = read_pdf(data, max_pages=max_pages, ocr=ocr)
        elif reader is read_eml or reader is read_msg:
            # its attachments are read under the same limits
            mail = read_eml if reader is read_eml else read_msg
            raw = mail(data, max_pages=max_pages, ocr=ocr, depth=depth)
        else:
            raw = reader(data)
    except ReaderError:
        raise
    except RecursionError as exc:
        raise ReaderError("document nested too deeply") from exc
    except MemoryError:
        raise  # not the file's fault alone: the worker reports it with its memory limit
    except Exception as exc:
        # The parsing libraries raise whatever their internals meet (zipfile's
        # NotImplementedError, lxml's XMLSyntaxError, struct.error...): at
        # this boundary each one means "this file cannot be read".
        raise ReaderError(
            f"could not read {extension.lstrip('.')} content: {type(exc).__name__}"
        ) from exc
    if not any(block.text.strip() for block in raw.blocks) and not any(
        attachment.document is not None for attachment in raw.attachments
    ):
        # A file that opens but shows no words would be indexed as an empty
        # document the user cannot find or cite: say so instead. (An e-mail
        # with no words of its own still carries the documents attached to it.)
        raise ReaderError(NO_TEXT)
    if any(len(block.text) > MAX_BLOCK_CHARS for block in raw.blocks):
        raw.blocks = _bounded(raw.blocks)
    return raw


def _bounded(blocks: list[Block]) -> list[Block]:
    """Overlong blocks cut into several of the same kind, page and level."""
    out: list[Block] = []
    for block in blocks:
        if len(block.text) <= MAX_BLOCK_CHARS:
            out.append(block)
            continue
        out.extend(
            Block(block.kind, piece, block.page, block.level, block.ocr)
            for piece in split_long_text(block.text)
        )
    return out


def read_document(
    path: Path,
    *,
    max_bytes: int | None = None,
    max_pages: int | None = None,
    ocr: bool = True,
) -> RawDocument:
    """Read one source file; files past ``max_bytes`` or PDFs past ``max_pages`` are refused.

    ``ocr`` False: scanned PDF pages are not read by Tesseract.
    """
    extension = path.suffix.lower()
    if extension not in _READERS:
        raise UnsupportedFormat(f"unsupported file type {extension or '(none)'!r}")
    try:
        size = path.stat().st_size
        if max_bytes is not None and size > max_bytes:
            raise ReaderError(f"file too large: {size} bytes, limit {max_bytes}")
        data = path.read_bytes()
    except OSError as exc:
        raise ReaderError(
            f"cannot open file: {exc.strerror or type(exc).__name__}"
        ) from exc
    return read_bytes(data, extension, max_pages=max_pages, ocr=ocr)
