"""Writing segments as kirinuki does (search/index/codec/segments.py) and reading what Whoosh
keeps per document (search/index/codec/perdoc.py), on real indexes in ``tmp_path``."""

from __future__ import annotations

import numpy as np
import pytest
from whoosh import index as whoosh_index
from whoosh.filedb.structfile import StructFile
from whoosh.util.numeric import byte_to_length
from whoosh.writing import IndexingError

from search.index.codec import (
    Codec,
    cancel_segment,
    deleted_docs,
    field_lengths,
    finish_segment,
    new_writer,
    worker_writer,
    writer_options,
)
from search.index.codec.perdoc import BYTE_LENGTHS
from search.index.codec.write import BlockPostingsWriter, SegmentWriter
from search.index.schema import build_schema, to_document
from tests.unit.smallindex import build, record


@pytest.fixture()
def ix(tmp_path):
    return whoosh_index.create_in(str(tmp_path), build_schema())


def test_the_codec_is_whooshs_without_length_statistics_and_with_zlib_level_one():
    codec = Codec()
    assert codec.length_stats is False
    assert codec._compression == 1
    assert codec._blocklimit == 4096 and codec._inlinelimit == 1  # Whoosh's: 128 and 1


def test_the_codecs_postings_writer_takes_whole_terms(tmp_path):
    with open(tmp_path / "f", "wb") as f:
        writer = Codec().postings_writer(StructFile(f), byteids=True)
        assert type(writer) is BlockPostingsWriter
        assert (writer._blocklimit, writer._byteids, writer._compression,
                writer._inlinelimit) == (4096, True, 1, 1)
        assert Codec().postings_writer(StructFile(f))._byteids is False


def test_writer_options():
    options = writer_options(("kind", "outlet"))
    assert set(options) == {"codec", "compound", "repeated"}
    assert type(options["codec"]) is Codec
    assert options["compound"] is False and options["repeated"] == ("kind", "outlet")
    assert writer_options()["repeated"] == ()


def test_a_writer_writes_plain_segment_files_with_the_codec(ix, tmp_path):
    writer = new_writer(ix, ("kind",))
    assert type(writer) is SegmentWriter and type(writer.codec) is Codec
    assert writer._repeated == frozenset({"kind"})
    writer.add_document(**to_document(record("s0", "2025-01-01", "空母", "空母。"), []))
    writer.commit()
    names = sorted(p.suffix for p in tmp_path.iterdir() if "MAIN_" in p.name)
    assert ".seg" not in names and ".pst" in names and ".trm" in names
    other = new_writer(ix)
    try:
        assert other._repeated == frozenset()
    finally:
        other.cancel()


def test_a_writers_options_pass_through(ix):
    writer = new_writer(ix, docbase=7)
    try:
        assert writer.docbase == 7
    finally:
        writer.cancel()


def test_a_worker_writer_takes_no_lock_and_hands_its_segment_back_uncommitted(ix):
    parent = new_writer(ix)  # holds the index's lock, as the build does
    try:
        workers = [worker_writer(ix, ("kind",)) for _ in range(2)]
        assert workers[0]._repeated == frozenset({"kind"})
        for n, writer in enumerate(workers):
            for i in range(2 + n):
                writer.add_document(**to_document(
                    record(f"k{n}{i}", "2025-01-01", "空母", "空母。"), []))
        segments = [finish_segment(writer) for writer in workers]
        assert [s.doc_count_all() for s in segments] == [2, 3]
        assert ix.doc_count_all() == 0  # not committed
    finally:
        parent.commit(mergetype=lambda _writer, existing: list(existing) + segments)
    assert ix.doc_count_all() == 5
    with ix.reader() as reader:
        assert [leaf.doc_count_all() for leaf, _ in reader.leaf_readers()] == [2, 3]


def test_a_cancelled_worker_writer_is_closed_and_leaves_the_shared_folder(ix, tmp_path):
    """A worker giving up its segment closes its files and the writer (which then refuses
    documents), and leaves the temporary folder the index's writers share."""
    writer = worker_writer(ix)
    writer.add_document(**to_document(record("c1", "2025-01-01", "空母", "空母。"), []))
    cancel_segment(writer)
    assert writer.is_closed is True
    assert writer.perdocwriter.is_closed and writer.fieldwriter.is_closed
    assert (tmp_path / f"{ix.indexname}.tmp").is_dir()
    with pytest.raises(IndexingError, match="closed"):
        writer.add_document(**to_document(record("c2", "2025-01-01", "空母", "空母。"), []))


def test_deleted_documents_and_field_lengths_of_each_segment(tmp_path):
    ix = build(tmp_path, [[record("a", "2025-01-01", "空母 潜水艦 演習", "空母。", notes=("注",)),
                           record("b", "2025-01-01", "空母", "空母。空母。")],
                          [record("c", "2025-01-01", "大使", "大使。")]],
               deleted=("b", "c"))
    with ix.reader() as reader:
        (first, _), (second, _) = reader.leaf_readers()
        dead = deleted_docs(first)
        assert dead.dtype == np.int64 and dead.tolist() == [1]
        assert deleted_docs(second).tolist() == [0]
        title = field_lengths(first, "title")
        assert title.dtype == np.float32
        assert title.tolist() == [first.doc_field_length(d, "title") for d in (0, 1)]
        assert title.tolist()[0] > title.tolist()[1] > 0
        assert field_lengths(first, "notes").tolist()[0] > 0
        assert field_lengths(second, "notes") is None  # no document of it has notes
        assert field_lengths(second, "body").tolist() == [second.doc_field_length(0, "body")]


def test_a_segment_without_deletions(tmp_path):
    ix = build(tmp_path, [[record("a", "2025-01-01", "空母", "空母。")]])
    with ix.reader() as reader:
        assert deleted_docs(reader).tolist() == []


def test_byte_lengths_are_whooshs_table():
    assert BYTE_LENGTHS.dtype == np.float32 and len(BYTE_LENGTHS) == 256
    assert BYTE_LENGTHS.tolist() == [float(np.float32(byte_to_length(b))) for b in range(256)]


def test_field_lengths_of_a_compound_segment_whooshs_own_writer_wrote(ix, tmp_path):
    writer = ix.writer()  # Whoosh's own: one .seg file holding the others
    for i in range(3):
        writer.add_document(**to_document(
            record(f"c{i}", "2025-01-01", "空母 演習" if i else "空母", "空母。"), []))
    writer.commit()
    assert any(p.suffix == ".seg" for p in tmp_path.iterdir())
    with ix.reader() as reader:
        title = field_lengths(reader, "title")
        assert title.tolist() == [reader.doc_field_length(d, "title") for d in range(3)]
        assert len(set(title.tolist())) == 2
