"""Taking a search away: the JSON link of the current search, the CSV with the summary, RIS of
the whole result or of the ticked articles, as a reader's client would fetch them."""

from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

import pytest

from search.engine import Hit
from search.engine.citations import ris, ris_value
from web.feeds import csv_columns

ITALY = "イタリア 空母 訓練"  # 5 articles hold every word, 7 more some of them
TAG_LINE = re.compile(r"[A-Z][A-Z0-9]  - \S.*")  # the RIS tag format: two characters, "  - "


class Form(HTMLParser):
    """The page's footer link, export links, the picking form and its checkboxes."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.links: dict[str, str] = {}
        self.forms: dict[str, dict] = {}
        self.picks: list[dict] = []
        self.hidden: list[dict] = []
        self.buttons: list[dict] = []
        self._text: str | None = None
        self._href = ""
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a":
            self._href, self._text = a.get("href", ""), ""
        if tag == "form":
            self.forms[a.get("id", "")] = a
        if tag == "input" and a.get("name") == "id":
            self.picks.append(a)
        if tag == "input" and a.get("type") == "hidden":
            self.hidden.append(a)

    def handle_data(self, data):
        if self._text is not None:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "a" and self._text is not None:
            self.links[self._text.strip()] = self._href
            self._text = None


def ris_records(text: str) -> list[list[tuple[str, str]]]:
    """RIS text as records of (tag, value), checking the format on the way."""
    assert "\n" not in text.replace("\r\n", ""), "every line ends in CRLF"
    records, current = [], []
    for line in text.split("\r\n"):
        if not line:
            continue
        if line == "ER  - ":
            records.append(current)
            current = []
            continue
        assert TAG_LINE.fullmatch(line), line
        current.append((line[:2], line[6:]))
    assert current == [] and text.endswith("ER  - \r\n\r\n")
    return records


def expected_ris(record: dict) -> list[tuple[str, str]]:
    """A record of /api/records/<id> as its RIS lines should be."""
    date, time = record["date"], record["time"]
    day = date.replace("-", "/") if date else ""
    return [("TY", "NEWS"), ("ID", record["id"]), ("TI", record["title"]),
            ("T2", record["source"]),
            *([("PY", date[:4]), ("DA", f"{day}/{time}" if time else day)] if date else []),
            ("LA", record["lang"]),
            ("AB", " ".join(record["summary"].split())),
            ("UR", f"http://localhost/records/{quote(record['id'])}"),
            *[("KW", c) for c in record["countries"]],
            *([("N1", "機関: " + "・".join(record["organizations"]))]
              if record["organizations"] else []),
            *([("DB", "・".join(record["collections"]))] if record["collections"] else [])]


# ---------------------------------------------------------------- the footer's JSON link

def test_json_link_is_the_current_search(client):
    query = [("q", "防衛"), ("country", "米国"), ("sort", "newest"), ("page", "2")]
    html = client.get("/?" + urlencode(query)).get_data(as_text=True)
    href = Form(html).links["JSON API"]
    assert urlsplit(href).path == "/api/search"
    assert parse_qsl(urlsplit(href).query) == query
    data = client.get(href).get_json()
    assert (data["query"], data["sort"], data["page"]) == ("防衛", "newest", 2)
    shown = [unquote(i) for i in
             re.findall(r'<h2 class="hit-title"><a href="/records/([^"?]+)', html)]
    assert [h["id"] for h in data["results"]] == shown and shown


def test_json_link_without_a_search_and_on_a_record(client):
    assert Form(client.get("/").get_data(as_text=True)).links["JSON API"] == "/api/search"
    html = client.get("/records/2409-082209?q=空母").get_data(as_text=True)
    href = Form(html).links["JSON API"]
    assert href == "/api/records/2409-082209?q=%E7%A9%BA%E6%AF%8D"
    assert client.get(href).get_json()["record"]["id"] == "2409-082209"
    assert Form(client.get("/nope").get_data(as_text=True)).links["JSON API"] == "/api/search"


# ---------------------------------------------------------------- CSV

def test_csv_columns_and_the_summary_column(client):
    assert csv_columns() == ("id", "日付", "時刻", "媒体", "見出し", "国・地域", "機関",
                           "アーカイブ", "要旨", "URL")
    rows = list(csv.reader(io.StringIO(
        client.get("/export.csv?" + urlencode({"q": ITALY})).data.decode("utf-8-sig"))))
    assert tuple(rows[0]) == csv_columns()
    ids = [h["id"] for h in client.get("/api/search?" + urlencode(
        {"q": ITALY, "page_size": 100})).get_json()["results"]]
    assert [r[0] for r in rows[1:]] == ids
    for row in rows[1:]:
        rec = client.get(f"/api/records/{quote(row[0])}").get_json()["record"]
        assert row == [rec["id"], rec["date"] or "", rec["time"] or "", rec["source"],
                       rec["title"], "・".join(rec["countries"]), "・".join(rec["organizations"]),
                       "・".join(rec["collections"]), rec["summary"],
                       f"http://localhost/records/{quote(rec['id'])}"]
    # the whole summary, not the snippet: a long passage is not cut
    longest = max(rows[1:], key=lambda r: len(r[8]))
    assert not longest[8].startswith("…") and not longest[8].endswith("…")


# ---------------------------------------------------------------- RIS

def _hit(**overrides) -> Hit:
    base = {"id": "2409-082209", "score": 0.0, "title": "イタリア空母、日本に初寄港",
            "title_html": "", "date": "2024-08-22", "time": "12:55", "source": "読売新聞",
            "values": {"country": ["イタリア", "米国"], "organization": ["NATO"],
                       "collection": ["欧州"]}, "snippet_html": "", "snippet": "スニペット",
            "summary": "空母が入港した。\n共同訓練を行う。"}
    base.update(overrides)
    return Hit(**base)


def test_ris_record_format_exactly():
    text = ris([_hit(), _hit(id="whitepaper-2025#38", date=None, source="",
                                  title="NATOとの\r\n協力",
                                  values={"organization": ["NATO"], "collection": ["欧州"]},
                                  summary="\x00一行目\t\n\n  二行目  ")],
                    lambda rid: f"https://kirinuki.example/records/{rid.replace('#', '%23')}")
    assert text == (
        "TY  - NEWS\r\n"
        "ID  - 2409-082209\r\n"
        "TI  - イタリア空母、日本に初寄港\r\n"
        "T2  - 読売新聞\r\n"
        "PY  - 2024\r\n"
        "DA  - 2024/08/22/12:55\r\n"
        "LA  - ja\r\n"
        "AB  - 空母が入港した。 共同訓練を行う。\r\n"
        "UR  - https://kirinuki.example/records/2409-082209\r\n"
        "KW  - イタリア\r\n"
        "KW  - 米国\r\n"
        "N1  - 機関: NATO\r\n"
        "DB  - 欧州\r\n"
        "ER  - \r\n"
        "\r\n"
        "TY  - NEWS\r\n"
        "ID  - whitepaper-2025#38\r\n"
        "TI  - NATOとの 協力\r\n"
        "LA  - ja\r\n"
        "AB  - 一行目 二行目\r\n"
        "UR  - https://kirinuki.example/records/whitepaper-2025%2338\r\n"
        "N1  - 機関: NATO\r\n"
        "DB  - 欧州\r\n"
        "ER  - \r\n"
        "\r\n")
    assert ris([], str) == ""


@pytest.mark.parametrize("value, clean", [
    ("a\nTY  - JOUR", "a TY - JOUR"), ("\u2028x\u3000y", "x y"), (None, ""), ("  ", ""),
    ("ER  - ", "ER -"),
])
def test_ris_values_cannot_start_a_line(value, clean):
    assert ris_value(value) == clean


def test_ris_of_the_whole_result(client):
    r = client.get("/export.ris?" + urlencode({"q": ITALY}))
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "application/x-research-info-systems; charset=utf-8"
    assert re.fullmatch(r'attachment; filename="kirinuki-\d{8}\.ris"',
                        r.headers["Content-Disposition"])
    records = ris_records(r.data.decode("utf-8"))
    found = client.get("/api/search?" + urlencode({"q": ITALY, "page_size": 100})).get_json()
    assert [dict(rec)["ID"] for rec in records] == [h["id"] for h in found["results"]]
    assert len(records) == found["total"] == 12  # the partial matches too, as listed
    assert found["complete"] == 5
    for rec in records:
        stored = client.get(f"/api/records/{quote(dict(rec)['ID'])}").get_json()["record"]
        assert rec == expected_ris(stored)


def test_ris_of_everything_is_capped_like_the_csv(session_index):
    from web import create_app

    app = create_app({"INDEX_DIR": str(session_index), "TESTING": True, "CSV_MAX_ROWS": 150})
    try:
        client = app.test_client()
        records = ris_records(client.get("/export.ris").data.decode("utf-8"))
        newest = [h["id"] for p in (1, 2) for h in client.get(
            f"/api/search?page_size=100&page={p}").get_json()["results"]]
        assert [dict(rec)["ID"] for rec in records] == newest[:150]
        rows = list(csv.reader(io.StringIO(client.get("/export.csv").data.decode("utf-8-sig"))))
        assert [row[0] for row in rows[1:]] == newest[:150]
    finally:
        app.extensions["kirinuki.engine"].close()


def test_ticked_articles_as_ris_without_javascript(client):
    html = client.get("/?" + urlencode({"q": ITALY})).get_data(as_text=True)
    page = Form(html)
    form = page.forms["picked"]
    assert (form["action"], form["method"]) == ("/export.ris", "get")
    assert [(h["name"], h["value"]) for h in page.hidden if h.get("form") is None] == [
        ("picked", "1")]
    shown = [unquote(i) for i in
             re.findall(r'<h2 class="hit-title"><a href="/records/([^"?]+)', html)]
    assert [p["value"] for p in page.picks] == shown
    assert {(p["type"], p["form"]) for p in page.picks} == {("checkbox", "picked")}
    assert "選択した記事を RIS で" in html
    assert page.links["RIS で保存"] == "/export.ris?" + urlencode({"q": ITALY})
    # what the browser sends when the 3rd and the 1st are ticked: the form's fields in order
    chosen = [shown[0], shown[2]]
    r = client.get("/export.ris?" + urlencode([("picked", "1")] + [("id", i) for i in chosen]))
    assert r.status_code == 200
    records = ris_records(r.data.decode("utf-8"))
    assert [dict(rec)["ID"] for rec in records] == chosen
    for rec in records:
        stored = client.get(f"/api/records/{quote(dict(rec)['ID'])}").get_json()["record"]
        assert rec == expected_ris(stored)


def test_ticked_records_keep_their_order_and_ids_with_a_hash(client):
    ids = ["whitepaper-2025#38", "2409-082209", "whitepaper-2025#38"]
    r = client.get("/export.ris?" + urlencode([("id", i) for i in ids]))
    assert [dict(rec)["ID"] for rec in ris_records(r.data.decode("utf-8"))] == [
        "whitepaper-2025#38", "2409-082209"]
    assert "UR  - http://localhost/records/whitepaper-2025%2338\r\n" in r.data.decode("utf-8")


@pytest.mark.parametrize("query, status, words", [
    ("picked=1", 400, "記事が選ばれていません"),
    ("picked=1&id=+", 400, "記事が選ばれていません"),
    ("id=2409-082209&id=nope-1", 404, "記事「nope-1」はありません"),
    ("&".join(f"id=x{n}" for n in range(101)), 400, "一度に書き出せるのは 100 件まで"),
    ("id=" + "x" * 201, 400, "一度に書き出せるのは 100 件まで"),
    ("country=火星", 400, "国・地域「火星」は索引にありません"),
    ("page=x", 400, "ページ番号「x」は数字ではありません"),
])
def test_ris_errors_speak_to_the_user(client, query, status, words):
    r = client.get("/export.ris?" + query)
    assert r.status_code == status
    assert r.headers["Content-Type"].startswith("text/html")
    assert words in r.get_data(as_text=True)


def test_the_csv_is_one_search_streamed_and_analyses_no_text(app, monkeypatch):
    """The whole result in the page's order, from one match and one order, rows read as
    they are written out, and no title or snippet analysed (the CSV has the summaries)."""
    from search.engine import SearchRequest, pipeline
    from search.text import highlight

    engine = app.extensions["kirinuki.engine"]
    first = engine.search(SearchRequest(q="防衛", page_size=100))
    expected = [h.id for page in range(1, first.pages + 1)
                for h in engine.search(SearchRequest(q="防衛", page_size=100, page=page,
                                                     related=False)).results]
    counted = {"analysed": 0, "matched": 0}
    tokens, match = highlight._tokens, pipeline.match

    def counted_tokens(text):
        counted["analysed"] += 1
        return tokens(text)

    def counted_match(*args):
        counted["matched"] += 1
        return match(*args)

    monkeypatch.setattr(highlight, "_tokens", counted_tokens)
    monkeypatch.setattr(pipeline, "match", counted_match)
    answer = app.test_client().get("/export.csv?q=防衛")
    assert answer.is_streamed and answer.status_code == 200
    rows = list(csv.reader(io.StringIO(answer.get_data(as_text=True).lstrip("\ufeff"))))
    assert [r[0] for r in rows[1:]] == expected and len(expected) == first.total == 260
    assert counted == {"analysed": 0, "matched": 1}
