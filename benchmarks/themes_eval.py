"""Theme assignment against the gold themes of the sample corpus.

Reads every file of the corpus with evidence.readers, assigns themes over the
whole corpus twice (seed terms only, then seed terms + model) and scores
both against benchmarks/gold/themes.jsonl, per finding and per document,
so the model's gain is measured rather than assumed.

    python benchmarks/themes_eval.py               # the table
    python benchmarks/themes_eval.py --sweep       # model threshold sweep
    python benchmarks/themes_eval.py --scale 100000  # timing on N passages
    python benchmarks/themes_eval.py --errors      # every wrong theme, with why
    python benchmarks/themes_eval.py --errors --half tune   # only the tuning half

Tuning is decided on half the gold documents and scored on the other half
too, so the table shows how much of a gain is tuning: documents in name
order, alternately "tune" (1st, 3rd, ...) and "held-out" (2nd, 4th, ...).

Gold lines: {"file", "themes"} for a document; {"file", "text", "themes"}
for a finding, where text is a substring of the finding's sentence.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from evidence.errors import ReaderError  # noqa: E402
from evidence.passages import make_passages  # noqa: E402
from evidence.readers import SUPPORTED_EXTENSIONS, read_document  # noqa: E402
from evidence.themes import (  # noqa: E402
    assign_themes,
    document_themes,
    finding_themes,
    load_taxonomy,
)
from evidence.themes.model import DEFAULT_THRESHOLD  # noqa: E402
from evidence.themes.seeds import matcher_for  # noqa: E402

_SPACE = re.compile(r"\s+")


@lru_cache(maxsize=1)
def _sentencizer() -> Any:
    """The pipeline's own sentence splitter (blank English + sentencizer)."""
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def sentences(text: str) -> list[str]:
    return [squash(s.text) for s in _sentencizer()(text).sents if s.text.strip()]


def squash(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def load_corpus(folder: Path) -> dict[str, list[Any]]:
    """File name -> passages, for every readable file of the corpus."""
    corpus: dict[str, list[Any]] = {}
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() not in SUPPORTED_EXTENSIONS:
            continue
        try:
            raw = read_document(path)
        except ReaderError as exc:
            print(f"skipped {path.name}: {exc}", file=sys.stderr)
            continue
        corpus[path.name] = make_passages(path.stem, raw.blocks)
    return corpus


def load_gold(path: Path) -> tuple[dict[str, set[str]], list[dict[str, Any]]]:
    documents: dict[str, set[str]] = {}
    findings: list[dict[str, Any]] = []
    for number, line in enumerate(
        path.read_text(encoding="utf-8").splitlines(), start=1
    ):
        if not line.strip():
            continue
        item = json.loads(line)
        if "text" in item:
            findings.append({**item, "line": number})
        else:
            documents[item["file"]] = set(item["themes"])
    return documents, findings


def sentence_of(passage_text: str, snippet: str) -> str | None:
    """The sentence of the passage holding ``snippet`` (whitespace-insensitive)."""
    needle = squash(snippet)
    if needle not in squash(passage_text):
        return None
    for sentence in sentences(passage_text):
        if needle in sentence:
            return sentence
    return squash(passage_text)  # the snippet runs over a sentence end


def locate(
    corpus: dict[str, list[Any]], finding: dict[str, Any]
) -> tuple[str, str] | None:
    """(passage_id, sentence) of a gold finding."""
    for passage in corpus.get(finding["file"], []):
        sentence = sentence_of(passage.text, finding["text"])
        if sentence is not None:
            return passage.passage_id, sentence
    return None


def halves(files: list[str]) -> dict[str, str]:
    """File name -> "tune" or "held-out": name order, alternately."""
    return {file: ("tune", "held-out")[i % 2] for i, file in enumerate(sorted(files))}


def score(pairs: list[tuple[set[str], set[str]]]) -> dict[str, float]:
    """Micro P/R/F1 over (item, theme) pairs; macro F1 over themes seen."""
    tp = fp = fn = 0
    per_theme: dict[str, Counter[str]] = {}
    for gold, predicted in pairs:
        for theme in gold | predicted:
            counts = per_theme.setdefault(theme, Counter())
            if theme in gold and theme in predicted:
                tp += 1
                counts["tp"] += 1
            elif theme in predicted:
                fp += 1
                counts["fp"] += 1
            else:
                fn += 1
                counts["fn"] += 1
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    f1s = []
    for counts in per_theme.values():
        denominator = 2 * counts["tp"] + counts["fp"] + counts["fn"]
        f1s.append(2 * counts["tp"] / denominator if denominator else 0.0)
    macro = sum(f1s) / len(f1s) if f1s else 0.0
    return {
        "precision": precision,
        "recall": recall,
        "micro_f1": f1,
        "macro_f1": macro,
        "items": len(pairs),
    }


def evaluate(
    corpus: dict[str, list[Any]],
    gold_docs: dict[str, set[str]],
    gold_findings: list[dict[str, Any]],
    *,
    use_model: bool,
    threshold: float | None = None,
) -> dict[str, Any]:
    taxonomy = load_taxonomy()
    passages = [(p.passage_id, p.text) for plist in corpus.values() for p in plist]
    started = time.perf_counter()
    assigned = assign_themes(
        passages, taxonomy, use_model=use_model, threshold=threshold
    )
    seconds = time.perf_counter() - started
    half_of = halves(list(corpus))
    texts = {p.passage_id: p.text for plist in corpus.values() for p in plist}
    finding_pairs: dict[str, list[tuple[set[str], set[str]]]] = {
        "tune": [],
        "held-out": [],
    }
    errors = []
    for finding in gold_findings:
        found = locate(corpus, finding)
        if found is None:
            raise SystemExit(
                f"gold line {finding['line']}: text not found in {finding['file']}: {finding['text']!r}"
            )
        pid, sentence = found
        predicted = set(finding_themes(sentence, assigned[pid], taxonomy))
        gold = set(finding["themes"])
        finding_pairs[half_of[finding["file"]]].append((gold, predicted))
        if gold != predicted:
            errors.append(
                {
                    "half": half_of[finding["file"]],
                    "file": finding["file"],
                    "line": finding["line"],
                    "sentence": sentence,
                    "passage": texts[pid],
                    "gold": gold,
                    "predicted": predicted,
                    "scores": assigned[pid],
                    "own": matcher_for(taxonomy).match(sentence),
                }
            )
    doc_pairs = []
    for file, gold in sorted(gold_docs.items()):
        predicted = set(document_themes(assigned[p.passage_id] for p in corpus[file]))
        doc_pairs.append((gold, predicted))
        if gold != predicted:
            errors.append(
                {
                    "half": half_of[file],
                    "file": file,
                    "line": 0,
                    "sentence": "(document)",
                    "passage": "",
                    "gold": gold,
                    "predicted": predicted,
                    "scores": [],
                    "own": {},
                }
            )
    return {
        "findings": score(finding_pairs["tune"] + finding_pairs["held-out"]),
        "tune": score(finding_pairs["tune"]),
        "held-out": score(finding_pairs["held-out"]),
        "documents": score(doc_pairs),
        "seconds": seconds,
        "passages": len(passages),
        "errors": errors,
    }


def coverage(
    corpus: dict[str, list[Any]], corpus_gold: Path, gold_findings: list[dict[str, Any]]
) -> str:
    """How many recommendations and figures of corpus.jsonl have gold themes.

    A corpus finding is covered when a gold theme line points at the same
    sentence of the same passage.
    """
    if not corpus_gold.is_file():
        return "corpus.jsonl not found: coverage not checked"
    themed = {locate(corpus, g) for g in gold_findings}
    covered = total = 0
    missing = []
    for line in corpus_gold.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        if item.get("kind") not in ("recommendation", "figure"):
            continue
        total += 1
        if locate(corpus, item) in themed:
            covered += 1
        else:
            missing.append(f"  {item['file']}: {squash(item.get('text', ''))[:100]}")
    report = f"gold themes cover {covered} of {total} recommendations and figures in corpus.jsonl"
    return "\n".join([report, *sorted(set(missing))])


def synthetic(
    corpus: dict[str, list[Any]], size: int, seed: int = 0
) -> list[tuple[str, str]]:
    """``size`` passages of corpus-like text: sentences of the corpus, reshuffled."""
    rng = random.Random(seed)
    pool = [
        s
        for plist in corpus.values()
        for p in plist
        for s in sentences(p.text)
        if len(s) > 20
    ]
    return [
        (f"s{i:07d}", " ".join(rng.choice(pool) for _ in range(rng.randint(2, 5))))
        for i in range(size)
    ]


def print_error(error: dict[str, Any]) -> None:
    """One wrong finding: what was wrong, the sentence, the passage and why each theme came."""
    gold, predicted = error["gold"], error["predicted"]
    wrong = [f"+{t}" for t in sorted(predicted - gold)] + [
        f"-{t}" for t in sorted(gold - predicted)
    ]
    where = f"line {error['line']}" if error["line"] else "document"
    print(
        f"  [{error['half']}] {error['file']} {where}: {' '.join(wrong)}  (gold {sorted(gold)})"
    )
    print(f"    sentence: {error['sentence']}")
    if error["passage"] and squash(error["passage"]) != error["sentence"]:
        print(f"    passage:  {squash(error['passage'])}")
    for s in error["scores"]:
        print(f"      passage {s.theme} {s.score} {s.reason}")
    for theme, hit in sorted(error["own"].items()):
        print(
            f"      sentence {theme}: strong {sorted(hit.strong)} weak {sorted(hit.weak)}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    parser.add_argument(
        "--gold", type=Path, default=ROOT / "benchmarks" / "gold" / "themes.jsonl"
    )
    parser.add_argument(
        "--sweep", action="store_true", help="score the model at several thresholds"
    )
    parser.add_argument(
        "--scale",
        type=int,
        default=0,
        help="time assignment on this many synthetic passages",
    )
    parser.add_argument(
        "--errors", action="store_true", help="list findings and documents scored wrong"
    )
    parser.add_argument(
        "--half",
        choices=("all", "tune", "held-out"),
        default="all",
        help="which documents --errors lists",
    )
    args = parser.parse_args()

    corpus = load_corpus(args.corpus)
    gold_docs, gold_findings = load_gold(args.gold)
    print(coverage(corpus, args.gold.parent / "corpus.jsonl", gold_findings))
    print(
        f"{len(corpus)} documents, {sum(map(len, corpus.values()))} passages; "
        f"gold: {len(gold_docs)} documents, {len(gold_findings)} findings"
    )
    for half in ("tune", "held-out"):
        print(
            f"{half}: "
            + ", ".join(f for f, h in halves(list(corpus)).items() if h == half)
        )
    print(f"{'run':<22}{'level':<11}{'P':>7}{'R':>7}{'micro-F1':>10}{'macro-F1':>10}")
    runs = [
        ("seed terms", False, None),
        (f"seed + model @{DEFAULT_THRESHOLD}", True, None),
    ]
    results = {}
    for name, use_model, threshold in runs:
        result = evaluate(
            corpus, gold_docs, gold_findings, use_model=use_model, threshold=threshold
        )
        results[name] = result
        for level in ("findings", "tune", "held-out", "documents"):
            s = result[level]
            print(
                f"{name:<22}{level:<11}{s['precision']:>7.3f}{s['recall']:>7.3f}{s['micro_f1']:>10.3f}{s['macro_f1']:>10.3f}"
            )
    if args.errors:
        for name, result in results.items():
            print(f"\nerrors, {name}:")
            for error in result["errors"]:
                if args.half != "all" and error["half"] != args.half:
                    continue
                print_error(error)
    if args.sweep:
        print("\nthreshold sweep (seed + model, findings / documents):")
        for threshold in (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7):
            result = evaluate(
                corpus, gold_docs, gold_findings, use_model=True, threshold=threshold
            )
            f, d = result["findings"], result["documents"]
            print(
                f"  {threshold:.2f}  P {f['precision']:.3f} R {f['recall']:.3f} F1 {f['micro_f1']:.3f}"
                f"  |  P {d['precision']:.3f} R {d['recall']:.3f} F1 {d['micro_f1']:.3f}"
            )
    if args.scale:
        passages = synthetic(corpus, args.scale)
        words = sum(len(text.split()) for _, text in passages)
        taxonomy = load_taxonomy()
        for use_model in (False, True):
            started = time.perf_counter()
            assign_themes(passages, taxonomy, use_model=use_model)
            seconds = time.perf_counter() - started
            label = "seed + model" if use_model else "seed terms"
            print(
                f"{label}: {len(passages)} passages ({words} words) in {seconds:.1f} s"
            )


if __name__ == "__main__":
    main()
