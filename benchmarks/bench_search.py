"""Search latency: top-10 with total, facets and snippets, as the page asks for it.

    python benchmarks/bench_search.py [--index DIR] [--rounds 20]

Builds the bundled corpus's index in a temporary folder unless --index is given, then runs a
fixed mix of queries (words, compounds, phrases, fields, filters, empty) and prints p50/p95/max
in milliseconds per kind and overall.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from search.engine import Engine, SearchRequest  # noqa: E402
from search.index.build import reindex  # noqa: E402

MIX = [
    ("word", SearchRequest(q="空母")),
    ("words", SearchRequest(q="イタリア 空母")),
    ("compound", SearchRequest(q="防衛装備移転")),
    ("phrase", SearchRequest(q='"情報保護協定"')),
    ("synonym", SearchRequest(q="豪州 共同訓練")),
    ("field", SearchRequest(q="country:フィリピン date:2024")),
    ("filtered", SearchRequest(q="防衛", selected={"source": ["共同通信"], "year": ["2024"]})),
    ("browse", SearchRequest(q="")),
    ("nothing", SearchRequest(q="南極観測隊")),
]


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--index")
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = args.index or str(Path(tmp) / "ix")
        if not args.index:
            reindex(root)
        engine = Engine(root)
        engine.search(SearchRequest(q="防衛"))  # open the searcher and facet sets once
        times: dict[str, list[float]] = {name: [] for name, _ in MIX}
        for _ in range(args.rounds):
            for name, req in MIX:
                t0 = time.perf_counter()
                engine.search(req)
                times[name].append((time.perf_counter() - t0) * 1000)
        every = [t for ts in times.values() for t in ts]
        print(f"{'kind':<10} {'p50':>7} {'p95':>7} {'max':>7}  (ms, {args.rounds} rounds)")
        for name, ts in times.items():
            print(f"{name:<10} {statistics.median(ts):7.1f} {pct(ts, 0.95):7.1f} {max(ts):7.1f}")
        print(f"{'all':<10} {statistics.median(every):7.1f} {pct(every, 0.95):7.1f} "
              f"{max(every):7.1f}")
        engine.close()


if __name__ == "__main__":
    main()
