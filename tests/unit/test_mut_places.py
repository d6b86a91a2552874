"""Exact answers of search.query.places on the real gazetteer (written for mutation testing)."""

from __future__ import annotations

import pytest

from search.query import places


@pytest.mark.parametrize(("text", "named"), [
    ("イタリア", True), ("ふぃりぴん", True), ("NATO", True), ("北大西洋条約機構", True),
    ("日比", True),  # only an enumeration of abbreviations
    ("英軍", True),  # only abbreviations glued to a word
    ("比", True), ("x", False), ("", False), ("ぼうえい", False), ("英語", False),
])
def test_names_place(text, named):
    assert places.names_place(text) is named


def test_entry_looks_in_the_field_named():
    assert places.entry("countries", "フィリピン").name == "フィリピン"
    assert places.entry("organizations", "北大西洋条約機構").name == "NATO"
    assert places.entry("organizations", "フィリピン") is None
    assert places.entry("countries", "NATO") is None
    assert places.entry("anything else", "NATO").name == "NATO"


def test_searchable_names_keep_order_and_leave_out_acronyms():
    assert places.searchable_names("countries", "米国") == [
        "米国", "United States", "アメリカ", "アメリカ合衆国", "合衆国", "米合衆国",
        "America", "American", "Americans", "United States of America"]
    assert places.searchable_names("organizations", "NATO") == [
        "North Atlantic Treaty Organization", "北大西洋条約機構", "ナトー", "北大西洋理事会",
        "North Atlantic Treaty Organisation"]
    assert places.searchable_names("organizations", "AUKUS") == ["オーカス"]
    assert places.searchable_names("countries", "どこでもない") == []


def test_abbreviations():
    assert places.abbreviations("countries", "フィリピン") == ("比",)
    assert places.abbreviations("countries", "英国") == ("英",)
    assert places.abbreviations("organizations", "NATO") == ()
    assert places.abbreviations("countries", "どこでもない") == ()


@pytest.mark.parametrize(("text", "kind", "answer"), [
    ("NATO", None, ("organizations", "NATO")),
    ("NATO", "org", ("organizations", "NATO")),
    ("NATO", "country", None),
    ("イタリア", None, ("countries", "イタリア")),
    ("イタリア", "country", ("countries", "イタリア")),
    ("イタリア", "org", None),
    ("イタリア", "other", None),
    ("NATO", "other", None),
    ("どこでもない", None, None),
])
def test_resolve_place(text, kind, answer):
    assert places.resolve_place(text, kind) == answer


def test_resolve_place_defaults_to_both_kinds():
    assert places.resolve_place("NATO") == ("organizations", "NATO")
    assert places.resolve_place("イタリア") == ("countries", "イタリア")


def test_place_named():
    assert places.place_named("ふぃりぴん") == ("countries", "フィリピン")
    assert places.place_named("なとー") == ("organizations", "NATO")
    assert places.place_named("北大西洋条約機構") == ("organizations", "NATO")
    assert places.place_named("ぼうえい") is None


def test_abbreviated_edges():
    assert places.abbreviated("") == []
    assert places.abbreviated("比") == []
    assert places.abbreviated("日比") == ["フィリピン"]
    assert places.abbreviated("比犬") == []
    assert places.abbreviated("犬比") == []


def test_abbreviated_before_edges():
    assert places.abbreviated_before("") is None
    assert places.abbreviated_before("米") is None  # nothing after the abbreviations
    assert places.abbreviated_before("英軍") == (["英国"], "軍")
    assert places.abbreviated_before("日米韓外相") == (["米国", "韓国"], "外相")
    assert places.abbreviated_before("日軍") is None
    assert places.abbreviated_before("軍") is None


def test_is_abbreviation_edges():
    assert places.is_abbreviation("比") is True
    assert places.is_abbreviation("") is False
    assert places.is_abbreviation("比比") is False
    assert places.is_abbreviation("犬") is False
