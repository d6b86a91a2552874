"""Mutated copies of the bundled archives: what survives, what is said, and what the commands do.

Each mutation is made to a copy of a bundled file; the records parsed from it are compared
with those of the unmutated file: every record the mutation did not touch must come out
identical, each problem must be named with its file and line, and every line must stay
accounted for (in a record, page furniture, or a warning).
"""

from __future__ import annotations

import random
import re
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass, field

import pytest

from search.config import DEFAULT_CORPUS, ROOT
from search.corpus.loading import load_corpus

EUROPE = "clippings-other-europe.txt"
TEXT = (DEFAULT_CORPUS / EUROPE).read_text(encoding="utf-8")
LINES = TEXT.split("\n")  # line n of the file is LINES[n - 1]
FILES = sorted(p.name for p in DEFAULT_CORPUS.glob("*.txt"))

# Lines 16-25 of the europe archive are one article in the common shape:
# 16 date, 17 time, 18 outlet, 19 blank, 20 (Yahoo), 21 blank, 22 title <id>, 23-25 summary.
ARTICLE = "2501-120217"
HTML = "HTML leftover removed from the summary"  # the archive's own defect, at line 334
NO_ID = "article has no id <YYMM-MMDDNN>; kept as clippings-other-europe:16"
CUT = "the file ends in the middle of a sentence: was it cut short? The last article is kept " \
      "as it stands"
BAD_BYTES = "bytes that are not valid text, shown as �; the rest of the line is kept"
CONTROLS = "control characters such as NUL bytes: removed"


def parse_alone(folder, name):
    """One file of ``folder`` parsed with the folder's manifest: its report and records."""
    corpus = load_corpus(folder, paths=[folder / name], annotate=False)
    (report,) = corpus.files
    return report, {r.id: r for r in corpus.records}, corpus.issues


@pytest.fixture(scope="module")
def pristine():
    return {name: parse_alone(DEFAULT_CORPUS, name) for name in FILES}


@pytest.fixture()
def folder(tmp_path):
    copy = tmp_path / "corpus"
    shutil.copytree(DEFAULT_CORPUS, copy)
    return copy


def joined(lines: list[str]) -> bytes:
    return "\n".join(lines).encode()


def drop(n: int) -> bytes:
    return joined(LINES[: n - 1] + LINES[n:])


def duplicate(first: int, last: int | None = None) -> bytes:
    last = last or first
    return joined(LINES[:last] + LINES[first - 1: last] + LINES[last:])


def swap(a: tuple[int, int], b: tuple[int, int]) -> bytes:
    """Swap the line ranges a and b (1-based, inclusive; a before b, adjacent)."""
    (a1, a2), (b1, b2) = a, b
    assert a2 + 1 == b1
    return joined(LINES[: a1 - 1] + LINES[b1 - 1: b2] + LINES[a1 - 1: a2] + LINES[b2:])


def cut(line: int, chars: int) -> bytes:
    return joined(LINES[: line - 1] + [LINES[line - 1][:chars]])


def insert_bytes(line: int, at: int, junk: bytes) -> bytes:
    head, tail = LINES[line - 1][:at].encode(), LINES[line - 1][at:].encode()
    return joined(LINES[: line - 1]) + b"\n" + head + junk + tail + b"\n" + joined(LINES[line:])


RANDOM = bytes(b for b in random.Random(12).randbytes(200) if b not in b"\r\n")[:64]
FIRST_AFTER_CUT = 26  # records starting after line 25 are gone when the file is cut there


@dataclass
class Mutation:
    name: str
    data: bytes
    issues: list[tuple[str, int, str]]  # (severity, line, message), in order
    lost: set[str] = field(default_factory=set)  # ids no longer in the file
    new: set[str] = field(default_factory=set)  # ids that were not in it
    changed: set[str] = field(default_factory=set)  # kept, but their text differs


def after_cut() -> set[str]:
    _, records, _ = parse_alone(DEFAULT_CORPUS, EUROPE)
    return {rid for rid, r in records.items() if r.line >= FIRST_AFTER_CUT}


MUTATIONS = [
    Mutation("a summary line dropped", drop(24), [("repair", 333, HTML)], changed={ARTICLE}),
    Mutation("the date line dropped", drop(16),
             [("warning", 16, f"article {ARTICLE} has no date line (was a line lost above it?): "
                              "kept without a date; add its date line"),
              ("repair", 333, HTML)], changed={ARTICLE}),
    Mutation("the title line dropped", drop(22), [("warning", 16, NO_ID), ("repair", 333, HTML)],
             lost={ARTICLE}, new={"clippings-other-europe:16"}),
    Mutation("the date line twice", duplicate(16),
             [("warning", 16, "article cut off after its header (no title, no id): not indexed"),
              ("repair", 335, HTML)]),
    Mutation("the title line twice", duplicate(22),
             [("warning", 23, f"repeats the title line of article {ARTICLE}; left out of its "
                              "summary"),
              ("repair", 335, HTML)]),
    Mutation("a summary line twice", duplicate(24), [("repair", 335, HTML)], changed={ARTICLE}),
    Mutation("the whole article twice", duplicate(16, 25),
             [("repair", 344, HTML),  # what the parser says first, then what merging found
              ("warning", 26, f"id {ARTICLE} appears again in this file (first at line 16); "
                              "one record kept")]),
    Mutation("time and outlet swapped", swap((17, 17), (18, 18)), [("repair", 334, HTML)]),
    Mutation("title and summary swapped", swap((22, 22), (23, 23)),
             [("warning", 22, "reads like summary text but stands above the title line; taken "
                              "into the summary"),
              ("repair", 334, HTML)]),
    Mutation("two articles swapped", swap((7, 15), (16, 25)), [("repair", 334, HTML)]),
    Mutation("cut in the middle of a summary line", cut(24, 10), [("warning", 24, CUT)],
             lost=after_cut(), changed={ARTICLE}),
    Mutation("cut in the middle of the title line", cut(22, 8),
             [("warning", 16, NO_ID), ("warning", 22, CUT)],
             lost=after_cut() | {ARTICLE}, new={"clippings-other-europe:16"}),
    Mutation("cut in the middle of a character", joined(LINES[:24])[:-2],
             [("warning", 24, BAD_BYTES), ("warning", 24, CUT)],
             lost=after_cut(), changed={ARTICLE}),
    Mutation("random bytes in a summary line", insert_bytes(24, 10, RANDOM),
             [("warning", 24, BAD_BYTES), ("repair", 24, CONTROLS), ("repair", 334, HTML)],
             changed={ARTICLE}),
    Mutation("a NUL byte appended", TEXT.encode() + b"\x00",
             [("repair", 386, CONTROLS), ("repair", 334, HTML)]),  # decoding comes first
    Mutation("4 KB of NUL bytes appended", TEXT.encode() + b"\x00" * 4096,
             [("repair", 386, CONTROLS), ("repair", 334, HTML)]),
    Mutation("NUL bytes inside the id", TEXT.encode().replace(b"<2501-", b"<25\x0001-\x00"),
             [("repair", 22, CONTROLS), ("repair", 334, HTML)]),
    Mutation("the file emptied", b"", [("warning", 0, "the file is empty: nothing to index")],
             lost=set(parse_alone(DEFAULT_CORPUS, EUROPE)[1])),
]


@pytest.mark.parametrize("mutation", MUTATIONS, ids=[m.name for m in MUTATIONS])
def test_a_mutated_archive_keeps_every_intact_record(pristine, folder, mutation):
    (folder / EUROPE).write_bytes(mutation.data)
    report, records, issues = parse_alone(folder, EUROPE)
    _, before, _ = pristine[EUROPE]
    assert set(records) == (set(before) - mutation.lost) | mutation.new
    for rid in set(records) & set(before) - mutation.changed:
        got, want = records[rid].to_dict(), before[rid].to_dict()
        if mutation.name == "the date line dropped" and rid == ARTICLE:
            assert (got.pop("date"), want.pop("date")) == (None, "2024-12-02")
        got.pop("line"), want.pop("line")
        assert got == want, rid
    for rid in mutation.changed:
        assert records[rid].title == before[rid].title
    assert [(i.severity, i.line, i.message) for i in issues] == mutation.issues
    assert all(i.file == EUROPE for i in issues)
    assert sum(report.roles.values()) == report.lines  # every line accounted for


def test_a_dropped_date_line_keeps_the_rest_of_the_header(folder):
    (folder / EUROPE).write_bytes(drop(16))
    _, records, _ = parse_alone(folder, EUROPE)
    rec = records[ARTICLE]
    assert (rec.date, rec.time, rec.source, rec.via_yahoo, rec.line) == (
        None, "18:03", "共同通信", True, 16)


ENCODINGS = [(name, enc) for name in FILES
             for enc in ("utf-16", "utf-16-le", "utf-16-be", "utf-8-sig", "crlf")]
ENCODINGS += [(EUROPE, "cp932"), (EUROPE, "euc_jp"), ("mod-news-2024-10-22-nato.txt", "cp932"),
              ("whitepaper-2025-defence-cooperation.txt", "cp932")]
UTF16 = "read as UTF-16 (save it as UTF-8)"
ENCODING_ISSUES = {
    "utf-16": ("repair", 1, f"is UTF-16, not UTF-8; {UTF16}"),
    "utf-16-le": ("repair", 1, f"is UTF-16 (utf-16-le) without a byte-order mark, not UTF-8; "
                               f"{UTF16}"),
    "utf-16-be": ("repair", 1, f"is UTF-16 (utf-16-be) without a byte-order mark, not UTF-8; "
                               f"{UTF16}"),
    "utf-8-sig": ("repair", 1, "starts with a UTF-8 byte-order mark; ignored"),
    "crlf": ("notice", 1, "Windows (CRLF) line ends; read as plain lines"),
    "cp932": ("repair", 1, "is not UTF-8 (first bad byte on this line); read as cp932 — convert "
                           "it with `iconv -f cp932 -t utf-8`"),
    "euc_jp": ("repair", 1, "is not UTF-8 (first bad byte on this line); read as euc_jp — "
                            "convert it with `iconv -f euc_jp -t utf-8`"),
}


def encoded(name: str, encoding: str) -> bytes:
    text = (DEFAULT_CORPUS / name).read_text(encoding="utf-8")
    if encoding == "crlf":
        return text.replace("\n", "\r\n").encode()
    return text.encode(encoding)  # strict: only files the encoding can hold are listed


@pytest.mark.parametrize("name,encoding", ENCODINGS)
def test_every_encoding_gives_the_same_records(pristine, folder, name, encoding):
    (folder / name).write_bytes(encoded(name, encoding))
    report, records, issues = parse_alone(folder, name)
    before_report, before, before_issues = pristine[name]
    assert {rid: r.to_dict() for rid, r in records.items()} == \
        {rid: r.to_dict() for rid, r in before.items()}
    said = [(i.severity, i.line, i.message) for i in issues]
    assert said == [ENCODING_ISSUES[encoding]] + [(i.severity, i.line, i.message)
                                                   for i in before_issues]
    assert report.roles == before_report.roles


def test_a_file_half_utf8_half_shift_jis_keeps_every_record(pristine, folder):
    """Two archives pasted together in two encodings: decided line by line, every record
    kept, the Shift_JIS lines named (the whole file was once skipped as binary)."""
    lines = TEXT.split("\n")
    half = len(lines) // 2
    (folder / EUROPE).write_bytes("\n".join(lines[:half]).encode("utf-8") + b"\n"
                                  + "\n".join(lines[half:]).encode("cp932"))
    report, records, issues = parse_alone(folder, EUROPE)
    before_report, before, before_issues = pristine[EUROPE]
    assert {rid: r.to_dict() for rid, r in records.items()} == \
        {rid: r.to_dict() for rid, r in before.items()}
    said = [(i.severity, i.line, i.message) for i in issues]
    # the first line of the second half holding more than ASCII starts the run
    first = half + 1 + next(n for n, line in enumerate(lines[half:]) if not line.isascii())
    last = max(n + 1 for n, line in enumerate(lines) if not line.isascii())
    assert said[0] == ("repair", first, f"lines {first}–{last} are cp932, not UTF-8 like the "
                                        "rest; read as cp932 (save the file as UTF-8)")
    assert said[1:] == [(i.severity, i.line, i.message) for i in before_issues]
    assert report.roles == before_report.roles


# -- the commands, run as a user runs them ---------------------------------------------------

def manage(*args: str, limit: int | None = None) -> subprocess.CompletedProcess:
    """``python manage.py ARGS`` in a subprocess; with ``limit``, no file may grow past it.

    Past RLIMIT_FSIZE a write fails with EFBIG (SIGXFSZ ignored), as a full disk fails it
    with ENOSPC: the same failure at the same place, without root or a mock.
    """
    def limited() -> None:
        if limit is not None:
            import resource

            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, preexec_fn=limited)
    assert "Traceback" not in done.stdout + done.stderr
    return done


def damage(folder) -> None:
    """Every kind of damage at once, none of which costs a record."""
    (folder / EUROPE).write_bytes(TEXT.encode() + b"\x00")  # the reported bug: one NUL byte
    for name, encoding in (("clippings-japan-us-2025.txt", "utf-16-le"),
                           ("whitepaper-2025-defence-cooperation.txt", "cp932"),
                           ("mod-news-2024-10-22-nato.txt", "crlf")):
        (folder / name).write_bytes(encoded(name, encoding))
    (folder / "x.txt").mkdir()
    (folder / "empty.txt").write_bytes(b"")
    (folder / "garbage.txt").write_bytes(random.Random(3).randbytes(4096))


# What reindex and update name (after the counts line), as `check` lists them too.
DAMAGE_NAMED = [
    "warning: x.txt: is a folder, not a file: skipped (sub-folders are not read; move its files "
    "into the corpus folder, or rename the folder)",
    "repair: clippings-other-europe.txt:386: control characters such as NUL bytes: removed",
    "repair: clippings-japan-us-2025.txt:1: is UTF-16 (utf-16-le) without a byte-order mark, "
    "not UTF-8; read as UTF-16 (save it as UTF-8)",
    "repair: whitepaper-2025-defence-cooperation.txt:1: is not UTF-8 (first bad byte on this "
    "line); read as cp932 — convert it with `iconv -f cp932 -t utf-8`",
    "warning: empty.txt: the file is empty: nothing to index",
]


def test_reindex_update_and_check_keep_every_record_of_damaged_files(tmp_path, folder):
    from search.index.build import reindex
    from search.index.store import current_path

    root = tmp_path / "ix"
    reindex(root, folder, procs=1)
    before = stored_ids_and_fields(root)
    damage(folder)

    update = manage("update", "--corpus", str(folder), "--index", str(root))
    assert update.returncode == 0, update.stderr
    out = update.stdout.splitlines()
    assert out[-1].startswith("update: 0 added, 0 replaced, 0 removed; 384 records in ")
    for line in DAMAGE_NAMED:
        assert f"  {line}" in out, line
    assert any(line.startswith("  warning: garbage.txt: is binary, not text (") for line in out)
    assert stored_ids_and_fields(root) == before  # the same 384 records, word for word

    rebuilt = manage("reindex", "--corpus", str(folder), "--index", str(root), "--procs", "2")
    assert rebuilt.returncode == 0, rebuilt.stderr
    out = rebuilt.stdout.splitlines()
    assert out[0] == "corpus: 4 warnings, 8 repaired, 2 notices"  # one of each was there
    assert out[-1].startswith("rebuild: 384 records in ")
    for line in DAMAGE_NAMED:
        assert f"  {line}" in out, line
    assert stored_ids_and_fields(root) == before
    assert current_path(root) is not None

    check = manage("check", "--corpus", str(folder))
    assert check.returncode == 1  # two entries cannot be read at all
    lines = check.stdout.splitlines()
    assert {"x.txt: UNREADABLE", "garbage.txt: UNREADABLE",
            "total: 384 records (20 in more than one archive)"} <= set(lines)
    counted = [line for line in lines if " lines = " in line]
    assert len(counted) == 6  # the five bundled files and empty.txt
    for line in counted:  # every line of every readable file is accounted for
        total, records, furniture, warned = map(int, re.findall(
            r": (\d+) lines = (\d+) in records \+ (\d+) page furniture \+ (\d+) in warnings",
            line)[0])
        assert records + furniture + warned == total, line
    assert ("clippings-other-europe.txt [clippings, 欧州]: 386 lines = 380 in records + 6 page "
            "furniture + 0 in warnings; 49 records, 49 ids, 0 duplicated within the file, "
            "0 warnings") in lines


def stored_ids_and_fields(root) -> dict[str, dict]:
    from whoosh import index as whoosh_index

    from search.index.schema import stored
    from search.index.store import current_path

    with whoosh_index.open_dir(str(current_path(root))).searcher() as s:
        return {f["id"]: f for f in map(stored, s.all_stored_fields())}


# -- an empty or missing corpus folder ---------------------------------------------------------

def no_records_message(folder, why: str) -> str:
    return (f"no records found in {folder}: {why}. Put the clipping archives, documents and "
            "articles there as text files (see the README's corpus section), or name another "
            "folder with --corpus DIR or KIRINUKI_CORPUS")


def test_an_empty_corpus_folder_is_a_message_not_a_traceback(tmp_path, capsys):
    import manage as cli

    empty, root = tmp_path / "empty", tmp_path / "ix"
    empty.mkdir()
    message = no_records_message(empty, "it holds no .txt, .text or .md files")
    done = manage("reindex", "--corpus", str(empty), "--index", str(root))
    assert (done.returncode, done.stdout, done.stderr) == (2, "", f"error: {message}\n")
    # serve builds first when there is no index; on a port of its own (port 5000 may be
    # another program's: no test depends on a fixed port)
    for command in (["update"], ["serve", "--port", "0"]):
        assert cli.main([*command, "--corpus", str(empty), "--index", str(root)]) == 2
        captured = capsys.readouterr()
        assert captured.err == f"error: {message}\n", command
    assert not (root / "current").exists()
    assert not list(root.glob("builds/*"))
    assert cli.main(["check", "--corpus", str(empty)]) == 1
    assert capsys.readouterr().out == f"total: 0 records (0 in more than one archive)\n\n" \
                                      f"{message}\n"


def test_a_corpus_whose_files_give_nothing_leaves_the_old_index(tmp_path, folder):
    import manage as cli
    from search.engine import Engine, SearchRequest
    from search.index.build import reindex
    from search.index.store import current_path

    root = tmp_path / "ix"
    reindex(root, folder, procs=1)
    before = current_path(root)
    for path in folder.glob("*.txt"):
        path.write_bytes(b"")  # an emptied (or not yet synced) folder
    message = no_records_message(folder, "its 5 file(s) gave none (`python manage.py check` "
                                         "shows why)")
    for command in ("update", "reindex"):
        done = manage(command, "--corpus", str(folder), "--index", str(root))
        assert (done.returncode, done.stderr) == (2, f"error: {message}\n"), command
    assert current_path(root) == before
    with Engine(root) as engine:
        assert engine.search(SearchRequest(q="")).total == 384
    assert cli.main(["update", "--corpus", str(folder / "gone"), "--index", str(root)]) == 2


def test_a_missing_corpus_folder(tmp_path):
    gone = tmp_path / "gone"
    message = (f"the corpus folder {gone} does not exist: create it and put the clipping "
               "archives (.txt) in it, or name another folder with --corpus DIR or "
               "KIRINUKI_CORPUS")
    for command in ("reindex", "update", "check", "export"):
        done = manage(command, "--corpus", str(gone), "--index", str(tmp_path / "ix"))
        assert (done.returncode, done.stdout, done.stderr) == (2, "", f"error: {message}\n")


def test_a_file_named_as_the_corpus_is_refused(tmp_path, folder):
    manifest = folder / "manifest.toml"
    message = (f"the corpus {manifest} is a file, not a folder: name the folder that holds the "
               "clipping archives, or name another folder with --corpus DIR or KIRINUKI_CORPUS")
    for command in ("reindex", "update", "check", "export"):
        done = manage(command, "--corpus", str(manifest), "--index", str(tmp_path / "ix"))
        assert (done.returncode, done.stdout, done.stderr) == (2, "", f"error: {message}\n")
    assert not (tmp_path / "ix" / "current").exists()


def test_special_and_oversized_files_are_named_and_skipped(tmp_path, folder, monkeypatch):
    import os

    from search.corpus import textio
    from search.index.version import file_hash

    os.mkfifo(folder / "pipe.txt")  # reading it would block for ever
    (folder / "zero.txt").symlink_to("/dev/zero")  # reading it would never end
    limit = max(p.stat().st_size for p in folder.iterdir() if p.is_file())
    (folder / "big.txt").write_bytes(b"x" * (limit + 1))
    monkeypatch.setattr(textio, "MAX_FILE_BYTES", limit)
    loaded = load_corpus(folder)
    said = {(i.file, i.line, i.message) for i in loaded.issues if i.line == 0}
    special = "is not a regular file (a named pipe, a device or a socket): skipped"
    assert ("pipe.txt", 0, special) in said and ("zero.txt", 0, special) in said
    # the limit is in MB: here it is 0 MB (the bytes of the largest archive)
    assert ("big.txt", 0, "is larger than 0 MB, the most a corpus file may be: skipped "
                          "(split it into several files)") in said
    assert {r.file for r in loaded.records} == {p.name for p in folder.glob("*.txt")
                                                if p.name not in ("pipe.txt", "zero.txt",
                                                                  "big.txt")}
    assert file_hash(folder / "pipe.txt") == "unreadable: not a regular file"  # not opened
    monkeypatch.undo()
    # and the commands, in processes of their own, end (a FIFO once hung them)
    for command in ("check", "reindex"):
        done = manage(command, "--corpus", str(folder), "--index", str(tmp_path / "ix"))
        assert done.returncode in (0, 1) and "pipe.txt" in done.stdout + done.stderr, command


# -- a full disk ---------------------------------------------------------------------------------

def test_a_write_that_fails_halfway_leaves_the_old_index_serving(tmp_path, folder):
    from search.engine import Engine, SearchRequest
    from search.index.build import reindex
    from search.index.store import current_path

    root = tmp_path / "ix"
    reindex(root, folder, procs=1)
    before = current_path(root)
    with Engine(root) as engine:
        answers = [h.id for h in engine.search(SearchRequest(q="NATO", page_size=50)).results]
    assert len(answers) == 31  # the articles the organisation facet holds
    europe = folder / EUROPE  # 20 of its records changed: a new segment to write
    europe.write_text(TEXT.replace("。", "。 "), encoding="utf-8")
    message = (f"error: a file grew past the size limit of this process or file system while "
               f"writing the index in {root}. Nothing was changed: the previous index is still "
               "being served. Raise the limit (ulimit -f) or put the index elsewhere with "
               "--index DIR and run it again.\n")
    for command in (["update"], ["reindex", "--procs", "1"], ["reindex", "--procs", "2"]):
        done = manage(*command, "--corpus", str(folder), "--index", str(root), limit=64_000)
        assert (done.returncode, done.stdout, done.stderr) == (2, "", message), command
        assert current_path(root) == before
        assert [p.name for p in (root / "builds").iterdir()] == [before.name]  # nothing half-built
        assert sorted(p.name for p in root.iterdir()) == ["builds", "current"]  # no lock left
    with Engine(root) as engine:
        assert [h.id for h in engine.search(SearchRequest(q="NATO", page_size=50)).results] == \
            answers
    done = manage("update", "--corpus", str(folder), "--index", str(root))  # space again
    assert done.returncode == 0 and "update: 0 added, 20 replaced, 0 removed" in done.stdout


def test_a_lock_that_cannot_be_taken_is_a_message(tmp_path):
    # a file where the index folder should be: the lock file cannot be made (as on a full
    # or read-only disk), and nothing is left behind
    (tmp_path / "taken").write_text("not a folder", encoding="utf-8")
    root = tmp_path / "taken" / "ix"
    for command in ("reindex", "update"):
        done = manage(command, "--index", str(root))
        assert (done.returncode, done.stdout) == (2, ""), command
        assert done.stderr == (f"error: cannot take the build lock {root / '.lock'} (Not a "
                               "directory). Nothing was changed. Free some disk space, or "
                               "check the index folder (--index) and its permissions, and run "
                               "it again.\n"), command
