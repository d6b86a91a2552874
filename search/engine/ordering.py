"""The order of a result: by score or by date, the full matches before the partial ones.

Only the documents that can reach the page are sorted (``partition`` first), so ordering
costs what the page costs, not what the result holds.
"""

from __future__ import annotations

import numpy as np

from .matching import Matches
from .partial import Partial


def ranked(rank: np.ndarray, matches: Matches, allowed: np.ndarray, sort: str,
           unscored: bool, partial: Partial | None, upto: int,
           by_rank: np.ndarray | None = None) -> list[tuple[int, float]]:
    """The first ``upto`` documents of ``allowed``, (document, score) in order.

    Relevance: score, ties newest first; newest/oldest (and a search without words,
    ``unscored``): the date, time and id order (``rank``). With partial matches, the
    articles holding every word come first in every sort, then the others (by how many
    words they hold, for relevance). ``by_rank``: the documents in ``rank`` order, if the
    caller keeps them (``Columns.by_rank``).
    """
    if (unscored or sort != "relevance") and partial is None and by_rank is not None:
        return [(int(d), 0.0) for d in first_allowed(by_rank, allowed, sort == "oldest", upto)]
    if unscored or sort != "relevance":
        docs = np.flatnonzero(allowed)
        keys = rank[docs].astype(np.int64)
        keys = keys if sort == "oldest" else -keys
        if partial is not None:  # partial matches after the full ones, each by date
            keys = keys + partial.some[docs].astype(np.int64) * 2 * (len(rank) + 1)
        if len(docs) > upto:
            near = np.argpartition(keys, upto - 1)[:upto]
            docs, keys = docs[near], keys[near]
        picked = np.argsort(keys, kind="stable")[:upto]
        return [(int(d), 0.0) for d in docs[picked]]
    keep = allowed[matches.docs]
    docs, scores = matches.docs[keep], matches.scores[keep]
    if partial is not None:
        return two_tiers(docs, scores, allowed & partial.some, partial, rank, upto)
    return by_score(docs, scores, scores, rank, 0, upto)


# How many documents in rank order ``first_allowed`` looks at first; each next look, twice
# as many.
FIRST_LOOK = 1 << 14


def first_allowed(by_rank: np.ndarray, allowed: np.ndarray, oldest: bool,
                  upto: int) -> np.ndarray:
    """The first ``upto`` documents of ``allowed`` in date order (newest first unless
    ``oldest``), read off the documents in rank order a stretch at a time: a selection of
    many documents is done in the first stretch, where sorting all of it cost 7 to 10 ms at
    a million records."""
    found: list[np.ndarray] = []
    have, start, size, step = 0, 0, len(by_rank), FIRST_LOOK
    while have < upto and start < size:
        stop = min(size, start + step)
        stretch = by_rank[size - stop:size - start][::-1] if not oldest \
            else by_rank[start:stop]
        hits = stretch[allowed[stretch]]
        found.append(hits)
        have += len(hits)
        start, step = stop, step * 2
    if not found:
        return np.zeros(0, dtype=by_rank.dtype)
    return np.concatenate(found)[:upto]


def two_tiers(docs: np.ndarray, scores: np.ndarray, some: np.ndarray, partial: Partial,
              rank: np.ndarray, upto: int) -> list[tuple[int, float]]:
    """The articles holding every word (``docs``) before the partial matches (``some``,
    which hold every place the query names), which rank by how much of the query they
    hold (its words, each weighed by its IDF: ペルシャ湾 says more than 訓練), then how well."""
    top = by_score(docs, scores, scores, rank, 0, min(upto, len(docs)))
    if upto > len(docs):
        more = np.flatnonzero(some)
        held = partial.score[more]
        # coverage, then score: scores are below max + 1, so one key orders both
        level = np.unique(partial.coverage[more], return_inverse=True)[1]
        keys = level * (float(held.max(initial=0.0)) + 1.0) + held
        top += by_score(more, keys, held, rank, 0, upto - len(docs))
    return top


def by_score(docs: np.ndarray, keys: np.ndarray, scores: np.ndarray, rank: np.ndarray,
             offset: int, wanted: int) -> list[tuple[int, float]]:
    """``docs`` ``offset:wanted`` by ``keys`` descending (ties newest first), with ``scores``."""
    if offset >= len(docs) or wanted <= 0:
        return []
    if len(docs) > wanted:
        # every document keyed at least the wanted-th best, ties included
        kth = np.partition(keys, len(keys) - wanted)[len(keys) - wanted]
        near = keys >= kth
        docs, keys, scores = docs[near], keys[near], scores[near]
    order = np.lexsort((-rank[docs].astype(np.int64), -keys))
    picked = order[offset:wanted]
    return [(int(d), round(float(s), 4)) for d, s in zip(docs[picked], scores[picked],
                                                        strict=True)]
