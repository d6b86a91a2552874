"""A parsed query compiled into the Whoosh query the engine runs, and how it was understood.

Every word is analysed like the index (Sudachi); a word that analyses into several tokens
(防衛装備移転) matches them as a phrase, or all of them anywhere, the phrase first. What else a
word searches (synonyms, translations, readings …) comes from ``expansion``, a place's names
from ``places``; the syntax from ``syntax``, dates from ``dates``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from whoosh import query as wq

from ..facets import BY_KEY
from ..text.analysis import analyze_pieces, analyze_terms
from ..text.kana import fold_case, is_hiragana, is_kana, is_kanji, is_katakana, katakana
from .dates import parse_date_range, show_range
from .expansion import (
    FORCE_BOOST,
    SYNONYM_BOOST,
    Spell,
    Variant,
    english_stop,
    forces,
    variants,
)
from .parsed import ParsedQuery
from .places import (
    abbreviated,
    abbreviated_before,
    abbreviated_compound,
    abbreviations,
    is_abbreviation,
    names_place,
    place_before,
    resolve_place,
    searchable_names,
)
from .regions import region_named
from .syntax import (
    And,
    Filter,
    Node,
    Not,
    Or,
    Parser,
    Phrase,
    QuerySyntaxError,
    Word,
    join_english,
    lex,
    normalise,
)

# Whether the index searched holds a term.
Held = Callable[[str], bool]
# Whether a term is in so many of the index's records that a phrase made only of such
# terms is costly to check (``expansion.COMMON_SHARE``).
Common = Callable[[str], bool]


# Fields a plain word searches, with their weight (the title's boost lives in the schema).
TEXT_FIELDS = (("title", 1.0), ("body", 1.0), ("notes", 0.5), ("outlet", 0.3))
# What a record says itself: where a category's instances are looked for (``Kind.content_only``).
CONTENT_FIELDS = ("title", "body")


PHRASE_BOOST = 2.0
# An article about one of a region's countries, found by the facet, scores this (a facet
# term's score is its boost): below any that names the region itself.
REGION_BOOST = 0.5
# An enumeration's places (日露, 米韓) ranking the articles the facet holds by their names,
# optional: a third of a typed word's weight, under any article that holds the word itself
ENUM_NAME_BOOST = 0.3


@dataclass
class _Alternatives:
    """What one word searches (its queries) and how the understood line shows it."""

    queries: list[wq.Query] = field(default_factory=list)
    shown: list[str] = field(default_factory=list)
    unread: bool = False  # typed in hiragana that reads as no word: it finds nothing


class _Compiler:
    def __init__(self, spell: Spell | None = None, held: Held | None = None,
                 kinds_of: bool = True, common: Common | None = None) -> None:
        self.messages: list[str] = []
        self.terms: set[str] = set()
        self.words: list[str] = []
        self.named: list[tuple[str, str]] = []
        self.spell = spell
        self.held = held
        self.kinds_of = kinds_of
        self.common = common

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

    def _katakana_whole(self, text: str, tokens: list[str]) -> str | None:
        """A katakana word the analyser cuts when it stands alone (ジャイシャンカル →
        ジャイ・シャンカル) but reads whole inside a sentence, as the index may hold it: the
        whole word, when the index holds it so; else None."""
        if self.held is None or len(tokens) < 2 or not is_katakana(text):
            return None
        whole = fold_case(text)
        return whole if self.held(whole) else None

    def word(self, node: Word, positive: bool) -> tuple[wq.Query | None, str]:
        if node.field is None and fold_case(node.text) in english_stop():
            # in, of, the: as the analyser leaves out は, の, を (only English clippings hold
            # them, so "submarine of Australia" found none of the Japanese ones)
            self.messages.append(f"「{node.text}」は検索語にならない語(英語の前置詞・冠詞など)"
                                 "なので無視しました")
            return None, ""
        fields = self._fields(node.field)
        out = _Alternatives()
        # an excluded category is the word and what it stands for, not every kind of it
        # (空母 -演習 keeps the carrier that sailed in RIMPAC)
        found = variants(node.text, self.spell, plain=node.field is None,
                         kinds_of=self.kinds_of and positive)
        if node.field is None and is_abbreviation(node.text):
            found = found[1:]  # 比 alone is the Philippines, not every ratio (GDP比)
        kinds = _Alternatives()  # a category's kinds and instances: counted once, below
        for variant in found:
            self._variant(variant, len(found), fields, positive,
                          kinds if variant.kind == "narrower" else out)
        if kinds.queries:
            # an article naming the category and one of its kinds (戦闘機, F-35) scores as
            # the better of the two, and F-35, F35 and F-35A in one text count once
            named = out.queries[0] if len(out.queries) == 1 else wq.Or(out.queries)
            out.queries = [wq.DisjunctionMax([named, *kinds.queries])] if out.queries \
                else [wq.DisjunctionMax(kinds.queries)]
            out.shown += kinds.shown
        place = None
        if node.field is None:
            place = self._place(node.text, found, fields, positive, out)
            self._enumerations(node.text, fields, positive, out)
            if place is None:
                self._region(node.text, found, out)
        if not out.queries and out.unread:
            out.queries.append(wq.NullQuery)
        if not out.queries:
            self.messages.append(f"「{node.text}」は検索語にならない語(助詞・記号など)なので"
                                 "無視しました")
            return None, ""
        if positive and node.field is None:
            self.words.append(node.text)
        prefix = "title:" if node.field == "title" else ""
        query = out.queries[0] if len(out.queries) == 1 else wq.Or(out.queries)
        if place is not None and positive:
            # a word naming a place finds the articles about it, as the facet reads them:
            # not インド in インド太平洋, nor 比 in GDP比 (its names only rank them)
            query = wq.And([query, wq.Term(place[0], place[1], boost=0.0)])
        # shown: the word as typed (even when only what it stands for is searched), then
        # its synonyms, translations, spellings and place
        shown = out.shown
        return query, prefix + (shown[0] if len(shown) == 1 else "(" + " OR ".join(shown) + ")")

    def _variant(self, variant: Variant, among: int, fields, positive: bool,
                 out: _Alternatives) -> None:
        """What one variant of a word searches, and how the understood line shows it."""
        pieces = analyze_pieces(variant.text)
        tokens = [term for term, _ in pieces]
        if not tokens:
            return
        typed = variant.kind == "typed"
        split = "".join(piece for _, piece in pieces)
        if among > 1 and is_kana(variant.text) and split != variant.text:
            # kana the analyser could not read as words (せどり → せ, as 為る): search what
            # it stands for (a synonym, a spelling), not its misread pieces, which would
            # match every text with する
            if typed:
                out.shown.append(variant.text)
            return
        how = variant.how
        if (variant.kind == "narrower" and len(tokens) > 1 and self.common is not None
                and all(map(self.common, tokens)) and place_before(variant.text) is None):
            # a kind made only of words most texts hold (防衛装備・技術協力 for 防衛協力):
            # its phrase is checked against much of the archive for what the category's
            # own words mostly find already; not searched, not shown. Not so a place's
            # force or office (米海軍 for 米軍): the category's words do not find it
            return
        if how.content_only:
            fields = tuple(f for f in fields if f[0] in CONTENT_FIELDS)
        # hiragana cut into pieces (ぼうえいしょう → ぼう・え・いしょう, こんさーと → 来る・さ・…)
        # was typed for its sound: the pieces mean nothing, alone or in a row, so only what
        # it reads as is searched (防衛省), and if nothing reads so, nothing
        misread = is_hiragana(variant.text) and [piece for _, piece in pieces] != [variant.text]
        if misread and not typed:
            # what a word stands for, in hiragana the analyser cuts (むらさめ → むら・鮫, a
            # ship of data/narrower.txt): not searched, so not shown as if it were
            return
        if misread:
            out.unread = True
        else:
            make = self._text_query if how.whole_or_parts(tokens) else self._phrase_query
            out.queries.append(make(tokens, fields, boost=how.boost))
            spelt = self._by_character(tokens) if typed else None
            if spelt is not None:
                out.queries.append(self._phrase_query(spelt, fields, boost=how.boost))
            whole = self._katakana_whole(variant.text, tokens)
            if whole is not None:
                out.queries.append(self._phrase_query([whole], fields, boost=how.boost))
        if typed:
            # the user's own characters, never the index's normal forms (ひん, not 干る); how
            # a Japanese word was cut, unless it was typed by its sound (the pieces of a
            # misread kana string are no one's meaning); F-35 needs no such note
            cut = "・".join(piece for _, piece in pieces)
            plain = len(tokens) == 1 or variant.text.isascii() or misread or cut == variant.text
            out.shown.append(variant.text if plain else f"{variant.text}[{cut}]")
        else:
            out.shown.append(variant.text)
        if positive and (how.marked or len(tokens) == 1):
            self.terms.update(tokens)

    def _place(self, text: str, found: list[Variant], fields, positive: bool,
               out: _Alternatives) -> tuple[str, str] | None:
        """The place a word names, by its name, in hiragana (なとー) or a kanji spelling,
        searched by all its names and its facet; None if it names none."""
        place = next(filter(None, (resolve_place(name) for name in (
            text, *([katakana(text)] if is_kana(text) else []),
            *(v.text for v in found if v.kind in ("reading", "spelling"))))), None)
        if place is None:
            return None
        fieldname, value = place
        if positive:
            self.named.append(place)
        out.queries.append(wq.Term(fieldname, value, boost=0.5))
        out.shown.append(f"{'国' if fieldname == 'countries' else '機関'}:{value}")
        # the place by all its names, in any script (Canada finds カナダ)
        searched = {v.text for v in found}
        for name in searchable_names(fieldname, value):
            if name not in searched:
                out.queries.append(self._phrase_query(analyze_terms(name), fields,
                                                      boost=SYNONYM_BOOST))
        # and its one-character abbreviation (豪 in 日米豪, 伊 in 日英伊), in the articles
        # the facet holds (the word's query keeps to them): there it was read in context
        for abbrev in abbreviations(fieldname, value):
            out.queries.append(self._text_query(analyze_terms(abbrev), fields,
                                                boost=SYNONYM_BOOST))
        return place

    def _region(self, text: str, found: list[Variant], out: _Alternatives) -> None:
        """A region (中東, Middle East) also finds the articles about its countries, as the
        facet reads them, after those that name the region itself."""
        region = next(filter(None, (region_named(v.text) for v in found)), None)
        if region is None:
            return
        out.queries.append(wq.Or([wq.Term("countries", name, boost=REGION_BOOST)
                                  for name in region.members]))
        out.shown.append(f"地域:{region.name}")

    def _enumerations(self, text: str, fields, positive: bool, out: _Alternatives) -> None:
        """Abbreviations side by side name the places together (日比, 米豪, 日米豪比), and
        before the word news glues to them (英軍: 英国's 軍, 仏海軍: France's 海軍)."""
        together = abbreviated(text)
        if together:
            if positive:
                self.named += [("countries", c) for c in together]
            named = [wq.Term("countries", c, boost=0.5) for c in together]
            facet = named[0] if len(named) == 1 else wq.And(named)
            each = [[self._phrase_query(analyze_terms(name), fields, boost=ENUM_NAME_BOOST)
                     for name in searchable_names("countries", c)] for c in together]
            each = [wq.Or(names) for names in each if names]
            out.queries.append(wq.AndMaybe(facet, each[0] if len(each) == 1 else wq.And(each))
                               if each else facet)
            out.shown.append("国:" + "+".join(together))
        glued = abbreviated_before(text)
        if glued is None:
            # a place's force by its name (フランス海軍, オーストラリア軍), as by its
            # abbreviation (仏海軍)
            by_name = place_before(text)
            glued = by_name if by_name is not None and _forces(*by_name) else None
        if glued:
            countries, rest = glued
            if positive:
                self.named += [("countries", c) for c in countries]
            # the force word, or what such a force does (data/forces.toml: 英軍 is also
            # 日米英の空母4隻が合同演習), in the articles about the place
            words = _forces(countries, rest)
            said = [self._text_query(analyze_terms(rest), fields,
                                     boost=FORCE_BOOST if words else SYNONYM_BOOST)]
            # what a force does, in the title and the text (as a category's kinds): 訓練
            # and 演習 are in most texts, and each field more is an array as long as the
            # index to add
            content = tuple(f for f in fields if f[0] in CONTENT_FIELDS)
            said += [self._text_query(analyze_terms(word), content, boost=FORCE_BOOST)
                     for word in words]
            out.queries.append(wq.And([
                *(wq.Term("countries", c, boost=0.5) for c in countries),
                said[0] if len(said) == 1 else wq.Or(said)]))
            out.shown.append("国:" + "+".join(countries) + " "
                             + ("(" + " OR ".join((rest, *words)) + ")" if words else rest))
        head = abbreviated_compound(text)
        if head:
            # 日米豪共同訓練: the articles about those places, as the facet reads them, that
            # hold the rest (共同訓練, or what it stands for): news writes 米豪加 or 日米印豪
            # where the query glued 日米豪
            countries, rest = head
            inner = _Compiler(self.spell, self.held, self.kinds_of, self.common)
            found, shown = inner.word(Word(rest), positive)
            if found is None:
                return
            if positive:
                self.named += [("countries", c) for c in countries]
                self.terms |= inner.terms
            out.queries.append(wq.And([
                *(wq.Term("countries", c, boost=0.5) for c in countries),
                found]))
            out.shown.append("国:" + "+".join(countries) + f" {shown}")

    def phrase(self, node: Phrase, positive: bool) -> tuple[wq.Query | None, str]:
        tokens = analyze_terms(node.text)
        if not tokens:
            self.messages.append(f"「{node.text}」は検索語にならないため無視しました")
            return None, ""
        if positive:
            self.terms.update(tokens)
        q = self._phrase_query(tokens, self._fields(node.field))
        whole = self._katakana_whole(node.text, tokens)
        if whole is not None:
            q = wq.Or([q, self._phrase_query([whole], self._fields(node.field))])
        prefix = "title:" if node.field == "title" else ""
        return q, f'{prefix}"{node.text}"'

    def filter(self, node: Filter, positive: bool) -> tuple[wq.Query | None, str]:
        if node.kind == "date":
            bounds = parse_date_range(node.value)
            if bounds is None:
                self.messages.append(f"日付「{node.value}」を読めないため無視しました"
                                     "(例: date:2024、date:2024-06、date:令和6年、date:2023..2024)")
                return None, ""
            start, end = bounds
            return wq.DateRange("date", start, end), f"date:{show_range(start, end)}"
        facet = BY_KEY.get(node.kind)
        if facet is None or not facet.names:  # not a field of the query language
            raise ValueError(node.kind)
        value = facet.call("resolve", node.value) if facet.resolve else node.value
        if value:
            found: wq.Query = wq.Term(facet.field, value)
            if facet.origin == "extracted" and positive:
                self.named.append((facet.field, value))
                # the articles about it first: those naming it in the title and often, not
                # those naming it once in a list
                names = (value, *(facet.call("spellings", value) if facet.spellings else ()))
                mentions = [self._phrase_query(tokens, TEXT_FIELDS)
                            for tokens in map(analyze_terms, dict.fromkeys(names)) if tokens]
                found = wq.AndMaybe(found, wq.Or(mentions)) if mentions else found
            return found, f"{facet.param}:{value}"
        if facet.text_field:  # a part of a name: 媒体「読売」 in the outlet names
            self.messages.append(f"{facet.label}「{node.value}」は一覧にないため、{facet.label}名の"
                                 "一部として検索しました")
            tokens = analyze_terms(node.value)
            if not tokens:
                return None, ""
            return (wq.And([wq.Term(facet.text_field, t) for t in tokens]),
                    f"{facet.param}:{node.value}")
        self.messages.append(f"{facet.label}「{node.value}」が見つからないため、語として検索しました")
        return self.word(Word(node.value), positive)


def syntax_tree(text: str) -> tuple[Node, list[str], bool] | None:
    """What the parser makes of ``text``: its syntax tree, what it said of it, and whether
    it fell back (None: nothing typed). Never raises: a query that cannot be parsed as
    written is its words side by side, and the message says so. Shared by ``parse_query``
    and the OpenSearch translation (``search.export.dsl``), so both read a query alike.
    """
    normalised = normalise(text or "").strip()
    if not normalised:
        return None
    try:
        parser = Parser(join_english(lex(normalised)))
        return parser.parse(), list(parser.notes), False
    except QuerySyntaxError as exc:
        words = re.sub(r'[()"「」]', " ", normalised).split()
        words = [w.lstrip("-") for w in words if w not in ("OR", "AND", "NOT", "|")]
        return (And([Word(w) for w in words if w]),
                [f"{exc}。語を並べたものとして検索しました"], True)


def parse_query(text: str, spell: Spell | None = None, held: Held | None = None,
                kinds_of: bool = True, common: Common | None = None) -> ParsedQuery:
    """Parse what a user typed; never raises for anything they may type.

    ``spell``: the kanji spellings of a kana word in the index searched (きしだ → 岸田);
    ``held``: whether the index holds a term (a kanji word it does not is also searched
    character by character); ``kinds_of``: a category word also searches its kinds and
    instances (輸送機 → C-130), but a kind of several words that are all ``common`` in the
    index.
    """
    raw = text or ""
    read = syntax_tree(raw)
    if read is None:
        return ParsedQuery(raw, wq.Every(), "すべての記事(新しい順)")
    tree, messages, fallback = read
    compiler = _Compiler(spell, held, kinds_of, common)
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
                              and names_place(item.text))
        if len(parts) < 2:
            parts, places = [], []
    else:
        q, shown = compiler.compile(tree)
    # each said once, however often it applies (3,000 unknown fields are one message)
    messages = list(dict.fromkeys([*messages, *compiler.messages]))
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


def _forces(countries: list[str], rest: str) -> tuple[str, ...]:
    """What the articles about the places say of their force ``rest`` (data/forces.toml),
    or () if the table leaves out the word or any of the places."""
    said = [forces(country, rest) for country in countries]
    return tuple(dict.fromkeys(w for words in said for w in words)) if all(said) else ()
