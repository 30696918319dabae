"""The site's pages checked by axe-core in headless Chromium: no violations, at desktop width and on a phone.

axe-core comes from the npm registry (tests/e2e/package.json, pinned in
package-lock.json): `npm ci --prefix tests/e2e` installs it, as .ci/run
does. Where it or the browser is missing the tests skip, unless
EVIDENCE_REQUIRE_BROWSER=1 (CI sets it), when they fail instead.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from site_fixture import make_store
from test_browser import CHROMIUM, LAUNCH_ARGS, _need_browser

from evidence.render import build_site

AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
#: The index, a theme page, a PDF's document page (its passages carry page links) and a search with results.
PAGES = (
    "index.html",
    "themes/workforce.html",
    "docs/nao-ics-review-a1b2c3.html",
    "search.html?q=vacancies",
)
#: Each violation as (rule, how many elements, the first element's selector).
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => [v.id, v.nodes.length, v.nodes[0].target.join(" ")]);
}"""


def _need_axe() -> str:
    if not AXE.is_file():
        message = f"accessibility tests need {AXE}: run npm ci --prefix tests/e2e"
        if os.environ.get("EVIDENCE_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return AXE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = make_store(tmp_path_factory.mktemp("a11y-index"))
    out = tmp_path_factory.mktemp("a11y") / "site"
    try:
        assert build_site(store, out).broken == ()
    finally:
        store.close()
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


@pytest.mark.parametrize("width", [1200, 390])
def test_no_axe_violations(browser: object, site: Path, width: int) -> None:
    axe = _need_axe()
    from playwright.sync_api import expect

    # the site's Content-Security-Policy refuses inline scripts, and axe is added as one
    context = browser.new_context(
        viewport={"width": width, "height": 900}, bypass_csp=True
    )
    tab = context.new_page()
    found = {}
    try:
        for rel in PAGES:
            tab.goto(
                (site / rel.split("?")[0]).as_uri()
                + (f"?{rel.split('?')[1]}" if "?" in rel else "")
            )
            if "?q=" in rel:  # the search page is checked with its results shown
                expect(tab.locator("#results li")).to_have_count(2)
            tab.add_script_tag(content=axe)
            found[rel] = tab.evaluate(RUN_AXE)
    finally:
        context.close()
    assert found == {rel: [] for rel in PAGES}
