"""Exact behaviour of search.corpus.loading (written for mutation testing): real corpus
folders in tmp_path, loaded whole (every FileReport field, every issue, records merged
across files), and the folder errors word for word."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from search.corpus import loading
from search.corpus.loading import (
    TEXT_SUFFIXES,
    FileReport,
    corpus_files,
    load_corpus,
    missing_folder,
    no_records,
    parse_file,
)
from search.corpus.manifest import FileMeta
from search.corpus.records import Issue
from search.errors import CorpusError

WHERE_ELSE = "or name another folder with --corpus DIR or KIRINUKI_CORPUS"

ARCHIVE_A = ("欧州の報道\n2016.08.05\n時事通信\n甲の記事 <1609-080501>\n 文。\n"
             "2016.08.04\n謎新報\n乙の記事 <1609-080401>\n 文。\n")
ARCHIVE_B = ("2016.08.05\n時事通信\n甲の記事 <1609-080501>\n 文 。\n"
             "2016.08.03\n時事通信\n丙の記事 <1609-080301>\n 別。\n"
             "2016.08.03\n時事通信\n丙の記事 <1609-080301>\n 別。\n")
MANIFEST = """
["b.txt"]
kind = "clippings"
label = "B"

["gone.txt"]
kind = "document"
label = "Gone"

["d.txt"]
kind = "article"
label = "D"

["bad"]
kind = "x"
"""


def write(folder: Path, name: str, text: str) -> bytes:
    data = text.encode()
    (folder / name).write_bytes(data)
    return data


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_text_suffixes() -> None:
    """The suffixes a corpus folder is read for."""
    assert {".txt", ".text", ".md"} == TEXT_SUFFIXES


def test_corpus_files(tmp_path: Path) -> None:
    """A folder's text files sorted, README.md left out; a folder named like a text file is
    listed (and reported when read); a file or such a folder given is taken as given."""
    for name in ("b.txt", "a.TXT", "c.text", "d.md", "README.md", "e.csv", "f"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    (tmp_path / "sub.txt").mkdir()
    (tmp_path / "sub").mkdir()
    other = tmp_path / "other"
    other.mkdir()
    (other / "ReadMe.MD").write_text("x", encoding="utf-8")
    (other / "z.md").write_text("x", encoding="utf-8")
    assert corpus_files([tmp_path, other, tmp_path / "e.csv", tmp_path / "sub.txt"]) == [
        tmp_path / "a.TXT", tmp_path / "b.txt", tmp_path / "c.text", tmp_path / "d.md",
        tmp_path / "sub.txt", other / "z.md", tmp_path / "e.csv", tmp_path / "sub.txt"]
    assert corpus_files([]) == []


def test_missing_folder(tmp_path: Path) -> None:
    """Each message says what is wrong and where else to point."""
    assert missing_folder(tmp_path) is None
    (tmp_path / "m.toml").write_text("", encoding="utf-8")
    assert str(missing_folder(tmp_path / "m.toml")) == (
        f"the corpus {tmp_path / 'm.toml'} is a file, not a folder: name the folder that holds "
        f"the clipping archives, {WHERE_ELSE}")
    assert str(missing_folder(tmp_path / "none")) == (
        f"the corpus folder {tmp_path / 'none'} does not exist: create it and put the clipping "
        f"archives (.txt) in it, {WHERE_ELSE}")
    os.symlink(tmp_path / "none", tmp_path / "link")
    assert missing_folder(tmp_path / "link") is None  # read, and reported, as a file
    assert isinstance(missing_folder(tmp_path / "none"), CorpusError)


def test_no_records() -> None:
    """With and without files, each message says why."""
    assert str(no_records(Path("/c"), 3)) == (
        "no records found in /c: its 3 file(s) gave none (`python manage.py check` shows why). "
        "Put the clipping archives, documents and articles there as text files (see the "
        f"README's corpus section), {WHERE_ELSE}")
    assert str(no_records(Path("/c"), 0)) == (
        "no records found in /c: it holds no .txt, .text or .md files. Put the clipping "
        "archives, documents and articles there as text files (see the README's corpus "
        f"section), {WHERE_ELSE}")
    assert isinstance(no_records(Path("/c"), 0), CorpusError)


def test_a_folder_loaded_whole(tmp_path: Path) -> None:
    """Manifest files first in its order, the others by name; copies of an article merged
    into the first (whitespace aside, the same text: no warning); an id twice in a file;
    the manifest's warning once; a file that cannot be read reported with its entry."""
    write(tmp_path, "manifest.toml", MANIFEST)
    a = write(tmp_path, "a.txt", ARCHIVE_A)
    b = write(tmp_path, "b.txt", ARCHIVE_B)
    c = write(tmp_path, "c.md", "ロシアは、隣国である。\n")
    (tmp_path / "d.txt").mkdir()
    (tmp_path / "e.txt").mkdir()
    write(tmp_path, "README.md", "x")
    corpus = load_corpus(tmp_path, annotate=False)
    assert [(r.id, r.collections, r.file, r.line, r.facets) for r in corpus.records] == [
        ("1609-080501", ["B", "欧州の報道"], "b.txt", 1, {}),
        ("1609-080301", ["B"], "b.txt", 5, {}),
        ("1609-080401", ["欧州の報道"], "a.txt", 6, {}),
        ("c#1", ["c"], "c.md", 1, {}),
    ]
    folder = ("is a folder, not a file: skipped (sub-folders are not read; move its files into "
              "the corpus folder, or rename the folder)")
    manifest = Issue("manifest.toml", 0, "['bad'] has kind 'x'; expected one of clippings, "
                                         "document, article; recognised by shape instead")
    again = Issue("b.txt", 9, "id 1609-080301 appears again in this file (first at line 5); "
                              "one record kept")
    shape_a = Issue("a.txt", 0, "not in manifest.toml: recognised by its shape as a clipping "
                                "archive, labelled '欧州の報道'", "notice")
    outlet_a = Issue("a.txt", 6, "outlet '謎新報' is not in data/outlets.toml; add it there to "
                                 "merge its spellings", "notice")
    shape_c = Issue("c.md", 0, "not in manifest.toml: recognised by its shape as a long "
                               "document, labelled 'c'", "notice")
    assert corpus.files == [
        FileReport("b.txt", "clippings", "B", True, lines=12, records=3, ids=2, duplicates=1,
                   record_ids=["1609-080501", "1609-080301"], record_lines=[1, 5],
                   roles={"record": 12, "furniture": 0, "warning": 0}, issues=[again],
                   digest=sha(b), differs=["1609-080301"]),
        FileReport("d.txt", "article", "D", False, issues=[Issue("d.txt", 0, folder)],
                   digest="unreadable: Is a directory"),
        FileReport("a.txt", "clippings", "欧州の報道", True, lines=9, records=2, ids=2,
                   record_ids=["1609-080501", "1609-080401"], record_lines=[2, 6],
                   roles={"record": 8, "furniture": 1, "warning": 0},
                   issues=[shape_a, outlet_a],
                   digest=sha(a)),
        FileReport("c.md", "document", "c", True, lines=1, records=1, ids=1,
                   record_ids=["c#1"], record_lines=[1],
                   roles={"record": 1, "furniture": 0, "warning": 0}, issues=[shape_c],
                   digest=sha(c)),
        FileReport("e.txt", "?", "e", False, issues=[Issue("e.txt", 0, folder)],
                   digest="unreadable: Is a directory"),
    ]
    assert corpus.issues == [manifest, Issue("d.txt", 0, folder), shape_a, outlet_a, shape_c,
                             Issue("e.txt", 0, folder), again]
    assert [f.warnings for f in corpus.files] == [1, 1, 0, 0, 1]


def len_of_title(rec) -> str:
    return str(len(rec.title))


def title_of(rec) -> str:
    return rec.title


class Mapper:
    """A mapper as the index layer passes one: what it was given, the results all worked
    out before the first is taken (as a pool's may be), given back in the jobs' order."""

    def __init__(self) -> None:
        self.jobs: list | None = None

    def __call__(self, fn, jobs):
        self.jobs = list(jobs)
        return iter([fn(job) for job in self.jobs])


def test_a_mapper_reads_a_large_enough_corpus_to_the_same_result(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "manifest.toml", MANIFEST)
    write(tmp_path, "a.txt", ARCHIVE_A)
    write(tmp_path, "b.txt", ARCHIVE_B)
    write(tmp_path, "c.md", "ロシアは、隣国である。\n")
    (tmp_path / "d.txt").mkdir()
    alone = load_corpus(tmp_path, annotate=False)
    monkeypatch.setattr(loading, "PARALLEL_PARSE_BYTES", 0)
    mapper = Mapper()
    mapped = load_corpus(tmp_path, annotate=False, mapper=mapper)
    assert mapped == alone
    assert mapper.jobs is not None
    assert [(path.name, meta and (meta.kind, meta.label), how, known)
            for path, meta, how, known in mapper.jobs] == [
        ("b.txt", ("clippings", "B"), None, None), ("d.txt", ("article", "D"), None, None),
        ("a.txt", None, None, None), ("c.md", None, None, None)]
    assert mapper.jobs[0][0] == tmp_path / "b.txt"
    # what to work out for each record goes with the job, and comes back with the file
    titled = Mapper()
    summed = load_corpus(tmp_path, annotate=False, mapper=titled, summarise=len_of_title)
    assert {how for _, _, how, _ in titled.jobs} == {len_of_title}
    assert summed.records == alone.records and alone.summaries == {}
    assert summed.summaries == {"1609-080501": "4", "1609-080301": "4", "1609-080401": "4",
                                "c#1": "3"}  # a document's first words


def test_a_small_corpus_or_a_single_file_is_read_without_the_mapper(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "a.txt", ARCHIVE_A)
    write(tmp_path, "b.txt", ARCHIVE_B)
    size = len(ARCHIVE_A.encode()) + len(ARCHIVE_B.encode())
    monkeypatch.setattr(loading, "PARALLEL_PARSE_BYTES", size + 1)
    mapper = Mapper()
    load_corpus(tmp_path, annotate=False, mapper=mapper)
    assert mapper.jobs is None
    monkeypatch.setattr(loading, "PARALLEL_PARSE_BYTES", size)
    assert len(load_corpus(tmp_path, annotate=False, mapper=mapper).records) == 3
    assert [path.name for path, _, _, _ in mapper.jobs] == ["a.txt", "b.txt"]
    monkeypatch.setattr(loading, "PARALLEL_PARSE_BYTES", 0)
    one = Mapper()
    assert len(load_corpus(paths=[tmp_path / "a.txt"], annotate=False, mapper=one).records) == 2
    assert one.jobs is None


def test_a_scan_reads_with_the_mapper_too(tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "a.txt", ARCHIVE_A)
    write(tmp_path, "b.txt", ARCHIVE_B)
    monkeypatch.setattr(loading, "PARALLEL_PARSE_BYTES", 0)
    mapper = Mapper()
    scan = loading.scan_corpus(tmp_path, title_of, lambda rec: 1, mapper)
    # a scan keys every article for the next update, passing over none
    assert [(path.name, how, known) for path, _, how, known in mapper.jobs] == [
        ("a.txt", title_of, {}), ("b.txt", title_of, {})]
    assert list(scan.summaries()) == [("1609-080501", "甲の記事", ["欧州の報道", "b"]),
                                      ("1609-080401", "乙の記事", ["欧州の報道"]),
                                      ("1609-080301", "丙の記事", ["b"])]


def test_copies_that_differ(tmp_path: Path) -> None:
    """Each difference that counts: date, outlet, title, summary, notes; the first copy kept,
    the later archive added to its collections once."""
    first = "2016.08.05\n時事通信\n甲の記事 <1609-080501>\n 文。\n【註】\n注。\n"
    changed = [
        first.replace("2016.08.05", "2015.08.05"),
        first.replace("時事通信", "共同通信"),
        first.replace("甲の記事", "甲の記"),
        first.replace(" 文。", " 文 が。"),
        first.replace("注。", "注だ。"),
    ]
    write(tmp_path, "a.txt", first)
    for k, text in enumerate(changed):
        write(tmp_path, f"b{k}.txt", text)
    write(tmp_path, "c.txt", first.replace("\n 文。", "\n\u3000文\t。"))
    corpus = load_corpus(tmp_path, annotate=False)
    (rec,) = corpus.records
    assert (rec.file, rec.date, rec.source, rec.title, rec.summary, rec.notes) == (
        "a.txt", "2016-08-05", "時事通信", "甲の記事", "文。", ["【註】\n注。"])
    assert rec.collections == ["a", "b0", "b1", "b2", "b3", "b4", "c"]
    assert [i for i in corpus.issues if i.severity == "warning"] == [
        Issue(f"b{k}.txt", 1, "the copy of 1609-080501 here differs from the one at a.txt:1; "
                              f"kept that one (b{k}.txt:1)") for k in range(5)]
    assert [f.issues for f in corpus.files][1] == [
        Issue("b0.txt", 0, "not in manifest.toml: recognised by its shape as a clipping "
                           "archive, labelled 'b0'", "notice"),
        Issue("b0.txt", 1, "the copy of 1609-080501 here differs from the one at a.txt:1; kept "
                           "that one (b0.txt:1)")]


def test_a_copy_twice_in_one_archive_that_differs(tmp_path: Path) -> None:
    """Both warnings, and the archive not listed twice."""
    text = ("2016.08.05\n時事通信\n甲の記事 <1609-080501>\n 文。\n"
            "2016.08.05\n時事通信\n甲の記事 <1609-080501>\n 別の文。\n")
    write(tmp_path, "a.txt", text)
    corpus = load_corpus(tmp_path, annotate=False)
    assert [r.collections for r in corpus.records] == [["a"]]
    assert corpus.files[0].issues[1:] == [
        Issue("a.txt", 5, "id 1609-080501 appears again in this file (first at line 1); one "
                          "record kept"),
        Issue("a.txt", 5, "the copy of 1609-080501 here differs from the one at a.txt:1; kept "
                          "that one (a.txt:5)")]


def test_two_folders_each_with_its_manifest(tmp_path: Path) -> None:
    """Files named one by one: each folder's manifest, its warning once."""
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    two.mkdir()
    write(one, "manifest.toml", '["a.txt"]\nkind = "document"\nlabel = "A1"\n["x"]\nkind = 1\n')
    write(two, "manifest.toml", '["a.txt"]\nkind = "article"\nlabel = "A2"\n')
    write(one, "a.txt", "ロシアは、隣国である。\n")
    write(one, "b.txt", "ロシアは、隣国である。\n")
    write(two, "a.txt", "見出し\n2024-10-22 18:15\n本文。\n")
    corpus = load_corpus(paths=[one / "b.txt", two / "a.txt", one / "a.txt"], annotate=False)
    assert [(f.file, f.kind, f.label) for f in corpus.files] == [
        ("a.txt", "article", "A2"), ("a.txt", "document", "A1"), ("b.txt", "document", "b")]
    assert [r.id for r in corpus.records] == ["a", "a#1", "b#1"]
    assert [(i.file, i.message) for i in corpus.issues if i.file == "manifest.toml"] == [
        ("manifest.toml", "['x'] has kind 1; expected one of clippings, document, article; "
                          "recognised by shape instead")]


def test_annotation(tmp_path: Path) -> None:
    """Facets are filled only when asked."""
    write(tmp_path, "a.txt",
          "2016.08.05\n時事通信\n日英首脳会談 <1609-080501>\n NATOが協議した。\n")
    assert load_corpus(tmp_path).records[0].facets == {
        "country": ["英国"], "organization": ["NATO"]}
    assert load_corpus(tmp_path, annotate=False).records[0].facets == {}


def test_the_folder_from_the_environment(tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a folder, KIRINUKI_CORPUS names it."""
    write(tmp_path, "a.txt", "ロシアは、隣国である。\n")
    monkeypatch.setenv("KIRINUKI_CORPUS", str(tmp_path))
    assert [r.id for r in load_corpus(annotate=False).records] == ["a#1"]


def test_a_missing_folder_is_an_error(tmp_path: Path) -> None:
    """A folder must exist; files named one by one are reported instead."""
    with pytest.raises(CorpusError, match="does not exist"):
        load_corpus(tmp_path / "none")
    with pytest.raises(CorpusError, match="is a file, not a folder"):
        write(tmp_path, "f.txt", "x")
        load_corpus(tmp_path / "f.txt")
    corpus = load_corpus(paths=[tmp_path / "none.txt"])  # files named: each is reported
    assert corpus.issues == [Issue("none.txt", 0, "cannot be read: No such file or directory")]


def test_parse_file_by_kind() -> None:
    """Each kind goes to its parser."""
    lines = ["見出し", "2024-10-22 18:15", "本文。"]
    assert parse_file(FileMeta("a.txt", "article", "L", "a"), lines).records[0].kind == "article"
    assert [r.kind for r in parse_file(FileMeta("a.txt", "document", "L", "a"), lines).records] \
        == ["passage"] * 3
    clip = ["2016.08.05", "時事通信", "甲の記事 <1609-080501>", " 文。"]
    assert [r.collections for r in parse_file(FileMeta("a.txt", "clippings", "L"), clip).records] \
        == [["L"]]
