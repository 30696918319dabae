"""Domain exceptions. The CLI translates these, once, into one-line messages."""

from __future__ import annotations


class EvidenceError(Exception):
    """Base class: anything a user can fix or should be told about."""

    #: Suggested fix shown after the message at the CLI, if any.
    hint: str | None = None

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        if hint is not None:
            self.hint = hint


class ReaderError(EvidenceError):
    """A source file could not be read; the message names the reason."""


class UnsupportedFormat(ReaderError):
    """The file's extension or content is not a format we read."""


class MetadataError(EvidenceError):
    """The --metadata CSV is malformed."""


class StoreError(EvidenceError):
    """The SQLite store is missing, locked, or from another schema version."""


class IndexLockedError(StoreError):
    """Another ingest holds the index directory."""


class QueryError(EvidenceError):
    """A search query cannot be understood."""


class UnknownKindError(EvidenceError):
    """A finding kind that :data:`evidence.kinds.KINDS` does not hold (never read as another kind)."""


class TaxonomyError(EvidenceError):
    """A theme taxonomy file is malformed."""


class NotFound(EvidenceError):
    """A document or passage id is not in the store."""


class SiteError(EvidenceError):
    """The briefing site cannot be built: a template is missing or broken, or the folder is unwritable."""


class BriefError(EvidenceError):
    """The Word briefing cannot be written: the folder is missing or unwritable."""
