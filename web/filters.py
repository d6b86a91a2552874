"""The templates' filters: dates as a Japanese reader writes them, and what a facet value is
found under when a list is narrowed by typing."""

from __future__ import annotations

from datetime import date

from search.query.complete import value_keys

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


def find_keys(value: str, facet: str) -> str:
    """A facet value's readings and other names, space-separated, for the list's narrowing
    box (web/static/filters.js): あめりか finds 米国, さんけい 産経新聞, にっけい 日本経済新聞."""
    return " ".join(value_keys(facet, value))


FILTERS = {"jdate": jdate, "month_label": month_label, "find_keys": find_keys}
