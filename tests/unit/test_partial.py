"""The weight of a word in a partial match (search/partial.py's ``idf``), without an index.

The tiers themselves are tested over a small real index in
tests/system/test_partial_small_index.py, and over the bundled corpus in test_search.py.
"""

from __future__ import annotations

import math

import pytest

from search.partial import idf


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
