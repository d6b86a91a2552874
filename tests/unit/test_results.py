"""Result rows and the result object (search/engine/results.py): rows made from stored
fields, the JSON shape the API and ``manage.py search --json`` share, pages."""

from __future__ import annotations

from datetime import datetime

import pytest

from search.corpus.records import Record
from search.engine.results import (
    Hit,
    SearchResult,
    check_page,
    iso,
    make_hit,
    to_record,
)
from search.errors import PageOutOfRange
from search.facets import FacetValue

STORED = {
    "id": "2501-010101", "kind": "passage", "title": "空母<が>寄港",
    "body": "空母が寄港した。" * 30, "notes": "注 一\n二行目\n\n注二\n\n", "source": "読売新聞",
    "source_raw": "讀賣", "collections": "欧州,アジア", "date": "2025-01-01", "time": "10:00",
    "via_yahoo": True, "lang": "en", "section": "第1節", "file": "a.txt",
    "countries": "米国,豪州", "organizations": "国連",
}


def test_a_hit_from_stored_fields_marks_the_terms():
    hit = make_hit(STORED, 1.5, {"空母"}, width=20, missing=["潜水艦"])
    assert hit.id == "2501-010101" and hit.score == 1.5
    assert hit.title == "空母<が>寄港"
    assert hit.title_html == "<mark>空母</mark>&lt;が&gt;寄港"
    assert (hit.date, hit.time, hit.source) == ("2025-01-01", "10:00", "読売新聞")
    assert hit.snippet_html == "<mark>空母</mark>が寄港した。<mark>空母</mark>が寄港した。…"
    assert hit.snippet == "空母が寄港した。空母が寄港した。…"
    assert (hit.kind, hit.section) == ("passage", "第1節")
    assert hit.values == {"country": ["米国", "豪州"], "organization": ["国連"],
                          "collection": ["欧州", "アジア"]}
    assert hit.missing == ["潜水艦"]
    assert hit.summary == STORED["body"]
    assert hit.lang == "en"


def test_a_hit_without_width_uses_the_snippets_own_and_defaults_for_what_is_absent():
    hit = make_hit({"id": "x", "title": "t", "body": None}, 0.0, set())
    assert (hit.date, hit.time, hit.source, hit.kind, hit.section) == (
        None, None, "", "clipping", None)
    assert (hit.snippet, hit.snippet_html, hit.summary) == ("", "", "")
    assert hit.lang == "ja"
    assert hit.missing == [] and hit.values == {
        "country": [], "organization": [], "collection": []}
    long = make_hit({"id": "x", "title": "t", "body": "あ" * 1000}, 0.0, set())
    assert 20 < len(long.snippet) < 1000


def test_a_datetime_date_is_an_iso_day():
    assert make_hit({**STORED, "date": datetime(2024, 6, 3, 12, 30)}, 0, set()).date == \
        "2024-06-03"
    assert iso(datetime(2024, 6, 3, 12, 30)) == "2024-06-03"
    assert iso("2024-06-03") == "2024-06-03"
    assert iso("") is None and iso(None) is None


def test_a_rows_json():
    hit = make_hit(STORED, 2.0, {"寄港"}, missing=["x"])
    out = hit.to_dict()
    assert list(out) == ["id", "score", "title", "title_html", "date", "time", "source",
                         "countries", "country_codes", "organizations", "collections",
                         "snippet_html", "snippet", "kind", "missing"]
    assert out["countries"] == ["米国", "豪州"] and out["country_codes"] == ["US", "AU"]
    assert out["organizations"] == ["国連"] and out["collections"] == ["欧州", "アジア"]
    assert (out["id"], out["score"], out["kind"], out["missing"]) == (
        "2501-010101", 2.0, "passage", ["x"])
    assert out["title_html"] == "空母&lt;が&gt;<mark>寄港</mark>"
    bare = Hit("i", 0.0, "t", "t", None, None, "", "", "").to_dict()
    assert bare["countries"] == [] and bare["country_codes"] == []


def result(**kwargs) -> SearchResult:
    base = dict(query="空母", understood="空母", total=45, page=2, page_size=20,
                sort="relevance", results=[], facets={}, suggestions=[], messages=[],
                elapsed_ms=12.345)
    return SearchResult(**{**base, **kwargs})


def test_pages_and_complete():
    assert result().pages == 3
    assert result(total=40).pages == 2
    assert result(total=41).pages == 3
    assert result(total=0).pages == 1
    assert result(total=1, page_size=1).pages == 1
    assert result().complete == 45
    assert result(complete=3).complete == 3
    assert result(complete=0).complete == 0


def test_a_results_json():
    hit = make_hit(STORED, 1.0, set())
    out = result(results=[hit], related=[hit], related_offered=True, corrected="空母艦",
                 complete=40,
                 facets={"country": [FacetValue("米国", 3, True)]}, suggestions=["潜水艦"],
                 messages=["m"], fallback=True).to_dict()
    assert out == {
        "query": "空母", "understood": "空母", "messages": ["m"], "corrected": "空母艦",
        "total": 45, "complete": 40, "page": 2, "page_size": 20, "pages": 3,
        "sort": "relevance", "results": [hit.to_dict()], "related": [hit.to_dict()],
        "related_offered": True,
        "facets": {"country": [{"value": "米国", "count": 3, "selected": True}]},
        "match_all": [], "suggestions": ["潜水艦"], "elapsed_ms": 12.3}
    assert result(elapsed_ms=0.05).to_dict()["elapsed_ms"] == 0.1
    assert list(result().to_dict())[:3] == ["query", "understood", "messages"]
    assert result().to_dict()["related_offered"] is False


def test_a_page_past_the_last_is_refused():
    assert check_page(result(page=3)).page == 3
    assert check_page(result(total=0, page=1)).page == 1
    with pytest.raises(PageOutOfRange) as raised:
        check_page(result(page=4))
    assert str(raised.value) == "ページ 4 はありません。この検索の結果は全 3 ページです"


def test_a_record_from_stored_fields():
    assert to_record(STORED) == Record(
        id="2501-010101", kind="passage", title="空母<が>寄港", summary=STORED["body"],
        date="2025-01-01", time="10:00", source_raw="讀賣", source="読売新聞", via_yahoo=True,
        notes=["注 一\n二行目", "注二"], lang="en", collections=["欧州", "アジア"], file="a.txt",
        section="第1節", facets={"country": ["米国", "豪州"], "organization": ["国連"]})


def test_a_record_from_the_least_a_document_stores():
    assert to_record({"id": "x", "title": "t"}) == Record(
        id="x", kind="clipping", title="t", summary="", date=None, time=None, source_raw="",
        source="", via_yahoo=False, notes=[], lang="ja", collections=[], file="",
        section=None, facets={"country": [], "organization": []})
    rec = to_record({"id": "x", "title": "t", "date": datetime(2020, 2, 29), "via_yahoo": 0,
                     "lang": "", "body": None, "source": None, "source_raw": None,
                     "file": None})
    assert (rec.date, rec.via_yahoo, rec.lang, rec.summary, rec.source, rec.file) == (
        "2020-02-29", False, "ja", "", "", "")
