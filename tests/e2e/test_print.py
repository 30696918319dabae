"""The site printed to PDF by headless Chromium, read back with pypdfium2.

A4 from the site's own @page rule, no link addresses on paper, no navigation,
and the coverage matrix inside the page: its last column's header is on the
page, not cut off at the margin. Needs Chromium and Playwright as
test_browser.py does (skips without them unless EVIDENCE_REQUIRE_BROWSER=1).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pypdfium2 as pdfium
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from site_fixture import make_store
from test_browser import CHROMIUM, LAUNCH_ARGS, _need_browser

from evidence.render import build_site

A4 = (595.0, 842.0)
#: The right margin site.css sets for print (14 mm), in points: what crosses it is cut off.
RIGHT_MARGIN = 14 / 25.4 * 72
PAGES = ("index.html", "themes/workforce.html")


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, pdfium.PdfDocument]:
    """Each page of PAGES printed as Chromium prints it, the page size left to the site's CSS."""
    _need_browser()
    from playwright.sync_api import sync_playwright

    base = tmp_path_factory.mktemp("print")
    store = make_store(base / "index")
    try:
        build_site(store, base / "site")
    finally:
        store.close()
    out: dict[str, pdfium.PdfDocument] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            tab = browser.new_page()
            for name in PAGES:
                tab.goto((base / "site" / name).as_uri())
                pdf = base / (name.replace("/", "-") + ".pdf")
                # without an @page size Chromium would print US Letter (612 x 792)
                tab.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
                out[name] = pdfium.PdfDocument(str(pdf))
        finally:
            browser.close()
    return out


def _text(doc: pdfium.PdfDocument) -> str:
    return "\n".join(page.get_textpage().get_text_range() for page in doc)


def _boxes(
    doc: pdfium.PdfDocument, needle: str
) -> list[tuple[int, tuple[float, float, float, float]]]:
    """(page number, box) of every character of the last place ``needle`` is printed."""
    found: list[tuple[int, tuple[float, float, float, float]]] = []
    for number, page in enumerate(doc):
        textpage = page.get_textpage()
        search = textpage.search(needle)
        while (match := search.get_next()) is not None:
            start, count = match
            found = [
                (number, textpage.get_charbox(i)) for i in range(start, start + count)
            ]
    return found


@pytest.mark.parametrize("name", PAGES)
def test_pages_are_a4(printed: dict[str, pdfium.PdfDocument], name: str) -> None:
    sizes = [page.get_size() for page in printed[name]]
    assert sizes, name
    for width, height in sizes:
        assert abs(width - A4[0]) <= 1 and abs(height - A4[1]) <= 1, (
            name,
            width,
            height,
        )


@pytest.mark.parametrize("name", PAGES)
def test_no_link_addresses_or_navigation_on_paper(
    printed: dict[str, pdfium.PdfDocument], name: str
) -> None:
    text = _text(printed[name])
    for address in ("http", "file://", ".html"):
        assert address not in text, (name, address)
    for navigation in ("Skip to content", "Overview"):
        assert navigation not in text, (name, navigation)
    assert "Evidence briefing" in text  # the page itself is there


def test_theme_page_keeps_its_citations_as_words(
    printed: dict[str, pdfium.PdfDocument],
) -> None:
    text = " ".join(_text(printed["themes/workforce.html"]).split())
    assert (
        "National Audit Office, Introducing integrated care systems, 2022-06-17, p. 1"
        in text
    )
    assert "To DHSC (1)" in text


def test_coverage_matrix_fits_the_page_width(
    printed: dict[str, pdfium.PdfDocument],
) -> None:
    doc = printed["index.html"]
    width, height = doc[0].get_size()
    for header in ("All themes", "Commissioning", "Workforce", "Body"):
        boxes = _boxes(doc, header)
        assert boxes, header
        for _page, (left, bottom, right, top) in boxes:
            assert 0 <= left and right <= width - RIGHT_MARGIN + 0.5, (
                header,
                left,
                right,
            )
            assert 0 <= bottom and top <= height, (header, bottom, top)
    # the matrix's bodies and counts are printed too
    text = " ".join(_text(doc).split())
    assert "NHS Providers 3 1 1 0 0 0 0 0 0 0 0 0 5" in text
