"""Geometry for the hits-per-year bar chart, drawn server-side as inline SVG.

The template only places rectangles; the arithmetic lives here so it can be tested, and so
the page needs neither JavaScript nor inline styles (the CSP forbids them) to draw it.
"""

from __future__ import annotations

from dataclasses import dataclass

from search.facets import FacetValue

from .urls import SearchState

WIDTH = 300
HEIGHT = 130
TOP = 16  # room for the count above the tallest bar
BOTTOM = 20  # room for the year labels
GAP = 0.18  # share of each slot left empty between bars


@dataclass(frozen=True)
class Bar:
    year: str
    count: int
    x: float
    y: float
    width: float
    height: float
    href: str
    selected: bool
    label: bool  # whether the year is written under the bar

    @property
    def cx(self) -> float:
        return round(self.x + self.width / 2, 2)


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    width: int
    height: int
    baseline: float
    peak: int

    @property
    def summary(self) -> str:
        """The chart in words, for screen readers and for anyone without SVG."""
        shown = [f"{b.year}年 {b.count}件" for b in self.bars if b.count]
        return "年ごとの件数: " + "、".join(shown) if shown else "該当する年はありません"


def year_chart(values: list[FacetValue], state: SearchState) -> Chart | None:
    """Bars for every year from the first to the last with hits (gaps drawn as empty)."""
    counts = {v.value: v.count for v in values if v.value.isascii() and v.value.isdigit()}
    selected = {v.value for v in values if v.selected}
    if not counts or not any(counts.values()):
        return None
    first, last = min(map(int, counts)), max(map(int, counts))
    years = [str(y) for y in range(first, last + 1)]
    peak = max(counts.values())
    slot = WIDTH / len(years)
    every = max(1, -(-len(years) // 6))  # at most about six year labels
    plot = HEIGHT - TOP - BOTTOM
    bars = []
    for i, year in enumerate(years):
        n = counts.get(year, 0)
        h = round(plot * n / peak, 2) if n else 0.0
        if n and h < 1.5:
            h = 1.5  # one article must still be visible
        target = state.without("year", year) if year in selected else state.only("year", year)
        bars.append(Bar(
            year=year, count=n, x=round(i * slot + slot * GAP / 2, 2),
            y=round(TOP + plot - h, 2), width=round(slot * (1 - GAP), 2), height=h,
            href=target.href(), selected=year in selected,
            label=(len(years) - 1 - i) % every == 0))
    return Chart(bars, WIDTH, HEIGHT, TOP + plot, peak)
