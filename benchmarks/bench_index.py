"""Reindex time against Sudachi alone on the same text (issue 3's speed target: within 4×).

    python benchmarks/bench_index.py [--runs 7] [--procs N]

Both sides are measured as whole processes, started the same way, alternately, --runs
times each: `python benchmarks/sudachi_only.py` (load Sudachi, tokenize the corpus's
titles, summaries and notes in mode C) and `python manage.py reindex` (parse, find the
countries, analyse, write the index, swap it in) into a temporary folder. Prints the median
and the best wall time of each, their ratios (also the median of run-by-run ratios),
records/s and size on disk.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from search.corpus.loading import load_corpus  # noqa: E402


def timed(cmd: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, cwd=ROOT, env=env)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--procs", type=int, help="reindex --procs (default: its own)")
    args = parser.parse_args()

    records = load_corpus(annotate=False).records
    texts = [t for r in records for t in (r.title, r.summary, "\n\n".join(r.notes)) if t]
    chars = sum(len(t) for t in texts)
    env = dict(os.environ)
    with tempfile.TemporaryDirectory() as tmp:
        texts_file = Path(tmp) / "texts.json"
        texts_file.write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
        sudachi_cmd = [sys.executable, "benchmarks/sudachi_only.py", str(texts_file)]
        reindex_cmd = [sys.executable, "manage.py", "--index", str(Path(tmp) / "ix"), "reindex"]
        if args.procs:
            reindex_cmd += ["--procs", str(args.procs)]
        timed(sudachi_cmd, env)  # warm the page cache for both
        timed(reindex_cmd, env)
        sudachi_times, reindex_times = [], []
        for _ in range(args.runs):
            sudachi_times.append(timed(sudachi_cmd, env))
            reindex_times.append(timed(reindex_cmd, env))
        size = sum(p.stat().st_size for p in (Path(tmp) / "ix" / "current").resolve().iterdir())

    s_med, r_med = statistics.median(sudachi_times), statistics.median(reindex_times)
    s_min, r_min = min(sudachi_times), min(reindex_times)
    # each reindex against the Sudachi run just before it: a shared machine's slow spells
    # hit both of a pair
    paired = statistics.median(r / s for s, r in zip(sudachi_times, reindex_times, strict=True))
    print(f"records            {len(records)}")
    print(f"characters         {chars} (titles, summaries, notes)")
    print(f"sudachi only       median {s_med:.2f} s, best {s_min:.2f} s  (whole process)")
    print(f"manage.py reindex  median {r_med:.2f} s, best {r_min:.2f} s  (whole process, "
          f"{len(records) / r_med:.0f} records/s)")
    print(f"ratio              {paired:.1f}x median of pairs; {r_med / s_med:.1f}x of medians, "
          f"{r_min / s_min:.1f}x of bests  (target: within 4x)")
    print(f"size on disk       {size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
