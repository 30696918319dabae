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

    def __init__(self, nlp: Language, name: str = "evidence_claims") -> None:
        self.name = name
        self._cues = _cues()

    def __call__(self, doc: Doc) -> Doc:
        context, passage = doc_facts(doc)
        kind = passage.get("kind", "paragraph")
        spans: list[Span] = []
        doc.spans[CLAIM_GROUP] = spans
        if kind == "heading":
            context[_BOILERPLATE] = self._boilerplate_heading(doc_text(doc))
            return doc
        heading = passage.get("heading")
        if (
            kind == "table_row"
            or self._boilerplate_heading(heading)
            or context.get(_BOILERPLATE)
        ):
            return doc
        text = doc_text(doc)
        if self._boilerplate_heading(text[:40]) and len(text) < 60:
            context[_BOILERPLATE] = True  # "Notes to editors" set as a paragraph
            return doc
        lowered = (
            text.lower()
        )  # cue patterns are lowercase: far faster than re.I on long alternations
        if (
            self._cues.boilerplate.search(lowered) or len(text) < 12
        ) and self._is_boilerplate(text):
            return doc
        figures = (
            [(s.start_char, s.end_char) for s in doc.spans[FIGURE_GROUP]]
            if FIGURE_GROUP in doc.spans
            else []
        )
        taken = (
            [(s.start_char, s.end_char) for s in doc.spans[RECOMMENDATION_GROUP]]
            if RECOMMENDATION_GROUP in doc.spans
            else []
        )
        quotes = quote_orgs(doc)
        speakers = (
            [
                (span.start_char, span.end_char, (span._.finding or {}).get("speaker"))
                for span in doc.spans[QUOTE_GROUP]
            ]
            if quotes and QUOTE_GROUP in doc.spans
            else []
        )
        orgs: list[tuple[int, int, str]] | None = None
        for sent in sentence_spans(doc):
            start, end = sent.start_char, sent.end_char
            sentence = text[start:end].strip()
            if sentence.endswith("?") or len(sentence.split()) < self._cues.min_words:
                continue
            if len(_LOWER_WORD.findall(sentence)) < 3:
                continue  # a title, address or byline line, not a statement
            if any(s < end and start < e for s, e in taken):
                continue
            has_figure = any(start <= s and e <= end for s, e in figures)
            hedged = self._cues.hedge.search(sentence) is not None
            if (
                not has_figure
                and not hedged
                and self._cues.claim.search(lowered, start, end) is None
            ):
                continue
            if orgs is None:
                orgs = org_mentions(doc)
            claim = {
                "attributed_to": self._attribution(
                    sent, orgs, quotes, speakers, context.get("doc_org")
                ),
                "hedged": hedged,
            }
            span = Span(doc, sent.start, sent.end, label=CLAIM_LABEL)
            span._.finding = claim
            spans.append(span)
        doc.spans[CLAIM_GROUP] = spans
        return doc

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
