"""Partial matches (search/engine/partial.py) over a real index of eight articles whose words are
counted by hand, so that the rules (half of the words, or half of the weight; only the
weight when a word is in no article) can be checked at their edges.

    article      空母 潜水艦 演習
    2501-010101   ✓    ✓    ✓
    2501-010201   ✓    ✓
    2501-010301   ✓
    2501-010401        ✓
    2501-010501             ✓      (and 010601, 010701)
    2501-010801                    (大使 only)

空母 and 潜水艦 are in 3 of 8 articles (IDF log(1 + 5.5/3.5) = 0.944 each), 演習 in 4
(log 2 = 0.693), 大使 in 1 (log 6 = 1.792), 火星 in none (log 18 = 2.890).
"""

from __future__ import annotations

import numpy as np
import pytest
from whoosh import query as wq

from search.engine import Engine, SearchRequest
from search.engine.matching import Evaluator
from search.engine.partial import partial_matches
from search.index.build import reindex
from search.index.schema import stored_record
from search.query.compile import parse_query
from tests.unit.smallindex import archive

ARTICLES = [  # id, date, title, text
    ("2501-010101", "2025.01.01", "空母と潜水艦の演習", "空母と潜水艦が演習を行った。"),
    ("2501-010201", "2025.01.02", "空母と潜水艦", "空母と潜水艦が寄港した。"),
    ("2501-010301", "2025.01.03", "空母が寄港", "空母が寄港した。"),
    ("2501-010401", "2025.01.04", "潜水艦が寄港", "潜水艦が寄港した。"),
    ("2501-010501", "2025.01.05", "演習を実施", "演習を実施した。"),
    ("2501-010601", "2025.01.06", "演習を公開", "演習を公開した。"),
    ("2501-010701", "2025.01.07", "演習を計画", "演習を計画した。"),
    ("2501-010801", "2025.01.08", "大使が着任", "大使が着任した。"),
]


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("small-corpus")
    (corpus / "clippings-small.txt").write_text(
        archive([(rid, date, "共同通信", title, text) for rid, date, title, text in ARTICLES]),
        encoding="utf-8")
    root = tmp_path_factory.mktemp("small-ix")
    assert reindex(root, corpus).records == len(ARTICLES)
    eng = Engine(root)
    yield eng
    eng.close()


@pytest.mark.parametrize(("q", "full", "partial"), [
    # equal weights: holding one of two words is exactly half, enough
    ("空母 潜水艦", ["2501-010201", "2501-010101"],
     [("2501-010301", ["潜水艦"]), ("2501-010401", ["空母"])]),
    # 空母 alone (0.944 of 1.637) is enough, 演習 alone (0.693) is not: one word of two is
    # never enough by count
    ("空母 演習", ["2501-010101"],
     [("2501-010301", ["演習"]), ("2501-010201", ["演習"])]),
    # 大使 (in 1 article: 1.792) alone is half the weight (1.792 of 3.429); 空母 and 演習
    # (1.637) are not, but are two words of three: both, the larger share first
    ("大使 空母 演習", [], [("2501-010801", ["空母", "演習"]), ("2501-010101", ["大使"])]),
    # with a word no article holds, only the weight counts: two words of three are not
    # enough (1.637 of 4.527), wherever that word stands
    ("空母 演習 火星", [], []),
    ("火星 空母 演習", [], []),
    # four words (空母 潜水艦 寄港 0.944 each, 大使 1.792): two are half of them, though
    # 空母 and 寄港 are 1.888 of 4.624; 大使 alone (1.792) is neither
    ("空母 潜水艦 寄港 大使", [], [("2501-010201", ["大使"]), ("2501-010301", ["潜水艦", "大使"]),
                              ("2501-010401", ["空母", "大使"]),
                              ("2501-010101", ["寄港", "大使"])]),
    # five (with 演習 0.693): three are more than half of them (010101: 2.580 of 5.317);
    # two (空母 and 寄港, 1.888) are not
    ("空母 潜水艦 寄港 大使 演習", [], [("2501-010201", ["大使", "演習"]),
                                  ("2501-010101", ["寄港", "大使"])]),
    # one of three words (0.944 of 2.580) is not enough, two are
    ("空母 潜水艦 演習", ["2501-010101"], [("2501-010201", ["演習"])]),
    # a word no article holds weighs most: 空母 alone is not half of the query
    ("空母 火星", [], []),
    # an exclusion holds for both tiers
    ("空母 -演習 潜水艦", ["2501-010201"],
     [("2501-010301", ["潜水艦"]), ("2501-010401", ["空母"])]),
    # a filter too: only 2501-010201 … 010401 are dated 2025-01-02 … 01-04
    ("空母 演習 date:2025-01-02..2025-01-04", [], [("2501-010301", ["演習"]),
                                                   ("2501-010201", ["演習"])]),
    ("空母", ["2501-010301", "2501-010201", "2501-010101"], []),  # one word: no partial tier
])
def test_tiers(engine, q, full, partial):
    result = engine.search(SearchRequest(q=q, page_size=100, correct=False))
    got = [(h.id, h.missing) for h in result.results]
    assert got == [(i, []) for i in full] + partial
    assert (result.complete, result.total) == (len(full), len(full) + len(partial))


@pytest.fixture()
def opened(engine):
    """The real Evaluator over the engine's index, and the article id of each document."""
    with engine.serving.use() as ix, ix.searcher() as searcher:
        ev = Evaluator(searcher, ix.columns, ix.postings)
        yield ev, [stored_record(searcher, d)["id"] for d in range(ev.doc_count)]


def by_id(ids: list[str], values: np.ndarray) -> dict:
    return dict(zip(ids, values.tolist(), strict=True))


def test_partial_matches_in_full(opened):
    evaluator, ids = opened
    parsed = parse_query("空母 潜水艦")
    full = evaluator.run(parsed.query)
    p = partial_matches(evaluator, parsed.parts, parsed.rest, full)
    assert p.words == ["空母", "潜水艦"]
    assert p.held.dtype == np.bool_ and p.held.shape == (2, 8)
    assert by_id(ids, p.held.T) == {
        "2501-010101": [True, True], "2501-010201": [True, True],
        "2501-010301": [True, False], "2501-010401": [False, True],
        "2501-010501": [False, False], "2501-010601": [False, False],
        "2501-010701": [False, False], "2501-010801": [False, False]}
    # the articles holding every word count as holding every word
    assert p.count.dtype == np.int16
    assert by_id(ids, p.count) == {
        "2501-010101": 2, "2501-010201": 2, "2501-010301": 1, "2501-010401": 1,
        "2501-010501": 0, "2501-010601": 0, "2501-010701": 0, "2501-010801": 0}
    assert p.some.dtype == np.bool_
    assert {rid for rid, s in by_id(ids, p.some).items() if s} == {"2501-010301", "2501-010401"}
    # the share of the words' IDF each article holds (equal weights here)
    assert by_id(ids, p.coverage) == pytest.approx({
        "2501-010101": 1.0, "2501-010201": 1.0, "2501-010301": 0.5, "2501-010401": 0.5,
        "2501-010501": 0.0, "2501-010601": 0.0, "2501-010701": 0.0, "2501-010801": 0.0})
    # when a word names a place, an article lacking it is no partial match
    named = partial_matches(evaluator, parsed.parts, parsed.rest, full, places=[False, True])
    assert {rid for rid, s in by_id(ids, named.some).items() if s} == {"2501-010401"}
    both = partial_matches(evaluator, parsed.parts, parsed.rest, full, places=[True, True])
    assert not both.some.any()
    unequal = parse_query("空母 演習")
    q = partial_matches(evaluator, unequal.parts, unequal.rest, evaluator.run(unequal.query))
    assert by_id(ids, q.coverage)["2501-010301"] == pytest.approx(0.944 / 1.637, abs=1e-3)
    assert by_id(ids, q.coverage)["2501-010501"] == pytest.approx(0.693 / 1.637, abs=1e-3)
    # the sum of the words' own scores
    want = np.zeros(8)
    for _, q in parsed.parts:
        m = evaluator.run(q)
        want[m.docs] += m.scores
    assert p.score.dtype == np.float64
    assert p.score.tolist() == pytest.approx(want.tolist(), abs=1e-12)
    assert {rid for rid, s in by_id(ids, p.score).items() if s > 0} == {
        "2501-010101", "2501-010201", "2501-010301", "2501-010401"}
    assert {rid: p.missing(d) for d, rid in enumerate(ids)} == {
        "2501-010101": [], "2501-010201": [], "2501-010301": ["潜水艦"],
        "2501-010401": ["空母"], "2501-010501": ["空母", "潜水艦"],
        "2501-010601": ["空母", "潜水艦"], "2501-010701": ["空母", "潜水艦"],
        "2501-010801": ["空母", "潜水艦"]}


def test_no_words_make_no_partial_matches(opened):
    evaluator, _ = opened
    full = evaluator.run(wq.Term("body", "空母"))
    p = partial_matches(evaluator, [], [], full)
    assert p.words == [] and p.held.shape == (0, 8)
    assert p.some.tolist() == [False] * 8
    assert p.count.tolist() == [0] * 8


def test_partial_matches_only_fill_up_to_fill(opened, monkeypatch):
    from search.engine import partial as partial_module

    evaluator, ids = opened
    parsed = parse_query("空母 潜水艦 演習")  # one article holds all three; five hold two or one
    full = evaluator.run(parsed.query)
    everything = np.ones(evaluator.doc_count, dtype=bool)
    rank = evaluator.columns.rank

    def kept(fill: int, complete: int, within=everything) -> list[str]:
        monkeypatch.setattr(partial_module, "FILL", fill)
        p = partial_matches(evaluator, parsed.parts, parsed.rest, full)
        p.fill(complete, within, rank)
        return [rid for rid, s in by_id(ids, p.some).items() if s]

    # two of three words: 空母+潜水艦 (010201) holds the most weight; then one word alone is
    # not enough by count, and 空母 or 潜水艦 alone (0.944 of 2.581) not by weight
    assert kept(15, 1) == ["2501-010201"]
    assert kept(2, 1) == ["2501-010201"]
    assert kept(1, 1) == []  # the articles holding every word fill the list already
    assert kept(15, 1, within=np.zeros(evaluator.doc_count, dtype=bool)) == []

    # of two partial matches holding as much of the query, the one scoring higher stays
    two = parse_query("空母 潜水艦")
    p = partial_matches(evaluator, two.parts, two.rest, evaluator.run(two.query))
    both = np.flatnonzero(p.some)
    assert len(both) == 2 and p.coverage[both[0]] == p.coverage[both[1]]
    best = max(both, key=lambda d: (p.score[d], rank[d]))
    monkeypatch.setattr(partial_module, "FILL", 3)
    p.fill(2, everything, rank)
    assert np.flatnonzero(p.some).tolist() == [best]
