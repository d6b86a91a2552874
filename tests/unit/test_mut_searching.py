"""The engine's front door (search/engine/searching.py) over a real index of four articles
built in each test: what each method of ``Engine`` returns and refuses, the correction of a
typing slip, and the module-level ``search``/``default_engine``.

    id           date        outlet    words
    2501-010101  2025-01-01  共同通信   ルッテ 空母
    2501-010201  2025-01-02  時事通信   オーストラリア 空母 演習
    2412-010301  2024-12-03  共同通信   空母 寄港
    2412-010401  2024-12-04  時事通信   大使
    2412-010501  2024-12-05  時事通信   XXXX (a code name)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from search.engine import Engine, SearchError, SearchRequest, searching
from search.engine import pipeline as stages
from search.index.build import reindex
from search.query.complete import MAX_LIMIT
from tests.unit.smallindex import archive

ARTICLES = [  # id, date, outlet, title, text
    ("2501-010101", "2025.01.01", "共同通信", "ルッテ事務総長が来日",
     "ルッテ事務総長が空母を視察した。"),
    ("2501-010201", "2025.01.02", "時事通信", "オーストラリアと演習",
     "オーストラリア海軍と空母が演習を行った。"),
    ("2412-010301", "2024.12.03", "共同通信", "空母が寄港", "空母が寄港した。"),
    ("2412-010401", "2024.12.04", "時事通信", "大使が着任", "大使が着任した。"),
    ("2412-010501", "2024.12.05", "時事通信", "作戦XXXXを公開", "作戦XXXXの記録を公開した。"),
]
DATE_NOTE = ("日付「xx」を読めないため無視しました(例: date:2024、date:2024-06、date:令和6年、"
             "date:2023..2024)")


def build(folder: Path) -> Path:
    """The four articles in one archive file, indexed by kirinuki's own reindex."""
    corpus = folder / "corpus"
    corpus.mkdir()
    (corpus / "clippings-small.txt").write_text(archive(ARTICLES), encoding="utf-8")
    reindex(folder / "ix", corpus)
    return folder / "ix"


@pytest.fixture()
def root(tmp_path: Path) -> Path:
    return build(tmp_path)


@pytest.fixture()
def engine(root: Path) -> Iterator[Engine]:
    with Engine(root) as found:
        yield found


def test_a_search_is_validated_run_and_timed(engine: Engine) -> None:
    """The result of the words asked, its time measured; a bad request is refused first."""
    result = engine.search(SearchRequest(q="空母", sort="oldest"))
    assert (result.query, result.total, result.corrected) == ("空母", 3, None)
    assert [h.id for h in result.results] == ["2412-010301", "2501-010101", "2501-010201"]
    assert 0.0 < result.elapsed_ms < 60_000
    # the time of each stage, in the one snapshot the search ran in (for the benchmark)
    assert "understand" in result.stages and "match" in result.stages
    assert all(isinstance(ms, float) and ms >= 0.0 for ms in result.stages.values())
    with pytest.raises(SearchError, match="ページ番号は 1 以上を指定してください"):
        engine.search(SearchRequest(q="空母", page=0))


def test_a_typing_slip_is_searched_as_its_correction(engine: Engine) -> None:
    """ルツテ (no article) is searched as ルッテ (one article: ``MIN_RECORDS`` is 1), and the
    result keeps the words as typed in ``query``."""
    result = engine.search(SearchRequest(q="ルツテ"))
    assert (result.query, result.corrected, result.understood) == ("ルツテ", "ルッテ", "ルッテ")
    assert (result.total, result.complete, result.suggestions) == (1, 1, [])
    assert [h.id for h in result.results] == ["2501-010101"]
    assert result.results[0].title_html == "<mark>ルッテ</mark>事務総長が来日"
    two = engine.search(SearchRequest(q="ルツテ 空母"))
    assert (two.query, two.corrected, two.total) == ("ルツテ 空母", "ルッテ 空母", 1)


def test_correct_false_searches_the_words_as_typed(engine: Engine) -> None:
    result = engine.search(SearchRequest(q="ルツテ", correct=False))
    assert (result.query, result.corrected, result.total) == ("ルツテ", None, 0)
    assert result.suggestions == ["ルッテ"]


def test_a_suggestion_that_is_not_a_slip_is_only_offered(engine: Engine) -> None:
    """オーストリア is a place of its own: オーストラリア is offered, never searched."""
    result = engine.search(SearchRequest(q="オーストリア"))
    assert (result.query, result.corrected, result.total) == ("オーストリア", None, 0)
    assert result.suggestions == ["オーストラリア"]
    assert result.understood == "(オーストリア OR 国:オーストリア)"


def test_a_correction_keeps_what_was_said_of_the_words_once(engine: Engine) -> None:
    """A note on the words as typed (an unreadable date, a particle) stays, said once."""
    result = engine.search(SearchRequest(q="date:xx ルツテ"))
    assert (result.corrected, result.total) == ("date:xx ルッテ", 1)
    assert result.messages == [DATE_NOTE]
    particle = engine.search(SearchRequest(q="の ルツテ"))
    assert particle.corrected == "の ルッテ"
    assert particle.messages == ["「の」は検索語にならない語(助詞・記号など)なので無視しました"]


def test_an_export_counts_then_streams_rows(engine: Engine) -> None:
    total, rows = engine.export(SearchRequest(q="空母", sort="oldest"), 2)
    assert total == 2
    assert [h.id for h in rows] == ["2412-010301", "2501-010101"]
    total, rows = engine.export(SearchRequest(), 10)
    assert total == 5 and len(list(rows)) == 5
    with pytest.raises(SearchError, match="ページ番号は 1 以上を指定してください"):
        engine.export(SearchRequest(page=0), 10)


def test_trends_by_year_by_month_and_within_filters(engine: Engine) -> None:
    assert engine.trends(["空母"]).to_dict() == {
        "by": "year", "periods": ["2024", "2025"], "clippings": [3, 2],
        "series": [{"term": "空母", "understood": "空母", "total": 3, "counts": [1, 2],
                    "shares": [0.3333, 1.0]}]}
    monthly = engine.trends(["空母", "ルッテ"], "month")
    assert (monthly.by, monthly.periods) == ("month", ["2024-12", "2025-01"])
    assert [s.counts for s in monthly.series] == [[1, 2], [0, 1]]
    within = engine.trends(["空母"], req=SearchRequest(selected={"source": ["時事通信"]}))
    assert (within.periods, within.clippings, within.series[0].counts) == (
        ["2025"], [1], [1])


def test_complete_within_its_limits(engine: Engine) -> None:
    """1 to ``MAX_LIMIT`` candidates may be asked; more or none is refused, as is a query
    over the length limit."""
    found = engine.complete("空")
    assert [(c.kind, c.value, c.count) for c in found.completions] == [("word", "空母", 3)]
    assert [c.value for c in engine.complete("オースト", 1).completions] == ["オーストラリア"]
    assert engine.complete("共同", MAX_LIMIT).completions[0].value == "共同通信"
    message = f"候補の数は 1〜{MAX_LIMIT} にしてください"
    for bad in (0, MAX_LIMIT + 1):
        with pytest.raises(SearchError) as raised:
            engine.complete("空", bad)
        assert str(raised.value) == message
    with pytest.raises(SearchError, match="検索語が長すぎます"):
        engine.complete("空" * 1001)


def test_complete_takes_eight_candidates_by_default(tmp_path: Path) -> None:
    """``DEFAULT_LIMIT`` (8): nine words starting alike (each in two articles, as a word
    must be to be offered) give eight."""
    corpus = tmp_path / "nine"
    corpus.mkdir()
    words = ["空母", "空港", "空軍", "空襲", "空域", "空輸", "空爆", "空路", "空間"]
    (corpus / "clippings-n.txt").write_text(
        "九つ\n\n" + "".join(f"2025.01.{i + 1:02d}\n 10:00\n共同通信\n\n{w}について"
                            f" <2501-01{i + 1:02d}0{n}>\n {w}について。\n"
                            for i, w in enumerate(words) for n in (1, 2)),
        encoding="utf-8")
    reindex(tmp_path / "ix9", corpus)
    with Engine(tmp_path / "ix9") as nine:
        assert len(nine.complete("空").completions) == 8
        assert len(nine.complete("空", 9).completions) == 9


def test_hits_are_given_in_the_order_asked(engine: Engine) -> None:
    hits = engine.hits(["2412-010301", "2501-010101"])
    assert [(h.id, h.score, h.title_html, h.missing) for h in hits] == [
        ("2412-010301", 0.0, "空母が寄港", []), ("2501-010101", 0.0, "ルッテ事務総長が来日", [])]
    assert hits[1].snippet_html == "ルッテ事務総長が空母を視察した。"
    assert engine.hits([]) == []
    with pytest.raises(SearchError) as raised:
        engine.hits(["2501-010101", "9999-999999"])
    assert str(raised.value) == "記事「9999-999999」はありません。検索結果から選び直してください"


def test_a_record_with_its_line_marks_and_related_articles(engine: Engine) -> None:
    view = engine.record("2501-010201", "空母")
    assert (view.record.id, view.record.file, view.record.line) == (
        "2501-010201", "clippings-small.txt", 9)
    assert view.title_html == "オーストラリアと演習"
    assert view.summary_html == "オーストラリア海軍と<mark>空母</mark>が演習を行った。"
    assert [h.id for h in view.related] == ["2501-010101", "2412-010301"]
    assert engine.record("2501-010101").record.line == 3
    plain = engine.record("2501-010101")
    assert (plain.title_html, plain.summary_html) == ("ルッテ事務総長が来日",
                                                      "ルッテ事務総長が空母を視察した。")
    with pytest.raises(SearchError) as raised:
        engine.record("9999-999999", "空母")
    assert str(raised.value) == "記事「9999-999999」はありません。検索結果から開き直してください"


def test_a_record_marks_a_query_up_to_the_length_limit_only(engine: Engine) -> None:
    """A query of 1000 characters marks its words; a longer one (a link made by hand) is not
    refused, only not marked."""
    at_limit = engine.record("2501-010101", "ルッテ" + " " * 997)
    assert at_limit.title_html == "<mark>ルッテ</mark>事務総長が来日"
    over = engine.record("2501-010101", "ルッテ" + " " * 998)
    assert over.title_html == "ルッテ事務総長が来日"
    assert over.summary_html == "ルッテ事務総長が空母を視察した。"


def test_the_engine_watches_only_when_asked(root: Path) -> None:
    """The command line and tests never start the damage watcher; a server asks for one."""
    with Engine(root) as quiet:
        quiet.search(SearchRequest(q="空母"))
        assert quiet.serving._watcher is None
        assert quiet.root == root
    with Engine(root, watch_seconds=3600) as watched:
        watched.search(SearchRequest(q="空母"))
        assert watched.serving._watcher is not None


def test_search_uses_the_engine_given_else_one_default_engine(
        root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``search`` without an engine opens ``$KIRINUKI_INDEX`` once and keeps it."""
    monkeypatch.setattr(searching, "_default", None)
    monkeypatch.setenv("KIRINUKI_INDEX", str(root))
    with Engine(root) as given:
        assert searching.search(SearchRequest(q="大使"), given).total == 1
    default = searching.default_engine()
    try:
        assert default.root == root and searching.default_engine() is default
        assert searching.search(SearchRequest(q="寄港")).total == 1
        assert searching._default is default
    finally:
        default.close()


def test_a_correction_the_filters_leave_nothing_of_is_not_searched_for(
        engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """ルッテ is in a 共同通信 article only: with 時事通信 ticked the result is the words as
    typed, with ルッテ offered. The filters are made once for both searches, and the
    correction's own search asks for no もしかして of its own (a dozen searches)."""
    calls: Counter[str] = Counter()
    real_filters, real_help = stages.filters, stages.help_for

    def filters(*args):  # the real stage, counted
        calls["filters"] += 1
        return real_filters(*args)

    def help_for(*args):
        calls["help"] += 1
        return real_help(*args)

    monkeypatch.setattr(stages, "filters", filters)
    monkeypatch.setattr(stages, "help_for", help_for)
    for narrowed in (SearchRequest(q="ルツテ", selected={"source": ["時事通信"]}),
                     SearchRequest(q="ルツテ", date_to="2024-12-31")):
        calls.clear()
        result = engine.search(narrowed)
        assert (result.query, result.corrected, result.total) == ("ルツテ", None, 0)
        assert result.suggestions == ["ルッテ"]
        assert calls == {"filters": 1, "help": 1}
    calls.clear()
    fixed = engine.search(SearchRequest(q="ルツテ", selected={"source": ["共同通信"]}))
    assert (fixed.corrected, fixed.total) == ("ルッテ", 1)
    assert calls == {"filters": 1, "help": 1}


def test_the_time_taken_is_in_milliseconds(engine: Engine,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """From a clock read before validating to one read after the search (seconds → ms)."""
    ticks = iter([100.0, 100.25])
    monkeypatch.setattr(searching, "time", SimpleNamespace(perf_counter=lambda: next(ticks)))
    assert engine.search(SearchRequest(q="空母")).elapsed_ms == 250.0


def test_a_record_opened_without_a_query_marks_nothing(engine: Engine) -> None:
    """Not even a word of capitals; a query in kana marks its kanji spelling (the speller)."""
    plain = engine.record("2412-010501")
    assert (plain.title_html, plain.summary_html) == ("作戦XXXXを公開",
                                                      "作戦XXXXの記録を公開した。")
    marked = engine.record("2412-010501", "xxxx")
    assert marked.title_html == "作戦<mark>XXXX</mark>を公開"
    spelled = engine.record("2501-010101", "くうぼ")
    assert spelled.summary_html == "ルッテ事務総長が<mark>空母</mark>を視察した。"
