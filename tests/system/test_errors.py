"""The error answer in one shape (web/errors.py): which paths get JSON, what a status the
tables do not name says, and the same answer built outside a request."""

from __future__ import annotations

import json

import pytest

from web.errors import ErrorAnswer, Refusal, error_answer, http_error_answer, is_api_path

UNKNOWN = ("リクエストを処理できません", "アドレスを確かめて、もう一度開いてください。")


@pytest.mark.parametrize(("path", "api"), [
    ("/api/search", True), ("/api/", True), ("/api", True),  # /api itself is the API's
    ("//api/search", True), ("api/search", True),  # as waitress may hand them over
    ("/", False), ("", False), ("/apis", False), ("/api-docs", False), ("/Xapi", False),
    ("/X/api/search", False), ("/records/api", False), ("/static/api.js", False),
])
def test_which_paths_are_the_apis(path, api):
    assert is_api_path(path) is api


@pytest.mark.parametrize(("path", "content_type"), [
    ("/api", "application/json"), ("/Xapi", "text/html; charset=utf-8"),
    ("/X/api/search", "text/html; charset=utf-8"),
])
def test_a_missing_page_answers_in_the_shape_of_its_path(client, path, content_type):
    answer = client.get(path)
    assert (answer.status_code, answer.content_type) == (404, content_type)
    if content_type == "application/json":
        assert answer.get_data() == (
            '{"error":"ページが見つかりません。アドレスを確かめるか、検索画面から探し直してください。"}\n'
        ).encode()


def test_a_status_the_tables_do_not_name_as_json(app):
    assert http_error_answer(app, "/api/search", 418) == ErrorAnswer(
        418, "application/json",
        f'{{"error":"{UNKNOWN[0]}。{UNKNOWN[1]}"}}\n'.encode())


def test_a_status_the_tables_do_not_name_as_a_page(app):
    answer = http_error_answer(app, "/records/x", 418)
    assert (answer.status, answer.content_type) == (418, "text/html; charset=utf-8")
    page = answer.body.decode("utf-8")
    assert f"<title>{UNKNOWN[0]} - kirinuki 切り抜き</title>" in page
    assert f'<h1 id="error-title">{UNKNOWN[0]}</h1>\n    <p>{UNKNOWN[1]}</p>' in page
    assert '<p class="status">HTTP 418</p>' in page
    assert '<a href="/">検索画面に戻る</a>' in page


def test_a_range_past_the_end_of_a_file_is_416_with_the_page(client):
    answer = client.get("/static/kirinuki.css", headers={"Range": "bytes=9999999-"})
    assert (answer.status_code, answer.content_type) == (416, "text/html; charset=utf-8")
    page = answer.get_data(as_text=True)
    assert f'<h1 id="error-title">{UNKNOWN[0]}</h1>\n    <p>{UNKNOWN[1]}</p>' in page
    assert '<p class="status">HTTP 416</p>' in page


def test_a_refusal_given_is_used_and_its_json_joins_title_and_advice(app):
    why = Refusal("アドレスが長すぎます", "検索語を短くしてください。")
    answer = http_error_answer(app, "/api/search", 414, why)
    assert answer == ErrorAnswer(414, "application/json",
                                 '{"error":"アドレスが長すぎます。検索語を短くしてください。"}\n'
                                 .encode())
    assert json.loads(answer.body) == {"error": "アドレスが長すぎます。検索語を短くしてください。"}


def test_a_views_error_keeps_its_own_json_message(app):
    # the page shows title and message apart; the JSON carries the message alone, or the
    # json_message when one is given
    assert error_answer(app, "/api/search", 400, "検索できません", "ページは 1 以上です。") \
        == ErrorAnswer(400, "application/json",
                       '{"error":"ページは 1 以上です。"}\n'.encode())
    assert error_answer(app, "/api/search", 400, "検索できません", "ページは 1 以上です。",
                        "別の言い方") == ErrorAnswer(
        400, "application/json", '{"error":"別の言い方"}\n'.encode())


def test_corpus_text_in_an_error_is_escaped(app):
    answer = error_answer(app, "/records/x", 404, "<b>見出し</b>", "<script>alert(1)</script>")
    page = answer.body.decode("utf-8")
    assert "<script>alert(1)</script>" not in page and "<b>見出し</b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
