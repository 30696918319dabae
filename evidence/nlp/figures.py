"""Figure extraction: money, percentages, ratios, counts and durations.

Why regexes over ``doc.text`` and not a spaCy Matcher: the English tokenizer
keeps "£5.7bn", "3bn–£5bn" and "10k$" as single tokens while splitting "£97m"
into three, so token patterns would need many variants; one scan of the text
for numbers, then a few anchored look-arounds per number, is both simpler and
several times faster. Spans are mapped back to tokens with
``alignment_mode="expand"``.

Every lexicon (currencies, scale words, qualifiers, units, not-figure cues,
period patterns) is a JSON file in ``patterns/``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..kinds import FIGURE
from .doc_text import doc_text
from .numbers import (
    lexicon,
    longest_word_number,
    parse_digits,
    scale_value,
)
from .patterns import alternation, load_patterns

SPACE = "[\\s\u00a0\u2009\u202f]"
_STATE_KEY = "figures.paragraph_number"
_LAST_KIND_KEY = "figures.last_kind"
_HEADER_KEY = "figures.table_header"
FIELDS = (
    "surface",
    "value",
    "unit",
    "figure_kind",
    "qualifier",
    "value_max",
    "measure",
    "period",
)


#: Span label of figure spans (findings are keyed by label and offsets).
FIGURE_LABEL = "FIGURE"
#: Span group the component writes by default.
FIGURE_GROUP = FIGURE.span_group


@dataclass(frozen=True)
class Figure:
    """One figure found in a text: character span plus the export fields."""

    start: int
    end: int
    surface: str
    value: float
    unit: str | None
    figure_kind: str
    qualifier: str | None = None
    value_max: float | None = None
    measure: str | None = None
    period: str | None = None

    def fields(self) -> dict[str, Any]:
        """The figure fields of the export schema, in contract order."""
        return {name: getattr(self, name) for name in FIELDS}


#: What follows a citation's volume: a code in capitals (dotted or not), then a number.
_CITATION_AFTER = re.compile(
    r"[ \u00a0]((?:[A-Z]\.?){1,5})(?:[ \u00a0](?:[A-Z]\.?){1,5})?[ \u00a0]\d"
)


@dataclass
class _Number:
    """A written number before it is classified."""

    start: int
    end: int
    value: float
    words: bool  # spelled out ("forty-two") rather than digits
    scaled: bool  # a scale word or abbreviation was applied
    plain_integer: bool  # digits only, no separators, decimals or scale
    kind: str = "number"  # "number" or "fraction" (pre-built ratio)
    multiplier: float = 1.0  # what a scale word after the digits multiplied them by


@dataclass
class _Classified:
    start: int  # surface start (after any qualifier)
    end: int
    value: float
    unit: str | None
    kind: str
    measure_anchor: int  # where to look for the counted noun


class _Verdict(Enum):
    """What a unit rule may say besides a classification."""

    NOT_A_FIGURE = "not a figure"


@dataclass
class _Around:
    """One number as the unit rules see it: the number and the surface found so far.

    ``start`` and ``value`` already take in a sign before the number
    ("-3", "minus four"; ``signed``); ``numbers`` and ``next_index`` let a
    rule read the number after it ("£3 and 50p", "one in five").
    """

    number: _Number
    numbers: list[_Number]
    next_index: int
    in_range: bool  # the second number of a range ("50 to 80%")
    start: int
    end: int
    value: float
    signed: bool


#: A unit rule: a classification, ``NOT_A_FIGURE``, or None to leave the number to the next rule.
_UnitRule = Callable[[str, _Around], "_Classified | _Verdict | None"]


def _round(value: float) -> float:
    return float(round(value, 6))


def _finite(figure: Figure) -> bool:
    """Whether the figure's values are real numbers (JSON has no Infinity or NaN)."""
    return math.isfinite(figure.value) and (
        figure.value_max is None or math.isfinite(figure.value_max)
    )


class FigureExtractor:
    """Compiled patterns plus the classification rules; build once, reuse."""

    def __init__(self) -> None:
        lex = lexicon()
        currencies = load_patterns("figure_currencies.json")["currencies"]
        units = load_patterns("figure_units.json")
        qualifiers = load_patterns("figure_qualifiers.json")["qualifiers"]
        cues = load_patterns("figure_not_figure_cues.json")
        periods = load_patterns("figure_periods.json")
        measure = load_patterns("figure_measure.json")

        # -- numbers -------------------------------------------------------
        word_alt = alternation(lex.counting_words, space=SPACE)
        joiner = f"(?:{SPACE}+and{SPACE}+|{SPACE}*-{SPACE}*|{SPACE}+)"
        article = (
            f"an?(?={SPACE}+(?:hundred|thousand|million|billion|trillion|dozen)\\b)"
        )
        digits = (
            "(?:\\d{1,3}(?:(?:,|[\u00a0\u2009\u202f](?=\\d{3}(?!\\d))| (?=\\d{3}(?![\\d]|[.,]\\d)))\\d{3})+"
            "|\\d+)(?:\\.\\d+)?|\\.\\d+"
        )
        self._number_re = re.compile(
            f"(?P<digits>{digits})|\\b(?=[A-Za-z])(?i:(?P<words>(?:{article}|{word_alt})(?:{joiner}(?:{word_alt}))*\\b))"
        )
        self._word_split_re = re.compile(r"[A-Za-z]+")
        # "a tenfold rise", "a 2.5-fold increase": a multiple, read as a ratio
        self._fold_re = re.compile(
            f"(?i:\\b(?P<n>\\d+(?:\\.\\d+)?|{word_alt})(?:-|\u2010)?fold\\b)"
        )
        self._digit_re = re.compile(r"\d")
        self._capitalised_after_re = re.compile(
            f"(?:{SPACE}|-)([A-Z][a-z]+)(?:{SPACE}([A-Z][a-z]+))?"
        )
        scale_words = alternation(
            list(lex.scale_words) + list(lex.spaced_abbreviations), space=SPACE
        )
        glued = alternation(lex.glued_abbreviations, space=SPACE)
        self._scale_re = re.compile(
            f"(?P<spaced>{SPACE}*(?i:(?P<word>{scale_words}))\\b)|(?P<glued>(?:{glued}))(?![A-Za-z])"
        )

        # -- fractions ("two-thirds", "a quarter of", "half of") ------------
        fraction_alt = alternation(lex.fractions, space=SPACE)
        small_words = alternation(
            list(lex.units) + list(lex.teens) + list(lex.tens), space=SPACE
        )
        self._fractions = lex.fractions
        self._fraction_cues = sorted(
            {word.rstrip("s") for word in lex.fractions if word != "halves"}
        )
        # Pieces of every number word (and every fraction word, "fifth" and "ninth"
        # holding no cardinal): a text without digits or any of these has no figure.
        self._word_cues = tuple(
            sorted(
                set(self._fraction_cues)
                | {
                    "one",
                    "two",
                    "three",
                    "four",
                    "five",
                    "six",
                    "seven",
                    "eight",
                    "nine",
                    "ten",
                    "eleven",
                    "twelve",
                    "teen",
                    "ty",
                    "hundred",
                    "thousand",
                    "decade",
                    "dozen",
                    "halve",
                    "doubl",
                    "tripl",
                    "trebl",
                    "quadrupl",
                    "fold",
                }
            )
        )
        self._fraction_re = re.compile(
            f"(?i:\\b(?:(?P<num>{small_words}|an?){SPACE}*-?{SPACE}*)?(?P<frac>{fraction_alt})\\b"
            f"(?P<scale>(?:{SPACE}+a)?{SPACE}+(?:thousand|million|billion|trillion)\\b)?(?P<of>{SPACE}+of\\b)?)"
        )

        # -- currencies ----------------------------------------------------
        prefix_map: dict[str, str] = {}
        suffix_map: dict[str, tuple[str, float]] = {}
        glued_suffix_map: dict[str, tuple[str, float]] = {}
        code_map: dict[str, tuple[str, float]] = {}
        for cur in currencies:
            code = cur["code"]
            for symbol in cur["symbols"]:
                prefix_map[symbol.lower()] = code
                suffix_map[symbol.lower()] = (code, 1.0)
            for name in cur.get("prefix_names", []):
                prefix_map[name.lower()] = code
            for item in cur["codes"]:
                code_map[item] = (code, 1.0)
                if item.isupper():
                    code_map["M" + item] = (code, 1e6)  # "48.5 MGBP": millions
            for name in cur["names"]:
                suffix_map[name.lower()] = (code, 1.0)
            for minor in cur["minor"]:
                if len(minor) == 1 and minor.isalpha():
                    glued_suffix_map[minor] = (code, 0.01)
                else:
                    suffix_map[minor.lower()] = (code, 0.01)
        self._prefix_map = prefix_map
        self._suffix_map = suffix_map
        self._glued_suffix_map = glued_suffix_map
        self._code_map = code_map
        symbol_alt = alternation(prefix_map, space=SPACE)
        code_alt = alternation(code_map, space=SPACE)
        self._prefix_re = re.compile(
            f"(?:(?<![A-Za-z])(?i:(?P<sym>{symbol_alt}))|(?<![A-Za-z])(?P<code>{code_alt}))"
            f"(?P<gap>[\\s\u00a0:]?-?)\\Z"
        )
        self._sign_re = re.compile(
            f"(?:(?i:\\b(?:minus|negative)){SPACE}+|(?<![\\w\\-–.,/])[-−])\\Z"
        )
        self._reversed_percent_re = re.compile(
            f"(?i:\\b(?:per{SPACE}?cent|percents?)){SPACE}+of{SPACE}+\\Z"
        )
        suffix_alt = alternation(suffix_map, space=SPACE)
        glued_alt = alternation(glued_suffix_map, space=SPACE)
        self._suffix_re = re.compile(
            f"(?:{SPACE}?|-)(?:(?i:(?P<name>{suffix_alt}))|(?P<code>{code_alt}))(?![A-Za-z])"
            f"|(?P<glued>{glued_alt})(?![A-Za-z])"
        )

        # -- percent, durations, ratios ------------------------------------
        self._points_re = re.compile(
            f"{SPACE}?(?i:{alternation(units['percentage_points'], space=SPACE)})(?![A-Za-z])"
        )
        self._percent_re = re.compile(
            f"{SPACE}?(?i:{alternation(units['percent'], space=SPACE)})(?![A-Za-z])"
        )
        self._durations = {
            k.lower(): (v[0], float(v[1])) for k, v in units["durations"].items()
        }
        self._duration_re = re.compile(
            f"(?:{SPACE}|-)(?i:(?P<unit>{alternation(self._durations, space=SPACE)}))\\b(?!-)"
        )
        self._single_durations = {
            k.lower(): (v[0], float(v[1])) for k, v in units["single_durations"].items()
        }
        self._single_duration_re = re.compile(
            f"(?i:\\b(?:{alternation(self._single_durations, space=SPACE)})\\b)"
        )
        self._fraction_followers = frozenset(units["fraction_followers"])
        self._fraction_lead_re = re.compile(
            f"(?i:\\b(?:by|{alternation(qualifiers, space=SPACE)})){SPACE}+\\Z"
        )
        self._ratio_link_re = re.compile(
            f"{SPACE}+(?i:{alternation(units['ratio_links'], space=SPACE)}){SPACE}+"
        )
        self._multipliers = {
            k.lower(): float(v) for k, v in units["multipliers"].items()
        }
        self._multiplier_re = re.compile(
            f"\\b(?:{alternation(self._multipliers, space=SPACE)})\\b"
        )
        self._multiplier_objects = frozenset(units["multiplier_objects"])
        self._times_re = re.compile(
            f"{SPACE}+(?:{alternation(units['times'], space=SPACE)})\\b"
        )

        # -- qualifiers and ranges -----------------------------------------
        self._qualifiers = {k.lower(): v for k, v in qualifiers.items()}
        self._qualifier_re = re.compile(
            f"(?i:\\b(?P<q>{alternation(self._qualifiers, space=SPACE)})){SPACE}+\\Z"
        )
        self._between_re = re.compile(f"(?i:\\bbetween){SPACE}+\\Z")
        self._from_re = re.compile(f"(?i:\\bfrom){SPACE}+\\Z")
        self._by_re = re.compile(f"(?i:\\bby){SPACE}+[£$€]?\\Z")
        self._hyphen_range_start_re = re.compile(
            r"(?<![\w./-])\d{1,3}(?:,\d{3})*(?:\.\d+)?-\Z"
        )
        self._hyphen_range_unit_re = re.compile(
            f"{SPACE}*(?:%|per{SPACE}*cent\\b|percent\\b|(?:days?|weeks?|months?|years?|hours?|minutes?)\\b)"
        )
        # A range of counts names what it counts in the plural ("18-20 hospitals"), or is
        # scaled ("2-3 million"); "16-19 education" is an age band, not a quantity.
        self._hyphen_range_word_re = re.compile(
            f"{SPACE}+(?:[A-Za-z][a-z\\-]*[a-rt-z]s|people|staff|children|million|billion|thousand)\\b"
            "|(?:bn|m|k)\\b"
        )
        self._range_re = re.compile(
            f"{SPACE}*(?:–|—|-|\u2010|\u2011|(?i:to)\\b){SPACE}*|{SPACE}+(?P<and>and){SPACE}+"
        )

        # -- not-figure cues -----------------------------------------------
        cue_words = alternation(cues["preceding_words"], space=SPACE)
        self._alpha_word_re = re.compile("[A-Za-z]{2,}")
        self._note_number_re = re.compile("[\\s\u00a0*_]*(\\d{1,4})(?![\\d.,%])")
        self._cue_re = re.compile(f"(?i:(?<![A-Za-z])(?:{cue_words})){SPACE}*\\Z")
        label = "\\d{1,4}(?:\\.\\d{1,3})*[a-z]?"
        link = f"(?:{SPACE}*(?:,|&|–|—|-|\u2010){SPACE}*|{SPACE}+(?:and|or|to){SPACE}+)"
        # "paragraphs 7.44–7.46", "bands 2 and 3", "QQ 464–6, 552": every number of the list is a label
        self._cue_list_re = re.compile(
            f"(?i:(?<![A-Za-z])(?:{cue_words})){SPACE}*(?:{label}{link})+\\Z"
        )
        self._age_re = re.compile(
            f"{SPACE}+(?:{alternation(cues['age_followers'], space=SPACE)})\\b"
        )
        self._citation_re = re.compile(
            "|".join(re.escape(c) for c in cues["citation_cues"])
        )
        self._capitalised_word_re = re.compile(f"{SPACE}+[A-Z][a-z]")
        self._half_ordinal_re = re.compile(
            f"(?i:\\b(?:first|second|latter|former|other|last|next|each|either)){SPACE}+\\Z"
        )
        self._quote_open_re = re.compile(
            '[\u2018\u201c"\']([^\u2018\u2019\u201c\u201d"]{0,60})\\Z'
        )
        self._quote_close_re = re.compile(
            '([^\u2018\u2019\u201c\u201d"]{0,60}?)[\u2019\u201d"\']'
        )
        self._identifier_re = re.compile(f"\\b[A-Z]{{2,}}[A-Za-z]*{SPACE}?-?\\Z")
        months = [m.capitalize() for m in cues["months"]]
        month_alt = alternation(months, space=SPACE)
        street_alt = alternation(cues["street_words"], space=SPACE)
        self._paragraph_openers = frozenset(cues["paragraph_openers"])
        self._paragraph_re = re.compile(
            f"[\\s\u00a0]*(\\d{{1,3}}){SPACE}+([A-Z][A-Za-z]*)"
        )
        ordinal = "(?:st|nd|rd|th)"
        year = "(?:1[5-9]|20)\\d{2}"
        self._blocked_re = re.compile(
            "|".join(
                [
                    periods["fy"].replace("(?!\\d)", "(?![\\d%])"),
                    f"\\b\\d{{1,2}}{ordinal}?{SPACE}+(?:{month_alt})\\b\\.?(?:,?{SPACE}+{year}\\b)?",
                    f"\\b(?:{month_alt})\\.?{SPACE}+\\d{{1,2}}{ordinal}?\\b(?:,?{SPACE}+{year}\\b)?",
                    f"\\b(?:{month_alt}){SPACE}+{year}\\b",
                    "\\b\\d{1,4}[/.]\\d{1,2}[/.]\\d{2,4}\\b",
                    "(?i:\\b\\d{1,2}(?:[:.]\\d{2})?"
                    + SPACE
                    + "?(?:a\\.m\\.|p\\.m\\.|am\\b|pm\\b))",
                    "\\b\\d{1,2}:\\d{2}(?::\\d{2})?(?:[.,]\\d{1,3})?\\b",
                    "(?m:^[\\s\u00a0]*\\(?\\d{1,3}(?:\\.\\d{1,3})*[.)](?=\\s|[A-Z]))",
                    f"(?m:^[\\s\u00a0]*\\d{{1,3}}\\.\\d{{1,2}}(?={SPACE}+[A-Z])(?!{SPACE}+[A-Z]{{3}}\\b))",
                    f"\\b\\d{{1,2}}{ordinal}?{SPACE}*(?:–|-|to|and){SPACE}*\\d{{1,2}}{ordinal}?{SPACE}+(?:{month_alt})\\b",
                    f"(?<![\\d.,])\\+?\\b0\\d{{2,4}}{SPACE}?\\d{{3,4}}(?:{SPACE}?\\d{{3,4}})?\\b",
                    f"\\b\\d{{1,4}}[a-z]?(?:{SPACE}+[A-Z][a-z]+){{1,3}}{SPACE}+(?:{street_alt})\\b",
                    "[\\[^]\\^?\\d{1,3}\\]",
                    f"\\b\\d+{ordinal}\\b",
                    "\\b\\d{4}s\\b",
                ]
            )
        )

        # -- period and measure --------------------------------------------
        fy = periods["fy"]
        period_alts = [p.replace("{fy}", fy) for p in periods["patterns"]]
        self._period_re = re.compile(
            "|".join(f"(?:{p})" for p in period_alts), re.IGNORECASE
        )
        self._period_strip_re = re.compile(r"^(?:in|during|for|by)\s+", re.IGNORECASE)
        self._stop_words = frozenset(measure["stop_words"])
        self._count_modifiers = frozenset(measure["count_modifiers"])
        qualifier_alt = alternation(qualifiers, space=SPACE)
        self._noun_before_re = re.compile(
            f"\\b([a-z][a-z\\-]{{2,}}){SPACE}+(of|from){SPACE}+(?:(?i:{qualifier_alt}){SPACE}+)?\\Z"
        )
        self._cut_count_re = re.compile(f"\\d,\\d{{3}}|[A-Za-z]{SPACE}|[A-Za-z]{{4,}}")
        self._and_half_re = re.compile(f"{SPACE}+and{SPACE}+a{SPACE}+half\\b")
        self._level_re = re.compile(
            f"\\b(?:rose|risen|rises|fell|fallen|falls|increased|decreased|grew|grown|dropped|climbed|reached|reaches"
            f"|totalled|totaled|totals|numbered|exceeded|exceeds|(?:stood|stands?){SPACE}+at|was|were|is|are)"
            # "rose by 8,000 to 112,000", "fell by 5 per cent to 7.4 million": the new level after the change
            f"(?:{SPACE}+by{SPACE}+[£$€]?\\d[\\d,.]*(?:%|[mk]|bn)?(?:{SPACE}+(?:per{SPACE}*cent|percent|million|billion|thousand))?(?={SPACE}+to\\b))?"
            f"(?:{SPACE}+(?:to|by|at|from))?{SPACE}+(?:(?i:{qualifier_alt}){SPACE}+)?\\Z"
        )
        # a table header naming its cells' unit: "Spend (£m)", "Rate (%)", "Wait, days"
        self._column_unit_re = re.compile(
            f"(?:\\(|,{SPACE}*|\\b(?=[£$€]))(?:(?P<cur>{symbol_alt}){SPACE}*"
            "(?P<scale>bn|m|k|million|billion|thousand|'?000s?)?"
            "|(?P<pct>%|per cent|percent)|(?P<dur>days|weeks|months|years|hours))\\)?\\s*\\Z",
            re.IGNORECASE,
        )
        self._plural_re = re.compile("\\b([a-z][a-z\\-]{2,}s|[A-Z]{2,}s)\\b")
        self._rate_re = re.compile(
            f"{SPACE}+(?:a|per|each|every){SPACE}+(?:year|annum|month|week|day)\\b"
        )
        self._measure_words = int(measure["max_words"])
        # "A&E" is one word: an ampersand between letters joins them.
        self._word_after_re = re.compile(
            f"{SPACE}+([A-Za-z](?:[A-Za-z0-9'’\\-]|&(?=[A-Za-z]))*)([^\\s\u00a0]?)"
        )
        self._of_re = re.compile(
            f"{SPACE}+of{SPACE}+(?:the{SPACE}+|all{SPACE}+|its{SPACE}+|their{SPACE}+)?"
        )
        self._before_of_re = re.compile(
            f"([A-Za-z][A-Za-z\\-]*)(?:{SPACE}+([A-Za-z][A-Za-z\\-]*))?{SPACE}+of{SPACE}+\\Z"
        )

        # -- what a number's unit is: asked in this order, the first to decide wins
        # (money before the number is read earlier, in ``_basic``)
        # -- what keeps a run of digits from being a number (see ``_digit_number``)
        self._digit_rejections: tuple[Callable[[str, int, int, str], bool], ...] = (
            self._dotted_tail,
            self._marker_after_stop,
            self._marker_after_close,
            self._note_or_code,
            self._glued_to_word,
            self._after_joined_word,
            self._before_separator,
            self._abbreviated_year,
            self._citation_volume,
        )
        self._unit_rules: tuple[_UnitRule, ...] = (
            self._money_after,
            self._year,
            self._reversed_percent,
            self._percentage_points,
            self._percent,
            self._signed_count,
            self._duration,
            self._times,
            self._ratio_of,
        )

    # ------------------------------------------------------------------ API
    def extract(
        self,
        text: str,
        sentences: list[tuple[int, int]]
        | Callable[[], list[tuple[int, int]]]
        | None = None,
        state: dict[str, Any] | None = None,
        facts: dict[str, Any] | None = None,
    ) -> list[Figure]:
        """Every figure in ``text``, in order.

        ``sentences`` (character bounds, or a callable giving them, so they are
        only computed for texts that hold a figure) bound the period search.
        ``state`` is carried from one passage of a document to the next, so
        paragraph numbers ("1 On 1 July ...", "2 Each ICS ...") and a table's
        header row are recognised. ``facts`` are the passage's own (its
        ``kind``: footnotes and table rows are read with their own rules).
        """
        kind = (facts or {}).get("kind")
        header = self._table_header(text, kind, state)
        if not self._digit_re.search(text) and not self._might_have_words(text):
            return []
        # a chart axis, a page number, a diagram label: numbers with hardly a word to measure
        wordless = (
            kind != "table_row" and len(self._alpha_word_re.findall(text, 0, 400)) < 2
        )
        numbers = self._numbers(text)
        marker = self._paragraph_number(text, state)
        if marker is not None:
            numbers = [n for n in numbers if n.start != marker]
        money_only = False
        if kind == "footnote":
            # the note's own number is a marker; a note that cites a source holds titles and references
            lead = self._note_number_re.match(text)
            if lead:
                numbers = [n for n in numbers if n.start != lead.start(1)]
            money_only = self._citation_re.search(text) is not None
        figures: list[Figure] = []
        consumed = 0
        index = 0
        while index < len(numbers):
            number = numbers[index]
            index += 1
            if number.start < consumed:
                continue
            found = self._classify(
                text, number, numbers, index, figures, table=kind == "table_row"
            )
            if found is None:
                continue
            figure, consumed = found
            if money_only and figure.figure_kind not in ("money", "percent"):
                continue
            if not _finite(figure):
                continue  # "£999…9 billion" past a float's range: no value to give, so no figure
            if figures and self._fraction_of_a_scale(text, figures[-1], figure):
                # "a quarter of a million people": one count of 250,000, not a ratio and a million
                part = figures.pop()
                figure = Figure(
                    **{
                        **figure.__dict__,
                        "start": part.start,
                        "surface": text[part.start : figure.end],
                        "value": _round(part.value * figure.value),
                    }
                )
            figures.append(figure)
        if wordless:
            # only a lone amount of money or percentage (a line the reader cut short) says what it is
            figures = (
                [f for f in figures if f.figure_kind in ("money", "percent")]
                if len(figures) == 1
                else []
            )
        if figures and kind == "table_row":
            figures = self._table_cells(text, figures, header)
        if figures:
            bounds = sentences() if callable(sentences) else sentences
            cache: dict[tuple[int, int], list[tuple[int, int, str]]] = {}
            figures = [self._with_context(text, fig, bounds, cache) for fig in figures]
        return figures

    # ------------------------------------------------------------ internals
    def _table_header(
        self, text: str, kind: str | None, state: dict[str, Any] | None
    ) -> list[str] | None:
        """The header cells of the table this row belongs to (the first row after other text)."""
        if state is None:
            return None
        previous = state.get(_LAST_KIND_KEY)
        state[_LAST_KIND_KEY] = kind
        if kind != "table_row":
            state.pop(_HEADER_KEY, None)
            return None
        if previous != "table_row":
            state[_HEADER_KEY] = [cell.strip() for cell in text.split(" | ")]
            return None
        header = state.get(_HEADER_KEY)
        return header if isinstance(header, list) else None

    def _table_cells(
        self, text: str, figures: list[Figure], header: list[str] | None
    ) -> list[Figure]:
        """A cell that is nothing but a number is a figure only with its row and column labels as its measure."""
        cells: list[tuple[int, int]] = []
        position = 0
        for cell in text.split(" | "):
            cells.append((position, position + len(cell)))
            position += len(cell) + 3
        row_label = text[cells[0][0] : cells[0][1]].strip(" *_")
        if not self._alpha_word_re.search(row_label):
            row_label = ""
        kept: list[Figure] = []
        for figure in figures:
            index = next(
                (i for i, (lo, hi) in enumerate(cells) if lo <= figure.start < hi), None
            )
            if index is None:
                continue
            lo, hi = cells[index]
            rest = (text[lo : figure.start] + text[figure.end : hi]).strip(" *_()")
            if self._alpha_word_re.search(rest) and len(rest.split()) > 1:
                kept.append(figure)  # a cell of prose: its words are the context
                continue
            column = (
                header[index].strip(" *_") if header and index < len(header) else ""
            )
            if index == 0 or not row_label or not column:
                continue
            kept.append(
                self._in_column_unit(
                    Figure(**{**figure.__dict__, "measure": f"{row_label} ({column})"}),
                    column,
                )
            )
        return kept

    def _in_column_unit(self, figure: Figure, column: str) -> Figure:
        """A bare number under a header that states its unit: "Spend (£m)", "Rate (%)",
        "Wait (days)". The header's currency and scale, or percent, apply to the cell."""
        if figure.figure_kind != "count" or figure.surface[:1] not in "0123456789.":
            return figure
        match = self._column_unit_re.search(column)
        if match is None:
            return figure
        if match.group("pct"):
            return Figure(**{**figure.__dict__, "unit": "%", "figure_kind": "percent"})
        if match.group("dur"):
            unit = match.group("dur").lower().rstrip("s")
            return Figure(
                **{**figure.__dict__, "unit": unit, "figure_kind": "duration"}
            )
        code = self._prefix_map.get(match.group("cur").lower())
        if code is None:
            return figure
        scale = match.group("scale") or ""
        factor = {"000": 1e3, "000s": 1e3, "'000": 1e3}.get(scale.lower()) or (
            scale_value(scale, glued=True) if scale else 1.0
        )
        if factor is None:
            return figure
        high = figure.value_max * factor if figure.value_max is not None else None
        return Figure(
            **{
                **figure.__dict__,
                "value": _round(figure.value * factor),
                "value_max": _round(high) if high is not None else None,
                "unit": code,
                "figure_kind": "money",
            }
        )

    def _might_have_words(self, text: str) -> bool:
        """A cheap test that a text without digits may still hold a number word."""
        lowered = text.lower()
        return any(word in lowered for word in self._word_cues)

    def _paragraph_number(self, text: str, state: dict[str, Any] | None) -> int | None:
        """Start of a paragraph number opening the passage, if there is one."""
        match = self._paragraph_re.match(text)
        if not match:
            return None
        number = int(match.group(1))
        last = state.get(_STATE_KEY) if state is not None else None
        if match.group(2) in self._paragraph_openers or (
            isinstance(last, int) and number == last + 1
        ):
            if state is not None:
                state[_STATE_KEY] = number
            return match.start(1)
        return None

    def _blocked(self, text: str, start: int, end: int) -> bool:
        """Inside a date, time, financial-year label, list marker or URL."""
        for match in self._blocked_re.finditer(
            text, max(0, start - 16), min(len(text), end + 40)
        ):
            if match.start() < end and start < match.end():
                return True
            if match.start() >= end:
                break
        token_start = max(text.rfind(" ", 0, start), text.rfind("\n", 0, start)) + 1
        token = text[token_start:start]
        return "://" in token or "www." in token

    def _numbers(self, text: str) -> list[_Number]:
        found: list[_Number] = []
        for match in self._number_re.finditer(text):
            start, end = match.span()
            if match.group("digits") is not None:
                number = self._digit_number(text, start, end)
                if number is not None and not self._blocked(text, start, end):
                    found.append(number)
            else:
                found.extend(self._word_numbers(text, start, match.group("words")))
        lowered = text.lower()
        if any(word in lowered for word in self._fraction_cues):
            for match in self._fraction_re.finditer(text):
                fraction = self._fraction(text, match)
                if fraction is not None:
                    found.append(fraction)
        for match in self._single_duration_re.finditer(text) if "a " in lowered else ():
            found.append(
                _Number(
                    match.start(),
                    match.end(),
                    0.0,
                    True,
                    False,
                    False,
                    kind="single_duration",
                )
            )
        if (
            "ubl" in lowered
            or "alve" in lowered
            or "ripl" in lowered
            or "rebl" in lowered
            or "uadrupl" in lowered
        ):
            for match in self._multiplier_re.finditer(text):
                value = self._multiplier(text, match)
                if value is not None:
                    found.append(
                        _Number(
                            match.start(),
                            match.end(),
                            value,
                            True,
                            False,
                            False,
                            kind="multiplier",
                        )
                    )
        if "fold" in lowered:
            found.extend(self._folds(text))
        found.sort(
            key=lambda n: (
                n.start,
                {"fraction": 0, "single_duration": 1}.get(n.kind, 2),
                -n.end,
            )
        )
        return found

    def _folds(self, text: str) -> list[_Number]:
        """ "tenfold", "a 2.5-fold rise": multiples written with "-fold"."""
        out = []
        for match in self._fold_re.finditer(text):
            written = match.group("n")
            if written[0].isdigit():
                value = float(written)
            else:
                found = longest_word_number(written.lower().split())
                if found is None:
                    continue
                value = found[1]
            if value > 1:
                out.append(
                    _Number(
                        match.start(),
                        match.end(),
                        value,
                        not written[0].isdigit(),
                        False,
                        False,
                        kind="multiplier",
                    )
                )
        return out

    def _digit_number(self, text: str, start: int, end: int) -> _Number | None:
        """A run of digits as a number with any scale after it ("5.7bn", "3 million").

        None when the digits do not parse, or when what touches them says
        they are part of something else: any of ``self._digit_rejections``
        (built in ``__init__``; each names the case it keeps out).
        """
        raw = text[start:end]
        try:
            value = parse_digits(raw)
        except ValueError:
            return None
        if any(rule(text, start, end, raw) for rule in self._digit_rejections):
            return None
        scaled = False
        applied = 1.0
        scale = self._scale_re.match(text, end)
        if scale:
            word = scale.group("word") or scale.group("glued")
            multiplier = scale_value(word, glued=scale.group("glued") is not None)
            if multiplier is not None:
                value *= multiplier
                end = scale.end()
                scaled = True
                applied = multiplier
        plain = raw.isdigit()
        return _Number(
            start,
            end,
            _round(value),
            False,
            scaled,
            plain and not scaled,
            multiplier=applied,
        )

    # -- digits that are part of something else: each True means "not a number"

    def _citation_volume(self, text: str, start: int, end: int, raw: str) -> bool:
        """The volume of a legal or journal citation: "14 CFR 11.43", "83 FR 62697",
        "5 U.S.C. 552": a whole number, a code in capitals (not a currency's,
        "3 GBP 1 pence"), another number."""
        if not raw.isdigit():
            return False
        match = _CITATION_AFTER.match(text, end)
        return (
            match is not None and match.group(1).replace(".", "") not in self._code_map
        )

    @staticmethod
    def _abbreviated_year(text: str, start: int, end: int, raw: str) -> bool:
        """A year cut to two digits after an apostrophe: "March '23", "'19-'20"."""
        return (
            len(raw) == 2
            and start > 0
            and text[start - 1] in "'\u2019"
            and (start < 2 or not text[start - 2].isalnum())
        )

    @staticmethod
    def _dotted_tail(text: str, start: int, end: int, raw: str) -> bool:
        """The tail of "4.2.1" or "192.168.1.2"."""
        before = text[start - 1] if start else ""
        return before.isdigit() or (raw.startswith(".") and before.isalnum())

    @staticmethod
    def _marker_after_stop(text: str, start: int, end: int, raw: str) -> bool:
        """ "glance”.97", "(64%).312": a sentence's full stop and a footnote marker, not ".97"."""
        before = text[start - 1] if start else ""
        return (
            raw.startswith(".")
            and bool(before)
            and not (before.isspace() or before in "(£$€-−~<>")
        )

    @staticmethod
    def _marker_after_close(text: str, start: int, end: int, raw: str) -> bool:
        """ "consumption”.)284", "cutbacks.”324": a marker glued to a closing mark."""
        before = text[start - 1] if start else ""
        return bool(before) and before in ')]\u201d\u2019"%' and "." not in raw

    @staticmethod
    def _note_or_code(text: str, start: int, end: int, raw: str) -> bool:
        """A footnote "[^1]"; a leading zero, as in codes and phone numbers "08345678"."""
        before = text[start - 1] if start else ""
        return before == "^" or (len(raw) > 1 and raw[0] == "0" and raw[1].isdigit())

    def _glued_to_word(self, text: str, start: int, end: int, raw: str) -> bool:
        """ "ICS0048", "CORE20PLUS5": digits glued to letters; a currency code ("GBP3.01", "Rs20") is fine."""
        before = text[start - 1] if start else ""
        return before.isalpha() and not self._prefix_re.search(
            text, max(0, start - 6), start
        )

    def _after_joined_word(self, text: str, start: int, end: int, raw: str) -> bool:
        """ "reforms.1", "Covid-19", "5/17": digits joined to a word by a stop, hyphen, slash or colon.

        Not the second number of a range ("15-20%", see ``_range_end``).
        """
        before = text[start - 1] if start else ""
        return (
            bool(before)
            and before in ".-/:"
            and start >= 2
            and text[start - 2].isalnum()
            and not self._range_end(text, start, end)
        )

    @staticmethod
    def _before_separator(text: str, start: int, end: int, raw: str) -> bool:
        """ "1.2.3" numbering, addresses, "5/17", "10:30": more digits after a stop, slash or colon."""
        after = text[end : end + 2]
        return bool(after) and after[:1] in "/:." and after[1:2].isdigit()

    def _range_end(self, text: str, start: int, end: int) -> bool:
        """The second number of a range written with a hyphen, "15-20%", "10-15 days",
        "18-20 hospitals": digits (not a word, "Covid-19") before the hyphen, and
        after it a unit, or a word when the second number is the larger (not
        "2022-23 budget", a financial year, whose first number has four digits)."""
        if text[start - 1] != "-":
            return False
        first = self._hyphen_range_start_re.search(text, max(0, start - 16), start)
        if first is None:
            return False
        if self._hyphen_range_unit_re.match(text, end) is not None:
            return True
        try:
            low = parse_digits(first.group(0)[:-1])
            high = parse_digits(text[start:end])
        except ValueError:
            return False
        return high > low and self._hyphen_range_word_re.match(text, end) is not None

    def _word_numbers(self, text: str, offset: int, run: str) -> list[_Number]:
        tokens = [
            (m.group(0), m.start() + offset, m.end() + offset)
            for m in self._word_split_re.finditer(run)
        ]
        words = [t[0] for t in tokens]
        out: list[_Number] = []
        position = 0
        while position < len(words):
            found = longest_word_number(words, position)
            if found is None:
                position += 1
                continue
            length, value = found
            first, last = tokens[position], tokens[position + length - 1]
            lowered = [w.lower() for w in words[position : position + length]]
            scaled = any(w in lexicon().scales for w in lowered)
            out.append(_Number(first[1], last[2], _round(value), True, scaled, False))
            position += length
        return out

    def _fraction(self, text: str, match: re.Match[str]) -> _Number | None:
        numerator_word = (match.group("num") or "").lower()
        fraction_word = match.group("frac").lower()
        denominator = self._fractions[fraction_word]
        has_of = match.group("of") is not None
        scale = match.group("scale")
        if numerator_word in ("", "a", "an", "one"):
            if fraction_word.endswith("s") and fraction_word != "halves":
                return None
            if not numerator_word and fraction_word != "half" and not scale:
                return None  # "the first quarter of the year"
            if (
                not has_of
                and not scale
                and not (
                    (numerator_word or fraction_word == "half")
                    and self._fraction_context(text, match)
                )
            ):
                return None
            numerator = 1.0
        else:
            found = longest_word_number([numerator_word])
            if found is None:
                return None
            numerator = found[1]
            if not fraction_word.endswith("s") or numerator >= denominator:
                return None
        if (
            fraction_word == "half"
            and not numerator_word
            and self._half_ordinal_re.search(
                text, max(0, match.start() - 12), match.start()
            )
        ):
            return None  # "the first half of the year": a part of a period, not a proportion
        if fraction_word in ("half", "halves"):
            denominator = 2
        start = match.start() if match.group("num") else match.start("frac")
        if scale:  # "half a million", "three quarters billion": a number, not a ratio
            multiplier = scale_value(scale.split()[-1], glued=False) or 1.0
            return _Number(
                start,
                match.end("scale"),
                _round(numerator / denominator * multiplier),
                True,
                True,
                False,
            )
        return _Number(
            start,
            match.end("frac"),
            round(numerator / denominator, 4),
            True,
            False,
            False,
            kind="fraction",
        )

    def _multiplier(self, text: str, match: re.Match[str]) -> float | None:
        """ "to halve waits", "double the rate": a verb of multiplying; not "the double tax" or "Triple Lock"."""
        word = match.group(0)
        if word.startswith("halv"):
            return self._multipliers[word] if word == "halve" else None
        if word.endswith(("ed", "ing", "s")):
            return None  # "doubled": the gold reads a change already made as no figure
        following = self._word_after_re.match(text, match.end())
        if (
            following is None
            or following.group(1).lower() not in self._multiplier_objects
        ):
            return None
        return self._multipliers[word]

    def _fraction_context(self, text: str, match: re.Match[str]) -> bool:
        """ "a third fewer", "by almost a third": a proportion without "of"."""
        follower = self._word_after_re.match(text, match.end("frac"))
        if follower and follower.group(1).lower() in self._fraction_followers:
            return True
        return bool(
            self._fraction_lead_re.search(
                text, max(0, match.start() - 24), match.start()
            )
        )

    def _classify(
        self,
        text: str,
        number: _Number,
        numbers: list[_Number],
        next_index: int,
        earlier: list[Figure] | None = None,
        *,
        table: bool = False,
    ) -> tuple[Figure, int] | None:
        if number.kind == "fraction":
            return self._finish(
                text,
                _Classified(
                    number.start, number.end, number.value, None, "ratio", number.end
                ),
            ), number.end
        if number.kind == "single_duration":
            unit, factor = self._single_durations[
                re.sub(r"\s+", " ", text[number.start : number.end].lower())
            ]
            return self._finish(
                text,
                _Classified(
                    number.start, number.end, factor, unit, "duration", number.end
                ),
            ), number.end
        if number.kind == "multiplier":
            return self._finish(
                text,
                _Classified(
                    number.start, number.end, number.value, None, "ratio", number.end
                ),
            ), number.end
        first = self._basic(text, number, numbers, next_index)
        if first is None:
            return None
        if first.kind in ("count", "duration", "ratio") and self._is_label(
            text, number, first.kind
        ):
            return None  # "Recommendation 12", "paragraphs 7.44–7.46", "aged 16-64", "QQ 464–6"
        if self._in_quoted_title(text, first.start, first.end):
            return None  # ‘Three year delivery plan’
        # ranges: "£3bn–£5bn", "between three and ten years", "50 to 80%"
        range_match = self._range_re.match(text, first.end)
        if range_match and not self._from_re.search(
            text, max(0, first.start - 6), first.start
        ):
            # "rose by 8,000 to 112,000", "grew by £200m to £1.4bn": a change, then the new
            # level; only a bare number before a unit is a range there ("by 2 to 3 per cent")
            after_by = self._by_re.search(text, max(0, first.start - 4), first.start)
            is_and = range_match.group("and") is not None
            if not is_and or self._between_re.search(
                text, max(0, first.start - 10), self._prefix_start(text, first)
            ):
                second_number = self._number_at(
                    numbers, next_index, range_match.end(), text
                )
                if second_number is not None:
                    second = self._basic(
                        text, second_number, numbers, next_index + 1, in_range=True
                    )
                    if (
                        after_by is not None
                        and second is not None
                        and (
                            first.kind == second.kind
                            and first.unit == second.unit
                            or first.kind != "count"
                        )
                    ):
                        second = None
                    merged = self._merge_range(
                        first, second, number, second_number.multiplier
                    )
                    if merged is not None:
                        between = self._between_re.search(
                            text, max(0, merged[0].start - 10), merged[0].start
                        )
                        if (
                            between
                        ):  # the corpus convention keeps "between" in the surface
                            merged[0].start = between.start()
                        figure = self._finish(text, merged[0], value_max=merged[1])
                        if figure.figure_kind == "count" and not table:
                            counted = self._counted_figure(text, figure, earlier)
                            if counted is None:
                                return None
                            figure = counted
                        return figure, merged[0].end
        if first.kind == "count" and not self._count_allowed(text, number, first):
            return None
        figure = self._finish(text, first)
        if figure.figure_kind == "count" and not table:
            counted = self._counted_figure(text, figure, earlier)
            if counted is None:
                return None
            figure = counted
        return figure, first.end

    def _counted_figure(
        self, text: str, figure: Figure, earlier: list[Figure] | None
    ) -> Figure | None:
        """The count with what it counts, or None when nothing near it says.

        The noun may follow ("870 re-entries"), come before ("a workforce of
        about 480", "objectives from 89 to 31"), be shared with a count just
        before in the sentence ("from 500,000 people to more than 3 million",
        "14 ICBs ..., and six are"), or the count may be a rate ("15,000 a year").
        """
        if self._counted(
            figure.measure, opening=not text[: figure.start].strip(" \t*_•-–(")
        ):
            return figure
        if figure.measure is not None and not (figure.measure.split()[0].islower()):
            return None  # a capitalised word after the number: a name or a header, not a noun left out
        if not text[figure.end :].strip() and self._cut_count_re.search(figure.surface):
            # a line the reader cut after "over 25,000": the noun is on the next line; a page
            # number at a line end has no qualifier, no thousands separator and no scale word
            return figure
        before = self._noun_before_re.search(
            text, max(0, figure.start - 60), figure.start
        )
        if before is not None and before.group(1).lower() not in self._stop_words:
            if before.group(2) == "of" or before.group(1).endswith("s"):
                return Figure(**{**figure.__dict__, "measure": before.group(1)})
        if self._rate_re.match(text, figure.end):
            return figure
        level = self._level_re.search(text, max(0, figure.start - 40), figure.start)
        if level is not None:
            # "vacancies rose to 4,500", "the number of applicants was 1,200": the noun the clause is about
            clause = re.split(
                r"[.;:!?]\s|,\s", text[max(0, level.start() - 80) : level.start()]
            )[-1]
            # the clause's first word may be a sentence's capital: "Vacancies rose to 4,500"
            opening = re.match(r"\s*[A-Z](?=[a-z\-]{2,}s\b)", clause)
            if opening is not None:
                clause = (
                    clause[: opening.end() - 1]
                    + clause[opening.end() - 1].lower()
                    + clause[opening.end() :]
                )
            nouns = [
                w
                for w in self._plural_re.findall(clause)
                if w.lower() not in self._stop_words
            ]
            if nouns:
                return Figure(**{**figure.__dict__, "measure": nouns[-1]})
            if not level.group(0).startswith(("was", "were", "is", "are")):
                # "the waiting list rose to 7.7 million": a verb of change names its subject the measure
                subject = self._subject_words(clause)
                if subject:
                    return Figure(**{**figure.__dict__, "measure": subject})
        for previous in reversed(earlier or []):
            if (
                previous.figure_kind != "count"
                or not previous.measure
                or figure.start - previous.end > 120
            ):
                continue
            if re.search(r"[.;:!?]\s", text[previous.end : figure.start]):
                break
            following = self._word_after_re.match(text, figure.end)
            if following is None or following.group(1).lower() in self._stop_words:
                return Figure(**{**figure.__dict__, "measure": previous.measure})
            break
        return None

    def _fraction_of_a_scale(self, text: str, part: Figure, whole: Figure) -> bool:
        """``part`` a fraction word and ``whole`` "a million/billion/thousand" right after "of"."""
        return (
            part.figure_kind == "ratio"
            and part.value < 1
            and whole.figure_kind in ("count", "money")
            and re.fullmatch(r"\s+of\s+", text[part.end : whole.start]) is not None
            and re.match(
                r"(?i)an?\s+(?:thousand|million|billion)\b",
                text[whole.start : whole.end],
            )
            is not None
            and not re.search(r"\d", part.surface)
        )

    def _subject_words(self, clause: str) -> str | None:
        """The one or two lower-case words a clause ends on ("The waiting list" -> "waiting list")."""
        words: list[str] = []
        for word in reversed(clause.split()):
            if (
                not re.fullmatch(r"[a-z][a-z\-]{2,}", word)
                or word in self._stop_words
                or word.endswith(("ly", "ed"))
            ):
                break
            words.insert(0, word)
            if len(words) == 2:
                break
        return " ".join(words) or None

    def _is_label(self, text: str, number: _Number, kind: str) -> bool:
        """A number that names a paragraph, box, tier or age group rather than measuring anything."""
        start = number.start
        return bool(
            self._cue_re.search(text, max(0, start - 24), start)
            or self._cue_list_re.search(text, max(0, start - 80), start)
            or (
                kind == "count"
                and not number.words
                and self._identifier_re.search(text, max(0, start - 12), start)
            )
        )

    def _in_quoted_title(self, text: str, start: int, end: int) -> bool:
        """A number inside a short quoted title that opens with a capital: ‘Three year delivery plan’."""
        opening = self._quote_open_re.search(text, max(0, start - 60), start)
        if opening is None:
            return False
        at = opening.start()
        if at > 0 and not (text[at - 1].isspace() or text[at - 1] in "(["):
            return False
        closing = self._quote_close_re.match(text, end)
        if closing is None or text[closing.end() : closing.end() + 1].isalpha():
            return False
        quoted = opening.group(1) + text[start:end] + closing.group(1)
        return quoted[:1].isupper() and len(quoted.split()) <= 6

    def _counted(self, measure: str | None, *, opening: bool = False) -> bool:
        """A count needs a counted noun: lower case ("nurses"), an acronym ("ICSs") or, inside a
        sentence, capitalised ("12 Integrated Care Boards"); a number opening a line before
        capitalised words is a note, list or page number ("3 UK Space Agency blog")."""
        if not measure:
            return False
        words = measure.split()
        first = words[0]
        if first.isupper():
            if len(first.rstrip("s")) >= 5 and not any(
                w[:1].islower() for w in words[1:]
            ):
                return False  # "56 BEHAVIOUR CHANGE": a running header; "8,300 COVID-19 patients" counts patients
            if opening and len(words) == 1:
                return False  # "12 DHSC should ...": a paragraph number before a body's initials
            return not (
                opening
                and len(words) > 1
                and words[1][:1].isupper()
                and not words[1].isupper()
            )
        if first[:1].isupper():
            return not opening or bool(
                re.fullmatch(r"[A-Z]{2,}[a-z]{1,2}", first)
            )  # "ICSs", "PCNs"
        return True

    def _prefix_start(self, text: str, classified: _Classified) -> int:
        return classified.start

    def _number_at(
        self, numbers: list[_Number], index: int, position: int, text: str
    ) -> _Number | None:
        while index < len(numbers) and numbers[index].start < position:
            index += 1
        if (
            index < len(numbers)
            and numbers[index].start == position
            and numbers[index].kind == "number"
        ):
            return numbers[index]
        # a currency sign may sit between the separator and the number ("£3bn–£5bn")
        if index < len(numbers) and numbers[index].kind == "number":
            gap = text[position : numbers[index].start]
            if (
                gap
                and len(gap) <= 4
                and self._prefix_re.search(text, position, numbers[index].start)
            ):
                return numbers[index]
        return None

    def _basic(
        self,
        text: str,
        number: _Number,
        numbers: list[_Number],
        next_index: int,
        *,
        in_range: bool = False,
    ) -> _Classified | None:
        """Kind, unit and value of one number from what sits right around it.

        A currency before the number is read on the number as written; then
        a sign before it ("-3", "minus four") joins the number and the unit
        rules (``self._unit_rules``, built in ``__init__``) are asked in
        order: the first that decides wins. A number no rule claims is a
        count.
        """
        start, end = number.start, number.end
        if number.words and text[start].isupper() and self._in_name(text, start, end):
            return None
        money = self._money_before(text, number, numbers, next_index)
        if money is not None:
            return money
        sign = self._sign_re.search(text, max(0, start - 10), start)
        around = _Around(
            number=number,
            numbers=numbers,
            next_index=next_index,
            in_range=in_range,
            start=sign.start() if sign else start,
            end=end,
            value=-number.value if sign else number.value,
            signed=sign is not None,
        )
        for rule in self._unit_rules:
            found = rule(text, around)
            if found is _Verdict.NOT_A_FIGURE:
                return None
            if found is not None:
                return found
        return _Classified(around.start, end, around.value, None, "count", end)

    # -- the unit rules: each gives a classification, NOT_A_FIGURE, or None (not mine)

    def _money_before(
        self, text: str, number: _Number, numbers: list[_Number], next_index: int
    ) -> _Classified | None:
        """Money with the currency before the amount: "£5.7bn", "USD 40", "-£3m", "£-3m".

        A minus before the currency sign or between it and the digits makes
        the amount negative; "£3 and 50p" adds its minor part.
        """
        prefix = self._prefix_re.search(text, max(0, number.start - 24), number.start)
        if not prefix:
            return None
        factor = 1.0
        if prefix.group("sym"):
            code = self._prefix_map[re.sub(r"\s+", " ", prefix.group("sym").lower())]
        else:
            code, factor = self._code_map[prefix.group("code")]
        value = _round(number.value * factor)
        if prefix.group("gap").endswith("-"):
            value = -value
        surface_start = prefix.start()
        if (
            surface_start >= 1
            and text[surface_start - 1] == "-"
            and (surface_start < 2 or not text[surface_start - 2].isalnum())
        ):
            surface_start -= 1
            value = -value
        code, end = self._currency_repeated(text, number.end, code, prefix)
        if value >= 0 and value.is_integer() and not number.scaled:
            minor = self._minor_continuation(text, end, code, numbers, next_index)
            if minor is not None:
                value, end = value + minor[0], minor[1]
        return _Classified(surface_start, end, _round(value), code, "money", end)

    def _currency_repeated(
        self, text: str, end: int, code: str, prefix: re.Match[str]
    ) -> tuple[str, int]:
        """The code and surface end once a currency written after the amount is read too.

        "$10 AUD": the code after says which dollar; "$ 10 dollars" repeats
        the currency and joins the surface. "£3m-£5m": the sign after the
        dash is the next amount of a range, not this one's currency.
        """
        suffix = self._suffix_re.match(text, end)
        if suffix is None or re.match(
            r"\s*[-\u2010\u2011]\s*[£$€]", text[end : suffix.end()]
        ):
            return code, end
        if code == "USD" and prefix.group("sym") == "$" and suffix.group("code"):
            return self._code_map[suffix.group("code")][0], suffix.end()
        name = suffix.group("name")
        if name and self._suffix_map[name.lower()] == (code, 1.0):
            return code, suffix.end()
        return code, end

    def _money_after(self, text: str, at: _Around) -> _Classified | None:
        """Money with the currency after the amount: "10 dollars", "50p", "48.5 MGBP", "75 USD million".

        "3 dollars 50 cents" adds its minor part. "one pound" is left alone:
        too often a weight ("one pound of coal") to call money.
        """
        number = at.number
        suffix = self._suffix_re.match(text, at.end)
        if not suffix:
            return None
        if suffix.group("glued"):
            code, factor = self._glued_suffix_map[suffix.group("glued")]
        elif suffix.group("code"):
            code, factor = self._code_map[suffix.group("code")]
        else:
            code, factor = self._suffix_map[
                re.sub(r"\s+", " ", suffix.group("name").lower())
            ]
        if (
            number.words
            and at.value == 1.0
            and text[at.start : number.end].lower() == "one"
            and factor == 1.0
            and code == "GBP"
        ):
            return None
        money_end = suffix.end()
        total = at.value * factor
        if suffix.group("code") and not number.scaled:
            scale = self._scale_re.match(text, money_end)
            if scale and scale.group("word"):
                total *= scale_value(scale.group("word"), glued=False) or 1.0
                money_end = scale.end()
        if factor == 1.0 and float(at.value).is_integer() and not number.scaled:
            minor = self._minor_continuation(
                text, money_end, code, at.numbers, at.next_index
            )
            if minor is not None:
                total += minor[0]
                money_end = minor[1]
        return _Classified(at.start, money_end, _round(total), code, "money", money_end)

    def _year(self, text: str, at: _Around) -> _Verdict | None:
        """A four-digit number from 1500 to 2100 is a year, not a figure.

        Money was read before this rule, so only a percentage after it or a
        qualifier before it and a plural noun after ("over 1800 launches")
        make it a figure. The
        second number of a range ("1,500-2,000") is never taken for a year.
        """
        number = at.number
        if (
            number.plain_integer
            and len(text[at.start : number.end]) == 4
            and 1500 <= at.value <= 2100
            and not at.in_range
            and not self._percent_re.match(text, at.end)
            and not self._qualified_count(text, at.start, at.end)
        ):
            return _Verdict.NOT_A_FIGURE
        return None

    def _reversed_percent(self, text: str, at: _Around) -> _Classified | None:
        """ "percent of 10": the unit written before the number (not "40 per cent of 12", a share of something)."""
        found = self._reversed_percent_re.search(text, max(0, at.start - 16), at.start)
        if found is None or re.search(
            r"[\d%]\s*\Z", text[max(0, found.start() - 3) : found.start()]
        ):
            return None
        return _Classified(found.start(), at.end, at.value, "%", "percent", at.end)

    def _percentage_points(self, text: str, at: _Around) -> _Classified | None:
        """ "2 percentage points", "3pp": a change in a percentage, unit "pp"."""
        points = self._points_re.match(text, at.end)
        if not points:
            return None
        return _Classified(
            at.start, points.end(), at.value, "pp", "percent", points.end()
        )

    def _percent(self, text: str, at: _Around) -> _Classified | None:
        """ "12%", "12 per cent", "12 percent"."""
        percent = self._percent_re.match(text, at.end)
        if not percent:
            return None
        return _Classified(
            at.start, percent.end(), at.value, "%", "percent", percent.end()
        )

    def _signed_count(self, text: str, at: _Around) -> _Classified | None:
        """A signed number that is not money or a percentage is a count ("-3", "minus four").

        Decided here, before the duration, "times" and ratio rules, which
        do not read signed numbers.
        """
        if not at.signed:
            return None
        return _Classified(at.start, at.end, at.value, None, "count", at.end)

    def _duration(self, text: str, at: _Around) -> _Classified | _Verdict | None:
        """ "three years", "18-month", "3 and a half years", in the unit's own terms.

        Not an age ("nine months old") nor part of a capitalised name
        ("the 10 Year Health Plan").
        """
        value = at.value
        and_half = (
            self._and_half_re.match(text, at.end)
            if float(value).is_integer() and not at.number.scaled
            else None
        )
        duration = self._duration_re.match(text, and_half.end() if and_half else at.end)
        if not duration:
            return None
        if and_half:
            value += 0.5
        if self._age_re.match(text, duration.end()):
            return _Verdict.NOT_A_FIGURE
        unit_word = duration.group("unit")
        if unit_word[:1].isupper() and self._capitalised_word_re.match(
            text, duration.end()
        ):
            return _Verdict.NOT_A_FIGURE
        unit, factor = self._durations[unit_word.lower()]
        return _Classified(
            at.start,
            duration.end(),
            _round(value * factor),
            unit,
            "duration",
            duration.end(),
        )

    def _times(self, text: str, at: _Around) -> _Classified | _Verdict | None:
        """ "three times" is a ratio; "three times a week" a frequency, no figure.

        Not read on the second number of a range.
        """
        times = self._times_re.match(text, at.end)
        if not times or at.in_range:
            return None
        following = self._word_after_re.match(text, times.end())
        if following and following.group(1).lower() in ("a", "per", "each", "every"):
            return _Verdict.NOT_A_FIGURE
        return _Classified(at.start, times.end(), at.value, None, "ratio", times.end())

    def _ratio_of(self, text: str, at: _Around) -> _Classified | None:
        """ "one in five", "3 out of 10": a whole number linked to a larger one (see ``_ratio``)."""
        if (
            at.in_range
            or at.number.scaled
            or not float(at.value).is_integer()
            or at.value < 1
        ):
            return None
        return self._ratio(text, at.number, at.numbers, at.next_index)

    def _qualified_count(self, text: str, start: int, end: int) -> bool:
        if not self._qualifier_re.search(text, max(0, start - 24), start):
            return False
        following = self._word_after_re.match(text, end)
        return bool(
            following
            and following.group(1).islower()
            and following.group(1) not in self._stop_words
        )

    def _minor_continuation(
        self,
        text: str,
        position: int,
        code: str,
        numbers: list[_Number],
        next_index: int,
    ) -> tuple[float, int] | None:
        """ "3 dollars 50 cents", "£3 and 50p": the minor part after a major amount."""
        joiner = re.compile(f"(?:{SPACE}+and)?{SPACE}+").match(text, position)
        if not joiner:
            return None
        following = self._number_at(numbers, next_index, joiner.end(), text)
        if (
            following is None
            or following.value >= 100
            or following.scaled
            or not float(following.value).is_integer()
        ):
            return None
        suffix = self._suffix_re.match(text, following.end)
        if not suffix:
            # "$20 43", "15 dollars and 50.": a bare minor amount, only at the end of a clause
            if re.match(
                r"[ \t]*(?:[.,;:!?)]|\Z)", text[following.end : following.end + 3]
            ):
                return following.value * 0.01, following.end
            return None
        if suffix.group("glued"):
            minor_code, factor = self._glued_suffix_map[suffix.group("glued")]
        elif suffix.group("name"):
            minor_code, factor = self._suffix_map[
                re.sub(r"\s+", " ", suffix.group("name").lower())
            ]
        else:
            return None
        if factor != 0.01:
            return None
        return following.value * 0.01, suffix.end()

    def _ratio(
        self, text: str, number: _Number, numbers: list[_Number], next_index: int
    ) -> _Classified | None:
        link = self._ratio_link_re.match(text, number.end)
        if not link:
            return None
        denominator = self._number_at(numbers, next_index, link.end(), text)
        if denominator is None or text[link.end() : denominator.start]:
            return None
        if (
            denominator.scaled
            or not float(denominator.value).is_integer()
            or denominator.value <= number.value
        ):
            return None
        if denominator.plain_integer and 1500 <= denominator.value <= 2100:
            return None
        if self._duration_re.match(text, denominator.end) or self._percent_re.match(
            text, denominator.end
        ):
            return None
        if self._suffix_re.match(text, denominator.end):
            return None
        value = round(number.value / denominator.value, 4)
        return _Classified(
            number.start, denominator.end, value, None, "ratio", denominator.end
        )

    def _merge_range(
        self,
        first: _Classified,
        second: _Classified | None,
        number: _Number,
        scale: float = 1.0,
    ) -> tuple[_Classified, float] | None:
        """A range's low bound and its high bound's value, or None when the two are not one range.

        A scale word written once after the range belongs to both bounds
        ("2-3 million" is 2 million to 3 million, "£5-10 billion" £5bn to
        £10bn), unless that would put the low bound above the high one.
        """
        if second is None or second.kind == "ratio":
            return None
        low = first.value
        if scale > 1 and not number.scaled and low * scale < second.value:
            low *= scale
        if first.kind == "count" and second.kind != "count":
            # "50 to 80%", "three and ten years", "£2-3 billion": the first takes the second's unit
            return (
                (
                    _Classified(
                        first.start,
                        second.end,
                        low,
                        second.unit,
                        second.kind,
                        second.end,
                    ),
                    second.value,
                )
                if low < second.value
                else None
            )
        if first.kind == "money" and second.kind == "count" and low < second.value:
            # "£5-10 million": the currency is written once, before the range
            return _Classified(
                first.start, second.end, low, first.unit, first.kind, second.end
            ), second.value
        if (
            first.kind != second.kind
            or first.unit != second.unit
            or low >= second.value
        ):
            return None
        return _Classified(
            first.start, second.end, low, first.unit, first.kind, second.end
        ), second.value

    def _in_name(self, text: str, start: int, end: int) -> bool:
        """A capitalised number word inside a title: "the Five Year Forward View"."""
        following = self._capitalised_after_re.match(text, end)
        if not following:
            return False
        if following.group(2):
            return True
        return start > 0 and not re.search(
            r"[.!?:\"“(]\s*\Z|\A\s*\Z", text[max(0, start - 3) : start]
        )

    def _count_allowed(
        self, text: str, number: _Number, classified: _Classified
    ) -> bool:
        start, end = number.start, number.end
        surface = text[start:end]
        if number.words:
            lowered = surface.lower()
            if lowered in ("one", "zero", "nought", "naught", "a", "an"):
                return False
        if end < len(text) and text[end].isalpha():
            return False  # "5G", "180ml", "1cds"
        if start and text[start - 1] in "#£$€":
            return False
        if self._cue_re.search(text, max(0, start - 24), start):
            return False
        if self._identifier_re.search(text, max(0, start - 12), start):
            return False  # "NHS 111", "SCP-173"
        return True

    # ---------------------------------------------------- measure, period
    def _finish(
        self, text: str, found: _Classified, *, value_max: float | None = None
    ) -> Figure:
        start = found.start
        qualifier = None
        q = self._qualifier_re.search(text, max(0, start - 24), start)
        if q:
            qualifier = self._qualifiers[re.sub(r"\s+", " ", q.group("q").lower())]
            if (
                q.group("q").lower() == "over"
                and found.kind == "duration"
                and not self._of_re.match(text, found.end)
            ):
                qualifier = (
                    None  # "£330m over seven years": a preposition, not "more than"
                )
        return Figure(
            start=start,
            end=found.end,
            surface=text[start : found.end],
            value=found.value,
            unit=found.unit,
            figure_kind=found.kind,
            qualifier=qualifier,
            value_max=None if value_max is None else _round(value_max),
            measure=self._measure(text, found),
        )

    def _noun_phrase(self, text: str, position: int) -> str | None:
        words: list[str] = []
        while len(words) < self._measure_words:
            match = self._word_after_re.match(text, position)
            if not match:
                break
            word, trailing = match.group(1), match.group(2)
            lowered = word.lower()
            if lowered in self._stop_words:
                break
            if words and (lowered.endswith("ing") or lowered.endswith("ed")):
                break
            words.append(word.rstrip("'’"))
            position = match.end(1)
            if trailing and not trailing.isalnum():
                break
            if (
                len(word) > 3
                and lowered.endswith("s")
                and not lowered.endswith(("ss", "us", "is"))
            ):
                break
            if word.isupper() and len(word) > 1:
                continue
        if not words:
            return None
        if len(words) == 1 and (
            words[0].lower().endswith("ed") or words[0].lower().endswith("ly")
        ):
            return None
        return " ".join(words)

    def _measure(self, text: str, found: _Classified) -> str | None:
        anchor = found.measure_anchor
        if found.kind in ("count", "ratio"):
            of = self._of_re.match(text, anchor)
            if found.kind == "ratio" and of:
                return self._noun_phrase(text, of.end() - 1)
            if found.kind == "count":
                if text[anchor : anchor + 1] == "+":
                    anchor += 1  # "100+ returns": a hundred or more
                # "92,000 more nurses", "700,000 additional appointments": the noun after the modifier
                while True:
                    modifier = self._word_after_re.match(text, anchor)
                    if (
                        modifier is None
                        or modifier.group(2)
                        or modifier.group(1).lower() not in self._count_modifiers
                    ):
                        break
                    anchor = modifier.end(1)
            return self._noun_phrase(text, anchor)
        of = self._of_re.match(text, anchor)
        if of:
            return self._noun_phrase(text, of.end() - 1)
        before = self._before_of_re.search(text, max(0, found.start - 40), found.start)
        if before:
            words = [w for w in before.groups() if w]
            words = [w for w in words if w.lower() not in self._stop_words]
            if words:
                return words[-1]
        return None

    def _with_context(
        self,
        text: str,
        figure: Figure,
        sentences: list[tuple[int, int]] | None,
        cache: dict[tuple[int, int], list[tuple[int, int, str]]],
    ) -> Figure:
        lo, hi = 0, len(text)
        if sentences:
            for s_start, s_end in sentences:
                if s_start <= figure.start < s_end:
                    lo, hi = s_start, s_end
                    break
        if (lo, hi) not in cache:
            cache[(lo, hi)] = [
                (
                    m.start(),
                    m.end(),
                    self._period_strip_re.sub("", re.sub(r"\s+", " ", m.group(0))),
                )
                for m in self._period_re.finditer(text, lo, hi)
            ]
        best: tuple[int, str] | None = None
        for p_start, p_end, period in cache[(lo, hi)]:
            if p_start < figure.end and figure.start < p_end:
                continue
            distance = (
                figure.start - p_end if p_end <= figure.start else p_start - figure.end
            )
            if best is None or distance < best[0]:
                best = (distance, period)
        if best is None:
            return figure
        return Figure(**{**figure.__dict__, "period": best[1]})


@lru_cache(maxsize=1)
def default_extractor() -> FigureExtractor:
    """The extractor with the shipped patterns, compiled once per process."""
    return FigureExtractor()


class FiguresComponent:
    """spaCy component: writes ``doc.spans["figures"]`` (the figure kind's span group) with ``span._.finding``."""

    def __init__(
        self,
        nlp: Language,
        name: str = "evidence_figures",
        *,
        spans_key: str = FIGURE_GROUP,
    ) -> None:
        self.name = name
        self.spans_key = spans_key
        self.extractor = default_extractor()

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)

        def sentences() -> list[tuple[int, int]]:
            # from arrays: iterating doc.sents costs more than the extraction
            if not doc.has_annotation("SENT_START") or not len(doc):
                return []
            starts = doc.to_array("SENT_START")
            offsets = doc.to_array("IDX")
            firsts = [
                int(offsets[i]) for i in range(len(doc)) if i == 0 or starts[i] == 1
            ]
            return list(zip(firsts, firsts[1:] + [len(text)]))

        spans: list[Span] = []
        state = doc._.context if isinstance(doc._.context, dict) else None
        facts = doc._.passage if isinstance(doc._.passage, dict) else None
        for figure in self.extractor.extract(text, sentences, state, facts):
            span = doc.char_span(
                figure.start, figure.end, label=FIGURE_LABEL, alignment_mode="expand"
            )
            if span is None:
                continue
            fields = figure.fields()
            if (span.start_char, span.end_char) != (figure.start, figure.end):
                fields.update({"_start": figure.start, "_end": figure.end})
            span._.finding = fields
            spans.append(span)
        doc.spans[self.spans_key] = spans
        return doc
