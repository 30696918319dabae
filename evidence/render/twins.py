"""Python twins of the macros every page repeats: the same bytes, a fraction of the cost.

A dense corpus cites findings hundreds of thousands of times and lists tens
of thousands of figures, and a Jinja macro call costs several times what the
same string costs built here. The macros stay in macros.html as the
reference (tests check each twin against its macro, hostile text included);
when a user overrides macros.html, the build calls their macros instead.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from markupsafe import Markup

from ..kinds import KINDS
from .views import DocView, FindingView, PassageView

#: Links made only of these characters need no percent-encoding.
_URL_SAFE = re.compile(r"[A-Za-z0-9/#._~-]*")


def escape(value: Any) -> str:
    """markupsafe's escaping (same five characters, same entities) as a plain string.

    markupsafe.escape builds a Markup object per call, which is most of the
    cost of a row; here the result is joined into one Markup at the end.
    """
    return (
        str(value)
        .replace("&", "&amp;")
        .replace(">", "&gt;")
        .replace("<", "&lt;")
        .replace("'", "&#39;")
        .replace('"', "&#34;")
    )


def url(value: Any) -> str:
    """Percent-encode a site-relative link, keeping its path and fragment marks."""
    text = str(value)
    if _URL_SAFE.fullmatch(text):
        return text
    return quote(text, safe="/#-._~")


def number(value: Any) -> str:
    """A sortable plain number for data attributes: no exponent, no trailing zeros."""
    if value is None or value == "":
        return ""
    try:
        parsed = float(value)
    except (TypeError, ValueError):
        return ""
    text = f"{parsed:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def cite(f: FindingView, root: str) -> Markup:
    """The ``source`` macro: a link to the finding's passage naming body, title,
    reference, date and the page or paragraph."""
    d = f.doc
    ref = f", {escape(d.cited_ref)}" if d.cited_ref else ""
    date = f", {escape(d.date)}" if d.date else ""
    at = f", {escape(f.at).replace(' ', '&nbsp;', 1)}" if f.at else ""
    return Markup(
        f'<a class="src" href="{escape(root)}{escape(url(f.href))}">{escape(d.body)}, '
        f"<cite>{escape(d.title)}</cite>{ref}{date}{at}</a>"
    )


def figure_row(
    f: FindingView,
    root: str,
    show_themes: bool = False,
    theme_labels: Mapping[str, str] | None = None,
) -> Markup:
    """The ``figure_row`` macro: one figure as a table row."""
    data = f.data
    kind = data.get("figure_kind")
    qualifier = data.get("qualifier")
    measure = data.get("measure")
    note = f' <span class="note">({escape(qualifier)})</span>' if qualifier else ""
    measured = f'<span class="measure">{escape(measure)}</span> ' if measure else ""
    themes = ""
    if show_themes:
        labels = theme_labels or {}
        themes = (
            "<td>" + "; ".join(escape(labels.get(t, t)) for t in f.themes) + "</td>"
        )
    return Markup(
        f'<tr data-kind="{escape(kind or "")}" data-themes=" {escape(" ".join(f.themes))} ">\n'
        f'<td data-sort="{escape(number(data.get("value")))}"><strong>{escape(data.get("surface") or f.text)}</strong>{note}</td>\n'
        f'<td>{measured}<span class="ctx">{escape(f.context)}</span></td>\n'
        f"<td>{escape(data.get('period') or '—')}</td>\n"
        f"<td>{escape(kind or '—')}</td>\n"
        f"{themes}<td>{cite(f, root)}</td>\n"
        "</tr>\n"
    )


def passage(pv: PassageView, doc: DocView) -> Markup:
    """One passage of a document page: anchor, marked text, pilcrow link and its findings.

    A dense document has dozens of passages with several findings each; as a
    template loop this was most of a document page's cost. An overriding
    document.html can still write its own loop over ``passages``. Each
    finding is shown as its kind says (``evidence.kinds``); ``doc`` is the
    page's document, which every finding of the passage carries too.
    """
    p = pv.passage
    pid = escape(p.passage_id)
    if p.kind == "heading":
        return Markup(f'<h3 class="passage" id="{pid}">{pv.marked}</h3>\n')
    # the label holds the words shown ("p. 4 (OCR)"), so what is seen is what a voice user says
    label = (
        f", p. {escape(p.page)}{' (OCR)' if p.ocr else ''}"
        if p.page
        else (", text from OCR" if p.ocr else "")
    )
    page = (
        f'<span class="page">p.&nbsp;{escape(p.page)}{" (OCR)" if p.ocr else ""}</span>'
        if p.page
        else ""
    )
    out = [
        f'<div class="passage k-{escape(p.kind)}{" ocr" if p.ocr else ""}" id="{pid}">\n',
        f'<p>{pv.marked} <a class="pilcrow" href="#{escape(url(p.passage_id))}" aria-label="Link to this passage{label}">\u00b6{page}</a></p>\n',
    ]
    if pv.findings:
        out.append('<ul class="found" aria-label="Findings in this passage">\n')
        out.extend(_found(f) for f in pv.findings)
        out.append("</ul>\n")
    out.append("</div>\n")
    return Markup("".join(out))


def _found(f: FindingView) -> str:
    """A finding in a passage's list: its kind's tag, then what it says in a few words (the kind's summary)."""
    kind = KINDS.get(f.kind)
    return (
        f'<li><span class="tag {escape(kind.tag_class)}">{escape(kind.label)}</span> '
        f"{escape(kind.summary(f))}</li>\n"
    )
