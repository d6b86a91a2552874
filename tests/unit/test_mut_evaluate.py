"""Scoring judged queries (search/engine/evaluate.py): the figures at their edges, the
files read, and the engine as a ranker over a real small index (tests/unit/smallindex.py)
served as the ``current`` build:

    id  title               text
    a1  潜水艦と空母の演習   潜水艦と空母が演習を行った。
    a2  空母                 空母が寄港した。
    a3  空母の演習           空母が演習を行った。   (related to a search for 潜水艦)
    a4  大使                 大使が着任した。
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import pytest

from search.engine import Engine
from search.engine.evaluate import (
    DEPTH,
    RUN_STEP,
    Evaluation,
    engine_ranker,
    evaluate,
    ndcg,
    read_qrels,
    read_queries,
    run_lines,
    score_query,
)
from tests.unit.smallindex import record, served


@pytest.fixture()
def engine(tmp_path: Path) -> Iterator[Engine]:
    root, _ = served(tmp_path, [[
        record("a1", "2023-03-01", title="潜水艦と空母の演習", body="潜水艦と空母が演習を行った。"),
        record("a2", "2023-03-15", title="空母", body="空母が寄港した。"),
        record("a3", "2023-05-02", title="空母の演習", body="空母が演習を行った。"),
        record("a4", "2023-05-03", title="大使", body="大使が着任した。"),
    ]])
    with Engine(root) as opened:
        yield opened


def test_the_engine_ranks_its_matches_then_its_related_articles(engine: Engine) -> None:
    """As the page lists them: 潜水艦's one match, then a3 (related, marked True)."""
    assert engine_ranker(engine)("潜水艦") == [("a1", 3.092, False), ("a3", 11.851, True)]
    assert engine_ranker(engine, related=False)("潜水艦") == [("a1", 3.092, False)]
    # by relevance, not by date: a2 (空母 in title and text) before a3 and a1
    assert [d for d, *_ in engine_ranker(engine)("空母")] == ["a2", "a3", "a1"]


def test_evaluate_ranks_with_the_engine_and_writes_a_run(engine: Engine,
                                                          tmp_path: Path) -> None:
    run = tmp_path / "run.txt"
    scored = evaluate([("q1", "潜水艦"), ("q2", "火星")], {"q1": {"a3": 1}}, engine, run)
    assert [(q.qid, q.query, q.ranked, q.rr, q.relevant) for q in scored.queries] == [
        ("q1", "潜水艦", ["a1", "a3"], 0.5, 1), ("q2", "火星", [], 0.0, 0)]
    assert run.read_text(encoding="utf-8") == (
        "q1 Q0 a1 1 3.0920 kirinuki\nq1 Q0 a3 2 3.0919 kirinuki.related\n")
    alone = evaluate([("q1", "潜水艦")], {"q1": {"a3": 1}}, engine, matches_only=True)
    assert alone.queries[0].ranked == ["a1"] and alone.queries[0].rr == 0.0


def test_a_ranker_is_cut_at_the_depth_and_no_run_is_written_unasked(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    many = [(f"d{i}", 500.0 - i) for i in range(DEPTH + 5)]
    scored = evaluate([("q1", "x")], {"q1": {"d100": 1, "d0": 1}}, lambda _: many)
    assert DEPTH == 100 and scored.queries[0].ranked == [f"d{i}" for i in range(100)]
    assert (scored.queries[0].recall100, scored.queries[0].relevant) == (0.5, 2)
    assert list(tmp_path.iterdir()) == []
    run = tmp_path / "run.txt"
    evaluate([("q1", "x")], {}, lambda _: many, run)
    lines = run.read_text(encoding="utf-8").split("\n")
    assert len(lines) == 101 and lines[-1] == "" and lines[99] == "q1 Q0 d99 100 401.0000 kirinuki"


def test_recall_at_ten_and_at_a_hundred() -> None:
    """A relevant record at rank 11 counts for recall@100 only; nothing relevant: 0."""
    ranked = [f"x{i}" for i in range(10)] + ["a"]
    q = score_query("q1", "t", ranked, {"a": 1, "b": 1})
    assert (q.recall10, q.recall100, q.rr) == (0.0, 0.5, pytest.approx(1 / 11))
    tenth = score_query("q1", "t", ranked[:9] + ["a"], {"a": 1})
    assert (tenth.recall10, tenth.rr) == (1.0, 0.1)
    far = score_query("q1", "t", [f"x{i}" for i in range(100)] + ["a"], {"a": 1})
    assert (far.recall100, far.rr) == (0.0, pytest.approx(1 / 101))
    none = score_query("q2", "t", ["a"], {"a": 0})
    assert (none.ndcg10, none.recall10, none.recall100, none.rr, none.relevant) == (
        0.0, 0.0, 0.0, 0.0, 0)
    assert none.ranked == ["a"] and (none.qid, none.query) == ("q2", "t")


def test_ndcg_at_ten_and_at_k() -> None:
    grades = {f"d{i}": 1 for i in range(12)}
    ideal = sum(1 / math.log2(i + 2) for i in range(10))
    # the eleventh relevant row is below the cut, and so is the ideal's
    assert ndcg([f"d{i}" for i in range(12)], grades) == pytest.approx(1.0)
    assert ndcg(["x"] * 10 + ["d0"], grades) == 0.0
    assert ndcg(["x", "d0"], grades) == pytest.approx((1 / math.log2(3)) / ideal)
    assert ndcg(["d0", "x", "d1"], {"d0": 2, "d1": 1}, k=2) == pytest.approx(
        3 / (3 + 1 / math.log2(3)))
    assert ndcg(["d0"], {}) == 0.0
    assert ndcg(["d0"], {"d0": 3}) == 1.0


def test_means_and_summary_leave_out_queries_with_nothing_relevant() -> None:
    scores = Evaluation([
        score_query("q1", "a", ["d1"], {"d1": 2}),
        score_query("q2", "b", ["x", "d2"], {"d2": 1, "d3": 1}),
        score_query("q3", "c", ["y"], {}),
    ])
    q2 = scores.queries[1]
    assert scores.summary() == {
        "nDCG@10": pytest.approx((1 + q2.ndcg10) / 2), "recall@10": 0.75,
        "recall@100": 0.75, "MRR": 0.75}
    assert list(scores.summary()) == ["nDCG@10", "recall@10", "recall@100", "MRR"]
    assert Evaluation([score_query("q3", "c", [], {})]).mean("rr") == 0.0
    assert Evaluation([]).summary() == {"nDCG@10": 0.0, "recall@10": 0.0, "recall@100": 0.0,
                                        "MRR": 0.0}


def test_run_lines_fall_by_a_step_at_least() -> None:
    assert RUN_STEP == 0.0001
    assert run_lines("q", [("a", 2.0), ("b", 2.0), ("c", 1.0), ("d", 3)], "t") == [
        "q Q0 a 1 2.0000 t", "q Q0 b 2 1.9999 t", "q Q0 c 3 1.0000 t", "q Q0 d 4 0.9999 t"]
    assert run_lines("q", [("a", 1.0, False), ("b", 0.5, True)], "t") == [
        "q Q0 a 1 1.0000 t", "q Q0 b 2 0.5000 t.related"]
    assert run_lines("q", [], "t") == []


def test_read_queries_and_qrels_skip_comments_and_blank_lines(tmp_path: Path) -> None:
    queries = tmp_path / "queries.tsv"
    queries.write_text("# qid<TAB>query\n q1 \t 空母 潜水艦 \n\n  \nq2\tA\tB\nq3\n",
                       encoding="utf-8")
    assert read_queries(queries) == [("q1", "空母 潜水艦"), ("q2", "A\tB"), ("q3", "")]
    qrels = tmp_path / "qrels.txt"
    qrels.write_text("# qid 0 docid grade\nq1 0 d1 2\n\nq1 0 d2 0\n   \nq2 0 d1 1\n",
                     encoding="utf-8")
    assert read_qrels(qrels) == {"q1": {"d1": 2, "d2": 0}, "q2": {"d1": 1}}
    assert read_qrels(str(qrels))["q2"] == {"d1": 1}


def test_the_engine_ranks_a_hundred_not_a_page_of_twenty(tmp_path: Path) -> None:
    """25 articles hold 演習: all 25 are ranked (a page is 20 by default)."""
    root, _ = served(tmp_path, [[record(f"e{n:02d}", "2024-01-01", title="演習",
                                        body="演習" * (n + 1)) for n in range(25)]])
    with Engine(root) as engine:
        ranked = engine_ranker(engine)("演習")
    assert len(ranked) == 25 and {d for d, *_ in ranked} == {f"e{n:02d}" for n in range(25)}
    assert all(related is False for *_, related in ranked)
