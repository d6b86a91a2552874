"""Dates as the query language and the page's boxes write them: 2024, 2024-06, 2024-06-01,
2024年6月, and ranges 2023..2024, ..2020, 2024-06-01..; each read as inclusive bounds."""

from __future__ import annotations

import re
from calendar import monthrange
from datetime import datetime, time

from ..text.kana import nfkc

_DATE_PART = re.compile(r"^(\d{4})(?:[-/.](\d{1,2}))?(?:[-/.](\d{1,2}))?$")


# 2024年、2024年5月、2024年5月3日: how a date is written in Japanese (the page's date boxes)
_DATE_PART_JA = re.compile(r"^(\d{4})年(?:(\d{1,2})月(?:(\d{1,2})日)?)?$")


def _date_bounds(text: str) -> tuple[datetime, datetime] | None:
    text = nfkc(text).strip()  # ２０２４ as 2024
    m = _DATE_PART.match(text) or _DATE_PART_JA.match(text)
    if not m:
        return None
    year, month, day = int(m.group(1)), m.group(2), m.group(3)
    try:
        # The last day is found by the calendar, never by adding a day: 9999-12-31 has no
        # next day (datetime.max), and that date is as readable as any other.
        if day:
            start = datetime(year, int(month), int(day))
            last = start
        elif month:
            start = datetime(year, int(month), 1)
            last = start.replace(day=monthrange(year, start.month)[1])
        else:
            start, last = datetime(year, 1, 1), datetime(year, 12, 31)
    except ValueError:
        return None
    return start, datetime.combine(last.date(), time.max)


def parse_date_range(text: str) -> tuple[datetime | None, datetime | None] | None:
    """'2024', '2024-06', '2023..2024', '..2020', '2024-06-01..' → inclusive bounds."""
    if ".." in text:
        left, right = text.split("..", 1)
        lo = _date_bounds(left) if left else (None, None)
        hi = _date_bounds(right) if right else (None, None)
        if lo is None or hi is None or (not left and not right):
            return None
        start, end = lo[0], hi[1]
        if start and end and start > end:
            return None
        return start, end
    bounds = _date_bounds(text)
    return bounds


def show_range(start: datetime | None, end: datetime | None) -> str:
    left = start.date().isoformat() if start else ""
    right = end.date().isoformat() if end else ""
    return left if left == right else f"{left}..{right}"
