"""What Whoosh keeps per document, read as arrays: deletions, field lengths and a sortable
field's values."""

from __future__ import annotations

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN
from whoosh.columns import VarBytesColumn
from whoosh.util.numeric import byte_to_length

# Whoosh keeps a field's length per document as one byte (a logarithmic scale).
BYTE_LENGTHS = np.array([byte_to_length(b) for b in range(256)], dtype=np.float32)


def deleted_docs(leaf) -> np.ndarray:
    """The deleted documents of one segment's reader (its own numbers)."""
    return np.fromiter(leaf._perdoc.deleted_docs(), dtype=np.int64)


def field_lengths(leaf, fieldname: str) -> np.ndarray | None:
    """The length Whoosh scores ``fieldname`` with in each document of one segment, or
    None when the segment has no such column."""
    column = leaf._perdoc._cached_reader(f"_{fieldname}_len", LENGTHS_COLUMN)
    if column is None:
        return None
    raw = column._dbfile.get(column._basepos, column._count)
    return BYTE_LENGTHS[np.frombuffer(raw, dtype=np.uint8)]


def byte_values(leaf, fieldname: str) -> np.ndarray | None:
    """A sortable field's value in each document of one segment, as a NumPy bytes array
    (padded with zero bytes, which sort first: the order of the values themselves), or None
    when its column is not Whoosh's VarBytesColumn.

    Whoosh's reader returns one value per call (4.4 s for a million documents); the
    column is the values' bytes end to end with a table of their lengths, read here in one
    piece."""
    column = leaf.schema[fieldname].column_type
    if not isinstance(column, VarBytesColumn):
        return None
    reader = leaf._perdoc.column_reader(fieldname, column)
    if not isinstance(reader, VarBytesColumn.Reader):
        return None
    lengths = np.asarray(reader._lengths, dtype=np.int64)
    if not len(lengths):
        return np.zeros(0, dtype="S1")
    width = max(int(lengths.max()), 1)
    data = np.frombuffer(reader._dbfile.get(reader._basepos, int(lengths.sum())), np.uint8)
    starts = np.cumsum(lengths) - lengths
    inside = np.arange(width) < lengths[:, None]
    padded = np.zeros((len(lengths), width), dtype=np.uint8)
    padded[inside] = data[(starts[:, None] + np.arange(width))[inside]]
    return padded.view(f"S{width}").ravel()

