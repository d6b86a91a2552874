"""Marks: where each index term of a text stands, worked out when the text is indexed.

A result row marks its title and snippet from these (``highlight``), and related articles
weigh a match's words from them (``engine.related``), so no text is analysed again when a
page is made: analysing the page's texts with Sudachi was four fifths of a search. They are
written by the build (``index.schema.to_document``) and stored with the record, which makes
this module part of what an index is made from (``index.version``); highlight.py, which
only reads them, is not.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from functools import lru_cache
from itertools import accumulate

from .analysis import japanese_analyzer

# What a row marks (highlight.py; README, Limits): a title in its first TITLE_MARKED_CHARS
# characters, a snippet chosen from the first SNIPPET_SOURCE_CHARS of the text. Marks are
# stored for those parts, so a row's cost does not grow with its record; analysing them
# again would cost about 7 µs a character (the bundled corpus's longest text is 3,275).
SNIPPET_SOURCE_CHARS = 4000
TITLE_MARKED_CHARS = 400


@lru_cache(maxsize=1)
def _analyzer():
    return japanese_analyzer()


# (tokens, terms): ``tokens`` holds three varints per term of the text (its start less the
# previous one's, its length, and 0 if the term is spelled as the text there, else k for
# ``terms[k - 1]``). About a fifth of the terms differ from their text (し → 為る,
# NATO → nato); the rest cost no string at all. Stored compressed with the record, marks add
# about 225 bytes to a record of 850 (benchmarks/results/design-measurements.md).
Marks = tuple[bytes, tuple[str, ...]]


def marks(text: str, limit: int) -> Marks:
    """The marks of ``text``'s terms ending within its first ``limit`` characters."""
    others: dict[str, int] = {}
    numbers: list[int] = []
    previous = 0
    for start, end, term in _analyzer().spans(text, limit):
        numbers += (start - previous, end - start,
                    0 if text[start:end] == term else others.setdefault(term, len(others) + 1))
        previous = start
    if not numbers or max(numbers) < 0x80:  # nearly always: one byte each
        return bytes(numbers), tuple(others)
    out = bytearray()
    for n in numbers:
        while n >= 0x80:
            out.append((n & 0x7F) | 0x80)
            n >>= 7
        out.append(n)
    return bytes(out), tuple(others)


def _numbers(packed: bytes) -> list[int]:
    """The varints of ``packed``; nearly always one byte each, read at C speed then."""
    if not packed or max(packed) < 0x80:
        return list(packed)
    found, n, shift = [], 0, 0
    for byte in packed:
        n |= (byte & 0x7F) << shift
        if byte & 0x80:
            shift += 7
        else:
            found.append(n)
            n, shift = 0, 0
    return found


# Marks decoded lately, by their bytes (a record's, which the index's record cache hands
# out again and again as the same object, whose hash Python keeps): the first pages' rows
# come back query after query, and decoding was most of marking a row. Marks of up to
# MARKS_BYTES_REMEMBERED bytes (about 700 words) are kept, so the memory is bounded
# (about 20 MB at most) whatever the records hold.
MARKS_REMEMBERED = 2048
MARKS_BYTES_REMEMBERED = 2048


def _decode(packed: bytes) -> tuple[array, array, array]:
    numbers = _numbers(packed)
    return (array("i", accumulate(numbers[0::3])), array("i", numbers[1::3]),
            array("i", numbers[2::3]))


_remembered = lru_cache(maxsize=MARKS_REMEMBERED)(_decode)


def decoded(packed: bytes) -> tuple[array, array, array]:
    """(start, length, code) of each mark, as three arrays (about 12 bytes a mark)."""
    return _remembered(packed) if len(packed) <= MARKS_BYTES_REMEMBERED else _decode(packed)


def marked_spans(text: str, stored: Marks, terms: set[str]) -> list[tuple[int, int]]:
    """``match_spans`` read from a text's stored marks: no analysis.

    A term spelled as the text is looked for where the text holds it (``str.find``), and
    kept where a mark of its length starts there; a term spelled otherwise (し → 為る) is
    looked for among the marks' other spellings. The marks are never walked in Python:
    a row costs what its matches cost, not what its text does.
    """
    packed, others = stored
    spelled = [term for term in terms if term in text]
    if not packed or not (spelled or any(term in terms for term in others)):
        return []
    starts, lengths, codes = decoded(packed)
    spans = []
    for k, term in enumerate(others, 1):
        if term in terms:
            at = codes.index(k)
            while at != -1:
                spans.append((starts[at], starts[at] + lengths[at]))
                at = _index(codes, k, at + 1)
    for term in spelled:
        size = len(term)
        at = text.find(term)
        while at != -1:
            mark = bisect_left(starts, at)
            while mark < len(starts) and starts[mark] == at:
                if lengths[mark] == size and not codes[mark]:
                    spans.append((at, at + size))
                    break
                mark += 1
            at = text.find(term, at + 1)
    return merged(spans)


def _index(values: list[int], value: int, start: int) -> int:
    try:
        return values.index(value, start)
    except ValueError:
        return -1


def marked_words(text: str, stored: Marks, limit: int) -> list[str]:
    """The terms of the words of ``text`` ending within ``limit`` characters, in order,
    from its stored marks: what ``analyze_terms`` gives for ``text[:limit]`` (the words,
    not the parts of compounds the index adds), without analysing it."""
    packed, others = stored
    words = []
    start = word_end = 0
    numbers = iter(_numbers(packed))
    for delta, length, code in zip(numbers, numbers, numbers, strict=True):
        start += delta
        if start < word_end:  # a part of the word before: it starts inside it
            continue
        word_end = start + length
        if word_end > limit:
            break
        words.append(others[code - 1] if code else text[start:word_end])
    return words



def merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``spans`` sorted, the overlapping ones joined."""
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged
