"""Ingest at scale: speed, memory, re-ingest, build, search and worker identity.

    python benchmarks/ingest_bench.py [--sizes 100,1000] [--repeat 3] [--seed 1]
                                      [--workers1-sizes 1000] [--work DIR] [--json]

For each size a corpus is generated with make_corpus.py (fixed seed), then:

- full ingest, ``evidence ingest --workers 2`` as a whole process into a fresh
  index, timed wall-clock; peak RSS of the largest process of the run (the
  CLI or one of its workers) from ``getrusage(RUSAGE_CHILDREN)`` in a
  wrapper process made for that one run; words a second over the corpus's
  words and over CPU seconds (the machine is shared: CPU time is the steadier
  figure when others are busy);
- ``--workers 1`` at the sizes in --workers1-sizes, for comparison;
- bare spaCy (``spacy.blank("en")``, ``nlp.pipe``, one process) over the
  passages the store holds, i.e. the same text: the physical yardstick, and
  the ratio full ingest / bare;
- re-ingest of the unchanged corpus; re-ingest after one document changed
  (reported as seconds beyond the unchanged time);
- ``evidence build``; ``evidence.search.search`` latency in-process for the
  queries in corpus_vocabulary.json (median and p95, index opened per call
  as the CLI does);
- at the smallest size: ``evidence export`` after ``--workers 1`` and after
  ``--workers 2`` must be byte-identical.

Every timing runs --repeat times; figures are medians with their range. The
load average is recorded before each run, since other work on the machine
slows everything here.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import make_corpus  # noqa: E402

WORKERS = 2
#: Targets of issue 9 (2-core machine), keyed by (figure name, corpus size).
TARGETS: dict[tuple[str, int], tuple[str, float]] = {
    ("ingest_words_per_s", 1000): (">=", 30_000),
    ("reingest_unchanged_s", 10_000): ("<", 5.0),
    ("reingest_one_changed_extra_s", 10_000): ("<", 2.0),
    ("ingest_peak_rss_mb", 10_000): ("<", 1024),
    ("build_s", 10_000): ("<", 120.0),
    ("search_median_ms", 10_000): ("<", 10.0),
}
#: The 10,000-document rate must be within this share of the 1,000-document rate.
SCALE_TOLERANCE = 0.20


# -- running and measuring one command ------------------------------------------


def evidence_command() -> list[str]:
    """The CLI next to this Python (the venv's console script), else ``-m evidence.cli``."""
    script = Path(sys.executable).parent / "evidence"
    return [str(script)] if script.exists() else [sys.executable, "-m", "evidence.cli"]


def _rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (Linux /proc), children first."""
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        try:
            tasks = os.listdir(f"/proc/{parent}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                with open(
                    f"/proc/{parent}/task/{task}/children", encoding="ascii"
                ) as children:
                    kids = [int(k) for k in children.read().split()]
            except OSError:
                continue
            found.extend(kids)
            todo.extend(kids)
    return found


def _sample_rss(pid: int, peaks: dict[str, float], done: threading.Event) -> None:
    """Peak RSS of the main process and of its largest descendant, sampled every 0.2 s.

    ``ru_maxrss`` gives only the largest process of the run; this says which
    one it was (the CLI, or a reading worker or index-writer process).
    """
    while not done.wait(0.2):
        peaks["main"] = max(peaks["main"], _rss_mb(pid))
        for child in _descendants(pid):
            peaks["child"] = max(peaks["child"], _rss_mb(child))


def _measure_child(cmd: list[str]) -> int:
    """Run ``cmd`` as this process's only child; print wall, CPU and peak RSS as JSON."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    peaks = {"main": 0.0, "child": 0.0}
    done = threading.Event()
    sampler = threading.Thread(
        target=_sample_rss, args=(proc.pid, peaks, done), daemon=True
    )
    sampler.start()
    _out, stderr = proc.communicate()
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(
        json.dumps(
            {
                "wall_s": wall,
                "cpu_s": usage.ru_utime + usage.ru_stime,
                "peak_rss_mb": usage.ru_maxrss / 1024,
                "main_peak_rss_mb": peaks["main"],
                "child_peak_rss_mb": peaks["child"],
                "returncode": proc.returncode,
                "stderr": stderr[-2000:],
            }
        )
    )
    return 0


def measure(cmd: list[str]) -> dict[str, Any]:
    """Wall time, CPU time and peak RSS of the largest process of one run of ``cmd``.

    A fresh wrapper process per run, so ``ru_maxrss`` of its children is this
    run's alone (Linux reports the largest descendant that was waited for).
    """
    load = os.getloadavg()[0]
    out = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--measure-child", "--", *cmd],
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(out.stdout)
    result["load"] = load
    if result["returncode"] not in (0, 3):
        raise RuntimeError(
            f"{' '.join(cmd)} exited {result['returncode']}: {result['stderr']}"
        )
    return result


def summary(values: list[float]) -> dict[str, Any]:
    return {
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
        "runs": values,
    }


def ingest_cmd(index_dir: Path, corpus: Path, workers: int) -> list[str]:
    return [
        *evidence_command(),
        "--index-dir",
        str(index_dir),
        "ingest",
        str(corpus),
        "--workers",
        str(workers),
    ]


# -- the pieces -----------------------------------------------------------------


def full_ingest(
    corpus: Path, work: Path, name: str, workers: int, repeat: int
) -> tuple[list[dict[str, Any]], Path]:
    """``repeat`` ingests into fresh index folders; returns the runs and the last index."""
    runs = []
    index_dir = work / name
    for _ in range(repeat):
        shutil.rmtree(index_dir, ignore_errors=True)
        runs.append(measure(ingest_cmd(index_dir, corpus, workers)))
    return runs, index_dir


def store_texts(index_dir: Path) -> list[str]:
    """Every passage text in the store, in document order."""
    db = next(index_dir.glob("*.sqlite*"))
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return [
            row[0]
            for row in conn.execute("SELECT text FROM passages ORDER BY doc_id, seq")
        ]


def bare_spacy(texts: list[str], repeat: int) -> list[float]:
    """Seconds for blank English to tokenise ``texts`` with nlp.pipe, one process."""
    import spacy

    nlp = spacy.blank("en")
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _doc in nlp.pipe(texts, batch_size=256):
            pass
        times.append(time.perf_counter() - start)
    return times


def reingest(
    corpus: Path, index_dir: Path, repeat: int
) -> tuple[list[float], list[float]]:
    """(unchanged re-ingest seconds, one-changed re-ingest seconds), ``repeat`` each."""
    unchanged = [
        measure(ingest_cmd(index_dir, corpus, WORKERS))["wall_s"] for _ in range(repeat)
    ]
    victim = sorted(p for p in corpus.iterdir() if p.suffix == ".txt")[0]
    original = victim.read_bytes()
    changed = []
    try:
        for run in range(repeat):
            victim.write_bytes(
                original
                + f"\nA note added for re-ingest run {run + 1}: one in four boards agreed.\n".encode()
            )
            changed.append(measure(ingest_cmd(index_dir, corpus, WORKERS))["wall_s"])
    finally:
        victim.write_bytes(original)
        measure(ingest_cmd(index_dir, corpus, WORKERS))
    return unchanged, changed


def build(index_dir: Path, site: Path, repeat: int) -> list[dict[str, Any]]:
    runs = []
    for _ in range(repeat):
        shutil.rmtree(site, ignore_errors=True)
        runs.append(
            measure(
                [
                    *evidence_command(),
                    "--index-dir",
                    str(index_dir),
                    "build",
                    "-o",
                    str(site),
                ]
            )
        )
    return runs


def search_latencies(
    index_dir: Path, repeat: int
) -> tuple[list[float], dict[str, str]]:
    """(milliseconds per query, every query every round, after a warm-up round; failed queries).

    A query that raises is reported with its error and left out of the
    timings, so one bug does not hide every other figure.
    """
    from evidence.search import search

    failed: dict[str, str] = {}
    queries = []
    for query in make_corpus.Vocabulary.load().data["bench_queries"]:
        try:
            search(index_dir, query)
        except Exception as exc:
            failed[query] = f"{type(exc).__name__}: {exc}"
            continue
        queries.append(query)
    times = []
    for _ in range(repeat):
        for query in queries:
            start = time.perf_counter()
            search(index_dir, query)
            times.append((time.perf_counter() - start) * 1000)
    return times, failed


def export_digest(index_dir: Path, out: Path) -> str:
    subprocess.run(
        [*evidence_command(), "--index-dir", str(index_dir), "export", "-o", str(out)],
        check=True,
        capture_output=True,
    )
    return hashlib.sha256(out.read_bytes()).hexdigest()


def code_version() -> str:
    """The commit measured, marked when evidence/ has uncommitted changes (others work in this checkout)."""
    repo = HERE.parent
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=repo,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "evidence"],
            cwd=repo,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{commit}{' + uncommitted changes in evidence/' if dirty.strip() else ''}"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


# -- one size -------------------------------------------------------------------


def bench_size(
    size: int, args: argparse.Namespace, work: Path, log: Any
) -> dict[str, Any]:
    corpus = work / f"corpus-{size}"
    shutil.rmtree(corpus, ignore_errors=True)
    start = time.perf_counter()
    stats = make_corpus.generate(corpus, size, args.seed)
    generated = time.perf_counter() - start
    words = stats.words
    log(
        f"[{size}] corpus: {words} words, {stats.bytes / 1e6:.1f} MB, generated in {generated:.1f} s"
    )
    result: dict[str, Any] = {
        "documents": size,
        "words": words,
        "bytes": stats.bytes,
        "generate_s": generated,
        "figures": {},
    }
    figures = result["figures"]

    runs, index_dir = full_ingest(
        corpus, work, f"index-{size}", WORKERS, args.full_repeat or args.repeat
    )
    walls = [r["wall_s"] for r in runs]
    figures["ingest_s"] = summary(walls)
    figures["ingest_words_per_s"] = summary([words / w for w in walls])
    figures["ingest_words_per_cpu_s"] = summary([words / r["cpu_s"] for r in runs])
    figures["ingest_peak_rss_mb"] = summary([r["peak_rss_mb"] for r in runs])
    # Sampled: which process the peak was in (the CLI, or a worker / index writer).
    figures["ingest_main_peak_rss_mb"] = summary(
        [r.get("main_peak_rss_mb", 0.0) for r in runs]
    )
    figures["ingest_child_peak_rss_mb"] = summary(
        [r.get("child_peak_rss_mb", 0.0) for r in runs]
    )
    result["ingest_load"] = [r["load"] for r in runs]
    log(
        f"[{size}] ingest --workers {WORKERS}: {figures['ingest_s']['median']:.1f} s, "
        f"{figures['ingest_words_per_s']['median']:.0f} words/s, peak {figures['ingest_peak_rss_mb']['median']:.0f} MB "
        f"(main {figures['ingest_main_peak_rss_mb']['median']:.0f} MB, "
        f"largest child {figures['ingest_child_peak_rss_mb']['median']:.0f} MB)"
    )

    if size in args.workers1_sizes:
        runs1, index1 = full_ingest(
            corpus, work, f"index-{size}-w1", 1, args.full_repeat or args.repeat
        )
        figures["ingest_workers1_s"] = summary([r["wall_s"] for r in runs1])
        figures["ingest_workers1_words_per_s"] = summary(
            [words / r["wall_s"] for r in runs1]
        )
        figures["speedup_2_over_1"] = summary(
            [figures["ingest_workers1_s"]["median"] / figures["ingest_s"]["median"]]
        )
        log(
            f"[{size}] ingest --workers 1: {figures['ingest_workers1_s']['median']:.1f} s"
        )
        if size == min(args.sizes) and "identity" not in args.skip:
            result["export_identical"] = _identity(index1, index_dir, work)
        shutil.rmtree(index1, ignore_errors=True)
    elif size == min(args.sizes) and "identity" not in args.skip:
        _runs, index1 = full_ingest(corpus, work, f"index-{size}-w1", 1, 1)
        result["export_identical"] = _identity(index1, index_dir, work)
        shutil.rmtree(index1, ignore_errors=True)
    if "export_identical" in result:
        log(f"[{size}] export --workers 1 vs 2 identical: {result['export_identical']}")

    texts = store_texts(index_dir)
    passage_words = sum(len(t.split()) for t in texts)
    bare = bare_spacy(texts, args.repeat)
    result["passages"] = len(texts)
    result["passage_words"] = passage_words
    figures["bare_spacy_s"] = summary(bare)
    figures["bare_spacy_words_per_s"] = summary([passage_words / b for b in bare])
    figures["ratio_ingest_over_bare"] = summary(
        [w / statistics.median(bare) for w in walls]
    )
    log(
        f"[{size}] bare spaCy: {figures['bare_spacy_s']['median']:.2f} s over {len(texts)} passages; "
        f"ratio {figures['ratio_ingest_over_bare']['median']:.1f}"
    )

    if "reingest" not in args.skip:
        unchanged, changed = reingest(corpus, index_dir, args.repeat)
        figures["reingest_unchanged_s"] = summary(unchanged)
        figures["reingest_one_changed_s"] = summary(changed)
        figures["reingest_one_changed_extra_s"] = summary(
            [c - statistics.median(unchanged) for c in changed]
        )
        log(
            f"[{size}] re-ingest unchanged {figures['reingest_unchanged_s']['median']:.2f} s, "
            f"one changed +{figures['reingest_one_changed_extra_s']['median']:.2f} s"
        )

    if "build" not in args.skip:
        builds = build(index_dir, work / f"site-{size}", args.repeat)
        figures["build_s"] = summary([r["wall_s"] for r in builds])
        figures["build_peak_rss_mb"] = summary([r["peak_rss_mb"] for r in builds])
        log(f"[{size}] build {figures['build_s']['median']:.1f} s")

    latencies, failed = search_latencies(index_dir, args.repeat)
    result["search_failed"] = failed
    for query, error in failed.items():
        log(f"[{size}] search FAILED for {query!r}: {error}")
    figures["search_median_ms"] = summary([statistics.median(latencies)])
    figures["search_p95_ms"] = summary([percentile(latencies, 0.95)])
    result["search_queries"] = len(latencies)
    log(
        f"[{size}] search median {figures['search_median_ms']['median']:.1f} ms, p95 {figures['search_p95_ms']['median']:.1f} ms"
    )
    if not args.keep:
        for folder in (corpus, index_dir, work / f"site-{size}"):
            shutil.rmtree(folder, ignore_errors=True)
    return result


def _identity(index1: Path, index2: Path, work: Path) -> bool:
    return export_digest(index1, work / "export-w1.jsonl") == export_digest(
        index2, work / "export-w2.jsonl"
    )


# -- targets and output -----------------------------------------------------------


def judged(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Flat list of figures with the issue's target where one applies."""
    rows = []
    for size_text, result in results["sizes"].items():
        size = int(size_text)
        for name, fig in result["figures"].items():
            row = {
                "name": f"{name} @ {size}",
                "median": fig["median"],
                "min": fig["min"],
                "max": fig["max"],
                "target": None,
                "met": None,
            }
            target = TARGETS.get((name, size))
            if target is not None:
                op, bound = target
                row["target"] = f"{op} {bound:g}"
                row["met"] = (
                    fig["median"] >= bound if op == ">=" else fig["median"] < bound
                )
            rows.append(row)
        if "export_identical" in result:
            same = 1.0 if result["export_identical"] else 0.0
            rows.append(
                {
                    "name": f"export identical, workers 1 vs 2 @ {size}",
                    "median": same,
                    "min": same,
                    "max": same,
                    "target": "= 1 (byte-identical)",
                    "met": bool(same),
                }
            )
        if result.get("search_failed"):
            count = float(len(result["search_failed"]))
            rows.append(
                {
                    "name": f"search queries that raised @ {size}",
                    "median": count,
                    "min": count,
                    "max": count,
                    "target": "= 0",
                    "met": False,
                }
            )
    sizes = results["sizes"]
    if "1000" in sizes and "10000" in sizes:
        base = sizes["1000"]["figures"]["ingest_words_per_s"]["median"]
        big = sizes["10000"]["figures"]["ingest_words_per_s"]["median"]
        rows.append(
            {
                "name": "words/s @ 10000 vs @ 1000",
                "median": big / base,
                "min": big / base,
                "max": big / base,
                "target": f">= {1 - SCALE_TOLERANCE:g}",
                "met": big / base >= 1 - SCALE_TOLERANCE,
            }
        )
    return rows


def _fmt(value: float) -> str:
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}"


def table(rows: list[dict[str, Any]]) -> str:
    lines = [f"{'figure':<44} {'median':>10} {'range':>23}  target"]
    for row in rows:
        rng = f"{_fmt(row['min'])}–{_fmt(row['max'])}"
        target = (
            ""
            if row["target"] is None
            else f"{row['target']} ({'met' if row['met'] else 'NOT met'})"
        )
        lines.append(f"{row['name']:<44} {_fmt(row['median']):>10} {rng:>23}  {target}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:2] == ["--measure-child", "--"]:
        return _measure_child(argv[2:])
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        default="100,1000",
        help="corpus sizes, comma-separated (10000 takes long)",
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--full-repeat",
        type=int,
        help="runs of the full ingests (default: --repeat); the rest use --repeat",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--workers1-sizes",
        default="1000",
        help="sizes at which --workers 1 is timed too",
    )
    parser.add_argument(
        "--skip", default="", help="leave out any of: identity, reingest, build"
    )
    parser.add_argument(
        "--work",
        type=Path,
        help="folder for corpora and indexes (default: a temporary one)",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep corpora, indexes and sites"
    )
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)
    args.sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()})
    args.workers1_sizes = {int(s) for s in args.workers1_sizes.split(",") if s.strip()}
    args.skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    unknown = args.skip - {"identity", "reingest", "build"}
    if unknown:
        parser.error(f"--skip: unknown part(s) {', '.join(sorted(unknown))}")

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    own_work = args.work is None
    work = (
        Path(tempfile.mkdtemp(prefix="evidence-ingest-bench-"))
        if own_work
        else args.work
    )
    work.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {
        "command": " ".join(["python", "benchmarks/ingest_bench.py", *argv]),
        "ingest_command": " ".join(
            ingest_cmd(Path("INDEX"), Path("CORPUS"), WORKERS)[1:]
        ),
        "repeat": args.repeat,
        "full_repeat": args.full_repeat or args.repeat,
        "seed": args.seed,
        "cores": os.cpu_count(),
        "code": code_version(),
        "load_start": os.getloadavg(),
        "sizes": {},
    }
    try:
        for size in args.sizes:
            results["sizes"][str(size)] = bench_size(size, args, work, log)
    finally:
        if own_work and not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    results["load_end"] = os.getloadavg()
    results["figures"] = judged(results)
    if args.json:
        print(json.dumps(results, indent=1))
    else:
        print(table(results["figures"]))
        for size, result in results["sizes"].items():
            if "export_identical" in result:
                print(
                    f"export --workers 1 vs --workers 2 at {size} documents: "
                    f"{'byte-identical' if result['export_identical'] else 'DIFFERENT'}"
                )
            for query, error in result.get("search_failed", {}).items():
                print(f"search failed at {size} documents for {query!r}: {error}")
        print(f"code: {results['code']}")
        print(
            f"load average: start {results['load_start'][0]:.2f}, end {results['load_end'][0]:.2f} ({os.cpu_count()} cores)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
