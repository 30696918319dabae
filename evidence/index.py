"""The Whoosh passage index: schema, batch writer and query execution.

This is the only module that imports whoosh. Search logic (parsing, synonyms,
highlighting) lives in ``evidence.search`` and hands this module a small query
tree made of the node classes below, so the engine could be swapped without
touching the query language.

Fields. ``text`` is the passage lower-cased and unstemmed, stop words kept,
with positions: phrases ("store the") match exactly and never over-match
through a dropped stop word, and prefixes, fuzzy terms and spelling
suggestions see real words. A word query is stemmed at search time instead:
it matches every indexed form of the word with the same Porter stem
("recommendations" -> recommend, recommended, recommendation...), found in
the lexicon. One body field instead of a stemmed and an unstemmed copy halves
the postings, which is most of the build time. ``title`` (document title plus
section heading) is stemmed and weighted above the body in BM25F. Filter
fields are lower-cased keywords. Only what a result needs is stored.
"""

from __future__ import annotations

import os
import re
import shutil
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator, Union

from whoosh import index as _windex
from whoosh import query as _q
from whoosh.analysis import STOP_WORDS, Analyzer, Token
from whoosh.codec.whoosh3 import W3Codec
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema
from whoosh.lang.porter import stem as _porter_stem
from whoosh.scoring import BM25F
from whoosh.util.filelock import FileLock

from evidence.errors import IndexLockedError, StoreError

INDEX_NAME = "MAIN"
#: Weight of the title field relative to the body in BM25F.
TITLE_BOOST = 2.5
#: Filter fields a query may name, mapped to the index field they search.
FILTER_FIELDS = {
    "kind": "kinds",
    "theme": "themes",
    "source": "source",
    "type": "doc_type",
    "year": "year",
    "ref": "ref",
    "mentions": "orgs",
}
_WORD_PATTERN = r"\w+(?:[.'’]\w+)*"
_LOCK_NAME = "%s_WRITELOCK" % INDEX_NAME
#: Written beside the lock while a batch is open: if it outlives its process, the batch died.
_MARKER_NAME = "WRITER_PID"
#: zlib level for posting blocks: 0 trades index size for build and query speed.
_POSTING_COMPRESSION = 0
#: Matches counted exactly; beyond this a result says "at least".
TOTAL_CAP = 1000
#: Lexicon words examined when finding the forms of a stem (bounds a short stem's cost).
_MAX_FORMS_SCANNED = 5000


@dataclass(frozen=True)
class IndexRecord:
    """One Whoosh document: a passage with what search filters and shows."""

    passage_id: str
    doc_id: str
    text: str
    heading: str | None
    page: int | None
    doc_title: str
    doc_org: str | None
    doc_path: str
    doc_type: str | None
    year: int | None
    ref: str | None
    kinds: tuple[str, ...]
    themes: tuple[str, ...]
    orgs: tuple[str, ...]


# --- the query tree evidence.search builds and this module executes ---------


@dataclass(frozen=True)
class Word:
    """A word that must occur in the passage, in any form with the same stem."""

    text: str


@dataclass(frozen=True)
class Phrase:
    """Words in this order in the passage body, stop words included, unstemmed."""

    words: tuple[str, ...]


@dataclass(frozen=True)
class Prefix:
    """Any body word starting with ``text``."""

    text: str


@dataclass(frozen=True)
class Fuzzy:
    """Any body word within ``maxdist`` edits of ``text``."""

    text: str
    maxdist: int


@dataclass(frozen=True)
class Filter:
    """A filter field (see FILTER_FIELDS) equal to any of ``values`` (lower case)."""

    field: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class AllOf:
    parts: tuple["Node", ...]


@dataclass(frozen=True)
class AnyOf:
    parts: tuple["Node", ...]


@dataclass(frozen=True)
class Not:
    part: "Node"


@dataclass(frozen=True)
class Everything:
    """Every passage: the base a query made only of NOT terms subtracts from."""


Node = Union[Word, Phrase, Prefix, Fuzzy, Filter, AllOf, AnyOf, Not, Everything]


@dataclass(frozen=True)
class RawHit:
    """A stored passage and its score, before evidence.search shapes it."""

    score: float
    fields: dict[str, Any]


# --- analysis ---------------------------------------------------------------

_stem_cache: dict[str, str] = {}


def _stem(word: str) -> str:
    try:
        return _stem_cache[word]
    except KeyError:
        if len(_stem_cache) > 200_000:
            _stem_cache.clear()
        result = _stem_cache[word] = _porter_stem(word)
        return result


_WORD_RE = re.compile(_WORD_PATTERN)


class WordAnalyzer(Analyzer):
    """Lower-cased words in one regex pass, optionally stemmed without stop words.

    Whoosh's composed analyzers pass every token through a chain of Python
    generators; doing it in one loop is most of what building spends on
    analysis. Stop words removed for the stemmed field still take a position.
    The index's schema pickles a reference to this class: renaming it makes
    older indexes unreadable (they are derived data: re-ingest).
    """

    def __init__(self, stem: bool) -> None:
        self.stem = stem

    def __eq__(self, other: object) -> bool:
        return isinstance(other, WordAnalyzer) and other.stem == self.stem

    def __hash__(self) -> int:
        return hash(("WordAnalyzer", self.stem))

    def __call__(  # the signature Whoosh calls analyzers with
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        stem = self.stem
        for pos, m in enumerate(_WORD_RE.finditer(value), start_pos):
            word = m.group().lower()
            if stem:
                if word in STOP_WORDS:
                    continue
                word = _stem(word)
            t.text = word
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = m.group()
            if positions:
                t.pos = pos
            if chars:
                t.startchar = start_char + m.start()
                t.endchar = start_char + m.end()
            yield t


def _schema() -> Schema:
    stemmed = WordAnalyzer(stem=True)
    exact = WordAnalyzer(stem=False)
    return Schema(
        passage_id=ID(stored=True, unique=True),
        doc_id=ID(stored=True),
        text=TEXT(analyzer=exact, phrase=True, stored=True),
        title=TEXT(analyzer=stemmed, phrase=False, field_boost=TITLE_BOOST),
        kinds=KEYWORD(stored=True, lowercase=True, commas=True, scorable=False),
        themes=KEYWORD(stored=True, lowercase=True, commas=True, scorable=False),
        orgs=KEYWORD(lowercase=True, commas=True, scorable=False),
        source=ID,
        doc_type=ID,
        year=ID,
        ref=ID,
        page=STORED,
        doc_title=STORED,
        doc_org=STORED,
        doc_path=STORED,
    )


_SCHEMA = _schema()
_STEM_ANALYZER = _SCHEMA["title"].analyzer
_EXACT_ANALYZER = _SCHEMA["text"].analyzer


def tokens(text: str) -> list[tuple[int, int, str, str]]:
    """(start, end, lower-cased word, stem) for each word, as the index sees them.

    Highlighting uses this so it marks exactly the words the index matched.
    """
    out = []
    for m in _WORD_RE.finditer(text):
        low = m.group().lower()
        out.append((m.start(), m.end(), low, _stem(low)))
    return out


def stems(text: str) -> list[str]:
    """The stems of ``text``'s words, stop words dropped: what a word query matches on."""
    return [t.text for t in _STEM_ANALYZER(text)]


def words(text: str) -> list[str]:
    """The indexed words of ``text`` in the body field (lower case, stop words kept)."""
    return [t.text for t in _EXACT_ANALYZER(text)]


def filter_value(text: str) -> str:
    """How names are compared in filters: lower-case words, punctuation dropped."""
    return " ".join(words(text))


def _join(values: Iterable[str]) -> str:
    return ",".join(v.strip().lower() for v in values if v and v.strip())


def _document(record: IndexRecord) -> dict[str, Any]:
    title = record.doc_title or ""
    if record.heading:
        title = f"{title}\n{record.heading}"
    doc: dict[str, Any] = {
        "passage_id": record.passage_id,
        "doc_id": record.doc_id,
        "text": record.text,
        "title": title,
        "kinds": _join(record.kinds),
        "themes": _join(record.themes),
        "orgs": ",".join(v for v in map(filter_value, record.orgs) if v),
        "page": record.page,
        "doc_title": record.doc_title,
        "doc_org": record.doc_org,
        "doc_path": record.doc_path,
    }
    if record.doc_org:
        doc["source"] = filter_value(record.doc_org)
    if record.doc_type:
        doc["doc_type"] = filter_value(record.doc_type)
    if record.year is not None:
        doc["year"] = str(record.year)
    if record.ref:
        doc["ref"] = filter_value(record.ref)
    return doc


# --- writing ----------------------------------------------------------------


class BatchWriter:
    """Adds and removes whole documents inside one commit.

    Deletions only reach committed segments, so a doc_id may be written at
    most once per batch; a second write would leave duplicates and is refused.
    """

    def __init__(self, writer: Any, existing: set[str]) -> None:
        self._writer = writer
        self._existing = existing
        self._touched: set[str] = set()

    def _claim(self, doc_id: str) -> None:
        if doc_id in self._touched:
            raise ValueError(f"document {doc_id} was already written in this batch")
        self._touched.add(doc_id)
        if doc_id in self._existing:
            self._writer.delete_by_term("doc_id", doc_id)

    def replace_document(self, doc_id: str, records: Iterable[IndexRecord]) -> int:
        """Delete every passage of ``doc_id``, add ``records``; return how many were added."""
        self._claim(doc_id)
        added = 0
        for record in records:
            if record.doc_id != doc_id:
                raise ValueError(
                    f"passage {record.passage_id} belongs to {record.doc_id}, not {doc_id}"
                )
            self._writer.add_document(**_document(record))
            added += 1
        return added

    def delete_document(self, doc_id: str) -> None:
        """Remove every passage of ``doc_id`` (nothing happens if it is absent)."""
        self._claim(doc_id)


class PassageIndex:
    """The Whoosh index under ``<index-dir>/whoosh``, created on first use."""

    def __init__(self, directory: Path) -> None:
        self.path = Path(directory) / "whoosh"
        self.path.mkdir(parents=True, exist_ok=True)
        if _windex.exists_in(str(self.path), indexname=INDEX_NAME):
            self._ix = _windex.open_dir(str(self.path), indexname=INDEX_NAME)
        else:
            self._ix = _windex.create_in(str(self.path), _SCHEMA, indexname=INDEX_NAME)

    @contextmanager
    def writer(self, *, procs: int = 1, multisegment: bool = False) -> Iterator[BatchWriter]:
        """One all-or-nothing batch: commit on normal exit, cancel on any exception."""
        try:
            w = self._ix.writer(
                procs=procs,
                multisegment=multisegment,
                limitmb=128,
                compound=False,
                codec=W3Codec(compression=_POSTING_COMPRESSION),
            )
        except _windex.LockError as exc:
            raise IndexLockedError(
                f"the search index in {self.path.parent} is locked by another ingest",
                hint="wait for it to finish; if no ingest is running, run the ingest again"
                " (a lock left by a dead process is cleared)",
            ) from exc
        marker = self.path / _MARKER_NAME
        marker.write_text(f"{os.getpid()}\n", encoding="ascii")
        try:
            with w.reader() as reader:
                existing = {
                    term.decode("utf-8") if isinstance(term, bytes) else term
                    for term in reader.lexicon("doc_id")
                }
            batch = BatchWriter(w, existing)
            yield batch
        except BaseException:
            _cancel(w)
            marker.unlink(missing_ok=True)
            raise
        else:
            try:
                w.commit()
            finally:
                marker.unlink(missing_ok=True)

    def doc_ids(self) -> set[str]:
        return self._field_values("doc_id")

    def passage_ids(self) -> set[str]:
        return self._field_values("passage_id")

    def _field_values(self, field: str) -> set[str]:
        """Distinct values of live passages: the lexicon, unless deletions await a merge."""
        ix = _windex.open_dir(str(self.path), indexname=INDEX_NAME)
        with ix.reader() as reader:
            if not reader.has_deletions():
                return {t.decode("utf-8") for t in reader.lexicon(field)}
            return {stored[field] for _docnum, stored in reader.iter_docs()}

    def clear_stale_lock(self) -> bool:
        """Remove a write lock and temporary files left by a process that died mid-ingest.

        Whoosh's lock is an OS file lock, released when its holder dies; what a
        killed ingest leaves behind is our pid marker and half-written
        temporary files. Returns True if such leftovers were removed, False if
        there were none or a live writer holds the lock (then nothing is touched).
        """
        marker = self.path / _MARKER_NAME
        if not marker.exists():
            return False
        lock = FileLock(str(self.path / _LOCK_NAME))
        if not lock.acquire(blocking=False):
            return False
        try:
            for entry in self.path.iterdir():
                if entry.name.endswith(".tmp") or entry.suffix == ".doclist":
                    if entry.is_dir():
                        shutil.rmtree(entry, ignore_errors=True)
                    else:
                        entry.unlink(missing_ok=True)
            marker.unlink(missing_ok=True)
        finally:
            lock.release()
        return True


def _cancel(writer: Any) -> None:
    """Cancel a writer; stop a multi-process writer's workers so none is left waiting."""
    for task in getattr(writer, "tasks", ()):
        if task.is_alive():
            task.terminate()
        task.join()
    writer.cancel()


# --- searching --------------------------------------------------------------


class IndexSearcher:
    """A read-only view of the last committed state of the index."""

    def __init__(self, index_dir: Path) -> None:
        path = Path(index_dir) / "whoosh"
        if not _windex.exists_in(str(path), indexname=INDEX_NAME):
            raise StoreError(f"no index in {index_dir}", hint="run `evidence ingest FOLDER` first")
        ix = _windex.open_dir(str(path), indexname=INDEX_NAME)
        self._searcher = ix.searcher(weighting=BM25F())
        self._reader = self._searcher.reader()
        self._form_cache: dict[tuple[str, str], list[str]] = {}

    def __enter__(self) -> "IndexSearcher":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._searcher.close()

    def search(
        self, node: Node, limit: int, *, title_stems: Iterable[str] = ()
    ) -> tuple[list[RawHit], int, bool]:
        """The best ``limit`` passages (score, then passage id) and how many match.

        Passages must match ``node`` in their own text; ``title_stems`` (the
        query's positive words) only raise the score of passages whose
        document title or heading holds them: BM25F with the title weighted
        above the body, without making every passage of a document match a
        word in its title. The count stops at TOTAL_CAP (third value True then):
        counting every match of a common word costs more than the search.
        """
        main = wq = self._translate(node)
        boosts = [_q.Term("title", s) for s in sorted(set(title_stems))]
        if boosts:
            wq = _q.AndMaybe(main, boosts[0] if len(boosts) == 1 else _q.Or(boosts))
        results = self._searcher.search(wq, limit=limit, terms=False)
        hits = [RawHit(round(hit.score, 4), hit.fields()) for hit in results]
        hits.sort(key=lambda h: (-h.score, h.fields["passage_id"]))
        if len(hits) < limit:
            return hits, len(hits), False
        cap = max(TOTAL_CAP, limit + 1)
        total = 0
        for _docnum in main.docs(self._searcher):
            total += 1
            if total >= cap:
                return hits, total, True
        return hits, total, False

    def word_frequency(self, word: str) -> int:
        """In how many passages the exact (unstemmed) word occurs."""
        return self._reader.doc_frequency("text", word)

    def similar_words(self, word: str, maxdist: int) -> list[tuple[str, int]]:
        """Body words within ``maxdist`` Damerau-Levenshtein edits, with their passage counts."""
        found = set(self._reader.terms_within("text", word, maxdist, prefix=1))
        return sorted(
            ((w, self._reader.doc_frequency("text", w)) for w in found if w != word),
            key=lambda item: (-item[1], item[0]),
        )

    def prefix_words(self, prefix: str, limit: int = 512) -> list[str]:
        """Body words starting with ``prefix`` (at most ``limit``, alphabetical)."""
        out = []
        for btext in self._reader.expand_prefix("text", prefix):
            out.append(btext.decode("utf-8") if isinstance(btext, bytes) else btext)
            if len(out) >= limit:
                break
        return out

    def _translate(self, node: Node) -> _q.Query:
        if isinstance(node, Word):
            return self._word(node.text)
        if isinstance(node, Phrase):
            ws = [w for p in node.words for w in words(p)]
            if not ws:
                return _q.NullQuery
            if len(ws) == 1:
                return _q.Term("text", ws[0])
            return _q.Phrase("text", ws)
        if isinstance(node, Prefix):
            return _q.Prefix("text", node.text.lower())
        if isinstance(node, Fuzzy):
            return _q.FuzzyTerm("text", node.text.lower(), maxdist=node.maxdist, prefixlength=1)
        if isinstance(node, Filter):
            field = FILTER_FIELDS[node.field]
            # A filter adds the same score to every passage it keeps, so it
            # never reorders them. One value: a plain term (constant for all its
            # matches) keeps skip-ahead intersection. Several values would score
            # by each value's rarity, so they get one constant score instead.
            # (Boost 0 is not an option: Whoosh's block-quality skipping
            # divides by it.)
            terms = [_q.Term(field, v) for v in node.values]
            if len(terms) == 1:
                return terms[0]
            return _q.ConstantScoreQuery(_q.Or(terms), 1.0)
        if isinstance(node, AllOf):
            positives = [self._translate(p) for p in node.parts if not isinstance(p, Not)]
            negatives = [self._translate(p.part) for p in node.parts if isinstance(p, Not)]
            base: _q.Query = _q.And(positives) if len(positives) > 1 else (
                positives[0] if positives else _q.Every()
            )
            if negatives:
                neg = negatives[0] if len(negatives) == 1 else _q.Or(negatives)
                return _q.AndNot(base, neg)
            return base
        if isinstance(node, AnyOf):
            return _q.Or([self._translate(p) for p in node.parts])
        if isinstance(node, Not):
            return _q.AndNot(_q.Every(), self._translate(node.part))
        if isinstance(node, Everything):
            return _q.Every()
        raise TypeError(f"not a query node: {node!r}")

    def _word(self, text: str) -> _q.Query:
        ws = words(text)
        if not ws:
            return _q.NullQuery
        if len(ws) > 1:  # "covid-19", "e.g": one typed word the index splits
            return _q.Phrase("text", ws)
        ss = stems(text)
        if not ss:  # a stop word: match it as written
            return _q.Term("text", ws[0])
        forms = [_q.Term("text", form) for form in self._forms(ws[0], ss[0])]
        return forms[0] if len(forms) == 1 else _q.Or(forms)

    def _forms(self, word: str, stem: str) -> list[str]:
        """Every body word with the same stem as ``word``, looked up in the lexicon."""
        key = (word, stem)
        cached = self._form_cache.get(key)
        if cached is not None:
            return cached
        prefix = os.path.commonprefix([word, stem])
        forms = {word}
        if len(prefix) >= 3:
            for n, btext in enumerate(self._reader.expand_prefix("text", prefix)):
                if n >= _MAX_FORMS_SCANNED:
                    break
                term = btext.decode("utf-8") if isinstance(btext, bytes) else btext
                if _stem(term) == stem:
                    forms.add(term)
        else:  # too short to scan by prefix: the plural is the common variant
            forms.update(f for f in (stem, stem + "s", word + "s") if self._reader.doc_frequency("text", f))
        result = self._form_cache[key] = sorted(forms)
        return result
