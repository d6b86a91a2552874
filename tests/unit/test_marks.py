"""Marks stored at index time (``search.text.marks``) mark exactly what analysing the text does.

A result row is marked from its stored marks, not by running Sudachi again; these tests hold
the two ways to the same spans, on the kinds of text that make a compact encoding slip: old
kanji, Latin and numbers (a term spelled otherwise than the text), a text longer than the
marked part, gaps and words longer than a one-byte varint, more than 127 other spellings.
"""

from __future__ import annotations

import random

import pytest

from search.corpus.records import Record
from search.index.schema import stored, to_document
from search.text.analysis import analyze_terms, japanese_analyzer
from search.text.highlight import highlight_title, match_spans, snippet
from search.text.marks import (
    SNIPPET_SOURCE_CHARS,
    TITLE_MARKED_CHARS,
    _numbers,
    marked_spans,
    marked_words,
    marks,
)

TEXTS = [
    "日米防衛相会談で、NATOとの協力を確認した。",
    "讀賣新聞によれば、防衞省は３万人規模の訓練を行った。F-35Bが参加し、見直しを述べた。",
    "政府はサイバー防衛を協力の優先分野に位置付け、EUとの関係を深化させる考えである。",
    "　　全角の空白と\n改行\nのある 文。ＮＡＴＯ と nato と Nato。",
    "防衛" + " " * 300 + "防衛装備品の移転",  # a gap of 300 characters: a varint of two bytes
    "国防衛星の打ち上げと防衛。衛星",  # 防衛 inside 国防衛星 is no word of it
]


def _index_terms(text: str) -> list[str]:
    return sorted({t.text for t in japanese_analyzer()(text, mode="index")})


def _term_sets(text: str, rng: random.Random) -> list[set[str]]:
    vocab = _index_terms(text)
    sets = [set(vocab), {vocab[0]}, {"防衛"}, {"存在しない語"}]
    sets += [set(rng.sample(vocab, min(len(vocab), rng.randint(1, 5)))) for _ in range(20)]
    return sets


@pytest.mark.parametrize("number", range(len(TEXTS)))
def test_stored_marks_give_the_spans_analysis_gives(number: int) -> None:
    text = TEXTS[number]
    stored_marks = marks(text, SNIPPET_SOURCE_CHARS)
    for terms in _term_sets(text, random.Random(number)):
        assert marked_spans(text, stored_marks, terms) == match_spans(text, terms)


def test_a_term_spelled_otherwise_than_the_text_is_marked_where_the_text_stands() -> None:
    text = "讀賣新聞とＮＡＴＯ、3万人。"
    stored_marks = marks(text, 100)
    packed, others = stored_marks
    assert "nato" in others and "30000" in others  # not the text's own spellings
    spans = marked_spans(text, stored_marks, {"nato", "30000", "読売"})
    assert [text[a:b] for a, b in spans] == ["讀賣", "ＮＡＴＯ", "3万"]


def test_the_marks_end_where_the_marked_part_ends() -> None:
    text = "防衛。" * 100  # 300 characters
    stored_marks = marks(text, 30)
    assert marked_spans(text, stored_marks, {"防衛"}) == [(k, k + 2) for k in range(0, 30, 3)]
    # a word cut by the limit is not marked (防衛 at 28..30 ends on it; at 29 it would not)
    assert marked_spans(text, marks(text, 29), {"防衛"})[-1] == (27, 29)


def test_long_gaps_long_words_and_many_other_spellings_use_longer_varints() -> None:
    # more than 127 distinct numbers (each a term other than its text: 1万 → 10000)
    text = "、".join(f"{k}万" for k in range(1, 200)) + "。" + "　" * 200 + "防衛"
    stored_marks = marks(text, 10_000)
    packed, others = stored_marks
    assert len(others) == 199 and max(packed) >= 0x80
    assert marked_spans(text, stored_marks, {"1990000", "防衛"}) == [
        (text.index("199万"), text.index("199万") + 4), (len(text) - 2, len(text))]
    for terms in _term_sets(text, random.Random(7))[:8]:
        assert marked_spans(text, stored_marks, terms) == match_spans(text, terms)


def test_varints_are_read_back() -> None:
    assert _numbers(b"") == []
    assert _numbers(bytes([1, 2, 0x7F])) == [1, 2, 127]
    assert _numbers(bytes([0x80 | 0x2C, 0x02, 5, 0xFF, 0xFF, 0x03])) == [300, 5, 65535]


def test_marks_are_decoded_once_and_the_same_marks_again_come_from_memory() -> None:
    from search.text import marks as module

    module._remembered.cache_clear()
    packed = bytes([0, 2, 0, 3, 1, 1, 0x80 | 0x2C, 0x02, 4, 0])  # starts 0, 3, 303
    starts, lengths, codes = module.decoded(packed)
    assert (list(starts), list(lengths), list(codes)) == ([0, 3, 303], [2, 1, 4], [0, 1, 0])
    assert module.decoded(bytes(packed)) == (starts, lengths, codes)  # equal bytes: remembered
    info = module._remembered.cache_info()
    assert (info.hits, info.misses, info.maxsize) == (1, 1, module.MARKS_REMEMBERED)
    # marks of more than MARKS_BYTES_REMEMBERED bytes are decoded each time, not kept
    large = bytes([1, 1, 0]) * (module.MARKS_BYTES_REMEMBERED // 3 + 1)
    assert list(module.decoded(large)[0])[:3] == [1, 2, 3]
    assert module._remembered.cache_info().currsize == 1


def test_no_terms_or_no_marks_mark_nothing() -> None:
    assert marked_spans("防衛", marks("防衛", 10), set()) == []
    assert marked_spans("", marks("", 10), {"防衛"}) == []


def test_a_rows_title_and_snippet_are_the_same_from_marks_as_from_the_text() -> None:
    """What a result row shows, made from a document as the index stores it."""
    rec = Record(id="r1", kind="clipping", title="日米防衛相会談　ＮＡＴＯと協議",
                 summary=TEXTS[1] * 100, date="2024-08-22", time=None, source_raw="読売",
                 source="読売新聞", via_yahoo=False, notes=[], lang="ja", collections=[],
                 file="a.txt", section=None, facets={})
    doc = to_document(rec, ["読売新聞"])
    fields = stored({"record": doc["record"], "marks": doc["marks"]})
    title_marks, body_marks = fields["marks"]
    for terms in ({"防衛"}, {"nato", "協議"}, {"読売", "30000", "述べる", "見直す"}):
        assert highlight_title(rec.title, terms, title_marks) == highlight_title(rec.title, terms)
        assert snippet(rec.summary, terms, stored=body_marks) == snippet(rec.summary, terms)
    assert len(rec.summary) > SNIPPET_SOURCE_CHARS and TITLE_MARKED_CHARS == 400


def test_a_text_walked_for_its_marks_gives_the_positions_a_walk_gives() -> None:
    """The build asks for a text's marks, then its positions: the second comes from the
    first's walk, and must be what walking again gives, for that analyzer only."""
    text = TEXTS[1]
    with_parts, without = japanese_analyzer(), japanese_analyzer(subwords=False)
    expected = dict(with_parts._walk(text, 0)[0])
    expected_without = dict(without._walk(text, 0)[0])
    assert expected != expected_without  # 防衛省 has parts
    with_parts.spans(text, 100)
    assert dict(without.positions(text)) == expected_without
    assert dict(with_parts.positions(text)) == expected
    assert dict(with_parts.positions(text)) == expected  # walked again, not remembered


@pytest.mark.parametrize("number", range(len(TEXTS)))
def test_the_words_of_the_marks_are_the_query_analysis_of_the_text(number: int) -> None:
    """Related articles weigh the words of the first matches' titles and leads from their
    marks: the same words a query-mode analysis of the text gives, parts of compounds left
    out."""
    text = TEXTS[number]
    stored_marks = marks(text, SNIPPET_SOURCE_CHARS)
    assert marked_words(text, stored_marks, len(text)) == analyze_terms(text)
    cut = text.index("、") + 1 if "、" in text else 5
    assert marked_words(text, stored_marks, cut) == analyze_terms(text[:cut])


def test_a_term_inside_other_words_is_not_marked() -> None:
    text = TEXTS[5]
    stored_marks = marks(text, 100)
    assert marked_spans(text, stored_marks, {"防衛"}) == [(10, 12)]
    assert marked_spans(text, stored_marks, {"衛星"}) == [(2, 4), (13, 15)]


def test_the_edges_of_the_encoding_and_of_the_spans() -> None:
    """A gap of exactly 128 characters (the first two-byte varint); the same other spelling
    twice in a row; a term that only begins a longer word; two terms side by side."""
    text = "防衛" + "　" * 126 + "防衛"  # the second starts at 128
    packed, _ = stored = marks(text, 1000)
    assert 0x80 in packed and _numbers(packed)[3] == 128
    assert marked_spans(text, stored, {"防衛"}) == [(0, 2), (128, 130)]
    assert marked_spans("NATO NATO", marks("NATO NATO", 100), {"nato"}) == [(0, 4), (5, 9)]
    assert marked_spans("防衛", marks("防衛", 100), {"防"}) == []  # 防衛 has no part 防
    both = marks("防衛協力", 100)
    assert marked_spans("防衛協力", both, {"防衛", "協力"}) == [(0, 4)]  # joined
    assert highlight_title("防衛協力", {"防衛", "協力"}, both) == "<mark>防衛協力</mark>"


def test_the_positions_a_build_asks_for_after_the_marks_come_from_the_same_walk() -> None:
    """``spans`` keeps the walk's positions for the ``positions`` that follows (one walk
    per text, the build's hot loop), keyed by the analyzer's settings and the text, at most
    WALKED texts; ``positions`` takes them out."""
    from search.text import analysis

    ana = japanese_analyzer()
    texts = [f"防衛省{k}の会見" for k in range(analysis.WALKED + 1)]
    for text in texts:
        ana.spans(text, 100)
    kept = analysis._walked.recent
    assert list(kept) == [(True, ana.stoptags, t) for t in texts[1:]]  # the oldest dropped
    walked = kept[(True, ana.stoptags, texts[-1])]
    assert ana.positions(texts[-1]) is walked
    assert (True, ana.stoptags, texts[-1]) not in analysis._walked.recent


def test_a_part_ending_on_the_limit_is_marked() -> None:
    """防衛省 at 0..3 has the part 防衛 at 0..2: a limit of 2 keeps the part, not the word."""
    spans = japanese_analyzer().spans("防衛省の会見", 2)
    assert spans == [(0, 2, "防衛")]
    assert japanese_analyzer().spans("防衛省の会見", 3)[:2] == [(0, 3, "防衛省"), (0, 2, "防衛")]
