"""The index folder: which build is current, what it says of itself, whether its files are
whole, opening it, and the lock one build at a time holds.

Layout of the index folder::

    index/current   -> builds/20261123T101500-1234   (a relative symlink)
    index/builds/…/  Whoosh's files, columns.npz (the columns by document), corpus.json
                     (each record's fingerprint, each file's ids and lines: what ``update``
                     compares) and kirinuki.json (what went in: hashes, counts, time)
    index/.lock      the pid of the process building, while it builds

Serving reads this module and never the build's: a new build is written in a folder of its
own and swapped in with one rename (``finish``).
"""

from __future__ import annotations

import fcntl
import json
import os
import pickle
import shutil
import struct
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.filetables import FileFormatError

from ..config import index_dir
from ..errors import (
    IndexDamagedError,
    IndexLockedError,
    IndexMissingError,
    IndexOutdatedError,
    IndexProblem,
)
from .schema import SCHEMA_VERSION
from .version import code_hashes

META = "kirinuki.json"
# Kept apart from the meta, which every start reads: at a million records this is 57 MB of
# JSON (0.8 s to parse), needed only by ``update`` and by a citation's line number.
CORPUS_META = "corpus.json"


def current_path(root: str | os.PathLike | None = None) -> Path | None:
    """The build folder the index currently serves from, or None if there is none.

    Every request asks (a reindex may have moved the link): the link is read (one system
    call) and resolved once for what it says, not walked again each time."""
    link = index_dir(root) / "current"
    try:
        says = os.readlink(link)
    except OSError:  # no link: nothing, or a folder of that name
        if not link.exists():
            return None
        target = link.resolve()
    else:
        target = _resolved(link, says)
    return target if (target / META).exists() else None


@lru_cache(maxsize=64)
def _resolved(link: Path, says: str) -> Path:
    """Where ``link``, which reads ``says``, leads (``says`` keys the answer: a new build is
    a new name)."""
    return link.resolve()


def read_meta(root: str | os.PathLike | None = None) -> dict:
    path = current_path(root)
    if path is None:
        raise IndexMissingError(f"no index in {index_dir(root)}: run `python manage.py reindex`")
    return meta_of(path)


def meta_of(build: Path) -> dict:
    """The build's description; a missing or garbled one means the build is damaged."""
    try:
        meta = json.loads((build / META).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise IndexDamagedError(build.parent.parent, f"{META} cannot be read: {exc}") from exc
    if not isinstance(meta, dict):
        raise IndexDamagedError(build.parent.parent, f"{META} is not what kirinuki writes")
    return meta


def corpus_meta_of(build: Path) -> dict:
    """What the build holds of the corpus: ``records`` (id → fingerprint) and ``files``
    (name → ids, lines, warnings). Missing or garbled, the build is damaged."""
    try:
        meta = json.loads((build / CORPUS_META).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise IndexDamagedError(build.parent.parent,
                                f"{CORPUS_META} cannot be read: {exc}") from exc
    if not (isinstance(meta, dict) and isinstance(meta.get("records"), dict)
            and isinstance(meta.get("files"), dict)):
        raise IndexDamagedError(build.parent.parent,
                                f"{CORPUS_META} is not what kirinuki writes")
    return meta


def checksums(build: Path) -> dict[str, list[int]]:
    """Size and CRC-32 of each of Whoosh's files in ``build``: what :func:`damage` compares.

    CRC-32 reads 250 MB (an index of 100,000 records) in well under a second, so a build
    can afford it and ``update`` and ``stats`` can check every byte.
    """
    sums = {}
    for path in sorted(build.iterdir()):
        if path.name in (META, "MAIN_WRITELOCK") or not path.is_file():
            continue
        crc, size = 0, 0
        with open(path, "rb") as fh:
            while chunk := fh.read(1 << 20):
                crc, size = zlib.crc32(chunk, crc), size + len(chunk)
        sums[path.name] = [size, crc]
    return sums


def damage(build: Path, full: bool = True, expected: dict | None = None) -> str | None:
    """What is wrong with the files of ``build``, or None if they are as they were written.

    ``full`` compares every byte (CRC-32); without it only that each file is there with its
    size, which costs a ``stat`` per file. ``expected``: the build's checksums, when the
    caller keeps them (the meta of a large archive takes a while to read). An index from
    before checksums were kept is rebuilt anyway (its code hash differs), so it is not
    judged here.
    """
    if expected is None:
        expected = meta_of(build).get("checksums")
    if not isinstance(expected, dict):
        return None
    for name, (size, _crc) in sorted(expected.items()):
        path = build / name
        try:
            found = path.stat().st_size
        except OSError:
            return f"{name} is missing"
        if found != size:
            return f"{name} has {found} bytes, not the {size} written"
    if full:
        for name, (_bytes, crc) in sorted(checksums(build).items()):
            want = expected.get(name)
            if want is not None and want[1] != crc:
                return f"{name} has changed since it was written"
    return None


def check_build(build: Path, full: bool = True, expected: dict | None = None) -> None:
    """Raise :class:`IndexDamagedError` if the files of ``build`` are damaged."""
    problem = damage(build, full, expected)
    if problem is not None:
        raise IndexDamagedError(build.parent.parent, problem)


# What reading damaged index files raises, from Whoosh's and our own decoders. Some of these
# are also what a bug raises, so a reader that catches one checks the files (``damage``)
# before it blames the index.
READ_ERRORS = (EOFError, OSError, pickle.UnpicklingError, zlib.error, struct.error,
               FileFormatError, ValueError, KeyError, IndexError, TypeError)


OTHER_VERSION = "the index was made by another version of kirinuki"


def other_version(meta: dict) -> bool:
    """Whether another schema or other analysis code built the index ``meta`` describes."""
    return meta.get("schema_version") != SCHEMA_VERSION or meta.get("code") != code_hashes()


def outdated(root: str | os.PathLike | None = None) -> str | None:
    """Why the index must be rebuilt before it is served, or None if it need not be."""
    path = current_path(root)
    if path is None:
        return f"there is no index in {index_dir(root)} yet"
    try:
        meta = meta_of(path)
        if other_version(meta):
            return OTHER_VERSION
        problem = damage(path, full=False, expected=meta.get("checksums"))
    except IndexDamagedError as exc:
        problem = exc.problem
    return f"the index is damaged ({problem})" if problem else None


def open_current(root: str | os.PathLike | None = None):
    """The Whoosh index currently served."""
    meta = read_meta(root)
    path = current_path(root)
    stale = IndexOutdatedError(f"the index in {index_dir(root)} was built by another version of "
                               "kirinuki: run `python manage.py reindex`")
    if meta.get("schema_version") != SCHEMA_VERSION:
        raise stale
    check_build(path, full=False, expected=meta.get("checksums"))
    try:
        # no memory maps: a file cut short under a running server must be an error, not
        # a SIGBUS that kills the process
        return FileStorage(str(path), supports_mmap=False).open_index()
    except (AttributeError, ImportError) as exc:
        raise stale from exc  # its pickled schema names analysis code that is gone
    except READ_ERRORS as exc:
        check_build(path)
        if isinstance(exc, pickle.UnpicklingError):
            raise stale from exc
        raise


def new_build(root: Path) -> Path:
    builds = root / "builds"
    builds.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    path = builds / f"{stamp}-{os.getpid()}.partial"
    path.mkdir()
    return path


def finish(root: Path, build: Path) -> Path:
    """Rename the finished build into place and point ``current`` at it in one rename."""
    final = build.with_suffix("")
    build.rename(final)
    tmp_link = root / f".current-{os.getpid()}"
    if tmp_link.is_symlink() or tmp_link.exists():
        tmp_link.unlink()
    tmp_link.symlink_to(final.relative_to(root))
    os.replace(tmp_link, root / "current")
    prune(root, keep={final})
    return final


def prune(root: Path, keep: set[Path]) -> None:
    """Remove old builds, keeping the new one and the one before (a searcher may hold it)."""
    builds = sorted((p for p in (root / "builds").iterdir() if p.suffix != ".partial"),
                    key=lambda p: p.name)
    survivors = set(keep) | set(builds[-2:])
    for path in builds:
        if path not in survivors:
            shutil.rmtree(path, ignore_errors=True)
    for path in (root / "builds").glob("*.partial"):
        pid = path.name.rsplit("-", 1)[-1].removesuffix(".partial")
        if not (pid.isdigit() and alive(int(pid))):
            shutil.rmtree(path, ignore_errors=True)


def size_of(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextmanager
def lock(root: Path) -> Iterator[None]:
    """One build at a time: an exclusive ``flock`` on ``root/.lock``, which the kernel
    releases when its process ends however it ends (``kill -9`` leaves no stale lock).

    The file holds the owner's process id, for the message another build gets. A locker
    that took the lock on a file its owner has just removed tries again on the new one.
    """
    path = root / ".lock"
    while True:
        try:
            root.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o644)
        except OSError as exc:  # a full disk, a read-only disk, a file where a folder goes
            raise IndexProblem(
                f"cannot take the build lock {path} ({exc.strerror or type(exc).__name__}). "
                "Nothing was changed. Free some disk space, or check the index folder "
                "(--index) and its permissions, and run it again.") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            owner = os.read(fd, 32).decode("ascii", "replace").strip() or "?"
            os.close(fd)
            raise IndexLockedError(f"another build (process {owner}) is running on {root}; "
                                   "wait for it to finish") from None
        try:
            same = os.fstat(fd).st_ino == os.stat(path).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)  # the file was removed as we locked it: lock the one there now
    try:
        try:  # the owner's id is only for the message: a full disk must not stop a build
            os.ftruncate(fd, 0)
            os.write(fd, str(os.getpid()).encode("ascii"))
        except OSError:
            pass
        yield
    finally:
        path.unlink(missing_ok=True)  # while still held: the next locker sees a fresh file
        os.close(fd)
