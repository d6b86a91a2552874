"""Scoring judged queries by kind (search/engine/evaluate.py) and the bigram BM25 baseline
(benchmarks/bigram_bm25.py), on hand-made rankings and documents: no index."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pytest

from search.engine.evaluate import (
    Evaluation,
    KindScore,
    evaluate,
    kind_table,
    read_kinds,
    score_query,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import bigram_bm25  # noqa: E402


def test_score_query_ignores_grade_zero_lines():
    q = score_query("q1", "空母", ["a", "x", "b"], {"a": 2, "b": 1, "c": 0})
    dcg = 3 / math.log2(2) + 1 / math.log2(4)
    assert q.ndcg10 == pytest.approx(dcg / (3 + 1 / math.log2(3)))
    assert (q.recall10, q.recall100, q.rr, q.relevant) == (1.0, 1.0, 1.0, 2)


def test_score_query_first_relevant_at_rank_three():
    q = score_query("q1", "空母", ["x", "y", "b"], {"a": 2, "b": 1})
    assert (q.recall100, q.rr, q.relevant) == (0.5, pytest.approx(1 / 3), 2)


def scores() -> Evaluation:
    return Evaluation([
        score_query("q1", "a", ["d1"], {"d1": 2}),            # 1.0 everywhere
        score_query("q2", "b", ["x", "d2"], {"d2": 1, "d3": 1}),
        score_query("q3", "c", [], {}),                      # must find nothing: did
        score_query("q4", "d", ["x"], {}),                   # must find nothing: did not
    ])


def test_by_kind_rows_in_order_of_the_kinds_file_then_all():
    rows = scores().by_kind({"q3": "none", "q1": "single", "q2": "single", "q4": "none"})
    q2 = score_query("q2", "b", ["x", "d2"], {"d2": 1, "d3": 1})
    assert rows == [
        KindScore("none", 2, 0, 0.0, 0.0, 0.0, 1),
        KindScore("single", 2, 2, (1 + q2.ndcg10) / 2, 0.75, 0.75, 0),
        KindScore("all", 4, 2, (1 + q2.ndcg10) / 2, 0.75, 0.75, 1),
    ]


def test_kind_table_shows_empty_counts_for_kinds_with_nothing_relevant():
    kinds = {"q1": "single", "q2": "single", "q3": "none", "q4": "none"}
    table = kind_table({"k": scores(), "b": Evaluation(scores().queries[:2]
                                                       + [score_query("q3", "c", [], {}),
                                                          score_query("q4", "d", [], {})])},
                       kinds)
    assert table.splitlines() == [
        "| kind | n | k nDCG@10 | k R@100 | k MRR | b nDCG@10 | b R@100 | b MRR |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
        "| single | 2 | 0.693 | 0.750 | 0.750 | 0.693 | 0.750 | 0.750 |",
        "| none | 2 | 1/2 empty | – | – | 2/2 empty | – | – |",
        "| all | 4 | 0.693 | 0.750 | 0.750 | 0.693 | 0.750 | 0.750 |",
    ]


def test_read_kinds_skips_comments(tmp_path: Path):
    path = tmp_path / "kinds.tsv"
    path.write_text("# qid<TAB>kind\nq2\tname\n\nq1\tsingle\n", encoding="utf-8")
    assert list(read_kinds(path).items()) == [("q2", "name"), ("q1", "single")]


def test_evaluate_takes_any_ranker_and_writes_its_run(tmp_path: Path):
    run = tmp_path / "run.txt"

    def ranker(text: str) -> list[tuple[str, float]]:
        return [("d2", 2.5), ("d1", 1.0)] if text == "b" else []

    result = evaluate([("q1", "b"), ("q2", "none")], {"q1": {"d1": 2}}, ranker, run, tag="t")
    assert [(q.qid, q.ranked, q.rr) for q in result.queries] == [
        ("q1", ["d2", "d1"], 0.5), ("q2", [], 0.0)]
    assert run.read_text().splitlines() == ["q1 Q0 d2 1 2.5000 t", "q1 Q0 d1 2 1.0000 t"]


def test_a_run_marks_related_rows_and_its_scores_fall_with_the_rank(tmp_path: Path):
    run = tmp_path / "run.txt"

    def ranker(text: str) -> list[tuple[str, float, bool]]:
        # partial matches after the full ones score higher; related articles (Bo1) far higher
        return [("d1", 5.0, False), ("d2", 7.5, False), ("d3", 40.0, True), ("d4", 1.0, True)]

    shown = evaluate([("q1", "x")], {"q1": {"d3": 2, "d1": 1}}, ranker, run, tag="t")
    assert run.read_text().splitlines() == [
        "q1 Q0 d1 1 5.0000 t", "q1 Q0 d2 2 4.9999 t", "q1 Q0 d3 3 4.9998 t.related",
        "q1 Q0 d4 4 1.0000 t.related"]
    assert shown.queries[0].ranked == ["d1", "d2", "d3", "d4"]
    alone = evaluate([("q1", "x")], {"q1": {"d3": 2, "d1": 1}}, ranker, matches_only=True)
    assert alone.queries[0].ranked == ["d1", "d2"]
    assert alone.queries[0].recall100 == 0.5 and shown.queries[0].recall100 == 1.0


def test_bigrams_fold_width_and_case_and_cut_at_punctuation():
    assert bigram_bm25.bigrams("日米豪比 Ｏｓｐｒｅｙ・配備、F-35") == [
        "日米", "米豪", "豪比", "os", "sp", "pr", "re", "ey", "配備", "f", "35"]


def test_query_text_keeps_only_the_words():
    assert bigram_bm25.query_text(
        '"海上協同活動" country:フィリピン date:2018 -イタリア エストニア OR ラトビア NOT 空母'
    ) == '"海上協同活動" フィリピン エストニア ラトビア 空母'


def test_bm25_scores_and_order():
    model = bigram_bm25.BigramBM25([("b", "日米豪 同盟国"), ("a", "日米同盟"), ("c", "防衛")])
    idf = math.log(1 + (3 - 2 + 0.5) / (2 + 0.5))
    avg = 8 / 3  # bigrams: a 3, b 4, c 1

    def part(f: int, length: int) -> float:
        return idf * f * 2.2 / (f + 1.2 * (0.25 + 0.75 * length / avg))

    assert model.rank("同盟") == [("a", pytest.approx(part(1, 3))),
                                  ("b", pytest.approx(part(1, 4)))]
    assert model.rank("防衛 -同盟") == [("c", pytest.approx(math.log(1 + 2.5 / 1.5) * 2.2
                                                            / (1 + 1.2 * (0.25 + 0.75 / avg))))]
    assert model.rank("安保") == []


def test_bm25_ties_are_broken_by_id():
    model = bigram_bm25.BigramBM25([("z", "空母"), ("m", "空母"), ("a", "空母")])
    assert [d for d, _ in model.rank("空母")] == ["a", "m", "z"]
