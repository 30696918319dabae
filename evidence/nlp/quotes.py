"""Quotations: the quoted words, who said them, and in what role.

Press releases and trade press attribute quotes before ("Gareth Davies, head
of the NAO, said: “...”") or after ("“...”, said Sir X, chair of Y.") the
words; committee reports quote witnesses in fragments inside their own
sentences ("Ms X justified this on the basis that it was “consistent”") and
introduce block quotations with a line that ends in a colon ("Mr X told us,
for example, that:"), the quotation following as its own paragraph. One
quotation may run over several paragraphs, each opening with “ and only the
last closing. The open quotation, the speaker a paragraph is about and a
pending introduction are kept in the document's shared ``doc._.context``, so
later paragraphs ("she added") get the right speaker.

Quoted words with nobody named as saying them (scare quotes, titles) are not
quotes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..kinds import QUOTE
from .doc_text import doc_facts, doc_text
from .organisations import normalise_org, orgs_in_text
from .patterns import alternation, load_patterns

QUOTE_GROUP = QUOTE.span_group
QUOTE_LABEL = "QUOTE"
#: ``doc.user_data`` key: list of (start char, end char, speaker's organisation or None)
#: for each quote span, read by the recommendations component ("a speaker's
#: quote that urges action" has the speaker's organisation as actor).
QUOTE_ORGS_KEY = "evidence.quote_orgs"

_OPEN = "open_quote"
_LAST = "last_speaker"
_PREV = "quote_in_previous_passage"
_PENDING = "introduced_speaker"
_SUBJECT = "paragraph_subject"
_PERSONS = "quoted_persons"
_PROSE = "prose_speaker"
_TAIL = "previous_sentence"

#: A sentence ends at . ! ? (perhaps after a closing mark or a footnote number) before a capital or a quote.
_SENTENCE_END = re.compile(
    '[.!?]["\u201d\u2019\u2016)]*\\d{0,3}\\s+(?=[A-Z\u201c\u2018\u2015"(])'
)


#: "on Monday", "in March" after a body's name.
_TRAILING_DATE = re.compile(
    r"\s+(?:on|in|at|from|since)\s+(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day"
    r"|January|February|March|April|May|June|July|August|September|October|November|December)$"
)

#: A blank line between two quotations: text given whole (``analyse``) keeps its paragraphs.
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


@dataclass(frozen=True)
class Speaker:
    """Who is quoted: name as written, role as stated, and their organisation."""

    name: str | None  # None for "An NHS England spokesperson said"
    role: str | None
    org: str | None
    person: bool = True  # False for a body ("Cycling England said")


@dataclass(frozen=True)
class _Quotation:
    open_at: int  # index of the opening mark
    start: int  # first quoted character
    end: int  # one past the last quoted character
    close_end: int  # one past the closing mark (== end when the quotation runs on)
    closed: bool


@dataclass
class _Thread:
    """Who is speaking, carried from one quotation of a passage to the next."""

    doc_org: str | None
    persons: set[str]  # people quoted so far in the document
    pending: Speaker | None  # introduced at the end of the passage before ("She said:")
    carried: Speaker | None  # speaker of a quotation still open at that passage's end
    last: Speaker | None  # the last speaker of the document
    subject: Speaker | None = None  # the first speaker attributed in this passage
    previous: _Quotation | None = None
    previous_speaker: Speaker | None = None
    # named speaking in the passage before, which quoted nobody
    prose: Speaker | None = None
    # the last sentence of the passage before, for "It says" opening a paragraph
    tail: str = ""


@dataclass(frozen=True)
class _Cues:
    quoted: re.Pattern[str]
    marks: str
    after_verb_name: re.Pattern[str]
    after_name_verb: re.Pattern[str]
    after_verb_role_name: re.Pattern[str]
    after_pronoun: re.Pattern[str]
    after_body: re.Pattern[str]
    unnamed_end: re.Pattern[str]
    after_verb_unnamed: re.Pattern[str]
    after_unnamed_verb: re.Pattern[str]
    verb_to_end: re.Pattern[str]
    office: re.Pattern[str]
    person_only: re.Pattern[str]
    speaker_verb: re.Pattern[str]
    according: re.Pattern[str]
    subject: re.Pattern[str]
    connective: re.Pattern[str]
    body_start: re.Pattern[str]
    not_name_words: frozenset[str]
    titles: re.Pattern[str]
    honorifics: frozenset[str]
    role_prefix: frozenset[str]
    person_of: re.Pattern[str]
    not_roles: frozenset[str]
    role_head: re.Pattern[str]
    document: re.Pattern[str]
    descriptor: re.Pattern[str]
    group_speakers: frozenset[str]
    other_voice: re.Pattern[str]
    after_it_or_noun: re.Pattern[str]
    before_it_or_noun: re.Pattern[str]
    body_antecedent: re.Pattern[str]
    own_document: re.Pattern[str]
    after_surname: re.Pattern[str]
    person_any: re.Pattern[str]


def _quoted_pattern(pairs: list[list[str]]) -> re.Pattern[str]:
    """One alternative per pair of marks; a double quotation may run to the end of the passage.

    A single curly quotation opens only after a space or bracket and closes
    only before a non-letter, so apostrophes ("Sainsbury’s") are not marks.
    """
    parts = []
    for index, (opening, closing) in enumerate(pairs):
        o, c = re.escape(opening), re.escape(closing)
        if opening == closing:
            # left open only at the passage's end: news copy continues it in the next paragraph
            parts.append(f"{o}(?P<q{index}>[^{o}\\n]*)(?P<c{index}>{c}|$)")
        elif opening == "\u2018":
            parts.append(
                f"(?<![^\\s(\\[\u2014\u2013]){o}(?P<q{index}>(?:[^{o}{c}]|{c}(?=[A-Za-z]))+?)(?P<c{index}>{c}(?![A-Za-z]))"
            )
        else:
            parts.append(f"{o}(?P<q{index}>[^{o}{c}]*)(?P<c{index}>{c}|$)")
    return re.compile("|".join(parts))


@lru_cache(maxsize=1)
def _cues() -> _Cues:
    data = load_patterns("quotes.json")
    verbs = alternation(data["reporting_verbs"])
    any_verb = alternation(data["reporting_verbs"] + data["speech_verbs"])
    titles = alternation(data["honorifics"])
    adverbials = alternation(data["trailing_adverbials"])
    pronouns = "|".join(sorted(map(re.escape, data["pronouns"])))
    # "McCay", "MacDonald", "O'Neill", "Smith-Jones": a capital may follow inside a surname
    word = r"[A-Z][a-z\u00e0-\u00ff'\u2019-]+(?:[A-Z][a-z\u00e0-\u00ff]+)?(?:-[A-Z][a-z'\u2019-]+)?"
    particle = r"(?:de|van|von|du|da|le|la)\s+"
    # a person: a title and a surname, or two to four capitalised words
    person = rf"(?:(?:{titles})\s+(?:[A-Z]\.\s+)*{word}(?:\s+(?:[A-Z]\.\s+)?(?:{particle})?{word}){{0,2}}|{word}(?:\s+(?:[A-Z]\.\s+)?(?:{particle})?{word}){{1,3}})"
    # a body: capitalised words and acronyms joined by small words ("Transport for Quality of Life", "Officials from DH")
    cap = r"(?:[A-Z][A-Za-z\u00e0-\u00ff'\u2019&.-]*[A-Za-z]|[A-Z])"
    body = rf"{cap}(?:\s+(?:(?:of|for|and|from|on|at|in|the|&)\s+){{0,2}}{cap}){{0,6}}"
    speaker = rf"(?:{person}|{body})"
    unnamed = alternation(data["unnamed_speakers"])
    determiners = alternation(data["determiners"])
    # the words before the role's head hold no article or conjunction: "a maternity scandal as the chair" is "chair"
    unnamed_role = rf"(?P<role>(?:(?!(?i:the|a|an|as|but|while|when|whereas)\s)[\w'\u2019&-]+\s+){{0,8}}?(?i:{unnamed})(?:\s+(?:for|at|from|of|in)\s+[^,.;:\u201c\u201d\"]{{2,60}}?)?)"
    # letters after a name: "Layla Moran MP", "Dame Clare Gerada DBE"
    postnominals = r"(?:MP|MSP|MS|AM|KC|QC|DBE|KBE|CBE|OBE|MBE|FRCP|FRCS|PhD)\b"
    pairs = data["quote_pairs"]
    nouns = alternation(data["speaking_nouns"])
    # "the report", "the committee’s final report", "its review": a document or body named by a noun
    noun_phrase = (
        rf"(?i:the|this|that|its|their|our|a|an)\s+(?:[a-z'\u2019]+\s+)?(?:{nouns})"
    )
    marks = "".join(sorted({m for pair in pairs for m in pair}))
    # An apostrophe inside a word ("King’s Fund", "Women’s Institute") is not a closing quotation mark.
    no_mark = f"(?:[^{re.escape(marks)}]|['\u2019](?=[a-z]))"
    no_mark_comma = f"(?:[^,{re.escape(marks)}]|['\u2019](?=[a-z]))"
    return _Cues(
        quoted=_quoted_pattern(pairs),
        marks=marks,
        after_verb_name=re.compile(
            rf"^\s*,?\s*(?:{verbs})\s+(?P<name>{person})(?:,\s*(?P<role>{no_mark}+?))?\s*(?:[.;]\s|[.;]?$)"
        ),
        after_name_verb=re.compile(
            rf"^\s*,?\s*(?P<name>{person})(?:,\s*(?P<role>{no_mark}+?),)?\s+(?:{verbs})\b"
        ),
        after_verb_role_name=re.compile(
            rf"^\s*,?\s*(?:{verbs})\s+(?:the\s+)?(?P<role>[^\u201c\u201d\".]*?[a-z][^\u201c\u201d\".]*?)\s+(?P<name>{person})\s*(?:[.,;]|$)"
        ),
        after_pronoun=re.compile(
            rf"^\s*,?\s*(?:(?:{pronouns})\s+(?:{verbs})|(?:{verbs})\s+(?:{pronouns}))\b",
            re.I,
        ),
        # "”, the National Audit Office (NAO) has said.", "”, said the Department."
        after_body=re.compile(
            rf"^\s*,?\s*(?:(?:the\s+)?(?P<name>{body})(?:\s+\([A-Z][A-Za-z]{{1,9}}\))?\s+(?:has\s+|had\s+)?(?:{verbs})"
            rf"|(?:{verbs})\s+(?:the\s+)?(?P<name2>{body}))\s*(?:[.;,]|$)"
        ),
        unnamed_end=re.compile(rf"(?:^|\s)(?i:{determiners})\s+{unnamed_role}$"),
        after_verb_unnamed=re.compile(
            rf"^\s*,?\s*(?:{verbs})\s+(?i:{determiners})\s+{unnamed_role}\s*(?:[.;,]|$)"
        ),
        # "”, a Department of Health and Social Care spokesperson said."
        after_unnamed_verb=re.compile(
            rf"^\s*,?\s*(?i:{determiners})\s+{unnamed_role}\s+(?:{verbs})\b"
        ),
        # the verb of an unnamed speaker before the words: "As one ICB chair put it, “…”"
        verb_to_end=re.compile(
            r"\b(?:said|says|told|tells|added|adds|explained|commented|stated|warned|noted|wrote|put it|puts it"
            r"|argued|argues|insisted|insists|claimed|claims|described|describes)\b[^.]*$"
        ),
        # "The Minister, Stephen Barclay MP, said": an office named first, then the person holding it
        office=re.compile(
            rf"^(?:the\s+)?(?:{alternation(data['role_heads'])})(?:\s+[A-Z][a-z]+)?(?:\s+(?:of|for)\s+[A-Z][\w\s&]*)?$",
            re.I,
        ),
        person_only=re.compile(rf"^{person}(?:\s+{postnominals})*$"),
        # "<speaker>[, <role>,] <verb>" anywhere in the words before a quotation; also "he said"
        speaker_verb=re.compile(
            rf"(?:(?P<pronoun>\b(?i:{pronouns}))|(?P<name>{speaker})(?:\s+{postnominals})*(?:,\s*(?P<role>{no_mark_comma}+?(?:,\s*(?:[A-Z]|(?:commenting|speaking|responding|reacting|writing)\b){no_mark_comma}*?){{0,3}}),?|(?<=[A-Z]),)?)"
            rf"(?:\s+(?:also|then|later|further|subsequently|similarly|rightly|clearly))?\s+(?P<verb>{any_verb})\b"
            rf"(?:\s+(?:{adverbials}))?"
        ),
        # "”, the report concluded.": words another voice owns, not the last speaker's
        other_voice=re.compile(
            rf"^\s*,?\s*(?i:the|this|that|our|its|their|a|an)\s+[a-z]+(?:\s+[a-z]+)?\s+(?:{any_verb})\b"
        ),
        # "”, it said.", "”, said the report.", "”, the committee's report concluded."
        after_it_or_noun=re.compile(
            rf"^\s*,?\s*(?:(?:(?P<it>it)|(?P<noun>{noun_phrase}))\s+(?:has\s+|had\s+)?(?:{verbs})"
            rf"|(?:{verbs})\s+(?:(?P<it2>it)|(?P<noun2>{noun_phrase})))\s*(?:[.;,:]|$)"
        ),
        # "It said: “", "The committee’s report said that “"
        before_it_or_noun=re.compile(
            rf"(?:(?<![\w-])(?P<it>[Ii]t)|(?<![\w-])(?<!of\s)(?<!for\s)(?<!by\s)(?<!from\s)(?<!to\s)(?<!in\s)(?<!on\s)(?<!into\s)(?P<noun>{noun_phrase}))"
            rf"(?:\s+(?:also|then|further|similarly))?\s+(?:has\s+|had\s+)?(?:{verbs})\b"
        ),
        # the body a sentence is about: "The report, from the X committee on Y, ...", "The NAO's report ..."
        body_antecedent=re.compile(
            rf"(?:(?i:the|this|that|its|their|a|an)\s+(?:[a-z'\u2019-]+\s+){{0,3}}?(?:{nouns})\s*,?\s+(?:from|by|of)\s+(?:the\s+)?"
            rf"(?P<name>{body}(?:\s+(?:select\s+)?(?:committee|inquiry|panel|commission|review|taskforce)(?:\s+(?:on|into|for)\s+[^,.;:]{{1,60}}(?=,))?)?)\s*(?:[,.;:]|\s+[a-z])"
            rf"|(?i:the|this|that|its|their|a|an)\s+(?:[a-z'\u2019-]+\s+){{0,3}}?(?:{nouns})\s+(?:was|were|has\s+been|had\s+been|is)\s+"
            rf"(?:[a-z]+\s+)?(?:published|produced|written|commissioned|issued|released|prepared|carried\s+out)\s+by\s+(?:the\s+)?(?P<by>{body})"
            rf"|(?:The\s+)?(?P<owner>{body})['\u2019]s\s+(?:[a-z-]+\s+)?(?:{nouns})\b"
            rf"|(?i:in|within)\s+(?:its|their)\s+(?:[\w-]+\s+){{0,3}}?(?:{nouns})\s*,\s+(?:the\s+)?(?P<lead>{body})"
            rf"|(?i:new|recent|latest)\s+(?:{nouns})\s+(?:by|from)\s+(?:the\s+)?(?P<by2>{body})"
            rf"|(?P<maker>{body})\s+(?:has\s+|had\s+)?(?:produced|published|issued|released|wrote|commissioned)\b[^.;]*?\b(?:a|an|its|their)\s+(?:[a-z-]+\s+)?(?:{nouns})\b)"
        ),
        own_document=re.compile(r"^(?i:this|our)\s"),
        # "”, said Cumming." / "”, Cumming said.": a surname alone, of someone named before
        after_surname=re.compile(
            rf"^\s*,?\s*(?:(?:{verbs})\s+(?P<name>{word})|(?P<name2>{word})\s+(?:{verbs}))\s*(?:[.;,]|$)"
        ),
        person_any=re.compile(rf"(?<![\w-]){person}"),
        according=re.compile(
            rf"\b(?:[Aa]ccording\s+to|[Aa]s\s+(?=(?:{titles})\s)|[Ii]n\s+the\s+words\s+of)\s+(?:the\s+)?(?P<name>{speaker})(?:,\s*(?P<role>{no_mark_comma}+))?"
        ),
        subject=re.compile(
            rf"^(?P<name>{person})(?:\s+of\s+(?P<org>{body}))?(?=[\s,])"
        ),
        connective=re.compile(
            rf"^(?i:{alternation(data['connective_openers'])})\s*,?\s+(?:(?i:{alternation(data['connective_openers'])})\s*,?\s+)?"
        ),
        body_start=re.compile(rf"^(?:The\s+)?(?P<name>{body})\s+[a-z]"),
        not_name_words=frozenset(data["not_name_words"]),
        titles=re.compile(rf"^(?:{titles})\s"),
        honorifics=frozenset(data["honorifics"]),
        role_prefix=frozenset(data["role_heads"] + data["role_words_before_name"]),
        person_of=re.compile(
            rf"^(?P<name>(?:{titles})\s+{word}(?:\s+{word})?)\s+(?:of|from|at)\s+(?:the\s+)?(?P<org>.+)$"
        ),
        group_speakers=frozenset(data["group_speakers"]),
        document=re.compile(
            rf"\b(?:in|within|under|of|from)\s+(?:the\s+)?(?:Government[\u2019']s\s+)?(?P<name>(?:(?:19|20)\d\d\s+)?(?:[A-Z][A-Za-z'\u2019-]*\s+){{0,6}}"
            rf"(?:{alternation(data['document_nouns'])}))(?:\s+\((?:19|20)\d\d\))?\s*,?\s+(?:to|for|on)\s+(?:the\s+|a\s+|an\s+)?$"
        ),
        descriptor=re.compile(
            rf"^[ \t]*(?:\(|\[|[\u2013\u2014-][ \t]*)(?P<who>[^()\[\]\n\u201c\u201d]{{0,40}}?\b(?i:{alternation(data['descriptor_nouns'])})\b[^()\[\]\n\u201c\u201d]{{0,80}}?)(?:\)|\]|[ \t]*$|[ \t]*\n)"
        ),
        role_head=re.compile(
            rf"^(?:{alternation(data['role_heads'])})(?:\s+[A-Z][a-z]+)?\s+(?:of|for|at)\b"
        ),
        not_roles=frozenset(
            [w.lower() for w in data["not_name_words"]]
            + list(data["connective_openers"])
            + [
                "for example",
                "for instance",
                "too",
                "though",
                "also",
                "again",
                "then",
                "now",
                "in turn",
                "of course",
            ]
        ),
    )


def _is_org(name: str) -> bool:
    """True when a capitalised "name" is an organisation, not a person."""
    known = normalise_org(name)
    return bool(orgs_in_text(name)) or (known is not None and known != name)


def _clean_role(role: str | None) -> str | None:
    if not role:
        return None
    role = re.sub(r"\s+", " ", role)
    # "Labour’s housing spokesperson, commenting on the plan, said": the circumstance is not the role
    role = re.split(
        r",\s*(?:commenting|speaking|responding|reacting|writing)\b", role, maxsplit=1
    )[0]
    role = re.split(r",?\s+(?:who|which|whose)(?:\s+|$)", role, maxsplit=1)[0].strip(
        " ,.;:"
    )
    if not role or len(role.split()) > 20 or not re.search(r"[a-z]", role):
        return None
    if role.lower() in _cues().not_roles:
        return None  # "Mr X, however, said": an adverb between commas, not a role
    return role


def _trim_name(name: str, cues: _Cues) -> str | None:
    """Drop sentence openers caught as capitalised words ("As", "But"); None if nothing is left."""
    words = name.split()
    while words and words[0] in cues.not_name_words:
        words.pop(0)
    if words and words[-1] in cues.not_name_words:
        return None
    return " ".join(words) or None


def _split_role_prefix(
    name: str, role: str | None, cues: _Cues
) -> tuple[str, str | None]:
    """ "Chief Nurse Vicky Morris" is Vicky Morris in the role Chief Nurse; "Dean Smith" stays whole."""
    words = name.split()
    count = 0
    while (
        count < len(words)
        and words[count] in cues.role_prefix
        and words[count] not in cues.honorifics
    ):
        count += 1
    rest = words[count:]
    if count == 0 or not rest or (len(rest) < 2 and rest[0] not in cues.honorifics):
        return name, role
    if rest[0] in cues.honorifics and len(rest) < 2:
        return name, role
    return " ".join(rest), role if role is not None else " ".join(words[:count])


def _person_name(name: str, cues: _Cues, persons: set[str]) -> bool:
    """A person: titled ("Ms Milton"), or already quoted as a person in this document."""
    return bool(cues.titles.match(name + " ")) or name in persons


def _make(
    name: str | None,
    role: str | None,
    context_org: str | None,
    cues: _Cues,
    persons: set[str],
) -> Speaker | None:
    """A speaker from a name found in the text: a person, or a body that speaks ("Cycling England said")."""
    if name is not None:
        name = _trim_name(re.sub(r"\s+", " ", name.strip()), cues)
        if name is None:
            return None
    if name is not None and (
        name.endswith(("\u2019s", "'s", "\u2019", "'"))
        or (" " not in name and name.endswith("ly"))
    ):
        return None  # "Lord X’s plan", "Currently": a possessive or an adverb, not a speaker
    if name is not None and cues.role_head.match(name):
        return (
            None  # "Professor of Social Research": a job title, the name is elsewhere
        )
    if name is not None:
        name, role = _split_role_prefix(name, role, cues)
    if role is not None and re.match(r"(?:who|which|whose)\b", role.strip()):
        # "In her letter to Mr X, who chairs Y, Mrs Z said": Mr X is the one written to;
        # the person after the relative clause speaks
        tail = role.rsplit(",", 1)
        if len(tail) == 2 and cues.person_only.match(tail[1].strip()):
            name, role = tail[1].strip(), None
        else:
            role = None
    if name is not None and role is None:
        # "Mr Ortiz of the Rural Bus Alliance": a titled person and where they are from
        split = cues.person_of.match(name)
        if split is not None:
            name, role = split.group("name"), split.group("org")
    role = _clean_role(role)
    if (
        name is not None
        and role is not None
        and cues.office.match(name)
        and cues.person_only.match(role)
    ):
        name, role = (
            role,
            name,
        )  # "The Minister, Stephen Barclay MP, said": the person, in that office
    elif (
        name is not None
        and role is not None
        and cues.titles.match(role + " ")
        and cues.person_only.match(role)
        and not _person_name(name, cues, persons)
    ):
        # "In his evidence to the Inquiry, Professor Sir Chris Whitty said": the
        # titled person after the comma speaks; the body before it heard them
        name, role = role, None
    if name is None:
        return (
            None
            if role is None
            else Speaker(None, role, _first_org(role) or context_org)
        )
    if _person_name(name, cues, persons) or not _is_org(name):
        if name.split()[-1].lower() in cues.group_speakers or (
            len(name.split()) == 1 and not cues.titles.match(name + " ")
        ):
            # "Officials from DH", "Asda": a body or group named in one word
            return Speaker(name, role, normalise_org(name) or context_org, person=False)
        return Speaker(name, role, _first_org(role) if role else context_org)
    return Speaker(name, role, normalise_org(name) or name, person=False)


def _is_title(words: str) -> bool:
    """‘Evaluating the Health Effects of Social Interventions’: a title, not someone's words."""
    tokens = re.findall(r"[A-Za-z][\w'\u2019-]*", words)
    if len(tokens) < 2 or len(tokens) > 15 or words.rstrip()[-1:] in ".!?":
        return False
    long_words = [t for t in tokens if len(t) > 3]
    capitalised = [t for t in long_words if t[0].isupper()]
    return (
        bool(long_words)
        and tokens[0][0].isupper()
        and len(capitalised) >= 0.75 * len(long_words)
    )


def _first_org(text: str | None) -> str | None:
    if not text:
        return None
    orgs = orgs_in_text(text)
    return orgs[0] if orgs else None


class QuoteFinder:
    """Writes ``doc.spans["quotes"]``: one span per quoted passage with a named speaker."""

    def __init__(
        self,
        nlp: Language,
        name: str = "evidence_quotes",
        *,
        spans_key: str = QUOTE_GROUP,
    ) -> None:
        self.name = name
        self.spans_key = spans_key
        self._cues = _cues()
        self._reporting = frozenset(load_patterns("quotes.json")["reporting_verbs"])

    def __call__(self, doc: Doc) -> Doc:
        context, passage = doc_facts(doc)
        text = doc_text(doc)
        spans: list[Span] = []
        quote_orgs: list[tuple[int, int, str | None]] = []
        doc.spans[self.spans_key] = []
        doc.user_data[QUOTE_ORGS_KEY] = quote_orgs
        if passage.get("kind") == "heading":
            # a new section: nothing said before it carries into it
            for key in (_OPEN, _PENDING, _SUBJECT, _PROSE, _TAIL):
                context.pop(key, None)
            context[_PREV] = False
            return doc
        cues = self._cues
        pending: Speaker | None = context.pop(_PENDING, None)
        carried: Speaker | None = context.pop(_OPEN, None)
        prose: Speaker | None = context.pop(_PROSE, None)
        tail: str = context.pop(_TAIL, "")
        context[_TAIL] = self._last_sentence(text)
        if not any(mark in text for mark in cues.marks):
            self._prose_subject(text, context)
            self._introduction(text, context)
            context[_PREV] = False
            return doc
        state = _Thread(
            doc_org=context.get("doc_org"),
            persons=context.setdefault(_PERSONS, set()),
            pending=pending,
            carried=carried,
            last=context.get(_LAST),
            prose=prose,
            tail=tail,
        )
        if carried is None and context.get(_PREV) and text.lstrip()[:1] in cues.marks:
            state.carried = state.last  # a quotation continued in a new paragraph
        for quotation in self._quotations(text):
            sentence_start, speaker = self._attribute(text, quotation, state, context)
            state.previous, state.previous_speaker = quotation, speaker
            if speaker is None or self._named_work(
                text[sentence_start : quotation.open_at],
                text[quotation.start : quotation.end],
            ):
                continue
            if not self._emit(doc, text, quotation, speaker, spans, quote_orgs):
                continue
            if speaker.person and speaker.name:
                state.persons.add(speaker.name)
            if state.subject is None:
                state.subject = speaker
            state.last = speaker
            if not quotation.closed:
                context[_OPEN] = speaker
        context[_LAST] = state.last
        if state.subject is not None:
            context[_SUBJECT] = state.subject
        else:
            self._prose_subject(text, context)
        context[_PREV] = bool(spans)
        self._introduction(text, context)
        doc.spans[self.spans_key] = spans
        return doc

    def _attribute(
        self,
        text: str,
        quotation: _Quotation,
        state: _Thread,
        context: dict[str, Any],
    ) -> tuple[int, Speaker | None]:
        """Where the quotation's sentence starts, and who says it.

        In order: a speaker named before it in its sentence (else the
        paragraph's subject or the last speaker, for "she said"); the
        speaker of the quotation before it in the same sentence
        ("consistent" and "meaningful": one speaker); a speaker named after
        it ("..., said X"); for a quotation opening the passage and not
        followed by another voice ("”, the review concluded"), the
        speaker of a quotation left open or introduced before it; the
        previous quotation's speaker when only punctuation separates them.
        """
        previous = state.previous
        lead_from = previous.close_end if previous is not None else 0
        lead = text[lead_from : quotation.open_at]
        same_sentence = (
            previous is not None
            and not _SENTENCE_END.search(lead)
            and not _PARAGRAPH_BREAK.search(lead)
        )
        sentence_start = self._sentence_start(text, quotation.open_at, lead_from)
        fallback = state.subject or context.get(_SUBJECT) or state.last
        speaker = self._before(
            text[sentence_start : quotation.open_at],
            text[:sentence_start] or state.tail,
            fallback,
            state.doc_org,
            state.persons,
            state.last,
        )
        if speaker is None and same_sentence and state.previous_speaker is not None:
            speaker = state.previous_speaker
        if speaker is None and quotation.closed:
            # the sentences before this one ("The report, from X, ...") for "it said"
            own_start = self._sentence_start(
                text, min(quotation.open_at + 1, len(text)), lead_from
            )
            speaker = self._after(
                self._same_paragraph(text, quotation),
                text[:own_start] or state.tail,
                fallback,
                state,
            )
        if (
            speaker is None
            and not text[: quotation.open_at].strip()
            and not (
                quotation.closed
                and self._cues.other_voice.match(text[quotation.close_end :])
            )
        ):
            speaker = state.carried or state.pending
            if speaker is None and not text[quotation.close_end :].strip(" .,;"):
                # a paragraph that is only a quotation, after "Mr X said he would stay."
                speaker = state.prose
        if (
            speaker is None
            and state.previous_speaker is not None
            and previous is not None
            and not lead.strip(" ,;:")
        ):
            speaker = state.previous_speaker
        return sentence_start, speaker

    # -- finding the quotations -------------------------------------------------
    def _quotations(self, text: str) -> list[_Quotation]:
        found = []
        for match in self._cues.quoted.finditer(text):
            group = next(
                name
                for name, value in match.groupdict().items()
                if value is not None and name.startswith("q")
            )
            start, end = match.span(group)
            closing = match.group("c" + group[1:])
            found.append(
                _Quotation(
                    match.start(),
                    start,
                    end,
                    match.end(),
                    bool(closing)
                    or match.group(0)[0] == match.group(0)[-1]
                    and len(match.group(0)) > 1,
                )
            )
        return found

    def _emit(
        self,
        doc: Doc,
        text: str,
        quotation: _Quotation,
        speaker: Speaker,
        spans: list[Span],
        quote_orgs: list[tuple[int, int, str | None]],
    ) -> bool:
        words = text[quotation.start : quotation.end]
        stripped = words.strip().rstrip(",")
        if not re.search(r"[A-Za-z]{2,}", stripped):
            return False
        if _is_title(stripped):
            return False
        lead = len(words) - len(words.lstrip())
        span = doc.char_span(
            quotation.start + lead,
            quotation.start + lead + len(stripped.rstrip()),
            alignment_mode="expand",
        )
        if span is None:
            return False
        span = Span(doc, span.start, span.end, label=QUOTE_LABEL)
        span._.finding = {
            "speaker": speaker.name,
            "role": speaker.role,
            "_text": stripped.strip(),
        }
        spans.append(span)
        quote_orgs.append((span.start_char, span.end_char, speaker.org))
        return True

    def _named_work(self, clause: str, words: str) -> bool:
        """ "the Committee's Report on “Public Inquiries: Enhancing public trust”":
        capitalised words after a document's name and "on" are its title, not words quoted from it."""
        return bool(
            re.search(r"\b(?:on|entitled|titled|called)\s*$", clause)
            and self._cues.document.search(clause) is not None
            and words.strip()[:1].isupper()
        )

    @staticmethod
    def _sentence_start(text: str, position: int, floor: int) -> int:
        start = floor
        for match in _SENTENCE_END.finditer(text, floor, position):
            start = match.end()
        for match in _PARAGRAPH_BREAK.finditer(text, start, position):
            start = match.end()  # a sentence never runs back over a blank line
        return start

    @staticmethod
    def _last_sentence(text: str) -> str:
        sentences = [s for s in _SENTENCE_END.split(text.strip()) if s.strip()]
        return sentences[-1] if sentences else ""

    @staticmethod
    def _same_paragraph(text: str, quotation: _Quotation) -> str:
        """The text after a quotation up to the end of its paragraph, where a speaker named after it must be.

        A quotation that ends its sentence and then its line ("… concern.”" and
        a new line) ends its paragraph: the name on the next line speaks
        the next paragraph's words, not these.
        """
        after = text[quotation.close_end :]
        if re.search(r"[.!?]\s*$", text[quotation.start : quotation.end]) and re.match(
            r"[ \t]*\n", after
        ):
            return ""
        found = _PARAGRAPH_BREAK.search(after)
        return after[: found.start()] if found is not None else after

    # -- attribution ----------------------------------------------------------
    def _before(
        self,
        clause: str,
        earlier: str,
        fallback: Speaker | None,
        doc_org: str | None,
        persons: set[str],
        last: Speaker | None = None,
    ) -> Speaker | None:
        """Speaker named in the sentence before a quotation."""
        cues = self._cues
        according = cues.according.search(clause)
        if according is not None:
            found = _make(
                according.group("name"), according.group("role"), doc_org, cues, persons
            )
            if found is not None:
                return found
        # "<name>[, role,] said ...": the last such speaker in the clause
        best: Speaker | None = None
        for match in cues.speaker_verb.finditer(clause):
            if match.group("pronoun"):
                best = self._pronoun(
                    match.group("pronoun"), earlier, fallback, doc_org, persons
                )
                continue
            found = _make(
                match.group("name"), match.group("role"), doc_org, cues, persons
            )
            if found is not None:
                best = found
        if best is not None:
            return best
        spoken = list(cues.before_it_or_noun.finditer(clause))
        if spoken:
            # "It said: “…”", "The committee’s report said that “…”"
            return self._body_speaker(
                spoken[-1].group("noun"), earlier, last, doc_org, persons
            )
        document = cues.document.search(clause)
        if document is not None:
            # "commitments within the 2023 UK Biological Security Strategy, to the “...”": the document speaks
            return Speaker(
                re.sub(r"\s+", " ", document.group("name")), None, doc_org, person=False
            )
        # the sentence's subject is a person: "Ms X justified this on the basis that it was “...”"
        body = cues.connective.sub("", clause.lstrip(), count=1)
        subject = cues.subject.match(body)
        if subject is not None:
            name = _trim_name(subject.group("name"), cues)
            if name and _person_name(name, cues, persons):
                return _make(name, subject.group("org"), doc_org, cues, persons)
        return self._unnamed_before(clause, doc_org)

    def _unnamed_before(self, clause: str, doc_org: str | None) -> Speaker | None:
        """ "An NHS England spokesperson said:" gives speaker null and the role."""
        cues = self._cues
        verbs = cues.verb_to_end.search(clause)
        if verbs is None:
            return None
        left = re.sub(r"^(?i:as)\s+", "", clause[: verbs.start()].rstrip(" ,").lstrip())
        unnamed = cues.unnamed_end.search(left)
        if unnamed is not None:
            role = _clean_role(unnamed.group("role"))
            return Speaker(None, role, _first_org(role) or doc_org) if role else None
        return None

    def _pronoun(
        self,
        pronoun: str,
        earlier: str,
        fallback: Speaker | None,
        doc_org: str | None,
        persons: set[str],
    ) -> Speaker | None:
        """ "he/she said" is the person the paragraph is about; "they said" the body the last sentence was about."""
        if pronoun.lower() == "they":
            sentences = [s for s in _SENTENCE_END.split(earlier.strip()) if s.strip()]
            if sentences:
                body = self._cues.connective.sub("", sentences[-1].lstrip(), count=1)
                match = self._cues.body_start.match(body)
                if match is not None:
                    found = _make(
                        match.group("name"), None, doc_org, self._cues, persons
                    )
                    if found is not None and not found.person:
                        return found
            return fallback if fallback is not None and not fallback.person else None
        return fallback if fallback is not None and fallback.person else None

    def _body_speaker(
        self,
        noun: str | None,
        earlier: str,
        last: Speaker | None,
        doc_org: str | None,
        persons: set[str],
    ) -> Speaker:
        """ "it said", "the report said": the body the sentence before is about.

        "This report" and "our review" are the document's own author. Else the
        body the sentence before is about ("The report, from X, ...", "The
        NAO published ...") or whose document it names ("in the NAO's
        report"); else the last body quoted; else the noun as written ("the
        government", "the report"): in a response or a committee report,
        "the report" is most often another body's, not the author's own.
        """
        cues = self._cues
        written = re.sub(r"\s+", " ", noun).strip() if noun else None
        if written and doc_org and cues.own_document.match(written):
            return Speaker(doc_org, None, doc_org, person=False)
        owner = re.match(r"(?i:the)\s+([a-z]+)['\u2019]s\s", written or "")
        if owner is not None:
            written = "the " + owner.group(1)  # "the committee's report": the committee
        sentences = [s for s in _SENTENCE_END.split(earlier.strip()) if s.strip()]
        if sentences:
            sentence = cues.connective.sub("", sentences[-1].strip(), count=1)
            antecedent = cues.body_antecedent.match(sentence)
            subject = cues.body_start.match(sentence)
            found = (
                _make(subject.group("name"), None, doc_org, cues, persons)
                if subject is not None and antecedent is None
                else None
            )
            if (
                found is not None
                and not found.person
                and found.name
                and (_is_org(found.name) or " " in found.name)
            ):
                return found  # "The National Audit Office published ... “…,” it said."
            if found is None or not found.person:
                antecedent = antecedent or cues.body_antecedent.search(sentence)
            if antecedent is not None:
                name = re.sub(
                    r"\s+",
                    " ",
                    antecedent.group("name")
                    or antecedent.group("owner")
                    or antecedent.group("by")
                    or antecedent.group("lead")
                    or antecedent.group("maker")
                    or antecedent.group("by2"),
                )
                # "published by the X Institute on Monday": the date is not the name
                trimmed = _trim_name(_TRAILING_DATE.sub("", name), cues)
                if trimmed is not None:
                    return Speaker(
                        trimmed, None, normalise_org(trimmed) or trimmed, person=False
                    )
        if last is not None and not last.person and last.name:
            return last
        return Speaker(written, None, _first_org(written) or doc_org, person=False)

    def _surname(
        self, name: str, earlier: str, doc_org: str | None, persons: set[str]
    ) -> Speaker | None:
        """ "said Cumming": the person of that surname named before, else a person named only so."""
        cues = self._cues
        if name in cues.not_name_words or _is_org(name):
            return None
        known = [p for p in persons if p.split()[-1] == name]
        for match in cues.person_any.finditer(earlier):
            full = _trim_name(match.group(0), cues)
            if full and full.split()[-1] == name and not _is_org(full):
                known.append(full)
        return Speaker(known[-1] if known else name, None, doc_org)

    def _after(
        self,
        text: str,
        earlier: str,
        fallback: Speaker | None,
        state: _Thread,
    ) -> Speaker | None:
        """Speaker named just after a quotation ("”, said Sir X, chair of Y.")."""
        cues = self._cues
        doc_org, persons = state.doc_org, state.persons
        described = cues.descriptor.match(text)
        if described is not None:
            # "“...” (Agent, sole trader, 21-100 returns)": an anonymised speaker described after the words
            who = re.sub(r"\s+", " ", described.group("who")).strip(" ,;:")
            return Speaker(who, None, doc_org, person=False)
        for pattern in (cues.after_verb_name, cues.after_name_verb):
            match = pattern.search(text)
            if match is not None:
                found = _make(
                    match.group("name"), match.group("role"), doc_org, cues, persons
                )
                if found is not None and found.person:
                    return found
        match = cues.after_verb_unnamed.search(text) or cues.after_unnamed_verb.search(
            text
        )
        if match is not None:
            role = _clean_role(match.group("role"))
            if role:
                return Speaker(None, role, _first_org(role) or doc_org)
        match = cues.after_verb_role_name.search(text)
        if match is not None:
            found = _make(
                match.group("name"), match.group("role"), doc_org, cues, persons
            )
            if found is not None and found.person:
                return found
        match = cues.after_body.search(text)
        if match is not None:
            name = match.group("name") or match.group("name2")
            if _is_org(name):
                return _make(name, None, doc_org, cues, persons)
        match = cues.after_surname.search(text)
        if match is not None:
            found = self._surname(
                match.group("name") or match.group("name2"), earlier, doc_org, persons
            )
            if found is not None:
                return found
        match = cues.after_it_or_noun.search(text)
        if match is not None:
            return self._body_speaker(
                match.group("noun") or match.group("noun2"),
                earlier,
                state.last,
                doc_org,
                persons,
            )
        if cues.after_pronoun.search(text):
            # "“…,” she said.": words someone said, though the text has not named her here
            return fallback if fallback is not None else Speaker(None, None, None)
        return None

    def _prose_subject(self, text: str, context: dict[str, Any]) -> None:
        """ "Simon Wright said he would not resign.": a paragraph about a person, though it quotes nobody.

        The last person it names as saying something becomes the paragraph
        subject, so "“…,” he said." in the next paragraph is theirs.
        """
        cues = self._cues
        persons: set[str] = context.setdefault(_PERSONS, set())
        found: Speaker | None = None
        for match in cues.speaker_verb.finditer(text):
            if match.group("pronoun") or match.group("verb") not in self._reporting:
                continue
            speaker = _make(
                match.group("name"),
                match.group("role"),
                context.get("doc_org"),
                cues,
                persons,
            )
            if speaker is not None and speaker.person and speaker.name:
                found = speaker
        if found is not None:
            context[_SUBJECT] = context[_PROSE] = found

    def _introduction(self, text: str, context: dict[str, Any]) -> None:
        """A paragraph that ends "X told us, for example, that:" introduces the quotation that follows."""
        tail = text.rstrip()
        if not tail.endswith((":", " that", ",")):
            return
        start = self._sentence_start(tail, len(tail), 0)
        clause = tail[start:]
        if any(mark in clause for mark in self._cues.marks):
            return
        persons: set[str] = context.setdefault(_PERSONS, set())
        found = self._before(
            clause,
            tail[:start],
            context.get(_SUBJECT) or context.get(_LAST),
            context.get("doc_org"),
            persons,
        )
        if found is not None:
            context[_PENDING] = found


def quote_orgs(doc: Doc) -> list[tuple[int, int, str | None]]:
    """(start char, end char, speaker's organisation) of each quote the component found."""
    return list(doc.user_data.get(QUOTE_ORGS_KEY, []))
