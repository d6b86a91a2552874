"""The trends view (search/engine/trends.py, web/trendviews.py, manage.py trends): each
point is the total of the search it opens, in the engine, the page, the CSV, the API and
the command line alike; the limits are messages."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest

from search.engine import SearchError, SearchRequest

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.mark.parametrize(("terms", "by"), [(["クアッド", "日米豪印"], "year"),
                                           (["防衛", "NATO"], "month")])
def test_every_point_is_the_total_of_its_search(engine, terms, by):
    data = engine.trends(terms, by)
    assert [s.term for s in data.series] == terms and data.by == by
    assert data.periods == sorted(data.periods) and len(set(data.periods)) == len(data.periods)
    for s in data.series:
        assert sum(s.counts) == s.total == engine.search(SearchRequest(q=s.term)).total
        for period, n in list(zip(data.periods, s.counts, strict=True))[:12]:
            found = engine.search(SearchRequest(q=s.term, date_from=period, date_to=period))
            assert n == found.total, (s.term, period)
    for period, n in list(zip(data.periods, data.clippings, strict=True))[:12]:
        assert n == engine.search(SearchRequest(date_from=period, date_to=period)).total
    # shares are of the period's clippings, rounded to four places
    s = data.series[0]
    assert s.shares == [round(c / of, 4) if of else 0.0
                        for c, of in zip(s.counts, data.clippings, strict=True)]


def test_periods_run_without_gaps_and_within_the_filters(engine):
    data = engine.trends(["防衛"], "year")
    years = [int(p) for p in data.periods]
    assert years == list(range(years[0], years[-1] + 1))  # empty years are drawn too
    months = engine.trends(["防衛"], "month").periods
    assert "2024-12" in months and months[months.index("2024-12") + 1] == "2025-01"
    narrowed = engine.trends(["防衛"], "year", SearchRequest(selected={"country": ["米国"]},
                                                            date_from="2020"))
    assert narrowed.periods[0] >= "2020"
    assert narrowed.series[0].total == engine.search(SearchRequest(
        q="防衛", selected={"country": ["米国"]}, date_from="2020")).total
    # a term the archive does not hold: no periods, no error
    assert engine.trends(["カラオケ"]).periods == []


@pytest.mark.parametrize(("terms", "by", "message"), [
    ([], "year", "比べる語を 1 つ以上入力してください(例: クアッド、日米豪印)"),
    (["  "], "year", "比べる語を 1 つ以上入力してください(例: クアッド、日米豪印)"),
    (list("abcdef"), "year", "比べられる語は 5 つまでです。語を減らしてください"),
    (["防衛"], "week", "期間の単位「week」は使えません。year(年)か month(月)を指定してください"),
    (["防衛", "あ" * 1001], "year", "検索語が長すぎます(1001文字)。1000文字以内にしてください"),
])
def test_what_cannot_be_charted_is_a_message(engine, terms, by, message):
    with pytest.raises(SearchError) as refused:
        engine.trends(terms, by)
    assert str(refused.value) == message


def test_the_page_the_csv_and_the_api(client, engine):
    query = urlencode([("t", "クアッド"), ("t", "日米豪印")])
    data = engine.trends(["クアッド", "日米豪印"])
    api = client.get("/api/trends?" + query).get_json()
    assert api == data.to_dict()
    html = client.get("/trends?" + query).get_data(as_text=True)
    assert '<table class="trend-table">' in html
    # a point per term and period, each a link to its search in that period
    points = [a for a in html.split('<a href="')[1:] if 'aria-label="クアッド ' in a.split(">")[0]]
    assert len(points) == len(data.periods)
    href = points[-1].split('"')[0].replace("&amp;", "&")
    params = parse_qsl(urlsplit(href).query)
    assert params == [("q", "クアッド"), ("from", data.periods[-1]), ("to", data.periods[-1])]
    assert client.get("/api/search?" + urlencode(params)).get_json()["total"] == \
        data.series[0].counts[-1]
    rows = list(csv.reader(io.StringIO(
        client.get("/trends.csv?" + query).get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["期間", "クアッド 件数", "日米豪印 件数", "クアッド 割合", "日米豪印 割合",
                       "全記事"]
    assert [r[0] for r in rows[1:]] == data.periods
    assert [int(r[2]) for r in rows[1:]] == data.series[1].counts
    formula = client.get("/trends.csv?" + urlencode([("t", "=1")])).get_data(as_text=True)
    assert formula.splitlines()[0].endswith("'=1 件数,'=1 割合,全記事")
    bad = client.get("/api/trends?by=week&t=防衛")
    assert bad.status_code == 400 and "week" in bad.get_json()["error"]
    page = client.get("/trends?" + urlencode([("t", c) for c in "abcdef"]))
    assert page.status_code == 400 and "5 つまで" in page.get_data(as_text=True)
    empty = client.get("/trends").get_data(as_text=True)
    assert "語の推移を比べる" in empty and "trend-table" not in empty
    # the search page links its words to the view, with its filters
    search = client.get("/?q=クアッド&country=米国").get_data(as_text=True)
    assert ('href="/trends?t=%E3%82%AF%E3%82%A2%E3%83%83%E3%83%89&amp;'
            'country=%E7%B1%B3%E5%9B%BD"') in search


def test_the_command_line(session_index, engine):
    def run(*args):
        return subprocess.run([sys.executable, "manage.py", "--index", str(session_index),
                               "trends", *args], cwd=ROOT, capture_output=True, text=True,
                              encoding="utf-8", timeout=120)

    done = run("クアッド", "日米豪印", "--json")
    assert done.returncode == 0 and json.loads(done.stdout) == \
        engine.trends(["クアッド", "日米豪印"]).to_dict()
    text = run("クアッド", "日米豪印").stdout.splitlines()
    assert text[2:] == ["  期間  クアッド  日米豪印  全記事", "  2023         0         1      15",
                        "  2024         0         0      35", "  2025         1         2     192"]
    refused = run(*"abcdef")
    assert refused.returncode == 2
    assert refused.stderr == "error: 比べられる語は 5 つまでです。語を減らしてください\n"
