"""Debian's Chromium driven by Playwright, for the browser tests (a pytest plugin).

The app is served by waitress (as ``manage.py serve`` does) on a free port of 127.0.0.1; no
browser is downloaded and nothing leaves the machine. Screenshots go to tests/artifacts/ for
a human (or a helper) to look at. The fixtures ``server`` and ``browser`` are registered in
tests/conftest.py; a test module marks itself with ``pytestmark = MARKS``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).parent / "artifacts"
MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]


@pytest.fixture(scope="module")
def server(session_index, serve_app) -> Iterator[str]:
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


def new_page(browser, width: int = 1280, height: int = 900, **options):
    """(context, page) in Japanese at ``width``; ``page.errors`` collects console and page
    errors (a CSP violation shows up there)."""
    context = browser.new_context(locale="ja-JP", viewport={"width": width, "height": height},
                                  **options)
    pg = context.new_page()
    pg.errors = []
    pg.on("console", lambda m: pg.errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    pg.set_default_timeout(10_000)
    return context, pg
