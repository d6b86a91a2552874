"""Exact behaviour of search.corpus.annotate (written for mutation testing): every
extracted facet's values, from the title and the summary, replacing what was there."""

from __future__ import annotations

from search.corpus.annotate import annotate
from search.corpus.records import Record


def test_annotate_from_title_and_summary() -> None:
    """Both facets, from title and text, replacing what was there."""
    rec = Record("1", "clipping", "英首脳会談", "NATOとフランスが協議した。",
                 facets={"old": ["x"]})
    annotate(rec)
    assert rec.facets == {"country": ["英国", "フランス"], "organization": ["NATO"]}


def test_annotate_a_record_naming_nothing() -> None:
    """Every facet is present, empty."""
    rec = Record("1", "clipping", "会談", "")
    annotate(rec)
    assert rec.facets == {"country": [], "organization": []}
