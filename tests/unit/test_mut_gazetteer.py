"""Exact behaviour of search.corpus.gazetteer (written for mutation testing): ``load`` of
small tables of one's own (every field, default and index, each refusal word for word), and
the bundled gazetteer's look-ups."""

from __future__ import annotations

from pathlib import Path

import pytest

from search.corpus import gazetteer as gz
from search.corpus.gazetteer import Place, Rules

COUNTRIES = """
[extraction]
prefixes = ["対", "ＶＩ"]
suffixes = ["軍", "国防相", "ＡＢ", "艦隊", "兵"]
separators = "、・，"
during = ["中", "間"]
false_friends = ["中東", "中央アジア", "ＸＹ"]

[[country]]
name = "オーストラリア"
english = "Australia"
code = "AU"
aliases = ["豪州", "オーストラリア連邦", "Ａｕｓｓｉｅ"]
abbrev = ["豪"]

[[country]]
name = "日本"
english = "Japan"
code = "JP"
facet = false
aliases = ["日本", "日本国"]
abbrev = ["日"]

[[country]]
name = "ニウエ"
english = "Niue"
code = "NU"
aliases = ["Nioue"]
"""

ORGANIZATIONS = """
[[organization]]
name = "国連"
english = "United Nations"
code = "UN"
aliases = ["国際連合", "UN"]

[[organization]]
name = "NU"
english = "Nations United"
code = "AU"
"""


def tables(tmp_path: Path, countries: str = COUNTRIES,
           organizations: str = ORGANIZATIONS) -> tuple[Path, Path]:
    c, o = tmp_path / "c.toml", tmp_path / "o.toml"
    c.write_text(countries, encoding="utf-8")
    o.write_text(organizations, encoding="utf-8")
    return c, o


AU = Place("オーストラリア", "Australia", "AU", ("豪州", "オーストラリア連邦", "Ａｕｓｓｉｅ"),
           ("豪",))
JP = Place("日本", "Japan", "JP", ("日本", "日本国"), ("日",), facet=False)
NU = Place("ニウエ", "Niue", "NU", ("Nioue",))
UN = Place("国連", "United Nations", "UN", ("国際連合", "UN"), kind="organization")
NU_ORG = Place("NU", "Nations United", "AU", kind="organization")


def test_the_bundled_files() -> None:
    """The tables are data/'s."""
    data = Path(__file__).resolve().parents[2] / "data"
    assert data / "countries.toml" == gz.COUNTRIES_FILE
    assert data / "organizations.toml" == gz.ORGANIZATIONS_FILE


def test_load_small_tables(tmp_path: Path) -> None:
    """Places with their defaults; the rules folded (NFKC), the suffixes longest first."""
    g = gz.load(*tables(tmp_path))
    assert g.countries == (AU, JP, NU)
    assert g.organizations == (UN, NU_ORG)
    assert g.rules == Rules(prefixes=("対", "VI"), suffixes=("国防相", "AB", "艦隊", "軍", "兵"),
                            separators="、・,", during=frozenset({"中", "間"}),
                            false_friends=("中東", "中央アジア", "XY"))
    assert g.by_abbrev == {"豪": AU, "日": JP}


def test_the_indexes(tmp_path: Path) -> None:
    """Spellings by their first two characters, longest first; the patterns exactly."""
    g = gz.load(*tables(tmp_path))
    assert g.by_start == {
        "オー": [("オーストラリア連邦", AU), ("オーストラリア", AU)],
        "Au": [("Australia", AU), ("Aussie", AU)],
        "豪州": [("豪州", AU)],
        "日本": [("日本国", JP), ("日本", JP)],
        "Ja": [("Japan", JP)],
        "ニウ": [("ニウエ", NU)],
        "Ni": [("Nioue", NU), ("Niue", NU)],  # longest first, not the last in order
        "国連": [("国連", UN)],
        "Un": [("United Nations", UN)],
        "国際": [("国際連合", UN)],
        "UN": [("UN", UN)],
        "NU": [("NU", NU_ORG)],
        "Na": [("Nations United", NU_ORG)],
    }
    assert g.first_chars.pattern == "[AJNUオニ国日豪]"
    assert g.abbrev_chars.pattern == "[日豪]"
    assert g.false_friends.pattern == "中央アジア|中東|XY"


def test_the_lookup(tmp_path: Path) -> None:
    """Every name, English name, code, alias and abbreviation, folded, per kind; the first
    place to claim a key keeps it."""
    g = gz.load(*tables(tmp_path))
    assert g.lookup == {
        ("country", "オーストラリア"): AU, ("country", "australia"): AU, ("country", "au"): AU,
        ("country", "豪州"): AU, ("country", "オーストラリア連邦"): AU,
        ("country", "aussie"): AU, ("country", "豪"): AU,
        ("country", "日本"): JP, ("country", "japan"): JP, ("country", "jp"): JP,
        ("country", "日本国"): JP, ("country", "日"): JP,
        ("country", "ニウエ"): NU, ("country", "niue"): NU, ("country", "nu"): NU,
        ("country", "nioue"): NU,
        ("organization", "国連"): UN, ("organization", "united nations"): UN,
        ("organization", "un"): UN, ("organization", "国際連合"): UN,
        ("organization", "nu"): NU_ORG, ("organization", "nations united"): NU_ORG,
        ("organization", "au"): NU_ORG,
    }


def test_tables_without_rules_or_organisations(tmp_path: Path) -> None:
    """(A table without any place or any abbreviation cannot be loaded: its character
    classes would be empty, ``[]``, which ``re`` refuses; the bundled tables have both.)"""
    niue = '[[country]]\nname = "ニウエ"\nenglish = "Niue"\ncode = "NU"\nabbrev = ["丹"]\n'
    g = gz.load(*tables(tmp_path, niue, ""))
    assert (g.countries, g.organizations) == ((Place("ニウエ", "Niue", "NU", (), ("丹",)),), ())
    assert g.rules == Rules((), (), "", frozenset(), ())
    assert g.false_friends.pattern == "(?!)"
    assert g.false_friends.search("中東") is None


@pytest.mark.parametrize(("countries", "message"), [
    ('[[country]]\nname = "A"\nenglish = "A1"\ncode = "X"\n'
     '[[country]]\nname = "B"\nenglish = "B1"\ncode = "X"\n', "gazetteer: code X used twice"),
    ('[[country]]\nname = "A"\nenglish = "A1"\ncode = "X"\naliases = ["Ｑ"]\n'
     '[[country]]\nname = "B"\nenglish = "B1"\ncode = "Y"\naliases = ["Q"]\n',
     "gazetteer: 'Q' names both A and B"),
    ('[[country]]\nname = "A"\nenglish = "A1"\ncode = "X"\nabbrev = ["米国"]\n',
     "gazetteer: bad or duplicate abbreviation '米国'"),
    ('[[country]]\nname = "A"\nenglish = "A1"\ncode = "X"\nabbrev = [""]\n',
     "gazetteer: bad or duplicate abbreviation ''"),
    ('[[country]]\nname = "A"\nenglish = "A1"\ncode = "X"\nabbrev = ["米"]\n'
     '[[country]]\nname = "B"\nenglish = "B1"\ncode = "Y"\nabbrev = ["米"]\n',
     "gazetteer: bad or duplicate abbreviation '米'"),
], ids=["code", "spelling", "long-abbrev", "empty-abbrev", "abbrev-twice"])
def test_refused_tables(tmp_path: Path, countries: str, message: str) -> None:
    """Each duplicate or bad entry is refused, naming it."""
    with pytest.raises(ValueError) as exc:
        gz.load(*tables(tmp_path, countries, ""))
    assert str(exc.value) == message


def test_a_spelling_shared_with_an_organisation_is_refused(tmp_path: Path) -> None:
    """Spellings are unique across both files."""
    org = '[[organization]]\nname = "Z"\nenglish = "Zed"\ncode = "Z"\naliases = ["豪州"]\n'
    with pytest.raises(ValueError, match="^gazetteer: '豪州' names both オーストラリア and Z$"):
        gz.load(*tables(tmp_path, COUNTRIES, org))


def test_the_bundled_gazetteer_is_loaded_once() -> None:
    """Cached; Japan is no facet value; organisations as a new list."""
    assert gz.gazetteer() is gz.gazetteer()
    assert len(gz.gazetteer().countries) == 208
    assert len(gz.countries()) == 207  # not Japan
    assert "日本" not in [p.name for p in gz.countries()]
    assert len(gz.organizations()) == 29
    assert gz.organizations() is not gz.organizations()  # a list of one's own


@pytest.mark.parametrize(("word", "name"), [
    ("豪", "オーストラリア"), ("豪州", "オーストラリア"), (" Australia ", "オーストラリア"),
    ("AU", "オーストラリア"), ("au", "オーストラリア"), ("ＡＵ", "オーストラリア"),
    ("日本", None), ("日", None), ("NATO", None), ("", None), ("どこか", None),
], ids=["abbrev", "alias", "spaces", "code", "lower", "full-width", "japan", "japan-abbrev",
        "organisation", "empty", "unknown"])
def test_resolve_country(word: str, name: str | None) -> None:
    """Every kind of name, folded; Japan and organisations are not countries."""
    place = gz.resolve_country(word)
    assert (place.name if place else None) == name
    assert gz.country_name(word) == name


@pytest.mark.parametrize(("word", "name"), [
    ("国連", "国連"), ("un", "国連"), ("United Nations", "国連"), ("北大西洋条約機構", "NATO"),
    ("豪", None), ("", None),
], ids=["name", "code", "english", "alias", "country", "empty"])
def test_resolve_organization(word: str, name: str | None) -> None:
    """Every kind of name; countries are not organisations."""
    place = gz.resolve_organization(word)
    assert (place.name if place else None) == name
    assert gz.organization_name(word) == name


def test_abbreviation() -> None:
    """One character to its place, Japan included."""
    assert gz.abbreviation("比").name == "フィリピン"
    japan = gz.abbreviation("日")
    assert (japan.name, japan.facet) == ("日本", False)  # known, though never a facet value
    assert gz.abbreviation("あ") is None


def test_spellings() -> None:
    """English name, aliases and abbreviations, in that order."""
    assert gz.country_spellings("豪") == ("Australia", "豪州", "オーストラリア連邦", "濠洲",
                                         "Australian", "Australians", "豪")
    assert gz.country_spellings("日本") == ()
    assert gz.organization_spellings("国連") == ("United Nations", "国際連合", "国連安保理",
                                               "安保理", "UN", "U.N.", "UNMISS")
    assert gz.organization_spellings("どこか") == ()


def test_country_codes() -> None:
    """Codes of the names known, in order; others left out."""
    assert gz.country_codes(["英国", "どこか", "オーストラリア", "日本", "比"]) == [
        "GB", "AU", "PH"]
    assert gz.country_codes([]) == []


def test_organisations_alone(tmp_path: Path) -> None:
    """A countries table without countries: the organisations' places only."""
    org = ('[[organization]]\nname = "国連"\nenglish = "United Nations"\ncode = "UN"\n'
           'abbrev = ["連"]\n')
    g = gz.load(*tables(tmp_path, "", org))
    assert g.countries == ()
    assert g.organizations == (Place("国連", "United Nations", "UN", (), ("連",),
                                     kind="organization"),)
