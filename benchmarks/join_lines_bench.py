"""Joining a hard-wrapped paragraph is linear: MB/s stays flat as the paragraph grows (issue 20).

    python benchmarks/join_lines_bench.py [--sizes 0.25,1,2,3,8] [--repeat 5] [--old-up-to 0.25] [--json]

A paragraph of the given size (MB of UTF-8) is made of lines of about 70
characters, one in five ending in a word broken at a hyphen (``spe-`` /
``cial``) and one in forty in a compound kept whole (``well-`` / ``being``),
with no blank line: one paragraph, the worst case for the joiner.

- ``join_lines``: ``evidence.readers.text.join_lines`` over its lines;
- ``read_txt``: the whole plain-text reader (``read_bytes(..., ".txt")``),
  decoding, splitting and cleaning included, as an ingest reads the file;
- ``old_join_lines``: the joiner before the fix, kept here for comparison
  only, on the sizes up to ``--old-up-to`` MB (it is quadratic: 2 MB took
  about four minutes).

Each runs --repeat times; figures are MB/s, median and range.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from evidence.readers import read_bytes
from evidence.readers.text import join_hyphenated, join_lines, split_lines

WORDS = (
    "the capital regime makes it hard for integrated care boards to plan and around one in three "
    "systems reported a deficit of more than twenty million pounds in the year before"
).split()
_OLD_BROKEN_WORD = re.compile(r"[a-z]-$")


def old_join_lines(lines: list[str]) -> str:
    """The joiner as it was before issue 20: it searched the whole text so far for each line."""
    out = ""
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if out and _OLD_BROKEN_WORD.search(out) and line[:1].islower():
            out = join_hyphenated(out[:-1], line)
        elif out:
            out = f"{out} {line}"
        else:
            out = line
    return out


def paragraph(megabytes: float) -> str:
    """One hard-wrapped paragraph of about ``megabytes`` MB."""
    target = int(megabytes * 1024 * 1024)
    lines: list[str] = []
    size = 0
    n = 0
    carry = ""
    while size < target:
        words = [WORDS[(n * 7 + k) % len(WORDS)] for k in range(11)]
        line = carry + " ".join(words)
        if n % 5 == 0:
            line, carry = line + " spe-", "cial "
        elif n % 40 == 1:
            line, carry = line + " well-", "being "
        else:
            carry = ""
        lines.append(line)
        size += len(line) + 1
        n += 1
    return "\n".join(lines) + ".\n"


def _rate(fn: Callable[[], object], megabytes: float, repeat: int) -> dict[str, float]:
    rates = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        rates.append(megabytes / (time.perf_counter() - started))
    return {
        "median": round(statistics.median(rates), 2),
        "min": round(min(rates), 2),
        "max": round(max(rates), 2),
    }


def run(sizes: list[float], repeat: int, old_up_to: float) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for megabytes in sizes:
        text = paragraph(megabytes)
        data = text.encode("utf-8")
        actual = len(data) / (1024 * 1024)
        lines = split_lines(text)
        joined = join_lines(lines)
        row: dict[str, Any] = {"megabytes": round(actual, 3), "lines": len(lines)}
        row["join_lines"] = _rate(lambda: join_lines(lines), actual, repeat)
        row["read_txt"] = _rate(lambda: read_bytes(data, ".txt"), actual, repeat)
        if megabytes <= old_up_to:
            assert old_join_lines(lines) == joined, "the joiners disagree"
            row["old_join_lines"] = _rate(lambda: old_join_lines(lines), actual, repeat)
        results[f"{megabytes:g}MB"] = row
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        default="0.25,1,2,3,8",
        help="Paragraph sizes in MB, comma-separated.",
    )
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--old-up-to",
        type=float,
        default=0.25,
        help="Time the old joiner on sizes up to this many MB.",
    )
    parser.add_argument(
        "--json", action="store_true", help="Print the figures as JSON."
    )
    args = parser.parse_args()
    results = run(
        [float(s) for s in args.sizes.split(",")], args.repeat, args.old_up_to
    )
    if args.json:
        print(json.dumps(results, indent=1))
        return
    print(
        f"{'size':>8} {'lines':>7}  {'join_lines MB/s':>24}  {'read .txt MB/s':>24}  {'old join MB/s':>22}"
    )
    for name, row in results.items():
        cells = []
        for key in ("join_lines", "read_txt", "old_join_lines"):
            r = row.get(key)
            cells.append(f"{r['median']:>8} ({r['min']}-{r['max']})" if r else "-")
        print(
            f"{name:>8} {row['lines']:>7}  {cells[0]:>24}  {cells[1]:>24}  {cells[2]:>22}"
        )


if __name__ == "__main__":
    main()
