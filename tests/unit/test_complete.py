"""Search help as you type (search/query/complete.py) on hand-made tables: exact suggestions."""

from __future__ import annotations

import pytest

from search.query.complete import (
    Completer,
    Completion,
    Completions,
    PrefixTable,
    fold,
    is_word,
    reading,
    split_last,
    word_keys,
)

FACETS = {
    "country": {"米国": 40, "フィリピン": 12, "ベトナム": 3, "ベラルーシ": 0, "中国": 40},
    "source": {"読売新聞": 18, "共同通信": 25},
    "organization": {"NATO": 31, "国連": 9},
}
ALIASES = {
    "country": {"米国": ("アメリカ", "United States", "米国"), "中国": ("China",)},
    "source": {"読売新聞": ("讀賣新聞", "読売", "Yomiuri")},
    "organization": {"NATO": ("北大西洋条約機構", "ナトー")},
}
WORDS = {"防衛": 200, "防衛省": 50, "防衛相": 50, "防衛費": 1, "2024": 99, "米": 30,
         "空母": 13, "空軍": 23, "nato": 12, "ー": 5, "共同": 104, "共同訓練": 20}


@pytest.fixture(scope="module")
def completer() -> Completer:
    return Completer(FACETS, WORDS, ALIASES)


def country(value, count, query="", alias=None):
    return Completion("facet", value, count, query, "country", "country", "国・地域", alias)


def source(value, count, query="", alias=None):
    return Completion("facet", value, count, query, "source", "source", "媒体", alias)


def org(value, count, query="", alias=None):
    return Completion("facet", value, count, query, "organization", "org", "機関", alias)


def word(value, count, query):
    return Completion("word", value, count, query)


@pytest.mark.parametrize("text, folded", [
    ("ＮＡＴＯ", "nato"), ("ふぃりぴん", "フィリピン"), ("ﾌｨﾘﾋﾟﾝ", "フィリピン"), ("防衛", "防衛"),
    ("ゔぁ", "ヴァ"), ("ー", "ー"),
])
def test_fold(text, folded):
    assert fold(text) == folded


@pytest.mark.parametrize("text, said", [
    ("防衛", "ボウエイ"), ("防衛省", "ボウエイショウ"), ("米国", "ベイコク"),
    ("読売新聞", "ヨミウリシンブン"), ("フィリピン", None), ("NATO", None), ("もと", None),
])
def test_reading(text, said):
    assert reading(text) == said


@pytest.mark.parametrize("term, kept", [
    ("防衛", True), ("nato", True), ("米", False), ("2024", False), ("ー", False),
    ("f-35", True), ("35a", True), ("--", False),
])
def test_is_word(term, kept):
    assert is_word(term) is kept


@pytest.mark.parametrize("q, parts", [
    ("イタリア 空", ("イタリア ", "", "空")),
    ("イタリア\u3000空", ("イタリア\u3000", "", "空")),
    ("-空", ("", "-", "空")),
    ("日米 「防衛", ("日米 ", "「", "防衛")),
    ('("空', ("", '("', "空")),
    ("空 ", ("空 ", "", "")),
    ("", ("", "", "")),
    ("country:フィ", ("", "", "country:フィ")),
])
def test_split_last(q, parts):
    assert split_last(q) == parts


def test_a_reading_finds_countries_and_empty_values_are_not_offered(completer):
    # ベ: 米国 by its reading ベイコク (the most records first), ベトナム by its spelling;
    # ベラルーシ is in no record
    assert completer.complete("べ") == Completions("べ", "べ", [
        country("米国", 40), country("ベトナム", 3)])


def test_words_complete_the_last_word_and_the_typed_word_itself_is_not_offered(completer):
    assert completer.complete("日米 防衛").completions == [
        # equal counts: in code point order (相 U+76F8, 省 U+7701); 防衛費: in 1 record only
        word("防衛相", 50, "日米 防衛相"), word("防衛省", 50, "日米 防衛省")]


def test_kana_finds_words_by_their_reading(completer):
    assert completer.complete("ぼうえい").completions == [
        word("防衛", 200, "防衛"), word("防衛相", 50, "防衛相"), word("防衛省", 50, "防衛省")]
    assert completer.complete("くう").completions == [
        word("空軍", 23, "空軍"), word("空母", 13, "空母")]


def test_aliases_name_the_spelling_typed(completer):
    assert completer.complete("アメ").completions == [country("米国", 40, alias="アメリカ")]
    assert completer.complete("united").completions == [
        country("米国", 40, alias="United States")]
    assert completer.complete("なとー").completions == [org("NATO", 31, alias="ナトー")]
    # the value's own spelling wins over an alias that also matches (読売 is both)
    assert completer.complete("読売").completions == [source("読売新聞", 18)]
    assert completer.complete("讀").completions == [source("読売新聞", 18, alias="讀賣新聞")]


def test_a_facet_value_leaves_the_other_words_and_a_word_twice_is_shown_once(completer):
    # NATO: the organisation (a filter) and not the word nato again
    assert completer.complete("共同訓練 ＮＡ").completions == [org("NATO", 31, "共同訓練")]
    assert completer.complete("共同").completions == [
        source("共同通信", 25), word("共同訓練", 20, "共同訓練")]


def test_no_filters_for_an_excluded_word_or_inside_a_phrase(completer):
    assert completer.complete("空母 -きょう").completions == [
        word("共同", 104, "空母 -共同"), word("共同訓練", 20, "空母 -共同訓練")]
    assert completer.complete("「ぼうえいしょ").completions == [
        word("防衛相", 50, "「防衛相"), word("防衛省", 50, "「防衛省")]


@pytest.mark.parametrize("q", ["", "防衛 ", "country:フィ", "source:読", "x" * 41, "zzz"])
def test_nothing_to_suggest(completer, q):
    assert completer.complete(q).completions == []


def test_facets_take_at_most_half_unless_words_are_fewer():
    many = {"country": {f"ア{n:02d}国": 100 - n for n in range(10)}}
    words = {f"ア{n:02d}語": 50 - n for n in range(10)}
    c = Completer(many, words)
    got = c.complete("ア", limit=5).completions
    assert [(x.kind, x.value) for x in got] == [
        ("facet", "ア00国"), ("facet", "ア01国"), ("facet", "ア02国"),
        ("word", "ア00語"), ("word", "ア01語")]
    assert [x.value for x in Completer(many, {"ア語": 5}).complete("ア", 4).completions] == [
        "ア00国", "ア01国", "ア02国", "ア語"]
    assert [x.value for x in Completer(many, {}).complete("ア", 4).completions] == [
        "ア00国", "ア01国", "ア02国", "ア03国"]


def test_prefix_table_ties_keep_the_given_order_and_bounds_are_exact():
    table = PrefixTable(["b", "a", "ab", "c"], [5, 5, 9, 1],
                        [("b", 0, ""), ("a", 1, ""), ("ab", 2, ""), ("c", 3, ""),
                         ("ba", 3, "ba!")])
    assert table.top("", 10) == [(2, ""), (0, ""), (1, ""), (3, "")]
    assert table.top("a", 10) == [(2, ""), (1, "")]
    assert table.top("b", 10) == [(0, ""), (3, "ba!")]
    assert table.top("b", 1) == [(0, "")]
    assert table.top("ab", 10, skip="ab") == []
    assert table.top("d", 10) == [] and table.top("ab\uffff", 10) == []


def test_to_dict():
    c = Completer(FACETS, WORDS, ALIASES).complete("日米 アメ")
    assert c.to_dict() == {"query": "日米 アメ", "prefix": "アメ", "suggestions": [
        {"kind": "facet", "value": "米国", "count": 40, "query": "日米", "facet": "country",
         "param": "country", "label": "国・地域", "alias": "アメリカ"}]}


@pytest.mark.parametrize("term, keys", [
    ("防衛", ["防衛", "ボウエイ"]), ("防衛省", ["防衛省", "ボウエイショウ"]),
    ("nato", ["nato"]), ("フィリピン", ["フィリピン"]), ("いずも", ["イズモ"]),
    ("有る", []), ("行う", []), ("大きい", []), ("もっとも", []), ("この", []), ("及び", []),
    ("重要", ["重要", "ジュウヨウ"]), ("2024", []), ("米", []),
])
def test_word_keys(term, keys):
    assert word_keys(term) == keys


def test_only_the_most_frequent_words_are_kept(monkeypatch):
    import search.query.complete as complete

    monkeypatch.setattr(complete, "MAX_WORDS", 3)
    c = Completer({}, {"空母": 13, "空軍": 23, "空域": 5, "空自": 11, "空中": 13})
    assert [(x.value, x.count) for x in c.complete("空").completions] == [
        ("空軍", 23), ("空中", 13), ("空母", 13)]


def test_a_one_letter_prefix_over_many_words_picks_the_best():
    words = {f"ア{n:05d}": 2 + (n * 7919) % 10007 for n in range(20000)}
    c = Completer({}, words)
    best = sorted(words.items(), key=lambda wn: (-wn[1], wn[0]))[:8]
    assert [(x.value, x.count) for x in c.complete("あ").completions] == best
    assert [(x.value, x.count) for x in c.complete("ア0001").completions] == sorted(
        ((w, n) for w, n in words.items() if w.startswith("ア0001") and w != "ア0001"),
        key=lambda wn: (-wn[1], wn[0]))[:8]


def test_verbs_are_not_offered():
    c = Completer({}, {"有る": 500, "安全": 40, "アラスカ": 3})
    assert [x.value for x in c.complete("あ").completions] == ["安全", "アラスカ"]


def test_what_a_facet_value_is_found_under_in_its_lists_box():
    from search.query.complete import value_keys

    assert value_keys("source", "産経新聞") == (
        "産経新聞", "サンケイシンブン", "産經新聞", "産経", "サンケイ", "産經", "sankei")
    keys = value_keys("source", "日本経済新聞")
    assert "ニッケイ" in keys and "nikkei" in keys
    assert value_keys("country", "米国")[:2] == ("米国", "ベイコク")
    assert "アメリカ" in value_keys("country", "米国")
    # one-character names are left out: なか is not 中国, べい not 米国
    assert "ナカ" not in value_keys("country", "中国")
    assert "ベイ" not in value_keys("country", "米国")
    assert value_keys("country", "スウェーデン") == ("スウェーデン", "sweden", "swedish")
    assert value_keys("collection", "欧州") == ("欧州", "オウシュウ")  # no spellings hook
