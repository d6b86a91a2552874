"""One search as a pipeline of named stages, each a small function over plain values.

    understand (parse, compile) → filter → match → partial → count → order → page → rows
    → related → help

A request opens one snapshot of the index (:class:`Context`) and runs the stages once in it.
A correction (the もしかして searched instead) runs them again for the corrected words in the
same context, so the snapshot, the filters' masks and every query already evaluated (the
もしかして's own check found it) are reused, not computed again; the help for an empty result
(the suggestions) is asked only of the search as typed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np

from ..facets import BY_KEY, FACETS, FacetValue, count, narrow
from ..query.compile import parse_query
from ..query.complete import fold
from ..query.correction import MIN_RECORDS, changed, mistyped, names_alike
from ..query.expansion import COMMON_SHARE
from ..query.parsed import ParsedQuery
from ..query.suggest import suggest
from .matching import Evaluator, Matches
from .opened import OpenIndex
from .ordering import by_score, ranked
from .partial import FILL, Partial, allowed_by, partial_matches
from .related import FEEDBACK_DOCS, MAX_RELATED, close_to, feedback_query, on_topic, shares_terms
from .request import (
    MAX_QUERY_TERMS,
    SearchError,
    SearchRequest,
    check_cost,
    date_bounds,
    query_terms,
)
from .results import Hit, SearchResult, make_hit


@dataclass
class Context:
    """What the stages of one request share: one snapshot of the index, and the parses and
    answers already computed in it (keyed by the text searched)."""

    ix: OpenIndex
    searcher: Any
    evaluator: Evaluator = field(init=False)
    _parsed: dict[str, ParsedQuery] = field(default_factory=dict)
    _answers: dict[str, Matches] = field(default_factory=dict)
    # milliseconds spent in each stage (a correction's run adds to them): the benchmark
    # prints them, so a slow search says where its time went
    stages: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            spent = (time.perf_counter() - started) * 1000
            self.stages[name] = self.stages.get(name, 0.0) + spent

    def __post_init__(self) -> None:
        self.evaluator = Evaluator(self.searcher, self.ix.columns, self.ix.postings)

    def parse(self, text: str) -> ParsedQuery:
        """``text`` as this index reads it (kana words spelled in kanji, words it lacks,
        a category's kinds but those of words most texts hold); without the kinds (輸送機 →
        C-130) when with them it would look up more terms than a query may and without
        them fewer, which the page is told."""
        if text not in self._parsed:
            spell, held = speller(self.ix), holder(self.ix, self.searcher)
            common = commoner(self.ix, self.searcher)
            parsed = parse_query(text, spell, held, common=common)
            terms = query_terms(parsed.query)
            if terms > MAX_QUERY_TERMS:
                fewer = parse_query(text, spell, held, kinds_of=False)
                if query_terms(fewer.query) < terms:
                    fewer.messages.append("語が多いため、分類を表す語の種類・個別の名前"
                                          "(輸送機 → C-130 など)は検索していません")
                    parsed = fewer
            self._parsed[text] = parsed
        return self._parsed[text]

    def answer(self, text: str) -> Matches:
        """The documents ``text`` matches, with their scores."""
        if text not in self._answers:
            self._answers[text] = self.evaluator.run(self.parse(text).query)
        return self._answers[text]

    def holding(self, word: str) -> int:
        """The articles holding ``word`` as written (a phrase, with its spellings)."""
        return len(self.answer(f'"{word}"'))


@dataclass
class Filters:
    """The request's filters as masks over the documents: the facet values chosen and the
    dates. They do not depend on the words, so a correction reuses them."""

    chosen: dict[str, list[str]]
    selections: dict[str, np.ndarray | None]
    dates: np.ndarray | None
    within: np.ndarray  # the documents the dates allow (every live one without dates)
    # facets whose chosen values are all required: counted within their own selection
    # (how many of the results also name it), not beside it
    match_all: list[str] = field(default_factory=list)


@dataclass
class Matched:
    """The documents a search allows: its matches (and partial matches) within the filters."""

    matches: Matches
    partial: Partial | None
    base: np.ndarray  # matched, within the dates: what each facet is counted over
    # matched at any date: what the date facets (years, months) are counted over, so the
    # year chart still shows every year when a period is chosen (a bar replaces it)
    undated: np.ndarray
    allowed: np.ndarray  # and within every facet's selection: the result
    total: int
    complete: int  # those holding every word


# -- the stages -------------------------------------------------------------------------


def understand(ctx: Context, text: str) -> ParsedQuery:
    """parse and compile: the words, fields and operators as a query, refused if costly."""
    parsed = ctx.parse(text)
    check_cost(parsed.query)
    return parsed


def filters(ctx: Context, req: SearchRequest) -> Filters:
    """filter: the chosen facet values and dates as masks; an unknown value is refused."""
    cols = ctx.ix.columns
    chosen = {key: resolved(BY_KEY[key], values) for key, values in req.selections().items()}
    for key, values in chosen.items():
        column = cols.facets[key]
        for value in values:
            if value not in column:
                label = BY_KEY[key].label
                raise SearchError(f"{label}「{value}」は索引にありません。{label}の一覧から"
                                  "選んでください")
    dates = date_mask(cols, req.date_from, req.date_to)
    selections = {key: None if not values
                  else cols.facets[key].having_all(values) if key in req.match_all
                  else cols.facets[key].having(values)
                  for key, values in chosen.items()}
    return Filters(chosen, selections, dates, dates if dates is not None else cols.live,
                   [key for key in req.match_all if chosen.get(key)])


def match(ctx: Context, parsed: ParsedQuery, filt: Filters) -> Matched:
    """match and partial: the documents holding the words, then those holding enough of
    them (partial matches, after the full ones), within the filters."""
    cols = ctx.ix.columns
    matches = ctx.answer(parsed.text)
    if parsed.is_empty:  # every live document: 3 ms less at a million than by numbers
        base = cols.live.copy()
    else:
        base = np.zeros(cols.size, dtype=bool)
        base[matches.docs] = True
    partial = None
    complete = int(filt.within[matches.docs].sum()) if parsed.parts else FILL
    if complete < FILL:  # partial matches only fill a first page that has room for them
        partial = partial_matches(ctx.evaluator, parsed.parts, parsed.rest, matches,
                                  parsed.places)
        partial.fill(complete, filt.within, cols.rank)
        base |= partial.some
    undated = base
    if filt.dates is not None:
        base = base & filt.dates
    allowed = narrow(base, filt.selections)
    total = int(allowed.sum())
    complete = total if partial is None else int((allowed & ~partial.some).sum())
    return Matched(matches, partial, base, undated, allowed, total, complete)


def count_facets(ctx: Context, found: Matched, filt: Filters,
                 every: list[str]) -> dict[str, list[FacetValue]]:
    """count: each facet's values over the matches and every OTHER facet's selection
    (disjunctive within a facet: what ticking one more would add), but a facet whose values
    are all required within its own selection too (what ticking one more would leave); the
    date facets (years, months) at any date, since choosing one replaces the period; a
    facet listed within another (months within a year) only when one value of that one is
    chosen."""
    facets: dict[str, list[FacetValue]] = {}
    for facet in FACETS:
        outer = filt.chosen.get(facet.within, []) if facet.within else None
        if outer is not None and len(outer) != 1:
            continue
        over = found.undated if facet.origin == "date" else found.base
        docs = narrow(over, filt.selections,
                      except_key=None if facet.key in filt.match_all else facet.key)
        values = count(facet, ctx.ix.columns.facets[facet.key], docs, filt.chosen[facet.key],
                       every=facet.key in every, live=ctx.ix.columns.live)
        if outer is not None:
            values = [v for v in values if v.value.startswith(outer[0])]
        facets[facet.key] = values
    return facets


def order(ctx: Context, parsed: ParsedQuery, found: Matched, sort: str,
          upto: int) -> list[tuple[int, float]]:
    """order: the first ``upto`` documents of the result, (document, score) in order."""
    return ranked(ctx.ix.columns.rank, found.matches, found.allowed, sort, parsed.is_empty,
                  found.partial, upto, ctx.ix.columns.by_rank())


def page(top: list[tuple[int, float]], req: SearchRequest) -> list[tuple[int, float]]:
    """page: the page asked for, from the documents in order."""
    offset = (req.page - 1) * req.page_size
    return top[offset:offset + req.page_size]


def rows(ctx: Context, shown: list[tuple[int, float]], terms: set[str],
         partial: Partial | None) -> list[Hit]:
    """rows: each document's stored record as a result row, ``terms`` marked in its title
    and snippet (none: nothing is analysed)."""
    return [make_hit(ctx.ix.record(ctx.searcher, doc), score, terms,
                     missing=partial.missing(doc) if partial is not None else [])
            for doc, score in shown]


def offers_related(req: SearchRequest, parsed: ParsedQuery, sort: str, total: int) -> bool:
    """Related articles can follow the last page of matches of a search by relevance for
    words (the page offers them there)."""
    return bool(sort == "relevance" and parsed.words and parsed.plain
                and total and req.page == -(-total // req.page_size))


def wants_related(req: SearchRequest, parsed: ParsedQuery, sort: str, total: int) -> bool:
    """Related articles are looked for where they can follow, when the request asks."""
    return req.related and offers_related(req, parsed, sort, total)


def related(ctx: Context, parsed: ParsedQuery, found: Matched, filt: Filters,
            first: list[int]) -> list[Hit]:
    """related: articles without the words, most like the ``first`` matches, on the
    places the query names, within the search's filters."""
    free = allowed_by(ctx.evaluator, parsed.rest)
    if filt.dates is not None:
        free &= filt.dates
    free = narrow(free, filt.selections)
    free[found.matches.docs] = False
    if found.partial is not None:
        free &= ~found.partial.some
    free &= on_topic(ctx.ix.columns, parsed.named)
    q = feedback_query(ctx.searcher, first, ctx.ix.words()) if first else None
    if q is None:
        return []
    near = ctx.evaluator.run(q)
    keep = free[near.docs] & close_to(near, first)
    if not parsed.named:
        keep &= shares_terms(ctx.evaluator, q, near.docs)
    docs, scores = near.docs[keep], near.scores[keep]
    return [make_hit(ctx.ix.record(ctx.searcher, doc), score, set())
            for doc, score in by_score(docs, scores, scores, ctx.ix.columns.rank, 0,
                                       MAX_RELATED)]


def help_for(ctx: Context, parsed: ParsedQuery) -> list[str]:
    """help: for a search nothing answers in full, the queries a word or two away that
    would find something (もしかして), each naming words the archive holds as written (not
    pieces of them: ホットコイン for ビットコイン finds ホット and コイン, never side by side)."""
    def find() -> list[str]:
        found = suggest(ctx.ix.spelling(), ctx.searcher, parsed,
                        lambda text: bool(len(ctx.answer(text))), ctx.ix.readings())
        return [s for s in found
                if all(ctx.holding(w) >= MIN_RECORDS for w in changed(parsed.text, s))]

    return ctx.ix.help_for(parsed.text, find)


# -- the whole ----------------------------------------------------------------------------


def run(ctx: Context, req: SearchRequest, text: str, filt: Filters | None = None,
        helped: bool = True) -> tuple[SearchResult, Filters]:
    """Every stage for ``text`` with ``req``'s filters (``filt`` when already made)."""
    with ctx.stage("understand"):
        parsed = understand(ctx, text)
    with ctx.stage("filter"):
        filt = filt if filt is not None else filters(ctx, req)
    sort = req.sort or ("relevance" if not parsed.is_empty else "newest")
    with ctx.stage("match"):
        found = match(ctx, parsed, filt)
    with ctx.stage("count"):
        facets = count_facets(ctx, found, filt, req.all_values)
    more = wants_related(req, parsed, sort, found.total)
    with ctx.stage("order"):
        top = order(ctx, parsed, found, sort,
                    max(req.page * req.page_size, FEEDBACK_DOCS if more else 0))
    with ctx.stage("rows"):
        hits = rows(ctx, page(top, req), parsed.highlight_terms, found.partial)
    with ctx.stage("related"):
        near = related(ctx, parsed, found, filt, [d for d, _ in top[:FEEDBACK_DOCS]]) \
            if more else []
    # もしかして only when the words themselves find nothing in full: when the filters, not
    # the words, emptied the result, the page says so and offers to remove them instead
    with ctx.stage("help"):
        helps = help_for(ctx, parsed) \
            if helped and not found.complete and not len(found.matches) and parsed.words \
            else []
    return SearchResult(
        query=text, understood=parsed.understood, total=found.total, page=req.page,
        page_size=req.page_size, sort=sort, results=hits, facets=facets, suggestions=helps,
        messages=parsed.messages, elapsed_ms=0.0, fallback=parsed.fallback,
        complete=found.complete, related=near, match_all=filt.match_all,
        related_offered=offers_related(req, parsed, sort, found.total)), filt


def exported(ctx: Context, req: SearchRequest, limit: int) -> Iterator[int | Hit]:
    """The total, then the first ``limit`` rows of ``req``'s result in its order, unmarked:
    an export (CSV, RIS) shows whole summaries, not snippets, so no text is analysed; the
    query is matched and ordered once, and the rows are read a page at a time as they are
    written out."""
    parsed = understand(ctx, req.q)
    filt = filters(ctx, req)
    sort = req.sort or ("relevance" if not parsed.is_empty else "newest")
    found = match(ctx, parsed, filt)
    top = order(ctx, parsed, found, sort, max(1, min(limit, found.total)))
    yield min(found.total, limit)
    for start in range(0, len(top), EXPORT_ROWS_AT_ONCE):
        yield from rows(ctx, top[start:start + EXPORT_ROWS_AT_ONCE], set(), found.partial)


EXPORT_ROWS_AT_ONCE = 100


# -- helpers ------------------------------------------------------------------------------


def speller(ix: OpenIndex) -> Callable[[str], list[tuple[str, bool]]]:
    """The kanji spellings of a kana word in ``ix``, and the other spellings of a name; the
    readings are built on first use."""
    def spell(kana: str) -> list[tuple[str, bool]]:
        readings = ix.readings()
        found = [(s, readings.is_whole(kana, s)) for s in readings.spell(kana)]
        # a name the index holds has its other spellings (ラスムセン, ラスムッセン), but a
        # word of the language none (キャンセル is not キャンベル) and no place's (シーレーン
        # is not バーレーン); a word it does not hold only the ones it may be a slip for (no
        # コーヒー → レーダー)
        alike = partial(names_alike, kana) if fold(kana) in ix.words() \
            else partial(mistyped, kana)
        return found + [(v, True) for v in readings.variants(kana)
                        if v not in dict(found) and alike(v)]

    return spell


def holder(ix: OpenIndex, searcher) -> Callable[[str], bool]:
    """Whether the index's titles or texts hold a term (its term dictionary, not a search)."""
    def held(term: str) -> bool:
        return bool(ix.postings.doc_frequency(searcher, "body", term)
                    or ix.postings.doc_frequency(searcher, "title", term))

    return held


def commoner(ix: OpenIndex, searcher) -> Callable[[str], bool]:
    """Whether a term is in the texts of more than ``COMMON_SHARE`` of the index's records
    (its document frequency, from the term dictionary)."""
    limit = COMMON_SHARE * ix.columns.size

    def common(term: str) -> bool:
        return ix.postings.doc_frequency(searcher, "body", term) > limit

    return common


def resolved(facet, values: list[str]) -> list[str]:
    """Chosen values as the facet names them: any name the query language reads for it
    (Philippines, 比 → フィリピン; 日経 → 日本経済新聞), once each; others as given."""
    if not facet.resolve:
        return values
    return list(dict.fromkeys(facet.call("resolve", v) or v for v in values))


def date_mask(cols, date_from: str | None, date_to: str | None) -> np.ndarray | None:
    """The documents dated within the from/to bounds (None: no bound given)."""
    bounds = date_bounds(date_from, date_to)
    return None if bounds is None else cols.dated(*bounds)
