"""The search's stages (search/engine/pipeline.py) over a real index of eight articles
built in each test (tests/system/test_pipeline.py has the bundled corpus's related
articles and help, and the counts of work done per request).

    id           date        outlet    words
    2501-010101  2025-01-01  共同通信   空母 潜水艦 演習
    2501-010201  2025-01-02  共同通信   空母 潜水艦 寄港
    2501-010301  2025-01-03  時事通信   空母 寄港
    2501-010401  2025-01-04  時事通信   潜水艦 寄港
    2501-010501  2025-01-05  共同通信   演習
    2412-010601  2024-12-06  共同通信   演習
    2412-010701  2024-12-07  時事通信   演習
    2412-010801  2024-12-08  共同通信   大使
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

import pytest

from search.engine import Engine, SearchError, SearchRequest
from search.engine import pipeline as stages
from search.engine.request import MAX_QUERY_TERMS, day_bound, query_terms
from search.index.build import reindex
from search.index.schema import stored_record
from search.query.compile import parse_query
from search.query.expansion import COMMON_SHARE
from tests.unit.smallindex import archive

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


@pytest.fixture()
def engine(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "clippings-small.txt").write_text(archive(ARTICLES), encoding="utf-8")
    reindex(tmp_path / "ix", corpus)
    with Engine(tmp_path / "ix") as found:
        yield found


@pytest.fixture()
def ctx(engine):
    with engine.serving.use() as ix, ix.searcher() as searcher:
        yield stages.Context(ix, searcher)


def ids(ctx, docs) -> list[str]:
    return [stored_record(ctx.searcher, int(d))["id"] for d in docs]


def test_understand_parses_compiles_and_refuses_a_costly_query(ctx):
    parsed = stages.understand(ctx, "空母 -演習")
    assert parsed.understood == "空母 -演習" and parsed.words == ["空母"]
    assert ctx.parse("空母 -演習") is parsed  # parsed once per context
    with pytest.raises(SearchError, match="検索語が多すぎます"):
        stages.understand(ctx, " OR ".join(f"語{i}" for i in range(200)))


def test_a_query_too_costly_with_the_categories_kinds_is_searched_without_them(ctx):
    # four categories of data/narrower.txt: over MAX_QUERY_TERMS with their kinds, under
    # it without; the words and their synonyms are still searched, and the page says so
    text = "共同訓練 演習 多国間会議 日米共同演習"
    assert query_terms(parse_query(text).query) > MAX_QUERY_TERMS
    parsed = stages.understand(ctx, text)
    assert parsed.query == parse_query(text, kinds_of=False).query
    assert query_terms(parsed.query) <= MAX_QUERY_TERMS
    assert parsed.messages == ["語が多いため、分類を表す語の種類・個別の名前(輸送機 → C-130 など)"
                               "は検索していません"]
    # one category within the limit keeps them, and says nothing
    kept = stages.understand(ctx, "共同訓練 演習")
    assert "RIMPAC" in kept.understood and kept.messages == []


def test_a_word_is_common_in_more_than_a_tenth_of_the_records_texts(ctx):
    common = stages.commoner(ctx.ix, ctx.searcher)
    size = ctx.ix.columns.size
    frequency = {w: ctx.ix.postings.doc_frequency(ctx.searcher, "body", w)
                 for w in ("空母", "潜水艦", "寄港", "火星")}
    assert COMMON_SHARE == 0.1
    assert {w: common(w) for w in frequency} == {
        w: n > COMMON_SHARE * size for w, n in frequency.items()}
    assert common("空母") and not common("火星")


def test_answers_and_holding(ctx):
    assert ids(ctx, ctx.answer("空母").docs) == ["2501-010101", "2501-010201", "2501-010301"]
    assert ctx.answer("空母") is ctx.answer("空母")
    assert ctx.holding("空母") == 3
    assert ctx.holding("潜水艦が寄港") == 2  # a phrase: 010201 and 010401
    assert ctx.holding("火星") == 0


def test_filters_make_masks_and_refuse_what_the_index_lacks(ctx):
    filt = stages.filters(ctx, SearchRequest(selected={"source": ["時事通信"]},
                                             date_from="2025"))
    assert filt.chosen["source"] == ["時事通信"] and filt.chosen["year"] == []
    assert filt.dates is not None and filt.within is filt.dates
    assert sorted(ids(ctx, filt.dates.nonzero()[0])) == sorted(a[0] for a in ARTICLES[:5])
    assert sorted(ids(ctx, filt.selections["source"].nonzero()[0])) == [
        "2412-010701", "2501-010301", "2501-010401"]
    assert filt.selections["country"] is None
    plain = stages.filters(ctx, SearchRequest())
    assert plain.dates is None and plain.within is ctx.ix.columns.live
    with pytest.raises(SearchError) as raised:
        stages.filters(ctx, SearchRequest(selected={"source": ["読売新聞"]}))
    assert str(raised.value) == "媒体「読売新聞」は索引にありません。媒体の一覧から選んでください"
    with pytest.raises(SearchError) as raised:
        stages.filters(ctx, SearchRequest(date_from="2025-02", date_to="2025-01"))
    assert str(raised.value) == "開始日が終了日より後になっています。日付を入れ替えてください"


def test_date_masks_and_bounds(ctx):
    cols = ctx.ix.columns

    def days(date_from, date_to):
        mask = stages.date_mask(cols, date_from, date_to)
        return None if mask is None else sorted(ids(ctx, mask.nonzero()[0]))

    assert days(None, None) is None and days("", "") is None
    assert days("2025-01-04", None) == ["2501-010401", "2501-010501"]
    assert days(None, "2024-12-07") == ["2412-010601", "2412-010701"]
    assert days("2024-12-08", "2025-01-01") == ["2412-010801", "2501-010101"]
    assert days("2025-01-03", "2025-01-03") == ["2501-010301"]  # one day: from and to
    assert days("令和6年12月", None) == ["2412-010601", "2412-010701", "2412-010801",
                                       *sorted(a[0] for a in ARTICLES[:5])]
    assert day_bound("2024-06", "開始日", "x", first=True) == datetime(2024, 6, 1)
    assert day_bound("2024-06", "終了日", "x", first=False) == datetime(
        2024, 6, 30, 23, 59, 59, 999999)
    assert day_bound(None, "開始日", "x", first=True) is None
    message = ("開始日「{}」を読めません。2024-06-01、令和6年6月、R6.6.1、2024年度 のように"
               "指定してください(和暦の日付はその元号の期間内で)")
    for bad in ("2024..2025", "いつか"):
        with pytest.raises(SearchError) as raised:
            stages.date_mask(cols, bad, None)
        assert str(raised.value) == message.format(bad)
    with pytest.raises(SearchError) as raised:
        stages.date_mask(cols, None, "いつか")
    assert str(raised.value).startswith("終了日「いつか」を読めません。2024-06-30、")


def test_match_and_partial_within_the_filters(ctx):
    parsed = stages.understand(ctx, "空母 潜水艦")
    found = stages.match(ctx, parsed, stages.filters(ctx, SearchRequest()))
    assert (found.total, found.complete) == (4, 2)
    assert sorted(ids(ctx, found.matches.docs)) == ["2501-010101", "2501-010201"]
    assert sorted(ids(ctx, found.partial.some.nonzero()[0])) == ["2501-010301", "2501-010401"]
    assert sorted(ids(ctx, found.base.nonzero()[0])) == sorted(ids(ctx, found.allowed.nonzero()[0]))
    picked = stages.match(ctx, parsed, stages.filters(
        ctx, SearchRequest(selected={"source": ["時事通信"]})))
    # the selection narrows the result, not what the facets are counted over
    assert (picked.total, picked.complete, int(picked.base.sum())) == (2, 0, 4)
    dated = stages.match(ctx, parsed, stages.filters(ctx, SearchRequest(date_to="2025-01-02")))
    assert (dated.total, dated.complete, int(dated.base.sum())) == (2, 2, 2)
    one = stages.understand(ctx, "演習")
    alone = stages.match(ctx, one, stages.filters(ctx, SearchRequest(date_from="2025")))
    assert alone.partial is None and (alone.total, alone.complete) == (2, 2)


def test_partial_matches_are_looked_for_only_when_the_first_page_has_room(ctx, monkeypatch):
    from search.engine import partial

    for module in (stages, partial):
        monkeypatch.setattr(module, "FILL", 2)  # a first page of two
    parsed = stages.understand(ctx, "空母 潜水艦")
    full = stages.match(ctx, parsed, stages.filters(ctx, SearchRequest()))
    assert full.partial is None and (full.total, full.complete) == (2, 2)  # two holding both
    # within the dates, one holds both: room for one partial match, the best by weight and score
    dated = stages.match(ctx, parsed, stages.filters(ctx, SearchRequest(date_from="2025-01-02")))
    assert (dated.total, dated.complete) == (2, 1)
    assert ids(ctx, dated.partial.some.nonzero()[0]) == ["2501-010301"]


def test_count_is_disjunctive_within_a_facet_and_months_within_a_year(ctx):
    parsed = stages.understand(ctx, "演習")
    req = SearchRequest(selected={"source": ["時事通信"], "year": ["2024"]})
    filt = stages.filters(ctx, req)
    facets = stages.count_facets(ctx, stages.match(ctx, parsed, filt), filt, [])
    as_pairs = {k: [(v.value, v.count, v.selected) for v in vals] for k, vals in facets.items()}
    assert as_pairs == {"source": [("共同通信", 1, False), ("時事通信", 1, True)],
                        "country": [], "organization": [],
                        "collection": [("小さな切り抜き", 1, False)],
                        "year": [("2024", 1, True)], "month": [("2024-12", 1, False)]}
    none_chosen = stages.filters(ctx, SearchRequest())
    assert "month" not in stages.count_facets(
        ctx, stages.match(ctx, parsed, none_chosen), none_chosen, [])
    two = stages.filters(ctx, SearchRequest(selected={"year": ["2024", "2025"]}))
    assert "month" not in stages.count_facets(ctx, stages.match(ctx, parsed, two), two, [])
    year = stages.filters(ctx, SearchRequest(selected={"year": ["2025"]}))
    counted = stages.count_facets(ctx, stages.match(ctx, parsed, year), year, [])
    assert [(v.value, v.count) for v in counted["month"]] == [("2025-01", 2)]


def test_every_value_of_a_facet_past_its_limit(ctx):
    # 30 values at most: with every value asked, a limit cannot leave one out (a facet of
    # at most 8 values here: the lists are the same, the argument passed through)
    parsed = stages.understand(ctx, "")
    filt = stages.filters(ctx, SearchRequest())
    found = stages.match(ctx, parsed, filt)
    some = stages.count_facets(ctx, found, filt, [])
    every = stages.count_facets(ctx, found, filt, ["source"])
    assert [v.value for v in every["source"]] == [v.value for v in some["source"]] == [
        "共同通信", "時事通信"]
    assert [v.count for v in every["year"]] == [5, 3]


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
    assert [h.missing for h in hits] == [[], []]
    assert stages.page(top, SearchRequest(page=1, page_size=3)) == top[:3]
    assert stages.page(top, SearchRequest(page=3, page_size=2)) == []
    two = stages.understand(ctx, "空母 潜水艦")
    found = stages.match(ctx, two, stages.filters(ctx, req))
    last = stages.rows(ctx, stages.order(ctx, two, found, "relevance", 4)[2:],
                       two.highlight_terms, found.partial)
    assert sorted(h.missing[0] for h in last) == ["潜水艦", "空母"]


def test_wants_related_only_on_the_last_page_of_a_search_for_words_by_relevance(ctx):
    words = stages.understand(ctx, "空母")

    def wants(parsed=words, sort="relevance", total=45, **kwargs):
        req = SearchRequest(**{"page": 3, "page_size": 20, "related": True, **kwargs})
        offered = stages.offers_related(req, parsed, sort, total)
        wanted = stages.wants_related(req, parsed, sort, total)
        assert wanted is (offered and req.related)
        return offered

    assert wants() is True
    assert stages.wants_related(SearchRequest(page=3), words, "relevance", 45) is False
    assert wants(related=False) is True  # offered, not asked for
    assert wants(page=2) is False and wants(page=4) is False
    assert wants(total=41) is True and wants(total=40) is False and wants(total=0) is False
    assert wants(sort="newest") is False
    assert wants(stages.understand(ctx, "")) is False
    assert wants(stages.understand(ctx, "source:共同通信")) is False  # no words
    assert wants(stages.understand(ctx, "空母 OR 演習")) is False  # not plain


def test_a_whole_search(ctx):
    result, filt = stages.run(ctx, SearchRequest(q="空母 潜水艦", page_size=3), "空母 潜水艦")
    assert (result.query, result.understood, result.total, result.complete) == (
        "空母 潜水艦", "空母 (潜水艦 OR そうりゅう型 OR おやしお型 OR 原子力潜水艦 OR 原潜)", 4, 2)
    assert (result.page, result.page_size, result.sort, result.pages) == (1, 3, "relevance", 2)
    assert [h.id for h in result.results[:2]] == ["2501-010201", "2501-010101"]
    assert len(result.results) == 3 and result.results[2].missing
    assert result.suggestions == [] and result.messages == [] and result.related == []
    assert result.fallback is False and result.elapsed_ms == 0.0
    assert [v.value for v in result.facets["source"]] == ["共同通信", "時事通信"]
    again, same = stages.run(ctx, SearchRequest(q="x", page=2, page_size=3), "空母 潜水艦",
                             filt)
    assert same is filt and [h.id for h in again.results] == [
        h.id for h in stages.run(ctx, SearchRequest(q="x", page_size=4), "空母 潜水艦")[0]
        .results][3:]
    assert all(h.score > 0 for h in result.results)
    newest, _ = stages.run(ctx, SearchRequest(), "")
    assert newest.sort == "newest" and newest.total == 8
    assert newest.results[0].id == "2501-010501"
    # without words there are no scores, whatever the sort asked
    unscored, _ = stages.run(ctx, SearchRequest(sort="relevance"), "")
    assert [h.id for h in unscored.results] == [h.id for h in newest.results]
    assert {h.score for h in unscored.results} == {0.0}
    asked, _ = stages.run(ctx, SearchRequest(sort="oldest"), "演習")
    assert asked.sort == "oldest" and asked.results[0].id == "2412-010601"


def test_a_search_without_full_matches_asks_for_help_only_when_helped(ctx):
    none, _ = stages.run(ctx, SearchRequest(), "空母 大使")
    assert none.complete == 0
    assert none.suggestions == stages.help_for(ctx, stages.understand(ctx, "空母 大使"))
    unhelped, _ = stages.run(ctx, SearchRequest(), "火星", helped=False)
    assert unhelped.suggestions == [] and unhelped.total == 0


def test_related_articles_on_the_last_page(ctx):
    req = SearchRequest(q="寄港", page_size=20)
    result, _ = stages.run(ctx, req, "寄港")
    assert result.total == 3
    assert all(h.id not in {"2501-010201", "2501-010301", "2501-010401"}
               for h in result.related)


def test_an_export_gives_the_total_then_unmarked_rows_in_order(ctx):
    out = list(stages.exported(ctx, SearchRequest(q="演習", sort="newest"), 3))
    assert out[0] == 3
    assert [h.id for h in out[1:]] == ["2501-010501", "2501-010101", "2412-010701"]
    assert all("<mark>" not in h.title_html for h in out[1:])
    whole = list(stages.exported(ctx, SearchRequest(q="演習"), 10))
    assert whole[0] == 4 and len(whole) == 5
    empty = list(stages.exported(ctx, SearchRequest(q="火星"), 10))
    assert empty == [0]
    every = list(stages.exported(ctx, SearchRequest(), 100))
    assert every[0] == 8 and [h.id for h in every[1:3]] == ["2501-010501", "2501-010401"]


def test_an_export_reads_its_rows_a_hundred_at_a_time(ctx, monkeypatch):
    monkeypatch.setattr(stages, "EXPORT_ROWS_AT_ONCE", 3)
    out = list(stages.exported(ctx, SearchRequest(sort="oldest"), 100))
    assert out[0] == 8 and [h.id for h in out[1:]] == [
        "2412-010601", "2412-010701", "2412-010801", "2501-010101", "2501-010201",
        "2501-010301", "2501-010401", "2501-010501"]
    assert stages.EXPORT_ROWS_AT_ONCE == 3


def test_holder_reads_the_term_dictionary_of_titles_and_texts(ctx):
    held = stages.holder(ctx.ix, ctx.searcher)
    assert held("空母") is True and held("火星") is False
    assert held("実施") is True  # 演習を実施: in both
    assert held("着任") is True


def test_speller_gives_kanji_spellings_of_a_kana_word(ctx):
    spell = stages.speller(ctx.ix)
    assert ("空母", True) in spell("くうぼ")
    assert spell("ぬぬぬ") == []


def test_help_for_a_search_nothing_answers_in_full(ctx):
    none, _ = stages.run(ctx, SearchRequest(q="くうぼう"), "くうぼう")
    assert (none.total, none.suggestions) == (0, ["空母"])
    assert stages.run(ctx, SearchRequest(), "くうぼう", helped=False)[0].suggestions == []
    assert stages.help_for(ctx, stages.understand(ctx, "せんすいか")) == ["潜水", "潜水艦"]
    # a proposal whose word one article holds (MIN_RECORDS) is offered
    assert stages.help_for(ctx, stages.understand(ctx, "たいしが")) == ["大使"]
    assert stages.run(ctx, SearchRequest(), "くうぼ")[0].suggestions == []  # found in full
    assert stages.run(ctx, SearchRequest(), "")[0].suggestions == []  # no words


def test_related_articles_follow_the_last_page_of_matches(ctx):
    def related(**kwargs):
        req = SearchRequest(q="せんすいかん", **{"related": True, **kwargs})
        result, _ = stages.run(ctx, req, "せんすいかん")
        return result.related

    near = related()  # 潜水艦: 010101, 010201, 010401
    assert [h.id for h in near] == ["2501-010301"]
    assert near[0].score > 0 and "<mark>" not in near[0].title_html
    assert related(related=False) == []
    unasked, _ = stages.run(ctx, SearchRequest(q="せんすいかん"), "せんすいかん")
    assert unasked.related == [] and unasked.related_offered is True
    assert ctx.stages["related"] >= 0
    assert related(page_size=2) == []  # page 1 of 2
    assert [h.id for h in related(page_size=2, page=2)] == ["2501-010301"]
    assert related(date_to="2025-01-02") == []  # 010301 is outside the dates
    assert related(selected={"source": ["共同通信"]}) == []  # and outside the outlet
    assert related(sort="newest") == []


def test_a_kana_word_is_searched_in_its_kanji_spellings(ctx):
    assert ctx.parse("くうぼ").understood == "(くうぼ OR 空母)"
    assert ctx.answer("くうぼ").docs.tolist() == ctx.answer("空母").docs.tolist()
    assert stages.holder(ctx.ix, ctx.searcher)("行う") is True  # in a text only, no title


def test_a_month_as_the_end_date_ends_with_the_month(ctx):
    mask = stages.date_mask(ctx.ix.columns, None, "2024-12")
    assert sorted(ids(ctx, mask.nonzero()[0])) == ["2412-010601", "2412-010701",
                                                    "2412-010801"]


def test_an_export_is_ordered_as_the_search_and_cut_at_the_limit(ctx):
    shown, _ = stages.run(ctx, SearchRequest(q="空母 潜水艦", page_size=10), "空母 潜水艦")
    out = list(stages.exported(ctx, SearchRequest(q="空母 潜水艦"), 10))
    assert out[0] == 4
    assert [h.id for h in out[1:]] == [h.id for h in shown.results]
    assert [h.missing for h in out[1:]] == [h.missing for h in shown.results]
    assert out[3].missing and out[4].missing
    assert [h.score for h in out[1:]] == [h.score for h in shown.results]
    one = list(stages.exported(ctx, SearchRequest(q="空母 潜水艦"), 1))
    assert one[0] == 1 and [h.id for h in one[1:]] == [shown.results[0].id]


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


def test_each_stage_that_ran_is_timed(engine, ctx):
    """The context times every stage a search runs (a correction's run adds to the same
    stages), and the engine hands the times on with the result, for the benchmark."""
    result, _ = stages.run(ctx, SearchRequest(q="空母"), "空母")
    assert list(ctx.stages) == ["understand", "filter", "match", "count", "order", "rows",
                                "related", "help"]
    assert all(v >= 0 for v in ctx.stages.values())
    before = dict(ctx.stages)
    stages.run(ctx, SearchRequest(q="演習"), "演習")
    assert all(ctx.stages[k] >= before[k] for k in before)
    found = engine.search(SearchRequest(q="空母"))
    assert set(found.stages) == set(before)
    assert sum(found.stages.values()) <= found.elapsed_ms
    assert "stages" not in found.to_dict()
