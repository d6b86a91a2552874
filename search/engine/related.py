"""Related articles: for a record page, more like that record (same countries and period
first); for a search, more like its first matches, after the matches.

A search's matches hold the words typed; an archive also holds articles on the same thing
in other words (防衛装備品協定 where the query says 防衛装備移転, 瀬取り for 密輸). Below the
last match the page lists a few of them, found as relevance feedback finds them: the key
terms of the first matches (the Bo1 model over their titles and leads) searched as one
OR query. They are not matches: they are not counted in the total or the facets,
and a search that matches nothing has none (a topic the archive does not hold still
finds nothing).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping

import numpy as np
from whoosh import query as wq

from ..facets import FACETS
from ..index.schema import split_commas, stored_record
from ..text.analysis import analyze_terms
from ..text.marks import marked_words
from .matching import Evaluator, Matches
from .opened import OpenIndex
from .results import Hit, iso, make_hit

# A search's related articles: from the key terms of its first matches
FEEDBACK_DOCS = 5  # the matches whose words are read
LEAD_CHARS = 400  # of each one's text: a clipping's lead, a passage's opening paragraph
FEEDBACK_TERMS = 10  # the key terms searched
MAX_RELATED = 5  # the articles listed after the last match
# A record page's related articles: from the key terms of the record's first KEY_CHARS
# characters (a summary of 100,000 characters took 0.8 s to analyse whole; the bundled
# corpus's longest text is 3,275 characters)
KEY_CHARS = 4000
# Of the key terms, those an article must hold to be related when the query names no place:
# one shared word makes a trip to Africa "like" a trip to Central Asia.
MIN_SHARED_TERMS = 3
# What a related article must score on the key terms, as a share of the first matches'
# median: on the judged sets (first and development), those below 0.7 were relevant 1
# time in 17, those above 1 in 4.
MIN_CLOSENESS = 0.7


def feedback_query(searcher, docnums: list[int],
                   records: Mapping[str, int]) -> wq.Query | None:
    """The key terms of these documents' titles and leads, as one weighted OR over the
    texts (None when they have none): what the articles like them share.

    Terms are weighed by the Bo1 model (Whoosh's ``classify.Bo1Model``: frequent in these
    documents, rare in the archive), with a word's records (``records``: the opened index's
    word table, already in memory for the completer) standing for its collection frequency,
    which Whoosh would read from disk term by term (benchmarks/results/design-measurements.md).
    """
    weights: Counter[str] = Counter()
    for fields in (stored_record(searcher, d) for d in docnums):
        title, body = fields.get("title") or "", fields.get("body") or ""
        if fields.get("marks"):  # the words stored with the record: nothing analysed
            title_marks, body_marks = fields["marks"]
            weights.update(marked_words(title, title_marks, len(title)))
            weights.update(marked_words(body, body_marks, LEAD_CHARS))
        else:
            weights.update(analyze_terms(f"{title}\n{body[:LEAD_CHARS]}"))
    n = max(searcher.doc_count_all(), 1)
    scored = []
    for word, weight in weights.items():
        if records.get(word):
            f = records[word] / n
            scored.append((weight * math.log2((1 + f) / f) + math.log2(1 + f), word))
    scored.sort(key=lambda sw: (-sw[0], sw[1]))
    if not scored:
        return None
    return wq.Or([wq.Term("body", word, boost=score)
                  for score, word in scored[:FEEDBACK_TERMS]])


def on_topic(columns, named: list[tuple[str, str]]) -> np.ndarray:
    """A mask of the articles that name one of the places the query asks for (as the facets
    read them: 日比 and 比軍 are the Philippines), or every article if it names none."""
    if not named:
        return np.ones(columns.size, dtype=bool)
    keys = {f.field: f.key for f in FACETS}
    mask = np.zeros(columns.size, dtype=bool)
    for fieldname, value in named:
        mask |= columns.facets[keys[fieldname]].having([value])
    return mask


def close_to(found: Matches, first: list[int]) -> np.ndarray:
    """Per document of ``found`` (the feedback query's matches), whether it scores at least
    ``MIN_CLOSENESS`` of what the median of the ``first`` matches scores: about as like them
    as they are like each other."""
    scored = dict(zip(found.docs.tolist(), found.scores.tolist(), strict=True))
    own = float(np.median([scored.get(d, 0.0) for d in first])) if first else 0.0
    return found.scores >= MIN_CLOSENESS * own


def shares_terms(evaluator: Evaluator, q: wq.Or, docs: np.ndarray) -> np.ndarray:
    """Per document of ``docs``, whether it holds ``MIN_SHARED_TERMS`` of the key terms of
    the feedback query ``q`` (all of them, if it has fewer)."""
    held = np.zeros(evaluator.columns.size, dtype=np.int32)
    for term in q.subqueries:
        held[evaluator.run(term).docs] += 1
    return held[docs] >= min(MIN_SHARED_TERMS, len(q.subqueries))


def related_hits(ix: OpenIndex, searcher, docnum: int, limit: int = 5) -> list[Hit]:
    """Whoosh's more-like-this (key terms of the body), scored by the evaluator; articles
    naming the same countries, then of the same year, first."""
    record = stored_record(searcher, docnum)
    body = (record.get("body") or "")[:KEY_CHARS]
    terms = searcher.key_terms_from_text("body", body, numterms=12, normalize=False) \
        if body else []
    if not terms:
        return []
    q = wq.Or([wq.Term("body", word, boost=weight) for word, weight in terms])
    found = Evaluator(searcher, ix.columns, ix.postings).run(q)
    keep = found.docs != docnum
    docs, scores = found.docs[keep], found.scores[keep]
    top = np.lexsort((docs, -scores))[:limit * 4]
    countries = set(split_commas(record.get("countries")))
    year = iso(record.get("date"))
    ranked = []
    for n in top:
        fields = stored_record(searcher, int(docs[n]))
        shared = len(countries & set(split_commas(fields.get("countries"))))
        date = iso(fields.get("date"))
        same_period = bool(year and date and date[:4] == year[:4])
        score = round(float(scores[n]), 4)
        ranked.append((-(shared > 0), -same_period, -score, fields["id"], fields, score))
    ranked.sort(key=lambda r: r[:4])
    return [make_hit(fields, score, set(), width=80) for *_, fields, score in ranked[:limit]]
