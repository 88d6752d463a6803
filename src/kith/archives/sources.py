"""Reading an uploaded archive safely: a zip read in place, never extracted to disk.

Every entry of a zip is checked before anything is read: no absolute or `..` names, no
symbolic links, no encrypted entries, a bounded number of entries, a bounded uncompressed
size and compression ratio (zip bombs). Reads are counted as they happen, so a header that
lies about sizes is caught too. Loose files (a LinkedIn CSV, or a folder of them) are read
from the names the importer asks for, never from names found inside a file.
"""

from __future__ import annotations

import hashlib
import io
import re
import stat
import zipfile
import zlib
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from django.conf import settings

# Compressed text shrinks about 5-20 times; a ratio beyond this on a sizeable entry is a bomb.
MAX_RATIO = 200
RATIO_FLOOR = 1024 * 1024  # entries smaller than this may compress as they like
_DRIVE = re.compile(r"^[A-Za-z]:")


class ArchiveError(Exception):
    """An archive that cannot be imported, with the file (and line) where the problem is."""

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = self.file + (f", line {self.line}" if self.line else "") + ": "
        return where + self.message


@dataclass(frozen=True)
class Entry:
    """One file the importer may read: its name in the archive and its uncompressed size."""

    name: str
    size: int
    compressed: int


def _check_name(name: str) -> None:
    normal = name.replace("\\", "/")
    if "\x00" in name:
        raise ArchiveError("an entry name contains a NUL character", file=name)
    if normal.startswith("/") or _DRIVE.match(normal):
        raise ArchiveError("absolute paths are not allowed in an archive", file=name)
    if ".." in PurePosixPath(normal).parts:
        raise ArchiveError("'..' is not allowed in an archive entry's name", file=name)


def file_digest(path: Path) -> str:
    """Return the SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class CountingReader(io.RawIOBase):
    """A binary stream that fails once more than `limit` bytes (or too high a ratio) are read."""

    def __init__(self, raw: BinaryIO, *, name: str, limit: int, compressed: int | None = None):
        super().__init__()
        self.raw = raw
        self.name = name
        self.limit = limit
        self.compressed = compressed
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        try:
            data = self.raw.read(len(buffer))
        except (zipfile.BadZipFile, EOFError, zlib.error) as exc:
            raise ArchiveError(f"damaged in the zip ({exc})", file=self.name) from None
        self.count += len(data)
        if self.count > self.limit:
            raise ArchiveError(
                f"larger than the limit of {self.limit:,} bytes uncompressed", file=self.name
            )
        if (
            self.compressed is not None
            and self.count > RATIO_FLOOR
            and self.count > self.compressed * MAX_RATIO
        ):
            raise ArchiveError("compressed too densely (a zip bomb?)", file=self.name)
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self.raw.close()
        super().close()


class Source(ABC):
    """The files of an archive, looked up by name and opened as bounded binary streams."""

    label: str

    @abstractmethod
    def entries(self) -> list[Entry]:
        """Return the files of the archive (never directories)."""

    @abstractmethod
    def open(self, entry: Entry) -> CountingReader:
        """Open one entry as a bounded binary stream."""

    @abstractmethod
    def close(self) -> None:
        """Release the underlying file."""

    def find(self, pattern: re.Pattern[str]) -> list[Entry]:
        """Return the entries whose name matches `pattern` (case-insensitive), by name."""
        return sorted(
            (e for e in self.entries() if pattern.search(e.name.replace("\\", "/"))),
            key=lambda e: (e.name.count("/"), natural_key(e.name)),
        )

    def __enter__(self) -> Source:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def natural_key(name: str) -> list:
    """Sort `tweets-part10.js` after `tweets-part9.js`."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name.lower())]


class ZipSource(Source):
    """A zip archive, checked entry by entry before any is read."""

    def __init__(self, path: Path, label: str | None = None):
        self.label = label or path.name
        try:
            self.zip = zipfile.ZipFile(path)
        except zipfile.BadZipFile:
            raise ArchiveError("not a zip archive", file=self.label) from None
        except OSError as exc:
            raise ArchiveError(f"cannot be read ({exc.strerror})", file=self.label) from None
        try:
            self._entries = self._check()
        except Exception:
            self.zip.close()
            raise

    def _check(self) -> list[Entry]:
        infos = self.zip.infolist()
        if len(infos) > settings.KITH_ARCHIVE_MAX_ENTRIES:
            raise ArchiveError(
                f"has {len(infos):,} entries; at most {settings.KITH_ARCHIVE_MAX_ENTRIES:,} "
                "are accepted",
                file=self.label,
            )
        total = 0
        entries = []
        for info in infos:
            _check_name(info.filename)
            mode = info.external_attr >> 16
            if info.create_system == 3 and stat.S_ISLNK(mode):
                raise ArchiveError(
                    "symbolic links are not allowed in an archive", file=info.filename
                )
            if info.flag_bits & 0x1:
                raise ArchiveError("encrypted entries are not supported", file=info.filename)
            if info.is_dir():
                continue
            total += info.file_size
            if total > settings.KITH_ARCHIVE_MAX_UNCOMPRESSED_BYTES:
                raise ArchiveError(
                    "uncompresses to more than the limit of "
                    f"{settings.KITH_ARCHIVE_MAX_UNCOMPRESSED_BYTES:,} bytes",
                    file=self.label,
                )
            if info.file_size > RATIO_FLOOR and info.file_size > max(info.compress_size, 1) * (
                MAX_RATIO
            ):
                raise ArchiveError("compressed too densely (a zip bomb?)", file=info.filename)
            entries.append(Entry(info.filename, info.file_size, info.compress_size))
        return entries

    def entries(self) -> list[Entry]:
        return self._entries

    def open(self, entry: Entry) -> CountingReader:
        try:
            raw = self.zip.open(entry.name)
        except (NotImplementedError, zipfile.BadZipFile, RuntimeError) as exc:
            raise ArchiveError(f"cannot be read from the zip ({exc})", file=entry.name) from None
        return CountingReader(
            raw,
            name=entry.name,
            limit=min(entry.size, settings.KITH_ARCHIVE_MAX_UNCOMPRESSED_BYTES),
            compressed=entry.compressed,
        )

    def close(self) -> None:
        self.zip.close()


class FilesSource(Source):
    """Loose files given by the person importing (a LinkedIn CSV or a folder of them)."""

    def __init__(self, files: dict[str, Path], label: str):
        self.label = label
        self.files = files
        self._entries = []
        for name, path in sorted(files.items()):
            if path.is_symlink():
                raise ArchiveError("symbolic links are not read", file=name)
            if not path.is_file():
                raise ArchiveError("not a regular file", file=name)
            size = path.stat().st_size
            self._entries.append(Entry(name, size, size))

    @classmethod
    def from_path(cls, path: Path, wanted: re.Pattern[str]) -> FilesSource:
        """Return the files at `path`: a single file, or the files of a folder `wanted` names."""
        if path.is_dir():
            files = {
                p.name: p for p in sorted(path.iterdir()) if wanted.search(p.name) and p.is_file()
            }
            return cls(files, label=path.name)
        return cls({path.name: path}, label=path.name)

    def entries(self) -> list[Entry]:
        return self._entries

    def open(self, entry: Entry) -> CountingReader:
        raw = open(self.files[entry.name], "rb")  # noqa: SIM115 - closed by the caller
        return CountingReader(
            raw, name=entry.name, limit=settings.KITH_ARCHIVE_MAX_UNCOMPRESSED_BYTES
        )

    def close(self) -> None:
        """Nothing stays open between reads of loose files."""


def open_source(path: Path, *, label: str | None = None, loose: re.Pattern[str] | None = None):
    """Open `path` as a zip, or (where `loose` allows) as loose files or a folder of them."""
    if path.is_symlink():
        raise ArchiveError("symbolic links are not read", file=label or path.name)
    if path.is_dir():
        if loose is None:
            raise ArchiveError("a folder; give the zip archive itself", file=label or path.name)
        return FilesSource.from_path(path, loose)
    if not path.is_file():
        raise ArchiveError("no such file", file=label or path.name)
    with open(path, "rb") as handle:
        magic = handle.read(4)
    if magic.startswith(b"PK"):
        return ZipSource(path, label)
    if loose is not None and loose.search(label or path.name):
        return FilesSource({label or path.name: path}, label=label or path.name)
    expected = "a zip archive" if loose is None else "a zip archive or one of its CSV files"
    raise ArchiveError(f"not {expected}", file=label or path.name)
