"""Build the static briefing site: store -> view-models -> Jinja2 -> files.

The site stands alone: relative links only, our own CSS and script, the
search data as a script file (a fetch() of JSON fails under file:// in
Chromium, a <script src> does not). Output is byte-identical for the same
store: no timestamps, everything sorted.

A build is a consistent snapshot, written aside and swapped in whole. It
reads the store in one read transaction (an ingest committing meanwhile is
not seen; a second rendering process reads a copy of that same snapshot),
writes into a folder beside the output, and only when every page is written
renames the old site away and the new one into place. A build that fails
leaves the old site as it was. The manifest lists the files a build wrote:
anything else found in the old site (not ours) is carried into the new one.
"""

from __future__ import annotations

import errno
import filecmp
import gc
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from pathlib import Path, PurePosixPath
from typing import Any

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateNotFound,
    TemplateSyntaxError,
    UndefinedError,
)

from ..errors import SiteError
from ..kinds import FIGURE, KINDS, RECOMMENDATION
from ..models import Passage
from ..resources import templates_dir
from ..store import STORE_NAME, Store
from . import twins
from .links import BrokenLink, LinkChecker
from .parallel import DocumentPages, shares_work
from .search_data import write_search_data
from .views import (
    DEFAULT_TITLE,
    NO_TARGET,
    DocView,
    FindingView,
    SiteModel,
    org_page,
    passage_views,
    site_model,
    stream_finding_views,
)

MANIFEST = ".evidence-site"
#: Rows on one page of a full list (figures, recommendations, documents). A
#: dense corpus has hundreds of thousands of figures: on one page they made
#: 125 MB of HTML, more than a browser opens comfortably, and a string that
#: size in memory while it was written.
LIST_PAGE_ROWS = 1000
ASSETS = ("site.css", "site.js", "search.js")


@dataclass(frozen=True)
class BuildReport:
    """What a build wrote and whether every link in it resolves."""

    out_dir: Path
    pages: int
    files: int
    links_checked: int
    broken: tuple[BrokenLink, ...]


def build_site(
    store: Store,
    out_dir: Path,
    *,
    templates: Path | None = None,
    taxonomy: Any = None,
    title: str | None = None,
) -> BuildReport:
    """Write the whole site into ``out_dir``; templates in ``templates`` override ours by name.

    ``title`` names the site on every page (default "Evidence briefing");
    its whitespace is collapsed, and a title of no words is refused.

    ``taxonomy`` (an :class:`evidence.themes.Taxonomy`) names and describes
    the themes; by default the packaged one. Themes found in the store but
    not in the taxonomy still get a page, labelled by their id.

    Document pages are shared with a second process where the platform can
    fork (see :mod:`.parallel`); the bytes are the same either way.
    """
    out_dir = Path(out_dir)
    name = DEFAULT_TITLE if title is None else " ".join(title.split())
    if not name:
        raise SiteError(
            "the site title is empty",
            hint='give it some words, e.g. --title "Inquiry into ICSs", or leave it out',
        )
    if templates is not None and not Path(templates).is_dir():
        raise SiteError(
            f"no templates folder {templates}",
            hint="pass a folder holding .html files to override",
        )
    target = _Target(out_dir)
    staging = target.staging()
    try:
        with store.snapshot():
            # no list of every finding: the pages read them from the store as they go
            model = site_model(store, taxonomy, findings=False)
            model.title = name
            gc.collect()  # what building the model left, before the second process copies this one
            env = _environment(Path(templates) if templates is not None else None)
            writer = _SiteWriter(staging, previous=target.path)
            pages = _Pages(env, model, store)
            with _snapshot_for_second_process(
                store, target, len(model.docs)
            ) as helper_index:
                documents = DocumentPages(
                    helper_index, model, pages.document, pages.read_from
                )
                with documents.shared(writer) as helper:
                    pages.site(writer)
                    helper.render_rest(store, writer)
        checked, broken = writer.finish(target.foreign())
        target.replace_with(staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return BuildReport(out_dir, writer.pages, writer.files, checked, tuple(broken))


@contextmanager
def _snapshot_for_second_process(
    store: Store, target: _Target, documents: int
) -> Iterator[Path]:
    """The index folder the second rendering process opens: a copy of this build's snapshot.

    A SQLite connection must not cross a fork, and a new connection would see
    whatever was committed since the build began; the backup API, run on the
    connection holding the snapshot, copies exactly what it sees.
    """
    if not shares_work(documents):
        yield store.index_dir
        return
    folder = target.scratch("snapshot")
    try:
        copy = sqlite3.connect(folder / STORE_NAME)
        try:
            store.conn.backup(copy)
        finally:
            copy.close()
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


class _Target:
    """The output folder, and the folders beside it that a build writes and swaps in."""

    def __init__(self, out_dir: Path) -> None:
        self.path = Path(
            out_dir
        ).resolve()  # a symlinked output folder: its target is replaced
        if self.path.exists() and not self.path.is_dir():
            raise SiteError(
                f"cannot write the site to {out_dir}: it is a file",
                hint="pass a folder with -o",
            )
        cwd = Path.cwd()
        if self.path == cwd or self.path in cwd.parents:
            raise SiteError(
                f"cannot build the site into {out_dir}: it is the current folder, and a build replaces its output folder",
                hint="build into a folder of its own, e.g. -o site",
            )
        self._prefix = f".{self.path.name}."
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise SiteError(
                f"cannot write the site to {out_dir}: {exc.strerror or exc}"
            ) from exc
        self._tidy()

    def scratch(self, purpose: str) -> Path:
        """A new empty folder beside the output (same file system, so renames are cheap)."""
        try:
            return Path(
                tempfile.mkdtemp(
                    prefix=f"{self._prefix}{purpose}-{os.getpid()}-",
                    dir=self.path.parent,
                )
            )
        except OSError as exc:
            raise SiteError(
                f"cannot write the site beside {self.path}: {exc.strerror or exc}"
            ) from exc

    def staging(self) -> Path:
        return self.scratch("building")

    def foreign(self) -> list[str]:
        """Files in the current site that no build wrote (not in its manifest): they are kept."""
        if not self.path.is_dir():
            return []
        manifest = self.path / MANIFEST
        try:
            ours = (
                set(manifest.read_text(encoding="utf-8").splitlines())
                if manifest.is_file()
                else set()
            )
            found = []
            for folder, _dirs, files in os.walk(self.path):
                for name in files:
                    rel = Path(folder, name).relative_to(self.path).as_posix()
                    if rel != MANIFEST and rel not in ours:
                        found.append(rel)
        except OSError as exc:
            raise SiteError(
                f"cannot read the site in {self.path}: {exc.strerror or exc}"
            ) from exc
        return sorted(found)

    def replace_with(self, staging: Path) -> None:
        """Swap the finished site in: the old one is renamed away, the new one renamed into place."""
        old = None
        try:
            if self.path.exists():
                old = self.scratch("old")
                os.rename(self.path, old / "site")
            try:
                os.rename(staging, self.path)
            except OSError:
                if old is not None:
                    os.rename(old / "site", self.path)
                raise
        except OSError as exc:
            raise SiteError(
                f"cannot replace the site in {self.path}: {exc.strerror or exc}"
            ) from exc
        finally:
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)

    def _tidy(self) -> None:
        """Remove what a killed build left beside the output (its process is gone)."""
        try:
            siblings = [
                p for p in self.path.parent.iterdir() if p.name.startswith(self._prefix)
            ]
        except OSError:
            return
        for path in siblings:
            parts = path.name[len(self._prefix) :].split("-")
            if (
                len(parts) == 3
                and parts[0] in ("building", "snapshot", "old")
                and parts[1].isdigit()
            ):
                if not _alive(int(parts[1])):
                    shutil.rmtree(path, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError as exc:
        return exc.errno == errno.EPERM
    return True


class _Pages:
    """Renders pages from the templates and the site model; each page straight to disk."""

    def __init__(self, env: Environment, model: SiteModel, store: Store) -> None:
        self.env = env
        self.model = model
        self.store = store
        self.reader = store
        self.themes_by_id = model.theme_map
        self.docs_by_id = {d.doc_id: d for d in model.docs}
        #: attachment -> the e-mail it came with, and e-mail -> its attachments in order.
        self.attached_to = store.attachment_links()
        self.attachments: dict[str, list[str]] = {}
        for child, parent in self.attached_to.items():
            self.attachments.setdefault(parent, []).append(child)

    def render(self, name: str, rel: str, **context: Any) -> str:
        root = "../" * (len(PurePosixPath(rel).parts) - 1)
        try:
            return self.env.get_template(name).render(
                root=root, page=rel, site=self.model, **context
            )
        except TemplateNotFound as exc:
            raise SiteError(
                f"template {exc.name} not found",
                hint="a template override folder must keep our template names",
            ) from exc
        except TemplateSyntaxError as exc:
            raise SiteError(
                f"template {exc.filename or exc.name}, line {exc.lineno}: {exc.message}"
            ) from exc
        except UndefinedError as exc:
            raise SiteError(
                f"template {name} (for {rel}): {exc.message}",
                hint="check the names an overriding template uses",
            ) from exc

    def site(self, writer: _SiteWriter) -> None:
        """Every page but the documents' pages, the assets, and the search data."""
        model = self.model

        def render(name: str, rel: str, **context: Any) -> None:
            writer.put(rel, self.render(name, rel, **context))

        render("index.html", "index.html")
        for pager in _pagers("documents.html", len(model.docs)):
            render(
                "documents.html",
                pager.href,
                items=model.docs[pager.first - 1 : pager.last],
                pager=pager,
            )
        for name, kind in (
            ("recommendations.html", RECOMMENDATION.name),
            ("figures.html", FIGURE.name),
        ):
            # a page of rows at a time, straight from the store
            stream = stream_finding_views(self.store, self.docs_by_id, kind=kind)
            for pager in _pagers(name, model.corpus.counts[kind]):
                render(
                    name,
                    pager.href,
                    items=list(islice(stream, pager.last - pager.first + 1)),
                    pager=pager,
                )
        render("search.html", "search.html")
        for theme in model.themes:
            render("theme.html", theme.href, theme=theme)
        refs = {org.ref.name: org.ref for org in model.orgs}
        for org in model.orgs:
            # a body's recommendations are read for its page alone
            render(
                "org.html",
                org.ref.href,
                org=org_page(self.store, org, self.docs_by_id, refs),
            )
        for asset in ASSETS:
            writer.put(f"assets/{asset}", _source(self.env, asset))
        # scripts the search page loads as a query needs them (a fetch() of JSON fails under file://)
        write_search_data(
            self.store,
            writer.put,
            index_dir=self.store.index_dir,
            href_of=lambda doc_id: self.docs_by_id[doc_id].href,
        )

    def read_from(self, store: Store) -> None:
        """Read what document pages need beyond their passages and findings from ``store``
        (each rendering process has its own connection)."""
        self.reader = store

    def document(
        self, doc: DocView, passages: Sequence[Passage], mine: Sequence[FindingView]
    ) -> str:
        """One document's page, from its passages in reading order and its findings.

        Its passages' themes are read from the store a document at a time
        (the site's model holds none), unless the model was made with them.
        """
        themes = self.model.passage_themes or self.reader.passage_theme_ids(doc.doc_id)
        pviews = passage_views(passages, mine, themes)
        touched: dict[str, int] = {}
        for pv in pviews:
            for t in pv.themes:
                touched[t] = touched.get(t, 0) + 1
        themes_by_id = self.themes_by_id
        doc_themes = [
            (themes_by_id[t], n)
            for t, n in sorted(touched.items(), key=lambda x: (-x[1], x[0]))
            if t in themes_by_id
        ]
        counts = {k.name: sum(1 for v in mine if v.kind == k.name) for k in KINDS}
        return self.render(
            "document.html",
            doc.href,
            doc=doc,
            passages=pviews,
            doc_themes=doc_themes,
            counts=counts,
            attached_to=self.docs_by_id.get(self.attached_to.get(doc.doc_id, "")),
            attachments=[
                self.docs_by_id[a]
                for a in self.attachments.get(doc.doc_id, ())
                if a in self.docs_by_id
            ],
        )


@dataclass(frozen=True)
class Pager:
    """One page of a full list: which rows it shows and where the other pages are."""

    number: int
    hrefs: tuple[str, ...]
    total: int
    first: int  # 1-based, as a reader counts rows
    last: int

    @property
    def href(self) -> str:
        return self.hrefs[self.number - 1]


def _pagers(name: str, total: int) -> list[Pager]:
    """The pages of a list of ``total`` rows: ``figures.html``, then ``figures-2.html``, ..."""
    rows = LIST_PAGE_ROWS
    count = max(1, -(-total // rows))
    stem = name.removesuffix(".html")
    hrefs = tuple(name if n == 1 else f"{stem}-{n}.html" for n in range(1, count + 1))
    return [
        Pager(n, hrefs, total, min((n - 1) * rows + 1, total), min(n * rows, total))
        for n in range(1, count + 1)
    ]


def _environment(override: Path | None) -> Environment:
    loaders = [FileSystemLoader(str(override))] if override is not None else []
    loaders.append(FileSystemLoader(str(templates_dir())))
    env = Environment(
        loader=ChoiceLoader(loaders),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["url"] = twins.url
    env.filters["number"] = twins.number
    # the finding kinds as the registry has them now: names, labels, and the kinds themselves
    env.globals["kinds"] = KINDS.names()
    env.globals["kind_labels"] = {k.name: k.label for k in KINDS}
    env.globals["finding_kinds"] = tuple(KINDS)
    env.globals["no_target"] = NO_TARGET
    if override is not None and (override / "macros.html").is_file():
        # an overriding macros.html may restyle citations and rows: use its macros
        def macro(name: str) -> Any:
            return getattr(env.get_template("macros.html").module, name)

        env.globals["cite"] = lambda *args: macro("source")(*args)
        env.globals["figure_cells"] = lambda *args: macro("figure_row")(*args)
    else:
        env.globals["cite"] = twins.cite
        env.globals["figure_cells"] = twins.figure_row
    env.globals["passage_html"] = twins.passage
    return env


def _source(env: Environment, name: str) -> str:
    try:
        assert env.loader is not None  # the environment is made with one
        source, _, _ = env.loader.get_source(env, name)
    except TemplateNotFound as exc:
        raise SiteError(f"asset {name} not found among the templates") from exc
    return source


class _SiteWriter:
    """Writes files into the staging folder as they are made and notes their links.

    A file whose bytes are the same as in the ``previous`` site is linked
    from there rather than written again, so it keeps its time stamp (a
    sync to a web server sends only what changed). The manifest lists what
    this build wrote.
    """

    def __init__(self, out_dir: Path, *, previous: Path | None = None) -> None:
        self.out_dir = Path(out_dir)
        self.root = self.out_dir.resolve()
        self.previous = previous
        self.pages = 0
        self.files = 0
        self._written: set[str] = set()
        self._links = LinkChecker()
        self._folders: set[Path] = set()

    def detached(self) -> _SiteWriter:
        """A writer into the same folder that starts with nothing written, for a second process."""
        return _SiteWriter(self.out_dir, previous=self.previous)

    def harvest(self) -> Iterator[tuple[str, Any]]:
        """What a detached writer wrote, in pieces for :meth:`absorb` in the first process:
        the files and counts, then the pages' link notes a batch at a time (never all at once)."""
        yield "files", (sorted(self._written), self.pages, self.files)
        for batch in self._links.notes():
            yield "links", batch
        self._links.close()

    def absorb(self, piece: tuple[str, Any]) -> None:
        """Count a piece of another writer's :meth:`harvest` as this build's, links included."""
        what, payload = piece
        if what == "files":
            written, pages, files = payload
            self._written.update(written)
            self.pages += pages
            self.files += files
        else:
            for rel, links, ids in payload:
                self._links.add_scanned(rel, links, ids)

    def put(self, rel: str, text: str) -> None:
        if rel.endswith(".html"):
            self._links.add(rel, text)
            self.pages += 1
        self.files += 1
        self._written.add(rel)
        path = _inside(self.root, rel)
        data = text.encode("utf-8")
        try:
            if path.parent not in self._folders:
                path.parent.mkdir(parents=True, exist_ok=True)
                self._folders.add(path.parent)
            before = self._before(rel)
            if (
                before is None
                or before.stat().st_size != len(data)
                or before.read_bytes() != data
                or not _link(before, path)
            ):
                path.write_bytes(data)
        except OSError as exc:
            raise self._error(exc) from exc

    def _before(self, rel: str) -> Path | None:
        """The same file in the previous site, if there is one."""
        if self.previous is None:
            return None
        path = self.previous / rel
        return path if path.is_file() and not path.is_symlink() else None

    def put_streamed(
        self, targets: Sequence[tuple[str, bytes, bytes]], chunks: Iterable[bytes]
    ) -> None:
        """Write the same stream of bytes into several files at once, each with its own prefix and suffix.

        A file whose bytes equal the previous site's is linked from there
        instead, so an unchanged file keeps its time stamp.
        """
        paths = []
        for rel, _, _ in targets:
            self.files += 1
            self._written.add(rel)
            path = _inside(self.root, rel)
            paths.append((path, path.with_name(path.name + ".part")))
        try:
            handles = []
            for (path, part), (_, prefix, _) in zip(paths, targets):
                path.parent.mkdir(parents=True, exist_ok=True)
                handle = part.open("wb")
                handle.write(prefix)
                handles.append(handle)
            try:
                for chunk in chunks:
                    for handle in handles:
                        handle.write(chunk)
                for handle, (_, _, suffix) in zip(handles, targets):
                    handle.write(suffix)
            finally:
                for handle in handles:
                    handle.close()
            for (rel, _, _), (path, part) in zip(targets, paths):
                before = self._before(rel)
                if (
                    before is not None
                    and filecmp.cmp(before, part, shallow=False)
                    and _link(before, path)
                ):
                    part.unlink()
                else:
                    part.replace(path)
        except OSError as exc:
            raise self._error(exc) from exc

    def finish(self, foreign: Sequence[str] = ()) -> tuple[int, list[BrokenLink]]:
        """Carry over the previous site's ``foreign`` files, write the manifest, and check every link."""
        try:
            for rel in foreign:
                if rel in self._written or self.previous is None:
                    continue
                path = _inside(self.root, rel)
                path.parent.mkdir(parents=True, exist_ok=True)
                if not _link(self.previous / rel, path):
                    shutil.copy2(self.previous / rel, path)
            (self.root / MANIFEST).write_text(
                "".join(f"{rel}\n" for rel in sorted(self._written)), encoding="utf-8"
            )
        except OSError as exc:
            raise self._error(exc) from exc
        return self._links.check(self.out_dir)

    def _error(self, exc: OSError) -> SiteError:
        return SiteError(
            f"cannot write the site to {self.out_dir}: {exc.strerror or exc}"
        )


def _link(existing: Path, new: Path) -> bool:
    """Hard-link ``new`` to ``existing``; False where the file system cannot."""
    try:
        os.link(existing, new)
    except OSError:
        return False
    return True


def _inside(root: Path, rel: str) -> Path:
    path = (root / rel).resolve()
    if root not in path.parents:
        raise SiteError(f"refusing to write {rel!r} outside {root}")
    return path


__all__ = ["BuildReport", "SiteError", "build_site"]
