"""The Japanese analyzer: tokens, offsets, stops, pickling, threads, and a real Whoosh index."""

from __future__ import annotations

import pickle
import re
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.fields import ID, TEXT, Schema
from whoosh.highlight import HtmlFormatter
from whoosh.qparser import QueryParser

from search.config import DEFAULT_CORPUS, ROOT
from search.text import sudachi
from search.text.analysis import STOP_TAGS, analyze_terms, japanese_analyzer
from search.text.sudachi import kyujitai_table


@pytest.fixture(scope="module")
def ana():
    return japanese_analyzer()


def triples(ana, text, **kwargs):
    return [(t.text, t.startchar, t.endchar) for t in ana(text, chars=True, mode="index", **kwargs)]


# -- tokens and offsets, on sentences from the bundled corpus --------------------------------

CASES = [
    # compound: mode C keeps 防衛相 whole; its parts share its position with their own offsets
    ("日米防衛相会談、在日米軍の再編開始を表明", [
        ("日米", 0, 2), ("防衛相", 2, 5), ("防衛", 2, 4), ("相", 4, 5), ("会談", 5, 7),
        ("在日", 8, 10), ("米軍", 10, 12), ("再編", 13, 15), ("開始", 15, 17), ("表明", 18, 20)]),
    ("防衛装備品巡る合意、日米で齟齬なしと首相", [
        ("防衛", 0, 2), ("装備", 2, 4), ("品", 4, 5), ("巡る", 5, 7), ("合意", 7, 9),
        ("日米", 10, 12), ("齟齬", 13, 15), ("なし", 15, 17), ("首相", 18, 20)]),
    # abbreviation runs are glued by SudachiPy in every mode (the country field handles them)
    ("日米豪と日米豪比の会談を終えた中谷防衛相は記者団に対し", [
        ("日", 0, 1), ("米豪", 1, 3), ("日", 4, 5), ("米豪", 5, 7), ("比", 7, 8),
        ("会談", 9, 11), ("終える", 12, 14), ("中谷", 15, 17), ("防衛相", 17, 20),
        ("防衛", 17, 19), ("相", 19, 20), ("記者団", 21, 24), ("記者", 21, 23), ("団", 23, 24),
        ("対する", 25, 27)]),
    # numbers are kept, in SudachiPy's normalised form
    ("OSA)に6年度より30億円多い80.5億円を計上した。", [
        ("osa", 0, 3), ("6", 5, 6), ("年度", 6, 8), ("3000000000", 10, 13), ("円", 13, 14),
        ("多い", 14, 16), ("8050000000", 16, 21), ("円", 21, 22), ("計上", 23, 25),
        ("為る", 25, 26)]),
    ("日米欧、豪で3万人の大規模演習", [
        ("日米", 0, 2), ("欧", 2, 3), ("豪", 4, 5), ("30000", 6, 8), ("人", 8, 9),
        ("大規模", 10, 13), ("大", 10, 11), ("規模", 11, 13), ("演習", 13, 15)]),
    # English stays English, lower-cased (not SudachiPy's katakana: Japan → ジャパン)
    ("Japan joins AUKUS partners to enhance underwater communications", [
        ("japan", 0, 5), ("joins", 6, 11), ("aukus", 12, 17), ("partners", 18, 26),
        ("to", 27, 29), ("enhance", 30, 37), ("underwater", 38, 48),
        ("communications", 49, 63)]),
    # mode B adds 自衛隊, which mode A splits into 自衛 / 隊
    ("航空自衛隊のF-35Aが2月に", [
        ("航空自衛隊", 0, 5), ("航空", 0, 2), ("自衛隊", 2, 5), ("自衛", 2, 4), ("隊", 4, 5),
        ("f", 6, 7), ("35", 8, 10), ("a", 10, 11), ("2", 12, 13), ("月", 13, 14)]),
    ("航空自衛隊のＦ－３５Ａが２月に", [
        ("航空自衛隊", 0, 5), ("航空", 0, 2), ("自衛隊", 2, 5), ("自衛", 2, 4), ("隊", 4, 5),
        ("f", 6, 7), ("35", 8, 10), ("a", 10, 11), ("2", 12, 13), ("月", 13, 14)]),
    ("ＮＡＴＯ国防相会議", [
        ("nato", 0, 4), ("国防相", 4, 7), ("国防", 4, 6), ("相", 6, 7), ("会議", 7, 9)]),
    # old kanji mapped before tokenising: the offsets still cover 讀賣
    ("2021.04.05 讀賣新聞", [
        ("2021", 0, 4), ("04", 5, 7), ("05", 8, 10), ("読売", 11, 13), ("新聞", 13, 15)]),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0][:12] for c in CASES])
def test_triples(ana, text, expected):
    assert triples(ana, text) == expected


def test_sentences_are_from_the_corpus():
    corpus = "".join(p.read_text(encoding="utf-8") for p in DEFAULT_CORPUS.glob("*.txt"))
    for text, _ in CASES:
        if "Ｆ" in text or "ＮＡＴＯ" in text:
            continue  # the width variants are made from corpus lines
        assert text in corpus, text


def test_positions_share_compound_and_skip_stops(ana):
    got = [(t.text, t.pos) for t in ana("海上自衛隊と日米防衛相会談", positions=True,
                                        mode="index")]
    assert got == [("海上自衛隊", 0), ("海上", 0), ("自衛隊", 0), ("自衛", 0), ("隊", 0),
                   ("日米", 1), ("防衛相", 2), ("防衛", 2), ("相", 2), ("会談", 3)]


def test_query_mode_has_no_subwords():
    assert analyze_terms("日米防衛相会談") == ["日米", "防衛相", "会談"]
    assert analyze_terms("防衛装備品") == ["防衛", "装備", "品"]
    assert analyze_terms("防衛 装備") == ["防衛", "装備"]
    assert [t.text for t in japanese_analyzer(subwords=False)("防衛相", mode="index")] == [
        "防衛相"]


def test_start_char_and_start_pos(ana):
    got = [(t.text, t.pos, t.startchar, t.endchar)
           for t in ana("防衛相", positions=True, chars=True, start_pos=5, start_char=100,
                        mode="index")]
    assert got == [("防衛相", 5, 100, 103), ("防衛", 5, 100, 102), ("相", 5, 102, 103)]


def test_keeporiginal_is_the_unmapped_text(ana):
    got = [(t.text, t.original) for t in ana("讀賣新聞の國防相", keeporiginal=True,
                                             mode="index")]
    assert got == [("読売", "讀賣"), ("新聞", "新聞"), ("国防相", "國防相"), ("国防", "國防"),
                   ("相", "相")]


def test_untokenized_value_is_one_folded_token(ana):
    assert triples(ana, "ＮＡＴＯ 首脳会議", tokenize=False) == [("nato 首脳会議", 0, 9)]


# -- folding -----------------------------------------------------------------------------------

@pytest.mark.parametrize("variants", [
    ("ＮＡＴＯ", "NATO", "nato", "Nato"),
    ("Ｆ－３５", "F-35", "F35", "f-35"),
    ("Ｆ－３５Ａ", "F-35A"),
    ("讀賣", "読売"),
    ("讀賣新聞", "読売新聞"),
    ("產經新聞", "産經新聞", "産経新聞"),
    ("國防相", "国防相"),
    ("80.5億円", "８０．５億円"),
    ("3万人", "30,000人", "三万人", "３万人"),
    ("取組", "取り組み"),
    ("ﾊﾟﾄﾘｵｯﾄ", "パトリオット"),
])
def test_variants_meet(variants):
    first, *others = variants
    for other in others:
        assert analyze_terms(other) == analyze_terms(first), (first, other)


def test_noun_spelling_does_not_depend_on_context():
    # SudachiPy reads 読売 as a proper noun (normalized 読売) after a date and as a common
    # noun (normalized 読み売り) elsewhere; the term is the same either way.
    after_date, in_sentence = "2025.06.26 読売新聞", "東京都内で読売新聞の取材に応じた"
    raw = {m.normalized_form() for text in (after_date, in_sentence)
           for m in sudachi.tokenizer().tokenize(text) if m.surface() == "読売"}
    assert raw == {"読売", "読み売り"}
    assert analyze_terms(after_date) == ["2025", "06", "26", "読売", "新聞"]
    assert analyze_terms(in_sentence) == ["東京都内", "読売", "新聞", "取材", "応じる"]
    assert analyze_terms("讀賣") == analyze_terms("読売") == ["読売"]


def test_yonhap_is_left_to_sudachi():
    # 聯 is not in the old-kanji table; SudachiPy's dictionary itself spells 聯合 as 連合.
    assert "聯" not in {chr(c) for c in kyujitai_table()}
    assert analyze_terms("聯合ニュース") == ["連合", "ニュース"]


def test_kyujitai_table_is_one_character_each_and_has_no_chains():
    table = kyujitai_table()
    for old, new in {"讀": "読", "賣": "売", "經": "経", "國": "国", "會": "会", "學": "学",
                     "實": "実", "對": "対", "戰": "戦", "與": "与", "\ufa19": "神"}.items():
        assert table[ord(old)] == ord(new)
    assert not set(table.values()) & set(table)


# -- stops by part of speech -------------------------------------------------------------------

def test_stops_are_particles_auxiliaries_punctuation_and_spaces(ana):
    text = "防衛省は「日米で齟齬はない」と述べた。 第42回の会合に約250名が参加した"
    stopped = {(t.startchar, t.endchar) for t in ana(text, chars=True, mode="query",
                                                     removestops=False) if t.stopped}
    pos = {(m.begin(), m.end()): m.part_of_speech()[0] for m in sudachi.tokenizer().tokenize(text)}
    stop_tops = {tag[0] for tag in STOP_TAGS}
    assert stopped == {span for span, top in pos.items() if top in stop_tops}
    assert stop_tops == {"助詞", "助動詞", "補助記号", "空白"}
    # prefixes, suffixes and numbers stay
    assert analyze_terms(text) == ["防衛省", "日米", "齟齬", "無い", "述べる", "第", "42", "回",
                                   "会合", "約", "250", "名", "参加", "為る"]


def test_stops_follow_part_of_speech_not_spelling():
    # と is a particle in 日米と豪 but part of the noun in 大都市と; で likewise.
    assert analyze_terms("日米と豪") == ["日米", "豪"]
    assert "と" not in analyze_terms("とりわけ")
    assert analyze_terms("の") == []
    assert analyze_terms("、。「」") == []


# -- long text, pickling, threads --------------------------------------------------------------

def test_long_text_offsets_stay_right(ana):
    body = (DEFAULT_CORPUS / "whitepaper-2025-defence-cooperation.txt").read_text(
        encoding="utf-8")[:25_000]
    text = body + "\n最後は防衛装備品"
    assert len(text.encode("utf-8")) > 60_000
    assert len(list(sudachi.chunks(text))) > 1
    got = triples(ana, text)
    n = len(text)
    assert got[-3:] == [("防衛", n - 5, n - 3), ("装備", n - 3, n - 1), ("品", n - 1, n)]
    # every word's offsets cover exactly its surface (old kanji mapped)
    table = kyujitai_table()
    for begin, end, m in sudachi.words(text):
        assert text[begin:end].translate(table) == m.surface()
    for t in ana(text, chars=True, removestops=False, mode="index"):
        if t.stopped:
            assert text[t.startchar:t.endchar].translate(table) == t.text


def test_pickle_round_trip(ana):
    again = pickle.loads(pickle.dumps(ana))
    assert again == ana
    assert again != japanese_analyzer(subwords=False)
    assert triples(again, "日米防衛相会談") == triples(ana, "日米防衛相会談")
    schema = Schema(body=TEXT(analyzer=ana))
    assert pickle.loads(pickle.dumps(schema)) == schema


def test_unpickled_in_a_fresh_process(ana):
    code = ("import pickle, sys; ana = pickle.load(sys.stdin.buffer); "
            "print([t.text for t in ana('日米防衛相会談', mode='index')])")
    out = subprocess.run([sys.executable, "-W", "error", "-c", code], input=pickle.dumps(ana),
                         capture_output=True, check=True, cwd=ROOT)
    assert out.stdout.decode().strip() == "['日米', '防衛相', '防衛', '相', '会談']"


def test_two_threads_each_get_their_own_tokenizer(ana):
    texts = [p.read_text(encoding="utf-8")[:20_000]
             for p in sorted(DEFAULT_CORPUS.glob("clippings-*.txt"))[:2]]
    expected = [triples(ana, text) for text in texts]
    barrier = threading.Barrier(2)

    def work(text):
        barrier.wait()
        results = [triples(ana, text) for _ in range(3)]
        return id(sudachi.tokenizer()), results

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = list(pool.map(work, texts))
    (id_a, got_a), (id_b, got_b) = outcomes
    assert id_a != id_b
    assert got_a == [expected[0]] * 3
    assert got_b == [expected[1]] * 3


# -- a real on-disk Whoosh index ---------------------------------------------------------------

DOCS = {
    "equipment": "防衛装備品巡る合意、日米で齟齬なしと首相",
    "ministers": "日米防衛相会談、在日米軍の再編開始を表明",
    "nato-wide": "ＮＡＴＯ国防相会議に出席",
    "nato": "米国とNATO加盟国との関係",
    "f35-wide": "航空自衛隊のＦ－３５Ａが２月に",
    "f35": "F-35A 6機、KC-46A 1機",
    "yomiuri-old": "2021.04.05 讀賣新聞",
    "yomiuri": "読売新聞の取材に応じた",
    "budget": "OSA)に6年度より30億円多い80.5億円を計上した。",
}


@pytest.fixture(scope="module")
def ix(tmp_path_factory):
    folder = tmp_path_factory.mktemp("index")
    schema = Schema(id=ID(stored=True), body=TEXT(analyzer=japanese_analyzer(), stored=True))
    writer = whoosh_index.create_in(folder, schema).writer()
    for key, body in DOCS.items():
        writer.add_document(id=key, body=body)
    writer.commit()
    # reopened from disk: the analyzer comes back from the pickled schema
    return whoosh_index.open_dir(folder)


def parsed_ids(ix, text):
    with ix.searcher() as s:
        return sorted(hit["id"] for hit in s.search(QueryParser("body", ix.schema).parse(text)))


def phrase_ids(ix, text):
    """What the query layer does: a phrase of the analysed terms (one term: a Term)."""
    terms = analyze_terms(text)
    q = wq.Term("body", terms[0]) if len(terms) == 1 else wq.Phrase("body", terms)
    with ix.searcher() as s:
        return sorted(hit["id"] for hit in s.search(q))


@pytest.mark.parametrize(("query", "expected"), [
    ("防衛装備品", ["equipment"]),
    ("装備品", ["equipment"]),
    ("防衛 装備", ["equipment"]),
    ("防衛", ["equipment", "ministers"]),
    ("防衛相", ["ministers"]),
    ("国防相", ["nato-wide"]),
    ("自衛隊", ["f35-wide"]),
    ("ＮＡＴＯ", ["nato", "nato-wide"]),
    ("NATO", ["nato", "nato-wide"]),
    ("nato", ["nato", "nato-wide"]),
    ("Ｆ－３５", ["f35", "f35-wide"]),
    ("F-35", ["f35", "f35-wide"]),
    ("讀賣", ["yomiuri", "yomiuri-old"]),
    ("読売", ["yomiuri", "yomiuri-old"]),
    ("80.5億円", ["budget"]),
])
def test_queries_find(ix, query, expected):
    assert parsed_ids(ix, query) == expected
    assert phrase_ids(ix, query) == expected


def test_query_parser_ands_the_terms_of_one_word(ix):
    # QueryParser turns a word that analyses into several terms into an AND, not a phrase:
    # the query layer builds its own phrase from analyze_terms.
    q = QueryParser("body", ix.schema).parse("防衛装備品")
    assert q == wq.And([wq.Term("body", "防衛"), wq.Term("body", "装備"),
                        wq.Term("body", "品")])


def test_highlight_marks_exactly_the_subword(ix):
    with ix.searcher() as s:
        results = s.search(wq.Term("body", "防衛"))
        results.formatter = HtmlFormatter(tagname="mark", classname="m", termclass="t")
        marked = {hit["id"]: hit.highlights("body") for hit in results}
    assert marked["ministers"] == ('日米<mark class="m t0">防衛</mark>相会談、'
                                   "在日米軍の再編開始を表明")
    assert re.findall(r"<mark[^>]*>(.*?)</mark>", marked["equipment"]) == ["防衛"]


def test_highlight_marks_the_original_spelling(ix):
    with ix.searcher() as s:
        results = s.search(wq.Term("body", analyze_terms("読売")[0]))
        results.formatter = HtmlFormatter(tagname="mark", classname="m", termclass="t")
        marked = {hit["id"]: hit.highlights("body") for hit in results}
    assert re.sub(r"<mark[^>]*>", "<mark>", marked["yomiuri-old"]) == (
        "2021.04.05 <mark>讀賣</mark>新聞")
