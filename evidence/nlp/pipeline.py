"""The one spaCy pipeline: built once, run over passages with ``nlp.pipe``.

Components write their results as span groups on the Doc, one group per
finding kind (the kind's ``span_group`` in :data:`evidence.kinds.KINDS`:
``doc.spans["figures"]`` ...), each span carrying the kind-specific export
fields in ``span._.finding``. ``findings_from_doc`` turns those into
:class:`~evidence.models.Finding` objects; nothing else needs to know how a
component works.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from ..errors import EvidenceError
from ..kinds import KINDS
from ..models import Finding
from . import factories

#: (pipe name, factory name) added after the sentencizer, in order.
COMPONENTS: tuple[tuple[str, str], ...] = factories.COMPONENTS

_FINDING_KEY = "evidence.finding"


# spaCy's stubs type Doc.user_data as dict[str, Any], but spaCy's own
# extensions key it by tuples, as these do.
def _get_finding(span: Span) -> dict[str, Any] | None:
    key = (_FINDING_KEY, span.label_, span.start_char, span.end_char)
    return span.doc.user_data.get(key)  # type: ignore[call-overload]


def _set_finding(span: Span, value: dict[str, Any] | None) -> None:
    key = (_FINDING_KEY, span.label_, span.start_char, span.end_char)
    span.doc.user_data[key] = value  # type: ignore[index]


if not Span.has_extension("finding"):
    # Keyed by label as well as offsets: a claim sentence that is nothing but
    # a figure must not overwrite the figure's fields (plain span extensions
    # are keyed by offsets alone).
    Span.set_extension("finding", getter=_get_finding, setter=_set_finding)
if not Doc.has_extension("context"):
    # One dict shared by every passage of a document (doc_org, doc_title,
    # doc_type), processed in order, so a component may carry state from one
    # passage to the next (e.g. the target of "It should then publish ...").
    Doc.set_extension("context", default=None)
if not Doc.has_extension("passage"):
    # Facts about this passage alone: heading, kind ("list_item", ...), page.
    Doc.set_extension("passage", default=None)


def build_pipeline(model: str | None = None) -> Language:
    """Blank English plus our rule components; a trained pipeline adds to them.

    With ``model`` (e.g. ``en_core_web_sm``) its tagger, parser and NER run
    first and our components can use their output; without it nothing beyond
    spaCy itself is needed.
    """
    if model:
        try:
            nlp = spacy.load(model)
        except OSError as exc:
            raise EvidenceError(
                f"cannot load spaCy pipeline {model!r}",
                hint=f"install it first (python -m spacy download {model}) or leave out --model",
            ) from exc
    else:
        nlp = spacy.blank("en")
    if (
        "sentencizer" not in nlp.pipe_names
        and "parser" not in nlp.pipe_names
        and "senter" not in nlp.pipe_names
    ):
        nlp.add_pipe("sentencizer")
    for name, factory in COMPONENTS:
        if name not in nlp.pipe_names:
            nlp.add_pipe(factory, name=name)
    return nlp


def make_docs(
    nlp: Language,
    items: Iterable[tuple[str, dict[str, Any]]],
    context: dict[str, Any] | None = None,
) -> Iterator[Doc]:
    """Tokenise each (text, passage facts) pair of one document.

    Every Doc gets the same ``context`` dict (document facts plus whatever the
    components carry between passages) and its own passage facts. Run the
    result through ``nlp.pipe`` in order.
    """
    shared: dict[str, Any] = context if context is not None else {}
    for text, facts in items:
        doc = nlp.make_doc(text)
        doc._.context = shared
        doc._.passage = facts
        yield doc


def findings_from_doc(doc: Doc) -> list[Finding]:
    """Every finding the components left on ``doc``, in a stable order.

    A span group is read for each registered kind; at one place, findings
    come in the registry's order of kinds.
    """
    found: list[Finding] = []
    order: dict[str, int] = {}
    for kind in KINDS:
        order[kind.name] = len(order)
        if kind.span_group not in doc.spans:
            continue
        for span in doc.spans[kind.span_group]:
            data = dict(span._.finding or {})
            sentence = data.pop("_text", None)
            if sentence is None:
                sentence = _sentence_text(span)
            # A component may give exact character offsets where the span had
            # to grow to token boundaries (two figures in one token: "£5m/£6m").
            start = data.pop("_start", span.start_char)
            end = data.pop("_end", span.end_char)
            found.append(
                Finding(kind=kind.name, start=start, end=end, text=sentence, data=data)
            )
    found.sort(key=lambda f: (f.start, f.end, order[f.kind]))
    return found


def _sentence_text(span: Span) -> str:
    try:
        return span.sent.text.strip()
    except ValueError:  # no sentence boundaries set
        return span.doc.text.strip()
