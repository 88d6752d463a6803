"""A Mastodon account archive: outbox.json (an ActivityStreams OrderedCollection of Create and
Announce activities), actor.json, likes.json and bookmarks.json."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from urllib.parse import urlsplit

from kith.archives.parsers.base import Opener, Parser, one_entry
from kith.archives.readers import expect, iter_json, read_small_json
from kith.archives.records import (
    TEXT_MAX,
    Account,
    MarkRecord,
    MessageRecord,
    PostRecord,
    clip,
    digest,
)
from kith.archives.sources import ArchiveError, Entry, Source

OUTBOX = re.compile(r"(^|/)outbox\.json$", re.IGNORECASE)
ACTOR = re.compile(r"(^|/)actor\.json$", re.IGNORECASE)
LIKES = re.compile(r"(^|/)likes\.json$", re.IGNORECASE)
BOOKMARKS = re.compile(r"(^|/)bookmarks\.json$", re.IGNORECASE)
PUBLIC = {"https://www.w3.org/ns/activitystreams#Public", "as:Public", "Public"}
_STATUS_URL = (
    re.compile(r"^https?://([^/]+)/users/([^/]+)/statuses/"),
    re.compile(r"^https?://([^/]+)/@([^/]+)/"),
)
_TAG = re.compile(r"<[^>]*>")


def account_of(url: str) -> str:
    """Return `name@host` for a Mastodon status URL, or "" when the URL does not say."""
    for pattern in _STATUS_URL:
        match = pattern.match(url or "")
        if match:
            return f"{match[2]}@{match[1]}".lower()
    return ""


def _when(value, *, file: str) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        raise ArchiveError(f"cannot read the date {str(value)[:40]!r}", file=file) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _text(content) -> str:
    text = _TAG.sub(" ", str(content or "").replace("</p>", "\n"))
    return clip(html.unescape(re.sub(r"[ \t]+", " ", text)), TEXT_MAX)


def _mentions(note: dict) -> list[str]:
    tags = note.get("tag") or []
    names = []
    for tag in tags if isinstance(tags, list) else [tags]:
        if isinstance(tag, dict) and tag.get("type") == "Mention":
            name = str(tag.get("name") or "").lstrip("@").lower()
            if name and "@" not in name:
                name = f"{name}@{urlsplit(str(tag.get('href') or '')).hostname or ''}"
            if name:
                names.append(name)
    return names


def _audience(activity: dict, note: dict) -> set[str]:
    audience = set()
    for holder in (activity, note):
        for key in ("to", "cc"):
            value = holder.get(key) or []
            audience.update(str(v) for v in (value if isinstance(value, list) else [value]))
    return audience


class MastodonParser(Parser):
    network = "mastodon"

    def plan(self, source: Source) -> list[Entry]:
        self.outbox = one_entry(source, OUTBOX, "outbox.json", required=True)
        self.actor = one_entry(source, ACTOR, "actor.json", required=True)
        self.likes = one_entry(source, LIKES, "likes.json", required=False)
        self.bookmarks = one_entry(source, BOOKMARKS, "bookmarks.json", required=False)
        return [e for e in (self.actor, self.outbox, self.likes, self.bookmarks) if e]

    def records(self, source: Source, open_entry: Opener) -> Iterator:
        with open_entry(self.actor) as stream:
            actor = expect(
                read_small_json(stream, name=self.actor.name),
                dict,
                name=self.actor.name,
                what="the actor",
            )
        actor_id = str(actor.get("id") or "")
        username = str(actor.get("preferredUsername") or "").lower()
        host = urlsplit(actor_id).hostname or ""
        if not username or not host:
            raise ArchiveError("has no id and preferredUsername", file=self.actor.name)
        me = f"{username}@{host}"
        yield Account(me)
        with open_entry(self.outbox) as stream:
            for activity in iter_json(stream, name=self.outbox.name, prefix="orderedItems.item"):
                expect(activity, dict, name=self.outbox.name, what="an item of orderedItems")
                yield from self._activity(activity, me)
        for entry, kind in ((self.likes, "like"), (self.bookmarks, "bookmark")):
            if entry is None:
                continue
            with open_entry(entry) as stream:
                for url in iter_json(stream, name=entry.name, prefix="orderedItems.item"):
                    url = str(url.get("id") if isinstance(url, dict) else url)
                    yield MarkRecord(kind=kind, external_id=digest(kind, url), url=clip(url, 1000))

    def _activity(self, activity: dict, me: str) -> Iterator:
        name = self.outbox.name
        kind = activity.get("type")
        when = _when(activity.get("published"), file=name)
        if kind == "Announce":
            target = activity.get("object")
            target_url = str(target.get("id") if isinstance(target, dict) else target or "")
            yield PostRecord(
                external_id=digest(activity.get("id") or target_url),
                kind="repost",
                created_at=when,
                target=account_of(target_url),
                target_url=clip(target_url, 1000),
            )
            return
        note = activity.get("object")
        if kind != "Create" or not isinstance(note, dict):
            return
        external_id = digest(note.get("id") or activity.get("id"))
        audience = _audience(activity, note)
        mentions = [m for m in _mentions(note) if m != me]
        if not audience & PUBLIC and not any(a.endswith("/followers") for a in audience):
            for other in mentions:
                yield MessageRecord(
                    external_id=digest(external_id, other),
                    conversation=clip(str(note.get("conversation") or external_id), 200),
                    counterpart=clip(other, 300),
                    counterpart_name=clip("@" + other, 200),
                    sent=True,
                    sent_at=when or _when(note.get("published"), file=name),
                )
            return
        reply_to = str(note.get("inReplyTo") or "")
        target = ""
        if reply_to:
            target = account_of(reply_to) or (mentions[0] if mentions else "")
        yield PostRecord(
            external_id=external_id,
            kind="reply" if reply_to and target != me else "post",
            created_at=when or _when(note.get("published"), file=name),
            text=_text(note.get("content")),
            target=clip(target if target != me else "", 300),
            target_url=clip(reply_to, 1000),
        )
