"""Kana for kanji words (search/query/readings.py) and when a correction is applied unasked."""

from __future__ import annotations

import pytest

from search.query import readings as readings_module
from search.query.readings import Readings
from search.text.kana import is_kana, katakana

WORDS = {"岸田": 5, "防衛": 40, "装備": 20, "移転": 6, "防衛相": 30, "防衛省": 12, "品": 8,
         "円滑": 2, "化": 30, "協定": 25,
         "同盟": 9, "オスプレイ": 1, "フィリピン": 13, "取る": 50, "2024": 99,
         "ラスムッセン": 2, "ロシア": 30, "ロシアン": 1, "ラス": 3, "ムセン": 3}


@pytest.fixture()
def readings() -> Readings:
    # Built for each test (a few milliseconds), not once per module: mutation testing runs
    # only the tests that called a function, and a module fixture calls __init__ in the
    # first test alone.
    return Readings(WORDS)


@pytest.mark.parametrize(("kana", "spellings"), [
    ("きしだ", ["岸田"]),
    ("キシダ", ["岸田"]),  # katakana reads the same
    ("ぼうえいしょう", ["防衛相", "防衛省"]),  # same reading: more records first
    ("おすぷれい", ["オスプレイ"]),  # a katakana word typed in hiragana
    ("ぼうえいそうびいてん", ["防衛装備移転"]),  # no one word: the fewest pieces
    # a one-kanji suffix of the index (品 read ヒン as a suffix, not シナ), never first
    ("ぼうえいそうびひん", ["防衛装備品"]),
    ("えんかつかきょうてい", ["円滑化協定"]),  # 化 (カ) between two words
    ("ひんぼうえい", []),
    ("ぼうえいひん", ["防衛品"]),
    ("どうめい", ["同盟"]),
    ("とる", []),  # verbs are not filed: nobody searches 取る by its sound
    ("ボウエイソウビイテン", []),  # typed in katakana: a loanword, never pieced from kanji
    ("ぬぬぬ", []),
    ("岸田", []),  # not kana
    ("き", []),  # one character is not a word
])
def test_spell(readings, kana, spellings):
    assert readings.spell(kana) == spellings


@pytest.mark.parametrize(("kana", "spellings"), [
    ("ぼうえいしよう", ["防衛相", "防衛省"]),  # しよ typed for しょ: nothing reads exactly so
    ("きしだぼうえいしよう", ["岸田防衛相"]),  # pieced, the same
    ("ぼうえいしょう", ["防衛相", "防衛省"]),
])
def test_small_kana_typed_full_size(readings, kana, spellings):
    assert readings.spell(kana) == spellings


def test_an_exact_reading_comes_before_a_loose_one():
    words = {"病院": 3, "美容院": 1}
    assert Readings(words).spell("びよういん") == ["美容院"]
    assert Readings(words).spell("びょういん") == ["病院"]
    assert Readings({"病院": 3}).spell("びよういん") == ["病院"]


def test_loose():
    assert readings_module.loose("センカクショトウ") == "センカクシヨトウ"
    assert readings_module.loose("キッテ") == "キツテ"
    assert readings_module.loose("ァィゥェォッャュョヮヵヶ") == "アイウエオツヤユヨワカケ"


def test_whole_and_pieced_spellings(readings):
    assert readings.is_whole("ぼうえいしよう", "防衛省")  # loosely, but all of it
    assert readings.is_whole("きしだ", "岸田")
    assert readings.is_whole("おすぷれい", "オスプレイ")
    assert not readings.is_whole("ぼうえいそうびいてん", "防衛装備移転")


@pytest.mark.parametrize(("kana", "corrections"), [
    ("ぼうえいしよう", ["防衛相"]),  # ヨ for ョ: one edit from ボウエイショウ
    ("きしば", ["岸田"]),
    ("ぬぬぬ", []),
    ("岸田", []),  # not kana
])
def test_correct(readings, kana, corrections):
    assert readings.correct(kana) == corrections


def test_the_most_frequent_spelling_of_a_reading_comes_first():
    # the order the words are given in does not matter, nor the order of their spellings
    assert Readings({"防衛相": 12, "防衛省": 30}).spell("ぼうえいしょう") == ["防衛省", "防衛相"]
    assert Readings({"防衛省": 30, "防衛相": 12}).spell("ぼうえいしょう") == ["防衛省", "防衛相"]
    # as frequent: in the order of their spellings
    assert Readings({"防衛省": 10, "防衛相": 10}).spell("ぼうえいしょう") == ["防衛相", "防衛省"]


def test_at_most_three_spellings():
    words = {"公使": 9, "行使": 8, "講師": 7, "公私": 6, "光子": 5}  # all コウシ
    assert Readings(words).spell("こうし") == ["公使", "行使", "講師"]


def test_a_reading_of_two_kana_is_filed():
    assert Readings({"梅雨": 3, "部屋": 2}).spell("つゆ") == ["梅雨"]
    assert Readings({"梅雨": 3, "部屋": 2}).spell("へや") == ["部屋"]


@pytest.mark.parametrize("words", [{}, {"取る": 3, "2024": 2, "オスプレイ": 1}])
def test_no_word_with_kanji(words):
    readings = Readings(words)
    assert readings.spell("きしだ") == [] and readings.spell("ぼうえいそうび") == []
    assert readings.correct("きしだ") == [] and readings.correct("ぼうえいしよう") == []
    assert readings.spell("おすぷれい") == (["オスプレイ"] if words else [])


def test_the_most_frequent_words_are_filed_first(monkeypatch):
    # MAX_WORDS (50,000) made small: words that are not filed (verbs, katakana, numbers)
    # do not count against it
    monkeypatch.setattr(readings_module, "MAX_WORDS", 3)
    readings = Readings({"岸田": 40, "取る": 100, "移転": 50, "オスプレイ": 90, "防衛": 80,
                         "2024": 60, "装備": 70})
    assert [readings.spell(k) for k in ("ぼうえい", "そうび", "いてん", "きしだ")] == [
        ["防衛"], ["装備"], ["移転"], []]
    assert readings.spell("ぼうえいそうびいてん") == ["防衛装備移転"]
    assert readings.spell("おすぷれい") == ["オスプレイ"]  # katakana words are all kept


@pytest.mark.parametrize(("kana", "spellings"), [
    # the fewest pieces, wherever the first cut falls: 陸上自衛隊・士官, not 陸上・自衛・大使館
    ("りくじょうじえいたいしかん", ["陸上自衛隊士官"]),
    ("りくじょうじえい", ["陸上自衛"]),  # two pieces
    ("りくじょうじえいたいしかんりくじょう", ["陸上自衛隊士官陸上"]),  # three
    ("りくじょうじえいりくじょうじえい", ["陸上自衛陸上自衛"]),  # four, the most
    ("りくじょうじえいりくじょうじえいしかん", []),  # five pieces is not a word
    ("りくじょうしかんぬ", []),  # ぬ reads like no word
    # as few pieces either way: the cut found first, whose last piece is longer
    ("どうめいこくさんか", ["同盟国産化"]),
])
def test_pieces(kana, spellings):
    words = {"陸上": 5, "自衛": 4, "大使館": 3, "陸上自衛隊": 2, "士官": 1,
             "同盟": 4, "国産化": 3, "同盟国": 2, "参加": 1}
    assert Readings(words).spell(kana) == spellings


# readings one edit from ヒシダ: ヨシダ, ニシダ, イシダ, キシダ
NAMES = {"吉田": 9, "西田": 7, "石田": 5, "岸田": 3}


def test_at_most_three_corrections_the_most_frequent_first():
    assert Readings(NAMES).correct("ひしだ") == ["吉田", "西田", "石田"]
    assert Readings(NAMES).correct("ひしだ", limit=2) == ["吉田", "西田"]


def test_corrections_as_frequent_are_whooshs():
    # Whoosh keeps the largest (frequency, text) pairs: of equally frequent readings, the
    # later ones (キシダ, ニシダ, ヨシダ, not イシダ), listed in order
    assert Readings(dict.fromkeys(NAMES, 5)).correct("ひしだ") == ["岸田", "西田", "吉田"]


@pytest.mark.parametrize(("kana", "corrections"), [
    # a reading of five kana or more may be two edits away, the nearest first
    ("ぼうえいしよう", ["防衛相", "防衛庁"]),  # 1 edit, 2 edits (ボウエイタイ: 3)
    ("ぼーえーひ", ["防衛費"]),  # five kana, two edits
    # four kana or fewer: one edit only
    ("どうまい", ["同盟"]),
    ("どーめー", []),
])
def test_how_far_a_correction_may_be(kana, corrections):
    words = {"防衛相": 5, "防衛庁": 20, "防衛隊": 50, "防衛費": 8, "同盟": 9}
    assert Readings(words).correct(kana) == corrections


@pytest.mark.parametrize(("text", "kana"), [
    ("きしだ", True), ("オスプレイ", True), ("ボーイング", True), ("岸田", False),
    ("きし田", False), ("a", False), ("あ", False), ("ー", False),
])
def test_is_kana(text, kana):
    assert is_kana(text) is kana


def test_katakana():
    assert katakana("なとー ふぃりぴん") == "ナトー フィリピン"


@pytest.mark.parametrize(("kana", "variants"), [
    ("ラスムセン", ["ラスムッセン"]),  # one edit: another spelling of the name
    ("らすむせん", ["ラスムッセン"]),  # typed in hiragana
    ("ラスムッセン", []),  # the spelling itself is no variant
    ("ロシア", []),  # short: one edit makes another word (ロシアン)
    ("ヌヌヌヌヌ", []),
])
def test_variants(readings, kana, variants):
    assert readings.variants(kana) == variants


def test_variants_are_at_most_limit_the_most_frequent_first():
    names = Readings({"ラスムッセン": 2, "ラスムセンン": 5, "ラスムセンヌ": 1})
    assert names.variants("ラスムセン") == ["ラスムセンン", "ラスムッセン", "ラスムセンヌ"]
    assert names.variants("ラスムセン", limit=2) == ["ラスムセンン", "ラスムッセン"]


@pytest.mark.parametrize(("kana", "variants"), [
    ("ストルテンベルグ", ["シュトルテンベルグ"]),  # eight letters: two edits (ス → シュ)
    ("シュトルテンベルグ", []),
    ("ヌヌヌヌヌヌヌヌ", ["ヌヌヌヌヌヌアア"]),  # eight letters, two edits
    ("ヌヌヌヌヌヌヌ", []),  # seven letters, two edits from ヌヌヌヌヌアア: not a variant
])
def test_a_long_name_has_variants_two_edits_away(kana, variants):
    names = Readings({"シュトルテンベルグ": 2, "ヌヌヌヌヌヌアア": 1, "ヌヌヌヌヌアア": 1})
    assert names.variants(kana) == variants


def test_the_suffixes_are_the_one_kanji_words_read_as_suffixes(readings):
    assert readings.suffixes["ヒン"] == ["品"] and readings.suffixes["カ"] == ["化"]
    assert "シナ" not in readings.suffixes  # 品 as a noun is not a suffix's reading
    assert all(len(w) == 1 for ws in readings.suffixes.values() for w in ws)
