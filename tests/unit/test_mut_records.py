"""search.corpus.records: a record as JSON, an issue as text (written for mutation testing)."""

from __future__ import annotations

from search.corpus.records import Issue, Record

BARE = {"id": "i1", "kind": "clipping", "title": "t", "summary": "s", "date": None,
        "time": None, "source_raw": "", "source": "", "via_yahoo": False, "notes": [],
        "lang": "ja", "collections": [], "file": "", "line": 0, "section": None}


def test_a_bare_record_as_json():
    assert Record("i1", "clipping", "t", "s").to_dict() == {
        **BARE, "countries": [], "country_codes": [], "organizations": []}


def test_a_record_with_facets_as_json_in_order():
    record = Record("i1", "clipping", "t", "s",
                    facets={"country": ["米国", "フィリピン"], "organization": ["NATO"]})
    out = record.to_dict()
    assert out == {**BARE, "countries": ["米国", "フィリピン"], "country_codes": ["US", "PH"],
                   "organizations": ["NATO"]}
    assert list(out) == [*BARE, "countries", "country_codes", "organizations"]
    assert record.facets == {"country": ["米国", "フィリピン"], "organization": ["NATO"]}


def test_defaults_are_not_shared():
    first, second = Record("a", "article", "t", "s"), Record("b", "article", "t", "s")
    first.notes.append("x")
    first.collections.append("x")
    first.facets["country"] = ["米国"]
    assert (second.notes, second.collections, second.facets) == ([], [], {})


def test_an_issue_as_text():
    assert str(Issue("f.txt", 3, "m")) == "f.txt:3: m"
    assert str(Issue("f.txt", 0, "m")) == "f.txt: m"
    assert Issue("f.txt", 3, "m").severity == "warning"
