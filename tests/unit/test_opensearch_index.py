"""The OpenSearch index an export creates (search/export/opensearch.py): its settings and
mappings against fixtures written by hand from the OpenSearch and analysis-sudachi
documentation (tests/data/opensearch/), and the two tables made from kirinuki's data files,
read here again with a parser of the test's own.

The fixtures hold everything but those two tables, which change whenever a user extends
data/kyujitai.tsv, data/synonyms.txt or data/english.tsv: each is compared with the data
file instead.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

from search.corpus.records import Record
from search.export.opensearch import (
    bulk_lines,
    document,
    field_boosts,
    mappings,
    settings,
    stored_again,
    synonym_rules,
)
from search.index.schema import stored_names, to_document

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "data" / "opensearch"
DATA = ROOT / "data"


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def test_settings_are_the_documented_analysis():
    found = settings()
    analysis = found["analysis"]
    kyujitai = analysis["char_filter"]["kirinuki_kyujitai"]
    synonyms = analysis["filter"]["kirinuki_synonyms"]
    assert isinstance(kyujitai["mappings"], list) and isinstance(synonyms["synonyms"], list)
    kyujitai["mappings"] = "(data/kyujitai.tsv: test_kyujitai_rules)"
    synonyms["synonyms"] = "(data/synonyms.txt and data/english.tsv: test_synonym_rules)"
    assert {"settings": found} == fixture("settings.json")


def test_mappings_are_the_documented_fields():
    assert mappings() == fixture("mappings.json")


def test_kyujitai_rules_are_the_table_line_by_line():
    rows = []
    for line in (DATA / "kyujitai.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            old, new = line.split("\t")
            rows.append(f"{old} => {new}")
    rules = settings()["analysis"]["char_filter"]["kirinuki_kyujitai"]["mappings"]
    assert rules == rows
    assert "讀 => 読" in rules and "產 => 産" in rules
    # the compatibility ideographs with a canonical form (神 U+FA19) are the ICU filter's,
    # which runs first; those without one (﨑 U+FA11, a unified ideograph) are the table's
    assert all(unicodedata.normalize("NFKC", r[0]) == r[0] for r in rules)
    assert "﨑 => 崎" in rules and "\ufa19" not in "".join(rules)


def _synonym_lines() -> list[list[str]]:
    lines = []
    for line in (DATA / "synonyms.txt").read_text(encoding="utf-8").splitlines():
        words = line.split("#", 1)[0].split()
        if words:
            lines.append(words)
    return lines


# 共同訓練's first twelve kinds (data/narrower.txt)
EXERCISE_KINDS = ("Talisman", "KAEDEX", "Komodo", "RIMPAC", "マラバール", "フリーダム・エッジ",
                  "タラン・シャクティ", "ダルマ・ガーディアン", "ブリュネ・タカモリ",
                  "アイアン・フィスト", "ニッポン・スカイズ", "パシフィック・ステラー")


def test_synonym_rules_are_the_groups_then_the_english_table():
    rules = synonym_rules()
    expected = []
    for words in _synonym_lines():
        long = [w for w in words if len(w) > 1]
        if len(long) > 1:
            expected.append(", ".join(long))
        # every one-character word of the file is a place's abbreviation (米, 豪, 比 …):
        # never searched as a character, it stands for its group's other words
        expected += [f"{w} => {', '.join(long)}" for w in words if len(w) == 1]
    assert rules[:len(expected)] == expected
    english = rules[len(expected):]
    # the Japanese words with their own synonyms (共同訓練's group), then their kinds
    # (data/narrower.txt, the first twelve), as kirinuki searches them
    kinds = ", ".join(EXERCISE_KINDS)
    assert english[0] == ("joint exercise => joint exercise, 共同訓練, 共同演習, 合同演習, "
                          f"合同訓練, {kinds}")
    # 演習's first twelve begin with 訓練, already there as a translation: eleven more
    assert f"exercise => exercise, 演習, 訓練, {', '.join(EXERCISE_KINDS[:11])}" in english
    assert ("transport aircraft => transport aircraft, 輸送機, C-130, C-130J, A400M, KC-767, "
            "MRTT, MV-22, Osprey") in english
    assert "osprey => osprey, オスプレイ" in english
    assert "オスプレイ => オスプレイ, Osprey" in english


def test_a_category_stands_for_itself_and_its_kinds_by_each_of_its_synonyms():
    rules = synonym_rules()
    assert "輸送機 => 輸送機, C-130, C-130J, A400M, KC-767, MRTT, MV-22, Osprey" in rules
    # 共同訓練's group: each word stands for itself and the group's kinds (rules of one word
    # add up, so 合同演習 keeps its group's equivalence rule too)
    for word in ("共同訓練", "共同演習", "合同演習", "合同訓練"):
        kinds = [r for r in rules if r.startswith(f"{word} => ")]
        assert kinds == [f"{word} => {word}, {', '.join(EXERCISE_KINDS)}"]
    assert "共同訓練, 共同演習, 合同演習, 合同訓練" in rules
    # a kind stands for nothing more
    assert not [r for r in rules if r.startswith(("C-130 =>", "RIMPAC =>", "空母 =>"))]


def test_a_synonym_group_reads_as_the_file_says():
    rules = synonym_rules()
    assert "米国, アメリカ, アメリカ合衆国, 合衆国, USA, U.S." in rules
    assert "米 => 米国, アメリカ, アメリカ合衆国, 合衆国, USA, U.S." in rules
    assert "NATO, 北大西洋条約機構" in rules
    assert not [r for r in rules if r.startswith("米,") or ", 米," in r or r.endswith(", 米")]


def test_every_english_term_is_one_rule():
    terms = []
    for line in (DATA / "english.tsv").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        parts = [p.strip() for p in line.split("\t")]
        if parts[0] and any(parts[1:]):
            terms.append(" ".join(parts[0].lower().replace("-", " ").split()))
    lefts = [r.split(" => ")[0] for r in synonym_rules() if " => " in r]
    for term in dict.fromkeys(terms):
        assert lefts.count(term) == 1, term


def test_a_word_searches_kirinukis_fields_and_weights():
    # compile.TEXT_FIELDS (title 1.0, body 1.0, notes 0.5, outlet 0.3) with the title's
    # schema boost (2.0)
    assert field_boosts() == ["title^2.0", "body", "notes^0.5", "outlet^0.3"]


def test_a_document_is_the_stored_record_and_what_the_declarations_derive():
    rec = Record(id="2401-010101", kind="clipping", title="日比の共同訓練",
                 summary="フィリピンと。", date="2024-01-01", time=None, source="",
                 source_raw="", via_yahoo=False, notes=["注1", "注2"],
                 collections=["A", "B"], file="f.txt",
                 facets={"country": ["フィリピン", "米国"], "organization": []})
    indexed = to_document(rec, [])
    doc = document({"record": indexed["record"], "marks": indexed["marks"]})
    assert doc == {
        "id": "2401-010101", "kind": "clipping", "title": "日比の共同訓練",
        "body": "フィリピンと。", "notes": "注1\n\n注2", "source": "", "source_raw": "",
        "collections": ["A", "B"],
        "date": "2024-01-01", "time": None, "via_yahoo": False, "lang": "ja", "section": None,
        "file": "f.txt", "countries": ["フィリピン", "米国"], "organizations": [],
        "country_codes": ["PH", "US"], "year": "2024", "month": "2024-01"}
    assert stored_again(doc) == dict(zip(stored_names(), indexed["record"], strict=True))
    assert bulk_lines(doc, "x").decode("utf-8").splitlines()[0] == \
        '{"index": {"_index": "x", "_id": "2401-010101"}}'


def test_an_undated_record_has_no_year_or_month():
    rec = Record(id="r1", kind="passage", title="t", summary="s", source="防衛白書",
                 collections=["W"], facets={})
    indexed = to_document(rec, [])
    doc = document({"record": indexed["record"], "marks": indexed["marks"]})
    assert (doc["date"], doc["year"], doc["month"], doc["countries"], doc["country_codes"]) == (
        None, None, None, [], [])
