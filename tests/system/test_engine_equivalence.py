"""The NumPy engine against Whoosh's own search, on the bundled corpus.

The engine scores and sorts outside Whoosh (``search.matching``, ``search.columns``); these
tests hold it to what Whoosh's collector gives for the same compiled query: the same
matches, the same order (score, ties newest first) and the same scores; facet counts
against a count of every stored document.
"""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path

import pytest
from whoosh import query as wq
from whoosh import scoring, sorting
from whoosh.matching.binary import DisjunctionMaxMatcher

from search.engine import SearchRequest
from search.engine.partial import FILL
from search.engine.pipeline import commoner, holder, speller
from search.index.schema import split_commas, stored
from search.index.store import open_current
from search.query.compile import parse_query

JUDGED = Path(__file__).parent.parent / "judged" / "queries.tsv"
EXTRA = [
    "防衛", "米国", "日米豪比", "防衛装備品", "共同訓練 フィリピン",
    "(エストニア OR ラトビア) サイバー",
    "空母 NOT イタリア", "-イタリア", "title:空母", "source:読売新聞 防衛", "org:NATO",
    "country:フィリピン 共同訓練", "空母 -country:イタリア", "org:NATO country:米国",
    "collection:欧州", "date:2024-06", "date:..2015 防衛", "date:2024 OR 潜水艦", "防衛 OR -空母",
    '"防衛協力"', "「日米同盟」", "nato", "Ｆ－３５", "海上自衛隊 護衛艦", "の",
]


def _queries() -> list[str]:
    lines = JUDGED.read_text(encoding="utf-8").splitlines()
    judged = [ln.split("\t", 1)[1] for ln in lines if ln and not ln.startswith("#")]
    return judged + EXTRA


def _mended_score(self) -> float:
    """Whoosh's DisjunctionMaxMatcher.score as its docstring says it works: the higher
    score of the parts on the current document. Whoosh's own takes the higher of both
    parts' current scores even when they stand on different documents (its UnionMatcher
    compares their ids first; this does the same)."""
    a, b = self.a, self.b
    if not a.is_active():
        return b.score()
    if not b.is_active():
        return a.score()
    if a.id() != b.id():
        return (a if a.id() < b.id() else b).score()
    return max(a.score(), b.score())


@pytest.fixture(scope="module")
def whoosh_searcher(session_index):
    """Whoosh's search, the reference, with DisjunctionMaxMatcher.score mended (a category
    and its kinds compile to a DisjunctionMax: search/query/compile.py)."""
    saved = DisjunctionMaxMatcher.score
    DisjunctionMaxMatcher.score = _mended_score
    searcher = open_current(session_index).searcher(weighting=scoring.BM25F())
    yield searcher
    searcher.close()
    DisjunctionMaxMatcher.score = saved


def test_whooshs_best_of_parts_scores_a_document_by_a_part_it_lacks(session_index):
    """Why the reference is mended: unmended, a document only one part matches can take
    the other part's score from the document that part stands on."""
    q = wq.DisjunctionMax([wq.Term("body", "潜水艦"), wq.Term("body", "寄港")])
    with open_current(session_index).searcher(weighting=scoring.BM25F()) as searcher:
        parts = [dict(_scores(searcher, part)) for part in q.subqueries]
        best = {d: max(p.get(d, 0.0) for p in parts) for d in {*parts[0], *parts[1]}}
        unmended = dict(_scores(searcher, q))
        assert set(unmended) == set(best) and unmended != pytest.approx(best)
        DisjunctionMaxMatcher.score, saved = _mended_score, DisjunctionMaxMatcher.score
        try:
            assert dict(_scores(searcher, q)) == pytest.approx(best)
        finally:
            DisjunctionMaxMatcher.score = saved


def _scores(searcher, q) -> list[tuple[int, float]]:
    return [(hit.docnum, hit.score) for hit in searcher.search(q, limit=None)]


@pytest.mark.parametrize("text", _queries())
def test_relevance_order_and_scores_are_whooshs(engine, whoosh_searcher, text):
    # as the engine reads it: kana words spelled in kanji, kanji words the index lacks
    # spelt by character, no kinds made only of words most texts hold (米海軍)
    with engine.serving.use() as ix, ix.searcher() as searcher:
        parsed = parse_query(text, speller(ix), holder(ix, searcher),
                             common=commoner(ix, searcher))
    if parsed.is_empty:
        pytest.skip("the empty query is sorted by date")
    expected = whoosh_searcher.search(
        parsed.query, limit=None,
        sortedby=[sorting.ScoreFacet(), sorting.FieldFacet("sortkey", reverse=True)])
    want = [(stored(hit.fields())["id"], round(-float(hit.score[0]), 4))
            for hit in expected][:100]
    result = engine.search(SearchRequest(q=text, page_size=100, sort="relevance",
                                         correct=False))
    # the articles holding every word (the query as written) come first: Whoosh's matches
    assert result.complete == len(expected)
    got = [(h.id, h.score) for h in result.results][:len(want)]
    assert [i for i, _ in got] == [i for i, _ in want]
    assert [s for _, s in got] == pytest.approx([s for _, s in want], abs=1e-3)
    assert all(not h.missing for h in result.results[:len(want)])


def _whoosh_partial(searcher, parsed) -> list[tuple[str, float, list[str]]]:
    """The partial matches as the issue defines them, computed from Whoosh's own searches:
    articles holding some words, not all: at least half the IDF weight, or (when every word
    is in some article) two words or more that are half of the words, and every word that
    names a place; by the share of the weight they hold, then the sum of their words'
    scores, then newest; only as many as make up ``FILL`` with the articles holding every
    word."""
    n = searcher.doc_count_all()
    found = []
    for label, q in parsed.parts:
        hits = searcher.search(q, limit=None)
        found.append((label, {stored(h.fields())["id"]: float(h.score) for h in hits}))
    weights = [math.log(1 + (n - len(ids) + 0.5) / (len(ids) + 0.5)) for _, ids in found]
    rest = None
    if parsed.rest:
        rest = {stored(h.fields())["id"]
                for h in searcher.search(wq.And([wq.Every(), *parsed.rest]), limit=None)}
    newest = searcher.search(wq.Every(), limit=None,
                             sortedby=sorting.FieldFacet("sortkey", reverse=True))
    recency = {stored(h.fields())["id"]: n for n, h in enumerate(newest)}
    rows = []
    for rid in set().union(*(ids for _, ids in found)):
        held = [rid in ids for _, ids in found]
        if all(held) or (rest is not None and rid not in rest):
            continue
        weight = sum(w for w, h in zip(weights, held, strict=True) if h)
        by_count = all(ids for _, ids in found) and sum(held) >= 2 \
            and 2 * sum(held) >= len(held)
        if weight < 0.5 * sum(weights) and not by_count:
            continue
        if not all(h for h, place in zip(held, parsed.places, strict=True) if place):
            continue
        score = sum(ids.get(rid, 0.0) for _, ids in found)
        missing = [label for (label, _), h in zip(found, held, strict=True) if not h]
        rows.append((-round(weight / sum(weights), 9), -round(score, 6),
                     recency[rid], rid, score, missing))
    complete = len(searcher.search(parsed.query, limit=None))
    return [(rid, score, missing)
            for *_, rid, score, missing in sorted(rows)[:max(0, FILL - complete)]]


@pytest.mark.parametrize("text", ["イタリア 空母 訓練", "豪州 瀬取り", "空母 -イタリア 訓練",
                                  "country:フィリピン 共同訓練 海上保安庁", "サイバー 宇宙 同盟",
                                  "防衛 協力 覚書", "火星 探査"])
def test_partial_matches_follow_from_whooshs_scores(engine, whoosh_searcher, text):
    parsed = parse_query(text)
    want = _whoosh_partial(whoosh_searcher, parsed)
    result = engine.search(SearchRequest(q=text, page_size=100, sort="relevance"))
    assert result.total == result.complete + len(want)
    got = [(h.id, h.score, h.missing) for h in result.results[result.complete:]]
    shown = want[:len(got)]
    assert len(got) == min(len(want), 100 - min(result.complete, 100))
    assert [(i, m) for i, _, m in got] == [(i, m) for i, _, m in shown]
    assert [s for _, s, _ in got] == pytest.approx([s for _, s, _ in shown], abs=1e-3)


@pytest.mark.parametrize("sort", ["newest", "oldest"])
@pytest.mark.parametrize("text", ["", "防衛", "country:フィリピン"])
def test_date_order_is_the_sortkey_order(engine, whoosh_searcher, text, sort):
    parsed = parse_query(text)
    expected = whoosh_searcher.search(parsed.query, limit=None,
                                      sortedby=sorting.FieldFacet("sortkey",
                                                                  reverse=sort == "newest"))
    want = [stored(hit.fields())["id"] for hit in expected]
    for page in (1, 2, 3):
        result = engine.search(SearchRequest(q=text, sort=sort, page=page, page_size=20))
        assert [h.id for h in result.results] == want[(page - 1) * 20:page * 20]


def test_page_two_continues_page_one(engine):
    first = engine.search(SearchRequest(q="防衛", page=1, page_size=7))
    second = engine.search(SearchRequest(q="防衛", page=2, page_size=7))
    both = engine.search(SearchRequest(q="防衛", page=1, page_size=14))
    assert [h.id for h in first.results + second.results] == [h.id for h in both.results]


def test_facet_counts_are_counts_of_the_stored_documents(engine, whoosh_searcher):
    every = [stored(whoosh_searcher.stored_fields(n))
             for n in whoosh_searcher.reader().all_doc_ids()]
    result = engine.search(SearchRequest(q="", selected={"source": ["共同通信"]}))
    countries = Counter(c for d in every if d.get("source") == "共同通信"
                        for c in split_commas(d.get("countries")))
    assert [(v.value, v.count) for v in result.facets["country"]] == sorted(
        countries.items(), key=lambda kv: (-kv[1], kv[0]))[:30]
    sources = Counter(d.get("source") for d in every if d.get("source"))
    assert [(v.value, v.count) for v in result.facets["source"]] == sorted(
        sources.items(), key=lambda kv: (-kv[1], kv[0]))[:30]
    assert result.total == sources["共同通信"]


@pytest.mark.parametrize("word", ["ウクライ", "ウクライノ", "ふぃりぴん", "自衛体", "nata", "sabr",
                                  "フィリッピン", "防衛省庁", "潜水鑑", "xqzvwk"])
@pytest.mark.parametrize("field", ["title", "body"])
def test_spelling_is_whooshs_corrector(engine, whoosh_searcher, word, field):
    """The corrector built from the term files' lexicon (``Spelling.of_field``) suggests
    what Whoosh's corrector of the same field does."""
    from search.query.suggest import Spelling

    with engine.serving.use() as ix:
        ours = Spelling.of_field(ix.postings, field)
    for maxdist in (1, 2):
        want = whoosh_searcher.corrector(field).suggest(word, 5, maxdist)
        assert ours.suggest(word, 5, maxdist) == want
