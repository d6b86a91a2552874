"""Reading Whoosh's position values as arrays (search/index/codec/read.py), without an index."""

from __future__ import annotations

import pickle
import struct

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
