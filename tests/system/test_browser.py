"""The search page in a real browser: Debian's Chromium driven by Playwright.

The app is served by waitress (as ``manage.py serve`` does) on a free port of 127.0.0.1; no
browser is downloaded and nothing leaves the machine. The results page is saved to
tests/artifacts/results.png for a human (or a helper) to look at.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).parent.parent / "artifacts"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]


@pytest.fixture(scope="module")
def server(session_index, serve_app):
    """The app on waitress in a thread; yields its base URL."""
    from web import create_app

    app = create_app({"INDEX_DIR": str(session_index)})
    with serve_app(app, threads=4) as base:
        yield base
    app.extensions["kirinuki.engine"].close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture()
def page(browser):
    context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.errors = []  # console errors and page errors (a CSP violation shows up here)
    pg.on("console", lambda m: pg.errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    pg.set_default_timeout(10_000)
    yield pg
    context.close()


def api_total(page, base: str, query: str) -> int:
    return page.request.get(f"{base}/api/search?{query}").json()["total"]


def shown_total(page) -> int:
    return int(page.locator("#results-heading strong").inner_text().replace(",", ""))


def url_params(page) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(page.url).query)


def test_search_facet_record_and_paging(server, page):
    page.goto(server + "/")
    assert page.locator("html").get_attribute("lang") == "ja"
    assert shown_total(page) == api_total(page, server, "")

    # "/" focuses the search box; Enter searches.
    page.locator("body").press("/")
    assert page.evaluate("document.activeElement.id") == "q"
    page.keyboard.type("NATO")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert ("q", "NATO") in url_params(page)
    assert page.locator("#q").input_value() == "NATO"  # the box keeps the query
    total = shown_total(page)
    assert total == api_total(page, server, "q=NATO") > 20
    assert page.locator(".snippet mark").count() > 0
    assert page.locator(".snippet mark").first.inner_text().upper() in ("NATO", "北大西洋")
    assert page.locator(".understood").inner_text().endswith("として検索しました")
    assert page.locator(".chart svg a").count() > 0

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "results.png"), full_page=False)

    # Ticking a facet searches at once (the little script) and keeps the query.
    box = page.locator('.facet-country input[type="checkbox"]').first
    country = box.get_attribute("value")
    listed = int(box.locator("xpath=..").locator(".fv-count").inner_text().rstrip("件"))
    with page.expect_navigation():
        box.check()
    assert ("country", country) in url_params(page) and ("q", "NATO") in url_params(page)
    narrowed = shown_total(page)
    assert narrowed == listed == api_total(page, server, f"q=NATO&country={country}")
    assert narrowed < total
    assert page.locator(f'.facet-country input[value="{country}"]').is_checked()
    assert page.locator(".chip").filter(has_text=country).count() == 1
    assert page.locator(".hit").count() == min(narrowed, 20)

    # The chip's × takes the filter off again.
    with page.expect_navigation():
        page.locator(".chip-x").first.click()
    assert shown_total(page) == total

    # Open a record from the results: the query's words are marked there too.
    first = page.locator(".hit-title a").first
    title = first.inner_text()
    with page.expect_navigation():
        first.click()
    assert page.locator("#record-title").inner_text() == title
    assert page.locator(".record-body mark, #record-title mark").count() > 0
    assert page.locator(".record-meta").is_visible()
    assert page.locator(".related .hit").count() > 0
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile("検索結果に戻る")).click()
    assert shown_total(page) == total

    # Page through the results.
    first_page = page.locator(".hit-title a").all_inner_texts()
    with page.expect_navigation():
        page.locator('.pagination a[rel="next"]').click()
    assert ("page", "2") in url_params(page)
    assert page.locator('.pagination [aria-current="page"]').inner_text() == "2"
    assert page.locator("ol.hits").get_attribute("start") == "21"
    second_page = page.locator(".hit-title a").all_inner_texts()
    assert second_page and not set(second_page) & set(first_page)
    with page.expect_navigation():
        page.locator('.pagination a[rel="prev"]').click()
    assert page.locator(".hit-title a").all_inner_texts() == first_page

    # Sorting by the select (auto-submitted) keeps the query.
    with page.expect_navigation():
        page.select_option("#sort", "oldest")
    assert ("sort", "oldest") in url_params(page) and ("q", "NATO") in url_params(page)
    dates = page.locator(".hit time").evaluate_all("els => els.map(e => e.dateTime)")
    assert dates == sorted(dates)

    assert page.errors == []


def test_year_bar_filters_and_phone_layout(server, browser):
    context = browser.new_context(locale="ja-JP", viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.goto(server + "/?q=防衛")
        bar = page.locator(".chart svg a.bar:not(.bar-empty)").last
        year = re.match(r"(\d{4})年", bar.get_attribute("aria-label")).group(1)
        with page.expect_navigation():
            bar.click()
        assert ("year", year) in url_params(page)
        assert page.locator(f'.facet-year input[value="{year}"]').is_checked()
        # No horizontal scrolling on a phone.
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    finally:
        context.close()
