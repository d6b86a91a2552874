"""Dates as the query language and the page's boxes write them: 2024, 2024-06, 2024-06-01,
2024年6月, in an era (令和6年, 令和元年5月1日, R6.5.1, H30), a fiscal year (2024年度,
平成30年度: April to March), and ranges 2023..2024, ..2020, 2024-06-01..; each read as
inclusive bounds."""

from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from ..config import DATA_DIR
from ..datatables import read_table
from ..text.kana import nfkc

_DATE_PART = re.compile(r"^(\d{4})(?:[-/.](\d{1,2}))?(?:[-/.](\d{1,2}))?$")


# 2024年、2024年5月、2024年5月3日: how a date is written in Japanese (the page's date boxes)
_DATE_PART_JA = re.compile(r"^(\d{4})年(?:(\d{1,2})月(?:(\d{1,2})日)?)?$")


# 2024年度: a fiscal year, April to March
_FISCAL_YEAR = re.compile(r"^(\d{4})年度$")


@dataclass(frozen=True)
class Era:
    name: str
    letter: str
    first: date
    last: date | None  # None: the present era


@lru_cache(maxsize=1)
def eras() -> tuple[Era, ...]:
    """data/eras.toml, oldest first, each era ending the day before the next begins."""
    rows = sorted(read_table(DATA_DIR / "eras.toml")["era"], key=lambda row: row["first"])
    return tuple(Era(row["name"], row["letter"].upper(), row["first"],
                     rows[i + 1]["first"] - timedelta(days=1) if i + 1 < len(rows) else None)
                 for i, row in enumerate(rows))


@lru_cache(maxsize=1)
def _era_patterns() -> tuple[re.Pattern, re.Pattern]:
    """令和6年[5月[3日]] or 令和6年度, and R6[.5[.3]] (a letter or a name, then 元 or a year)."""
    era = "|".join([*(re.escape(e.name) for e in eras()), *(e.letter for e in eras())])
    written = re.compile(rf"^({era})(元|\d{{1,2}})年(?:(度)|(\d{{1,2}})月(?:(\d{{1,2}})日)?)?$",
                         re.IGNORECASE)
    short = re.compile(rf"^({era})(元|\d{{1,2}})(?:[-/.](\d{{1,2}})(?:[-/.](\d{{1,2}}))?)?$",
                       re.IGNORECASE)
    return written, short


def _era_bounds(text: str) -> tuple[datetime, datetime] | None:
    """The days an era date covers, within its era (None if it names none or lies outside)."""
    written, short = _era_patterns()
    m = written.match(text)
    if m:
        name, number, fiscal, month, day = m.groups()
    else:
        m = short.match(text)
        if not m:
            return None
        (name, number, month, day), fiscal = m.groups(), None
    era = next(e for e in eras() if name in (e.name, e.letter) or name.upper() == e.letter)
    year = era.first.year + (1 if number == "元" else int(number)) - 1
    if number != "元" and int(number) < 1 or (era.last and year > era.last.year):
        return None  # 令和0年; 平成32年 (平成 ended in its 31st year)
    if fiscal:
        return _fiscal_year(year)
    days = _days(year, month, day)
    if days is None:
        return None
    first, last = max(days[0], era.first), min(days[1], era.last or days[1])
    return _span(first, last) if first <= last else None  # 令和元年4月 was 平成


def _days(year: int, month: str | None, day: str | None) -> tuple[date, date] | None:
    """The first and last day of a year, a month or a day (None if the calendar has none).

    The last day is found by the calendar, never by adding a day: 9999-12-31 has no next
    day (datetime.max), and that date is as readable as any other."""
    try:
        if day:
            first = date(year, int(month or 0), int(day))
            return first, first
        if month:
            first = date(year, int(month), 1)
            return first, first.replace(day=monthrange(year, first.month)[1])
        return date(year, 1, 1), date(year, 12, 31)
    except ValueError:
        return None


def _fiscal_year(year: int) -> tuple[datetime, datetime]:
    """April of ``year`` to March of the next."""
    return _span(date(year, 4, 1), date(year + 1, 3, 31))


def _span(first: date, last: date) -> tuple[datetime, datetime]:
    return datetime.combine(first, time.min), datetime.combine(last, time.max)


def _date_bounds(text: str) -> tuple[datetime, datetime] | None:
    text = nfkc(text).strip()  # ２０２４ as 2024
    fiscal = _FISCAL_YEAR.match(text)
    if fiscal:
        year = int(fiscal.group(1))
        return _fiscal_year(year) if 1 <= year < 9999 else None
    m = _DATE_PART.match(text) or _DATE_PART_JA.match(text)
    if not m:
        return _era_bounds(text)
    days = _days(int(m.group(1)), m.group(2), m.group(3))
    return _span(*days) if days else None


def parse_date_range(text: str) -> tuple[datetime | None, datetime | None] | None:
    """'2024', '2024-06', '2023..2024', '..2020', '2024-06-01..', '令和6年', 'H30.4',
    '平成30年度' → inclusive bounds."""
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
