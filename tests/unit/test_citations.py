"""How a record is cited (search/engine/citations.py): the three styles' exact text, RIS and
BibTeX exactly, and both read back by the parsers a reference manager's user would use (rispy,
bibtexparser), so a value can never break out of its field."""

from __future__ import annotations

import bibtexparser
import pytest
import rispy

from search.corpus.records import Record
from search.engine import Hit
from search.engine.citations import Cited, bibtex, bibtex_key, citations, ris, tex


def record(**overrides) -> Record:
    base = {"id": "2409-082209", "kind": "clipping", "title": "イタリア空母、日本に初寄港",
            "summary": "空母が入港した。\n共同訓練を行う。", "date": "2024-08-22",
            "time": "12:55", "source": "読売新聞", "collections": ["欧州"],
            "facets": {"country": ["イタリア", "米国"], "organization": ["NATO", "EU"]}}
    base.update(overrides)
    return Record(**base)


def url(rid: str) -> str:
    return "https://kirinuki.example/records/" + rid.replace("#", "%23")


def test_three_styles_exactly():
    assert citations(record()) == {
        "sist02": "イタリア空母、日本に初寄港. 読売新聞. 2024-08-22.",
        "japanese": "「イタリア空母、日本に初寄港」『読売新聞』2024年8月22日",
        "chicago": "読売新聞. “イタリア空母、日本に初寄港.” August 22, 2024.",
    }


def test_a_title_with_its_own_stop_and_a_record_without_date_or_outlet():
    assert citations(record(title="防衛費は増えるのか?", date=None, source="")) == {
        "sist02": "防衛費は増えるのか? 媒体不明. 日付不明.",
        "japanese": "「防衛費は増えるのか?」『媒体不明』(日付不明)",
        "chicago": "媒体不明. “防衛費は増えるのか?” n.d.",
    }
    assert citations(record(title="NATO首脳会議。", date="2025-01-05"))["chicago"] == \
        "読売新聞. “NATO首脳会議。” January 5, 2025."


def test_a_result_row_and_its_record_cite_alike():
    hit = Hit(id="2409-082209", score=1.0, title="イタリア空母、日本に初寄港", title_html="",
              date="2024-08-22", time="12:55", source="読売新聞", snippet_html="", snippet="",
              values={"country": ["イタリア", "米国"], "organization": ["NATO", "EU"],
                      "collection": ["欧州"]},
              summary="空母が入港した。\n共同訓練を行う。")
    assert Cited.of(hit) == Cited.of(record())
    assert ris([hit], url) == ris([record()], url) and bibtex([hit], url) == bibtex([record()], url)


def test_ris_exactly():
    text = ris([record(), record(id="whitepaper-2025#38", date=None, time=None, source="",
                                 title="NATOとの\r\n協力", lang="en", collections=[],
                                 facets={"organization": ["NATO"]},
                                 summary="\x00一行目\t\n\n  二行目  ")], url)
    assert text == (
        "TY  - NEWS\r\n"
        "ID  - 2409-082209\r\n"
        "TI  - イタリア空母、日本に初寄港\r\n"
        "T2  - 読売新聞\r\n"
        "PY  - 2024\r\n"
        "DA  - 2024/08/22/12:55\r\n"
        "LA  - ja\r\n"
        "AB  - 空母が入港した。 共同訓練を行う。\r\n"
        "UR  - https://kirinuki.example/records/2409-082209\r\n"
        "KW  - イタリア\r\n"
        "KW  - 米国\r\n"
        "N1  - 機関: NATO・EU\r\n"
        "DB  - 欧州\r\n"
        "ER  - \r\n"
        "\r\n"
        "TY  - NEWS\r\n"
        "ID  - whitepaper-2025#38\r\n"
        "TI  - NATOとの 協力\r\n"
        "LA  - en\r\n"
        "AB  - 一行目 二行目\r\n"
        "UR  - https://kirinuki.example/records/whitepaper-2025%2338\r\n"
        "N1  - 機関: NATO\r\n"
        "ER  - \r\n"
        "\r\n")
    assert ris([], url) == ""
    assert "DA  - 2024/08/22\r\n" in ris([record(time=None)], url)


def test_ris_read_back_by_a_ris_parser():
    hostile = record(title="a\nTY  - JOUR\nER  - ", summary="ER  - \n\nTY  - BOOK")
    entries = rispy.loads(ris([record(), hostile], url))
    assert len(entries) == 2  # no value began a record of its own
    first = entries[0]
    assert (first["type_of_reference"], first["id"], first["title"], first["secondary_title"],
            first["year"], first["date"], first["language"], first["urls"]) == (
        "NEWS", "2409-082209", "イタリア空母、日本に初寄港", "読売新聞", "2024",
        "2024/08/22/12:55", "ja", ["https://kirinuki.example/records/2409-082209"])
    assert first["keywords"] == ["イタリア", "米国"]
    assert first["notes"] == ["機関: NATO・EU"] and first["name_of_database"] == "欧州"
    assert entries[1]["title"] == "a TY - JOUR ER -"


def test_bibtex_exactly():
    assert bibtex([record(), record(id="whitepaper-2025#38", title="50% {増} & _x_ #1 ~^\\",
                                    date=None, lang="en", collections=[])], url) == (
        "@article{kirinuki-2409-082209,\n"
        "  title = {イタリア空母、日本に初寄港},\n"
        "  journal = {読売新聞},\n"
        "  date = {2024-08-22},\n"
        "  year = {2024},\n"
        "  month = {8},\n"
        "  url = {https://kirinuki.example/records/2409-082209},\n"
        "  langid = {japanese},\n"
        "  note = {kirinuki 2409-082209(欧州)}\n"
        "}\n"
        "\n"
        "@article{kirinuki-whitepaper-2025-38,\n"
        "  title = {50\\% \\{増\\} \\& \\_x\\_ \\#1 \\textasciitilde{}\\textasciicircum{}"
        "\\textbackslash{}},\n"
        "  journal = {読売新聞},\n"
        "  url = {https://kirinuki.example/records/whitepaper-2025%2338},\n"
        "  langid = {english},\n"
        "  note = {kirinuki whitepaper-2025\\#38}\n"
        "}\n")


def test_bibtex_read_back_by_a_bibtex_parser():
    hostile = record(id="2409-082210", title="}, note = {injected", summary="")
    library = bibtexparser.parse_string(bibtex([record(), hostile], url))
    assert library.failed_blocks == []
    assert [e.key for e in library.entries] == ["kirinuki-2409-082209", "kirinuki-2409-082210"]
    fields = {f.key: f.value for f in library.entries[0].fields}
    assert fields == {"title": "イタリア空母、日本に初寄港", "journal": "読売新聞",
                      "date": "2024-08-22", "year": "2024", "month": "8",
                      "url": "https://kirinuki.example/records/2409-082209",
                      "langid": "japanese", "note": "kirinuki 2409-082209(欧州)"}
    injected = {f.key: f.value for f in library.entries[1].fields}
    assert injected["title"] == "\\}, note = \\{injected"
    assert injected["note"] == "kirinuki 2409-082210(欧州)"


@pytest.mark.parametrize(("rid", "key"), [
    ("2409-082209", "kirinuki-2409-082209"),
    ("whitepaper-2025#38", "kirinuki-whitepaper-2025-38"),
    ("mod-news-2024-10-22-nato#1", "kirinuki-mod-news-2024-10-22-nato-1"),
    ("a b/c", "kirinuki-a-b-c"),
])
def test_bibtex_keys(rid, key):
    assert bibtex_key(rid) == key


def test_tex_escapes_every_special_character_once():
    assert tex("{}%&#_$~^\\") == (
        "\\{\\}\\%\\&\\#\\_\\$\\textasciitilde{}\\textasciicircum{}\\textbackslash{}")
    assert tex("一行目\n二行目\x00") == "一行目 二行目"
