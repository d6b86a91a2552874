"""Era dates (令和6年, R6.5, 平成30年度) wherever a date is typed: the query's date:, the
page's boxes, the API and the command line, each answering exactly as the Gregorian dates
they stand for; a date outside its era is refused with a message that shows the forms."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from search.engine import SearchRequest

ROOT = Path(__file__).resolve().parent.parent.parent
ERA_MESSAGE = ("開始日「令和元年4月」を読めません。2024-06-01、令和6年6月、R6.6.1、2024年度 "
               "のように指定してください(和暦の日付はその元号の期間内で)")


def ids(result) -> list[str]:
    return [h.id for h in result.results]


@pytest.mark.parametrize(("era", "gregorian"), [
    (("令和6年", "R6.6"), ("2024-01-01", "2024-06-30")),
    (("平成30年度", "平成30年度"), ("2018-04-01", "2019-03-31")),
    (("平成30年度", ""), ("2018-04-01", "")),
    (("平成31年", "令和元年"), ("2019-01-01", "2019-12-31")),
    (("H25", "H27.3.31"), ("2013-01-01", "2015-03-31")),
])
def test_the_boxes_read_eras_as_the_dates_they_stand_for(engine, era, gregorian):
    def search(date_from, date_to):
        return engine.search(SearchRequest(q="防衛", date_from=date_from or None,
                                           date_to=date_to or None, page_size=100))

    by_era, by_date = search(*era), search(*gregorian)
    assert by_era.total == by_date.total > 0
    assert ids(by_era) == ids(by_date)


def test_date_in_the_query_reads_eras_and_says_what_it_understood(engine):
    result = engine.search(SearchRequest(q="date:平成30年度 防衛", page_size=100))
    assert result.understood.startswith("date:2018-04-01..2019-03-31 ")
    same = engine.search(SearchRequest(q="date:2018-04-01..2019-03-31 防衛", page_size=100))
    assert result.total == same.total > 0 and ids(result) == ids(same)
    ranged = engine.search(SearchRequest(q="date:R1..R2"))
    assert ranged.understood == "date:2019-05-01..2020-12-31"


def test_the_api_and_the_page_read_eras(client):
    era = client.get("/api/search?q=防衛&from=令和元年5月1日&to=R6年度&page_size=100").get_json()
    iso = client.get("/api/search?q=防衛&from=2019-05-01&to=2025-03-31&page_size=100").get_json()
    assert era["total"] == iso["total"] > 0
    assert [r["id"] for r in era["results"]] == [r["id"] for r in iso["results"]]
    page = client.get("/?q=防衛&from=令和6年")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'value="令和6年"' in html  # the box keeps what was typed
    assert "和暦も使えます" in html


def test_a_date_outside_its_era_is_refused_with_the_forms(client):
    api = client.get("/api/search?q=防衛&from=令和元年4月")
    assert api.status_code == 400 and api.get_json() == {"error": ERA_MESSAGE}
    page = client.get("/?q=防衛&from=令和元年4月")
    assert page.status_code == 400 and ERA_MESSAGE in page.get_data(as_text=True)
    q = client.get("/api/search?q=防衛 date:平成32年").get_json()
    assert ("日付「平成32年」を読めないため無視しました(例: date:2024、date:2024-06、"
            "date:令和6年、date:2023..2024)") in q["messages"]


def test_the_command_line_reads_eras(session_index):
    def run(*args):
        return subprocess.run([sys.executable, "manage.py", "--index", str(session_index),
                               "search", "防衛", "--json", *args], cwd=ROOT,
                              capture_output=True, text=True, encoding="utf-8", timeout=120)

    era, iso = run("--from", "令和6年", "--to", "R6.6"), run("--from", "2024", "--to", "2024-06")
    assert era.returncode == iso.returncode == 0, era.stderr
    assert json.loads(era.stdout)["total"] == json.loads(iso.stdout)["total"] > 0
    refused = run("--from", "令和元年4月")
    assert (refused.returncode, refused.stdout) == (2, "")
    assert refused.stderr == f"error: {ERA_MESSAGE}\n"
