"""Scoring the engine against judged queries: nDCG@10, recall@10, recall@100 and MRR.

Queries are TSV (``qid<TAB>query``), judgements TREC qrels (``qid 0 docid grade``), kinds TSV
(``qid<TAB>kind``); a run file in TREC format (``qid Q0 docid rank score tag``) can be
written for other tools. Anything that ranks record ids for a query text (a ``Ranker``) can
be scored the same way as the engine, so a baseline is measured on the same footing.

The engine's page lists its matches, then (on the last page of a relevance search) related
articles that do not hold the words. Both are scored by default, as the page shows them;
``matches_only`` scores the matches alone. In a run the related rows carry the tag
``<tag>.related``, and every score falls with the rank (tools such as trec_eval order by
score, and the related articles' Bo1 weights are far above the matches' BM25 scores).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .searching import Engine, SearchRequest

# A query text → (record id, score) pairs, best first; the engine's also say which rows are
# related articles (record id, score, related).
Ranker = Callable[[str], list[tuple[str, float]] | list[tuple[str, float, bool]]]
DEPTH = 100  # how many results a query is scored on (recall@100)
RUN_STEP = 0.0001  # how far a run's score falls, at least, from one rank to the next


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
class KindScore:
    """The means of one kind of query; ``found_nothing`` counts queries with nothing judged
    relevant (they must find nothing) that indeed returned no result."""

    kind: str
    queries: int
    judged: int  # queries with at least one relevant record: the means are over these
    ndcg10: float
    recall100: float
    mrr: float
    found_nothing: int


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

    def by_kind(self, kinds: dict[str, str]) -> list[KindScore]:
        """One row per kind, in the order kinds first appear in ``kinds``, then ``all``."""
        scored = {q.qid for q in self.queries}
        order = list(dict.fromkeys(k for qid, k in kinds.items() if qid in scored))
        rows = [_kind_row(k, [q for q in self.queries if kinds.get(q.qid) == k])
                for k in order]
        return [*rows, _kind_row("all", self.queries)]


def _kind_row(kind: str, scores: list[QueryScore]) -> KindScore:
    sub = Evaluation(scores)
    return KindScore(kind, len(scores), sum(1 for q in scores if q.relevant),
                     sub.mean("ndcg10"), sub.mean("recall100"), sub.mean("rr"),
                     sum(1 for q in scores if not q.relevant and not q.ranked))


def kind_table(systems: dict[str, Evaluation], kinds: dict[str, str]) -> str:
    """A Markdown table: per kind, n and each system's nDCG@10, recall@100 and MRR.

    A kind whose queries all have nothing relevant shows, for each system, how many of them
    returned nothing (``5/5 empty``) instead of the means.
    """
    rows = {name: ev.by_kind(kinds) for name, ev in systems.items()}
    head = ["kind", "n"]
    for name in systems:
        head += [f"{name} nDCG@10", f"{name} R@100", f"{name} MRR"]
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    first = next(iter(rows.values()))
    for i, row in enumerate(first):
        cells = [row.kind, str(row.queries)]
        for name in systems:
            r = rows[name][i]
            if r.judged:
                cells += [f"{r.ndcg10:.3f}", f"{r.recall100:.3f}", f"{r.mrr:.3f}"]
            else:
                cells += [f"{r.found_nothing}/{r.queries} empty", "–", "–"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def read_queries(path: str | Path) -> list[tuple[str, str]]:
    rows = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        qid, _, text = line.partition("\t")
        rows.append((qid.strip(), text.strip()))
    return rows


def read_kinds(path: str | Path) -> dict[str, str]:
    """``qid<TAB>kind`` lines (``#`` comments) as a dict, in the file's order."""
    return dict(read_queries(path))


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


def engine_ranker(engine: Engine, related: bool = True) -> Ranker:
    """The engine's relevance order, as the search page lists it (top ``DEPTH``): the
    matches, then, when they end on that page and ``related``, the related articles below
    them, marked."""
    def rank(text: str) -> list[tuple[str, float, bool]]:
        result = engine.search(SearchRequest(q=text, page_size=DEPTH, sort="relevance",
                                             related=related))
        return ([(h.id, h.score, False) for h in result.results]
                + [(h.id, h.score, True) for h in result.related])[:DEPTH]
    return rank


def run_lines(qid: str, hits: list[tuple], tag: str) -> list[str]:
    """TREC run lines for one query, in the order given, with scores that fall with the
    rank: each the hit's own score, or a step below the one before where that is lower."""
    lines = []
    last = math.inf
    for i, (doc, score, *mark) in enumerate(hits):
        last = min(float(score), last - RUN_STEP)
        kind = f"{tag}.related" if mark and mark[0] else tag
        lines.append(f"{qid} Q0 {doc} {i + 1} {last:.4f} {kind}")
    return lines


def score_query(qid: str, text: str, ranked: list[str],
                grades: dict[str, int]) -> QueryScore:
    """One query's figures; ``grades`` may hold grade-0 lines (near misses), ignored here."""
    gains = {d: g for d, g in grades.items() if g > 0}
    relevant = set(gains)
    rr = next((1 / (i + 1) for i, d in enumerate(ranked) if d in relevant), 0.0)
    return QueryScore(
        qid, text, ndcg(ranked, gains),
        len(relevant & set(ranked[:10])) / len(relevant) if relevant else 0.0,
        len(relevant & set(ranked[:100])) / len(relevant) if relevant else 0.0,
        rr, len(relevant), ranked)


def evaluate(queries: list[tuple[str, str]], qrels: dict[str, dict[str, int]],
             engine: Engine | Ranker, run_path: str | Path | None = None,
             tag: str = "kirinuki", matches_only: bool = False) -> Evaluation:
    """Score every query's top ``DEPTH`` from the engine (or any ``Ranker``); with
    ``matches_only``, the rows a ranker marks as related are left out of the scores (the run
    still holds them, marked)."""
    rank = engine_ranker(engine) if isinstance(engine, Engine) else engine
    scores = []
    lines = []
    for qid, text in queries:
        hits = rank(text)[:DEPTH]
        ranked = [d for d, _, *mark in hits if not (matches_only and mark and mark[0])]
        scores.append(score_query(qid, text, ranked, qrels.get(qid, {})))
        lines += run_lines(qid, hits, tag)
    if run_path:
        Path(run_path).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return Evaluation(scores)
