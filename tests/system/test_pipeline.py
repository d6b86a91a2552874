"""The search's stages over the bundled corpus (search/engine/pipeline.py): related articles
and help, one request running each stage once, a correction reusing them, and the help of a
text found once per build. The stages over an index of eight articles whose words and dates
are known are tests/unit/test_stages.py."""

from __future__ import annotations

from collections import Counter

import pytest

from search.engine import SearchRequest
from search.engine import pipeline as stages
from search.index.schema import stored_record


@pytest.fixture()
def bundled(engine):
    with engine.serving.use() as ix, ix.searcher() as searcher:
        yield stages.Context(ix, searcher)


def ids(ctx, docs) -> list[str]:
    return [stored_record(ctx.searcher, int(d))["id"] for d in docs]


def test_related_follow_the_places_and_leave_out_the_matches(bundled):
    req = SearchRequest(q="巡視船供与", page_size=100, related=True)
    parsed = stages.understand(bundled, req.q)
    filt = stages.filters(bundled, req)
    found = stages.match(bundled, parsed, filt)
    assert stages.wants_related(req, parsed, "relevance", found.total)
    assert not stages.wants_related(SearchRequest(q=req.q, page_size=1, related=True), parsed,
                                    "relevance", found.total)
    assert not stages.wants_related(SearchRequest(q=req.q, page_size=100), parsed,
                                    "relevance", found.total)  # not asked for
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

    def parse(text, *args, **kw):
        parsed[text] += 1
        return real_parse(text, *args, **kw)

    def order(*args):
        ordered["calls"] += 1
        return real_order(*args)

    monkeypatch.setattr(stages, "parse_query", parse)
    monkeypatch.setattr(stages, "ranked", order)
    # the last page of matches: the related articles read the first page from one order
    result = engine.search(SearchRequest(q="巡視艇", page_size=100, related=True))
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
