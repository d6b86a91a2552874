"""Search help as you type: facet values and frequent words that complete the last word typed.

The search box asks after every keystroke, so a lookup must not read the index. When an index
is opened (in the background, with the spelling correctors), every completable thing becomes
a key in a sorted list: each value of the country, outlet and organisation facets under its
name, its reading (米国 → ベイコク) and its gazetteer spellings (アメリカ, United States, 讀賣),
and every word of titles and texts found in at least two records under its spelling and its
reading. A prefix is then two binary searches, and the best few of the keys between them are
picked by count. Keys are folded as the analyser folds words (width, case) and hiragana is
read as katakana, so ぼうえい finds 防衛 by its reading and ふぃりぴん finds フィリピン.

The tables are built once and only read afterwards: any number of threads may look up.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..facets import BY_KEY, FACETS
from ..text import sudachi
from ..text.kana import fold, is_kanji

MIN_WORD_RECORDS = 2  # a word found in fewer records is not offered
# Words kept, the most frequent first: each costs a SudachiPy look-up (its reading) when an
# index is opened, in the background (benchmarks/results/design-measurements.md).
MAX_WORDS = 50_000
DEFAULT_LIMIT = 8
MAX_LIMIT = 20
MAX_PREFIX_CHARS = 40  # a longer last word is not being typed: nothing to suggest
# What may stand before the word being typed and stays when it is completed: -空 (NOT),
# "空 or 「空 (a phrase), (空 (a group).
_LEAD = re.compile(r"^[-(\"「『(]+")
_SPACE = re.compile(r"[\s\u3000]")
_END = "\U0010ffff"  # sorts after every key that starts with a prefix
# Parts of speech (UniDic's top level) of words not offered on their own.
NOT_NAMES = frozenset({"動詞", "形容詞", "副詞", "連体詞", "接続詞", "感動詞", "代名詞", "助動詞",
                       "助詞"})


def reading(text: str) -> str | None:
    """The katakana reading of a word with kanji in it (防衛装備 → ボウエイソウビ), folded;
    None when it has no kanji (its spelling is its reading) or SudachiPy knows none."""
    if not any(is_kanji(ch) for ch in text):
        return None
    return _reading(sudachi.tokenizer().tokenize(text))


def _reading(morphemes) -> str | None:
    said = fold("".join(m.reading_form() for m in morphemes))
    if not said or not all("\u30a1" <= ch <= "\u30fc" for ch in said):
        return None
    return said


def suffix_readings(kanji: str) -> list[str]:
    """The readings the dictionary gives ``kanji`` as a suffix (品 → ヒン, ピン …; 省 →
    ショウ), folded, the dictionary's first first: how it sounds at the end of a compound."""
    said = (fold(m.reading_form()) for m in sudachi.dictionary().lookup(kanji)
            if m.part_of_speech()[0] == "接尾辞")
    return [s for s in dict.fromkeys(said) if s and all("\u30a1" <= ch <= "\u30fc" for ch in s)]


@lru_cache(maxsize=4096)
def value_keys(facet_key: str, value: str) -> tuple[str, ...]:
    """What a facet value is found under in its list's narrowing box, folded as the box
    folds what is typed: the value, its reading (米国 → ベイコク, 産経新聞 → サンケイシンブン)
    and each of its other names with its reading (アメリカ; 日経 → ニッケイ), once each. The
    box matched the names as written, so あめりか or さんけい found nothing."""
    facet = BY_KEY[facet_key]
    others = facet.call("spellings", value) if facet.spellings else ()
    names = [value, *(name for name in others if len(name) > 1)]  # not 米 (ベイ), 中 (ナカ)
    keys = [key for name in names for key in (fold(name), reading(name)) if key]
    return tuple(dict.fromkeys(keys))


def is_word(term: str) -> bool:
    """An index term worth offering: two characters or more, a letter among them, not a
    number (the index holds 2024, 30000 and ー as terms too)."""
    return len(term) >= 2 and any(unicodedata.category(ch).startswith("L") for ch in term)


def word_keys(term: str) -> list[str]:
    """The keys a word of the index is found under (its spelling, and its reading if it has
    kanji); none for a word that is not a name or a noun (有る, 行う, もっとも, この): the
    index holds verbs and the like in their dictionary form, which nobody searches for."""
    if not is_word(term):
        return []
    keys = [fold(term)]
    if term.isascii() or not any(is_kanji(ch) or "\u3041" <= ch <= "\u309f" for ch in term):
        return keys  # Latin or katakana: a name, its spelling is how it is typed
    morphemes = sudachi.tokenizer().tokenize(term)
    if len(morphemes) == 1 and morphemes[0].part_of_speech()[0] in NOT_NAMES:
        return []
    said = _reading(morphemes) if any(is_kanji(ch) for ch in term) else None
    return keys + [said] if said and said != keys[0] else keys


@dataclass(frozen=True)
class Completion:
    """One suggestion: a facet value to filter by, or a word to search for."""

    kind: str  # "facet" or "word"
    value: str
    count: int  # records holding it (a word: in its title or its text, whichever is more)
    query: str  # the search box's text once it is chosen
    facet: str | None = None  # the facet's key, for a facet value
    param: str | None = None  # the URL parameter that adds the filter
    label: str | None = None  # what the page calls the facet
    alias: str | None = None  # the spelling typed, when not the value's own (アメリカ → 米国)

    def to_dict(self) -> dict:
        return {"kind": self.kind, "value": self.value, "count": self.count,
                "query": self.query, "facet": self.facet, "param": self.param,
                "label": self.label, "alias": self.alias}


@dataclass(frozen=True)
class Completions:
    query: str  # the box's text as sent
    prefix: str  # the word being completed ("" when there is none)
    completions: list[Completion]

    def to_dict(self) -> dict:
        return {"query": self.query, "prefix": self.prefix,
                "suggestions": [c.to_dict() for c in self.completions]}


class PrefixTable:
    """Values under sorted keys: the values whose key starts with a prefix, best first.

    A value may have several keys (its spelling, its reading, aliases); ``alias`` of a key is
    the spelling to show for it, or "" for the value's own spelling and reading.
    """

    def __init__(self, values: Sequence[str], counts: Sequence[int],
                 keys: Iterable[tuple[str, int, str]]) -> None:
        self.values = list(values)
        self.counts = np.asarray(counts, dtype=np.int64)
        rows = sorted(set(keys))
        self.keys = [k for k, _, _ in rows]
        self.owner = np.array([v for _, v, _ in rows], dtype=np.int64)
        self.alias = [a for _, _, a in rows]
        # ties: more records first, then the order the values were given in
        self.by_rank = np.lexsort((np.arange(len(self.values)), -self.counts))
        self.rank = np.empty(len(self.values), dtype=np.int64)
        self.rank[self.by_rank] = np.arange(len(self.values))
        self.most_keys = int(np.bincount(self.owner).max()) if rows else 1
        self.aliased = any(self.alias)

    def __len__(self) -> int:
        return len(self.values)

    def top(self, prefix: str, limit: int, skip: str = "") -> list[tuple[int, str]]:
        """(value, alias) of the ``limit`` best values with a key starting with ``prefix``;
        values whose folded spelling is ``skip`` are left out."""
        lo = bisect_left(self.keys, prefix)
        hi = bisect_left(self.keys, prefix + _END, lo)
        if lo == hi:
            return []
        ranks = self.rank[self.owner[lo:hi]]
        # The best keys hold the best values: a value has at most ``most_keys`` keys, so the
        # (limit + 1) * most_keys best keys hold limit + 1 values (one may be skipped), and
        # a one-letter prefix over 100,000 words sorts a few dozen keys, not its thousands.
        wanted = (limit + 1) * self.most_keys
        if len(ranks) > wanted:
            ranks = ranks[np.argpartition(ranks, wanted - 1)[:wanted]]
        picked: list[int] = []
        for v in self.by_rank[np.unique(ranks)].tolist():
            if skip and fold(self.values[v]) == skip:
                continue
            picked.append(v)
            if len(picked) == limit:
                break
        if not self.aliased:
            return [(v, "") for v in picked]
        aliases: dict[int, str] = {}
        wanted_values = set(picked)
        for at in range(lo, hi):
            v = int(self.owner[at])
            if v in wanted_values and (v not in aliases or not self.alias[at]):
                aliases[v] = self.alias[at]  # the value's own spelling wins over an alias
        return [(v, aliases[v]) for v in picked]


def split_last(q: str) -> tuple[str, str, str]:
    """``q`` as (what comes before the last word, what leads it, the word): ``イタリア -空``
    → (``イタリア ``, ``-``, ``空``). After a space there is no word being typed."""
    cut = max((m.end() for m in _SPACE.finditer(q)), default=0)
    last = q[cut:]
    lead = _LEAD.match(last)
    n = lead.end() if lead else 0
    return q[:cut], last[:n], last[n:]


class Completer:
    """The completable facet values and words of one index."""

    def __init__(self, facet_values: Mapping[str, Mapping[str, int]],
                 words: Mapping[str, int],
                 aliases: Mapping[str, Mapping[str, Sequence[str]]] | None = None,
                 keys_of: Callable[[str], list[str]] = word_keys) -> None:
        """``facet_values``: facet key → value → records; ``words``: word → records;
        ``aliases``: facet key → value → other spellings; ``keys_of``: :func:`word_keys`,
        or a memo of it shared with the readings (each call is a SudachiPy look-up)."""
        aliases = aliases or {}
        kinds, values, counts, keys = [], [], [], []
        for facet, found in facet_values.items():
            for value, n in found.items():
                if n <= 0:
                    continue
                v = len(values)
                kinds.append(facet)
                values.append(value)
                counts.append(n)
                keys += [(k, v, "") for k in (fold(value), reading(value)) if k]
                keys += [(fold(a), v, a) for a in aliases.get(facet, {}).get(value, ())
                         if fold(a) != fold(value)]
        self.facet_kinds = kinds
        self.facets = PrefixTable(values, counts, keys)
        kept, counts, keys = [], [], []
        frequent = sorted(((n, w) for w, n in words.items() if n >= MIN_WORD_RECORDS),
                          key=lambda nw: (-nw[0], nw[1]))
        for n, w in frequent:
            if len(kept) == MAX_WORDS:
                break
            found = keys_of(w)
            if found:
                keys += [(k, len(kept), "") for k in found]
                kept.append(w)
                counts.append(n)
        self.words = PrefixTable(kept, counts, keys)

    def complete(self, q: str, limit: int = DEFAULT_LIMIT) -> Completions:
        """Suggestions for the last word of ``q``: facet values first (at most half of
        ``limit`` unless words are fewer), then words; none for a field term (country:…)."""
        head, lead, word = split_last(q)
        prefix = fold(word)
        if not prefix or ":" in prefix or len(prefix) > MAX_PREFIX_CHARS:
            return Completions(q, word if prefix else "", [])
        # a facet value is a filter: not for an excluded word (-米) or inside a phrase
        facets = [] if lead else self.facets.top(prefix, limit)
        shown = {fold(self.facets.values[v]) for v, _ in facets}
        words = [(v, a) for v, a in self.words.top(prefix, limit + len(facets), skip=prefix)
                 if fold(self.words.values[v]) not in shown]
        facets = facets[:max(limit - len(words), (limit + 1) // 2)]
        words = words[:limit - len(facets)]
        out = []
        for v, alias in facets:
            facet = BY_KEY[self.facet_kinds[v]]
            out.append(Completion("facet", self.facets.values[v], int(self.facets.counts[v]),
                                  head.rstrip(), facet.key, facet.param, facet.label,
                                  alias or None))
        for v, _ in words:
            value = self.words.values[v]
            out.append(Completion("word", value, int(self.words.counts[v]),
                                  head + lead + value))
        return Completions(q, word, out)


def build_completer(columns, words: Mapping[str, int],
                    keys_of: Callable[[str], list[str]] = word_keys) -> Completer:
    """A completer for an opened index: facet values counted over its live records, and
    ``words`` (:func:`index_words`) with the records that hold them."""
    completed = sorted((f for f in FACETS if f.completed), key=lambda f: f.completed)
    facet_values = {}
    for facet in completed:
        column = columns.facets[facet.key]
        counts = column.counts(columns.live)
        facet_values[facet.key] = {v: int(n) for v, n in zip(column.values, counts, strict=True)}
    # a value's other names (アメリカ for 米国, 讀賣 for 読売新聞), not one character (米)
    aliases = {f.key: {v: tuple(a for a in f.call("spellings", v) if len(a) > 1)
                       for v in facet_values[f.key]}
               for f in completed if f.spellings}
    return Completer(facet_values, words, aliases, keys_of)


def index_words(postings, fields: Sequence[str] = ("title", "body")) -> dict[str, int]:
    """Every word of ``fields`` → the records holding it (in its title or its text, whichever
    is more); ``postings``: the index's ``PostingReader``, whose ``lexicon`` sums a word's
    records over the segments (each holds its own records)."""
    per_field = {fieldname: {term: df for term, (df, _weight) in
                             postings.lexicon(fieldname).items()}
                 for fieldname in fields}
    words: dict[str, int] = {}
    for found in per_field.values():
        for term, n in found.items():
            if n > words.get(term, 0):
                words[term] = n
    return words
