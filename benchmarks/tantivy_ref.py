"""tantivy over kirinuki's own Sudachi tokens: the second yardstick of benchmarks/scale.py.

    python benchmarks/tantivy_ref.py build CORPUS DIR     # prints the build's timings as JSON

FTS5 (benchmarks/fts5.py) shows what a database's full-text index does with the same work;
tantivy (the ``tantivy`` package, Rust under a Python binding) shows what the fastest
engines reach. Both hold exactly the same terms: the build parses, annotates and analyses
the corpus with ``fts5.analyse`` (kirinuki's analyzer in its index mode: mode-C words plus
the mode-B/A parts of compounds), in one process, as ``fts5.py build`` does.

**Fields as FTS5's columns.** Each text field (title, body, notes, outlet) is two tantivy
fields, the words and the parts of compounds (``*_sub``), the terms space-joined and read
back by tantivy's ``whitespace`` tokenizer, which splits on ASCII whitespace only, keeps
every other character (kana, kanji, ``-``, ``Ｆ``) and neither lowercases nor drops long
tokens: a term is indexed exactly as kirinuki wrote it, so no spelling trick like FTS5's
``qx`` + hex is needed. tantivy could do better than two fields: a ``PreTokenizedString``
puts a compound's parts at the compound's position, as kirinuki's own index does (tried:
phrases work over it). It is not used, because then a phrase could run through a part
(防衛 協力 would match 防衛省協力) where FTS5's cannot, the field lengths BM25 sees would
include the parts, and the stored pre-tokenized text cannot feed the ``SnippetGenerator``
(it re-tokenizes the stored string with the field's tokenizer); with FTS5's layout the two
yardsticks answer every query of the mix with the same documents, which scale.py checks.
The parts fields keep frequencies without positions (phrases read only the words fields).

**A search** does what kirinuki's page asks, as ``fts5.Fts.search`` does:

- the match: every term of every word in any of the eight fields (a boolean query of
  Musts, each a disjunction of the term in the eight fields, boosted by kirinuki's weights:
  title 2, body 1, notes 0.5, outlet 0.3, words and parts alike), and a quoted phrase as a
  phrase query over the four words fields; the selections as Must clauses of term-set
  queries on raw fast fields, scored 0 so that they do not move the BM25 order;
- the total and the page of 20 in one ``Searcher.search`` (by score, or by the ``sortkey``
  fast field, ``YYYYMMDDHHMM``, for newest first and the empty query);
- counts of source, country and year, each with the *other* facets' selections: tantivy has
  no disjunctive facets, so each count is a terms aggregation (over the raw fast fields)
  of the match with the other facets' selections applied, one ``Searcher.aggregate`` per
  distinct set of other selections (facets whose other selections are the same, e.g. all
  three when nothing is selected, share one). That is what Elasticsearch's users do
  (post_filter plus filtered aggregations), done with tantivy's own collectors; tantivy's
  ``filter`` aggregation could put all three in one pass, but only with the selections
  spelled as query-parser strings (quoting every outlet and country), so it is not used.
  Every bucket is asked for and the top 30 chosen here by (count desc, value), FTS5's
  order, so the counts are exactly FTS5's; the match is evaluated once per aggregation
  (FTS5 keeps it in a temporary table);
- for each hit: the stored id, and a snippet of the body and the marked title from
  ``SnippetGenerator`` over the stored words fields. Like FTS5's ``snippet()``/
  ``highlight()`` they mark the stored token text, not the original; unlike FTS5 they mark
  each term of a phrase wherever it stands (tantivy's snippets know terms, not phrases),
  with ``<b>``, HTML-escaped. The empty query shows the stored summary's first 120
  characters, as FTS5's side does, and a hit without a term in its body's words the
  body's start, as FTS5's ``snippet()`` does.

Ties are ordered differently: FTS5 breaks score and date ties by date, time and id; tantivy
by score, then its own document order, and newest first to the minute.
"""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path
from typing import Any

import tantivy

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
for _path in (str(ROOT), str(BENCH)):
    if _path not in sys.path:
        sys.path.insert(0, _path)

import fts5  # noqa: E402
from fts5 import FACET_LIMIT, TEXT_COLUMNS, WEIGHTS, FtsQuery, FtsResult  # noqa: E402

FACETS = ("source", "country", "year")
SUB = "_sub"
# One indexing thread: the build's Python analysis is the bottleneck and keeps one core
# busy; a second indexing thread would only split the heap into more segments to merge.
WRITER_THREADS = 1
WRITER_HEAP = 128_000_000  # tantivy-py's default budget for the indexing buffers
# About FTS5's snippet of 24 tokens: the stored words average 2.3 characters plus a
# space on the synthetic corpus.
SNIPPET_CHARS = 80
TITLE_CHARS = 10_000  # the whole title, marked
SUMMARY_CHARS = 120
# Terms aggregations return the top ``size`` buckets; ask for every value so the counts
# and the order are exact (an outlet, country or year is one of a few hundred).
ALL_BUCKETS = 10_000


def schema() -> tantivy.Schema:
    """The fields: words and parts per text field, the facets as raw fast fields, the
    sort key, and what a result row shows (id, the summary for the empty query)."""
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("id", stored=True, tokenizer_name="raw", index_option="basic")
    for column in TEXT_COLUMNS:
        sb.add_text_field(column, stored=column in ("title", "body"),
                          tokenizer_name="whitespace", index_option="position")
        sb.add_text_field(column + SUB, tokenizer_name="whitespace", index_option="freq")
    for facet in FACETS:
        sb.add_text_field(facet, fast=True, tokenizer_name="raw", index_option="basic")
    sb.add_integer_field("sortkey", fast=True)
    sb.add_bytes_field("summary", stored=True)
    return sb.build()


def sortkey(date: str | None, clock: str | None) -> int:
    """``YYYYMMDDHHMM`` of a record's date (``YYYY-MM-DD``) and time (``HH:MM``), so that
    it orders as FTS5's ``date time`` sort key (0 for a record without a date)."""
    day = int((date or "0").replace("-", "") or 0)
    digits = "".join(c for c in (clock or "") if c.isdigit())[:4].ljust(4, "0")
    return day * 10_000 + int(digits)


def build(corpus: str | Path, folder: str | Path) -> dict:
    """Parse, annotate, analyse and index the corpus into a new tantivy index in ``folder``."""
    started = time.perf_counter()
    from search.corpus.loading import load_corpus
    from search.text.analysis import japanese_analyzer

    folder = Path(folder)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    records = load_corpus(corpus, annotate=False).records
    parsed = time.perf_counter()
    analyzer = japanese_analyzer()
    spellings = fts5.outlet_spellings()
    index = tantivy.Index(schema(), path=str(folder), reuse=False)
    writer = index.writer(heap_size=WRITER_HEAP, num_threads=WRITER_THREADS)
    analyse_s = 0.0
    for rec in records:
        t0 = time.perf_counter()
        split = fts5.analyse(rec, analyzer, spellings, spell=str)
        analyse_s += time.perf_counter() - t0
        fields: dict[str, Any] = {"id": rec.id, "source": rec.source,
                                  "country": rec.facets.get("country", []),
                                  "sortkey": sortkey(rec.date, rec.time),
                                  "summary": (rec.summary or "").encode("utf-8")}
        if rec.date:
            fields["year"] = rec.date[:4]
        for column, (words, parts) in zip(TEXT_COLUMNS, split, strict=True):
            if words:
                fields[column] = " ".join(words)
            if parts:
                fields[column + SUB] = " ".join(parts)
        writer.add_document(tantivy.Document(**fields))
    before_commit = time.perf_counter()
    writer.commit()
    writer.wait_merging_threads()  # the background merges are part of the build
    done = time.perf_counter()
    index.reload()
    return {"records": len(records), "seconds": done - started, "parse_s": parsed - started,
            "analyse_s": analyse_s, "commit_s": done - before_commit,
            "segments": index.searcher().num_segments,
            "bytes": sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())}


class Tantivy:
    """One searcher over an index ``build`` wrote; ``search`` does FTS5's side's work."""

    def __init__(self, folder: str | Path) -> None:
        self.index = tantivy.Index.open(str(folder))
        self.schema = self.index.schema
        self.searcher = self.index.searcher()

    def close(self) -> None:
        """Nothing to release: the searcher goes with the object (as FTS5's has a close)."""

    def _anywhere(self, term: str) -> tantivy.Query:
        """``term`` in any of the eight text fields, each boosted by its field's weight."""
        return _any([tantivy.Query.boost_query(
            tantivy.Query.term_query(self.schema, column + suffix, term), weight)
            for column, weight in zip(TEXT_COLUMNS, WEIGHTS, strict=True)
            for suffix in ("", SUB)])

    def _phrase(self, terms: list[str]) -> tantivy.Query:
        """The phrase in any of the four words fields (FTS5's ``{title body notes outlet}``)."""
        def one(column: str) -> tantivy.Query:
            if len(terms) == 1:  # tantivy's phrase query wants two terms or more
                return tantivy.Query.term_query(self.schema, column, terms[0])
            return tantivy.Query.phrase_query(self.schema, column, terms)
        return _any([tantivy.Query.boost_query(one(column), weight)
                     for column, weight in zip(TEXT_COLUMNS, WEIGHTS, strict=True)])

    def match(self, q: FtsQuery) -> tantivy.Query | None:
        """The text part of ``q``; None for the empty query (every document)."""
        musts = [self._anywhere(t) for tokens in q.words for t in tokens]
        if q.phrase:
            musts.append(self._phrase(q.phrase))
        if not musts:
            return None
        return musts[0] if len(musts) == 1 else _all(musts)

    def _filtered(self, match: tantivy.Query | None,
                  selections: list[tuple[str, list[str]]]) -> tantivy.Query:
        """``match`` (or every document) with each selection as a Must clause scored 0."""
        clauses = [tantivy.Query.const_score_query(
            tantivy.Query.term_set_query(self.schema, facet, values), 0.0)
            for facet, values in selections]
        if match is not None:
            clauses.insert(0, match)
        if not clauses:
            return tantivy.Query.all_query()
        return clauses[0] if len(clauses) == 1 else _all(clauses)

    def search(self, q: FtsQuery) -> FtsResult:
        match = self.match(q)
        chosen = {"source": q.sources, "country": q.countries, "year": q.years}
        selected = [(facet, chosen[facet]) for facet in FACETS if chosen[facet]]
        query = self._filtered(match, selected)
        newest = q.sort == "newest" or match is None
        found = self.searcher.search(
            query, limit=q.page_size, offset=(q.page - 1) * q.page_size, count=True,
            order_by_field="sortkey" if newest else None, order=tantivy.Order.Desc)
        facets = self._facets(match, selected)
        ids, snippets = [], []
        marks: dict[str, tantivy.SnippetGenerator] = {}
        if match is not None and found.hits:
            for column, chars in (("body", SNIPPET_CHARS), ("title", TITLE_CHARS)):
                marks[column] = tantivy.SnippetGenerator.create(self.searcher, match,
                                                                 self.schema, column)
                marks[column].set_max_num_chars(chars)
        for _, address in found.hits:
            doc = self.searcher.doc(address)
            ids.append(doc.get_first("id"))
            if match is None:
                snippets.append((doc.get_first("summary") or b"").decode("utf-8")
                                [:SUMMARY_CHARS])
                continue
            snippet = marks["body"].snippet_from_doc(doc).to_html()
            # no term in the body's words (a title's or a part's match): the body's start,
            # as FTS5's snippet() gives
            snippets.append(snippet or (doc.get_first("body") or "")[:SNIPPET_CHARS])
            marks["title"].snippet_from_doc(doc).to_html()  # made and dropped, as FTS5's
        return FtsResult(found.count or 0, ids, snippets, facets)

    def _facets(self, match: tantivy.Query | None,
                selected: list[tuple[str, list[str]]]) -> dict[str, list[tuple[str, int]]]:
        """Each facet's counts with the other facets' selections: one aggregation per
        distinct set of other selections."""
        groups: dict[tuple[str, ...], list[str]] = {}
        for facet in FACETS:
            others = tuple(f for f, _ in selected if f != facet)
            groups.setdefault(others, []).append(facet)
        facets: dict[str, list[tuple[str, int]]] = {}
        for others, names in groups.items():
            query = self._filtered(match, [(f, v) for f, v in selected if f in others])
            aggs = {name: {"terms": {"field": name, "size": ALL_BUCKETS,
                                     "segment_size": ALL_BUCKETS}} for name in names}
            answer = self.searcher.aggregate(query, aggs)
            for name in names:
                counts = sorted(((b["key"], b["doc_count"]) for b in answer[name]["buckets"]),
                                key=lambda kn: (-kn[1], kn[0]))
                facets[name] = counts if name == "year" else counts[:FACET_LIMIT]
        return {facet: facets[facet] for facet in FACETS}


def _any(queries: list[tantivy.Query]) -> tantivy.Query:
    return tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in queries])


def _all(queries: list[tantivy.Query]) -> tantivy.Query:
    return tantivy.Query.boolean_query([(tantivy.Occur.Must, q) for q in queries])


def main(argv: list[str] | None = None) -> int:
    return fts5.main(argv, build, __doc__)


if __name__ == "__main__":
    sys.exit(main())
