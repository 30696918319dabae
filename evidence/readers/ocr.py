"""OCR of a rendered PDF page with Tesseract, as positioned lines.

Tesseract is run as a program (Debian's ``tesseract-ocr``), not through a
binding: its hOCR output already gives every line's box, baseline and type
size, which is what the PDF reader's layout code needs to join lines into
paragraphs, and a subprocess can be bounded in time and dies with the worker
that started it. The page is rendered by pdfium to a grey image and handed
to Tesseract on stdin as a PGM (no image library needed).
"""

from __future__ import annotations

import ctypes
import os
import re
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from lxml import etree

from ..errors import ReaderError

if TYPE_CHECKING:
    import pypdfium2 as pdfium

#: What a user must install to read scanned pages (named in refusals).
INSTALL_HINT = "install tesseract-ocr"
#: Render resolution: Tesseract is trained on text about 300 dpi high.
DPI = 300
#: A page is never rendered past this many pixels (a poster-sized page would
#: otherwise need gigabytes); the resolution drops instead.
MAX_PIXELS = 40_000_000
#: Seconds one page may take in Tesseract.
PAGE_TIMEOUT = 180.0
#: Words Tesseract is less sure of than this (0-100) are noise from
#: pictures and rules, not text.
MIN_CONFIDENCE = 30
#: A page whose words average less than this (weighted by length) is not
#: read: its script is one no installed model reads (a Chinese scan read as
#: English gives Latin debris at about 30), or it is no text at all. Clean
#: English scans average about 90.
MIN_PAGE_CONFIDENCE = 60
_LANGUAGE = "eng"

_BBOX = re.compile(r"bbox (-?\d+) (-?\d+) (-?\d+) (-?\d+)")
_BASELINE = re.compile(r"baseline (-?[\d.]+) (-?[\d.]+)")
_X_SIZE = re.compile(r"x_size ([\d.]+)")
_CONFIDENCE = re.compile(r"x_wconf (\d+)")
_LINE_CLASSES = frozenset({"ocr_line", "ocr_header", "ocr_caption", "ocr_textfloat"})
_PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class OcrLine:
    """One printed line as Tesseract read it, in PDF points (origin bottom left)."""

    text: str
    left: float
    right: float
    baseline: float
    size: float  # Tesseract's line height, in points


@lru_cache(maxsize=1)
def ocr_available() -> bool:
    """Tesseract is on the PATH with English installed."""
    program = shutil.which("tesseract")
    if program is None:
        return False
    try:
        done = subprocess.run(
            [program, "--list-langs"], capture_output=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return _LANGUAGE in done.stdout.decode("utf-8", "replace").split()


def die_with_parent() -> (
    None
):  # pragma: no cover - runs in the child between fork and exec
    """A worker killed at its time limit takes its Tesseract with it."""
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass


def render_pgm(
    page: pdfium.PdfPage, width: float, height: float
) -> tuple[bytes, float, int]:
    """The page as a binary PGM at (at most) ``DPI``, the pixels per point used, and its rows."""
    scale = DPI / 72
    if width * height * scale * scale > MAX_PIXELS:
        scale = (MAX_PIXELS / max(width * height, 1.0)) ** 0.5
    bitmap = page.render(scale=scale, grayscale=True)
    try:
        array = bitmap.to_numpy()
        rows, columns = array.shape[0], array.shape[1]
        pixels = array.reshape(rows, columns, -1)[:, :, 0].tobytes()
    finally:
        bitmap.close()
    return f"P5 {columns} {rows} 255\n".encode("ascii") + pixels, scale, rows


def run_tesseract(image: bytes, dpi: int) -> bytes:
    """Tesseract's hOCR for one image; ReaderError if it cannot run or fails."""
    program = shutil.which("tesseract")
    if program is None:
        raise ReaderError(f"no text layer: needs OCR: {INSTALL_HINT}")
    # One thread: ingest already runs a worker per core.
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        done = subprocess.run(
            [program, "stdin", "stdout", "--dpi", str(dpi), "-l", _LANGUAGE, "hocr"],
            input=image,
            capture_output=True,
            timeout=PAGE_TIMEOUT,
            env=env,
            check=False,
            preexec_fn=die_with_parent,
        )
    except subprocess.TimeoutExpired as exc:
        raise ReaderError(f"OCR took over {PAGE_TIMEOUT:g} s on one page") from exc
    except OSError as exc:
        raise ReaderError(
            f"OCR could not run tesseract: {exc.strerror or type(exc).__name__}"
        ) from exc
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ReaderError(
            f"OCR failed: {detail[-1] if detail else f'tesseract exit status {done.returncode}'}"
        )
    return done.stdout


def parse_hocr(hocr: bytes, scale: float, rows: int) -> tuple[list[OcrLine], float]:
    """Lines of an hOCR page, turned from pixels (top left origin) into PDF points,
    and the page's mean word confidence (weighted by word length; 0 for no words).

    The baseline is the line box's bottom plus Tesseract's offset, so
    descenders do not move it; the size is Tesseract's ``x_size``.
    """
    if not hocr.strip():
        return [], 0.0
    root = etree.fromstring(hocr, etree.HTMLParser(no_network=True))
    if root is None:
        return [], 0.0
    lines: list[OcrLine] = []
    weighted = 0
    letters = 0
    for element in root.iter("span"):
        if element.get("class") not in _LINE_CLASSES:
            continue
        title = element.get("title") or ""
        box = _BBOX.search(title)
        if box is None:
            continue
        words = []
        for word in element.iter("span"):
            if word.get("class") != "ocrx_word":
                continue
            text = "".join(word.itertext()).strip()
            found = _CONFIDENCE.search(word.get("title") or "")
            confidence = int(found.group(1)) if found else 100
            weighted += confidence * len(text)
            letters += len(text)
            if text and confidence >= MIN_CONFIDENCE:
                words.append(text)
        if not words:
            continue
        left, _top, right, bottom = (int(value) for value in box.groups())
        base = _BASELINE.search(title)
        offset = float(base.group(2)) if base else 0.0
        size = _X_SIZE.search(title)
        height = float(size.group(1)) if size else float(bottom - _top)
        lines.append(
            OcrLine(
                text=" ".join(words),
                left=left / scale,
                right=right / scale,
                baseline=(rows - bottom - offset) / scale,
                size=round(height / scale, 1),
            )
        )
    return lines, weighted / letters if letters else 0.0
