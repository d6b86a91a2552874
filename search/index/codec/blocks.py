"""The data of a posting block as kirinuki writes it: arrays NumPy reads without pickle.

Whoosh's W3 block data is a pickle (protocol 2) of three tuples: the documents' deltas,
the weights and the values, compressed together. Unpickling makes a Python object per
posting, and protocol 2 rebuilds every value (a word's positions) by calling
``_codecs.encode``: at a million records that was most of a search's time (of 82 s of
profiled searches, 19.5 s in ``pickle.loads`` and 15.7 s in ``zlib.decompress``), and the
values were decoded even when only the documents were wanted.

Here the same three things are written as arrays, in two parts compressed apart:

- part A: the document deltas after the first (1, 2 or 4 bytes each, the narrowest that
  holds them) and the weights (none when all are 1, one float when all are equal, one byte
  each when all are whole numbers below 256, else float32);
- part B: the values, as their lengths (2 or 4 bytes each) and their bytes joined; or,
  for Whoosh's Positions values (a word's positions in a document: a count and a pickled
  list of deltas, 13 bytes for one position), each posting's count and the deltas
  themselves as arrays (1, 2 or 4 bytes each, the narrowest that holds them): 2 bytes for
  one position, read with ``np.frombuffer``, and Whoosh's bytes made again when its
  matcher asks (``decode_objects``).

A search reads part A only; a phrase reads B too. Each part is compressed with zlib when
that makes it smaller. The block's framing around the data (its length, Whoosh's pickled
info tuple) is Whoosh's, so Whoosh's matchers still walk the blocks; ``decode_objects``
gives them what unpickling Whoosh's data would have (``segments.Codec.postings_reader``).
The same documents, weights and values come back in both shapes (tests/unit/test_blocks.py).
"""

from __future__ import annotations

import pickle
import struct
import sys
import zlib
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

MAGIC = b"kb"  # neither a zlib stream (0x78) nor a pickle (0x80) starts so
# magic, ids' width, weights' kind, values' kind, flags, postings, first document, A's length
_HEAD = struct.Struct("<2sBBBBIII")
HEAD_SIZE = _HEAD.size
_A_ZIPPED, _B_ZIPPED = 1, 2
# weights: all 1.0 / all one value / whole numbers below 256 / anything
W_ONES, W_SAME, W_BYTES, W_FLOATS = 0, 1, 2, 3
# values: none / one string of fixed-size values / lengths of 2 or 4 bytes, then the values
# / Whoosh's positions as counts and deltas (widths in a head of their own, ``_COUNTS``)
V_NONE, V_FIXED, V_SHORT, V_LONG, V_POSITIONS = 0, 1, 2, 3, 4
_COUNTS = struct.Struct("<BB")  # the counts' width, the deltas' width
_UINT = struct.Struct("!I")  # Whoosh's pack_uint: a value's count of positions
# What reading bytes that are not Positions values raises (``position_deltas``)
_NOT_POSITIONS = (pickle.UnpicklingError, ValueError, TypeError, IndexError, EOFError)
_WIDTH = {1: np.dtype("<u1"), 2: np.dtype("<u2"), 4: np.dtype("<u4")}
_F32 = np.dtype("<f4")
# A block of this many postings or fewer is encoded in Python, not NumPy (``encode``)
FEW = 16


class Deltas(NamedTuple):
    """A block's Positions values as part B keeps them, handed over as such (a build's
    postings, ``write.TextPostings``): each posting's count of positions, then all their
    deltas (each posting's first position, then its steps)."""

    counts: array
    deltas: array


class BlockFormatError(ValueError):
    """The block's data is not what ``encode`` writes (the file is damaged)."""


def encode(ids: Sequence[int], weights: Sequence[float], values: Sequence[bytes] | bytes | None,
           compression: int, positions: bool = False) -> bytes:
    """One block's data: ``ids`` ascending document numbers, ``weights`` float32 values,
    ``values`` the encoded values (a list, one fixed-size string, or None); ``positions``:
    the values are Whoosh's ``Positions`` values, kept as counts and deltas.

    A build encodes millions of blocks, most of one posting: the common cases stay in
    ``array``'s C methods, and NumPy is called only where a block needs it."""
    n = len(ids)
    if not isinstance(ids, array) or ids.typecode != "I":
        ids = array("I", ids)
    if n == 1:
        width, part_a = 1, b""
    elif n > FEW:
        deltas = np.diff(np.frombuffer(ids, dtype=np.uint32).astype(np.int64))
        top = int(deltas.max())
        if int(deltas.min()) <= 0:
            raise ValueError("a block's documents must ascend")
        width = 1 if top < 256 else 2 if top < 65536 else 4
        part_a = deltas.astype(_WIDTH[width]).tobytes()
    else:
        steps = [ids[i + 1] - ids[i] for i in range(n - 1)]
        if min(steps) <= 0:
            raise ValueError("a block's documents must ascend")
        width = _width(max(steps))
        part_a = _little(width, steps)
    if not isinstance(weights, array) or weights.typecode != "f":
        weights = array("f", weights)
    first = weights[0]
    if weights.count(1.0) == n:
        wkind = W_ONES
    elif weights.count(first) == n and (n >= 4 or not _small(first)):
        wkind = W_SAME
        part_a += struct.pack("<f", first)
    elif n <= FEW:
        if all(_small(w) for w in weights):
            wkind = W_BYTES
            part_a += bytes(int(w) for w in weights)
        else:
            wkind = W_FLOATS
            part_a += struct.pack(f"<{n}f", *weights)
    else:
        w = np.frombuffer(weights, dtype=np.float32)
        if w.min() >= 0 and w.max() < 256 and (w.astype(np.uint8) == w).all():
            wkind = W_BYTES
            part_a += w.astype(np.uint8).tobytes()
        else:
            wkind = W_FLOATS
            part_a += w.astype(_F32).tobytes()
    if isinstance(values, Deltas):
        if len(values.counts) != n:
            raise ValueError(f"{len(values.counts)} values for {n} postings")
        vkind, part_b = V_POSITIONS, _deltas_part(values)
    elif values is None or (not isinstance(values, bytes) and not values):
        vkind, part_b = V_NONE, b""
    elif isinstance(values, bytes):
        vkind, part_b = V_FIXED, values
    else:
        if len(values) != n:
            raise ValueError(f"{len(values)} values for {n} postings")
        if positions and n <= FEW:
            part_b = _positions_part_few(values)
        elif positions:
            part_b = _positions_part(np.frombuffer(array("I", map(len, values)),
                                                   dtype=np.uint32), values)
        else:
            part_b = None
        if part_b is not None:
            vkind = V_POSITIONS
        else:
            lengths = array("I", map(len, values))
            vkind = V_SHORT if max(lengths) < 65536 else V_LONG
            part_b = _little(2 if vkind == V_SHORT else 4, lengths) + b"".join(values)
    flags = 0
    if compression:  # (a part under 16 bytes is kept as it is: most blocks' both parts)
        if len(part_a) >= 16:
            part_a, zipped = _smaller(part_a, compression)
            flags |= _A_ZIPPED * zipped
        if len(part_b) >= 16:
            part_b, zipped = _smaller(part_b, compression)
            flags |= _B_ZIPPED * zipped
    return _HEAD.pack(MAGIC, width, wkind, vkind, flags, n, ids[0], len(part_a)) \
        + part_a + part_b


def _deltas_part(values: Deltas) -> bytes:
    """Part B of positions handed over as counts and deltas: what ``_positions_part``
    makes of the same postings' Whoosh values."""
    counts, deltas = values
    one = len(counts) == 1 and len(deltas) == 1
    if one:  # one posting of one position: most blocks of a build
        found = _ONE_DELTA.get(deltas[0])
        if found is not None:
            return found
    cw = _width(max(counts))
    dw = _width(max(deltas) if deltas else 0)
    found = _COUNTS.pack(cw, dw) + _packed(cw, counts) + _packed(dw, deltas)
    if one and len(_ONE_DELTA) < ONE_POSITIONS:
        _ONE_DELTA[deltas[0]] = found
    return found


# Part B of a block of one posting of one position, by the position
_ONE_DELTA: dict[int, bytes] = {}


_TYPECODES = {1: "B", 2: "H", 4: "I"}


def _packed(width: int, numbers: array) -> bytes:
    """``_little`` of an array of unsigned numbers, copied at C speed."""
    out = array(_TYPECODES[width], numbers)
    if out.itemsize != width:  # a platform whose C types differ: struct's sizes are fixed
        return _little(width, numbers)
    if sys.byteorder == "big":
        out.byteswap()
    return out.tobytes()


def _positions_part_few(values: Sequence[bytes]) -> bytes | None:
    """``_positions_part`` for a block of few postings, in Python: each value unpickled
    (C speed), where NumPy's twenty calls cost more than the work (most blocks of a build
    hold one posting: the rare words)."""
    counts: list[int] = []
    deltas: list[int] = []
    for value in values:
        one = _ONE_POSITION.get(value)
        if one is not None:
            counts.append(1)
            deltas.append(one)
            continue
        try:
            (count,) = _UINT.unpack_from(value)
            found = _unpickled(value, count)
        except (*_NOT_POSITIONS, struct.error):
            return None
        counts.append(count)
        deltas += found
        if count == 1 and len(_ONE_POSITION) < ONE_POSITIONS:
            _ONE_POSITION[value] = found[0]
    if deltas and min(deltas) < 0:
        return None
    cw = _width(max(counts))
    dw = _width(max(deltas) if deltas else 0)
    if cw > 4 or dw > 4:
        return None
    return _COUNTS.pack(cw, dw) + _little(cw, counts) + _little(dw, deltas)


# The values of one position already read, and the position: most postings of a build hold
# one, and their values repeat (``schema.Positions`` makes one string per position).
ONE_POSITIONS = 1 << 16
_ONE_POSITION: dict[bytes, int] = {}


def _little(width: int, numbers: Sequence[int]) -> bytes:
    """``numbers`` as little-endian unsigned integers of ``width`` bytes (1, 2 or 4)."""
    return struct.pack(f"<{len(numbers)}{'B' if width == 1 else 'H' if width == 2 else 'I'}",
                       *numbers)


def _positions_part(lengths: np.ndarray, values: Sequence[bytes]) -> bytes | None:
    """Part B of Whoosh's Positions values: each one's count, then every delta, as arrays
    of the narrowest width; None if a value is not what Positions writes."""
    try:
        counts, deltas = position_deltas(lengths.astype(np.int64), b"".join(values))
    except _NOT_POSITIONS:
        return None
    if len(deltas) != int(counts.sum()) or (len(deltas) and int(deltas.min()) < 0):
        return None
    cw = _width(int(counts.max()) if len(counts) else 0)
    dw = _width(int(deltas.max()) if len(deltas) else 0)
    if cw > 4 or dw > 4:
        return None
    return _COUNTS.pack(cw, dw) + counts.astype(_WIDTH[cw]).tobytes() \
        + deltas.astype(_WIDTH[dw]).tobytes()


def _width(top: int) -> int:
    """The bytes an unsigned number up to ``top`` takes: 1, 2 or 4 (8: too large)."""
    return 1 if top < 256 else 2 if top < 65536 else 4 if top < 2 ** 32 else 8


_K, _DOT = ord("K"), ord(".")


def position_deltas(lengths: np.ndarray, values: bytes) -> tuple[np.ndarray, np.ndarray]:
    """Each of Whoosh's Positions values' count and, flattened, its position deltas, the
    values joined (``lengths`` their lengths).

    A value is a 4-byte count and a protocol-2 pickle of the list of deltas. Nearly all
    deltas are below 256, which pickle writes as ``K`` and one byte: for n such deltas the
    pickle is ``80 02 5d 71 00`` then ``K``+byte and ``a`` (n = 1), or ``(``, n times
    ``K``+byte and ``e`` (n up to 1000), maybe a final ``.``. Values of that length whose
    opcodes are all ``K`` are read as arrays at once; any other goes through ``pickle``.
    """
    if not len(lengths):
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    if int(lengths.min()) < 4:  # not even a count
        raise ValueError("not Positions values")
    raw = np.frombuffer(values, dtype=np.uint8)
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    head = raw[starts[:, None] + np.arange(4)].astype(np.int64)
    counts = (head[:, 0] << 24) | (head[:, 1] << 16) | (head[:, 2] << 8) | head[:, 3]
    if (counts > lengths).any():  # each position takes a byte at least
        raise ValueError("not Positions values")
    core = lengths - (raw[starts + lengths - 1] == _DOT)
    many = counts > 1
    fast = np.where(many, (core == 11 + 2 * counts) & (counts <= 1000), core == 12)
    first = starts + 9 + many  # where the first K stands

    def opcodes(fast: np.ndarray) -> np.ndarray:
        n = np.where(fast, counts, 0)
        within = np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)
        return np.repeat(first, n) + 2 * within

    ops = opcodes(fast)
    good = raw[ops] == _K
    if not good.all():
        owner = np.repeat(np.arange(len(lengths)), np.where(fast, counts, 0))
        fast[np.unique(owner[~good])] = False
        ops = opcodes(fast)
    if fast.all():
        return counts, raw[ops + 1].astype(np.int64)
    deltas = np.zeros(int(counts.sum()), dtype=np.int64)
    offsets = np.cumsum(counts) - counts
    deltas[np.repeat(fast, counts)] = raw[ops + 1]
    for j in np.flatnonzero(~fast):
        value = values[starts[j]:starts[j] + lengths[j]]
        deltas[offsets[j]:offsets[j] + counts[j]] = _unpickled(value, int(counts[j]))
    return counts, deltas


def _unpickled(value: bytes, count: int) -> list[int]:
    """The deltas a Positions value pickles, which must be ``count`` whole numbers (a list
    of another length, or of floats, is not one Whoosh wrote: ValueError)."""
    found = pickle.loads(value[4:] if value.endswith(b".") else value[4:] + b".")
    if type(found) is not list or len(found) != count or not all(type(d) is int for d in found):
        raise ValueError("not a Positions value")
    return found


def joined(values: list[bytes]) -> tuple[np.ndarray, bytes]:
    """A list of values as the positions are decoded from: their lengths, then their bytes
    joined (as ``encode`` stores them)."""
    return (np.fromiter(map(len, values), dtype=np.int64, count=len(values)),
            b"".join(values))


def _small(weight: float) -> bool:
    """A weight kept in one byte: a whole number from 0 to 255."""
    return 0 <= weight < 256 and weight == int(weight)


def _smaller(data: bytes, level: int) -> tuple[bytes, bool]:
    if len(data) < 16:  # zlib's own header and checksum would outweigh any gain
        return data, False
    packed = zlib.compress(data, level)
    return (packed, True) if len(packed) < len(data) else (data, False)


def is_ours(data: bytes | memoryview, start: int = 0) -> bool:
    return bytes(data[start:start + 2]) == MAGIC


@dataclass(frozen=True)
class Head:
    width: int
    wkind: int
    vkind: int
    flags: int
    count: int
    first: int
    a_length: int


def head(data: bytes | memoryview, start: int = 0) -> Head:
    try:
        magic, *rest = _HEAD.unpack_from(data, start)
    except struct.error as exc:
        raise BlockFormatError("a posting block is cut short") from exc
    h = Head(*rest)
    if magic != MAGIC or h.width not in _WIDTH or h.wkind > W_FLOATS or h.vkind > V_POSITIONS \
            or h.count == 0:
        raise BlockFormatError("a posting block's header is damaged")
    return h


def _part(data: bytes | memoryview, zipped: bool) -> bytes:
    try:
        return zlib.decompress(data) if zipped else bytes(data)
    except zlib.error as exc:
        raise BlockFormatError("a posting block does not decompress") from exc


def arrays(data: bytes | memoryview, start: int, end: int, values: bool = False
           ) -> tuple[Head, np.ndarray, np.ndarray, tuple[np.ndarray, np.ndarray] | None]:
    """(head, deltas after the first, weights float32, (counts, position deltas) or None).

    ``values``: decode part B too, as Whoosh's Positions values (stored so, or as their
    bytes); None for values of fixed size or none."""
    h = head(data, start)
    a_start = start + HEAD_SIZE
    a = _part(data[a_start:a_start + h.a_length], bool(h.flags & _A_ZIPPED))
    width = _WIDTH[h.width]
    nd = (h.count - 1) * width.itemsize
    wsize = {W_ONES: 0, W_SAME: 4, W_BYTES: h.count, W_FLOATS: 4 * h.count}[h.wkind]
    if len(a) != nd + wsize:
        raise BlockFormatError("a posting block's arrays have the wrong length")
    deltas = np.frombuffer(a, dtype=width, count=h.count - 1)
    if h.wkind == W_ONES:
        weights = np.ones(h.count, dtype=np.float32)
    elif h.wkind == W_SAME:
        weights = np.full(h.count, np.frombuffer(a, _F32, 1, nd)[0], dtype=np.float32)
    elif h.wkind == W_BYTES:
        weights = np.frombuffer(a, np.uint8, h.count, nd).astype(np.float32)
    else:
        weights = np.frombuffer(a, _F32, h.count, nd).astype(np.float32)
    found = None
    if values and h.vkind in (V_SHORT, V_LONG, V_POSITIONS):
        b = _part(data[a_start + h.a_length:end], bool(h.flags & _B_ZIPPED))
        if h.vkind == V_POSITIONS:
            found = _counts_and_deltas(b, h)
        else:
            try:
                found = position_deltas(*_lengths_and_joined(b, h))
            except _NOT_POSITIONS as exc:
                raise BlockFormatError("a posting block's positions cannot be read") from exc
    return h, deltas, weights, found


def _counts_and_deltas(b: bytes, h: Head) -> tuple[np.ndarray, np.ndarray]:
    """Part B of Positions values kept as arrays: each posting's count, every delta."""
    cut = "a posting block's positions are cut short"
    try:
        cw, dw = _COUNTS.unpack_from(b)
    except struct.error as exc:
        raise BlockFormatError(cut) from exc
    if cw not in _WIDTH or dw not in _WIDTH:
        raise BlockFormatError("a posting block's positions head is damaged")
    try:
        counts = np.frombuffer(b, _WIDTH[cw], h.count, _COUNTS.size).astype(np.int64)
    except ValueError as exc:
        raise BlockFormatError(cut) from exc
    at = _COUNTS.size + h.count * cw
    total = int(counts.sum())
    if len(b) != at + total * dw:
        raise BlockFormatError("a posting block's positions have the wrong length")
    return counts, np.frombuffer(b, _WIDTH[dw], total, at).astype(np.int64)


def _lengths_and_joined(b: bytes, h: Head) -> tuple[np.ndarray, bytes]:
    """Part B of a block of variable-length values: their lengths, then their bytes."""
    dtype = np.dtype("<u2" if h.vkind == V_SHORT else "<u4")
    try:
        lengths = np.frombuffer(b, dtype=dtype, count=h.count).astype(np.int64)
    except ValueError as exc:
        raise BlockFormatError("a posting block's values are cut short") from exc
    joined = b[h.count * dtype.itemsize:]
    if len(joined) != int(lengths.sum()):
        raise BlockFormatError("a posting block's values have the wrong length")
    return lengths, joined


def decode_objects(data: bytes) -> tuple:
    """What Whoosh's matcher unpickles from its own block data: (the documents as Whoosh
    delta-encodes them, the weights minified, the values minified)."""
    h, deltas, weights, _ = arrays(data, 0, len(data))
    ids = (h.first, *deltas.tolist())
    # minified as Whoosh's writer does (``_mini_weights``), whatever way they were stored
    if (weights == 1.0).all():
        wobj = None
    elif (weights == weights[0]).all():
        wobj = float(weights[0])
    else:
        wobj = tuple(weights.tolist())
    if h.vkind == V_NONE:
        vobj = None
    else:
        b = _part(data[HEAD_SIZE + h.a_length:], bool(h.flags & _B_ZIPPED))
        if h.vkind == V_FIXED:
            vobj = b
        elif h.vkind == V_POSITIONS:  # Whoosh's own bytes again (Positions.encode)
            counts, deltas = _counts_and_deltas(b, h)
            flat = deltas.tolist()
            ends = np.cumsum(counts).tolist()
            vobj = tuple(_UINT.pack(e - s) + pickle.dumps(flat[s:e], 2)
                         for s, e in zip([0, *ends[:-1]], ends, strict=True))
        else:
            lengths, joined = _lengths_and_joined(b, h)
            ends = np.cumsum(lengths).tolist()
            vobj = tuple(joined[s:e] for s, e in zip([0, *ends[:-1]], ends, strict=True))
    return ids, wobj, vobj
