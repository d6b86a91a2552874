"""Answering a search: the request, the matching, partial matches, related articles, the page.

The engine's public face: the front ends (``web/``, ``manage.py``) import from here.
"""

from .request import MAX_PAGE_SIZE, MAX_QUERY_CHARS, SORTS, SearchError, SearchRequest
from .results import Hit, PageOutOfRange, RecordView, SearchResult, check_page
from .searching import Engine, default_engine, search

__all__ = ["Engine", "Hit", "MAX_PAGE_SIZE", "MAX_QUERY_CHARS", "PageOutOfRange", "RecordView",
           "SORTS", "SearchError", "SearchRequest", "SearchResult", "check_page",
           "default_engine", "search"]
