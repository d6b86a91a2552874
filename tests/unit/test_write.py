"""kirinuki's segment writer (search/index/codec/write.py) against Whoosh's own, on a few
hundred small records: the same segment files, byte for byte, and the same postings in the
postings file, whose blocks kirinuki writes its own way (``smallindex.segment_contents``;
tests/system/test_writer.py does the same with the bundled corpus), a merge included, and
what the index then holds.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from whoosh import fields as whoosh_fields
from whoosh import formats, writing
from whoosh import index as whoosh_index

from search.index import schema
from search.index.codec import new_writer as codec_writer
from search.index.codec.write import _Tally
from search.index.schema import build_schema, new_writer, to_document
from search.text.analysis import japanese_analyzer
from tests.unit.smallindex import WhooshCodec, record, segment_contents


def whooshs_writer(ix, **kwargs):
    return writing.SegmentWriter(ix, codec=WhooshCodec(), compound=False, **kwargs)


def records(start: int, n: int) -> list:
    out = []
    for i in range(start, start + n):
        out.append(record(
            f"w{i:04d}", None if i % 17 == 0 else f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}",
            "空母" + (" 演習" if i % 3 == 0 else "") + (" 空母" if i % 5 == 0 else ""),
            "演習。" * (1 + i % 3) + ("寄港した。" if i % 2 else "潜水艦が寄港。") + f"第{i}回",
            source=("読売新聞", "朝日新聞", "共同通信")[i % 3],
            countries=(("米国", "豪州") if i % 4 == 1 else ("米国",)) if i % 2 else (),
            organizations=("国連",) if i % 7 == 0 else (),
            collections=("A", "B") if i % 6 == 0 else ("A",),
            notes=("注記",) if i % 9 == 0 else ()))
    return out


def boosts(n: int) -> dict[str, float]:
    """A document's boost and a field's, for some documents."""
    return {**({"_boost": 2.0} if n % 10 == 0 else {}),
            **({"_body_boost": 1.5} if n % 11 == 0 else {})}


def write(folder: Path, writer_for, batches: list[list]) -> dict[str, str]:
    """``batches`` written one commit each, every commit merging what is there; the one
    position values are encoded afresh (``Positions._single`` emptied) for each writer."""
    folder.mkdir()
    ix = whoosh_index.create_in(str(folder), build_schema())
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(schema.Positions, "_single", {})
        n = 0
        for batch in batches:
            writer = writer_for(ix)
            for rec in batch:
                writer.add_document(**to_document(rec, [rec.source, "新聞"]), **boosts(n))
                n += 1
            writer.commit(optimize=len(batches) > 1)
    return segment_contents(folder, ix)


@pytest.fixture()
def whoosh_positions(monkeypatch):
    """Whoosh's own gathering of positions from the analyzer's tokens."""
    monkeypatch.setattr(schema.Positions, "word_values", formats.Positions.word_values)


SEGMENT_FILES = sorted([*(f"MAIN_SEG{ext}" for ext in (
    "._body_len.col", "._notes_len.col", "._outlet_len.col", "._stored.col",
    "._title_len.col", ".sortkey.col")), ".pst", ".trm", "terms"])


def test_one_segment_is_whooshs(tmp_path, monkeypatch):
    batches = [records(0, 140)]
    ours = write(tmp_path / "ours", new_writer, batches)
    with monkeypatch.context() as mp:
        mp.setattr(schema.Positions, "word_values", formats.Positions.word_values)
        theirs = write(tmp_path / "theirs", whooshs_writer, batches)
    assert sorted(ours) == SEGMENT_FILES
    assert ours == theirs


def test_a_merged_segment_is_whooshs(tmp_path, monkeypatch):
    # the second commit merges the first segment into its own: postings by bytes (the
    # merged segment's) meet postings by string (the new documents')
    batches = [records(0, 130), records(130, 20)]
    ours = write(tmp_path / "ours", new_writer, batches)
    with monkeypatch.context() as mp:
        mp.setattr(schema.Positions, "word_values", formats.Positions.word_values)
        theirs = write(tmp_path / "theirs", whooshs_writer, batches)
    assert sorted(ours) == SEGMENT_FILES
    assert ours == theirs


def test_repeated_fields_are_analysed_once_and_written_the_same(tmp_path, monkeypatch):
    batches = [records(0, 40)]
    plain = write(tmp_path / "plain", codec_writer, batches)
    repeated = write(tmp_path / "repeated", new_writer, batches)
    assert plain == repeated


def test_a_field_without_kirinukis_analyzer_goes_through_whooshs_index(tmp_path):
    # a schema with Whoosh's own TEXT (its analyzer has no ``positions``), ID and KEYWORD
    # fields, written by both writers
    def make(folder: Path, writer_for) -> dict[str, str]:
        folder.mkdir()
        fields = {"id": whoosh_fields.ID(stored=True, unique=True),
                  "text": whoosh_fields.TEXT(field_boost=1.5),
                  # kirinuki's analyzer without positions (Frequency): Whoosh's index
                  "freq": whoosh_fields.TEXT(analyzer=japanese_analyzer(), phrase=False),
                  "tags": whoosh_fields.KEYWORD(commas=True, scorable=True),
                  "plain": whoosh_fields.KEYWORD(scorable=False),
                  "when": whoosh_fields.ID(sortable=True)}
        ix = whoosh_index.create_in(str(folder), whoosh_fields.Schema(**fields))
        writer = writer_for(ix)
        for i in range(160):
            writer.add_document(id=f"d{i}", text=f"alpha beta w{i % 7} alpha" * (1 + i % 2),
                                freq="空母が寄港した。空母" if i % 2 else "演習",
                                tags="x,y" if i % 3 else "y,y,z", plain=f"p{i % 4}",
                                when=f"2025-{i:04d}", _boost=2.0 if i % 10 == 0 else 1.0,
                                _text_boost=3.0 if i % 11 == 0 else 1.0,
                                _stored_id=f"stored-{i}")
        # a field without a value before others: they are still indexed
        writer.add_document(id="none", plain=None, text="alpha omega", freq=None, tags="q")
        # words only in documents whose boost is 0 or negative: a block's top weight is 0
        writer.add_document(id="zero", text="zero", _boost=0.0)
        writer.add_document(id="negative", text="negative", _boost=-1.0)
        writer.commit()
        return segment_contents(folder, ix)

    ours = make(tmp_path / "ours", codec_writer)
    theirs = make(tmp_path / "theirs", whooshs_writer)
    assert ours == theirs


def test_a_schema_with_term_vectors_is_written_by_whooshs_add_document(tmp_path):
    def make(folder: Path, writer_for) -> dict[str, str]:
        folder.mkdir()
        schema_ = whoosh_fields.Schema(id=whoosh_fields.ID(stored=True),
                                       text=whoosh_fields.TEXT(vector=True),
                                       body=whoosh_fields.TEXT(analyzer=japanese_analyzer()))
        ix = whoosh_index.create_in(str(folder), schema_)
        writer = writer_for(ix)
        for i in range(20):
            writer.add_document(id=f"v{i}", text=f"alpha w{i % 3} beta", body="空母が寄港")
        writer.commit()
        return segment_contents(folder, ix)

    ours = make(tmp_path / "ours", codec_writer)
    assert any(".vps" in name or "vec" in name for name in ours)
    assert ours == make(tmp_path / "theirs", whooshs_writer)


def test_the_index_holds_what_was_written(tmp_path):
    folder = tmp_path / "ix"
    folder.mkdir()
    ix = whoosh_index.create_in(str(folder), build_schema())
    writer = new_writer(ix)
    batch = records(0, 20)
    for rec in batch:
        writer.add_document(**to_document(rec, []))
    writer.commit()
    with ix.searcher() as searcher:
        assert searcher.doc_count_all() == 20
        assert sorted(searcher.document_numbers(body="潜水艦")) == list(range(0, 20, 2))
        # 演習 寄港 為る 第 3 回
        assert searcher.doc_field_length(3, "body") == 6
        matcher = searcher.postings("title", "空母")
        assert matcher.id() == 0 and matcher.weight() == 4.0  # twice, boost 2
        assert sorted(searcher.lexicon("countries")) == [b"\xe7\xb1\xb3\xe5\x9b\xbd",
                                                         b"\xe8\xb1\xaa\xe5\xb7\x9e"]


def test_a_document_that_fails_is_cancelled_and_the_writer_goes_on(tmp_path):
    folder = tmp_path / "ix"
    folder.mkdir()
    ix = whoosh_index.create_in(str(folder), build_schema())
    writer = new_writer(ix)
    writer.add_document(**to_document(records(0, 1)[0], []))
    with pytest.raises(Exception):  # noqa: B017, PT011 -- Whoosh's own error for a date
        writer.add_document(id="bad", date="not a date")
    writer.add_document(**to_document(records(1, 1)[0], []))
    writer.commit()
    with ix.searcher() as searcher:
        assert searcher.doc_count_all() == 2
        assert [f["record"][0] for f in searcher.all_stored_fields()] == ["w0000", "w0001"]


def test_a_tally_counts_what_it_writes_and_where_it_seeks(tmp_path):
    with open(tmp_path / "f", "wb+") as f:
        f.write(b"abc")
        tally = _Tally(f)
        assert tally.tell() == 3
        assert tally.write(b"defg") == 4
        assert tally.tell() == 7 == f.tell()
        assert tally.seek(1) == 1 and tally.tell() == 1
        assert tally.seek(0, 2) == 7
        assert tally.name == f.name  # everything else is the file's
