"""What a build works out of each record as it scans the corpus: a hash of what the corpus
says of it (``content``: an update finds the records that changed by it) and its share of
the build's work (``weight``: the workers' shards are cut by it). Needs none of the build's
modules: a reindex's scan runs in a process forked before they are imported
(``prescan``).
"""

from __future__ import annotations

import hashlib
import json

from ..corpus.records import Record

# What the corpus says of a record; countries and organisations are found by annotation,
# which depends only on these and the data tables. Not the line it starts at: a clipping
# added above it moves it, and the meta keeps lines per file anyway. Nor the archives
# holding it, which later files add to: they are hashed with the rest at the end.
_CONTENT = ("id", "kind", "title", "summary", "date", "time", "source_raw", "source",
            "via_yahoo", "notes", "lang", "file", "section")


def content(rec: Record) -> str:
    """A hash of what the corpus says of a record but the archives holding it."""
    text = json.dumps([getattr(rec, name) for name in _CONTENT], ensure_ascii=False)
    return hashlib.sha1(text.encode()).hexdigest()[:20]


def weight(rec: Record) -> int:
    """A record's share of a build's work: its text's length, plus a record's own cost.

    A record costs about as much as 400 characters of text (Whoosh's per-document work,
    the extraction's setup); counting characters alone left the shard of many short
    clippings behind (benchmarks/results/design-measurements.md).
    """
    return len(rec.title) + len(rec.summary) + sum(len(n) for n in rec.notes) + 400
