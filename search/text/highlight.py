"""Snippets and titles with the matched words marked.

Marks come from the analyzer's character offsets into the original text (so a query 防衛
marks exactly 防衛 inside 日米防衛相会談), everything else is escaped: the output holds no
markup but <mark>. Fragments are cut at 。 、 or line ends, not at Western punctuation.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache
from html import escape

from .analysis import japanese_analyzer
from .marks import SNIPPET_SOURCE_CHARS, TITLE_MARKED_CHARS, Marks, marked_spans, merged

SNIPPET_CHARS = 150
# The work a row may cost, whatever a record holds (README, Limits): a snippet is chosen from
# the first SNIPPET_SOURCE_CHARS characters of the text, a title is marked in its first
# TITLE_MARKED_CHARS (both in marks.py: the index stores the marks of those parts), and at
# most MAX_WINDOWS places are weighed for the snippet.
# A record's page shows its whole text, marked in the first RECORD_MARKED_CHARS (a clipping of
# 100,000 characters took 0.8 s to mark whole; this is about a tenth of that at most).
RECORD_MARKED_CHARS = 10_000
MAX_WINDOWS = 200
_SENTENCE_ENDS = "。！？!?\n"
_CLAUSE_ENDS = "、，,"
_SENTENCE_END = re.compile(f"[{re.escape(_SENTENCE_ENDS)}]")
_CLAUSE_END = re.compile(f"[{re.escape(_CLAUSE_ENDS)}]")


# Texts whose ends were found lately (by the text, whose hash Python keeps: the record
# cache hands out the same string for the same record): as the marks (marks.decoded).
# Texts of up to ENDS_TEXT_CHARS characters are kept (their whole reachable part), so the
# memory is bounded (about 20 MB at most) whatever the records hold.
ENDS_REMEMBERED = 2048
ENDS_TEXT_CHARS = SNIPPET_SOURCE_CHARS + SNIPPET_CHARS


def _ends(text: str, width: int) -> _Ends:
    """The ends of ``text`` as far as a snippet's windows can reach: every window starts
    before a match within SNIPPET_SOURCE_CHARS and ends at most ``width`` after its start."""
    upto = min(len(text), SNIPPET_SOURCE_CHARS + width)
    return _remembered_ends(text, upto) if len(text) <= ENDS_TEXT_CHARS else _Ends(text, upto)


@lru_cache(maxsize=ENDS_REMEMBERED)
def _remembered_ends(text: str, upto: int) -> _Ends:
    return _Ends(text, upto)


class _Ends:
    """Where the sentences and the clauses of ``text`` end, found once in its first ``upto``
    characters (one scan each, not a search for each end character at each window)."""

    def __init__(self, text: str, upto: int) -> None:
        self.upto = upto
        self.sentences = [m.start() for m in _SENTENCE_END.finditer(text, 0, upto)]
        self.clauses = [m.start() for m in _CLAUSE_END.finditer(text, 0, upto)]

    def last(self, ends: list[int], lo: int, hi: int) -> int:
        """The last of ``ends`` in [lo, hi), or -1 (what ``rfind`` says)."""
        at = bisect_left(ends, hi) - 1
        return ends[at] if at >= 0 and ends[at] >= lo else -1


@dataclass
class Snippet:
    html: str
    text: str


@lru_cache(maxsize=1)
def _analyzer():
    """The index analyzer, built once, for texts marked without stored marks."""
    return japanese_analyzer()


# Texts analysed here whose tokens are remembered: a record's page (its text beyond what
# the marks cover) is often opened again, from one result page after another. Result rows
# use their stored marks and analyse nothing.
TOKENS_REMEMBERED = 256


@lru_cache(maxsize=TOKENS_REMEMBERED)
def _tokens(text: str) -> dict[str, tuple[tuple[int, int], ...]]:
    """Each index term of ``text`` → the character spans where it stands."""
    found: dict[str, list[tuple[int, int]]] = {}
    for tok in _analyzer()(text, chars=True, mode="index", removestops=False):
        found.setdefault(tok.text, []).append((tok.startchar, tok.endchar))
    return {term: tuple(spans) for term, spans in found.items()}


def match_spans(text: str, terms: set[str], stored: Marks | None = None) -> list[tuple[int, int]]:
    """Character spans of the tokens of ``text`` that are query terms, merged and sorted
    (from ``stored`` marks when the index has them)."""
    if stored is not None:
        return marked_spans(text, stored, terms)
    if not terms or not text:
        return []
    tokens = _tokens(text)
    return merged([span for term in terms for span in tokens.get(term, ())])


def mark(text: str, spans: list[tuple[int, int]], offset: int = 0) -> str:
    """Escape ``text`` and wrap the spans (offsets into the full text) in <mark>."""
    out, pos = [], 0
    for start, end in spans:
        start, end = start - offset, end - offset
        if end <= 0 or start >= len(text):
            continue
        start, end = max(start, 0), min(end, len(text))
        out.append(escape(text[pos:start]))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        pos = end
    out.append(escape(text[pos:]))
    return "".join(out)


def highlight_title(title: str, terms: set[str], stored: Marks | None = None) -> str:
    return mark(title, match_spans(title[:TITLE_MARKED_CHARS], terms, stored))


def highlight_text(text: str, terms: set[str]) -> str:
    """A record's whole text, escaped, with the matches of its first RECORD_MARKED_CHARS
    characters marked."""
    return mark(text, match_spans(text[:RECORD_MARKED_CHARS], terms))


def snippet(text: str, terms: set[str], width: int = SNIPPET_CHARS,
            stored: Marks | None = None) -> Snippet:
    """The best fragment of ``text`` (about ``width`` characters) with its matches marked."""
    text = text or ""
    spans = match_spans(text[:SNIPPET_SOURCE_CHARS], terms, stored)
    ends = _ends(text, width)
    if not spans:
        start, end = 0, _cut_end(text, 0, width, ends)
    else:
        start, end = _best_window(text, spans, width, ends)
    while start < end and text[start].isspace():  # the archives put a space after 。
        start += 1
    fragment = text[start:end].replace("\n", " ")
    inside = [s for s in spans if s[0] >= start and s[1] <= end]
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return Snippet(prefix + mark(fragment, inside, start) + suffix, prefix + fragment + suffix)


def _best_window(text: str, spans: list[tuple[int, int]], width: int,
                 ends: _Ends | None = None) -> tuple[int, int]:
    """Start at a sentence or clause boundary before a match; keep the window with the most
    distinct matched words, then the most matches, then the earliest.

    ``spans`` are sorted and do not overlap, so the matches inside a window are a run of
    them, found by bisection; a window holds at most ``width`` characters of matches, and
    at most ``MAX_WINDOWS`` windows are weighed (a word repeated 30,000 times gives the same
    window again and again): the cost is bounded whatever the text holds.
    """
    if ends is None:
        ends = _ends(text, width)
    starts = [a for a, _ in spans]
    stops = [b for _, b in spans]
    best, best_score = (0, min(len(text), width)), (-1, -1)
    tried: set[int] = set()
    for first_start in starts:
        start = _cut_start(text, first_start, width, ends)
        if start in tried:
            continue
        if len(tried) == MAX_WINDOWS:
            break
        tried.add(start)
        end = _cut_end(text, start, width, ends)
        lo, hi = bisect_left(starts, start), bisect_right(stops, end)
        inside = spans[lo:hi] if hi > lo else []
        words = {text[a:b] for a, b in inside}
        score = (len(words), len(inside))  # not words * 10 + matches: 13 matches beat 2 words
        if score > best_score:
            best, best_score = (start, end), score
    return best


def _cut_start(text: str, match: int, width: int, ends: _Ends | None = None) -> int:
    """A boundary shortly before ``match``: a sentence end, else a clause end."""
    if ends is None or ends.upto < match:
        ends = _Ends(text, match)
    floor = max(0, match - width // 3)
    for found in (ends.sentences, ends.clauses):
        cut = ends.last(found, floor, match)
        if cut != -1:
            return cut + 1
    return 0 if match < width // 3 else floor


def _cut_end(text: str, start: int, width: int, ends: _Ends | None = None) -> int:
    """End at a sentence end inside the window if one is far enough, else a clause end."""
    limit = min(len(text), start + width)
    if limit == len(text):
        return limit
    if ends is None or ends.upto < limit:
        ends = _Ends(text, limit)
    for found in (ends.sentences, ends.clauses):
        cut = ends.last(found, start, limit)
        if cut != -1 and cut - start >= width * 2 // 3:
            return cut + 1
    return limit
