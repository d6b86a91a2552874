"""Trends over time (search/engine/trends.py) through ``Engine.trends``, over a real small
index (tests/unit/smallindex.py) served as the ``current`` build in each test:

    id  date        outlet    countries    text
    a1  2023-03-01  読売新聞   米国 日本     空母と演習
    a2  2023-03-15  読売新聞   米国          演習
    a3  2023-05-02  共同通信   日本          潜水艦
    a4  2025-01-10  読売新聞   米国 日本     空母
    a5  2025-12-20  共同通信                 空母と潜水艦
    a6  (none)      読売新聞                 空母
    a7  2026-01-05  読売新聞                 大使
    a8  2026-02-03  共同通信                 空母
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from search.engine import Engine, SearchError, SearchRequest
from search.engine.trends import MAX_TERMS, Series, Trends, check_terms
from tests.unit.smallindex import record, served

# what 潜水艦 is searched as: the word and its kinds (data/narrower.txt)
SUBMARINE = "(潜水艦 OR そうりゅう型 OR おやしお型 OR 原子力潜水艦 OR 原潜)"


@pytest.fixture()
def engine(tmp_path: Path) -> Iterator[Engine]:
    root, _ = served(tmp_path, [[
        record("a1", "2023-03-01", body="空母と演習", countries=("米国", "日本")),
        record("a2", "2023-03-15", body="演習", countries=("米国",)),
        record("a3", "2023-05-02", body="潜水艦", countries=("日本",), source="共同通信"),
        record("a4", "2025-01-10", body="空母", countries=("米国", "日本")),
        record("a5", "2025-12-20", body="空母と潜水艦", source="共同通信"),
        record("a6", None, body="空母"),
        record("a7", "2026-01-05", body="大使"),
        record("a8", "2026-02-03", body="空母", source="共同通信"),
    ]])
    with Engine(root) as opened:
        yield opened


def test_per_year_from_the_first_to_the_last_found_empty_years_included(engine: Engine) -> None:
    """2024 holds nothing and is on the axis; the undated a6 is in no period; a share is
    rounded to four places, and 0 where the period has no clipping."""
    assert engine.trends(["空母"]).to_dict() == {
        "by": "year", "periods": ["2023", "2024", "2025", "2026"], "clippings": [3, 0, 2, 2],
        "series": [{"term": "空母", "understood": "空母", "total": 4, "counts": [1, 0, 2, 1],
                    "shares": [0.3333, 0.0, 1.0, 0.5]}]}


def test_per_month_across_a_new_year(engine: Engine) -> None:
    """December, January (found by no term: there all the same), February; terms stripped,
    blank ones dropped, a repeated one charted once."""
    found = engine.trends(["空母", " 潜水艦 ", "空母", "", "  "], "month",
                          SearchRequest(date_from="2025-12-01"))
    assert found == Trends("month", ["2025-12", "2026-01", "2026-02"], [1, 1, 1], [
        Series("空母", "空母", [1, 0, 1], [1.0, 0.0, 1.0], 2),
        Series("潜水艦", SUBMARINE, [1, 0, 0], [1.0, 0.0, 0.0], 1)])


def test_a_month_range_of_one_year_and_the_next(engine: Engine) -> None:
    """2023-03 … 2023-05 (April empty), and a year's last month alone."""
    spring = engine.trends(["潜水艦", "演習"], "month", SearchRequest(date_to="2023-12"))
    assert (spring.periods, spring.clippings) == (["2023-03", "2023-04", "2023-05"], [2, 0, 1])
    assert [(s.counts, s.shares, s.total) for s in spring.series] == [
        ([0, 0, 1], [0.0, 0.0, 1.0], 1), ([2, 0, 0], [1.0, 0.0, 0.0], 2)]
    december = engine.trends(["潜水艦"], "month", SearchRequest(date_from="2024-01"))
    assert (december.periods, december.series[0].counts) == (["2025-12"], [1])


def test_each_term_is_searched_as_the_search_box_searches_it(engine: Engine) -> None:
    """Operators, readings and fields; ``understood`` says how; ``date_to`` bounds it."""
    found = engine.trends(["空母 -演習", "くうぼ", "country:米国"], "year",
                          SearchRequest(date_to="2025-06"))
    assert found.to_dict() == {
        "by": "year", "periods": ["2023", "2024", "2025"], "clippings": [3, 0, 1],
        "series": [
            {"term": "空母 -演習", "understood": "空母 -演習", "total": 1, "counts": [0, 0, 1],
             "shares": [0.0, 0.0, 1.0]},
            {"term": "くうぼ", "understood": "(くうぼ OR 空母)", "total": 2,
             "counts": [1, 0, 1], "shares": [0.3333, 0.0, 1.0]},
            {"term": "country:米国", "understood": "country:米国", "total": 3,
             "counts": [2, 0, 1], "shares": [0.6667, 0.0, 1.0]}]}


def test_the_filters_of_the_request_bound_terms_and_base_alike(engine: Engine) -> None:
    """Countries ticked: any of them, or all with ``match_all``; two facets: both."""
    any_of = engine.trends(["空母", "演習", "潜水艦"], "year",
                           SearchRequest(selected={"country": ["米国", "日本"]}))
    assert (any_of.periods, any_of.clippings) == (["2023", "2024", "2025"], [3, 0, 1])
    assert [s.counts for s in any_of.series] == [[1, 0, 1], [2, 0, 0], [1, 0, 0]]
    assert [s.shares for s in any_of.series] == [
        [0.3333, 0.0, 1.0], [0.6667, 0.0, 0.0], [0.3333, 0.0, 0.0]]
    all_of = engine.trends(["空母", "演習"], "year", SearchRequest(
        selected={"country": ["米国", "日本"]}, match_all=["country"]))
    assert (all_of.periods, all_of.clippings) == (["2023", "2024", "2025"], [1, 0, 1])
    assert [s.counts for s in all_of.series] == [[1, 0, 1], [1, 0, 0]]
    both = engine.trends(["空母", "潜水艦"], "year", SearchRequest(
        selected={"country": ["日本"], "source": ["共同通信"]}))
    assert both == Trends("year", ["2023"], [1], [
        Series("空母", "空母", [0], [0.0], 0), Series("潜水艦", SUBMARINE, [1], [1.0], 1)])


def test_the_words_sort_and_page_of_the_request_are_not_its_filters(engine: Engine) -> None:
    only = engine.trends(["大使"], "month", SearchRequest(q="空母", sort="oldest", page=3))
    assert (only.periods, only.clippings, only.series[0].counts) == (["2026-01"], [1], [1])


def test_nothing_found_charts_no_period(engine: Engine) -> None:
    assert engine.trends(["火星", "月面"], "month").to_dict() == {
        "by": "month", "periods": [], "clippings": [],
        "series": [{"term": "火星", "understood": "火星", "total": 0, "counts": [],
                    "shares": []},
                   {"term": "月面", "understood": "月面", "total": 0, "counts": [],
                    "shares": []}]}
    one = engine.trends(["火星", "大使"], "month")
    assert one.periods == ["2026-01"] and one.series[0] == Series("火星", "火星", [0], [0.0], 0)


def test_a_bad_filter_is_refused_as_a_search_refuses_it(engine: Engine) -> None:
    with pytest.raises(SearchError) as raised:
        engine.trends(["空母"], "year", SearchRequest(selected={"place": ["日本"]}))
    assert str(raised.value).startswith("絞り込み項目「place」はありません。")
    with pytest.raises(SearchError) as raised:
        engine.trends(["空母"], "year", SearchRequest(selected={"source": ["NHK"]}))
    assert str(raised.value) == "媒体「NHK」は索引にありません。媒体の一覧から選んでください"


def test_check_terms_keeps_up_to_five_terms_of_a_period_it_knows() -> None:
    five = [f"語{i}" for i in range(MAX_TERMS)]
    assert MAX_TERMS == 5
    assert check_terms(five, "year") == five
    assert check_terms([" a ", "a", "b"], "month") == ["a", "b"]
    with pytest.raises(SearchError) as raised:
        check_terms([*five, "語9"], "year")
    assert str(raised.value) == "比べられる語は 5 つまでです。語を減らしてください"
    # a sixth that repeats one of the five is not a sixth
    assert check_terms([*five, "語0 "], "year") == five
    for nothing in ([], ["", " ", "\u3000"]):
        with pytest.raises(SearchError) as raised:
            check_terms(nothing, "year")
        assert str(raised.value) == "比べる語を 1 つ以上入力してください(例: クアッド、日米豪印)"
    with pytest.raises(SearchError) as raised:
        check_terms(["空母"], "week")
    assert str(raised.value) == ("期間の単位「week」は使えません。year(年)か month(月)を"
                                 "指定してください")
    with pytest.raises(SearchError, match="検索語が長すぎます"):
        check_terms(["空母", "x" * 1001], "year")
    assert check_terms(["x" * 1000], "year") == ["x" * 1000]
