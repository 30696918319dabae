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
from .themes import Taxonomy, assign_themes, finding_themes, load_taxonomy

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
