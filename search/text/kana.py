"""Kinds of Japanese characters, and the one way text is folded before it is compared.

Hiragana and katakana (each with the long-vowel mark ー), kanji (a character chosen from a
conversion, not typed by sound), and the folds: ``nfkc`` (full-width letters and digits as
ASCII, half-width katakana as full-width), ``fold_case`` (and lower case: how the index's
terms and the data tables' keys are compared) and ``fold`` (and hiragana as katakana: how a
word typed by its sound is compared with a name).
"""

from __future__ import annotations

import unicodedata

# ぁ … ゖ and ァ … ヺ, each with the long-vowel mark ー
HIRAGANA = frozenset(chr(cp) for cp in range(0x3041, 0x3097)) | {"ー"}
KATAKANA = frozenset(chr(cp) for cp in range(0x30A1, 0x30FB)) | {"ー"}
_KANA = HIRAGANA | KATAKANA


def is_kana(text: str) -> bool:
    """Only hiragana and katakana (and the long-vowel mark), two characters or more: a word
    typed by its sound, which may be written in kanji in the texts."""
    return len(text) >= 2 and all(ch in _KANA for ch in text)


def is_hiragana(text: str) -> bool:
    """Only hiragana (and the long-vowel mark), two characters or more: a word typed by its
    sound that the IME was not asked to convert (ぼうえいしょう)."""
    return len(text) >= 2 and all(ch in HIRAGANA for ch in text)


def is_katakana(text: str) -> bool:
    """Only katakana (and the long-vowel mark), two characters or more: a name from abroad,
    typed as the texts write it (ジャイシャンカル)."""
    return len(text) >= 2 and all(ch in KATAKANA for ch in text)


_TO_KATAKANA = {cp: cp + 0x60 for cp in range(0x3041, 0x3097)}


def katakana(text: str) -> str:
    """Hiragana as katakana (なとー → ナトー): how names from abroad are written."""
    return text.translate(_TO_KATAKANA)


def is_kanji(ch: str) -> bool:
    """A CJK ideograph (or 々, 〆): a character chosen from a conversion, not typed by sound."""
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" or ch in "々〆"


def nfkc(text: str) -> str:
    """Full-width letters and digits as ASCII, half-width katakana as full-width (Ｆ－３５ →
    F-35, ｶﾀｶﾅ → カタカナ): the Unicode compatibility fold, NFKC."""
    return unicodedata.normalize("NFKC", text)


def is_nfkc(text: str) -> bool:
    """Whether ``nfkc`` leaves ``text`` as it is (nearly always: a quick check, no copy)."""
    return unicodedata.is_normalized("NFKC", text)


def fold_case(text: str) -> str:
    """``nfkc`` and lower case: how index terms and the data tables' keys compare."""
    return nfkc(text).lower()


def fold(text: str) -> str:
    """``fold_case`` and hiragana as katakana: how a word typed by its sound compares with a
    name (ふぃりぴん and フィリピン, ｏｓｐｒｅｙ and osprey)."""
    return katakana(fold_case(text))
