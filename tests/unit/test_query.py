"""The query language of search/query/compile.py, from its specification (module docstring, README
sections 検索式 / Query language): the parse tree, the compiled Whoosh query, and what the
user is told (``understood``, ``messages``), highlighted and offered for spelling.

No index: the analysis is the real Sudachi dictionary, the gazetteer and synonym list the
bundled data files. Whoosh queries compare with ``==`` (field, text, boost, slop, nesting), so
each test builds the whole expected query and compares it at once.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from whoosh import query as wq

from search.query.compile import _Compiler, parse_query
from search.query.dates import parse_date_range, show_range
from search.query.expansion import (
    READING_BOOST,
    english,
    english_names,
    inner_synonyms,
    synonym_groups,
    synonyms,
)
from search.query.parsed import ParsedQuery
from search.query.syntax import (
    And,
    Filter,
    Node,
    Not,
    Or,
    Parser,
    Phrase,
    QuerySyntaxError,
    Word,
    lex,
    normalise,
)
from search.text.kana import is_kana

# The fields a plain word searches, with their weights (spec: title, body, notes, outlet).
TEXT = (("title", 1.0), ("body", 1.0), ("notes", 0.5), ("outlet", 0.3))
TITLE = (("title", 1.0),)


def terms(token: str, boost: float = 1.0, fields=TEXT) -> wq.Or:
    """One analysed token in every text field."""
    return wq.Or([wq.Term(f, token, boost=w * boost) for f, w in fields])


def phrase(tokens: list[str], boost: float = 1.0, fields=TEXT) -> wq.Or:
    """Tokens in order, in every text field."""
    return wq.Or([wq.Phrase(f, tokens, boost=w * boost) for f, w in fields])


def compound(tokens: list[str], fields=TEXT, boost: float = 1.0) -> wq.Or:
    """A word Sudachi splits: the phrase (boosted ×2) first, else all of its parts anywhere."""
    phrase_part = wq.Or([wq.Phrase(f, tokens, boost=w * boost * 2.0) for f, w in fields])
    return wq.Or([phrase_part, wq.And([terms(t, boost=boost, fields=fields) for t in tokens])])


def tree(text: str):
    return Parser(lex(text)).parse()


def date(*args) -> datetime:
    return datetime(*args)


def end_of(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 23, 59, 59, 999999)


# The synonym group of イタリア (data/synonyms.txt: 伊国 イタリア 伊) and its country.
ITALY = wq.And([wq.Or([
    terms("イタリア"),
    phrase(["伊", "国"], boost=0.8),  # a synonym of several words only as a phrase
    wq.Term("countries", "イタリア", boost=0.5),
    # the place by its gazetteer names, in any script
    terms("italy", boost=0.8), terms("イタリア共和国", boost=0.8), terms("italian", boost=0.8),
    terms("italians", boost=0.8),
    # 伊 (日英伊), which the country facet read in context
    terms("伊", boost=0.8),
    # the word finds the articles the facet says are about Italy; the rest ranks them
]), wq.Term("countries", "イタリア", boost=0.0)])
ITALY_SHOWN = "(イタリア OR 伊国 OR 国:イタリア)"
# excluded (-イタリア), every article naming it is left out, whatever the facet says
NOT_ITALY = wq.Not(ITALY.subqueries[0])
EVERY_FIELD = "(使える項目: title: source: country: org: collection: date:)"
FALLBACK = "。語を並べたものとして検索しました"


# ---------------------------------------------------------------- AND, OR, NOT


def test_words_are_anded():
    assert tree("空母 訓練") == And([Word("空母"), Word("訓練")])
    p = parse_query("空母 訓練")
    assert p.query == wq.And([terms("空母"), terms("訓練")])
    assert p.understood == "空母 訓練"
    assert p.messages == []
    assert p.highlight_terms == {"空母", "訓練"}
    assert p.words == ["空母", "訓練"]
    assert p.fallback is False
    assert p.text == "空母 訓練"
    assert not p.is_empty


def test_explicit_and_is_the_same_as_a_space():
    assert tree("空母 AND 訓練") == And([Word("空母"), Word("訓練")])
    assert parse_query("空母 AND 訓練").query == parse_query("空母 訓練").query


def test_one_word_is_not_wrapped():
    assert tree("空母") == Word("空母")
    p = parse_query("空母")
    assert p.query == terms("空母")
    assert p.understood == "空母"
    assert p.words == ["空母"]


@pytest.mark.parametrize("text", ["空母 OR 訓練", "空母 | 訓練", "空母 ｜ 訓練", "空母 ＯＲ 訓練"])
def test_or(text):
    p = parse_query(text)
    assert p.query == wq.Or([terms("空母"), terms("訓練")])
    assert p.understood == "(空母 OR 訓練)"
    assert p.highlight_terms == {"空母", "訓練"}
    assert p.words == ["空母", "訓練"]
    assert p.messages == []


def test_or_binds_looser_than_and():
    assert tree("空母 訓練 OR 派遣") == Or([And([Word("空母"), Word("訓練")]), Word("派遣")])
    assert tree("空母 OR 訓練 OR 派遣") == Or([Word("空母"), Word("訓練"), Word("派遣")])
    p = parse_query("空母 訓練 OR 派遣")
    assert p.query == wq.Or([wq.And([terms("空母"), terms("訓練")]), terms("派遣")])
    assert p.understood == "(空母 訓練 OR 派遣)"


def test_lowercase_or_is_a_word():
    assert tree("空母 or 訓練") == And([Word("空母"), Word("or"), Word("訓練")])


@pytest.mark.parametrize("text", ["空母 -イタリア", "空母 NOT イタリア"])
def test_not_word(text):
    assert tree(text) == And([Word("空母"), Not(Word("イタリア"))])
    p = parse_query(text)
    assert p.query == wq.And([terms("空母"), NOT_ITALY])
    assert p.understood == f"空母 -{ITALY_SHOWN}"
    # An excluded word is neither highlighted nor offered for spelling suggestions.
    assert p.highlight_terms == {"空母"}
    assert p.words == ["空母"]
    assert p.messages == []


@pytest.mark.parametrize("text", ['空母 NOT "防衛装備"', '空母 -"防衛装備"', "空母 -「防衛装備」"])
def test_not_phrase(text):
    assert tree(normalise(text)) == And([Word("空母"), Not(Phrase("防衛装備"))])
    p = parse_query(text)
    assert p.query == wq.And([terms("空母"), wq.Not(phrase(["防衛", "装備"]))])
    assert p.understood == '空母 -"防衛装備"'
    assert p.highlight_terms == {"空母"}


@pytest.mark.parametrize("text", ["空母 -title:イタリア", "空母 NOT title:イタリア"])
def test_not_title_field(text):
    assert tree(text) == And([Word("空母"), Not(Word("イタリア", "title"))])
    p = parse_query(text)
    assert p.query == wq.And([terms("空母"), wq.Not(terms("イタリア", fields=TITLE))])
    assert p.understood == "空母 -title:イタリア"
    assert p.highlight_terms == {"空母"}
    assert p.words == ["空母"]


def test_not_filter():
    assert tree("空母 -source:読売新聞") == And([Word("空母"), Not(Filter("source", "読売新聞"))])
    p = parse_query("空母 -source:読売新聞")
    assert p.query == wq.And([terms("空母"), wq.Not(wq.Term("source", "読売新聞"))])
    assert p.understood == "空母 -source:読売新聞"


def test_not_unknown_country_is_an_excluded_word():
    p = parse_query("空母 -country:ナルニア")
    assert p.query == wq.And([terms("空母"), wq.Not(terms("ナルニア"))])
    assert p.understood == "空母 -ナルニア"
    assert p.messages == ["国・地域「ナルニア」が見つからないため、語として検索しました"]
    # Excluded, so not highlighted, even though it went through the word path.
    assert p.highlight_terms == {"空母"}
    assert p.words == ["空母"]


def test_not_before_a_bracket():
    assert tree("空母 NOT (訓練 OR 演習)") == And(
        [Word("空母"), Not(Or([Word("訓練"), Word("演習")]))]
    )
    assert tree("空母 -(訓練 OR 演習)") == tree("空母 NOT (訓練 OR 演習)")
    p = parse_query("空母 -(訓練 OR 演習)")
    assert p.query == wq.And([terms("空母"), wq.Not(wq.Or([terms("訓練"), terms("演習")]))])
    assert p.understood == "空母 -(訓練 OR 演習)"
    assert p.highlight_terms == {"空母"}
    assert p.words == ["空母"]


def test_a_lone_hyphen_is_a_word_not_a_negation():
    assert tree("空母 -") == And([Word("空母"), Word("-")])
    p = parse_query("空母 -")
    assert p.query == terms("空母")
    assert p.messages == ["「-」は検索語にならない語(助詞・記号など)なので無視しました"]


def test_only_negative_query_searches_everything_else():
    assert tree("-イタリア") == Not(Word("イタリア"))
    p = parse_query("-イタリア")
    assert p.query == wq.And([wq.Every(), NOT_ITALY])
    assert p.understood == f"すべての記事 -{ITALY_SHOWN}"
    assert p.highlight_terms == set()
    assert p.words == []
    assert not p.is_empty


def test_only_negative_several():
    p = parse_query("-空母 -訓練")
    assert p.query == wq.And([wq.Every(), wq.And([wq.Not(terms("空母")), wq.Not(terms("訓練"))])])
    assert p.understood == "すべての記事 -空母 -訓練"


def test_only_negative_after_an_ignored_word():
    # の is ignored (a particle), which leaves a query that only excludes.
    p = parse_query("-空母 の")
    assert p.query == wq.And([wq.Every(), wq.Not(terms("空母"))])
    assert p.understood == "すべての記事 -空母"
    p = parse_query("-空母 title:")
    assert p.query == wq.And([wq.Every(), wq.Not(terms("空母"))])


def test_negatives_joined_by_or_are_not_wrapped():
    p = parse_query("-空母 OR -訓練")
    assert p.query == wq.Or([wq.Not(terms("空母")), wq.Not(terms("訓練"))])
    assert p.understood == "(-空母 OR -訓練)"


def test_a_negative_with_a_positive_is_not_wrapped():
    p = parse_query("-空母 訓練")
    assert p.query == wq.And([wq.Not(terms("空母")), terms("訓練")])
    assert p.understood == "-空母 訓練"


def test_negated_stop_word_is_dropped():
    assert tree("-の 空母") == And([Not(Word("の")), Word("空母")])
    p = parse_query("-の 空母")
    assert p.query == terms("空母")
    assert p.understood == "空母"
    assert p.messages == ["「の」は検索語にならない語(助詞・記号など)なので無視しました"]


# ---------------------------------------------------------------- brackets and phrases


def test_brackets():
    assert tree("(空母 OR 輸送艦) 訓練") == And([Or([Word("空母"), Word("輸送艦")]), Word("訓練")])
    p = parse_query("(空母 OR 輸送艦) 訓練")
    assert p.query == wq.And([wq.Or([terms("空母"), compound(["輸送", "艦"])]), terms("訓練")])
    assert p.understood == "(空母 OR 輸送艦[輸送・艦]) 訓練"
    assert p.highlight_terms == {"空母", "輸送", "艦", "訓練"}
    assert p.words == ["空母", "輸送艦", "訓練"]


def test_nested_brackets():
    assert tree("((空母))") == Word("空母")
    assert tree("空母 (訓練 (演習 OR 派遣))") == And(
        [Word("空母"), And([Word("訓練"), Or([Word("演習"), Word("派遣")])])]
    )


def test_full_width_brackets_and_or():
    assert parse_query("（空母 ＯＲ 輸送艦）").query == parse_query("(空母 OR 輸送艦)").query
    assert parse_query("（空母 ＯＲ 輸送艦）").understood == "(空母 OR 輸送艦[輸送・艦])"


@pytest.mark.parametrize(
    "text", ['"情報保護協定"', "「情報保護協定」", "＂情報保護協定＂", "『情報保護協定』",
             "“情報保護協定”"],
)
def test_phrase_quotes(text):
    p = parse_query(text)
    assert p.query == phrase(["情報", "保護", "協定"])
    assert p.understood == '"情報保護協定"'
    assert p.highlight_terms == {"情報", "保護", "協定"}
    assert p.words == []  # phrases are not offered for spelling suggestions
    assert p.messages == []


def test_phrase_tree():
    assert tree('"情報保護協定" 空母') == And([Phrase("情報保護協定"), Word("空母")])
    assert tree("「日米 同盟」") == Phrase("日米 同盟")


def test_phrase_of_one_word_is_a_term():
    p = parse_query('"空母"')
    assert p.query == terms("空母")
    assert p.understood == '"空母"'


def test_phrase_with_nothing_to_search():
    p = parse_query('空母 "の"')
    assert p.query == terms("空母")
    assert p.messages == ["「の」は検索語にならないため無視しました"]


def test_phrase_is_not_expanded_by_synonyms():
    assert parse_query('"米国"').query == terms("米国")


# ---------------------------------------------------------------- fields


@pytest.mark.parametrize("name", ["title", "タイトル", "見出し", "TITLE", "Title"])
def test_title_aliases(name):
    assert tree(f"{name}:空母") == Word("空母", "title")
    p = parse_query(f"{name}:空母")
    assert p.query == terms("空母", fields=TITLE)
    assert p.understood == "title:空母"
    assert p.highlight_terms == {"空母"}
    assert p.words == []  # a field term is not offered for spelling
    assert p.messages == []


def test_title_full_width_colon():
    assert parse_query("title：空母").query == terms("空母", fields=TITLE)


def test_title_phrase():
    assert tree('title:"防衛装備"') == Phrase("防衛装備", "title")
    assert tree("title:「防衛装備」") == Phrase("防衛装備", "title")
    p = parse_query('title:"防衛装備"')
    assert p.query == phrase(["防衛", "装備"], fields=TITLE)
    assert p.understood == 'title:"防衛装備"'
    assert p.highlight_terms == {"防衛", "装備"}


def test_title_compound_word_and_no_synonyms():
    p = parse_query("title:防衛装備移転")
    assert p.query == compound(["防衛", "装備", "移転"], fields=TITLE)
    assert p.understood == "title:防衛装備移転[防衛・装備・移転]"
    # Synonyms and places are for plain words only.
    assert parse_query("title:イタリア").query == terms("イタリア", fields=TITLE)


@pytest.mark.parametrize("name", ["source", "outlet", "媒体", "SOURCE"])
def test_source_aliases(name):
    assert tree(f"{name}:讀賣新聞") == Filter("source", "讀賣新聞")
    p = parse_query(f"{name}:讀賣新聞")
    assert p.query == wq.Term("source", "読売新聞")  # the canonical spelling
    assert p.understood == "source:読売新聞"
    assert p.highlight_terms == set()
    assert p.words == []
    assert p.messages == []


def test_unknown_source_is_searched_in_the_outlet_text():
    p = parse_query("source:謎新聞")
    assert p.query == wq.And([wq.Term("outlet", "謎"), wq.Term("outlet", "新聞")])
    assert p.understood == "source:謎新聞"
    assert p.messages == ["媒体「謎新聞」は一覧にないため、媒体名の一部として検索しました"]


def test_unknown_source_of_nothing_searchable():
    p = parse_query("空母 source:の")
    assert p.query == terms("空母")
    assert p.understood == "空母"
    assert p.messages == ["媒体「の」は一覧にないため、媒体名の一部として検索しました"]


@pytest.mark.parametrize(("name", "value", "canonical"), [
    ("country", "フィリピン", "フィリピン"),
    ("国", "比", "フィリピン"),
    ("Country", "フィリピン", "フィリピン"),
])
def test_country_aliases(name, value, canonical):
    assert tree(f"{name}:{value}") == Filter("country", value)
    p = parse_query(f"{name}:{value}")
    # the filter, scored by how the articles name the place: its gazetteer names as phrases
    assert isinstance(p.query, wq.AndMaybe)
    assert p.query.a == wq.Term("countries", canonical)
    assert p.query.b == wq.Or([
        terms("フィリピン"), terms("philippines"), terms("フィリピン共和国"),
        terms("比国"), terms("ヒリピン"), terms("philippine"), terms("filipino"),
        terms("filipinos"), phrase(["the", "philippines"]), terms("比")])
    assert p.understood == f"country:{canonical}"
    assert p.messages == []
    assert p.highlight_terms == set()


@pytest.mark.parametrize("name", ["org", "organization", "機関", "ORG"])
def test_org_aliases(name):
    assert tree(f"{name}:NATO") == Filter("organization", "NATO")
    p = parse_query(f"{name}:NATO")
    assert p.query.a == wq.Term("organizations", "NATO")
    assert p.query.b.subqueries[:3] == [
        terms("nato"), phrase(["north", "atlantic", "treaty", "organization"]),
        phrase(["北", "大西洋", "条約", "機構"])]
    assert p.understood == "org:NATO"
    assert p.messages == []


@pytest.mark.parametrize(("text", "places"), [
    ("イタリア 空母 訓練", [True, False, False]),
    ("ふぃりぴん 空母", [True, False]),  # typed in hiragana
    ("NATO サイバー", [True, False]),  # an organisation
    ("title:イタリア 空母", [False, False]),  # a field's word is the word, not the place
    ('"イタリア" 空母', [False, False]),
    ("イタリア -空母 country:フィリピン", []),  # one word: no partial matches
])
def test_which_words_name_a_place(text, places):
    assert parse_query(text).places == places


@pytest.mark.parametrize(("text", "plain", "rest"), [
    ("空母 -イタリア", True, 1),  # one word and an exclusion: the exclusion is kept
    ("空母 潜水艦 date:2024", True, 1),
    ("空母", True, 0),
    ('"空母"', True, 0),
    ("空母 OR 潜水艦", False, 0),
    ("(空母 -イタリア) OR 潜水艦", False, 0),
    ("country:イタリア", False, 0),
    ("-イタリア", False, 0),
])
def test_plain_queries_keep_their_filters_apart(text, plain, rest):
    p = parse_query(text)
    assert (p.plain, len(p.rest)) == (plain, rest)


def test_an_excluded_place_is_only_the_filter():
    p = parse_query("空母 -country:イタリア")
    assert p.query == wq.And([terms("空母"), wq.Not(wq.Term("countries", "イタリア"))])


def test_unknown_country_is_searched_as_a_word():
    p = parse_query("country:ナルニア")
    assert p.query == terms("ナルニア")
    assert p.understood == "ナルニア"
    assert p.messages == ["国・地域「ナルニア」が見つからないため、語として検索しました"]
    assert p.highlight_terms == {"ナルニア"}
    assert p.words == ["ナルニア"]


def test_a_country_is_not_an_organisation():
    p = parse_query("org:フィリピン")
    assert p.messages[0] == "機関「フィリピン」が見つからないため、語として検索しました"
    assert p.query == wq.And([wq.Or([
        terms("フィリピン"), terms("比国", boost=0.8),
        wq.Term("countries", "フィリピン", boost=0.5),
        *(terms(name, boost=0.8) for name in (
            "philippines", "フィリピン共和国", "ヒリピン", "philippine", "filipino", "filipinos")),
        phrase(["the", "philippines"], boost=0.8), terms("比", boost=0.8)]),
        wq.Term("countries", "フィリピン", boost=0.0)])
    p = parse_query("country:NATO")
    assert p.messages == ["国・地域「NATO」が見つからないため、語として検索しました"]
    assert p.query.subqueries[0].subqueries[:3] == [
        terms("nato"), phrase(["北", "大西洋", "条約", "機構"], boost=0.8),
        wq.Term("organizations", "NATO", boost=0.5)]
    assert p.query.subqueries[1] == wq.Term("organizations", "NATO", boost=0.0)


@pytest.mark.parametrize("name", ["collection", "archive", "アーカイブ", "COLLECTION"])
def test_collection_aliases(name):
    assert tree(f"{name}:欧州") == Filter("collection", "欧州")
    p = parse_query(f"{name}:欧州")
    assert p.query == wq.Term("collections", "欧州")
    assert p.understood == "collection:欧州"
    assert p.messages == []


def test_quoted_filter_value():
    assert tree('collection:"欧州 安保"') == Filter("collection", "欧州 安保")
    assert tree("collection:「欧州 安保」") == Filter("collection", "欧州 安保")
    assert parse_query('collection:"欧州 安保"').query == wq.Term("collections", "欧州 安保")


@pytest.mark.parametrize("name", ["date", "日付", "DATE"])
def test_date_aliases(name):
    assert tree(f"{name}:2024-06") == Filter("date", "2024-06")
    p = parse_query(f"{name}:2024-06")
    assert p.query == wq.DateRange("date", date(2024, 6, 1), end_of(2024, 6, 30))
    assert p.understood == "date:2024-06-01..2024-06-30"


def test_unknown_field_is_searched_as_words():
    assert tree("foo:bar") == And([Word("foo"), Word("bar")])
    p = parse_query("foo:bar")
    assert p.query == wq.And([terms("foo"), terms("bar")])
    assert p.understood == "foo bar"
    assert p.messages == [
        f"「foo:」という項目はないため、「foo bar」を語として検索しました{EVERY_FIELD}"
    ]
    assert p.words == ["foo", "bar"]
    assert p.fallback is False


def test_unknown_field_with_a_quoted_value():
    assert tree('foo:"bar baz"') == And([Word("foo"), Phrase("bar baz")])
    assert tree("foo:「bar baz」") == And([Word("foo"), Phrase("bar baz")])
    p = parse_query('foo:"bar baz"')
    assert p.query == wq.And([terms("foo"), phrase(["bar", "baz"])])
    assert p.understood == 'foo "bar baz"'
    assert p.messages == [
        f"「foo:」という項目はないため、「foo bar baz」を語として検索しました{EVERY_FIELD}"
    ]


def test_unknown_field_without_a_value():
    assert tree("foo:") == Word("foo")
    p = parse_query("foo:")
    assert p.query == terms("foo")
    assert p.messages == [
        f"「foo:」という項目はないため、「foo」を語として検索しました{EVERY_FIELD}"
    ]


@pytest.mark.parametrize("name", ["title", "source", "country", "org", "date", "collection"])
def test_known_field_without_a_value_is_ignored(name):
    assert tree(f"{name}: 空母") == And([And([]), Word("空母")])
    p = parse_query(f"空母 {name}:")
    assert p.query == terms("空母")
    assert p.understood == "空母"
    assert p.messages == [f"「{name}:」の後に値がないため無視しました"]
    assert p.fallback is False


def test_only_an_empty_field():
    p = parse_query("title:")
    assert p.query is wq.NullQuery
    assert p.understood == "(検索できる語がありません)"
    assert p.messages == ["「title:」の後に値がないため無視しました"]


def test_empty_quoted_field_value():
    assert tree('title:""') == And([])


# ---------------------------------------------------------------- dates


@pytest.mark.parametrize(("text", "start", "end"), [
    ("2024", date(2024, 1, 1), end_of(2024, 12, 31)),
    ("2024-06", date(2024, 6, 1), end_of(2024, 6, 30)),
    ("2024-6", date(2024, 6, 1), end_of(2024, 6, 30)),
    ("2024/06", date(2024, 6, 1), end_of(2024, 6, 30)),
    ("2024.06", date(2024, 6, 1), end_of(2024, 6, 30)),
    ("2024-01", date(2024, 1, 1), end_of(2024, 1, 31)),
    ("2024-11", date(2024, 11, 1), end_of(2024, 11, 30)),
    ("2024-12", date(2024, 12, 1), end_of(2024, 12, 31)),
    ("2024-02", date(2024, 2, 1), end_of(2024, 2, 29)),  # leap year
    ("2023-02", date(2023, 2, 1), end_of(2023, 2, 28)),
    ("1900-02", date(1900, 2, 1), end_of(1900, 2, 28)),  # not a leap year
    ("2000-02", date(2000, 2, 1), end_of(2000, 2, 29)),
    ("2024-06-01", date(2024, 6, 1), end_of(2024, 6, 1)),
    ("2024/6/1", date(2024, 6, 1), end_of(2024, 6, 1)),
    ("2024-12-31", date(2024, 12, 31), end_of(2024, 12, 31)),
    ("2024-02-29", date(2024, 2, 29), end_of(2024, 2, 29)),
    (" 2024 ", date(2024, 1, 1), end_of(2024, 12, 31)),
    ("2023..2024", date(2023, 1, 1), end_of(2024, 12, 31)),
    ("2024..2024", date(2024, 1, 1), end_of(2024, 12, 31)),
    ("2024-06..2024-07", date(2024, 6, 1), end_of(2024, 7, 31)),
    ("2024-12-31..2025-01-01", date(2024, 12, 31), end_of(2025, 1, 1)),
    ("2024-06-01..2024-06-01", date(2024, 6, 1), end_of(2024, 6, 1)),
    ("..2015", None, end_of(2015, 12, 31)),
    ("..2015-02", None, end_of(2015, 2, 28)),
    ("2024-06-01..", date(2024, 6, 1), None),
    ("2024..", date(2024, 1, 1), None),
    ("2024年", date(2024, 1, 1), end_of(2024, 12, 31)),
    ("2024年5月", date(2024, 5, 1), end_of(2024, 5, 31)),
    ("2024年5月3日", date(2024, 5, 3), end_of(2024, 5, 3)),
    ("２０２４－０５", date(2024, 5, 1), end_of(2024, 5, 31)),
    ("２０２４年１２月", date(2024, 12, 1), end_of(2024, 12, 31)),
    ("2023年..2024年3月", date(2023, 1, 1), end_of(2024, 3, 31)),
    # the calendar's last day has no next day: its end is still read (not an overflow)
    ("9999-12-31", date(9999, 12, 31), end_of(9999, 12, 31)),
    ("9999-12", date(9999, 12, 1), end_of(9999, 12, 31)),
    ("9999", date(9999, 1, 1), end_of(9999, 12, 31)),
    ("0001-01-01..9999-12-31", date(1, 1, 1), end_of(9999, 12, 31)),
])
def test_parse_date_range(text, start, end):
    assert parse_date_range(text) == (start, end)


@pytest.mark.parametrize("text", [
    "2024..2023", "2024-07..2024-06", "2024-06-02..2024-06-01",  # backwards
    "..", "", "abc", "24", "20245", "2024-13", "2024-00", "2024-02-30", "2023-02-29",
    "2024-06-31", "2024-6-1-1", "2024-", "-2024", "2024-06-00", "abc..2024", "2024..abc",
    "2024...2025", "2024-06x", "2024年13月", "2024年5月32日", "2024年5日", "2024年5", "24年",
    "2024-05月",
    "2024...2025", "2024-06x", "0000", "0000-01-01", "10000",
])
def test_parse_date_range_rejects(text):
    assert parse_date_range(text) is None


def test_a_day_ends_at_its_last_microsecond():
    start, end = parse_date_range("2024-12")
    assert end == datetime(2024, 12, 31, 23, 59, 59, 999999)
    assert parse_date_range("2024")[1] == datetime(2024, 12, 31, 23, 59, 59, 999999)


@pytest.mark.parametrize(("text", "start", "end", "shown"), [
    ("date:2024", date(2024, 1, 1), end_of(2024, 12, 31), "date:2024-01-01..2024-12-31"),
    ("date:2024-12", date(2024, 12, 1), end_of(2024, 12, 31), "date:2024-12-01..2024-12-31"),
    ("date:2024-02", date(2024, 2, 1), end_of(2024, 2, 29), "date:2024-02-01..2024-02-29"),
    ("date:2024-06-01", date(2024, 6, 1), end_of(2024, 6, 1), "date:2024-06-01"),
    ("date:..2015", None, end_of(2015, 12, 31), "date:..2015-12-31"),
    ("date:2024-06-01..", date(2024, 6, 1), None, "date:2024-06-01.."),
    ("date:2023..2024", date(2023, 1, 1), end_of(2024, 12, 31), "date:2023-01-01..2024-12-31"),
])
def test_date_filter(text, start, end, shown):
    p = parse_query(text)
    assert p.query == wq.DateRange("date", start, end)
    assert (p.query.startdate, p.query.enddate) == (start, end)
    assert p.understood == shown
    assert p.messages == []
    assert p.highlight_terms == set()


@pytest.mark.parametrize("value", ["2024..2023", "2024-13", "abc", "..", "2024-02-30"])
def test_unreadable_date_is_ignored_with_a_message(value):
    p = parse_query(f"空母 date:{value}")
    assert p.query == terms("空母")
    assert p.understood == "空母"
    assert p.messages == [f"日付「{value}」を読めないため無視しました"
                          "(例: date:2024、date:2024-06、date:令和6年、date:2023..2024)"]


def test_show_range():
    assert show_range(date(2024, 6, 1), end_of(2024, 6, 1)) == "2024-06-01"
    assert show_range(date(2024, 6, 1), end_of(2024, 6, 2)) == "2024-06-01..2024-06-02"
    assert show_range(None, end_of(2015, 12, 31)) == "..2015-12-31"
    assert show_range(date(2024, 6, 1), None) == "2024-06-01.."


# ---------------------------------------------------------------- compound words, synonyms


def test_compound_word_is_phrase_or_all_parts():
    assert tree("防衛装備輸出") == Word("防衛装備輸出")
    p = parse_query("防衛装備輸出")  # (防衛装備移転 has a synonym, 装備移転)
    assert p.query == compound(["防衛", "装備", "輸出"])
    assert p.understood == "防衛装備輸出[防衛・装備・輸出]"
    assert p.highlight_terms == {"防衛", "装備", "輸出"}
    assert p.words == ["防衛装備輸出"]


def test_synonym_groups_from_the_data_file():
    groups = synonym_groups()
    assert groups["ミサイル"] == ("ミサイル", "誘導弾")
    assert groups["誘導弾"] == ("誘導弾", "ミサイル")
    assert groups["防衛相"] == ("防衛相", "防衛大臣")
    # Keys are width- and case-folded; the word itself comes first, as written in the file.
    assert groups["usa"] == ("USA", "米国", "アメリカ", "アメリカ合衆国", "合衆国", "米", "U.S.")
    assert groups["u.s."][0] == "U.S."
    assert "USA" not in groups
    # Comment lines are not groups.
    assert "query-time" not in groups and "#" not in groups


@pytest.mark.parametrize(("word", "group"), [
    ("米", ("米", "米国", "アメリカ", "アメリカ合衆国", "合衆国", "USA", "U.S.")),
    ("usa", ("USA", "米国", "アメリカ", "アメリカ合衆国", "合衆国", "米", "U.S.")),
    ("ＵＳＡ", ("USA", "米国", "アメリカ", "アメリカ合衆国", "合衆国", "米", "U.S.")),
    ("nato", ("NATO", "北大西洋条約機構")),
    ("ミサイル", ("ミサイル", "誘導弾")),
    ("空母", ("空母",)),
    ("ｘｙｚ", ("ｘｙｚ",)),
])
def test_synonyms(word, group):
    assert synonyms(word) == group


def test_synonym_query():
    p = parse_query("ミサイル", kinds_of=False)  # (its kinds: test_a_category_…, below)
    # and, as a katakana word of data/english.tsv, the English it stands for
    assert p.query == wq.Or([terms("ミサイル"), terms("誘導弾", boost=0.8),
                             terms("missile", boost=0.8)])
    assert p.understood == "(ミサイル OR 誘導弾 OR missile)"
    assert p.highlight_terms == {"ミサイル", "誘導弾", "missile"}
    assert p.words == ["ミサイル"]


def _kind(tokens: list[str]) -> wq.Or:
    """A category's kind (data/narrower.txt): a phrase in the title and the text, × 0.5."""
    if len(tokens) == 1:
        return wq.Or([wq.Term(f, tokens[0], boost=0.5) for f in ("title", "body")])
    return wq.Or([wq.Phrase(f, tokens, boost=0.5) for f in ("title", "body")])


TRANSPORT_KINDS = [_kind(["c", "130"]), _kind(["c", "130", "j"]), _kind(["a", "400", "m"]),
                   _kind(["kc", "767"]), _kind(["mrtt"]), _kind(["mv", "22"]),
                   _kind(["osprey"])]


def test_a_category_also_searches_its_kinds_each_once_and_below_it():
    p = parse_query("輸送機")
    # the better of the word and its kinds counts, not their sum: an article naming the
    # category and an instance (or C-130 and C-130J) is not raised above one naming it
    assert p.query == wq.DisjunctionMax([terms("輸送機"), *TRANSPORT_KINDS])
    assert p.understood == ("(輸送機 OR C-130 OR C-130J OR A400M OR KC-767 OR MRTT OR MV-22 "
                            "OR Osprey)")
    assert p.highlight_terms == {"輸送機", "mrtt", "osprey"}  # one-word variants are marked
    assert p.words == ["輸送機"]
    # by the English for it, with the English term's own query inside
    english = parse_query("transport aircraft").query
    assert english == wq.DisjunctionMax([
        wq.Or([compound(["transport", "aircraft"]), terms("輸送機", boost=0.8)]),
        *TRANSPORT_KINDS])


def test_a_kind_made_only_of_words_most_texts_hold_is_not_searched():
    # 防衛 and 協力 in most texts: 防衛装備・技術協力's phrase would be checked against them
    # all, and 装備移転's two words; a kind with one rarer word (防衛装備品協力: 品) or of
    # one word (GCAP) still is
    common = {"防衛", "協力", "装備", "技術", "移転", "gcap"}.__contains__
    assert parse_query("防衛協力").understood == (
        "(防衛協力[防衛・協力] OR 能力構築支援 OR 防衛装備・技術協力 OR 共同開発 OR 装備移転 OR "
        "防衛技術協力 OR 共同研究 OR 防衛装備協力 OR 防衛産業協力 OR 共同生産 OR 防衛装備品協力 "
        "OR GCAP)")
    p = parse_query("防衛協力", common=common)
    kinds = ("能力構築支援 OR 共同開発 OR 共同研究 OR 防衛産業協力 OR 共同生産 OR 防衛装備品協力 "
             "OR GCAP")
    assert p.understood == f"(防衛協力[防衛・協力] OR {kinds})"
    # and in the rest of a compound after its abbreviations
    assert parse_query("日米防衛協力", common=common).understood == (
        f"(日米防衛協力[日米・防衛・協力] OR 国:米国 (防衛協力[防衛・協力] OR {kinds}))")
    assert p.query == parse_query("防衛協力 -x", common=common).query.subqueries[0]
    # the word itself is searched however common its words are
    assert parse_query("防衛装備・技術協力", common=common).understood.startswith(
        "(防衛装備・技術協力[防衛・装備・技術・協力] OR ")


def test_a_kind_of_common_words_that_is_a_places_force_is_searched():
    # 米 and 海軍 in most texts, but 米海軍 is a kind of 米軍 that the category's own words
    # do not find (its text says 米海軍, not 米軍): searched as a phrase all the same
    common = {"米", "海軍", "空軍", "インド"}.__contains__
    p = parse_query("米軍", common=common)
    assert "米海軍 OR 米空軍" in p.understood
    phrases = {tuple(q.words) for q in p.query.leaves() if isinstance(q, wq.Phrase)}
    assert ("米", "海軍") in phrases and ("米", "空軍") in phrases
    assert "インド海軍" in parse_query("インド軍", common=common).understood
    # and not a kind of common words that names no place
    shown = parse_query("後方支援", common={"海上", "補給", "給油"}.__contains__).understood
    assert "海上補給" not in shown and "海上給油" not in shown and "洋上給油" in shown


def test_a_kind_in_hiragana_the_analyser_cuts_is_neither_searched_nor_shown(monkeypatch):
    # a kind in hiragana that the dictionary reads as other words (こんさーと → 来る・さ・…)
    # would search its pieces: not searched, not shown
    from search.query import expansion

    table = {**expansion.narrower_table(), "演奏会": ("こんさーと", "リサイタル")}
    monkeypatch.setattr(expansion, "narrower_table", lambda: table)
    p = parse_query("演奏会")
    assert p.understood == "(演奏会 OR リサイタル)"
    assert "来る" not in {text for _field, text in p.query.all_terms()}


def test_the_ships_of_the_escort_category_are_searched_by_their_names():
    # data/narrower.txt's ships, read whole since data/names.tsv (むらさめ was むら・鮫,
    # いずも 居る): searched as themselves, the first 12 of the line
    p = parse_query("護衛艦")
    assert p.understood == ("(護衛艦[護衛・艦] OR DDH OR FFM OR いずも OR いせ OR もがみ OR "
                            "むらさめ OR さざなみ OR はるさめ OR こんごう OR あけぼの OR あきづき "
                            "OR まきなみ)")
    searched = {text for _field, text in p.query.all_terms()}
    assert {"いずも", "むらさめ", "まきなみ"} <= searched
    assert not {"むら", "鮫", "並み", "まき", "居る", "きりさめ"} & searched


def test_a_category_excluded_or_in_a_field_is_the_word_alone():
    # 空母 -輸送機 keeps the carrier an Osprey landed on
    assert parse_query("空母 -輸送機").query == wq.And([terms("空母"), wq.Not(terms("輸送機"))])
    assert parse_query("空母 -輸送機").understood == "空母 -輸送機"
    assert parse_query("title:輸送機").query == wq.Or([wq.Term("title", "輸送機")])
    assert parse_query("輸送機", kinds_of=False).query == terms("輸送機")


@pytest.mark.parametrize(("typed", "shown"), [
    ("オスプレイ", "(オスプレイ OR Osprey)"),
    ("おすぷれい", "(おすぷれい OR Osprey)"),  # typed in hiragana
    # (no [セキュリティ・クリアランス]: the cut is what was typed)
    ("セキュリティ・クリアランス", "(セキュリティ・クリアランス OR security clearance)"),
    ("防衛相", "(防衛相 OR 防衛大臣)"),  # kanji: no English added
    # an English name, through its katakana, also finds its other English spelling
    ("Talisman Sabre", "(Talisman Sabre OR タリスマン・セイバー OR Talisman Saber)"),
    ("talisman saber", "(talisman saber OR タリスマン・セイバー OR Talisman Sabre)"),
    ("title:オスプレイ", "title:オスプレイ"),
])
def test_a_katakana_word_also_searches_its_english_original(typed, shown):
    assert parse_query(typed).understood == shown


def test_english_names_come_from_the_english_table():
    names = english_names()
    assert names["オスプレイ"] == ("Osprey",)
    assert "防衛相" not in names  # kanji: a translation, not the original
    assert all(is_kana(w.replace("・", "")) for w in names)


def test_synonym_of_several_words_is_a_phrase_and_not_highlighted():
    p = parse_query("NATO")
    assert p.query == wq.And([wq.Or([
        terms("nato"),
        phrase(["北", "大西洋", "条約", "機構"], boost=0.8),
        wq.Term("organizations", "NATO", boost=0.5),
        # the organisation by its other gazetteer names (not highlighted either)
        phrase(["north", "atlantic", "treaty", "organization"], boost=0.8),
        terms("ナトー", boost=0.8), phrase(["北", "大西洋", "理事会"], boost=0.8),
        # not its acronyms: the index folds case, and SHAPE would find every "shape"
        phrase(["north", "atlantic", "treaty", "organisation"], boost=0.8),
    ]), wq.Term("organizations", "NATO", boost=0.0)])
    assert p.understood == "(NATO OR 北大西洋条約機構 OR 機関:NATO)"
    assert p.highlight_terms == {"nato"}


def test_word_naming_a_country_also_searches_the_country():
    p = parse_query("エストニア")
    assert p.query == wq.And([
        wq.Or([terms("エストニア"), wq.Term("countries", "エストニア", boost=0.5),
               terms("estonia", boost=0.8), terms("estonian", boost=0.8)]),
        wq.Term("countries", "エストニア", boost=0.0)])
    assert p.understood == "(エストニア OR 国:エストニア)"


def test_italy():
    p = parse_query("イタリア")
    assert p.query == ITALY
    assert p.understood == ITALY_SHOWN
    assert p.highlight_terms == {"イタリア"}


# ---------------------------------------------------------------- empty and nothing to search


@pytest.mark.parametrize("text", ["", "   ", "\u3000", None])
def test_empty_query_is_every_record(text):
    p = parse_query(text)
    assert p.query == wq.Every()
    assert p.understood == "すべての記事(新しい順)"
    assert p.messages == []
    assert p.highlight_terms == set()
    assert p.words == []
    assert p.fallback is False
    assert p.is_empty
    assert p.text == (text or "")


def test_stop_words_only_is_a_null_query():
    p = parse_query("の は")
    assert p.query is wq.NullQuery
    assert p.understood == "(検索できる語がありません)"
    assert p.messages == [
        "「の」は検索語にならない語(助詞・記号など)なので無視しました",
        "「は」は検索語にならない語(助詞・記号など)なので無視しました",
    ]
    assert p.highlight_terms == set()
    assert p.words == []
    assert p.fallback is False
    assert not p.is_empty


def test_stop_word_or_word():
    p = parse_query("の OR 空母")
    assert p.query == terms("空母")
    assert p.understood == "空母"
    p = parse_query("の OR は")
    assert p.query is wq.NullQuery


def test_parsed_query_defaults():
    p = ParsedQuery("x", wq.Every(), "u")
    assert (p.messages, p.highlight_terms, p.words, p.fallback) == ([], set(), [], False)


# ---------------------------------------------------------------- fallbacks


@pytest.mark.parametrize(("text", "error", "query", "understood"), [
    ('空母 "訓練', '閉じていない引用符(")があります', wq.And([terms("空母"), terms("訓練")]),
     "空母 訓練"),
    ("空母 「訓練", "「」の対応がとれていません", wq.And([terms("空母"), terms("訓練")]),
     "空母 訓練"),
    ("空母 訓練」", "「」の対応がとれていません", wq.And([terms("空母"), terms("訓練")]),
     "空母 訓練"),
    ("(空母 訓練", "閉じていない括弧「(」があります", wq.And([terms("空母"), terms("訓練")]),
     "空母 訓練"),
    ("空母 OR", "OR の後に語がありません", terms("空母"), "空母"),
    ("空母 OR OR 訓練", "OR の後に語がありません", wq.And([terms("空母"), terms("訓練")]),
     "空母 訓練"),
    ("(空母 OR) 訓練", "OR の後に語がありません", wq.And([terms("空母"), terms("訓練")]),
     "空母 訓練"),
    ("OR 空母", "OR の前に語がありません", terms("空母"), "空母"),
    ("| 空母", "OR の前に語がありません", terms("空母"), "空母"),
    ("空母)", "閉じ括弧「)」が多すぎます", terms("空母"), "空母"),
    ("空母) 訓練", "閉じ括弧「)」が多すぎます", wq.And([terms("空母"), terms("訓練")]),
     "空母 訓練"),
    ("() 空母", "語のない括弧があります", terms("空母"), "空母"),
    ("空母 NOT", "NOT の後に語がありません", terms("空母"), "空母"),
    ("空母 NOT OR 訓練", "NOT の後に語がありません", wq.And([terms("空母"), terms("訓練")]),
     "空母 訓練"),
    ("空母 NOT AND 訓練", "NOT の後に語がありません", wq.And([terms("空母"), terms("訓練")]),
     "空母 訓練"),
    ("(空母 NOT)", "NOT の後に語がありません", terms("空母"), "空母"),
    ("AND 空母", "AND の位置が正しくありません", terms("空母"), "空母"),
    # Plain words: the operators and the leading - go, the words stay.
    ("空母 -訓練 (", "閉じていない括弧「(」があります", wq.And([terms("空母"), terms("訓練")]),
     "空母 訓練"),
])
def test_fallback_to_plain_words(text, error, query, understood):
    p = parse_query(text)
    assert p.fallback is True
    assert p.query == query
    assert p.understood == understood
    assert p.messages == [error + FALLBACK]
    with pytest.raises(QuerySyntaxError, match=f"^{error.replace('(', '.').replace(')', '.')}$"):
        tree(normalise(text))


def test_fallback_of_nothing_searchable():
    p = parse_query("NOT")
    assert p.query is wq.NullQuery
    assert p.fallback is True
    assert p.understood == "(検索できる語がありません)"
    assert p.messages == ["NOT の後に語がありません" + FALLBACK]


def test_fallback_keeps_messages_of_ignored_words():
    p = parse_query("(空母 の")
    assert p.query == terms("空母")
    assert p.messages == [
        "閉じていない括弧「(」があります" + FALLBACK,
        "「の」は検索語にならない語(助詞・記号など)なので無視しました",
    ]
    assert p.words == ["空母"]
    assert p.highlight_terms == {"空母"}


def test_fallback_of_quotes_keeps_the_quoted_words():
    p = parse_query('空母 "訓練 派遣')
    assert p.query == wq.And([terms("空母"), terms("訓練"), terms("派遣")])


# ---------------------------------------------------------------- lexing


def test_lex_tokens():
    assert lex('(a OR b) | c AND NOT -d "e f" 「g」 title:h x:"i j" y:「k」 z:') == [
        ("(", "", ""), ("word", "a", ""), ("or", "OR", ""), ("word", "b", ""), (")", "", ""),
        ("or", "|", ""), ("word", "c", ""), ("and", "AND", ""), ("not", "NOT", ""),
        ("word", "-d", ""), ("phrase", "e f", ""), ("phrase", "g", ""),
        ("field", "title", "h"), ("field", "x", '"i j"'), ("field", "y", "「k」"),
        ("field", "z", ""),
    ]


def test_lex_errors():
    with pytest.raises(QuerySyntaxError, match='^閉じていない引用符\\("\\)があります$'):
        lex('"a')
    with pytest.raises(QuerySyntaxError, match="^「」の対応がとれていません$"):
        lex("「a")


def test_normalise():
    assert normalise("（ＡＢ）“c”『d』：") == '(AB)"c"「d」:'


# ---------------------------------------------------------------- corners found by mutation


def test_excluded_group_is_not_highlighted():
    p = parse_query("空母 -(訓練 演習)")
    assert p.query == wq.And([terms("空母"), wq.Not(wq.And([terms("訓練"), terms("演習")]))])
    assert p.understood == "空母 -訓練 演習"
    assert p.highlight_terms == {"空母"}
    assert p.words == ["空母"]


def test_excluded_short_field_name():
    assert tree("-国:フィリピン") == Not(Filter("country", "フィリピン"))
    p = parse_query("-国:フィリピン")
    assert p.query == wq.And([wq.Every(), wq.Not(wq.Term("countries", "フィリピン"))])
    assert p.understood == "すべての記事 -country:フィリピン"


def test_a_hyphen_field_name_is_an_unknown_field():
    assert tree("-:空母") == And([Word("-"), Word("空母")])
    p = parse_query("-:空母")
    assert p.query == terms("空母")
    assert p.messages[0].startswith("「-:」という項目はないため、「- 空母」を語として検索しました")


def test_date_range_with_two_separators_is_rejected():
    assert parse_date_range("2023..2024..2025") is None
    p = parse_query("空母 date:2023..2024..2025")
    assert p.query == terms("空母")
    assert p.messages == ["日付「2023..2024..2025」を読めないため無視しました"
                          "(例: date:2024、date:2024-06、date:令和6年、date:2023..2024)"]


def test_fallback_keeps_words_as_typed():
    # Only a leading - goes; other leading letters (X) stay.
    p = parse_query("(Xバンド")
    assert p.words == ["Xバンド"]
    assert p.understood == "Xバンド[X・バンド]"


def test_nothing_searchable_keeps_the_text():
    assert parse_query("の").text == "の"


def test_a_synonym_that_analyses_to_nothing_is_skipped(monkeypatch):
    import search.query.expansion as expansion

    monkeypatch.setattr(expansion, "synonyms", lambda word: ("空母", "の", "訓練"))
    p = parse_query("空母")
    assert p.query == wq.Or([terms("空母"), terms("訓練", boost=0.8)])
    assert p.understood == "(空母 OR 訓練)"


def test_a_kana_synonym_the_analyser_misreads_is_not_searched():
    # せどり analyses to 為る (せ) and two stopped kana: searched, it would match every text
    # with する (378 of the 384 records), so only 瀬取り and 瀬取 are searched
    p = parse_query("瀬取り")
    assert p.query == wq.Or([compound(["瀬", "取る"]), terms("瀬取", boost=0.8)])
    assert "為る" not in repr(p.query)
    # typed itself, it stands for its synonyms
    assert parse_query("せどり").understood == "(せどり OR 瀬取り OR 瀬取)"


@pytest.mark.parametrize(("pieces", "spellings"), [
    (["吉田", "統合", "幕僚長"], ("吉田統幕長",)),
    (["日米", "共同", "演習"], ("日米共同訓練", "日米合同演習", "日米合同訓練")),
    (["日伊", "物品", "役務", "相互", "提供", "協定"],
     ("日伊ACSA", "日伊物品役務協定", "日伊物品協定")),
    # the whole word is not replaced (its own group does that), nor a one-character run
    (["統合", "幕僚長"], ()),
    (["米", "空母"], ()),
    (["空母"], ()),
])
def test_inner_synonyms(pieces, spellings):
    assert inner_synonyms(pieces) == spellings


def test_inner_synonyms_are_at_most_six():
    from search.query.expansion import MAX_INNER

    assert len(inner_synonyms(["米国", "英国", "豪州", "仏国"])) == MAX_INNER == 6


def test_a_compound_with_a_synonym_inside_searches_both_spellings():
    p = parse_query("吉田統合幕僚長")
    assert p.query == wq.Or([compound(["吉田", "統合", "幕僚長"]),
                             compound(["吉田", "統幕", "長"], boost=0.8)])
    assert p.understood == "(吉田統合幕僚長[吉田・統合・幕僚長] OR 吉田統幕長)"
    assert p.highlight_terms == {"吉田", "統合", "幕僚長", "統幕", "長"}
    assert p.words == ["吉田統合幕僚長"]
    # kana and field-restricted words are not cut into synonyms
    assert "統幕" not in parse_query("title:吉田統合幕僚長").understood


def test_a_full_name_also_searches_the_family_name():
    p = parse_query("河野太郎")
    assert p.query == wq.Or([compound(["河野", "太郎"]), terms("河野", boost=0.6)])
    assert p.understood == "(河野太郎[河野・太郎] OR 河野)"
    assert p.words == ["河野太郎"]
    assert p.highlight_terms == {"河野", "太郎"}
    assert parse_query("title:河野太郎").understood == "title:河野太郎[河野・太郎]"
    assert parse_query("河野").understood == "河野"


def test_lex_hyphen_before_quote_or_bracket():
    assert lex('-"a" -「b」 -(c)') == [
        ("not", "-", ""), ("phrase", "a", ""), ("not", "-", ""), ("phrase", "b", ""),
        ("not", "-", ""), ("(", "", ""), ("word", "c", ""), (")", "", ""),
    ]


def test_compiler_rejects_unknown_nodes():
    with pytest.raises(TypeError, match=r"^Node\(\)$"):
        _Compiler().compile(Node())
    with pytest.raises(ValueError, match="^year$"):
        _Compiler().compile(Filter("year", "2024"))


# ------------------------------------------------------------------ nesting depth

def test_deep_nesting_is_searched_as_plain_words_not_a_crash():
    deep = "(" * 1000
    parsed = parse_query(deep)
    assert parsed.fallback and parsed.query is wq.NullQuery
    assert parsed.messages == ["括弧や否定の入れ子が深すぎます。語を並べたものとして検索しました"]
    minus = parse_query("-" * 990 + "イタリア")
    assert minus.fallback and minus.messages[0].startswith("括弧や否定の入れ子が深すぎます")
    assert minus.query == parse_query("イタリア").query


def test_nesting_up_to_the_limit_is_parsed():
    from search.query.syntax import MAX_DEPTH

    inside = "(" * (MAX_DEPTH - 1) + "イタリア" + ")" * (MAX_DEPTH - 1)
    assert not parse_query(inside).fallback
    assert parse_query(inside).query == parse_query("イタリア").query
    assert parse_query("(" + inside + ")").fallback
    negated = parse_query("-" * (MAX_DEPTH - 1) + "イタリア")
    assert not negated.fallback
    assert parse_query("-" * MAX_DEPTH + "イタリア").fallback


# ---------------------------------------------------------------- what the user is shown

@pytest.mark.parametrize(("typed", "shown"), [
    ("防衛装備ひん", "防衛装備ひん[防衛・装備・ひん]"),  # not 干る, the index's normal form
    ("おすぷれい", "(おすぷれい OR Osprey)"),  # not 令, nor the pieces of a misread string
    ("瀬取り", "(瀬取り[瀬・取り] OR 瀬取)"),  # not 取る; せどり is misread kana (below)
    ("輸送艦", "輸送艦[輸送・艦]"),
])
def test_the_understood_line_shows_the_users_characters(typed, shown):
    assert parse_query(typed).understood == shown


# ---------------------------------------------------------------- English terms

def test_english_terms_of_several_words_are_looked_up_as_one():
    p = parse_query("joint exercise", kinds_of=False)
    # the English words as written (some records are in English), or the Japanese term as
    # a phrase, like a synonym
    def japanese(tokens: list[str]) -> wq.Or:  # the phrase first, else its parts; × 0.8
        return wq.Or([phrase(tokens, boost=0.8 * 2.0),
                      wq.And([terms(t, boost=0.8) for t in tokens])])

    # and the synonyms of the Japanese term (data/synonyms.txt)
    assert p.query == wq.Or([compound(["joint", "exercise"]), japanese(["共同", "訓練"]),
                             japanese(["共同", "演習"]), japanese(["合同", "演習"]),
                             japanese(["合同", "訓練"])])
    assert p.understood == "(joint exercise OR 共同訓練 OR 共同演習 OR 合同演習 OR 合同訓練)"
    assert p.words == ["joint exercise"]
    assert p.highlight_terms == {"joint", "exercise"}


def test_a_mixed_query_requires_the_english_term_and_the_japanese_word():
    p = parse_query("Osprey 配備")
    assert p.query == wq.And([wq.Or([terms("osprey"), terms("オスプレイ", boost=0.8)]),
                              terms("配備")])


@pytest.mark.parametrize(("typed", "shown"), [
    ("Joint-Exercise", "(Joint-Exercise OR 共同訓練 OR 共同演習 OR 合同演習 OR 合同訓練)"),
    ("ＪＯＩＮＴ　ＥＸＥＲＣＩＳＥ",
     "(JOINT EXERCISE OR 共同訓練 OR 共同演習 OR 合同演習 OR 合同訓練)"),
    ("South Korea 海上保安庁", "(South Korea OR 国:韓国) (海上保安庁 OR 海保)"),  # a place's name
    ("G7", "(G7 OR 主要7か国 OR 機関:G7)"),  # no [G・7]: only Japanese words show their cut
    ("Osprey 配備", "(Osprey OR オスプレイ) 配備"),
    ("defence minister 会談",
     "(defence minister OR 防衛相 OR 防衛大臣 OR 国防相 OR 国防大臣) 会談"),
    ("joint", "joint"),  # half a term is not the term
    ('"joint exercise"', '"joint exercise"'),  # quoted: the words as written
    ("-joint exercise", "-joint (exercise OR 演習 OR 訓練)"),  # a negated word stays alone
])
def test_english_terms_in_the_understood_line(typed, shown):
    assert parse_query(typed, kinds_of=False).understood == shown


def test_english_table_lookup_ignores_case_width_and_hyphens():
    assert english("Joint  Exercise") == english("joint-exercise") == english("ＪＯＩＮＴ exercise")
    assert english("joint exercise")[0] == "共同訓練"
    assert english("no such term") == ()


# ------------------------------------------------------------------ text that is not text

@pytest.mark.parametrize(("text", "understood", "messages"), [
    ("\ud800", "(検索できる語がありません)",
     ["「\ufffd」は検索語にならない語(助詞・記号など)なので無視しました"]),
    ("\udcff イタリア", ITALY_SHOWN,
     ["「\ufffd」は検索語にならない語(助詞・記号など)なので無視しました"]),
    ('"\udfff"', "(検索できる語がありません)", ["「\ufffd」は検索語にならないため無視しました"]),
])
def test_a_lone_surrogate_is_a_replacement_character_not_a_crash(text, understood, messages):
    p = parse_query(text)
    assert (p.understood, p.messages) == (understood, messages)
    assert normalise("a\ud800b\udfff") == "a\ufffdb\ufffd"


# ---------------------------------------------------------------- the parts, labels and speller

def test_the_parts_are_the_words_typed_with_their_queries():
    p = parse_query("空母 掃海艇 -イタリア date:2024")
    assert p.parts == [("空母", terms("空母")), ("掃海艇", terms("掃海艇"))]
    assert p.rest == [NOT_ITALY,
                      wq.DateRange("date", datetime(2024, 1, 1),
                                   datetime(2024, 12, 31, 23, 59, 59, 999999))]


@pytest.mark.parametrize(("text", "labels"), [
    ("title:空母 潜水艦", ["title:空母", "潜水艦"]),
    ('"情報保護協定" 署名', ['"情報保護協定"', "署名"]),
    ('title:"情報保護協定" 署名', ['title:"情報保護協定"', "署名"]),
    ("(空母 OR 輸送艦) 訓練", ["(空母 OR 輸送艦[輸送・艦])", "訓練"]),
])
def test_a_parts_label_is_the_word_as_typed(text, labels):
    assert [label for label, _ in parse_query(text).parts] == labels


def test_an_english_term_inside_a_query_is_one_word():
    p = parse_query("空母 joint exercise 訓練")
    assert p.words == ["空母", "joint exercise", "訓練"]
    assert [label for label, _ in p.parts] == ["空母", "joint exercise", "訓練"]


def test_a_nested_group_marks_its_words():
    marked = parse_query("(空母 掃海艇) OR 輸送艦").highlight_terms
    assert marked == {"空母", "掃海艇", "輸送", "艦"}


def test_the_speller_spells_kana_words():
    # the engine passes the index's readings; any function of the same shape will do
    p = parse_query("ひこく", spell=lambda kana: [("比国", True)])
    # a kanji word read whole brings its synonyms and its place
    # (not 比 alone, which is read in context by the country facet)
    assert p.understood == "(ひこく OR 比国 OR フィリピン OR 国:フィリピン)"
    # hiragana the analyser cuts into pieces was typed for its sound: never shown in
    # pieces, never searched as them (ひ and 国, as the analyser reads こく); when no word
    # of the index reads so, it finds nothing
    unspelled = parse_query("ひこく")
    assert unspelled.understood == "ひこく"
    assert unspelled.query is wq.NullQuery and unspelled.messages == []
    # misread kana (為る) is not searched when a spelling stands for it
    spelled = parse_query("せどりだ", spell=lambda kana: [("背取", True)])
    assert spelled.understood == "(せどりだ OR 背取)"
    assert "為る" not in repr(spelled.query)


def test_a_place_read_from_kana_is_searched_as_the_place():
    # 越南 (Vietnam) has no synonyms: only the reading itself names the place
    p = parse_query("えつなん", spell=lambda kana: [("越南", True)])
    assert p.understood.endswith("OR 国:ベトナム)")
    assert parse_query("なとー").understood == "機関:NATO"  # its katakana names it


def test_kana_nothing_reads_as_finds_nothing():
    # せどりだ reads as せ (為る) and stopped kana, こんさーと as 此れ: searched as the analyser
    # reads them they found every text with する or これ
    for kana in ("せどりだ", "こんさーと"):
        p = parse_query(kana)
        assert (p.query, p.understood, p.messages) == (wq.NullQuery, kana, [])
    both = parse_query("こんさーと 防衛")
    assert both.query == wq.And([wq.NullQuery, terms("防衛")])
    assert both.understood == "こんさーと 防衛"
    # a word the analyser reads whole is searched as it reads it
    assert parse_query("かばん").query == terms("鞄")


def test_nesting_counts_depth_not_siblings():
    many = " ".join(f"-語{i}" for i in range(3 * 32))
    assert not parse_query(many).fallback
    assert not parse_query("(" * 20 + "空母" + ")" * 20 + " " + "(" * 20 + "艦" + ")" * 20).fallback


def test_depth_is_where_a_word_stands_after_a_sibling_group_closes():
    # inside 10 brackets, a group 5 deep closes; the next group reaches 10 + 25 (too deep)
    # or 10 + 21 (within the limit of 32)
    inside = "(" * 10 + "(((((空母))))) "
    assert parse_query(inside + "(" * 25 + "艦" + ")" * 25 + ")" * 10).fallback
    assert not parse_query(inside + "(" * 21 + "艦" + ")" * 21 + ")" * 10).fallback


def test_a_kanji_word_the_index_does_not_hold_is_also_spelt_character_by_character():
    # the analyser reads 海警 alone as one word, 中国海警局 as 中国・海・警・局
    index = {"海", "警", "局", "中国"}
    p = parse_query("海警", held=index.__contains__)
    assert p.query == wq.Or([terms("海警"), phrase(["海", "警"])])
    assert p.understood == "海警"
    # within a compound, only the word it does not hold; as a phrase, in order
    p = parse_query("海警船", held={*index, "船"}.__contains__)
    assert p.query.subqueries[-1] == phrase(["海", "警", "船"])
    # held as a word: searched as typed only
    assert parse_query("海警", held={"海警", "海", "警"}.__contains__).query == terms("海警")
    # a character the index does not hold either: nothing to spell (捕鯨, 竹島)
    assert parse_query("海警", held={"海"}.__contains__).query == terms("海警")
    assert parse_query("海警").query == terms("海警")  # no index to ask


# ---------------------------------------------------------------- abbreviations in a query

EXERCISE_KINDS = " OR ".join((  # 共同訓練's first twelve kinds
    "Talisman", "KAEDEX", "Komodo", "RIMPAC", "マラバール", "フリーダム・エッジ",
    "タラン・シャクティ", "ダルマ・ガーディアン", "ブリュネ・タカモリ", "アイアン・フィスト",
    "ニッポン・スカイズ", "パシフィック・ステラー"))


# what the articles about a place say of its forces (data/forces.toml)
FORCE = "(軍 OR 部隊 OR 艦 OR 艦艇 OR 空母 OR 訓練 OR 演習))"


@pytest.mark.parametrize(("q", "understood", "named"), [
    # read as the extractor reads them in text: 日比 is the Philippines, 英軍 the UK's forces
    ("日比", "(日比 OR 国:フィリピン)", ["フィリピン"]),
    ("米豪", "(米豪 OR 国:米国+オーストラリア)", ["米国", "オーストラリア"]),
    ("日米豪比", "(日米豪比[日・米豪・比] OR 国:米国+オーストラリア+フィリピン)",
     ["米国", "オーストラリア", "フィリピン"]),
    # (with the force's parts, data/narrower.txt)
    ("英軍", "(英軍 OR 英空母打撃群 OR 英空軍 OR 英海軍 OR 英国海軍 OR 英国空母打撃群 OR "
             f"英国防参謀総長 OR 国:英国 {FORCE}", ["英国"]),
    ("比軍", f"(比軍[比・軍] OR 国:フィリピン {FORCE}", ["フィリピン"]),
    ("米国防長官", "(米国防長官[米・国防・長官] OR 国:米国 国防長官)", ["米国"]),
    ("日米", "(日米 OR 国:米国)", ["米国"]),
    ("米豪軍", f"(米豪軍[米豪・軍] OR 国:米国+オーストラリア {FORCE}",
     ["米国", "オーストラリア"]),
    # a force by its place's name, as by its abbreviation (data/forces.toml)
    ("フランス海軍", "(フランス海軍[フランス・海軍] OR 仏国海軍 OR 仏海軍 OR "
                  "国:フランス (海軍 OR 艦 OR 艦艇 OR 空母))", ["フランス"]),
    # not a place the table leaves out (its name in a drill's article is what the drill
    # deters), nor a word it does not list
    ("中国軍", "(中国軍[中国・軍] OR 中華人民共和国軍 OR 中軍)", []),
    ("北朝鮮軍", "北朝鮮軍[北朝鮮・軍]", []),
    ("米中軍", "(米中軍[米・中軍] OR 国:米国+中国 軍)", ["米国", "中国"]),
    ("フランス大統領", "(フランス大統領[フランス・大統領] OR 仏国大統領 OR 仏大統領)", []),
    ("フィリピン 日米", "(フィリピン OR 比国 OR 国:フィリピン) (日米 OR 国:米国)",
     ["フィリピン", "米国"]),  # each word's places, in order
    # a bare one-character abbreviation is never searched as text (比 is also every ratio)
    ("比", "(比国 OR フィリピン OR 国:フィリピン)", ["フィリピン"]),
    ("豪", "(豪州 OR オーストラリア OR 国:オーストラリア)", ["オーストラリア"]),
    ("フィリピン", "(フィリピン OR 比国 OR 国:フィリピン)", ["フィリピン"]),
    # excluded: the places are not what the search is about
    ("-日比", "すべての記事 -(日比 OR 国:フィリピン)", []),
    ("日比 共同訓練", "(日比 OR 国:フィリピン) (共同訓練[共同・訓練] OR 共同演習 OR 合同演習 OR "
                  f"合同訓練 OR {EXERCISE_KINDS})", ["フィリピン"]),
    # glued to a compound: the places, and the rest as the word it is (with its synonyms
    # and kinds)
    ("日米豪共同訓練", "(日米豪共同訓練[日・米豪・共同・訓練] OR 日米豪共同演習 OR "
                    "日米豪合同演習 OR 日米豪合同訓練 OR 国:米国+オーストラリア "
                    "(共同訓練[共同・訓練] OR 共同演習 OR 合同演習 OR 合同訓練 OR "
                    f"{EXERCISE_KINDS}))",
     ["米国", "オーストラリア"]),
    ("米中対立", "(米中対立[米中・対立] OR 国:米国+中国 対立)", ["米国", "中国"]),
    ("-米中対立", "すべての記事 -(米中対立[米中・対立] OR 国:米国+中国 対立)", []),
])
def test_abbreviations_are_read_as_in_text(q, understood, named):
    p = parse_query(q)
    assert p.understood == understood
    assert p.named == [("countries", n) for n in named]


def test_an_enumeration_compiles_to_its_facet_and_the_rest_of_the_word():
    countries = wq.Term("countries", "英国", boost=0.5)
    # (without the force's parts: 英軍 → 英海軍 …, data/narrower.txt)
    # and what the articles about the place say of such a force, each at the lowest boost,
    # in the title and the text
    said = [terms("軍", boost=0.3), *(terms(word, boost=0.3, fields=TEXT[:2]) for word in (
        "部隊", "艦", "艦艇", "空母", "訓練", "演習"))]
    assert parse_query("英軍", kinds_of=False).query == wq.Or([
        terms("英軍"), wq.And([countries, wq.Or(said)])])
    # another word glued to the place: itself alone, at a synonym's boost
    assert parse_query("英国防相").query.subqueries[-1] == wq.And([
        countries, terms("国防相", boost=0.8)])
    # the places' facet, and their names only to rank: an article about the Philippines
    # that names them before one that says 日比 in passing
    philippines = parse_query("日比").query
    assert philippines.subqueries[0] == terms("日比")
    facet, names = philippines.subqueries[1].a, philippines.subqueries[1].b
    assert isinstance(philippines.subqueries[1], wq.AndMaybe)
    assert facet == wq.Term("countries", "フィリピン", boost=0.5)
    assert names.subqueries[:2] == [terms("フィリピン", boost=0.3),
                                    terms("philippines", boost=0.3)]
    assert parse_query("比").highlight_terms == {"フィリピン", "比国"}  # never the bare 比
    both = [wq.Term("countries", "米国", boost=0.5), wq.Term("countries", "オーストラリア",
                                                             boost=0.5)]
    us_and_australia = parse_query("米豪").query.subqueries[1]
    assert us_and_australia.a == wq.And(both)
    # each place named ranks an article higher only with the other named too
    assert isinstance(us_and_australia.b, wq.And)
    assert [q.subqueries[0] for q in us_and_australia.b.subqueries] == [
        terms("米国", boost=0.3), terms("オーストラリア", boost=0.3)]
    # before a compound: the rest compiled as a word of its own
    assert parse_query("米豪対立").query == wq.Or([
        compound(["米豪", "対立"]),
        wq.And([*both, terms("対立")])])


def test_the_places_a_query_names_come_from_words_and_fields():
    assert parse_query("NATO 日比").named == [("organizations", "NATO"),
                                             ("countries", "フィリピン")]
    # a force glued to its place, a compound's head: after the words before them
    assert parse_query("NATO 英軍").named == [("organizations", "NATO"), ("countries", "英国")]
    assert parse_query("NATO 日米豪共同訓練").named == [
        ("organizations", "NATO"), ("countries", "米国"), ("countries", "オーストラリア")]
    # and the rest of the compound marked beside the words before it
    assert {"空母", "共同", "訓練", "演習"} <= parse_query("空母 日米豪共同訓練").highlight_terms
    assert parse_query("country:豪").named == [("countries", "オーストラリア")]
    assert parse_query("-country:豪 防衛").named == []  # excluded: not what it is about


def test_a_kanji_word_the_index_lacks_is_also_spelt_out():
    # 海警 is not a term of this index: it is also searched character by character, as a
    # phrase, with the words after it kept
    held = lambda term: term != "海警"  # noqa: E731
    assert parse_query("海警", held=held).query == wq.Or([
        terms("海警"), phrase(["海", "警"])])
    assert parse_query("海警船", held=held).query == wq.Or([
        compound(["海警", "船"]), phrase(["海", "警", "船"])])
    assert parse_query("海警").query == terms("海警")  # nothing said of the index: as typed


@pytest.mark.parametrize(("text", "place"), [
    ("US", "国:米国"), ("ＵＳ", "国:米国"), ("UK", "国:英国"), ("NZ", "国:ニュージーランド"),
    ("UN", "機関:国連"), ("EU", "機関:EU"), ("SCO", "機関:上海協力機構"),
    ("us", None), ("in", None), ("to", None), ("at", None), ("it", None), ("It", None),
    ("no", None), ("Us", None),
    # an ISO code is no name news writes: IT is information technology, TV television
    ("IT", None), ("TV", None), ("CD", None), ("IN", None), ("GB", None),
    ("usa", "国:米国"), ("italy", "国:イタリア"),  # a longer name, in any case
])
def test_a_two_letter_name_is_a_place_only_in_capitals_and_a_code_never(text, place):
    # in, to, at, it and us are English words: "port call in Japan" asks for no India
    understood = parse_query(text).understood
    if place is None:
        assert "国:" not in understood and "機関:" not in understood, understood
    else:
        assert place in understood


def test_english_words_of_two_letters_ask_for_no_country():
    p = parse_query("ship co monitor")  # co: Colombia's code
    assert p.understood == "ship co monitor" and not p.named


def test_english_function_words_are_left_out_as_particles_are():
    p = parse_query("submarine of Australia")
    assert p.query == parse_query("submarine Australia").query
    assert p.messages == ["「of」は検索語にならない語(英語の前置詞・冠詞など)なので無視しました"]
    assert [label for label, _q in p.parts] == ["submarine", "Australia"]
    assert parse_query("The Quad").understood == parse_query("Quad").understood
    # kept: in quotes, in a field, inside a term of the English table, and "or"
    assert parse_query('"port call in Japan"').understood == '"port call in Japan"'
    assert parse_query("title:in").understood == "title:in"
    assert parse_query("freedom of navigation").understood == (
        "(freedom of navigation OR 航行の自由)")
    assert " or " in parse_query("missile or radar").understood
    only = parse_query("in")
    assert only.query is not None and only.words == []


def test_a_katakana_word_cut_alone_is_also_its_whole_when_the_index_holds_it():
    # the analyser cuts ジャイシャンカル alone into ジャイ・シャンカル but reads it whole in
    # 「…およびジャイシャンカル・インド外務大臣」: the whole is searched too, if held
    held = {"ジャイシャンカル"}.__contains__
    cut = parse_query("ジャイシャンカル").query  # no index to ask: the pieces alone
    p = parse_query("ジャイシャンカル", held=held)
    assert p.understood == "ジャイシャンカル[ジャイ・シャンカル]"
    assert p.query == wq.Or([cut, terms("ジャイシャンカル")])
    assert parse_query('"ジャイシャンカル"', held=held).query == wq.Or(
        [phrase(["ジャイ", "シャンカル"]), terms("ジャイシャンカル")])
    # in a field, and for what a word stands for, at that variant's weight (a kana word
    # spelt in katakana: READING_BOOST)
    assert parse_query('title:"ジャイシャンカル"', held=held).query == wq.Or(
        [wq.Or([wq.Phrase("title", ["ジャイ", "シャンカル"])]),
         wq.Or([wq.Term("title", "ジャイシャンカル")])])
    spelt = parse_query("じゃいしゃんかる", spell=lambda kana: [("ジャイシャンカル", True)],
                        held=held).query
    assert terms("ジャイシャンカル", boost=READING_BOOST) in spelt.subqueries
    # not when the index holds only the pieces
    assert parse_query("ジャイシャンカル", held=lambda t: False).query == cut
    # nor for a word read whole (one piece), or in hiragana
    assert parse_query("ラスムッセン", held=lambda t: True).query == terms("ラスムッセン")
    hiragana = parse_query("じゃいしゃんかる", held=lambda t: True).query
    assert "じゃいしゃんかる" not in repr(hiragana)
