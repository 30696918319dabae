"""Keep the store's theme assignment in step with its passages and taxonomy.

Themes are assigned over the whole corpus at once (the model learns from the
corpus's own seed-labelled passages), from text already in the store, so a
new taxonomy re-assigns without reading a document again. The taxonomy in
use is kept in the index directory, so later runs keep using it.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

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


def taxonomy_fingerprint(taxonomy: Taxonomy) -> str:
    """Changes when the themes or their terms change, wherever the file lives."""
    return hashlib.sha256(repr((taxonomy.themes, taxonomy.neutral_terms)).encode("utf-8")).hexdigest()


def reassign(store: Store, taxonomy: Taxonomy, *, model_path: Path | None = None) -> int:
    """Assign every passage and finding again; returns how many documents changed.

    The model is learned afresh from the whole corpus and, with
    ``model_path``, kept there for :func:`update_themes`. Documents whose
    passage themes changed are marked unindexed so the next index sync
    carries the new themes into search.
    """
    passages = store.passages()
    assignments, model = assign_and_learn([(p.passage_id, p.text) for p in passages], taxonomy)
    if model_path is not None and model is not None:  # None: no passages to learn from
        model.to_disk(model_path)
    old = {pid: [theme for theme, _score, _reason in rows] for pid, rows in store.passage_themes().items()}
    passage_rows = []
    changed_docs: set[str] = set()
    doc_of = {p.passage_id: p.doc_id for p in passages}
    for pid in sorted(assignments):
        scores = assignments[pid]
        passage_rows.extend((pid, s.theme, s.score, s.reason) for s in scores)
        if sorted(s.theme for s in scores) != sorted(old.get(pid, [])):
            changed_docs.add(doc_of[pid])
    finding_rows = _finding_rows(store.findings(), assignments, taxonomy)
    store.replace_themes(passage_rows, finding_rows)
    store.mark_unindexed(sorted(changed_docs))
    store.set_meta("taxonomy", taxonomy_fingerprint(taxonomy))
    store.set_meta("theme_model_passages", str(len(passages)))
    return len(changed_docs)


def _finding_rows(
    findings: list[dict[str, object]], assignments: dict[str, list[ThemeScore]], taxonomy: Taxonomy
) -> list[tuple[str, str]]:
    rows = []
    for finding in findings:
        for theme in finding_themes(str(finding["text"]), assignments.get(str(finding["passage_id"]), []), taxonomy):
            rows.append((str(finding["id"]), theme))
    return rows


def update_themes(store: Store, index_dir: Path, taxonomy: Taxonomy, changed_docs: list[str]) -> None:
    """Bring themes up to date after an ingest, as cheaply as is safe.

    When the taxonomy is the one the saved model learned with and the corpus
    has not grown or shrunk by more than :data:`RELEARN_SHARE` since, only
    the changed documents are labelled, with the saved model. Otherwise the
    model is learned again from the whole corpus.
    """
    from .themes.model import SavedThemeModel

    model_path = Path(index_dir) / MODEL_NAME
    model = None
    trained_on = int(store.get_meta("theme_model_passages") or 0)
    total = store.counts()["passages"]
    if store.get_meta("taxonomy") == taxonomy_fingerprint(taxonomy) and trained_on:
        if abs(total - trained_on) <= RELEARN_SHARE * trained_on:
            model = SavedThemeModel.from_disk(model_path)
    if model is None:
        reassign(store, taxonomy, model_path=model_path)
        return
    passages = [p for doc_id in changed_docs for p in store.passages(doc_id)]
    assignments = assign_with_model([(p.passage_id, p.text) for p in passages], taxonomy, model)
    passage_rows = [(pid, s.theme, s.score, s.reason) for pid in sorted(assignments) for s in assignments[pid]]
    findings = [f for doc_id in changed_docs for f in store.findings(doc_id=doc_id)]
    store.replace_document_themes(changed_docs, passage_rows, _finding_rows(findings, assignments, taxonomy))


def theme_table(store: Store, taxonomy: Taxonomy) -> list[dict[str, object]]:
    """Per theme: how many documents, passages and findings of each kind carry it."""
    passages_by_theme: dict[str, set[str]] = {t: set() for t in taxonomy.ids}
    by_doc: dict[str, list[list[ThemeScore]]] = {}
    doc_of = {p.passage_id: p.doc_id for p in store.passages()}
    for pid, rows in store.passage_themes().items():
        for theme, _score, _reason in rows:
            passages_by_theme.setdefault(theme, set()).add(pid)
        by_doc.setdefault(doc_of[pid], []).append([ThemeScore(t, s, r) for t, s, r in rows])
    docs_by_theme: dict[str, int] = {}
    for scores in by_doc.values():
        # A document is about a theme when enough of it is, not at one mention.
        for theme in document_themes(scores):
            docs_by_theme[theme] = docs_by_theme.get(theme, 0) + 1
    kinds_by_theme: dict[str, dict[str, int]] = {t: {} for t in passages_by_theme}
    finding_kind = {f["id"]: f["kind"] for f in store.findings()}
    for fid, themes in store.finding_themes().items():
        for theme in themes:
            counts = kinds_by_theme.setdefault(theme, {})
            counts[finding_kind[fid]] = counts.get(finding_kind[fid], 0) + 1
    table = []
    for theme_id in passages_by_theme:
        theme = taxonomy.get(theme_id)
        pids = passages_by_theme[theme_id]
        kinds = kinds_by_theme.get(theme_id, {})
        table.append(
            {
                "id": theme_id,
                "label": theme.label if theme else theme_id,
                "documents": docs_by_theme.get(theme_id, 0),
                "passages": len(pids),
                "figures": kinds.get("figure", 0),
                "recommendations": kinds.get("recommendation", 0),
                "claims": kinds.get("claim", 0),
                "quotes": kinds.get("quote", 0),
            }
        )
    return table


def discover(store: Store, *, n_topics: int = 5) -> list[dict[str, object]]:
    """Candidate themes among the passages no theme covers, with examples."""
    from .themes.discover import discover_themes

    covered = set(store.passage_themes())
    uncovered = [(p.passage_id, p.text) for p in store.passages() if p.passage_id not in covered and p.kind != "heading"]
    text_of = dict(uncovered)
    return [
        {
            "terms": list(c.terms),
            "size": c.size,
            "examples": [{"passage_id": pid, "text": text_of[pid]} for pid in c.passage_ids],
        }
        for c in discover_themes(uncovered, n_topics=n_topics)
    ]
