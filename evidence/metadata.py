"""Document metadata: guessed from the text, or given by an inquiry's CSV.

A briefing cites "The Nuffield Trust, written evidence ICS0048, March 2023";
most files never declare that in machine-readable form, so it is read from
the cues a person would use (the "Written evidence submitted by" line, the
press-release boilerplate, the copyright line). The cues live in
``data/metadata_cues.json``. When an inquiry publishes a list of submissions,
``load_metadata_csv`` reads it and its values win over the guesses.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from .errors import MetadataError
from .models import DOC_TYPES, Block, Metadata, RawDocument
from .resources import data_path

__all__ = ["guess_metadata", "load_metadata_csv", "normalise_date", "find_date"]


@dataclass(frozen=True)
class _Rule:
    scopes: tuple[str, ...]
    any_of: tuple[re.Pattern[str], ...]  # one of these must match
    all_of: tuple[re.Pattern[str], ...]  # and each of these somewhere
    value: str | None
    late: bool = False  # an organisation rule tried after the cover's own cues
    body_only: bool = False  # the name must read as a body's, not a person's ("Author: Committee of …")


@dataclass(frozen=True)
class _Cues:
    head_blocks: int
    tail_blocks: int
    doc_types: tuple[_Rule, ...]
    orgs: tuple[_Rule, ...]
    org_stop: frozenset[str]
    notes_heading: re.Pattern[str]
    label_date: re.Pattern[str]  # a label at a block's start or after a separator
    label_date_anywhere: re.Pattern[str]  # a label of two or more words, anywhere
    label_rank: dict[str, int]  # label -> preference, 0 best
    org_words: frozenset[str]
    day_month_year: re.Pattern[str]
    month_day_year: re.Pattern[str]
    month_year: re.Pattern[str]
    numeric: re.Pattern[str]
    iso: re.Pattern[str]
    session: re.Pattern[str]
    months: dict[str, int]
    years: tuple[int, int]
    separators: tuple[str, ...]
    junk_title: re.Pattern[str]
    refs: tuple[re.Pattern[str], ...]
    any_ref: re.Pattern[str]  # all of refs at once, to skip lines that hold none
    byline: re.Pattern[str]
    date_head_blocks: int
    date_segment_words: int
    front_pages: int
    front_max_blocks: int
    front_blocks: int
    front_chars: int
    cue_chars: int
    max_title_words: int
    max_run_words: int
    not_title: re.Pattern[str]
    sentence_starts: frozenset[str]
    title_strip: re.Pattern[str]
    software: re.Pattern[str]
    presented_by: re.Pattern[str]
    ministers: tuple[tuple[re.Pattern[str], str], ...]
    department_line: re.Pattern[str]
    committee_line: re.Pattern[str]
    house_papers: re.Pattern[str]
    house_line: re.Pattern[str]
    org_intro: re.Pattern[str]
    genre_words: re.Pattern[str]
    org_heads: frozenset[str]
    generic_government: frozenset[str]
    ref_publishers: tuple[tuple[re.Pattern[str], str], ...]
    title_label: re.Pattern[str]
    site_tail: re.Pattern[str]
    response_title: re.Pattern[str]
    press_lede: re.Pattern[str]
    report_min_pages: int
    author_line: re.Pattern[str]
    named_blocks: int
    named_min: int
    evidence_title: re.Pattern[str]
    other_genres: re.Pattern[str]


def _compile(pattern: str, case: bool, flags: int = 0) -> re.Pattern[str]:
    return re.compile(pattern, flags | (0 if case else re.IGNORECASE))


@lru_cache(maxsize=1)
def _cues() -> _Cues:
    with data_path("metadata_cues.json").open(encoding="utf-8") as handle:
        raw: dict[str, Any] = json.load(handle)
    doc_types = tuple(
        _Rule(
            tuple(rule["scope"]),
            # One pass over a scope's texts joined by line breaks: the rule's
            # alternatives as one pattern, ^ and $ at each text's ends.
            (
                _compile(
                    "|".join(f"(?:{p})" for p in rule["any"]),
                    rule.get("case", False),
                    re.MULTILINE,
                ),
            ),
            tuple(
                _compile(p, rule.get("case", False), re.MULTILINE)
                for p in rule.get("all", ())
            ),
            rule["doc_type"],
        )
        for rule in raw["doc_types"]
    )
    orgs = tuple(
        _Rule(
            tuple(rule["scope"]),
            (_compile(rule["pattern"], rule.get("case", False)),),
            (),
            rule.get("org"),
            bool(rule.get("late")),
            bool(rule.get("body_only")),
        )
        for rule in raw["orgs"]
    )
    months = {name: int(number) for name, number in raw["months"].items()}
    month = "(?P<month>" + "|".join(sorted(months, key=len, reverse=True)) + r")\.?"
    anchored = r"(?:^|[\u00b7|\u2022(\u2013\u2014.;]\s*)"
    # "Published: 3 March", "issued on 3 March", "has today (3 March 2023) announced"
    tail = r"\b(?:\s+on)?\s*[:\-\u2013(]?\s*(?P<rest>.{4,40})"
    labels = sorted(raw["date_labels"], key=len, reverse=True)
    any_label = "|".join(re.escape(label) for label in labels)
    long_label = "|".join(re.escape(label) for label in labels if " " in label)
    return _Cues(
        head_blocks=int(raw["head_blocks"]),
        tail_blocks=int(raw["tail_blocks"]),
        doc_types=doc_types,
        orgs=orgs,
        org_stop=frozenset(raw["org_stop"]),
        notes_heading=re.compile(raw["notes_heading"], re.IGNORECASE),
        label_date=re.compile(f"{anchored}(?P<label>{any_label}){tail}", re.IGNORECASE),
        label_date_anywhere=re.compile(
            rf"\b(?P<label>{long_label}){tail}", re.IGNORECASE
        ),
        label_rank={
            label.lower(): rank for rank, label in enumerate(raw["date_labels"])
        },
        org_words=frozenset(raw["org_words"]),
        day_month_year=re.compile(
            rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{month}\s*,?\s+(?P<year>\d{{4}})\b",
            re.IGNORECASE,
        ),
        month_day_year=re.compile(
            rf"\b{month}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})\b",
            re.IGNORECASE,
        ),
        month_year=re.compile(rf"\b{month}\s+(?P<year>\d{{4}})\b", re.IGNORECASE),
        numeric=re.compile(
            r"\b(?P<day>\d{1,2})[/.](?P<month>\d{1,2})[/.](?P<year>\d{4})\b"
        ),
        iso=re.compile(
            r"\b(?P<year>\d{4})-(?P<month>\d{2})(?:-(?P<day>\d{2}))?(?=\b|T)"
        ),
        session=re.compile(
            r"(?:\(HC\s+\d{1,4},?\s+|\bsession\s+)(?P<year>\d{4})\s*[-\u2013/]\s*(?P<end>\d{2}|\d{4})\b",
            re.IGNORECASE,
        ),
        months=months,
        years=(int(raw["year_range"][0]), int(raw["year_range"][1])),
        separators=tuple(raw["title_separators"]),
        junk_title=re.compile(raw["junk_titles"], re.IGNORECASE),
        refs=tuple(re.compile(p) for p in raw["ref_patterns"]),
        any_ref=re.compile(
            "|".join(
                "(?:" + p.replace("?P<ref>", "") + ")" for p in raw["ref_patterns"]
            )
        ),
        byline=re.compile(raw["byline"]),
        date_head_blocks=int(raw["date_head_blocks"]),
        date_segment_words=int(raw["date_segment_words"]),
        front_pages=int(raw["front_pages"]),
        front_max_blocks=int(raw["front_max_blocks"]),
        front_blocks=int(raw["front_blocks"]),
        front_chars=int(raw["front_chars"]),
        cue_chars=int(raw["cue_chars"]),
        max_title_words=int(raw["max_title_words"]),
        max_run_words=int(raw["max_run_words"]),
        not_title=re.compile(
            "(?:" + "|".join(f"(?:{p})" for p in raw["not_title_lines"]) + ")",
            re.IGNORECASE,
        ),
        sentence_starts=frozenset(raw["sentence_starts"]),
        title_strip=re.compile(raw["title_strip"], re.IGNORECASE),
        software=re.compile(raw["software"], re.IGNORECASE),
        presented_by=re.compile(raw["presented_by"], re.IGNORECASE),
        ministers=tuple(
            (re.compile(m["pattern"], re.IGNORECASE), m["org"])
            for m in raw["ministers"]
        ),
        department_line=re.compile(raw["department_line"], re.IGNORECASE),
        committee_line=re.compile(raw["committee_line"], re.IGNORECASE),
        house_papers=re.compile(raw["house_papers"]),
        house_line=re.compile(raw["house_line"], re.MULTILINE),
        org_intro=re.compile(raw["org_intro"]),
        genre_words=re.compile(raw["genre_words"], re.IGNORECASE),
        org_heads=frozenset(raw["org_heads"]),
        generic_government=frozenset(raw["generic_government"]),
        ref_publishers=tuple(
            (re.compile(m["pattern"]), m["org"]) for m in raw["ref_publishers"]
        ),
        title_label=re.compile(raw["title_label"], re.IGNORECASE),
        site_tail=re.compile(raw["site_tail"]),
        response_title=re.compile(raw["response_title"], re.IGNORECASE),
        press_lede=re.compile(raw["press_lede"]),
        report_min_pages=int(raw["report_min_pages"]),
        author_line=re.compile(raw["author_line"]),
        named_blocks=int(raw["named_blocks"]),
        named_min=int(raw["named_min"]),
        evidence_title=re.compile(raw["evidence_title"], re.IGNORECASE),
        other_genres=re.compile(raw["other_genres"], re.IGNORECASE),
    )


# ---------------------------------------------------------------- dates


def _iso(year: int, month: int | None = None, day: int | None = None) -> str | None:
    low, high = _cues().years
    if not low <= year <= high:
        return None
    if month is None:
        return f"{year:04d}"
    if not 1 <= month <= 12:
        return None
    if day is None:
        return f"{year:04d}-{month:02d}"
    try:
        dt.date(year, month, day)
    except ValueError:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def _full_date(text: str) -> str | None:
    """The first day-precision date in ``text``, any common English form."""
    cues = _cues()
    found: list[tuple[int, str]] = []
    for pattern in (cues.day_month_year, cues.month_day_year):
        match = pattern.search(text)
        if match:
            value = _iso(
                int(match["year"]),
                cues.months[match["month"].lower()],
                int(match["day"]),
            )
            if value:
                found.append((match.start(), value))
    match = cues.iso.search(text)
    if match and match["day"]:
        value = _iso(int(match["year"]), int(match["month"]), int(match["day"]))
        if value:
            found.append((match.start(), value))
    match = cues.numeric.search(text)
    if match:  # UK order: day/month/year
        value = _iso(int(match["year"]), int(match["month"]), int(match["day"]))
        if value:
            found.append((match.start(), value))
    return min(found)[1] if found else None


def _month_date(text: str) -> str | None:
    cues = _cues()
    for match in cues.month_year.finditer(text):
        value = _iso(int(match["year"]), cues.months[match["month"].lower()])
        if value:
            return value
    iso = cues.iso.search(text)
    if iso and not iso["day"]:
        return _iso(int(iso["year"]), int(iso["month"]))
    return None


def _session_year(text: str) -> str | None:
    """(HC 1234, 2022-23) -> "2023": most of a session's papers appear in its later year."""
    match = _cues().session.search(text)
    if not match:
        return None
    start, end = int(match["year"]), match["end"]
    year = int(end) if len(end) == 4 else (start // 100) * 100 + int(end)
    if year < start:
        year += 100
    return _iso(year)


def normalise_date(value: str) -> str | None:
    """One date string ("3 March 2023", "2023-03-03T10:00Z", "14/02/2023",
    "March 2023", "2023") as ISO at the precision given, or None."""
    text = value.strip()
    if not text:
        return None
    whole_year = re.fullmatch(r"(\d{4})", text)
    if whole_year:
        return _iso(int(whole_year.group(1)))
    return _full_date(text) or _month_date(text)


def _starts_with_date(text: str) -> bool:
    first = text.split(maxsplit=1)[0].lower().rstrip(".,") if text.strip() else ""
    return first[:1].isdigit() or first in _cues().months


def _overlapping(pattern: re.Pattern[str], text: str) -> Iterable[re.Match[str]]:
    """Every match, also one that starts inside the last ("printed 11 July
    2011 and published 19 July 2011" holds two labelled dates)."""
    position = 0
    while True:
        match = pattern.search(text, position)
        if not match:
            return
        yield match
        position = match.start() + 1


def find_date(
    texts: Iterable[str],
    declared: str | None = None,
    tail: Iterable[str] = (),
    *,
    window: int | None = None,
    declared_last: bool = False,
) -> str | None:
    """The first credible date near the top of a document.

    In order: a labelled date ("Published: 3 March 2023", "Last reviewed 21
    July 2022"), the declared date, then a bare date standing in a short
    line or segment of the first ``window`` blocks (a dateline, not a date
    the text talks about), then a parliamentary session "(HC 1234,
    2022-23)", and last a bare date closing the document ("November 2022"
    under a letter). ``declared_last`` puts the declared date after all the
    text's own (a PDF's CreationDate is when the file was made, not when the
    paper was published).
    """
    head = list(texts)
    cues = _cues()
    window = cues.date_head_blocks if window is None else window
    labelled: list[tuple[int, int, int, str]] = []
    for index, text in enumerate(head):
        patterns = (
            (cues.label_date, cues.label_date_anywhere)
            if index < window
            else (cues.label_date,)
        )
        for pattern in patterns:
            for match in _overlapping(pattern, text):
                rest = match["rest"]
                value = normalise_date(rest) if _starts_with_date(rest) else None
                if value:
                    rank = cues.label_rank[re.sub(r"\s+", " ", match["label"].lower())]
                    labelled.append((rank, index, match.start(), value))
    if labelled:
        return min(labelled)[3]
    if declared and not declared_last:
        value = normalise_date(declared)
        if value:
            return value
    datelines = []
    for text in head[:window]:
        segments = _SEGMENT_SPLIT.split(text)
        for number, segment in enumerate(segments):
            if len(segment.split()) <= cues.date_segment_words:
                datelines.append(segment)
            elif number and _starts_with_date(segment):
                # "Long read · The Fund · 3 July 2024 When the ...": a label
                # line run into the paragraph after it.
                datelines.append(" ".join(segment.split()[: cues.date_segment_words]))
    for finder in (_full_date, _month_date):
        for text in datelines:
            value = finder(text)
            if value:
                return value
    for text in head:
        value = _session_year(text)
        if value:
            return value
    for text in tail:
        if len(text.split()) <= 4:
            value = normalise_date(text)
            if value:
                return value
    if declared and declared_last:
        return normalise_date(declared)
    return None


# ---------------------------------------------------------------- text cues


#: Separators in a page's label line: "Long read · The King's Fund · 3 July 2024".
_SEGMENT_SPLIT = re.compile(r"\s+[\u00b7|\u2022]\s+")
#: Emphasis and escapes a Markdown conversion leaves around cover lines ("*Hello *").
_MARKUP = re.compile(r"\*+|(?<!\w)_+|_+(?!\w)|\\(?=[^\w\s])")
_SPACES = re.compile(r"\s+")
#: Contents lines (dot leaders, unmapped glyphs) and bullets never make a title.
_LEADERS = re.compile(
    r"(?:\.\s?){4,}|\u2026{2,}|\ufffd|[\u2022\u25aa\u25cf\u2023\u276f\u2771\u27a2]"
)
_END_SENTENCE = re.compile(r"[.!?;]$")
_CONTENTS = re.compile(r"(?:table of )?contents", re.IGNORECASE)
_YEAR = re.compile(r"\d{4}")
#: Parts of a label line: "Health and Social Care Committee. Report of Session 2024-25. HC 1138."
_LABEL_PARTS = re.compile(r"(?<=[a-z])\.\s+|\s+[\u00b7|\u2022]\s+")
_DIGIT = re.compile(r"\d")
_WORD = re.compile(r"[A-Za-z][\w'\u2019&-]*")
_JOINERS = frozenset({"and", "of", "for", "the", "&", "on", "in", "to", "with", "at"})


@dataclass(frozen=True)
class _Line:
    """A front-matter block, cleaned of markup."""

    text: str
    page: int | None
    kind: str
    level: int
    size: float = 0.0  # type size in points, 0 when the reader did not measure it


def _clean(text: str) -> str:
    if "*" in text or "_" in text or "\\" in text:
        text = _MARKUP.sub("", text)
    return " ".join(text.split())


def _key(text: str) -> str:
    """Letters and digits only, lower case: how two spellings of a title are compared."""
    return re.sub(r"[^0-9a-z]+", "", text.lower())


def _front(raw: RawDocument) -> tuple[list[_Line], bool]:
    """(the front matter's blocks, whether the file has pages).

    A paged file's cover and title pages hold its title, author, date and
    paper number; elsewhere the first blocks do.
    """
    cues = _cues()
    paged = any(b.page for b in raw.blocks[:5])
    if paged:
        chosen = [
            b
            for b in raw.blocks[: cues.front_max_blocks]
            if b.page and b.page <= cues.front_pages
        ]
    else:
        chosen = raw.blocks[: cues.head_blocks]
    lines = []
    for block in chosen:
        if block.kind in ("footnote", "comment"):
            continue
        # Cover cues sit at a block's start; a long paragraph's tail is body text.
        text = _clean(block.text[: cues.front_chars])
        if text:
            lines.append(_Line(text, block.page, block.kind, block.level, block.size))
    return lines, paged


def _is_date_line(text: str) -> bool:
    """A line that is a date, maybe with a label ("Published 4 November 2025")."""
    if len(text) > 80 or not _YEAR.search(text):
        return False  # a dateline is short, and every date form written out has a four-digit year
    cues = _cues()
    rest = text
    for pattern in (
        cues.day_month_year,
        cues.month_day_year,
        cues.month_year,
        cues.numeric,
        cues.iso,
    ):
        rest = pattern.sub(" ", rest)
    if rest == text:
        return False
    return len(_WORD.findall(rest)) <= 2


def _is_code_line(text: str) -> bool:
    """A reference code or other digits-and-capitals line ("CP 1478", "E03528146 01/26")."""
    if len(text) > 80:
        return False
    cues = _cues()
    for pattern in (
        cues.refs if _DIGIT.search(text) and cues.any_ref.search(text) else ()
    ):
        match = pattern.search(text)
        if (
            match
            and len(_WORD.findall(text[: match.start()] + " " + text[match.end() :]))
            <= 1
        ):
            return True
    return (
        bool(re.search(r"\d", text))
        and not re.search(r"[a-z]", text)
        and len(text.split()) <= 3
    )


@lru_cache(maxsize=4096)
def _rejected(text: str) -> bool:
    """Never a title line: markings, labels, dates, codes, producer strings, contents lines."""
    cues = _cues()
    bare = text.strip(" .:;,-\u2013\u2014|")
    if not bare or not re.search(r"[A-Za-z]{2}", bare):
        return True
    if cues.not_title.fullmatch(bare) or _LEADERS.search(text):
        return True
    if (
        cues.author_line.fullmatch(bare)
        and not _has_head_word(bare)
        and not bare.lower().startswith("the ")
    ):
        return True
    return (
        _is_date_line(bare) or _is_code_line(bare) or bool(cues.junk_title.search(bare))
    )


@lru_cache(maxsize=4096)
def _sentence(text: str) -> bool:
    """Body text rather than a title: long, a full sentence, or opening like one ("We are ...")."""
    cues = _cues()
    words = text.split()
    if len(words) > cues.max_title_words:
        return True
    if re.search(r"[.!;]$", text) and len(words) >= 10:
        return True
    first = words[0].lower().strip("\"'\u201c\u2018(") if words else ""
    return words[0][:1].isupper() and first in cues.sentence_starts and len(words) >= 5


@lru_cache(maxsize=4096)
def _org_only(text: str) -> bool:
    """The line is only a body's name: a letterhead, a committee, a party, a department."""
    cues = _cues()
    bare = text.strip(" .,:;")
    if not bare or ":" in bare or len(bare.split()) > 10:
        return False
    if bare.lower() in cues.generic_government or _in_gazetteer(bare):
        return True
    if re.fullmatch(
        r"[A-Z][A-Z&]{1,7}|[A-Z][A-Z&]{2,5}(?: [A-Z][A-Z&]{2,5}){1,2}", bare
    ):
        return True  # acronyms: "LCH", "TNS BMRB"
    if not _name_shaped(bare):
        return False
    if cues.department_line.fullmatch(bare) or cues.committee_line.fullmatch(bare):
        return True
    return re.sub(r"[^a-z]", "", bare.split()[-1].lower()) in cues.org_heads


@lru_cache(maxsize=4096)
def _in_gazetteer(name: str) -> bool:
    """A body the organisations gazetteer knows ("NHS England")."""
    from .nlp.organisations import fold, gazetteer

    return fold(name) in gazetteer().by_alias


def _tidy_title(text: str) -> str:
    cues = _cues()
    text = cues.site_tail.sub("", cues.title_strip.sub("", _clean(text)))
    return text.strip(" ,;:|\u2013\u2014-")


def _runs(lines: list[_Line], paged: bool) -> list[list[_Line]]:
    """Consecutive title-like lines, joined as the layout broke them.

    A paged cover breaks a title over several lines ("Government response
    to" / "the House of Lords UK" / ...); a run ends at a line that cannot be
    part of a title, at a page break or after a full stop. In a structured
    file a heading stands alone.
    """
    runs: list[list[_Line]] = []
    current: list[_Line] = []
    contents_page: int | None = None
    for index, line in enumerate(lines):
        following = lines[index + 1] if index + 1 < len(lines) else None
        if paged and _CONTENTS.fullmatch(line.text.strip()):
            contents_page = line.page  # the rest of a contents page lists sections
        breaks = (
            line.kind in ("table_row", "list_item")
            or _sentence(line.text)
            or _rejected(line.text)
        )
        breaks = breaks or (contents_page is not None and line.page == contents_page)
        breaks = breaks or _paper_number(line.text)
        if not breaks and _org_only(line.text):
            # A letterhead stands apart unless the title runs through it:
            # "UK Government" / "Response to the ...", "Government response to the" / "X Committee" / "report".
            before = current[-1].text if current else ""
            breaks = not (
                _breaks_off(before)
                or (following is not None and _continues(following.text))
            )
        if breaks:
            if current:
                runs.append(current)
            current = []
            continue
        if current:
            previous = current[-1]
            apart = (
                previous.page != line.page
                or bool(_END_SENTENCE.search(previous.text))
                or _other_size(previous, line)
            )
            if not paged:
                apart = apart or previous.kind == "heading" or line.kind == "heading"
            if apart:
                runs.append(current)
                current = []
        current.append(line)
    if current:
        runs.append(current)
    limit = _cues().max_run_words
    return [run for run in runs if sum(len(line.text.split()) for line in run) <= limit]


def _other_size(previous: _Line, line: _Line) -> bool:
    """The line is set in another type size than the one before, and neither
    breaks off into the other: a title's run does not carry on into the
    authors, their addresses or a subtitle in smaller type."""
    if previous.size <= 0 or line.size <= 0:
        return False
    ratio = max(previous.size, line.size) / min(previous.size, line.size)
    return ratio > 1.15 and not _breaks_off(previous.text) and not _continues(line.text)


@lru_cache(maxsize=4096)
def _paper_number(text: str) -> bool:
    """The line carries a paper number ("HM Revenue and Customs Research Report
    361"); a submission code in brackets belongs to its title line."""
    cues = _cues()
    for pattern in (
        cues.refs if _DIGIT.search(text) and cues.any_ref.search(text) else ()
    ):
        match = pattern.search(text)
        if match and not text[: match.start("ref")].endswith("("):
            return True
    return False


def _breaks_off(text: str) -> bool:
    """A line that stops mid-phrase ("Government response to the")."""
    words = text.split()
    return bool(words) and (
        words[-1].lower() in _JOINERS or text.endswith((":", ",", "\u2013", "-"))
    )


def _continues(text: str) -> bool:
    """A line that carries on from the one before ("response to ...", "Manifesto 2024")."""
    return text[:1].islower() or bool(_cues().genre_words.match(text))


def _run_text(run: list[_Line]) -> str:
    return _SPACES.sub(" ", " ".join(line.text for line in run)).strip()


def _good_title(text: str) -> bool:
    return (
        bool(text)
        and not _rejected(text)
        and not _org_only(text)
        and not _sentence(text)
    )


def _incomplete(text: str) -> bool:
    """A prominent fragment that needs its neighbours: an org's name, a bare
    genre ("Manifesto 2024") or a line that breaks off ("Government response to")."""
    rest = re.sub(
        r"\b(?:the|an?|\d[\d/-]*)\b",
        " ",
        _cues().genre_words.sub(" ", text),
        flags=re.IGNORECASE,
    )
    if _org_only(text) or not rest.strip(" ,:;-\u2013"):
        return True
    return _breaks_off(text)


def _from_prominent(prominent: list[str], runs: list[list[_Line]]) -> str | None:
    """The most prominent text that can be a title, widened to its cover run
    when it is only part of one."""
    keys = [_key(text) for text in prominent]
    # The title is on the cover: prominent text found in the first cover
    # page's runs is tried before larger type further in (a chapter heading).
    cover = next(
        (run[0].page for run in runs if _good_title(_tidy_title(_run_text(run)))), None
    )
    on_cover = [
        text
        for text in prominent
        if cover is not None
        and any(
            _key(text) and _key(text) in _key(_run_text(run))
            for run in runs
            if run[0].page == cover
        )
    ]
    found = _prominent_title(on_cover, runs, keys) if on_cover else None
    return found or _prominent_title(prominent, runs, keys)


def _prominent_title(
    prominent: list[str], runs: list[list[_Line]], keys: list[str]
) -> str | None:
    """The first of ``prominent`` that makes a title, or its cover run."""
    for text in prominent:
        candidate = _tidy_title(_split_site(_clean(text), None)[0])
        if not candidate or _rejected(candidate) or _sentence(candidate):
            continue
        key = _key(candidate)
        containing = [run for run in runs if key and key in _key(_run_text(run))]
        if containing:
            whole = _tidy_title(_run_text(containing[0]))
            if _widen(
                candidate, whole, sum(1 for k in keys if k and k in _key(whole))
            ) and _good_title(whole):
                return whole
        if _good_title(candidate):
            return candidate
    return None


def _widen(candidate: str, whole: str, prominent_parts: int) -> bool:
    """Whether the cover run, not the prominent fragment alone, is the title:
    several prominent parts lie in it, the fragment is incomplete, the run is
    little longer, or the fragment sits mid-phrase."""
    if prominent_parts >= 2 or _incomplete(candidate):
        return True
    if len(whole.split()) <= 1.6 * len(candidate.split()) + 1:
        return True
    at = whole.lower().find(candidate.lower())
    if at < 0:
        return False
    before, after = whole[:at].strip(), whole[at + len(candidate) :].strip()
    return (
        (bool(before) and _breaks_off(before))
        or after[:1].islower()
        or candidate[:1].islower()
    )


def _agrees(declared: str, lines: list[_Line]) -> bool:
    """The declared title is printed on the front pages (allowing line breaks)."""
    key = _key(declared)
    return len(key) >= 6 and key in _key(" ".join(line.text for line in lines))


def _declared_title(raw: RawDocument) -> tuple[str | None, str | None]:
    """(the declared title if it is a title at all, the site name split off it)."""
    declared = raw.declared.title
    if (
        not declared
        or not sensible_title(declared)
        or _cues().software.search(declared)
    ):
        return None, None
    title, site = _split_site(_clean(declared), raw.declared.org)
    return title, site


def _title(
    raw: RawDocument, path: Path, lines: list[_Line], paged: bool
) -> tuple[str | None, str | None]:
    """(title, site name split off a declared title).

    In order: a labelled title ("Paper title: ...") or a submission's
    "Written evidence submitted by X" line; the most prominent text
    the reader found; a declared title the front pages print (a PDF's Info
    title is often a template's or a file name; an HTML <title> is trusted);
    the first title-like run of cover lines, page by page; the declared
    title whatever it says; the file name.
    """
    declared, site = _declared_title(raw)
    signed = next(
        (i for i, line in enumerate(lines) if _SIGN_OFF.match(line.text)), None
    )
    if signed is not None:
        lines = lines[:signed]  # the signature under "Yours sincerely," is no title
    cover_pages = (
        sorted({line.page for line in lines if line.page}) if paged else [None]
    )
    runs = _runs(lines if paged else lines[: _cues().front_blocks], paged)
    for line in lines[: _cues().front_blocks]:
        labelled = _cues().title_label.match(line.text)
        if labelled and _good_title(_tidy_title(labelled["title"])):
            return _tidy_title(labelled["title"]), site
        if (
            _cues().evidence_title.match(line.text)
            and len(line.text.split()) <= _cues().max_title_words
        ):
            return line.text, site
    if raw.prominent:
        found = _from_prominent(raw.prominent, runs)
        if found:
            return found, site
    if declared and (raw.format == "html" or _agrees(declared, lines)):
        return declared, site
    for page in cover_pages:
        for run in runs:
            if run[0].page != page:
                continue
            text = _tidy_title(_run_text(run))
            if _good_title(text):
                return text, site
    if declared:
        return declared, site
    stem = re.sub(r"[_\s]+", " ", path.stem).strip()
    return stem or None, site


def _scoped(
    blocks: list[Block], lines: list[_Line], titles: list[str]
) -> dict[str, list[str]]:
    """Block texts by the scope names the cue rules use."""
    cues = _cues()
    tail = blocks[-cues.tail_blocks :] if len(blocks) > cues.head_blocks else []
    after_notes: list[str] = []
    for index, block in enumerate(blocks):
        if len(block.text) <= 40 and cues.notes_heading.search(block.text):
            after_notes = [
                b.text for b in blocks[index + 1 : index + 1 + cues.tail_blocks]
            ]
            break
    head = [line.text for line in lines]
    return {
        "title": titles,
        "head": head,
        "tail": [_clean(b.text) for b in tail],
        "labels": [
            segment
            for text in head[: cues.head_blocks]
            for segment in _SEGMENT_SPLIT.split(text)
            if len(segment.split()) <= 5
        ],
        "after_notes": after_notes,
    }


def _texts(scoped: dict[str, list[str]], scopes: Iterable[str]) -> list[str]:
    out: list[str] = []
    for scope in scopes:
        out.extend(scoped[scope])
    return out


def _government_body(org: str | None) -> bool:
    if not org:
        return False
    cues = _cues()
    return org.lower() in cues.generic_government or bool(
        cues.department_line.fullmatch(org)
    )


def _doc_type(scoped: dict[str, list[str]]) -> str:
    cues = _cues()
    joined: dict[tuple[str, ...], str] = {}
    for rule in cues.doc_types:
        if rule.scopes not in joined:
            # A type cue opens a block: each text's first line is read.
            joined[rule.scopes] = "\n".join(
                t[: cues.cue_chars].replace("\n", " ")
                for t in _texts(scoped, rule.scopes)
            )
        text = joined[rule.scopes]
        if any(p.search(text) for p in rule.any_of) and all(
            p.search(text) for p in rule.all_of
        ):
            return rule.value or "other"
    return "other"


_TERMINAL = re.compile(r"[.?!:]$")
_ORG_TAIL = re.compile(
    r"\s*\((?:[A-Z]{2,6}\d{4,6}|[^)]*\d{4}[^)]*)\)\s*$|[\s.,;:\u2013\u2014-]+$"
    # a login after a dash, as a file's Author field may carry it: "Copyright Office - jmf"
    r"|\s+[-\u2013]\s+[a-z]{2,10}\d{0,4}\s*$"
)


def clean_org(name: str) -> str | None:
    """An organisation name as written, without reference codes, trailing
    punctuation, pronouns, producer software or paper numbers."""
    text = _clean(name)
    previous = None
    while previous != text:
        previous = text
        text = _ORG_TAIL.sub("", text).strip()
    text = re.sub(r"\s+", " ", text)
    cues = _cues()
    if (
        not text
        or len(text) > 120
        or len(text.split()) > 14
        or text.lower() in cues.org_stop
    ):
        return None
    if (
        cues.software.search(text)
        or _is_code_line(text)
        or not re.search(r"[A-Za-z]{2}", text)
    ):
        return None
    return text


def _declared_author(name: str) -> bool:
    """A file's Author field can name a body; a login ("JOHNSCA", "jbloggs",
    "SE:W:CAR") or a tool cannot. One word counts only as a short acronym or
    a body the gazetteer knows."""
    text = clean_org(name)
    if not text:
        return False
    return " " in text or _one_word_body(text)


def _one_word_body(text: str) -> bool:
    """A single word names a body only as a short acronym or a name the
    gazetteer knows: "NICE", "Ofsted"; not "AGENDA" or a login."""
    return bool(re.fullmatch(r"[A-Z]{2,5}", text)) or _in_gazetteer(text)


def _bylines(texts: Iterable[str]) -> set[str]:
    names = set()
    for text in texts:
        match = _cues().byline.match(text)
        if match:
            names.add(match["name"].lower())
    return names


def _rule_orgs(scoped: dict[str, list[str]], late: bool) -> Iterable[str]:
    for rule in _cues().orgs:
        if rule.late != late:
            continue
        for text in _texts(scoped, rule.scopes):
            match = rule.any_of[0].search(text)
            if not match:
                continue
            if rule.value:
                yield rule.value
                continue
            # "submitted by the Royal College of Nursing": a lower-case article is not part of the name.
            org = clean_org(re.sub(r"^the\s+", "", match["org"]))
            if org and org[0].isupper() and (not rule.body_only or _has_org_word(org)):
                yield org


def _minister_org(front_text: str) -> str | None:
    """ "Presented to Parliament by the Secretary of State for Work and
    Pensions" -> "Department for Work and Pensions"."""
    cues = _cues()
    match = cues.presented_by.search(front_text)
    if not match:
        return None
    minister = re.sub(r"\s+", " ", match["minister"]).strip(" ,.")
    for pattern, org in cues.ministers:
        found = pattern.search(minister)
        if found:
            remit = found.groupdict().get("remit")
            return org.format(remit=remit.strip(" ,")) if remit else org
    return None


def _committee_org(lines: list[_Line]) -> str | None:
    """A Parliamentary committee named on the cover of its report."""
    cues = _cues()
    joined = "\n".join(line.text for line in lines)
    papers = {
        key
        for match in cues.house_papers.finditer(joined)
        for key, value in match.groupdict().items()
        if value
    }
    houses = {match["house"].lower() for match in cues.house_line.finditer(joined)}
    if not papers and not houses:
        return None
    # A paper number settles the House; else a cover line naming it.
    lords = "lords" in papers or ("commons" not in papers and "lords" in houses)
    segments = (
        segment for line in lines[:40] for segment in _LABEL_PARTS.split(line.text)
    )
    for segment in segments:
        match = cues.committee_line.fullmatch(segment.strip(" .,"))
        if not match:
            continue
        name = re.sub(r"^the\s+", "", match["name"], flags=re.IGNORECASE)
        if not name[:1].isupper():
            continue
        house = (match["house"] or "").lower()
        if house == "house of lords" or (not house and lords):
            return "House of Lords " + name
        return name
    return None


def _title_org(title: str | None) -> str | None:
    """The body a title opens with: "The X Party Manifesto 2024", "XYZ Workforce Strategy"."""
    if not title:
        return None
    cues = _cues()
    genre = cues.genre_words.search(title)
    if not genre or genre.start() == 0:
        return None
    prefix = title[: genre.start()].strip()
    words = prefix.split()
    if (
        not words
        or len(words) > 9
        or not all(w[:1].isupper() or w.lower() in _JOINERS for w in words)
    ):
        return None
    if re.fullmatch(r"[A-Z][A-Z&]{1,7}", words[0]) and (
        len(words) == 1 or not _org_only(prefix)
    ):
        return words[0]
    if _org_only(prefix):
        return clean_org(prefix)
    return None


def _name_shaped(text: str) -> bool:
    """Every word capitalised but the joiners: "Department for Work and Pensions"."""
    words = text.replace(",", " ").split()
    return bool(words) and all(w[:1].isupper() or w.lower() in _JOINERS for w in words)


def _cover_department(lines: list[_Line]) -> str | None:
    """A government department's name standing alone on the cover."""
    for line in lines[:40]:
        text = line.text.strip(" .,")
        if (
            len(text.split()) <= 10
            and _name_shaped(text)
            and _cues().department_line.fullmatch(text)
        ):
            return clean_org(text)
    return None


def _org_intro(texts: Iterable[str]) -> str | None:
    for text in texts:
        match = _cues().org_intro.match(text)
        if match:
            org = clean_org(match["org"])
            if org and org.split()[0].lower() not in _cues().sentence_starts:
                return org
    return None


def _letterhead(lines: list[_Line]) -> str | None:
    """A body's name heading the first page ("WESTMOOR COUNTY COUNCIL"); a
    row of capitals with no organisation word ("START END") is not one."""
    for line in lines[:12]:
        text = line.text.strip(" .,")
        words = text.split()
        if len(words) > 8 or not _org_only(text) or _TERMINAL.search(line.text):
            continue
        if len(words) > 1 and text.isupper() and not _has_head_word(text):
            continue
        if len(words) == 1 and not _one_word_body(text):
            continue  # "AGENDA", "MINUTES": a word in capitals, not an acronym
        return clean_org(text)
    return None


def _has_head_word(text: str) -> bool:
    return any(
        re.sub(r"[^a-z]", "", w.lower()) in _cues().org_heads for w in text.split()
    )


def _press_lede(texts: Iterable[str]) -> str | None:
    """The body a press release's opening sentence has speaking."""
    for text in texts:
        match = _cues().press_lede.match(text)
        if match and len(text.split()) >= 8:
            org = clean_org(re.sub(r"^the ", "The ", match["org"]))
            if (
                org
                and org.split()[0].lower() not in _cues().sentence_starts
                and not _person_like(org)
            ):
                return org
    return None


def _org_candidates(
    scoped: dict[str, list[str]],
    lines: list[_Line],
    title: str | None,
    declared: str | None,
    site: str | None,
    ref: str | None,
    press_release: bool = False,
    opening: list[str] | None = None,
) -> Iterable[str | None]:
    """Candidate authors, best cue first."""
    front_text = " ".join(scoped["head"])
    yield _minister_org(front_text)
    yield _cover_department(lines)
    yield _committee_org(lines)
    yield _org_intro(scoped["head"])
    yield _title_org(title)
    yield from _rule_orgs(scoped, late=True)
    if press_release:
        yield _press_lede(scoped["head"])
    for text in scoped["head"][: _cues().date_head_blocks]:
        segments = _SEGMENT_SPLIT.split(text)
        if len(segments) < 2:
            continue
        for segment in segments:
            words = segment.split()
            plain = len(words) <= 6 and "," not in segment and _has_org_word(segment)
            # "Department for Business, Energy and Industrial Strategy": commas inside a name.
            named = (
                len(words) <= 10 and _name_shaped(segment) and _has_head_word(segment)
            )
            if plain or named:
                yield clean_org(segment)
    bylines = _bylines(scoped["head"])
    if declared and declared.lower() not in bylines and _has_org_word(declared):
        yield clean_org(declared)
    yield _letterhead(lines)
    if site:
        yield clean_org(site)
    if (
        declared
        and declared.lower() not in bylines
        and not _person_like(declared)
        and " " in declared.strip()
    ):
        yield clean_org(declared)
    if ref:
        for pattern, org in _cues().ref_publishers:
            if pattern.search(ref):
                yield org
    yield _most_named(opening or [])


def _most_named(texts: list[str]) -> str | None:
    """The one body the opening names most often, if it stands out."""
    from collections import Counter

    from .nlp.organisations import orgs_in_text

    cues = _cues()
    counts = Counter(
        name
        for text in texts
        for name in orgs_in_text(text)
        if name[:1].isupper() and name.lower() not in cues.generic_government
    )
    ranked = counts.most_common(2)
    if (
        not ranked
        or ranked[0][1] < cues.named_min
        or (len(ranked) > 1 and ranked[1][1] == ranked[0][1])
    ):
        return None
    return ranked[0][0]


def _org(
    scoped: dict[str, list[str]],
    lines: list[_Line],
    title: str | None,
    declared: str | None,
    site: str | None,
    ref: str | None,
    press_release: bool = False,
    opening: list[str] | None = None,
    response: bool = False,
) -> str | None:
    """The first candidate that names one body; a bare "Government" or
    "House of Lords" only when nothing more specific is found.

    In a response, the body it answers ("Government response to the X
    Committee report") is the addressee, never the author.
    """
    # The submitter a submission names is its author, however general the name.
    for named in _rule_orgs(scoped, late=False):
        return named
    generic = _cues().generic_government
    answered = _answered_part(title) if response else ""
    # "Dear Committee," names who a letter is to, never who wrote it
    addressed = {
        _key(match["name"])
        for match in (_SALUTATION.match(text) for text in scoped["head"])
        if match is not None
    }
    fallback = None
    for candidate in _org_candidates(
        scoped, lines, title, declared, site, ref, press_release, opening
    ):
        if (
            not candidate
            or (answered and _key(candidate) in answered)
            or _SALUTATION.match(candidate + ",")
            or _key(candidate) in addressed
        ):
            continue
        if candidate.lower() in generic:
            fallback = fallback or candidate
            continue
        return candidate
    return fallback


_SIGN_OFF = re.compile(
    r"\s*(?i:yours\s+(?:sincerely|faithfully|truly)|kind\s+regards|best\s+wishes)\b"
)
_SALUTATION = re.compile(r"\s*Dear\s+(?P<name>[^,:;.\n]{2,80}?)\s*[,:;\n]")


def _answered_part(title: str | None) -> str:
    """The part of a response's title after "response to" (as a key), where the answered body is named."""
    if not title:
        return ""
    _, found, after = title.lower().partition("response to")
    return _key(after) if found else ""


def _has_org_word(name: str) -> bool:
    words = re.findall(r"[A-Za-z]+", name.lower())
    org_words = _cues().org_words
    return any(word in org_words for word in words) or any(
        len(w) >= 2 and w.isupper() for w in name.split()
    )


#: A qualifier a file's Author field adds after a person: "(DHSC)", "- CO", ", HMT".
_AUTHOR_QUALIFIER = re.compile(r"\s*(?:\([^()]{1,40}\)|[-\u2013,]\s*[A-Z]{2,6})\s*$")


def _person_like(name: str) -> bool:
    """Two to four capitalised words and no organisation word: "Daniel Okafor",
    also as a directory writes it ("OKAFOR, Daniel", "Daniel Okafor (DHSC)")."""
    bare = _AUTHOR_QUALIFIER.sub("", name).strip()
    surname, comma, given = bare.partition(",")
    if comma and len(surname.split()) == 1 and 1 <= len(given.split()) <= 3:
        bare = f"{given.strip()} {surname.strip().title()}"
    words = bare.split()
    return (
        2 <= len(words) <= 4
        and all(w[:1].isupper() for w in words)
        and not _has_org_word(bare)
    )


def _ref(texts: Iterable[str], path: Path) -> str | None:
    stem = path.stem
    if re.fullmatch(r"[A-Z]{2,6}\d{4,6}", stem):
        return stem
    cues = _cues()
    lines = [text[: cues.cue_chars] for text in texts]
    lines = [
        text for text in lines if _DIGIT.search(text) and cues.any_ref.search(text)
    ]
    for pattern in cues.refs:
        for text in lines:
            match = pattern.search(text)
            if match:
                return match["ref"]
    return None


def _split_site(title: str, org: str | None) -> tuple[str, str | None]:
    """ "Workforce plan | NHS Confederation" -> ("Workforce plan", "NHS Confederation").

    After "|" any short tail is a site name; after a dash only the known org
    or a short Title Case name, so "Workforce - the crisis" keeps its tail.
    """
    for separator in _cues().separators:
        if separator not in title:
            continue
        head, _, tail = title.rpartition(separator)
        head, tail = head.strip(), tail.strip()
        words = tail.split()
        if len(head.split()) < 2 or not words:
            continue
        if separator.strip() in ("|", "::") and len(words) <= 6:
            return _split_site(head, org)[0], tail
        if org and tail.lower() == org.lower():
            return head, tail
        if (
            len(words) <= 4
            and len(head.split()) >= 4
            and all(w[0].isupper() for w in words)
        ):
            return head, tail
    return title, None


def sensible_title(title: str | None) -> bool:
    """Not a file name, a word-processor default or a single token."""
    if not title:
        return False
    text = title.strip()
    return len(text) >= 4 and " " in text and not _cues().junk_title.search(text)


def guess_metadata(raw: RawDocument, path: Path) -> Metadata:
    """Title, organisation, type, date and reference guessed from the document."""
    declared = raw.declared
    lines, paged = _front(raw)
    title, site = _title(raw, path, lines, paged)
    # The declared title is matched too: "Written evidence submitted by X"
    # may be only there.
    titles = list(dict.fromkeys(t for t in (title, declared.title) if t))
    scoped = _scoped(raw.blocks, lines, titles)
    ref = _ref(titles + scoped["head"], path)
    declared_org = (
        declared.org
        if declared.org
        and _declared_author(declared.org)
        and not _person_like(declared.org)
        else None
    )
    opening = [
        b.text
        for b in raw.blocks[: _cues().named_blocks]
        if b.kind not in ("footnote", "comment")
    ]
    doc_type = _doc_type(scoped)
    org = _org(
        scoped,
        lines,
        title,
        declared_org,
        site,
        ref,
        doc_type == "press release",
        opening,
        response=doc_type == "government response",
    )
    raw_tail = [_clean(b.text) for b in raw.blocks[-5:]]
    # Table cells hold the dates the text is about, not the document's own.
    dated = [line.text for line in lines if line.kind != "table_row"] + titles
    window = len(dated) if paged else _cues().date_head_blocks
    untyped = doc_type in ("other", "report")
    if (
        untyped
        and _government_body(org)
        and any(_cues().response_title.search(t) for t in titles)
    ):
        doc_type = "government response"
    elif (
        doc_type == "other"
        and (raw.pages or 0) >= _cues().report_min_pages
        and not _cues().other_genres.search(title or "")
    ):
        doc_type = "report"
    return Metadata(
        title=title,
        org=org,
        doc_type=doc_type,
        date=find_date(
            dated,
            declared.date,
            raw_tail,
            window=window,
            declared_last=raw.format == "pdf",
        ),
        ref=ref,
    )


# ---------------------------------------------------------------- CSV


_COLUMNS: dict[str, tuple[str, ...]] = {
    "file": ("file", "filename", "file name", "path", "file path"),
    "title": ("title", "document title"),
    "org": (
        "org",
        "organisation",
        "organization",
        "author",
        "submitter",
        "submitted by",
    ),
    "doc_type": ("type", "doc_type", "doc type", "document type"),
    "date": ("date", "published", "date published"),
    "ref": ("ref", "reference", "code", "reference code"),
}


def _decode_csv(data: bytes, path: Path) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise MetadataError(f"{path.name}: broken UTF-16 text") from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise MetadataError(
            f"{path.name} line {line}: not UTF-8 text",
            hint="save the spreadsheet as 'CSV UTF-8' and try again",
        ) from exc


@dataclass
class MetadataSheet:
    """An inquiry's list of submissions, read as far as it can be.

    ``rows`` maps each file name as written (slashes forward) to what the
    row gives; ``lines`` gives each name's line, for messages; ``problems``
    are one-line reports of what was passed over ("line 7: date 'Spring
    2023' not understood"), each naming the sheet and its line, so one bad
    cell costs that cell, not the whole list.
    """

    name: str
    rows: dict[str, Metadata]
    lines: dict[str, int]
    problems: list[str]


def _header_map(
    header: list[str], path: Path, delimiter: str
) -> tuple[dict[str, int], list[str]]:
    """(field -> column index, names of columns that are not used)."""
    wanted = {alias: field for field, aliases in _COLUMNS.items() for alias in aliases}
    mapping: dict[str, int] = {}
    unused: list[str] = []
    for index, name in enumerate(header):
        key = re.sub(r"\s+", " ", name.strip().lower().replace("_", " "))
        field_name = wanted.get(key) or wanted.get(name.strip().lower())
        if field_name and field_name not in mapping:
            mapping[field_name] = index
        elif name.strip():
            unused.append(name.strip())
    if "file" not in mapping:
        found = ", ".join(h.strip() for h in header) or "nothing"
        hint = "name the column that holds each file's name 'file'"
        if len(header) == 1:
            others = [d for d in ",;\t|" if d != delimiter and d in header[0]]
            if others:
                shown = "a tab" if others[0] == "\t" else repr(others[0])
                hint = f"the columns seem to be separated by {shown}: save the sheet as CSV with commas"
        raise MetadataError(
            f"{path.name} line 1: no file column (found: {found})", hint=hint
        )
    return mapping, unused


def _doc_type_value(value: str) -> str | None:
    key = re.sub(r"[\s_-]+", " ", value.strip().lower())
    return key if key in DOC_TYPES else None


def _cell(row: list[str], columns: dict[str, int], name: str) -> str | None:
    index = columns.get(name)
    if index is None or index >= len(row):
        return None
    return row[index].strip() or None


def load_metadata_csv(path: Path) -> MetadataSheet:
    """Read an inquiry's list of submissions (file, title, org, type, date, ref).

    A sheet that cannot be read at all (no file column, not text, broken
    quoting) raises MetadataError; a bad cell, a repeated or empty file
    cell and an unused column are reported in ``problems`` and the rest of
    the sheet still applies.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise MetadataError(
            f"cannot open metadata CSV {path.name}: {exc.strerror or type(exc).__name__}"
        ) from exc
    text = _decode_csv(data, path)
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    sheet = MetadataSheet(name=path.name, rows={}, lines={}, problems=[])
    try:
        header = next(rows, None)
        if header is None or not any(cell.strip() for cell in header):
            raise MetadataError(
                f"{path.name} line 1: empty file, no header row",
                hint="add a header row: file,title,org,type,date,ref",
            )
        columns, unused = _header_map(header, path, delimiter)
        _fill(sheet, columns, unused, ((rows.line_num, row) for row in rows))
    except csv.Error as exc:
        raise MetadataError(
            f"{path.name} line {rows.line_num}: {exc}",
            hint="check the quoting on that line",
        ) from exc
    return sheet


def _fill(
    sheet: MetadataSheet,
    columns: dict[str, int],
    unused: list[str],
    rows: Iterable[tuple[int, list[str]]],
) -> None:
    for column in unused:
        sheet.problems.append(
            f"{sheet.name} line 1: column {column!r} is not used (the columns read are file, title, org, type, date, ref)"
        )
    for line, row in rows:
        if any(cell.strip() for cell in row):
            _read_row(row, line, columns, sheet)


def _is_submissions_header(header: list[str]) -> bool:
    """A file column and at least one other column the metadata sheet reads."""
    wanted = {alias: field for field, aliases in _COLUMNS.items() for alias in aliases}
    fields = {
        wanted.get(
            re.sub(r"\s+", " ", str(name or "").strip().lower().replace("_", " "))
        )
        for name in header
    }
    return "file" in fields and len(fields - {"file", None}) >= 1


def read_submissions_sheet(path: Path) -> MetadataSheet | None:
    """An inquiry's list of submissions found among the files (.csv, .xlsx),
    read as metadata; None when the file is not such a list (a table of
    evidence, which is read as a document)."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        try:
            first = path.read_bytes()[:65536]
        except OSError:
            return None
        try:
            head = _decode_csv(first, path)
        except MetadataError:
            return None
        line = head.split("\n", 1)[0]
        delimiter = max((",", ";", "\t"), key=line.count)
        header = next(csv.reader(io.StringIO(line), delimiter=delimiter), [])
        return load_metadata_csv(path) if _is_submissions_header(header) else None
    if suffix == ".xlsx":
        return _xlsx_sheet(path)
    return None


def _xlsx_sheet(path: Path) -> MetadataSheet | None:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception:
        return None
    try:
        visible = [sheet for sheet in book.worksheets if sheet.sheet_state == "visible"]
        if not visible:
            return None
        rows = visible[0].iter_rows(values_only=True)
        header = ["" if v is None else str(v) for v in next(rows, ())]
        if not _is_submissions_header(header):
            return None
        columns, unused = _header_map(header, path, ",")
        sheet = MetadataSheet(name=path.name, rows={}, lines={}, problems=[])
        cells = (
            (number, ["" if v is None else _xlsx_text(v) for v in row])
            for number, row in enumerate(rows, start=2)
        )
        _fill(sheet, columns, unused, cells)
        return sheet
    finally:
        book.close()


def _xlsx_text(value: Any) -> str:
    """A cell as the sheet shows it: a date as a date, a whole number without '.0'."""
    if isinstance(value, dt.datetime):
        return (
            value.date().isoformat()
            if value.time() == dt.time(0)
            else value.isoformat()
        )
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_row(
    row: list[str], line: int, columns: dict[str, int], sheet: MetadataSheet
) -> None:
    where = f"{sheet.name} line {line}"
    name = _cell(row, columns, "file")
    if name is None:
        sheet.problems.append(
            f"{where}: the file cell is empty, so the row is not used"
        )
        return
    name = name.replace("\\", "/")
    if name in sheet.lines:
        sheet.problems.append(
            f"{where}: {name} is already listed on line {sheet.lines[name]}; this row is not used"
        )
        return
    raw_type = _cell(row, columns, "doc_type")
    doc_type = _doc_type_value(raw_type) if raw_type else None
    if raw_type and doc_type is None:
        sheet.problems.append(
            f"{where}: unknown document type {raw_type!r}, left out (use one of: {', '.join(DOC_TYPES)})"
        )
    raw_date = _cell(row, columns, "date")
    date = normalise_date(raw_date) if raw_date else None
    if raw_date and date is None:
        sheet.problems.append(
            f"{where}: date {raw_date!r} not understood, left out (write YYYY-MM-DD, YYYY-MM or YYYY)"
        )
    org = _cell(row, columns, "org")
    sheet.lines[name] = line
    sheet.rows[name] = Metadata(
        title=_cell(row, columns, "title"),
        org=clean_org(org) if org else None,
        doc_type=doc_type,
        date=date,
        ref=_cell(row, columns, "ref"),
    )
