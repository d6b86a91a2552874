"""Plain-text tables for a terminal, aligned by display width.

A terminal gives East Asian Wide and Fullwidth characters (漢字, かな, ＡＢＣ) two columns, so
padding by ``len`` leaves every row with Japanese in it short; ``str.ljust`` cannot be used.
The width of a character is wcwidth's, which follows the Unicode tables terminals use
(zero-width joiners, emoji, combining marks) better than a rule written here.
"""

from __future__ import annotations

from collections.abc import Sequence

from wcwidth import wcwidth


def display_width(text: str) -> int:
    """Columns ``text`` takes on a terminal: 2 for Wide/Fullwidth, 0 for combining marks
    (and for a control character, which takes none)."""
    return sum(max(wcwidth(ch), 0) for ch in text)


def pad(text: str, width: int, align: str = "<") -> str:
    """``text`` padded with spaces to ``width`` columns (``<`` left, ``>`` right)."""
    fill = " " * max(0, width - display_width(text))
    return fill + text if align == ">" else text + fill


def table(rows: Sequence[Sequence[object]], aligns: str, indent: str = "  ",
          gap: str = "  ") -> list[str]:
    """``rows`` as lines, each column as wide as its widest cell (``aligns``: one ``<`` or
    ``>`` per column); no trailing spaces."""
    cells = [[str(c) for c in row] for row in rows]
    widths = [max((display_width(row[i]) for row in cells), default=0)
              for i in range(len(aligns))]
    return [(indent + gap.join(pad(c, w, a) for c, w, a in zip(row, widths, aligns,
                                                                   strict=True))).rstrip()
            for row in cells]
