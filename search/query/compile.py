"""The search-box query language, parsed forgivingly into a Whoosh query.

Words are ANDed; ``OR``, ``NOT`` and a leading ``-``; "quoted phrases" (also 「…」);
brackets; field terms ``title:`` ``source:`` ``country:`` ``org:`` ``collection:`` and
``date:2024``, ``date:2024-06``, ``date:2023..2024``. A query that cannot be parsed as written
(an unclosed quote or bracket, a dangling OR) is searched as plain words, and ``understood``
says so. Every word is analysed like the index (Sudachi); a word that analyses into several
tokens (防衛装備移転) matches them as a phrase, or all of them anywhere, the phrase first.
What else a word searches (synonyms, translations, readings …) comes from
``search.expansion``; this module compiles it.
"""

from __future__ import annotations

import re
import unicodedata
from calendar import monthrange
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time

from whoosh import query as wq

from ..corpus import outlets
from ..text.analysis import analyze_pieces, analyze_terms, is_hiragana, is_kana, is_kanji, katakana
from .expansion import (
    SYNONYM_BOOST,
    Spell,
    abbreviated,
    abbreviated_before,
    english,
    english_lengths,
    is_abbreviation,
    place_named,
    resolve_place,
    variants,
)

# Whether the index searched holds a term.
Held = Callable[[str], bool]
# Fields a plain word searches, with their weight (the title's boost lives in the schema).
TEXT_FIELDS = (("title", 1.0), ("body", 1.0), ("notes", 0.5), ("outlet", 0.3))
PHRASE_BOOST = 2.0
FIELD_ALIASES = {
    "title": "title", "タイトル": "title", "見出し": "title",
    "source": "source", "outlet": "source", "媒体": "source",
    "country": "country", "国": "country",
    "org": "org", "organization": "org", "機関": "org",
    "date": "date", "日付": "date",
    "collection": "collection", "archive": "collection", "アーカイブ": "collection",
}


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
    kind: str  # source, country, org, date, collection
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


# ---------------------------------------------------------------- lexing and parsing

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


def _normalise(text: str) -> str:
    text = LONE_SURROGATE.sub("\ufffd", text)
    # Full-width brackets, quotes and letters (（ＯＲ）) become their ASCII forms.
    text = unicodedata.normalize("NFKC", text)
    return text.replace("“", '"').replace("”", '"').replace("『", "「").replace("』", "」")


def _lex(text: str) -> list[tuple[str, str, str]]:
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


class _Parser:
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
        kind = FIELD_ALIASES.get(name.lower())
        if kind is None:
            words = f"{name} {text}" if text else name
            self.notes.append(f"「{name}:」という項目はないため、「{words}」を語として"
                              "検索しました(使える項目: title: source: country: org: date: "
                              "collection:)")
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


def _join_english(tokens: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
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


# ---------------------------------------------------------------- compiling

class _Compiler:
    def __init__(self, spell: Spell | None = None, held: Held | None = None) -> None:
        self.messages: list[str] = []
        self.terms: set[str] = set()
        self.words: list[str] = []
        self.named: list[tuple[str, str]] = []
        self.spell = spell
        self.held = held

    def compile(self, node: Node, positive: bool = True) -> tuple[wq.Query | None, str]:
        if isinstance(node, And):
            parts = [self.compile(n, positive) for n in node.items]
            parts = [p for p in parts if p[0] is not None]
            if not parts:
                return None, ""
            if len(parts) == 1:
                return parts[0]
            return wq.And([p[0] for p in parts]), " ".join(p[1] for p in parts)
        if isinstance(node, Or):
            parts = [p for p in (self.compile(n, positive) for n in node.items) if p[0]]
            if not parts:
                return None, ""
            if len(parts) == 1:
                return parts[0]
            return wq.Or([p[0] for p in parts]), "(" + " OR ".join(p[1] for p in parts) + ")"
        if isinstance(node, Not):
            inner, shown = self.compile(node.item, positive=False)
            return (wq.Not(inner), f"-{shown}") if inner is not None else (None, "")
        if isinstance(node, Word):
            return self.word(node, positive)
        if isinstance(node, Phrase):
            return self.phrase(node, positive)
        if isinstance(node, Filter):
            return self.filter(node, positive)
        raise TypeError(node)

    def _fields(self, only: str | None) -> tuple[tuple[str, float], ...]:
        return (("title", 1.0),) if only == "title" else TEXT_FIELDS

    def _text_query(self, tokens: list[str], fields, boost: float = 1.0) -> wq.Query:
        if len(tokens) == 1:
            return wq.Or([wq.Term(f, tokens[0], boost=w * boost) for f, w in fields])
        phrase = wq.Or([wq.Phrase(f, tokens, boost=w * boost * PHRASE_BOOST) for f, w in fields])
        every = wq.And([wq.Or([wq.Term(f, t, boost=w * boost) for f, w in fields])
                        for t in tokens])
        return wq.Or([phrase, every])

    def _phrase_query(self, tokens: list[str], fields, boost: float = 1.0) -> wq.Query:
        if len(tokens) == 1:
            return wq.Or([wq.Term(f, tokens[0], boost=w * boost) for f, w in fields])
        return wq.Or([wq.Phrase(f, tokens, boost=w * boost) for f, w in fields])

    def _by_character(self, tokens: list[str]) -> list[str] | None:
        """``tokens`` with each kanji word the index does not hold spelt out character by
        character, when the index holds every character: the analyser reads 海警 alone as
        one word, and 中国海警局 as 中国・海・警・局. None when nothing is to be spelt."""
        if self.held is None:
            return None
        out: list[str] = []
        spelt = False
        for token in tokens:
            if len(token) > 1 and all(map(is_kanji, token)) and not self.held(token):
                pieces = [t for ch in token for t in analyze_terms(ch)]
                if len(pieces) != len(token) or not all(map(self.held, pieces)):
                    return None
                out += pieces
                spelt = True
            else:
                out.append(token)
        return out if spelt else None

    def word(self, node: Word, positive: bool) -> tuple[wq.Query | None, str]:
        fields = self._fields(node.field)
        alternatives: list[wq.Query] = []
        shown: list[str] = []
        unread = False  # typed in hiragana that reads as no word: it finds nothing
        found = variants(node.text, self.spell, plain=node.field is None)
        if node.field is None and is_abbreviation(node.text):
            found = found[1:]  # 比 alone is the Philippines, not every ratio (GDP比)
        for variant in found:
            pieces = analyze_pieces(variant.text)
            tokens = [term for term, _ in pieces]
            if not tokens:
                continue
            split = "".join(typed for _, typed in pieces)
            if len(found) > 1 and is_kana(variant.text) and split != variant.text:
                # kana the analyser could not read as words (せどり → せ, as 為る): search
                # what it stands for (a synonym, a spelling), not its misread pieces, which
                # would match every text with する
                if variant.kind == "typed":
                    shown.append(variant.text)
                continue
            how = variant.how
            # hiragana cut into pieces (ぼうえいしょう → ぼう・え・いしょう, こんさーと → 来る・
            # さ・…) was typed for its sound: the pieces mean nothing, alone or in a row, so
            # only what it reads as is searched (防衛省), and if nothing reads so, nothing
            misread = is_hiragana(variant.text) and [typed for _, typed in pieces] != [
                variant.text]
            if misread:
                unread = True
            else:
                make = self._text_query if how.as_typed else self._phrase_query
                alternatives.append(make(tokens, fields, boost=how.boost))
                spelt = self._by_character(tokens) if variant.kind == "typed" else None
                if spelt is not None:
                    alternatives.append(self._phrase_query(spelt, fields, boost=how.boost))
            if variant.kind == "typed":
                # the user's own characters, never the index's normal forms (ひん, not 干る);
                # how a Japanese word was cut, unless it was typed by its sound (the pieces
                # of a misread kana string are no one's meaning); F-35 needs no such note
                split = "・".join(typed for _, typed in pieces)
                shown.append(variant.text if len(tokens) == 1 or variant.text.isascii()
                             or misread or split == variant.text
                             else f"{variant.text}[{split}]")
            else:
                shown.append(variant.text)
            if positive and (how.marked or len(tokens) == 1):
                self.terms.update(tokens)
        place = None
        if node.field is None:
            # a place by its name, its name typed in hiragana (なとー), or a kanji spelling
            place = next(filter(None, (resolve_place(name) for name in (
                node.text, *([katakana(node.text)] if is_kana(node.text) else []),
                *(v.text for v in found if v.kind in ("reading", "spelling"))))), None)
            if place:
                fieldname, value = place
                if positive:
                    self.named.append(place)
                alternatives.append(wq.Term(fieldname, value, boost=0.5))
                label = "国" if fieldname == "countries" else "機関"
                shown.append(f"{label}:{value}")
                # the place by all its names, in any script (Canada finds カナダ)
                searched = {v.text for v in found}
                for name in _place_names(fieldname, value):
                    tokens = analyze_terms(name)
                    # not an acronym (US, UK, SHAPE): the index folds case, and us or
                    # shape are English words
                    if name not in searched and len(name) > 1 and tokens \
                            and not (name.isascii() and name.isupper()):
                        alternatives.append(self._phrase_query(tokens, fields,
                                                               boost=SYNONYM_BOOST))
                # and its one-character abbreviation (豪 in 日米豪, 伊 in 日英伊), in the
                # articles the facet holds (below): there it was read in its context
                for abbrev in _abbreviations(fieldname, value):
                    alternatives.append(self._text_query(analyze_terms(abbrev), fields,
                                                         boost=SYNONYM_BOOST))
            # abbreviations side by side name the places together (日比, 米豪, 日米豪比)
            together = abbreviated(node.text)
            if together:
                if positive:
                    self.named += [("countries", c) for c in together]
                named = [wq.Term("countries", c, boost=0.5) for c in together]
                alternatives.append(named[0] if len(named) == 1 else wq.And(named))
                shown.append("国:" + "+".join(together))
            # … and before the word news glues to them: 英軍 is also 英国's 軍 (英国軍, 英海軍
            # 隊 …, read by the facet), 仏海軍 France's 海軍
            glued = abbreviated_before(node.text)
            if glued:
                countries, rest = glued
                if positive:
                    self.named += [("countries", c) for c in countries]
                alternatives.append(wq.And([
                    *(wq.Term("countries", c, boost=0.5) for c in countries),
                    self._text_query(analyze_terms(rest), fields, boost=SYNONYM_BOOST)]))
                shown.append("国:" + "+".join(countries) + f" {rest}")
        if not alternatives and unread:
            alternatives.append(wq.NullQuery)
        if not alternatives:
            self.messages.append(f"「{node.text}」は検索語にならない語(助詞・記号など)なので"
                                 "無視しました")
            return None, ""
        if positive and node.field is None:
            self.words.append(node.text)
        prefix = "title:" if node.field == "title" else ""
        query = alternatives[0] if len(alternatives) == 1 else wq.Or(alternatives)
        if place is not None and positive:
            # a word naming a place finds the articles about it, as the facet reads them:
            # not インド in インド太平洋, nor 比 in GDP比 (its names only rank them)
            query = wq.And([query, wq.Term(place[0], place[1], boost=0.0)])
        # shown: the word as typed (even when only what it stands for is searched), then
        # its synonyms, translations, spellings and place
        return query, prefix + (shown[0] if len(shown) == 1 else "(" + " OR ".join(shown) + ")")

    def phrase(self, node: Phrase, positive: bool) -> tuple[wq.Query | None, str]:
        tokens = analyze_terms(node.text)
        if not tokens:
            self.messages.append(f"「{node.text}」は検索語にならないため無視しました")
            return None, ""
        if positive:
            self.terms.update(tokens)
        q = self._phrase_query(tokens, self._fields(node.field))
        prefix = "title:" if node.field == "title" else ""
        return q, f'{prefix}"{node.text}"'

    def filter(self, node: Filter, positive: bool) -> tuple[wq.Query | None, str]:
        if node.kind == "date":
            bounds = parse_date_range(node.value)
            if bounds is None:
                self.messages.append(f"日付「{node.value}」を読めないため無視しました"
                                     "(例: date:2024、date:2024-06、date:2023..2024)")
                return None, ""
            start, end = bounds
            return wq.DateRange("date", start, end), f"date:{_show_range(start, end)}"
        if node.kind == "source":
            name = outlets.canonical(node.value)
            if name:
                return wq.Term("source", name), f"source:{name}"
            tokens = analyze_terms(node.value)
            self.messages.append(f"媒体「{node.value}」は一覧にないため、媒体名の一部として"
                                 "検索しました")
            if not tokens:
                return None, ""
            return wq.And([wq.Term("outlet", t) for t in tokens]), f"source:{node.value}"
        if node.kind in ("country", "org"):
            place = resolve_place(node.value, node.kind)
            if place:
                if positive:
                    self.named.append(place)
                found: wq.Query = wq.Term(place[0], place[1])
                mentions = [self._phrase_query(tokens, TEXT_FIELDS) for tokens in
                            map(analyze_terms, _place_names(*place)) if tokens]
                if positive and mentions:
                    # the articles about the place first: those naming it in the title and
                    # often, not those naming it once in a list
                    found = wq.AndMaybe(found, wq.Or(mentions))
                return found, f"{node.kind}:{place[1]}"
            what = "国・地域" if node.kind == "country" else "機関"
            self.messages.append(f"{what}「{node.value}」が見つからないため、語として検索しました")
            return self.word(Word(node.value), positive)
        if node.kind == "collection":
            return wq.Term("collections", node.value), f"collection:{node.value}"
        raise ValueError(node.kind)


def _names_place(text: str) -> bool:
    """Whether a word names a country or an organisation (イタリア, ふぃりぴん, NATO, 日比)."""
    return place_named(text) is not None or bool(abbreviated(text)) \
        or abbreviated_before(text) is not None


def _place(fieldname: str, value: str):
    """The gazetteer's entry for a resolved place (``resolve_place``'s answer)."""
    from ..corpus.places import resolve_country, resolve_organization

    return (resolve_country if fieldname == "countries" else resolve_organization)(value)


def _place_names(fieldname: str, value: str) -> tuple[str, ...]:
    """Every name the gazetteer knows for a resolved place: フィリピン, 比国, Philippines, 比
    (to rank the articles the facet holds: there 比 stands in context, 日比, 比軍)."""
    place = _place(fieldname, value)
    if place is None:
        return ()
    return tuple(dict.fromkeys((place.name, place.english, *place.aliases, *place.abbrev)))


def _abbreviations(fieldname: str, value: str) -> tuple[str, ...]:
    """A place's one-character news abbreviations (フィリピン → 比)."""
    place = _place(fieldname, value)
    return place.abbrev if place is not None else ()


_DATE_PART = re.compile(r"^(\d{4})(?:[-/.](\d{1,2}))?(?:[-/.](\d{1,2}))?$")
# 2024年、2024年5月、2024年5月3日: how a date is written in Japanese (the page's date boxes)
_DATE_PART_JA = re.compile(r"^(\d{4})年(?:(\d{1,2})月(?:(\d{1,2})日)?)?$")


def _date_bounds(text: str) -> tuple[datetime, datetime] | None:
    text = unicodedata.normalize("NFKC", text).strip()  # ２０２４ as 2024
    m = _DATE_PART.match(text) or _DATE_PART_JA.match(text)
    if not m:
        return None
    year, month, day = int(m.group(1)), m.group(2), m.group(3)
    try:
        # The last day is found by the calendar, never by adding a day: 9999-12-31 has no
        # next day (datetime.max), and that date is as readable as any other.
        if day:
            start = datetime(year, int(month), int(day))
            last = start
        elif month:
            start = datetime(year, int(month), 1)
            last = start.replace(day=monthrange(year, start.month)[1])
        else:
            start, last = datetime(year, 1, 1), datetime(year, 12, 31)
    except ValueError:
        return None
    return start, datetime.combine(last.date(), time.max)


def parse_date_range(text: str) -> tuple[datetime | None, datetime | None] | None:
    """'2024', '2024-06', '2023..2024', '..2020', '2024-06-01..' → inclusive bounds."""
    if ".." in text:
        left, right = text.split("..", 1)
        lo = _date_bounds(left) if left else (None, None)
        hi = _date_bounds(right) if right else (None, None)
        if lo is None or hi is None or (not left and not right):
            return None
        start, end = lo[0], hi[1]
        if start and end and start > end:
            return None
        return start, end
    bounds = _date_bounds(text)
    return bounds


def _show_range(start: datetime | None, end: datetime | None) -> str:
    left = start.date().isoformat() if start else ""
    right = end.date().isoformat() if end else ""
    return left if left == right else f"{left}..{right}"


def parse_query(text: str, spell: Spell | None = None, held: Held | None = None) -> ParsedQuery:
    """Parse what a user typed; never raises for anything they may type.

    ``spell``: the kanji spellings of a kana word in the index searched (きしだ → 岸田);
    ``held``: whether the index holds a term (a kanji word it does not is also searched
    character by character).
    """
    raw = text or ""
    normalised = _normalise(raw).strip()
    if not normalised:
        return ParsedQuery(raw, wq.Every(), "すべての記事(新しい順)")
    messages: list[str] = []
    fallback = False
    try:
        parser = _Parser(_join_english(_lex(normalised)))
        tree = parser.parse()
        messages.extend(parser.notes)
    except QuerySyntaxError as exc:
        fallback = True
        words = re.sub(r'[()"「」]', " ", normalised).split()
        words = [w.lstrip("-") for w in words if w not in ("OR", "AND", "NOT", "|")]
        tree = And([Word(w) for w in words if w])
        messages.append(f"{exc}。語を並べたものとして検索しました")
    compiler = _Compiler(spell, held)
    parts: list[tuple[str, wq.Query]] = []
    rest: list[wq.Query] = []
    places: list[bool] = []
    if isinstance(tree, And):  # as compile() does for an And, keeping each item's query
        kept = [(item, *compiler.compile(item)) for item in tree.items]
        kept = [(item, q, shown) for item, q, shown in kept if q is not None]
        q, shown = ((None, "") if not kept else kept[0][1:] if len(kept) == 1 else
                    (wq.And([k[1] for k in kept]), " ".join(k[2] for k in kept)))
        for item, item_q, item_shown in kept:
            if isinstance(item, Filter | Not):
                rest.append(item_q)
            else:
                parts.append((_label(item, item_shown), item_q))
                places.append(isinstance(item, Word) and item.field is None
                              and _names_place(item.text))
        if len(parts) < 2:
            parts, places = [], []
    else:
        q, shown = compiler.compile(tree)
    messages.extend(compiler.messages)
    if q is None:
        return ParsedQuery(raw, wq.NullQuery, "(検索できる語がありません)", messages,
                           fallback=fallback)
    if _only_negative(q):
        q = wq.And([wq.Every(), q])
        shown = f"すべての記事 {shown}"
    return ParsedQuery(raw, q, shown, messages, compiler.terms, compiler.words, fallback,
                       parts, rest, places, isinstance(tree, And | Word | Phrase),
                       list(dict.fromkeys(compiler.named)))


def _label(item: Node, shown: str) -> str:
    """A word as the user typed it, for 「含まれない語」 (not its synonyms or translations)."""
    if isinstance(item, Word):
        return f"title:{item.text}" if item.field == "title" else item.text
    if isinstance(item, Phrase):
        return f'{"title:" if item.field == "title" else ""}"{item.text}"'
    return shown


def _only_negative(q: wq.Query) -> bool:
    """Whether the compiled query only excludes (what was ignored, like の, is gone from it)."""
    if isinstance(q, wq.Not):
        return True
    return isinstance(q, wq.And) and all(_only_negative(s) for s in q.subqueries)
