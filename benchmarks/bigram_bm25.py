"""A plain character-bigram BM25 over the corpus: the baseline of the judged set.

    python benchmarks/bigram_bm25.py [--queries F --qrels F --kinds F] [--index DIR]

Prints nDCG@10, recall@100 and MRR by kind of query (tests/judged/kinds.tsv) for kirinuki
(the index in ``--index``, built first if missing) and for this baseline, side by side: the
table in tests/judged/README.md.

The baseline knows nothing of Japanese: each record's title, summary and notes are NFKC-folded
and lower-cased, cut at whitespace and punctuation, and every run of characters becomes its
overlapping character pairs (a run of one character is itself). A query is cut the same
way and ranked as an OR of its distinct bigrams by BM25 (k1 1.2, b 0.75, Lucene's idf),
ties by record id, so it finds anything that shares a pair of characters with the query.
Query syntax is reduced to its words: ``field:`` prefixes are dropped (``date:`` terms
entirely), quotes and brackets are ignored, ``OR``/``AND``/``NOT`` are dropped and so are
excluded (``-word``) words. It exists so that the judged set is pooled from, and compared
with, something that matches differently from kirinuki's Sudachi words.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from search.corpus.records import Record  # noqa: E402

JUDGED = ROOT / "tests" / "judged"
K1 = 1.2
B = 0.75
# whitespace, ASCII and CJK punctuation, brackets and symbols: where a run of characters ends
_BREAK = re.compile(r"[\s\W_]+")
_OPERATORS = {"or", "and", "not"}


def runs(text: str) -> list[str]:
    """The NFKC-folded, lower-cased runs of word characters of ``text``."""
    return [r for r in _BREAK.split(unicodedata.normalize("NFKC", text).lower()) if r]


def bigrams(text: str) -> list[str]:
    """Every overlapping character pair of every run (a one-character run as itself)."""
    out: list[str] = []
    for run in runs(text):
        out += [run] if len(run) == 1 else [run[i:i + 2] for i in range(len(run) - 1)]
    return out


def query_text(query: str) -> str:
    """The words of a kirinuki query, its operators and field names removed."""
    words = []
    for word in unicodedata.normalize("NFKC", query).split():
        if word.startswith("-") or word.lower() in _OPERATORS:
            continue
        field, colon, value = word.partition(":")
        if colon and re.fullmatch(r"[a-z]+", field.lower()):
            if field.lower() == "date":
                continue
            word = value
        words.append(word)
    return " ".join(words)


def record_text(rec: Record) -> str:
    return "\n".join([rec.title, rec.summary, *rec.notes])


class BigramBM25:
    """BM25 over character bigrams of ``(id, text)`` documents, held in memory."""

    def __init__(self, docs: list[tuple[str, str]]) -> None:
        self.ids = [doc_id for doc_id, _ in docs]
        self.tf = [Counter(bigrams(text)) for _, text in docs]
        self.length = [sum(c.values()) for c in self.tf]
        self.avg = sum(self.length) / len(docs) if docs else 0.0
        self.df: Counter[str] = Counter()
        for c in self.tf:
            self.df.update(c.keys())

    def idf(self, term: str) -> float:
        n, df = len(self.ids), self.df.get(term, 0)
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def rank(self, query: str, limit: int | None = None) -> list[tuple[str, float]]:
        """(id, score) of every document sharing a bigram with ``query``, best first."""
        terms = list(dict.fromkeys(bigrams(query_text(query))))
        scores: dict[int, float] = {}
        for term in terms:
            if term not in self.df:
                continue
            idf = self.idf(term)
            for i, c in enumerate(self.tf):
                f = c.get(term)
                if f:
                    norm = K1 * (1 - B + B * self.length[i] / self.avg)
                    scores[i] = scores.get(i, 0.0) + idf * f * (K1 + 1) / (f + norm)
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1], self.ids[kv[0]]))
        return [(self.ids[i], s) for i, s in ranked[:limit]]

    __call__ = rank


def from_corpus(folder: str | Path | None = None) -> BigramBM25:
    """The baseline over every record of the corpus (default: the configured one)."""
    from search.corpus.loading import load_corpus

    return BigramBM25([(r.id, record_text(r)) for r in load_corpus(folder).records])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--queries", default=str(JUDGED / "queries.tsv"))
    parser.add_argument("--qrels", default=str(JUDGED / "qrels.txt"))
    parser.add_argument("--kinds", default=str(JUDGED / "kinds.tsv"))
    parser.add_argument("--corpus", default=None, help="corpus folder (default: the bundled)")
    parser.add_argument("--index", default=None, help="kirinuki's index (default: index/)")
    args = parser.parse_args(argv)

    from search.config import index_dir
    from search.engine import Engine
    from search.engine.evaluate import evaluate, kind_table, read_kinds, read_qrels, read_queries
    from search.index.build import reindex
    from search.index.store import outdated

    queries, qrels = read_queries(args.queries), read_qrels(args.qrels)
    kinds = read_kinds(args.kinds)
    root = index_dir(args.index)
    if outdated(root) is not None:
        reindex(root, args.corpus)
    engine = Engine(root)
    try:
        systems = {"kirinuki": evaluate(queries, qrels, engine),
                   "bigram": evaluate(queries, qrels, from_corpus(args.corpus))}
    finally:
        engine.close()
    print(kind_table(systems, kinds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
