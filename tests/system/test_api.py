"""The JSON API, and hundreds of hostile parameters that must never produce a 500."""

from __future__ import annotations

import itertools
import json
from urllib.parse import quote, urlencode

import pytest

from search.engine import SearchRequest

SEARCH_KEYS = {"query", "understood", "messages", "corrected", "total", "complete", "page",
               "page_size", "pages", "sort", "results", "related", "related_offered", "facets",
               "suggestions", "elapsed_ms", "match_all"}
HIT_KEYS = {"id", "title", "title_html", "date", "time", "source", "countries", "organizations",
            "collections", "snippet_html", "snippet", "kind", "score", "country_codes",
            "missing"}


def test_search_returns_the_engines_object(client, app):
    r = client.get("/api/search?q=NATO&country=米国")
    assert r.status_code == 200 and r.is_json
    data = r.get_json()
    assert set(data) == SEARCH_KEYS
    engine = app.extensions["kirinuki.engine"]
    expected = engine.search(SearchRequest(q="NATO", selected={"country": ["米国"]})).to_dict()
    for key in SEARCH_KEYS - {"elapsed_ms"}:
        assert data[key] == expected[key], key
    assert data["results"] and set(data["results"][0]) == HIT_KEYS
    assert "<mark>" in "".join(h["snippet_html"] for h in data["results"])
    assert all("<mark>" not in h["snippet"] for h in data["results"])
    assert set(data["facets"]) >= {"source", "country", "organization", "collection", "year"}
    chosen = [v for v in data["facets"]["country"] if v["selected"]]
    assert [v["value"] for v in chosen] == ["米国"]
    assert "米国" in r.get_data(as_text=True)  # not \\u-escaped


def test_search_parameters(client):
    base = client.get("/api/search").get_json()
    assert base["total"] == 384 and base["page_size"] == 20 and base["sort"] == "newest"
    data = client.get("/api/search?source=時事通信&source=共同通信&year=2024&sort=oldest"
                      "&page=1&page_size=5").get_json()
    assert data["page_size"] == 5 and len(data["results"]) <= 5
    assert {h["source"] for h in data["results"]} <= {"時事通信", "共同通信"}
    dates = [h["date"] for h in data["results"]]
    assert dates == sorted(dates) and all(d.startswith("2024") for d in dates)
    org = client.get("/api/search?org=NATO&collection=欧州").get_json()
    assert org["total"] > 0
    ranged = client.get("/api/search?from=2025-01-01&to=2025-03-31").get_json()
    assert all("2025-01-01" <= h["date"] <= "2025-03-31" for h in ranged["results"])
    second = client.get("/api/search?page=2").get_json()
    assert second["page"] == 2
    assert {h["id"] for h in second["results"]}.isdisjoint(h["id"] for h in base["results"])


def test_every_value_of_a_facet_on_request(client, app):
    """The bundled corpus names 102 countries and 32 outlets; all=… lifts the limit of 30."""
    engine = app.extensions["kirinuki.engine"]
    wide = engine.search(SearchRequest(all_values=["country", "source"]))
    assert len(wide.facets["country"]) == 102 and len(wide.facets["source"]) == 32
    data = client.get("/api/search?all=country&all=source").get_json()
    assert data["facets"] == {k: [v.to_dict() for v in vals] for k, vals in wide.facets.items()}
    plain = client.get("/api/search").get_json()["facets"]
    assert len(plain["country"]) == 30
    assert data["facets"]["country"][:30] == plain["country"]  # the same order, only longer
    sweden = next(v for v in data["facets"]["country"] if v["value"] == "スウェーデン")
    assert sweden == {"value": "スウェーデン", "count": 4, "selected": False}
    # counts under the current selection: within 共同通信's articles only
    narrowed = client.get("/api/search?all=country&source=共同通信").get_json()
    total = client.get("/api/search?source=共同通信").get_json()["total"]
    assert max(v["count"] for v in narrowed["facets"]["country"]) <= total
    assert len(narrowed["facets"]["country"]) < 102
    r = client.get("/api/search?all=countries")
    assert r.status_code == 400 and "絞り込み項目「countries」はありません" in r.get_json()["error"]


@pytest.mark.parametrize("qs, words", [
    ("page=0", "ページ"), ("page=-2", "ページ"), ("page=two", "ページ"),
    ("page=100000", "ページ"), ("page_size=0", "ページ"), ("page_size=1000", "件数"),
    ("country=火星", "索引にありません"), ("source=存在しない新聞", "索引にありません"),
    ("year=1899", "索引にありません"), ("sort=best", "並べ替え"), ("from=2024-99-99", "開始日"),
    ("from=2025-01-01&to=2024-01-01", "開始日"), ("q=" + "あ" * 10_000, "長すぎ"),
])
def test_errors_are_json_400(client, qs, words):
    r = client.get("/api/search?" + qs)
    assert r.status_code == 400 and r.is_json
    assert words in r.get_json()["error"]


def test_record(client):
    r = client.get("/api/records/mod-news-2024-10-22?q=NATO")
    assert r.status_code == 200
    data = r.get_json()
    assert data["record"]["id"] == "mod-news-2024-10-22"
    assert data["record"]["source"] == "防衛省ニュース"
    assert "<mark>NATO</mark>" in data["summary_html"]
    assert data["related"] and all(set(h) == HIT_KEYS for h in data["related"])
    assert data["url"].endswith("/records/mod-news-2024-10-22")
    assert client.get("/api/records/whitepaper-2025%231").status_code == 200


def test_record_errors(client):
    r = client.get("/api/records/nothing-here")
    assert r.status_code == 404 and "nothing-here" in r.get_json()["error"]
    r = client.get("/api/records/x?q=" + "a" * 2000)
    assert r.status_code == 400 and r.get_json()["error"]


def test_unknown_routes_and_methods_are_json(client):
    r = client.get("/api/nope")
    assert r.status_code == 404 and r.get_json()["error"]
    r = client.post("/api/search")
    assert r.status_code == 405 and r.get_json()["error"]


# ---------------------------------------------------------------- hostile input

HOSTILE = [
    "", " ", "\u3000", "a" * 1001, "あ" * 5000, "x" * 100_000,
    "\x00", "\x00NATO", "\x1b[31m", "\r\n", "\t\t", "\x7f", "\ud800", "\udfff",
    '"', '"""', "「", "」」", "((((", "))))", "(NATO", 'NATO "', "「防衛", "OR", "NOT",
    "AND OR NOT", "-", "--", "- -", "-NATO", "NOT NOT NOT", "OR OR", "( OR )", "()",
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "javascript:alert(1)",
    "' OR '1'='1", "1; DROP TABLE records; --", "\" OR 1=1 --", "%", "%%", "%00", "%s%s%s",
    "{{7*7}}", "${7*7}", "{% raw %}", "../../etc/passwd", "..\\..\\windows\\win.ini",
    "/etc/passwd", "file:///etc/passwd", "\\", "\\\\", "*", "?", "*:*", "title:", "title:*",
    "country:", "country:火星", "org:", "source:\"", "date:", "date:abcd", "date:9999",
    "date:2024-13", "date:2024..2023", "date:..", "date:0000-00-00", "collection:「",
    "date:2024-02-30", "date:-1", "：：：", "ＮＡＴＯ", "（ＯＲ）", "Ａ" * 300,
    "\u200b", "\u200d\u200d", "\ufeff", "\u202e", "e\u0301", "🇯🇵", "👨‍👩‍👧‍👦",
    "𠮷野家", "\U0010ffff", "\uffff", "\ufffd", "ﾃｽﾄ", "㍻", "①", "Ⅻ", "NaN", "Infinity",
    "-1", "0", "1e309", "9" * 5000, "0x10", "+1", "1.5", "١٢", "²", "null", "[]", "{}",
    "a:b:c:d", ":" * 50, "|" * 50, "^~!@#$%^&*()_+", "\\u0000", "&amp;", "&#0;", "&#x0;",
]
PARAMS = ["q", "source", "country", "org", "collection", "year", "month", "from", "to", "sort",
          "page", "page_size"]


def _cases():
    """Every hostile string in a rotating parameter, plus a few in pairs."""
    for n, value in enumerate(HOSTILE):
        yield {PARAMS[n % len(PARAMS)]: value}
        yield {"q": value}
    for a, b in itertools.islice(itertools.product(HOSTILE[::7], PARAMS), 0, None, 3):
        yield {b: a, "q": a}
    for huge in ("999999", "4294967296", "18446744073709551617", "1" * 50, "-0", "00001"):
        yield {"page": huge}
        yield {"page_size": huge}


CASES = list(_cases())
# Invalid UTF-8 as a browser or a script could send it (lone surrogates are encoded the same way).
RAW = ["q=%FF%FE", "country=%C3%28", "q=%ED%A0%80", "page=%00", "q=%E3%81", "sort=%80",
       "from=%F0%28%8C%BC", "q=a&q=b&q=c", "page=1&page=2", "year=2024&year=2024",
       "q[]=x", "q=%", "q=%G1", "&&&", "=x", "q"]


def _encode(params: dict[str, str]) -> str:
    """A query string even for strings with lone surrogates (as their UTF-8-ish bytes)."""
    return urlencode(params, errors="surrogatepass")


def test_there_are_hundreds_of_hostile_cases():
    assert len(CASES) >= 300


@pytest.mark.parametrize("where", ["/api/search", "/", "/export.csv", "/feed.atom"])
def test_hostile_parameters_never_500(client, where):
    failures = []
    for params in CASES if where.startswith("/api") or where == "/" else CASES[::4]:
        r = client.get(where, query_string=_encode(params))
        if r.status_code >= 500 or r.status_code not in (200, 400):
            failures.append((params, r.status_code))
            continue
        if where.startswith("/api"):
            body = r.get_json()
            assert body is not None, params
            if r.status_code == 400:
                assert isinstance(body["error"], str) and body["error"], params
        elif where == "/":
            text = r.get_data(as_text=True)
            assert "<script>alert" not in text and "<img src=x" not in text, params
        r.close()
    assert not failures, failures[:10]


@pytest.mark.parametrize("raw", RAW)
def test_malformed_query_strings_never_500(client, raw):
    for where in ("/api/search", "/", "/export.csv", "/feed.atom", "/records/x"):
        r = client.get(f"{where}?{raw}")
        assert r.status_code in (200, 400, 404), (where, raw, r.status_code)
        r.close()


def test_hostile_record_ids_never_500(client):
    for value in HOSTILE[:80] + ["../../../etc/passwd", "%2e%2e%2f", "a/b/c", "#", "?x=1"]:
        for prefix in ("/records/", "/api/records/"):
            r = client.get(prefix + quote(value, safe="/", errors="surrogatepass"))
            assert r.status_code in (200, 308, 400, 404), (value, r.status_code)
            if prefix.startswith("/api") and r.status_code != 308:  # // merged by Werkzeug
                assert json.loads(r.get_data(as_text=True))["error"]
