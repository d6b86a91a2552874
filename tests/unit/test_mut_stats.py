"""search.index.stats on a real small index in tmp_path (written for mutation testing)."""

from __future__ import annotations

import gc
import json
import struct

import pytest

from search.corpus.records import Record
from search.errors import IndexDamagedError, IndexMissingError
from search.index import store
from search.index.stats import IndexStats, index_stats
from tests.unit.smallindex import record, served


def test_index_stats_counts_every_document(tmp_path):
    passage = Record(id="w1", kind="passage", title="白書", summary="防衛白書の一節。",
                     collections=["白書", "A"])
    root, path = served(tmp_path, [[
        record("a1", "2025-01-01", "空母", "空母。", source="読売新聞", collections=("A",)),
        record("a2", "2025-03-01", "空母", "空母。", source="読売新聞", collections=("A", "B")),
        record("a3", "2024-05-01", "護衛艦", "護衛艦。", source="NHK", collections=("B",)),
        record("a4", None, "無日付", "日付なし。", source="", collections=("A",)),
        passage,
    ]])
    stats = index_stats(root)
    size = sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    assert stats == IndexStats(
        path=str(path), documents=5, built_at="2026-12-06T10:00:00", corpus_hash="abc123",
        size_bytes=size, by_kind={"clipping": 4, "passage": 1},
        by_collection={"A": 4, "B": 2, "白書": 1},
        by_source={"?": 2, "読売新聞": 2, "NHK": 1},
        by_year={"(日付なし)": 2, "2024": 1, "2025": 2})
    # most common first, years in order
    assert list(stats.by_kind) == ["clipping", "passage"]
    assert list(stats.by_collection) == ["A", "B", "白書"]
    assert list(stats.by_year) == ["(日付なし)", "2024", "2025"]
    assert stats.size_bytes > 0


def test_the_order_follows_the_counts(tmp_path):
    root, _ = served(tmp_path, [[
        record("a1", "2023-01-01", source="NHK", collections=("Z",)),
        record("a2", "2023-01-01", source="読売新聞", collections=("Y", "Z")),
        record("a3", "2022-01-01", source="読売新聞", collections=("Y",)),
        record("a4", "2021-01-01", source="読売新聞", collections=("Y",)),
    ]])
    stats = index_stats(root)
    assert list(stats.by_source.items()) == [("読売新聞", 3), ("NHK", 1)]
    assert list(stats.by_collection.items()) == [("Y", 3), ("Z", 2)]
    assert list(stats.by_year.items()) == [("2021", 1), ("2022", 1), ("2023", 2)]
    assert stats.by_kind == {"clipping": 4}
    assert stats.documents == 4


def test_no_index_and_a_damaged_one(tmp_path):
    with pytest.raises(IndexMissingError):
        index_stats(tmp_path)
    root, path = served(tmp_path, [[record("a1", "2025-01-01", "空母", "空母。")]])
    seg = next(path.glob("*.pst"))
    data = seg.read_bytes()
    seg.write_bytes(data[:-1] + bytes([data[-1] ^ 0xFF]))
    with pytest.raises(IndexDamagedError, match=r"\.pst has changed since it was written"):
        index_stats(root)


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_file_written_broken_is_no_damage_and_its_error_is_raised(tmp_path):
    root, path = served(tmp_path, [[record("a1", "2025-01-01", "空母", "空母。")]])
    toc = next(path.glob("*.toc"))
    toc.write_bytes(toc.read_bytes()[:10])  # broken, and so recorded in the checksums
    meta = json.loads((path / store.META).read_text(encoding="utf-8"))
    meta["checksums"] = store.checksums(path)
    (path / store.META).write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(store.READ_ERRORS) as raised:
        index_stats(root)
    assert type(raised.value) is struct.error  # Whoosh's own error, the files being intact
    del raised
    gc.collect()

