"""Reindex time against Sudachi alone on the same text (issue 3's speed target: within 4×).

    python benchmarks/bench_index.py [--repeat 3] [--procs 1]

Prints: characters, Sudachi-only seconds (mode C, one tokenizer), full reindex seconds, the
ratio, records/s and size on disk. Each figure is the best of --repeat runs.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from search.corpus import load_corpus  # noqa: E402
from search.indexer import reindex  # noqa: E402
from search.sudachi import chunks, dictionary, tokenizer  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--procs", type=int, default=1)
    args = parser.parse_args()

    started = time.perf_counter()
    dictionary()
    tok = tokenizer()
    load_seconds = time.perf_counter() - started
    corpus = load_corpus()
    texts = [t for r in corpus.records for t in (r.title, r.summary, "\n".join(r.notes)) if t]
    chars = sum(len(t) for t in texts)

    best_tokenize = float("inf")
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        n = 0
        for text in texts:
            for _offset, piece in chunks(text):
                n += len(tok.tokenize(piece))
        best_tokenize = min(best_tokenize, time.perf_counter() - t0)

    best_index, stats = float("inf"), None
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            stats = reindex(Path(tmp) / "ix", procs=args.procs)
            best_index = min(best_index, time.perf_counter() - t0)
    assert stats is not None
    print(f"records            {len(corpus.records)}")
    print(f"characters         {chars}")
    print(f"dictionary load    {load_seconds * 1000:.0f} ms")
    print(f"sudachi only       {best_tokenize:.2f} s  ({chars / best_tokenize / 1e6:.2f} M chars/s,"
          f" {n} morphemes)")
    print(f"full reindex       {best_index:.2f} s  ({stats.records / best_index:.0f} records/s, "
          f"procs={args.procs})")
    print(f"ratio              {best_index / best_tokenize:.1f}x  (target: within 4x)")
    print(f"size on disk       {stats.size_bytes / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
