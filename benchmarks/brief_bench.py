"""Word briefing time: generate a store of N documents (as build_bench.py does), time `write_brief`.

    .venv/bin/python benchmarks/brief_bench.py [--docs 1000] [--passages 40] [--seed 7] [--repeat 3] [--json]

Times the briefing of every theme and of one theme (workforce) ``--repeat``
times each, and reports median and range of wall and CPU time, the file's
size, its footnotes, and whether every run wrote the same bytes. CPU time is
given beside wall time because the machine is shared.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_bench import generate

from evidence.brief import write_brief


def _spread(values: list[float]) -> dict[str, float]:
    return {
        "median": round(statistics.median(values), 3),
        "min": round(min(values), 3),
        "max": round(max(values), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--passages", type=int, default=40)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        store = generate(base / "index", args.docs, args.passages, args.seed)
        result: dict[str, object] = {
            "documents": args.docs,
            "passages": args.docs * args.passages,
            "load_average_before": round(os.getloadavg()[0], 2),
        }
        try:
            for label, theme in (("all_themes", None), ("one_theme", "workforce")):
                walls, cpus, digests = [], [], set()
                report = None
                for n in range(args.repeat):
                    out = base / f"{label}-{n}.docx"
                    wall, cpu = time.perf_counter(), time.process_time()
                    report = write_brief(store, out, theme=theme)
                    walls.append(time.perf_counter() - wall)
                    cpus.append(time.process_time() - cpu)
                    digests.add(out.read_bytes())
                assert report is not None
                result[label] = {
                    "wall_s": _spread(walls),
                    "cpu_s": _spread(cpus),
                    "bytes": report.path.stat().st_size,
                    "footnotes": report.footnotes,
                    "figures": report.figures,
                    "recommendations": report.recommendations,
                    "byte_identical": len(digests) == 1,
                }
        finally:
            store.close()
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(
        f"{result['documents']} documents, {result['passages']} passages; load average before {result['load_average_before']}"
    )
    for label in ("all_themes", "one_theme"):
        r = result[label]
        assert isinstance(r, dict)
        print(
            f"{label}: wall {r['wall_s']['median']} s ({r['wall_s']['min']}-{r['wall_s']['max']}), "
            f"cpu {r['cpu_s']['median']} s, {r['bytes']} bytes, {r['footnotes']} footnotes, "
            f"same bytes: {r['byte_identical']}"
        )


if __name__ == "__main__":
    main()
