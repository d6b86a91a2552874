"""もしかして: close terms that exist in the index, for the words of a query that found nothing."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator

from whoosh.support.levenshtein import damerau_levenshtein

from ..text.analysis import analyze_terms
from ..text.kana import is_hiragana, nfkc
from .parsed import ParsedQuery

# Words of one query that are looked at, and proposals tried: a query of a hundred
# misspelt words gets its suggestions from the first few, at the cost of a few.
MAX_WORDS = 4
MAX_PROPOSALS = 12
MAX_SUGGESTIONS = 3


SPELLING_FIELDS = ("title", "body")


class Spelling:
    """Whoosh's spelling correction for one index, without reading the whole lexicon per word.

    Whoosh's corrector measures the edit distance to every term of the field. Here the
    terms are grouped by character once (per opened index, on the first word that needs
    it): a term within ``maxdist`` edits of a word keeps all but ``maxdist`` of the word's
    distinct characters, so only terms sharing that many are measured. The answer is
    Whoosh's, to the order of ties.
    """

    def __init__(self, terms: Iterable[tuple[str, float]]) -> None:
        """``terms``: each term of the field with its frequency (Whoosh's: its total weight,
        ``PostingReader.lexicon``)."""
        self._index(terms)

    @classmethod
    def of_field(cls, postings, fieldname: str) -> Spelling:
        """The corrector of an index's field (``postings``: its ``PostingReader``)."""
        return cls((term, weight) for term, (_df, weight) in postings.lexicon(fieldname).items())

    @classmethod
    def from_terms(cls, terms: list[str], freqs: list[float]) -> Spelling:
        """A corrector over ``terms`` of one's own (the readings of words, say)."""
        return cls(zip(terms, freqs, strict=True))

    def _index(self, terms) -> None:
        self.terms: list[str] = []
        self.freq: list[float] = []
        self.by_char: dict[str, list[int]] = defaultdict(list)
        for term, freq in terms:
            n = len(self.terms)
            self.terms.append(term)
            self.freq.append(freq)
            for ch in set(term):
                self.by_char[ch].append(n)

    def suggest(self, text: str, limit: int = 5, maxdist: int = 2) -> list[str]:
        chars = set(text)
        shared = Counter(n for ch in chars for n in self.by_char.get(ch, ()))
        need = len(chars) - maxdist
        found = []
        for n, common in shared.items():
            term = self.terms[n]
            if common >= need and term != text and abs(len(term) - len(text)) <= maxdist \
                    and damerau_levenshtein(text, term, maxdist + 1) <= maxdist:
                found.append((self.freq[n] or 1, term))
        # Whoosh keeps the largest (frequency, text) pairs, then lists them by frequency
        # and text: among equally frequent terms at the cut, the later texts stay.
        kept = sorted(found, reverse=True)[:limit]
        return [term for _, term in sorted(kept, key=lambda ft: (-ft[0], ft[1]))]


def suggest(spellings: list[Spelling], searcher, parsed: ParsedQuery,
            finds: Callable[[str], bool], readings=None) -> list[str]:
    """Queries one word away from ``parsed`` that would find something (``finds``).

    A word is only corrected into the same kind of word (Latin for Latin, Japanese for
    Japanese), and only words the index does not hold at all are corrected. A hiragana word
    that reads like no word of the index is corrected by its reading (``readings``:
    ぼうえいしよう → 防衛省), before its pieces are.
    """
    suggestions: list[str] = []
    tried = 0
    for word in parsed.words[:MAX_WORDS]:
        for proposal in _proposals(spellings, searcher, parsed, word, finds, readings):
            if proposal in suggestions or proposal == parsed.text:
                continue
            tried += 1
            if tried > MAX_PROPOSALS:
                return suggestions
            if finds(proposal):
                suggestions.append(proposal)
                if len(suggestions) == MAX_SUGGESTIONS:
                    return suggestions
    return suggestions


def _proposals(spellings: list[Spelling], searcher, parsed: ParsedQuery, word: str,
               finds: Callable[[str], bool], readings) -> Iterator[str]:
    """``parsed.text`` with ``word`` corrected, best first: by its reading, then token by
    token (lazily: the caller stops at its limits)."""
    # hiragana is typed for its sound: a reading one kana off is a slip (ぼうえいしやう);
    # katakana is a word of its own (ボウリング is not 暴力), corrected by its letters only
    if is_hiragana(word):
        # … and only so: its pieces are the analyser's misreadings (りはびり → り・は・びり,
        # and びり → 寄り made りは寄り)
        if readings is not None and not finds(word):
            for spelling in readings.correct(word):
                yield parsed.text.replace(word, spelling)
        return
    for token in analyze_terms(word):
        if len(token) < 2 or searcher.doc_frequency("body", token) \
                or searcher.doc_frequency("title", token):
            continue
        # the closest first: マールス is マールズ (one edit) before ステルス (two)
        candidates = dict.fromkeys(c for maxdist in ((1, 2) if len(token) > 3 else (1,))
                                   for spelling in spellings
                                   for c in spelling.suggest(token, 5, maxdist))
        for candidate in candidates:
            if candidate.isascii() != token.isascii() or len(candidate) < 2:
                continue
            # the token is width- and case-folded: find it in the word the same way
            folded = nfkc(word)
            at = folded.lower().find(token)
            if at >= 0:
                yield parsed.text.replace(word, folded[:at] + candidate + folded[at + len(token):])
