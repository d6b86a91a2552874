"""The pool to judge for a query: kirinuki's top 30, the bigram baseline's top 30, and grep.

    python tests/judged/pool.py q44 q45 …            # queries from queries.tsv
    python tests/judged/pool.py --grep 'きしだ=岸田|岸防衛相' q52
    python tests/judged/pool.py --text 'Osprey 配備' --grep 'オスプレイ|Osprey|MV-22'
    python tests/judged/pool.py --brief q44                # titles only
    python tests/judged/pool.py --queries tests/judged/blind/queries.tsv \
        --qrels tests/judged/blind/qrels.txt b01             # the blind set

For each query, every pooled record is printed once, with where it came from (``k12`` =
kirinuki rank 12, ``b3`` = bigram rank 3, ``g`` = the grep), its grade if qrels.txt already
has one, and its title, summary and notes in full: the judge reads these, not the ranks.
``--grep`` is a regular expression (Python ``re``, case-insensitive) over title, summary and
notes; write in it the query's words and their variants, readings and translations.
Queries are run against the index in ``--index`` (built first if missing).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import bigram_bm25  # noqa: E402

DEPTH = 30


def pool(kirinuki: list[str], bigram: list[str], grep: list[str]) -> list[tuple[str, str]]:
    """(record id, where from) of the union, in order of first appearance: k, then b, then g."""
    origin: dict[str, list[str]] = {}
    for tag, ids in (("k", kirinuki), ("b", bigram)):
        for rank, doc in enumerate(ids[:DEPTH], 1):
            origin.setdefault(doc, []).append(f"{tag}{rank}")
    for doc in grep:
        origin.setdefault(doc, []).append("g")
    return [(doc, " ".join(tags)) for doc, tags in origin.items()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("qids", nargs="*")
    parser.add_argument("--text", help="a query not (yet) in queries.tsv")
    parser.add_argument("--grep", default="", help="regular expression over the records")
    parser.add_argument("--brief", action="store_true", help="titles only, no summaries")
    parser.add_argument("--qrels", default=str(HERE / "qrels.txt"),
                        help="grades to show next to pooled records (default: qrels.txt)")
    parser.add_argument("--queries", default=str(HERE / "queries.tsv"),
                        help="the queries the qids name (default: queries.tsv; the blind set: "
                             "blind/queries.tsv)")
    parser.add_argument("--index", default=None)
    args = parser.parse_args(argv)

    from search.config import index_dir
    from search.corpus.loading import load_corpus
    from search.engine import Engine
    from search.engine.evaluate import engine_ranker, read_qrels, read_queries
    from search.index.build import reindex
    from search.index.store import outdated

    texts = dict(read_queries(args.queries))
    qrels = read_qrels(args.qrels)
    records = {r.id: r for r in load_corpus().records}
    baseline = bigram_bm25.BigramBM25([(i, bigram_bm25.record_text(r))
                                       for i, r in records.items()])
    root = index_dir(args.index)
    if outdated(root) is not None:
        reindex(root)
    engine = Engine(root)
    rank = engine_ranker(engine)
    todo = [(q, texts[q]) for q in args.qids] + ([("new", args.text)] if args.text else [])
    pattern = re.compile(args.grep, re.I) if args.grep else None
    try:
        for qid, text in todo:
            grep = [i for i, r in records.items()
                    if pattern and pattern.search(bigram_bm25.record_text(r))]
            rows = pool([d for d, *_ in rank(text)], [d for d, _ in baseline(text)], grep)
            print(f"\n##### {qid}  {text}  ({len(rows)} pooled)")
            for doc, tags in rows:
                r = records[doc]
                grade = qrels.get(qid, {}).get(doc)
                head = (f"[{doc}] ({tags}){'' if grade is None else f' graded {grade}'} "
                        f"{r.date} {r.title}")
                print(head if args.brief else head + f"\n    {r.summary}"
                      + "".join(f"\n    注: {n}" for n in r.notes))
    finally:
        engine.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
