"""Shared fixtures: one real on-disk index of the bundled corpus per test session.

Building the index takes a couple of seconds, so the web, API and browser tests share it;
tests that change an index build their own in ``tmp_path``.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# the browser tests' fixtures (server, browser)
pytest_plugins = ["tests.chromium"]

# Property tests draw the same examples on every run and machine (derandomize), so CI
# cannot fail by chance and a failure repeats; no example database is written. The
# "thorough" profile draws ten times more: HYPOTHESIS_PROFILE=thorough pytest ….
_QUIET = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
settings.register_profile("kirinuki", derandomize=True, database=None, deadline=None,
                          max_examples=100, suppress_health_check=_QUIET)
settings.register_profile("thorough", settings.get_profile("kirinuki"), max_examples=1000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "kirinuki"))


@pytest.fixture(scope="session")
def session_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of the bundled corpus, built once; treat it as read-only."""
    from search.index.build import reindex

    root = tmp_path_factory.mktemp("session-index")
    reindex(root)
    return root


@pytest.fixture(scope="module")
def engine(session_index: Path):
    """An engine over the session index, one per test module (a module that needs its own
    index defines its own ``engine``)."""
    from search.engine import Engine

    eng = Engine(session_index)
    yield eng
    eng.close()


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


@contextmanager
def served(app, threads: int, **options) -> Iterator[str]:
    """``app`` on waitress through web.server.make_server, as ``manage.py serve`` runs it, in
    a thread on a free port (``options``: make_server's timeouts and limits); yields its base
    URL."""
    from waitress import wasyncore

    from web.server import make_server

    srv = make_server(app, host="127.0.0.1", port=0, threads=threads, ident="kirinuki-test",
                      **options)
    loop = threading.Thread(target=srv.run, name="waitress", daemon=True)
    loop.start()
    try:
        yield srv.url
    finally:
        # srv.close() from this thread closes the sockets under the loop's select(): EBADF
        # kills the loop and leaves a channel's socket unclosed. The loop closes them itself
        # instead (a trigger's thunk runs in its thread), and ends when none is left.
        srv.trigger.pull_trigger(lambda: wasyncore.close_all(srv._map))
        loop.join(timeout=10)
        srv.task_dispatcher.shutdown()
    assert not loop.is_alive(), "the server's loop did not end"


@pytest.fixture(scope="session")
def serve_app():
    """``with serve_app(app, threads=N) as base_url:`` — the real server, started and stopped."""
    return served
