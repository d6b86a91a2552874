"""/api/suggest and /opensearch.xml over the real index of the bundled corpus."""

from __future__ import annotations

import json
import threading
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote, urlencode
from xml.etree import ElementTree as ET

import pytest

from search.engine import Engine

OS = "{http://a9.com/-/spec/opensearch/1.1/}"


def total(client, query: str) -> int:
    return client.get("/api/search?" + query).get_json()["total"]


def test_a_country_by_its_reading(client):
    r = client.get("/api/suggest?" + urlencode({"q": "ふぃり"}))
    assert r.status_code == 200 and r.headers["Content-Type"] == "application/json"
    assert r.get_json() == {"query": "ふぃり", "prefix": "ふぃり", "suggestions": [
        {"kind": "facet", "value": "フィリピン", "count": total(client, "country=フィリピン"),
         "query": "", "facet": "country", "param": "country", "label": "国・地域",
         "alias": None}]}


def test_facets_count_what_their_filter_finds(client):
    found = client.get("/api/suggest?" + urlencode({"q": "イタリア 読", "limit": 20})
                       ).get_json()["suggestions"]
    facets = [s for s in found if s["kind"] == "facet"]
    assert facets[0]["value"] == "読売新聞" and facets[0]["query"] == "イタリア"
    for s in facets:
        assert s["count"] == total(client, urlencode({s["param"]: s["value"]})), s
    for s in client.get("/api/suggest?q=アメ").get_json()["suggestions"][:1]:
        assert (s["value"], s["alias"], s["count"]) == ("米国", "アメリカ",
                                                        total(client, "country=米国"))


def test_words_with_their_records(client, session_index):
    found = client.get("/api/suggest?" + urlencode({"q": "イタリア くう"})).get_json()
    assert found["prefix"] == "くう"
    words = found["suggestions"]
    assert [s["kind"] for s in words] == ["word"] * 8
    assert [s["value"] for s in words[:3]] == ["空軍", "空母", "空自"]
    assert all(s["query"] == "イタリア " + s["value"] for s in words)
    with Engine(session_index) as engine, engine.serving.use() as ix, ix.searcher() as s:
        for w in words:
            assert w["count"] == max(s.doc_frequency("title", w["value"]),
                                     s.doc_frequency("body", w["value"])), w
    counts = [w["count"] for w in words]
    assert counts == sorted(counts, reverse=True)
    # each one, searched, finds records
    assert all(total(client, urlencode({"q": w["value"]})) >= w["count"] for w in words)


def test_opensearch_suggestions_are_queries(client):
    r = client.get("/api/suggest?" + urlencode({"q": "アメ", "format": "opensearch"}))
    assert r.headers["Content-Type"] == "application/x-suggestions+json; charset=utf-8"
    assert json.loads(r.data) == ["アメ", ["country:米国"]]
    # the field term finds what the filter finds
    assert total(client, urlencode({"q": "country:米国"})) == total(client, "country=米国")
    words = client.get("/api/suggest?" + urlencode({"q": "イタリア くう"})).get_json()
    r = client.get("/api/suggest?" + urlencode({"q": "イタリア くう", "format": "opensearch"}))
    assert json.loads(r.data) == ["イタリア くう", [s["query"] for s in words["suggestions"]]]
    # an outlet with spaces cannot be a field term: left out
    assert json.loads(client.get("/api/suggest?q=Stars&format=opensearch").data) == [
        "Stars", []]
    assert client.get("/api/suggest?q=Stars").get_json()["suggestions"][0]["value"] == \
        "Stars and Stripes"


@pytest.mark.parametrize("query, message", [
    ("q=a&limit=0", "候補の数は 1〜20 にしてください"),
    ("q=a&limit=21", "候補の数は 1〜20 にしてください"),
    ("q=a&limit=abc", "候補の数「abc」は 1〜20 の整数で指定してください"),
    ("q=a&limit=-1", "候補の数「-1」は 1〜20 の整数で指定してください"),
    ("q=a&limit=１", "候補の数「１」は 1〜20 の整数で指定してください"),
    ("q=" + "a" * 1001, "検索語が長すぎます(1001文字)。1000文字以内にしてください"),
])
def test_bad_requests_are_400_with_a_message(client, query, message):
    r = client.get("/api/suggest?" + query)
    assert (r.status_code, r.get_json()) == (400, {"error": message})


@pytest.mark.parametrize("raw", [
    "", "q=", "q=%20", "q=%00", "q=%ED%A0%80", "q=%FF%FE", "q=" + "あ" * 999, "q=-", "q=%22",
    "q=(((", "q=%E3%80%80", "q=a:b", "q=" + quote("\u200b\u0301"), "q=x&q=y", "limit=5",
])
def test_odd_input_never_fails(client, raw):
    r = client.get("/api/suggest?" + raw)
    assert r.status_code == 200
    assert set(r.get_json()) == {"query", "prefix", "suggestions"}


def test_many_threads_at_once_on_a_fresh_index(session_index, serve_app):
    """The first requests of a new server all need the completer: it is built once, and
    every thread gets the same answers as one thread alone."""
    from web import create_app

    queries = ["ふぃり", "防衛", "ぼうえい", "イタリア くう", "アメ", "nat", "読", "共同", "-空",
               "きょう", "日米", "英"] * 4
    app = create_app({"INDEX_DIR": str(session_index)})
    builds = []
    try:
        with serve_app(app, threads=8) as base:
            def ask(q: str):
                url = f"{base}/api/suggest?" + urlencode({"q": q})
                with urllib.request.urlopen(url, timeout=60) as r:
                    return q, json.loads(r.read())

            start = threading.Barrier(8)

            def first(q: str):
                start.wait()
                return ask(q)

            with ThreadPoolExecutor(8) as pool:
                together = list(pool.map(first, queries[:8])) + list(pool.map(ask, queries))
            with app.extensions["kirinuki.engine"].serving.use() as ix:
                builds.append(ix.completer())
                builds.append(ix.completer())
            alone = {q: ask(q)[1] for q in set(queries)}
        assert builds[0] is builds[1]
        for q, answer in together:
            assert answer == alone[q], q
        assert alone["ふぃり"]["suggestions"][0]["value"] == "フィリピン"
    finally:
        app.extensions["kirinuki.engine"].close()


# ---------------------------------------------------------------- OpenSearch

def parse_opensearch(data: bytes) -> dict:
    root = ET.fromstring(data)
    assert root.tag == f"{OS}OpenSearchDescription"
    return {
        "ShortName": root.find(f"{OS}ShortName").text,
        "InputEncoding": root.find(f"{OS}InputEncoding").text,
        "urls": {u.get("type"): u.get("template") for u in root.findall(f"{OS}Url")},
        "form": root.find("{http://www.mozilla.org/2006/browser/search/}SearchForm").text,
    }


def test_opensearch_is_linked_and_never_takes_the_host_header(client):
    html = client.get("/").get_data(as_text=True)
    assert ('<link rel="search" type="application/opensearchdescription+xml" '
            'title="kirinuki 切り抜き" href="/opensearch.xml">') in html
    r = client.get("/opensearch.xml", headers={"Host": "evil.example",
                                                "X-Forwarded-Host": "evil.example"})
    assert r.headers["Content-Type"] == "application/opensearchdescription+xml; charset=utf-8"
    assert b"evil" not in r.data and b"localhost" not in r.data
    assert parse_opensearch(r.data) == {
        "ShortName": "kirinuki 切り抜き", "InputEncoding": "UTF-8",
        "urls": {"text/html": "/?q={searchTerms}",
                 "application/x-suggestions+json": "/api/suggest?format=opensearch&q={searchTerms}",
                 "application/opensearchdescription+xml": "/opensearch.xml"},
        "form": "/"}


def test_opensearch_urls_from_the_base_url(session_index):
    from web import create_app

    app = create_app({"INDEX_DIR": str(session_index), "TESTING": True,
                      "BASE_URL": "https://kirinuki.example/"})
    try:
        client = app.test_client()
        doc = parse_opensearch(client.get("/opensearch.xml",
                                          headers={"Host": "evil.example"}).data)
        assert doc["urls"] == {
            "text/html": "https://kirinuki.example/?q={searchTerms}",
            "application/x-suggestions+json":
                "https://kirinuki.example/api/suggest?format=opensearch&q={searchTerms}",
            "application/opensearchdescription+xml": "https://kirinuki.example/opensearch.xml"}
        assert doc["form"] == "https://kirinuki.example/"
        # the templates, filled in as a browser does, search
        page = doc["urls"]["text/html"].replace("{searchTerms}", quote("防衛"))
        assert client.get(page.removeprefix("https://kirinuki.example")).status_code == 200
    finally:
        app.extensions["kirinuki.engine"].close()


def test_no_correction_is_offered_when_the_filters_emptied_the_result(client):
    """ポーラント finds 3 articles by its spellings; in 2012 none. The words are not what
    emptied the page, so no もしかして (it offered ポーランド and ターラント): the page offers
    to remove the filter instead."""
    api = client.get("/api/search?q=ポーラント&year=2012").get_json()
    assert (api["total"], api["suggestions"], api["corrected"]) == (0, [], None)
    html = client.get("/?q=ポーラント&year=2012").get_data(as_text=True)
    assert "もしかして" not in html
    assert "絞り込みを外すと" in html and "3 件見つかります" in html
    # words that find nothing themselves are still helped, filters or not
    assert client.get("/api/search?q=ウクラナ&year=2012").get_json()["suggestions"] == \
        ["ウクライナ"]
    page = client.get("/?q=ウクラナ&year=2012&exact=1").get_data(as_text=True)
    assert '<p class="didyoumean">もしかして:' in page and "もしかして <a" in page
