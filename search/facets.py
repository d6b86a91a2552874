"""Facets: declared once here, counted over columns of value codes.

A :class:`Facet` says everything about one facet — its key, index field, URL and command-line
parameter, label, how a record gets its values (a field of the record, its date, or an
extractor run over its title and text), the names the query language gives it, how a typed
value resolves to one of its values, whether a record holds several values, the order and
how many values to return — and the build, the index, the engine, the query language, the
page, the API, the exports and the command line all read :data:`FACETS`. Adding a facet is
one declaration here, its extractor and its data table.

Counting follows Lucene's doc values: when an index is opened, each facet field becomes a
:class:`Column`, every (document, value code) pair in two NumPy arrays. A facet's counts over
the matching documents are one ``bincount`` of the codes whose document matches, so a search
costs what its matches cost, not what the archive holds. Counts are disjunctive within a
facet and conjunctive across facets: a facet is counted over the documents that match the
query and every OTHER facet's selection, so ticking 読売新聞 does not make the other outlets
vanish.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import numpy as np

# Where a record's values of a facet come from: a field of the record as parsed, its date,
# or an extractor over its title and text, run when the record is annotated.
Origin = Literal["record", "date", "extracted"]


@dataclass(frozen=True)
class Facet:
    key: str  # the engine's, the API's and the JSON's name
    field: str  # the index field holding the values (and the record's, JSON's, export's key)
    param: str  # the URL's and the command line's parameter; the understood line's field
    label: str  # what the page calls it
    multi: bool  # a record may hold several values
    order: Literal["count", "value"]  # most frequent first, or largest value (newest) first
    limit: int | None  # values returned, chosen ones always added (None: all)
    # Values the page lists before its "すべて表示" disclosure (None: all); the page asks
    # for every value (SearchRequest.all_values), so a rare one can still be ticked.
    shown: int | None = 8
    origin: Origin = "extracted"
    # Hooks, each "module:function", imported when first used (this module imports none):
    extract: str | None = None  # (title, text) -> the record's values, in order
    resolve: str | None = None  # a typed value (豪, 讀賣) -> the facet's value, or None
    spellings: str | None = None  # a value -> its other names (completion, ranking)
    codes: str | None = None  # values -> codes, exported beside them as ``<key>_codes``
    names: tuple[str, ...] = ()  # the query language's field names (country:, 国:)
    # a value a field term cannot resolve is searched in this text field (媒体名の一部),
    # else as a plain word
    text_field: str | None = None
    keywords: bool = False  # the record's keywords: on each result, RIS KW, Atom categories
    # the RIS tag its values are exported under besides (DB: the database a record was
    # found in, its archive; N1: a note, "機関: NATO・EU"), "" for none
    ris: Literal["", "DB", "N1"] = ""
    # its chosen values may be asked for all at once (a request's ``match_all``): articles
    # naming every ticked country (日米豪), not any of them
    conjunctive: bool = False
    completed: int = 0  # offered as a filter while typing, in this order (0: not offered)
    # listed only when exactly one value of this facet is chosen (months within a year)
    within: str | None = None
    date_part: int = 0  # of a date facet: the characters of the ISO date it keeps (2024-06)
    # a record's values recur across records, so the writer analyses each distinct one once
    # (not the countries a clipping names, in order: nearly as many as the clippings)
    repeats: bool = True

    def values_of(self, record) -> list[str]:
        """A record's values of this facet."""
        if self.origin == "date":
            return [record.date[:self.date_part]] if record.date else []
        if self.origin == "record":
            value = getattr(record, self.field)
            return list(value) if self.multi else [value] if value else []
        return list(record.facets.get(self.key, ()))

    def call(self, hook: str, *args):
        """Run one of this facet's hooks."""
        return _hook(getattr(self, hook))(*args)


@lru_cache(maxsize=64)
def _hook(path: str) -> Callable:
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


FACETS: list[Facet] = [
    Facet("source", "source", "source", "媒体", False, "count", 30, origin="record",
          resolve="search.corpus.outlets:canonical", spellings="search.corpus.outlets:spellings",
          names=("source", "outlet", "媒体"), text_field="outlet", completed=2),
    Facet("country", "countries", "country", "国・地域", True, "count", 30,
          extract="search.corpus.places:countries_of",
          resolve="search.corpus.gazetteer:country_name",
          spellings="search.corpus.gazetteer:country_spellings",
          codes="search.corpus.gazetteer:country_codes",
          names=("country", "国"), keywords=True, completed=1, repeats=False,
          conjunctive=True),
    Facet("organization", "organizations", "org", "機関", True, "count", 30,
          extract="search.corpus.places:organizations_of",
          resolve="search.corpus.gazetteer:organization_name",
          spellings="search.corpus.gazetteer:organization_spellings",
          names=("org", "organization", "機関"), completed=3, ris="N1", conjunctive=True),
    Facet("collection", "collections", "collection", "アーカイブ", True, "count", None,
          origin="record", names=("collection", "archive", "アーカイブ"), ris="DB"),
    Facet("year", "year", "year", "年", False, "value", None, origin="date", date_part=4),
    Facet("month", "month", "month", "月", False, "value", None, shown=None, origin="date",
          within="year", date_part=7),
]
BY_KEY: dict[str, Facet] = {f.key: f for f in FACETS}
BY_PARAM: dict[str, Facet] = {f.param: f for f in FACETS}
BY_NAME: dict[str, Facet] = {n: f for f in FACETS for n in f.names}


def extracted() -> list[Facet]:
    """The facets whose values an extractor finds in a record's title and text."""
    return [f for f in FACETS if f.origin == "extracted"]


def listed() -> list[Facet]:
    """The facets a record lists as its own (not derived from its date), source first."""
    return [f for f in FACETS if f.origin != "date"]


def row_facets() -> list[Facet]:
    """The facets a result row, a record page and an export list: every multi-valued
    facet a record holds itself (countries, organisations, archives …)."""
    return [f for f in listed() if f.multi]


def keyword_facets() -> list[Facet]:
    """The facets whose values are a record's keywords (on each result, RIS KW, Atom)."""
    return [f for f in FACETS if f.keywords]


@contextmanager
def declared(facet: Facet) -> Iterator[Facet]:
    """``facet`` among the declared facets for a while (a test's, a plug-in's)."""
    if facet.key in BY_KEY or facet.param in BY_PARAM or set(facet.names) & set(BY_NAME):
        raise ValueError(f"a facet named {facet.key!r} ({facet.param}) is already declared")
    FACETS.append(facet)
    _index()
    try:
        yield facet
    finally:
        FACETS.remove(facet)
        _index()


def _index() -> None:
    for table, keys in ((BY_KEY, lambda f: [f.key]), (BY_PARAM, lambda f: [f.param]),
                        (BY_NAME, lambda f: list(f.names))):
        table.clear()
        table.update({k: f for f in FACETS for k in keys(f)})


@dataclass
class FacetValue:
    value: str
    count: int
    selected: bool

    def to_dict(self) -> dict:
        return {"value": self.value, "count": self.count, "selected": self.selected}


class Column:
    """One facet field for every document: (document, value code) pairs and the values.

    ``values`` are sorted; ``docs`` and ``codes`` have one entry per pair, so a document
    with three countries appears three times and one with none not at all.
    """

    def __init__(self, values: Sequence[str], docs: np.ndarray, codes: np.ndarray,
                 size: int) -> None:
        self.values = list(values)
        self.docs = np.asarray(docs, dtype=np.int32)
        self.codes = np.asarray(codes, dtype=np.int32)
        self.size = size
        self._code = {v: n for n, v in enumerate(self.values)}
        self._by_doc: tuple[np.ndarray, np.ndarray] | None = None  # ``by_document``
        self._by_value: _ByValue | None = None  # ``by_value``
        # the live documents ``counts`` was given, how many, and their counts once asked for
        self._everything: tuple[np.ndarray, int, np.ndarray | None] | None = None

    @classmethod
    def from_postings(cls, size: int, postings: Mapping[str, np.ndarray]) -> Column:
        """A column from each value's documents (the field's posting lists)."""
        values = sorted(postings)
        lists = [np.asarray(postings[v], dtype=np.int32) for v in values]
        docs = np.concatenate(lists) if lists else np.zeros(0, np.int32)
        codes = np.repeat(np.arange(len(values), dtype=np.int32), [len(x) for x in lists])
        return cls(values, docs, codes, size)

    def __contains__(self, value: str) -> bool:
        return value in self._code

    def code(self, value: str) -> int:
        """The value's number (its place in ``values``); KeyError if no document holds it."""
        return self._code[value]

    def having(self, chosen: Iterable[str]) -> np.ndarray:
        """A mask of the documents holding any of the ``chosen`` values (from each value's
        own documents, ``by_value``: not a look at every pair, 8 to 13 ms at a million)."""
        return self.by_value().having([self._code[v] for v in chosen if v in self._code])

    def having_all(self, chosen: Iterable[str]) -> np.ndarray:
        """A mask of the documents holding every one of the ``chosen`` values."""
        mask = np.ones(self.size, dtype=bool)
        for value in chosen:
            mask &= self.having([value])
        return mask

    def counts(self, mask: np.ndarray, live: np.ndarray | None = None) -> np.ndarray:
        """How many documents in ``mask`` hold each value (indexed by code).

        A mask of few documents is counted from those documents' values (``by_document``,
        as Lucene's doc values are read), in time with the matches; a mask of many, value by
        value against the documents holding it (``by_value``: bitmaps for common values).
        ``live``: the index's live documents. A mask that is all of them (the empty query,
        or a facet's own selection left out of its counts) is counted once and remembered:
        at a million records that pass took 20 to 30 ms a facet. The answer is shared:
        not to be changed.
        """
        if live is not None:
            known = self._everything
            if known is None or known[0] is not live:
                known = self._everything = (live, int(np.count_nonzero(live)), None)
            if int(np.count_nonzero(mask)) == known[1] and np.array_equal(mask, live):
                if known[2] is None:  # two threads may both count: the same counts
                    known = self._everything = (live, known[1], self._counts(mask))
                return known[2]
        return self._counts(mask)

    def _counts(self, mask: np.ndarray) -> np.ndarray:
        picked = int(np.count_nonzero(mask))
        if picked * SPARSE_SHARE >= self.size:
            return self.by_value().counts(mask)
        return self.counts_by_document(mask)

    def counts_by_document(self, mask: np.ndarray) -> np.ndarray:
        """``counts`` from the documents' own values (``by_document``): in time with the
        documents in ``mask``, whatever the column holds."""
        codes, starts = self.by_document()
        chosen = np.flatnonzero(mask)
        begin = starts[chosen]
        lengths = starts[chosen + 1] - begin
        # the positions begin .. begin + length - 1 of every picked document, in one array
        before = np.cumsum(lengths) - lengths
        at = np.repeat(begin - before, lengths) + np.arange(int(lengths.sum()))
        return np.bincount(codes[at], minlength=len(self.values))

    def by_value(self) -> _ByValue:
        """Each value's documents as a bitmap (values held by many) or a list (the others):
        what a mask of many documents is counted against. Built on first use, like
        ``by_document``."""
        if self._by_value is None:
            self._by_value = _ByValue.of(self)
        return self._by_value

    def by_document(self) -> tuple[np.ndarray, np.ndarray]:
        """The value codes ordered by document, and where each document's begin (its
        ``starts[d]`` to ``starts[d + 1]``): built on first use (the index's warm-up asks
        for it), the same whichever thread builds it."""
        if self._by_doc is None:
            order = np.argsort(self.docs, kind="stable")
            starts = np.zeros(self.size + 1, dtype=np.int64)
            np.cumsum(np.bincount(self.docs, minlength=self.size), out=starts[1:])
            self._by_doc = (self.codes[order], starts)
        return self._by_doc


# Below one document in SPARSE_SHARE matching, a facet is counted from the matching
# documents' values; above, value by value (``Column.counts``). At a million records the
# two cost alike (2.5 to 4.7 ms a facet) between 3 and 10 % of the documents.
SPARSE_SHARE = 20


@dataclass(frozen=True)
class _ByValue:
    """A column's documents by value, for counting a mask of many documents.

    A value held by more than one document in ``BITMAP_SHARE`` is a bitmap, one bit a
    document (smaller than its list of 4-byte numbers), counted against the mask's bits a
    64-bit word at a time; the other values' documents are looked up in the mask. At a
    million records this counts the countries of a third of the archive in 4 ms, where
    looking every (document, value) pair up took 34 ms (benchmarks/results/
    2026-12-07-facet-bitmaps.txt).
    """

    size: int
    dense: np.ndarray  # the codes of the values kept as bitmaps
    bitmaps: np.ndarray  # uint64, one row of packed bits per dense value (numpy's bit
    # order: document 0 the first byte's high bit), padded to whole words
    sparse: np.ndarray  # the codes of the others
    sparse_docs: np.ndarray  # their documents, value after value
    sparse_starts: np.ndarray  # where each sparse value's documents begin (and the end)
    width: int  # how many values the column has
    slots: np.ndarray  # by code: its row among the bitmaps, or -1 - its place among the others

    @classmethod
    def of(cls, column: Column) -> _ByValue:
        order = np.argsort(column.codes, kind="stable")
        codes, docs = column.codes[order], column.docs[order]
        width = len(column.values)
        starts = np.searchsorted(codes, np.arange(width + 1))
        held = np.diff(starts)
        dense = np.flatnonzero(held * BITMAP_SHARE > column.size)
        sparse = np.flatnonzero(held * BITMAP_SHARE <= column.size)
        bitmaps = np.zeros((len(dense), _words(column.size)), dtype=np.uint64)
        row = np.zeros(column.size, dtype=bool)
        for k, code in enumerate(dense):
            row[:] = False
            row[docs[starts[code]:starts[code + 1]]] = True
            bitmaps[k] = _packed(row)
        pieces = [docs[starts[code]:starts[code + 1]] for code in sparse]
        sparse_docs = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.int32)
        sparse_starts = np.zeros(len(sparse) + 1, dtype=np.int64)
        np.cumsum(held[sparse], out=sparse_starts[1:])
        slots = np.zeros(width, dtype=np.int64)
        slots[dense] = np.arange(len(dense))
        slots[sparse] = -1 - np.arange(len(sparse))
        return cls(column.size, dense, bitmaps, sparse, sparse_docs, sparse_starts, width,
                   slots)

    def having(self, codes: Iterable[int]) -> np.ndarray:
        """A mask of the documents holding any of the values ``codes``."""
        mask = np.zeros(self.size, dtype=bool)
        for code in codes:
            slot = int(self.slots[code])
            if slot >= 0:
                row = self.bitmaps[slot].view(np.uint8)
                mask |= np.unpackbits(row, count=self.size).view(bool)
            else:
                place = -1 - slot
                mask[self.sparse_docs[self.sparse_starts[place]:
                                      self.sparse_starts[place + 1]]] = True
        return mask

    def counts(self, mask: np.ndarray) -> np.ndarray:
        """How many documents in ``mask`` hold each value (indexed by code)."""
        out = np.zeros(self.width, dtype=np.int64)
        if len(self.dense):  # a word at a time: a third of the time bytes took
            out[self.dense] = np.bitwise_count(self.bitmaps & _packed(mask)).sum(
                axis=1, dtype=np.int64)
        if len(self.sparse):
            hits = np.flatnonzero(mask[self.sparse_docs])
            out[self.sparse] = np.diff(np.searchsorted(hits, self.sparse_starts))
        return out


def _words(size: int) -> int:
    return (size + 63) // 64


def _packed(mask: np.ndarray) -> np.ndarray:
    """``mask`` as bits in 64-bit words (``_ByValue.bitmaps``' layout)."""
    out = np.zeros(_words(len(mask)) * 8, dtype=np.uint8)
    out[:(len(mask) + 7) // 8] = np.packbits(mask)
    return out.view(np.uint64)


# A value held by more than one document in this many is kept as a bitmap (``_ByValue``):
# its bits then take less room than its documents' numbers.
BITMAP_SHARE = 32


def narrow(base: np.ndarray, selections: Mapping[str, np.ndarray | None],
           except_key: str | None = None) -> np.ndarray:
    """``base`` and every facet's selection but ``except_key``'s (None: nothing chosen)."""
    docs = base
    for key, chosen in selections.items():
        if chosen is not None and key != except_key:
            docs = docs & chosen
    return docs


def count(facet: Facet, column: Column, mask: np.ndarray,
          chosen: Sequence[str] = (), every: bool = False,
          live: np.ndarray | None = None) -> list[FacetValue]:
    """The values of ``facet`` among the documents in ``mask``, in the facet's order.

    Values no document holds are left out unless chosen; past the facet's limit only
    chosen values are kept, so a ticked value never disappears from the list. ``every``
    lifts the limit (a page that lets the user reach a rare value). ``live``: the index's
    live documents, whose counts the column remembers (``Column.counts``).
    """
    counts = column.counts(mask, live)
    picked = set(chosen)
    values = column.values
    # the values some document holds (few, for few matches), not a look at every value
    held = np.flatnonzero(counts)
    rows = [FacetValue(values[code], n, values[code] in picked)
            for code, n in zip(held.tolist(), counts[held].tolist(), strict=True)]
    rows += [FacetValue(v, 0, True) for v in dict.fromkeys(chosen)
             if v not in column or not counts[column.code(v)]]
    if facet.order == "value":
        rows.sort(key=lambda r: r.value, reverse=True)
    else:
        rows.sort(key=lambda r: (-r.count, r.value))
    if facet.limit is None or every:
        return rows
    return rows[:facet.limit] + [r for r in rows[facet.limit:] if r.selected]
