"""Posting lists read from a real index (search/index/codec/read.py), each against what
Whoosh's own matchers read from the same files.

Three hundred records in two segments (200 and 100), written in the codec's blocks (a
list in one block a segment) and in blocks of 128 postings (a list spanning several
blocks and both segments), with the three ways Whoosh writes a block's weights:
寄港 once in a body (all 1.0: none written), 艦隊 once in every title (all 2.0, the title's
boost: one number), 演習 one to four times in a body (a tuple).
"""

from __future__ import annotations

import os
import struct

import numpy as np
import pytest
from whoosh import index as whoosh_index

from search.index.codec import segments, terms
from search.index.codec.read import DamagedIndexError, PostingReader
from search.index.schema import build_schema, to_document
from tests.unit.smallindex import Opened, build, record


def body(i: int) -> str:
    return ("演習。" * (1 + i % 4) + ("寄港。" if i < 100 else "")
            + ("大使。" if i >= 250 else ""))


RECORDS = [record(f"b{i:03d}", "2025-01-01", "艦隊" + (" 空母" if i % 3 == 0 else ""), body(i))
           for i in range(300)]
TERMS = [("body", "演習"), ("body", "寄港"), ("body", "大使"), ("title", "艦隊"),
         ("title", "空母")]
IDS = ["body-enshu", "body-kiko", "body-taishi", "title-kantai", "title-kubo"]  # ASCII ids


@pytest.fixture(params=["codec's blocks", "blocks of 128"])
def opened(request, tmp_path, monkeypatch):
    if request.param == "blocks of 128":
        monkeypatch.setattr(segments, "BLOCK_POSTINGS", 128)
    found = Opened(tmp_path, build(tmp_path, [RECORDS[:200], RECORDS[200:]]))
    yield found
    found.close()


def whooshs(searcher, field: str, text: str) -> tuple[list, list, list]:
    """Documents, weights and (document, position) pairs as Whoosh's matcher reads them."""
    docs, weights, occurrences = [], [], []
    matcher = searcher.postings(field, text)
    while matcher.is_active():
        docs.append(matcher.id())
        weights.append(matcher.weight())
        occurrences.extend((matcher.id(), p) for p in matcher.value_as("positions"))
        matcher.next()
    return docs, weights, occurrences


@pytest.mark.parametrize(("field", "text"), TERMS, ids=IDS)
def test_postings_are_whooshs(opened, field, text):
    docs, weights, _ = whooshs(opened.searcher, field, text)
    found = opened.postings.postings(opened.searcher, field, text)
    assert (found.docs.dtype, found.weights.dtype) == (np.int32, np.float32)
    assert found.docs.tolist() == docs
    assert found.weights.tolist() == weights


def test_the_lists_are_the_ones_expected(opened):
    def docs(field, text):
        return opened.postings.postings(opened.searcher, field, text).docs.tolist()

    assert docs("body", "演習") == list(range(300))
    assert docs("body", "寄港") == list(range(100))  # the first segment only
    assert docs("body", "大使") == list(range(250, 300))  # the second only
    assert docs("title", "空母") == list(range(0, 300, 3))
    weights = opened.postings.postings(opened.searcher, "body", "演習").weights
    assert weights[:5].tolist() == [1.0, 2.0, 3.0, 4.0, 1.0]
    assert set(opened.postings.postings(opened.searcher, "title", "艦隊").weights) == {2.0}


@pytest.mark.parametrize(("field", "text"), TERMS, ids=IDS)
def test_positions_are_whooshs(opened, field, text):
    _, _, occurrences = whooshs(opened.searcher, field, text)
    found = opened.postings.positions(opened.searcher, field, text)
    assert (found.docs.dtype, found.weights.dtype) == (np.int32, np.int32)
    assert list(zip(found.docs.tolist(), found.weights.tolist(), strict=True)) == occurrences


def test_positions_restart_in_each_document(opened):
    found = opened.postings.positions(opened.searcher, "body", "演習")
    assert found.docs[:10].tolist() == [0, 1, 1, 2, 2, 2, 3, 3, 3, 3]
    assert found.weights[:10].tolist() == [0, 0, 1, 0, 1, 2, 0, 1, 2, 3]


def test_a_word_no_document_holds(opened):
    for read in (opened.postings.postings, opened.postings.positions):
        found = read(opened.searcher, "body", "火星")
        assert found.docs.tolist() == [] and found.weights.tolist() == []


def test_postings_are_read_once_and_positions_keep_the_postings_too(opened):
    reader, searcher = opened.postings, opened.searcher
    first = reader.postings(searcher, "body", "寄港")
    assert reader.postings(searcher, "body", "寄港") is first
    assert reader._get(("p", "body", "寄港")) is first
    occurrences = reader.positions(searcher, "body", "演習")
    assert reader.positions(searcher, "body", "演習") is occurrences
    assert reader._get(("x", "body", "演習")) is occurrences
    kept = reader._get(("p", "body", "演習"))
    assert kept is not None and kept.docs.tolist() == list(range(300))
    assert reader.postings(searcher, "body", "演習") is kept
    assert reader._get(("p", "body", "火星")) is None
    assert reader._get(("x", "body", "寄港")) is None


def test_a_segment_written_by_whooshs_own_writer_compound(tmp_path):
    ix = whoosh_index.create_in(str(tmp_path), build_schema())
    writer = ix.writer()  # Whoosh's writer and codec: one compound .seg file
    for rec in RECORDS[:150]:
        writer.add_document(**to_document(rec, []))
    writer.commit()
    assert [p.suffix for p in tmp_path.iterdir() if p.suffix in (".seg", ".pst")] == [".seg"]
    opened = Opened(tmp_path, ix)
    try:
        for field, text in TERMS:
            if text == "大使":  # in the last 50 records only
                continue
            docs, weights, occurrences = whooshs(opened.searcher, field, text)
            found = opened.postings.postings(opened.searcher, field, text)
            assert (found.docs.tolist(), found.weights.tolist()) == (docs, weights)
            where = opened.postings.positions(opened.searcher, field, text)
            assert list(zip(where.docs.tolist(), where.weights.tolist(),
                            strict=True)) == occurrences
        assert opened.postings.postings(opened.searcher, "body", "寄港").docs.tolist() == \
            list(range(100))
    finally:
        opened.close()


def test_a_list_inlined_in_its_terms_entry_is_refused(opened):
    # Whoosh 2.7.5 cannot write one (W3TermInfo has no set_inline), but an index written by
    # another version could hold one: its term info says so
    segment, _base = opened.postings._segments[0]
    info = segment.find("body", "演習".encode())
    assert info is not None and info[0] == 0
    with pytest.raises(DamagedIndexError) as raised:
        segment.read(b"\x01" + info[1:], 0)  # its flags say: inlined
    assert str(raised.value) == ("a posting list inlined in its term's entry: the index "
                                 "was not written by kirinuki's codec")


def test_every_term_is_found_where_whoosh_finds_it(opened):
    """Each term of each segment's term file, looked up by the codec's table: the same
    entry as Whoosh's reader gives (document frequency, where the postings are); terms of
    other fields, other segments or none are not found."""
    leaves = opened.searcher.reader().leaf_readers()
    assert len(leaves) == 2
    for (leaf, _base), (segment, _) in zip(leaves, opened.postings._segments, strict=True):
        checked = 0
        for fieldname, tbytes in leaf.all_terms():
            info = leaf.term_info(fieldname, tbytes)
            entry = segment.find(fieldname, tbytes)
            assert entry is not None, (fieldname, tbytes)
            offset, length = info.extent()
            assert terms.postings_extent(entry) == (
                offset, length[0] if isinstance(length, tuple) else length)
            assert terms.doc_frequency(entry) == info.doc_frequency()
            checked += 1
        assert checked > 10
        for fieldname, tbytes in [("body", "寄港x".encode()), ("title", "演習".encode()),
                                  ("nosuchfield", "演習".encode()), ("body", b"")]:
            assert segment.find(fieldname, tbytes) is None
    # summed over both segments, as Whoosh's searcher counts them
    for fieldname, tbytes in opened.searcher.reader().all_terms():
        if fieldname in ("body", "title"):
            text = tbytes.decode("utf-8")
            assert opened.postings.doc_frequency(opened.searcher, fieldname, text) == \
                opened.searcher.doc_frequency(fieldname, text), (fieldname, text)
    assert opened.postings.doc_frequency(opened.searcher, "body", "演習") == 300
    assert opened.postings.doc_frequency(opened.searcher, "body", "火星") == 0
    # 寄港 is only in the first 100 records: the second segment does not hold it
    assert leaves[1][0].doc_frequency("body", "寄港") == 0
    assert opened.postings._segments[1][0].find("body", "寄港".encode()) is None
    assert terms.doc_frequency(opened.postings._segments[0][0].find("body", "寄港".encode())
                               ) == 100


@pytest.mark.parametrize("piece", [1 << 20, 40, 8])
def test_the_lexicon_is_whooshs(opened, monkeypatch, piece):
    """Each field's terms with their documents and total weight, summed over both
    segments: what Whoosh's reader gives field by field, whether the term file is read in
    one piece or in pieces smaller than an entry."""
    monkeypatch.setattr(terms, "_SCAN_BYTES", piece)
    reader = opened.searcher.reader()
    for fieldname in ("title", "body", "id"):
        theirs = {(t.decode("utf-8") if isinstance(t, bytes) else t):
                  (info.doc_frequency(), pytest.approx(info.weight()))
                  for t, info in reader.iter_field(fieldname)}
        assert opened.postings.lexicon(fieldname) == theirs, fieldname
        assert len(theirs) > (250 if fieldname == "id" else 1)
    assert opened.postings.lexicon("body")["演習"] == (300, 750.0)  # 1 to 4 times each
    assert opened.postings.lexicon("nosuchfield") == {}


def test_a_term_file_cut_inside_its_entries_is_an_error(opened):
    table = opened.postings._segments[0][0].terms
    table.tables = [(40, 0)] + table.tables[1:]  # the entries said to end inside one
    with pytest.raises(DamagedIndexError, match="entries are cut short: the index files"):
        opened.postings.lexicon("title")


@pytest.mark.parametrize("damage", ["magic", "cut", "fieldmap"])
def test_a_damaged_term_file_is_an_error_when_opened(tmp_path, damage):
    ix = build(tmp_path, [RECORDS[:150]])
    opened = Opened(tmp_path, ix)
    try:
        (path,) = tmp_path.glob("*.trm")
        size = os.path.getsize(path)
        with open(path, "r+b") as f:
            if damage == "magic":
                f.write(b"XXXX")
            elif damage == "cut":
                f.truncate(size // 2)
            else:  # the extras' pickle (the field names), whose length ends the file
                f.seek(size - 4)
                (extras,) = struct.unpack("!i", f.read(4))
                f.seek(size - 4 - extras)
                f.write(b"\xff" * 8)
        with pytest.raises(DamagedIndexError) as raised:
            PostingReader(tmp_path, list(opened.searcher.reader().leaf_readers()))
        assert str(raised.value).endswith(": the index files are damaged")
        assert str(raised.value).startswith({
            "magic": "the term file does not start as Whoosh's hash files do",
            "cut": "the term file",
            "fieldmap": "the term file's field names cannot be read"}[damage])
    finally:
        opened.close()


def _extent(searcher, field: str, text: str) -> tuple[int, int]:
    info = searcher.reader().term_info(field, text)
    offset, length = info.extent()
    return offset, length[0] if isinstance(length, tuple) else length


def _pst(folder) -> list:
    return sorted(folder.glob("*.pst"), key=os.path.getsize)


@pytest.mark.parametrize("damage", ["cut", "magic"])
def test_a_damaged_list_is_an_error(tmp_path, damage):
    ix = build(tmp_path, [RECORDS[:150]])
    opened = Opened(tmp_path, ix)
    try:
        (path,) = _pst(tmp_path)
        offset, length = _extent(opened.searcher, "body", "演習")
        assert length > 20
        if damage == "cut":  # the list's first bytes (and its magic) are still there
            os.truncate(path, offset + 10)
        else:  # the list's length is all there, but not its magic
            with open(path, "r+b") as f:
                f.seek(offset)
                f.write(b"XXXX")
        with pytest.raises(DamagedIndexError) as raised:
            PostingReader(tmp_path, list(opened.searcher.reader().leaf_readers())).postings(
                opened.searcher, "body", "演習")
        assert str(raised.value) == "a posting list is cut short or damaged"
    finally:
        opened.close()


def test_the_lists_are_in_blocks_of_the_size_written(opened, request):
    """The two ways the fixture writes: 演習's 200 postings in the first segment in one
    block of the codec's, or the first of two blocks of 128."""
    asked = 4096 if request.node.callspec.params["opened"] == "codec's blocks" else 128
    assert asked == segments.BLOCK_POSTINGS
    leaf = opened.searcher.reader().leaf_readers()[0][0]
    matcher = leaf.postings("body", "演習")
    assert matcher._blocklength == min(200, segments.BLOCK_POSTINGS)
    assert matcher._lastblock is (segments.BLOCK_POSTINGS >= 200)


def _hash_file(path, entries: dict[bytes, bytes], hashtype: int = 0,
               fieldmap: dict | None = None) -> tuple[int, int]:
    """A hash file written by Whoosh's own HashWriter (as its term files are), with
    ``entries`` (key → value); (fd, length) to read it by."""
    from whoosh.filedb.filetables import HashWriter
    from whoosh.filedb.structfile import StructFile

    writer = HashWriter(StructFile(open(path, "wb")), hashtype=hashtype)  # noqa: SIM115 - closed by writer.close()
    writer.extras["fieldmap"] = fieldmap if fieldmap is not None else {"body": 0}
    for key, value in entries.items():
        writer.add(key, value)
    writer.close()
    return os.open(path, os.O_RDONLY), os.path.getsize(path)


def _info(df: int, offset: int, length: int, extra: bytes = b"") -> bytes:
    return struct.pack("!BfIBBfII", 0, 1.0, df, 1, 1, 1.0, 0, 0) + \
        struct.pack("!qi", offset, length) + extra


@pytest.mark.parametrize("hashtype", [0, 1])  # md5, crc32 (Whoosh's cdb hash fails on bytes)
def test_a_term_table_reads_any_hash_whoosh_writes_and_long_entries(tmp_path, hashtype):
    words = [f"語{i}".encode() for i in range(300)]
    entries = {struct.pack("!H", 0) + w: _info(i + 1, 1000 + i, 7 + i) for i, w in
               enumerate(words)}
    long = struct.pack("!H", 0) + b"long"
    entries[long] = _info(5, 42, 9, b"x" * 500)  # a value past the first read's guess
    fd, length = _hash_file(tmp_path / "t.trm", entries, hashtype)
    try:
        table = terms.TermTable(fd, 0, length)
        for i, w in enumerate(words):
            info = table.entry("body", w)
            assert terms.postings_extent(info) == (1000 + i, 7 + i)
            assert terms.doc_frequency(info) == i + 1
        assert table.entry("body", b"long") == entries[long]
        assert table.entry("body", "語300".encode()) is None
        assert table.entry("title", words[0]) is None
    finally:
        os.close(fd)


def test_a_term_file_too_short_or_an_entry_cut_short_is_an_error(tmp_path):
    path = tmp_path / "short.trm"
    path.write_bytes(b"HSH")
    fd = os.open(path, os.O_RDONLY)
    try:
        with pytest.raises(terms.TermFileError, match="^the term file is cut short$"):
            terms.TermTable(fd, 0, 3)
    finally:
        os.close(fd)
    with pytest.raises(terms.TermFileError, match="^a term's entry is cut short$"):
        terms.postings_extent(_info(1, 2, 3)[:-1])
    assert terms.postings_extent(_info(1, 2, 3)) == (2, 3)
    assert terms.frequencies(_info(7, 0, 0)) == (7, 1.0)
