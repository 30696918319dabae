"""Organisation names: one canonical name per body, whatever a document calls it.

Briefings group findings by who said what, so "the NAO", "National Audit
Office" and "C&AG" must all become one name. The gazetteer lives in
``patterns/organisations.json``; acronyms a document defines for itself
("the Public Accounts Committee (PAC)") are learned per document through the
shared ``doc._.context`` and per corpus by whoever stores
:func:`find_acronym_definitions` results.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.vocab import Vocab

from .doc_text import doc_text
from .patterns import PATTERNS_DIR, load_patterns

#: the shipped gazetteer (``gazetteer(path)`` reads another).
GAZETTEER_PATH = PATTERNS_DIR / "organisations.json"
#: span group and label the component writes.
ORG_GROUP = "orgs"
ORG_LABEL = "ORG"
#: context key holding acronyms a document defined: acronym -> canonical name.
CONTEXT_ACRONYMS = "acronyms"
#: context key: the first named body of each kind in a document ("committee" ->
#: "Adult Social Care ... Scrutiny Committee"), for "the Committee", "the council".
CONTEXT_BODIES = "bodies_by_head"

_BLOCKER = "__blocker__"
_ORGS_KEY = "evidence.orgs"
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})
_SPACES = re.compile(r"\s+")
_REF_CODE = re.compile(r"\s*[\(\[]?\b(?:[A-Z]{2,6}\s?\d{3,5}|HC\s\d{1,5})[\)\]]?\s*$")
_POSSESSIVE = re.compile(r"['\u2019]s?$")
_EDGE_JUNK = " \t\n\"'\u201c\u201d\u2018\u2019.,;:()[]-\u2013\u2014"
_LEADING_WORDS = frozenset(
    "a an the our this that these those each every all any both some many most its their his her we "
    "in at on for by with from to and as if when while it recommendation recommendations".split()
)


@dataclass(frozen=True)
class Gazetteer:
    """The organisations data file, indexed for lookups."""

    by_alias: dict[str, str]
    by_acronym: dict[str, str]
    aliases: tuple[tuple[str, str], ...]
    acronyms: tuple[tuple[str, str], ...]
    blockers: tuple[str, ...]
    heads: frozenset[str]
    prefix_heads: tuple[str, ...]
    joiners: frozenset[str]
    name_patterns: tuple[str, ...]
    pronouns: frozenset[str]


def fold(text: str) -> str:
    """Lowercase, straight apostrophes, single spaces: the form aliases are compared in."""
    return _SPACES.sub(" ", text.translate(_APOSTROPHES)).strip().lower()


@cache
def gazetteer(path: Path | None = None) -> Gazetteer:
    """Load (once) the organisations gazetteer."""
    data = load_patterns(path or GAZETTEER_PATH)
    by_alias: dict[str, str] = {}
    by_acronym: dict[str, str] = {}
    aliases: list[tuple[str, str]] = []
    acronyms: list[tuple[str, str]] = []
    for entry in [*data["organisations"], *data.get("other_bodies", [])]:
        name = entry["name"]
        for alias in [name, *entry.get("aliases", [])]:
            by_alias.setdefault(fold(alias), name)
            aliases.append((alias, name))
        for acronym in entry.get("acronyms", []):
            by_acronym.setdefault(acronym, name)
            acronyms.append((acronym, name))
    return Gazetteer(
        by_alias=by_alias,
        by_acronym=by_acronym,
        aliases=tuple(aliases),
        acronyms=tuple(acronyms),
        blockers=tuple(data.get("blockers", [])),
        heads=frozenset(data.get("org_heads", [])),
        prefix_heads=tuple(data.get("prefix_heads", [])),
        joiners=frozenset(data.get("org_name_joiners", [])),
        name_patterns=tuple(data.get("name_patterns", [])),
        pronouns=frozenset(data.get("pronouns_not_orgs", [])),
    )


def tidy_org(name: str) -> str:
    """The name without reference codes, quotes, possessives or edge punctuation."""
    text = _SPACES.sub(" ", name).strip()
    text = _REF_CODE.sub("", text).strip(_EDGE_JUNK)
    text = _POSSESSIVE.sub("", text).strip(_EDGE_JUNK)
    if text[:4] == "the ":
        text = text[4:]
    return text


def normalise_org(
    name: str | None, *, acronyms: Mapping[str, str] | None = None
) -> str | None:
    """The canonical name of an organisation, or the name tidied if it is not known.

    ``acronyms`` (acronym -> name) adds definitions a document or corpus made
    for itself. Returns None for an empty or punctuation-only name.
    """
    if not name:
        return None
    text = tidy_org(name)
    if not text:
        return None
    gaz = gazetteer()
    if text.lower() in gaz.pronouns:
        return None  # "We" is the author speaking, never a body's name
    folded = fold(text)
    # "Department for Business & Trade": an ampersand stands for "and" in a known name
    anded = re.sub(r"\s*&\s*", " and ", folded)
    for form in dict.fromkeys((folded, anded)):
        for key in (form, form[4:] if form.startswith("the ") else "the " + form):
            if key in gaz.by_alias:
                return gaz.by_alias[key]
    for key in (text, text[4:] if text.startswith("The ") else text):
        if key in gaz.by_acronym:
            return gaz.by_acronym[key]
        if acronyms and key in acronyms:
            return normalise_org(acronyms[key]) or acronyms[key]
    if text.isupper() and len(text.split()) > 1:
        text = _title_case(
            text, gaz.joiners
        )  # "WESTMOOR COUNTY COUNCIL" from a letterhead
        if text.startswith("The "):
            text = text[4:]
    return text


def _title_case(text: str, joiners: frozenset[str]) -> str:
    words = text.lower().split()
    return " ".join(
        w if i and w in joiners else w[:1].upper() + w[1:] for i, w in enumerate(words)
    )


# --- acronym definitions -------------------------------------------------

_PAREN_ACRONYM = re.compile(r"\((?:the\s+)?([A-Z][A-Za-z&/]*[A-Z](?:s|['\u2019]s)?)\)")
_ACRONYM_THEN_PAREN = re.compile(r"\b([A-Z][A-Za-z&/]*[A-Z])s?\s+\(([^()]{3,100})\)")
_NAME_TAIL = re.compile(r"(?:[A-Z][\w'\u2019-]*\s+)+$")
_WORD = re.compile(r"[A-Za-z][\w'\u2019&-]*|&")


def _initials_match(
    letters: list[str], words: list[str], joiners: frozenset[str]
) -> int | None:
    """Index into ``words`` where an expansion of ``letters`` starts, reading backwards."""
    need = list(letters)
    for index in range(len(words) - 1, -1, -1):
        word = words[index]
        if word.lower() in joiners or word == "&":
            if not need:
                return None
            continue
        parts = [p for p in word.split("-") if p]
        consumed = False
        for candidate in (word, *parts[::-1]) if len(parts) > 1 else (word,):
            if (
                len(candidate) >= 2
                and candidate.isupper()
                and "".join(need).endswith(candidate)
            ):
                del need[-len(candidate) :]
                consumed = True
                break
        if not consumed:
            initials = [p[0].upper() for p in parts] if parts else [word[0].upper()]
            if len(initials) <= len(need) and need[-len(initials) :] == initials:
                del need[-len(initials) :]
            elif need and word[0].upper() == need[-1]:
                need.pop()
            else:
                return None
        if not need:
            return index
    return None


def find_acronym_definitions(text: str) -> list[tuple[str, str]]:
    """(acronym, full name) pairs a text defines, in order of appearance.

    Handles "integrated care boards (ICBs)" -> ("ICBs", "integrated care
    boards") and the reverse "PAC (Public Accounts Committee)". The full name
    must spell the acronym's capitals with its words' initials, so "(see
    Figure 2)" or "(HC 1234)" are not taken for definitions.
    """
    if "(" not in text:
        return []
    joiners = gazetteer().joiners | {"to", "with", "at"}
    found: list[tuple[int, str, str]] = []
    for match in _PAREN_ACRONYM.finditer(text):
        acronym = match.group(1)
        letters = [c for c in acronym if c.isupper()]
        before = list(_WORD.finditer(text, max(0, match.start() - 160), match.start()))[
            -14:
        ]
        words = [m.group(0) for m in before]
        start = _initials_match(letters, words, joiners)
        if start is None:
            continue
        expansion = text[before[start].start() : match.start()].strip(_EDGE_JUNK)
        expansion = (
            _POSSESSIVE.sub("", expansion)
            if expansion.endswith(("'s", "\u2019s"))
            else expansion
        )
        if expansion and _SPACES.search(expansion):
            found.append((match.start(1), acronym, expansion))
    for match in _ACRONYM_THEN_PAREN.finditer(text):
        acronym, inner = match.group(1), match.group(2).strip()
        words = [m.group(0) for m in _WORD.finditer(inner)]
        letters = [c for c in acronym if c.isupper()]
        if words and _initials_match(letters, words, joiners) == 0:
            found.append(
                (match.start(1), match.group(0).split()[0].strip(_EDGE_JUNK), inner)
            )
    found.sort()
    seen: set[tuple[str, str]] = set()
    result: list[tuple[str, str]] = []
    for _, acronym, expansion in found:
        if (acronym, expansion) not in seen:
            seen.add((acronym, expansion))
            result.append((acronym, expansion))
    return result


# --- the component -------------------------------------------------------


def _looks_like_org(name: str, gaz: Gazetteer) -> bool:
    words = name.split()
    return bool(words) and (fold(name) in gaz.by_alias or words[-1] in gaz.heads)


class OrganisationTagger:
    """Marks organisation mentions as ``doc.spans["orgs"]`` with their canonical name.

    Two PhraseMatchers (aliases on lowercase text, acronyms exact) find the
    known bodies; a regex finds capitalised names ending in an organisation
    word ("Northshire County Council") where no known body was found; and
    acronyms defined earlier in the same document are recognised too.
    """

    def __init__(
        self,
        nlp: Language,
        name: str = "evidence_organisations",
        *,
        spans_key: str = ORG_GROUP,
    ) -> None:
        self.name = name
        self.spans_key = spans_key
        gaz = gazetteer()
        self._aliases = PhraseMatcher(nlp.vocab, attr="LOWER")
        self._acronyms = PhraseMatcher(nlp.vocab, attr="ORTH")
        by_name: dict[str, list[Doc]] = {}
        for alias, canonical in gaz.aliases:
            variants = {alias, alias.replace("'", "\u2019")}
            by_name.setdefault(canonical, []).extend(
                nlp.make_doc(v) for v in sorted(variants)
            )
        for canonical, docs in by_name.items():
            self._aliases.add(canonical, docs)
        self._aliases.add(_BLOCKER, [nlp.make_doc(b) for b in gaz.blockers])
        acronyms: dict[str, list[Doc]] = {}
        for acronym, canonical in gaz.acronyms:
            acronyms.setdefault(canonical, []).append(nlp.make_doc(acronym))
            closing = nlp.make_doc(acronym + ".")
            if (
                len(closing) == 1
            ):  # the tokenizer keeps the full stop on "DfT." at a sentence end
                acronyms[canonical].append(closing)
        for canonical, docs in acronyms.items():
            self._acronyms.add(canonical, docs)
        heads = "|".join(sorted(map(re.escape, gaz.heads)))
        joiners = "|".join(sorted(map(re.escape, gaz.joiners)))
        self._generic = re.compile(
            rf"\b(?:[A-Z][\w'\u2019&-]*\s+(?:(?:{joiners})\s+)*){{1,6}}(?:{heads})\b"
        )
        self._definite = re.compile(
            rf"\b[Tt]he\s+(?P<head>(?i:{heads}))\b(?!\s+(?:of|for)\b)"
        )
        prefixes = "|".join(sorted(map(re.escape, gaz.prefix_heads))) or r"(?!x)x"
        self._local = re.compile(rf"\b(?:{prefixes})(?:\s+[A-Z][\w'\u2019-]+){{1,3}}")
        self._named = [re.compile(pattern) for pattern in gaz.name_patterns]
        self._gaz = gaz

    def __call__(self, doc: Doc) -> Doc:
        context = doc._.context
        if not isinstance(context, dict):
            context = None
        text = doc_text(doc)
        if context is not None and "(" in text:
            self._learn(text, context)
        spans = []
        offsets = []
        for start, end, canonical in self.mentions(doc, context):
            span = Span(doc, start, end, label=ORG_LABEL)
            span._.finding = {"name": canonical}
            spans.append(span)
            offsets.append((span.start_char, span.end_char, canonical))
        doc.spans[self.spans_key] = spans
        doc.user_data[_ORGS_KEY] = offsets
        return doc

    def _learn(self, text: str, context: dict[str, Any]) -> None:
        learned = context.setdefault(CONTEXT_ACRONYMS, {})
        for acronym, expansion in find_acronym_definitions(text):
            if acronym in self._gaz.by_acronym or not _looks_like_org(
                expansion, self._gaz
            ):
                continue
            # "The Westmoor Health and Wellbeing Board (HWB)": the body's name
            # includes the place the initials leave out.
            at = text.find(expansion + " (" + acronym)
            before = _NAME_TAIL.search(text, 0, at) if at > 0 else None
            if before is not None:
                words = before.group(0).split()
                while words and words[0].lower() in _LEADING_WORDS:
                    words = words[1:]
                if words:
                    expansion = " ".join(words) + " " + expansion
            learned.setdefault(acronym, normalise_org(expansion) or expansion)

    def mentions(
        self, doc: Doc, context: Mapping[str, Any] | None = None
    ) -> list[tuple[int, int, str]]:
        """(start token, end token, canonical name) of each mention, left to right.

        Candidates come from the gazetteer (aliases, then acronyms), the name
        patterns ("Northshire County Council" by its prefix head, then
        ``name_patterns``) and the acronyms this document defined; the
        longest wins where they overlap. Generic names ending in an
        organisation word are added where they do not contradict a known
        body; "the Board" then resolves to the body last named.
        """
        candidates = self._gazetteer_candidates(doc)
        candidates += self._pattern_candidates(doc)
        candidates += self._learned_candidates(doc, context)
        chosen = self._with_generic_names(doc, _longest_first(candidates))
        chosen.sort()
        if isinstance(context, dict):
            chosen = self._definite_references(doc, chosen, context)
        return [c for c in chosen if c[2] != _BLOCKER]

    def _gazetteer_candidates(self, doc: Doc) -> list[tuple[int, int, str]]:
        """Known bodies by alias (any case) and by acronym (exact)."""
        strings = doc.vocab.strings
        candidates = [
            (start, end, strings[key]) for key, start, end in self._aliases(doc)
        ]
        candidates += [
            (start, end, strings[key]) for key, start, end in self._acronyms(doc)
        ]
        return candidates

    def _pattern_candidates(self, doc: Doc) -> list[tuple[int, int, str]]:
        """Names the gazetteer lacks but their shape gives away: a prefix head and
        capitalised words ("Healthwatch Hartleydale"), then each of ``name_patterns``."""
        text = doc_text(doc)
        candidates: list[tuple[int, int, str]] = []
        for pattern in (self._local, *self._named):
            for match in pattern.finditer(text):
                span = doc.char_span(
                    match.start(), match.end(), alignment_mode="expand"
                )
                if span is not None:
                    name = normalise_org(match.group(0)) or match.group(0)
                    candidates.append((span.start, span.end, name))
        return candidates

    @staticmethod
    def _learned_candidates(
        doc: Doc, context: Mapping[str, Any] | None
    ) -> list[tuple[int, int, str]]:
        """Acronyms the document defined earlier ("the Health and Wellbeing Board (HWB)")."""
        learned = context.get(CONTEXT_ACRONYMS) if context else None
        if not learned:
            return []
        candidates: list[tuple[int, int, str]] = []
        for token in doc:
            name = learned.get(token.text)
            if name is None and token.text.endswith(".") and len(token.text) > 2:
                name = learned.get(
                    token.text[:-1]
                )  # "... by the FSA." kept as one token
            if name is not None:
                candidates.append((token.i, token.i + 1, name))
        return candidates

    def _with_generic_names(
        self, doc: Doc, chosen: list[tuple[int, int, str]]
    ) -> list[tuple[int, int, str]]:
        """``chosen`` plus capitalised names ending in an organisation word.

        A named body ("Westmoor Integrated Care Board") wins over the kind of
        body inside it ("integrated care boards"), never over a known one,
        and never over a mention of exactly its tokens.
        """
        for match in self._generic.finditer(doc_text(doc)):
            generic = self._trim_generic(match.group(0))
            if generic is None:
                continue
            start_char = match.end() - len(generic)
            span = doc.char_span(start_char, match.end(), alignment_mode="expand")
            if span is None:
                continue
            overlapping = [c for c in chosen if c[0] < span.end and span.start < c[1]]
            if any(
                not _is_kind(c[2]) or c[0] < span.start or c[1] > span.end
                for c in overlapping
            ):
                continue
            if any(c[0] == span.start and c[1] == span.end for c in overlapping):
                continue
            chosen = [c for c in chosen if c not in overlapping]
            chosen.append((span.start, span.end, normalise_org(generic) or generic))
        return chosen

    def _definite_references(
        self, doc: Doc, chosen: list[tuple[int, int, str]], context: dict[str, Any]
    ) -> list[tuple[int, int, str]]:
        """Register the named bodies of this passage by kind, and resolve "the Committee" to them."""
        bodies: dict[str, str] = context.setdefault(CONTEXT_BODIES, {})
        doc_org = context.get("doc_org")
        if (
            isinstance(doc_org, str)
            and doc_org.split()
            and doc_org.split()[-1] in self._gaz.heads
        ):
            bodies.setdefault(doc_org.split()[-1].lower(), doc_org)
        for _, _, name in chosen:
            words = name.split()
            if (
                name != _BLOCKER
                and not _is_kind(name)
                and len(words) > 1
                and words[-1] in self._gaz.heads
            ):
                bodies.setdefault(words[-1].lower(), name)
        if not bodies:
            return chosen
        added = list(chosen)
        for match in self._definite.finditer(doc_text(doc)):
            body = bodies.get(match.group("head").lower())
            if body is None:
                continue
            span = doc.char_span(match.start(), match.end(), alignment_mode="expand")
            if span is not None and not any(
                c[0] < span.end and span.start < c[1] for c in chosen
            ):
                added.append((span.start, span.end, body))
        return sorted(added)

    def _trim_generic(self, name: str) -> str | None:
        words = name.split()
        while words and words[0].lower() in _LEADING_WORDS:
            words = words[1:]
        if len(words) < 2 or all(
            w.lower() in self._gaz.joiners or w in self._gaz.heads for w in words
        ):
            return None
        return " ".join(words)


def _is_kind(name: str) -> bool:
    """Canonical names in lower case name a kind of body ("integrated care boards"), not one body."""
    return name[:1].islower()


def _longest_first(
    candidates: Iterable[tuple[int, int, str]],
) -> list[tuple[int, int, str]]:
    """Non-overlapping matches, preferring the earliest then the longest."""
    chosen: list[tuple[int, int, str]] = []
    last_end = -1
    for start, end, key in sorted(
        candidates, key=lambda c: (c[0], -(c[1] - c[0]), c[2])
    ):
        if start >= last_end:
            chosen.append((start, end, key))
            last_end = end
    return chosen


@lru_cache(maxsize=8)
def _tagger_for(vocab: Vocab) -> OrganisationTagger:
    return OrganisationTagger(spacy.blank("en", vocab=vocab))


def org_mentions(doc: Doc) -> list[tuple[int, int, str]]:
    """(start char, end char, canonical name) of each organisation in ``doc``.

    Uses the "orgs" span group when the component ran, else finds them now,
    so the statement components work in any pipeline.
    """
    cached = doc.user_data.get(_ORGS_KEY)
    if cached is not None:
        return list(cached)
    if ORG_GROUP in doc.spans:
        return [
            (s.start_char, s.end_char, s._.finding["name"])
            for s in doc.spans[ORG_GROUP]
        ]
    context = doc._.context if Doc.has_extension("context") else None
    tagger = _tagger_for(doc.vocab)
    return [
        (doc[s].idx, doc[e - 1].idx + len(doc[e - 1]), name)
        for s, e, name in tagger.mentions(
            doc, context if isinstance(context, dict) else None
        )
    ]


@lru_cache(maxsize=1)
def _text_nlp() -> Language:
    return spacy.blank("en")


def orgs_in_text(text: str) -> list[str]:
    """Canonical names of the organisations named in a short text, in order."""
    nlp = _text_nlp()
    doc = nlp.make_doc(text)
    return [name for _, _, name in _tagger_for(nlp.vocab).mentions(doc)]
