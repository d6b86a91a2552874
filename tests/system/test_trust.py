"""Answers a researcher can trust (issue 19), over the real index of the bundled corpus.

Nothing about a topic the archive does not hold; no correction into another topic; a
country's one-character abbreviation only where it means the country; typing slips in names
still found. The two word lists are the issue's development lists: the blind judged set
(tests/judged/blind) is never used here.
"""

from __future__ import annotations

import pytest

from search.engine import SearchRequest


def search(engine, q: str, **kw):
    return engine.search(SearchRequest(q=q, page_size=100, **kw))


def ids(engine, q: str, **kw) -> set[str]:
    """Every match of ``q``, all pages."""
    found: set[str] = set()
    page = 1
    while True:
        result = search(engine, q, page=page, **kw)
        found |= {h.id for h in result.results}
        if page * result.page_size >= result.total:
            return found
        page += 1


# Loanwords and foreign words no clipping holds (checked by grep over the export): sports,
# food, gadgets, entertainment, medicine; a few typed in English.
ABSENT = [
    # sports
    "テニス", "ゴルフ", "ボウリング", "サーフィン", "スケートボード", "バスケットボール",
    "バレーボール", "ヨガ", "ボクシング", "ダンス",
    # food and drink
    "コーヒー", "ケーキ", "ピザ", "ラーメン", "パスタ", "バナナ", "ワイン", "ハンバーガー",
    "チョコレート", "サンドイッチ", "ビール", "スパゲッティ", "カレーライス", "アイスクリーム",
    # gadgets
    "スマートフォン", "タブレット", "イヤホン", "カメラ", "パソコン", "プリンター",
    # entertainment
    "カラオケ", "アニメ", "ミュージカル", "コンサート", "ピアノ", "ギター", "ハリウッド",
    "アイドル", "ディズニー",
    # medicine
    "インフルエンザ", "ワクチン", "アレルギー", "サプリメント", "リハビリ", "ダイエット",
    # in English
    "karaoke", "pizza", "smartphone", "tennis", "coffee", "golf", "guitar",
]

# Names misspelt as people type them, each with the spelling the archive holds: a letter
# wrong, added, dropped or swapped, a small kana typed full-size, a long name one edit off.
MISSPELT = [
    ("ブルガリヤ", "ブルガリア"), ("オーストラリヤ", "オーストラリア"),
    ("サウジアラビヤ", "サウジアラビア"), ("ルツテ", "ルッテ"), ("ヘグセズ", "ヘグセス"),
    ("マールス", "マールズ"), ("ラスムセソ", "ラスムセン"), ("クロセッド", "クロセット"),
    ("エストニヤ", "エストニア"), ("バーレン", "バーレーン"), ("カザフスタソ", "カザフスタン"),
    ("スウェーデソ", "スウェーデン"), ("パプアニューギニヤ", "パプアニューギニア"),
    ("ニュージーランンド", "ニュージーランド"), ("ヨルダソ", "ヨルダン"),
    ("ポラーンド", "ポーランド"), ("リトアニヤ", "リトアニア"), ("ラトビヤ", "ラトビア"),
    ("ウズベキスタソ", "ウズベキスタン"), ("ラジャパクザ", "ラジャパクサ"),
    ("シリセネ", "シリセナ"), ("フレルスク", "フレルスフ"), ("モザンビーグ", "モザンビーク"),
    ("ストルテンベルク", "ストルテンベルグ"), ("Ospray", "Osprey"),
]


def test_the_lists_are_as_long_as_the_issue_asks():
    assert len(ABSENT) >= 40 and len(set(ABSENT)) == len(ABSENT)
    assert len(MISSPELT) >= 20 and len(dict(MISSPELT)) == len(MISSPELT)


def test_loanwords_no_clipping_holds_find_nothing(engine):
    found = {word: search(engine, word).total for word in ABSENT}
    assert {w: n for w, n in found.items() if n} == {}


def test_misspelt_names_still_find_their_articles(engine):
    # every article holding the name as the archive spells it, and nothing the name
    # itself would not find
    missed = {typo: right for typo, right in MISSPELT
              if not ids(engine, f'"{right}"')
              or not ids(engine, f'"{right}"') <= ids(engine, typo) <= ids(engine, right)}
    assert missed == {}


@pytest.mark.parametrize(("typed", "offered"), [
    # the issue's table: each was searched as another word one or two kana away
    ("カラオケ", "パラオ"), ("サーフィン", "ダーウィン"), ("コーヒー", "レーダー"),
    ("ピザ", "ガザ"),
])
def test_a_loanword_is_not_corrected_into_another_topic(engine, client, typed, offered):
    result = search(engine, typed)
    assert (result.total, result.corrected, result.related) == (0, None, [])
    assert result.suggestions[0] == offered  # offered as a link, not searched
    page = client.get(f"/?q={typed}").get_data(as_text=True)
    assert "の検索結果を表示しています" not in page
    assert "もしかして" in page and f">{offered}</a>" in page


@pytest.mark.parametrize("typed", ["ボウリング", "ケーキ", "ヨガ", "ダンス"])
def test_a_katakana_word_is_never_offered_a_kanji_word_by_its_reading(engine, typed):
    # ボウリング was searched as 暴力, ケーキ as 契機, ヨガ as 寄り, ダンス as 断固
    result = search(engine, typed)
    assert (result.total, result.corrected) == (0, None)
    assert all(s.replace("・", "").isascii() or all(
        "\u30a0" <= ch <= "\u30ff" for ch in s) for s in result.suggestions)


def test_the_philippines_are_not_every_ratio(engine):
    # 比 alone also ends GDP比 (2 of フィリピン's 18 results were about budgets)
    result = search(engine, "フィリピン")
    assert result.understood == "(フィリピン OR 比国 OR 国:フィリピン)"
    assert all("GDP比" not in h.title + h.snippet_html for h in result.results)
    assert ids(engine, "フィリピン") == ids(engine, "country:フィリピン")


@pytest.mark.parametrize(("typed", "understood", "places"), [
    ("比", "(比国 OR フィリピン OR 国:フィリピン)", ["フィリピン"]),
    ("日比", "(日比 OR 国:フィリピン)", ["フィリピン"]),
    ("米豪", "(米豪 OR 国:米国+オーストラリア)", ["米国", "オーストラリア"]),
    ("日米豪比", "(日米豪比[日・米豪・比] OR 国:米国+オーストラリア+フィリピン)",
     ["米国", "オーストラリア", "フィリピン"]),
])
def test_abbreviations_in_a_query_are_read_as_the_extractor_reads_them(engine, typed,
                                                                      understood, places):
    result = search(engine, typed)
    assert result.understood == understood
    # the articles the country facet says name every place (the abbreviation in context)
    named = ids(engine, " ".join(f"country:{p}" for p in places))
    assert named and ids(engine, typed) >= named
    # and nothing that names none of them
    found = search(engine, typed).results
    assert all(set(places) & set(h.values["country"]) or typed in h.title + h.summary
               for h in found)


def test_a_force_is_also_found_where_news_names_only_its_country(engine):
    # 「沖縄近海で日米英の空母4隻が合同演習」 and 「海上自衛隊 インド洋で米・英・仏など8か国共同
    # 訓練」 never write 英軍; they name Britain among those taking part (data/forces.toml)
    found = [h.id for h in search(engine, "英軍").results]
    assert {"2111-100403", "2304-031511", "1706-051106"} <= set(found)
    # after the articles that name the force: 「英軍からはヘリ2機」
    assert found.index("1704-031702") < found.index("2111-100403")
    # only ever in the articles about the place
    assert ids(engine, "英軍") <= ids(engine, "country:英国")
    # by the place's name as by its abbreviation
    assert ids(engine, "フランス海軍") >= ids(engine, "仏海軍")
    assert "1704-031702" in ids(engine, "仏海軍")  # 「仏軍からMistral級強襲揚陸艦」


def test_a_force_is_not_found_by_the_drills_its_country_is_the_target_of(engine):
    # 「日米豪が共同訓練 中国をけん制」 is no article about China's forces
    found = ids(engine, "中国軍")
    assert found and found <= ids(engine, "軍")


def test_a_summit_is_also_two_prime_ministers_meeting(engine):
    # 「安倍首相が8日、ロイバス・エストニア首相と会談し」: 首相会談 (data/synonyms.txt), as
    # typed, its parts in one text; not a foreign minister meeting a president
    summits = ids(engine, "首脳会談")
    assert {"1605-040802", "2001-121203"} <= summits
    assert "1801-122802" not in summits  # 「河野太郎外相、…エルドアン大統領と会談」


def test_a_place_corrected_does_not_search_a_word_one_letter_away(engine):
    # バーレン → バーレーン, and not シーレーン (sea lanes) too
    result = search(engine, "バーレン")
    assert result.corrected == "バーレーン"
    assert result.understood == "(バーレーン OR 国:バーレーン)"
    assert ids(engine, "バーレン") == ids(engine, "country:バーレーン")


def test_a_misread_kana_string_is_never_shown_in_pieces(engine):
    result = search(engine, "ぼうえいしょう")
    # read as 防衛相 and 防衛省, with the ministry's parts (data/narrower.txt), as if typed
    assert result.understood == ("(ぼうえいしょう OR 防衛相 OR 防衛省 OR 防衛大臣 OR 防衛副大臣 OR "
                                 "防衛審議官 OR 防衛装備庁 OR 防衛大学校 OR 防衛事務次官)")
    assert ids(engine, "ぼうえいしょう") == ids(engine, "防衛相 OR 防衛省 OR 防衛大臣")


def test_a_compound_is_found_by_its_reading(engine):
    result = search(engine, "ぼうえいそうびひん")
    assert result.understood == "(ぼうえいそうびひん OR 防衛装備品)"
    # like 防衛装備品 typed: the phrase first, else all of its parts
    assert ids(engine, "ぼうえいそうびひん") == ids(engine, "防衛装備品") != set()


def test_loanwords_typed_in_hiragana_find_nothing_either(engine):
    # the analyser reads こんさーと as 此れ and stopped kana: searched so it found 44 articles
    hiragana = {w: "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in w)
                for w in ABSENT if not w.isascii()}
    found = {h: search(engine, h).total for h in hiragana.values()}
    assert {h: n for h, n in found.items() if n} == {}
    assert search(engine, "こんさーと").understood == "こんさーと"


def test_a_suggestion_is_a_word_the_archive_holds_as_written(engine):
    # ビットコイン was corrected to ホットコイン: ホット and コイン apart, in no article together
    result = search(engine, "ビットコイン")
    assert (result.total, result.corrected, result.suggestions) == (0, None, [])
    # an offered word is in the archive as written
    assert search(engine, "カラオケ").suggestions == ["パラオ", "ラオス"]
    assert all(search(engine, f'"{s}"').total for s in ("パラオ", "ラオス"))
