"""The search state that lives in the URL, and the links that change one part of it.

Every view of the search page is a link: the query, the facet selections, the date range,
the sort and the page are query parameters, so a researcher can bookmark or share exactly
what they see. This module reads those parameters (strictly: a bad value is a message for
the user, not a 500) and writes the URLs for facet toggles, chips, sorting and pagination.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

from search.engine import MAX_PAGE_SIZE, SearchError, SearchRequest
from search.facets import BY_PARAM, FACETS

SORT_LABELS = {"relevance": "関連度順", "newest": "新しい順", "oldest": "古い順"}
ALL_PARAM = "all_of"  # all_of=country: every ticked country, not any (facets declared so)
BY_KEY_PARAM = {f.key: f.param for f in FACETS}
MAX_VALUES_PER_FACET = 50
MAX_PARAM_CHARS = 200
MAX_PAGE_DIGITS = 7


@dataclass(frozen=True)
class SearchState:
    """What the URL asks for, before the engine sees it."""

    q: str = ""
    selected: dict[str, tuple[str, ...]] = field(default_factory=dict)  # facet key → values
    date_from: str = ""
    date_to: str = ""
    sort: str = ""  # "" = the engine's default (relevance with a query, newest without)
    page: int = 1
    exact: bool = False  # search the words as typed, without correcting a misspelling
    # facet keys whose ticked values must all be held (all_of=country: 日米豪), not any of them
    match_all: tuple[str, ...] = ()
    page_size: int = 0  # results per page; 0: the server's (PAGE_SIZE, 20)
    # the related articles after the last match asked for (related=1: the page's link)
    related: bool = False

    # -- reading
    @classmethod
    def from_args(cls, args) -> SearchState:
        """Parse request.args (a MultiDict); raise SearchError with a message on nonsense."""
        q = _one(args, "q")
        selected: dict[str, tuple[str, ...]] = {}
        for facet in FACETS:
            values: list[str] = []
            for raw in args.getlist(facet.param):
                value = _clean(raw, facet.param)
                # as the facet names it (country=Philippines is フィリピン, ticked in its list)
                value = (facet.call("resolve", value) if value and facet.resolve else None) \
                    or value
                if value and value not in values:
                    values.append(value)
            if len(values) > MAX_VALUES_PER_FACET:
                raise SearchError(f"{facet.label}の指定が多すぎます。"
                                  f"{MAX_VALUES_PER_FACET}個以内にしてください")
            if values:
                selected[facet.key] = tuple(values)
        sort = _clean(_one(args, "sort"), "sort")
        match_all: list[str] = []
        for raw in args.getlist(ALL_PARAM):
            facet = BY_PARAM.get(_clean(raw, ALL_PARAM))
            if facet is None or not facet.conjunctive:
                names = "・".join(f.param for f in FACETS if f.conjunctive)
                raise SearchError(f"{ALL_PARAM}=「{_shorten(raw)}」は使えません。"
                                  f"{ALL_PARAM}= には {names} を指定してください"
                                  "(選んだ値をすべて含む記事に絞ります)")
            if facet.key not in match_all:
                match_all.append(facet.key)
        return cls(q=q, selected=selected, date_from=_clean(_one(args, "from"), "from"),
                   date_to=_clean(_one(args, "to"), "to"), sort=sort,
                   page=parse_page(_one(args, "page")), exact=_one(args, "exact") == "1",
                   match_all=tuple(f.key for f in FACETS if f.key in match_all),
                   page_size=parse_page_size(_one(args, "page_size")) or 0,
                   related=_one(args, "related") == "1")

    def request(self, page_size: int, *, page: int | None = None, sort: str | None = None,
                all_values: Sequence[str] = (), related: bool | None = None) -> SearchRequest:
        """The engine's request for this state (page and sort may be overridden; exports
        and counts ask for no related articles, whatever the state asks)."""
        chosen = {key: list(values) for key, values in self.selected.items()}
        return SearchRequest(
            q=self.q, selected=chosen, date_from=self.date_from or None,
            date_to=self.date_to or None, sort=sort or self.sort or None,
            page=self.page if page is None else page, page_size=page_size,
            all_values=list(all_values), correct=not self.exact,
            related=self.related if related is None else related,
            match_all=list(self.match_all))

    # -- writing
    def params(self) -> list[tuple[str, str]]:
        """The state as query parameters, in a stable order, defaults left out."""
        out: list[tuple[str, str]] = []
        if self.q:
            out.append(("q", self.q))
        for facet in FACETS:
            out.extend((facet.param, v) for v in self.selected.get(facet.key, ()))
        out.extend((ALL_PARAM, BY_KEY_PARAM[key]) for key in self.match_all)
        if self.date_from:
            out.append(("from", self.date_from))
        if self.date_to:
            out.append(("to", self.date_to))
        if self.sort:
            out.append(("sort", self.sort))
        if self.page_size:
            out.append(("page_size", str(self.page_size)))
        if self.page != 1:
            out.append(("page", str(self.page)))
        if self.exact:
            out.append(("exact", "1"))
        if self.related:
            out.append(("related", "1"))
        return out

    def query_string(self) -> str:
        return urlencode(self.params())

    def href(self, path: str = "/") -> str:
        qs = self.query_string()
        return f"{path}?{qs}" if qs else path

    @property
    def has_filters(self) -> bool:
        return bool(self.selected or self.date_from or self.date_to)

    def is_selected(self, facet: str, value: str) -> bool:
        return value in self.selected.get(facet, ())

    def toggled(self, facet: str, value: str) -> SearchState:
        """The state with ``value`` of ``facet`` ticked or unticked, back on page 1."""
        values = list(self.selected.get(facet, ()))
        if value in values:
            values.remove(value)
        else:
            values.append(value)
        return self._with_facet(facet, values)

    def only(self, facet: str, value: str) -> SearchState:
        """The state with ``facet`` narrowed to this one value (a year bar, a country label)."""
        return self._with_facet(facet, [value])

    def without(self, facet: str, value: str | None = None) -> SearchState:
        """The state without one value of a facet, or the whole facet (a chip's ×)."""
        if facet == "from":
            return replace(self, date_from="", page=1)
        if facet == "to":
            return replace(self, date_to="", page=1)
        values = [v for v in self.selected.get(facet, ()) if value is not None and v != value]
        return self._with_facet(facet, values)

    def cleared(self) -> SearchState:
        """The query alone: every filter removed ("すべて解除")."""
        return SearchState(q=self.q, sort=self.sort, page_size=self.page_size)

    def cleared_query(self) -> SearchState:
        """The filters alone, without the words, the order or the page."""
        return replace(self, q="", sort="", page=1, page_size=0, exact=False, related=False)

    def all_of(self, facet: str, every: bool) -> SearchState:
        """The state with ``facet``'s ticked values all required (or any), back on page 1."""
        keys = [k for k in self.match_all if k != facet] + ([facet] if every else [])
        return replace(self, match_all=tuple(f.key for f in FACETS if f.key in keys), page=1)

    def requires_all(self, facet: str) -> bool:
        """Whether every ticked value of ``facet`` is required, and there are two to join."""
        return facet in self.match_all and len(self.selected.get(facet, ())) > 1

    def with_page(self, page: int) -> SearchState:
        return replace(self, page=page)

    def as_typed(self) -> SearchState:
        """The same search without correcting a misspelt word (「…」で検索する)."""
        return replace(self, exact=True, page=1)

    def with_query(self, q: str) -> SearchState:
        """Another query with the same filters (a new query is corrected again if need be)."""
        return replace(self, q=q, page=1, exact=False, related=False)

    def with_related(self) -> SearchState:
        """The same page with the related articles after its last match (「話題の近い記事も
        探す」)."""
        return replace(self, related=True)

    def _with_facet(self, facet: str, values: list[str]) -> SearchState:
        selected = dict(self.selected)
        if values:
            selected[facet] = tuple(values)
        else:
            selected.pop(facet, None)
        for inner in FACETS:  # months are offered within one year only
            if inner.within == facet and len(values) != 1:
                selected.pop(inner.key, None)
        return replace(self, selected=selected, page=1)

    def chips(self) -> list[Chip]:
        """The active filters, each with the link that removes it."""
        chips = []
        for facet in FACETS:
            # 国・地域(すべて): the articles name every one of them
            label = facet.label + ("(すべて)" if self.requires_all(facet.key) else "")
            for value in self.selected.get(facet.key, ()):
                chips.append(Chip(label, value, self.without(facet.key, value).href()))
        if self.date_from and self.date_to:  # one chip for a period: 期間 2019〜2024
            both = replace(self, date_from="", date_to="", page=1)
            shown = self.date_from if self.date_from == self.date_to \
                else f"{self.date_from}〜{self.date_to}"
            chips.append(Chip("期間", shown, both.href()))
        elif self.date_from:
            chips.append(Chip("開始日", self.date_from, self.without("from").href()))
        elif self.date_to:
            chips.append(Chip("終了日", self.date_to, self.without("to").href()))
        return chips


@dataclass(frozen=True)
class Chip:
    label: str
    value: str
    remove_href: str


def parse_page(raw: str) -> int:
    """A page number from the URL: a positive integer of sensible size, or a SearchError."""
    raw = (raw or "").strip()
    if not raw:
        return 1
    if not raw.isascii() or not raw.isdigit():
        raise SearchError(f"ページ番号「{_shorten(raw)}」は数字ではありません。"
                          "1 以上の整数を指定してください")
    if len(raw) > MAX_PAGE_DIGITS:
        raise SearchError("ページ番号が大きすぎます。結果の範囲内のページを指定してください")
    page = int(raw)
    if page < 1:
        raise SearchError("ページ番号は 1 以上を指定してください")
    return page


def parse_page_size(raw: str) -> int | None:
    """The ``page_size`` parameter: None when absent, else 1–MAX_PAGE_SIZE or a SearchError.

    Its own messages: a user who wrote page_size=abc is told about the page size, not the
    page number.
    """
    raw = (raw or "").strip()
    if not raw:
        return None
    if not raw.isascii() or not raw.isdigit():
        raise SearchError(f"1ページの件数「{_shorten(raw)}」は数字ではありません。"
                          f"1〜{MAX_PAGE_SIZE} の整数を指定してください")
    if len(raw) > MAX_PAGE_DIGITS or not 1 <= int(raw) <= MAX_PAGE_SIZE:
        raise SearchError(f"1ページの件数は 1〜{MAX_PAGE_SIZE} にしてください")
    return int(raw)


def page_window(page: int, pages: int, width: int = 2) -> list[int | None]:
    """Page numbers to show around the current one; None where the gap is (…)."""
    shown = {1, pages} | set(range(max(1, page - width), min(pages, page + width) + 1))
    out: list[int | None] = []
    last = 0
    for n in sorted(shown):
        if n - last > 1:
            out.append(None)
        out.append(n)
        last = n
    return out


def _one(args: Mapping, name: str) -> str:
    value = args.get(name, "")
    return value if isinstance(value, str) else ""


def _clean(raw: str, param: str) -> str:
    value = (raw or "").strip()
    if len(value) > MAX_PARAM_CHARS:
        raise SearchError(f"パラメータ「{param}」が長すぎます({len(value)}文字)。"
                          f"{MAX_PARAM_CHARS}文字以内にしてください")
    return value


def _shorten(text: str, limit: int = 20) -> str:
    return text if len(text) <= limit else text[:limit] + "…"
