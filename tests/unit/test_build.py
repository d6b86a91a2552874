"""Building and updating the index (search/index/build.py) from a corpus of a few
clippings in ``tmp_path``: what each build reports, what the index then holds, and what a
failed write says."""

from __future__ import annotations

import errno
import json

import pytest
from whoosh import index as whoosh_index

from search.corpus import loading
from search.errors import IndexProblem
from search.index import build as builder
from search.index import workers
from search.index.build import BuildStats, reindex, update
from search.index.schema import stored
from search.index.store import CORPUS_META, META, corpus_meta_of, current_path, meta_of
from search.index.workers import WorkerLost
from tests.unit.smallindex import archive

A = [("2501-010101", "2025.01.01", "空母が寄港", "空母が寄港した。"),
     ("2501-010201", "2025.01.02", "潜水艦が寄港", "潜水艦が寄港した。"),
     ("2501-010301", "2025.01.03", "演習を実施", "演習を実施した。")]
B = [("2502-010101", "2025.02.01", "大使が着任", "大使が着任した。")]


def clippings(articles, label: str = "小さな切り抜き") -> str:
    return archive([(rid, date, "共同通信", title, text) for rid, date, title, text in articles],
                   label)


@pytest.fixture()
def corpus(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "clippings-a.txt").write_text(clippings(A), encoding="utf-8")
    return folder


def ids(root) -> list[str]:
    ix = whoosh_index.open_dir(str(current_path(root)))
    with ix.searcher() as searcher:
        return sorted(stored(f)["id"] for _, f in searcher.iter_docs())


def test_a_rebuild_reports_and_writes_its_meta(tmp_path, corpus):
    seen = []
    stats = reindex(tmp_path / "ix", corpus, progress=lambda n, total: seen.append((n, total)))
    assert (stats.mode, stats.records, stats.added, stats.replaced, stats.removed) == (
        "rebuild", 3, 3, 0, 0)
    assert stats.path == str(current_path(tmp_path / "ix")) and stats.size_bytes > 0
    assert seen[-1] == (3, 3)
    meta = meta_of(current_path(tmp_path / "ix"))
    held = corpus_meta_of(current_path(tmp_path / "ix"))
    assert sorted(held["records"]) == [a[0] for a in A]
    assert held["files"]["clippings-a.txt"]["ids"] == [a[0] for a in A]
    assert (meta["record_count"], meta["file_count"]) == (3, 1)
    assert meta["warnings"] == 0 and meta["corpus_dir"] == str(corpus)
    assert "corpus/clippings-a.txt" in meta["inputs"] and meta["checksums"]
    assert ids(tmp_path / "ix") == [a[0] for a in A]


def test_an_unchanged_corpus_is_not_built_again(tmp_path, corpus):
    first = reindex(tmp_path / "ix", corpus)
    stats = update(tmp_path / "ix", corpus)
    assert (stats.mode, stats.records, stats.seconds, stats.path) == (
        "unchanged", 3, 0.0, first.path)
    assert stats.summary().startswith("index is up to date: 3 records, ")


def test_an_update_adds_replaces_and_removes_records(tmp_path, corpus):
    reindex(tmp_path / "ix", corpus)
    changed = [A[0], (A[1][0], A[1][1], A[1][2], "潜水艦が出港した。"),
               ("2501-010401", "2025.01.04", "護衛艦", "護衛艦が寄港した。")]
    (corpus / "clippings-a.txt").write_text(clippings(changed), encoding="utf-8")
    seen = []
    stats = update(tmp_path / "ix", corpus, progress=lambda n, total: seen.append((n, total)))
    assert (stats.mode, stats.records, stats.added, stats.replaced, stats.removed) == (
        "update", 3, 1, 1, 1)
    assert stats.notes == ["read 1 of 1 files; 1 unchanged article passed over"]
    assert seen == [(1, 2), (2, 2)]
    assert ids(tmp_path / "ix") == ["2501-010101", "2501-010201", "2501-010401"]
    held = corpus_meta_of(current_path(tmp_path / "ix"))
    assert sorted(held["records"]) == ["2501-010101", "2501-010201", "2501-010401"]
    assert held["files"]["clippings-a.txt"]["ids"] == [c[0] for c in changed]
    assert meta_of(current_path(tmp_path / "ix"))["record_count"] == 3
    summary = stats.summary()
    assert summary.startswith("update: 1 added, 1 replaced, 1 removed; 3 records in ")


def test_an_update_reads_only_the_new_file(tmp_path, corpus):
    reindex(tmp_path / "ix", corpus)
    (corpus / "clippings-b.txt").write_text(clippings(B), encoding="utf-8")
    stats = update(tmp_path / "ix", corpus)
    assert (stats.mode, stats.added, stats.notes) == ("update", 1, ["read 1 of 2 files"])
    assert ids(tmp_path / "ix") == sorted([a[0] for a in A] + [B[0][0]])


def test_an_update_forgets_a_removed_file(tmp_path, corpus):
    (corpus / "clippings-b.txt").write_text(clippings(B), encoding="utf-8")
    reindex(tmp_path / "ix", corpus)
    (corpus / "clippings-a.txt").unlink()
    stats = update(tmp_path / "ix", corpus)
    assert (stats.mode, stats.removed, stats.records) == ("update", 3, 1)
    assert (stats.notes, stats.issues) == (["read 0 of 1 files"], [])  # b is not read
    assert ids(tmp_path / "ix") == [B[0][0]]
    assert list(corpus_meta_of(current_path(tmp_path / "ix"))["files"]) == ["clippings-b.txt"]
    assert meta_of(current_path(tmp_path / "ix"))["file_count"] == 1


def test_an_update_without_an_index_or_of_a_damaged_or_other_one_rebuilds(tmp_path, corpus):
    root = tmp_path / "ix"
    stats = update(root, corpus)
    assert (stats.mode, stats.notes) == ("rebuild", ["there was no index yet: built it in full"])
    path = current_path(root)
    meta = json.loads((path / META).read_text(encoding="utf-8"))
    (path / META).write_text(json.dumps({**meta, "schema_version": 0}), encoding="utf-8")
    stats = update(root, corpus)
    assert stats.notes == ["the index was made by another version of kirinuki: "
                           "rebuilt in full"]
    path = current_path(root)
    toc = next(path.glob("*.toc"))
    toc.write_bytes(toc.read_bytes() + b"x")
    stats = update(root, corpus)
    assert stats.mode == "rebuild" and stats.notes[0].startswith(
        f"the index was damaged ({toc.name} has ")


def test_an_update_of_a_build_whose_corpus_meta_was_damaged_or_lost_rebuilds(tmp_path, corpus):
    root = tmp_path / "ix"
    reindex(root, corpus)
    (corpus / "clippings-b.txt").write_text(clippings(B), encoding="utf-8")
    held = current_path(root) / CORPUS_META
    held.write_bytes(held.read_bytes().replace(b"2501-010101", b"2501-010109"))
    stats = update(root, corpus)
    assert (stats.mode, stats.records, stats.notes) == ("rebuild", 4, [
        "the index was damaged (corpus.json has changed since it was written): rebuilt in full"])
    (corpus / "clippings-b.txt").unlink()
    (current_path(root) / CORPUS_META).unlink()
    stats = update(root, corpus)
    assert (stats.mode, stats.records, stats.notes) == ("rebuild", 3, [
        "the index was damaged (corpus.json is missing): rebuilt in full"])
    assert sorted(corpus_meta_of(current_path(root))["records"]) == [a[0] for a in A]


def test_a_changed_data_table_or_manifest_rebuilds(tmp_path, corpus):
    root = tmp_path / "ix"
    reindex(root, corpus)
    (corpus / "manifest.toml").write_text("", encoding="utf-8")
    stats = update(root, corpus)
    assert (stats.mode, stats.notes) == (
        "rebuild", ["the manifest or a data table changed: rebuilt in full"])


def test_segments_mostly_deleted_are_merged_away(tmp_path, corpus):
    root = tmp_path / "ix"
    reindex(root, corpus)
    (corpus / "clippings-a.txt").write_text(clippings(A[:2] + [
        (A[2][0], A[2][1], A[2][2], "演習を中止した。")]), encoding="utf-8")
    update(root, corpus)  # one of three documents deleted (over 10 %): merged into one
    ix = whoosh_index.open_dir(str(current_path(root)))
    with ix.reader() as reader:
        assert [(leaf.doc_count_all(), leaf.doc_count()) for leaf, _ in
                reader.leaf_readers()] == [(3, 3)]


def test_build_stats():
    stats = BuildStats("rebuild", 250, 2.0, 3_456_789)
    assert stats.rate == 125.0
    assert stats.summary() == "rebuild: 250 records in 2.0 s (125 records/s), 3.5 MB on disk"
    assert BuildStats("rebuild", 5, 0.0, 0).rate == 0.0
    update_ = BuildStats("update", 7, 0.5, 1_000_000, added=1, replaced=2, removed=3)
    assert update_.summary() == ("update: 1 added, 2 replaced, 3 removed; 7 records in 0.5 s "
                                 "(14 records/s), 1.0 MB on disk")
    assert BuildStats("unchanged", 7, 0.0, 1_000_000).summary() == (
        "index is up to date: 7 records, 1.0 MB on disk")


def test_a_failed_write_is_explained(tmp_path, corpus):
    root = tmp_path / "ix"
    full = OSError(errno.ENOSPC, "No space left on device", "/x/y")
    assert str(builder._explain(full, root)) == (
        f"the disk is full while writing the index in {root} (/x/y). No index was made. "
        "Free some space and run it again.")
    reindex(root, corpus)
    quota = builder._explain(OSError(errno.EDQUOT, "Quota"), root)
    assert str(quota) == (f"the disk quota is used up while writing the index in {root}. "
                          "Nothing was changed: the previous index is still being served. "
                          "Free some space or raise the quota and run it again.")
    big = builder._explain(OSError(errno.EFBIG, "Too big"), root)
    assert str(big).startswith("a file grew past the size limit of this process or file "
                               "system while writing")
    assert str(big).endswith("Raise the limit (ulimit -f) or put the index elsewhere with "
                             "--index DIR and run it again.")
    other = builder._explain(PermissionError(errno.EACCES, "Permission denied"), root)
    assert str(other).startswith("writing failed (Permission denied) while writing")
    assert str(other).endswith("Check the disk and the folder's permissions and run it again.")
    bare = builder._explain(OSError("odd"), root)
    assert str(bare).startswith("writing failed (OSError) while writing")
    lost = builder._explain(WorkerLost("a worker died"), root)
    assert isinstance(lost, IndexProblem) and str(lost) == (
        f"a worker died. The previous index in {root} is still being served.")
    error = ValueError("x")
    assert builder._explain(error, root) is error


def test_a_build_that_cannot_make_its_folder_is_explained(tmp_path, corpus):
    root = tmp_path / "ix"
    root.mkdir()
    (root / "builds").write_text("a file where the builds go", encoding="utf-8")
    with pytest.raises(IndexProblem, match="while writing the index in"):
        reindex(root, corpus)
    assert current_path(root) is None


def docs(root) -> list[dict]:
    ix = whoosh_index.open_dir(str(current_path(root)))
    with ix.searcher() as searcher:
        return sorted((stored(f) for _, f in searcher.iter_docs()), key=lambda d: d["id"])


def as_a_reindex_builds(root, corpus, tmp_path) -> list:
    """Assert the index at ``root`` holds what a reindex of ``corpus`` builds: the same
    documents and corpus meta (records' fingerprints, each file's ids, lines, warnings and
    article keys); the reindex's issues."""
    ref = reindex(tmp_path / "ref", corpus)
    assert docs(root) == docs(tmp_path / "ref")
    assert corpus_meta_of(current_path(root)) == corpus_meta_of(current_path(tmp_path / "ref"))
    return ref.issues


C3 = ("2501-010401", "2025.01.04", "護衛艦", "護衛艦が寄港した。")


def test_an_update_parses_only_the_articles_whose_lines_changed(tmp_path, corpus):
    """A new article at the top moves the others; A[0] is passed over where it now stands,
    A[1] (changed) and A[2] (the last, always) are parsed; the index is a reindex's."""
    reindex(tmp_path / "ix", corpus)
    changed = [C3, A[0], (A[1][0], A[1][1], A[1][2], "潜水艦が出港した。"), A[2]]
    (corpus / "clippings-a.txt").write_text(clippings(changed), encoding="utf-8")
    stats = update(tmp_path / "ix", corpus)
    assert (stats.added, stats.replaced, stats.removed, stats.notes) == (
        1, 1, 0, ["read 1 of 1 files; 1 unchanged article passed over"])
    held = corpus_meta_of(current_path(tmp_path / "ix"))["files"]["clippings-a.txt"]
    assert (held["ids"], held["lines"]) == ([c[0] for c in changed], [3, 9, 15, 21])
    assert stats.issues == as_a_reindex_builds(tmp_path / "ix", corpus, tmp_path)


def test_an_article_passed_over_but_pasted_again_in_its_file_is_read_with_its_copy(
        tmp_path, corpus, monkeypatch):
    (corpus / "clippings-b.txt").write_text(clippings(B, "別の切り抜き"), encoding="utf-8")
    reindex(tmp_path / "ix", corpus)
    annotated = []  # (the records are annotated where they are indexed, not when loaded)
    monkeypatch.setattr(loading, "_annotate", annotated.append)
    # both copies of A[0] are known by their lines: the file is parsed again in full (it
    # alone: b is unchanged)
    (corpus / "clippings-a.txt").write_text(clippings(A + A[:1] + [C3]), encoding="utf-8")
    stats = update(tmp_path / "ix", corpus)
    assert (stats.added, stats.replaced, stats.removed, stats.notes) == (
        1, 0, 0, ["read 1 of 2 files"])  # every article parsed: none passed over
    assert annotated == []
    assert [i.message for i in stats.issues if i.severity == "warning"] == [
        "id 2501-010101 appears again in this file (first at line 3); one record kept"]
    assert stats.issues == [i for i in as_a_reindex_builds(tmp_path / "ix", corpus, tmp_path)
                            if i.file == "clippings-a.txt"]


def test_an_article_passed_over_but_pasted_into_another_changed_file_gains_its_archive(
        tmp_path, corpus):
    (corpus / "clippings-b.txt").write_text(clippings(B, "別の切り抜き"), encoding="utf-8")
    reindex(tmp_path / "ix", corpus)
    (corpus / "clippings-a.txt").write_text(clippings(A[:2] + [C3]), encoding="utf-8")
    (corpus / "clippings-b.txt").write_text(clippings(A[:1] + B, "別の切り抜き"),
                                            encoding="utf-8")
    stats = update(tmp_path / "ix", corpus)
    assert (stats.added, stats.replaced, stats.removed, stats.notes) == (
        1, 1, 1, ["read 2 of 2 files"])
    assert [d["collections"] for d in docs(tmp_path / "ix") if d["id"] == A[0][0]] == [
        "小さな切り抜き,別の切り抜き"]
    assert stats.issues == as_a_reindex_builds(tmp_path / "ix", corpus, tmp_path)


def test_an_unchanged_file_read_for_a_copy_it_holds_parses_only_the_copy(tmp_path, corpus):
    """a's A[0] changed: b is read again for its copy of A[0] (now a copy that differs: b's
    meta counts one warning more); b's own C3 is passed over, as a's A[1] is."""
    (corpus / "clippings-b.txt").write_text(clippings([A[0], C3] + B, "別の切り抜き"),
                                            encoding="utf-8")
    reindex(tmp_path / "ix", corpus)
    (corpus / "clippings-a.txt").write_text(
        clippings([(A[0][0], A[0][1], A[0][2], "空母が出港した。")] + A[1:]), encoding="utf-8")
    stats = update(tmp_path / "ix", corpus)
    assert (stats.added, stats.replaced, stats.removed, stats.notes) == (
        0, 1, 0, ["read 2 of 2 files; 2 unchanged articles passed over"])
    assert [str(i) for i in stats.issues if i.severity == "warning"] == [
        "clippings-b.txt:15: date 2025.02.01 and id 2502-010101 disagree (the id says 01-01); "
        "kept the date as written",
        "clippings-b.txt:3: the copy of 2501-010101 here differs from the one at "
        "clippings-a.txt:3; kept that one (clippings-b.txt:3)"]
    assert stats.issues == as_a_reindex_builds(tmp_path / "ix", corpus, tmp_path)
    held = corpus_meta_of(current_path(tmp_path / "ix"))["files"]["clippings-b.txt"]
    assert (held["warnings"], held["differs"]) == (2, [A[0][0]])
    # and back: the copies agree again, b's meta is as it was
    (corpus / "clippings-a.txt").write_text(clippings(A), encoding="utf-8")
    stats = update(tmp_path / "ix", corpus)
    assert (stats.replaced, stats.notes) == (
        1, ["read 2 of 2 files; 2 unchanged articles passed over"])
    held = corpus_meta_of(current_path(tmp_path / "ix"))["files"]["clippings-b.txt"]
    assert (held["warnings"], "differs" in held) == (1, False)
    assert stats.issues == as_a_reindex_builds(tmp_path / "ix", corpus, tmp_path / "again")


def test_a_file_sharing_only_unchanged_records_with_a_changed_one_is_not_read(tmp_path,
                                                                             corpus):
    """b holds a copy of A[0], unchanged in a and in b: a's new article and its changed
    A[2] are read, b is not, and A[0] keeps both archives."""
    (corpus / "clippings-b.txt").write_text(clippings([A[0], C3], "別の切り抜き"),
                                            encoding="utf-8")
    reindex(tmp_path / "ix", corpus)
    (corpus / "clippings-a.txt").write_text(clippings(
        [B[0]] + A[:2] + [(A[2][0], A[2][1], A[2][2], "演習を中止した。")]), encoding="utf-8")
    stats = update(tmp_path / "ix", corpus)
    assert (stats.added, stats.replaced, stats.removed, stats.notes) == (
        1, 1, 0, ["read 1 of 2 files; 2 unchanged articles passed over"])
    assert [d["collections"] for d in docs(tmp_path / "ix") if d["id"] == A[0][0]] == [
        "小さな切り抜き,別の切り抜き"]
    assert stats.issues == [i for i in as_a_reindex_builds(tmp_path / "ix", corpus, tmp_path)
                            if i.file == "clippings-a.txt"]


def test_a_holder_keeps_the_differences_of_the_copies_it_was_not_read_for(tmp_path, corpus):
    """b is read for its copy of A[0] (changed in a). Its copy of C3 differs from 0c's,
    which is not read: that warning stands, A[0]'s is found again, and b's copy of A[1],
    unchanged in a and in b, is passed over in both."""
    c3_b = (C3[0], C3[1], C3[2], "護衛艦が出港した。")
    (corpus / "clippings-0c.txt").write_text(clippings([C3], "三つ目"), encoding="utf-8")
    (corpus / "clippings-b.txt").write_text(clippings([A[0], A[1], c3_b], "別の切り抜き"),
                                            encoding="utf-8")
    reindex(tmp_path / "ix", corpus)
    assert corpus_meta_of(current_path(tmp_path / "ix"))["files"]["clippings-b.txt"][
        "differs"] == [C3[0]]
    (corpus / "clippings-a.txt").write_text(
        clippings([(A[0][0], A[0][1], A[0][2], "空母が出港した。")] + A[1:]), encoding="utf-8")
    stats = update(tmp_path / "ix", corpus)
    assert (stats.replaced, stats.notes) == (
        1, ["read 2 of 3 files; 2 unchanged articles passed over"])  # A[1] in a and in b
    held = corpus_meta_of(current_path(tmp_path / "ix"))["files"]["clippings-b.txt"]
    assert (held["warnings"], held["differs"]) == (2, sorted([A[0][0], C3[0]]))
    as_a_reindex_builds(tmp_path / "ix", corpus, tmp_path)


def test_a_record_whose_copies_differed_is_read_in_every_file_holding_it(tmp_path, corpus):
    """b's copy of A[0] differs from a's (a warning in b): a changed elsewhere reads b too,
    so that the warning is found again and counted once."""
    (corpus / "clippings-b.txt").write_text(
        clippings([(A[0][0], A[0][1], A[0][2], "空母が出港した。"), C3], "別の切り抜き"),
        encoding="utf-8")
    reindex(tmp_path / "ix", corpus)
    assert corpus_meta_of(current_path(tmp_path / "ix"))["files"]["clippings-b.txt"][
        "differs"] == [A[0][0]]
    (corpus / "clippings-a.txt").write_text(
        clippings(A[:2] + [(A[2][0], A[2][1], A[2][2], "演習を中止した。")]), encoding="utf-8")
    stats = update(tmp_path / "ix", corpus)
    assert (stats.replaced, stats.notes) == (
        1, ["read 2 of 2 files; 1 unchanged article passed over"])  # a's A[1]
    assert stats.issues == as_a_reindex_builds(tmp_path / "ix", corpus, tmp_path)


def test_the_articles_known_are_the_clean_ones_whose_copies_cannot_have_changed():
    k1, k2, k3, k4 = b"\x01" * 8, b"\x02" * 8, b"\x03" * 8, b"\x04" * 8
    files = {"a.txt": {"ids": ["x", "y", "z", "w", "q"],
                       "keys": (k1 + k2 + builder.NO_KEY + k3 + k4).hex()},
             "b.txt": {"ids": ["w", "s"], "keys": (k1 + k2).hex()},  # w: a's copy too
             "c.txt": {"ids": ["v", "u", "q"], "keys": k1.hex(),  # keys that do not pair
                       "differs": ["q"]},  # c's copy of q differs from a's
             "d.txt": {"ids": ["t"]}}  # a document's: no keys
    names = ["a.txt", "c.txt", "d.txt", "new.txt"]
    # w's other copy is in b: known in a only while b is unchanged; q never
    assert builder._known(files, names, builder._copies_unchanged(files, set())) == {
        "a.txt": {k1: "x", k2: "y"}, "c.txt": {}, "d.txt": {}, "new.txt": {}}
    assert builder._known(files, names, builder._copies_unchanged(
        files, {"b.txt", "c.txt", "d.txt"}))["a.txt"] == {
        k1: "x", k2: "y", k3: "w"}
    # an unchanged file read for its copies: known, but the records touched
    assert builder._known(files, ["b.txt"], lambda _name, rid: rid != "w") == {
        "b.txt": {k2: "s"}}
    assert builder._known(files, ["b.txt"], lambda _name, rid: rid != "s") == {
        "b.txt": {k1: "w"}}


def test_every_read_of_an_update_goes_through_its_pool_of_processes(tmp_path, corpus,
                                                                   monkeypatch):
    """The files changed (a, b), read again in full when b turns out to hold a copy of an
    article a passed over (A[1]), then with c, which holds a copy of A[0]: each read is
    the update's mapper's (its pool of processes), and the index is a reindex's."""
    (corpus / "clippings-b.txt").write_text(clippings([C3], "別の切り抜き"), encoding="utf-8")
    (corpus / "clippings-c.txt").write_text(clippings(A[:1], "三つ目"), encoding="utf-8")
    reindex(tmp_path / "ix", corpus)
    reads = []

    def spy(procs):
        def mapped(fn, jobs):
            reads.append([path.name for path, *_ in jobs])
            return map(fn, jobs)
        return mapped

    monkeypatch.setattr(builder, "ordered_map", spy)
    monkeypatch.setattr(loading, "PARALLEL_PARSE_BYTES", 0)
    (corpus / "clippings-a.txt").write_text(
        clippings(A[:2] + [(A[2][0], A[2][1], A[2][2], "演習を中止した。")]), encoding="utf-8")
    (corpus / "clippings-b.txt").write_text(clippings([A[1], C3], "別の切り抜き"),
                                            encoding="utf-8")
    stats = update(tmp_path / "ix", corpus)
    ab, abc = ["clippings-a.txt", "clippings-b.txt"], [f"clippings-{x}.txt" for x in "abc"]
    assert reads == [ab, ab, abc, abc]
    assert (stats.added, stats.replaced, stats.removed, stats.notes) == (
        0, 2, 0, ["read 3 of 3 files"])
    monkeypatch.setattr(builder, "ordered_map", workers.ordered_map)
    assert stats.issues == as_a_reindex_builds(tmp_path / "ix", corpus, tmp_path)


def test_an_unchanged_article_with_a_warning_is_parsed_and_its_warning_said_again(
        tmp_path, corpus):
    (corpus / "clippings-a.txt").write_text(clippings(A[:1] + B + A[2:]), encoding="utf-8")
    reindex(tmp_path / "ix", corpus)
    (corpus / "clippings-a.txt").write_text(clippings([C3] + A[:1] + B + A[2:]),
                                            encoding="utf-8")
    stats = update(tmp_path / "ix", corpus)
    assert (stats.added, stats.notes) == (1, ["read 1 of 1 files; 1 unchanged article "
                                              "passed over"])
    assert [str(i) for i in stats.issues if i.severity == "warning"] == [
        "clippings-a.txt:15: date 2025.02.01 and id 2502-010101 disagree (the id says 01-01); "
        "kept the date as written"]
    assert stats.issues == as_a_reindex_builds(tmp_path / "ix", corpus, tmp_path)


def fingerprint(rec) -> str:
    """A record's fingerprint as a build works it out: its content, then its archives."""
    return builder._with_archives(builder.content(rec), rec.collections)


def test_fingerprints_change_with_what_the_corpus_says_only(tmp_path, corpus):
    from search.corpus.loading import load_corpus

    rec = load_corpus(corpus, annotate=False).records[0]
    first = fingerprint(rec)
    assert len(first) == 20
    rec.line = 99
    rec.facets = {"country": ["米国"]}
    assert fingerprint(rec) == first
    rec.summary += "。"
    assert fingerprint(rec) != first
    again = fingerprint(rec)
    rec.collections.append("もう一つの切り抜き")  # a copy found in another archive
    assert fingerprint(rec) != again


def test_a_file_changed_between_the_scan_and_the_workers_is_read_again(tmp_path, corpus,
                                                                       monkeypatch):
    """The first scan's file is changed before the workers read it (a corpus they read
    again, as a large one's: a small one's records are held by the scan): the build starts
    again once, with the same progress, processes and budget, says so, and holds the new
    text."""
    monkeypatch.setattr(loading, "HOLD_RECORDS_BYTES", 0)
    real_scan, real_write = builder.scan_corpus, builder.write_records
    scans, writes = [], []

    def scan_then_change(*args):
        scans.append(args[0])
        scan = real_scan(*args)
        if len(scans) == 1:
            (corpus / "clippings-a.txt").write_text(clippings(A + B), encoding="utf-8")
        return scan

    def spy(ix, records, to_document, progress, procs, memory):
        writes.append((progress, procs, memory))
        real_write(ix, records, to_document, progress, procs, memory)

    def tick(n, total):
        return None

    monkeypatch.setattr(builder, "scan_corpus", scan_then_change)
    monkeypatch.setattr(builder, "write_records", spy)
    root = tmp_path / "ix"
    stats = reindex(root, corpus, progress=tick, memory=123_456_789)
    assert scans == [corpus, corpus]
    assert writes == [(tick, 1, 123_456_789)] * 2
    assert stats.notes == ["clippings-a.txt changed while it was being indexed: read again"]
    assert (stats.mode, stats.records, stats.path) == ("rebuild", 4, str(current_path(root)))
    assert ids(root) == sorted([a[0] for a in A] + [B[0][0]])


def test_an_update_of_many_records_indexes_them_in_workers_as_one_process_does(tmp_path):
    """Past PARALLEL_RECORDS the records to add go through the reindex's workers, after the
    deletions' commit: the same documents, answers and counts as one process's update."""
    from tests.unit.test_workers import fresh

    out = fresh(f"""
        import json, shutil
        from pathlib import Path
        from whoosh import index as whoosh_index
        from search.config import DEFAULT_CORPUS
        from search.engine import Engine, SearchRequest
        from search.index import build as builder
        from search.index.schema import stored
        from search.index.store import current_path

        tmp = Path({str(tmp_path)!r})
        corpus = tmp / "corpus"
        shutil.copytree(DEFAULT_CORPUS, corpus)
        for root in ("one", "two"):
            builder.reindex(tmp / root, corpus)
        archive = sorted(corpus.glob("clippings-*.txt"))[0]
        archive.write_text(archive.read_text(encoding="utf-8").replace("。", "。 "),
                           encoding="utf-8")
        builder.PARALLEL_RECORDS = 1
        one = builder.update(tmp / "one", corpus, procs=1)
        two = builder.update(tmp / "two", corpus, procs=2)

        def seen(root):
            with Engine(root) as engine:
                found = {{}}
                for q in ("", "米国", "防衛 協力", "NATO", "日米"):
                    r = engine.search(SearchRequest(q=q, page_size=50))
                    found[q] = ([(h.id, h.score) for h in r.results],
                                {{k: [(v.value, v.count) for v in vs]
                                  for k, vs in r.facets.items()}})
            with whoosh_index.open_dir(str(current_path(root))).reader() as reader:
                leaves = len(reader.leaf_readers())
                ids = sorted(stored(f)["id"] for _, f in reader.iter_docs())
            return found, ids, leaves

        a, b = seen(tmp / "one"), seen(tmp / "two")
        print(json.dumps([one.replaced, one.replaced == two.replaced, a[0] == b[0],
                          a[1] == b[1], b[2] - a[2]]))
    """)
    replaced, same_count, same_answers, same_ids, more_segments = json.loads(out)
    assert replaced > 10 and same_count and same_answers and same_ids
    assert more_segments == 1  # two workers' segments where one process wrote one
