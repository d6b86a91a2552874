"""The Whoosh schema and a record as a document of it (search/index/schema.py), written for
mutation testing: every field's kind and options, a document's fields exactly (with a date
and without one, values holding commas), the stored record given back, the positions
format's table of single positions, and a writer that analyses repeated values once."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from whoosh import formats
from whoosh import index as whoosh_index

from search.corpus.records import Record
from search.index import schema
from search.index.schema import (
    SCHEMA_VERSION,
    STORED,
    TITLE_BOOST,
    build_schema,
    new_writer,
    repeated_fields,
    split_commas,
    stored,
    stored_names,
    stored_record,
    to_document,
)
from search.text.analysis import japanese_analyzer
from search.text.marks import SNIPPET_SOURCE_CHARS, TITLE_MARKED_CHARS, marks

FULL = Record(id="2501-010101", kind="clipping", title="空母,演習", summary="空母が来た。",
              date="2025-01-01", time="10:00", source="読売新聞", source_raw="讀賣新聞",
              collections=["A,B", "C"], notes=["一つ目\n二行", "二つ目"],
              facets={"country": ["米国", "日本"], "organization": []}, file="x.txt",
              section="政治", lang="en", via_yahoo=True)
BARE = Record(id="z", kind="passage", title="t", summary="")


def test_the_constants_and_names() -> None:
    assert (SCHEMA_VERSION, TITLE_BOOST) == (9, 2.0)
    assert repeated_fields() == ("kind", "outlet", "date", "source", "organizations",
                                 "collections", "year", "month")
    assert STORED == ("id", "kind", "title", "body", "notes", "source", "source_raw",
                      "collections", "date", "time", "via_yahoo", "lang", "section", "file")
    assert stored_names() == (*STORED, "countries", "organizations")


def test_every_field_of_the_schema() -> None:
    s = build_schema()
    assert sorted(s.names()) == sorted([
        "record", "marks", "id", "kind", "title", "body", "notes", "outlet", "date",
        "sortkey", "source", "countries", "organizations", "collections", "year", "month"])
    kinds = {name: type(s[name]).__name__ for name in s.names()}
    assert kinds == {"record": "STORED", "marks": "STORED", "id": "ID", "kind": "ID",
                     "title": "TEXT", "body": "TEXT", "notes": "TEXT", "outlet": "TEXT",
                     "date": "DATETIME", "sortkey": "ID", "source": "ID",
                     "countries": "KEYWORD", "organizations": "KEYWORD",
                     "collections": "KEYWORD", "year": "ID", "month": "ID"}
    assert s["id"].unique is True and s["kind"].unique is False
    assert s["sortkey"].column_type is not None and s["id"].column_type is None
    for name in ("countries", "organizations", "collections"):
        assert s[name].scorable is False
        assert [t.text for t in s[name].analyzer("a b,c d")] == ["a b", "c d"]  # commas
    ana = japanese_analyzer()
    for name, boost in (("title", 2.0), ("body", 1.0), ("notes", 1.0), ("outlet", 1.0)):
        field = s[name]
        assert type(field.format) is schema.Positions
        assert field.format.field_boost == boost
        assert field.analyzer == ana and field.scorable


def test_a_document_of_a_full_record() -> None:
    doc = to_document(FULL, ["読売", "読売新聞", "讀賣新聞"])
    assert doc == {
        "record": ("2501-010101", "clipping", "空母,演習", "空母が来た。", "一つ目\n二行\n\n二つ目",
                   "読売新聞", "讀賣新聞", "A B,C", "2025-01-01", "10:00", True, "en", "政治",
                   "x.txt", "米国,日本", ""),
        "marks": (marks("空母,演習", TITLE_MARKED_CHARS),
                  marks("空母が来た。", SNIPPET_SOURCE_CHARS)),
        "outlet": "読売新聞 讀賣新聞 読売",
        "sortkey": "2025-01-01 10:00 2501-010101",
        "id": "2501-010101", "kind": "clipping", "title": "空母,演習", "body": "空母が来た。",
        "notes": "一つ目\n二行\n\n二つ目", "source": "読売新聞", "countries": "米国,日本",
        "organizations": "", "collections": "A B,C", "year": "2025", "month": "2025-01",
        "date": datetime(2025, 1, 1)}


def test_a_document_of_a_bare_record() -> None:
    """No date: the lowest sort key, no date, year or month field; the source (from the
    record) empty rather than missing."""
    doc = to_document(BARE, [])
    assert doc == {
        "record": ("z", "passage", "t", "", "", "", "", "", None, None, False, "ja", None, "",
                   "", ""),
        "marks": (marks("t", TITLE_MARKED_CHARS), marks("", SNIPPET_SOURCE_CHARS)),
        "outlet": "", "sortkey": "0000-00-00 00:00 z", "id": "z", "kind": "passage",
        "title": "t", "body": "", "notes": "", "source": "", "countries": "",
        "organizations": "", "collections": ""}
    dated = to_document(Record(id="d", kind="clipping", title="t", summary="",
                               date="2024-06-30"), [])
    assert dated["sortkey"] == "2024-06-30 00:00 d" and dated["date"] == datetime(2024, 6, 30)


def test_stored_gives_the_record_back_with_its_marks() -> None:
    doc = to_document(FULL, [])
    found = stored({"record": doc["record"], "marks": doc["marks"]})
    assert list(found) == [*stored_names(), "marks"]
    assert found["collections"] == "A B,C" and found["countries"] == "米国,日本"
    assert found["marks"] == doc["marks"]
    assert stored({"record": doc["record"]})["marks"] is None
    with pytest.raises(ValueError):
        stored({"record": doc["record"][:-1]})


def test_a_record_stored_in_an_index_and_read_back(tmp_path: Path) -> None:
    ix = whoosh_index.create_in(str(tmp_path), build_schema())
    writer = new_writer(ix)
    writer.add_document(**to_document(FULL, []))
    writer.add_document(**to_document(BARE, []))
    writer.commit()
    with ix.searcher() as searcher:
        first = stored_record(searcher, 0)
        assert first["id"] == "2501-010101" and first["notes"] == "一つ目\n二行\n\n二つ目"
        assert stored_record(searcher, 1)["date"] is None
        assert [d for d in searcher.document_numbers(collections="A B")] == [0]
        assert list(searcher.document_numbers(year="2025")) == [0]


def test_split_commas() -> None:
    assert split_commas("A,,B,") == ["A", "B"]
    assert split_commas("") == [] and split_commas(None) == []


def test_a_single_position_is_encoded_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(schema.Positions, "_single", {})
    fmt = schema.Positions(field_boost=2.0)
    one = fmt.encode([7])
    assert one == formats.Positions().encode([7])
    assert fmt.encode([7]) is one and schema.Positions._single == {7: one}
    two = fmt.encode([1, 7])
    assert two == formats.Positions().encode([1, 7]) and 1 not in schema.Positions._single


def test_word_values_from_the_analyzers_positions_when_indexing() -> None:
    """The same (term, frequency, weight, value) as Whoosh's own way, weights boosted."""
    fmt = schema.Positions(field_boost=2.0)
    ana = japanese_analyzer()
    text = "空母と空母が演習"
    ours = sorted(fmt.word_values(text, ana, mode="index"))
    theirs = sorted(formats.Positions.word_values(fmt, text, ana, mode="index"))
    assert ours == theirs
    assert ours == [("演習", 1, 2.0, fmt.encode([2])), ("空母", 2, 4.0, fmt.encode([0, 1]))]
    # not indexing, or no ``positions``: Whoosh's own
    assert sorted(fmt.word_values(text, ana, mode="query")) == sorted(
        formats.Positions.word_values(fmt, text, ana, mode="query"))
    assert sorted(fmt.word_values(text, ana)) == theirs


class Plain:
    """kirinuki's analyzer without its ``positions`` (as Whoosh's own analyzers are), every
    call counted."""

    def __init__(self) -> None:
        self.real = japanese_analyzer()
        self.calls: list[str] = []

    def __call__(self, value, **kwargs):
        self.calls.append("tokens")
        return self.real(value, **kwargs)


class Watched(Plain):
    """kirinuki's analyzer, both ways of reading a text counted."""

    def positions(self, value: str):
        self.calls.append("positions")
        return self.real.positions(value)


SUBWORDS = sorted(formats.Positions.word_values(schema.Positions(), "海上自衛隊",
                                                japanese_analyzer(), mode="index"))


def test_the_positions_are_read_only_when_indexing_a_text() -> None:
    """Indexing a text with kirinuki's analyzer: its ``positions``, no Token; a query, an
    analyzer without ``positions`` or a value not a string: Whoosh's way, with the mode."""
    fmt = schema.Positions()
    assert [t for t, *_ in SUBWORDS] == ["海上", "海上自衛隊", "自衛", "自衛隊", "隊"]
    watched = Watched()
    assert sorted(fmt.word_values("海上自衛隊", watched, mode="index")) == SUBWORDS
    assert watched.calls == ["positions"]
    watched.calls.clear()
    queried = sorted(fmt.word_values("海上自衛隊", watched, mode="query"))
    assert [t for t, *_ in queried] == ["海上自衛隊"] and watched.calls == ["tokens"]
    watched.calls.clear()
    assert [t for t, *_ in fmt.word_values("海上自衛隊", watched)] == ["海上自衛隊"]
    assert watched.calls == ["tokens"]
    plain = Plain()
    assert sorted(fmt.word_values("海上自衛隊", plain, mode="index")) == SUBWORDS
    assert plain.calls == ["tokens"]


def test_a_writer_with_the_repeated_fields_and_the_options_given(tmp_path: Path) -> None:
    """The repeated fields, and the options passed on (``_lk=False``: a worker's writer
    takes no lock, the parent holds it)."""
    ix = whoosh_index.create_in(str(tmp_path), build_schema())
    unlocked = new_writer(ix, _lk=False)
    try:
        assert unlocked._repeated == frozenset(repeated_fields())
        lock = ix.lock("WRITELOCK")
        assert lock.acquire(False)  # free: the writer took none
        lock.release()
    finally:
        unlocked.cancel()
    locked = new_writer(ix)
    try:
        assert not ix.lock("WRITELOCK").acquire(False)
    finally:
        locked.cancel()
