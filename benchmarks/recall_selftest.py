"""A test of recall that needs no judgements: does a record's own wording find it?

    .venv/bin/python benchmarks/recall_selftest.py [--index DIR] [--seed N] [--summary]

For every record of the index, two and three nouns of its title (with ``--summary``, of its
title and the first 200 characters of its summary) are picked at random and searched as a
query; the record should be among the first 100 results. Each miss is printed with how the
query was understood. A miss is a place where what a user copies from an article does not
find it: issue 19's round of it found English words of two letters read as country codes
(``Japan to`` asked for Tonga), IT read as Italy, and a name cut into other words by the
dictionary out of context (ジャイシャンカル → ジャイ・シャンカル). Some misses are right and
stay: インド inside インド太平洋 is not India, South China Sea not China.

Prints the number of queries and of misses; exits 0 (it measures, it does not judge).
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from search.engine import Engine, SearchRequest  # noqa: E402
from search.index.schema import stored_record  # noqa: E402
from search.text import sudachi  # noqa: E402

DEPTH = 100
SUMMARY_CHARS = 200


def nouns(text: str) -> list[str]:
    """The distinct nouns of two characters or more of ``text``, numbers left out, as the
    dictionary reads them in the text."""
    found = [m.surface() for _b, _e, m in sudachi.words(text)
             if m.part_of_speech()[0] == "名詞" and m.part_of_speech()[1] != "数詞"
             and len(m.surface()) >= 2]
    return list(dict.fromkeys(found))


def records(engine: Engine) -> list[dict]:
    with engine.serving.use() as ix, ix.searcher() as searcher:
        return [stored_record(searcher, int(d)) for d in ix.columns.live_docs()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", default=None)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--summary", action="store_true",
                        help="pick the words from the summary's start too")
    args = parser.parse_args(argv)
    chosen = random.Random(args.seed)
    asked = missed = 0
    with Engine(args.index) as engine:
        for rec in records(engine):
            text = rec["title"] + (" " + rec["body"][:SUMMARY_CHARS] if args.summary else "")
            words = nouns(text)
            for k in (2, 3):
                if len(words) < k:
                    continue
                query = " ".join(chosen.sample(words, k))
                result = engine.search(SearchRequest(q=query, page_size=DEPTH, related=False))
                asked += 1
                if rec["id"] not in {hit.id for hit in result.results}:
                    missed += 1
                    print(f"miss {rec['id']}  {query!r}  {result.total} found  "
                          f"understood: {result.understood}")
    print(f"{asked} queries, {missed} missed their record")
    return 0


if __name__ == "__main__":
    sys.exit(main())
