"""Many readers at once, an index swapped under them, and queries built to be expensive.

Before search/engine/opened.py lent each request a searcher of its own, 4–8 concurrent clients got
500s (UnpicklingError, EOFError, IndexError) from ordinary searches, a ``reindex`` raised
ReaderClosed under running requests, and a few queries within the 1000-character limit
held a server thread for minutes. These tests drive the real server (waitress, 8 threads)
with 8 clients while the index is rebuilt twice, and send the expensive queries through the
app with a generous deadline for the thread, not for the answer: the time each query took
is printed (``pytest -s``), never asserted.
"""

from __future__ import annotations

import gc
import json
import logging
import os
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest

CLIENTS = 8
MIN_REQUESTS = 40  # each client sends at least this many requests…
MAX_REQUESTS = 250  # …and keeps on until both swaps are done, never more than this
REQUEST_TIMEOUT = 60  # seconds, per request: a hang fails the request, not the suite
JOIN_TIMEOUT = 120  # seconds, per thread
SEARCH_KEYS = {"query", "understood", "messages", "corrected", "total", "complete", "page",
               "page_size", "pages", "sort", "results", "related", "related_offered", "facets",
               "suggestions", "elapsed_ms", "match_all"}
RECORD_KEYS = {"record", "title_html", "summary_html", "url", "related", "citations",
               "citation_files"}

# Valid requests only, so every answer must be a 200: words, a phrase (both quotes), OR,
# NOT, facets, dates, sorting, a second page, the empty query, a misspelling (its
# suggestions build the spelling corrector of each newly opened index, under load).
SEARCHES: list[dict[str, str]] = [
    {"q": "米国 豪州"},
    {"q": "防衛"},
    {"q": '"防衛協力"'},
    {"q": "「日米同盟」"},
    {"q": "防衛", "country": "フィリピン"},
    {},
    {"q": ""},
    {"q": "防衛", "page": "2"},
    {"q": "米国", "sort": "newest"},
    {"sort": "oldest", "page": "2"},
    {"q": "NATO OR 北大西洋"},
    {"q": "防衛 -中国"},
    {"q": "ミサイレ"},
    {"from": "2025-01-01", "to": "2025-03-31"},
    {"q": "防衛", "country": "フィリピン", "sort": "newest"},
]
RECORD_IDS_FROM = {"q": "防衛"}  # the first search; its hits give the record pages
RECORD_QUERY = "防衛"  # highlighted on the record pages


def search_path(params: dict[str, str]) -> str:
    return "/api/search" + ("?" + urlencode(params) if params else "")


def record_path(rid: str) -> str:
    return f"/api/records/{quote(rid, safe='')}?" + urlencode({"q": RECORD_QUERY})


def fetch(base: str, path: str) -> tuple[int, bytes]:
    """GET ``path``: (status, body). HTTP errors are answers too; their bodies are read."""
    try:
        with urllib.request.urlopen(base + path, timeout=REQUEST_TIMEOUT) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as err:
        with err:
            return err.code, err.read()


def digest(path: str, data: dict) -> tuple:
    """What must not change when the same corpus is indexed again."""
    if path.startswith("/api/records/"):
        return (data["record"], data["title_html"], data["summary_html"],
                [h["id"] for h in data["related"]])
    return (data["total"], data["pages"], [h["id"] for h in data["results"]],
            data["suggestions"])


def check(path: str, status: int, body: bytes) -> tuple[dict | None, str | None]:
    """The parsed answer, or what was wrong with it."""
    if status != 200:
        return None, f"{path}: HTTP {status}: {body[:300].decode('utf-8', 'replace')}"
    try:
        data = json.loads(body)
    except ValueError as exc:
        return None, f"{path}: not JSON ({exc}): {body[:300]!r}"
    keys = RECORD_KEYS if path.startswith("/api/records/") else SEARCH_KEYS
    if not isinstance(data, dict) or set(data) != keys:
        return None, f"{path}: keys {sorted(data) if isinstance(data, dict) else type(data)}"
    return data, None


class ServerErrors(logging.Handler):
    """The app's logged exceptions (a 500's traceback), to show in a failure."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.texts: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.texts.append(logging.Formatter().format(record))


def open_files_under(root: Path) -> list[str]:
    """Files under ``root`` this process holds open (Linux: /proc/self/fd)."""
    found = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue  # the fd of the listing itself, gone already
        if target.startswith(str(root)):
            found.append(target)
    return found


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs Linux's /proc")
def test_many_readers_while_the_index_is_swapped(tmp_path, serve_app):
    from search.index.build import reindex
    from web import create_app

    root = tmp_path / "index"
    first_build = reindex(root, procs=1).path
    app = create_app({"INDEX_DIR": str(root)})
    errors_logged = ServerErrors()
    logging.getLogger("web").addHandler(errors_logged)
    try:
        with serve_app(app, threads=CLIENTS) as base:
            run_readers_and_swaps(root, base, first_build, errors_logged)
    finally:
        app.extensions["kirinuki.engine"].close()
        logging.getLogger("web").removeHandler(errors_logged)
    gc.collect()  # an unclosed file is a ResourceWarning here, inside the test
    assert open_files_under(root) == []




def run_readers_and_swaps(root: Path, base: str, first_build: str,
                          errors_logged: ServerErrors) -> None:
    from search.index.build import reindex
    from search.index.store import current_path

    # Before any swap, one client alone: the expected answers.
    expected: dict[str, tuple] = {}
    status, body = fetch(base, search_path(RECORD_IDS_FROM))
    data, problem = check(search_path(RECORD_IDS_FROM), status, body)
    assert problem is None, problem
    rids = [h["id"] for h in data["results"][:3]]
    assert len(rids) == 3
    paths = [search_path(p) for p in SEARCHES] + [record_path(r) for r in rids]
    for path in paths:
        data, problem = check(path, *fetch(base, path))
        assert problem is None, problem
        expected[path] = digest(path, data)
    assert expected[search_path({})][0] == expected[search_path({"q": ""})][0] > 0

    # 8 clients, each through the mix from its own starting point, while the main thread
    # rebuilds the index twice. Each client has sent one request before the first build
    # starts, and goes on (bounded) until both swaps are done.
    started = threading.Barrier(CLIENTS + 1, timeout=JOIN_TIMEOUT)
    swapped = threading.Event()
    problems: list[str] = []
    sent = [0] * CLIENTS
    after_swaps = [0] * CLIENTS
    mismatches: list[str] = []

    def client(n: int) -> None:
        try:
            for i in range(MAX_REQUESTS):
                if i >= MIN_REQUESTS and swapped.is_set() and after_swaps[n] >= len(paths):
                    break
                done = swapped.is_set()
                path = paths[(n * 5 + i) % len(paths)]
                try:
                    status, body = fetch(base, path)
                except Exception as exc:  # a refused or reset connection, a timeout
                    problems.append(f"client {n}, request {i}, {path}: {exc!r}")
                    status, body = 0, b""
                sent[n] += 1
                after_swaps[n] += done
                if status:
                    data, problem = check(path, status, body)
                    if problem:
                        problems.append(f"client {n}, request {i}: {problem}")
                    elif digest(path, data) != expected[path]:
                        mismatches.append(f"client {n}, request {i}, {path}: "
                                          f"{digest(path, data)[:2]} != {expected[path][:2]}")
                if i == 0:
                    started.wait()
        except Exception as exc:  # nothing may escape the thread unseen
            problems.append(f"client {n} stopped: {exc!r}")
            started.abort()

    threads = [threading.Thread(target=client, args=(n,), name=f"client-{n}")
               for n in range(CLIENTS)]
    for t in threads:
        t.start()
    try:
        started.wait()
        builds = [reindex(root, procs=1).path for _ in range(2)]  # swaps `current` twice
    finally:
        swapped.set()
        for t in threads:
            t.join(timeout=JOIN_TIMEOUT)
    assert not [t.name for t in threads if t.is_alive()], "a client never finished"
    print(f"\nrequests per client: {sent}; after both swaps: {after_swaps}")

    assert problems == [], "\n".join(problems[:20] + errors_logged.texts[:3])
    assert errors_logged.texts == []
    assert mismatches == [], "\n".join(mismatches[:20])
    assert all(MIN_REQUESTS <= s <= MAX_REQUESTS for s in sent)
    assert len({first_build, *builds}) == 3
    assert current_path(root) == Path(builds[-1])

    # The newest build answers the same; the two before it are closed, their files let
    # go (each was retired when `current` moved and closed by its last request).
    for path in paths:
        data, problem = check(path, *fetch(base, path))
        assert problem is None, problem
        assert digest(path, data) == expected[path], path
    held = open_files_under(root)
    assert held, "the serving index holds its files open"
    assert all(f.startswith(builds[-1] + os.sep) for f in held), held


# -- queries built to be expensive --------------------------------------------------------

KATAKANA = ("アイウエオカキクケコサシスセソタチツテトナニヌネノ"
            "ハヒフヘホマミムメモヤユヨラリルレロワン")


def made_up_katakana(count: int, length: int) -> list[str]:
    """``count`` distinct katakana strings of ``length`` characters, always the same ones."""
    words = []
    k = len(KATAKANA)
    for n in range(count):
        m = n * 7919 + 104_729  # a fixed walk through the combinations
        words.append("".join(KATAKANA[(m // k ** j) % k] for j in range(length)))
    assert len(set(words)) == count
    return words


def misspellings(count: int, longest: int = 6) -> list[str]:
    """``count`` distinct misspellings (one letter dropped or two swapped) of real words."""
    bases = ["defense", "missile", "alliance", "security", "military", "nuclear", "treaty",
             "summit", "patrol", "sanction", "budget", "radar", "drone", "strait", "island",
             "border", "cabinet", "pacific", "navy", "army", "coast", "guard", "export",
             "japan", "china", "korea", "russia", "taiwan", "europe", "ukraine"]
    found: list[str] = []
    for base in bases:
        variants = [base[:i] + base[i + 1:] for i in range(1, len(base))]
        variants += [base[:i] + base[i + 1] + base[i] + base[i + 2:]
                     for i in range(1, len(base) - 1)]
        for v in variants:
            if len(v) <= longest and v != base and v not in bases and v not in found:
                found.append(v)
    assert len(found) >= count
    return found[:count]


# Brackets and negations nested past query.MAX_DEPTH are searched as plain words: the
# parser and the matcher recurse per level, and 1000 levels would exceed Python's limit.
COSTLY = [
    pytest.param("の" * 1000, id="no-x1000"),
    pytest.param("防衛協力" * 250, id="boueikyouryoku-x250"),
    pytest.param("米国 " * 333, id="beikoku-space-x333"),
    pytest.param(" OR ".join(misspellings(100)), id="100-misspelt-OR"),
    pytest.param(" OR ".join(misspellings(20)), id="20-misspelt-OR"),
    pytest.param(" OR ".join(made_up_katakana(300, 4)), id="300-katakana-OR"),  # > 1000 chars
    pytest.param(" OR ".join(made_up_katakana(142, 3)), id="142-katakana-OR-fits"),
    pytest.param(" | ".join(made_up_katakana(166, 3)), id="166-katakana-bar-fits"),
    pytest.param('"' + " ".join(made_up_katakana(40, 3)) + '"', id="phrase-40-words"),
    pytest.param('"' + " ".join(["防衛"] * 40) + '"', id="phrase-40-same-word"),
    pytest.param("(" * 1000, id="open-bracket-x1000"),
    pytest.param("(" * 400 + "米国" + ")" * 400, id="nested-brackets-x400"),
    pytest.param("-" * 950 + "米国", id="leading-minus-x950"),
    pytest.param("-" * 990 + "米国", id="leading-minus-x990"),
]


@pytest.mark.parametrize("q", COSTLY)
def test_expensive_queries_are_answered_and_free_the_thread(client, q):
    answer: dict = {}

    def ask() -> None:
        try:
            started = time.perf_counter()
            r = client.get("/api/search", query_string={"q": q})
            answer.update(status=r.status_code, body=r.get_json(silent=True),
                          seconds=time.perf_counter() - started)
        except BaseException as exc:  # shown below rather than lost with the thread
            answer["raised"] = exc

    worker = threading.Thread(target=ask, name="costly-query", daemon=True)
    worker.start()
    worker.join(timeout=60)  # a deadline for a hang, far above any honest answer
    assert not worker.is_alive(), f"the query ({len(q)} characters) held the thread for 60 s"
    assert "raised" not in answer, repr(answer.get("raised"))
    body = answer["body"]
    shown = body.get("error") if isinstance(body, dict) and "error" in body else (
        f"{body['total']} hits" if isinstance(body, dict) and "total" in body else body)
    print(f"\n{len(q)} chars → HTTP {answer['status']} in {answer['seconds'] * 1000:.0f} ms: "
          f"{shown}")
    assert answer["status"] in (200, 400), answer
    assert isinstance(body, dict)
    assert ("error" in body) if answer["status"] == 400 else ("results" in body)
