"""Properties of the query parser over arbitrary text (hypothesis; profile in conftest.py).

Whatever is typed — control characters, NUL, lone surrogates, bidi marks, emoji, full-width
syntax, unbalanced or absurdly nested brackets, unknown fields — the parser raises nothing
but its own QuerySyntaxError, ``parse_query`` raises nothing at all, the same text always
gives the same answer, nothing is nested deeper than MAX_DEPTH, and every word searched is
a piece of what was typed.
"""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st
from whoosh import query as wq

from search.engine.request import SearchError, check_cost
from search.query.compile import parse_query
from search.query.syntax import (
    MAX_DEPTH,
    And,
    Filter,
    Node,
    Not,
    Or,
    Parser,
    Phrase,
    QuerySyntaxError,
    Word,
    lex,
    normalise,
)
from tests.strategies import ANY_CHAR, QUERIES


def tree_depth(node: Node) -> tuple[int, int]:
    """(nodes on the longest path, Nots on the path with most), walked without recursion."""
    deepest = most_nots = 0
    stack: list[tuple[Node, int, int]] = [(node, 1, 0)]
    while stack:
        n, depth, nots = stack.pop()
        nots += isinstance(n, Not)
        deepest, most_nots = max(deepest, depth), max(most_nots, nots)
        children = n.items if isinstance(n, And | Or) else [n.item] if isinstance(n, Not) else []
        stack.extend((c, depth + 1, nots) for c in children)
    return deepest, most_nots


def leaves(node: Node) -> list[Node]:
    out, stack = [], [node]
    while stack:
        n = stack.pop()
        if isinstance(n, And | Or):
            stack.extend(n.items)
        elif isinstance(n, Not):
            stack.append(n.item)
        else:
            out.append(n)
    return out


def query_depth(q: wq.Query) -> int:
    deepest, stack = 0, [(q, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        children = list(getattr(node, "subqueries", ()))
        if isinstance(node, wq.Not):
            children.append(node.query)
        stack.extend((c, depth + 1) for c in children)
    return deepest


@given(QUERIES)
@example("(" * 327 + "x" + ")" * 327)
@example("-" * 950 + "x")
@example('"' * 999)
@example("country:" * 125)
@example("\ud800")
@example("\x00" * 10)
def test_the_parser_raises_only_its_own_error_and_stays_shallow(text):
    normalised = normalise(text).strip()
    try:
        tree = Parser(lex(normalised)).parse()
    except QuerySyntaxError as exc:
        assert str(exc)  # the user is told what was wrong
        return
    deepest, nots = tree_depth(tree)
    assert nots <= MAX_DEPTH
    # a bracket level is at most an Or and an And around the next level; a field term
    # of an unknown field is an And of its two words
    assert deepest <= 2 * MAX_DEPTH + 3
    for leaf in leaves(tree):
        if isinstance(leaf, Word | Phrase):
            assert leaf.text in normalised, leaf
            assert leaf.text or isinstance(leaf, Phrase)  # "" is an empty phrase, told so
            assert leaf.field in (None, "title")
        else:
            assert isinstance(leaf, Filter), leaf
            assert leaf.value and leaf.value in normalised
            assert leaf.kind in ("source", "country", "org", "date", "collection")


@given(QUERIES)
@example("(" * 327 + "x" + ")" * 327)
@example("-" * 950 + "x")
@example("NOT " * 249 + "x")
@example("date:9999-12-31")
@example("a\udfffb OR 「\ud800」")
def test_parse_query_never_raises_and_is_deterministic(text):
    first, again = parse_query(text), parse_query(text)
    assert (first.query, first.understood, first.messages, first.highlight_terms,
            first.words, first.fallback) == \
           (again.query, again.understood, again.messages, again.highlight_terms,
            again.words, again.fallback)
    assert first.text == text
    assert isinstance(first.query, wq.Query)
    assert isinstance(first.understood, str) and first.understood
    assert all(isinstance(m, str) and m for m in first.messages)
    # the compiled query is as shallow as the tree (a word is three levels of Or and And
    # beneath its place), and the cost check answers with its own error or not at all
    assert query_depth(first.query) <= 2 * MAX_DEPTH + 12
    try:
        check_cost(first.query)
    except SearchError as exc:
        assert str(exc)
    # words offered to the spelling corrector were typed (lone surrogates read as U+FFFD)
    normalised = normalise(text)
    assert all(w and w in normalised for w in first.words)
    # a fallback says so, and only a fallback does
    assert first.fallback == any(m.endswith("語を並べたものとして検索しました")
                                 for m in first.messages)


@given(st.text(ANY_CHAR, max_size=50))
def test_normalising_is_idempotent_and_leaves_no_surrogate(text):
    once = normalise(text)
    assert normalise(once) == once
    assert not any(0xD800 <= ord(c) <= 0xDFFF for c in once)
    once.encode("utf-8")  # every later step (Sudachi, JSON, the page) can take it
