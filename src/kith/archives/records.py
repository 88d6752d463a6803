"""What a parser yields: plain records, written to the database only when all are read."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime

TEXT_MAX = 5000


def digest(*parts: object) -> str:
    """Return a stable id for an item that has none of its own (a hash of its fields)."""
    joined = "\x1f".join(str(p) for p in parts).encode()
    return hashlib.sha1(joined, usedforsecurity=False).hexdigest()


def clip(text: str | None, size: int) -> str:
    return (text or "").strip()[:size]


def url_key(url: str) -> str:
    """Return a profile URL reduced to host and path, lower case: the same person, any spelling."""
    url = url.strip().lower().split("?", 1)[0].split("#", 1)[0].rstrip("/")
    url = re.sub(r"^[a-z]+://", "", url)
    return url.removeprefix("www.")


def name_key(name: str) -> str:
    return " ".join(name.casefold().split())


@dataclass(frozen=True)
class Account:
    """Who the archive belongs to on the other network (a handle, a profile URL)."""

    name: str


@dataclass(frozen=True)
class PostRecord:
    external_id: str
    kind: str  # post, reply, repost
    created_at: datetime | None
    text: str = ""
    target: str = ""  # the account replied to or reposted
    target_url: str = ""


@dataclass(frozen=True)
class ContactRecord:
    kind: str  # connection, follower, following
    external_id: str
    name: str = ""
    email: str = ""
    company: str = ""
    position: str = ""
    connected_at: datetime | None = None


@dataclass(frozen=True)
class MessageRecord:
    external_id: str
    conversation: str
    counterpart: str
    counterpart_name: str
    sent: bool
    sent_at: datetime | None


@dataclass(frozen=True)
class InvitationRecord:
    external_id: str
    counterpart: str
    counterpart_name: str
    outgoing: bool
    sent_at: datetime | None


@dataclass(frozen=True)
class MarkRecord:
    kind: str  # like, bookmark
    external_id: str
    url: str
