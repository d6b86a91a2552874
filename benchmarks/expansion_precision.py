"""What each expansion adds to the results, and how much of it is relevant, on the judged sets.

    .venv/bin/python benchmarks/expansion_precision.py [--sets first dev dev2 dev3 dev4 blind]
        [--index DIR]

For each kind of expansion the engine makes (synonyms, kana readings, other spellings of a
name, English terms, family names, narrower terms, regions, typo corrections, partial
matches, related articles),
every judged query is searched as the page searches it (top 100, relevance) and again with
that expansion off; the records only the first search lists are what the expansion adds.
The table gives, per judged set, how many records each expansion added, how many of them
are judged relevant (grade 1 or 2), and that share: its precision. Records no judge read
(the pools were made before some expansions existed) count as not relevant, so a share is
a lower bound; the column "unjudged" says how many there were.

An expansion is switched off by searching without its kinds of variant (``search.expansion``:
the query module is handed a ``variants`` that leaves them out), as if no word named a
region (``without_regions``), without correction
(``correct=False``), or by leaving its rows out (partial matches carry the words they lack,
related articles are listed apart).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from search.engine import Engine, SearchRequest  # noqa: E402
from search.engine.evaluate import DEPTH, read_qrels, read_queries  # noqa: E402
from search.query import compile as query_module  # noqa: E402
from search.query import places as query_places  # noqa: E402
from search.query.expansion import variants  # noqa: E402

JUDGED = ROOT / "tests" / "judged"
SETS = {"first": JUDGED, "dev": JUDGED / "dev", "dev2": JUDGED / "dev2", "dev3": JUDGED / "dev3",
        "dev4": JUDGED / "dev4", "blind": JUDGED / "blind"}
# Kinds of variant (search.expansion.KINDS) switched off together, by what a user would
# call them.
VARIANT_GROUPS = {
    "synonyms": {"synonym", "inner", "heard"},
    "readings": {"reading", "pieced"},
    "spellings": {"spelling"},
    "English terms": {"translation"},
    "family names": {"family"},
    "narrower terms": {"narrower"},
}
ROWS = (*VARIANT_GROUPS, "regions", "forces", "typo corrections", "partial matches",
        "related articles")


@dataclass
class Added:
    records: int = 0
    relevant: int = 0
    unjudged: int = 0

    def add(self, found: set[str], grades: dict[str, int]) -> None:
        self.records += len(found)
        self.relevant += sum(1 for d in found if grades.get(d, 0) > 0)
        self.unjudged += sum(1 for d in found if d not in grades)

    @property
    def precision(self) -> float | None:
        return self.relevant / self.records if self.records else None


@contextmanager
def without(kinds: set[str]) -> Iterator[None]:
    """Queries compiled without these kinds of variant."""
    def fewer(text, spell=None, plain=True, **kw):
        return [v for v in variants(text, spell, plain, **kw) if v.kind not in kinds]

    query_module.variants = fewer
    try:
        yield
    finally:
        query_module.variants = variants


@contextmanager
def without_regions() -> Iterator[None]:
    """Queries compiled as if no word named a region (data/regions.toml)."""
    saved = query_module.region_named, query_places.region_named
    query_module.region_named = query_places.region_named = lambda text: None
    try:
        yield
    finally:
        query_module.region_named, query_places.region_named = saved


@contextmanager
def without_forces() -> Iterator[None]:
    """Queries compiled as if data/forces.toml listed no force word."""
    saved = query_module.forces
    query_module.forces = lambda place, word: ()
    try:
        yield
    finally:
        query_module.forces = saved


def matches(engine: Engine, text: str, **kw) -> list:
    return engine.search(SearchRequest(q=text, page_size=DEPTH, sort="relevance", **kw)).results


def measure(engine: Engine, queries: list[tuple[str, str]],
            qrels: dict[str, dict[str, int]]) -> dict[str, Added]:
    added = {row: Added() for row in ROWS}
    shown: dict[str, set[str]] = {}
    for qid, text in queries:
        grades = qrels.get(qid, {})
        # related articles as the page's link asks for them (related=1)
        result = engine.search(SearchRequest(q=text, page_size=DEPTH, sort="relevance",
                                             related=True))
        ids = {h.id for h in result.results}
        shown[qid] = ids
        if result.corrected is not None:
            added["typo corrections"].add(ids, grades)
        added["partial matches"].add({h.id for h in result.results if h.missing}, grades)
        added["related articles"].add({h.id for h in result.related}, grades)
    for row, off in [*((row, without(kinds)) for row, kinds in VARIANT_GROUPS.items()),
                     ("regions", without_regions()), ("forces", without_forces())]:
        with off:
            for qid, text in queries:
                fewer = {h.id for h in matches(engine, text)}
                added[row].add(shown[qid] - fewer, qrels.get(qid, {}))
    return added


def table(figures: dict[str, dict[str, Added]]) -> str:
    head = ["expansion"]
    for name in figures:
        head += [f"{name}: added", f"{name}: relevant", f"{name}: precision",
                 f"{name}: unjudged"]
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    for row in ROWS:
        cells = [row]
        for added in figures.values():
            a = added[row]
            cells += [str(a.records), str(a.relevant),
                      "–" if a.precision is None else f"{a.precision:.2f}", str(a.unjudged)]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None, out: Callable[[str], None] = print) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", nargs="+", default=list(SETS), choices=list(SETS))
    parser.add_argument("--index", default=None)
    args = parser.parse_args(argv)

    from search.config import index_dir
    from search.index.build import reindex
    from search.index.store import outdated

    root = index_dir(args.index)
    if outdated(root) is not None:
        reindex(root)
    with Engine(root) as engine:
        figures = {name: measure(engine, read_queries(SETS[name] / "queries.tsv"),
                                 read_qrels(SETS[name] / "qrels.txt"))
                   for name in args.sets}
    out(table(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
