"""Exact behaviour of search.corpus.textio (written for mutation testing): every field of the
TextFile (name, lines, encoding, digest, issues with their file), the thresholds of the
heuristics at their edges, and files of several encodings read line by line."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from search.corpus import textio
from search.corpus.records import Issue
from search.corpus.textio import (
    MAX_FILE_BYTES,
    TextFile,
    _looks_japanese,
    _not_text_share,
    _runs,
    _utf16_without_bom,
    read_text,
    unreadable,
)

NAME = "corpus/a.txt"  # the name given, unlike the path's: each issue must carry it
TEXT = "テスト報道\n2025.02.10\n時事通信\nモンゴルへレーダー <2503-021012>\n 政府が発表した。"
LINES = TEXT.split("\n")
BROKEN = "bytes that are not valid text, shown as �; the rest of the line is kept"
CONTROLS = "control characters such as NUL bytes: removed"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read(tmp_path: Path, data: bytes) -> TextFile:
    """``data`` written to ``tmp_path/a.bin`` and read under ``NAME``."""
    path = tmp_path / "a.bin"
    path.write_bytes(data)
    return read_text(path, NAME)


def issue(line: int, message: str, severity: str = "warning") -> Issue:
    return Issue(NAME, line, message, severity)  # type: ignore[arg-type]


def cp932(text: str) -> bytes:
    return text.encode("cp932")


def euc(text: str) -> bytes:
    return text.encode("euc_jp")


# --- the name, the digest, files that cannot be read ----------------------------------------


def test_the_name_is_the_paths_unless_given(tmp_path: Path) -> None:
    """Without a name the file's own; with one, that one, in the issues too."""
    path = tmp_path / "b.txt"
    path.write_bytes(b"\xef\xbb\xbfabc")
    assert read_text(path) == TextFile("b.txt", ["abc"], "utf-8", sha(b"\xef\xbb\xbfabc"), [
        Issue("b.txt", 1, "starts with a UTF-8 byte-order mark; ignored", "repair")])
    assert read_text(path, "x/y.txt").issues == [
        Issue("x/y.txt", 1, "starts with a UTF-8 byte-order mark; ignored", "repair")]


def test_a_plain_file_whole(tmp_path: Path) -> None:
    """Nothing to repair: the lines, UTF-8, the bytes' digest and no issue."""
    data = TEXT.encode()
    assert read(tmp_path, data) == TextFile(NAME, LINES, "utf-8", sha(data), [])


def test_an_empty_file_has_its_digest(tmp_path: Path) -> None:
    """An empty file is still hashed, so an update sees it change."""
    assert read(tmp_path, b" \n") == TextFile(NAME, [], "utf-8", sha(b" \n"), [
        issue(0, "the file is empty: nothing to index")])


def test_a_folder_a_pipe_and_a_missing_file(tmp_path: Path) -> None:
    """Each says why in the digest (what a build records) and in its warning."""
    (tmp_path / "d").mkdir()
    assert read_text(tmp_path / "d", NAME) == TextFile(
        NAME, None, digest="unreadable: Is a directory", issues=[issue(0, (
            "is a folder, not a file: skipped (sub-folders are not read; move its files into "
            "the corpus folder, or rename the folder)"))])
    os.mkfifo(tmp_path / "p")
    assert read_text(tmp_path / "p", NAME) == TextFile(
        NAME, None, digest="unreadable: not a regular file", issues=[
            issue(0, "is not a regular file (a named pipe, a device or a socket): skipped")])
    assert unreadable(tmp_path / "p") == "unreadable: not a regular file"
    assert unreadable(tmp_path / "none") == "unreadable: No such file or directory"
    assert read_text(tmp_path / "none", NAME) == TextFile(
        NAME, None, digest="unreadable: No such file or directory",
        issues=[issue(0, "cannot be read: No such file or directory")])


def test_a_file_over_the_limit_is_skipped_unread(tmp_path: Path) -> None:
    """1 GiB is allowed, one byte more is not (sparse files: nothing is written or read)."""
    assert MAX_FILE_BYTES == 1 << 30
    exact, over = tmp_path / "exact.txt", tmp_path / "over.txt"
    with exact.open("wb") as fh:
        fh.truncate(MAX_FILE_BYTES)
    with over.open("wb") as fh:
        fh.truncate(MAX_FILE_BYTES + 1)
    assert unreadable(exact) is None
    assert unreadable(over) == "unreadable: larger than 1024 MB"
    assert read_text(over, NAME) == TextFile(
        NAME, None, digest="unreadable: larger than 1024 MB", issues=[issue(0, (
            "is larger than 1024 MB, the most a corpus file may be: skipped (split it into "
            "several files)"))])


def test_a_read_that_fails(tmp_path: Path) -> None:
    """/proc/self/mem is a regular file whose reading from 0 fails with EIO."""
    assert read_text(Path("/proc/self/mem"), NAME) == TextFile(
        NAME, None, digest="unreadable: Input/output error",
        issues=[issue(0, "cannot be read: Input/output error")])


def test_a_file_longer_than_its_size_said(monkeypatch: pytest.MonkeyPatch) -> None:
    """/proc files say they are empty: the read itself stops past the limit."""
    monkeypatch.setattr(textio, "MAX_FILE_BYTES", 100)
    assert read_text(Path("/proc/self/maps"), NAME) == TextFile(
        NAME, None, digest="unreadable: larger than 0 MB",
        issues=[issue(0, "cannot be read: larger than 0 MB")])


def test_a_file_of_exactly_the_limit_is_read(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """The limit itself is allowed: only a byte more is refused."""
    data = b"0123456789"
    (tmp_path / "a.bin").write_bytes(data)
    monkeypatch.setattr(textio, "MAX_FILE_BYTES", len(data))
    assert read_text(tmp_path / "a.bin", NAME) == TextFile(NAME, [data.decode()], "utf-8",
                                                           sha(data), [])


# --- byte-order marks and UTF-16 ------------------------------------------------------------


def test_a_bom_and_damage_after_it(tmp_path: Path) -> None:
    """After a BOM the rest is still decoded with its bad bytes marked, not refused."""
    data = b"\xef\xbb\xbf" + TEXT.encode() + b"\n\xffdef"
    assert read(tmp_path, data) == TextFile(NAME, [*LINES, "\ufffddef"], "utf-8", sha(data), [
        issue(1, "starts with a UTF-8 byte-order mark; ignored", "repair"), issue(6, BROKEN)])


def test_utf16_with_a_bom_cut_short(tmp_path: Path) -> None:
    """An odd last byte is one undecodable sequence on the last line."""
    data = TEXT.encode("utf-16") + b"\x30"
    assert read(tmp_path, data) == TextFile(
        NAME, [*LINES[:-1], LINES[-1] + "\ufffd"], "utf-16", sha(data), [
            issue(1, "is UTF-16, not UTF-8; read as UTF-16 (save it as UTF-8)", "repair"),
            issue(5, BROKEN)])


def test_utf16_without_a_bom_at_eight_bytes(tmp_path: Path) -> None:
    """Eight bytes with four NULs on one side are the least read as UTF-16."""
    data = "abcd".encode("utf-16-le")
    assert read(tmp_path, data) == TextFile(NAME, ["abcd"], "utf-16-le", sha(data), [
        issue(1, "is UTF-16 (utf-16-le) without a byte-order mark, not UTF-8; read as UTF-16 "
                 "(save it as UTF-8)", "repair")])


@pytest.mark.parametrize(("text", "order", "found"), [
    ("abcd", "utf-16-le", "utf-16-le"),
    ("abcd", "utf-16-be", "utf-16-be"),
    ("abc", "utf-16-le", None),  # six bytes: too short to tell
    ("日" * 500 + "\n" * 5, "utf-16-le", "utf-16-le"),  # 1,010 bytes, 5 NULs: 1010 // 200
    ("日" * 496 + "\n" * 4, "utf-16-le", None),  # 1,000 bytes: 4 NULs are fewer than 5
    ("abcdefgh" + "\u0100" * 2, "utf-16-le", "utf-16-le"),  # NULs 8 : 2, exactly four times
    ("abcdefg" + "\u0100" * 2, "utf-16-le", None),  # 7 : 2
    ("abcdefghi\x01", "utf-16-le", "utf-16-le"),  # exactly a tenth is control
    ("abcdefgh\x01", "utf-16-le", None),  # a ninth
], ids=["le", "be", "short", "1010-bytes", "1000-bytes", "4-to-1", "under-4-to-1",
        "tenth-control", "ninth-control"])
def test_utf16_without_a_bom_by_its_nuls(text: str, order: str, found: str | None) -> None:
    """Each threshold of the NUL count, the 4 : 1 ratio and the share of controls."""
    assert _utf16_without_bom(text.encode(order)) == found


def test_utf16_without_a_bom_from_its_odd_side_only() -> None:
    """An odd length or undecodable UTF-16 is not UTF-16."""
    assert _utf16_without_bom("abcd".encode("utf-16-le") + b"a") is None
    assert _utf16_without_bom("abcd".encode("utf-16-le") + b"\x00\xdc") is None  # lone surrogate


# --- line ends, control characters, binary --------------------------------------------------


def test_crlf_first_found_on_a_later_line(tmp_path: Path) -> None:
    """The notice names the first line ending in CRLF."""
    data = b"a\nb\nc\r\nd\r\n"
    assert read(tmp_path, data) == TextFile(NAME, ["a", "b", "c", "d"], "utf-8", sha(data), [
        issue(3, "Windows (CRLF) line ends; read as plain lines", "notice")])


def test_old_mac_line_ends(tmp_path: Path) -> None:
    """CR alone, with no LF anywhere, is a line end."""
    data = b"a\rb\r"
    assert read(tmp_path, data) == TextFile(NAME, ["a", "b"], "utf-8", sha(data), [
        issue(1, "old Mac (CR) line ends; read as plain lines", "notice")])


def test_a_tenth_of_control_characters_is_still_text(tmp_path: Path) -> None:
    """Exactly 10 % is text (the limit is exclusive); the controls are dropped."""
    data = b"abcdefghi\x01"
    assert read(tmp_path, data) == TextFile(NAME, ["abcdefghi"], "utf-8", sha(data), [
        issue(1, CONTROLS, "repair")])


def test_a_binary_file_whole(tmp_path: Path) -> None:
    """20 % of controls: refused, with the share in the warning and the digest kept."""
    data = b"abcdefgh\x01\x02"
    assert read(tmp_path, data) == TextFile(NAME, None, "binary", sha(data), [issue(0, (
        "is binary, not text (20% of it is not characters): skipped (is it the right file?)"))])


def test_lines_of_nul_only(tmp_path: Path) -> None:
    """NULs on several lines are still nothing to index."""
    data = b"\x00\n\x00"
    assert read(tmp_path, data) == TextFile(NAME, [], "utf-8", sha(data), [
        issue(0, "holds no text, only NUL or undecodable bytes: nothing to index")])


def test_utf16_of_nul_only_keeps_its_encoding(tmp_path: Path) -> None:
    """Nothing to index, but the encoding found is reported."""
    data = "\x00".encode("utf-16") * 1 + b"\x00\x00" * 10
    assert read(tmp_path, data) == TextFile(NAME, [], "utf-16", sha(data), [
        issue(1, "is UTF-16, not UTF-8; read as UTF-16 (save it as UTF-8)", "repair"),
        issue(0, "holds no text, only NUL or undecodable bytes: nothing to index")])


def test_a_letter_among_nuls_is_text(tmp_path: Path) -> None:
    """One letter is text: only NUL, undecodable bytes and blanks are nothing."""
    data = b"X\x00"
    assert read(tmp_path, data) == TextFile(NAME, ["X"], "utf-8", sha(data), [
        issue(1, CONTROLS, "repair")])


def test_three_damaged_lines_in_a_row_are_one_issue(tmp_path: Path) -> None:
    """One issue per stretch of damage, naming its last line."""
    lines = LINES * 30
    data = "\n".join(lines).encode() + b"\n\xff\nx\x00\xfe\n\xfd\x01"
    assert read(tmp_path, data) == TextFile(
        NAME, [*lines, "\ufffd", "x\ufffd", "\ufffd"], "utf-8", sha(data), [
            issue(151, "bytes that are not valid text (through line 153), shown as �; the "
                       "rest of the line is kept"),
            issue(152, "control characters such as NUL bytes (through line 153): removed",
                  "repair")])


def test_runs() -> None:
    """Consecutive indexes as (first, last)."""
    assert _runs([]) == []
    assert _runs([2, 3, 4, 6, 8, 9]) == [(2, 4), (6, 6), (8, 9)]


@pytest.mark.parametrize(("text", "share"), [
    ("", 0.0), (" \t\n\u3000", 0.0), ("\x00\x00", 0.0), ("\x01", 1.0), ("\x01 a", 0.5),
    ("X\x01", 0.5), ("ab\x00\x01\ufdd0", 0.5),
], ids=["empty", "spaces", "nuls", "one-control", "control-space-letter", "x-control",
        "mark-and-control"])
def test_not_text_share(text: str, share: float) -> None:
    """NULs and blanks are not counted among the visible characters."""
    assert _not_text_share(text) == share


@pytest.mark.parametrize(("text", "japanese"), [
    ("あいう", True), ("あい", False), ("abc", False), ("カナダ", True),
    ("\u3040" * 3, True), ("\u30ff" * 3, True), ("\u303f" * 3, False), ("\u3100" * 3, False),
    ("あいう" + "x" * 157, True),  # 160 characters: 160 // 50 is 3
    ("あいう" + "x" * 197, False),  # 200: 4 needed
    ("あいうえ" + "x" * 196, True),
    ("あ" * 79 + "x" * 3921 + "あ", False),  # only the first 4,000 characters count
    ("あ" * 80 + "x" * 3920 + "x" * 1000, True),
], ids=["three", "two", "latin", "katakana", "u3040", "u30ff", "u303f", "u3100", "160",
        "200-three", "200-four", "past-4000", "80-of-4000"])
def test_looks_japanese(text: str, japanese: bool) -> None:
    """Kana at least 3 and a fiftieth of the first 4,000 characters."""
    assert _looks_japanese(text) is japanese


# --- legacy encodings -----------------------------------------------------------------------


def convert(line: int, encoding: str) -> Issue:
    return issue(line, f"is not UTF-8 (first bad byte on this line); read as {encoding} — "
                       f"convert it with `iconv -f {encoding} -t utf-8`", "repair")


def test_a_legacy_file_whose_first_bad_byte_is_on_line_3(tmp_path: Path) -> None:
    """The repair notice names the line of the first bad byte."""
    text = "2025.02.10\nJIJI\n" + TEXT
    data = cp932(text)
    assert read(tmp_path, data) == TextFile(NAME, text.split("\n"), "cp932", sha(data),
                                            [convert(3, "cp932")])


def test_a_legacy_file_cut_in_its_last_character(tmp_path: Path) -> None:
    """One broken byte in cp932, many in UTF-8, and the last line no encoding reads whole:
    the file is cp932, the byte shown as �."""
    data = cp932(TEXT)[:-1]
    assert read(tmp_path, data) == TextFile(
        NAME, [*LINES[:-1], " 政府が発表した\ufffd"], "cp932", sha(data),
        [convert(1, "cp932"), issue(5, BROKEN)])


def test_latin1_is_damaged_utf8(tmp_path: Path) -> None:
    """No legacy encoding reads it as Japanese: UTF-8 with its bad bytes shown."""
    data = "le café est très bon, mon ami\nmerci".encode("latin-1")
    assert read(tmp_path, data) == TextFile(
        NAME, ["le caf\ufffd est tr\ufffds bon, mon ami", "merci"], "utf-8", sha(data),
        [issue(1, BROKEN)])


def test_two_percent_of_broken_bytes_is_damaged_utf8(tmp_path: Path) -> None:
    """6 broken of 300 non-ASCII bytes: still UTF-8 (one more would read the cp932 line)."""
    utf8 = ("日本語の報道" * 16 + "日本").encode()
    assert len(utf8) == 294
    data = utf8 + b"\n" + cp932("あいう")
    assert read(tmp_path, data) == TextFile(
        NAME, [utf8.decode(), "\ufffd" * 6], "utf-8", sha(data), [issue(2, BROKEN)])


def test_a_cp932_line_among_english_ones(tmp_path: Path) -> None:
    """14 broken bytes of 26 non-ASCII ones: cp932, however much ASCII is around them."""
    english = "The government announced it. " * 8
    data = (english.encode() + b"\n" + cp932("それはきのうのことでした。") + b"\n"
            + english.encode())
    assert read(tmp_path, data) == TextFile(
        NAME, [english, "それはきのうのことでした。", english], "cp932", sha(data),
        [convert(2, "cp932")])


def lines_are(first: int, last: int, encoding: str) -> Issue:
    return issue(first, f"lines {first}–{last} are {encoding}, not UTF-8 like the rest; read as "
                        f"{encoding} (save the file as UTF-8)", "repair")


def line_is(line: int, encoding: str) -> Issue:
    return issue(line, f"this line is {encoding}, not UTF-8 like the rest; read as {encoding} "
                       "(save the file as UTF-8)", "repair")


def test_a_file_of_several_encodings(tmp_path: Path) -> None:
    """Line by line: an ASCII line does not end a run of cp932 lines, a UTF-8 one does; a
    UTF-8 line with one bad byte among two characters stays UTF-8, with one character it is
    read as cp932; a line no encoding reads stays UTF-8 with its bytes marked."""
    raw = [
        "テスト報道".encode(),
        cp932("政府が発表した。"),
        b"2025.02.10 a b",
        cp932("外務省によると、"),
        "時事通信".encode(),
        cp932("ニュースです"),
        "政府".encode() + b"\xa1",  # 1 bad of 3 non-ASCII: UTF-8
        b"abc\x81",  # neither cp932 nor EUC-JP
        "日".encode() + b"\xa1",  # 1 bad of 2: cp932 (as mojibake)
        euc("ロンドン"),  # its last byte a cp932 lead byte: EUC-JP only
    ]
    data = b"\n".join(raw)
    assert read(tmp_path, data) == TextFile(NAME, [
        "テスト報道", "政府が発表した。", "2025.02.10 a b", "外務省によると、", "時事通信",
        "ニュースです", "政府\ufffd", "abc\ufffd", "譌･｡", "ロンドン"], "mixed", sha(data), [
        lines_are(2, 4, "cp932"), line_is(6, "cp932"), line_is(9, "cp932"),
        line_is(10, "euc_jp"),
        issue(7, "bytes that are not valid text (through line 8), shown as �; the rest of the "
                 "line is kept")])


def test_a_run_of_legacy_lines_from_the_first(tmp_path: Path) -> None:
    """The whole file read as cp932 breaks the last (EUC-JP) line, so it is read by line."""
    raw = [cp932("政府が発表した。"), b"2025", cp932("外務省によると、"), euc("ロンドン")]
    data = b"\n".join(raw)
    assert read(tmp_path, data) == TextFile(NAME, [
        "政府が発表した。", "2025", "外務省によると、", "ロンドン"], "mixed", sha(data),
        [lines_are(1, 3, "cp932"), line_is(4, "euc_jp")])


def test_an_euc_jp_line_in_a_utf8_file(tmp_path: Path) -> None:
    """The line decodes as cp932 too, as half-width katakana (ﾀｯﾉﾜ､ｬﾈｯﾉｽ､ｷ､ｿ｡｣): the
    encoding that gives hiragana is the line's."""
    data = TEXT.encode() + b"\n" + euc("政府が発表した。") + b"\n" + TEXT.encode()
    assert read(tmp_path, data) == TextFile(NAME, [*LINES, "政府が発表した。", *LINES], "mixed",
                                            sha(data), [line_is(6, "euc_jp")])


def test_a_broken_byte_outweighs_four_hiragana(tmp_path: Path) -> None:
    """Read whole, EUC-JP gives 10 hiragana and 2 broken bytes (10 - 4 × 2), cp932 none of
    either: EUC-JP scores higher, so the file is read by line (cp932 would be binary)."""
    data = euc("あかさたな") + b"\n" + euc("はまかきく") + b"\n" + cp932("アイ")
    assert read(tmp_path, data) == TextFile(
        NAME, ["あかさたな", "はまかきく", "アイ"], "mixed", sha(data),
        [lines_are(1, 2, "euc_jp"), line_is(3, "cp932")])


def test_a_line_both_encodings_read_alike_is_cp932(tmp_path: Path) -> None:
    """Half-width katakana in cp932 are kanji in EUC-JP, without hiragana either way: the
    tie goes to cp932, the first."""
    data = TEXT.encode() + b"\n" + cp932("ｶﾅﾀﾞ ﾄﾞｲﾂ") + b"\n" + TEXT.encode()
    assert read(tmp_path, data) == TextFile(NAME, [*LINES, "ｶﾅﾀﾞ ﾄﾞｲﾂ", *LINES], "mixed",
                                            sha(data), [line_is(6, "cp932")])
