"""The Whoosh schema, and how a Record becomes a document of it.

Facet fields are ID/KEYWORD fields: facet counts intersect the query's matching documents
with per-value document sets read from these fields' postings (see facets.py), which stays
fast for multi-valued fields where Whoosh's own overlap facets are slow.
"""

from __future__ import annotations

from datetime import datetime

from whoosh.codec.whoosh3 import W3Codec
from whoosh.fields import DATETIME, ID, KEYWORD, STORED, TEXT, Schema

from .analysis import japanese_analyzer
from .records import Record

SCHEMA_VERSION = 2  # 2: the one-pass JapaneseAnalyzer
TITLE_BOOST = 2.0


class Codec(W3Codec):
    """Whoosh's own codec, without length statistics and with the fastest zlib level.

    - ``length_stats``: Whoosh would read back every posting's field length to keep a
      per-term minimum, used only to bound scores when skipping blocks, which kirinuki's
      engine never does. It was a tenth of a build.
    - compression: zlib level 1 on posting blocks. At 10,000 synthetic records the index is
      33 MB instead of 60 MB (level 3: 32.8 MB); decompressing is C code, a small part of
      reading a posting list. (At 384 records it costs 0.1 s of a build; archives are
      larger than that.)
    """

    length_stats = False

    def __init__(self) -> None:
        super().__init__(compression=1)


def writer_options() -> dict:
    """Keyword arguments for every writer of a kirinuki index.

    ``compound=False``: Whoosh opens a file inside a compound segment by copying it into a
    BytesIO, per searcher: at 10,000 records each searcher held 95 MB. Plain segment files
    are memory-mapped and shared instead.

    ``limitmb``: how much (by Whoosh's estimate) a writer's posting pool holds before it
    spills a sorted run to disk and merges the runs at the end, in pickles and a heap merge
    (a sixth of a one-process build at 10,000 records). At 100,000 records with two workers,
    1024 spills nothing: the build took 187 s instead of 239 s, each worker peaking at
    1.6 GB instead of 0.57 GB.
    """
    return {"codec": Codec(), "limitmb": 1024, "compound": False}


def build_schema() -> Schema:
    ana = japanese_analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        kind=ID(stored=True),
        title=TEXT(analyzer=ana, stored=True, field_boost=TITLE_BOOST),
        body=TEXT(analyzer=ana, stored=True),
        notes=TEXT(analyzer=ana, stored=True),
        # outlet names as words, so a query 読売 finds 読売新聞 and 讀賣新聞
        outlet=TEXT(analyzer=ana),
        source=ID(stored=True),
        source_raw=STORED(),
        countries=KEYWORD(stored=True, commas=True, scorable=False),
        country_codes=KEYWORD(stored=True, commas=True, scorable=False),
        organizations=KEYWORD(stored=True, commas=True, scorable=False),
        collections=KEYWORD(stored=True, commas=True, scorable=False),
        date=DATETIME(stored=True),
        year=ID(stored=True),
        month=ID(stored=True),
        # date, time and id in one sortable string: newest/oldest with deterministic ties
        sortkey=ID(stored=True, sortable=True),
        time=STORED(),
        via_yahoo=STORED(),
        lang=STORED(),
        section=STORED(),
        file=STORED(),
        line=STORED(),
    )


def _commas(values: list[str]) -> str:
    # KEYWORD(commas=True) splits on commas; the values themselves never hold one.
    return ",".join(v.replace(",", " ") for v in values)


def to_document(rec: Record, outlet_spellings: list[str]) -> dict:
    """The fields Whoosh stores and indexes for one record."""
    doc: dict = {
        "id": rec.id,
        "kind": rec.kind,
        "title": rec.title,
        "body": rec.summary,
        "notes": "\n\n".join(rec.notes),  # a note may hold single line breaks
        "outlet": " ".join(dict.fromkeys([rec.source, rec.source_raw, *outlet_spellings])),
        "source": rec.source,
        "source_raw": rec.source_raw,
        "countries": _commas(rec.countries),
        "country_codes": _commas(rec.country_codes),
        "organizations": _commas(rec.organizations),
        "collections": _commas(rec.collections),
        "sortkey": f"{rec.date or '0000-00-00'} {rec.time or '00:00'} {rec.id}",
        "time": rec.time,
        "via_yahoo": rec.via_yahoo,
        "lang": rec.lang,
        "section": rec.section,
        "file": rec.file,
        "line": rec.line,
    }
    if rec.date:
        doc["date"] = datetime.fromisoformat(rec.date)
        doc["year"] = rec.date[:4]
        doc["month"] = rec.date[:7]
    return doc


def split_commas(value: str | None) -> list[str]:
    return [v for v in (value or "").split(",") if v]
