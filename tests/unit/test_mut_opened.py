"""The index a server serves (search/engine/opened.py), over real small indexes
(tests/unit/smallindex.py) served as ``current`` builds in tmp_path: the searcher pool, the
lines, the caches built once, the remembered もしかして, retiring and closing, the damage
checks (a byte overwritten, a file cut short) and the swap to a new build.
"""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path

import pytest
from whoosh import scoring

from search.engine import opened
from search.engine.opened import HELP_REMEMBERED, RECORD_CHARS_REMEMBERED, OpenIndex, Serving
from search.errors import IndexDamagedError, IndexMissingError, SearchError
from search.index import store
from search.index.schema import SCHEMA_VERSION, stored_record
from search.query.complete import Completer, word_keys
from search.query.readings import Readings
from search.query.suggest import Spelling
from tests.unit.smallindex import build, record

RECORDS = [record("a1", "2025-01-01", title="空母", body="空母が寄港した。"),
           record("a2", "2025-01-02", title="空母", body="空母と潜水艦の演習。")]


def serve(root: Path, name: str = "b1", records: list | None = None,
          files: dict | None = None) -> Path:
    """A build ``name`` of ``records`` under ``root``, pointed at by ``current``."""
    path = root / "builds" / name
    path.mkdir(parents=True)
    build(path, [records or RECORDS])
    meta = {"schema_version": SCHEMA_VERSION, "checksums": store.checksums(path)}
    if files is not None:
        (path / store.CORPUS_META).write_text(json.dumps({"records": {}, "files": files}),
                                              encoding="utf-8")
    (path / store.META).write_text(json.dumps(meta), encoding="utf-8")
    link = root / "current"
    if link.is_symlink():
        link.unlink()
    link.symlink_to(path.relative_to(root))
    return path.resolve()


def settled(serving: Serving) -> OpenIndex:
    """The index served, once its warm-up has ended: files changed under a warm-up that is
    still opening searchers leave Whoosh's file objects unclosed (ResourceWarning)."""
    with serving.use() as ix:
        pass
    ix.warming.join()
    return ix


def open_index(path: Path) -> OpenIndex:
    return OpenIndex(path, store.open_current(path.parent.parent))


def biggest(path: Path) -> Path:
    """The build's largest file (a segment's postings or stored fields)."""
    return max((p for p in path.iterdir() if p.name != store.META), key=lambda p: p.stat().st_size)


def overwrite_a_byte(path: Path) -> str:
    """Change one byte of the biggest file in place, its size kept; its name."""
    target = biggest(path)
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0xFF
    target.write_bytes(bytes(data))
    return target.name


# -- OpenIndex ---------------------------------------------------------------------------


def test_line_reads_the_meta_once(tmp_path: Path) -> None:
    path = serve(tmp_path, files={"a.txt": {"ids": ["a1", "a2", "a3"], "lines": [3, 9]},
                                  "b.txt": {"ids": ["a1"], "lines": [1]},
                                  "c.txt": {"warnings": 2}, "d.txt": {"ids": ["a1"]},
                                  "e.txt": {"lines": [4]}})
    ix = open_index(path)
    try:
        assert (ix.line("a.txt", "a1"), ix.line("a.txt", "a2"), ix.line("b.txt", "a1")) == (
            3, 9, 1)
        assert ix.line("a.txt", "a3") == 0  # no line said for it
        assert ix.line("b.txt", "a2") == 0 and ix.line("c.txt", "a1") == 0
        assert ix.line("d.txt", "a1") == 0 and ix.line("e.txt", "a1") == 0
        assert ix.line("f.txt", "a1") == 0
        (path / store.CORPUS_META).write_text(json.dumps({"records": {}, "files": {}}),
                                              encoding="utf-8")
        assert ix.line("a.txt", "a2") == 9  # read once
    finally:
        ix.retire()


def test_line_of_a_build_without_its_corpus_meta_says_the_index_is_damaged(
        tmp_path: Path) -> None:
    path = serve(tmp_path)
    ix = open_index(path)
    try:
        with pytest.raises(IndexDamagedError) as raised:
            ix.line("a.txt", "a1")
        assert raised.value.problem == (
            f"corpus.json cannot be read: [Errno 2] No such file or directory: "
            f"'{path / 'corpus.json'}'")
    finally:
        ix.retire()


def test_the_pool_lends_each_searcher_to_one_user_at_a_time(tmp_path: Path) -> None:
    ix = open_index(serve(tmp_path))
    with ix.searcher() as first, ix.searcher() as second:
        assert first is not second
        assert first.doc_count() == 2 and second.doc_count() == 2
    with ix.searcher() as again:
        assert again is first  # the last given back
    with ix.searcher() as again:
        assert again is first
    ix.enter()
    ix.retire()  # in use: still open
    with ix.searcher() as lent:
        assert not lent.is_closed and lent.document_number(id="a2") == 1
    ix.leave()  # the last user gone: closed, idle searchers with it
    assert first.is_closed and second.is_closed
    with ix.searcher() as late:  # lent after the close: closed when given back
        pass
    assert late.is_closed and late is not first
    ix.retire()  # closing twice is harmless
    ix.leave()


def test_an_index_retired_by_its_last_user_closes_once(tmp_path: Path) -> None:
    ix = open_index(serve(tmp_path))
    ix.enter()
    ix.enter()
    ix.retire()
    ix.leave()
    with ix.searcher() as s:
        assert not s.is_closed  # one user left
    ix.leave()
    assert s.is_closed
    unretired = open_index(tmp_path / "builds" / "b1")
    unretired.enter()
    unretired.leave()  # not retired: stays open, its searchers pooled
    with unretired.searcher() as s2:
        pass
    assert not s2.is_closed
    with unretired.searcher() as s3:
        assert s3 is s2
    unretired.retire()
    assert s2.is_closed


def test_the_tables_are_built_once(tmp_path: Path) -> None:
    ix = open_index(serve(tmp_path))
    try:
        spelling = ix.spelling()
        assert [type(s) for s in spelling] == [Spelling, Spelling] and ix.spelling() is spelling
        words = ix.words()
        assert {w: words[w] for w in ("空母", "潜水艦")} == {"空母": 2, "潜水艦": 1}
        assert ix.words() is words
        completer = ix.completer()
        assert isinstance(completer, Completer) and ix.completer() is completer
        assert [c.value for c in completer.complete("空").completions] == ["空母"]
        assert ix._keys is not None  # kept for the readings
        readings = ix.readings()
        assert isinstance(readings, Readings) and ix.readings() is readings
        assert ix._keys is None  # both built: forgotten
        assert ix._word_keys("空母") == word_keys("空母")
    finally:
        ix.retire()


def test_each_table_looks_its_words_up_through_the_shared_memory(tmp_path: Path) -> None:
    """The completer and the readings look each word up once between them."""
    ix = open_index(serve(tmp_path))
    try:
        ix.completer()
        assert ix._keys is not None and ix._keys["空母"] == ["空母", "クウボ"]
    finally:
        ix.retire()
    ix = open_index(tmp_path / "builds" / "b1")
    try:
        ix.readings()
        assert ix._keys is not None and ix._keys["空母"] == ["空母", "クウボ"]
    finally:
        ix.retire()


def test_searchers_weigh_by_bm25f(tmp_path: Path) -> None:
    ix = open_index(serve(tmp_path))
    try:
        with ix.searcher() as first:
            assert isinstance(first.weighting, scoring.BM25F)
        with ix.searcher() as one, ix.searcher() as another:  # one made on demand
            assert isinstance(another.weighting, scoring.BM25F) and one is first
    finally:
        ix.retire()


def test_word_keys_are_remembered_until_both_tables_are_built(tmp_path: Path) -> None:
    ix = open_index(serve(tmp_path))
    try:
        keys = ix._word_keys("防衛")
        assert keys == ["防衛", "ボウエイ"] and ix._word_keys("防衛") is keys
        ix.readings()
        assert ix._keys is not None and ix._word_keys("防衛") is keys
        ix.completer()
        assert ix._keys is None and ix._word_keys("防衛") is not keys
    finally:
        ix.retire()


def test_warm_builds_every_table_and_survives_a_failure(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    ix = open_index(serve(tmp_path))
    try:
        def broken() -> list:
            raise RuntimeError("no spelling")

        monkeypatch.setattr(ix, "spelling", broken)
        ix.warm()
        assert ix._completer is not None and ix._readings is not None
        assert ix._spelling is None
    finally:
        ix.retire()
    retired = open_index(tmp_path / "builds" / "b1")
    retired.retire()
    retired.warm()  # retired: nothing built
    assert (retired._spelling, retired._completer, retired._readings) == (None, None, None)


def test_the_warm_up_builds_each_part_in_a_pause_between_requests(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each part waits for QUIET_SECONDS in which no request used the build: a request in
    flight, or one that came and went during the wait, makes it wait again."""
    ix = open_index(serve(tmp_path))
    built, pauses = [], []
    for name in ("facet_documents", "spelling", "completer", "readings"):
        monkeypatch.setattr(ix, name, lambda name=name: built.append(name))
    # the pauses, as the warm-up sees them: a request in flight through the first two, one
    # that comes and goes during the third, none in the fourth; then none
    script = iter(["in flight", "in flight", "came and went", "none"])

    def pause(seconds: float) -> None:
        pauses.append((seconds, list(built)))
        step = next(script, "none")
        if step == "in flight" and ix._users == 0:
            ix.enter()
        elif step == "came and went":
            ix.leave()  # the request in flight ends
            ix.enter()  # and another comes and goes
            ix.leave()

    monkeypatch.setattr(opened.time, "sleep", pause)
    try:
        ix.warm()
        assert built == ["facet_documents", "spelling", "completer", "readings"]
        assert [seconds for seconds, _ in pauses] == [opened.QUIET_SECONDS] * 7
        # four pauses before the first part (a request in flight at its start, in flight
        # throughout, one that came and went, quiet), then one quiet pause before each other
        assert [len(done) for _, done in pauses] == [0, 0, 0, 0, 1, 2, 3]
    finally:
        ix.retire()


def test_the_warm_up_waits_for_a_pause_no_longer_than_its_patience(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ix = open_index(serve(tmp_path))
    built, pauses = [], []
    monkeypatch.setattr(ix, "facet_documents", lambda: built.append("facets"))
    for name in ("spelling", "completer", "readings"):
        monkeypatch.setattr(ix, name, lambda: None)
    monkeypatch.setattr(opened, "PATIENCE_SECONDS", 0.0)
    monkeypatch.setattr(opened.time, "sleep", pauses.append)
    ix.enter()  # a request in flight throughout
    try:
        ix.warm()
        assert built == ["facets"] and len(pauses) == 4  # one pause a part, then built
    finally:
        ix.leave()
        ix.retire()


def test_a_retired_build_stops_waiting_for_a_pause(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    ix = open_index(serve(tmp_path))
    built = []
    monkeypatch.setattr(ix, "facet_documents", lambda: built.append("facets"))
    ix.enter()  # a request that never ends

    def pause(seconds: float) -> None:
        ix.retire()  # the build is replaced while the warm-up waits

    monkeypatch.setattr(opened.time, "sleep", pause)
    ix.warm()
    assert built == []
    ix.leave()


def test_the_warming_thread_is_named_and_a_daemon(tmp_path: Path) -> None:
    ix = open_index(serve(tmp_path))
    try:
        assert ix.warming.name == "kirinuki-warm" and ix.warming.daemon
        ix.warming.start()
        ix.warming.join()
        assert ix._spelling is not None and ix._completer is not None
    finally:
        ix.retire()


def test_help_is_found_once_per_text(tmp_path: Path) -> None:
    ix = open_index(serve(tmp_path))
    calls: list[str] = []

    def find(text: str):
        def found() -> list[str]:
            calls.append(text)
            return [text + "!"]
        return found

    try:
        first = ix.help_for("くうぼ", find("くうぼ"))
        assert first == ["くうぼ!"]
        first.append("changed")  # a copy: the memory keeps its own
        assert ix.help_for("くうぼ", find("くうぼ")) == ["くうぼ!"]
        assert ix.help_for("ほか", find("ほか")) == ["ほか!"]
        assert calls == ["くうぼ", "ほか"]
        assert ix.help_for("なし", lambda: []) == [] and ix.help_for("なし", find("x")) == []
        for n in range(HELP_REMEMBERED):
            ix.help_for(f"語{n}", find(f"語{n}"))
        calls.clear()
        ix.help_for("くうぼ", find("くうぼ"))  # the oldest forgotten
        assert calls == ["くうぼ"] and HELP_REMEMBERED == 256
    finally:
        ix.retire()


def test_a_record_is_read_once_and_a_huge_one_is_not_kept(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch):
    huge = "長" * (RECORD_CHARS_REMEMBERED // 64)  # with its title, over a 64th of the memory
    ix = open_index(serve(tmp_path, records=[*RECORDS, record("h1", "2025-01-03",
                                                              title="大", body=huge)]))
    reads: list[int] = []
    monkeypatch.setattr(opened, "stored_record",
                        lambda searcher, doc: reads.append(doc) or stored_record(searcher, doc))
    try:
        with ix.searcher() as s:
            first = ix.record(s, 1)
            assert first == stored_record(s, 1) and first["id"] == "a2"
            assert ix.record(s, 1) is first and reads == [1]  # remembered
            assert ix.record(s, 2)["body"] == huge
            assert ix.record(s, 2)["body"] == huge and reads == [1, 2, 2]  # read each time
        assert RECORD_CHARS_REMEMBERED == 4_000_000
        assert opened._record_chars({"id": "a1", "body": "空母", "n": 3}) == 64 + 4
    finally:
        ix.retire()


def test_diagnose_checks_the_files_and_trusts_an_intact_verdict_a_while(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = serve(tmp_path)
    ix = open_index(path)
    try:
        assert ix.diagnose(KeyError("x")) is None  # intact: the caller re-raises
        name = overwrite_a_byte(path)
        assert ix.diagnose(KeyError("x")) is None  # trusted for TRUSTED_SECONDS
        monkeypatch.setattr(opened, "TRUSTED_SECONDS", -1.0)
        cause = KeyError("x")
        with pytest.raises(IndexDamagedError) as raised:
            ix.diagnose(cause)
        assert raised.value.root == tmp_path
        assert raised.value.problem == f"{name} has changed since it was written"
        assert raised.value.__cause__ is cause
        monkeypatch.setattr(opened, "TRUSTED_SECONDS", 10.0)
        with pytest.raises(IndexDamagedError):  # a damaged verdict is kept
            ix.diagnose(ValueError())
        assert opened.TRUSTED_SECONDS == 10.0
    finally:
        ix.retire()


def test_an_intact_verdict_is_checked_again_after_ten_seconds(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = serve(tmp_path)
    ix = open_index(path)
    clock = [1000.0]
    monkeypatch.setattr(opened.time, "monotonic", lambda: clock[0])
    try:
        assert ix.diagnose(KeyError()) is None
        overwrite_a_byte(path)
        clock[0] += 10.0
        assert ix.diagnose(KeyError()) is None  # 10 s: still trusted
        clock[0] += 0.001
        with pytest.raises(IndexDamagedError):
            ix.diagnose(KeyError())
    finally:
        ix.retire()


# -- Serving -----------------------------------------------------------------------------


def test_no_index_is_said(tmp_path: Path) -> None:
    serving = Serving(tmp_path / "none", None)
    with pytest.raises(IndexMissingError) as raised, serving.use():
        pass
    assert str(raised.value) == (f"no index in {tmp_path / 'none'}: run "
                                 "`python manage.py reindex`")
    assert serving.root == tmp_path / "none"


def test_one_open_index_serves_until_current_moves(tmp_path: Path) -> None:
    serve(tmp_path, "b1")
    serving = Serving(tmp_path, None)
    try:
        with serving.use() as first:
            assert first.path == tmp_path / "builds" / "b1"
        with serving.use() as again:
            assert again is first
        # a request still reading the old build when current moves
        with serving.use() as held, held.searcher() as old_searcher:
            serve(tmp_path, "b2", [record("c1", "2025-02-01", title="大使")])
            with serving.use() as fresh, fresh.searcher() as s:
                assert fresh is not held and fresh.path == tmp_path / "builds" / "b2"
                assert s.document_number(id="c1") == 0
            assert old_searcher.document_number(id="a2") == 1  # not closed under it
        assert old_searcher.is_closed  # closed when its last request ended
    finally:
        serving.close()


def test_close_retires_the_index_and_waits_for_the_warm_up(tmp_path: Path) -> None:
    serve(tmp_path)
    serving = Serving(tmp_path, None)
    with serving.use() as ix, ix.searcher() as s:
        pass
    serving.close()
    # the warm-up joined (it stops early, as the index is retired first)
    assert s.is_closed and not ix.warming.is_alive()
    serving.close()  # twice: nothing left to close


def test_a_damaged_build_at_opening_is_refused_from_then_on(tmp_path: Path) -> None:
    path = serve(tmp_path)
    target = biggest(path)
    whole = target.read_bytes()
    target.write_bytes(whole[:-10])  # cut short
    serving = Serving(tmp_path, None)
    try:
        for _ in range(2):
            with pytest.raises(IndexDamagedError) as raised, serving.use():
                pass
            assert raised.value.problem.startswith(f"{target.name} has ")
            assert raised.value.root == tmp_path
        assert serving._open is None
        target.write_bytes(whole)  # mended by hand: still refused, a reindex makes a new one
        with pytest.raises(IndexDamagedError), serving.use():
            pass
    finally:
        serving.close()


def test_a_posting_file_found_damaged_while_opening_is_refused_from_then_on(
        tmp_path: Path) -> None:
    """Whoosh opens the build, kirinuki's posting reader finds garbage: the checksums
    are compared, and the build is refused from then on, even mended."""
    path = serve(tmp_path)
    target = next(p for p in path.iterdir() if p.suffix == ".pst")
    whole = target.read_bytes()
    target.write_bytes(bytes(b ^ 0xFF for b in whole))
    serving = Serving(tmp_path, None)
    try:
        with pytest.raises(IndexDamagedError) as raised, serving.use():
            pass
        assert raised.value.problem == f"{target.name} has changed since it was written"
        assert raised.value.root == tmp_path
        assert type(raised.value.__cause__).__name__ == "DamagedIndexError"
        target.write_bytes(whole)
        with pytest.raises(IndexDamagedError) as again, serving.use():
            pass
        assert again.value.problem == raised.value.problem
    finally:
        serving.close()


def test_a_request_error_is_not_damage(tmp_path: Path) -> None:
    serve(tmp_path)
    serving = Serving(tmp_path, None)
    try:
        with pytest.raises(SearchError), serving.use():
            raise SearchError("bad query")
        with pytest.raises(KeyError), serving.use():  # intact files: a bug, re-raised
            raise KeyError("bug")
        with serving.use() as ix:  # still served
            assert ix._users == 1
        assert ix._users == 0
    finally:
        serving.close()


def test_a_read_error_on_damaged_files_answers_damaged_from_then_on(
        tmp_path: Path) -> None:
    path = serve(tmp_path)
    serving = Serving(tmp_path, None)
    try:
        settled(serving)
        name = overwrite_a_byte(path)
        with pytest.raises(IndexDamagedError) as raised, serving.use():
            raise EOFError("garbage")
        assert raised.value.problem == f"{name} has changed since it was written"
        assert isinstance(raised.value.__cause__, EOFError)
        with pytest.raises(IndexDamagedError) as again, serving.use():
            pass
        assert again.value.problem == raised.value.problem and again.value.root == tmp_path
    finally:
        serving.close()


def test_a_search_error_is_passed_on_even_with_damaged_files(tmp_path: Path) -> None:
    path = serve(tmp_path)
    serving = Serving(tmp_path, None)
    try:
        settled(serving)
        overwrite_a_byte(path)
        with pytest.raises(SearchError), serving.use():
            raise SearchError("bad query")
        with serving.use():  # no check was made
            pass
    finally:
        serving.close()


def test_a_file_cut_short_is_found_by_the_next_request_after_a_second(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    path = serve(tmp_path)
    clock = [5000.0]
    monkeypatch.setattr(opened.time, "monotonic", lambda: clock[0])
    serving = Serving(tmp_path, None)
    try:
        settled(serving)
        target = biggest(path)
        size = target.stat().st_size
        target.write_bytes(target.read_bytes()[:-1])
        clock[0] += 0.999
        with serving.use():  # looked at less than a second ago
            pass
        clock[0] += 0.001
        with (caplog.at_level(logging.ERROR, logger="search.engine.opened"),
              pytest.raises(IndexDamagedError) as raised, serving.use()):
            pass
        problem = f"{target.name} has {size - 1} bytes, not the {size} written"
        assert raised.value.problem == problem and raised.value.root == tmp_path
        assert caplog.messages == [
            f"the index {path} is damaged ({problem}): answering 503 until a reindex"]
        clock[0] += 5
        with pytest.raises(IndexDamagedError), serving.use():
            pass
    finally:
        serving.close()


def test_the_sizes_are_read_from_the_checksums_read_once(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    path = serve(tmp_path)
    monkeypatch.setattr(opened, "SIZE_CHECK_SECONDS", 0.0)
    serving = Serving(tmp_path, None)
    try:
        settled(serving)
        (path / store.META).write_text(json.dumps({"schema_version": SCHEMA_VERSION}),
                                       encoding="utf-8")
        target = biggest(path)
        target.write_bytes(target.read_bytes() + b"x")
        with pytest.raises(IndexDamagedError), serving.use():  # the sizes read first
            pass
    finally:
        serving.close()


def test_an_unreadable_meta_is_damage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = serve(tmp_path)
    monkeypatch.setattr(opened, "SIZE_CHECK_SECONDS", 0.0)
    serving = Serving(tmp_path, None)
    try:
        ix = settled(serving)
        serving._sums = None  # as if a new build were served
        (path / store.META).write_text("{not json", encoding="utf-8")
        with pytest.raises(IndexDamagedError) as raised, serving.use():
            pass
        assert raised.value.problem.startswith(f"{store.META} cannot be read: ")
        assert opened._damage(path).startswith(f"{store.META} cannot be read: ")
        assert ix is not None
    finally:
        serving.close()


def test_the_watcher_finds_a_changed_byte(tmp_path: Path) -> None:
    path = serve(tmp_path)
    serving = Serving(tmp_path, 0.02)
    try:
        settled(serving)
        watcher = serving._watcher
        assert watcher is not None and watcher.name == "kirinuki-watch" and watcher.daemon
        name = overwrite_a_byte(path)
        deadline = time.monotonic() + 5
        while serving._broken is None and time.monotonic() < deadline:
            time.sleep(0.01)
        with pytest.raises(IndexDamagedError) as raised, serving.use():
            pass
        assert raised.value.problem == f"{name} has changed since it was written"
    finally:
        serving.close()
    assert not watcher.is_alive() and serving._watcher is None


def test_no_watcher_without_watch_seconds(tmp_path: Path) -> None:
    serve(tmp_path)
    serving = Serving(tmp_path, None)
    try:
        with serving.use():
            pass
        assert serving._watcher is None
    finally:
        serving.close()
    assert Serving(tmp_path)._watch_seconds == opened.DAMAGE_CHECK_SECONDS == 60.0


def test_damage_is_none_for_intact_files(tmp_path: Path) -> None:
    path = serve(tmp_path)
    assert opened._damage(path) is None
    assert opened._damage(path, full=False, expected={}) is None


def test_the_size_check_reads_no_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A byte changed in place, its size kept, passes the check a request makes (the
    watcher compares the bytes)."""
    path = serve(tmp_path)
    monkeypatch.setattr(opened, "SIZE_CHECK_SECONDS", 0.0)
    serving = Serving(tmp_path, None)
    try:
        settled(serving)
        overwrite_a_byte(path)
        with serving.use():
            pass
        assert serving._broken is None
    finally:
        serving.close()


def test_the_watcher_outlives_a_build_refused_and_says_so_once(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Nothing served (the build refused at opening): it waits on; a build found damaged
    is marked once, not again at every round."""
    path = serve(tmp_path)
    target = biggest(path)
    whole = target.read_bytes()
    target.write_bytes(whole[:-10])
    serving = Serving(tmp_path, 0.01)
    try:
        with pytest.raises(IndexDamagedError), serving.use():
            pass
        watcher = serving._watcher
        time.sleep(0.1)
        assert watcher is not None and watcher.is_alive()
        target.write_bytes(whole)
        serve(tmp_path, "b2")
        settled(serving)
        with caplog.at_level(logging.ERROR, logger="search.engine.opened"):
            overwrite_a_byte(tmp_path / "builds" / "b2")
            deadline = time.monotonic() + 5
            while not caplog.messages and time.monotonic() < deadline:
                time.sleep(0.01)
            time.sleep(0.2)  # twenty rounds more
        assert len(caplog.messages) == 1 and "b2 is damaged" in caplog.messages[0]
        assert watcher.is_alive()
    finally:
        serving.close()
