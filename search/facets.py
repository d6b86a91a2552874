"""Facets: declared once here, counted over columns of value codes.

A :class:`Facet` says everything about one facet — its request key, index field, URL
parameter, label, whether a record holds several values, the order and how many values to
return — and the engine, the page, the API and the command line all read :data:`FACETS`.

Counting follows Lucene's doc values: when an index is opened, each facet field becomes a
:class:`Column`, every (document, value code) pair in two NumPy arrays. A facet's counts over
the matching documents are one ``bincount`` of the codes whose document matches, so a search
costs what its matches cost, not what the archive holds. Counts are disjunctive within a
facet and conjunctive across facets: a facet is counted over the documents that match the
query and every OTHER facet's selection, so ticking 読売新聞 does not make the other outlets
vanish.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np


@dataclass(frozen=True)
class Facet:
    key: str  # the engine's, the API's and the JSON's name
    field: str  # the index field holding the values
    param: str  # the URL's and the command line's parameter
    attr: str  # the SearchRequest attribute holding the chosen values
    label: str  # what the page calls it
    multi: bool  # a record may hold several values
    order: Literal["count", "value"]  # most frequent first, or largest value (newest) first
    limit: int | None  # values returned, chosen ones always added (None: all)
    # Values the page lists before its "すべて表示" disclosure (None: all); the page asks
    # for every value (SearchRequest.all_values), so a rare one can still be ticked.
    shown: int | None = 8


FACETS: tuple[Facet, ...] = (
    Facet("source", "source", "source", "sources", "媒体", False, "count", 30),
    Facet("country", "countries", "country", "countries", "国・地域", True, "count", 30),
    Facet("organization", "organizations", "org", "organizations", "機関", True, "count", 30),
    Facet("collection", "collections", "collection", "collections", "アーカイブ", True, "count",
          None),
    Facet("year", "year", "year", "years", "年", False, "value", None),
    # Counted only when one year is chosen (the page shows that year's months).
    Facet("month", "month", "month", "months", "月", False, "value", None, shown=None),
)
BY_KEY: dict[str, Facet] = {f.key: f for f in FACETS}
BY_PARAM: dict[str, Facet] = {f.param: f for f in FACETS}


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

    @classmethod
    def from_lists(cls, per_doc: Sequence[Iterable[str]]) -> Column:
        """A column from each document's values (document n is ``per_doc[n]``)."""
        values = sorted({v for vs in per_doc for v in vs})
        code = {v: n for n, v in enumerate(values)}
        pairs = [(d, code[v]) for d, vs in enumerate(per_doc) for v in dict.fromkeys(vs)]
        docs = np.array([d for d, _ in pairs], dtype=np.int32)
        codes = np.array([c for _, c in pairs], dtype=np.int32)
        return cls(values, docs, codes, len(per_doc))

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

    def counts(self, mask: np.ndarray) -> np.ndarray:
        """How many documents in ``mask`` hold each value (indexed by code)."""
        return np.bincount(self.codes[mask[self.docs]], minlength=len(self.values))


def narrow(base: np.ndarray, selections: Mapping[str, np.ndarray | None],
           except_key: str | None = None) -> np.ndarray:
    """``base`` and every facet's selection but ``except_key``'s (None: nothing chosen)."""
    docs = base
    for key, chosen in selections.items():
        if chosen is not None and key != except_key:
            docs = docs & chosen
    return docs


def count(facet: Facet, column: Column, mask: np.ndarray,
          chosen: Sequence[str] = (), every: bool = False) -> list[FacetValue]:
    """The values of ``facet`` among the documents in ``mask``, in the facet's order.

    Values no document holds are left out unless chosen; past the facet's limit only
    chosen values are kept, so a ticked value never disappears from the list. ``every``
    lifts the limit (a page that lets the user reach a rare value).
    """
    counts = column.counts(mask)
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
