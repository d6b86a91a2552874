"""The correction policy: when a query no article answers is searched as its もしかして."""

import pytest

from search.query.correction import (
    allowed_edits,
    changed,
    edits,
    is_common_word,
    letters,
    mistyped,
    names_alike,
    script,
    searched_instead,
)


@pytest.mark.parametrize(("word", "kind"), [
    # the first and last letters of each syllabary
    ("ァヺ", "katakana"), ("ぁゖ", "hiragana"), ("ぁゖー", "hiragana"), ("゠", "kanji"),
    ("カラオケ", "katakana"), ("バーレーン", "katakana"), ("サウジ・アラビア", "katakana"),
    ("ぼうえいしょう", "hiragana"), ("せどりー", "hiragana"),
    ("Osprey", "latin"), ("F-35", "latin"), ("Ｏｓｐｒｅｙ", "latin"),
    ("防衛省", "kanji"), ("防衛装備ひん", "kanji"), ("ふぃりぴんカ", "kanji"), ("", "kanji"),
])
def test_script(word, kind):
    assert script(word) == kind


def test_letters_fold_width_case_kana_small_kana_and_joiners():
    assert letters("ルッテ") == letters("ルツテ") == "ルツテ"
    assert letters("ｓｅｎ-Kaku") == "senkaku"
    assert letters("サウジ・アラビア") == "サウジアラビア"
    assert letters("せんかくしょとう") == "センカクシヨトウ"


@pytest.mark.parametrize(("length", "allowed"), [
    (1, 0), (2, 0), (3, 0), (4, 1), (7, 1), (8, 2), (20, 2),
])
def test_allowed_edits(length, allowed):
    assert allowed_edits(length) == allowed


@pytest.mark.parametrize(("word", "common"), [
    ("カラオケ", True), ("コーヒー", True), ("らーめん", True), ("golf", True),
    ("ヘグセズ", False),  # not in the dictionary: may be a slip
    ("ブルガリヤ", False),  # a name (a place's variant spelling)
    ("サウジアラビヤ", False),  # two words
    ("ルッテ", False),  # a person's name
])
def test_is_common_word(word, common):
    assert is_common_word(word) is common


@pytest.mark.parametrize(("one", "other", "alike"), [
    ("ラスムセン", "ラスムッセン", True), ("メレンゲサウ", "レメンゲサウ", True),
    ("キャンセル", "キャンベル", False), ("キャンベル", "キャンセル", False),  # a word's not
    ("ミッション", "セッション", False),
    ("シーレーン", "バーレーン", False), ("バーレーン", "シーレーン", False),  # a place's not
    ("インドネシ", "インドネシア", False),  # one names a place, the other none
])
def test_names_alike(one, other, alike):
    assert names_alike(one, other) is alike


@pytest.mark.parametrize(("typed", "corrected", "apart"), [
    ("ルツテ", "ルッテ", 0),  # a small kana typed full-size
    ("バーレン", "バーレーン", 1),
    ("カラオケ", "パラオ", 2),
    ("ピザ", "ガザ", 1),
    ("ボウリング", "暴力", None),  # katakana into kanji: another kind of word
    ("Golf", "ゴルフ", None),
    ("ゴルフ", "Golf", None),
    ("Stoltenbrg", "stoltenberg", 1),
    ("ぼうえいしよう", "防衛省", 0),  # hiragana, by the kanji's reading
    ("ぼうえいしゃう", "防衛省", 1),
    ("ふぃりぴそ", "フィリピン", 1),
    ("防衛装備ひん", "防衛装備品", 0),  # only the kana changed, by its reading
    ("防衛そうび品", "防衛装備品", 0),  # kana between kanji that stay
    ("ぼうえい装備品", "防衛装備品", 0),
    ("防衛装備しな", "防衛装備品", 2),  # 品 reads ヒン at the end of this compound
    ("竹島", "諸島", None),  # kanji chosen by the user are never changed
    ("防衛装備品", "防衛装備ひん", None),
    ("防衛装備品", "防衛装具品", None),  # a kanji inside, the ends kept
    ("日本ノ空母", "日本の空母", 0),  # kana of another kind, kanji kept at both ends
    ("りはびり", "りはより", None),  # hiragana into hiragana: the index's are misreadings
    ("おすぷれい", "オスプレイ", 0),  # hiragana into katakana, letter for letter
    ("どう", "龘", None),  # a kanji the dictionary has no reading for
])
def test_edits(typed, corrected, apart):
    assert edits(typed, corrected) == apart


@pytest.mark.parametrize(("typed", "corrected", "slip"), [
    # typing slips: searched instead
    ("ルツテ", "ルッテ", True),
    ("バーレン", "バーレーン", True),
    ("ヘグセズ", "ヘグセス", True),
    ("フィリピソ", "フィリピン", True),
    ("シンガポル", "シンガポール", True),  # a long-vowel mark dropped
    ("ストルテンベルク", "ストルテンベルグ", True),
    ("ストルテンベック", "ストルテンベルグ", True),  # eight letters: two may differ
    ("ストルテンベルク", "シュトルテンベルグ", False),  # three apart
    ("ぼうえいしよう", "防衛相", True),
    ("空母", "空母", True),  # unchanged
    # words of the language, or too far, or another kind, or another place: only offered
    ("カラオケ", "パラオ", False),
    ("サーフィン", "ダーウィン", False),
    ("コーヒー", "レーダー", False),
    ("ピザ", "ガザ", False),
    ("ボウリング", "暴力", False),
    ("ケーキ", "契機", False),
    ("ヨガ", "寄り", False),
    ("ダンス", "断固", False),
    ("ヘグセ", "ヘグセス", False),  # three letters: none may differ
    ("らーめん", "ラーメン", True),  # hiragana is typed by sound: a dictionary word may be
    ("ラーメン", "ラーメソ", False),  # a word of the language is meant as typed
    ("マールスズ", "マールズ", True),
    ("オーストリア", "オーストラリア", False),  # Austria is not Australia
    ("おーすとりあ", "オーストラリア", False),  # typed in hiragana
    ("Austria", "Australia", False),  # in English
    ("オーストラリヤ", "オーストラリア", True),  # the same place
    ("竹島", "諸島", False),
])
def test_mistyped(typed, corrected, slip):
    assert mistyped(typed, corrected) is slip


@pytest.mark.parametrize(("typed", "suggestion", "searched"), [
    ("ルツテ", "ルッテ", True),
    ("空母 いたりや", "空母 イタリア", True),
    ("バーレン 外相", "バーレーン 外相", True),
    ("空母 オーストリア", "空母 オーストラリア", False),
    ("カラオケ 大会", "パラオ 大会", False),
    ("ルツテ カラオケ", "ルッテ パラオ", False),  # every changed word must be a slip
    ("空母 オーストリア", "オーストラリア", False),  # a word lost is no slip
    ("同じ", "同じ", False),  # nothing changed: nothing to search instead
])
def test_searched_instead(typed, suggestion, searched):
    assert searched_instead(typed, suggestion) is searched


def test_changed_are_the_suggestions_words_that_differ():
    assert changed("空母 いたりや 訓練", "空母 イタリア 訓練") == ["イタリア"]
    assert changed("ルツテ", "ルッテ") == ["ルッテ"]
    assert changed("同じ 語", "同じ 語") == []
    # words side by side, as far as both go (a suggestion that drops a word is no slip)
    assert changed("空母 オーストリア", "オーストラリア") == ["オーストラリア"]
