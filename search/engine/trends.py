"""Trends over time: how many clippings each of a few searches finds per year or month, as
counts or as a share of all the clippings of that period.

A researcher of policy discourse asks when クアッド starts to appear and how it compares
with 日米豪印. Each term is searched as the search box searches it (synonyms, readings,
partial matches and the filters of the request alike, so a point's count is the total of
the search its link opens), then counted per period with the date facet's column; the
period's own total (every clipping within the same filters, words aside) is the base of
the share. Periods run from the first to the last in which any term was found, empty
ones included, so the axis is time and not a list of hits.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import SearchError
from .pipeline import Context, filters, match, understand
from .request import SearchRequest, check_length, validate

MAX_TERMS = 5
PERIODS = {"year": "year", "month": "month"}  # the date facet each period is counted with
MEASURES = ("count", "share")


@dataclass
class Series:
    term: str  # as typed
    understood: str  # as searched
    counts: list[int]  # per period
    shares: list[float]  # per period: counts / the period's clippings (0 when it has none)
    total: int  # over every period

    def to_dict(self) -> dict:
        return {"term": self.term, "understood": self.understood, "total": self.total,
                "counts": self.counts, "shares": self.shares}


@dataclass
class Trends:
    by: str  # "year" or "month"
    periods: list[str]  # 2019, 2020 … or 2019-04, 2019-05 …
    clippings: list[int]  # every clipping of each period within the filters
    series: list[Series]

    def to_dict(self) -> dict:
        return {"by": self.by, "periods": self.periods, "clippings": self.clippings,
                "series": [s.to_dict() for s in self.series]}


def check_terms(terms: list[str], by: str) -> list[str]:
    """The terms to chart (blank ones dropped, each once); a message for what cannot be."""
    wanted = list(dict.fromkeys(t.strip() for t in terms if t and t.strip()))
    if not wanted:
        raise SearchError("比べる語を 1 つ以上入力してください(例: クアッド、日米豪印)")
    if len(wanted) > MAX_TERMS:
        raise SearchError(f"比べられる語は {MAX_TERMS} つまでです。語を減らしてください")
    for term in wanted:
        check_length(term)  # each term is a query: the same limit
    if by not in PERIODS:
        raise SearchError(f"期間の単位「{by}」は使えません。year(年)か month(月)を指定して"
                          "ください")
    return wanted


def _between(first: str, last: str, by: str) -> list[str]:
    """Every period from ``first`` to ``last``: 2019 … 2021, or 2019-11 … 2020-02."""
    if by == "year":
        return [str(y) for y in range(int(first), int(last) + 1)]
    out, (y, m) = [], map(int, first.split("-"))
    end = tuple(map(int, last.split("-")))
    while (y, m) <= end:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def trends(ctx: Context, terms: list[str], by: str, req: SearchRequest) -> Trends:
    """Each term's clippings per period, within ``req``'s filters (its words are ignored)."""
    wanted = check_terms(terms, by)
    base = SearchRequest(selected=req.selected, date_from=req.date_from, date_to=req.date_to,
                         match_all=req.match_all)
    validate(base)
    filt = filters(ctx, base)
    column = ctx.ix.columns.facets[PERIODS[by]]
    allowed = filt.within.copy()
    for mask in filt.selections.values():
        if mask is not None:
            allowed &= mask
    everything = column.counts(allowed)
    found = []
    for term in wanted:
        parsed = understand(ctx, term)
        result = match(ctx, parsed, filt)
        found.append((term, parsed.understood, column.counts(result.allowed)))
    held = np.flatnonzero(sum((counts for *_, counts in found), np.zeros_like(everything)))
    if not len(held):
        return Trends(by, [], [], [Series(t, u, [], [], 0) for t, u, _ in found])
    periods = _between(column.values[held[0]], column.values[held[-1]], by)
    code = {v: i for i, v in enumerate(column.values)}

    def per_period(counts: np.ndarray) -> list[int]:
        return [int(counts[code[p]]) if p in code else 0 for p in periods]

    base_counts = per_period(everything)
    series = []
    for term, understood, counts in found:
        row = per_period(counts)
        shares = [round(n / of, 4) if of else 0.0 for n, of in zip(row, base_counts,
                                                                    strict=True)]
        series.append(Series(term, understood, row, shares, sum(row)))
    return Trends(by, periods, base_counts, series)
