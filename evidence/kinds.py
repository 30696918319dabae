"""The finding kinds: one registry that every layer reads.

A kind is something the pipeline finds (a figure, a recommendation, a claim,
a quote) together with everything the rest of the program needs to carry
it: the spaCy span group its component writes, the letter in its finding
ids, its export columns, what people call it, and how the site shows it.
The pipeline, the store, the export, the CLI, the search and the site all
read :data:`KINDS`; none keeps a list of its own.

A new kind is one :class:`Kind` passed to :meth:`Registry.register` plus one
spaCy component that writes its span group (a factory added to
:data:`evidence.nlp.factories.COMPONENTS`). Its findings are then stored,
exported (its columns after the others in a CSV), offered by ``--kind`` and
``kind:``, tagged and marked on document pages, listed on theme pages and
found by the site's search. Its colour is the stylesheet's: ``mark.m-NAME``
and ``.t-NAME`` in ``templates/site.css`` (without them its marks and tags
show uncoloured).

A kind name the registry does not hold is an error wherever it turns up (a
store row, a command-line option, a page being rendered):
:class:`~evidence.errors.UnknownKindError`, never read as some other kind.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from .errors import UnknownKindError

#: The export schema's fields every finding has, whatever its kind (DESIGN.md).
COMMON_FIELDS = (
    "id",
    "kind",
    "text",
    "doc_id",
    "doc_path",
    "doc_title",
    "doc_org",
    "passage_id",
    "page",
    "start",
    "end",
    "themes",
)

#: Where a kind's columns go in a CSV export when its entry does not say:
#: after every built-in kind's, so a new kind never moves a column.
LAST = 1000

_NAME = re.compile(r"[a-z][a-z_]*")


def _words(*values: Any) -> str:
    return " ".join(str(v or "") for v in values).strip()


def _listed(f: Any) -> list[str]:
    """A finding's own fields, as words: the value where it is set, the field's name where a flag is true."""
    out = []
    for name in KINDS.get(f.kind).fields:
        value = f.data.get(name)
        if isinstance(value, bool):
            if value:
                out.append(name.replace("_", " "))
        elif isinstance(value, list):
            out.extend(str(v) for v in value)
        elif value not in (None, ""):
            out.append(str(value))
    return out


def _any_summary(f: Any) -> str:
    return ", ".join(_listed(f)) or f.doc.body


def _any_detail(f: Any) -> str:
    return " ".join(_listed(f))


@dataclass(frozen=True)
class Kind:
    """One kind of finding and what every layer needs to know about it.

    ``summary`` and ``detail`` take a finding as the site shows it (an
    :class:`evidence.render.views.FindingView`: ``data``, ``body``,
    ``target``, ``doc``) and return plain text; the page escapes it. Left
    out, they list the finding's own fields that are set.
    """

    #: As stored, exported and typed: "figure".
    name: str
    #: The plural ``--kind`` and ``kind:`` also take, and the name of its count
    #: in ``status`` and ``themes`` ("figures").
    plural: str
    #: The letter of its finding ids: "<passage id>-f1" is a passage's first figure.
    letter: str
    #: The ``doc.spans`` group its spaCy component writes ("figures").
    span_group: str
    #: Its own export columns, in the schema's order (DESIGN.md); never reordered.
    fields: tuple[str, ...]
    #: What people call one, capitalised: its tag on pages and in the search menu.
    label: str
    #: What running prose calls one, and several ("quotation", "quotations").
    noun: str
    nouns: str
    #: What the legend of marks says it is ("a number with what it measures").
    description: str
    #: Where its columns go in a CSV export among the kinds' (lowest first).
    csv_order: int = LAST
    #: What a finding says in a few words, after its tag on a document page.
    summary: Callable[[Any], str] = field(default=_any_summary, repr=False)
    #: Words the site's search shows beside the finding's sentence and matches.
    detail: Callable[[Any], str] = field(default=_any_detail, repr=False)
    #: ``fields`` as a set, for quick checks.
    field_set: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "field_set", frozenset(self.fields))

    @property
    def mark_class(self) -> str:
        """The class of its ``<mark>`` in a passage's text ("m-figure")."""
        return f"m-{self.name}"

    @property
    def tag_class(self) -> str:
        """The class of its tag in a list of findings ("t-figure")."""
        return f"t-{self.name}"

    @property
    def sheet(self) -> str:
        """Its sheet's name in an xlsx export ("Figures")."""
        return self.plural[:1].upper() + self.plural[1:]


class Registry:
    """The kinds in their order: the order findings are listed, marked, counted and offered in."""

    def __init__(self, kinds: Iterable[Kind] = ()) -> None:
        self._kinds: dict[str, Kind] = {}
        self._by_word: dict[str, Kind] = {}
        #: Counts changes, so what is worked out from the kinds can be cached against it.
        self.generation = 0
        for kind in kinds:
            self.register(kind)

    # -- reading -------------------------------------------------------------

    def __iter__(self) -> Iterator[Kind]:
        return iter(tuple(self._kinds.values()))

    def __len__(self) -> int:
        return len(self._kinds)

    def __contains__(self, name: object) -> bool:
        return name in self._kinds

    def names(self) -> tuple[str, ...]:
        return tuple(self._kinds)

    def get(self, name: str) -> Kind:
        """The kind called ``name`` exactly; an unknown name is an error."""
        try:
            return self._kinds[name]
        except (KeyError, TypeError):
            raise UnknownKindError(
                f"unknown finding kind {name!r}",
                hint=f"use one of: {', '.join(self._kinds)}",
            ) from None

    def find(self, word: str) -> Kind | None:
        """The kind a person means by ``word``: its name or plural, any case, spaces around ignored."""
        return self._by_word.get(word.strip().lower())

    def position(self, name: str) -> int:
        """Where the kind stands in the registry's order; an unknown name is an error."""
        self.get(name)
        return list(self._kinds).index(name)

    def choices(self, last: str = "or") -> str:
        """The names as a person reads them: "figure, recommendation, claim or quote"."""
        names = list(self._kinds)
        if len(names) < 2:
            return "".join(names)
        return f"{', '.join(names[:-1])} {last} {names[-1]}"

    @property
    def fields(self) -> Mapping[str, tuple[str, ...]]:
        """Kind name -> its export columns, in CSV column order (a live view)."""
        return _FieldsView(self)

    def check_stored(self, names: Iterable[str]) -> None:
        """Refuse kinds found in a store that this registry does not hold."""
        unknown = sorted({n for n in names if n not in self._kinds}, key=str)
        if unknown:
            raise UnknownKindError(
                f"the store holds findings of unknown kind {', '.join(repr(n) for n in unknown)}",
                hint="they were written by a version of evidence that knows more kinds: use it, "
                "or ingest again into a new --index-dir",
            )

    # -- changing ------------------------------------------------------------

    def register(self, kind: Kind) -> Kind:
        """Add ``kind`` after the others; a clash with a kind already held is refused."""
        if not _NAME.fullmatch(kind.name):
            raise ValueError(f"kind name {kind.name!r}: lower-case letters and _ only")
        if not re.fullmatch(r"[a-z]", kind.letter):
            raise ValueError(f"kind {kind.name!r}: its letter must be one of a-z")
        clashes = set(kind.fields) & set(COMMON_FIELDS)
        if clashes:
            raise ValueError(
                f"kind {kind.name!r}: fields {sorted(clashes)} are every finding's"
            )
        for other in self._kinds.values():
            for what in ("name", "plural", "letter", "span_group"):
                if getattr(kind, what) == getattr(other, what):
                    raise ValueError(
                        f"kind {kind.name!r}: {what} {getattr(kind, what)!r} is {other.name!r}'s"
                    )
            if {kind.name, kind.plural} & {other.name, other.plural}:
                raise ValueError(
                    f"kind {kind.name!r}: its name or plural is {other.name!r}'s"
                )
        self._kinds[kind.name] = kind
        self._by_word[kind.name] = self._by_word[kind.plural] = kind
        self.generation += 1
        return kind

    def unregister(self, name: str) -> Kind:
        kind = self.get(name)
        del self._kinds[name]
        del self._by_word[kind.name], self._by_word[kind.plural]
        self.generation += 1
        return kind

    @contextmanager
    def registered(self, kind: Kind) -> Iterator[Kind]:
        """``kind`` registered for the ``with`` block only (for tests and trials)."""
        self.register(kind)
        try:
            yield kind
        finally:
            self.unregister(kind.name)


class _FieldsView(Mapping[str, tuple[str, ...]]):
    """Kind name -> export columns, in the order their columns stand in a CSV."""

    def __init__(self, registry: Registry) -> None:
        self._registry = registry

    def _ordered(self) -> list[Kind]:
        kinds = list(self._registry)
        return sorted(kinds, key=lambda k: (k.csv_order, kinds.index(k)))

    def __getitem__(self, name: str) -> tuple[str, ...]:
        if name not in self._registry:
            raise KeyError(name)
        return self._registry.get(name).fields

    def __iter__(self) -> Iterator[str]:
        return iter([k.name for k in self._ordered()])

    def __len__(self) -> int:
        return len(self._registry)


# -- the built-in kinds ------------------------------------------------------


def _figure_summary(f: Any) -> str:
    data = f.data
    measure = f": {data['measure']}" if data.get("measure") else ""
    period = f" ({data['period']})" if data.get("period") else ""
    return f"{data.get('surface')}{measure}{period}"


def _recommendation_summary(f: Any) -> str:
    action = f": {f.data['action']}" if f.data.get("action") else ""
    return f"{f.body} to {f.target}{action}"


def _quote_summary(f: Any) -> str:
    role = f", {f.data['role']}" if f.data.get("role") else ""
    return f"{f.data.get('speaker') or 'unnamed speaker'}{role}"


def _claim_summary(f: Any) -> str:
    hedged = " (hedged)" if f.data.get("hedged") else ""
    return f"{f.data.get('attributed_to') or f.doc.body}{hedged}"


FIGURE = Kind(
    name="figure",
    plural="figures",
    letter="f",
    span_group="figures",
    fields=(
        "surface",
        "value",
        "unit",
        "figure_kind",
        "qualifier",
        "value_max",
        "measure",
        "period",
    ),
    label="Figure",
    noun="figure",
    nouns="figures",
    description="a number with what it measures",
    csv_order=0,
    summary=_figure_summary,
    detail=lambda f: _words(
        f.data.get("surface"), f.data.get("measure"), f.data.get("period")
    ),
)
RECOMMENDATION = Kind(
    name="recommendation",
    plural="recommendations",
    letter="r",
    span_group="recommendations",
    fields=("actor", "target", "action"),
    label="Recommendation",
    noun="recommendation",
    nouns="recommendations",
    description="who asks whom to do what",
    csv_order=1,
    summary=_recommendation_summary,
    detail=lambda f: f"{f.body} to {f.target}",
)
CLAIM = Kind(
    name="claim",
    plural="claims",
    letter="c",
    span_group="claims",
    fields=("attributed_to", "hedged"),
    label="Claim",
    noun="claim",
    nouns="claims",
    description="a statement of fact or judgement",
    csv_order=3,
    summary=_claim_summary,
    detail=lambda f: str(f.data.get("attributed_to") or ""),
)
QUOTE = Kind(
    name="quote",
    plural="quotes",
    letter="q",
    span_group="quotes",
    fields=("speaker", "role"),
    label="Quote",
    noun="quotation",
    nouns="quotations",
    description="words attributed to a named person",
    csv_order=2,
    summary=_quote_summary,
    detail=lambda f: _words(f.data.get("speaker"), f.data.get("role")),
)

#: Every kind, in the order findings are listed, marked, counted and offered.
KINDS = Registry((FIGURE, RECOMMENDATION, CLAIM, QUOTE))

__all__ = [
    "CLAIM",
    "COMMON_FIELDS",
    "FIGURE",
    "KINDS",
    "QUOTE",
    "RECOMMENDATION",
    "Kind",
    "Registry",
]
