"""Long documents cut into passages a reader can land on, and single articles.

A white-paper chapter marks some sections with a heading ("ア 英国との防衛協力・交流の
意義", then イ/ウ subsections): such a section becomes one passage. Elsewhere the headings
were lost, so each paragraph becomes a passage of its own, labelled with the topic it falls
under — the country or group that the last topic sentence ("スペインは、…", "タイとの間で
は、…") was about. A topic sentence about another place also ends a marked section.

Cross references (参照…, 資料:…, URL:…) and photo captions are kept as notes of the passage
they follow. Footnotes (the numbered block at the end) are attached to the passage that
cites them, as notes "注N …", found by their markers in order ("共同宣言1」", "計画9(ITPP");
a marker whose footnote is missing is a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import outlets
from .cleanup import join_wrapped, title_lang
from .clippings import FURNITURE, RECORD, Parsed
from .manifest import FileMeta
from .records import Issue, Record

_SECTION = re.compile(r"^[ア-ン]\s+(.+?)との防衛協力・交流の意義\s*$")
_SUBHEAD = re.compile(r"^[ア-オ]\s+\S[^。]{0,40}$")
_NOTE = re.compile(r"^(参照|資料[:：]|URL[:：])")
_CAPTION = re.compile(r"^[^。]{2,80}\((?:\d{4}年)?\d{1,2}月\)$")
_FOOTNOTE = re.compile(r"^(\d{1,3})\s+(\S.*)$")
_TOPIC = re.compile(
    r"^(?:わが国は、)?(?P<subject>[^、。]{1,60}?)"
    r"(?:は、|とは、|との間では、|との間で、|との関係は、|との関係については、|には、|は(?=[^、]))"
)
_PAREN = re.compile(r"\([^()]*\)")
_KATAKANA = re.compile(r"^[\u30a0-\u30ffー・]+$")
_PLACE_SUFFIX = re.compile(r"(諸国|地域|島嶼国|連邦|[^両同各わ]国|[0-9０-９]か国)$")
_NOT_TOPICS = {"わが国", "両国", "同国", "各国", "本年"}
# What may not stand before or after a footnote number: counters, dates, other digits.
_MARK_BEFORE = set("0123456789０１２３４５６７８９第約計全各毎+-.,~/(（ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_MARK_AFTER = set("0123456789０１２３４５６７８９年月日かカヵヶ回件名人隻機台%％度歳号つ番"
                  "条項部章節位期次分時万億千円周倍割校社個発.,+~・-")
_NAV_DEFAULT = ("Ranking読まれている記事", "関連記事", "読まれている記事")
_DATETIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})\s+(\d{1,2}):(\d{2})\s*$")


@dataclass
class _Passage:
    label: str
    is_section: bool
    lines: list[int] = field(default_factory=list)  # line indexes that belong to it
    paragraphs: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    heading: str = ""


def topic_of(paragraph: str) -> str | None:
    """The place a topic sentence is about ("スペインは、…" → スペイン), else None."""
    m = _TOPIC.match(paragraph)
    if not m:
        return None
    subject = _PAREN.sub("", m.group("subject")).strip()
    if not subject or subject in _NOT_TOPICS:
        return None
    parts = [p for p in re.split(r"および|及び|・|、|と", subject) if p]
    if parts and all(_KATAKANA.match(p) or _PLACE_SUFFIX.search(p) or p.isupper()
                     for p in parts):
        return subject
    return None


def _same_topic(a: str, b: str) -> bool:
    return a in b or b in a


def parse_document(meta: FileMeta, lines: list[str]) -> Parsed:
    """Cut a long document into passages (see the module docstring for the rules)."""
    out = Parsed(roles=[""] * len(lines))
    body_end, footnotes = _footnote_block(lines)
    passages = _cut(lines, body_end, out)
    if footnotes and not passages:  # only numbered lines: they are the text, not footnotes
        body_end, footnotes = len(lines), {}
        passages = _cut(lines, body_end, out)
    _attach_footnotes(meta.name, lines, passages, footnotes, out)
    for i in range(body_end, len(lines)):
        if not lines[i].strip():  # every footnote line belongs to a passage (below)
            out.roles[i] = FURNITURE
    _records(meta, passages, out)
    return out


def _cut(lines: list[str], body_end: int, out: Parsed) -> list[_Passage]:
    """The body's passages: a section per heading, a passage per topic in between."""
    passages: list[_Passage] = []
    section: _Passage | None = None
    label = "総論"
    pending_head: tuple[int, str] | None = None
    for i in range(body_end):
        text = lines[i].strip()
        if not text:
            out.roles[i] = FURNITURE
        elif heading := _SECTION.match(text):
            label = heading.group(1)
            section = _Passage(label, True, [i], heading=text)
            passages.append(section)
        elif _SUBHEAD.match(text):
            if section:
                section.lines.append(i)
                section.paragraphs.append(text)
            else:
                if pending_head:  # a heading with nothing under it before the next
                    out.roles[pending_head[0]] = FURNITURE
                pending_head = (i, text)
        elif _NOTE.match(text) or _CAPTION.match(text):
            host = section or (passages[-1] if passages else None)
            if host is None:
                out.roles[i] = FURNITURE
                continue
            host.lines.append(i)
            host.notes.append(("写真: " if _CAPTION.match(text) else "") + text)
        elif section and ((topic := topic_of(text)) is None or _same_topic(topic, section.label)):
            section.lines.append(i)
            section.paragraphs.append(text)
        else:
            section = None
            label = topic_of(text) or label
            passage = _Passage(label, False)
            if pending_head:
                passage.lines.append(pending_head[0])
                passage.heading = pending_head[1]
                pending_head = None
            passage.lines.append(i)
            passage.paragraphs.append(text)
            passages.append(passage)
    if pending_head:
        out.roles[pending_head[0]] = FURNITURE
    return passages


def _records(meta: FileMeta, passages: list[_Passage], out: Parsed) -> None:
    """One record per passage, titled by its label (numbered when the label recurs)."""
    counts: dict[str, int] = {}
    for p in passages:
        counts[p.label] = counts.get(p.label, 0) + 1
    seen: dict[str, int] = {}
    source = outlets.canonical(meta.source) or meta.source or meta.label
    for n, p in enumerate(passages, start=1):
        seen[p.label] = seen.get(p.label, 0) + 1
        if p.is_section:
            title = f"{p.label}との防衛協力・交流"
        elif counts[p.label] > 1:
            title = f"{p.label}({seen[p.label]})"
        else:
            title = p.label
        if p.heading and not p.is_section:
            title = f"{title} — {_SUBHEAD_TEXT.sub('', p.heading)}"
        for i in p.lines:
            out.roles[i] = RECORD
        out.records.append(Record(
            id=f"{meta.doc_id}#{n}", kind="passage", title=title,
            summary="\n".join(p.paragraphs), date=meta.date,
            source_raw=meta.source or meta.label, source=source, notes=p.notes, lang="ja",
            collections=[meta.label], file=meta.name, line=min(p.lines) + 1,
            section=p.label,
        ))


_SUBHEAD_TEXT = re.compile(r"^[ア-オ]\s+")


def _footnote_block(lines: list[str]) -> tuple[int, dict[int, tuple[int, str]]]:
    """The trailing numbered footnotes 1..N: (index where they start, {n: (line, text)})."""
    end = len(lines)
    while end and not lines[end - 1].strip():
        end -= 1
    found: dict[int, tuple[int, str]] = {}
    i = end - 1
    expected: int | None = None
    while i >= 0:
        m = _FOOTNOTE.match(lines[i].strip())
        if not m:
            break
        n = int(m.group(1))
        if expected is not None and n != expected:
            break
        found[n] = (i, m.group(2))
        expected = n - 1
        i -= 1
        if n == 1:
            break
    if 1 not in found:
        return end, {}
    return min(line for line, _ in found.values()), found


def _attach_footnotes(name: str, lines: list[str], passages: list[_Passage],
                      footnotes: dict[int, tuple[int, str]], out: Parsed) -> None:
    """Give each footnote to the passage whose text cites it, searching in order."""
    position = (0, 0, 0)  # passage, paragraph, character: markers appear in order
    last = max(footnotes) if footnotes else 0
    for n in range(1, last + 2):
        hit = _find_marker(passages, n, position)
        if n > last:
            if hit and footnotes:
                p, para, _ = hit
                line = _paragraph_line(passages[p], para)
                out.issues.append(Issue(name, line + 1, f"cites footnote {n}, but the footnotes "
                                                        f"at the end stop at {last}"))
            break
        line, text = footnotes[n]
        if hit is None:
            out.issues.append(Issue(name, line + 1, f"footnote {n} is not cited in the text; "
                                                    "kept with the last passage"))
            passages[-1].notes.append(f"注{n} {text}")
            passages[-1].lines.append(line)
            continue
        p, para, char = hit
        passages[p].notes.append(f"注{n} {text}")
        passages[p].lines.append(line)
        position = (p, para, char + 1)


def _find_marker(passages: list[_Passage], n: int, position: tuple[int, int, int]):
    digits = str(n)
    p0, para0, c0 = position
    for p in range(p0, len(passages)):
        paras = passages[p].paragraphs
        for para in range(para0 if p == p0 else 0, len(paras)):
            text = paras[para]
            start = c0 if (p, para) == (p0, para0) else 0
            at = text.find(digits, start)
            while at != -1:
                before = text[at - 1] if at else ""
                after = text[at + len(digits)] if at + len(digits) < len(text) else ""
                if before and before not in _MARK_BEFORE and not before.isspace() \
                        and after not in _MARK_AFTER and not after.isspace():
                    return p, para, at
                at = text.find(digits, at + 1)
    return None


def _paragraph_line(passage: _Passage, para: int) -> int:
    lines = passage.lines
    return lines[min(para + (1 if passage.is_section else 0), len(lines) - 1)]


def parse_article(meta: FileMeta, lines: list[str]) -> Parsed:
    """One article: title, optional category lines, 'YYYY-MM-DD HH:MM', body, site furniture."""
    out = Parsed(roles=[FURNITURE] * len(lines))
    name = meta.name
    idx = [i for i, ln in enumerate(lines) if ln.strip()]
    if not idx:
        return out
    title_at = idx[0]
    date = time = None
    body_from = title_at + 1
    for i in range(title_at + 1, min(len(lines), title_at + 6)):
        m = _DATETIME.match(lines[i].strip())
        if m:
            date = f"{m.group(1)}-{m.group(2)}-{m.group(3)}"
            time = f"{int(m.group(4)):02d}:{m.group(5)}"
            body_from = i + 1
            break
    else:
        out.issues.append(Issue(name, title_at + 2, "no 'YYYY-MM-DD HH:MM' line under the title;"
                                                    " the article has no date"))
        date = meta.date
    markers = (meta.furniture_from,) if meta.furniture_from else _NAV_DEFAULT
    body_to = next((i for i in range(body_from, len(lines))
                    if any(mk and lines[i].strip().startswith(mk) for mk in markers)), len(lines))
    for i in range(title_at, body_to):
        if i < body_from and lines[i].strip().startswith("- "):
            continue  # the site's category breadcrumb: furniture
        out.roles[i] = RECORD
    title = lines[title_at].strip()
    source = outlets.canonical(meta.source) or meta.source or meta.label
    out.records.append(Record(
        id=meta.doc_id,
        kind="article",
        title=title,
        summary="\n".join(join_wrapped(lines[body_from:body_to])),
        date=date,
        time=time,
        source_raw=meta.source or meta.label,
        source=source,
        lang=title_lang(title),
        collections=[meta.label],
        file=name,
        line=title_at + 1,
    ))
    return out
