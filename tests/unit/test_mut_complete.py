"""Search help as you type (search/query/complete.py), written for mutation testing: each
test builds its own ``Completer`` (a module-scoped one is charged to the first test only),
the limits at their edges, and the tables made from a real small index
(tests/unit/smallindex.py): ``index_words`` over two segments and ``build_completer``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from search.index.columns import read_columns
from search.query import complete
from search.query.complete import (
    MAX_PREFIX_CHARS,
    Completer,
    Completion,
    Completions,
    PrefixTable,
    build_completer,
    index_words,
    suffix_readings,
    value_keys,
    word_keys,
)
from tests.unit.smallindex import Opened, build, record

FACETS = {
    "country": {"米国": 40, "フィリピン": 12, "ベラルーシ": 0, "ベナン": -1, "ベトナム": 3},
    "source": {"読売新聞": 18, "共同通信": 25},
}
ALIASES = {"country": {"米国": ("アメリカ", "米国", "べいこく")},
           "source": {"読売新聞": ("讀賣新聞",)}}
WORDS = {"防衛": 200, "防衛省": 50, "防衛費": 1, "防衛力": 2, "空母": 13, "共同": 104,
         "共同訓練": 20}


def country(value: str, count: int, query: str = "", alias: str | None = None) -> Completion:
    return Completion("facet", value, count, query, "country", "country", "国・地域", alias)


def word(value: str, count: int, query: str) -> Completion:
    return Completion("word", value, count, query)


def test_values_in_no_record_are_not_offered_and_aliases_are_kept() -> None:
    """0 and below are left out; an alias folded as the value is no alias (米国 itself, and
    べいこく, its reading in hiragana, folds to ベイコク only when read: kept as typed)."""
    c = Completer(FACETS, WORDS, ALIASES)
    assert c.facet_kinds == ["country", "country", "country", "source", "source"]
    assert c.facets.values == ["米国", "フィリピン", "ベトナム", "読売新聞", "共同通信"]
    assert c.facets.counts.tolist() == [40, 12, 3, 18, 25]
    assert ("米国", 0, "") in zip(c.facets.keys, c.facets.owner.tolist(), c.facets.alias,
                                  strict=True)
    assert [(k, a) for k, v, a in zip(c.facets.keys, c.facets.owner.tolist(), c.facets.alias,
                                      strict=True) if v == 0] == [
        ("アメリカ", "アメリカ"), ("ベイコク", ""), ("ベイコク", "べいこく"), ("米国", "")]
    assert c.complete("べ") == Completions("べ", "べ", [
        country("米国", 40), country("ベトナム", 3)])
    assert c.complete("アメ").completions == [country("米国", 40, alias="アメリカ")]
    assert c.complete("讀").completions[0].alias == "讀賣新聞"


def test_words_in_one_record_are_not_offered_and_the_most_frequent_come_first() -> None:
    """``MIN_WORD_RECORDS`` is 2: 防衛力 (2) is offered, 防衛費 (1) is not; equal counts
    in the words' order."""
    c = Completer({}, {"防衛費": 1, "防衛力": 2, "防衛": 200, "防衛相": 50, "防衛省": 50})
    assert c.words.values == ["防衛", "防衛相", "防衛省", "防衛力"]
    assert c.words.counts.tolist() == [200, 50, 50, 2]
    assert c.complete("防").completions == [
        word("防衛", 200, "防衛"), word("防衛相", 50, "防衛相"), word("防衛省", 50, "防衛省"),
        word("防衛力", 2, "防衛力")]
    assert Completer({}, {"空母": 2, "空軍": 2}).words.values == ["空母", "空軍"]


def test_at_most_max_words_words_are_looked_up(monkeypatch: pytest.MonkeyPatch) -> None:
    """The ``MAX_WORDS``-th kept word stops the look-ups; a word without keys (a verb) is
    not kept and not counted."""
    monkeypatch.setattr(complete, "MAX_WORDS", 2)
    looked: list[str] = []

    def keys_of(term: str) -> list[str]:
        looked.append(term)
        return word_keys(term)

    c = Completer({}, {"空母": 30, "行う": 20, "空軍": 10, "空域": 5}, keys_of=keys_of)
    assert c.words.values == ["空母", "空軍"] and looked == ["空母", "行う", "空軍"]


def test_the_keys_of_a_word_are_those_given() -> None:
    c = Completer({}, {"空母": 5, "大使": 3}, keys_of=lambda w: ["x" + w] if w == "空母" else [])
    assert c.words.values == ["空母"]
    assert c.complete("x空").completions == [word("空母", 5, "空母")]
    assert c.complete("空").completions == []


def test_a_prefix_up_to_forty_characters_is_completed() -> None:
    long = "ア" * MAX_PREFIX_CHARS
    c = Completer({}, {long + "イ": 3})
    assert MAX_PREFIX_CHARS == 40
    assert c.complete(long).completions == [word(long + "イ", 3, long + "イ")]
    assert c.complete(long + "イ").completions == []  # the word itself is not offered
    assert c.complete("ア" * 41) == Completions("ア" * 41, "ア" * 41, [])


def test_what_nothing_to_complete_says() -> None:
    c = Completer(FACETS, WORDS, ALIASES)
    assert c.complete("空母 ") == Completions("空母 ", "", [])
    assert c.complete("-") == Completions("-", "", [])
    assert c.complete("country:べ") == Completions("country:べ", "country:べ", [])
    assert c.complete("ｚｚ") == Completions("ｚｚ", "ｚｚ", [])
    # a field term is not completed even where a key holds a colon
    colon = Completer({}, {"country:ベトナム": 5})
    assert colon.complete("country:べ") == Completions("country:べ", "country:べ", [])
    assert colon.complete("xx country:べ").completions == []


def test_a_facet_value_is_chosen_as_a_filter_the_words_before_it_kept() -> None:
    """The facet's query is the text before the word, stripped; a word's replaces the word,
    after what leads it."""
    c = Completer(FACETS, WORDS, ALIASES)
    assert c.complete("空母  共").completions == [
        Completion("facet", "共同通信", 25, "空母", "source", "source", "媒体", None),
        word("共同", 104, "空母  共同"), word("共同訓練", 20, "空母  共同訓練")]
    assert c.complete("空母 (共").completions == [
        word("共同", 104, "空母 (共同"), word("共同訓練", 20, "空母 (共同訓練")]


def test_facets_and_words_share_the_limit() -> None:
    """Facet values take at most half (rounded up) unless the words are fewer; the words
    are asked for the limit plus the facets found, so one shown as a facet does not cut."""
    many = {"country": {f"ア{n:02d}国": 100 - n for n in range(10)}}
    words = {f"ア{n:02d}語": 50 - n for n in range(10)}
    c = Completer(many, words)
    picked = [(x.kind, x.value) for x in c.complete("ア", limit=4).completions]
    assert picked == [("facet", "ア00国"), ("facet", "ア01国"), ("word", "ア00語"),
                      ("word", "ア01語")]
    assert [x.kind for x in c.complete("ア", limit=1).completions] == ["facet"]
    assert [x.kind for x in c.complete("ア", limit=3).completions] == ["facet", "facet", "word"]
    one_word = Completer(many, {"ア語": 5})
    assert [x.value for x in one_word.complete("ア", 3).completions] == ["ア00国", "ア01国", "ア語"]
    # 国名 is a facet value and a word: shown once, as the facet, and the words still fill
    shared = Completer({"country": {"アア": 9}}, {"アア": 8, "アイ": 7, "アウ": 6, "アエ": 5})
    assert [(x.kind, x.value) for x in shared.complete("ア", 4).completions] == [
        ("facet", "アア"), ("word", "アイ"), ("word", "アウ"), ("word", "アエ")]


def test_prefix_table_edges() -> None:
    """An empty table; a value under several keys is returned once; the best are found
    past the cut of (limit + 1) × most keys; an alias only where no own key matched."""
    empty = PrefixTable([], [], [])
    assert (len(empty), empty.most_keys, empty.aliased, empty.top("a", 3)) == (0, 1, False, [])
    table = PrefixTable(["ab", "ac", "ad", "ae"], [1, 4, 3, 2],
                        [("ab", 0, ""), ("ac", 1, ""), ("ad", 2, ""), ("ae", 3, ""),
                         ("ax", 0, "ax!"), ("ay", 0, "ay!")])
    assert (len(table), table.most_keys, table.aliased) == (4, 3, True)
    assert table.top("a", 1) == [(1, "")]
    assert table.top("a", 4) == [(1, ""), (2, ""), (3, ""), (0, "")]
    assert table.top("a", 2, skip="ac") == [(2, ""), (3, "")]
    assert table.top("ax", 3) == [(0, "ax!")]
    plain = PrefixTable(["b", "c", "d", "e", "f"], [1, 2, 3, 4, 5],
                        [(x, i, "") for i, x in enumerate("bcdef")])
    assert plain.top("", 2) == [(4, ""), (3, "")]
    assert plain.top("", 1, skip="f") == [(3, "")]
    assert plain.top("", 5) == [(4, ""), (3, ""), (2, ""), (1, ""), (0, "")]


def test_suffix_readings_and_value_keys() -> None:
    assert suffix_readings("品") == ["ヒン", "ピン", "ホン", "ポン"]
    assert suffix_readings("省") == ["ショウ"]
    assert suffix_readings("空") == []
    assert value_keys("collection", "欧州") == ("欧州", "オウシュウ")
    assert value_keys("collection", "EU") == ("eu",)
    assert value_keys("country", "中国")[:3] == ("中国", "チュウゴク", "china")


def test_a_reading_is_katakana_only() -> None:
    """ファ (small ァ, U+30A1, the first katakana kept) is read; a reading with a Latin
    letter left in it (eスポーツ) is none."""
    assert complete.reading("ファン層") == "ファンソウ"
    assert complete.reading("eスポーツ大会") is None
    assert complete.reading("ー") is None


def test_word_keys_of_katakana_latin_and_kana() -> None:
    assert word_keys("アメリカ") == ["アメリカ"]
    assert word_keys("ＮＡＴＯ") == ["nato"]
    assert word_keys("ア") == []
    assert word_keys("ぼうえい") == ["ボウエイ"]
    assert word_keys("イージス艦") == ["イージス艦", "イージスカン"]
    assert word_keys("ゟゟ") == []  # ゟ (U+309F) is hiragana: looked up, not a name
    # a word without kanji is found under its spelling, not the dictionary's reading (エビス)
    assert word_keys("ゑびす") == ["ヱビス"]


def test_index_words_over_two_segments(tmp_path: Path) -> None:
    """A word's records summed over the segments, per field; the larger of title and text."""
    ix = build(tmp_path, [
        [record("a1", "2025-01-01", title="空母", body="空母と演習"),
         record("a2", "2025-01-02", title="演習", body="空母")],
        [record("a3", "2025-01-03", title="空母の演習", body="空母と大使")],
    ])
    opened = Opened(tmp_path, ix)
    try:
        reader = opened.postings
        found = index_words(reader)
        # 空母: titles 1 + 1, texts 2 + 1; 演習: titles 1 + 1, texts 1 + 0
        assert {w: found[w] for w in ("空母", "演習", "大使")} == {"空母": 3, "演習": 2,
                                                              "大使": 1}
        titles = index_words(reader, ("title",))
        assert {w: titles.get(w) for w in ("空母", "演習", "大使")} == {
            "空母": 2, "演習": 2, "大使": None}
        assert index_words(reader, ("nothing",)) == {}
        assert index_words(reader, ("nothing", "title")) == titles  # a field it lacks
    finally:
        opened.close()


def test_build_completer_counts_live_records_and_names_aliases(tmp_path: Path) -> None:
    """Facet values counted over live records (a3 deleted); the outlets', countries' and
    organisations' other names of more than one character; the words given."""
    ix = build(tmp_path, [[
        record("a1", "2025-01-01", body="空母", source="読売新聞", countries=("米国",)),
        record("a2", "2025-01-02", body="空母", source="共同通信", countries=("米国", "中国"),
               organizations=("NATO",)),
        record("a3", "2025-01-03", body="空母", source="時事通信", countries=("韓国",)),
        record("a4", "2025-01-04", body="空母", source="読売新聞", countries=("フランス",)),
    ]], deleted=("a3",))
    opened = Opened(tmp_path, ix)
    try:
        columns = read_columns(opened.searcher.reader(), opened.postings)
        c = build_completer(columns, {"空母": 2, "空軍": 1})
        assert c.complete("あめ").completions == [country("米国", 2, alias="アメリカ")]
        assert c.complete("米").completions == [country("米国", 2)]
        assert c.complete("ちゃ").completions == [country("中国", 1, alias="チャイナ")]
        assert c.complete("かん").completions == []  # 韓国: in a deleted record only
        assert [(x.value, x.count, x.alias) for x in c.complete("讀").completions] == [
            ("読売新聞", 2, "讀賣")]
        assert c.complete("空").completions == [word("空母", 2, "空母")]  # the words given
        # facets in their ``completed`` order (countries, outlets, organisations); a3's
        # 韓国 and 時事通信 counted 0 and left out
        assert c.facet_kinds == ["country", "country", "country", "source", "source",
                                 "organization"]
        assert c.facets.values == ["フランス", "中国", "米国", "共同通信", "読売新聞", "NATO"]
        assert c.facets.counts.tolist() == [1, 1, 2, 1, 2, 1]
        # フランス's other names: 仏国, not 仏 (one character)
        assert c.complete("仏").completions == [country("フランス", 1, alias="仏国")]
        assert c.complete("仏国").completions == [country("フランス", 1, alias="仏国")]
        assert [(x.value, x.alias) for x in c.complete("なと").completions] == [("NATO", "ナトー")]
        seen: list[str] = []
        build_completer(columns, {"空母": 2}, keys_of=lambda w: seen.append(w) or [w])
        assert seen == ["空母"]
    finally:
        opened.close()
