"""Per-document columns of an opened index, read once (Lucene calls these doc values).

Sorting newest-first, filtering by date, scoring and counting facets all ask one question
of every matching document. Whoosh answers it a document at a time (its reversed column
sort searches all distinct keys for each match); here each answer is an array indexed by
document number, so a search does array lookups only.

The arrays are worked out from Whoosh's files when a build is written and saved beside them
(``COLUMNS_FILE``, NumPy's uncompressed ``.npz``): opening an index then reads them in a
fraction of a second, where working them out took 9.5 s at a million records (the sort
keys read one by one through Whoosh's column reader, every facet value's posting list).
A build without the file (made before it existed) works them out as before.
"""

from __future__ import annotations

import json
import os
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np

from ..facets import FACETS, Column
from .codec import byte_values, deleted_docs, field_lengths
from .codec.read import PostingReader

SCORED_FIELDS = ("title", "body", "notes", "outlet")
COLUMNS_FILE = "columns.npz"
_FORMAT = 1


@dataclass
class Columns:
    size: int  # document numbers run 0 .. size-1, deleted ones included
    live: np.ndarray  # bool: not deleted
    rank: np.ndarray  # int32: position in (date, time, id) order, newest the largest
    day: np.ndarray  # int32: yyyymmdd, 0 for an undated record
    lengths: dict[str, np.ndarray]  # field → its length in each document, as Whoosh scores it
    avg_length: dict[str, float]  # field → Whoosh's average length (over all documents)
    facets: dict[str, Column]  # facet key → its values
    _by_rank: np.ndarray | None = field(default=None, init=False, repr=False, compare=False)
    _live_docs: np.ndarray | None = field(default=None, init=False, repr=False, compare=False)
    _none_deleted: bool | None = field(default=None, init=False, repr=False, compare=False)
    _norms: dict[str, np.ndarray] = field(default_factory=dict, init=False, repr=False,
                                          compare=False)

    def norm(self, fieldname: str, b: float, k1: float) -> np.ndarray | None:
        """BM25's length normalisation of ``fieldname`` for every document,
        ``k1 * ((1 - b) + b * length / average)`` (None: the field is not scored): worked
        out once per opened index, as a term's scoring did for its documents each time.
        Shared: not to be changed."""
        found = self._norms.get(fieldname)
        if found is None:
            lengths = self.lengths.get(fieldname)
            if lengths is None:
                return None
            dl = lengths.astype(np.float64)
            found = k1 * ((1 - b) + b * dl / self.avg_length[fieldname])
            found.flags.writeable = False
            self._norms[fieldname] = found  # two threads may both work it out: the same
        return found

    def none_deleted(self) -> bool:
        """Whether every document is live (a build no update has touched): a posting list
        needs no filtering then. Worked out once."""
        if self._none_deleted is None:
            self._none_deleted = bool(self.live.all())
        return self._none_deleted

    def live_docs(self) -> np.ndarray:
        """The live documents' numbers, ascending (what a search without words matches):
        worked out once. Shared: not to be changed."""
        if self._live_docs is None:
            docs = np.flatnonzero(self.live).astype(np.int32)
            docs.flags.writeable = False
            self._live_docs = docs
        return self._live_docs

    def by_rank(self) -> np.ndarray:
        """The documents in ``rank`` order, oldest first (deleted ones included): built on
        first use, the same whichever thread builds it."""
        if self._by_rank is None:
            order = np.empty(self.size, dtype=np.int32)
            order[self.rank] = np.arange(self.size, dtype=np.int32)
            self._by_rank = order
        return self._by_rank

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


# A segment's facet values, each with its documents (the segment's own numbers): what a
# build's writer held before writing the segment (``segment_facets``)
SegmentFacets = dict[str, dict[str, np.ndarray]]


def segment_facets(writer) -> SegmentFacets:
    """Each facet field's values and their documents in the segment ``writer`` is about to
    write (its ``term_docs``): a build hands them to ``read_columns`` with the segment, so
    that the columns need not read every value's postings back (12 ms of the bundled
    corpus's 0.4 s reindex, all of it after the workers, on one core)."""
    found: SegmentFacets = {}
    for facet in FACETS:
        if facet.field in writer.schema:
            found[facet.field] = {term.decode("utf-8"):
                                  np.frombuffer(docs, dtype=f"u{docs.itemsize}").astype(np.int32)
                                  for term, docs in writer.term_docs(facet.field).items()}
    return found


def read_columns(reader, postings: PostingReader,
                 known: list[SegmentFacets] | None = None) -> Columns:
    """The columns of the index ``reader`` reads (a reader, not a searcher: a build has no
    use for Whoosh's searching module, whose import compiles its English stemmer's
    patterns). ``known``: each segment's ``segment_facets``, in the reader's order, from the
    build that wrote them; else each value's documents are read from its postings."""
    size = reader.doc_count_all()
    live = np.ones(size, dtype=bool)
    for leaf, base in reader.leaf_readers():
        if leaf.has_deletions():
            dead = deleted_docs(leaf)
            live[dead + base] = False
    keys = sort_keys(reader, size)
    order = np.argsort(keys, kind="stable")
    rank = np.empty(size, dtype=np.int32)
    rank[order] = np.arange(size, dtype=np.int32)
    day = days(keys)
    lengths = {f: _lengths(reader, f, size) for f in SCORED_FIELDS if f in reader.schema}
    avg = {f: (reader.field_length(f) / (size or 1)) or 1 for f in lengths}
    leaves = list(reader.leaf_readers())
    if known is not None and len(known) != len(leaves):
        raise ValueError(f"facets of {len(known)} segments for {len(leaves)}")
    facets = {}
    for facet in FACETS:
        values = {}
        if facet.field in reader.schema and known is not None:
            values = _joined_values([(k.get(facet.field, {}), base)
                                     for k, (_leaf, base) in zip(known, leaves, strict=True)])
        elif facet.field in reader.schema:
            for term in reader.lexicon(facet.field):
                value = term.decode("utf-8") if isinstance(term, bytes) else term
                values[value] = postings.postings(reader, facet.field, value).docs
        facets[facet.key] = Column.from_postings(size, {
            v: d[live[d]] for v, d in values.items() if live[d].any()})
    return Columns(size, live, rank, day, lengths, avg, facets)


def _joined_values(parts: list[tuple[dict[str, np.ndarray], int]]) -> dict[str, np.ndarray]:
    """Each value's documents over the segments, in order (each's numbers plus its base),
    as its postings over them read."""
    found: dict[str, list[np.ndarray]] = {}
    for values, base in parts:
        for value, docs in values.items():
            found.setdefault(value, []).append(docs + base)
    return {value: lists[0] if len(lists) == 1 else np.concatenate(lists)
            for value, lists in found.items()}


def sort_keys(reader, size: int) -> np.ndarray:
    """Every document's ``sortkey`` (``date time id``), as UTF-8 bytes, which sort as the
    strings do: the newest-first rank and the days come from them."""
    parts = [byte_values(leaf, "sortkey") for leaf, _ in reader.leaf_readers()]
    if any(p is None for p in parts):  # a column of another kind: Whoosh reads it
        found = [k if isinstance(k, bytes) else k.encode("utf-8")
                 for k in reader.column_reader("sortkey")]
        parts = [np.array(found, dtype=bytes)] if found else []
    width = max((p.dtype.itemsize for p in parts), default=1)
    keys = np.concatenate([p.astype(f"S{width}") for p in parts]) if parts \
        else np.zeros(0, dtype="S1")
    if len(keys) != size:
        raise ValueError(f"{len(keys)} sort keys for {size} documents")
    return keys


def days(keys: np.ndarray) -> np.ndarray:
    """The day (YYYYMMDD) each key begins with (``YYYY-MM-DD``, 0000-00-00 undated)."""
    if not len(keys):
        return np.zeros(0, dtype=np.int32)
    chars = np.frombuffer(keys.astype("S10").tobytes(), np.uint8).reshape(len(keys), 10)
    digits = chars[:, [0, 1, 2, 3, 5, 6, 8, 9]].astype(np.int32) - ord("0")
    return (digits * (10 ** np.arange(7, -1, -1, dtype=np.int32))).sum(axis=1,
                                                                       dtype=np.int32)


def _lengths(reader, fieldname: str, size: int) -> np.ndarray:
    """Whoosh's per-document lengths of ``fieldname``, decoded, for every document."""
    out = np.zeros(size, dtype=np.float32)
    for leaf, base in reader.leaf_readers():
        lengths = field_lengths(leaf, fieldname)
        if lengths is not None:
            out[base:base + len(lengths)] = lengths
    return out


def save_columns(build: Path, columns: Columns) -> None:
    """Write ``columns`` into the build's folder (before its checksums are taken)."""
    arrays = {"live": columns.live, "rank": columns.rank, "day": columns.day}
    for name, lengths in columns.lengths.items():
        arrays[f"lengths/{name}"] = lengths
    for key, column in columns.facets.items():
        arrays[f"facet/{key}/docs"] = column.docs
        arrays[f"facet/{key}/codes"] = column.codes
    head = {"format": _FORMAT, "size": columns.size, "avg_length": columns.avg_length,
            "lengths": list(columns.lengths),
            "facets": {key: column.values for key, column in columns.facets.items()}}
    arrays["head"] = np.frombuffer(json.dumps(head, ensure_ascii=False).encode("utf-8"),
                                   dtype=np.uint8)
    part = build / (COLUMNS_FILE + ".part")
    with open(part, "wb") as fh:
        np.savez(fh, **arrays)
    os.replace(part, build / COLUMNS_FILE)


def load_columns(build: Path, size: int) -> Columns | None:
    """The columns saved with the build, or None if it has none of this format and size
    (then ``read_columns`` works them out). Damaged bytes raise: the checksums say so."""
    path = build / COLUMNS_FILE
    if not path.exists():
        return None
    try:
        with open(path, "rb") as fh, np.load(fh, allow_pickle=False) as saved:
            head = json.loads(saved["head"].tobytes().decode("utf-8"))
            if head.get("format") != _FORMAT or head.get("size") != size \
                    or set(head.get("facets", ())) != {facet.key for facet in FACETS}:
                return None
            facets = {key: Column(values, saved[f"facet/{key}/docs"],
                                  saved[f"facet/{key}/codes"], size)
                      for key, values in head["facets"].items()}
            return Columns(size, saved["live"], saved["rank"], saved["day"],
                           {name: saved[f"lengths/{name}"] for name in head["lengths"]},
                           head["avg_length"], facets)
    except (KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise DamagedColumnsError(f"{COLUMNS_FILE} cannot be read: {exc}") from exc


class DamagedColumnsError(ValueError):
    """The saved columns of a build cannot be read: its files are damaged."""
