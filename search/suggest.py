"""もしかして: close terms that exist in the index, for the words of a query that found nothing."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

from .analysis import analyze_terms
from .query import ParsedQuery, parse_query

# Words of one query that are looked at, and proposals tried: a query of a hundred
# misspelt words gets its suggestions from the first few, at the cost of a few.
MAX_WORDS = 4
MAX_PROPOSALS = 12
MAX_SUGGESTIONS = 3


def suggest(searcher, parsed: ParsedQuery, finds: Callable[[str], bool]) -> list[str]:
    """Queries one word away from ``parsed`` that would find something (``finds``).

    A word is only corrected into the same kind of word (Latin for Latin, Japanese for
    Japanese), and only words the index does not hold at all are corrected.
    """
    suggestions: list[str] = []
    tried = 0
    correctors = [searcher.corrector("title"), searcher.corrector("body")]
    for word in parsed.words[:MAX_WORDS]:
        for token in analyze_terms(word):
            if len(token) < 2 or searcher.doc_frequency("body", token) \
                    or searcher.doc_frequency("title", token):
                continue
            maxdist = 2 if len(token) > 3 else 1
            candidates = dict.fromkeys(c for corrector in correctors
                                       for c in corrector.suggest(token, 5, maxdist))
            for candidate in candidates:
                if candidate.isascii() != token.isascii() or len(candidate) < 2:
                    continue
                # the token is width- and case-folded: find it in the word the same way
                folded = unicodedata.normalize("NFKC", word)
                at = folded.lower().find(token)
                if at < 0:
                    continue
                fixed = folded[:at] + candidate + folded[at + len(token):]
                proposal = parsed.text.replace(word, fixed)
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


def plain_query(text: str):
    """The compiled query of a proposal (for ``finds``)."""
    return parse_query(text).query
