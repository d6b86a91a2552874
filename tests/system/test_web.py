"""The pages through Flask's test client: every route, the URL state, errors and escaping."""

from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser
from urllib.parse import parse_qsl, quote, urlsplit
from xml.etree import ElementTree as ET

import pytest

from search.engine import Hit
from web import create_app
from web.chart import year_chart
from web.feeds import atom_feed, csv_cell, hits_csv
from web.urls import SearchState, page_window, parse_page

ATOM = "{http://www.w3.org/2005/Atom}"


class Page(HTMLParser):
    """Just enough of the page's structure: links, inputs, marks, inline scripts/styles."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.links: list[str] = []
        self.checkboxes: list[dict] = []
        self.inline: list[str] = []
        self.labels_for: set[str] = set()
        self.ids: set[str] = set()
        self.controls: list[dict] = []
        self.marks = 0
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if tag == "input" and a.get("type") == "checkbox":
            self.checkboxes.append(a)
        if tag in ("input", "select", "textarea") and a.get("type") != "hidden":
            self.controls.append(a)
        if tag == "label" and a.get("for"):
            self.labels_for.add(a["for"])
        if tag == "mark":
            self.marks += 1
        if tag == "script" and not a.get("src"):
            self.inline.append("script")
        if "style" in a:
            self.inline.append(f"style on <{tag}>")
        self.inline.extend(f"{k} on <{tag}>" for k in a if k.startswith("on"))


def params(href: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(href).query)


# ---------------------------------------------------------------- the search page

def test_search_page_basics(client):
    r = client.get("/?q=NATO")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert '<html lang="ja">' in html
    assert 'value="NATO"' in html  # the box keeps the query
    assert re.search(r"<strong>\d+</strong> 件", html)
    assert "秒" in html
    assert "として検索しました" in html
    page = Page(html)
    assert page.marks > 5
    assert any(href.startswith("/records/") and "q=NATO" in href for href in page.links)
    for facet in ("媒体", "国・地域", "機関", "アーカイブ", "年", "期間", "並べ替え"):
        assert facet in html
    assert 'class="chart"' in html and "<svg" in html
    assert "/export.csv?q=NATO" in html and "/feed.atom?q=NATO" in html


def test_browse_without_query_lists_newest_first(client):
    html = client.get("/").get_data(as_text=True)
    dates = re.findall(r'<time datetime="(\d{4}-\d\d-\d\d)"', html)
    assert len(dates) == 20 and dates == sorted(dates, reverse=True)
    assert "すべての記事" in html


def test_every_control_has_a_label_and_no_inline_code(client):
    for url in ("/", "/?q=NATO&country=米国&from=2018-01-01", "/?q=zzqqxx",
                "/records/mod-news-2024-10-22?q=NATO"):
        page = Page(client.get(url).get_data(as_text=True))
        assert page.inline == [], url
        for control in page.controls:
            if control.get("type") == "checkbox":
                continue  # wrapped in their <label>
            assert control.get("id") in page.labels_for, (url, control)


def test_facet_checkboxes_reflect_the_url(client):
    page = Page(client.get("/?q=NATO&country=米国&year=2018").get_data(as_text=True))
    ticked = {(c["name"], c["value"]) for c in page.checkboxes if "checked" in c}
    assert ticked == {("country", "米国"), ("year", "2018")}
    assert all(c.get("form") == "sf" for c in page.checkboxes)


def test_every_facet_value_is_listed_chosen_first(client):
    html = client.get("/?country=スウェーデン&country=米国").get_data(as_text=True)
    group = html[html.index('id="f-country"'):html.index('id="f-organization"')]
    values = re.findall(r'name="country" value="([^"]+)"', group)
    assert len(values) == 102 and len(set(values)) == 102  # every country, once
    # the chosen ones first, in the URL's order, then the 8 largest, then the rest
    head, tail = group.split('<details class="more">')
    head_values = re.findall(r'name="country" value="([^"]+)"', head)
    assert head_values[:2] == ["スウェーデン", "米国"] and len(head_values) == 10
    assert "すべて表示(102)" in tail and "先頭の 10 件だけ表示" in tail
    assert 'id="find-country"' in group  # a long list gets the box to narrow it
    # the year facet keeps the order of time, the chosen year where it falls
    years = re.findall(r'name="year" value="(\d{4})"', html)
    assert years == sorted(years, reverse=True)
    # the form keeps the browser from restoring stale ticks after Back
    assert re.search(r'<form id="sf"[^>]* autocomplete="off"', html)


def test_facets_narrow_and_combine(client, app):
    engine = app.extensions["kirinuki.engine"]
    from search.engine import SearchRequest

    whole = engine.search(SearchRequest(q="防衛"))
    one = engine.search(SearchRequest(q="防衛", selected={"country": ["米国"]}))
    two = engine.search(SearchRequest(q="防衛", selected={"country": ["米国", "中国"]}))
    assert whole.total > two.total >= one.total > 0
    html = client.get("/?q=防衛&country=米国&country=中国").get_data(as_text=True)
    assert f"<strong>{two.total:,}</strong> 件" in html


def test_chips_remove_one_value_and_clear_all(client):
    html = client.get("/?q=NATO&country=米国&source=時事通信&from=2018-01-01"
                      ).get_data(as_text=True)
    assert "すべて解除" in html
    removes = re.findall(r'<a href="([^"]+)" class="chip-x"', html)
    assert len(removes) == 3
    kept = [dict(params(h.replace("&amp;", "&"))) for h in removes]
    assert {"q": "NATO", "source": "時事通信", "from": "2018-01-01"} in kept
    assert {"q": "NATO", "country": "米国", "from": "2018-01-01"} in kept
    assert {"q": "NATO", "country": "米国", "source": "時事通信"} in kept
    clear = re.search(r'<a class="chips-clear" href="([^"]+)"', html).group(1)
    assert params(clear) == [("q", "NATO")]


BAR = re.compile(r'<a href="([^"]+)" class="bar( bar-on)?" data-year="(\d{4})" '
                 r'aria-label="(\d{4})年 (\d+)件(?:\(([^"]*)\))?">')


def bars_of(html: str) -> dict[str, dict]:
    out = {}
    for href, on, year, named, n, action in BAR.findall(html):
        assert named == year
        out[year] = {"href": href.replace("&amp;", "&"), "on": bool(on), "count": int(n),
                     "action": action}
    return out


def test_year_bars_choose_a_year_then_a_period(client):
    api = client.get("/api/search?q=NATO").get_json()
    years = {int(v["value"]): v["count"] for v in api["facets"]["year"] if v["count"]}
    html = client.get("/?q=NATO").get_data(as_text=True)
    bars = bars_of(html)
    # Every year with articles is a link; the empty years between are drawn, not linked.
    assert {int(y): b["count"] for y, b in bars.items()} == years
    assert len(re.findall(r'class="bar-text', html)) == max(years) - min(years) + 1
    assert set(range(min(years), max(years) + 1)) - set(years), "the corpus has a gap year"
    first, last = str(min(years)), str(max(years))
    assert params(bars[first]["href"]) == [("q", "NATO"), ("year", first)]
    assert not any(b["on"] or b["action"] for b in bars.values())

    # One year chosen: it is drawn as chosen; another bar now chooses the period between.
    html = client.get(bars[first]["href"]).get_data(as_text=True)
    bars = bars_of(html)
    assert bars[first]["on"] and bars[first]["action"] == "選択中・選ぶと解除"
    assert params(bars[first]["href"]) == [("q", "NATO")]
    assert bars[last]["action"] == f"{first}年〜{last}年の期間にする"
    assert params(bars[last]["href"]) == [("q", "NATO"), ("from", first), ("to", last)]

    # The period: its years drawn as chosen, its total the API's for the same from/to.
    r = client.get(bars[last]["href"])
    html = r.get_data(as_text=True)
    period = client.get(f"/api/search?q=NATO&from={first}&to={last}").get_json()["total"]
    assert f"<strong>{period:,}</strong> 件" in html
    assert all(b["on"] for b in bars_of(html).values())
    # A bar within the period chooses that year alone, the period taken off.
    mid = sorted(bars_of(html))[1]
    assert params(bars_of(html)[mid]["href"]) == [("q", "NATO"), ("year", mid)]


def test_sort_orders(client):
    for sort in ("newest", "oldest"):
        html = client.get(f"/?q=防衛&sort={sort}").get_data(as_text=True)
        dates = re.findall(r'<time datetime="(\d{4}-\d\d-\d\d)"', html)
        assert dates == sorted(dates, reverse=sort == "newest"), sort
    assert client.get("/?q=防衛&sort=relevance").status_code == 200
    assert client.get("/?q=防衛&sort=").status_code == 200  # the select's default
    r = client.get("/?q=防衛&sort=random")
    assert r.status_code == 400 and "並べ替え" in r.get_data(as_text=True)


def test_pagination_links_and_pages(client):
    html = client.get("/?q=防衛").get_data(as_text=True)
    assert 'rel="next"' in html and 'aria-current="page"' in html
    nxt = re.search(r'<a href="([^"]+)" rel="next"', html).group(1).replace("&amp;", "&")
    assert ("page", "2") in params(nxt)
    second = client.get(nxt).get_data(as_text=True)
    assert 'rel="prev"' in second and '<ol class="hits" start="21">' in second
    first_ids = set(re.findall(r'href="/records/([^"?]+)', html))
    second_ids = set(re.findall(r'href="/records/([^"?]+)', second))
    assert first_ids and second_ids and not first_ids & second_ids


@pytest.mark.parametrize("page", ["0", "-1", "abc", "1.5", "２", "99999999999", "9" * 5000,
                                  "100000"])
def test_bad_page_numbers_are_400_with_a_message(client, page):
    r = client.get("/", query_string={"q": "NATO", "page": page})
    assert r.status_code == 400
    html = r.get_data(as_text=True)
    assert "ページ" in html and "検索できません" in html
    assert 'value="NATO"' in html


def test_unknown_facet_value_is_400(client):
    r = client.get("/?q=NATO&country=火星")
    assert r.status_code == 400
    assert "火星" in r.get_data(as_text=True) and "索引にありません" in r.get_data(as_text=True)


def test_long_query_is_400(client):
    r = client.get("/", query_string={"q": "防" * 10_000})
    assert r.status_code == 400
    assert "長すぎます" in r.get_data(as_text=True)


@pytest.mark.parametrize("qs", ["from=2024-13-45", "from=yesterday",
                                "to=2020-01-01&from=2024-01-01", "year=abcd",
                                "collection=" + "x" * 300])
def test_bad_filters_are_400(client, qs):
    r = client.get("/?" + qs)
    assert r.status_code == 400
    assert "検索できません" in r.get_data(as_text=True)


def test_date_range_filters(client):
    html = client.get("/?from=2024-01-01&to=2024-12-31&sort=oldest").get_data(as_text=True)
    dates = re.findall(r'<time datetime="(\d{4}-\d\d-\d\d)"', html)
    assert dates and all("2024-01-01" <= d <= "2024-12-31" for d in dates)
    assert 'value="2024-01-01"' in html
    # Partial dates are accepted and kept in a text box rather than lost by a date picker.
    html = client.get("/?from=2024-06").get_data(as_text=True)
    assert 'value="2024-06"' in html and 'type="text"' in html


def test_empty_result_says_why_and_what_to_try(client):
    html = client.get("/?q=zzqqxx").get_data(as_text=True)
    assert "<strong>0</strong> 件" in html
    assert "「zzqqxx」に一致する記事はありません" in html and "OR" in html
    html = client.get("/?q=モンゴル&country=フランス").get_data(as_text=True)
    assert "この絞り込み条件の中にはありません" in html
    assert re.search(r"件見つかります", html)


def test_spelling_suggestion_is_offered(client):
    html = client.get("/?q=ルツテ&exact=1").get_data(as_text=True)
    assert "もしかして" in html
    href = re.search(r'もしかして:\s*<a href="([^"]+)">ルッテ</a>', html).group(1)
    assert params(href.replace("&amp;", "&")) == [("q", "ルッテ")]  # corrected again if need be
    assert "もしかして" not in client.get("/?q=NATO").get_data(as_text=True)


def test_month_facet_within_one_year(client):
    html = client.get("/?year=2024").get_data(as_text=True)
    assert "facet-month" in html
    month = re.search(r'name="month" value="(2024-\d\d)"', html).group(1)
    r = client.get(f"/?year=2024&month={month}")
    assert r.status_code == 200
    assert f'name="month" value="{month}"' in r.get_data(as_text=True)
    # The month stays in the URL as a hidden field while no single year is chosen.
    html = client.get(f"/?year=2024&year=2025&month={month}").get_data(as_text=True)
    assert f'type="hidden" form="sf" name="month" value="{month}"' in html


# ---------------------------------------------------------------- the record page

def test_record_page(client):
    r = client.get("/records/mod-news-2024-10-22?q=NATO")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    for part in ("書誌情報", "媒体", "アーカイブ", "国・地域", "機関", "関連する記事",
                 "防衛省ニュース", "2024年10月22日"):
        assert part in html
    assert "<mark>NATO</mark>" in html
    assert "検索結果に戻る" in html and 'href="/?q=NATO"' in html


def test_record_ids_with_a_hash(client):
    html = client.get("/?q=NATO").get_data(as_text=True)
    ids = re.findall(r'href="/records/(whitepaper[^"?]+)', html)
    assert ids and all("%23" in i for i in ids)
    r = client.get(f"/records/{ids[0]}")
    assert r.status_code == 200 and "防衛白書" in r.get_data(as_text=True)


def test_record_page_shows_outlet_as_written(client, app):
    from search.engine import SearchRequest

    engine = app.extensions["kirinuki.engine"]
    for hit in engine.search(SearchRequest(page_size=100)).results:
        rec = engine.record(hit.id).record
        if rec.source_raw and rec.source_raw != rec.source:
            html = client.get(f"/records/{quote(rec.id, safe='')}").get_data(as_text=True)
            assert "原文の表記" in html
            break
    else:
        pytest.skip("no outlet spelled differently among the newest 100")


def test_unknown_record_is_404(client):
    r = client.get("/records/no-such-id")
    assert r.status_code == 404
    assert "記事が見つかりません" in r.get_data(as_text=True)
    assert client.get("/records/x?q=" + "a" * 5000).status_code == 400


# ---------------------------------------------------------------- CSV and Atom

def test_csv_export(client):
    r = client.get("/export.csv?q=NATO&country=米国")
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in r.headers["Content-Disposition"]
    assert r.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(r.data.decode("utf-8-sig"))))
    assert rows[0][:5] == ["id", "日付", "時刻", "媒体", "見出し"]
    total = int(re.search(r"<strong>(\d+)</strong> 件",
                          client.get("/?q=NATO&country=米国").get_data(as_text=True)).group(1))
    assert len(rows) - 1 == total
    assert all(row[-1].startswith("http://localhost/records/") for row in rows[1:])


def test_csv_exports_every_page(client):
    rows = list(csv.reader(io.StringIO(client.get("/export.csv").data.decode("utf-8-sig"))))
    assert len(rows) - 1 == 384


def test_csv_neutralises_formulas():
    assert csv_cell("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")"
    for bad in ("+1", "-1", "@SUM(A1)", "\t=1"):
        assert csv_cell(bad).startswith("'")
    assert csv_cell("防衛") == "防衛" and csv_cell(None) == ""
    hit = _hit(title="=cmd|' /C calc'!A0", source="@evil")
    text = hits_csv([hit], lambda rid: f"http://x/records/{rid}")
    row = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))[1]
    assert row[4] == "'=cmd|' /C calc'!A0" and row[3] == "'@evil"


def test_atom_feed(client):
    r = client.get("/feed.atom?q=防衛")
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(r.data)
    entries = root.findall(f"{ATOM}entry")
    assert 0 < len(entries) <= 50
    updated = [e.find(f"{ATOM}updated").text for e in entries]
    assert updated == sorted(updated, reverse=True)
    assert "防衛" in root.find(f"{ATOM}title").text
    assert entries[0].find(f"{ATOM}link").get("href").startswith("http://localhost/records/")


def test_feed_and_csv_errors_are_400_error_pages(client):
    for url, title, message in (
            ("/feed.atom?page=x", "フィードを作れません", "ページ番号「x」は数字ではありません。"),
            ("/export.csv?country=火星", "書き出せません", "国・地域「火星」は索引にありません。")):
        r = client.get(url)
        assert r.status_code == 400 and r.content_type == "text/html; charset=utf-8"
        body = r.get_data(as_text=True)
        assert f'<h1 id="error-title">{title}</h1>' in body and message in body
        assert r.headers["X-Frame-Options"] == "DENY"


def test_atom_survives_hostile_text():
    hit = _hit(title="<script>alert(1)</script>\x00\x1b", snippet_html="a &lt;b&gt; <mark>c</mark>")
    xml = atom_feed(title="「\x07」", self_url="http://x/feed", page_url="http://x/",
                    feed_id="http://x/feed", hits=[hit], record_url=lambda rid: "http://x/r")
    root = ET.fromstring(xml)
    entry = root.find(f"{ATOM}entry")
    assert entry.find(f"{ATOM}title").text == "<script>alert(1)</script>"
    assert b"<script>" not in xml
    assert entry.find(f"{ATOM}summary").text == "a &lt;b&gt; <mark>c</mark>"


# ---------------------------------------------------------------- safety and config

def test_security_headers(client):
    for url in ("/", "/api/search", "/nope", "/static/kirinuki.css"):
        with client.get(url) as r:
            headers = r.headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"]


def test_query_is_escaped_everywhere(client):
    evil = '"><script>alert(1)</script><img src=x onerror=alert(2)>'
    for url in ("/", "/records/mod-news-2024-10-22"):
        html = client.get(url, query_string={"q": evil}).get_data(as_text=True)
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;" in html
    r = client.get("/", query_string={"q": "x", "country": evil})
    assert r.status_code == 400 and "<script>alert" not in r.get_data(as_text=True)


def test_corpus_text_is_escaped(client, app, monkeypatch):
    """A record whose text holds markup shows the markup as text."""
    from search.engine import SearchResult

    engine = app.extensions["kirinuki.engine"]
    real = engine.search

    def poisoned(req):
        result: SearchResult = real(req)
        if result.results:
            h = result.results[0]
            h.source, h.values["country"] = "<b>outlet</b>", ["<i>国</i>"]
            h.section, h.date, h.time = "<u>sec</u>", "<x>", "<y>"
        return result

    monkeypatch.setattr(engine, "search", poisoned)
    html = client.get("/?q=NATO").get_data(as_text=True)
    for tag in ("<b>outlet", "<i>国", "<u>sec", "<x>", "<y>"):
        assert tag not in html
    assert "&lt;b&gt;outlet&lt;/b&gt;" in html


def test_static_files_and_no_external_urls(client):
    texts = {}
    for name in ("kirinuki.css", "kirinuki.js", "favicon.svg"):
        with client.get(f"/static/{name}") as r:
            assert r.status_code == 200
            texts[name] = r.get_data(as_text=True)
    html = client.get("/?q=NATO").get_data(as_text=True)
    for text in (html, *texts.values()):
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", text)
        assert "@import" not in text and "url(http" not in text
    css = texts["kirinuki.css"]
    assert "Hiragino Sans" in css and ":focus-visible" in css and "@media (max-width" in css


def test_404_405_and_debug_off(app, client):
    assert not app.debug
    r = client.get("/no/such/page")
    assert r.status_code == 404 and "ページが見つかりません" in r.get_data(as_text=True)
    assert client.post("/").status_code == 405


def test_missing_index_is_503(tmp_path):
    app = create_app({"INDEX_DIR": str(tmp_path / "empty"), "TESTING": True})
    client = app.test_client()
    r = client.get("/?q=NATO")
    assert r.status_code == 503 and "manage.py reindex" in r.get_data(as_text=True)
    r = client.get("/api/search?q=NATO")
    assert r.status_code == 503 and "manage.py reindex" in r.get_json()["error"]


def test_index_from_another_version_is_503(tmp_path):
    import json

    from search.index.build import reindex
    from search.index.store import current_path

    root = tmp_path / "ix"
    reindex(root)
    meta_path = current_path(root) / "kirinuki.json"
    meta = json.loads(meta_path.read_text())
    meta["schema_version"] = 1  # as an older kirinuki wrote it
    meta_path.write_text(json.dumps(meta))
    client = create_app({"INDEX_DIR": str(root), "TESTING": True}).test_client()
    r = client.get("/?q=NATO")
    assert r.status_code == 503 and "作り直して" in r.get_data(as_text=True)
    r = client.get("/api/search?q=NATO")
    assert r.status_code == 503 and "manage.py reindex" in r.get_json()["error"]


def test_configuration_order(monkeypatch, session_index):
    monkeypatch.setenv("KIRINUKI_PAGE_SIZE", "7")
    monkeypatch.setenv("KIRINUKI_INDEX", str(session_index))
    app = create_app()
    assert app.config["PAGE_SIZE"] == 7 and app.config["INDEX_DIR"] == str(session_index)
    html = app.test_client().get("/").get_data(as_text=True)
    app.extensions["kirinuki.engine"].close()
    assert len(re.findall(r'<li class="hit">', html)) == 7
    assert create_app({"PAGE_SIZE": 3}).config["PAGE_SIZE"] == 3
    with pytest.raises(ValueError, match="PAGE_SIZE"):
        create_app({"PAGE_SIZE": "many"})
    with pytest.raises(ValueError, match="PAGE_SIZE"):
        create_app({"PAGE_SIZE": 0})


def test_new_index_is_served_without_restart(tmp_path):
    """After a rebuild swaps `current`, the same app (the same Engine) serves the new build."""
    import shutil

    from search.config import DEFAULT_CORPUS
    from search.index.build import reindex

    corpus = tmp_path / "corpus"
    shutil.copytree(DEFAULT_CORPUS, corpus)
    root = tmp_path / "ix"
    reindex(root, corpus)
    app = create_app({"INDEX_DIR": str(root), "TESTING": True})
    client = app.test_client()
    engine = app.extensions["kirinuki.engine"]
    assert client.get("/api/search?q=鯖缶詰作戦").get_json()["total"] == 0
    clip = corpus / "mod-news-2024-10-22-nato.txt"
    clip.write_text(clip.read_text(encoding="utf-8").replace("NATO国防相会合", "鯖缶詰作戦", 1),
                    encoding="utf-8")
    reindex(root, corpus)
    assert client.get("/api/search?q=鯖缶詰作戦").get_json()["total"] == 1
    assert app.extensions["kirinuki.engine"] is engine
    engine.close()


# ---------------------------------------------------------------- helpers in isolation

def test_url_state_round_trip():
    from werkzeug.datastructures import MultiDict

    args = MultiDict([("q", "日米"), ("country", "米国"), ("country", "中国"), ("org", "NATO"),
                      ("year", "2024"), ("from", "2024-01-01"), ("sort", "newest"),
                      ("page", "3")])
    state = SearchState.from_args(args)
    assert SearchState.from_args(MultiDict(state.params())) == state
    assert state.toggled("country", "米国").selected["country"] == ("中国",)
    assert state.toggled("country", "韓国").page == 1
    assert "month" not in state.toggled("year", "2025").selected
    assert state.cleared().params() == [("q", "日米"), ("sort", "newest")]
    req = state.request(20)
    assert req.selected["organization"] == ["NATO"]
    assert req.page == 3 and req.date_from == "2024-01-01"


def test_parse_page_and_window():
    assert parse_page("") == 1 and parse_page(" 12 ") == 12
    for bad in ("0", "x", "-3", "1e3", "１", "12345678"):
        with pytest.raises(ValueError):
            parse_page(bad)
    assert page_window(1, 1) == [1]
    assert page_window(6, 20) == [1, None, 4, 5, 6, 7, 8, None, 20]
    assert page_window(2, 4) == [1, 2, 3, 4]


def test_chart_fills_gaps():
    from search.facets import FacetValue

    values = [FacetValue("2025", 4, False), FacetValue("2020", 2, True)]
    chart = year_chart(values, SearchState(q="x", selected={"year": ("2020",)}))
    assert [b.year for b in chart.bars] == ["2020", "2021", "2022", "2023", "2024", "2025"]
    assert chart.bars[1].count == 0 and chart.bars[1].height == 0
    assert [b.href is None for b in chart.bars] == [False, True, True, True, True, False]
    assert chart.bars[-1].height > chart.bars[0].height > 0
    assert chart.bars[0].selected and params(chart.bars[0].href) == [("q", "x")]
    assert chart.bars[0].name == "2020年 2件(選択中・選ぶと解除)"
    assert params(chart.bars[-1].href) == [("q", "x"), ("from", "2020"), ("to", "2025")]
    assert chart.bars[-1].name == "2025年 4件(2020年〜2025年の期間にする)"
    assert chart.bars[1].name == "2021年 0件"
    assert "2025年 4件" in chart.summary and "2021" not in chart.summary
    assert year_chart([], SearchState()) is None


def test_chart_bar_targets():
    from search.facets import FacetValue

    values = [FacetValue(str(y), 1, False) for y in range(2018, 2023)]
    # nothing chosen: a bar is that year
    chart = year_chart(values, SearchState(q="x", sort="oldest"))
    assert [params(b.href) for b in chart.bars][:2] == [
        [("q", "x"), ("year", "2018"), ("sort", "oldest")],
        [("q", "x"), ("year", "2019"), ("sort", "oldest")]]
    assert not any(b.selected for b in chart.bars)
    # one year chosen: a later or an earlier bar makes the period, ordered
    one = SearchState(q="x", selected={"year": ("2020",), "country": ("米国",)})
    chart = year_chart(values, one)
    assert params(chart.bars[0].href) == [("q", "x"), ("country", "米国"), ("from", "2018"),
                                          ("to", "2020")]
    assert params(chart.bars[4].href) == [("q", "x"), ("country", "米国"), ("from", "2020"),
                                          ("to", "2022")]
    # two years chosen: a bar is that year alone again
    two = SearchState(selected={"year": ("2019", "2021")})
    chart = year_chart(values, two)
    assert params(chart.bars[0].href) == [("year", "2018")]
    assert params(chart.bars[1].href) == [("year", "2021")]
    assert [b.selected for b in chart.bars] == [False, True, False, True, False]
    # a period: the years it touches are drawn as chosen; a bar replaces it by its year
    period = SearchState(q="x", date_from="2019-04", date_to="2021")
    chart = year_chart(values, period)
    assert [b.selected for b in chart.bars] == [False, True, True, True, False]
    assert params(chart.bars[2].href) == [("q", "x"), ("year", "2020")]
    assert [b.action for b in chart.bars] == [""] * 5
    assert [b.selected for b in year_chart(values, SearchState(date_to="2019")).bars] == [
        True, True, False, False, False]


def _hit(**overrides) -> Hit:
    base = {"id": "x-1", "score": 1.0, "title": "見出し", "title_html": "見出し",
            "date": "2024-06-01", "time": "09:30", "source": "読売新聞",
            "values": {"country": ["米国"], "organization": [], "collection": ["欧州"]},
            "snippet_html": "本文",
            "snippet": "本文"}
    base.update(overrides)
    return Hit(**base)


def test_error_page_offers_the_way_out(client):
    html = client.get("/?q=NATO&country=火星").get_data(as_text=True)
    assert 'aria-label="国・地域「火星」を外す"' in html and 'href="/?q=NATO"' in html
    assert "1 ページ目を開く" not in html
    html = client.get("/?q=NATO&page=999").get_data(as_text=True)
    assert "ページ 999 はありません" in html and "1 ページ目を開く" in html


def test_partial_matches_are_marked_on_the_page(client):
    body = client.get("/?q=イタリア 空母 訓練").get_data(as_text=True)
    assert "すべての語を含む記事は 5 件です。" in body
    marks = re.findall(r'<p class="missing">含まれない語: <s>(.*?)</s></p>', body)
    # (an article lacking イタリア, the place the query names, is no partial match)
    assert marks == ["訓練"] + ["空母"] * 6
    full = client.get("/?q=空母").get_data(as_text=True)
    assert "含まれない語" not in full and "すべての語を含む記事は" not in full


def test_a_period_keeps_every_year_in_the_chart_and_is_one_chip(client):
    """The year chart showed only the chosen period, and a period was two chips (開始日 2019,
    終了日 2021): the years are counted at any date (a bar replaces the period), and a
    period is one chip that removes both ends."""
    plain = client.get("/api/search?q=防衛").get_json()
    period = client.get("/api/search?q=防衛&from=2019&to=2021").get_json()
    assert period["total"] < plain["total"]
    assert period["facets"]["year"] == plain["facets"]["year"]
    # the other facets are counted within the period, as before
    assert period["facets"]["source"] != plain["facets"]["source"]
    html = client.get("/?q=防衛&from=2019&to=2021").get_data(as_text=True)
    assert html.count('<li class="chip">') == 1
    assert '<span class="chip-label">期間</span> 2019〜2021' in html
    assert 'href="/?q=%E9%98%B2%E8%A1%9B" class="chip-x"' in html
    one = client.get("/?q=防衛&from=2019&to=2019").get_data(as_text=True)
    assert '<span class="chip-label">期間</span> 2019\n' in one
    start = client.get("/?q=防衛&from=2019").get_data(as_text=True)
    assert '<span class="chip-label">開始日</span> 2019' in start


def test_results_per_page_is_a_choice_the_url_keeps(client):
    html = client.get("/?q=防衛&page_size=50").get_data(as_text=True)
    assert html.count('<li class="hit">') == 50
    assert ('<option value="">20 件</option><option value="50" selected>50 件</option>'
            '<option value="100">100 件</option>') in html
    assert 'href="/?q=%E9%98%B2%E8%A1%9B&amp;page_size=50&amp;page=2"' in html
    default = client.get("/?q=防衛").get_data(as_text=True)
    assert default.count('<li class="hit">') == 20
    assert '<option value="" selected>20 件</option>' in default
    odd = client.get("/?q=防衛&page_size=37").get_data(as_text=True)  # typed into the URL
    assert odd.count('<li class="hit">') == 37 and '<option value="37" selected>37 件' in odd
    assert client.get("/?q=防衛&page_size=101").status_code == 400


def test_a_record_opened_from_a_search_links_the_records_either_side(client):
    from urllib.parse import quote

    first = client.get("/api/search?q=防衛&page_size=20").get_json()
    second = client.get("/api/search?q=防衛&page_size=20&page=2").get_json()
    ids = [r["id"] for r in first["results"]] + [r["id"] for r in second["results"]]

    def nav(rid: str, page: int = 1) -> str:
        html = client.get(f"/records/{quote(rid)}?q=防衛&page={page}").get_data(as_text=True)
        return html.split('<nav class="record-nav"')[1].split("</nav>")[0] \
            if 'class="record-nav"' in html else ""

    middle = nav(ids[5])
    assert "260 件中 6 件目" in middle
    assert f'<a rel="prev" href="/records/{quote(ids[4])}?q=%E9%98%B2%E8%A1%9B"' in middle
    assert f'<a rel="next" href="/records/{quote(ids[6])}?q=%E9%98%B2%E8%A1%9B"' in middle
    # the last of page 1 leads to the first of page 2, whose back link is page 2's
    last = nav(ids[19])
    assert f'href="/records/{quote(ids[20])}?q=%E9%98%B2%E8%A1%9B&amp;page=2"' in last
    back = nav(ids[20], page=2)
    assert "260 件中 21 件目" in back
    assert f'<a rel="prev" href="/records/{quote(ids[19])}?q=%E9%98%B2%E8%A1%9B"' in back
    assert 'rel="prev"' not in nav(ids[0])  # the first has none before it
    # opened without a search, or not among its matches: no such links
    assert "record-nav" not in client.get(f"/records/{quote(ids[0])}").get_data(as_text=True)
    assert nav(ids[0], page=2) == ""
