"""What is in the index: documents by kind, archive, outlet and year; when built; hashes."""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from .schema import split_commas, stored
from .store import READ_ERRORS, check_build, current_path, open_current, read_meta


@dataclass
class IndexStats:
    path: str
    documents: int
    built_at: str
    corpus_hash: str
    size_bytes: int
    by_kind: dict[str, int]
    by_collection: dict[str, int]
    by_source: dict[str, int]
    by_year: dict[str, int]


def index_stats(root: str | os.PathLike | None = None) -> IndexStats:
    """What the index holds; every byte of its files is checked first (damage is named)."""
    meta = read_meta(root)
    path = current_path(root)
    assert path is not None  # read_meta raised otherwise
    check_build(path)
    try:
        return _count(path, meta, open_current(root))
    except READ_ERRORS:
        check_build(path)  # changed since the check: say so; intact: a bug, raise it
        raise


def _count(path: Path, meta: dict, ix) -> IndexStats:
    kinds, collections, sources, years = (Counter() for _ in range(4))
    with ix.searcher() as searcher:
        for fields in map(stored, searcher.all_stored_fields()):
            kinds[fields.get("kind", "?")] += 1
            collections.update(split_commas(fields.get("collections")))
            sources[fields.get("source") or "?"] += 1
            date = fields.get("date")
            years[date[:4] if date else "(日付なし)"] += 1
        documents = searcher.doc_count()
    size = sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return IndexStats(
        path=str(path), documents=documents, built_at=meta["built_at"],
        corpus_hash=meta["corpus_hash"], size_bytes=size,
        by_kind=dict(kinds.most_common()), by_collection=dict(collections.most_common()),
        by_source=dict(sources.most_common()), by_year=dict(sorted(years.items())),
    )
