"""Number normalisation: any supported way of writing a value parses back to it."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evidence.nlp.numbers import (
    longest_word_number,
    parse_digits,
    scale_value,
)

_DIGIT_WITH_SCALE = re.compile(
    r"^(?P<num>[\d.,\u00a0\u2009\u202f ]*\d)[\s\u00a0\u2009\u202f]*(?P<scale>[A-Za-z]+)?$"
)


def parse_words(text: str) -> float:
    """A whole spelled-out cardinal ("one hundred and five", "forty-two")."""
    words = [w for w in re.split(r"[\s\-]+", text.strip()) if w]
    found = longest_word_number(words)
    if found is None or found[0] != len(words):
        raise ValueError(f"not a number in words: {text!r}")
    return found[1]


def parse_number(text: str) -> float:
    """Any written number through the library's parsers: digits, digits with a scale, or words.

    "5.7bn", "5.7 billion", "5,700 million", "1,500", "forty-two",
    "one hundred and five", "1.5 million". Raises ValueError otherwise.
    """
    stripped = text.strip()
    match = _DIGIT_WITH_SCALE.match(stripped)
    if match:
        value = parse_digits(match["num"])
        if match["scale"]:
            glued = stripped[match.end("num") : match.start("scale")] == ""
            multiplier = scale_value(match["scale"], glued=glued)
            if multiplier is None:
                raise ValueError(f"unknown scale in {text!r}")
            value = round(value * multiplier, 6)
        return value
    words = [w for w in re.split(r"[\s\-]+", stripped) if w]
    if len(words) >= 2 and re.fullmatch(r"[\d.,]+", words[0]):
        multiplier = scale_value(words[-1], glued=False) if len(words) == 2 else None
        if multiplier is None:
            raise ValueError(f"not a number: {text!r}")
        return round(parse_digits(words[0]) * multiplier, 6)
    return parse_words(stripped)


UNITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
TEENS = [
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
TENS = [
    "",
    "",
    "twenty",
    "thirty",
    "forty",
    "fifty",
    "sixty",
    "seventy",
    "eighty",
    "ninety",
]
SCALES = [(10**9, "billion"), (10**6, "million"), (10**3, "thousand")]


def below_thousand(n: int, british_and: bool) -> str:
    """Our own renderer for the test oracle: 105 -> "one hundred and five"."""
    hundreds, rest = divmod(n, 100)
    parts = []
    if hundreds:
        parts.append(f"{UNITS[hundreds]} hundred")
    if rest:
        if rest < 10:
            small = UNITS[rest]
        elif rest < 20:
            small = TEENS[rest - 10]
        else:
            tens, unit = divmod(rest, 10)
            small = TENS[tens] + (f"-{UNITS[unit]}" if unit else "")
        if hundreds and british_and:
            parts.append("and")
        parts.append(small)
    return " ".join(parts)


def to_words(n: int, british_and: bool = True) -> str:
    if n == 0:
        return "zero"
    parts = []
    for size, name in SCALES:
        count, n = divmod(n, size)
        if count:
            parts.append(f"{below_thousand(count, british_and)} {name}")
    if n:
        if parts and n < 100 and british_and:
            parts.append("and")
        parts.append(below_thousand(n, british_and))
    return " ".join(parts)


@given(st.integers(min_value=0, max_value=999_999_999_999), st.booleans())
@settings(max_examples=300, deadline=None)
def test_words_round_trip(n: int, british_and: bool) -> None:
    assert parse_number(to_words(n, british_and)) == float(n)


@given(st.integers(min_value=0, max_value=10**12))
@settings(max_examples=300, deadline=None)
def test_digits_with_commas_round_trip(n: int) -> None:
    assert parse_number(f"{n:,}") == float(n)
    assert parse_number(str(n)) == float(n)


@given(
    st.integers(min_value=0, max_value=10**7), st.integers(min_value=0, max_value=99)
)
@settings(max_examples=300, deadline=None)
def test_decimals_round_trip(whole: int, hundredths: int) -> None:
    text = f"{whole:,}.{hundredths:02d}"
    assert parse_number(text) == pytest.approx(whole + hundredths / 100, rel=1e-12)


@given(
    st.integers(min_value=1, max_value=9999),
    st.sampled_from([(10**6, "m", "million"), (10**9, "bn", "billion")]),
)
@settings(max_examples=300, deadline=None)
def test_scaled_forms_agree(tenths: int, scale: tuple[int, str, str]) -> None:
    """5.7bn, 5.7 billion and 5,700 million are one value."""
    size, abbreviation, word = scale
    written = f"{tenths / 10:g}"
    expected = tenths * size / 10
    assert parse_number(f"{written}{abbreviation}") == pytest.approx(
        expected, rel=1e-12
    )
    assert parse_number(f"{written} {word}") == pytest.approx(expected, rel=1e-12)
    smaller = "thousand" if word == "million" else "million"
    assert parse_number(f"{tenths * 100:,} {smaller}") == pytest.approx(
        expected, rel=1e-12
    )


@pytest.mark.parametrize(
    "text,value",
    [
        ("forty-two", 42.0),
        ("one hundred and five", 105.0),
        ("two thousand", 2000.0),
        ("a hundred", 100.0),
        ("twenty-one trillion and three hundred", 21_000_000_000_300.0),
        ("5.7bn", 5.7e9),
        ("5,700 million", 5.7e9),
        ("£150\u00a0billion".removeprefix("£"), 1.5e11),
        ("1\u202f234", 1234.0),
    ],
)
def test_examples(text: str, value: float) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize(
    "text", ["", "and five", "hundred", "forty forty", "five bn bn", "£", "1.2.3"]
)
def test_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_number(text)


def test_longest_prefix_stops_where_grammar_breaks() -> None:
    assert longest_word_number("three and ten years".split()) == (1, 3.0)
    assert longest_word_number("two hundred and two thousand".split()) == (5, 202_000.0)
    assert longest_word_number("twenty twenty".split()) == (1, 20.0)
    assert longest_word_number("staff".split()) is None


def test_parse_words_and_digits_are_strict() -> None:
    assert parse_words("Ninety-Nine") == 99.0
    assert parse_digits("1,234.5") == 1234.5
    with pytest.raises(ValueError):
        parse_words("ninety nine staff")
