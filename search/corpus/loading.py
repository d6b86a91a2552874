"""Load a corpus folder (or some files) into records: decode, dispatch by kind, merge copies.

The same article id in two archives becomes ONE record listing both archives; copies whose
text differs raise a warning that names both places.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path

from ..config import corpus_dir
from ..errors import CorpusChanged, CorpusError
from .clippings import FURNITURE, NO_KEY, RECORD, WARNING, Parsed, parse_clippings
from .documents import parse_article, parse_document
from .manifest import FileMeta, detect, load_manifest
from .records import Issue, Record
from .textio import read_text

TEXT_SUFFIXES = {".txt", ".text", ".md"}


@dataclass
class FileReport:
    """What ``check`` prints for one file."""

    file: str
    kind: str
    label: str
    readable: bool
    lines: int = 0
    records: int = 0
    ids: int = 0
    duplicates: int = 0  # ids that occur more than once within this file
    record_ids: list[str] = field(default_factory=list)  # each id once, in file order
    record_lines: list[int] = field(default_factory=list)  # where each of them starts
    # each one's article key, 8 bytes (NO_KEY where none), when the file was keyed
    record_keys: bytes = b""
    passed: list[str] = field(default_factory=list)  # the ids of the articles passed over
    # the ids whose copies here drew an issue between copies, once per issue (it is this
    # file's: ``_Merger``), in the order found
    differs: list[str] = field(default_factory=list)
    roles: dict[str, int] = field(default_factory=dict)  # lines per role
    issues: list[Issue] = field(default_factory=list)
    digest: str = ""  # the SHA-256 of the bytes read (textio.TextFile.digest)

    @property
    def warnings(self) -> int:
        return sum(1 for i in self.issues if i.severity == "warning")


@dataclass
class Corpus:
    """Records in file order, each id once, with what was noticed on the way."""

    records: list[Record]
    files: list[FileReport]
    issues: list[Issue]  # every issue, including those between files
    summaries: dict[str, str] = field(default_factory=dict)  # id → ``summarise``'s value
    # the articles passed over as known (``load_corpus``'s ``known``): (id, file) each
    # time one was (an id twice here, or also among ``records``, is one the caller must
    # read again: its copies were never compared)
    passed: list[tuple[str, str]] = field(default_factory=list)


def corpus_files(paths: list[Path]) -> list[Path]:
    """Expand folders into their text files (sorted); files are taken as given.

    Everything named like a text file is listed, so that what cannot be read (a broken
    link, a folder called ``x.txt``) is reported rather than skipped without a word.
    """
    found: list[Path] = []
    for path in paths:
        if path.is_dir() and path.suffix.lower() not in TEXT_SUFFIXES:
            found.extend(sorted(
                p for p in path.iterdir()
                if p.suffix.lower() in TEXT_SUFFIXES and p.name.lower() != "readme.md"))
        else:
            found.append(path)
    return found


_WHERE_ELSE = "or name another folder with --corpus DIR or KIRINUKI_CORPUS"


def missing_folder(folder: Path) -> CorpusError | None:
    """The error for a corpus folder that does not exist or is not a folder (a file given
    by mistake, such as its manifest.toml), or None when it is one."""
    if folder.is_dir():
        return None
    if folder.exists():
        return CorpusError(f"the corpus {folder} is a file, not a folder: name the folder that "
                           f"holds the clipping archives, {_WHERE_ELSE}")
    if folder.is_symlink():
        return None  # a broken link: reported with what it points to when read
    return CorpusError(f"the corpus folder {folder} does not exist: create it and put the "
                       f"clipping archives (.txt) in it, {_WHERE_ELSE}")


def no_records(folder: Path, files: int) -> CorpusError:
    """The error for a corpus that gives no records: an index of nothing is a mistake.

    Building it would replace a good index with an empty one; the usual cause is a wrong
    or an unmounted folder.
    """
    why = (f"its {files} file(s) gave none (`python manage.py check` shows why)" if files
           else "it holds no .txt, .text or .md files")
    return CorpusError(f"no records found in {folder}: {why}. Put the clipping archives, "
                       "documents and articles there as text files (see the README's corpus "
                       f"section), {_WHERE_ELSE}")


def load_corpus(folder: str | Path | None = None, paths: list[str | Path] | None = None,
                annotate: bool = True, mapper: Mapper | None = None,
                summarise: Callable[[Record], str] | None = None,
                known: Mapping[str, Mapping[bytes, str]] | None = None) -> Corpus:
    """Parse every file of ``folder`` (default: the configured corpus) or the given paths
    (with ``mapper``, perhaps several at once: ``_read_files``). ``summarise``: a value
    worked out for each record where it is parsed (``Corpus.summaries``). ``known``: for
    some files (by name), the keys of articles whose records the caller holds, passed over
    (``parse_clippings``; ``Corpus.passed``)."""
    merger = _Merger()
    files: list[FileReport] = []
    records: list[Record] = []
    passed: list[tuple[str, str]] = []
    for report, _meta, parsed, summaries in _read_files(folder, paths, merger.issues, mapper,
                                                        summarise, known):
        files.append(report)
        passed.extend((rid, report.file) for rid in report.passed)
        if parsed is not None:
            records.extend(parsed[k] for k in merger.add(parsed, report.file, report.label,
                                                          summaries))
    merger.finish(files)
    for n, archives in merger.grown.items():
        records[n].collections = archives
    if annotate:
        _annotate(records)
    return Corpus(records=records, files=files, issues=merger.issues,
                  summaries={rid: merger.summaries[n] for rid, n in merger.numbers.items()}
                  if summarise else {}, passed=passed)


# A parse of this many bytes or more may be spread over processes (``Mapper``); below it,
# starting them costs more than it saves.
PARALLEL_PARSE_BYTES = 8 << 20

# A scan of a corpus smaller than this keeps its records (a few megabytes of them), and a
# build's workers take them from it: reading and parsing their files again was 5-10 ms of
# each worker's path for the bundled corpus. A larger corpus is read again by the workers,
# a shard at a time, so that a build holds its postings, not its archive.
HOLD_RECORDS_BYTES = 8 << 20

Summarise = Callable[[Record], str]
# a file, what the manifest says it is, what to work out for each of its records, the keys
# of its articles to pass over (None: key none)
_Job = tuple[Path, FileMeta | None, Summarise | None, Mapping[bytes, str] | None]
# its report, what it is, its records and what was worked out for each
_Read = tuple[FileReport, FileMeta | None, list[Record] | None, list[str] | None]
# Applies a function to each file's job and gives back the results in the jobs' order: the
# builtin ``map``, or the index layer's pool of forked processes (``workers.ordered_map``).
Mapper = Callable[[Callable[[_Job], _Read], list[_Job]], Iterable[_Read]]


def _read_files(folder: str | Path | None, paths: list[str | Path] | None,
                issues: list[Issue], mapper: Mapper | None = None,
                summarise: Summarise | None = None,
                known: Mapping[str, Mapping[bytes, str]] | None = None) -> Iterator[_Read]:
    """Each file of the corpus in manifest order, parsed: its report, what the manifest (or
    its shape) says it is, and its records (None for both when it cannot be read, unless
    the manifest names it). The issues of the manifests and of each file are added to
    ``issues`` on the way, in that order, however the files were parsed: one after another
    here, or by ``mapper`` when the corpus is large enough to be worth it."""
    roots = [Path(p) for p in paths] if paths else [corpus_dir(folder)]
    if not paths and (missing := missing_folder(roots[0])):
        raise missing
    manifests: dict[Path, tuple[dict[str, FileMeta], list[Issue]]] = {}
    ordered = _manifest_order(corpus_files(roots), manifests)
    jobs: list[_Job] = [(path, manifests[path.parent][0].get(path.name), summarise,
                         None if known is None else known.get(path.name, {}))
                        for path in ordered]
    if mapper is None or len(jobs) < 2 or sum(_size(p) for p in ordered) < PARALLEL_PARSE_BYTES:
        mapper = map
    for path, read in zip(ordered, mapper(read_file, jobs), strict=True):
        manifest_issues = manifests[path.parent][1]
        if manifest_issues:
            issues.extend(manifest_issues)
            manifest_issues.clear()
        issues.extend(read[0].issues)
        yield read


def holds_records(folder: str | Path | None) -> bool:
    """Whether a scan of the corpus ``folder`` keeps its records: its text files' bytes
    under ``HOLD_RECORDS_BYTES`` (a folder that cannot be listed: no, and its scan says
    what is wrong with it)."""
    try:
        return sum(map(_size, corpus_files([corpus_dir(folder)]))) < HOLD_RECORDS_BYTES
    except OSError:
        return False


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # read_text says what is wrong with it


def read_file(job: _Job) -> _Read:
    """One file read and parsed: its report (with its issues), what it is, its records and
    the job's ``summarise`` of each (in the process that parsed them: a build's content
    hashes are then worked out in parallel too).

    A function of its job alone, so that it can run in another process."""
    path, meta, summarise, known = job
    text = read_text(path)
    if not text.readable:
        return (FileReport(path.name, meta.kind if meta else "?",
                           meta.label if meta else path.stem, False,
                           issues=text.issues, digest=text.digest), meta, None, None)
    lines = text.lines or []
    if meta is None:
        meta = detect(path.name, lines)
        text.issues.append(Issue(path.name, 0, f"not in manifest.toml: recognised by its "
                                               f"shape as {_KIND_NAMES[meta.kind]}, labelled "
                                               f"{meta.label!r}", "notice"))
    result = parse_file(meta, lines, known)
    result.issues[:0] = text.issues
    # every article's record in file order, those passed over too: (line, id, key)
    keys = result.keys or [NO_KEY] * len(result.records)
    found = sorted([(r.line, r.id, k) for r, k in zip(result.records, keys, strict=True)]
                   + [(line, rid, k) for rid, line, k in result.passed])
    starts: dict[str, tuple[int, bytes]] = {}  # each id's first line in this file, its key
    for line, rid, key in found:
        if rid in starts:
            starts[rid] = (starts[rid][0], NO_KEY)  # its copies are compared when parsed
        else:
            starts[rid] = (line, key)
    return FileReport(
        file=path.name, kind=meta.kind, label=meta.label, readable=True, lines=len(lines),
        records=len(found), ids=len(starts), duplicates=len(found) - len(starts),
        record_ids=list(starts), record_lines=[line for line, _ in starts.values()],
        record_keys=b"".join(key for _, key in starts.values()) if known is not None else b"",
        passed=[rid for rid, _, _ in result.passed],
        roles={role: result.roles.count(role) for role in (RECORD, FURNITURE, WARNING)},
        issues=result.issues, digest=text.digest,
    ), meta, result.records, [summarise(r) for r in result.records] if summarise else None


class _Merger:
    """The same id in several files is one record, the first copy, listing every archive
    that holds it; a copy that differs, or an id repeated within a file, is a warning.

    What is kept of each first copy is small, in arrays by its number (its place among
    the first copies): a scan of a million records holds it, not the records.
    """

    def __init__(self) -> None:
        self.numbers: dict[str, int] = {}  # id → the number of its first copy
        self.file = array("l")  # each first copy's file (its number in ``names``)
        self.line = array("l")  # … the line it starts at
        self.comparable = array("q")  # … the hash of what its copies must share
        self.summaries: list[str] = []  # … ``summarise``'s value, when files come with it
        self.grown: dict[int, list[str]] = {}  # … its archives, where a copy added one
        self.names: list[str] = []  # the files read, and their labels
        self.labels: list[str] = []
        self.issues: list[Issue] = []  # the files' own, in the order read
        self.between: list[Issue] = []  # those between copies, after every file's own
        self.between_ids: list[str] = []  # … the record each is about

    def add(self, records: list[Record], name: str, label: str,
            summaries: list[str] | None = None) -> list[int]:
        """The places among ``records`` (file ``name``'s, labelled ``label``) of the first
        copies; the others are noted against the copy they repeat. ``summaries``: each
        record's ``summarise`` value (``read_file`` works them out), kept for the first
        copies."""
        file = len(self.names)
        self.names.append(name)
        self.labels.append(label)
        kept = []
        for place, rec in enumerate(records):
            n = self.numbers.get(rec.id)
            if n is None:
                n = self.numbers[rec.id] = len(self.line)
                self.file.append(file)
                self.line.append(rec.line)
                self.comparable.append(hash(_comparable(rec)))
                if summaries is not None:
                    self.summaries.append(summaries[place])
                if rec.collections != [label]:
                    self.grown[n] = list(rec.collections)
                kept.append(place)
                continue
            first = f"{self.names[self.file[n]]}:{self.line[n]}"
            if self.file[n] == file:
                self.between_ids.append(rec.id)
                self.between.append(Issue(rec.file, rec.line, f"id {rec.id} appears again in "
                                                               f"this file (first at line "
                                                               f"{self.line[n]}); one record "
                                                               "kept"))
            elif label not in (archives := self.collections(n)):
                self.grown[n] = [*archives, label]
            if self.comparable[n] != hash(_comparable(rec)):
                self.between_ids.append(rec.id)
                self.between.append(Issue(rec.file, rec.line, f"the copy of {rec.id} here "
                                                               f"differs from the one at "
                                                               f"{first}; kept that one "
                                                               f"({rec.file}:{rec.line})"))
        return kept

    def collections(self, n: int) -> list[str]:
        """The archives holding first copy ``n``."""
        return self.grown.get(n) or [self.labels[self.file[n]]]

    def finish(self, reports: list[FileReport]) -> None:
        """The issues between copies after the files' own, and each file's report given
        every issue that names it and the records its copies' issues are about."""
        self.issues.extend(self.between)
        by_file: dict[str, list[Issue]] = {}
        for issue in self.issues:
            by_file.setdefault(issue.file, []).append(issue)
        differs: dict[str, list[str]] = {}
        for issue, rid in zip(self.between, self.between_ids, strict=True):
            differs.setdefault(issue.file, []).append(rid)
        for report in reports:
            report.issues = by_file.get(report.file, [])
            report.differs = differs.get(report.file, [])


@dataclass
class Part:
    """One readable file's share of a scanned corpus: the bytes it was read from and which
    of the records its parser gives are kept (the others are copies of earlier ones)."""

    path: Path
    meta: FileMeta
    digest: str
    kept: list[int]  # the kept records' places among the file's parsed records
    sizes: list[int]  # each kept record's weight (``scan_corpus``'s ``weigh``)
    collections: dict[int, list[str]] = field(default_factory=dict)  # grown by later copies
    held: list[Record] | None = None  # the kept records themselves, for a small corpus


@dataclass
class Scan:
    """A corpus read through once for what a build must know, without its records (but a
    small corpus's, ``HOLD_RECORDS_BYTES``): the files' reports, each record's summary and
    archives, and the way to read the records again, a range at a time, in the order
    ``load_corpus`` gives them."""

    files: list[FileReport]
    issues: list[Issue]
    parts: list[Part]
    merged: _Merger
    head: Record | None = None  # the first record, as parsed (``first``)

    def __len__(self) -> int:
        return len(self.merged.line)

    def first(self) -> Record:
        """The first record, kept from the scan: a build warms up on it, and reading its
        file again for it was a few milliseconds of a small build."""
        if self.head is None:
            raise IndexError("the scan found no records")
        return self.head

    def summaries(self) -> Iterator[tuple[str, str, list[str]]]:
        """Each record's id, ``summarise``'s value and archives, in corpus order."""
        merged = self.merged
        for rid, n in merged.numbers.items():
            yield rid, merged.summaries[n], merged.collections(n)

    def sizes(self) -> list[int]:
        return [size for part in self.parts for size in part.sizes]

    def records(self, start: int = 0, stop: int | None = None) -> Iterator[Record]:
        """The records ``start`` to ``stop`` in corpus order, parsed again from their files,
        one file at a time (a small corpus's: the records the scan kept). A file whose
        bytes are no longer the ones scanned raises CorpusChanged: the index must hold
        what the build's meta says was read."""
        stop = len(self) if stop is None else stop
        offset = 0
        for part in self.parts:
            end = offset + len(part.kept)
            if offset >= stop:
                return
            if end > start:
                yield from _again(part, max(start, offset) - offset, min(stop, end) - offset)
            offset = end


def _again(part: Part, lo: int, hi: int) -> Iterator[Record]:
    if part.held is not None:
        yield from part.held[lo:hi]
        return
    text = read_text(part.path)
    if text.digest != part.digest or text.lines is None:
        raise CorpusChanged(f"{part.path.name} changed while the index was being built from "
                            "it: run the build again when nothing is writing to the corpus",
                            part.path.name)
    parsed = parse_file(part.meta, text.lines).records
    for place in part.kept[lo:hi]:
        rec = parsed[place]
        if place in part.collections:
            rec.collections = list(part.collections[place])
        yield rec


def scan_corpus(folder: str | Path | None, summarise: Callable[[Record], str],
                weigh: Callable[[Record], int], mapper: Mapper | None = None) -> Scan:
    """``load_corpus`` without keeping the records: each file is parsed, merged and let go,
    so that a build holds a couple of hundred bytes a record, not the records (about 2 kB
    each), and reads them again in its workers. ``summarise`` gives what is kept of each
    record; ``weigh`` its share of a build's work."""
    merger = _Merger()
    files: list[FileReport] = []
    parts: list[Part] = []
    head: Record | None = None
    hold = holds_records(folder)
    # every article keyed, for the next update (nothing known: none passed over)
    for report, meta, parsed, summaries in _read_files(folder, None, merger.issues, mapper,
                                                       summarise, known={}):
        files.append(report)
        if parsed is None or meta is None:  # unreadable (a readable file always has a meta)
            continue
        kept = merger.add(parsed, report.file, report.label, summaries)
        if head is None and kept:
            head = parsed[kept[0]]
        parts.append(Part(corpus_dir(folder) / report.file, meta, report.digest, kept,
                          [weigh(parsed[k]) for k in kept],
                          held=[parsed[k] for k in kept] if hold else None))
    merger.finish(files)
    starts = list(accumulate((len(p.kept) for p in parts), initial=0))
    for n, archives in merger.grown.items():
        k = bisect_right(starts, n) - 1
        parts[k].collections[parts[k].kept[n - starts[k]]] = archives
        if parts[k].held is not None:
            parts[k].held[n - starts[k]].collections = list(archives)
    return Scan(files, merger.issues, parts, merger, head)


_KIND_NAMES = {"clippings": "a clipping archive", "document": "a long document",
               "article": "a single article"}


def parse_file(meta: FileMeta, lines: list[str],
               known: Mapping[bytes, str] | None = None) -> Parsed:
    """A file's records by its kind; a clipping archive's articles keyed with ``known``
    (``parse_clippings``), the other kinds' never."""
    if meta.kind == "clippings":
        return parse_clippings(meta.name, lines, meta.label, known)
    if meta.kind == "article":
        return parse_article(meta, lines)
    return parse_document(meta, lines)


def _manifest_order(files: list[Path], manifests: dict) -> list[Path]:
    """Files listed in a manifest first, in its order; the others after, by name."""
    for path in files:
        if path.parent not in manifests:
            manifests[path.parent] = load_manifest(path.parent)
    def order(path: Path) -> tuple[int, int, str]:
        names = list(manifests[path.parent][0])
        return (0, names.index(path.name), "") if path.name in names else (1, 0, path.name)
    return sorted(files, key=order)


def _comparable(rec: Record) -> tuple:
    """What two copies of a record must share, their whitespace aside."""
    def squash(s: str) -> str:
        return "".join(s.split())  # every whitespace character (str.isspace: re's \s too)
    return (rec.date, rec.source, squash(rec.title), squash(rec.summary),
            tuple(squash(n) for n in rec.notes))


def _annotate(records: list[Record]) -> None:
    """Countries and organisations mentioned, from the gazetteer."""
    from .annotate import annotate

    for rec in records:
        annotate(rec)
