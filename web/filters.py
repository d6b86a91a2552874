"""The templates' filters: dates as a Japanese reader writes them."""

from __future__ import annotations

from datetime import date

WEEKDAYS = "月火水木金土日"


def jdate(value: str | None) -> str:
    """2025-07-31 → 2025年7月31日(木); anything else as it is."""
    if not value:
        return "日付なし"
    try:
        d = date.fromisoformat(value)
    except ValueError:
        return value
    return f"{d.year}年{d.month}月{d.day}日({WEEKDAYS[d.weekday()]})"


def month_label(value: str) -> str:
    """2025-07 → 7月."""
    try:
        return f"{int(value[5:7])}月"
    except ValueError:
        return value


FILTERS = {"jdate": jdate, "month_label": month_label}
