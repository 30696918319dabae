"""Site build time: generate a store of N documents, time `build_site` over it.

    .venv/bin/python benchmarks/build_bench.py [--docs 1000] [--passages 40] [--seed 7] [--keep DIR]
    .venv/bin/python benchmarks/build_bench.py --index-dir PATH [--repeat 3] [--keep DIR]

With ``--index-dir`` the store is an existing one (for instance a corpus
from make_corpus.py, ingested): each of ``--repeat`` builds runs in a fresh
process into an empty folder, so each reports its own peak memory, and the
result gives the median and range of wall time, CPU time and peak RSS, and
whether every run wrote the same bytes. The store is only read.

The store is generated here with a fixed seed through the store's own API
(no readers, no NLP), with the shape the pipeline gives a real corpus:
documents from a few dozen bodies, headed sections of paragraphs and list
items, and figures, recommendations, claims and quotes with themes, some
sentences repeated across bodies so cross-source grouping has work to do.
The build is timed twice (cold, then over its own output); the second build
also checks the output is byte-identical. CPU time is reported beside wall
time because the machine is shared; it includes the process the build forks
for document pages (also reported on its own, with its peak memory).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from evidence.models import Finding, Metadata, Passage
from evidence.passages import passage_id
from evidence.render import build_site
from evidence.store import Store
from evidence.themes import load_taxonomy

BODIES = (
    "National Audit Office",
    "NHS Providers",
    "NHS Confederation",
    "Local Government Association",
    "The King's Fund",
    "Nuffield Trust",
    "Health Foundation",
    "Healthwatch England",
    "Royal College of Nursing",
    "British Medical Association",
    "Care Quality Commission",
    "Association of Directors of Adult Social Services",
) + tuple(f"Integrated Care Board {n}" for n in range(1, 31))
TARGETS = (
    "DHSC",
    "NHS England",
    "government",
    "HM Treasury",
    "integrated care boards",
    "local authorities",
)
TYPES = (
    "written evidence",
    "report",
    "commentary",
    "press release",
    "committee report",
)
WORDS = (
    "care health services system board workforce staff capital funding revenue budget local authority "
    "government plan commissioning providers trust hospital primary community patients waiting elective "
    "recovery performance data digital prevention population outcomes inequalities partnership place "
    "neighbourhood discharge beds vacancies recruitment retention estates maintenance backlog allocation"
).split()
STATEMENTS = (
    "Staff shortages limit what integrated care systems can do",
    "The capital regime makes it hard for systems to invest in buildings",
    "Discharge delays keep patients in hospital longer than they need to be",
    "Prevention budgets are the first to be cut when money is short",
    "Data sharing between councils and the NHS remains patchy",
)


def _sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def generate(index_dir: Path, docs: int, passages: int, seed: int) -> Store:
    """Write ``docs`` documents with findings and themes; deterministic for a seed."""
    rng = random.Random(seed)
    theme_ids = list(load_taxonomy().ids)
    store = Store(index_dir, create=True)
    passage_rows: list[tuple[str, str, float, str]] = []
    finding_rows: list[tuple[str, str]] = []
    for d in range(docs):
        body = rng.choice(BODIES)
        doc_id = f"doc-{d:05d}-{hashlib.sha1(str(d).encode()).hexdigest()[:6]}"
        items: list[Passage] = []
        found: list[tuple[str, str, Finding]] = []
        heading = None
        for seq in range(1, passages + 1):
            pid = passage_id(doc_id, seq)
            if seq % 10 == 1:
                heading = _sentence(rng, 3).rstrip(".")
                items.append(
                    Passage(pid, doc_id, seq, heading, (seq // 12) + 1, None, "heading")
                )
                continue
            kind = "list_item" if seq % 7 == 0 else "paragraph"
            roll = rng.random()
            lead = _sentence(rng, rng.randint(12, 30))
            if roll < 0.15:
                # Bodies mostly agree on a measure's value; one in ten quotes another.
                topic = rng.randrange(len(WORDS))
                value = round(
                    1.0
                    + topic * 0.7
                    + (rng.choice((-0.5, 0.5)) if rng.random() < 0.1 else 0.0),
                    1,
                )
                surface = f"£{value:g} billion"
                sentence = f"Spending on {WORDS[topic]} reached {surface} in 2023/24."
                text = f"{lead} {sentence}"
                start = text.index(surface)
                found.append(
                    (
                        f"{pid}-f1",
                        pid,
                        Finding(
                            "figure",
                            start,
                            start + len(surface),
                            sentence,
                            {
                                "surface": surface,
                                "value": value * 1e9,
                                "unit": "GBP",
                                "figure_kind": "money",
                                "qualifier": None,
                                "value_max": None,
                                "measure": f"spending on {WORDS[topic]}",
                                "period": "2023/24",
                            },
                        ),
                    )
                )
            elif roll < 0.25:
                target = rng.choice(TARGETS)
                sentence = f"{target} should {rng.choice(WORDS)} the {rng.choice(WORDS)} {rng.choice(WORDS)} plan."
                text = f"{lead} {sentence[0].upper()}{sentence[1:]}"
                start = len(lead) + 1
                found.append(
                    (
                        f"{pid}-r1",
                        pid,
                        Finding(
                            "recommendation",
                            start,
                            len(text),
                            text[start:],
                            {
                                "actor": None,
                                "target": target,
                                "action": sentence.split(" should ", 1)[1].rstrip("."),
                            },
                        ),
                    )
                )
            elif roll < 0.33:
                sentence = rng.choice(STATEMENTS) + "."
                text = f"{lead} {sentence}"
                start = len(lead) + 1
                found.append(
                    (
                        f"{pid}-c1",
                        pid,
                        Finding(
                            "claim",
                            start,
                            len(text),
                            sentence,
                            {"attributed_to": None, "hedged": rng.random() < 0.3},
                        ),
                    )
                )
            elif roll < 0.36:
                sentence = f"\u201c{_sentence(rng, 10)}\u201d"
                text = f"{sentence} said a chief executive."
                found.append(
                    (
                        f"{pid}-q1",
                        pid,
                        Finding(
                            "quote",
                            0,
                            len(sentence),
                            sentence,
                            {"speaker": "A chief executive", "role": "chief executive"},
                        ),
                    )
                )
            else:
                text = f"{lead} {_sentence(rng, rng.randint(10, 25))}"
            items.append(
                Passage(pid, doc_id, seq, text, (seq // 12) + 1, heading, kind)
            )
            chosen = rng.sample(theme_ids, rng.choice((0, 1, 1, 2)))
            for theme in chosen:
                passage_rows.append((pid, theme, 1.0, "terms"))
            for fid, fpid, _ in found:
                if fpid == pid:
                    finding_rows.extend((fid, theme) for theme in chosen)
        store.write_document(
            doc_id=doc_id,
            root="/bench",
            path=f"submissions/{doc_id}.pdf",
            sha256=doc_id,
            size=1000,
            fmt="pdf",
            pages=(passages // 12) + 1,
            metadata=Metadata(
                f"Evidence {d} on {rng.choice(WORDS)}",
                body,
                rng.choice(TYPES),
                f"202{rng.randint(1, 4)}-{rng.randint(1, 12):02d}",
                f"ICS{d:04d}",
            ),
            passages=[(p, []) for p in items],
            findings=found,
            acronyms=[],
        )
    store.replace_themes(passage_rows, finding_rows)
    return store


def _digest(site: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        h.update(path.relative_to(site).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def _one_build(index_dir: Path, site: Path) -> dict[str, object]:
    """Build once in this process, as `evidence build` does; wall, CPU and peak memory."""
    import resource

    from evidence.theming import use_taxonomy

    def children_cpu() -> float:
        used = resource.getrusage(resource.RUSAGE_CHILDREN)
        return used.ru_utime + used.ru_stime

    t0, c0, k0 = time.perf_counter(), time.process_time(), children_cpu()
    with Store(index_dir) as store:
        report = build_site(store, site, taxonomy=use_taxonomy(index_dir, None))
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    # the build forks a second process for document pages: its CPU counts too
    helper_cpu = children_cpu() - k0
    return {
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu + helper_cpu, 2),
        "helper_cpu_s": round(helper_cpu, 2),
        "peak_rss_mb": round(
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1
        ),
        "helper_peak_rss_mb": round(
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1
        ),
        "pages": report.pages,
        "files": report.files,
        "links_checked": report.links_checked,
        "broken_links": len(report.broken),
        "site_mb": round(
            sum(p.stat().st_size for p in site.rglob("*") if p.is_file()) / 1e6, 1
        ),
        "digest": _digest(site),
    }


def _cpu_with_helpers() -> float:
    """CPU seconds of this process and the finished processes it forked."""
    import resource

    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + used.ru_utime + used.ru_stime


def _spread(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "median": round(statistics.median(ordered), 2),
        "min": ordered[0],
        "max": ordered[-1],
    }


def _existing(index_dir: Path, repeat: int, keep: Path | None) -> int:
    """Time ``repeat`` cold builds of an existing store, each in its own process."""
    with Store(index_dir) as store:
        counts = store.counts()
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in range(repeat):
            site = (
                keep
                if keep is not None and n == repeat - 1
                else Path(tmp) / f"site-{n}"
            )
            if site.exists():
                shutil.rmtree(site)
            done = subprocess.run(
                [sys.executable, __file__, "--one-build", str(index_dir), str(site)],
                check=True,
                capture_output=True,
                text=True,
            )
            runs.append(json.loads(done.stdout))
            if site != keep:
                shutil.rmtree(site)
    first = runs[0]
    result = {
        "index_dir": str(index_dir),
        "documents": counts["documents"],
        "passages": counts["passages"],
        "findings": sum(
            counts[k] for k in ("figures", "recommendations", "claims", "quotes")
        ),
        "claims": counts["claims"],
        "runs": repeat,
        "wall_s": _spread([r["wall_s"] for r in runs]),
        "cpu_s": _spread([r["cpu_s"] for r in runs]),
        "peak_rss_mb": _spread([r["peak_rss_mb"] for r in runs]),
        "helper_cpu_s": _spread([r["helper_cpu_s"] for r in runs]),
        "helper_peak_rss_mb": _spread([r["helper_peak_rss_mb"] for r in runs]),
        "pages": first["pages"],
        "files": first["files"],
        "links_checked": first["links_checked"],
        "broken_links": first["broken_links"],
        "site_mb": first["site_mb"],
        "byte_identical": len({r["digest"] for r in runs}) == 1,
    }
    print(json.dumps(result, indent=2))
    return 0 if result["broken_links"] == 0 and result["byte_identical"] else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--passages", type=int, default=40)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", type=Path, help="build the site here and keep it")
    parser.add_argument(
        "--index-dir",
        type=Path,
        help="time builds of this existing store instead of a generated one",
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="builds to time with --index-dir"
    )
    parser.add_argument(
        "--one-build",
        nargs=2,
        type=Path,
        metavar=("INDEX_DIR", "SITE"),
        help=argparse.SUPPRESS,
    )
    args = parser.parse_args(argv)
    if args.one_build:
        print(json.dumps(_one_build(*args.one_build)))
        return 0
    if args.index_dir is not None:
        return _existing(args.index_dir, args.repeat, args.keep)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        store = generate(Path(tmp) / "index", args.docs, args.passages, args.seed)
        generated = time.perf_counter() - t0
        counts = store.counts()
        site = args.keep or Path(tmp) / "site"
        t1, c1 = time.perf_counter(), _cpu_with_helpers()
        report = build_site(store, site)
        cold, cold_cpu = time.perf_counter() - t1, _cpu_with_helpers() - c1
        first = _digest(site)
        t2 = time.perf_counter()
        build_site(store, site)
        warm = time.perf_counter() - t2
        store.close()
        result = {
            "documents": counts["documents"],
            "passages": counts["passages"],
            "findings": sum(
                counts[k] for k in ("figures", "recommendations", "claims", "quotes")
            ),
            "generate_s": round(generated, 2),
            "build_s": round(cold, 2),
            "build_cpu_s": round(cold_cpu, 2),
            "rebuild_s": round(warm, 2),
            "pages": report.pages,
            "files": report.files,
            "links_checked": report.links_checked,
            "broken_links": len(report.broken),
            "site_mb": round(
                sum(p.stat().st_size for p in site.rglob("*") if p.is_file()) / 1e6, 1
            ),
            "byte_identical": first == _digest(site),
        }
    print(json.dumps(result, indent=2))
    return 0 if result["broken_links"] == 0 and result["byte_identical"] else 1


if __name__ == "__main__":
    sys.exit(main())
