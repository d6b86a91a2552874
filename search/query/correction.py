"""When a query no article answers is searched as its もしかして, and when it is only offered.

For a researcher "the archive holds nothing on this" is an answer, and an answer about
something else is worse than none: カラオケ is not a misspelling of パラオ, nor ピザ of ガザ,
nor ボウリング of 暴力. So a suggestion is searched in place of the words typed only when it
looks like the same word mistyped; otherwise it is offered as a link. The rule, word by word
for each word the suggestion changes:

1. **A word of the language is meant as typed.** A word the dictionary knows as one common
   word (カラオケ, コーヒー, らーめん, golf) is not corrected; names (ジブティ, ブルガリヤ) and
   strings it does not know (ヘグセズ, フィリピソ) may be.
2. **Same kind.** Katakana becomes katakana, Latin letters Latin letters; hiragana may
   become a word in kanji through its reading (ぼうえいしよう → 防衛省), or in katakana
   (おすぷれー → オスプレイ), never other hiragana; kanji the user chose are never changed,
   and a place never becomes another place (オーストリア).
3. **Small for its length.** After folding width, case, hiragana to katakana and small kana
   (ッ = ツ), at most one letter differs, two in a word of eight letters or more, and none in
   a word of fewer than four (ピザ and ガザ are one letter apart, and two different things).
4. **Enough to be what was meant**: every corrected word is itself in at least
   ``MIN_RECORDS`` articles, as written (not pieced together: ビットコイン is not ホット and
   コイン), and so is the corrected query.
"""

from __future__ import annotations

from functools import lru_cache
from os.path import commonprefix

from whoosh.support.levenshtein import damerau_levenshtein

from ..text import sudachi
from ..text.kana import HIRAGANA, KATAKANA, fold, is_kanji, nfkc
from .complete import reading
from .places import place_named, resolve_place
from .readings import loose

MIN_CHARS = 4  # a shorter word one letter off is another word (ピザ, ガザ)
LONG_CHARS = 8  # a word this long may be two letters off (ストルテンベルク)
MIN_RECORDS = 1  # articles the corrected query must find
# Parts of speech (UniDic's second level) of a dictionary word that is a name: a name may be
# a variant spelling of another (ブルガリヤ, ジブティ), a common word is meant as typed.
NAME_TAGS = frozenset({"固有名詞"})
_JOINERS = str.maketrans("", "", "・=＝-‐ 　")


def letters(word: str) -> str:
    """``word`` as its letters are compared: NFKC, lower case, hiragana as katakana, small
    kana full-size, without the dots and hyphens that join the parts of a name."""
    return loose(fold(word).translate(_JOINERS))


def script(word: str) -> str:
    """How ``word`` is written: "katakana", "hiragana", "latin" or "kanji" (kanji anywhere,
    or a mix: the user chose characters from a conversion)."""
    word = nfkc(word).translate(_JOINERS)
    if not word or any(is_kanji(ch) for ch in word):
        return "kanji"
    if word.isascii():
        return "latin"
    if all(ch in KATAKANA for ch in word):
        return "katakana"
    if all(ch in HIRAGANA for ch in word):
        return "hiragana"
    return "kanji"


@lru_cache(maxsize=4096)
def is_common_word(word: str) -> bool:
    """Whether the dictionary reads ``word`` as one word of the language that is not a name
    (コーヒー, らーめん, golf): what the user typed is what they meant."""
    found = sudachi.tokenizer().tokenize(nfkc(word))
    if len(found) != 1 or found[0].is_oov():
        return False
    return found[0].part_of_speech()[1] not in NAME_TAGS


def names_alike(one: str, other: str) -> bool:
    """Whether two katakana words a letter or two apart, both in the index, may be
    spellings of one name (ラスムセン, ラスムッセン): neither is a word of the language
    (キャンセル is not キャンベル, nor ミッション セッション) and they name the same place, or
    none (シーレーン is not バーレーン)."""
    return (not is_common_word(one) and not is_common_word(other)
            and place_named(one) == place_named(other))


def allowed_edits(length: int) -> int:
    """Letters that may differ in a word of ``length`` letters."""
    return 0 if length < MIN_CHARS else 1 if length < LONG_CHARS else 2


def edits(typed: str, corrected: str) -> int | None:
    """Letters between two words (``letters``), or None when the change is of another kind
    (katakana into kanji, Latin into katakana, kanji replaced …)."""
    kind, into = script(typed), script(corrected)
    if kind in ("katakana", "latin"):
        if into != kind:
            return None
        return damerau_levenshtein(letters(typed), letters(corrected))
    if kind == "hiragana":  # a word typed by its sound: compared with what the other reads
        if into == "hiragana":
            return None  # the index's hiragana are the pieces of misread text, not words
        said = reading(corrected) if into == "kanji" else corrected
        return None if said is None else damerau_levenshtein(letters(typed), letters(said))
    # kanji with kana or Latin letters in it (防衛装備ひん): only those may change, and the
    # words are compared as they are read aloud (both ボウエイソウビヒン)
    head = len(commonprefix([typed, corrected]))
    tail = len(commonprefix([typed[head:][::-1], corrected[head:][::-1]]))
    if any(is_kanji(ch) for ch in typed[head:len(typed) - tail]):
        return None
    return damerau_levenshtein(letters(reading(typed) or typed),
                               letters(reading(corrected) or corrected))


def mistyped(typed: str, corrected: str) -> bool:
    """Whether ``corrected`` is the word ``typed`` with a typing slip mended (rules 1–3)."""
    if typed == corrected:
        return True
    if script(typed) != "hiragana" and is_common_word(typed):
        return False
    was = place_named(typed)
    if was is not None and was != resolve_place(corrected):
        return False
    apart = edits(typed, corrected)
    return apart is not None and apart <= allowed_edits(len(letters(typed)))


def changed(typed: str, suggestion: str) -> list[str]:
    """The words of ``suggestion`` that differ from those of ``typed``, side by side."""
    return [b for a, b in zip(typed.split(), suggestion.split(), strict=False) if a != b]


def searched_instead(typed: str, suggestion: str) -> bool:
    """Whether the query ``suggestion`` may be searched in place of ``typed`` without asking
    (rules 1–3 for every word it changes; rule 4 is the caller's, which runs it)."""
    before, after = typed.split(), suggestion.split()
    if len(before) != len(after) or before == after:
        return False
    return all(mistyped(a, b) for a, b in zip(before, after, strict=True))
