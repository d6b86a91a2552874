"""Kana for words written in kanji: きしだ finds 岸田, ぼうえいしょう 防衛省.

People type names and terms in kana when they do not know (or cannot type) the kanji; the
index holds the kanji. When an index is opened, every word of its titles and texts that
has kanji in it is filed under its reading (SudachiPy's ``reading_form``: 岸田 → キシダ).
A kana word of a query is then looked up whole, or, if no word reads like all of it, cut
into the fewest pieces that each read like a word (ボウエイソウビイテン → 防衛・装備・移転).
Small kana typed full-size (せんかくしよとう) are forgiven when nothing reads exactly so.
A kana word that reads like nothing gets corrections from the same table (ぼうえいしよう →
防衛省), like a misspelt word in katakana.

The table is built once per opened index and only read afterwards: threads may share it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from ..text.kana import fold, is_kana, is_kanji
from .complete import suffix_readings, word_keys
from .suggest import Spelling

# Words filed, the most frequent first: each costs a SudachiPy look-up when an index is
# opened (in the background, with the spelling correctors).
MAX_WORDS = 50_000
MAX_SPELLINGS = 3  # kanji spellings searched for one kana word
MAX_PIECES = 4  # a kana word cut into more pieces is not a word anyone meant
MIN_VARIANT_CHARS = 5  # a katakana name this long has spelling variants, not other words
# … and one this long may be written two edits apart (ストルテンベルグ, シュトルテンベルグ)
MIN_TWO_EDIT_CHARS = 8
# Small kana as their full-size letters: an IME slip (しよ for しょ, きつて for きって) that
# a reading looked up this way forgives.
_FULL_SIZE = str.maketrans("ァィゥェォッャュョヮヵヶ", "アイウエオツヤユヨワカケ")


def loose(key: str) -> str:
    """A folded reading with its small kana full-size: センカクショトウ → センカクシヨトウ."""
    return key.translate(_FULL_SIZE)


class Readings:
    """Words with kanji, filed under their readings; looked up by a kana word."""

    def __init__(self, words: Mapping[str, int],
                 keys_of: Callable[[str], list[str]] = word_keys) -> None:
        """``words``: every word of the index → the records holding it; ``keys_of``:
        :func:`complete.word_keys`, or a memo of it shared with the completer."""
        self.by_reading: dict[str, list[str]] = {}
        self.records: dict[str, int] = {}
        # words written in katakana: おすぷれい is オスプレイ typed in hiragana, and ラスムセン
        # is also written ラスムッセン
        self.katakana = {w for w in words if is_kana(w) and w == fold(w)}
        names = sorted(self.katakana)
        self.names = Spelling.from_terms(names, [float(words[w]) for w in names])
        frequent = sorted(words.items(), key=lambda wn: (-wn[1], wn[0]))
        kept = 0
        for word, n in frequent:
            if kept == MAX_WORDS:
                break
            keys = keys_of(word)  # [spelling, reading] for a name or noun with kanji
            said = keys[1] if len(keys) == 2 and keys[1] != keys[0] else None
            if said is None or len(said) < 2:
                continue
            kept += 1
            self.by_reading.setdefault(said, []).append(word)
            self.records[word] = n
        # one-kanji suffixes of the index's compounds under the readings they take there
        # (品 ヒン in 防衛装備品, 省 ショウ): the last piece of a compound read aloud
        self.suffixes: dict[str, list[str]] = {}
        for word in words:
            if len(word) == 1 and is_kanji(word):
                for said in suffix_readings(word):
                    self.suffixes.setdefault(said, []).append(word)
        self.by_loose: dict[str, list[str]] = {}
        for said, spellings in self.by_reading.items():
            self.by_loose.setdefault(loose(said), []).extend(spellings)
        self.longest = max(map(len, self.by_reading), default=0)
        keys = sorted(self.by_reading)
        self.spelling = Spelling.from_terms(
            keys, [float(sum(self.records[w] for w in self.by_reading[k])) for k in keys])

    def spell(self, kana: str) -> list[str]:
        """Kanji spellings of ``kana``, best first: the words that read like all of it (most
        records first), else one spelling made of the fewest words whose readings make it."""
        if not is_kana(kana):
            return []
        key = fold(kana)
        found = [key] if key != kana and key in self.katakana else []
        found += self.by_reading.get(key) or self.by_loose.get(loose(key), [])
        if found:
            return found[:MAX_SPELLINGS]
        if key == kana:  # typed in katakana: a loanword or a name, not kanji read aloud
            return []
        for table, typed in ((self.by_reading, key), (self.by_loose, loose(key))):
            pieces = self._cut(typed, table)
            if pieces:
                return ["".join(pieces)]
        # a compound with a suffix in it: ボウエイソウビヒン → 防衛・装備・品, エンカツカキョウテイ
        # → 円滑・化・協定 (a suffix never first)
        pieces = self._cut(key, self.by_reading, self.suffixes)
        return ["".join(pieces)] if pieces else []

    def variants(self, kana: str, limit: int = MAX_SPELLINGS) -> list[str]:
        """Other spellings of a name in katakana found in the index, one edit away
        (ラスムセン → ラスムッセン, クロセット → クロゼット), or two for a long name
        (ストルテンベルグ → シュトルテンベルグ), most records first; none for short words,
        where one edit makes another word (ロシア, ロシアン)."""
        key = fold(kana)
        if not is_kana(kana) or len(key) < MIN_VARIANT_CHARS:
            return []
        edits = 2 if len(key) >= MIN_TWO_EDIT_CHARS else 1
        return [w for w in self.names.suggest(key, limit, edits) if w != key]

    def is_whole(self, kana: str, spelling: str) -> bool:
        """Whether ``spelling`` reads like all of ``kana`` as one word (not pieced together):
        a pieced spelling must be found as written, a phrase."""
        key = fold(kana)  # the loose table holds every exact reading too
        return spelling == key or spelling in self.by_loose.get(loose(key), ())

    def correct(self, kana: str, limit: int = 3) -> list[str]:
        """Kanji spellings of readings one or two edits from ``kana`` (a typo)."""
        if not is_kana(kana):
            return []
        key = fold(kana)
        found = dict.fromkeys(k for maxdist in ((1, 2) if len(key) > 4 else (1,))
                              for k in self.spelling.suggest(key, limit, maxdist))
        return [self.by_reading[k][0] for k in list(found)[:limit]]

    def _cut(self, key: str, table: Mapping[str, list[str]],
             after: Mapping[str, list[str]] | None = None) -> list[str] | None:
        """The spellings of the fewest readings that make ``key`` (dynamic programming from
        the left), from ``table``, or from ``after`` past the first piece; of cuts into as
        many, the first found, whose last reading is longest. Two pieces or more, at most
        ``MAX_PIECES``."""
        after = after or {}
        best: list[list[str] | None] = [None] * (len(key) + 1)
        best[0] = []
        for end in range(1, len(key) + 1):
            for start in range(max(0, end - self.longest), end):
                before = best[start]
                piece = key[start:end]
                if before is None:
                    continue
                spellings = table.get(piece) or (after.get(piece) if start else None)
                if not spellings:
                    continue
                if best[end] is None or len(before) + 1 < len(best[end]):
                    best[end] = [*before, spellings[0]]
        found = best[len(key)]
        return found if found and 2 <= len(found) <= MAX_PIECES else None
