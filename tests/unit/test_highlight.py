"""search.highlight: marks, titles and snippets, with exact outputs (no index, no Flask).

Expected values are worked out from the specification (module and function docstrings): a
snippet is cut at 。！？!? or a line end, else at 、，, ; it starts after the boundary (never
on 。, and not on the space the archives put after it), shows … where text was left out,
turns line ends into spaces, and its window is the one with the most DISTINCT matched
words, then the most matches, then the earliest.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from search.text import highlight
from search.text.highlight import (
    SNIPPET_CHARS,
    Snippet,
    _best_window,
    _cut_end,
    _cut_start,
    highlight_text,
    highlight_title,
    mark,
    match_spans,
    snippet,
)

M = "<mark>{}</mark>".format
GAP = "話は変わる。" * 8  # 48 characters without a query term: windows either side never meet


# -- match_spans ---------------------------------------------------------------------------


def test_match_spans_one_word():
    assert match_spans("日本の防衛", {"防衛"}) == [(3, 5)]


def test_match_spans_sub_word_of_a_compound():
    # 防衛相 is one mode-C word; its sub-word 防衛 is marked, not the whole compound
    assert match_spans("日米防衛相会談", {"防衛"}) == [(2, 4)]
    assert match_spans("海上自衛隊", {"自衛隊"}) == [(2, 5)]


def test_match_spans_whole_compound():
    assert match_spans("日米防衛相会談", {"防衛相"}) == [(2, 5)]


def test_match_spans_sorted_in_text_order():
    assert match_spans("協力と防衛と協力", {"防衛", "協力"}) == [(0, 2), (3, 5), (6, 8)]


def test_match_spans_overlapping_merge():
    # the compound (2, 5) and its sub-word (2, 4) start together: one span, the longer end
    assert match_spans("日米防衛相会談", {"防衛相", "防衛"}) == [(2, 5)]


def test_match_spans_contained_span_does_not_shorten():
    # 海上自衛隊 (0, 5) contains 自衛 (2, 4): the merged span keeps the end 5
    assert match_spans("海上自衛隊", {"海上自衛隊", "自衛"}) == [(0, 5)]


def test_match_spans_overlap_extends():
    # 海上 (0, 2) and 自衛隊 (2, 5) touch, 自衛 (2, 4) and 隊 (4, 5) too: one span
    assert match_spans("海上自衛隊", {"海上", "自衛"}) == [(0, 4)]
    assert match_spans("海上自衛隊", {"自衛", "隊"}) == [(2, 5)]


def test_match_spans_adjacent_merge():
    assert match_spans("防衛防衛防衛", {"防衛"}) == [(0, 6)]


def test_match_spans_separated_do_not_merge():
    assert match_spans("防衛、防衛", {"防衛"}) == [(0, 2), (3, 5)]


def test_match_spans_terms_are_index_terms():
    # the analyzer folds width and case: the term nato marks the full-width surface
    assert match_spans("ＮＡＴＯと防衛", {"nato"}) == [(0, 4)]
    assert match_spans("讀賣新聞", {"読売"}) == [(0, 2)]


def test_match_spans_stopped_words_are_tokens_too():
    # removestops=False: a particle's surface can be matched
    assert match_spans("日本の防衛", {"の"}) == [(2, 3)]


def test_match_spans_nothing_to_match():
    assert match_spans("日本の防衛", set()) == []
    assert match_spans("", {"防衛"}) == []
    assert match_spans("日本の防衛", {"協力"}) == []


# -- mark ----------------------------------------------------------------------------------


def test_mark_no_spans_escapes_everything():
    assert mark("<a href=\"x\">'&'</a>", []) == (
        "&lt;a href=&quot;x&quot;&gt;&#x27;&amp;&#x27;&lt;/a&gt;")


def test_mark_escapes_before_inside_and_after():
    text = "<b>&\"x'y<i>"
    assert mark(text, [(3, 5), (6, 7)]) == (
        "&lt;b&gt;" + M("&amp;&quot;") + "x" + M("&#x27;") + "y&lt;i&gt;")


def test_mark_whole_text():
    assert mark("防衛", [(0, 2)]) == M("防衛")


def test_mark_several_spans():
    assert mark("協力と防衛と協力", [(0, 2), (3, 5), (6, 8)]) == (
        M("協力") + "と" + M("防衛") + "と" + M("協力"))


def test_mark_offset_shifts_spans():
    # the fragment "防衛と協力" starts at 10 in the full text
    assert mark("防衛と協力", [(10, 12), (13, 15)], offset=10) == M("防衛") + "と" + M("協力")


def test_mark_spans_outside_the_fragment_are_skipped():
    # ends at the fragment's start / starts at its end: nothing to mark, no empty <mark>
    assert mark("abcdef", [(0, 3), (9, 10)], offset=3) == "abcdef"
    assert mark("abcdef", [(1, 2), (12, 14)], offset=3) == "abcdef"


def test_mark_span_before_the_fragment_skipped_later_ones_kept():
    assert mark("abcdef", [(0, 2), (4, 5)], offset=3) == "a" + M("b") + "cdef"


def test_mark_one_character_at_the_start():
    assert mark("abc", [(0, 1)]) == M("a") + "bc"
    assert mark("abc", [(3, 4)], offset=3) == M("a") + "bc"


def test_mark_spans_cut_by_the_fragment_are_clipped():
    assert mark("abcdef", [(2, 5)], offset=3) == M("ab") + "cdef"
    assert mark("abcdef", [(7, 12)], offset=3) == "abcd" + M("ef")
    assert mark("abcdef", [(1, 12)], offset=3) == M("abcdef")


def test_mark_empty_text():
    assert mark("", []) == ""
    assert mark("", [(0, 2)]) == ""


# -- highlight_title -----------------------------------------------------------------------


def test_highlight_title_marks_the_sub_word():
    assert highlight_title("日米防衛相会談", {"防衛"}) == "日米" + M("防衛") + "相会談"


def test_highlight_title_escapes():
    assert highlight_title("<防衛>&\"'", {"防衛"}) == "&lt;" + M("防衛") + "&gt;&amp;&quot;&#x27;"


def test_highlight_title_no_terms():
    assert highlight_title("米<国>", set()) == "米&lt;国&gt;"


# -- snippet -------------------------------------------------------------------------------


def test_snippet_short_text_whole():
    assert snippet("日本の防衛", {"防衛"}) == Snippet("日本の" + M("防衛"), "日本の防衛")


def test_snippet_empty_text():
    assert snippet("", {"防衛"}) == Snippet("", "")
    assert snippet(None, {"防衛"}) == Snippet("", "")  # type: ignore[arg-type]


def test_snippet_no_terms_is_the_start_of_the_text():
    text = "今日は晴れ。明日は雨。"
    assert snippet(text, set(), width=8) == Snippet("今日は晴れ。…", "今日は晴れ。…")
    assert snippet(text, set()) == Snippet(text, text)


def test_snippet_no_match_is_the_start_of_the_text():
    text = "今日は晴れ。明日は雨。"
    assert snippet(text, {"防衛"}, width=8) == Snippet("今日は晴れ。…", "今日は晴れ。…")


def test_snippet_default_width():
    text = "あ" * 200
    assert SNIPPET_CHARS == 150
    assert snippet(text, set()).text == "あ" * 150 + "…"
    assert snippet("防衛" + text, {"防衛"}).html == M("防衛") + "あ" * 148 + "…"


def test_snippet_starts_after_the_sentence_end():
    assert snippet("前文。防衛の話", {"防衛"}) == Snippet("…" + M("防衛") + "の話", "…防衛の話")


def test_snippet_starts_after_other_sentence_ends_and_line_ends():
    for end in "！？!?\n":
        text = f"前文{end}防衛の話"
        assert snippet(text, {"防衛"}).text == "…防衛の話", end


def test_snippet_starts_after_a_clause_end():
    for end in "、，,":
        text = f"前文{end}防衛の話"
        assert snippet(text, {"防衛"}).text == "…防衛の話", end


def test_snippet_skips_the_space_after_the_sentence_end():
    assert snippet("前文。 防衛の話", {"防衛"}) == Snippet("…" + M("防衛") + "の話", "…防衛の話")
    assert snippet("前文。\u3000 防衛の話", {"防衛"}).text == "…防衛の話"


def test_snippet_line_ends_become_spaces():
    assert snippet("防衛の話\n二行目\n", {"防衛"}) == Snippet(
        M("防衛") + "の話 二行目 ", "防衛の話 二行目 ")


def test_snippet_escapes_around_marks():
    assert snippet("<防衛>&", {"防衛"}) == Snippet("&lt;" + M("防衛") + "&gt;&amp;", "<防衛>&")


def test_snippet_marks_with_offsets_into_the_fragment():
    text = "前文。協力と防衛の話"
    assert snippet(text, {"防衛", "協力"}).html == "…" + M("協力") + "と" + M("防衛") + "の話"


def test_snippet_ends_at_a_sentence_end_far_enough():
    # 。 at 5 is 2/3 of width 8 into the window: cut after it; with width 9 it is too early
    text = "今日は晴れ。明日は雨。"
    assert snippet(text, {"今日"}, width=8).text == "今日は晴れ。…"
    assert snippet(text, {"今日"}, width=9).text == "今日は晴れ。明日は…"


def test_snippet_ends_at_a_clause_end_when_no_sentence_end_is_far_enough():
    text = "防衛。今日は雨、明日は雪。"
    assert snippet(text, {"防衛"}, width=10).text == "防衛。今日は雨、…"


def test_snippet_partly_cut_match_is_not_marked():
    # the window (0, 7) cuts the second 防衛 in half: it is shown but not marked
    text = "防衛と協力と防衛"
    assert snippet(text, {"防衛"}, width=7) == Snippet(M("防衛") + "と協力と防…", "防衛と協力と防…")


def test_snippet_match_cut_by_the_window_start_is_not_marked():
    # the best window (1, 8) starts at its floor, inside the first 防衛: 衛 is not marked
    text = "防衛と防衛と協力と防衛"
    assert snippet(text, {"防衛", "協力"}, width=7) == Snippet(
        "…衛と" + M("防衛") + "と" + M("協力") + "…", "…衛と防衛と協力…")


def test_snippet_window_with_more_distinct_words_wins_over_more_matches():
    many = "防衛、" * 12 + "防衛。"  # one word, 13 matches
    both = "協力と防衛。"  # two words, 2 matches
    text = many + GAP + both
    assert snippet(text, {"防衛", "協力"}, width=40) == Snippet(
        "…" + M("協力") + "と" + M("防衛") + "。", "…" + both)


def test_snippet_more_distinct_words_wins_over_a_few_more_matches():
    text = "防衛と防衛と防衛。" + GAP + "協力と防衛。"
    assert snippet(text, {"防衛", "協力"}, width=40).text == "…協力と防衛。"


def test_snippet_same_words_more_matches_wins():
    text = "協力と防衛。" + GAP + "協力と防衛と防衛。"
    assert snippet(text, {"防衛", "協力"}, width=40).html == (
        "…" + M("協力") + "と" + M("防衛") + "と" + M("防衛") + "。")


def test_snippet_tie_keeps_the_earliest_window():
    text = "協力と防衛。" + GAP + "防衛と協力。"
    assert snippet(text, {"防衛", "協力"}, width=40) == Snippet(
        M("協力") + "と" + M("防衛") + "。" + "話は変わる。" * 5 + "…",
        "協力と防衛。" + "話は変わる。" * 5 + "…")


# -- _best_window, _cut_start, _cut_end ----------------------------------------------------


def test_best_window_without_spans_is_the_start():
    assert _best_window("あいうえおかきくけこ", [], 4) == (0, 4)
    assert _best_window("あいう", [], 4) == (0, 3)


def test_best_window_holding_no_whole_match():
    # width 1 is shorter than the match: the window (3, 4) holds no span, yet it is kept
    assert _best_window("あいう防衛", [(3, 5)], 1) == (3, 4)


def test_best_window_boundaries():
    text = "協力と防衛。" + GAP + "協力と防衛と防衛。"
    start = 6 + len(GAP)
    assert _best_window(text, [(0, 2), (3, 5), (start, start + 2), (start + 3, start + 5),
                               (start + 6, start + 8)], 40) == (start, len(text))


def test_best_window_counts_only_spans_inside():
    # the window starting at 0 ends at 7 and does not hold (6, 8); the one at 6 holds it only
    text = "防衛と協力と防衛"
    assert _best_window(text, [(0, 2), (6, 8)], 7) == (0, 7)
    # both windows hold two words and two matches: the first is kept
    assert _best_window(text, [(0, 2), (3, 5), (6, 8)], 7) == (0, 7)
    # the window from the floor 1 holds 防衛 and 協力, the one from 0 only 防衛 twice
    text = "防衛と防衛と協力と防衛"
    assert _best_window(text, [(0, 2), (3, 5), (6, 8), (9, 11)], 7) == (1, 8)


def test_cut_start_near_the_text_start():
    assert _cut_start("あいうえお防衛", 5, 30) == 0


def test_cut_start_after_a_sentence_end():
    assert _cut_start("前文。防衛", 3, 30) == 3


def test_cut_start_sentence_end_before_a_later_clause_end():
    assert _cut_start("前文。あ、防衛", 5, 30) == 3


def test_cut_start_latest_sentence_end_of_any_kind():
    assert _cut_start("！前。後？防衛", 5, 30) == 5
    assert _cut_start("前？後。あ防衛", 5, 30) == 4


def test_cut_start_latest_clause_end_of_any_kind():
    assert _cut_start("，前、後,あ防衛", 6, 30) == 5
    assert _cut_start("前,後、あ防衛", 5, 30) == 4


@pytest.mark.parametrize("end", list("。！？!?\n"))
def test_cut_start_each_sentence_end(end):
    assert _cut_start(f"あ、い{end}う防衛", 5, 30) == 4


@pytest.mark.parametrize("end", list("、，,"))
def test_cut_start_each_clause_end(end):
    assert _cut_start(f"あい{end}う防衛", 4, 30) == 3


def test_cut_start_boundary_too_far_back_gives_the_floor():
    # floor = 23 - 30 // 3 = 13; the 。 at 2 is before it
    text = "前文。" + "あ" * 20 + "防衛"
    assert _cut_start(text, 23, 30) == 13


def test_cut_start_boundary_at_the_floor_counts():
    text = "あいう。" + "あ" * 9 + "防衛"  # 。 at 3 = 13 - 30 // 3
    assert _cut_start(text, 13, 30) == 4
    text = "あい。" + "あ" * 10 + "防衛"  # 。 at 2, just before the floor
    assert _cut_start(text, 13, 30) == 3


def test_cut_start_sentence_end_at_the_text_start():
    assert _cut_start("。防衛", 1, 30) == 1
    assert _cut_start("、防衛", 1, 30) == 1


def test_cut_start_never_on_the_sentence_end():
    text = "前文。防衛"
    start = _cut_start(text, 3, 30)
    assert text[start] != "。"


def test_cut_start_boundary_right_before_the_match():
    assert _cut_start("あいうえ。防衛", 5, 6) == 5


def test_cut_end_whole_text_when_it_fits():
    assert _cut_end("今日は晴れ。明日", 0, 100) == 8
    assert _cut_end("今日は晴れ。明日", 0, 8) == 8
    assert _cut_end("今日は晴れ。明日", 2, 6) == 8


def test_cut_end_at_the_limit_without_boundaries():
    assert _cut_end("あいうえおかきくけこ", 0, 4) == 4
    assert _cut_end("あいうえおかきくけこ", 3, 4) == 7


def test_cut_end_sentence_end_far_enough():
    text = "今日は晴れ。明日は雨。"
    assert _cut_end(text, 0, 8) == 6  # 5 - 0 >= 8 * 2 // 3
    assert _cut_end(text, 0, 9) == 9  # 5 - 0 < 9 * 2 // 3 = 6: the limit


def test_cut_end_sentence_end_before_a_later_clause_end():
    text = "今日は晴れた。明日、雨"
    assert _cut_end(text, 0, 10) == 7


def test_cut_end_clause_end_when_the_sentence_end_is_too_early():
    text = "晴れ。今日は雨、明日は雪。"
    assert _cut_end(text, 0, 10) == 8


def test_cut_end_clause_end_too_early_gives_the_limit():
    text = "晴れ、今日は雨だ明日は雪。"
    assert _cut_end(text, 0, 10) == 10


def test_cut_end_ignores_boundaries_before_start():
    text = "あ。いうえおかきくけこさしすせそ"
    assert _cut_end(text, 2, 6) == 8


def test_cut_end_counts_from_start():
    # 。 at 9: 9 - 4 = 5 >= 8 * 2 // 3 = 5 from start 4
    text = "あいうえおかきくけ。こさしすせそたちつてと"
    assert _cut_end(text, 4, 8) == 10
    # 9 - 4 = 5 < 12 * 2 // 3 = 8 (though 9 >= 8): the limit
    assert _cut_end(text, 4, 12) == 16


@pytest.mark.parametrize("end", list("。！？!?\n"))
def test_cut_end_each_sentence_end(end):
    assert _cut_end(f"あいうえ{end}か、きくけこ", 0, 6) == 5


@pytest.mark.parametrize("end", list("、，,"))
def test_cut_end_each_clause_end(end):
    assert _cut_end(f"あいうえ{end}かきくけこ", 0, 6) == 5


def test_cut_end_latest_boundary_of_any_kind():
    assert _cut_end("あ？い。う！え?お!かき", 0, 11) == 10
    assert _cut_end("あ。い！う？え!お?かき", 0, 11) == 10
    assert _cut_end("あ、い，う,えおかきくけ", 0, 7) == 6
    assert _cut_end("あ,い，う、えおかきくけ", 0, 7) == 6


def test_analyzer_built_once():
    assert highlight._analyzer() is highlight._analyzer()


# -- the cost of a row, whatever the record holds -------------------------------------------


def _rfind_cut_start(text: str, match: int, width: int) -> int:
    """The cut as it was written first, a search for each end character (the oracle)."""
    floor = max(0, match - width // 3)
    for ends in ("。！？!?\n", "、，,"):
        cut = max(text.rfind(ch, floor, match) for ch in ends)
        if cut != -1:
            return cut + 1
    return 0 if match < width // 3 else floor


def _rfind_cut_end(text: str, start: int, width: int) -> int:
    limit = min(len(text), start + width)
    if limit == len(text):
        return limit
    for ends in ("。！？!?\n", "、，,"):
        cut = max(text.rfind(ch, start, limit) for ch in ends)
        if cut != -1 and cut - start >= width * 2 // 3:
            return cut + 1
    return limit


@settings(max_examples=400)
@given(st.text(alphabet="あ防。、！？!?\n，, ", max_size=80), st.integers(0, 90),
       st.integers(1, 60), st.integers(0, 90))
def test_cuts_found_from_the_ends_are_the_searched_ones(text, match, width, upto):
    """The cuts read from the ends found once (``_Ends``) are those of ``rfind``, whether
    the ends were found far enough (``upto``) or must be found again."""
    match = min(match, len(text))
    found = highlight._Ends(text, min(len(text), upto))
    assert _cut_start(text, match, width, found) == _rfind_cut_start(text, match, width)
    assert _cut_start(text, match, width) == _rfind_cut_start(text, match, width)
    assert _cut_end(text, match, width, found) == _rfind_cut_end(text, match, width)
    assert _cut_end(text, match, width) == _rfind_cut_end(text, match, width)


@pytest.fixture()
def work(monkeypatch):
    """What a row costs: the characters analysed and the windows weighed."""
    seen = {"analysed": [], "windows": 0, "scanned": []}
    tokens, cut_end, ends = highlight._tokens, highlight._cut_end, highlight._Ends

    def counted_tokens(text):
        seen["analysed"].append(len(text))
        return tokens(text)

    def counted_cut_end(text, start, width, found=None):
        seen["windows"] += 1
        return cut_end(text, start, width, found)

    def counted_ends(text, upto):
        seen["scanned"].append(upto)
        return ends(text, upto)

    monkeypatch.setattr(highlight, "_tokens", counted_tokens)
    monkeypatch.setattr(highlight, "_cut_end", counted_cut_end)
    monkeypatch.setattr(highlight, "_Ends", counted_ends)
    highlight._remembered_ends.cache_clear()  # the ends of a text met before are remembered
    return seen


def test_a_word_repeated_thirty_thousand_times(work):
    text = "防衛 " * 33_334  # 100,002 characters, 33,334 matches
    got = snippet(text, {"防衛"})
    # the earliest of the equally good windows: 150 characters, 50 matches
    assert got.html == (M("防衛") + " ") * 50 + "…"
    assert got.text == "防衛 " * 50 + "…"
    assert work["analysed"] == [highlight.SNIPPET_SOURCE_CHARS]
    # one window per distinct start: the 4,000 characters give 1,334 matches but at most
    # MAX_WINDOWS windows, plus the fragment's own end
    assert work["windows"] <= highlight.MAX_WINDOWS + 1
    # the text's sentence and clause ends are looked for once, in the part windows can
    # reach (a match within SNIPPET_SOURCE_CHARS, a width after it); a text this long is
    # not remembered (ENDS_TEXT_CHARS), a shorter one is
    assert work["scanned"] == [highlight.SNIPPET_SOURCE_CHARS + SNIPPET_CHARS]
    assert snippet(text, {"防衛"}) == got and len(work["scanned"]) == 2
    short = text[:highlight.ENDS_TEXT_CHARS]
    first = snippet(short, {"防衛"})
    assert snippet(short, {"防衛"}) == first and len(work["scanned"]) == 3


def test_matches_past_the_analysed_part_are_not_sought(work):
    text = "あ" * 5000 + "防衛"
    got = snippet(text, {"防衛"})
    assert got.text == "あ" * SNIPPET_CHARS + "…" and "<mark>" not in got.html
    assert work["analysed"] == [highlight.SNIPPET_SOURCE_CHARS]


def test_a_long_title_is_shown_whole_and_marked_in_its_start(work):
    title = "防衛<" + "あ" * 100_000 + "防衛"
    assert highlight_title(title, {"防衛"}) == M("防衛") + "&lt;" + "あ" * 100_000 + "防衛"
    assert work["analysed"] == [highlight.TITLE_MARKED_CHARS]


def test_a_record_page_shows_the_whole_text_marked_in_its_start(work):
    cap = highlight.RECORD_MARKED_CHARS
    text = "防衛<" + "あ" * (cap - 10) + "防衛、" + "い" * 100_000 + "防衛"
    assert highlight_text(text, {"防衛"}) == (
        M("防衛") + "&lt;" + "あ" * (cap - 10) + M("防衛") + "、" + "い" * 100_000 + "防衛")
    assert work["analysed"] == [cap]
    # a text shorter than the cap is marked whole
    assert highlight_text("防衛と防衛", {"防衛"}) == M("防衛") + "と" + M("防衛")


def test_best_window_finds_the_run_of_matches_inside_by_bisection():
    text = "ああ、防衛。" + "い" * 200 + "。防衛と装備、防衛。"
    spans = match_spans(text, {"防衛", "装備"})
    # the second window holds two distinct words: it wins over the earlier one
    start, end = _best_window(text, spans, 30)
    assert text[start:end] == "防衛と装備、防衛。"
