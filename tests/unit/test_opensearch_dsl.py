"""kirinuki's queries in OpenSearch's query DSL (search/export/dsl.py): each construct of the
query language (README 検索式 / Query language) and of the request, translated to the exact
body expected, written here from the OpenSearch documentation (bool, multi_match,
match_phrase, term/terms, range, post_filter, filter/terms/date_histogram aggregations,
highlight, sort, from/size). No server: the bodies are compared as dicts.

tests/system/test_opensearch_export.py evaluates the filters and aggregations over the
exported records and compares the counts with kirinuki's.
"""

from __future__ import annotations

import pytest

from search.engine import SearchError, SearchRequest
from search.export.dsl import related, translate
from search.query.compile import syntax_tree
from search.query.syntax import And, Word

FIELDS = ["title^2.0", "body", "notes^0.5", "outlet^0.3"]
NEWEST = [{"date": {"order": "desc", "missing": "_last"}},
          {"time": {"order": "desc", "missing": "_last"}}, {"id": {"order": "desc"}}]
OLDEST = [{"date": {"order": "asc", "missing": "_first"}},
          {"time": {"order": "asc", "missing": "_first"}}, {"id": {"order": "asc"}}]
BY_COUNT = [{"_count": "desc"}, {"_key": "asc"}]


def word(text: str, fields: list[str] = FIELDS) -> dict:
    """A word: all of its words in the fields, in order ranking higher."""
    return {"bool": {
        "must": [{"multi_match": {"query": text, "type": "cross_fields", "fields": fields,
                                  "operator": "and"}}],
        "should": [{"multi_match": {"query": text, "type": "phrase", "fields": fields,
                                    "boost": 2.0}}]}}


def phrase(text: str) -> dict:
    return {"bool": {"should": [
        {"match_phrase": {"title": {"query": text, "boost": 2.0}}},
        {"match_phrase": {"body": text}},
        {"match_phrase": {"notes": {"query": text, "boost": 0.5}}},
        {"match_phrase": {"outlet": {"query": text, "boost": 0.3}}}],
        "minimum_should_match": 1}}


def query(q: str, **kwargs) -> dict:
    return translate(SearchRequest(q=q, **kwargs))["query"]


def terms_agg(field: str, size: int, order: list[dict] = BY_COUNT) -> dict:
    return {"values": {"terms": {"field": field, "size": size, "order": order}}}


def unfiltered_aggs() -> dict:
    """Each facet's aggregation when nothing is chosen (no month: no single year)."""
    everything = {"match_all": {}}
    return {
        "source": {"filter": everything, "aggs": terms_agg("source", 30)},
        "country": {"filter": everything, "aggs": terms_agg("countries", 30)},
        "organization": {"filter": everything, "aggs": terms_agg("organizations", 30)},
        "collection": {"filter": everything, "aggs": terms_agg("collections", 10_000)},
        "year": {"filter": everything, "aggs": {
            **terms_agg("year", 10_000, [{"_key": "desc"}]),
            "chart": {"date_histogram": {"field": "date", "calendar_interval": "year",
                                         "format": "yyyy", "min_doc_count": 1}}}},
    }


HIGHLIGHT = {"pre_tags": ["<mark>"], "post_tags": ["</mark>"], "encoder": "html",
             "fields": {"title": {"number_of_fragments": 0},
                        "body": {"fragment_size": 150, "number_of_fragments": 1,
                                 "no_match_size": 150}}}


# -- the whole body ------------------------------------------------------------------------


def test_nothing_typed_is_every_article_newest_first():
    assert translate(SearchRequest()) == {
        "query": {"match_all": {}},
        "aggs": unfiltered_aggs(),
        "sort": NEWEST,
        "from": 0,
        "size": 20,
        "track_total_hits": True,
        "highlight": HIGHLIGHT,
    }


def test_a_word_is_searched_by_relevance_with_the_newest_first_among_ties():
    body = translate(SearchRequest(q="空母"))
    assert body["query"] == word("空母")
    assert body["sort"] == [{"_score": {"order": "desc"}}, *NEWEST]
    assert "post_filter" not in body


# -- the query language --------------------------------------------------------------------


def test_words_side_by_side_are_all_required():
    assert query("イタリア空母 演習") == {"bool": {"must": [word("イタリア空母"), word("演習")]}}


def test_and_is_the_same_as_a_space():
    assert query("空母 AND 演習") == query("空母 演習")


def test_or_and_its_bar_need_one_of_them():
    expected = {"bool": {"should": [word("空母"), word("潜水艦")], "minimum_should_match": 1}}
    assert query("空母 OR 潜水艦") == expected
    assert query("空母 | 潜水艦") == expected


def test_not_and_a_minus_exclude():
    expected = {"bool": {"must": [word("空母")], "must_not": [word("演習")]}}
    assert query("空母 NOT 演習") == expected
    assert query("空母 -演習") == expected


def test_a_query_that_only_excludes_keeps_every_other_article():
    assert query("-演習") == {"bool": {"must_not": [word("演習")]}}


def test_quoted_phrases_in_either_quotes():
    assert query('"情報保護協定"') == phrase("情報保護協定")
    assert query("「情報保護協定」") == phrase("情報保護協定")
    assert query('-"情報保護協定"') == {"bool": {"must_not": [phrase("情報保護協定")]}}


def test_brackets_group():
    assert query("(空母 OR 潜水艦) 寄港") == {"bool": {"must": [
        {"bool": {"should": [word("空母"), word("潜水艦")], "minimum_should_match": 1}},
        word("寄港")]}}
    assert query("空母 -(寄港 OR 演習)") == {"bool": {"must": [word("空母")], "must_not": [
        {"bool": {"should": [word("寄港"), word("演習")], "minimum_should_match": 1}}]}}


def test_title_field_searches_the_title_only():
    assert query("title:空母") == word("空母", ["title^2.0"])
    assert query('title:"防衛装備"') == {"match_phrase": {"title": {"query": "防衛装備",
                                                                   "boost": 2.0}}}


def test_a_country_field_is_the_facet_and_ranks_by_the_name():
    expected = {"bool": {"filter": [{"term": {"countries": "オーストラリア"}}],
                         "should": [phrase("オーストラリア")]}}
    assert query("country:豪") == expected  # resolved as the facet resolves it
    assert query("国:オーストラリア") == expected
    assert query("org:nato") == {"bool": {"filter": [{"term": {"organizations": "NATO"}}],
                                          "should": [phrase("NATO")]}}


def test_an_outlet_and_an_archive_are_terms_that_only_filter():
    assert query("空母 source:讀賣") == {"bool": {
        "must": [word("空母")], "filter": [{"term": {"source": "読売新聞"}}]}}
    assert query("collection:欧州") == {"term": {"collections": "欧州"}}


def test_an_outlet_not_in_the_list_is_a_part_of_its_names():
    assert query("source:新聞") == {"match": {"outlet": {"query": "新聞", "operator": "and"}}}


def test_an_excluded_country_field_is_a_bare_term():
    assert query("空母 -country:中国") == {"bool": {
        "must": [word("空母")], "must_not": [{"term": {"countries": "中国"}}]}}


@pytest.mark.parametrize(("typed", "bounds"), [
    ("date:2024", {"gte": "2024-01-01", "lte": "2024-12-31"}),
    ("date:2024-06", {"gte": "2024-06-01", "lte": "2024-06-30"}),
    ("date:2023..2024", {"gte": "2023-01-01", "lte": "2024-12-31"}),
    ("date:..2015", {"lte": "2015-12-31"}),
    ("date:2024-06-01..", {"gte": "2024-06-01"}),
    ("date:令和6年", {"gte": "2024-01-01", "lte": "2024-12-31"}),
    ("date:R6.5", {"gte": "2024-05-01", "lte": "2024-05-31"}),
    ("date:平成30年度", {"gte": "2018-04-01", "lte": "2019-03-31"}),
    ("date:H25..R1", {"gte": "2013-01-01", "lte": "2019-12-31"}),
    ("日付:平成31年", {"gte": "2019-01-01", "lte": "2019-04-30"}),
])
def test_date_fields_are_ranges(typed, bounds):
    assert query(typed) == {"range": {"date": bounds}}
    assert query(f"演習 {typed}") == {"bool": {"must": [word("演習")],
                                             "filter": [{"range": {"date": bounds}}]}}


def test_a_date_that_cannot_be_read_is_ignored_as_kirinuki_ignores_it():
    assert query("演習 date:そのうち") == word("演習")


def test_a_word_naming_a_country_finds_the_facets_articles():
    expected = {"bool": {"filter": [{"term": {"countries": "フィリピン"}}],
                         "should": [word("フィリピン")]}}
    assert query("フィリピン") == expected
    assert query("ふぃりぴん") == {"bool": {"filter": [{"term": {"countries": "フィリピン"}}],
                                          "should": [word("ふぃりぴん")]}}


def test_an_excluded_place_word_excludes_its_mentions_and_its_articles():
    assert query("空母 -フィリピン") == {"bool": {"must": [word("空母")], "must_not": [
        {"bool": {"should": [word("フィリピン"), {"term": {"countries": "フィリピン"}}],
                  "minimum_should_match": 1}}]}}


def test_an_enumeration_of_abbreviations_names_its_countries_together():
    assert query("日米豪") == {"bool": {"should": [
        word("日米豪"),
        {"bool": {"filter": [{"term": {"countries": "米国"}},
                             {"term": {"countries": "オーストラリア"}}]}}],
        "minimum_should_match": 1}}


@pytest.mark.parametrize(("typed", "countries", "rest"), [
    ("英軍", ["英国"], "軍"),  # before the word news glues to them
    ("日米豪共同訓練", ["米国", "オーストラリア"], "共同訓練"),  # at the head of a compound
])
def test_abbreviations_glued_to_a_word_name_the_countries_holding_the_rest(typed, countries,
                                                                           rest):
    held = {"bool": {
        "filter": [{"term": {"countries": c}} for c in countries],
        "must": [{"multi_match": {"query": rest, "type": "cross_fields", "fields": FIELDS,
                                  "operator": "and"}}]}}
    assert query(typed) == {"bool": {"should": [word(typed), held], "minimum_should_match": 1}}


def test_an_english_term_of_several_words_is_one_word():
    assert query("joint exercise") == word("joint exercise")


def test_an_unknown_field_is_searched_as_words():
    assert query("foo:空母") == {"bool": {"must": [word("foo"), word("空母")]}}


def test_a_query_that_cannot_be_parsed_is_its_words():
    assert syntax_tree('空母 "演習')[0] == And([Word("空母"), Word("演習")])
    assert query('空母 "演習') == {"bool": {"must": [word("空母"), word("演習")]}}
    assert query("空母 OR") == word("空母")
    assert query("(空母 -演習") == {"bool": {"must": [word("空母"), word("演習")]}}


def test_full_width_operators_are_read_as_ascii():
    assert query("空母　ＯＲ　潜水艦") == query("空母 OR 潜水艦")


def test_words_that_search_nothing_are_ignored_and_alone_find_nothing():
    assert query("空母 の") == word("空母")
    assert query("の") == {"match_none": {}}


# -- the request -----------------------------------------------------------------------------


def test_selections_in_two_facets_are_a_post_filter_and_count_beside_each_other():
    body = translate(SearchRequest(selected={"country": ["比", "米国"],
                                             "source": ["読売新聞"]}))
    countries = {"terms": {"countries": ["フィリピン", "米国"]}}  # 比 resolved
    outlets = {"terms": {"source": ["読売新聞"]}}
    assert body["post_filter"] == {"bool": {"filter": [outlets, countries]}}
    aggs = unfiltered_aggs()
    aggs["source"] = {"filter": countries, "aggs": {
        **terms_agg("source", 30),
        "chosen": {"terms": {"field": "source", "include": ["読売新聞"], "size": 1,
                             "min_doc_count": 0}}}}
    aggs["country"] = {"filter": outlets, "aggs": {
        **terms_agg("countries", 30),
        "chosen": {"terms": {"field": "countries", "include": ["フィリピン", "米国"],
                             "size": 2, "min_doc_count": 0}}}}
    for key in ("organization", "collection"):
        aggs[key]["filter"] = {"bool": {"filter": [outlets, countries]}}
    aggs["year"]["filter"] = {"bool": {"filter": [outlets, countries]}}
    assert body["aggs"] == aggs


def test_all_of_requires_every_value_and_counts_within_its_own_selection():
    body = translate(SearchRequest(selected={"country": ["米国", "オーストラリア"]},
                                   match_all=["country"]))
    every = {"bool": {"filter": [{"term": {"countries": "米国"}},
                                 {"term": {"countries": "オーストラリア"}}]}}
    assert body["post_filter"] == every
    assert body["aggs"]["country"]["filter"] == every
    assert body["aggs"]["source"]["filter"] == every


def test_from_and_to_dates_filter_the_results_but_not_the_years():
    body = translate(SearchRequest(date_from="令和6年", date_to="2025-03",
                                   selected={"source": ["共同通信"]}))
    dates = {"range": {"date": {"gte": "2024-01-01", "lte": "2025-03-31"}}}
    outlets = {"terms": {"source": ["共同通信"]}}
    assert body["post_filter"] == {"bool": {"filter": [dates, outlets]}}
    assert body["aggs"]["source"]["filter"] == dates
    assert body["aggs"]["country"]["filter"] == {"bool": {"filter": [dates, outlets]}}
    assert body["aggs"]["year"]["filter"] == outlets  # the chart shows every year


def test_a_fiscal_year_from_and_an_open_end():
    body = translate(SearchRequest(date_from="2024年度"))
    assert body["post_filter"] == {"range": {"date": {"gte": "2024-04-01"}}}


def test_dates_kirinuki_refuses_are_refused():
    with pytest.raises(SearchError, match="開始日「そのうち」を読めません"):
        translate(SearchRequest(date_from="そのうち"))
    with pytest.raises(SearchError, match="開始日が終了日より後"):
        translate(SearchRequest(date_from="2025", date_to="2024"))


def test_months_are_listed_within_one_chosen_year():
    body = translate(SearchRequest(selected={"year": ["2024"]}))
    year = {"terms": {"year": ["2024"]}}
    assert body["aggs"]["month"] == {"filter": year, "aggs": {
        "values": {"terms": {"field": "month", "size": 10_000, "order": [{"_key": "desc"}],
                             "include": "2024.*"}}}}
    assert "month" not in translate(SearchRequest(selected={"year": ["2024", "2025"]}))["aggs"]


def test_all_values_lifts_a_facets_limit():
    body = translate(SearchRequest(all_values=["country"]))
    assert body["aggs"]["country"]["aggs"]["values"]["terms"]["size"] == 10_000
    assert body["aggs"]["source"]["aggs"]["values"]["terms"]["size"] == 30


@pytest.mark.parametrize(("sort", "expected"), [
    ("relevance", [{"_score": {"order": "desc"}}, *NEWEST]),
    ("newest", NEWEST),
    ("oldest", OLDEST),
])
def test_sorts(sort, expected):
    assert translate(SearchRequest(q="演習", sort=sort))["sort"] == expected


def test_the_page_is_from_and_size():
    body = translate(SearchRequest(q="演習", page=3, page_size=15))
    assert (body["from"], body["size"], body["track_total_hits"]) == (30, 15, True)


def test_bad_requests_are_refused_as_kirinuki_refuses_them():
    with pytest.raises(SearchError):
        translate(SearchRequest(page=0))
    with pytest.raises(SearchError):
        translate(SearchRequest(sort="random"))
    with pytest.raises(SearchError):
        translate(SearchRequest(match_all=["source"], selected={"source": ["読売新聞"]}))


# -- what stands in for what does not carry over --------------------------------------------


def test_partial_matches_stand_in_as_a_share_of_the_words_places_required():
    body = translate(SearchRequest(q="モンゴル 防衛装備品 輸出 -中国"), partial=True)
    assert body["query"] == {"bool": {
        "must": [{"bool": {"filter": [{"term": {"countries": "モンゴル"}}],
                           "should": [word("モンゴル")]}}],
        "should": [word("防衛装備品"), word("輸出")],
        "must_not": [{"bool": {"should": [word("中国"), {"term": {"countries": "中国"}}],
                               "minimum_should_match": 1}}],
        "minimum_should_match": "50%"}}
    # a bracketed group is one of the words typed
    assert translate(SearchRequest(q="(空母 OR 潜水艦) 寄港"), partial=True)["query"] == {
        "bool": {"should": [{"bool": {"should": [word("空母"), word("潜水艦")],
                                      "minimum_should_match": 1}}, word("寄港")],
                 "minimum_should_match": "50%"}}
    # one word has nothing to share
    assert translate(SearchRequest(q="輸出"), partial=True)["query"] == word("輸出")


def test_related_articles_stand_in_as_more_like_this():
    body = translate(SearchRequest(q="演習", selected={"source": ["共同通信"]}))
    assert related(body, ["2501-010101", "2501-010201"]) == {
        "query": {"bool": {
            "must": [{"more_like_this": {
                "fields": ["title", "body"],
                "like": [{"_index": "kirinuki", "_id": "2501-010101"},
                         {"_index": "kirinuki", "_id": "2501-010201"}],
                "max_query_terms": 10, "min_term_freq": 1}}],
            "must_not": [word("演習")],
            "filter": [{"terms": {"source": ["共同通信"]}}]}},
        "size": 5}


def test_the_command_line_prints_the_body_a_user_sends(capsys):
    import json

    import manage

    assert manage.main(["search", "--opensearch-dsl", "空母 -演習", "--country", "豪",
                        "--sort", "oldest", "--limit", "5", "--page", "2"]) == 0
    out = capsys.readouterr().out
    assert json.loads(out) == translate(SearchRequest(
        q="空母 -演習", selected={"country": ["豪"]}, sort="oldest", page_size=5, page=2))
    assert '"query": "空母"' in out and out.startswith('{\n  "query": {')  # as typed, indented
    assert manage.main(["search", "--opensearch-dsl", "--partial", "空母 演習"]) == 0
    assert json.loads(capsys.readouterr().out)["query"]["bool"]["minimum_should_match"] == "50%"
