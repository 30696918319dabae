"""Themes: taxonomy, assignment, cross-source groups, discovery.

Importing this package does not import scikit-learn (search stays light);
:mod:`.groups` and :mod:`.discover` do, and the model pass of
:func:`assign_themes` does when it runs.
"""

from .assign import ThemeScore, assign_themes, document_themes, finding_themes
from .related import related_themes
from .taxonomy import Taxonomy, Theme, load_taxonomy

__all__ = [
    "Taxonomy",
    "Theme",
    "ThemeScore",
    "assign_themes",
    "document_themes",
    "finding_themes",
    "load_taxonomy",
    "related_themes",
]
