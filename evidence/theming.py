"""Keep the store's theme assignment in step with its passages and taxonomy.

Themes are assigned over the whole corpus at once (the model learns from the
corpus's own seed-labelled passages), from text already in the store, so a
new taxonomy re-assigns without reading a document again. The taxonomy in
use is kept in the index directory, so later runs keep using it.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypedDict

from .kinds import KINDS
from .store import Store
from .themes import Taxonomy, ThemeScore, document_themes, finding_themes, load_taxonomy
from .themes.assign import assign_and_learn, assign_with_model

TAXONOMY_NAME = "themes.toml"
MODEL_NAME = "theme-model.pkl"
#: How far the corpus may grow or shrink (as a share of the passages the
#: saved model learned from) before the theme model is learned again.
RELEARN_SHARE = 0.2


def active_taxonomy_path(index_dir: Path) -> Path | None:
    """The user's taxonomy saved in the index directory, if any."""
    path = Path(index_dir) / TAXONOMY_NAME
    return path if path.is_file() else None


def use_taxonomy(index_dir: Path, path: Path | None) -> Taxonomy:
    """Load ``path`` (checked first) and keep a copy as the index's setting.

    With no ``path``, the one saved earlier, else the packaged default.
    """
    if path is not None:
        taxonomy = load_taxonomy(path)  # raises TaxonomyError naming the line
        target = Path(index_dir) / TAXONOMY_NAME
        if Path(path).resolve() != target.resolve():
            Path(index_dir).mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
        return taxonomy
    return load_taxonomy(active_taxonomy_path(index_dir))


def resolve_theme(index_dir: Path, name: str | None) -> str | None:
    """The id of the theme ``name`` gives (an id or a label, any case) in the
    taxonomy this index uses; QueryError listing the ids when there is none."""
    if name is None:
        return None
    return load_taxonomy(active_taxonomy_path(index_dir)).resolve(name)


def taxonomy_fingerprint(taxonomy: Taxonomy) -> str:
    """Changes when the themes or their terms change, wherever the file lives."""
    return hashlib.sha256(
        repr((taxonomy.themes, taxonomy.neutral_terms)).encode("utf-8")
    ).hexdigest()


#: Documents whose themes are worked out and written together in a
#: corpus-wide pass: bounds its memory whatever the corpus size. Small, so
#: the index writer's processes get each batch while the next is themed
#: (the work per batch costs the same from 25 to 100 documents).
BATCH_DOCS = 25

#: Called with the ids of documents whose new themes are written (not yet
#: committed) and whose search entries are out of date, so the index can
#: take them in while the rest are still being worked out.
OnThemed = Callable[[list[str]], None]


def _learning_sample(store: Store) -> tuple[int, list[tuple[str, str]]]:
    """(passages in the store, the even sample the theme model learns from).

    Every ``step``-th passage by passage id, as ``ThemeModel.fit`` would take
    from the whole corpus, read as a stream: only the sample is held.
    """
    from .themes.model import MAX_TRAIN

    total = store.passage_count()
    step = max(1, -(-total // MAX_TRAIN))
    sample = [row for i, row in enumerate(store.iter_passage_texts()) if i % step == 0]
    return total, sample


def reassign(
    store: Store,
    taxonomy: Taxonomy,
    *,
    model_path: Path | None = None,
    on_themed: OnThemed | None = None,
) -> int:
    """Assign every passage and finding again; returns how many documents changed.

    The model is learned afresh from an even sample of the corpus and, with
    ``model_path``, kept there for :func:`update_themes`. The sample's
    passages keep the themes learning gave them (predicted out of sample
    where the model does that); every other passage is labelled with the
    learned model, a batch of documents at a time, so memory stays flat as
    the corpus grows. Documents whose passage themes changed are marked
    unindexed in the same transaction, so the next index sync carries the
    new themes into search even if this run dies before it.
    """
    total, sample = _learning_sample(store)
    learned, model = assign_and_learn(sample, taxonomy)
    del sample
    # From here until the new themes commit, the saved model and the stored
    # themes may disagree: a run interrupted in between leaves no taxonomy
    # fingerprint, so the next one learns again rather than trust the model.
    store.set_meta("taxonomy", "")
    if model_path is not None and model is not None:  # None: no passages to learn from
        model.to_disk(model_path)
    changed = 0
    doc_ids = store.doc_ids()
    with store.rewriting_themes() as rewrite:
        rewrite.name_themes([(t.id, t.label) for t in taxonomy.themes])
        for first in range(0, len(doc_ids), BATCH_DOCS):
            batch = doc_ids[first : first + BATCH_DOCS]
            passages, findings, current = store.theme_inputs(batch)
            # A passage is in the sample or not whatever the batch, so the result
            # is the one learning over the whole corpus at once would give.
            todo = [(pid, text) for pid, _doc, text in passages if pid not in learned]
            assignments = assign_with_model(todo, taxonomy, model) if todo else {}
            assignments.update(
                (pid, learned[pid]) for pid, _doc, _text in passages if pid in learned
            )
            changed_docs = sorted(
                {
                    doc
                    for pid, doc, _text in passages
                    if sorted(s.theme for s in assignments[pid]) != current.get(pid, [])
                }
            )
            rewrite.replace(
                batch,
                _passage_rows(assignments),
                _finding_rows(findings, assignments, taxonomy),
            )
            rewrite.mark_unindexed(changed_docs)
            changed += len(changed_docs)
            if on_themed is not None:
                stale = store.unindexed_among(batch)
                if stale:
                    on_themed(stale)
        rewrite.drop_unused_themes(taxonomy.ids)
        rewrite.set_meta("taxonomy", taxonomy_fingerprint(taxonomy))
        rewrite.set_meta("theme_model_passages", str(total))
    return changed


def _passage_rows(
    assignments: dict[str, list[ThemeScore]],
) -> list[tuple[str, str, float, str]]:
    return [
        (pid, s.theme, s.score, s.reason)
        for pid in sorted(assignments)
        for s in assignments[pid]
    ]


def _finding_rows(
    findings: Iterable[tuple[str, str, str]],
    assignments: dict[str, list[ThemeScore]],
    taxonomy: Taxonomy,
) -> list[tuple[str, str]]:
    """(finding_id, theme) rows; a sentence that holds several findings is matched once."""
    rows: list[tuple[str, str]] = []
    seen: dict[tuple[str, str], list[str]] = {}
    for finding_id, passage_id, text in findings:
        key = (passage_id, text)
        themes = seen.get(key)
        if themes is None:
            themes = seen[key] = finding_themes(
                text, assignments.get(passage_id, []), taxonomy
            )
        rows.extend((finding_id, theme) for theme in themes)
    return rows


def relearn_due(store: Store, index_dir: Path, taxonomy: Taxonomy) -> bool:
    """Whether :func:`update_themes` will learn the model again from the whole corpus."""
    trained_on = int(store.get_meta("theme_model_passages") or 0)
    if store.get_meta("taxonomy") != taxonomy_fingerprint(taxonomy) or not trained_on:
        return True
    if not (Path(index_dir) / MODEL_NAME).is_file():
        return True
    return abs(store.passage_count() - trained_on) > RELEARN_SHARE * trained_on


def update_themes(
    store: Store,
    index_dir: Path,
    taxonomy: Taxonomy,
    changed_docs: list[str],
    *,
    on_themed: OnThemed | None = None,
) -> None:
    """Bring themes up to date after an ingest, as cheaply as is safe.

    When the taxonomy is the one the saved model learned with and the corpus
    has not grown or shrunk by more than :data:`RELEARN_SHARE` since, only
    the changed documents are labelled, with the saved model. Otherwise the
    model is learned again from the whole corpus.
    """
    from .themes.model import SavedThemeModel

    model_path = Path(index_dir) / MODEL_NAME
    model = (
        None
        if relearn_due(store, index_dir, taxonomy)
        else SavedThemeModel.from_disk(model_path)
    )
    if model is None:
        reassign(store, taxonomy, model_path=model_path, on_themed=on_themed)
        return
    with store.rewriting_themes() as rewrite:
        rewrite.name_themes([(t.id, t.label) for t in taxonomy.themes])
        for first in range(0, len(changed_docs), BATCH_DOCS):
            batch = sorted(changed_docs[first : first + BATCH_DOCS])
            passages, findings, _current = store.theme_inputs(batch)
            assignments = assign_with_model(
                [(pid, text) for pid, _doc, text in passages], taxonomy, model
            )
            rewrite.replace(
                batch,
                _passage_rows(assignments),
                _finding_rows(findings, assignments, taxonomy),
            )
            if on_themed is not None:
                on_themed(batch)


def theme_table(store: Store, taxonomy: Taxonomy) -> list[dict[str, object]]:
    """Per theme: how many documents, passages and findings of each kind (by its plural) carry it.

    Counted from theme rows and SQL totals, never from every passage's text
    or every finding, so a large store answers without loading them.
    """
    passages_by_theme: dict[str, int] = {t: 0 for t in taxonomy.ids}
    by_doc: dict[str, list[list[ThemeScore]]] = {}
    for _pid, doc_id, rows in store.passage_themes_by_passage():
        for theme, _score, _reason in rows:
            passages_by_theme[theme] = passages_by_theme.get(theme, 0) + 1
        by_doc.setdefault(doc_id, []).append([ThemeScore(t, s, r) for t, s, r in rows])
    docs_by_theme: dict[str, int] = {}
    for scores in by_doc.values():
        # A document is about a theme when enough of it is, not at one mention.
        for theme in document_themes(scores):
            docs_by_theme[theme] = docs_by_theme.get(theme, 0) + 1
    kinds_by_theme = store.finding_kinds_by_theme()
    table = []
    for theme_id, passages in passages_by_theme.items():
        entry = taxonomy.get(theme_id)
        kinds = kinds_by_theme.get(theme_id, {})
        table.append(
            {
                "id": theme_id,
                "label": entry.label if entry else theme_id,
                "documents": docs_by_theme.get(theme_id, 0),
                "passages": passages,
                **{kind.plural: kinds.get(kind.name, 0) for kind in KINDS},
            }
        )
    return table


class Example(TypedDict):
    """A passage that shows what a candidate theme is about."""

    passage_id: str
    text: str


class Candidate(TypedDict):
    """A candidate theme as ``evidence themes --discover`` prints it, and its JSON."""

    terms: list[str]
    size: int
    examples: list[Example]


def discover(store: Store, *, n_topics: int = 5) -> list[Candidate]:
    """Candidate themes among the passages no theme covers, with examples."""
    from .themes.discover import discover_themes

    covered = set(store.passage_themes())
    uncovered = [
        (p.passage_id, p.text)
        for p in store.passages()
        if p.passage_id not in covered and p.kind != "heading"
    ]
    text_of = dict(uncovered)
    return [
        {
            "terms": list(c.terms),
            "size": c.size,
            "examples": [
                {"passage_id": pid, "text": text_of[pid]} for pid in c.passage_ids
            ],
        }
        for c in discover_themes(uncovered, n_topics=n_topics)
    ]
