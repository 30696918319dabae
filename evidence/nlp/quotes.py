"""Quotations: the quoted words, who said them, and in what role.

Press releases and trade press attribute quotes before ("Gareth Davies, head
of the NAO, said: “...”") or after ("“...”, said Sir X, chair of Y.") the
words, and run one quotation over several paragraphs, each opening with “
and only the last closing. The open quotation and the last speaker are kept
in the document's shared ``doc._.context`` so later paragraphs (and "she
added") get the right speaker.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from spacy.language import Language
from spacy.tokens import Doc, Span

from .doc_text import doc_facts, doc_text
from .organisations import PATTERNS_DIR, normalise_org, orgs_in_text

QUOTE_GROUP = "quotes"
QUOTE_LABEL = "QUOTE"
#: ``doc.user_data`` key: list of (start char, end char, speaker's organisation or None)
#: for each quote span, read by the recommendations component ("a speaker's
#: quote that urges action" has the speaker's organisation as actor).
QUOTE_ORGS_KEY = "evidence.quote_orgs"

_OPEN = "open_quote"
_LAST = "last_speaker"
_PREV = "quote_in_previous_passage"

_QUOTED = re.compile(r"\u201c([^\u201c\u201d]*)(\u201d|$)|\"([^\"\n]*)\"")
_SENTENCE_END = re.compile(r"[.!?](?=\s+[A-Z\u201c\"])")


@dataclass(frozen=True)
class Speaker:
    """Who is quoted: name as written, role as stated, and their organisation."""

    name: str | None  # None for "An NHS England spokesperson said"
    role: str | None
    org: str | None


@dataclass(frozen=True)
class _Cues:
    before: re.Pattern[str]
    name_end: re.Pattern[str]
    name_role: re.Pattern[str]
    after_verb_name: re.Pattern[str]
    after_name_verb: re.Pattern[str]
    after_verb_role_name: re.Pattern[str]
    after_pronoun: re.Pattern[str]
    pronoun_end: re.Pattern[str]
    unnamed_end: re.Pattern[str]
    after_verb_unnamed: re.Pattern[str]
    name_verb_inside: re.Pattern[str]
    min_words: int


@lru_cache(maxsize=1)
def _cues() -> _Cues:
    data = json.loads((PATTERNS_DIR / "quotes.json").read_text(encoding="utf-8"))
    verbs = "|".join(sorted(map(re.escape, data["reporting_verbs"]), key=len, reverse=True))
    titles = "|".join(sorted((re.escape(h).replace(r"\ ", r"\s+") for h in data["honorifics"]), key=len, reverse=True))
    adverbials = "|".join(sorted((re.escape(a).replace(r"\ ", r"\s+") for a in data["trailing_adverbials"]), key=len, reverse=True))
    pronouns = "|".join(sorted(map(re.escape, data["pronouns"])))
    word = r"[A-Z][a-z\u00e0-\u00ff'\u2019-]+(?:-[A-Z][a-z'\u2019-]+)?"
    name = rf"(?:(?:{titles})\s+)?{word}(?:\s+(?:[A-Z]\.\s+)?(?:(?:de|van|von|du|da|le|la)\s+)?{word}){{1,3}}"
    unnamed = _alternation(data["unnamed_speakers"])
    determiners = _alternation(data["determiners"])
    unnamed_role = rf"(?P<role>(?:[\w'\u2019&-]+\s+){{0,5}}?(?:{unnamed})(?:\s+(?:for|at|from|of|in)\s+[^,.;:\u201c\u201d\"]{{2,60}}?)?)"
    return _Cues(
        before=re.compile(rf"\b(?:{verbs})(?:\s+(?:{adverbials}))?\s*[:,]?\s*$"),
        name_end=re.compile(rf"(?P<name>{name})$"),
        name_role=re.compile(rf"(?P<name>{name}),\s+(?P<role>[^\u201c\u201d\"]+)$"),
        after_verb_name=re.compile(
            rf"^\s*,?\s*(?:{verbs})\s+(?P<name>{name})(?:,\s*(?P<role>[^\u201c\u201d\"]+?))?\s*(?:[.;]\s|[.;]?$)"
        ),
        after_name_verb=re.compile(
            rf"^\s*,?\s*(?P<name>{name})(?:,\s*(?P<role>[^\u201c\u201d\"]+?),)?\s+(?:{verbs})\b"
        ),
        after_verb_role_name=re.compile(
            rf"^\s*,?\s*(?:{verbs})\s+(?:the\s+)?(?P<role>[^\u201c\u201d\".]*?[a-z][^\u201c\u201d\".]*?)\s+(?P<name>{name})\s*(?:[.,;]|$)"
        ),
        after_pronoun=re.compile(rf"^\s*,?\s*(?:(?:{pronouns})\s+(?:{verbs})|(?:{verbs})\s+(?:{pronouns}))\b", re.I),
        pronoun_end=re.compile(rf"\b(?:{pronouns})$", re.I),
        unnamed_end=re.compile(rf"(?:^|\s)(?i:{determiners})\s+{unnamed_role}$"),
        after_verb_unnamed=re.compile(rf"^\s*,?\s*(?:{verbs})\s+(?i:{determiners})\s+{unnamed_role}\s*(?:[.;,]|$)"),
        name_verb_inside=re.compile(
            rf"(?P<name>{name})(?:,\s*(?P<role>[^,\u201c\u201d\"]+),)?\s+(?:{verbs})\b"
        ),
        min_words=int(data["min_words_unattributed"]),
    )


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


def _is_org(name: str) -> bool:
    """True when a capitalised "name" is an organisation, not a person."""
    known = normalise_org(name)
    return bool(orgs_in_text(name)) or (known is not None and known != name)


def _clean_role(role: str | None) -> str | None:
    if not role:
        return None
    role = re.sub(r"\s+", " ", role)
    role = re.split(r",?\s+(?:who|which|whose)\s+", role, maxsplit=1)[0].strip(" ,.;:")
    if not role or len(role.split()) > 20 or not re.search(r"[a-z]", role):
        return None
    return role


def _speaker(name: str | None, role: str | None, context_org: str | None) -> Speaker | None:
    name = name.strip() if name else None
    if name is not None and _is_org(name):
        return None
    role = _clean_role(role)
    if name is None and role is None:
        return None
    orgs = orgs_in_text(role) if role else []
    return Speaker(name=name, role=role, org=orgs[0] if orgs else context_org)


def _attribution_before(text: str, cues: _Cues, last: Speaker | None, doc_org: str | None) -> Speaker | None:
    """Speaker named in the words leading up to a quotation, if they end in a reporting verb."""
    clause = _SENTENCE_END.split(text)[-1]
    verb = cues.before.search(clause)
    if verb is None:
        # reported speech running into the quotation: "X, chief executive of Y, said the cut had “...”"
        match = cues.name_verb_inside.search(clause)
        if match is not None and not _is_org(match.group("name")):
            return _speaker(match.group("name"), match.group("role"), doc_org)
        return None
    left = clause[: verb.start()].rstrip(" ,")
    if cues.pronoun_end.search(left):
        return last
    unnamed = cues.unnamed_end.search(left)
    if unnamed is not None:
        return _speaker(None, unnamed.group("role"), doc_org)
    match = cues.name_role.search(left)
    if match is not None and not _is_org(match.group("name")):
        return _speaker(match.group("name"), match.group("role"), doc_org)
    match = cues.name_end.search(left)
    if match is not None:
        role = left[: match.start()].strip(" ,") or None
        if role is not None and role[:1].isupper() and not re.search(r"\b[a-z]{3,}", role):
            role = None
        return _speaker(match.group("name"), role, doc_org)
    return None


def _attribution_after(text: str, cues: _Cues, last: Speaker | None, doc_org: str | None) -> Speaker | None:
    """Speaker named just after a quotation ("”, said Sir X, chair of Y.")."""
    for pattern in (cues.after_verb_name, cues.after_name_verb):
        match = pattern.search(text)
        if match is not None and not _is_org(match.group("name")):
            return _speaker(match.group("name"), match.group("role"), doc_org)
    match = cues.after_verb_unnamed.search(text)
    if match is not None:
        return _speaker(None, match.group("role"), doc_org)
    match = cues.after_verb_role_name.search(text)
    if match is not None and not _is_org(match.group("name")):
        return _speaker(match.group("name"), match.group("role"), doc_org)
    if cues.after_pronoun.search(text):
        return last
    return None


class QuoteFinder:
    """Writes ``doc.spans["quotes"]``: one span per quoted passage with a named speaker."""

    def __init__(self, nlp: Language, name: str = "evidence_quotes") -> None:
        self.name = name
        self._cues = _cues()

    def __call__(self, doc: Doc) -> Doc:
        context, passage = doc_facts(doc)
        text = doc_text(doc)
        spans: list[Span] = []
        quote_orgs: list[tuple[int, int, str | None]] = []
        if passage.get("kind") == "heading":
            context.pop(_OPEN, None)
            context[_PREV] = False
            doc.spans[QUOTE_GROUP] = spans
            return doc
        doc_org = context.get("doc_org")
        last: Speaker | None = context.get(_LAST)
        carried: Speaker | None = context.pop(_OPEN, None)
        if carried is None and context.get(_PREV) and text.lstrip().startswith(("\u201c", '"')):
            carried = last
        found_any = False
        for match in _QUOTED.finditer(text):
            group = 1 if match.group(1) is not None else 3
            start, end = match.start(group), match.end(group)
            words = text[start:end]
            closed = group == 3 or match.group(2) == "\u201d"
            speaker = _attribution_before(text[: match.start()], self._cues, last, doc_org)
            if speaker is None and closed:
                speaker = _attribution_after(text[match.end():], self._cues, last, doc_org)
            if speaker is None and carried is not None and not text[: match.start()].strip():
                speaker = carried
            if speaker is None and found_any and last is not None:
                speaker = last  # a quotation resumed after "..., said X."
            if speaker is None:
                continue
            stripped = words.strip().rstrip(",")
            if len(stripped.split()) < 2:
                continue
            lead = len(words) - len(words.lstrip())
            span = doc.char_span(start + lead, start + lead + len(stripped.rstrip()), alignment_mode="expand")
            if span is None:
                continue
            span = Span(doc, span.start, span.end, label=QUOTE_LABEL)
            span._.finding = {"speaker": speaker.name, "role": speaker.role, "_text": stripped.strip()}
            spans.append(span)
            quote_orgs.append((span.start_char, span.end_char, speaker.org))
            last = speaker
            found_any = True
            if not closed:
                context[_OPEN] = speaker
        context[_LAST] = last
        context[_PREV] = found_any
        doc.spans[QUOTE_GROUP] = spans
        doc.user_data[QUOTE_ORGS_KEY] = quote_orgs
        return doc


def quote_orgs(doc: Doc) -> list[tuple[int, int, str | None]]:
    """(start char, end char, speaker's organisation) of each quote the component found."""
    return list(doc.user_data.get(QUOTE_ORGS_KEY, []))
