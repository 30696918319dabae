"""The `evidence` command: parse, call one library function, report.

Library errors (:class:`~evidence.errors.EvidenceError`) become one-line
messages here and nowhere else. Heavy imports (spaCy, scikit-learn) happen
inside the commands that need them, so `evidence search` starts quickly.
"""

from __future__ import annotations

import csv
import errno
import json
import os
import sqlite3
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click

from .discovery import NOT_REGULAR, OUTSIDE_LINK, UNSUPPORTED
from .errors import EvidenceError, QueryError
from .kinds import KINDS

EXIT_PARTIAL = 3


@dataclass
class Settings:
    """What every command shares: where the derived data lives."""

    index_dir: Path


class UserError(click.ClickException):
    """A one-line message (plus the fix, if there is one), exit status 1."""

    def __init__(self, error: EvidenceError) -> None:
        message = str(error)
        if error.hint:
            message += f" ({error.hint})"
        super().__init__(message)


class QueryUserError(UserError):
    """A query that cannot be read: exit status 2, as for any usage error."""

    exit_code = 2


class EvidenceGroup(click.Group):
    """Translate domain errors once, for every command."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except QueryError as exc:
            raise QueryUserError(exc) from None
        except EvidenceError as exc:
            raise UserError(exc) from None
        except (
            sqlite3.DatabaseError
        ) as exc:  # met at any query: a full disk or a damaged store
            from .store import database_error

            raise UserError(database_error(exc, _index_dir(ctx))) from None
        except OSError as exc:
            if exc.errno not in (errno.ENOSPC, errno.EDQUOT):
                raise
            from .store import no_space

            raise UserError(
                no_space(Path(exc.filename).parent if exc.filename else _index_dir(ctx))
            ) from None
        except KeyboardInterrupt:
            raise click.ClickException(
                "interrupted; the store and index keep their last committed state"
            ) from None


def _index_dir(ctx: click.Context) -> Path:
    return ctx.obj.index_dir if isinstance(ctx.obj, Settings) else Path("indexes")


@click.group(
    cls=EvidenceGroup, context_settings={"help_option_names": ["-h", "--help"]}
)
@click.option(
    "--index-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("indexes"),
    envvar="EVIDENCE_INDEX_DIR",
    show_default=True,
    show_envvar=True,
    help="Where the store and the search index live.",
)
@click.version_option(package_name="evidence")
@click.pass_context
def cli(ctx: click.Context, index_dir: Path) -> None:
    """Read policy reports and evidence; extract, search and brief.

    Set NO_COLOR to any value for output without colour on a terminal.

    \b
    Example:
        evidence ingest corpus/
        evidence search "capital regime"
        evidence build -o site
    """
    ctx.obj = Settings(index_dir=index_dir)
    if os.environ.get("NO_COLOR"):
        ctx.color = False


def _set_index_dir(
    ctx: click.Context, _param: click.Parameter, value: Path | None
) -> None:
    if value is not None:
        settings = ctx.find_object(Settings)
        assert settings is not None  # the group made it before any command option
        settings.index_dir = value


#: A command function, or a command already made of one, that an option decorates.
_Cmd = TypeVar("_Cmd", bound=Callable[..., Any] | click.Command)


def index_dir_option(command: _Cmd) -> _Cmd:
    """``--index-dir`` after the command name too (``evidence search --index-dir X``)."""
    return click.option(
        "--index-dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        expose_value=False,
        is_eager=True,
        callback=_set_index_dir,
        help="Where the store and the search index live (as before the command).",
    )(command)


def _kind(
    _ctx: click.Context, _param: click.Parameter, value: str | None
) -> str | None:
    """A finding kind as the registry names it; its plural is taken too, in any case."""
    if value is None:
        return None
    kind = KINDS.find(value)
    if kind is None:
        raise click.BadParameter(
            f"unknown kind {value!r}: use one of {', '.join(KINDS.names())}"
        )
    return kind.name


def themes_option(help_text: str) -> Callable[[_Cmd], _Cmd]:
    """``--themes FILE``: a theme taxonomy (TOML) to use from now on."""
    return click.option(
        "--themes",
        "themes_file",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help=help_text,
    )


def theme_option(help_text: str) -> Callable[[_Cmd], _Cmd]:
    """``--theme THEME``: one theme by id or label, resolved by the command."""
    return click.option("--theme", help=help_text)


def kind_option(help_text: str) -> Callable[[_Cmd], _Cmd]:
    """``--kind KIND``: one finding kind, singular or plural."""
    return click.option("--kind", callback=_kind, help=help_text)


def json_option(help_text: str) -> Callable[[_Cmd], _Cmd]:
    """``--json``: print what the command shows as JSON instead (``as_json``)."""
    return click.option("--json", "as_json", is_flag=True, help=help_text)


# -- ingest -----------------------------------------------------------------


class _Bar:
    """A click progress bar on a terminal; silence elsewhere."""

    def __init__(self) -> None:
        self.bar: Any = None

    def start(self, total: int) -> None:
        if total and sys.stderr.isatty():
            self.bar = click.progressbar(length=total, label="Reading", file=sys.stderr)
            self.bar.__enter__()

    def advance(self, path: str) -> None:
        if self.bar is not None:
            self.bar.update(1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


@cli.command()
@index_dir_option
@click.argument(
    "paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path)
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes (default: all cores).",
)
@click.option(
    "--model",
    default=None,
    help="A trained spaCy pipeline to run before our rules, e.g. en_core_web_sm.",
)
@click.option(
    "--metadata",
    "metadata_csv",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="CSV giving title, organisation, type, date or reference per file.",
)
@click.option(
    "--strict", is_flag=True, help="Write nothing if any file cannot be read."
)
@themes_option("A theme taxonomy (TOML) to use from now on instead of the default.")
@click.option(
    "--max-file-size",
    type=click.FloatRange(min=0.001),
    default=200.0,
    show_default=True,
    help="Refuse files larger than this many MB.",
)
@click.option(
    "--max-pages",
    type=click.IntRange(min=1),
    default=5000,
    show_default=True,
    help="Refuse PDFs with more pages.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=300.0,
    show_default=True,
    help="Seconds one file may take before it is given up.",
)
@click.option(
    "--max-memory",
    type=click.IntRange(min=64),
    default=2048,
    show_default=True,
    help="MB of memory one reading worker may take beyond its start; a file needing more fails alone.",
)
@click.option(
    "--no-ocr",
    "no_ocr",
    is_flag=True,
    help="Do not read scanned PDF pages with Tesseract (faster); a scanned file is then refused.",
)
@click.option(
    "--follow-links",
    is_flag=True,
    envvar="EVIDENCE_FOLLOW_LINKS",
    show_envvar=True,
    help="Read files and folders that symbolic links lead to outside the folder.",
)
@click.option(
    "--skip-unsupported",
    is_flag=True,
    help="Files in formats evidence does not read are expected: count them, do not list them or exit 3.",
)
@click.pass_obj
def ingest(
    settings: Settings,
    paths: tuple[Path, ...],
    workers: int | None,
    model: str | None,
    metadata_csv: Path | None,
    strict: bool,
    themes_file: Path | None,
    max_file_size: float,
    max_pages: int,
    timeout: float,
    follow_links: bool,
    skip_unsupported: bool,
    no_ocr: bool,
    max_memory: int,
) -> None:
    """Sync folders (or files) into the store and the search index.

    New and changed files go in, unchanged ones are skipped by content hash
    (a file moved or renamed keeps its id and is not read again), and files
    gone from a folder ingested before are removed. Every file that does not
    go in is named on stderr with its reason, and the exit status is then 3;
    the rest went in. Only regular files are read; links out of the folder,
    hidden files, a site written by `evidence build` and the index directory
    are left out. A folder that cannot be read keeps what was stored from it.

    \b
    Example:
        evidence ingest corpus/ --metadata submissions.csv
        evidence ingest inbox/ --skip-unsupported      # .pptx, .zip ... expected
    """
    from .ingest import IngestFailed, Limits
    from .ingest import ingest as run_ingest

    bar = _Bar()
    limits = Limits(
        max_bytes=int(max_file_size * 1024 * 1024),
        max_pages=max_pages,
        timeout=timeout,
        ocr=not no_ocr,
        max_memory=max_memory * 1024 * 1024,
    )
    try:
        report = run_ingest(
            paths,
            index_dir=settings.index_dir,
            workers=workers,
            model=model,
            metadata_csv=metadata_csv,
            strict=strict,
            progress=bar,
            limits=limits,
            themes=themes_file,
            follow_links=follow_links,
        )
    except IngestFailed as exc:
        bar.close()
        for path, reason in exc.failed:
            click.echo(f"failed: {_one_line(path)}: {reason}", err=True)
        raise UserError(exc) from None
    finally:
        bar.close()
    for path, reason in report.failed + report.attachments_failed + report.unreadable:
        click.echo(f"failed: {_one_line(path)}: {reason}", err=True)
    for warning in report.warnings:
        click.echo(f"warning: {_one_line(warning)}", err=True)
    named = [
        (path, kind, reason)
        for path, kind, reason in report.skipped
        if not (skip_unsupported and kind == UNSUPPORTED)
    ]
    for path, kind, reason in named:
        click.echo(
            f"skipped: {_one_line(path)}: {reason}{_SKIP_HINTS.get(kind, '')}", err=True
        )
    for path in report.metadata_sheets:
        click.echo(
            f"note: {_one_line(path)} read as the list of submissions: its titles, bodies, types and dates apply",
            err=True,
        )
    for path, what in report.own_output:
        click.echo(f"note: not read: {_one_line(path)} ({what})", err=True)
    summary = (
        f"{report.documents} document{'s' if report.documents != 1 else ''}: {len(report.new)} new, {len(report.changed)} changed, "
        f"{len(report.unchanged)} unchanged, {len(report.removed)} removed; {len(report.failed)} failed"
    )
    if report.duplicates:
        summary += f"; {len(report.duplicates)} duplicate{'s' if len(report.duplicates) != 1 else ''}"
    if report.moved:
        summary += f"; {len(report.moved)} moved"
    if report.attachments or report.attachments_failed:
        summary += f"; {len(report.attachments)} attached document{'s' if len(report.attachments) != 1 else ''} read"
        if report.attachments_failed:
            summary += f", {len(report.attachments_failed)} failed"
    for kind in (UNSUPPORTED, OUTSIDE_LINK, NOT_REGULAR):
        count = sum(
            1 for _path, skip_kind, _reason in report.skipped if skip_kind == kind
        )
        if count:
            summary += f"; {count} skipped ({kind})"
    if report.unreadable:
        summary += f"; {len(report.unreadable)} unreadable folder{'s' if len(report.unreadable) != 1 else ''}"
    click.echo(summary)
    if report.index_rebuilt:
        click.echo(
            "Search index rebuilt from the store (it was written by an older version of evidence)."
        )
    elif report.index_repaired:
        click.echo(f"Search index rebuilt from the store ({report.index_repaired}).")
    elif not report.changed_anything:
        click.echo("Nothing changed.")
    if report.failed or report.attachments_failed or report.unreadable or named:
        sys.exit(EXIT_PARTIAL)


#: What the user can do about a file passed over, by kind.
_SKIP_HINTS = {
    UNSUPPORTED: " (--skip-unsupported if expected)",
    OUTSIDE_LINK: " (--follow-links reads it)",
}


def _one_line(text: str) -> str:
    """A file name as one line: a newline in a name must not split the report."""
    return text.replace("\r", "\\r").replace("\n", "\\n")


# -- status and show --------------------------------------------------------


@cli.command()
@index_dir_option
@json_option("Print the report as a JSON object.")
@click.pass_obj
def status(settings: Settings, as_json: bool) -> None:
    """Counts, where the index lives, and when it was last ingested.

    \b
    Example:
        evidence status
        evidence status --json
    """
    from .catalogue import status_report
    from .store import Store

    with Store(settings.index_dir) as store:
        report = status_report(store, str(settings.index_dir))
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
        return
    counts, roots = report["counts"], report["sources"]
    click.echo(f"Index directory: {settings.index_dir}")
    click.echo(f"Sources: {', '.join(roots) if roots else 'none'}")
    click.echo(f"Last ingest: {report['last_ingest'] or 'never'}")
    click.echo(
        f"{counts['documents']} documents, {counts['passages']} passages; findings: "
        + ", ".join(f"{counts[kind.plural]} {kind.plural}" for kind in KINDS)
    )


@cli.command()
@index_dir_option
@click.argument("document")
@json_option("Print the document and its passages as a JSON object.")
@click.pass_obj
def show(settings: Settings, document: str, as_json: bool) -> None:
    """A document's metadata and its passages, with their ids.

    DOCUMENT is its id, its file name, or the file name without extension
    (any case); `evidence docs` lists them.

    \b
    Example:
        evidence show nao-ics-summary-1a2b3c
        evidence show "NAO summary.pdf" --json
    """
    from .catalogue import document_detail, find_document
    from .store import Store

    with Store(settings.index_dir) as store:
        doc = find_document(store, document)
        if as_json:
            click.echo(
                json.dumps(document_detail(store, doc), ensure_ascii=False, indent=2)
            )
            return
        passages = store.passages(doc.doc_id)
        aliases = store.aliases_of(doc.doc_id)
        parent_id = store.attached_to(doc.doc_id)
        parent = store.document(parent_id) if parent_id else None
        attachments = [store.document(a) for a in store.attachments_of(doc.doc_id)]
    meta = doc.metadata
    click.echo(f"{doc.title}")
    for label, value in (
        ("id", doc.doc_id),
        ("path", doc.path),
        ("format", doc.format),
        ("pages", doc.pages),
        ("organisation", meta.org),
        ("type", meta.doc_type),
        ("date", meta.date),
        ("reference", meta.ref),
    ):
        click.echo(f"  {label + ':':<14}{value if value not in (None, '') else '-'}")
    if aliases:
        click.echo(f"  {'also at:':<14}{', '.join(aliases)}")
    if parent is not None:
        click.echo(f"  {'attached to:':<14}{parent.doc_id} ({parent.title})")
    for n, attachment in enumerate(attachments):
        label = "attachments:" if n == 0 else ""
        click.echo(f"  {label:<14}{attachment.doc_id} ({attachment.title})")
    click.echo()
    for p in passages:
        where = f"p.{p.page} " if p.page else ""
        click.echo(f"[{p.passage_id}] {where}({p.kind})")
        click.echo(f"  {p.text}")


@cli.command()
@index_dir_option
@json_option("Print the documents as a JSON list.")
@click.option(
    "--csv",
    "as_csv",
    is_flag=True,
    help="Print the documents as CSV with a header row.",
)
@click.pass_obj
def docs(settings: Settings, as_json: bool, as_csv: bool) -> None:
    """Every document: id, title, organisation, type, date and reference.

    \b
    Example:
        evidence docs
        evidence docs --csv > documents.csv
    """
    from .catalogue import DOCUMENT_FIELDS, document_rows
    from .store import Store

    if as_json and as_csv:
        raise click.UsageError("give --json or --csv, not both")
    with Store(settings.index_dir) as store:
        rows = document_rows(store)
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if as_csv:
        from .export import csv_cell

        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(DOCUMENT_FIELDS)
        for row in rows:
            writer.writerow([csv_cell(row[f]) for f in DOCUMENT_FIELDS])
        return
    if not rows:
        click.echo("No documents yet: run `evidence ingest FOLDER`.")
        return
    for row in rows:
        details = " · ".join(
            str(row[f]) for f in ("org", "type", "date", "ref") if row[f]
        )
        click.echo(click.style(row["id"], bold=True) + f"  {row['title']}")
        if details:
            click.echo(f"    {details}")
    click.echo(f"{len(rows)} document{'s' if len(rows) != 1 else ''}")


# -- search -----------------------------------------------------------------


@cli.command()
@index_dir_option
@click.argument("query")
@kind_option(
    f"Only passages holding this kind of finding ({', '.join(KINDS.names())})."
)
@theme_option(
    "Only passages with this theme: its id or label, any case (see `evidence themes`)."
)
@click.option(
    "--source", help="Only documents by this organisation (name or acronym, e.g. nao)."
)
@click.option(
    "--type", "doc_type", help='Only this document type, e.g. "written evidence".'
)
@click.option("--year", help="A year (2023) or a range (2022..2023).")
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    help="How many hits.",
)
@click.option("--group", is_flag=True, help="Best passages per document.")
@json_option("Print the hits as a JSON list.")
@click.option(
    "--json-object",
    "as_json_object",
    is_flag=True,
    help="Print {query, total, hits} as JSON, each hit with its document's date, reference and type.",
)
@click.pass_obj
def search(
    settings: Settings,
    query: str,
    kind: str | None,
    theme: str | None,
    source: str | None,
    doc_type: str | None,
    year: str | None,
    limit: int,
    group: bool,
    as_json: bool,
    as_json_object: bool,
) -> None:
    """Ranked passages for QUERY, with the matched words highlighted.

    Words must all match; "quoted phrases", OR, NOT, parentheses, prefix*,
    fuzzy~ and field filters (kind:, theme:, source:, type:, year:) work in
    the query. Acronyms find their expansions (NHSE finds "NHS England").

    \b
    Example:
        evidence search '"capital regime" source:nao'
        evidence search "workforce plan" --kind recommendation --json
    """
    from .search import search as run_search
    from .theming import resolve_theme

    if as_json and as_json_object:
        raise click.UsageError("give --json or --json-object, not both")

    result = run_search(
        settings.index_dir,
        query,
        kind=kind,
        theme=resolve_theme(settings.index_dir, theme),
        source=source,
        doc_type=doc_type,
        year=year,
        limit=limit,
        group=group,
    )
    if as_json:
        click.echo(json.dumps(result.json_hits(), ensure_ascii=False, indent=2))
        return
    if as_json_object:
        from .store import Store

        with Store(settings.index_dir) as store:
            documents = {
                doc_id: store.document(doc_id)
                for doc_id in {h["doc_id"] for h in result.hits}
                if store.has_document(doc_id)
            }
        click.echo(
            json.dumps(
                result.json_object(query, documents), ensure_ascii=False, indent=2
            )
        )
        return
    if result.fallback_note:
        click.echo(f"note: {result.fallback_note}", err=True)
    if not result.hits:
        message = "No passages match."
        if result.suggestion:
            message += f" Did you mean '{result.suggestion}'?"
        click.echo(message)
        return
    from .store import Store

    with Store(settings.index_dir) as store:
        cites = _Cites(store)
        if result.groups is not None:
            for rank, group_item in enumerate(result.groups, start=1):
                click.echo(
                    click.style(f"{rank}. {group_item['doc_title']}", bold=True)
                    + cites.suffix(group_item)
                )
                for hit in group_item["passages"]:
                    _echo_hit(hit, cites.locator(hit), indent="   ")
            return
        for rank, hit in enumerate(result.hits, start=1):
            click.echo(
                click.style(f"{rank}. {hit['doc_title']}", bold=True)
                + cites.suffix(hit)
            )
            _echo_hit(hit, cites.locator(hit), indent="   ")
    shown = len(result.hits)
    click.echo(
        f"{shown} of {result.total} matching passage{'s' if result.total != 1 else ''}"
    )


class _Cites:
    """What a hit's citation needs from the store: the document's reference
    and date after its body, and "p. N" or "para N" before the passage id."""

    def __init__(self, store: Any) -> None:
        from .citations import Citer

        self._store = store
        self._citer = Citer(store)

    def suffix(self, item: dict[str, Any]) -> str:
        org = f" — {item['doc_org']}" if item.get("doc_org") else ""
        if not self._store.has_document(item["doc_id"]):
            return org
        meta = self._store.document(item["doc_id"]).metadata
        title = item.get("doc_title") or ""
        extra = [
            v
            for v in (meta.ref, meta.date)
            if v and v.casefold() not in title.casefold()
        ]
        return org + (f" ({', '.join(extra)})" if extra else "")

    def locator(self, hit: dict[str, Any]) -> str | None:
        return self._citer.locator(hit["doc_id"], hit["passage_id"], hit.get("page"))


def _echo_hit(hit: dict[str, Any], where: str | None, *, indent: str) -> None:
    from .search import marked_pieces

    shown = f"{where} · " if where else ""
    click.echo(f"{indent}{shown}{hit['passage_id']} · score {hit['score']:.2f}")
    for fragment in hit["highlights"] or [hit["text"][:200]]:
        styled = "".join(
            click.style(text, fg="yellow", bold=True) if match else text
            for text, match in marked_pieces(fragment)
        )
        click.echo(f"{indent}{styled}")


# -- themes -----------------------------------------------------------------


@cli.command()
@index_dir_option
@json_option("Print the table as JSON.")
@click.option(
    "--discover",
    is_flag=True,
    help="Suggest themes for passages the taxonomy does not cover.",
)
@click.option(
    "--topics",
    type=click.IntRange(1, 50),
    default=5,
    show_default=True,
    help="How many candidates with --discover.",
)
@themes_option("Use this taxonomy (TOML) from now on and re-assign every passage.")
@click.pass_obj
def themes(
    settings: Settings,
    as_json: bool,
    discover: bool,
    topics: int,
    themes_file: Path | None,
) -> None:
    """Each theme with its counts of documents, passages and findings.

    \b
    Example:
        evidence themes
        evidence themes --themes my-taxonomy.toml --json
        evidence themes --discover
    """
    from .ingest import retheme
    from .store import Store
    from .theming import discover as discover_themes
    from .theming import theme_table, use_taxonomy

    with Store(settings.index_dir) as store:
        taxonomy = use_taxonomy(settings.index_dir, themes_file)
        if themes_file is not None:
            retheme(store, settings.index_dir, taxonomy)
        if discover:
            candidates = discover_themes(store, n_topics=topics)
            if as_json:
                click.echo(json.dumps(candidates, ensure_ascii=False, indent=2))
                return
            if not candidates:
                click.echo("Every passage has a theme, or too few are left to cluster.")
            for number, candidate in enumerate(candidates, start=1):
                click.echo(
                    f"Candidate {number} ({candidate['size']} passages): {', '.join(candidate['terms'])}"
                )
                for example in candidate["examples"]:
                    click.echo(f"  [{example['passage_id']}] {example['text'][:160]}")
            return
        table = theme_table(store, taxonomy)
    if as_json:
        click.echo(json.dumps(table, ensure_ascii=False, indent=2))
        return
    headers = ("id", "theme", "documents", "passages", *(k.plural for k in KINDS))
    id_width = max(len(headers[0]), *(len(str(row["id"])) for row in table))
    width = max(len(headers[1]), *(len(str(row["label"])) for row in table))
    click.echo(
        f"{headers[0]:<{id_width}}  {headers[1]:<{width}}  "
        + "  ".join(f"{h:>{len(h)}}" for h in headers[2:])
    )
    for row in table:
        click.echo(
            f"{str(row['id']):<{id_width}}  {str(row['label']):<{width}}  "
            + "  ".join(f"{row[h]:>{len(h)}}" for h in headers[2:])
        )


# -- build ------------------------------------------------------------------


@cli.command()
@index_dir_option
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("site"),
    show_default=True,
    help="Folder to write the site into.",
)
@click.option(
    "--templates",
    "templates_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Folder of templates that override ours by file name.",
)
@themes_option(
    "Re-assign themes with this taxonomy (TOML) before building, and keep it."
)
@click.option(
    "--title",
    help='The site\'s name on every page, e.g. "Inquiry into ICSs" (default: Evidence briefing).',
)
@click.pass_obj
def build(
    settings: Settings,
    output: Path,
    templates_dir: Path | None,
    themes_file: Path | None,
    title: str | None,
) -> None:
    """Write the briefing site: theme pages, documents, figures, recommendations.

    The site is static and self-contained: open index.html from disk or put
    the folder on any web server. The same store builds the same bytes.

    \b
    Example:
        evidence build -o site
        evidence build -o site --templates my-templates/
        evidence build -o site --title "Inquiry into ICSs"
    """
    from .ingest import retheme
    from .render import build_site
    from .store import Store
    from .theming import use_taxonomy

    with Store(settings.index_dir) as store:
        taxonomy = use_taxonomy(settings.index_dir, themes_file)
        if themes_file is not None:
            retheme(store, settings.index_dir, taxonomy)
        report = build_site(
            store, output, templates=templates_dir, taxonomy=taxonomy, title=title
        )
    for broken in report.broken:
        click.echo(f"broken link: {broken}", err=True)
    click.echo(
        f"{report.pages} pages written to {output} ({report.links_checked} links checked, {len(report.broken)} broken)"
    )
    if report.broken:
        raise click.ClickException(
            f"{len(report.broken)} broken link(s) in the site; see the lines above"
        )
    click.echo(f"Open {output / 'index.html'}")


# -- brief ------------------------------------------------------------------


@cli.command()
@index_dir_option
@theme_option(
    "Only this theme: its id or label, any case (default: every theme, a section each)."
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("briefing.docx"),
    show_default=True,
    help="Word file to write.",
)
@click.pass_obj
def brief(settings: Settings, theme: str | None, output: Path) -> None:
    """Write a Word briefing: headline figures, a figures table and recommendations by addressee.

    It shows what the site's theme pages show, and every statement carries a
    Word footnote citing its source: (Body, Title, ref, p. N) for a PDF page,
    else the paragraph ("para 3.2"). Without --theme every theme gets a
    section, in the taxonomy's order. The same store writes the same bytes.

    \b
    Example:
        evidence brief --theme workforce -o workforce.docx
        evidence brief -o briefing.docx
    """
    from .brief import write_brief
    from .store import Store
    from .theming import use_taxonomy

    with Store(settings.index_dir) as store:
        report = write_brief(
            store, output, theme=theme, taxonomy=use_taxonomy(settings.index_dir, None)
        )
    about = report.themes[0] if theme is not None else f"{len(report.themes)} themes"
    click.echo(
        f"Briefing on {about} written to {output}: {report.figures} figures, "
        f"{report.recommendations} recommendations, {report.footnotes} footnotes"
    )


# -- export -----------------------------------------------------------------


@cli.command()
@index_dir_option
@kind_option(f"Only this kind: {KINDS.choices()} (plurals too).")
@theme_option("Only findings with this theme: its id or label, any case.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "csv", "json", "xlsx"]),
    default="jsonl",
    show_default=True,
    help="xlsx: a workbook with one sheet per kind (needs -o).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="File to write (default: stdout).",
)
@click.pass_obj
def export(
    settings: Settings,
    kind: str | None,
    theme: str | None,
    fmt: str,
    output: Path | None,
) -> None:
    """Every finding in the export schema, as JSON Lines, JSON, CSV or a workbook.

    CSV files are written with a UTF-8 byte-order mark so spreadsheets open
    them cleanly. An xlsx workbook has one sheet per kind with only that
    kind's columns, and themes by their labels.

    \b
    Example:
        evidence export --kind figure --format csv -o figures.csv
        evidence export --format xlsx -o findings.xlsx
    """
    from .export import export_rows, write_export, write_workbook
    from .store import Store
    from .theming import resolve_theme, use_taxonomy

    if fmt == "xlsx" and output is None:
        raise click.UsageError("--format xlsx writes a file: give -o FILE.xlsx")
    with Store(settings.index_dir) as store:
        rows = export_rows(
            store,
            kind=kind,
            theme=resolve_theme(settings.index_dir, theme),
            citations=fmt in ("csv", "xlsx"),
        )
        if fmt == "xlsx":
            assert output is not None  # refused above
            labels = {
                t.id: t.label for t in use_taxonomy(settings.index_dir, None).themes
            }
            count = write_workbook(rows, output, theme_labels=labels)
            click.echo(f"{count} findings written to {output}", err=True)
            return
        if output is None:
            try:
                write_export(rows, sys.stdout, fmt)
                sys.stdout.flush()
            except OSError as exc:
                if exc.errno not in (errno.ENOSPC, errno.EDQUOT):
                    raise
                from .errors import StoreError

                raise UserError(
                    StoreError(
                        "no space left on the device standard output writes to",
                        hint="free some space and run the command again",
                    )
                ) from None
            return
        encoding = "utf-8-sig" if fmt == "csv" else "utf-8"
        try:
            with output.open("w", encoding=encoding, newline="") as handle:
                count = write_export(rows, handle, fmt)
        except OSError as exc:
            if exc.errno in (errno.ENOSPC, errno.EDQUOT):
                from .store import no_space

                output.unlink(
                    missing_ok=True
                )  # half a file would pass for the whole export
                raise UserError(no_space(output)) from None
            raise click.BadParameter(
                f"cannot write {output}: {exc.strerror}", param_hint="--output"
            ) from None
    click.echo(f"{count} findings written to {output}", err=True)


def main() -> None:
    """Console-script entry point; EVIDENCE_<COMMAND>_<OPTION> sets any option."""
    cli(prog_name="evidence", auto_envvar_prefix="EVIDENCE")


if __name__ == "__main__":  # pragma: no cover
    main()
