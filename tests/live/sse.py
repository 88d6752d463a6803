"""Reading a text/event-stream with httpx, frame by frame."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import httpx
import orjson

TIMEOUT = httpx.Timeout(10.0)


@dataclass
class Frame:
    """One SSE frame: an event (id, event, data) or a comment."""

    id: str = ""
    event: str = "message"
    data_lines: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    retry: str = ""

    @property
    def data(self) -> str:
        return "\n".join(self.data_lines)

    def json(self):
        return orjson.loads(self.data)

    @property
    def is_event(self) -> bool:
        return bool(self.data_lines)


class Stream:
    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self._lines = response.iter_lines()
        self.pending: list[Frame] = []
        self.counts: dict | None = None

    def next_frame(self) -> Frame:
        if self.pending:
            return self.pending.pop(0)
        frame = Frame()
        for line in self._lines:
            if line == "":
                if frame.data_lines or frame.comments or frame.retry:
                    return frame
                continue
            if line.startswith(":"):
                frame.comments.append(line[1:].strip())
                continue
            name, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if name == "id":
                frame.id = value
            elif name == "event":
                frame.event = value
            elif name == "data":
                frame.data_lines.append(value)
            elif name == "retry":
                frame.retry = value
        raise EOFError("the stream ended")

    def next_event(self) -> Frame:
        """Return the next frame that is an event, skipping comments (heartbeats)."""
        while True:
            frame = self.next_frame()
            if frame.is_event:
                return frame


@contextmanager
def open_stream(url: str, *, headers=None, cookies=None) -> Iterator[Stream]:
    """Open the stream at `url`, check it answered 200 and read its opening comment."""
    with (
        httpx.Client(timeout=TIMEOUT, cookies=cookies) as client,
        client.stream("GET", url, headers=headers or {}) as response,
    ):
        assert response.status_code == 200, response.read()
        assert response.headers["content-type"].startswith("text/event-stream")
        stream = Stream(response)
        opening = stream.next_frame()
        assert "connected" in opening.comments
        first = stream.next_event()  # the unread counts, unless a resync comes first
        if first.event == "counts":
            stream.counts = first.json()
        else:
            stream.pending.append(first)
        yield stream
