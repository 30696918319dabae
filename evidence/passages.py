"""Blocks -> passages with ids that stay put.

A document's id comes from where it sits in the ingested folder (not from its
content), and a passage's id from the document id and its position, so ids do
not change when an unrelated file changes and links in a built site survive
a re-ingest of other files.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable

from .models import Block, Passage

_SLUG_DROP = re.compile(r"[^a-z0-9]+")


def slugify(text: str, *, max_length: int = 48) -> str:
    """Lower-case ASCII words joined by hyphens; never empty."""
    ascii_text = (
        unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    )
    slug = _SLUG_DROP.sub("-", ascii_text.lower()).strip("-")
    return slug[:max_length].rstrip("-") or "document"


def make_doc_id(source_key: str, stem: str) -> str:
    """A readable, stable id: the file's stem plus a short hash of its place.

    ``source_key`` is the file's path relative to the ingested folder,
    prefixed by that folder's own name, so two ``report.pdf`` files in
    different folders get different ids on every machine.
    """
    digest = hashlib.sha1(source_key.encode("utf-8")).hexdigest()[:6]
    return f"{slugify(stem)}-{digest}"


def make_passages(doc_id: str, blocks: Iterable[Block]) -> list[Passage]:
    """Number the blocks, remembering the heading each one stands under."""
    passages: list[Passage] = []
    headings: dict[int, str] = {}
    for seq, block in enumerate(blocks, start=1):
        if block.kind == "heading":
            level = max(block.level, 1)
            headings = {lvl: text for lvl, text in headings.items() if lvl < level}
            parent = headings[max(headings)] if headings else None
            headings[level] = block.text
            heading = parent
        else:
            heading = headings[max(headings)] if headings else None
        passages.append(
            Passage(
                passage_id=f"{doc_id}-p{seq}",
                doc_id=doc_id,
                seq=seq,
                text=block.text,
                page=block.page,
                heading=heading,
                kind=block.kind,
                ocr=block.ocr,
            )
        )
    return passages
