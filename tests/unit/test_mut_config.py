"""Exact behaviour of search.config (written for mutation testing): where the corpus and
the index are, by argument, environment or default, and the version from either source."""

from __future__ import annotations

from collections.abc import Callable
from importlib.metadata import version as installed
from pathlib import Path

import pytest

from search import config


def test_the_default_places() -> None:
    """The defaults are relative to the checkout."""
    root = Path(__file__).resolve().parents[2]
    assert root / "search" == config.PACKAGE_DIR
    assert root == config.ROOT
    assert root / "data" == config.DATA_DIR
    assert root / "data" / "corpus" == config.DEFAULT_CORPUS
    assert root / "index" == config.DEFAULT_INDEX


@pytest.mark.parametrize(("function", "variable", "default"), [
    (config.corpus_dir, "KIRINUKI_CORPUS", config.DEFAULT_CORPUS),
    (config.index_dir, "KIRINUKI_INDEX", config.DEFAULT_INDEX),
], ids=["corpus", "index"])
def test_argument_then_environment_then_default(function: Callable[..., Path], variable: str,
                                                default: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """An empty argument or variable falls through to the next."""
    monkeypatch.delenv(variable, raising=False)
    assert function() == default
    assert function("") == default
    assert function("/a/b") == Path("/a/b")
    assert function(Path("c")) == Path("c")
    monkeypatch.setenv(variable, "/from/env")
    assert function() == Path("/from/env")
    assert function("/a/b") == Path("/a/b")
    monkeypatch.setenv(variable, "")
    assert function() == default


def test_the_version_from_pyproject_else_installed(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """pyproject.toml when it is a file, else the installed metadata."""
    (tmp_path / "pyproject.toml").write_text('[project]\nversion = "9.8.7"\n', encoding="utf-8")
    monkeypatch.setattr(config, "ROOT", tmp_path)
    assert config.version() == "9.8.7"
    (tmp_path / "pyproject.toml").unlink()
    (tmp_path / "pyproject.toml").mkdir()  # not a file: the installed package's
    assert config.version() == installed("kirinuki")
