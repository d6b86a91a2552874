"""A damaged index: named as damaged everywhere, never a traceback, a 500 or a dead server.

Faults are real: bytes of a built index's files are cut off or overwritten on disk, and
the real engine, Flask app, command line and waitress server read them.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from search.engine import Engine, SearchRequest
from search.errors import IndexDamagedError
from search.index.build import reindex, update
from search.index.stats import index_stats
from search.index.store import current_path, damage

ROOT = Path(__file__).resolve().parents[2]
REINDEX = "`python manage.py reindex`"


@pytest.fixture()
def index_copy(session_index: Path, tmp_path: Path) -> Path:
    """A private copy of the session index, free to damage."""
    root = tmp_path / "index"
    shutil.copytree(session_index, root, symlinks=True)
    return root


def whoosh_file(root: Path, suffix: str) -> Path:
    """The first of the current build's files ending in ``suffix``."""
    build = current_path(root)
    assert build is not None
    return sorted(p for p in build.iterdir() if p.name.endswith(suffix))[0]


def cut_short(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def zeros(path: Path) -> None:
    """4 KB of zeros a quarter of the way in: same size, other bytes."""
    data = bytearray(path.read_bytes())
    start = len(data) // 4
    end = min(len(data), start + 4096)
    data[start:end] = bytes(end - start)
    path.write_bytes(bytes(data))


# Each of Whoosh's kinds of file and the build's own: its columns, what it holds of the
# corpus, its description.
FILES = [".toc", ".trm", ".pst", "._stored.col", ".sortkey.col", "._body_len.col",
         "columns.npz", "corpus.json", "kirinuki.json"]


@pytest.mark.parametrize("suffix", FILES)
def test_a_file_cut_short_is_named_on_search_stats_and_record(index_copy, suffix):
    path = whoosh_file(index_copy, suffix)
    cut_short(path)
    with Engine(index_copy) as engine:
        for _ in range(2):  # the verdict is kept: the second request says the same
            with pytest.raises(IndexDamagedError) as caught:
                engine.search(SearchRequest(q="米国"))
            assert str(caught.value).endswith(f"run {REINDEX} to build it again")
            assert path.name in str(caught.value)
        with pytest.raises(IndexDamagedError):
            engine.record("2503-021012")
    with pytest.raises(IndexDamagedError, match=path.name.replace(".", r"\.")):
        index_stats(index_copy)


@pytest.mark.parametrize("suffix", FILES)
def test_overwritten_bytes_are_found_by_stats_and_mended_by_update(index_copy, suffix):
    path = whoosh_file(index_copy, suffix)
    zeros(path)
    if suffix == "kirinuki.json":
        message = "kirinuki.json cannot be read"
    else:
        message = f"{path.name} has changed since it was written"
    if suffix == "kirinuki.json":
        with pytest.raises(IndexDamagedError, match=message):
            damage(current_path(index_copy))
    else:
        assert damage(current_path(index_copy)) == message
    with pytest.raises(IndexDamagedError) as caught:
        index_stats(index_copy)
    assert caught.value.problem.startswith(message)

    stats = update(index_copy)  # the corpus did not change, but the index it builds on did
    assert stats.mode == "rebuild"
    assert stats.notes == [f"the index was damaged ({caught.value.problem}): rebuilt in full"]
    assert damage(current_path(index_copy)) is None
    assert index_stats(index_copy).documents == 384


def test_overwritten_postings_answer_as_damaged_not_as_a_bug(index_copy):
    """Zeros in the middle of a frequent word's posting list (米国 in the texts), where a
    block's framing or data stands: the search fails to decode it → damaged."""
    pst = whoosh_file(index_copy, ".pst")
    ix = whoosh_index.open_dir(str(current_path(index_copy)))
    with ix.reader() as reader:
        leaf = next(r for r, _ in reader.leaf_readers() if ("body", "米国") in r)
        offset, length = leaf.term_info("body", "米国").extent()
    length = length[0] if isinstance(length, tuple) else length
    assert length > 128  # a list long enough to damage inside (239 bytes)
    data = bytearray(pst.read_bytes())
    middle = offset + length // 2
    data[middle - 32:middle + 32] = bytes(64)
    pst.write_bytes(bytes(data))
    with Engine(index_copy) as engine:
        failures = 0
        for q in ("米国", "防衛 協力", "日本", "訓練", "中国", "首脳会談", "共同訓練", "NATO"):
            try:
                engine.search(SearchRequest(q=q))
            except IndexDamagedError as exc:
                failures += 1
                assert "has changed since it was written" in str(exc)
        assert failures >= 1
        with pytest.raises(IndexDamagedError, match="has changed since it was written"):
            engine.search(SearchRequest(q="米国"))


def test_a_bug_is_not_blamed_on_an_intact_index(index_copy):
    """Errors damaged files raise are also what bugs raise: with intact files, the bug stays."""
    with Engine(index_copy) as engine:
        with pytest.raises(KeyError, match="not the index's fault"), engine.serving.use():
            raise KeyError("not the index's fault")
        assert engine.search(SearchRequest(q="米国")).total > 0


def test_update_of_an_unchanged_corpus_checks_every_byte(index_copy):
    assert update(index_copy).mode == "unchanged"
    zeros(whoosh_file(index_copy, ".trm"))
    assert update(index_copy).mode == "rebuild"
    assert update(index_copy).mode == "unchanged"


def test_the_api_and_page_answer_503_naming_reindex(index_copy):
    from web import create_app

    cut_short(whoosh_file(index_copy, ".pst"))
    app = create_app({"INDEX_DIR": str(index_copy), "TESTING": True})
    try:
        client = app.test_client()
        api = client.get("/api/search?q=米国")
        assert api.status_code == 503
        assert api.get_json() == {"error": "索引のファイルが壊れているため検索できません。"
                                           "`python manage.py reindex` を実行して索引を作り直して"
                                           "ください。"}
        page = client.get("/?q=米国")
        assert page.status_code == 503
        body = page.get_data(as_text=True)
        assert "索引が壊れています" in body and "python manage.py reindex" in body
        assert "Traceback" not in body
    finally:
        app.extensions["kirinuki.engine"].close()


def run(*args: str, index: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", *args, "--index", str(index)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("command", [["stats"], ["search", "米国"]])
def test_the_command_line_says_damaged_without_a_traceback(index_copy, command):
    cut_short(whoosh_file(index_copy, ".trm"))
    done = run(*command, index=index_copy)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith(f"error: the index in {index_copy} is damaged (")
    assert f"run {REINDEX} to build it again" in done.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_the_server_survives_a_file_cut_short_under_it_and_serves_the_next_build(index_copy):
    """A file of the live index cut short: 503s, the process lives, a reindex brings it back."""
    port = _free_port()
    env = {**os.environ, "KIRINUKI_INDEX": str(index_copy)}
    server = subprocess.Popen([sys.executable, "manage.py", "serve", "--port", str(port)],
                              cwd=ROOT, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                status, body = _get(f"{base}/api/search?q=%E7%B1%B3%E5%9B%BD")
                break
            except OSError:
                time.sleep(0.1)
        assert status == 200 and body["total"] > 0

        for suffix in (".pst", "._stored.col", ".trm"):
            cut_short(whoosh_file(index_copy, suffix))
        for q in ("米国", "防衛", "訓練", "日本", ""):
            status, body = _get(f"{base}/api/search?q={urllib.parse.quote(q)}")
            assert status == 503, (q, body)
            assert "python manage.py reindex" in body["error"]
        assert server.poll() is None  # alive

        assert run("reindex", index=index_copy).returncode == 0
        status, body = _get(f"{base}/api/search?q=%E7%B1%B3%E5%9B%BD")
        assert status == 200 and body["total"] > 0
    finally:
        server.terminate()
        _, err = server.communicate(timeout=30)
    assert "Traceback" not in err


def test_a_fresh_build_verifies(tmp_path):
    stats = reindex(tmp_path / "ix")
    assert damage(Path(stats.path)) is None
    meta = json.loads((Path(stats.path) / "kirinuki.json").read_text(encoding="utf-8"))
    files = {p.name for p in Path(stats.path).iterdir()} - {"kirinuki.json", "MAIN_WRITELOCK"}
    assert set(meta["checksums"]) == files


def _random_bytes(path: Path) -> None:
    """Same size, other bytes: 4 KB of (seeded) random ones a quarter of the way in."""
    data = bytearray(path.read_bytes())
    start = len(data) // 4
    end = min(len(data), start + 4096)
    data[start:end] = random.Random(path.suffix).randbytes(end - start)
    path.write_bytes(bytes(data))


# Whoosh leaves a file open when its reader raises on a damaged table of contents (in the
# warm-up thread here); the file is closed by the garbage collector, with a warning.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.parametrize("suffix", [s for s in FILES if s != "kirinuki.json"])
def test_damage_under_a_running_server_is_answered_503_within_the_check(index_copy, suffix):
    """Bytes overwritten in place raise nothing and gave wrong answers with status 200:
    the server's own check of the served files finds them (here every 0.2 s)."""
    from web import create_app

    app = create_app({"INDEX_DIR": str(index_copy), "TESTING": True,
                      "DAMAGE_CHECK_SECONDS": 0.2})
    try:
        client = app.test_client()
        assert client.get("/api/search?q=米国").status_code == 200  # opened and served
        _random_bytes(whoosh_file(index_copy, suffix))
        deadline = time.monotonic() + 20
        while client.get("/api/search?q=米国").status_code == 200 and time.monotonic() < deadline:
            time.sleep(0.1)
        for path in ("/api/search?q=米国", "/?q=防衛", "/records/2409-082209",
                     "/api/records/2409-082209", "/export.csv?q=NATO"):
            assert client.get(path).status_code == 503, path
    finally:
        app.extensions["kirinuki.engine"].close()


def test_a_posting_file_cut_short_under_a_running_server_is_503_on_record_pages(
        index_copy, monkeypatch):
    from search.engine import opened
    from web import create_app

    # the sizes are looked at once a second; here at every request
    monkeypatch.setattr(opened, "SIZE_CHECK_SECONDS", 0.0)

    app = create_app({"INDEX_DIR": str(index_copy), "TESTING": True,
                      "DAMAGE_CHECK_SECONDS": 0})  # the read errors alone must tell
    try:
        client = app.test_client()
        assert client.get("/records/2409-082209").status_code == 200
        cut_short(whoosh_file(index_copy, ".pst"))
        for path in ("/records/2409-082209", "/api/records/2409-082209", "/?q=防衛"):
            assert client.get(path).status_code == 503, path
    finally:
        app.extensions["kirinuki.engine"].close()
