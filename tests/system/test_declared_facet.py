"""A facet added by one declaration: seen in the index, the engine, the query language, the
API, the page, the exports and the command line, with no other file touched.

The facet here is a prefecture facet (沖縄県, 長崎県 …) found in each record's title and text
by the extractor below; the expected values are counted from the corpus directly.
"""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

import manage
from search.corpus.loading import load_corpus
from search.engine import Engine, SearchRequest
from search.facets import Facet, declared
from search.index.build import reindex
from web import create_app

# a place's spellings in text → the prefecture (佐世保 is in 長崎県)
PREFECTURES = {"沖縄": "沖縄県", "北海道": "北海道", "長崎": "長崎県", "佐世保": "長崎県",
               "青森": "青森県"}


def prefectures_of(title: str, text: str) -> list[str]:
    """The prefectures a record names, in order of first mention."""
    found = sorted((m.start(), PREFECTURES[m.group()])
                   for m in re.finditer("|".join(PREFECTURES), f"{title}\n{text}"))
    return list(dict.fromkeys(name for _, name in found))


def prefecture_name(word: str) -> str | None:
    """沖縄 and 沖縄県 both stand for 沖縄県."""
    return PREFECTURES.get(word) or (word if word in PREFECTURES.values() else None)


PREFECTURE = Facet("prefecture", "prefectures", "pref", "都道府県", True, "count", 30,
                   extract=f"{__name__}:prefectures_of", resolve=f"{__name__}:prefecture_name",
                   names=("pref", "都道府県"), keywords=True, completed=4)


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    with declared(PREFECTURE):
        path = tmp_path_factory.mktemp("prefecture-index")
        reindex(path)
        yield path


@pytest.fixture(scope="module")
def expected() -> dict[str, list[str]]:
    """Each record's prefectures, found without the engine."""
    return {r.id: prefectures_of(r.title, r.summary) for r in load_corpus().records}


def _holding(expected, name):
    return {rid for rid, names in expected.items() if name in names}


def test_the_engine_counts_and_filters_the_new_facet(root, expected):
    with Engine(root) as engine:
        everything = engine.search(SearchRequest(page_size=100))
        counts = {v.value: v.count for v in everything.facets["prefecture"]}
        assert counts == {"沖縄県": 8, "長崎県": 5, "北海道": 2, "青森県": 1}
        assert counts == {n: len(_holding(expected, n)) for n in counts}
        picked = engine.search(SearchRequest(selected={"prefecture": ["長崎県"]},
                                             page_size=100))
        assert {h.id for h in picked.results} == _holding(expected, "長崎県")
        assert all(h.values["prefecture"] == expected[h.id] for h in picked.results)
        # disjunctive within the facet: the other prefectures are still counted
        assert [v.value for v in picked.facets["prefecture"]][:2] == ["沖縄県", "長崎県"]


def test_the_query_language_knows_the_new_field(root, expected):
    with Engine(root) as engine:
        for typed in ("pref:沖縄", "都道府県:沖縄県"):
            result = engine.search(SearchRequest(q=typed, page_size=100))
            assert result.understood == "pref:沖縄県"
            assert {h.id for h in result.results} == _holding(expected, "沖縄県")
        unknown = engine.search(SearchRequest(q="foo:bar"))
        assert "pref:" in unknown.messages[0]


def test_the_api_the_page_and_the_exports_show_it(root, expected):
    app = create_app({"INDEX_DIR": str(root), "TESTING": True})
    try:
        client = app.test_client()
        data = client.get("/api/search?pref=長崎県&page_size=100").get_json()
        assert {r["id"] for r in data["results"]} == _holding(expected, "長崎県")
        row = next(r for r in data["results"] if r["id"] == "1705-042909")
        assert row["prefectures"] == ["長崎県"]
        assert data["facets"]["prefecture"][1] == {"value": "長崎県", "count": 5,
                                                   "selected": True}

        page = client.get("/?pref=長崎県").get_data(as_text=True)
        assert "都道府県" in page and 'name="pref" value="長崎県"' in page

        record = client.get("/records/1705-042909").get_data(as_text=True)
        assert re.search(r"<dt>都道府県</dt>\s*<dd><a [^>]*href=\"/\?pref=%E9%95%B7"
                         r"%E5%B4%8E%E7%9C%8C\">長崎県</a></dd>", record), record

        table = list(csv.reader(io.StringIO(
            client.get("/export.csv?pref=長崎県").get_data(as_text=True).lstrip("\ufeff"))))
        column = table[0].index("都道府県")
        assert {r[0]: r[column] for r in table[1:]} == {
            rid: "・".join(expected[rid]) for rid in _holding(expected, "長崎県")}
        assert "KW  - 長崎県" in client.get("/export.ris?pref=長崎県").get_data(as_text=True)

        offered = client.get("/api/suggest?q=長崎").get_json()["suggestions"]
        assert {"facet": "prefecture", "value": "長崎県"}.items() <= offered[0].items()
    finally:
        app.extensions["kirinuki.engine"].close()


def test_the_command_line_has_a_flag_for_it(root, expected, capsys):
    assert manage.main(["--index", str(root), "search", "--pref", "長崎県", "--json",
                        "--limit", "100"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {r["id"] for r in data["results"]} == _holding(expected, "長崎県")
