"""What one typed word also searches (search/query/expansion.py): the variants, their kinds and
order, and how each kind is searched. The tables are the bundled data files; a kana word's
spellings come from a speller, here the readings of a small real table."""

from __future__ import annotations

import pytest

from search.query.expansion import (
    KINDS,
    MAX_NARROWER,
    NARROWER_BOOST,
    READING_BOOST,
    SURNAME_BOOST,
    SYNONYM_BOOST,
    Forces,
    english,
    english_rows,
    forces,
    forces_table,
    inner_synonyms,
    narrower,
    narrower_table,
    singulars,
    variants,
)
from search.query.places import (
    abbreviated,
    abbreviated_before,
    abbreviated_compound,
    is_abbreviation,
    place_before,
)
from search.query.readings import Readings


def kinds(text: str, **kw) -> list[tuple[str, str]]:
    return [(v.text, v.kind) for v in variants(text, **kw)]


def speller(words: dict[str, int]):
    """How the engine spells a kana word (search.engine.pipeline.speller), over a Readings table."""
    table = Readings(words)

    def spell(kana: str) -> list[tuple[str, bool]]:
        found = [(s, table.is_whole(kana, s)) for s in table.spell(kana)]
        return found + [(v, True) for v in table.variants(kana) if v not in dict(found)]

    return spell


@pytest.mark.parametrize(("text", "expected"), [
    ("空母", [("空母", "typed")]),
    ("ミサイル", [("ミサイル", "typed"), ("誘導弾", "synonym"), ("missile", "translation"),
                  *((kind, "narrower") for kind in (
                      "Tomahawk", "JSM", "SM-6", "AMRAAM", "ICBM", "BM", "HVGP",
                      "Bastion-P", "K300P", "3K60"))]),
    # the kinds of the Japanese for an English term, the first twelve
    ("joint exercise", [("joint exercise", "typed"), ("共同訓練", "translation"),
                        ("共同演習", "translation"), ("合同演習", "translation"),
                        ("合同訓練", "translation"),
                        *((kind, "narrower") for kind in (
                            "Talisman", "KAEDEX", "Komodo", "RIMPAC", "マラバール",
                            "フリーダム・エッジ", "タラン・シャクティ", "ダルマ・ガーディアン",
                            "ブリュネ・タカモリ", "アイアン・フィスト", "ニッポン・スカイズ",
                            "パシフィック・ステラー"))]),
    ("輸送機", [("輸送機", "typed"), *((kind, "narrower") for kind in (
        "C-130", "C-130J", "A400M", "KC-767", "MRTT", "MV-22", "Osprey"))]),
    ("吉田統合幕僚長", [("吉田統合幕僚長", "typed"), ("吉田統幕長", "inner")]),
    ("河野太郎", [("河野太郎", "typed"), ("河野", "family")]),
    ("おすぷれい", [("おすぷれい", "typed"), ("Osprey", "translation")]),
    ("Talisman Sabre", [("Talisman Sabre", "typed"), ("タリスマン・セイバー", "translation"),
                        ("Talisman Saber", "translation")]),
])
def test_variants_in_order(text, expected):
    assert kinds(text) == expected


def test_a_field_word_is_searched_as_typed():
    assert kinds("ミサイル", plain=False) == [("ミサイル", "typed")]
    assert kinds("河野太郎", plain=False) == [("河野太郎", "typed")]


def test_kana_is_spelled_by_the_speller():
    spell = speller({"海上保安庁": 7, "防衛": 40, "装備": 20, "移転": 6})
    assert kinds("かいじょうほあんちょう", spell=spell) == [
        ("かいじょうほあんちょう", "typed"), ("海上保安庁", "reading"), ("海保", "heard")]
    # pieced from several words: its synonyms heard only where the table knows the compound
    assert kinds("ぼうえいそうびいてん", spell=spell, kinds_of=False) == [
        ("ぼうえいそうびいてん", "typed"), ("防衛装備移転", "pieced"), ("装備移転", "heard")]
    # … and so its kinds (data/narrower.txt), after them
    assert kinds("ぼうえいそうびいてん", spell=spell)[3:] == [
        (kind, "narrower") for kind in narrower("防衛装備移転")]
    assert kinds("ぼうえいいてん", spell=speller({"防衛": 40, "移転": 6})) == [
        ("ぼうえいいてん", "typed"), ("防衛移転", "pieced")]
    # a title: word is spelled too
    assert kinds("かいじょうほあんちょう", spell=spell, plain=False)[1] == ("海上保安庁", "reading")


def test_a_place_is_never_spelt_as_another_place():
    spell = speller({"オーストラリア": 73})
    # (a name's other spelling: the kind ranks it as a reading)
    assert kinds("オーストラリ", spell=spell)[1] == ("オーストラリア", "spelling")
    assert kinds("オーストリア", spell=spell) == [("オーストリア", "typed")]


def test_each_kind_is_searched_so():
    assert {k: h.parts_from for k, h in KINDS.items() if h.parts_from} == {"synonym": 2}
    assert {k: (h.boost, h.as_typed, h.marked) for k, h in KINDS.items()} == {
        "typed": (1.0, True, True),
        "synonym": (SYNONYM_BOOST, True, False),
        "translation": (SYNONYM_BOOST, True, False),
        "inner": (SYNONYM_BOOST, True, True),
        "family": (SURNAME_BOOST, True, False),
        "reading": (READING_BOOST, True, True),
        "pieced": (READING_BOOST, True, True),
        "spelling": (READING_BOOST, True, True),
        "heard": (SYNONYM_BOOST * READING_BOOST, False, False),
        "narrower": (NARROWER_BOOST, False, False),
    }
    assert (SYNONYM_BOOST, READING_BOOST, SURNAME_BOOST, NARROWER_BOOST) == (0.8, 0.6, 0.6, 0.5)
    assert [k for k, h in KINDS.items() if h.content_only] == ["narrower"]


@pytest.mark.parametrize(("parts", "whole_or_parts"), [
    (["防衛", "大臣", "会談"], True),  # 防衛大臣会談: also 防衛大臣は … と会談
    (["共同", "演習"], True),
    (["瀬", "取り"], False),  # 瀬 anywhere is no 瀬取り: the phrase only
    (["北", "大西洋", "条約", "機構"], False),
    (["海保"], True),
])
def test_a_synonym_is_matched_as_typed_when_every_part_is_a_word(parts, whole_or_parts):
    assert KINDS["synonym"].whole_or_parts(parts) is whole_or_parts
    assert KINDS["typed"].whole_or_parts(parts) is True
    assert KINDS["heard"].whole_or_parts(parts) is False


@pytest.mark.parametrize(("key", "forms"), [
    ("sea lanes", ("sea lane", "sea lan")),
    ("exercises", ("exercise", "exercis")),
    ("bases", ("base", "bas")),
    ("parties", ("partie", "parti", "party")),
    ("joint exercises", ("joint exercise", "joint exercis")),
    ("aukus", ("auku",)),
    ("arms", ("arm",)),  # four letters: the shortest word asked
    ("gas", ()), ("uss", ()), ("press", ()), ("training squadron", ()), ("", ()),
])
def test_the_singulars_of_an_english_keys_last_word(key, forms):
    assert singulars(key) == forms


def test_an_english_term_typed_in_the_plural_finds_its_singulars_words():
    assert english("sea lanes") == english("sea lane") == ("シーレーン",)
    assert english("Joint Exercises") == english("joint exercise") != ()
    assert english("submarines") == english("submarine") != ()
    # the plural itself first, where the table has it; nothing for a word it lacks
    assert english("sea lines of communication")[:2] == ("シーレーン", "海上交通路")
    assert english("bananas") == ()
    assert english("training squadron") == ("練習艦隊", "遠洋練習航海部隊")


def test_english_rows(tmp_path):
    table = tmp_path / "english.tsv"
    table.write_text("# a comment\tコメント\n"
                     "\n"
                     "joint exercise\t共同訓練\n"
                     "summit\t首脳会談\t首脳会談\t\tサミット  \n"
                     "nothing\t\t\n"
                     "\t防衛\n"
                     "SpaceX\tスペースX\n"
                     "Osprey\tオスプレイ", encoding="utf-8")
    assert list(english_rows(table)) == [
        ("joint exercise", ("共同訓練",)),
        ("summit", ("首脳会談", "サミット")),  # once each, blanks and spaces dropped
        ("SpaceX", ("スペースX",)),
        ("Osprey", ("オスプレイ",)),  # the last line needs no line break
    ]
    assert next(english_rows()) == ("joint exercise", ("共同訓練",))  # the bundled table


@pytest.mark.parametrize(("pieces", "spellings"), [
    # the runs before and after the synonym are joined as typed, without separators
    (["新", "任", "統合", "幕僚長", "記者", "会見"], ("新任統幕長記者会見",)),
    # a longer run that is in no group does not stop the shorter one that is
    (["統合", "幕僚長", "会談", "で"], ("統幕長会談で",)),
])
def test_inner_synonyms_keep_what_surrounds_the_synonym(pieces, spellings):
    assert inner_synonyms(pieces) == spellings


def test_an_inner_synonym_holding_the_whole_compound_is_left_out():
    # 邦人等輸送's group holds 在外邦人等輸送: replacing it inside 在外邦人等輸送 would give
    # 在外在外邦人等輸送, which finds nothing the compound does not; 邦人輸送's stays
    assert inner_synonyms(["在外", "邦人", "等", "輸送"]) == ("在外邦人輸送",)


def test_a_reading_brings_its_synonyms_when_whole_or_a_word_of_the_table():
    spell = speller({"海上保安庁": 7})
    # 海上保安庁 read whole: its synonym 海保 follows
    assert ("海保", "heard") in kinds("かいじょうほあんちょう", spell=spell)
    # pieced from several words' readings, a spelling the synonym table holds as one word
    # brings its group (統合幕僚長 → 統幕長; えんかつかきょうてい → 円滑化協定 → RAA, which
    # alone finds the articles: none writes 円滑化協定 by itself) …
    pieced = speller({"統合": 5, "幕僚長": 3})
    assert kinds("とうごうばくりょうちょう", spell=pieced) == [
        ("とうごうばくりょうちょう", "typed"), ("統合幕僚長", "pieced"), ("統幕長", "heard")]
    # … and one it does not know brings nothing more
    pieced = speller({"統合": 5, "演習": 3})
    assert kinds("とうごうえんしゅう", spell=pieced) == [
        ("とうごうえんしゅう", "typed"), ("統合演習", "pieced")]


def test_a_spelling_already_searched_is_passed_over_not_the_rest():
    def spell(kana: str) -> list[tuple[str, bool]]:  # the index's spellings of せどり
        return [("瀬取り", True), ("オーストラリア", True), ("背取り", True)]

    # 瀬取り is already a synonym; the rest are still read
    assert kinds("せどり", spell=spell) == [
        ("せどり", "typed"), ("瀬取り", "synonym"), ("瀬取", "synonym"),
        ("オーストラリア", "spelling"), ("背取り", "reading"), ("豪州", "heard")]  # not 豪


@pytest.mark.parametrize(("text", "countries"), [
    ("日比", ["フィリピン"]), ("米豪", ["米国", "オーストラリア"]),
    ("日米豪比", ["米国", "オーストラリア", "フィリピン"]),
    ("比", []),  # one alone is no enumeration
    ("日本", []), ("米国", []), ("比較", []), ("英語", []),
])
def test_abbreviated(text, countries):
    assert abbreviated(text) == countries


@pytest.mark.parametrize(("text", "glued"), [
    ("英軍", (["英国"], "軍")), ("仏海軍", (["フランス"], "海軍")),
    ("米国防長官", (["米国"], "国防長官")), ("日米韓外相", (["米国", "韓国"], "外相")),
    ("韓国軍", None),  # a full name before the word: the name is searched
    ("英語", None), ("軍", None), ("米豪", None),
    ("犬米軍", None),  # the abbreviations begin the word
    ("日軍", None),  # Japan is no facet value: no country is named
])
def test_abbreviated_before(text, glued):
    assert abbreviated_before(text) == glued


@pytest.mark.parametrize(("text", "glued"), [
    ("米海軍", (["米国"], "海軍")), ("日米韓外相", (["米国", "韓国"], "外相")),
    ("インド海軍", (["インド"], "海軍")), ("韓国軍", (["韓国"], "軍")),
    ("オーストラリア国防相", (["オーストラリア"], "国防相")),
    ("米国海軍", (["米国"], "海軍")),  # the longest word news glues (海軍, not 軍)
    ("インド", None), ("海軍", None), ("防衛装備", None), ("日米豪", None),
    ("インド太平洋", None), ("中東軍", None),  # a region is no country
])
def test_place_before_reads_a_place_by_abbreviation_or_name_then_its_word(text, glued):
    assert place_before(text) == glued


@pytest.mark.parametrize(("text", "head"), [
    ("日米豪共同訓練", (["米国", "オーストラリア"], "共同訓練")),
    ("米中対立", (["米国", "中国"], "対立")),
    ("日伊物品役務相互提供協定", (["イタリア"], "物品役務相互提供協定")),
    ("日中海空連絡メカニズム", (["中国"], "海空連絡メカニズム")),
    ("英語教育", None), ("中国海警局", None),  # one character before a word: no enumeration
    ("日米", None), ("日米豪", None),  # abbreviations alone: ``abbreviated``
    ("米豪軍", None), ("日米韓外相", None),  # before a glued word: ``abbreviated_before``
    ("中米諸国", None), ("中日新聞", None),  # the extractor reads no country there
    ("共同訓練", None), ("", None),
])
def test_abbreviated_compound(text, head):
    assert abbreviated_compound(text) == head


@pytest.mark.parametrize(("text", "abbrev"), [
    ("比", True), ("豪", True), ("米", True), ("日", True), ("比国", False), ("犬", False),
])
def test_is_abbreviation(text, abbrev):
    assert is_abbreviation(text) is abbrev


def test_a_synonym_of_one_character_is_never_searched():
    # 比 is in フィリピン's group (data/synonyms.txt), 豪 in オーストラリア's
    assert [v.text for v in variants("フィリピン")] == ["フィリピン", "比国"]
    assert "豪" not in [v.text for v in variants("オーストラリア")]


def test_a_place_is_named_whole_or_all_in_kana():
    from search.query.places import place_named

    assert place_named("ふぃりぴん") == ("countries", "フィリピン")
    assert place_named("フィリピン共和国") == ("countries", "フィリピン")
    assert place_named("ふぃりぴん共和国") is None  # kana and kanji: not typed by sound


def _inner_synonyms_every_run(pieces: list[str]) -> tuple[str, ...]:
    """inner_synonyms as first written: every run of pieces looked up (cubic in the pieces)."""
    from search.query.expansion import MAX_INNER, synonym_groups
    from search.text.kana import fold_case

    found: list[str] = []
    for i in range(len(pieces)):
        for j in range(len(pieces), i, -1):
            if (i, j) == (0, len(pieces)):
                continue
            run = "".join(pieces[i:j])
            group = synonym_groups().get(fold_case(run))
            if len(run) >= 2 and group is not None:
                found += ["".join(pieces[:i]) + other + "".join(pieces[j:])
                          for other in group[1:]]
    return tuple(dict.fromkeys(found))[:MAX_INNER]


@pytest.mark.parametrize("pieces", [
    ["吉田", "統合", "幕僚長"],
    ["日伊", "物品", "役務", "相互", "提供", "協定"],
    # the table's longest word, half-width: longer typed than folded
    ["ｸﾞﾛｰﾊﾞﾙ", "戦闘", "航空", "ﾌﾟﾛｸﾞﾗﾑ", "の", "協定"],
    ["新", "グローバル", "戦闘", "航空", "プログラム"],
    ["日米", "共同", "演習", "と", "日伊", "物品", "役務", "相互", "提供", "協定"],
])
def test_inner_synonyms_look_up_only_runs_that_can_be_words(pieces):
    assert inner_synonyms(pieces) == _inner_synonyms_every_run(pieces)


def test_inner_synonyms_cost_grows_with_the_pieces_not_their_cube(monkeypatch):
    """A compound as long as the query limit (「防衛装備輸出」 166 times, 498 pieces) took
    0.9 s: every run of pieces was joined and looked up. Only runs up to the table's longest
    word (twice it, folded) are: at most a few dozen look-ups a piece."""
    from search.query import expansion

    looked = []
    real = expansion.fold_case
    monkeypatch.setattr(expansion, "fold_case", lambda text: looked.append(text) or real(text))
    pieces = ["防衛", "装備", "輸出"] * 166  # no run of it is a word of the table
    assert inner_synonyms(pieces) == ()
    assert len(pieces) < len(looked) < 20 * len(pieces)
    assert max(len(text) for text in looked) <= 2 * expansion.longest_synonym()


def test_the_narrower_table_is_the_data_file():
    table = narrower_table()
    assert table["輸送機"] == ("C-130", "C-130J", "A400M", "KC-767", "MRTT", "MV-22", "Osprey")
    assert table["潜水艦"] == ("そうりゅう型", "おやしお型", "原子力潜水艦", "原潜")
    # keys folded as words are looked up; comments are no categories
    assert "gcap" not in table and all(key == key.casefold() for key in table)
    assert not [key for key in table if key.startswith("#") or " " in key]


def test_a_category_on_two_lines_has_the_terms_of_both(tmp_path):
    path = tmp_path / "narrower.txt"
    path.write_text("# comment: not a line\n輸送機: C-2 C-130  # the C-2 first\n\n"
                    "輸送機: C-130 A400M\nＡＢＣ: x\n", encoding="utf-8")
    assert narrower_table(path) == {"輸送機": ("C-2", "C-130", "A400M"), "abc": ("x",)}


@pytest.mark.parametrize("line", ["輸送機 C-130", "輸送機:", ": C-130", "  : "])
def test_a_line_without_a_category_and_terms_is_an_error(tmp_path, line):
    path = tmp_path / "narrower.txt"
    path.write_text(f"# first\n空母: Cavour\n{line}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="narrower.txt, line 3"):
        narrower_table(path)


def test_the_forces_table_is_the_data_file():
    table = forces_table()
    assert table.words["軍"] == ("部隊", "艦", "艦艇", "空母", "訓練", "演習")
    assert table.words["海軍"] == ("艦", "艦艇", "空母")
    assert table.not_for == {"中国", "北朝鮮", "ロシア"}
    assert forces("英国", "海軍") == ("艦", "艦艇", "空母")
    # a place the table leaves out, a word it does not list
    assert forces("中国", "海軍") == () == forces("英国", "国防相")


@pytest.mark.parametrize("text", [
    '[words]\n"軍" = "部隊"\n',  # not a list
    '[words]\n"軍" = [1]\n',
    '[not]\nplaces = "中国"\n',
    'not = 1\n',
    'words = 1\n',
])
def test_a_forces_table_of_the_wrong_shape_is_an_error(tmp_path, text):
    path = tmp_path / "forces.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match="forces.toml"):
        forces_table(path)


def test_a_forces_table_without_exclusions_excludes_none(tmp_path):
    path = tmp_path / "forces.toml"
    path.write_text('[words]\n"軍" = ["部隊", "部隊", "艦"]\n', encoding="utf-8")
    assert forces_table(path) == Forces({"軍": ("部隊", "艦")}, frozenset())


def test_a_category_by_any_of_its_synonyms_the_first_twelve():
    table = narrower_table()
    # 合同演習 is 共同訓練 (data/synonyms.txt), whose line has more than twelve
    assert len(table["共同訓練"]) > MAX_NARROWER == 12
    assert narrower("合同演習") == narrower("共同訓練") == table["共同訓練"][:12]
    assert narrower("ｋａｅｄｅｘ") == narrower("空母") == ()  # an instance has none
    # a word of two groups' lines has both, each once, in the table's order
    assert narrower("艦船") == tuple(dict.fromkeys(table["艦船"] + table["艦艇"]))[:12]


def test_a_category_is_widened_only_as_a_plain_word():
    assert kinds("輸送機", plain=False) == [("輸送機", "typed")]
    assert kinds("輸送機", kinds_of=False) == [("輸送機", "typed")]


def test_a_category_typed_by_its_sound_brings_its_kinds():
    table = narrower_table()
    spell = speller({"輸送機": 4})
    # ゆそうき read whole as 輸送機: its kinds follow, as when 輸送機 is typed
    assert kinds("ゆそうき", spell=spell) == [
        ("ゆそうき", "typed"), ("輸送機", "reading"),
        *((kind, "narrower") for kind in table["輸送機"][:12])]
    # not in a field, nor without the kinds
    assert kinds("ゆそうき", spell=spell, plain=False) == [
        ("ゆそうき", "typed"), ("輸送機", "reading")]
    assert kinds("ゆそうき", spell=spell, kinds_of=False) == [
        ("ゆそうき", "typed"), ("輸送機", "reading")]
    # pieced together from the readings of several words, a category of the table brings
    # its kinds as well (as its synonyms); a word no table holds brings nothing
    assert kinds("ゆそうき", spell=lambda kana: [("輸送機", False)]) == [
        ("ゆそうき", "typed"), ("輸送機", "pieced"),
        *((kind, "narrower") for kind in table["輸送機"][:12])]
    assert kinds("ゆそうき", spell=lambda kana: [("輸送器", False)]) == [
        ("ゆそうき", "typed"), ("輸送器", "pieced")]


def test_a_service_of_the_sdf_finds_its_chief_and_staff_and_an_exercise_its_drills():
    # by the service's name or its short form (海自, data/synonyms.txt)
    assert narrower("海自") == narrower("海上自衛隊") == (
        "海幕長", "海上幕僚長", "海上幕僚監部", "護衛艦", "海賊対処行動水上部隊",
        "海賊対処水上部隊", "派遣水上部隊", "練習艦隊", "遠洋練習航海部隊", "掃海隊群", "掃海部隊")
    assert narrower("空自") == ("空幕長", "航空幕僚長", "航空幕僚監部")
    # 演習 also finds the articles that say 訓練 (half the weight), not the other way
    assert narrower("演習")[0] == "訓練" and narrower("訓練") == ()
