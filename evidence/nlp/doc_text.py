"""What our components read off a Doc: its text, joined once, and its facts.

spaCy rebuilds ``doc.text`` from the tokens on every access; several of our
components read it, so the first one keeps it on the Doc for the rest.
"""

from __future__ import annotations

from typing import Any

from spacy.tokens import Doc

_TEXT_KEY = "evidence.text"


def doc_text(doc: Doc) -> str:
    """``doc.text``, cached in ``doc.user_data`` (keyed by length, in case tokens change)."""
    cached = doc.user_data.get(_TEXT_KEY)
    if cached is None or cached[0] != len(doc):
        cached = (len(doc), doc.text)
        doc.user_data[_TEXT_KEY] = cached
    return cached[1]


def doc_facts(doc: Doc) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the document's shared context, this passage's facts), as dicts.

    Both are empty for text given to the pipeline directly (``analyse``),
    which has no document around it.
    """
    context = doc._.context
    passage = doc._.passage
    return (
        context if isinstance(context, dict) else {},
        passage if isinstance(passage, dict) else {},
    )
