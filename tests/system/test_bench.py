"""The scale benchmark (benchmarks/scale.py) at N = 200, so it cannot rot.

Checks the structure of what it reports and the invariants that hold whatever the speed:
the synthetic corpus parses cleanly and is the same every time, every kind of query is in
the mix and answered, HTTP gives the in-process totals, FTS5 finds exactly kirinuki's
documents for queries kirinuki reads as plain words, and an update after 1 % of the records
changed replaces exactly those. No timing is asserted.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "benchmarks"
sys.path.insert(0, str(BENCH))

import scale  # noqa: E402
import synth  # noqa: E402

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
    for part in ("engine", "fts5", "http"):
        lat = result[part]["latency"]
        assert set(lat) == {*scale.KINDS, "all"}
        assert lat["all"]["count"] == len(mix)
        for kind, n in expected.items():
            assert lat[kind]["count"] == n
            assert lat[kind]["skipped"] == 0
    # at this size every request is answered, in-process and over HTTP
    assert result["engine"]["latency"]["all"]["errors"] == 0
    assert result["fts5"]["latency"]["all"]["errors"] == 0
    assert all(r["status"] == 200 for r in result["http"]["rows"])


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


def test_builds_update_and_load_are_reported(result: dict):
    for step in ("floor", "reindex", "fts5_build", "update", "update_prepend"):
        assert result[step]["rc"] == 0
        assert result[step]["seconds"] > 0
        assert result[step]["peak_rss_mb"] > 0
    assert result["reindex"]["bytes"] > 0 and result["fts5_build"]["bytes"] > 0
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
                                     "search_p50_to_fts5", "http_p50_to_fts5"}
    text = scale.table(result)
    for kind in scale.KINDS:
        assert f"\n{kind} " in text
