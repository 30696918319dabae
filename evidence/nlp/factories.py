"""Every spaCy factory of ours, registered here with a versioned name.

Importing this module is what makes ``nlp.add_pipe("evidence.figures.v1")``
work; :mod:`evidence.nlp.pipeline` adds them in ``COMPONENTS`` order.
"""

from __future__ import annotations

from spacy.language import Language

from .figures import FiguresComponent


# spaCy forbids "." in factory names (error E853), so the versioned name
# "evidence.figures.v1" of the design is spelled with underscores.
@Language.factory("evidence_figures_v1")
def make_figures(nlp: Language, name: str) -> FiguresComponent:
    """Money, percentages, ratios, counts and durations as ``doc.spans["figures"]``."""
    return FiguresComponent(nlp, name)


COMPONENTS: tuple[tuple[str, str], ...] = ()
COMPONENTS += (("evidence_figures", "evidence_figures_v1"),)
