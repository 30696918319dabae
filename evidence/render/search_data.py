"""The site's search index: what the browser needs to answer ``evidence search`` queries itself.

The search page runs the CLI's query language (templates/search.js) over
data written here, ranked by the same BM25 as evidence.index, so a query
gives the same passages in the same order in both. The page must work opened
from ``file://``, where a page cannot fetch files: every piece is a script
that registers its data (``EvidenceSearch.add(name, data)``), and the page
loads only the pieces a query needs:

- ``meta.js``: counts, average field lengths, Whoosh's length table, each
  passage's one-byte field lengths, the bodies, the synonym groups, the stop words;
- ``t-N.js``: the posting lists of the terms whose hash falls in shard N
  (body words, title stems, and filter values such as ``kinds:figure``);
- ``l-X.js``: the body words starting with character X, each with its
  Porter2 stem, so a query word found in the corpus stems exactly as in Python;
- ``p-N.js``: passages N*CHUNK.. for display: id, text, citation, link.

The build streams: passages are read a document at a time and postings are
spilled to one temporary file per shard, so memory follows one shard, not
the corpus (the lexicon, a word and its stem per distinct word, is held).

Scores match the CLI's to the last decimal it rounds to for an index with no
deleted passages awaiting a merge (Whoosh counts those in its statistics).
One difference remains: where passages tie at the limit, the CLI keeps those
it indexed first, which depends on the order an ingest wrote them; the page
keeps those first in document and passage order.
"""

from __future__ import annotations

import base64
import json
import shutil
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from whoosh.util.numeric import byte_to_length, length_to_byte

from ..citations import where
from ..index.analysis import STOP_WORDS, filter_value, stems, words
from ..index.analysis import stem as _stem
from ..index.whoosh_index import document as _document
from ..ingest import index_records
from ..kinds import KINDS
from ..search import load_synonyms
from ..store import Store

#: Passages per display piece.
CHUNK = 500
#: Postings buffered before they are spilled to the shard files.
_SPILL = 200_000
#: Filter fields as the index holds them: KEYWORD fields are comma lists, the rest one value.
_KEYWORDS = ("kinds", "themes", "orgs")
_IDS = ("source", "doc_type", "year", "ref")


def term_shard(term: str, shards: int) -> int:
    """FNV-1a over the term's code points: the browser computes the same (search.js ``shardOf``)."""
    h = 0x811C9DC5
    for ch in term:
        h = ((h ^ ord(ch)) * 0x01000193) & 0xFFFFFFFF
    return h % shards


def shard_count(passages: int) -> int:
    """About 256 passages' postings a shard, at most 1024 shards."""
    return max(1, min(1024, -(-passages // 256)))


def _js(name: str, data: Any) -> str:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    # "</script>" cannot occur in a script file, but a line separator must not end a JS string
    body = body.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f"EvidenceSearch.add({json.dumps(name)},{body});\n"


def _pack(codes: bytearray) -> str:
    return base64.b64encode(bytes(codes)).decode("ascii")


def write_search_data(
    store: Store,
    put: Callable[[str, str], None],
    *,
    index_dir: Path,
    href_of: Callable[[str], str],
) -> int:
    """Write the search pieces through ``put(relative path, text)``; returns how many.

    ``href_of`` gives a document page's site-relative link from its doc id.
    """
    total = store.passage_count()
    shards = shard_count(total)
    tmp = Path(tempfile.mkdtemp(prefix="evidence-search-"))
    written = 0
    try:
        buffers: dict[int, list[str]] = defaultdict(list)
        buffered = 0

        def spill() -> None:
            nonlocal buffered
            for shard, lines in buffers.items():
                with open(tmp / f"{shard}.tsv", "a", encoding="utf-8") as fh:
                    fh.writelines(lines)
            buffers.clear()
            buffered = 0

        lexicon: dict[str, str] = {}
        #: words only titles and headings hold: stemmed for the title boost, never matched in bodies
        titled: dict[str, str] = {}
        body_codes = bytearray()
        title_codes = bytearray()
        body_total = title_total = 0
        bodies: dict[str, int] = {}
        docs: list[list[Any]] = []
        chunk: list[list[Any]] = []
        n = 0
        for doc_id in store.doc_ids():
            doc = store.document(doc_id)
            seq_para = store.passage_numbers(doc_id)
            doc_no = len(docs)
            body = doc.metadata.org or ""
            docs.append(
                [
                    doc.title,
                    bodies.setdefault(body, len(bodies)),
                    doc.metadata.ref or "",
                    doc.metadata.date or "",
                    href_of(doc_id),
                ]
            )
            for record in index_records(store, doc_id):
                fields = _document(record)
                found = words(fields["text"])
                title = stems(fields["title"])
                body_total += len(found)
                title_total += len(title)
                body_codes.append(length_to_byte(len(found)))
                title_codes.append(length_to_byte(len(title)))
                terms: list[tuple[str, int]] = []
                for word, tf in Counter(found).items():
                    if word not in lexicon:
                        lexicon[word] = _stem(word)
                    terms.append(("b:" + word, tf))
                terms.extend(("t:" + s, tf) for s, tf in Counter(title).items())
                for word in words(fields["title"]):
                    if word not in lexicon and word not in titled:
                        titled[word] = _stem(word)
                for name in _KEYWORDS:
                    terms.extend(
                        (f"{name}:{v}", 1) for v in fields[name].split(",") if v
                    )
                for name in _IDS:
                    if fields.get(name):
                        terms.append((f"{name}:{fields[name]}", 1))
                for term, tf in terms:
                    buffers[term_shard(term, shards)].append(f"{term}\t{n}\t{tf}\n")
                buffered += len(terms)
                if buffered >= _SPILL:
                    spill()
                seq, para = seq_para.get(record.passage_id, (0, None))
                chunk.append(
                    [
                        record.passage_id,
                        doc_no,
                        record.text,
                        where(record.page, para, seq),
                        sorted(record.kinds),
                    ]
                )
                n += 1
                if len(chunk) == CHUNK:
                    name = f"p-{(n - 1) // CHUNK}"
                    put(f"assets/search/{name}.js", _js(name, chunk))
                    written += 1
                    chunk = []
        if chunk:
            name = f"p-{(n - 1) // CHUNK}"
            put(f"assets/search/{name}.js", _js(name, chunk))
            written += 1
        spill()
        for shard in range(shards):
            postings: dict[str, list[list[int]]] = {}
            path = tmp / f"{shard}.tsv"
            if path.exists():
                with open(path, encoding="utf-8") as fh:
                    for line in fh:
                        term, at, freq = line.rstrip("\n").split("\t")
                        ids_tfs = postings.setdefault(term, [[], []])
                        ids_tfs[0].append(int(at))
                        ids_tfs[1].append(int(freq))
            put(f"assets/search/t-{shard}.js", _js(f"t-{shard}", _encode(postings)))
            written += 1
            del postings
        by_first: dict[str, list[list[Any]]] = defaultdict(list)
        for word in sorted(lexicon.keys() | titled.keys()):
            stem = lexicon.get(word) or titled[word]
            row: list[Any] = [word, "" if stem == word else stem]
            if word not in lexicon:
                row.append(1)
            by_first[word[0]].append(row)
        for first, rows in sorted(by_first.items()):
            name = f"l-{ord(first):x}"
            put(f"assets/search/{name}.js", _js(name, rows))
            written += 1
        synonyms = load_synonyms(index_dir)
        meta = {
            "passages": n,
            "shards": shards,
            "chunk": CHUNK,
            "avg": {
                "b": max(body_total / max(n, 1), 1.0),
                "t": max(title_total / max(n, 1), 1.0),
            },
            "lengths": [byte_to_length(b) for b in range(256)],
            "b": _pack(body_codes),
            "t": _pack(title_codes),
            "docs": docs,
            "bodies": sorted(bodies, key=bodies.__getitem__),
            "sources": sorted(set(_sources(bodies))),
            # a kind by its name or plural, as search.filter_node finds it
            "kinds": {
                word: kind.name
                for kind in KINDS
                for word in (kind.name, kind.plural.lower())
            },
            "kindNames": list(KINDS.names()),
            "firsts": sorted(f"{ord(c):x}" for c in by_first),
            "synonyms": {
                "groups": [[list(v) for v in g] for g in synonyms._groups],
                "where": {" ".join(k): i for k, i in synonyms._where.items()},
                "longest": synonyms.longest,
            },
            "stop": sorted(STOP_WORDS),
        }
        put("assets/search/meta.js", _js("meta", meta))
        written += 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return written


def _sources(bodies: dict[str, int]) -> Iterator[str]:
    """Every ``source`` value the index holds (a body's name as filters compare it)."""
    for name in bodies:
        value = filter_value(name) if name else ""
        if value:
            yield value


def _encode(postings: dict[str, list[list[int]]]) -> dict[str, list[Any]]:
    """term -> [gaps between passage numbers, frequencies (or 1 when all are 1)]."""
    out: dict[str, list[Any]] = {}
    for term, (ids, tfs) in postings.items():
        gaps = [ids[0]] + [b - a for a, b in zip(ids, ids[1:])]
        out[term] = [gaps, tfs if any(t != 1 for t in tfs) else 1]
    return out
