"""Articles passed over by key (search/corpus/clippings.py ``known``): an update parses
only the articles whose lines changed, and must give what a full parse gives.

The property: parse an archive keyed, take the keys of its clean articles whose ids it holds
once (what ``build._known`` makes of the meta), edit the archive, and parse it again with
them. Every line's role and every issue are a full parse's; the records are a full parse's
but for the articles passed over, each of which the full parse reads as the record it was.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from search.corpus.clippings import NO_KEY, RECORD, article_key, parse_clippings

NAME, LABEL = "arc.txt", "欧州"

# Articles of the shapes the archives use, clean and not: each a list of lines.
CLEAN = [
    ["2025.02.10", " 9:22", "時事通信", "", "(Yahoo)", "", "レーダー供与 <2503-021012>",
     " 政府が10日、発表した。"],
    ["2025.02.09", "共同通信", "護衛艦が寄港 <2502-020901>", " 寄港した。", "【註】", "注。"],
    ["2025.02.08", "読売新聞", "演習を実施 <2502-020801>", " 日米で演習を実施し",
     "た。"],
    ["2025.02.07 Stars & Stripes Carrier leaves <2502-020701>", " text."],
    ["2025.02.06", "日経新聞 防衛費を増額 <2502-020601>", " 増額した。", ""],
]
ISSUES = [
    ["2025.02.05", "共同通信", "見出し/td> <2502-020501>", " 文。"],  # HTML leftover
    ["2025.02.04", "共同通信", "見出しだけ"],  # no id
    ["2025.02.03", "共同通信", "長い要約の文が見出しの上にある。", "見出し <2502-020301>",
     " 文。"],  # summary above the title
    ["2025.02.02", "謎の新聞社 見出し <2502-020201>", " 文。"],  # outlet not in the table
    ["2025.02.01", "共同通信", "見出し <2502-020101>", " 文。", " 9:30", "時事通信"],  # stray
    ["2025.13.01", "共同通信", "見出し <2502-013101>", " 文。"],  # a date that is none
    ["2025.01.31", "共同通信", "見出し <2502-013101>", " 文。"],  # the id above again
    ["2025.01.30", "共同通信", "見出し <2501-013001>", " 文が途中で"],  # cut short if last
]
POOL = CLEAN + ISSUES


def lines_of(blocks: list[list[str]]) -> list[str]:
    return ["欧州との防衛協力に関する報道", ""] + [line for block in blocks for line in block]


def known_of(lines: list[str]) -> dict[bytes, str]:
    """What an update knows of the file: the keys of its clean articles' records, but of
    ids it holds twice (``build._known`` also leaves out ids other files hold)."""
    parsed = parse_clippings(NAME, lines, LABEL, {})
    twice = {rid for rid, n in Counter(r.id for r in parsed.records).items() if n > 1}
    return {key: rec.id for rec, key in zip(parsed.records, parsed.keys, strict=True)
            if key != NO_KEY and rec.id not in twice}


edits = st.lists(st.tuples(st.sampled_from(["replace", "insert", "delete", "copy", "touch"]),
                           st.integers(0, 30), st.integers(0, len(POOL) - 1)), max_size=4)


def edited(blocks: list[list[str]], changes) -> list[list[str]]:
    out = [list(b) for b in blocks]
    for what, at, pick in changes:
        at = at % (len(out) + 1)
        if what == "insert" or not out:
            out.insert(at, list(POOL[pick]))
            continue
        at = min(at, len(out) - 1)
        if what == "replace":
            out[at] = list(POOL[pick])
        elif what == "delete":
            del out[at]
        elif what == "copy":
            out.insert(pick % (len(out) + 1), list(out[at]))
        else:  # one line of the article changed
            out[at][-1] += "変更。"
    return out


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(range(len(POOL))), min_size=1, max_size=8), edits)
def test_a_keyed_parse_gives_a_full_parse_but_for_the_articles_passed_over(picks, changes):
    old = lines_of([POOL[i] for i in picks])
    new = lines_of(edited([POOL[i] for i in picks], changes))
    before = {rec.id: rec for rec in parse_clippings(NAME, old, LABEL).records}
    known = known_of(old)
    full = parse_clippings(NAME, new, LABEL)
    part = parse_clippings(NAME, new, LABEL, known)
    assert part.roles == full.roles
    assert part.issues == full.issues
    passed = {line: (rid, key) for rid, line, key in part.passed}
    assert [r for r in full.records if r.line not in passed] == part.records
    for rec in full.records:
        if rec.line in passed:
            rid, key = passed[rec.line]
            assert (rec.id, known[key]) == (rid, rid)
            assert rec == replace(before[rid], line=rec.line)
    # the keys are the articles' own: what a keyed parse of nothing known gives again
    assert part.keys == [key for rec, key in zip(
        parse_clippings(NAME, new, LABEL, {}).records,
        parse_clippings(NAME, new, LABEL, {}).keys, strict=True) if rec.line not in passed]


def test_each_clean_article_is_keyed_by_its_lines_and_the_others_by_no_key():
    lines = lines_of([CLEAN[0], ISSUES[0], CLEAN[1], ISSUES[1], CLEAN[2]])
    parsed = parse_clippings(NAME, lines, LABEL, {})
    assert [r.id for r in parsed.records] == ["2503-021012", "2502-020501", "2502-020901",
                                              "arc:21", "2502-020801"]
    assert parsed.keys == [article_key(lines, 2, 10), NO_KEY, article_key(lines, 14, 20),
                           NO_KEY, article_key(lines, 23, 28)]
    assert parsed.passed == [] and parse_clippings(NAME, lines, LABEL).keys == []
    assert article_key(lines, 2, 10) != article_key(lines, 2, 9)  # a line less: another key


def test_known_articles_are_passed_over_where_they_now_stand_but_the_last():
    old = lines_of([CLEAN[0], CLEAN[1], CLEAN[2]])
    known = known_of(old)
    assert sorted(known.values()) == ["2502-020801", "2502-020901", "2503-021012"]
    # a new article at the top moves the others down four lines; the last is parsed
    new = lines_of([ISSUES[3], CLEAN[0], CLEAN[1], CLEAN[2]])
    part = parse_clippings(NAME, new, LABEL, known)
    assert part.passed == [("2503-021012", 6, article_key(new, 5, 13)),
                          ("2502-020901", 14, article_key(new, 13, 19))]
    assert [(r.id, r.line) for r in part.records] == [("2502-020201", 3), ("2502-020801", 20)]
    assert part.keys == [NO_KEY, article_key(new, 19, 24)]
    assert part.roles[5:19] == [RECORD] * 14


def test_the_last_article_is_parsed_so_a_file_cut_short_is_still_said():
    old = lines_of([CLEAN[0], ISSUES[7], CLEAN[1]])
    known = known_of(old)
    assert "2501-013001" in known.values()  # clean where it stood
    new = lines_of([CLEAN[0], ISSUES[7]])
    part = parse_clippings(NAME, new, LABEL, known)
    assert [rid for rid, _, _ in part.passed] == ["2503-021012"]
    assert [r.id for r in part.records] == ["2501-013001"]
    assert [i.message for i in part.issues] == [
        "the file ends in the middle of a sentence: was it cut short? The last article is kept "
        "as it stands"]


def test_an_article_key_is_8_bytes_of_blake2b_over_its_lines_joined_by_line_ends():
    lines = ["欧州", "2025.02.10", "見出し <2503-021012>", " 文。", "2025.02.09"]
    assert article_key(lines, 1, 4) == hashlib.blake2b(
        "2025.02.10\n見出し <2503-021012>\n 文。".encode(), digest_size=8).digest()
    # a lone surrogate (read_text never gives one, a caller might) is keyed, not an error
    assert article_key(["文\udc80"], 0, 1) == hashlib.blake2b(
        "文".encode() + b"\xed\xb2\x80", digest_size=8).digest()
