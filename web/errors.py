"""The error answer in one shape: JSON under /api/, the Japanese error page elsewhere.

Flask's error handlers (views.py) and the server layer (server.py, for the requests waitress
refuses before Flask sees them) both build their bodies with :func:`error_answer`, so a 414
from the server and a 404 from a view look alike. It needs no request: the page is rendered
from the app's templates with links built from its URL map alone.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from flask import Flask

API_PREFIX = "/api/"
ALLOWED_METHODS = ("GET", "HEAD")  # nothing here changes state or takes a body


@dataclass(frozen=True)
class Refusal:
    """What a status means to the user: a title, and what to do about it."""

    title: str
    message: str


# The statuses of the HTTP layer itself; the views' own errors carry their own messages.
HTTP_REFUSALS: dict[int, Refusal] = {
    400: Refusal("リクエストを読み取れません",
                 "リクエストの形が HTTP の決まりに合いません。アドレスに空白や改行をそのまま書かず"
                 "(空白は %20)、ブラウザか curl で開き直してください。"),
    404: Refusal("ページが見つかりません",
                 "アドレスを確かめるか、検索画面から探し直してください。"),
    405: Refusal("この方法では開けません",
                 "このアドレスは GET(または HEAD)で開いてください。kirinuki は読み出し専用です。"),
    413: Refusal("リクエストが大きすぎます",
                 "kirinuki は本文のあるリクエストを受け付けません。本文を付けずに GET で"
                 "開いてください。"),
    431: Refusal("ヘッダーが大きすぎます",
                 "リクエストのヘッダー(Cookie など)を減らしてから、もう一度開いてください。"),
    500: Refusal("エラーが起きました",
                 "サーバーで予期しないエラーが起きました。時間をおいて試すか、管理者に連絡してください。"),
    501: Refusal("この送り方には対応していません",
                 "Transfer-Encoding を付けずに、GET で開いてください。"),
}
UNKNOWN_REFUSAL = Refusal("リクエストを処理できません",
                          "アドレスを確かめて、もう一度開いてください。")


@dataclass(frozen=True)
class ErrorAnswer:
    status: int
    content_type: str
    body: bytes


def is_api_path(path: str) -> bool:
    """Whether ``path`` is answered in the API's JSON shape."""
    return ("/" + path.lstrip("/") + "/").startswith(API_PREFIX)


def refusal(status: int) -> Refusal:
    return HTTP_REFUSALS.get(status, UNKNOWN_REFUSAL)


def error_answer(app: Flask, path: str, status: int, title: str, message: str,
                 json_message: str | None = None) -> ErrorAnswer:
    """The error for ``path``: ``{"error": …}`` under /api/, the error page elsewhere."""
    if is_api_path(path):
        # As Flask's JSON provider writes it (compact, Japanese unescaped, a final newline).
        text = json.dumps({"error": json_message or message}, ensure_ascii=False,
                          separators=(",", ":"))
        return ErrorAnswer(status, "application/json", (text + "\n").encode("utf-8"))
    links = app.url_map.bind("localhost")  # builds paths only: no host is ever written

    def url_for(endpoint: str, **values) -> str:
        return links.build(endpoint, values)

    html = app.jinja_env.get_template("error.html").render(
        status=status, title=title, message=message, url_for=url_for)
    return ErrorAnswer(status, "text/html; charset=utf-8", html.encode("utf-8"))


def http_error_answer(app: Flask, path: str, status: int,
                      why: Refusal | None = None) -> ErrorAnswer:
    """An error of the HTTP layer; its JSON message joins title and advice."""
    r = why or refusal(status)
    return error_answer(app, path, status, r.title, r.message, f"{r.title}。{r.message}")
