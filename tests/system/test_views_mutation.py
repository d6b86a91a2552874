"""web/views.py's answers exactly, where the other tests look only for a word: the pages'
links, the zero-result help, the year list's cut, and the RIS refusals and their limits."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest

from web import create_app
from web.urls import MAX_PARAM_CHARS

ITALY = "イタリア 空母 訓練"  # 12 results
ITALY_Q = "q=%E3%82%A4%E3%82%BF%E3%83%AA%E3%82%A2+%E7%A9%BA%E6%AF%8D+%E8%A8%93%E7%B7%B4"
DEFENCE_Q = "q=%E9%98%B2%E8%A1%9B"  # 防衛: 260 results, 13 pages of 20


@pytest.fixture()
def paged(session_index):
    """The app with ten results a page (the 12 of ITALY on two pages)."""
    app = create_app({"INDEX_DIR": str(session_index), "TESTING": True, "PAGE_SIZE": 10})
    yield app.test_client()
    app.extensions["kirinuki.engine"].close()


def _nav(html: str) -> list[str]:
    """The pagination's items, each as its HTML, white space between them dropped."""
    start = html.find('<nav class="pagination"')
    if start < 0:
        return []
    nav = html[start:html.find("</nav>", start)]
    return [item.strip() for item in re.findall(r"<li>(.*?)</li>", nav, flags=re.S)]


PREV_OFF = '<span class="disabled" aria-hidden="true">‹ 前へ</span>'
NEXT_OFF = '<span class="disabled" aria-hidden="true">次へ ›</span>'


def test_pagination_of_two_pages(paged):
    first = _nav(paged.get("/?" + urlencode({"q": ITALY})).get_data(as_text=True))
    assert first == [
        PREV_OFF,
        f'<a href="/?{ITALY_Q}" aria-current="page" class="current">1</a>',
        f'<a href="/?{ITALY_Q}&amp;page=2" aria-label="2 ページ目">2</a>',
        f'<a href="/?{ITALY_Q}&amp;page=2" rel="next">次へ ›</a>']
    second = _nav(paged.get("/?" + urlencode({"q": ITALY, "page": 2})).get_data(as_text=True))
    assert second == [
        f'<a href="/?{ITALY_Q}" rel="prev">‹ 前へ</a>',
        f'<a href="/?{ITALY_Q}" aria-label="1 ページ目">1</a>',
        f'<a href="/?{ITALY_Q}&amp;page=2" aria-current="page" class="current">2</a>',
        NEXT_OFF]
    html = paged.get("/?" + urlencode({"q": ITALY, "page": 2})).get_data(as_text=True)
    assert '<p class="page-of">2 / 2 ページ</p>' in html


def test_one_page_has_no_pagination(client):
    html = client.get("/?" + urlencode({"q": ITALY})).get_data(as_text=True)
    assert "<strong>12</strong> 件" in html
    assert '<nav class="pagination"' not in html and _nav(html) == []


def test_pagination_in_the_middle(client):
    items = _nav(client.get(f"/?{DEFENCE_Q}&page=3").get_data(as_text=True))
    assert items[0] == f'<a href="/?{DEFENCE_Q}&amp;page=2" rel="prev">‹ 前へ</a>'
    assert items[-1] == f'<a href="/?{DEFENCE_Q}&amp;page=4" rel="next">次へ ›</a>'
    assert f'<a href="/?{DEFENCE_Q}&amp;page=3" aria-current="page" class="current">3</a>' in items
    last = _nav(client.get(f"/?{DEFENCE_Q}&page=13").get_data(as_text=True))
    assert last[0] == f'<a href="/?{DEFENCE_Q}&amp;page=12" rel="prev">‹ 前へ</a>'
    assert last[-1] == NEXT_OFF


def _zero(html: str) -> list[str]:
    start = html.find('<section class="notice" aria-labelledby="zero-title">')
    assert start >= 0
    section = html[start:html.find("</section>", start)]
    return [item.strip() for item in re.findall(r"<li>(.*?)</li>", section, flags=re.S)]


TRY_FEWER = [
    "語を減らすか、別の言い方(漢字・カタカナ・略称、例: 北大西洋条約機構 → NATO)を試してください。",
    "どれか一つを含めばよいときは <code>OR</code> でつなぎます(<code>空母 OR 護衛艦</code>)。"]


def test_zero_results_offer_the_search_without_filters(client):
    assert _zero(client.get("/?q=空母&year=2012").get_data(as_text=True)) == [
        '絞り込みを外すと <a href="/?q=%E7%A9%BA%E6%AF%8D">14 件見つかります</a>。', *TRY_FEWER]


def test_zero_results_with_filters_and_none_without_them(client):
    assert _zero(client.get("/?q=防衛省xyz&country=米国").get_data(as_text=True)) == [
        '<a href="/?q=%E9%98%B2%E8%A1%9B%E7%9C%81xyz">絞り込み条件をすべて外す</a>。', *TRY_FEWER]


def test_zero_results_offer_the_words_the_archive_holds(client):
    assert _zero(client.get("/?q=カラオケ&sort=newest").get_data(as_text=True)) == [
        'もしかして <a href="/?q=%E3%83%91%E3%83%A9%E3%82%AA&amp;sort=newest">パラオ</a> ですか。',
        'もしかして <a href="/?q=%E3%83%A9%E3%82%AA%E3%82%B9&amp;sort=newest">ラオス</a> ですか。',
        *TRY_FEWER]


def _years(html: str) -> tuple[list[str], list[str]]:
    """The year list's values shown first, and those behind "すべて表示"."""
    start = html.find('<fieldset class="facet facet-year" id="f-year">')
    group = html[start:html.find("</fieldset>", start)]
    head, _, tail = group.partition('<details class="more">')
    values = r'name="year" value="(\d+)"'
    return re.findall(values, head), re.findall(values, tail)


def test_the_year_list_shows_eight_then_the_rest(client):
    head, tail = _years(client.get("/").get_data(as_text=True))
    assert head == [str(y) for y in range(2025, 2017, -1)]
    assert tail == [str(y) for y in range(2017, 2011, -1)]


def test_a_ticked_year_past_the_cut_is_listed_before_it(client):
    head, tail = _years(client.get("/?year=2013").get_data(as_text=True))
    assert head == [*(str(y) for y in range(2025, 2017, -1)), "2013"]
    assert tail == ["2017", "2016", "2015", "2014", "2012"]


def _error(answer) -> tuple[int, str, str]:
    html = answer.get_data(as_text=True)
    found = re.search(r'<h1 id="error-title">(.*?)</h1>\s*<p>(.*?)</p>', html, flags=re.S)
    return answer.status_code, found[1], found[2]


def test_none_ticked_is_refused_with_its_advice(client):
    assert _error(client.get("/export.ris?picked=1")) == (
        400, "記事が選ばれていません",
        "書き出す記事の「選択」にチェックを入れてから、「選択した記事を RIS で」を押してください。")


TOO_MANY = (400, "選んだ記事が多すぎます",
            "一度に書き出せるのは 100 件までです。検索結果の全体は「RIS で保存」で書き出せます。")


def test_a_hundred_ticked_are_written_and_more_refused(client):
    ids = [h["id"] for h in client.get("/api/search?page_size=100").get_json()["results"]]
    assert len(ids) == 100
    answer = client.get("/export.ris?" + urlencode([("id", i) for i in ids]))
    assert answer.status_code == 200
    assert answer.get_data(as_text=True).count("ER  - \r\n") == 100
    assert _error(client.get("/export.ris?" + urlencode(
        [("id", i) for i in ids] + [("id", "x")]))) == TOO_MANY


def test_an_id_at_the_length_limit_is_looked_up_and_a_longer_one_refused(client):
    at_limit = "x" * MAX_PARAM_CHARS
    assert _error(client.get(f"/export.ris?id={at_limit}")) == (
        404, "記事が見つかりません",
        f"記事「{at_limit}」はありません。検索結果から選び直してください")
    assert _error(client.get(f"/export.ris?id={at_limit}x")) == TOO_MANY


def test_export_errors_are_titled(client):
    assert _error(client.get("/export.ris?country=火星")) == (
        400, "書き出せません",
        "国・地域「火星」は索引にありません。国・地域の一覧から選んでください")
    assert _error(client.get("/export.ris?id=nope-1"))[:2] == (404, "記事が見つかりません")


def test_the_export_links_of_a_later_page_are_the_whole_search(client):
    html = client.get(f"/?{DEFENCE_Q}&sort=newest&page=2").get_data(as_text=True)
    search = f"{DEFENCE_Q}&amp;sort=newest"
    assert f'<li><a href="/export.csv?{search}" download>CSV で保存</a></li>' in html
    assert f'<li><a href="/export.ris?{search}" download>RIS で保存</a></li>' in html
    assert (f'<li><a href="/feed.atom?{search}" type="application/atom+xml">Atom フィード</a>'
            "</li>") in html
    assert (f'<link rel="alternate" type="application/atom+xml" title="この検索の新着(Atom)" '
            f'href="/feed.atom?{search}">') in html
