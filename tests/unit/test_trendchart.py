"""The trends chart's geometry (web/trendchart.py), exactly, for a small made-up series."""

from __future__ import annotations

from search.engine.trends import Series, Trends
from web.trendchart import period_name, trend_chart


def data(by: str = "year") -> Trends:
    periods = ["2023", "2024", "2025"] if by == "year" else ["2024-11", "2024-12", "2025-01"]
    return Trends(by, periods, [10, 20, 40], [
        Series("クアッド", "クアッド", [0, 2, 4], [0.0, 0.1, 0.1], 6),
        Series("日米豪印", "日米豪印", [1, 0, 2], [0.1, 0.0, 0.05], 3)])


def href(term: str, period: str) -> str:
    return f"/?q={term}&from={period}&to={period}"


def test_counts_are_drawn_to_the_largest():
    chart = trend_chart(data(), False, href)
    first, second = chart.lines
    # x from 44 to 628 in two steps; y from 14 (the peak, 4) to 232 (zero)
    assert [(p.x, p.y) for p in first.points] == [(44.0, 232.0), (336.0, 123.0), (628.0, 14.0)]
    assert [(p.x, p.y) for p in second.points] == [(44.0, 177.5), (336.0, 232.0),
                                                   (628.0, 123.0)]
    assert first.path == "44.0,232.0 336.0,123.0 628.0,14.0"
    assert [p.name for p in first.points] == ["クアッド 2023年 0件", "クアッド 2024年 2件",
                                              "クアッド 2025年 4件"]
    assert first.points[2].href == "/?q=クアッド&from=2025&to=2025"
    assert (first.n, second.n, first.total) == (0, 1, 6)
    assert chart.labels == [(44.0, "2023", "start"), (336.0, "2024", "middle"),
                            (628.0, "2025", "end")]
    assert chart.ticks == [(232.0, "0"), (177.5, "1"), (123.0, "2"), (68.5, "3"), (14.0, "4")]


def test_shares_and_months():
    chart = trend_chart(data("month"), True, href)
    assert [p.value for p in chart.lines[0].points] == ["0.0 %", "10.0 %", "10.0 %"]
    assert chart.lines[1].points[0].name == "日米豪印 2024年11月 10.0 %"
    assert chart.labels[0] == (44.0, "24/11", "start")
    assert chart.ticks[-1] == (14.0, "10.0 %")


def test_the_count_axis_is_marked_in_whole_numbers():
    two = Trends("year", ["2024", "2025"], [5, 5], [Series("a", "a", [1, 2], [0.2, 0.4], 3)])
    assert [label for _, label in trend_chart(two, False, href).ticks] == ["0", "1", "2"]
    many = Trends("year", ["2024", "2025"], [50, 50], [Series("a", "a", [3, 13], [0, 0], 16)])
    chart = trend_chart(many, False, href)
    assert [label for _, label in chart.ticks] == ["0", "4", "8", "12", "16"]
    assert chart.lines[0].points[1].y == round(14 + 218 - 218 * 13 / 16, 2)


def test_one_period_sits_in_the_middle_and_none_draws_nothing():
    one = Trends("year", ["2024"], [5], [Series("a", "a", [3], [0.6], 3)])
    assert [(p.x, p.y) for p in trend_chart(one, False, href).lines[0].points] == [(336.0, 14.0)]
    assert trend_chart(Trends("year", [], [], [Series("a", "a", [], [], 0)]), False, href) is None
    assert period_name("2024") == "2024年" and period_name("2024-03") == "2024年3月"
