"""The site's search page answers as `evidence search` does: same hits, same order, same scores.

The sample corpus is ingested through the CLI, the site built from that
index, and each query run both ways: `evidence search --json` in Python and
the page's own engine (search.js) in Chromium, opened from file://.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_browser import CHROMIUM, LAUNCH_ARGS, _need_browser

from evidence.cli import cli

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
LIMIT = 400

#: (query, --kind, --theme): each operator of the query language at least once.
QUERIES = [
    ("workforce", None, None),  # a word, in every form (Porter2)
    ("planning", None, None),
    ("staff shortages", None, None),  # words: all must match
    ("workforce AND funding", None, None),
    ("capital OR revenue", None, None),
    ("integrated NOT care", None, None),
    ("NOT capital", None, None),  # only NOT: everything else
    ("(capital OR revenue) AND funding", None, None),  # parentheses
    ('"integrated care"', None, None),  # a phrase
    ('"care system" OR "health board"', None, None),
    ("recommend*", None, None),  # a prefix
    ("workforse~", None, None),  # fuzzy
    ("fundng~1 NOT capital", None, None),
    ("ICSs", None, None),  # a synonym group (acronym, plural)
    ("kind:recommendation", None, None),  # field filters
    ("kinds:recommendations staff", None, None),  # unknown field: an error both ways
    ("kind:figures funding", None, None),
    ("theme:finance deficit", None, None),
    ("source:nuffield", None, None),  # a body by part of its name
    ("year:2022..2023 funding", None, None),
    ('mentions:"NHS England" boards', None, None),
    ("board's", None, None),  # a possessive
    (
        "shortages organisational prioritising",
        None,
        None,
    ),  # words the corpus lacks: stemmed in the page
    ("organisational OR prioritising", None, None),
    ("the", None, None),  # a stop word alone
    ("capital AND", None, None),  # a dangling operator: plain words
    ("funding", "figure", None),  # --kind
    ("care", None, "workforce"),  # --theme
]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("parity")
    index_dir, site = root / "index", root / "site"
    runner = CliRunner()
    result = runner.invoke(
        cli, ["--index-dir", str(index_dir), "ingest", "--no-ocr", str(CORPUS)]
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        cli, ["--index-dir", str(index_dir), "build", "-o", str(site)]
    )
    assert result.exit_code == 0, result.output
    return index_dir, site


@pytest.fixture(scope="module")
def page(built: tuple[Path, Path]) -> Iterator[object]:
    _need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            tab = chromium.new_page()
            tab.goto((built[1] / "search.html").as_uri())
            yield tab
        finally:
            chromium.close()


def _python(
    index_dir: Path, query: str, kind: str | None, theme: str | None, limit: int
) -> object:
    args = [
        "--index-dir",
        str(index_dir),
        "search",
        query,
        "--json",
        "--limit",
        str(limit),
    ]
    if kind:
        args += ["--kind", kind]
    if theme:
        args += ["--theme", theme]
    result = CliRunner().invoke(cli, args)
    if result.exit_code != 0:
        return "error"
    return [(h["passage_id"], round(h["score"], 4)) for h in json.loads(result.stdout)]


def _browser(
    tab: object, query: str, kind: str | None, theme: str | None, limit: int
) -> object:
    found = tab.evaluate(  # type: ignore[attr-defined]
        """([query, options]) => EvidenceSearch.run(query, options).then(
               r => r.hits.map(h => [h.passage[0], h.score]),
               e => e instanceof EvidenceSearch.QueryError ? "error" : "crash: " + e)""",
        [query, {"limit": limit, "kind": kind or "", "theme": theme or ""}],
    )
    return found if isinstance(found, str) else [(p, round(s, 4)) for p, s in found]


@pytest.mark.parametrize(("query", "kind", "theme"), QUERIES)
def test_the_page_ranks_as_the_cli_does(
    built: tuple[Path, Path],
    page: object,
    query: str,
    kind: str | None,
    theme: str | None,
) -> None:
    # every hit, then the best 10: among equal scores at the cut both keep the same passages
    for limit in (LIMIT, 10):
        expected = _python(built[0], query, kind, theme, limit)
        assert _browser(page, query, kind, theme, limit) == expected, limit


def test_the_queries_find_something(built: tuple[Path, Path]) -> None:
    """A parity test over empty results would prove little: nearly every query finds passages."""
    found = [_python(built[0], q, k, t, LIMIT) for q, k, t in QUERIES]
    assert sum(1 for f in found if isinstance(f, list) and f) >= len(QUERIES) - 3


#: Endings that exercise each step of Porter2 on the corpus's own words.
ENDINGS = (
    "s",
    "es",
    "ed",
    "ing",
    "ly",
    "ness",
    "ation",
    "ational",
    "ization",
    "fulness",
    "ies",
    "ment",
    "ize",
)


def test_the_page_stems_as_python_does(page: object) -> None:
    """Words the corpus lacks are stemmed in the page by a port of Whoosh's Porter2: the same stems."""
    from evidence.index.analysis import stem as _stem
    from evidence.index.analysis import words

    vocabulary = sorted(
        {
            w
            for path in CORPUS.iterdir()
            for w in words(path.read_text("utf-8", "ignore"))
        }
    )
    made = [w + e for w in vocabulary if w.isalpha() for e in ENDINGS]
    odd = [
        "'tis",
        "y",
        "yy",
        "ys",
        "sky",
        "skies",
        "dying",
        "yelling",
        "proceeding",
        "generously",
        "communal",
    ]
    wanted = vocabulary + made + odd
    got = page.evaluate(  # type: ignore[attr-defined]
        "words => words.map(w => EvidenceSearch.porter2(w))", wanted
    )
    assert len(wanted) > 20_000
    assert [w for w, s in zip(wanted, got) if s != _stem(w)] == []
