"""Evaluate recommendations, quotes and claims against the corpus gold.

Reads every corpus file with ``evidence.readers.read_document``, builds the
document context as ingest does (doc_org from ``guess_metadata`` normalised),
runs the default pipeline over the passages in order and matches findings to
``benchmarks/gold/corpus.jsonl`` lines of kind recommendation, quote and
claim: same file, same kind, and the gold "text" (whitespace-normalised)
inside the finding's text. Each gold line and each finding is matched at most
once. Prints precision and recall per kind, actor and target accuracy on
matched recommendations, speaker (and role) accuracy on matched quotes,
attribution and hedge accuracy on matched claims; ``--speed`` also measures
words per second of blank English + sentencizer + the statement components.

    python benchmarks/statements_eval.py [--gold FILE] [--corpus DIR] [--verbose] [--speed] [--json]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DEFAULT_GOLD = REPO / "benchmarks" / "gold" / "corpus.jsonl"
DEFAULT_CORPUS = REPO / "corpus"
KINDS = ("recommendation", "quote", "claim")
#: kind -> fields compared on matched pairs
FIELDS = {
    "recommendation": ("actor", "target"),
    "quote": ("speaker", "role"),
    "claim": ("attributed_to", "hedged"),
}
STATEMENT_COMPONENTS = (
    "evidence_organisations",
    "evidence_quotes",
    "evidence_recommendations",
    "evidence_claims",
)
_WS = re.compile(r"\s+")


def norm(text: str) -> str:
    """Whitespace-normalised text (non-breaking and thin spaces count as spaces)."""
    return _WS.sub(
        " ", text.replace("\u00a0", " ").replace("\u2009", " ").replace("\u202f", " ")
    ).strip()


def load_gold(path: Path) -> dict[str, list[dict[str, Any]]]:
    """Gold statement lines by file, in file order."""
    by_file: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            item = json.loads(line)
            if item.get("kind") in KINDS:
                by_file[item["file"]].append(item)
    return by_file


def extract(path: Path, nlp: Any) -> list[dict[str, Any]]:
    """Statement findings of one corpus file, as ingest would store them."""
    from evidence.metadata import guess_metadata
    from evidence.nlp.organisations import normalise_org
    from evidence.nlp.pipeline import findings_from_doc, make_docs
    from evidence.passages import make_passages
    from evidence.readers import read_document

    raw = read_document(path)
    metadata = guess_metadata(raw, path)
    org = normalise_org(metadata.org) if metadata.org else None
    context: dict[str, Any] = {
        "doc_org": org,
        "doc_title": metadata.title,
        "doc_type": metadata.doc_type,
    }
    passages = make_passages("eval", raw.blocks)
    items = (
        (p.text, {"heading": p.heading, "kind": p.kind, "page": p.page})
        for p in passages
    )
    found: list[dict[str, Any]] = []
    for doc in nlp.pipe(make_docs(nlp, items, context)):
        for finding in findings_from_doc(doc):
            if finding.kind in KINDS:
                found.append(
                    {"kind": finding.kind, "text": finding.text, **finding.data}
                )
    return found


def match(
    gold: list[dict[str, Any]], found: list[dict[str, Any]]
) -> list[tuple[int, int]]:
    """(gold index, finding index) pairs: gold text inside finding text, one-to-one, in order."""
    pairs: list[tuple[int, int]] = []
    used: set[int] = set()
    for g_index, item in enumerate(gold):
        needle = norm(item["text"])
        for f_index, finding in enumerate(found):
            if f_index in used or finding["kind"] != item["kind"]:
                continue
            if needle in norm(finding["text"]):
                pairs.append((g_index, f_index))
                used.add(f_index)
                break
    return pairs


def evaluate(gold_path: Path, corpus: Path, verbose: bool = False) -> dict[str, Any]:
    """Counts and accuracies over the whole corpus; with ``verbose`` the misses are printed."""
    from evidence.nlp.pipeline import build_pipeline

    nlp = build_pipeline()
    gold_by_file = load_gold(gold_path)
    counts = {k: {"gold": 0, "found": 0, "matched": 0} for k in KINDS}
    fields = {k: {f: [0, 0] for f in FIELDS[k]} for k in KINDS}
    files = sorted(
        p for p in corpus.iterdir() if p.is_file() and not p.name.startswith(".")
    )
    for path in files:
        gold = gold_by_file.get(path.name, [])
        found = extract(path, nlp)
        pairs = match(gold, found)
        for item in gold:
            counts[item["kind"]]["gold"] += 1
        for finding in found:
            counts[finding["kind"]]["found"] += 1
        matched_gold = {g for g, _ in pairs}
        matched_found = {f for _, f in pairs}
        for g, f in pairs:
            kind = gold[g]["kind"]
            counts[kind]["matched"] += 1
            for name in FIELDS[kind]:
                if name not in gold[g]:
                    continue
                want = gold[g][name]
                if name == "target" and gold[g].get("targets"):
                    want = "; ".join(
                        gold[g]["targets"]
                    )  # every body asked, as the component joins them
                right = want == found[f].get(name)
                fields[kind][name][0] += right
                fields[kind][name][1] += 1
                if verbose and not right:
                    print(
                        f"WRONG {kind}.{name} {path.name}: gold {gold[g][name]!r} got {found[f].get(name)!r} | {norm(gold[g]['text'])[:90]}"
                    )
        if verbose:
            for g, item in enumerate(gold):
                if g not in matched_gold:
                    print(
                        f"MISS  {item['kind']} {path.name}: {norm(item['text'])[:120]}"
                    )
            for f, finding in enumerate(found):
                if f not in matched_found:
                    extra = {k: finding.get(k) for k in FIELDS[finding["kind"]]}
                    print(
                        f"EXTRA {finding['kind']} {path.name}: {norm(finding['text'])[:120]} {extra}"
                    )
    result: dict[str, Any] = {}
    for kind in KINDS:
        c = counts[kind]
        result[kind] = {
            **c,
            "precision": round(c["matched"] / c["found"], 3) if c["found"] else None,
            "recall": round(c["matched"] / c["gold"], 3) if c["gold"] else None,
            **{
                f"{name}_accuracy": round(right / total, 3) if total else None
                for name, (right, total) in fields[kind].items()
            },
        }
    return result


def speed(
    corpus: Path, target_words: int = 600_000, repeats: int = 3
) -> dict[str, Any]:
    """Words per second of blank English + sentencizer, with and without the statement components.

    The corpus passages are repeated up to ``target_words``; every passage of
    a repeat shares one context, as in ingest. Best of ``repeats`` runs, in
    CPU time of this process, so other work on a shared machine does not
    count against us.
    """
    import spacy

    from evidence.nlp import factories
    from evidence.nlp.pipeline import make_docs
    from evidence.passages import make_passages
    from evidence.readers import read_document

    items: list[tuple[str, dict[str, Any]]] = []
    for path in sorted(p for p in corpus.iterdir() if p.is_file()):
        for p in make_passages("speed", read_document(path).blocks):
            items.append(
                (p.text, {"heading": p.heading, "kind": p.kind, "page": p.page})
            )
    words_per_copy = sum(len(t.split()) for t, _ in items)
    copies = max(1, target_words // max(1, words_per_copy))
    total_words = words_per_copy * copies
    chars = sum(len(t) for t, _ in items) * copies

    def build(with_ours: bool) -> Any:
        nlp = spacy.blank("en")
        nlp.add_pipe("sentencizer")
        if with_ours:
            for name, factory in factories.COMPONENTS:
                if name in STATEMENT_COMPONENTS:
                    nlp.add_pipe(factory, name=name)
        return nlp

    def run(nlp: Any) -> float:
        best = float("inf")
        for _ in range(repeats):
            start = time.process_time()
            for _copy in range(copies):
                for _doc in nlp.pipe(make_docs(nlp, items, {"doc_org": None})):
                    pass
            best = min(best, time.process_time() - start)
        return best

    base = run(build(False))
    ours = run(build(True))
    added = ours - base
    return {
        "words": total_words,
        "megabytes": round(chars / 1e6, 2),
        "blank_sentencizer_words_per_s": round(total_words / base),
        "with_statement_components_words_per_s": round(total_words / ours),
        "statement_components_alone_words_per_s": round(total_words / added)
        if added > 0
        else None,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument(
        "--verbose", action="store_true", help="list misses, extras and wrong fields"
    )
    parser.add_argument(
        "--speed", action="store_true", help="also measure words per second"
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    if not args.gold.is_file():
        print(f"no gold file at {args.gold}", file=sys.stderr)
        return 1
    result: dict[str, Any] = {
        "kinds": evaluate(args.gold, args.corpus, verbose=args.verbose)
    }
    if args.speed:
        result["speed"] = speed(args.corpus)
    if args.json:
        print(json.dumps(result, indent=2, sort_keys=True))
        return 0
    for kind, r in result["kinds"].items():
        extra = ", ".join(f"{k} {v}" for k, v in r.items() if k.endswith("_accuracy"))
        print(
            f"{kind:15} gold {r['gold']:3} found {r['found']:3} matched {r['matched']:3}  "
            f"precision {r['precision']}  recall {r['recall']}  {extra}"
        )
    if "speed" in result:
        s = result["speed"]
        print(
            f"speed: {s['words']} words ({s['megabytes']} MB): blank+sentencizer {s['blank_sentencizer_words_per_s']} w/s, "
            f"+ statement components {s['with_statement_components_words_per_s']} w/s "
            f"(components alone {s['statement_components_alone_words_per_s']} w/s)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
