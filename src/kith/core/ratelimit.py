"""Counting attempts in a fixed window through the cache (shared across processes with Redis)."""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.core.cache import cache


@dataclass(frozen=True)
class Limit:
    scope: str
    attempts: int
    window_seconds: int

    def _key(self, subject: str) -> tuple[str, int]:
        window = int(time.time()) // self.window_seconds
        return f"rl:{self.scope}:{subject}:{window}", window

    def is_exceeded(self, subject: str) -> bool:
        """Return whether `subject` used up its attempts in the current window."""
        key, _ = self._key(subject)
        return (cache.get(key) or 0) >= self.attempts

    def hit(self, subject: str) -> int:
        """Count one attempt by `subject`; return its attempts in the window so far."""
        key, _ = self._key(subject)
        if cache.add(key, 1, timeout=self.window_seconds + 5):
            return 1
        try:
            return cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=self.window_seconds + 5)
            return 1

    def window_end(self) -> int:
        """Return when the current window ends, as a Unix time."""
        now = int(time.time())
        return now - now % self.window_seconds + self.window_seconds

    def seconds_left(self) -> int:
        """Return how long until the current window ends."""
        return self.window_seconds - int(time.time()) % self.window_seconds
