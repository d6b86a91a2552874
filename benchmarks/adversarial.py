"""A corpus that costs as much as records can: the bundled corpus plus 20 pathological clippings.

    python benchmarks/adversarial.py DIR

Writes into ``DIR`` a copy of the bundled corpus (``data/corpus``) and one more archive,
``clippings-adversarial.txt`` (label 「敵対的な記録」), of twenty clippings from one outlet,
dated 2026-01-01 … 2026-01-20 so that they are the newest of the corpus and come first when
sorted by date:

- one with a title of 40,000 characters (「防衛」 20,000 times) and a summary of 「防衛 」
  33,334 times (100,001 characters as read, 33,334 matches of 防衛);
- nine more with that summary under a short title;
- ten with 「協力、」 10,000 times and 「。」 (30,001 characters, a clause end every three).

A search for 防衛 (or 協力) sorted newest first has a page of them: what a snippet, a marked
title, a feed or an export costs is then what the limits allow, not what the corpus holds.
``benchmarks/fuzz.py --adversarial`` serves this corpus.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "data" / "corpus"
FILE = "clippings-adversarial.txt"
LABEL = "敵対的な記録"
LONG_SUMMARY = ("防衛 " * 33_334).strip()
CLAUSE_SUMMARY = "協力、" * 10_000 + "。"
LONG_TITLE = "防衛" * 20_000


def records() -> list[tuple[str, str]]:
    """(title, summary) of the twenty clippings, oldest first, as they are read."""
    out = [(LONG_TITLE, LONG_SUMMARY)]
    out += [(f"長い記事 {i}", LONG_SUMMARY) for i in range(1, 10)]
    out += [(f"長い記事 {i}", CLAUSE_SUMMARY) for i in range(10, 20)]
    return out


def archive() -> str:
    """The archive's text in the clipping format of the bundled archives."""
    blocks = [LABEL, ""]
    for day, (title, summary) in enumerate(records(), start=1):
        blocks += [f"2026.01.{day:02d}", " 09:00", "共同通信", "",
                   f"{title} <2601-01{day:02d}{day:02d}>", " " + summary, ""]
    return "\n".join(blocks)


def write(folder: str | Path) -> Path:
    """The bundled corpus and the adversarial archive in ``folder`` (made if missing)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for path in BUNDLED.iterdir():
        if path.is_file():
            shutil.copyfile(path, folder / path.name)
    (folder / FILE).write_text(archive(), encoding="utf-8")
    manifest = folder / "manifest.toml"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text.rstrip("\n") + f'\n\n["{FILE}"]\nkind = "clippings"\n'
                        f'label = "{LABEL}"\n', encoding="utf-8")
    return folder


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__.split("\n\n")[1].strip())
    print(f"written: {write(sys.argv[1])}")
