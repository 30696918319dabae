"""Every spaCy factory of ours, registered here with a versioned name.

Importing this module is what makes ``nlp.add_pipe("evidence_figures_v1")``
work; :mod:`evidence.nlp.pipeline` adds them in ``COMPONENTS`` order.

Each factory takes its settings as keyword-only arguments with a
``default_config`` (as spaCy's own ``span_ruler`` does), so a pipeline saved
with ``nlp.to_disk`` records them in its ``config.cfg`` and ``spacy.load``
rebuilds it (once this module is imported). The one setting is
``spans_key``, the span group a component writes: the rest of the package
reads the default groups, so change it only in a pipeline of your own.

``assigns`` and ``requires`` declare what a component writes and what it
reads when an earlier component set it, for ``nlp.analyze_pipes()``: every
component writes its spans and their ``span._.finding`` fields; the
statement components read sentence starts (a sentencizer, parser or
senter) and the spans of the components before them. None of them needs
sentence starts or earlier spans to run: without them a passage is one
sentence and the organisations are found again. The per-document state in
``doc._.context`` and ``doc._.passage`` is set by
:func:`~evidence.nlp.pipeline.make_docs`, not by a component.

No component learns from the documents it reads (lexicons are package data
under ``patterns/``, acronyms a document defines live in ``doc._.context``),
so there is nothing for ``to_disk``/``from_disk`` to save.
"""

from __future__ import annotations

from spacy.language import Language

from .claims import CLAIM_GROUP, ClaimFinder
from .figures import FIGURE_GROUP, FiguresComponent
from .organisations import ORG_GROUP, OrganisationTagger
from .quotes import QUOTE_GROUP, QuoteFinder
from .recommendations import RECOMMENDATION_GROUP, RecommendationFinder

#: What every component writes.
_ASSIGNS = ["doc.spans", "span._.finding"]
#: Sentence starts, read by the components that work sentence by sentence.
_SENTENCES = "token.is_sent_start"


# spaCy forbids "." in factory names (error E853), so the versioned name
# "evidence.figures.v1" of the design is spelled with underscores.
@Language.factory(
    "evidence_figures_v1",
    assigns=_ASSIGNS,
    requires=[_SENTENCES],
    default_config={"spans_key": FIGURE_GROUP},
)
def make_figures(nlp: Language, name: str, *, spans_key: str) -> FiguresComponent:
    """Money, percentages, ratios, counts and durations as ``doc.spans["figures"]``.

    Sentences bound the search for a figure's period ("in 2023/24").
    """
    return FiguresComponent(nlp, name, spans_key=spans_key)


@Language.factory(
    "evidence_organisations_v1",
    assigns=_ASSIGNS,
    default_config={"spans_key": ORG_GROUP},
)
def make_organisations(
    nlp: Language, name: str, *, spans_key: str
) -> OrganisationTagger:
    """Organisation mentions with canonical names as ``doc.spans["orgs"]`` (not exported)."""
    return OrganisationTagger(nlp, name, spans_key=spans_key)


@Language.factory(
    "evidence_quotes_v1",
    assigns=_ASSIGNS,
    default_config={"spans_key": QUOTE_GROUP},
)
def make_quotes(nlp: Language, name: str, *, spans_key: str) -> QuoteFinder:
    """Quoted words with speaker and role as ``doc.spans["quotes"]``."""
    return QuoteFinder(nlp, name, spans_key=spans_key)


@Language.factory(
    "evidence_recommendations_v1",
    assigns=_ASSIGNS,
    requires=[_SENTENCES, "doc.spans"],
    default_config={"spans_key": RECOMMENDATION_GROUP},
)
def make_recommendations(
    nlp: Language, name: str, *, spans_key: str
) -> RecommendationFinder:
    """Who asks whom to do what, as ``doc.spans["recommendations"]``; reads orgs and quotes."""
    return RecommendationFinder(nlp, name, spans_key=spans_key)


@Language.factory(
    "evidence_claims_v1",
    assigns=_ASSIGNS,
    requires=[_SENTENCES, "doc.spans"],
    default_config={"spans_key": CLAIM_GROUP},
)
def make_claims(nlp: Language, name: str, *, spans_key: str) -> ClaimFinder:
    """Findings and judgements as ``doc.spans["claims"]``; reads figures and recommendations."""
    return ClaimFinder(nlp, name, spans_key=spans_key)


COMPONENTS: tuple[tuple[str, str], ...] = ()
COMPONENTS += (("evidence_figures", "evidence_figures_v1"),)
COMPONENTS += (
    ("evidence_organisations", "evidence_organisations_v1"),
    ("evidence_quotes", "evidence_quotes_v1"),
    ("evidence_recommendations", "evidence_recommendations_v1"),
    ("evidence_claims", "evidence_claims_v1"),
)
