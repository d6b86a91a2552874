"""Kana for kanji words (search/readings.py) and when a correction is applied unasked."""

from __future__ import annotations

import pytest

from search.analysis import is_kana, katakana
from search.engine import typed_by_sound
from search.readings import Readings

WORDS = {"岸田": 5, "防衛": 40, "装備": 20, "移転": 6, "防衛相": 30, "防衛省": 12,
         "同盟": 9, "オスプレイ": 1, "フィリピン": 13, "取る": 50, "2024": 99,
         "ラスムッセン": 2, "ロシア": 30, "ロシアン": 1, "ラス": 3, "ムセン": 3}


@pytest.fixture(scope="module")
def readings() -> Readings:
    return Readings(WORDS)


@pytest.mark.parametrize(("kana", "spellings"), [
    ("きしだ", ["岸田"]),
    ("キシダ", ["岸田"]),  # katakana reads the same
    ("ぼうえいしょう", ["防衛相", "防衛省"]),  # same reading: more records first
    ("おすぷれい", ["オスプレイ"]),  # a katakana word typed in hiragana
    ("ぼうえいそうびいてん", ["防衛装備移転"]),  # no one word: the fewest pieces
    ("どうめい", ["同盟"]),
    ("とる", []),  # verbs are not filed: nobody searches 取る by its sound
    ("ボウエイソウビイテン", []),  # typed in katakana: a loanword, never pieced from kanji
    ("ぬぬぬ", []),
    ("岸田", []),  # not kana
    ("き", []),  # one character is not a word
])
def test_spell(readings, kana, spellings):
    assert readings.spell(kana) == spellings


def test_whole_and_pieced_spellings(readings):
    assert readings.is_whole("きしだ", "岸田")
    assert readings.is_whole("おすぷれい", "オスプレイ")
    assert not readings.is_whole("ぼうえいそうびいてん", "防衛装備移転")


@pytest.mark.parametrize(("kana", "corrections"), [
    ("ぼうえいしよう", ["防衛相"]),  # ヨ for ョ: one edit from ボウエイショウ
    ("きしば", ["岸田"]),
    ("ぬぬぬ", []),
])
def test_correct(readings, kana, corrections):
    assert readings.correct(kana)[:1] == corrections


@pytest.mark.parametrize(("text", "kana"), [
    ("きしだ", True), ("オスプレイ", True), ("ボーイング", True), ("岸田", False),
    ("きし田", False), ("a", False), ("あ", False), ("ー", False),
])
def test_is_kana(text, kana):
    assert is_kana(text) is kana


def test_katakana():
    assert katakana("なとー ふぃりぴん") == "ナトー フィリピン"


@pytest.mark.parametrize(("typed", "suggestion", "applied"), [
    ("ルツテ", "ルッテ", True),  # a small kana for a big one
    ("バーレン", "バーレーン", True),  # a letter left out
    ("ぼうえいしよう", "防衛相", True),  # kana typed for kanji
    ("Stoltenbrg NATO", "Stoltenberg NATO", True),
    ("竹島 領有権", "諸島 領有権", False),  # another kanji word is another word
    ("空母 いたりあ", "空母 イタリア", True),
    ("同じ", "同じ", False),
])
def test_typed_by_sound(typed, suggestion, applied):
    assert typed_by_sound(typed, suggestion) is applied


@pytest.mark.parametrize(("kana", "variants"), [
    ("ラスムセン", ["ラスムッセン"]),  # one edit: another spelling of the name
    ("らすむせん", ["ラスムッセン"]),  # typed in hiragana
    ("ラスムッセン", []),  # the spelling itself is no variant
    ("ロシア", []),  # short: one edit makes another word (ロシアン)
    ("ヌヌヌヌヌ", []),
])
def test_variants(readings, kana, variants):
    assert readings.variants(kana) == variants
