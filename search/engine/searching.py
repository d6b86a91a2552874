"""Searching: one call returns hits, facets, snippets and suggestions, for CLI, page and API.

``search(request) -> result`` is the seam the front ends use and a second backend would plug
into. Inside, a search costs what the page costs, not what the archive holds: matches and
scores come from NumPy arrays (``matching``), facet counts from columns of value codes
(``facets``, ``columns``), the order from a precomputed rank, and result rows, titles and
snippets are made for the page shown only. The index itself is opened, shared between
threads and swapped by ``opened``.
"""

from __future__ import annotations

import os
import time
from dataclasses import replace
from datetime import datetime

import numpy as np

from ..facets import BY_KEY, FACETS, FacetValue, count, narrow
from ..index.schema import stored_record
from ..query.compile import parse_query
from ..query.complete import DEFAULT_LIMIT, MAX_LIMIT, Completions, fold
from ..query.correction import MIN_RECORDS, changed, mistyped, searched_instead
from ..query.dates import parse_date_range
from ..query.parsed import ParsedQuery
from ..query.suggest import suggest
from ..text.highlight import highlight_title, mark, match_spans
from .matching import Evaluator, Matches
from .opened import OpenIndex, Serving
from .partial import Partial, allowed_by, partial_matches
from .related import (
    FEEDBACK_DOCS,
    MAX_RELATED,
    close_to,
    feedback_query,
    on_topic,
    related_hits,
    shares_terms,
)
from .request import (
    MAX_QUERY_CHARS,
    SearchError,
    SearchRequest,
    check_cost,
    validate,
)
from .results import (
    Hit,
    RecordView,
    SearchResult,
    make_hit,
    to_record,
)


class Engine:
    def __init__(self, root: str | os.PathLike | None = None) -> None:
        self.serving = Serving(root)
        self.root = self.serving.root

    def close(self) -> None:
        self.serving.close()

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- searching
    def search(self, req: SearchRequest) -> SearchResult:
        """Hits, facets, snippets and suggestions for ``req``.

        A query that no article answers in full is answered for its first もしかして instead
        when that is the same words with a typing slip mended (``correction``: same kind of
        word, a letter or two for its length, never a word of the language into another),
        and the result says so in ``corrected``; other suggestions are only offered.
        ``req.correct = False`` searches the words as typed.
        """
        started = time.perf_counter()
        validate(req)
        result = self._search(req)
        # a もしかして names words the archive holds as written, not pieces of them
        # (ホットコイン for ビットコイン finds ホット and コイン, nowhere side by side)
        result.suggestions = [s for s in result.suggestions
                              if all(self._holding(w) >= MIN_RECORDS for w in changed(req.q, s))]
        if req.correct and not result.complete:
            for suggestion in result.suggestions:
                if not searched_instead(req.q, suggestion):
                    continue  # only offered (もしかして), never searched unasked
                fixed = self._search(replace(req, q=suggestion))
                if fixed.complete >= MIN_RECORDS:
                    fixed.query, fixed.corrected = req.q, fixed.query
                    fixed.suggestions = []
                    # what was said of the words as typed (an unknown field …) still holds
                    fixed.messages = result.messages + [m for m in fixed.messages
                                                        if m not in result.messages]
                    result = fixed
                break
        result.elapsed_ms = (time.perf_counter() - started) * 1000
        return result

    def _holding(self, word: str) -> int:
        """The articles holding ``word`` as written (a phrase, with its spellings)."""
        with self.serving.use() as ix, ix.searcher() as searcher:
            quoted = parse_query(f'"{word}"', _speller(ix))
            return len(Evaluator(searcher, ix.columns, ix.postings).run(quoted.query))

    def parse(self, q: str) -> ParsedQuery:
        """``q`` as a search reads it in the current index (kana words spelled in kanji)."""
        with self.serving.use() as ix:
            return parse_query(q, _speller(ix))

    def _search(self, req: SearchRequest) -> SearchResult:
        with self.serving.use() as ix, ix.searcher() as searcher:
            # a kana word also finds the kanji words that read so (きしだ → 岸田)
            spell = _speller(ix)
            held = _holder(searcher)
            parsed = parse_query(req.q, spell, held)
            check_cost(parsed.query)
            sort = req.sort or ("relevance" if not parsed.is_empty else "newest")
            cols = ix.columns
            chosen = req.selections()
            _check_values(ix, chosen)
            evaluator = Evaluator(searcher, cols, ix.postings)
            matches = evaluator.run(parsed.query)
            base = np.zeros(cols.size, dtype=bool)
            base[matches.docs] = True
            dates = _date_mask(cols, req)
            within = dates if dates is not None else cols.live
            partial = None
            if parsed.parts:
                partial = partial_matches(evaluator, parsed.parts, parsed.rest, matches,
                                          parsed.places)
                partial.fill(int(within[matches.docs].sum()), within, cols.rank)
                base |= partial.some
            if dates is not None:
                base &= dates
            selections = {key: cols.facets[key].having(values) if values else None
                          for key, values in chosen.items()}
            allowed = narrow(base, selections)

            facets: dict[str, list[FacetValue]] = {}
            for facet in FACETS:
                outer = chosen.get(facet.within, []) if facet.within else None
                if outer is not None and len(outer) != 1:
                    continue  # months are listed within one chosen year
                docs = narrow(base, selections, except_key=facet.key)
                values = count(facet, cols.facets[facet.key], docs, chosen[facet.key],
                               every=facet.key in req.all_values)
                if outer is not None:
                    values = [v for v in values if v.value.startswith(outer[0])]
                facets[facet.key] = values

            total = int(allowed.sum())
            complete = total if partial is None else int((allowed & ~partial.some).sum())
            order = _page_order(ix, matches, allowed, sort, parsed, req, partial)
            hits = [make_hit(stored_record(searcher, int(doc)), score, parsed.highlight_terms,
                             missing=partial.missing(doc) if partial is not None else [])
                    for doc, score in order]
            related = []
            if req.related and sort == "relevance" and parsed.words and parsed.plain and total \
                    and req.page == -(-total // req.page_size):  # the last page of matches
                free = _filtered(evaluator, parsed, dates, selections)
                free[matches.docs] = False
                if partial is not None:
                    free &= ~partial.some
                first = _page_order(ix, matches, allowed, sort, parsed,
                                    replace(req, page=1, page_size=FEEDBACK_DOCS), partial)
                free &= on_topic(ix.columns, parsed.named)
                related = [make_hit(stored_record(searcher, doc), score, set())
                           for doc, score in _related(evaluator, searcher, ix.words(),
                                                      [d for d, _ in first], free,
                                                      bool(parsed.named))]
            suggestions = []
            if not complete and parsed.words:
                suggestions = suggest(
                    ix.spelling(), searcher, parsed,
                    lambda text: bool(len(evaluator.run(parse_query(text, spell, held).query))),
                    ix.readings())
        return SearchResult(
            query=req.q, understood=parsed.understood, total=total, page=req.page,
            page_size=req.page_size, sort=sort, results=hits, facets=facets,
            suggestions=suggestions, messages=parsed.messages,
            elapsed_ms=0.0, fallback=parsed.fallback, complete=complete, related=related)

    # -- help as you type
    def complete(self, q: str, limit: int = DEFAULT_LIMIT) -> Completions:
        """Facet values and words completing the last word of ``q`` (the search box)."""
        if len(q) > MAX_QUERY_CHARS:
            raise SearchError(f"検索語が長すぎます({len(q)}文字)。{MAX_QUERY_CHARS}文字以内に"
                              "してください")
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
            terms = parse_query(q, _speller(ix)).highlight_terms \
                if q and len(q) <= MAX_QUERY_CHARS \
                else set()
            summary_html = mark(rec.summary, match_spans(rec.summary, terms))
            related = related_hits(ix, searcher, docnum)
        return RecordView(rec, highlight_title(rec.title, terms), summary_html, related)


def _speller(ix: OpenIndex):
    """The kanji spellings of a kana word in ``ix``, and the other spellings of a name; the
    readings are built on first use."""
    def spell(kana: str) -> list[tuple[str, bool]]:
        readings = ix.readings()
        found = [(s, readings.is_whole(kana, s)) for s in readings.spell(kana)]
        held = fold(kana) in ix.words()
        # a name the index holds has its other spellings (ラスムセン, ラスムッセン); a word
        # it does not hold only the ones it may be a slip for (no コーヒー → レーダー)
        return found + [(v, True) for v in readings.variants(kana)
                        if v not in dict(found) and (held or mistyped(kana, v))]

    return spell


def _holder(searcher):
    """Whether the index's titles or texts hold a term (its term dictionary, not a search)."""
    def held(term: str) -> bool:
        return bool(searcher.doc_frequency("body", term) or searcher.doc_frequency("title", term))

    return held


def _check_values(ix: OpenIndex, chosen: dict[str, list[str]]) -> None:
    for key, values in chosen.items():
        column = ix.columns.facets[key]
        for value in values:
            if value not in column:
                label = BY_KEY[key].label
                raise SearchError(f"{label}「{value}」は索引にありません。{label}の一覧から"
                                  "選んでください")


def _date_mask(cols, req: SearchRequest) -> np.ndarray | None:
    if not req.date_from and not req.date_to:
        return None
    start = _day_bound(req.date_from, "開始日", "2024-06-01", first=True)
    end = _day_bound(req.date_to, "終了日", "2024-06-30", first=False)
    if start and end and start > end:
        raise SearchError("開始日が終了日より後になっています。日付を入れ替えてください")
    return cols.dated(start, end)


def _day_bound(value: str | None, name: str, example: str, first: bool) -> datetime | None:
    """The first (or last) moment of a from/to date given as 2024, 2024-06 or 2024-06-01."""
    if not value:
        return None
    bounds = parse_date_range(value) if ".." not in value else None
    if bounds is None:
        raise SearchError(f"{name}「{value}」を読めません。{example} のように指定してください")
    return bounds[0] if first else bounds[1]


def _page_order(ix: OpenIndex, matches: Matches, allowed: np.ndarray, sort: str,
                parsed: ParsedQuery, req: SearchRequest,
                partial: Partial | None = None) -> list[tuple[int, float]]:
    """(document, score) of the page asked for, in order.

    Relevance: score, ties newest first; newest/oldest: the date, time and id order. With
    partial matches, the articles holding every word come first in every sort, then the
    others (by how many words they hold, for relevance). Only the documents that can reach
    the page are sorted (``argpartition`` first).
    """
    offset = (req.page - 1) * req.page_size
    wanted = offset + req.page_size
    rank = ix.columns.rank
    if parsed.is_empty or sort != "relevance":
        docs = np.flatnonzero(allowed)
        scores = np.zeros(len(docs))
    else:
        keep = allowed[matches.docs]
        docs, scores = matches.docs[keep], matches.scores[keep]
        if partial is not None:
            return _two_tiers(docs, scores, allowed & partial.some, partial, rank, offset,
                              wanted)
    if offset >= len(docs):
        return []
    if sort == "relevance" and not parsed.is_empty:
        return _by_score(docs, scores, scores, rank, offset, wanted)
    else:
        keys = rank[docs].astype(np.int64)
        keys = keys if sort == "oldest" else -keys
        if partial is not None:  # partial matches after the full ones, each by date
            keys = keys + partial.some[docs].astype(np.int64) * 2 * (len(rank) + 1)
        if len(docs) > wanted:
            near = np.argpartition(keys, wanted - 1)[:wanted]
            docs, scores, keys = docs[near], scores[near], keys[near]
        order = np.argsort(keys, kind="stable")
    picked = order[offset:wanted]
    return [(int(d), round(float(s), 4)) for d, s in zip(docs[picked], scores[picked],
                                                        strict=True)]


def _filtered(evaluator: Evaluator, parsed: ParsedQuery, dates: np.ndarray | None,
              selections: dict) -> np.ndarray:
    """Every article the search's filters allow, whatever its words: the query's own
    filters and exclusions, the dates and the facet values chosen."""
    free = allowed_by(evaluator, parsed.rest)
    if dates is not None:
        free &= dates
    return narrow(free, selections)


def _related(evaluator: Evaluator, searcher, records: dict[str, int], first: list[int],
             free: np.ndarray, placed: bool) -> list[tuple[int, float]]:
    """The articles among ``free`` most like the ``first`` matches, best first (ties
    newest first), at most ``MAX_RELATED``; unless they share the query's places
    (``placed``), only those holding a strong share of the key terms."""
    q = feedback_query(searcher, first, records) if first else None
    if q is None:
        return []
    found = evaluator.run(q)
    keep = free[found.docs] & close_to(found, first)
    if not placed:
        keep &= shares_terms(evaluator, q, found.docs)
    docs, scores = found.docs[keep], found.scores[keep]
    return _by_score(docs, scores, scores, evaluator.columns.rank, 0, MAX_RELATED)


def _two_tiers(docs: np.ndarray, scores: np.ndarray, some: np.ndarray, partial: Partial,
               rank: np.ndarray, offset: int, wanted: int) -> list[tuple[int, float]]:
    """The page when the articles holding every word (``docs``) come before the partial
    matches (``some``, which hold every place the query names), which rank by how much of
    the query they hold (its words, each weighed by its IDF: ペルシャ湾 says more than 訓練),
    then how well."""
    page = _by_score(docs, scores, scores, rank, offset, min(wanted, len(docs))) \
        if offset < len(docs) else []
    if wanted > len(docs):
        more = np.flatnonzero(some)
        held = partial.score[more]
        # coverage, then score: scores are below max + 1, so one key orders both
        level = np.unique(partial.coverage[more], return_inverse=True)[1]
        keys = level * (float(held.max(initial=0.0)) + 1.0) + held
        page += _by_score(more, keys, held, rank, max(0, offset - len(docs)),
                          wanted - len(docs))
    return page


def _by_score(docs: np.ndarray, keys: np.ndarray, scores: np.ndarray, rank: np.ndarray,
              offset: int, wanted: int) -> list[tuple[int, float]]:
    """The page of ``docs`` by ``keys`` descending (ties newest first), with ``scores``."""
    if offset >= len(docs):
        return []
    if len(docs) > wanted:
        # every document keyed at least the wanted-th best, ties included
        kth = np.partition(keys, len(keys) - wanted)[len(keys) - wanted]
        near = keys >= kth
        docs, keys, scores = docs[near], keys[near], scores[near]
    order = np.lexsort((-rank[docs].astype(np.int64), -keys))
    picked = order[offset:wanted]
    return [(int(d), round(float(s), 4)) for d, s in zip(docs[picked], scores[picked],
                                                        strict=True)]


_default: Engine | None = None


def default_engine() -> Engine:
    global _default
    if _default is None:
        _default = Engine()
    return _default


def search(req: SearchRequest, engine: Engine | None = None) -> SearchResult:
    """The one function the front ends call."""
    return (engine or default_engine()).search(req)
