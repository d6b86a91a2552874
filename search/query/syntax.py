"""The search-box query language, parsed forgivingly into a tree of words, phrases, field
terms and their AND, OR and NOT.

Words are ANDed; ``OR``, ``NOT`` and a leading ``-``; "quoted phrases" (also 「…」);
brackets; field terms ``title:`` ``source:`` ``country:`` ``org:`` ``collection:`` and
``date:2024``, ``date:2024-06``, ``date:2023..2024``. A query that cannot be parsed as written
(an unclosed quote or bracket, a dangling OR) raises :class:`QuerySyntaxError`, and the
compiler searches it as plain words. Consecutive words that spell a term of the English
table (``joint exercise``) become one word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..facets import BY_NAME, FACETS
from ..text.kana import nfkc
from .expansion import english, english_lengths
from .places import resolve_place

# The query language's own field names; the facets' come from their declarations
# (search/facets.py: country:, 国:, org:, source: …), each standing for the facet's key.
FIELD_ALIASES = {"title": "title", "タイトル": "title", "見出し": "title",
                 "date": "date", "日付": "date"}


def field_kind(name: str) -> str | None:
    """What a field term's name stands for: "title", "date" or a facet's key."""
    name = name.lower()
    facet = BY_NAME.get(name)
    return facet.key if facet is not None else FIELD_ALIASES.get(name)


def field_names() -> str:
    """The field names a user may type, for a message (title: source: country: … date:)."""
    return " ".join(["title:", *(f"{f.param}:" for f in FACETS if f.names), "date:"])


class QuerySyntaxError(ValueError):
    """Raised inside the parser; the caller falls back to plain words."""


@dataclass
class Node:
    pass


@dataclass
class Word(Node):
    text: str
    field: str | None = None  # None: the text fields; "title": the title only


@dataclass
class Phrase(Node):
    text: str
    field: str | None = None


@dataclass
class Filter(Node):
    kind: str  # "date" or a facet's key (source, country, organization, collection …)
    value: str


@dataclass
class And(Node):
    items: list[Node]


@dataclass
class Or(Node):
    items: list[Node]


@dataclass
class Not(Node):
    item: Node


_TOKEN = re.compile(
    r'\s+|(?P<lp>\()|(?P<rp>\))'
    r'|(?P<field>[^\s():"「」]+):(?P<fvalue>"[^"]*"|「[^」]*」|[^\s()"「」]*)'
    r'|(?P<phrase>"[^"]*"|「[^」]*」)'
    r'|(?P<neg>-(?=["「(]))'  # -"phrase", -「phrase」, -(group): a NOT
    r'|(?P<word>[^\s()"「」]+)'
)


# A lone surrogate is half of a character (bytes that were not UTF-8, kept by Python's
# surrogateescape): no analyser or encoder can take it, so it stands as U+FFFD, not a word.
LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def normalise(text: str) -> str:
    text = LONE_SURROGATE.sub("\ufffd", text)
    # Full-width brackets, quotes and letters (（ＯＲ）) become their ASCII forms.
    text = nfkc(text)
    return text.replace("“", '"').replace("”", '"').replace("『", "「").replace("』", "」")


def lex(text: str) -> list[tuple[str, str, str]]:
    if text.count('"') % 2:
        raise QuerySyntaxError("閉じていない引用符(\")があります")
    if text.count("「") != text.count("」"):
        raise QuerySyntaxError("「」の対応がとれていません")
    tokens: list[tuple[str, str, str]] = []
    for m in _TOKEN.finditer(text):
        if m.group("lp"):
            tokens.append(("(", "", ""))
        elif m.group("rp"):
            tokens.append((")", "", ""))
        elif m.group("field") is not None:
            tokens.append(("field", m.group("field"), m.group("fvalue")))
        elif m.group("phrase"):
            tokens.append(("phrase", m.group("phrase")[1:-1], ""))
        elif m.group("neg"):
            tokens.append(("not", "-", ""))
        elif m.group("word"):
            word = m.group("word")
            kind = {"OR": "or", "AND": "and", "NOT": "not", "|": "or"}.get(word, "word")
            tokens.append((kind, word, ""))
    return tokens


# Brackets and negations nested deeper than this are not a query anyone writes; past it
# the query is searched as plain words (the parser and the matcher recurse per level).
MAX_DEPTH = 32


class Parser:
    def __init__(self, tokens: list[tuple[str, str, str]]) -> None:
        self.tokens, self.i = tokens, 0
        self.notes: list[str] = []
        self.depth = 0

    def peek(self) -> str | None:
        return self.tokens[self.i][0] if self.i < len(self.tokens) else None

    def parse(self) -> Node:
        node = self.or_expr()
        if self.peek() is not None:
            raise QuerySyntaxError("閉じ括弧「)」が多すぎます")
        return node

    def or_expr(self) -> Node:
        items = [self.and_expr()]
        while self.peek() == "or":
            self.i += 1
            if self.peek() in (None, ")", "or"):
                raise QuerySyntaxError("OR の後に語がありません")
            items.append(self.and_expr())
        return items[0] if len(items) == 1 else Or(items)

    def and_expr(self) -> Node:
        if self.peek() in (None, ")"):
            # Only a "(" can leave nothing before the end: "(" last is an unclosed bracket.
            raise QuerySyntaxError("語のない括弧があります" if self.peek() == ")"
                                   else "閉じていない括弧「(」があります")
        if self.peek() == "or":
            raise QuerySyntaxError("OR の前に語がありません")
        items = [self.unary()]
        while self.peek() not in (None, ")", "or"):
            if self.peek() == "and":
                self.i += 1
                continue
            items.append(self.unary())
        return items[0] if len(items) == 1 else And(items)

    def unary(self) -> Node:
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise QuerySyntaxError("括弧や否定の入れ子が深すぎます")
            return self._unary()
        finally:
            self.depth -= 1

    def _unary(self) -> Node:
        kind, value, extra = self.tokens[self.i]
        if kind == "not":
            self.i += 1
            if self.peek() in (None, ")", "or", "and"):
                raise QuerySyntaxError("NOT の後に語がありません")
            return Not(self.unary())
        if kind == "word" and value.startswith("-") and len(value) > 1:
            self.tokens[self.i] = ("word", value[1:], "")
            return Not(self.unary())
        if kind == "field" and value.startswith("-") and len(value) > 1:
            self.tokens[self.i] = ("field", value[1:], extra)
            return Not(self.unary())
        self.i += 1
        if kind == "(":
            node = self.or_expr()
            if self.peek() != ")":
                raise QuerySyntaxError("閉じていない括弧「(」があります")
            self.i += 1
            return node
        if kind == "phrase":
            return Phrase(value)
        if kind == "field":
            return self.field_term(value, extra)
        if kind in ("and", "or"):
            raise QuerySyntaxError(f"{value} の位置が正しくありません")
        return Word(value)

    def field_term(self, name: str, value: str) -> Node:
        quoted = value[:1] in ('"', "「")
        text = value[1:-1] if quoted else value
        kind = field_kind(name)
        if kind is None:
            words = f"{name} {text}" if text else name
            self.notes.append(f"「{name}:」という項目はないため、「{words}」を語として"
                              f"検索しました(使える項目: {field_names()})")
            return And([Word(name), Phrase(text) if quoted else Word(text)]) if text \
                else Word(name)
        if not text:
            self.notes.append(f"「{name}:」の後に値がないため無視しました")
            return And([])
        if kind == "title":
            return Phrase(text, "title") if quoted else Word(text, "title")
        return Filter(kind, text)


def _is_term(text: str) -> bool:
    """Whether ``text`` is an English term of the table or a place's name (South Korea)."""
    return bool(english(text)) or resolve_place(text) is not None


def join_english(tokens: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """Consecutive plain words that spell a term of the English table become one word:
    ``joint exercise`` is one thing to look up, not two words to require."""
    joined: list[tuple[str, str, str]] = []
    i = 0
    while i < len(tokens):
        for n in english_lengths():
            run = tokens[i:i + n]
            if n > 1 and len(run) == n and all(
                    k == "word" and not v.startswith("-") for k, v, _ in run) \
                    and _is_term(" ".join(v for _, v, _ in run)):
                joined.append(("word", " ".join(v for _, v, _ in run), ""))
                i += n
                break
        else:
            joined.append(tokens[i])
            i += 1
    return joined
