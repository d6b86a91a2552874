"""The gazetteer: the countries and organisations of data/countries.toml and
data/organizations.toml, their spellings and one-character abbreviations, and the context
rules the extractor (``places``) checks abbreviations against.

Loaded and checked once per process; duplicated spellings are an error, not a silent choice.
Resolving a name (豪 / 豪州 / オーストラリア / Australia / AU → Australia) is how query fields
(country:豪) and the query's place words find a facet value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..config import DATA_DIR
from ..datatables import read_table
from ..text.kana import nfkc

COUNTRIES_FILE = DATA_DIR / "countries.toml"


ORGANIZATIONS_FILE = DATA_DIR / "organizations.toml"


@dataclass(frozen=True)
class Place:
    """A country/territory or an organisation, as the gazetteer describes it."""

    name: str  # the facet value users see
    english: str
    code: str  # ISO 3166-1 alpha-2 for countries, a short key for organisations
    aliases: tuple[str, ...] = ()
    abbrev: tuple[str, ...] = ()  # one-character news abbreviations, matched in context only
    facet: bool = True  # False for Japan: understood in 日米 but never a facet value
    kind: str = "country"  # "country" or "organization"


@dataclass(frozen=True)
class Rules:
    """The context rules for abbreviations, from the [extraction] table of countries.toml."""

    prefixes: tuple[str, ...]
    suffixes: tuple[str, ...]
    separators: str
    during: frozenset[str]
    false_friends: tuple[str, ...]


@dataclass(frozen=True)
class Gazetteer:
    """Both data files, loaded, checked and indexed for matching."""

    countries: tuple[Place, ...]
    organizations: tuple[Place, ...]
    rules: Rules
    # the first two characters of a spelling (one, for a one-character spelling) ->
    # (spelling, place), longest first
    by_start: dict[str, list[tuple[str, Place]]]
    first_chars: re.Pattern  # any first character of a spelling: where a name may start
    abbrev_chars: re.Pattern  # any one-character abbreviation
    false_friends: re.Pattern  # any of rules.false_friends, the longest where several start
    by_abbrev: dict[str, Place]
    lookup: dict[tuple[str, str], Place]  # (kind, casefolded spelling) -> place, for resolve_*


def _places(tables: list[dict], kind: str) -> list[Place]:
    return [
        Place(
            name=t["name"],
            english=t["english"],
            code=t["code"],
            aliases=tuple(t.get("aliases", ())),
            abbrev=tuple(t.get("abbrev", ())),
            facet=bool(t.get("facet", True)),
            kind=kind,
        )
        for t in tables
    ]


def load(countries_file: Path = COUNTRIES_FILE,
         organizations_file: Path = ORGANIZATIONS_FILE) -> Gazetteer:
    """Read and check both files. Duplicated spellings are an error, not a silent choice."""
    cdata = read_table(countries_file)
    odata = read_table(organizations_file)
    cs = _places(cdata.get("country", []), "country")
    os_ = _places(odata.get("organization", []), "organization")
    ex = cdata.get("extraction", {})
    rules = Rules(
        prefixes=tuple(nfkc(p) for p in ex.get("prefixes", ())),
        suffixes=tuple(sorted((nfkc(s) for s in ex.get("suffixes", ())), key=len, reverse=True)),
        separators=nfkc(ex.get("separators", "")),
        during=frozenset(ex.get("during", ())),
        false_friends=tuple(nfkc(f) for f in ex.get("false_friends", ())),
    )

    owner: dict[str, Place] = {}
    by_abbrev: dict[str, Place] = {}
    lookup: dict[tuple[str, str], Place] = {}
    codes: set[tuple[str, str]] = set()
    for place in cs + os_:
        if (place.kind, place.code) in codes:
            raise ValueError(f"gazetteer: code {place.code} used twice")
        codes.add((place.kind, place.code))
        for spelling in (place.name, place.english, *place.aliases):
            s = nfkc(spelling)
            if s in owner and owner[s] is not place:
                raise ValueError(f"gazetteer: {s!r} names both {owner[s].name} and {place.name}")
            owner[s] = place
        for a in place.abbrev:
            if len(a) != 1 or a in by_abbrev:
                raise ValueError(f"gazetteer: bad or duplicate abbreviation {a!r}")
            by_abbrev[a] = place
        for key in (place.name, place.english, place.code, *place.aliases, *place.abbrev):
            lookup.setdefault((place.kind, nfkc(key).casefold()), place)

    by_start: dict[str, list[tuple[str, Place]]] = {}
    for alias, place in owner.items():
        by_start.setdefault(alias[:2], []).append((alias, place))
    for lst in by_start.values():
        lst.sort(key=lambda ap: len(ap[0]), reverse=True)
    firsts = sorted({key[0] for key in by_start})
    first_chars = re.compile("[" + "".join(re.escape(c) for c in firsts) + "]")
    abbrev_chars = re.compile("[" + "".join(re.escape(c) for c in sorted(by_abbrev)) + "]")
    false_friends = re.compile("|".join(
        re.escape(f) for f in sorted(rules.false_friends, key=len, reverse=True)) or "(?!)")
    return Gazetteer(tuple(cs), tuple(os_), rules, by_start, first_chars, abbrev_chars,
                     false_friends, by_abbrev, lookup)


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The bundled gazetteer, loaded once per process."""
    return load()


def countries() -> list[Place]:
    """Every country or territory that can be a facet value (Japan is not one)."""
    return [p for p in gazetteer().countries if p.facet]


def organizations() -> list[Place]:
    """Every organisation that can be a facet value."""
    return list(gazetteer().organizations)


def _resolve(word: str, kind: str) -> Place | None:
    place = gazetteer().lookup.get((kind, nfkc(word).strip().casefold()))
    if place is None or not place.facet:
        return None
    return place


def resolve_country(word: str) -> Place | None:
    """豪 / 豪州 / オーストラリア / Australia / AU -> Australia (query fields: country:豪)."""
    return _resolve(word, "country")


def resolve_organization(word: str) -> Place | None:
    """国連 / UN / United Nations -> the UN; KARICOM -> カリブ共同体."""
    return _resolve(word, "organization")


def abbreviation(ch: str) -> Place | None:
    """The place a one-character news abbreviation stands for (比 → フィリピン, 日 → 日本)."""
    return gazetteer().by_abbrev.get(nfkc(ch))


# -- the country and organisation facets' hooks (search/facets.py) ------------------------


def country_name(word: str) -> str | None:
    """The country facet's value a typed name stands for (豪 → オーストラリア)."""
    place = resolve_country(word)
    return place.name if place is not None else None


def organization_name(word: str) -> str | None:
    """The organisation facet's value a typed name stands for (北大西洋条約機構 → NATO)."""
    place = resolve_organization(word)
    return place.name if place is not None else None


def country_spellings(name: str) -> tuple[str, ...]:
    """A country's other names in text: aliases, English, one-character abbreviations."""
    return _spellings(resolve_country(name))


def organization_spellings(name: str) -> tuple[str, ...]:
    """An organisation's other names in text: aliases, English, abbreviations."""
    return _spellings(resolve_organization(name))


def _spellings(place: Place | None) -> tuple[str, ...]:
    return (place.english, *place.aliases, *place.abbrev) if place is not None else ()


def country_codes(names: list[str]) -> list[str]:
    """The ISO 3166-1 alpha-2 codes of countries named by their facet values, same order."""
    return [place.code for place in map(resolve_country, names) if place is not None]
