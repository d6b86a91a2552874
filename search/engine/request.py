"""What a search asks for, and the limits that keep every request cheap.

The limits bound the work of one request, so no query a user may type ties up a server
thread: the length of the query, the number of words and phrases it may hold after synonyms
and abbreviations are expanded, the length of a phrase, the page size. Each refusal says
what to change.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from whoosh import query as wq

from ..errors import SearchError
from ..facets import BY_KEY, FACETS
from ..query.dates import parse_date_range
from ..query.syntax import LONE_SURROGATE, normalise

SORTS = ("relevance", "newest", "oldest")
MAX_PAGE_SIZE = 100
MAX_QUERY_CHARS = 1000
# Term and phrase look-ups one query may make once synonyms are expanded (a word searches
# four fields, and 米国 brings its whole synonym group): about 30 ordinary words.
MAX_QUERY_TERMS = 400
# Words in one phrase (a quoted phrase or a long compound): each is checked in order.
MAX_PHRASE_WORDS = 24


@dataclass
class SearchRequest:
    """One search: the words, each facet's chosen values, the dates, the order and the page."""

    q: str = ""
    # facet key → the values chosen (search.facets: source, country, organization …)
    selected: dict[str, list[str]] = field(default_factory=dict)
    date_from: str | None = None
    date_to: str | None = None
    sort: str | None = None  # None: relevance with a query, newest without
    page: int = 1
    page_size: int = 20
    # Facet keys whose every value is wanted, not only the facet's ``limit`` largest.
    all_values: list[str] = field(default_factory=list)
    # a query no article answers in full is searched as its first もしかして instead, when
    # that one is answered (the result says so); False searches the words as typed
    correct: bool = True
    # the related articles after the last match (search.related), only when asked: they hold
    # none of the words, and on the judged sets fewer than a third were on the topic (tests/
    # judged/README.md), so a search answers with its matches and offers them by a link
    related: bool = False
    # facet keys whose chosen values must all be held (日米豪: every ticked country), not
    # any of them; only facets declared conjunctive
    match_all: list[str] = field(default_factory=list)

    def selections(self) -> dict[str, list[str]]:
        """Every declared facet's key → the values chosen for it."""
        return {f.key: list(self.selected.get(f.key, ())) for f in FACETS}


def validate(req: SearchRequest) -> None:
    # A lone surrogate is what Python keeps of bytes that were not UTF-8 (a terminal in
    # another encoding): it cannot be searched, shown or written out, so it is retyped.
    if LONE_SURROGATE.search(req.q or ""):
        raise SearchError("検索語に文字として読めないバイト列があります(UTF-8 以外の文字コード)。"
                          "UTF-8 で入力し直してください")
    check_length(req.q or "")
    if req.sort is not None and req.sort not in SORTS:
        raise SearchError(f"並べ替え「{req.sort}」は使えません。relevance・newest・oldest の"
                          "いずれかを指定してください")
    if req.page < 1:
        raise SearchError("ページ番号は 1 以上を指定してください")
    if not 1 <= req.page_size <= MAX_PAGE_SIZE:
        raise SearchError(f"1ページの件数は 1〜{MAX_PAGE_SIZE} にしてください")
    for key in [*req.all_values, *req.selected, *req.match_all]:
        if key not in BY_KEY:
            raise SearchError(f"絞り込み項目「{key}」はありません。"
                              f"{'・'.join(BY_KEY)} のいずれかを指定してください")
    for key in req.match_all:
        if not BY_KEY[key].conjunctive:
            names = "、".join(f"{f.label}({f.key})" for f in FACETS if f.conjunctive)
            raise SearchError(f"「すべてを含む」は{BY_KEY[key].label}には使えません。"
                              f"{names}で指定してください")


def query_length(q: str) -> int:
    """The characters a query searches: as typed, or NFKC-folded if that is longer (ﷺ is
    one character typed and 18 folded), so the limit holds for what is searched."""
    return max(len(q), len(normalise(q)))


def check_length(q: str) -> None:
    """Refuse a query over ``MAX_QUERY_CHARS`` characters, typed or folded."""
    if (length := query_length(q)) > MAX_QUERY_CHARS:
        raise SearchError(f"検索語が長すぎます({length}文字)。{MAX_QUERY_CHARS}文字以内に"
                          "してください")


def _nodes(q: wq.Query) -> Iterator[wq.Query]:
    """Every node of a compiled query, the excluded parts' included."""
    stack = [q]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(getattr(node, "subqueries", ()))
        if isinstance(node, wq.Not):
            stack.append(node.query)


def _terms_of(node: wq.Query) -> int:
    """The terms one node looks up itself: a phrase its words, a term one."""
    if isinstance(node, wq.Phrase):
        return len(node.words)
    return 1 if isinstance(node, wq.Term) else 0


def query_terms(q: wq.Query) -> int:
    """How many terms a compiled query looks up (a phrase's words each), at most one more
    than ``MAX_QUERY_TERMS``: counting stops there."""
    terms = 0
    for node in _nodes(q):
        terms += _terms_of(node)
        if terms > MAX_QUERY_TERMS:
            break
    return terms


def check_cost(q: wq.Query) -> None:
    """Refuse a compiled query whose evaluation would not stay cheap: a phrase too long,
    or too many terms (``query_terms``), whichever the walk meets first."""
    terms = 0
    for node in _nodes(q):
        if isinstance(node, wq.Phrase) and len(node.words) > MAX_PHRASE_WORDS:
            raise SearchError(f"フレーズが長すぎます({len(node.words)}語)。"
                              f"{MAX_PHRASE_WORDS}語以内に分けてください")
        terms += _terms_of(node)
        if terms > MAX_QUERY_TERMS:
            raise SearchError("検索語が多すぎます。語の数を減らすか、OR でつないだ語を"
                              "分けて検索してください")


def date_bounds(date_from: str | None, date_to: str | None
                ) -> tuple[datetime | None, datetime | None] | None:
    """The request's from/to dates as the first moment of the one and the last of the other
    (None: neither given); refused when unreadable or out of order. The engine's date mask
    and the OpenSearch translation's range read them here, alike."""
    if not date_from and not date_to:
        return None
    start = day_bound(date_from, "開始日", "2024-06-01", first=True)
    end = day_bound(date_to, "終了日", "2024-06-30", first=False)
    if start and end and start > end:
        raise SearchError("開始日が終了日より後になっています。日付を入れ替えてください")
    return start, end


def day_bound(value: str | None, name: str, example: str, first: bool) -> datetime | None:
    """The first (or last) moment of a from/to date given as 2024, 2024-06, 2024-06-01, in
    an era (令和6年, R6.6.1) or as a fiscal year (2024年度)."""
    if not value:
        return None
    bounds = parse_date_range(value) if ".." not in value else None
    if bounds is None:
        raise SearchError(f"{name}「{value}」を読めません。{example}、令和6年6月、R6.6.1、"
                          "2024年度 のように指定してください(和暦の日付はその元号の期間内で)")
    return bounds[0] if first else bounds[1]
