"""Reading a corpus file as text, whatever it arrived as, and saying what was odd about it."""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from .records import Issue

_BINARY_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


@dataclass
class TextFile:
    """A file decoded into lines (without line ends); ``lines`` is None when unreadable."""

    name: str
    lines: list[str] | None
    encoding: str = "utf-8"
    issues: list[Issue] = field(default_factory=list)

    @property
    def readable(self) -> bool:
        return self.lines is not None


def read_text(path: Path, name: str | None = None) -> TextFile:
    """Decode ``path``, repairing what can be repaired (BOM, CRLF, Shift_JIS, UTF-16).

    Never raises for bad content: an unreadable file comes back with ``lines=None`` and a
    warning that says what was wrong and what to do.
    """
    name = name or path.name
    try:
        data = path.read_bytes()
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        return TextFile(name, None, issues=[Issue(name, 0, f"cannot be read: {reason}")])
    issues: list[Issue] = []
    if not data.strip():
        issues.append(Issue(name, 0, "the file is empty: nothing to index", "warning"))
        return TextFile(name, [], issues=issues)

    text, encoding = _decode(data, name, issues)
    if text is None:
        return TextFile(name, None, issues=issues)
    if "\r" in text:
        first = text[: text.index("\r")].count("\n") + 1
        issues.append(
            Issue(name, first, "Windows (CRLF) or old Mac (CR) line ends; read as plain lines",
                  "notice")
        )
    lines = text.splitlines()
    return TextFile(name, lines, encoding=encoding, issues=issues)


def _decode(data: bytes, name: str, issues: list[Issue]) -> tuple[str | None, str]:
    if data.startswith(codecs.BOM_UTF8):
        issues.append(Issue(name, 1, "starts with a UTF-8 byte-order mark; ignored", "repair"))
        data = data[len(codecs.BOM_UTF8):]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            issues.append(Issue(name, 0, "looks like UTF-16 but does not decode; save it as UTF-8"))
            return None, "utf-16"
        issues.append(Issue(name, 1, "is UTF-16, not UTF-8; read as UTF-16 (save it as UTF-8)",
                            "repair"))
        return text, "utf-16"

    if b"\x00" in data or len(_BINARY_CONTROL.findall(data[:4096].decode("latin-1"))) > 8:
        issues.append(Issue(name, 0, "is binary, not text: skipped (is it the right file?)"))
        return None, "binary"

    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        bad_line = data[: exc.start].count(b"\n") + 1
    # Not UTF-8: Japanese files of this age are most often Shift_JIS (cp932) or EUC-JP.
    for encoding in ("cp932", "euc_jp"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_japanese(text):
            issues.append(Issue(name, bad_line,
                                f"is not UTF-8 (first bad byte on this line); read as {encoding} "
                                f"— convert it with `iconv -f {encoding} -t utf-8`", "repair"))
            return text, encoding
    issues.append(Issue(name, bad_line,
                        "is not valid UTF-8 from this line on; undecodable bytes shown as �"))
    return data.decode("utf-8", errors="replace"), "utf-8"


def _looks_japanese(text: str) -> bool:
    sample = text[:4000]
    kana = sum(1 for ch in sample if "\u3040" <= ch <= "\u30ff")
    return kana >= max(3, len(sample) // 50)


def nfkc(text: str) -> str:
    """Width-fold (ＮＡＴＯ → NATO, ２０２５ → 2025) for matching, never for display."""
    return unicodedata.normalize("NFKC", text)
