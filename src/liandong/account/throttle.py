"""Log-in throttling: too many failures for one account or one address lock it out for a while.

Pure and in memory (one process); "now" is passed in. A multi-process deployment would keep the same
counts in a shared store such as Redis behind this interface.
"""

from __future__ import annotations

import threading
from collections import deque
from datetime import datetime, timedelta


class LoginThrottle:
    def __init__(self, *, max_failures: int = 5, window: timedelta = timedelta(minutes=15)):
        self.max_failures = max_failures
        self.window = window
        self._failures: dict[str, deque[datetime]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: datetime) -> deque[datetime]:
        times = self._failures.setdefault(key, deque())
        while times and now - times[0] > self.window:
            times.popleft()
        return times

    def retry_after(self, keys: list[str], now: datetime) -> timedelta | None:
        """How long until another attempt is allowed, or None when it is allowed now."""
        with self._lock:
            waits = []
            for key in keys:
                times = self._recent(key, now)
                if len(times) >= self.max_failures:
                    waits.append(times[0] + self.window - now)
            return max(waits) if waits else None

    def failed(self, keys: list[str], now: datetime) -> None:
        with self._lock:
            for key in keys:
                self._recent(key, now).append(now)

    def succeeded(self, keys: list[str]) -> None:
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)
