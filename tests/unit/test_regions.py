"""Regions a query names (search/query/regions.py, data/regions.toml)."""

from __future__ import annotations

from pathlib import Path

import pytest

from search.query.compile import parse_query
from search.query.places import names_place
from search.query.regions import region_named, regions


@pytest.mark.parametrize(("text", "name"), [
    ("中東", "中東"), ("Middle East", "中東"), ("middle east", "中東"), ("ヨーロッパ", "欧州"),
    ("よーろっぱ", "欧州"), ("太平洋島嶼国", "太平洋島しょ国"),
    ("Pacific Islands", "太平洋島しょ国"), ("中東欧", "東欧"), ("Eastern Europe", "東欧"),
    ("オセアニア", "大洋州"), ("北米", "北米"),
    ("中東情勢", None), ("東", None), ("中国", None),
])
def test_a_region_is_named_by_any_of_its_spellings(text, name):
    found = region_named(text)
    assert (found.name if found else None) == name


def test_members_are_the_country_facets_values_in_the_files_order():
    middle_east = region_named("中東")
    assert middle_east.members[:3] == ("アラブ首長国連邦", "サウジアラビア", "カタール")
    assert "トルコ" in middle_east.members and "エジプト" not in middle_east.members
    assert "エジプト" in region_named("アフリカ").members
    assert region_named("バルト三国").members == ("エストニア", "ラトビア", "リトアニア")
    assert {"ウクライナ", "ルーマニア", "エストニア"} <= set(region_named("東欧").members)
    assert "ロシア" not in region_named("東欧").members
    assert region_named("北米").members == ("米国", "カナダ")


def test_a_region_is_a_place_the_query_names():
    assert names_place("中東") and names_place("Europe") and not names_place("中東情勢")


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "regions.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_code_no_country_has_is_an_error_in_the_file(tmp_path):
    path = write(tmp_path, '[[region]]\nname = "X"\nmembers = ["AE", "ZZ", "QQ"]\n')
    with pytest.raises(ValueError, match="X: no country has the code ZZ, QQ"):
        regions.__wrapped__(path)


def test_a_spelling_of_two_regions_is_an_error_in_the_file(tmp_path):
    path = write(tmp_path, '[[region]]\nname = "X"\naliases = ["Y"]\nmembers = ["AE"]\n'
                           '[[region]]\nname = "y"\nmembers = ["SA"]\n')
    with pytest.raises(ValueError, match="「y」 names two regions"):
        regions.__wrapped__(path)


def test_a_region_searches_its_countries_by_the_facet_and_counts_as_a_place():
    parsed = parse_query("首相 中東 訪問")
    assert "(中東 OR 地域:中東)" in parsed.understood
    assert parsed.places == [False, True, False]
    found = str(parsed.query)
    assert "countries:アラブ首長国連邦" in found and "countries:トルコ" in found
    assert "countries:エジプト" not in found


def test_a_country_is_not_read_as_a_region():
    assert "地域:" not in parse_query("トルコ").understood
