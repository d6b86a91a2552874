"""A small corpus scanned while the build's own modules are still being imported.

A reindex first spends about 50 ms importing Whoosh and the index's modules on one core
while the other waits. Scanning the corpus (``loading.scan_corpus``: 17 ms for the bundled
384 records) and hashing the tables and the code that the build's meta records
(``version``: about 8 ms) need none of those modules. ``start`` forks a process that does
both and hands them back through a pipe (``Prescan.result``); the command line starts it
before it imports the build (manage.py reindex), and ``build.reindex`` takes what it found.

Only a corpus whose records its scan holds (``loading.HOLD_RECORDS_BYTES``) is scanned so:
a larger one's scan is parallel parsing of many seconds, and what it keeps too large to
pass through a pipe for what it would save. Whatever goes wrong in the forked process (an
unreadable folder, a killed process) gives no result, and the build scans the corpus
itself, saying the error as it always did.

What the scan works out of each record (``measures.content``, ``measures.weight``) lives in
a module of its own, so that the forked process needs none of the build's modules.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import threading
from dataclasses import dataclass
from pathlib import Path

from ..config import corpus_dir
from ..corpus.loading import Scan, holds_records, scan_corpus
from .measures import content, weight
from .version import code_hashes, input_hashes


@dataclass
class Prescanned:
    """What the forked process found: the corpus's scan, and the hashes of the inputs
    other than the archives (``input_hashes(folder, archives=False)``) and of the code."""

    folder: Path
    scan: Scan
    inputs: dict[str, str]
    code: dict[str, str]


class Prescan:
    """A forked process scanning a corpus; ``result`` waits for it and takes what it found."""

    def __init__(self, pid: int, fd: int) -> None:
        self._pid = pid
        self._fd: int | None = fd

    def result(self) -> Prescanned | None:
        """What the process found, or None if it found nothing (it failed or was killed):
        the build then scans the corpus itself. Taken once; the process is waited for."""
        if self._fd is None:
            return None
        chunks = []
        try:
            with open(self._fd, "rb", closefd=True) as pipe:
                self._fd = None
                while chunk := pipe.read(1 << 20):
                    chunks.append(chunk)
        except OSError:
            chunks = []
        _, status = os.waitpid(self._pid, 0)
        return decoded(b"".join(chunks)) if status == 0 else None

    def close(self) -> None:
        """Let the process go without its result (it may be blocked writing it)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self._pid, 0)


def found(folder: Path) -> bytes:
    """What the forked process hands back: ``Prescanned``, pickled."""
    return pickle.dumps(Prescanned(folder, scan_corpus(folder, content, weight),
                                   input_hashes(folder, archives=False), code_hashes()),
                        pickle.HIGHEST_PROTOCOL)


def decoded(data: bytes) -> Prescanned | None:
    """``found``'s bytes read back; None if there are none or they are cut short."""
    if not data:
        return None
    try:
        back = pickle.loads(data)
    except Exception:  # noqa: BLE001 (cut short: the build scans again)
        return None
    return back if isinstance(back, Prescanned) else None


def start(corpus: str | os.PathLike | None = None) -> Prescan | None:
    """Fork the scan of the corpus folder (``corpus``: its override, as ``reindex`` takes
    it), or None where that does not pay or is not safe: a corpus whose scan would not hold
    its records, a process with other threads (a fork could copy a lock one of them
    holds), a system without fork."""
    folder = corpus_dir(corpus)
    if not hasattr(os, "fork") or threading.active_count() > 1 or not holds_records(folder):
        return None
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the forked process: the scan, the hashes, then out without Python's exit
        status = 1
        try:
            os.close(read)
            data = found(folder)
            with open(write, "wb", closefd=True) as pipe:
                pipe.write(data)
            status = 0
        finally:
            os._exit(status)
    os.close(write)
    return Prescan(pid, read)
