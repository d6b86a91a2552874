"""The index folder (search/index/store.py): the current build, its meta and checksums,
damage, opening, swapping builds in, pruning and the build lock; on real folders and a
real (small) index in ``tmp_path``."""

from __future__ import annotations

import gc
import json
import os
import re
import subprocess
import time
import zlib

import pytest

from search.errors import (
    IndexDamagedError,
    IndexLockedError,
    IndexMissingError,
    IndexOutdatedError,
    IndexProblem,
)
from search.index import store
from search.index.schema import SCHEMA_VERSION
from search.index.version import code_hashes
from tests.unit.smallindex import build, record


def made(root, name: str, files: dict[str, bytes], meta: dict | None = None):
    """A finished build folder ``root/builds/name`` with ``files`` and its meta."""
    path = root / "builds" / name
    path.mkdir(parents=True)
    for fname, data in files.items():
        (path / fname).write_bytes(data)
    if meta is not None:
        (path / store.META).write_text(json.dumps(meta), encoding="utf-8")
    return path


def point(root, path) -> None:
    (root / "current").symlink_to(path.relative_to(root))


def test_current_path(tmp_path):
    assert store.current_path(tmp_path) is None
    path = made(tmp_path, "b1", {"a": b"x"}, {})
    point(tmp_path, path)
    assert store.current_path(tmp_path) == path.resolve()
    (path / store.META).unlink()
    assert store.current_path(tmp_path) is None  # a build without its meta is not one
    (tmp_path / "current").unlink()
    (tmp_path / "current").symlink_to("builds/gone")  # a dangling link
    assert store.current_path(tmp_path) is None


def test_a_current_folder_that_is_not_a_link_is_served_too(tmp_path):
    (tmp_path / "current").mkdir()
    assert store.current_path(tmp_path) is None  # no meta yet
    (tmp_path / "current" / store.META).write_text("{}", encoding="utf-8")
    assert store.current_path(tmp_path) == (tmp_path / "current").resolve()


def test_read_meta(tmp_path):
    with pytest.raises(IndexMissingError) as raised:
        store.read_meta(tmp_path)
    assert str(raised.value) == f"no index in {tmp_path}: run `python manage.py reindex`"
    point(tmp_path, made(tmp_path, "b1", {}, {"records": 3}))
    assert store.read_meta(tmp_path) == {"records": 3}


@pytest.mark.parametrize(("text", "problem"), [
    (b"{not json", "kirinuki.json cannot be read: "),
    (b"\xff\xfe", "kirinuki.json cannot be read: "),
    (b"[1, 2]", "kirinuki.json is not what kirinuki writes"),
], ids=["json", "utf8", "list"])
def test_a_garbled_meta_is_damage(tmp_path, text, problem):
    path = made(tmp_path, "b1", {})
    (path / store.META).write_bytes(text)
    with pytest.raises(IndexDamagedError) as raised:
        store.meta_of(path)
    assert raised.value.root == tmp_path
    assert raised.value.problem.startswith(problem)
    with pytest.raises(IndexDamagedError) as raised:
        store.meta_of(tmp_path / "builds" / "missing")
    assert raised.value.problem.startswith("kirinuki.json cannot be read: ")


def test_checksums_are_size_and_crc_of_each_file_but_the_meta_and_the_lock(tmp_path):
    big = bytes(range(256)) * 5000  # over one read of 1 MB
    path = made(tmp_path, "b1", {"b.seg": b"hello", "a.pst": big, "MAIN_WRITELOCK": b""},
                {})
    (path / "sub").mkdir()
    assert store.checksums(path) == {"a.pst": [len(big), zlib.crc32(big)],
                                     "b.seg": [5, zlib.crc32(b"hello")]}
    assert list(store.checksums(path)) == ["a.pst", "b.seg"]


def test_damage(tmp_path):
    files = {"a": b"12345", "b": b"abc"}
    path = made(tmp_path, "b1", files)
    sums = store.checksums(path)
    (path / store.META).write_text(json.dumps({"checksums": sums}), encoding="utf-8")
    assert store.damage(path) is None and store.damage(path, full=False) is None
    (path / "b").write_bytes(b"abd")  # the same size, another byte
    assert store.damage(path) == "b has changed since it was written"
    assert store.damage(path, full=False) is None
    (path / "extra").write_bytes(b"new")  # a file the meta does not name: not judged
    assert store.damage(path, expected={"a": sums["a"]}) is None
    (path / "a").write_bytes(b"1234")
    assert store.damage(path, full=False) == "a has 4 bytes, not the 5 written"
    (path / "a").unlink()
    assert store.damage(path, expected=sums) == "a is missing"
    assert store.damage(path, expected=[]) is None  # no checksums kept: not judged
    (path / store.META).write_text(json.dumps({}), encoding="utf-8")
    assert store.damage(path) is None


def test_check_build(tmp_path):
    path = made(tmp_path, "b1", {"a": b"x"})
    (path / store.META).write_text(json.dumps({"checksums": {"a": [2, 0]}}), encoding="utf-8")
    with pytest.raises(IndexDamagedError) as raised:
        store.check_build(path, full=False)
    assert (raised.value.root, raised.value.problem) == (
        tmp_path, "a has 1 bytes, not the 2 written")
    (path / store.META).write_text(json.dumps({"checksums": {"a": [1, 0]}}), encoding="utf-8")
    store.check_build(path, full=False)
    with pytest.raises(IndexDamagedError, match="a has changed since it was written"):
        store.check_build(path)


def test_other_version_and_outdated(tmp_path):
    this = {"schema_version": SCHEMA_VERSION, "code": code_hashes()}
    assert store.other_version(this) is False
    assert store.other_version({**this, "schema_version": SCHEMA_VERSION - 1}) is True
    assert store.other_version({**this, "code": {}}) is True
    assert store.other_version({}) is True
    assert store.outdated(tmp_path) == f"there is no index in {tmp_path} yet"
    path = made(tmp_path, "b1", {"a": b"x"}, {**this, "checksums": {"a": [1, 0]}})
    point(tmp_path, path)
    assert store.outdated(tmp_path) is None  # sizes only: the CRC is not read
    (path / "a").write_bytes(b"xy")
    assert store.outdated(tmp_path) == "the index is damaged (a has 2 bytes, not the 1 written)"
    (path / store.META).write_text(json.dumps({**this, "code": {}}), encoding="utf-8")
    assert store.outdated(tmp_path) == store.OTHER_VERSION
    (path / store.META).write_text("[]", encoding="utf-8")
    assert store.outdated(tmp_path) == (
        "the index is damaged (kirinuki.json is not what kirinuki writes)")


# Whoosh leaves the TOC it could not read open: collected (and its warning ignored) here
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_open_current(tmp_path):
    root = tmp_path / "root"
    path = root / "builds" / "b1"
    path.mkdir(parents=True)
    build(path, [[record("o1", "2025-01-01", "空母", "空母。")]])
    meta = {"schema_version": SCHEMA_VERSION, "checksums": store.checksums(path)}
    (path / store.META).write_text(json.dumps(meta), encoding="utf-8")
    point(root, path)
    ix = store.open_current(root)
    assert ix.doc_count_all() == 1
    assert ix.storage.supports_mmap is False
    (path / store.META).write_text(json.dumps({**meta, "schema_version": 1}), encoding="utf-8")
    with pytest.raises(IndexOutdatedError) as raised:
        store.open_current(root)
    assert str(raised.value) == (f"the index in {root} was built by another version of "
                                 "kirinuki: run `python manage.py reindex`")
    (path / store.META).write_text(json.dumps(meta), encoding="utf-8")
    pst = next(path.glob("*.pst"))  # the same size, a byte changed: not read when opened
    pst.write_bytes(bytes([pst.read_bytes()[0] ^ 0xFF]) + pst.read_bytes()[1:])
    reopened = store.open_current(root)
    assert reopened.doc_count_all() == 1
    meta = {**meta, "checksums": store.checksums(path)}
    (path / store.META).write_text(json.dumps(meta), encoding="utf-8")
    toc = next(path.glob("*.toc"))
    data = toc.read_bytes()
    toc.write_bytes(data[:-1] + bytes([data[-1] ^ 0xFF]))  # same size, bytes changed
    with pytest.raises(IndexDamagedError, match=r"\.toc has changed since it was written"):
        store.open_current(root)
    gc.collect()


def test_new_build_and_finish_swap_current_and_prune(tmp_path):
    root = tmp_path / "ix"
    first = store.new_build(root)
    assert first.parent == root / "builds" and first.suffix == ".partial"
    assert re.fullmatch(rf"\d{{8}}T\d{{12}}-{os.getpid()}\.partial", first.name)
    assert first.is_dir()
    (first / store.META).write_text("{}", encoding="utf-8")
    final = store.finish(root, first)
    assert final == first.with_suffix("") and final.is_dir() and not first.exists()
    assert os.readlink(root / "current") == f"builds/{final.name}"
    assert store.current_path(root) == final.resolve()
    assert not list(root.glob(".current-*"))
    later = [store.new_build(root) for _ in range(3)]
    finals = []
    for path in later:
        (path / store.META).write_text("{}", encoding="utf-8")
        finals.append(store.finish(root, path))
    # the new one and the one before are kept
    assert sorted(p.name for p in (root / "builds").iterdir()) == [p.name for p in finals[-2:]]
    assert store.current_path(root) == finals[-1].resolve()


def test_finish_replaces_a_leftover_temporary_link(tmp_path):
    root = tmp_path / "ix"
    path = store.new_build(root)
    (root / f".current-{os.getpid()}").symlink_to("nowhere")
    final = store.finish(root, path)
    assert os.readlink(root / "current") == f"builds/{final.name}"


def test_prune_keeps_what_is_asked_and_partial_builds_of_live_processes(tmp_path):
    root = tmp_path
    builds = [made(root, f"2026010{i}T000000-1", {}) for i in range(1, 5)]
    child = subprocess.Popen(["sleep", "30"])  # a live builder (a child: see test_alive)
    mine = made(root, f"x-{child.pid}.partial", {})
    dead = made(root, "x-999999999.partial", {})
    odd = made(root, "x-abc.partial", {})
    try:
        store.prune(root, keep={builds[0]})
    finally:
        child.kill()
        child.wait()
    assert sorted(p.name for p in (root / "builds").iterdir()) == sorted(
        [builds[0].name, builds[2].name, builds[3].name, mine.name])
    assert not dead.exists() and not odd.exists()


def test_size_of(tmp_path):
    made(tmp_path, "b", {"a": b"12345", "b": b"xy"})
    (tmp_path / "builds" / "b" / "sub").mkdir()
    (tmp_path / "builds" / "b" / "sub" / "c").write_bytes(b"abc")
    assert store.size_of(tmp_path / "builds" / "b") == 10


def test_alive_only_asks(tmp_path):
    child = subprocess.Popen(["sleep", "30"])
    try:
        assert store.alive(child.pid) is True
        time.sleep(0.05)
        assert child.poll() is None  # no signal was sent
    finally:
        child.kill()
        child.wait()
    # (only a child of the test is asked: a mutant sending a real signal must hit nothing
    # else)
    assert store.alive(999999999) is False


def test_the_lock_is_exclusive_names_its_owner_and_is_removed_after(tmp_path):
    root = tmp_path / "ix"
    with store.lock(root):
        assert (root / ".lock").read_text(encoding="ascii") == str(os.getpid())
        with pytest.raises(IndexLockedError) as raised, store.lock(root):
            pass
        assert str(raised.value) == (f"another build (process {os.getpid()}) is running on "
                                     f"{root}; wait for it to finish")
    assert not (root / ".lock").exists()
    with store.lock(root):  # free again
        pass


def test_a_lock_that_cannot_be_taken_says_so(tmp_path):
    root = tmp_path / "file"
    root.write_text("not a folder", encoding="utf-8")
    with pytest.raises(IndexProblem) as raised, store.lock(root):
        pass
    assert str(raised.value).startswith(f"cannot take the build lock {root / '.lock'} (")
    assert str(raised.value).endswith(
        "). Nothing was changed. Free some disk space, or check the index folder "
        "(--index) and its permissions, and run it again.")


@pytest.mark.parametrize(("text", "problem"), [
    (b"{not json", "corpus.json cannot be read: "),
    (b"[1, 2]", "corpus.json is not what kirinuki writes"),
    (b'{"records": {}}', "corpus.json is not what kirinuki writes"),
    (b'{"records": [], "files": {}}', "corpus.json is not what kirinuki writes"),
    (b'{"records": {}, "files": []}', "corpus.json is not what kirinuki writes"),
])
def test_a_garbled_corpus_meta_is_damage(tmp_path, text, problem):
    path = made(tmp_path, "b1", {}, {})
    (path / store.CORPUS_META).write_bytes(text)
    with pytest.raises(IndexDamagedError) as raised:
        store.corpus_meta_of(path)
    assert raised.value.problem.startswith(problem)
    assert raised.value.root == tmp_path


def test_the_corpus_meta_is_read_whole(tmp_path):
    path = made(tmp_path, "b1", {}, {})
    held = {"records": {"a1": "f1"}, "files": {"a.txt": {"ids": ["a1"], "lines": [3]}}}
    (path / store.CORPUS_META).write_text(json.dumps(held), encoding="utf-8")
    assert store.corpus_meta_of(path) == held
