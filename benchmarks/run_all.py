"""Run every benchmark and write BENCHMARKS.md (what `make bench` runs).

    python benchmarks/run_all.py [--quick] [--repeat 3] [--only NAME,...] [-o BENCHMARKS.md]
                                 [--ingest-sizes 100,1000]

Each benchmark in ``bench_plan.json`` runs as its own process, with its
machine-readable output where it has one (``--json``), else its text table
read by a small parser. Speed figures run --repeat times and are reported as
median and range; accuracy figures are deterministic and run once. The
targets from the issues stand next to the figures, met or not. The file
starts with the machine (CPU, cores, memory, Python and library versions,
load average), and keeps the hand-written section between ``<!-- notes -->``
and ``<!-- /notes -->`` across reruns.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
PLAN = Path(__file__).resolve().parent / "bench_plan.json"
NOTES_OPEN = "<!-- notes -->"
NOTES_CLOSE = "<!-- /notes -->"
DEFAULT_NOTES = (
    "Hand-written commentary, kept when this file is regenerated: peer-data cases that\n"
    "conflict with UK usage, known gaps, what changed between runs."
)
LIBRARIES = (
    "spacy",
    "whoosh-reloaded",
    "scikit-learn",
    "numpy",
    "pypdfium2",
    "python-docx",
    "selectolax",
    "jinja2",
    "click",
)
OPS: dict[str, Callable[[float, float], bool]] = {
    ">=": lambda a, b: a >= b,
    ">": lambda a, b: a > b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
}


# -- the machine ------------------------------------------------------------------


def machine() -> dict[str, Any]:
    """What a reader needs to compare these figures with their own."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory_gb = None
    try:
        for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal:"):
                memory_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    versions = {}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": memory_gb,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "libraries": versions,
    }


# -- reading a benchmark's output ----------------------------------------------------


def flatten(value: Any, prefix: str = "") -> dict[str, float]:
    """Numeric leaves of a JSON value as dotted names (booleans as 1/0; lists skipped)."""
    out: dict[str, float] = {}
    if isinstance(value, dict):
        for key, item in value.items():
            out.update(flatten(item, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(value, bool):
        out[prefix] = 1.0 if value else 0.0
    elif isinstance(value, (int, float)):
        out[prefix] = float(value)
    return out


_NUM = r"(-?\d+(?:\.\d+)?)"
_SEARCH_ROW = re.compile(
    rf"^(?P<label>\S.*?)\s+{_NUM}\s+\(\s*{_NUM}\)\s+{_NUM}\s+\(\s*{_NUM}\)\s+{_NUM}\s+\(\s*{_NUM}\)\s+{_NUM}\s+\(\s*{_NUM}\)\s+{_NUM}\s*$"
)
_THEMES_ROW = re.compile(
    rf"^(?P<run>.+?)\s+(?P<level>findings|documents)\s+{_NUM}\s+{_NUM}\s+{_NUM}\s+{_NUM}\s*$"
)


def parse_search_text(text: str) -> dict[str, float]:
    """search_bench's table: per query type, wall and CPU median/p95 and the CPU ratio to FTS5."""
    out: dict[str, float] = {}
    for line in text.splitlines():
        if match := re.match(
            rf"whoosh build.*?:\s*{_NUM} s wall,\s*{_NUM} s CPU", line
        ):
            out["build_s"] = float(match.group(1))
            out["build_cpu_s"] = float(match.group(2))
        elif match := re.match(rf"import evidence\.search:\s*{_NUM} ms", line):
            out["import_ms"] = float(match.group(1))
        elif match := _SEARCH_ROW.match(line):
            label = match.group("label").strip().replace(" +highlight", "+highlight")
            numbers = [float(n) for n in match.groups()[1:]]
            out[f"{label}.median_ms"] = numbers[0]
            out[f"{label}.p95_ms"] = numbers[2]
            out[f"{label}.cpu_median_ms"] = numbers[1]
            out[f"{label}.cpu_p95_ms"] = numbers[3]
            out[f"{label}.fts5_median_ms"] = numbers[4]
            out[f"{label}.ratio_to_fts5"] = numbers[8]
    return out


def parse_themes_text(text: str) -> dict[str, float]:
    """themes_eval's table: precision, recall, micro- and macro-F1 per run and level."""
    out: dict[str, float] = {}
    for line in text.splitlines():
        if match := _THEMES_ROW.match(line.strip()):
            run, level = match.group("run").strip(), match.group("level")
            for name, value in zip(
                ("precision", "recall", "micro_f1", "macro_f1"), match.groups()[2:]
            ):
                out[f"{run}.{level}.{name}"] = float(value)
    return out


PARSERS: dict[str, Callable[[str], dict[str, float]]] = {
    "json": lambda text: flatten(json.loads(text)),
    "search_text": parse_search_text,
    "themes_text": parse_themes_text,
}


# -- running ------------------------------------------------------------------------


def run_once(command: list[str]) -> tuple[str, float, int, str]:
    """(stdout, seconds, exit status, stderr tail) of one run from the repository root."""
    start = time.perf_counter()
    proc = subprocess.run(
        command, cwd=REPO, capture_output=True, text=True, check=False
    )
    return (
        proc.stdout,
        time.perf_counter() - start,
        proc.returncode,
        proc.stderr[-1500:],
    )


def _shown(names: list[str], patterns: list[str]) -> list[str]:
    chosen: list[str] = []
    for pattern in patterns:
        chosen += [
            n for n in names if fnmatch.fnmatchcase(n, pattern) and n not in chosen
        ]
    return chosen


def _targets(name: str, targets: list[dict[str, Any]]) -> dict[str, Any] | None:
    for target in targets:
        if fnmatch.fnmatchcase(name, target["figure"]):
            return target
    return None


def run_benchmark(
    spec: dict[str, Any], *, quick: bool, repeat: int, log: Callable[[str], None]
) -> dict[str, Any]:
    """Run one benchmark as planned; figures with median, range and target verdicts."""
    args = list(spec["quick_args" if quick else "args"])
    if spec["repeat"] == "internal":
        args += ["--repeat", str(repeat)]
    command = [sys.executable, spec["script"], *args]
    shown_command = " ".join(["python", spec["script"], *args])
    runs = repeat if spec["repeat"] is True else 1
    log(f"{spec['name']}: {shown_command} ({runs} run{'s' if runs != 1 else ''})")
    parsed: list[dict[str, float]] = []
    result: dict[str, Any] = {
        "name": spec["name"],
        "title": spec["title"],
        "command": shown_command,
        "runs": runs,
    }
    loads = []
    seconds = []
    for _ in range(runs):
        loads.append(os.getloadavg()[0])
        out, took, status, err = run_once(command)
        seconds.append(took)
        if status not in (0, 1) or not out.strip():
            result["error"] = (
                f"exit status {status}: {err.strip().splitlines()[-1] if err.strip() else 'no output'}"
            )
            log(f"  failed: {result['error']}")
            break
        try:
            parsed.append(
                PARSERS["json" if spec["output"] == "ingest_json" else spec["output"]](
                    out
                )
            )
        except (ValueError, KeyError) as exc:
            result["error"] = f"unreadable output: {exc}"
            break
        if spec["output"] == "ingest_json":
            result["ingest_rows"] = json.loads(out)["figures"]
    result["load"] = loads
    result["seconds"] = seconds
    result["figures"] = []
    if spec["output"] == "ingest_json" and "ingest_rows" in result:
        result["figures"] = result.pop("ingest_rows")
        return result
    if not parsed:
        return result
    names = _shown(list(parsed[0]), spec["show"])
    for name in names:
        values = [p[name] for p in parsed if name in p]
        row: dict[str, Any] = {
            "name": name,
            "median": statistics.median(values),
            "min": min(values),
            "max": max(values),
            "target": None,
            "met": None,
        }
        target = _targets(name, spec["targets"])
        if target is not None:
            row["target"] = f"{target['op']} {target['value']:g} ({target['issue']})"
            row["met"] = OPS[target["op"]](row["median"], float(target["value"]))
        result["figures"].append(row)
    return result


# -- writing BENCHMARKS.md ------------------------------------------------------------


def _fmt(value: float) -> str:
    if value == int(value) and abs(value) < 1e15:
        return f"{int(value):,}"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}"


def kept_notes(path: Path) -> str:
    """The hand-written section of an existing file, or the default text."""
    if not path.is_file():
        return DEFAULT_NOTES
    text = path.read_text(encoding="utf-8")
    start, end = text.find(NOTES_OPEN), text.find(NOTES_CLOSE)
    if start == -1 or end == -1 or end < start:
        return DEFAULT_NOTES
    return text[start + len(NOTES_OPEN) : end].strip("\n")


def render(
    results: list[dict[str, Any]],
    info: dict[str, Any],
    notes: str,
    header: dict[str, Any],
) -> str:
    lines = [
        "# Benchmarks",
        "",
        f"Written by `{header['command']}` on {header['when']} (commit {header['commit']}). "
        "Figures are medians with their range over the runs shown; targets come from the issues. "
        "The machine is shared: the load average is given with each benchmark.",
        "",
        "## Machine",
        "",
        f"- CPU: {info['cpu']}, {info['cores']} cores; memory {info['memory_gb']} GB",
        f"- Python {info['python']} on {info['platform']}",
        "- " + ", ".join(f"{k} {v}" for k, v in info["libraries"].items()),
        f"- load average (1 min): {header['load_start']:.2f} at the start, {header['load_end']:.2f} at the end",
        "",
        "## Notes",
        "",
        NOTES_OPEN,
        notes,
        NOTES_CLOSE,
        "",
    ]
    met = sum(1 for r in results for f in r["figures"] if f["met"] is True)
    missed = [
        f"{r['name']}: {f['name']}"
        for r in results
        for f in r["figures"]
        if f["met"] is False
    ]
    lines += ["## Targets", "", f"{met} met, {len(missed)} not met."]
    lines += [f"- not met: {m}" for m in missed]
    lines.append("")
    for result in results:
        lines += [
            f"## {result['name']}: {result['title']}",
            "",
            f"Command: `{result['command']}`  ",
            "",
        ]
        loads = ", ".join(f"{load:.2f}" for load in result.get("load", []))
        took = ", ".join(f"{s:.0f}" for s in result.get("seconds", []))
        lines += [
            f"Runs: {result['runs']}; seconds per run: {took}; load average before each: {loads}",
            "",
        ]
        if result.get("commit") and result["commit"] != header["commit"]:
            lines += [
                f"Carried over from the run of {result['when']} (commit {result['commit']}): not re-run this time.",
                "",
            ]
        if "error" in result:
            lines += [f"**Did not complete**: {result['error']}", ""]
        if not result["figures"]:
            continue
        lines += ["| figure | median | range | target | |", "|---|---:|---:|---|---|"]
        for f in result["figures"]:
            span = (
                _fmt(f["min"])
                if f["min"] == f["max"]
                else f"{_fmt(f['min'])} – {_fmt(f['max'])}"
            )
            verdict = "" if f["met"] is None else ("met" if f["met"] else "**not met**")
            lines.append(
                f"| {f['name']} | {_fmt(f['median'])} | {span} | {f['target'] or ''} | {verdict} |"
            )
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def _with_option(args: list[str], option: str, value: str) -> list[str]:
    """``args`` with ``option``'s value replaced (or the option added)."""
    if option in args:
        at = args.index(option)
        return [*args[:at], option, value, *args[at + 2 :]]
    return [*args, option, value]


def _carried_over(previous: Path, fresh: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every benchmark in plan order: fresh results where run now, earlier ones otherwise."""
    old = json.loads(previous.read_text(encoding="utf-8"))
    by_name = {
        r["name"]: {
            "when": old["header"]["when"],
            "commit": old["header"]["commit"],
            **r,
        }
        for r in old["results"]
    }
    by_name.update({r["name"]: r for r in fresh})
    order = [
        spec["name"]
        for spec in json.loads(PLAN.read_text(encoding="utf-8"))["benchmarks"]
    ]
    return [by_name[name] for name in order if name in by_name]


def _commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        )
        return out.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="small sizes, one run each"
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=None,
        help="runs of each speed benchmark (default 3, 1 with --quick)",
    )
    parser.add_argument(
        "--only", help="comma-separated benchmark names from bench_plan.json"
    )
    parser.add_argument(
        "--ingest-sizes", help="override ingest_bench --sizes, e.g. 100,1000,10000"
    )
    parser.add_argument("-o", "--output", type=Path, default=REPO / "BENCHMARKS.md")
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    parser.add_argument(
        "--keep",
        type=Path,
        help="raw results of an earlier run (its --json): benchmarks not run now are carried over from it, marked so",
    )
    args = parser.parse_args(argv)
    repeat = args.repeat or (1 if args.quick else 3)
    plan = json.loads(PLAN.read_text(encoding="utf-8"))["benchmarks"]
    if args.only:
        wanted = {n.strip() for n in args.only.split(",")}
        unknown = wanted - {spec["name"] for spec in plan}
        if unknown:
            parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
        plan = [spec for spec in plan if spec["name"] in wanted]
    if args.ingest_sizes:
        for spec in plan:
            if spec["name"] == "ingest_bench":
                key = "quick_args" if args.quick else "args"
                spec[key] = _with_option(spec[key], "--sizes", args.ingest_sizes)

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    header = {
        "command": " ".join(
            [
                "python",
                "benchmarks/run_all.py",
                *(argv if argv is not None else sys.argv[1:]),
            ]
        ),
        "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": _commit(),
        "load_start": os.getloadavg()[0],
    }
    results = []
    for spec in plan:
        result = run_benchmark(spec, quick=args.quick, repeat=repeat, log=log)
        results.append({**result, "when": header["when"], "commit": header["commit"]})
    header["load_end"] = os.getloadavg()[0]
    if args.keep:
        results = _carried_over(args.keep, results)
    notes = kept_notes(args.output)
    args.output.write_text(render(results, machine(), notes, header), encoding="utf-8")
    if args.json:
        args.json.write_text(
            json.dumps({"header": header, "results": results}, indent=1) + "\n",
            encoding="utf-8",
        )
    log(f"wrote {args.output}")
    return 0 if all("error" not in r for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
