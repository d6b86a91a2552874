"""Build and update the index atomically.

A build writes a new folder under builds/ and only then swaps the ``current`` link with
one rename (``store.finish``), so a crash, a full disk or Ctrl-C halfway leaves the previous
index serving. An update copies the current build, applies the changes there and swaps the
same way.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from whoosh import index as whoosh_index

from ..config import corpus_dir, index_dir
from ..corpus import outlets
from ..corpus.annotate import annotate
from ..corpus.clippings import KEY_BYTES, NO_KEY
from ..corpus.loading import (
    Corpus,
    FileReport,
    Mapper,
    Scan,
    load_corpus,
    missing_folder,
    no_records,
    scan_corpus,
)
from ..corpus.records import Issue, Record
from ..errors import CorpusChanged, IndexDamagedError, IndexProblem
from .codec.read import PostingReader
from .columns import COLUMNS_FILE, SegmentFacets, read_columns, save_columns
from .measures import content, weight
from .prescan import Prescan, Prescanned
from .schema import SCHEMA_VERSION, build_schema, new_writer, to_document
from .store import (
    CORPUS_META,
    META,
    OTHER_VERSION,
    check_build,
    checksums,
    corpus_meta_of,
    current_path,
    finish,
    lock,
    meta_of,
    new_build,
    other_version,
    size_of,
)
from .version import code_hashes, input_hashes
from .workers import (
    DEFAULT_MEMORY,
    WorkerLost,
    ordered_map,
    paused_collector,
    reap,
    usable_procs,
    write_records,
)

Progress = Callable[[int, int], None]


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


def reindex(root: str | os.PathLike | None = None, corpus: str | os.PathLike | None = None,
            progress: Progress | None = None, procs: int = 1,
            memory: int | None = DEFAULT_MEMORY, prescan: Prescan | None = None) -> BuildStats:
    """Build the whole index from the corpus into a fresh folder and swap it in, the
    postings held in memory kept under about ``memory`` bytes (``workers.write_records``).

    The corpus is read twice: once for what the build must know (``scan_corpus``; or
    ``prescan``'s, a small corpus's scanned while the caller imported this module), then by
    the workers, each its share. A file that changes in between is found by its bytes'
    hash, and the build starts again once; a second change is refused with a message.
    """
    found = prescan.result() if prescan is not None else None
    if found is not None and found.folder != corpus_dir(corpus):
        found = None
    try:
        return _reindex(root, corpus, progress, procs, memory, found)
    except CorpusChanged as exc:
        stats = _reindex(root, corpus, progress, procs, memory)
        stats.notes.append(f"{exc.file} changed while it was being indexed: read again")
        return stats


def _reindex(root: str | os.PathLike | None, corpus: str | os.PathLike | None,
             progress: Progress | None, procs: int, memory: int | None,
             found: Prescanned | None = None) -> BuildStats:
    root_path = index_dir(root)
    with lock(root_path), paused_collector():
        started = time.perf_counter()
        try:
            scan = found.scan if found is not None else \
                scan_corpus(corpus_dir(corpus), content, weight, ordered_map(procs))
        except WorkerLost as exc:
            raise _explain(exc, root_path) from exc
        if not len(scan):
            raise no_records(corpus_dir(corpus), len(scan.files))
        corpus_meta = _corpus_meta(scan)
        build = new_build_or_explain(root_path)
        try:
            ix = whoosh_index.create_in(str(build), build_schema())
            # each worker reads, annotates and indexes its share of the records
            facets = write_records(ix, scan, _document, progress, procs, memory)
            _save_columns(build, facets)
            _write_meta(build, corpus_dir(corpus), corpus_meta, found)
            final = finish(root_path, build)
            reap()
        except BaseException as exc:
            shutil.rmtree(build, ignore_errors=True)
            raise _explain(exc, root_path) from exc
        return BuildStats("rebuild", len(scan), time.perf_counter() - started,
                          size_of(final), added=len(scan), path=str(final),
                          issues=scan.issues)


def update(root: str | os.PathLike | None = None, corpus: str | os.PathLike | None = None,
           progress: Progress | None = None, procs: int = 1,
           memory: int | None = DEFAULT_MEMORY) -> BuildStats:
    """Bring the index up to date, reading only the files that changed.

    The files whose hash changed (and the unchanged files holding a record with them) are
    read again, and in them the articles whose lines changed are parsed (``_plan``);
    records whose content fingerprint changed are annotated, deleted and added. The new
    build shares the old one's segment files by hard links instead of copying them, and a
    segment left more than ``MAX_DELETED`` deleted is merged away. A change to the manifest
    or the data tables rebuilds in full (with ``procs`` workers).
    """
    root_path = index_dir(root)
    if missing := missing_folder(corpus_dir(corpus)):
        raise missing

    def rebuild(why: str) -> BuildStats:
        stats = reindex(root_path, corpus, progress, procs, memory)
        stats.notes.append(why)
        return stats

    old = current_path(root_path)
    if old is None:
        return rebuild("there was no index yet: built it in full")
    try:  # every byte: the update's new build shares the old one's files
        meta = meta_of(old)
        check_build(old, expected=meta.get("checksums"))
    except IndexDamagedError as exc:
        return rebuild(f"the index was damaged ({exc.problem}): rebuilt in full")
    if other_version(meta):
        return rebuild(f"{OTHER_VERSION}: rebuilt in full")
    folder = corpus_dir(corpus)
    inputs = input_hashes(folder)
    if inputs == meta.get("inputs"):
        return BuildStats("unchanged", meta["record_count"], 0.0, size_of(old), path=str(old))
    others = {k: v for k, v in inputs.items() if not _is_archive(k)}
    if others != {k: v for k, v in meta["inputs"].items() if not _is_archive(k)}:
        return rebuild("the manifest or a data table changed: rebuilt in full")
    try:
        meta |= corpus_meta_of(old)
    except IndexDamagedError as exc:
        return rebuild(f"the index was damaged ({exc.problem}): rebuilt in full")
    with lock(root_path):
        started = time.perf_counter()
        try:
            plan = _plan(folder, inputs, meta, ordered_map(procs))
        except WorkerLost as exc:
            raise _explain(exc, root_path) from exc
        if not plan.meta["records"]:
            raise no_records(folder, len(plan.meta["files"]))
        final = _apply(root_path, old, folder, plan, progress, procs, memory)
        return BuildStats("update", len(plan.meta["records"]), time.perf_counter() - started,
                          size_of(final), added=len(plan.added), replaced=len(plan.replaced),
                          removed=len(plan.removed), path=str(final),
                          notes=[_read_note(plan)],
                          issues=plan.issues)


def _read_note(plan: _Plan) -> str:
    note = f"read {len(plan.parsed)} of {len(plan.meta['files'])} files"
    if plan.passed:
        note += f"; {plan.passed} unchanged article{'s' if plan.passed > 1 else ''} passed over"
    return note


def _apply(root_path: Path, old: Path, folder: Path, plan: _Plan,
           progress: Progress | None, procs: int = 1,
           memory: int | None = DEFAULT_MEMORY) -> Path:
    """A new build sharing ``old``'s files, with ``plan``'s records deleted and added;
    made current when complete, removed if anything fails.

    Many records to add (``PARALLEL_RECORDS``) are annotated and indexed by ``procs``
    worker processes as a reindex's are (``write_records``), after the deletions are
    committed; fewer, here, in the deletions' commit."""
    build = new_build_or_explain(root_path)
    try:
        _link_tree(old, build)
        ix = whoosh_index.open_dir(str(build))
        todo = [plan.records[rid] for rid in plan.added + plan.replaced]
        apart = len(todo) >= PARALLEL_RECORDS and usable_procs(procs) > 1
        writer = new_writer(ix)
        try:
            for rid in plan.removed + plan.replaced:
                writer.delete_by_term("id", rid)
            for n, rec in enumerate([] if apart else todo, start=1):
                annotate(rec)
                writer.add_document(**_document(rec))
                if progress:
                    progress(n, len(todo))
        except BaseException:
            writer.cancel()
            raise
        writer.commit(mergetype=_merge_deleted)
        if apart:
            write_records(ix, todo, _document, progress, procs, memory)
        _save_columns(build)
        _write_meta(build, folder, plan.meta)
        final = finish(root_path, build)
        reap()
        return final
    except BaseException as exc:
        shutil.rmtree(build, ignore_errors=True)
        raise _explain(exc, root_path) from exc


# An update adding this many records or more indexes them in worker processes: below it,
# forking costs more than it saves.
PARALLEL_RECORDS = 2000


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
    passed: int = 0  # articles in them passed over as unchanged


def _plan(folder: Path, inputs: dict[str, str], meta: dict, mapper: Mapper | None = None
          ) -> _Plan:
    """What an update must do: which files to read (with ``mapper``: perhaps several at
    once), which records to add, replace, remove.

    In the files read, an article whose lines are those the last build parsed cleanly
    (``_known``) is passed over: its record is what the index holds. So in an unchanged
    file read for the copies it holds, only those copies are parsed; and a file is read
    for a copy only when a record it shares may have changed."""
    files: dict[str, dict] = meta["files"]
    now = {k.removeprefix("corpus/") for k in inputs if _is_archive(k)}
    changed = sorted(n for n in now if inputs[f"corpus/{n}"] != meta["inputs"].get(f"corpus/{n}"))
    gone = sorted(set(files) - now)
    known = _known(files, changed, _copies_unchanged(files, now - set(changed)))
    loaded = _load(folder, changed, known, mapper)
    touched = {rid for name in changed + gone for rid in files.get(name, {}).get("ids", [])}
    touched |= {r.id for r in loaded.records}
    touched -= {rid for rid, _ in loaded.passed}
    holders = sorted({name for name, entry in files.items()
                      if name in now and name not in changed
                      and touched.intersection(entry.get("ids", []))})
    if holders:  # records shared with unchanged files: read those too, in corpus order
        # (where the articles of their own records are passed over: only copies are parsed)
        # (a record not touched: its copies stand as the last build compared them)
        again = _load(folder, changed + holders,
                      known | _known(files, holders, lambda _name, rid: rid not in touched),
                      mapper)
        first, then = ({rid for rid, _ in c.passed} for c in (loaded, again))
        # what it passed over is as the last build read it; what only the first read passed
        # over, this one parsed (it found a copy)
        touched = (touched | (first - then)) - then
        loaded = again
    fresh = {r.id: r for r in loaded.records if r.id in touched}
    before: dict[str, str] = meta["records"]
    # the content hashes were worked out where the files were parsed (in parallel)
    prints = {rid: _with_archives(loaded.summaries[rid], rec.collections)
              for rid, rec in fresh.items()}
    added = [rid for rid in fresh if rid not in before]
    replaced = [rid for rid in fresh if rid in before and before[rid] != prints[rid]]
    removed = sorted(rid for rid in touched if rid not in fresh and rid in before)
    records = {rid: fp for rid, fp in before.items() if rid not in touched} | prints
    new_files = {name: entry for name, entry in files.items() if name in now}
    # the files not read again keep the hash of what the index holds of them
    read = {f"corpus/{n}": meta["inputs"].get(f"corpus/{n}", inputs[f"corpus/{n}"])
            for n in new_files}
    for report in loaded.files:
        if report.file in changed:
            new_files[report.file] = _file_meta(report)
        elif report.file in new_files:  # a file read for its copies: what they now draw
            new_files[report.file] = _held_meta(new_files[report.file], report, touched)
        read[f"corpus/{report.file}"] = report.digest
    return _Plan(fresh, added, replaced, removed, changed + holders,
                 {"records": records, "files": new_files, "read": read}, loaded.issues,
                 len(loaded.passed))


def _known(files: dict[str, dict], names: list[str],
           settled: Callable[[str, str], bool]) -> dict[str, dict[bytes, str]]:
    """For each of the files ``names``, the keys of the articles the last build parsed
    without an issue (key → id). A record's copies are compared and its archives merged
    by parsing every copy, so a record whose copies drew an issue between them is never
    known, and any other only where ``settled(file, id)`` says none of its copies can
    have changed (``_copies_unchanged``; for the unchanged files read for the copies they
    hold, the records not touched)."""
    differing = {rid for entry in files.values() for rid in entry.get("differs", ())}
    known: dict[str, dict[bytes, str]] = {}
    for name in names:
        entry = files.get(name)  # (none for a new file)
        keys = _split_keys(bytes.fromhex(entry.get("keys", ""))) if entry else []
        if not entry or len(keys) != len(entry["ids"]):
            known[name] = {}  # (or keys that do not pair with the ids: no build writes so)
            continue
        known[name] = {key: rid for rid, key in zip(entry["ids"], keys, strict=True)
                       if key != NO_KEY and rid not in differing and settled(name, rid)}
    return known


def _copies_unchanged(files: dict[str, dict], unchanged: set[str]) -> Callable[[str, str], bool]:
    """Whether every other file holding a record (the meta's) is ``unchanged``: in a changed
    file, a record no other file holds, or whose other copies stand, cannot have changed
    but by its own lines."""
    held: dict[str, list[str]] = {}
    for name, entry in files.items():
        for rid in entry["ids"]:
            held.setdefault(rid, []).append(name)
    return lambda name, rid: all(other == name or other in unchanged for other in held[rid])


def _split_keys(keys: bytes) -> list[bytes]:
    return [keys[i:i + KEY_BYTES] for i in range(0, len(keys), KEY_BYTES)]


def _load(folder: Path, names: list[str], known: dict[str, dict[bytes, str]],
          mapper: Mapper | None) -> Corpus:
    """The files ``names`` parsed, their ``known`` articles passed over, unless one passed
    over turns out to have another copy (a copy pasted into this or another file since):
    then every article is parsed, so that the copies are compared and merged."""
    if not names:  # (no paths: load_corpus would read the whole folder)
        return Corpus([], [], [])
    paths = [folder / n for n in names]
    loaded = load_corpus(paths=paths, annotate=False, mapper=mapper, summarise=content,
                         known=known)
    passed = {rid for rid, _ in loaded.passed}
    # (a record passed over in two files is two copies that cannot have changed: _known)
    if len(set(loaded.passed)) < len(loaded.passed) or any(r.id in passed
                                                           for r in loaded.records):
        loaded = load_corpus(paths=paths, annotate=False, mapper=mapper, summarise=content,
                             known={})  # (keyed for the next update)
    return loaded


def _is_archive(key: str) -> bool:
    return key.startswith("corpus/") and key != "corpus/manifest.toml"


def _link_tree(old: Path, new: Path) -> None:
    """The old build's Whoosh files in ``new``, as hard links (copies across devices).

    Whoosh never rewrites a file it has written; a commit adds new segment files and a new
    table of contents, and deletes in ``new`` only unlink there. The meta file and the lock
    are not shared: the metas are rewritten, the lock is the new build's own; so are the
    saved columns, worked out again for the new build's documents.
    """
    for src in old.iterdir():
        if src.name in (META, CORPUS_META, "MAIN_WRITELOCK", COLUMNS_FILE) or not src.is_file():
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


def _with_archives(content: str, collections: list[str]) -> str:
    """A record's fingerprint: its content's hash (``measures.content``) with the archives holding
    it, which a later file may add to (so the two are worked out apart)."""
    # each archive's name after its length, so no two lists read alike (json's form of the
    # same took 3.5 s for a million records, this under 1)
    text = content + "".join(f"|{len(name)}:{name}" for name in collections)
    return hashlib.sha1(text.encode()).hexdigest()[:20]  # 80 bits: 8 MB of meta -> 6 MB


def _corpus_meta(scan: Scan) -> dict:
    """Record fingerprints and, per file, its ids and warnings: what ``update`` compares;
    and the hash of the bytes each file's records were parsed from."""
    return {"records": {rid: _with_archives(content, archives)
                        for rid, content, archives in scan.summaries()},
            "files": {r.file: _file_meta(r) for r in scan.files},
            "read": {f"corpus/{r.file}": r.digest for r in scan.files}}


def _file_meta(report: FileReport) -> dict:
    """What the meta keeps of a file: its records' ids and lines, its warnings, and, for an
    archive whose articles were keyed, their keys (hex, KEY_BYTES each, in the ids' order;
    NO_KEY where an update must parse the article again)."""
    entry = {"ids": report.record_ids, "lines": report.record_lines,
             "warnings": report.warnings}
    if report.record_keys.strip(b"\0"):
        entry["keys"] = report.record_keys.hex()
    if report.differs:
        entry["differs"] = sorted(report.differs)  # (a holder's are made again apart)
    return entry


def _held_meta(entry: dict, report: FileReport, touched: set[str]) -> dict:
    """The meta of an unchanged file read for the copies it holds of the records
    ``touched``: as it was, but the issues between copies of those records, which every
    copy of each was read to find again. (Its other records were not all compared: the
    issues the last build found for them stand.)"""
    kept = [rid for rid in entry.get("differs", ()) if rid not in touched]
    found = [rid for rid in report.differs if rid in touched]
    entry = {**entry, "warnings": entry["warnings"] - (len(entry.get("differs", ())) - len(kept))
             + len(found)}
    entry.pop("differs", None)
    if kept or found:
        entry["differs"] = sorted(kept + found)
    return entry


def _save_columns(build: Path, facets: list[SegmentFacets] | None = None) -> None:
    """The new build's per-document columns, worked out once here rather than by every
    server that opens it (``columns``); ``facets``: those of each of its segments, if the
    build that wrote them all gave them (``write_records``)."""
    ix = whoosh_index.open_dir(str(build))
    with ix.reader() as reader:
        postings = PostingReader(build, list(reader.leaf_readers()))
        try:
            save_columns(build, read_columns(reader, postings, facets))
        finally:
            postings.close()


def _write_meta(build: Path, folder: Path, corpus_meta: dict,
                found: Prescanned | None = None) -> None:
    """The build's metas: what it holds of the corpus (``corpus.json``, written first so
    that the checksums cover it) and the small one every start reads. The corpus files'
    hashes are those of the bytes the build parsed (``corpus_meta["read"]``), not of the
    files as they are now: a file changed while it was being indexed is then found
    changed by the next ``update``. The other hashes are ``found``'s, if the corpus was
    prescanned."""
    others = found.inputs if found is not None else input_hashes(folder, archives=False)
    inputs = others | corpus_meta["read"]
    inputs = dict(sorted(inputs.items()))
    corpus_hash = hashlib.sha256(
        json.dumps({k: v for k, v in inputs.items() if k.startswith("corpus/")},
                   sort_keys=True).encode()).hexdigest()
    meta = {
        "schema_version": SCHEMA_VERSION,
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "corpus_dir": str(folder),
        "corpus_hash": corpus_hash,
        "inputs": inputs,
        "code": found.code if found is not None else code_hashes(),
        "record_count": len(corpus_meta["records"]),
        "file_count": len(corpus_meta["files"]),
        "warnings": sum(f["warnings"] for f in corpus_meta["files"].values()),
    }
    held = {"records": corpus_meta["records"], "files": corpus_meta["files"]}
    (build / CORPUS_META).write_text(json.dumps(held, ensure_ascii=False, separators=(",", ":")),
                                     encoding="utf-8")
    meta["checksums"] = checksums(build)
    (build / META).write_text(json.dumps(meta, ensure_ascii=False, separators=(",", ":")),
                              encoding="utf-8")


def new_build_or_explain(root: Path) -> Path:
    try:
        return new_build(root)
    except OSError as exc:
        raise _explain(exc, root) from exc


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
