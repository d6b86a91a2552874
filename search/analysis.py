"""Japanese analysis for Whoosh: SudachiPy words with offsets into the original text.

The analyzer reads as a pipeline, like Whoosh's own::

    SudachiTokenizer() | SubwordFilter() | PosStopFilter() | NormalizeFilter()

- ``SudachiTokenizer`` maps old kanji to new ones character for character (讀賣 → 読売, so
  offsets stay right), splits long text into pieces that fit one ``tokenize()`` call and
  yields SudachiPy's mode-C words with ``startchar``/``endchar`` into the ORIGINAL string.
- ``SubwordFilter`` adds, when indexing only, the mode-B and mode-A parts of a compound at
  the compound's position with their own offsets: 防衛 finds 日米防衛相会談 (and the
  highlight lands on 防衛), 自衛隊 finds 海上自衛隊.
- ``PosStopFilter`` drops particles, auxiliary verbs, punctuation and spaces by part of
  speech, and renumbers positions so phrases skip them.
- ``NormalizeFilter`` turns each word into its index term (see ``term``): width and case
  folded, numbers normalised, nouns spelled one way whatever their context.

The same chain, without sub-words, analyses queries (``analyze_terms``), so query and index
agree. Nothing native is stored on these objects: the dictionary, this thread's tokenizer and
the POS matchers come from ``search.sudachi`` and module caches, so the analyzer pickles into
a Whoosh schema and works again after ``open_dir``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

from sudachipy import SplitMode
from whoosh.analysis import CompositeAnalyzer, Filter, Token, Tokenizer

from . import sudachi
from .config import DATA_DIR

KYUJITAI_FILE = DATA_DIR / "kyujitai.tsv"
_SPLIT_MODES = {"A": SplitMode.A, "B": SplitMode.B}

# Dropped by part of speech (UniDic's top level), never by a list of strings. 記号 (URLs,
# ♪), 接頭辞 (第, 約, 同) and 接尾辞 (品, 相, 省, 的) stay: they are the parts of 防衛装備品,
# 国防相 and the like, and a phrase query needs them.
STOP_TAGS: tuple[tuple[str, ...], ...] = (("助詞",), ("助動詞",), ("補助記号",), ("空白",))


# -- old kanji ---------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def kyujitai_table(path: Path = KYUJITAI_FILE) -> dict[int, int]:
    """``str.translate`` table: old kanji → new kanji, one character for one character.

    Besides the data file, every CJK compatibility ideograph (神 U+FA19 …) maps to its Unicode
    canonical equivalent: full NFC on the text could change its length, this cannot.
    """
    table: dict[int, int] = {}
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            pair = line.split("\t")
            if len(pair) != 2 or len(pair[0]) != 1 or len(pair[1]) != 1 or pair[0] == pair[1]:
                raise ValueError(f"{path}:{number}: want old<TAB>new, one character each: "
                                 f"{line!r}")
            table[ord(pair[0])] = ord(pair[1])
    if set(table.values()) & set(table):
        raise ValueError(f"{path}: a new form is also listed as an old one (a chain)")
    for cp in range(0xF900, 0xFB00):
        canonical = unicodedata.normalize("NFC", chr(cp))
        if len(canonical) == 1 and canonical != chr(cp):
            # some canonical forms are old forms themselves (樂): go on to the new one
            table[cp] = table.get(ord(canonical), ord(canonical))
    return table


# -- terms -------------------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _matcher(tags: tuple[tuple[str, ...], ...]):
    """A SudachiPy PosMatcher for ``tags``, built once per process (it is native)."""
    return sudachi.dictionary().pos_matcher(list(tags))


NUMBER_TAGS = (("名詞", "数詞"),)
NOUN_TAGS = (("名詞",),)


@lru_cache(maxsize=1 << 16)
def _noun_term(surface: str) -> str | None:
    """The one spelling of a noun, from its surface alone (None for unknown words).

    SudachiPy picks a dictionary entry by context, and entries of one spelling can have
    different normalized forms: 読売 is 読売 as a proper noun (6.26 読売新聞) but 読み売り as
    a common noun (読売新聞の取材), and a query 読売 gets the common noun. So: if every noun
    entry of the spelling agrees, use their normalized form (取組 → 取り組み, 覚書 → 覚え書き,
    聯合 → 連合); if they disagree and one keeps the spelling, keep it (読売, もと, なか);
    otherwise the form the word gets on its own, as a one-word query would (シナ → 支那).
    """
    norms = {e.normalized_form() for e in sudachi.dictionary().lookup(surface)
             if e.part_of_speech()[0] == "名詞"}
    if not norms:
        return None
    if len(norms) == 1:
        return norms.pop().lower()
    if surface in norms:
        return surface.lower()
    alone = sudachi.tokenizer().tokenize(surface)
    norm = alone[0].normalized_form() if len(alone) == 1 else min(norms)
    return norm.lower()


def term(m, surface: str | None = None) -> str:
    """The index term for a SudachiPy morpheme (``surface``: its surface, if already known).

    - numbers: SudachiPy's normalized form (3万 → 30000, 80.5億 → 8050000000, 三 → 3,
      ３５ → 35): 3万人 and 30,000人 meet, and a query typed like the text always matches;
    - Latin after NFKC (ＮＡＴＯ, F, Japan): the surface, NFKC and lower-cased; not SudachiPy's
      katakana form (Japan → ジャパン), so English stays English and nato == NATO;
    - other nouns: one spelling per surface, whatever the context (``_noun_term``);
    - everything else: the normalized form (述べ → 述べる), lower-cased.
    """
    if surface is None:
        surface = m.surface()
    if _matcher(NUMBER_TAGS)(m):
        return m.normalized_form()
    folded = unicodedata.normalize("NFKC", surface)
    if folded.isascii():
        return folded.lower()
    if _matcher(NOUN_TAGS)(m):
        noun = _noun_term(surface)
        if noun is not None:
            return noun
    return m.normalized_form().lower()


# -- pipeline ----------------------------------------------------------------------------------


class SudachiTokenizer(Tokenizer):
    """SudachiPy mode-C words, with positions and offsets into the original string.

    Each token carries its morpheme as ``t.morpheme`` for the filters; ``t.text`` is the
    surface (old kanji already mapped). Zero-width morphemes (SudachiPy splits … into two)
    are skipped: they cover no character of the text.
    """

    def __init__(self, kyujitai: bool = True):
        self.kyujitai = kyujitai

    def __eq__(self, other):
        return other and self.__class__ is other.__class__ and self.__dict__ == other.__dict__

    def __call__(self, value: str, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, tokenize=True, mode="",
                 **kwargs) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        t.morpheme = None
        if not tokenize:
            t.original = t.text = value
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar, t.endchar = start_char, start_char + len(value)
            yield t
            return

        text = value.translate(kyujitai_table()) if self.kyujitai else value
        tok = sudachi.tokenizer()
        pos = start_pos
        for offset, piece in sudachi.chunks(text):
            # One tokenize() per piece; the list is ours, so the tokenizer is free again
            # while we yield (a filter may analyse a word on its own meanwhile).
            for m in tok.tokenize(piece):
                begin, end = m.begin(), m.end()
                if begin == end:
                    continue
                t.morpheme = m
                t.text = m.surface()
                t.stopped = False
                t.boost = 1.0
                if keeporiginal:
                    t.original = value[offset + begin:offset + end]
                if positions:
                    t.pos = pos
                    pos += 1
                if chars:
                    t.startchar = start_char + offset + begin
                    t.endchar = start_char + offset + end
                yield t


class SubwordFilter(Filter):
    """When indexing, add a compound's mode-B and mode-A parts at the compound's position.

    Mode C keeps 防衛相, 海上自衛隊, 産経新聞 whole, so a query 防衛, 自衛隊 or 産経 would miss
    them. Mode A alone is not enough: 海上自衛隊 splits into 海上 / 自衛 / 隊 there, and only
    mode B gives 自衛隊 (likewise 保安庁, 解放軍, 理事会, 共和国). Each part gets its own
    offsets, so a highlight of 防衛 marks 防衛, not 防衛相. Queries stay in mode C: 防衛相 in
    a query matches the compound itself.
    """

    def __init__(self, modes: str = "BA"):
        self.modes = modes

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        modes = [_SPLIT_MODES[name] for name in self.modes]
        for t in tokens:
            m = t.morpheme
            # A one-character word has no parts: skip the native calls.
            if t.mode != "index" or m is None or m.end() - m.begin() < 2:
                yield t
                continue
            whole = (m.begin(), m.end())
            spans: dict[tuple[int, int], object] = {}
            for mode in modes:
                for p in m.split(mode, add_single=False):
                    span = (p.begin(), p.end())
                    if span != whole and span not in spans:
                        spans[span] = p
            if not spans:
                yield t
                continue
            # Downstream filters rewrite t in place: keep what the parts need first.
            pos = t.pos if t.positions else None
            base = t.startchar - whole[0] if t.chars else 0
            original = getattr(t, "original", None)
            yield t
            for (begin, end), p in sorted(spans.items(), key=lambda kv: (kv[0][0], -kv[0][1])):
                t.morpheme = p
                t.text = p.surface()
                t.stopped = False
                if pos is not None:
                    t.pos = pos
                if t.chars:
                    t.startchar, t.endchar = base + begin, base + end
                if original is not None:
                    t.original = original[begin - whole[0]:end - whole[0]]
                yield t


class PosStopFilter(Filter):
    """Drop words by part of speech; renumber positions so the kept words are consecutive.

    Sub-words share their compound's position and keep sharing it. With
    ``removestops=False`` stopped words are yielded with ``t.stopped = True`` (the
    highlighter wants them) at the position of the word before.
    """

    def __init__(self, stoptags: Iterable[Iterable[str]] = STOP_TAGS):
        self.stoptags = tuple(tuple(tag) for tag in stoptags)

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        stop = _matcher(self.stoptags)
        newpos: int | None = None
        last: int | None = None
        for t in tokens:
            m = t.morpheme
            if m is not None and stop(m):
                if not t.removestops:
                    t.stopped = True
                    if t.positions and newpos is not None:
                        t.pos = newpos
                    yield t
                continue
            if t.positions:
                if t.pos != last:
                    last = t.pos
                    newpos = t.pos if newpos is None else newpos + 1
                t.pos = newpos
            yield t


class NormalizeFilter(Filter):
    """Replace each word's text by its index term (``term``): folded, lower-cased.

    Offsets are untouched, so they still point at the original spelling.
    """

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        for t in tokens:
            m = t.morpheme
            if m is None:
                t.text = unicodedata.normalize("NFKC", t.text).lower()
            else:
                t.text = term(m, t.text)
            yield t


# -- factories ---------------------------------------------------------------------------------


def japanese_analyzer(subwords: bool = True) -> CompositeAnalyzer:
    """The analyzer for Japanese TEXT fields (title, body).

    ``subwords`` indexes the parts of compounds too (see ``SubwordFilter``); it is a
    parameter so the scheme can be chosen by measuring it on the judged queries.
    """
    chain = SudachiTokenizer()
    if subwords:
        chain = chain | SubwordFilter()
    return chain | PosStopFilter() | NormalizeFilter()


@lru_cache(maxsize=1)
def _query_analyzer() -> CompositeAnalyzer:
    return japanese_analyzer(subwords=False)


def analyze_terms(text: str) -> list[str]:
    """The query-time terms of ``text``, in order: what the index holds for the same words.

    A word may give several terms (防衛装備品 → 防衛, 装備, 品); the query layer matches them
    as a phrase (positions are consecutive, stopped words skipped) or all of them anywhere.
    """
    return [t.text for t in _query_analyzer()(text, mode="query")]
