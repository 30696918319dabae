"""Analyse a piece of text without a store: the findings the pipeline makes.

For quick checks, notebooks and tests: ``analyse("ICSs must save £5.7bn.")``
returns one dict per finding with the finding-level export fields. It knows
nothing about particular finding kinds: whatever the pipeline's components
leave on the Doc is reported.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from spacy.language import Language

from .nlp.pipeline import build_pipeline, findings_from_doc


@lru_cache(maxsize=1)
def default_pipeline() -> Language:
    """The default pipeline, built once per process (building it is slow)."""
    return build_pipeline()


def analyse(text: str, *, nlp: Language | None = None) -> list[dict[str, Any]]:
    """kind, text, start, end and the kind's own fields for every finding in ``text``."""
    pipeline = nlp if nlp is not None else default_pipeline()
    doc = pipeline(text)
    results: list[dict[str, Any]] = []
    for finding in findings_from_doc(doc):
        row: dict[str, Any] = {
            "kind": finding.kind,
            "text": finding.text,
            "start": finding.start,
            "end": finding.end,
        }
        row.update(finding.data)
        results.append(row)
    return results
