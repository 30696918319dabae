"""Test-wide settings and the spaCy pipelines tests share.

Under CI (``CI`` set, as ``.ci/run`` runs) Hypothesis draws the same examples
on every run and keeps no example database, so a fresh clone is green or red
for the code it holds, not for what an earlier run happened to find.

The pipelines are built once per session: no component keeps state between
documents (a document's context travels with it), so tests cannot see each
other through them.
"""

from __future__ import annotations

import os

import pytest
import spacy
from hypothesis import settings
from spacy.language import Language

settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(scope="session")
def nlp() -> Language:
    """The full pipeline ingest runs, the very one ``analyse`` uses."""
    from evidence.analyse import default_pipeline

    return default_pipeline()


def _blank(*components: str) -> Language:
    """A sentencizer and only the named finding components (``figures`` -> evidence_figures_v1)."""
    import evidence.nlp.pipeline  # noqa: F401  (registers factories and span extensions)

    pipeline = spacy.blank("en")
    pipeline.add_pipe("sentencizer")
    for name in components:
        pipeline.add_pipe(f"evidence_{name}_v1", name=f"evidence_{name}")
    return pipeline


@pytest.fixture(scope="session")
def figures_nlp() -> Language:
    """Figures alone: the other components' spans would share the figure spans'
    ``_.finding`` (span extensions are keyed by character offsets)."""
    return _blank("figures")


@pytest.fixture(scope="session")
def quotes_nlp() -> Language:
    """Only what quotes read: sentences and organisation mentions."""
    return _blank("organisations", "quotes")
