"""Facet counts: disjunctive within a facet, conjunctive across facets.

Per searcher, each facet field's values are read once into document sets. A facet's counts
are taken over the documents that match the query and every OTHER facet's selection, so
ticking 読売新聞 does not make the other outlets vanish; values of one facet combine with
OR, different facets with AND.
"""

from __future__ import annotations

from dataclasses import dataclass

# request key → index field
FACETS = {
    "source": "source",
    "country": "countries",
    "organization": "organizations",
    "collection": "collections",
    "year": "year",
    "month": "month",
}


@dataclass
class FacetValue:
    value: str
    count: int
    selected: bool

    def to_dict(self) -> dict:
        return {"value": self.value, "count": self.count, "selected": self.selected}


class FacetSets:
    """value → set of live document numbers, for every facet field of one reader."""

    def __init__(self, reader) -> None:
        self.live = set(reader.all_doc_ids())
        self.sets: dict[str, dict[str, frozenset[int]]] = {}
        for fieldname in FACETS.values():
            values: dict[str, frozenset[int]] = {}
            if fieldname in reader.schema:
                for term in reader.lexicon(fieldname):
                    value = term.decode("utf-8") if isinstance(term, bytes) else term
                    docs = frozenset(reader.postings(fieldname, value).all_ids()) & self.live
                    if docs:
                        values[value] = docs
            self.sets[fieldname] = values

    def values(self, facet: str) -> dict[str, frozenset[int]]:
        return self.sets[FACETS[facet]]

    def selection(self, facet: str, chosen: list[str]) -> set[int] | None:
        """Documents having any chosen value (None: no selection, nothing filtered)."""
        if not chosen:
            return None
        found: set[int] = set()
        for value in chosen:
            found |= self.values(facet).get(value, frozenset())
        return found


def narrow(base: set[int], selections: dict[str, set[int] | None],
           except_facet: str | None = None) -> set[int]:
    """``base`` intersected with every selection but ``except_facet``'s."""
    docs = base
    for facet, chosen in selections.items():
        if chosen is not None and facet != except_facet:
            docs = docs & chosen
    return docs


def count(sets: FacetSets, facet: str, docs: set[int], chosen: list[str],
          limit: int | None = None) -> list[FacetValue]:
    """Counts of each value of ``facet`` among ``docs``; chosen values always listed."""
    rows = []
    for value, members in sets.values(facet).items():
        n = len(members & docs)
        if n or value in chosen:
            rows.append(FacetValue(value, n, value in chosen))
    if facet in ("year", "month"):
        rows.sort(key=lambda r: r.value, reverse=True)
    else:
        rows.sort(key=lambda r: (-r.count, r.value))
    if limit is not None:
        head = rows[:limit]
        head += [r for r in rows[limit:] if r.selected]
        return head
    return rows
