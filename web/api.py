"""The JSON API: the search page's parameters in, the engine's search object out.

``/api/search`` returns ``SearchResult.to_dict()`` unchanged, so the CLI's ``--json``, the
page and the API never disagree. Errors are ``{"error": message}`` with a 4xx status
(the handlers in views.py cover everything under /api/).
"""

from __future__ import annotations

from flask import Blueprint, current_app, request, url_for

from search.engine import MAX_QUERY_CHARS, Engine, SearchError

from .urls import SearchState, parse_page_size

bp = Blueprint("api", __name__)


def _engine() -> Engine:
    return current_app.extensions["kirinuki.engine"]


@bp.get("/search")
def search():
    state = SearchState.from_args(request.args)  # SearchError → 400 JSON
    size = parse_page_size(request.args.get("page_size", "")) or current_app.config["PAGE_SIZE"]
    result = _engine().search(state.request(size))
    if state.page > result.pages:
        raise SearchError(f"ページ {state.page} はありません。この検索の結果は全 "
                          f"{result.pages} ページです")
    return result.to_dict()


@bp.get("/records/<path:rid>")
def record(rid: str):
    q = request.args.get("q", "")
    if len(q) > MAX_QUERY_CHARS:
        raise SearchError(f"検索語が長すぎます({len(q)}文字)。{MAX_QUERY_CHARS}文字以内に"
                          "してください")
    try:
        view = _engine().record(rid, q=q)
    except SearchError as exc:
        return {"error": str(exc)}, 404
    return {
        "record": view.record.to_dict(),
        "title_html": view.title_html,
        "summary_html": view.summary_html,
        "url": url_for("pages.record_page", rid=rid, _external=True),
        "related": [h.to_dict() for h in view.related],
    }
