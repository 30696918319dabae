"""Evaluate figure extraction against peer test data and the corpus gold.

Part 1 reads the peer-written cases in ``<repo>/../shared/eval/figures``
(``--eval-dir`` to point elsewhere; the data is never copied into the
project). Only kinds listed in a line's ``scope`` are compared; lines with
flags that a UK extractor rejects by design are left out and counted. Spans
match on character overlap; values are compared on matched pairs.

Part 2 reads every corpus file with ``evidence.readers.read_document``, runs
the pipeline on each block and matches figures to ``benchmarks/gold/
corpus.jsonl`` lines of kind "figure" by file + surface (whitespace
normalised) + the gold text lying inside the block; gold "not_figure" lines
that were extracted are reported.

    python benchmarks/figures_eval.py [--eval-dir DIR] [--gold FILE] [--json]
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DEFAULT_EVAL_DIR = REPO.parent / "shared" / "eval" / "figures"
DEFAULT_GOLD = REPO / "benchmarks" / "gold" / "corpus.jsonl"
DEFAULT_CORPUS = REPO / "corpus"

#: our figure_kind -> the peer data's kind
PEER_KIND = {
    "money": "money",
    "percent": "percent",
    "ratio": "ratio",
    "count": "number",
    "duration": "number",
}
#: line flags for cases a UK policy-document extractor rejects by design
DROPPED_FLAGS = frozenset(
    {
        "identifier_or_address",
        "date",
        "pronoun_or_idiom_one",
        "indian_numbering",
        "decimal_comma",
        "numeral_inside_money_expression",
        "vague_quantifier",
        "slash_fraction_could_be_date",
        "not_verified_by_any_implementation",
    }
)
KINDS = ("money", "percent", "ratio", "number")
_WS = re.compile(r"\s+")


def norm(text: str) -> str:
    """Whitespace-normalised text for comparing surfaces."""
    return _WS.sub(
        " ", text.replace("\u00a0", " ").replace("\u2009", " ").replace("\u202f", " ")
    ).strip()


def value_ok(kind: str, expected: float, got: float | None) -> bool:
    """Relative tolerance 1e-6, or 0.0005 absolute for ratios."""
    if got is None:
        return False
    if kind == "ratio":
        return abs(expected - got) <= 0.0005
    return math.isclose(expected, got, rel_tol=1e-6, abs_tol=1e-9)


class Tally:
    """True/false positives and negatives plus value checks, by key."""

    def __init__(self) -> None:
        self.tp: dict[str, int] = defaultdict(int)
        self.fp: dict[str, int] = defaultdict(int)
        self.fn: dict[str, int] = defaultdict(int)
        self.values: dict[str, int] = defaultdict(int)
        self.values_ok: dict[str, int] = defaultdict(int)

    def scores(self, key: str) -> dict[str, float | int | None]:
        tp, fp, fn = self.tp[key], self.fp[key], self.fn[key]
        precision = tp / (tp + fp) if tp + fp else None
        recall = tp / (tp + fn) if tp + fn else None
        f1 = (
            2 * precision * recall / (precision + recall)
            if precision is not None and recall is not None and precision + recall
            else (0.0 if precision is not None and recall is not None else None)
        )
        accuracy = self.values_ok[key] / self.values[key] if self.values[key] else None
        return {
            "tp": tp,
            "fp": fp,
            "fn": fn,
            "precision": _r(precision),
            "recall": _r(recall),
            "f1": _r(f1),
            "value_n": self.values[key],
            "value_accuracy": _r(accuracy),
        }

    def keys(self) -> list[str]:
        return sorted(set(self.tp) | set(self.fp) | set(self.fn))


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


def figures_pipeline() -> Any:
    """Blank English + sentencizer + figures: what this benchmark measures.

    The other finding components are left out so their spans cannot touch the
    figure spans' ``_.finding`` (span extensions are keyed by character
    offsets, so two spans with the same offsets share one value).
    """
    import spacy

    import evidence.nlp.pipeline  # noqa: F401  (registers the factories and the extension)

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("evidence_figures_v1", name="evidence_figures")
    return nlp


def predicted_figures(nlp: Any, text: str) -> list[dict[str, Any]]:
    """Figures with exact character offsets of their surfaces."""
    doc = nlp(text)
    out = []
    for span in doc.spans.get("figures", []):
        data = dict(span._.finding)
        offset = span.text.find(data["surface"])
        start = span.start_char + max(offset, 0)
        data["start"], data["end"] = start, start + len(data["surface"])
        out.append(data)
    return out


def _expected_span(case_text: str, item: dict[str, Any]) -> tuple[int, int]:
    start = item.get("start")
    if (
        isinstance(start, int)
        and case_text[start : start + len(item["surface"])] == item["surface"]
    ):
        return start, start + len(item["surface"])
    position = norm(case_text).find(norm(item["surface"]))
    if position < 0:
        return -1, -1
    # map the normalised position back approximately: good enough for overlap
    return position, position + len(norm(item["surface"]))


def evaluate_peer(
    nlp: Any, eval_dir: Path, errors: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """Precision/recall/F1 and value accuracy per kind and per source file."""
    by_kind = Tally()
    by_file = Tally()
    by_file_kind = Tally()
    dropped: dict[str, int] = defaultdict(int)
    files = sorted(eval_dir.glob("*.jsonl"))
    for path in files:
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                if not line.strip():
                    continue
                case = json.loads(line)
                flags = {f.split(":")[0] for f in case.get("flags", [])}
                if flags & DROPPED_FLAGS:
                    dropped[path.name] += 1
                    continue
                _score_case(
                    nlp, case, path.name, by_kind, by_file, by_file_kind, errors
                )
    return {
        "kinds": {k: by_kind.scores(k) for k in KINDS if k in by_kind.keys()},
        "all": _overall(by_kind),
        "files": {
            name: {
                "all": by_file.scores(name),
                "kinds": {
                    k.split("|")[1]: by_file_kind.scores(k)
                    for k in by_file_kind.keys()
                    if k.startswith(name + "|")
                },
            }
            for name in by_file.keys()
        },
        "dropped_lines": dict(sorted(dropped.items())),
        "files_read": [p.name for p in files],
    }


def _overall(tally: Tally) -> dict[str, Any]:
    total = Tally()
    for key in tally.keys():
        total.tp["all"] += tally.tp[key]
        total.fp["all"] += tally.fp[key]
        total.fn["all"] += tally.fn[key]
        total.values["all"] += tally.values[key]
        total.values_ok["all"] += tally.values_ok[key]
    return total.scores("all")


def _score_case(
    nlp: Any,
    case: dict[str, Any],
    file_name: str,
    by_kind: Tally,
    by_file: Tally,
    by_file_kind: Tally,
    errors: list[dict[str, Any]] | None,
) -> None:
    scope = set(case.get("scope", []))
    text = case["text"]
    expected = [e for e in case.get("expected", []) if e["kind"] in scope]
    predicted = [
        p for p in predicted_figures(nlp, text) if PEER_KIND[p["figure_kind"]] in scope
    ]
    spans = [_expected_span(text, e) for e in expected]
    used: set[int] = set()

    def add(tally_attr: str, kind: str) -> None:
        for tally, key in (
            (by_kind, kind),
            (by_file, file_name),
            (by_file_kind, f"{file_name}|{kind}"),
        ):
            getattr(tally, tally_attr)[key] += 1

    for e_index, item in enumerate(expected):
        e_start, e_end = spans[e_index]
        match = None
        for p_index, pred in enumerate(predicted):
            if p_index in used or PEER_KIND[pred["figure_kind"]] != item["kind"]:
                continue
            if pred["start"] < e_end and e_start < pred["end"]:
                match = p_index
                break
        if match is None:
            add("fn", item["kind"])
            if errors is not None:
                errors.append(
                    {
                        "id": case["id"],
                        "type": "fn",
                        "text": text,
                        "expected": item["surface"],
                        "kind": item["kind"],
                    }
                )
            continue
        used.add(match)
        add("tp", item["kind"])
        if item.get("value") is not None:
            add("values", item["kind"])
            if value_ok(item["kind"], float(item["value"]), predicted[match]["value"]):
                add("values_ok", item["kind"])
            elif errors is not None:
                errors.append(
                    {
                        "id": case["id"],
                        "type": "value",
                        "text": text,
                        "expected": [item["surface"], item["value"]],
                        "got": [predicted[match]["surface"], predicted[match]["value"]],
                    }
                )
    for p_index, pred in enumerate(predicted):
        if p_index in used:
            continue
        kind = PEER_KIND[pred["figure_kind"]]
        add("fp", kind)
        if errors is not None:
            errors.append(
                {
                    "id": case["id"],
                    "type": "fp",
                    "text": text,
                    "got": pred["surface"],
                    "kind": kind,
                }
            )


def evaluate_gold(
    nlp: Any,
    gold_path: Path,
    corpus_dir: Path,
    errors: list[dict[str, Any]] | None = None,
) -> dict[str, Any] | None:
    """Scores against the project's own corpus gold, or None when it is absent."""
    if not gold_path.is_file():
        return None
    from evidence.nlp.pipeline import make_docs
    from evidence.readers import read_document

    gold_by_file: dict[str, list[dict[str, Any]]] = defaultdict(list)
    not_figures: dict[str, list[dict[str, Any]]] = defaultdict(list)
    with gold_path.open(encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            item = json.loads(line)
            if item.get("kind") == "figure":
                gold_by_file[item["file"]].append(item)
            elif item.get("kind") == "not_figure":
                not_figures[item["file"]].append(item)
    tally = Tally()
    agreement = {
        "period": [0, 0],
        "measure": [0, 0],
    }  # gold lines with the field, exact agreements
    wrongly_extracted: list[dict[str, Any]] = []
    missing_files: list[str] = []
    for name in sorted(set(gold_by_file) | set(not_figures)):
        path = corpus_dir / name
        if not path.is_file():
            missing_files.append(name)
            continue
        raw = read_document(path)
        blocks = [block.text for block in raw.blocks]
        predicted: list[tuple[int, dict[str, Any]]] = []
        items = [
            (block.text, {"kind": block.kind, "page": block.page})
            for block in raw.blocks
        ]
        for b_index, doc in enumerate(nlp.pipe(make_docs(nlp, items, {}))):
            for span in doc.spans.get("figures", []):
                data = dict(span._.finding)
                offset = span.text.find(data["surface"])
                data["_start"] = span.start_char + max(offset, 0)
                data["_end"] = data["_start"] + len(data["surface"])
                predicted.append((b_index, data))
        norm_blocks = [norm(b) for b in blocks]
        used: set[int] = set()
        for item in gold_by_file.get(name, []):
            kind = item.get("figure_kind", "count")
            target = norm(item["surface"])
            context = norm(item["text"])
            match = None
            for p_index, (b_index, pred) in enumerate(predicted):
                if p_index in used or norm(pred["surface"]) != target:
                    continue
                if context in norm_blocks[b_index]:
                    match = p_index
                    break
            if match is None:
                tally.fn[kind] += 1
                if errors is not None:
                    errors.append(
                        {
                            "file": name,
                            "type": "fn",
                            "surface": item["surface"],
                            "text": item["text"],
                        }
                    )
                continue
            used.add(match)
            pred = predicted[match][1]
            tally.tp[kind] += 1
            tally.values[kind] += 1
            fields_ok = (
                value_ok(
                    "ratio" if kind == "ratio" else "x",
                    float(item["value"]),
                    pred["value"],
                )
                and pred["unit"] == item.get("unit")
                and pred["figure_kind"] == kind
                and pred["qualifier"] == item.get("qualifier")
                and _same_optional(item.get("value_max"), pred["value_max"])
            )
            for optional in ("period", "measure"):
                if optional in item:
                    agreement[optional][0] += 1
                    agreement[optional][1] += int(
                        norm(str(item[optional])) == norm(str(pred.get(optional)))
                    )
            if fields_ok:
                tally.values_ok[kind] += 1
            elif errors is not None:
                errors.append(
                    {"file": name, "type": "value", "gold": item, "got": pred}
                )
        for p_index, (b_index, pred) in enumerate(predicted):
            if p_index not in used:
                tally.fp[pred["figure_kind"]] += 1
                if errors is not None:
                    errors.append(
                        {
                            "file": name,
                            "type": "fp",
                            "surface": pred["surface"],
                            "block": blocks[b_index][:160],
                        }
                    )
        for item in not_figures.get(name, []):
            hit = _not_figure_hit(item, blocks, predicted)
            if hit is not None:
                wrongly_extracted.append(
                    {
                        "file": name,
                        "surface": item.get("surface"),
                        "got": hit,
                        "text": item["text"],
                    }
                )
    return {
        "kinds": {k: tally.scores(k) for k in tally.keys()},
        "all": _overall(tally),
        "optional_fields_agreement": {
            k: {"gold_lines": v[0], "exact": v[1]} for k, v in agreement.items()
        },
        "not_figures": sum(len(v) for v in not_figures.values()),
        "not_figures_extracted": wrongly_extracted,
        "missing_files": missing_files,
    }


def _not_figure_hit(
    item: dict[str, Any], blocks: list[str], predicted: list[tuple[int, dict[str, Any]]]
) -> str | None:
    """The surface of a figure extracted over a gold not-figure, if any."""
    surface = item.get("surface") or ""
    for b_index, block in enumerate(blocks):
        context = block.find(item["text"])
        if context < 0 or not surface:
            continue
        position = block.find(surface, context)
        if position < 0 or position >= context + len(item["text"]):
            continue
        for p_block, pred in predicted:
            if (
                p_block == b_index
                and pred["_start"] < position + len(surface)
                and position < pred["_end"]
            ):
                return str(pred["surface"])
    return None


def _same_optional(expected: float | None, got: float | None) -> bool:
    if expected is None or got is None:
        return expected is None and got is None
    return math.isclose(float(expected), got, rel_tol=1e-6)


def _table(title: str, rows: Iterable[tuple[str, dict[str, Any]]]) -> str:
    lines = [title, f"  {'':28} {'P':>6} {'R':>6} {'F1':>6} {'value':>6}  tp/fp/fn"]
    for name, s in rows:

        def f(x: float | None) -> str:
            return "   -  " if x is None else f"{x:6.3f}"

        lines.append(
            f"  {name:28} {f(s['precision'])} {f(s['recall'])} {f(s['f1'])} {f(s['value_accuracy'])}"
            f"  {s['tp']}/{s['fp']}/{s['fn']}"
        )
    return "\n".join(lines)


def measure_speed(
    nlp: Any, corpus_dir: Path, *, words: int = 200_000, runs: int = 5
) -> dict[str, Any]:
    """Words per second of the whole pipeline over corpus blocks (median of ``runs``)."""
    import statistics
    import time

    blocks: list[str] = []
    for path in sorted(corpus_dir.iterdir()) if corpus_dir.is_dir() else []:
        try:
            from evidence.readers import read_document

            blocks.extend(block.text for block in read_document(path).blocks)
        except Exception:
            if path.suffix in (".txt", ".md"):
                blocks.extend(
                    p.strip()
                    for p in path.read_text(encoding="utf-8", errors="replace").split(
                        "\n\n"
                    )
                    if p.strip()
                )
    if not blocks:
        return {"error": f"no readable corpus files in {corpus_dir}"}
    per_copy = sum(len(b.split()) for b in blocks)
    texts = blocks * max(1, words // max(per_copy, 1))
    total_words = sum(len(t.split()) for t in texts)
    timings, cpu_timings = [], []
    for _ in range(runs):
        began, began_cpu = time.perf_counter(), time.process_time()
        for _doc in nlp.pipe(texts):
            pass
        timings.append(time.perf_counter() - began)
        cpu_timings.append(time.process_time() - began_cpu)
    median, median_cpu = statistics.median(timings), statistics.median(cpu_timings)
    # CPU time is what one core spends; wall time also counts waiting on a busy machine
    return {
        "words": total_words,
        "passages": len(texts),
        "median_seconds": round(median, 3),
        "words_per_second": int(total_words / median),
        "median_cpu_seconds": round(median_cpu, 3),
        "words_per_cpu_second": int(total_words / median_cpu),
        "pipes": list(nlp.pipe_names),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR)
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument(
        "--errors",
        action="store_true",
        help="list every miss, false alarm and wrong value",
    )
    parser.add_argument(
        "--speed", action="store_true", help="only time the pipeline over the corpus"
    )
    args = parser.parse_args(argv)

    from evidence.nlp.pipeline import build_pipeline

    nlp = figures_pipeline()
    if args.speed:
        speed = {
            "figures": measure_speed(nlp, args.corpus),
            "default": measure_speed(build_pipeline(), args.corpus),
        }
        print(json.dumps(speed, indent=1))
        return 0
    errors: list[dict[str, Any]] | None = [] if args.errors else None
    result: dict[str, Any] = {"peer": None, "gold": None}
    if args.eval_dir.is_dir():
        result["peer"] = evaluate_peer(nlp, args.eval_dir, errors)
    result["gold"] = evaluate_gold(nlp, args.gold, args.corpus, errors)
    if errors is not None:
        result["errors"] = errors
    if args.json:
        json.dump(result, sys.stdout, indent=1, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    peer = result["peer"]
    if peer is None:
        print(f"peer data not found at {args.eval_dir}")
    else:
        print(
            _table("Peer data, by kind", [*peer["kinds"].items(), ("all", peer["all"])])
        )
        for name, data in peer["files"].items():
            print(
                _table(
                    f"{name}", [("all", data["all"]), *sorted(data["kinds"].items())]
                )
            )
        print(f"dropped lines (flags): {peer['dropped_lines']}")
    gold = result["gold"]
    if gold is None:
        print(f"corpus gold not found at {args.gold}")
    else:
        print(
            _table(
                "Corpus gold, by figure_kind (value = all fields right)",
                [*gold["kinds"].items(), ("all", gold["all"])],
            )
        )
        print(
            f"not-figures extracted: {len(gold['not_figures_extracted'])} of {gold['not_figures']}"
        )
        for field, counts in gold["optional_fields_agreement"].items():
            print(
                f"{field}: exact on {counts['exact']} of {counts['gold_lines']} matched gold lines that give one"
            )
        for item in gold["not_figures_extracted"]:
            print(f"  {item['file']}: {item['surface']!r}")
    if errors:
        for error in errors:
            print(json.dumps(error, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
