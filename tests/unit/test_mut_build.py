"""Exact behaviour of search.index.build (written for mutation testing): real builds and
updates of corpora of a few clippings in ``tmp_path``, compared whole — every BuildStats
field, the meta file as written, which files an update reads, which segments it keeps, what
a failure leaves behind and says; and the hard-linking of one build's files into the next."""

from __future__ import annotations

import errno
import hashlib
import json
import locale
import os
import shutil
import zlib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from search.corpus import loading
from search.corpus.loading import load_corpus
from search.corpus.records import Issue
from search.errors import CorpusError, IndexProblem
from search.index import build as builder
from search.index.build import BuildStats, reindex, update
from search.index.schema import SCHEMA_VERSION, stored
from search.index.store import CORPUS_META, META, corpus_meta_of, current_path, meta_of, size_of
from search.index.version import input_hashes
from search.index.workers import DEFAULT_MEMORY
from tests.unit import test_build
from tests.unit.smallindex import archive_keys
from tests.unit.test_build import A, B, clippings, ids

corpus = test_build.corpus  # the fixture: clippings-a.txt of A, in tmp_path/corpus

C = [("2501-011001", "2025.01.10", "首脳が会談", "首脳が会談した。")]
A2 = A[:2] + [(A[2][0], A[2][1], A[2][2], "演習を中止した。")]  # A with its third changed


def notice(file: str, label: str) -> Issue:
    return Issue(file, 0, f"not in manifest.toml: recognised by its shape as a clipping "
                          f"archive, labelled '{label}'", "notice")


B_DATE = Issue("clippings-b.txt", 9, "date 2025.02.01 and id 2502-010101 disagree (the id says "
                                     "01-01); kept the date as written", "warning")


@pytest.fixture()
def shared(tmp_path):
    """a: A; b: A's first again (another archive's copy) and B; c: C, which nothing shares."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "clippings-a.txt").write_text(clippings(A), encoding="utf-8")
    (folder / "clippings-b.txt").write_text(clippings(A[:1] + B, "別の切り抜き"), encoding="utf-8")
    (folder / "clippings-c.txt").write_text(clippings(C, "三つ目"), encoding="utf-8")
    return folder


def builds(root) -> list[str]:
    return sorted(p.name for p in (root / "builds").iterdir())


def stored_record(root, rid: str) -> dict:
    ix = whoosh_index.open_dir(str(current_path(root)))
    with ix.searcher() as searcher:
        return next(stored(f) for _, f in searcher.iter_docs() if stored(f)["id"] == rid)


def test_a_rebuild_reports_every_field_and_writes_its_meta_exactly(tmp_path, corpus):
    (corpus / "切り抜き.txt").write_text(clippings(B, "別の切り抜き"), encoding="utf-8")
    root = tmp_path / "ix"
    before = datetime.now(UTC).replace(microsecond=0)
    seen = []
    stats = reindex(root, corpus, progress=lambda n, total: seen.append((n, total)))
    after = datetime.now(UTC)
    path = current_path(root)
    assert (stats.mode, stats.records, stats.added, stats.replaced, stats.removed,
            stats.notes, stats.path, stats.size_bytes) == (
        "rebuild", 4, 4, 0, 0, [], str(path), size_of(path))
    assert 0 < stats.seconds < 60
    assert seen == [(1, 4), (2, 4), (3, 4), (4, 4)]
    assert stats.issues == [
        notice("clippings-a.txt", "小さな切り抜き"), notice("切り抜き.txt", "別の切り抜き"),
        Issue("切り抜き.txt", 3, "date 2025.02.01 and id 2502-010101 disagree (the id says "
                                 "01-01); kept the date as written", "warning")]
    raw = (path / META).read_text(encoding="utf-8")
    meta = json.loads(raw)
    assert list(meta) == ["schema_version", "built_at", "corpus_dir", "corpus_hash", "inputs",
                          "code", "record_count", "file_count", "warnings", "checksums"]
    # compact, and the file names as they are (not \\u escapes)
    assert raw.startswith(f'{{"schema_version":{SCHEMA_VERSION},"built_at":"')
    assert '"corpus/切り抜き.txt":"' in raw
    held_raw = (path / CORPUS_META).read_text(encoding="utf-8")
    held = json.loads(held_raw)
    assert list(held) == ["records", "files"]
    assert held_raw.endswith('"切り抜き.txt":{"ids":["2502-010101"],"lines":[3],"warnings":1}}}')
    # the corpus meta is covered by the checksums, as Whoosh's files are; the meta is not
    assert meta["checksums"][CORPUS_META] == [len(held_raw.encode()), zlib.crc32(
        held_raw.encode())]
    assert META not in meta["checksums"]
    assert (meta["record_count"], meta["file_count"]) == (4, 2)
    built = datetime.fromisoformat(meta["built_at"])
    assert meta["built_at"].endswith("+00:00") and built.microsecond == 0
    assert before <= built <= after
    hashes = input_hashes(corpus)
    assert meta["inputs"] == hashes and list(meta["inputs"]) == sorted(hashes)
    corpus_only = {k: v for k, v in hashes.items() if k.startswith("corpus/")}
    assert len(corpus_only) == 2
    assert meta["corpus_hash"] == hashlib.sha256(
        json.dumps(corpus_only, sort_keys=True).encode()).hexdigest()
    # each article's key, for the next update; none for 切り抜き.txt's, which gave a warning
    assert held["files"] == {
        "clippings-a.txt": {"ids": [a[0] for a in A], "lines": [3, 9, 15], "warnings": 0,
                            "keys": archive_keys(clippings(A))},
        "切り抜き.txt": {"ids": ["2502-010101"], "lines": [3], "warnings": 1}}
    assert meta["warnings"] == 1
    # the fingerprint of what the corpus says of 2501-010101: its content, then its archives
    assert held["records"]["2501-010101"] == "5be879e836ece8aafe8d"
    assert ids(root) == sorted([a[0] for a in A] + [B[0][0]])


def test_the_meta_is_written_in_utf8_whatever_the_locale(tmp_path, corpus):
    (corpus / "切り抜き.txt").write_text(clippings(B, "別の切り抜き"), encoding="utf-8")
    saved = locale.setlocale(locale.LC_CTYPE)
    locale.setlocale(locale.LC_CTYPE, "C")  # the locale's encoding is ASCII (unless -X utf8)
    try:
        reindex(tmp_path / "ix", corpus)
    finally:
        locale.setlocale(locale.LC_CTYPE, saved)
    assert "切り抜き.txt" in corpus_meta_of(current_path(tmp_path / "ix"))["files"]


def test_a_record_is_indexed_under_its_outlets_spellings(corpus):
    rec = load_corpus(corpus, annotate=False).records[0]
    assert builder._document(rec)["outlet"] == "共同通信 共同 Kyodo"


def test_an_update_reads_the_changed_file_alone_when_what_it_shares_is_unchanged(tmp_path, shared,
                                                                   monkeypatch):
    root = tmp_path / "ix"
    annotated = []  # loading never annotates for a build: the workers and _apply do, once
    monkeypatch.setattr(loading, "_annotate", annotated.append)
    reindex(root, shared)
    old = current_path(root)
    old_meta = (old / META).read_bytes()
    (shared / "clippings-a.txt").write_text(clippings(A2), encoding="utf-8")
    seen = []
    stats = update(root, shared, progress=lambda n, total: seen.append((n, total)))
    assert annotated == []
    new = current_path(root)
    assert new != old
    # b holds a copy of A[0], unchanged in both, so it is not read (its label stays in
    # A[0]'s collections); A[0] and A[1] are passed over, A[2] parsed
    assert (stats.mode, stats.records, stats.added, stats.replaced, stats.removed,
            stats.notes, stats.path, stats.size_bytes) == (
        "update", 5, 0, 1, 0, ["read 1 of 3 files; 2 unchanged articles passed over"],
        str(new), size_of(new))
    assert 0 < stats.seconds < 60 and seen == [(1, 1)]
    assert stats.issues == [notice("clippings-a.txt", "小さな切り抜き")]
    assert stored_record(root, A[2][0])["body"] == "演習を中止した。"
    assert stored_record(root, A[0][0])["collections"] == "小さな切り抜き,別の切り抜き"
    assert meta_of(new)["inputs"] == input_hashes(shared)
    held, held_before = corpus_meta_of(new), corpus_meta_of(old)
    assert held["records"][A[0][0]] == held_before["records"][A[0][0]]
    assert held["records"][A[2][0]] != held_before["records"][A[2][0]]
    # the old build is untouched (its metas are not shared), the lock is the new build's own
    assert (old / META).read_bytes() == old_meta
    assert (new / CORPUS_META).stat().st_ino != (old / CORPUS_META).stat().st_ino
    assert (new / "MAIN_WRITELOCK").stat().st_ino != (old / "MAIN_WRITELOCK").stat().st_ino
    again = update(root, shared)
    assert (again.mode, again.path) == ("unchanged", str(new))


def test_an_update_that_finds_an_unchanged_record_in_a_changed_file_keeps_it(tmp_path,
                                                                             corpus):
    root = tmp_path / "ix"
    reindex(root, corpus)
    (corpus / "clippings-a.txt").write_text(clippings(A2), encoding="utf-8")
    stats = update(root, corpus)
    assert (stats.added, stats.replaced, stats.removed) == (0, 1, 0)
    assert stored_record(root, A[2][0])["body"] == "演習を中止した。"


def test_an_update_keeps_the_hash_of_the_files_it_did_not_read(tmp_path, corpus):
    root = tmp_path / "ix"
    reindex(root, corpus)
    old = current_path(root)
    (corpus / "clippings-b.txt").write_text(clippings(B, "別の切り抜き"), encoding="utf-8")
    stats = update(root, corpus)
    new = current_path(root)
    # nothing deleted: the old segment is kept, its files shared by hard links
    segment = [p.name for p in old.glob("MAIN_*") if p.name != "MAIN_WRITELOCK"]
    assert len(segment) > 3 and all(
        (new / name).stat().st_ino == (old / name).stat().st_ino for name in segment)
    assert stats.notes == ["read 1 of 2 files"]
    assert stats.issues == [notice("clippings-b.txt", "別の切り抜き"),
                            Issue("clippings-b.txt", 3, B_DATE.message, "warning")]
    assert meta_of(current_path(root))["inputs"] == input_hashes(corpus)
    assert update(root, corpus).mode == "unchanged"


def test_a_segment_a_tenth_deleted_is_kept_and_a_new_one_added(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    ten = [(f"2501-01{day:02d}01", f"2025.01.{day:02d}", f"記事{day}", f"記事{day}の本文。")
           for day in range(1, 11)]
    (folder / "clippings-a.txt").write_text(clippings(ten), encoding="utf-8")
    root = tmp_path / "ix"
    reindex(root, folder)
    ten[4] = (*ten[4][:3], "書き直した本文。")
    (folder / "clippings-a.txt").write_text(clippings(ten), encoding="utf-8")
    assert update(root, folder).replaced == 1
    ix = whoosh_index.open_dir(str(current_path(root)))
    with ix.reader() as reader:  # 1 of 10 deleted is not more than MAX_DELETED
        assert [(leaf.doc_count_all(), leaf.doc_count()) for leaf, _ in
                reader.leaf_readers()] == [(10, 9), (1, 1)]


def test_a_rebuild_passes_procs_memory_and_progress_to_the_writer(tmp_path, corpus,
                                                                  monkeypatch):
    calls = []
    real = builder.write_records

    def spy(ix, records, to_document, progress, procs, memory):
        calls.append((len(records), progress, procs, memory))
        real(ix, records, to_document, progress, procs, memory)

    monkeypatch.setattr(builder, "write_records", spy)

    def tick(n, total):
        return None

    root = tmp_path / "ix"
    stats = update(root, corpus, progress=tick, memory=123_456_789)
    assert calls == [(3, tick, 1, 123_456_789)]
    assert (stats.records, stats.path, stats.issues) == (
        3, str(current_path(root)), [notice("clippings-a.txt", "小さな切り抜き")])
    assert ids(root) == [a[0] for a in A]
    reindex(root, corpus)
    assert calls[1] == (3, None, 1, DEFAULT_MEMORY)


def test_a_corpus_without_records_is_refused(tmp_path, corpus):
    root = tmp_path / "ix"
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.txt").write_text("", encoding="utf-8")
    why = ("(`python manage.py check` shows why). Put the clipping archives, documents and "
           "articles there as text files (see the README's corpus section), or name another "
           "folder with --corpus DIR or KIRINUKI_CORPUS")
    with pytest.raises(CorpusError) as refused:
        reindex(root, empty)
    assert str(refused.value) == f"no records found in {empty}: its 1 file(s) gave none {why}"
    assert current_path(root) is None
    reindex(root, corpus)
    served = current_path(root)
    (corpus / "clippings-a.txt").write_text("", encoding="utf-8")
    with pytest.raises(CorpusError) as refused:
        update(root, corpus)
    assert str(refused.value) == f"no records found in {corpus}: its 1 file(s) gave none {why}"
    assert current_path(root) == served


def test_an_update_of_a_missing_corpus_folder_says_so(tmp_path, corpus):
    root = tmp_path / "ix"
    reindex(root, corpus)
    gone = tmp_path / "gone"
    with pytest.raises(CorpusError, match=f"^the corpus folder {gone} does not exist: "):
        update(root, gone)


def fail_writing_meta(monkeypatch, remove: bool) -> list:
    """Make the meta's write fail with a full disk, the build folder removed first if
    ``remove``; the list gets the build folder."""
    folders = []

    def fail(build, folder, corpus_meta, found=None):
        folders.append(build)
        if remove:
            shutil.rmtree(build)
        raise OSError(errno.ENOSPC, "No space left on device", str(build / META))

    monkeypatch.setattr(builder, "_write_meta", fail)
    return folders


def full(root, build, kept: str) -> str:
    return (f"the disk is full while writing the index in {root} ({build / META}). {kept} "
            "Free some space and run it again.")


SERVED = "Nothing was changed: the previous index is still being served."


@pytest.mark.parametrize("remove", [False, True], ids=["left", "gone"])
def test_a_failed_rebuild_removes_its_folder_and_says_what_failed(tmp_path, corpus,
                                                                  monkeypatch, remove):
    root = tmp_path / "ix"
    folders = fail_writing_meta(monkeypatch, remove)
    with pytest.raises(IndexProblem) as failed:
        reindex(root, corpus)
    assert str(failed.value) == full(root, folders[0], "No index was made.")
    assert isinstance(failed.value.__cause__, OSError) and builds(root) == []
    monkeypatch.undo()
    reindex(root, corpus)
    served = current_path(root)
    folders = fail_writing_meta(monkeypatch, remove)
    with pytest.raises(IndexProblem) as failed:
        reindex(root, corpus)
    assert str(failed.value) == full(root, folders[0], SERVED)
    assert builds(root) == [served.name] and current_path(root) == served


@pytest.mark.parametrize("remove", [False, True], ids=["left", "gone"])
def test_a_failed_update_removes_its_folder_and_says_what_failed(tmp_path, corpus,
                                                                 monkeypatch, remove):
    root = tmp_path / "ix"
    reindex(root, corpus)
    served = current_path(root)
    (corpus / "clippings-a.txt").write_text(clippings(A2), encoding="utf-8")
    folders = fail_writing_meta(monkeypatch, remove)
    with pytest.raises(IndexProblem) as failed:
        update(root, corpus)
    assert str(failed.value) == full(root, folders[0], SERVED)
    assert isinstance(failed.value.__cause__, OSError)
    assert builds(root) == [served.name] and current_path(root) == served
    assert stored_record(root, A[2][0])["body"] == A[2][3]


def test_a_build_folder_that_cannot_be_made_is_explained_exactly(tmp_path, corpus):
    root = tmp_path / "ix"
    root.mkdir()
    (root / "builds").write_text("a file where the builds go", encoding="utf-8")
    with pytest.raises(IndexProblem) as failed:
        reindex(root, corpus)
    assert str(failed.value) == (
        f"writing failed (File exists) while writing the index in {root} ({root / 'builds'}). "
        "No index was made. Check the disk and the folder's permissions and run it again.")


class Listed(type(Path())):
    """A folder whose entries are listed in a given order (the file system's is its own)."""

    order: list[str] = []

    def iterdir(self):
        return iter([self / name for name in self.order])


@pytest.fixture()
def old_build(tmp_path):
    old = tmp_path / "old"
    (old / "sub").mkdir(parents=True)
    for name in (META, "MAIN_WRITELOCK", "MAIN_x.trm", "_MAIN_1.toc"):
        (old / name).write_text(name, encoding="utf-8")
        os.utime(old / name, ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))
    Listed.order = [META, "MAIN_WRITELOCK", "sub", "MAIN_x.trm", "_MAIN_1.toc"]
    new = tmp_path / "new"
    new.mkdir()
    return Listed(old), new


def test_link_tree_links_the_whoosh_files_only(old_build):
    old, new = old_build
    builder._link_tree(old, new)
    assert sorted(p.name for p in new.iterdir()) == ["MAIN_x.trm", "_MAIN_1.toc"]
    assert all((new / n).stat().st_ino == (old / n).stat().st_ino
               for n in ("MAIN_x.trm", "_MAIN_1.toc"))


def test_link_tree_copies_where_it_cannot_link(old_build, monkeypatch):
    old, new = old_build

    def cross_device(src, dst):
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(os, "link", cross_device)
    builder._link_tree(old, new)
    assert sorted(p.name for p in new.iterdir()) == ["MAIN_x.trm", "_MAIN_1.toc"]
    for name in ("MAIN_x.trm", "_MAIN_1.toc"):
        copy, src = (new / name).stat(), (old / name).stat()
        assert copy.st_ino != src.st_ino and copy.st_mtime_ns == src.st_mtime_ns
        assert (new / name).read_text(encoding="utf-8") == name


def test_the_size_is_rounded_to_a_tenth_of_a_megabyte():
    assert BuildStats("unchanged", 1, 0.0, 1_750_000).summary() == (
        "index is up to date: 1 records, 1.8 MB on disk")
    stats = BuildStats("rebuild", 3, 0.25, 1_749_999)
    assert stats.summary() == "rebuild: 3 records in 0.2 s (12 records/s), 1.7 MB on disk"
