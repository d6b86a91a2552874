"""Write records into a fresh Whoosh index: one segment per worker process, committed in order.

Per record, a build runs Sudachi over the title and text (once: ``sudachi.words`` keeps the
words for the analyzer), finds the facets' values in the text (``corpus.annotate``),
analyses the text and hands the postings to the segment writer (``writer.py``). Apart from
Sudachi that is pure Python, so threads would not help: each worker is a
forked process that takes a contiguous shard of the records and writes its segments. The
parent then commits the segments in shard order, so document numbers, and with them every
ranking and tie, are those of a one-process build. The parent holds no records: a worker
reads its shard itself (``Records.records``; for a reindex, the scanned corpus's files
parsed again, or a small corpus's records the scan kept), so a build's memory is the
postings' budget and not the archive's size.

Whoosh's own ``MpWriter`` cannot be used as it is: it runs ``add_document`` in its workers
but takes finished documents from the parent, so Sudachi and the country extraction would
stay serial, and each text would be tokenized twice. The worker's writer and the segment it
hands back come from the codec (``codec.worker_writer``, ``codec.finish_segment``): the
calls ``whoosh.multiproc`` makes for the same purpose, which are not public API.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import multiprocessing
import os
import pickle
import queue
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, replace
from itertools import islice, pairwise
from typing import Protocol, TypeVar

from ..config import BUILD_MEMORY
from ..corpus.annotate import annotate
from ..corpus.records import Record
from .codec import cancel_segment, finish_segment, worker_writer
from .columns import SegmentFacets, segment_facets
from .measures import weight
from .schema import new_writer, repeated_fields

Progress = Callable[[int, int], None]
T = TypeVar("T")
R = TypeVar("R")
DEFAULT_MEMORY = BUILD_MEMORY  # the postings all workers hold at most (config.py)
CHECK_EVERY = 256  # records between looks at a writer's estimate
ToDocument = Callable[[Record], dict]
# Seconds between a worker's progress messages.
TICK = 0.1


class WorkerLost(Exception):
    """A worker process ended without sending its segment (killed, out of memory)."""


@dataclass
class _Shard:
    """What a worker sends back: its segments, and each one's facet values with their
    documents (``columns.segment_facets``)."""

    number: int
    segments: list  # in the order of its records
    facets: list[SegmentFacets]  # one for each segment


@contextmanager
def paused_collector() -> Iterator[None]:
    """Python's cycle collector off for a build's duration (as it was, afterwards).

    A build makes millions of small objects (records, words, postings) that live until
    the segment is written, and frees none of them in cycles: the collector's passes over
    them took a visible share of a worker's time and found nothing (benchmarks/results/
    design-measurements.md).
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def usable_procs(procs: int) -> int:
    """How many worker processes to use: 1 where forking is unavailable or unsafe.

    Forking is only safe from a process with one thread (a thread holding a lock at the
    fork would leave the child deadlocked), and fork is the only start method that does
    not pay for a new interpreter and a new dictionary per worker.
    """
    if procs <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    if threading.active_count() > 1:
        return 1
    return procs


def ordered_map(procs: int) -> Callable[[Callable[[T], R], Sequence[T]], Iterator[R]]:
    """A ``map`` over up to ``procs`` forked processes, giving the results in the items'
    order as they come (a corpus's files parsed while the parent merges what is parsed).

    At most two items a process are in flight, so that results the parent has not taken yet
    do not pile up. A process that dies (killed, out of memory) is a :class:`WorkerLost`;
    an error in ``fn`` is raised here as it was raised there.
    """
    def mapped(fn: Callable[[T], R], items: Sequence[T]) -> Iterator[R]:
        n = usable_procs(min(procs, len(items)))
        if n <= 1:
            yield from map(fn, items)
            return
        pool = ProcessPoolExecutor(n, mp_context=multiprocessing.get_context("fork"),
                                   initializer=_die_with, initargs=(os.getpid(),))
        try:
            todo = iter(items)
            pending = deque(pool.submit(fn, item) for item in islice(todo, 2 * n))
            while pending:
                result = pending.popleft().result()
                pending.extend(pool.submit(fn, item) for item in islice(todo, 1))
                yield result
        except BrokenProcessPool:
            raise WorkerLost("a process reading the corpus stopped without finishing; run it "
                             "again, or with --procs 1 to see the error") from None
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
    return mapped


def split(sizes: Sequence[int], parts: int) -> list[range]:
    """Contiguous shards of about equal work (``sizes``: each record's ``weight``)."""
    total = sum(sizes)
    bounds = [0]
    done = 0
    for n, size in enumerate(sizes):
        if len(bounds) < max(1, parts) and n > bounds[-1] \
                and done + size / 2 > total * len(bounds) / parts:
            bounds.append(n)
        done += size
    bounds.append(len(sizes))
    return [range(a, b) for a, b in pairwise(bounds) if b > a]


class Records(Protocol):
    """Records a build reads in shards: a list (``Listed``) or a scanned corpus
    (``corpus.loading.Scan``, which parses each shard's files again in its worker)."""

    def __len__(self) -> int: ...

    def sizes(self) -> list[int]: ...

    def first(self) -> Record: ...

    def records(self, start: int = 0, stop: int | None = None) -> Iterator[Record]: ...


class Listed:
    """Records held in a list, as ``Records`` (what callers with records in hand pass)."""

    def __init__(self, records: list[Record]) -> None:
        self.held = records

    def __len__(self) -> int:
        return len(self.held)

    def sizes(self) -> list[int]:
        return [weight(rec) for rec in self.held]

    def first(self) -> Record:
        return self.held[0]

    def records(self, start: int = 0, stop: int | None = None) -> Iterator[Record]:
        return iter(self.held[start:stop])


def write_records(ix, records: Records | list[Record], to_document: ToDocument,
                  progress: Progress | None = None, procs: int = 1,
                  memory: int | None = DEFAULT_MEMORY) -> list[SegmentFacets]:
    """Annotate ``records`` and commit them into the empty index ``ix``, the postings held
    in memory by all workers together kept under about ``memory`` bytes (None: no bound,
    one segment per worker). Each worker reads its own shard (``Records.records``): the
    parent holds none of them but a small corpus's, which its scan kept. Gives each new
    segment's facet values and documents, in the index's order, for its columns
    (``columns.read_columns``).

    Exceptions from a worker are raised here, in the parent, as they were raised there.
    """
    source = Listed(records) if isinstance(records, list) else records
    shards = split(source.sizes(), usable_procs(procs))
    total = len(source)
    budget = None if memory is None else max(1, memory // len(shards or [()]))
    if len(shards) <= 1:
        tick = (lambda n: progress(n, total)) if progress else None
        results = [_write_shard(ix, 0, source, range(total), to_document, tick, budget)]
    else:
        _warm(source.first(), to_document)
        results = _in_workers(ix, source, shards, to_document, progress, total, budget)
    results.sort(key=lambda r: r.number)
    segments = [segment for r in results for segment in r.segments]
    writer = new_writer(ix)
    # The merge policy hook is how a commit is told which segments make the index.
    writer.commit(mergetype=lambda _writer, existing: list(existing) + segments)
    return [facets for r in results for facets in r.facets]


def _warm(rec: Record, to_document: ToDocument) -> None:
    """Everything a record's indexing loads on first use (the dictionary, a tokenizer, the
    part-of-speech matchers, the gazetteer and the other tables), loaded once in the parent
    by doing one record's work, so that the forked workers share it instead of each loading
    it again: about a tenth of a second per worker, a fixed cost a small archive felt."""
    copy = replace(rec)
    annotate(copy)
    to_document(copy)


def reap() -> None:
    """Wait for the build's workers that have ended, without waiting for any that has not:
    ``write_records`` goes on once their segments are in, and a long-running process (a
    server that builds, a test run) would otherwise keep them as zombies until its next
    build. Called when the build is done (most have ended by then)."""
    multiprocessing.active_children()


def _write_shard(ix, number: int, source: Records, shard: range, to_document: ToDocument,
                 tick: Callable[[int], None] | None, budget: int | None = None) -> _Shard:
    """One shard's records as one segment, or as several in order when the postings held
    for a segment pass ``budget`` bytes (the writer's estimate, looked at every
    ``CHECK_EVERY`` records): memory stays bounded whatever the shard's size."""
    writer = worker_writer(ix, repeated_fields())  # the parent holds the build's lock
    segments, facets = [], []
    with paused_collector():
        try:
            for n, rec in enumerate(source.records(shard.start, shard.stop), start=1):
                annotate(rec)
                writer.add_document(**to_document(rec))
                if tick:
                    tick(n)
                if budget is not None and n % CHECK_EVERY == 0 and n < len(shard) \
                        and writer.held_bytes() > budget:
                    facets.append(segment_facets(writer))
                    segments.append(finish_segment(writer))
                    writer = worker_writer(ix, repeated_fields())
            facets.append(segment_facets(writer))
            segments.append(finish_segment(writer))
        except BaseException:
            # The first error is the one to report: a cancel that fails too (a forked
            # worker's was once seen closing a file twice) must not take its place. The
            # build's folder, these files with it, is removed either way.
            with contextlib.suppress(Exception):
                cancel_segment(writer)
            raise
    return _Shard(number, segments, facets)


def _in_workers(ix, source: Records, shards: list[range], to_document: ToDocument,
                progress: Progress | None, total: int,
                budget: int | None = None) -> list[_Shard]:
    ctx = multiprocessing.get_context("fork")
    messages = ctx.Queue()
    parent = os.getpid()
    workers = [ctx.Process(target=_worker,
                           args=(ix, k, source, shard, to_document, messages, parent,
                                 budget),
                           daemon=True)
               for k, shard in enumerate(shards)]
    counts = [0] * len(shards)
    results: dict[int, _Shard] = {}
    try:
        for w in workers:
            w.start()
        while len(results) < len(workers):
            try:
                kind, number, payload = messages.get(timeout=0.5)
            except queue.Empty:
                # A worker flushes its result before it exits: one that has exited and
                # still sent nothing after another wait has died (killed, out of memory).
                if _stopped(workers, results):
                    try:
                        kind, number, payload = messages.get(timeout=2)
                    except queue.Empty:
                        codes = [w.exitcode for w in workers]
                        raise WorkerLost(
                            f"an indexing process stopped without finishing (exit codes "
                            f"{codes}); run the build again, or with --procs 1 to see the "
                            "error") from None
                else:
                    continue
            if kind == "tick":
                counts[number] = payload
                if progress:
                    progress(sum(counts), total)
            elif kind == "done":
                results[number] = payload
            else:
                raise payload
        return list(results.values())
    finally:
        # When every worker sent its segments, they have flushed them and only exit: the
        # build goes on without waiting (taking a process's memory down was 5-7 ms of a
        # small build's path); multiprocessing reaps them, at the next build's start or
        # this one's exit. Otherwise each is stopped if need be and waited for.
        unfinished = workers if len(results) < len(workers) else []
        for w in unfinished:
            if w.is_alive():
                w.terminate()
            if w.pid is not None:
                w.join()
        messages.close()


def _worker(ix, number: int, source: Records, shard: range, to_document: ToDocument,
            messages, parent: int, budget: int | None = None) -> None:
    """A forked worker: bound to its parent's life, ``_serve``, then its messages flushed."""
    _die_with(parent)
    try:
        _serve(ix, number, source, shard, to_document, messages, budget)
    finally:
        messages.close()
        messages.join_thread()  # the parent must have it all before this process ends


def _serve(ix, number: int, source: Records, shard: range, to_document: ToDocument,
           messages, budget: int | None = None) -> None:
    """Write one shard, sending progress, then the result or the error, on ``messages``.
    Apart from ``_worker`` so that its work can be tested in the test's own process, where
    mutation testing sees it."""
    last = 0.0

    def tick(n: int) -> None:
        # A message per record was costly (the queue's lock, its feeder thread taking the
        # GIL); a progress bar needs one every TICK seconds, and the last.
        nonlocal last
        now = time.monotonic()
        if now - last >= TICK or n == len(shard):
            last = now
            messages.put(("tick", number, n))

    try:
        result = _write_shard(ix, number, source, shard, to_document, tick, budget)
        messages.put(("done", number, result))
    except BaseException as exc:  # the parent re-raises it, Ctrl-C included
        try:
            pickle.dumps(exc)
        except Exception:
            exc = RuntimeError(f"{type(exc).__name__}: {exc}")
        messages.put(("error", number, exc))


PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _die_with(parent: int) -> None:
    """Have the kernel kill this worker when the build that forked it dies, however it
    dies (``kill -9`` included): an orphan would hold its memory, blocked on a queue nobody
    reads. Linux's ``PR_SET_PDEATHSIG``; elsewhere nothing is done."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            return
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before the request was made
        os._exit(1)


def _stopped(workers, results: dict[int, _Shard]) -> bool:
    return any(n not in results and not w.is_alive() for n, w in enumerate(workers))
