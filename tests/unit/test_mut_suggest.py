"""search.query.suggest: the spelling corrector and もしかして on a real small index, real
Sudachi readings (written for mutation testing)."""

from __future__ import annotations

import pytest
from whoosh import query as wq

from search.query import suggest as sg
from search.query.parsed import ParsedQuery
from search.query.readings import Readings
from tests.unit.smallindex import Opened, build, record


def test_limits():
    assert (sg.MAX_WORDS, sg.MAX_PROPOSALS, sg.MAX_SUGGESTIONS) == (4, 12, 3)
    assert sg.SPELLING_FIELDS == ("title", "body")


def test_spelling_from_terms():
    spelling = sg.Spelling.from_terms(["abcd", "abce", "abxy", "zzzz", "abc", "ab"],
                                      [3.0, 0.0, 2.0, 1.0, 5.0, 1.0])
    assert spelling.terms == ["abcd", "abce", "abxy", "zzzz", "abc", "ab"]
    assert spelling.freq == [3.0, 0.0, 2.0, 1.0, 5.0, 1.0]
    assert sorted(spelling.by_char["a"]) == [0, 1, 2, 4, 5]
    assert spelling.by_char["z"] == [3]
    # most frequent first; a frequency of 0 counts as 1, ties by text
    assert spelling.suggest("abcf") == ["abc", "abcd", "abxy", "ab", "abce"]
    assert spelling.suggest("abcf", 1) == ["abc"]
    assert spelling.suggest("abcf", 2) == ["abc", "abcd"]
    assert spelling.suggest("abcf", maxdist=1) == ["abc", "abcd", "abce"]
    assert spelling.suggest("abc") == ["abcd", "abxy", "ab", "abce"]  # never itself
    assert spelling.suggest("abcd", 5, 0) == []
    assert spelling.suggest("qqqq") == []
    with pytest.raises(ValueError):
        sg.Spelling.from_terms(["a"], [])


def test_spelling_edges_of_the_distance():
    spelling = sg.Spelling.from_terms(["abcdef", "abcdxy", "abcd", "abxyzw", "ba"],
                                      [1.0, 1.0, 1.0, 1.0, 1.0])
    assert spelling.suggest("abcdef", 5, 2) == ["abcd", "abcdxy"]  # two edits, not four
    assert spelling.suggest("ab", 5, 2) == ["abcd", "ba"]  # a swap is one edit
    assert spelling.suggest("ab", 5, 1) == ["ba"]


def test_spelling_ties_at_the_cut_keep_the_later_texts():
    spelling = sg.Spelling.from_terms(["xa", "xb", "xc", "xd"], [1.0, 1.0, 1.0, 2.0])
    assert spelling.suggest("xz", 2) == ["xd", "xc"]
    assert spelling.suggest("xz", 3) == ["xd", "xb", "xc"]


@pytest.fixture
def opened(tmp_path):
    ix = build(tmp_path, [[
        record("a1", "2025-01-01", "オスプレイ配備", "オスプレイの配備。ステルス戦闘機。マールズ"),
        record("a2", "2025-01-02", "防衛省", "防衛省の発表。NATO summit"),
        record("a3", "2025-01-03", "会見", "発表。"),  # 会見 in a title only
    ]])
    opened = Opened(tmp_path, ix)
    spellings = [sg.Spelling.of_field(opened.postings, f) for f in sg.SPELLING_FIELDS]
    yield opened.searcher, spellings
    opened.close()


def parsed(text: str, words: list[str]) -> ParsedQuery:
    return ParsedQuery(text, wq.Term("body", text), text, words=words)


def test_spelling_of_an_index_field(opened):
    _, (title, body) = opened
    assert sorted(body.terms) == ["nato", "summit", "オスプレイ", "ステルス", "マールズ",
                                  "戦闘", "戦闘機", "機", "発表", "省", "配備", "防衛",
                                  "防衛省"]
    assert "会見" in title.terms
    assert all(isinstance(t, str) for t in title.terms)
    assert body.freq[body.terms.index("オスプレイ")] == 1.0


@pytest.mark.parametrize(("text", "words", "found"), [
    ("オスプレー", ["オスプレー"], ["オスプレイ"]),
    ("マールス", ["マールス"], ["マールズ", "ステルス"]),  # one edit before two
    ("summitt", ["summitt"], ["summit"]),
    ("ＳＵＭＭＩＴＴ 配備", ["ＳＵＭＭＩＴＴ", "配備"], ["summit 配備"]),
    ("配備", ["配備"], []),  # held by the index: not corrected
    ("ぼうえいしよう", ["ぼうえいしよう"], ["防衛省"]),  # by its reading
])
def test_suggest(opened, text, words, found):
    searcher, spellings = opened
    readings = Readings({"防衛省": 2, "防衛": 3, "配備": 2})
    assert sg.suggest(spellings, searcher, parsed(text, words),
                      lambda t: t != text, readings) == found


def test_a_hiragana_word_is_corrected_by_its_reading_only(opened):
    searcher, spellings = opened
    readings = Readings({"防衛省": 2, "防衛": 3, "配備": 2})
    query = parsed("ぼうえいしよう", ["ぼうえいしよう"])
    assert sg.suggest(spellings, searcher, query, lambda t: t != "ぼうえいしよう", None) == []
    # a word the index finds as typed is not corrected
    assert sg.suggest(spellings, searcher, query, lambda t: True, readings) == []
    assert list(sg._proposals(spellings, searcher, query, "ぼうえいしよう",
                              lambda t: False, readings)) == ["防衛省"]


def test_only_what_finds_something_is_suggested(opened):
    searcher, spellings = opened
    query = parsed("マールス", ["マールス"])
    assert sg.suggest(spellings, searcher, query, lambda t: t == "ステルス", None) == [
        "ステルス"]
    assert sg.suggest(spellings, searcher, query, lambda t: False, None) == []


def test_a_latin_word_is_not_corrected_into_kana_nor_one_character(opened):
    searcher, _ = opened
    mixed = sg.Spelling.from_terms(["summix", "サミット", "s", "summ"], [9.0, 9.0, 9.0, 1.0])
    query = parsed("summ", ["summ"])
    assert list(sg._proposals([mixed], searcher, parsed("sumx", ["sumx"]), "sumx",
                              lambda t: True, None)) == ["summ", "summix"]
    assert sg.suggest([mixed], searcher, query, lambda t: True, None) == ["summix"]


def test_suggestions_stop_at_three_and_skip_repeats(opened):
    searcher, _ = opened
    terms = ["xa", "xb", "xc", "xd", "xe"]
    spelling = sg.Spelling.from_terms(terms, [5.0, 4.0, 3.0, 2.0, 1.0])
    query = parsed("xz xz", ["xz", "xz"])
    assert sg.suggest([spelling, spelling], searcher, query, lambda t: True, None) == [
        "xa xa", "xb xb", "xc xc"]
    assert sg.suggest([spelling], searcher, parsed("xz", ["xz"]),
                      lambda t: t in ("xd", "xe"), None) == ["xd", "xe"]


def test_at_most_twelve_proposals_are_tried(opened):
    searcher, _ = opened
    spelling = sg.Spelling.from_terms([f"q{c}" for c in "abcdefghijklmnop"],
                                      [float(20 - i) for i in range(16)])
    words = ["qz", "qy", "qx", "qw"]
    tried: list[str] = []

    def finds(text: str) -> bool:
        tried.append(text)
        return text.startswith("qz qy qx qw") is False and text.endswith("qp")

    query = parsed(" ".join(words), words)
    assert sg.suggest([spelling], searcher, query, finds, None) == []
    assert len(tried) == 12
    assert tried[:5] == ["qa qy qx qw", "qb qy qx qw", "qc qy qx qw", "qd qy qx qw",
                         "qe qy qx qw"]
    assert tried[5:] == ["qz qa qx qw", "qz qb qx qw", "qz qc qx qw", "qz qd qx qw",
                         "qz qe qx qw", "qz qy qa qw", "qz qy qb qw"]


def test_only_the_first_four_words_are_looked_at(opened):
    searcher, _ = opened
    spelling = sg.Spelling.from_terms(["qa"], [1.0])
    words = ["mm", "nn", "oo", "pp", "qz"]
    query = parsed(" ".join(words), words)
    assert sg.suggest([spelling], searcher, query, lambda t: True, None) == []
    query = parsed("mm nn oo qz", ["mm", "nn", "oo", "qz"])
    assert sg.suggest([spelling], searcher, query, lambda t: True, None) == ["mm nn oo qa"]


def test_the_query_itself_is_never_suggested(opened):
    searcher, _ = opened
    spelling = sg.Spelling.from_terms(["qb"], [1.0])
    query = ParsedQuery("qb", wq.Term("body", "qb"), "qb", words=["qa"])
    assert sg.suggest([spelling], searcher, query, lambda t: True, None) == []


def test_tokens_held_or_short_are_not_corrected(opened):
    searcher, spellings = opened
    assert list(sg._proposals(spellings, searcher, parsed("防衛省x", ["防衛省x"]), "防衛省x",
                              lambda t: True, None)) == []
    title_only = sg.Spelling.from_terms(["配備"], [1.0])
    assert list(sg._proposals([title_only], searcher, parsed("配備", ["配備"]), "配備",
                              lambda t: True, None)) == []


def test_a_long_token_tries_one_edit_then_two(opened):
    searcher, _ = opened
    spelling = sg.Spelling.from_terms(["abcdxy", "abcdez", "abcdzz"], [9.0, 1.0, 5.0])
    assert list(sg._proposals([spelling], searcher, parsed("abcdeq", ["abcdeq"]),
                              "abcdeq", lambda t: True, None)) == [
        "abcdez", "abcdxy", "abcdzz"]  # one edit, then two by frequency
    short = sg.Spelling.from_terms(["abx", "ayz"], [1.0, 9.0])
    assert list(sg._proposals([short], searcher, parsed("abc", ["abc"]), "abc",
                              lambda t: True, None)) == ["abx"]


def test_spelling_defaults():
    spelling = sg.Spelling.from_terms([f"ab{c}" for c in "cdefgh"] + ["abcxyz"],
                                      [6.0, 5.0, 4.0, 3.0, 2.0, 1.0, 1.0])
    assert spelling.suggest("abz") == ["abc", "abd", "abe", "abf", "abg"]  # five
    assert spelling.suggest("abcdef") == []  # abcxyz: three edits, two allowed
    # a permutation shares every character but is four edits away
    assert sg.Spelling.from_terms(["dcba"], [1.0]).suggest("abcd") == []


def test_a_token_held_in_a_title_only_or_of_one_character_is_not_corrected(opened):
    searcher, _ = opened
    near = sg.Spelling.from_terms(["会館", "xy"], [1.0, 1.0])
    assert list(sg._proposals([near], searcher, parsed("会見", ["会見"]), "会見",
                              lambda t: True, None)) == []
    assert list(sg._proposals([near], searcher, parsed("x", ["x"]), "x",
                              lambda t: True, None)) == []


def test_every_token_of_a_word_is_looked_at(opened):
    searcher, spellings = opened
    query = parsed("配備オスプレー", ["配備オスプレー"])
    assert list(sg._proposals(spellings, searcher, query, "配備オスプレー",
                              lambda t: True, None)) == ["配備オスプレイ"]


def test_a_long_token_is_corrected_two_edits_at_most(opened):
    searcher, _ = opened
    spelling = sg.Spelling.from_terms(["abcdxyz"], [1.0])
    assert list(sg._proposals([spelling], searcher, parsed("abcdefg", ["abcdefg"]),
                              "abcdefg", lambda t: True, None)) == []


def test_a_candidate_of_another_script_is_passed_over_not_the_rest(opened):
    searcher, _ = opened
    spelling = sg.Spelling.from_terms(["abé", "abd"], [9.0, 1.0])
    assert list(sg._proposals([spelling], searcher, parsed("abc", ["abc"]), "abc",
                              lambda t: True, None)) == ["abd"]


def test_the_first_place_of_a_token_is_corrected(opened):
    searcher, _ = opened
    spelling = sg.Spelling.from_terms(["xa"], [1.0])
    assert list(sg._proposals([spelling], searcher, parsed("xz-xz", ["xz-xz"]), "xz-xz",
                              lambda t: True, None)) == ["xa-xz", "xa-xz"]


def test_a_proposal_already_made_is_passed_over_not_the_rest(opened):
    searcher, _ = opened
    spelling = sg.Spelling.from_terms(["xa", "xaz", "xzb"], [1.0, 9.0, 5.0])
    query = parsed("xzz", ["xz", "xzz"])
    assert list(sg._proposals([spelling], searcher, query, "xz", lambda t: True, None)) == [
        "xazz", "xzbz", "xaz"]
    # xzz's first proposal, xaz, was xz's last: passed over, and xzb is still tried
    assert sg.suggest([spelling], searcher, query, lambda t: t in ("xaz", "xzb"), None) == [
        "xaz", "xzb"]
