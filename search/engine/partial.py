"""Partial matches: articles holding some of the words the user typed, after those holding all.

Requiring every word misses the article that says 演習 where the query says 訓練, or never
repeats one of three words; a plain OR finds them but buries the best. So a query of two
or more words is answered in two tiers: the articles that hold every word (the query as
written), then those that hold some of them, each marked with the words it lacks. A
partial match holds every country and organisation the query names (an article lacking one
is about somewhere else, while one lacking a topic word may say it in other words: 移転 for
輸出); they rank by how much of the query they hold (each word weighed by its IDF), then
how well.

The words are the ones the user typed (a word with its synonyms and translations, a
"phrase", a bracketed group), never the pieces of one compound: 防衛装備移転 stays one
word. Filters and exclusions always apply, and so do the places: an article must hold
every word that names a country or an organisation. It must also hold at least half of the
query's weight counted in IDF (北朝鮮 密輸 監視: the rare 密輸 alone), or two words or more
that are at least half of the words (北朝鮮 and 監視, where the article says 瀬取り, not
密輸); one word of two is not enough by count, or a query would be a plain OR. When a word
is in no article at all, only the weight counts, and that word weighs most: a query about
a topic the archive does not hold (火星 探査, ワクチン 供与) still finds nothing rather than
every article about 探査 or 供与.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from whoosh import query as wq

from .matching import Evaluator, Matches

# The share of the query's IDF weight an article must hold to be a partial match.
MIN_COVERAGE = 0.5
# Partial matches only make up a short list: when fewer articles than this hold every word,
# the best of those holding some fill the difference. On the judged sets (first and
# development) the partial matches past that point were relevant 1 time in 100.
FILL = 15


@dataclass
class Partial:
    """Which article holds which word, and the partial matches they make."""

    words: list[str]  # as the user typed them
    held: np.ndarray  # bool, (words, documents): word i occurs in document d
    count: np.ndarray  # int16 per document: how many of the words it holds
    coverage: np.ndarray  # float64 per document: the share of the words' IDF it holds
    score: np.ndarray  # float64 per document: the sum of its words' scores
    some: np.ndarray  # bool per document: a partial match (some words, not all)

    def fill(self, complete: int, within: np.ndarray, rank: np.ndarray) -> None:
        """Keep, of the partial matches ``within`` (the query's dates), the ``FILL -
        complete`` best: most of the query's weight, then the highest score, then newest."""
        docs = np.flatnonzero(self.some & within)
        self.some[:] = False
        wanted = FILL - complete
        if wanted <= 0 or not len(docs):
            return
        order = np.lexsort((-rank[docs].astype(np.int64), -self.score[docs],
                            -self.coverage[docs]))
        self.some[docs[order[:wanted]]] = True

    def missing(self, doc: int) -> list[str]:
        """The words document ``doc`` lacks, in the order they were typed."""
        return [w for w, row in zip(self.words, self.held, strict=True) if not row[doc]]


def idf(df: int, n: int) -> float:
    """BM25's IDF; a word in no article weighs most (it is what the user asked about)."""
    return float(np.log(1 + (n - df + 0.5) / (df + 0.5)))


def allowed_by(evaluator: Evaluator, rest: list[wq.Query]) -> np.ndarray:
    """Every live document the filters and exclusions ``rest`` allow (bool per document)."""
    if not rest:
        return evaluator.columns.live.copy()
    allowed = np.zeros(evaluator.doc_count, dtype=bool)
    allowed[evaluator.run(wq.And([wq.Every(), *rest])).docs] = True
    return allowed


def partial_matches(evaluator: Evaluator, parts: list[tuple[str, wq.Query]],
                    rest: list[wq.Query], full: Matches,
                    places: list[bool] | None = None) -> Partial:
    """The second tier of a query whose words are ``parts`` and whose filters are ``rest``.

    ``full`` is the query as written (the first tier); its articles are not partial.
    ``places`` says which words name a country or an organisation.
    """
    size = evaluator.doc_count
    held = np.zeros((len(parts), size), dtype=bool)
    score = np.zeros(size)
    weights = np.zeros(len(parts))
    absent = False  # a word in no article at all
    for i, (_, q) in enumerate(parts):
        m = evaluator.run(q)
        held[i, m.docs] = True
        score[m.docs] += m.scores
        weights[i] = idf(len(m), size)
        absent |= not len(m)
    count = held.sum(axis=0, dtype=np.int16)
    coverage = weights @ held
    enough = coverage >= MIN_COVERAGE * weights.sum()
    if not absent:  # two words or more, and at least half of them
        enough |= (count >= 2) & (2 * count >= len(parts))
    # an article lacking a place the query names is about somewhere else: not a partial
    # match at all (measured on the judged sets: none of 200 such was relevant)
    placed = held[np.array(places or [False] * len(parts), dtype=bool)].all(axis=0)
    some = (count > 0) & enough & placed
    some[full.docs] = False
    if rest and some.any():  # filters and exclusions hold for every tier
        some &= allowed_by(evaluator, rest)
    count[full.docs] = len(parts)
    share = coverage / max(float(weights.sum()), 1e-9)
    return Partial([label for label, _ in parts], held, count, share, score, some)
