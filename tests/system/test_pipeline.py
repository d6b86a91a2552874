"""The search's stages one by one (search/engine/pipeline.py), over a real index of eight
articles whose words and dates are known, and over the bundled corpus for related articles
and help; then that one request runs each stage once and a correction reuses them."""

from __future__ import annotations

from collections import Counter

import pytest

from search.engine import Engine, SearchError, SearchRequest
from search.engine import pipeline as stages
from search.index.build import reindex
from search.index.schema import stored_record

ARTICLES = [  # id, date, outlet, title, text
    ("2501-010101", "2025.01.01", "共同通信", "空母と潜水艦の演習", "空母と潜水艦が演習を行った。"),
    ("2501-010201", "2025.01.02", "共同通信", "空母と潜水艦", "空母と潜水艦が寄港した。"),
    ("2501-010301", "2025.01.03", "時事通信", "空母が寄港", "空母が寄港した。"),
    ("2501-010401", "2025.01.04", "時事通信", "潜水艦が寄港", "潜水艦が寄港した。"),
    ("2501-010501", "2025.01.05", "共同通信", "演習を実施", "演習を実施した。"),
    ("2412-010601", "2024.12.06", "共同通信", "演習を公開", "演習を公開した。"),
    ("2412-010701", "2024.12.07", "時事通信", "演習を計画", "演習を計画した。"),
    ("2412-010801", "2024.12.08", "共同通信", "大使が着任", "大使が着任した。"),
]


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("small-corpus")
    (corpus / "clippings-small.txt").write_text(
        "小さな切り抜き\n\n" + "".join(f"{date}\n 10:00\n{outlet}\n\n{title} <{rid}>\n {text}\n"
                                   for rid, date, outlet, title, text in ARTICLES),
        encoding="utf-8")
    root = tmp_path_factory.mktemp("small-ix")
    assert reindex(root, corpus).records == len(ARTICLES)
    with Engine(root) as engine:
        yield engine


@pytest.fixture()
def ctx(small):
    with small.serving.use() as ix, ix.searcher() as searcher:
        yield stages.Context(ix, searcher)


@pytest.fixture()
def bundled(engine):
    with engine.serving.use() as ix, ix.searcher() as searcher:
        yield stages.Context(ix, searcher)


def ids(ctx, docs) -> list[str]:
    return [stored_record(ctx.searcher, int(d))["id"] for d in docs]


def test_understand_parses_compiles_and_refuses_a_costly_query(ctx):
    parsed = stages.understand(ctx, "空母 -演習")
    assert parsed.understood == "空母 -演習" and parsed.words == ["空母"]
    with pytest.raises(SearchError, match="検索語が多すぎます"):
        stages.understand(ctx, " OR ".join(f"語{i}" for i in range(200)))


def test_filter_makes_masks_and_refuses_what_the_index_lacks(ctx):
    filt = stages.filters(ctx, SearchRequest(selected={"source": ["時事通信"]},
                                             date_from="2025"))
    assert filt.dates is not None and filt.within is filt.dates
    assert sorted(ids(ctx, filt.dates.nonzero()[0])) == [a[0] for a in ARTICLES[:5]]
    assert sorted(ids(ctx, filt.selections["source"].nonzero()[0])) == [
        "2412-010701", "2501-010301", "2501-010401"]
    assert filt.selections["country"] is None
    assert stages.filters(ctx, SearchRequest()).within is ctx.ix.columns.live
    with pytest.raises(SearchError, match="^媒体「読売新聞」は索引にありません"):
        stages.filters(ctx, SearchRequest(selected={"source": ["読売新聞"]}))
    with pytest.raises(SearchError, match="^開始日が終了日より後"):
        stages.filters(ctx, SearchRequest(date_from="2025-02", date_to="2025-01"))


def test_match_and_partial_within_the_filters(ctx):
    parsed = stages.understand(ctx, "空母 潜水艦")
    found = stages.match(ctx, parsed, stages.filters(ctx, SearchRequest()))
    assert (found.total, found.complete) == (4, 2)
    assert sorted(ids(ctx, found.matches.docs)) == ["2501-010101", "2501-010201"]
    assert sorted(ids(ctx, found.partial.some.nonzero()[0])) == ["2501-010301", "2501-010401"]
    picked = stages.match(ctx, parsed, stages.filters(
        ctx, SearchRequest(selected={"source": ["時事通信"]})))
    # the selection narrows the result, not what the facets are counted over
    assert (picked.total, picked.complete, int(picked.base.sum())) == (2, 0, 4)


def test_count_is_disjunctive_within_a_facet_and_months_within_a_year(ctx):
    parsed = stages.understand(ctx, "演習")
    req = SearchRequest(selected={"source": ["時事通信"], "year": ["2024"]})
    filt = stages.filters(ctx, req)
    facets = stages.count_facets(ctx, stages.match(ctx, parsed, filt), filt, [])
    as_pairs = {k: [(v.value, v.count, v.selected) for v in vals] for k, vals in facets.items()}
    # each facet over the other facet's selection: 演習 in 2024 is in one article of each
    # outlet; 時事通信's 演習 articles are all of 2024
    assert as_pairs == {"source": [("共同通信", 1, False), ("時事通信", 1, True)],
                        "country": [], "organization": [],
                        "collection": [("小さな切り抜き", 1, False)],
                        "year": [("2024", 1, True)], "month": [("2024-12", 1, False)]}
    assert as_pairs["month"] == [("2024-12", 1, False)]
    none_chosen = stages.filters(ctx, SearchRequest())
    assert "month" not in stages.count_facets(
        ctx, stages.match(ctx, parsed, none_chosen), none_chosen, [])


def test_order_page_and_rows(ctx):
    req = SearchRequest(q="演習", sort="newest", page=2, page_size=2)
    parsed = stages.understand(ctx, req.q)
    found = stages.match(ctx, parsed, stages.filters(ctx, req))
    top = stages.order(ctx, parsed, found, "newest", 4)
    assert ids(ctx, [d for d, _ in top]) == [
        "2501-010501", "2501-010101", "2412-010701", "2412-010601"]
    hits = stages.rows(ctx, stages.page(top, req), parsed.highlight_terms, found.partial)
    assert [(h.id, h.title_html) for h in hits] == [
        ("2412-010701", "<mark>演習</mark>を計画"), ("2412-010601", "<mark>演習</mark>を公開")]
    two = stages.understand(ctx, "空母 潜水艦")
    found = stages.match(ctx, two, stages.filters(ctx, req))
    last = stages.rows(ctx, stages.order(ctx, two, found, "relevance", 4)[3:],
                       two.highlight_terms, found.partial)
    assert last[0].missing in (["空母"], ["潜水艦"])


def test_related_follow_the_places_and_leave_out_the_matches(bundled):
    req = SearchRequest(q="巡視船供与", page_size=100)
    parsed = stages.understand(bundled, req.q)
    filt = stages.filters(bundled, req)
    found = stages.match(bundled, parsed, filt)
    assert stages.wants_related(req, parsed, "relevance", found.total)
    assert not stages.wants_related(SearchRequest(q=req.q, page_size=1), parsed, "relevance",
                                    found.total)
    top = stages.order(bundled, parsed, found, "relevance", 10)
    near = stages.related(bundled, parsed, found, filt, [d for d, _ in top])
    matched = set(ids(bundled, found.matches.docs))
    assert 0 < len(near) <= 5 and not {h.id for h in near} & matched


def test_help_offers_only_words_the_archive_holds(bundled):
    assert stages.help_for(bundled, stages.understand(bundled, "ウクラナ")) == ["ウクライナ"]
    # offered as もしかして only: a loanword is not searched as another (test_trust.py)
    assert stages.help_for(bundled, stages.understand(bundled, "カラオケ")) == ["パラオ", "ラオス"]
    assert stages.help_for(bundled, stages.understand(bundled, "防衛")) == []


def test_one_request_parses_each_text_once_and_orders_once(engine, monkeypatch):
    parsed, ordered = Counter(), Counter()
    real_parse, real_order = stages.parse_query, stages.ranked

    def parse(text, *args):
        parsed[text] += 1
        return real_parse(text, *args)

    def order(*args):
        ordered["calls"] += 1
        return real_order(*args)

    monkeypatch.setattr(stages, "parse_query", parse)
    monkeypatch.setattr(stages, "ranked", order)
    # the last page of matches: the related articles read the first page from one order
    result = engine.search(SearchRequest(q="巡視船供与", page_size=100))
    assert result.related and ordered["calls"] == 1
    assert max(parsed.values()) == 1
    # a correction: the もしかして found by the help is searched without a second parse
    parsed.clear()
    ordered.clear()
    fixed = engine.search(SearchRequest(q="ウクラナ"))
    assert fixed.corrected == "ウクライナ" and fixed.total == 25
    assert max(parsed.values()) == 1 and parsed["ウクライナ"] == 1
    assert ordered["calls"] == 2  # the search as typed (nothing) and the correction


def test_the_help_for_a_text_is_found_once_per_build(engine, monkeypatch):
    """A query that finds nothing costs its もしかして (a dozen proposals searched): the next
    page, a facet ticked or the page's count without filters ask for the same ones."""
    tried = Counter()
    real = stages.suggest

    def suggest(spellings, searcher, parsed, *args):
        tried[parsed.text] += 1
        return real(spellings, searcher, parsed, *args)

    monkeypatch.setattr(stages, "suggest", suggest)
    q = "ウクラナ 侵攻"  # words no other test searches: nothing remembered yet
    first = engine.search(SearchRequest(q=q, correct=False))
    again = engine.search(SearchRequest(q=q, selected={"source": ["共同通信"]},
                                        sort="newest", correct=False))
    assert first.suggestions == again.suggestions == ["ウクライナ 侵攻"]
    assert tried == {q: 1}
    engine.search(SearchRequest(q="侵攻 ウクラナ", correct=False))  # other words
    assert tried == {q: 1, "侵攻 ウクラナ": 1}


def test_a_request_evaluates_each_query_once(ctx, monkeypatch):
    """The evaluator answers a query it has answered (by value, not by object) from memory:
    the proposals of a もしかして are the same query but for one word."""
    from whoosh import query as wq

    reads = Counter()
    real = ctx.evaluator._term

    def term(fieldname, text, boost):
        reads[(fieldname, text)] += 1
        return real(fieldname, text, boost)

    monkeypatch.setattr(ctx.evaluator, "_term", term)
    one = wq.And([wq.Term("body", "空母"), wq.Term("body", "潜水艦")])
    two = wq.And([wq.Term("body", "空母"), wq.Term("body", "潜水艦")])
    assert ctx.evaluator.run(one) is ctx.evaluator.run(two)
    assert ids(ctx, ctx.evaluator.run(one).docs) == ["2501-010101", "2501-010201"]
    assert reads == {("body", "空母"): 1, ("body", "潜水艦"): 1}
    # a part shared with another query is read once; a boost makes another query
    other = wq.Or([wq.Term("body", "空母"), wq.Term("body", "演習")])
    boosted = wq.Term("body", "空母", boost=2.0)
    assert len(ctx.evaluator.run(other)) == 6
    assert reads == {("body", "空母"): 1, ("body", "潜水艦"): 1, ("body", "演習"): 1}
    plain = ctx.evaluator.run(wq.Term("body", "空母"))
    assert list(ctx.evaluator.run(boosted).scores) == [2 * s for s in plain.scores]
    assert reads[("body", "空母")] == 2

    # an AndMaybe's boost is not part of Whoosh's equality: the memory keys it apart
    maybe = wq.AndMaybe(wq.Term("body", "空母"), wq.Term("body", "演習"))
    boosted_maybe = wq.AndMaybe(wq.Term("body", "空母"), wq.Term("body", "演習"))
    boosted_maybe.boost = 3.0
    assert maybe == boosted_maybe  # Whoosh's own equality
    once, thrice = ctx.evaluator.run(maybe), ctx.evaluator.run(boosted_maybe)
    assert list(thrice.scores) == [3 * s for s in once.scores]

