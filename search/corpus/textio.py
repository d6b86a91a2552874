"""Reading a corpus file as text, whatever it arrived as, and saying what was odd about it.

A damaged file still gives every line it can: bytes that do not decode become �, control
characters (a NUL appended by a crashed copy, say) are dropped, and each is reported with its
line. Only a file that is mostly not text at all is refused.
"""

from __future__ import annotations

import codecs
import hashlib
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from .records import Issue

# Stands in for each undecodable byte sequence while decoding: a Unicode noncharacter, so
# it cannot be confused with a � the file itself holds; it becomes � once counted.
_MARK = "\ufdd0"
codecs.register_error("kirinuki-mark", lambda exc: (_MARK, exc.end))
# C0 and C1 controls except tab and the line end, plus a byte-order mark inside the text.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufeff]")
_HIRAGANA = re.compile(r"[\u3041-\u309f]")
_NON_ASCII = bytes(range(0x80, 0x100))
# Japanese files of this age that are not UTF-8 are most often Shift_JIS (cp932) or EUC-JP.
LEGACY_ENCODINGS = ("cp932", "euc_jp")
# At most this share of a UTF-8 file's non-ASCII bytes may be broken for it to be read as
# damaged UTF-8; a Shift_JIS or EUC-JP file read as UTF-8 breaks nearly all of them.
_UTF8_DAMAGE = 0.02
# A file whose visible characters are more than this share undecodable or control is binary.
_BINARY_SHARE = 0.1


@dataclass
class TextFile:
    """A file decoded into lines (without line ends); ``lines`` is None when unreadable."""

    name: str
    lines: list[str] | None
    encoding: str = "utf-8"
    # the SHA-256 of the bytes decoded (or why none could be read): what a build records,
    # so a file changed after it was read is found changed by the next update
    digest: str = ""
    issues: list[Issue] = field(default_factory=list)

    @property
    def readable(self) -> bool:
        return self.lines is not None


# A corpus file is read whole; one larger than this is skipped with a warning (README,
# "The corpus"). A synthetic archive of a million clippings in two files is 0.4 GB each.
MAX_FILE_BYTES = 1 << 30


def unreadable(path: Path) -> str | None:
    """Why ``path`` is not read as a corpus file, or None: a folder, a special file (a named
    pipe would block, /dev/zero never ends), one over ``MAX_FILE_BYTES``, or one that cannot
    be examined. The same words stand in a build's hashes for it."""
    try:
        st = path.stat()
    except OSError as exc:
        return f"unreadable: {exc.strerror or type(exc).__name__}"
    if stat.S_ISDIR(st.st_mode):
        return "unreadable: Is a directory"
    if not stat.S_ISREG(st.st_mode):
        return "unreadable: not a regular file"
    if st.st_size > MAX_FILE_BYTES:
        return f"unreadable: larger than {MAX_FILE_BYTES >> 20} MB"
    return None


def _skipped(path: Path, name: str) -> TextFile | None:
    """A folder, a special file or one too large, as an unreadable file that says so."""
    why = unreadable(path)
    if why == "unreadable: Is a directory":
        said = ("is a folder, not a file: skipped (sub-folders are not read; move its files "
                "into the corpus folder, or rename the folder)")
    elif why == "unreadable: not a regular file":
        said = "is not a regular file (a named pipe, a device or a socket): skipped"
    elif why is not None and why.startswith("unreadable: larger"):
        said = (f"is larger than {MAX_FILE_BYTES >> 20} MB, the most a corpus file may be: "
                "skipped (split it into several files)")
    else:
        return None  # readable, or unreadable for a reason reading it will name
    return TextFile(name, None, digest=why, issues=[Issue(name, 0, said)])


def read_text(path: Path, name: str | None = None) -> TextFile:
    """Decode ``path``, repairing what can be repaired (BOM, CRLF, legacy encodings, UTF-16).

    Never raises for bad content: an unreadable file comes back with ``lines=None`` and a
    warning that says what was wrong and what to do.
    """
    name = name or path.name
    if (skipped := _skipped(path, name)) is not None:
        return skipped
    try:
        with path.open("rb") as fh:  # no more than the limit, should it grow meanwhile
            data = fh.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            raise OSError(0, f"larger than {MAX_FILE_BYTES >> 20} MB")
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        return TextFile(name, None, digest=f"unreadable: {reason}",
                        issues=[Issue(name, 0, f"cannot be read: {reason}")])
    digest = hashlib.sha256(data).hexdigest()
    issues: list[Issue] = []
    if not data.strip():
        issues.append(Issue(name, 0, "the file is empty: nothing to index", "warning"))
        return TextFile(name, [], digest=digest, issues=issues)

    text, encoding = _decode(data, name, issues)
    if text is None:
        return TextFile(name, None, encoding=encoding, digest=digest, issues=issues)
    line_ends: Issue | None = None
    if "\r\n" in text:
        first = text[: text.index("\r\n")].count("\n") + 1
        line_ends = Issue(name, first, "Windows (CRLF) line ends; read as plain lines", "notice")
        text = text.replace("\r\n", "\n")
    elif "\r" in text and "\n" not in text:
        line_ends = Issue(name, 1, "old Mac (CR) line ends; read as plain lines", "notice")
        text = text.replace("\r", "\n")
    # a CR left now is a stray control character, dropped by _clean with the others
    damaged = _MARK in text or _CONTROL.search(text) is not None  # rare: skip the scans below
    share = _not_text_share(text) if damaged else 0.0
    if share > _BINARY_SHARE:
        issues.append(Issue(name, 0, f"is binary, not text ({share:.0%} of it is not "
                                     "characters): skipped (is it the right file?)"))
        return TextFile(name, None, encoding="binary", digest=digest, issues=issues)
    if line_ends:
        issues.append(line_ends)
    lines = text.split("\n")
    if lines[-1] == "":  # a final line end ends the last line; it does not start another
        lines.pop()
    if damaged and not "".join(lines).strip(_MARK + "\x00 \t"):
        issues.append(Issue(name, 0, "holds no text, only NUL or undecodable bytes: nothing "
                                     "to index"))
        return TextFile(name, [], encoding=encoding, digest=digest, issues=issues)
    if damaged:
        lines = _clean(lines, name, issues)
    return TextFile(name, lines, encoding=encoding, digest=digest, issues=issues)


def _decode(data: bytes, name: str, issues: list[Issue]) -> tuple[str | None, str]:
    """The text, with ``_MARK`` for each undecodable sequence, and the encoding used."""
    if data.startswith(codecs.BOM_UTF8):
        issues.append(Issue(name, 1, "starts with a UTF-8 byte-order mark; ignored", "repair"))
        return data[len(codecs.BOM_UTF8):].decode("utf-8", "kirinuki-mark"), "utf-8"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        issues.append(Issue(name, 1, "is UTF-16, not UTF-8; read as UTF-16 (save it as UTF-8)",
                            "repair"))
        return data.decode("utf-16", "kirinuki-mark"), "utf-16"
    order = _utf16_without_bom(data)
    if order:
        issues.append(Issue(name, 1, f"is UTF-16 ({order}) without a byte-order mark, not UTF-8; "
                                     "read as UTF-16 (save it as UTF-8)", "repair"))
        return data.decode(order, "kirinuki-mark"), order
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        bad_line = data[: exc.start].count(b"\n") + 1

    utf8 = data.decode("utf-8", "kirinuki-mark")
    broken = utf8.count(_MARK)
    non_ascii = len(data) - len(data.translate(None, _NON_ASCII))
    if broken <= non_ascii * _UTF8_DAMAGE:
        return utf8, "utf-8"  # damaged UTF-8: each broken line is reported by _clean
    best: tuple[int, str, str] | None = None
    for encoding in LEGACY_ENCODINGS:
        text = data.decode(encoding, "kirinuki-mark")
        # hiragana are common in Japanese text and rare in mojibake; broken bytes count against
        score = _hiragana(text) - 4 * text.count(_MARK)
        if best is None or score > best[0]:
            best = (score, text, encoding)
    assert best is not None
    _, text, encoding = best
    if text.count(_MARK) < broken and _looks_japanese(text) and not text.count(_MARK):
        issues.append(Issue(name, bad_line,
                            f"is not UTF-8 (first bad byte on this line); read as {encoding} "
                            f"— convert it with `iconv -f {encoding} -t utf-8`", "repair"))
        return text, encoding
    mixed = _by_line(data, name)
    if mixed is not None and mixed[0].count(_MARK) < min(broken, text.count(_MARK)):
        issues.extend(mixed[1])
        return mixed[0], "mixed"
    if text.count(_MARK) < broken and _looks_japanese(text):
        issues.append(Issue(name, bad_line,
                            f"is not UTF-8 (first bad byte on this line); read as {encoding} "
                            f"— convert it with `iconv -f {encoding} -t utf-8`", "repair"))
        return text, encoding
    return utf8, "utf-8"


def _by_line(data: bytes, name: str) -> tuple[str, list[Issue]] | None:
    """A file of several encodings (half UTF-8, half Shift_JIS: two archives pasted
    together) decoded line by line: UTF-8 where a line is UTF-8, else the legacy encoding
    that decodes it whole into Japanese, else UTF-8 with its bad bytes marked. One notice
    per run of lines read in a legacy encoding; None when no line needed one."""
    lines, runs = [], []  # runs: [encoding, first line, last line]
    utf8_at = 0  # the last line read as UTF-8 that was not plain ASCII (ASCII is both)
    for number, raw in enumerate(data.split(b"\n"), start=1):
        utf8 = raw.decode("utf-8", "kirinuki-mark")
        broken = utf8.count(_MARK)
        # a UTF-8 line with a damaged byte or two stays UTF-8 (its bytes marked); a line of
        # another encoding breaks most of its non-ASCII characters when read as UTF-8
        if not broken or broken * 2 <= sum(1 for ch in utf8 if not ch.isascii()) - broken:
            lines.append(utf8)
            utf8_at = utf8_at if raw.isascii() else number
            continue
        # an EUC-JP line nearly always decodes as cp932 too (as half-width katakana): of the
        # encodings that decode it, the one giving the most hiragana, as _decode chooses
        best: tuple[int, str, str] | None = None
        for encoding in LEGACY_ENCODINGS:
            try:
                text = raw.decode(encoding)
            except UnicodeDecodeError:
                continue
            if best is None or _hiragana(text) > best[0]:
                best = (_hiragana(text), text, encoding)
        if best is None:
            lines.append(utf8)
            continue
        _, text, encoding = best
        lines.append(text)
        if runs and runs[-1][0] == encoding and runs[-1][2] > utf8_at:
            runs[-1][2] = number
        else:
            runs.append([encoding, number, number])
    if not runs:
        return None
    issues = [Issue(name, first, f"lines {first}–{last} are {encoding}, not UTF-8 like the "
                                 f"rest; read as {encoding} (save the file as UTF-8)"
                    if last > first else f"this line is {encoding}, not UTF-8 like the rest; "
                                         f"read as {encoding} (save the file as UTF-8)",
                    "repair")
              for encoding, first, last in runs]
    return "\n".join(lines), issues


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' when the NUL bytes say so, else None.

    In UTF-16 every ASCII character (line ends, digits, spaces) has a NUL high byte, so NULs
    gather on one side of each byte pair; NULs appended to or scattered in a UTF-8 file fall
    on both sides alike.
    """
    if len(data) < 8 or len(data) % 2:
        return None
    even, odd = data[0::2].count(0), data[1::2].count(0)
    for order, major, minor in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if major >= max(4, len(data) // 200) and major >= 4 * minor:
            try:
                text = data.decode(order)
            except UnicodeDecodeError:
                continue
            if _not_text_share(text) <= _BINARY_SHARE:
                return order
    return None


def _not_text_share(text: str) -> float:
    """The share of undecodable and control characters among the visible ones.

    NULs are left out: runs of them are what a crash or a preallocated file leaves in text.
    """
    visible = len(text) - sum(text.count(ch) for ch in " \t\n\x00\u3000")
    if visible <= 0:
        return 0.0
    bad = text.count(_MARK) + len(_CONTROL.findall(text)) - text.count("\x00")
    return bad / visible


def _clean(lines: list[str], name: str, issues: list[Issue]) -> list[str]:
    """Undecodable bytes → �, control characters dropped; each reported with its lines."""
    broken: list[int] = []
    controls: list[int] = []
    for i, line in enumerate(lines):
        if _MARK in line:
            broken.append(i)
            line = line.replace(_MARK, "\ufffd")
        if _CONTROL.search(line):
            controls.append(i)
            line = _CONTROL.sub("", line)
        lines[i] = line
    for start, end in _runs(broken):
        issues.append(Issue(name, start + 1, f"bytes that are not valid text{_through(start, end)}"
                                             ", shown as �; the rest of the line is kept"))
    for start, end in _runs(controls):
        issues.append(Issue(name, start + 1, f"control characters such as NUL bytes"
                                             f"{_through(start, end)}: removed", "repair"))
    return lines


def _runs(indexes: list[int]) -> list[tuple[int, int]]:
    """Consecutive line indexes as (first, last) pairs: one issue per damaged stretch."""
    runs: list[tuple[int, int]] = []
    for i in indexes:
        if runs and runs[-1][1] == i - 1:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    return runs


def _through(start: int, end: int) -> str:
    return f" (through line {end + 1})" if end > start else ""


def _hiragana(text: str) -> int:
    return len(_HIRAGANA.findall(text))


def _looks_japanese(text: str) -> bool:
    sample = text[:4000]
    kana = sum(1 for ch in sample if "\u3040" <= ch <= "\u30ff")
    return kana >= max(3, len(sample) // 50)
