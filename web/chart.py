"""Geometry for the hits-per-year bar chart, drawn server-side as inline SVG.

The template only places rectangles; the arithmetic lives here so it can be tested, and so
the page needs neither JavaScript nor inline styles (the CSP forbids them) to draw it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

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
    href: str | None  # None: an empty year, drawn but not offered as a link
    selected: bool  # the year is chosen, or lies within the chosen period
    label: bool  # whether the year is written under the bar
    action: str = ""  # what choosing the bar does, when it is not just "this year"

    @property
    def cx(self) -> float:
        return round(self.x + self.width / 2, 2)

    @property
    def name(self) -> str:
        """The link's accessible name: the year, its count, and what a click does."""
        return f"{self.year}年 {self.count}件" + (f"({self.action})" if self.action else "")


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
    selected = set(state.selected.get("year", ()))
    if not counts or not any(counts.values()):
        return None
    first, last = min(map(int, counts)), max(map(int, counts))
    years = [str(y) for y in range(first, last + 1)]
    peak = max(counts.values())
    slot = WIDTH / len(years)
    every = max(1, -(-len(years) // 6))  # at most about six year labels
    plot = HEIGHT - TOP - BOTTOM
    period = _period_years(state)
    bars = []
    for i, year in enumerate(years):
        n = counts.get(year, 0)
        h = round(plot * n / peak, 2) if n else 0.0
        if n and h < 1.5:
            h = 1.5  # one article must still be visible
        target, action = bar_target(state, year, selected)
        bars.append(Bar(
            year=year, count=n, x=round(i * slot + slot * GAP / 2, 2),
            y=round(TOP + plot - h, 2), width=round(slot * (1 - GAP), 2), height=h,
            href=target.href() if n else None,
            selected=year in selected or (period is not None and period[0] <= year <= period[1]),
            label=(len(years) - 1 - i) % every == 0, action=action if n else ""))
    return Chart(bars, WIDTH, HEIGHT, TOP + plot, peak)


def bar_target(state: SearchState, year: str, selected: set[str]) -> tuple[SearchState, str]:
    """Where a click on ``year``'s bar leads, and how to say so when it is not "that year".

    One click chooses a year; a click on a second bar while exactly one year is chosen
    chooses the period between them (from/to), so a range of years takes two clicks.
    Clicking the chosen year again takes it off.
    """
    if year in selected:
        return state.without("year", year), "選択中・選ぶと解除"
    if len(selected) == 1 and not state.date_from and not state.date_to:
        (chosen,) = selected
        start, end = sorted((chosen, year))
        period = replace(state.without("year"), date_from=start, date_to=end)
        return period, f"{start}年〜{end}年の期間にする"
    return replace(state.only("year", year), date_from="", date_to=""), ""


def _period_years(state: SearchState) -> tuple[str, str] | None:
    """The years the from/to period touches, for drawing its bars as chosen."""
    if not state.date_from and not state.date_to:
        return None
    return (state.date_from[:4] or "0000", state.date_to[:4] or "9999")
