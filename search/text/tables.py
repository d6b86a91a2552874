"""Plain-text tables for a terminal, aligned by display width.

A terminal gives East Asian Wide and Fullwidth characters (漢字, かな, ＡＢＣ) two columns, so
padding by ``len`` leaves every row with Japanese in it short; ``str.ljust`` cannot be used.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

WIDE = ("W", "F")


def display_width(text: str) -> int:
    """Columns ``text`` takes on a terminal: 2 for Wide/Fullwidth, 0 for combining marks."""
    width = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in WIDE else 1
    return width


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
