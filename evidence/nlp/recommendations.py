"""Recommendations: who asks whom to do what.

Reports ask in a handful of ways: "The NAO recommends that DHSC works with
...", "DHSC should also publish ...", "We call on the government to ...",
"There is a need for ...", a numbered recommendation, a list after "leaders
want to see:", a speaker urging action inside a quotation. Each becomes a
span over its sentence (or list item) with ``actor`` (who asks: a named body,
else the document's author), ``target`` (the first body named as the one to
act, else None) and ``action`` (what should be done).

Statements of duty ("each ICB must have 10 members"), forecasts ("ICBs will
need to ..."), reports of past requests ("The PAC said DHSC should ...") and
questions are not recommendations. "must" only asks inside a recommendations
section, a numbered recommendation or a quotation.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc, Span

from .doc_text import doc_facts, doc_text
from .organisations import PATTERNS_DIR, fold, org_mentions, orgs_in_text
from .quotes import quote_orgs

RECOMMENDATION_GROUP = "recommendations"
RECOMMENDATION_LABEL = "RECOMMENDATION"

#: context keys carried between passages of one document
LAST_TARGET = "last_target"
REC_LIST = "recommendation_list"
REC_SECTION = "recommendation_section"
RESPONDING_TO = "responding_to"
_SENTENCES_KEY = "evidence.sentences"

_ADVERBS = (
    r"(?:also|then|now|urgently|therefore|still|all|both|jointly|each|together|first|further|immediately|"
    r"clearly|as a priority|at least|in turn|as a matter of urgency|instead|thus|equally|quickly|,)"
)
_BOUNDARY = re.compile(
    r"[;:\u2013\u2014]\s*|,\s*(?:and|but|so|while|whereas|although|because|which|who)\s+|"
    r"\b(?:that|whether|which|who|where|if|unless|when|because|so)\s+",
    re.I,
)
_WE = re.compile(r"^(?:we|i|our\s+\w+(?:\s+\w+)?)$", re.I)
_LEADING_CONNECTIVE = re.compile(r"^(?:and|but|so|however|therefore|moreover|finally|in particular|in addition|crucially)\b[\s,]*", re.I)


@dataclass(frozen=True)
class Recommendation:
    """One request: who asks, whom, what."""

    actor: str | None
    target: str | None
    action: str | None

    def finding(self) -> dict[str, Any]:
        return {"actor": self.actor, "target": self.target, "action": self.action}


@dataclass(frozen=True)
class _Cues:
    modal: re.Pattern[str]
    must: re.Pattern[str]
    not_after_modal: re.Pattern[str]
    future_before: re.Pattern[str]
    ask: re.Pattern[str]
    recommend: re.Pattern[str]
    need: re.Pattern[str]
    list_intro: re.Pattern[str]
    reported: re.Pattern[str]
    section_headings: tuple[str, ...]
    prefixes: tuple[re.Pattern[str], ...]
    pronouns: frozenset[str]
    subject_bodies: dict[str, str]
    subject_determiners: re.Pattern[str]
    responding_types: frozenset[str]
    max_action_words: int
    any_cue: re.Pattern[str]


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


@lru_cache(maxsize=1)
def _cues() -> _Cues:
    data = json.loads((PATTERNS_DIR / "recommendations.json").read_text(encoding="utf-8"))
    return _Cues(
        modal=re.compile(rf"\b(?:{_alternation(data['modals'])})\b", re.I),
        must=re.compile(rf"\b(?:{_alternation(data['modals'] + data['context_only_modals'])})\b", re.I),
        not_after_modal=re.compile(
            rf"^\s*(?:{_ADVERBS}\s+)*(?:{_alternation(data['not_after_modal'])}|{'|'.join(data['not_after_modal_patterns'])})\b", re.I
        ),
        future_before=re.compile(rf"\b(?:{_alternation(data['future_markers'])})\s+(?:{_ADVERBS}\s+)*$", re.I),
        ask=re.compile(
            rf"(?P<subject>^|[^,;:]*?)\b(?P<verb>(?:{_alternation(data['ask_verbs'])}))\s+(?P<rest>.+)$", re.I
        ),
        recommend=re.compile(rf"\b(?P<verb>{_alternation(data['recommend_verbs'])})\s+(?:that\s+)?", re.I),
        need=re.compile(rf"\b(?:{_alternation(data['need_phrases'])})\s+", re.I),
        list_intro=re.compile(rf"\b(?:{_alternation(data['list_intro_cues'])})\b", re.I),
        reported=re.compile(rf"\b(?:{_alternation(data['reported_speech'])})\b", re.I),
        section_headings=tuple(fold(h) for h in data["section_headings"]),
        prefixes=tuple(re.compile(p, re.I if "Recommendation" in p else 0) for p in data["numbered_prefixes"]),
        pronouns=frozenset(data["pronouns"]),
        subject_bodies=dict(data["subject_bodies"]),
        subject_determiners=re.compile(rf"^(?:(?:{_alternation(data['subject_determiners'])})\s+)+", re.I),
        responding_types=frozenset(data["responding_doc_types"]),
        max_action_words=int(data["max_action_words"]),
        any_cue=_any_cue(data),
    )


_FILLER = frozenset("is are am was be would there what the a an to on upon that of for i we strongly also further going see".split())


def _any_cue(data: dict[str, Any]) -> re.Pattern[str]:
    """One lowercase pattern of the words every cue needs: a sentence without any is skipped at once."""
    phrases = data["modals"] + data["context_only_modals"] + data["ask_verbs"] + data["recommend_verbs"] + data["need_phrases"]
    words = sorted({w for p in phrases for w in p.lower().split() if w not in _FILLER}, key=len, reverse=True)
    return re.compile(rf"\b(?:{'|'.join(map(re.escape, words))})\b")


def _action(text: str, limit: int) -> str | None:
    """The requested deed: the clause after the modal, short and without end punctuation."""
    text = re.sub(rf"^[\s,]*(?:{_ADVERBS}[\s,]+)*", "", text)
    text = re.sub(r"^\s*to\s+", "", text)
    text = re.split(r"\s*[;:]\s+|\s+\u2013\s+|\s+\u2014\s+|\s*\(", text, maxsplit=1)[0]
    text = _TRAILING_CLAUSE.split(text, maxsplit=1)[0]
    words = text.split()
    if not words:
        return None
    return " ".join(words[:limit]).rstrip(" .,;:\u201d\"")


_TRAILING_CLAUSE = re.compile(
    r",\s+(?:rather than|not only|not just|so that|so they|as the first step|as a first step|which|who|whose|"
    r"in order to|to ensure|building on|given)\b"
)


def _base_verb(action: str | None) -> str | None:
    """"DHSC works with ..." asks DHSC to "work with ...": the verb without its third-person -s."""
    if not action:
        return action
    first, _, rest = action.partition(" ")
    if not first.islower() or len(first) < 4 or first.endswith(("ss", "us", "is")):
        base = first
    elif first.endswith(("shes", "ches", "sses", "xes", "zes")):
        base = first[:-2]
    elif first.endswith("ies"):
        base = first[:-3] + "y"
    elif first.endswith("s"):
        base = first[:-1]
    else:
        base = first
    return f"{base} {rest}" if rest else base


@dataclass
class _Sentence:
    """A sentence being read: its text (list label removed) and the bodies it names."""

    text: str
    orgs: list[tuple[int, int, str]]
    actor: str | None  # whose request this is when no body is named as asking
    may_must: bool
    in_quote: bool
    last_target: str | None


class RecommendationFinder:
    """Writes ``doc.spans["recommendations"]`` (one span per sentence or list item)."""

    def __init__(self, nlp: Language, name: str = "evidence_recommendations") -> None:
        self.name = name
        self._cues = _cues()

    # -- pipeline entry ---------------------------------------------------

    def __call__(self, doc: Doc) -> Doc:
        context, passage = doc_facts(doc)
        kind = passage.get("kind", "paragraph")
        spans: list[Span] = []
        whole = doc_text(doc)
        if kind == "heading":
            context[REC_SECTION] = self._is_section(whole)
            context.pop(REC_LIST, None)
            doc.spans[RECOMMENDATION_GROUP] = spans
            return doc
        heading = passage.get("heading")
        in_section = self._is_section(heading) if heading else bool(context.get(REC_SECTION))
        rec_list = context.pop(REC_LIST, None) if kind == "list_item" else None
        context.pop(REC_LIST, None)
        if rec_list is not None and not self._continues_list(whole):
            rec_list = None
        elif rec_list is not None and not _ends_open(whole):
            context[REC_LIST] = rec_list if whole.strip()[:1].isupper() else None
        elif rec_list is not None:
            context[REC_LIST] = rec_list
        if context.get(REC_LIST) is None:
            context.pop(REC_LIST, None)
        doc_org = self._responding_to(context) or context.get("doc_org")
        orgs = org_mentions(doc)
        quotes = quote_orgs(doc)
        sentences = sentence_spans(doc)
        for index, sent in enumerate(sentences):
            in_quote, speaker_org = _quote_at(sent.start_char, sent.end_char, quotes)
            raw = whole[sent.start_char: sent.end_char]
            text, numbered = self._strip_label(raw)
            lead = len(raw) - len(text)
            local = [
                (s - sent.start_char - lead, e - sent.start_char - lead, name)
                for s, e, name in orgs
                if s >= sent.start_char + lead and e <= sent.end_char
            ]
            actor = (speaker_org or doc_org) if in_quote else doc_org
            if rec_list is not None:
                actor = rec_list.get("actor") or actor
            sentence = _Sentence(
                text=text.strip(),
                orgs=local,
                actor=actor,
                may_must=in_section or numbered or in_quote or rec_list is not None,
                in_quote=in_quote,
                last_target=context.get(LAST_TARGET),
            )
            is_intro = index == len(sentences) - 1 and sentence.text.endswith(":")
            if not is_intro and rec_list is None and self._cues.any_cue.search(sentence.text.lower()) is None:
                continue
            if is_intro:
                intro = self._intro(sentence)
                if intro is not None:
                    context[REC_LIST] = intro
                    continue
            found = self.read(sentence)
            if found is None and rec_list is not None and index == 0:
                target = rec_list.get("target")
                item = text.strip()
                if target is None and local and len(text[: local[0][0]].split()) <= 1:
                    target = local[0][2]  # "We recommend that:" / "NHS England strengthens ..."
                    item = _base_verb(_action(text[_end_of_group(text, local):], self._cues.max_action_words)) or item
                if target is None:
                    target = self._subject_body(" ".join(text.split()[:3]), prefix_only=True)
                    if target is not None:
                        item = _base_verb(" ".join(self._cues.subject_determiners.sub("", item).split()[1:])) or item
                found = Recommendation(
                    actor=actor,
                    target=target,
                    action=_action(item, self._cues.max_action_words),
                )
            if found is None:
                continue
            if found.target:
                context[LAST_TARGET] = found.target
            if kind == "list_item" and len(sentences) > 1 and index == 0:
                span = Span(doc, 0, len(doc), label=RECOMMENDATION_LABEL)
                span._.finding = {**found.finding(), "_text": whole.strip()}
                spans.append(span)
                break
            span = Span(doc, sent.start, sent.end, label=RECOMMENDATION_LABEL)
            span._.finding = found.finding()
            spans.append(span)
        doc.spans[RECOMMENDATION_GROUP] = spans
        return doc

    # -- reading one sentence ---------------------------------------------

    def read(self, s: _Sentence) -> Recommendation | None:
        """The recommendation a sentence makes, or None."""
        text = s.text
        if not text or text.endswith("?"):
            return None
        for rule in (self._recommend, self._ask, self._need, self._modal):
            found = rule(s)
            if found is not None:
                return found
        return None

    def _recommend(self, s: _Sentence) -> Recommendation | None:
        match = self._cues.recommend.search(s.text)
        if match is None:
            return None
        subject = s.text[: match.start()]
        if self._cues.reported.search(subject):
            return None
        subject_orgs = [o for o in s.orgs if o[1] <= match.start()]
        if fold(match.group("verb")).endswith("recommended to"):
            # "The Committee is recommended to note ...": the subject is asked
            if not subject_orgs:
                return None
            target = _first_of_last_group(s.text, subject_orgs)
            return Recommendation(actor=s.actor, target=target, action=_action(s.text[match.end():], self._cues.max_action_words))
        if subject_orgs:
            actor = subject_orgs[0][2]
        elif len(_strip_connective(subject).split()) <= 3:
            actor = s.actor  # "We recommend", "It is recommended that", "Officers recommend"
        else:
            return None
        rest_start = match.end()
        after = [o for o in s.orgs if o[0] >= rest_start]
        target = None
        action_from = rest_start
        if after and len(s.text[rest_start: after[0][0]].split()) <= 2:
            target = after[0][2]
            action_from = _end_of_group(s.text, after)
            action_text = s.text[action_from:]
            more = self._cues.must.search(action_text)
            if more is not None and len(action_text[: more.start()].split()) <= 6:
                action_from += more.end()
        else:
            first = s.text[rest_start:].split(" ", 1)[0].lower()
            if first in self._cues.pronouns and s.last_target:
                target = s.last_target
                action_from = rest_start + len(first)
        if match.group("verb").lower().endswith(("suggest", "suggests", "propose", "proposes")) and target is None:
            return None
        action = _action(s.text[action_from:], self._cues.max_action_words)
        return Recommendation(actor=actor, target=target, action=_base_verb(action) if target else action)

    def _ask(self, s: _Sentence) -> Recommendation | None:
        for clause_start, clause in _clauses(s.text):
            match = self._cues.ask.match(clause)
            if match is None:
                continue
            subject = _strip_connective(match.group("subject").strip(" ,"))
            verb = fold(match.group("verb"))
            subject_orgs = [o for o in s.orgs if clause_start <= o[0] and o[1] <= clause_start + match.start("verb")]
            if _WE.match(subject):
                actor = s.actor
            elif subject_orgs and len(subject.split()) <= 8 and not self._cues.reported.search(subject):
                actor = subject_orgs[0][2]
            else:
                continue
            rest_start = clause_start + match.start("rest")
            rest = s.text[rest_start:]
            if rest.rstrip().endswith(":") and len(rest.split()) <= 6:
                return None
            after = [o for o in s.orgs if o[0] >= rest_start]
            target = None
            action_from = rest_start
            if after and len(s.text[rest_start: after[0][0]].split()) <= 3:
                target = after[0][2]
                action_from = after[0][1]
            seeing = verb.endswith("see") or verb == "would like"
            to = re.match(r"[^.;:]{0,80}?\bto\s+(?=\w)", s.text[action_from:])
            if not seeing:
                if to is None or (target is None and not verb.startswith(("call", "urge", "ask", "encourage", "invite", "challenge"))):
                    continue
                action_from += to.end()
            elif target is None and verb in ("need", "needs"):
                continue
            return Recommendation(actor=actor, target=target, action=_action(s.text[action_from:], self._cues.max_action_words))
        return None

    def _need(self, s: _Sentence) -> Recommendation | None:
        match = self._cues.need.search(s.text)
        if match is None:
            return None
        if self._cues.reported.search(s.text[: match.start()]):
            return None
        after = [o for o in s.orgs if o[0] >= match.end()]
        target = None
        action_from = match.end()
        if after and len(s.text[match.end(): after[0][0]].split()) <= 1:
            to = re.match(r"\s*(?:,\s*)?to\s+", s.text[after[0][1]:])
            if to is not None:
                target = after[0][2]
                action_from = after[0][1] + to.end()
        return Recommendation(actor=s.actor, target=target, action=_action(s.text[action_from:], self._cues.max_action_words))

    def _modal(self, s: _Sentence) -> Recommendation | None:
        pattern = self._cues.must if s.may_must else self._cues.modal
        for match in pattern.finditer(s.text):
            before = s.text[: match.start()]
            after = s.text[match.end():]
            if self._cues.not_after_modal.match(after) or self._cues.future_before.search(before):
                continue
            clause_start = _clause_start(before)
            subject = _subject(before[clause_start:])
            if not subject or len(subject.split()) > 12:
                continue
            subject_start = clause_start + before[clause_start:].rfind(subject)
            if self._cues.reported.search(before[:subject_start]) and not s.may_must:
                continue
            if self._cues.reported.search(subject):
                continue
            subject_orgs = [o for o in s.orgs if subject_start <= o[0] and o[1] <= match.start()]
            action = _action(after, self._cues.max_action_words)
            passive = re.match(rf"\s*(?:{_ADVERBS}\s+)*(?:be|not)\b", after, re.I) is not None
            bare = fold(re.sub(r"^(?:the|this)\s+", "", subject, flags=re.I))
            if subject_orgs:
                return Recommendation(actor=s.actor, target=_first_of_last_group(s.text, subject_orgs), action=action)
            if bare in self._cues.pronouns and not passive:
                earlier = [o for o in s.orgs if o[1] <= subject_start]
                target = earlier[0][2] if earlier else s.last_target  # "If the government ..., it should"
                if target is not None:
                    return Recommendation(actor=s.actor, target=target, action=action)
            body = self._subject_body(subject)
            if body is not None:
                return Recommendation(actor=s.actor, target=body, action=action)
            if _WE.match(bare):
                if s.in_quote and not passive:
                    return Recommendation(actor=s.actor, target=None, action=action)
                continue
            if passive and s.may_must and bare not in self._cues.pronouns:
                return Recommendation(actor=s.actor, target=None, action=action)
        return None

    # -- helpers ------------------------------------------------------------

    def _intro(self, s: _Sentence) -> dict[str, str | None] | None:
        """Actor and target the items of a list introduced by this sentence inherit.

        None when the sentence does not introduce recommendations ("Each ICB
        must have at least:" lists members, it asks nothing).
        """
        found = self.read(_Sentence(
            text=s.text.rstrip(":") + " act.",
            orgs=s.orgs,
            actor=s.actor,
            may_must=s.in_quote,
            in_quote=s.in_quote,
            last_target=s.last_target,
        ))
        if found is not None:
            return {"actor": found.actor, "target": found.target}
        match = self._cues.list_intro.search(s.text)
        if match is None:
            return None
        subject_orgs = [o for o in s.orgs if o[1] <= match.start()]
        return {"actor": subject_orgs[0][2] if subject_orgs else s.actor, "target": None}

    def _subject_body(self, subject: str, prefix_only: bool = False) -> str | None:
        """The kind of body a bare subject names: "Every system" -> integrated care systems."""
        words = self._cues.subject_determiners.sub("", fold(subject)).replace(" themselves", "").split()
        if not words:
            return None
        if prefix_only:
            return self._cues.subject_bodies.get(words[0]) if subject.split()[0].lower() != words[0] else None
        return self._cues.subject_bodies.get(" ".join(words))

    def _responding_to(self, context: dict[str, Any]) -> str | None:
        """In a government response, the committee whose recommendations it restates (from the title)."""
        if context.get("doc_type") not in self._cues.responding_types:
            return None
        if RESPONDING_TO not in context:
            title = context.get("doc_title") or ""
            others = [o for o in orgs_in_text(title) if o not in (context.get("doc_org"), "government")]
            context[RESPONDING_TO] = others[0] if others else None
        return context[RESPONDING_TO]

    def _continues_list(self, text: str) -> bool:
        """A list item still belongs to an introduced list: one sentence, not a new paragraph of argument."""
        text = text.strip()
        return bool(text) and len(text.split()) <= 60 and len(_SENTENCE_BREAK.findall(text)) == 0

    def _strip_label(self, text: str) -> tuple[str, bool]:
        """The sentence without a list label, and whether it was "Recommendation N:"."""
        for prefix in self._cues.prefixes:
            match = prefix.match(text)
            if match is not None:
                return text[match.end():], "Recommendation" in prefix.pattern
        return text, False

    def _is_section(self, heading: str | None) -> bool:
        if not heading:
            return False
        folded = fold(heading)
        return any(cue in folded for cue in self._cues.section_headings)


_SENTENCE_BREAK = re.compile(r"[.!?][\u201d\"]?\s+[A-Z\u201c]")


def _ends_open(text: str) -> bool:
    """An item ending in ';' or ',' (or 'and'/'or') leaves its list open for more items."""
    return re.search(r"(?:[;,]|\b(?:and|or))\s*$", text.strip()) is not None


def sentence_spans(doc: Doc) -> list[Span]:
    """The sentences of ``doc``, found once from the SENT_START array and kept on the doc.

    Iterating ``doc.sents`` builds a Token for every word each time it is
    called; the statement components all need the sentences, so this is
    what keeps them fast.
    """
    cached = doc.user_data.get(_SENTENCES_KEY)
    if cached is not None and cached[0] == len(doc):
        return cached[1]
    if not len(doc):
        return []
    flags = doc.to_array(SENT_START).tolist()
    starts = [0] + [i for i, flag in enumerate(flags) if flag == 1 and i > 0]
    ends = starts[1:] + [len(doc)]
    spans = [Span(doc, start, end) for start, end in zip(starts, ends)]
    doc.user_data[_SENTENCES_KEY] = (len(doc), spans)
    return spans


def _quote_at(start: int, end: int, quotes: list[tuple[int, int, str | None]]) -> tuple[bool, str | None]:
    for q_start, q_end, org in quotes:
        if q_start < end and start < q_end:
            return True, org
    return False, None


def _first_of_last_group(text: str, orgs: list[tuple[int, int, str]]) -> str:
    """The first body of the run of bodies nearest the verb: "NHSE and DHSC need to" -> NHSE,
    "The Health Foundation believes NHS England should" -> NHS England."""
    first = len(orgs) - 1
    while first > 0 and re.fullmatch(r"(?:\s|,|&|\band\b|\bor\b|\bthe\b)*", text[orgs[first - 1][1]: orgs[first][0]], re.I):
        first -= 1
    return orgs[first][2]


def _end_of_group(text: str, orgs: list[tuple[int, int, str]]) -> int:
    """Where the run of bodies starting at ``orgs[0]`` ends: "NHS England and DHSC set out" -> after DHSC."""
    last = 0
    while last + 1 < len(orgs) and re.fullmatch(r"(?:\s|,|&|\band\b|\bor\b|\bthe\b)*", text[orgs[last][1]: orgs[last + 1][0]], re.I):
        last += 1
    return orgs[last][1]


def _clauses(text: str) -> list[tuple[int, str]]:
    """(offset, clause) pieces split at semicolons and colons, the sentence first."""
    pieces = [(0, text)]
    for match in re.finditer(r"[;:]\s+", text):
        pieces.append((match.end(), text[match.end():]))
    return pieces


def _clause_start(before: str) -> int:
    start = 0
    for match in _BOUNDARY.finditer(before):
        start = match.end()
    return start


def _strip_connective(text: str) -> str:
    return _LEADING_CONNECTIVE.sub("", text.strip()).strip(" ,")


def _subject(clause: str) -> str:
    """The subject of a modal: the last comma piece, extended over a list of names."""
    pieces = [p.strip() for p in clause.split(",")]
    subject = pieces[-1]
    for piece in reversed(pieces[:-1]):
        if piece and len(piece.split()) <= 6 and piece[:1].isupper() and not re.search(r"\b(?:to|in|for|by|with)\b", piece, re.I):
            subject = piece + ", " + subject
        else:
            break
    subject = re.sub(rf"(?:\s+{_ADVERBS})+$", "", subject, flags=re.I)
    return _strip_connective(subject)
