"""A search as CSV (for spreadsheets) and Atom (for feed readers); RIS and BibTeX, which the
command line writes too, are search.engine.citations'.

Each carries corpus text into a format with its own dangers: CSV cells that start with
``= + - @`` (or their full-width ``＝ ＋ － ＠``, which a Japanese spreadsheet reads the same) are
formulas to Excel, so they are neutralised with a leading apostrophe; XML forbids most control
characters, so they are dropped before ElementTree escapes the rest.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from xml.etree import ElementTree as ET

from search.engine import Hit
from search.facets import keyword_facets, row_facets

BOM = "\ufeff"
def csv_columns() -> tuple[str, ...]:
    """The CSV's header: the record's fields, each listed facet by its label, the summary."""
    return ("id", "日付", "時刻", "媒体", "見出し", *(f.label for f in row_facets()), "要旨", "URL")
# ASCII, then the full-width and small forms that fold (NFKC) to = + - @.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠", "﹦", "﹢", "﹣", "﹫")
JST = timezone(timedelta(hours=9), "JST")
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
ATOM_NS = "http://www.w3.org/2005/Atom"


def csv_cell(value: object) -> str:
    """A value for a CSV cell that a spreadsheet will show, never evaluate."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_START):
        return "'" + text
    return text


def hits_csv(hits: Iterable[Hit], record_url) -> str:
    """Every hit as one row; UTF-8 with a BOM so that Excel detects the encoding."""
    return "".join(csv_chunks(hits, record_url))


def csv_chunks(hits: Iterable[Hit], record_url, rows_at_once: int = 100) -> Iterator[str]:
    """The CSV a piece at a time (the BOM and the header, then ``rows_at_once`` rows), for
    an answer streamed as the rows are read."""
    buf = io.StringIO()
    buf.write(BOM)
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(csv_columns())
    for n, hit in enumerate(hits, start=1):
        writer.writerow([csv_cell(v) for v in (
            hit.id, hit.date or "", hit.time or "", hit.source, hit.title,
            *("・".join(hit.values.get(f.key, [])) for f in row_facets()),
            hit.summary, record_url(hit.id))])
        if n % rows_at_once == 0:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()


def xml_text(value: object) -> str:
    """Text that XML 1.0 can hold: control characters and lone surrogates removed."""
    return _XML_INVALID.sub("", "" if value is None else str(value))


def atom_feed(*, title: str, self_url: str, page_url: str, feed_id: str,
              hits: list[Hit], record_url, updated: datetime | None = None) -> bytes:
    """An Atom 1.0 document of the hits, newest first, snippets as escaped HTML."""
    ET.register_namespace("", ATOM_NS)

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        el = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}",
                           {k: xml_text(v) for k, v in attrs.items()})
        if text is not None:
            el.text = xml_text(text)
        return el

    feed = ET.Element(f"{{{ATOM_NS}}}feed", {"xml:lang": "ja"})
    sub(feed, "title", title)
    sub(feed, "id", feed_id)
    sub(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    sub(feed, "link", rel="alternate", type="text/html", href=page_url)
    sub(feed, "generator", "kirinuki")
    author = sub(feed, "author")
    sub(author, "name", "kirinuki 切り抜き")
    dates = [_timestamp(h) for h in hits if h.date]
    newest = max(dates) if dates else (updated or datetime.now(UTC))
    sub(feed, "updated", newest.isoformat())
    for hit in hits:
        entry = sub(feed, "entry")
        sub(entry, "title", hit.title)
        url = record_url(hit.id)
        sub(entry, "id", url)
        sub(entry, "link", rel="alternate", type="text/html", href=url)
        stamp = (_timestamp(hit) if hit.date else newest).isoformat()
        sub(entry, "updated", stamp)
        sub(entry, "published", stamp)
        if hit.source:
            sub(sub(entry, "author"), "name", hit.source)
        for label in (v for f in keyword_facets() for v in hit.values.get(f.key, [])):
            sub(entry, "category", term=label, label=label)
        # type="html": the marked snippet, escaped once more by ElementTree.
        sub(entry, "summary", hit.snippet_html, type="html")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def _timestamp(hit: Hit) -> datetime:
    """The hit's date and time (Japan time, as the clippings are), or midnight."""
    try:
        day = datetime.fromisoformat(hit.date or "")
    except ValueError:
        return datetime(1970, 1, 1, tzinfo=UTC)
    hour, minute = 0, 0
    if hit.time and re.fullmatch(r"\d{1,2}:\d{2}", hit.time):
        hour, minute = (int(p) for p in hit.time.split(":"))
        if not (0 <= hour < 24 and 0 <= minute < 60):
            hour, minute = 0, 0
    return day.replace(hour=hour, minute=minute, tzinfo=JST)
