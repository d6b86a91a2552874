"""search.query.parsed.ParsedQuery's defaults and is_empty (written for mutation testing)."""

from __future__ import annotations

from whoosh import query as wq

from search.query.parsed import ParsedQuery


def test_defaults_are_empty_and_not_shared():
    first = ParsedQuery("a", wq.Term("body", "a"), "a")
    second = ParsedQuery("b", wq.Term("body", "b"), "b")
    assert (first.messages, first.highlight_terms, first.words, first.parts, first.rest,
            first.places, first.named) == ([], set(), [], [], [], [], [])
    assert first.fallback is False
    assert first.plain is False
    first.messages.append("x")
    first.highlight_terms.add("x")
    first.words.append("x")
    first.parts.append(("x", wq.Term("body", "x")))
    first.rest.append(wq.Term("body", "x"))
    first.places.append(True)
    first.named.append(("countries", "米国"))
    assert (second.messages, second.highlight_terms, second.words, second.parts, second.rest,
            second.places, second.named) == ([], set(), [], [], [], [], [])


def test_is_empty_only_for_every():
    assert ParsedQuery("", wq.Every(), "").is_empty is True
    assert ParsedQuery("a", wq.Term("body", "a"), "a").is_empty is False
    assert ParsedQuery("", wq.NullQuery, "").is_empty is False
