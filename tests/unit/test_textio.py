"""Decoding corpus files (search/corpus/textio.py): every encoding and kind of damage, line
by line."""

from __future__ import annotations

import pytest

from search.corpus.textio import read_text

TEXT = "テスト報道\n2025.02.10\n時事通信\nモンゴルへレーダー <2503-021012>\n 政府が発表した。"
LINES = TEXT.split("\n")


def read(tmp_path, data: bytes, name: str = "a.txt"):
    path = tmp_path / name
    path.write_bytes(data)
    got = read_text(path)
    return got.lines, got.encoding, [(i.line, i.severity, i.message) for i in got.issues]


UTF16 = "read as UTF-16 (save it as UTF-8)"


@pytest.mark.parametrize("data,encoding,issues", [
    (TEXT.encode(), "utf-8", []),
    ((TEXT + "\n").encode(), "utf-8", []),  # a final line end starts no extra line
    (b"\xef\xbb\xbf" + TEXT.encode(), "utf-8",
     [(1, "repair", "starts with a UTF-8 byte-order mark; ignored")]),
    (TEXT.encode("utf-16"), "utf-16",
     [(1, "repair", f"is UTF-16, not UTF-8; {UTF16}")]),
    (TEXT.encode("utf-16-le"), "utf-16-le",
     [(1, "repair", f"is UTF-16 (utf-16-le) without a byte-order mark, not UTF-8; {UTF16}")]),
    (TEXT.encode("utf-16-be"), "utf-16-be",
     [(1, "repair", f"is UTF-16 (utf-16-be) without a byte-order mark, not UTF-8; {UTF16}")]),
    (TEXT.encode("cp932"), "cp932",
     [(1, "repair", "is not UTF-8 (first bad byte on this line); read as cp932 — convert it "
                    "with `iconv -f cp932 -t utf-8`")]),
    (TEXT.encode("euc_jp"), "euc_jp",
     [(1, "repair", "is not UTF-8 (first bad byte on this line); read as euc_jp — convert it "
                    "with `iconv -f euc_jp -t utf-8`")]),
    (TEXT.replace("\n", "\r\n").encode(), "utf-8",
     [(1, "notice", "Windows (CRLF) line ends; read as plain lines")]),
    (TEXT.replace("\n", "\r").encode(), "utf-8",
     [(1, "notice", "old Mac (CR) line ends; read as plain lines")]),
])
def test_every_encoding_gives_the_same_lines(tmp_path, data, encoding, issues):
    assert read(tmp_path, data) == (LINES, encoding, issues)


def test_nul_bytes_are_dropped_and_reported_by_line(tmp_path):
    data = TEXT.encode().replace(b"2025.", b"2025.\x00\x00") + b"\x00" * 1024
    assert read(tmp_path, data) == (LINES, "utf-8", [
        (2, "repair", "control characters such as NUL bytes: removed"),
        (5, "repair", "control characters such as NUL bytes: removed"),
    ])
    data = TEXT.encode().replace(b"2503-", b"2503-\x00") + b"\x00"
    assert read(tmp_path, data)[2] == [
        (4, "repair", "control characters such as NUL bytes (through line 5): removed")]


def test_a_stray_cr_and_other_controls_are_dropped(tmp_path):
    data = TEXT.encode().replace(b"\xe6\x99\x82", b"\r\x07\x1b\xe6\x99\x82")  # before 時事通信
    assert read(tmp_path, data) == (LINES, "utf-8", [
        (3, "repair", "control characters such as NUL bytes: removed")])


def test_undecodable_bytes_become_replacement_characters_on_their_lines(tmp_path):
    lines = LINES * 20  # enough intact UTF-8 around the damage
    data = "\n".join(lines).encode()
    bad = data.replace("政府".encode(), b"\xff\xfe\xfd", 2)  # the first two summary lines
    got, encoding, issues = read(tmp_path, bad)
    assert encoding == "utf-8"
    assert got[4] == " \ufffd\ufffd\ufffdが発表した。"
    assert got[9] == got[4]
    assert [g for k, g in enumerate(got) if k not in (4, 9)] == \
        [g for k, g in enumerate(lines) if k not in (4, 9)]
    message = "bytes that are not valid text, shown as �; the rest of the line is kept"
    assert issues == [(5, "warning", message), (10, "warning", message)]


def test_a_cut_in_the_middle_of_a_character(tmp_path):
    data = (TEXT * 5).encode()[:-2]  # 。 is three bytes: one is left
    got, encoding, issues = read(tmp_path, data)
    assert (encoding, got[-1]) == ("utf-8", " 政府が発表した\ufffd")
    assert issues == [(len(got), "warning", "bytes that are not valid text, shown as �; the "
                                            "rest of the line is kept")]


def test_consecutive_damaged_lines_are_one_issue(tmp_path):
    data = "\n".join(LINES * 10).encode() + b"\n\xff\n\xfe"
    got, _, issues = read(tmp_path, data)
    assert got[-2:] == ["\ufffd", "\ufffd"]
    assert issues == [(51, "warning", "bytes that are not valid text (through line 52), shown "
                                      "as �; the rest of the line is kept")]


@pytest.mark.parametrize("data,message", [
    (b"", "the file is empty: nothing to index"),
    (b" \n\n\t", "the file is empty: nothing to index"),
    (b"\x00" * 4096, "holds no text, only NUL or undecodable bytes: nothing to index"),
])
def test_files_with_nothing_in_them(tmp_path, data, message):
    assert read(tmp_path, data) == ([], "utf-8", [(0, "warning", message)])


def test_binary_files_are_refused(tmp_path):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" * 50
    lines, encoding, issues = read(tmp_path, png)
    assert (lines, encoding) == (None, "binary")
    (issue,) = issues
    assert issue[:2] == (0, "warning")
    assert issue[2].startswith("is binary, not text (")
    assert issue[2].endswith("of it is not characters): skipped (is it the right file?)")


def test_a_folder_named_like_a_file(tmp_path):
    (tmp_path / "x.txt").mkdir()
    got = read_text(tmp_path / "x.txt")
    assert got.lines is None
    assert [(i.line, i.severity, i.message) for i in got.issues] == [
        (0, "warning", "is a folder, not a file: skipped (sub-folders are not read; move its "
                       "files into the corpus folder, or rename the folder)")]
