"""Reading Whoosh's position values as arrays (search/index/codec/blocks.py, read.py),
without an index."""

from __future__ import annotations

import pickle
import struct
from pathlib import Path

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from search.index.codec.blocks import joined, position_deltas
from search.index.codec.read import occurrences


def _position_deltas(values: list[bytes]):
    return position_deltas(*joined(values))


def _positions(ids, values: list[bytes], docbase: int):
    return occurrences(ids, *_position_deltas(values), docbase)


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


def test_counts_and_deltas_are_int64_on_every_path():
    for values in ([], [value([3, 4])], [value([3]), value([300])]):
        counts, deltas = _position_deltas(values)
        assert (counts.dtype, deltas.dtype) == (np.int64, np.int64)


def test_a_delta_that_is_the_k_opcode_itself_is_read_as_a_number():
    # 75 is ord("K"): the byte after each K is its argument, never an opcode
    counts, deltas = _position_deltas([value([75]), value([75, 75]), value([75, 75], False)])
    assert counts.tolist() == [1, 2, 2]
    assert deltas.tolist() == [75, 75, 75, 75, 75]


def test_a_value_of_the_fast_length_whose_opcodes_are_not_all_k_goes_through_pickle():
    # [5, 256] pickled as MARK K M LIST BINPUT: 11 bytes, as long as two K items in a
    # list, but its second item is an M
    odd = struct.pack("!I", 2) + bytes([0x80, 2, 0x28, 0x4B, 5, 0x4D, 0, 1, 0x6C, 0x71, 0])
    assert len(odd) == len(value([1, 2], stop=False))
    values = [value([7, 8]), value([300]), value([9]), odd, value([1, 2, 3]), odd + b"."]
    counts, deltas = _position_deltas(values)
    assert counts.tolist() == [2, 1, 1, 2, 3, 2]
    assert deltas.tolist() == [7, 8, 300, 9, 5, 256, 1, 2, 3, 5, 256]


def test_one_delta_over_255_whose_first_byte_is_the_k_opcode():
    # 331 is M 0x4b 0x01: as long as a K value of two deltas, and a K where its first stands
    counts, deltas = _position_deltas([value([331]), value([331], stop=False)])
    assert (counts.tolist(), deltas.tolist()) == ([1, 1], [331, 331])


def test_values_of_equal_small_deltas_each_read_from_their_own_bytes():
    values = [value([1] * 6), value([2] * 6), value([3] * 6, stop=False), value([4] * 3),
              value([5] * 40), value([6] * 6)]
    counts, deltas = _position_deltas(values)
    assert counts.tolist() == [6, 6, 6, 3, 40, 6]
    assert deltas.tolist() == [1] * 6 + [2] * 6 + [3] * 6 + [4] * 3 + [5] * 40 + [6] * 6


def test_a_count_over_65535_is_read_from_all_four_bytes():
    counts, deltas = _position_deltas([value([2]), value([1] * 70000), value([3, 4])])
    assert counts.tolist() == [1, 70000, 2]
    assert deltas.tolist() == [2, *[1] * 70000, 3, 4]


def test_positions_of_three_postings_and_their_types():
    docs, positions = _positions(np.array([1, 4, 9]),
                                 [value([0]), value([2, 3, 5]), value([7, 1])], 10)
    assert docs.tolist() == [11, 14, 14, 14, 19, 19]
    assert positions.tolist() == [0, 2, 5, 10, 7, 8]
    assert (docs.dtype, positions.dtype) == (np.int32, np.int32)
