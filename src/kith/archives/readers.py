"""Streaming readers for the files inside an archive: CSV rows and JSON array items.

Both read a bounded binary stream piece by piece, so memory stays bounded whatever the size
of the file; every error names the file, and the line where there is one.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

import ijson

from kith.archives.sources import ArchiveError, CountingReader

MAX_LINE = 1024 * 1024  # a CSV line longer than this is not a real export
MAX_SMALL_JSON = 4 * 1024 * 1024  # actor.json and the like are read whole, up to this
BOM = b"\xef\xbb\xbf"
YTD_PREFIX = re.compile(rb"^\s*window\.YTD\.[A-Za-z0-9_]+\.part\d+\s*=\s*")


@dataclass
class Row:
    """One CSV record: its values by column name, and the line it starts on."""

    line: int
    values: dict[str, str]

    def get(self, column: str) -> str:
        return (self.values.get(column) or "").strip()


def _lines(stream: CountingReader, name: str, counter: list[int]) -> Iterator[str]:
    """Yield decoded lines, checking length and UTF-8 line by line (a BOM is dropped)."""
    buffered = io.BufferedReader(stream, buffer_size=1 << 16)
    number = 0
    while True:
        raw = buffered.readline(MAX_LINE + 1)
        if not raw:
            return
        number += 1
        counter[0] = number
        if len(raw) > MAX_LINE:
            raise ArchiveError(
                f"the line is longer than {MAX_LINE:,} bytes", file=name, line=number
            )
        if number == 1 and raw.startswith(BOM):
            raw = raw[len(BOM) :]
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ArchiveError(
                f"not valid UTF-8 (byte {exc.start + 1} of the line)", file=name, line=number
            ) from None


def read_csv(
    stream: CountingReader,
    *,
    name: str,
    required: set[str],
    known: set[str],
    header_starts: str,
    max_preamble: int = 20,
) -> Iterator[Row]:
    """Yield the rows of a CSV file whose header row starts with `header_starts`.

    Lines before the header (LinkedIn's "Notes:" preamble) are skipped, at most
    `max_preamble` of them. The header must hold every `required` column; a header with
    columns outside `known` that lacks required ones is named as a different file.
    """
    counter = [0]
    lines = _lines(stream, name, counter)
    header_line = None
    for line in lines:
        if line.lstrip('"').startswith(header_starts):
            header_line = line
            break
        if counter[0] > max_preamble:
            break
    if header_line is None:
        raise ArchiveError(
            f"no header row starting with {header_starts!r} in the first {max_preamble} lines",
            file=name,
        )
    header_number = counter[0]
    header = [column.strip() for column in next(csv.reader([header_line]))]
    missing = sorted(required - set(header))
    if missing:
        unknown = sorted(set(header) - known)
        detail = f"; unknown columns: {', '.join(unknown)}" if unknown else ""
        raise ArchiveError(
            f"the header lacks the columns {', '.join(missing)}{detail}",
            file=name,
            line=header_number,
        )
    reader = csv.reader(lines, strict=True)
    while True:
        start = counter[0] + 1
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ArchiveError(f"malformed CSV ({exc})", file=name, line=start) from None
        if not fields or fields == [""]:
            continue
        if len(fields) != len(header):
            raise ArchiveError(
                f"has {len(fields)} fields where the header has {len(header)}",
                file=name,
                line=start,
            )
        yield Row(start, dict(zip(header, fields, strict=True)))


class _PrefixedStream:
    """The bytes of a stream after a prefix the caller has already looked at."""

    def __init__(self, head: bytes, stream: CountingReader):
        self.head = head
        self.stream = stream

    def read(self, size: int = -1) -> bytes:
        if size == 0:  # ijson probes the stream's type with read(0)
            return b""
        if self.head:
            data, self.head = self.head, b""
            return data
        return self.stream.read(size if size and size > 0 else 1 << 16)


def json_stream(stream: CountingReader, *, name: str, ytd: bool) -> _PrefixedStream:
    head = stream.read(4096)
    if head.startswith(BOM):
        head = head[len(BOM) :]
    if ytd:
        match = YTD_PREFIX.match(head)
        if match is None:
            raise ArchiveError(
                "does not start with 'window.YTD.<name>.part<n> = ' (not an X archive file)",
                file=name,
                line=1,
            )
        head = head[match.end() :]
    return _PrefixedStream(head, stream)


def json_error(exc: Exception, name: str) -> ArchiveError:
    text = str(exc).strip()
    if isinstance(exc, UnicodeDecodeError) or "UTF8" in text or "UTF-8" in text:
        return ArchiveError("not valid UTF-8", file=name)
    if text.startswith(("b'", 'b"')):
        text = text[2:]
    first = text.splitlines()[0] if text else type(exc).__name__
    return ArchiveError(f"malformed JSON ({first})", file=name)


def iter_json(
    stream: CountingReader, *, name: str, prefix: str = "item", ytd: bool = False
) -> Iterator:
    """Yield the items at `prefix` ("item": a top-level array) one at a time."""
    source = json_stream(stream, name=name, ytd=ytd)
    try:
        yield from ijson.items(source, prefix, use_float=True)
    except (ijson.JSONError, UnicodeDecodeError, ValueError) as exc:
        if isinstance(exc, ArchiveError):
            raise
        raise json_error(exc, name) from None


def read_small_json(stream: CountingReader, *, name: str, ytd: bool = False):
    """Return a small JSON document (at most MAX_SMALL_JSON bytes) parsed whole."""
    source = json_stream(stream, name=name, ytd=ytd)
    chunks = []
    size = 0
    while chunk := source.read(1 << 16):
        size += len(chunk)
        if size > MAX_SMALL_JSON:
            raise ArchiveError(f"larger than {MAX_SMALL_JSON:,} bytes", file=name)
        chunks.append(chunk)
    data = b"".join(chunks)
    try:
        return json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise ArchiveError("not valid UTF-8", file=name) from None
    except json.JSONDecodeError as exc:
        raise ArchiveError(f"malformed JSON ({exc.msg})", file=name, line=exc.lineno) from None


def expect(value, kind: type | tuple[type, ...], *, name: str, what: str):
    """Return `value` if it is of `kind`, else fail naming the file and what was expected."""
    if not isinstance(value, kind):
        raise ArchiveError(f"{what} has an unexpected shape", file=name)
    return value
