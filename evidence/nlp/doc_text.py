"""The text of a Doc, joined once.

spaCy rebuilds ``doc.text`` from the tokens on every access; several of our
components read it, so the first one keeps it on the Doc for the rest.
"""

from __future__ import annotations

from spacy.tokens import Doc

_TEXT_KEY = "evidence.text"


def doc_text(doc: Doc) -> str:
    """``doc.text``, cached in ``doc.user_data`` (keyed by length, in case tokens change)."""
    cached = doc.user_data.get(_TEXT_KEY)
    if cached is None or cached[0] != len(doc):
        cached = (len(doc), doc.text)
        doc.user_data[_TEXT_KEY] = cached
    return cached[1]
