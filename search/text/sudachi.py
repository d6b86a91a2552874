"""SudachiPy, fed the same way everywhere: one dictionary per process, one tokenizer per thread.

The dictionary is memory-mapped (about 90 MB) and safe to share; a tokenizer is not
("Tokenizer is already in use"), and the web server is threaded. ``words`` is the one way
text reaches the tokenizer: old kanji read as new ones, long text split to fit, offsets
into the caller's string.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache
from pathlib import Path

from sudachipy import Dictionary, SplitMode

from ..config import DATA_DIR

KYUJITAI_FILE = DATA_DIR / "kyujitai.tsv"
# One tokenize() call refuses more than 49,149 bytes; stay well under it.
MAX_CHUNK_BYTES = 40_000
# Texts whose words each thread keeps: a build asks for every title and summary twice (to
# find the countries, then to index them), one right after the other.
RECENT = 8

Word = tuple[int, int, object]  # (begin, end, SudachiPy morpheme)

_local = threading.local()


@lru_cache(maxsize=1)
def dictionary() -> Dictionary:
    """The process-wide dictionary (sudachidict-core), opened on first use."""
    return Dictionary()


def tokenizer():
    """This thread's mode-C tokenizer, created on first use in the thread."""
    tok = getattr(_local, "tokenizer", None)
    if tok is None:
        tok = dictionary().tokenizer(SplitMode.C)
        _local.tokenizer = tok
    return tok


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


@lru_cache(maxsize=1)
def old_kanji() -> re.Pattern:
    """Any character ``kyujitai_table`` maps to another."""
    return re.compile("[" + "".join(re.escape(chr(cp)) for cp in sorted(kyujitai_table())) + "]")


def words(text: str) -> list[Word]:
    """SudachiPy's mode-C words of ``text`` as (begin, end, morpheme), in order.

    Old kanji are read as new ones (讀賣 → 読売: surfaces are new, offsets still point into
    ``text``, the mapping being one character for one). Zero-width morphemes (SudachiPy
    splits … into two) are left out: they cover no character.
    """
    recent: dict[str, list[Word]] | None = getattr(_local, "recent", None)
    if recent is None:
        recent = _local.recent = {}
    found = recent.get(text)
    if found is not None:
        return found
    tok = tokenizer()
    found = []
    read = text
    if old_kanji().search(text):  # rarely: searching is much cheaper than translating
        read = text.translate(kyujitai_table())
    for offset, piece in chunks(read):
        for m in tok.tokenize(piece):
            begin, end = m.begin(), m.end()
            if begin != end:
                found.append((offset + begin, offset + end, m))
    if len(recent) >= RECENT:
        del recent[next(iter(recent))]
    recent[text] = found
    return found


def chunks(text: str, limit: int = MAX_CHUNK_BYTES):
    """Yield (offset, piece) so that each piece fits one tokenize() call.

    Splits after a newline or 。 where possible, so words are not cut; offsets are
    code-point offsets into ``text``.
    """
    start = 0
    n = len(text)
    while start < n:
        # A code point is at most 4 bytes in UTF-8: limit // 4 characters always fit.
        end = min(n, start + limit // 4)
        if end < n:
            cut = max(text.rfind("\n", start, end), text.rfind("。", start, end))
            if cut > start:
                end = cut + 1
        yield start, text[start:end]
        start = end
