"""A posting block's data as kirinuki writes it (search/index/codec/blocks.py), without an index."""

from __future__ import annotations

import pickle
import zlib

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from search.index.codec import blocks


def whooshs(ids: list[int], weights: list[float], values) -> tuple:
    """What Whoosh's W3PostingsWriter pickles for the block (its ``_mini_*``)."""
    deltas = (ids[0], *(b - a for a, b in zip(ids, ids[1:], strict=False)))
    if all(w == 1.0 for w in weights):
        w = None
    elif all(w == weights[0] for w in weights):
        w = weights[0]
    else:
        w = tuple(weights)
    return deltas, w, values


f32 = st.floats(0, 1e6, width=32, allow_nan=False)
weight_lists = st.one_of(
    st.integers(1, 40).map(lambda n: [1.0] * n),
    st.tuples(st.integers(1, 40), f32).map(lambda t: [t[1]] * t[0]),
    st.lists(st.integers(0, 255).map(float), min_size=1, max_size=40),
    st.lists(f32, min_size=1, max_size=40))


@st.composite
def block(draw):
    weights = draw(weight_lists)
    n = len(weights)
    gap = draw(st.sampled_from([200, 60_000, 3_000_000]))
    first = draw(st.integers(0, 4_000_000))
    ids = [first]
    for _ in range(n - 1):
        ids.append(ids[-1] + draw(st.integers(1, gap)))
    kind = draw(st.sampled_from(["none", "fixed", "variable", "long"]))
    if kind == "none":
        values = None
    elif kind == "fixed":
        values = b"".join(draw(st.binary(min_size=4, max_size=4)) for _ in range(n))
    else:
        size = 70_000 if kind == "long" else 30
        values = tuple(draw(st.binary(max_size=size if i == 0 else 30)) for i in range(n))
    return ids, weights, values


@given(block(), st.sampled_from([0, 1, 6]))
def test_a_block_reads_back_as_whooshs_pickle_would(b, level):
    ids, weights, values = b
    data = blocks.encode(ids, weights, values, level)
    assert blocks.is_ours(data)
    assert blocks.decode_objects(data) == whooshs(ids, weights, values)
    h, deltas, found_weights, found_values = blocks.arrays(data, 0, len(data), values=True)
    assert h.count == len(ids) and h.first == ids[0]
    assert (ids[0] + np.concatenate(([0], np.cumsum(deltas, dtype=np.int64)))).tolist() == ids
    assert found_weights.dtype == np.float32 and found_weights.tolist() == weights
    if isinstance(values, tuple):
        lengths, joined = found_values
        assert lengths.tolist() == [len(v) for v in values] and joined == b"".join(values)
    else:
        assert found_values is None


@given(block())
def test_the_documents_and_weights_are_read_without_the_values(b):
    ids, weights, values = b
    data = blocks.encode(ids, weights, values, 1)
    h = blocks.head(data)
    # part B cut off entirely: the documents and weights are still there
    _, deltas, found, none = blocks.arrays(data[:blocks.HEAD_SIZE + h.a_length], 0,
                                           blocks.HEAD_SIZE + h.a_length)
    assert none is None and found.tolist() == weights and len(deltas) == len(ids) - 1


@pytest.mark.parametrize(("gap", "width"), [(255, 1), (256, 2), (65535, 2), (65536, 4)])
def test_deltas_take_the_narrowest_width_that_holds_them(gap, width):
    data = blocks.encode([10, 10 + gap, 11 + gap], [1.0] * 3, None, 0)
    h = blocks.head(data)
    assert h.width == width and h.a_length == 2 * width  # two deltas, no weights


@pytest.mark.parametrize(("weights", "kind", "size"), [
    ([1.0] * 8, blocks.W_ONES, 0),
    ([3.0] * 8, blocks.W_SAME, 4),
    ([3.0] * 2, blocks.W_BYTES, 2),  # fewer bytes than one float
    ([0.5] * 2, blocks.W_SAME, 4),
    ([1.0, 2.0, 255.0], blocks.W_BYTES, 3),
    ([1.0, 256.0, 3.0], blocks.W_FLOATS, 12),
    ([1.0, 2.5, 3.0], blocks.W_FLOATS, 12),
    ([1.0, -1.0, 3.0], blocks.W_FLOATS, 12),  # a negative boost
    ([1.0, 1e10, float("nan")], blocks.W_FLOATS, 12),  # nothing a byte holds, no warning
])
def test_weights_are_kept_in_the_smallest_way(weights, kind, size):
    n = len(weights)
    data = blocks.encode(list(range(n)), weights, None, 0)
    h = blocks.head(data)
    assert h.wkind == kind and h.a_length == (n - 1) + size
    assert np.array_equal(blocks.arrays(data, 0, len(data))[2], np.float32(weights),
                          equal_nan=True)


def test_a_part_is_compressed_only_when_that_makes_it_smaller():
    dense = blocks.encode(list(range(0, 2000, 2)), [1.0] * 1000, tuple([b"\x00" * 13] * 1000), 1)
    h = blocks.head(dense)
    assert h.flags == 3 and h.a_length < 999 and len(dense) < 1000
    single = blocks.encode([5], [1.0], (b"\x00\x00\x00\x01\x80\x02]q\x00K\x00a.",), 1)
    assert blocks.head(single).flags == 0  # a dozen bytes: zlib would add to them
    assert blocks.decode_objects(single)[2] == (b"\x00\x00\x00\x01\x80\x02]q\x00K\x00a.",)


def test_documents_that_do_not_ascend_are_refused():
    with pytest.raises(ValueError, match="ascend"):
        blocks.encode([3, 3], [1.0, 1.0], None, 0)
    with pytest.raises(ValueError, match="ascend"):
        blocks.encode([4, 2], [1.0, 1.0], None, 0)


def test_values_must_be_one_per_posting():
    with pytest.raises(ValueError, match="2 values for 3 postings"):
        blocks.encode([1, 2, 3], [1.0] * 3, (b"a", b"b"), 0)


def test_whooshs_data_is_not_taken_for_ours():
    data = pickle.dumps(((1, 2), None, None), 2)
    assert not blocks.is_ours(data) and not blocks.is_ours(zlib.compress(data, 1))
    assert blocks.is_ours(b"xxkb", 2) and not blocks.is_ours(b"xxkb", 1)


@pytest.mark.parametrize("cut", [3, blocks.HEAD_SIZE - 1, blocks.HEAD_SIZE + 5, -1])
def test_a_block_cut_short_is_a_format_error(cut):
    data = blocks.encode(list(range(0, 600, 3)), [2.0, 1.0] * 100,
                         tuple(bytes([i % 7]) * 5 for i in range(200)), 1)
    with pytest.raises(blocks.BlockFormatError):
        blocks.arrays(data[:cut], 0, len(data[:cut]), values=True)
    with pytest.raises(blocks.BlockFormatError):
        blocks.decode_objects(data[:cut])


@pytest.mark.parametrize(("at", "damage"), [
    (0, b"kc"), (2, b"\x03"), (3, b"\x04"), (4, b"\x04"),  # magic, width, weights', values' kind
    (6, b"\x00\x00\x00\x00"), (6, b"\x04\x00\x00\x00"),  # no postings, one too many
])
def test_a_damaged_header_is_a_format_error(at, damage):
    data = bytearray(blocks.encode([1, 2, 3], [1.0, 2.0, 3.0], (b"a", b"b", b"c"), 0))
    data[at:at + len(damage)] = damage
    with pytest.raises(blocks.BlockFormatError):
        blocks.decode_objects(bytes(data))
