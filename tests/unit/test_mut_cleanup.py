"""Exact behaviour of search.corpus.cleanup (written for mutation testing)."""

from __future__ import annotations

import pytest

from search.corpus import cleanup


@pytest.mark.parametrize(("text", "cleaned"), [
    ("日経新聞/a>", "日経新聞"),
    ("…強調した。/td>", "…強調した。"),
    ("/br>", ""),
    ("/span>end", "end"),
    ("前/b>中/i>後/p>", "前中後"),
    ("/tr>/th>/li>/ul>/div>/font>", ""),
    ("x</a>", "x</a>"),  # a whole tag is text
    ("a/a>", "a/a>"), ("Z/td>", "Z/td>"), ("9/p>", "9/p>"),  # after a letter or digit
    ("/A>", "/A>"), ("/abbr>", "/abbr>"), ("/a >", "/a >"),
])
def test_clean_html(text, cleaned):
    assert cleanup.clean_html(text) == cleaned


def test_sentence_ends():
    assert cleanup.SENTENCE_END == ("。", "．", ".", "!", "?", "！", "？", "」", "』", ")", "）")


@pytest.mark.parametrize(("title", "stripped"), [
    (" 「日独、防衛装備品協定を締結」 ", "日独、防衛装備品協定を締結"),
    ("「 x 」", "x"),
    ("「」", ""),
    ("「a」と「b」", "「a」と「b」"),
    ("「a」b」", "「a」b」"),
    ("「a", "「a"),
    ("a」", "a」"),
    (" plain ", "plain"),
])
def test_strip_brackets(title, stripped):
    assert cleanup.strip_brackets(title) == stripped


@pytest.mark.parametrize(("title", "lang"), [
    ("", "ja"), ("123", "ja"), ("Japan and US", "en"), ("日本 and the Philippines", "en"),
    ("abcd日", "ja"),  # 4 / 5 = 0.8: not more
    ("abcde日", "en"),  # 5 / 6
    ("Ａbc", "ja"),  # a full-width letter is no ASCII
    ("日本", "ja"),
])
def test_title_lang(title, lang):
    assert cleanup.title_lang(title) == lang


@pytest.mark.parametrize(("lines", "paras"), [
    (["協定 (", "ACSA) に署名"], ["協定 (ACSA) に署名"]),
    (["政府安全保障能力強化支援", "OSA)の一環"], ["政府安全保障能力強化支援(OSA)の一環"]),
    (["支援 (x)", "OSA)の一環"], ["支援 (x)", "OSA)の一環"]),  # ")" ends a sentence
    (["支援 (a (b", "OSA)の一環"], ["支援 (a (b OSA)の一環"]),  # a bracket still open
    (["支援 (a) b", "OSA)の一環"], ["支援 (a) b (OSA)の一環"]),  # as many open as closed
    (["支援 a) (b", "OSA)の一環"], ["支援 a) (b (OSA)の一環"]),  # counted, not paired
    (["終わり。", "Next line"], ["終わり。", "Next line"]),
    (["the word", "continues here"], ["the word continues here"]),
    (["word1", "continues"], ["word1 continues"]),
    (["word-", "continues"], ["word-continues"]),
    (["支援a", "bc"], ["支援a bc"]),  # only the last character is looked at
    (["日本語", "English"], ["日本語English"]),
    (["日本語", " English"], ["日本語", "English"]),
    (["日本語", "\u3000English"], ["日本語", "English"]),
    (["日本語", "\tEnglish"], ["日本語", "English"]),
    (["", "  ", "abc"], ["abc"]),
    (["abc", "", "def"], ["abc def"]),
    (["日本語", "1st"], ["日本語", "1st"]),
    (["日本語", "Ａbc"], ["日本語", "Ａbc"]),
    (["x.", "abc"], ["x.", "abc"]),
    (["x」", "abc"], ["x」", "abc"]),
    (["x）", "abc"], ["x）", "abc"]),
    (["a-b", "C&D/e-f) rest"], ["a-b (C&D/e-f) rest"]),
    (["abc", "A) rest"], ["abc (A) rest"]),
    (["abc", "A b) rest"], ["abc A b) rest"]),
    (["abc", "_A) rest"], ["abc", "_A) rest"]),
    (["abc", "xA) rest"], ["abc (xA) rest"]),
    (["abc", "b", "c"], ["abc b c"]),
    ([" abc ", "def "], ["abc def"]),
    ([], []),
])
def test_join_wrapped(lines, paras):
    assert cleanup.join_wrapped(lines) == paras
