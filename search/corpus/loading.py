"""Load a corpus folder (or some files) into records: decode, dispatch by kind, merge copies.

The same article id in two archives becomes ONE record listing both archives; copies whose
text differs raise a warning that names both places.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..config import corpus_dir
from ..errors import CorpusError
from .clippings import FURNITURE, RECORD, WARNING, Parsed, parse_clippings
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
                annotate: bool = True) -> Corpus:
    """Parse every file of ``folder`` (default: the configured corpus) or the given paths."""
    roots = [Path(p) for p in paths] if paths else [corpus_dir(folder)]
    if not paths and (missing := missing_folder(roots[0])):
        raise missing
    files = corpus_files(roots)
    manifests: dict[Path, tuple[dict[str, FileMeta], list[Issue]]] = {}
    issues: list[Issue] = []
    reports: list[FileReport] = []
    parsed: list[tuple[FileMeta, Parsed]] = []

    for path in _manifest_order(files, manifests):
        metas, manifest_issues = manifests[path.parent]
        if manifest_issues:
            issues.extend(manifest_issues)
            manifest_issues.clear()
        text = read_text(path)
        meta = metas.get(path.name)
        if not text.readable:
            reports.append(FileReport(path.name, meta.kind if meta else "?",
                                      meta.label if meta else path.stem, False,
                                      issues=text.issues, digest=text.digest))
            issues.extend(text.issues)
            continue
        lines = text.lines or []
        if meta is None:
            meta = detect(path.name, lines)
            text.issues.append(Issue(path.name, 0, f"not in manifest.toml: recognised by its "
                                                   f"shape as {_KIND_NAMES[meta.kind]}, labelled "
                                                   f"{meta.label!r}", "notice"))
        result = parse_file(meta, lines)
        result.issues[:0] = text.issues
        parsed.append((meta, result))
        ids = [r.id for r in result.records]
        starts: dict[str, int] = {}  # each id's first line in this file
        for rec in result.records:
            starts.setdefault(rec.id, rec.line)
        report = FileReport(
            file=path.name, kind=meta.kind, label=meta.label, readable=True, lines=len(lines),
            records=len(result.records), ids=len(set(ids)),
            duplicates=len(ids) - len(set(ids)), record_ids=list(starts),
            record_lines=list(starts.values()),
            roles={role: result.roles.count(role) for role in (RECORD, FURNITURE, WARNING)},
            issues=result.issues, digest=text.digest,
        )
        reports.append(report)
        issues.extend(result.issues)

    records = _merge(parsed, issues, reports)
    if annotate:
        _annotate(records)
    return Corpus(records=records, files=reports, issues=issues)


_KIND_NAMES = {"clippings": "a clipping archive", "document": "a long document",
               "article": "a single article"}


def parse_file(meta: FileMeta, lines: list[str]) -> Parsed:
    if meta.kind == "clippings":
        return parse_clippings(meta.name, lines, meta.label)
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


def _merge(parsed: list[tuple[FileMeta, Parsed]], issues: list[Issue],
           reports: list[FileReport]) -> list[Record]:
    merged: dict[str, Record] = {}
    for meta, result in parsed:
        for rec in result.records:
            first = merged.get(rec.id)
            if first is None:
                merged[rec.id] = rec
                continue
            place = f"{rec.file}:{rec.line}"
            if first.file == rec.file:
                issues.append(Issue(rec.file, rec.line, f"id {rec.id} appears again in this file "
                                                        f"(first at line {first.line}); one "
                                                        "record kept"))
            elif meta.label not in first.collections:
                first.collections.append(meta.label)
            if _comparable(first) != _comparable(rec):
                issues.append(Issue(rec.file, rec.line, f"the copy of {rec.id} here differs from "
                                                        f"the one at {first.file}:{first.line}; "
                                                        f"kept that one ({place})"))
    for report in reports:
        report.issues = [i for i in issues if i.file == report.file]
    return list(merged.values())


def _comparable(rec: Record) -> tuple:
    def squash(s: str) -> str:
        return re.sub(r"\s+", "", s)
    return (rec.date, rec.source, squash(rec.title), squash(rec.summary),
            tuple(squash(n) for n in rec.notes))


def _annotate(records: list[Record]) -> None:
    """Countries and organisations mentioned, from the gazetteer."""
    from .annotate import annotate

    for rec in records:
        annotate(rec)
