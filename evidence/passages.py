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

#: What stands between a document's id and a passage's ordinal. A word, not a
#: letter: "-p14" was read as page 14 and "-n14" would read as note 14 beside
#: a citation ("p. 3 · …-n14"), where the passage is the 14th in reading order.
PASSAGE_MARK = "-passage"


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


def passage_id(doc_id: str, seq: int) -> str:
    """The id of the ``seq``-th passage (from 1, headings counted) of ``doc_id``.

    The one place the format is made: ``<doc id>-passage<ordinal>``, safe as a
    URL fragment, an HTML id, a CSS selector, a file name and a search term.
    """
    if seq < 1:
        raise ValueError(f"a passage ordinal counts from 1, not {seq}")
    return f"{doc_id}{PASSAGE_MARK}{seq}"


def split_passage_id(pid: str) -> tuple[str, int]:
    """(doc id, ordinal) of a passage id made by :func:`passage_id`; ValueError if it is not one."""
    doc_id, mark, seq = pid.rpartition(PASSAGE_MARK)
    if (
        not mark
        or not doc_id
        or not seq.isascii()
        or not seq.isdigit()
        or seq[0] == "0"
    ):
        raise ValueError(f"{pid!r} is not a passage id (<doc id>{PASSAGE_MARK}<n>)")
    return doc_id, int(seq)


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
                passage_id=passage_id(doc_id, seq),
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
