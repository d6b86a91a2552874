"""What Whoosh keeps per document, read as arrays: deletions and field lengths."""

from __future__ import annotations

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN
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
