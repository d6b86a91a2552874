"""A posting block's data as kirinuki writes it (search/index/codec/blocks.py), without an index."""

from __future__ import annotations

import pickle
import struct
import zlib
from array import array

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from whoosh import formats

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
    # values of any bytes are kept as they are (positions: below); the engine asks for
    # values only as positions
    h, deltas, found_weights, found_values = blocks.arrays(data, 0, len(data))
    assert h.count == len(ids) and h.first == ids[0]
    if values is None or isinstance(values, bytes):
        assert h.vkind == (blocks.V_NONE if values is None else blocks.V_FIXED)
    else:
        long = any(len(v) > 65535 for v in values)
        assert h.vkind == (blocks.V_LONG if long else blocks.V_SHORT)
    assert (ids[0] + np.concatenate(([0], np.cumsum(deltas, dtype=np.int64)))).tolist() == ids
    assert found_weights.dtype == np.float32 and found_weights.tolist() == weights
    assert found_values is None


position_lists = st.lists(st.lists(st.integers(0, 70_000), min_size=1, max_size=40)
                          .map(sorted), min_size=1, max_size=40)


@given(position_lists, st.sampled_from([0, 1]))
def test_positions_are_kept_as_arrays_and_given_to_whoosh_as_it_wrote_them(lists, level):
    values = tuple(formats.Positions().encode(p) for p in lists)
    ids = list(range(3, 3 + 2 * len(lists), 2))
    data = blocks.encode(ids, [float(len(p)) for p in lists], values, level, positions=True)
    assert blocks.head(data).vkind == blocks.V_POSITIONS
    assert blocks.decode_objects(data)[2] == values  # Whoosh's own bytes, made again
    counts, deltas = blocks.arrays(data, 0, len(data), values=True)[3]
    assert counts.tolist() == [len(p) for p in lists]
    assert deltas.tolist() == [d for p in lists for d in np.diff([0, *p]).tolist()]
    # the same values written as bytes read back as the same arrays
    plain = blocks.encode(ids, [1.0] * len(ids), values, level)
    assert blocks.head(plain).vkind in (blocks.V_SHORT, blocks.V_LONG)
    again = blocks.arrays(plain, 0, len(plain), values=True)[3]
    assert again[0].tolist() == counts.tolist() and again[1].tolist() == deltas.tolist()


def deltas_of(lists: list[list[int]]) -> blocks.Deltas:
    """The positions as a build hands them over: counts, and each list's first position
    and its steps."""
    return blocks.Deltas(array("I", map(len, lists)),
                         array("I", [d for p in lists for d in np.diff([0, *p]).tolist()]))


@given(st.lists(st.lists(st.integers(0, 70_000), min_size=1, max_size=1200).map(sorted),
                min_size=1, max_size=40), st.sampled_from([0, 1]))
def test_positions_handed_over_as_deltas_are_the_bytes_whooshs_values_make(lists, level):
    """Counts and deltas (``write.TextPostings``) give the block Whoosh's Positions values
    of the same positions give, in few postings (Python) and in many (NumPy)."""
    values = tuple(formats.Positions().encode(p) for p in lists)
    ids = list(range(3, 3 + 2 * len(lists), 2))
    weights = [float(len(p)) for p in lists]
    handed = deltas_of(lists)
    assert blocks.encode(ids, weights, handed, level, positions=True) \
        == blocks.encode(ids, weights, values, level, positions=True)


def test_deltas_must_be_one_count_per_posting():
    with pytest.raises(ValueError, match="^1 values for 2 postings$"):
        blocks.encode([1, 2], [1.0, 1.0], deltas_of([[3]]), 0, positions=True)


@pytest.mark.parametrize("width", [1, 2, 4])
def test_deltas_are_packed_as_struct_packs_them(width):
    numbers = array("I", [0, 1, 255, *([256, 65535] if width > 1 else []),
                          *([65536, 2 ** 32 - 1] if width > 2 else [])])
    assert blocks._packed(width, numbers) == blocks._little(width, numbers)


@st.composite
def few(draw):
    """A block of at most FEW postings: any kind of weights and values, positions among
    them (Whoosh's, and ones it never writes: negative, too large, not a list of ints)."""
    n = draw(st.integers(1, blocks.FEW))
    ids, weights, values = draw(block())
    ids, weights = ids[:n] + [ids[-1] + k for k in range(1, n - len(ids) + 1)], \
        (weights * n)[:n]
    kind = draw(st.sampled_from(["positions", "odd", "other"]))
    if kind == "positions":
        values = tuple(formats.Positions().encode(sorted(p)) for p in draw(
            st.lists(st.lists(st.integers(0, 70_000), min_size=1, max_size=1200),
                     min_size=n, max_size=n)))
    elif kind == "odd":
        values = tuple(draw(st.sampled_from([
            whooshs_value([1, 2]), whooshs_value([5, -2]), whooshs_value([2 ** 32]),
            struct.pack("!I", 2) + pickle.dumps([1], 2), struct.pack("!I", 1) + pickle.dumps(
                [1.5], 2), struct.pack("!I", 1) + pickle.dumps((1,), 2), b"ab", b"",
            formats.Positions().encode([3, 9])])) for _ in range(n))
    elif values is not None and not isinstance(values, bytes):
        values = (values * n)[:n] if values else tuple(b"" for _ in range(n))
    return ids, weights, values


@given(few(), st.sampled_from([0, 1]), st.booleans())
def test_a_block_of_few_postings_is_written_as_numpy_writes_it(b, level, positions):
    """The Python path for blocks of FEW postings or fewer writes the NumPy path's bytes."""
    ids, weights, values = b
    mine = blocks.encode(ids, weights, values, level, positions=positions)
    few, blocks.FEW = blocks.FEW, 0
    try:
        theirs = blocks.encode(ids, weights, values, level, positions=positions)
    finally:
        blocks.FEW = few
    assert mine == theirs


def test_a_block_of_few_postings_whose_documents_do_not_ascend_is_refused():
    with pytest.raises(ValueError, match="must ascend"):
        blocks.encode([3, 3], [1.0, 1.0], None, 0)
    with pytest.raises(ValueError, match="must ascend"):
        blocks.encode([5, 2, 9], [1.0, 1.0, 1.0], None, 0)


@pytest.mark.parametrize(("positions", "counts", "deltas"), [
    ([[4], [255]], 1, 1), ([[256]], 1, 2), ([list(range(256))], 2, 1),
    ([[65536]], 1, 4), ([[1, 70_000]], 1, 4),
])
def test_counts_and_deltas_take_the_narrowest_width(positions, counts, deltas):
    values = tuple(formats.Positions().encode(p) for p in positions)
    data = blocks.encode(list(range(len(values))), [1.0] * len(values), values, 0,
                         positions=True)
    h = blocks.head(data)
    b = data[blocks.HEAD_SIZE + h.a_length:]
    assert b[:2] == bytes([counts, deltas])
    total = sum(map(len, positions))
    assert len(b) == 2 + len(positions) * counts + total * deltas


def test_values_that_are_not_positions_are_kept_as_bytes():
    data = blocks.encode([1, 2], [1.0, 1.0], (b"ab", b"\x00\x00\x00\x01xyz"), 0,
                         positions=True)
    assert blocks.head(data).vkind == blocks.V_SHORT
    assert blocks.decode_objects(data)[2] == (b"ab", b"\x00\x00\x00\x01xyz")


@pytest.mark.parametrize(("top", "width"), [
    (0, 1), (255, 1), (256, 2), (65535, 2), (65536, 4), (2 ** 32 - 1, 4), (2 ** 32, 8)])
def test_width_is_the_narrowest_that_holds_the_largest(top, width):
    assert blocks._width(top) == width


def whooshs_value(deltas: list[int]) -> bytes:
    """A value as Positions.encode writes it, for any deltas (even ones it never writes)."""
    return struct.pack("!I", len(deltas)) + pickle.dumps(deltas, 2)


@pytest.mark.parametrize("deltas", [[5, -2], [2 ** 32]])
def test_positions_the_arrays_cannot_hold_are_kept_as_bytes(deltas):
    values = (whooshs_value([1]), whooshs_value(deltas))
    data = blocks.encode([1, 2], [1.0, 2.0], values, 0, positions=True)
    assert blocks.head(data).vkind == blocks.V_SHORT
    assert blocks.decode_objects(data)[2] == values


def test_a_posting_of_many_positions_has_counts_of_four_bytes():
    many = list(range(70_000))
    values = (formats.Positions().encode(many),)
    data = blocks.encode([7], [70_000.0], values, 1, positions=True)
    assert blocks.head(data).vkind == blocks.V_POSITIONS
    counts, deltas = blocks.arrays(data, 0, len(data), values=True)[3]
    assert counts.tolist() == [70_000] and deltas.tolist() == [0] + [1] * 69_999


@pytest.mark.parametrize(("damage", "message"), [
    (lambda d, b: d[:b] + b"\x03" + d[b + 1:], "positions head is damaged"),
    (lambda d, b: d + b"\x00", "positions have the wrong length"),
    (lambda d, b: d[:b + 1], "positions are cut short"),
])
def test_damaged_positions_say_what_is_wrong(damage, message):
    values = tuple(formats.Positions().encode(p) for p in ([1, 5], [300]))
    data = blocks.encode([1, 2], [2.0, 1.0], values, 0, positions=True)
    bad = damage(data, blocks.HEAD_SIZE + blocks.head(data).a_length)
    with pytest.raises(blocks.BlockFormatError, match=message):
        blocks.arrays(bad, 0, len(bad), values=True)


def test_positions_cut_short_or_damaged_are_a_format_error():
    values = tuple(formats.Positions().encode(p) for p in ([1, 5], [300]))
    data = blocks.encode([1, 2], [2.0, 1.0], values, 0, positions=True)
    h = blocks.head(data)
    b_at = blocks.HEAD_SIZE + h.a_length
    for bad in (data[:-1], data + b"\x00", data[:b_at + 1],
                data[:b_at] + b"\x03" + data[b_at + 1:]):  # a width of 3
        with pytest.raises(blocks.BlockFormatError):
            blocks.arrays(bad, 0, len(bad), values=True)
        with pytest.raises(blocks.BlockFormatError):
            blocks.decode_objects(bad)


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
    (0, b"kc"), (2, b"\x03"), (3, b"\x04"), (4, b"\x05"),  # magic, width, weights', values' kind
    (6, b"\x00\x00\x00\x00"), (6, b"\x04\x00\x00\x00"),  # no postings, one too many
])
def test_a_damaged_header_is_a_format_error(at, damage):
    data = bytearray(blocks.encode([1, 2, 3], [1.0, 2.0, 3.0], (b"a", b"b", b"c"), 0))
    data[at:at + len(damage)] = damage
    with pytest.raises(blocks.BlockFormatError):
        blocks.decode_objects(bytes(data))


def test_one_position_parts_are_remembered_by_position_up_to_the_limit(monkeypatch):
    """A one-posting, one-position block's part B is worked out once per position and
    remembered (at most ONE_POSITIONS of them), the same bytes as Whoosh's value gives."""
    monkeypatch.setattr(blocks, "_ONE_DELTA", {})
    monkeypatch.setattr(blocks, "ONE_POSITIONS", 2)
    for position in (7, 300, 7, 70_000, 300):
        handed = blocks.encode([4], [1.0], deltas_of([[position]]), 0, positions=True)
        value = (formats.Positions().encode([position]),)
        assert handed == blocks.encode([4], [1.0], value, 0, positions=True), position
    assert list(blocks._ONE_DELTA) == [7, 300]  # 70,000 came past the limit
    assert blocks._ONE_DELTA[300] == bytes([1, 2, 1]) + (300).to_bytes(2, "little")
