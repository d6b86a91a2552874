"""Country and organisation facets: the gazetteer, the extractor and a labelled sample.

The sample (tests/data/countries_labelled.toml) was labelled by reading each article;
precision and recall over it have floors so that the extraction cannot regress quietly.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from search.corpus.gazetteer import (
    countries,
    load,
    organizations,
    resolve_country,
    resolve_organization,
)
from search.corpus.places import extract

LABELLED = Path(__file__).parent.parent / "data" / "countries_labelled.toml"
FLOOR = 0.95

# (text, countries expected in order of first mention). Both directions: false friends that
# must not fire, and abbreviations in the contexts where Japanese news uses them.
COUNTRY_CASES = [
    # false friends
    ("比較を行った", []),
    ("GDP比3%", []),
    ("前年比で増加", []),
    ("中谷防衛相", []),
    ("中東情勢", []),
    ("中央アジア5カ国", []),
    ("インド太平洋の安定", []),
    ("インド洋で訓練", []),
    ("南シナ海で航行", []),
    ("東シナ海", []),
    ("英語で説明", []),
    ("独自の判断", []),
    ("単独で行動", []),
    ("12カ国参加へ", []),
    ("追加で購入", []),
    ("仏教寺院", []),
    ("西日本豪雨", []),
    ("朝日新聞の取材", []),
    ("来日中の首相", []),
    ("訓練期間中首相は", []),
    ("滞在中に会談", []),
    ("24日中に発表", []),
    ("本日中に", []),
    ("存在中", []),
    ("中部隊", []),
    ("ロケット発射", []),
    ("タイミングを見て", []),
    ("マリアナ諸島", []),
    ("アラブ首長国連邦", ["アラブ首長国連邦"]),
    ("3カ国連携", []),
    ("印紙を貼る", []),
    ("中南米諸国", []),
    ("欧米と連携", []),
    ("USV system test", []),
    ("South China Sea", []),
    ("日本政府", []),
    ("Japan", []),
    # true positives
    ("日米豪比の防衛相", ["米国", "オーストラリア", "フィリピン"]),
    ("米豪比NZと訓練", ["米国", "オーストラリア", "フィリピン", "ニュージーランド"]),
    ("日韓豪 NZ 首脳", ["韓国", "オーストラリア", "ニュージーランド"]),
    ("日米英豪NZ", ["米国", "英国", "オーストラリア", "ニュージーランド"]),
    ("比国防相", ["フィリピン"]),
    ("来日中のブレア加国防相", ["カナダ"]),
    ("訪米中の首相", ["米国"]),
    ("在日米軍の再編", ["米国"]),
    ("対中政策", ["中国"]),
    ("駐独大使", ["ドイツ"]),
    ("米、英、仏の艦艇", ["米国", "英国", "フランス"]),
    ("日、豪、英、米軍は", ["オーストラリア", "英国", "米国"]),
    ("仏海軍艦艇", ["フランス"]),
    ("中国公船", ["中国"]),
    ("米政権", ["米国"]),
    ("中露けん制", ["中国", "ロシア"]),
    ("日ロ首脳", ["ロシア"]),
    ("対ロ制裁", ["ロシア"]),
    ("日米中の首脳", ["米国", "中国"]),
    ("日英伊防衛相", ["英国", "イタリア"]),
    ("米英豪と物品協定", ["米国", "英国", "オーストラリア"]),
    ("海保と印沿岸警備隊", ["インド"]),
    ("日台が覚書", ["台湾"]),
    ("露朝連携", ["ロシア", "北朝鮮"]),
    ("豪、蒙、露、韓、シンガポール",
     ["オーストラリア", "モンゴル", "ロシア", "韓国", "シンガポール"]),
    ("オーストラリアカナダ英国が", ["オーストラリア", "カナダ", "英国"]),
    ("日モンゴル首脳", ["モンゴル"]),
    ("U.S.-Japan partnership", ["米国"]),
    ("Canada, Japan navies", ["カナダ"]),
    ("US, Japan, France, UK practice", ["米国", "フランス", "英国"]),
    ("Japan-Qatar ties", ["カタール"]),
    ("ジョージア(グルジア)の国防相", ["ジョージア"]),
    ("KARICOMを構成するドミニカやハイチ", ["ドミニカ国", "ハイチ"]),
]

ORG_CASES = [
    ("カリブ共同体(KARICOM)", ["カリブ共同体"]),
    ("CARICOM", ["カリブ共同体"]),
    ("NATO首脳会議", ["NATO"]),
    ("国連安保理決議", ["国連"]),
    ("UN peacekeeping", ["国連"]),
    ("主要7カ国首脳会議(G7サミット)", ["G7"]),
    ("AUKUSのパートナー", ["AUKUS"]),
    ("日米豪印のクアッド", ["クアッド"]),
    ("ASEAN諸国", ["ASEAN"]),
    ("EUのフォンデアライエン欧州委員長", ["EU"]),
    ("アラブ首長国連邦", []),
    ("3カ国連携", []),
    ("クアッドコプター", []),
    ("UNCLOS", []),
    ("EUR建て", []),
]


@pytest.mark.parametrize(("text", "expected"), COUNTRY_CASES)
def test_country_cases(text, expected):
    assert extract(text, "").countries == expected


@pytest.mark.parametrize(("text", "expected"), ORG_CASES)
def test_organization_cases(text, expected):
    assert extract(text, "").organizations == expected


def test_title_and_text_in_order_without_duplicates():
    m = extract("日米豪比の防衛相会談", "フィリピンのテオドロ国防相、米国のヘグセス長官。NATOも")
    assert m.countries == ["米国", "オーストラリア", "フィリピン"]
    assert m.country_codes == ["US", "AU", "PH"]
    assert m.organizations == ["NATO"]


def test_resolve():
    for word in ("豪", "豪州", "オーストラリア", "Australia", "AU", "au"):
        assert resolve_country(word).name == "オーストラリア"
    assert resolve_country("比").code == "PH"
    assert resolve_country("台湾").code == "TW"
    assert resolve_country("日本") is None  # not a facet value
    assert resolve_country("NATO") is None
    assert resolve_organization("KARICOM").name == "カリブ共同体"
    assert resolve_organization("UN").name == "国連"
    assert resolve_organization("AU").name == "アフリカ連合"


def test_gazetteer_shape():
    cs = countries()
    codes = [p.code for p in cs]
    assert len(codes) == len(set(codes))
    assert "JP" not in codes and "TW" in codes
    assert len(cs) >= 193  # UN members (less Japan) and territories
    assert all(len(p.code) == 2 and p.code.isupper() for p in cs)
    assert {"NATO", "EU", "ASEAN", "UN", "G7", "AUKUS", "QUAD", "CARICOM"} <= {
        p.code for p in organizations()}


def test_duplicate_alias_is_refused(tmp_path):
    bad = tmp_path / "countries.toml"
    bad.write_text(
        '[[country]]\nname = "A国"\nenglish = "A"\ncode = "AA"\naliases = ["X"]\n'
        '[[country]]\nname = "B国"\nenglish = "B"\ncode = "BB"\naliases = ["X"]\n',
        encoding="utf-8",
    )
    orgs = tmp_path / "organizations.toml"
    orgs.write_text("", encoding="utf-8")
    with pytest.raises(ValueError, match="names both"):
        load(bad, orgs)


# --- the labelled sample ------------------------------------------------------------------


def _labelled() -> list[dict]:
    with open(LABELLED, "rb") as fh:
        return tomllib.load(fh)["record"]


@pytest.fixture(scope="module")
def records():
    from search.corpus.loading import load_corpus

    return {r.id: r for r in load_corpus().records}


def _score(pairs_found: set, pairs_true: set) -> tuple[float, float, int, int, int]:
    tp = len(pairs_found & pairs_true)
    precision = tp / len(pairs_found) if pairs_found else 1.0
    recall = tp / len(pairs_true) if pairs_true else 1.0
    return precision, recall, tp, len(pairs_found), len(pairs_true)


def test_labelled_sample_is_broad(records):
    sample = _labelled()
    ids = [r["id"] for r in sample]
    assert len(ids) >= 60 and len(ids) == len(set(ids))
    assert all(i in records for i in ids)
    years = {records[i].date[:4] for i in ids}
    assert {"2012", "2025"} <= years
    assert any(records[i].lang == "en" for i in ids)
    assert any(not r["countries"] for r in sample)
    known_c = {p.name for p in countries()}
    known_o = {p.name for p in organizations()}
    for r in sample:
        assert set(r["countries"]) <= known_c, r["id"]
        assert set(r["organizations"]) <= known_o, r["id"]


@pytest.mark.parametrize("kind", ["countries", "organizations"])
def test_labelled_precision_recall(records, kind):
    found: set[tuple[str, str]] = set()
    true: set[tuple[str, str]] = set()
    for r in _labelled():
        rec = records[r["id"]]
        got = getattr(extract(rec.title, rec.summary), kind)
        found |= {(r["id"], v) for v in got}
        true |= {(r["id"], v) for v in r[kind]}
    precision, recall, tp, n_found, n_true = _score(found, true)
    detail = (f"{kind}: precision {precision:.3f} ({tp}/{n_found}), "
              f"recall {recall:.3f} ({tp}/{n_true}); "
              f"false {sorted(found - true)}; missed {sorted(true - found)}")
    print(detail)
    assert precision >= FLOOR and recall >= FLOOR, detail


def test_records_carry_the_facets(records):
    """The corpus loader annotates every record with what extract() finds."""
    for r in _labelled():
        rec = records[r["id"]]
        m = extract(rec.title, rec.summary)
        assert rec.facets == {"country": m.countries, "organization": m.organizations}, r["id"]
        assert rec.to_dict()["country_codes"] == m.country_codes, r["id"]
