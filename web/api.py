"""The JSON API: the search page's parameters in, the engine's search object out.

``/api/search`` returns ``SearchResult.to_dict()`` unchanged, so the CLI's ``--json``, the
page and the API never disagree. Errors are ``{"error": message}`` with a 4xx status
(the handlers in views.py cover everything under /api/).
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, current_app, request, url_for

from search.engine import Engine, SearchError, check_length, check_page, citations
from search.query.complete import DEFAULT_LIMIT, MAX_LIMIT

from .links import absolute_url, record_url
from .urls import SearchState, parse_page_size

bp = Blueprint("api", __name__)


def _engine() -> Engine:
    return current_app.extensions["kirinuki.engine"]


@bp.get("/search")
def search():
    state = SearchState.from_args(request.args)  # SearchError → 400 JSON
    size = parse_page_size(request.args.get("page_size", "")) or current_app.config["PAGE_SIZE"]
    # all=country: every value of that facet, not only its largest (the page asks for all)
    result = _engine().search(state.request(size, all_values=request.args.getlist("all")))
    return check_page(result).to_dict()


@bp.get("/suggest")
def suggest():
    """Help as you type: facet values and words completing the last word of ``q``.

    ``format=opensearch`` gives the OpenSearch suggestions shape browsers read,
    ``[q, [completion, …]]``, a facet value written as a field term (``country:フィリピン``).
    """
    q = request.args.get("q", "")
    raw = request.args.get("limit", "").strip()
    limit = DEFAULT_LIMIT
    if raw:
        if not (raw.isascii() and raw.isdigit()) or len(raw) > 3:
            raise SearchError(f"候補の数「{raw[:20]}」は 1〜{MAX_LIMIT} の整数で指定してください")
        limit = int(raw)
    found = _engine().complete(q, limit)
    if request.args.get("format") == "opensearch":
        texts = [c.query if c.kind == "word" else
                 f"{c.query} {c.param}:{c.value}".lstrip()
                 for c in found.completions if c.kind == "word" or " " not in c.value]
        return Response(json.dumps([q, texts], ensure_ascii=False),
                        content_type="application/x-suggestions+json; charset=utf-8")
    return found.to_dict()


@bp.get("/records/<path:rid>")
def record(rid: str):
    q = request.args.get("q", "")
    check_length(q)
    try:
        view = _engine().record(rid, q=q)
    except SearchError as exc:
        return {"error": str(exc)}, 404
    return {
        "record": view.record.to_dict(),
        "title_html": view.title_html,
        "summary_html": view.summary_html,
        "url": record_url(rid),
        "related": [h.to_dict() for h in view.related],
        # SIST 02, the Japanese newspaper form and Chicago; RIS and BibTeX to download
        "citations": citations(view.record),
        "citation_files": {fmt: absolute_url(url_for(f"pages.export_{ext}", id=rid))
                           for fmt, ext in (("ris", "ris"), ("bibtex", "bib"))},
    }
