"""Writing records into a fresh index (search/index/workers.py): the shards, the
collector, and the records committed in order, by one process or by forked workers."""

from __future__ import annotations

import gc
import json
import signal
import subprocess
import sys
import textwrap
from dataclasses import replace
from pathlib import Path

import pytest
from whoosh import index as whoosh_index
from whoosh.query import Term

from search.index import workers
from search.index.build import _document
from search.index.schema import build_schema, stored
from tests.unit.smallindex import record


def test_paused_collector_restores_what_it_found():
    assert gc.isenabled()
    with workers.paused_collector():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with workers.paused_collector():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()
    with pytest.raises(KeyError), workers.paused_collector():
        raise KeyError("x")
    assert gc.isenabled()


def fresh(code: str) -> str:
    """What ``code`` prints in a new interpreter: the forking tests need a process with one
    thread, and the whole suite's process keeps others (a session's index watcher)."""
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=root,
                          capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_usable_procs():
    assert workers.usable_procs(0) == 1
    assert workers.usable_procs(1) == 1
    assert fresh("""
        import threading
        from search.index import workers
        alone = workers.usable_procs(3)
        stop = threading.Event()
        other = threading.Thread(target=stop.wait)
        other.start()
        with_another = workers.usable_procs(3)  # a second thread: no fork
        stop.set()
        print(alone, with_another)
    """) == "3 1"


def test_a_records_weight_is_its_texts_length_and_400():
    assert workers.weight(record("w", title="t" * 3, body="b" * 5)) == 408
    assert workers.weight(record("w", title="", body="", notes=("x" * 800, "y"))) == 1201


def shards(sizes: list[int], parts: int) -> list[list[int]]:
    return [list(r) for r in workers.split(sizes, parts)]


def test_split_into_contiguous_shards_of_about_equal_work():
    sizes = [400, 400, 400, 1600, 400, 400, 400, 400]  # 4400 in all
    assert shards(sizes, 2) == [[0, 1, 2, 3], [4, 5, 6, 7]]
    # a record goes to the next shard when its middle passes the shard's share
    # (1466.7, 2933.3): the fourth's middle is at 2000, the fifth's at 3000
    assert shards(sizes, 3) == [[0, 1, 2], [3], [4, 5, 6, 7]]
    assert shards([400] * 9, 3) == [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
    assert shards(sizes, 1) == [list(range(8))]
    assert shards(sizes, 0) == [list(range(8))]
    assert shards([400], 4) == [[0]]  # no empty shard
    assert workers.split([], 3) == []
    assert shards([400, 400, 400, 1600, 400], 2) == [[0, 1, 2], [3, 4]]  # 3200 in all
    # a middle exactly on the share stays (1 + 2/2 = 2 of 4): only past it is the next shard
    assert shards([1, 2, 1], 2) == [[0, 1], [2]]
    # never a shard before the first record, however heavy it is
    assert shards([5000, 1, 1], 3) == [[0], [1], [2]]


def test_listed_records_are_read_by_range():
    recs = records(4)
    listed = workers.Listed(recs)
    assert len(listed) == 4
    assert listed.sizes() == [workers.weight(r) for r in recs]
    assert list(listed.records(1, 3)) == recs[1:3]
    assert list(listed.records()) == recs


def records(n: int) -> list:
    return [record(f"w{i:02d}", f"2025-01-{1 + i:02d}", "米国の空母", f"豪州と演習{i}。")
            for i in range(n)]


def written(ix) -> list[str]:
    with ix.searcher() as searcher:
        return [stored(searcher.stored_fields(d))["id"] for d in range(searcher.doc_count_all())]


def test_one_process_writes_the_records_in_order_and_annotates_them(tmp_path):
    ix = whoosh_index.create_in(str(tmp_path), build_schema())
    recs = records(5)
    for r in recs:
        r.facets = {}
    seen = []
    workers.write_records(ix, recs, _document, lambda n, total: seen.append((n, total)))
    assert written(ix) == [r.id for r in recs]
    assert seen == [(n, 5) for n in range(1, 6)]
    assert recs[0].facets["country"] == ["米国", "オーストラリア"]
    with ix.reader() as reader:
        assert len(list(reader.leaf_readers())) == 1


def test_forked_workers_write_one_segment_each_committed_in_order(tmp_path):
    out = fresh(f"""
        import json
        from whoosh import index as whoosh_index
        from search.index import workers
        from search.index.build import _document
        from search.index.schema import build_schema, stored
        from tests.unit.test_workers import records

        ix = whoosh_index.create_in({str(tmp_path)!r}, build_schema())
        recs = records(6)
        seen = []
        workers.write_records(ix, recs, _document, lambda n, total: seen.append((n, total)),
                              procs=2)
        searcher = ix.searcher()
        ids = [stored(searcher.stored_fields(d))["id"]
               for d in range(searcher.doc_count_all())]
        with ix.reader() as reader:
            leaves = [leaf.doc_count_all() for leaf, _ in reader.leaf_readers()]
        print(json.dumps([ids == [r.id for r in recs], leaves,
                          all(stored(searcher.stored_fields(d))["countries"]
                              == "米国,オーストラリア" for d in range(6)),
                          seen[-1], all(total == 6 for _, total in seen)]))
    """)
    assert json.loads(out) == [True, [3, 3], True, [6, 6], True]


def test_forked_progress_counts_the_records_done_and_nothing_else(tmp_path):
    """Every record's tick (TICK 0): the parent's sums go 1, 2, … 6 whichever worker sends."""
    out = fresh(f"""
        import json
        from whoosh import index as whoosh_index
        from search.index import workers
        from search.index.build import _document
        from search.index.schema import build_schema
        from tests.unit.test_workers import records

        workers.TICK = 0.0
        ix = whoosh_index.create_in({str(tmp_path)!r}, build_schema())
        seen = []
        workers.write_records(ix, records(6), _document, lambda n, total: seen.append(n),
                              procs=2)
        print(json.dumps(seen))
    """)
    assert json.loads(out) == [1, 2, 3, 4, 5, 6]


def test_a_worker_silent_for_seconds_is_waited_for(tmp_path):
    """A record that takes 2.6 s (more than the parent's waits of 0.5 and 2 s): the parent
    sees a live worker, waits on, and gets every record."""
    out = fresh(f"""
        import json, time
        from whoosh import index as whoosh_index
        from search.index import workers
        from search.index.build import _document
        from search.index.schema import build_schema, stored
        from tests.unit.test_workers import records

        def slow(rec):
            if rec.id == "w04":
                time.sleep(2.6)
            return _document(rec)

        ix = whoosh_index.create_in({str(tmp_path)!r}, build_schema())
        workers.write_records(ix, records(6), slow, procs=2)
        searcher = ix.searcher()
        print(json.dumps([stored(searcher.stored_fields(d))["id"]
                          for d in range(searcher.doc_count_all())]))
    """)
    assert json.loads(out) == [r.id for r in records(6)]


def test_no_worker_is_left_behind_after_an_error(tmp_path):
    """A worker's error raised in the parent: every worker has been waited for (no zombie
    left to the parent, no process still running)."""
    out = fresh(f"""
        import json, os
        from whoosh import index as whoosh_index
        from search.index import workers
        from search.index.schema import build_schema
        from tests.unit.test_workers import failing, records

        ix = whoosh_index.create_in({str(tmp_path)!r}, build_schema())
        try:
            workers.write_records(ix, records(6), failing, procs=2)
        except ValueError as exc:
            print(json.dumps(str(exc)))
        try:
            print(json.dumps(os.waitpid(-1, os.WNOHANG)))
        except ChildProcessError:
            print(json.dumps("no children"))
    """)
    assert [json.loads(line) for line in out.splitlines()] == ["record w04 is bad",
                                                               "no children"]


def test_workers_that_sent_their_segments_end_on_their_own(tmp_path):
    """The build goes on once every worker sent its segments, without waiting for them to
    end: they end by themselves, none still running a moment later."""
    out = fresh(f"""
        import json, multiprocessing, time
        from whoosh import index as whoosh_index
        from search.index import workers
        from search.index.build import _document
        from tests.unit.test_workers import records, written

        from search.index.schema import build_schema
        ix = whoosh_index.create_in({str(tmp_path)!r}, build_schema())
        workers.write_records(ix, records(6), _document, procs=2)
        print(json.dumps(written(ix)))
        deadline = time.monotonic() + 30
        while multiprocessing.active_children() and time.monotonic() < deadline:
            time.sleep(0.05)
        print(json.dumps(len(multiprocessing.active_children())))
    """)
    assert [json.loads(line) for line in out.splitlines()] == [[r.id for r in records(6)], 0]


def failing(rec):
    if rec.id == "w04":
        raise ValueError("record w04 is bad")
    return _document(rec)


def test_a_workers_error_is_raised_in_the_parent(tmp_path):
    ix = whoosh_index.create_in(str(tmp_path), build_schema())
    with pytest.raises(ValueError, match="^record w04 is bad$"):
        workers.write_records(ix, records(6), failing, procs=2)
    with pytest.raises(ValueError, match="^record w04 is bad$"):
        workers.write_records(ix, records(6), failing)
    assert ix.doc_count_all() == 0


def test_a_file_changed_under_a_forked_worker_reaches_the_parent_whole(tmp_path):
    out = fresh(f"""
        import json
        from pathlib import Path
        from whoosh import index as whoosh_index
        from search.corpus.loading import scan_corpus
        from search.errors import CorpusChanged
        from search.index import workers
        from search.index.build import _document
        from search.index.prescan import content
        from search.index.schema import build_schema
        from tests.unit.smallindex import archive
        import search.corpus.loading

        search.corpus.loading.HOLD_RECORDS_BYTES = 0  # read again, as a large corpus is
        folder = Path({str(tmp_path)!r})
        (folder / "corpus").mkdir()
        (folder / "ix").mkdir()
        for name, day in (("a.txt", 1), ("b.txt", 2)):
            (folder / "corpus" / name).write_text(archive(
                [(f"2501-01{{day:02d}}0{{n}}", f"2025.01.{{day:02d}}", "共同通信", "題",
                  "米国の空母。") for n in range(1, 4)]), encoding="utf-8")
        scan = scan_corpus(folder / "corpus", content, workers.weight)
        (folder / "corpus" / "b.txt").write_text("変わった", encoding="utf-8")
        ix = whoosh_index.create_in(str(folder / "ix"), build_schema())
        try:
            workers.write_records(ix, scan, _document, procs=2)
        except CorpusChanged as exc:
            print(json.dumps([str(exc), exc.file, ix.doc_count_all()]))
    """)
    assert json.loads(out) == [
        "b.txt changed while the index was being built from it: run the build again when "
        "nothing is writing to the corpus", "b.txt", 0]


def test_a_cancel_that_fails_too_does_not_hide_the_first_error(tmp_path, monkeypatch):
    real = workers.cancel_segment
    cancelled = []

    def failing_cancel(writer):
        real(writer)
        cancelled.append(writer)
        raise Exception("This file is already closed")  # as a forked worker's once did

    monkeypatch.setattr(workers, "cancel_segment", failing_cancel)
    ix = whoosh_index.create_in(str(tmp_path), build_schema())
    with pytest.raises(ValueError, match="^record w04 is bad$"):
        workers.write_records(ix, records(6), failing)
    assert len(cancelled) == 1


def test_a_worker_that_fails_leaves_the_others_files_alone(tmp_path):
    """The build's writers share a temporary folder (their column files are made there):
    a worker giving up its segment must not remove it under another still writing, whose
    segment then failed (FileNotFoundError) in place of the first error. Both writers
    here are in one process, as two forked workers are on one folder."""
    ix = whoosh_index.create_in(str(tmp_path), build_schema())
    other = workers.worker_writer(ix, ())
    for rec in records(3):
        other.add_document(**_document(rec))
    with pytest.raises(ValueError, match="^record w04 is bad$"):
        workers._write_shard(ix, 1, workers.Listed(records(6)), range(6), failing, None)
    segment = workers.finish_segment(other)
    assert segment.doc_count_all() == 3
    assert (tmp_path / f"{ix.indexname}.tmp").is_dir()


def leaves(ix) -> list[int]:
    with ix.reader() as reader:
        return [leaf.doc_count_all() for leaf, _ in reader.leaf_readers()]


def test_a_memory_budget_writes_a_shard_as_several_segments_in_order(tmp_path, monkeypatch):
    """Past its budget a writer's segment is written and another started: the records stay
    in order, every one once, and a word finds the same records as in one segment."""
    monkeypatch.setattr(workers, "CHECK_EVERY", 2)
    (tmp_path / "one").mkdir()
    (tmp_path / "several").mkdir()
    one = whoosh_index.create_in(str(tmp_path / "one"), build_schema())
    several = whoosh_index.create_in(str(tmp_path / "several"), build_schema())
    workers.write_records(one, records(5), _document, memory=None)
    workers.write_records(several, records(5), _document, memory=1)
    assert leaves(one) == [5] and leaves(several) == [2, 2, 1]
    assert written(several) == written(one) == [r.id for r in records(5)]
    every = [r.id for r in records(5)]
    for field, word, ids in (("title", "空母", every), ("body", "演習", every),
                             ("body", "3", ["w03"])):
        with one.searcher() as a, several.searcher() as b:
            found = [sorted(stored(s.stored_fields(d))["id"]
                            for d in s.search(Term(field, word), limit=None).docs())
                     for s in (a, b)]
        assert found[0] == found[1] == ids, word
    # a budget passed exactly at the last record: no empty segment after it
    (tmp_path / "four").mkdir()
    four = whoosh_index.create_in(str(tmp_path / "four"), build_schema())
    workers.write_records(four, records(4), _document, memory=1)
    assert leaves(four) == [2, 2]
    # a budget of exactly what two records hold is not passed: only more than it is
    from search.corpus.annotate import annotate
    from search.index.schema import new_writer
    probe = new_writer(whoosh_index.create_in(str(tmp_path / "four"), build_schema(),
                                              indexname="probe"))
    for rec in records(2):
        annotate(rec)  # as the build does: the countries found are postings too
        probe.add_document(**_document(rec))
    held = probe.held_bytes()
    probe.cancel()
    (tmp_path / "exact").mkdir()
    exact = whoosh_index.create_in(str(tmp_path / "exact"), build_schema())
    workers.write_records(exact, records(5), _document, memory=held)
    assert leaves(exact) == [4, 1]
    # a budget no shard reaches: one segment
    big = whoosh_index.create_in(str(tmp_path), build_schema())
    workers.write_records(big, records(5), _document, memory=1 << 30)
    assert leaves(big) == [5]


def test_a_writer_knows_what_its_postings_hold(tmp_path):
    """The estimate the budget is checked against counts every term and posting held."""
    from search.index.codec.write import POSTING_BYTES, TERM_BYTES
    from search.index.schema import new_writer

    ix = whoosh_index.create_in(str(tmp_path), build_schema())
    writer = new_writer(ix)
    assert writer.held_bytes() == 0
    for rec in records(3):
        writer.add_document(**_document(rec))
        pool = writer.pool
        terms = sum(len(t) for t in (*pool.texts.values(), *pool.fields.values()))
        postings = sum(len(p.docs) for t in (*pool.texts.values(), *pool.fields.values())
                       for p in t.values())
        assert writer.held_bytes() == TERM_BYTES * terms + POSTING_BYTES * postings > 0
    writer.cancel()


def test_forked_workers_keep_to_the_budget_too(tmp_path):
    out = fresh(f"""
        import json
        from whoosh import index as whoosh_index
        from search.index import workers
        from search.index.build import _document
        from search.index.schema import build_schema, stored
        from tests.unit.test_workers import records

        workers.CHECK_EVERY = 2
        ix = whoosh_index.create_in({str(tmp_path)!r}, build_schema())
        recs = records(6)
        workers.write_records(ix, recs, _document, procs=2, memory=2)
        with ix.searcher() as searcher:
            ids = [stored(searcher.stored_fields(d))["id"]
                   for d in range(searcher.doc_count_all())]
        with ix.reader() as reader:
            leaves = [leaf.doc_count_all() for leaf, _ in reader.leaf_readers()]
        print(json.dumps([ids == [r.id for r in recs], leaves]))
    """)
    assert json.loads(out) == [True, [2, 1, 2, 1]]


def served(folder: Path, recs: list, to_document=_document, budget: int | None = None) -> list:
    """What a worker sends for ``recs`` (into a new index in ``folder``), its work done in
    this process: every message up to the result or the error."""
    import multiprocessing

    folder.mkdir()
    messages = multiprocessing.get_context("fork").Queue()
    ix = whoosh_index.create_in(str(folder), build_schema())
    workers._serve(ix, 7, workers.Listed(recs), range(len(recs)), to_document, messages,
                   budget)
    found = []
    while True:
        found.append(messages.get(timeout=10))
        if found[-1][0] != "tick":
            return found


def test_a_worker_sends_its_progress_then_its_segments(tmp_path, monkeypatch):
    """Progress every TICK seconds and at the last record, then the shard (its number, its
    segments in order); an error is sent as the error, or as a
    RuntimeError naming it when it cannot be pickled."""
    monkeypatch.setattr(workers, "TICK", 0.0)  # every record is a TICK apart
    recs = records(5)
    found = served(tmp_path / "a", recs)
    assert [m[:3] if m[0] == "tick" else m[:2] for m in found] == [
        *(("tick", 7, n) for n in range(1, 6)), ("done", 7)]
    shard = found[-1][2]
    assert shard.number == 7 and len(shard.segments) == 1
    monkeypatch.setattr(workers, "TICK", 1e12)  # none due: only the last record's
    assert [m[:3] for m in served(tmp_path / "b", recs)[:-1]] == [("tick", 7, 5)]
    # a TICK longer than the shard takes but shorter than the clock has run (half its
    # reading now): the first record's (a TICK since 0), then the last's
    monkeypatch.setattr(workers, "TICK", workers.time.monotonic() / 2)
    assert [m[:3] for m in served(tmp_path / "e", recs)[:-1]] == [("tick", 7, 1), ("tick", 7, 5)]
    # the budget is the worker's: past it, a segment every CHECK_EVERY records
    monkeypatch.setattr(workers, "CHECK_EVERY", 2)
    assert [len(s) for s in [served(tmp_path / "f", recs, budget=1)[-1][2].segments]] == [3]

    def unpicklable(rec):
        class Local(Exception):
            pass
        raise Local("not picklable")

    kind, number, error = served(tmp_path / "c", recs, unpicklable)[-1]
    assert (kind, number, type(error), str(error)) == (
        "error", 7, RuntimeError, "Local: not picklable")
    kind, number, error = served(tmp_path / "d", recs, failing)[-1]
    assert (kind, type(error), str(error)) == ("error", ValueError, "record w04 is bad")


def test_a_worker_asks_to_die_with_its_parent_and_leaves_if_it_is_already_gone():
    """_die_with in a forked child: the kernel is asked for SIGKILL at the parent's death
    (PR_GET_PDEATHSIG reads it back), and a child whose parent is not the one named (it
    died before the request could be made) leaves at once with exit code 1."""
    out = fresh("""
        import ctypes, json, os, signal
        from search.index import workers

        PR_GET_PDEATHSIG = 2
        codes = []
        for named in ("parent", "another"):
            pid = os.fork()
            if pid == 0:
                try:
                    workers._die_with(os.getppid() if named == "parent" else os.getppid() + 1)
                    got = ctypes.c_int(0)
                    ctypes.CDLL(None).prctl(PR_GET_PDEATHSIG, ctypes.byref(got), 0, 0, 0)
                    os._exit(100 + got.value)  # stayed: the signal asked for, as its code
                except BaseException:
                    os._exit(3)
            codes.append(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
        print(json.dumps(codes))
    """)
    assert json.loads(out) == [100 + signal.SIGKILL, 1]


# -- ordered_map: a corpus's files parsed in forked processes ---------------------------------

def pid_of(item: int) -> tuple[int, int]:
    import os
    return item * item, os.getpid()


def bad_at_five(item: int) -> int:
    if item == 5:
        raise ValueError("item 5 is bad")
    return item


def die_at_three(item: int) -> int:
    import os
    if item == 3:
        os._exit(9)  # as the kernel's OOM killer would leave it: no result, no exception
    return item


def test_ordered_map_in_one_process_is_map():
    assert list(workers.ordered_map(1)(pid_of, [1, 2, 3])) == [
        (1, workers.os.getpid()), (4, workers.os.getpid()), (9, workers.os.getpid())]
    assert list(workers.ordered_map(2)(pid_of, [7])) == [(49, workers.os.getpid())]  # 1 item
    assert list(workers.ordered_map(2)(pid_of, [])) == []


def test_ordered_map_over_processes_keeps_the_items_order_and_leaves_no_process():
    out = fresh("""
        import json, os
        from search.index import workers
        from tests.unit.test_workers import bad_at_five, die_at_three, pid_of

        got = list(workers.ordered_map(2)(pid_of, list(range(12))))
        squares = [g[0] for g in got]
        pids = {g[1] for g in got}
        # (which worker takes which item is the scheduler's: on a busy machine one of
        # the two may take them all, so only "no more than two, none the parent")
        print(json.dumps([squares, 1 <= len(pids) <= 2, os.getpid() in pids]))
        try:
            list(workers.ordered_map(2)(bad_at_five, list(range(12))))
        except ValueError as exc:
            print(json.dumps(str(exc)))
        try:
            list(workers.ordered_map(2)(die_at_three, list(range(12))))
        except workers.WorkerLost as exc:
            print(json.dumps(str(exc)))
        try:
            print(json.dumps(os.waitpid(-1, os.WNOHANG)))
        except ChildProcessError:
            print(json.dumps("no children"))
    """)
    assert [json.loads(line) for line in out.splitlines()] == [
        [[k * k for k in range(12)], True, False],
        "item 5 is bad",
        "a process reading the corpus stopped without finishing; run it again, or with "
        "--procs 1 to see the error",
        "no children"]


def test_the_bundled_corpus_read_by_two_processes_is_read_as_by_one():
    out = fresh("""
        import os
        from search.corpus import loading
        from search.index import workers

        alone = loading.load_corpus(annotate=False)
        loading.PARALLEL_PARSE_BYTES = 0
        seen = []

        def mapper(fn, jobs):
            seen.append(len(jobs))
            return workers.ordered_map(2)(fn, jobs)

        both = loading.load_corpus(annotate=False, mapper=mapper)
        print(both == alone, len(both.records), seen[0] == len(both.files) > 1,
              workers.usable_procs(2))  # so the files were read in two forked processes
    """)
    assert out == "True 384 True 2"


def _facets_as_read(ix, known):
    """The index's columns worked out with the facets the build gave and from postings."""
    from search.index.codec.read import PostingReader
    from search.index.columns import read_columns

    with ix.reader() as reader:
        postings = PostingReader(Path(ix.storage.folder), list(reader.leaf_readers()))
        try:
            given, read = (read_columns(reader, postings, known),
                           read_columns(reader, postings))
        finally:
            postings.close()
    return ({k: (c.values, c.docs.tolist(), c.codes.tolist()) for k, c in given.facets.items()},
            {k: (c.values, c.docs.tolist(), c.codes.tolist()) for k, c in read.facets.items()})


def test_the_facets_a_build_gives_are_the_ones_its_postings_hold(tmp_path, monkeypatch):
    """Each segment's facet values and documents, as the writer held them, give the columns
    reading every value's postings gives: one segment, several (a budget), records with
    several countries, none, and an outlet of their own."""
    monkeypatch.setattr(workers, "CHECK_EVERY", 2)
    recs = [record(f"f{i}", f"2025-02-{1 + i:02d}", "題",
                   ("米国と豪州の演習。", "演習。", "中国の演習。")[i % 3]
                   + ("国連の会合。" if i == 4 else ""),
                   source="朝日新聞" if i % 3 else "読売新聞")
            for i in range(7)]
    for name, memory in (("one", None), ("several", 1)):
        (tmp_path / name).mkdir()
        ix = whoosh_index.create_in(str(tmp_path / name), build_schema())
        for rec in recs:
            rec.facets = {}
        known = workers.write_records(ix, [replace(r) for r in recs], _document,
                                      memory=memory)
        assert len(known) == len(leaves(ix)) == (1 if memory is None else 4)
        given, read = _facets_as_read(ix, known)
        assert given == read, name
        assert read["country"][0] == ["オーストラリア", "中国", "米国"]
        assert given["country"][1] == [0, 3, 6, 2, 5, 0, 3, 6]  # by value, then document
        assert given["source"][0] == ["朝日新聞", "読売新聞"]
    with pytest.raises(ValueError, match="^facets of 1 segments for 4$"):
        _facets_as_read(ix, known[:1])


def test_forked_workers_give_each_segments_facets_in_the_indexs_order(tmp_path):
    out = fresh(f"""
        import json
        from whoosh import index as whoosh_index
        from search.index import workers
        from search.index.build import _document
        from search.index.schema import build_schema
        from tests.unit.test_workers import _facets_as_read, records

        ix = whoosh_index.create_in({str(tmp_path)!r}, build_schema())
        known = workers.write_records(ix, records(6), _document, procs=2)
        given, read = _facets_as_read(ix, known)
        print(json.dumps([len(known), given == read, read["country"][:2]]))
    """)
    assert json.loads(out) == [2, True, [["オーストラリア", "米国"],
                                         [0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 5]]]


def test_a_finished_build_reaps_the_workers_that_have_ended(tmp_path):
    """After a build, the workers that have ended are waited for (no zombie kept by a
    long-running process until its next build); reap waits for none still running."""
    out = fresh(f"""
        import json, os, time
        from search.index import workers
        from search.index.build import reindex

        reindex({str(tmp_path / "ix")!r}, procs=2)
        time.sleep(0.5)  # the workers end
        workers.reap()
        try:
            left = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            left = "no children"
        print(json.dumps(left))
        started = time.monotonic()
        pid = os.fork()
        if pid == 0:
            time.sleep(1)
            os._exit(0)
        workers.reap()  # not one of multiprocessing's: left alone, not waited for
        quick = time.monotonic() - started < 0.5
        os.waitpid(pid, 0)
        print(json.dumps(quick))
    """)
    assert [json.loads(line) for line in out.splitlines()] == ["no children", True]
