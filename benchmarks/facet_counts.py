"""How long counting one facet takes, each way, over masks of several sizes.

    python benchmarks/facet_counts.py --index DIR [--repeat 20]

For each facet of the index's saved columns and a few masks (the largest country's
documents, one year's, a random tenth, a random thirtieth, every live document) it prints
the milliseconds of three ways of counting, in the same process:

- ``pairs``: every (document, value) pair looked up in the mask, then ``np.bincount`` (how
  a mask of many documents was counted before ``Column.by_value``), the baseline;
- ``by doc``: the mask's documents' own values (``Column.by_document``);
- ``by value``: each value's bitmap or documents (``Column.by_value``);

and what ``Column.counts`` chose, with its ratio to the baseline. Every way's counts are
checked equal before they are timed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from timing import per_call_ms  # noqa: E402

from search.facets import SPARSE_SHARE, Column  # noqa: E402
from search.index.columns import load_columns  # noqa: E402
from search.index.store import current_path  # noqa: E402


def pairs(column: Column, mask: np.ndarray) -> np.ndarray:
    return np.bincount(column.codes[mask[column.docs]], minlength=len(column.values))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--index", required=True, help="an index folder (its current build)")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args(argv)
    build = current_path(args.index)
    if build is None:
        parser.error(f"no index in {args.index}")
    with np.load(build / "columns.npz") as saved:
        size = int(saved["live"].size)
    cols = load_columns(build, size)
    if cols is None:
        parser.error(f"{build} has no saved columns of this version")
    live = cols.live
    country = cols.facets["country"]
    biggest = country.values[int(np.argmax(np.bincount(country.codes)))]
    years = cols.facets["year"]
    year = years.values[len(years.values) // 2]
    rng = np.random.default_rng(1)
    masks = {f"country {biggest}": live & country.having([biggest]),
             f"year {year}": live & years.having([year]),
             "random 10%": live & (rng.random(size) < 0.10),
             "random 3%": live & (rng.random(size) < 0.03),
             "every live": live.copy()}
    print(f"{build}: {size:,} documents; counted by value from 1 document in {SPARSE_SHARE}")
    for name, mask in masks.items():
        picked = int(mask.sum())
        print(f"\n{name}: {picked:,} documents ({picked / max(size, 1):.1%})")
        print(f"  {'facet':<13}{'values':>7}{'pairs':>9}{'by doc':>9}{'by value':>10}"
              f"{'chosen':>9}{'ratio':>8}")
        for key, column in cols.facets.items():
            want = pairs(column, mask)
            assert (column.counts_by_document(mask) == want).all(), key
            assert (column.by_value().counts(mask) == want).all(), key
            assert (column.counts(mask) == want).all(), key
            base = per_call_ms(lambda c=column, m=mask: pairs(c, m), args.repeat)
            doc = per_call_ms(lambda c=column, m=mask: c.counts_by_document(m), args.repeat)
            value = per_call_ms(lambda c=column, m=mask: c.by_value().counts(m), args.repeat)
            chosen = value if picked * SPARSE_SHARE >= size else doc
            print(f"  {key:<13}{len(column.values):>7}{base:>9.2f}{doc:>9.2f}{value:>10.2f}"
                  f"{chosen:>9.2f}{chosen / base:>8.2f}")
    bitmaps = sum(c.by_value().bitmaps.nbytes for c in cols.facets.values())
    lists = sum(c.docs.nbytes for c in cols.facets.values())
    print(f"\nbitmaps {bitmaps / 1e6:.1f} MB beside the columns' own {lists / 1e6:.1f} MB of "
          "document numbers")
    return 0


if __name__ == "__main__":
    sys.exit(main())
