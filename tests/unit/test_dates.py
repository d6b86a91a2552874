"""Era dates (和暦) and fiscal years wherever a date is typed (search/query/dates.py): each
era's first and last day, 元年, the R/H/S abbreviations, 年度 as April to March, and what lies
outside its era refused. The eras are the bundled table, data/eras.toml."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from search.query.dates import eras, parse_date_range


def days(first: str, last: str) -> tuple[datetime, datetime]:
    return (datetime.combine(date.fromisoformat(first), time.min),
            datetime.combine(date.fromisoformat(last), time.max))


def test_the_eras_and_their_ends():
    assert [(e.name, e.letter, e.first, e.last) for e in eras()] == [
        ("昭和", "S", date(1926, 12, 25), date(1989, 1, 7)),
        ("平成", "H", date(1989, 1, 8), date(2019, 4, 30)),
        ("令和", "R", date(2019, 5, 1), None),
    ]


@pytest.mark.parametrize(("text", "first", "last"), [
    # each era's first and last day, as a day, and the year and month they fall in
    ("昭和元年12月25日", "1926-12-25", "1926-12-25"),
    ("昭和元年", "1926-12-25", "1926-12-31"),
    ("昭和64年1月7日", "1989-01-07", "1989-01-07"),
    ("昭和64年", "1989-01-01", "1989-01-07"),
    ("平成元年1月8日", "1989-01-08", "1989-01-08"),
    ("平成元年1月", "1989-01-08", "1989-01-31"),
    ("平成元年", "1989-01-08", "1989-12-31"),
    ("平成31年4月30日", "2019-04-30", "2019-04-30"),
    ("平成31年", "2019-01-01", "2019-04-30"),
    ("令和元年5月1日", "2019-05-01", "2019-05-01"),
    ("令和元年", "2019-05-01", "2019-12-31"),
    ("令和6年", "2024-01-01", "2024-12-31"),
    ("令和6年2月", "2024-02-01", "2024-02-29"),
    # abbreviations, with or without 年, any case and width, leading zeros
    ("R6", "2024-01-01", "2024-12-31"),
    ("r6.5", "2024-05-01", "2024-05-31"),
    ("R6/5/3", "2024-05-03", "2024-05-03"),
    ("Ｒ６．５．３", "2024-05-03", "2024-05-03"),
    ("R06-05-03", "2024-05-03", "2024-05-03"),
    ("H30.4.1", "2018-04-01", "2018-04-01"),
    ("S64", "1989-01-01", "1989-01-07"),
    ("R元", "2019-05-01", "2019-12-31"),
    ("令和6", "2024-01-01", "2024-12-31"),
    ("令和６年５月３日", "2024-05-03", "2024-05-03"),
    # fiscal years: April to March, for every year an era has, across its end
    ("2024年度", "2024-04-01", "2025-03-31"),
    ("令和6年度", "2024-04-01", "2025-03-31"),
    ("R6年度", "2024-04-01", "2025-03-31"),
    ("平成30年度", "2018-04-01", "2019-03-31"),
    ("平成31年度", "2019-04-01", "2020-03-31"),
    ("令和元年度", "2019-04-01", "2020-03-31"),
    ("２０２４年度", "2024-04-01", "2025-03-31"),
    # the calendar's ends: the first fiscal year and the last that ends within it
    ("0001年度", "0001-04-01", "0002-03-31"),
    ("9998年度", "9998-04-01", "9999-03-31"),
])
def test_era_dates_and_fiscal_years(text, first, last):
    assert parse_date_range(text) == days(first, last)


@pytest.mark.parametrize(("text", "first", "last"), [
    ("令和5年..令和6年3月", "2023-01-01", "2024-03-31"),
    ("H30..R1", "2018-01-01", "2019-12-31"),
    ("平成30年度..", "2018-04-01", None),
    ("..R1.5", None, "2019-05-31"),
    ("2023年度..2024年度", "2023-04-01", "2025-03-31"),
])
def test_era_ranges(text, first, last):
    start, end = parse_date_range(text)
    assert start == (days(first, first)[0] if first else None)
    assert end == (days(last, last)[1] if last else None)


@pytest.mark.parametrize("text", [
    "昭和元年12月24日", "平成元年1月7日", "平成31年5月1日", "令和元年4月30日",  # a day outside
    "令和元年4月", "平成31年5月", "昭和元年11月",  # a month wholly outside
    "平成32年", "昭和65年", "H32", "平成32年度",  # a year the era never had
    "令和0年", "R0", "令和00年度", "令和6年13月", "令和6年2月30日", "R6.13",
    "令和", "R", "X6", "大正6年", "令和6年5", "令和6年度5月", "R6..R5",
    "0000年度", "9999年度", "令和100年",
])
def test_what_lies_outside_an_era_or_is_no_date(text):
    assert parse_date_range(text) is None
