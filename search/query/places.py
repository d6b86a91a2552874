"""How a query word names a place: its gazetteer entry, the names it is searched by, its
one-character abbreviations (read only where the facet read them in context)."""

from __future__ import annotations

from ..corpus.gazetteer import abbreviation, gazetteer, resolve_country, resolve_organization
from ..corpus.places import extract
from ..text.kana import is_kana, katakana, nfkc
from .regions import region_named


def names_place(text: str) -> bool:
    """Whether a word names a country, an organisation or a region (イタリア, ふぃりぴん,
    NATO, 日比, 中東)."""
    return place_named(text) is not None or bool(abbreviated(text)) \
        or abbreviated_before(text) is not None or region_named(text) is not None


def entry(fieldname: str, value: str):
    """The gazetteer's entry for a resolved place (``resolve_place``'s answer)."""
    return (resolve_country if fieldname == "countries" else resolve_organization)(value)


def searchable_names(fieldname: str, value: str) -> list[str]:
    """The names a word naming the place also searches as text: not its one-character
    abbreviations (比 is also every ratio) nor its acronyms (US, UK, SHAPE: the index folds
    case, and us or shape are English words)."""
    place = entry(fieldname, value)
    if place is None:
        return []
    return [name for name in dict.fromkeys((place.name, place.english, *place.aliases))
            if len(name) > 1 and not (name.isascii() and name.isupper())]


def abbreviations(fieldname: str, value: str) -> tuple[str, ...]:
    """A place's one-character news abbreviations (フィリピン → 比)."""
    place = entry(fieldname, value)
    return place.abbrev if place is not None else ()


def resolve_place(text: str, kind: str | None = None) -> tuple[str, str] | None:
    """(field, canonical value) when ``text`` names a country or an organisation. Not a
    country's ISO code alone (IT is information technology, TV television, CD a disc: news
    writes US, UK or NZ, which are its names), and a name of two letters only in capitals
    (US, UN): in, to, at and us are English words."""
    word = nfkc(text).strip()
    if len(word) == 2 and word.isascii() and word.isalpha() and not word.isupper():
        return None
    if kind in (None, "country"):
        place = resolve_country(word)
        if place is not None and (word != place.code
                                  or word in (place.name, place.english, *place.aliases)):
            return "countries", place.name
    if kind in (None, "org"):
        place = resolve_organization(word)
        if place is not None:
            return "organizations", place.name
    return None


def place_named(text: str) -> tuple[str, str] | None:
    """The place a word names, typed in hiragana too (ふぃりぴん → フィリピン)."""
    return resolve_place(katakana(text) if is_kana(text) else text)


def abbreviated(text: str) -> list[str]:
    """The countries an enumeration of one-character abbreviations names, as the extractor
    reads it in a text (日比 → フィリピン, 米豪 → 米国, オーストラリア, 日米豪比 → three);
    [] for any other word."""
    if len(text) < 2 or not all(abbreviation(ch) for ch in text):
        return []
    return extract("", text).countries


def abbreviated_before(text: str) -> tuple[list[str], str] | None:
    """An enumeration of abbreviations before a word news glues to them (英軍, 仏海軍,
    米国防長官, 日米韓外相): the countries, as the extractor reads them, and that word;
    None for any other word (米国, 韓国軍: a full name before the word)."""
    lead, rest = _abbreviations_first(text)
    if not lead or rest not in gazetteer().rules.suffixes:
        return None
    found = extract("", text).countries
    return (found, rest) if found else None


def is_abbreviation(text: str) -> bool:
    """Whether ``text`` is one place's one-character abbreviation (比, 豪, 米): read as the
    place, never searched as a character."""
    return len(text) == 1 and abbreviation(text) is not None


def place_before(text: str) -> tuple[list[str], str] | None:
    """A place and the word news writes after it, for a word made of the two (米海軍,
    インド海軍, 韓国国防相): the countries, as the extractor reads them, and that word; None
    for any other word."""
    glued = abbreviated_before(text)
    if glued is not None:
        return glued
    for rest in gazetteer().rules.suffixes:  # the longest first: 海軍 before 軍
        if len(text) > len(rest) and text.endswith(rest):
            place = resolve_country(text[:-len(rest)])
            if place is not None:
                return [place.name], rest
    return None


def abbreviated_compound(text: str) -> tuple[list[str], str] | None:
    """An enumeration of abbreviations at the head of a compound (日米豪共同訓練, 米中対立,
    日伊物品役務相互提供協定): the countries, as the extractor reads them in a text, and the
    rest; None for any other word, for two abbreviations alone (日比: ``abbreviated``) or
    before a glued word (米国防長官: ``abbreviated_before``), and for one character before
    a word (英語, 中国海警局: there it is no enumeration)."""
    lead, rest = _abbreviations_first(text)
    if lead < 2 or not rest or rest in gazetteer().rules.suffixes:
        return None
    found = extract("", text).countries
    return (found, rest) if found else None


def _abbreviations_first(text: str) -> tuple[int, str]:
    """How many one-character abbreviations ``text`` begins with, and what follows them."""
    lead = 0
    while lead < len(text) and abbreviation(text[lead]):
        lead += 1
    return lead, text[lead:]
