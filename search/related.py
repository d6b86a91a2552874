"""Related articles: for a record page, more like that record (same countries and period
first); for a search, more like its first matches, after the matches.

A search's matches hold the words typed; an archive also holds articles on the same thing
in other words (防衛装備品協定 where the query says 防衛装備移転, 瀬取り for 密輸). Below the
last match the page lists a few of them, found as relevance feedback finds them: the key
terms of the first matches (Whoosh's Bo1 expander over their titles and texts) searched
as one OR query. They are not matches: they are not counted in the total or the facets,
and a search that matches nothing has none (a topic the archive does not hold still
finds nothing).
"""

from __future__ import annotations

import numpy as np
from whoosh import query as wq

from .matching import Evaluator
from .opened import OpenIndex
from .results import Hit, iso, make_hit
from .schema import split_commas, stored_record

# A search's related articles: from the key terms of its first matches
FEEDBACK_DOCS = 5  # the matches whose terms are read
FEEDBACK_TERMS = 10  # the key terms searched
MAX_RELATED = 10  # the articles listed after the last match


def feedback_query(searcher, docnums: list[int]) -> wq.Query | None:
    """The key terms of these documents' titles and texts, as one weighted OR over the
    texts (None when they have none): what the articles like them share."""
    text = "\n".join(f"{fields.get('title') or ''}\n{fields.get('body') or ''}"
                     for fields in (stored_record(searcher, d) for d in docnums))
    terms = searcher.key_terms_from_text("body", text, numterms=FEEDBACK_TERMS,
                                         normalize=False) if text.strip() else []
    if not terms:
        return None
    return wq.Or([wq.Term("body", word, boost=weight) for word, weight in terms])


def related_hits(ix: OpenIndex, searcher, docnum: int, limit: int = 5) -> list[Hit]:
    """Whoosh's more-like-this (key terms of the body), scored by the evaluator; articles
    naming the same countries, then of the same year, first."""
    record = stored_record(searcher, docnum)
    body = record.get("body") or ""
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
