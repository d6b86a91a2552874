"""What the query layer hands the engine: the compiled query and how it was understood."""

from __future__ import annotations

from dataclasses import dataclass, field

from whoosh import query as wq


@dataclass
class ParsedQuery:
    """A compiled query and how it was understood, in words a user can read."""

    text: str
    query: wq.Query
    understood: str
    messages: list[str] = field(default_factory=list)
    highlight_terms: set[str] = field(default_factory=set)
    words: list[str] = field(default_factory=list)  # plain words, for spelling suggestions
    fallback: bool = False
    # The words the user typed (label, query), when there are two or more: an article
    # holding only some of them is a partial match. ``rest``: filters and exclusions (of a
    # query with an AND at the top).
    parts: list[tuple[str, wq.Query]] = field(default_factory=list)
    rest: list[wq.Query] = field(default_factory=list)
    places: list[bool] = field(default_factory=list)  # per part: it names a country or org
    # words and filters side by side (no OR or bracket at the top): ``rest`` is every filter
    plain: bool = False
    # the places the query asks for, as (index field, value): a word that names one (フィリピン,
    # 日比), a country: or org: filter; what related articles must share with the matches
    named: list[tuple[str, str]] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return isinstance(self.query, wq.Every)
