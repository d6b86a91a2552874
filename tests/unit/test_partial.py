"""The weight of a word in a partial match (search/engine/partial.py's ``idf``) and which partial
matches fill the list (``Partial.fill``), without an index.

The tiers themselves are tested over a small real index in
tests/system/test_partial_small_index.py, and over the bundled corpus in test_search.py.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from search.engine import partial as partial_module
from search.engine.partial import Partial, idf


@pytest.mark.parametrize(("df", "n", "weight"), [
    (0, 8, math.log(1 + 8.5 / 0.5)),  # in no article: log 18, the heaviest
    (3, 8, math.log(1 + 5.5 / 3.5)),
    (4, 8, math.log(2)),  # in half the articles
    (8, 8, math.log(1 + 0.5 / 8.5)),  # in every article: light, never zero
    (1, 1, math.log(1 + 0.5 / 1.5)),
    (0, 0, math.log(2)),  # an empty index
    (12, 100_000, math.log(1 + 99_988.5 / 12.5)),
])
def test_idf_is_bm25s(df, n, weight):
    assert idf(df, n) == pytest.approx(weight, rel=1e-12)
    assert type(idf(df, n)) is float


def test_a_rarer_word_weighs_more_and_every_word_weighs_something():
    weights = [idf(df, 50) for df in range(51)]
    assert weights == sorted(weights, reverse=True)
    assert len(set(weights)) == 51 and weights[-1] > 0


def _partial(coverage, score, some):
    n = len(coverage)
    return Partial(["a", "b"], np.zeros((2, n), dtype=bool), np.zeros(n, dtype=np.int16),
                   np.array(coverage, dtype=float), np.array(score, dtype=float),
                   np.array(some, dtype=bool))


def test_fill_keeps_the_most_coverage_then_score_then_newest(monkeypatch):
    monkeypatch.setattr(partial_module, "FILL", 5)
    #        doc:   0    1    2    3    4    5
    coverage = [0.5, 0.9, 0.5, 0.5, 0.7, 0.9]
    score = [2.0, 1.0, 2.0, 3.0, 9.0, 1.0]
    rank = np.array([10, 3, 11, 1, 2, 4])  # the larger, the newer
    p = _partial(coverage, score, [True, True, True, True, True, False])
    within = np.ones(6, dtype=bool)
    p.fill(2, within, rank)  # three wanted: 1 (0.9), 4 (0.7), then of 0, 2, 3 (0.5): 3 (3.0)
    assert np.flatnonzero(p.some).tolist() == [1, 3, 4]
    p = _partial(coverage, score, [True, True, True, False, True, False])
    p.fill(1, within, rank)  # four: 1, 4, then 0 and 2 tie at 0.5 and 2.0: newest, 2, then 0
    assert np.flatnonzero(p.some).tolist() == [0, 1, 2, 4]
    p.fill(2, within, rank)  # a second fill only narrows what is left: 1, 4, 2
    assert np.flatnonzero(p.some).tolist() == [1, 2, 4]
    p = _partial(coverage, score, [True] * 6)
    p.fill(5, within, rank)
    assert not p.some.any()  # the list is full with the articles holding every word
    p = _partial(coverage, score, [True] * 6)
    p.fill(7, within, rank)  # more than full: still none (not "all but the last two")
    assert not p.some.any()
    p = _partial(coverage, score, [True] * 6)
    p.fill(0, np.array([False, False, True, True, False, False]), rank)  # within the dates
    assert np.flatnonzero(p.some).tolist() == [2, 3]
    assert p.some.dtype == np.bool_
