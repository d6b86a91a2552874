"""Per-document columns of an opened index, read once (Lucene calls these doc values).

Sorting newest-first, filtering by date, scoring and counting facets all ask one question
of every matching document. Whoosh answers it a document at a time (its reversed column
sort searches all distinct keys for each match); here each answer is an array indexed by
document number, built when the index is opened, so a search does array lookups only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np

from ..facets import FACETS, Column
from .codec import deleted_docs, field_lengths
from .codec.read import PostingReader

SCORED_FIELDS = ("title", "body", "notes", "outlet")


@dataclass
class Columns:
    size: int  # document numbers run 0 .. size-1, deleted ones included
    live: np.ndarray  # bool: not deleted
    rank: np.ndarray  # int32: position in (date, time, id) order, newest the largest
    day: np.ndarray  # int32: yyyymmdd, 0 for an undated record
    lengths: dict[str, np.ndarray]  # field → its length in each document, as Whoosh scores it
    avg_length: dict[str, float]  # field → Whoosh's average length (over all documents)
    facets: dict[str, Column]  # facet key → its values

    def dated(self, start: datetime | None, end: datetime | None) -> np.ndarray:
        """A mask of the dated documents from ``start``'s day to ``end``'s (None: open)."""
        mask = self.day > 0
        if start is not None:
            mask &= self.day >= _yyyymmdd(start)
        if end is not None:
            mask &= self.day <= _yyyymmdd(end)
        return mask


def _yyyymmdd(moment: datetime) -> int:
    return moment.year * 10000 + moment.month * 100 + moment.day


def read_columns(searcher, postings: PostingReader) -> Columns:
    reader = searcher.reader()
    size = reader.doc_count_all()
    live = np.ones(size, dtype=bool)
    for leaf, base in reader.leaf_readers():
        if leaf.has_deletions():
            dead = deleted_docs(leaf)
            live[dead + base] = False
    keys = [k if isinstance(k, str) else k.decode("utf-8")
            for k in reader.column_reader("sortkey")]
    order = np.argsort(np.array(keys, dtype=object), kind="stable")
    rank = np.empty(size, dtype=np.int32)
    rank[order] = np.arange(size, dtype=np.int32)
    day = np.array([int(k[:10].replace("-", "")) for k in keys], dtype=np.int32) \
        if keys else np.zeros(0, dtype=np.int32)
    lengths = {f: _lengths(reader, f, size) for f in SCORED_FIELDS if f in reader.schema}
    avg = {f: (reader.field_length(f) / (size or 1)) or 1 for f in lengths}
    facets = {}
    for facet in FACETS:
        values = {}
        if facet.field in reader.schema:
            for term in reader.lexicon(facet.field):
                value = term.decode("utf-8") if isinstance(term, bytes) else term
                values[value] = postings.postings(searcher, facet.field, value).docs
        facets[facet.key] = Column.from_postings(size, {
            v: d[live[d]] for v, d in values.items() if live[d].any()})
    return Columns(size, live, rank, day, lengths, avg, facets)


def _lengths(reader, fieldname: str, size: int) -> np.ndarray:
    """Whoosh's per-document lengths of ``fieldname``, decoded, for every document."""
    out = np.zeros(size, dtype=np.float32)
    for leaf, base in reader.leaf_readers():
        lengths = field_lengths(leaf, fieldname)
        if lengths is not None:
            out[base:base + len(lengths)] = lengths
    return out
