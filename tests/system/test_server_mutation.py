"""web/server.py pinned down where mutation testing found it loose: the drain after a refusal
(its byte and time limits), what the request line kept for a refusal's shape is, the framing
checks that must not close good keep-alive connections, the per-address share, the slow but
whole request, make_server's defaults and bind's messages.

Every server here is started in the test itself (not a module fixture), so that mutmut
charges each test with what it calls. Raw sockets, as tests/system/test_http_edges.py.
"""

from __future__ import annotations

import errno
import json
import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

import pytest
from flask import Flask, jsonify, request

from web import server as web_server
from web.errors import HTTP_REFUSALS
from web.server import MAX_REQUEST_LINE, Channel, ServeError, bind, make_server


@contextmanager
def running(app, threads: int = 2, **options) -> Iterator[web_server.Server]:
    """As tests/conftest.py's served(), but yields the server itself (its channels are looked
    at)."""
    from waitress import wasyncore

    srv = make_server(app, host="127.0.0.1", port=0, threads=threads, ident="kirinuki-test",
                      **options)
    loop = threading.Thread(target=srv.run, name="waitress", daemon=True)
    loop.start()
    try:
        yield srv
    finally:
        srv.trigger.pull_trigger(lambda: wasyncore.close_all(srv._map))
        loop.join(timeout=10)
        srv.task_dispatcher.shutdown()
    assert not loop.is_alive(), "the server's loop did not end"


def port_of(srv) -> int:
    return urlsplit(srv.url).port


def connect(srv, source: str = "127.0.0.1") -> socket.socket:
    return socket.create_connection(("127.0.0.1", port_of(srv)), timeout=10,
                                    source_address=(source, 0))


def read_to_end(sock: socket.socket) -> bytes:
    """Everything until the server's end of file (a reset or a 10 s wait fails the test)."""
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    return data


def statuses(data: bytes) -> list[bytes]:
    return re.findall(rb"^HTTP/1\.[01] (\d{3}) ", data, flags=re.M)


def channels(srv) -> list[Channel]:
    return [ch for ch in list(srv._map.values()) if isinstance(ch, Channel)]


def wait_for(predicate, within: float = 5.0) -> bool:
    end = time.monotonic() + within
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def body_and_head(data: bytes) -> tuple[str, dict[str, str], bytes]:
    top, _, body = data.partition(b"\r\n\r\n")
    lines = top.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return lines[0], headers, body


def ask(srv, head: bytes) -> tuple[str, dict[str, str], bytes]:
    with connect(srv) as sock:
        sock.sendall(head)
        return body_and_head(read_to_end(sock))


def refusal_json(status: int) -> dict:
    r = HTTP_REFUSALS[status]
    return {"error": f"{r.title}。{r.message}"}


@pytest.fixture()
def echo_app() -> Flask:
    """An app that shows what reached it of the request (the query, one header's bytes)."""
    app = Flask("echo")
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024

    @app.get("/echo")
    def echo():
        return jsonify(query=request.environ["QUERY_STRING"],
                       name=request.environ.get("HTTP_X_NAME", "").encode("latin-1").hex(),
                       path=request.path)

    return app


# ---------------------------------------------------------------- the drain after a refusal

def test_a_refused_connection_is_half_closed_and_the_rest_dropped(app):
    """The answer, then the server's end of file at once; what the client still sends is read
    and dropped (no reset), and the connection ends when the client closes it."""
    with running(app) as srv, connect(srv) as sock:
        sock.sendall(b"GARBAGE\r\n\r\n")
        sock.settimeout(3)  # the half-close comes at once, not at a timeout
        status, headers, _ = body_and_head(read_to_end(sock))
        assert status == "HTTP/1.0 400 Bad Request" and headers["connection"] == "close"
        for _ in range(3):
            sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n" * 20)
            time.sleep(0.2)
        assert sock.recv(10) == b""  # nothing more was answered, and no reset
        assert len(channels(srv)) == 1 and channels(srv)[0].draining
        sock.close()
        assert wait_for(lambda: not channels(srv))


def test_a_good_answer_with_connection_close_closes_at_once(app):
    with running(app) as srv, connect(srv) as sock:
        sock.sendall(b"GET /api/records/nothing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        sock.settimeout(3)
        assert statuses(read_to_end(sock)) == [b"404"]
        assert wait_for(lambda: not channels(srv), 2)  # closed, not left draining


def test_the_drain_stops_past_linger_bytes(app, monkeypatch):
    monkeypatch.setattr(web_server, "LINGER_BYTES", 1000)
    with running(app) as srv, connect(srv) as sock:
        sock.sendall(b"GARBAGE\r\n\r\n")
        assert statuses(read_to_end(sock)) == [b"400"]
        sock.sendall(b"x" * 600)
        time.sleep(0.3)
        sock.sendall(b"x" * 400)  # 1000 in all: still read
        time.sleep(0.5)
        assert len(channels(srv)) == 1
        sock.sendall(b"x")  # 1001: over the limit, closed
        assert wait_for(lambda: not channels(srv), 3)


def test_the_drain_stops_after_linger_seconds(app, monkeypatch):
    monkeypatch.setattr(web_server, "LINGER_SECONDS", 1.5)
    with running(app) as srv, connect(srv) as sock:
        sock.sendall(b"GARBAGE\r\n\r\n")
        assert statuses(read_to_end(sock)) == [b"400"]
        sock.sendall(b"x" * 10)  # within the time: read and dropped
        time.sleep(0.4)
        assert len(channels(srv)) == 1
        time.sleep(1.5)
        sock.sendall(b"x" * 10)  # after it: closed
        assert wait_for(lambda: not channels(srv), 3)


# ---------------------------------------------------------------- the request line kept

def test_a_request_line_of_exactly_the_limit_arriving_in_pieces_reaches_the_app(app):
    """MAX_REQUEST_LINE bytes without their line end yet are not over the limit."""
    target = "/api/search?q=" + "a" * (MAX_REQUEST_LINE - len("GET  HTTP/1.1")
                                       - len("/api/search?q="))
    line = f"GET {target} HTTP/1.1".encode()
    assert len(line) == MAX_REQUEST_LINE
    with running(app) as srv, connect(srv) as sock:
        sock.sendall(line)
        time.sleep(0.5)  # the server has read all of it, still without the line's end
        sock.sendall(b"\r\nHost: x\r\nConnection: close\r\n\r\n")
        status, _, body = body_and_head(read_to_end(sock))
    assert status == "HTTP/1.1 400 BAD REQUEST"  # the app's own answer, not the 414
    assert json.loads(body)["error"].startswith("検索語が長すぎます")


def test_long_headers_under_a_short_request_line_are_not_a_long_url(app):
    pad = "p" * 100_000  # the head is over MAX_REQUEST_LINE, its first line is not
    with running(app) as srv:
        status, _, body = ask(srv, f"GET /api/search?q=NATO HTTP/1.1\r\nX-Pad: {pad}\r\n"
                                   "Host: x\r\nConnection: close\r\n\r\n".encode())
    assert status == "HTTP/1.1 200 OK" and json.loads(body)["total"] > 0


def test_a_blank_line_before_a_long_request_line_keeps_its_api_shape(app):
    """RFC 9112 (2.2): an empty line before the request line is ignored."""
    with running(app) as srv:
        status, headers, body = ask(
            srv, b"\r\nGET /api/search?q=" + b"a" * 70_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    assert status == "HTTP/1.0 414 URI Too Long"
    assert headers["content-type"] == "application/json"
    assert json.loads(body)["error"].startswith("アドレスが長すぎます")


def test_the_shape_of_a_refusal_comes_from_the_first_line_alone(app):
    """No target on the first line: a page, even if a header's value looks like an API path."""
    with running(app) as srv:
        status, headers, _ = ask(srv, b"GARBAGE\r\nX: /api/search\r\n\r\n")
    assert status == "HTTP/1.0 400 Bad Request"
    assert headers["content-type"] == "text/html; charset=utf-8"


def test_a_request_line_without_a_version_keeps_its_api_shape(app):
    with running(app) as srv:
        status, headers, body = ask(srv, b"get /api/search\r\n\r\n")
    assert status == "HTTP/1.0 400 Bad Request" and json.loads(body) == refusal_json(400)
    assert headers["content-type"] == "application/json"


@pytest.mark.parametrize("line", [b"get  /api/search HTTP/1.1", b"get\t/api/search HTTP/1.1"])
def test_a_refused_line_with_more_space_before_its_target_keeps_its_api_shape(app, line):
    """Two spaces, or a tab, between a refused line's method and its target: the target is
    still read, and an API path still gets JSON."""
    with running(app) as srv:
        status, headers, body = ask(srv, line + b"\r\nHost: x\r\n\r\n")
    assert status == "HTTP/1.0 400 Bad Request" and json.loads(body) == refusal_json(400)
    assert headers["content-type"] == "application/json"


@pytest.mark.parametrize(("method_length", "kind"), [(2043, "application/json"),
                                                     (2044, "text/html; charset=utf-8")])
def test_the_request_line_kept_for_the_shape_is_2048_bytes(app, method_length, kind):
    """A refused line (a lower-case method) is read for its path in its first 2048 bytes:
    "/api" (API) fits after a 2043-byte method, only "/ap" (a page) after 2044 bytes."""
    with running(app) as srv:
        status, headers, _ = ask(srv, b"a" * method_length
                                 + b" /api/search HTTP/1.1\r\nHost: x\r\n\r\n")
    assert status == "HTTP/1.0 400 Bad Request" and headers["content-type"] == kind


# ---------------------------------------------------------------- what reaches the app

def test_raw_utf8_is_percent_encoded_in_upper_case_and_headers_are_left_alone(echo_app):
    name = "共同".encode()
    with running(echo_app) as srv:
        status, _, body = ask(srv, b"GET /echo?q=" + name + b" HTTP/1.1\r\nX-Name: " + name
                              + b"\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert status == "HTTP/1.1 200 OK"
    assert json.loads(body) == {"query": "q=%E5%85%B1%E5%90%8C", "name": name.hex(),
                                "path": "/echo"}


def test_a_server_header_names_the_ident(echo_app):
    with running(echo_app) as srv:
        _, headers, _ = ask(srv, b"GET /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert headers["server"] == "kirinuki-test"


@pytest.mark.parametrize("framing", [b"Content-Length: 0\r\n\r\n",
                                     b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"])
def test_one_framing_keeps_the_connection_open(app, framing):
    """Only both framings at once close the connection; either alone is kept alive."""
    with running(app) as srv, connect(srv) as sock:
        sock.sendall(b"GET /api/search?q=NATO HTTP/1.1\r\nHost: x\r\n" + framing
                     + b"GET /api/records/nothing HTTP/1.1\r\nHost: x\r\nConnection: close"
                       b"\r\n\r\n")
        assert statuses(read_to_end(sock)) == [b"200", b"404"]


def test_expect_100_continue_with_a_body_is_continued(app):
    with running(app) as srv, connect(srv) as sock:
        sock.sendall(b"GET /api/search?q=NATO HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                     b"Expect: 100-continue\r\nConnection: close\r\n\r\n")
        assert sock.recv(100) == b"HTTP/1.1 100 Continue\r\n\r\n"
        sock.sendall(b"hello")
        assert statuses(read_to_end(sock)) == [b"200"]


# ---------------------------------------------------------------- connections

def test_a_slow_request_that_arrives_in_time_is_answered(app):
    with running(app, request_seconds=3) as srv, connect(srv) as sock:
        sock.sendall(b"GET /api/search?q=NATO HTTP/1.1\r\n")
        time.sleep(1.6)  # a maintenance pass (every second) sees it arriving
        sock.sendall(b"Host: x\r\nConnection: close\r\n\r\n")
        assert statuses(read_to_end(sock)) == [b"200"]


def test_the_share_is_counted_per_address(app):
    with running(app, per_client=3) as srv:
        held = [connect(srv) for _ in range(3)]
        try:
            assert wait_for(lambda: len(channels(srv)) == 3)
            with connect(srv) as extra:  # a fourth from 127.0.0.1: closed at once
                extra.settimeout(3)  # (not after the 10 s an idle connection is given)
                assert extra.recv(1) == b""
            with connect(srv, source="127.0.0.2") as other:  # another address gets in
                other.sendall(b"GET /api/records/nothing HTTP/1.1\r\nHost: x\r\n"
                              b"Connection: close\r\n\r\n")
                assert statuses(read_to_end(other)) == [b"404"]
        finally:
            for sock in held:
                sock.close()


def test_two_servers_in_one_process_stop_apart(app, echo_app):
    with running(app) as first:
        with running(echo_app) as second:
            assert ask(second, b"GET /echo HTTP/1.1\r\nHost: x\r\nConnection: close"
                               b"\r\n\r\n")[0] == "HTTP/1.1 200 OK"
        assert ask(first, b"GET /api/records/nothing HTTP/1.1\r\nHost: x\r\n"
                          b"Connection: close\r\n\r\n")[0] == "HTTP/1.1 404 NOT FOUND"


# ---------------------------------------------------------------- make_server and bind

def stop(srv) -> None:
    srv.task_dispatcher.shutdown()
    srv.close()


def test_make_servers_defaults(app):
    srv = make_server(app, sock=bind("127.0.0.1", 0))
    try:
        adj = srv.adj
        assert (adj.threads, adj.ident, adj.server_name) == (8, "kirinuki", "127.0.0.1")
        assert (adj.connection_limit, adj.channel_timeout, adj.cleanup_interval) == (1000, 10, 1)
        assert adj.asyncore_use_poll is True and adj.max_request_body_size == 64 * 1024
        assert (srv.per_client, srv.request_seconds) == (250, 10)
    finally:
        stop(srv)


def test_make_server_on_port_5000_by_default(app):
    try:
        srv = make_server(app)
    except ServeError as exc:  # taken on this machine: the message names the port tried
        assert str(exc).startswith("ポート 5000 は別のプログラムが使っています(127.0.0.1:5000)")
    else:
        try:
            assert srv.socket.getsockname() == ("127.0.0.1", 5000)
            assert srv.url == "http://127.0.0.1:5000"
        finally:
            stop(srv)


def test_make_server_binds_the_host_it_is_given(app):
    srv = make_server(app, host="127.0.0.1", port=0, threads=3, ident="k", idle_seconds=4,
                      request_seconds=2.5, per_client=7)
    try:
        assert (srv.adj.threads, srv.adj.ident, srv.adj.channel_timeout) == (3, "k", 4)
        assert (srv.per_client, srv.request_seconds) == (7, 2.5)
        host, port = srv.socket.getsockname()
        assert host == "127.0.0.1" and srv.url == f"http://127.0.0.1:{port}"
        assert srv.socket.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR) == 1
    finally:
        stop(srv)


@pytest.mark.parametrize("host", ["", "0.0.0.0"])
def test_a_wildcard_host_is_served_under_the_machines_name(app, host):
    srv = make_server(app, host=host, port=0)
    try:
        address, port = srv.socket.getsockname()
        assert address == "0.0.0.0" and srv.adj.server_name == socket.gethostname()
        assert srv.url == f"http://{socket.gethostname()}:{port}"
    finally:
        stop(srv)


def test_an_ipv6_host_is_bracketed_in_the_url(app):
    try:
        srv = make_server(app, host="::1", port=0)
    except ServeError:
        pytest.skip("no IPv6 loopback here")
    try:
        assert srv.socket.family == socket.AF_INET6 and srv.socket.type == socket.SOCK_STREAM
        assert srv.url == f"http://[::1]:{srv.socket.getsockname()[1]}"
    finally:
        stop(srv)


UNKNOWN_HOST = ("ホスト名 {} のアドレスが見つかりません。--host 127.0.0.1 のように"
                "この機械のアドレスを指定してください。")


@pytest.mark.parametrize("host", ["no-such-host.invalid", "a" * 64 + ".example"])
def test_an_unknown_host_is_said_so(host):
    with pytest.raises(ServeError) as caught:
        bind(host, 0)
    assert str(caught.value) == UNKNOWN_HOST.format(host)


def busy_message(port: int, suggested: int) -> str:
    return (f"ポート {port} は別のプログラムが使っています(127.0.0.1:{port})。--port {suggested}"
            " のように別のポートを指定するか、そのプログラムを止めてください。")


def test_a_busy_port_suggests_the_next():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(ServeError) as caught:
            bind("127.0.0.1", port)
    assert str(caught.value) == busy_message(port, port + 1)


def test_a_busy_last_port_suggests_8000():
    with socket.socket() as taken:
        try:
            taken.bind(("127.0.0.1", 65535))
        except OSError:
            pytest.skip("port 65535 is not free here")
        taken.listen()
        with pytest.raises(ServeError) as caught:
            bind("127.0.0.1", 65535)
    assert str(caught.value) == busy_message(65535, 8000)


def test_a_privileged_port_is_said_so(monkeypatch):
    def refuse(self, address):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(socket.socket, "bind", refuse)  # the tests may run as root
    with pytest.raises(ServeError) as caught:
        bind("127.0.0.1", 80)
    assert str(caught.value) == ("ポート 80 を使う権限がありません。1024 以上のポート"
                                 "(--port 5000 など)を指定してください。")


def test_an_address_not_on_this_machine_is_said_so():
    with pytest.raises(ServeError) as caught:
        bind("192.0.2.1", 0)  # TEST-NET-1: never this machine's
    assert str(caught.value) == ("192.0.2.1:0 で待ち受けられません(Cannot assign requested "
                                 "address)。--host と --port を確かめてください。")


# ---------------------------------------------------------------- a client that does not read


def test_a_client_that_does_not_read_its_answer_is_not_read_from():
    """While an answer waits for its client to read it (far more than the sockets hold), the
    connection's further requests are not read: one client cannot queue work faster than it
    takes the answers. They are read, and answered in order, once it reads."""
    app = Flask("big")
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    hits: list[int] = []
    big = b"x" * 40_000_000  # beyond any socket buffer on either side

    @app.get("/big")
    def answer_big():
        return big

    @app.get("/small/<int:n>")
    def small(n: int):
        hits.append(n)
        return f"small {n}"

    with running(app) as srv, connect(srv) as sock:
        sock.sendall(b"GET /big HTTP/1.1\r\nHost: x\r\n\r\n")
        time.sleep(0.5)  # the answer is made, and waits
        for n in range(3):
            sock.sendall(f"GET /small/{n} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
            time.sleep(0.2)
        assert not wait_for(lambda: hits, within=1.0)  # nothing read while it waits
        data = b""
        while data.count(b"HTTP/1.1 200") < 4 or not data.endswith(b"small 2"):
            chunk = sock.recv(1 << 20)
            assert chunk, "the connection closed early"
            data += chunk
    assert hits == [0, 1, 2]
    assert data.count(b"HTTP/1.1 200 OK\r\n") == 4 and len(data) > len(big)
    assert data.index(b"small 0") < data.index(b"small 1") < data.index(b"small 2")


def test_every_refusal_fits_in_the_smallest_send_buffer(app):
    """A refusal's whole answer (head and body) is under 4,096 bytes, Linux's smallest TCP
    send buffer (tcp_wmem's minimum): the refusing thread's one write sends it all, which is
    what lets the lingering branch of Channel.handle_write only ever find an empty buffer
    (MUTATION.md: handle_write_4)."""
    from web.errors import http_error_answer
    from web.server import URI_TOO_LONG

    answers = [http_error_answer(app, path, code) for code in HTTP_REFUSALS
               for path in ("/", "/api/search", "/" + "あ" * 2000)]
    answers.append(http_error_answer(app, "/", 414, URI_TOO_LONG))
    assert max(len(a.body) for a in answers) < 2_600
    with running(app) as srv, connect(srv) as sock:
        sock.sendall(b"GARBAGE\r\n\r\n")  # the largest page (400), with its head
        whole = read_to_end(sock)
    assert len(whole) < 4_096
