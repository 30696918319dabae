"""View-models: the store's rows shaped into what each page shows.

Everything here is plain data, sorted on stable keys, so the templates stay
free of logic and the same store always yields the same site. Links are
written relative to the site root ("docs/x.html#p3"); templates prefix the
page's way back to the root.
"""

from __future__ import annotations

import hashlib
import heapq
import re
from array import array
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

import numpy as np
from markupsafe import Markup

from ..citations import locator, printed_numbers, shown_ref, where
from ..kinds import CLAIM, FIGURE, KINDS, QUOTE, RECOMMENDATION, Kind
from ..models import Passage
from ..passages import slugify
from ..store import DocumentRecord
from .marks import Run, kinds_present, marked_html, runs

if TYPE_CHECKING:  # scikit-learn loads only when a build needs groups
    from ..store import Store
    from ..themes import Taxonomy
    from ..themes.groups import FigureConflicts

UNATTRIBUTED = "Unattributed"
#: The site's name on every page unless ``evidence build --title`` names it.
DEFAULT_TITLE = "Evidence briefing"
NO_TARGET = "No addressee stated"
#: A recommendation asking several bodies names them joined by this.
TARGET_SEPARATOR = "; "
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,120}$")
#: How figures are ranked for a theme's headline: money first, then rates.
_HEADLINE_ORDER = {"money": 0, "percent": 1, "ratio": 2, "count": 3, "duration": 4}
#: The coverage matrix shows this many bodies; the rest are summed in one row.
MATRIX_ROWS = 30
#: A theme page lists this many possible conflicts (and says how many more).
CONFLICT_LIMIT = 25
#: Possible conflicts are counted up to this many; past it a page says "more than".
CONFLICT_COUNT_CAP = 10_000
#: An echoed claim shows this many of its sources (and says how many more).
ECHO_LIMIT = 10
SHADE_LEVELS = 4
#: A theme page is a briefing, not the full list: it shows this many of each
#: kind (chosen to cover as many bodies as it can) and links to the page that
#: lists them all, where every one still links to its passage.
THEME_FIGURES = 50
THEME_RECOMMENDATIONS = 10
THEME_CLAIMS = 50
THEME_QUOTES = 20
#: ... and of a kind with no section of its own (see ``OWN_SECTIONS``).
THEME_LISTED = 20
THEME_ECHOED = 25
THEME_SOURCES = 50
#: A theme's summary leads with this many figures (see ``_headline``).
HEADLINE = 3
#: The summary names this many leading recommendations and agreements.
SUMMARY_RECOMMENDATIONS = 3
SUMMARY_AGREEMENTS = 3
#: "Recommendation 2:", "Conclusion 4." or a paragraph number ("13", "3.3") opening a recommendation.
_REC_LABEL = re.compile(
    r"^(?:(?:recommendation|conclusion)\s+\d{1,3}[a-z]?\s*[:.\u2013\u2014-]\s*|\(?\d{1,3}(?:\.\d{1,3}){0,3}[.)]?\s+)",
    re.IGNORECASE,
)
#: "(Paragraph 52)", "(Paras 12-14)" closing a committee's recommendation in its summary list.
_PARA_REF = re.compile(
    r"\s*\((?:paragraphs?|paras?\.?)\s*[\d\s,.\u2013-]+(?:and\s+\d+\s*)?\)\s*$",
    re.IGNORECASE,
)
_NON_WORD = re.compile(r"[\W_]+")


def file_stem(identifier: str) -> str:
    """A file name for an id: the id itself when it is safe, else a slug plus hash.

    Ids come from the store, which takes them from file names; a hostile or
    odd id must never steer a write outside the site folder.
    """
    if _SAFE_NAME.match(identifier):
        return identifier
    digest = hashlib.sha1(identifier.encode("utf-8")).hexdigest()[:8]
    return f"{slugify(identifier, max_length=40)}-{digest}"


@dataclass(frozen=True, slots=True)
class DocView:
    """A document as pages cite it."""

    doc_id: str
    href: str
    title: str
    org: str | None
    org_href: str | None
    doc_type: str | None
    date: str | None
    year: int | None
    ref: str | None
    path: str
    format: str
    pages: int | None

    @property
    def body(self) -> str:
        return self.org or UNATTRIBUTED

    @property
    def cited_ref(self) -> str | None:
        """The reference code a citation gives: none when the title already says it."""
        return shown_ref(self.title, self.ref)


@dataclass(frozen=True, slots=True)
class FindingView:
    """One finding with its source document and the link to its passage."""

    id: str
    kind: str
    text: str
    doc: DocView
    passage_id: str
    page: int | None
    href: str
    data: Mapping[str, Any]
    themes: tuple[str, ...]
    #: Position in the store's document order (document, passage, offset).
    order: int = 0
    #: Where in the document: "p. 3", "para 3.2" as printed, or "para 14" counting passages.
    at: str = ""

    @property
    def body(self) -> str:
        """Who says it: the named actor of a recommendation, else the document's body."""
        actor = self.data.get("actor") if self.kind == RECOMMENDATION.name else None
        return str(actor) if actor else self.doc.body

    @property
    def target(self) -> str:
        value = self.data.get("target")
        return str(value) if value else NO_TARGET

    @property
    def targets(self) -> list[str]:
        """Each body asked, or the no-addressee label: a recommendation to two bodies is listed under both."""
        return split_targets(self.data.get("target")) or [NO_TARGET]

    @property
    def context(self) -> str:
        """The finding's sentence, cut at a word near 200 characters for tables."""
        text = " ".join(self.text.split())
        if len(text) <= 200:
            return text
        return text[:200].rsplit(" ", 1)[0] + " \u2026"

    @property
    def cite(self) -> str:
        """The citation as text: body, title, reference, date, page or paragraph."""
        d = self.doc
        return ", ".join(
            p for p in (d.body, d.title, d.cited_ref, d.date, self.at) if p
        )


@dataclass(frozen=True)
class OrgRef:
    name: str
    slug: str
    href: str


@dataclass
class Group:
    """A titled list of findings: recommendations to one body, or echoed claims."""

    title: str
    items: list[FindingView]
    sources: int = 0
    href: str | None = None
    #: Items left off the page, for groups shown in part.
    more: int = 0
    #: Item id -> the same recommendation where else it appears (merged into the item).
    copies: dict[str, list[FindingView]] = field(default_factory=dict)
    #: Item id -> what a response document says to it, where the store has that.
    responses: dict[str, list[Response]] = field(default_factory=dict)


@dataclass(frozen=True)
class Response:
    """A response document's answer to a recommendation it quotes: the passage after the quotation.

    Shaped like a finding for citing (``href``, ``doc``, ``page``), so the
    ``cite`` macro links to the answer itself.
    """

    quoted: FindingView
    passage_id: str
    text: str
    page: int | None
    href: str
    #: Where in the document, as :attr:`FindingView.at`.
    at: str = ""

    @property
    def doc(self) -> DocView:
        return self.quoted.doc


@dataclass(frozen=True)
class FigureRow:
    """One sentence of a theme's key figures, with every key figure it gives (in the sentence's order)."""

    figures: tuple[FindingView, ...]
    #: The sentence cut into (text, figure or None): each figure's words to be marked.
    pieces: tuple[tuple[str, FindingView | None], ...]

    @property
    def first(self) -> FindingView:
        return self.figures[0]

    @property
    def measures(self) -> list[str]:
        """What the row's figures measure, each named once, in order."""
        return list(
            dict.fromkeys(
                str(f.data["measure"]) for f in self.figures if f.data.get("measure")
            )
        )

    @property
    def periods(self) -> list[str]:
        """Each figure's own period: "2022/23" alone, or "£97m: 2023-24" where the row has several figures."""
        dated = [f for f in self.figures if f.data.get("period")]
        if (
            len(self.figures) == 1
            or len({str(f.data["period"]) for f in dated}) == 1
            and len(dated) == len(self.figures)
        ):
            return list(dict.fromkeys(str(f.data["period"]) for f in dated))
        return [f"{f.data.get('surface') or f.text}: {f.data['period']}" for f in dated]

    @property
    def kinds(self) -> list[str]:
        return list(
            dict.fromkeys(
                str(f.data["figure_kind"])
                for f in self.figures
                if f.data.get("figure_kind")
            )
        )


@dataclass
class Agreement:
    """Several bodies saying the same: one claim echoed, or one body asked to act by several."""

    what: str
    bodies: list[str]
    #: The echoed claim (cited), or None for bodies asking one addressee.
    claim: FindingView | None = None


@dataclass
class Listing:
    """A kind with no section of its own on a theme page: some of its findings, and how many there are."""

    kind: Kind
    items: list[FindingView]
    total: int


@dataclass
class ThemeView:
    id: str
    label: str
    description: str
    href: str
    passages: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    sources: list[tuple[DocView, int]] = field(default_factory=list)
    bodies: list[tuple[str, str | None, int]] = field(default_factory=list)
    headline: list[FindingView] = field(default_factory=list)
    #: Key figures, a row per sentence (see ``is_key_figure``).
    figures: list[FigureRow] = field(default_factory=list)
    #: The most widely made recommendations, for the summary.
    leading: list[FindingView] = field(default_factory=list)
    #: Recommendation id -> where else the same recommendation appears.
    rec_copies: dict[str, list[FindingView]] = field(default_factory=dict)
    #: Where several bodies say the same, for the summary.
    agreements: list[Agreement] = field(default_factory=list)
    recommendations: list[Group] = field(default_factory=list)
    echoed: list[Group] = field(default_factory=list)
    claims: list[FindingView] = field(default_factory=list)
    quotes: list[FindingView] = field(default_factory=list)
    #: Kinds with no section of their own, each with some of its findings.
    listings: list[Listing] = field(default_factory=list)
    conflicts: list[tuple[FindingView, FindingView]] = field(default_factory=list)
    conflicts_total: int = 0
    #: How many there are of what the page shows only in part: key figures,
    #: the sentences that give them, distinct recommendations.
    figures_total: int = 0
    figure_rows_total: int = 0
    recommendations_total: int = 0
    claims_total: int = 0
    quotes_total: int = 0
    echoed_total: int = 0
    sources_total: int = 0
    #: True when there are more than ``conflicts_total`` pairs (the count stopped).
    conflicts_capped: bool = False
    related: list[tuple[ThemeView, float]] = field(default_factory=list)

    @property
    def findings(self) -> int:
        return sum(self.counts.values())

    @property
    def stated(self) -> list[tuple[Kind, int]]:
        """Each kind with how many the summary says the theme has: its findings of
        that kind, each recommendation counted once however often it is made or quoted."""
        return [
            (
                kind,
                self.recommendations_total
                if kind.name == RECOMMENDATION.name
                else self.counts.get(kind.name, 0),
            )
            for kind in KINDS
        ]


@dataclass
class OrgView:
    ref: OrgRef
    documents: list[DocView] = field(default_factory=list)
    makes: list[Group] = field(default_factory=list)
    receives: list[Group] = field(default_factory=list)
    #: (store order, id) of the recommendations it makes and is asked, where the
    #: model leaves ``makes`` and ``receives`` to be read for its page (:func:`org_page`).
    made: list[tuple[int, str]] = field(default_factory=list)
    asked: list[tuple[int, str]] = field(default_factory=list)


@dataclass(frozen=True)
class PassageView:
    passage: Passage
    runs: list[Run]
    kinds: tuple[str, ...]
    findings: list[FindingView]
    themes: tuple[str, ...]
    #: The passage text with its findings marked, as escaped HTML.
    marked: Markup


@dataclass
class Matrix:
    """Passages per (body, theme): which body says how much about what."""

    themes: list[ThemeView]
    rows: list[tuple[str, str | None, list[tuple[int, int]], int]]
    maximum: int


@dataclass
class Corpus:
    documents: int
    passages: int
    counts: dict[str, int]
    by_type: list[tuple[str, int]]
    by_org: list[tuple[str, str | None, int]]
    first_date: str | None
    last_date: str | None
    undated: int


@dataclass
class ThemeInputs:
    """What the themes library says across sources; computed once per build."""

    #: Claims echoed across documents: their ids sorted, and each one's group label (see ``group_labels``).
    grouped: list[str] = field(default_factory=list)
    labels: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    conflicts: FigureConflicts | None = None
    related: dict[str, list[tuple[str, float]]] = field(default_factory=dict)
    #: Recommendation id -> (passage id, text, page, where) of the answer a response document gives after quoting it.
    responses: dict[str, tuple[str, str, int | None, str]] = field(default_factory=dict)

    def conflict_position(self, fid: str) -> int | None:
        """A figure's place among the conflict finder's figures (None if not among them).

        Found by bisection in the finder's sorted ids: a map of every measured
        figure's id was held through the whole build.
        """
        ids = self.conflicts.ids if self.conflicts is not None else []
        at = bisect_left(ids, fid)
        return at if at < len(ids) and ids[at] == fid else None

    def group_of(self, fid: str) -> int | None:
        """The label of a claim's group of echoes (None when it is in none), by bisection in the grouped ids."""
        ids = self.grouped
        at = bisect_left(ids, fid)
        return int(self.labels[at]) if at < len(ids) and ids[at] == fid else None


@dataclass
class SiteModel:
    docs: list[DocView]
    findings: list[FindingView]
    themes: list[ThemeView]
    orgs: list[OrgView]
    corpus: Corpus
    matrix: Matrix
    passage_themes: dict[str, tuple[str, ...]]
    #: The name every page carries (its <title> and masthead).
    title: str = DEFAULT_TITLE
    #: The date of the store's last ingest (YYYY-MM-DD): what the site is "as at".
    #: Not the build's time, so the same store builds the same bytes.
    as_at: str | None = None

    @property
    def theme_map(self) -> dict[str, ThemeView]:
        return {t.id: t for t in self.themes}

    @property
    def theme_labels(self) -> dict[str, str]:
        return {t.id: t.label for t in self.themes}

    @property
    def theme_options(self) -> list[tuple[str, str]]:
        """(id, label) pairs for filter menus."""
        return [(t.id, t.label) for t in self.themes]


def org_refs(names: Iterable[str]) -> dict[str, OrgRef]:
    """A stable, collision-free slug per organisation name."""
    refs: dict[str, OrgRef] = {}
    used: set[str] = set()
    for name in sorted(set(names)):
        base = slugify(name)
        slug, n = base, 2
        while slug in used:
            slug, n = f"{base}-{n}", n + 1
        used.add(slug)
        refs[name] = OrgRef(name, slug, f"orgs/{slug}.html")
    return refs


def site_model(
    store: Store,
    taxonomy: Taxonomy | None = None,
    *,
    cross_source: bool = True,
    findings: bool = True,
) -> SiteModel:
    """The site's model of ``store``: what the site's pages and the Word briefing are made from.

    Themes come in the taxonomy's order (the packaged one by default), then
    any theme the store holds that the taxonomy lacks, labelled by its id.
    ``cross_source=False`` skips echoed claims, figure conflicts and related
    themes (scikit-learn work a Word briefing does not show); the headline
    figures, figure tables and recommendation groups are the same either way.

    The findings are read a kind or a theme at a time and only what the
    pages show is kept, so the model's size follows the largest theme, not
    the corpus. ``findings=False`` leaves ``SiteModel.findings`` empty (the
    site's pages read them from the store as they go); True fills it.
    """
    from ..themes import ThemeScore, load_taxonomy, related_themes
    from ..themes.groups import FigureConflicts, group_labels

    store.check_kinds()
    tax = taxonomy if taxonomy is not None else load_taxonomy()
    common: dict[str, str] = {}  # see _Fields.of
    # each themed passage's theme ids, only for a model that keeps them (the
    # site's document pages read their own); passages share a handful of
    # combinations, so one tuple each
    p_themes: dict[str, tuple[str, ...]] = {}
    if findings:
        p_doc = store.themed_passage_docs()
        combinations: dict[tuple[str, ...], tuple[str, ...]] = {}
        for pid, rows in store.iter_passage_themes():
            ids = tuple(common.setdefault(t, t) for t, _, _ in rows)
            ids = combinations.setdefault(ids, ids)
            if pid in p_doc:
                p_themes[pid] = ids
        del p_doc
    named = [(t.id, t.label, t.description) for t in tax.themes]
    seen = {t[0] for t in named}
    extra = sorted(set(store.passage_theme_ids_used()) | set(store.finding_theme_ids()))
    named += [(t, t, "") for t in extra if t not in seen]
    inputs = ThemeInputs()
    cleared: set[str] = set()
    if cross_source:
        inputs.related = related_themes(_PassageScores(store, ThemeScore))
    # a figure's period is checked against the other figures of its sentence
    # once, here; the theme streams below hold only some of a sentence's figures
    count = 0

    def measured() -> Iterator[Mapping[str, Any]]:
        """Every figure, its period checked; the conflict finder reads them as they come."""
        nonlocal count
        for passage in _by_passage(store.iter_findings_themed(kind=FIGURE.name)):
            cleared.update(_keep_own_periods([f for f, _ in passage]))
            count += len(passage)
            yield from (f for f, _ in passage)

    if cross_source:
        conflicts = FigureConflicts(measured(), reread=store.findings_by_id)
        inputs.conflicts = conflicts if count > 1 else None
        del conflicts
        # the claims are read twice rather than held (see group_texts)
        inputs.grouped, inputs.labels = group_labels(
            lambda: store.iter_finding_texts(CLAIM.name)
        )
    else:
        for _ in measured():
            pass
    # recommendations are read three times rather than held through the themes:
    # for the bodies they name, for the answers to them, and for the organisation pages
    documents = store.documents()
    names = {d.metadata.org for d in documents if d.metadata.org}
    for f, _ in store.iter_findings_themed(kind=RECOMMENDATION.name):
        if f.get("actor"):
            names.add(str(f["actor"]))
        names.update(split_targets(f.get("target")))
    orgs = org_refs(names)
    docs = doc_views(documents, orgs)
    del documents
    inputs.responses = responses(
        store, (f for f, _ in store.iter_findings_themed(kind=RECOMMENDATION.name))
    )

    # each document's place in source order (see _source_order): its findings come together there
    rank = {
        d.doc_id: n
        for n, d in enumerate(
            sorted(
                docs.values(), key=lambda d: (d.body.lower(), d.title.lower(), d.doc_id)
            )
        )
    }
    themes = []
    for tid, label, desc in named:
        # a theme's findings carry only what choosing among them reads; those the page shows get the rest after
        choices = (
            (_Fields.of(f, _CHOICE_FIELDS, common), t)
            for f, t in store.iter_findings_themed(theme=tid)
        )
        # figures and recommendations are held for the choice; claims, quotes
        # and the other kinds are chosen as they stream past (see _StreamedKinds)
        streamed = _StreamedKinds(
            rank,
            inputs.group_of,
            store.theme_finding_docs(tid, CLAIM.name),
            _theme_conflicts(inputs, store.theme_finding_docs(tid, FIGURE.name)),
            store.findings_by_id,
        )
        mine = sorted(
            streamed.keep(_views_of(choices, docs, cleared)), key=_source_order
        )
        theme = _theme_view(
            tid,
            label,
            desc,
            mine,
            streamed,
            store.theme_passage_counts(tid),
            docs,
            orgs,
            inputs,
        )
        del mine
        # the page names how often each leading recommendation is made; the groups carry their own copies
        theme.rec_copies = {
            v.id: theme.rec_copies[v.id]
            for v in theme.leading
            if v.id in theme.rec_copies
        }
        _fill_shown(store, theme, cleared)
        themes.append(theme)
    known = {t.id: t for t in themes}
    for theme in themes:
        theme.related = [
            (known[other], score)
            for other, score in inputs.related.get(theme.id, [])
            if other in known
        ]

    model = SiteModel(
        docs=sorted(docs.values(), key=lambda d: (d.title.lower(), d.doc_id)),
        findings=list(stream_finding_views(store, docs)) if findings else [],
        themes=themes,
        # the site's organisation pages read their recommendations a body at a time
        orgs=_org_views(
            orgs,
            docs,
            _views_of(
                store.iter_findings_themed(kind=RECOMMENDATION.name), docs, cleared
            ),
            held=findings,
        ),
        corpus=_corpus(
            list(docs.values()), store.passage_count(), store.finding_kind_counts()
        ),
        matrix=_matrix(themes, docs, store.doc_theme_passage_counts(), orgs),
        passage_themes=p_themes,
    )
    model.as_at = as_at(store.get_meta("last_ingest"))
    return model


def responses(
    store: Store, findings: Iterable[Mapping[str, Any]]
) -> dict[str, tuple[str, str, int | None, str]]:
    """Recommendation id -> the passage a response document gives after quoting it
    (id, text, page, where it is as a citation gives it).

    A government response quotes each of the committee's recommendations
    (its actor is the committee, not the response's own body) and answers
    in the paragraph that follows. Only documents whose type or title says
    "response" are read, one at a time.
    """
    docs = {
        d.doc_id: d
        for d in store.documents()
        if "response" in f"{d.metadata.doc_type or ''} {d.title}".lower()
    }
    quoted: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    rec_passages: set[str] = set()
    for f in findings:
        if f["kind"] != RECOMMENDATION.name or f["doc_id"] not in docs:
            continue
        rec_passages.add(str(f["passage_id"]))
        actor = f.get("actor")
        if actor and actor != docs[f["doc_id"]].metadata.org:
            quoted[str(f["doc_id"])].append(f)
    out: dict[str, tuple[str, str, int | None, str]] = {}
    for doc_id in sorted(quoted):
        passages = store.passages(doc_id)
        printed = printed_numbers(passages)
        after = {p.passage_id: passages[n + 1] for n, p in enumerate(passages[:-1])}
        for f in quoted[doc_id]:
            answer = after.get(str(f["passage_id"]))
            if (
                answer is not None
                and answer.kind != "heading"
                and answer.passage_id not in rec_passages
            ):
                out[str(f["id"])] = (
                    answer.passage_id,
                    answer.text,
                    answer.page,
                    locator(answer.page, answer, printed),
                )
    return out


def as_at(last_ingest: str | None) -> str | None:
    """The calendar date of an ingest's ISO time stamp ("2026-12-05T07:41:02+00:00" -> "2026-12-05")."""
    if not last_ingest:
        return None
    day = last_ingest[:10]
    return day if re.fullmatch(r"\d{4}-\d{2}-\d{2}", day) else None


class _PassageScores:
    """Passage id -> its ThemeScores, read from the store as they are asked for (all passages, themed ones only).

    Related themes go through every passage's themes once: streamed, they
    never sit in memory with their scores and reasons all at once.
    """

    def __init__(self, store: Store, make: Callable[[str, float, str], Any]) -> None:
        self._store = store
        self._make = make

    def _rows(self) -> Iterator[tuple[str, list[Any]]]:
        for pid, rows in self._store.iter_passage_themes():
            yield pid, [self._make(t, s, r) for t, s, r in rows]

    def __getitem__(self, key: str) -> list[Any]:
        for pid, scores in self._rows():
            if pid == key:
                return scores
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return (pid for pid, _ in self._rows())

    def __len__(self) -> int:
        return sum(1 for _ in self._rows())

    def values(self) -> Iterator[list[Any]]:
        return (scores for _, scores in self._rows())

    def items(self) -> Iterator[tuple[str, list[Any]]]:
        return self._rows()


#: What choosing a theme page's findings reads (see ``_theme_view``); the chosen get the rest.
_CHOICE_FIELDS = (
    "id",
    "kind",
    "text",
    "doc_id",
    "passage_id",
    "page",
    "seq",
    "para",
    "start",
    "surface",
    "value",
    "figure_kind",
    "measure",
    "period",
    "actor",
    "target",
)


class _Fields(Mapping[str, Any]):
    """Some of a finding row's fields, read-only, in a tenth of a dict's memory.

    A theme's choice holds its recommendations (a third of a dense corpus's
    in the largest theme) and reads only these few fields of each.
    """

    __slots__ = ("_at", "_values")

    def __init__(self, at: Mapping[str, int], values: tuple[Any, ...]) -> None:
        self._at = at
        self._values = values

    @classmethod
    def of(
        cls, row: Mapping[str, Any], names: tuple[str, ...], common: dict[str, str]
    ) -> _Fields:
        """``names`` of ``row``; a value of the few fields rows repeat is the one string kept in ``common``."""
        get = row.get
        values = [get(name) for name in names]
        for n in _repeated_positions(names):
            value = values[n]
            if isinstance(value, str):
                values[n] = common.setdefault(value, value)
        return cls(_positions(names), tuple(values))

    def __getitem__(self, key: str) -> Any:
        return self._values[self._at[key]]

    def get(self, key: str, default: Any = None) -> Any:
        """As ``dict.get`` (the passes call it in their inner loops, so not through ``__getitem__``)."""
        at = self._at.get(key)
        return default if at is None else self._values[at]

    def __iter__(self) -> Iterator[str]:
        return iter(self._at)

    def __len__(self) -> int:
        return len(self._at)


_POSITIONS: dict[tuple[str, ...], dict[str, int]] = {}
#: Fields whose values repeat across rows: each row read from the store has its own copy of the string.
#: A corpus names a few hundred measures, periods and bodies, and a figure or
#: recommendation held for the conflict finder or a theme's choice keeps the one copy.
_REPEATED = frozenset(
    {
        "kind",
        "doc_id",
        "figure_kind",
        "unit",
        "qualifier",
        "measure",
        "period",
        "actor",
        "target",
    }
)


@cache
def _repeated_positions(names: tuple[str, ...]) -> tuple[int, ...]:
    return tuple(n for n, name in enumerate(names) if name in _REPEATED)


def _positions(names: tuple[str, ...]) -> dict[str, int]:
    """One shared name -> index map per field list."""
    found = _POSITIONS.get(names)
    if found is None:
        found = _POSITIONS[names] = {name: n for n, name in enumerate(names)}
    return found


def stream_finding_views(
    store: Store,
    docs: Mapping[str, DocView],
    *,
    doc_id: str | None = None,
    kind: str | None = None,
) -> Iterator[FindingView]:
    """Views of the store's findings (all, one document's or one kind's) in store order, made as they are read.

    The list, search and document pages need each finding once and in store
    order, so they read them a batch at a time instead of from a model
    holding a million. A figure's period is checked against the other
    figures of its sentence, which share its passage and so come together
    in the stream.
    """
    return _views_of(store.iter_findings_themed(doc_id=doc_id, kind=kind), docs)


def _by_passage(
    rows: Iterable[tuple[Mapping[str, Any], tuple[str, ...]]],
) -> Iterator[list[tuple[Mapping[str, Any], tuple[str, ...]]]]:
    """Rows in store order, a passage's at a time."""
    passage: list[tuple[Mapping[str, Any], tuple[str, ...]]] = []
    for row in rows:
        if passage and passage[0][0]["passage_id"] != row[0]["passage_id"]:
            yield passage
            passage = []
        passage.append(row)
    if passage:
        yield passage


def _shown(theme: ThemeView) -> Iterator[FindingView]:
    """Every finding a theme's page (or the Word briefing) shows or cites."""
    yield from theme.headline
    for row in theme.figures:
        yield from row.figures
    yield from theme.leading
    for copies in theme.rec_copies.values():
        yield from copies
    for agreement in theme.agreements:
        if agreement.claim is not None:
            yield agreement.claim
    for group in [*theme.recommendations, *theme.echoed]:
        yield from group.items
        for copies in group.copies.values():
            yield from copies
        for answers in group.responses.values():
            yield from (r.quoted for r in answers)
    yield from theme.claims
    yield from theme.quotes
    for listing in theme.listings:
        yield from listing.items
    for pair in theme.conflicts:
        yield from pair


def _fill_shown(store: Store, theme: ThemeView, cleared: Collection[str]) -> None:
    """Give each finding the theme shows every field of its row (it was chosen on a few).

    The views are shared by the page's lists, so each is completed in place.
    """
    shown = {id(v): v for v in _shown(theme)}
    rows = store.findings_by_id({v.id for v in shown.values()})
    for v in shown.values():
        row = rows[v.id]
        if v.id in cleared:
            row["period"] = None
        object.__setattr__(v, "data", _with_fields(row))  # frozen for everyone else


def _views_of(
    rows: Iterable[tuple[Mapping[str, Any], tuple[str, ...]]],
    docs: Mapping[str, DocView],
    cleared: Collection[str] | None = None,
) -> Iterator[FindingView]:
    """Views of (row, theme ids) pairs in store order; ``order`` counts them.

    A row of a kind the registry does not hold is an error (UnknownKindError).
    A figure loses a period that belongs to another figure of its sentence:
    the ids in ``cleared`` where given (a stream holding only some of a
    sentence's figures), else checked passage by passage.
    """
    n = 0
    for passage in _by_passage(rows):
        if cleared is None:
            _keep_own_periods([f for f, _ in passage])
        for f, themes in passage:
            doc = docs.get(f["doc_id"])
            if doc is None:
                continue
            fid = str(f["id"])
            data = f
            if isinstance(f, _Fields):
                if cleared is not None and fid in cleared and f["period"] is not None:
                    data = _Fields(
                        f._at, tuple(None if k == "period" else f[k] for k in f._at)
                    )
            else:
                if cleared is not None and fid in cleared and isinstance(f, dict):
                    f["period"] = None
                data = _with_fields(f)
            yield _view(f, doc, data, themes, n)
            n += 1


def _view(
    f: Mapping[str, Any],
    doc: DocView,
    data: Mapping[str, Any],
    themes: tuple[str, ...],
    n: int,
) -> FindingView:
    """The view of store row ``f`` (its fields ``data``), ``n``-th in its stream."""
    return FindingView(
        str(f["id"]),
        KINDS.get(str(f["kind"])).name,
        str(f["text"]),
        doc,
        str(f["passage_id"]),
        f.get("page"),
        f"{doc.href}#{f['passage_id']}",
        data,
        themes,
        n,
        where(f.get("page"), f.get("para"), f.get("seq") or 0),
    )


def doc_views(
    documents: Iterable[DocumentRecord], orgs: Mapping[str, OrgRef]
) -> dict[str, DocView]:
    """doc_id -> how pages cite the document."""
    out: dict[str, DocView] = {}
    for d in documents:
        org = d.metadata.org
        out[d.doc_id] = DocView(
            doc_id=d.doc_id,
            href=f"docs/{file_stem(d.doc_id)}.html",
            title=d.title,
            org=org,
            org_href=orgs[org].href if org else None,
            doc_type=d.metadata.doc_type,
            date=d.metadata.date,
            year=d.year,
            ref=d.metadata.ref,
            path=d.path,
            format=d.format,
            pages=d.pages,
        )
    return out


def _keep_own_periods(findings: Sequence[Mapping[str, Any]]) -> list[str]:
    """Clear each figure's period that belongs to another figure of its sentence (in place, on dict rows).

    Extraction gives a figure the period nearest it in its sentence, even
    past other figures: in "£2.4 billion over five years and 15,000 places
    a year by 2031/32" the £2.4 billion is not for 2031/32. A period stays
    only where no other figure stands between it and its figure. Returns
    the ids of the figures whose period it cleared.
    """
    cleared: list[str] = []
    sentences: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for f in findings:
        if f["kind"] == FIGURE.name and isinstance(f, dict):
            sentences[(str(f["passage_id"]), str(f["text"]))].append(f)
    for (_, text), figures in sentences.items():
        if not any(f.get("period") for f in figures):
            continue
        spans = _spans_in_sentence(text, figures)
        for n, f in enumerate(figures):
            period = f.get("period")
            if period and not _period_is_own(text, str(period), n, spans):
                f["period"] = None
                cleared.append(str(f["id"]))
    return cleared


def _spans_in_sentence(
    text: str, figures: Sequence[Mapping[str, Any]]
) -> list[tuple[int, int] | None]:
    """Where each figure stands in its sentence's text (None where its words cannot be found).

    Figures keep passage offsets; the sentence's own offset in the passage
    comes from a figure whose words occur once in it.
    """
    offset = None
    for f in figures:
        surface = str(f.get("surface") or "")
        if surface and text.count(surface) == 1:
            offset = int(f.get("start") or 0) - text.index(surface)
            break
    out: list[tuple[int, int] | None] = []
    for f in figures:
        surface = str(f.get("surface") or "")
        start = int(f.get("start") or 0) - offset if offset is not None else -1
        if not surface:
            out.append(None)
        elif 0 <= start and text[start : start + len(surface)] == surface:
            out.append((start, start + len(surface)))
        elif surface in text:
            at = text.index(surface)
            out.append((at, at + len(surface)))
        else:
            out.append(None)
    return out


def _period_is_own(
    text: str, period: str, n: int, spans: Sequence[tuple[int, int] | None]
) -> bool:
    """Whether ``period`` stands next to figure ``n`` of the sentence: its nearest mention, no other figure between."""
    mine = spans[n]
    if mine is None:
        return False
    pattern = re.compile(
        r"\s+".join(re.escape(word) for word in period.split()), re.IGNORECASE
    )
    best: tuple[int, int, int] | None = None
    for m in pattern.finditer(text):
        if m.start() < mine[1] and mine[0] < m.end():
            continue
        distance = mine[0] - m.end() if m.end() <= mine[0] else m.start() - mine[1]
        if best is None or distance < best[0]:
            best = (distance, m.start(), m.end())
    if best is None:
        return False
    left, right = (best[2], mine[0]) if best[2] <= mine[0] else (mine[1], best[1])
    return not any(
        other is not None and k != n and left <= other[0] and other[1] <= right
        for k, other in enumerate(spans)
    )


def _with_fields(finding: Mapping[str, Any]) -> Mapping[str, Any]:
    """The finding with every field of its kind present (None when missing).

    Filled in place when the row is a plain dict, as the store's rows are: a
    copy per finding was a tenth of a dense build's memory.
    """
    kind = KINDS.get(finding["kind"])
    if isinstance(finding, dict):
        if not finding.keys() >= kind.field_set:
            for name in kind.fields:
                finding.setdefault(name, None)
        return finding
    return {**dict.fromkeys(kind.fields), **finding}


#: The kinds with a section of their own on a theme page (the steps below and
#: theme.html); every other kind gets a plain list of its findings.
OWN_SECTIONS = frozenset({FIGURE.name, RECOMMENDATION.name, CLAIM.name, QUOTE.name})


def _theme_view(
    tid: str,
    label: str,
    description: str,
    mine: Sequence[FindingView],
    streamed: _StreamedKinds,
    per_doc: Iterable[tuple[str, int]],
    docs: Mapping[str, DocView],
    orgs: Mapping[str, OrgRef],
    inputs: ThemeInputs,
) -> ThemeView:
    """One theme's page; ``mine`` is the theme's recommendations in source order
    (see ``_source_order``), ``streamed`` what was chosen of its other findings as they were read.

    Made in steps, each filling its part of the page: the counts, the
    sources, a section per kind, then the figures that may disagree.
    """
    theme = ThemeView(tid, label, description, f"themes/{file_stem(tid)}.html")
    by_kind = _count_kinds(theme, mine)
    theme.counts = streamed.counts
    _add_sources(theme, per_doc, docs, orgs)
    streamed.fill_figures(theme)
    _add_recommendations(theme, by_kind[RECOMMENDATION.name], orgs, inputs)
    # the summary's agreements read the recommendations' groups
    streamed.fill(theme)
    return theme


def _count_kinds(
    theme: ThemeView, mine: Sequence[FindingView]
) -> dict[str, list[FindingView]]:
    """The theme's findings by kind (every registered kind, each in source order); sets ``counts``."""
    by_kind: dict[str, list[FindingView]] = {kind.name: [] for kind in KINDS}
    for v in mine:
        if v.kind not in by_kind:
            KINDS.get(v.kind)  # an unknown kind is an error
        by_kind[v.kind].append(v)
    theme.counts = {kind: len(found) for kind, found in by_kind.items()}
    return by_kind


def _add_sources(
    theme: ThemeView,
    counts: Iterable[tuple[str, int]],
    docs: Mapping[str, DocView],
    orgs: Mapping[str, OrgRef],
) -> None:
    """How many passages discuss the theme, in which documents, from which bodies.

    ``counts`` gives (doc_id, passages of it carrying the theme), as the
    store counts them (:meth:`Store.theme_passage_counts`).
    """
    per_doc: Counter[str] = Counter(dict(counts))
    theme.passages = sum(per_doc.values())
    sources = sorted(
        ((docs[d], n) for d, n in per_doc.items()),
        key=lambda x: (-x[1], x[0].title.lower(), x[0].doc_id),
    )
    theme.sources_total = len(sources)
    theme.sources = sources[:THEME_SOURCES]
    per_body: Counter[str] = Counter()
    for doc_id, n in per_doc.items():
        per_body[docs[doc_id].body] += n
    theme.bodies = [
        (name, orgs[name].href if name in orgs else None, n)
        for name, n in sorted(per_body.items(), key=lambda x: (-x[1], x[0]))
    ]


def _add_recommendations(
    theme: ThemeView,
    recommendations: Sequence[FindingView],
    orgs: Mapping[str, OrgRef],
    inputs: ThemeInputs,
) -> None:
    """Each recommendation once, grouped by the body asked, with its copies and answers; the leading ones."""
    recs, copies = merge_recommendations(recommendations)
    theme.recommendations_total = len(recs)
    theme.rec_copies = copies
    answers = _answers(recs, copies, inputs)
    theme.recommendations = _by_target(recs, orgs)
    for group in theme.recommendations:
        shown = _spread(group.items, THEME_RECOMMENDATIONS)
        group.more = len(group.items) - len(shown)
        group.items = shown
        group.copies = {v.id: copies[v.id] for v in shown if v.id in copies}
        group.responses = {v.id: answers[v.id] for v in shown if v.id in answers}
    theme.leading = _leading(recs, copies)


def _answers(
    recs: Sequence[FindingView],
    copies: Mapping[str, list[FindingView]],
    inputs: ThemeInputs,
) -> dict[str, list[Response]]:
    """Recommendation id -> what response documents say to it or to one of its copies."""
    answers: dict[str, list[Response]] = {}
    for v in recs:
        found = []
        for c in [v, *copies.get(v.id, [])]:
            if c.id in inputs.responses:
                pid, text, page, at = inputs.responses[c.id]
                found.append(Response(c, pid, text, page, f"{c.doc.href}#{pid}", at))
        if found:
            answers[v.id] = found
    return answers


def _theme_conflicts(
    inputs: ThemeInputs, figures: Iterable[tuple[str, str]]
) -> tuple[list[tuple[str, str]], int] | None:
    """The theme's first pairs of figures that may disagree and how many (counted up to a cap),
    from its figures' (id, doc_id); None when no figure is compared."""
    if inputs.conflicts is None or not inputs.conflicts.ids:
        return None
    mask = np.zeros(len(inputs.conflicts.ids), dtype=bool)
    for fid, _ in figures:
        at = inputs.conflict_position(fid)
        if at is not None:
            mask[at] = True
    return inputs.conflicts.summary(mask, CONFLICT_LIMIT, CONFLICT_COUNT_CAP)


class _Spread:
    """What ``_spread(items, limit)`` picks, from items read a document at a time rather than all held.

    Items come in store order: each document's together and in its own
    order, the documents in any order; ``rank`` gives each document's place
    in source order. ``_spread`` only ever takes the first item of a body's
    first document, the first item of a document, and (when there are fewer
    documents than ``limit``) the first ``limit + 1`` items of a document; so
    only those of the ``2 * limit`` first documents are kept, and ``_spread``
    run on them picks what it picks from the whole list.
    """

    def __init__(
        self,
        limit: int,
        rank: Mapping[str, int],
        first: Callable[[Any], FindingView] = lambda v: v,
    ) -> None:
        self.limit = limit
        self.rank = rank
        self.first = first
        self.total = 0
        self._serial = 0
        self._body: dict[str, tuple[tuple[int, int], Any]] = {}
        #: kept documents' (-rank, doc id) as a max-heap, and their first items
        self._heap: list[tuple[int, str]] = []
        self._items: dict[str, list[tuple[tuple[int, int], Any]]] = {}
        self._current: str | None = None

    def add(self, item: Any) -> None:
        view = self.first(item)
        doc = view.doc
        key = (self.rank[doc.doc_id], self._serial)
        self._serial += 1
        self.total += 1
        known = self._body.get(doc.body)
        if known is None or key < known[0]:
            self._body[doc.body] = (key, item)
        if doc.doc_id != self._current:
            self._current = doc.doc_id
            heapq.heappush(self._heap, (-key[0], doc.doc_id))
            self._items[doc.doc_id] = []
            if len(self._heap) > 2 * self.limit:
                _, dropped = heapq.heappop(self._heap)
                del self._items[dropped]
        mine = self._items.get(doc.doc_id)
        if mine is not None and len(mine) <= self.limit:
            mine.append((key, item))

    def picked(self) -> list[Any]:
        """The items ``_spread`` picks from all that were added, in source order."""
        found: dict[tuple[int, int], Any] = {k: v for k, v in self._body.values()}
        for items in self._items.values():
            found.update(items)
        ordered = [found[k] for k in sorted(found)]
        if len(ordered) <= self.limit:
            return ordered
        chosen = {id(v) for v in _spread([self.first(v) for v in ordered], self.limit)}
        return [v for v in ordered if id(self.first(v)) in chosen]


#: What an echoed group keeps of a claim it may show: (-document rank, -serial, id,
#: document, order, themes). Not the view: a dense theme has thousands of echoed
#: groups, and only those its page shows are read back whole (see ``_StreamedKinds.fill``).
_EchoItem = tuple[int, int, str, DocView, int, tuple[str, ...]]


class _Echo:
    """One group of claims echoed in a theme: its first claim from each of its first documents, and how many claims."""

    __slots__ = ("heap", "members", "current")

    def __init__(self) -> None:
        self.heap: list[_EchoItem] = []
        self.members = 0
        self.current: str | None = None


class _StreamedKinds:
    """A theme's claims, quotes and kinds with no section of their own, chosen as they are read.

    A dense corpus gives one theme a third of all findings, half of them
    claims: the choice needs only a few of them (see :class:`_Spread`), so
    only those are kept. Claims of a group echoed by two or more documents
    of the theme (``claim_docs`` counts them per claim) go to their group,
    the others to the single claims.
    """

    def __init__(
        self,
        rank: Mapping[str, int],
        group_of: Callable[[str], int | None],
        claim_docs: Iterable[tuple[str, str]],
        conflicts: tuple[list[tuple[str, str]], int] | None,
        read: Callable[[list[str]], Mapping[str, dict[str, Any]]],
    ) -> None:
        """``read`` gives finding rows by id (:meth:`Store.findings_by_id`): the claims of the echoed groups shown are read back with it."""
        self.rank = rank
        self.read = read
        self.group_of = group_of
        self.conflicts = conflicts
        #: the figures the conflict pairs name, kept as they pass
        self.paired: dict[str, FindingView | None] = {
            i: None for pair in (conflicts[0] if conflicts else []) for i in pair
        }
        self.key_figures = 0
        self.rows = _Spread(THEME_FIGURES, rank, lambda row: row.first)
        self._sentence_doc: str | None = None
        self._sentence_figures: list[FindingView] = []
        #: body -> its best key figure for each of up to HEADLINE measures (see _headline)
        self._headline: dict[
            str, dict[str, tuple[tuple[int, float, str], FindingView]]
        ] = {}
        # each echoed group's documents in the theme, counted in arrays (a set per group
        # cost more than the largest theme's claims themselves)
        numbers: array[int] = array("q")
        ranks: array[int] = array("q")
        for fid, doc_id in claim_docs:
            number = group_of(fid)
            if number is not None:
                numbers.append(number)
                ranks.append(rank[doc_id])
        self.sources: dict[int, int] = {}
        if numbers:
            pairs = np.unique(
                np.stack(
                    [
                        np.frombuffer(numbers, dtype=np.int64),
                        np.frombuffer(ranks, dtype=np.int64),
                    ],
                    axis=1,
                ),
                axis=0,
            )
            found, sources = np.unique(pairs[:, 0], return_counts=True)
            self.sources = {
                int(n): int(c)
                for n, c in zip(found.tolist(), sources.tolist())
                if c >= 2
            }
        del numbers, ranks
        self.counts: dict[str, int] = {kind.name: 0 for kind in KINDS}
        self.echoes: dict[int, _Echo] = {}
        self.single = _Spread(THEME_CLAIMS, rank)
        self.quotes = _Spread(THEME_QUOTES, rank)
        self.listed = {
            kind.name: _Spread(THEME_LISTED, rank)
            for kind in KINDS
            if kind.name not in OWN_SECTIONS
        }
        self._serial = 0

    def keep(self, views: Iterable[FindingView]) -> Iterator[FindingView]:
        """The recommendations of ``views``; the rest is taken in here."""
        for v in views:
            if v.kind not in self.counts:
                KINDS.get(v.kind)  # an unknown kind is an error
            self.counts[v.kind] += 1
            if v.kind == RECOMMENDATION.name:
                yield v
            elif v.kind == FIGURE.name:
                self._figure(v)
            elif v.kind == CLAIM.name:
                self._claim(v)
            elif v.kind == QUOTE.name:
                self.quotes.add(v)
            else:
                self.listed[v.kind].add(v)

    def _figure(self, v: FindingView) -> None:
        if v.id in self.paired:
            self.paired[v.id] = v
        if not is_key_figure(v):
            return
        self.key_figures += 1
        if v.doc.doc_id != self._sentence_doc:
            self._flush_rows()
            self._sentence_doc = v.doc.doc_id
        # a document's sentences are rows of their own: its key figures are held until it ends
        self._sentence_figures.append(v)
        if v.data.get("measure"):
            # _headline takes at most HEADLINE figures, each of another body and measure:
            # only a body's best figure of each of its HEADLINE best measures can be one
            key = _headline_key(v)
            measure = " ".join(str(v.data["measure"]).casefold().split())
            best = self._headline.setdefault(v.doc.body, {})
            known = best.get(measure)
            if known is None or key < known[0]:
                best[measure] = (key, v)
                if len(best) > HEADLINE:
                    del best[max(best, key=lambda m: best[m][0])]

    def _flush_rows(self) -> None:
        for row in _figure_rows(self._sentence_figures):
            self.rows.add(row)
        self._sentence_figures = []

    def fill_figures(self, theme: ThemeView) -> None:
        """Set the theme's headline figures, key figure rows and possible conflicts."""
        self._flush_rows()
        theme.headline = _headline(
            [v for best in self._headline.values() for _, v in best.values()]
        )
        theme.figures_total = self.key_figures
        theme.figure_rows_total = self.rows.total
        theme.figures = self.rows.picked()
        if self.conflicts is not None:
            pairs, total = self.conflicts
            paired = self.paired
            theme.conflicts = [(_seen(paired[a]), _seen(paired[b])) for a, b in pairs]
            theme.conflicts_total = min(total, CONFLICT_COUNT_CAP)
            theme.conflicts_capped = total > CONFLICT_COUNT_CAP

    def _claim(self, v: FindingView) -> None:
        number = self.group_of(v.id)
        if number is None or number not in self.sources:
            self.single.add(v)
            return
        echo = self.echoes.get(number)
        if echo is None:
            echo = self.echoes[number] = _Echo()
        echo.members += 1
        if v.doc.doc_id != echo.current:
            # the first claim of a document: one per source, the first ECHO_LIMIT documents in source order
            echo.current = v.doc.doc_id
            self._serial += 1
            heapq.heappush(
                echo.heap,
                (
                    -self.rank[v.doc.doc_id],
                    -self._serial,
                    v.id,
                    v.doc,
                    v.order,
                    v.themes,
                ),
            )
            if len(echo.heap) > ECHO_LIMIT:
                heapq.heappop(echo.heap)

    def fill(self, theme: ThemeView) -> None:
        """Set the theme's claims (echoed and single), quotes and listings."""
        # each group's shown claims, as kept (see _EchoItem), in the order the page lists the groups
        light: list[tuple[int, list[_EchoItem], int]] = []
        for number, echo in self.echoes.items():
            shown = sorted(echo.heap, key=lambda x: (-x[0], -x[1]))
            light.append((number, shown, echo.members - len(shown)))
        light.sort(key=lambda g: (-self.sources[g[0]], g[1][0][2]))
        claimed = [
            (list(dict.fromkeys(item[3].body for item in shown)), k)
            for k, (_, shown, _) in enumerate(light)
        ]
        agreements = _agreements(
            theme.recommendations,
            theme.rec_copies,
            [(bodies, k) for bodies, k in claimed if len(bodies) >= 2],
        )
        # only the groups the page shows, and those the summary cites, are read back whole
        wanted = set(range(min(THEME_ECHOED, len(light)))) | {
            k for _, _, k in agreements if k is not None
        }
        rows = self.read([item[2] for k in wanted for item in light[k][1]])
        groups: dict[int, Group] = {}
        for k in sorted(wanted):
            number, shown, more = light[k]
            views = [
                _view(rows[fid], doc, _with_fields(rows[fid]), themes, order)
                for _, _, fid, doc, order, themes in shown
            ]
            groups[k] = Group(views[0].text, views, self.sources[number], more=more)
        theme.agreements = [
            Agreement(what, bodies)
            if k is None
            else Agreement(groups[k].title, bodies, groups[k].items[0])
            for what, bodies, k in agreements
        ]
        echoed = [groups[k] for k in range(min(THEME_ECHOED, len(light)))]
        theme.echoed_total = len(light)
        theme.echoed = echoed
        theme.claims_total = self.single.total
        theme.claims = self.single.picked()
        theme.quotes_total = self.quotes.total
        theme.quotes = self.quotes.picked()
        theme.listings = [
            Listing(kind, self.listed[kind.name].picked(), self.listed[kind.name].total)
            for kind in KINDS
            if kind.name not in OWN_SECTIONS and self.listed[kind.name].total
        ]


def _spread(items: Sequence[FindingView], limit: int) -> list[FindingView]:
    """Up to ``limit`` of ``items`` (in source order), covering as many bodies, then documents, as it can.

    Taking the first ``limit`` in source order would show only the bodies
    that sort first; a briefing should show who else says it.
    """
    if len(items) <= limit:
        return list(items)
    chosen: set[int] = set()
    keys: tuple[Callable[[FindingView], str], ...] = (
        lambda v: v.doc.body,
        lambda v: v.doc.doc_id,
        lambda v: v.id,
    )
    for key in keys:
        seen = {key(items[n]) for n in chosen}
        for n, v in enumerate(items):
            if len(chosen) == limit:
                break
            k = key(v)
            if k not in seen:
                seen.add(k)
                chosen.add(n)
    return [items[n] for n in sorted(chosen)]


def _source_order(v: FindingView) -> tuple[str, str, int]:
    return (v.doc.body.lower(), v.doc.title.lower(), v.order)


def is_key_figure(v: FindingView) -> bool:
    """Whether a figure is briefing material: a sum, a rate or a ratio, or a count or duration that measures something.

    "112,000 vacancies" is; "two years" and a bare "five" are not: they say
    when or how many of nothing in particular.
    """
    if v.data.get("figure_kind") in ("count", "duration"):
        return bool(v.data.get("measure"))
    return True


def _headline_key(v: FindingView) -> tuple[int, float, str]:
    return (
        _HEADLINE_ORDER.get(str(v.data.get("figure_kind")), 9),
        -float(v.data.get("value") or 0.0),
        v.id,
    )


def _seen(v: FindingView | None) -> FindingView:
    """A figure a conflict pair names: the theme's stream gave it (the pairs come from the theme's figures)."""
    assert v is not None
    return v


def _headline(
    figures: Sequence[FindingView], limit: int = HEADLINE
) -> list[FindingView]:
    """Figures that say what they measure, each from a different body and measuring something different.

    The biggest sums first, then rates, ratios and counts: three figures
    from one document would tell a reader about that document, not the theme.
    """
    ranked = sorted((v for v in figures if v.data.get("measure")), key=_headline_key)
    out: list[FindingView] = []
    bodies: set[str] = set()
    measures: set[str] = set()
    for v in ranked:
        measure = " ".join(str(v.data["measure"]).casefold().split())
        if v.doc.body in bodies or measure in measures:
            continue
        out.append(v)
        bodies.add(v.doc.body)
        measures.add(measure)
        if len(out) == limit:
            break
    return out


def _figure_rows(figures: Sequence[FindingView]) -> list[FigureRow]:
    """One row per sentence, in the order the sentences first come; each row's figures in reading order."""
    sentences: dict[tuple[str, str], list[FindingView]] = {}
    for v in figures:
        sentences.setdefault((v.passage_id, v.text), []).append(v)
    rows = []
    for (_, text), members in sentences.items():
        spans = _spans_in_sentence(text, [m.data for m in members])
        placed = sorted(
            ((span, m) for span, m in zip(spans, members)),
            key=lambda x: (x[0] is None, x[0] or (0, 0), x[1].order),
        )
        pieces: list[tuple[str, FindingView | None]] = []
        at = 0
        for span, m in placed:
            if span is None or span[0] < at:
                continue  # words not found, or inside a figure already marked
            if span[0] > at:
                pieces.append((text[at : span[0]], None))
            pieces.append((text[span[0] : span[1]], m))
            at = span[1]
        if at < len(text):
            pieces.append((text[at:], None))
        rows.append(FigureRow(tuple(m for _, m in placed), tuple(pieces)))
    return rows


def recommendation_key(text: str) -> str:
    """What makes two recommendations the same: their words, without a number, label or paragraph reference.

    A committee prints a recommendation in its report's body and again in
    its summary list ("13 NHS England should...", "... (Paragraph 52)"), and
    a government response quotes it ("Recommendation 2: ...").
    """
    words = " ".join(text.split())
    words = _PARA_REF.sub("", words)
    for _ in range(3):  # "2. Recommendation 1: ...": a list number before a label
        shorter = _REC_LABEL.sub("", words, count=1)
        if shorter == words:
            break
        words = shorter
    return _NON_WORD.sub(" ", words.casefold()).strip()


def merge_recommendations(
    recs: Sequence[FindingView],
) -> tuple[list[FindingView], dict[str, list[FindingView]]]:
    """Each recommendation once, and where else it appears: (kept, kept id -> its other appearances).

    The appearance kept is the first in the maker's own documents (the
    committee's report rather than the response quoting it), else the
    first; ``recs`` and each list of others stay in their given order.
    """
    by_key: dict[str, list[FindingView]] = defaultdict(list)
    for v in recs:
        by_key[recommendation_key(v.text) or v.id].append(v)
    kept: set[str] = set()
    copies: dict[str, list[FindingView]] = {}
    for members in by_key.values():
        own = [
            m
            for m in members
            if not m.data.get("actor") or m.data.get("actor") == m.doc.org
        ]
        first = (own or members)[0]
        kept.add(first.id)
        others = [m for m in members if m is not first]
        if others:
            copies[first.id] = others
    return [v for v in recs if v.id in kept], copies


def _leading(
    recs: Sequence[FindingView], copies: Mapping[str, list[FindingView]]
) -> list[FindingView]:
    """The recommendations a summary leads with: made or repeated in most places, then asking the most-asked body.

    One per maker first, so the summary says who asks for what, not what one body asks.
    """
    asked: Counter[str] = Counter(t for v in recs for t in v.targets if t != NO_TARGET)
    ranked = sorted(
        range(len(recs)),
        key=lambda n: (
            -len({c.doc.doc_id for c in [recs[n], *copies.get(recs[n].id, [])]}),
            -max((asked[t] for t in recs[n].targets), default=0),
            n,
        ),
    )
    out: list[FindingView] = []
    makers: set[str] = set()
    for n in ranked:
        if recs[n].body not in makers:
            makers.add(recs[n].body)
            out.append(recs[n])
        if len(out) == SUMMARY_RECOMMENDATIONS:
            break
    return out


def _agreements(
    groups: Sequence[Group],
    copies: Mapping[str, list[FindingView]],
    echoed: Sequence[tuple[list[str], int]],
) -> list[tuple[str, list[str], int | None]]:
    """Where bodies agree: one addressee asked to act by several bodies, one claim made by several.

    ``echoed`` gives each echoed group (in the page's order) with two bodies
    or more as (its bodies, its number); the claims' own agreements come
    back with that number, those of recommendations with None, as (what, bodies, number).
    """
    out: list[tuple[str, list[str], int | None]] = []
    for g in groups:
        if g.title == NO_TARGET:
            continue
        bodies = list(dict.fromkeys(v.body for v in g.items))
        if len(bodies) >= 2:
            out.append((g.title, bodies, None))
    for bodies, k in echoed:
        out.append(("", bodies, k))
    out.sort(key=lambda a: (-len(a[1]), a[2] is not None))
    return out[:SUMMARY_AGREEMENTS]


def split_targets(value: object) -> list[str]:
    """The bodies a recommendation's ``target`` names (several are joined by ``TARGET_SEPARATOR``)."""
    if not value:
        return []
    return [part.strip() for part in str(value).split(TARGET_SEPARATOR) if part.strip()]


def _by_target(recs: Sequence[FindingView], orgs: Mapping[str, OrgRef]) -> list[Group]:
    out = _grouped(recs, orgs, lambda v: v.targets)
    out.sort(key=lambda g: (g.title == NO_TARGET, -len(g.items), g.title.lower()))
    return out


def _by_actor(recs: Sequence[FindingView], orgs: Mapping[str, OrgRef]) -> list[Group]:
    out = _grouped(recs, orgs, lambda v: [v.body])
    out.sort(key=lambda g: (-len(g.items), g.title.lower()))
    return out


def _grouped(
    recs: Sequence[FindingView],
    orgs: Mapping[str, OrgRef],
    key: Callable[[FindingView], list[str]],
) -> list[Group]:
    """Recommendations grouped by body (one may stand in several groups), each group in source order, unsorted."""
    groups: dict[str, list[FindingView]] = defaultdict(list)
    for v in recs:
        for name in key(v):
            groups[name].append(v)
    return [
        Group(
            name,
            sorted(items, key=_source_order),
            len({i.doc.doc_id for i in items}),
            orgs[name].href if name in orgs else None,
        )
        for name, items in groups.items()
    ]


def _org_views(
    orgs: Mapping[str, OrgRef],
    docs: Mapping[str, DocView],
    views: Iterable[FindingView],
    *,
    held: bool = True,
) -> list[OrgView]:
    """Each body's page: its documents, and the recommendations it makes and is asked
    (``held=False``: only their ids, for :func:`org_page` to read)."""
    out = {name: OrgView(ref) for name, ref in orgs.items()}
    for doc in sorted(
        docs.values(), key=lambda d: (d.date or "", d.title.lower(), d.doc_id)
    ):
        if doc.org:
            out[doc.org].documents.append(doc)
    if not held:
        for v in views:
            if v.kind != RECOMMENDATION.name:
                continue
            if v.body in out:
                out[v.body].made.append((v.order, v.id))
            for target in split_targets(v.data.get("target")):
                if target in out:
                    out[target].asked.append((v.order, v.id))
        return [out[name] for name in sorted(out, key=lambda n: (n.lower(), n))]
    recs = [v for v in views if v.kind == RECOMMENDATION.name]
    makes: dict[str, list[FindingView]] = defaultdict(list)
    receives: dict[str, list[FindingView]] = defaultdict(list)
    for v in recs:
        if v.body in out:
            makes[v.body].append(v)
        for target in split_targets(v.data.get("target")):
            if target in out:
                receives[target].append(v)
    for name, view in out.items():
        view.makes = _by_target(makes.get(name, []), orgs)
        view.receives = _by_actor(receives.get(name, []), orgs)
    return [out[name] for name in sorted(out, key=lambda n: (n.lower(), n))]


def org_page(
    store: Store,
    org: OrgView,
    docs: Mapping[str, DocView],
    orgs: Mapping[str, OrgRef],
) -> OrgView:
    """``org`` with the recommendations it makes and is asked read from the store,
    grouped as :func:`_org_views` groups them; the same view when it holds them already."""
    if not (org.made or org.asked):
        return org
    wanted = {fid for _, fid in org.made} | {fid for _, fid in org.asked}
    rows = store.findings_by_id(wanted)
    themes = store.finding_theme_ids_of(wanted)
    made: dict[str, FindingView] = {}
    for n, fid in sorted(set(org.made) | set(org.asked)):
        f = rows[fid]
        made[fid] = _view(f, docs[f["doc_id"]], _with_fields(f), themes.get(fid, ()), n)
    return OrgView(
        org.ref,
        org.documents,
        _by_target([made[fid] for _, fid in org.made], orgs),
        _by_actor([made[fid] for _, fid in org.asked], orgs),
    )


def _corpus(
    docs: Sequence[DocView], passages: int, counts: Mapping[str, int]
) -> Corpus:
    types = Counter(d.doc_type or "not stated" for d in docs)
    bodies = Counter(d.body for d in docs)
    hrefs = {d.body: d.org_href for d in docs}
    dates = sorted(d.date for d in docs if d.date)
    return Corpus(
        documents=len(docs),
        passages=passages,
        counts={kind.name: counts.get(kind.name, 0) for kind in KINDS},
        by_type=sorted(types.items(), key=lambda x: (-x[1], x[0])),
        by_org=[
            (name, hrefs[name], n)
            for name, n in sorted(bodies.items(), key=lambda x: (-x[1], x[0].lower()))
        ],
        first_date=dates[0] if dates else None,
        last_date=dates[-1] if dates else None,
        undated=sum(1 for d in docs if not d.date),
    )


def _matrix(
    themes: Sequence[ThemeView],
    docs: Mapping[str, DocView],
    pairs: Iterable[tuple[str, str, int, str]],
    orgs: Mapping[str, OrgRef],
) -> Matrix:
    """Themed passages per body and theme; ``pairs`` as :meth:`Store.doc_theme_passage_counts` gives them."""
    firsts: dict[str, str] = {}
    per_body: dict[str, Counter[str]] = defaultdict(Counter)
    for doc_id, theme, n, first in pairs:
        body = docs[doc_id].body
        per_body[body][theme] += n
        if body not in firsts or first < firsts[body]:
            firsts[body] = first
    # bodies in the order their first themed passage comes (by id), as a walk of the passages meets them
    cells = {body: per_body[body] for body in sorted(firsts, key=firsts.__getitem__)}
    ranked = sorted(cells.items(), key=lambda x: (-sum(x[1].values()), x[0].lower()))
    shown, rest = ranked[:MATRIX_ROWS], ranked[MATRIX_ROWS:]
    rows_raw: list[tuple[str, str | None, Counter[str]]] = [
        (name, orgs[name].href if name in orgs else None, counts)
        for name, counts in shown
    ]
    # the scale is set by the named bodies: the summed row of all the rest would
    # outweigh them and leave every named body's cells pale
    maximum = max((n for _, _, c in rows_raw for n in c.values()), default=0)
    if rest:
        merged: Counter[str] = Counter()
        for _, counts in rest:
            merged.update(counts)
        rows_raw.append((f"{len(rest)} other bodies", None, merged))
    rows = [
        (
            name,
            href,
            [(c.get(t.id, 0), shade(c.get(t.id, 0), maximum)) for t in themes],
            sum(c.values()),
        )
        for name, href, c in rows_raw
    ]
    return Matrix(list(themes), rows, maximum)


def shade(value: int, maximum: int) -> int:
    """0 for nothing, else 1..SHADE_LEVELS by share of the largest cell."""
    if value <= 0 or maximum <= 0:
        return 0
    return min(SHADE_LEVELS, 1 + (SHADE_LEVELS * value - 1) // maximum)


def passage_views(
    passages: Sequence[Passage],
    findings: Sequence[FindingView],
    p_themes: Mapping[str, tuple[str, ...]],
) -> list[PassageView]:
    """One document's passages with their inline marks, in reading order."""
    by_passage: dict[str, list[FindingView]] = defaultdict(list)
    for v in findings:
        by_passage[v.passage_id].append(v)
    out = []
    for p in passages:
        found = sorted(
            by_passage.get(p.passage_id, []),
            key=lambda v: (v.data.get("start", 0), v.id),
        )
        marked = runs(
            p.text,
            [
                (int(v.data.get("start", 0)), int(v.data.get("end", 0)), v.kind, v.id)
                for v in found
            ],
        )
        out.append(
            PassageView(
                p,
                marked,
                kinds_present(marked),
                found,
                p_themes.get(p.passage_id, ()),
                marked_html(marked),
            )
        )
    return out
