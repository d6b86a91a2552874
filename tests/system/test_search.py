"""Search over a real index of the bundled corpus: query language, facets, snippets, sorting."""

from __future__ import annotations

import re

import pytest

import manage
from search.engine import Engine, SearchError, SearchRequest
from search.index.build import reindex
from search.query.compile import parse_query


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    root = tmp_path_factory.mktemp("ix")
    reindex(root)
    eng = Engine(root)
    yield eng
    eng.close()


def ids(engine, q="", **kw) -> list[str]:
    return [h.id for h in engine.search(SearchRequest(q=q, page_size=100, **kw)).results]


def complete(engine, q="", **kw) -> list[str]:
    """The articles holding every word of ``q`` (the partial matches after them left out)."""
    return [h.id for h in engine.search(SearchRequest(q=q, page_size=100, **kw)).results
            if not h.missing]


def total(engine, q="", **kw) -> int:
    return engine.search(SearchRequest(q=q, **kw)).total


# ------------------------------------------------------------------ query language

def test_words_are_anded(engine):
    both = set(complete(engine, "イタリア 空母"))
    assert both and both <= set(ids(engine, "イタリア")) & set(ids(engine, "空母"))
    assert "2409-082209" in both  # イタリア空母「カブール」日本に初寄港


def test_or_not_and_minus(engine):
    either = set(ids(engine, "エストニア OR ラトビア"))
    assert either == set(ids(engine, "エストニア")) | set(ids(engine, "ラトビア"))
    without = set(ids(engine, "空母 -イタリア"))
    assert without == set(ids(engine, "空母")) - set(ids(engine, "イタリア"))
    assert set(ids(engine, "空母 NOT イタリア")) == without
    assert set(complete(engine, "(エストニア OR ラトビア) サイバー")) == either & set(
        ids(engine, "サイバー"))


def test_phrase(engine):
    result = engine.search(SearchRequest(q='"海上協同活動"', page_size=100))
    assert result.total
    for hit in result.results:  # the snippet shows the phrase, marked word by word
        assert "海上協同活動" in hit.title + hit.snippet


def test_field_terms(engine):
    phil = engine.search(SearchRequest(q="country:フィリピン", page_size=100))
    assert phil.total > 10 and all("フィリピン" in h.values["country"] for h in phil.results)
    assert phil.understood == "country:フィリピン"
    assert total(engine, "country:比") == phil.total  # an alias resolves
    yomiuri = engine.search(SearchRequest(q="source:讀賣", page_size=100))
    assert yomiuri.total and {h.source for h in yomiuri.results} == {"読売新聞"}
    titles = engine.search(SearchRequest(q="title:空母", page_size=100))
    assert titles.total and all("空母" in h.title for h in titles.results)
    nato = engine.search(SearchRequest(q="org:NATO", page_size=100))
    assert nato.total and all("NATO" in h.values["organization"] for h in nato.results)


def test_dates(engine):
    in2018 = engine.search(SearchRequest(q="date:2018", page_size=100))
    assert in2018.total and all(h.date.startswith("2018") for h in in2018.results)
    june = engine.search(SearchRequest(q="date:2024-06", page_size=100))
    assert june.total and all(h.date.startswith("2024-06") for h in june.results)
    span = engine.search(SearchRequest(q="date:2023..2024", page_size=100))
    assert {h.date[:4] for h in span.results} == {"2023", "2024"}
    ranged = engine.search(SearchRequest(date_from="2024-06-01", date_to="2024-06-30",
                                         page_size=100))
    assert ranged.total == june.total


def test_japanese_without_spaces(engine):
    found = engine.search(SearchRequest(q="防衛装備移転", page_size=100))
    assert found.total > 0
    assert "2409-080504" in [h.id for h in found.results]  # 防衛装備移転、モンゴルとの協定合意へ


@pytest.mark.parametrize("q,message", [
    ('"情報保護', "引用符"),
    ("(エストニア サイバー", "括弧"),
    ("空母 OR", "OR"),
    ("OR 空母", "OR"),
    ("エストニア)", "括弧"),
])
def test_unparseable_queries_fall_back_to_words(engine, q, message):
    result = engine.search(SearchRequest(q=q))
    assert result.fallback and result.total > 0
    assert any(message in m for m in result.messages)


def test_unknown_field_is_searched_as_words(engine):
    result = engine.search(SearchRequest(q="foo:NATO"))
    assert not result.fallback
    assert any("foo:" in m for m in result.messages)


def test_empty_query_browses_newest_first(engine):
    result = engine.search(SearchRequest(page_size=100))
    assert result.total == 384 and result.sort == "newest"
    dates = [h.date for h in result.results]
    assert dates == sorted(dates, reverse=True)


def test_synonyms_are_visible_in_understood(engine):
    result = engine.search(SearchRequest(q="豪州"))
    assert "オーストラリア" in result.understood
    assert total(engine, "豪州") == total(engine, "オーストラリア")
    assert "アメリカ" in parse_query("米国").understood


def test_outlet_names_are_searchable(engine):
    found = set(ids(engine, "読売"))
    yomiuri = set(ids(engine, selected={"source": ["読売新聞"]}))
    assert yomiuri and yomiuri <= found


# ------------------------------------------------------------------ facets

def test_facet_counts_add_up(engine):
    result = engine.search(SearchRequest(q="防衛"))
    assert sum(v.count for v in result.facets["source"]) == result.total
    assert sum(v.count for v in result.facets["year"]) == result.total
    assert sum(v.count for v in result.facets["collection"]) >= result.total


def test_disjunctive_facets(engine):
    plain = engine.search(SearchRequest(q="防衛"))
    picked = engine.search(SearchRequest(q="防衛", selected={"source": ["読売新聞"]}))
    counts = {v.value: v.count for v in plain.facets["source"]}
    after = {v.value: (v.count, v.selected) for v in picked.facets["source"]}
    assert picked.total == counts["読売新聞"]
    assert after["読売新聞"] == (counts["読売新聞"], True)
    assert after["共同通信"] == (counts["共同通信"], False)  # the others stay visible
    both = engine.search(SearchRequest(q="防衛", selected={"source": ["読売新聞", "共同通信"]}))
    assert both.total == counts["読売新聞"] + counts["共同通信"]  # OR within a facet
    narrowed = engine.search(SearchRequest(q="防衛", selected={"source": ["共同通信"],
                                                            "year": ["2024"]}))
    years = {v.value: v.count for v in engine.search(
        SearchRequest(q="防衛", selected={"source": ["共同通信"]})).facets["year"]}
    assert narrowed.total == years["2024"]  # AND across facets


def test_months_inside_a_chosen_year(engine):
    result = engine.search(SearchRequest(selected={"year": ["2024"]}))
    assert result.facets["month"] and all(v.value.startswith("2024-")
                                          for v in result.facets["month"])
    assert sum(v.count for v in result.facets["month"]) == result.total


def test_unknown_facet_value_is_a_user_error(engine):
    with pytest.raises(SearchError, match="媒体「存在しない新聞」"):
        engine.search(SearchRequest(selected={"source": ["存在しない新聞"]}))


# ------------------------------------------------------------------ snippets, ranking

def test_marks_land_on_the_matched_characters(engine):
    for hit in engine.search(SearchRequest(q="空母", page_size=20)).results:
        for marked in re.findall(r"<mark>(.*?)</mark>", hit.snippet_html + hit.title_html):
            assert marked == "空母"
    hits = engine.search(SearchRequest(q="防衛", page_size=50)).results
    marked = {m for h in hits for m in re.findall(r"<mark>(.*?)</mark>", h.snippet_html)}
    assert marked == {"防衛"}  # inside 防衛相, 防衛省, 防衛装備品 too


def test_snippets_are_short_and_safe(engine):
    for hit in engine.search(SearchRequest(q="サイバー", page_size=50)).results:
        plain = hit.snippet.strip("…")
        assert len(plain) <= 160
        assert re.sub(r"</?mark>", "", hit.snippet_html).count("<") == 0


def test_sorting_and_pages(engine):
    newest = ids(engine, "サイバー", sort="newest")
    oldest = ids(engine, "サイバー", sort="oldest")
    assert 10 < len(newest) < 100 and newest == list(reversed(oldest))
    first = [h.id for h in engine.search(SearchRequest(q="防衛", page=1, page_size=10)).results]
    second = [h.id for h in engine.search(SearchRequest(q="防衛", page=2, page_size=10)).results]
    assert len(first) == 10 and not set(first) & set(second)
    assert first + second == ids(engine, "防衛")[:20]
    assert ids(engine, "防衛") == ids(engine, "防衛")  # deterministic


def test_title_weighs_more(engine):
    result = engine.search(SearchRequest(q="潜水艦", page_size=100))
    in_title = [n for n, h in enumerate(result.results) if "潜水艦" in h.title]
    assert in_title and in_title[0] == 0


def test_nothing_found_suggests(engine):
    # (a katakana name of five or more letters finds its one-edit variants itself)
    result = engine.search(SearchRequest(q="ルツテ", correct=False))
    assert result.total == 0
    assert result.suggestions[0] == "ルッテ"
    assert engine.search(SearchRequest(q="エストニヤ")).understood == \
        "(エストニヤ OR エストニア OR 国:エストニア)"


@pytest.mark.parametrize("req,message", [
    (SearchRequest(q="x" * 10_000), "長すぎ"),
    (SearchRequest(page=0), "ページ"),
    (SearchRequest(sort="random"), "並べ替え"),
    (SearchRequest(date_from="2024-13-01"), "開始日"),
    (SearchRequest(date_from="2024-06-30", date_to="2024-06-01"), "開始日"),
])
def test_bad_requests_say_what_to_do(engine, req, message):
    with pytest.raises(SearchError, match=message):
        engine.search(req)


def test_escaping(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "x.txt").write_text(
        "テスト\n\n2025.01.01\n 10:00\n共同通信\n\n(Yahoo)\n\n"
        "<b>太字</b>の防衛記事 <2502-010101>\n 防衛の<script>alert(1)</script>記事です。\n",
        encoding="utf-8")
    reindex(tmp_path / "ix", corpus)
    eng = Engine(tmp_path / "ix")
    (hit,) = eng.search(SearchRequest(q="防衛")).results
    assert "<script>" not in hit.snippet_html and "&lt;script&gt;" in hit.snippet_html
    assert "<b>" not in hit.title_html and "&lt;b&gt;" in hit.title_html
    assert re.sub(r"</?mark>", "", hit.snippet_html + hit.title_html).count("<") == 0
    eng.close()


def test_search_command(engine, tmp_path, capsys):
    root = str(engine.root)
    assert manage.main(["--index", root, "search", "イタリア", "空母", "--limit", "3"]) == 0
    out = capsys.readouterr().out
    assert "件" in out and "2409-082209" in out
    assert manage.main(["--index", root, "search", "イタリア 空母", "--json"]) == 0
    import json
    data = json.loads(capsys.readouterr().out)
    assert set(data) >= {"query", "understood", "total", "page", "page_size", "results",
                         "facets", "suggestions"}
    assert set(data["facets"]) >= {"source", "country", "organization", "year", "collection"}
    assert set(data["results"][0]) >= {"id", "score", "title", "title_html", "date", "time",
                                       "source", "countries", "organizations", "collections",
                                       "snippet_html", "snippet", "country_codes"}
    first = data["results"][0]
    assert len(first["country_codes"]) == len(first["countries"])
    assert manage.main(["--index", root, "search", "--source", "架空新聞"]) == 2
    assert "架空新聞" in capsys.readouterr().err


def test_no_index_is_a_clear_error(tmp_path, capsys):
    assert manage.main(["--index", str(tmp_path / "none"), "search", "防衛"]) == 2
    assert "manage.py reindex" in capsys.readouterr().err


# ------------------------------------------------------------------ partial matches

def test_articles_lacking_a_word_follow_those_holding_every_word(engine):
    result = engine.search(SearchRequest(q="イタリア 空母 訓練", page_size=100))
    full = result.results[:result.complete]
    rest = result.results[result.complete:]
    assert result.complete == 5 and result.total == 12
    assert all(not h.missing for h in full)
    # each holds the place the query names (イタリア: an article lacking it is about
    # somewhere else); by how much of the query they hold: lacking the commonest word (訓練)
    # costs least
    assert [h.missing for h in rest] == [["訓練"]] + [["空母"]] * 6
    assert all(h.missing for h in rest)
    # facets count both tiers
    assert sum(v.count for v in result.facets["year"]) == result.total


def test_partial_matches_respect_filters_and_exclusions(engine):
    result = engine.search(SearchRequest(q="空母 -イタリア 訓練", page_size=100))
    italy = set(ids(engine, "イタリア"))
    assert result.total > result.complete > 0
    assert not {h.id for h in result.results} & italy
    phil = engine.search(SearchRequest(q="共同訓練 海上保安庁",
                                       selected={"country": ["フィリピン"]}, page_size=100))
    assert all("フィリピン" in h.values["country"] for h in phil.results)


@pytest.mark.parametrize("q", ["火星 探査", "ワールドカップ 優勝", "南極観測", "xqzvwk 防衛"])
def test_a_topic_the_archive_does_not_hold_finds_nothing(engine, q):
    assert total(engine, q) == 0


def test_the_pieces_of_one_compound_are_not_partial_words(engine):
    result = engine.search(SearchRequest(q="防衛装備移転", page_size=100))
    assert result.complete == result.total and all(not h.missing for h in result.results)


def test_newest_first_keeps_the_tiers(engine):
    result = engine.search(SearchRequest(q="イタリア 空母 訓練", sort="newest", page_size=100))
    missing = [bool(h.missing) for h in result.results]
    assert missing == [False] * result.complete + [True] * (result.total - result.complete)
    full_dates = [h.date or "" for h in result.results[:result.complete]]
    assert full_dates == sorted(full_dates, reverse=True)


def test_a_compound_synonym_is_found_with_its_parts_apart(engine):
    """国防相会談 stands for 防衛大臣会談 (data/synonyms.txt), which the white paper writes
    「木原防衛大臣は … 国防大臣と … 会談」: a synonym whose parts are words of two characters
    or more is matched as a typed compound is (the phrase first, else all of its parts)."""
    def found(q):
        return {h.id for h in engine.search(SearchRequest(q=q, page_size=100,
                                                          related=False)).results}

    assert "whitepaper-2025#26" in found("国防相会談")
    assert "whitepaper-2025#26" not in found('"国防相会談"')
    assert "whitepaper-2025#26" in found("防衛大臣 会談")
