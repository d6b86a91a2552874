"""Scoring the engine against judged queries: nDCG@10, recall@10, recall@100 and MRR.

Queries are TSV (``qid<TAB>query``), judgements TREC qrels (``qid 0 docid grade``); a run
file in TREC format (``qid Q0 docid rank score tag``) can be written for other tools.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

from .engine import Engine, SearchRequest


@dataclass
class QueryScore:
    qid: str
    query: str
    ndcg10: float
    recall10: float
    recall100: float
    rr: float
    relevant: int
    ranked: list[str] = field(default_factory=list)


@dataclass
class Evaluation:
    queries: list[QueryScore]

    def mean(self, attr: str) -> float:
        # Queries with no relevant document (should-find-nothing ones) are judged by
        # whether they return nothing; they are left out of the averages.
        scored = [getattr(q, attr) for q in self.queries if q.relevant]
        return sum(scored) / len(scored) if scored else 0.0

    def summary(self) -> dict[str, float]:
        return {"nDCG@10": self.mean("ndcg10"), "recall@10": self.mean("recall10"),
                "recall@100": self.mean("recall100"), "MRR": self.mean("rr")}


def read_queries(path: str | Path) -> list[tuple[str, str]]:
    rows = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        qid, _, text = line.partition("\t")
        rows.append((qid.strip(), text.strip()))
    return rows


def read_qrels(path: str | Path) -> dict[str, dict[str, int]]:
    qrels: dict[str, dict[str, int]] = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        qid, _zero, docid, grade = line.split()
        qrels.setdefault(qid, {})[docid] = int(grade)
    return qrels


def ndcg(ranked: list[str], grades: dict[str, int], k: int = 10) -> float:
    dcg = sum((2 ** grades.get(d, 0) - 1) / math.log2(i + 2) for i, d in enumerate(ranked[:k]))
    ideal = sorted(grades.values(), reverse=True)[:k]
    idcg = sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def evaluate(queries: list[tuple[str, str]], qrels: dict[str, dict[str, int]],
             engine: Engine, run_path: str | Path | None = None,
             tag: str = "kirinuki") -> Evaluation:
    scores = []
    run_lines = []
    for qid, text in queries:
        result = engine.search(SearchRequest(q=text, page_size=100, sort="relevance"))
        ranked = [h.id for h in result.results]
        grades = {d: g for d, g in qrels.get(qid, {}).items() if g > 0}
        relevant = set(grades)
        rr = next((1 / (i + 1) for i, d in enumerate(ranked) if d in relevant), 0.0)
        scores.append(QueryScore(
            qid, text, ndcg(ranked, grades),
            len(relevant & set(ranked[:10])) / len(relevant) if relevant else 0.0,
            len(relevant & set(ranked[:100])) / len(relevant) if relevant else 0.0,
            rr, len(relevant), ranked))
        run_lines += [f"{qid} Q0 {d} {i + 1} {h.score:.4f} {tag}"
                      for i, (d, h) in enumerate(zip(ranked, result.results, strict=True))]
    if run_path:
        Path(run_path).write_text("\n".join(run_lines) + "\n", encoding="utf-8")
    return Evaluation(scores)
