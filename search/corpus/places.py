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

from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import repeat
from operator import add, itemgetter

from ..text.kana import is_kanji, is_nfkc, nfkc
from ..text.sudachi import words
from .gazetteer import Gazetteer, Place, gazetteer

_KANJI_DIGITS = set("〇一二三四五六七八九十百千両数")


@dataclass
class Mentions:
    """What a record names, in order of first mention, without duplicates."""

    countries: list[str] = field(default_factory=list)  # Japanese short names, never Japan
    country_codes: list[str] = field(default_factory=list)  # ISO codes, same order
    organizations: list[str] = field(default_factory=list)


def _is_katakana(ch: str) -> bool:
    return "\u30a1" <= ch <= "\u30fa" or ch == "\u30fc"


def _is_ascii_alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _is_kanji(ch: str) -> bool:
    """A kanji, or ヶ, which news writes between kanji (3ヶ国) as one of them."""
    return is_kanji(ch) or ch == "ヶ"


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
            if is_nfkc(text):  # nearly always: nothing moves
                pieces.append(text)
                offset, spans = pos, found
                pos += len(text)
            else:
                offset, spans = 0, []
                last = 0
                for b, e, m in found:
                    if b > last:  # characters outside any word
                        gap = nfkc(text[last:b])
                        pieces.append(gap)
                        pos += len(gap)
                    folded = nfkc(text[b:e])
                    pieces.append(folded)
                    spans.append((pos, pos + len(folded), m))
                    pos += len(folded)
                    last = e
                rest = nfkc(text[last:])
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


@lru_cache(maxsize=2)
def _mentions(title: str, text: str) -> Mentions:
    """``extract``, remembered for the last texts: the country and the organisation facets
    each ask for one record's, one after the other."""
    return extract(title, text)


def countries_of(title: str, text: str) -> list[str]:
    """The country facet's extractor: the countries a record names, first mention first."""
    return list(_mentions(title or "", text or "").countries)


def organizations_of(title: str, text: str) -> list[str]:
    """The organisation facet's extractor: the organisations a record names."""
    return list(_mentions(title or "", text or "").organizations)
