"""The judged query set (tests/judged/): ranking must not regress below the floors."""

from __future__ import annotations

from pathlib import Path

import pytest

import manage
from search.engine import Engine
from search.engine.evaluate import Evaluation, evaluate, read_kinds, read_qrels, read_queries
from search.index.build import reindex

JUDGED = Path(__file__).parent.parent / "judged"
BLIND = JUDGED / "blind"
DEV = JUDGED / "dev"
DEV2 = JUDGED / "dev2"
DEV3 = JUDGED / "dev3"
DEV4 = JUDGED / "dev4"
# The original set (q01–q43), measured when these floors were set: nDCG@10 0.908, recall@100
# 0.906 (mode C + sub-words; without sub-words 0.900 / 0.895). A little below, so that only a
# real regression fails.
ORIGINAL = 43
NDCG10_FLOOR = 0.88
RECALL100_FLOOR = 0.88
# Per kind (tests/judged/kinds.tsv), over the whole set, the matches alone (not the related
# articles listed after them): (nDCG@10, recall@100) as kirinuki scored before issue 19
# (commit 7bec4e5), which no kind may fall below. Before issue 14: partial 0.600, reading
# 0.000, typo 0.100, english 0.295 nDCG@10.
KIND_FLOORS = {
    "single": (0.965, 0.981),
    "several": (0.936, 0.967),
    "partial": (0.852, 0.853),
    "compound": (0.911, 0.818),
    "variant": (0.957, 0.988),
    "reading": (0.907, 0.913),
    "typo": (0.958, 0.932),
    "name": (0.960, 0.990),
    "english": (0.928, 0.918),
    "syntax": (0.926, 0.975),
}
# The whole set, matches alone, before issue 19 (issue 14's targets, 0.93 / 0.95, were met
# counting the related articles, which issue 19 narrowed to those sharing the topic).
NDCG10_TARGET = 0.924
RECALL100_TARGET = 0.918
# Kinds the issue asked the judged set to cover, each with at least ten queries.
NEW_KINDS = ("partial", "reading", "typo", "compound", "name", "english", "none")
# The blind set (tests/judged/blind), matches alone: a little below what kirinuki scores
# after the fourth round of issue 19 (0.924 / 0.917; after its first round 0.906 / 0.885,
# before it 0.888 / 0.863). The issue's targets, 0.93 / 0.95 and no kind below 0.85, are not
# met (tests/judged/README.md).
BLIND_FLOORS = (0.91, 0.90)
# The development set (tests/judged/dev): 0.921 / 0.871 after the fourth round of issue 19
# (0.865 / 0.803 after its first, 0.790 / 0.722 before it).
DEV_FLOORS = (0.90, 0.85)
# The second development set (tests/judged/dev2): 0.748 / 0.691 when judged, 0.838 / 0.805
# after the round that added regions, synonym groups and English terms for what it missed,
# 0.846 / 0.819 after the narrower terms and the archive's synonym groups.
DEV2_FLOORS = (0.83, 0.80)
# The third development set (tests/judged/dev3): 0.830 / 0.812 when judged (2ddeefe).
DEV3_FLOORS = (0.81, 0.79)
# The fourth development set (tests/judged/dev4): 0.822 / 0.793 when judged (6311377),
# 0.862 / 0.831 when its second half was added (g01–g24 alone 0.843 / 0.819 → 0.924 / 0.895).
DEV4_FLOORS = (0.84, 0.81)


def _scored(folder: Path, engine) -> Evaluation:
    return evaluate(read_queries(folder / "queries.tsv"), read_qrels(folder / "qrels.txt"),
                    engine, matches_only=True)


@pytest.fixture(scope="module")
def evaluation(tmp_path_factory):
    root = tmp_path_factory.mktemp("ix")
    reindex(root)
    engine = Engine(root)
    yield _scored(JUDGED, engine), root, engine
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
    result, *_ = evaluation
    summary = Evaluation([q for q in result.queries if int(q.qid[1:]) <= ORIGINAL]).summary()
    assert summary["nDCG@10"] >= NDCG10_FLOOR, summary
    assert summary["recall@100"] >= RECALL100_FLOOR, summary


def test_the_whole_set_no_lower_than_before_issue_19(evaluation):
    result, *_ = evaluation
    summary = result.summary()
    assert summary["nDCG@10"] >= NDCG10_TARGET, summary
    assert summary["recall@100"] >= RECALL100_TARGET, summary


def test_floors_by_kind(evaluation):
    result, *_ = evaluation
    rows = {r.kind: r for r in result.by_kind(read_kinds(JUDGED / "kinds.tsv"))}
    # compared as the figures were recorded, to three places
    now = {kind: (round(r.ndcg10, 3), round(r.recall100, 3)) for kind, r in rows.items()}
    low = {kind: now[kind] for kind, (ndcg, recall) in KIND_FLOORS.items()
           if now[kind][0] < ndcg or now[kind][1] < recall}
    assert low == {}


def test_queries_that_should_find_nothing(evaluation):
    result, *_ = evaluation
    empty = [q for q in result.queries if q.relevant == 0]
    assert len(empty) >= 3
    for q in empty:
        assert q.ranked == [], (q.qid, q.query, q.ranked[:5])


def test_evaluate_command(evaluation, tmp_path, capsys):
    _, root, _ = evaluation
    run = tmp_path / "run.txt"
    assert manage.main(["--index", str(root), "evaluate", "--queries",
                        str(JUDGED / "queries.tsv"), "--qrels", str(JUDGED / "qrels.txt"),
                        "--run", str(run)]) == 0
    assert "nDCG@10" in capsys.readouterr().out
    lines = [line.split() for line in run.read_text().splitlines()]
    first = lines[0]
    assert first[1] == "Q0" and first[3] == "1" and first[5] == "kirinuki"
    # per query, the scores fall with the rank, and the related articles follow the
    # matches, marked
    by_query: dict[str, list[list[str]]] = {}
    for line in lines:
        by_query.setdefault(line[0], []).append(line)
    related = 0
    for rows in by_query.values():
        assert [int(r[3]) for r in rows] == list(range(1, len(rows) + 1))
        scores = [float(r[4]) for r in rows]
        assert all(a > b for a, b in zip(scores, scores[1:], strict=False)), rows[0][0]
        tags = [r[5] for r in rows]
        assert tags == sorted(tags, key=lambda t: t == "kirinuki.related")
        related += tags.count("kirinuki.related")
    assert related > 0


def test_evaluate_command_scores_the_matches_alone(evaluation, capsys):
    result, root, _ = evaluation
    args = ["--index", str(root), "evaluate", "--queries", str(JUDGED / "queries.tsv"),
            "--qrels", str(JUDGED / "qrels.txt")]
    assert manage.main([*args, "--matches-only"]) == 0
    alone = capsys.readouterr().out.splitlines()[-1]
    assert alone == "  ".join(f"{k} {v:.3f}" for k, v in result.summary().items())
    assert manage.main(args) == 0
    assert capsys.readouterr().out.splitlines()[-1] != alone  # the related articles count


def test_evaluate_command_prints_the_table_by_kind(evaluation, capsys):
    _, root, _ = evaluation
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
    _, root, _ = evaluation
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

    _, root, _ = evaluation
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


# ------------------------------------------------------------------ the blind and dev sets

@pytest.mark.parametrize(("folder", "least"), [(BLIND, 60), (DEV, 50)])
def test_the_other_sets_are_complete(folder, least):
    queries = read_queries(folder / "queries.tsv")
    kinds = read_kinds(folder / "kinds.tsv")
    assert len(queries) >= least and sorted(kinds) == sorted(q for q, _ in queries)
    qrels = read_qrels(folder / "qrels.txt")
    assert set(qrels) <= set(kinds)
    absent = [q for q, k in kinds.items() if k == "none"]
    assert len(absent) >= 8 and not set(absent) & set(qrels)


@pytest.mark.parametrize(("folder", "size"), [(DEV2, 48), (DEV3, 48), (DEV4, 48)])
def test_the_second_to_fourth_development_sets_are_complete(folder, size):
    """dev2, dev3 and dev4 hold no absent topics: every query has records judged relevant."""
    queries = read_queries(folder / "queries.tsv")
    kinds = read_kinds(folder / "kinds.tsv")
    assert len(queries) == size and sorted(kinds) == sorted(q for q, _ in queries)
    qrels = read_qrels(folder / "qrels.txt")
    assert sorted(qrels) == sorted(kinds)
    assert all(any(grade > 0 for grade in qrels[q].values()) for q in qrels)


@pytest.mark.parametrize(("folder", "floors"), [(BLIND, BLIND_FLOORS), (DEV, DEV_FLOORS),
                                                (DEV2, DEV2_FLOORS), (DEV3, DEV3_FLOORS),
                                                (DEV4, DEV4_FLOORS)])
def test_the_other_sets(evaluation, folder, floors):
    *_, engine = evaluation
    result = _scored(folder, engine)
    summary = result.summary()
    assert summary["nDCG@10"] >= floors[0] and summary["recall@100"] >= floors[1], summary
    # every topic the archive does not hold finds nothing
    found = {q.query: q.ranked[:3] for q in result.queries if not q.relevant and q.ranked}
    assert found == {}
