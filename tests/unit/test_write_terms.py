"""``write._write_terms`` and ``_write_hashes`` against Whoosh's writers: the same files.

A segment's terms and postings are written in one string per file, and each hash table of
the terms file in one; Whoosh's own way is a term at a time (``start_term``, the postings
writer's ``add_all``, ``finish_term``) and a slot at a time. The same
records are written both ways, and every file of the segment must be the same, byte for
byte: the postings, the terms' entries (their statistics and where each list starts), the
hash tables and the key index that find them.
"""

from __future__ import annotations

import io
import pickle
from pathlib import Path

import pytest
from whoosh import formats
from whoosh import index as whoosh_index
from whoosh.filedb import filetables

from search.index.codec import blocks, segments, write
from search.index.schema import build_schema, new_writer, to_document
from tests.unit.smallindex import record


def whooshs_way(fw, terms) -> None:
    """Whoosh's field writer, a term at a time."""
    postwriter = fw._postwriter
    for tbytes in sorted(terms):
        fw.start_term(tbytes)
        postwriter.add_all(terms[tbytes])
        fw.finish_term()


RECORDS = [
    record("2401-010101", "2024-01-01", "日米豪比の防衛相会談",
           "防衛装備品の移転。防衛相は会談で防衛を語った。",
           countries=("米国", "豪州", "フィリピン"), organizations=("防衛省",)),
    record("2401-020101", "2024-01-02", "NATO首脳会議", "NATOとNATOの会議、防衛費の話。" * 3,
           source="朝日新聞", countries=("米国",), notes=("防衛", "注記の文")),
    record("2402-030101", "2024-02-03", "", "短い本文", source="日本経済新聞"),
    record("2402-040101", None, "日付のない記事", "防衛 防衛 防衛 防衛"),
    *(record(f"2403-{n:02d}0101", "2024-03-01", f"会談{n}", "防衛相の会談と防衛",
             countries=("米国",)) for n in range(10, 30)),
]


def segment_files(folder: Path) -> dict[str, bytes]:
    ix = whoosh_index.open_dir(str(folder))
    (segment,) = ix._segments()
    return {f.name.replace(segment.segid, "SEG"): f.read_bytes()
            for f in folder.glob(f"*{segment.segid}*")}


def written(folder: Path) -> dict[str, bytes]:
    folder.mkdir()
    ix = whoosh_index.create_in(str(folder), build_schema())
    writer = new_writer(ix)
    for rec in RECORDS:
        writer.add_document(**to_document(rec, []))
    writer.commit()
    return segment_files(folder)


@pytest.mark.parametrize(("block", "write_bytes"), [
    (segments.BLOCK_POSTINGS, write.WRITE_BYTES), (3, write.WRITE_BYTES), (1, 1 << 20),
    (3, 1),  # the strings handed to the files after every term
    (segments.BLOCK_POSTINGS, 200),  # after a few
])
def test_the_terms_are_written_as_whooshs_field_writer_writes_them(tmp_path, monkeypatch,
                                                                   block, write_bytes):
    monkeypatch.setattr(segments, "BLOCK_POSTINGS", block)
    monkeypatch.setattr(write, "WRITE_BYTES", write_bytes)
    ours = written(tmp_path / "ours")
    monkeypatch.setattr(write, "_write_terms", whooshs_way)
    monkeypatch.setattr(write, "_write_hashes", filetables.HashWriter._write_hashes)
    whooshs = written(tmp_path / "whoosh")
    assert sorted(ours) == sorted(whooshs)
    assert {".pst", ".trm"} <= {Path(name).suffix for name in ours}
    differ = [name for name in ours if ours[name] != whooshs[name]]
    assert differ == []


def test_blocks_of_three_make_terms_of_several_blocks(tmp_path, monkeypatch):
    """The parametrized test above sees lists of more than one block: all but the third
    record hold 防衛, so at three postings a block its list has eight."""
    monkeypatch.setattr(segments, "BLOCK_POSTINGS", 3)
    folder = tmp_path / "ix"
    written(folder)
    ix = whoosh_index.open_dir(str(folder))
    with ix.reader() as reader:
        info = reader.term_info("body", "防衛")
        assert info.doc_frequency() == 23
        m = reader.postings("body", "防衛")
        assert list(m.all_ids()) == [0, 1, *range(3, 24)]


def test_a_words_positions_are_kept_as_arrays(tmp_path):
    """A Positions field's blocks keep their values as counts and deltas
    (``blocks.V_POSITIONS``), not as Whoosh's pickled strings: the compact form, which a
    phrase reads with NumPy."""
    folder = tmp_path / "ix"
    written(folder)
    ix = whoosh_index.open_dir(str(folder))
    (segment,) = ix._segments()
    postings = (folder / segment.make_filename(".pst")).read_bytes()
    with ix.reader() as reader:
        offset, _length = reader.term_info("body", "防衛").extent()
    stream = io.BytesIO(postings[offset + 8:])  # the list's magic, the block's length
    pickle.load(stream)  # Whoosh's block info
    head = blocks.head(postings, offset + 8 + stream.tell())
    assert (head.vkind, head.count) == (blocks.V_POSITIONS, 23)


def test_terms_out_of_order_are_refused(tmp_path):
    """A field's first term must come after the last one the terms file holds: the
    file's ordered index finds terms by it."""
    folder = tmp_path / "ix"
    folder.mkdir()
    ix = whoosh_index.create_in(str(folder), build_schema())
    writer = new_writer(ix)
    fw = writer.fieldwriter
    fw.start_field("body", writer.schema["body"])
    p = write.Postings()
    p.docs.append(0)
    p.weights.append(1.0)
    p.values.append(writer.schema["body"].format.encode([0]))
    write._write_terms(fw, {b"b": p})
    fw.finish_field()
    fw.start_field("body", writer.schema["body"])
    for again in (b"a", b"b"):  # before the last, or the last itself
        with pytest.raises(ValueError, match="terms out of order"):
            write._write_terms(fw, {again: p})
    write._write_terms(fw, {b"c": p})
    assert fw._tindex.lastkey == b"\x00\x00c"  # the field's number, then the term
    writer.cancel()


@pytest.mark.parametrize("lists", [[[0]], [[3, 4, 9]], [[1], [2, 70_000], list(range(300))]])
def test_text_postings_give_whoosh_the_values_its_format_encodes(lists):
    """``TextPostings`` keep counts and deltas; a writer that asks for Whoosh's values
    (Whoosh's own postings writer, a merge) gets the bytes ``Positions.encode`` makes."""
    p = write.TextPostings()
    for positions in lists:
        p.counts.append(len(positions))
        p.deltas.append(positions[0])
        p.deltas.extend(b - a for a, b in zip(positions, positions[1:], strict=False))
    assert p.values == [formats.Positions().encode(positions) for positions in lists]
