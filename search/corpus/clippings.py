"""Parse a clipping archive: page header, then one article after another, newest first.

An article starts at a line that begins with a date (2025.02.10) and runs to the next one.
Between the date and the line carrying the article id (<2503-021012>) come, in any of the
shapes the archives use, the time, the outlet (sometimes on two lines, sometimes sharing a
line with the date or the title), a marker line ((Yahoo) or インターネット) and, for the
"Yahoo X記事" shape, the title in 「」 on a line of its own. After the id come summary lines,
some wrapped in the middle of a word, and the editor's notes in 【】.

Every line ends up in ``roles``: part of a record, page furniture, or a warning.

An article is read from its own lines only, so an update can tell an article it has already
indexed by a hash of those lines (its key) and skip parsing it again (``known``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date as Date

from ..text.kana import nfkc
from . import outlets
from .cleanup import SENTENCE_END, clean_html, join_wrapped, strip_brackets, title_lang
from .records import Issue, Record

RECORD, FURNITURE, WARNING = "record", "furniture", "warning"

_DATE = re.compile(r"^(\d{4})([.．:/])(\d{1,2})([.．:/])(\d{1,2})(?=\s|$)\s*(.*)$")
_TIME = re.compile(r"^\s*(\d{1,2})[:：](\d{2})\s*$")
_ID = re.compile(r"[<＜]+\s*(\d{4})\s*[-‐－ー]\s*(\d{6})\s*[>＞]?")
_MARKERS = {"(yahoo)": True, "インターネット": False}
_HEADER_WORDS = {"年月日", "出典", "標題", "要旨"}
_YEAR_LINKS = re.compile(r"^(\s*\d{4}年(以前)?の報道\s*)+$")
# An outlet line is short ("Yahoo 讀賣新聞記事"); a longer header line is misplaced text.
_LONGEST_OUTLET = 30


# An article's key is this many bytes of a hash of its lines (``article_key``); NO_KEY is
# that of an article that cannot be passed over (``Parsed.keys``).
KEY_BYTES = 8
NO_KEY = bytes(KEY_BYTES)


@dataclass
class Parsed:
    """What one file gave: its records, the role of each line, and what was noticed.

    When keyed (``parse_clippings``'s ``known``), also each record's article key (NO_KEY
    for an article that gave an issue: its issues are only known by parsing it), and the
    articles passed over as known: (id, line, key) each."""

    records: list[Record] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    keys: list[bytes] = field(default_factory=list)  # one per record, when keyed
    passed: list[tuple[str, int, bytes]] = field(default_factory=list)


def article_key(lines: list[str], start: int, end: int) -> bytes:
    """A hash of an article's lines [start, end): 64 bits, which two different articles of
    one archive share with a chance of one in 10^15 (one in 2^64 / 5,000)."""
    text = "\n".join(lines[start:end]).encode("utf-8", "surrogatepass")
    return hashlib.blake2b(text, digest_size=KEY_BYTES).digest()


def parse_clippings(name: str, lines: list[str], label: str,
                    known: Mapping[bytes, str] | None = None) -> Parsed:
    """Parse the archive ``name`` (already decoded into ``lines``).

    With ``known`` (an article's key → its record's id, from the last parse of this file),
    every article is keyed, and an article whose key is known is passed over (``Parsed.
    passed``): its lines, and so its record, are what they were. Not the last article, whose
    end the file's end may have cut short; the articles of an empty ``known`` are keyed only.
    """
    out = Parsed(roles=[""] * len(lines))
    dated = [i for i, ln in enumerate(lines) if _DATE.match(ln)]
    first = dated[0] if dated else len(lines)
    _page_header(name, lines[:first], out)
    starts = dated + _dateless_starts(lines, dated)
    starts.sort()
    for k, start in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(lines)
        if known is None:
            _Article(name, lines, start, end, label, out).parse()
            continue
        key = article_key(lines, start, end)
        rid = known.get(key) if end < len(lines) else None
        if rid is not None:
            out.roles[start:end] = [RECORD] * (end - start)
            out.passed.append((rid, start + 1, key))
            continue
        records, issues = len(out.records), len(out.issues)
        _Article(name, lines, start, end, label, out).parse()
        clean = len(out.records) == records + 1 and len(out.issues) == issues
        out.keys.extend([key if clean else NO_KEY] * (len(out.records) - records))
    _cut_short(name, lines, out)
    return out


def _cut_short(name: str, lines: list[str], out: Parsed) -> None:
    """Warn when the archive's last article stops mid-sentence: a copy cut short, say."""
    last = next((i for i in range(len(lines) - 1, -1, -1) if lines[i].strip()), None)
    if last is None or out.roles[last] != RECORD:
        return
    text = lines[last].strip()
    if not text.endswith(SENTENCE_END) and not _ID.search(text):
        out.issues.append(Issue(name, last + 1, "the file ends in the middle of a sentence: was "
                                                "it cut short? The last article is kept as it "
                                                "stands"))


def _dateless_starts(lines: list[str], dated: list[int]) -> list[int]:
    """Where articles whose date line is missing start: at a second id inside an article.

    No archive repeats an id within one article, so another id there is the title line of
    an article whose date line was lost. Its header (time, outlet, marker) is the run of
    header-like lines just above it.
    """
    found: list[int] = []
    for k, start in enumerate(dated):
        end = dated[k + 1] if k + 1 < len(dated) else len(lines)
        seen: str | None = None
        floor = start
        for i in range(start, end):
            m = _ID.search(lines[i])
            if not m:
                continue
            rec_id = nfkc(f"{m.group(1)}-{m.group(2)}")
            if seen is not None and rec_id != seen:
                head = i
                while head - 1 > floor and _is_header_line(lines[head - 1]):
                    head -= 1
                while head < i and not lines[head].strip():
                    head += 1  # blank lines above the header stay with the article before
                found.append(head)
                floor = i
            seen = rec_id
    return found


def _is_header_line(line: str) -> bool:
    """A line that fits between a date and a title: blank, a time, a marker, an outlet."""
    text = line.strip()
    folded = nfkc(text)
    return (not text or bool(_TIME.match(folded)) or folded.casefold() in _MARKERS
            or outlets.is_outlet_line(text))


def _page_header(name: str, head: list[str], out: Parsed) -> None:
    for i, line in enumerate(head):
        text = re.sub(r"\s+", "", nfkc(line))
        if i == 0 or not text or text in _HEADER_WORDS or _YEAR_LINKS.match(nfkc(line)):
            out.roles[i] = FURNITURE
        else:
            out.roles[i] = WARNING
            out.issues.append(Issue(name, i + 1, f"unexpected line before the first article: "
                                                 f"{line.strip()[:40]!r}"))


@dataclass
class _Header:
    """What an article's header lines said, between its date line and its id line."""

    parts: list[str] = field(default_factory=list)  # the outlet, over one or two lines
    bracket_title: str = ""  # 「…」 on a line of its own (the Yahoo X記事 shape)
    via_yahoo: bool = False
    time: str | None = None
    misplaced: list[int] = field(default_factory=list)  # summary lines above the title


class _Article:
    """One article's lines [start, end) and the rules that turn them into a record."""

    def __init__(self, name: str, lines: list[str], start: int, end: int, label: str,
                 out: Parsed) -> None:
        self.name, self.lines, self.start, self.end = name, lines, start, end
        self.label, self.out = label, out

    def warn(self, index: int, message: str, severity: str = "warning") -> None:
        self.out.issues.append(Issue(self.name, index + 1, message, severity))  # type: ignore[arg-type]

    def parse(self) -> None:
        m = _DATE.match(self.lines[self.start])
        first_rest = clean_html(m.group(6)).strip() if m else ""
        found = self._id_line(m, first_rest)
        if found is None:
            self._without_id(first_rest)
            return
        id_at, rec_id, before_id = found
        head = self._header(m, first_rest, id_at)
        title, parts = self._title(head, before_id, m, id_at)
        source_raw = _join_parts(parts)
        inner, yahoo_header = outlets.strip_yahoo(source_raw)
        source = outlets.canonical(source_raw)
        if source is None:
            if source_raw:
                self.warn(self.start, f"outlet {source_raw!r} is not in data/outlets.toml; "
                                      "add it there to merge its spellings", "notice")
            source = inner
        title = strip_brackets(clean_html(title))
        if not title:
            self.warn(id_at, f"article {rec_id} has no title")
        notes, paragraphs, stray = self._body(id_at + 1, rec_id, head.misplaced)
        for i in range(self.start, id_at + 1):  # the lines after it have their roles from _body
            self.out.roles[i] = RECORD
        self._stray(stray)
        if not paragraphs:
            self.warn(id_at, f"article {rec_id} has no summary text")
        self.out.records.append(Record(
            id=rec_id, kind="clipping", title=title, summary="\n".join(paragraphs),
            date=self._date(m, rec_id) if m else self._no_date(rec_id), time=head.time,
            source_raw=source_raw, source=source, via_yahoo=head.via_yahoo or yahoo_header,
            notes=notes, lang=title_lang(title), collections=[self.label], file=self.name,
            line=self.start + 1,
        ))

    def _id_line(self, m: re.Match[str] | None,
                 first_rest: str) -> tuple[int, str, str] | None:
        """The line holding the article's id, the id, and what stands before it there."""
        lines, start = self.lines, self.start
        id_at = next((i for i in range(start, self.end) if _ID.search(lines[i])), None)
        if id_at is None:
            return None
        id_line = lines[id_at] if id_at > start or m is None else first_rest
        id_match = _ID.search(id_line)
        assert id_match
        rec_id = nfkc(f"{id_match.group(1)}-{id_match.group(2)}")
        if id_match.group(0) != f"<{rec_id}>":
            self.warn(id_at, f"id written as {id_match.group(0)!r}; read as {rec_id}", "repair")
        if id_at > start and lines[id_at].strip() and clean_html(lines[id_at]) != lines[id_at]:
            self.warn(id_at, "HTML leftover removed from the title line", "repair")
        return id_at, rec_id, clean_html(id_line[: id_match.start()]).strip()

    def _header(self, m: re.Match[str] | None, first_rest: str, id_at: int) -> _Header:
        """The header lines between the date line and the id line, by what they look like."""
        head = _Header()
        if id_at > self.start and first_rest:
            head.parts.append(first_rest)
        for i in range(self.start + (m is not None), id_at):
            text = clean_html(self.lines[i]).strip()
            if text != self.lines[i].strip():
                self.warn(i, "HTML leftover removed from the article header", "repair")
            if not text:
                continue
            t = _TIME.match(text)
            if t and head.time is None:
                head.time = f"{int(t.group(1)):02d}:{t.group(2)}"
            elif nfkc(text).casefold() in _MARKERS:
                head.via_yahoo = head.via_yahoo or _MARKERS[nfkc(text).casefold()]
            elif text.startswith("「"):
                head.bracket_title = text
            elif text.endswith("。") or len(text) > _LONGEST_OUTLET:
                head.misplaced.append(i)  # summary text above the title: lines swapped
                self.warn(i, "reads like summary text but stands above the title line; taken "
                             "into the summary")
            else:
                head.parts.append(text)
        return head

    def _title(self, head: _Header, before_id: str, m: re.Match[str] | None,
               id_at: int) -> tuple[str, list[str]]:
        """The title, and the outlet's parts: from the header, or the title line's start."""
        title, parts = before_id, head.parts
        if not title and head.bracket_title:
            title = head.bracket_title
        elif not parts:
            split = outlets.split_prefix(before_id)
            if split:
                parts, title = [split[0]], split[1]
            elif m is not None:  # (no date line, no outlet line: unknown, not a guess)
                first, _, rest = before_id.partition(" ")
                parts, title = [first], rest
                self.warn(id_at, f"outlet not in data/outlets.toml: took {first!r} as the "
                                 "outlet; add its spelling there")
        elif head.bracket_title:
            self.warn(id_at, f"two titles: {head.bracket_title!r} and {title!r}; kept the "
                             "second")
        return title, parts

    def _stray(self, stray: list[int]) -> None:
        if stray:
            a, b = stray[0], stray[-1]
            where = f"lines {a + 1}–{b + 1}" if b > a else f"line {a + 1}"
            shown = " / ".join(self.lines[i].strip() for i in stray if self.lines[i].strip())
            self.warn(a, f"{where} ({shown}) look like the header of an article with no date "
                         "or title; not part of any record")

    def _body(self, begin: int, rec_id: str,
              lead: list[int]) -> tuple[list[str], list[str], list[int]]:
        """Summary paragraphs and notes from ``begin`` (after the ``lead`` lines); stray
        header lines at the end."""
        end = self.end
        stray: list[int] = []
        j = end
        while j > begin:
            text = self.lines[j - 1].strip()
            if not text:
                j -= 1
                continue
            folded = nfkc(text)
            if folded.casefold() in _MARKERS or _TIME.match(folded) or outlets.is_outlet_line(text):
                stray.insert(0, j - 1)
                j -= 1
                continue
            break
        if not stray:
            j = end
        for i in range(begin, j):
            self.out.roles[i] = RECORD
        for i in range(j, end):
            self.out.roles[i] = WARNING if i in stray else RECORD

        summary_lines: list[str] = []
        note_lines: list[list[str]] = []
        in_notes = False
        for i in lead + list(range(begin, j)):
            raw = self.lines[i]
            again = _ID.search(raw)
            if again and nfkc(f"{again.group(1)}-{again.group(2)}") == rec_id:
                self.out.roles[i] = WARNING
                self.warn(i, f"repeats the title line of article {rec_id}; left out of its "
                             "summary")
                continue
            cleaned = clean_html(raw)
            if cleaned != raw:
                self.warn(i, "HTML leftover removed from the summary", "repair")
            text = cleaned.strip()
            if text.startswith("【"):
                in_notes = True
                note_lines.append([cleaned])
            elif in_notes:
                note_lines[-1].append(cleaned)
            else:
                summary_lines.append(cleaned)
        notes = ["\n".join(join_wrapped(block)) for block in note_lines]
        return notes, join_wrapped(summary_lines), stray

    def _date(self, m: re.Match[str], rec_id: str) -> str | None:
        y, sep1, mo, sep2, d = (m.group(k) for k in range(1, 6))
        written = m.group(0)[: len(y) + len(sep1) + len(mo) + len(sep2) + len(d)]
        try:
            parsed: Date | None = Date(int(y), int(mo), int(d))
        except ValueError:
            parsed = None
        id_mmdd = rec_id[5:9]
        confirmed = parsed is not None and f"{parsed.month:02d}{parsed.day:02d}" == id_mmdd
        if parsed and sep1 == "." and sep2 == ".":
            if not confirmed:
                self.warn(self.start, f"date {written} and id {rec_id} disagree (the id says "
                                      f"{id_mmdd[:2]}-{id_mmdd[2:]}); kept the date as written")
            return parsed.isoformat()
        if parsed and confirmed and _year_fits(parsed, rec_id):
            self.warn(self.start, f"malformed date {written!r} read as {parsed.isoformat()} "
                                  f"(confirmed by id {rec_id})", "repair")
            return parsed.isoformat()
        self.warn(self.start, f"malformed date {written!r} that id {rec_id} does not confirm; "
                              "the article has no date")
        return None

    def _no_date(self, rec_id: str) -> None:
        self.warn(self.start, f"article {rec_id} has no date line (was a line lost above "
                              "it?): kept without a date; add its date line")
        return None

    def _without_id(self, first_rest: str) -> None:
        """An article with no id: keep it under a provisional id if it has a title."""
        body = [i for i in range(self.start + 1, self.end) if self.lines[i].strip()]
        candidates = [i for i in body
                      if not _TIME.match(nfkc(self.lines[i]))
                      and nfkc(self.lines[i].strip()).casefold() not in _MARKERS
                      and not outlets.is_outlet_line(self.lines[i])]
        if not candidates:
            for i in range(self.start, self.end):
                self.out.roles[i] = WARNING
            self.warn(self.start, "article cut off after its header (no title, no id): "
                                  "not indexed")
            return
        title_at = candidates[0]
        rec_id = f"{self.name.rsplit('.', 1)[0]}:{self.start + 1}"
        self.warn(self.start, f"article has no id <YYMM-MMDDNN>; kept as {rec_id}")
        for i in range(self.start, self.end):
            self.out.roles[i] = RECORD
        m = _DATE.match(self.lines[self.start])
        assert m
        try:
            day = Date(int(m.group(1)), int(m.group(3)), int(m.group(5))).isoformat()
        except ValueError:
            day = None
        source_raw = first_rest
        summary = join_wrapped(self.lines[title_at + 1: self.end])
        title = strip_brackets(clean_html(self.lines[title_at]))
        self.out.records.append(Record(
            id=rec_id, kind="clipping", title=title, summary="\n".join(summary), date=day,
            source_raw=source_raw, source=outlets.canonical(source_raw) or source_raw,
            lang=title_lang(title), collections=[self.label], file=self.name,
            line=self.start + 1,
        ))


def _join_parts(parts: list[str]) -> str:
    """Join an outlet written over two lines: 乗りもの + ニュース, Stars + & Stripes."""
    out = ""
    for part in parts:
        if out and out[-1].isascii() and part[:1].isascii():
            out += " " + part
        else:
            out += part
    return out


def _year_fits(day: Date, rec_id: str) -> bool:
    """The id's first half is the month the clipping was filed: 0 to 3 months after."""
    filed = 2000 + int(rec_id[:2]), int(rec_id[2:4])
    months = (filed[0] * 12 + filed[1]) - (day.year * 12 + day.month)
    return 0 <= months <= 3
