"""A segment's term dictionary (Whoosh's ordered hash file, ``.trm``), looked up by ``os.pread``.

Whoosh finds a term through its file objects: a seek and a read for each slot, length and
key it looks at, and a posting reader asks twice (is the term there, then its entry). On a
small archive, where every other cost of a query is small, those lookups were a third of
reading a new word's postings (benchmarks/results/design-measurements.md). Here a lookup is
one hash, one read of a run of slots and one read of the entry; a word absent from a field
(most of a query's fields × expansions) costs the first two only. ``pread`` keeps it safe
from several threads at once, as the posting reads are.

The file: a head (``HSH3``, the hash function's number, two unused ints), the keys and
values, 256 hash tables of (hash, position) slots, their directory ((start, slots) each)
and a pickled dict of extras (``fieldmap``: field name → number) whose length ends the file.
A key is the field's number (two bytes) and the term's bytes; a value is Whoosh's
``W3TermInfo``: flags, weight, document frequency, … then where the postings are.
"""

from __future__ import annotations

import os
import pickle
import struct
from collections.abc import Iterator
from hashlib import md5

from whoosh.filedb.filetables import _hash_functions

_MAGIC = b"HSH3"
_INT = struct.Struct("!i")
_USHORT = struct.Struct("!H")
_LENGTHS = struct.Struct("!ii")  # a key's length, its value's length
_SLOT = struct.Struct("!Iq")  # a key's hash, where its lengths start
_DIRECTORY = struct.Struct("!qi")  # a hash table's start, its number of slots
_INFO = struct.Struct("!BfIBBfII")  # W3TermInfo: flags, weight, doc freq, …
_WHERE = struct.Struct("!qi")  # after it: the postings' offset and length
_HEAD_SIZE = 13  # the magic, the hash function's number, two unused ints
_SLOTS_READ = 8  # slots read at once: a probe rarely goes further
_SCAN_BYTES = 1 << 20  # the keys and values are read in pieces of about this much
_VALUE_GUESS = _INFO.size + _WHERE.size


class TermFileError(Exception):
    """The term file is not one this reader understands, or is cut short."""


def _md5(key: bytes) -> int:
    # Whoosh's md5_hash: the digest's last four bytes as a number
    return int.from_bytes(md5(key, usedforsecurity=False).digest()[12:], "big")


class TermTable:
    """Where each term's postings are in one segment (``fd``: the file holding its term
    file at ``base``, ``length`` bytes long)."""

    def __init__(self, fd: int, base: int, length: int) -> None:
        self.fd, self.base = fd, base
        head = self._read(0, 5)
        if head[:4] != _MAGIC:
            raise TermFileError("the term file does not start as Whoosh's hash files do")
        self._hash = _md5 if head[4] == 0 else _hash_functions[head[4]]
        (extras_length,) = _INT.unpack(self._read(length - _INT.size, _INT.size))
        extras_at = length - _INT.size - extras_length
        try:
            self.fieldmap: dict[str, int] = pickle.loads(self._read(extras_at, extras_length)
                                                         )["fieldmap"]
        except (pickle.UnpicklingError, EOFError, KeyError, TypeError, ValueError) as exc:
            raise TermFileError(f"the term file's field names cannot be read ({exc})") from exc
        size = 256 * _DIRECTORY.size
        directory = self._read(extras_at - size, size)
        self.tables = list(_DIRECTORY.iter_unpack(directory))

    def _read(self, at: int, size: int) -> bytes:
        if at < 0:
            raise TermFileError("the term file is cut short")
        found = os.pread(self.fd, size, self.base + at)
        if len(found) != size:
            raise TermFileError("the term file is cut short")
        return found

    def entry(self, fieldname: str, tbytes: bytes) -> bytes | None:
        """The term's ``W3TermInfo`` bytes, or None if the segment does not hold it."""
        number = self.fieldmap.get(fieldname)
        if number is None:
            return None
        key = _USHORT.pack(number) + tbytes
        keyhash = self._hash(key)
        start, count = self.tables[keyhash & 255]
        if not count:
            return None
        slot, seen = (keyhash >> 8) % count, 0
        while seen < count:  # a run of slots at a time, around the table's end
            run = min(_SLOTS_READ, count - slot, count - seen)
            for slothash, at in _SLOT.iter_unpack(self._read(start + slot * _SLOT.size,
                                                             run * _SLOT.size)):
                if not at:  # an empty slot: the key is nowhere
                    return None
                if slothash == keyhash:
                    found = self._value_at(at, key)
                    if found is not None:
                        return found
            slot, seen = (slot + run) % count, seen + run
        return None

    def _value_at(self, at: int, key: bytes) -> bytes | None:
        """The value of the entry at ``at`` if its key is ``key``."""
        guess = self._read_upto(at, _LENGTHS.size + len(key) + _VALUE_GUESS)
        keylen, datalen = _LENGTHS.unpack_from(guess)
        if keylen != len(key) or guess[_LENGTHS.size:_LENGTHS.size + keylen] != key:
            return None
        start = _LENGTHS.size + keylen
        if len(guess) >= start + datalen:
            return guess[start:start + datalen]
        return self._read(at + start, datalen)

    def _read_upto(self, at: int, size: int) -> bytes:
        """Up to ``size`` bytes from ``at`` (fewer at the end of the file), at least the
        entry's lengths."""
        found = os.pread(self.fd, size, self.base + at)
        if len(found) < _LENGTHS.size:
            raise TermFileError("the term file is cut short")
        return found

    def terms(self, fieldname: str) -> Iterator[tuple[bytes, bytes]]:
        """Each term of ``fieldname`` in this segment and its ``W3TermInfo`` bytes, in the
        file's order (by field number, then by bytes), read a piece at a time."""
        number = self.fieldmap.get(fieldname)
        if number is None:
            return
        prefix = _USHORT.pack(number)
        at, end = _HEAD_SIZE, self.tables[0][0]  # the first hash table ends the entries
        buf, start = b"", at  # ``buf`` holds the file from ``start``
        while at < end:
            o = at - start
            if o + _LENGTHS.size > len(buf):
                buf, start, o = self._read(at, min(_SCAN_BYTES, end - at)), at, 0
            keylen, datalen = _LENGTHS.unpack_from(buf, o)
            size = _LENGTHS.size + keylen + datalen
            if o + size > len(buf):
                if at + size > end:
                    raise TermFileError("the term file's entries are cut short")
                buf, start, o = self._read(at, min(max(_SCAN_BYTES, size), end - at)), at, 0
            k = o + _LENGTHS.size
            if buf[k:k + 2] == prefix:
                yield buf[k + 2:k + keylen], buf[k + keylen:o + size]
            at += size


def postings_extent(info: bytes) -> tuple[int, int] | None:
    """Where a term's postings are in the posting file (offset, length), from its entry;
    None if they are inlined in the entry (not in an index kirinuki's codec wrote)."""
    if info[0]:
        return None
    if len(info) < _INFO.size + _WHERE.size:
        raise TermFileError("a term's entry is cut short")
    return _WHERE.unpack_from(info, _INFO.size)


def doc_frequency(info: bytes) -> int:
    """The documents holding the term in this segment (deleted ones included, as Whoosh
    counts them)."""
    return _INFO.unpack_from(info)[2]


def frequencies(info: bytes) -> tuple[int, float]:
    """(documents holding the term, its total weight: occurrences × the field's boost)."""
    _flags, weight, df = _INFO.unpack_from(info)[:3]
    return df, weight
