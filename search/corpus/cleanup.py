"""How text copied into an archive is cleaned: HTML leftovers, a title wrapped in 「」,
summary lines wrapped in the middle of a word, and the language of a title."""

from __future__ import annotations

import re

# Broken closing tags left by the copy from HTML ("日経新聞/a>", "…強調した。/td>"). Whole
# tags such as <script> are text like any other and are escaped wherever they are shown.
_HTML = re.compile(r"(?<![<A-Za-z0-9])/(?:a|b|i|p|td|tr|th|li|ul|div|span|font|br)>")
SENTENCE_END = tuple("。．.!?！？」』)）")


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
                and not paras[-1].endswith(SENTENCE_END)):
            prev = paras[-1]
            if re.match(r"^[A-Za-z][\w&/-]*\)", text) and prev.count("(") <= prev.count(")"):
                text = "(" + text
            sep = " " if prev[-1:].isascii() and prev[-1:].isalnum() else ""
            paras[-1] = prev + sep + text
        else:
            paras.append(text)
    return paras
