"""Shared fixtures: one real on-disk index of the bundled corpus per test session.

Building the index takes a couple of seconds, so the web, API and browser tests share it;
tests that change an index build their own in ``tmp_path``.
"""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def session_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of the bundled corpus, built once; treat it as read-only."""
    from search.indexer import reindex

    root = tmp_path_factory.mktemp("session-index")
    reindex(root)
    return root


@pytest.fixture()
def app(session_index: Path):
    """The Flask app over the session index, in testing mode."""
    from web import create_app

    app = create_app({"INDEX_DIR": str(session_index), "TESTING": True})
    yield app
    app.extensions["kirinuki.engine"].close()


@pytest.fixture()
def client(app):
    return app.test_client()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Everything outside tests/unit is the slow tier: `pytest -m "not slow"` skips it."""
    unit = Path(__file__).parent / "unit"
    for item in items:
        if unit not in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.slow)
