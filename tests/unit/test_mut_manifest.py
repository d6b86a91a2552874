"""Exact behaviour of search.corpus.manifest (written for mutation testing): the manifest's
entries with their defaults and its warnings, and a file recognised by its shape."""

from __future__ import annotations

from pathlib import Path

import pytest

from search.corpus.manifest import (
    KINDS,
    MANIFEST,
    MAX_TITLE_CHARS,
    FileMeta,
    archive_title,
    detect,
    load_manifest,
)
from search.corpus.records import Issue

SHAPE = "every file is recognised by its shape instead"


def manifest(tmp_path: Path, text: str) -> tuple[dict[str, FileMeta], list[Issue]]:
    (tmp_path / MANIFEST).write_text(text, encoding="utf-8")
    return load_manifest(tmp_path)


def test_the_constants() -> None:
    """The file name, the kinds and the longest title are what the README says."""
    assert (MANIFEST, KINDS, MAX_TITLE_CHARS) == (
        "manifest.toml", ("clippings", "document", "article"), 60)


def test_no_manifest(tmp_path: Path) -> None:
    """No manifest is no entry and no warning."""
    assert load_manifest(tmp_path) == ({}, [])


def test_a_manifest_that_is_not_toml(tmp_path: Path) -> None:
    """A broken manifest is a warning quoting the parser, not an error."""
    assert manifest(tmp_path, '["a.txt"\nkind = "article"\n') == ({}, [Issue(
        "manifest.toml", 0, "cannot be read (Expected ']' at the end of a table declaration (at "
                            f"line 1, column 9)); {SHAPE}")])


def test_a_manifest_that_cannot_be_opened(tmp_path: Path) -> None:
    """An unreadable manifest (a folder) is a warning too."""
    (tmp_path / MANIFEST).mkdir()
    assert load_manifest(tmp_path) == ({}, [Issue(
        "manifest.toml", 0, f"cannot be read ([Errno 21] Is a directory: "
                            f"'{tmp_path / MANIFEST}'); {SHAPE}")])


def test_entries_with_their_defaults(tmp_path: Path) -> None:
    """Label and id default to the file's stem; the others to nothing."""
    metas, issues = manifest(tmp_path, """
["b.tar.txt"]
kind = "clippings"

["c.md"]
kind = "document"
label = "防衛白書"
id = "wp2024"
date = "2024-07-12"
source = "防衛省"
furniture_from = "目次"

["d.txt"]
kind = "article"
""")
    assert issues == []
    assert list(metas) == ["b.tar.txt", "c.md", "d.txt"]
    assert metas["b.tar.txt"] == FileMeta("b.tar.txt", "clippings", "b.tar", "b.tar", None, "",
                                          "", True)
    assert metas["c.md"] == FileMeta("c.md", "document", "防衛白書", "wp2024", "2024-07-12",
                                     "防衛省", "目次", True)
    assert metas["d.txt"] == FileMeta("d.txt", "article", "d", "d")


def test_an_entry_of_no_known_kind_is_left_out(tmp_path: Path) -> None:
    """An entry of an unknown or missing kind is dropped with a warning each."""
    metas, issues = manifest(tmp_path, """
["a.txt"]
kind = "book"

["b.txt"]
label = "x"

["c.txt"]
kind = "article"
""")
    assert list(metas) == ["c.txt"]
    assert issues == [
        Issue("manifest.toml", 0, "['a.txt'] has kind 'book'; expected one of clippings, "
                                  "document, article; recognised by shape instead"),
        Issue("manifest.toml", 0, "['b.txt'] has kind ''; expected one of clippings, "
                                  "document, article; recognised by shape instead"),
    ]


CLIPPINGS = ["その他欧州諸国との防衛協力に関する報道", "", "テスト報道", "2025.02.10",
             "時事通信", "モンゴルへレーダー <2503-021012>", " 政府が発表した。"]


def test_a_clipping_archive_is_labelled_by_its_title() -> None:
    """The title line names the archive; the id is the stem."""
    assert detect("dir.x/europe.txt", CLIPPINGS) == FileMeta(
        "dir.x/europe.txt", "clippings", "その他欧州諸国との防衛協力に関する報道", "europe",
        in_manifest=False)


def test_a_clipping_archive_without_a_title_is_labelled_by_its_stem() -> None:
    """(Its first line is a date: a first article's title would be taken for one.)"""
    assert detect("europe.txt", CLIPPINGS[3:]) == FileMeta(
        "europe.txt", "clippings", "europe", "europe", in_manifest=False)


@pytest.mark.parametrize(("lines", "kind"), [
    (["2025.02.10", "<2503-021012>"], "clippings"),  # one date line and one id are enough
    (["2025.02.10", "no id"], "document"),
    (["<2503-021012>", "no date"], "document"),
    (["x"] * 7 + ["2025-02-10 9:05"], "article"),  # the eighth line is looked at
    (["x"] * 8 + ["2025-02-10 9:05"], "document"),  # the ninth is not
    ([" 2025-02-10 10:30 "], "article"),
    ([], "document"),
], ids=["clippings", "date-only", "id-only", "eighth", "ninth", "spaces", "empty"])
def test_a_file_recognised_by_its_shape(lines: list[str], kind: str) -> None:
    """Labelled by the stem: none of these has a title line."""
    assert detect("a.b.txt", lines) == FileMeta("a.b.txt", kind, "a.b", "a.b", in_manifest=False)


@pytest.mark.parametrize(("line", "found"), [
    ("2025.02.10", True), ("2025．2．1", True), ("2025.2.10 朝刊", True),
    (" 2025.02.10", False), ("2025.02", False), ("2025/02/10", False), ("225.02.10", False),
    ("2025.123.10", False),
], ids=["dots", "full-width", "text-after", "indented", "no-day", "slashes", "three-digits",
        "long-month"])
def test_date_lines(line: str, found: bool) -> None:
    """Which first lines are date lines (with an id elsewhere: a clipping archive)."""
    lines = [line, "<2503-021012>"]
    assert detect("a.txt", lines).kind == ("clippings" if found else "document")


@pytest.mark.parametrize(("line", "found"), [
    ("<2503-021012>", True), ("<<2503-021012>", True), ("< 2503 - 021012 >", True),
    ("記事 <2503-021012> 続き", True), ("<2503-02101>", False), ("<253-021012>", False),
    ("2503-021012>", False), ("<2503-021012", False), ("<2503021012>", False),
], ids=["plain", "doubled", "spaced", "inside", "short-number", "short-year", "no-open",
        "no-close", "no-dash"])
def test_ids(line: str, found: bool) -> None:
    """Which lines hold an id (with a date line: a clipping archive)."""
    assert detect("a.txt", ["2025.02.10", line]).kind == ("clippings" if found else "document")


@pytest.mark.parametrize(("line", "found"), [
    ("2025-02-10 9:05", True), ("2025-02-10 19:05", True), ("2025-02-10\t9:05\t", True),
    ("2025-02-10 9:05 x", False), ("2025-02-10 9:5", False), ("2025-2-10 9:05", False),
    ("2025-02-10 123:05", False), ("2025-02-109:05", False), ("x 2025-02-10 9:05", False),
], ids=["one-digit-hour", "two-digit-hour", "tabs", "text-after", "one-digit-minute",
        "one-digit-month", "three-digit-hour", "no-space", "text-before"])
def test_article_times(line: str, found: bool) -> None:
    """Which lines are an article's date and time."""
    assert detect("a.txt", [line]).kind == ("article" if found else "document")


@pytest.mark.parametrize(("lines", "title"), [
    (["", "  ", " 欧州　との　 報道 ", "x"], "欧州 との 報道"),
    (["日本,米国,英国"], "日本 米国 英国"),
    (["あ" * 60], "あ" * 60),
    (["あ" * 61], None),
    (["\u3000" * 3 + "あ" * 60 + "\u3000"], "あ" * 60),
    (["2025.02.10"], None),
    (["記事 <2503-021012>"], None),
    (["2025-02-10 9:05"], None),
    ([], None),
    (["", " \u3000 "], None),
    (["2025.02.10 は", "title"], None),
], ids=["spaces", "commas", "sixty", "sixty-one", "ideographic-spaces", "date", "id",
        "time", "none", "blank", "date-first"])
def test_archive_title(lines: list[str], title: str | None) -> None:
    """The first non-blank line, tidied, unless it is an article's or too long."""
    assert archive_title(lines) == title


def test_a_top_level_key_is_named_and_ignored_not_a_crash(tmp_path: Path) -> None:
    """A key outside any file's table (``title = "x"``) is no file's entry: a warning that
    names it, the rest of the manifest read as usual."""
    (tmp_path / "manifest.toml").write_text(
        'title = "x"\n\n["a.txt"]\nkind = "clippings"\nlabel = "A"\n', encoding="utf-8")
    metas, issues = load_manifest(tmp_path)
    assert list(metas) == ["a.txt"] and metas["a.txt"].label == "A"
    assert [str(i) for i in issues] == [
        "manifest.toml: 'title' is not a file's table ([\"file.txt\"] with kind = …); ignored"]
