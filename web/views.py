"""The pages: search, record, CSV export and Atom feed, and the HTML error pages.

Views translate between the URL and the engine and nothing more: every search decision
(parsing, facets, snippets, related articles) is the ``search`` package's.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode, urlsplit

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from werkzeug.exceptions import BadHost, HTTPException

from search.engine import (
    MAX_PAGE_SIZE,
    MAX_QUERY_CHARS,
    STYLES,
    Engine,
    PageOutOfRange,
    SearchError,
    SearchResult,
    bibtex,
    check_page,
    citations,
    query_length,
    ris,
)
from search.errors import IndexDamagedError, IndexMissingError, IndexOutdatedError
from search.facets import BY_KEY, FACETS, FacetValue

from .chart import year_chart
from .errors import ErrorAnswer, Refusal, error_answer, http_error_answer, is_api_path
from .feeds import atom_feed, csv_chunks
from .links import absolute_url, current_url, record_url
from .opensearch import CONTENT_TYPE as OPENSEARCH_TYPE
from .opensearch import description
from .urls import (
    MAX_PARAM_CHARS,
    SORT_LABELS,
    SearchState,
    page_window,
)

bp = Blueprint("pages", __name__)
BAD_HOST = Refusal("リクエストを読めません",
                   "Host ヘッダー(サーバーの名前)に読めない部分があります。"
                   "サーバーのアドレスを確かめて開き直してください。")
log = logging.getLogger(__name__)
FILTER_FROM = 16  # values from which a facet's list gets a box to narrow it by typing
MAX_PICKED = MAX_PAGE_SIZE  # articles ticked for one RIS export (a page holds at most this many)
PICKED_PARAM = "picked"  # sent by the form of ticked articles, so that none ticked is an error


def _engine() -> Engine:
    return current_app.extensions["kirinuki.engine"]


def run_search(state: SearchState, **overrides) -> SearchResult:
    """Search for ``state``; a page past the last one is the user's error, not an empty page.

    Every value of every facet is asked for: the sidebar lists the first ones and keeps the
    rest behind a disclosure, so a rare country can be ticked without typing a URL.
    """
    every = [f.key for f in FACETS]
    return check_page(_engine().search(state.request(page_size(state), all_values=every,
                                                     **overrides)))


PER_PAGE = (20, 50, 100)  # the page's choices of results per page, as CiNii and Datasette


def page_size(state: SearchState) -> int:
    """Results per page: the URL's page_size, else the server's PAGE_SIZE."""
    return state.page_size or current_app.config["PAGE_SIZE"]


# ---------------------------------------------------------------- the search page

@bp.get("/")
def search_page():
    try:
        state = SearchState.from_args(request.args)
    except SearchError as exc:
        return _search_error(SearchState(q=request.args.get("q", "")[:MAX_QUERY_CHARS * 2]), exc)
    try:
        result = run_search(state)
    except SearchError as exc:
        return _search_error(state, exc)
    context = _common(state)
    facets, hidden = _facets(result, state)
    context.update(
        result=result,
        facets=facets,
        hidden_values=hidden,
        chart=year_chart(result.facets.get("year", []), state),
        pagination=_pagination(result, state),
        per_page=_per_page(state),
        zero=_zero_help(result, state) if not result.total else None,
    )
    return render_template("search.html", state=state, error=None, **context)


def _search_error(state: SearchState, exc: SearchError):
    """The search page with the message, the box and the chips, so the fix is one click."""
    return render_template("search.html", state=state, result=None, error=str(exc),
                           page_error=isinstance(exc, PageOutOfRange), **_common(state)), 400


def _common(state: SearchState) -> dict:
    def record_href(rid: str) -> str:
        return state.href(url_for("pages.record_page", rid=rid))

    return {"chips": state.chips(), "sort_labels": SORT_LABELS, "record_href": record_href,
            "csv_href": state.with_page(1).href(url_for("pages.export_csv")),
            "ris_href": state.with_page(1).href(url_for("pages.export_ris")),
            "ris_action": url_for("pages.export_ris"), "picked_param": PICKED_PARAM,
            "atom_href": state.with_page(1).href(url_for("pages.atom")),
            # the footer's JSON link: this very search, page included
            "json_href": state.href(url_for("api.search")),
            # the trends view of these words within these filters (t=, not q=)
            "trends_href": url_for("trends.trends_page") + "?" + urlencode(
                [("t", state.q)] + [(k, v) for k, v in state.cleared_query().params()
                                    if k not in ("q", "sort", "page", "page_size")])}


@dataclass(frozen=True)
class FacetGroup:
    """One facet in the sidebar: the values listed first, the rest behind "すべて表示"."""

    facet: str
    param: str
    label: str
    head: list[FacetValue]
    tail: list[FacetValue]
    # a facet whose ticked values may all be required: the switch, and whether it is on
    # (shown once a value is ticked, so the choice survives unticking down to one)
    all_of: bool = False
    all_on: bool = False

    @property
    def size(self) -> int:
        return len(self.head) + len(self.tail)

    @property
    def filterable(self) -> bool:
        """Long lists get a box that narrows them as the user types (script only)."""
        return self.size >= FILTER_FROM


def _facets(result: SearchResult, state: SearchState) -> tuple[list[FacetGroup], list]:
    """Sidebar groups, and the (param, value) pairs chosen in a facet that is not listed.

    Chosen values come first, in the order they were ticked, so a tick never moves a box
    anywhere but to the top of its list; the other values follow in the facet's order.
    Facets ordered by value (years, months) keep that order: a timeline does not reshuffle.
    """
    groups = []
    for facet in FACETS:
        values = result.facets.get(facet.key)
        if values is None:
            continue
        if facet.order == "count":
            by_value = {v.value: v for v in values}
            chosen = [by_value[v] for v in state.selected.get(facet.key, ()) if v in by_value]
            rest = [v for v in values if not v.selected]
            shown = len(chosen) + (len(rest) if facet.shown is None else facet.shown)
            values = chosen + rest
        else:
            shown = len(values) if facet.shown is None else facet.shown
            # a chosen value past the cut is still listed before the disclosure
            values = values[:shown] + [v for v in values[shown:] if v.selected] + [
                v for v in values[shown:] if not v.selected]
            shown += sum(v.selected for v in values[shown:])
        if values:
            groups.append(FacetGroup(
                facet.key, facet.param, facet.label, values[:shown], values[shown:],
                all_of=facet.conjunctive and bool(state.selected.get(facet.key)),
                all_on=facet.key in state.match_all))
    # A ticked value whose group is not listed (months without one year) stays in the URL.
    listed = {g.facet for g in groups}
    hidden = [(BY_KEY[f].param, v) for f, vals in state.selected.items() if f not in listed
              for v in vals]
    return groups, hidden


def _per_page(state: SearchState) -> list[tuple[str, int, bool]]:
    """The results-per-page menu: (value sent, count shown, chosen); the server's own size
    is sent as "" (no page_size in the URL), a size typed into the URL is offered too."""
    default, shown = current_app.config["PAGE_SIZE"], page_size(state)
    sizes = sorted({*PER_PAGE, default, shown})
    return [("" if n == default else str(n), n, n == shown) for n in sizes]


def _pagination(result: SearchResult, state: SearchState) -> dict | None:
    if result.pages <= 1:
        return None
    page = result.page
    return {
        "prev": state.with_page(page - 1).href() if page > 1 else None,
        "next": state.with_page(page + 1).href() if page < result.pages else None,
        "pages": [(n, state.with_page(n).href() if n else None)
                  for n in page_window(page, result.pages)],
        "current": page,
    }


def _zero_help(result: SearchResult, state: SearchState) -> dict:
    """Why nothing was found and what to try: the same query without filters, if it helps."""
    without_filters = None
    if state.has_filters:
        try:
            plain = _engine().search(state.cleared().request(1, page=1, related=False))
        except SearchError:
            plain = None
        if plain is not None and plain.total:
            without_filters = {"total": plain.total, "href": state.cleared().href()}
    return {"without_filters": without_filters,
            "suggestions": [(s, state.with_query(s).href()) for s in result.suggestions]}


# ---------------------------------------------------------------- the record page

@bp.get("/records/<path:rid>")
def record_page(rid: str):
    try:
        state = SearchState.from_args(request.args)
    except SearchError:
        state = SearchState(q=request.args.get("q", ""))
    if query_length(state.q) > MAX_QUERY_CHARS:
        return _error_page(400, "検索語が長すぎます",
                           f"検索語は {MAX_QUERY_CHARS} 文字以内にしてください。")
    try:
        view = _engine().record(rid, q=state.q)
    except SearchError as exc:
        return _error_page(404, "記事が見つかりません", str(exc))
    back = state.href(url_for("pages.search_page")) if request.args else None
    cited = citations(view.record)
    return render_template("record.html", view=view, rec=view.record, state=state, back=back,
                           around=_around(state, rid) if back else None,
                           citations=[(key, label, cited[key]) for key, label in STYLES],
                           record_href=_common(state)["record_href"],
                           json_href=url_for("api.record", rid=rid,
                                             **({"q": state.q} if state.q else {})))


@dataclass(frozen=True)
class Around:
    """A record's place in the search it was opened from, and the records either side."""

    position: int
    total: int
    prev: tuple[str, str] | None  # (title, href)
    next: tuple[str, str] | None


def _around(state: SearchState, rid: str) -> Around | None:
    """Where ``rid`` stands in ``state``'s search (its page, and the pages either side when it
    is first or last on its own); None when it is not one of the matches (a related
    article) or the search no longer answers."""
    size = page_size(state)

    def page_of(n: int) -> SearchResult:
        return _engine().search(state.request(size, page=n, related=False))

    try:
        result = page_of(state.page)
    except SearchError:
        return None
    ids = [h.id for h in result.results]
    if rid not in ids:
        return None
    i = ids.index(rid)

    def link(hit, page: int) -> tuple[str, str]:
        return hit.title, state.with_page(page).href(url_for("pages.record_page", rid=hit.id))

    before = after = None
    if i > 0:
        before = link(result.results[i - 1], state.page)
    elif state.page > 1:
        before = link(page_of(state.page - 1).results[-1], state.page - 1)
    if i + 1 < len(ids):
        after = link(result.results[i + 1], state.page)
    elif state.page < result.pages:
        after = link(page_of(state.page + 1).results[0], state.page + 1)
    return Around((state.page - 1) * size + i + 1, result.total, before, after)


# ---------------------------------------------------------------- CSV and Atom

@bp.get("/export.csv")
def export_csv():
    """The whole result (up to CSV_MAX_ROWS) as CSV, streamed as its rows are read."""
    try:
        _, hits = _all_hits(SearchState.from_args(request.args))
    except SearchError as exc:
        return _error_page(400, "書き出せません", str(exc))
    chunks = (chunk.encode("utf-8") for chunk in csv_chunks(hits, record_url))
    return _download(stream_with_context(chunks), "csv", "text/csv; charset=utf-8")


@bp.get("/export.ris")
def export_ris():
    """RIS for reference managers: the articles ticked on the page (``id``, repeated; one for
    a record page's link), or the whole result of the search in the URL (capped like the
    CSV)."""
    return _citation_file(ris, "ris", "application/x-research-info-systems; charset=utf-8")


@bp.get("/export.bib")
def export_bib():
    """BibTeX, chosen the same way as RIS: ticked articles, one record, or a whole search."""
    return _citation_file(bibtex, "bib", "application/x-bibtex; charset=utf-8")


def _citation_file(write, extension: str, mimetype: str):
    if "id" in request.args or PICKED_PARAM in request.args:
        ids = list(dict.fromkeys(v.strip() for v in request.args.getlist("id") if v.strip()))
        if not ids:
            return _error_page(400, "記事が選ばれていません",
                               "書き出す記事の「選択」にチェックを入れてから、"
                               "「選択した記事を RIS で」を押してください。")
        if len(ids) > MAX_PICKED or any(len(i) > MAX_PARAM_CHARS for i in ids):
            return _error_page(400, "選んだ記事が多すぎます",
                               f"一度に書き出せるのは {MAX_PICKED} 件までです。検索結果の全体は"
                               "「RIS で保存」で書き出せます。")
        try:
            hits = _engine().hits(ids)
        except SearchError as exc:
            return _error_page(404, "記事が見つかりません", str(exc))
    else:
        try:
            hits = list(_all_hits(SearchState.from_args(request.args))[1])
        except SearchError as exc:
            return _error_page(400, "書き出せません", str(exc))
    return _download(write(hits, record_url).encode("utf-8"), extension, mimetype)


def _all_hits(state: SearchState) -> tuple[int, Iterator]:
    """How many, and every hit of ``state``'s search in its order, up to CSV_MAX_ROWS: one
    search, the rows read as they are written (a SearchError for a bad request is raised
    before the first row)."""
    return _engine().export(state.request(MAX_PAGE_SIZE, page=1, related=False),
                            current_app.config["CSV_MAX_ROWS"])


def _download(body: bytes | Iterator[bytes], ext: str, content_type: str) -> Response:
    name = f"kirinuki-{date.today():%Y%m%d}.{ext}"
    return Response(body, content_type=content_type,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/feed.atom")
def atom():
    try:
        state = SearchState.from_args(request.args)
        result = _engine().search(state.request(current_app.config["FEED_SIZE"], page=1,
                                                sort="newest", related=False))
    except SearchError as exc:
        return _error_page(400, "フィードを作れません", str(exc))
    what = f"「{state.q}」" if state.q else "すべての記事"
    filters = "・".join(c.value for c in state.chips())
    title = f"kirinuki 切り抜き: {what}" + (f"({filters})" if filters else "") + "の新着"
    page_url = absolute_url(url_for("pages.search_page")) + (
        "?" + state.with_page(1).query_string() if state.params() else "")
    body = atom_feed(
        title=title, self_url=current_url(), page_url=page_url, feed_id=current_url(),
        hits=result.results,
        record_url=record_url)
    return Response(body, content_type="application/atom+xml; charset=utf-8")


@bp.get("/opensearch.xml")
def opensearch():
    base = (current_app.config.get("BASE_URL") or "").rstrip("/")
    body = description(base, url_for("pages.search_page"), url_for("api.suggest"),
                       url_for("static", filename="favicon.svg"), url_for("pages.opensearch"))
    return Response(body, content_type=f"{OPENSEARCH_TYPE}; charset=utf-8")


# ---------------------------------------------------------------- errors

def _answer(answer: ErrorAnswer, headers: dict[str, str] | None = None) -> Response:
    return Response(answer.body, status=answer.status, content_type=answer.content_type,
                    headers=headers)


def _error_page(status: int, title: str, message: str) -> Response:
    return _answer(error_answer(current_app, "/", status, title, message))


def _error(status: int, title: str, message: str) -> Response:
    """The error as JSON under /api/, as the Japanese error page elsewhere."""
    return _answer(error_answer(current_app, request.path, status, title, message))


def redirect_answer(new_url: str) -> Response:
    """Routing's redirect (``//`` merged into ``/``): a relative Location, never the Host
    header's; under /api/ a JSON body that names it, for clients that do not follow it."""
    target = urlsplit(new_url)._replace(scheme="", netloc="").geturl()
    if not is_api_path(request.path):
        return redirect(target, 308)
    body = {"error": f"アドレスの「/」が重なっています。{target} を使ってください。",
            "location": target}
    return Response(current_app.json.dumps(body) + "\n", status=308,
                    headers={"Location": target}, content_type="application/json")


def register_error_handlers(app: Flask) -> None:
    """JSON under /api/, a Japanese page elsewhere; a message and the right status always."""

    @app.errorhandler(IndexMissingError)
    def no_index(exc: IndexMissingError):
        return _error(503, "索引がありません", "索引がまだありません。`python manage.py reindex` "
                                             "を実行して索引を作ってください。")

    @app.errorhandler(IndexOutdatedError)
    def old_index(exc: IndexOutdatedError):
        return _error(503, "索引を作り直してください", "索引が別の版の kirinuki で作られています。"
                      "`python manage.py reindex` を実行して作り直してください。")

    @app.errorhandler(IndexDamagedError)
    def damaged_index(exc: IndexDamagedError):
        log.error("damaged index: %s", exc)
        return _error(503, "索引が壊れています", "索引のファイルが壊れているため検索できません。"
                      "`python manage.py reindex` を実行して索引を作り直してください。")

    @app.errorhandler(SearchError)
    def bad_request(exc: SearchError):
        return _error(400, "検索できません", str(exc))

    @app.errorhandler(BadHost)
    def bad_host(exc: BadHost):
        # Werkzeug could not read the Host header (a label over 63 characters): routing never
        # started. The answer is built without the request's URL adapter or its host.
        return _answer(http_error_answer(current_app, request.path, 400, BAD_HOST))

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        # Allow (405) and the like travel with the error; the body is ours.
        headers = {k: v for k, v in exc.get_headers() if k.lower() != "content-type"}
        return _answer(http_error_answer(current_app, request.path, exc.code or 500), headers)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        log.exception("unexpected error on %s", request.path)
        return _answer(http_error_answer(current_app, request.path, 500))
