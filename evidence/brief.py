"""A Word briefing of one theme or of every theme, each statement cited in a real footnote.

Clerks forward Word, not web pages. The briefing shows what the site's theme
page shows (the same headline figures, the same figures chosen across
bodies, the same recommendations per addressee: :func:`site_model` makes
both), and each statement carries a footnote a reader can check:
"(Body, Title, ref, p. N)" for a page of a PDF, else "para 3.2" where the
paragraph prints its own number, else "para 14" counting the document's
passages in reading order (the number the site's passage links end in).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .citations import Citer, locator, printed_numbers
from .errors import BriefError
from .models import Passage
from .render.views import NO_TARGET, FigureRow, FindingView, ThemeView, site_model
from .store import Store
from .themes import Taxonomy, load_taxonomy
from .wordml import TEXT_WIDTH, Inline, Note, Text, WordDocument, clean

#: Key figures table: value, what it measures, period, source (twentieths of a point).
_FIGURE_WIDTHS = (1700, TEXT_WIDTH - 1700 - 1500 - 2600, 1500, 2600)


@dataclass(frozen=True)
class BriefReport:
    """What a briefing holds: its themes (labels, in order) and how many statements it cites."""

    path: Path
    themes: tuple[str, ...]
    figures: int
    recommendations: int
    footnotes: int


def citation(
    f: FindingView, passage: Passage, printed: Mapping[str, str]
) -> tuple[Text, ...]:
    """The footnote's runs, the title in italics: "(Body, Title, ref, p. N)" or "... para N)".

    The reference code is left out when the title already says it
    ("Written evidence submitted by X (ICS0048)").
    """
    doc = f.doc
    title = clean(doc.title)
    ref = clean(doc.ref or "")
    where = locator(f.page, passage, printed)
    tail = ", ".join(
        part
        for part in (
            ref if ref and ref.casefold() not in title.casefold() else "",
            where,
        )
        if part
    )
    return (Text(f"({clean(doc.body)}, "), Text(title, italic=True), Text(f", {tail})"))


class _Citations(Citer):
    """Footnote runs for findings, reading each cited document's passages once."""

    def note(self, f: FindingView) -> Note:
        passage = self.passage(f.doc.doc_id, f.passage_id)
        if passage is None:
            raise BriefError(
                f"finding {f.id} cites passage {f.passage_id}, which is not in the store",
                hint="run `evidence ingest` again to repair the store",
            )
        return Note(citation(f, passage, self.printed))


def write_brief(
    store: Store,
    path: Path,
    *,
    theme: str | None = None,
    taxonomy: Taxonomy | None = None,
) -> BriefReport:
    """Write a Word briefing to ``path``: the theme ``theme`` (its id or label, any case), or every theme.

    Every theme gets a section, in the taxonomy's order, starting on a new
    page. The file is written beside ``path`` and moved into place, so a
    failed write leaves any earlier briefing as it was. The same store gives
    the same bytes.
    """
    tax = taxonomy if taxonomy is not None else load_taxonomy()
    wanted = (
        tax.resolve(theme) if theme is not None else None
    )  # QueryError listing the ids
    model = site_model(store, tax, cross_source=False)
    themes = [t for t in model.themes if wanted is None or t.id == wanted]
    title = (
        f"Evidence briefing: {themes[0].label}"
        if wanted is not None
        else "Evidence briefing"
    )
    doc = WordDocument(title)
    doc.paragraph([Text(title)], style="Title")
    corpus = model.corpus
    span = ""
    if corpus.first_date and corpus.last_date:
        span = (
            f", dated {corpus.first_date} to {corpus.last_date}"
            if corpus.first_date != corpus.last_date
            else f", dated {corpus.first_date}"
        )
    doc.paragraph(
        [
            Text(
                f"Drawn from {_count(corpus.documents, 'document')} by {_count(len(corpus.by_org), 'body', 'bodies')}{span}. "
                "Each statement is footnoted to its source: the body, the document's title and reference, "
                "and the page (for a PDF) or paragraph."
            )
        ]
    )
    cites = _Citations(store)
    figures = recommendations = 0
    for n, view in enumerate(themes):
        shown = _theme_section(doc, view, cites, page_break=n > 0)
        figures += shown[0]
        recommendations += shown[1]
    _save(doc, Path(path))
    return BriefReport(
        Path(path),
        tuple(t.label for t in themes),
        figures,
        recommendations,
        doc.footnotes,
    )


def _theme_section(
    doc: WordDocument, theme: ThemeView, cites: _Citations, *, page_break: bool
) -> tuple[int, int]:
    """One theme: summary, headline figures, key figures table, recommendations by addressee.

    Returns how many figures (in the table) and recommendations it shows.
    """
    doc.heading(1, theme.label, page_break=page_break)
    if theme.description:
        doc.paragraph([Text(theme.description)], style="Note")
    if not theme.passages:
        doc.paragraph(
            [Text("No passage in the corpus has been assigned to this theme.")]
        )
        return 0, 0
    label = theme.label.lower()
    stated = [_count(n, kind.noun, kind.nouns) for kind, n in theme.stated]
    summary = (
        f"{_count(theme.passages, 'passage')} in {_count(theme.sources_total, 'document')} discuss {label}, with "
        f"{_and(stated)}."
    )
    top = [
        f"{name} ({_count(count, 'passage')})" for name, _, count in theme.bodies[:3]
    ]
    if top:
        summary += f" The bodies that say most are {_and(top)}."
    doc.paragraph([Text(summary)])
    if theme.headline:
        doc.heading(2, "Headline figures")
        for f in theme.headline:
            doc.paragraph([Text(_value(f), bold=True), Text(_about(f)), cites.note(f)])
    if theme.figures:
        doc.heading(2, "Key figures")
        rows: list[list[list[Inline]]] = [
            [
                [Text("; ".join(_value(f) for f in row.figures), bold=True)],
                [Text(_row_measure(row))],
                [Text(clean("; ".join(row.periods) or "\u2014"))],
                [Text(clean(row.first.doc.body)), cites.note(row.first)],
            ]
            for row in theme.figures
        ]
        doc.table(
            ["Value", "What it measures", "Period", "Source"], rows, _FIGURE_WIDTHS
        )
        if theme.figure_rows_total > len(theme.figures):
            doc.paragraph(
                [
                    Text(
                        f"{len(theme.figures)} of {theme.figure_rows_total} sentences giving figures, from as many bodies as possible; "
                        f"`evidence export --kind figure --theme {theme.id}` lists every figure."
                    )
                ],
                style="Note",
            )
    if theme.recommendations:
        doc.heading(2, "Recommendations")
        for group in theme.recommendations:
            shown = len(group.items)
            heading = group.title if group.title == NO_TARGET else f"To {group.title}"
            doc.heading(3, f"{clean(heading)} ({shown})")
            for f in group.items:
                doc.paragraph(
                    [
                        Text(f"{clean(f.body)}: \u201c{clean(f.text)}\u201d"),
                        cites.note(f),
                    ]
                )
            if group.more:
                doc.paragraph(
                    [
                        Text(
                            f"And {group.more} more; `evidence export --kind recommendation --theme {theme.id}` lists them all."
                        )
                    ],
                    style="Note",
                )
    recommendations = len({f.id for g in theme.recommendations for f in g.items})
    return sum(len(row.figures) for row in theme.figures), recommendations


def _value(f: FindingView) -> str:
    return clean(str(f.data.get("surface") or f.text))


def _row_measure(row: FigureRow) -> str:
    """What a sentence's figures measure, else the sentence (as the site's table shows it)."""
    return clean("; ".join(row.measures) or row.first.context)


def _about(f: FindingView) -> str:
    """A headline figure's measure and period, then who gives it: " savings (2022-23) — Body"."""
    measure = f.data.get("measure")
    period = f.data.get("period")
    out = f" {clean(str(measure))}" if measure else ""
    if period:
        out += f" ({clean(str(period))})"
    return f"{out} \u2014 {clean(f.doc.body)}"


def _count(n: int, singular: str, plural: str | None = None) -> str:
    return f"{n} {singular if n == 1 else (plural or singular + 's')}"


def _and(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _save(doc: WordDocument, path: Path) -> None:
    """Write beside ``path`` and move into place: a failed write never leaves half a file."""
    temporary = path.with_name(f".{path.name}.part")
    try:
        doc.save(temporary)
        os.replace(temporary, path)
    except OSError as exc:
        hint = (
            "choose a folder that exists and can be written"
            if not path.parent.is_dir()
            else None
        )
        raise BriefError(
            f"cannot write the briefing to {path}: {exc.strerror or exc}", hint=hint
        ) from exc
    finally:
        if temporary.exists():
            temporary.unlink()


__all__ = ["BriefReport", "citation", "printed_numbers", "write_brief"]
