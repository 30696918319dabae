"""Plain data passed between the stages: readers -> passages -> nlp -> store."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

#: ``footnote`` holds a footnote or endnote (never mixed into body text);
#: ``comment`` a reviewer's comment on a word-processor file.
BlockKind = Literal[
    "heading", "paragraph", "list_item", "table_row", "footnote", "comment"
]

DOC_TYPES = (
    "report",
    "written evidence",
    "press release",
    "commentary",
    "article",
    "committee report",
    "government response",
    "other",
)


@dataclass(frozen=True)
class Block:
    """One unit of text as the source laid it out.

    ``level`` is the heading level (1 = top) for headings, the list depth for
    list items, and 0 otherwise. ``page`` is 1-based where the format has
    pages, else None. ``ocr`` marks text read from a picture of the page,
    which may hold misread characters. ``size`` is the type size in points
    where the reader measured it (0 otherwise): a cover's title is one size.
    """

    kind: BlockKind
    text: str
    page: int | None = None
    level: int = 0
    ocr: bool = False
    size: float = field(default=0.0, compare=False)


@dataclass
class Metadata:
    """What a briefing needs to cite a document. Every field may be unknown."""

    title: str | None = None
    org: str | None = None
    doc_type: str | None = None
    date: str | None = None  # ISO 8601, "YYYY-MM-DD" or "YYYY-MM" or "YYYY"
    ref: str | None = None  # reference code such as ICS0048

    def merged(self, override: Metadata) -> Metadata:
        """Fields set in ``override`` win; the rest are kept."""
        values = asdict(self)
        values.update(
            {k: v for k, v in asdict(override).items() if v not in (None, "")}
        )
        return Metadata(**values)


@dataclass
class RawDocument:
    """What a reader returns: blocks in reading order, plus format facts."""

    blocks: list[Block]
    format: str  # "txt" | "md" | "html" | "pdf" | "docx" | "doc" | "odt" | "rtf" | "eml" | "msg" | "xlsx" | "csv"
    pages: int | None = None
    #: Metadata the format itself declares (HTML <title>, DOCX core props).
    declared: Metadata = field(default_factory=Metadata)
    #: Text the layout sets most prominently at the start, most prominent
    #: first (PDF: the largest type on the first pages; DOCX: the Title style;
    #: HTML: <h1>): where a document's own title is looked for first.
    prominent: list[str] = field(default_factory=list)
    #: Files carried inside this one (an e-mail's attachments), each read as a
    #: document of its own, in the order the file lists them.
    attachments: list[Attachment] = field(default_factory=list)


@dataclass
class Attachment:
    """A file attached to another (an e-mail), read by the reader for its type.

    ``name`` is its file name, made unique among its parent's attachments
    ("report (2).pdf" for a second "report.pdf"), since ids and paths derive
    from it. Exactly one of ``document`` and ``reason`` is set; ``unsupported``
    marks a reason that is only "no reader for this type" (a signature's
    logo), which is reported as skipped rather than failed.
    """

    name: str
    sha256: str
    size: int
    document: RawDocument | None = None
    reason: str | None = None
    unsupported: bool = False


@dataclass(frozen=True)
class Passage:
    """A paragraph or list item with a stable id and its place in the source."""

    passage_id: str
    doc_id: str
    seq: int
    text: str
    page: int | None
    heading: str | None
    kind: BlockKind
    ocr: bool = False  # the text was read by OCR


@dataclass
class Finding:
    """A figure, recommendation, claim or quote (a kind of :data:`evidence.kinds.KINDS`) with its provenance.

    ``start``/``end`` are character offsets into the passage text; ``text`` is
    the sentence (or list item) the finding stands in. ``data`` holds the
    kind-specific fields of the export schema.
    """

    kind: str
    start: int
    end: int
    text: str
    data: dict[str, Any] = field(default_factory=dict)
