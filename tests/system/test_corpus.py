"""The bundled corpus, parsed: counts, shapes field by field, duplicates and warnings.

Every expectation here was verified by reading the files in data/corpus/.
"""

from __future__ import annotations

import pytest

from search.corpus.loading import load_corpus

ARCHIVES = {
    "clippings-other-countries.txt": ("その他諸国", 164),
    "clippings-other-europe.txt": ("欧州", 49),
    "clippings-japan-us-2025.txt": ("日米 2025", 39),
}

# The 20 articles that appear in both the その他諸国 and the 欧州 archives.
SHARED = {
    "1208-062005", "1307-060801", "1411-102803", "1504-030401", "1506-052501", "1512-111203",
    "1605-040802", "1701-120801", "1701-121304", "1705-032911", "1706-052204", "1708-071902",
    "1709-072601", "1709-081403", "1802-011202", "1802-011301", "1803-021701", "1806-050602",
    "1810-092104", "1903-020404",
}


@pytest.fixture(scope="module")
def corpus():
    return load_corpus(annotate=False)


@pytest.fixture(scope="module")
def records(corpus):
    return {r.id: r for r in corpus.records}


def test_records_per_archive(corpus):
    for report in corpus.files:
        if report.file in ARCHIVES:
            label, count = ARCHIVES[report.file]
            assert (report.label, report.records, report.ids, report.duplicates) == (
                label, count, count, 0)


def test_every_article_once(corpus, records):
    clippings = [r for r in corpus.records if r.kind == "clipping"]
    assert len(clippings) == 164 + 49 + 39 - len(SHARED) == 232
    assert len({r.id for r in clippings}) == 232
    assert {r.id for r in clippings if len(r.collections) > 1} == SHARED
    for rid in SHARED:
        assert sorted(records[rid].collections) == ["その他諸国", "欧州"]


def test_documents(corpus):
    kinds = [r.kind for r in corpus.records]
    assert kinds.count("passage") == 151
    assert kinds.count("article") == 1
    assert len(corpus.records) == 232 + 151 + 1


def test_every_line_accounted_for(corpus):
    for report in corpus.files:
        assert sum(report.roles.values()) == report.lines, report.file
    roles = {r.file: r.roles for r in corpus.files}
    assert roles["clippings-other-countries.txt"] == {"record": 1119, "furniture": 7, "warning": 2}
    assert roles["whitepaper-2025-defence-cooperation.txt"] == {
        "record": 430, "furniture": 0, "warning": 0}
    assert roles["mod-news-2024-10-22-nato.txt"] == {"record": 27, "furniture": 39, "warning": 0}


def test_issues_are_the_real_defects(corpus):
    found = sorted((i.severity, i.file, i.line) for i in corpus.issues)
    assert found == sorted([
        ("warning", "clippings-other-countries.txt", 877),  # 産経新聞 / インターネット, no date
        ("repair", "clippings-other-countries.txt", 265),  # 2023.05:05
        ("repair", "clippings-other-countries.txt", 777),  # /td>
        ("repair", "clippings-other-europe.txt", 334),  # /td>
        ("repair", "clippings-japan-us-2025.txt", 197),  # 日経新聞/a>
        ("repair", "clippings-japan-us-2025.txt", 408),  # <<2502-013105>
    ])


FIELDS = ("date", "time", "source_raw", "source", "via_yahoo", "title", "lang", "file", "line")

SHAPES = {
    # date / time / outlet / (Yahoo) / title <id>: the common shape
    "2503-021012": ("2025-02-10", "19:22", "時事通信", "時事通信", True,
                    "モンゴルへ航空管制レーダー 政府、OSAで供与", "ja",
                    "clippings-other-countries.txt", 8),
    # date, outlet and English title on one line, no time
    "2508-072419": ("2025-07-24", None, "Janes", "Janes", False,
                    "Japan joins AUKUS partners to enhance underwater communications for "
                    "unmanned systems", "en", "clippings-japan-us-2025.txt", 32),
    # an outlet of two words before an English title
    "2504-031025": ("2025-03-10", "17:51", "Inside Defense", "Inside Defense", False,
                    "Japan eyes Pentagon assistance with developing advanced long-range strike "
                    "capability", "en", "clippings-japan-us-2025.txt", 319),
    # time, then outlet and title sharing a line
    "2507-061821": ("2025-06-18", "16:13", "日経新聞", "日本経済新聞", False,
                    "日米韓共同空中訓練 李在明政権で初", "ja", "clippings-japan-us-2025.txt", 169),
    # outlet written over two lines
    "2506-050809": ("2025-05-08", "11:44", "乗りものニュース", "乗りものニュース", True,
                    "「異形の巨大軍艦」なぜ横浜に出現?全長200m超えの “海に浮かぶ基地”がついに出港",
                    "ja", "clippings-japan-us-2025.txt", 225),
    # Yahoo X記事, title in 「」 on its own line, id on the next
    "1705-042909": ("2017-04-29", None, "Yahoo 讀賣新聞記事", "読売新聞", True,
                    "仏強襲揚陸艦が佐世保入港…日米英と共同訓練へ", "ja",
                    "clippings-other-countries.txt", 761),
    # the same shape without blank lines
    "1305-041501": ("2013-04-15", None, "Yahoo 時事通信記事", "時事通信", True,
                    "対米攻撃なら集団自衛権行使も= NATO 総長、北朝鮮に警告", "ja",
                    "clippings-other-countries.txt", 1089),
    # date + outlet, インターネット, title, no blank lines
    "1609-080402": ("2016-08-04", None, "産経新聞", "産経新聞", False,
                    "台湾、潜水艦建造に日本の支援期待", "ja", "clippings-other-countries.txt", 872),
    # malformed date repaired from the id
    "2306-050503": ("2023-05-05", "07:09", "時事通信", "時事通信", True,
                    "ウクライナ危機で温度差 岸田首相アフリカ4カ国歴訪", "ja",
                    "clippings-other-countries.txt", 265),
    # <<id> repaired
    "2502-013105": ("2025-01-31", "07:05", "共同通信", "共同通信", True,
                    "日本再軍備警戒、撤回せず 米国家情報長官候補", "ja",
                    "clippings-japan-us-2025.txt", 402),
    # HTML leftover after the outlet
    "2507-060913": ("2025-06-09", "18:30", "日経新聞", "日本経済新聞", False,
                    "日米、核含む拡大抑止で実務者協議 トランプ政権で初", "ja",
                    "clippings-japan-us-2025.txt", 195),
    # an outlet with a space in it, spelling variants
    "1307-060801": ("2013-06-08", None, "NHK ニュース", "NHK", False,
                    "東欧との関係強化へ 共同声明で調整", "ja",
                    "clippings-other-countries.txt", 1056),
    "2412-111805": ("2024-11-18", "08:17", "Reuters 通信", "ロイター", True,
                    "石破首相とペルー大統領、防衛・鉱業協力巡り覚書に署名", "ja",
                    "clippings-other-countries.txt", 63),
    # the single article
    "mod-news-2024-10-22": ("2024-10-22", "18:15", "防衛省ニュース", "防衛省ニュース", False,
                            "中谷防衛大臣、NATO国防相会合及び各国国防大臣との会談等に出席(10月17日)",
                            "ja", "mod-news-2024-10-22-nato.txt", 1),
}


@pytest.mark.parametrize("rid", sorted(SHAPES))
def test_shapes_field_by_field(records, rid):
    rec = records[rid]
    assert tuple(getattr(rec, f) for f in FIELDS) == SHAPES[rid]


def test_summary_wrapped_lines_and_notes(records):
    rec = records["2503-021012"]
    assert rec.summary.splitlines() == [
        "政府が10日、同志国に防衛装備品を無償供与する政府安全保障能力強化支援(OSA)の一環として、"
        "13億円でモンゴル空軍に、航空管制レーダーなどを提供すると発表した。",
        "モンゴルは中国やロシアと国境を接しており、地政学的な観点からも連携を重視している。",
    ]
    assert rec.notes == []
    # 【註】 blocks and 【関連記事】 lines are kept apart from the summary, in order.
    rec = records["1303-020704"]
    assert rec.summary.startswith("アデン湾での海賊対処任務を終え")
    assert "【" not in rec.summary and "この意味で" not in rec.summary
    assert [n.splitlines()[0] for n in rec.notes] == [
        "【註】",
        "【モルディブ関連記事:1301-121203 (Record China 2012.12.12)】",
        "【スリランカ関連記事:1003-021901 (Record China 2010.02.19)】",
    ]
    assert rec.notes[-1].endswith("この意味で、これら諸国に海上自衛隊が存在感を示す意義がある。")
    # Latin words wrapped mid-phrase are joined with a space, lists keep their lines.
    assert "A330 MRTT 1機" in records["2309-081420"].summary
    assert records["2508-071310"].summary.splitlines()[3:7] == [
        "(1)原潜の指揮系統", "(2)米国の原潜生産能力", "(3)原潜の配備場所",
        "(4)オーストラリアの国防費"]
    assert "/td>" not in records["1705-032911"].summary


def test_white_paper_passages(records):
    first = records["whitepaper-2025#1"]
    assert (first.title, first.section, first.line, first.date, first.source) == (
        "総論", "総論", 1, "2025-07-15", "防衛白書")
    uk = records["whitepaper-2025#31"]
    assert (uk.title, uk.section, uk.line) == ("英国との防衛協力・交流", "英国", 41)
    assert uk.summary.splitlines()[0].startswith("英国は、欧州のみならず")
    assert [n[:4] for n in uk.notes if n.startswith("注")] == ["注5 2", "注6 欧"]
    spain = records["whitepaper-2025#36"]  # no heading: each paragraph is a passage
    assert (spain.title, spain.section) == ("スペイン(1)", "スペイン")
    # all 19 footnotes are attached to the passage that cites them
    footnotes = [n for r in records.values() if r.kind == "passage" for n in r.notes
                 if n.startswith("注")]
    assert len(footnotes) == 19
    assert records["whitepaper-2025#132"].notes[-1].startswith("注19 海賊対処活動のために")


def test_article_without_navigation(records):
    art = records["mod-news-2024-10-22"]
    assert art.summary.startswith("防衛省は令和6(2024)年10月18日(金)01時35分")
    assert art.summary.endswith("(以上)")
    assert "Ranking" not in art.summary and "人事発令" not in art.summary
