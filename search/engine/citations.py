"""How a record is cited: the forms researchers paste into a paper, and the files reference
managers import.

Three styles of citation text (``STYLES``): SIST 02, the Japanese standard for references
(``記事タイトル. 新聞名. 2024-09-27.``), the form Japanese papers give a newspaper article
(``「見出し」『媒体』2024年9月27日``), and Chicago's for a newspaper article in its
bibliography (``読売新聞. “Title.” September 27, 2024.``). The archive holds no author, page
or edition (朝刊・夕刊), so none is given; a record without a date says so in each style's
words. And two files: RIS (type NEWS, for Zotero, EndNote, Mendeley) and BibTeX
(``@article``, biblatex's ``date`` and ``langid`` beside BibTeX's year and month), one
record or many. Page, API and command line all take them from here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from ..corpus.records import Record
from ..facets import keyword_facets, row_facets
from .results import Hit

STYLES = (("sist02", "SIST 02"), ("japanese", "新聞記事の形式"), ("chicago", "Chicago"))
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
LANGUAGES = {"ja": "japanese", "en": "english"}  # a record's lang → biblatex's langid


@dataclass(frozen=True)
class Cited:
    """What a citation needs of a record, from a result row or a whole record alike."""

    id: str
    title: str
    source: str
    date: str | None  # ISO yyyy-mm-dd
    time: str | None = None  # HH:MM
    summary: str = ""
    lang: str = "ja"
    values: dict[str, list[str]] = field(default_factory=dict)  # facet key → values

    @classmethod
    def of(cls, item: Hit | Record) -> Cited:
        if isinstance(item, Record):
            values = {f.key: f.values_of(item) for f in row_facets()}
            return cls(item.id, item.title, item.source, item.date, item.time, item.summary,
                       item.lang, values)
        return cls(item.id, item.title, item.source, item.date, item.time, item.summary,
                   item.lang, dict(item.values))


def _day(iso: str | None) -> date | None:
    try:
        return date.fromisoformat(iso) if iso else None
    except ValueError:
        return None


def _end(text: str, mark: str = ".") -> str:
    """``text`` ending in ``mark`` unless it already ends in a stop of its own."""
    return text if text.endswith((".", "?", "!", "。", "？", "！")) else text + mark


def citations(item: Hit | Record) -> dict[str, str]:
    """The record cited in each style of ``STYLES`` (style key → text)."""
    c = Cited.of(item)
    day = _day(c.date)
    source = c.source or "媒体不明"
    sist_day = day.isoformat() if day else "日付不明"
    japanese_day = f"{day.year}年{day.month}月{day.day}日" if day else "(日付不明)"
    chicago_day = f"{MONTHS[day.month - 1]} {day.day}, {day.year}" if day else "n.d."
    return {
        "sist02": f"{_end(c.title)} {_end(source)} {sist_day}.",
        "japanese": f"「{c.title}」『{source}』{japanese_day}",
        "chicago": f"{_end(source)} “{_end(c.title)}” {_end(chicago_day)}",
    }


# -- RIS ------------------------------------------------------------------------------------

RIS_EOL = "\r\n"  # the RIS specification's line end; Zotero and EndNote read LF too
_RIS_SPACE = re.compile(r"\s+")
# characters XML 1.0 (and so Atom, and most importers) cannot hold: controls but tab, line
# feed and carriage return; lone surrogates; U+FFFE and U+FFFF
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def ris_value(value: object) -> str:
    """A value for one RIS line: control characters dropped, every run of white space
    (line breaks included) one space, so no value can begin a tag of its own."""
    return _RIS_SPACE.sub(" ", CONTROL.sub("", "" if value is None else str(value))).strip()


def ris(items: Iterable[Hit | Record], record_url: Callable[[str], str]) -> str:
    """Every record as one RIS record of type NEWS.

    Tags: TY, ID, TI (title), T2 (the outlet: a newspaper's name), PY and DA (year, and the
    date as YYYY/MM/DD with the time as its fourth part: 2024/09/27/09:00), LA (language),
    AB (the whole summary), UR (the record's page), one KW per keyword (the keyword facets'
    values: the countries), then each facet that declares a RIS tag (DB: the archives, N1:
    機関: …), ER. Empty values are left out; records are separated by an empty line.
    """
    out: list[str] = []
    for item in items:
        c = Cited.of(item)
        lines = [("TY", "NEWS"), ("ID", c.id), ("TI", c.title), ("T2", c.source)]
        if c.date:
            day = c.date.replace("-", "/")
            lines += [("PY", c.date[:4]), ("DA", f"{day}/{c.time}" if c.time else day)]
        lines += [("LA", c.lang), ("AB", c.summary), ("UR", record_url(c.id))]
        lines += [("KW", v) for f in keyword_facets() for v in c.values.get(f.key, [])]
        for f in row_facets():
            values = "・".join(c.values.get(f.key, []))
            if f.ris and values:
                lines.append((f.ris, f"{f.label}: {values}" if f.ris == "N1" else values))
        for tag, value in lines:
            text = ris_value(value)
            if text:
                out.append(f"{tag}  - {text}{RIS_EOL}")
        out.append(f"ER  - {RIS_EOL}{RIS_EOL}")
    return "".join(out)


# -- BibTeX ---------------------------------------------------------------------------------

_TEX_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "%": r"\%", "&": r"\&",
                "#": r"\#", "_": r"\_", "$": r"\$", "~": r"\textasciitilde{}",
                "^": r"\textasciicircum{}"}
_TEX = re.compile("|".join(re.escape(ch) for ch in _TEX_SPECIAL))


def tex(value: object) -> str:
    """Text for a BibTeX field: one line, TeX's special characters escaped (no brace can
    end the field early), control characters dropped."""
    return _TEX.sub(lambda m: _TEX_SPECIAL[m.group()], ris_value(value))


def bibtex_key(rid: str) -> str:
    """A citation key from a record id: letters, digits and - only (whitepaper-2025#12 →
    kirinuki-whitepaper-2025-12)."""
    return "kirinuki-" + re.sub(r"[^0-9A-Za-z-]+", "-", rid).strip("-")


def bibtex(items: Iterable[Hit | Record], record_url: Callable[[str], str]) -> str:
    """Every record as one ``@article`` entry (the outlet as its journal), entries
    separated by an empty line; empty fields are left out."""
    out: list[str] = []
    for item in items:
        c = Cited.of(item)
        day = _day(c.date)
        archives = "・".join(v for f in row_facets() if f.ris == "DB"
                             for v in c.values.get(f.key, []))
        fields = [("title", c.title), ("journal", c.source),
                  ("date", day.isoformat() if day else ""),
                  ("year", str(day.year) if day else ""),
                  ("month", str(day.month) if day else ""),
                  ("url", record_url(c.id)), ("langid", LANGUAGES.get(c.lang, c.lang)),
                  ("note", f"kirinuki {c.id}" + (f"({archives})" if archives else ""))]
        # a URL is read verbatim (the url package): its %XX stay as they are, and it holds
        # no brace or space, percent-encoded
        body = ",\n".join(f"  {name} = {{{ris_value(value) if name == 'url' else tex(value)}}}"
                          for name, value in fields if ris_value(value))
        out.append(f"@article{{{bibtex_key(c.id)},\n{body}\n}}\n")
    return "\n".join(out)
