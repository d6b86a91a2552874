"""The plain dataclasses that cross module boundaries: records and what the parsers noticed."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal

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
    countries: list[str] = field(default_factory=list)  # Japanese short names
    country_codes: list[str] = field(default_factory=list)  # ISO 3166-1 alpha-2, same order
    organizations: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


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
