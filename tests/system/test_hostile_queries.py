"""Queries a hostile tester (or a fuzzer) found: each answered with results or a message.

Regression tests for what benchmarks/fuzz.py and the property tests turned up, on every
surface a query reaches: the page, the API, CSV, Atom, the record pages and the CLI.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
QUERY_ROUTES = ["/api/search", "/", "/export.csv", "/feed.atom", "/records/2508-073110",
                "/api/records/2508-073110"]
SEARCH_ROUTES = ["/api/search", "/", "/export.csv", "/feed.atom"]


def manage(index: Path, *args: str | bytes) -> subprocess.CompletedProcess:
    """``manage.py`` as a user runs it: a process of its own, bytes in, text out."""
    return subprocess.run([sys.executable, "manage.py", "--index", str(index), *args],
                          cwd=ROOT, capture_output=True, timeout=120)


# ---------------------------------------------------------------- the calendar's last day

@pytest.mark.parametrize("where", QUERY_ROUTES)
@pytest.mark.parametrize("qs", ["q=date:9999-12-31", "q=date:0001-01-01..9999-12-31",
                                "from=9999-12-31", "to=9999-12-31"])
def test_the_calendars_last_day_is_a_date_not_a_500(client, where, qs):
    # 9999-12-31 has no next day: its end was computed by adding one and overflowed.
    r = client.get(f"{where}?{qs}")
    assert r.status_code == 200, r.get_data(as_text=True)[:300]


@pytest.mark.parametrize(("qs", "total", "understood"), [
    ("q=date:9999-12-31", 0, "date:9999-12-31"),
    ("q=date:9999-12", 0, "date:9999-12-01..9999-12-31"),
    ("q=date:0001-01-01..9999-12-31", 384, "date:0001-01-01..9999-12-31"),
    ("from=9999-12-31", 0, "すべての記事(新しい順)"),
    ("to=9999-12-31", 384, "すべての記事(新しい順)"),
    ("from=2025-07-15&to=9999-12-31", 157, "すべての記事(新しい順)"),
])
def test_the_calendars_last_day_bounds_a_range(client, qs, total, understood):
    body = client.get(f"/api/search?{qs}").get_json()
    assert (body["total"], body["understood"], body["messages"]) == (total, understood, [])


def test_cli_far_date_is_searched(session_index):
    done = manage(session_index, "search", "--from", "9999-12-31")
    assert (done.returncode, done.stderr) == (0, b"")
    assert done.stdout.decode().startswith("0 件  (すべての記事(新しい順))")


# ---------------------------------------------------------------- bytes that are not UTF-8

UNREADABLE = ("error: 検索語に文字として読めないバイト列があります(UTF-8 以外の文字コード)。"
              "UTF-8 で入力し直してください\n")


@pytest.mark.parametrize("words", [[b"\xff\xfe"], ["空母".encode("shift_jis")],
                                   [b"NATO", b"\xed\xa0\x80"]])
def test_cli_query_in_another_encoding_is_a_message(session_index, words):
    # Python keeps such argv bytes as lone surrogates; they reached Sudachi's encoder.
    done = manage(session_index, "search", *words)
    assert (done.returncode, done.stdout, done.stderr.decode()) == (2, b"", UNREADABLE)


def test_cli_deep_nesting_is_searched_as_words(session_index):
    done = manage(session_index, "search", "--", "-" * 950 + "NATO")
    out = done.stdout.decode()
    assert (done.returncode, done.stderr) == (0, b"")
    assert out.startswith("31 件  ((NATO OR 北大西洋条約機構 OR 機関:NATO))")
    assert "  ※ 括弧や否定の入れ子が深すぎます。語を並べたものとして検索しました\n" in out


# ---------------------------------------------------------------- page_size has its own words

@pytest.mark.parametrize(("value", "message"), [
    ("abc", "1ページの件数「abc」は数字ではありません。1〜100 の整数を指定してください"),
    ("-5", "1ページの件数「-5」は数字ではありません。1〜100 の整数を指定してください"),
    ("１０", "1ページの件数「１０」は数字ではありません。1〜100 の整数を指定してください"),
    ("0", "1ページの件数は 1〜100 にしてください"),
    ("101", "1ページの件数は 1〜100 にしてください"),
    ("9" * 5000, "1ページの件数は 1〜100 にしてください"),
])
def test_a_bad_page_size_is_named_as_the_page_size(client, value, message):
    # It was read as a page number, and the message spoke of ページ番号.
    r = client.get("/api/search", query_string={"page_size": value})
    assert (r.status_code, r.get_json()) == (400, {"error": message})


@pytest.mark.parametrize(("value", "size"), [("", 20), (" 7 ", 7), ("100", 100), ("001", 1)])
def test_a_good_page_size(client, value, size):
    body = client.get("/api/search", query_string={"page_size": value}).get_json()
    assert (body["page_size"], len(body["results"])) == (size, size)


# ---------------------------------------------------------------- found by benchmarks/fuzz.py

BAD_HOST = ("リクエストを読めません", "Host ヘッダー(サーバーの名前)に読めない部分があります。"
            "サーバーのアドレスを確かめて開き直してください。")


@pytest.mark.parametrize("where", QUERY_ROUTES)
@pytest.mark.parametrize("host", ["a" * 300, "a" * 64 + ".example"])
def test_a_host_header_werkzeug_cannot_read_is_a_400_with_a_message(client, where, host):
    # A DNS label over 63 characters: routing never started, and the error page's url_for
    # had no adapter, so the error handler itself failed and waitress answered 500.
    r = client.get(where, headers={"Host": host})
    assert r.status_code == 400
    assert r.headers["X-Frame-Options"] == "DENY"
    if where.startswith("/api/"):
        assert r.get_json() == {"error": "。".join(BAD_HOST)}
    else:
        page = r.get_data(as_text=True)
        assert f'<h1 id="error-title">{BAD_HOST[0]}</h1>\n    <p>{BAD_HOST[1]}</p>' in page
        assert '<a href="/">検索画面に戻る</a>' in page


def test_api_without_a_slash_answers_json(client):
    r = client.get("/api")
    assert (r.status_code, r.get_json()) == (404, {
        "error": "ページが見つかりません。アドレスを確かめるか、検索画面から探し直してください。"})
