"""The search page in a real browser: Debian's Chromium driven by Playwright.

The app is served by waitress on a free port (tests/chromium.py); the results page is saved
to tests/artifacts/results.png for a human (or a helper) to look at.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

import pytest

from tests.chromium import ARTIFACTS, MARKS, new_page

pytestmark = MARKS


@pytest.fixture()
def page(browser):
    context, pg = new_page(browser)
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
    assert page.locator("ol.hits:not(.related-hits) > .hit").count() == min(narrowed, 20)

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
    assert page.locator("ol.hits:not(.related-hits)").get_attribute("start") == "21"
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
        page.locator(".filters-toggle").click()
        bar = page.locator(".chart svg a.bar").last
        year = re.match(r"(\d{4})年", bar.get_attribute("aria-label")).group(1)
        with page.expect_navigation():
            bar.click()
        assert ("year", year) in url_params(page)
        assert page.locator(f'.facet-year input[value="{year}"]').is_checked()
        # No horizontal scrolling on a phone.
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    finally:
        context.close()


# ---------------------------------------------------------------- the researcher's page

def checked(page, name: str) -> list[str]:
    return page.locator(f'input[type="checkbox"][name="{name}"]:checked').evaluate_all(
        "els => els.map(e => e.value)")


def focused(page) -> str:
    """The focused element, as name=value for a box, #id, or the link's text."""
    return page.evaluate("""() => {
        const el = document.activeElement;
        if (el.type === 'checkbox') return el.name + '=' + el.value;
        if (el.id) return '#' + el.id;
        return (el.getAttribute('aria-label') || el.textContent).trim();
    }""")


def phone(browser, **options):
    return browser.new_context(locale="ja-JP", viewport={"width": 390, "height": 844},
                               **options)


def test_back_and_forward_show_what_the_url_says(server, page):
    page.goto(server + "/?q=防衛")
    with page.expect_navigation():
        page.locator('input[name="source"][value="共同通信"]').check()
    assert checked(page, "source") == ["共同通信"] and page.locator(".chip").count() == 1
    with page.expect_navigation():
        page.select_option("#sort", "oldest")
    assert sorted(url_params(page)) == [("q", "防衛"), ("sort", "oldest"), ("source", "共同通信")]

    page.go_back()  # the sort undone: the menu says so
    assert page.locator("#sort").input_value() == ""
    assert checked(page, "source") == ["共同通信"]
    page.go_back()  # the tick undone: nothing ticked, no chips
    assert url_params(page) == [("q", "防衛")]
    assert checked(page, "source") == [] and page.locator(".chip").count() == 0
    assert page.locator("#q").input_value() == "防衛"
    page.go_forward()
    assert checked(page, "source") == ["共同通信"] and page.locator(".chip").count() == 1
    page.go_back()

    # Ticking another value searches without the filter backed out of.
    with page.expect_navigation():
        page.locator('input[name="source"][value="時事通信"]').check()
    assert url_params(page) == [("q", "防衛"), ("source", "時事通信")]
    assert shown_total(page) == api_total(page, server, "q=防衛&source=時事通信")

    # A page the back/forward cache keeps comes back as it was left; it is put back to its
    # URL's state all the same (the event such a return fires, dispatched by hand).
    page.locator('input[name="source"][value="産経新聞"]').evaluate("e => { e.checked = true }")
    page.locator("#from").fill("1999")
    page.evaluate("window.dispatchEvent(new PageTransitionEvent('pageshow', {persisted: true}))")
    assert checked(page, "source") == ["時事通信"] and page.locator("#from").input_value() == ""
    assert page.errors == []


def test_a_rare_value_is_reached_from_the_page(server, page):
    page.goto(server + "/")
    group = page.locator("#f-country")
    assert group.locator("details.more summary").inner_text() == "すべて表示(102)"
    assert group.locator("li").count() == 102
    sweden = group.locator('input[value="スウェーデン"]')
    assert not sweden.is_visible()
    group.locator("details.more summary").click()
    assert sweden.is_visible()
    with page.expect_navigation():
        sweden.check()
    assert url_params(page) == [("country", "スウェーデン")]
    assert shown_total(page) == api_total(page, server, "country=スウェーデン") == 4
    # The chosen value leads its list, ticked and focused; the list stays open.
    first = group.locator("li").first.locator("input")
    assert first.get_attribute("value") == "スウェーデン" and first.is_checked()
    assert focused(page) == "country=スウェーデン"
    assert group.locator("details.more").get_attribute("open") is not None

    # A second value joins it after it, not before: chosen values keep their order.
    group.locator("#find-country").fill("でんま")
    # what matches, and what is ticked (never hidden by the typed text)
    assert group.locator("li:visible .fv-name").all_inner_texts() == ["スウェーデン", "デンマーク"]
    assert group.locator(".facet-find-status").inner_text() == "1 件が該当します"
    with page.expect_navigation():
        group.locator('input[value="デンマーク"]').check()
    names = group.locator("li .fv-name").all_inner_texts()
    assert names[:2] == ["スウェーデン", "デンマーク"]
    assert checked(page, "country") == ["スウェーデン", "デンマーク"]
    assert focused(page) == "country=デンマーク"
    page.screenshot(path=str(ARTIFACTS / "rare-value.png"))
    assert page.errors == []


def test_a_tick_on_a_phone_keeps_the_place(server, browser):
    context = phone(browser)
    try:
        page = context.new_page()
        page.goto(server + "/?q=防衛")
        toggle = page.locator(".filters-toggle")
        # The filters start closed at the top of the results, behind one button.
        assert toggle.get_attribute("aria-expanded") == "false"
        assert toggle.bounding_box()["y"] < 250
        assert not page.locator("#f-country").is_visible()
        toggle.click()
        assert toggle.get_attribute("aria-expanded") == "true"
        page.screenshot(path=str(ARTIFACTS / "phone-panel.png"))

        find = page.locator("#find-country")
        find.fill("すうぇ")  # hiragana finds the katakana name
        box = page.locator('#f-country input[value="スウェーデン"]')
        box.scroll_into_view_if_needed()
        # Not at the very top: a place worth keeping. Scrolled at once by script, not by a
        # wheel whose smooth scrolling may still be moving when the place is read.
        page.evaluate("window.scrollBy({top: -200, behavior: 'instant'})")
        assert page.evaluate("window.scrollY") > 0
        before = box.evaluate("e => Math.round(e.getBoundingClientRect().top)")
        with page.expect_navigation():
            box.check()
        assert ("country", "スウェーデン") in url_params(page)
        after = box.evaluate("e => Math.round(e.getBoundingClientRect().top)")
        assert abs(after - before) <= 1, (before, after)
        assert focused(page) == "country=スウェーデン" and box.is_checked()
        assert toggle.get_attribute("aria-expanded") == "true"
        assert find.input_value() == "すうぇ"
        # the new count is on screen beside the box, not two screens down the panel
        done = page.locator(".filters-done a")
        total = api_total(page, server, "q=防衛&country=スウェーデン")
        assert done.inner_text() == f"結果を見る({total:,} 件)"
        box_ = done.bounding_box()
        assert box_["y"] >= 0 and box_["y"] + box_["height"] <= 844
        page.screenshot(path=str(ARTIFACTS / "phone-after-tick.png"))
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")

        # "結果を見る" closes the panel and goes to the results.
        page.locator(".filters-done a").click()
        assert toggle.get_attribute("aria-expanded") == "false"
        assert page.locator("#results-heading").is_visible()
    finally:
        context.close()


def test_keyboard_reaches_the_filters_in_three_tabs(server, page):
    page.goto(server + "/?q=NATO")
    page.keyboard.press("Tab")
    assert focused(page) == "本文へ移動"
    page.keyboard.press("Tab")
    assert focused(page) == "絞り込みへ"
    assert page.locator('.skip[href="#filters"]').is_visible()  # shown when focused
    page.keyboard.press("Enter")
    assert focused(page) == "#filters"
    page.keyboard.press("Tab")  # the third Tab: the first filter, the first year's bar
    first_bar = page.locator(".chart a.bar").first
    assert focused(page) == first_bar.get_attribute("aria-label")

    # Space on a box ticks it; the reloaded page gives the focus back to that box.
    box = page.locator('#f-source input[type="checkbox"]').first
    value = box.get_attribute("value")
    box.focus()
    with page.expect_navigation():
        page.keyboard.press("Space")
    assert focused(page) == f"source={value}"
    page.keyboard.press("Space")  # and again: unticked, still there
    page.wait_for_url(lambda url: "source=" not in url)
    assert focused(page) == f"source={value}"
    page.screenshot(path=str(ARTIFACTS / "keyboard.png"))


def test_a_year_range_in_two_clicks_and_typed_dates(server, page):
    page.goto(server + "/?q=NATO")
    api = page.request.get(f"{server}/api/search?q=NATO").json()["facets"]["year"]
    years = sorted(int(v["value"]) for v in api if v["count"])
    # Empty years are drawn but are not links.
    assert page.locator(".chart a.bar").count() == len(years)
    assert page.locator(".chart .bar-text").count() == years[-1] - years[0] + 1
    with page.expect_navigation():
        page.locator(f'.chart a.bar[data-year="{years[1]}"]').click()
    with page.expect_navigation():
        page.locator(f'.chart a.bar[data-year="{years[-2]}"]').click()
    assert url_params(page) == [("q", "NATO"), ("from", str(years[1])),
                                ("to", str(years[-2]))]
    assert shown_total(page) == api_total(page, server,
                                          f"q=NATO&from={years[1]}&to={years[-2]}")
    assert [" ".join(t.split()) for t in page.locator(".chip").all_inner_texts()] == [
        f"期間 {years[1]}〜{years[-2]} ×"]
    # the chart still draws every year, the period's bars chosen: a bar replaces the period
    assert page.locator(".chart .bar-text").count() == years[-1] - years[0] + 1
    assert page.locator(".chart a.bar.bar-on").count() == sum(
        years[1] <= y <= years[-2] for y in years)
    assert page.locator("#from").input_value() == str(years[1])
    page.screenshot(path=str(ARTIFACTS / "year-range.png"))

    # Typed dates: a month, in Japanese, with Enter.
    start = page.locator("#from")
    assert start.get_attribute("lang") == "ja" and start.get_attribute("type") == "text"
    start.fill("2024年6月")
    page.locator("#to").fill("")
    with page.expect_navigation():
        start.press("Enter")
    assert ("from", "2024年6月") in url_params(page)
    dates = page.locator(".hit time").evaluate_all("els => els.map(e => e.dateTime)")
    assert dates and min(dates) >= "2024-06-01"
    assert shown_total(page) == api_total(page, server, "q=NATO&from=2024-06")

    # An era date and a fiscal year, typed in full-width as a Japanese keyboard gives them.
    assert "和暦も使えます" in page.locator("#date-hint").inner_text()
    start.fill("平成３０年度")
    page.locator("#to").fill("Ｒ６．３．３１")
    with page.expect_navigation():
        start.press("Enter")
    assert ("from", "平成３０年度") in url_params(page)
    assert ("to", "Ｒ６．３．３１") in url_params(page)
    dates = page.locator(".hit time").evaluate_all("els => els.map(e => e.dateTime)")
    assert dates and min(dates) >= "2018-04-01" and max(dates) <= "2024-03-31"
    assert shown_total(page) == api_total(page, server, "q=NATO&from=2018-04-01&to=2024-03-31")
    page.screenshot(path=str(ARTIFACTS / "era-dates.png"))
    assert page.errors == []


def test_without_javascript_a_tick_lands_at_its_facet(server, browser):
    context = browser.new_context(locale="ja-JP", viewport={"width": 390, "height": 844},
                                  java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(server + "/?q=防衛")
        assert page.locator(".filters-toggle").is_hidden()
        group = page.locator("#f-country")
        group.locator("details.more summary").click()
        group.locator('input[value="スウェーデン"]').check()
        with page.expect_navigation():
            group.locator("button.apply-facet").click()
        assert urlsplit(page.url).fragment == "f-country"
        assert url_params(page) == [("q", "防衛"), ("country", "スウェーデン")]
        assert shown_total(page) == api_total(page, server, "q=防衛&country=スウェーデン")
        top = group.evaluate("e => e.getBoundingClientRect().top")
        assert -1 < top < 5  # the page opens at the facet (to the sub-pixel)
        page.screenshot(path=str(ARTIFACTS / "nojs-facet.png"))
        # Back: the box the URL no longer holds is not shown ticked.
        page.go_back()
        assert checked(page, "country") == []
    finally:
        context.close()


AXE_OPTIONS = {"resultTypes": ["violations"],
               # not on by default: the name a speech user says must be the text they see
               "rules": {"label-content-name-mismatch": {"enabled": True}}}


@pytest.mark.parametrize("width", [1280, 390])
def test_no_serious_accessibility_violations(server, browser, width):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    context = browser.new_context(locale="ja-JP", viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        found = {}
        for url in ("/?q=防衛&country=米国&from=2018", "/records/mod-news-2024-10-22?q=NATO",
                    "/?q=NATO&page=999", "/no-such-page",
                    "/?q=イタリア 空母 訓練",  # partial matches, 含まれない語
                    "/?q=ルツテ",  # a corrected query
                    "/?q=カラオケ",  # the empty page: nothing found, もしかして offered
                    "/?country=米国&country=オーストラリア&all_of=country",  # all of the ticked
                    "/trends", "/trends?t=防衛&t=NATO&t=クアッド&by=month&measure=share",
                    "/trends?t=a&t=b&t=c&t=d&t=e&t=f"):  # the trends view, its error
            page.goto(server + url)
            if width == 390 and url.startswith("/?q=防衛"):
                page.locator(".filters-toggle").click()  # check the open panel too
            for v in axe.run(page, options=AXE_OPTIONS).response["violations"]:
                if v["impact"] in ("serious", "critical"):
                    found.setdefault(url, []).append(
                        (v["id"], [n["target"] for n in v["nodes"]][:5]))
        assert found == {}
    finally:
        context.close()


def test_partial_matches_and_a_correction_as_a_reader_sees_them(server, page):
    page.goto(server + "/?q=イタリア 空母 訓練")
    note = page.locator(".partial-note")
    assert note.inner_text().startswith("すべての語を含む記事は 5 件です。")
    hits = page.locator("ol.hits:not(.related-hits) > .hit")
    assert hits.count() == 12  # 5 holding every word, then 7 holding イタリア and some
    assert hits.nth(4).locator(".missing").count() == 0  # the fifth holds every word
    assert hits.nth(5).locator(".missing").inner_text() == "含まれない語: 訓練"
    hits.nth(5).scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "partial.png"))

    page.goto(server + "/?q=ルツテ")
    corrected = page.locator(".corrected")
    assert "「ルッテ」の検索結果を表示しています" in corrected.inner_text()
    assert page.locator("#q").input_value() == "ルツテ"
    page.screenshot(path=str(ARTIFACTS / "corrected.png"))
    corrected.get_by_role("link", name="「ルツテ」で検索する").click()
    assert "exact=1" in page.url and page.locator(".corrected").count() == 0
    assert page.locator(".didyoumean a").first.inner_text() == "ルッテ"


@pytest.mark.parametrize("width", [1280, 390])
def test_a_citation_is_copied_from_the_keyboard(server, browser, width):
    """Cite one article: open it, Tab to the style's button, Enter; the text is on the
    clipboard and the status line says so (read out by screen readers)."""
    context, page = new_page(browser, width=width, height=900,
                             permissions=["clipboard-read", "clipboard-write"])
    try:
        page.goto(server + "/records/2409-082209")
        button = page.get_by_role("button", name="新聞記事の形式をコピー")
        assert button.is_visible()  # shown by the script
        expected = page.locator("#cite-japanese").inner_text()
        assert expected.startswith("「イタリア空母「カブール」") and expected.endswith(
            "『読売新聞』2024年8月22日")
        page.locator("#cite-sist02 + button").focus()
        page.keyboard.press("Tab")  # from the first style's button to the second's
        assert focused(page) == "新聞記事の形式をコピー"
        page.keyboard.press("Enter")
        page.wait_for_function(
            "document.querySelector('.copy-status').textContent.length > 0")
        assert page.locator(".copy-status").inner_text() == "新聞記事の形式をコピーしました"
        assert page.evaluate("navigator.clipboard.readText()") == expected
        page.locator(".citations").scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / f"record-citations-{width}.png"))
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        assert page.errors == []
    finally:
        context.close()


def test_pages_arrive_compressed_and_static_files_come_from_the_cache(server, page):
    page.goto(server + "/?q=防衛")
    nav = page.evaluate("""() => { const n = performance.getEntriesByType('navigation')[0];
        return [n.encodedBodySize, n.decodedBodySize]; }""")
    assert nav[1] > 60_000 and nav[0] * 4 < nav[1]  # the 72-85 KB page, a fraction on the wire
    page.goto(server + "/?q=NATO")  # another page: its scripts and styles are not fetched again
    static = page.evaluate("""() => performance.getEntriesByType('resource')
        .filter(r => r.name.includes('/static/'))
        .map(r => [r.name.split('/static/')[1], r.transferSize])""")
    assert static and all("?v=" in name for name, _ in static)
    # the scripts and styles; not the icon, which the browser fetches on its own schedule
    # (on a busy machine, the first page's fetch was sometimes not yet cached)
    assert [name for name, transferred in static
            if transferred and not name.startswith("favicon")] == []
    assert {"kirinuki.css", "kirinuki.js"} <= {name.split("?")[0] for name, _ in static}
    assert page.errors == []


def test_all_of_the_ticked_countries(server, page):
    """Trilateral articles: tick two countries, then ask for articles naming both."""
    page.goto(server + "/?q=共同訓練")
    for country in ("米国", "オーストラリア"):
        with page.expect_navigation():
            page.locator(f'#f-country input[value="{country}"]').check()
    some = shown_total(page)
    switch = page.get_by_label("選んだ国・地域をすべて含む記事だけ")
    assert not switch.is_checked()
    with page.expect_navigation():
        switch.check()
    assert ("all_of", "country") in url_params(page)
    every = shown_total(page)
    assert 0 < every < some
    assert every == api_total(page, server,
                              "q=共同訓練&country=米国&country=オーストラリア&all_of=country")
    assert page.locator(".understood-all").inner_text() == \
        "国・地域: 米国・オーストラリア のすべてを含む記事に絞っています"
    assert [" ".join(t.split()) for t in page.locator(".chip").all_inner_texts()] == [
        "国・地域(すべて) 米国 ×", "国・地域(すべて) オーストラリア ×"]
    assert focused(page) == "all_of=country"  # the place is kept, as after any tick
    page.screenshot(path=str(ARTIFACTS / "all-of-the-ticked.png"))
    with page.expect_navigation():
        page.get_by_label("選んだ国・地域をすべて含む記事だけ").uncheck()
    assert shown_total(page) == some and ("all_of", "country") not in url_params(page)
    assert page.errors == []


def test_a_list_is_narrowed_by_reading_and_other_names(server, page):
    """あめりか, ちゅうごく, さんけい and にっけい found nothing: the boxes matched katakana
    names only."""
    page.goto(server + "/")
    def shown(facet: str, typed: str) -> list[str]:
        page.locator(f"#find-{facet}").fill(typed)
        return page.locator(f"#f-{facet} li:not([hidden]) .fv-name").all_inner_texts()

    assert "米国" in shown("country", "あめりか")
    assert "中国" in shown("country", "ちゅうごく")
    assert "スウェーデン" in shown("country", "すうぇ")  # as before
    assert shown("country", "zzz") == []
    assert page.locator("#find-country-status").inner_text() == "「zzz」を含む値はありません"
    assert "産経新聞" in shown("source", "さんけい")
    assert "日本経済新聞" in shown("source", "にっけい")
    assert page.errors == []


def test_fifty_a_page_and_reading_on_from_record_to_record(server, page):
    page.goto(server + "/?q=防衛")
    with page.expect_navigation():
        page.locator("#page_size").select_option("50")
    assert ("page_size", "50") in url_params(page)
    assert page.locator("ol.hits > .hit").count() == 50
    total = shown_total(page)
    titles = page.locator("ol.hits > .hit .hit-title a").all_inner_texts()
    with page.expect_navigation():
        page.locator("ol.hits > .hit .hit-title a").first.click()
    assert page.locator(".record-nav-place").inner_text() == f"{total:,} 件中 1 件目"
    with page.expect_navigation():
        page.locator('.record-nav a[rel="next"]').click()
    assert page.locator("#record-title").inner_text() == titles[1]
    assert page.locator(".record-nav-place").inner_text() == f"{total:,} 件中 2 件目"
    # back to the results: the link of the record last read has the focus
    with page.expect_navigation():
        page.get_by_role("link", name="‹ 検索結果に戻る").click()
    assert ("page_size", "50") in url_params(page)
    assert page.evaluate("document.activeElement.textContent.trim()") == titles[1]
    # the browser's Back from a record too
    with page.expect_navigation():
        page.locator("ol.hits > .hit .hit-title a").nth(3).click()
    page.go_back()
    page.wait_for_function("document.activeElement.closest('.hit-title') !== null")
    assert page.evaluate("document.activeElement.textContent.trim()") == titles[3]
    assert page.errors == []


@pytest.mark.parametrize("width", [1280, 390])
def test_trends_compared_and_a_point_opened(server, browser, width):
    """When did クアッド start to appear, and how does it compare with 日米豪印? From the
    search page's link to the chart, and from a point to the articles it counts."""
    context, page = new_page(browser, width=width, height=900)
    try:
        page.goto(server + "/?q=日米豪印")
        if width == 390:  # on a phone the link is in the filter panel
            page.locator(".filters-toggle").click()
        with page.expect_navigation():
            page.get_by_role("link", name="この語の推移を、ほかの語と比べる").click()
        assert page.locator("#t0").input_value() == "日米豪印"
        page.locator("#t1").fill("クアッド")
        with page.expect_navigation():
            page.get_by_role("button", name="比べる").click()
        assert url_params(page) == [("t", "日米豪印"), ("t", "クアッド"), ("by", "year"),
                                    ("measure", "count")]
        api = page.request.get(f"{server}/api/trends?t=日米豪印&t=クアッド").json()
        rows = page.locator(".trend-table tbody tr").count()
        assert rows == len(api["periods"])
        page.screenshot(path=str(ARTIFACTS / f"trends-{width}.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        # the last point of クアッド, by keyboard: its search finds what the point counts
        last = api["periods"][-1]
        count = api["series"][1]["counts"][-1]
        point = page.locator(f'a[aria-label="クアッド {last}年 {count}件"]')
        point.focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert ("from", last) in url_params(page) and ("q", "クアッド") in url_params(page)
        assert shown_total(page) == api["series"][1]["counts"][-1]
        assert page.errors == []
    finally:
        context.close()
