"""What one typed word also searches, and how: synonyms, translations, spellings, names.

A word of a query is searched as typed and, ranked lower, as what it stands for: its synonyms
(data/synonyms.txt), the Japanese for an English term and the English original of a katakana
one (data/english.tsv), the compound with a synonym inside it, a full name's family name, the
kinds and instances of a category word (data/narrower.txt: 輸送機 → C-130), and the kanji
words a kana word reads as (``search.readings``, through the opened index). Each is
a ``Variant`` of one ``KIND``; the kind fixes how it is matched and how far below the typed
word it ranks, and the query module compiles them. The tables are read once per process, at
the first search (editing them needs no reindex).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..config import DATA_DIR
from ..datatables import lines, read_table
from ..text.analysis import analyze_pieces, surname
from ..text.kana import fold_case, is_kana, katakana
from .places import place_named, resolve_place

# The kanji spellings of a kana word in an index, each with whether it reads like the whole
# word (岸田 for きしだ) or was pieced together from several words' readings.
Spell = Callable[[str], list[tuple[str, bool]]]
# A kanji word found by the reading of a kana word ranks below the kana word itself and its
# synonyms: きしだ finds 岸田, but a text that says きしだ is the closer match.
READING_BOOST = 0.6
# A full name's family name alone (河野 for 河野太郎), as a reading is: it may be another
# person of that name.
SURNAME_BOOST = 0.6
# What the typed word stands for, a little below it.
SYNONYM_BOOST = 0.8
# A kind or an instance of a category word (C-130 for 輸送機): an article naming only the
# instance is about the category, but one naming the category is the closer match.
NARROWER_BOOST = 0.5


@dataclass(frozen=True)
class Kind:
    """How one kind of variant is searched."""

    boost: float  # × what the typed word scores
    # matched as a typed word is (the phrase first, else all of its parts anywhere); False: a
    # phrase only (北大西洋条約機構 is one thing, not 北 and 機構 scattered through a text)
    as_typed: bool
    # its words are marked in titles and snippets (a one-word variant's always are)
    marked: bool
    # matched as typed only if every part has this many characters at least, else as a
    # phrase: 防衛大臣会談 is also 防衛大臣 … 会談 in one text, but 瀬取り cut 瀬・取り is
    # not 瀬 and 取り anywhere
    parts_from: int = 0
    # searched in the title and the text only, not the notes or the outlet's name: a
    # category's instances are many, and each is a phrase in every field it searches
    content_only: bool = False

    def whole_or_parts(self, parts: list[str]) -> bool:
        """Whether a variant cut into ``parts`` is matched as a typed word is."""
        return self.as_typed and all(len(part) >= self.parts_from for part in parts)


KINDS = {
    "typed": Kind(1.0, True, True),
    "synonym": Kind(SYNONYM_BOOST, True, False, parts_from=2),  # data/synonyms.txt
    "translation": Kind(SYNONYM_BOOST, True, False),  # English ↔ Japanese, data/english.tsv
    "inner": Kind(SYNONYM_BOOST, True, True),  # 吉田統合幕僚長 → 吉田統幕長
    "family": Kind(SURNAME_BOOST, True, False),  # 河野太郎 → 河野
    "reading": Kind(READING_BOOST, True, True),  # きしだ → 岸田 (reads like all of it)
    "pieced": Kind(READING_BOOST, True, True),  # ぼうえいそうびいてん → 防衛装備移転
    "spelling": Kind(READING_BOOST, True, True),  # ラスムセン → ラスムッセン (a name's)
    "heard": Kind(SYNONYM_BOOST * READING_BOOST, False, False),  # a reading's synonym
    # 輸送機 → C-130, data/narrower.txt: each a phrase (C-130 is c・-・130)
    "narrower": Kind(NARROWER_BOOST, False, False, content_only=True),
}


@dataclass(frozen=True)
class Variant:
    """One text a typed word searches, and of which kind."""

    text: str
    kind: str = "typed"

    @property
    def how(self) -> Kind:
        return KINDS[self.kind]


def variants(text: str, spell: Spell | None = None, plain: bool = True,
             kinds_of: bool = True) -> list[Variant]:
    """The typed word first, then, once each, what else it searches, in the order the
    understood line shows them. ``plain``: not restricted to a field (``title:`` words are
    searched as typed, and by their readings only); ``kinds_of``: with a category's kinds
    and instances (data/narrower.txt)."""
    found: dict[str, Variant] = {text: Variant(text)}

    def add(word: str, kind: str) -> None:
        found.setdefault(word, Variant(word, kind))

    def add_kinds(words: Iterable[str]) -> None:
        for word in words if kinds_of else ():
            for kind in narrower(word):
                add(kind, "narrower")

    if plain:
        # a synonym of one character is a country's abbreviation (比, 豪, 米): as free text
        # it matches GDP比 and 豪雨; the country facet reads it where it means the place
        for word in synonyms(text)[1:]:
            if len(word) > 1:
                add(word, "synonym")
        # the Japanese for an English term, and that word's own synonyms
        japanese = tuple(dict.fromkeys(w for t in english(text) for w in synonyms(t)))
        for word in japanese:
            add(word, "translation")
        if not is_kana(text):
            for word in inner_synonyms([typed for _, typed in analyze_pieces(text)]):
                add(word, "inner")
        family = surname(text)
        if family is not None:
            add(family, "family")
        # オスプレイ (or おすぷれい) is also written Osprey; Talisman Sabre, through
        # タリスマン・セイバー, also Talisman Saber
        typed = english_key(text)
        sounds = katakana(text) if is_kana(text) else text
        for word in (sounds, *japanese):
            for original in english_names().get(word, ()):
                if english_key(original) != typed:
                    add(original, "translation")
        # the kinds and instances of a category (輸送機 → C-130), and of the Japanese for an
        # English term (transport aircraft → 輸送機 → C-130)
        add_kinds((text, *japanese))
    if spell is not None and is_kana(text):
        # the kanji the kana reads as (きしだ → 岸田), but for a place only its own names:
        # オーストリア is not a spelling of オーストラリア, nor バーレーン of シーレーン
        place = place_named(text)
        heard, read = [], []
        for spelling, whole in spell(text):
            if spelling in found or (place is not None and resolve_place(spelling) != place):
                continue  # バーレーン is not シーレーン
            add(spelling, "spelling" if is_kana(spelling) and spelling != katakana(text)
                else "reading" if whole else "pieced")
            if whole or synonyms(spelling)[1:]:
                heard.append(spelling)
            read.append(spelling)
        # … and their synonyms (かいじょうほあんちょう → 海上保安庁 → 海保)
        for spelling in heard:
            for word in synonyms(spelling)[1:]:
                if len(word) > 1:  # 比, 豪: read in context, by the country facet
                    add(word, "heard")
        # … and a category's kinds, as when typed in kanji (ゆそうき → 輸送機 → C-130; pieced
        # from several words' readings, a category of the table as one word: ぼうえいそう
        # びいてん → 防衛装備移転, as the synonym table's groups above)
        add_kinds(read if plain else ())
    return list(found.values())


@lru_cache(maxsize=1)
def synonym_groups() -> dict[str, tuple[str, ...]]:
    """Each word of data/synonyms.txt → its whole group (the word first)."""
    groups: dict[str, tuple[str, ...]] = {}
    for _number, text in lines(DATA_DIR / "synonyms.txt"):
        words = text.split()
        for w in words:
            key = fold_case(w)
            groups.setdefault(key, tuple(dict.fromkeys([w, *words])))
    return groups


@lru_cache(maxsize=1)
def longest_synonym() -> int:
    """The most characters a word of data/synonyms.txt has, folded as it is looked up."""
    return max((len(key) for key in synonym_groups()), default=0)


def synonyms(word: str) -> tuple[str, ...]:
    return synonym_groups().get(fold_case(word), (word,))


MAX_INNER = 6  # spellings of one compound with a synonym inside it


def inner_synonyms(pieces: list[str]) -> tuple[str, ...]:
    """The compound made of ``pieces`` (the user's characters, as the analyser cut them)
    with one run of its pieces replaced by a synonym: 吉田統合幕僚長 → 吉田統幕長, and
    日米共同演習 → 日米共同訓練, 日米合同演習 …; news writes a compound with either.

    Runs of two characters or more only (米 is in too many words), never the whole word
    (its synonyms are the word's own group).
    """
    groups = synonym_groups()
    # Only runs that can be a word of the table are looked up: linear in the pieces, whatever
    # a query holds (500 pieces, a compound as long as the limit, took 0.9 s). Lengths are
    # measured folded, with room to spare for what folding joins across pieces.
    longest = 2 * longest_synonym()
    folded = [len(fold_case(piece)) for piece in pieces]
    whole = "".join(pieces)
    found: list[str] = []
    for i in range(len(pieces)):
        size, ends = 0, []
        for j in range(i + 1, len(pieces) + 1):
            size += folded[j - 1]
            if size > longest:
                break
            ends.append(j)
        for j in reversed(ends):
            if (i, j) == (0, len(pieces)):
                continue
            run = "".join(pieces[i:j])
            group = groups.get(fold_case(run))
            if len(run) < 2 or group is None:
                continue
            before, after = "".join(pieces[:i]), "".join(pieces[j:])
            # not one that holds the whole compound (在外邦人等輸送 with 邦人等輸送 replaced
            # by its synonym 在外邦人等輸送): it finds nothing the compound does not
            found += [spelling for other in group[1:]
                      if whole not in (spelling := before + other + after)]
    return tuple(dict.fromkeys(found))[:MAX_INNER]


# The kinds and instances one category word searches at most (the table's first): each is
# a phrase in two fields, and a query's terms are limited (``engine.request.check_cost``).
MAX_NARROWER = 12
# A kind of several words each held by more than this share of the index's records is not
# searched: at 100,000 records 防衛協力's kinds (防衛装備・技術協力, 防衛技術協力 … whose words
# 防衛 and 協力 are in two texts of three) took 36 of its 61 ms.
COMMON_SHARE = 0.1


NARROWER_FILE = DATA_DIR / "narrower.txt"


@lru_cache(maxsize=1)
def narrower_table(path: Path = NARROWER_FILE) -> dict[str, tuple[str, ...]]:
    """data/narrower.txt: a category word → its kinds and instances, as written there
    (``輸送機: C-130 C-2``); a category given on two lines has the terms of both."""
    table: dict[str, tuple[str, ...]] = {}
    for number, line in lines(path):
        broader, colon, rest = line.partition(":")
        terms = rest.split()
        if not colon or not broader.strip() or not terms:
            raise ValueError(f"{path.name}, line {number}: write 「category: term term …」")
        key = fold_case(broader.strip())
        table[key] = tuple(dict.fromkeys((*table.get(key, ()), *terms)))
    return table


def narrower(word: str) -> tuple[str, ...]:
    """The kinds and instances of a category word (輸送機 → C-130 …), or (): those the
    table gives the word or any of its synonyms (ヘリ is a ヘリコプター), the first
    ``MAX_NARROWER``."""
    table = narrower_table()
    found = dict.fromkeys(term for same in synonyms(word)
                          for term in table.get(fold_case(same), ()))
    return tuple(found)[:MAX_NARROWER]


FORCES_FILE = DATA_DIR / "forces.toml"
# a place's force found by what such a force does (国:英国 訓練 for 英軍): after the articles
# naming the force, its kinds and its place's abbreviation glued to it
FORCE_BOOST = 0.3


@dataclass(frozen=True)
class Forces:
    """data/forces.toml: what the articles about a place say of its force (軍 → 部隊, 訓練
    …), and the places whose name in such an article is not a force taking part."""

    words: dict[str, tuple[str, ...]]
    not_for: frozenset[str]


@lru_cache(maxsize=1)
def forces_table(path: Path = FORCES_FILE) -> Forces:
    table = read_table(path)
    words = table.get("words", {})
    left_out = table.get("not", {})
    places = left_out.get("places", []) if isinstance(left_out, dict) else None
    if not (isinstance(words, dict) and isinstance(places, list)
            and all(isinstance(w, list) and all(isinstance(x, str) for x in w)
                    for w in words.values())):
        raise ValueError(f"{path.name}: write [words] 「force = [\"word\", …]」 and "
                         "[not] 「places = [\"place\", …]」")
    return Forces({force: tuple(dict.fromkeys(w)) for force, w in words.items()},
                  frozenset(places))


def forces(place: str, word: str) -> tuple[str, ...]:
    """What an article about ``place`` says of its force ``word`` (英国, 軍 → 部隊, 訓練
    …), or () for a word data/forces.toml does not list or a place it leaves out."""
    table = forces_table()
    return () if place in table.not_for else table.words.get(word, ())


def english_key(text: str) -> str:
    return " ".join(fold_case(text).replace("-", " ").split())


def english_rows(path: Path = DATA_DIR / "english.tsv") -> Iterator[tuple[str, tuple[str, ...]]]:
    """(English term, its Japanese words) of each line of data/english.tsv, as written;
    comments, blank lines and lines without both sides left out."""
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#") or not line.strip():
                continue
            english, *japanese = [part.strip() for part in line.split("\t")]
            words = tuple(dict.fromkeys(j for j in japanese if j))
            if english and words:
                yield english, words


@lru_cache(maxsize=1)
def english_table() -> dict[str, tuple[str, ...]]:
    """data/english.tsv: an English term (one or more words) → its Japanese words.

    Like the synonyms, a table users extend: ``term<TAB>日本語[<TAB>日本語 …]``. Case,
    width and hyphens do not matter (Joint-Exercise = joint exercise).
    """
    table: dict[str, tuple[str, ...]] = {}
    for english, words in english_rows():
        key = english_key(english)
        table[key] = tuple(dict.fromkeys(table.get(key, ()) + words))
    return table


@lru_cache(maxsize=1)
def english_names() -> dict[str, tuple[str, ...]]:
    """A katakana word of data/english.tsv → the English terms it stands for, as written
    there (オスプレイ → Osprey): a loanword or a name, which English clippings and the
    English in Japanese ones write in the original."""
    names: dict[str, tuple[str, ...]] = {}
    for english, words in english_rows():
        for word in words:
            if is_kana(word.replace("・", "")):
                names[word] = tuple(dict.fromkeys((*names.get(word, ()), english)))
    return names


@lru_cache(maxsize=1)
def english_stop(path: Path = DATA_DIR / "english_stop.txt") -> frozenset[str]:
    """The English function words a query leaves out (data/english_stop.txt), lower case."""
    return frozenset(text.lower() for _number, text in lines(path))


def english(text: str) -> tuple[str, ...]:
    """The Japanese words for an English term of the table, or () if it has none."""
    table = english_table()
    key = english_key(text)
    found = table.get(key)
    if found is None:
        # a term typed in the plural (sea lanes, submarines): its last word's singular,
        # where the table has that and not the plural itself
        found = next((table[single] for single in singulars(key) if single in table), ())
    return found


def singulars(key: str) -> tuple[str, ...]:
    """What an English key's last word would be in the singular (lanes → lane, bases → base
    and bas, exercises → exercise, parties → party); () for a word too short or not
    ending in s (AUKUS is typed in capitals, folded to aukus: aukus → auku is asked and
    found in no table)."""
    head, _, last = key.rpartition(" ")
    if len(last) < 4 or not last.endswith("s") or last.endswith("ss"):
        return ()
    forms = [last[:-1]]
    if last.endswith("es"):
        forms.append(last[:-2])
    if last.endswith("ies"):
        forms.append(last[:-3] + "y")
    return tuple(f"{head} {form}" if head else form for form in forms)


@lru_cache(maxsize=1)
def english_lengths() -> tuple[int, ...]:
    """The numbers of words the table's terms have, longest first."""
    return tuple(sorted({len(k.split()) for k in english_table()}, reverse=True))
