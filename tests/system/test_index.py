"""Reindex, update and stats on a real on-disk index of the bundled corpus."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

import manage
from search import errors
from search.config import DEFAULT_CORPUS
from search.corpus import loading
from search.corpus.loading import load_corpus
from search.engine import Engine, SearchRequest
from search.errors import CorpusError, IndexLockedError
from search.index import build as indexer
from search.index import measures, store
from search.index.build import reindex, update
from search.index.codec.read import PostingReader
from search.index.columns import COLUMNS_FILE, load_columns, read_columns
from search.index.schema import stored
from search.index.stats import index_stats
from search.index.store import corpus_meta_of, current_path, lock

QUERIES = ["防衛装備品", "イタリア 空母", "NATO", "サイバー防衛", "country:フィリピン",
           "date:2018", ""]


@pytest.fixture()
def corpus_copy(tmp_path):
    folder = tmp_path / "corpus"
    shutil.copytree(DEFAULT_CORPUS, folder)
    return folder


def stored_docs(root) -> dict[str, dict]:
    with whoosh_index.open_dir(str(current_path(root))).searcher() as s:
        return {f["id"]: f for f in map(stored, s.all_stored_fields())}


def ranked(root, q: str) -> list[str]:
    engine = Engine(root)
    try:
        return [h.id for h in engine.search(SearchRequest(q=q, page_size=100)).results]
    finally:
        engine.close()


def test_reindex_and_stats(tmp_path, capsys):
    stats = reindex(tmp_path / "ix")
    assert (stats.mode, stats.records) == ("rebuild", 384)
    assert stats.size_bytes > 0 and stats.seconds > 0
    st = index_stats(tmp_path / "ix")
    assert st.documents == 384
    assert st.by_kind == {"clipping": 232, "passage": 151, "article": 1}
    assert st.by_collection == {"その他諸国": 164, "防衛白書 2025": 151, "欧州": 49,
                                "日米 2025": 39, "防衛省ニュース": 1}
    assert st.by_year["2025"] > 0 and sum(st.by_year.values()) == 384
    assert len(st.corpus_hash) == 64
    assert manage.main(["--index", str(tmp_path / "ix"), "stats"]) == 0
    out = capsys.readouterr().out
    assert "documents: 384" in out and "by outlet:" in out


def test_update_equals_a_full_rebuild(tmp_path, corpus_copy):
    root_a, root_b = tmp_path / "a", tmp_path / "b"
    reindex(root_a, corpus_copy)
    # one file changed, one added, one removed
    europe = corpus_copy / "clippings-other-europe.txt"
    europe.write_text(europe.read_text(encoding="utf-8").replace(
        "デンマークのフリースマスン駐日大使", "デンマークの駐日大使"), encoding="utf-8")
    (corpus_copy / "mod-news-2024-10-22-nato.txt").unlink()
    (corpus_copy / "extra.txt").write_text(
        "追加の報道\n\n2025.08.01\n 10:00\n共同通信\n\n(Yahoo)\n\n"
        "日比が新たな防衛協定 <2509-080101>\n 日比両政府が1日、新たな協定に署名した。\n",
        encoding="utf-8")
    old = current_path(root_a)
    stats = update(root_a, corpus_copy)
    assert (stats.mode, stats.added, stats.replaced, stats.removed) == ("update", 1, 1, 1)
    reindex(root_b, corpus_copy)
    # a reindex's columns, made from the facets its writers held: those its files give
    assert saved_columns_are_worked_out_ones(current_path(root_b)) == 384
    assert stored_docs(root_a) == stored_docs(root_b)
    for q in QUERIES + ["日比"]:
        assert ranked(root_a, q) == ranked(root_b, q), q
    # the update saved its own columns (not the old build's, linked), of its documents
    new = current_path(root_a)
    assert (new / COLUMNS_FILE).stat().st_ino != (old / COLUMNS_FILE).stat().st_ino
    assert saved_columns_are_worked_out_ones(new) == 384 - 1 + 1  # one added, one removed
    assert update(root_a, corpus_copy).mode == "unchanged"


def saved_columns_are_worked_out_ones(build) -> int:
    """Assert the columns saved with ``build`` are those its files give; its live count."""
    ix = whoosh_index.open_dir(str(build))
    with ix.searcher() as searcher:
        postings = PostingReader(build, list(searcher.reader().leaf_readers()))
        try:
            fresh = read_columns(searcher.reader(), postings)
        finally:
            postings.close()
    saved = load_columns(build, fresh.size)
    assert saved is not None
    for name in ("live", "rank", "day"):
        assert getattr(saved, name).tolist() == getattr(fresh, name).tolist(), name
    assert {k: v.tolist() for k, v in saved.lengths.items()} == \
        {k: v.tolist() for k, v in fresh.lengths.items()}
    assert saved.avg_length == fresh.avg_length
    assert {k: (c.values, c.docs.tolist(), c.codes.tolist()) for k, c in saved.facets.items()} \
        == {k: (c.values, c.docs.tolist(), c.codes.tolist()) for k, c in fresh.facets.items()}
    return int(saved.live.sum())


def test_failed_build_leaves_the_old_index(tmp_path, monkeypatch):
    root = tmp_path / "ix"
    reindex(root)
    before = current_path(root)
    calls = {"n": 0}
    real = indexer._document

    def failing(rec):
        calls["n"] += 1
        if calls["n"] == 100:
            raise OSError(28, "No space left on device")
        return real(rec)

    monkeypatch.setattr(indexer, "_document", failing)
    with pytest.raises(errors.IndexProblem, match="disk is full"):
        reindex(root)
    assert current_path(root) == before
    assert not list((root / "builds").glob("*.partial"))
    assert not (root / ".lock").exists()
    assert len(ranked(root, "NATO")) > 0

    def interrupt(done, total):
        if done == 50:
            raise KeyboardInterrupt
    monkeypatch.setattr(indexer, "_document", real)
    with pytest.raises(KeyboardInterrupt):
        reindex(root, progress=interrupt)
    assert current_path(root) == before
    assert not list((root / "builds").glob("*.partial"))


def test_lock(tmp_path):
    root = tmp_path / "ix"
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\nfrom pathlib import Path\n"
         "from search.index.store import lock\nwith lock(Path(sys.argv[1])):\n"
         "    print('held', flush=True)\n    time.sleep(120)\n", str(root)],
        stdout=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parents[2])
    try:
        assert holder.stdout.readline() == "held\n"
        with pytest.raises(IndexLockedError, match=rf"another build \(process {holder.pid}\)"):
            reindex(root)
    finally:
        holder.kill()  # SIGKILL: no clean-up runs; the kernel releases the lock
        holder.wait()
        holder.stdout.close()
    assert (root / ".lock").exists()  # left behind, and no longer a lock
    # two builds in one process are refused too
    with lock(root), pytest.raises(IndexLockedError, match=rf"\(process {os.getpid()}\)"):
        reindex(root)
    assert reindex(root).records == 384
    assert not (root / ".lock").exists()


def test_meta_records_what_went_in(tmp_path):
    reindex(tmp_path / "ix")
    meta = json.loads((current_path(tmp_path / "ix") / "kirinuki.json").read_text())
    assert meta["record_count"] == 384
    assert len(corpus_meta_of(current_path(tmp_path / "ix"))["records"]) == 384
    assert "corpus/clippings-japan-us-2025.txt" in meta["inputs"]
    assert "data/outlets.toml" in meta["inputs"]


# -- building in worker processes ---------------------------------------------------------------

def facet_counts(root) -> dict:
    engine = Engine(root)
    try:
        result = engine.search(SearchRequest(q=""))
        return {name: [(v.value, v.count) for v in values]
                for name, values in result.facets.items()}
    finally:
        engine.close()


def test_two_workers_build_the_index_one_process_builds(tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    reindex(one, procs=1)
    stats = reindex(two, procs=2)
    assert stats.records == 384
    with whoosh_index.open_dir(str(current_path(two))).reader() as reader:
        assert len(reader.leaf_readers()) == 2  # really two segments, one per worker
    assert stored_docs(one) == stored_docs(two)
    for q in QUERIES + ["日米防衛相会談", "豪州 潜水艦"]:
        assert ranked(one, q) == ranked(two, q), q
    assert facet_counts(one) == facet_counts(two)
    meta_one = corpus_meta_of(current_path(one))
    meta_two = corpus_meta_of(current_path(two))
    assert meta_one["records"] == meta_two["records"]  # fingerprints include the countries


def test_a_build_held_to_a_small_memory_budget_answers_as_one_segment_does(tmp_path, capsys):
    """``reindex --memory``: the bundled corpus written as many segments, past a budget of
    1 MB, ranks, stores and counts exactly as one segment per process does."""
    one, many = tmp_path / "one", tmp_path / "many"
    reindex(one, procs=1, memory=None)
    assert manage.main(["--index", str(many), "reindex", "--procs", "1", "--memory", "1"]) == 0
    capsys.readouterr()
    with whoosh_index.open_dir(str(current_path(many))).reader() as reader:
        segments = [leaf.doc_count_all() for leaf, _ in reader.leaf_readers()]
    assert segments == [256, 128]  # looked at every CHECK_EVERY (256) records
    assert stored_docs(one) == stored_docs(many)
    for q in QUERIES + ["日米防衛相会談", "豪州 潜水艦", "ぼうえい", '"防衛装備品"']:
        assert ranked(one, q) == ranked(many, q), q
    assert facet_counts(one) == facet_counts(many)


def test_shards_are_contiguous_and_balanced():
    from search.corpus.loading import load_corpus
    from search.index.workers import split, weight

    records = load_corpus(annotate=False).records
    weights = [weight(r) for r in records]
    for parts in (1, 2, 3):
        shards = split(weights, parts)
        assert len(shards) == parts
        assert [n for s in shards for n in s] == list(range(len(records)))
        sizes = [sum(len(records[n].summary) + 400 for n in s) for s in shards]
        assert max(sizes) < 1.2 * min(sizes)
    assert split(weights[:1], 2) == [range(1)]


def test_workers_only_where_forking_is_safe():
    import threading

    from search.index.workers import usable_procs

    assert usable_procs(1) == 1
    assert usable_procs(2) == 2
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert usable_procs(2) == 1  # a thread running: no fork
    finally:
        stop.set()
        thread.join()


def test_a_worker_error_reaches_the_parent_and_the_old_index_stays(tmp_path, monkeypatch):
    root = tmp_path / "ix"
    reindex(root, procs=1)
    before = current_path(root)
    real = indexer._document

    def full_disk(rec):
        if rec.id == "whitepaper-2025#100":  # in the second shard
            raise OSError(28, "No space left on device")
        return real(rec)

    monkeypatch.setattr(indexer, "_document", full_disk)  # the forked workers inherit it
    with pytest.raises(errors.IndexProblem, match="disk is full"):
        reindex(root, procs=2)
    assert current_path(root) == before
    assert not list((root / "builds").glob("*.partial"))
    assert not (root / ".lock").exists()


def test_a_worker_that_dies_is_reported(tmp_path, monkeypatch):
    import os

    root = tmp_path / "ix"
    reindex(root, procs=1)
    before = current_path(root)
    parent = os.getpid()
    real = indexer._document

    def killed(rec):
        if os.getpid() != parent and rec.id == "whitepaper-2025#100":
            os._exit(9)  # as if the kernel had killed it: no message, no cleanup
        return real(rec)

    monkeypatch.setattr(indexer, "_document", killed)
    with pytest.raises(errors.IndexProblem) as raised:
        reindex(root, procs=2)
    assert re.fullmatch(
        r"an indexing process stopped without finishing \(exit codes \[(0|None), 9\]\); run "
        r"the build again, or with --procs 1 to see the error\. The previous index in "
        rf"{re.escape(str(root))} is still being served\.", str(raised.value)), raised.value
    assert current_path(root) == before
    assert not list((root / "builds").glob("*.partial"))
    assert len(ranked(root, "NATO")) > 0


def test_ctrl_c_during_a_parallel_build(tmp_path):
    root = tmp_path / "ix"
    reindex(root, procs=1)
    before = current_path(root)

    def interrupt(done, total):
        if done >= 50:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        reindex(root, progress=interrupt, procs=2)
    assert current_path(root) == before
    assert not list((root / "builds").glob("*.partial"))
    assert not (root / ".lock").exists()


def test_an_index_from_another_version_is_named_and_rebuilt(tmp_path):
    root = tmp_path / "ix"
    reindex(root)
    assert store.outdated(root) is None
    meta_path = current_path(root) / "kirinuki.json"
    meta = json.loads(meta_path.read_text())
    meta["schema_version"] = 1
    meta_path.write_text(json.dumps(meta))
    assert "another version" in store.outdated(root)
    with pytest.raises(errors.IndexOutdatedError, match="reindex"):
        store.open_current(root)
    stats = update(root)
    assert stats.mode == "rebuild" and "another version" in stats.notes[0]
    assert store.outdated(root) is None


def test_folder_options_before_or_after_the_command(tmp_path, capsys):
    root = tmp_path / "ix"
    assert manage.main(["reindex", "--index", str(root), "--procs", "1"]) == 0
    assert "rebuild: 384 records" in capsys.readouterr().out
    assert manage.main(["--index", str(root), "stats"]) == 0
    before = capsys.readouterr().out
    assert manage.main(["stats", "--index", str(root)]) == 0
    assert capsys.readouterr().out == before
    assert manage.main(["--index", str(tmp_path / "none"), "stats", "--index", str(root)]) == 0


def test_a_closed_pipe_is_not_an_error():
    """`manage.py export | head -1`: no traceback, exit status 0."""
    from search.config import ROOT

    export = subprocess.Popen([sys.executable, "manage.py", "export"], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert export.stdout is not None
    first = export.stdout.readline()
    export.stdout.close()  # the reader goes away, as head does
    _, err = export.communicate(timeout=60)
    assert first.startswith(b'{"id"')
    assert export.returncode == 0 and err == b""


def _segments(root) -> list[tuple[int, int]]:
    """(documents, deleted) of each segment of the served index."""
    ix = whoosh_index.open_dir(str(current_path(root)))
    return [(seg.doc_count_all(), seg.deleted_count()) for seg in ix._segments()]


def test_update_reads_only_changed_files_and_their_partners(tmp_path, corpus_copy):
    root_a, root_b = tmp_path / "a", tmp_path / "b"
    reindex(root_a, corpus_copy)
    # one article only: the other four files are not read
    nato = corpus_copy / "mod-news-2024-10-22-nato.txt"
    nato.write_text(nato.read_text(encoding="utf-8").replace(
        "NATO国防相会合", "NATO国防相会議", 1), encoding="utf-8")
    stats = update(root_a, corpus_copy)
    assert (stats.added, stats.replaced, stats.removed) == (0, 1, 0)
    assert stats.notes == ["read 1 of 5 files"]
    # a record both archives hold (1903-020404), changed in the one that is not its
    # first copy: that archive and its partner are read, and the first copy is kept
    europe = corpus_copy / "clippings-other-europe.txt"
    text = europe.read_text(encoding="utf-8")
    assert "<1903-020404>" in text
    europe.write_text(text.replace("デンマークのフリースマスン駐日大使", "デンマークの駐日大使"),
                      encoding="utf-8")
    stats = update(root_a, corpus_copy)
    # (the records the two share, unchanged in both, are passed over in both)
    assert stats.notes == ["read 2 of 5 files; 205 unchanged articles passed over"]
    reindex(root_b, corpus_copy)
    assert stored_docs(root_a) == stored_docs(root_b)
    assert corpus_meta_of(current_path(root_a)) == corpus_meta_of(current_path(root_b))


def test_update_shares_segment_files_and_merges_mostly_deleted_segments(tmp_path, corpus_copy):
    root = tmp_path / "ix"
    reindex(root, corpus_copy, procs=1)
    first = current_path(root)
    before = {p.name: p.stat().st_ino for p in first.iterdir() if p.suffix != ".json"}
    nato = corpus_copy / "mod-news-2024-10-22-nato.txt"
    nato.write_text(nato.read_text(encoding="utf-8").replace(
        "NATO国防相会合", "NATO国防相会議", 1), encoding="utf-8")
    update(root, corpus_copy)
    second = current_path(root)
    shared = {p.name for p in second.iterdir() if before.get(p.name) == p.stat().st_ino}
    assert any(name.endswith(".pst") for name in shared)  # linked, not copied
    assert _segments(root) == [(384, 1), (1, 0)]  # 1 of 384 deleted: kept as it is
    # delete most of the records: the big segment is rewritten without them
    japan_us = corpus_copy / "clippings-japan-us-2025.txt"
    japan_us.unlink()
    (corpus_copy / "clippings-other-countries.txt").unlink()
    stats = update(root, corpus_copy)
    assert stats.removed == 39 + 164 - 20  # the shared ones stay, from the europe archive
    # only the europe archive is read, for its copies; its own 29 clean articles passed over
    assert stats.notes == ["read 1 of 3 files; 29 unchanged articles passed over"]
    assert [deleted for _, deleted in _segments(root)] == [0] * len(_segments(root))
    assert sum(n for n, _ in _segments(root)) == 384 - stats.removed
    assert stored_docs(root).keys() == {r.id for r in load_corpus(corpus_copy).records}


def test_fingerprints_cover_every_field_the_corpus_gives():
    import dataclasses

    from search.corpus.records import Record

    derived = {"facets"}  # found by annotation
    moved = {"line"}  # kept per file in the meta: a clipping added above moves it
    later = {"collections"}  # added to by later files: hashed with the content at the end
    assert set(measures._CONTENT) == ({f.name for f in dataclasses.fields(Record)}
                                     - derived - moved - later)


def test_a_clipping_added_at_the_top_is_one_new_record(tmp_path, corpus_copy):
    root_a, root_b = tmp_path / "a", tmp_path / "b"
    reindex(root_a, corpus_copy)
    archive = corpus_copy / "clippings-japan-us-2025.txt"
    lines = archive.read_text(encoding="utf-8").split("\n")
    first = next(n for n, line in enumerate(lines) if line.startswith("2025."))
    new = ["2025.12.24", " 09:00", "共同通信", "", "日米が新たな協議体 <2601-122401>",
           " 日米両政府は24日、防衛協力の新たな協議体を設けると発表した。"]
    archive.write_text("\n".join(lines[:first] + new + lines[first:]), encoding="utf-8")
    stats = update(root_a, corpus_copy)
    assert (stats.added, stats.replaced, stats.removed) == (1, 0, 0)
    reindex(root_b, corpus_copy)
    # a reindex's columns, made from the facets its writers held: those its files give
    assert saved_columns_are_worked_out_ones(current_path(root_b)) == 385
    assert stored_docs(root_a) == stored_docs(root_b)
    with Engine(root_a) as a, Engine(root_b) as b:
        moved = [h.id for h in b.search(SearchRequest(selected={"collection": ["日米 2025"]},
                                                      page_size=5)).results]
        for rid in moved:  # the record page's line is the new one, as after a rebuild
            assert a.record(rid).record.line == b.record(rid).record.line > first


NEW_AT_TOP = ["2025.12.24", " 09:00", "共同通信", "", "日米が新たな協議体 <2601-122401>",
              " 日米両政府は24日、防衛協力の新たな協議体を設けると発表した。"]


def _add_at_top(archive) -> None:
    lines = archive.read_text(encoding="utf-8").split("\n")
    first = next(n for n, line in enumerate(lines) if line.startswith("2025."))
    archive.write_text("\n".join(lines[:first] + NEW_AT_TOP + lines[first:]), encoding="utf-8")


def test_a_file_changed_while_an_update_reads_it_is_found_by_the_next_update(
        tmp_path, corpus_copy, monkeypatch):
    root = tmp_path / "ix"
    archive = corpus_copy / "clippings-japan-us-2025.txt"
    reindex(root, corpus_copy)  # then a change the update will read
    archive.write_text(archive.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    real_load = indexer.load_corpus

    def load_then_change(*args, **kwargs):
        loaded = real_load(*args, **kwargs)  # the update has read the file …
        _add_at_top(archive)  # … and it changes before the update ends
        return loaded

    monkeypatch.setattr(indexer, "load_corpus", load_then_change)
    stats = update(root, corpus_copy)
    assert "2601-122401" not in stored_docs(root)
    monkeypatch.setattr(indexer, "load_corpus", real_load)
    after = update(root, corpus_copy)
    assert (after.mode, after.added) == ("update", 1), (stats.summary(), after.summary())
    assert "2601-122401" in stored_docs(root)
    assert update(root, corpus_copy).mode == "unchanged"


def _scan_then_change(monkeypatch, archive, times: int) -> list[int]:
    """``scan_corpus`` patched so that ``archive`` changes after each of its first ``times``
    scans: between the build's reading it and its workers' reading it again."""
    real_scan = indexer.scan_corpus
    scans = [0]

    def scan_then_change(*args, **kwargs):
        scan = real_scan(*args, **kwargs)
        scans[0] += 1
        if scans[0] <= times:
            _add_at_top(archive)
        return scan

    monkeypatch.setattr(indexer, "scan_corpus", scan_then_change)
    return scans


def test_a_file_changed_while_a_reindex_reads_it_is_read_again(tmp_path, corpus_copy,
                                                               monkeypatch):
    monkeypatch.setattr(loading, "HOLD_RECORDS_BYTES", 0)  # read again, as a large corpus is
    root = tmp_path / "ix"
    archive = corpus_copy / "clippings-japan-us-2025.txt"
    scans = _scan_then_change(monkeypatch, archive, 1)
    stats = reindex(root, corpus_copy)
    assert scans == [2]
    assert stats.notes == [f"{archive.name} changed while it was being indexed: read again"]
    assert "2601-122401" in stored_docs(root)
    assert update(root, corpus_copy).mode == "unchanged"
    assert stats.records == len(stored_docs(root))


def test_a_file_that_keeps_changing_under_a_reindex_is_refused(tmp_path, corpus_copy,
                                                               monkeypatch):
    monkeypatch.setattr(loading, "HOLD_RECORDS_BYTES", 0)  # read again, as a large corpus is
    root = tmp_path / "ix"
    reindex(root, corpus_copy)
    before = current_path(root)
    archive = corpus_copy / "clippings-japan-us-2025.txt"
    _scan_then_change(monkeypatch, archive, 2)
    with pytest.raises(CorpusError, match=f"^{archive.name} changed while the index was being "
                                          "built from it: run the build again when nothing "
                                          "is writing to the corpus$"):
        reindex(root, corpus_copy)
    assert current_path(root) == before  # the previous index still serves
    assert sorted(p.name for p in (root / "builds").iterdir()) == [before.name]


def _workers_of(pid: int) -> list[int]:
    """The forked children of process ``pid`` (its multiprocessing helpers left out)."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):  # a thread that has just ended
            found += [int(c) for c in (task / "children").read_text().split()]
    return [c for c in found
            if b"resource_tracker" not in Path(f"/proc/{c}/cmdline").read_bytes()]


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def test_the_workers_die_with_a_killed_build(tmp_path):
    import time

    root = Path(__file__).resolve().parents[2]
    corpus = tmp_path / "synth"
    subprocess.run([sys.executable, "benchmarks/synth.py", "6000", str(corpus)], cwd=root,
                   check=True, capture_output=True)
    build = subprocess.Popen([sys.executable, "manage.py", "reindex", "--procs", "2",
                              "--corpus", str(corpus), "--index", str(tmp_path / "ix")],
                             cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        workers: list[int] = []
        deadline = time.monotonic() + 120
        while len(workers) < 2 and build.poll() is None and time.monotonic() < deadline:
            workers = _workers_of(build.pid)
            time.sleep(0.02)
        assert len(workers) == 2, "the build ended before its workers were seen"
    finally:
        build.kill()  # SIGKILL: the parent runs no clean-up of its own
        build.wait()
    # the kernel kills them with it (PR_SET_PDEATHSIG), not their running out of work:
    # each has 3,000 records, seconds of work, left when they are looked at
    deadline = time.monotonic() + 1.5
    while any(map(_running, workers)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(map(_running, workers))
    assert not (tmp_path / "ix" / "current").exists()  # and nothing half-built was served


def test_an_update_of_the_second_segment_answers_as_a_fresh_build(tmp_path, corpus_copy):
    """Two segments (two workers), then passages replaced and removed in the second: the
    per-document columns (facets, dates, rank) must follow the deletions there."""
    a, b = tmp_path / "a", tmp_path / "b"
    reindex(a, corpus_copy, procs=2)
    with whoosh_index.open_dir(str(current_path(a))).reader() as reader:
        assert len(list(reader.leaf_readers())) == 2
    paper = corpus_copy / "whitepaper-2025-defence-cooperation.txt"
    lines = paper.read_text(encoding="utf-8").split("\n")
    middle = len(lines) // 2
    del lines[middle:middle + len(lines) // 10]  # passages gone, the later ones renumbered
    paper.write_text("\n".join(lines).replace("防衛協力", "防衛の協力", 3), encoding="utf-8")
    stats = update(a, corpus_copy)
    assert stats.mode == "update" and stats.removed and stats.replaced
    reindex(b, corpus_copy, procs=1)
    with Engine(a) as updated, Engine(b) as fresh:
        for q, dated in [("", None), ("防衛", None), ("協力", "2025-07-15"), ("NATO", None),
                         ("country:米国", None), ("防衛の協力", None)]:
            req = SearchRequest(q=q, page_size=100, date_from=dated, date_to=dated)
            one, two = updated.search(req), fresh.search(req)
            assert (one.total, one.complete) == (two.total, two.complete), q
            assert {h.id for h in one.results} == {h.id for h in two.results}, q
            assert {k: [(v.value, v.count) for v in vs] for k, vs in one.facets.items()} == \
                {k: [(v.value, v.count) for v in vs] for k, vs in two.facets.items()}, q


def test_a_one_day_range_holds_that_day(engine):
    """Every dated record is found by a from/to range of its own day, and nothing else is."""
    def ids(**kw) -> list:
        first = engine.search(SearchRequest(page_size=100, sort="oldest", **kw))
        return [h for page in range(1, -(-first.total // 100) + 1)
                for h in engine.search(SearchRequest(page_size=100, page=page, sort="oldest",
                                                     **kw)).results]

    days: dict[str, set[str]] = {}
    for h in ids():
        if h.date:
            days.setdefault(h.date, set()).add(h.id)
    assert len(days) > 100
    for day, held in days.items():
        assert {h.id for h in ids(date_from=day, date_to=day)} == held, day
