"""Exact behaviour of search.text.kana at its edges (written for mutation testing)."""

from __future__ import annotations

from search.text import kana


def test_the_kana_sets_hold_exactly_their_ranges_and_the_long_vowel_mark():
    assert {chr(cp) for cp in range(0x3041, 0x3097)} | {"ー"} == kana.HIRAGANA
    assert {chr(cp) for cp in range(0x30A1, 0x30FB)} | {"ー"} == kana.KATAKANA
    assert len(kana.HIRAGANA) == 0x3097 - 0x3041 + 1
    assert len(kana.KATAKANA) == 0x30FB - 0x30A1 + 1
    assert "ぁ" in kana.HIRAGANA and "ゖ" in kana.HIRAGANA
    assert "\u3040" not in kana.HIRAGANA and "\u3097" not in kana.HIRAGANA
    assert "ァ" in kana.KATAKANA and "ヺ" in kana.KATAKANA
    assert "\u30a0" not in kana.KATAKANA and "・" not in kana.KATAKANA


def test_is_kana_needs_two_kana_characters():
    assert kana.is_kana("なと") is True
    assert kana.is_kana("ナトー") is True
    assert kana.is_kana("ぼうエイ") is True
    assert kana.is_kana("な") is False
    assert kana.is_kana("ー") is False
    assert kana.is_kana("") is False
    assert kana.is_kana("なa") is False
    assert kana.is_kana("a") is False
    assert kana.is_kana("防衛") is False


def test_is_hiragana_needs_two_hiragana_characters():
    assert kana.is_hiragana("ぼうえいしょう") is True
    assert kana.is_hiragana("なー") is True
    assert kana.is_hiragana("ぼ") is False
    assert kana.is_hiragana("") is False
    assert kana.is_hiragana("なト") is False
    assert kana.is_hiragana("ナト") is False


def test_is_katakana_needs_two_katakana_characters():
    assert kana.is_katakana("ジャイシャンカル") is True
    assert kana.is_katakana("ナー") is True
    assert kana.is_katakana("ァヺ") is True  # the first and last of the syllabary
    assert kana.is_katakana("ジ") is False
    assert kana.is_katakana("") is False
    assert kana.is_katakana("ジャイ・シャンカル") is False  # the middle dot is no katakana
    assert kana.is_katakana("ジャイしゃんかる") is False
    assert kana.is_katakana("ゝヿ") is False


def test_katakana_moves_every_hiragana_and_nothing_else():
    assert kana.katakana("なとー") == "ナトー"
    assert kana.katakana("ぁゖ") == "ァヶ"
    assert kana.katakana("\u3040\u3097") == "\u3040\u3097"
    assert kana.katakana("漢字abcカナ") == "漢字abcカナ"
    assert {cp: cp + 0x60 for cp in range(0x3041, 0x3097)} == kana._TO_KATAKANA


def test_is_kanji_at_the_edges_of_its_ranges():
    for ch in ("\u3400", "\u9fff", "\uf900", "\ufaff", "々", "〆", "防"):
        assert kana.is_kanji(ch) is True, ch
    for ch in ("\u33ff", "\ua000", "\uf8ff", "\ufb00", "あ", "ア", "a", "X", "ー"):
        assert kana.is_kanji(ch) is False, ch


def test_nfkc_and_is_nfkc():
    assert kana.nfkc("Ｆ－３５") == "F-35"
    assert kana.nfkc("ｶﾀｶﾅ") == "カタカナ"
    assert kana.is_nfkc("F-35") is True
    assert kana.is_nfkc("Ｆ－３５") is False


def test_fold_case_and_fold():
    assert kana.fold_case("ＯＳＰＲＥＹ") == "osprey"
    assert kana.fold_case("ふぃりぴん") == "ふぃりぴん"
    assert kana.fold("ふぃりぴん") == "フィリピン"
    assert kana.fold("ｏｓｐｒｅｙ") == "osprey"
    assert kana.fold("ＮＡＴＯとｶﾀｶﾅ") == "natoトカタカナ"
