"""The documents in a store as a user names them: by id, file name or stem.

Ids are exact but long ("nuffield-trust-ics0048-d2c0f5"); people remember
the file they put in the folder. So a document can be named by its id, its
path in the ingested folder, its file name or the file name's stem, in any
case; a name matching several files is refused with the candidates, and a
name matching none gets the closest one as a suggestion.
"""

from __future__ import annotations

import difflib
from pathlib import PurePosixPath
from typing import Any

from .errors import NotFound
from .store import DocumentRecord, Store

#: The columns of `evidence docs` (and its --csv header), in order.
DOCUMENT_FIELDS = (
    "id",
    "title",
    "org",
    "type",
    "date",
    "ref",
    "path",
    "format",
    "pages",
    "attached_to",
)


def _names(doc: DocumentRecord) -> tuple[str, ...]:
    """Every way a user may name ``doc``, lowercased."""
    path = PurePosixPath(doc.path)
    return tuple(
        dict.fromkeys(n.lower() for n in (doc.doc_id, doc.path, path.name, path.stem))
    )


def find_document(store: Store, name: str) -> DocumentRecord:
    """The one document ``name`` names; NotFound (with a suggestion) otherwise."""
    wanted = name.strip()
    if store.has_document(wanted):
        return store.document(wanted)
    key = wanted.lower()
    documents = store.documents()
    matches = [doc for doc in documents if key in _names(doc)]
    if len(matches) == 1:
        return matches[0]
    if matches:
        listed = ", ".join(f"{doc.doc_id} ({doc.path})" for doc in matches[:5])
        more = f" and {len(matches) - 5} more" if len(matches) > 5 else ""
        raise NotFound(
            f"{name!r} names {len(matches)} documents: {listed}{more}",
            hint="give the id",
        )
    suggestion = _closest(key, documents)
    if suggestion is not None:
        hint = f"did you mean {suggestion.doc_id}, from {suggestion.path}?"
    elif documents:
        hint = "`evidence docs` lists the documents and their ids"
    else:
        hint = "the store holds no documents yet: run `evidence ingest FOLDER`"
    raise NotFound(f"no document with id or file name {name!r}", hint=hint)


def _closest(key: str, documents: list[DocumentRecord]) -> DocumentRecord | None:
    """The document a mistyped or partial name most likely meant, if any.

    A part of one document's name only ("nuffield") wins; else the closest
    spelling of any name ("nufield-trust").
    """
    containing = {
        doc.doc_id: doc for doc in documents if any(key in n for n in _names(doc))
    }
    if len(containing) == 1:
        return next(iter(containing.values()))
    known = {n: doc for doc in documents for n in _names(doc)}
    close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.6)
    return known[close[0]] if close else None


def document_row(doc: DocumentRecord, attached_to: str | None = None) -> dict[str, Any]:
    """One line of `evidence docs`: what a citation needs, keyed as DOCUMENT_FIELDS.

    ``attached_to`` is the id of the e-mail the document came attached to.
    """
    meta = doc.metadata
    return {
        "id": doc.doc_id,
        "title": doc.title,
        "org": meta.org,
        "type": meta.doc_type,
        "date": meta.date,
        "ref": meta.ref,
        "path": doc.path,
        "format": doc.format,
        "pages": doc.pages,
        "attached_to": attached_to,
    }


def document_rows(store: Store) -> list[dict[str, Any]]:
    """Every document, in path order (an attachment's path starts with its e-mail's)."""
    with store.snapshot():
        links = store.attachment_links()
        return [document_row(doc, links.get(doc.doc_id)) for doc in store.documents()]


def document_detail(store: Store, doc: DocumentRecord) -> dict[str, Any]:
    """A document with its passages, as `evidence show --json` prints it."""
    detail = document_row(doc, store.attached_to(doc.doc_id))
    detail["also_at"] = store.aliases_of(doc.doc_id)
    detail["attachments"] = store.attachments_of(doc.doc_id)
    detail["passages"] = [
        {
            "passage_id": p.passage_id,
            "page": p.page,
            "kind": p.kind,
            "heading": p.heading,
            "text": p.text,
        }
        for p in store.passages(doc.doc_id)
    ]
    return detail


def status_report(store: Store, index_dir: str) -> dict[str, Any]:
    """What `evidence status` reports: where, from which folders, when, how much."""
    return {
        "index_dir": index_dir,
        "sources": store.roots(),
        "last_ingest": store.get_meta("last_ingest"),
        "counts": store.counts(),
    }
