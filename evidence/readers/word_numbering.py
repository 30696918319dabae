"""The labels Word's automatic numbering shows before paragraphs ("15.", "3.2", "(b)").

A committee report in Word numbers its paragraphs and recommendations with
list numbering, not typed digits: the number is in numbering.xml and the
count is kept by whoever draws the page. Without it a Word report reads as
unnumbered paragraphs, and "para 15" in a citation or "Recommendation 3" in
a list is lost. This module keeps the count as Word does: one counter per
list (``numId``) and level, a level's counter restarting when a higher
level advances.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

_PLACEHOLDER = re.compile(r"%([1-9])")
#: Formats that draw a symbol or nothing: the paragraph keeps no label.
_NO_LABEL = frozenset({"bullet", "none"})
#: Levels a list may have (Word's own limit).
_LEVELS = 9


@dataclass(frozen=True)
class _Level:
    start: int
    fmt: str
    text: str


def _roman(n: int) -> str:
    out = []
    for value, letters in (
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ):
        while n >= value:
            out.append(letters)
            n -= value
    return "".join(out)


def _letters(n: int) -> str:
    """1 -> a, 26 -> z, 27 -> aa (Word repeats the letter)."""
    n = max(n, 1)
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def format_number(n: int, fmt: str) -> str:
    """``n`` as a Word number format writes it; unknown formats as decimals."""
    if fmt == "lowerLetter":
        return _letters(n)
    if fmt == "upperLetter":
        return _letters(n).upper()
    if fmt == "lowerRoman":
        return _roman(n)
    if fmt == "upperRoman":
        return _roman(n).upper()
    if fmt == "decimalZero":
        return f"{n:02d}"
    return str(n)


class WordNumbering:
    """Counts numbered paragraphs in document order and gives each its label."""

    def __init__(self, root: etree._Element | None, w: str) -> None:
        self._w = w
        abstract: dict[str, dict[int, _Level]] = {}
        self._lists: dict[str, dict[int, _Level]] = {}
        self._counters: dict[str, list[int | None]] = {}
        if root is None:
            return
        for node in root.iter(f"{w}abstractNum"):
            key = node.get(f"{w}abstractNumId")
            if key is not None:
                abstract[key] = self._levels(node)
        for node in root.iter(f"{w}num"):
            num_id = node.get(f"{w}numId")
            ref = node.find(f"{w}abstractNumId")
            if num_id is None or ref is None:
                continue
            levels = dict(abstract.get(ref.get(f"{w}val") or "", {}))
            for override in node.iter(f"{w}lvlOverride"):
                level = _int(override.get(f"{w}ilvl"), -1)
                if not 0 <= level < _LEVELS:
                    continue
                replaced = override.find(f"{w}lvl")
                if replaced is not None:
                    levels[level] = self._levels_of(replaced, levels.get(level))
                start = override.find(f"{w}startOverride")
                if start is not None and level in levels:
                    old = levels[level]
                    levels[level] = _Level(
                        _int(start.get(f"{w}val"), old.start), old.fmt, old.text
                    )
            self._lists[num_id] = levels

    def _levels(self, node: etree._Element) -> dict[int, _Level]:
        out: dict[int, _Level] = {}
        for lvl in node.iter(f"{self._w}lvl"):
            level = _int(lvl.get(f"{self._w}ilvl"), -1)
            if 0 <= level < _LEVELS:
                out[level] = self._levels_of(lvl, None)
        return out

    def _levels_of(self, lvl: etree._Element, base: _Level | None) -> _Level:
        w = self._w

        def value(tag: str, default: str) -> str:
            found = lvl.find(f"{w}{tag}")
            got = found.get(f"{w}val") if found is not None else None
            return default if got is None else got

        start = _int(value("start", str(base.start if base else 1)), 1)
        return _Level(
            start,
            value("numFmt", base.fmt if base else "decimal"),
            value("lvlText", base.text if base else ""),
        )

    def label(self, num_id: str | None, level: int) -> str | None:
        """Advance list ``num_id`` at ``level`` and return the label drawn there, if any."""
        if not num_id or num_id == "0" or num_id not in self._lists:
            return None
        levels = self._lists[num_id]
        if level not in levels:
            return None
        counters = self._counters.setdefault(num_id, [None] * _LEVELS)
        current = counters[level]
        counters[level] = levels[level].start if current is None else current + 1
        for deeper in range(level + 1, _LEVELS):
            counters[deeper] = (
                None  # a higher level moved on: the lower ones start again
            )
        spec = levels[level]
        if spec.fmt in _NO_LABEL or not spec.text:
            return None

        def shown(match: re.Match[str]) -> str:
            at = int(match.group(1)) - 1
            other = levels.get(at)
            count = (
                counters[at]
                if counters[at] is not None
                else (other.start if other else 1)
            )
            return format_number(count or 1, other.fmt if other else "decimal")

        label = _PLACEHOLDER.sub(shown, spec.text).strip()
        return label or None


def _int(text: str | None, default: int) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default
