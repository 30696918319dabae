"""Recommendations: who asks whom to do what.

A recommendation is a sentence in which the author, or someone the author
reports, asks a body to act. Reports ask in a handful of ways, all read here
with cheap regular expressions over one sentence at a time:

* a subject and a deontic verb: "DHSC should ...", "ICBs must ...", "NHS
  organisations will need to ...", "Systems are expected to ...";
* a speaker recommending: "We recommend that ...", "The NAO recommends that
  DHSC works ...", "ADS Group suggested the Government should ...";
* a speaker asking a body: "We urge/ask/invite/encourage/call on X to ...";
* a call without an addressee: "We continue to call for ...", "There is a
  need for ...";
* a list introduced as recommendations ("leaders want to see:").

Each finding has ``actor`` (who asks: the document's author for its own
voice, the named speaker for a reported one, the committee or inquiry whose
recommendation a government response quotes), ``target`` (every body asked,
canonical names joined by ``TARGET_SEPARATOR``; None when the subject names
no body, "The plan should set out ...") and ``action`` (what is asked).
Pronouns ("they", "it") and generic subjects ("all areas", "every trust")
stand for the last body named or for the group itself.

Not recommendations: an author's own commitments ("We will ...", "we must
..."), a government's replies in a response ("The Government agrees ..."),
criticism of the past ("should
have published"), forecasts ("This should help ..."), questions and advice to
the reader ("should be treated with caution").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc, Span

from ..kinds import RECOMMENDATION
from .doc_text import doc_facts, doc_text
from .organisations import fold, org_mentions, orgs_in_text
from .patterns import alternation, load_patterns
from .quotes import quote_orgs

RECOMMENDATION_GROUP = RECOMMENDATION.span_group
RECOMMENDATION_LABEL = "RECOMMENDATION"
#: how several bodies asked together are written in ``target``
TARGET_SEPARATOR = "; "

#: context keys carried between passages of one document
LAST_SUBJECT = "rec_last_subject"
#: who the sentences before reported speaking, for an "It added ..." (an empty list: a
#: report or speaker nobody named)
LAST_SPEAKER = "rec_last_speaker"
#: whether the remembered subject was the body the last recommendation asked
LAST_ASKED = "rec_last_asked"
REC_LIST = "recommendation_list"
REC_SECTION = "recommendation_section"
DESCRIPTIVE_SECTION = "descriptive_section"
REC_BLOCK = "quoted_recommendation"
RESPONDING_TO = "responding_to"
_SENTENCES_KEY = "evidence.sentences"

_ADVERBS = (
    r"(?:also|then|now|urgently|therefore|still|all|both|jointly|each|together|first|further|immediately|"
    r"clearly|as a priority|at least|in turn|as a matter of urgency|instead|thus|equally|quickly|"
    r"themselves|itself|collectively|again|always|explicitly|continue to|,)"
)
_ADVERB_RUN = re.compile(rf"^(?:[\s,]*{_ADVERBS}(?!\w))*[\s,]*", re.I)
_BOUNDARY = re.compile(
    r"[;:\u2013\u2014]\s*|,\s*(?:and|but|so|while|whereas|although|because|which|who)\s+|"
    r"\b(?:means|meant|implies|implied)\s+(?:that\s+)?|"
    r"\b(?P<word>that|whether|which|who|where|if|unless|when|because|so|what|how|why|while|although|though|as|since|once|until)\s+",
    re.I,
)
_SUBORDINATE = frozenset("whether if unless what how why where when which who".split())
#: past asks that report a recommendation ("The Committee urged ministers to ..."),
#: unlike "asked", "invited" or "expected", which also report instructions
_PAST_URGING = frozenset({"urged", "called on", "called upon"})
#: a capitalised body closing a subject: "the Committee", "the Health Committee"
_TITLED_BODY = re.compile(
    r"(?:^|\s)(?:[Tt]he\s+)?((?:[A-Z][\w'’&-]*\s+){0,2}([A-Z][\w'’-]*))$"
)
#: subordinate clauses that come before the main clause and end at a comma
_OPENERS = frozenset(
    "if unless when where while although though as since once until because that".split()
)
_LEADING_CONNECTIVE = re.compile(
    r"^(?:and|but|so|however|therefore|moreover|finally|in particular|in addition|crucially|subsequently|"
    r"equally|instead|meanwhile|overall|specifically|importantly|first|second|third|firstly|secondly|lastly|then|"
    r"consequently|accordingly|thus|hence|nonetheless|nevertheless|similarly|likewise|again|rather|further|also)\b[\s,]*",
    re.I,
)
_GROUP_GAP = re.compile(
    r"(?:\s|,|&|\band\b|\bor\b|\bthe\b|\bboth\b|\([^()]{0,12}\))*", re.I
)
_TRIM_AFTER_HEAD = re.compile(
    r"\s*(?:\(|\b(?:that|which|who|whose|where|in|within|across|with|at|on|for|to|from|by|under|over|such as|"
    r"including|like|responsible|involved|concerned|[a-z]{3,}ed)\b)",
)
_DEFINITE_NP = re.compile(
    r"\b(?:the|this|that|each|every|a|an)\s+(?P<np>(?:[a-z]|(?<=the )[A-Z](?=[a-z]))[\w-]*(?:\s+(?!of\b|the\b)[a-z][\w-]*){0,3}?"
    r"(?:\s+of\s+[a-z][\w-]*(?:\s+[a-z][\w-]*)?)?)"
    r"(?=\s*[,;.]|\s+(?:it|is|has|was|should|must|will|does|did|can|cannot|could|would|may|might|had)\b)"
)
_INVERSION = re.compile(
    r"\s+(?:that|this|these|those|it|they|we|he|she|the|a|an|any|such|there|you)\b(?!\s*[,.;:])",
    re.I,
)
_CONTRACTION = re.compile(r"['\u2019](?:ll|d|re|ve|s)\b")
#: "response to the X", "the report of the X": X is the body a government response answers
_ANSWERED_BEFORE = re.compile(
    r"\b(?:response\s+to|report\s+(?:of|from|by)|recommendations?\s+(?:of|from|by|made\s+by))\s+(?:the\s+)?$",
    re.I,
)
_ANSWERED_AFTER = re.compile(
    r"['\u2019]s?\s+(?:report|recommendations?|investigation|findings)\b", re.I
)
_PASSIVE_BEFORE = re.compile(
    r"\b(?:be|been|being|is|are|was|were|not|widely|generally)\s+$", re.I
)
_MADE_BY = re.compile(
    r"\b(?:recommendations|suggestions|proposals|asks)\s+(?:\w+\s+)?(?:made|put forward|proposed|offered|given)\s+by\s+"
    r"(?P<who>[^,:;]{2,60}?)\s*(?:,|\b(?:include|included|includes|were|are|was|is)\b|:)",
    re.I,
)
_NOUN_NEED = re.compile(
    r"\b(?:the|a|an|any|no|this|that|their|its|our|his|her)\s+(?:(?:urgent|clear|pressing|real|obvious|growing|ongoing|continuing|same)\s+)?$",
    re.I,
)
_PREPOSITION = re.compile(
    r"(?i)(?:in|at|on|for|with|by|as|from|under|within|across|through|via|including)\b"
)
_NOT_A_NAME_START = frozenset(
    "rather given despite although though unlike like as if when while since because following beyond besides moreover "
    "however furthermore further instead subsequently overall finally crucially importantly where whilst once unless".split()
)
_BULLET = re.compile(
    r"\s*(?:[\u2022\u25cf\u25aa\u25e6\u2023\u2013*-]|\(?[a-z0-9]{1,2}[.)])\s+\S"
)
_SENTENCE_LIKE = re.compile(r"(?=(?:\S+\s+){7})[^\n]*[a-z][^\n]*[.;:]\s*$", re.S)
_RUN_ON = re.compile(
    r"(?<=[a-z0-9)])\s+(?=(?:The|This|These|Those|Any|All|Each|Every|Our|We)\s)"
)
_QUOTE_CHARS = "\"'\u201c\u201d\u2018\u2019"
#: where a second clause with its own subject may start: "X should ..., and Y should ..."
_SECOND_CLAUSE = re.compile(
    r"(?:,\s*(?:and|but|while|whilst|whereas)|;\s*(?:and)?)\s+", re.I
)
#: a body's document speaking for the body: "the Committee's latest report said"
_BODYS_DOCUMENT = re.compile(
    r"['\u2019]?s?\s+(?:[\w-]+\s+){0,3}?(?:report|review|study|analysis|findings|survey|inquiry|audit|"
    r"submission|response|evidence|paper|statement|briefing|letter|guidance|investigation)",
    re.I,
)
#: a quantity that "needs to be done" asks nobody: "much more", "a great deal", "far more work"
_QUANTITY = re.compile(
    r"(?:(?:much|far|a\s+lot|a\s+great\s+deal|a\s+good\s+deal|lots|so\s+much|still|even|considerably|"
    r"significantly|substantially|yet)\s+)*(?:more|much|a\s+lot|lots|a\s+great\s+deal|a\s+good\s+deal|"
    r"something|little|less|plenty|everything(?:\s+possible)?)(?:\s+(?:work|action|still))?",
    re.I,
)
#: what a body owns, after its name: "'s budget", "'s own plans"
_OWNED = re.compile(r"['\u2019]s?\s+(?:[\w-]+\s+){0,2}?([a-z][\w-]*)", re.I)
_BE_DONE = re.compile(r"^\s*(?:still\s+|yet\s+)?be\s+done\b", re.I)
#: a sentence about a document nobody is named as writing: "The inquiry report found ..."
_UNNAMED_DOCUMENT = re.compile(
    r"^(?:the|a|an)\s+(?:[\w-]+\s+){0,3}?(?:report|review|inquiry|study|paper|survey|investigation|audit|analysis)\b",
    re.I,
)
_OWN_DOCUMENT = re.compile(
    r"^(?:this|our)\s+(?:[\w-]+\s+){0,2}?(?:report|review|study|paper)\b", re.I
)


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
    not_after_modal: re.Pattern[str]
    epistemic: re.Pattern[str]
    stative: re.Pattern[str]
    not_before_need: re.Pattern[str]
    recommend: re.Pattern[str]
    ask: re.Pattern[str]
    call_for: re.Pattern[str]
    passive: re.Pattern[str]
    need: re.Pattern[str]
    list_intro: re.Pattern[str]
    reporting_end: re.Pattern[str]
    reporting_inside: re.Pattern[str]
    judging: re.Pattern[str]
    section_headings: tuple[str, ...]
    descriptive_headings: tuple[str, ...]
    prefixes: tuple[re.Pattern[str], ...]
    reply_opener: re.Pattern[str]
    reporting_heads: tuple[str, ...]
    pronouns: frozenset[str]
    demonstratives: frozenset[str]
    we_words: frozenset[str]
    determiners: re.Pattern[str]
    body_nouns: frozenset[str]
    speaker_nouns: frozenset[str]
    subject_bodies: dict[str, str]
    responding_types: frozenset[str]
    max_action_words: int
    any_cue: re.Pattern[str]


@lru_cache(maxsize=1)
def _cues() -> _Cues:
    data = load_patterns("recommendations.json")
    modals = data["modals"] + data["body_only_modals"]
    return _Cues(
        modal=re.compile(rf"\b(?P<modal>{alternation(modals)})\b", re.I),
        not_after_modal=re.compile(
            rf"^\s*(?:{_ADVERBS}\s+)*(?:{alternation(data['not_after_modal'])}|{'|'.join(data['not_after_modal_patterns'])})\b",
            re.I,
        ),
        epistemic=re.compile(
            rf"^\s*(?:{_ADVERBS}\s+)*(?:not\s+)?(?:{alternation(data['epistemic_after_modal'])})\b",
            re.I,
        ),
        stative=re.compile(
            rf"^\s*(?:{_ADVERBS}\s+)*(?:{alternation(data['stative_after_must'])})\b",
            re.I,
        ),
        not_before_need=re.compile(
            rf"\b(?:{alternation(data['not_before_need'])})\s+(?:{_ADVERBS}\s+)*$",
            re.I,
        ),
        recommend=re.compile(
            rf"\b(?P<verb>{alternation(data['recommend_verbs'])})\b(?:\s+(?:strongly|further|also|therefore|again|instead|now))*"
            rf"(?:\s*,)?(?:\s+that\b)?\s*",
            re.I,
        ),
        ask=re.compile(
            rf"\b(?P<verb>{alternation(data['ask_verbs'] + ['urged', 'asked', 'invited', 'encouraged', 'challenged', 'requested'])})\b"
            rf"(?:\s+and\s+(?!to\b)[a-z]+)?\s+(?=\S)",
            re.I,
        ),
        call_for=re.compile(rf"\b(?P<verb>{alternation(data['call_for'])})\b\s*", re.I),
        passive=re.compile(
            rf"\b(?:(?P<aux>is|are|am|remain|remains|being)|(?P<with>with)\s+(?P<np>(?:every|each|all|the|some|most)\s+[\w-]+(?:\s+[\w-]+){{0,3}}?))\s+"
            rf"(?:(?:also|now|strongly|therefore|further|again|still|all|each|being|,)\s+)*"
            rf"(?P<verb>{alternation(data['passive_asks'])})\s+to\s+(?=[a-z])",
            re.I,
        ),
        need=re.compile(rf"\b(?:{alternation(data['need_phrases'])})\s+", re.I),
        list_intro=re.compile(rf"\b(?:{alternation(data['list_intro_cues'])})\b", re.I),
        reporting_end=re.compile(
            rf"\b(?P<verb>{alternation(data['reporting_verbs'])})\b(?:[^.;:]{{0,60}}?\bthat)?[\s,{_QUOTE_CHARS}]*$",
            re.I,
        ),
        reporting_inside=re.compile(
            rf"\b(?P<verb>{alternation(data['reporting_verbs'])})\s+(?!(?i:to|by|in|on|at|for|with|that|this|it|we|they)\b)(?=[A-Za-z])"
        ),
        judging=re.compile(rf"\b(?:{alternation(data['judging_verbs'])})\b", re.I),
        section_headings=tuple(fold(h) for h in data["section_headings"]),
        descriptive_headings=tuple(fold(h) for h in data["descriptive_headings"]),
        prefixes=tuple(
            re.compile(p, re.I if "Recommendation" in p else 0)
            for p in data["numbered_prefixes"]
        ),
        reply_opener=re.compile(
            rf"^\s*(?:{alternation(data['reply_openers'])})\b\s*(?:[:.\u2013\u2014-]|$)",
            re.I,
        ),
        reporting_heads=tuple(data["reporting_heads"]),
        pronouns=frozenset(data["pronouns"]),
        demonstratives=frozenset(data["demonstratives"]),
        we_words=frozenset(data["we_words"]),
        determiners=re.compile(
            rf"^(?:(?:{alternation(data['determiners'])})\s+)+", re.I
        ),
        body_nouns=frozenset(data["body_nouns"]),
        speaker_nouns=frozenset(data["speaker_nouns"]),
        subject_bodies=dict(data["subject_bodies"]),
        responding_types=frozenset(data["responding_doc_types"]),
        max_action_words=int(data["max_action_words"]),
        any_cue=_any_cue(data),
    )


_FILLER = frozenset(
    "is are am was be would there what the a an to on upon that of for i we strongly also further going see will".split()
)


def _any_cue(data: dict[str, Any]) -> re.Pattern[str]:
    """One lowercase pattern of the words every cue needs: a sentence without any is skipped at once."""
    phrases = (
        data["modals"]
        + data["body_only_modals"]
        + data["ask_verbs"]
        + data["recommend_verbs"]
        + data["need_phrases"]
        + data["call_for"]
        + data["passive_asks"]
        + ["urged", "asked", "invited", "encouraged"]
    )
    words = {w for p in phrases for w in p.lower().split() if w not in _FILLER}
    return re.compile(rf"\b(?:{alternation(words)})\b")


# -- small text helpers ---------------------------------------------------------


_TRAILING_CLAUSE = re.compile(
    r",\s+(?:rather than|not only|not just|so that|so they|as the first step|as a first step|which|who|whose|"
    r"in order to|to ensure|building on|given|particularly|especially)\b"
)


def _action(text: str, limit: int) -> str | None:
    """The requested deed: the clause after the verb of asking, short and without end punctuation."""
    text = re.sub(
        r"^\s*,[^,;:]{1,60},\s*", "", text
    )  # "should, within three months, remind ...": the aside is no part of the deed
    text = _ADVERB_RUN.sub("", text)
    text = re.sub(r"^\s*to\s+", "", text)
    text = re.split(
        r"\s*[;:]\s+|\s*:\s*$|\s+\u2013\s+|\s+\u2014\s+|\s*\(|\s*\.{3,}|,?\s+and\s+that\s+",
        text,
        maxsplit=1,
    )[0]
    text = _TRAILING_CLAUSE.split(text, maxsplit=1)[0]
    words = text.split()
    if not words:
        return None
    return " ".join(words[:limit]).strip(" .,;:" + _QUOTE_CHARS) or None


def _base_verb(action: str | None) -> str | None:
    """ "DHSC works with ..." asks DHSC to "work with ...": the verb without its third-person -s."""
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


def _strip_connective(text: str) -> str:
    text = text.strip().strip(_QUOTE_CHARS)
    while True:
        stripped = _LEADING_CONNECTIVE.sub("", text).strip(" ,")
        if stripped == text:
            return text
        text = stripped


#: An aside closed by a comma just before the verb: "DHSC, working with NHS England, should",
#: "ICBs, where appropriate, should", "The Government, together with the devolved administrations, should".
_ASIDE_BEFORE_VERB = re.compile(
    r",\s*(?:working|acting|together|jointly|alongside|with|in\s+(?:partnership|conjunction|collaboration|consultation|line)"
    r"|where|when|as|if|through|supported|led|subject|following|once|in\s+particular|for\s+example|e\.g\.)\b[^,]{0,80},\s*$",
    re.I,
)


def _clause_start(before: str) -> tuple[int, str | None]:
    """Where the clause that ends ``before`` starts, and the subordinating word that opened it (if any).

    "If the Government intend ..., we urge": a comma after the subordinate
    clause opens the main clause.
    """
    start, word = 0, None
    for match in _BOUNDARY.finditer(before):
        start, word = match.end(), (match.group("word") or "").lower() or None
    if word in _OPENERS:
        comma = before.rfind(",", start)
        if comma >= 0:
            return comma + 1, None
    return start, word


def _subject_phrase(clause: str) -> str:
    """The subject of a verb at the end of ``clause``: the last comma piece, extended over a list of names."""
    clause = _RUN_ON.split(clause)[
        -1
    ]  # a heading run into the sentence: "... resilience The governments of ..."
    pieces = [p.strip() for p in clause.split(",")]
    subject = pieces[-1]
    for piece in reversed(pieces[:-1]):
        first = piece.split()[0].lower() if piece else ""
        if first in _NOT_A_NAME_START:
            break
        if (
            piece
            and len(piece.split()) <= 6
            and piece[:1].isupper()
            and not re.search(
                r"\b(?:to|in|for|by|with|within|after|before)\b", piece, re.I
            )
        ):
            subject = piece + ", " + subject
        else:
            break
    subject = re.sub(rf"(?:\s+{_ADVERBS})+$", "", subject, flags=re.I)
    return _strip_connective(subject)


def _group(text: str, orgs: list[tuple[int, int, str]], index: int) -> tuple[int, int]:
    """The run of coordinated bodies around ``orgs[index]``: "NHSE and DHSC", "ICBs, trusts and NHS England"."""
    first = last = index
    while first > 0 and _GROUP_GAP.fullmatch(text[orgs[first - 1][1] : orgs[first][0]]):
        first -= 1
    while last + 1 < len(orgs) and _GROUP_GAP.fullmatch(
        text[orgs[last][1] : orgs[last + 1][0]]
    ):
        last += 1
    return first, last


_PROPER_NAME = re.compile(
    r"(?:[A-Z][\w&'\u2019-]*)(?:\s+(?:[A-Z][\w&'\u2019-]*|of|and|for|the|&)){0,5}"
)


def _trim_after_head(phrase: str) -> str:
    """ "groups and committees retained or created to ..." -> "groups and committees"."""
    for match in _TRIM_AFTER_HEAD.finditer(phrase):
        if match.start() > 0:
            return phrase[: match.start()].strip(" ,")
    return phrase


def _unique(names: list[str]) -> list[str]:
    seen: list[str] = []
    for name in names:
        if name and name not in seen:
            seen.append(name)
    return seen


def _joined(names: list[str] | None) -> str | None:
    return TARGET_SEPARATOR.join(names) if names else None


def _ends_open(text: str) -> bool:
    """An item ending in ';' or ',' (or 'and'/'or') leaves its list open for more items."""
    return re.search(r"(?:[;,]|\b(?:and|or))\s*$", text.strip()) is not None


_SENTENCE_BREAK = re.compile(r"[.!?][\u201d\"]?\s+[A-Z\u201c]")


# -- a sentence being read ---------------------------------------------------------


@dataclass
class _Sentence:
    """A sentence being read: its text (list label removed), the bodies it names and its setting."""

    text: str
    orgs: list[tuple[int, int, str]]
    actor: (
        str | None
    )  # whose voice the sentence is in: author, quoted speaker, or the body a response quotes
    in_quote: bool
    in_rec: bool  # a recommendations section, a numbered or quoted recommendation, a list of recommendations
    descriptive: bool  # a findings or background section
    last_subject: list[str] | None  # the bodies the previous sentences were about
    last_speaker: list[str] | None = None  # who the sentences before reported speaking
    last_asked: bool = (
        False  # ``last_subject`` is the body the last recommendation asked
    )


@dataclass(frozen=True)
class _Setting:
    """What a passage's place in the document says about each of its sentences."""

    kind: str  # the passage's kind ("paragraph", "list_item" ...)
    whole: str  # the passage's text
    responding: bool  # the document answers someone's recommendations
    in_section: bool  # under a recommendations heading
    descriptive: bool  # under a findings or background heading
    rec_list: dict[str, Any] | None  # the introduced list the passage is an item of
    doc_org: str | None
    quoted_by: str | None  # whose recommendations a response quotes


@dataclass
class _Turn:
    """One sentence of a passage as it is read."""

    index: int
    last: bool  # the passage's last sentence (which may introduce a list)
    span: Span
    sentence: _Sentence
    lead: int  # characters of list label cut from its start
    offset: int  # where ``sentence.text`` starts in the doc
    in_block: bool  # inside a recommendation a response quotes


@dataclass(frozen=True)
class _Subject:
    """What a noun phrase names: ``kind`` is body, pronoun, we, you, thing or none."""

    kind: str
    bodies: list[str] | None = None


class RecommendationFinder:
    """Writes ``doc.spans["recommendations"]`` (one span per sentence or list item)."""

    def __init__(
        self,
        nlp: Language,
        name: str = "evidence_recommendations",
        *,
        spans_key: str = RECOMMENDATION_GROUP,
    ) -> None:
        self.name = name
        self.spans_key = spans_key
        self._cues = _cues()
        self._body_only = frozenset(
            fold(m) for m in load_patterns("recommendations.json")["body_only_modals"]
        )

    # -- pipeline entry ---------------------------------------------------

    def __call__(self, doc: Doc) -> Doc:
        context, passage = doc_facts(doc)
        kind = passage.get("kind", "paragraph")
        whole = doc_text(doc)
        responding = context.get("doc_type") in self._cues.responding_types
        if responding:
            self._learn_responding_to(
                context,
                whole,
                org_mentions(doc) if "eport" in whole or "nquiry" in whole else [],
            )
        if kind == "heading" and _SENTENCE_LIKE.match(whole):
            kind = "paragraph"  # a bold recommendation taken for a heading: read it as the sentence it is
        spans: list[Span] = []
        if kind == "heading":
            self._enter_section(context, whole, responding)
        else:
            setting = self._setting(context, passage, kind, whole, responding)
            spans = self._passage_spans(doc, context, setting)
        doc.spans[self.spans_key] = spans
        return doc

    # -- one passage, sentence by sentence ----------------------------------

    def _enter_section(
        self, context: dict[str, Any], heading: str, responding: bool
    ) -> None:
        """A heading starts a section: of recommendations, of findings, or (in a
        response) a quoted "Recommendation 3"; an open list and the subject
        remembered for "they" end with the section before it."""
        context[REC_SECTION] = self._is_section(heading)
        context[DESCRIPTIVE_SECTION] = self._is_descriptive(heading)
        context[REC_BLOCK] = responding and self._label(heading)[1]
        context.pop(REC_LIST, None)
        context.pop(LAST_SUBJECT, None)
        context.pop(LAST_SPEAKER, None)
        context.pop(LAST_ASKED, None)

    def _setting(
        self,
        context: dict[str, Any],
        passage: dict[str, Any],
        kind: str,
        whole: str,
        responding: bool,
    ) -> _Setting:
        """What the passage's heading, the list it may continue and the document say.

        The passage's own heading decides its section when it has one; else
        the last heading seen does. Reading the list state closes a list the
        passage does not continue.
        """
        heading = passage.get("heading")
        doc_org = context.get("doc_org")
        return _Setting(
            kind=kind,
            whole=whole,
            responding=responding,
            in_section=(
                self._is_section(heading) if heading else bool(context.get(REC_SECTION))
            ),
            descriptive=(
                self._is_descriptive(heading)
                if heading
                else bool(context.get(DESCRIPTIVE_SECTION))
            ),
            rec_list=self._list_state(context, kind, whole),
            doc_org=doc_org,
            quoted_by=(context.get(RESPONDING_TO) or doc_org)
            if responding
            else doc_org,
        )

    def _passage_spans(
        self, doc: Doc, context: dict[str, Any], setting: _Setting
    ) -> list[Span]:
        """One span per sentence that asks; a list item that asks over several
        sentences is one span of the whole item."""
        spans: list[Span] = []
        sentences = sentence_spans(doc)
        if not sentences:
            return spans
        orgs = org_mentions(doc)
        quotes = quote_orgs(doc)
        for index, sent in enumerate(sentences):
            turn = self._turn(
                index, len(sentences), sent, setting, context, orgs, quotes
            )
            if turn is None:
                continue
            found = self._found(turn, setting, context)
            if found is None:
                continue
            if setting.kind == "list_item" and len(sentences) > 1 and index == 0:
                span = Span(doc, 0, len(doc), label=RECOMMENDATION_LABEL)
                span._.finding = {**found.finding(), "_text": setting.whole.strip()}
                spans.append(span)
                break
            spans.append(self._sentence_span(doc, turn, found))
        return spans

    def _turn(
        self,
        index: int,
        count: int,
        sent: Span,
        setting: _Setting,
        context: dict[str, Any],
        orgs: list[tuple[int, int, str]],
        quotes: list[tuple[int, int, str | None]],
    ) -> _Turn | None:
        """The sentence without its list label, the bodies it names and whose voice it is in.

        A "Recommendation 12" label in a response opens a quoted
        recommendation; a reply opener ("Government response:") closes it
        and is itself no sentence to read (None).
        """
        raw = setting.whole[sent.start_char : sent.end_char]
        text, numbered = self._label(raw)
        if numbered and setting.responding:
            context[REC_BLOCK] = True
        in_block = setting.responding and bool(context.get(REC_BLOCK))
        lead = len(raw) - len(text)
        stripped = text.strip()
        if in_block and self._is_reply_opener(stripped):
            context[REC_BLOCK] = False
            return None
        in_quote, speaker_org = _quote_at(sent.start_char, sent.end_char, quotes)
        offset = sent.start_char + lead + (len(text) - len(text.lstrip()))
        local = [
            (s - offset, e - offset, name)
            for s, e, name in orgs
            if s >= offset and e <= sent.end_char
        ]
        sentence = _Sentence(
            text=stripped,
            orgs=local,
            actor=self._voice(setting, in_block, in_quote, speaker_org),
            in_quote=in_quote,
            in_rec=setting.in_section
            or numbered
            or in_block
            or in_quote
            or setting.rec_list is not None,
            descriptive=setting.descriptive,
            last_subject=context.get(LAST_SUBJECT),
            last_speaker=context.get(LAST_SPEAKER),
            last_asked=bool(context.get(LAST_ASKED)),
        )
        return _Turn(index, index == count - 1, sent, sentence, lead, offset, in_block)

    @staticmethod
    def _voice(
        setting: _Setting, in_block: bool, in_quote: bool, speaker_org: str | None
    ) -> str | None:
        """Who would be asking: the actor of the list the passage is an item of,
        else a quoted speaker's body, else the body whose recommendation a
        response quotes, else the document's author."""
        actor = setting.quoted_by if in_block else setting.doc_org
        if in_quote:
            actor = speaker_org or actor
        if setting.rec_list is not None and setting.rec_list.get("actor"):
            actor = setting.rec_list["actor"]
        return actor

    def _found(
        self, turn: _Turn, setting: _Setting, context: dict[str, Any]
    ) -> Recommendation | None:
        """The recommendation a sentence makes where it stands, and what it tells the next one.

        In order: the sentence's own request (only when a cue word is in
        it: most sentences are dismissed at once), what that request is in
        a government response, a list the last sentence introduces, the
        item of an introduced list, the subject to remember for "they", and
        a reply that ends a quoted recommendation.
        """
        s = turn.sentence
        found: Recommendation | None = None
        if self._cues.any_cue.search(
            s.text.lower()
        ) is not None and not s.text.endswith("?"):
            found = self.read(s)
        found = self._in_response(found, turn, setting, context)
        if turn.last and s.text.endswith(":"):
            found = self._introduces_list(found, s, context)
        rec_list = setting.rec_list
        if (
            found is None
            and rec_list is not None
            and turn.index == 0
            and not rec_list.get("absorb")
        ):
            found = self._list_item(s, rec_list)
        self._remember_subject(context, s, found)
        if turn.in_block and self._is_reply(s, setting.doc_org, found):
            context[REC_BLOCK] = False
            return None
        return found

    def _in_response(
        self,
        found: Recommendation | None,
        turn: _Turn,
        setting: _Setting,
        context: dict[str, Any],
    ) -> Recommendation | None:
        """A request in the government's own voice, in its response, outside a quotation.

        A paragraph that opens by asking (and is no reply) is the quoted
        recommendation, unlabelled: it opens a quoted block and is the
        quoted body's. Anywhere else the government is replying, not
        recommending.
        """
        if (
            found is None
            or not setting.responding
            or turn.in_block
            or turn.sentence.in_quote
            or found.actor != setting.doc_org
        ):
            return found
        if (
            turn.index == 0
            and setting.kind != "list_item"
            and not self._is_reply(turn.sentence, setting.doc_org, found)
        ):
            context[REC_BLOCK] = turn.in_block = True
            return Recommendation(setting.quoted_by, found.target, found.action)
        return None

    def _introduces_list(
        self, found: Recommendation | None, s: _Sentence, context: dict[str, Any]
    ) -> Recommendation | None:
        """A passage's last sentence ending in ":" may open a list of recommendations (see ``_intro``).

        One that only announces ("We ask that:") is no recommendation
        itself: its items are.
        """
        intro = self._intro(s, found)
        if intro is None:
            return found
        context[REC_LIST] = intro
        return found if intro.get("absorb") else None

    @staticmethod
    def _sentence_span(doc: Doc, turn: _Turn, found: Recommendation) -> Span:
        """The sentence's span, after a paragraph's number ("27. There have been ...")."""
        first = turn.span.start
        if turn.lead:
            unlabelled = doc.char_span(
                turn.offset, turn.span.end_char, alignment_mode="expand"
            )
            first = unlabelled.start if unlabelled is not None else first
        span = Span(doc, first, turn.span.end, label=RECOMMENDATION_LABEL)
        span._.finding = found.finding()
        return span

    # -- reading one sentence ---------------------------------------------

    def read(self, s: _Sentence) -> Recommendation | None:
        """The recommendation a sentence makes, or None."""
        if not s.text or s.text.endswith("?"):
            return None
        for rule in (
            self._recommend,
            self._ask,
            self._passive,
            self._call_for,
            self._need,
            self._modal,
        ):
            found = rule(s)
            if found is not None:
                if found.action is None and not s.text.endswith(":"):
                    return None  # "We recommend that" cut off by a line break asks nothing yet
                return found
        return None

    def _recommend(self, s: _Sentence) -> Recommendation | None:
        """ "We recommend that X ...", "The NAO recommends that DHSC works ...", "It is vital that X ..."."""
        for match in self._cues.recommend.finditer(s.text):
            verb = fold(match.group("verb"))
            before = s.text[: match.start()]
            clause_start, word = _clause_start(before)
            if word in _SUBORDINATE:
                continue
            subject_text = before[clause_start:]
            rest_start = match.end()
            if verb.endswith("recommended to"):
                # "The Committee is recommended to note ...": the subject is asked
                subject = self._noun_phrase(s, clause_start, len(before.rstrip()))
                if subject.kind != "body":
                    continue
                return Recommendation(
                    s.actor,
                    _joined(subject.bodies),
                    _action(s.text[rest_start:], self._cues.max_action_words),
                )
            if verb.startswith("is ") or verb.startswith("are "):
                if _strip_connective(subject_text).lower() not in ("it", ""):
                    continue
                actor = s.actor  # "It is recommended that ...", "It is vital that ..."
            else:
                actor = self._speaker(
                    s, clause_start, match.start(), verb, named_only=verb.endswith("ed")
                )
                if actor is _SKIP:
                    continue
            if self._blocked(s.text[:clause_start]):
                continue
            target, action_from, named = self._complement(s, rest_start)
            weak = verb.split()[-1] in (
                "suggest",
                "suggests",
                "suggested",
                "propose",
                "proposes",
                "proposed",
            )
            if weak and not named:
                continue  # "This suggests that ..." infers; a suggestion must name who acts or say "should"
            cut, more = self._second_asks(s, action_from)
            if more:
                target = _joined(
                    _unique((target.split(TARGET_SEPARATOR) if target else []) + more)
                )
            action = _action(s.text[action_from:cut], self._cues.max_action_words)
            return Recommendation(
                actor, target, _base_verb(action) if target else action
            )
        return None

    def _ask(self, s: _Sentence) -> Recommendation | None:
        """ "We urge/ask/invite/encourage/call on X to ..."."""
        for match in self._cues.ask.finditer(s.text):
            verb = fold(match.group("verb"))
            before = s.text[: match.start()]
            aux = re.search(
                r"((?:\b(?:will|would|also|further|strongly|therefore|again|continue to|continues to|are|is|am|have|has|had|"
                r"repeatedly|previously|once again|now|hereby|,)\s*)*)$",
                before,
                re.I,
            )
            aux_text = (aux.group(1) if aux else "").lower()
            past = verb.endswith("ed") or verb in ("called on", "called upon")
            if past and re.search(
                r"\b(?:is|are|am|was|were|be|been|being)\b", aux_text
            ):
                continue  # passive: "Systems are asked to ..." is read by _passive
            if (
                past
                and verb not in _PAST_URGING
                and not re.search(r"\b(?:have|has)\b", aux_text)
            ):
                continue  # "NHS England asked ICBs to ..." reports a past instruction
            verb_start = match.start() - len(aux.group(1) if aux else "")
            clause_before = s.text[:verb_start]
            clause_start, word = _clause_start(clause_before)
            if word in _SUBORDINATE:
                continue
            subject_text = clause_before[clause_start:].strip()
            if not subject_text or re.search(r"\band$", subject_text, re.I):
                # "We note ... and urge X to ...": the subject of the first verb
                subject_text = (
                    s.text[:clause_start].strip()
                    if not subject_text
                    else subject_text[:-3]
                )
                first = re.match(r"^\W*(\w+)", subject_text)
                if first is None or first.group(1).lower() not in self._cues.we_words:
                    subject_orgs = [
                        o for o in s.orgs if o[0] < 40 and o[1] <= len(subject_text)
                    ]
                    if not subject_orgs:
                        continue
                    actor: Any = subject_orgs[0][2]
                else:
                    actor = s.actor
            else:
                actor = self._speaker(s, clause_start, verb_start, verb)
                if actor is _SKIP:
                    continue
            if self._blocked(s.text[:clause_start]):
                continue
            rest_start = match.end()
            rest = s.text[rest_start:]
            to = re.match(r"(?P<np>[^.;:]{0,120}?)\s*\bto\s+(?=[a-z])", rest)
            if to is None:
                continue
            if re.search(
                r"\b(?:who|which|that|whose|where|able|unable|likely|how)\b",
                to.group("np"),
                re.I,
            ):
                continue  # "challenge organisations who are not able to ...": the "to" is not the ask's
            subject = self._noun_phrase(s, rest_start, rest_start + to.end("np"))
            if subject.kind not in ("body", "you", "pronoun") or not subject.bodies:
                continue  # an ask needs somebody asked
            target = _joined(subject.bodies)
            action = _action(rest[to.end() :], self._cues.max_action_words)
            return Recommendation(actor, target, action)
        return None

    def _passive(self, s: _Sentence) -> Recommendation | None:
        """ "Systems are expected/encouraged/asked to ...", "with every trust expected to deliver ..."."""
        for match in self._cues.passive.finditer(s.text):
            before = s.text[: match.start()]
            if match.group("with"):
                # "..., with every trust expected to deliver": the body sits between "with" and the verb
                start, end = match.start("np"), match.end("np")
            else:
                clause_start, word = _clause_start(before)
                if word in _SUBORDINATE:
                    continue
                phrase = _subject_phrase(before[clause_start:])
                if not phrase:
                    continue
                start = clause_start + before[clause_start:].rfind(phrase)
                end = len(before.rstrip())
            if self._blocked(s.text[:start]):
                continue
            subject = self._noun_phrase(s, start, end)
            if subject.kind != "body":
                continue
            action = _action(s.text[match.end() :], self._cues.max_action_words)
            return Recommendation(s.actor, _joined(subject.bodies), action)
        return None

    def _call_for(self, s: _Sentence) -> Recommendation | None:
        """ "We continue to call for ...", "leaders want to see ...": an ask without an addressee."""
        for match in self._cues.call_for.finditer(s.text):
            before = s.text[: match.start()]
            if re.search(
                r"(?:['\u2019]s|\b(?:the|a|an|this|that|its|their|his|her))\s*$",
                before,
                re.I,
            ):
                continue  # "the Hewitt review's call for ..." names a call, it does not make one
            clause_start, word = _clause_start(before)
            if word in _SUBORDINATE:
                continue
            actor = self._speaker(
                s,
                clause_start,
                match.start(),
                fold(match.group("verb")),
                generic_is_author=True,
            )
            if actor is _SKIP or self._blocked(s.text[:clause_start]):
                continue
            rest_start = match.end()
            target = None
            action_from = rest_start
            if fold(match.group(0)).endswith("see"):
                # "we want to see the Government fund the plan": a body and what it should do
                named, named_from, found = self._complement(s, rest_start)
                if found and named is not None:
                    return Recommendation(
                        actor,
                        named,
                        _action(s.text[named_from:], self._cues.max_action_words),
                    )
            to = re.match(
                r"(?P<np>[^.;:,]{0,80}?)\s*\bto\s+(?=[a-z])", s.text[rest_start:]
            )
            if to is not None:
                subject = self._noun_phrase(s, rest_start, rest_start + to.end("np"))
                if subject.kind == "body":
                    target, action_from = _joined(subject.bodies), rest_start + to.end()
            return Recommendation(
                actor,
                target,
                _action(s.text[action_from:], self._cues.max_action_words),
            )
        return None

    def _need(self, s: _Sentence) -> Recommendation | None:
        """ "There is a need for ...", "There should be ...": who should act is not said."""
        match = self._cues.need.search(s.text)
        if match is None or self._blocked(s.text[: match.start()]):
            return None
        if self._reported(s.text[: match.start()]):
            return None
        rest_start = match.end()
        to = re.match(r"(?P<np>[^.;:,]{0,80}?)\s*\bto\s+(?=[a-z])", s.text[rest_start:])
        if to is not None and fold(match.group(0)).endswith("for"):
            subject = self._noun_phrase(s, rest_start, rest_start + to.end("np"))
            if (
                subject.kind == "body"
            ):  # "There is an urgent need for the Government to ..."
                return Recommendation(
                    s.actor,
                    _joined(subject.bodies),
                    _action(
                        s.text[rest_start + to.end() :], self._cues.max_action_words
                    ),
                )
        return Recommendation(
            s.actor, None, _action(s.text[rest_start:], self._cues.max_action_words)
        )

    def _modal(self, s: _Sentence) -> Recommendation | None:
        """A subject and a deontic verb: "DHSC should ...", "ICBs must ...", "the NHS will need to ..."."""
        for match in self._cues.modal.finditer(s.text):
            modal = fold(match.group("modal"))
            before = s.text[: match.start()]
            after = s.text[match.end() :]
            if self._cues.not_after_modal.match(after) or _INVERSION.match(after):
                continue
            if "need" in modal and (
                self._cues.not_before_need.search(before)
                or modal == "need to"
                and _NOUN_NEED.search(before)
            ):
                continue  # "would need to", "the need to involve experts"
            aside = _ASIDE_BEFORE_VERB.search(before)
            head = (
                before[: aside.start()] if aside is not None else before
            )  # "DHSC, working with NHSE, should"
            clause_start, word = _clause_start(head)
            if word in _SUBORDINATE:
                continue  # "how ICBs should ...", "if DHSC should ..."
            inside = self._cues.reporting_inside.search(head, clause_start)
            if (
                inside is not None
                and len(head[clause_start : inside.start()].split()) <= 5
                and head[inside.end() :].strip()
            ):
                clause_start = (
                    inside.end()
                )  # "It also said the regulator must ...": no "that"
            clause = head[clause_start:]
            phrase = _subject_phrase(clause)
            if not phrase or len(phrase.split()) > 12:
                continue  # "However, should the UK wish ...": no subject, no request
            start = clause_start + clause.rfind(phrase)
            end = min(len(head.rstrip()), start + len(phrase))
            if self._blocked(before):
                continue
            actor = s.actor
            reported = self._cues.reporting_end.search(s.text[:start])
            if reported is not None:
                actor = self._speaker(
                    s,
                    _clause_start(s.text[: reported.start()])[0],
                    reported.start(),
                    fold(reported.group("verb")),
                )
                if actor is _SKIP:
                    # "This suggests that ICBs should ...": the author concluding
                    actor = s.actor
            subject = self._noun_phrase(s, self._past_adverbial(s, start, end), end)
            must = modal == "must"
            if (
                must
                and not s.in_rec
                and (s.descriptive or self._cues.stative.match(after))
            ):
                continue  # "Each board must include:", a rule described in a findings section
            if subject.kind == "we":
                continue  # the speaker's own resolve: "we must all live within our means"
            if subject.kind in ("you", "none"):
                continue
            bodies: list[str] = []
            if subject.kind == "pronoun":
                if not subject.bodies and not s.in_rec:
                    continue  # "it must cover ...": a pronoun for no body, outside a recommendation
                bodies = subject.bodies or []
            elif subject.kind == "body":
                bodies = subject.bodies or []
            else:  # a thing, not a body: "The plan should make clear ..."
                if modal in self._body_only or self._cues.epistemic.match(after):
                    continue
                if subject.bodies is None and not s.in_rec:
                    continue  # a bare "This should ..." outside a recommendation
                if _BE_DONE.match(after) and _QUANTITY.fullmatch(
                    s.text[start:end].strip(" ," + _QUOTE_CHARS)
                ):
                    continue  # "Much more needs to be done": a statement, nobody asked
            cut, more = self._second_asks(s, match.end())
            return Recommendation(
                actor,
                _joined(_unique(bodies + more)),
                _action(s.text[match.end() : cut], self._cues.max_action_words),
            )
        return None

    # -- who speaks, whom they ask -------------------------------------------

    def _speaker(
        self,
        s: _Sentence,
        start: int,
        end: int,
        verb: str,
        generic_is_author: bool = False,
        named_only: bool = False,
    ) -> Any:
        """The actor of a verb of asking whose subject is ``s.text[start:end]``: author, named body, or _SKIP."""
        phrase = _strip_connective(s.text[start:end])
        phrase = re.sub(
            r"(?:\s+(?:also|further|strongly|therefore|again|would|will|continue to|continues to|now|"
            r"have|has|had|repeatedly|previously|once again|,))+$",
            "",
            phrase,
            flags=re.I,
        ).strip(" ,")
        words = phrase.split()
        if not words:
            return _SKIP if not verb.startswith(("is ", "are ")) else s.actor
        last = words[-1].lower().strip(_QUOTE_CHARS)
        if last in self._cues.we_words or (
            len(words) <= 3 and words[0].lower() == "our"
        ):
            return s.actor
        near = [o for o in s.orgs if start <= o[0] and o[1] <= end]
        if near:
            trailing = re.sub(
                rf"(?:\s*{_ADVERBS}(?!\w))+", " ", s.text[near[-1][1] : end], flags=re.I
            ).strip(" ," + _QUOTE_CHARS)
            if (
                trailing
                and not re.fullmatch(r"(?i)(?:itself|themselves|\([^()]*\))", trailing)
                and not _BODYS_DOCUMENT.fullmatch(trailing)
            ):
                return _SKIP  # "the Government's preference for X has encouraged ...": not the Government asking
            first, _ = _group(s.text, near, len(near) - 1)
            return near[first][2]
        if last in self._cues.pronouns:
            return self._pronoun_speaker(s, start, last)
        named = self._cues.determiners.sub("", phrase + " ").strip()
        if (
            len(named.split()) <= 4
            and _PROPER_NAME.fullmatch(named)
            and (
                re.search(r"[A-Z]\w*[A-Z]", named)
                or len(re.findall(r"\b[A-Z]", named)) >= 2
            )
        ):
            return named  # a person or body named as written: "Professor Marteau", "the NCOB"
        head = self._cues.determiners.sub("", phrase.lower() + " ").split()
        if head and len(head) <= 3 and head[-1] in self._cues.speaker_nouns:
            return " ".join(
                phrase.split()[-len(head) :]
            )  # "Witnesses suggested ...", "many respondents said ..."
        if named_only:
            titled = _TITLED_BODY.search(phrase)
            if (
                titled is not None
                and titled.group(2).lower() in self._cues.body_nouns
                and not self._cues.reporting_end.search(phrase)
            ):
                # "The Committee recommended ...", "In 2019 the Committee recommended ...":
                # a body named by its capitalised title
                return titled.group(1)
            return _SKIP  # "Other measures recommended above": a participle, nobody recommending
        if len(words) <= 3 and not self._cues.reporting_end.search(phrase):
            head = self._cues.determiners.sub("", phrase.lower()).split()
            if head and head[-1] in ("officers", "officials", "staff"):
                return s.actor  # "Officers recommend ...": the author's own staff
            if generic_is_author:
                return s.actor  # "leaders want to see ..."
            if head and head[-1] in self._cues.body_nouns:
                return " ".join(phrase.split()[-len(head) :])
        return _SKIP  # "The guidance recommends ...": a document, not somebody asking

    def _pronoun_speaker(self, s: _Sentence, at: int, pronoun: str) -> Any:
        """ "It added ...": the body reported speaking before, else one named just before.

        Never a kind of body ("organisation") that an earlier sentence asked;
        None when "it" is a report or speaker nobody named.
        """
        if not any(o[1] <= at for o in s.orgs) and s.last_speaker is not None:
            return s.last_speaker[0] if s.last_speaker else None
        bodies = self._resolve_pronoun(s, at, pronoun)
        if not bodies:
            return _SKIP
        if (
            s.last_asked
            and not any(o[1] <= at for o in s.orgs)
            and not (bodies[0][:1].isupper() or bodies[0] == "government")
        ):
            return (
                None  # the kind of body the last sentence asked is not who speaks now
            )
        return bodies[0]

    def _second_asks(self, s: _Sentence, begin: int) -> tuple[int, list[str]]:
        """ "X should ..., and Y should ...": where the first ask ends, and the bodies later clauses ask.

        One sentence stays one recommendation; its action is the first ask.
        """
        cut: int | None = None
        bodies: list[str] = []
        for clause in _SECOND_CLAUSE.finditer(s.text, begin):
            modal = self._cues.modal.search(s.text, clause.end(), clause.end() + 90)
            if modal is None:
                continue
            phrase = s.text[clause.end() : modal.start()]
            if (
                not phrase.strip()
                or len(phrase.split()) > 6
                or re.search(r"[,;:()]", phrase)
                or _clause_start(phrase)[0] > 0
            ):
                continue  # "..., and ensure that trusts should": no subject of its own
            subject = self._noun_phrase(s, clause.end(), modal.start())
            if subject.kind not in ("body", "pronoun", "thing"):
                continue
            if cut is None:
                cut = clause.start()
            if subject.kind != "thing" and subject.bodies:
                bodies += subject.bodies
        return (len(s.text) if cut is None else cut), bodies

    def _noun_phrase(self, s: _Sentence, start: int, end: int) -> _Subject:
        """What ``s.text[start:end]`` names: the bodies of a subject or addressee.

        In order: the words that stand for someone without naming them
        (``_personal_subject``); the organisations named in it, the last
        group when a clause comes before (``_last_group``), unless it is a
        kind of body "of" a named one; a kind of body ("local authorities");
        a name the gazetteer does not know ("the DfT"); else a thing ("the
        plan").
        """
        phrase = s.text[start:end].strip(" ," + _QUOTE_CHARS)
        phrase = re.sub(rf"(?:\s+{_ADVERBS})+$", "", phrase, flags=re.I).strip(" ,")
        phrase = _strip_connective(phrase)
        if not phrase:
            return _Subject("none")
        personal = self._personal_subject(s, start, phrase)
        if personal is not None:
            return personal
        start, inside, phrase = self._last_group(s, start, end, phrase)
        if inside:
            owned = _OWNED.fullmatch(s.text[inside[-1][1] : end].strip())
            if owned is not None:
                if not self._is_body_noun(owned.group(1).lower()):
                    return _Subject(
                        "thing", []
                    )  # "HEE's budget should ...": the budget is no body
                first, _ = _group(s.text, inside, len(inside) - 1)
                return _Subject(
                    "body", _unique([o[2] for o in inside[first:]])
                )  # "NHS England's board should ...": NHS England, through its board
        bare = _trim_after_head(self._cues.determiners.sub("", phrase))
        head_part = re.split(r"\s+of\s+", bare, maxsplit=1)
        head_words = head_part[0].lower().split()
        head = head_words[-1] if head_words else ""
        if inside and not (
            len(head_part) > 1
            and self._is_body_noun(head)
            and not self._starts_with_org(s, start, inside)
        ):
            names = self._coordinated(s, start, end, inside)
            if names is not None:
                return _Subject("body", names)
        if self._is_body_noun(head):
            return _Subject("body", [self._generic_name(_trim_after_head(phrase))])
        if _PROPER_NAME.fullmatch(bare) and (
            re.search(r"[A-Z]\w*[A-Z]", bare) or len(re.findall(r"\b[A-Z]", bare)) >= 2
        ):
            return _Subject(
                "body", [bare]
            )  # a name the gazetteer does not know: "the DfT", "Ofwat"
        return _Subject("thing", [])

    def _personal_subject(
        self, s: _Sentence, start: int, phrase: str
    ) -> _Subject | None:
        """We, you, a pronoun or a demonstrative; None for a phrase that may name a body.

        A pronoun that ends a longer phrase ("the flexibility they need to
        ...") opens a relative clause: it asks nothing (kind "none").
        """
        lowered = _CONTRACTION.sub("", phrase.lower())
        last = lowered.split()[-1].strip(_QUOTE_CHARS)
        if (
            lowered in self._cues.we_words
            or lowered.startswith("we ")
            or last in self._cues.we_words
        ):
            return _Subject("we")
        if lowered == "you" or last == "you" and len(lowered.split()) <= 3:
            return _Subject("you", ["you"])
        if last in self._cues.pronouns:
            if (
                lowered == last
                or not self._cues.determiners.sub(
                    "", lowered[: -len(last)] + " "
                ).strip()
                or " and " in lowered[-len(last) - 5 :]
            ):
                return _Subject(
                    "pronoun",
                    self._resolve_pronoun(s, start + len(phrase) - len(last), last),
                )
            return _Subject("none")
        if lowered in self._cues.demonstratives:
            return _Subject("thing", None)
        return None

    def _last_group(
        self, s: _Sentence, start: int, end: int, phrase: str
    ) -> tuple[int, list[tuple[int, int, str]], str]:
        """The organisations named in the phrase, and where the phrase starts.

        When another group, a comma or a clause ("accepts this", "is") comes
        before the last group of bodies, only that group is the subject: "The
        Government accepts this and NHS England should ...".
        """
        inside = [o for o in s.orgs if o[0] >= start - 1 and o[1] <= end + 1]
        if not inside:
            return start, inside, phrase
        first, last_org = _group(s.text, inside, len(inside) - 1)
        lead = self._cues.determiners.sub(
            "", s.text[start : inside[first][0]].strip() + " "
        ).strip()
        if (
            first > 0
            or "," in lead
            or re.search(r"\b(?:is|are|was|were|has|have|had)\b", lead)
            or self._cues.judging.search(lead)
            or self._cues.reporting_end.search(lead)
        ):
            start, inside = inside[first][0], inside[first : last_org + 1]
            phrase = s.text[start:end].strip(" ,")
        return start, inside, phrase

    def _is_body_noun(self, word: str) -> bool:
        return word in self._cues.body_nouns or (
            word.endswith("s") and word[:-1] in self._cues.body_nouns
        )

    def _starts_with_org(
        self, s: _Sentence, start: int, inside: list[tuple[int, int, str]]
    ) -> bool:
        lead = s.text[start : inside[0][0]]
        return not self._cues.determiners.sub("", lead.strip() + " ").strip()

    def _coordinated(
        self, s: _Sentence, start: int, end: int, inside: list[tuple[int, int, str]]
    ) -> list[str] | None:
        """ "ICBs, trusts and primary care providers" -> each body; None when a part names no body."""
        spots: list[tuple[int, str]] = [(o[0], o[2]) for o in inside]
        cursor = start
        pieces: list[tuple[int, str]] = []
        for o_start, o_end, _ in inside:
            pieces.append((cursor, s.text[cursor : max(cursor, o_start)]))
            cursor = max(cursor, o_end)
        pieces.append((cursor, s.text[cursor:end]))
        for at, piece in pieces:
            piece = re.sub(r"\([^()]*\)", lambda m: " " * len(m.group(0)), piece)
            for part in re.finditer(r"[^,&/]+?(?=,|&|/|\band\b|\bor\b|$)", piece):
                text = _strip_connective(part.group(0).strip(" ,.;:" + _QUOTE_CHARS))
                text = re.sub(r"^(?:and|or)\s+", "", text)
                if _PREPOSITION.match(text):
                    continue  # an aside: "ICBs, in their role as strategic commissioners, ..."
                bare = re.sub(
                    r"\s+(?:concerned|involved|responsible|affected|[a-z]{3,}ed)$",
                    "",
                    self._cues.determiners.sub("", text + " ").strip(),
                )  # "the departments concerned" -> "departments"
                if not bare:
                    continue
                words = bare.lower().split()
                if self._is_body_noun(words[-1]):
                    spots.append((at + part.start(), self._generic_name(text)))
                elif _PROPER_NAME.fullmatch(bare) and re.search(r"[A-Z]\w*[A-Z]", bare):
                    spots.append(
                        (at + part.start(), bare)
                    )  # a body the gazetteer does not know: "UKSA and UKRI"
                elif len(words) > 3 or words[-1] in ("of", "for", "in"):
                    return None
        return _unique([name for _, name in sorted(spots, key=lambda x: x[0])])

    def _generic_name(self, phrase: str) -> str:
        """ "every trust", "boards of providers and ICBs", "Systems": the group as written, trimmed."""
        inner = re.search(r"(?i)\b(?:every|all|each)\s+\w", phrase)
        if inner is not None and inner.start() > 0:
            phrase = phrase[
                inner.start() :
            ]  # "As a minimum all systems" -> "all systems"
        quantifier = re.match(r"(?i)(every|all|each)\s+", phrase.strip())
        # "the Department", "The Board": a capital after "the" names one body
        # the reader knows, not a kind of body at the head of a sentence.
        definite = re.match(r"(?i:the)\s+[A-Z][a-z]+\s*$", phrase.strip())
        phrase = self._cues.determiners.sub("", phrase.strip())
        phrase = re.sub(r"\([^()]*\)", "", phrase)
        head, sep, tail = phrase.partition(" of ")
        trimmed = _trim_after_head(head)
        if trimmed != head.strip(" ,"):
            head, sep, tail = trimmed, "", ""
        elif tail:
            tail = _trim_after_head(tail)
        name = " ".join(f"{head}{sep}{tail}".split()).strip(" ,")
        key = name.lower()
        if key in self._cues.subject_bodies:
            return self._cues.subject_bodies[key]
        words = name.split()
        if definite is not None and len(words) == 1:
            return f"the {words[0]}"
        titled = [w for w in words[1:] if w[:1].isupper() and w[1:].islower()]
        if words and words[0][:1].isupper() and words[0][1:].islower() and not titled:
            words[0] = words[
                0
            ].lower()  # "Systems" at the head of a sentence; "Secretary of State" stays
        if quantifier is not None and len(words) <= 3:
            words.insert(0, quantifier.group(1).lower())  # "every trust", "all areas"
        return " ".join(words)

    def _resolve_pronoun(self, s: _Sentence, at: int, pronoun: str) -> list[str] | None:
        """The bodies "they"/"it"/"them" stand for: the nearest named earlier in the sentence, else the last subject."""
        earlier = [
            o for o in s.orgs if o[1] <= at and not (pronoun == "it" and _plural(o[2]))
        ]
        if pronoun == "it" and re.search(
            r"(?:^|,\s*|\b(?:while|as|since|although|because|if|when)\s+)(?:this|that|it)\b",
            s.text[:at],
            re.I,
        ):
            return None  # "While this provides ..., it must cover ...": "it" is the thing just named
        generic = self._singular_body_before(s.text[:at]) if pronoun == "it" else None
        if generic is not None and (not earlier or generic[0] > earlier[-1][1]):
            return [
                generic[1]
            ]  # "Within 6 months of the creation of the group of officials, it should ..."
        if earlier:
            first, last = _group(s.text, earlier, len(earlier) - 1)
            names = _unique([o[2] for o in earlier[first : last + 1]])
        elif s.last_subject and len(s.text[:at].split()) <= 5:
            names = list(
                s.last_subject
            )  # "In particular, they should ...": the bodies of the sentences before
        else:
            return None
        if pronoun == "it" and all(_plural(n) for n in names):
            return None
        return names

    def _singular_body_before(self, text: str) -> tuple[int, str] | None:
        """The last "the <body noun> (of ...)" in ``text``, with where it starts."""
        found = None
        for match in _DEFINITE_NP.finditer(text):
            words = match.group("np").lower().split(" of ")[0].split()
            if (
                words
                and words[-1] in self._cues.body_nouns
                and not words[-1].endswith("s")
            ):
                found = (match.start("np"), self._generic_name(match.group(0)))
        return found

    def _past_adverbial(self, s: _Sentence, start: int, end: int) -> int:
        """Where the subject starts when an adverbial with no comma opens the
        clause: "that by March 2026 the Department should", "that when agreeing
        their calls for evidence all committees should". The subject is the
        last noun phrase: the last group of bodies, else the last determiner."""
        text = s.text[start:end]
        opener = re.match(r"\s*(\w+)\s", text)
        if opener is None or not (
            _PREPOSITION.fullmatch(opener.group(1))
            or opener.group(1).lower() in _OPENERS
        ):
            return start
        inside = [o for o in s.orgs if o[0] >= start and o[1] <= end]
        if inside:
            first, _ = _group(s.text, inside, len(inside) - 1)
            at = inside[first][0]
            det = re.search(
                r"\b(?:the|all|every|each|both)\s+$", s.text[start:at], re.I
            )
            return start + det.start() if det else at
        determiners = list(
            re.finditer(r"\b(?:the|all|every|each|both|any)\s", text, re.I)
        )
        return start + determiners[-1].start() if determiners else start

    def _complement(
        self, s: _Sentence, rest_start: int
    ) -> tuple[str | None, int, bool]:
        """After "recommend (that)": (target, where the action starts, whether a body or a modal was found)."""
        aside = re.match(r"\s*,[^,;:]{1,60},\s*", s.text[rest_start:])
        opening = re.match(r"\s*(\w+)\b[^,;:]{1,80},\s*", s.text[rest_start:])
        if (
            aside is None
            and opening is not None
            and (
                _PREPOSITION.fullmatch(opening.group(1))
                or opening.group(1).lower() in _OPENERS
            )
        ):
            aside = (
                opening  # "that within one month of our report, the Trust writes ..."
            )
        if aside is not None:
            rest_start += (
                aside.end()
            )  # "that, at the earliest opportunity, the Government appoint ..."
        rest = s.text[rest_start:]
        modal = self._cues.modal.search(rest)
        if (
            modal is not None
            and len(rest[: modal.start()].split()) <= 14
            and not re.search(r"[;:]", rest[: modal.start()])
        ):
            inner, inner_word = _clause_start(
                rest[: modal.start()]
            )  # "recommended in their guidance that all trusts should"
            # "that the Government considers whether the terms need to ...": the
            # modal belongs to a clause inside the ask, not to its addressee
            if inner_word not in ("whether", "how", "what", "why", "which"):
                subject_start = self._past_adverbial(
                    s, rest_start, rest_start + modal.start()
                )
                subject = self._noun_phrase(
                    s,
                    max(subject_start, rest_start + inner),
                    rest_start + modal.start(),
                )
                action_from = rest_start + modal.end()
                if subject.kind in ("body", "pronoun", "you"):
                    return _joined(subject.bodies), action_from, True
                if subject.kind == "thing":
                    return None, action_from, True
        after = [o for o in s.orgs if o[0] >= rest_start]
        lead_start = (
            self._past_adverbial(s, rest_start, after[0][1]) if after else rest_start
        )  # "that as part of its response the Department sets out ..."
        if (
            after
            and not self._cues.determiners.sub(
                "", s.text[lead_start : after[0][0]].strip() + " "
            ).strip()
        ):
            first, last = _group(s.text, after, 0)
            names = _unique([o[2] for o in after[first : last + 1]])
            return _joined(names), after[last][1], True
        word = re.match(r"\s*(\w+)\s+", rest)
        if word is not None and word.group(1).lower() in ("they", "it"):
            bodies = self._resolve_pronoun(s, rest_start, word.group(1).lower())
            if bodies:
                return _joined(bodies), rest_start + word.end(), True
        # "every trust publishes", "the ministerial committee meets": the
        # shortest run of one or two words after the determiners that names
        # a body is the subject; the word after it is the verb.
        for generic in (
            re.match(
                r"\s*((?:(?:every|each|all|the|local|individual)\s+)+[a-z]+)\s+(?=[a-z]+s?\b)",
                rest,
                re.I,
            ),
            re.match(
                r"\s*((?:(?:every|each|all|the|local|individual)\s+)+[a-z]+\s+[a-z]+)\s+(?=[a-z]+s?\b)",
                rest,
                re.I,
            ),
        ):
            if generic is None:
                continue
            subject = self._noun_phrase(s, rest_start, rest_start + generic.end(1))
            if subject.kind == "body":
                return _joined(subject.bodies), rest_start + generic.end(), True
        return None, rest_start, False

    # -- sentence setting ---------------------------------------------------

    def _blocked(self, before: str) -> bool:
        """A request inside a judgement: "The Government agrees that ... should ..."."""
        if not before.strip():
            return False
        for match in self._cues.judging.finditer(before):
            if not _PASSIVE_BEFORE.search(before, 0, match.start()):
                return True  # "cannot be agreed" is not somebody agreeing
        return False

    def _reported(self, before: str) -> bool:
        return self._cues.reporting_end.search(before) is not None

    def _remember_subject(
        self, context: dict[str, Any], s: _Sentence, found: Recommendation | None
    ) -> None:
        """The bodies this sentence is about, for a "they" or "it" in the next one."""
        self._remember_speaker(context, s, found)
        context[LAST_ASKED] = False
        if found is not None and found.target and found.target != "you":
            context[LAST_SUBJECT] = found.target.split(TARGET_SEPARATOR)
            context[LAST_ASKED] = True
            return
        if not s.orgs:
            return
        first = s.orgs[0]
        lead = _strip_connective(s.text[: first[0]])
        lead = re.sub(
            r"^(?:according to|if|as|while|when|although|because|since)\s+",
            "",
            lead,
            flags=re.I,
        )
        if not self._cues.determiners.sub("", lead + " ").strip():
            start, last = _group(s.text, s.orgs, 0)
            context[LAST_SUBJECT] = _unique([o[2] for o in s.orgs[start : last + 1]])

    def _remember_speaker(
        self, context: dict[str, Any], s: _Sentence, found: Recommendation | None
    ) -> None:
        """Who an "It added ..." in the next sentence would be: the body this one
        reports asking, a body it opens with, nobody named (a report of no named
        body), or the author (forgotten)."""
        opening = _strip_connective(s.text)
        if found is not None:
            if found.actor is not None and found.actor != s.actor:
                context[LAST_SPEAKER] = [found.actor]
            elif found.actor is None:
                context[LAST_SPEAKER] = []
            else:
                context.pop(LAST_SPEAKER, None)
        elif (
            s.orgs
            and not self._cues.determiners.sub("", s.text[: s.orgs[0][0]] + " ").strip()
        ):
            context[LAST_SPEAKER] = [s.orgs[0][2]]
        elif _UNNAMED_DOCUMENT.match(opening):
            context[
                LAST_SPEAKER
            ] = []  # "The inquiry report found ...": "it" is that report
        elif _OWN_DOCUMENT.match(opening):
            context.pop(LAST_SPEAKER, None)  # "This report sets out ...": the author's

    def _intro(
        self, s: _Sentence, found: Recommendation | None
    ) -> dict[str, Any] | None:
        """What a list introduced by this sentence is.

        An introduction that asks with its own verb ("The exercise should:",
        "we ask ICBs to focus on:") is the recommendation, completed by its
        items: they are not read again ("absorb"). One that only announces
        ("leaders want to see:", "We ask that:") passes its actor and target to
        each item. None when the sentence introduces no recommendations
        ("Each ICB must have at least:").
        """
        if found is not None:
            ends_in_verb = re.search(
                r"(?:\b(?:should|must|to|be|on|in|by|need to|needs to|include)|\bshould\s+\w+)\s*:$",
                s.text,
                re.I,
            )
            if ends_in_verb and not self._cues.list_intro.search(s.text[-30:]):
                return {"absorb": True}
            return {"actor": found.actor, "target": found.target}
        probe = self.read(
            _Sentence(
                text=s.text.rstrip(":") + " act.",
                orgs=s.orgs,
                actor=s.actor,
                in_quote=s.in_quote,
                in_rec=s.in_rec,
                descriptive=s.descriptive,
                last_subject=s.last_subject,
                last_speaker=s.last_speaker,
                last_asked=s.last_asked,
            )
        )
        if probe is not None:
            return {"actor": probe.actor, "target": probe.target}
        match = self._cues.list_intro.search(s.text)
        if match is None:
            return None
        by = _MADE_BY.search(s.text)
        if by is not None:
            # "The key recommendations made by agents included:": the items are the agents'
            start = by.start("who")
            end = start + len(by.group("who").rstrip(" ,:"))
            named = [o for o in s.orgs if start <= o[0] < end]
            who = (
                named[0][2]
                if named
                else self._cues.determiners.sub(
                    "", by.group("who").strip(" ,:") + " "
                ).strip()
            )
            return {"actor": who or s.actor, "target": None}
        subject_orgs = [o for o in s.orgs if o[1] <= match.start()]
        if subject_orgs:
            return {"actor": subject_orgs[0][2], "target": None}
        lead = re.sub(
            r"['\u2019]s?\s*$", "", s.text[: match.start()].rstrip()
        )  # "The Committee's recommendations"
        speaker = (
            self._speaker(s, 0, len(lead), fold(match.group(0)), generic_is_author=True)
            if lead.strip()
            else _SKIP
        )
        return {"actor": s.actor if speaker is _SKIP else speaker, "target": None}

    def _list_item(
        self, s: _Sentence, rec_list: dict[str, Any]
    ) -> Recommendation | None:
        """An item of a list of recommendations: its own subject if it has one, else the list's target."""
        text = s.text
        target = rec_list.get("target")
        item = text
        if (
            target is None
            and s.orgs
            and not self._cues.determiners.sub(
                "", text[: s.orgs[0][0]].strip() + " "
            ).strip()
        ):
            first, last = _group(text, s.orgs, 0)
            target = _joined(
                _unique([o[2] for o in s.orgs[first : last + 1]])
            )  # "NHS England strengthens ..."
            item = (
                _base_verb(
                    _action(text[s.orgs[last][1] :], self._cues.max_action_words)
                )
                or item
            )
        if target is None:
            words = text.split()
            if len(words) > 1:
                head = self._cues.determiners.sub(
                    "", " ".join(words[:3]).lower() + " "
                ).split()
                if (
                    head
                    and head[0] in self._cues.subject_bodies
                    and words[0].lower() != head[0]
                ):
                    target = self._cues.subject_bodies[
                        head[0]
                    ]  # "Each system publishes ..."
                    item = (
                        _base_verb(
                            " ".join(self._cues.determiners.sub("", text).split()[1:])
                        )
                        or item
                    )
        return Recommendation(
            rec_list.get("actor") or s.actor,
            target,
            _action(item, self._cues.max_action_words),
        )

    def _list_state(
        self, context: dict[str, Any], kind: str, whole: str
    ) -> dict[str, Any] | None:
        """The list this passage is an item of, if any; keeps the list open while items follow."""
        is_item = (
            kind == "list_item" or _BULLET.match(whole) is not None
        )  # "• ..." kept as a paragraph
        rec_list = context.pop(REC_LIST, None) if is_item else None
        context.pop(REC_LIST, None)
        if rec_list is None:
            return None
        whole = self._label(whole)[
            0
        ]  # "1. NHS England ...": a list number is not a sentence of its own
        if not self._continues_list(whole):
            return None
        if not _ends_open(whole) and not whole.strip()[:1].isupper():
            return rec_list  # the last item ("...; and an end to short-term pots.")
        context[REC_LIST] = rec_list
        return rec_list

    def _is_reply(
        self, s: _Sentence, doc_org: str | None, found: Recommendation | None = None
    ) -> bool:
        """A government's answer to the recommendation it quoted: its own voice as the subject, asking nothing."""
        if self._is_reply_opener(s.text):
            return True
        if found is not None:
            return (
                False  # "We recommend that the Government ...": the committee, quoted
            )
        first = re.match(r"^\W*(\w+)", s.text)
        if first is not None and first.group(1).lower() in self._cues.we_words | {
            "our"
        }:
            return True
        if self._cues.judging.search(s.text[:80]):
            return True
        if not s.orgs or s.orgs[0][0] > 12:
            return False
        name = s.orgs[0][2]
        return name == "government" or name == doc_org

    def _is_reply_opener(self, text: str) -> bool:
        return self._cues.reply_opener.match(text) is not None

    def _learn_responding_to(
        self, context: dict[str, Any], text: str, orgs: list[tuple[int, int, str]]
    ) -> None:
        """In a government response, the body whose report it answers: named in the title, else the first pages."""
        if context.get(RESPONDING_TO):
            return
        if RESPONDING_TO not in context:
            title = context.get("doc_title") or ""
            found = self._reporting_body(
                [name for name in orgs_in_text(title)], context
            )
            context[RESPONDING_TO] = found
            if found:
                return
        answered = [
            o[2]
            for o in orgs
            if _ANSWERED_BEFORE.search(text, max(0, o[0] - 40), o[0])
            or _ANSWERED_AFTER.match(text, o[1])
        ]
        if answered:
            context[RESPONDING_TO] = self._reporting_body(
                answered, context, strict=True
            )

    def _reporting_body(
        self, names: list[str], context: dict[str, Any], strict: bool = False
    ) -> str | None:
        doc_org = context.get("doc_org")
        others = [n for n in names if n not in (doc_org, "government")]
        heads = [n for n in others if n.endswith(self._cues.reporting_heads)]
        if heads:
            return heads[0]
        return None if strict or not others else others[0]

    def _continues_list(self, text: str) -> bool:
        """A list item still belongs to an introduced list: one sentence, not a new paragraph of argument."""
        text = text.strip()
        return (
            bool(text)
            and len(text.split()) <= 60
            and len(_SENTENCE_BREAK.findall(text)) == 0
        )

    def _label(self, text: str) -> tuple[str, bool]:
        """The sentence without a list label, and whether the label was "Recommendation N"."""
        for prefix in self._cues.prefixes:
            match = prefix.match(text)
            if match is not None:
                return text[match.end() :], "Recommendation" in prefix.pattern
        return text, False

    def _is_section(self, heading: str | None) -> bool:
        if not heading:
            return False
        folded = fold(heading)
        return any(cue in folded for cue in self._cues.section_headings)

    def _is_descriptive(self, heading: str | None) -> bool:
        if not heading:
            return False
        folded = fold(heading).strip(" .:*")
        return any(
            folded == cue or folded.endswith(" " + cue)
            for cue in self._cues.descriptive_headings
        )


#: a verb of asking whose speaker is not one we can name: the sentence is not read as a request
_SKIP: Any = object()


def _plural(name: str) -> bool:
    """Canonical kinds of body are plural and lower case ("integrated care boards")."""
    return name[:1].islower() and name.endswith("s")


#: A passage's opening label that a sentence splitter may cut off on its own: "27.", "3.2", "(b)", "iv)".
_LABEL_ONLY = re.compile(r"\s*\(?(?:\d{1,3}(?:\.\d{1,3})*|[a-z]|[ivx]{1,4})[.)]?\s*$")


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
    if len(starts) > 1 and _LABEL_ONLY.match(doc[: starts[1]].text):
        del starts[
            1
        ]  # "27." split from "There have been ...": a paragraph's number, not a sentence
    ends = starts[1:] + [len(doc)]
    spans = [Span(doc, start, end) for start, end in zip(starts, ends)]
    doc.user_data[_SENTENCES_KEY] = (len(doc), spans)
    return spans


def _quote_at(
    start: int, end: int, quotes: list[tuple[int, int, str | None]]
) -> tuple[bool, str | None]:
    for q_start, q_end, org in quotes:
        if q_start < end and start < q_end:
            return True, org
    return False, None
