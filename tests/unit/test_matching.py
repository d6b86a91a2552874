"""Compiled queries evaluated over arrays (search/engine/matching.py), against Whoosh's own
search of the same index: the same documents and BM25F scores.

    doc  segment  date        body (words at their positions)
    0    1        2025-01-01  空母0 潜水艦1 演習2 行う3
    1    1        2025-01-02  潜水艦0 空母1 空母2 寄港3
    2    1        2025-01-03  大使 空母 … (deleted)
    3    2        2025-01-04  演習0 行う1 潜水艦2 空母3 寄港4 為る5
    4    2        (none)      空母0 潜水艦1 寄港2 為る3
    5    2        2025-01-06  海上自衛隊0 (海上0 自衛0 …) 護衛1 艦2 寄港3 為る4 海上5 自衛6
    6    2        2025-01-07  海上自衛隊0 (海上0 自衛0 …) 寄港1 …
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from whoosh import query as wq
from whoosh import scoring

from search.engine import matching
from search.engine.matching import (
    Evaluator,
    Matches,
    _common,
    _dense,
    _intersect,
    _many,
    _occurrences_in,
    _union,
    _unique_sorted,
    _within,
)
from search.index.columns import read_columns
from tests.unit.smallindex import Opened, build, record

RECORDS = [
    [record("m0", "2025-01-01", "空母の演習", "空母と潜水艦が演習を行った。", countries=("米国",)),
     record("m1", "2025-01-02", "潜水艦", "潜水艦と空母。空母が寄港。", countries=("米国", "豪州")),
     record("m2", "2025-01-03", "大使", "大使が着任した。空母", countries=("米国",))],
    [record("m3", "2025-01-04", "演習", "演習を行った。潜水艦と空母が寄港した。"),
     record("m4", None, "寄港", "空母潜水艦が寄港した", countries=("豪州",)),
     record("m5", "2025-01-06", "海上自衛隊", "海上自衛隊の護衛艦が寄港した。海上の自衛"),
     record("m6", "2025-01-07", "寄港", "海上自衛隊が寄港")],
]
LIVE = [0, 1, 3, 4, 5, 6]


class Both:
    """The evaluator and Whoosh's BM25F searcher over one index."""

    def __init__(self, tmp_path, deleted: tuple[str, ...] = ("m2",)) -> None:
        ix = build(tmp_path, RECORDS, deleted=deleted)
        self.opened = Opened(tmp_path, ix)
        try:
            self.columns = read_columns(self.opened.searcher.reader(), self.opened.postings)
            self.evaluator = Evaluator(self.opened.searcher, self.columns,
                                       self.opened.postings)
        except BaseException:  # (mutmut's forced failure too) no file left open
            self.opened.close()
            raise
        self.whoosh = ix.searcher(weighting=scoring.BM25F())

    def ours(self, q) -> dict[int, float]:
        found = self.evaluator.run(q)
        assert found.docs.dtype == np.int32 and found.scores.dtype == np.float64
        assert found.docs.tolist() == sorted(set(found.docs.tolist()))
        return dict(zip(found.docs.tolist(), found.scores.tolist(), strict=True))

    def theirs(self, q) -> dict[int, float]:
        return {hit.docnum: hit.score for hit in self.whoosh.search(q, limit=None)}

    def close(self) -> None:
        self.whoosh.close()
        self.opened.close()


@pytest.fixture()
def both(tmp_path):
    found = Both(tmp_path)
    yield found
    found.close()


T = wq.Term


SCORED = {
    "term": T("body", "空母"),
    "term-title": T("title", "寄港"),
    "term-boost": T("body", "寄港", boost=2.5),
    "term-absent": T("body", "火星"),
    "and": wq.And([T("body", "空母"), T("body", "寄港")]),
    "and-boost": wq.And([T("body", "空母"), T("title", "演習")], boost=3.0),
    "and-boost-two": wq.And([T("body", "空母"), T("body", "潜水艦")], boost=2.0),
    "and-three": wq.And([T("body", "寄港"), T("body", "潜水艦"), T("body", "空母")]),
    "or": wq.Or([T("body", "演習"), T("body", "寄港"), T("title", "大使")]),
    "or-boost": wq.Or([T("body", "演習"), T("title", "寄港")], boost=0.5),
    "or-one": wq.Or([T("body", "火星"), T("body", "護衛")]),
    "andmaybe": wq.AndMaybe(T("body", "空母"), T("body", "寄港")),
    # required documents after the optional ones' last (寄港's m4–m6, 演習's last is m3)
    "andmaybe-later": wq.AndMaybe(T("body", "寄港"), T("body", "演習")),
    "phrase": wq.Phrase("body", ["空母", "潜水艦"]),
    "phrase-reversed": wq.Phrase("body", ["潜水艦", "空母"]),
    "phrase-boost": wq.Phrase("body", ["空母", "寄港"], boost=1.5),
    "phrase-three": wq.Phrase("body", ["空母", "潜水艦", "寄港"]),
    "phrase-one": wq.Phrase("body", ["護衛"]),
    "phrase-sub-words": wq.Phrase("body", ["海上", "自衛"]),
    "phrase-never": wq.Phrase("body", ["寄港", "空母", "潜水艦"]),
    "phrase-absent-word": wq.Phrase("body", ["空母", "火星"]),
    "nested": wq.Or([wq.And([T("body", "空母"), wq.Phrase("body", ["潜水艦", "空母"])]),
                     T("title", "海上自衛隊", boost=2.0)]),
}

# The best part's score, not the sum (a category and its kinds: compile.py). Not compared
# with Whoosh's search: its DisjunctionMaxMatcher.score takes the higher of both parts'
# current scores even when they stand on different documents (UnionMatcher.score compares
# their ids first), so Whoosh scores a document by a part that does not match it. The
# reference is each part as Whoosh scores it, the best per document, times the boost.
BEST = {
    "dismax": wq.DisjunctionMax([T("body", "空母"), T("body", "寄港"), T("title", "演習")]),
    "dismax-boost": wq.DisjunctionMax([T("body", "演習"), T("body", "寄港", boost=3.0)],
                                      boost=0.5),
    "dismax-nested": wq.DisjunctionMax([
        wq.Or([T("body", "空母"), T("title", "寄港")]),
        wq.Phrase("body", ["空母", "潜水艦"], boost=0.5), T("body", "火星")]),
}


@pytest.mark.parametrize("name", list(SCORED))
def test_matches_and_scores_are_whooshs(both, name):
    q = SCORED[name]
    ours, theirs = both.ours(q), both.theirs(q)
    assert list(ours) == sorted(theirs)
    assert [ours[d] for d in sorted(theirs)] == pytest.approx(
        [theirs[d] for d in sorted(theirs)], rel=1e-6)


@pytest.mark.parametrize("name", [n for n, q in SCORED.items()
                                  if isinstance(q, wq.Phrase) and len(q.words) > 1])
def test_a_phrase_scores_as_its_words_together_bit_for_bit(both, name):
    """A phrase is scored once found, not its words over all their documents first: the
    same sums, in the same order (the shortest list first) as the And of its words."""
    q = SCORED[name]
    found = both.evaluator.run(q)
    together = _intersect([both.evaluator.run(T(q.fieldname, w)) for w in q.words])
    keep = np.isin(together.docs, found.docs)
    assert found.docs.dtype == np.int32
    assert found.docs.tolist() == together.docs[keep].tolist()
    assert found.scores.tolist() == (together.scores[keep] * q.boost).tolist()


def test_parts_joined_by_sorting_or_in_arrays_as_long_as_the_index_are_the_same(both,
                                                                               monkeypatch):
    """An Or, an And and a DisjunctionMax join their parts' documents by sorting or
    binary searches, or, when they are many, in arrays with a place per document: the same
    documents and floats."""
    answers = {}
    for share in (0, 10**9):  # never in arrays; always (two parts or more)
        monkeypatch.setattr(matching, "DENSE_SHARE", share)
        fresh = Evaluator(both.opened.searcher, both.columns, both.opened.postings)
        answers[share] = {name: fresh.run(q) for name, q in [*SCORED.items(), *BEST.items()]}
    for name, by_sorting in answers[0].items():
        in_arrays = answers[10**9][name]
        assert in_arrays.docs.dtype == by_sorting.docs.dtype == np.int32, name
        assert in_arrays.docs.tolist() == by_sorting.docs.tolist(), name
        assert in_arrays.scores.tolist() == by_sorting.scores.tolist(), name


def test_parts_are_joined_in_arrays_when_they_hold_more_than_a_32nd_of_the_index():
    ten, two = Matches(np.arange(10, dtype=np.int32), np.ones(10)), \
        Matches(np.arange(2, dtype=np.int32), np.ones(2))
    assert matching.DENSE_SHARE == 32
    assert _dense([ten, two], 32 * 12 - 1) and not _dense([ten, two], 32 * 12)
    assert not _dense([ten], 1)  # one part is its own answer
    # an And: the documents still in its intersection
    assert _many(10, 32 * 10 - 1) and not _many(10, 32 * 10)


def test_an_index_without_deletions_gives_whooshs_matches_too(tmp_path):
    """No document deleted: the posting lists are the matches as they are (not filtered),
    shared with the cache, so nothing may write to them."""
    whole = Both(tmp_path, deleted=())
    try:
        assert whole.columns.none_deleted() and whole.columns.live.all()
        for q in SCORED.values():
            ours, theirs = whole.ours(q), whole.theirs(q)
            assert list(ours) == sorted(theirs)
            assert [ours[d] for d in sorted(theirs)] == pytest.approx(
                [theirs[d] for d in sorted(theirs)], rel=1e-6)
        assert list(whole.ours(T("body", "空母"))) == [0, 1, 2, 3, 4]  # 2 is live here
        found = whole.evaluator.run(T("body", "空母"))
        with pytest.raises(ValueError, match="read-only"):
            found.docs[0] = 5
    finally:
        whole.close()


def test_each_query_is_answered_as_itself_after_the_others(both, tmp_path):
    """One evaluator asked every query (its memory full of the others' answers) answers
    each as a fresh evaluator does: no two queries that differ share a memory."""
    for q in [*SCORED.values(), *BEST.values()]:
        both.evaluator.run(q)
    for name, q in [*SCORED.items(), *BEST.items()]:
        fresh = Evaluator(both.opened.searcher, both.columns, both.opened.postings)
        remembered, alone = both.evaluator.run(q), fresh.run(q)
        assert remembered.docs.tolist() == alone.docs.tolist(), name
        assert remembered.scores.tolist() == alone.scores.tolist(), name
    phrases = [wq.Phrase("body", ["空母", "潜水艦"]), wq.Phrase("title", ["空母", "潜水艦"]),
               wq.Phrase("body", ["空母", "潜水艦"], boost=2.0), T("body", "空母"),
               wq.Or([T("body", "空母")]), wq.And([T("body", "空母")]),
               wq.Not(T("body", "空母")), wq.Every(), wq.Every(boost=2.0),
               wq.DateRange("date", datetime(2025, 1, 2), None),
               wq.DateRange("date", None, datetime(2025, 1, 2))]
    numbers = [both.evaluator._key(q) for q in phrases]
    assert len(set(numbers)) == len(phrases)
    # compounds that differ in one thing: their type, boost, tiebreak or one child
    a, b, c = T("body", "空母"), T("body", "寄港"), T("title", "演習")
    compounds = [wq.DisjunctionMax([a, b]), wq.DisjunctionMax([a, c]),
                 wq.DisjunctionMax([c, b]), wq.DisjunctionMax([a, b], boost=2.0),
                 wq.DisjunctionMax([a, b], tiebreak=0.1), wq.Or([a, b]), wq.And([a, b]),
                 wq.AndMaybe(a, b), wq.AndMaybe(a, c), wq.AndMaybe(c, b),
                 wq.Not(b), wq.Not(c)]
    numbers = [both.evaluator._key(q) for q in compounds]
    assert len(set(numbers)) == len(compounds)
    # and a DisjunctionMax with a tiebreak is refused though its parts' is answered
    both.evaluator.run(wq.DisjunctionMax([a, b]))
    with pytest.raises(TypeError, match="^no evaluation for DisjunctionMax$"):
        both.evaluator.run(wq.DisjunctionMax([a, b], tiebreak=0.1))


def test_the_expected_documents(both):
    def docs(name):
        return list(both.ours(SCORED[name]))

    assert docs("term") == [0, 1, 3, 4]  # not the deleted 2
    assert docs("phrase") == [0, 4]
    assert docs("phrase-reversed") == [1, 3]
    assert docs("phrase-boost") == [1, 3]
    assert docs("phrase-three") == [4]
    assert docs("phrase-sub-words") == [5]  # not 6: inside the compound only
    assert docs("phrase-never") == []
    assert docs("or-one") == [5]


def test_a_term_scores_bm25f_with_deleted_documents_counted(both):
    # 空母 is in 5 documents of 7 (one deleted): idf = ln(7 / 6) + 1
    found = both.ours(T("body", "空母", boost=2.0))
    avg = both.columns.avg_length["body"]
    dl = both.columns.lengths["body"]
    idf = np.log(7 / 6) + 1

    def bm25(w, d):
        return 2.0 * idf * w * 2.2 / (w + 1.2 * (0.25 + 0.75 * float(dl[d]) / avg))

    assert list(found) == [0, 1, 3, 4]
    assert [found[d] for d in found] == pytest.approx(
        [bm25(1, 0), bm25(2, 1), bm25(1, 3), bm25(1, 4)], rel=1e-9)


def test_a_facet_term_scores_its_weight_times_the_boost(both):
    assert both.ours(T("countries", "米国", boost=3.0)) == {0: 3.0, 1: 3.0}
    assert both.ours(T("countries", "豪州")) == {1: 1.0, 4: 1.0}


def test_not_is_every_live_document_outside_with_score_one(both):
    assert both.ours(wq.Not(T("body", "空母"))) == {5: 1.0, 6: 1.0}
    assert both.ours(wq.Not(T("body", "火星"))) == dict.fromkeys(LIVE, 1.0)


def test_every_live_document_with_the_boost(both):
    assert both.ours(wq.Every()) == dict.fromkeys(LIVE, 1.0)
    assert both.ours(wq.Every(boost=2.0)) == dict.fromkeys(LIVE, 2.0)


def test_a_date_range_is_the_dated_live_documents_in_it(both):
    q = wq.DateRange("date", datetime(2025, 1, 2), datetime(2025, 1, 6), boost=1.5)
    assert both.ours(q) == {1: 1.5, 3: 1.5, 5: 1.5}  # not 2 (deleted), not 4 (undated)
    assert both.ours(wq.DateRange("date", None, datetime(2025, 1, 1))) == {0: 1.0}


def test_nothing_matches_an_empty_compound_or_the_null_query(both):
    assert both.ours(wq.And([])) == {}
    assert both.ours(wq.Or([])) == {}
    assert both.ours(wq.NullQuery) == {}
    assert both.ours(wq.NullQuery.__class__()) == {}  # another instance of its class
    assert both.ours(wq.Or([T("body", "火星"), T("body", "金星")])) == {}


def test_a_query_it_cannot_evaluate_is_a_type_error(both):
    with pytest.raises(TypeError, match="^no evaluation for Prefix$"):
        both.evaluator.run(wq.Prefix("body", "空"))
    # a tiebreak adds the other parts' scores, in an order Whoosh's tree fixes: not evaluated
    with pytest.raises(TypeError, match="^no evaluation for DisjunctionMax$"):
        both.evaluator.run(wq.DisjunctionMax([T("body", "空母"), T("body", "寄港")],
                                             tiebreak=0.1))


@pytest.mark.parametrize("name", list(BEST))
def test_the_best_of_the_parts_is_whooshs_best_part_per_document(both, name):
    q = BEST[name]
    expected: dict[int, float] = {}
    for part in q.subqueries:
        for doc, score in both.theirs(part).items():
            expected[doc] = max(expected.get(doc, 0.0), score * q.boost)
    ours = both.ours(q)
    assert list(ours) == sorted(expected)
    assert [ours[d] for d in sorted(expected)] == pytest.approx(
        [expected[d] for d in sorted(expected)], rel=1e-6)


def test_the_best_of_the_parts_within_an_and(both):
    best = wq.DisjunctionMax([T("body", "潜水艦"), T("body", "寄港")])
    ours = both.ours(wq.And([T("body", "空母"), best]))
    carrier, parts = both.ours(T("body", "空母")), both.ours(best)
    assert ours and ours == {d: carrier[d] + parts[d] for d in carrier if d in parts}


def test_the_best_of_no_parts_is_nothing(both):
    assert both.ours(wq.DisjunctionMax([])) == {}
    # its value is not an Or's of the same parts
    or_ = both.evaluator.run(wq.Or([T("body", "空母"), T("body", "寄港")]))
    assert both.evaluator.run(wq.DisjunctionMax([T("body", "空母"), T("body", "寄港")])) \
        is not or_


def test_a_query_is_answered_once_by_value(both):
    first = both.evaluator.run(wq.And([T("body", "空母"), T("body", "寄港")]))
    assert both.evaluator.run(wq.And([T("body", "空母"), T("body", "寄港")])) is first


def test_an_unhashable_query_is_evaluated_each_time(both):
    q = T("body", "空母")
    q.text = ["空母"]  # a list: cannot be hashed
    with pytest.raises(TypeError):
        hash(q)
    with pytest.raises(TypeError, match="unhashable"):
        both.evaluator.run(wq.And([T("body", "寄港"), q]))


def test_union_and_intersection_of_arrays():
    a = Matches(np.array([1, 4, 7], np.int32), np.array([1.0, 2.0, 3.0]))
    b = Matches(np.array([4, 5], np.int32), np.array([10.0, 20.0]))
    empty = Matches(np.zeros(0, np.int32), np.zeros(0))
    union = _union([a, empty, b])
    assert union.docs.dtype == np.int32
    assert (union.docs.tolist(), union.scores.tolist()) == ([1, 4, 5, 7], [1.0, 12.0, 20.0, 3.0])
    assert _union([empty, b]) is b
    both = _intersect([a, b])
    assert both.docs.dtype == np.int32
    assert (both.docs.tolist(), both.scores.tolist()) == ([4], [12.0])
    assert len(_intersect([a, empty])) == 0


_PARTS = st.lists(st.dictionaries(st.integers(0, 60), st.floats(0.01, 100.0), max_size=25),
                  min_size=1, max_size=6)


def _matches(part: dict[int, float]) -> Matches:
    docs = sorted(part)
    return Matches(np.array(docs, np.int32), np.array([part[d] for d in docs], np.float64))


@given(_PARTS)
def test_union_sums_each_documents_scores_in_the_parts_order(parts):
    want: dict[int, float] = {}
    for part in parts:
        for doc, score in part.items():
            want[doc] = want[doc] + score if doc in want else score
    found = _union([_matches(p) for p in parts])
    assert found.docs.dtype == np.int32
    assert found.docs.tolist() == sorted(want)
    assert found.scores.tolist() == [want[d] for d in sorted(want)]


@given(_PARTS)
def test_intersection_keeps_the_documents_of_every_part(parts):
    common = set(parts[0]).intersection(*parts[1:])
    found = _intersect([_matches(p) for p in parts])
    assert found.docs.dtype == np.int32 and found.docs.tolist() == sorted(common)
    # summed from the shortest part up (the order _intersect takes them in)
    order = sorted(range(len(parts)), key=lambda i: len(parts[i]))
    want = []
    for d in sorted(common):
        total = parts[order[0]][d]
        for i in order[1:]:
            total += parts[i][d]
        want.append(total)
    assert found.scores.tolist() == want


def test_within_finds_values_in_a_sorted_array_by_binary_search():
    ascending = np.array([2, 5, 9], dtype=np.int64)
    values = np.array([0, 2, 3, 5, 9, 10, 9], dtype=np.int64)
    assert _within(values, ascending).tolist() == [False, True, False, True, True, False, True]
    assert _within(values, ascending[:0]).tolist() == [False] * 7
    assert _within(values[:0], ascending).tolist() == []


def test_common_values_by_binary_search_or_by_merging_are_the_same():
    """Keys of a phrase's words met: the far fewer looked up in the others, or the two
    merged."""
    a = np.array([1, 4, 7, 9, 12], dtype=np.int64)
    b = np.array([0, 4, 5, 9, 12, 30], dtype=np.int64)
    assert _common(a, b).tolist() == _common(b, a).tolist() == [4, 9, 12]  # merged
    many = np.arange(0, 4000, 2, dtype=np.int64)
    few = np.array([3, 4, 3998, 5000], dtype=np.int64)  # looked up: 4 × 11 < 2,004
    assert _common(few, many).tolist() == _common(many, few).tolist() == [4, 3998]
    assert _common(a, b[:0]).tolist() == _common(a[:0], a[:0]).tolist() == []
    assert _common(a, a).tolist() == a.tolist()
    assert _common(a, a + 100).tolist() == []


def test_unique_sorted_is_numpys_unique_in_one_pass_or_after_sorting():
    ascending = np.array([1, 1, 4, 7, 7, 7, 9], dtype=np.int64)
    assert _unique_sorted(ascending).tolist() == [1, 4, 7, 9]
    assert _unique_sorted(np.array([5, 1, 5, 3])).tolist() == [1, 3, 5]  # not ascending
    assert _unique_sorted(np.array([3])).tolist() == [3]
    assert _unique_sorted(np.array([], dtype=np.int64)).tolist() == []
    one = np.array([3])
    assert _unique_sorted(one) is not one  # a copy, as np.unique gives
    rng = np.random.default_rng(3)
    for _ in range(50):
        values = np.sort(rng.integers(0, 20, int(rng.integers(0, 30))))
        assert _unique_sorted(values).tolist() == np.unique(values).tolist()
        shuffled = rng.permutation(values)
        assert _unique_sorted(shuffled).tolist() == np.unique(values).tolist()


def test_occurrences_in_are_the_places_of_the_candidates_documents():
    docs = np.array([1, 1, 3, 4, 4, 4, 8], dtype=np.int32)
    assert _occurrences_in(docs, np.array([1, 4], dtype=np.int32)).tolist() == [0, 1, 3, 4, 5]
    assert _occurrences_in(docs, np.array([0, 2, 8, 9], dtype=np.int32)).tolist() == [6]
    assert _occurrences_in(docs, np.array([], dtype=np.int32)).tolist() == []
    assert _occurrences_in(docs[:0], np.array([1], dtype=np.int32)).tolist() == []
    rng = np.random.default_rng(5)
    for _ in range(50):
        many = np.sort(rng.integers(0, 30, int(rng.integers(0, 40))))
        few = np.unique(rng.integers(0, 30, int(rng.integers(0, 10))))
        assert _occurrences_in(many, few).tolist() == np.flatnonzero(np.isin(many, few)).tolist()
