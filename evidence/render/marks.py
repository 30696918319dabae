"""Cut a passage into runs of plain and marked text for inline finding marks.

Findings may nest (a figure inside a recommendation's sentence) or overlap,
so the passage is cut at every span boundary and each run carries the kinds
covering it: one flat run of ``<mark>`` elements, never crossed tags. The
template escapes each run; nothing here produces markup.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from markupsafe import Markup

from ..kinds import KINDS


@dataclass(frozen=True)
class Run:
    """A stretch of passage text; ``kinds`` is empty for unmarked text.

    ``starts`` lists the ids of findings beginning at this run, so the page
    can carry an anchor per finding without repeating it on every run.
    """

    text: str
    kinds: tuple[str, ...] = ()
    starts: tuple[str, ...] = ()


def runs(text: str, spans: Iterable[tuple[int, int, str, str]]) -> list[Run]:
    """``spans`` are (start, end, kind, finding_id); bad offsets are clamped."""
    length = len(text)
    clean: list[tuple[int, int, str, str]] = []
    for start, end, kind, fid in spans:
        start, end = max(0, min(start, length)), max(0, min(end, length))
        if end > start:
            clean.append((start, end, kind, fid))
    if not clean:
        return [Run(text)] if text else []
    cuts = sorted(
        {0, length, *(s for s, _, _, _ in clean), *(e for _, e, _, _ in clean)}
    )
    out: list[Run] = []
    plain = False  # whether the last run is unmarked, to merge the next unmarked piece into it
    for left, right in zip(cuts, cuts[1:]):
        kinds_found: set[str] = set()
        starts: list[str] = []
        for start, end, kind, fid in clean:
            if start <= left and end >= right:
                kinds_found.add(kind)
                if start == left:
                    starts.append(fid)
        piece = text[left:right]
        if not kinds_found:
            if plain:
                out[-1] = Run(out[-1].text + piece)
            else:
                out.append(Run(piece))
                plain = True
            continue
        kinds = _ordered(frozenset(kinds_found))
        out.append(Run(piece, kinds, tuple(sorted(starts))))
        plain = False
    return out


def _ordered(kinds: frozenset[str]) -> tuple[str, ...]:
    """``kinds`` in the registry's order; an unknown kind is an error."""
    return _ordered_in(kinds, KINDS.generation)


@lru_cache(maxsize=256)
def _ordered_in(kinds: frozenset[str], _generation: int) -> tuple[str, ...]:
    return tuple(sorted(kinds, key=KINDS.position))


def kinds_present(all_runs: Sequence[Run]) -> tuple[str, ...]:
    """Which kinds a passage's runs carry, in the legend's order."""
    return _ordered(frozenset(k for run in all_runs for k in run.kinds))


def marked_html(all_runs: Sequence[Run]) -> Markup:
    """The runs as HTML: marked runs in ``<mark>`` with a class per kind, the first finding's id as anchor."""
    out: list[str] = []
    for run in all_runs:
        if run.kinds:
            classes = _classes(run.kinds)
            anchor = f' id="{escape(run.starts[0])}"' if run.starts else ""
            out.append(f'<mark class="{classes}"{anchor}>{escape(run.text)}</mark>')
        else:
            out.append(escape(run.text))
    return Markup("".join(out))


@lru_cache(maxsize=256)
def _classes(kinds: tuple[str, ...]) -> str:
    return " ".join(escape(KINDS.get(k).mark_class) for k in kinds)


def escape(value: object) -> str:
    """markupsafe's escaping as a plain string (no Markup object per call)."""
    return (
        str(value)
        .replace("&", "&amp;")
        .replace(">", "&gt;")
        .replace("<", "&lt;")
        .replace("'", "&#39;")
        .replace('"', "&#34;")
    )
