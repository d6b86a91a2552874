"""Exact behaviour of search.corpus.documents (written for mutation testing): a white-paper
chapter cut into passages (sections, topics, notes, captions, footnotes) and a single
article, compared whole: every record field, every line's role, every issue."""

from __future__ import annotations

import pytest

from search.corpus.clippings import FURNITURE, RECORD, Parsed
from search.corpus.documents import (
    _find_marker,
    _footnote_block,
    _paragraph_line,
    _Passage,
    _same_topic,
    parse_article,
    parse_document,
    topic_of,
)
from search.corpus.manifest import FileMeta
from search.corpus.records import Issue, Record

R, F = RECORD, FURNITURE
DOC = FileMeta("wp.txt", "document", "白書", "wp", "2025-07-15", "令和7年版防衛白書")


def passage(n: int, title: str, summary: str, line: int, section: str,
            notes: list[str] | None = None, meta: FileMeta = DOC,
            source: str = "防衛白書") -> Record:
    return Record(id=f"{meta.doc_id}#{n}", kind="passage", title=title, summary=summary,
                  date=meta.date, source_raw=meta.source or meta.label, source=source,
                  notes=notes or [], lang="ja", collections=[meta.label], file=meta.name,
                  line=line, section=section)


@pytest.mark.parametrize(("paragraph", "topic"), [
    ("スペインは、欧州の国である。", "スペイン"),
    ("タイとの間では、協力を進めた。", "タイ"),
    ("タイとの間で、協力を進めた。", "タイ"),
    ("タイとは、協力を進めた。", "タイ"),
    ("ロシアとの関係は、厳しい。", "ロシア"),
    ("ロシアとの関係については、述べない。", "ロシア"),
    ("中東には、部隊を送った。", None),  # 中東: no place suffix, not katakana
    ("太平洋島嶼国には、支援した。", "太平洋島嶼国"),
    ("フランスは欧州の大国である。", "フランス"),
    ("フランスは。", "フランス"),
    ("わが国は、インドとの間で、協議した。", "インド"),
    ("わが国は、協議した。", None),
    ("欧州諸国は、価値を共有する。", "欧州諸国"),
    ("中南米地域は、遠い。", "中南米地域"),
    ("ロシア連邦は、侵略した。", "ロシア連邦"),
    ("中国は、海洋進出を強めている。", "中国"),
    ("両国は、協定を締結した。", None),
    ("同国は、協定を締結した。", None),
    ("各国は、協定を締結した。", None),
    ("本年は、多くの会談があった。", None),
    ("日米豪3か国は、訓練を行った。", "日米豪3か国"),
    ("日米豪３か国は、訓練を行った。", "日米豪３か国"),
    ("NATOとは、協力を進めた。", "NATO"),
    ("ASEAN(東南アジア諸国連合)とは、協力した。", "ASEAN"),
    ("(注)は、省く。", None),
    ("インドおよびオーストラリアは、協力した。", "インドおよびオーストラリア"),
    ("インド及び豪州は、協力した。", None),
    ("英国・フランスは、協力した。", "英国・フランス"),
    ("ドイツ、イタリアは、協力した。", None),  # the subject stops at 、
    ("ドイツとイタリアは、協力した。", "ドイツとイタリア"),
    ("吉田統幕長は、懇談を行った。", None),
    ("2024年5月、会談した。", None),
    ("x" * 60 + "は、長い。", None),
    ("ア" * 60 + "は、長い。", "ア" * 60),
    ("ア" * 61 + "は、長い。", None),
], ids=[f"p{n}" for n in range(35)])
def test_topic_of(paragraph: str, topic: str | None) -> None:
    """Which sentences name the place they are about."""
    assert topic_of(paragraph) == topic


def test_same_topic() -> None:
    """One label inside the other is the same topic."""
    assert _same_topic("英国", "英国")
    assert _same_topic("英国", "日英国")
    assert _same_topic("日英国", "英国")
    assert not _same_topic("英国", "米国")


CHAPTER = [
    "協力・交流を推進するにあたっては、地域の特性を踏まえる。",  # 1: 総論
    "参照II部5章",  # 2: a note of 総論
    "",
    "オーストラリアは、わが国にとって重要である。",  # 4: a topic
    "両国は、協定1」を締結した。",  # 5: no topic: a passage of its own, the same label
    "日豪「2+2」(2024年9月)",  # 6: a caption
    "ア 英国との防衛協力・交流の意義",  # 7: a section
    "英国は、大国である。",  # 8: its own topic stays in it
    "イ 最近の主要な防衛協力・交流実績など",  # 9: a subheading stays in it
    "2024年7月、計画2(ITPP)で会談した。",
    "資料:2024年11月共同声明",  # 11: a note of the section
    "URL:https://www.mod.go.jp/",
    "フランスは、大国である。",  # 13: another topic ends the section
    "エ 各軍種の取組",  # 14: a subheading outside a section: the next passage's heading
    "吉田統幕長は、懇談を行った。",
    "",
    "1 日豪の特別な戦略的パートナーシップ",
    "2 インド太平洋地域の計画",
    "",
]


def test_a_chapter_cut_into_passages() -> None:
    """Each rule of the module docstring on a chapter of 19 lines."""
    assert parse_document(DOC, CHAPTER) == Parsed(
        records=[
            passage(1, "総論", "協力・交流を推進するにあたっては、地域の特性を踏まえる。", 1,
                    "総論",
                    ["参照II部5章"]),
            passage(2, "オーストラリア(1)", "オーストラリアは、わが国にとって重要である。", 4,
                    "オーストラリア"),
            passage(3, "オーストラリア(2)", "両国は、協定1」を締結した。", 5, "オーストラリア",
                    ["写真: 日豪「2+2」(2024年9月)", "注1 日豪の特別な戦略的パートナーシップ"]),
            passage(4, "英国との防衛協力・交流",
                    "英国は、大国である。\nイ 最近の主要な防衛協力・交流実績など\n"
                    "2024年7月、計画2(ITPP)で会談した。", 7, "英国",
                    ["資料:2024年11月共同声明", "URL:https://www.mod.go.jp/",
                     "注2 インド太平洋地域の計画"]),
            passage(5, "フランス(1)", "フランスは、大国である。", 13, "フランス"),
            passage(6, "フランス(2) — 各軍種の取組", "吉田統幕長は、懇談を行った。", 14,
                    "フランス"),
        ],
        roles=[R, R, F] + [R] * 12 + [F, R, R, F])


def test_source_label_and_defaults() -> None:
    """The source as written when the outlet table does not know it, else the label."""
    lines = ["スペインは、欧州の国である。"]
    unknown = FileMeta("a.txt", "document", "L", "a", None, "謎の出典")
    assert parse_document(unknown, lines).records == [
        passage(1, "スペイン", lines[0], 1, "スペイン", meta=unknown, source="謎の出典")]
    bare = FileMeta("a.txt", "document", "L", "a")
    assert parse_document(bare, lines).records == [
        passage(1, "スペイン", lines[0], 1, "スペイン", meta=bare, source="L")]


def test_a_section_ended_by_a_new_section_and_notes_without_a_passage() -> None:
    """A note before any passage is furniture, as is a subheading nothing follows."""
    lines = ["参照I部", "(注)写真の説明文(5月)", "ア 英国との防衛協力・交流の意義",
             "日英は協力した。", "イ フランスとの防衛協力・交流の意義", "フランスとは、協力した。",
             "英国とは、別に協力した。",
             "ウ 最後の見出し"]
    assert parse_document(DOC, lines) == Parsed(
        records=[passage(1, "英国との防衛協力・交流", "日英は協力した。", 3, "英国"),
                 passage(2, "フランスとの防衛協力・交流", "フランスとは、協力した。", 5,
                         "フランス"),
                 passage(3, "英国(2)", "英国とは、別に協力した。", 7, "英国")],
        roles=[F, F, R, R, R, R, R, F])


def test_a_section_keeps_a_topic_naming_part_of_its_label() -> None:
    """A topic that is part of the section's label does not end it."""
    lines = ["ア 欧州諸国との防衛協力・交流の意義", "欧州は、遠い。", "欧州諸国とは、協力した。",
             "北欧諸国とは、協力した。"]
    assert parse_document(DOC, lines).records == [
        passage(1, "欧州諸国との防衛協力・交流", "欧州は、遠い。\n欧州諸国とは、協力した。", 1,
                "欧州諸国"),
        passage(2, "北欧諸国", "北欧諸国とは、協力した。", 4, "北欧諸国")]


@pytest.mark.parametrize(("text", "kind"), [
    ("ア 英国との防衛協力・交流の意義", "section"), ("ン 英国との防衛協力・交流の意義 ", "section"),
    ("ア英国との防衛協力・交流の意義", "text"), ("a 英国との防衛協力・交流の意義", "text"),
    ("ア 英国との防衛協力・交流の意義です", "subhead"),
    ("オ 各軍種の取組", "subhead"), ("カ 各軍種の取組", "text"), ("ア 取組。", "text"),
    ("ア " + "x" * 41, "subhead"), ("ア " + "x" * 42, "text"), ("ア  x", "subhead"),
    ("参照1", "note"), ("資料：1", "note"), ("URL：x", "note"), ("資料1", "text"),
    ("xx(5月)", "caption"), ("xx(2024年12月)", "caption"), ("x(5月)", "text"),
    ("xx。(5月)", "text"), ("xx(5月)。", "text"), ("xx(24年5月)", "text"),
    ("x" * 80 + "(5月)", "caption"), ("x" * 81 + "(5月)", "text"),
], ids=[f"t{n}" for n in range(23)])
def test_the_kinds_of_line(text: str, kind: str) -> None:
    """Each line after a passage: what it becomes."""
    lines = ["ロシアは、隣国である。", text, "同国は、広い。"]
    first, last = "ロシアは、隣国である。", "同国は、広い。"
    expected = {
        "section": [("ロシア", first, []), ("英国との防衛協力・交流", last, [])],
        "subhead": [("ロシア(1)", first, []), (f"ロシア(2) — {text[1:].strip()}", last, [])],
        "note": [("ロシア(1)", first, [text]), ("ロシア(2)", last, [])],
        "caption": [("ロシア(1)", first, [f"写真: {text}"]), ("ロシア(2)", last, [])],
        "text": [("ロシア(1)", first, []), ("ロシア(2)", text.strip(), []),
                 ("ロシア(3)", last, [])],
    }[kind]
    got = parse_document(DOC, lines)
    assert [(r.title, r.summary, r.notes) for r in got.records] == expected
    assert got.roles == [R, R, R]


def test_footnotes_cited_uncited_and_missing() -> None:
    """A footnote no text cites goes to the last passage; a marker past the last footnote is
    a warning on its paragraph's line (a section's first line is its heading)."""
    lines = ["ロシアは、隣国1である。", "同国は、広い3。", "", "1 注一", "2 注二"]
    assert parse_document(DOC, lines) == Parsed(
        records=[passage(1, "ロシア(1)", "ロシアは、隣国1である。", 1, "ロシア", ["注1 注一"]),
                 passage(2, "ロシア(2)", "同国は、広い3。", 2, "ロシア", ["注2 注二"])],
        roles=[R, R, F, R, R],
        issues=[Issue("wp.txt", 5, "footnote 2 is not cited in the text; kept with the last "
                                   "passage"),
                Issue("wp.txt", 2, "cites footnote 3, but the footnotes at the end stop at 2")])
    lines = ["ア 英国との防衛協力・交流の意義", "英国は、大国である。", "計画2とする。",
             "計画3とする。",
             "1 注一", "2 注二"]
    assert parse_document(DOC, lines) == Parsed(
        records=[passage(1, "英国との防衛協力・交流",
                         "英国は、大国である。\n計画2とする。\n計画3とする。", 1, "英国",
                         ["注1 注一", "注2 注二"])],
        roles=[R] * 6,
        issues=[Issue("wp.txt", 5, "footnote 1 is not cited in the text; kept with the last "
                                   "passage"),
                Issue("wp.txt", 4, "cites footnote 3, but the footnotes at the end stop at 2")])


def test_markers_are_found_in_order() -> None:
    """The second footnote's marker is looked for after the first's: 計画2 before 協定1 is
    not it."""
    lines = ["ロシアは、計画2と協定1」と計画2を結んだ。", "同国は、計画3と計画2を結んだ。",
             "1 注一", "2 注二", "3 注三"]
    got = parse_document(DOC, lines)
    assert [r.notes for r in got.records] == [["注1 注一", "注2 注二"], ["注3 注三"]]
    assert got.issues == []


def test_no_marker_without_footnotes() -> None:
    """Digits in a document without footnotes are no markers."""
    got = parse_document(DOC, ["ロシアは、計画1を結んだ。"])
    assert (got.issues, got.records[0].notes) == ([], [])


@pytest.mark.parametrize(("lines", "found"), [
    (["a", "1 x", "2 y", "", " "], (1, {1: (1, "x"), 2: (2, "y")})),
    (["1 x", "2 y"], (0, {1: (0, "x"), 2: (1, "y")})),
    (["a", "1 x", "3 y"], (3, {})),
    (["a", "2 y"], (2, {})),
    (["a", "1 x", "1 y"], (2, {1: (2, "y")})),
    (["2 z", "1 x", "2 y"], (1, {1: (1, "x"), 2: (2, "y")})),
    (["", " "], (0, {})),
    ([], (0, {})),
    (["a", " 1  x "], (1, {1: (1, "x")})),
    (["a", "1x"], (2, {})),
    (["a", "1 "], (2, {})),
    (["a", "999 x", "1000 y"], (3, {})),
    (["a", "01 x"], (1, {1: (1, "x")})),
], ids=["two", "whole-file", "gap", "no-first", "twice-first", "repeated-number", "blank",
        "empty", "spaces", "glued", "no-text", "four-digits", "leading-zero"])
def test_footnote_block(lines: list[str], found: tuple) -> None:
    """Only a run 1..N at the very end is footnotes."""
    assert _footnote_block(lines) == found


@pytest.mark.parametrize(("text", "n", "at"), [
    ("協定1」", 1, 2), ("協定1", 1, 2), ("a1」", 1, 1), ("協定11」", 11, 2),
    ("1あ", 1, None), ("第1回", 1, None), ("約1", 1, None), ("A1」", 1, None),
    ("Z1」", 1, None), ("(1)", 1, None), ("（1）", 1, None), ("協定 1」", 1, None),
    ("協定1 」", 1, None), ("協定1年", 1, None), ("協定11」", 1, None), ("協定1.5", 1, None),
    ("協定1・", 1, None), ("協定1X", 1, 2), ("協定1x", 1, 2), ("協定1か国", 1, None),
    ("協定1%", 1, None), ("２1」", 1, None), ("協定1２", 1, None), ("第1回と協定1」", 1, 6),
    ("+1」", 1, None), ("協定1-", 1, None),
], ids=[f"m{n}" for n in range(26)])
def test_find_marker(text: str, n: int, at: int | None) -> None:
    """A footnote number needs a character before it, and neither side a counter."""
    passages = [_Passage("x", False, paragraphs=[text])]
    assert _find_marker(passages, n, (0, 0, 0)) == (None if at is None else (0, 0, at))


def test_find_marker_from_a_position() -> None:
    """From the character given in the paragraph given; later paragraphs and passages from
    their start."""
    passages = [_Passage("a", False, paragraphs=["協定1」と計画1」", "条文1」"]),
                _Passage("b", False, paragraphs=["宣言1」"])]
    assert _find_marker(passages, 1, (0, 0, 0)) == (0, 0, 2)
    assert _find_marker(passages, 1, (0, 0, 3)) == (0, 0, 7)
    assert _find_marker(passages, 1, (0, 0, 8)) == (0, 1, 2)
    assert _find_marker(passages, 1, (0, 1, 3)) == (1, 0, 2)
    assert _find_marker(passages, 1, (1, 0, 3)) is None
    assert _find_marker(passages, 1, (2, 0, 0)) is None


def test_paragraph_line() -> None:
    """A section's paragraphs start one line after its heading; the last line at most."""
    section = _Passage("x", True, lines=[10, 11, 12])
    assert [_paragraph_line(section, k) for k in (0, 1, 2, 5)] == [11, 12, 12, 12]
    plain = _Passage("x", False, lines=[20, 21])
    assert [_paragraph_line(plain, k) for k in (0, 1, 2)] == [20, 21, 21]


NEWS = FileMeta("n.txt", "article", "防衛省ニュース", "mod-1", None, "防衛省ニュース",
                "Ranking読まれている記事")


def article(title: str, summary: str, day: str | None, time: str | None, line: int,
            meta: FileMeta = NEWS, lang: str = "ja", source: str | None = None) -> Record:
    return Record(id=meta.doc_id, kind="article", title=title, summary=summary, date=day,
                  time=time, source_raw=meta.source or meta.label,
                  source=source or meta.source or meta.label, lang=lang,
                  collections=[meta.label], file=meta.name, line=line)


def test_an_article_with_breadcrumbs_and_site_furniture() -> None:
    """Breadcrumbs and the site's navigation are furniture."""
    lines = ["", "中谷防衛大臣、会談 ", "- ニュース", "- 大臣", " 2024-10-22  9:05 ", "本文1行目",
             "ACSA)に署名。", "- 箇条", "Ranking読まれている記事", "関連記事"]
    assert parse_article(NEWS, lines) == Parsed(
        records=[article("中谷防衛大臣、会談", "本文1行目(ACSA)に署名。\n- 箇条", "2024-10-22",
                         "09:05", 2)],
        roles=[F, R, F, F, R, R, R, R, F, F])


def test_an_article_whose_date_is_the_fifth_line_under_its_title() -> None:
    """The fifth line under the title is still looked at."""
    meta = FileMeta("n.txt", "article", "L", "n", "2024-01-01", "産經")
    lines = ["Title", "- a", "- b", "- c", "- d", "2024-10-22 18:15", "本文。", "読まれている記事"]
    assert parse_article(meta, lines) == Parsed(
        records=[article("Title", "本文。", "2024-10-22", "18:15", 1, meta, lang="en",
                         source="産経新聞")],
        roles=[R, F, F, F, F, R, R, F])


def test_an_article_without_a_date_line() -> None:
    """The sixth line under the title is too far: the manifest's date, and a warning."""
    meta = FileMeta("n.txt", "article", "L", "n", "2024-01-01")
    lines = ["Title here", "a", "b", "c", "d", "e", "2024-10-22 18:15", "本文。", "関連記事", "y"]
    assert parse_article(meta, lines) == Parsed(
        records=[article("Title here", "a b c d e\n2024-10-22 18:15\n本文。", "2024-01-01", None,
                         1, meta, lang="en")],
        roles=[R] * 8 + [F, F],
        issues=[Issue("n.txt", 2, "no 'YYYY-MM-DD HH:MM' line under the title; the article "
                                  "has no date")])


@pytest.mark.parametrize("line", ["2024-10-22 18:5", "2024-10-22", "2024-1-22 18:15",
                                  "2024-10-22 18:15 x", "x 2024-10-22 18:15"],
                         ids=["minute", "no-time", "month", "after", "before"])
def test_lines_that_are_no_article_time(line: str) -> None:
    """Not a date line: the article gets the manifest's date, here none."""
    got = parse_article(FileMeta("n.txt", "article", "L", "n"), ["T", line, "本文。"])
    assert (got.records[0].date, got.records[0].time, len(got.issues)) == (None, None, 1)


def test_an_article_of_blank_lines() -> None:
    """No title: no record."""
    assert parse_article(NEWS, ["", " "]) == Parsed(roles=[F, F])
    assert parse_article(NEWS, []) == Parsed()


def test_a_marker_only_counts_at_the_start_of_a_line_after_the_body_starts() -> None:
    """Furniture starts at a line beginning with the marker, inside the body only."""
    meta = FileMeta("n.txt", "article", "L", "n", furniture_from="終")
    lines = ["T", "関連記事", "2024-10-22 18:15", "本文 終", " 終わり", "x"]
    assert parse_article(meta, lines) == Parsed(
        records=[article("T", "本文 終", "2024-10-22", "18:15", 1, meta, lang="en")],
        roles=[R, R, R, R, F, F])


def test_a_subheading_under_a_subheading_is_furniture() -> None:
    """Only the last of two headings before a passage titles it; the first is furniture (it
    had no role at all before)."""
    lines = ["ロシアは、隣国である。", "エ 見出し一", "オ 見出し二", "同国は、広い。"]
    assert parse_document(DOC, lines) == Parsed(
        records=[passage(1, "ロシア(1)", "ロシアは、隣国である。", 1, "ロシア"),
                 passage(2, "ロシア(2) — 見出し二", "同国は、広い。", 3, "ロシア")],
        roles=[R, F, R, R])


def test_markers_past_a_rejected_one() -> None:
    """After a number that is no marker (第1回), the next one is looked at, not the last."""
    passages = [_Passage("x", False, paragraphs=["第1回と協定1」と第1回"])]
    assert _find_marker(passages, 1, (0, 0, 0)) == (0, 0, 6)


def test_the_date_line_right_under_the_title_and_a_list_opening_the_body() -> None:
    """A "- " line after the date line is text, not a breadcrumb."""
    meta = FileMeta("n.txt", "article", "L", "n", furniture_from="終")
    lines = ["終戦の日", "2024-08-15 12:00", "- 黙祷", "本文。", "終"]
    assert parse_article(meta, lines) == Parsed(
        records=[article("終戦の日", "- 黙祷\n本文。", "2024-08-15", "12:00", 1, meta)],
        roles=[R, R, R, R, F])


def test_a_title_that_is_a_date_is_no_date_line() -> None:
    """The date line is looked for under the title, not in it."""
    meta = FileMeta("n.txt", "article", "L", "n")
    lines = ["", "2024-08-15 12:00", "本文。"]
    assert parse_article(meta, lines) == Parsed(
        records=[article("2024-08-15 12:00", "本文。", None, None, 2, meta)],
        roles=[F, R, R],
        issues=[Issue("n.txt", 3, "no 'YYYY-MM-DD HH:MM' line under the title; the article "
                                  "has no date")])


def test_a_document_of_numbered_lines_only() -> None:
    """With nothing before them, numbered lines are the text, not footnotes (a passage to
    attach them to was looked for, and the parser raised IndexError)."""
    lines = ["1 first item", "2 second item", ""]
    assert parse_document(DOC, lines) == Parsed(
        records=[passage(1, "総論(1)", "1 first item", 1, "総論"),
                 passage(2, "総論(2)", "2 second item", 2, "総論")],
        roles=[R, R, F])
    assert parse_document(DOC, ["参照I部", "1 x"]) == Parsed(
        records=[passage(1, "総論", "1 x", 2, "総論")], roles=[F, R])
