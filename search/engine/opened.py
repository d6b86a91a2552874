"""The index a server is serving: opened once, shared by threads, swapped without a restart.

A Whoosh searcher reads its files through shared file objects, so two threads searching
with one searcher interleave their reads and get garbage (UnpicklingError, EOFError). An
:class:`OpenIndex` therefore lends each request a searcher of its own from a pool, and
shares only what is safe to share: the columns (read-only arrays) and the posting reader
(``os.pread``). When ``reindex`` or ``update`` points ``current`` at a new build, the
:class:`Serving` holder opens it for the next requests; the old one is closed when the
last request still using it is done, never under it.

Damage that raises nothing (bytes overwritten in place, the same size) would give wrong
answers with status 200: a watcher thread compares every byte of the served build with its
checksums every ``watch_seconds`` (``DAMAGE_CHECK_SECONDS``, 60: CRC-32 reads an index of
100,000 records, 218 MB, in about 0.2 s), and a build found damaged is answered 503 from
then on, with a message in the log. A read error on any request checks at once.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from cachetools import LRUCache
from whoosh import scoring

from ..config import index_dir
from ..errors import IndexDamagedError, IndexMissingError, SearchError
from ..index.codec.read import DamagedIndexError, PostingReader
from ..index.columns import Columns, load_columns, read_columns
from ..index.schema import stored_record
from ..index.store import (
    READ_ERRORS,
    check_build,
    corpus_meta_of,
    current_path,
    damage,
    meta_of,
    open_current,
)

# How long a check that found the files intact is trusted before an error checks again.
TRUSTED_SECONDS = 10.0
# How often the served build's bytes are compared with its checksums (None: never).
DAMAGE_CHECK_SECONDS = 60.0
# How often a request looks at the sizes of the served files (a stat each): a file cut
# short under the server is found by the next request, whatever it reads.
SIZE_CHECK_SECONDS = 1.0
# The もしかして of the last queries that needed them, per build: the same words come back
# (the next page, a facet ticked, the page's count without filters) and trying a dozen
# proposals is most of what a query that finds nothing costs.
HELP_REMEMBERED = 256
# Stored records read lately, decoded, per build, up to this many characters of text in
# all: a result row's record is read, unzipped and unpickled (a fifth of a small archive's
# search), and the records of the first pages come back page after page, query after query.
RECORD_CHARS_REMEMBERED = 4_000_000
# The warm-up builds each of its parts only once no request has used the build for this
# long: Python runs one thread at a time, and a warm-up beside a stream of requests slowed
# every one of them (1,000 records: p95 1.5 ms with the warm-up done before, 2.2 beside it).
# Under a steady stream it waits, at most PATIENCE_SECONDS a part (then builds it anyway);
# a request that needs a part meanwhile builds it.
QUIET_SECONDS = 0.005
PATIENCE_SECONDS = 10.0
log = logging.getLogger(__name__)


class OpenIndex:
    """One build of the index, opened: its columns, posting reader and searchers."""

    def __init__(self, path: Path, ix) -> None:
        self.path = path
        self.ix = ix
        self._idle: list = []
        self._lock = threading.Lock()
        self._users = 0
        self._entered = 0  # requests that have used this build, for the warm-up's pauses
        self._retired = False
        self._closed = False
        first = self._new_searcher()
        try:
            self.postings = PostingReader(path, list(first.reader().leaf_readers()))
            # saved with the build; worked out here for a build made before they were
            self.columns: Columns = (load_columns(path, first.reader().doc_count_all())
                                     or read_columns(first.reader(), self.postings))
        except BaseException:
            first.close()
            raise
        self._idle.append(first)
        self._spelling: list | None = None
        self._lines: dict[tuple[str, str], int] | None = None
        self._spelling_lock = threading.Lock()  # not the pool's: building takes a while
        self._completer = None
        self._completer_lock = threading.Lock()
        self._words: dict[str, int] | None = None
        self._words_lock = threading.Lock()
        self._readings = None
        self._readings_lock = threading.Lock()
        # a word's keys (its SudachiPy reading) for the completer and the readings, which
        # mostly look up the same words: kept until both are built
        self._keys: dict[str, list[str]] | None = {}
        self._lines_lock = threading.Lock()
        self._checked: tuple[float, str | None] | None = None  # (when, problem found)
        self._check_lock = threading.Lock()
        self._help: LRUCache = LRUCache(maxsize=HELP_REMEMBERED)
        self._help_lock = threading.Lock()
        self._records: LRUCache = LRUCache(maxsize=RECORD_CHARS_REMEMBERED,
                                           getsizeof=_record_chars)
        self._records_lock = threading.Lock()
        self.warming = threading.Thread(target=self.warm, name="kirinuki-warm", daemon=True)

    def line(self, file: str, rid: str) -> int:
        """The line where record ``rid`` starts in ``file`` (0 if the meta does not say).

        Lines live in the index's meta, not in the stored record: a clipping added at the top
        of an archive moves every line below it without changing those records.
        """
        with self._lines_lock:
            if self._lines is None:
                files = corpus_meta_of(self.path)["files"]
                self._lines = {(name, i): n for name, entry in files.items()
                               for i, n in zip(entry.get("ids", []), entry.get("lines", []),
                                               strict=False)}
        return self._lines.get((file, rid), 0)

    def diagnose(self, exc: BaseException) -> None:
        """Raise :class:`IndexDamagedError` if ``exc`` came from damaged files.

        Errors that damaged files raise (EOFError, zlib.error, KeyError …) are also what a
        bug raises, so the files are checked against their checksums: damaged, the user is
        told to reindex; intact, the error is a bug and the caller re-raises it. The verdict
        is kept a while, so a burst of failing requests checks the files once.
        """
        with self._check_lock:
            now = time.monotonic()
            if (self._checked is None or (self._checked[1] is None
                                          and now - self._checked[0] > TRUSTED_SECONDS)):
                self._checked = (now, _damage(self.path))
            problem = self._checked[1]
        if problem is not None:
            raise IndexDamagedError(self.path.parent.parent, problem) from exc

    def warm(self) -> None:
        """Build the facets' tables by document, the spelling correctors and the completer
        ahead of their first use.

        Best effort, in a thread of its own, each part in a pause between requests
        (``QUIET_SECONDS``): in a large archive the correctors take a
        noticeable part of a second (benchmarks/results/design-measurements.md), which the
        first query that finds nothing would otherwise wait for (the completer: see
        ``complete``). If the index is retired or its files go meanwhile, the first request
        that needs them builds them itself (or never comes).
        """
        for build in (self.facet_documents, self.spelling, self.completer, self.readings):
            try:
                if self._quiet():
                    build()
            except Exception:  # noqa: BLE001 - a warm-up has no one to report to
                pass

    def _quiet(self) -> bool:
        """Wait until no request has used this build for ``QUIET_SECONDS`` (or for
        ``PATIENCE_SECONDS`` in all); False once it is retired."""
        give_up = time.monotonic() + PATIENCE_SECONDS
        while True:
            with self._lock:
                before = (self._users, self._entered)
            if self._retired:
                return False
            time.sleep(QUIET_SECONDS)
            with self._lock:
                if before[0] == 0 and (self._users, self._entered) == before:
                    return not self._retired
            if time.monotonic() >= give_up:
                return not self._retired

    def facet_documents(self) -> None:
        """Each facet's values by document and documents by value, with which a search of
        few matches and of many counts them (``Column.by_document``, ``by_value``)."""
        for column in self.columns.facets.values():
            column.by_document()
            column.by_value()

    def record(self, searcher, docnum: int) -> dict:
        """Document ``docnum``'s stored record (``schema.stored_record``), remembered: the
        same dict for every caller, which none may change. ``searcher`` is one of this
        build's, so a document number names the same record in all of them."""
        with self._records_lock:
            found = self._records.get(docnum)
        if found is None:
            found = stored_record(searcher, docnum)
            with self._records_lock:
                if _record_chars(found) <= RECORD_CHARS_REMEMBERED // 64:
                    self._records[docnum] = found  # one huge record cannot empty it
        return found

    def help_for(self, text: str, find: Callable[[], list[str]]) -> list[str]:
        """The もしかして for the query ``text`` in this build: found by ``find`` the first
        time, remembered after (they depend on the words and the build only, not on the
        filters, the sort or the page). Two threads may both find them; both find the same."""
        with self._help_lock:
            found = self._help.get(text)
        if found is None:
            found = tuple(find())
            with self._help_lock:
                self._help[text] = found
        return list(found)

    def completer(self):
        """The search box's suggestions (``complete.Completer``), built on first use."""
        from ..query.complete import build_completer

        with self._completer_lock:
            if self._completer is None:
                self._completer = build_completer(self.columns, self.words(),
                                                  self._word_keys)
                self._forget_keys()
            return self._completer

    def words(self) -> dict[str, int]:
        """Every word of the titles and texts → its records (for the completer, readings)."""
        from ..query.complete import index_words

        with self._words_lock:
            if self._words is None:
                self._words = index_words(self.postings)
            return self._words

    def readings(self):
        """Kana → the kanji words that read so (``readings.Readings``), built on first use."""
        from ..query.readings import Readings

        with self._readings_lock:
            if self._readings is None:
                self._readings = Readings(self.words(), self._word_keys)
                self._forget_keys()
            return self._readings

    def _word_keys(self, word: str) -> list[str]:
        from ..query.complete import word_keys

        memo = self._keys
        if memo is None:
            return word_keys(word)
        found = memo.get(word)
        if found is None:
            found = memo[word] = word_keys(word)
        return found

    def _forget_keys(self) -> None:
        if self._completer is not None and self._readings is not None:
            self._keys = None

    def spelling(self) -> list:
        """The spelling correctors (``suggest.Spelling``), built on first use."""
        from ..query.suggest import SPELLING_FIELDS, Spelling

        with self._spelling_lock:
            if self._spelling is None:
                self._spelling = [Spelling.of_field(self.postings, f) for f in SPELLING_FIELDS]
            return self._spelling

    def _new_searcher(self):
        return self.ix.searcher(weighting=scoring.BM25F())

    @contextmanager
    def searcher(self) -> Iterator[object]:
        """A searcher no other thread uses until it is given back."""
        with self._lock:
            s = self._idle.pop() if self._idle else None
        if s is None:
            s = self._new_searcher()
        try:
            yield s
        finally:
            with self._lock:
                if self._closed:
                    s.close()
                else:
                    self._idle.append(s)

    def enter(self) -> None:
        with self._lock:
            self._users += 1
            self._entered += 1

    def leave(self) -> None:
        with self._lock:
            self._users -= 1
            close = self._retired and self._users == 0
        if close:
            self._close()

    def retire(self) -> None:
        """No new requests; closed as soon as the ones using it are done."""
        with self._lock:
            self._retired = True
            close = self._users == 0
        if close:
            self._close()

    def _close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            idle, self._idle = self._idle, []
        for s in idle:
            s.close()
        self.postings.close()


class Serving:
    """The index currently served from ``root``, reopened when its ``current`` link moves."""

    def __init__(self, root: str | os.PathLike | None = None,
                 watch_seconds: float | None = DAMAGE_CHECK_SECONDS) -> None:
        self.root = index_dir(root)
        self._lock = threading.Lock()
        self._open: OpenIndex | None = None
        self._warming: list[threading.Thread] = []  # of every index opened, until joined
        self._broken: tuple[Path, str] | None = None  # the last build found damaged
        self._watch_seconds = watch_seconds
        self._stop = threading.Event()
        self._watcher: threading.Thread | None = None
        self._sized = 0.0  # when the served files' sizes were last looked at
        self._sums: tuple[Path, dict | None] | None = None  # a build's checksums, read once

    @contextmanager
    def use(self) -> Iterator[OpenIndex]:
        """The current index, kept open until the block ends."""
        target = current_path(self.root)
        if target is None:
            raise IndexMissingError(f"no index in {self.root}: run `python manage.py reindex`")
        with self._lock:
            if self._broken is not None and self._broken[0] == target:
                # a build found damaged stays damaged: a reindex makes a new one
                raise IndexDamagedError(self.root, self._broken[1])
            if self._watch_seconds and self._watcher is None:
                self._watcher = threading.Thread(target=self._watch, name="kirinuki-watch",
                                                 daemon=True)
                self._watcher.start()
            if self._open is None or self._open.path != target:
                fresh = self._open_current(target)
                fresh.warming.start()
                self._warming = [t for t in self._warming if t.is_alive()] + [fresh.warming]
                old, self._open = self._open, fresh
                if old is not None:
                    old.retire()
            current = self._open
            self._check_sizes(current.path)
            current.enter()
        try:
            yield current
        except SearchError:
            raise  # the user's request, not the files (a ValueError too)
        except (*READ_ERRORS, DamagedIndexError) as exc:
            try:
                current.diagnose(exc)
            except IndexDamagedError as damaged:
                with self._lock:  # every later request is told, not only this one
                    self._broken = (current.path, damaged.problem)
                raise
            raise
        finally:
            current.leave()

    def _check_sizes(self, path: Path) -> None:
        """Each served file where it was and of its size, at most every SIZE_CHECK_SECONDS
        (called holding the lock); a change marks the build damaged."""
        now = time.monotonic()
        if now - self._sized < SIZE_CHECK_SECONDS:
            return
        self._sized = now
        try:
            if self._sums is None or self._sums[0] != path:
                self._sums = (path, meta_of(path).get("checksums"))
            problem = _damage(path, full=False, expected=self._sums[1] or {})
        except IndexDamagedError as exc:  # its meta cannot be read
            problem = exc.problem
        except OSError:
            return  # a retired build removed meanwhile: not this one's damage
        if problem is not None:
            self._mark(path, problem)
            raise IndexDamagedError(self.root, problem)

    def _mark(self, path: Path, problem: str) -> None:
        """Answer 503 for build ``path`` from now on, and say so in the log (called holding
        the lock)."""
        log.error("the index %s is damaged (%s): answering 503 until a reindex", path, problem)
        self._broken = (path, problem)

    def _open_current(self, target: Path) -> OpenIndex:
        """Open the index ``current`` points at; damaged files raise IndexDamagedError."""
        try:
            ix = open_current(self.root)  # may be newer than ``target``: use its folder
        except IndexDamagedError as exc:
            self._broken = (target, exc.problem)
            raise
        path = Path(ix.storage.folder)
        try:
            return OpenIndex(path, ix)
        except (*READ_ERRORS, DamagedIndexError) as exc:
            try:
                check_build(path)
            except IndexDamagedError as damaged:
                self._broken = (path, damaged.problem)
                raise damaged from exc
            raise

    def _watch(self) -> None:
        """Every ``watch_seconds``, the served build's bytes against its checksums."""
        while not self._stop.wait(self._watch_seconds):
            with self._lock:
                served = self._open.path if self._open is not None else None
            if served is None or (self._broken is not None and self._broken[0] == served):
                continue
            try:
                problem = _damage(served)
            except OSError:
                continue  # retired and removed meanwhile: the next request opens the new one
            if problem is not None:
                with self._lock:
                    self._mark(served, problem)

    def close(self) -> None:
        """Retire the index; wait for the warm-ups and the watcher, so no thread of ours
        outlives the close (a build forks workers only from a process with one thread)."""
        self._stop.set()
        with self._lock:
            old, self._open = self._open, None
            warming, self._warming = self._warming, []
            watcher, self._watcher = self._watcher, None
        if old is not None:
            old.retire()
        for thread in [*warming, *([watcher] if watcher else [])]:
            thread.join()


def _damage(path: Path, full: bool = True, expected: dict | None = None) -> str | None:
    """What is wrong with the files of build ``path`` (``store.damage``), a meta that
    cannot be read included, or None."""
    try:
        return damage(path, full, expected)
    except IndexDamagedError as exc:
        return exc.problem


def _record_chars(record: dict) -> int:
    """What a remembered record weighs: the characters of its texts (its marks are about a
    quarter of its text's size; the rest is small)."""
    return 64 + sum(len(v) for v in record.values() if isinstance(v, str))
