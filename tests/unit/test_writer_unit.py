"""search.writer's parts, each against the Whoosh code it stands in for: the same postings
in the same blocks, the same order.

No index: postings writers write into memory. A block's data is kirinuki's
(``codec.blocks``), not Whoosh's pickle: what each decodes to is compared, with the blocks'
framing and the term infos' statistics. tests/system/test_writer.py compares whole segments
written by kirinuki's writer and by Whoosh's own.
"""

from __future__ import annotations

import io
import pickle
import struct
import zlib

import pytest
from whoosh import formats
from whoosh.codec.whoosh3 import W3PostingsWriter, W3TermInfo
from whoosh.filedb.structfile import StructFile
from whoosh.system import pack_uint

from search.index import schema
from search.index.codec import blocks
from search.index.codec.write import BlockPostingsWriter, Postings, TermPool, _remembered
from search.text.analysis import japanese_analyzer

BLOCK = 128  # W3Codec's block limit


def postings(docs, weights, values) -> Postings:
    p = Postings()
    p.docs.extend(docs)
    p.weights.extend(weights)
    p.values.extend(values)
    return p


def written(writer_class, fmt, terms, add) -> list[tuple]:
    """What ``add`` writes, one term after another: per term its statistics and its blocks
    (last or not, Whoosh's info tuple, the data decoded)."""
    f = StructFile(io.BytesIO())
    w = writer_class(f, blocklimit=BLOCK, compression=1)
    infos = []
    for p in terms:
        w.start_postings(fmt, W3TermInfo())
        add(w, p)
        infos.append(w.finish_postings())
    data = f.file.getvalue()
    return [((t.weight(), t.doc_frequency(), t.min_length(), t.max_length(), t.max_weight(),
              t.min_id(), t.max_id()), blocks_in(data, *t.extent())) for t in infos]


def blocks_in(data: bytes, offset: int, length) -> list[tuple]:
    """A posting list's blocks: (last, info tuple, data as Whoosh's matcher reads it)."""
    if isinstance(length, tuple):
        (length,) = length
    buf = data[offset:offset + length]
    assert buf[:4] == b"W3Bl"
    pos, found = 4, []
    while pos < len(buf):
        (n,) = struct.unpack_from("!i", buf, pos)
        end = pos + 4 + abs(n)
        stream = io.BytesIO(buf[pos + 4:end])
        info = pickle.load(stream)
        rest = stream.read()
        if blocks.is_ours(rest):
            objects = blocks.decode_objects(rest)
        else:
            objects = pickle.loads(zlib.decompress(rest) if info[3] else rest)
        found.append((n < 0, info, objects))
        pos = end
    assert found[-1][0] and not any(last for last, *_ in found[:-1])
    return found


def one_by_one(w, p):
    values = p.values or [b""] * len(p.docs)
    for d, wt, v in zip(p.docs, p.weights, values, strict=True):
        w.add_posting(d, wt, v)


def whole(w, p):
    w.add_all(p)


@pytest.mark.parametrize("n", [1, 2, BLOCK - 1, BLOCK, BLOCK + 1, 2 * BLOCK, 2 * BLOCK + 44])
def test_a_term_whole_makes_the_blocks_whoosh_makes_one_posting_at_a_time(n):
    fmt = schema.Positions(field_boost=2.0)
    docs = [3 * i + (i % 3) for i in range(n)]  # ascending, deltas of 1 to 5
    weights = [2.0 * (1 + i % 3) for i in range(n)]  # several frequencies, boost 2
    values = [fmt.encode(list(range(1 + i % 3))) for i in range(n)]
    terms = [postings(docs, weights, values), postings([7], [2.0], [fmt.encode([4])])]
    theirs = written(W3PostingsWriter, fmt, terms, one_by_one)
    ours = written(BlockPostingsWriter, fmt, terms, whole)
    assert ours == theirs
    assert [len(found) for _, found in ours] == [-(-n // BLOCK), 1]
    assert ours[0][1][0][2][0][:2] == (0, 4)[:n]  # the first document, then a delta


@pytest.mark.parametrize("weights", [
    [1.0] * 300,  # Whoosh stores None
    [2.0] * 300,  # one value for the block
    [1.0, 2.0] * 150,  # a tuple
    [2.0] * 128 + [1.0] * 172,  # first block one value, the others all ones
])
def test_weights_are_minified_as_whoosh_does(weights):
    fmt = formats.Frequency()
    docs = list(range(0, 600, 2))
    values = [pack_uint(int(w)) for w in weights]  # what Frequency.word_values gives
    terms = [postings(docs, weights, values)]
    assert (written(BlockPostingsWriter, fmt, terms, whole)
            == written(W3PostingsWriter, fmt, terms, one_by_one))


def test_a_format_without_values():
    fmt = formats.Existence()
    terms = [postings(range(0, 900, 3), [1.0] * 300, []), postings([5], [1.0], [])]
    assert (written(BlockPostingsWriter, fmt, terms, whole)
            == written(W3PostingsWriter, fmt, terms, one_by_one))


# -- the pool ----------------------------------------------------------------------------------


def test_pool_keeps_postings_per_term_in_order():
    pool = TermPool()
    pool.add(("title", b"b", 0, 2.0, b"v0"))
    pool.add(("body", b"a", 0, 1.0, b"v1"))
    pool.add(("title", b"b", 3, 4.0, b"v2"))
    pool.add(("id", b"x", 1, 1.0, b""))  # no value: nothing kept
    p = pool.field_terms("title")[b"b"]
    assert (list(p.docs), list(p.weights), p.values) == ([0, 3], [2.0, 4.0], [b"v0", b"v2"])
    assert pool.fields["id"][b"x"].values == []
    assert not pool.unsorted
    assert list(pool.iter_postings()) == [
        ("body", b"a", 0, 1.0, b"v1"), ("id", b"x", 1, 1.0, b""),
        ("title", b"b", 0, 2.0, b"v0"), ("title", b"b", 3, 4.0, b"v2")]


def test_pool_sorts_a_term_whose_postings_came_out_of_order():
    pool = TermPool()
    for doc in (4, 9, 2, 7):
        pool.add(("body", b"t", doc, float(doc), b"v%d" % doc))
    pool.add(("body", b"u", 1, 1.0, b"w"))
    assert pool.unsorted == {("body", b"t")}
    p = pool.field_terms("body")[b"t"]
    assert (list(p.docs), list(p.weights), p.values) == (
        [2, 4, 7, 9], [2.0, 4.0, 7.0, 9.0], [b"v2", b"v4", b"v7", b"v9"])
    assert [item[2] for item in pool.iter_postings()] == [2, 4, 7, 9, 1]


def text_posting(pool, fieldname, text, doc, weight, positions):
    """A posting as add_document files a text field's: its positions as count and deltas."""
    p = pool.text_terms(fieldname)[text]
    p.docs.append(doc)
    p.weights.append(weight)
    p.counts.append(len(positions))
    p.deltas.extend(b - a for a, b in zip([0, *positions], positions, strict=False))


def test_pool_meets_terms_by_string_and_by_bytes_in_byte_order():
    pool = TermPool()
    # as add_document files them (strings) and as a merged segment gives them (bytes)
    text_posting(pool, "body", "防衛", 5, 1.0, [3, 9])
    text_posting(pool, "body", "z", 6, 1.0, [0])
    text_posting(pool, "title", "防衛", 5, 2.0, [1])
    pool.add(("body", "防衛".encode(), 2, 1.0, b"a2"))  # also under a string: joined, sorted
    pool.add(("body", b"~", 1, 1.0, b"t1"))
    assert pool.fieldnames() == ["body", "title"]
    terms = pool.field_terms("body")
    # UTF-8 byte order, which is code point order: z (7a) < ~ (7e) < 防 (e9 98 b2)
    assert sorted(terms) == [b"z", b"~", "防衛".encode()]
    p = terms["防衛".encode()]
    assert (list(p.docs), p.values) == ([2, 5], [b"a2", formats.Positions().encode([3, 9])])
    assert [(f, t, d) for f, t, d, _w, _v in pool.iter_postings()] == [
        ("body", b"z", 6), ("body", b"~", 1), ("body", "防衛".encode(), 2),
        ("body", "防衛".encode(), 5), ("title", "防衛".encode(), 5)]


def test_pool_cleanup_empties_the_terms_writers_still_hold():
    pool = TermPool()
    held, held_texts = pool.terms("body"), pool.text_terms("title")
    pool.add(("body", b"t", 0, 1.0, b"v"))
    text_posting(pool, "title", "t", 0, 2.0, [4])
    pool.cleanup()
    assert held == {} and held_texts == {} and pool.fields == {} and pool.texts == {}
    assert not pool.unsorted


# -- remembering -----------------------------------------------------------------------------


def test_remembered_work_is_done_once_per_value_up_to_the_limit():
    calls = []

    def work(value):
        calls.append(value)
        return [value * 2]

    f = _remembered(work, limit=2)
    assert [f("a"), f("a"), f("b"), f("a")] == [["aa"], ["aa"], ["bb"], ["aa"]]
    assert calls == ["a", "b"]
    assert f("c") == ["cc"]  # the third value: forget the others first
    assert f("a") == ["aa"]
    assert calls == ["a", "b", "c", "a"]
    assert f(["x"]) == [["x", "x"]]  # not hashable: worked out every time
    assert calls[-1] == ["x"]


# -- the positions format ------------------------------------------------------------------------


@pytest.mark.parametrize("boost", [1.0, 2.0])
def test_positions_format_gives_whooshs_values(boost):
    fmt = schema.Positions(field_boost=boost)
    ana = japanese_analyzer()
    text = "防衛相は防衛相と会談した。米国 豪州 米国。海上自衛隊と陸上自衛隊"
    ours = list(fmt.word_values(text, ana, mode="index"))
    theirs = list(formats.Positions.word_values(fmt, text, ana, mode="index"))
    assert ours == theirs
    assert ("防衛相", 2, 2.0 * boost, formats.Positions().encode([0, 1])) in ours
