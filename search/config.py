"""Where things live: the bundled corpus, the data tables and the index, with overrides."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent  # search/
ROOT = PACKAGE_DIR.parent
DATA_DIR = ROOT / "data"
DEFAULT_CORPUS = DATA_DIR / "corpus"
DEFAULT_INDEX = ROOT / "index"
# A build holds each segment's postings in memory until the segment is written: past this
# many bytes for all its processes together, a process writes its segment and starts another
# (search/index/workers.py; manage.py reindex --memory). More segments cost a search a
# little more (a term is looked up in each), so the default is what a small machine spares:
# at a million records 896 MB kept all the build's processes under 2 GiB (1,960 MB PSS, 12
# segments), where 1,024 MB passed it (2,051 MB; benchmarks/results/2026-12-07-*).
BUILD_MEMORY = 896 << 20


def corpus_dir(override: str | os.PathLike | None = None) -> Path:
    """The corpus folder: the argument, else $KIRINUKI_CORPUS, else the bundled corpus."""
    return Path(override or os.environ.get("KIRINUKI_CORPUS") or DEFAULT_CORPUS)


def index_dir(override: str | os.PathLike | None = None) -> Path:
    """The index folder: the argument, else $KIRINUKI_INDEX, else index/ at the top level."""
    return Path(override or os.environ.get("KIRINUKI_INDEX") or DEFAULT_INDEX)


def version() -> str:
    """kirinuki's version, declared once: pyproject.toml's, else the installed package's."""
    pyproject = ROOT / "pyproject.toml"
    if pyproject.is_file():
        import tomllib

        with open(pyproject, "rb") as fh:
            return tomllib.load(fh)["project"]["version"]
    from importlib.metadata import version as installed

    return installed("kirinuki")
