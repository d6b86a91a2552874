"""Searching: one call returns hits, facets, snippets and suggestions, for CLI, page and API.

An :class:`Engine` keeps one Whoosh searcher and its facet sets, and reopens both when the
index's ``current`` link points at a new build (after ``reindex`` or ``update``), so a
running web server serves the new index without a restart. It is safe to share between
threads: the searcher is read-only and swapped under a lock.
"""

from __future__ import annotations

import os
import threading
import time
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from whoosh import query as wq
from whoosh import scoring, sorting

from .config import index_dir
from .facets import FACETS, FacetSets, FacetValue, count, narrow
from .highlight import highlight_title, mark, match_spans, snippet
from .indexer import IndexMissingError, current_path, open_current
from .query import ParsedQuery, parse_date_range, parse_query
from .records import Record
from .schema import split_commas

SORTS = ("relevance", "newest", "oldest")
MAX_PAGE_SIZE = 100
MAX_QUERY_CHARS = 1000
FACET_LIMIT = 30


class SearchError(ValueError):
    """A request the user must change: the message says what was wrong and what to do."""


@dataclass
class SearchRequest:
    q: str = ""
    sources: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    organizations: list[str] = field(default_factory=list)
    collections: list[str] = field(default_factory=list)
    years: list[str] = field(default_factory=list)
    months: list[str] = field(default_factory=list)
    date_from: str | None = None
    date_to: str | None = None
    sort: str | None = None  # None: relevance with a query, newest without
    page: int = 1
    page_size: int = 20

    def selections(self) -> dict[str, list[str]]:
        return {"source": self.sources, "country": self.countries,
                "organization": self.organizations, "collection": self.collections,
                "year": self.years, "month": self.months}


@dataclass
class Hit:
    id: str
    score: float
    title: str
    title_html: str
    date: str | None
    time: str | None
    source: str
    countries: list[str]
    organizations: list[str]
    collections: list[str]
    snippet_html: str
    snippet: str
    kind: str = "clipping"
    section: str | None = None
    country_codes: list[str] = field(default_factory=list)  # ISO codes, for an English UI

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in (
            "id", "score", "title", "title_html", "date", "time", "source", "countries",
            "country_codes", "organizations", "collections", "snippet_html", "snippet",
            "kind")}


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

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))

    def to_dict(self) -> dict:
        """The JSON object shared by ``manage.py search --json`` and the web API."""
        return {
            "query": self.query,
            "understood": self.understood,
            "messages": self.messages,
            "total": self.total,
            "page": self.page,
            "page_size": self.page_size,
            "pages": self.pages,
            "sort": self.sort,
            "results": [h.to_dict() for h in self.results],
            "facets": {k: [v.to_dict() for v in vals] for k, vals in self.facets.items()},
            "suggestions": self.suggestions,
            "elapsed_ms": round(self.elapsed_ms, 1),
        }


@dataclass
class RecordView:
    """A whole record as stored in the index, for the record page and the API."""

    record: Record
    title_html: str
    summary_html: str
    related: list[Hit]


class Engine:
    def __init__(self, root: str | os.PathLike | None = None) -> None:
        self.root = index_dir(root)
        self._lock = threading.Lock()
        self._target: Path | None = None
        self._searcher = None
        self._facets: FacetSets | None = None

    # -- the searcher, reopened when the index was rebuilt
    def _current(self):
        target = current_path(self.root)
        if target is None:
            raise IndexMissingError(f"no index in {self.root}: run `python manage.py reindex`")
        with self._lock:
            if target != self._target:
                ix = open_current(self.root)
                old = self._searcher
                self._searcher = ix.searcher(weighting=scoring.BM25F())
                self._facets = FacetSets(self._searcher.reader())
                self._target = target
                if old is not None:
                    old.close()
            return self._searcher, self._facets

    def close(self) -> None:
        with self._lock:
            if self._searcher is not None:
                self._searcher.close()
            self._searcher, self._facets, self._target = None, None, None

    # -- searching
    def search(self, req: SearchRequest) -> SearchResult:
        started = time.perf_counter()
        _validate(req)
        searcher, sets = self._current()
        parsed = parse_query(req.q)
        sort = req.sort or ("relevance" if not parsed.is_empty else "newest")

        base = set(sets.live) if parsed.is_empty else set(searcher.docs_for_query(parsed.query))
        base &= sets.live
        date_docs = self._date_filter(searcher, req)
        if date_docs is not None:
            base &= date_docs
        chosen = req.selections()
        self._check_values(sets, chosen)
        selections = {facet: sets.selection(facet, values) for facet, values in chosen.items()}
        allowed = narrow(base, selections)

        facets: dict[str, list[FacetValue]] = {}
        for facet in ("source", "country", "organization", "collection", "year"):
            docs = narrow(base, selections, except_facet=facet)
            limit = None if facet in ("year", "collection") else FACET_LIMIT
            facets[facet] = count(sets, facet, docs, chosen[facet], limit)
        if len(req.years) == 1:
            docs = narrow(base, selections, except_facet="month")
            facets["month"] = [v for v in count(sets, "month", docs, chosen["month"])
                               if v.value.startswith(req.years[0])]

        hits = self._page(searcher, parsed, allowed, sort, req)
        suggestions = self._suggest(searcher, parsed) if not allowed and parsed.words else []
        return SearchResult(
            query=req.q, understood=parsed.understood, total=len(allowed), page=req.page,
            page_size=req.page_size, sort=sort, results=hits, facets=facets,
            suggestions=suggestions, messages=parsed.messages,
            elapsed_ms=(time.perf_counter() - started) * 1000, fallback=parsed.fallback)

    def _page(self, searcher, parsed: ParsedQuery, allowed: set[int], sort: str,
              req: SearchRequest) -> list[Hit]:
        if not allowed:
            return []
        offset = (req.page - 1) * req.page_size
        if offset >= len(allowed):
            return []
        limit = offset + req.page_size
        q = wq.Every() if parsed.is_empty else parsed.query
        if sort == "relevance" and not parsed.is_empty:
            sortedby = [sorting.ScoreFacet(), sorting.FieldFacet("sortkey", reverse=True)]
        else:
            sortedby = sorting.FieldFacet("sortkey", reverse=(sort != "oldest"))
        results = searcher.search(q, filter=allowed, limit=limit, sortedby=sortedby,
                                  terms=False)
        return [_hit(hit.fields(), _score(hit.score), parsed.highlight_terms)
                for hit in results[offset:limit]]

    def _date_filter(self, searcher, req: SearchRequest) -> set[int] | None:
        if not req.date_from and not req.date_to:
            return None
        start = _day_bound(req.date_from, "開始日", "2024-06-01", first=True)
        end = _day_bound(req.date_to, "終了日", "2024-06-30", first=False)
        if start and end and start > end:
            raise SearchError("開始日が終了日より後になっています。日付を入れ替えてください")
        return set(searcher.docs_for_query(wq.DateRange("date", start, end)))

    def _check_values(self, sets: FacetSets, chosen: dict[str, list[str]]) -> None:
        names = {"source": "媒体", "country": "国・地域", "organization": "機関",
                 "collection": "アーカイブ", "year": "年", "month": "月"}
        for facet, values in chosen.items():
            known = sets.values(facet)
            for value in values:
                if value not in known:
                    raise SearchError(f"{names[facet]}「{value}」は索引にありません。"
                                      f"{names[facet]}の一覧から選んでください")

    def _suggest(self, searcher, parsed: ParsedQuery) -> list[str]:
        """Close terms that exist in the index for words that found nothing (もしかして).

        Only queries that would find something are offered, and a word is only corrected
        into the same kind of word (Latin for Latin, Japanese for Japanese).
        """
        from .analysis import analyze_terms

        suggestions: list[str] = []
        correctors = [searcher.corrector("title"), searcher.corrector("body")]
        for word in parsed.words:
            for token in analyze_terms(word):
                if len(token) < 2 or searcher.doc_frequency("body", token) \
                        or searcher.doc_frequency("title", token):
                    continue
                maxdist = 2 if len(token) > 3 else 1
                candidates = dict.fromkeys(c for corrector in correctors
                                           for c in corrector.suggest(token, 5, maxdist))
                for candidate in candidates:
                    if candidate.isascii() != token.isascii() or len(candidate) < 2:
                        continue
                    # the token is width- and case-folded: find it in the word the same way
                    folded = unicodedata.normalize("NFKC", word)
                    at = folded.lower().find(token)
                    if at < 0:
                        continue
                    fixed = folded[:at] + candidate + folded[at + len(token):]
                    proposal = parsed.text.replace(word, fixed)
                    if proposal in suggestions or proposal == parsed.text:
                        continue
                    if any(True for _ in searcher.docs_for_query(parse_query(proposal).query)):
                        suggestions.append(proposal)
        return suggestions[:3]

    # -- records
    def record(self, rid: str, q: str = "") -> RecordView:
        searcher, _ = self._current()
        stored = searcher.document(id=rid)
        if stored is None:
            raise SearchError(f"記事「{rid}」はありません。検索結果から開き直してください")
        rec = _to_record(stored)
        terms = parse_query(q).highlight_terms if q and len(q) <= MAX_QUERY_CHARS else set()
        summary_html = mark(rec.summary, match_spans(rec.summary, terms))
        return RecordView(rec, highlight_title(rec.title, terms), summary_html,
                          self.related(rid, searcher))

    def related(self, rid: str, searcher=None, limit: int = 5) -> list[Hit]:
        """More-like-this, with articles naming the same countries and period first."""
        searcher = searcher or self._current()[0]
        docnum = searcher.document_number(id=rid)
        if docnum is None:
            return []
        stored = searcher.stored_fields(docnum)
        similar = searcher.more_like(docnum, "body", top=limit * 4, numterms=12)
        countries = set(split_commas(stored.get("countries")))
        year = _iso(stored.get("date"))
        ranked = []
        for hit in similar:
            fields = hit.fields()
            shared = len(countries & set(split_commas(fields.get("countries"))))
            same_period = bool(year and _iso(fields.get("date"))
                               and _iso(fields.get("date"))[:4] == year[:4])
            ranked.append((-(shared > 0), -same_period, -float(hit.score or 0), fields["id"],
                           hit))
        ranked.sort(key=lambda r: r[:4])
        return [_hit(hit.fields(), _score(hit.score), set(), width=80)
                for *_, hit in ranked[:limit]]

    def facet_values(self, facet: str) -> list[str]:
        _, sets = self._current()
        return sorted(sets.values(facet))


def _validate(req: SearchRequest) -> None:
    if len(req.q or "") > MAX_QUERY_CHARS:
        raise SearchError(f"検索語が長すぎます({len(req.q)}文字)。{MAX_QUERY_CHARS}文字以内に"
                          "してください")
    if req.sort is not None and req.sort not in SORTS:
        raise SearchError(f"並べ替え「{req.sort}」は使えません。relevance・newest・oldest の"
                          "いずれかを指定してください")
    if req.page < 1:
        raise SearchError("ページ番号は 1 以上を指定してください")
    if not 1 <= req.page_size <= MAX_PAGE_SIZE:
        raise SearchError(f"1ページの件数は 1〜{MAX_PAGE_SIZE} にしてください")


def _hit(stored: dict, score: float, terms: set[str], width: int | None = None) -> Hit:
    """A result row from a document's stored fields, title and snippet marked for ``terms``."""
    snip = snippet(stored.get("body") or "", terms, **({"width": width} if width else {}))
    return Hit(
        id=stored["id"],
        score=score,
        title=stored["title"],
        title_html=highlight_title(stored["title"], terms),
        date=_iso(stored.get("date")),
        time=stored.get("time"),
        source=stored.get("source", ""),
        countries=split_commas(stored.get("countries")),
        organizations=split_commas(stored.get("organizations")),
        collections=split_commas(stored.get("collections")),
        snippet_html=snip.html,
        snippet=snip.text,
        kind=stored.get("kind", "clipping"),
        section=stored.get("section"),
        country_codes=split_commas(stored.get("country_codes")),
    )


def _day_bound(value: str | None, name: str, example: str, first: bool) -> datetime | None:
    """The first (or last) moment of a from/to date given as 2024, 2024-06 or 2024-06-01."""
    if not value:
        return None
    bounds = parse_date_range(value) if ".." not in value else None
    if bounds is None:
        raise SearchError(f"{name}「{value}」を読めません。{example} のように指定してください")
    return bounds[0] if first else bounds[1]


def _score(key) -> float:
    """The relevance score of a hit: sorted by (ScoreFacet, …) Whoosh gives the sort key,
    whose first element is the negated score; sorted by date there is no score."""
    if isinstance(key, tuple):
        return round(-float(key[0]), 4)
    if isinstance(key, int | float):
        return round(float(key), 4)
    return 0.0


def _iso(value) -> str | None:
    if isinstance(value, datetime):
        return value.date().isoformat()
    return value or None


def _to_record(stored: dict) -> Record:
    return Record(
        id=stored["id"], kind=stored.get("kind", "clipping"), title=stored["title"],
        summary=stored.get("body") or "", date=_iso(stored.get("date")),
        time=stored.get("time"), source_raw=stored.get("source_raw") or "",
        source=stored.get("source") or "", via_yahoo=bool(stored.get("via_yahoo")),
        notes=[n for n in (stored.get("notes") or "").split("\n\n") if n],
        lang=stored.get("lang") or "ja",
        collections=split_commas(stored.get("collections")),
        file=stored.get("file") or "", line=int(stored.get("line") or 0),
        section=stored.get("section"),
        countries=split_commas(stored.get("countries")),
        country_codes=split_commas(stored.get("country_codes")),
        organizations=split_commas(stored.get("organizations")),
    )


_default: Engine | None = None


def default_engine() -> Engine:
    global _default
    if _default is None:
        _default = Engine()
    return _default


def search(req: SearchRequest, engine: Engine | None = None) -> SearchResult:
    """The one function the front ends call."""
    return (engine or default_engine()).search(req)


__all__ = ["Engine", "Hit", "RecordView", "SearchError", "SearchRequest", "SearchResult",
           "FACETS", "search"]
