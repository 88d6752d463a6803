"""Time-sortable 64-bit ids, as Mastodon makes them: milliseconds since the epoch, then 16 bits.

Sorting by id sorts by creation time, so pages are cut by id (`max_id`), never by OFFSET.
"""

from __future__ import annotations

import secrets
import threading
import time

_lock = threading.Lock()
_last_ms = 0
_sequence = 0


def new_id() -> int:
    """Return a new id, greater than every id this process returned before."""
    return new_ids(1)[0]


def new_ids(count: int) -> range:
    """Return `count` new ids in a row (consecutive integers), greater than every id this
    process returned before: the same ids as `count` calls of `new_id`, made at once."""
    global _last_ms, _sequence
    with _lock:
        now_ms = int(time.time() * 1000)
        if now_ms > _last_ms:
            _last_ms = now_ms
            # A random start keeps ids made in the same millisecond by other processes apart.
            _sequence = secrets.randbelow(0x8000)
        else:
            _sequence += 1  # past 0xFFFF, this carries into the next millisecond
        first = (_last_ms << 16) + _sequence
        last = first + max(count, 1) - 1
        _last_ms, _sequence = last >> 16, last & 0xFFFF
        return range(first, first + count)


def id_floor(timestamp: float) -> int:
    """Return the smallest id that could have been made at `timestamp` (seconds)."""
    return int(timestamp * 1000) << 16


MAX_ID = 2**63 - 1


def parse_id(raw: str | int | None) -> int | None:
    """Return `raw` as an id, or None if it cannot be one (not digits, or out of range)."""
    if isinstance(raw, int):
        return raw if 0 < raw <= MAX_ID else None
    if not raw or not raw.isdigit() or len(raw) > 19:
        return None
    value = int(raw)
    return value if 0 < value <= MAX_ID else None
