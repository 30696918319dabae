"""What the guards against hostile files and damaged indexes cost (issues 19 and 20).

    python benchmarks/robustness_bench.py [--repeat 5] [--passages 50000] [--json]

- ``bomb``: a 300 KB PDF whose content stream inflates to 100 MB of
  ``(text) Tj`` operators (the file of issue 20), read by two processes at
  once: seconds until each is refused, and the larger peak RSS of the two.
  Before the fix pdfium parsed the stream and one reader reached 12.8 GB.
- ``pdf_scan``: ``check_streams`` (inflating every non-image Flate stream,
  counted and dropped) over the real PDFs under ``../shared/eval/real``, if
  present: seconds for all of them, and the same files through the whole
  PDF reader for scale.
- ``index_open``: opening a search index of ``--passages`` passages at the
  start of an ingest, reading it through (``_probe``, when its files changed
  since they last passed) and when they did not (a stat per file).

Each runs --repeat times; figures are medians with their range.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from evidence.errors import ReaderError
from evidence.index import IndexRecord, PassageIndex
from evidence.readers import read_bytes
from evidence.readers.pdf_bounds import check_streams

REAL = Path(__file__).resolve().parent.parent.parent / "shared" / "eval" / "real"


def bomb_pdf(megabytes: int = 100) -> bytes:
    """One page whose Flate content stream inflates to ``megabytes`` MB of text operators."""
    op = b"(The capital regime makes it hard to plan) Tj\n"
    content = (
        b"BT /F1 12 Tf 72 720 Td\n"
        + op * (megabytes * 1024 * 1024 // len(op))
        + b"ET\n"
    )
    stream = zlib.compress(content, 9)
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream)
        + stream
        + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
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


def _stats(values: list[float], digits: int = 3) -> dict[str, float]:
    return {
        "median": round(statistics.median(values), digits),
        "min": round(min(values), digits),
        "max": round(max(values), digits),
    }


def _refuse(data: bytes, write: int) -> None:
    """In a child: read the bomb, report seconds until refused; the parent reads RSS from rusage."""
    started = time.perf_counter()
    try:
        read_bytes(data, ".pdf")
        outcome = "read"
    except ReaderError:
        outcome = "refused"
    os.write(write, json.dumps([outcome, time.perf_counter() - started]).encode())
    os._exit(0)


def bomb(repeat: int) -> dict[str, Any]:
    data = bomb_pdf()
    seconds, rss = [], []
    for _ in range(repeat):
        pipes, pids = [], []
        for _ in range(2):  # two at once, as two workers would
            read_end, write_end = os.pipe()
            pid = os.fork()
            if pid == 0:
                os.close(read_end)
                _refuse(data, write_end)
            os.close(write_end)
            pipes.append(read_end)
            pids.append(pid)
        peaks = []
        for pid, read_end in zip(pids, pipes):
            _pid, _status, usage = os.wait4(pid, 0)
            outcome, took = json.loads(os.read(read_end, 4096))
            os.close(read_end)
            assert outcome == "refused", outcome
            seconds.append(took)
            peaks.append(usage.ru_maxrss / 1024)
        rss.append(max(peaks))
    return {
        "file_kb": round(len(data) / 1024),
        "seconds_to_refuse": _stats(seconds),
        "peak_rss_mb": _stats(rss, 1),
    }


def pdf_scan(repeat: int) -> dict[str, Any]:
    files = sorted(REAL.glob("**/*.pdf")) if REAL.is_dir() else []
    if not files:
        return {"files": 0}
    blobs = [path.read_bytes() for path in files]
    scan, whole = [], []
    for _ in range(repeat):
        started = time.perf_counter()
        for data in blobs:
            check_streams(data)
        scan.append(time.perf_counter() - started)
    for _ in range(max(1, repeat // 2)):
        started = time.perf_counter()
        for data in blobs:
            try:
                read_bytes(data, ".pdf", ocr=False)
            except ReaderError:
                pass
        whole.append(time.perf_counter() - started)
    return {
        "files": len(files),
        "megabytes": round(sum(map(len, blobs)) / 2**20, 1),
        "scan_seconds": _stats(scan),
        "reader_seconds": _stats(whole, 2),
    }


def index_open(repeat: int, passages: int) -> dict[str, Any]:
    rng = random.Random(1)
    vocabulary = [
        "".join(
            rng.choice("abcdefghijklmnopqrstuvwxyz")
            for _ in range(rng.randrange(3, 10))
        )
        for _ in range(60_000)
    ]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        index = PassageIndex(root)
        per_doc = 50
        with index.writer(procs=2) as writer:
            for d in range(passages // per_doc):
                records = [
                    IndexRecord(
                        passage_id=f"d{d}-passage{p}",
                        doc_id=f"d{d}",
                        text=" ".join(rng.choice(vocabulary) for _ in range(80)),
                        heading=None,
                        page=None,
                        doc_title=f"Report {d}",
                        doc_org=None,
                        doc_path=f"d{d}.txt",
                        doc_type=None,
                        year=None,
                        ref=None,
                        kinds=(),
                        themes=(),
                        orgs=(),
                    )
                    for p in range(per_doc)
                ]
                writer.replace_document(f"d{d}", records)
        checked = root / "whoosh" / "CHECKED"

        def timed(prepare: Callable[[], None]) -> list[float]:
            out = []
            for _ in range(repeat):
                prepare()
                started = time.perf_counter()
                PassageIndex(root)
                out.append(time.perf_counter() - started)
            return out

        probed = timed(lambda: checked.unlink(missing_ok=True))
        unchanged = timed(lambda: None)
        size = sum(f.stat().st_size for f in (root / "whoosh").iterdir())
    return {
        "passages": passages,
        "index_mb": round(size / 2**20, 1),
        "read_through_seconds": _stats(probed),
        "unchanged_seconds": _stats(unchanged, 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--passages", type=int, default=50_000)
    parser.add_argument(
        "--json", action="store_true", help="Print the figures as JSON."
    )
    args = parser.parse_args()
    results = {
        "bomb": bomb(args.repeat),
        "pdf_scan": pdf_scan(args.repeat),
        "index_open": index_open(args.repeat, args.passages),
        "load_average": os.getloadavg()[0],
    }
    if args.json:
        print(json.dumps(results, indent=1))
        return
    for name, figures in results.items():
        print(f"{name}: {json.dumps(figures)}")


if __name__ == "__main__":
    main()
