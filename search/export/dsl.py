"""kirinuki's queries in OpenSearch's query DSL: what ``manage.py search --opensearch-dsl``
prints, a request body for ``POST /<index>/_search`` over an export (``opensearch``).

The query language is parsed as kirinuki parses it (``query.syntax``: words, "phrases",
AND / OR / NOT / ``-`` and their symbols, brackets, ``title:``, each facet's field names,
``date:`` with eras and fiscal years), and each node becomes its DSL counterpart:

- a word: every one of its words in any of the text fields (``multi_match`` of type
  ``cross_fields`` with ``operator`` "and", over kirinuki's fields and weights), its words in
  order ranking higher (a ``phrase`` multi_match, boosted as kirinuki boosts a phrase); the
  synonyms and English terms are the search analyzer's (``opensearch.synonym_rules``). A
  word naming a country or an organisation finds the articles the facet holds, ranked by
  the word (a ``term`` filter and the word as ``should``); an enumeration of abbreviations
  (日米豪) finds, besides the word, the articles holding all of its countries;
- a "phrase": ``match_phrase`` in each text field, any of them (``bool``/``should``);
- AND: ``bool`` ``must`` (filters in ``filter``, NOT and ``-`` in ``must_not``); OR:
  ``bool`` ``should`` with ``minimum_should_match`` 1;
- ``country:`` ``org:`` ``source:`` ``collection:`` …: a ``term`` on the facet's keyword
  field, the typed value resolved as kirinuki resolves it (豪 → オーストラリア, 日経 → 日本
  経済新聞); a part of an outlet's name (``source:読売``) a ``match`` in the outlet names;
- ``date:`` (2024, 2024-06, 2023..2024, 令和6年, 平成30年度 …): a ``range`` on ``date``.

The request's facet selections are a ``post_filter`` (a facet of ``all_of``: every value
as a ``term``, else one ``terms``), so that each facet's aggregation — a ``filter``
aggregation holding the OTHER facets' selections and the dates around a ``terms``
aggregation — counts as kirinuki counts: disjunctive within a facet, conjunctive across
facets (a facet of ``all_of`` within its own selection too), the year and month at any date
(choosing a period does not hide the other years), the months only within one chosen year.
A chosen value is always counted (a ``chosen`` terms aggregation with ``min_doc_count`` 0),
as kirinuki never drops a ticked value. The year chart is a ``date_histogram``; the sort,
the page (``from``/``size``), an exact total (``track_total_hits``) and a ``highlight``
block with kirinuki's ``<mark>`` and snippet length follow.

What does not carry over, and what stands in
--------------------------------------------
- Readings: a kana word finding the kanji words that read so (きしだ → 岸田) needs
  kirinuki's table of the index's readings; a kana word is searched as typed. A kanji word
  spelt character by character (海警 in 中国海警局), a full name by its family name, a
  compound with a synonym inside it (吉田統合幕僚長 → 吉田統幕長) and an abbreviation glued
  to a word (英軍) are not searched either.
- Partial matches: kirinuki answers two or more words in two tiers, every word first, then
  up to 15 articles holding enough of them (half the query's IDF weight, every place
  named). ``translate(…, partial=True)`` stands in: the words become ``should`` clauses
  with ``minimum_should_match`` "50%" (places still required), one ranked list; the IDF
  rule and the 15-article fill have no counterpart.
- Corrections (もしかして) and suggestions: none. OpenSearch's ``suggest`` (a ``term`` or
  ``phrase`` suggester) offers spelling alternatives by edit distance, not kirinuki's
  rules (same script, a dictionary word never "corrected", no place into another).
- Related articles: ``more_like_this`` (``related``) over the first matches' titles and
  texts, within the search's filters and without its matches; kirinuki's Bo1 key terms and
  its closeness and shared-place thresholds are not expressed.
- Relevance differs (see ``opensearch``), and so do the words of some analyses.
"""

from __future__ import annotations

import re

from ..engine.pipeline import resolved
from ..engine.related import FEEDBACK_TERMS, MAX_RELATED
from ..engine.request import SearchRequest, date_bounds, validate
from ..facets import BY_KEY, FACETS, Facet
from ..query.compile import PHRASE_BOOST, syntax_tree
from ..query.dates import parse_date_range
from ..query.places import abbreviated, abbreviated_before, abbreviated_compound, resolve_place
from ..query.syntax import (
    And,
    Filter,
    Node,
    Not,
    Or,
    Phrase,
    Word,
)
from ..text.analysis import analyze_terms
from ..text.highlight import SNIPPET_CHARS
from ..text.kana import is_kana, katakana
from .opensearch import INDEX_NAME, field_boosts

# A facet whose every value is listed (limit None, or asked for with ``all_values``): a
# terms aggregation needs a number; OpenSearch refuses more than 65,535 buckets a request.
ALL_VALUES = 10_000
# Date facets as histograms (the year chart): the interval and key format per ISO prefix.
INTERVALS = {4: ("year", "yyyy"), 7: ("month", "yyyy-MM")}
NEWEST = [{"date": {"order": "desc", "missing": "_last"}},
          {"time": {"order": "desc", "missing": "_last"}}, {"id": {"order": "desc"}}]
OLDEST = [{"date": {"order": "asc", "missing": "_first"}},
          {"time": {"order": "asc", "missing": "_first"}}, {"id": {"order": "asc"}}]
# Partial matches' stand-in: the share of the words an article must hold
PARTIAL_SHARE = "50%"
# characters a Lucene regular expression (a terms aggregation's ``include``) reads as syntax
_REGEX_SYNTAX = re.compile(r'([.?+*|{}\[\]()"\\#@&<>~])')

Clause = tuple[dict, bool]  # (the query, whether it only filters: no score of its own)


def translate(req: SearchRequest, partial: bool = False) -> dict:
    """The ``_search`` body for ``req``: query, post_filter, aggregations, sort, page and
    highlight, as the module describes. A request kirinuki refuses (a bad page, sort or
    facet, a date it cannot read) raises the same ``SearchError``."""
    validate(req)
    read = syntax_tree(req.q)
    tree = read[0] if read is not None else None
    query = _Translator(partial).top(tree)
    chosen = {key: resolved(BY_KEY[key], values)
              for key, values in req.selections().items() if values}
    every = [key for key in req.match_all if chosen.get(key)]
    dates = date_range(req.date_from, req.date_to)
    selections = {key: _selection(BY_KEY[key], values, key in every)
                  for key, values in chosen.items()}
    body: dict = {"query": query}
    post = [*([dates] if dates else []), *selections.values()]
    if post:
        body["post_filter"] = _all(post)
    body["aggs"] = facet_aggregations(chosen, selections, every, dates, req.all_values)
    sort = req.sort or ("relevance" if tree is not None else "newest")
    body["sort"] = {"relevance": [{"_score": {"order": "desc"}}, *NEWEST],
                    "newest": NEWEST, "oldest": OLDEST}[sort]
    body["from"] = (req.page - 1) * req.page_size
    body["size"] = req.page_size
    body["track_total_hits"] = True
    body["highlight"] = {
        "pre_tags": ["<mark>"], "post_tags": ["</mark>"], "encoder": "html",
        "fields": {"title": {"number_of_fragments": 0},
                   "body": {"fragment_size": SNIPPET_CHARS, "number_of_fragments": 1,
                            "no_match_size": SNIPPET_CHARS}}}
    return body


class _Translator:
    """The query of a syntax tree; ``partial``: its words as a share, not all of them."""

    def __init__(self, partial: bool = False) -> None:
        self.partial = partial
        self.fields = field_boosts()

    def top(self, tree: Node | None) -> dict:
        if tree is None:
            return {"match_all": {}}
        found = self._and(tree.items, top=True) if isinstance(tree, And) \
            else self.clause(tree, True)
        return found[0] if found is not None else {"match_none": {}}

    def clause(self, node: Node, positive: bool) -> Clause | None:
        """``node`` as a query (None: nothing searchable in it, ignored as kirinuki does)."""
        if isinstance(node, And):
            return self._and(node.items, positive=positive)
        if isinstance(node, Or):
            found = [c for c in (self.clause(n, positive) for n in node.items) if c]
            if len(found) < 2:
                return found[0] if found else None
            return {"bool": {"should": [q for q, _ in found], "minimum_should_match": 1}}, \
                all(only for _, only in found)
        if isinstance(node, Not):
            inner = self.clause(node.item, False)
            return ({"bool": {"must_not": [inner[0]]}}, True) if inner else None
        if isinstance(node, Word):
            return self.word(node.text, node.field, positive)
        if isinstance(node, Phrase):
            return self.phrase(node.text, node.field)
        if isinstance(node, Filter):
            return self.filter(node, positive)
        raise TypeError(node)

    def _and(self, items: list[Node], positive: bool = True, top: bool = False) -> Clause | None:
        """Items side by side: scored ones in ``must``, filters in ``filter``, exclusions in
        ``must_not``; as a partial match's stand-in (``top``), the words the user typed (a
        word, a phrase, a bracketed group: kirinuki's parts) in ``should`` but the places."""
        must: list[dict] = []
        should: list[dict] = []
        filters: list[dict] = []
        must_not: list[dict] = []
        parts = sum(not isinstance(i, Filter | Not) for i in items)
        share = self.partial and top and parts > 1
        for item in items:
            if isinstance(item, Not):
                inner = self.clause(item.item, False)
                if inner:
                    must_not.append(inner[0])
                continue
            found = self.clause(item, positive)
            if found is None:
                continue
            query, only_filters = found
            if only_filters:
                filters.append(query)
            elif share and not (isinstance(item, Word) and item.field is None
                                and self.place(item.text)):
                should.append(query)  # a place is required in a partial match too
            else:
                must.append(query)
        if len(must) + len(should) + len(filters) + len(must_not) == 0:
            return None
        if len(must) == 1 and not (should or filters or must_not):
            return must[0], False
        if len(filters) == 1 and not (must or should or must_not):
            return filters[0], True
        body = {k: v for k, v in (("must", must), ("should", should), ("filter", filters),
                                  ("must_not", must_not)) if v}
        if should:
            body["minimum_should_match"] = PARTIAL_SHARE
        return {"bool": body}, not (must or should)

    def _fields(self, only: str | None) -> list[str]:
        return [f for f in self.fields if f.split("^")[0] == only] if only else self.fields

    def word(self, text: str, only: str | None, positive: bool) -> Clause | None:
        """A word: all its words in the fields, in order first; a place's articles."""
        if not analyze_terms(text):  # a particle or a symbol: kirinuki ignores it too
            return None
        fields = self._fields(only)
        query = {"bool": {
            "must": [{"multi_match": {"query": text, "type": "cross_fields",
                                      "fields": fields, "operator": "and"}}],
            "should": [{"multi_match": {"query": text, "type": "phrase", "fields": fields,
                                        "boost": PHRASE_BOOST}}]}}
        if only is not None:
            return query, False
        place = self.place(text)
        if place is not None:
            named = {"term": {place[0]: place[1]}}
            if positive:  # the facet's articles, ranked by the word
                return {"bool": {"filter": [named], "should": [query]}}, False
            return {"bool": {"should": [query, named], "minimum_should_match": 1}}, False
        together = abbreviated(text)
        if together:
            every = {"bool": {"filter": [{"term": {"countries": c}} for c in together]}}
            return {"bool": {"should": [query, every], "minimum_should_match": 1}}, False
        glued = abbreviated_before(text) or abbreviated_compound(text)
        if glued:  # 英軍, 日米豪共同訓練: the places' articles holding the rest of the word
            countries, rest = glued
            held = {"bool": {
                "filter": [{"term": {"countries": c}} for c in countries],
                "must": [{"multi_match": {"query": rest, "type": "cross_fields",
                                          "fields": fields, "operator": "and"}}]}}
            return {"bool": {"should": [query, held], "minimum_should_match": 1}}, False
        return query, False

    @staticmethod
    def place(text: str) -> tuple[str, str] | None:
        """(facet field, value) of the country or organisation a word names, if any."""
        found = resolve_place(text)
        if found is None and is_kana(text):
            found = resolve_place(katakana(text))
        return found

    def phrase(self, text: str, only: str | None) -> Clause | None:
        """A phrase: its words in order, in any of the fields (kirinuki's OR of phrases)."""
        if not analyze_terms(text):
            return None
        found = []
        for spec in self._fields(only):
            name, _, boost = spec.partition("^")
            found.append({"match_phrase": {name: {"query": text, "boost": float(boost)}
                                           if boost else text}})
        if len(found) == 1:
            return found[0], False
        return {"bool": {"should": found, "minimum_should_match": 1}}, False

    def filter(self, node: Filter, positive: bool) -> Clause | None:
        """A field term: a date range, a facet's value, a part of an outlet's name."""
        if node.kind == "date":
            bounds = parse_date_range(node.value)
            return (_range(*bounds), True) if bounds is not None else None
        facet = BY_KEY[node.kind]
        value = facet.call("resolve", node.value) if facet.resolve else node.value
        if value:
            term = {"term": {facet.field: value}}
            if facet.origin == "extracted" and positive:
                # the articles naming it most first, as kirinuki ranks country: and org:
                found = self.phrase(value, None)
                if found is not None:
                    return {"bool": {"filter": [term], "should": [found[0]]}}, False
            return term, True
        if facet.text_field:
            return {"match": {facet.text_field: {"query": node.value, "operator": "and"}}}, \
                False
        return self.word(node.value, None, positive)


def _range(start, end) -> dict:
    bounds = {}
    if start is not None:
        bounds["gte"] = start.date().isoformat()
    if end is not None:
        bounds["lte"] = end.date().isoformat()
    return {"range": {"date": bounds}}


def date_range(date_from: str | None, date_to: str | None) -> dict | None:
    """The request's from/to dates as a ``range`` (None: no bound), read as kirinuki reads
    them (2024, 2024-06, 令和6年, 2024年度 …: from the first day, to the last)."""
    bounds = date_bounds(date_from, date_to)
    return None if bounds is None else _range(*bounds)


def _selection(facet: Facet, values: list[str], every: bool) -> dict:
    """A facet's chosen values as a filter: any of them, or (``all_of``) every one."""
    if every:
        return {"bool": {"filter": [{"term": {facet.field: v}} for v in values]}}
    return {"terms": {facet.field: values}}


def _all(filters: list[dict]) -> dict:
    if not filters:
        return {"match_all": {}}
    return filters[0] if len(filters) == 1 else {"bool": {"filter": filters}}


def facet_aggregations(chosen: dict[str, list[str]], selections: dict[str, dict],
                       every: list[str], dates: dict | None, listed: list[str]) -> dict:
    """One ``filter`` aggregation per facet, counted as kirinuki counts (the module)."""
    aggs: dict = {}
    for facet in FACETS:
        outer = chosen.get(facet.within, []) if facet.within else None
        if outer is not None and len(outer) != 1:
            continue  # months only within one year
        filters = [*([dates] if dates and facet.origin != "date" else []),
                   *(query for key, query in selections.items()
                     if key != facet.key or key in every)]
        terms: dict = {"field": facet.field,
                       "size": ALL_VALUES if facet.limit is None or facet.key in listed
                       else facet.limit,
                       "order": [{"_count": "desc"}, {"_key": "asc"}] if facet.order == "count"
                       else [{"_key": "desc"}]}
        if outer:
            terms["include"] = _REGEX_SYNTAX.sub(r"\\\1", outer[0]) + ".*"
        inner: dict = {"values": {"terms": terms}}
        if chosen.get(facet.key):
            inner["chosen"] = {"terms": {"field": facet.field, "include": chosen[facet.key],
                                         "size": len(chosen[facet.key]), "min_doc_count": 0}}
        if facet.origin == "date" and not facet.within and facet.date_part in INTERVALS:
            interval, shown = INTERVALS[facet.date_part]
            inner["chart"] = {"date_histogram": {"field": "date", "calendar_interval": interval,
                                                 "format": shown, "min_doc_count": 1}}
        aggs[facet.key] = {"filter": _all(filters), "aggs": inner}
    return aggs


def related(body: dict, ids: list[str], index: str = INDEX_NAME) -> dict:
    """What stands in for kirinuki's related articles: a ``more_like_this`` query over the
    titles and texts of ``ids`` (a search's first matches), within the search's filters
    (``body``'s post_filter) and without its matches (``body``'s query)."""
    like = {"more_like_this": {"fields": ["title", "body"],
                               "like": [{"_index": index, "_id": i} for i in ids],
                               "max_query_terms": FEEDBACK_TERMS, "min_term_freq": 1}}
    query: dict = {"must": [like], "must_not": [body["query"]]}
    if "post_filter" in body:
        query["filter"] = [body["post_filter"]]
    return {"query": {"bool": query}, "size": MAX_RELATED}

