"""The Whoosh schema, and how a Record becomes a document of it.

Facet fields, one per declared facet (search/facets.py), are ID/KEYWORD fields: facet
counts intersect the query's matching documents with per-value document sets read from
these fields' postings, which stays fast for multi-valued fields where Whoosh's own overlap
facets are slow.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from whoosh import formats
from whoosh.fields import DATETIME, ID, KEYWORD, TEXT, Schema
from whoosh.fields import STORED as STORED_FIELD

from ..corpus.records import Record
from ..facets import FACETS, extracted
from ..text.analysis import japanese_analyzer
from ..text.marks import SNIPPET_SOURCE_CHARS, TITLE_MARKED_CHARS, marks
from . import codec

# 2: the one-pass JapaneseAnalyzer; 3: the record stored as one tuple; 4: without its line;
# 5: schema.Positions; 6: the analyzer and the schema pickled from their packages
# (search.text.analysis, search.index.schema); 7: the codec each segment pickles from
# search.index.codec.segments; 8: the facets' fields from their declarations (the extracted
# ones stored last; country codes derived when read, not stored); 9: the title's and the
# text's marks stored (``marks``), so a result row is marked without analysing its text
SCHEMA_VERSION = 9
TITLE_BOOST = 2.0
# Fields whose values are few, whatever the archive's size (a few dozen outlets, a few
# thousand days): a writer analyses each distinct value once. Not the countries: the
# countries a clipping names, in order, are nearly as many as the clippings (a facet says
# so with ``Facet.repeats``).


def repeated_fields() -> tuple[str, ...]:
    return ("kind", "outlet", "date", *(f.field for f in FACETS if f.repeats))


def new_writer(ix, **kwargs):
    """A writer of a kirinuki index: the codec's, with the fields whose values repeat."""
    return codec.new_writer(ix, repeated_fields(), **kwargs)


class Positions(formats.Positions):
    """Whoosh's positions format, encoding a word seen once per document from a table.

    Most postings hold one position, and Whoosh pickles each one's list anew; the bytes
    for one position depend on the position only. Decoding is Whoosh's own.
    """

    # its values are Whoosh's own bytes: the codec may keep them as counts and deltas
    # (``codec.write.TextPostings``) and never make them
    encodes_as_whoosh = True

    _single: dict[int, bytes] = {}

    def word_values(self, value, analyzer, **kwargs):
        """Whoosh's (term, frequency, weight, value) per distinct term of ``value``.

        When indexing with kirinuki's analyzer, from its ``positions``: the same terms,
        positions and weights (a boost of 1 per occurrence) without a Token per word.
        """
        gather = getattr(analyzer, "positions", None)
        if gather is None or kwargs.get("mode") != "index" or not isinstance(value, str):
            yield from super().word_values(value, analyzer, **kwargs)
            return
        boost = self.field_boost
        encode = self.encode
        for word, poslist in gather(value).items():
            yield word, len(poslist), len(poslist) * boost, encode(poslist)

    def encode(self, poslist):
        if len(poslist) == 1:
            found = self._single.get(poslist[0])
            if found is None:
                found = self._single[poslist[0]] = super().encode(poslist)
            return found
        return super().encode(poslist)


# What is stored of a record, as ONE tuple in this order (the field ``record``). Whoosh
# pickles and compresses each document's stored dict on its own, so every stored field's
# name was repeated in every document: one tuple is smaller than the dict, and year, month
# and the sort key, derived from the date, are not stored at all
# (benchmarks/results/design-measurements.md). ``stored`` gives the dict back. The line a
# record starts at is kept in the index's meta instead (``OpenIndex.line``): a clipping
# added at the top of an archive moves every line below it, and that must not make them all
# new documents. The extracted facets' values follow, one field each, in the declared order.
STORED = ("id", "kind", "title", "body", "notes", "source", "source_raw", "collections",
          "date", "time", "via_yahoo", "lang", "section", "file")


def stored_names() -> tuple[str, ...]:
    return (*STORED, *(f.field for f in extracted()))


def build_schema() -> Schema:
    ana = japanese_analyzer()
    fields = {
        "record": STORED_FIELD(),
        "marks": STORED_FIELD(),
        "id": ID(unique=True),
        "kind": ID(),
        "title": _text(ana, TITLE_BOOST),
        "body": _text(ana),
        "notes": _text(ana),
        # outlet names as words, so a query 読売 finds 読売新聞 and 讀賣新聞
        "outlet": _text(ana),
        "date": DATETIME(),
        # date, time and id in one sortable string: newest/oldest with deterministic ties
        "sortkey": ID(sortable=True),
    }
    for facet in FACETS:  # one field each: a list of values, or one
        fields[facet.field] = KEYWORD(commas=True, scorable=False) if facet.multi else ID()
    return Schema(**fields)


def _text(analyzer, boost: float = 1.0) -> TEXT:
    field = TEXT(analyzer=analyzer, field_boost=boost)
    field.format = Positions(field_boost=boost)
    return field


def stored(fields: dict) -> dict:
    """A document's stored record as a dict (``STORED``'s names; the date an ISO string),
    with the marks of its title and text under ``marks`` (``text.marks``)."""
    found = dict(zip(stored_names(), fields["record"], strict=True))
    found["marks"] = fields.get("marks")
    return found


def stored_record(searcher, docnum: int) -> dict:
    """``stored`` of one document of ``searcher``."""
    return stored(searcher.stored_fields(docnum))


def _commas(values: list[str]) -> str:
    # KEYWORD(commas=True) splits on commas; the values themselves never hold one.
    return ",".join(v.replace(",", " ") for v in values)


def to_document(rec: Record, outlet_spellings: Sequence[str]) -> dict:
    """The fields Whoosh indexes for one record, and the record it stores."""
    values = {
        "id": rec.id,
        "kind": rec.kind,
        "title": rec.title,
        "body": rec.summary,
        "notes": "\n\n".join(rec.notes),  # a note may hold single line breaks
        "source": rec.source,
        "source_raw": rec.source_raw,
        "collections": _commas(rec.collections),
        "date": rec.date,
        "time": rec.time,
        "via_yahoo": rec.via_yahoo,
        "lang": rec.lang,
        "section": rec.section,
        "file": rec.file,
        **{f.field: _commas(f.values_of(rec)) for f in extracted()},
    }
    doc: dict = {
        "record": tuple(values[name] for name in stored_names()),
        # worked out now, while Sudachi's words of both texts are at hand (the fields below
        # are analysed from the same words), so that no result row analyses them again
        "marks": (marks(rec.title, TITLE_MARKED_CHARS), marks(rec.summary, SNIPPET_SOURCE_CHARS)),
        "outlet": " ".join(dict.fromkeys([rec.source, rec.source_raw, *outlet_spellings])),
        "sortkey": f"{rec.date or '0000-00-00'} {rec.time or '00:00'} {rec.id}",
        **{name: values[name] for name in ("id", "kind", "title", "body", "notes")},
    }
    for facet in FACETS:
        found = facet.values_of(rec)
        if facet.multi:
            doc[facet.field] = _commas(found)
        elif found:
            doc[facet.field] = found[0]
        elif facet.origin == "record":
            doc[facet.field] = ""
    if rec.date:
        doc["date"] = datetime.fromisoformat(rec.date)
    return doc


def split_commas(value: str | None) -> list[str]:
    return [v for v in (value or "").split(",") if v]
