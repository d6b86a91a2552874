"""How a query word names a place: its gazetteer entry, the names it is searched by, its
one-character abbreviations (read only where the facet read them in context)."""

from __future__ import annotations

from .expansion import abbreviated, abbreviated_before, place_named


def names_place(text: str) -> bool:
    """Whether a word names a country or an organisation (イタリア, ふぃりぴん, NATO, 日比)."""
    return place_named(text) is not None or bool(abbreviated(text)) \
        or abbreviated_before(text) is not None


def entry(fieldname: str, value: str):
    """The gazetteer's entry for a resolved place (``resolve_place``'s answer)."""
    from ..corpus.places import resolve_country, resolve_organization

    return (resolve_country if fieldname == "countries" else resolve_organization)(value)


def all_names(fieldname: str, value: str) -> tuple[str, ...]:
    """Every name the gazetteer knows for a resolved place: フィリピン, 比国, Philippines, 比
    (to rank the articles the facet holds: there 比 stands in context, 日比, 比軍)."""
    place = entry(fieldname, value)
    if place is None:
        return ()
    return tuple(dict.fromkeys((place.name, place.english, *place.aliases, *place.abbrev)))


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
