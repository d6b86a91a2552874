"""search.analysis with the real Sudachi dictionary: exact terms, positions and offsets.

No index: the analyzer is called directly. Tokens are compared as (text, pos, startchar,
endchar) triples, so a wrong position, a wrong offset or a missing or extra sub-word fails.
"""

from __future__ import annotations

import pickle

import pytest

from search.text import analysis, sudachi
from search.text.analysis import (
    MAX_ENTRIES,
    STOP_TAGS,
    JapaneseAnalyzer,
    _entries,
    _entry,
    _noun_spelling,
    _noun_term,
    _query_analyzer,
    analyze_terms,
    is_kanji,
    japanese_analyzer,
    surname,
    term,
)


@pytest.fixture(autouse=True)
def _forget_words():
    """Every test works its words out afresh: what an earlier test (or run) remembered in
    ``_entries`` must not stand in for the code under test."""
    analysis._entries.cache_clear()
    analysis._noun_term.cache_clear()
    yield
    analysis._entries.cache_clear()
    analysis._noun_term.cache_clear()


def tokens(text, ana=None, mode="index", **kwargs):
    ana = ana or japanese_analyzer()
    return [(t.text, t.pos, t.startchar, t.endchar)
            for t in ana(text, positions=True, chars=True, mode=mode, **kwargs)]


def morpheme(text):
    """The one mode-C morpheme of ``text``."""
    (m,) = sudachi.tokenizer().tokenize(text)
    return m


# -- compounds and sub-words -----------------------------------------------------------------


def test_compound_with_suffix():
    assert tokens("防衛相") == [("防衛相", 0, 0, 3), ("防衛", 0, 0, 2), ("相", 0, 2, 3)]


def test_compound_mode_b_and_mode_a_parts_in_order():
    # mode B gives 海上 / 自衛隊, mode A adds 自衛 / 隊; longer part first at one start
    assert tokens("海上自衛隊") == [
        ("海上自衛隊", 0, 0, 5), ("海上", 0, 0, 2), ("自衛隊", 0, 2, 5), ("自衛", 0, 2, 4),
        ("隊", 0, 4, 5)]


def test_compound_newspaper():
    assert tokens("産経新聞") == [("産経新聞", 0, 0, 4), ("産経", 0, 0, 2), ("新聞", 0, 2, 4)]


def test_two_character_compound_splits():
    # 夏頃 is one mode-C word that mode A splits into 夏 / 頃
    assert tokens("夏頃") == [("夏頃", 0, 0, 2), ("夏", 0, 0, 1), ("頃", 0, 1, 2)]


def test_two_character_word_without_parts():
    assert tokens("外相") == [("外相", 0, 0, 2)]


def test_compound_inside_a_text_has_text_offsets():
    assert tokens("日米防衛相会談") == [
        ("日米", 0, 0, 2), ("防衛相", 1, 2, 5), ("防衛", 1, 2, 4), ("相", 1, 4, 5),
        ("会談", 2, 5, 7)]


def test_stopped_parts_of_a_compound_are_left_out():
    # 今まで → 今 / まで (a particle): まで is not a sub-word
    assert tokens("今まで") == [("今迄", 0, 0, 3), ("今", 0, 0, 1)]
    # イ・ジェミョン → イ / ・ / ジェミョン: the middle dot is punctuation
    assert tokens("イ・ジェミョン") == [
        ("李在明", 0, 0, 7), ("イ", 0, 0, 1), ("ジェミョン", 0, 2, 7)]


def test_no_sub_words_in_query_mode():
    assert tokens("海上自衛隊", mode="query") == [("海上自衛隊", 0, 0, 5)]
    assert tokens("日米防衛相会談", mode="query") == [
        ("日米", 0, 0, 2), ("防衛相", 1, 2, 5), ("会談", 2, 5, 7)]


def test_no_sub_words_without_a_mode():
    ana = japanese_analyzer()
    assert [t.text for t in ana("防衛相")] == ["防衛相"]


def test_no_sub_words_when_switched_off():
    ana = japanese_analyzer(subwords=False)
    assert ana.subwords is False
    assert tokens("海上自衛隊", ana=ana) == [("海上自衛隊", 0, 0, 5)]
    assert japanese_analyzer().subwords is True


# -- stops by part of speech -----------------------------------------------------------------


def test_particles_auxiliaries_punctuation_and_spaces_are_dropped():
    # が (particle), た (auxiliary verb), 。 (punctuation), the space: positions skip them
    assert tokens("防衛相が述べた。 米国") == [
        ("防衛相", 0, 0, 3), ("防衛", 0, 0, 2), ("相", 0, 2, 3), ("述べる", 1, 4, 6),
        ("米国", 2, 9, 11)]


def test_stop_tags_are_parts_of_speech():
    assert STOP_TAGS == (("助詞",), ("助動詞",), ("補助記号",), ("空白",))


def test_prefixes_suffixes_and_symbols_are_kept():
    assert tokens("第3") == [("第", 0, 0, 1), ("3", 1, 1, 2)]
    assert tokens("約3万人") == [("約", 0, 0, 1), ("30000", 1, 1, 3), ("人", 2, 3, 4)]


def test_own_stop_tags():
    ana = JapaneseAnalyzer(stoptags=[["助動詞"], ["補助記号"]])
    assert ana.stoptags == (("助動詞",), ("補助記号",))
    assert tokens("日本の防衛。", ana=ana) == [
        ("日本", 0, 0, 2), ("の", 1, 2, 3), ("防衛", 2, 3, 5)]


def test_removestops_false_yields_stopped_words():
    ana = japanese_analyzer()
    got = [(t.text, t.pos, t.startchar, t.endchar, t.stopped)
           for t in ana("防衛相が述べた。", positions=True, chars=True, mode="index",
                        removestops=False)]
    assert got == [
        ("防衛相", 0, 0, 3, False), ("防衛", 0, 0, 2, False), ("相", 0, 2, 3, False),
        ("が", 0, 3, 4, True), ("述べる", 1, 4, 6, False), ("た", 1, 6, 7, True),
        ("。", 1, 7, 8, True)]


def test_removestops_false_surface_text():
    # the stopped word keeps its surface: ！ stays full width (NFKC would give !)
    ana = japanese_analyzer()
    got = [(t.text, t.stopped) for t in ana("日本！", removestops=False)]
    assert got == [("日本", False), ("！", True)]


def test_stopped_word_first_takes_the_start_position():
    ana = japanese_analyzer()
    got = [(t.text, t.pos, t.stopped)
           for t in ana("、日本の防衛", positions=True, removestops=False)]
    assert got == [("、", 0, True), ("日本", 0, False), ("の", 0, True), ("防衛", 1, False)]
    got = [(t.text, t.pos, t.stopped)
           for t in ana("、日本の防衛", positions=True, removestops=False, start_pos=5)]
    assert got == [("、", 5, True), ("日本", 5, False), ("の", 5, True), ("防衛", 6, False)]


def test_stopped_words_are_not_yielded_by_default():
    ana = japanese_analyzer()
    assert all(not t.stopped for t in ana("日本の防衛。", mode="index"))


# -- offsets, keeporiginal, tokenize=False ----------------------------------------------------


def test_start_pos_and_start_char():
    assert tokens("日本の防衛相", start_pos=5, start_char=10) == [
        ("日本", 5, 10, 12), ("防衛相", 6, 13, 16), ("防衛", 6, 13, 15), ("相", 6, 15, 16)]


def test_keeporiginal_is_the_text_of_the_span():
    ana = japanese_analyzer()
    got = [(t.text, t.original) for t in ana("讀賣の國防相", keeporiginal=True, mode="index")]
    assert got == [("読売", "讀賣"), ("国防相", "國防相"), ("国防", "國防"), ("相", "相")]


def test_keeporiginal_with_start_char_is_relative_to_the_value():
    ana = japanese_analyzer()
    got = [(t.original, t.startchar)
           for t in ana("讀賣の國防相", keeporiginal=True, chars=True, start_char=100,
                        mode="index")]
    assert got == [("讀賣", 100), ("國防相", 103), ("國防", 103), ("相", 105)]


def test_no_original_without_keeporiginal():
    ana = japanese_analyzer()
    assert all(not hasattr(t, "original") or t.original is None
               for t in ana("防衛相", mode="index"))


def test_no_offsets_without_chars():
    ana = japanese_analyzer()
    got = [(t.text, getattr(t, "startchar", None)) for t in ana("防衛相", mode="index")]
    assert got == [("防衛相", None), ("防衛", None), ("相", None)]


def test_tokenize_false_is_one_folded_token():
    ana = japanese_analyzer()
    (t,) = list(ana("ＮＡＴＯ Ｂｌｏｃの防衛", tokenize=False, positions=True, chars=True,
                    keeporiginal=True, start_pos=3, start_char=7))
    assert (t.text, t.original, t.pos, t.startchar, t.endchar) == (
        "nato blocの防衛", "ＮＡＴＯ Ｂｌｏｃの防衛", 3, 7, 19)


def test_tokenize_false_defaults():
    ana = japanese_analyzer()
    (t,) = list(ana("Ｆ－３５", tokenize=False, positions=True, chars=True))
    assert (t.text, t.pos, t.startchar, t.endchar) == ("f-35", 0, 0, 4)


def test_token_records_the_options_asked_for():
    ana = japanese_analyzer()
    (t,) = list(ana("日本"))
    assert (t.positions, t.chars, t.removestops, t.mode) == (False, False, True, "")
    (t,) = list(ana("日本", positions=True))
    assert (t.positions, t.chars) == (True, False)
    (t,) = list(ana("日本", chars=True, removestops=False))
    assert (t.positions, t.chars, t.removestops) == (False, True, False)


def test_token_carries_the_mode_and_extra_options():
    ana = japanese_analyzer()
    (t,) = list(ana("日本", mode="query", boost=2.0))
    assert (t.mode, t.boost, t.removestops) == ("query", 2.0, True)


# -- terms -----------------------------------------------------------------------------------


def test_old_kanji_read_as_new():
    assert tokens("讀賣新聞") == [("読売", 0, 0, 2), ("新聞", 1, 2, 4)]
    assert tokens("國防相") == [("国防相", 0, 0, 3), ("国防", 0, 0, 2), ("相", 0, 2, 3)]


def test_width_and_case_folding():
    assert tokens("ＮＡＴＯ") == [("nato", 0, 0, 4)]
    assert tokens("Ｆ－３５") == [("f", 0, 0, 1), ("35", 1, 2, 4)]
    assert tokens("ＮＡＴＯ首脳会議") == [("nato", 0, 0, 4), ("首脳", 1, 4, 6), ("会議", 2, 6, 8)]
    assert analyze_terms("Japan") == ["japan"]  # not ジャパン
    assert analyze_terms("iPhone") == ["iphone"]


def test_numbers_normalised():
    assert tokens("3万人") == [("30000", 0, 0, 2), ("人", 1, 2, 3)]
    assert analyze_terms("80.5億") == ["8050000000"]
    assert analyze_terms("三") == ["3"]
    assert analyze_terms("３５") == ["35"]
    # the normalized form, not the folded surface 1,000
    assert analyze_terms("１，０００人") == ["1000", "人"]
    assert analyze_terms("1,000") == ["1000"]


def test_nouns_one_spelling():
    assert analyze_terms("取組") == ["取り組む"]  # 取組 → 取り組み, a verb's stem → 取り組む
    assert analyze_terms("覚書") == ["覚え書き"]
    assert analyze_terms("聯合") == ["連合"]
    assert analyze_terms("シナ") == ["支那"]
    # 読売 as a common noun (読売新聞の取材) and as a proper noun (6.26 読売新聞) agree
    assert analyze_terms("読売新聞の取材") == ["読売", "新聞", "取材"]
    assert analyze_terms("6.26 読売新聞") == ["6.26", "読売", "新聞"]
    assert analyze_terms("TV会議") == ["tv会議"]


def test_a_verbs_stem_is_the_verb_whatever_its_part_of_speech():
    # SudachiPy reads 取り as the verb 取る in 瀬取り監視 and as a noun in 「瀬取り」対応:
    # both must give the term a query 瀬取り gives
    assert analyze_terms("瀬取り監視で") == ["瀬", "取る", "監視"]
    assert analyze_terms("「瀬取り」対応") == ["瀬", "取る", "対応"]
    assert analyze_terms("瀬取り") == ["瀬", "取る"]
    assert analyze_terms("見直し") == analyze_terms("見直した") == ["見直す"]
    # a noun with no verb of its spelling, or a one-character one, stays a noun
    assert analyze_terms("締結") == ["締結"]
    assert analyze_terms("覚書") == ["覚え書き"]


def test_other_words_normalized_and_lower_cased():
    assert analyze_terms("述べた") == ["述べる"]
    assert analyze_terms("ｶﾀｶﾅ") == ["片仮名"]
    assert analyze_terms("Ω") == ["ω"]  # a symbol: its normalized form, lower-cased


def test_term_rules():
    assert term(morpheme("3万")) == "30000"
    assert term(morpheme("１，０００")) == "1000"
    assert term(morpheme("ＮＡＴＯ")) == "nato"
    assert term(morpheme("Japan")) == "japan"
    assert term(morpheme("取組")) == "取り組む"
    assert term(morpheme("述べ")) == "述べる"
    assert term(morpheme("ＴＶ会議")) == "tv会議"


def test_term_uses_the_given_surface():
    assert term(morpheme("防衛"), "ＮＡＴＯ") == "nato"
    assert term(morpheme("取組"), "読売") == "読売"
    assert term(morpheme("取組"), None) == "取り組む"


def test_term_of_a_word_unknown_as_a_noun():
    # ﾎﾟﾁｮﾑ is an unknown noun (no dictionary entry): its normalized form
    m = morpheme("ﾎﾟﾁｮﾑ")
    assert _noun_term("ﾎﾟﾁｮﾑ") is None
    assert term(m) == "ポチョム"


def test_noun_term_all_entries_agree():
    assert _noun_spelling("取組") == "取り組み"
    assert _noun_term("取組") == "取り組む"  # and 取り組み is the stem of 取り組む
    assert _noun_term("聯合") == "連合"
    assert _noun_term("ＴＶ会議") == "tv会議"
    assert _noun_term("ＮＡＴＯ") == "nato"


def test_noun_term_disagreeing_entries_keep_the_spelling():
    assert _noun_term("読売") == "読売"  # 読売 and 読み売り
    assert _noun_term("もと") == "もと"  # もと and 下
    assert _noun_term("なか") == "なか"  # なか, 中 and 仲
    assert _noun_term("An") == "an"  # An and AN


def test_noun_term_disagreeing_entries_without_the_spelling_take_the_word_alone():
    assert _noun_term("シナ") == "支那"  # 支那 and 科
    assert _noun_spelling("づき") == "突き"  # 突き and 月: not the smaller 月
    assert _noun_term("づき") == "突く"
    assert _noun_term("an") == "an"  # An and AN; alone it is An


@pytest.mark.parametrize(("ch", "kanji"), [
    ("\u3400", True), ("\u33ff", False),  # CJK extension A begins; the block before
    ("\u9fff", True), ("\ua000", False),  # the unified ideographs end; Yi begins
    ("\uf900", True), ("\uf8ff", False),  # compatibility ideographs begin; private use
    ("\ufaff", True), ("\ufb00", False),  # … end; Latin ligatures begin
    ("々", True), ("〆", True), ("あ", False), ("ア", False), ("ヶ", False), ("A", False),
])
def test_is_kanji(ch, kanji):
    assert is_kanji(ch) is kanji


def test_noun_spelling_keeps_latin_lower_case():
    assert _noun_spelling("ＴＶ会議") == "tv会議"  # all entries agree
    assert _noun_spelling("An") == "an"  # they disagree, one keeps the spelling
    assert _noun_spelling("読売") == "読売"


def test_noun_term_not_a_noun():
    assert _noun_term("述べ") is None
    assert _noun_term("ﾎﾟﾁｮﾑ") is None


# -- analyze_terms ---------------------------------------------------------------------------


def test_analyze_terms():
    assert analyze_terms("防衛装備品") == ["防衛", "装備", "品"]
    assert analyze_terms("日米防衛相会談") == ["日米", "防衛相", "会談"]
    assert analyze_terms("日本の防衛、米国の協力。") == ["日本", "防衛", "米国", "協力"]
    assert analyze_terms("海上自衛隊") == ["海上自衛隊"]
    assert analyze_terms("") == []
    assert analyze_terms("の。") == []


def test_a_query_words_analysis_is_remembered_and_handed_out_anew():
    """Short texts (a query's words) are analysed once; the caller gets its own list each
    time; a longer text (an article's lead, for related articles) is not kept."""
    analysis._word_pieces.cache_clear()
    first = analysis.analyze_pieces("ひんの防衛装備品")
    assert first == [("放る", "ひん"), ("防衛", "防衛"), ("装備", "装備"), ("品", "品")]
    first.append(("変えた", "変えた"))
    assert analysis.analyze_pieces("ひんの防衛装備品") == first[:-1]
    assert analysis.analyze_terms("ひんの防衛装備品") == ["放る", "防衛", "装備", "品"]
    info = analysis._word_pieces.cache_info()
    assert (info.hits, info.misses, info.currsize) == (2, 1, 1)
    long = "防衛" * analysis.QUERY_WORD_CHARS
    assert len(analysis.analyze_terms(long)) == analysis.QUERY_WORD_CHARS
    assert analysis.analyze_terms(long[:analysis.QUERY_WORD_CHARS]) == ["防衛"] * 16
    assert analysis._word_pieces.cache_info().currsize == 2  # the 32 characters, not the 64


def test_query_analyzer_built_once_without_sub_words():
    assert _query_analyzer() is _query_analyzer()
    assert _query_analyzer().subwords is False


# -- the remembered words --------------------------------------------------------------------


def test_entry_of_a_compound():
    m = morpheme("海上自衛隊")
    assert _entry(m, "海上自衛隊", STOP_TAGS) == (
        "海上自衛隊", ((0, 2, "海上"), (2, 5, "自衛隊"), (2, 4, "自衛"), (4, 5, "隊")))
    assert _entries(STOP_TAGS)[(m.word_id(), m.part_of_speech_id(), "海上自衛隊")] == (
        "海上自衛隊", ((0, 2, "海上"), (2, 5, "自衛隊"), (2, 4, "自衛"), (4, 5, "隊")))


def test_entry_of_a_stopped_word():
    m = sudachi.tokenizer().tokenize("日本が")[1]
    assert _entry(m, "が", STOP_TAGS) is None
    assert _entries(STOP_TAGS)[(m.word_id(), m.part_of_speech_id(), "が")] is None


def test_entry_parts_in_text_order_not_term_order():
    # 相 sorts before 防衛 as a string; the parts stay in text order
    m = sudachi.tokenizer().tokenize("日米防衛相")[1]
    assert _entry(m, "防衛相", STOP_TAGS) == ("防衛相", ((0, 2, "防衛"), (2, 3, "相")))


def test_entry_of_a_two_character_word():
    assert _entry(morpheme("夏頃"), "夏頃", STOP_TAGS) == ("夏頃", ((0, 1, "夏"), (1, 2, "頃")))


def test_entry_leaves_out_stopped_parts():
    assert _entry(morpheme("今まで"), "今まで", STOP_TAGS) == ("今迄", ((0, 1, "今"),))


def test_entry_of_a_one_character_word():
    assert _entry(morpheme("相"), "相", STOP_TAGS) == ("相", ())


def test_entries_kept_per_stop_tags():
    assert _entries(STOP_TAGS) is _entries(STOP_TAGS)
    assert _entries(STOP_TAGS) is not _entries((("助詞",),))


def test_words_are_remembered():
    tags = (("助詞",), ("助動詞",), ("補助記号",), ("空白",), ("感動詞",))
    ana = JapaneseAnalyzer(stoptags=tags)
    _entries(tags).clear()
    assert tokens("日本と米国", ana=ana) == [("日本", 0, 0, 2), ("米国", 1, 3, 5)]
    assert sorted(key[2] for key in _entries(tags)) == ["と", "日本", "米国"]
    # a remembered word gives the same tokens again
    assert tokens("日本と米国", ana=ana) == [("日本", 0, 0, 2), ("米国", 1, 3, 5)]


def test_remembered_entry_is_used():
    tags = (("助詞",), ("補助記号",))
    ana = JapaneseAnalyzer(stoptags=tags)
    m = morpheme("米国")
    _entries(tags)[(m.word_id(), m.part_of_speech_id(), "米国")] = ("planted", ((0, 1, "p"),))
    try:
        assert tokens("米国", ana=ana) == [("planted", 0, 0, 2), ("p", 0, 0, 1)]
    finally:
        _entries(tags).clear()


def test_entries_cleared_past_the_limit(monkeypatch):
    assert MAX_ENTRIES == 200_000
    monkeypatch.setattr(analysis, "MAX_ENTRIES", 3)
    tags = (("助詞",), ("助動詞",), ("補助記号",), ("空白",), ("接続詞",))
    ana = JapaneseAnalyzer(stoptags=tags)
    _entries(tags).clear()
    # 日本, と, 米国 fill it; と is remembered; 中国 finds it full: cleared, then 中国,
    # と (worked out again) and 韓国
    assert tokens("日本と米国と中国と韓国", ana=ana) == [
        ("日本", 0, 0, 2), ("米国", 1, 3, 5), ("中国", 2, 6, 8), ("韓国", 3, 9, 11)]
    assert sorted(key[2] for key in _entries(tags)) == ["と", "中国", "韓国"]


# -- equality and pickling -------------------------------------------------------------------


def test_equality():
    assert JapaneseAnalyzer() == JapaneseAnalyzer()
    assert japanese_analyzer() == JapaneseAnalyzer(subwords=True, stoptags=STOP_TAGS)
    assert JapaneseAnalyzer() != JapaneseAnalyzer(subwords=False)
    assert JapaneseAnalyzer() != JapaneseAnalyzer(stoptags=[["助詞"]])
    assert not JapaneseAnalyzer().__eq__(None)
    assert JapaneseAnalyzer() != "JapaneseAnalyzer"

    class Other(JapaneseAnalyzer):
        pass

    assert JapaneseAnalyzer() != Other()
    assert Other() != JapaneseAnalyzer()


def test_pickle_round_trip():
    ana = japanese_analyzer()
    back = pickle.loads(pickle.dumps(ana))
    assert back == ana
    assert back.__dict__ == {"subwords": True, "stoptags": STOP_TAGS}
    assert tokens("日米防衛相会談", ana=back) == tokens("日米防衛相会談", ana=ana)


@pytest.mark.parametrize("text", ["", "。", " ", "の"])
def test_nothing_to_index(text):
    assert tokens(text) == []


# -- positions: what a build asks for ---------------------------------------------------------


def test_positions_of_a_repeated_compound():
    # は is stopped and takes no position; each sub-word is at its compound's position
    assert list(japanese_analyzer().positions("防衛相は防衛相").items()) == [
        ("防衛相", [0, 1]), ("防衛", [0, 1]), ("相", [0, 1])]


def test_positions_without_subwords():
    assert japanese_analyzer(subwords=False).positions("防衛相は防衛相") == {"防衛相": [0, 1]}


def test_positions_of_a_part_shared_by_two_compounds():
    assert list(japanese_analyzer().positions("海上自衛隊と陸上自衛隊").items()) == [
        ("海上自衛隊", [0]), ("海上", [0]), ("自衛隊", [0, 1]), ("自衛", [0, 1]), ("隊", [0, 1]),
        ("陸上自衛隊", [1]), ("陸上", [1])]


@pytest.mark.parametrize("text", ["", "。", "の"])
def test_positions_of_nothing_to_index(text):
    assert japanese_analyzer().positions(text) == {}


@pytest.mark.parametrize("text", [
    "日米豪比の首脳が、ＮＡＴＯとF-35Aについて80.5億円の防衛装備品を話し合った。",
    "讀賣新聞によると、3万人が参加し、読売新聞の取材に防衛相は述べた。防衛相は再び述べた。",
    "ﾊﾟﾄﾘｵｯﾄと海上自衛隊、陸上自衛隊、航空自衛隊。\n\n【注】北大西洋条約機構（NATO）",
    "米国 豪州 米国 豪州 米国",
])
@pytest.mark.parametrize("subwords", [True, False])
def test_positions_gather_exactly_what_the_analyzer_yields(text, subwords):
    """The build's shortcut and the analyzer (which the highlighter and queries use) agree."""
    ana = japanese_analyzer(subwords=subwords)
    expected: dict[str, list[int]] = {}
    for t in ana(text, positions=True, mode="index"):
        expected.setdefault(t.text, []).append(t.pos)
    assert list(ana.positions(text).items()) == list(expected.items())


# -- full names -------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "family"), [
    ("河野太郎", "河野"),
    ("吉田圭秀", "吉田"),
    ("安倍晋三", "安倍"),
    ("吉田", None),  # a family name alone
    ("中谷元", None),  # 元 is read as a common noun: not surely a full name
    ("石破茂", None),  # one word to SudachiPy
    ("河野外相", None),
    ("防衛装備", None),
    ("河野太郎外相", None),
])
def test_surname(text, family):
    assert surname(text) == family
