"""search.index.prescan: a small corpus scanned by a forked process while the build's
modules load. What it hands back is what the build would have found itself; where it finds
nothing, the build scans as before."""

from __future__ import annotations

import json
import sys

import pytest

from tests.unit.test_workers import fresh

SETUP = """
    import json, os, shutil, signal
    from dataclasses import asdict
    from pathlib import Path
    from search.config import DEFAULT_CORPUS
    from search.corpus import loading
    from search.index import prescan
    from search.index.version import code_hashes, input_hashes
"""


def test_a_prescan_hands_back_the_scan_and_hashes_the_build_would_make():
    out = fresh(SETUP + """
    early = prescan.start(DEFAULT_CORPUS)
    found = early.result()
    own = loading.scan_corpus(DEFAULT_CORPUS, prescan.content, prescan.weight)
    print(json.dumps([
        found.folder == DEFAULT_CORPUS,
        list(found.scan.records()) == list(own.records()),
        found.scan.files == own.files, found.scan.issues == own.issues,
        list(found.scan.summaries()) == list(own.summaries()),
        found.scan.sizes() == own.sizes(), found.scan.first() == own.first(),
        [p.held is not None for p in found.scan.parts],
        found.inputs == input_hashes(DEFAULT_CORPUS, archives=False),
        found.code == code_hashes(), len(found.scan),
        early.result()]))  # taken once
    """)
    assert json.loads(out) == [True] * 7 + [[True] * 5] + [True, True, 384, None]


def test_no_prescan_where_it_does_not_pay_or_is_not_safe(tmp_path):
    out = fresh(SETUP + f"""
    import threading
    small = Path({str(tmp_path)!r}) / "small"
    shutil.copytree(DEFAULT_CORPUS, small)
    size = sum(p.stat().st_size for p in loading.corpus_files([small]))
    loading.HOLD_RECORDS_BYTES = size + 1
    held = prescan.start(small)
    found = held.result() is not None
    loading.HOLD_RECORDS_BYTES = size  # a corpus whose scan would not hold its records
    large = prescan.start(small)
    loading.HOLD_RECORDS_BYTES = 8 << 20
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    threaded = prescan.start(small)  # another thread: no fork
    stop.set()
    other.join()
    print(json.dumps([found, large, threaded]))
    """)
    assert json.loads(out) == [True, None, None]


def test_a_prescan_that_finds_nothing_leaves_the_build_to_scan_and_say_so(tmp_path):
    out = fresh(SETUP + f"""
    from search.errors import CorpusError
    from search.index.build import reindex
    folder = Path({str(tmp_path)!r})
    missing = prescan.start(folder / "missing")  # the forked scan fails: no result
    try:
        reindex(folder / "ix", folder / "missing", prescan=missing)
    except CorpusError as exc:
        said = str(exc)
    killed = prescan.start(DEFAULT_CORPUS)
    os.kill(killed._pid, signal.SIGKILL)
    stats = reindex(folder / "ix", DEFAULT_CORPUS, prescan=killed)
    other = prescan.start(DEFAULT_CORPUS)  # of another folder than the build's
    copy = folder / "copy"
    shutil.copytree(DEFAULT_CORPUS, copy)
    (copy / "mod-news-2024-10-22-nato.txt").unlink()
    again = reindex(folder / "ix2", copy, prescan=other)
    print(json.dumps([missing.result(), said.startswith("the corpus folder"),
                      killed.result(), stats.records, again.records]))
    """)
    found = json.loads(out)
    assert found[0] is None and found[1] is True and found[2] is None
    assert found[3] == 384 and found[4] == 383


def test_a_build_from_a_prescan_is_the_build_without_one(tmp_path):
    out = fresh(SETUP + f"""
    from whoosh import index as whoosh_index
    from search.index.build import reindex
    from search.index.schema import stored
    from search.index.store import corpus_meta_of, current_path, meta_of
    folder = Path({str(tmp_path)!r})
    with_it = reindex(folder / "a", DEFAULT_CORPUS, procs=2, prescan=prescan.start())
    without = reindex(folder / "b", DEFAULT_CORPUS, procs=2)
    a, b = current_path(folder / "a"), current_path(folder / "b")
    ma, mb = meta_of(a), meta_of(b)
    keys = ("inputs", "code", "corpus_hash", "record_count", "file_count", "warnings")

    def documents(build):
        with whoosh_index.open_dir(str(build)).searcher() as s:
            return [stored(s.stored_fields(d)) for d in range(s.doc_count_all())]

    print(json.dumps([[ma[k] == mb[k] for k in keys], corpus_meta_of(a) == corpus_meta_of(b),
                      documents(a) == documents(b), len(ma["inputs"]),
                      with_it.records, without.records]))
    """)
    assert json.loads(out) == [[True] * 6, True, True, 11, 384, 384]


def test_a_prescan_let_go_is_waited_for():
    out = fresh(SETUP + """
    early = prescan.start(DEFAULT_CORPUS)
    early.close()
    early.close()
    try:
        os.waitpid(early._pid, os.WNOHANG)
        left = "a child left"
    except ChildProcessError:
        left = "none left"
    print(json.dumps([left, early.result()]))
    """)
    assert json.loads(out) == ["none left", None]


# -- the parts a forked process runs, in this process (where mutation testing sees them) --


def test_what_the_process_hands_back_reads_back_as_the_builds_own_scan_and_hashes():
    from search.config import DEFAULT_CORPUS
    from search.corpus.loading import scan_corpus
    from search.index import prescan
    from search.index.version import code_hashes, input_hashes

    back = prescan.decoded(prescan.found(DEFAULT_CORPUS))
    own = scan_corpus(DEFAULT_CORPUS, prescan.content, prescan.weight)
    assert back.folder == DEFAULT_CORPUS
    assert list(back.scan.records()) == list(own.records())
    assert list(back.scan.summaries()) == list(own.summaries())
    assert (back.scan.files, back.scan.sizes()) == (own.files, own.sizes())
    assert back.inputs == input_hashes(DEFAULT_CORPUS, archives=False)
    assert back.code == code_hashes()


def test_bytes_that_are_not_a_prescan_read_back_as_nothing():
    import pickle

    from search.config import DEFAULT_CORPUS
    from search.index import prescan

    whole = prescan.found(DEFAULT_CORPUS)
    assert prescan.decoded(b"") is None
    assert prescan.decoded(whole[: len(whole) // 2]) is None  # cut short
    assert prescan.decoded(pickle.dumps({"not": "a prescan"})) is None
    assert prescan.decoded(whole) is not None


def _process(code: int, write: int | None = None, data: bytes = b"", tmp=None) -> int:
    """A child of this process (spawned, not forked) that writes ``data`` on the pipe's
    end ``write`` and ends with ``code``."""
    import os
    import sys

    script = ""
    if tmp is not None:
        source = tmp / "data"
        source.write_bytes(data)
        script = (f"import shutil, sys\nshutil.copyfileobj(open({str(source)!r}, 'rb'), "
                  f"sys.stdout.buffer)\nsys.stdout.flush()\n")
    actions = [(os.POSIX_SPAWN_DUP2, write, 1)] if write is not None else []
    return os.posix_spawn(sys.executable, [sys.executable, "-c",
                                           f"{script}raise SystemExit({code})"],
                          dict(os.environ), file_actions=actions)


def test_a_result_is_read_whole_taken_once_and_only_from_a_process_that_ended_well(tmp_path):
    import os

    from search.config import DEFAULT_CORPUS
    from search.index import prescan

    data = prescan.found(DEFAULT_CORPUS)
    assert len(data) > 4 * 65536  # more than a pipe holds: read in parts as it comes
    for code, expected in ((0, True), (1, False)):
        read, write = os.pipe()
        pid = _process(code, write, data, tmp_path)
        os.close(write)
        early = prescan.Prescan(pid, read)
        back = early.result()
        assert (back is not None) == expected
        assert back is None or len(back.scan) == 384
        assert early.result() is None  # taken once
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)  # waited for


def test_a_result_is_read_to_its_end_and_waits_for_the_process_to_end(tmp_path):
    """A result of more than a read's megabyte is read whole; a process that wrote all of
    it and then failed gives nothing, however late it ends; the pipe is closed."""
    import os
    import pickle

    from search.config import DEFAULT_CORPUS
    from search.index import prescan

    back = prescan.decoded(prescan.found(DEFAULT_CORPUS))
    back.inputs["padding"] = "x" * (3 << 20)
    data = pickle.dumps(back, pickle.HIGHEST_PROTOCOL)
    (tmp_path / "data").write_bytes(data)
    for code, late in ((0, ""), (1, "import time\ntime.sleep(0.5)\n")):
        read, write = os.pipe()
        script = (f"import os, sys\nsys.stdout.buffer.write(open({str(tmp_path / 'data')!r}, "
                  f"'rb').read())\nsys.stdout.flush()\nos.close(1)\n{late}"
                  f"raise SystemExit({code})")
        pid = os.posix_spawn(sys.executable, [sys.executable, "-c", script], dict(os.environ),
                             file_actions=[(os.POSIX_SPAWN_DUP2, write, 1)])
        os.close(write)
        found = prescan.Prescan(pid, read).result()
        assert (found is not None and found.inputs["padding"] == "x" * (3 << 20)) == (code == 0)
        with pytest.raises(OSError):
            os.fstat(read)  # closed


def test_a_prescan_of_another_folder_is_of_that_folder(tmp_path):
    import shutil

    from search.config import DEFAULT_CORPUS
    from search.index import prescan

    folder = tmp_path / "corpus"
    shutil.copytree(DEFAULT_CORPUS, folder)
    (folder / "mod-news-2024-10-22-nato.txt").unlink()
    back = prescan.decoded(prescan.found(folder))
    assert (back.folder, len(back.scan)) == (folder, 383)


def test_a_result_let_go_closes_its_pipe_and_waits_for_the_process():
    import os

    from search.index import prescan

    read, write = os.pipe()
    pid = _process(0)
    early = prescan.Prescan(pid, read)
    early.close()
    with pytest.raises(OSError):
        os.fstat(read)
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
    early.close()  # again: nothing left to do
    assert early.result() is None
    os.close(write)
