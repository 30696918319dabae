"""The briefing site in a real headless Chromium, used as an analyst would use it.

Needs Debian's chromium and the Python playwright package (see
install_browser.sh). Where they are missing the tests skip, unless
EVIDENCE_REQUIRE_BROWSER=1 (CI sets it), when they fail instead.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from site_fixture import HOSTILE_TEXT, make_store

from evidence.render import build_site

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
OUTPUT = Path(__file__).resolve().parents[1] / "output" / "e2e"


def _need_browser() -> None:
    missing = []
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the playwright package")
    if not CHROMIUM.exists():
        missing.append(str(CHROMIUM))
    if missing:
        message = f"browser tests need {' and '.join(missing)}: run tests/e2e/install_browser.sh"
        if os.environ.get("EVIDENCE_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = OUTPUT / "site"
    if out.exists():
        shutil.rmtree(out)
    store = make_store(tmp_path_factory.mktemp("e2e-index"))
    try:
        report = build_site(store, out)
    finally:
        store.close()
    assert report.broken == ()
    return out


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    _need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


class Watch:
    """Collects dialogs, page errors, console errors and requests off the site."""

    def __init__(self, page: object, allowed_prefix: str) -> None:
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.outside: list[str] = []
        page.on("dialog", self._dialog)
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        # A missing resource shows as a console error too; responses below say which.
        page.on(
            "console",
            lambda msg: (
                self.errors.append(msg.text)
                if msg.type == "error"
                and not msg.text.startswith("Failed to load resource")
                else None
            ),
        )
        # Browsers ask a server for /favicon.ico unprompted; the site links no icon.
        page.on(
            "response",
            lambda res: (
                self.errors.append(f"{res.status} {res.url}")
                if res.status >= 400 and not res.url.endswith("/favicon.ico")
                else None
            ),
        )
        page.on(
            "request",
            lambda req: (
                None
                if req.url.startswith(allowed_prefix)
                else self.outside.append(req.url)
            ),
        )

    def _dialog(self, dialog: object) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()


@pytest.fixture()
def page(browser: object, site: Path) -> Iterator[tuple[object, Watch]]:
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    tab = context.new_page()
    watch = Watch(tab, site.as_uri())
    try:
        yield tab, watch
    finally:
        context.close()
    assert watch.dialogs == []
    assert watch.errors == []
    assert watch.outside == []


def test_index_to_theme_to_passage(page: tuple[object, Watch], site: Path) -> None:
    tab, _ = page
    OUTPUT.mkdir(parents=True, exist_ok=True)
    tab.goto((site / "index.html").as_uri())
    assert tab.locator("h1").inner_text() == "What the evidence says"
    assert (
        tab.locator(".matrix caption")
        .inner_text()
        .startswith("Passages on each theme, by body.")
    )
    tab.screenshot(path=str(OUTPUT / "index.png"), full_page=True)

    tab.get_by_role("link", name="Workforce", exact=True).first.click()
    assert tab.url == (site / "themes" / "workforce.html").as_uri()
    assert tab.locator("h1").inner_text() == "Workforce"
    assert tab.locator("#recs-h + section h3").first.inner_text() == "To DHSC (1)"
    tab.screenshot(path=str(OUTPUT / "theme-workforce.png"), full_page=True)

    link = tab.locator("section.group", has_text="To NHS England").locator("a.src")
    assert (
        link.inner_text()
        == "National Audit Office, Introducing integrated care systems, 2022-06-17, p.\u00a02"
    )
    link.click()
    assert (
        tab.url
        == (site / "docs" / "nao-ics-review-a1b2c3.html").as_uri()
        + "#nao-ics-review-a1b2c3-passage3"
    )
    target = tab.locator(":target")
    assert target.get_attribute("id") == "nao-ics-review-a1b2c3-passage3"
    assert target.inner_text().startswith(
        "We recommend that NHS England publish a costed workforce plan"
    )
    assert target.evaluate(
        "el => { const r = el.getBoundingClientRect(); return r.top >= 0 && r.top < innerHeight; }"
    )
    assert target.locator("mark.m-recommendation").count() == 1


def test_figures_table_filters_and_sorts(
    page: tuple[object, Watch], site: Path
) -> None:
    tab, _ = page
    tab.goto((site / "figures.html").as_uri())
    rows = tab.locator("#figures-table tbody tr")
    visible = tab.locator("#figures-table tbody tr:visible")
    assert rows.count() == 4
    count = tab.locator("[data-count='figures-table']")
    assert count.inner_text() == "Showing 4 of 4 rows"

    tab.get_by_label("Filter figures").fill("vacancy rate")
    assert visible.locator("td:first-child").all_inner_texts() == ["132,000", "9.7%"]
    assert count.inner_text() == "Showing 2 of 4 rows"
    tab.get_by_label("Filter figures").fill("national audit 110,000")
    assert visible.locator("td:first-child").all_inner_texts() == [
        "around 110,000 (around)"
    ]
    assert count.inner_text() == "Showing 1 of 4 rows"

    tab.get_by_label("Filter figures").fill("")
    tab.get_by_label("Kind").select_option("money")
    assert visible.count() == 1
    assert (
        visible.first.locator("td .measure").inner_text()
        == "gap in adult social care funding"
    )

    tab.get_by_label("Kind").select_option("")
    tab.get_by_label("Theme").select_option("workforce")
    assert visible.count() == 3

    tab.get_by_label("Theme").select_option("")
    tab.get_by_role("button", name="Value").click()
    firsts = tab.locator("#figures-table tbody tr td:first-child").all_inner_texts()
    assert firsts == ["9.7%", "around 110,000 (around)", "132,000", "£1.5 billion"]
    tab.get_by_role("button", name="Value").click()
    firsts = tab.locator("#figures-table tbody tr td:first-child").all_inner_texts()
    assert firsts == ["£1.5 billion", "132,000", "around 110,000 (around)", "9.7%"]
    assert (
        tab.locator("#figures-table th").first.get_attribute("aria-sort")
        == "descending"
    )


def test_search_capital_regime(page: tuple[object, Watch], site: Path) -> None:
    from playwright.sync_api import expect

    tab, _ = page
    tab.goto((site / "search.html").as_uri())
    tab.get_by_label("Words").fill("capital regime")
    results = tab.locator("#results li")
    expect(tab.locator("#search-count")).to_have_text("2 passages match.")
    assert results.locator("p").all_inner_texts() == [
        "The capital regime makes it hard for systems to invest in buildings and equipment.",
        "The government should reform the capital regime so systems can plan beyond one year.",
    ]
    # the words the query matched are marked, a run of them as one mark
    assert results.locator("mark").all_inner_texts() == ["capital regime"] * 2
    assert results.locator("a.src").all_inner_texts() == [
        "National Audit Office, Introducing integrated care systems, 2022-06-17, p. 3",
        "NHS Providers, Written evidence from NHS Providers, ICS0048, 2022-09, para 3",
    ]
    tab.get_by_label("Kind").select_option("recommendation")
    expect(tab.locator("#search-count")).to_have_text("1 passage matches.")
    results.first.locator("a.src").click()
    assert tab.url.endswith(
        "/docs/nhs-providers-ev-d4e5f6.html#nhs-providers-ev-d4e5f6-passage3"
    )
    assert (
        tab.locator(":target").get_attribute("id") == "nhs-providers-ev-d4e5f6-passage3"
    )


def test_search_speaks_the_query_language(
    page: tuple[object, Watch], site: Path
) -> None:
    from playwright.sync_api import expect

    tab, _ = page
    tab.goto((site / "search.html").as_uri() + '?q=vacanc*+NOT+"NHS+had"')
    expect(tab.locator("#search-count")).to_have_text("1 passage matches.")
    assert tab.locator("#results li mark").all_inner_texts() == ["vacancies", "vacancy"]
    tab.get_by_label("Words").fill("kinds:figure")
    expect(tab.locator("#search-count")).to_contain_text('unknown field "kinds:"')
    assert tab.locator("#results li").count() == 0


def test_a_search_is_shared_by_its_address(
    page: tuple[object, Watch], site: Path
) -> None:
    from playwright.sync_api import expect

    tab, _ = page
    tab.goto(
        (site / "search.html").as_uri()
        + "?q=capital+regime&kind=recommendation&theme=nowhere"
    )
    assert tab.get_by_label("Words").input_value() == "capital regime"
    assert tab.get_by_label("Kind").input_value() == "recommendation"
    assert (
        tab.get_by_label("Theme").input_value() == ""
    )  # a theme the site lacks is ignored
    expect(tab.locator("#search-count")).to_have_text("1 passage matches.")
    assert tab.locator("#results li p").all_inner_texts() == [
        "The government should reform the capital regime so systems can plan beyond one year.",
    ]
    # what is typed becomes the address, from file:// too, so it can be copied and sent
    tab.get_by_label("Kind").select_option("")
    tab.get_by_label("Words").fill("vacancies")
    tab.wait_for_url(
        (site / "search.html").as_uri() + "?q=vacancies", timeout=5000
    )  # the page's address changes after the event
    tab.reload()
    assert tab.get_by_label("Words").input_value() == "vacancies"
    expect(tab.locator("#results li")).to_have_count(2)


def test_hostile_document_executes_nothing(
    page: tuple[object, Watch], site: Path
) -> None:
    tab, watch = page
    for rel in (
        "docs/hostile-submission-ffffff.html",
        "themes/workforce.html",
        "orgs/b-onmouseover-alert-4-mischief-ltd-b.html",
        "index.html",
    ):
        tab.goto((site / rel).as_uri())
        assert tab.locator("script").count() == 1
        assert (
            tab.evaluate(
                "document.querySelectorAll('[onerror],[onmouseover],img,textarea,b').length"
            )
            == 0
        )
        assert (
            tab.evaluate("document.querySelectorAll('a[href^=\"javascript\"]').length")
            == 0
        )
    tab.goto((site / "docs/hostile-submission-ffffff.html").as_uri())
    assert tab.locator("h1").inner_text() == '<script>alert("title")</script>'
    text = tab.locator("#hostile-submission-ffffff-passage1 p").inner_text()
    assert text.startswith(
        'Read this <script>alert(1)</script> and <img src=x onerror="alert(2)"> now.'
    )
    assert '</textarea><b>bold</b> "quoted" & done.' in text

    from playwright.sync_api import expect

    tab.goto((site / "search.html").as_uri())
    tab.get_by_label("Words").fill("alert")
    expect(tab.locator("#results li")).to_have_count(1)
    assert tab.locator("#results li p").inner_text() == HOSTILE_TEXT
    assert (
        tab.evaluate(
            "document.querySelectorAll('#results script, #results img').length"
        )
        == 0
    )
    assert watch.dialogs == []


def test_reads_with_scripts_off(browser: object, site: Path) -> None:
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    try:
        tab.goto((site / "figures.html").as_uri())
        assert tab.locator("#figures-table tbody tr:visible").count() == 4
        assert tab.locator(".controls").is_hidden()
        tab.goto((site / "search.html").as_uri())
        assert "Search needs JavaScript." in tab.locator("main").inner_text()
    finally:
        context.close()


def test_served_over_http_and_on_a_phone(browser: object, site: Path) -> None:
    handler = functools.partial(
        http.server.SimpleHTTPRequestHandler, directory=str(site)
    )
    handler.log_message = lambda *args: None  # type: ignore[attr-defined]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True
    )
    tab = context.new_page()
    watch = Watch(tab, base)
    try:
        tab.goto(base + "search.html")
        tab.get_by_label("Words").fill("vacancies")
        from playwright.sync_api import expect

        expect(tab.locator("#results li")).to_have_count(2)
        tab.goto(base + "themes/workforce.html")
        width = tab.evaluate("document.documentElement.scrollWidth")
        assert width <= 390
        tab.screenshot(path=str(OUTPUT / "theme-workforce-phone.png"), full_page=True)
    finally:
        context.close()
        server.shutdown()
        server.server_close()
    assert watch.dialogs == [] and watch.errors == [] and watch.outside == []


def test_print_hides_navigation_and_link_addresses_and_focus_is_visible(
    page: tuple[object, Watch], site: Path
) -> None:
    tab, _ = page
    tab.goto((site / "themes" / "workforce.html").as_uri())
    tab.keyboard.press("Tab")
    focused = tab.evaluate(
        "[document.activeElement.className, getComputedStyle(document.activeElement).outlineStyle,"
        " getComputedStyle(document.activeElement).outlineWidth]"
    )
    assert focused == ["skip", "solid", "3px"]
    tab.emulate_media(media="print")
    assert tab.locator("nav").is_hidden()
    assert (
        tab.locator(".controls").count() == 0
        or tab.locator(".controls").first.is_hidden()
    )
    after = tab.locator("section.group a.src").first.evaluate(
        "el => getComputedStyle(el, '::after').content"
    )
    assert (
        after == "none"
    )  # the citation's words are printed, not the file it links to (see test_print.py)
    tab.pdf(path=str(OUTPUT / "theme-workforce.pdf"))
    assert (OUTPUT / "theme-workforce.pdf").stat().st_size > 10_000
