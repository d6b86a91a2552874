"""The limits of one request (search/engine/request.py), without an index."""

from __future__ import annotations

import pytest
from whoosh import query as wq

from search.engine.request import (
    MAX_PAGE_SIZE,
    MAX_PHRASE_WORDS,
    MAX_QUERY_CHARS,
    MAX_QUERY_TERMS,
    SearchError,
    SearchRequest,
    check_cost,
    validate,
)
from search.facets import FACETS


def terms(n: int) -> list[wq.Query]:
    return [wq.Term("body", f"w{i}") for i in range(n)]


def test_selections_follow_the_facet_registry():
    req = SearchRequest(selected={"source": ["共同通信"], "country": ["米国", "中国"],
                                  "month": ["2024-06"]})
    assert req.selections() == {"source": ["共同通信"], "country": ["米国", "中国"],
                                "organization": [], "collection": [], "year": [],
                                "month": ["2024-06"]}
    assert list(req.selections()) == [f.key for f in FACETS]


UNREADABLE = ("検索語に文字として読めないバイト列があります(UTF-8 以外の文字コード)。"
              "UTF-8 で入力し直してください")
TOO_MANY = "検索語が多すぎます。語の数を減らすか、OR でつないだ語を分けて検索してください"


@pytest.mark.parametrize("req, message", [
    (SearchRequest(q="あ" * (MAX_QUERY_CHARS + 1)),
     "検索語が長すぎます(1001文字)。1000文字以内にしてください"),
    (SearchRequest(sort="best"),
     "並べ替え「best」は使えません。relevance・newest・oldest のいずれかを指定してください"),
    (SearchRequest(page=0), "ページ番号は 1 以上を指定してください"),
    (SearchRequest(page_size=0), "1ページの件数は 1〜100 にしてください"),
    (SearchRequest(page_size=MAX_PAGE_SIZE + 1), "1ページの件数は 1〜100 にしてください"),
    (SearchRequest(all_values=["country", "countries"]),
     "絞り込み項目「countries」はありません。source・country・organization・collection・"
     "year・month のいずれかを指定してください"),
    # bytes that were not UTF-8, as Python keeps them from a terminal's argv
    (SearchRequest(q="空母 \udcff\udcfe"), UNREADABLE),
    (SearchRequest(q="\ud800"), UNREADABLE),
    (SearchRequest(q="a\udfff"), UNREADABLE),
    # the limit holds for what is searched: ﷺ is one character typed, 18 folded
    (SearchRequest(q="ﷺ" * 1000), "検索語が長すぎます(18000文字)。1000文字以内にしてください"),
    (SearchRequest(q="ﷺ" * 56), "検索語が長すぎます(1008文字)。1000文字以内にしてください"),
])
def test_invalid_requests_say_what_to_change(req, message):
    with pytest.raises(SearchError) as exc:
        validate(req)
    assert str(exc.value) == message


@pytest.mark.parametrize("req", [
    SearchRequest(q="あ" * MAX_QUERY_CHARS), SearchRequest(sort="newest"),
    SearchRequest(sort="oldest"), SearchRequest(sort="relevance"), SearchRequest(sort=None),
    SearchRequest(page=1, page_size=1), SearchRequest(page_size=MAX_PAGE_SIZE),
    SearchRequest(all_values=[f.key for f in FACETS]),
])
def test_valid_requests_pass(req):
    validate(req)


def test_terms_are_counted_through_every_compound_and_negation():
    check_cost(wq.Or(terms(MAX_QUERY_TERMS)))
    check_cost(wq.And([wq.Or(terms(MAX_QUERY_TERMS // 2)),
                       wq.Not(wq.Or(terms(MAX_QUERY_TERMS // 2)))]))
    with pytest.raises(SearchError) as exc:
        check_cost(wq.Or(terms(MAX_QUERY_TERMS + 1)))
    assert str(exc.value) == TOO_MANY
    with pytest.raises(SearchError, match="検索語が多すぎます"):
        check_cost(wq.And([wq.Or(terms(MAX_QUERY_TERMS // 2)),
                           wq.Not(wq.Or(terms(MAX_QUERY_TERMS // 2 + 1)))]))


def test_a_phrase_counts_its_words_and_is_limited_in_length():
    words = [f"w{i}" for i in range(MAX_PHRASE_WORDS)]
    check_cost(wq.Phrase("body", words))
    with pytest.raises(SearchError, match=f"フレーズが長すぎます({MAX_PHRASE_WORDS + 1}語)"
                       .replace("(", r"\(").replace(")", r"\)")):
        check_cost(wq.Phrase("body", [*words, "x"]))
    phrases = [wq.Phrase("body", words) for _ in range(MAX_QUERY_TERMS // MAX_PHRASE_WORDS)]
    check_cost(wq.Or(phrases))
    with pytest.raises(SearchError, match="検索語が多すぎます"):
        check_cost(wq.Or([*phrases, wq.Phrase("body", words)]))


def test_queries_without_terms_cost_nothing():
    for q in (wq.Every(), wq.NullQuery, wq.And([]), wq.Not(wq.Every())):
        check_cost(q)


def test_the_length_limit_counts_the_longer_of_typed_and_folded():
    from search.engine.request import check_length, query_length

    assert query_length("ﷺ" * 55) == 990 and query_length("あ" * 1000) == 1000
    check_length("ﷺ" * 55)  # 990 folded: allowed
    check_length("あ" * 1000)


def test_a_message_is_said_once():
    from search.query.compile import parse_query

    assert len(parse_query("ﷺ" * 300).messages) == 5  # five words ignored, each said once
    assert parse_query("の の の 防衛").messages == [
        "「の」は検索語にならない語(助詞・記号など)なので無視しました"]
