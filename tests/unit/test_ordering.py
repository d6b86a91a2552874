"""The order and page stages (search/engine/ordering.py, pipeline.page) on arrays made by
hand: which documents, in which order, with which scores."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from search.engine.matching import Matches
from search.engine.ordering import by_score, ranked, two_tiers
from search.engine.partial import Partial
from search.engine.pipeline import page
from search.engine.request import SearchRequest

# six documents; rank is the date order (5 the newest, 0 the oldest)
RANK = np.array([3, 0, 5, 1, 4, 2], dtype=np.int32)
ALL = np.ones(6, dtype=bool)


def ranked_both(rank, found, allowed, sort, unscored, some, upto):
    """``ranked`` without the rank table, checked equal to it with the table (the way the
    pipeline calls it): a date order of whole matches reads the table, the others not."""
    by_rank = np.empty(len(rank), dtype=np.int32)
    by_rank[rank] = np.arange(len(rank), dtype=np.int32)
    alone = ranked(rank, found, allowed, sort, unscored, some, upto)
    assert ranked(rank, found, allowed, sort, unscored, some, upto, by_rank) == alone
    return alone


def matches(scores: dict[int, float]) -> Matches:
    docs = np.array(sorted(scores), dtype=np.int32)
    return Matches(docs, np.array([scores[d] for d in docs.tolist()], dtype=np.float64))


def partial(some: list[int], coverage: dict[int, float], score: dict[int, float]) -> Partial:
    mask = np.zeros(6, dtype=bool)
    mask[some] = True
    cov, sc = np.zeros(6), np.zeros(6)
    for d, v in coverage.items():
        cov[d] = v
    for d, v in score.items():
        sc[d] = v
    return Partial(["a", "b"], np.zeros((2, 6), dtype=bool), np.zeros(6, np.int16), cov, sc,
                   mask)


def test_relevance_is_score_then_newest():
    found = matches({0: 2.0, 1: 3.0, 2: 2.0, 4: 1.0})
    # 0 and 2 tie at 2.0: 2 (rank 5) is newer than 0 (rank 3)
    assert ranked_both(RANK, found, ALL, "relevance", False, None, 10) == [
        (1, 3.0), (2, 2.0), (0, 2.0), (4, 1.0)]
    assert ranked_both(RANK, found, ALL, "relevance", False, None, 2) == [(1, 3.0), (2, 2.0)]


def test_only_allowed_documents_are_ordered():
    found = matches({0: 2.0, 1: 3.0, 2: 2.0})
    allowed = np.array([True, False, True, True, True, True])
    assert ranked_both(RANK, found, allowed, "relevance", False, None, 10) == [(2, 2.0), (0, 2.0)]


def test_dates_order_every_allowed_document_without_scores():
    allowed = np.array([True, True, True, False, True, True])
    none = matches({})
    assert ranked_both(RANK, none, allowed, "newest", False, None, 10) == [
        (2, 0.0), (4, 0.0), (0, 0.0), (5, 0.0), (1, 0.0)]
    assert ranked_both(RANK, none, allowed, "oldest", False, None, 3) == [
        (1, 0.0), (5, 0.0), (0, 0.0)]
    # no words and relevance asked: newest first
    assert ranked_both(RANK, none, allowed, "relevance", True, None, 2) == [(2, 0.0), (4, 0.0)]


def test_partial_matches_come_after_the_full_ones_in_a_date_order():
    some = partial([2, 4], {}, {})
    allowed = np.array([True, True, True, False, True, False])
    # full: 0 (rank 3), 1 (rank 0); partial: 2 (rank 5), 4 (rank 4)
    assert [d for d, _ in ranked_both(RANK, matches({0: 1, 1: 1}), allowed, "newest", False,
                                 some, 10)] == [0, 1, 2, 4]
    assert [d for d, _ in ranked_both(RANK, matches({0: 1, 1: 1}), allowed, "oldest", False,
                                 some, 10)] == [1, 0, 4, 2]


def test_partial_matches_rank_by_coverage_then_score():
    # 3 holds more of the query's weight than 5, which scores higher
    some = partial([3, 5], {3: 0.8, 5: 0.5}, {3: 1.0, 5: 9.0})
    found = matches({0: 2.0})
    assert ranked_both(RANK, found, ALL, "relevance", False, some, 10) == [
        (0, 2.0), (3, 1.0), (5, 9.0)]
    assert two_tiers(found.docs, found.scores, some.some, some, RANK, 1) == [(0, 2.0)]


def test_by_score_offset_and_ties_at_the_cut():
    docs = np.array([0, 1, 2, 3], dtype=np.int32)
    keys = np.array([1.0, 2.0, 2.0, 2.0])
    # three tie at 2.0: newest first (2: rank 5, 0 excluded, 3: rank 1, 1: rank 0)
    assert by_score(docs, keys, keys, RANK, 0, 2) == [(2, 2.0), (3, 2.0)]
    assert by_score(docs, keys, keys, RANK, 2, 4) == [(1, 2.0), (0, 1.0)]
    assert by_score(docs, keys, keys, RANK, 4, 6) == []


def test_page_slices_the_order():
    top = [(d, 0.0) for d in range(45)]
    assert page(top, SearchRequest(page=1, page_size=20)) == top[:20]
    assert page(top, SearchRequest(page=3, page_size=20)) == top[40:45]
    assert page(top, SearchRequest(page=4, page_size=20)) == []


@given(st.lists(st.integers(0, 3), min_size=6, max_size=6),
       st.sampled_from(["relevance", "newest", "oldest"]),
       st.integers(1, 6), st.integers(1, 7))
def test_a_page_is_the_same_slice_of_a_longer_order(scores, sort, size, upto):
    # the order of the first n documents does not depend on n: the related articles read
    # the first page from the order made for the page shown
    found = matches({d: float(s) for d, s in enumerate(scores) if s})
    allowed = np.array([bool(s) for s in scores])
    longer = ranked_both(RANK, found, allowed, sort, False, None, size + upto)
    assert ranked_both(RANK, found, allowed, sort, False, None, size) == longer[:size]


def test_scores_are_rounded_to_four_places():
    found = matches({0: 1.23456, 1: 2.000049})
    assert ranked_both(RANK, found, ALL, "relevance", False, None, 10) == [(1, 2.0), (0, 1.2346)]


def test_by_score_asked_for_nothing_gives_nothing():
    docs = np.array([0, 1], dtype=np.int32)
    keys = np.array([1.0, 2.0])
    assert by_score(docs, keys, keys, RANK, 0, 0) == []


def test_a_date_order_over_many_documents_keeps_the_newest():
    # partitioning picks the first ``upto`` of a thousand: an off-by-one there shows only
    # with many documents
    n = 1000
    rank = np.random.default_rng(7).permutation(n).astype(np.int32)
    allowed = np.ones(n, dtype=bool)
    none = Matches(np.zeros(0, np.int32), np.zeros(0))
    newest = int(np.argmax(rank))
    assert ranked(rank, none, allowed, "newest", False, None, 1) == [(newest, 0.0)]
    top = ranked(rank, none, allowed, "oldest", False, None, 3)
    assert [d for d, _ in top] == [int(d) for d in np.argsort(rank)[:3]]


def test_partial_matches_of_equal_coverage_rank_by_score():
    some = partial([3, 5], {3: 0.5, 5: 0.5}, {3: 1.0, 5: 9.0})
    assert ranked_both(RANK, matches({}), ALL, "relevance", False, some, 10) == [(5, 9.0), (3, 1.0)]


def test_partial_matches_none_allowed_and_at_most_upto():
    # the partial matches exist but the filters allow none of them
    some = partial([3, 5], {3: 0.5, 5: 0.8}, {3: 1.0, 5: 9.0})
    allowed = np.array([True, True, False, False, False, False])
    assert ranked_both(RANK, matches({0: 2.0}), allowed, "relevance", False, some, 10) == [(0, 2.0)]
    # full and partial together are cut at upto
    assert ranked_both(RANK, matches({0: 2.0}), ALL, "relevance", False, some, 2) == [
        (0, 2.0), (5, 9.0)]


def test_first_allowed_reads_the_rank_order_a_stretch_at_a_time(monkeypatch):
    """The documents in rank order (oldest first), the allowed ones taken from the newest
    end (or the oldest), stretches of FIRST_LOOK, then twice as many, until enough."""
    from search.engine import ordering

    assert ordering.FIRST_LOOK == 1 << 14
    monkeypatch.setattr(ordering, "FIRST_LOOK", 2)
    by_rank = np.array([5, 3, 8, 0, 1, 7, 2, 6, 4], dtype=np.int32)  # oldest … newest
    allowed = np.zeros(9, dtype=bool)
    allowed[[3, 0, 7, 2]] = True
    newest = ordering.first_allowed(by_rank, allowed, False, 3)
    assert newest.tolist() == [2, 7, 0] and newest.dtype == np.int32
    assert ordering.first_allowed(by_rank, allowed, True, 3).tolist() == [3, 0, 7]
    assert ordering.first_allowed(by_rank, allowed, False, 9).tolist() == [2, 7, 0, 3]
    assert ordering.first_allowed(by_rank, allowed, True, 1).tolist() == [3]
    assert ordering.first_allowed(by_rank, allowed, False, 0).tolist() == []
    assert ordering.first_allowed(by_rank, np.zeros(9, dtype=bool), False, 5).tolist() == []
    empty = np.zeros(0, dtype=np.int32)
    nothing = ordering.first_allowed(empty, np.zeros(0, dtype=bool), False, 5)
    assert nothing.tolist() == [] and nothing.dtype == np.int32
    # how far it reads: the newest stretch of 2 (4, 6) holds none, the next of 4 (2, 7, 1,
    # 0) three: a page of 3 stops there; of 4 it reads the last 3 (8, 3, 5) too
    seen = []
    real = np.concatenate
    monkeypatch.setattr(ordering.np, "concatenate",
                        lambda parts: seen.append([p.tolist() for p in parts]) or real(parts))
    assert ordering.first_allowed(by_rank, allowed, False, 3).tolist() == [2, 7, 0]
    assert ordering.first_allowed(by_rank, allowed, False, 4).tolist() == [2, 7, 0, 3]
    assert ordering.first_allowed(by_rank, allowed, True, 2).tolist() == [3, 0]
    # the count is of every stretch so far: a page of 2 from the oldest end stops after
    # the second stretch (one, then two), not when one stretch alone holds two
    assert ordering.first_allowed(by_rank, allowed, True, 3).tolist() == [3, 0, 7]
    assert seen == [[[], [2, 7, 0]], [[], [2, 7, 0], [3]], [[3], [0, 7]], [[3], [0, 7]]]
    allowed[1] = True  # now the oldest stretches hold 1 (3), 2 (0, 1), then 7 and 2
    seen.clear()
    assert ordering.first_allowed(by_rank, allowed, True, 3).tolist() == [3, 0, 1]
    assert seen == [[[3], [0, 1, 7]]]


def test_ranked_by_date_with_the_rank_order_is_ranked_without_it():
    rng = np.random.default_rng(4)
    rank = rng.permutation(300).astype(np.int32)
    by_rank = np.empty(300, dtype=np.int32)
    by_rank[rank] = np.arange(300, dtype=np.int32)
    for _ in range(20):
        allowed = rng.random(300) < rng.random()
        docs = np.flatnonzero(allowed).astype(np.int32)
        found = Matches(docs, rng.integers(1, 5, len(docs)).astype(np.float64))
        for sort, unscored in (("newest", True), ("oldest", True), ("newest", False),
                               ("oldest", False), ("relevance", True),
                               ("relevance", False)):
            for upto in (1, 20, 400):
                assert ranked(rank, found, allowed, sort, unscored, None, upto, by_rank) == \
                    ranked(rank, found, allowed, sort, unscored, None, upto)
