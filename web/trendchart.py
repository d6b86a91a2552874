"""Geometry of the trends chart: one line per term over the periods, drawn server-side as
inline SVG (no script, no inline style: the CSP forbids them), each point a link to the
search it counts. The arithmetic is here so it can be tested."""

from __future__ import annotations

from dataclasses import dataclass

from search.engine import Trends

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 14, 28  # room for the value axis and the period labels
MAX_LABELS = 8  # period labels written under the axis, at most


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    value: str  # as shown: 12, or 3.4 %
    href: str
    name: str  # the link's accessible name: クアッド 2024年 12件


@dataclass(frozen=True)
class Line:
    term: str
    n: int  # 0-4: its colour and dash (CSS classes series-0 …)
    points: list[Point]
    total: int

    @property
    def path(self) -> str:
        return " ".join(f"{p.x},{p.y}" for p in self.points)


@dataclass(frozen=True)
class Chart:
    lines: list[Line]
    labels: list[tuple[float, str, str]]  # (x, period, text-anchor) under the axis
    ticks: list[tuple[float, str]]  # (y, value) beside the axis
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    bottom: float = HEIGHT - BOTTOM


def period_name(period: str) -> str:
    """2024 → 2024年; 2024-03 → 2024年3月."""
    return f"{period}年" if len(period) == 4 else f"{period[:4]}年{int(period[5:])}月"


def shown(value: float, share: bool) -> str:
    return f"{value * 100:.1f} %" if share else f"{int(value):,}"


def trend_chart(data: Trends, share: bool, href) -> Chart | None:
    """The chart of ``data`` (counts, or shares when ``share``); ``href(term, period)`` is
    the search a point opens. None when no term was found in any period."""
    if not data.periods:
        return None
    values = [s.shares if share else s.counts for s in data.series]
    peak = max((v for row in values for v in row), default=0) or 1
    if share:
        marks = [peak * k / 4 for k in range(5)]
    else:  # whole numbers on the axis: 0, 1, 2 (not 0, 0.5 shown as 0, 1 …)
        step = max(1, -(-int(peak) // 4))
        peak = step * -(-int(peak) // step)
        marks = list(range(0, int(peak) + 1, step))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(1, len(data.periods) - 1)

    def x(i: int) -> float:
        return round(LEFT + (i * step if len(data.periods) > 1 else plot_w / 2), 2)

    def y(v: float) -> float:
        return round(TOP + plot_h - plot_h * v / peak, 2)

    lines = []
    for n, (s, row) in enumerate(zip(data.series, values, strict=True)):
        points = [Point(x(i), y(v), shown(v, share), href(s.term, p),
                        f"{s.term} {period_name(p)} {shown(v, share)}"
                        + ("" if share else "件"))
                  for i, (p, v) in enumerate(zip(data.periods, row, strict=True))]
        lines.append(Line(s.term, n, points, s.total))
    every = max(1, -(-len(data.periods) // MAX_LABELS))
    last = len(data.periods) - 1
    labels = [(x(i), p if len(p) == 4 else p[2:].replace("-", "/"),
               # the ends written inward, so no label runs off the drawing
               "middle" if last == 0 else "start" if i == 0 else "end" if i == last
               else "middle")
              for i, p in enumerate(data.periods) if i % every == 0]
    ticks = [(y(v), shown(v, share)) for v in marks]
    return Chart(lines, labels, ticks)
