"""The fuzz run: thousands of generated, hostile requests against the real server.

    python benchmarks/fuzz.py [--n 10000] [--seed 1] [--clients 4] [--adversarial]
                              [--idle 200] [--out FILE]

Starts ``manage.py serve`` as a process on a free port of 127.0.0.1 over the bundled corpus
(the index is built first into a fresh folder, or ``--index`` is used), reads the records'
ids and facet values from it, then sends ``--n`` requests made from ``--seed`` (the same
requests every run) over plain sockets, so that anything can be sent: arbitrary query text
(control characters, lone surrogates, bidi marks, emoji, full-width syntax), syntax bombs
at and past the documented limits (1000 characters, 400 term look-ups, 24 phrase words,
32 nesting levels), bad parameters, raw percent-encoding and raw bytes, odd methods and
headers, across the page, /api/search, /api/records/<id>, /records/<id>, CSV, Atom and
other paths.

Each answer is checked: the status (5xx, no answer: reset, closed, timeout), the security
headers, an error that says what to change (JSON ``error`` under /api/, the error page's
message, the text of a CSV/Atom refusal), a 200 that is what it claims to be, and no
traceback. Answers that waitress gives by itself (raw bytes in the request line, "400 Bad
URI") are counted apart: that layer is not the app's. The server's log is searched for
tracebacks afterwards, and the server must still answer. Prints a table (status counts,
failures and p50/p95/p99/max latency per category, the slowest requests) and writes
everything to ``--out`` (default ``benchmarks/results/<date>-fuzz[-adversarial]-N<n>.json``);
exits 1 when anything failed.

``--adversarial`` serves the bundled corpus with the 20 pathological clippings of
``benchmarks/adversarial.py`` (100,000-character summaries, a word 33,334 times, a title of
40,000 characters); ``--idle 200`` holds 200 silent connections open meanwhile.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import re
import socket
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
for path in (str(ROOT), str(BENCH)):
    if path not in sys.path:
        sys.path.insert(0, path)

from scale import Server, code_version, free_port, pct  # noqa: E402

from web import SECURITY_HEADERS  # noqa: E402

# What the README documents (Limits): requests are made at and just past each.
MAX_QUERY_CHARS, MAX_PHRASE_WORDS, MAX_DEPTH = 1000, 24, 32
CATEGORIES = ("query", "page", "csv", "atom", "bomb", "params", "percent", "records",
              "methods", "headers", "routes", "raw_request_line", "http_layer")
# How many of every 100 requests each category gets.
WEIGHTS = {"query": 22, "page": 9, "csv": 5, "atom": 5, "bomb": 16, "params": 15,
           "percent": 8, "records": 8, "methods": 3, "headers": 3, "routes": 2,
           "raw_request_line": 2, "http_layer": 2}
# Requests that waitress itself judges before the app sees them (raw bytes in the request
# line, malformed methods, versions and headers): counted apart, since that layer is being
# changed separately. Anywhere else an answer from waitress itself is a failure.
HTTP_LAYER = ("raw_request_line", "http_layer")
HTTP_LAYER_TIMEOUT = 5.0  # Expect: 100-continue without a body waits for the idle timeout

SYNTAX = ["(", ")", '"', "「", "」", "『", "』", "“", "”", "-", "OR", "AND", "NOT", "|", ":",
          "（", "）", "＂", "ＯＲ", "－", "：", "title:", "country:", "org:", "source:",
          "collection:", "date:", "見出し:", "foo:", "date:2024", "date:9999-12-31",
          "date:..", "date:2024..2023", "-(", '-"', " ", " ", " ", "\u3000", "\t", "\n"]
WORDS = ["米国", "NATO", "イタリア", "空母", "防衛装備移転", "日米豪比", "の", "共同訓練",
         "ＮＡＴＯ", "フィリピン", "-イタリア", "米", "ﾃｽﾄ", "𠮷", "e\u0301", "情報保護協定"]
ODD = ["\x00", "\x1b", "\x7f", "\u200b", "\u200d", "\u200e", "\u200f", "\u202e", "\u2066",
       "\ufeff", "\ufffd", "\uffff", "\U0010ffff", "\ud800", "\udfff", "\udcff", "🇯🇵",
       "👨\u200d👩\u200d👧", "ﷺ", "㌀", "①", "½", "<script>", "&amp;", "'", "\\", "%", "+"]
RAW_VALUES = ["%FF", "%FE%FF", "%ED%A0%80", "%ED%B0%80", "%C0%AF", "%C3%28", "%E3%81",
              "%F0%28%8C%BC", "%F4%90%80%80", "%00", "%", "%G1", "%%", "%2", "%25FF", "+",
              "%2B", "%26", "%3D", "%0D%0A", "%E5%85%B1%E5%90%8C"]
NUMBERS = ["0", "-1", "-0", "1", "2", "00001", "99", "100", "101", "1000000", "9" * 8,
           "99999999999999999999", "1" * 5000, "1e3", "0x10", "NaN", "Infinity", "1.5",
           " 3 ", "３", "١٢", "+1", "", "%00", "%FF"]


# ------------------------------------------------------------------ requests

@dataclass
class Request:
    """One request: its category, and the bytes that go over the wire."""

    category: str
    method: str
    target: str  # as sent (for the report; raw bytes shown escaped)
    raw: bytes = field(repr=False, default=b"")

    def to_dict(self) -> dict:
        return {"category": self.category, "method": self.method, "target": self.target[:300]}


def _encode(text: str) -> str:
    """Percent-encoding even for lone surrogates (their three UTF-8-style bytes)."""
    return quote(text, safe="", errors="surrogatepass")


def _wire(method: str, target: bytes, headers: list[tuple[str, str]] | None = None,
          body: bytes = b"", version: bytes = b"HTTP/1.1") -> bytes:
    lines = [method.encode("latin-1") + b" " + target + b" " + version]
    have = {k.lower() for k, _ in headers or []}
    if "host" not in have:
        lines.append(b"Host: 127.0.0.1")
    if "connection" not in have:
        lines.append(b"Connection: close")
    for k, v in headers or []:
        lines.append(k.encode("latin-1") + b": " + v.encode("utf-8", "surrogatepass"))
    if body and "content-length" not in have:
        lines.append(b"Content-Length: " + str(len(body)).encode())
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def _get(category: str, target: str, headers=None) -> Request:
    return Request(category, "GET", target, _wire("GET", target.encode("ascii"), headers))


class Generator:
    """Every request from one seeded random source: the same list on every run."""

    def __init__(self, seed: int, ids: list[str], facets: dict[str, list[str]]) -> None:
        self.r = random.Random(seed)
        self.ids = ids or ["2508-073110"]
        self.facets = facets

    # -- text
    def char(self) -> str:
        r = self.r
        pick = r.random()
        if pick < 0.5:
            return chr(r.randint(0x20, 0x7E))
        if pick < 0.7:
            return chr(r.choice([r.randint(0x3040, 0x30FF), r.randint(0x4E00, 0x9FFF)]))
        if pick < 0.8:
            return chr(r.randint(0xD800, 0xDFFF))  # a lone surrogate
        return chr(r.randint(0, 0x10FFFF))

    def text(self, pieces: int | None = None) -> str:
        r = self.r
        out = []
        for _ in range(r.randint(0, 12) if pieces is None else pieces):
            kind = r.random()
            if kind < 0.3:
                out.append(r.choice(WORDS))
            elif kind < 0.6:
                out.append(r.choice(SYNTAX))
            elif kind < 0.75:
                out.append(r.choice(ODD))
            else:
                out.append("".join(self.char() for _ in range(r.randint(1, 5))))
        return r.choice(["", " "]).join(out)

    def katakana_words(self, n: int) -> list[str]:
        """Made-up katakana words (one term each), none twice."""
        kana = [chr(c) for c in range(0x30A2, 0x30F3)]
        words: set[str] = set()
        while len(words) < n:
            words.add("".join(self.r.choice(kana) for _ in range(4)))
        return sorted(words)

    def bomb(self) -> str:
        """Syntax at and past the documented limits."""
        r = self.r
        w = r.choice(WORDS[:6])
        k = r.choice([MAX_DEPTH - 1, MAX_DEPTH, MAX_DEPTH + 1, 327, 400, 499, 950, 999])
        choice = r.randrange(16)
        if choice == 0:
            return "(" * k + w + ")" * k
        if choice == 1:
            return "-" * k + w
        if choice == 2:
            return ("NOT " * k + w)[:r.choice([1000, 1001, 4000])]
        if choice == 3:
            return '"' * r.choice([998, 999, 1000, 1001])
        if choice == 4:
            return "「" * k + w + "」" * r.choice([0, k])
        if choice == 5:
            return (r.choice(["OR ", "AND ", "| "]) * k)[:1000]
        if choice == 6:
            return (r.choice(["country:", "title:", "org:", "source:", "date:", "foo:"]) * k
                    + w)[:r.choice([1000, 1200])]
        if choice == 7:
            return ("-(" * k + w + ")" * k)[:1000]
        if choice == 8:  # the length limit
            return "あ" * r.choice([MAX_QUERY_CHARS - 1, MAX_QUERY_CHARS, MAX_QUERY_CHARS + 1,
                                   5000])
        if choice == 9:  # the term limit: a plain word searches four fields
            return " ".join(self.katakana_words(r.choice([60, 99, 100, 101, 150])))
        if choice == 10:  # the phrase limit
            n = r.choice([MAX_PHRASE_WORDS - 1, MAX_PHRASE_WORDS, MAX_PHRASE_WORDS + 1, 60])
            return '"' + " ".join(self.katakana_words(n)) + '"'
        if choice == 11:  # synonyms expanded: 米国 brings its group
            return " OR ".join(["米国", "アメリカ", "NATO", "日米豪比"] * r.choice([10, 40]))
        if choice == 12:
            return "防衛装備移転" * r.choice([20, 100, 166])
        if choice == 13:
            return "".join(r.choice(["(", ")", '"', "-", "「", "」", " OR ", " NOT "])
                           for _ in range(r.choice([100, 500, 1000])))
        if choice == 14:
            return ("(" * k)[:1000]
        return ("（" * k + w + "）" * k)[:1001]

    def facet_value(self) -> str:
        r = self.r
        pick = r.random()
        key = r.choice(list(self.facets))
        if pick < 0.6 and self.facets[key]:
            return r.choice(self.facets[key])
        if pick < 0.8:
            return self.text(2)
        return r.choice(["火星", "", " ", "x" * 201, "米国" * 40, "%", "\x00", "\ud800"])

    def search_params(self, q: str | None = None) -> list[tuple[str, str]]:
        """A query and, now and then, sane filters."""
        r = self.r
        params = [("q", self.text() if q is None else q)]
        if r.random() < 0.3:
            params.append(("country", r.choice(self.facets.get("country") or ["米国"])))
        if r.random() < 0.2:
            params.append(("sort", r.choice(["relevance", "newest", "oldest"])))
        if r.random() < 0.15:
            params.append(("year", r.choice(self.facets.get("year") or ["2024"])))
        if r.random() < 0.1:
            params.append(("page", r.choice(["1", "2"])))
        r.shuffle(params)
        return params

    def bad_params(self) -> list[tuple[str, str]]:
        r = self.r
        names = ["q", "source", "country", "org", "collection", "year", "month", "from", "to",
                 "sort", "page", "page_size", "foo", "Q", "q[]", "", "callback", "format"]
        params: list[tuple[str, str]] = [("q", r.choice(["", "米国", self.text(2)]))]
        for _ in range(r.randint(1, 5)):
            name = r.choice(names)
            if name in ("page", "page_size"):
                value = r.choice(NUMBERS)
            elif name in ("from", "to"):
                value = r.choice(["2024", "2024-06", "2024-06-31", "9999-12-31", "0000",
                                  "2024..2025", "abc", "", "20240601", self.text(1)])
            elif name == "sort":
                value = r.choice(["relevance", "newest", "oldest", "best", "", "NEWEST"])
            else:
                value = self.facet_value()
            params.append((name, value))
        if r.random() < 0.3:  # one facet named many times: duplicates and unknown values
            name = r.choice(["source", "country", "org", "collection", "year", "month"])
            params += [(name, self.facet_value()) for _ in range(r.choice([2, 10, 50, 51, 80]))]
        return params

    @staticmethod
    def qs(params: list[tuple[str, str]]) -> str:
        return urlencode(params, quote_via=quote, errors="surrogatepass")

    # -- categories
    def make(self, category: str) -> Request:
        r = self.r
        if category == "query":
            return _get(category, "/api/search?" + self.qs(self.search_params()))
        if category == "page":
            return _get(category, "/?" + self.qs(self.search_params()))
        if category == "csv":
            return _get(category, "/export.csv?" + self.qs(
                self.search_params() if r.random() < 0.7 else self.bad_params()))
        if category == "atom":
            return _get(category, "/feed.atom?" + self.qs(
                self.search_params() if r.random() < 0.7 else self.bad_params()))
        if category == "bomb":
            where = r.choice(["/api/search", "/api/search", "/", "/export.csv", "/feed.atom",
                              f"/api/records/{_encode(r.choice(self.ids))}",
                              f"/records/{_encode(r.choice(self.ids))}"])
            return _get(category, where + "?" + self.qs(self.search_params(self.bomb())))
        if category == "params":
            where = r.choice(["/api/search", "/api/search", "/", "/export.csv", "/feed.atom"])
            return _get(category, where + "?" + self.qs(self.bad_params()))
        if category == "percent":
            return _get(category, self.percent_target())
        if category == "records":
            return _get(category, self.record_target())
        if category == "methods":
            return self.method_request()
        if category == "headers":
            return self.header_request()
        if category == "routes":
            return _get(category, r.choice([
                "/static/kirinuki.css", "/static/kirinuki.js", "/static/favicon.svg",
                "/static/nope.css", "/static/../manage.py", "/static/%2e%2e/manage.py",
                "/api", "/api/", "/api/nope", "/api/records", "/api/records/", "/records/",
                "/api/records//x", "//", "///api/search", "/search", "/index.html",
                "/.git/config", "/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd",
                "/" + "a" * 2000, "/api/search/" + "x" * 8000, "/favicon.ico", "/robots.txt",
                "/api/search?" + "&".join(["q=x"] * 500), "/?" + "&" * 2000, "/?=&=&=",
                "/api/search;jsessionid=1", "/api/search%3Fq=x", "/export.csv/x",
                "/feed.atom?q=" + "%" * 500]))
        if category == "raw_request_line":
            return self.raw_request_line()
        if category == "http_layer":
            return self.http_layer_request()
        raise ValueError(category)

    def percent_target(self) -> str:
        r = self.r
        value = "".join(r.choice(RAW_VALUES + ["x", "米"]) for _ in range(r.randint(1, 6)))
        value = value.replace("米", "%E7%B1%B3")
        name = r.choice(["q", "q", "country", "source", "page", "page_size", "from", "sort",
                         "%FF", "q%00", "%ED%A0%80"])
        where = r.choice(["/api/search", "/", "/export.csv", "/feed.atom"])
        if r.random() < 0.2:
            return r.choice(["/api/records/", "/records/"]) + value
        if r.random() < 0.1:
            return "/" + value
        return f"{where}?{name}={value}"

    def record_target(self) -> str:
        r = self.r
        prefix = r.choice(["/api/records/", "/records/"])
        pick = r.random()
        if pick < 0.5:
            rid = _encode(r.choice(self.ids))
        elif pick < 0.8:
            rid = _encode(self.text(2) or "x")
        else:
            rid = r.choice(["..%2F..%2Fetc%2Fpasswd", "%23", "a/b/c", "%00", "x" * 3000,
                            "whitepaper-2025%2338", "whitepaper-2025#38", "%FF", "%2F"])
        target = prefix + rid
        if r.random() < 0.4:
            target += "?" + self.qs([("q", r.choice([self.text(), self.bomb()]))])
        return target

    def method_request(self) -> Request:
        r = self.r
        method = r.choice(["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "HEAD",
                           "HEAD", "BREW", "PROPFIND", "CONNECT"])
        target = r.choice(["/", "/api/search?q=米国", "/api/records/" + _encode(
            r.choice(self.ids)), "/export.csv", "/feed.atom", "/static/kirinuki.css",
            "/api/nope"])
        if method == "CONNECT":
            target = "127.0.0.1:80"
        body = b""
        headers: list[tuple[str, str]] = []
        if method in ("POST", "PUT", "PATCH") and r.random() < 0.7:
            body = r.choice([b"q=x", b'{"q": "x"}', b"\x00" * 100, b"a" * 70_000])
            headers.append(("Content-Type", r.choice(["application/x-www-form-urlencoded",
                                                      "application/json", "text/plain"])))
        raw = _wire(method, target.encode("ascii") if target.isascii() else
                    quote(target, safe="/?=&:").encode(), headers, body)
        return Request("methods", method, target, raw)

    def header_request(self) -> Request:
        """Odd but well-formed headers: they reach the app."""
        r = self.r
        target = r.choice(["/", "/api/search?q=NATO", "/feed.atom", "/export.csv?q=NATO",
                           "/api/records/" + _encode(r.choice(self.ids))])
        choice = r.randrange(10)
        headers: list[tuple[str, str]] = []
        if choice == 0:
            headers = [("Host", r.choice(["evil.example", "", "a" * 300, "127.0.0.1:1",
                                          "[::1]", "xn--fsq.example"]))]
        elif choice == 1:
            headers = [("X-Long", "a" * r.choice([8000, 60_000]))]
        elif choice == 2:
            headers = [(f"X-H{i}", str(i)) for i in range(r.choice([100, 300]))]
        elif choice == 3:
            headers = [("Accept", r.choice(["application/json", "*/*", "text/html;q=0",
                                            "nonsense", ""])),
                       ("Accept-Language", r.choice(["en", "ja", "*", "x" * 100]))]
        elif choice == 4:
            headers = [("Range", r.choice(["bytes=0-10", "bytes=-5", "bytes=9999999-",
                                           "bytes=abc"]))]
        elif choice == 5:
            headers = [("If-None-Match", "*"), ("If-Modified-Since", "garbage")]
        elif choice == 6:
            headers = [("X-Forwarded-For", "1.2.3.4, evil"), ("X-Forwarded-Host", "evil"),
                       ("X-Forwarded-Proto", "gopher")]
        elif choice == 7:
            headers = [("Cookie", "session=" + "x" * 4000 + "; a=%01")]
        elif choice == 8:
            headers = [("X-Japanese", "共同訓練")]  # UTF-8 bytes in a header value
        else:
            headers = [("Accept-Encoding", r.choice(["gzip", "br", "x" * 500, "identity;q=0"]))]
        raw = _wire("GET", target.encode("ascii"), headers)
        return Request("headers", "GET", f"{target} [{headers[0][0]}]", raw)

    def http_layer_request(self) -> Request:
        """Malformed at the HTTP level: waitress answers (or waits) before the app."""
        r = self.r
        target = r.choice(["/", "/api/search?q=NATO", "/feed.atom"])
        choice = r.randrange(7)
        headers: list[tuple[str, str]] = []
        method, version, tail = "GET", b"HTTP/1.1", b""
        if choice == 0:
            method = r.choice(["get", "Get", "G ET", "GET\x00"])
        elif choice == 1:
            version = r.choice([b"HTTP/2.0", b"HTTP/9.9", b"HTTPS/1.1", b"HTTP/1"])
        elif choice == 2:
            headers = [("Cookie", "a=\x01b")]  # a control character in a header
        elif choice == 3:
            headers = [("Content-Length", r.choice(["-1", "abc", "99999999999", "5, 6"]))]
        elif choice == 4:
            headers = [("Transfer-Encoding", "chunked")]
            tail = b"zz\r\nnot a chunk\r\n"
        elif choice == 5:
            headers = [("Expect", "100-continue")]  # and no body
        else:
            headers = [("No colon here", "")]
        raw = _wire(method, target.encode("ascii"), headers, version=version) + tail
        if choice == 6:
            raw = raw.replace(b"No colon here: ", b"No colon here")
        label = f"{target} [{method} {version.decode()} {headers[0][0] if headers else ''}]"
        return Request("http_layer", method, label, raw)

    def raw_request_line(self) -> Request:
        """Bytes in the request line as a terminal's curl sends them (not percent-encoded)."""
        r = self.r
        kind = r.randrange(4)
        if kind == 0:  # UTF-8, as in the README's curl example
            target = "/api/search?q=" + r.choice(WORDS[:6]) + "&country=" + r.choice(
                self.facets.get("country") or ["米国"])
            raw_target = target.encode("utf-8")
        elif kind == 1:  # not UTF-8 at all
            raw_target = b"/api/search?q=" + bytes(r.randint(0x80, 0xFF) for _ in range(3))
            target = raw_target.decode("latin-1")
        elif kind == 2:  # control characters
            raw_target = b"/?q=a" + bytes([r.choice([1, 8, 0x7F, 0x1B])]) + b"b"
            target = raw_target.decode("latin-1")
        else:  # a path in UTF-8
            rid = r.choice(["記事", "whitepaper-2025#38", "國"])
            raw_target = ("/records/" + rid).encode("utf-8")
            target = raw_target.decode("utf-8")
        return Request("raw_request_line", "GET", target, _wire("GET", raw_target))


def build_requests(n: int, seed: int, ids: list[str], facets: dict[str, list[str]]
                   ) -> list[Request]:
    """``n`` requests, every category in its share (at least one each), in a seeded order."""
    gen = Generator(seed, ids, facets)
    total = sum(WEIGHTS.values())
    counts = {c: max(1, n * WEIGHTS[c] // total) for c in CATEGORIES}
    counts["query"] += n - sum(counts.values())
    plan = [c for c in CATEGORIES for _ in range(counts[c])]
    gen.r.shuffle(plan)
    return [gen.make(c) for c in plan]


# ------------------------------------------------------------------ sending and checking

@dataclass
class Answer:
    status: int | None  # None: no answer
    problem: str | None = None  # reset, closed, timeout
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    ms: float = 0.0


def send(port: int, raw: bytes, timeout: float) -> Answer:
    """One request on its own connection; the answer read to the end. Never raises."""
    started = time.perf_counter()
    data = b""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
            # the server may answer and close before reading everything
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                sock.sendall(raw)
            sock.settimeout(timeout)
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                data += chunk
    except TimeoutError:
        return Answer(None, "timeout", ms=(time.perf_counter() - started) * 1000)
    except ConnectionResetError:
        if not data:
            return Answer(None, "reset", ms=(time.perf_counter() - started) * 1000)
    except OSError as exc:
        return Answer(None, f"{type(exc).__name__}", ms=(time.perf_counter() - started) * 1000)
    ms = (time.perf_counter() - started) * 1000
    if not data:
        return Answer(None, "closed without an answer", ms=ms)
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    m = re.match(rb"HTTP/\d\.\d (\d{3})", lines[0])
    if not m:
        return Answer(None, "not HTTP", ms=ms)
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        headers[name.decode("latin-1").strip().lower()] = value.decode("latin-1").strip()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body = _unchunk(body)
    encoding = headers.get("content-encoding", "").lower()
    if encoding:  # the server compresses what the client accepts: judged as the client reads it
        try:
            body = decode(body, encoding)
        except Exception:  # noqa: BLE001 - an answer that does not decode is itself judged
            return Answer(None, f"body not {encoding}", ms=ms)
    return Answer(int(m.group(1)), headers=headers, body=body, ms=ms)


def decode(body: bytes, encoding: str) -> bytes:
    """A body as sent with Content-Encoding ``encoding`` (gzip, br, deflate, zstd), decoded."""
    import gzip
    import zlib

    if encoding == "gzip":
        return gzip.decompress(body)
    if encoding == "deflate":
        return zlib.decompress(body)
    if encoding == "br":
        import brotli

        return brotli.decompress(body)
    if encoding == "zstd":
        from backports import zstd

        return zstd.decompress(body)
    raise ValueError(encoding)


def _unchunk(body: bytes) -> bytes:
    out, rest = b"", body
    while rest:
        size_line, _, rest = rest.partition(b"\r\n")
        try:
            size = int(size_line.split(b";")[0], 16)
        except ValueError:
            break
        if size == 0:
            break
        out, rest = out + rest[:size], rest[size + 2:]
    return out


_WAITRESS = re.compile(rb"\r\n\r\n\(generated by [^)\r\n]*\)$")


def by_waitress(ans: Answer) -> bool:
    """An answer waitress made itself (its error bodies end "(generated by <ident>)")."""
    return ans.status is not None and bool(_WAITRESS.search(ans.body))


_PAGE_MESSAGE = re.compile(r'<h1 id="error-title">[^<]+</h1>\s*<p>\s*([^<\s][^<]*)</p>')


def judge(req: Request, ans: Answer) -> list[str]:
    """What is wrong with this answer (empty: nothing)."""
    if req.category in HTTP_LAYER:
        return []  # the HTTP layer's own answers: counted apart, not judged here
    if ans.status is None:
        return [f"no answer ({ans.problem})"]
    problems = ["answered by waitress, not the app"] if by_waitress(ans) else []
    if ans.status >= 500:
        problems.append(f"HTTP {ans.status}")
    if b"Traceback (most recent call last)" in ans.body:
        problems.append("traceback in the body")
    missing = [h for h in SECURITY_HEADERS if h.lower() not in ans.headers]
    if missing:
        problems.append("missing security headers")
    if req.method.upper() == "HEAD" or 300 <= ans.status < 400 or ans.status == 304:
        return problems
    path = req.target.split("?", 1)[0]
    kind = ans.headers.get("content-type", "").split(";")[0].strip()
    text = ans.body.decode("utf-8", "replace")
    if ans.status >= 400:
        if path.startswith("/api/") or path == "/api":
            try:
                message = json.loads(text).get("error")
            except (ValueError, AttributeError):
                message = None
            if not (isinstance(message, str) and message.strip()):
                problems.append("error without a JSON message")
        elif kind == "text/plain":
            if not text.strip():
                problems.append("error without a message")
        elif not _PAGE_MESSAGE.search(text):
            problems.append("error page without a message")
    elif ans.status == 200 and req.method.upper() == "GET":
        if path == "/api/search" and '"results"' not in text:
            problems.append("200 without results")
        elif path == "/export.csv" and not ans.body.startswith(b"\xef\xbb\xbfid,"):
            problems.append("200 that is not the CSV")
        elif path == "/feed.atom" and not ans.body.startswith(b"<?xml"):
            problems.append("200 that is not the feed")
    return problems


def run_requests(port: int, requests: list[Request], clients: int, timeout: float,
                 log=print) -> list[dict]:
    """Send every request (``clients`` at a time); one row per request, in request order."""
    rows: list[dict | None] = [None] * len(requests)
    lock = threading.Lock()
    state = {"next": 0}

    def worker() -> None:
        while True:
            with lock:
                i = state["next"]
                if i >= len(requests):
                    return
                state["next"] = i + 1
            req = requests[i]
            ans = send(port, req.raw, HTTP_LAYER_TIMEOUT if req.category in HTTP_LAYER
                       else timeout)
            rows[i] = {**req.to_dict(), "status": ans.status, "problem": ans.problem,
                       "ms": round(ans.ms, 2), "failures": judge(req, ans),
                       "by_waitress": by_waitress(ans)}
            if (i + 1) % 1000 == 0:
                log(f"  {i + 1} / {len(requests)}")

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return [r for r in rows if r is not None]


# ------------------------------------------------------------------ figures

def summarise(rows: list[dict]) -> dict:
    by_cat: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_cat[row["category"]].append(row)

    def figures(rs: list[dict]) -> dict:
        ms = [r["ms"] for r in rs if r["status"] is not None]
        failures = Counter(f for r in rs for f in r["failures"])
        return {
            "requests": len(rs),
            "statuses": dict(sorted(Counter(str(r["status"] or r["problem"])
                                            for r in rs).items())),
            "5xx": sum(1 for r in rs if (r["status"] or 0) >= 500),
            "no_answer": sum(1 for r in rs if r["status"] is None),
            "by_waitress": sum(1 for r in rs if r["by_waitress"]),
            "failed": sum(1 for r in rs if r["failures"]),
            "failures": dict(failures),
            "p50_ms": pct(ms, 0.5), "p95_ms": pct(ms, 0.95), "p99_ms": pct(ms, 0.99),
            "max_ms": max(ms) if ms else None,
        }

    out = {c: figures(by_cat[c]) for c in CATEGORIES if by_cat[c]}
    if "methods" in out:  # what each method is answered
        methods: dict[str, Counter] = defaultdict(Counter)
        for r in by_cat["methods"]:
            methods[r["method"]][str(r["status"] or r["problem"])] += 1
        out["methods"]["by_method"] = {m: dict(c) for m, c in sorted(methods.items())}
    app_rows = [r for r in rows if r["category"] not in HTTP_LAYER]
    out["app"] = figures(app_rows)
    out["all"] = figures(rows)
    return out


def table(summary: dict) -> str:
    head = (f"{'category':<17}{'requests':>9}{'2xx':>6}{'3xx':>5}{'4xx':>6}{'5xx':>5}"
            f"{'no ans':>7}{'waitress':>9}{'failed':>7}{'p50 ms':>8}{'p95 ms':>8}"
            f"{'p99 ms':>8}{'max ms':>9}")
    lines = [head, "-" * len(head)]
    for name, f in summary.items():
        st = Counter()
        for status, n in f["statuses"].items():
            st[status[0] + "xx" if status.isdigit() else "none"] += n
        lines.append(
            f"{name:<17}{f['requests']:>9}{st['2xx']:>6}{st['3xx']:>5}{st['4xx']:>6}"
            f"{f['5xx']:>5}{f['no_answer']:>7}{f['by_waitress']:>9}{f['failed']:>7}"
            f"{_ms(f['p50_ms']):>8}{_ms(f['p95_ms']):>8}{_ms(f.get('p99_ms')):>8}"
            f"{_ms(f['max_ms']):>9}")
    return "\n".join(lines)


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


# ------------------------------------------------------------------ the run

def read_index(port: int, timeout: float) -> tuple[list[str], dict[str, list[str]]]:
    """Every record id and facet value the server has, through its own API."""
    ids: list[str] = []
    facets: dict[str, list[str]] = {}
    page = 1
    while True:
        ans = send(port, _wire("GET", f"/api/search?page_size=100&page={page}".encode()),
                   timeout)
        if ans.status != 200:
            raise RuntimeError(f"listing the records: HTTP {ans.status} {ans.problem or ''}")
        body = json.loads(ans.body)
        ids += [h["id"] for h in body["results"]]
        if page == 1:
            facets = {k: [v["value"] for v in vs] for k, vs in body["facets"].items()}
        if page >= body["pages"]:
            return ids, facets
        page += 1


class IdleConnections:
    """``n`` connections to the server that send nothing, held open for the whole run: each
    one the server closes (its idle timeout) is opened again at once."""

    def __init__(self, port: int, n: int) -> None:
        self.port, self.n = port, n
        self.opened = 0
        self.failed = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._hold, daemon=True)

    def __enter__(self) -> IdleConnections:
        if self.n:
            self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self.n:
            self._thread.join()

    def _connect(self) -> socket.socket | None:
        try:
            sock = socket.create_connection(("127.0.0.1", self.port), timeout=5)
        except OSError:
            self.failed += 1
            return None
        sock.setblocking(False)
        self.opened += 1
        return sock

    def _hold(self) -> None:
        socks: list[socket.socket | None] = [self._connect() for _ in range(self.n)]
        while not self._stop.wait(0.2):
            for i, sock in enumerate(socks):
                if sock is not None:
                    try:
                        if sock.recv(1) == b"":  # closed by the server
                            sock.close()
                            sock = None
                    except BlockingIOError:
                        continue  # still open, nothing said
                    except OSError:
                        sock.close()
                        sock = None
                socks[i] = sock or self._connect()
        for sock in socks:
            if sock is not None:
                sock.close()

    def figures(self) -> dict:
        return {"held": self.n, "opened": self.opened, "refused": self.failed}


def slowest(rows: list[dict], k: int = 20) -> list[dict]:
    """The ``k`` slowest answered requests, slowest first."""
    answered = [r for r in rows if r["status"] is not None]
    return sorted(answered, key=lambda r: -r["ms"])[:k]


def run(n: int = 10_000, seed: int = 1, clients: int = 4, timeout: float = 30.0,
        corpus: str | Path | None = None, index: str | Path | None = None,
        work: str | Path | None = None, log=print, idle: int = 0,
        adversarial: bool = False) -> dict:
    """Serve, fuzz, check the server's log and that it still answers; the result object.

    ``idle``: connections held open and silent meanwhile; ``adversarial``: serve the bundled
    corpus with the pathological clippings of ``benchmarks/adversarial.py``."""
    work = Path(work) if work else Path(tempfile.mkdtemp(prefix="kirinuki-fuzz-"))
    work.mkdir(parents=True, exist_ok=True)
    if adversarial:
        import adversarial as adv

        corpus = adv.write(work / "corpus")
    corpus = Path(corpus) if corpus else ROOT / "data" / "corpus"
    index = Path(index) if index else work / "index"
    port = free_port()
    server = Server(corpus, index, port, work / "server.log")
    result: dict = {"n": n, "seed": seed, "clients": clients, "timeout_s": timeout,
                    "started": time.strftime("%Y-%m-%d %H:%M:%S"), "code": code_version(),
                    "corpus": str(corpus), "adversarial": adversarial, "port": port}
    try:
        result["ready"] = server.wait_ready("/api/search?page_size=1", timeout=300)
        ids, facets = read_index(port, timeout)
        result["records"] = len(ids)
        requests = build_requests(n, seed, ids, facets)
        log(f"server on port {port}: {len(ids)} records; sending {len(requests)} requests "
            f"with {clients} clients" + (f", {idle} idle connections held" if idle else ""))
        started = time.perf_counter()
        with IdleConnections(port, idle) as held:
            rows = run_requests(port, requests, clients, timeout, log)
        result["seconds"] = round(time.perf_counter() - started, 1)
        result["idle"] = held.figures()
        after = send(port, _wire("GET", b"/api/search?q=NATO"), timeout)
        result["alive_after"] = after.status == 200
    finally:
        server.stop()
    server_log = (work / "server.log").read_text(encoding="utf-8", errors="replace")
    result["server_log"] = {"tracebacks": server_log.count("Traceback (most recent call last)"),
                            "unexpected_errors": server_log.count("unexpected error on"),
                            "lines": server_log.count("\n")}
    result["summary"] = summarise(rows)
    app = result["summary"]["app"]
    result["ok"] = bool(app["failed"] == 0 and result["alive_after"]
                        and result["server_log"]["tracebacks"] == 0)
    result["failures"] = [r for r in rows if r["failures"]][:200]
    result["slowest"] = slowest(rows)
    result["http_layer_examples"] = [r for r in rows if r["category"] in HTTP_LAYER][:20]
    result["rows"] = rows
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10_000, help="requests (default 10000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--clients", type=int, default=4, help="connections at once")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per request")
    parser.add_argument("--corpus", help="corpus folder (default: the bundled one)")
    parser.add_argument("--index", help="an index of it (default: built in a fresh folder)")
    parser.add_argument("--adversarial", action="store_true",
                        help="serve the bundled corpus with 20 pathological clippings "
                             "(benchmarks/adversarial.py) instead")
    parser.add_argument("--idle", type=int, default=0,
                        help="connections held open and silent for the whole run")
    parser.add_argument("--out", help="JSON file (default: benchmarks/results/"
                                      "<date>-fuzz[-adversarial]-N<n>.json)")
    args = parser.parse_args(argv)
    result = run(args.n, args.seed, args.clients, args.timeout, args.corpus, args.index,
                 idle=args.idle, adversarial=args.adversarial)
    kind = "-adversarial" if args.adversarial else ""
    out = Path(args.out) if args.out else (
        BENCH / "results" / f"{time.strftime('%Y-%m-%d')}-fuzz{kind}-N{args.n}.json")
    slim = {k: v for k, v in result.items() if k != "rows"}
    out.write_text(json.dumps(slim, ensure_ascii=False, indent=1), encoding="utf-8")
    print()
    print(table(result["summary"]))
    print(f"\n{result['n']} requests in {result['seconds']} s; server alive after: "
          f"{result['alive_after']}; tracebacks in its log: "
          f"{result['server_log']['tracebacks']}")
    if args.idle:
        print(f"idle connections: {result['idle']}")
    print("slowest:")
    for row in result["slowest"][:10]:
        print(f"  {row['ms']:9.1f} ms {row['status']} {row['category']} {row['target'][:90]}")
    for row in result["failures"][:20]:
        print(f"  FAILED {row['category']} {row['method']} {row['target'][:100]!r}: "
              f"{row['status'] or row['problem']} {row['failures']}")
    print(f"written: {out}")
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
