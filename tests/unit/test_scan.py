"""A corpus scanned without its records (search/corpus/loading.py ``scan_corpus``): the same
files, issues and records, in the same order, as ``load_corpus`` gives, read again a range at
a time; a file changed since it was scanned is refused."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from search.config import DEFAULT_CORPUS
from search.corpus import loading
from search.corpus.clippings import NO_KEY
from search.corpus.loading import load_corpus, scan_corpus
from search.errors import CorpusError
from tests.unit.smallindex import archive, archive_keys


def summary(rec) -> str:
    return f"{rec.id}|{rec.title}"


def weigh(rec) -> int:
    return len(rec.summary)


ONE = [("2501-010101", "2025.01.01", "読売新聞", "一つ目", "日米の防衛協力。"),
       ("2501-010201", "2025.01.02", "朝日新聞", "二つ目", "豪州の演習。"),
       ("2501-010301", "2025.01.03", "毎日新聞", "三つ目", "比軍との訓練。")]
TWO = [("2501-010201", "2025.01.02", "朝日新聞", "二つ目", "豪州の演習。"),  # the same copy
       ("2501-010401", "2025.01.04", "共同通信", "四つ目", "英国の空母。"),
       ("2501-010301", "2025.01.03", "毎日新聞", "三つ目", "別の文章。"),  # differs
       ("2501-010401", "2025.01.04", "共同通信", "四つ目", "英国の空母。")]  # again in its file


@pytest.fixture
def reread(monkeypatch) -> None:
    """Scans that keep no records, as a large corpus's: their records are read again."""
    monkeypatch.setattr(loading, "HOLD_RECORDS_BYTES", 0)


@pytest.fixture(params=["held", "read again"])
def either(request, monkeypatch) -> str:
    """Each way a scan gives its records: held (a small corpus), read again (a large one)."""
    if request.param == "read again":
        monkeypatch.setattr(loading, "HOLD_RECORDS_BYTES", 0)
    return request.param


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.txt").write_text(archive(ONE), encoding="utf-8")
    (folder / "b.txt").write_text(archive(TWO, "別の切り抜き"), encoding="utf-8")
    (folder / "c.txt").write_bytes(b"\x00\x01\x02" * 10)  # unreadable: binary
    return folder


def test_a_scan_gives_what_loading_gives_without_holding_the_records(corpus: Path):
    loaded = load_corpus(corpus, annotate=False)
    scan = scan_corpus(corpus, summary, weigh)
    assert len(scan) == len(loaded.records) == 4
    assert list(scan.records()) == loaded.records
    assert [r.collections for r in scan.records()] == [
        ["小さな切り抜き"], ["小さな切り抜き", "別の切り抜き"], ["小さな切り抜き", "別の切り抜き"],
        ["別の切り抜き"]]
    # what loading gives, and each record's article key (16 hex digits), but none for
    # 2501-010401, twice in b.txt (an update also parses the records two files hold)
    assert [replace(f, record_keys=b"") for f in scan.files] == loaded.files
    keys = [f.record_keys.hex() for f in scan.files]
    two = archive_keys(archive(TWO, "別の切り抜き"))
    assert keys == [archive_keys(archive(ONE)), two[:16] + NO_KEY.hex() + two[32:48], ""]
    assert scan.issues == loaded.issues
    assert [str(i) for i in scan.issues if "2501-01" in i.message] == [
        "b.txt:15: the copy of 2501-010301 here differs from the one at a.txt:15; kept that one "
        "(b.txt:15)",
        "b.txt:21: id 2501-010401 appears again in this file (first at line 9); one record kept"]
    assert list(scan.summaries()) == [(r.id, summary(r), r.collections)
                                      for r in loaded.records]
    assert [(p.path.name, p.kept, p.sizes) for p in scan.parts] == [
        ("a.txt", [0, 1, 2], [8, 6, 7]), ("b.txt", [1], [6])]
    assert scan.sizes() == [8, 6, 7, 6]
    assert scan.parts[0].collections == {1: ["小さな切り抜き", "別の切り抜き"],
                                         2: ["小さな切り抜き", "別の切り抜き"]}


def test_a_scan_reads_any_range_of_its_records_again(corpus: Path, either: str):
    scan = scan_corpus(corpus, summary, weigh)
    every = [r.id for r in scan.records()]
    for start in range(5):
        for stop in range(start, 5):
            assert [r.id for r in scan.records(start, stop)] == every[start:stop], (start, stop)
    assert [r.id for r in scan.records(2)] == every[2:]


def test_the_bundled_corpus_scans_as_it_loads(either: str):
    loaded = load_corpus(DEFAULT_CORPUS, annotate=False)
    scan = scan_corpus(DEFAULT_CORPUS, summary, weigh)
    assert list(scan.records()) == loaded.records
    assert [replace(f, record_keys=b"") for f in scan.files] == loaded.files
    assert scan.issues == loaded.issues
    assert [len(f.record_keys) for f in scan.files] == [8 * f.ids for f in loaded.files]
    assert len(scan) == len(loaded.records) > 300


def test_a_file_changed_since_its_scan_is_refused_when_read_again(corpus: Path, reread):
    scan = scan_corpus(corpus, summary, weigh)
    assert [r.id for r in scan.records(0, 3)] == ["2501-010101", "2501-010201", "2501-010301"]
    (corpus / "b.txt").write_text(archive(TWO[:1], "別の切り抜き"), encoding="utf-8")
    assert [r.id for r in scan.records(0, 3)] == [  # a.txt alone: still as scanned
        "2501-010101", "2501-010201", "2501-010301"]
    with pytest.raises(CorpusError, match=r"^b\.txt changed while the index was being built "
                                          r"from it: run the build again"):
        list(scan.records(3, 4))
    (corpus / "b.txt").unlink()
    with pytest.raises(CorpusError, match=r"^b\.txt changed"):
        list(scan.records())


def test_an_empty_folder_scans_as_nothing(tmp_path: Path, corpus: Path):
    empty = tmp_path / "empty"
    empty.mkdir()
    scan = scan_corpus(empty, summary, weigh)
    assert (len(scan), scan.files, scan.parts, list(scan.records())) == (0, [], [], [])
    with pytest.raises(IndexError, match="no records"):
        scan.first()
    with pytest.raises(CorpusError, match="does not exist"):
        scan_corpus(tmp_path / "missing", summary, weigh)
    shutil.rmtree(corpus)


def test_a_changed_file_names_itself_and_only_the_files_read_are_checked(corpus: Path,
                                                                       reread):
    scan = scan_corpus(corpus, summary, weigh)
    (corpus / "a.txt").write_text(archive(ONE[:1]), encoding="utf-8")
    assert [r.id for r in scan.records(3, 4)] == ["2501-010401"]  # from b.txt alone
    with pytest.raises(CorpusError) as raised:
        list(scan.records(2, 3))
    assert raised.value.file == "a.txt"


def test_an_unreadable_file_before_the_others_is_passed_over(tmp_path: Path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "0.txt").write_bytes(b"\x00\x01\x02" * 10)  # binary, read first
    (folder / "a.txt").write_text(archive(ONE), encoding="utf-8")
    scan = scan_corpus(folder, summary, weigh)
    assert [r.id for r in scan.records()] == [a[0] for a in ONE]
    assert [f.file for f in scan.files] == ["0.txt", "a.txt"]
    assert scan.first() == next(scan.records())  # kept from the scan, past the unreadable


def test_the_first_record_is_kept_from_the_scan_not_read_again(corpus: Path, reread):
    scan = scan_corpus(corpus, summary, weigh)
    first = next(scan.records(0, 1))
    (corpus / "a.txt").unlink()  # a build warms up on it without reading a.txt again
    assert scan.first() == first
    assert (scan.first().id, scan.first().title) == ("2501-010101", "一つ目")


def test_ranges_across_files_and_archives_grown_in_a_later_file(tmp_path: Path, either: str):
    """Three files of two records each; the second file's second record is copied into the
    third file: every range reads as load_corpus's records, archives included."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    rows = [(f"2501-01{d:02d}01", f"2025.01.{d:02d}", "読売新聞", f"題{d}", f"本文{d}。")
            for d in range(1, 7)]
    (folder / "a.txt").write_text(archive(rows[0:2]), encoding="utf-8")
    (folder / "b.txt").write_text(archive(rows[2:4]), encoding="utf-8")
    (folder / "c.txt").write_text(archive(rows[4:6] + rows[3:4], "別の切り抜き"), encoding="utf-8")
    loaded = load_corpus(folder, annotate=False).records
    scan = scan_corpus(folder, summary, weigh)
    assert [r.collections for r in loaded][3] == ["小さな切り抜き", "別の切り抜き"]
    for start in range(7):
        for stop in range(start, 7):
            assert list(scan.records(start, stop)) == loaded[start:stop], (start, stop)


def test_a_records_own_archives_are_kept_when_they_are_not_its_files_label():
    from search.corpus.loading import _Merger
    from tests.unit.smallindex import record

    merger = _Merger()
    rec = record("2501-010101", "2025-01-01", "題", collections=("X", "Y"))
    assert merger.add([rec], "a.txt", "Y") == [0]
    assert merger.collections(0) == ["X", "Y"]
    merger.add([record("2501-010101", "2025-01-01", "題", collections=("Z",))], "b.txt", "Z")
    assert merger.collections(0) == ["X", "Y", "Z"]


def test_a_file_with_no_issue_reports_an_empty_list():
    scan = scan_corpus(DEFAULT_CORPUS, summary, weigh)
    assert any(f.issues == [] for f in scan.files)
    assert all(isinstance(f.issues, list) for f in scan.files)


def test_a_small_corpus_is_held_and_not_read_again(corpus: Path):
    """Below HOLD_RECORDS_BYTES the scan keeps the records it parsed: files changed or gone
    since change nothing (the index holds what the meta says was read, as when a large
    corpus's files are read again unchanged)."""
    scan = scan_corpus(corpus, summary, weigh)
    before = [r.id for r in scan.records()]
    (corpus / "b.txt").write_text(archive(TWO[:1], "別の切り抜き"), encoding="utf-8")
    (corpus / "a.txt").unlink()
    assert [r.id for r in scan.records()] == before == [
        "2501-010101", "2501-010201", "2501-010301", "2501-010401"]
    assert [r.collections for r in scan.records(1, 2)] == [["小さな切り抜き", "別の切り抜き"]]


def test_a_corpus_of_the_limits_size_is_read_again(corpus: Path, monkeypatch):
    size = sum(p.stat().st_size for p in corpus.iterdir())
    monkeypatch.setattr(loading, "HOLD_RECORDS_BYTES", size)
    assert [p.held for p in scan_corpus(corpus, summary, weigh).parts] == [None, None]
    monkeypatch.setattr(loading, "HOLD_RECORDS_BYTES", size + 1)
    assert [len(p.held) for p in scan_corpus(corpus, summary, weigh).parts] == [3, 1]


def test_a_corpus_under_the_limit_is_held_by_its_scan_and_worth_a_prescan(tmp_path, monkeypatch):
    """``holds_records``: what the scan and the prescan both decide by."""
    size = sum(p.stat().st_size for p in loading.corpus_files([DEFAULT_CORPUS]))
    monkeypatch.setattr(loading, "HOLD_RECORDS_BYTES", size + 1)
    assert loading.holds_records(DEFAULT_CORPUS)
    monkeypatch.setattr(loading, "HOLD_RECORDS_BYTES", size)
    assert not loading.holds_records(DEFAULT_CORPUS)
    monkeypatch.setattr(loading, "HOLD_RECORDS_BYTES", 8 << 20)
    assert loading.holds_records(tmp_path / "missing")  # (the forked scan finds nothing)
    (tmp_path / "folder.txt").mkdir()  # a folder named like a text file: listed, a few bytes
    assert loading.holds_records(tmp_path)
    (tmp_path / "a.txt").write_bytes(b"x" * (8 << 20))
    assert not loading.holds_records(tmp_path)
