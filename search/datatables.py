"""The TOML tables of data/ (countries, organisations, outlets, regions, eras), parsed once
per version of their bytes; and the lines of its plain-text tables (``lines``).

``tomllib`` is pure Python: countries.toml alone took 3.6 ms to parse, in every build's,
update's and server's start (a tenth of the bundled corpus's whole build beyond Sudachi's
floor was such fixed costs). A table's parse is kept beside Python's compiled files (the
package's ``__pycache__``), named by a hash of the file's bytes, so a changed table is
never read from an old copy; where the folder cannot be written, tables are parsed each
time, as before.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import threading
import tomllib
from collections.abc import Iterator
from pathlib import Path

from .config import DATA_DIR, PACKAGE_DIR

CACHE_DIR = PACKAGE_DIR / "__pycache__"
_PREFIX = "kirinuki-table-"


def lines(path: Path) -> Iterator[tuple[int, str]]:
    """(line number, text) of each line of a plain-text table (synonyms.txt, narrower.txt,
    names.tsv …) that holds something: # begins a comment, and the text is stripped."""
    with open(path, encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            text = line.split("#", 1)[0].strip()
            if text:
                yield number, text


def read_table(path: Path, cache: Path | None = CACHE_DIR) -> dict:
    """``tomllib.load`` of ``path`` (its errors too), from ``cache`` when a parse of the
    same bytes is there. Only the tables of data/ are kept (a test's tables are not)."""
    data = path.read_bytes()
    if cache is None or path.resolve().parent != DATA_DIR.resolve():
        return tomllib.loads(data.decode("utf-8"))
    name = f"{_PREFIX}{path.stem}-{hashlib.blake2b(data, digest_size=16).hexdigest()}.pickle"
    try:
        with open(cache / name, "rb") as fh:
            found = pickle.load(fh)
        if isinstance(found, dict):
            return found
    except (OSError, EOFError, ValueError, TypeError, AttributeError, IndexError,
            pickle.UnpicklingError):
        pass  # none yet, or a damaged copy: parsed and written again
    table = tomllib.loads(data.decode("utf-8"))
    _keep(cache, name, path.stem, table)
    return table


def _keep(cache: Path, name: str, stem: str, table: dict) -> None:
    """The parse written (``keep_file``), and the copies of the table's earlier versions
    removed."""
    if not keep_file(cache, name, pickle.dumps(table, pickle.HIGHEST_PROTOCOL)):
        return
    with contextlib.suppress(OSError):
        for old in cache.glob(f"{_PREFIX}{stem}-*.pickle"):
            if old.name != name:
                old.unlink(missing_ok=True)


def keep_file(folder: Path, name: str, data: bytes) -> bool:
    """``data`` written as ``folder/name`` by a rename (two processes writing at once: one
    is kept; a reader never sees half of it); False where the folder cannot be written,
    and nothing is left behind. For what is kept beside Python's compiled files."""
    part = folder / f"{name}.{os.getpid()}.{threading.get_ident()}"
    try:
        folder.mkdir(exist_ok=True)
        part.write_bytes(data)
        os.replace(part, folder / name)
        return True
    except OSError:
        with contextlib.suppress(OSError):  # (no folder there: nothing was written)
            part.unlink(missing_ok=True)
        return False
