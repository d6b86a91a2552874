"""Kana queries, English terms and corrections over the real index of the bundled corpus."""

from __future__ import annotations

import pytest

from search.engine import SearchRequest


def search(engine, q: str, **kw):
    return engine.search(SearchRequest(q=q, page_size=100, **kw))


def ids(engine, q: str, **kw) -> set[str]:
    return {h.id for h in search(engine, q, **kw).results}


@pytest.mark.parametrize(("kana", "kanji", "understood"), [
    ("きしだ", "岸田", "(きしだ OR 岸田)"),
    ("いしば", "石破", "(いしば OR 石破)"),
    ("どうめい", "同盟", "(どうめい OR 同盟)"),
    ("くうぼ", "空母", "(くうぼ OR 空母)"),
])
def test_a_kana_word_finds_the_kanji_word_that_reads_so(engine, kana, kanji, understood):
    result = search(engine, kana)
    assert result.understood == understood
    assert result.total > 0 and ids(engine, kana) == ids(engine, kanji)
    assert result.corrected is None
    assert all(f"<mark>{kanji}</mark>" in h.title_html + h.snippet_html
               for h in result.results[:5])


def test_a_kana_compound_is_found_as_the_compound_typed_in_kanji(engine):
    # pieced from the readings of 防衛装備 and 移転; like 防衛装備移転 typed: the phrase,
    # else all of its parts, its synonym (data/synonyms.txt) and its kinds but those made
    # only of words in more than a tenth of the texts (data/narrower.txt)
    result = search(engine, "ぼうえいそうびいてん")
    assert result.understood == ("(ぼうえいそうびいてん OR 防衛装備移転 OR 装備移転 OR "
                                 "防衛装備品・技術移転協定 OR OSA OR "
                                 "防衛装備・技術移転協定 OR 無償譲渡)")
    assert result.total == 30
    assert ids(engine, "ぼうえいそうびいてん") == ids(engine, "防衛装備移転")
    assert len(ids(engine, '"防衛装備移転"')) < 30


@pytest.mark.parametrize(("typed", "understood", "kanji"), [
    ("せんかくしよとう", "(せんかくしよとう OR 尖閣諸島)", "尖閣諸島"),
    ("かいじょうほあんちよう", "(かいじょうほあんちよう OR 海上保安庁 OR 海保)", "海上保安庁"),
])
def test_small_kana_typed_full_size_read_as_the_word(engine, typed, understood, kanji):
    result = search(engine, typed)
    assert result.understood == understood and result.corrected is None
    assert result.total > 0 and ids(engine, typed) == ids(engine, kanji)


def test_a_word_read_from_kana_brings_its_synonyms(engine):
    result = search(engine, "かいじょうほあんちょう")
    assert result.understood == "(かいじょうほあんちょう OR 海上保安庁 OR 海保)"
    assert ids(engine, "かいじょうほあんちょう") == ids(engine, "海上保安庁")
    assert len(ids(engine, "海上保安庁")) > len(ids(engine, '"海上保安庁"'))


def test_a_compound_pieced_from_readings_brings_its_synonyms(engine):
    # えんかつか・きょうてい pieced into 円滑化協定, a word of data/synonyms.txt: no article
    # writes it alone (「部隊間協力円滑化協定」, RAA), so its group is what finds them; a
    # pieced spelling the table does not know brings nothing more (ぼうえいそうびいてん)
    result = search(engine, "えんかつかきょうてい")
    assert result.understood == ("(えんかつかきょうてい OR 円滑化協定 OR RAA OR "
                                 "部隊間協力円滑化協定)")
    assert result.total == 4 and ids(engine, "えんかつかきょうてい") == ids(engine, "円滑化協定")
    assert ids(engine, '"円滑化協定"') == set()


def test_names_from_abroad_typed_in_hiragana(engine):
    assert search(engine, "なとー").understood == "機関:NATO"
    assert ids(engine, "なとー") == ids(engine, "org:NATO")
    phil = search(engine, "ふぃりぴん")
    # no misread pieces; フィリピン's synonyms, as for フィリピン typed
    assert phil.understood == "(ふぃりぴん OR フィリピン OR 比国 OR 国:フィリピン)"
    assert ids(engine, "ふぃりぴん") >= ids(engine, "country:フィリピン")


@pytest.mark.parametrize(("typed", "fixed"), [
    ("ルツテ", "ルッテ"), ("バーレン", "バーレーン"), ("ぼうえいしやう", "防衛相"),
])
def test_a_typo_no_article_answers_is_searched_as_its_correction(engine, typed, fixed):
    result = search(engine, typed)
    assert (result.query, result.corrected) == (typed, fixed)
    assert result.suggestions == []
    assert [h.id for h in result.results] == [h.id for h in search(engine, fixed).results]
    exact = search(engine, typed, correct=False)
    assert exact.total == 0 and exact.corrected is None and exact.suggestions[0] == fixed


def test_a_place_is_never_read_as_another_place(engine):
    # オーストリア (Austria, in no article) is one edit from オーストラリア (Australia, in 73)
    result = search(engine, "オーストリア")
    assert result.understood == "(オーストリア OR 国:オーストリア)"
    assert result.total == 0 and result.corrected is None
    assert result.suggestions == ["オーストラリア"]  # offered, not applied


def test_a_long_name_spelt_two_letters_differently(engine):
    result = search(engine, "ストルテンベルグ")
    assert "シュトルテンベルグ" in result.understood
    assert ids(engine, "ストルテンベルグ") >= ids(engine, "シュトルテンベルグ") != set()


def test_a_kanji_word_is_only_offered_another_word(engine):
    result = search(engine, "竹島 領有権")
    assert result.total == 0 and result.corrected is None
    assert result.suggestions[0] == "諸島 領有権"


def test_the_page_says_what_was_searched_and_offers_the_words_as_typed(client):
    body = client.get("/?q=ルツテ").get_data(as_text=True)
    assert ("「ルツテ」に一致する記事がないため、<strong>「ルッテ」</strong>の検索結果を"
            "表示しています。") in body
    assert '<a href="/?q=%E3%83%AB%E3%83%84%E3%83%86&amp;exact=1">「ルツテ」で検索する</a>' in body
    exact = client.get("/?q=ルツテ&exact=1").get_data(as_text=True)
    assert "の検索結果を表示しています" not in exact and "もしかして" in exact
    api = client.get("/api/search?q=ルツテ").get_json()
    assert (api["query"], api["corrected"]) == ("ルツテ", "ルッテ")


@pytest.mark.parametrize(("english", "japanese"), [
    ("joint exercise", "共同訓練"), ("coast guard", "海上保安庁"), ("summit", "首脳会談"),
])
def test_english_terms_find_what_the_japanese_term_finds(engine, english, japanese):
    assert ids(engine, english) >= ids(engine, f'"{japanese}"') and ids(engine, english)


def test_a_name_in_katakana_finds_its_other_spellings(engine):
    result = search(engine, "ラスムセン")
    assert result.understood == "(ラスムセン OR ラスムッセン)"
    assert ids(engine, "ラスムセン") == ids(engine, "ラスムセン OR ラスムッセン")
    assert ids(engine, "ラスムッセン") - ids(engine, "ラスムセン", correct=False) == set()


@pytest.mark.parametrize(("word", "never"), [
    ("シーレーン", "バーレーン"), ("バーレーン", "シーレーン"), ("キャンセル", "キャンベル"),
    ("キャンベル", "キャンセル"), ("ミッション", "セッション"), ("セッション", "ミッション"),
])
def test_a_word_the_index_holds_is_not_searched_as_another_a_letter_away(engine, word, never):
    """Both words are in the archive, a letter apart: each means itself (a sea lane is not
    Bahrain, a cancellation not Campbell)."""
    assert never not in search(engine, word).understood


def test_the_command_line_says_what_was_searched(session_index, capsys):
    import manage

    assert manage.main(["--index", str(session_index), "search", "ルツテ"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == ("「ルツテ」に一致する記事がないため、「ルッテ」の検索結果を表示しています"
                      "(入力どおりに検索するには --exact)")
    assert out[1].startswith("2 件  (ルッテ)")
    assert manage.main(["--index", str(session_index), "search", "--exact", "ルツテ"]) == 0
    assert capsys.readouterr().out.startswith("0 件  (ルツテ)")
    assert manage.main(["--index", str(session_index), "search", "イタリア", "空母",
                        "訓練"]) == 0
    out = capsys.readouterr().out
    assert "  すべての語を含む記事は 5 件、そのあとに一部の語を含む記事\n" in out
    assert out.count("     含まれない語: ") == 5  # the first 10 (--limit): 5 hold every word
