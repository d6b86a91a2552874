"""Exact behaviour of search.corpus.outlets (written for mutation testing)."""

from __future__ import annotations

import pytest

from search.corpus import outlets

CACHED = (outlets.outlets, outlets._by_key, outlets._spellings, outlets._prefixes)


@pytest.fixture
def small_table(tmp_path, monkeypatch):
    """A table of three entries instead of data/outlets.toml (the caches emptied around)."""
    (tmp_path / "outlets.toml").write_text(
        '[[outlet]]\nname = "甲新聞"\nspellings = ["甲", "Kou"]\n\n'
        '[[outlet]]\nname = "乙通信"\n\n'
        '[[outlet]]\nname = "甲新聞"\nspellings = ["甲日報"]\n', encoding="utf-8")
    monkeypatch.setattr(outlets, "DATA_DIR", tmp_path)
    for cached in CACHED:
        cached.cache_clear()
    yield
    for cached in CACHED:
        cached.cache_clear()


def test_a_table_read_whole(small_table):
    assert outlets.outlets() == (
        outlets.Outlet("甲新聞", ("甲", "Kou")), outlets.Outlet("乙通信", ()),
        outlets.Outlet("甲新聞", ("甲日報",)))
    assert outlets.spellings("甲新聞") == ("甲", "Kou", "甲日報")
    assert outlets.spellings("乙通信") == ()
    assert outlets._by_key() == {"甲新聞": "甲新聞", "甲": "甲新聞", "kou": "甲新聞",
                                 "乙通信": "乙通信", "甲日報": "甲新聞"}
    assert set(outlets._prefixes()) == {
        ("甲新聞", "甲新聞"), ("甲", "甲新聞"), ("Kou", "甲新聞"), ("乙通信", "乙通信"),
        ("甲日報", "甲新聞")}
    assert [len(s) for s, _ in outlets._prefixes()] == [3, 3, 3, 3, 1]
    assert outlets.canonical("kou") == "甲新聞"


def test_the_real_table():
    assert outlets.outlets()[:3] == (
        outlets.Outlet("読売新聞", ("読売新聞", "讀賣新聞", "読売", "讀賣", "Yomiuri")),
        outlets.Outlet("産経新聞", ("産経新聞", "産經新聞", "産経", "産經", "Sankei")),
        outlets.Outlet("朝日新聞", ("朝日新聞", "朝日", "Asahi")))
    assert outlets.spellings("NHK") == ("NHK", "NHKニュース", "NHK ニュース", "NHK News")
    assert outlets.spellings("無名") == ()
    lengths = [len(s) for s, _ in outlets._prefixes()]
    assert lengths == sorted(lengths, reverse=True)
    assert outlets._prefixes()[0][0] in ("Jane's Defense Weekly", "Jane's Defence Weekly")


def test_key():
    assert outlets.key(" ＮＨＫ ニュース ") == "nhkニュース"
    assert outlets.key("NHK\tNews") == "nhknews"
    assert outlets.key("Straße") == "strasse"  # casefold, not lower


@pytest.mark.parametrize(("raw", "answer"), [
    ("Yahoo 朝日新聞記事", ("朝日新聞", True)),
    ("yahoo ニュース 朝日新聞", ("朝日新聞", True)),
    ("YAHOOニュース毎日新聞", ("毎日新聞", True)),
    ("Yahoo", ("Yahoo", False)),
    ("Yahooニュース", ("Yahooニュース", False)),
    ("YAHOO 記事", ("記事", True)),  # two characters: not cut
    ("Yahoo ab記事", ("ab", True)),
    ("Yahoo a記事", ("a", True)),
    ("Yahoo a", ("a", True)),  # one character behind the header
    ("Yahoo記事x", ("記事x", True)),
    ("yahoo  記事記事", ("記事", True)),
    ("Yahoo 朝日 記事", ("朝日", True)),
    (" 朝日新聞 ", ("朝日新聞", False)),
    ("朝日新聞 Yahoo", ("朝日新聞 Yahoo", False)),
])
def test_strip_yahoo(raw, answer):
    assert outlets.strip_yahoo(raw) == answer


@pytest.mark.parametrize(("raw", "name"), [
    ("Yahoo 朝日新聞記事", "朝日新聞"), ("朝日", "朝日新聞"), ("ＮＨＫ　ニュース", "NHK"),
    ("nhk news", "NHK"), ("Yahoo", None), ("無名", None), ("", None),
])
def test_canonical_and_is_outlet_line(raw, name):
    assert outlets.canonical(raw) == name
    assert outlets.is_outlet_line(raw) is (name is not None)


@pytest.mark.parametrize(("line", "split"), [
    ("朝日新聞 防衛費増額", ("朝日新聞", "防衛費増額")),
    ("朝日新聞　防衛費増額 ", ("朝日新聞", "防衛費増額")),
    ("ＮＨＫ 防衛", ("ＮＨＫ", "防衛")),
    ("NHK ニュース 題", ("NHK ニュース", "題")),  # the longest spelling first
    ("NHK\t題", ("NHK", "題")),
    ("NHK ", ("NHK", "")),
    ("NHK", None), ("朝日新聞防衛", None), ("無名 題", None), ("", None),
    # half-width katakana: the folded line is shorter, the cut is found in the original
    ("FNNﾌﾟﾗｲﾑｵﾝﾗｲﾝ 題", ("FNNﾌﾟﾗｲﾑｵﾝﾗｲﾝ", "題")),
    ("朝日 ｶﾞｲﾄﾞ", ("朝日", "ｶﾞｲﾄﾞ")),
    ("ＦＮＮﾌﾟﾗｲﾑｵﾝﾗｲﾝ　題ﾌﾟ", ("ＦＮＮﾌﾟﾗｲﾑｵﾝﾗｲﾝ", "題ﾌﾟ")),
])
def test_split_prefix(line, split):
    assert outlets.split_prefix(line) == split


def test_original_cut():
    assert outlets._original_cut("ﾌﾟx", "プ") == 2
    assert outlets._original_cut("aﾌﾟx", "aプ") == 3
    assert outlets._original_cut("ab", "a") == 1
    assert outlets._original_cut("㍻x", "平成") == 1  # one character folded into two
    assert outlets._original_cut("ab", "ab") == 2
    assert outlets._original_cut("ab", "zzz") == 3  # none found: the spelling's length
