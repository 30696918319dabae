"""Joining hard-wrapped lines: linear now, and the same text as before (issue 20).

The joiner used to search the whole paragraph joined so far for every line,
so a 2 MB hard-wrapped paragraph took minutes. The old version is kept here
only as the oracle the new one must agree with.
"""

from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from evidence.readers import read_bytes
from evidence.readers.markdown import _join as markdown_join
from evidence.readers.text import join_hyphenated, join_lines

_OLD_BROKEN_WORD = re.compile(r"[a-z]-$")


def _old_join_lines(lines: list[str]) -> str:
    """The quadratic joiner as it was: the reference for what the output must be."""
    out = ""
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if out and _OLD_BROKEN_WORD.search(out) and line[:1].islower():
            out = join_hyphenated(out[:-1], line)
        elif out:
            out = f"{out} {line}"
        else:
            out = line
    return out


def test_exact_joins() -> None:
    assert (
        join_lines(["The work-", "force plan is late."])
        == "The workforce plan is late."
    )
    assert join_lines(["  Staff  ", "", "   ", "are leaving. "]) == "Staff are leaving."
    assert (
        join_lines(["promoting well-", "being in schools"])
        == "promoting well-being in schools"
    )  # a compound prefix
    assert (
        join_lines(["a place-", "based approach"]) == "a place-based approach"
    )  # a compound suffix
    assert (
        join_lines(["within 62-", "days"]) == "within 62- days"
    )  # a digit before the hyphen: not a broken word
    assert (
        join_lines(["the NHS-", "led review"]) == "the NHS- led review"
    )  # upper case before the hyphen
    assert (
        join_lines(["inte-", "Grated"]) == "inte- Grated"
    )  # the next line starts upper case
    assert (
        join_lines(["inter-", "na-", "tional"]) == "international"
    )  # a word broken twice
    assert (
        join_lines(["self-", "care-", "ful"]) == "self-careful"
    )  # the letters before the second hyphen span both lines
    assert join_lines(["x", "-", "y"]) == "x - y"
    assert join_lines([]) == ""
    assert join_lines(["", " "]) == ""


def test_markdown_joins_the_same_way() -> None:
    lines = ["The work-", "force plan, for well-", "being, is late."]
    assert (
        markdown_join(lines)
        == join_lines(lines)
        == "The workforce plan, for well-being, is late."
    )


_PIECES = st.sampled_from(
    [
        "a",
        "z",
        "well",
        "self",
        "be",
        "ing",
        "based",
        "term",
        "work",
        "force",
        "A",
        "NHS",
        "7",
        "é",
        "ß",
        "-",
        " ",
        "  ",
        "\t",
        ".",
        "'",
        "\u00a0",
    ]
)
_LINE = st.lists(_PIECES, max_size=8).map("".join)


@settings(max_examples=400, deadline=None)
@given(st.lists(_LINE, max_size=12))
@example(["self-", "-", "care"])
@example(["ab-", "c-", "-", "d"])
@example(["a-", "b", "c-", "Based"])
def test_same_text_as_the_old_joiner(lines: list[str]) -> None:
    assert join_lines(lines) == _old_join_lines(lines)


@settings(max_examples=200, deadline=None)
@given(st.lists(_LINE, max_size=12))
def test_only_line_breaks_change(lines: list[str]) -> None:
    """Nothing inside a line changes; a break becomes a space or nothing, or a broken word's hyphen goes."""
    joined = join_lines(lines)
    kept = [line.strip() for line in lines if line.strip()]
    assert re.sub(r"[-\s]", "", joined) == re.sub(r"[-\s]", "", "".join(kept))
    if not any(line.endswith("-") for line in kept):
        assert joined == " ".join(kept)


def test_a_long_hard_wrapped_file_is_read_whole() -> None:
    """Two thousand lines of one paragraph, a word broken at every third line end: one text, every word."""
    lines, expected = [], []
    for n in range(2000):
        words = [f"word{(n * 6 + k) % 97}" for k in range(6)]
        expected.extend(words)
        if n % 3 == 0:
            lines.append(" ".join(words) + " spe-")
            lines.append("cial")
            expected.append("special")
        else:
            lines.append(" ".join(words))
    raw = read_bytes(("\n".join(lines) + ".\n").encode("utf-8"), ".txt")
    assert " ".join(block.text for block in raw.blocks).split() == expected[:-1] + [
        expected[-1] + "."
    ]


def test_each_line_looks_only_at_the_end_of_the_text_so_far(monkeypatch) -> None:
    """What made it quadratic: the whole paragraph was searched again for every line."""
    import evidence.readers.text as text_module

    real = text_module._BROKEN_WORD
    searched: list[int] = []

    class Spy:
        def search(self, text: str):
            searched.append(len(text))
            return real.search(text)

    monkeypatch.setattr(text_module, "_BROKEN_WORD", Spy())
    lines = ["the capital regime makes it hard to plan a pro-"] * 500
    assert join_lines(lines) == _old_join_lines(lines)
    assert len(searched) == 499 and max(searched) <= 3
