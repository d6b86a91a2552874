"""search.datatables: a data table parsed once per version of its bytes, kept beside the
compiled modules, never read from a copy of other bytes."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from search import datatables
from search.config import DATA_DIR


@pytest.fixture
def data(tmp_path: Path, monkeypatch) -> tuple[Path, Path]:
    """A data folder and a cache folder of the test's own."""
    folder, cache = tmp_path / "data", tmp_path / "cache"
    folder.mkdir()
    monkeypatch.setattr(datatables, "DATA_DIR", folder)
    return folder, cache


def copies(cache: Path) -> list[str]:
    return sorted(p.name.split("-")[2] for p in cache.glob("kirinuki-table-*.pickle"))


@pytest.mark.parametrize("name", ["countries.toml", "organizations.toml", "outlets.toml",
                                  "regions.toml", "eras.toml"])
def test_every_table_of_data_reads_as_tomllib_reads_it(name, tmp_path):
    with open(DATA_DIR / name, "rb") as fh:
        expected = tomllib.load(fh)
    cache = tmp_path / "cache"
    assert datatables.read_table(DATA_DIR / name, cache) == expected  # parsed, kept
    assert len(list(cache.glob(f"kirinuki-table-{Path(name).stem}-*.pickle"))) == 1
    assert datatables.read_table(DATA_DIR / name, cache) == expected  # from the copy


def test_a_kept_parse_is_what_is_read_while_the_bytes_are_the_same(data):
    folder, cache = data
    table = folder / "t.toml"
    table.write_text('a = 1\n[[row]]\nname = "日本"\nfirst = 2019-05-01\n', encoding="utf-8")
    first = datatables.read_table(table, cache)
    (kept,) = cache.glob("kirinuki-table-t-*.pickle")
    # the copy is what is read: a copy saying something else (never written so) shows it
    kept.write_bytes(datatables.pickle.dumps({"from": "the copy"}))
    assert datatables.read_table(table, cache) == {"from": "the copy"}
    assert first == {"a": 1, "row": [{"name": "日本", "first": __import__("datetime").date(
        2019, 5, 1)}]}


def test_a_changed_table_is_parsed_again_and_its_old_copy_removed(data):
    folder, cache = data
    table = folder / "t.toml"
    table.write_text("a = 1\n", encoding="utf-8")
    assert datatables.read_table(table, cache) == {"a": 1}
    table.write_text("a = 2\n", encoding="utf-8")
    assert datatables.read_table(table, cache) == {"a": 2}
    assert copies(cache) == ["t"]  # one copy: the new bytes'
    table.write_text("a = 1\n", encoding="utf-8")
    assert datatables.read_table(table, cache) == {"a": 1}


@pytest.mark.parametrize("damage", [b"", b"\x80\x04not a pickle", b"\x80\x04K\x01."])
def test_a_damaged_or_strange_copy_is_parsed_again_and_replaced(data, damage):
    folder, cache = data
    table = folder / "t.toml"
    table.write_text("a = 1\n", encoding="utf-8")
    datatables.read_table(table, cache)
    (kept,) = cache.glob("kirinuki-table-t-*.pickle")
    kept.write_bytes(damage)  # cut short, not a pickle, a pickle of no table
    assert datatables.read_table(table, cache) == {"a": 1}
    assert datatables.pickle.loads(kept.read_bytes()) == {"a": 1}


def test_tables_outside_data_and_without_a_cache_are_parsed_each_time(data, tmp_path):
    folder, cache = data
    elsewhere = tmp_path / "t.toml"
    elsewhere.write_text("a = 1\n", encoding="utf-8")
    assert datatables.read_table(elsewhere, cache) == {"a": 1}
    inside = folder / "t.toml"
    inside.write_text("a = 2\n", encoding="utf-8")
    assert datatables.read_table(inside, None) == {"a": 2}
    assert not cache.exists()


def test_a_cache_that_cannot_be_written_still_gives_the_table(data):
    folder, cache = data
    cache.write_text("a file where the folder would be", encoding="utf-8")
    table = folder / "t.toml"
    table.write_text("a = 1\n", encoding="utf-8")
    assert datatables.read_table(table, cache) == {"a": 1}
    assert datatables.read_table(table, cache / "deeper") == {"a": 1}


def test_a_broken_table_raises_tomllibs_error_and_keeps_nothing(data):
    folder, cache = data
    table = folder / "t.toml"
    table.write_text("a = \n", encoding="utf-8")
    with pytest.raises(tomllib.TOMLDecodeError):
        datatables.read_table(table, cache)
    assert copies(cache) == []


def test_keep_file_writes_by_a_rename_and_leaves_nothing_when_it_cannot(tmp_path):
    folder = tmp_path / "cache"
    assert datatables.keep_file(folder, "facts.json", b"one") is True
    assert datatables.keep_file(folder, "facts.json", b"two") is True
    assert [p.name for p in folder.iterdir()] == ["facts.json"]
    assert (folder / "facts.json").read_bytes() == b"two"
    # the name taken by a folder: the rename fails, the part written is removed
    (folder / "taken").mkdir()
    assert datatables.keep_file(folder, "taken", b"x") is False
    assert sorted(p.name for p in folder.iterdir()) == ["facts.json", "taken"]
    # no folder can be made (a file is in its way)
    (tmp_path / "file").write_bytes(b"")
    assert datatables.keep_file(tmp_path / "file", "facts.json", b"x") is False


def test_the_lines_of_a_plain_text_table(tmp_path: Path) -> None:
    table = tmp_path / "t.txt"
    table.write_text("# a comment\n\n輸送機: C-130  # a kind\n  いずも \n#\nx#y\n   # \n",
                     encoding="utf-8")
    assert list(datatables.lines(table)) == [(3, "輸送機: C-130"), (4, "いずも"), (6, "x")]
