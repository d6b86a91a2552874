"""kirinuki's segment writer against Whoosh's own: the same segment, posting for posting.

The bundled corpus is written twice, in one segment each: by ``schema.new_writer`` (postings
kept per term, whole terms to the postings writer, the analyzer's ``positions``, the blocks'
data as ``codec.blocks`` writes it) and by Whoosh's ``SegmentWriter`` with Whoosh's postings
writer and Whoosh's own way of gathering positions from the analyzer's tokens. Every file
but the postings and the terms (whose entries say where each list starts) must be
identical, byte for byte; every term must have the same statistics and, read by Whoosh's
matchers, the same documents, weights and values, so an index answers exactly as one
Whoosh would have written.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from whoosh import formats, writing
from whoosh import index as whoosh_index

from search.corpus.annotate import annotate
from search.corpus.loading import load_corpus
from search.index import schema
from search.index.build import _document
from search.index.schema import build_schema, new_writer
from search.text.analysis import JapaneseAnalyzer
from tests.unit.smallindex import WhooshCodec, segment_contents


def build(folder: Path, writer_for) -> dict:
    """Write the bundled corpus into a fresh index in ``folder``: what its segment holds."""
    folder.mkdir()
    ix = whoosh_index.create_in(str(folder), build_schema())
    writer = writer_for(ix)
    for rec in load_corpus(annotate=False).records:
        annotate(rec)
        writer.add_document(**_document(rec))
    writer.commit()
    return segment_contents(folder, ix)


@pytest.fixture(scope="module")
def whooshs(tmp_path_factory) -> dict[str, str]:
    with pytest.MonkeyPatch.context() as mp:
        # Whoosh's gathering of positions from the analyzer's tokens
        mp.setattr(schema.Positions, "word_values", formats.Positions.word_values)
        return build(tmp_path_factory.mktemp("whoosh") / "ix",
                     lambda ix: writing.SegmentWriter(ix, codec=WhooshCodec(), limitmb=1024,
                                                      compound=False))


def test_kirinukis_writer_writes_whooshs_files(tmp_path, whooshs):
    ours = build(tmp_path / "ix", new_writer)
    assert sorted(ours) == sorted(whooshs) == sorted([*(
        f"MAIN_SEG{ext}" for ext in (
            "._body_len.col", "._notes_len.col", "._outlet_len.col", "._stored.col",
            "._title_len.col", ".sortkey.col")), ".pst", ".trm", "terms"])
    assert len(ours["terms"]) > 5_000
    assert ours == whooshs


def test_the_comparison_sees_a_one_posting_difference(tmp_path, whooshs, monkeypatch):
    """One position off in one field of one record makes the files differ (the positions
    as kirinuki's writer gathers them: it keeps them as counts and deltas, and never asks
    the format to encode them)."""
    real = JapaneseAnalyzer.positions
    seen = []

    def off_by_one_once(self, value):
        found = real(self, value)
        for word, poslist in found.items():
            if not seen and len(poslist) == 2:
                seen.append(word)
                found[word] = [poslist[0], poslist[1] + 1]
        return found

    monkeypatch.setattr(JapaneseAnalyzer, "positions", off_by_one_once)
    ours = build(tmp_path / "ix", new_writer)
    assert seen
    assert ours != whooshs
    differ = [t for t in whooshs["terms"] if ours["terms"][t] != whooshs["terms"][t]]
    assert len(differ) == 1


def test_no_posting_list_is_inlined(session_index):
    """Whoosh inlines a list shorter than the codec's inline limit (1) into the term's
    entry: never, so the reader has no such branch (search/index/codec/read.py refuses one)."""
    from search.index.store import current_path

    ix = whoosh_index.open_dir(str(current_path(session_index)))
    with ix.reader() as reader:
        seen = 0
        for leaf, _ in reader.leaf_readers():
            for fieldname, text in leaf.all_terms():
                assert not leaf.term_info(fieldname, text).is_inlined(), (fieldname, text)
                seen += 1
    assert seen > 5_000  # every term of the bundled corpus (8,161)
