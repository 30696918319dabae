"""Check that every link in a built site lands on a file and, if it names one, an anchor.

The site's HTML is our own template output: attribute values are always
double-quoted and document text is escaped (a literal '"' in text becomes
'&#34;'), so a pattern over ``href="..."``, ``src="..."`` and ``id="..."``
finds exactly the real attributes, far faster than a full parse of tens of
thousands of pages. The test suite walks the same site with html.parser.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

_ATTR = re.compile(r'\s(href|src|id)="([^"]*)"')


@dataclass(frozen=True)
class BrokenLink:
    page: str
    target: str
    reason: str


def _scan(text: str) -> tuple[list[str], set[str]]:
    links: list[str] = []
    ids: set[str] = set()
    for name, value in _ATTR.findall(text):
        value = html.unescape(value)
        if name == "id":
            ids.add(value)
        else:
            links.append(value)
    return links, ids


def check_links(site: Path, pages: dict[str, str] | None = None) -> tuple[int, list[BrokenLink]]:
    """(links checked, broken links) over every .html file under ``site``.

    ``pages`` maps site-relative paths to their text when the caller still
    holds them, saving a read per page. Anything with a scheme or host counts
    as broken: the site must stand alone.
    """
    site = Path(site)
    if pages is None:
        pages = {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8") for p in sorted(site.rglob("*.html"))}
    scanned = {rel: _scan(text) for rel, text in pages.items()}
    checked = 0
    broken: list[BrokenLink] = []
    for rel in sorted(scanned):
        for link in scanned[rel][0]:
            checked += 1
            reason = _resolve(site, rel, link, scanned)
            if reason:
                broken.append(BrokenLink(rel, link, reason))
    return checked, broken


def _resolve(site: Path, page: str, link: str, scanned: dict[str, tuple[list[str], set[str]]]) -> str | None:
    parts = urlsplit(link)
    if parts.scheme or parts.netloc:
        return "points outside the site"
    if parts.query:
        return "has a query string"
    if not parts.path:
        target = page
    else:
        joined = PurePosixPath(page).parent / unquote(parts.path)
        stack: list[str] = []
        for piece in joined.parts:
            if piece == "..":
                if not stack:
                    return "climbs out of the site"
                stack.pop()
            elif piece not in (".", ""):
                stack.append(piece)
        target = "/".join(stack)
    if target not in scanned:
        if not (site / target).is_file():
            return "no such file"
        if parts.fragment:
            return "anchor in a non-page file"
        return None
    if parts.fragment and unquote(parts.fragment) not in scanned[target][1]:
        return "no such anchor"
    return None
