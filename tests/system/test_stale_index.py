"""An index knows when the code or tables that made it have changed, with no list kept by hand.

Each test works on a copy of the project (its code, data tables and bundled corpus), edits
one file there as a developer would, and runs that copy's own ``manage.py``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from search.index.version import build_modules, build_tables

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A copy of the project and an index of its corpus, built by the copy."""
    home = tmp_path_factory.mktemp("project")
    for name in ("search", "web"):
        shutil.copytree(ROOT / name, home / name,
                        ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "data", home / "data")
    shutil.copy2(ROOT / "manage.py", home / "manage.py")
    index = home / "index"
    done = _manage(home, index, "reindex", "--procs", "1")
    assert done.returncode == 0, done.stderr
    return home, index


def _manage(home: Path, index: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "KIRINUKI_INDEX": str(index)}
    env.pop("KIRINUKI_CORPUS", None)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=home, env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture()
def project(built: tuple[Path, Path], tmp_path: Path) -> tuple[Path, Path]:
    """A private copy of the built project, free to edit."""
    home = tmp_path / "project"
    shutil.copytree(built[0], home, symlinks=True)
    return home, home / "index"


def test_the_build_modules_are_found_from_the_imports():
    found = build_modules(ROOT / "search")
    # parsers, annotation, analysis, schema, the file format: all reached from the build's
    # imports, however deep, with the __init__.py of every package on the way
    assert {"index/build.py", "corpus/clippings.py", "corpus/documents.py", "corpus/textio.py",
            "corpus/manifest.py", "corpus/places.py", "corpus/outlets.py", "text/analysis.py",
            "text/sudachi.py", "index/schema.py", "index/workers.py", "corpus/loading.py",
            "corpus/records.py", "config.py", "index/codec/write.py", "__init__.py",
            "index/__init__.py", "index/codec/__init__.py", "corpus/__init__.py",
            "text/__init__.py"} <= found
    # what only searching uses is not: a change there needs no rebuild
    assert not {"engine/searching.py", "query/compile.py", "engine/matching.py",
                "text/highlight.py", "engine/opened.py"} & found
    assert build_tables(ROOT / "search") == ["countries.toml", "kyujitai.tsv", "names.tsv",
                                             "organizations.toml", "outlets.toml"]


@pytest.mark.parametrize("edited", ["search/corpus/places.py", "search/corpus/clippings.py",
                                    "search/index/codec/write.py", "data/organizations.toml"])
def test_update_rebuilds_after_a_change_to_code_or_a_table(project, edited):
    home, index = project
    assert "index is up to date" in _manage(home, index, "update").stdout
    with open(home / edited, "a", encoding="utf-8") as fh:
        fh.write("\n# edited\n")
    done = _manage(home, index, "update")
    assert done.returncode == 0, done.stderr
    reason = ("the index was made by another version of kirinuki" if edited.endswith(".py")
              else "the manifest or a data table changed")
    assert f"{reason}: rebuilt in full" in done.stdout
    assert "rebuild: 384 records" in done.stdout
    assert "index is up to date" in _manage(home, index, "update").stdout


def test_a_new_table_the_build_reads_is_covered_without_being_listed(project):
    home, index = project
    (home / "data" / "aliases.tsv").write_text("豪\tオーストラリア\n", encoding="utf-8")
    with open(home / "search" / "corpus" / "gazetteer.py", "a", encoding="utf-8") as fh:
        fh.write('\nALIASES_FILE = DATA_DIR / "aliases.tsv"\n')
    assert "another version of kirinuki: rebuilt in full" in _manage(home, index, "update").stdout
    with open(home / "data" / "aliases.tsv", "a", encoding="utf-8") as fh:
        fh.write("加\tカナダ\n")
    assert "a data table changed: rebuilt in full" in _manage(home, index, "update").stdout


def test_changes_only_searching_sees_keep_the_index(project):
    """Query-time code and tables (synonyms are expanded when searching) need no rebuild."""
    home, index = project
    for name in ("search/text/highlight.py", "search/query/compile.py", "data/synonyms.txt"):
        with open(home / name, "a", encoding="utf-8") as fh:
            fh.write("\n# edited\n")
    assert "index is up to date" in _manage(home, index, "update").stdout


def test_serve_rebuilds_after_a_parser_change_before_serving(project):
    home, index = project
    with open(home / "search" / "corpus" / "documents.py", "a", encoding="utf-8") as fh:
        fh.write("\n# edited\n")
    env = {**os.environ, "KIRINUKI_INDEX": str(index), "PYTHONUNBUFFERED": "1"}
    server = subprocess.Popen([sys.executable, "manage.py", "serve", "--port", "0"],
                              cwd=home, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    try:
        lines = []
        while not lines or not lines[-1].startswith("serving on"):
            lines.append(server.stdout.readline())
            assert lines[-1], lines  # the server ended before serving
    finally:
        server.terminate()
        server.communicate(timeout=30)
    assert lines[0] == "the index was made by another version of kirinuki: building it first\n"
    assert any(line.startswith("rebuild: 384 records") for line in lines[1:-1])
    assert "index is up to date" in _manage(home, index, "update").stdout
