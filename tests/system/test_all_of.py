"""All of the ticked values (all_of=country): articles naming every ticked country (日米豪比),
not any of them, in the engine, the page, the API and the command line; the chip and a
line under the understood one say so, and the URL carries it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest

from search.engine import SearchError, SearchRequest

ROOT = Path(__file__).resolve().parent.parent.parent
FOUR = ["米国", "オーストラリア", "フィリピン"]


def countries(engine, ids: list[str]) -> list[set[str]]:
    return [set(engine.record(i).record.facets["country"]) for i in ids]


def test_every_ticked_country_or_any(engine):
    both = SearchRequest(q="", selected={"country": FOUR}, page_size=100, match_all=["country"])
    every = engine.search(both)
    some = engine.search(SearchRequest(q="", selected={"country": FOUR}, page_size=100))
    assert 0 < every.total < some.total and every.match_all == ["country"]
    assert some.match_all == []
    assert all(set(FOUR) <= held for held in countries(engine, [h.id for h in every.results]))
    # exactly the articles each country's own search has in common
    alone = [{h.id for h in engine.search(SearchRequest(q="", selected={"country": [c]},
                                                        page_size=100)).results}
             for c in FOUR]
    assert {h.id for h in every.results} == set.intersection(*alone)
    # the counts say how many of these name each country (the ticked ones: all of them)
    counted = {v.value: v.count for v in every.facets["country"]}
    assert [counted[c] for c in FOUR] == [every.total] * 3
    other = next(v for v in every.facets["country"] if v.value not in FOUR)
    named = sum(other.value in held for held in countries(engine,
                                                          [h.id for h in every.results]))
    assert other.count == named


def test_organisations_too_and_only_declared_facets(engine):
    ids = engine.search(SearchRequest(q="", selected={"organization": ["NATO", "EU"]},
                                      match_all=["organization"], page_size=100)).results
    assert ids and all({"NATO", "EU"} <= set(engine.record(h.id).record.facets["organization"])
                       for h in ids)
    with pytest.raises(SearchError) as refused:
        engine.search(SearchRequest(q="", selected={"source": ["読売新聞"]},
                                    match_all=["source"]))
    assert str(refused.value) == ("「すべてを含む」は媒体には使えません。国・地域(country)、"
                                  "機関(organization)で指定してください")


def test_the_page_carries_it_in_the_url_the_chips_and_a_line(client):
    query = [("q", "防衛")] + [("country", c) for c in FOUR] + [("all_of", "country")]
    html = client.get("/?" + urlencode(query)).get_data(as_text=True)
    total = client.get("/api/search?" + urlencode(query)).get_json()["total"]
    assert f"<strong>{total}</strong>" in html
    assert ('<p class="understood understood-all">国・地域: 米国・オーストラリア・フィリピン '
            "のすべてを含む記事に絞っています</p>") in html
    assert html.count('<span class="chip-label">国・地域(すべて)</span>') == 3
    assert ('<input type="checkbox" form="sf" name="all_of" value="country" data-autosubmit '
            "checked>") in html
    # every link of the page keeps it: a chip's ×, the pages, the exports
    chip = html.split('" class="chip-x"')[0].rsplit('<a href="', 1)[1].replace("&amp;", "&")
    assert ("all_of", "country") in parse_qsl(urlsplit(chip).query)
    # any of them (the default): no line, plain chips, the switch off
    plain = client.get("/?" + urlencode(query[:-1])).get_data(as_text=True)
    assert "understood-all" not in plain and "国・地域(すべて)" not in plain
    assert '<input type="checkbox" form="sf" name="all_of" value="country" data-autosubmit>' \
        in plain
    # no country ticked: no switch
    assert 'name="all_of"' not in client.get("/?q=防衛").get_data(as_text=True)


def test_a_wrong_facet_is_a_message(client):
    r = client.get("/api/search?all_of=source")
    assert r.status_code == 400 and r.get_json() == {
        "error": "all_of=「source」は使えません。all_of= には country・org を指定してください"
                 "(選んだ値をすべて含む記事に絞ります)"}
    assert client.get("/?all_of=year").status_code == 400


def test_the_command_line(session_index):
    def run(*args):
        return subprocess.run([sys.executable, "manage.py", "--index", str(session_index),
                               "search", "--json", *args], cwd=ROOT, capture_output=True,
                              text=True, encoding="utf-8", timeout=120)

    picked = [a for c in FOUR for a in ("--country", c)]
    every, some = run(*picked, "--all-of", "country"), run(*picked)
    assert every.returncode == some.returncode == 0, every.stderr
    assert 0 < json.loads(every.stdout)["total"] < json.loads(some.stdout)["total"]
    assert json.loads(every.stdout)["match_all"] == ["country"]
    text = subprocess.run([sys.executable, "manage.py", "--index", str(session_index), "search",
                           *picked, "--all-of", "country"], cwd=ROOT, capture_output=True,
                          text=True, encoding="utf-8", timeout=120)
    assert "  国・地域: 米国・オーストラリア・フィリピン のすべてを含む記事\n" in text.stdout
