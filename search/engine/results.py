"""Result rows and the result object, as the page, the API and the command line show them.

``SearchResult.to_dict()`` is the one JSON shape: ``manage.py search --json`` and the web
API return it unchanged. Rows are made from a document's stored fields, only for the page
shown (titles and snippets are marked there, never for every match).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from ..corpus.records import Record
from ..errors import PageOutOfRange
from ..facets import FacetValue, extracted, row_facets
from ..index.schema import split_commas
from ..text.highlight import SNIPPET_CHARS, highlight_title, snippet


@dataclass
class Hit:
    id: str
    score: float
    title: str
    title_html: str
    date: str | None
    time: str | None
    source: str
    snippet_html: str
    snippet: str
    kind: str = "clipping"
    section: str | None = None
    # each listed facet's values but the source (facet key → values: country, organization,
    # collection, and any other declared), as the record names them
    values: dict[str, list[str]] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)  # the query's words it lacks
    # the whole summary, for exports (CSV, RIS); not in the JSON, whose rows carry the snippet
    summary: str = ""
    lang: str = "ja"  # the title's language (RIS LA, BibTeX langid)

    def to_dict(self) -> dict:
        """The row as JSON: each facet's values under its field name (``countries``), with
        their codes where the facet has them (``country_codes``)."""
        out = {k: getattr(self, k) for k in (
            "id", "score", "title", "title_html", "date", "time", "source")}
        for facet in row_facets():
            out[facet.field] = self.values.get(facet.key, [])
            if facet.codes:
                out[f"{facet.key}_codes"] = facet.call("codes", out[facet.field])
        out.update({k: getattr(self, k) for k in ("snippet_html", "snippet", "kind", "missing")})
        return out


@dataclass
class SearchResult:
    query: str
    understood: str
    total: int
    page: int
    page_size: int
    sort: str
    results: list[Hit]
    facets: dict[str, list[FacetValue]]
    suggestions: list[str]
    messages: list[str]
    elapsed_ms: float
    fallback: bool = False
    complete: int | None = None  # how many of ``total`` hold every word (None: all do)
    corrected: str | None = None  # the もしかして searched instead of ``query``, if one was
    # on the last page of matches: articles like the first matches, without the words
    related: list[Hit] = field(default_factory=list)
    # the facets whose chosen values were all required (日米豪), not any of them
    match_all: list[str] = field(default_factory=list)
    # whether related articles can follow these matches (their last page, by relevance, for
    # words): the page offers them by a link, the request asks with ``related``
    related_offered: bool = False
    # milliseconds per stage of the search (understand, filter, match, count, order, rows,
    # related, help): for the benchmark, not in the JSON
    stages: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.complete is None:
            self.complete = self.total

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))

    def to_dict(self) -> dict:
        """The JSON object shared by ``manage.py search --json`` and the web API."""
        return {
            "query": self.query,
            "understood": self.understood,
            "messages": self.messages,
            "corrected": self.corrected,
            "total": self.total,
            "complete": self.complete,
            "page": self.page,
            "page_size": self.page_size,
            "pages": self.pages,
            "sort": self.sort,
            "results": [h.to_dict() for h in self.results],
            "related": [h.to_dict() for h in self.related],
            "related_offered": self.related_offered,
            "facets": {k: [v.to_dict() for v in vals] for k, vals in self.facets.items()},
            "match_all": self.match_all,
            "suggestions": self.suggestions,
            "elapsed_ms": round(self.elapsed_ms, 1),
        }


def check_page(result: SearchResult) -> SearchResult:
    """``result``, or the message every front end gives for a page past the last one."""
    if result.page > result.pages:
        raise PageOutOfRange(f"ページ {result.page} はありません。この検索の結果は全 "
                             f"{result.pages} ページです")
    return result


@dataclass
class RecordView:
    """A whole record as stored in the index, for the record page and the API."""

    record: Record
    title_html: str
    summary_html: str
    related: list[Hit]


def make_hit(stored: dict, score: float, terms: set[str], width: int | None = None,
             missing: list[str] | None = None) -> Hit:
    """A result row from a document's stored fields, title and snippet marked for ``terms``;
    ``missing``: the words of the query it lacks (a partial match)."""
    title_marks, body_marks = stored.get("marks") or (None, None)
    snip = snippet(stored.get("body") or "", terms, width or SNIPPET_CHARS, body_marks)
    return Hit(
        id=stored["id"],
        score=score,
        title=stored["title"],
        title_html=highlight_title(stored["title"], terms, title_marks),
        date=iso(stored.get("date")),
        time=stored.get("time"),
        source=stored.get("source", ""),
        snippet_html=snip.html,
        snippet=snip.text,
        kind=stored.get("kind", "clipping"),
        section=stored.get("section"),
        values={f.key: split_commas(stored.get(f.field)) for f in row_facets()},
        missing=missing or [],
        summary=stored.get("body") or "",
        lang=stored.get("lang") or "ja",
    )


def iso(value) -> str | None:
    if isinstance(value, datetime):
        return value.date().isoformat()
    return value or None


def to_record(stored: dict) -> Record:
    return Record(
        id=stored["id"], kind=stored.get("kind", "clipping"), title=stored["title"],
        summary=stored.get("body") or "", date=iso(stored.get("date")),
        time=stored.get("time"), source_raw=stored.get("source_raw") or "",
        source=stored.get("source") or "", via_yahoo=bool(stored.get("via_yahoo")),
        notes=[n for n in (stored.get("notes") or "").split("\n\n") if n],
        lang=stored.get("lang") or "ja",
        collections=split_commas(stored.get("collections")),
        file=stored.get("file") or "",
        section=stored.get("section"),
        facets={f.key: split_commas(stored.get(f.field)) for f in extracted()},
    )
