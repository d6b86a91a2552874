"""Regions a query may name (data/regions.toml): 中東, 欧州, アフリカ … and their countries.

A word naming a region finds the articles that say it and, as the country facet reads
them, those about any of its countries: an article on the prime minister in the UAE is an
answer to 「首相 中東 訪問」 though it never says 中東. Like a country, a region is a place
the query names: a partial match must hold it (``places.names_place``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..config import DATA_DIR
from ..corpus.gazetteer import countries
from ..datatables import read_table
from ..text.kana import katakana, nfkc

REGIONS_FILE = DATA_DIR / "regions.toml"


@dataclass(frozen=True)
class Region:
    name: str
    aliases: tuple[str, ...]
    members: tuple[str, ...]  # the countries' facet values, in the file's order


def _key(word: str) -> str:
    return katakana(nfkc(word)).strip().casefold()


@lru_cache(maxsize=1)
def regions(path: Path = REGIONS_FILE) -> dict[str, Region]:
    """Each region by every spelling of it (folded as ``_key`` folds); a code that names no
    country of the gazetteer, or a spelling given twice, is an error in the file."""
    tables = read_table(path).get("region", [])
    by_code = {place.code: place.name for place in countries()}
    found: dict[str, Region] = {}
    for table in tables:
        unknown = [code for code in table["members"] if code not in by_code]
        if unknown:
            raise ValueError(f"{path.name}: {table['name']}: no country has the code "
                             f"{', '.join(unknown)}")
        region = Region(table["name"], tuple(table.get("aliases", ())),
                        tuple(by_code[code] for code in table["members"]))
        for spelling in (region.name, *region.aliases):
            key = _key(spelling)
            if key in found:
                raise ValueError(f"{path.name}: 「{spelling}」 names two regions")
            found[key] = region
    return found


def region_named(text: str) -> Region | None:
    """The region a word names (中東, ちゅうとう is not read: a region is typed by name)."""
    return regions().get(_key(text))
