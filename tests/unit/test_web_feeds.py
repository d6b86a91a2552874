"""web/feeds.py exactly: the Atom document byte for byte, the entry times (Japan time, the
hour and minute checked, midnight otherwise), the CSV's rows and the pieces it is streamed in."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest

from search.engine import Hit
from web.feeds import atom_feed, csv_chunks, hits_csv, xml_text

SNIPPET = "<mark>空母</mark> &amp; x"


def _hit(id: str, **overrides) -> Hit:
    base = {"id": id, "score": 0.0, "title": "T", "title_html": "", "date": "2024-08-22",
            "time": "12:55", "source": "読売新聞", "snippet_html": SNIPPET, "snippet": "",
            "values": {"country": ["イタリア", "米国"], "organization": ["NATO"]},
            "summary": "要旨"}
    base.update(overrides)
    return Hit(**base)


def _record_url(rid: str) -> str:
    return f"http://x/records/{rid}"


def _feed(hits: list[Hit], updated: datetime | None = None) -> str:
    return atom_feed(title="F", self_url="http://x/feed.atom?q=a", page_url="http://x/?q=a",
                     feed_id="http://x/feed.atom?q=a", hits=hits, record_url=_record_url,
                     updated=updated).decode("utf-8")


def _entry(rid: str, stamp: str, author: str | None = "読売新聞",
           categories: tuple[str, ...] = ("イタリア", "米国")) -> str:
    return (f'<entry><title>T</title><id>http://x/records/{rid}</id>'
            f'<link rel="alternate" type="text/html" href="http://x/records/{rid}" />'
            f'<updated>{stamp}</updated><published>{stamp}</published>'
            + (f"<author><name>{author}</name></author>" if author else "")
            + "".join(f'<category term="{c}" label="{c}" />' for c in categories)
            + '<summary type="html">&lt;mark&gt;空母&lt;/mark&gt; &amp;amp; x</summary></entry>')


def _head(updated: str) -> str:
    return ("<?xml version='1.0' encoding='utf-8'?>\n"
            '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="ja"><title>F</title>'
            "<id>http://x/feed.atom?q=a</id>"
            '<link rel="self" type="application/atom+xml" href="http://x/feed.atom?q=a" />'
            '<link rel="alternate" type="text/html" href="http://x/?q=a" />'
            "<generator>kirinuki</generator><author><name>kirinuki 切り抜き</name></author>"
            f"<updated>{updated}</updated>")


def test_atom_document_exactly():
    hits = [_hit("a-1"),
            _hit("b-2", date=None, time=None, source="", values={}),
            _hit("c-3", time="9:05", values={"collection": ["欧州"]}),
            _hit("d-4", date="2024-08-23", time=None),
            _hit("e-5", date="2024-02-30", time="10:00")]  # not a day: the epoch
    assert _feed(hits, updated=datetime(2020, 1, 1, tzinfo=UTC)) == (
        _head("2024-08-23T00:00:00+09:00")
        + _entry("a-1", "2024-08-22T12:55:00+09:00")
        + _entry("b-2", "2024-08-23T00:00:00+09:00", author=None, categories=())
        + _entry("c-3", "2024-08-22T09:05:00+09:00", categories=())
        + _entry("d-4", "2024-08-23T00:00:00+09:00")
        + _entry("e-5", "1970-01-01T00:00:00+00:00")
        + "</feed>")


@pytest.mark.parametrize("time, stamp", [
    ("0:30", "2024-08-22T00:30:00+09:00"),
    ("23:00", "2024-08-22T23:00:00+09:00"),
    ("23:59", "2024-08-22T23:59:00+09:00"),
    ("24:00", "2024-08-22T00:00:00+09:00"),  # no such hour: midnight
    ("10:60", "2024-08-22T00:00:00+09:00"),  # no such minute: midnight
    ("25:30", "2024-08-22T00:00:00+09:00"),
    ("noon", "2024-08-22T00:00:00+09:00"),
    ("12:5", "2024-08-22T00:00:00+09:00"),
    (None, "2024-08-22T00:00:00+09:00"),
])
def test_entry_time_is_japan_time_or_midnight(time, stamp):
    assert _feed([_hit("a-1", time=time)]) == _head(stamp) + _entry("a-1", stamp) + "</feed>"


def test_feed_without_dates_is_updated_when_asked_or_now():
    dateless = _hit("b-2", date=None, time=None)
    stamp = "2020-01-01T00:00:00+00:00"
    assert _feed([dateless], updated=datetime(2020, 1, 1, tzinfo=UTC)) == (
        _head(stamp) + _entry("b-2", stamp) + "</feed>")
    assert _feed([], updated=datetime(2020, 1, 1, tzinfo=UTC)) == _head(stamp) + "</feed>"
    before = datetime.now(UTC)
    text = _feed([])
    updated = datetime.fromisoformat(text.split("<updated>")[1].split("</updated>")[0])
    assert updated.utcoffset() == timedelta(0)
    assert before <= updated <= datetime.now(UTC)


def test_xml_text():
    assert xml_text(None) == ""
    assert xml_text("a\x00b\x0bc\ufffe\ud800d\te") == "abcd\te"
    assert xml_text(12) == "12"


CSV_HEAD = "\ufeffid,日付,時刻,媒体,見出し,国・地域,機関,アーカイブ,要旨,URL\r\n"


def test_csv_rows_exactly():
    hits = [_hit("a-1", values={"country": ["イタリア", "米国"], "collection": ["欧州"]}),
            _hit("b-2", date=None, time=None, source="", values={}, summary="=1+1")]
    assert hits_csv(hits, _record_url) == (
        CSV_HEAD
        + "a-1,2024-08-22,12:55,読売新聞,T,イタリア・米国,,欧州,要旨,http://x/records/a-1\r\n"
        + "b-2,,,,T,,,,'=1+1,http://x/records/b-2\r\n")


def _row(n: int) -> str:
    return f"r{n},2024-08-22,12:55,読売新聞,T,イタリア・米国,NATO,,要旨,http://x/records/r{n}\r\n"


def test_csv_is_streamed_a_hundred_rows_at_a_time():
    hits = [_hit(f"r{n}") for n in range(1, 251)]
    chunks = list(csv_chunks(hits, _record_url))
    assert chunks == [CSV_HEAD + "".join(_row(n) for n in range(1, 101)),
                      "".join(_row(n) for n in range(101, 201)),
                      "".join(_row(n) for n in range(201, 251))]
    assert hits_csv(hits, _record_url) == "".join(chunks)
    assert list(csv_chunks(hits[:200], _record_url, rows_at_once=100))[2:] == [""]
    assert list(csv_chunks([], _record_url)) == [CSV_HEAD]
    assert list(csv.reader(io.StringIO(chunks[2])))[0][0] == "r201"
