"""The search query language and result shaping over the passage index.

Query language: words (all must match), "quoted phrases", OR, NOT,
parentheses, prefix* and fuzzy~ (or fuzzy~2) terms, and field filters
(kind:, theme:, source:, type:, year:2023 or year:2022..2023, ref:,
mentions:). Acronyms and their expansions (data/synonyms.json plus the
corpus's own, ``<index-dir>/acronyms.json``) find each other.

Highlights are plain strings in which each matched stretch of words is
wrapped in MARK_OPEN/MARK_CLOSE (« »); ``strip_marks`` removes them (for
JSON) and ``marked_pieces`` splits a fragment into (text, is_match) pieces
(for colouring on a terminal). Guillemets already in a passage are shown as
‹ › inside fragments so the markers stay unambiguous.

This module must stay free of spaCy and scikit-learn: ``evidence search``
should start instantly.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evidence.errors import QueryError, StoreError
from evidence.index import open_searcher
from evidence.index.analysis import filter_value, stems, tokens, words
from evidence.index.protocol import RawHit, Searcher
from evidence.index.query import (
    FILTER_FIELDS,
    AllOf,
    AnyOf,
    Everything,
    Filter,
    Fuzzy,
    Node,
    Not,
    Phrase,
    Prefix,
    Word,
)
from evidence.kinds import KINDS
from evidence.resources import data_path

__all__ = [
    "MARK_CLOSE",
    "MARK_OPEN",
    "SearchResult",
    "load_synonyms",
    "marked_pieces",
    "parse_query",
    "search",
    "strip_marks",
]

MARK_OPEN = "«"
MARK_CLOSE = "»"
#: Target length of one highlight fragment, in characters.
FRAGMENT_CHARS = 200
#: Passages shown per document with group=True.
GROUP_PASSAGES = 3
_OPERATORS = {"AND", "OR", "NOT"}
_FIELD_RE = re.compile(r"([A-Za-z_]+):(.*)\Z", re.S)
_FUZZY_RE = re.compile(r"(.+?)~([12])?\Z")
_YEAR_RE = re.compile(r"(\d{4})(?:\.\.(\d{4}))?\Z")
_EDGE_PUNCT = ",.;!?"
_KNOWN_FIELDS = ", ".join(sorted(FILTER_FIELDS))
#: Parentheses nested deeper than this are refused: parsing and evaluating
#: recurse once per level, and no real question needs more.
MAX_NESTING = 50
#: Unknown words "did you mean" looks up (each is a fuzzy scan of the lexicon).
MAX_CORRECTIONS = 8
#: Fuzzy~ terms a query may hold: each expands through a scan of the lexicon.
MAX_FUZZY_TERMS = 16


@dataclass
class SearchResult:
    """Ranked hits, best first, and what the CLI needs to explain them.

    ``hits`` are dicts with exactly the ``search --json`` keys of the CLI
    contract (../shared/DESIGN.md, beside the repository, not in it).
    With ``group=True``, ``groups`` lists documents best first, each with its
    best passages under ``"passages"``, and ``hits`` is those passages in the
    same order. ``total`` counts every matching passage.
    """

    hits: list[dict[str, Any]]
    total: int
    suggestion: str | None = None
    fallback_note: str | None = None
    groups: list[dict[str, Any]] | None = None

    def json_hits(self) -> list[dict[str, Any]]:
        """The hits as ``search --json`` prints them: highlights without markers."""
        return [
            {**hit, "highlights": [strip_marks(f) for f in hit["highlights"]]}
            for hit in self.hits
        ]

    def json_object(self, query: str, documents: dict[str, Any]) -> dict[str, Any]:
        """``search --json-object``: the query, the total and the hits, each with
        what a citation needs of its document (``documents``: doc_id -> record
        with ``metadata``, as the store gives them)."""
        hits = []
        for hit in self.json_hits():
            meta = (
                documents[hit["doc_id"]].metadata
                if hit["doc_id"] in documents
                else None
            )
            hits.append(
                {
                    **hit,
                    "doc_date": meta.date if meta else None,
                    "doc_ref": meta.ref if meta else None,
                    "doc_type": meta.doc_type if meta else None,
                }
            )
        return {"query": query, "total": self.total, "hits": hits}


def strip_marks(fragment: str) -> str:
    return fragment.replace(MARK_OPEN, "").replace(MARK_CLOSE, "")


def marked_pieces(fragment: str) -> list[tuple[str, bool]]:
    """Split a highlight into (text, is_match) pieces for colouring."""
    pieces: list[tuple[str, bool]] = []
    for i, part in enumerate(re.split(f"[{MARK_OPEN}{MARK_CLOSE}]", fragment)):
        if part:
            pieces.append((part, i % 2 == 1))
    return pieces


# --- synonyms ----------------------------------------------------------------


def _norm(text: str) -> tuple[str, ...]:
    return tuple(words(text))


class Synonyms:
    """Groups of interchangeable names, looked up by their lower-cased words."""

    def __init__(self, groups: Iterable[Iterable[str]]) -> None:
        merged: list[list[tuple[str, ...]]] = []
        where: dict[tuple[str, ...], int] = {}
        for group in groups:
            variants = [v for v in (_norm(g) for g in group) if v]
            hits = sorted({where[v] for v in variants if v in where})
            if hits:
                target = hits[0]
                for other in hits[
                    1:
                ]:  # the new group joins several: fold them together
                    for v in merged[other]:
                        if v not in merged[target]:
                            merged[target].append(v)
                        where[v] = target
                    merged[other] = []
            else:
                target = len(merged)
                merged.append([])
            for v in variants:
                if v not in merged[target]:
                    merged[target].append(v)
                where[v] = target
        self._groups = merged
        self._where = where
        self.longest = max((len(v) for v in where), default=1)

    def group(self, key: tuple[str, ...]) -> list[tuple[str, ...]] | None:
        """Every variant in ``key``'s group (``key`` included), or None."""
        idx = self._where.get(key)
        if idx is None and len(key) == 1 and key[0].endswith("s") and len(key[0]) > 2:
            base = (key[0][:-1],)  # ICBs -> ICB
            idx = self._where.get(base)
        return None if idx is None else self._groups[idx]


_synonym_cache: dict[tuple[str, float], Synonyms] = {}


def load_synonyms(index_dir: Path | None = None) -> Synonyms:
    """The shipped groups plus the acronyms the corpus defines (``acronyms.json``)."""
    extra = Path(index_dir) / "acronyms.json" if index_dir is not None else None
    try:
        stamp = extra.stat().st_mtime if extra is not None else -1.0
    except OSError:
        stamp = -1.0
    key = (str(extra), stamp)
    cached = _synonym_cache.get(key)
    if cached is not None:
        return cached
    with open(data_path("synonyms.json"), encoding="utf-8") as fh:
        groups: list[list[str]] = json.load(fh)["groups"]
    if extra is not None and stamp >= 0:
        try:
            with open(extra, encoding="utf-8") as fh:
                learned = json.load(fh)
        except (OSError, ValueError) as exc:
            raise StoreError(
                f"cannot read {extra}: {exc}",
                hint="run `evidence ingest FOLDER` again to rewrite it",
            ) from exc
        for acronym in sorted(learned):
            groups.append([acronym, *learned[acronym]])
    table = Synonyms(groups)
    _synonym_cache.clear()
    _synonym_cache[key] = table
    return table


# --- lexing -----------------------------------------------------------------


@dataclass(frozen=True)
class _Tok:
    kind: str  # "(" ")" "op" "word" "phrase" "field"
    text: str  # word / phrase text / operator / field value
    start: int
    end: int
    name: str = ""  # field name, lower case


class _Fallback(Exception):
    """The query is well-formed but not meaningful as written: try plain words."""


def _lex(query: str) -> list[_Tok]:
    q = query.replace("“", '"').replace("”", '"')
    toks: list[_Tok] = []
    i, n = 0, len(q)
    while i < n:
        ch = q[i]
        if ch.isspace():
            i += 1
        elif ch in "()":
            toks.append(_Tok(ch, ch, i, i + 1))
            i += 1
        elif ch == '"':
            close = q.find('"', i + 1)
            if close < 0:
                raise QueryError(
                    'unbalanced quotes in query: close the phrase with " or remove the stray "'
                )
            toks.append(_Tok("phrase", q[i + 1 : close], i, close + 1))
            i = close + 1
        else:
            j = i
            while j < n and not q[j].isspace() and q[j] not in '()"':
                j += 1
            run = q[i:j]
            m = _FIELD_RE.match(run)
            if m:
                name = m.group(1).lower()
                if name not in FILTER_FIELDS:
                    raise QueryError(
                        f'unknown field "{m.group(1)}:" in query: use one of {_KNOWN_FIELDS},'
                        f" or put the words in quotes to search for them as text"
                    )
                value = m.group(2)
                if not value and j < n and q[j] == '"':
                    close = q.find('"', j + 1)
                    if close < 0:
                        raise QueryError(
                            'unbalanced quotes in query: close the phrase with "'
                            ' or remove the stray "'
                        )
                    toks.append(_Tok("field", q[j + 1 : close], i, close + 1, name))
                    i = close + 1
                    continue
                toks.append(_Tok("field", value, i, j, name))
            elif run in _OPERATORS:
                toks.append(_Tok("op", run, i, j))
            else:
                toks.append(_Tok("word", run, i, j))
            i = j
    depth = 0
    for tok in toks:
        if tok.kind == "(":
            depth += 1
            if depth > MAX_NESTING:
                raise QueryError(
                    f"query too deeply nested (more than {MAX_NESTING} levels of parentheses):"
                    " shorten it"
                )
        elif tok.kind == ")":
            depth -= 1
            if depth < 0:
                raise QueryError(
                    'unbalanced parentheses in query: remove the extra ")" or add the missing "("'
                )
    if depth > 0:
        raise QueryError('unbalanced parentheses in query: add the missing ")"')
    if toks and all(t.kind == "op" for t in toks):
        ops = " ".join(t.text for t in toks)
        raise QueryError(
            f"the query is only an operator ({ops}): add words for it to join,"
            ' e.g. "capital OR revenue", "capital NOT revenue"'
        )
    return toks


# --- parsing ----------------------------------------------------------------


@dataclass
class _Plan:
    """What the parser learned besides the tree: used to highlight and correct."""

    stems: set[str] = field(default_factory=set)
    exact: set[str] = field(default_factory=set)
    phrases: set[tuple[str, ...]] = field(default_factory=set)
    prefixes: set[str] = field(default_factory=set)
    fuzzy: list[Fuzzy] = field(default_factory=list)


class _Parser:
    """Recursive descent: or := and (OR and)*; and := unary+; unary := NOT unary | atom."""

    def __init__(self, toks: list[_Tok], synonyms: Synonyms) -> None:
        self.toks = toks
        self.pos = 0
        self.syn = synonyms
        self.plan = _Plan()
        self._negated = 0
        self._fuzzy_terms = 0

    def parse(self) -> Node:
        node = self._or()
        if self.pos != len(self.toks):
            raise _Fallback(f'an unexpected "{self.toks[self.pos].text}"')
        return node

    def _peek(self) -> _Tok | None:
        return self.toks[self.pos] if self.pos < len(self.toks) else None

    def _or(self) -> Node:
        parts = [self._and()]
        while (
            (tok := self._peek()) is not None and tok.kind == "op" and tok.text == "OR"
        ):
            self.pos += 1
            parts.append(self._and())
        return parts[0] if len(parts) == 1 else AnyOf(tuple(parts))

    def _and(self) -> Node:
        items: list[Node | _Tok] = []
        while (tok := self._peek()) is not None:
            if tok.kind == ")" or (tok.kind == "op" and tok.text == "OR"):
                break
            if tok.kind == "op" and tok.text == "AND":
                if not items:
                    raise _Fallback('a dangling "AND"')
                self.pos += 1
                nxt = self._peek()
                if (
                    nxt is None
                    or nxt.kind in (")",)
                    or (nxt.kind == "op" and nxt.text != "NOT")
                ):
                    raise _Fallback('a dangling "AND"')
                continue
            if tok.kind == "word" and _is_plain(tok.text):
                self.pos += 1
                items.append(tok)  # plain words are kept raw for synonym matching
            else:
                items.append(self._unary())
        if not items:
            tok = self._peek()
            if tok is not None and tok.kind == "op":
                raise _Fallback(f'a dangling "{tok.text}"')
            if self.pos and self.toks[self.pos - 1].kind == "op":
                raise _Fallback(f'a dangling "{self.toks[self.pos - 1].text}"')
            raise _Fallback("empty parentheses")
        parts = self._expand_words(items)
        return parts[0] if len(parts) == 1 else AllOf(tuple(parts))

    def _unary(self) -> Node:
        tok = self._peek()
        assert tok is not None
        if tok.kind == "op" and tok.text == "NOT":
            # A run of NOTs is counted, not recursed into: "NOT NOT x" is x, however long the run.
            count = 0
            while (
                (nxt := self._peek()) is not None
                and nxt.kind == "op"
                and nxt.text == "NOT"
            ):
                self.pos += 1
                count += 1
            if nxt is None or nxt.kind == ")" or nxt.kind == "op":
                raise _Fallback('a dangling "NOT"')
            self._negated += count
            inner = self._unary()
            self._negated -= count
            if count % 2 == 0:
                return inner
            return inner.part if isinstance(inner, Not) else Not(inner)
        self.pos += 1
        if tok.kind == "(":
            inner = self._or()
            closing = self._peek()
            if closing is None or closing.kind != ")":
                raise _Fallback(
                    'an unexpected "%s"' % (closing.text if closing else "")
                )
            self.pos += 1
            return inner
        if tok.kind == "phrase":
            return self._phrase(tok.text)
        if tok.kind == "field":
            return self._field(tok)
        if tok.kind == "word" and _is_plain(tok.text):
            return self._words_with_synonyms([tok.text])[0]
        if tok.kind == "word":
            return self._special_word(tok.text)
        raise _Fallback(f'an unexpected "{tok.text}"')

    # -- leaves --

    def _phrase(self, text: str) -> Node:
        ws = tuple(words(text))
        if not ws:
            raise _Fallback("an empty phrase")
        group = self.syn.group(ws)
        self._note_phrase(ws)
        base: Node = Phrase(
            ws
        )  # quoted: as written, one word or several, never stemmed
        if group is None:
            return base
        return AnyOf((base, *self._alternatives(group, ws)))

    def _special_word(self, text: str) -> Node:
        word = text.strip(_EDGE_PUNCT)
        if word.endswith("*"):
            stem = word.rstrip("*")
            if (
                len(stem) < 2
                or "*" in stem
                or not words(stem)
                or words(stem) != [stem.lower()]
            ):
                raise _Fallback(
                    f'a wildcard "{text}" (write at least two letters before *)'
                )
            if not self._negated:
                self.plan.prefixes.add(stem.lower())
            return Prefix(stem.lower())
        m = _FUZZY_RE.match(word)
        if m and words(m.group(1)) == [m.group(1).lower()]:
            base = m.group(1).lower()
            dist = int(m.group(2) or (1 if len(base) <= 4 else 2))
            node = Fuzzy(base, dist)
            self._fuzzy_terms += 1
            if self._fuzzy_terms > MAX_FUZZY_TERMS:
                raise QueryError(
                    f"too many fuzzy~ terms in query (at most {MAX_FUZZY_TERMS}):"
                    " remove the ~ from some words"
                )
            if not self._negated:
                self.plan.fuzzy.append(node)
            return node
        raise _Fallback(f'an unreadable term "{text}"')

    def _field(self, tok: _Tok) -> Node:
        value = tok.text.strip()
        if not value:
            raise _Fallback(f'"{tok.name}:" with no value')
        return filter_node(tok.name, value, self.syn)

    def _alternatives(
        self, group: list[tuple[str, ...]], typed: tuple[str, ...]
    ) -> list[Node]:
        out: list[Node] = []
        for variant in group:
            if variant == typed:
                continue
            if len(variant) == 1:
                self._note_word(variant[0])
                out.append(Word(variant[0]))
            else:
                self._note_phrase(variant)
                out.append(Phrase(variant))
        return out

    def _expand_words(self, items: list[Node | _Tok]) -> list[Node]:
        """Turn runs of plain words into Word nodes, joining synonym names found in them."""
        out: list[Node] = []
        i = 0
        while i < len(items):
            item = items[i]
            if not isinstance(item, _Tok):
                out.append(item)
                i += 1
                continue
            run_end = i
            run: list[str] = []
            while run_end < len(items) and isinstance(tok := items[run_end], _Tok):
                run.append(tok.text.strip(_EDGE_PUNCT) or tok.text)
                run_end += 1
            out.extend(self._words_with_synonyms(run))
            i = run_end
        return out

    def _words_with_synonyms(self, run: list[str]) -> list[Node]:
        normed = [tuple(words(w)) for w in run]
        out: list[Node] = []
        i = 0
        while i < len(run):
            matched = False
            for size in range(min(self.syn.longest, len(run) - i), 0, -1):
                key = tuple(w for part in normed[i : i + size] for w in part)
                if not key:
                    continue
                group = self.syn.group(key)
                if group is None:
                    continue
                typed = [self._plain(w) for w in run[i : i + size]]
                base = typed[0] if len(typed) == 1 else AllOf(tuple(typed))
                out.append(AnyOf((base, *self._alternatives(group, key))))
                i += size
                matched = True
                break
            if not matched:
                out.append(self._plain(run[i]))
                i += 1
        return _drop_stop_words(out)

    def _plain(self, text: str) -> Word:
        self._note_word(text)
        return Word(text)

    def _note_word(self, text: str) -> None:
        if self._negated:
            return
        ss = stems(text)
        if len(ss) == 1:
            self.plan.stems.add(ss[0])
            return
        ws = tuple(words(text))
        if len(ws) == 1:
            self.plan.exact.add(ws[0])
        elif ws:
            self.plan.phrases.add(ws)

    def _note_phrase(self, ws: tuple[str, ...]) -> None:
        if self._negated:
            return
        if len(ws) == 1:
            self.plan.exact.add(ws[0])
        else:
            self.plan.phrases.add(ws)


def _is_plain(text: str) -> bool:
    return not text.rstrip(_EDGE_PUNCT).endswith(("*", "~")) and not _FUZZY_RE.match(
        text.strip(_EDGE_PUNCT)
    )


def _drop_stop_words(nodes: list[Node]) -> list[Node]:
    """Bare stop words among other words would match nearly everything: drop them."""
    content = [n for n in nodes if not (isinstance(n, Word) and not stems(n.text))]
    return content or nodes


def _plain_words(toks: list[_Tok], synonyms: Synonyms) -> tuple[Node, _Plan, list[str]]:
    """The fallback reading: every token's text as a plain word (and those words)."""
    texts: list[str] = []
    for tok in toks:
        if tok.kind in ("(", ")"):
            continue
        if tok.kind == "field":  # the name is syntax; only the value holds words
            texts.extend(tok.text.split())
        else:
            texts.extend(tok.text.split())
    cleaned = []
    for text in texts:
        text = text.strip(_EDGE_PUNCT + "*~")
        # "{~1" still reads as fuzzy syntax once stripped: keep only its words
        cleaned.extend([text] if _is_plain(text) else words(text))
    cleaned = [t for t in cleaned if words(t)]
    if not cleaned:
        raise QueryError(
            'nothing to search for: give at least one word, "phrase" or field:value'
        )
    parser = _Parser([_Tok("word", t, 0, 0) for t in cleaned], synonyms)
    return parser.parse(), parser.plan, cleaned


# --- filters ----------------------------------------------------------------


def filter_node(name: str, value: str | int, synonyms: Synonyms) -> Filter:
    """A field filter, validated; raises QueryError with the fix for a bad value."""
    text = " ".join(str(value).split())
    low = text.lower()
    if name == "kind":
        # its name or plural, or a name with extra s's ("figuress")
        kind = KINDS.find(low) or KINDS.find(low.rstrip("s"))
        if kind is None:
            raise QueryError(
                f'unknown kind "{text}": use one of {", ".join(KINDS.names())}'
            )
        return Filter("kind", (kind.name,))
    if name == "year":
        m = _YEAR_RE.match(low)
        if not m:
            raise QueryError(
                f'bad year "{text}": write year:2023 or a range, year:2022..2023'
            )
        first, last = int(m.group(1)), int(m.group(2) or m.group(1))
        if last < first:
            raise QueryError(
                f'bad year range "{text}": put the earlier year first, e.g. {last}..{first}'
            )
        if last - first > 200:
            raise QueryError(f'year range "{text}" is too wide: give at most 200 years')
        return Filter("year", tuple(str(y) for y in range(first, last + 1)))
    if name in ("source", "mentions"):
        key = filter_value(text)
        group = synonyms.group(tuple(key.split()))
        values = {key}
        if group is not None:
            values.update(" ".join(v) for v in group)
        return Filter(name, tuple(sorted(values)))
    if name in ("type", "ref"):
        return Filter(name, (filter_value(text),))
    return Filter(name, (low,))


def _bodies_by_part_of_name(node: Node, searcher: Searcher) -> Node:
    """``source:nuffield`` finds "The Nuffield Trust": a source filter whose
    value names no body in the index takes every body whose name holds its
    words in a run; none at all is a QueryError with the closest name."""
    if isinstance(node, Filter) and node.field == "source":
        known = searcher.field_values("source")
        if any(value in known for value in node.values):
            return node
        found = sorted(
            {
                name
                for value in node.values
                for name in known
                if f" {value} " in f" {name} "
            }
        )
        if found:
            return Filter("source", tuple(found))
        wanted = " ".join(node.values[:1])
        # The closest whole name, or the name holding the closest word ("nufield" -> "the nuffield trust").
        spellings = {name: name for name in known}
        spellings.update(
            {
                w: name
                for name in known
                for w in name.split()
                if len(w) >= 4 and w not in spellings
            }
        )
        close = difflib.get_close_matches(wanted, list(spellings), n=1, cutoff=0.6)
        hint = (
            f'did you mean source:"{spellings[close[0]]}"?'
            if close
            else "`evidence docs` lists each document's body"
        )
        raise QueryError(f'no body named "{wanted}" in the index', hint=hint)
    if isinstance(node, (AllOf, AnyOf)):
        return type(node)(
            tuple(_bodies_by_part_of_name(part, searcher) for part in node.parts)
        )
    if isinstance(node, Not):
        return Not(_bodies_by_part_of_name(node.part, searcher))
    return node


def _argument_filters(synonyms: Synonyms, **given: str | int | None) -> list[Node]:
    out: list[Node] = []
    for name, value in given.items():
        if value is None or value == "":
            continue
        out.append(filter_node(name, value, synonyms))
    return out


# --- highlighting -----------------------------------------------------------


def _match_spans(
    text: str, plan: _Plan, fuzzy_words: set[str]
) -> list[tuple[int, int]]:
    toks = tokens(text)
    marked = [False] * len(toks)
    for i, (_s, _e, low, stem) in enumerate(toks):
        if (
            stem in plan.stems
            or low in plan.exact
            or low in fuzzy_words
            or any(low.startswith(p) for p in plan.prefixes)
        ):
            marked[i] = True
    lows = [t[2] for t in toks]
    for phrase in plan.phrases:
        n = len(phrase)
        for i in range(len(toks) - n + 1):
            if lows[i] == phrase[0] and tuple(lows[i : i + n]) == phrase:
                for k in range(i, i + n):
                    marked[k] = True
    spans: list[tuple[int, int]] = []
    for i, on in enumerate(marked):
        if not on:
            continue
        start, end = toks[i][0], toks[i][1]
        if spans and marked[i - 1] and not text[spans[-1][1] : start].strip():
            spans[-1] = (spans[-1][0], end)  # join "NHS England" into one mark
        else:
            spans.append((start, end))
    return spans


def _fragments(text: str, spans: list[tuple[int, int]], count: int = 2) -> list[str]:
    """Up to ``count`` windows of about FRAGMENT_CHARS around the densest matches."""
    if not spans:
        return [_cut(text, 0, min(len(text), FRAGMENT_CHARS), [])]
    candidates = []
    for k, (start, _end) in enumerate(spans):
        lo = max(0, start - FRAGMENT_CHARS // 4)
        hi = min(len(text), lo + FRAGMENT_CHARS)
        inside = [s for s in spans if s[0] >= lo and s[1] <= hi]
        distinct = len({text[s[0] : s[1]].lower() for s in inside})
        candidates.append((-distinct, -len(inside), k, lo, hi))
    candidates.sort()
    chosen: list[tuple[int, int]] = []
    for _d, _n, _k, lo, hi in candidates:
        if all(hi <= c_lo or lo >= c_hi for c_lo, c_hi in chosen):
            chosen.append((lo, hi))
        if len(chosen) == count:
            break
    chosen.sort()
    return [_cut(text, lo, hi, spans) for lo, hi in chosen]


def _cut(text: str, lo: int, hi: int, spans: list[tuple[int, int]]) -> str:
    """The text between lo and hi, snapped to word boundaries, matches marked."""
    if lo > 0:
        space = text.find(" ", lo)
        lo = space + 1 if 0 <= space < lo + 30 else lo
    if hi < len(text):
        space = text.rfind(" ", lo, hi)
        hi = space if space > lo + 30 else hi
    for s, e in spans:  # never cut through a mark
        if s < lo < e:
            lo = s
        if s < hi < e:
            hi = e
    out: list[str] = []
    pos = lo
    for s, e in spans:
        if e <= lo or s >= hi:
            continue
        out.append(_plain_text(text[pos:s]))
        out.append(MARK_OPEN + _plain_text(text[s:e]) + MARK_CLOSE)
        pos = e
    out.append(_plain_text(text[pos:hi]))
    body = " ".join("".join(out).split())
    return ("…" if lo > 0 else "") + body + ("…" if hi < len(text) else "")


def _plain_text(chunk: str) -> str:
    return chunk.replace(MARK_OPEN, "‹").replace(MARK_CLOSE, "›")


# --- search -----------------------------------------------------------------


def parse_query(query: str, synonyms: Synonyms) -> tuple[Node, _Plan, str | None]:
    """The query tree, highlight plan and, if it fell back to plain words, a note."""
    if not query or not query.strip():
        raise QueryError('empty query: give at least one word, "phrase" or field:value')
    toks = _lex(query)
    parser = _Parser(toks, synonyms)
    try:
        return parser.parse(), parser.plan, None
    except _Fallback as why:
        node, plan, plain = _plain_words(toks, synonyms)
        note = f"could not read the query as written ({why}); searched for the plain words: {' '.join(plain)}"
        return node, plan, note


def search(
    index_dir: Path,
    query: str,
    *,
    kind: str | None = None,
    theme: str | None = None,
    source: str | None = None,
    doc_type: str | None = None,
    year: int | str | None = None,
    limit: int = 10,
    group: bool = False,
    highlight: bool = True,
) -> SearchResult:
    """Run ``query`` (plus option filters) over the index in ``index_dir``.

    Raises QueryError for input the user must fix, StoreError when there is
    no index yet. Reads only committed state, so it is safe during an ingest.
    """
    if limit < 1:
        raise QueryError(f"bad limit {limit}: give a number of results of at least 1")
    synonyms = load_synonyms(index_dir)
    node, plan, note = parse_query(query, synonyms)
    filters = _argument_filters(
        synonyms, kind=kind, theme=theme, source=source, type=doc_type, year=year
    )
    if filters:
        node = AllOf((node, *filters))
    if isinstance(node, Not):
        node = AllOf((Everything(), node))
    with open_searcher(Path(index_dir)) as searcher:
        node = _bodies_by_part_of_name(node, searcher)
        fetch = max(limit * 10, 50) if group else limit
        raw, total = searcher.search(node, fetch, title_stems=plan.stems)
        suggestion = None
        if total == 0 and note is None:
            suggestion = _did_you_mean(searcher, query, synonyms, filters)
        fuzzy_words: set[str] = set()
        if highlight:
            for fz in plan.fuzzy:
                fuzzy_words.add(fz.text)
                fuzzy_words.update(
                    w for w, _n in searcher.similar_words(fz.text, fz.maxdist)
                )
        hits = [_shape(h, plan, fuzzy_words, highlight) for h in raw]
    if not group:
        return SearchResult(hits, total, suggestion, note)
    groups = _group(hits, limit)
    flat = [h for g in groups for h in g["passages"]]
    return SearchResult(flat, total, suggestion, note, groups)


def _shape(
    hit: RawHit, plan: _Plan, fuzzy_words: set[str], highlight: bool
) -> dict[str, Any]:
    f = hit.fields
    text = f.get("text", "")
    return {
        "passage_id": f["passage_id"],
        "doc_id": f["doc_id"],
        "doc_title": f.get("doc_title"),
        "doc_org": f.get("doc_org"),
        "doc_path": f.get("doc_path"),
        "page": f.get("page"),
        "score": hit.score,
        "text": text,
        "highlights": _fragments(text, _match_spans(text, plan, fuzzy_words))
        if highlight
        else [],
        "kinds": [k for k in f.get("kinds", "").split(",") if k],
        "themes": [t for t in f.get("themes", "").split(",") if t],
    }


def _group(hits: list[dict[str, Any]], limit: int) -> list[dict[str, Any]]:
    groups: dict[str, dict[str, Any]] = {}
    for hit in hits:
        g = groups.get(hit["doc_id"])
        if g is None:
            if len(groups) == limit:
                continue
            g = groups[hit["doc_id"]] = {
                "doc_id": hit["doc_id"],
                "doc_title": hit["doc_title"],
                "doc_org": hit["doc_org"],
                "doc_path": hit["doc_path"],
                "score": hit["score"],
                "passages": [],
            }
        if len(g["passages"]) < GROUP_PASSAGES:
            g["passages"].append(hit)
    return list(groups.values())


def _did_you_mean(
    searcher: Searcher, query: str, synonyms: Synonyms, filters: list[Node]
) -> str | None:
    """Correct words the corpus never uses to the most frequent near spelling; keep it only if it finds something."""
    toks = _lex(query)
    corrected = query
    changed = False
    # Each unknown word costs a fuzzy scan of the lexicon: only the first
    # MAX_CORRECTIONS are looked up, so a long query still answers at once.
    unknown = [
        (tok, m)
        for tok in toks
        if tok.kind in ("word", "phrase")
        for m in re.finditer(r"\w+", tok.text)
        if _correctable(m.group(0).lower(), searcher)
    ][:MAX_CORRECTIONS]
    looked_up = {(tok.start, m.start()) for tok, m in unknown}
    for tok in reversed(toks):  # right to left so earlier offsets stay valid
        if tok.kind not in ("word", "phrase"):
            continue
        replaced = tok.text
        for m in reversed(list(re.finditer(r"\w+", tok.text))):
            word = m.group(0).lower()
            if (tok.start, m.start()) not in looked_up:
                continue
            best = None
            for dist in (1, 2):
                near = searcher.similar_words(word, dist)
                if near:
                    best = near[0][0]
                    break
            if best is not None:
                replaced = replaced[: m.start()] + best + replaced[m.end() :]
        if replaced != tok.text:
            changed = True
            inner_start = tok.start + (1 if tok.kind == "phrase" else 0)
            inner_end = tok.end - (1 if tok.kind == "phrase" else 0)
            corrected = corrected[:inner_start] + replaced + corrected[inner_end:]
    if not changed:
        return None
    node, _plan, note = parse_query(corrected, synonyms)
    if note is not None:
        return None
    if filters:
        node = AllOf((node, *filters))
    _hits, total = searcher.search(node, 1)
    return corrected if total else None


def _correctable(word: str, searcher: Searcher) -> bool:
    """A word "did you mean" would look up: long enough, not a number, not in the corpus."""
    return len(word) >= 4 and not word.isdigit() and searcher.word_frequency(word) == 0
