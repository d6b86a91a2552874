"""Terminal tables: columns aligned by display width, Japanese counting two columns."""

from __future__ import annotations

import pytest

from search.text.tables import display_width, pad, table


@pytest.mark.parametrize("text, width", [
    ("", 0), ("NATO", 4), ("読売新聞", 8), ("日米 2025", 9), ("ＮＨＫ", 6), ("ｶﾀｶﾅ", 4),
    ("(日付なし)", 10), ("e\u0301", 1), ("「防衛」", 8), ("Ω", 1),
    ("a\u200bb", 2), ("\x07ベル", 4), ("\u3000", 2),
])
def test_display_width(text, width):
    assert display_width(text) == width


def test_pad():
    assert pad("読売", 6) == "読売  "
    assert pad("読売", 6, ">") == "  読売"
    assert pad("NHK", 6) == "NHK   "
    assert pad("読売新聞社", 6) == "読売新聞社"  # wider than asked: left as it is


def test_table_aligns_mixed_scripts():
    lines = table([("読売新聞", 87), ("NHK", 5), ("共同通信", 120)], "<>")
    assert lines == [
        "  読売新聞   87",
        "  NHK         5",
        "  共同通信  120",
    ]
    assert len({display_width(line) for line in lines}) == 1


def test_table_without_rows_and_trailing_spaces():
    assert table([], "<>") == []
    assert table([("a", "")], "<<") == ["  a"]
