"""Evaluate a compiled query over NumPy arrays: every match and its score at once.

The query module builds Whoosh query objects; Whoosh would walk them one document at a
time. Here each node becomes (documents, scores) arrays: a term reads its posting list
(``postings``) and scores it with BM25F in one vector expression, And/Or/Not are set
operations on sorted document arrays, a date range is a comparison on the date column.
Scores are Whoosh's own — the same formula, statistics and boosts, summed the way its
matchers sum them — so rankings stay those of ``searcher.search``; phrases are checked by
Whoosh's own phrase matcher, on the candidates only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from whoosh import query as wq

from ..index.codec.read import PostingReader
from ..index.columns import Columns

B, K1 = 0.75, 1.2  # Whoosh's BM25F defaults, which kirinuki has always used


@dataclass
class Matches:
    docs: np.ndarray  # int32, ascending, unique, live documents only
    scores: np.ndarray  # float64, one per document

    def __len__(self) -> int:
        return len(self.docs)


def _empty() -> Matches:
    return Matches(np.zeros(0, np.int32), np.zeros(0, np.float64))


class Evaluator:
    """Matches of a Whoosh query on one opened index (``searcher``: this request's)."""

    def __init__(self, searcher, columns: Columns, postings: PostingReader) -> None:
        self.searcher = searcher
        self.columns = columns
        self.postings = postings
        self.doc_count = columns.size
        # Every query answered, by value: a request asks the same parts again and again (a
        # もしかして replaces one word of many, and each proposal is the same query but for
        # it). One request's, so one thread's; nothing is changed in a Matches once made.
        self._answered: dict[int, Matches] = {}
        # a query's value as a small number (``_key``): Whoosh hashes a compound query by
        # walking it, in Python, each time it is asked, which made the look-ups above cost
        # more than many of the answers
        self._keys: dict[int, tuple[wq.Query, int]] = {}
        self._numbers: dict[tuple, int] = {}
        self._all_live = columns.none_deleted()

    def run(self, q: wq.Query) -> Matches:
        key = self._key(q)
        found = self._answered.get(key)
        if found is None:
            found = self._answered[key] = self._run(q)
        return found

    def _key(self, q: wq.Query) -> int:
        """A number for ``q``'s value: the same for two queries this evaluator answers
        alike (the parts ``_run`` reads: type, field, words, dates, boost, children).
        Remembered by object (kept alive beside it, so its id is not reused)."""
        known = self._keys.get(id(q))
        if known is not None and known[0] is q:
            return known[1]
        if isinstance(q, (wq.And, wq.Or)):
            value = (type(q), q.boost, *[self._key(s) for s in q.subqueries])
        elif isinstance(q, wq.DisjunctionMax):
            value = (type(q), q.boost, q.tiebreak, *[self._key(s) for s in q.subqueries])
        elif isinstance(q, wq.AndMaybe):
            value = (type(q), q.boost, self._key(q.a), self._key(q.b))
        elif isinstance(q, wq.Not):
            value = (type(q), q.boost, self._key(q.query))
        elif isinstance(q, wq.Term):
            value = (type(q), q.fieldname, q.text, q.boost)
        elif isinstance(q, wq.Phrase):
            value = (type(q), q.fieldname, tuple(q.words), q.boost)
        elif isinstance(q, wq.DateRange):
            value = (type(q), q.startdate, q.enddate, q.boost)
        else:  # Every, NullQuery, and what has no evaluation (``_run`` says so)
            value = (type(q), getattr(q, "boost", 1.0))
        number = self._numbers.setdefault(value, len(self._numbers))
        self._keys[id(q)] = (q, number)
        return number

    def _run(self, q: wq.Query) -> Matches:
        if isinstance(q, wq.Term):
            return self._term(q.fieldname, q.text, q.boost)
        if isinstance(q, wq.And):
            return self._and(q)
        if isinstance(q, wq.Or):
            return self._or(q)
        if isinstance(q, wq.DisjunctionMax) and not q.tiebreak:
            return self._max(q)
        if isinstance(q, wq.AndMaybe):
            return self._and_maybe(q)
        if isinstance(q, wq.Not):
            inner = self.run(q.query)
            keep = self.columns.live.copy()
            keep[inner.docs] = False
            docs = np.flatnonzero(keep).astype(np.int32)
            return Matches(docs, np.ones(len(docs)))
        if isinstance(q, wq.Phrase):
            return self._phrase(q)
        if isinstance(q, wq.DateRange):
            return self._dates(q)
        if isinstance(q, wq.Every):
            docs = self.columns.live_docs()
            return Matches(docs, np.full(len(docs), float(q.boost)))
        if q is wq.NullQuery or isinstance(q, wq.NullQuery.__class__):
            return _empty()
        raise TypeError(f"no evaluation for {type(q).__name__}")

    # -- leaves
    def _term(self, fieldname: str, text: str, boost: float) -> Matches:
        docs, weights, df = self._live_postings(fieldname, text)
        return Matches(docs, self._scores(fieldname, docs, weights, df) * boost)

    def _live_postings(self, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray, int]:
        """A term's live documents, its weight in each, and its document frequency
        (Whoosh counts deleted documents in both statistics)."""
        p = self.postings.postings(self.searcher, fieldname, text)
        if self._all_live:
            return p.docs, p.weights, len(p.docs)
        live = self.columns.live[p.docs]
        return p.docs[live], p.weights[live], len(p.docs)

    def _scores(self, fieldname: str, docs: np.ndarray, weights: np.ndarray,
                df: int) -> np.ndarray:
        """BM25F of a term in ``docs``, where it weighs ``weights``."""
        weights = weights.astype(np.float64)
        norm = self.columns.norm(fieldname, B, K1)
        if norm is None:  # not scorable (facet fields): the weight is the score
            return weights
        idf = np.log(self.doc_count / (df + 1)) + 1
        return idf * ((weights * (K1 + 1)) / (weights + norm[docs]))

    def _phrase(self, q: wq.Phrase) -> Matches:
        """The documents holding the words in a row, each scored as the sum of its words'
        scores (as Whoosh's phrase): scored only once found, since a phrase with a
        frequent word (米 of 米空軍) is in a few of the documents that word is in."""
        if len(q.words) == 1:
            return self._term(q.fieldname, q.words[0], q.boost)
        for w in q.words:  # positions first: one decoding gives the postings too
            self.postings.positions(self.searcher, q.fieldname, w)
        # the shortest list first, as _intersect sums them (the same sums, bit for bit)
        lists = sorted((self._live_postings(q.fieldname, w) for w in q.words),
                       key=lambda listed: len(listed[0]))
        together = lists[0][0]
        for docs, _, _ in lists[1:]:
            together = together[self._held_in(together, docs)]
            if not len(together):
                return _empty()
        found = self._phrase_docs(q, together)
        scores = None
        for docs, weights, df in lists:
            at = np.searchsorted(docs, found)
            word = self._scores(q.fieldname, found, weights[at], df)
            scores = word if scores is None else scores + word
        return Matches(found.astype(np.int32), scores * q.boost)

    def _phrase_docs(self, q: wq.Phrase, candidates: np.ndarray) -> np.ndarray:
        """The candidates in which the words stand at consecutive positions.

        Whoosh's phrase (SpanNear2, slop 1, in order): word i+1 at word i's position + 1;
        sub-words share their compound's position, so they never follow it.
        """
        keys = None
        # many: each occurrence's document looked up in a place per document, where two
        # binary searches a candidate cost five times as much at a million records
        marked = _marked(candidates, self.doc_count) \
            if _many(len(candidates), self.doc_count) else None
        for i, word in enumerate(q.words):
            occ = self.postings.positions(self.searcher, q.fieldname, word)
            inside = _occurrences_in(occ.docs, candidates) if marked is None \
                else np.flatnonzero(marked[occ.docs])
            # one number per occurrence: document, then the position the phrase starts at
            # (ascending as the occurrences are: by document, then position)
            word_keys = _unique_sorted((occ.docs[inside].astype(np.int64) << 32)
                                       + occ.weights[inside].astype(np.int64) - i)
            keys = word_keys if keys is None else _common(keys, word_keys)
            if not len(keys):
                break
        return _unique_sorted((keys >> 32).astype(np.int32))

    def _held_in(self, docs: np.ndarray, other: np.ndarray) -> np.ndarray:
        """A mask of ``docs`` found in ``other`` (both ascending): in a place per document
        when they are many (``_many``), else by binary search."""
        if not _many(len(docs), self.doc_count):
            return _within(docs, other)
        return _marked(other, self.doc_count)[docs]

    def _dates(self, q: wq.DateRange) -> Matches:
        ok = self.columns.dated(q.startdate, q.enddate) & self.columns.live
        docs = np.flatnonzero(ok).astype(np.int32)
        return Matches(docs, np.full(len(docs), float(q.boost)))

    # -- compounds (Whoosh sums the scores of the parts that match, then boosts)
    def _and(self, q: wq.And) -> Matches:
        if not q.subqueries:
            return _empty()
        found = _intersect([self.run(s) for s in q.subqueries], self.doc_count)
        return _boosted(found, q.boost)

    def _and_maybe(self, q: wq.AndMaybe) -> Matches:
        """The documents of ``q.a``; those also in ``q.b`` add its score (Whoosh's
        AndMaybeMatcher)."""
        required, optional = self.run(q.a), self.run(q.b)
        scores = required.scores.copy()
        if _many(len(required) + len(optional), self.doc_count):
            # each optional score at its document's place, read at the required ones (a
            # place's name ranking a country's facet at a million records: 9 ms of
            # intersect1d's sorting, per search, to 2)
            scores += _placed(optional, self.doc_count)[required.docs]
        else:
            hit = _within(required.docs, optional.docs)
            scores[hit] += optional.scores[np.searchsorted(optional.docs, required.docs[hit])]
        return _boosted(Matches(required.docs, scores), q.boost)

    def _or(self, q: wq.Or) -> Matches:
        if not q.subqueries:
            return _empty()
        parts = [self.run(s) for s in q.subqueries]
        if _dense(parts, self.doc_count):
            return _boosted(_union_dense(parts, self.doc_count), q.boost)
        return _boosted(_union(parts), q.boost)

    def _max(self, q: wq.DisjunctionMax) -> Matches:
        """The documents of any part, each scored by its best part (Whoosh's
        DisjunctionMaxMatcher without a tiebreak): what many spellings of one thing match
        counts once."""
        parts = [self.run(s) for s in q.subqueries]
        if not parts:
            return _empty()
        if _dense(parts, self.doc_count):
            return _boosted(_best_dense(parts, self.doc_count), q.boost)
        docs = _unique_sorted(np.sort(np.concatenate([p.docs for p in parts]))).astype(np.int32)
        best = np.zeros(len(docs))
        for part in parts:  # a part's documents are unique: each place is set once a part
            at = np.searchsorted(docs, part.docs)
            best[at] = np.maximum(best[at], part.scores)
        return _boosted(Matches(docs, best), q.boost)


# Parts holding, together, more than one document in this many of the index's are joined in
# arrays as long as the index (a place per document) rather than by sorting their documents:
# at a million records the two cost the same near 30,000 documents, and the arrays five
# times less at 600,000 (a category word and its kinds: 19.4 against 4.0 ms).
DENSE_SHARE = 32


def _many(count: int, doc_count: int) -> bool:
    """Whether ``count`` documents are many enough to be placed in arrays as long as the
    index (``DENSE_SHARE``)."""
    return DENSE_SHARE * count > doc_count


def _dense(parts: list[Matches], doc_count: int) -> bool:
    return len(parts) > 1 and _many(sum(len(p) for p in parts), doc_count)


def _union_dense(parts: list[Matches], doc_count: int) -> Matches:
    """``_union`` in arrays as long as the index: each document's scores added in the
    parts' order, as Whoosh sums them (the same sums, bit for bit)."""
    present = np.zeros(doc_count, dtype=bool)
    sums = np.zeros(doc_count)
    for part in parts:  # a part's documents are unique: each place is added to once
        present[part.docs] = True
        sums[part.docs] += part.scores
    docs = np.flatnonzero(present).astype(np.int32)
    return Matches(docs, sums[docs])


def _best_dense(parts: list[Matches], doc_count: int) -> Matches:
    """The best-of (``Evaluator._max``) in arrays as long as the index: each document's
    best part."""
    present = np.zeros(doc_count, dtype=bool)
    best = np.zeros(doc_count)
    for part in parts:  # a part's documents are unique: each place is set once a part
        present[part.docs] = True
        best[part.docs] = np.maximum(best[part.docs], part.scores)
    docs = np.flatnonzero(present).astype(np.int32)
    return Matches(docs, best[docs])


def _marked(docs: np.ndarray, doc_count: int) -> np.ndarray:
    """A place per document of the index, True at ``docs``: what many documents are looked
    up in (``_many``)."""
    marks = np.zeros(doc_count, dtype=bool)
    marks[docs] = True
    return marks


def _placed(m: Matches, doc_count: int) -> np.ndarray:
    """A place per document of the index, ``m``'s score at its documents and 0 elsewhere:
    what many documents' scores are read from (``_many``)."""
    scores = np.zeros(doc_count)
    scores[m.docs] = m.scores
    return scores


def _boosted(m: Matches, boost: float) -> Matches:
    return m if boost == 1.0 else Matches(m.docs, m.scores * boost)


def _intersect(parts: list[Matches], doc_count: int | None = None) -> Matches:
    """The documents in every part, their scores summed (the shortest part first).
    ``doc_count``: the index's, when many documents may be looked up in arrays with a place
    per document (``DENSE_SHARE``)."""
    parts = sorted(parts, key=len)
    docs, scores = parts[0].docs, parts[0].scores
    for other in parts[1:]:
        if not len(docs) or not len(other.docs):
            docs, scores = docs[:0], scores[:0]
            break
        if doc_count is not None and _many(len(docs), doc_count):
            # many: the other's documents and scores set in place, each of these read
            both = _marked(other.docs, doc_count)[docs]
            docs = docs[both]
            scores = scores[both] + _placed(other, doc_count)[docs]
            continue
        # each of the fewer documents looked up in the other's (both ascending, unique):
        # a binary search each, where intersect1d sorts both together
        at = np.minimum(np.searchsorted(other.docs, docs), len(other.docs) - 1)
        both = other.docs[at] == docs
        docs, scores = docs[both], scores[both] + other.scores[at[both]]
    return Matches(docs.astype(np.int32), scores)


def _union(parts: list[Matches]) -> Matches:
    parts = [p for p in parts if len(p)]
    if not parts:
        return _empty()
    if len(parts) == 1:
        return parts[0]
    alldocs = np.concatenate([p.docs for p in parts])
    allscores = np.concatenate([p.scores for p in parts])
    docs, where = np.unique(alldocs, return_inverse=True)
    scores = np.zeros(len(docs))
    np.add.at(scores, where, allscores)  # in the parts' order, as Whoosh sums them
    return Matches(docs.astype(np.int32), scores)


def _within(values: np.ndarray, ascending: np.ndarray) -> np.ndarray:
    """A mask of the ``values`` found in ``ascending`` (sorted): a binary search each,
    where ``np.isin`` sorts both arrays again."""
    if not len(ascending):
        return np.zeros(len(values), dtype=bool)
    at = np.minimum(np.searchsorted(ascending, values), len(ascending) - 1)
    return ascending[at] == values


def _common(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The values in both ``a`` and ``b`` (each ascending, unique), ascending: by binary
    searches of the fewer in the other when they are far fewer, else by one merge (a stable
    sort of the two runs side by side is a merge) — at a million records 568,000 keys met
    237,000 in 5 ms merged against 11 by binary search."""
    few, more = (a, b) if len(a) <= len(b) else (b, a)
    if len(few) * max(1, int(len(more)).bit_length()) < len(few) + len(more):
        return few[_within(few, more)]
    both = np.concatenate((a, b))
    both.sort(kind="stable")
    return both[:-1][both[1:] == both[:-1]]


def _occurrences_in(docs: np.ndarray, candidates: np.ndarray) -> np.ndarray:
    """Where in ``docs`` (ascending, a document once per occurrence) the ``candidates``
    (ascending, each once) stand: two binary searches a candidate, then the ranges they
    bound, so that a frequent word's millions of occurrences are not each looked up."""
    lo = np.searchsorted(docs, candidates, side="left")
    hi = np.searchsorted(docs, candidates, side="right")
    counts = hi - lo
    total = int(counts.sum())
    return np.repeat(lo - (np.cumsum(counts) - counts), counts) + np.arange(total)


def _unique_sorted(values: np.ndarray) -> np.ndarray:
    """``np.unique(values)``, in one pass when they already ascend (as a posting list's
    occurrences do); sorted first when they do not."""
    if len(values) > 1 and not (values[1:] >= values[:-1]).all():
        return np.unique(values)
    if len(values) < 2:
        return values.copy()
    return values[np.concatenate(([True], values[1:] != values[:-1]))]
