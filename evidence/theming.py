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
from .themes import Taxonomy, ThemeScore, assign_themes, document_themes, finding_themes, load_taxonomy

TAXONOMY_NAME = "themes.toml"


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


def reassign(store: Store, taxonomy: Taxonomy) -> int:
    """Assign every passage and finding again; returns how many documents changed.

    Documents whose passage themes changed are marked unindexed so the next
    index sync carries the new themes into search.
    """
    passages = store.passages()
    assignments = assign_themes([(p.passage_id, p.text) for p in passages], taxonomy)
    old = {pid: [theme for theme, _score, _reason in rows] for pid, rows in store.passage_themes().items()}
    passage_rows = []
    changed_docs: set[str] = set()
    doc_of = {p.passage_id: p.doc_id for p in passages}
    for pid in sorted(assignments):
        scores = assignments[pid]
        passage_rows.extend((pid, s.theme, s.score, s.reason) for s in scores)
        if sorted(s.theme for s in scores) != sorted(old.get(pid, [])):
            changed_docs.add(doc_of[pid])
    finding_rows = []
    for finding in store.findings():
        for theme in finding_themes(finding["text"], assignments.get(finding["passage_id"], []), taxonomy):
            finding_rows.append((finding["id"], theme))
    store.replace_themes(passage_rows, finding_rows)
    store.mark_unindexed(sorted(changed_docs))
    store.set_meta("taxonomy", taxonomy_fingerprint(taxonomy))
    return len(changed_docs)


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
