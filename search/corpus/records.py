"""The plain dataclasses that cross module boundaries: records and what the parsers noticed."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal

from ..facets import extracted

Kind = Literal["clipping", "passage", "article"]
Severity = Literal["warning", "repair", "notice"]


@dataclass
class Record:
    """One searchable unit: a clipped article, a white-paper passage or a single article."""

    id: str
    kind: Kind
    title: str
    summary: str
    date: str | None = None  # ISO yyyy-mm-dd
    time: str | None = None  # HH:MM
    source_raw: str = ""  # the outlet as written
    source: str = ""  # canonical outlet
    via_yahoo: bool = False
    notes: list[str] = field(default_factory=list)  # the editor's 【…】 notes, footnotes
    lang: str = "ja"  # language of the title
    collections: list[str] = field(default_factory=list)  # labels of every archive holding it
    file: str = ""  # file name (within the corpus folder) of the first copy
    line: int = 0  # 1-based line where the record starts in that file
    section: str | None = None  # white-paper section label
    # the values extractors found in the title and text, by facet key (search.facets:
    # country → Japanese short names, organization → …), in order of first mention
    facets: dict[str, list[str]] = field(default_factory=dict)

    def to_dict(self) -> dict:
        """The record as JSON (``manage.py export``): its fields, then each extracted
        facet's values under the facet's field name, with their codes where the facet has
        them (``countries``, ``country_codes``, ``organizations``)."""
        out = asdict(self)
        del out["facets"]
        for facet in extracted():
            values = self.facets.get(facet.key, [])
            out[facet.field] = values
            if facet.codes:
                out[f"{facet.key}_codes"] = facet.call("codes", values)
        return out


@dataclass(frozen=True)
class Issue:
    """Something a parser noticed in its input, always with the file and line.

    ``warning``: a defect it could not repair; ``repair``: a defect it repaired (the
    message says how); ``notice``: information, such as a file recognised by its shape.
    """

    file: str
    line: int
    message: str
    severity: Severity = "warning"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"
