"""Properties of searching over the real index of the bundled corpus (hypothesis).

The search function with arbitrary queries and parameters answers or raises SearchError
with a message, nothing else, and what it answers is consistent. The JSON API and the
search page, through Flask's test client with arbitrary raw query strings (percent-encoded
lone surrogates, invalid UTF-8, huge or negative or non-numeric numbers, repeated facet
parameters, unknown values and parameters), answer 200 or a 4xx with a message: never 5xx.
"""

from __future__ import annotations

import json
import re
from urllib.parse import quote

from hypothesis import event, example, given
from hypothesis import strategies as st

from search.engine import MAX_PAGE_SIZE, SORTS, SearchError, SearchRequest
from search.facets import FACETS
from tests.strategies import ANY_CHAR, ODD, QUERIES, TYPED
from web import SECURITY_HEADERS

# Values the index holds (read from its facets once), to mix with values it does not.
REAL = {
    "source": ["共同通信", "読売新聞", "毎日新聞", "時事通信", "NHK"],
    "country": ["米国", "フィリピン", "イタリア", "ウクライナ", "中国"],
    "organization": ["NATO", "EU", "ASEAN"],
    "collection": ["欧州", "その他諸国"],
    "year": ["2024", "2025", "2023"],
    "month": ["2024-06", "2025-07"],
}
ODD_TEXT = st.text(ANY_CHAR, max_size=12)
DATES = st.one_of(st.none(), st.sampled_from([
    "2024", "2024-06", "2024-06-01", "2025-07-31", "9999-12-31", "0001-01-01", "0000", "abc",
    "2024-13", "2024-02-30", "2024..2025", "", " ", "２０２４"]), ODD_TEXT)
NUMBERS = st.one_of(st.integers(-3, 25), st.integers(-10**30, 10**30))


HOSTILE_FIELDS = ["facets", "from", "to", "sort", "page", "page_size"]


@st.composite
def requests(draw) -> SearchRequest:
    """A typed or hostile query; at most one other part hostile, so most reach the index."""
    bad = draw(st.sampled_from([None, None, None, *HOSTILE_FIELDS]))

    def part(name: str, sane: st.SearchStrategy, hostile: st.SearchStrategy):
        return draw(hostile if name == bad else sane)

    chosen = {}
    for facet in FACETS:
        real = st.sampled_from(REAL[facet.key])
        sane = st.lists(real, max_size=2) if facet.key == "country" else st.just([])
        chosen[facet.key] = part("facets", sane, st.lists(st.one_of(real, ODD_TEXT),
                                                           max_size=3))
    return SearchRequest(
        q=draw(st.one_of(TYPED, QUERIES)), selected=chosen,
        date_from=part("from", st.sampled_from([None, None, "2024", "2025-07-01"]), DATES),
        date_to=part("to", st.sampled_from([None, None, "2025", "2024-06"]), DATES),
        sort=part("sort", st.sampled_from([None, *SORTS]),
                  st.one_of(st.sampled_from(["best", ""]), ODD_TEXT)),
        page=part("page", st.integers(1, 3), NUMBERS),
        page_size=part("page_size", st.integers(1, MAX_PAGE_SIZE),
                       st.one_of(st.integers(-2, MAX_PAGE_SIZE + 2), NUMBERS)))


def _should_refuse(req: SearchRequest) -> bool:
    """What validation alone refuses, before anything is looked up."""
    return (req.page < 1 or not 1 <= req.page_size <= MAX_PAGE_SIZE
            or (req.sort is not None and req.sort not in SORTS)
            or any(0xD800 <= ord(c) <= 0xDFFF for c in req.q) or len(req.q) > 1000)


@given(requests())
@example(SearchRequest(q="(" * 327 + "x" + ")" * 327))
@example(SearchRequest(q="-" * 950 + "x"))
@example(SearchRequest(q="date:9999-12-31", date_from="9999-12-31", date_to="9999-12-31"))
@example(SearchRequest(q="米国", selected={"country": ["米国", "米国"]}, page=10**12))
@example(SearchRequest(q="\ud800"))
def test_search_answers_or_says_what_to_change(engine, req):
    try:
        result = engine.search(req)
    except SearchError as exc:
        event("refused")
        assert str(exc)
        return
    event(f"answered, {'some' if result.results else 'no'} results on the page")
    assert not _should_refuse(req), req
    assert result.total >= 0 and result.pages >= 1
    offset = (req.page - 1) * req.page_size
    assert len(result.results) == max(0, min(req.page_size, result.total - offset))
    ids = [h.id for h in result.results]
    assert len(set(ids)) == len(ids)
    for hit in result.results:
        # escaped HTML whose only markup is <mark>
        assert "<" not in re.sub(r"</?mark>", "", hit.title_html + hit.snippet_html)
    if result.sort != "relevance" and len(result.results) > 1:
        dates = [h.date or "" for h in result.results]
        assert dates == sorted(dates, reverse=result.sort == "newest")
    # the same request, the same answer; and one JSON object (UTF-8, no lone surrogate)
    again = engine.search(req)
    assert (again.total, [h.id for h in again.results]) == (result.total, ids)
    json.dumps(result.to_dict(), ensure_ascii=False).encode("utf-8")


# ---------------------------------------------------------------- the API and the page

PARAMS = ["q", *(f.param for f in FACETS), "from", "to", "sort", "page", "page_size"]
RAW_VALUES = ["%FF", "%FE%FF", "%ED%A0%80", "%ED%B0%80", "%C3%28", "%E3%81", "%F0%28%8C%BC",
              "%00", "%", "%G1", "%%", "%25", "+", "%2B", "&", "=", "%26", "%3D", "",
              "99999999999999999999", "-1", "0", "1e3", "0x10", "NaN", "%EF%BC%91"]


def _encoded(text: str) -> str:
    """Percent-encoding even for lone surrogates (as their three UTF-8-style bytes)."""
    return quote(text, safe="", errors="surrogatepass")


HOSTILE_VALUES = st.one_of(
    st.sampled_from(RAW_VALUES),
    QUERIES.map(_encoded),
    st.sampled_from([v for vs in REAL.values() for v in vs] + ODD).map(_encoded),
    NUMBERS.map(str),
)
HOSTILE_NAMES = st.one_of(st.sampled_from(PARAMS), st.sampled_from(
    ["foo", "Q", "q[]", "", "%FF", "page_size%00", "country%20"]))


@st.composite
def query_strings(draw) -> str:
    """A query, a few sane parameters, and now and then hostile names and values."""
    pairs = [("q", draw(st.one_of(TYPED, QUERIES).map(_encoded)))]
    if draw(st.booleans()):
        pairs.append(("country", _encoded(draw(st.sampled_from(REAL["country"])))))
    if draw(st.booleans()):
        pairs.append(("sort", draw(st.sampled_from(SORTS))))
    pairs += draw(st.lists(st.tuples(HOSTILE_NAMES, HOSTILE_VALUES), max_size=
                           draw(st.sampled_from([0, 0, 1, 4]))))
    repeated = draw(st.sampled_from([None, None, None, *FACETS]))
    if repeated:  # one facet named many times, with duplicates and unknown values
        known = st.sampled_from(REAL[repeated.key])
        pairs += [(repeated.param, _encoded(v)) for v in draw(st.lists(
            st.one_of(known, known, ODD_TEXT), max_size=60))]
    order = draw(st.permutations(pairs))
    return "&".join(f"{k}={v}" if v or draw(st.booleans()) else k for k, v in order)


def _check_headers(r) -> None:
    for name, value in SECURITY_HEADERS.items():
        assert r.headers.get(name) == value, name


@given(query_strings())
@example("q=%ED%A0%80")
@example("q=%FF&page=-1&page_size=99999999999999999999")
@example("country=米国&country=米国&country=%FF&foo=bar")
@example("q=" + "(" * 327 + "x" + ")" * 327)
@example("q=date:9999-12-31&from=9999-12-31")
def test_api_answers_200_or_4xx_with_a_message(client, qs):
    r = client.get(f"/api/search?{qs}")
    assert r.status_code == 200 or 400 <= r.status_code < 500, (qs, r.status_code)
    event(f"API {r.status_code}")
    body = r.get_json()
    assert isinstance(body, dict), qs
    if r.status_code == 200:
        assert {"total", "results", "understood"} <= set(body)
    else:
        assert isinstance(body["error"], str) and body["error"], qs
    _check_headers(r)


@given(query_strings())
@example("q=%ED%A0%80&page=%FF")
@example("q=" + "-" * 950 + "x")
def test_page_answers_200_or_4xx_with_a_message(client, qs):
    r = client.get(f"/?{qs}")
    assert r.status_code == 200 or 400 <= r.status_code < 500, (qs, r.status_code)
    event(f"page {r.status_code}")
    page = r.get_data(as_text=True)
    assert r.mimetype == "text/html" and '<html lang="ja">' in page
    if r.status_code != 200:
        message = re.search(r'<h1 id="error-title">[^<]+</h1>\s*<p>([^<]+)</p>', page)
        assert message and message.group(1).strip(), qs
    _check_headers(r)
