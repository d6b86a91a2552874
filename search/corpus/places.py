"""Countries and organisations named in Japanese (and English) news text: the facets.

Full names are easy; the hard part is the one-character abbreviations of Japanese news
(米 豪 比 中 …), which are also everyday characters (比較, 参加, 英語, 来日中). They count only
in the contexts where news uses them: an enumeration (日米豪比, 米、英、仏), after a prefix
(対中, 訪米) or before a suffix (米軍, 加国防相). Sudachi supplies the word boundaries those
rules are checked against, so 追加 or 存在中 do not read as Canada or China. Everything
that is a fact about language (aliases, prefixes, suffixes, false friends) lives in
data/countries.toml and data/organizations.toml, not here.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import repeat
from operator import add, itemgetter
from pathlib import Path

from ..config import DATA_DIR
from ..text.sudachi import words
from .records import Record

COUNTRIES_FILE = DATA_DIR / "countries.toml"
ORGANIZATIONS_FILE = DATA_DIR / "organizations.toml"

_KANJI_DIGITS = set("〇一二三四五六七八九十百千両数")


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


@dataclass
class Mentions:
    """What a record names, in order of first mention, without duplicates."""

    countries: list[str] = field(default_factory=list)  # Japanese short names, never Japan
    country_codes: list[str] = field(default_factory=list)  # ISO codes, same order
    organizations: list[str] = field(default_factory=list)


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


def _norm(s: str) -> str:
    return unicodedata.normalize("NFKC", s)


def load(countries_file: Path = COUNTRIES_FILE,
         organizations_file: Path = ORGANIZATIONS_FILE) -> Gazetteer:
    """Read and check both files. Duplicated spellings are an error, not a silent choice."""
    with open(countries_file, "rb") as fh:
        cdata = tomllib.load(fh)
    with open(organizations_file, "rb") as fh:
        odata = tomllib.load(fh)
    cs = _places(cdata.get("country", []), "country")
    os_ = _places(odata.get("organization", []), "organization")
    ex = cdata.get("extraction", {})
    rules = Rules(
        prefixes=tuple(_norm(p) for p in ex.get("prefixes", ())),
        suffixes=tuple(sorted((_norm(s) for s in ex.get("suffixes", ())), key=len, reverse=True)),
        separators=_norm(ex.get("separators", "")),
        during=frozenset(ex.get("during", ())),
        false_friends=tuple(_norm(f) for f in ex.get("false_friends", ())),
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
            s = _norm(spelling)
            if s in owner and owner[s] is not place:
                raise ValueError(f"gazetteer: {s!r} names both {owner[s].name} and {place.name}")
            owner[s] = place
        for a in place.abbrev:
            if len(a) != 1 or a in by_abbrev:
                raise ValueError(f"gazetteer: bad or duplicate abbreviation {a!r}")
            by_abbrev[a] = place
        for key in (place.name, place.english, place.code, *place.aliases, *place.abbrev):
            lookup.setdefault((place.kind, _norm(key).casefold()), place)

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
    place = gazetteer().lookup.get((kind, _norm(word).strip().casefold()))
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
    return gazetteer().by_abbrev.get(_norm(ch))


# --- extraction -------------------------------------------------------------------------


def _is_katakana(ch: str) -> bool:
    return "\u30a1" <= ch <= "\u30fa" or ch == "\u30fc"


def _is_ascii_alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _is_kanji(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or ch in "々〆ヶ"


def _is_digit(ch: str) -> bool:
    return ch.isdigit() or ch in _KANJI_DIGITS


@dataclass
class _Text:
    """The text with Sudachi's word boundaries, which every context rule is checked against."""

    s: str
    begins: set[int]
    ends: set[int]
    # (offset, words) per text joined: each word's (begin, end, morpheme) is at begin +
    # offset in ``s``; the words of a text that NFKC leaves alone are sudachi.words' list
    # itself, not a copy
    parts: list[tuple[int, list[tuple[int, int, object]]]]
    starts: list[int]  # every word's begin in ``s``, in text order, for bisect
    firsts: list[int]  # the index in ``starts`` of each part's first word

    @classmethod
    def of(cls, *texts: str) -> _Text:
        """The texts, NFKC-folded and joined by line breaks, with their words.

        The words are those ``sudachi.words`` gives for each text as it is, the very list
        the indexer asks for next (it is kept), so a build runs Sudachi once per text. Each
        word is folded on its own, so its bounds are known in the folded string.
        """
        pieces: list[str] = []
        parts: list[tuple[int, list[tuple[int, int, object]]]] = []
        starts: list[int] = []
        firsts: list[int] = []
        ends: set[int] = {0}
        pos = 0
        for k, text in enumerate(texts):
            if k:
                pieces.append("\n")
                pos += 1
            found = words(text)
            if unicodedata.is_normalized("NFKC", text):  # nearly always: nothing moves
                pieces.append(text)
                offset, spans = pos, found
                pos += len(text)
            else:
                offset, spans = 0, []
                last = 0
                for b, e, m in found:
                    if b > last:  # characters outside any word
                        gap = _norm(text[last:b])
                        pieces.append(gap)
                        pos += len(gap)
                    folded = _norm(text[b:e])
                    pieces.append(folded)
                    spans.append((pos, pos + len(folded), m))
                    pos += len(folded)
                    last = e
                rest = _norm(text[last:])
                pieces.append(rest)
                pos += len(rest)
            parts.append((offset, spans))
            firsts.append(len(starts))
            # in C, not a Python loop per word
            starts.extend(map(add, map(itemgetter(0), spans), repeat(offset)))
            ends.update(map(add, map(itemgetter(1), spans), repeat(offset)))
        s = "".join(pieces)
        begins = set(starts)
        begins.add(len(s))
        return cls(s, begins, ends, parts, starts, firsts)

    def token_at(self, i: int) -> tuple[int, int, str]:
        """The word covering character i: (begin, end, part of speech [0])."""
        k = bisect_right(self.starts, i) - 1
        if k >= 0:
            part = bisect_right(self.firsts, k) - 1
            offset, spans = self.parts[part]
            b, e, m = spans[k - self.firsts[part]]
            if b + offset <= i < e + offset:
                return b + offset, e + offset, m.part_of_speech()[0]
        return i, i + 1, ""

    def at(self, i: int) -> str:
        return self.s[i] if 0 <= i < len(self.s) else ""


def _alias_ok(t: _Text, b: int, e: int, blocked: list[bool], glued_left: bool) -> bool:
    """Whether an alias occurrence is a whole name, not part of a longer word.

    The katakana check on the right is left to the caller, which may accept a name glued
    to another one (オーストラリアカナダ英国, where the corpus lost its separators).
    """
    if any(blocked[b:e]):
        return False
    first, last = t.s[b], t.s[e - 1]
    if _is_ascii_alnum(first) and _is_ascii_alnum(t.at(b - 1)):
        return False
    if (_is_ascii_alnum(last) or last == ".") and _is_ascii_alnum(t.at(e)):
        return False
    if _is_katakana(first) and _is_katakana(t.at(b - 1)) and not glued_left:
        return False
    return not (_is_kanji(first) and b not in t.begins)


def _match_at(t: _Text, g: Gazetteer, blocked: list[bool], i: int, glued_left: bool,
              depth: int = 0) -> tuple[int, Place] | None:
    """The longest whole name starting at i, as (end, place)."""
    s = t.s
    # spellings of two characters or more first (longest first), then one-character ones
    for key in ((s[i:i + 2], s[i]) if i + 1 < len(s) else (s[i],)):
        for alias, place in g.by_start.get(key, ()):
            e = i + len(alias)
            if not s.startswith(alias, i) or not _alias_ok(t, i, e, blocked, glued_left):
                continue
            if _is_katakana(s[e - 1]) and _is_katakana(t.at(e)) and (
                    depth >= 3 or _match_at(t, g, blocked, e, True, depth + 1) is None):
                continue  # タイ in タイミング; but カナダ in カナダフランス is glued to a name
            return e, place
    return None


def _find_names(t: _Text, g: Gazetteer, blocked: list[bool]) -> list[tuple[int, int, Place]]:
    """Whole-name occurrences, leftmost and then longest first, never overlapping."""
    found: list[tuple[int, int, Place]] = []
    i, last_end = 0, -1
    s, by_start = t.s, g.by_start
    for match in g.first_chars.finditer(s):  # skip, at C speed, where no name can start
        p = match.start()
        if p < i or (s[p:p + 2] not in by_start and s[p] not in by_start):
            continue  # (the second test: _match_at's first, without calling it)
        hit = _match_at(t, g, blocked, p, glued_left=(p == last_end))
        if hit is not None:
            e, place = hit
            found.append((p, e, place))
            i = last_end = e
    return found


class _Abbrevs:
    """The context rules for one-character abbreviations over one text."""

    def __init__(self, t: _Text, g: Gazetteer, taken: list[bool],
                 names: list[tuple[int, int, Place]]):
        self.t, self.g, self.r = t, g, g.rules
        self.taken = taken
        self.name_starts = {b for b, _, _ in names}
        self.name_ends = {e for _, e, _ in names}

    def prefix_before(self, p: int) -> bool:
        """対中, 訪米: a prefix that itself begins a word (not 存在中, 反対中)."""
        s = self.t.s
        return any(
            p - len(x) >= 0 and s.startswith(x, p - len(x)) and p - len(x) in self.t.begins
            for x in self.r.prefixes
        )

    def suffix_after(self, q: int) -> bool:
        """米軍, 加国防相: a suffix that ends a word, or that shares one word with q (米軍機)."""
        s = self.t.s
        tok_end = self.t.token_at(q)[1]
        for x in self.r.suffixes:
            e = q + 1 + len(x)
            if s.startswith(x, q + 1) and (e in self.t.ends or tok_end >= e):
                return True
        return False

    def start_ok(self, p: int) -> bool:
        return p in self.t.begins or self.prefix_before(p)

    def end_ok(self, q: int) -> bool:
        return q + 1 in self.t.ends or self.suffix_after(q)

    def next_to_name(self, p: int) -> bool:
        """豪 NZ, 米・NATO, 独、日本と: a lone abbreviation right beside a full name.

        中 (also なか, "amid") needs the name glued to it or joined by ・: 透明な中、日本 is
        not China.
        """
        seps = "・/" if self.t.s[p] in self.r.during else self.r.separators + " "
        before = p - 1 if p >= 1 and self.t.s[p - 1] in seps else p
        after = p + 2 if self.t.at(p + 1) and self.t.at(p + 1) in seps else p + 1
        return before in self.name_ends or after in self.name_starts

    def candidates(self, blocked: list[bool]) -> list[int]:
        t, s = self.t, self.t.s
        cand: list[int] = []
        flag = [False] * len(s)
        for found in self.g.abbrev_chars.finditer(s):  # only where an abbreviation stands
            i, ch = found.start(), found.group()
            if self.taken[i] or blocked[i]:
                continue
            if _is_katakana(ch) and (_is_katakana(t.at(i - 1)) or _is_katakana(t.at(i + 1))):
                continue  # ロ inside ロケット
            b, e, pos = t.token_at(i)
            if self.g.by_abbrev[ch].code == "JP" and (_is_digit(t.at(i - 1)) or pos == "接尾辞"):
                continue  # 24日: a date
            if ch in self.r.during and (b, e) == (i, i + 1) and pos == "接尾辞":
                pb = t.token_at(i - 1)[0] if i > 0 else i
                if not (pb < i and all(flag[pb:i])):
                    continue  # 来日中, 訪米中, 滞在中: "during"; but 日米中 is China
            flag[i] = True
            cand.append(i)
        return cand

    def groups(self, cand: list[int]) -> list[list[int]]:
        out: list[list[int]] = []
        for i in cand:
            if out and (i == out[-1][-1] + 1 or (
                    i == out[-1][-1] + 2 and self.t.s[i - 1] in self.r.separators)):
                out[-1].append(i)
            else:
                out.append([i])
        return out

    def mentions(self, blocked: list[bool]) -> list[tuple[int, Place]]:
        found: list[tuple[int, Place]] = []
        for grp in self.groups(self.candidates(blocked)):
            while grp and not self.start_ok(grp[0]):
                grp.pop(0)
            while grp and not self.end_ok(grp[-1]):
                grp.pop()
            if len(grp) == 1:
                p = grp[0]
                if not (self.prefix_before(p) or self.suffix_after(p) or self.next_to_name(p)):
                    continue
            found.extend((p, self.g.by_abbrev[self.t.s[p]]) for p in grp)
        return found


def extract(title: str, text: str) -> Mentions:
    """The countries and organisations that a title and its text name, first mention first."""
    g = gazetteer()
    t = _Text.of(title or "", text or "")
    s = t.s
    blocked = [False] * len(s)
    found = g.false_friends.search(s)
    while found is not None:  # every occurrence, overlapping ones too
        start = found.start()
        for i in range(start, found.end()):
            blocked[i] = True
        found = g.false_friends.search(s, start + 1)

    names = _find_names(t, g, blocked)
    taken = [False] * len(s)
    for b, e, _ in names:
        for i in range(b, e):
            taken[i] = True
    hits = [(b, place) for b, _, place in names]
    hits += _Abbrevs(t, g, taken, names).mentions(blocked)
    hits.sort(key=lambda h: h[0])

    out = Mentions()
    seen: set[tuple[str, str]] = set()
    for _, place in hits:
        key = (place.kind, place.code)
        if key in seen or not place.facet:
            continue
        seen.add(key)
        if place.kind == "country":
            out.countries.append(place.name)
            out.country_codes.append(place.code)
        else:
            out.organizations.append(place.name)
    return out


def annotate(rec: Record) -> None:
    """Fill a record's countries, ISO codes and organisations from its title and summary."""
    found = extract(rec.title, rec.summary)
    rec.countries = found.countries
    rec.country_codes = found.country_codes
    rec.organizations = found.organizations
