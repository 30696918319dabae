"""Seconds a page to OCR a scanned PDF: render (pdfium, 300 dpi) plus Tesseract, one page at a time.

    .venv/bin/python benchmarks/ocr_bench.py [PDF] [--repeat N] [--json]

The default PDF is the image-only government response of the real set
(../shared/eval/real/docs). Every page is timed on its own, as a worker
would read it (one Tesseract thread); the median and range over all pages
and runs are printed, with wall and CPU time (Tesseract's CPU is a child's,
so it is counted from the process's children).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT = (
    ROOT.parent
    / "shared"
    / "eval"
    / "real"
    / "docs"
    / "cop509_PostOfficeHorizon-IT-Inquiry-Response.pdf"
)


def _cpu() -> float:
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def main(argv: list[str] | None = None) -> int:
    import pypdfium2 as pdfium

    from evidence.readers.ocr import ocr_available
    from evidence.readers.pdf import _ocr_lines

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdf", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--repeat", type=int, default=1, help="runs over every page")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if not ocr_available():
        print(
            "tesseract-ocr (with tesseract-ocr-eng) is not installed", file=sys.stderr
        )
        return 2
    pdf = pdfium.PdfDocument(str(args.pdf))
    wall: list[float] = []
    cpu: list[float] = []
    lines = 0
    try:
        for _ in range(args.repeat):
            for index in range(len(pdf)):
                started, started_cpu = time.perf_counter(), _cpu()
                lines += len(_ocr_lines(pdf, index))
                wall.append(time.perf_counter() - started)
                cpu.append(_cpu() - started_cpu)
        pages = len(pdf)
    finally:
        pdf.close()
    figures = {
        "file": args.pdf.name,
        "pages": pages,
        "runs": args.repeat,
        "lines_read": lines // args.repeat,
        "s_per_page_median": round(statistics.median(wall), 2),
        "s_per_page_min": round(min(wall), 2),
        "s_per_page_max": round(max(wall), 2),
        "cpu_s_per_page_median": round(statistics.median(cpu), 2),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    if args.json:
        print(json.dumps(figures))
    else:
        for key, value in figures.items():
            print(f"{key:24} {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
