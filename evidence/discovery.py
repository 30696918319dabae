"""Which files under an ingested folder are read, and why the others are not.

Only regular files are read: a FIFO or a device named ``*.txt`` would block
or never end. A symbolic link that leads out of the folder is not followed
unless the caller asks (``follow_links``), so a link to ``/etc/passwd`` is
not published; a link that stays inside the folder is read once, under the
name of the file it points to. Folders holding a briefing site written by
``evidence build`` (its marker file) and the index directory are our own
output, not evidence, and are passed over. A folder that cannot be listed is
reported, so that the caller keeps what it stored from it instead of taking
it for deleted.

File names are bytes on POSIX; Python keeps the bytes that are not UTF-8 as
lone surrogates, which SQLite and a terminal refuse. :func:`displayable`
turns such a name into text, always the same way, so a re-ingest finds the
file again under the same name.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

#: The file ``evidence build`` writes at the top of every site (its manifest).
SITE_MARKER = ".evidence-site"

#: Kinds of files passed over on purpose; the CLI counts them apart.
UNSUPPORTED = "unsupported format"
OUTSIDE_LINK = "link out of the folder"
NOT_REGULAR = "not a regular file"

_FILE_TYPES = (
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a folder"),
)


def displayable(name: str) -> str:
    """``name`` as valid UTF-8 text: each undecodable byte shown as ``\\xNN``.

    The same bytes always give the same text, so a stored path matches the
    file on the next run.
    """
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def file_type(mode: int) -> str:
    """What a non-regular file is, in words."""
    for test, words in _FILE_TYPES:
        if test(mode):
            return words
    return "not a regular file"


@dataclass(frozen=True)
class Candidate:
    """A regular file to hash and perhaps read."""

    path: str  #: as the OS names it (may hold undecodable bytes); a str, as a Path per file costs more than the stat
    rel: str  #: relative to the ingested folder, '/'-separated, displayable
    size: int


@dataclass(frozen=True)
class Skip:
    """A file passed over on purpose: ``kind`` is one of the constants above."""

    rel: str
    kind: str
    reason: str


@dataclass
class Discovery:
    """What :func:`discover` found under one ingested path."""

    files: list[Candidate] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)
    #: (rel, reason): files whose type or size could not even be looked up.
    failed: list[tuple[str, str]] = field(default_factory=list)
    #: (rel ending in '/', or '' for the folder itself, reason): folders that could not be listed.
    unreadable: list[tuple[str, str]] = field(default_factory=list)
    #: (rel ending in '/', reason): our own output, passed over without complaint.
    own_output: list[tuple[str, str]] = field(default_factory=list)


def discover(
    root: Path,
    *,
    supported: Collection[str],
    follow_links: bool = False,
    exclude: Collection[Path] = (),
) -> Discovery:
    """Sort every file under ``root`` (a folder or one file) into the lists of :class:`Discovery`.

    ``supported`` holds lower-case extensions with the dot; ``exclude`` holds
    folders never to enter (the index directory). Hidden files and folders
    are passed over. Sorted by name at each level, so runs are repeatable.
    """
    found = Discovery()
    root = Path(root)
    root_real = os.path.realpath(root)
    if not root.is_dir():
        _consider(
            found,
            root,
            displayable(root.name),
            root_real,
            supported,
            follow_links,
            direct=set(),
            inside=[],
        )
        return found
    excluded = {os.path.realpath(p) for p in exclude}
    direct: set[str] = set()  # real paths of files reached by their own name
    inside: list[
        tuple[Candidate, str]
    ] = []  # links within the folder, with their targets
    visited: set[str] = set()
    _walk(
        found,
        root,
        "",
        root_real,
        excluded,
        visited,
        direct,
        inside,
        supported,
        follow_links,
    )
    for candidate, target in inside:
        # A link to a file read under its own name would read it twice.
        if target not in direct:
            found.files.append(candidate)
    found.files.sort(key=lambda c: c.rel)
    return found


def _walk(
    found: Discovery,
    folder: Path,
    prefix: str,
    root_real: str,
    excluded: set[str],
    visited: set[str],
    direct: set[str],
    inside: list[tuple[Candidate, str]],
    supported: Collection[str],
    follow_links: bool,
) -> None:
    real = os.path.realpath(folder)
    if real in visited:  # reached again through a followed link: once is enough
        return
    visited.add(real)
    if real in excluded:
        found.own_output.append((prefix, "the index directory"))
        return
    if os.path.isfile(os.path.join(folder, SITE_MARKER)):
        found.own_output.append((prefix, "a site written by `evidence build`"))
        return
    try:
        with os.scandir(folder) as entries:
            listed = sorted(entries, key=lambda e: e.name)
    except OSError as exc:
        found.unreadable.append((prefix, f"cannot read folder: {exc.strerror or exc}"))
        return
    for entry in listed:
        if entry.name.startswith("."):
            continue
        rel = prefix + displayable(entry.name)
        try:
            is_dir = entry.is_dir()  # follows a link
        except OSError:
            is_dir = False
        if is_dir:
            path = Path(entry.path)
            if entry.is_symlink():
                target = os.path.realpath(path)
                if _within(target, root_real):
                    continue  # walked under its own name (or hidden, or ours): not twice
                if not follow_links:
                    found.skipped.append(
                        Skip(
                            rel + "/",
                            OUTSIDE_LINK,
                            f"link to the folder {displayable(target)}, outside the folder",
                        )
                    )
                    continue
            _walk(
                found,
                path,
                rel + "/",
                root_real,
                excluded,
                visited,
                direct,
                inside,
                supported,
                follow_links,
            )
            continue
        _consider(
            found,
            entry,
            rel,
            root_real,
            supported,
            follow_links,
            direct=direct,
            inside=inside,
            real=os.path.join(real, entry.name),
        )


def _consider(
    found: Discovery,
    file: Path | os.DirEntry[str],
    rel: str,
    root_real: str,
    supported: Collection[str],
    follow_links: bool,
    *,
    direct: set[str],
    inside: list[tuple[Candidate, str]],
    real: str | None = None,
) -> None:
    """Put one file in its list; nothing here opens it.

    ``real`` is where the file really is when it is not a link (its folder's
    real path joined to its name), which saves resolving every file. A
    directory entry answers ``is_symlink`` from the listing, without a call.
    """
    if os.path.splitext(file.name)[1].lower() not in supported:
        found.skipped.append(Skip(rel, UNSUPPORTED, UNSUPPORTED))
        return
    try:
        info = file.stat()  # follows links: a loop or a dangling link fails here
    except OSError as exc:
        found.failed.append((rel, f"cannot read file: {exc.strerror or exc}"))
        return
    path = os.fspath(file)
    link_target = os.path.realpath(path) if file.is_symlink() else None
    if (
        link_target is not None
        and not _within(link_target, root_real)
        and not follow_links
    ):
        found.skipped.append(
            Skip(
                rel,
                OUTSIDE_LINK,
                f"link to {displayable(link_target)}, outside the folder",
            )
        )
        return
    if not stat.S_ISREG(info.st_mode):
        found.skipped.append(
            Skip(rel, NOT_REGULAR, f"not a regular file ({file_type(info.st_mode)})")
        )
        return
    candidate = Candidate(path, rel, info.st_size)
    if link_target is not None and _within(link_target, root_real):
        inside.append((candidate, link_target))
        return
    direct.add(real or os.path.realpath(path))
    found.files.append(candidate)


def _within(target: str, root_real: str) -> bool:
    return target == root_real or target.startswith(root_real.rstrip(os.sep) + os.sep)
