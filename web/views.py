"""The pages: search, record, CSV export and Atom feed, and the HTML error pages.

Views translate between the URL and the engine and nothing more: every search decision
(parsing, facets, snippets, related articles) is the ``search`` package's.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import date

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    render_template,
    request,
    url_for,
)
from flask.globals import request_ctx
from werkzeug.exceptions import BadHost, HTTPException

from search.engine import MAX_PAGE_SIZE, MAX_QUERY_CHARS, Engine, SearchError, SearchResult
from search.facets import FACETS
from search.indexer import IndexMissingError, IndexOutdatedError

from .chart import year_chart
from .feeds import atom_feed, hits_csv
from .urls import FACET_LABELS, PARAM_FOR_FACET, SORT_LABELS, SearchState, page_window

bp = Blueprint("pages", __name__)
log = logging.getLogger(__name__)
WEEKDAYS = "月火水木金土日"
FACET_ORDER = tuple(f.key for f in FACETS)
FACET_SHOWN = 8  # values shown before "さらに表示"


def _engine() -> Engine:
    return current_app.extensions["kirinuki.engine"]


class PageOutOfRange(SearchError):
    """A page number past the last page of this search."""


def run_search(state: SearchState, **overrides) -> SearchResult:
    """Search for ``state``; a page past the last one is the user's error, not an empty page."""
    result = _engine().search(state.request(current_app.config["PAGE_SIZE"], **overrides))
    page = overrides.get("page") or state.page
    if page > result.pages:
        raise PageOutOfRange(f"ページ {page} はありません。この検索の結果は全 {result.pages} "
                          "ページです")
    return result


# ---------------------------------------------------------------- the search page

@bp.get("/")
def search_page():
    try:
        state = SearchState.from_args(request.args)
    except SearchError as exc:
        return _search_error(SearchState(q=request.args.get("q", "")[:MAX_QUERY_CHARS * 2]), exc)
    try:
        result = run_search(state)
    except SearchError as exc:
        return _search_error(state, exc)
    context = _common(state)
    context.update(
        result=result,
        facets=_facets(result, state),
        chart=year_chart(result.facets.get("year", []), state),
        pagination=_pagination(result, state),
        zero=_zero_help(result, state) if not result.total else None,
    )
    return render_template("search.html", state=state, error=None, **context)


def _search_error(state: SearchState, exc: SearchError):
    """The search page with the message, the box and the chips, so the fix is one click."""
    return render_template("search.html", state=state, result=None, error=str(exc),
                           page_error=isinstance(exc, PageOutOfRange), **_common(state)), 400


def _common(state: SearchState) -> dict:
    def record_href(rid: str) -> str:
        return state.href(url_for("pages.record_page", rid=rid))

    return {"chips": state.chips(), "sort_labels": SORT_LABELS, "record_href": record_href,
            "csv_href": state.with_page(1).href(url_for("pages.export_csv")),
            "atom_href": state.with_page(1).href(url_for("pages.atom"))}


def _facets(result: SearchResult, state: SearchState) -> list[dict]:
    """Sidebar groups: the first values shown, the rest behind <details>, ticked ones first."""
    groups = []
    for facet in FACET_ORDER:
        values = result.facets.get(facet)
        if values is None:
            continue
        head = [v for v in values[:FACET_SHOWN]] + [v for v in values[FACET_SHOWN:]
                                                    if v.selected]
        tail = [v for v in values[FACET_SHOWN:] if not v.selected]
        groups.append({"facet": facet, "param": PARAM_FOR_FACET[facet],
                       "label": FACET_LABELS[facet], "head": head, "tail": tail,
                       "selected": any(v.selected for v in values)})
    # A ticked value whose group is not listed (months without one year) stays in the URL.
    listed = {g["facet"] for g in groups}
    hidden = [(PARAM_FOR_FACET[f], v) for f, vals in state.selected.items() if f not in listed
              for v in vals]
    return [*groups, {"hidden": hidden}] if hidden else groups


def _pagination(result: SearchResult, state: SearchState) -> dict | None:
    if result.pages <= 1:
        return None
    page = result.page
    return {
        "prev": state.with_page(page - 1).href() if page > 1 else None,
        "next": state.with_page(page + 1).href() if page < result.pages else None,
        "pages": [(n, state.with_page(n).href() if n else None)
                  for n in page_window(page, result.pages)],
        "current": page,
    }


def _zero_help(result: SearchResult, state: SearchState) -> dict:
    """Why nothing was found and what to try: the same query without filters, if it helps."""
    without_filters = None
    if state.has_filters:
        try:
            plain = _engine().search(state.cleared().request(1, page=1))
        except SearchError:
            plain = None
        if plain is not None and plain.total:
            without_filters = {"total": plain.total, "href": state.cleared().href()}
    return {"without_filters": without_filters,
            "suggestions": [(s, state.with_query(s).href()) for s in result.suggestions]}


# ---------------------------------------------------------------- the record page

@bp.get("/records/<path:rid>")
def record_page(rid: str):
    try:
        state = SearchState.from_args(request.args)
    except SearchError:
        state = SearchState(q=request.args.get("q", ""))
    if len(state.q) > MAX_QUERY_CHARS:
        return _error_page(400, "検索語が長すぎます",
                           f"検索語は {MAX_QUERY_CHARS} 文字以内にしてください。")
    try:
        view = _engine().record(rid, q=state.q)
    except SearchError as exc:
        return _error_page(404, "記事が見つかりません", str(exc))
    back = state.href(url_for("pages.search_page")) if request.args else None
    return render_template("record.html", view=view, rec=view.record, state=state, back=back,
                           record_href=_common(state)["record_href"])


# ---------------------------------------------------------------- CSV and Atom

@bp.get("/export.csv")
def export_csv():
    try:
        state = SearchState.from_args(request.args)
        first = _engine().search(state.request(MAX_PAGE_SIZE, page=1))
    except SearchError as exc:
        return Response(f"{exc}\n", status=400, mimetype="text/plain")
    limit = current_app.config["CSV_MAX_ROWS"]

    def hits() -> Iterator:
        yield from first.results
        sent = len(first.results)
        for page in range(2, first.pages + 1):
            if sent >= limit:
                return
            more = _engine().search(state.request(MAX_PAGE_SIZE, page=page)).results
            yield from more[: limit - sent]
            sent += len(more)

    body = hits_csv(hits(), lambda rid: url_for("pages.record_page", rid=rid, _external=True))
    name = f"kirinuki-{date.today():%Y%m%d}.csv"
    return Response(body.encode("utf-8"), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'},
                    content_type="text/csv; charset=utf-8")


@bp.get("/feed.atom")
def atom():
    try:
        state = SearchState.from_args(request.args)
        result = _engine().search(state.request(current_app.config["FEED_SIZE"], page=1,
                                                sort="newest"))
    except SearchError as exc:
        return Response(f"{exc}\n", status=400, mimetype="text/plain")
    what = f"「{state.q}」" if state.q else "すべての記事"
    filters = "・".join(c.value for c in state.chips())
    title = f"kirinuki 切り抜き: {what}" + (f"({filters})" if filters else "") + "の新着"
    page_url = url_for("pages.search_page", _external=True) + (
        "?" + state.with_page(1).query_string() if state.params() else "")
    body = atom_feed(
        title=title, self_url=request.url, page_url=page_url, feed_id=request.url,
        hits=result.results,
        record_url=lambda rid: url_for("pages.record_page", rid=rid, _external=True))
    return Response(body, content_type="application/atom+xml; charset=utf-8")


# ---------------------------------------------------------------- template filters

@bp.app_template_filter("jdate")
def jdate(value: str | None) -> str:
    """2025-07-31 → 2025年7月31日(木); anything else as it is."""
    if not value:
        return "日付なし"
    try:
        d = date.fromisoformat(value)
    except ValueError:
        return value
    return f"{d.year}年{d.month}月{d.day}日({WEEKDAYS[d.weekday()]})"

@bp.app_template_filter("month_label")
def month_label(value: str) -> str:
    """2025-07 → 7月."""
    try:
        return f"{int(value[5:7])}月"
    except ValueError:
        return value


# ---------------------------------------------------------------- errors

def _wants_json() -> bool:
    return request.path == "/api" or request.path.startswith("/api/")


def _error_page(status: int, title: str, message: str):
    return render_template("error.html", status=status, title=title, message=message), status


def _error(status: int, title: str, message: str, json_message: str | None = None):
    """The error as JSON under /api/, as the Japanese error page elsewhere."""
    if _wants_json():
        return {"error": json_message or message}, status
    return _error_page(status, title, message)


def register_error_handlers(app: Flask) -> None:
    """JSON under /api/, a Japanese page elsewhere; a message and the right status always."""

    @app.errorhandler(IndexMissingError)
    def no_index(exc: IndexMissingError):
        return _error(503, "索引がありません", "索引がまだありません。`python manage.py reindex` "
                                             "を実行して索引を作ってください。")

    @app.errorhandler(IndexOutdatedError)
    def old_index(exc: IndexOutdatedError):
        return _error(503, "索引を作り直してください", "索引が別の版の kirinuki で作られています。"
                      "`python manage.py reindex` を実行して作り直してください。")

    @app.errorhandler(SearchError)
    def bad_request(exc: SearchError):
        return _error(400, "検索できません", str(exc))

    @app.errorhandler(BadHost)
    def bad_host(exc: BadHost):
        # Werkzeug could not read the Host header (a label over 63 characters), so routing
        # never started and url_for, which the error page uses, has no adapter. The page's
        # links are relative: any bound name serves.
        if request_ctx.url_adapter is None:
            request_ctx.url_adapter = app.url_map.bind(
                "localhost", script_name=request.script_root or "/", url_scheme=request.scheme)
        return http_error(exc)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        titles = {400: "リクエストを読めません", 404: "ページが見つかりません",
                  405: "この方法では開けません", 413: "リクエストが大きすぎます"}
        title = titles.get(exc.code or 500, exc.name)
        messages = {400: "アドレスかヘッダーに読めない部分があります。検索画面から開き直して"
                         "ください。",
                    404: "アドレスを確かめるか、検索画面から探し直してください。",
                    405: "このアドレスは GET で開いてください。"}
        message = messages.get(exc.code or 500, exc.description or "")
        return _error(exc.code or 500, title, message, json_message=f"{title}。{message}")

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        log.exception("unexpected error on %s", request.path)
        return _error(500, "エラーが起きました", "サーバーで予期しないエラーが起きました。"
                      "時間をおいて試すか、管理者に連絡してください。")
