"""The corpus manifest (manifest.toml) and recognising a file that has no entry in it."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from .records import Issue

MANIFEST = "manifest.toml"
KINDS = ("clippings", "document", "article")

_ID = re.compile(r"<+\s*\d{4}\s*-\s*\d{6}\s*>")
_DATE_LINE = re.compile(r"^\d{4}[.．]\d{1,2}[.．]\d{1,2}")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}\s+\d{1,2}:\d{2}\s*$")
# A first line longer than this is text, not an archive's title.
MAX_TITLE_CHARS = 60


@dataclass(frozen=True)
class FileMeta:
    """What the manifest (or the file's shape) says about one corpus file."""

    name: str
    kind: str
    label: str
    doc_id: str = ""
    date: str | None = None
    source: str = ""
    furniture_from: str = ""
    in_manifest: bool = True


def load_manifest(folder: Path) -> tuple[dict[str, FileMeta], list[Issue]]:
    """Entries of ``folder``/manifest.toml by file name; a broken manifest is a warning."""
    path = folder / MANIFEST
    if not path.exists():
        return {}, []
    try:
        with open(path, "rb") as fh:
            table = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        return {}, [Issue(MANIFEST, 0, f"cannot be read ({exc}); every file is recognised by "
                                       "its shape instead")]
    metas: dict[str, FileMeta] = {}
    issues: list[Issue] = []
    for name, entry in table.items():
        if not isinstance(entry, dict):  # `title = "x"` at the top: not a file's table
            issues.append(Issue(MANIFEST, 0, f"{name!r} is not a file's table ([\"file.txt\"] "
                                             "with kind = …); ignored"))
            continue
        kind = entry.get("kind", "")
        if kind not in KINDS:
            issues.append(Issue(MANIFEST, 0, f"[{name!r}] has kind {kind!r}; expected one of "
                                             f"{', '.join(KINDS)}; recognised by shape instead"))
            continue
        stem = Path(name).stem
        metas[name] = FileMeta(
            name=name,
            kind=kind,
            label=entry.get("label", stem),
            doc_id=entry.get("id", stem),
            date=entry.get("date"),
            source=entry.get("source", ""),
            furniture_from=entry.get("furniture_from", ""),
        )
    return metas, issues


def detect(name: str, lines: list[str]) -> FileMeta:
    """Recognise a file without a manifest entry by its shape.

    A clipping archive opens with its title line (「その他欧州諸国との防衛協力に関する報道」):
    that names it for users far better than a file name, so it is the label when there is one.
    """
    stem = Path(name).stem
    head = lines[:8]
    label = stem
    if sum(1 for ln in lines if _DATE_LINE.match(ln)) and any(_ID.search(ln) for ln in lines):
        kind = "clippings"
        label = archive_title(lines) or stem
    elif any(_DATETIME.match(ln.strip()) for ln in head):
        kind = "article"
    else:
        kind = "document"
    return FileMeta(name=name, kind=kind, label=label, doc_id=stem, in_manifest=False)


def archive_title(lines: list[str]) -> str | None:
    """The archive's title: its first non-blank line, unless that is already an article's
    date, id or time (an archive without a title) or too long to be a title."""
    first = next((ln.strip() for ln in lines if ln.strip()), "")
    # full-width spaces and runs of spaces inside a title line are layout, not words
    title = re.sub(r"[\s\u3000]+", " ", first).strip().replace(",", " ")
    if not title or len(title) > MAX_TITLE_CHARS or _DATE_LINE.match(title) \
            or _ID.search(title) or _DATETIME.match(title):
        return None
    return title
