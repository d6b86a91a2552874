"""Suggestions under the search box, and choosing articles for RIS, in a real browser.

Debian's Chromium driven by Playwright against the app on waitress (as in test_browser.py).
The keyboard does everything a reader would: typing (hiragana too), ↓/↑, Enter, Escape;
then the mouse; then the page with JavaScript off. A screenshot of the open list is saved
to tests/artifacts/suggest.png.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest

from tests.chromium import ARTIFACTS, MARKS, new_page

pytestmark = MARKS


@pytest.fixture()
def page(browser):
    context, pg = new_page(browser)
    yield pg
    assert pg.errors == []
    context.close()


def params(page) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(page.url).query)


def suggested(page, base: str, q: str) -> list[dict]:
    return page.request.get(f"{base}/api/suggest?" + urlencode({"q": q, "limit": 8})
                            ).json()["suggestions"]


def shown_total(page) -> int:
    return int(page.locator("#results-heading strong").inner_text().replace(",", ""))


def options(page) -> list[str]:
    return page.locator("#q-suggest [role=option]").all_text_contents()


def expect_open(page, first_text: str) -> None:
    from playwright.sync_api import expect

    expect(page.locator("#q")).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#q-suggest [role=option]").first).to_have_text(first_text)


def option_text(s: dict) -> str:
    parts = ([s["label"]] if s["kind"] == "facet" else []) + [s["value"]]
    parts += [s["alias"]] if s["alias"] else []
    # a count only where the choice's search shows it: a filter with no other words
    return "".join(parts) + (f"{s['count']:,}件" if s["kind"] == "facet" and not s["query"]
                             else "")


def test_combobox_roles_and_keyboard_to_a_filter(server, page):

    page.goto(server + "/")
    box = page.locator("#q")
    assert (box.get_attribute("role"), box.get_attribute("aria-expanded"),
            box.get_attribute("aria-controls"), box.get_attribute("aria-autocomplete")) == (
        "combobox", "false", "q-suggest", "list")
    listbox = page.locator("#q-suggest")
    assert (listbox.get_attribute("role"), listbox.is_hidden()) == ("listbox", True)

    # Hiragana finds a country by its reading; ↓ makes the first one active, Enter takes it.
    box.focus()
    page.keyboard.type("ふぃり")
    want = suggested(page, server, "ふぃり")
    assert [(s["kind"], s["value"]) for s in want] == [("facet", "フィリピン")]
    expect_open(page, option_text(want[0]))
    assert listbox.is_visible() and box.get_attribute("aria-activedescendant") is None
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "suggest.png"))
    page.keyboard.press("ArrowDown")
    assert box.get_attribute("aria-activedescendant") == "q-suggest-0"
    assert page.locator("#q-suggest-0").get_attribute("aria-selected") == "true"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert params(page) == [("country", "フィリピン")]
    assert page.locator("#q").input_value() == ""
    assert shown_total(page) == want[0]["count"]
    assert page.locator(".chip").filter(has_text="フィリピン").count() == 1


def test_arrow_keys_move_and_wrap_and_a_word_completes_the_query(server, page):
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(server + "/?" + urlencode({"q": "防衛", "year": "2025"}))
    box = page.locator("#q")
    box.focus()
    page.keyboard.press("End")
    page.keyboard.type(" くう")
    want = suggested(page, server, "防衛 くう")
    assert [s["kind"] for s in want] == ["word"] * len(want) and len(want) >= 3
    expect_open(page, option_text(want[0]))
    assert options(page) == [option_text(s) for s in want]
    for key, active in (("ArrowDown", 0), ("ArrowDown", 1), ("ArrowDown", 2),
                        ("ArrowUp", 1), ("ArrowUp", 0), ("ArrowUp", len(want) - 1),
                        ("ArrowDown", 0), ("ArrowDown", 1)):
        page.keyboard.press(key)
        assert box.get_attribute("aria-activedescendant") == f"q-suggest-{active}", key
        assert page.locator("[role=option][aria-selected=true]").count() == 1
    assert box.input_value() == "防衛 くう"  # moving does not change the text
    page.screenshot(path=str(ARTIFACTS / "suggest-words.png"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # the word being typed is replaced; the query's other words and the year stay
    assert params(page) == [("q", want[1]["query"]), ("year", "2025")]
    assert want[1]["query"] == "防衛 " + want[1]["value"]
    assert box.input_value() == want[1]["query"]


def test_escape_closes_and_enter_then_searches_as_typed(server, page):
    from playwright.sync_api import expect

    page.goto(server + "/")
    box = page.locator("#q")
    box.focus()
    page.keyboard.type("防衛")
    expect_open(page, option_text(suggested(page, server, "防衛")[0]))
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Escape")
    expect(box).to_have_attribute("aria-expanded", "false")
    assert page.locator("#q-suggest").is_hidden()
    assert box.get_attribute("aria-activedescendant") is None
    assert page.evaluate("document.activeElement.id") == "q" and box.input_value() == "防衛"
    # a second Escape, with nothing open, keeps what was typed (a search field's own
    # Escape emptied it)
    page.keyboard.press("Escape")
    assert box.input_value() == "防衛"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert params(page) == [("q", "防衛")]
    # ↓ on a closed list opens it again
    box.focus()
    page.keyboard.press("ArrowDown")
    expect(box).to_have_attribute("aria-expanded", "true")


def test_mouse_chooses_an_alias(server, page):
    page.goto(server + "/?q=共同訓練")
    box = page.locator("#q")
    box.click()
    page.keyboard.press("End")
    page.keyboard.type(" アメ")
    want = suggested(page, server, "共同訓練 アメ")
    assert (want[0]["value"], want[0]["alias"]) == ("米国", "アメリカ")
    expect_open(page, option_text(want[0]))
    page.locator("#q-suggest-0").hover()
    assert box.get_attribute("aria-activedescendant") == "q-suggest-0"
    with page.expect_navigation():
        page.locator("#q-suggest-0").click()
    assert params(page) == [("q", "共同訓練"), ("country", "米国")]


def test_without_javascript_the_box_is_plain_and_ris_picking_works(server, browser):
    context, page = new_page(browser, java_script_enabled=False, accept_downloads=True)
    try:
        page.goto(server + "/?q=" + "イタリア 空母 訓練")
        box = page.locator("#q")
        assert box.get_attribute("role") is None and page.locator("#q-suggest").count() == 0
        ids = [c.get_attribute("value") for c in page.locator('input[name="id"]').all()]
        assert len(ids) == 12  # 5 holding every word, then 7 partial matches
        page.get_by_label("選択: " + page.locator(".hit-title a").nth(2).inner_text()).check()
        page.locator('input[name="id"]').nth(0).check()
        with page.expect_download() as info:
            page.get_by_role("button", name="選択した記事を RIS で").click()
        text = Path(info.value.path()).read_bytes().decode("utf-8")
        assert [line[6:] for line in text.split("\r\n") if line.startswith("ID  - ")] == [
            ids[0], ids[2]]
        assert text.count("TY  - NEWS\r\n") == 2 and text.count("ER  - \r\n") == 2
        assert page.errors == []
    finally:
        context.close()
