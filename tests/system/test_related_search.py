"""Related articles below a search's last match (search/engine/related.py), over the real index of
the bundled corpus: what is listed, when, and that filters hold for them too."""

from __future__ import annotations

import json
import math
import re

import pytest
from whoosh import query as wq
from whoosh import scoring

import manage
from search.engine import SearchRequest
from search.engine.related import LEAD_CHARS, MAX_RELATED, feedback_query
from search.engine.results import iso
from search.index.schema import split_commas, stored_record
from search.index.store import open_current
from search.text.analysis import analyze_terms
from search.text.highlight import snippet


def search(engine, q: str, **kw):
    return engine.search(SearchRequest(q=q, **{"page_size": 100, "related": True, **kw}))


def test_articles_in_other_words_follow_the_last_match(engine):
    # thirteen articles hold 巡視艇 (or 巡視船, 警備艇, a named patrol ship); the Sri Lankan
    # president's visit, on the same maritime cooperation, holds none of the words, and is
    # as like the first matches as they are like each other; no other article is
    result = search(engine, "巡視艇")
    matched = [h.id for h in result.results]
    assert len(matched) == 13 and "1804-030207" not in matched
    assert [h.id for h in result.related] == ["1804-030207"]
    assert MAX_RELATED == 5
    # best first, ties newest first, scores as the evaluator gives them
    several = search(engine, "防衛装備・技術協力 -モンゴル").related
    scores = [h.score for h in several]
    assert len(several) == 5 and scores == sorted(scores, reverse=True) and scores[-1] > 0
    # they are not matches: not in the total, the pages or the facets
    assert (result.total, result.complete, result.pages) == (13, 13, 1)
    assert sum(v.count for v in result.facets["year"]) == 13
    assert all(h.missing == [] for h in result.related)


def bo1(words: list[str], records: dict[str, int], n: int) -> list[tuple[str, float]]:
    """The Bo1 weights (Whoosh's classify.Bo1Model: tf·log2((1+f)/f) + log2(1+f), f = the
    word's share of the archive's records) of words, the 10 largest, ties by the word."""
    weights = {}
    for word in set(words):
        if records.get(word):
            f = records[word] / n
            weights[word] = words.count(word) * math.log2((1 + f) / f) + math.log2(1 + f)
    return sorted(weights.items(), key=lambda wb: (-wb[1], wb[0]))[:10]


def test_the_feedback_is_the_key_terms_of_the_first_matches(engine, session_index):
    with engine.serving.use() as ix, ix.searcher() as searcher:
        ids = ("2401-122907", "2407-062613")
        first = [searcher.document_number(id=i) for i in ids]
        q = feedback_query(searcher, first, ix.words())
        # the words of each match's title and the first 400 characters of its text
        words = [w for rid in ids for w in analyze_terms(
            (lambda r: f"{r['title']}\n{r['body'][:LEAD_CHARS]}")(
                stored_record(searcher, searcher.document_number(id=rid))))]
        want = bo1(words, ix.words(), searcher.doc_count_all())
        assert [(t.fieldname, t.text) for t in q.subqueries] == [("body", w) for w, _ in want]
        assert [t.boost for t in q.subqueries] == pytest.approx([b for _, b in want])
        assert {"中央", "アジア", "カザフスタン"} <= {t.text for t in q.subqueries}
        # a white-paper passage is read to its 400th character only
        doc = searcher.document_number(id="whitepaper-2025#34")
        passage = stored_record(searcher, doc)
        assert len(passage["body"]) > 2 * LEAD_CHARS
        lead = analyze_terms(f"{passage['title']}\n{passage['body'][:LEAD_CHARS]}")
        whole = analyze_terms(f"{passage['title']}\n{passage['body']}")
        q = feedback_query(searcher, [doc], ix.words())
        n = searcher.doc_count_all()
        assert [t.text for t in q.subqueries] == [w for w, _ in bo1(lead, ix.words(), n)]
        assert [t.text for t in q.subqueries] != [w for w, _ in bo1(whole, ix.words(), n)]
        # a word in no record of the archive's table is never searched
        assert feedback_query(searcher, first, {}) is None
        assert feedback_query(searcher, [], ix.words()) is None


def test_searches_that_ask_for_none_get_none(engine, client):
    assert search(engine, "巡視艇").related
    assert search(engine, "巡視艇", related=False).related == []
    csv = client.get("/export.csv?q=巡視艇").get_data(as_text=True)
    assert csv.count("\r\n") == 14  # the header and the thirteen matches, no related article


def test_only_on_the_last_page_of_matches(engine):
    first = search(engine, "防衛装備・技術協力", page_size=10)
    assert (first.total, first.pages, first.related) == (57, 6, [])
    assert search(engine, "防衛装備・技術協力", page_size=10, page=5).related == []
    last = search(engine, "防衛装備・技術協力", page_size=10, page=6)
    assert len(last.results) == 7 and len(last.related) == 2
    # the same related articles whatever the page size: they follow from the first matches
    assert [h.id for h in last.related] == [
        h.id for h in search(engine, "防衛装備・技術協力").related]


@pytest.mark.parametrize(("q", "kw"), [
    ("火星探査", {}),  # a topic the archive does not hold still finds nothing
    ("ワクチン 供与", {}),
    ("中央アジア首脳会合", {"sort": "newest"}),  # a date order lists matches only
    ("country:フィリピン", {}),  # no words: nothing to be like
    # an OR at the top: which filters hold for which words is not one set of filters
    ("中央アジア首脳会合 OR 火星", {}),
    ("", {}),
])
def test_no_related_articles(engine, q, kw):
    assert search(engine, q, **kw).related == []


def test_related_articles_share_the_places_the_query_names(engine):
    # a search for the Philippines once listed trips to Africa and Central Asia after its
    # matches; related articles must name a place the query names, as the facet reads it
    for q, place in (("共同訓練 モンゴル", "モンゴル"), ("日比 訓練", "フィリピン"),
                     ("country:フィリピン 共同訓練", "フィリピン"), ("フィリピン", "フィリピン")):
        assert all(place in h.values["country"] for h in search(engine, q).related), q
    assert [h.id for h in search(engine, "共同訓練 モンゴル").related] == ["2410-092306"]


def test_without_a_place_related_articles_share_the_key_terms(engine, session_index):
    from search.engine.related import MIN_SHARED_TERMS, feedback_query

    result = search(engine, "巡視艇")
    assert [h.id for h in result.related] == ["1804-030207"]
    with engine.serving.use() as ix, ix.searcher() as searcher:
        first = [searcher.document_number(id=h.id) for h in result.results[:5]]
        q = feedback_query(searcher, first, ix.words())
        text = stored_record(searcher, searcher.document_number(id="1804-030207"))
        held = {t.text for t in q.subqueries} & set(analyze_terms(
            f"{text['title']}\n{text['body']}"))
        assert len(held) >= MIN_SHARED_TERMS == 3


def test_filters_and_exclusions_hold_for_related_articles(engine):
    dated = search(engine, "防衛装備・技術協力", selected={"year": ["2025"]})
    assert dated.related and all(h.date.startswith("2025") for h in dated.related)
    sweden = {h.id for h in search(engine, "スウェーデン").results}
    plain = {h.id for h in search(engine, "防衛装備・技術協力").related}
    assert plain and plain <= sweden  # without the exclusion, both name Sweden
    excluded = search(engine, "防衛装備・技術協力 -スウェーデン")
    assert excluded.related and not {h.id for h in excluded.related} & sweden
    chosen = search(engine, "防衛装備・技術協力", selected={"country": ["フランス"]})
    assert chosen.related and all("フランス" in h.values["country"] for h in chosen.related)


def test_the_json_page_and_command_line_offer_them_and_show_them_when_asked(
        engine, client, session_index, capsys):
    """A search answers with its matches; the related articles (fewer than a third on the
    topic on the judged sets) are offered by a link and listed when asked (related=1)."""
    unasked = client.get("/api/search?q=巡視艇").get_json()
    assert unasked["related"] == [] and unasked["related_offered"] is True
    data = client.get("/api/search?q=巡視艇&related=1").get_json()
    assert [r["id"] for r in data["related"]] == [
        h.id for h in search(engine, "巡視艇", page_size=20).related] == ["1804-030207"]
    assert data["total"] == 13 and len(data["results"]) == 13 \
        and data["related_offered"] is True
    assert search(engine, "巡視艇", related=False).related == []

    page = client.get("/?q=巡視艇").get_data(as_text=True)
    assert "related-block" not in page
    offer = page[page.index('<p class="related-offer"'):]
    offer = offer[:offer.index("</p>")]
    assert ('<a href="/?q=%E5%B7%A1%E8%A6%96%E8%89%87&amp;related=1'
            '#related-heading">話題の近い記事も探す</a>') in offer
    body = client.get("/?q=巡視艇&related=1").get_data(as_text=True)
    assert "related-offer" not in body
    block = body[body.index('<section class="related-block"'):]
    block = block[:block.index("</section>")]
    assert '<h2 id="related-heading">関連記事</h2>' in block
    assert "件数には含みません" in block
    assert len(re.findall(r'<h3 class="hit-title">', block)) == 1
    assert 'href="/records/1804-030207' in block
    # asked for where none is like the matches: said so
    none = client.get("/?q=ゼレンスキー&related=1").get_data(as_text=True)
    assert "検索語を含まない、話題の近い記事は見つかりませんでした。" in none
    # not offered before the last page of matches
    first_page = client.get("/?q=防衛装備・技術協力").get_data(as_text=True)
    assert "related-block" not in first_page and "related-offer" not in first_page

    assert manage.main(["--index", str(session_index), "search", "--limit", "20", "巡視艇"]) == 0
    out = capsys.readouterr().out
    assert "関連記事(検索語を含まないが" not in out and "--related で表示します" in out
    assert manage.main(["--index", str(session_index), "search", "--limit", "20", "--related",
                        "巡視艇"]) == 0
    out = capsys.readouterr().out
    assert "関連記事(検索語を含まないが" in out and "[1804-030207]" in out
    assert "--related で表示します" not in out
    assert manage.main(["--index", str(session_index), "search", "--json", "--related",
                        "--limit", "20", "巡視艇"]) == 0
    assert len(json.loads(capsys.readouterr().out)["related"]) == 1


# ------------------------------------------------------------------ a record's related articles


def whoosh_related(searcher, rid: str, limit: int = 5) -> list[tuple[str, float]]:
    """A record page's related articles as specified, computed with Whoosh's own search: the
    12 key terms of the record's text (Bo1, not normalised) as weighted body terms; of the
    best 20 other articles (score, then document order), those naming one of the record's
    countries first, then those of its year, then by score and id."""
    doc = searcher.document_number(id=rid)
    record = stored_record(searcher, doc)
    terms = searcher.key_terms_from_text("body", record["body"], numterms=12, normalize=False)
    hits = searcher.search(wq.Or([wq.Term("body", w, boost=b) for w, b in terms]), limit=None)
    best = sorted((-h.score, h.docnum) for h in hits if h.docnum != doc)[:limit * 4]
    countries = set(split_commas(record.get("countries")))
    year = iso(record.get("date"))[:4]
    rows = []
    for negative, docnum in best:
        fields = stored_record(searcher, docnum)
        shared = bool(countries & set(split_commas(fields.get("countries"))))
        same_year = (iso(fields.get("date")) or "")[:4] == year
        rows.append((not shared, not same_year, negative, fields["id"]))
    return [(rid, round(-negative, 4)) for *_, negative, rid in sorted(rows)[:limit]]


# 2403-022916: the 21st-25th best share its countries, and must not displace the 20 best
@pytest.mark.parametrize("rid", ["2401-122907", "whitepaper-2025#34", "1805-042801", "2403-022916"])
def test_a_records_related_articles(engine, session_index, rid):
    searcher = open_current(session_index).searcher(weighting=scoring.BM25F())
    try:
        want = whoosh_related(searcher, rid)
    finally:
        searcher.close()
    related = engine.record(rid).related
    got = [(h.id, h.score) for h in related]
    assert [i for i, _ in got] == [i for i, _ in want]
    assert [s for _, s in got] == pytest.approx([s for _, s in want], abs=1e-3)
    assert len(got) == 5 and rid not in dict(got)
    # scores to four places; the snippets are the texts' openings, 80 characters wide
    assert all(h.score == round(h.score, 4) for h in related)
    assert [h.snippet for h in related] == [
        snippet(h.summary, set(), width=80).text for h in related]
    assert max(len(h.snippet) for h in related) <= 81


def test_on_topic_is_any_of_the_places_the_query_names(engine):
    from search.engine.related import on_topic

    with engine.serving.use() as ix:
        cols = ix.columns
        mongolia = cols.facets["country"].having(["モンゴル"])
        kazakhstan = cols.facets["country"].having(["カザフスタン"])
        nato = cols.facets["organization"].having(["NATO"])
        both = on_topic(cols, [("countries", "モンゴル"), ("countries", "カザフスタン")])
        assert both.tolist() == (mongolia | kazakhstan).tolist()
        assert both.sum() > max(mongolia.sum(), kazakhstan.sum())
        assert on_topic(cols, [("organizations", "NATO")]).tolist() == nato.tolist()
        assert on_topic(cols, []).all() and len(on_topic(cols, [])) == cols.size


def test_shares_terms_counts_each_key_term_once(engine):
    from search.engine.matching import Evaluator
    from search.engine.related import MIN_SHARED_TERMS, shares_terms

    with engine.serving.use() as ix, ix.searcher() as searcher:
        evaluator = Evaluator(searcher, ix.columns, ix.postings)
        first = [searcher.document_number(id=h.id)
                 for h in search(engine, "巡視艇").results[:5]]
        q = feedback_query(searcher, first, ix.words())
        found = evaluator.run(q)
        held = {int(d): sum(int(d) in set(evaluator.run(t).docs.tolist()) for t in q.subqueries)
                for d in found.docs}
        got = shares_terms(evaluator, q, found.docs)
        assert got.tolist() == [held[int(d)] >= MIN_SHARED_TERMS for d in found.docs]
        # articles holding exactly two of the terms are left out, three or more kept
        assert any(n == 2 for n in held.values()) and any(n >= 3 for n in held.values())
        # a query of fewer terms than MIN_SHARED_TERMS asks for all of them
        two = wq.Or(q.subqueries[:2])
        found = evaluator.run(two)
        both = {int(d) for d in evaluator.run(wq.And(q.subqueries[:2])).docs}
        assert shares_terms(evaluator, two, found.docs).tolist() == [
            int(d) in both for d in found.docs]


def test_close_to_is_a_share_of_the_first_matches_median():
    import numpy as np

    from search.engine.matching import Matches
    from search.engine.related import MIN_CLOSENESS, close_to

    assert MIN_CLOSENESS == 0.7
    found = Matches(np.array([0, 1, 2, 3, 4]), np.array([2.0, 0.7, 0.69, 1.0, 0.0]))
    # the first matches 3 and 0 score 1.0 and 2.0: median 1.5, the line at 1.05
    assert close_to(found, [3, 0]).tolist() == [True, False, False, False, False]
    # one first match, 1.0: the line at 0.7, reached exactly
    assert close_to(found, [3]).tolist() == [True, True, False, True, False]
    # a first match the key terms do not find scores 0: median of 1.0 and 0 is 0.5
    assert close_to(found, [3, 9]).tolist() == [True, True, True, True, False]
    # no first match: nothing to be like, every article is as close as can be
    assert close_to(found, []).tolist() == [True] * 5
