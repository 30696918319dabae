"""Where a statement comes from, as a reader checks it: body, title,
reference, date, and the page or the paragraph.

One place for every output (the CLI, the export, the Word briefing), so a
statement is cited the same way wherever it appears. A PDF has pages; other
documents are cited by the paragraph number they print ("para 3.2"), and a
paragraph that prints none by its place among the document's passages,
labelled as such ("para 14"), the number the site's passage links end in.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from .models import Metadata, Passage
from .store import Store

#: A paragraph number with points ("3.2", "12.1.4") opening a passage before a capital or a quote.
_DOTTED = re.compile(r"(\d{1,3}(?:\.\d{1,3}){1,3})\.?\s+(?=[A-Z\"'(\u2018\u201c])")
#: A whole number ("7", "14.") opening a passage: a paragraph number only beside its neighbours.
_WHOLE = re.compile(r"(\d{1,3})\.?\s+(?=[A-Z\"'(\u2018\u201c])")
#: Passages that can carry a printed paragraph number (a table row's first cell or a note's marker cannot).
_NUMBERED_KINDS = frozenset({"paragraph", "list_item"})


def printed_numbers(passages: Sequence[Passage]) -> dict[str, str]:
    """Passage id -> the paragraph number the document prints at its start, for one document's passages.

    "3.2 Capital is..." is numbered 3.2. A bare "7 Workforce shortages..."
    counts only when the paragraph before or after in the numbering (6 or 8)
    opens another passage of the document too: a sentence may start with a
    count ("42 ICSs were set up") but a run of them does not.
    """
    out: dict[str, str] = {}
    whole: dict[str, int] = {}
    for p in passages:
        if p.kind not in _NUMBERED_KINDS:
            continue
        dotted = _DOTTED.match(p.text)
        if dotted:
            out[p.passage_id] = dotted.group(1)
            continue
        match = _WHOLE.match(p.text)
        if match:
            whole[p.passage_id] = int(match.group(1))
    numbers = set(whole.values())
    for pid, number in whole.items():
        if number - 1 in numbers or number + 1 in numbers:
            out[pid] = str(number)
    return out


def locator(page: int | None, passage: Passage, printed: Mapping[str, str]) -> str:
    """ "p. 3" for a page; else "para 3.2" as printed, else "para 14" counting passages."""
    return where(page, printed.get(passage.passage_id), passage.seq)


def where(page: int | None, para: str | None, seq: int) -> str:
    """ "p. 3" for a page; else "para 3.2" as printed (``para``), else "para 14" (``seq``).

    For readers that have the store's ``passages.para`` (the printed number
    :func:`printed_numbers` found at ingest) rather than the document's passages.
    """
    if page:
        return f"p. {page}"
    return f"para {para or seq}"


def shown_ref(title: str, ref: str | None) -> str | None:
    """The reference code, left out when the title already says it ("... (ICS0048)")."""
    return ref if ref and ref.casefold() not in title.casefold() else None


def citation(title: str, metadata: Metadata, where: str) -> str:
    """ "Body, Title, ref, date, where": each part that is known, the reference
    left out when the title already says it ("... (ICS0048)")."""
    parts = [
        metadata.org or "",
        title,
        shown_ref(title, metadata.ref) or "",
        metadata.date or "",
        where,
    ]
    return ", ".join(part for part in parts if part)


class Citer:
    """Citations for passages of a store, reading each document's passages once."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._passages: dict[str, Passage] = {}
        self._printed: dict[str, str] = {}
        self._read: set[str] = set()

    def passage(self, doc_id: str, passage_id: str) -> Passage | None:
        if doc_id not in self._read:
            self._read.add(doc_id)
            passages = self._store.passages(doc_id)
            self._passages.update((p.passage_id, p) for p in passages)
            self._printed.update(printed_numbers(passages))
        return self._passages.get(passage_id)

    @property
    def printed(self) -> Mapping[str, str]:
        """Passage id -> printed paragraph number, for the documents read so far."""
        return self._printed

    def locator(self, doc_id: str, passage_id: str, page: int | None) -> str | None:
        """ "p. N" or "para N" for the passage, or None when it is not in the store."""
        passage = self.passage(doc_id, passage_id)
        return None if passage is None else locator(page, passage, self._printed)

    def forget(self) -> None:
        """Drop what was read (an export moving on to the next document)."""
        self._passages.clear()
        self._printed.clear()
        self._read.clear()
