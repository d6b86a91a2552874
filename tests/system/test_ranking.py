"""The judged query set (tests/judged/): ranking must not regress below the floors."""

from __future__ import annotations

from pathlib import Path

import pytest

import manage
from search.engine import Engine
from search.evaluate import Evaluation, evaluate, read_kinds, read_qrels, read_queries
from search.indexer import reindex

JUDGED = Path(__file__).parent.parent / "judged"
# The original set (q01–q43), measured when these floors were set: nDCG@10 0.908, recall@100
# 0.906 (mode C + sub-words; without sub-words 0.900 / 0.895). A little below, so that only a
# real regression fails.
ORIGINAL = 43
NDCG10_FLOOR = 0.88
RECALL100_FLOOR = 0.88
# Per kind (tests/judged/kinds.tsv), over the whole set: (nDCG@10, recall@100), each a little
# below what kirinuki scores after the search-quality work of issue 14 (partial matches,
# readings, English terms, corrections, related articles; the "after" table in
# tests/judged/README.md), so that a real regression of any kind fails, and never below the
# issue's 0.85 nDCG@10. Before that work: partial 0.600, reading 0.000, typo 0.100, english
# 0.295 nDCG@10.
KIND_FLOORS = {
    "single": (0.95, 0.98),
    "several": (0.92, 0.98),
    "partial": (0.85, 0.89),
    "compound": (0.92, 0.88),
    "variant": (0.94, 0.98),
    "reading": (0.89, 0.93),
    "typo": (0.97, 0.96),
    "name": (0.95, 0.98),
    "english": (0.91, 0.94),
    "syntax": (0.91, 0.96),
}
# The whole set: issue 14's targets (measured 0.931 / 0.953 when they were set).
NDCG10_TARGET = 0.93
RECALL100_TARGET = 0.95
# Kinds the issue asked the judged set to cover, each with at least ten queries.
NEW_KINDS = ("partial", "reading", "typo", "compound", "name", "english", "none")


@pytest.fixture(scope="module")
def evaluation(tmp_path_factory):
    root = tmp_path_factory.mktemp("ix")
    reindex(root)
    engine = Engine(root)
    yield evaluate(read_queries(JUDGED / "queries.tsv"), read_qrels(JUDGED / "qrels.txt"),
                   engine), root
    engine.close()


def test_judged_set_is_big_enough():
    queries = read_queries(JUDGED / "queries.tsv")
    qrels = read_qrels(JUDGED / "qrels.txt")
    assert len(queries) >= 120
    assert {qid for qid, _ in queries} >= set(qrels)
    assert len({qid for qid, _ in queries}) == len(queries)


def test_every_query_has_one_kind_and_the_new_kinds_are_covered():
    queries = [qid for qid, _ in read_queries(JUDGED / "queries.tsv")]
    kinds = read_kinds(JUDGED / "kinds.tsv")
    assert sorted(kinds) == sorted(queries)
    assert set(kinds.values()) == {*KIND_FLOORS, "none"}
    for kind in NEW_KINDS:
        assert sum(1 for k in kinds.values() if k == kind) >= 10, kind


def test_ndcg_floor(evaluation):
    result, _ = evaluation
    summary = Evaluation([q for q in result.queries if int(q.qid[1:]) <= ORIGINAL]).summary()
    assert summary["nDCG@10"] >= NDCG10_FLOOR, summary
    assert summary["recall@100"] >= RECALL100_FLOOR, summary


def test_the_targets_of_issue_14(evaluation):
    result, _ = evaluation
    summary = result.summary()
    assert summary["nDCG@10"] >= NDCG10_TARGET, summary
    assert summary["recall@100"] >= RECALL100_TARGET, summary


def test_floors_by_kind(evaluation):
    result, _ = evaluation
    rows = {r.kind: r for r in result.by_kind(read_kinds(JUDGED / "kinds.tsv"))}
    low = {kind: (round(rows[kind].ndcg10, 3), round(rows[kind].recall100, 3))
           for kind, (ndcg, recall) in KIND_FLOORS.items()
           if rows[kind].ndcg10 < ndcg or rows[kind].recall100 < recall}
    assert low == {}


def test_queries_that_should_find_nothing(evaluation):
    result, _ = evaluation
    empty = [q for q in result.queries if q.relevant == 0]
    assert len(empty) >= 3
    for q in empty:
        assert q.ranked == [], (q.qid, q.query, q.ranked[:5])


def test_evaluate_command(evaluation, tmp_path, capsys):
    _, root = evaluation
    run = tmp_path / "run.txt"
    assert manage.main(["--index", str(root), "evaluate", "--queries",
                        str(JUDGED / "queries.tsv"), "--qrels", str(JUDGED / "qrels.txt"),
                        "--run", str(run)]) == 0
    assert "nDCG@10" in capsys.readouterr().out
    first = run.read_text().splitlines()[0].split()
    assert first[1] == "Q0" and first[3] == "1" and first[5] == "kirinuki"


def test_evaluate_command_prints_the_table_by_kind(evaluation, capsys):
    _, root = evaluation
    assert manage.main(["--index", str(root), "evaluate", "--queries",
                        str(JUDGED / "queries.tsv"), "--qrels", str(JUDGED / "qrels.txt"),
                        "--kinds", str(JUDGED / "kinds.tsv")]) == 0
    out = capsys.readouterr().out
    table = out[out.index("| kind |"):].splitlines()
    assert table[0] == "| kind | n | kirinuki nDCG@10 | kirinuki R@100 | kirinuki MRR |"
    assert [row.split(" | ")[0][2:] for row in table[2:]] == [
        "single", "several", "partial", "compound", "variant", "reading", "typo", "name",
        "english", "syntax", "none", "all"]
    assert table[-2] == "| none | 15 | 15/15 empty | – | – |"
    assert table[-1].startswith("| all | 125 | ")


def test_evaluate_command_names_queries_without_a_kind(evaluation, tmp_path, capsys):
    _, root = evaluation
    kinds = tmp_path / "kinds.tsv"
    kinds.write_text("q01\tsingle\n", encoding="utf-8")
    assert manage.main(["--index", str(root), "evaluate", "--queries",
                        str(JUDGED / "queries.tsv"), "--qrels", str(JUDGED / "qrels.txt"),
                        "--kinds", str(kinds)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(f"error: {kinds} gives no kind for q02, q03, q04, ")
    assert captured.err.endswith(", q125: add a line qid<TAB>kind for each\n")


def test_bigram_baseline_table(evaluation, capsys):
    """benchmarks/bigram_bm25.py: kirinuki beside the baseline, by kind. The baseline's columns
    depend on the corpus and the judgements only, so they must equal the README's."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
    import bigram_bm25

    _, root = evaluation
    assert bigram_bm25.main(["--index", str(root)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == ("| kind | n | kirinuki nDCG@10 | kirinuki R@100 | kirinuki MRR | "
                        "bigram nDCG@10 | bigram R@100 | bigram MRR |")
    readme = (JUDGED / "README.md").read_text(encoding="utf-8").splitlines()
    before = readme[readme.index(lines[0]):][:len(lines)]

    def baseline(rows: list[str]) -> list[list[str]]:
        # cells: "| kind", n, kirinuki ×3, bigram ×3 (the last with " |")
        return [[cells[0], cells[1], *cells[5:8]] for cells in (r.split(" | ") for r in rows)]

    assert baseline(before) == baseline(lines)
