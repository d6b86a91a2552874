"""Outlet names: every spelling the archives use, mapped to one canonical name."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..config import DATA_DIR
from ..datatables import read_table
from ..text.kana import nfkc

_YAHOO = re.compile(r"^yahoo\s*(?:ニュース)?\s*", re.IGNORECASE)


@dataclass(frozen=True)
class Outlet:
    name: str
    spellings: tuple[str, ...]


def key(text: str) -> str:
    """Matching key: width-folded, case-folded, without spaces (NHK ニュース = NHKニュース)."""
    return re.sub(r"\s+", "", nfkc(text)).casefold()


@lru_cache(maxsize=1)
def outlets() -> tuple[Outlet, ...]:
    table = read_table(DATA_DIR / "outlets.toml")
    return tuple(Outlet(o["name"], tuple(o.get("spellings", ()))) for o in table["outlet"])


@lru_cache(maxsize=1)
def _by_key() -> dict[str, str]:
    return {key(s): o.name for o in outlets() for s in (o.name, *o.spellings)}


@lru_cache(maxsize=1)
def _spellings() -> dict[str, tuple[str, ...]]:
    spellings: dict[str, tuple[str, ...]] = {}
    for o in outlets():
        spellings[o.name] = spellings.get(o.name, ()) + o.spellings
    return spellings


def spellings(name: str) -> tuple[str, ...]:
    """The table's spellings of the canonical outlet ``name`` (none for an unknown one)."""
    return _spellings().get(name, ())


@lru_cache(maxsize=1)
def _prefixes() -> tuple[tuple[str, str], ...]:
    """(spelling, canonical) longest first, for splitting an outlet off a title."""
    pairs = {(nfkc(s), o.name) for o in outlets() for s in (o.name, *o.spellings)}
    return tuple(sorted(pairs, key=lambda p: -len(p[0])))


def strip_yahoo(raw: str) -> tuple[str, bool]:
    """'Yahoo 朝日新聞記事' → ('朝日新聞', True): the outlet behind a Yahoo News header."""
    text = raw.strip()
    if _YAHOO.match(text) and len(_YAHOO.sub("", text)) > 0:
        inner = _YAHOO.sub("", text)
        if inner.endswith("記事") and len(inner) > 2:
            inner = inner[:-2]
        return inner.strip(), True
    return text, False


@lru_cache(maxsize=4096)
def canonical(raw: str) -> str | None:
    """The canonical outlet for a spelling, or None when the table does not know it.
    Remembered: an archive spells its few outlets the same way thousands of times (a
    fifth of a clipping's parsing went here)."""
    inner, _ = strip_yahoo(raw)
    return _by_key().get(key(inner))


def split_prefix(line: str) -> tuple[str, str] | None:
    """Split 'outlet title' when ``line`` starts with a known spelling followed by a space."""
    folded = nfkc(line)
    for spelling, _name in _prefixes():
        if folded.startswith(spelling):
            rest = folded[len(spelling):]
            if rest[:1].isspace():
                # Offsets are kept by slicing the original: NFKC keeps these lengths equal
                # for the spellings in the table, which are plain text.
                cut = len(spelling) if len(folded) == len(line) else _original_cut(line, spelling)
                return line[:cut].strip(), line[cut:].strip()
    return None


def _original_cut(line: str, spelling: str) -> int:
    for i in range(1, len(line) + 1):
        if nfkc(line[:i]) == spelling:
            return i
    return len(spelling)


def is_outlet_line(line: str) -> bool:
    """True when the whole line is a known outlet (a stray header line, for instance)."""
    return canonical(line) is not None
