"""kirinuki on waitress: URLs as people type them, and the server's own refusals in the app's shape.

``manage.py serve`` and the tests' ``served()`` start the server through :func:`make_server`
alone, so the tests exercise exactly what users run. Three things differ from plain waitress:

- raw UTF-8 in the request line (``curl '…/api/search?q=共同訓練'`` sends it so) is
  percent-encoded before waitress parses it, so it is answered like the encoded form instead
  of with ``400 Bad URI``;
- a request line over :data:`MAX_REQUEST_LINE` is answered ``414``, and every request waitress
  refuses (bad request line, headers too large, a body, an unknown transfer coding) gets the
  app's JSON error or error page (web/errors.py) with its security headers;
- after refusing a request whose rest is still arriving, the connection is half-closed and the
  rest read and dropped before closing (a close with unread input makes the kernel send a
  reset, which can destroy the answer before the client reads it);
- connections are sized for a research group serving it on its network (``--host``): up to
  :data:`CONNECTION_LIMIT` open, at most :data:`PER_CLIENT` from one address; a connection
  idle for :data:`IDLE_SECONDS` is closed, and so is one whose request has not arrived whole
  :data:`REQUEST_SECONDS` after it began (a byte now and then no longer keeps it open). Idle
  connections cost no thread (waitress's loop holds them); the 8 threads answer requests.

These subclass waitress's ``HTTPRequestParser`` and ``HTTPChannel``, which are not public
API, so waitress is pinned (``waitress==3.0.2`` in pyproject.toml). An upgrade must re-run
``tests/system/test_http_edges.py`` (raw request lines over real sockets) and re-read what is
overridden here: the parser's ``__init__`` and ``received``, the channel's ``parser_class``,
``readable``, ``handle_read`` and ``handle_write``, the server's ``handle_accept`` and
``maintenance``, and ``ErrorTask``, which the refusals subclass.
"""

from __future__ import annotations

import errno
import re
import socket
import time
from urllib.parse import unquote, urlsplit

from flask import Flask
from waitress.adjustments import Adjustments
from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser
from waitress.server import TcpWSGIServer
from waitress.task import ErrorTask
from waitress.utilities import Error

from . import SECURITY_HEADERS
from .errors import Refusal, http_error_answer

MAX_REQUEST_LINE = 64 * 1024  # bytes: a 1000-character Japanese query (9 KB encoded) and
# every facet's 50 values fit
CONNECTION_LIMIT = 1000  # open connections (waitress's default is 100)
PER_CLIENT = 250  # open connections from one address: no client holds the whole limit
IDLE_SECONDS = 10  # a connection with no request this long is closed (waitress: 120 s)
REQUEST_SECONDS = 10  # a request must arrive whole this soon after its first byte
LINGER_BYTES = 16 * 1024 * 1024  # read at most this much of a refused request's rest…
LINGER_SECONDS = 30  # …for at most this long
_NON_ASCII = re.compile(rb"[\x80-\xff]")
_WILDCARD_HOSTS = ("", "0.0.0.0", "::")


class ServeError(Exception):
    """The server cannot start; the message says why and what to do."""


class UriTooLong(Error):
    code = 414
    reason = "URI Too Long"


URI_TOO_LONG = Refusal("アドレスが長すぎます",
                       f"アドレスは {MAX_REQUEST_LINE // 1024} KB 以内にしてください。"
                       "検索語を短くするか、絞り込みの条件を減らしてください。")


def _percent_encode(raw: bytes) -> bytes:
    return _NON_ASCII.sub(lambda m: b"%%%02X" % m[0][0], raw)


def _path_of(request_line: bytes) -> str:
    """The path a request line asks for, as well as it can be read (to choose the error shape)."""
    parts = request_line.split()  # any run of spaces or tabs: the line is refused anyway
    target = parts[1] if len(parts) > 1 else b""
    try:
        path = urlsplit(_percent_encode(target).decode("ascii")).path
    except ValueError:
        return "/"
    return unquote(path) or "/"


class Parser(HTTPRequestParser):
    def __init__(self, adj: Adjustments) -> None:
        super().__init__(adj)
        self.started = time.monotonic()  # its first bytes arrived: the request's deadline

    """waitress's parser, taking raw UTF-8 in the request line and refusing long lines with 414."""

    request_line = b""  # the first line as received (for the error shape of a refused request)

    def received(self, data: bytes) -> int:
        if self.body_rcv is None and not self.completed and not self.headers_finished:
            head = (self.header_plus + data).lstrip()
            end = head.find(b"\r\n")
            self.request_line = head[: end if end >= 0 else 2048][:2048]
            if end > MAX_REQUEST_LINE or (end < 0 and len(head) > MAX_REQUEST_LINE):
                self.error = UriTooLong(f"exceeds {MAX_REQUEST_LINE} bytes")
                self.completed = True
                return len(data)
        return super().received(data)

    def parse_header(self, header_plus: bytes) -> None:
        # Only the target can hold such bytes (a method or version with them stays invalid).
        line, sep, rest = header_plus.partition(b"\r\n")
        method, space, target = line.partition(b" ")
        super().parse_header(method + space + _percent_encode(target) + sep + rest)
        if self.chunked and "CONTENT_LENGTH" in self.headers:
            # both framings at once: RFC 9112 (6.1) has the server close the connection
            # after answering, as a request smuggled in the body could otherwise follow
            self.headers["CONNECTION"] = "close"
            self.connection_close = True
        if self.body_rcv is None:
            # Expect: 100-continue with no body to send (a GET): nothing to continue to.
            # waitress would send "100 Continue" and never the answer.
            self.expect_continue = False

    def asks_head(self) -> bool:
        """A HEAD request, whose answer has no body (also when it was refused unparsed)."""
        return getattr(self, "command", "") == "HEAD" or self.request_line.startswith(b"HEAD ")

    def error_path(self) -> str:
        """The path of a refused request: parsed if waitress got that far, else guessed."""
        if self.request_line:
            return _path_of(self.request_line)
        return getattr(self, "path", "") or "/"


class RefusalTask(ErrorTask):
    """waitress's error answer in the app's shape, with its security headers."""

    def execute(self) -> None:
        server: Server = self.channel.server
        error = self.request.error
        path = self.request.error_path()
        why = URI_TOO_LONG if isinstance(error, UriTooLong) else None
        answer = http_error_answer(server.app, path, error.code, why)
        self.status = f"{error.code} {error.reason}"
        self.response_headers.extend([("Content-Type", answer.content_type),
                                      *SECURITY_HEADERS.items()])
        self.set_close_on_finish()
        self.channel.linger = True
        self.content_length = len(answer.body)
        self.write(b"" if self.request.asks_head() else answer.body)


class Channel(HTTPChannel):
    parser_class = Parser
    error_task_class = RefusalTask
    linger = False  # set when a refusal closes the connection
    draining = False
    drained = 0
    drain_until = 0.0

    def handle_write(self) -> None:
        if self.linger and self.close_when_flushed and not self.requests:
            self._flush_exception(self._flush_some)
            if self.will_close:
                self.handle_close()
            elif not self.total_outbufs_len:
                self.close_when_flushed = False
                self._half_close()
            return
        super().handle_write()

    def _half_close(self) -> None:
        try:
            self.socket.shutdown(socket.SHUT_WR)
        except OSError:
            self.handle_close()
            return
        self.draining = True
        self.drain_until = time.monotonic() + LINGER_SECONDS

    def readable(self) -> bool:
        return (self.draining and not self.will_close) or super().readable()

    def handle_read(self) -> None:
        if not self.draining:
            super().handle_read()
            return
        data = self.recv(self.adj.recv_bytes)  # closes the channel at the client's end
        self.drained += len(data)
        if data and (self.drained > LINGER_BYTES or time.monotonic() > self.drain_until):
            self.handle_close()


class Server(TcpWSGIServer):
    channel_class = Channel

    def __init__(self, app: Flask, sock: socket.socket, adj: Adjustments,
                 per_client: int = PER_CLIENT, request_seconds: float = REQUEST_SECONDS) -> None:
        self.app = app
        self.per_client, self.request_seconds = per_client, request_seconds
        super().__init__(app, map={}, _sock=sock, adj=adj, bind_socket=False,
                         sockinfo=(sock.family, sock.type, sock.proto, sock.getsockname()))

    def handle_accept(self) -> None:
        """Waitress's accept, refusing a connection past ``per_client`` from its address."""
        try:
            accepted = self.accept()
            if accepted is None:
                return
            conn, addr = accepted
            self.set_socket_options(conn)
        except OSError:  # the client went before it was accepted
            return
        host = addr[0] if isinstance(addr, tuple) else addr
        held = sum(1 for ch in self._map.values()
                   if isinstance(ch, Channel) and isinstance(ch.addr, tuple) and ch.addr[0] == host)
        if held >= self.per_client:
            conn.close()  # its share is taken: the others still get in
            return
        self.channel_class(self, conn, self.fix_addr(addr), self.adj, map=self._map)

    def maintenance(self, now: float) -> None:
        """Waitress closes the idle connections; this also closes those whose request is
        still arriving ``request_seconds`` after it began (a trickle of bytes)."""
        super().maintenance(now)
        late = time.monotonic() - self.request_seconds
        for channel in list(self.active_channels.values()):
            request = channel.request
            if request is not None and getattr(request, "started", late) < late:
                channel.will_close = True

    @property
    def url(self) -> str:
        """The address it serves, as a link (the host it was started on, the port it got)."""
        host = self.server_name
        return f"http://{f'[{host}]' if ':' in host else host}:{self.effective_port}"


def bind(host: str, port: int) -> socket.socket:
    """A socket bound to ``host:port`` (not yet listening); :class:`ServeError` if it cannot be."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0]
    except (socket.gaierror, UnicodeError):
        raise ServeError(f"ホスト名 {host} のアドレスが見つかりません。--host 127.0.0.1 のように"
                         "この機械のアドレスを指定してください。") from None
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise ServeError(f"ポート {port} は別のプログラムが使っています({host}:{port})。"
                             f"--port {port + 1 if port < 65535 else 8000} のように別のポートを"
                             "指定するか、そのプログラムを止めてください。") from None
        if exc.errno == errno.EACCES:
            raise ServeError(f"ポート {port} を使う権限がありません。1024 以上のポート"
                             "(--port 5000 など)を指定してください。") from None
        raise ServeError(f"{host}:{port} で待ち受けられません({exc.strerror})。--host と "
                         "--port を確かめてください。") from None
    return sock


def make_server(app: Flask, host: str = "127.0.0.1", port: int = 5000, threads: int = 8, *,
                sock: socket.socket | None = None, ident: str = "kirinuki",
                idle_seconds: int = IDLE_SECONDS, request_seconds: float = REQUEST_SECONDS,
                per_client: int = PER_CLIENT) -> Server:
    """The app on waitress at ``host:port`` (or on ``sock`` from :func:`bind`), ready to run()."""
    sock = sock or bind(host, port)
    name = socket.gethostname() if host in _WILDCARD_HOSTS else host
    adj = Adjustments(sockets=[sock], threads=threads, ident=ident, server_name=name,
                      # nothing here takes a body: refuse a big one before reading it
                      max_request_body_size=int(app.config["MAX_CONTENT_LENGTH"]),
                      connection_limit=CONNECTION_LIMIT, channel_timeout=idle_seconds,
                      cleanup_interval=1,  # the timeouts are looked at every second
                      asyncore_use_poll=True)  # select() stops at descriptor 1024
    return Server(app, sock, adj, per_client, request_seconds)

