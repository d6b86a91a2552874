"""Whoosh's on-disk format, and the one place in kirinuki that knows it.

kirinuki keeps Whoosh's files (an index Whoosh itself can open, search and merge, through
the codec each segment names), but writes and reads them its own way where Whoosh's is
slow, and that needs Whoosh's private parts. They are all here:

- ``blocks``: a posting block's data as kirinuki writes it, arrays instead of Whoosh's
  pickle (the one part of the files that is not Whoosh's own; Whoosh's framing around it is).
- ``write``: a segment writer that keeps postings per term in arrays and writes them a field
  at a time: subclasses ``whoosh.writing.SegmentWriter`` (overrides ``_flush_segment``,
  reaches ``_postfile``, ``_tindex``, ``_postwriter``, ``_format``, ``_fieldid`` of its field
  writer) and writes what ``W3FieldWriter`` and ``W3PostingsWriter`` would: each list's
  header (``WHOOSH3_HEADER_MAGIC``), each block's framing, ``W3TermInfo``'s struct, and the
  terms file's entries and hash tables (``filetables``' ``_lengths`` and ``_pointer``, the
  ordered hash writer's ``index``, ``buckets``, ``directory``, ``lastkey``, ``hashfn`` and
  its ``_write_hashes``); ``W3PostingsWriter`` subclassed for Whoosh's own writers
  (``_write_block`` rewritten with ``blocks.encode``, its block buffers, ``_mini_values``).
- ``read``: posting lists decoded straight from the posting files: the W3 block header
  (``W3Bl``), the framing of each block (its length, the pickled info tuple), the term
  info's offsets; Whoosh's pickled block tuples for segments Whoosh wrote.
- ``terms``: a segment's term file (``.trm``, Whoosh's ordered hash file: its head, hash
  tables and their directory, the pickled extras' ``fieldmap``, the key as field number
  and term bytes, ``W3TermInfo``'s struct and the postings' offset and length after it).
- ``segments``: ``W3Codec`` subclassed (``length_stats``, compression, a matcher
  (``W3LeafMatcher._read_data``) that reads ``blocks``' data), a writer opened
  with ``_lk=False``, ``SegmentWriter._finalize_segment`` and ``_close_segment`` for
  worker processes.
- ``perdoc``: ``SegmentReader._perdoc``, its ``_cached_reader`` and a column's
  ``_dbfile`` / ``_basepos`` / ``_count`` for deletions and field lengths.

Whoosh is pinned (``whoosh-reloaded==2.7.5`` in pyproject.toml). An upgrade must re-run
``tests/system/test_writer.py`` (the files as Whoosh's own writer makes them: byte for byte
but for the postings, whose every list Whoosh's matchers read the same)
and ``tests/system/test_engine_equivalence.py`` (scores and orders as Whoosh's searcher),
and re-read each name above in the new version.
"""

from .perdoc import byte_values, deleted_docs, field_lengths
from .read import DamagedIndexError, PostingReader, Postings
from .segments import (
    Codec,
    cancel_segment,
    finish_segment,
    new_writer,
    worker_writer,
    writer_options,
)

__all__ = ["Codec", "DamagedIndexError", "PostingReader", "Postings", "byte_values",
           "cancel_segment", "deleted_docs", "field_lengths", "finish_segment", "new_writer",
           "worker_writer", "writer_options"]
