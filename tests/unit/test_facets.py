"""search.facets: the registry, columns, narrowing and counting, with exact outputs (no index).

Expected values are worked out by hand from the specification (module and function
docstrings): a facet is counted over the documents matching the query and every OTHER
facet's selection (disjunctive within a facet, conjunctive across facets); "count" facets
list the most frequent value first, ties by value (smallest first), "value" facets the
largest (newest) value first; values no document holds are left out unless chosen; past
the limit only chosen values are kept, and None means no limit.

Values compare by code point. The fixture's orders, for reference:
日(65E5) < 朝(671D) < 毎(6BCE) < 読(8AAD); ロ(30ED) < 中(4E2D) < 日 < 米(7C73) < 韓(97D3);
ASCII before kanji, so NATO < WHO < 国連.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from search import facets
from search.corpus.records import Record
from search.engine.request import SearchRequest
from search.facets import (
    BY_KEY,
    BY_NAME,
    BY_PARAM,
    FACETS,
    Column,
    Facet,
    FacetValue,
    count,
    declared,
    extracted,
    keyword_facets,
    narrow,
    row_facets,
)


def from_lists(per_doc) -> Column:
    """A column from each document's values (document n is ``per_doc[n]``), through
    ``Column.from_postings``: each value's documents."""
    postings: dict[str, list[int]] = {}
    for doc, values in enumerate(per_doc):
        for value in dict.fromkeys(values):
            postings.setdefault(value, []).append(doc)
    return Column.from_postings(len(per_doc), postings)

# source, year-month, countries, organizations of ten records (document n is RECORDS[n])
RECORDS = [
    ("読売新聞", "2019-03", ["日本", "米国"], ["国連"]),  # 0
    ("朝日新聞", "2020-01", ["日本"], ["NATO"]),  # 1
    ("読売新聞", "2020-05", ["中国", "日本"], []),  # 2
    ("毎日新聞", "2018-12", ["米国"], ["国連", "NATO"]),  # 3
    ("日経新聞", "2021-07", [], ["WHO"]),  # 4
    ("読売新聞", "2019-11", ["韓国"], ["国連"]),  # 5
    ("朝日新聞", "2020-01", ["日本", "韓国", "日本"], ["WHO", "国連"]),  # 6: 日本 twice
    ("毎日新聞", "2021-02", ["米国"], []),  # 7
    ("読売新聞", "2018-04", ["中国"], ["NATO"]),  # 8
    ("日経新聞", "2019-06", ["日本"], ["国連"]),  # 9
]
N = len(RECORDS)


def columns() -> dict[str, Column]:
    return {
        "source": from_lists([[s] for s, _, _, _ in RECORDS]),
        "country": from_lists([c for _, _, c, _ in RECORDS]),
        "organization": from_lists([o for _, _, _, o in RECORDS]),
        "year": from_lists([[m[:4]] for _, m, _, _ in RECORDS]),
        "month": from_lists([[m] for _, m, _, _ in RECORDS]),
    }


COLS = columns()


def fv(value: str, n: int, selected: bool = False) -> FacetValue:
    return FacetValue(value, n, selected)


def mask(*docs: int, size: int = N) -> np.ndarray:
    out = np.zeros(size, dtype=bool)
    out[list(docs)] = True
    return out


ALL = np.ones(N, dtype=bool)


def docs_of(m: np.ndarray) -> list[int]:
    """The documents of a mask, checking that it is one (bool, one entry per document)."""
    assert m.dtype == np.bool_
    assert m.shape == (N,)
    return np.flatnonzero(m).tolist()


def pairs(col: Column) -> list[tuple[int, str]]:
    return sorted((int(d), col.values[c]) for d, c in zip(col.docs, col.codes, strict=True))


def search(chosen: dict[str, list[str]], base: np.ndarray = ALL):
    """The facets and the allowed documents, computed as engine.search does."""
    chosen = {key: chosen.get(key, []) for key in COLS}
    selections = {key: COLS[key].having(values) if values else None
                  for key, values in chosen.items()}
    facets = {key: count(BY_KEY[key], COLS[key], narrow(base, selections, except_key=key),
                         chosen[key])
              for key in ("source", "country", "organization", "year")}
    return facets, docs_of(narrow(base, selections))


# -- the registry --------------------------------------------------------------------------


def test_registry_keys_fields_params_in_page_order():
    assert [f.key for f in FACETS] == ["source", "country", "organization", "collection",
                                       "year", "month"]
    assert [f.field for f in FACETS] == ["source", "countries", "organizations",
                                         "collections", "year", "month"]
    assert [f.param for f in FACETS] == ["source", "country", "org", "collection", "year",
                                         "month"]


def test_registry_labels_as_the_page_shows_them():
    assert {f.key: f.label for f in FACETS} == {
        "source": "媒体", "country": "国・地域", "organization": "機関",
        "collection": "アーカイブ", "year": "年", "month": "月"}


def test_registry_multi_order_limit():
    assert {f.key: (f.multi, f.order, f.limit) for f in FACETS} == {
        "source": (False, "count", 30),
        "country": (True, "count", 30),
        "organization": (True, "count", 30),
        "collection": (True, "count", None),
        "year": (False, "value", None),
        "month": (False, "value", None),
    }


def test_registry_values_shown_before_the_disclosure():
    assert {f.key: f.shown for f in FACETS} == {
        "source": 8, "country": 8, "organization": 8, "collection": 8, "year": 8,
        "month": None}


def test_registry_keys_and_params_unique_and_indexed():
    assert len({f.key for f in FACETS}) == len(FACETS)
    assert len({f.param for f in FACETS}) == len(FACETS)
    assert len({f.field for f in FACETS}) == len(FACETS)
    assert {f.key: f for f in FACETS} == BY_KEY
    assert {f.param: f for f in FACETS} == BY_PARAM
    assert list(BY_KEY) == [f.key for f in FACETS]
    assert BY_PARAM["org"] is BY_KEY["organization"]
    for f in FACETS:
        assert BY_KEY[f.key] is f
        assert BY_PARAM[f.param] is f


def test_registry_every_facet_is_a_request_selection():
    req = SearchRequest(selected={"source": ["s"], "country": ["c"], "organization": ["o"],
                                  "collection": ["a"], "year": ["y"], "month": ["m"]})
    assert req.selections() == {"source": ["s"], "country": ["c"], "organization": ["o"],
                                "collection": ["a"], "year": ["y"], "month": ["m"]}
    # a facet nothing was chosen in is there too, empty
    assert SearchRequest(selected={"country": ["c"]}).selections() == {
        "source": [], "country": ["c"], "organization": [], "collection": [], "year": [],
        "month": []}


def test_the_registry_says_where_values_come_from_and_how_fields_are_named():
    assert {f.key: (f.origin, f.names) for f in FACETS} == {
        "source": ("record", ("source", "outlet", "媒体")),
        "country": ("extracted", ("country", "国")),
        "organization": ("extracted", ("org", "organization", "機関")),
        "collection": ("record", ("collection", "archive", "アーカイブ")),
        "year": ("date", ()), "month": ("date", ())}
    assert BY_NAME["国"] is BY_KEY["country"] and BY_NAME["機関"] is BY_KEY["organization"]
    assert [f.key for f in extracted()] == ["country", "organization"]
    assert [f.key for f in row_facets()] == ["country", "organization", "collection"]
    assert [f.key for f in keyword_facets()] == ["country"]
    assert BY_KEY["month"].within == "year"


def test_a_facet_takes_its_values_from_the_record_its_date_or_an_extractor():
    rec = Record(id="1", kind="clipping", title="t", summary="s", date="2024-06-30",
                 source="共同通信", collections=["a", "b"], facets={"country": ["米国"]})
    assert [f.values_of(rec) for f in FACETS] == [
        ["共同通信"], ["米国"], [], ["a", "b"], ["2024"], ["2024-06"]]
    bare = Record(id="2", kind="clipping", title="t", summary="s")
    assert [f.values_of(bare) for f in FACETS] == [[], [], [], [], [], []]


def test_a_declared_facet_is_read_everywhere_for_a_while():
    extra = Facet("prefecture", "prefectures", "pref", "都道府県", True, "count", 30,
                  names=("pref",))
    with declared(extra):
        assert FACETS[-1] is extra and BY_KEY["prefecture"] is extra
        assert BY_PARAM["pref"] is extra and BY_NAME["pref"] is extra
        assert extra in extracted() and extra in row_facets()
    assert extra not in FACETS and "prefecture" not in BY_KEY and "pref" not in BY_NAME


def test_facet_value_to_dict():
    assert fv("日本", 3, True).to_dict() == {"value": "日本", "count": 3, "selected": True}
    assert fv("2019", 0).to_dict() == {"value": "2019", "count": 0, "selected": False}


# -- Column --------------------------------------------------------------------------------


def test_from_lists_values_sorted_pairs_and_size():
    col = COLS["country"]
    assert col.values == ["中国", "日本", "米国", "韓国"]
    assert col.size == N
    # one pair per (document, distinct value); document 4 holds none, 6 holds 日本 once
    assert pairs(col) == [(0, "日本"), (0, "米国"), (1, "日本"), (2, "中国"), (2, "日本"),
                          (3, "米国"), (5, "韓国"), (6, "日本"), (6, "韓国"), (7, "米国"),
                          (8, "中国"), (9, "日本")]
    assert col.docs.dtype == np.int32
    assert col.codes.dtype == np.int32
    assert COLS["source"].values == ["日経新聞", "朝日新聞", "毎日新聞", "読売新聞"]
    assert COLS["year"].values == ["2018", "2019", "2020", "2021"]


def test_constructor_keeps_int32_arrays_whatever_it_is_given():
    # the columns of every facet stay in memory while an index is open: int32, as columns.py
    col = Column(["a", "b"], [0, 1, 1], np.array([0, 0, 1], dtype=np.int64), 3)
    assert col.docs.dtype == np.int32
    assert col.codes.dtype == np.int32
    assert col.counts(np.ones(3, dtype=bool)).tolist() == [2, 1]
    assert col.having(["b"]).tolist() == [False, True, False]
    assert "a" in col


def test_from_lists_empty():
    col = from_lists([[], [], []])
    assert col.values == []
    assert col.size == 3
    assert col.counts(np.ones(3, dtype=bool)).tolist() == []
    assert col.having(["a"]).tolist() == [False, False, False]
    assert from_lists([]).size == 0


def test_contains():
    col = COLS["country"]
    assert "日本" in col
    assert "韓国" in col
    assert "ロシア" not in col
    assert "" not in col
    assert "2019" in COLS["year"]
    assert "2019" not in col


def test_having_one_value():
    assert docs_of(COLS["country"].having(["日本"])) == [0, 1, 2, 6, 9]
    assert docs_of(COLS["source"].having(["毎日新聞"])) == [3, 7]


def test_having_several_values_is_any_of_them():
    assert docs_of(COLS["country"].having(["中国", "韓国"])) == [2, 5, 6, 8]
    assert docs_of(COLS["source"].having(["読売新聞", "朝日新聞"])) == [0, 1, 2, 5, 6, 8]
    assert docs_of(COLS["organization"].having(["NATO", "WHO"])) == [1, 3, 4, 6, 8]


def test_having_unknown_values_ignored():
    assert docs_of(COLS["country"].having(["日本", "ロシア"])) == [0, 1, 2, 6, 9]
    assert docs_of(COLS["country"].having(["ロシア"])) == []
    assert docs_of(COLS["country"].having([])) == []
    assert docs_of(COLS["country"].having(["日本", "日本"])) == [0, 1, 2, 6, 9]
    assert docs_of(COLS["country"].having(iter(["米国"]))) == [0, 3, 7]


def test_counts_indexed_by_code_duplicates_once():
    col = COLS["country"]  # 中国 日本 米国 韓国
    assert col.counts(ALL).tolist() == [2, 5, 3, 2]  # 日本 twice in document 6 counts once
    assert col.counts(mask()).tolist() == [0, 0, 0, 0]
    assert col.counts(mask(3, 7)).tolist() == [0, 0, 2, 0]
    assert col.counts(mask(0)).tolist() == [0, 1, 1, 0]  # the last value too, at zero
    assert COLS["source"].counts(ALL).tolist() == [2, 2, 2, 4]


def test_counts_of_every_live_document_are_remembered_and_the_same(monkeypatch):
    col = from_lists([["a", "a", "b"], ["a"], ["b", "b"], ["c"]])
    live = np.array([True, True, True, False])
    counted = []
    real = Column._counts
    monkeypatch.setattr(Column, "_counts",
                        lambda self, m: counted.append(m.tolist()) or real(self, m))
    first = col.counts(live.copy(), live)  # equal to the live documents: counted once …
    assert first.tolist() == [2, 2, 0] and counted == [[True, True, True, False]]
    assert col.counts(live.copy(), live) is first and len(counted) == 1  # … then remembered
    # as many documents but others, and fewer: counted each time, never remembered
    assert col.counts(np.array([True, True, False, True]), live).tolist() == [2, 1, 1]
    assert col.counts(np.array([True, False, False, False]), live).tolist() == [1, 1, 0]
    assert len(counted) == 3
    # another index's live documents (a new build opened): counted again
    other = live.copy()
    assert col.counts(other.copy(), other) is not first and len(counted) == 4
    assert col.counts(live, None).tolist() == [2, 2, 0] and len(counted) == 5  # no live given


def test_counts_repeated_value_in_a_document():
    col = from_lists([["a", "a", "b"], ["a"], ["b", "b"]])
    assert col.values == ["a", "b"]
    assert col.counts(np.ones(3, dtype=bool)).tolist() == [2, 2]
    assert col.counts(np.array([True, False, False])).tolist() == [1, 1]
    assert col.having(["b"]).tolist() == [True, False, True]


def test_from_postings_equals_from_lists():
    per_doc = [c for _, _, c, _ in RECORDS]
    postings = {"韓国": np.array([5, 6]), "日本": np.array([0, 1, 2, 6, 9]),
                "米国": [0, 3, 7], "中国": np.array([2, 8], dtype=np.int64)}
    a, b = from_lists(per_doc), Column.from_postings(N, postings)
    assert b.values == a.values == ["中国", "日本", "米国", "韓国"]
    assert b.size == a.size == N
    assert pairs(b) == pairs(a)
    assert b.docs.dtype == np.int32
    assert b.codes.dtype == np.int32
    for m in (ALL, mask(), mask(3, 7), mask(0, 2, 6)):
        assert b.counts(m).tolist() == a.counts(m).tolist()
    for chosen in (["日本"], ["中国", "韓国"], ["ロシア"]):
        assert docs_of(b.having(chosen)) == docs_of(a.having(chosen))


def test_from_postings_nothing():
    col = Column.from_postings(4, {})
    assert col.values == []
    assert col.size == 4
    assert len(col.docs) == 0
    assert len(col.codes) == 0
    assert col.counts(np.ones(4, dtype=bool)).tolist() == []
    assert col.having(["a"]).tolist() == [False] * 4


def test_from_postings_trailing_documents_without_values():
    col = Column.from_postings(6, {"b": np.array([1]), "a": np.array([0, 1])})
    assert col.values == ["a", "b"]
    assert col.counts(np.ones(6, dtype=bool)).tolist() == [2, 1]
    assert col.having(["b"]).tolist() == [False, True, False, False, False, False]


@given(st.lists(st.lists(st.sampled_from("abcde"), max_size=4), min_size=1, max_size=12),
       st.data())
def test_counts_and_having_match_brute_force(per_doc, data):
    m = np.array(data.draw(st.lists(st.booleans(), min_size=len(per_doc),
                                    max_size=len(per_doc))), dtype=bool)
    col = from_lists(per_doc)
    assert col.values == sorted({v for vs in per_doc for v in vs})
    expected = [sum(1 for d, vs in enumerate(per_doc) if m[d] and v in vs)
                for v in col.values]
    assert col.counts(m).tolist() == expected
    chosen = data.draw(st.lists(st.sampled_from("abcdef"), max_size=3))
    assert col.having(chosen).tolist() == [any(v in vs for v in chosen) for vs in per_doc]
    postings = {v: np.array([d for d, vs in enumerate(per_doc) if v in vs])
                for v in col.values}
    other = Column.from_postings(len(per_doc), postings)
    assert other.counts(m).tolist() == expected
    assert pairs(other) == pairs(col)


# -- narrow --------------------------------------------------------------------------------


def test_narrow_nothing_chosen_is_base():
    base = mask(1, 2, 3)
    assert docs_of(narrow(base, {"source": None, "country": None})) == [1, 2, 3]
    assert docs_of(narrow(base, {})) == [1, 2, 3]


def test_narrow_intersects_every_selection_but_the_excepted_one():
    base = mask(0, 1, 2, 3, 5, 6, 9)
    sel = {"source": mask(0, 2, 5, 8), "country": mask(0, 1, 2, 6, 9), "year": None}
    assert docs_of(narrow(base, sel)) == [0, 2]
    assert docs_of(narrow(base, sel, except_key=None)) == [0, 2]
    assert docs_of(narrow(base, sel, except_key="source")) == [0, 1, 2, 6, 9]
    assert docs_of(narrow(base, sel, except_key="country")) == [0, 2, 5]
    assert docs_of(narrow(base, sel, except_key="year")) == [0, 2]
    assert docs_of(narrow(base, sel, except_key="month")) == [0, 2]
    assert docs_of(base) == [0, 1, 2, 3, 5, 6, 9]  # the inputs are left alone
    assert docs_of(sel["source"]) == [0, 2, 5, 8]


# -- count: counts and order ---------------------------------------------------------------


def test_count_by_count_ties_by_value():
    assert count(BY_KEY["source"], COLS["source"], ALL) == [
        fv("読売新聞", 4), fv("日経新聞", 2), fv("朝日新聞", 2), fv("毎日新聞", 2)]
    assert count(BY_KEY["country"], COLS["country"], ALL) == [
        fv("日本", 5), fv("米国", 3), fv("中国", 2), fv("韓国", 2)]
    assert count(BY_KEY["organization"], COLS["organization"], ALL) == [
        fv("国連", 5), fv("NATO", 3), fv("WHO", 2)]


def test_count_years_newest_first_whatever_the_counts():
    assert count(BY_KEY["year"], COLS["year"], ALL) == [
        fv("2021", 2), fv("2020", 3), fv("2019", 3), fv("2018", 2)]


def test_count_months_newest_first():
    assert count(BY_KEY["month"], COLS["month"], ALL) == [
        fv("2021-07", 1), fv("2021-02", 1), fv("2020-05", 1), fv("2020-01", 2),
        fv("2019-11", 1), fv("2019-06", 1), fv("2019-03", 1), fv("2018-12", 1),
        fv("2018-04", 1)]


def test_count_over_a_mask_drops_unchosen_zeros():
    assert count(BY_KEY["source"], COLS["source"], mask(0, 1, 2, 3, 4)) == [
        fv("読売新聞", 2), fv("日経新聞", 1), fv("朝日新聞", 1), fv("毎日新聞", 1)]
    assert count(BY_KEY["country"], COLS["country"], mask(3, 7)) == [fv("米国", 2)]
    assert count(BY_KEY["year"], COLS["year"], mask(3, 7)) == [fv("2021", 1), fv("2018", 1)]
    assert count(BY_KEY["country"], COLS["country"], mask()) == []
    assert count(BY_KEY["country"], COLS["country"], mask(4)) == []


def test_count_chosen_values_marked():
    assert count(BY_KEY["country"], COLS["country"], ALL, ["中国", "日本"]) == [
        fv("日本", 5, True), fv("米国", 3), fv("中国", 2, True), fv("韓国", 2)]


def test_count_chosen_zero_kept_in_order():
    assert count(BY_KEY["country"], COLS["country"], mask(3, 7), ["韓国"]) == [
        fv("米国", 2), fv("韓国", 0, True)]
    assert count(BY_KEY["country"], COLS["country"], mask(), ["韓国", "中国"]) == [
        fv("中国", 0, True), fv("韓国", 0, True)]
    assert count(BY_KEY["year"], COLS["year"], mask(3, 7), ["2019"]) == [
        fv("2021", 1), fv("2019", 0, True), fv("2018", 1)]


def test_count_chosen_value_not_in_the_column_kept_once():
    assert count(BY_KEY["country"], COLS["country"], mask(3, 7),
                 ["韓国", "ロシア", "ロシア", "韓国"]) == [
        fv("米国", 2), fv("ロシア", 0, True), fv("韓国", 0, True)]
    assert count(BY_KEY["year"], COLS["year"], mask(3, 7), ["2030"]) == [
        fv("2030", 0, True), fv("2021", 1), fv("2018", 1)]


# -- count: limits -------------------------------------------------------------------------

# 35 values: k{i} is held by documents 0..i, so by i + 1 documents (k34 by all 35)
MANY = from_lists([[f"k{i:02d}" for i in range(d, 35)] for d in range(35)])
TOP30 = [fv(f"k{i:02d}", i + 1) for i in range(34, 4, -1)]  # k34 (35) .. k05 (6)
# 40 values held by one document each: the cut is decided by the value alone
TIES = from_lists([[f"t{i:02d}"] for i in range(40)])
YEARS = from_lists([[str(y)] for y in range(1980, 2020)])


def test_limit_cuts_by_count_not_by_value():
    country = BY_KEY["country"]
    assert country.limit == 30
    assert count(country, MANY, np.ones(35, dtype=bool)) == TOP30


def test_limit_among_ties_keeps_the_smallest_values():
    assert count(BY_KEY["source"], TIES, np.ones(40, dtype=bool)) == [
        fv(f"t{i:02d}", 1) for i in range(30)]
    assert count(BY_KEY["source"], TIES, np.ones(40, dtype=bool), ["t35"]) == [
        fv(f"t{i:02d}", 1) for i in range(30)] + [fv("t35", 1, True)]


def test_limit_chosen_value_below_the_cut_stays_at_the_end():
    ones = np.ones(35, dtype=bool)
    org = BY_KEY["organization"]
    assert count(org, MANY, ones, ["k02"]) == TOP30 + [fv("k02", 3, True)]
    assert count(org, MANY, ones, ["k00", "k02"]) == TOP30 + [fv("k02", 3, True),
                                                              fv("k00", 1, True)]
    # k04 is the 31st value, the first one past the cut
    assert count(org, MANY, ones, ["k04"]) == TOP30 + [fv("k04", 5, True)]
    assert count(org, MANY, ones, ["k04", "nothing"]) == TOP30 + [fv("k04", 5, True),
                                                                  fv("nothing", 0, True)]


def test_limit_chosen_value_within_the_cut_not_repeated():
    ones = np.ones(35, dtype=bool)
    for chosen in ("k05", "k20", "k34"):  # k05 is the 30th, the last one kept
        got = count(BY_KEY["country"], MANY, ones, [chosen])
        assert got == [replace(r, selected=r.value == chosen) for r in TOP30]


def test_limit_chosen_zero_below_the_cut_stays():
    m = np.ones(35, dtype=bool)
    m[0] = False  # k{i} now held by i documents, k00 by none
    top = [fv(f"k{i:02d}", i) for i in range(34, 4, -1)]
    assert count(BY_KEY["country"], MANY, m) == top
    assert count(BY_KEY["country"], MANY, m, ["k00"]) == top + [fv("k00", 0, True)]


def test_no_limit_lists_every_value():
    assert BY_KEY["collection"].limit is None
    assert count(BY_KEY["collection"], TIES, np.ones(40, dtype=bool)) == [
        fv(f"t{i:02d}", 1) for i in range(40)]
    assert count(BY_KEY["year"], YEARS, np.ones(40, dtype=bool)) == [
        fv(str(y), 1) for y in range(2019, 1979, -1)]


def test_every_lifts_the_limit_in_the_same_order():
    ones = np.ones(35, dtype=bool)
    country = BY_KEY["country"]
    every = [fv(f"k{i:02d}", i + 1) for i in range(34, -1, -1)]  # k34 (35) .. k00 (1)
    assert count(country, MANY, ones, every=True) == every
    assert count(country, MANY, ones, ["k02", "none"], every=True) == [
        replace(r, selected=r.value == "k02") for r in every] + [fv("none", 0, True)]
    m = np.ones(35, dtype=bool)
    m[0] = False  # k00 now held by no document: still left out
    assert count(country, MANY, m, every=True) == [fv(f"k{i:02d}", i)
                                                   for i in range(34, 0, -1)]
    assert count(country, MANY, ones, every=False) == TOP30


def test_limit_of_a_value_facet_keeps_the_newest():
    year3 = replace(BY_KEY["year"], limit=3)
    ones = np.ones(40, dtype=bool)
    assert count(year3, YEARS, ones) == [fv("2019", 1), fv("2018", 1), fv("2017", 1)]
    assert count(year3, YEARS, ones, ["1980", "2018"]) == [
        fv("2019", 1), fv("2018", 1, True), fv("2017", 1), fv("1980", 1, True)]


def test_limit_zero_keeps_only_chosen():
    none = replace(BY_KEY["source"], limit=0)
    assert count(none, COLS["source"], ALL) == []
    assert count(none, COLS["source"], ALL, ["毎日新聞"]) == [fv("毎日新聞", 2, True)]


# -- disjunctive within a facet, conjunctive across facets (as engine.search) ---------------

NOTHING_CHOSEN = {
    "source": [fv("読売新聞", 4), fv("日経新聞", 2), fv("朝日新聞", 2), fv("毎日新聞", 2)],
    "country": [fv("日本", 5), fv("米国", 3), fv("中国", 2), fv("韓国", 2)],
    "organization": [fv("国連", 5), fv("NATO", 3), fv("WHO", 2)],
    "year": [fv("2021", 2), fv("2020", 3), fv("2019", 3), fv("2018", 2)],
}


def test_search_nothing_chosen():
    assert search({}) == (NOTHING_CHOSEN, list(range(N)))


def test_search_one_source_keeps_other_sources_narrows_the_rest():
    facets, allowed = search({"source": ["読売新聞"]})
    assert allowed == [0, 2, 5, 8]
    assert facets == {
        # the other outlets keep their counts: 読売新聞 is only marked
        "source": [fv("読売新聞", 4, True), fv("日経新聞", 2), fv("朝日新聞", 2),
                   fv("毎日新聞", 2)],
        # counted over 読売新聞's documents 0 2 5 8
        "country": [fv("中国", 2), fv("日本", 2), fv("米国", 1), fv("韓国", 1)],
        "organization": [fv("国連", 2), fv("NATO", 1)],
        "year": [fv("2020", 1), fv("2019", 2), fv("2018", 1)],
    }


def test_search_two_sources_are_either():
    facets, allowed = search({"source": ["読売新聞", "朝日新聞"]})
    assert allowed == [0, 1, 2, 5, 6, 8]
    assert facets == {
        "source": [fv("読売新聞", 4, True), fv("日経新聞", 2), fv("朝日新聞", 2, True),
                   fv("毎日新聞", 2)],
        "country": [fv("日本", 4), fv("中国", 2), fv("韓国", 2), fv("米国", 1)],
        "organization": [fv("国連", 3), fv("NATO", 2), fv("WHO", 1)],
        "year": [fv("2020", 3), fv("2019", 2), fv("2018", 1)],
    }


def test_search_two_countries_are_either():
    facets, allowed = search({"country": ["日本", "韓国"]})
    assert allowed == [0, 1, 2, 5, 6, 9]
    assert facets["country"] == [fv("日本", 5, True), fv("米国", 3), fv("中国", 2),
                                 fv("韓国", 2, True)]
    assert facets["source"] == [fv("読売新聞", 3), fv("朝日新聞", 2), fv("日経新聞", 1)]


def test_search_across_facets_both_apply():
    facets, allowed = search({"source": ["読売新聞"], "country": ["日本"]})
    assert allowed == [0, 2]
    assert facets == {
        # over 日本's documents 0 1 2 6 9; 毎日新聞 has none there
        "source": [fv("朝日新聞", 2), fv("読売新聞", 2, True), fv("日経新聞", 1)],
        # over 読売新聞's documents 0 2 5 8
        "country": [fv("中国", 2), fv("日本", 2, True), fv("米国", 1), fv("韓国", 1)],
        # over both: 0 2
        "organization": [fv("国連", 1)],
        "year": [fv("2020", 1), fv("2019", 1)],
    }


def test_search_base_restricts_every_facet():
    facets, allowed = search({}, base=mask(0, 1, 2, 3, 4))
    assert allowed == [0, 1, 2, 3, 4]
    assert facets == {
        "source": [fv("読売新聞", 2), fv("日経新聞", 1), fv("朝日新聞", 1), fv("毎日新聞", 1)],
        "country": [fv("日本", 3), fv("米国", 2), fv("中国", 1)],
        "organization": [fv("NATO", 2), fv("国連", 2), fv("WHO", 1)],
        "year": [fv("2021", 1), fv("2020", 2), fv("2019", 1), fv("2018", 1)],
    }


def test_search_chosen_value_without_matches_stays():
    facets, allowed = search({"country": ["韓国"]}, base=mask(3, 7))
    assert allowed == []
    assert facets == {"source": [], "country": [fv("米国", 2), fv("韓国", 0, True)],
                      "organization": [], "year": []}


def test_search_one_year_and_its_months():
    facets, allowed = search({"year": ["2019"]})
    assert allowed == [0, 5, 9]
    assert facets["year"] == [fv("2021", 2), fv("2020", 3), fv("2019", 3, True),
                              fv("2018", 2)]
    assert facets["source"] == [fv("読売新聞", 2), fv("日経新聞", 1)]
    selections = {"year": COLS["year"].having(["2019"]), "month": None}
    months = count(BY_KEY["month"], COLS["month"], narrow(ALL, selections, "month"))
    assert months == [fv("2019-11", 1), fv("2019-06", 1), fv("2019-03", 1)]



def test_a_facet_is_declared_once():
    from search.facets import BY_KEY, Facet, declared

    extra = Facet("prefecture", "prefectures", "pref", "都道府県", True, "count", 30,
                  names=("pref",))
    with declared(extra):
        assert BY_KEY["prefecture"] is extra
        for clash in (extra, Facet("p2", "p2", "country", "x", True, "count", None),
                      Facet("p3", "p3", "p3", "x", True, "count", None, names=("国",))):
            with pytest.raises(ValueError, match="already declared"), declared(clash):
                pass
    assert "prefecture" not in BY_KEY


def test_the_facet_groups_read_from_the_declarations():
    from search.facets import extracted, keyword_facets, listed, row_facets

    assert [f.key for f in listed()] == ["source", "country", "organization", "collection"]
    assert [f.key for f in row_facets()] == ["country", "organization", "collection"]
    assert [f.key for f in extracted()] == ["country", "organization"]
    assert [f.key for f in keyword_facets()] == ["country"]


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 40).flatmap(lambda size: st.tuples(
    st.just(size),
    st.lists(st.lists(st.integers(0, 4), max_size=3, unique=True), min_size=size,
             max_size=size),
    st.lists(st.booleans(), min_size=size, max_size=size))))
def test_a_facet_counts_the_same_from_few_documents_or_from_every_pair(case):
    """Counted from the matching documents' values (a mask of few) or from every pair (a
    mask of many), a facet's counts are what counting by hand gives."""
    size, held, chosen = case
    values = ["a", "b", "c", "d", "e"]
    docs = [d for d, codes in enumerate(held) for _ in codes]
    codes = [c for d_codes in held for c in d_codes]
    column = facets.Column(values, np.array(docs, dtype=np.int32),
                           np.array(codes, dtype=np.int32), size)
    mask = np.array(chosen, dtype=bool)
    expected = [sum(1 for d in range(size) if chosen[d] and c in held[d]) for c in range(5)]
    assert column.counts(mask).tolist() == expected


def test_few_matches_are_counted_from_their_documents():
    """The two ways agree at the edge of the share, and the table by document holds each
    document's values in order of the pairs."""
    docs = np.array([3, 0, 3, 1, 0, 3], dtype=np.int32)
    codes = np.array([0, 1, 2, 2, 0, 1], dtype=np.int32)
    column = facets.Column(["x", "y", "z"], docs, codes, 45)
    by_codes, starts = column.by_document()
    assert starts.tolist()[:6] == [0, 2, 3, 3, 6, 6] and starts.tolist()[-1] == 6
    assert by_codes.tolist() == [1, 0, 2, 0, 2, 1]  # doc 0: y x; doc 1: z; doc 3: x z y
    assert facets.SPARSE_SHARE == 20
    two = np.zeros(45, dtype=bool)
    two[[0, 3]] = True  # 2 * 20 < 45 documents: from the documents
    assert column.counts(two).tolist() == [2, 2, 1]
    assert column._by_value is None
    three = two.copy()
    three[1] = True  # 3 * 20 >= 45: value by value
    assert column.counts(three).tolist() == [2, 2, 2]
    assert column._by_value is not None
    assert column.counts(np.zeros(45, dtype=bool)).tolist() == [0, 0, 0]
    assert column.by_document() is column.by_document()
    assert column.by_value() is column.by_value()
    # at the share exactly (2 * 20 = 40 documents): value by value
    edge = facets.Column(["x", "y", "z"], docs, codes, 40)
    assert edge.counts(two[:40]).tolist() == [2, 2, 1]
    assert edge._by_value is not None


def test_common_values_are_bitmaps_and_the_others_lists():
    """More than one document in BITMAP_SHARE: a bitmap (document 0 the first byte's high
    bit, as numpy packs them); the others' documents in value order."""
    assert facets.BITMAP_SHARE == 32
    # 64 documents: "a" in 3 (3 * 32 > 64: a bitmap), "b" in 2 (2 * 32 = 64: a list),
    # "c" in 1, "d" in none, "e" in 3 given out of order
    docs = np.array([9, 0, 63, 5, 40, 7, 1, 62, 8], dtype=np.int32)
    codes = np.array([2, 0, 0, 1, 1, 0, 4, 4, 4], dtype=np.int32)
    column = facets.Column(["a", "b", "c", "d", "e"], docs, codes, 64)
    by = column.by_value()
    assert by.dense.tolist() == [0, 4] and by.sparse.tolist() == [1, 2, 3]
    assert by.bitmaps.shape == (2, 1) and by.bitmaps.dtype == np.uint64
    bytes_ = by.bitmaps.view(np.uint8)
    assert bytes_[0].tolist() == [0b10000001, 0, 0, 0, 0, 0, 0, 0b00000001]  # 0 7 63
    assert bytes_[1].tolist() == [0b01000000, 0b10000000, 0, 0, 0, 0, 0, 0b00000010]
    assert by.sparse_docs.tolist() == [5, 40, 9]
    assert by.sparse_starts.tolist() == [0, 2, 3, 3]
    assert by.slots.tolist() == [0, -1, -2, -3, 1]
    assert np.flatnonzero(by.having([0])).tolist() == [0, 7, 63]
    assert np.flatnonzero(by.having([4, 1])).tolist() == [1, 5, 8, 40, 62]
    assert np.flatnonzero(by.having([2, 0, 0])).tolist() == [0, 7, 9, 63]
    assert np.flatnonzero(by.having([3])).tolist() == []
    assert by.having([]).dtype == np.bool_ and by.having([]).shape == (64,)
    assert np.flatnonzero(column.having(["e", "c", "x"])).tolist() == [1, 8, 9, 62]
    every = np.ones(64, dtype=bool)
    assert by.counts(every).tolist() == [3, 2, 1, 0, 3]
    assert by.counts(every).dtype == np.int64  # counts, as bincount gives them
    some = np.zeros(64, dtype=bool)
    some[[0, 1, 5, 9, 62, 63]] = True
    assert by.counts(some).tolist() == [2, 1, 1, 0, 2]
    assert by.counts(np.zeros(64, dtype=bool)).tolist() == [0, 0, 0, 0, 0]
    # a size that is not a whole number of bytes: the last byte's spare bits stay clear
    odd = facets.Column(["a"], np.array([0, 3, 10], dtype=np.int32),
                        np.zeros(3, dtype=np.int32), 11)
    assert odd.by_value().bitmaps.view(np.uint8).tolist() == [
        [0b10010000, 0b00100000, 0, 0, 0, 0, 0, 0]]
    wide = facets.Column(["a"], np.array([0, 64, 65], dtype=np.int32),
                         np.zeros(3, dtype=np.int32), 66)  # two words, the second part used
    assert wide.by_value().bitmaps.shape == (1, 2)
    assert wide.by_value().counts(np.ones(66, dtype=bool)).tolist() == [3]
    half = np.zeros(66, dtype=bool)
    half[[64, 65]] = True
    assert wide.by_value().counts(half).tolist() == [2]
    assert odd.by_value().counts(np.ones(11, dtype=bool)).tolist() == [3]
    empty = facets.Column([], np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int32), 0)
    assert empty.counts(np.zeros(0, dtype=bool)).tolist() == []


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 300).flatmap(lambda size: st.tuples(
    st.just(size),
    st.lists(st.lists(st.integers(0, 6), max_size=4), min_size=size, max_size=size),
    st.lists(st.booleans(), min_size=size, max_size=size))))
def test_either_way_counts_what_the_documents_hold(case):
    size, per_doc, picked = case
    column = from_lists(per_doc)
    mask = np.array(picked, dtype=bool)
    want = [sum(1 for doc, values in enumerate(per_doc) if picked[doc] and value in values)
            for value in column.values]
    assert column.counts(mask).tolist() == want
    assert column.by_value().counts(mask).tolist() == want
    for value in column.values[:3]:
        assert np.flatnonzero(column.having([value])).tolist() == [
            doc for doc, values in enumerate(per_doc) if value in values]
    codes, starts = column.by_document()
    chosen = np.flatnonzero(mask)
    assert sum(int(starts[d + 1] - starts[d]) for d in chosen) == sum(want)
