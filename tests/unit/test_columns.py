"""The per-document columns of an opened index (search/index/columns.py), over a real index
of five records in two segments, two of them deleted.

    doc  id  segment  date        title        countries   collection  notes
    0    c0  1        2025-01-02  空母          米国         A
    1    c1  1        (none)      演習                       A           (deleted)
    2    c2  1        2024-12-31  空母 潜水艦    米国 豪州     A           注記
    3    c3  2        2025-01-02  大使                       B
    4    c4  2        2025-02-01  中国          中国         C           (deleted)
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pytest

from search.facets import FACETS
from search.index import columns as columns_module
from search.index.codec.perdoc import byte_values, field_lengths
from search.index.columns import (
    COLUMNS_FILE,
    SCORED_FIELDS,
    DamagedColumnsError,
    _yyyymmdd,
    days,
    load_columns,
    read_columns,
    save_columns,
    sort_keys,
)
from tests.unit.smallindex import Opened, build, record

RECORDS = [
    [record("c0", "2025-01-02", "空母", "空母が寄港した。", countries=("米国",)),
     record("c1", None, "演習", "演習を行った。"),
     record("c2", "2024-12-31", "空母 潜水艦", "潜水艦が入港した。",
            countries=("米国", "豪州"), notes=("注記",))],
    [record("c3", "2025-01-02", "大使", "大使が着任した。", source="朝日新聞",
            collections=("B",), organizations=("国連",)),
     record("c4", "2025-02-01", "中国", "中国の演習。", countries=("中国",),
            collections=("C",), organizations=("国連",))],
]


@pytest.fixture()
def opened(tmp_path):
    ix = build(tmp_path, RECORDS, deleted=("c1", "c4"))
    found = Opened(tmp_path, ix)
    yield found
    found.close()


@pytest.fixture()
def columns(opened):
    return read_columns(opened.searcher.reader(), opened.postings)


def test_size_and_the_live_documents_of_every_segment(columns):
    assert columns.size == 5
    assert columns.live.dtype == bool
    assert columns.live.tolist() == [True, False, True, True, False]


def test_rank_orders_by_date_time_and_id_newest_largest(columns):
    assert columns.rank.dtype == np.int32
    # keys: c1 "0000-00-00 00:00" < c2 2024-12-31 < c0 2025-01-02 c0 < c3 … c3 < c4 2025-02-01
    assert columns.rank.tolist() == [2, 0, 1, 3, 4]


KEYS = [b"2025-01-02 10:00 c0", b"0000-00-00 00:00 c1", b"2024-12-31 10:00 c2",
        b"2025-01-02 10:00 c3", b"2025-02-01 10:00 c4"]


def test_sort_keys_are_read_whole_from_each_segments_column(opened, monkeypatch):
    reader = opened.searcher.reader()
    (first, _), (second, _) = reader.leaf_readers()
    assert byte_values(first, "sortkey").tolist() == KEYS[:3]
    assert byte_values(second, "sortkey").tolist() == KEYS[3:]
    assert sort_keys(reader, 5).tolist() == KEYS
    # a column of another kind: Whoosh's reader, one value at a time, gives the same
    monkeypatch.setattr(columns_module, "byte_values", lambda leaf, name: None)
    assert sort_keys(reader, 5).tolist() == KEYS
    with pytest.raises(ValueError, match="5 sort keys for 6 documents"):
        sort_keys(reader, 6)


def test_keys_of_any_length_sort_as_their_strings_do():
    keys = ["2025-01-02 10:00 b", "2025-01-02 10:00 a#10", "2025-01-02 10:00 a#9",
            "2025-01-02 10:00 白書#1", "0000-00-00 00:00 z", "2025-01-02 10:00 a"]
    array = np.array([k.encode("utf-8") for k in keys])
    assert [keys[i] for i in np.argsort(array, kind="stable")] == sorted(keys)
    assert days(array).tolist() == [20250102] * 4 + [0, 20250102]
    assert days(np.zeros(0, dtype="S1")).tolist() == []


def test_day_is_yyyymmdd_and_zero_when_undated(columns):
    assert columns.day.dtype == np.int32
    assert columns.day.tolist() == [20250102, 0, 20241231, 20250102, 20250201]


def test_lengths_are_whooshs_for_every_scored_field_and_document(opened, columns):
    reader = opened.searcher.reader()
    assert list(columns.lengths) == list(SCORED_FIELDS)
    for field in SCORED_FIELDS:
        assert columns.lengths[field].dtype == np.float32
        assert columns.lengths[field].tolist() == [
            float(reader.doc_field_length(doc, field) or 0) for doc in range(5)], field
    assert columns.lengths["notes"].tolist()[2] > 0
    assert columns.lengths["title"].tolist()[3] > 0  # the second segment's own lengths


def test_a_segment_without_a_fields_column_leaves_its_documents_at_zero(opened):
    leaves = list(opened.searcher.reader().leaf_readers())
    assert field_lengths(leaves[0][0], "notes") is not None
    assert field_lengths(leaves[1][0], "notes") is None  # no document of it has notes


def test_average_length_is_the_fields_total_over_every_document(opened, columns):
    reader = opened.searcher.reader()
    assert set(columns.avg_length) == set(SCORED_FIELDS)
    for field in ("title", "body", "outlet", "notes"):
        assert reader.field_length(field) > 0
        assert columns.avg_length[field] == pytest.approx(reader.field_length(field) / 5)


def test_average_length_of_a_field_no_document_holds_is_one(tmp_path):
    ix = build(tmp_path, [[record("x0", "2025-01-01", "空母", "空母。"),
                           record("x1", "2025-01-02", "空母", "空母。")]])
    opened = Opened(tmp_path, ix)
    try:
        columns = read_columns(opened.searcher.reader(), opened.postings)
        assert columns.avg_length["notes"] == 1
        assert columns.lengths["notes"].tolist() == [0.0, 0.0]
        assert columns.live.tolist() == [True, True]
        assert columns.avg_length["title"] == pytest.approx(
            opened.searcher.reader().field_length("title") / 2)
    finally:
        opened.close()


def test_facet_columns_hold_the_live_documents_of_each_value(columns):
    def pairs(key):
        column = columns.facets[key]
        assert column.size == 5
        return column.values, column.docs.tolist(), column.codes.tolist()

    assert pairs("collection") == (["A", "B"], [0, 2, 3], [0, 0, 1])  # C: deleted only
    assert pairs("country") == (["米国", "豪州"], [0, 2, 2], [0, 0, 1])  # 中国: deleted only
    assert pairs("organization") == (["国連"], [3], [0])
    assert pairs("source") == (["朝日新聞", "読売新聞"], [3, 0, 2], [0, 1, 1])
    assert pairs("year") == (["2024", "2025"], [2, 0, 3], [0, 1, 1])
    assert pairs("month") == (["2024-12", "2025-01"], [2, 0, 3], [0, 1, 1])


def test_dated_is_a_mask_of_days_between_start_and_end_inclusive(columns):
    def days(start, end):
        return columns.dated(start, end).tolist()

    assert days(None, None) == [True, False, True, True, True]
    assert days(datetime(2025, 1, 2, 23, 59), None) == [True, False, False, True, True]
    assert days(datetime(2025, 1, 3), None) == [False, False, False, False, True]
    assert days(None, datetime(2025, 1, 2)) == [True, False, True, True, False]
    assert days(None, datetime(2025, 1, 1)) == [False, False, True, False, False]
    assert days(datetime(2024, 12, 31), datetime(2024, 12, 31)) == [
        False, False, True, False, False]


def test_yyyymmdd():
    assert _yyyymmdd(datetime(2025, 11, 9, 13, 5)) == 20251109
    assert _yyyymmdd(datetime(999, 1, 30)) == 9990130


# -- the columns saved with a build (COLUMNS_FILE) -------------------------------------------


def same(a, b) -> None:
    """Two Columns hold the same arrays, values and averages."""
    assert (a.size, a.avg_length, list(a.lengths), list(a.facets)) == \
        (b.size, b.avg_length, list(b.lengths), list(b.facets))
    for name in ("live", "rank", "day"):
        left, right = getattr(a, name), getattr(b, name)
        assert left.dtype == right.dtype and left.tolist() == right.tolist(), name
    for name in a.lengths:
        assert a.lengths[name].dtype == b.lengths[name].dtype
        assert a.lengths[name].tolist() == b.lengths[name].tolist()
    for key in a.facets:
        x, y = a.facets[key], b.facets[key]
        assert (x.values, x.docs.tolist(), x.codes.tolist(), x.size) == \
            (y.values, y.docs.tolist(), y.codes.tolist(), y.size)
        assert x.docs.dtype == y.docs.dtype == np.int32


def test_saved_columns_load_as_they_were_worked_out(tmp_path, columns):
    save_columns(tmp_path, columns)
    assert sorted(p.name for p in tmp_path.glob("columns*")) == [COLUMNS_FILE]
    loaded = load_columns(tmp_path, 5)
    same(loaded, columns)
    assert loaded.facets["country"].values == ["米国", "豪州"]  # c4 (中国) is deleted
    assert loaded.facets["country"].having(["米国"]).tolist() == [True, False, True, False,
                                                                 False]


def test_no_saved_columns_or_other_ones_are_worked_out_again(tmp_path, columns, monkeypatch):
    assert load_columns(tmp_path, 5) is None  # a build made before they were saved
    save_columns(tmp_path, columns)
    assert load_columns(tmp_path, 6) is None  # not this build's documents
    monkeypatch.setattr("search.index.columns._FORMAT", 2)
    assert load_columns(tmp_path, 5) is None  # another format
    monkeypatch.setattr("search.index.columns._FORMAT", 1)
    assert load_columns(tmp_path, 5) is not None
    monkeypatch.setattr("search.index.columns.FACETS", FACETS[:-1])
    assert load_columns(tmp_path, 5) is None  # facets declared otherwise


@pytest.mark.parametrize("damage", ["garbage", "truncated", "no_head"])
def test_damaged_saved_columns_are_an_error(tmp_path, columns, damage):
    save_columns(tmp_path, columns)
    path = tmp_path / COLUMNS_FILE
    data = path.read_bytes()
    if damage == "garbage":
        path.write_bytes(b"x" * len(data))
    elif damage == "truncated":
        path.write_bytes(data[: len(data) // 2])
    else:
        with path.open("wb") as fh:
            np.savez(fh, live=columns.live)
    with pytest.raises(DamagedColumnsError, match="columns.npz cannot be read"):
        load_columns(tmp_path, 5)
