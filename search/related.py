"""Related records for the record page: more like this one, same countries and period first."""

from __future__ import annotations

import numpy as np
from whoosh import query as wq

from .matching import Evaluator
from .opened import OpenIndex
from .results import Hit, iso, make_hit
from .schema import split_commas, stored_record


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
