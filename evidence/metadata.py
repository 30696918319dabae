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
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

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
    byline: re.Pattern[str]
    date_head_blocks: int
    date_segment_words: int


def _compile(pattern: str, case: bool) -> re.Pattern[str]:
    return re.compile(pattern, 0 if case else re.IGNORECASE)


@lru_cache(maxsize=1)
def _cues() -> _Cues:
    with data_path("metadata_cues.json").open(encoding="utf-8") as handle:
        raw: dict[str, Any] = json.load(handle)
    doc_types = tuple(
        _Rule(
            tuple(rule["scope"]),
            tuple(_compile(p, rule.get("case", False)) for p in rule["any"]),
            tuple(_compile(p, rule.get("case", False)) for p in rule.get("all", ())),
            rule["doc_type"],
        )
        for rule in raw["doc_types"]
    )
    orgs = tuple(
        _Rule(tuple(rule["scope"]), (_compile(rule["pattern"], rule.get("case", False)),), (), rule.get("org"))
        for rule in raw["orgs"]
    )
    months = {name: int(number) for name, number in raw["months"].items()}
    month = "(?P<month>" + "|".join(sorted(months, key=len, reverse=True)) + r")\.?"
    anchored = r"(?:^|[\u00b7|\u2022(\u2013\u2014.;]\s*)"
    tail = r"\b(?:\s+on)?\s*[:\-\u2013]?\s*(?P<rest>.{4,40})"
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
        label_date_anywhere=re.compile(rf"\b(?P<label>{long_label}){tail}", re.IGNORECASE),
        label_rank={label.lower(): rank for rank, label in enumerate(raw["date_labels"])},
        org_words=frozenset(raw["org_words"]),
        day_month_year=re.compile(rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{month}\s*,?\s+(?P<year>\d{{4}})\b", re.IGNORECASE),
        month_day_year=re.compile(rf"\b{month}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})\b", re.IGNORECASE),
        month_year=re.compile(rf"\b{month}\s+(?P<year>\d{{4}})\b", re.IGNORECASE),
        numeric=re.compile(r"\b(?P<day>\d{1,2})[/.](?P<month>\d{1,2})[/.](?P<year>\d{4})\b"),
        iso=re.compile(r"\b(?P<year>\d{4})-(?P<month>\d{2})(?:-(?P<day>\d{2}))?(?=\b|T)"),
        session=re.compile(r"(?:\(HC\s+\d{1,4},?\s+|\bsession\s+)(?P<year>\d{4})\s*[-\u2013/]\s*(?P<end>\d{2}|\d{4})\b", re.IGNORECASE),
        months=months,
        years=(int(raw["year_range"][0]), int(raw["year_range"][1])),
        separators=tuple(raw["title_separators"]),
        junk_title=re.compile(raw["junk_titles"], re.IGNORECASE),
        refs=tuple(re.compile(p) for p in raw["ref_patterns"]),
        byline=re.compile(raw["byline"]),
        date_head_blocks=int(raw["date_head_blocks"]),
        date_segment_words=int(raw["date_segment_words"]),
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
            value = _iso(int(match["year"]), cues.months[match["month"].lower()], int(match["day"]))
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
    match = cues.iso.search(text)
    if match and not match["day"]:
        return _iso(int(match["year"]), int(match["month"]))
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


def find_date(texts: Iterable[str], declared: str | None = None, tail: Iterable[str] = ()) -> str | None:
    """The first credible date near the top of a document.

    In order: a labelled date ("Published: 3 March 2023", "Last reviewed 21
    July 2022"), the declared date, then a bare date standing in a short
    line or segment of the first few blocks (a dateline, not a date the text
    talks about), then a parliamentary session "(HC 1234, 2022-23)", and
    last a bare date closing the document ("November 2022" under a letter).
    """
    head = list(texts)
    cues = _cues()
    labelled: list[tuple[int, int, int, str]] = []
    for index, text in enumerate(head):
        patterns = (cues.label_date, cues.label_date_anywhere) if index < cues.date_head_blocks else (cues.label_date,)
        for pattern in patterns:
            for match in pattern.finditer(text):
                rest = match["rest"]
                value = normalise_date(rest) if _starts_with_date(rest) else None
                if value:
                    rank = cues.label_rank[re.sub(r"\s+", " ", match["label"].lower())]
                    labelled.append((rank, index, match.start(), value))
    if labelled:
        return min(labelled)[3]
    if declared:
        value = normalise_date(declared)
        if value:
            return value
    datelines = [
        segment
        for text in head[: cues.date_head_blocks]
        for segment in _SEGMENT_SPLIT.split(text)
        if len(segment.split()) <= cues.date_segment_words
    ]
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
    return None


# ---------------------------------------------------------------- text cues


#: Separators in a page's label line: "Long read · The King's Fund · 3 July 2024".
_SEGMENT_SPLIT = re.compile(r"\s+[\u00b7|\u2022]\s+")


def _scoped(blocks: list[Block], title: str | None) -> dict[str, list[str]]:
    """Block texts by the scope names the cue rules use."""
    cues = _cues()
    head = blocks[: cues.head_blocks]
    tail = blocks[-cues.tail_blocks :] if len(blocks) > cues.head_blocks else []
    after_notes: list[str] = []
    for index, block in enumerate(blocks):
        if len(block.text) <= 40 and cues.notes_heading.search(block.text):
            after_notes = [b.text for b in blocks[index + 1 : index + 1 + cues.tail_blocks]]
            break
    return {
        "title": [title] if title else [],
        "head": [b.text for b in head],
        "tail": [b.text for b in tail],
        "labels": [
            segment
            for b in head
            for segment in _SEGMENT_SPLIT.split(b.text)
            if len(segment.split()) <= 5
        ],
        "after_notes": after_notes,
    }


def _texts(scoped: dict[str, list[str]], scopes: Iterable[str]) -> list[str]:
    out: list[str] = []
    for scope in scopes:
        out.extend(scoped[scope])
    return out


def _doc_type(scoped: dict[str, list[str]]) -> str:
    for rule in _cues().doc_types:
        texts = _texts(scoped, rule.scopes)
        if any(p.search(t) for p in rule.any_of for t in texts) and all(
            any(p.search(t) for t in texts) for p in rule.all_of
        ):
            return rule.value or "other"
    return "other"


_TERMINAL = re.compile(r"[.?!:]$")
_ORG_TAIL = re.compile(r"\s*\((?:[A-Z]{2,6}\d{4}|[^)]*\d{4}[^)]*)\)\s*$|[\s.,;:\u2013\u2014-]+$")


def clean_org(name: str) -> str | None:
    """An organisation name as written, without reference codes or trailing punctuation."""
    text = name.strip()
    previous = None
    while previous != text:
        previous = text
        text = _ORG_TAIL.sub("", text).strip()
    text = re.sub(r"\s+", " ", text)
    if not text or len(text) > 120 or len(text.split()) > 14 or text.lower() in _cues().org_stop:
        return None
    return text


def _bylines(texts: Iterable[str]) -> set[str]:
    names = set()
    for text in texts:
        match = _cues().byline.match(text)
        if match:
            names.add(match["name"].lower())
    return names


def _org(scoped: dict[str, list[str]], declared: str | None, site: str | None) -> str | None:
    """Organisation from the text's cues, else the declared author (unless it
    is the byline's journalist), else the site name in the title."""
    for rule in _cues().orgs:
        for text in _texts(scoped, rule.scopes):
            match = rule.any_of[0].search(text)
            if not match:
                continue
            if rule.value:
                return rule.value
            org = clean_org(match["org"])
            if org and org[0].isupper():
                return org
    for text in scoped["head"][: _cues().date_head_blocks]:
        segments = _SEGMENT_SPLIT.split(text)
        if len(segments) < 2:
            continue
        for segment in segments:
            words = segment.split()
            if len(words) <= 6 and "," not in segment and _has_org_word(segment):
                return clean_org(segment)
    if declared and declared.lower() not in _bylines(scoped["head"]) and _has_org_word(declared):
        return clean_org(declared)
    first = scoped["head"][:1]
    if first and len(first[0].split()) <= 6 and _has_org_word(first[0]) and not _TERMINAL.search(first[0]):
        return clean_org(first[0])  # a letterhead: "WESTMOOR COUNTY COUNCIL"
    if site:
        return clean_org(site)
    if declared and declared.lower() not in _bylines(scoped["head"]) and not _person_like(declared):
        return clean_org(declared)
    return None


def _has_org_word(name: str) -> bool:
    words = re.findall(r"[A-Za-z]+", name.lower())
    org_words = _cues().org_words
    return any(word in org_words for word in words) or any(len(w) >= 2 and w.isupper() for w in name.split())


def _person_like(name: str) -> bool:
    """Two to four capitalised words and no organisation word: "Daniel Okafor"."""
    words = name.split()
    return 2 <= len(words) <= 4 and all(w[:1].isupper() for w in words) and not _has_org_word(name)


def _ref(texts: Iterable[str], path: Path) -> str | None:
    stem = path.stem
    if re.fullmatch(r"[A-Z]{2,6}\d{4}", stem):
        return stem
    patterns = _cues().refs
    lines = list(texts)
    for pattern in patterns:
        for text in lines:
            match = pattern.search(text)
            if match:
                return match["ref"]
    return None


def _split_site(title: str, org: str | None) -> tuple[str, str | None]:
    """"Workforce plan | NHS Confederation" -> ("Workforce plan", "NHS Confederation").

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
        if len(words) <= 4 and len(head.split()) >= 4 and all(w[0].isupper() for w in words):
            return head, tail
    return title, None


def sensible_title(title: str | None) -> bool:
    """Not a file name, a word-processor default or a single token."""
    if not title:
        return False
    text = title.strip()
    return len(text) >= 4 and " " in text and not _cues().junk_title.search(text)


def _title(raw: RawDocument, path: Path, skip: str | None = None) -> tuple[str | None, str | None]:
    """(title, site name split off it): declared if sensible, else the first
    heading, else the first short line, else the file name. ``skip`` is a
    letterhead (the organisation's name) that is not the title."""
    declared = raw.declared.title
    if declared and sensible_title(declared):
        return _split_site(declared.strip(), raw.declared.org)
    head = [b for b in raw.blocks[: _cues().head_blocks] if not skip or b.text.lower() != skip.lower()]
    for block in head:
        if block.kind == "heading":
            return _split_site(block.text, raw.declared.org)
    for block in head:
        if len(block.text.split()) <= 15 and len(block.text) <= 150 and block.kind != "table_row":
            return block.text, None
    stem = re.sub(r"[_\s]+", " ", path.stem).strip()
    return stem or None, None


def guess_metadata(raw: RawDocument, path: Path) -> Metadata:
    """Title, organisation, type, date and reference guessed from the document."""
    declared = raw.declared
    title, site = _title(raw, path)
    # The declared title is matched too: "Written evidence submitted by X"
    # may be only there.
    titles = [t for t in (title, declared.title) if t]
    scoped = _scoped(raw.blocks, None)
    scoped["title"] = list(dict.fromkeys(titles))
    head = scoped["title"] + scoped["head"]
    org = _org(scoped, declared.org, site)
    if org and title and title.lower() == org.lower():
        title = _title(raw, path, skip=org)[0]
    raw_tail = [b.text for b in raw.blocks[-5:]]
    # Table cells hold the dates the text is about, not the document's own.
    dated = scoped["title"] + [b.text for b in raw.blocks[: _cues().head_blocks] if b.kind != "table_row"]
    return Metadata(
        title=title,
        org=org,
        doc_type=_doc_type(scoped),
        date=find_date(dated, declared.date, raw_tail),
        ref=_ref(head, path),
    )


# ---------------------------------------------------------------- CSV


_COLUMNS: dict[str, tuple[str, ...]] = {
    "file": ("file", "filename", "file name", "path", "file path"),
    "title": ("title", "document title"),
    "org": ("org", "organisation", "organization", "author", "submitter", "submitted by"),
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


def _header_map(header: list[str], path: Path) -> dict[str, int]:
    wanted = {alias: field for field, aliases in _COLUMNS.items() for alias in aliases}
    mapping: dict[str, int] = {}
    for index, name in enumerate(header):
        key = re.sub(r"\s+", " ", name.strip().lower().replace("_", " "))
        field_name = wanted.get(key) or wanted.get(name.strip().lower())
        if field_name and field_name not in mapping:
            mapping[field_name] = index
    if "file" not in mapping:
        raise MetadataError(
            f"{path.name} line 1: no file column (found: {', '.join(h.strip() for h in header) or 'nothing'})",
            hint="name the column that holds each file's name 'file'",
        )
    return mapping


def _doc_type_value(value: str, line: int, path: Path) -> str:
    key = re.sub(r"[\s_-]+", " ", value.strip().lower())
    if key in DOC_TYPES:
        return key
    raise MetadataError(
        f"{path.name} line {line}: unknown document type {value.strip()!r}",
        hint="use one of: " + ", ".join(DOC_TYPES),
    )


def _cell(row: list[str], columns: dict[str, int], name: str) -> str | None:
    index = columns.get(name)
    if index is None or index >= len(row):
        return None
    return row[index].strip() or None


def load_metadata_csv(path: Path) -> dict[str, Metadata]:
    """file name (as written in the CSV) -> Metadata, from an inquiry's list."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise MetadataError(f"cannot open metadata CSV {path.name}: {exc.strerror or type(exc).__name__}") from exc
    text = _decode_csv(data, path)
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(rows, None)
        if header is None or not any(cell.strip() for cell in header):
            raise MetadataError(f"{path.name} line 1: empty file, no header row", hint="add a header row: file,title,org,type,date,ref")
        columns = _header_map(header, path)
        result: dict[str, Metadata] = {}
        seen_on: dict[str, int] = {}
        for row in rows:
            line = rows.line_num
            if not any(cell.strip() for cell in row):
                continue
            name = _cell(row, columns, "file")
            if name is None:
                raise MetadataError(f"{path.name} line {line}: the file cell is empty", hint="give the file's name or path relative to the folder")
            name = name.replace("\\", "/")
            if name in seen_on:
                raise MetadataError(f"{path.name} line {line}: {name} is already listed on line {seen_on[name]}", hint="keep one row per file")
            seen_on[name] = line
            doc_type = _cell(row, columns, "doc_type")
            org = _cell(row, columns, "org")
            raw_date = _cell(row, columns, "date")
            date = normalise_date(raw_date) if raw_date else None
            if raw_date and date is None:
                raise MetadataError(
                    f"{path.name} line {line}: date {raw_date!r} not understood",
                    hint="write dates as YYYY-MM-DD, YYYY-MM or YYYY",
                )
            result[name] = Metadata(
                title=_cell(row, columns, "title"),
                org=clean_org(org) if org else None,
                doc_type=_doc_type_value(doc_type, line, path) if doc_type else None,
                date=date,
                ref=_cell(row, columns, "ref"),
            )
    except csv.Error as exc:
        raise MetadataError(f"{path.name} line {rows.line_num}: {exc}", hint="check the quoting on that line") from exc
    return result
