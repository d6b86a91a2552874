"""Writing segments the way kirinuki does: Whoosh's codec with three settings changed, a
writer that keeps postings per term (``write``), and the two calls a worker process makes
to write a segment the parent commits (as ``whoosh.multiproc`` does)."""

from __future__ import annotations

from whoosh.codec.whoosh3 import W3Codec, W3LeafMatcher

from . import blocks
from .write import BlockPostingsWriter, SegmentWriter

# Postings a block holds. A list of 300,000 postings decodes in 38 ms in blocks of 128,
# 9.9 in blocks of 1,024 and 6.4 in blocks of 4,096 (with positions: 131, 78 and 71 ms),
# and takes 15 % less room (benchmarks/block_size.py).
BLOCK_POSTINGS = 4096


class Codec(W3Codec):
    """Whoosh's own codec, without length statistics, with the fastest zlib level and
    larger blocks.

    - ``length_stats``: Whoosh would read back every posting's field length to keep a
      per-term minimum, used only to bound scores when skipping blocks, which kirinuki's
      engine never does, and it was a sizeable part of a build.
    - compression: zlib level 1 on posting blocks: close to level 3's size at a fraction of
      Whoosh's default's, and decompressing is C code, a small part of reading a posting
      list (benchmarks/results/design-measurements.md).
    - blocks of ``BLOCK_POSTINGS`` postings, not Whoosh's 128: kirinuki's engine reads a
      posting list whole, and each block costs its framing, its header and a call to zlib
      whatever it holds (``benchmarks/block_size.py``).
    """

    length_stats = False

    def __init__(self) -> None:
        super().__init__(blocklimit=BLOCK_POSTINGS, compression=1)

    def postings_reader(self, dbfile, terminfo, format_, term=None, scorer=None):
        """Whoosh's matcher of a posting list, reading kirinuki's block data
        (``LeafMatcher``)."""
        if terminfo.is_inlined():
            return super().postings_reader(dbfile, terminfo, format_, term, scorer)
        offset, length = terminfo.extent()
        return LeafMatcher(dbfile, offset, length, format_, term=term, scorer=scorer)

    def postings_writer(self, dbfile, byteids=False):
        """Whoosh's postings writer, which ``writer.SegmentWriter`` also gives whole terms."""
        return BlockPostingsWriter(dbfile, blocklimit=self._blocklimit, byteids=byteids,
                                   compression=self._compression,
                                   inlinelimit=self._inlinelimit)


class LeafMatcher(W3LeafMatcher):
    """Whoosh's matcher, given a block's data as unpickling Whoosh's own would give it.

    Whoosh walks the blocks itself (their framing is its own); only the data is
    ``blocks.encode``'s. Blocks Whoosh wrote are read its way."""

    def _read_data(self) -> None:
        data = self._postfile.get(self._dataoffset, self._nextoffset - self._dataoffset)
        if blocks.is_ours(data):
            self._data = blocks.decode_objects(data)
        else:
            super()._read_data()


def new_writer(ix, repeated: tuple[str, ...] = (), **kwargs) -> SegmentWriter:
    """A writer of a kirinuki index (``writer_options``, postings kept per term)."""
    return SegmentWriter(ix, **writer_options(repeated), **kwargs)


def writer_options(repeated: tuple[str, ...] = ()) -> dict:
    """Keyword arguments for every writer of a kirinuki index.

    ``compound=False``: Whoosh opens a file inside a compound segment by copying it into a
    BytesIO, per searcher: at 10,000 records each searcher held 95 MB. Plain segment files
    are memory-mapped and shared instead.

    No ``limitmb``: the writer keeps a segment's postings in memory, per term, until the
    segment is written (``writer.TermPool``), in arrays rather than Whoosh's pool of tuples,
    which spilled sorted runs to disk past ``limitmb`` and merged them back.

    ``repeated``: the fields whose distinct values are few (``schema.repeated_fields``).
    """
    return {"codec": Codec(), "compound": False, "repeated": repeated}


def worker_writer(ix, repeated: tuple[str, ...] = ()) -> SegmentWriter:
    """A writer for a worker process: no lock of its own (the parent holds the build's)."""
    return new_writer(ix, repeated, _lk=False)


def finish_segment(writer: SegmentWriter):
    """Write the worker's segment and hand it back, uncommitted, for the parent to add. Its
    postings are freed (``_close_segment`` empties the pool), so a worker can go on with
    another writer; the writer is not finished, which would remove the temporary folder
    the index's other writers share."""
    return writer._finalize_segment()


def cancel_segment(writer: SegmentWriter) -> None:
    """Give up a worker's segment: its files closed and its postings freed, the writer
    closed. Not Whoosh's ``cancel``, whose ``_finish`` removes the temporary folder the
    index's other writers share: a worker that failed took the column files of the one
    still writing with it (FileNotFoundError there, in place of the first worker's error).
    What it wrote stays in the build's folder, which the build removes."""
    writer._close_segment()
    writer.is_closed = True
