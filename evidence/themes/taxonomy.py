"""The theme taxonomy: read from a TOML data file and checked, with line numbers.

A user's own taxonomy replaces the packaged default wholesale, so every
check a malformed file can fail names the file, the line and the fix: the
CLI shows that message and nothing else.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..errors import QueryError, TaxonomyError
from ..resources import data_path
from .normalise import stems

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_TOML_AT = re.compile(r"\s*\(at line (\d+), column \d+\)\s*$")
_THEME_HEADER = re.compile(r"^\s*\[\[\s*theme\s*\]\]")
_KNOWN_KEYS = frozenset({"id", "label", "description", "terms", "weak_terms"})


@dataclass(frozen=True)
class Theme:
    """One theme. ``terms`` alone assign it; ``weak_terms`` need a second match."""

    id: str
    label: str
    description: str
    terms: tuple[str, ...]
    weak_terms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Taxonomy:
    """Themes in file order, plus where they came from (for messages)."""

    themes: tuple[Theme, ...]
    source: str
    #: Terms naming the field itself: matched like seeds, assigning nothing.
    neutral_terms: tuple[str, ...] = ()

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(t.id for t in self.themes)

    def get(self, theme_id: str) -> Theme | None:
        for theme in self.themes:
            if theme.id == theme_id:
                return theme
        return None

    def resolve(self, name: str) -> str:
        """The id of the theme ``name`` gives by id or label, in any case.

        Raises QueryError listing the ids, so a typo in ``--theme`` is one
        line that shows what to type instead.
        """
        key = " ".join(name.split()).casefold()
        for theme in self.themes:
            if key in (theme.id.casefold(), " ".join(theme.label.split()).casefold()):
                return theme.id
        raise QueryError(f"unknown theme {name!r}: use one of {', '.join(self.ids)}")


def default_taxonomy_path() -> Path:
    """The packaged taxonomy (NHS ICS field)."""
    return data_path("themes.toml")


def load_taxonomy(path: Path | None = None) -> Taxonomy:
    """Read and check a taxonomy file; ``None`` gives the packaged default."""
    if path is None:
        return _default_taxonomy()
    return _read_taxonomy(Path(path))


@lru_cache(maxsize=1)
def _default_taxonomy() -> Taxonomy:
    # Package data does not change while we run: read it once per process.
    return _read_taxonomy(default_taxonomy_path())


def _read_taxonomy(file: Path) -> Taxonomy:
    try:
        raw = file.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise TaxonomyError(
            f"{file}: no such taxonomy file", hint="check the path given to --themes"
        ) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise TaxonomyError(
            f"{file}: cannot read taxonomy file ({exc})", hint="save it as UTF-8 text"
        ) from exc
    return parse_taxonomy(raw, str(file))


def parse_taxonomy(raw: str, source: str) -> Taxonomy:
    """Check the text of a taxonomy file; ``source`` names it in messages."""
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = _TOML_AT.search(message)
        line = match.group(1) if match else "?"
        reason = _TOML_AT.sub("", message)
        raise TaxonomyError(
            f"{source}, line {line}: not valid TOML: {reason}",
            hint='quote text values, write lists as ["a", "b"], and start each theme with [[theme]]',
        ) from exc
    unknown = sorted(set(data) - {"theme", "neutral_terms"})
    if unknown:
        raise TaxonomyError(
            f"{source}, line {_key_line(raw, unknown[0])}: unknown top-level key {unknown[0]!r}",
            hint="the file holds [[theme]] tables and optionally neutral_terms = [...]",
        )
    neutral = _check_terms(
        data.get("neutral_terms", []),
        "neutral_terms",
        "",
        f"{source}, line {_key_line(raw, 'neutral_terms')}",
        required=False,
    )
    header_lines = [
        n
        for n, text in enumerate(raw.splitlines(), start=1)
        if _THEME_HEADER.match(text)
    ]
    entries = data.get("theme")
    if not isinstance(entries, list) or not entries:
        raise TaxonomyError(
            f"{source}, line 1: no themes found",
            hint="add at least one [[theme]] table with id, label, description and terms",
        )
    themes: list[Theme] = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(entries):
        line = header_lines[index] if index < len(header_lines) else 1
        theme = _check_theme(entry, source, line)
        if theme.id in seen:
            raise TaxonomyError(
                f"{source}, line {line}: theme id {theme.id!r} already used at line {seen[theme.id]}",
                hint="give every theme its own id",
            )
        seen[theme.id] = line
        themes.append(theme)
    return Taxonomy(themes=tuple(themes), source=source, neutral_terms=neutral)


def _key_line(raw: str, key: str) -> int:
    """Line of a top-level ``key = ...`` (1 when it cannot be told)."""
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
    for number, text in enumerate(raw.splitlines(), start=1):
        if pattern.match(text):
            return number
    return 1


def _check_theme(entry: object, source: str, line: int) -> Theme:
    where = f"{source}, line {line}"
    if not isinstance(entry, dict):
        raise TaxonomyError(
            f"{where}: a theme must be a [[theme]] table",
            hint="start each theme with [[theme]]",
        )
    unknown = sorted(set(entry) - _KNOWN_KEYS)
    if unknown:
        raise TaxonomyError(
            f"{where}: unknown key {unknown[0]!r} in theme",
            hint="a theme has id, label, description, terms and optionally weak_terms",
        )
    theme_id = entry.get("id")
    if not isinstance(theme_id, str) or not _SLUG.match(theme_id):
        raise TaxonomyError(
            f'{where}: theme id must be a lower-case slug such as "social-care", got {theme_id!r}',
            hint="use lower-case letters, digits and single hyphens",
        )
    texts: dict[str, str] = {}
    for key in ("label", "description"):
        value = entry.get(key)
        if not isinstance(value, str) or not value.strip():
            raise TaxonomyError(
                f"{where}: theme {theme_id!r} has no {key}",
                hint=f'add {key} = "..." to the theme',
            )
        texts[key] = value.strip()
    terms = _check_terms(entry.get("terms"), "terms", theme_id, where, required=True)
    weak = _check_terms(
        entry.get("weak_terms", []), "weak_terms", theme_id, where, required=False
    )
    return Theme(
        id=theme_id,
        label=texts["label"],
        description=texts["description"],
        terms=terms,
        weak_terms=weak,
    )


def _check_terms(
    value: object, key: str, theme_id: str, where: str, *, required: bool
) -> tuple[str, ...]:
    owner = f"theme {theme_id!r}" if theme_id else "the file"
    if not isinstance(value, list) or (required and not value):
        raise TaxonomyError(
            f"{where}: {owner} needs {key} as a non-empty list of strings",
            hint=f'add {key} = ["first term", "second term"] to the theme',
        )
    terms: list[str] = []
    for term in value:
        if not isinstance(term, str) or not stems(term):
            raise TaxonomyError(
                f"{where}: {owner} has a {key} entry with no words: {term!r}",
                hint="every term must be a string containing letters or digits",
            )
        terms.append(" ".join(term.split()))
    return tuple(terms)
