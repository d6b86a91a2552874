"""Searching: one call returns hits, facets, snippets and suggestions, for CLI, page and API.

``search(request) -> result`` is the seam the front ends use and a second backend would plug
into. Inside, a search is the stages of ``pipeline`` and costs what the page costs, not what
the archive holds: matches and scores come from NumPy arrays (``matching``), facet counts
from columns of value codes (``facets``, ``columns``), the order from a precomputed rank
(``ordering``), and result rows, titles and snippets are made for the page shown only. The
index itself is opened, shared between threads and swapped by ``opened``.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

from ..index.schema import stored_record
from ..query.compile import parse_query
from ..query.complete import DEFAULT_LIMIT, MAX_LIMIT, Completions
from ..query.correction import MIN_RECORDS, searched_instead
from ..text.highlight import highlight_text, highlight_title
from .opened import Serving
from .pipeline import Context, Filters, exported, run, speller
from .related import related_hits
from .request import (
    MAX_QUERY_CHARS,
    SearchError,
    SearchRequest,
    check_length,
    query_length,
    validate,
)
from .results import Hit, RecordView, SearchResult, make_hit, to_record
from .trends import Trends, trends


class Engine:
    def __init__(self, root: str | os.PathLike | None = None,
                 watch_seconds: float | None = None) -> None:
        """``watch_seconds``: how often a server compares the served files with their
        checksums (``opened.DAMAGE_CHECK_SECONDS``); None, for the command line and tests,
        never does."""
        self.serving = Serving(root, watch_seconds)
        self.root = self.serving.root

    def close(self) -> None:
        self.serving.close()

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- searching
    def search(self, req: SearchRequest) -> SearchResult:
        """Hits, facets, snippets and suggestions for ``req``: the stages of ``pipeline``,
        run once in one snapshot of the index.

        A query that no article answers in full is answered for its first もしかして instead
        when that is the same words with a typing slip mended (``correction``: same kind of
        word, a letter or two for its length, never a word of the language into another),
        and the result says so in ``corrected``; other suggestions are only offered.
        ``req.correct = False`` searches the words as typed.
        """
        started = time.perf_counter()
        validate(req)
        with self.serving.use() as ix, ix.searcher() as searcher:
            ctx = Context(ix, searcher)
            result, filt = run(ctx, req, req.q)
            if req.correct and not result.complete:
                result = _corrected(ctx, req, result, filt)
        result.stages = ctx.stages
        result.elapsed_ms = (time.perf_counter() - started) * 1000
        return result

    def export(self, req: SearchRequest, limit: int) -> tuple[int, Iterator[Hit]]:
        """The number of rows and the rows of ``req``'s result (at most ``limit``), in its
        order and unmarked, read as they are consumed: an export streams them out. A bad
        request raises here, before any row; the index stays open until the rows are
        read (or the iterator is closed)."""
        validate(req)
        rows = self._export(req, limit)
        total = next(rows)
        assert isinstance(total, int)
        return total, rows  # type: ignore[return-value]

    def _export(self, req: SearchRequest, limit: int) -> Iterator[int | Hit]:
        with self.serving.use() as ix, ix.searcher() as searcher:
            yield from exported(Context(ix, searcher), req, limit)

    def trends(self, terms: list[str], by: str = "year",
               req: SearchRequest | None = None) -> Trends:
        """Each term's clippings per year or month within ``req``'s filters (``trends``)."""
        with self.serving.use() as ix, ix.searcher() as searcher:
            return trends(Context(ix, searcher), terms, by, req or SearchRequest())

    # -- help as you type
    def complete(self, q: str, limit: int = DEFAULT_LIMIT) -> Completions:
        """Facet values and words completing the last word of ``q`` (the search box)."""
        check_length(q)
        if not 1 <= limit <= MAX_LIMIT:
            raise SearchError(f"候補の数は 1〜{MAX_LIMIT} にしてください")
        with self.serving.use() as ix:
            return ix.completer().complete(q, limit)

    # -- records
    def hits(self, ids: list[str]) -> list[Hit]:
        """Result rows for chosen records, in the order given (an export of picked articles)."""
        with self.serving.use() as ix, ix.searcher() as searcher:
            hits = []
            for rid in ids:
                docnum = searcher.document_number(id=rid)
                if docnum is None:
                    raise SearchError(f"記事「{rid}」はありません。検索結果から選び直してください")
                hits.append(make_hit(stored_record(searcher, docnum), 0.0, set()))
        return hits

    def record(self, rid: str, q: str = "") -> RecordView:
        with self.serving.use() as ix, ix.searcher() as searcher:
            docnum = searcher.document_number(id=rid)
            if docnum is None:
                raise SearchError(f"記事「{rid}」はありません。検索結果から開き直してください")
            rec = to_record(stored_record(searcher, docnum))
            rec.line = ix.line(rec.file, rec.id)
            terms = parse_query(q, speller(ix)).highlight_terms \
                if q and query_length(q) <= MAX_QUERY_CHARS \
                else set()
            summary_html = highlight_text(rec.summary, terms)
            related = related_hits(ix, searcher, docnum)
        return RecordView(rec, highlight_title(rec.title, terms), summary_html, related)


def _corrected(ctx: Context, req: SearchRequest, result: SearchResult,
               filt: Filters) -> SearchResult:
    """The search for the first もしかして that mends a typing slip, when that one is
    answered in full (``MIN_RECORDS``); else the result as typed."""
    for suggestion in result.suggestions:
        if not searched_instead(req.q, suggestion):
            continue  # only offered (もしかして), never searched unasked
        fixed, _ = run(ctx, req, suggestion, filt, helped=False)
        if fixed.complete >= MIN_RECORDS:
            fixed.query, fixed.corrected = req.q, fixed.query
            # what was said of the words as typed (an unknown field …) still holds
            fixed.messages = result.messages + [m for m in fixed.messages
                                                if m not in result.messages]
            return fixed
        break
    return result


_default: Engine | None = None


def default_engine() -> Engine:
    global _default
    if _default is None:
        _default = Engine()
    return _default


def search(req: SearchRequest, engine: Engine | None = None) -> SearchResult:
    """The one function the front ends call."""
    return (engine or default_engine()).search(req)
