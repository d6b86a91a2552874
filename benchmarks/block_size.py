"""What a posting block's size costs: one long list written in blocks of several sizes,
its bytes and how long reading it back takes, in one process.

    python benchmarks/block_size.py [--postings 300000] [--repeat 5]

The list is synthetic (random documents out of ten times as many, one to four
occurrences each, as a frequent word's) and written by the codec's own postings writer;
read by the engine's reader (``codec.read._decode``), documents and weights alone (a
search) and with positions (a phrase). Whoosh's size, 128, is the baseline of the ratios.
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

import numpy as np
from whoosh.codec.whoosh3 import W3TermInfo
from whoosh.filedb.structfile import StructFile
from whoosh.formats import Positions

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from timing import per_call_ms  # noqa: E402

from search.index.codec import read  # noqa: E402
from search.index.codec.segments import BLOCK_POSTINGS  # noqa: E402
from search.index.codec.write import BlockPostingsWriter  # noqa: E402

SIZES = (128, 256, 512, 1024, 2048, 4096)


def written(docs: list[int], weights: list[float], values: list[bytes], limit: int) -> bytes:
    out = StructFile(io.BytesIO())
    writer = BlockPostingsWriter(out, blocklimit=limit, compression=1)
    writer.start_postings(Positions(), W3TermInfo())
    for doc, weight, value in zip(docs, weights, values, strict=True):
        writer.add_posting(doc, weight, value)
    writer.finish_postings()
    return out.file.getvalue()



def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--postings", type=int, default=300_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(1)
    n = args.postings
    docs = np.sort(rng.choice(10 * n, n, replace=False)).tolist()
    weights = rng.integers(1, 5, n).astype(float).tolist()
    fmt = Positions()
    values = [fmt.encode(sorted(rng.choice(200, int(w), replace=False).tolist()))
              for w in weights]
    print(f"one list of {n:,} postings; the codec writes blocks of {BLOCK_POSTINGS}")
    print(f"{'block':>6}{'KB':>9}{'postings ms':>13}{'ratio':>7}{'positions ms':>14}{'ratio':>7}")
    base = None
    for limit in SIZES:
        data = written(docs, weights, values, limit)
        found = read._decode(data, 0, True)
        assert found[0].tolist() == docs and found[1].tolist() == weights
        plain = per_call_ms(lambda d=data: read._decode(d, 0, False), args.repeat)
        placed = per_call_ms(lambda d=data: read._decode(d, 0, True), args.repeat)
        base = base or (plain, placed)
        print(f"{limit:>6}{len(data) / 1e3:>9.0f}{plain:>13.1f}{plain / base[0]:>7.2f}"
              f"{placed:>14.1f}{placed / base[1]:>7.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
