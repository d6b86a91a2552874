"""Exact behaviour of search.corpus.clippings (written for mutation testing): small archives
of each shape the real ones use, compared whole: every record field, every line's role and
every issue with its line."""

from __future__ import annotations

from datetime import date

import pytest

from search.corpus.clippings import (
    FURNITURE,
    RECORD,
    WARNING,
    Parsed,
    _join_parts,
    _year_fits,
    parse_clippings,
)
from search.corpus.records import Issue, Record

NAME, LABEL = "arc.txt", "欧州"
R, F, W = RECORD, FURNITURE, WARNING


def parse(lines: list[str], name: str = NAME) -> Parsed:
    return parse_clippings(name, lines, LABEL)


def clip(rec_id: str, title: str, summary: str, day: str | None, line: int, *,
         time: str | None = None, source_raw: str = "時事通信", source: str | None = None,
         via_yahoo: bool = False, notes: list[str] | None = None, lang: str = "ja",
         file: str = NAME) -> Record:
    """A clipping record with the fields every test gives, the others at their usual."""
    return Record(id=rec_id, kind="clipping", title=title, summary=summary, date=day, time=time,
                  source_raw=source_raw, source=source_raw if source is None else source,
                  via_yahoo=via_yahoo, notes=notes or [], lang=lang, collections=[LABEL],
                  file=file, line=line)


def warn(line: int, message: str, severity: str = "warning") -> Issue:
    return Issue(NAME, line, message, severity)  # type: ignore[arg-type]


def test_the_roles() -> None:
    """The role names that reports count."""
    assert (RECORD, FURNITURE, WARNING) == ("record", "furniture", "warning")


def test_the_common_shape_after_a_page_header() -> None:
    """Title, blanks, the column words and year links are furniture; anything else there is
    a warning."""
    lines = ["欧州との防衛協力に関する報道", "", " 年 月 日", "出　典", "標   題", "要旨",
             "2024年の報道 2023年以前の報道", " 目次" + "あ" * 45,
             "2025.02.10", " 9:22", "時事通信", "", "(Yahoo)", "",
             "モンゴルへ航空管制レーダー 政府、OSAで供与 <2503-021012>",
             " 政府が10日、発表した。", " 連携を重視している。"]
    assert parse(lines) == Parsed(
        records=[clip("2503-021012", "モンゴルへ航空管制レーダー 政府、OSAで供与",
                      "政府が10日、発表した。\n連携を重視している。", "2025-02-10", 9,
                      time="09:22", via_yahoo=True)],
        roles=[F] * 7 + [W] + [R] * 9,
        issues=[warn(8, "unexpected line before the first article: "
                        f"'目次{'あ' * 38}'")])


def test_year_links_and_header_words() -> None:
    """Year links and the column words are furniture, other header lines warnings."""
    lines = ["T", "2024年の報道", " 2023年以前の報道　2022年の報道 ", "2024年の", "要　旨",
             "年月日x", "2016.08.04", "時事通信", "台湾、潜水艦建造 <1609-080402>", " 文。"]
    assert parse(lines) == Parsed(
        records=[clip("1609-080402", "台湾、潜水艦建造", "文。", "2016-08-04", 7)],
        roles=[F, F, F, W, F, W, R, R, R, R],
        issues=[warn(4, "unexpected line before the first article: '2024年の'"),
                warn(6, "unexpected line before the first article: '年月日x'")])


def test_date_outlet_and_english_title_on_one_line() -> None:
    """The outlet split off the title by the table's spellings."""
    lines = ["2017.05.11 Stars & Stripes US, Japan practice landings on Guam <1706-051106>",
             " 演習が行われる。"]
    assert parse(lines) == Parsed(records=[clip(
        "1706-051106", "US, Japan practice landings on Guam", "演習が行われる。", "2017-05-11", 1,
        source_raw="Stars & Stripes", source="Stars and Stripes", lang="en")], roles=[R, R])


def test_time_then_outlet_and_title_sharing_a_line() -> None:
    """One-digit month and day; the outlet before the title on the id's line."""
    lines = ["2025.6.8", "16:13", "日経新聞 日米韓共同空中訓練 李在明政権で初 <2506-060821>",
             " 訓練した。"]
    assert parse(lines) == Parsed(records=[clip(
        "2506-060821", "日米韓共同空中訓練 李在明政権で初", "訓練した。", "2025-06-08", 1,
        time="16:13", source_raw="日経新聞", source="日本経済新聞")], roles=[R] * 4)


def test_an_outlet_over_two_lines() -> None:
    """Japanese halves are joined as they are, Latin ones with a space."""
    lines = ["2025.05.08", "11:44", "乗りもの", "ニュース",
             "(ＹＡＨＯＯ)", "巨大軍艦が出港 <2506-050809>", " 出港した。",
             "2025.05.07", "Stars", "& Stripes", "インターネット",
             "Carrier leaves <2506-050701>", " text."]
    assert parse(lines) == Parsed(records=[
        clip("2506-050809", "巨大軍艦が出港", "出港した。", "2025-05-08", 1, time="11:44",
             source_raw="乗りものニュース", via_yahoo=True),
        clip("2506-050701", "Carrier leaves", "text.", "2025-05-07", 8,
             source_raw="Stars & Stripes", source="Stars and Stripes", lang="en")],
        roles=[R] * 13)


def test_join_parts() -> None:
    """Halves of an outlet: a space only between Latin letters or digits."""
    assert _join_parts([]) == ""
    assert _join_parts(["Stars", "& Stripes"]) == "Stars & Stripes"
    assert _join_parts(["Inside", "Defense", "News"]) == "Inside Defense News"
    assert _join_parts(["乗りもの", "ニュース"]) == "乗りものニュース"
    assert _join_parts(["NHK", "ニュース"]) == "NHKニュース"
    assert _join_parts(["朝日", "Asahi"]) == "朝日Asahi"
    assert _join_parts(["ABC日", "x"]) == "ABC日x"  # the last character decides
    assert _join_parts(["A", "x日"]) == "A x日"  # the first character decides


def test_the_yahoo_article_shape() -> None:
    """The title in 「」 on a line of its own, the id alone on the next."""
    lines = ["2017.04.29 Yahoo 讀賣新聞記事", "", "「仏強襲揚陸艦が佐世保入港」", "",
             "<1705-042909>", " 入港した。"]
    assert parse(lines) == Parsed(records=[clip(
        "1705-042909", "仏強襲揚陸艦が佐世保入港", "入港した。", "2017-04-29", 1,
        source_raw="Yahoo 讀賣新聞記事", source="読売新聞", via_yahoo=True)], roles=[R] * 6)


def test_an_unknown_yahoo_outlet_is_its_inner_name() -> None:
    """Yahoo's header stripped off an outlet the table does not know."""
    lines = ["2017.04.29 Yahoo 謎新報記事", "「題です」", "<1705-042909>", " 入港した。"]
    assert parse(lines) == Parsed(
        records=[clip("1705-042909", "題です", "入港した。", "2017-04-29", 1,
                      source_raw="Yahoo 謎新報記事", source="謎新報", via_yahoo=True)],
        roles=[R] * 4,
        issues=[warn(1, "outlet 'Yahoo 謎新報記事' is not in data/outlets.toml; add it there to "
                        "merge its spellings", "notice")])


def test_the_internet_marker_is_not_yahoo() -> None:
    """インターネット is a marker that does not mean Yahoo."""
    lines = ["2016.08.04 産経新聞", "インターネット", "台湾、潜水艦建造 <1609-080402>",
             " 示している。"]
    assert parse(lines) == Parsed(records=[clip(
        "1609-080402", "台湾、潜水艦建造", "示している。", "2016-08-04", 1, source_raw="産経新聞")],
        roles=[R] * 4)


@pytest.mark.parametrize(("written", "rec_id", "day", "issue"), [
    ("2023.05:05", "2306-050503", "2023-05-05",
     ("repair", "malformed date '2023.05:05' read as 2023-05-05 (confirmed by id 2306-050503)")),
    ("2023/5/5", "2305-050503", "2023-05-05",
     ("repair", "malformed date '2023/5/5' read as 2023-05-05 (confirmed by id 2305-050503)")),
    ("2023．05．05", "2308-050503", "2023-05-05",
     ("repair", "malformed date '2023．05．05' read as 2023-05-05 (confirmed by id "
                "2308-050503)")),
    ("2023.05．05", "2306-050503", "2023-05-05",
     ("repair", "malformed date '2023.05．05' read as 2023-05-05 (confirmed by id 2306-050503)")),
    ("2023:05.05", "2306-050503", "2023-05-05",
     ("repair", "malformed date '2023:05.05' read as 2023-05-05 (confirmed by id 2306-050503)")),
    ("2023.05:06", "2306-050503", None,
     ("warning", "malformed date '2023.05:06' that id 2306-050503 does not confirm; the "
                 "article has no date")),
    ("2023.05:05", "2309-050503", None,  # filed four months later: not this year's
     ("warning", "malformed date '2023.05:05' that id 2309-050503 does not confirm; the "
                 "article has no date")),
    ("2023.05:05", "2304-050503", None,  # filed before
     ("warning", "malformed date '2023.05:05' that id 2304-050503 does not confirm; the "
                 "article has no date")),
    ("2023.02.30", "2303-023003", None,
     ("warning", "malformed date '2023.02.30' that id 2303-023003 does not confirm; the "
                 "article has no date")),
    ("2023.05.06", "2306-050503", "2023-05-06",
     ("warning", "date 2023.05.06 and id 2306-050503 disagree (the id says 05-05); kept the "
                 "date as written")),
    ("2023.5.5", "2306-050503", "2023-05-05", None),
], ids=["colon", "slashes", "full-width-dots", "one-full-width", "colon-first", "unconfirmed",
        "four-months", "before", "no-such-day", "disagree", "one-digit"])
def test_dates(written: str, rec_id: str, day: str | None,
               issue: tuple[str, str] | None) -> None:
    """Each way a date is written, and what the id confirms or contradicts."""
    lines = [written, "時事通信", f"岸田首相アフリカ歴訪 <{rec_id}>", " 歴訪。"]
    assert parse(lines) == Parsed(
        records=[clip(rec_id, "岸田首相アフリカ歴訪", "歴訪。", day, 1)], roles=[R] * 4,
        issues=[warn(1, issue[1], issue[0])] if issue else [])


@pytest.mark.parametrize(("day", "rec_id", "fits"), [
    (date(2023, 5, 5), "2305-050503", True), (date(2023, 5, 5), "2308-050503", True),
    (date(2023, 5, 5), "2309-050503", False), (date(2023, 5, 5), "2304-050503", False),
    (date(2022, 12, 31), "2301-123101", True), (date(2022, 11, 30), "2302-113001", True),
    (date(2022, 11, 30), "2303-113001", False), (date(2022, 9, 30), "2212-093001", True),
    (date(2022, 8, 30), "2212-083001", False),
], ids=["same-month", "three-later", "four-later", "month-before", "new-year", "over-year",
        "four-over-year", "december", "four-before-december"])
def test_year_fits(day: date, rec_id: str, fits: bool) -> None:
    """An id is filed 0 to 3 months after the date, across a year's end too."""
    assert _year_fits(day, rec_id) is fits


@pytest.mark.parametrize("line", ["2023.05.05x", "202.05.05", "2023.05", "2023.005.05",
                                  "2023.05.005", "2023-05-05", " 2023.05.05"],
                         ids=["glued", "short-year", "no-day", "long-month", "long-day",
                              "dashes", "indented"])
def test_lines_that_are_no_date(line: str) -> None:
    """Not a date line: before the first article, it is a misplaced line."""
    assert parse([line]) == Parsed(roles=[F])
    assert parse(["T", line]) == Parsed(roles=[F, W], issues=[
        warn(2, f"unexpected line before the first article: {line.strip()!r}")])


@pytest.mark.parametrize(("written", "shown"), [
    ("<<2502-013105>", "<<2502-013105>"),
    ("＜２５０２ー０１３１０５＞", "＜２５０２ー０１３１０５＞"),
    ("< 2502 ‐ 013105 >", "< 2502 ‐ 013105 >"),
    ("<2502－013105", "<2502－013105"),
], ids=["doubled", "full-width", "spaced", "unclosed"])
def test_ids_written_otherwise(written: str, shown: str) -> None:
    """Odd ids are read and the repair says how they were written."""
    lines = ["2025.01.31", "共同通信", f"米長官候補 {written}", " 文。"]
    assert parse(lines) == Parsed(
        records=[clip("2502-013105", "米長官候補", "文。", "2025-01-31", 1,
                      source_raw="共同通信")],
        roles=[R] * 4, issues=[warn(3, f"id written as {shown!r}; read as 2502-013105",
                                    "repair")])


def test_html_leftovers_in_header_title_and_summary() -> None:
    """Each place HTML is removed is reported with its line."""
    lines = ["2025.06.09", "日経新聞/a>", "日米協議/td> <2507-060913>", " 協議した。/td>",
             "2025.06.08 日経新聞/a> 日伊会談 <2507-060801>", " 会談した。"]
    assert parse(lines) == Parsed(
        records=[clip("2507-060913", "日米協議", "協議した。", "2025-06-09", 1,
                      source_raw="日経新聞", source="日本経済新聞"),
                 clip("2507-060801", "日伊会談", "会談した。", "2025-06-08", 5,
                      source_raw="日経新聞", source="日本経済新聞")],
        roles=[R] * 6,
        issues=[warn(3, "HTML leftover removed from the title line", "repair"),
                warn(2, "HTML leftover removed from the article header", "repair"),
                warn(4, "HTML leftover removed from the summary", "repair")])


def test_unknown_outlets() -> None:
    """On its own line: a notice; before the title: the first word, and a warning."""
    lines = ["2025.06.09", "謎新報", "日米協議 <2507-060913>", " 協議した。",
             "2025.06.08 謎日報 日伊 会談 <2507-060801>", " 会談した。"]
    assert parse(lines) == Parsed(
        records=[clip("2507-060913", "日米協議", "協議した。", "2025-06-09", 1,
                      source_raw="謎新報"),
                 clip("2507-060801", "日伊 会談", "会談した。", "2025-06-08", 5,
                      source_raw="謎日報")],
        roles=[R] * 6,
        issues=[warn(1, "outlet '謎新報' is not in data/outlets.toml; add it there to merge "
                        "its spellings", "notice"),
                warn(5, "outlet not in data/outlets.toml: took '謎日報' as the outlet; add its "
                        "spelling there"),
                warn(5, "outlet '謎日報' is not in data/outlets.toml; add it there to merge "
                        "its spellings", "notice")])


def test_no_title_and_no_summary() -> None:
    """Both are warnings; the record is kept."""
    lines = ["2025.06.09", "時事通信", "<2507-060913>", "", "2025.06.08", "時事通信",
             "題 <2507-060801>"]
    assert parse(lines) == Parsed(
        records=[clip("2507-060913", "", "", "2025-06-09", 1),
                 clip("2507-060801", "題", "", "2025-06-08", 5)],
        roles=[R] * 7,
        issues=[warn(3, "article 2507-060913 has no title"),
                warn(3, "article 2507-060913 has no summary text"),
                warn(7, "article 2507-060801 has no summary text")])


def test_two_titles_keep_the_second() -> None:
    """A 「」 title line and a title before the id: the second is kept."""
    lines = ["2025.06.09", "時事通信", "「日米協議」", "日米が協議 <2507-060913>", " 協議した。"]
    assert parse(lines) == Parsed(
        records=[clip("2507-060913", "日米が協議", "協議した。", "2025-06-09", 1)],
        roles=[R] * 5,
        issues=[warn(4, "two titles: '「日米協議」' and '日米が協議'; kept the second")])


def test_summary_text_above_the_title() -> None:
    """A line ending in 。 or longer than 30 characters is summary text; 30 is an outlet."""
    lines = ["2025.06.09", "時事通信", "先に来た文。", "x" * 31, "日米協議 <2507-060913>",
             " 協議した。", "2025.06.08", "y" * 30, "日伊協議 <2507-060801>", " 協議した。"]
    assert parse(lines) == Parsed(
        records=[clip("2507-060913", "日米協議", "先に来た文。\n" + "x" * 31 + "\n協議した。",
                      "2025-06-09", 1),
                 clip("2507-060801", "日伊協議", "協議した。", "2025-06-08", 7,
                      source_raw="y" * 30)],
        roles=[R] * 10,
        issues=[warn(3, "reads like summary text but stands above the title line; taken into "
                        "the summary"),
                warn(4, "reads like summary text but stands above the title line; taken into "
                        "the summary"),
                warn(7, f"outlet {'y' * 30!r} is not in data/outlets.toml; add it there to "
                        "merge its spellings", "notice")])


def test_times() -> None:
    """A time is zero-padded; only the first one is the time (a second is no outlet)."""
    lines = ["2025.06.09", " 9:05 ", "時事通信", "日米協議 <2507-060913>", " 協議した。",
             "2025.06.08", "10：30", "共同通信", "日伊協議 <2507-060801>", " 協議した。"]
    assert parse(lines) == Parsed(
        records=[clip("2507-060913", "日米協議", "協議した。", "2025-06-09", 1, time="09:05"),
                 clip("2507-060801", "日伊協議", "協議した。", "2025-06-08", 6, time="10:30",
                      source_raw="共同通信")],
        roles=[R] * 10)


def test_notes_after_the_summary() -> None:
    """【】 blocks become notes, each with its continuation lines."""
    lines = ["2025.06.09", "時事通信", "日米協議 <2507-060913>", " 協議した。", "続けて",
             "述べた。",
             "【註】", " 注の文", "続き。", "【関連記事:1】", "2025.06.08", "時事通信",
             "日伊 <2507-060801>", " 文。"]
    assert parse(lines) == Parsed(
        records=[clip("2507-060913", "日米協議", "協議した。\n続けて\n述べた。", "2025-06-09", 1,
                      notes=["【註】\n注の文\n続き。", "【関連記事:1】"]),
                 clip("2507-060801", "日伊", "文。", "2025-06-08", 11)],
        roles=[R] * 14)


def test_the_title_line_repeated_in_the_summary() -> None:
    """Left out of the summary, and a warning line (it was counted a record line)."""
    lines = ["2025.06.09", "時事通信", "日米協議 <2507-060913>", " 協議した。",
             "日米協議 <2507-060913>", " 次。"]
    assert parse(lines) == Parsed(
        records=[clip("2507-060913", "日米協議", "協議した。\n次。", "2025-06-09", 1)],
        roles=[R, R, R, R, W, R],
        issues=[warn(5, "repeats the title line of article 2507-060913; left out of its "
                        "summary")])


def test_a_stray_header_after_the_summary() -> None:
    """Header lines after the last summary line belong to no record."""
    lines = ["2025.06.09", "時事通信", "日米協議 <2507-060913>", " 協議した。", "産経新聞", "",
             "インターネット", " 10:00", "", "2025.06.08", "時事通信", "日伊 <2507-060801>",
             " 文。", "（Ｙａｈｏｏ）"]
    assert parse(lines) == Parsed(
        records=[clip("2507-060913", "日米協議", "協議した。", "2025-06-09", 1),
                 clip("2507-060801", "日伊", "文。", "2025-06-08", 10)],
        roles=[R, R, R, R, W, R, W, W, R, R, R, R, R, W],
        issues=[warn(5, "lines 5–8 (産経新聞 / インターネット / 10:00) look like the header of an "
                        "article with no date or title; not part of any record"),
                warn(14, "line 14 (（Ｙａｈｏｏ）) look like the header of an article with no date "
                         "or title; not part of any record")])


def test_articles_whose_date_line_was_lost() -> None:
    """A second id starts an article; its header is the run of header lines above it, less
    the blank lines at its top."""
    lines = ["2016.08.05", "時事通信", "甲の記事 <1609-080501>", " 文。", "", "産経新聞", "10:00",
             "インターネット", "", "台湾 <1609-080402>", " 示している。", "乙の記事 <1610-080402>",
             " 示す。", "共同通信 丙の記事 <1609-080201>", " 示した。"]
    assert parse(lines) == Parsed(
        records=[clip("1609-080501", "甲の記事", "文。", "2016-08-05", 1),
                 clip("1609-080402", "台湾", "示している。", None, 6, time="10:00",
                      source_raw="産経新聞"),
                 clip("1610-080402", "乙の記事", "示す。", None, 12, source_raw="", source=""),
                 clip("1609-080201", "丙の記事", "示した。", None, 14, source_raw="共同通信")],
        roles=[R] * 15,
        issues=[warn(6, "article 1609-080402 has no date line (was a line lost above it?): kept "
                        "without a date; add its date line"),
                warn(12, "article 1610-080402 has no date line (was a line lost above it?): "
                         "kept without a date; add its date line"),
                warn(14, "article 1609-080201 has no date line (was a line lost above it?): "
                         "kept without a date; add its date line")])


def test_a_lost_date_line_right_under_the_article_start() -> None:
    """The header found above a second id stops at the line after the date line."""
    lines = ["2016.08.05 時事通信 甲の記事 <1609-080501>", "共同通信", "乙の記事 <1609-080301>",
             " 示す。"]
    assert parse(lines) == Parsed(
        records=[clip("1609-080501", "甲の記事", "", "2016-08-05", 1),
                 clip("1609-080301", "乙の記事", "示す。", None, 2, source_raw="共同通信")],
        roles=[R] * 4,
        issues=[warn(1, "article 1609-080501 has no summary text"),
                warn(2, "article 1609-080301 has no date line (was a line lost above it?): kept "
                        "without a date; add its date line")])


def test_the_same_id_twice_starts_no_article() -> None:
    """The article's own id again is a repeated title, not a new article."""
    lines = ["2016.08.05", "時事通信", "甲の記事 <1609-080501>", " 文。",
             "甲の記事 ＜1609-080501＞"]
    assert parse(lines) == Parsed(
        records=[clip("1609-080501", "甲の記事", "文。", "2016-08-05", 1)],
        roles=[R, R, R, R, W],
        issues=[warn(5, "repeats the title line of article 1609-080501; left out of its "
                        "summary")])


def test_an_article_without_an_id() -> None:
    """Kept under the file's stem and its line, titled by its first line that is no header."""
    lines = ["T", "2016.08.05 時事通信", "10:00", "(Yahoo)", "産経新聞", "", "「題」", " 本文。",
             "続き。", "2016.02.30", "題二", " 本文。"]
    assert parse(lines, "arc.v2.txt") == Parsed(
        records=[clip("arc.v2:2", "題", "本文。\n続き。", "2016-08-05", 2, file="arc.v2.txt"),
                 clip("arc.v2:10", "題二", "本文。", None, 10, source_raw="",
                      file="arc.v2.txt")],
        roles=[F] + [R] * 11,
        issues=[Issue("arc.v2.txt", 2, "article has no id <YYMM-MMDDNN>; kept as arc.v2:2"),
                Issue("arc.v2.txt", 10, "article has no id <YYMM-MMDDNN>; kept as arc.v2:10")])


def test_an_article_without_an_id_and_an_outlet_it_does_not_know() -> None:
    """The outlet as written, and the language of the title."""
    lines = ["2016.08.05 謎新報", "Title in English", "本文。"]
    assert parse(lines) == Parsed(
        records=[clip("arc:1", "Title in English", "本文。", "2016-08-05", 1,
                      source_raw="謎新報", lang="en")],
        roles=[R] * 3, issues=[warn(1, "article has no id <YYMM-MMDDNN>; kept as arc:1")])


def test_an_article_cut_off_after_its_header() -> None:
    """Header lines only: not indexed, each line a warning."""
    lines = ["T", "2016.08.05", "10:00", "時事通信", " (Yahoo) ", "", "2016.08.04", "時事通信",
             "台湾 <1609-080402>", " 文。"]
    assert parse(lines) == Parsed(
        records=[clip("1609-080402", "台湾", "文。", "2016-08-04", 7)],
        roles=[F] + [W] * 5 + [R] * 4,
        issues=[warn(2, "article cut off after its header (no title, no id): not indexed")])


@pytest.mark.parametrize(("last", "cut"), [
    (" 文の途中で", True), (" 文。", False), (" 文.", False), (" 「文」", False),
    (" 文)", False), ("題 <1609-080301>", False), (" 文）", False), (" 文！", False),
], ids=["mid-sentence", "maru", "period", "bracket", "paren", "id", "full-paren", "bang"])
def test_a_file_cut_short(last: str, cut: bool) -> None:
    """Warned only when the last line stops mid-sentence."""
    lines = ["2016.08.04", "時事通信", "台湾 <1609-080402>", " 文。", last, "  "]
    issues = parse(lines).issues
    assert [i for i in issues if "cut short" in i.message] == ([warn(
        5, "the file ends in the middle of a sentence: was it cut short? The last article is "
           "kept as it stands")] if cut else [])


def test_no_cut_short_warning_after_a_stray_line_or_without_articles() -> None:
    """The warning needs a last line that is part of a record."""
    lines = ["2016.08.04", "時事通信", "台湾 <1609-080402>", " 文の途中で", "産経新聞"]
    assert [i.line for i in parse(lines).issues] == [5]  # the stray line's, no other
    assert parse(["T", ""]) == Parsed(roles=[F, F])
    assert parse([]) == Parsed()


def test_three_articles_one_after_another() -> None:
    """Each runs to the next date line: no id of a later article starts another."""
    lines = ["2016.08.05", "時事通信", "甲の記事 <1609-080501>", " 文。",
             "2016.08.04", "共同通信", "乙の記事 <1609-080401>", " 文。",
             "2016.08.03", "産経新聞", "丙の記事 <1609-080301>", " 文。"]
    assert parse(lines) == Parsed(
        records=[clip("1609-080501", "甲の記事", "文。", "2016-08-05", 1),
                 clip("1609-080401", "乙の記事", "文。", "2016-08-04", 5, source_raw="共同通信"),
                 clip("1609-080301", "丙の記事", "文。", "2016-08-03", 9, source_raw="産経新聞")],
        roles=[R] * 12)
