"""What every parser provides: the files it will read, then its records one at a time."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager

from kith.archives.sources import ArchiveError, CountingReader, Entry, Source

Opener = Callable[[Entry], AbstractContextManager[CountingReader]]


def one_entry(source: Source, pattern: re.Pattern[str], label: str, *, required: bool):
    """Return the entry `pattern` names (the shallowest), or None; fail if it is required."""
    found = source.find(pattern)
    if found:
        return found[0]
    if required:
        raise ArchiveError(f"{label} is missing from the archive", file=source.label)
    return None


class Parser(ABC):
    """Read one network's archive: `plan` checks which files are there, `records` reads them."""

    network: str
    loose: re.Pattern[str] | None = None  # loose files accepted instead of a zip

    @abstractmethod
    def plan(self, source: Source) -> list[Entry]:
        """Return the entries `records` will read (for the progress total); check they exist."""

    @abstractmethod
    def records(self, source: Source, open_entry: Opener) -> Iterator:
        """Yield the archive's records (Account, PostRecord, ContactRecord, …) one by one."""
