"""Japanese analysis for Whoosh: SudachiPy words as index terms, with offsets into the text.

One pass over SudachiPy's mode-C words (``sudachi.words``: old kanji read as new ones,
long text split to fit) does, per word:

- **stop by part of speech**: particles, auxiliary verbs, punctuation and spaces are
  dropped (``STOP_TAGS``), and positions count only the words kept, so phrases skip them;
- **term**: the word's index term (see ``term``): width and case folded, numbers
  normalised, nouns spelled one way whatever their context;
- **sub-words**, when indexing: the mode-B and mode-A parts of a compound, at the
  compound's position with their own offsets. Mode C keeps 防衛相, 海上自衛隊, 産経新聞
  whole, so a query 防衛, 自衛隊 or 産経 would miss them; mode A alone splits 海上自衛隊 into
  海上 / 自衛 / 隊, and only mode B gives 自衛隊. A highlight of 防衛 marks 防衛, not 防衛相.

What a word gives depends only on its dictionary entry and its surface, so it is worked
out once per distinct word and remembered (``_entry``); the pass itself is one loop, not a
chain of generator filters: a full build analyses every text, and the loop costs about two
thirds of what the chain did (benchmarks/results/design-measurements.md).

Queries get the same analysis without sub-words (``analyze_terms``), so query and index
agree. Nothing native is stored on the analyzer: the dictionary, this thread's tokenizer and
the POS matchers come from ``search.sudachi`` and module caches, so it pickles into a Whoosh
schema and works again after ``open_dir``.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator
from functools import lru_cache

from sudachipy import SplitMode
from whoosh.analysis import Analyzer, Token

from . import sudachi
from .kana import fold_case, is_kanji, nfkc

# Dropped by part of speech (UniDic's top level), never by a list of strings. 記号 (URLs,
# ♪), 接頭辞 (第, 約, 同) and 接尾辞 (品, 相, 省, 的) stay: they are the parts of 防衛装備品,
# 国防相 and the like, and a phrase query needs them.
STOP_TAGS: tuple[tuple[str, ...], ...] = (("助詞",), ("助動詞",), ("補助記号",), ("空白",))
# Mode B first: 海上自衛隊 → 海上 / 自衛隊, then mode A adds 自衛 / 隊.
SUBWORD_MODES = (SplitMode.B, SplitMode.A)
# Distinct words remembered per set of stop tags; a long-running server forgets them all
# past this many (queries bring new words without end).
MAX_ENTRIES = 200_000


# -- terms -------------------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _matcher(tags: tuple[tuple[str, ...], ...]):
    """A SudachiPy PosMatcher for ``tags``, built once per process (it is native)."""
    return sudachi.dictionary().pos_matcher(list(tags))


NUMBER_TAGS = (("名詞", "数詞"),)
NOUN_TAGS = (("名詞",),)


@lru_cache(maxsize=1 << 16)
def _noun_term(surface: str) -> str | None:
    """The one spelling of a noun (``_noun_spelling``), or the verb whose stem it is.

    A noun that is also a verb's stem (取り, 見直し, 取り組み) is that verb (取る, 見直す,
    取り組む): SudachiPy reads one spelling either way by context (瀬取り監視 has the verb,
    「瀬取り」対応 the noun), and 見直し, 見直した and 見直す are one word to a reader.
    """
    noun = _noun_spelling(surface)
    if noun is None or len(noun) < 2 or not any(map(is_kanji, noun)):
        return noun
    verbs = {e.normalized_form() for e in sudachi.dictionary().lookup(noun)
             if e.part_of_speech()[0] == "動詞"}
    return verbs.pop().lower() if len(verbs) == 1 else noun


def _noun_spelling(surface: str) -> str | None:
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
    folded = nfkc(surface)
    if folded.isascii():
        return folded.lower()
    if _matcher(NOUN_TAGS)(m):
        noun = _noun_term(surface)
        if noun is not None:
            return noun
    return m.normalized_form().lower()


# -- the analyzer ------------------------------------------------------------------------------

# (term, parts): parts are (begin, end, term) relative to the word; None for a stopped word
Entry = tuple[str, tuple[tuple[int, int, str], ...]] | None


_UNSEEN = object()


@lru_cache(maxsize=8)
def _entries(stoptags: tuple[tuple[str, ...], ...]) -> dict:
    """The words already worked out for one set of stop tags (see ``_entry``)."""
    return {}


def _entry(m, surface: str, stoptags: tuple[tuple[str, ...], ...]) -> Entry:
    """What the word ``m`` gives: None if stopped, else its term and its sub-words' terms.

    Remembered in ``_entries`` under the dictionary entry, the part of speech and the
    surface, which together fix the stop, the term and the split (out-of-vocabulary words
    share an entry id, hence the surface).
    """
    stop = _matcher(stoptags)
    if stop(m):
        found = None
    else:
        begin, end = m.begin(), m.end()
        parts: dict[tuple[int, int], str] = {}
        if end - begin >= 2:  # a one-character word has no parts
            for mode in SUBWORD_MODES:
                for p in m.split(mode, add_single=False):
                    span = (p.begin() - begin, p.end() - begin)
                    if span != (0, end - begin) and span not in parts and not stop(p):
                        parts[span] = term(p)
        ordered = sorted(parts.items(), key=lambda kv: (kv[0][0], -kv[0][1]))
        found = (term(m, surface), tuple((b, e, t) for (b, e), t in ordered))
    entries = _entries(stoptags)
    if len(entries) >= MAX_ENTRIES:
        entries.clear()
    entries[(m.word_id(), m.part_of_speech_id(), surface)] = found
    return found


class JapaneseAnalyzer(Analyzer):
    """SudachiPy words → stops → terms (→ sub-words), with positions and offsets.

    Offsets (``startchar``/``endchar``) point into the ORIGINAL value, which the
    highlighter depends on. With ``removestops=False`` stopped words are yielded too, with
    ``t.stopped = True``, their surface as text and the position of the word before.
    """

    def __init__(self, subwords: bool = True, stoptags: Iterable[Iterable[str]] = STOP_TAGS):
        self.subwords = subwords
        self.stoptags = tuple(tuple(tag) for tag in stoptags)

    def __eq__(self, other):
        return other and self.__class__ is other.__class__ and self.__dict__ == other.__dict__

    def __call__(self, value: str, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, tokenize=True, mode="",
                 **kwargs) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            t.original = value
            t.text = fold_case(value)
            t.pos, t.startchar, t.endchar = start_pos, start_char, start_char + len(value)
            yield t
            return
        subwords = self.subwords and mode == "index"
        stoptags = self.stoptags
        entries = _entries(stoptags)
        pos = start_pos - 1
        for begin, end, m in sudachi.words(value):
            surface = m.surface()
            # inlined: this loop runs for every word of every text of a build
            entry = entries.get((m.word_id(), m.part_of_speech_id(), surface), _UNSEEN)
            if entry is _UNSEEN:
                entry = _entry(m, surface, stoptags)
            if entry is None:
                if removestops:
                    continue
                t.stopped, t.text, t.pos = True, surface, max(pos, start_pos)
            else:
                pos += 1
                t.stopped, t.text, t.pos = False, entry[0], pos
            if chars:
                t.startchar, t.endchar = start_char + begin, start_char + end
            if keeporiginal:
                t.original = value[begin:end]
            yield t
            if subwords and entry is not None:
                for b, e, text in entry[1]:
                    t.text = text
                    t.pos = pos
                    if chars:
                        t.startchar = start_char + begin + b
                        t.endchar = start_char + begin + e
                    if keeporiginal:
                        t.original = value[begin + b:begin + e]
                    yield t

    def positions(self, value: str) -> dict[str, list[int]]:
        """Each index term of ``value`` with its positions, in order of first occurrence.

        Exactly what ``__call__`` yields in index mode, gathered as Whoosh's Positions
        format gathers it, but without a Token per word: a build only needs terms and
        positions (``codec.write._add_text``), and this is every word of every text.
        A text whose marks were just worked out (``spans``) has them already.
        """
        walked = getattr(_walked, "recent", None)
        key = (self.subwords, self.stoptags, value)
        if walked and key in walked:
            return walked.pop(key)
        return self._walk(value, 0)[0]

    def spans(self, value: str, limit: int) -> list[tuple[int, int, str]]:
        """(start, end, term) of each index term of ``value`` ending within ``limit``
        characters, in order of start (a compound, then its parts): what the highlighter
        marks, worked out when the text is indexed so that a result row need not analyse
        it again (``marks.marks``). Stopped words give none: no query term is one.

        The same walk gathers the text's positions, which the build asks for next
        (``positions``), so a text indexed with its marks is walked once.
        """
        found, spans = self._walk(value, limit)
        walked = getattr(_walked, "recent", None)
        if walked is None:
            walked = _walked.recent = {}
        if len(walked) >= WALKED:
            del walked[next(iter(walked))]
        walked[(self.subwords, self.stoptags, value)] = found
        return spans

    def _walk(self, value: str, limit: int) -> tuple[dict[str, list[int]],
                                                     list[tuple[int, int, str]]]:
        """The positions of ``value``'s index terms, and the spans of those ending within
        ``limit`` characters (``spans``): one loop over the words, for every text of a
        build."""
        subwords = self.subwords
        stoptags = self.stoptags
        entries = _entries(stoptags)
        found: defaultdict[str, list[int]] = defaultdict(list)
        spans: list[tuple[int, int, str]] = []
        add = spans.append
        pos = -1
        for begin, end, m in sudachi.words(value):
            surface = m.surface()
            entry = entries.get((m.word_id(), m.part_of_speech_id(), surface), _UNSEEN)
            if entry is _UNSEEN:
                entry = _entry(m, surface, stoptags)
            if entry is None:
                continue
            pos += 1
            found[entry[0]].append(pos)
            if end <= limit:
                add((begin, end, entry[0]))
            if subwords and entry[1]:
                for b, e, text in entry[1]:
                    found[text].append(pos)
                    if begin + e <= limit:
                        add((begin + b, begin + e, text))
        return found, spans


# Texts whose positions a thread keeps after ``spans`` walked them, for ``positions``:
# a build asks for a record's title and text once each, right after their marks.
WALKED = 4
_walked = threading.local()


# -- factories ---------------------------------------------------------------------------------


def japanese_analyzer(subwords: bool = True) -> JapaneseAnalyzer:
    """The analyzer for Japanese TEXT fields (title, body).

    ``subwords`` indexes the parts of compounds too; it is a parameter so the scheme can be
    chosen by measuring it on the judged queries.
    """
    return JapaneseAnalyzer(subwords=subwords)


@lru_cache(maxsize=1)
def _query_analyzer() -> JapaneseAnalyzer:
    return japanese_analyzer(subwords=False)


def analyze_terms(text: str) -> list[str]:
    """The query-time terms of ``text``, in order: what the index holds for the same words.

    A word may give several terms (防衛装備品 → 防衛, 装備, 品); the query layer matches them
    as a phrase (positions are consecutive, stopped words skipped) or all of them anywhere.
    """
    if len(text) <= QUERY_WORD_CHARS:
        return [term for term, _ in _word_pieces(text)]
    return [t.text for t in _query_analyzer()(text, mode="query")]  # (no originals needed)


def analyze_pieces(text: str) -> list[tuple[str, str]]:
    """(term, the user's characters for it) of each query-time term of ``text``.

    The term is what the index holds (a normal form: 干る for ひん); the characters are what
    the user typed, which is what the page shows when it says how a word was understood.
    """
    if len(text) <= QUERY_WORD_CHARS:
        return list(_word_pieces(text))
    return _pieces(text)


def _pieces(text: str) -> list[tuple[str, str]]:
    return [(t.text, t.original)
            for t in _query_analyzer()(text, mode="query", keeporiginal=True)]


# A query's words are analysed again and again: each of its variants, the names of the place
# it names, its compounds' parts (analysing one is a Sudachi call, about 10 µs), and the same
# words come back in the next queries (the next page, a word added). The analyses of short
# texts are remembered (pure: they depend on the dictionary and the tables only).
QUERY_WORD_CHARS = 32
QUERY_WORDS = 8192


@lru_cache(maxsize=QUERY_WORDS)
def _word_pieces(text: str) -> tuple[tuple[str, str], ...]:
    return tuple(_pieces(text))


def surname(text: str) -> str | None:
    """The family name of a full name (河野太郎 → 河野), or None if ``text`` is not one.

    News names a person in full once, then by family name and office (河野外相, 吉田統幕長):
    a query for the full name also wants those. A full name is what SudachiPy reads as a
    family name followed by a given name, nothing else.
    """
    words = sudachi.tokenizer().tokenize(text)
    if len(words) == 2 and words[0].part_of_speech()[2:4] == ("人名", "姓") \
            and words[1].part_of_speech()[2:4] == ("人名", "名"):
        return words[0].surface()
    return None
