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

    def having(self, chosen: Iterable[str]) -> np.ndarray:
        """A mask of the documents holding any of the ``chosen`` values."""
        wanted = [self._code[v] for v in chosen if v in self._code]
        mask = np.zeros(self.size, dtype=bool)
        if wanted:
            mask[self.docs[np.isin(self.codes, wanted)]] = True
        return mask

    def having_all(self, chosen: Iterable[str]) -> np.ndarray:
        """A mask of the documents holding every one of the ``chosen`` values."""
        mask = np.ones(self.size, dtype=bool)
        for value in chosen:
            mask &= self.having([value])
        return mask

    def counts(self, mask: np.ndarray, live: np.ndarray | None = None) -> np.ndarray:
        """How many documents in ``mask`` hold each value (indexed by code).

        A mask of few documents is counted from those documents' values (``by_document``,
        as Lucene's doc values are read), in time with the matches; a mask of many, in one
        pass over every (document, value) pair, which is then cheaper than gathering.
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
        picked = np.flatnonzero(mask)
        if len(picked) * SPARSE_SHARE >= len(self.docs):
            return np.bincount(self.codes[mask[self.docs]], minlength=len(self.values))
        codes, starts = self.by_document()
        begin = starts[picked]
        lengths = starts[picked + 1] - begin
        # the positions begin .. begin + length - 1 of every picked document, in one array
        before = np.cumsum(lengths) - lengths
        at = np.repeat(begin - before, lengths) + np.arange(int(lengths.sum()))
        return np.bincount(codes[at], minlength=len(self.values))

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


# Below one matching document in SPARSE_SHARE (document, value) pairs, a facet is counted
# from the matching documents' values; above, from every pair (``Column.counts``).
SPARSE_SHARE = 4


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
    rows = [FacetValue(value, int(n), value in picked)
            for value, n in zip(column.values, counts, strict=True) if n or value in picked]
    rows += [FacetValue(v, 0, True) for v in dict.fromkeys(chosen) if v not in column]
    if facet.order == "value":
        rows.sort(key=lambda r: r.value, reverse=True)
    else:
        rows.sort(key=lambda r: (-r.count, r.value))
    if facet.limit is None or every:
        return rows
    return rows[:facet.limit] + [r for r in rows[facet.limit:] if r.selected]
