"""Search speed: build a generated passage index, time queries, compare with SQLite FTS5.

    .venv/bin/python benchmarks/search_bench.py [--passages 100000] [--seed 5]

The corpus is generated here with a fixed seed (policy-like words with a
Zipf-shaped frequency curve, a long tail of rarer words, stop words kept),
so every run measures the same thing. The same passages go into an FTS5
table ranked with bm25 (title weighted above the body, as ours is): the
yardstick. Latencies are for the full ``evidence.search.search`` call,
opening the index included, as the CLI makes it.
"""

from __future__ import annotations

import argparse
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from bisect import bisect
from itertools import accumulate
from pathlib import Path

from evidence.index import IndexRecord, PassageIndex
from evidence.search import search

STOP = (
    "the of and to in a for that is on by with as be are this it from at or was has have"
    " which their not an will its should been more than also we our they can"
).split()
POLICY = (
    "care health services nhs system systems integrated board boards workforce staff"
    " capital funding revenue budget spending finance financial social local authority"
    " authorities government department plan plans planning commissioning commissioners"
    " providers provider trust trusts hospital hospitals primary community patients patient"
    " waiting lists elective recovery performance targets data digital technology"
    " prevention public population outcomes inequalities partnership partnerships"
    " leadership accountability governance regulation inspection quality safety risk"
    " investment estate maintenance backlog buildings equipment productivity efficiency"
    " savings pressures demand capacity beds discharge delayed emergency urgent ambulance"
    " general practice practices pharmacy dental mental learning disability children"
    " adult adults older people carers families voluntary sector charities councils"
    " housing employment training recruitment retention vacancies nurses doctors"
    " consultants therapists agency pay pension contracts procurement regime allocation"
    " formula settlement multi-year certainty transparency reporting evidence evaluation"
    " recommendation recommendations recommend recommends committee inquiry report reports"
    " minister ministers secretary state treasury audit office national england"
    " region regions place places neighbourhood integration collaboration duty duties"
    " legislation act guidance framework strategy strategic long term short medium"
    " years year month months percent billion million increase decrease growth fall"
    " rise gap shortfall deficit surplus overspend underspend review reviews progress"
    " implementation delivery programme programmes pilot pilots scheme schemes"
).split()
ORGS = (
    "National Audit Office",
    "NHS England",
    "Local Government Association",
    "Care Quality Commission",
    "Department of Health and Social Care",
    "The King's Fund",
    "Nuffield Trust",
    "Health Foundation",
    "NHS Providers",
    "NHS Confederation",
    "Public Accounts Committee",
    "Healthwatch England",
)
DOC_TYPES = (
    "report",
    "written evidence",
    "press release",
    "commentary",
    "government response",
)
THEMES = ("workforce", "capital", "prevention", "social-care", "finance", "digital")
KINDS = ("figure", "recommendation", "claim", "quote")
PASSAGES_PER_DOC = 20
WORDS_PER_PASSAGE = 80


def _tail_words(rng: random.Random, count: int) -> list[str]:
    """Made-up rarer words: the long tail every real corpus has."""
    onsets = "b c d f g h j k l m n p r s t v w br cr dr fl gr pl pr st tr".split()
    vowels = "a e i o u ai ea ou".split()
    codas = "n r s t l m nd st rk ng".split()
    seen: set[str] = set()
    out: list[str] = []
    while len(out) < count:
        syll = rng.randint(2, 4)
        w = "".join(
            rng.choice(onsets) + rng.choice(vowels) + rng.choice(codas)
            for _ in range(syll)
        )
        if w not in seen:
            seen.add(w)
            out.append(w)
    return out


class Corpus:
    """Deterministic passages and queries for a given seed."""

    def __init__(self, passages: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.content = POLICY + _tail_words(self.rng, 30_000)
        weights = [1.0 / (rank + 8) ** 1.05 for rank in range(len(self.content))]
        self.cum = list(accumulate(weights))
        self.records = list(self._records(passages))

    def _word(self) -> str:
        rng = self.rng
        if rng.random() < 0.42:
            return STOP[min(int(rng.expovariate(0.12)), len(STOP) - 1)]
        return self.content[bisect(self.cum, rng.random() * self.cum[-1])]

    def _sentence(self, n: int) -> str:
        ws = [self._word() for _ in range(n)]
        return ws[0].capitalize() + " " + " ".join(ws[1:]) + "."

    def _records(self, passages: int):
        rng = self.rng
        for d in range(0, passages, PASSAGES_PER_DOC):
            doc_id = f"doc{d // PASSAGES_PER_DOC:05d}"
            title = " ".join(w.capitalize() for w in (self._word() for _ in range(6)))
            org = ORGS[rng.randrange(len(ORGS))]
            dtype = DOC_TYPES[rng.randrange(len(DOC_TYPES))]
            year = 2016 + rng.randrange(9)
            for p in range(min(PASSAGES_PER_DOC, passages - d)):
                text = " ".join(self._sentence(n) for n in (20, 18, 22, 20))
                yield IndexRecord(
                    passage_id=f"{doc_id}-passage{p:03d}",
                    doc_id=doc_id,
                    text=text,
                    heading=None if p % 4 else self._sentence(5),
                    page=1 + p // 4,
                    doc_title=title,
                    doc_org=org,
                    doc_path=f"{doc_id}.pdf",
                    doc_type=dtype,
                    year=year,
                    ref=None,
                    kinds=tuple(k for k in KINDS if rng.random() < 0.25),
                    themes=tuple(t for t in THEMES if rng.random() < 0.2),
                    orgs=(),
                )

    def queries(self) -> dict[str, list[str]]:
        rng = random.Random(11)
        mid = POLICY + self.content[len(POLICY) : len(POLICY) + 2000]
        word = []
        for i in range(60):
            n = 1 + i % 3
            word.append(
                " ".join(rng.choice(mid[: 300 if n > 1 else 2000]) for _ in range(n))
            )
        phrase = []
        stop = set(STOP)
        while (
            len(phrase) < 60
        ):  # as people quote: at least one word that is not a stop word
            text = (
                self.records[rng.randrange(len(self.records))]
                .text.lower()
                .replace(".", "")
            )
            ws = text.split()
            at = rng.randrange(len(ws) - 3)
            picked = ws[at : at + 2 + len(phrase) % 2]
            if not set(picked) <= stop:
                phrase.append('"' + " ".join(picked) + '"')
        filters = (
            "kind:recommendation",
            "year:2022..2023",
            "source:nao",
            "theme:workforce",
            'type:"written evidence"',
        )
        filtered = [f"{word[i]} {filters[i % len(filters)]}" for i in range(60)]
        return {"word": word, "phrase": phrase, "filtered": filtered}


# --- FTS5 yardstick -----------------------------------------------------------


def build_fts(records: list[IndexRecord], path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path)
    db.execute(
        "CREATE VIRTUAL TABLE p USING fts5(text, title, kinds UNINDEXED, themes UNINDEXED,"
        " org UNINDEXED, dtype UNINDEXED, year UNINDEXED, tokenize='porter unicode61')"
    )
    db.executemany(
        "INSERT INTO p(text, title, kinds, themes, org, dtype, year) VALUES (?,?,?,?,?,?,?)",
        (
            (
                r.text,
                r.doc_title,
                ",".join(r.kinds),
                ",".join(r.themes),
                r.doc_org,
                r.doc_type,
                r.year,
            )
            for r in records
        ),
    )
    db.commit()
    return db


_FTS_FILTERS = {
    "kind": "kinds LIKE '%recommendation%'",
    "year": "year BETWEEN 2022 AND 2023",
    "source": "org = 'National Audit Office'",
    "theme": "themes LIKE '%workforce%'",
    "type": "dtype = 'written evidence'",
}


def fts_query(db: sqlite3.Connection, query: str, highlight: bool) -> int:
    where = ""
    match = query
    for name, sql in _FTS_FILTERS.items():
        if f" {name}:" in query:
            match = query.split(f" {name}:")[0]
            where = " AND " + sql
    if not match.startswith('"'):  # bare FTS5 words may not hold "-": quote each
        match = " ".join(f'"{w}"' for w in match.split())
    cols = "rowid, bm25(p, 1.0, 2.5)" + (
        ", snippet(p, 0, '«', '»', '…', 20)" if highlight else ""
    )
    rows = db.execute(
        f"SELECT {cols} FROM p WHERE p MATCH ? {where} ORDER BY bm25(p, 1.0, 2.5) LIMIT 10",
        (match,),
    ).fetchall()
    total = db.execute(
        f"SELECT count(*) FROM p WHERE p MATCH ? {where}", (match,)
    ).fetchone()[0]
    return len(rows) + total * 0


# --- measuring ------------------------------------------------------------------


def _times(fn, queries: list[str]) -> tuple[float, float, float, float]:
    """Median and p95 of wall-clock and of CPU milliseconds per query.

    CPU time is reported beside wall time because the machine is shared: on a
    busy host the wall clock measures the neighbours as much as the query.
    """
    for q in queries[:5]:  # warm the OS cache and the stem cache
        fn(q)
    wall, cpu = [], []
    for q in queries:
        t, c = time.perf_counter(), time.process_time()
        fn(q)
        cpu.append((time.process_time() - c) * 1000)
        wall.append((time.perf_counter() - t) * 1000)
    wall.sort()
    cpu.sort()
    p95 = min(len(wall) - 1, int(len(wall) * 0.95))
    return statistics.median(wall), wall[p95], statistics.median(cpu), cpu[p95]


def import_time() -> float:
    best = float("inf")
    for _ in range(3):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import evidence.search"], check=True)
        best = min(best, time.perf_counter() - t)
    return best * 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--passages", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=5)
    args = ap.parse_args()

    t = time.perf_counter()
    corpus = Corpus(args.passages, args.seed)
    gen_s = time.perf_counter() - t
    queries = corpus.queries()
    with tempfile.TemporaryDirectory() as tmp:
        index_dir = Path(tmp) / "indexes"
        t, c = time.perf_counter(), time.process_time()
        with PassageIndex(index_dir).writer(procs=2) as w:
            for d in range(0, len(corpus.records), PASSAGES_PER_DOC):
                chunk = corpus.records[d : d + PASSAGES_PER_DOC]
                w.replace_document(chunk[0].doc_id, chunk)
        build_s = time.perf_counter() - t
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        build_cpu = time.process_time() - c + children.ru_utime + children.ru_stime
        size_mb = sum(f.stat().st_size for f in (index_dir / "whoosh").iterdir()) / 1e6

        t = time.perf_counter()
        db = build_fts(corpus.records, Path(tmp) / "fts.db")
        fts_build_s = time.perf_counter() - t

        print(f"passages: {len(corpus.records)}  (generated in {gen_s:.1f} s)")
        print(
            f"whoosh build (procs=2): {build_s:.1f} s wall,"
            f" {build_cpu:.1f} s CPU over all processes, {size_mb:.0f} MB"
        )
        print(f"fts5 build: {fts_build_s:.1f} s")
        print(f"import evidence.search: {import_time():.0f} ms (python start included)")
        print()
        print(
            "milliseconds per query; wall clock and (in brackets) CPU time of this process"
        )
        print(
            f"{'query type':<20}{'median':>16}{'p95':>18}{'fts5 median':>16}{'fts5 p95':>16}"
            f"{'ratio':>7}"
        )
        for kind, qs in queries.items():
            for hl in (False, True):
                med, p95, c_med, c_p95 = _times(
                    lambda q: search(index_dir, q, highlight=hl), qs
                )
                f_med, f_p95, fc_med, fc_p95 = _times(
                    lambda q: fts_query(db, q, hl), qs
                )
                label = f"{kind}{' +highlight' if hl else ''}"
                print(
                    f"{label:<20}{med:>8.2f} ({c_med:>5.1f}){p95:>9.1f} ({c_p95:>6.1f})"
                    f"{f_med:>8.2f} ({fc_med:>4.2f}){f_p95:>8.2f} ({fc_p95:>4.2f})"
                    f"{c_med / max(fc_med, 0.01):>7.1f}"
                )
        print("ratio: CPU median of ours over FTS5's")
        hits = sum(
            search(index_dir, q).total > 0 for qs in queries.values() for q in qs
        )
        print(
            f"\nqueries with at least one hit: {hits}/{sum(len(q) for q in queries.values())}"
        )
        db.close()


if __name__ == "__main__":
    main()
