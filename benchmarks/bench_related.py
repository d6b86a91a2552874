"""What the related articles after the last match cost: each search with and without them.

    python benchmarks/bench_related.py [--index DIR] [--mix FILE] [--rounds 3] [--page-size 20]

Runs the judged queries (tests/judged/queries.tsv), or the query texts of a scale run's mix
(``--mix``: the ``mix.json`` benchmarks/scale.py writes in its work folder, whose rare words
end on the first page in a large archive), against an index (the bundled corpus's, built in
a temporary folder, unless --index is given: a synthetic archive's, say), each as
the page asks for it (top ``--page-size``, total, facets, snippets), once with the related
articles (``SearchRequest.related``) and once without, alternately, for ``--rounds``
rounds, right after an untimed run of the same search (a large archive's posting cache
does not hold every query's postings, and the first run would pay for both). Prints
p50/p95 in milliseconds of both, over the searches whose last page of
matches is the first (where the related articles are worked out) and over all, and the
ratios: the baseline is the same search in the same process.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from search.engine import Engine, SearchError, SearchRequest  # noqa: E402
from search.engine.evaluate import read_queries  # noqa: E402
from search.index.build import reindex  # noqa: E402


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p * (len(ordered) - 1))))]


def measure(engine: Engine, queries: list[str], rounds: int, page_size: int) -> dict:
    """Milliseconds per query with and without the related articles, and which searches
    listed some."""
    times: dict[bool, dict[str, list[float]]] = {True: {}, False: {}}
    listed: set[str] = set()
    for q in queries:  # a first pass warms the readings, correctors and posting caches
        try:
            engine.search(SearchRequest(q=q, page_size=page_size))
        except SearchError:
            continue
    for n in range(rounds):
        for q in queries:
            req = SearchRequest(q=q, page_size=page_size)
            try:  # untimed: the query's postings in the cache, so neither run pays for them
                engine.search(req)
            except SearchError:
                continue
            order = (True, False) if n % 2 == 0 else (False, True)
            for related in order:
                started = time.perf_counter()
                try:
                    result = engine.search(replace(req, related=related))
                except SearchError:
                    break
                times[related].setdefault(q, []).append((time.perf_counter() - started) * 1000)
                if result.related:
                    listed.add(q)
    return {"times": times, "listed": listed}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", help="an index folder (default: build the bundled corpus)")
    parser.add_argument("--mix", help="a scale run's mix.json: its distinct query texts")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--page-size", type=int, default=20)
    args = parser.parse_args(argv)

    if args.mix:
        mix = json.loads(Path(args.mix).read_text(encoding="utf-8"))
        queries = list(dict.fromkeys(m["q"] for m in mix if m["q"]))
    else:
        queries = [text for _, text in read_queries(ROOT / "tests" / "judged" / "queries.tsv")]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(args.index) if args.index else Path(tmp)
        if not args.index:
            reindex(root)
        with Engine(root) as engine:
            found = measure(engine, queries, args.rounds, args.page_size)
    times, listed = found["times"], found["listed"]
    print(f"{len(queries)} queries × {args.rounds} rounds, top {args.page_size}; "
          f"{len(listed)} list related articles")
    print(f"{'searches':<28}{'n':>5}{'p50 with':>10}{'p50 w/o':>10}{'p95 with':>10}"
          f"{'p95 w/o':>10}{'p50 ratio':>11}{'p95 ratio':>11}")
    for label, chosen in (("listing related articles", sorted(listed)),
                          ("all", sorted(times[True]))):
        with_ = [statistics.median(times[True][q]) for q in chosen if q in times[False]]
        without = [statistics.median(times[False][q]) for q in chosen if q in times[False]]
        if not with_:
            continue
        p50w, p50o, p95w, p95o = (pct(with_, 0.5), pct(without, 0.5), pct(with_, 0.95),
                                  pct(without, 0.95))
        print(f"{label:<28}{len(with_):>5}{p50w:>10.1f}{p50o:>10.1f}{p95w:>10.1f}{p95o:>10.1f}"
              f"{p50w / p50o:>10.2f}×{p95w / p95o:>10.2f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
