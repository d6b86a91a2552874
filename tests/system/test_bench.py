"""The scale benchmark (benchmarks/scale.py) at N = 200, so it cannot rot.

Checks the structure of what it reports and the invariants that hold whatever the speed:
the synthetic corpus parses cleanly and is the same every time, every kind of query is in
the mix and answered, HTTP gives the in-process totals, FTS5 finds exactly kirinuki's
documents for queries kirinuki reads as plain words, tantivy (the second reference) gives
FTS5's totals and facet counts for every query, and an update after 1 % of the records
changed replaces exactly those. No timing is asserted.
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "benchmarks"
sys.path.insert(0, str(BENCH))

import fts5  # noqa: E402
import scale  # noqa: E402
import synth  # noqa: E402
import tantivy_ref  # noqa: E402

N = 200
QUERIES = 66


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("scale")
    return scale.run(N, work=root / "work", corpus_root=root, queries=QUERIES, clients=16,
                     requests=48, timeout=20, duration=20, budget=120, build_timeout=300,
                     log=lambda msg: None)


def test_synthetic_corpus_parses_cleanly_and_is_deterministic(result: dict, tmp_path: Path):
    from search.corpus.loading import load_corpus

    corpus = load_corpus(result["corpus"], annotate=False)
    assert len(corpus.records) == N
    assert [i for i in corpus.issues if i.severity == "warning"] == []
    assert all(r.kind == "clipping" and r.date and r.title and r.summary
               for r in corpus.records)
    assert len({r.source for r in corpus.records}) > 5
    synth.generate(N, tmp_path)
    for path in sorted(Path(result["corpus"]).glob("*.txt")):
        assert (tmp_path / path.name).read_bytes() == path.read_bytes()


def test_every_kind_is_in_the_mix_and_answered(result: dict):
    mix = result["mix"]
    expected = scale._counts(QUERIES)
    assert {kind: sum(e["kind"] == kind for e in mix) for kind in scale.KINDS} == expected
    assert [e["n"] for e in mix] == list(range(len(mix)))
    for part in ("engine", "fts5", "tantivy", "http"):
        lat = result[part]["latency"]
        assert set(lat) == {*scale.KINDS, "all"}
        assert lat["all"]["count"] == len(mix)
        for kind, n in expected.items():
            assert lat[kind]["count"] == n
            assert lat[kind]["skipped"] == 0
    # at this size every request is answered, in-process and over HTTP
    assert result["engine"]["latency"]["all"]["errors"] == 0
    assert result["fts5"]["latency"]["all"]["errors"] == 0
    assert result["tantivy"]["latency"]["all"]["errors"] == 0
    assert all(r["status"] == 200 for r in result["http"]["rows"])


def test_every_engine_is_asked_a_first_pass_of_other_words_before_the_mix(result: dict):
    first = scale.build_mix(Path(result["work"]) / "fts5.sqlite", result["seed"] + 1,
                            QUERIES)
    assert [e["q"] for e in first] != [e["q"] for e in result["mix"]]
    for part in ("engine", "fts5", "tantivy", "http"):
        assert result[part]["first_pass"]["count"] == len(first)
        assert result[part]["first_pass"]["errors"] == 0
    assert "first pass after opening" in scale.table(result)


def test_http_and_in_process_totals_agree(result: dict):
    engine = [r["total"] for r in result["engine"]["rows"]]
    http = [r["total"] for r in result["http"]["rows"]]
    assert http == engine


def test_fts5_finds_the_same_documents_for_plain_queries(result: dict):
    """A query kirinuki reads as exactly its words (no synonym, country or organisation
    added) matches the same documents in both: the same terms in the same fields."""
    totals = result["totals"]
    plain_kinds = {e["kind"] for e in result["mix"] if e["plain"]}
    assert {"frequent", "rare", "two_words", "year_filter"} <= plain_kinds
    assert totals["plain"] > QUERIES // 3
    assert totals["plain_equal"] == totals["plain"], totals["plain_differ"]


def test_tantivy_gives_fts5s_totals_for_every_query(result: dict):
    """Both references hold the same terms in the same fields and are asked the same
    question, so they agree on every query, plain or not (phrases and filters too)."""
    totals = result["totals_tantivy"]
    assert totals["answered_by_both"] == len(result["mix"])
    assert totals["equal"] == totals["answered_by_both"]
    assert totals["plain_equal"] == totals["plain"] == result["totals"]["plain"]
    assert totals["plain_differ"] == []


def test_tantivy_counts_facets_and_pages_as_fts5_does(result: dict):
    """Each facet counted with the other facets' selections, top 30 by count then value:
    tantivy's aggregations give FTS5's GROUP BY exactly. A newest-first page holds records
    of the same dates and times as FTS5's (records of one minute may come in another
    order: tantivy's sort key has no id to break the tie)."""
    work = Path(result["work"])
    fts, ref = fts5.Fts(work / "fts5.sqlite"), tantivy_ref.Tantivy(work / "tantivy")

    def minutes(ids: list[str]) -> list[int]:
        return [tantivy_ref.sortkey(*fts.conn.execute(
            "SELECT date, time FROM docs WHERE id = ?", (i,)).fetchone()) for i in ids]

    try:
        for e in result["mix"]:
            a, b = fts.search(scale.fts_query(e)), ref.search(scale.fts_query(e))
            assert (b.total, b.facets) == (a.total, a.facets), e
            assert len(b.ids) == len(a.ids) == min(20, max(0, a.total - 20 * (e["page"] - 1)))
            assert len(b.snippets) == len(b.ids)
            if not e["q"] or e["sort"] == "newest":
                assert minutes(b.ids) == minutes(a.ids), e
    finally:
        fts.close()
        ref.close()


def test_the_table_without_tantivy(result: dict):
    """``--no-tantivy``: the figures and the table leave tantivy's columns empty."""
    without = copy.deepcopy(result)
    for key in ("tantivy", "tantivy_build", "totals_tantivy"):
        del without[key]
    without["ratios"] = scale.ratios(without)
    assert not any("tantivy" in k for k in without["ratios"])
    text = scale.table(without)
    assert "tantivy build" not in text and "tantivy totals" not in text
    assert "\nall " in text


def test_builds_update_and_load_are_reported(result: dict):
    for step in ("floor", "reindex", "fts5_build", "tantivy_build", "update",
                 "update_prepend"):
        assert result[step]["rc"] == 0
        assert result[step]["seconds"] > 0
        assert result[step]["peak_rss_mb"] > 0
    assert result["reindex"]["bytes"] > 0 and result["fts5_build"]["bytes"] > 0
    assert result["tantivy_build"]["bytes"] > 0
    assert result["tantivy_build"]["inner_records"] == N
    update = result["update"]
    assert (update["added"], update["replaced"], update["removed"]) == \
        (0, update["changed_records"], 0)
    prepend = result["update_prepend"]
    assert (prepend["added"], prepend["removed"]) == (1, 0)
    assert prepend["records_in_file"] == N + 1
    load = result["http"]["throughput"]
    assert load["requests"] == 48 and load["clients"] == 16
    assert load["errors"] == sum(load["non_200"].values())
    assert result["http"]["first_200_s"] >= result["http"]["listening_s"] > 0
    assert not result["http"]["rebuilt_first"]  # it served the index reindex built
    assert result["http"]["rss_after_mix_mb"] > 0
    assert set(result["ratios"]) >= {"reindex_to_floor", "reindex_to_fts5_build",
                                     "search_p50_to_fts5", "http_p50_to_fts5",
                                     "reindex_to_tantivy_build", "search_p50_to_tantivy",
                                     "http_p95_to_tantivy", "index_to_tantivy_size"}
    text = scale.table(result)
    for kind in scale.KINDS:
        assert f"\n{kind} " in text
    assert "\ntantivy build (1 process) " in text and "p50 x tantivy" in text
    assert f"tantivy totals: {len(result['mix'])}/{len(result['mix'])} equal" in text


def test_every_search_says_where_its_time_went(result: dict):
    """Each in-process row carries the time of each stage that ran, and the table prints
    the per-stage figures: a slow mix says which stage to look at."""
    for row in result["engine"]["rows"]:
        stages = row["stages"]
        assert set(stages) == set(scale.STAGES)
        assert all(v >= 0 for v in stages.values())
        assert sum(stages.values()) <= row["ms"]
    figures = result["engine"]["stages"]
    assert list(figures) == list(scale.STAGES)
    assert figures["rows"]["mean"] > 0 and figures["match"]["max"] >= figures["match"]["p95"]
    assert "kirinuki per stage (ms, mean / p95 / max): understand " in scale.table(result)
