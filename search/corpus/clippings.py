"""Parse a clipping archive: page header, then one article after another, newest first.

An article starts at a line that begins with a date (2025.02.10) and runs to the next one.
Between the date and the line carrying the article id (<2503-021012>) come, in any of the
shapes the archives use, the time, the outlet (sometimes on two lines, sometimes sharing a
line with the date or the title), a marker line ((Yahoo) or インターネット) and, for the
"Yahoo X記事" shape, the title in 「」 on a line of its own. After the id come summary lines,
some wrapped in the middle of a word, and the editor's notes in 【】.

Every line ends up in ``roles``: part of a record, page furniture, or a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date as Date

from ..text.kana import nfkc
from . import outlets
from .records import Issue, Record

RECORD, FURNITURE, WARNING = "record", "furniture", "warning"

_DATE = re.compile(r"^(\d{4})([.．:/])(\d{1,2})([.．:/])(\d{1,2})(?=\s|$)\s*(.*)$")
_TIME = re.compile(r"^\s*(\d{1,2})[:：](\d{2})\s*$")
_ID = re.compile(r"[<＜]+\s*(\d{4})\s*[-‐－ー]\s*(\d{6})\s*[>＞]?")
_MARKERS = {"(yahoo)": True, "インターネット": False}
# Broken closing tags left by the copy from HTML ("日経新聞/a>", "…強調した。/td>"). Whole
# tags such as <script> are text like any other and are escaped wherever they are shown.
_HTML = re.compile(r"(?<![<A-Za-z0-9])/(?:a|b|i|p|td|tr|th|li|ul|div|span|font|br)>")
_HEADER_WORDS = {"年月日", "出典", "標題", "要旨"}
_YEAR_LINKS = re.compile(r"^(\s*\d{4}年(以前)?の報道\s*)+$")
_SENTENCE_END = tuple("。．.!?！？」』)）")
# An outlet line is short ("Yahoo 讀賣新聞記事"); a longer header line is misplaced text.
_LONGEST_OUTLET = 30


@dataclass
class Parsed:
    """What one file gave: its records, the role of each line, and what was noticed."""

    records: list[Record] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)


def parse_clippings(name: str, lines: list[str], label: str) -> Parsed:
    """Parse the archive ``name`` (already decoded into ``lines``)."""
    out = Parsed(roles=[""] * len(lines))
    dated = [i for i, ln in enumerate(lines) if _DATE.match(ln)]
    first = dated[0] if dated else len(lines)
    _page_header(name, lines[:first], out)
    starts = dated + _dateless_starts(lines, dated)
    starts.sort()
    for k, start in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(lines)
        _Article(name, lines, start, end, label, out).parse()
    _cut_short(name, lines, out)
    return out


def _cut_short(name: str, lines: list[str], out: Parsed) -> None:
    """Warn when the archive's last article stops mid-sentence: a copy cut short, say."""
    last = next((i for i in range(len(lines) - 1, -1, -1) if lines[i].strip()), None)
    if last is None or out.roles[last] != RECORD:
        return
    text = lines[last].strip()
    if not text.endswith(_SENTENCE_END) and not _ID.search(text):
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


def clean_html(text: str) -> str:
    """Drop leftovers of the HTML the archives were copied from ('/td>', '/a>')."""
    return _HTML.sub("", text)


def strip_brackets(title: str) -> str:
    """「日独、防衛装備品協定を締結」 → 日独、防衛装備品協定を締結 (only when fully wrapped)."""
    t = title.strip()
    if t.startswith("「") and t.endswith("」") and t.index("」") == len(t) - 1:
        return t[1:-1].strip()
    return t


def title_lang(title: str) -> str:
    """'en' for a title written in Latin letters, else 'ja'."""
    letters = [ch for ch in title if ch.isalpha()]
    latin = sum(1 for ch in letters if ch.isascii())
    return "en" if letters and latin / len(letters) > 0.8 else "ja"


def join_wrapped(lines: list[str]) -> list[str]:
    """Join summary lines into paragraphs, gluing lines wrapped in the middle of a word.

    A line that starts without indentation with a Latin letter, after a line that did not
    end a sentence, continues that line ("協定 (" + "ACSA) に署名"). The archives lost the
    opening bracket in "支援" + "OSA)の一環": it is put back.
    """
    paras: list[str] = []
    for raw in lines:
        text = raw.strip()
        if not text:
            continue
        indented = raw[:1] in (" ", "\u3000", "\t")
        if (paras and not indented and text[0].isascii() and text[0].isalpha()
                and not paras[-1].endswith(_SENTENCE_END)):
            prev = paras[-1]
            if re.match(r"^[A-Za-z][\w&/-]*\)", text) and prev.count("(") <= prev.count(")"):
                text = "(" + text
            sep = " " if prev[-1:].isascii() and prev[-1:].isalnum() else ""
            paras[-1] = prev + sep + text
        else:
            paras.append(text)
    return paras


class _Article:
    """One article's lines [start, end) and the rules that turn them into a record."""

    def __init__(self, name: str, lines: list[str], start: int, end: int, label: str,
                 out: Parsed) -> None:
        self.name, self.lines, self.start, self.end = name, lines, start, end
        self.label, self.out = label, out

    def warn(self, index: int, message: str, severity: str = "warning") -> None:
        self.out.issues.append(Issue(self.name, index + 1, message, severity))  # type: ignore[arg-type]

    def parse(self) -> None:
        lines, start, end = self.lines, self.start, self.end
        m = _DATE.match(lines[start])
        first_rest = clean_html(m.group(6)).strip() if m else ""

        id_at = next((i for i in range(start, end) if _ID.search(lines[i])), None)
        if id_at is None:
            self._without_id(first_rest)
            return
        id_line = lines[id_at] if id_at > start or m is None else first_rest
        id_match = _ID.search(id_line)
        assert id_match
        rec_id = nfkc(f"{id_match.group(1)}-{id_match.group(2)}")
        if id_match.group(0) != f"<{rec_id}>":
            self.warn(id_at, f"id written as {id_match.group(0)!r}; read as {rec_id}", "repair")
        before_id = clean_html(id_line[: id_match.start()]).strip()
        if id_at > start and lines[id_at].strip() and clean_html(lines[id_at]) != lines[id_at]:
            self.warn(id_at, "HTML leftover removed from the title line", "repair")

        # Header lines between the date line and the id line, by what they look like.
        source_parts: list[str] = []
        bracket_title = ""
        via_yahoo = False
        time: str | None = None
        misplaced: list[int] = []
        if id_at > start and first_rest:
            source_parts.append(first_rest)
        for i in range(start + (m is not None), id_at):
            text = clean_html(lines[i]).strip()
            if text != lines[i].strip():
                self.warn(i, "HTML leftover removed from the article header", "repair")
            if not text:
                continue
            t = _TIME.match(text)
            if t and time is None:
                time = f"{int(t.group(1)):02d}:{t.group(2)}"
            elif nfkc(text).casefold() in _MARKERS:
                via_yahoo = via_yahoo or _MARKERS[nfkc(text).casefold()]
            elif text.startswith("「"):
                bracket_title = text
            elif text.endswith("。") or len(text) > _LONGEST_OUTLET:
                misplaced.append(i)  # summary text above the title: lines swapped
                self.warn(i, "reads like summary text but stands above the title line; taken "
                             "into the summary")
            else:
                source_parts.append(text)

        title = before_id
        if not title and bracket_title:
            title = bracket_title
        elif not source_parts:
            split = outlets.split_prefix(before_id)
            if split:
                source_parts, title = [split[0]], split[1]
            elif m is None:
                pass  # no date line, no outlet line: the outlet is unknown, not a guess
            else:
                head, _, rest = before_id.partition(" ")
                source_parts, title = [head], rest
                self.warn(id_at, f"outlet not in data/outlets.toml: took {head!r} as the "
                                 "outlet; add its spelling there")
        elif bracket_title:
            self.warn(id_at, f"two titles: {bracket_title!r} and {title!r}; kept the second")

        source_raw = _join_parts(source_parts)
        inner, yahoo_header = outlets.strip_yahoo(source_raw)
        via_yahoo = via_yahoo or yahoo_header
        source = outlets.canonical(source_raw)
        if source is None:
            if source_raw:
                self.warn(start, f"outlet {source_raw!r} is not in data/outlets.toml; "
                                 "add it there to merge its spellings", "notice")
            source = inner

        title = strip_brackets(clean_html(title))
        if not title:
            self.warn(id_at, f"article {rec_id} has no title")

        summary_at, notes, paragraphs, stray = self._body(id_at + 1, rec_id, misplaced)
        for i in range(start, summary_at):
            self.out.roles[i] = RECORD
        if stray:
            a, b = stray[0], stray[-1]
            where = f"lines {a + 1}–{b + 1}" if b > a else f"line {a + 1}"
            shown = " / ".join(self.lines[i].strip() for i in stray if self.lines[i].strip())
            self.warn(a, f"{where} ({shown}) look like the header of an article with no date "
                         "or title; not part of any record")
        if not paragraphs:
            self.warn(id_at, f"article {rec_id} has no summary text")

        self.out.records.append(Record(
            id=rec_id,
            kind="clipping",
            title=title,
            summary="\n".join(paragraphs),
            date=self._date(m, rec_id) if m else self._no_date(rec_id),
            time=time,
            source_raw=source_raw,
            source=source,
            via_yahoo=via_yahoo,
            notes=notes,
            lang=title_lang(title),
            collections=[self.label],
            file=self.name,
            line=start + 1,
        ))

    def _body(self, begin: int, rec_id: str,
              lead: list[int]) -> tuple[int, list[str], list[str], list[int]]:
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
        return j, notes, join_wrapped(summary_lines), stray

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
