"""Exact behaviour of search.corpus.places (written for mutation testing): the extractor
over texts of each kind (whole names, abbreviations in each context, false friends, folded
text), every field of the mentions, and its helpers one by one."""

from __future__ import annotations

import pytest

from search.corpus import places
from search.corpus.places import Mentions, extract

# (text, [(country, code)], organisations): tests/system/test_countries.py's cases (read and
# labelled there), with the codes and organisations too.
CASES = [
    ('比較を行った', [], []),
    ('GDP比3%', [], []),
    ('前年比で増加', [], []),
    ('中谷防衛相', [], []),
    ('中東情勢', [], []),
    ('中央アジア5カ国', [], []),
    ('インド太平洋の安定', [], []),
    ('インド洋で訓練', [], []),
    ('南シナ海で航行', [], []),
    ('東シナ海', [], []),
    ('英語で説明', [], []),
    ('独自の判断', [], []),
    ('単独で行動', [], []),
    ('12カ国参加へ', [], []),
    ('追加で購入', [], []),
    ('仏教寺院', [], []),
    ('西日本豪雨', [], []),
    ('朝日新聞の取材', [], []),
    ('来日中の首相', [], []),
    ('訓練期間中首相は', [], []),
    ('滞在中に会談', [], []),
    ('24日中に発表', [], []),
    ('本日中に', [], []),
    ('存在中', [], []),
    ('中部隊', [], []),
    ('ロケット発射', [], []),
    ('タイミングを見て', [], []),
    ('マリアナ諸島', [], []),
    ('アラブ首長国連邦', [('アラブ首長国連邦', 'AE')], []),
    ('3カ国連携', [], []),
    ('印紙を貼る', [], []),
    ('中南米諸国', [], []),
    ('欧米と連携', [], []),
    ('USV system test', [], []),
    ('South China Sea', [], []),
    ('日本政府', [], []),
    ('Japan', [], []),
    ('日米豪比の防衛相', [('米国', 'US'), ('オーストラリア', 'AU'), ('フィリピン', 'PH')], []),
    ('米豪比NZと訓練',
     [('米国', 'US'), ('オーストラリア', 'AU'), ('フィリピン', 'PH'), ('ニュージーランド', 'NZ')],
     []),
    ('日韓豪 NZ 首脳', [('韓国', 'KR'), ('オーストラリア', 'AU'), ('ニュージーランド', 'NZ')], []),
    ('日米英豪NZ',
     [('米国', 'US'), ('英国', 'GB'), ('オーストラリア', 'AU'), ('ニュージーランド', 'NZ')], []),
    ('比国防相', [('フィリピン', 'PH')], []),
    ('来日中のブレア加国防相', [('カナダ', 'CA')], []),
    ('訪米中の首相', [('米国', 'US')], []),
    ('在日米軍の再編', [('米国', 'US')], []),
    ('対中政策', [('中国', 'CN')], []),
    ('駐独大使', [('ドイツ', 'DE')], []),
    ('米、英、仏の艦艇', [('米国', 'US'), ('英国', 'GB'), ('フランス', 'FR')], []),
    ('日、豪、英、米軍は', [('オーストラリア', 'AU'), ('英国', 'GB'), ('米国', 'US')], []),
    ('仏海軍艦艇', [('フランス', 'FR')], []),
    ('中国公船', [('中国', 'CN')], []),
    ('米政権', [('米国', 'US')], []),
    ('中露けん制', [('中国', 'CN'), ('ロシア', 'RU')], []),
    ('日ロ首脳', [('ロシア', 'RU')], []),
    ('対ロ制裁', [('ロシア', 'RU')], []),
    ('日米中の首脳', [('米国', 'US'), ('中国', 'CN')], []),
    ('日英伊防衛相', [('英国', 'GB'), ('イタリア', 'IT')], []),
    ('米英豪と物品協定', [('米国', 'US'), ('英国', 'GB'), ('オーストラリア', 'AU')], []),
    ('海保と印沿岸警備隊', [('インド', 'IN')], []),
    ('日台が覚書', [('台湾', 'TW')], []),
    ('露朝連携', [('ロシア', 'RU'), ('北朝鮮', 'KP')], []),
    ('豪、蒙、露、韓、シンガポール',
     [('オーストラリア', 'AU'), ('モンゴル', 'MN'), ('ロシア', 'RU'), ('韓国', 'KR'),
      ('シンガポール', 'SG')],
     []),
    ('オーストラリアカナダ英国が',
     [('オーストラリア', 'AU'), ('カナダ', 'CA'), ('英国', 'GB')], []),
    ('日モンゴル首脳', [('モンゴル', 'MN')], []),
    ('U.S.-Japan partnership', [('米国', 'US')], []),
    ('Canada, Japan navies', [('カナダ', 'CA')], []),
    ('US, Japan, France, UK practice', [('米国', 'US'), ('フランス', 'FR'), ('英国', 'GB')], []),
    ('Japan-Qatar ties', [('カタール', 'QA')], []),
    ('ジョージア(グルジア)の国防相', [('ジョージア', 'GE')], []),
    ('KARICOMを構成するドミニカやハイチ',
     [('ドミニカ国', 'DM'), ('ハイチ', 'HT')], ['カリブ共同体']),
    ('カリブ共同体(KARICOM)', [], ['カリブ共同体']),
    ('CARICOM', [], ['カリブ共同体']),
    ('NATO首脳会議', [], ['NATO']),
    ('国連安保理決議', [], ['国連']),
    ('UN peacekeeping', [], ['国連']),
    ('主要7カ国首脳会議(G7サミット)', [], ['G7']),
    ('AUKUSのパートナー', [], ['AUKUS']),
    ('日米豪印のクアッド',
     [('米国', 'US'), ('オーストラリア', 'AU'), ('インド', 'IN')], ['クアッド']),
    ('ASEAN諸国', [], ['ASEAN']),
    ('EUのフォンデアライエン欧州委員長', [], ['EU']),
    ('クアッドコプター', [], []),
    ('UNCLOS', [], []),
    ('EUR建て', [], []),
]


@pytest.mark.parametrize(("text", "countries", "organizations"), CASES,
                         ids=[f"case{n}" for n in range(len(CASES))])
def test_extract(text: str, countries: list[tuple[str, str]], organizations: list[str]) -> None:
    """The system tests' cases, every field of the mentions."""
    assert extract(text, "") == Mentions([c for c, _ in countries], [k for _, k in countries],
                                         organizations)


def test_title_then_text_first_mention_first_without_duplicates() -> None:
    """Order of first mention across title and text, each place once."""
    m = extract("日米豪比の防衛相会談",
                "フィリピンのテオドロ国防相、米国のヘグセス長官。NATOもNATOも")
    assert m == Mentions(["米国", "オーストラリア", "フィリピン"], ["US", "AU", "PH"], ["NATO"])


def test_no_title_or_text() -> None:
    """None is read as empty."""
    assert extract("", "") == Mentions()
    assert extract(None, None) == Mentions()  # type: ignore[arg-type]
    assert places.countries_of(None, "豪軍") == ["オーストラリア"]  # type: ignore[arg-type]
    assert places.organizations_of("NATO", None) == ["NATO"]  # type: ignore[arg-type]


def test_the_facets_extractors_give_lists_of_their_own() -> None:
    """The cached mentions are not changed through a returned list."""
    first = places.countries_of("米軍", "")
    first.append("x")
    assert places.countries_of("米軍", "") == ["米国"]
    orgs = places.organizations_of("国連", "")
    orgs.append("x")
    assert places.organizations_of("国連", "") == ["国連"]


def test_the_text_folded_word_by_word() -> None:
    """A text NFKC changes is folded word by word, its words' bounds in the folded string;
    the next text follows a line break, its words at an offset."""
    t = places._Text.of("ＮＡＴＯと米軍　", "日米")
    assert t.s == "NATOと米軍 \n日米"
    assert (sorted(t.begins), sorted(t.ends)) == ([0, 4, 5, 7, 9, 11], [0, 4, 5, 7, 8, 11])
    assert (t.starts, t.firsts) == ([0, 4, 5, 7, 9], [0, 4])
    assert [(o, [(b, e) for b, e, _ in spans]) for o, spans in t.parts] == [
        (0, [(0, 4), (4, 5), (5, 7), (7, 8)]), (9, [(0, 2)])]
    assert [t.token_at(i) for i in range(12)] == [
        (0, 4, "名詞"), (0, 4, "名詞"), (0, 4, "名詞"), (0, 4, "名詞"), (4, 5, "助詞"),
        (5, 7, "名詞"), (5, 7, "名詞"), (7, 8, "空白"), (8, 9, ""), (9, 11, "名詞"),
        (9, 11, "名詞"), (11, 12, "")]
    assert (t.at(-1), t.at(0), t.at(10), t.at(11)) == ("", "N", "米", "")


def test_the_text_of_plain_texts() -> None:
    """Plain texts keep their characters; an empty text still has its line break."""
    t = places._Text.of("米軍", "")
    assert (t.s, sorted(t.begins), sorted(t.ends), t.starts, t.firsts) == (
        "米軍\n", [0, 3], [0, 2], [0], [0, 1])
    assert [t.token_at(i) for i in range(4)] == [
        (0, 2, "名詞"), (0, 2, "名詞"), (2, 3, ""), (3, 4, "")]
    t = places._Text.of("ａ  ｂ", "ｘ")  # characters between words kept, folded
    assert (t.s, sorted(t.begins), sorted(t.ends)) == ("a  b\nx", [0, 1, 2, 3, 5, 6],
                                                        [0, 1, 2, 3, 4, 6])


def test_character_classes() -> None:
    """The edges of each class the rules use."""
    assert [places._is_katakana(c) for c in "\u30a0\u30a1\u30fa\u30fb\u30fcア"] == [
        False, True, True, False, True, True]
    assert [places._is_ascii_alnum(c) for c in "aZ9_ Ａ"] == [True, True, True, False, False,
                                                              False]
    assert [places._is_kanji(c) for c in "米ヶケ々a"] == [True, True, False, True, False]
    assert [places._is_digit(c) for c in "9９〇一十百千両数万x"] == [
        True, True, True, True, True, True, True, True, True, False, False]


# (title, text, [(country, code)], organisations): one rule each, at its edge.
EDGES = [
    ('独、日本と', '', [('ドイツ', 'DE')], []),  # a lone abbreviation beside a full name
    ('NATO・中', '', [('中国', 'CN')], ['NATO']),  # 中 after a name and ・
    ('EU、中', '', [], ['EU']),  # 中 after a name and 、: not China
    ('中NZ', '', [('中国', 'CN'), ('ニュージーランド', 'NZ')], []),  # 中 glued to a name after it
    ('中兵器', '', [], []),  # 中 + 兵器 is not 中 + 兵
    # an abbreviation after a full name's
    ('米国と豪軍', '',
     [('米国', 'US'), ('オーストラリア', 'AU')], []),
    ('米と英', '', [], []),  # と does not join an enumeration
    ('英が米軍と', '', [('米国', 'US')], []),  # a lone 英 without context, then 米軍
    ('反米', '', [('米国', 'US')], []),  # a prefix
    ('数日米軍', '', [('米国', 'US')], []),  # a kanji numeral's 日 is a day
    ('米中の対立', '', [('米国', 'US'), ('中国', 'CN')], []),  # 中 after an abbreviation is China
    ('英国X米', '', [('英国', 'GB')], []),  # X is no separator
    ('訪問後、英が', '', [], []),  # a prefix must stand right before
    ('日ロ ス', '', [('ロシア', 'RU')], []),  # ロ not glued to katakana
    ('日ロメディア', '', [], []),  # ロ glued to katakana
    ('ロケットと米軍', '', [('米国', 'US')], []),  # a rejected ロ, then 米軍
    # three names glued
    ('カナダフランスドイツ', '',
     [('カナダ', 'CA'), ('フランス', 'FR'), ('ドイツ', 'DE')], []),
    # four names glued
    ('カナダフランスドイツイタリア', '',
     [('カナダ', 'CA'), ('フランス', 'FR'), ('ドイツ', 'DE'), ('イタリア', 'IT')], []),
    # five: past the depth followed, none is taken
    ('カナダフランスドイツイタリアスペイン', '',
     [], []),
    ('赤道ギニア', '', [('赤道ギニア', 'GQ')], []),  # no name inside a name
    ('南スーダン', '', [('南スーダン', 'SS')], []),  # no name inside a name
    ('仏領ポリネシア', '', [('仏領ポリネシア', 'PF')], []),  # no abbreviation inside a name
    ('米領サモア', '', [('米領サモア', 'AS')], []),  # no abbreviation inside a name
    # the longer spelling glued: the shorter
    ('フランス領ポリネシアンの文化', '',
     [('フランス', 'FR')], []),
    ('アメリカ領サモアン', '', [('米国', 'US')], []),  # the longer spelling glued: the shorter
    ('G7サミットー', '', [], ['G7']),  # the longer spelling glued: the shorter
    ('南アジア', '', [], []),  # 南ア glued to katakana
    ('主要7カ国フォーラム', '', [], ['G7']),  # a spelling ending in kanji, then katakana
    ('英国と中東', '', [('英国', 'GB')], []),  # a false friend blocks only its own characters
    ('中東とインド洋', '', [], []),  # every false friend, not only the first
    ('中東インド', '', [], []),  # overlapping false friends (中東, 東インド)
    ('英国G7と会談', '', [('英国', 'GB')], ['G7']),  # a Japanese name glued to Latin letters
    ('U.S.Navy', '', [], []),  # a spelling ending in . glued to a letter
    ('XUS data', '', [], []),  # a Latin spelling glued on its left
    ('ガタイがいい', '', [], []),  # katakana glued on the left, at the start
    ('', 'それは英国', [('英国', 'GB')], []),  # a name at the very end
    ('会談', '米国が発表', [('米国', 'US')], []),  # the text's words after the title's
]


@pytest.mark.parametrize(("title", "text", "countries", "organizations"), EDGES,
                         ids=[f"edge{n}" for n in range(len(EDGES))])
def test_extract_at_the_edges(title: str, text: str, countries: list[tuple[str, str]],
                              organizations: list[str]) -> None:
    """One rule each, at the case that tells it from a near variant."""
    assert extract(title, text) == Mentions([c for c, _ in countries],
                                            [k for _, k in countries], organizations)


def test_the_organisations_of_the_text_alone() -> None:
    """The text counts without a title."""
    assert places.organizations_of("", "NATO") == ["NATO"]
