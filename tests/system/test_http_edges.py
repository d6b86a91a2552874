"""The HTTP layer on the real server (web.server.make_server: waitress as ``manage.py serve``
runs it), spoken to over raw sockets, because the requests tested here are the ones that
well-behaved clients never send: raw UTF-8 in the request line, a broken request line, a URL
of megabytes, other methods, a hostile Host header. Each answer is checked whole: status,
content type, the message, the security headers, and that it arrives (no reset).
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import signal
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit
from xml.etree import ElementTree as ET

import pytest

from web import SECURITY_HEADERS, create_app
from web.errors import HTTP_REFUSALS
from web.feeds import csv_cell
from web.server import MAX_REQUEST_LINE

ROOT = Path(__file__).parents[2]
ATOM = "{http://www.w3.org/2005/Atom}"
RECORD = "mod-news-2024-10-22"
EVIL = "evil.example"


@dataclass
class Answer:
    status: int
    reason: str
    headers: dict[str, str]  # names lower-cased
    body: bytes

    def json(self):
        assert self.headers["content-type"] == "application/json"
        return json.loads(self.body)


def ask(base: str, head: bytes | str, body: bytes = b"") -> Answer:
    """Send ``head`` (and ``body``) as they are, read the answer until the server closes."""
    if isinstance(head, str):
        head = head.encode("utf-8")
    port = urlsplit(base).port
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(head + body)
        data = b""
        while chunk := sock.recv(65536):  # a reset raises here and fails the test
            data += chunk
    top, _, rest = data.partition(b"\r\n\r\n")
    lines = top.decode("latin-1").split("\r\n")
    _, status, reason = lines[0].split(" ", 2)
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if headers.get("transfer-encoding") == "chunked":  # a streamed answer (CSV)
        rest = _unchunked(rest)
    return Answer(int(status), reason, headers, rest)


def _unchunked(data: bytes) -> bytes:
    """The body of a chunked answer: each chunk's size line and data, then a 0 chunk."""
    body = b""
    while True:
        size_line, _, data = data.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            return body
        body, data = body + data[:size], data[size + 2:]


def get(base: str, target: str, *, method: str = "GET", host: str = "127.0.0.1",
        extra: str = "") -> Answer:
    return ask(base, f"{method} {target} HTTP/1.1\r\nHost: {host}\r\n{extra}"
                     "Connection: close\r\n\r\n")


def assert_security_headers(answer: Answer) -> None:
    for name, value in SECURITY_HEADERS.items():
        assert answer.headers[name.lower()] == value, name


def refusal_json(status: int) -> dict:
    r = HTTP_REFUSALS[status]
    return {"error": f"{r.title}。{r.message}"}


@pytest.fixture(scope="module")
def base(session_index, serve_app):
    app = create_app({"INDEX_DIR": str(session_index)})
    with serve_app(app, threads=4) as url:
        yield url
    app.extensions["kirinuki.engine"].close()


def without_time(data: dict) -> dict:
    return {k: v for k, v in data.items() if k != "elapsed_ms"}


# ---------------------------------------------------------------- URLs as people type them

def readme_curl_examples() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"curl '(http://127\.0\.0\.1:5000/[^']+)'", text)


def test_the_readme_has_curl_examples_in_both_halves():
    examples = readme_curl_examples()
    assert len(examples) >= 2 and all(re.search(r"[^\x00-\x7f]", e) for e in examples)


@pytest.mark.parametrize("url", readme_curl_examples())
def test_raw_utf8_in_the_request_line_is_read_as_its_percent_encoded_form(base, url):
    target = url.removeprefix("http://127.0.0.1:5000")
    raw = get(base, target)  # the UTF-8 bytes as they are, as curl sends them
    encoded = get(base, quote(target, safe="/?&="))
    assert raw.status == encoded.status == 200
    assert without_time(raw.json()) == without_time(encoded.json())
    data = raw.json()
    assert data["query"] == "共同訓練" and data["total"] > 0
    assert [v["value"] for v in data["facets"]["country"] if v["selected"]] == ["フィリピン"]
    assert_security_headers(raw)


def test_raw_utf8_in_the_page_and_record_paths(base):
    page = get(base, "/?q=共同訓練")
    assert page.status == 200 and 'value="共同訓練"' in page.body.decode("utf-8")
    record = get(base, f"/api/records/{RECORD}?q=防衛")
    assert record.status == 200 and "<mark>防衛</mark>" in record.json()["summary_html"]
    missing = get(base, "/api/records/記事")
    assert missing.status == 404 and "記事" in missing.json()["error"]


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_curl_itself(base):
    """The README's example run by curl, as printed, but for the port."""
    url = readme_curl_examples()[-1].replace("http://127.0.0.1:5000", base)
    out = subprocess.run(["curl", "-sS", "-i", url], capture_output=True, timeout=60, check=True)
    head, _, body = out.stdout.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK\r\n")
    assert json.loads(body)["query"] == "共同訓練"


# ---------------------------------------------------------------- the server's own refusals

# (request head, path kind, status): what waitress refuses before Flask sees the request
LONG = "a" * 300_000
REFUSED = [
    ("GARBAGE\r\n\r\n", "page", 400),
    ("GET /api/search?q=a b HTTP/1.1\r\nHost: x\r\n\r\n", "api", 400),  # a raw space
    ("get /api/search HTTP/1.1\r\nHost: x\r\n\r\n", "api", 400),  # a lower-case method
    ("GET /?q=x HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n", "page", 400),
    ("GET /api/search HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n", "api", 400),
    ("GET /api/search HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", "api", 501),
    (f"GET /api/search HTTP/1.1\r\nHost: x\r\nX-Big: {LONG}\r\n\r\n", "api", 431),
    (f"GET /?q=x HTTP/1.1\r\nHost: x\r\nCookie: {LONG}\r\n\r\n", "page", 431),
]


def _short(value) -> str:
    """A test id: the head's start, line breaks as | (an id with control characters changes
    from one pytest session to the next, which mutation testing cannot follow)."""
    return value.replace("\r\n", "|")[:30] if isinstance(value, str) else str(value)


@pytest.mark.parametrize(("head", "kind", "status"), REFUSED, ids=_short)
def test_requests_waitress_refuses_get_the_apps_answer(base, head, kind, status):
    answer = ask(base, head)
    assert answer.status == status
    assert_security_headers(answer)
    assert answer.headers["connection"] == "close"
    assert int(answer.headers["content-length"]) == len(answer.body)
    r = HTTP_REFUSALS[status]
    if kind == "api":
        assert answer.json() == refusal_json(status)
    else:
        assert answer.headers["content-type"] == "text/html; charset=utf-8"
        html = answer.body.decode("utf-8")
        assert f'<h1 id="error-title">{r.title}</h1>' in html
        assert f"<p>{r.message}</p>" in html and f"HTTP {status}" in html
        assert '<a href="/">検索画面に戻る</a>' in html
        assert '<link rel="stylesheet" href="/static/kirinuki.css">' in html


URI_TOO_LONG = {"error": f"アドレスが長すぎます。アドレスは {MAX_REQUEST_LINE // 1024} KB 以内に"
                         "してください。検索語を短くするか、絞り込みの条件を減らしてください。"}


@pytest.mark.parametrize("size", [MAX_REQUEST_LINE + 1, 300_000, 4_000_000])
def test_a_url_over_the_limit_is_414_and_the_answer_arrives(base, size):
    target = "/api/search?q=" + "a" * (size - len("/api/search?q="))
    answer = get(base, target)
    assert answer.status == 414 and answer.reason == "URI Too Long"
    assert answer.json() == URI_TOO_LONG
    assert_security_headers(answer)


def test_a_url_at_the_limit_reaches_the_app(base):
    # the request line "GET <target> HTTP/1.1" is exactly MAX_REQUEST_LINE bytes
    target = "/api/search?q=" + "a" * (MAX_REQUEST_LINE - len("GET  HTTP/1.1")
                                       - len("/api/search?q="))
    answer = get(base, target)
    assert answer.status == 400  # the app's own limit on the query, with its own message
    assert answer.json()["error"].startswith("検索語が長すぎます")


def test_a_long_page_url_is_414_as_a_page_and_head_has_no_body(base):
    answer = get(base, "/?q=" + LONG)
    assert answer.status == 414 and answer.headers["content-type"] == "text/html; charset=utf-8"
    assert "<h1 id=\"error-title\">アドレスが長すぎます</h1>" in answer.body.decode("utf-8")
    head = get(base, "/api/search?q=" + LONG, method="HEAD")
    assert head.status == 414 and head.body == b""
    assert int(head.headers["content-length"]) == len(json.dumps(
        URI_TOO_LONG, ensure_ascii=False, separators=(",", ":")).encode()) + 1


def test_a_body_over_the_limit_is_413_before_it_is_read(base):
    body = b"x" * 200_000
    answer = ask(base, "GET /api/search HTTP/1.1\r\nHost: x\r\nContent-Length: "
                       f"{len(body)}\r\n\r\n".encode(), body)
    assert answer.status == 413 and answer.json() == refusal_json(413)


def test_the_connection_still_serves_after_a_good_request(base):
    """Keep-alive is untouched: two requests on one connection, then a refused one."""
    port = urlsplit(base).port
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall("GET /api/search?q=共同訓練 HTTP/1.1\r\nHost: x\r\n\r\n".encode()
                     + b"GET /api/records/nothing HTTP/1.1\r\nHost: x\r\n\r\n"
                     + b"get / HTTP/1.1\r\nHost: x\r\n\r\n")
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    statuses = re.findall(rb"^HTTP/1\.[01] (\d{3}) ", data, flags=re.M)
    assert statuses == [b"200", b"404", b"400"]


def test_both_content_length_and_chunked_close_the_connection(base):
    """RFC 9112, 6.1: a request with both framings is answered, then the connection closed;
    the second request on it (which a smuggler would hide in the body) is never read."""
    port = urlsplit(base).port
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(b"GET /api/search?q=NATO HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                     b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
                     b"GET /api/records/nothing HTTP/1.1\r\nHost: x\r\n\r\n")
        data = b""
        while chunk := sock.recv(65536):  # ends: the server closed the connection
            data += chunk
    assert re.findall(rb"^HTTP/1\.[01] (\d{3}) ", data, flags=re.M) == [b"200"]
    assert re.search(rb"^Connection: close\r$", data, flags=re.M | re.I)


def test_expect_100_continue_without_a_body_is_answered(base):
    """Found by the fuzz run: waitress sent "100 Continue" and never the answer."""
    answer = ask(base, "GET /api/search?q=NATO HTTP/1.1\r\nHost: x\r\n"
                       "Expect: 100-continue\r\nConnection: close\r\n\r\n")
    assert answer.status == 200 and answer.json()["total"] > 0


# ---------------------------------------------------------------- methods

@pytest.mark.parametrize("method", ["OPTIONS", "POST", "PUT", "DELETE", "PATCH", "TRACE"])
@pytest.mark.parametrize("path", ["/api/search", "/api/records/" + RECORD, "/api/nothing"])
def test_other_methods_are_405_with_allow_under_api(base, method, path):
    answer = get(base, path, method=method, extra="Content-Length: 0\r\n")
    assert answer.status == 405 and answer.headers["allow"] == "GET, HEAD"
    assert answer.json() == refusal_json(405)
    assert_security_headers(answer)


@pytest.mark.parametrize("method", ["OPTIONS", "POST", "DELETE"])
@pytest.mark.parametrize("path", ["/", "/records/" + RECORD, "/feed.atom", "/nothing", "*"])
def test_other_methods_are_405_pages_elsewhere(base, method, path):
    answer = get(base, path, method=method, extra="Content-Length: 0\r\n")
    assert answer.status == 405 and answer.headers["allow"] == "GET, HEAD"
    assert answer.headers["content-type"] == "text/html; charset=utf-8"
    assert f"<p>{HTTP_REFUSALS[405].message}</p>" in answer.body.decode("utf-8")
    assert_security_headers(answer)


def test_get_and_head_are_answered(base):
    got = get(base, "/api/search?q=NATO")
    head = get(base, "/api/search?q=NATO", method="HEAD")
    assert got.status == head.status == 200 and head.body == b""
    assert head.headers["content-type"] == got.headers["content-type"] == "application/json"


# ---------------------------------------------------------------- redirects

def test_doubled_slashes_under_api_redirect_with_a_json_body(base):
    answer = get(base, f"/api/records//{RECORD}?q=防衛", host=EVIL)
    assert answer.status == 308
    assert answer.headers["location"] == f"/api/records/{RECORD}?q=%E9%98%B2%E8%A1%9B"
    assert answer.json() == {
        "error": f"アドレスの「/」が重なっています。/api/records/{RECORD}?q=%E9%98%B2%E8%A1%9B "
                 "を使ってください。",
        "location": f"/api/records/{RECORD}?q=%E9%98%B2%E8%A1%9B"}
    assert_security_headers(answer)
    followed = get(base, answer.headers["location"])
    assert followed.status == 200 and followed.json()["record"]["id"] == RECORD


def test_doubled_slashes_on_pages_redirect_to_a_relative_location(base):
    answer = get(base, f"//records//{RECORD}", host=EVIL)
    assert answer.status == 308 and answer.headers["location"] == f"/records/{RECORD}"
    assert EVIL.encode() not in answer.body


# ---------------------------------------------------------------- links never from Host

def links_of(base: str, host: str) -> dict[str, list[str]]:
    """Every absolute link kirinuki writes: the API's url, the CSV's column, the Atom links."""
    record = get(base, f"/api/records/{RECORD}", host=host).json()
    rows = list(csv.reader(io.StringIO(
        get(base, "/export.csv?q=NATO", host=host).body.decode("utf-8-sig"))))
    feed = ET.fromstring(get(base, "/feed.atom?q=防衛&country=米国", host=host).body)
    own = [feed.find(f"{ATOM}id").text] + [link.get("href") for link in feed.findall(f"{ATOM}link")]
    entries = [(e.find(f"{ATOM}id").text, e.find(f"{ATOM}link").get("href"))
               for e in feed.findall(f"{ATOM}entry")]
    return {"api": [record["url"]], "csv": [row[-1] for row in rows[1:]], "atom": own,
            "entries": entries, "csv_ids": [row[0] for row in rows[1:]]}


@pytest.mark.parametrize("host", [EVIL, f"{EVIL}:443", "127.0.0.1:1"])
def test_a_hostile_host_header_never_reaches_a_link(base, host):
    links = links_of(base, host)
    assert links["api"] == [f"{base}/records/{RECORD}"]
    assert links["csv"] == [f"{base}/records/{quote(rid)}" for rid in links["csv_ids"]]
    assert len(links["csv"]) > 10
    feed_url = f"{base}/feed.atom?q=%E9%98%B2%E8%A1%9B&country=%E7%B1%B3%E5%9B%BD"
    assert links["atom"] == [feed_url, feed_url, f"{base}/?q=%E9%98%B2%E8%A1%9B"
                                                 "&country=%E7%B1%B3%E5%9B%BD"]
    assert links["entries"] and all(
        entry_id == link and re.fullmatch(rf"{re.escape(base)}/records/[\w%-]+", link)
        for entry_id, link in links["entries"])


def test_forwarded_host_headers_are_ignored_too(base):
    answer = get(base, f"/api/records/{RECORD}", host=EVIL,
                 extra=f"X-Forwarded-Host: {EVIL}\r\nX-Forwarded-Proto: https\r\n"
                       f"Forwarded: host={EVIL};proto=https\r\n")
    assert answer.json()["url"] == f"{base}/records/{RECORD}"


def test_a_configured_base_url_is_used(session_index, serve_app):
    app = create_app({"INDEX_DIR": str(session_index),
                      "BASE_URL": "https://kirinuki.example.org/clips/"})
    try:
        with serve_app(app, threads=2) as url:
            links = links_of(url, EVIL)
    finally:
        app.extensions["kirinuki.engine"].close()
    configured = "https://kirinuki.example.org/clips"
    assert links["api"] == [f"{configured}/records/{RECORD}"]
    assert links["csv"] == [f"{configured}/records/{quote(rid)}" for rid in links["csv_ids"]]
    assert links["atom"] == [f"{configured}/feed.atom?q=%E9%98%B2%E8%A1%9B"
                             "&country=%E7%B1%B3%E5%9B%BD"] * 2 + [
                             f"{configured}/?q=%E9%98%B2%E8%A1%9B&country=%E7%B1%B3%E5%9B%BD"]
    assert links["entries"] and all(link.startswith(f"{configured}/records/")
                                    for _, link in links["entries"])


@pytest.mark.parametrize("bad", ["example.org", "ftp://example.org", "https://", "https://a/?x=1",
                                 "https://a/#x", "https://user@a/", "https://a b/"])
def test_an_unusable_base_url_stops_the_start(session_index, bad):
    with pytest.raises(ValueError, match="BASE_URL は https://example.org/kirinuki のような"):
        create_app({"INDEX_DIR": str(session_index), "BASE_URL": bad})


# ---------------------------------------------------------------- CSV formulas

@pytest.mark.parametrize("first", ["=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠",
                                   "﹦", "﹢", "﹣", "﹫"])
def test_every_formula_start_is_neutralised(first):
    assert csv_cell(f"{first}SUM(A1)") == f"'{first}SUM(A1)"


@pytest.mark.parametrize("text", ["防衛", "SUM(A1)", " =1", "「＝」", "ー長音", "―", "‐", "'=1"])
def test_other_cells_are_left_alone(text):
    assert csv_cell(text) == text


# ---------------------------------------------------------------- manage.py serve

def serve_command(index: Path, port: int, *more: str) -> list[str]:
    return [sys.executable, "manage.py", "--index", str(index), "serve", "--port", str(port),
            *more]


def test_serve_on_a_busy_port_says_so_and_exits(session_index):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(serve_command(session_index, port), cwd=ROOT,
                              capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == (f"error: ポート {port} は別のプログラムが使っています"
                           f"(127.0.0.1:{port})。--port {port + 1} のように別のポートを指定"
                           "するか、そのプログラムを止めてください。\n")


# Ctrl-C as a terminal delivers it: a suite started in the background by a non-interactive
# shell (`sh -c '… &'`) ignores SIGINT, and a process inherits that; the server is started
# with SIGINT's default restored, as an interactive shell would start it.
WITH_CTRL_C = ("import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); "
               "os.execv(sys.argv[1], sys.argv[1:])")


def test_serve_runs_make_server_and_stops_on_ctrl_c(session_index):
    command = serve_command(session_index, 0, "--base-url", "http://clips.test/")
    proc = subprocess.Popen([sys.executable, "-c", WITH_CTRL_C, *command],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        match = re.fullmatch(r"serving on (http://127\.0\.0\.1:(\d+))  \(Ctrl-C to stop\)\n",
                             line)
        assert match, line
        url = match.group(1)
        answer = get(url, f"/api/records/{RECORD}?q=共同訓練", host=EVIL)
        assert answer.status == 200 and answer.json()["url"] == f"http://clips.test/records/{RECORD}"
        assert get(url, "/api/search", method="OPTIONS").status == 405
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            out, err = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:  # say so, and leave no process or pipe behind
            proc.kill()
            out, err = proc.communicate()
            pytest.fail(f"the server did not stop within 60 s of Ctrl-C; it wrote: {err[-3000:]}")
    assert proc.returncode == 0, err
    assert "Traceback" not in err
