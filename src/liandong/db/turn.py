"""SQLite's one writer at a time, queued without the busy handler's sleeps.

SQLite lets one transaction write at a time; a second BEGIN IMMEDIATE waits in SQLite's busy handler, which polls
with sleeps growing to 100 ms, so under a burst of writes a writer can wait a second after the lock was free. Here
writers take their turn before BEGIN IMMEDIATE: the threads of one process through a lock handed on the moment the
previous writer commits, the processes sharing the file through an advisory lock on `<database>.write-lock`
(tried every half millisecond). Either wait is bounded; a writer that waited the whole time goes on to SQLite's own
busy timeout, as it did before, so nothing waits forever on a lock file.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from pathlib import Path

POLL_SECONDS = 0.0005


class WriteTurn:
    def __init__(self, lock_file: Path | None) -> None:
        self._local = threading.Lock()  # not owner-bound: the commit that hands it on may run on another thread
        self._path = lock_file
        self._fd: int | None = None
        self._pid: int | None = None

    def _file(self) -> int | None:
        if self._path is None:
            return None
        if self._fd is None or self._pid != os.getpid():  # a forked child opens its own (flock is per open file)
            try:
                self._fd, self._pid = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600), os.getpid()
            except OSError:
                self._path = None  # a read-only directory: threads still queue, processes meet the busy timeout
                return None
        return self._fd

    def acquire(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        if not self._local.acquire(timeout=timeout):
            return False
        fd = self._file()
        if fd is None:
            return True
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    self._local.release()
                    return False
                time.sleep(POLL_SECONDS)
            except OSError:
                return True

    def release(self) -> None:
        fd = self._fd if self._pid == os.getpid() else None
        if fd is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_UN)
            except OSError:
                pass
        self._local.release()


def lock_file_for(database: str | None) -> Path | None:
    """`<database>.write-lock` for a database file; None for in-memory and URI databases (one process only)."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(f"{database}.write-lock")
