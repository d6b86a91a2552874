"""Build and update the index atomically.

Layout of the index folder::

    index/current   -> builds/20261123T101500-1234   (a relative symlink)
    index/builds/…/  Whoosh's files + kirinuki.json (what went in: hashes, counts, time)
    index/.lock      the pid of the process building, while it builds

A build writes a new folder under builds/ and only then swaps the ``current`` link with
one rename, so a crash, a full disk or Ctrl-C halfway leaves the previous index serving. An
update copies the current build, applies the changes there and swaps the same way.
"""

from __future__ import annotations

import ast
import errno
import hashlib
import json
import os
import pickle
import re
import shutil
import struct
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.filetables import FileFormatError

from ..corpus import outlets
from ..config import DATA_DIR, PACKAGE_DIR, corpus_dir, index_dir
from ..corpus.loading import Corpus, corpus_files, load_corpus, missing_folder, no_records
from ..corpus.places import annotate
from ..corpus.records import Issue, Record
from .schema import SCHEMA_VERSION, build_schema, new_writer, to_document
from .workers import WorkerLost, paused_collector, write_records

META = "kirinuki.json"
Progress = Callable[[int, int], None]
# Libraries whose version changes what is indexed: the tokens, or the files written.
LIBRARIES = ("sudachipy", "sudachidict-core", "whoosh-reloaded")


class IndexProblem(Exception):
    """A problem with the index that the user can act on; the message says how."""


class IndexLockedError(IndexProblem):
    pass


class IndexMissingError(IndexProblem):
    pass


class IndexOutdatedError(IndexProblem):
    """The index was built by another version of kirinuki: it must be rebuilt."""


class IndexDamagedError(IndexProblem):
    """Files of the index are missing, cut short or changed since it was built."""

    def __init__(self, root: Path, problem: str) -> None:
        self.root, self.problem = root, problem
        super().__init__(f"the index in {root} is damaged ({problem}): run "
                         "`python manage.py reindex` to build it again")


@dataclass
class BuildStats:
    mode: str  # "rebuild", "update" or "unchanged"
    records: int
    seconds: float
    size_bytes: int
    added: int = 0
    replaced: int = 0
    removed: int = 0
    path: str = ""
    notes: list[str] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)  # found in the corpus files read

    @property
    def rate(self) -> float:
        return self.records / self.seconds if self.seconds else 0.0

    def summary(self) -> str:
        size = f"{self.size_bytes / 1_000_000:.1f} MB on disk"
        if self.mode == "unchanged":
            return f"index is up to date: {self.records} records, {size}"
        done = (f"{self.added} added, {self.replaced} replaced, {self.removed} removed; "
                if self.mode == "update" else "")
        return (f"{self.mode}: {done}{self.records} records in {self.seconds:.1f} s "
                f"({self.rate:.0f} records/s), {size}")


def current_path(root: str | os.PathLike | None = None) -> Path | None:
    """The build folder the index currently serves from, or None if there is none."""
    link = index_dir(root) / "current"
    if not link.is_symlink() and not link.exists():
        return None
    target = link.resolve()
    return target if (target / META).exists() else None


def read_meta(root: str | os.PathLike | None = None) -> dict:
    path = current_path(root)
    if path is None:
        raise IndexMissingError(f"no index in {index_dir(root)}: run `python manage.py reindex`")
    return _meta(path)


def _meta(build: Path) -> dict:
    """The build's description; a missing or garbled one means the build is damaged."""
    try:
        meta = json.loads((build / META).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise IndexDamagedError(build.parent.parent, f"{META} cannot be read: {exc}") from exc
    if not isinstance(meta, dict):
        raise IndexDamagedError(build.parent.parent, f"{META} is not what kirinuki writes")
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


def damage(build: Path, full: bool = True) -> str | None:
    """What is wrong with the files of ``build``, or None if they are as they were written.

    ``full`` compares every byte (CRC-32); without it only that each file is there with its
    size, which costs a ``stat`` per file. An index from before checksums were kept is
    rebuilt anyway (its code hash differs), so it is not judged here.
    """
    expected = _meta(build).get("checksums")
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


def check_build(build: Path, full: bool = True) -> None:
    """Raise :class:`IndexDamagedError` if the files of ``build`` are damaged."""
    problem = damage(build, full)
    if problem is not None:
        raise IndexDamagedError(build.parent.parent, problem)


# What reading damaged index files raises, from Whoosh's and our own decoders. Some of these
# are also what a bug raises, so a reader that catches one checks the files (``damage``)
# before it blames the index.
READ_ERRORS = (EOFError, OSError, pickle.UnpicklingError, zlib.error, struct.error,
               FileFormatError, ValueError, KeyError, IndexError, TypeError)

OTHER_VERSION = "the index was made by another version of kirinuki"


def _other_version(meta: dict) -> bool:
    """Whether another schema or other analysis code built the index ``meta`` describes."""
    return meta.get("schema_version") != SCHEMA_VERSION or meta.get("code") != _code_hashes()


def outdated(root: str | os.PathLike | None = None) -> str | None:
    """Why the index must be rebuilt before it is served, or None if it need not be."""
    path = current_path(root)
    if path is None:
        return f"there is no index in {index_dir(root)} yet"
    try:
        if _other_version(_meta(path)):
            return OTHER_VERSION
        problem = damage(path, full=False)
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
    check_build(path, full=False)
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


def reindex(root: str | os.PathLike | None = None, corpus: str | os.PathLike | None = None,
            progress: Progress | None = None, procs: int = 1) -> BuildStats:
    """Build the whole index from the corpus into a fresh folder and swap it in."""
    root_path = index_dir(root)
    with _lock(root_path), paused_collector():
        started = time.perf_counter()
        loaded = load_corpus(corpus_dir(corpus), annotate=False)
        if not loaded.records:
            raise no_records(corpus_dir(corpus), len(loaded.files))
        build = _new_build_or_explain(root_path)
        try:
            ix = whoosh_index.create_in(str(build), build_schema())
            # annotates the records on the way (countries, organisations)
            write_records(ix, loaded.records, _document, progress, procs)
            _write_meta(build, corpus_dir(corpus), _corpus_meta(loaded))
            final = _finish(root_path, build)
        except BaseException as exc:
            shutil.rmtree(build, ignore_errors=True)
            raise _explain(exc, root_path) from exc
        return BuildStats("rebuild", len(loaded.records), time.perf_counter() - started,
                          _size(final), added=len(loaded.records), path=str(final),
                          issues=loaded.issues)


def update(root: str | os.PathLike | None = None, corpus: str | os.PathLike | None = None,
           progress: Progress | None = None, procs: int = 1) -> BuildStats:
    """Bring the index up to date, reading only the files that changed.

    The files whose hash changed (and the unchanged files holding a record with them) are
    parsed again; records whose content fingerprint changed are annotated, deleted and
    added. The new build shares the old one's segment files by hard links instead of
    copying them, and a segment left more than ``MAX_DELETED`` deleted is merged away. A
    change to the manifest or the data tables rebuilds in full (with ``procs`` workers).
    """
    root_path = index_dir(root)
    if missing := missing_folder(corpus_dir(corpus)):
        raise missing

    def rebuild(why: str) -> BuildStats:
        stats = reindex(root_path, corpus, progress, procs)
        stats.notes.append(why)
        return stats

    old = current_path(root_path)
    if old is None:
        return rebuild("there was no index yet: built it in full")
    try:  # every byte: the update's new build shares the old one's files
        check_build(old)
        meta = _meta(old)
    except IndexDamagedError as exc:
        return rebuild(f"the index was damaged ({exc.problem}): rebuilt in full")
    if _other_version(meta):
        return rebuild(f"{OTHER_VERSION}: rebuilt in full")
    folder = corpus_dir(corpus)
    inputs = _input_hashes(folder)
    if inputs == meta.get("inputs"):
        return BuildStats("unchanged", len(meta["records"]), 0.0, _size(old), path=str(old))
    others = {k: v for k, v in inputs.items() if not _is_archive(k)}
    if "files" not in meta or others != {k: v for k, v in meta["inputs"].items()
                                         if not _is_archive(k)}:
        return rebuild("the manifest or a data table changed: rebuilt in full")
    with _lock(root_path):
        started = time.perf_counter()
        plan = _plan(folder, inputs, meta)
        if not plan.meta["records"]:
            raise no_records(folder, len(plan.meta["files"]))
        build = _new_build_or_explain(root_path)
        try:
            _link_tree(old, build)
            ix = whoosh_index.open_dir(str(build))
            writer = new_writer(ix)
            try:
                for rid in plan.removed + plan.replaced:
                    writer.delete_by_term("id", rid)
                todo = [plan.records[rid] for rid in plan.added + plan.replaced]
                for n, rec in enumerate(todo, start=1):
                    annotate(rec)
                    writer.add_document(**_document(rec))
                    if progress:
                        progress(n, len(todo))
            except BaseException:
                writer.cancel()
                raise
            writer.commit(mergetype=_merge_deleted)
            _write_meta(build, folder, plan.meta)
            final = _finish(root_path, build)
        except BaseException as exc:
            shutil.rmtree(build, ignore_errors=True)
            raise _explain(exc, root_path) from exc
        return BuildStats("update", len(plan.meta["records"]), time.perf_counter() - started,
                          _size(final), added=len(plan.added), replaced=len(plan.replaced),
                          removed=len(plan.removed), path=str(final),
                          notes=[f"read {len(plan.parsed)} of {len(plan.meta['files'])} files"],
                          issues=plan.issues)


# A segment with more than this share of deleted documents is rewritten by an update.
MAX_DELETED = 0.1


@dataclass
class _Plan:
    records: dict[str, Record]  # the new versions of the records the changed files touch
    added: list[str]
    replaced: list[str]
    removed: list[str]
    parsed: list[str]  # file names read again
    meta: dict  # the new build's record fingerprints and files
    issues: list[Issue]  # what was noticed in the files read


def _plan(folder: Path, inputs: dict[str, str], meta: dict) -> _Plan:
    """What an update must do: which files to read, which records to add, replace, remove."""
    files: dict[str, dict] = meta["files"]
    now = {k.removeprefix("corpus/") for k in inputs if _is_archive(k)}
    changed = sorted(n for n in now if inputs[f"corpus/{n}"] != meta["inputs"].get(f"corpus/{n}"))
    gone = sorted(set(files) - now)
    touched = {rid for name in changed + gone for rid in files.get(name, {}).get("ids", [])}
    loaded = load_corpus(folder, paths=[folder / n for n in changed], annotate=False)
    touched |= {r.id for r in loaded.records}
    holders = sorted({name for name, entry in files.items()
                      if name in now and name not in changed
                      and touched.intersection(entry.get("ids", []))})
    if holders:  # records shared with unchanged files: read those too, in corpus order
        loaded = load_corpus(folder, paths=[folder / n for n in changed + holders],
                             annotate=False)
    fresh = {r.id: r for r in loaded.records if r.id in touched}
    before: dict[str, str] = meta["records"]
    prints = {rid: _fingerprint(rec) for rid, rec in fresh.items()}
    added = [rid for rid in fresh if rid not in before]
    replaced = [rid for rid in fresh if rid in before and before[rid] != prints[rid]]
    removed = sorted(rid for rid in touched if rid not in fresh and rid in before)
    records = {rid: fp for rid, fp in before.items() if rid not in touched} | prints
    new_files = {name: entry for name, entry in files.items() if name in now}
    for report in loaded.files:
        if report.file in changed:
            new_files[report.file] = _file_meta(report)
    return _Plan(fresh, added, replaced, removed, changed + holders,
                 {"records": records, "files": new_files}, loaded.issues)


def _is_archive(key: str) -> bool:
    return key.startswith("corpus/") and key != "corpus/manifest.toml"


def _link_tree(old: Path, new: Path) -> None:
    """The old build's Whoosh files in ``new``, as hard links (copies across devices).

    Whoosh never rewrites a file it has written; a commit adds new segment files and a new
    table of contents, and deletes in ``new`` only unlink there. The meta file and the lock
    are not shared: the meta is rewritten, the lock is the new build's own.
    """
    for src in old.iterdir():
        if src.name in (META, "MAIN_WRITELOCK") or not src.is_file():
            continue
        try:
            os.link(src, new / src.name)
        except OSError:
            shutil.copy2(src, new / src.name)


def _merge_deleted(writer, segments) -> list:
    """Whoosh merge policy: rewrite segments that are mostly deletions, keep the others."""
    from whoosh.reading import SegmentReader

    kept = []
    for seg in segments:
        total = seg.doc_count_all()
        if total and seg.deleted_count() / total <= MAX_DELETED:
            kept.append(seg)
        elif seg.doc_count():  # some live documents: merge them into the new segment
            reader = SegmentReader(writer.storage, writer.schema, seg)
            writer.add_reader(reader)
            reader.close()
    return kept


def _document(rec: Record) -> dict:
    return to_document(rec, outlets.spellings(rec.source))


# What the corpus says of a record; countries and organisations are found by annotation,
# which depends only on these and the data tables. Not the line it starts at: a clipping
# added above it moves it, and the meta keeps lines per file anyway.
_CONTENT = ("id", "kind", "title", "summary", "date", "time", "source_raw", "source",
            "via_yahoo", "notes", "lang", "collections", "file", "section")


def _fingerprint(rec: Record) -> str:
    """A hash of what the corpus says of a record (not what annotation adds to it)."""
    text = json.dumps([getattr(rec, name) for name in _CONTENT], ensure_ascii=False)
    return hashlib.sha1(text.encode()).hexdigest()[:20]  # 80 bits: 8 MB of meta -> 6 MB


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _file_hash(path: Path) -> str:
    """The hash of a corpus file; for one that cannot be read, why (it is read again, and
    reported, once that changes)."""
    try:
        return _sha256(path)
    except OSError as exc:
        return f"unreadable: {exc.strerror or type(exc).__name__}"


def _input_hashes(folder: Path) -> dict[str, str]:
    """Hashes of every corpus file and of the data tables the records depend on."""
    found = {f"corpus/{p.name}": _file_hash(p) for p in corpus_files([folder])}
    manifest = folder / "manifest.toml"
    if manifest.exists():
        found["corpus/manifest.toml"] = _sha256(manifest)
    for name in build_tables(PACKAGE_DIR):
        found[f"data/{name}"] = _sha256(DATA_DIR / name)
    return found


_FILE_NAME = re.compile(r"[\w.-]{1,100}\.\w+")  # a file's name: no folder, no space


def build_tables(package: Path) -> list[str]:
    """The data tables the build reads: the files of data/ its modules name.

    Found in the modules' source, not listed by hand, so a new table is covered as soon as
    the build uses it; tables only searching reads (synonyms.txt) need no rebuild.
    """
    names: set[str] = set()
    for module in build_modules(package):
        tree = ast.parse((package / module).read_text(encoding="utf-8"))
        names.update(node.value for node in ast.walk(tree)
                     if isinstance(node, ast.Constant) and isinstance(node.value, str)
                     and _FILE_NAME.fullmatch(node.value) and (DATA_DIR / node.value).is_file())
    return sorted(names)


def _code_hashes() -> dict[str, str]:
    """What made the index, beyond its inputs: the code that builds it and its libraries.

    The code is this module and every module of the package it imports, directly or not,
    found by reading their import statements rather than from a list kept by hand: change
    a parser, the country rules or the analyzer and the index is out of date.
    """
    found = {name: _sha256(PACKAGE_DIR / name) for name in sorted(build_modules(PACKAGE_DIR))}
    for lib in LIBRARIES:
        try:
            found[lib] = metadata.version(lib)
        except metadata.PackageNotFoundError:
            found[lib] = "?"
    return found


def build_modules(package: Path, start: str = "index/build.py") -> set[str]:
    """The files of ``package`` (paths relative to it) that ``start`` imports, directly or
    through one another, at any depth: relative imports of any level, absolute ones of the
    package, ``from . import module`` and the ``__init__.py`` of every package a module is
    in (importing it runs them)."""
    seen: set[str] = set()
    todo = [start]
    while todo:
        name = todo.pop()
        if name in seen or not (package / name).is_file():
            continue
        seen.add(name)
        parts = name.removesuffix(".py").split("/")
        if parts[-1] == "__init__":
            parts.pop()
        here = parts if name.endswith("__init__.py") else parts[:-1]  # its package
        todo += [f"{'/'.join(here[:i])}/__init__.py".lstrip("/") for i in range(len(here) + 1)]
        tree = ast.parse((package / name).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            for target in _imported(node, here, package.name):
                todo += [f"{'/'.join(target)}.py", f"{'/'.join(target)}/__init__.py"]
    return seen


def _imported(node: ast.AST, here: list[str], top: str) -> list[list[str]]:
    """The module paths (inside the package) an import statement may load."""
    if isinstance(node, ast.Import):
        return [alias.name.split(".")[1:] for alias in node.names
                if alias.name.split(".")[0] == top]
    if not isinstance(node, ast.ImportFrom):
        return []
    if node.level:
        if node.level - 1 > len(here):
            return []
        base = here[:len(here) - (node.level - 1)]
    elif (node.module or "").split(".")[0] == top:
        base = []
    else:
        return []
    module = (node.module or "").split(".")
    if not node.level:
        module = module[1:]
    target = base + [m for m in module if m]
    # the module itself, and each name imported from it, which may be a module too
    return [target] + [target + [alias.name] for alias in node.names]


def _corpus_meta(loaded: Corpus) -> dict:
    """Record fingerprints and, per file, its ids and warnings: what ``update`` compares."""
    return {"records": {rec.id: _fingerprint(rec) for rec in loaded.records},
            "files": {r.file: _file_meta(r) for r in loaded.files}}


def _file_meta(report) -> dict:
    return {"ids": report.record_ids, "lines": report.record_lines, "warnings": report.warnings}


def _write_meta(build: Path, folder: Path, corpus_meta: dict) -> None:
    inputs = _input_hashes(folder)
    corpus_hash = hashlib.sha256(
        json.dumps({k: v for k, v in inputs.items() if k.startswith("corpus/")},
                   sort_keys=True).encode()).hexdigest()
    meta = {
        "schema_version": SCHEMA_VERSION,
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "corpus_dir": str(folder),
        "corpus_hash": corpus_hash,
        "inputs": inputs,
        "code": _code_hashes(),
        "records": corpus_meta["records"],
        "files": corpus_meta["files"],
        "warnings": sum(f["warnings"] for f in corpus_meta["files"].values()),
        "checksums": checksums(build),
    }
    (build / META).write_text(json.dumps(meta, ensure_ascii=False, separators=(",", ":")),
                              encoding="utf-8")


def _new_build(root: Path) -> Path:
    builds = root / "builds"
    builds.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    path = builds / f"{stamp}-{os.getpid()}.partial"
    path.mkdir()
    return path


def _new_build_or_explain(root: Path) -> Path:
    try:
        return _new_build(root)
    except OSError as exc:
        raise _explain(exc, root) from exc


def _finish(root: Path, build: Path) -> Path:
    """Rename the finished build into place and point ``current`` at it in one rename."""
    final = build.with_suffix("")
    build.rename(final)
    tmp_link = root / f".current-{os.getpid()}"
    if tmp_link.is_symlink() or tmp_link.exists():
        tmp_link.unlink()
    tmp_link.symlink_to(final.relative_to(root))
    os.replace(tmp_link, root / "current")
    _prune(root, keep={final})
    return final


def _prune(root: Path, keep: set[Path]) -> None:
    """Remove old builds, keeping the new one and the one before (a searcher may hold it)."""
    builds = sorted((p for p in (root / "builds").iterdir() if p.suffix != ".partial"),
                    key=lambda p: p.name)
    survivors = set(keep) | set(builds[-2:])
    for path in builds:
        if path not in survivors:
            shutil.rmtree(path, ignore_errors=True)
    for path in (root / "builds").glob("*.partial"):
        pid = path.name.rsplit("-", 1)[-1].removesuffix(".partial")
        if not (pid.isdigit() and _alive(int(pid))):
            shutil.rmtree(path, ignore_errors=True)


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


# Why a write fails, and what the user can do about it.
_WRITE_FAILURES = {
    errno.ENOSPC: ("the disk is full", "Free some space"),
    errno.EDQUOT: ("the disk quota is used up", "Free some space or raise the quota"),
    errno.EFBIG: ("a file grew past the size limit of this process or file system",
                  "Raise the limit (ulimit -f) or put the index elsewhere with --index DIR"),
}


def _explain(exc: BaseException, root: Path) -> BaseException:
    """A build's failure as a message that says what failed, where, and what still works."""
    if isinstance(exc, OSError):
        what, todo = _WRITE_FAILURES.get(
            exc.errno or 0, (f"writing failed ({exc.strerror or type(exc).__name__})",
                             "Check the disk and the folder's permissions"))
        where = f" ({exc.filename})" if exc.filename else ""
        kept = ("Nothing was changed: the previous index is still being served."
                if current_path(root) else "No index was made.")
        return IndexProblem(f"{what} while writing the index in {root}{where}. {kept} {todo} "
                            "and run it again.")
    if isinstance(exc, WorkerLost):
        return IndexProblem(f"{exc}. The previous index in {root} is still being served.")
    return exc


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextmanager
def _lock(root: Path) -> Iterator[None]:
    """One build at a time; a lock left by a process that is gone is taken over."""
    root.mkdir(parents=True, exist_ok=True)
    path = root / ".lock"
    for _attempt in range(2):
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            try:
                pid = int(path.read_text().strip() or 0)
            except (OSError, ValueError):
                pid = 0
            if pid and _alive(pid):
                raise IndexLockedError(
                    f"another build (process {pid}) is running on {root}; wait for it to "
                    f"finish, or remove {path} if that process is not kirinuki") from None
            path.unlink(missing_ok=True)  # stale: its process is gone
            continue
        with os.fdopen(fd, "w") as fh:
            fh.write(str(os.getpid()))
        break
    else:
        raise IndexLockedError(f"cannot take the lock {path}")
    try:
        yield
    finally:
        path.unlink(missing_ok=True)
