"""A term's postings as NumPy arrays, read straight from Whoosh's posting files.

Whoosh's matchers decode a posting list one id at a time in Python; a frequent word at
100,000 records has tens of thousands of postings, and its top-20 search scores every one
of them. Here the whole list is read in one ``os.pread`` per segment and decoded a block at
a time: a block's data is arrays (``blocks``), the documents' deltas and the weights apart
from the values, so a list is a few NumPy calls per block and its positions are decoded
only for a phrase (a block Whoosh wrote, a pickled tuple, is read too). ``pread`` also
makes the reads safe from several threads at once (no shared file position) and touches no
memory map, so a file cut short under a running server is an error, not a SIGBUS.

Decoded lists are kept per opened index in a small LRU cache, bounded by bytes.
"""

from __future__ import annotations

import io
import os
import pickle
import struct
import threading
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from cachetools import LRUCache

from . import blocks, terms

_INT = struct.Struct("!i")
_LONG = struct.Struct("!q")
_MAGIC = b"W3Bl"
EMPTY_IDS = np.zeros(0, dtype=np.int32)
EMPTY_WEIGHTS = np.zeros(0, dtype=np.float32)


class DamagedIndexError(Exception):
    """A posting list could not be read: the index files are damaged."""


# What a block or the term file can say is wrong with it (``_damage``)
_FORMAT_ERRORS = (blocks.BlockFormatError, terms.TermFileError)


def _damage(exc: Exception) -> DamagedIndexError:
    """What a block or the term file said is wrong with it, as damage to the index files
    (a function, not a context manager: ``find`` is on every query's path)."""
    return DamagedIndexError(f"{exc}: the index files are damaged")


@dataclass(frozen=True)
class Postings:
    """Documents (global numbers, ascending) and the term's weight in each."""

    docs: np.ndarray
    weights: np.ndarray

    @property
    def nbytes(self) -> int:
        return self.docs.nbytes + self.weights.nbytes


NO_POSTINGS = Postings(EMPTY_IDS, EMPTY_WEIGHTS)


class _SegmentPostings:
    """One segment's posting file and term file (inside a compound .seg, maybe)."""

    def __init__(self, folder: Path, segment) -> None:
        names = segment.make_filename(".pst"), segment.make_filename(".trm")
        if segment.is_compound():
            path = folder / segment.make_filename(".seg")
            self.fd = os.open(path, os.O_RDONLY)
            head = os.pread(self.fd, _LONG.size + _INT.size, 0)
            (diroffset,) = _LONG.unpack_from(head, 0)
            (dirlength,) = _INT.unpack_from(head, _LONG.size)
            directory = pickle.loads(os.pread(self.fd, dirlength, diroffset))
            self.base = directory[names[0]]["offset"]
            self.terms_fd = self.fd
            terms_at, terms_length = directory[names[1]]["offset"], directory[names[1]]["length"]
        else:
            self.fd = os.open(folder / names[0], os.O_RDONLY)
            self.base = 0
            try:
                self.terms_fd = os.open(folder / names[1], os.O_RDONLY)
            except OSError:
                os.close(self.fd)
                raise
            terms_at, terms_length = 0, os.fstat(self.terms_fd).st_size
        try:
            self.terms = terms.TermTable(self.terms_fd, terms_at, terms_length)
        except (terms.TermFileError, OSError) as exc:
            self.close()
            raise _damage(exc) from exc

    def find(self, fieldname: str, tbytes: bytes) -> bytes | None:
        """The term's entry in this segment (None: the segment does not hold it)."""
        try:
            return self.terms.entry(fieldname, tbytes)
        except _FORMAT_ERRORS as exc:
            raise _damage(exc) from exc

    def read(self, info: bytes, docbase: int, positions: bool = False) -> tuple:
        """(docs, weights) and, with ``positions``, (document, position) of each occurrence."""
        try:
            extent = terms.postings_extent(info)
        except _FORMAT_ERRORS as exc:
            raise _damage(exc) from exc
        if extent is None:
            # Whoosh inlines a list shorter than its inline limit into the term's entry;
            # the codec's limit is 1 (segments.Codec), so only an index written otherwise
            # has one: not an index this code made
            raise DamagedIndexError("a posting list inlined in its term's entry: the index "
                                    "was not written by kirinuki's codec")
        return _decode(self._bytes(*extent), docbase, positions)

    def _bytes(self, offset: int, length: int) -> bytes:
        buf = os.pread(self.fd, length, self.base + offset)
        if len(buf) != length or buf[:4] != _MAGIC:
            raise DamagedIndexError("a posting list is cut short or damaged")
        return buf

    def close(self) -> None:
        os.close(self.fd)
        if self.terms_fd != self.fd:
            os.close(self.terms_fd)


def _blocks(buf: bytes, positions: bool):
    """(ids, weights, (position counts, position deltas) or None) of each block of one list.

    A block is Whoosh's framing (its length, negative for the last; its pickled info
    tuple) around its data: ``blocks.encode``'s arrays in a kirinuki index, a pickle of
    tuples in one Whoosh wrote (read for equivalence with Whoosh, and tested so)."""
    stream = io.BytesIO(buf)
    view = memoryview(buf)
    pos = 4
    while True:
        (length,) = _INT.unpack_from(buf, pos)
        last = length < 0
        end = pos + _INT.size + abs(length)
        stream.seek(pos + _INT.size)
        info = pickle.load(stream)
        start = stream.tell()
        if blocks.is_ours(view, start):
            h, deltas, weights, values = blocks.arrays(view, start, end, positions)
            ids = np.empty(h.count, dtype=np.int64)
            ids[0] = h.first
            ids[1:] = deltas
            yield np.cumsum(ids, out=ids), weights, values
        else:
            yield _whooshs_block(info, buf[start:end], positions)
        pos = end
        if last or pos >= len(buf):
            break


def _whooshs_block(info: tuple, data: bytes, positions: bool) -> tuple:
    """A block of Whoosh's own: the pickled tuple of deltas, weights and values."""
    count, _maxid, _maxweight, compression, _mn, _mx = info
    if compression:
        data = zlib.decompress(data)
    deltas, weights, values = pickle.loads(data)
    ids = np.cumsum(np.asarray(deltas, dtype=np.int64))
    if weights is None:
        weights = np.ones(count, dtype=np.float32)
    elif isinstance(weights, float):
        weights = np.full(count, weights, dtype=np.float32)
    else:
        weights = np.asarray(weights, dtype=np.float32)
    return ids, weights, blocks.position_deltas(*blocks.joined(list(values or ()))) \
        if positions else None


def occurrences(ids: np.ndarray, counts: np.ndarray, deltas: np.ndarray, docbase: int
                ) -> tuple[np.ndarray, np.ndarray]:
    """Each posting's count of positions and, flattened, their deltas (Whoosh's: each
    posting's start again from 0) as flat arrays: each occurrence's document and position."""
    flat = np.cumsum(deltas)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    # each posting's deltas start again from 0: subtract what came before it
    before = np.concatenate(([0], flat))[starts]
    positions = flat - np.repeat(before, counts)
    docs = np.repeat(ids + docbase, counts)
    return docs.astype(np.int32), positions.astype(np.int32)


def _decode(buf: bytes, docbase: int, positions: bool) -> tuple:
    ids, weights, counts, deltas = [], [], [], []
    try:
        for block_ids, block_weights, values in _blocks(buf, positions):
            ids.append(block_ids)
            weights.append(block_weights)
            if positions and values is not None:
                counts.append(values[0])
                deltas.append(values[1])
    except _FORMAT_ERRORS as exc:
        raise _damage(exc) from exc
    docs = _joined(ids)
    found = None
    if positions:
        none = np.zeros(0, np.int64)
        found = occurrences(docs, _joined(counts) if counts else none,
                            _joined(deltas) if deltas else none, docbase)
    return (docs + docbase).astype(np.int32), _joined(weights), found


def _frozen(docs: np.ndarray, weights: np.ndarray) -> Postings:
    """Postings whose arrays cannot be changed: the cache hands the same ones to every
    search, and a search may pass them on as its matches."""
    docs.flags.writeable = False
    weights.flags.writeable = False
    return Postings(docs, weights)


def _joined(arrays: list[np.ndarray]) -> np.ndarray:
    """``np.concatenate(arrays)``, without a copy when there is one (a list of one block,
    one segment: most lists of a small archive)."""
    return arrays[0] if len(arrays) == 1 else np.concatenate(arrays)


class PostingReader:
    """Posting lists of one opened index, cached (least recently used, bounded by bytes)."""

    def __init__(self, folder: Path, leaves: list[tuple[object, int]],
                 cache_bytes: int = 256 << 20) -> None:
        self._segments = [(_SegmentPostings(folder, reader.segment()), base)
                          for reader, base in leaves]
        # least recently used first out, bounded by the lists' bytes; cachetools' caches
        # are not thread-safe, so every use holds the lock
        self._cache: LRUCache[tuple, Postings] = LRUCache(cache_bytes,
                                                          getsizeof=lambda p: p.nbytes)
        self._limit = cache_bytes
        self._lock = threading.Lock()

    def postings(self, searcher, fieldname: str, text: str) -> Postings:
        """Documents and weights of ``fieldname:text`` (``searcher``: this thread's, or a
        reader: only its schema is read)."""
        found = self._get(("p", fieldname, text))
        if found is None:
            found, _ = self._read(searcher, fieldname, text, positions=False)
            self._put(("p", fieldname, text), found)
        return found

    def positions(self, searcher, fieldname: str, text: str) -> Postings:
        """Every occurrence of ``fieldname:text``: ``docs`` and, in ``weights``, positions.

        The blocks are decoded once for both: the postings are kept too.
        """
        found = self._get(("x", fieldname, text))
        if found is None:
            postings, found = self._read(searcher, fieldname, text, positions=True)
            self._put(("p", fieldname, text), postings)
            self._put(("x", fieldname, text), found)
        return found

    def doc_frequency(self, searcher, fieldname: str, text: str) -> int:
        """The documents holding ``fieldname:text``, deleted ones included (as Whoosh's
        ``doc_frequency``), from the term files alone."""
        tbytes = searcher.schema[fieldname].to_bytes(text)
        return sum(terms.doc_frequency(info) for segment, _ in self._segments
                   if (info := segment.find(fieldname, tbytes)) is not None)

    def lexicon(self, fieldname: str) -> dict[str, tuple[int, float]]:
        """Every term of ``fieldname`` → (documents holding it, its total weight), summed
        over the segments, read from the term files (Whoosh's ``iter_field`` through its
        readers took about ten times as long)."""
        found: dict[str, tuple[int, float]] = {}
        for segment, _ in self._segments:
            try:
                for tbytes, info in segment.terms.terms(fieldname):
                    df, weight = terms.frequencies(info)
                    term = tbytes.decode("utf-8")
                    before = found.get(term)
                    found[term] = (df, weight) if before is None else (before[0] + df,
                                                                        before[1] + weight)
            except _FORMAT_ERRORS as exc:
                raise _damage(exc) from exc
        return found

    def _get(self, key: tuple) -> Postings | None:
        with self._lock:
            return self._cache.get(key)

    def _put(self, key: tuple, found: Postings) -> None:
        # a list over a quarter of the cache would push out most of the others
        if found.nbytes <= self._limit // 4:
            with self._lock:
                self._cache[key] = found

    def _read(self, searcher, fieldname: str, text: str,
              positions: bool) -> tuple[Postings, Postings]:
        tbytes = searcher.schema[fieldname].to_bytes(text)
        parts = []
        for segment, base in self._segments:
            info = segment.find(fieldname, tbytes)
            if info is not None:
                parts.append(segment.read(info, base, positions))
        if not parts:
            return NO_POSTINGS, NO_POSTINGS
        postings = _frozen(_joined([p[0] for p in parts]), _joined([p[1] for p in parts]))
        if not positions:
            return postings, NO_POSTINGS
        return postings, _frozen(_joined([p[2][0] for p in parts]),
                                 _joined([p[2][1] for p in parts]))

    def close(self) -> None:
        for segment, _ in self._segments:
            segment.close()
        self._cache.clear()
