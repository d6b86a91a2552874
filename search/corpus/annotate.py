"""Annotating a record: every extracted facet's values found in its title and text.

Each facet whose values come from the text declares its extractor (``Facet.extract`` in
search/facets.py); this runs them all, in the declared order, into ``Record.facets``.
"""

from __future__ import annotations

from ..facets import extracted
from .records import Record


def annotate(rec: Record) -> None:
    """Fill ``rec.facets`` with each extracted facet's values, from the title and summary."""
    rec.facets = {facet.key: facet.call("extract", rec.title, rec.summary)
                  for facet in extracted()}
