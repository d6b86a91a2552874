"""The trends view: up to five terms, their clippings per year or month, as counts or as a
share of the period's clippings; a chart whose points open the searches they count, the
same figures as a table and as CSV, and the JSON API (search.engine.trends does the
counting)."""

from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, current_app, render_template, request, url_for

from search.engine import MAX_TERMS, Engine, SearchError, Trends

from .feeds import BOM, csv_cell
from .trendchart import period_name, trend_chart
from .urls import SearchState

bp = Blueprint("trends", __name__)


def _engine() -> Engine:
    return current_app.extensions["kirinuki.engine"]


def _asked() -> tuple[list[str], str, bool, SearchState]:
    """The terms (t, repeatable), the period (by), the measure, and the filters of the URL."""
    terms = [t for t in request.args.getlist("t")][:MAX_TERMS * 2]
    by = request.args.get("by", "year") or "year"
    share = request.args.get("measure", "count") == "share"
    return terms, by, share, SearchState.from_args(request.args)


def _data() -> tuple[Trends, list[str], str, bool, SearchState]:
    terms, by, share, state = _asked()
    return _engine().trends(terms, by, state.request(1)), terms, by, share, state


def point_href(state: SearchState, term: str, period: str) -> str:
    """The search a point counts: the term, the filters, and that year or month."""
    return SearchState(q=term, selected=state.selected, match_all=state.match_all,
                       date_from=period, date_to=period).href(url_for("pages.search_page"))


@bp.get("/trends")
def trends_page():
    terms, by, share, _ = _asked()
    if not any(t.strip() for t in terms):  # the empty form, to be filled in
        return render_template("trends.html", data=None, chart=None, terms=[], by=by,
                               share=share, error=None, slots=MAX_TERMS)
    try:
        data, terms, by, share, state = _data()
    except SearchError as exc:
        return render_template("trends.html", data=None, chart=None, terms=terms, by=by,
                               share=share, error=str(exc), slots=MAX_TERMS), 400
    chart = trend_chart(data, share, lambda term, p: point_href(state, term, p))
    args = request.args.to_dict(flat=False)
    return render_template(
        "trends.html", data=data, chart=chart, terms=[s.term for s in data.series], by=by,
        share=share, error=None, slots=MAX_TERMS, period_name=period_name,
        href=lambda term, p: point_href(state, term, p), chips=state.chips(),
        csv_href=url_for("trends.trends_csv", **args),
        json_href=url_for("trends.trends_api", **args))


@bp.get("/trends.csv")
def trends_csv():
    try:
        data, *_ = _data()
    except SearchError as exc:
        return Response(f"書き出せません: {exc}\n", 400, content_type="text/plain; charset=utf-8")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    rows = [["期間", *(f"{s.term} 件数" for s in data.series),
             *(f"{s.term} 割合" for s in data.series), "全記事"]]
    rows += [[period, *(s.counts[i] for s in data.series),
              *(s.shares[i] for s in data.series), data.clippings[i]]
             for i, period in enumerate(data.periods)]
    for row in rows:  # a typed term is a cell too: =… is never run as a formula
        writer.writerow([csv_cell(cell) for cell in row])
    return Response((BOM + out.getvalue()).encode("utf-8"),
                    content_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition":
                             'attachment; filename="kirinuki-trends.csv"'})


@bp.get("/api/trends")
def trends_api():
    try:
        data, *_ = _data()
    except SearchError as exc:
        return {"error": str(exc)}, 400
    return data.to_dict()
