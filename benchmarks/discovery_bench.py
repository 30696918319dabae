"""What finding and planning the files of a sync costs (issues 19 and 20).

    python benchmarks/discovery_bench.py [--files 10000] [--per-folder 100] [--repeat 5] [--json]

A folder of small text files is generated (fixed content), and a store is
filled with one document per file straight through ``Store.write_document``
(no reading or extraction: only the plan is measured here). Then:

- ``discover``: the walk that sorts files (a stat per file, a real path per
  folder), against a bare ``os.walk`` listing of the same tree, as the walk
  before issue 19 was;
- ``plan_unchanged``: ``_plan`` for a re-ingest with nothing changed (walk,
  hash every file, compare with the store);
- ``plan_after_move``: ``_plan`` after the folder was renamed: every file is
  found again by its hash and moved, none is read (checked).

Each runs --repeat times; figures are medians with their range, in seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from evidence.discovery import discover
from evidence.ingest import IngestReport, Limits, _plan
from evidence.models import Metadata, Passage
from evidence.passages import passage_id
from evidence.readers import SUPPORTED_EXTENSIONS
from evidence.store import Store

TEXT = "Capital regime\n\nSubmission {n}: the capital regime limits what integrated care boards can spend.\n"


def make_tree(root: Path, files: int, per_folder: int) -> None:
    for n in range(files):
        folder = root / f"batch-{n // per_folder:04d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"submission-{n:06d}.txt").write_text(
            TEXT.format(n=n), encoding="utf-8"
        )


def fill_store(index_dir: Path, root: Path) -> None:
    """One stored document per file, as an ingest would leave them (ids and hashes alike)."""
    report = IngestReport()
    with Store(index_dir, create=True) as store:
        plan = _plan(store, [root], {}, None, Limits(), report)
        store.add_root(str(root), root.name, is_file=False)
        for task in plan.tasks:
            passage = Passage(
                passage_id(task.doc_id, 1),
                task.doc_id,
                1,
                "text",
                None,
                None,
                "paragraph",
            )
            store.write_document(
                doc_id=task.doc_id,
                root=task.root,
                path=task.path,
                sha256=task.sha256,
                size=task.size,
                fmt="txt",
                pages=None,
                metadata=Metadata(title=task.path),
                passages=[(passage, [])],
                findings=[],
                acronyms=[],
            )


def os_walk_listing(root: Path) -> int:
    count = 0
    for _dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        count += sum(1 for name in filenames if not name.startswith("."))
    return count


def timed(fn: Callable[[], Any], repeat: int) -> dict[str, float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return {
        "median": round(statistics.median(times), 4),
        "min": round(min(times), 4),
        "max": round(max(times), 4),
    }


def plan_counts(index_dir: Path, root: Path) -> tuple[int, int, int]:
    report = IngestReport()
    with Store(index_dir) as store:
        plan = _plan(store, [root], {}, None, Limits(), report)
    return len(plan.tasks), len(report.unchanged), len(report.moved)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--per-folder", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="evidence-discovery-bench-"))
    try:
        root = work / "inquiry"
        make_tree(root, args.files, args.per_folder)
        index_dir = work / "idx"
        fill_store(index_dir, root)
        results: dict[str, Any] = {
            "files": args.files,
            "folders": -(-args.files // args.per_folder),
        }
        assert os_walk_listing(root) == args.files
        assert len(discover(root, supported=SUPPORTED_EXTENSIONS).files) == args.files
        results["os_walk_s"] = timed(lambda: os_walk_listing(root), args.repeat)
        results["discover_s"] = timed(
            lambda: discover(root, supported=SUPPORTED_EXTENSIONS), args.repeat
        )
        assert plan_counts(index_dir, root) == (0, args.files, 0)
        results["plan_unchanged_s"] = timed(
            lambda: plan_counts(index_dir, root), args.repeat
        )
        moved = work / "archive" / "inquiry-renamed"
        moved.parent.mkdir()
        root.rename(moved)
        # A plan writes nothing, so every repeat sees the same move.
        assert plan_counts(index_dir, moved) == (0, 0, args.files)
        results["plan_after_move_s"] = timed(
            lambda: plan_counts(index_dir, moved), args.repeat
        )
    finally:
        shutil.rmtree(work)
    if args.json:
        print(json.dumps(results, indent=1))
        return
    for name, value in results.items():
        if isinstance(value, dict):
            print(
                f"{name:<20} median {value['median']:.3f} s (range {value['min']:.3f}-{value['max']:.3f})"
            )
        else:
            print(f"{name:<20} {value}")


if __name__ == "__main__":
    main()
