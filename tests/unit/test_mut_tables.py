"""search.text.tables at its edges (written for mutation testing)."""

from __future__ import annotations

import pytest

from search.text.tables import pad, table


def test_a_row_of_another_length_than_the_aligns_is_refused():
    with pytest.raises(ValueError):
        table([("a", "b")], "<")
    with pytest.raises(IndexError):  # a row too short has no width to measure
        table([("a",)], "<<")


def test_table_with_its_indent_and_gap():
    assert table([("読売", 1), ("NHK", 22)], "<>", indent="", gap=" | ") == [
        "読売 |  1", "NHK  | 22"]
    assert table([("a", "b")], "><", indent="> ", gap="") == ["> ab"]


def test_pad_left_unless_told_right():
    assert pad("ab", 4) == "ab  "
    assert pad("ab", 4, "<") == "ab  "
    assert pad("ab", 4, ">") == "  ab"
    assert pad("ab", 4, "^") == "ab  "  # anything else: left
    assert pad("ab", 0) == "ab"
    assert pad("ab", -3, ">") == "ab"
