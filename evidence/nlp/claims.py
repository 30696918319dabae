"""Claims: the findings and judgements a briefing would cite.

A sentence is a claim when it carries a figure (read from the "figures" span
group when the figure component ran) or when it reports a finding, states a
risk, judges how well something works or says what causes what (cue lists
in ``patterns/claims.json``). Headings, questions, recommendations and
publisher boilerplate ("About us", "Notes to editors", contact lines) are
not claims. Each claim is attributed to the body it cites ("according to the
NAO", "the NHS Confederation's survey found"), a quoted speaker's body, or
the document's author, and marked hedged when it says may, might, could,
likely, suggests or appears.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..kinds import CLAIM, FIGURE
from .doc_text import doc_facts, doc_text
from .organisations import fold, org_mentions
from .patterns import alternation, load_patterns
from .quotes import QUOTE_GROUP, quote_orgs
from .recommendations import RECOMMENDATION_GROUP, sentence_spans

CLAIM_GROUP = CLAIM.span_group
CLAIM_LABEL = "CLAIM"
FIGURE_GROUP = FIGURE.span_group
#: context key: the passages since the last heading are publisher boilerplate
_BOILERPLATE = "boilerplate_section"
_LOWER_WORD = re.compile(r"\b[a-z][a-z'\u2019-]+\b")


def _cue_pattern(words: list[str]) -> str:
    """Whole-word alternation for word cues, plain substrings for symbols such as "@"."""
    plain = [w for w in words if re.fullmatch(r"[\w' ]+", w)]
    symbols = [w for w in words if w not in plain]
    parts = [rf"\b(?:{alternation(plain)})\b"] if plain else []
    if symbols:
        parts.append(alternation(symbols))
    return "|".join(parts)


@dataclass(frozen=True)
class _Cues:
    claim: re.Pattern[str]
    hedge: re.Pattern[str]
    attribution_verb: re.Pattern[str]
    attribution_phrase: re.Pattern[str]
    boilerplate_headings: tuple[str, ...]
    boilerplate: re.Pattern[str]
    min_words: int


@lru_cache(maxsize=1)
def _cues() -> _Cues:
    data = load_patterns("claims.json")
    cues = (
        data["finding_cues"]
        + data["risk_cues"]
        + data["evaluative_cues"]
        + data["causal_cues"]
    )
    return _Cues(
        claim=re.compile(rf"\b(?:{alternation([c.lower() for c in cues])})\b"),
        hedge=re.compile(rf"\b(?:{alternation(data['hedges'])})\b"),
        attribution_verb=re.compile(
            rf"^(?:['\u2019]s?\s+(?:\w+\s+){{0,2}})?\s*(?:has\s+|have\s+)?(?:{alternation(data['attribution_verbs'])})\b"
        ),
        attribution_phrase=re.compile(
            rf"\b(?:{alternation(data['attribution_phrases'])})\s+(?:the\s+)?$", re.I
        ),
        boilerplate_headings=tuple(fold(h) for h in data["boilerplate_headings"]),
        boilerplate=re.compile(
            _cue_pattern([c.lower() for c in data["boilerplate_cues"]])
        ),
        min_words=int(data["min_words"]),
    )


class ClaimFinder:
    """Writes ``doc.spans["claims"]``: one span per claim sentence."""

    def __init__(
        self,
        nlp: Language,
        name: str = "evidence_claims",
        *,
        spans_key: str = CLAIM_GROUP,
    ) -> None:
        self.name = name
        self.spans_key = spans_key
        self._cues = _cues()

    def __call__(self, doc: Doc) -> Doc:
        context, passage = doc_facts(doc)
        spans: list[Span] = []
        doc.spans[self.spans_key] = spans
        if self._holds_no_claims(doc, context, passage):
            return doc
        text = doc_text(doc)
        # cue patterns are lowercase: far faster than re.I on long alternations
        lowered = text.lower()
        figures = _offsets(doc, FIGURE_GROUP)
        taken = _offsets(doc, RECOMMENDATION_GROUP)
        quotes = quote_orgs(doc)
        speakers = _speakers(doc) if quotes else []
        orgs: list[tuple[int, int, str]] | None = None
        for sent in sentence_spans(doc):
            start, end = sent.start_char, sent.end_char
            sentence = text[start:end].strip()
            if not self._is_statement(sentence, start, end, taken):
                continue
            hedged = self._cues.hedge.search(sentence) is not None
            if not (
                hedged
                or any(start <= s and e <= end for s, e in figures)
                or self._cues.claim.search(lowered, start, end) is not None
            ):
                continue
            if orgs is None:
                orgs = org_mentions(doc)
            span = Span(doc, sent.start, sent.end, label=CLAIM_LABEL)
            span._.finding = {
                "attributed_to": self._attribution(
                    sent, orgs, quotes, speakers, context.get("doc_org")
                ),
                "hedged": hedged,
            }
            spans.append(span)
        doc.spans[self.spans_key] = spans
        return doc

    def _holds_no_claims(
        self, doc: Doc, context: dict[str, Any], passage: dict[str, Any]
    ) -> bool:
        """Passages read for nothing: headings, table rows and publisher boilerplate.

        A heading opens (or ends) a boilerplate section ("About us", "Notes
        to editors"), remembered in the context for the passages under it; a
        short paragraph that is such a heading opens one too. Table rows are
        data, the figure component's to read. Contact lines and "X is an
        independent charity" self-descriptions are boilerplate wherever
        they stand.
        """
        kind = passage.get("kind", "paragraph")
        if kind == "heading":
            context[_BOILERPLATE] = self._boilerplate_heading(doc_text(doc))
            return True
        if (
            kind == "table_row"
            or self._boilerplate_heading(passage.get("heading"))
            or context.get(_BOILERPLATE)
        ):
            return True
        text = doc_text(doc)
        if self._boilerplate_heading(text[:40]) and len(text) < 60:
            context[_BOILERPLATE] = True  # "Notes to editors" set as a paragraph
            return True
        return bool(
            self._cues.boilerplate.search(text.lower()) or len(text) < 12
        ) and self._is_boilerplate(text)

    def _is_statement(
        self, sentence: str, start: int, end: int, taken: list[tuple[int, int]]
    ) -> bool:
        """A sentence that may state a finding, before its cues are read.

        Not a question; not shorter than ``min_words``; at least three
        lower-case words (a title, address or byline line has fewer); and
        not a recommendation already (a sentence is one finding).
        """
        return not (
            sentence.endswith("?")
            or len(sentence.split()) < self._cues.min_words
            or len(_LOWER_WORD.findall(sentence)) < 3
            or any(s < end and start < e for s, e in taken)
        )

    def _attribution(
        self,
        sent: Span,
        orgs: list[tuple[int, int, str]],
        quotes: list[tuple[int, int, str | None]],
        speakers: list[tuple[int, int, Any]],
        doc_org: str | None,
    ) -> str | None:
        """The body a claim cites, a quoted speaker's body, or the document's author."""
        text = doc_text(sent.doc)
        start, end = sent.start_char, sent.end_char
        for o_start, o_end, name in orgs:
            if not (start <= o_start and o_end <= end):
                continue
            if self._cues.attribution_phrase.search(
                text[max(start, o_start - 40) : o_start]
            ):
                return name
            if self._cues.attribution_verb.match(text[o_end : min(end, o_end + 40)]):
                return name
        for (q_start, q_end, org), (_, _, speaker) in zip(quotes, speakers):
            if q_start < end and start < q_end:
                return org or speaker
        return doc_org

    def _boilerplate_heading(self, heading: str | None) -> bool:
        if not heading:
            return False
        folded = fold(heading)
        return any(folded.startswith(cue) for cue in self._cues.boilerplate_headings)

    def _is_boilerplate(self, text: str) -> bool:
        """Contact lines and "X is an independent charity" self-descriptions, not findings."""
        if fold(text).strip(" -*") == "ends":
            return True
        hits = len(self._cues.boilerplate.findall(text.lower()))
        return hits >= 2 or len(text.split()) <= 25 or text.lower().startswith("about ")


def _offsets(doc: Doc, group: str) -> list[tuple[int, int]]:
    """Character bounds of the spans another component left in ``group`` (none if it did not run)."""
    return (
        [(s.start_char, s.end_char) for s in doc.spans[group]]
        if group in doc.spans
        else []
    )


def _speakers(doc: Doc) -> list[tuple[int, int, Any]]:
    """Bounds and speaker of each quote span, in the order of ``quote_orgs``."""
    if QUOTE_GROUP not in doc.spans:
        return []
    return [
        (span.start_char, span.end_char, (span._.finding or {}).get("speaker"))
        for span in doc.spans[QUOTE_GROUP]
    ]
