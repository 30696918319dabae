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
import sqlite3
from collections.abc import Container, Iterator
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
#: Pages' notes buffered before they are written to the checker's database.
_FLUSH = 200


def _scan(text: str) -> tuple[str, str]:
    """(the page's links, each after a separator; its ids, each between separators)."""
    links: list[str] = []
    ids: list[str] = []
    for name, value in _ATTR.findall(text):
        value = html.unescape(value)
        (ids if name == "id" else links).append(value)
    return "".join(_SEP + link for link in links), _SEP + _SEP.join(ids) + _SEP


def _links(joined: str) -> list[str]:
    return joined.split(_SEP)[1:]


def _ids(joined: str) -> set[str]:
    """A page's ids as :func:`_scan` joins them (an id holding the separator is as two)."""
    return {i for i in joined.split(_SEP) if i}


class LinkChecker:
    """Collects each page's links and anchors as the page is written, then checks them all.

    Only links and ids are kept, never the page text, so a build can stream
    its pages to disk and still check every link once at the end. They are
    kept in a private temporary SQLite database, not in memory: a dense site
    has millions of links and anchors, and holding them made a build's memory
    grow with the corpus. The database is opened at the first page (so a
    checker made before a fork holds nothing the forked process shares) and
    deleted when :meth:`check` is done or :meth:`close` is called.
    """

    def __init__(self) -> None:
        self._db: sqlite3.Connection | None = None
        self._pending: list[tuple[str, str, str]] = []
        self._pages = 0

    def add(self, rel: str, text: str) -> None:
        """Take note of one page (site-relative path, HTML text)."""
        links, ids = _scan(text)
        self.add_scanned(rel, links, ids)

    def add_scanned(self, rel: str, links: str, ids: str) -> None:
        """Take note of a page noted elsewhere (see :meth:`notes`); a page noted twice keeps its last note."""
        self._pending.append((rel, links, ids))
        if len(self._pending) >= _FLUSH:
            self._flush()

    def notes(self, batch: int | None = None) -> Iterator[list[tuple[str, str, str]]]:
        """Every page's (path, links, ids), ``batch`` pages at a time: for another checker's :meth:`add_scanned`."""
        db = self._flush()
        rows = db.execute(
            "SELECT rel, links, (SELECT group_concat(id, char(0)) FROM anchors WHERE page = pages.rowid) "
            "FROM pages ORDER BY rel"
        )
        while found := rows.fetchmany(batch or _FLUSH):
            yield [
                (rel, links, f"{_SEP}{ids or ''}{_SEP}") for rel, links, ids in found
            ]

    def _flush(self) -> sqlite3.Connection:
        db = self._db
        if db is None:
            # "": a private on-disk database, deleted when it is closed; its cache stays small
            db = self._db = sqlite3.connect("", isolation_level=None)
            db.executescript(
                """CREATE TABLE pages (rel TEXT PRIMARY KEY, links TEXT NOT NULL);
                   CREATE TABLE anchors (page INTEGER NOT NULL, id TEXT NOT NULL,
                                         PRIMARY KEY (page, id)) WITHOUT ROWID;"""
            )
        if self._pending:
            db.execute("BEGIN")
            for rel, links, ids in self._pending:
                old = db.execute(
                    "SELECT rowid FROM pages WHERE rel=?", (rel,)
                ).fetchone()
                if old is not None:
                    db.execute("DELETE FROM anchors WHERE page=?", old)
                    db.execute("DELETE FROM pages WHERE rowid=?", old)
                page = db.execute(
                    "INSERT INTO pages (rel, links) VALUES (?, ?)", (rel, links)
                ).lastrowid
                db.executemany(
                    "INSERT OR IGNORE INTO anchors (page, id) VALUES (?, ?)",
                    ((page, i) for i in _ids(ids)),
                )
            db.execute("COMMIT")
            self._pending = []
        return db

    def close(self) -> None:
        """Drop the notes (the database file goes with its connection)."""
        if self._db is not None:
            self._db.close()
            self._db = None
        self._pending = []

    def check(self, site: Path) -> tuple[int, list[BrokenLink]]:
        """(links checked, broken links); files that are not pages are looked up under ``site``.

        Pages are read back in path order, one at a time; each anchor is
        looked up in the database. The notes are dropped afterwards.
        """
        site = Path(site)
        db = self._flush()
        try:
            number = dict(db.execute("SELECT rel, rowid FROM pages"))
            anchored = db.execute  # one statement, prepared once and reused
            files: dict[str, bool] = {}
            resolved: dict[tuple[str, str], tuple[str | None, str | None]] = {}
            checked = 0
            broken: list[BrokenLink] = []
            pages = db.cursor()
            pages.execute("SELECT rel, links FROM pages ORDER BY rel")
            while found := pages.fetchmany(_FLUSH):
                for rel, joined in found:
                    folder = posixpath.dirname(rel)
                    for link in _links(joined):
                        checked += 1
                        path, _, fragment = link.partition("#")
                        key = (folder, path)
                        if key not in resolved:
                            resolved[key] = _resolve(site, folder, path, number, files)
                        target, reason = resolved[key]
                        if target is None:
                            target = rel if not path else None
                        if reason is None and fragment:
                            if target not in number:
                                reason = "anchor in a non-page file"
                            else:
                                anchor = unquote(fragment)
                                if (
                                    _SEP in anchor
                                    or anchored(
                                        "SELECT 1 FROM anchors WHERE page=? AND id=?",
                                        (number[target], anchor),
                                    ).fetchone()
                                    is None
                                ):
                                    reason = "no such anchor"
                        if reason:
                            broken.append(BrokenLink(rel, link, reason))
        finally:
            self.close()
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
    pages: Container[str],
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
    if joined not in pages:
        if joined not in files:
            files[joined] = (site / joined).is_file()
        if not files[joined]:
            return joined, "no such file"
    return joined, None
