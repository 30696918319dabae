"""Every spaCy factory of ours, registered here with a versioned name.

Importing this module is what makes ``nlp.add_pipe("evidence_figures_v1")``
work; :mod:`evidence.nlp.pipeline` adds them in ``COMPONENTS`` order.
"""

from __future__ import annotations

from spacy.language import Language

from .claims import ClaimFinder
from .figures import FiguresComponent
from .organisations import OrganisationTagger
from .quotes import QuoteFinder
from .recommendations import RecommendationFinder


# spaCy forbids "." in factory names (error E853), so the versioned name
# "evidence.figures.v1" of the design is spelled with underscores.
@Language.factory("evidence_figures_v1")
def make_figures(nlp: Language, name: str) -> FiguresComponent:
    """Money, percentages, ratios, counts and durations as ``doc.spans["figures"]``."""
    return FiguresComponent(nlp, name)


@Language.factory("evidence_organisations_v1")
def make_organisations(nlp: Language, name: str) -> OrganisationTagger:
    """Organisation mentions with canonical names as ``doc.spans["orgs"]`` (not exported)."""
    return OrganisationTagger(nlp, name)


@Language.factory("evidence_quotes_v1")
def make_quotes(nlp: Language, name: str) -> QuoteFinder:
    """Quoted words with speaker and role as ``doc.spans["quotes"]``."""
    return QuoteFinder(nlp, name)


@Language.factory("evidence_recommendations_v1")
def make_recommendations(nlp: Language, name: str) -> RecommendationFinder:
    """Who asks whom to do what, as ``doc.spans["recommendations"]``; reads orgs and quotes."""
    return RecommendationFinder(nlp, name)


@Language.factory("evidence_claims_v1")
def make_claims(nlp: Language, name: str) -> ClaimFinder:
    """Findings and judgements as ``doc.spans["claims"]``; reads figures and recommendations."""
    return ClaimFinder(nlp, name)


COMPONENTS: tuple[tuple[str, str], ...] = ()
COMPONENTS += (("evidence_figures", "evidence_figures_v1"),)
COMPONENTS += (
    ("evidence_organisations", "evidence_organisations_v1"),
    ("evidence_quotes", "evidence_quotes_v1"),
    ("evidence_recommendations", "evidence_recommendations_v1"),
    ("evidence_claims", "evidence_claims_v1"),
)
