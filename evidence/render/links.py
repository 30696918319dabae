"""Check that every link in a built site lands on a file and, if it names one, an anchor.

The site's HTML is our own template output: attribute values are always
double-quoted and document text is escaped (a literal '"' in text becomes
'&#34;'), so a pattern over ``href="..."``, ``src="..."`` and ``id="..."``
finds exactly the real attributes, far faster than a full parse of tens of
thousands of pages. The test suite walks the same site with html.parser.
"""

from __future__ import annotations

import html
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

_ATTR = re.compile(r'\s(href|src|id)="([^"]*)"')


@dataclass(frozen=True)
class BrokenLink:
    page: str
    target: str
    reason: str

    def __str__(self) -> str:
        return f"{self.page}: {self.target} ({self.reason})"


#: Joins a page's links (and its ids) into one string: a dense site has millions of
#: links, and a string per link cost a build more memory than any page.
_SEP = "\x00"


def _scan(text: str) -> tuple[str, str]:
    """(the page's links, each after a separator; its ids, each between separators)."""
    links: list[str] = []
    ids: list[str] = []
    for name, value in _ATTR.findall(text):
        value = html.unescape(value)
        (ids if name == "id" else links).append(value)
    return "".join(_SEP + link for link in links), _SEP + _SEP.join(ids) + _SEP


def _links(scanned: tuple[str, str]) -> list[str]:
    return scanned[0].split(_SEP)[1:]


def _has_id(scanned: tuple[str, str], anchor: str) -> bool:
    return _SEP not in anchor and f"{_SEP}{anchor}{_SEP}" in scanned[1]


class LinkChecker:
    """Collects each page's links and anchors as the page is written, then checks them all.

    Only links and ids are kept, never the page text, so a build can stream
    its pages to disk and still check every link once at the end.
    """

    def __init__(self) -> None:
        #: page -> (its links, its ids) as :func:`_scan` joins them; pages noted elsewhere may be added here
        self.scanned: dict[str, tuple[str, str]] = {}

    def add(self, rel: str, text: str) -> None:
        """Take note of one page (site-relative path, HTML text)."""
        self.scanned[rel] = _scan(text)

    def check(self, site: Path) -> tuple[int, list[BrokenLink]]:
        """(links checked, broken links); files that are not pages are looked up under ``site``."""
        site = Path(site)
        scanned = self.scanned
        files: dict[str, bool] = {}
        resolved: dict[tuple[str, str], tuple[str | None, str | None]] = {}
        checked = 0
        broken: list[BrokenLink] = []
        for rel in sorted(scanned):
            folder = posixpath.dirname(rel)
            for link in _links(scanned[rel]):
                checked += 1
                path, _, fragment = link.partition("#")
                key = (folder, path)
                if key not in resolved:
                    resolved[key] = _resolve(site, folder, path, scanned, files)
                target, reason = resolved[key]
                if target is None:
                    target = rel if not path else None
                if reason is None and fragment:
                    if target not in scanned:
                        reason = "anchor in a non-page file"
                    elif not _has_id(scanned[target], unquote(fragment)):
                        reason = "no such anchor"
                if reason:
                    broken.append(BrokenLink(rel, link, reason))
        return checked, broken


def check_links(
    site: Path, pages: dict[str, str] | None = None
) -> tuple[int, list[BrokenLink]]:
    """(links checked, broken links) over every .html file under ``site``.

    ``pages`` maps site-relative paths to their text when the caller still
    holds them, saving a read per page. Anything with a scheme or host counts
    as broken: the site must stand alone.
    """
    site = Path(site)
    checker = LinkChecker()
    if pages is None:
        for path in sorted(site.rglob("*.html")):
            checker.add(
                path.relative_to(site).as_posix(), path.read_text(encoding="utf-8")
            )
    else:
        for rel, text in pages.items():
            checker.add(rel, text)
    return checker.check(site)


def _resolve(
    site: Path,
    folder: str,
    path: str,
    scanned: dict[str, tuple[str, str]],
    files: dict[str, bool],
) -> tuple[str | None, str | None]:
    """(site-relative target, reason it is broken or None) for one link path."""
    parts = urlsplit(path)
    if parts.scheme or parts.netloc:
        return None, "points outside the site"
    if parts.query:
        return None, "has a query string"
    if not parts.path:
        return None, None
    joined = posixpath.normpath(posixpath.join(folder, unquote(parts.path)))
    if joined == ".." or joined.startswith("../") or joined.startswith("/"):
        return None, "climbs out of the site"
    if joined not in scanned:
        if joined not in files:
            files[joined] = (site / joined).is_file()
        if not files[joined]:
            return joined, "no such file"
    return joined, None
