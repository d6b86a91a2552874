"""Reading Whoosh's position values as arrays (search/index/codec/read.py), without an index."""

from __future__ import annotations

import pickle
import struct
from pathlib import Path

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from search.index.codec.read import _position_deltas, _positions


def value(deltas: list[int], stop: bool = True) -> bytes:
    """A value as Whoosh's Positions format writes it (with or without pickle's final '.')."""
    data = struct.pack("!I", len(deltas)) + pickle.dumps(deltas, 2)
    return data if stop else data[:-1]


def test_small_deltas_are_read_without_pickle_and_big_ones_with_it():
    values = [value([3]), value([0, 1, 255], stop=False), value([256]), value([70000, 2]),
              value(list(range(1001)))]
    counts, deltas = _position_deltas(values)
    assert counts.tolist() == [1, 3, 1, 2, 1001]
    assert deltas.tolist() == [3, 0, 1, 255, 256, 70000, 2, *range(1001)]


def test_positions_restart_for_each_posting():
    docs, positions = _positions(np.array([4, 9]), [value([2, 3, 5]), value([7])], 100)
    assert docs.tolist() == [104, 104, 104, 109]
    assert positions.tolist() == [2, 5, 10, 7]


def test_no_values():
    counts, deltas = _position_deltas([])
    assert counts.tolist() == [] and deltas.tolist() == []


@given(st.lists(st.tuples(st.lists(st.integers(0, 300_000), min_size=1, max_size=1200),
                          st.booleans()), max_size=30))
def test_any_values_read_as_pickle_reads_them(items):
    values = [value(deltas, stop) for deltas, stop in items]
    counts, deltas = _position_deltas(values)
    assert counts.tolist() == [len(d) for d, _ in items]
    assert deltas.tolist() == [x for d, _ in items for x in d]


def test_the_posting_cache_is_bounded_by_bytes_least_recently_used_out():
    from search.index.codec.read import PostingReader, Postings

    def lists(n: int) -> Postings:  # n documents: 4 bytes of id and 4 of weight each
        return Postings(np.arange(n, dtype=np.int32), np.ones(n, dtype=np.float32))

    reader = PostingReader(Path("."), [], cache_bytes=8000)
    for word in "abc":
        reader._put(("p", "body", word), lists(250))  # 2,000 bytes each
    assert reader._get(("p", "body", "a")) is not None  # a is used again: b is the oldest
    reader._put(("p", "body", "d"), lists(250))
    reader._put(("p", "body", "e"), lists(250))  # 10,000 bytes: one goes
    assert [w for w in "abcde" if reader._get(("p", "body", w)) is not None] == [
        "a", "c", "d", "e"]
    reader._put(("p", "body", "big"), lists(251))  # over a quarter: never kept
    assert reader._get(("p", "body", "big")) is None
    assert reader._get(("p", "body", "e")) is not None
