"""Answering a search: the request, the matching, partial matches, related articles, the page.

The engine's public face: the front ends (``web/``, ``manage.py``) import from here.
"""

from ..errors import PageOutOfRange, SearchError
from .citations import STYLES, bibtex, citations, ris
from .opened import DAMAGE_CHECK_SECONDS
from .request import (
    MAX_PAGE_SIZE,
    MAX_QUERY_CHARS,
    SORTS,
    SearchRequest,
    check_length,
    query_length,
)
from .results import Hit, RecordView, SearchResult, check_page
from .searching import Engine, default_engine, search
from .trends import MAX_TERMS, Trends

__all__ = ["DAMAGE_CHECK_SECONDS", "Engine", "Hit", "MAX_PAGE_SIZE", "MAX_QUERY_CHARS",
           "PageOutOfRange", "RecordView", "SORTS", "STYLES", "SearchError", "SearchRequest",
           "SearchResult", "bibtex", "check_length", "check_page", "citations",
           "default_engine", "query_length", "ris", "search", "MAX_TERMS", "Trends"]
