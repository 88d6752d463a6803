"""Synthetic archives in each network's export format, for tests, benchmarks and trying out.

Made-up people only (example.com addresses); the same arguments always give the same bytes
apart from the zip's timestamps.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

FIRST = ["Ada", "Bruno", "Chiara", "Dmitri", "Esra", "Femi", "Greta", "Hiro", "Ines", "Jonas"]
LAST = ["Alvarez", "Berg", "Costa", "Dahl", "Eze", "Fischer", "Gupta", "Holm", "Ito", "Jensen"]
LINKEDIN_NOTES = (
    "Notes:\n"
    '"When exporting your connection data, you may notice that some of the email addresses '
    "are missing. You will only see email addresses for connections who have allowed their "
    'connections to see or download their email address."\n'
    "\n"
)
START = datetime(2021, 1, 4, 9, 30, tzinfo=UTC)
ME_LINKEDIN = "https://www.linkedin.com/in/sam-sample"


def person(i: int) -> tuple[str, str]:
    """Return the first and last name of synthetic person `i`."""
    return FIRST[i % len(FIRST)], f"{LAST[(i // len(FIRST)) % len(LAST)]}{i}"


def linkedin_url(i: int) -> str:
    first, last = person(i)
    return f"https://www.linkedin.com/in/{first.lower()}-{last.lower()}"


def _csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def linkedin_files(*, connections: int = 5, messaged: int = 2, invitations: int = 2) -> dict:
    """Return {name: text} for Connections.csv, messages.csv and Invitations.csv.

    The owner (Sam Sample) sent one message to each of the first `messaged` connections and
    received one reply from the first of them.
    """
    rows = [
        ["First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"]
    ]
    for i in range(connections):
        first, last = person(i)
        email = f"{first.lower()}.{last.lower()}@example.com" if i % 2 == 0 else ""
        day = (START + timedelta(days=i)).strftime("%d %b %Y")
        rows.append([first, last, linkedin_url(i), email, "Example Co", "Engineer", day])
    messages = [
        [
            "CONVERSATION ID",
            "CONVERSATION TITLE",
            "FROM",
            "SENDER PROFILE URL",
            "TO",
            "RECIPIENT PROFILE URLS",
            "DATE",
            "SUBJECT",
            "CONTENT",
            "FOLDER",
        ]
    ]
    for i in range(messaged):
        first, last = person(i)
        when = (START + timedelta(hours=i)).strftime("%Y-%m-%d %H:%M:%S UTC")
        messages.append(
            [
                *(f"conv-{i}", "", "Sam Sample", ME_LINKEDIN, f"{first} {last}", linkedin_url(i)),
                *(when, "", f"Hello {first}, how are things, with a comma?", "INBOX"),
            ]
        )
        if i == 0:
            messages.append(
                [
                    *(f"conv-{i}", "", f"{first} {last}", linkedin_url(i), "Sam Sample"),
                    *(ME_LINKEDIN, when.replace("09:", "10:"), "", "Fine, thanks!\nSecond line."),
                    "INBOX",
                ]
            )
    invites = [
        ["From", "To", "Sent At", "Message", "Direction", "inviterProfileUrl", "inviteeProfileUrl"]
    ]
    for i in range(invitations):
        first, last = person(100 + i)
        outgoing = i % 2 == 0
        sent = (START + timedelta(days=30 + i)).strftime("%-m/%-d/%y, %-I:%M %p")
        invites.append(
            [
                "Sam Sample" if outgoing else f"{first} {last}",
                f"{first} {last}" if outgoing else "Sam Sample",
                sent,
                "",
                "OUTGOING" if outgoing else "INCOMING",
                ME_LINKEDIN if outgoing else linkedin_url(100 + i),
                linkedin_url(100 + i) if outgoing else ME_LINKEDIN,
            ]
        )
    return {
        "Connections.csv": LINKEDIN_NOTES + _csv(rows),
        "messages.csv": _csv(messages),
        "Invitations.csv": _csv(invites),
    }


def write_zip(path: Path, files: dict[str, str | bytes]) -> Path:
    """Write `files` ({name: content}) into a deflated zip at `path`."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content.encode() if isinstance(content, str) else content)
    return path


def linkedin_zip(path: Path, **counts) -> Path:
    return write_zip(path, linkedin_files(**counts))


def _note(i: int, me: str, **extra) -> dict:
    return {
        "id": f"{me}/statuses/{1000 + i}",
        "type": "Note",
        "published": (START + timedelta(minutes=i)).isoformat().replace("+00:00", "Z"),
        "content": f"<p>Synthetic post {i} &amp; more</p>",
        **extra,
    }


def mastodon_files(*, posts: int = 3, replies: int = 2, boosts: int = 1, direct: int = 1) -> dict:
    """Return {name: text} for a Mastodon archive of sam@social.example."""
    me = "https://social.example/users/sam"
    public = ["https://www.w3.org/ns/activitystreams#Public"]
    followers = [f"{me}/followers"]
    items = []
    for i in range(posts):
        note = _note(i, me, to=public, cc=followers, inReplyTo=None)
        items.append({"id": f"{note['id']}/activity", "type": "Create", "object": note})
    for i in range(replies):
        other = (
            "https://other.example/users/ines/statuses/77"
            if i % 2
            else ("https://other.example/@jonas/78")
        )
        note = _note(100 + i, me, to=public, cc=followers, inReplyTo=other)
        items.append({"id": f"{note['id']}/activity", "type": "Create", "object": note})
    # a reply to oneself continues one's thread: a post
    note = _note(200, me, to=public, cc=followers, inReplyTo=f"{me}/statuses/1000")
    items.append({"id": f"{note['id']}/activity", "type": "Create", "object": note})
    for i in range(boosts):
        items.append(
            {
                "id": f"{me}/statuses/{300 + i}/activity",
                "type": "Announce",
                "published": START.isoformat(),
                "to": public,
                "object": f"https://other.example/users/greta/statuses/{900 + i}",
            }
        )
    for i in range(direct):
        mention = {
            "type": "Mention",
            "href": "https://other.example/users/ines",
            "name": "@ines@other.example",
        }
        note = _note(400 + i, me, to=["https://other.example/users/ines"], cc=[], tag=[mention])
        items.append({"id": f"{note['id']}/activity", "type": "Create", "object": note})
    outbox = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": "outbox.json",
        "type": "OrderedCollection",
        "totalItems": len(items),
        "orderedItems": items,
    }
    actor = {"id": me, "type": "Person", "preferredUsername": "sam", "name": "Sam Sample"}
    likes = {
        "type": "OrderedCollection",
        "orderedItems": ["https://other.example/users/ines/statuses/5"],
    }
    bookmarks = {"type": "OrderedCollection", "orderedItems": []}
    return {
        "outbox.json": json.dumps(outbox),
        "actor.json": json.dumps(actor),
        "likes.json": json.dumps(likes),
        "bookmarks.json": json.dumps(bookmarks),
    }


def ytd(name: str, items: list) -> str:
    """Return the text of an X archive file: `window.YTD.<name>.part0 = [...]`."""
    return f"window.YTD.{name}.part0 = " + json.dumps(items, indent=2)


def tweet(i: int, *, me: str = "42", kind: str = "post") -> dict:
    """Return synthetic tweet `i` in the archive's shape (a post, reply, self_reply or retweet)."""
    created = (START + timedelta(minutes=i)).strftime("%a %b %d %H:%M:%S +0000 %Y")
    body = {
        "id_str": str(10_000_000 + i),
        "full_text": f"Synthetic tweet number {i}, nothing to see here #sample",
        "created_at": created,
        "retweeted": False,
        "entities": {"user_mentions": [], "hashtags": [{"text": "sample"}]},
    }
    if kind == "reply":
        body |= {
            "in_reply_to_status_id_str": str(5_000 + i),
            "in_reply_to_user_id_str": str(700 + i % 7),
            "in_reply_to_screen_name": f"friend{i % 7}",
        }
    elif kind == "self_reply":
        body |= {"in_reply_to_status_id_str": str(10_000_000), "in_reply_to_user_id_str": me}
    elif kind == "retweet":
        body["full_text"] = f"RT @friend{i % 3}: something worth sharing {i}"
    return {"tweet": body}


def x_files(*, tweets: int = 6, followers: int = 3, following: int = 4, messages: int = 2) -> dict:
    """Return {name: text} for an X archive of @sam (account 42).

    Tweets cycle post, reply, retweet, self-reply; followers are accounts 700.., following
    700.. too (so min(followers, following) mutuals); messages go to account 700 and back.
    """
    kinds = ["post", "reply", "retweet", "self_reply"]
    account = [{"account": {"accountId": "42", "username": "sam", "accountDisplayName": "Sam"}}]
    dms = []
    for i in range(messages):
        sent = i % 2 == 0
        dms.append(
            {
                "messageCreate": {
                    "id": str(90_000 + i),
                    "senderId": "42" if sent else "700",
                    "recipientId": "700" if sent else "42",
                    "text": "hi",
                    "createdAt": (START + timedelta(hours=i)).isoformat().replace("+00:00", "Z"),
                }
            }
        )
    return {
        "data/account.js": ytd("account", account),
        "data/tweets.js": ytd("tweets", [tweet(i, kind=kinds[i % 4]) for i in range(tweets)]),
        "data/follower.js": ytd(
            "follower", [{"follower": {"accountId": str(700 + i)}} for i in range(followers)]
        ),
        "data/following.js": ytd(
            "following", [{"following": {"accountId": str(700 + i)}} for i in range(following)]
        ),
        "data/direct-messages.js": ytd(
            "direct_messages",
            [{"dmConversation": {"conversationId": "42-700", "messages": dms}}],
        ),
    }


def large_x_zip(path: Path, *, tweets: int, per_part: int = 25_000) -> Path:
    """Write an X archive of `tweets` tweets, streamed into the zip part by part."""
    kinds = ["post", "reply", "retweet", "self_reply"]
    files = x_files(tweets=0, followers=500, following=800, messages=200)
    del files["data/tweets.js"]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
        for part, start in enumerate(range(0, tweets, per_part), 1):
            with archive.open(f"data/tweets-part{part}.js", "w") as out:
                out.write(f"window.YTD.tweets.part{part - 1} = [\n".encode())
                for i in range(start, min(start + per_part, tweets)):
                    prefix = b",\n" if i > start else b""
                    out.write(prefix + json.dumps(tweet(i, kind=kinds[i % 4]), indent=2).encode())
                out.write(b"\n]")
    return path
