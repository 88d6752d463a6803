"""Context, Conversation, List, Marker, Application, Token and Error.

Context and Conversation carry statuses and accounts: they are built through `statuses` and
`Accounts`, so a thread or a page of conversations costs a fixed number of queries. Marker,
Application, Token and Error are plain values (the endpoints own their storage).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from kith.conversations.models import Post
from kith.feeds.models import PersonList
from kith.mastodon.entities.accounts import Accounts
from kith.mastodon.entities.common import iso
from kith.mastodon.entities.statuses import statuses
from kith.people.models import Person


def context(ancestors: list[Post], descendants: list[Post], viewer) -> dict:
    """Return the Context of a status: its `ancestors` and `descendants` (loaded through
    the access rule, oldest first) as Statuses, built in one batch."""
    shown = {int(s["id"]): s for s in statuses(ancestors + descendants, viewer, context="thread")}
    return {
        "ancestors": [shown[p.pk] for p in ancestors if p.pk in shown],
        "descendants": [shown[p.pk] for p in descendants if p.pk in shown],
    }


@dataclass
class ConversationRow:
    """One direct conversation as the endpoint found it: the other people in it, its last
    post (visibility "mentioned", loaded through the access rule) and whether it is unread."""

    id: int
    people: list[Person]
    last_post: Post | None
    unread: bool = False
    extra: dict = field(default_factory=dict)


def conversations(rows: Iterable[ConversationRow], viewer) -> list[dict]:
    """Return the Conversations of `rows`: the participants but the viewer as Accounts (the
    viewer alone when nobody else is in it, as Mastodon shows a note to oneself), the last
    post as a Status (null if the viewer may not see one). A fixed number of queries."""
    rows = list(rows)

    def ids(row: ConversationRow) -> list[int]:
        return [p.pk for p in row.people if p.pk != viewer.pk] or [viewer.pk]

    people = Accounts(viewer).load(pk for row in rows for pk in ids(row))
    posts = [r.last_post for r in rows if r.last_post is not None]
    shown = {int(s["id"]): s for s in statuses(posts, viewer, accounts=people)} if posts else {}
    return [
        {
            "id": str(row.id),
            "unread": row.unread,
            "accounts": [people.of(pk) for pk in ids(row)],
            "last_status": shown.get(row.last_post.pk) if row.last_post is not None else None,
        }
        for row in rows
    ]


def list_entity(person_list: PersonList) -> dict:
    """Return a List: Kith's list feeds show the members' posts, never their replies
    (`replies_policy: none`), and never take them out of the home feed (not exclusive)."""
    return {
        "id": str(person_list.pk),
        "title": person_list.name,
        "replies_policy": "none",
        "exclusive": False,
    }


@dataclass(frozen=True)
class MarkerValue:
    """A reading position: the last read id in a timeline, a version counter, when set."""

    last_read_id: int
    version: int
    updated_at: dt.datetime


def markers(values: dict[str, MarkerValue]) -> dict:
    """Return the markers of `values` ({"home": …, "notifications": …}) as Mastodon's hash
    of Marker by timeline."""
    return {
        timeline: {
            "last_read_id": str(value.last_read_id),
            "version": value.version,
            "updated_at": iso(value.updated_at),
        }
        for timeline, value in values.items()
    }


def application(
    *,
    name: str,
    website: str | None,
    scopes: list[str],
    redirect_uris: list[str],
    client_id: str | None = None,
    client_secret: str | None = None,
    app_id: int | str | None = None,
) -> dict:
    """Return an Application; with `client_id` and `client_secret` (only when the app is
    created: the secret is kept hashed) a CredentialApplication."""
    data = {
        "name": name,
        "website": website or None,
        "scopes": list(scopes),
        "redirect_uri": "\n".join(redirect_uris),
        "redirect_uris": list(redirect_uris),
        "vapid_key": "",
    }
    if app_id is not None:
        data["id"] = str(app_id)
    if client_id is not None:
        data["client_id"] = client_id
    if client_secret is not None:
        data["client_secret"] = client_secret
        data["client_secret_expires_at"] = 0
    return data


def token(*, access_token: str, scopes: list[str], created_at: dt.datetime) -> dict:
    """Return a Token (`POST /oauth/token`): `created_at` is a UNIX timestamp."""
    return {
        "access_token": access_token,
        "token_type": "Bearer",
        "scope": " ".join(scopes),
        "created_at": int(created_at.timestamp()),
    }


def error(message: str, description: str | None = None) -> dict:
    """Return an Error: `error`, and `error_description` (OAuth errors) when given."""
    data = {"error": message}
    if description is not None:
        data["error_description"] = description
    return data


def suggestion(account: dict, sources: list[str]) -> dict:
    """Return a Suggestion (v2) of an Account (`Accounts.of`): `sources` from Mastodon's
    list ("friends_of_friends" for Kith's connections of connections, "similar_to_recently_
    followed", "most_interactions", …); `source` is the deprecated single value."""
    legacy = "global" if set(sources) & {"featured", "most_followed"} else "past_interactions"
    return {"source": legacy, "sources": list(sources), "account": account}


def familiar_followers(person_id: int, accounts: list[dict]) -> dict:
    """Return a FamiliarFollowers: the people the viewer follows who follow `person_id`."""
    return {"id": str(person_id), "accounts": accounts}


def search_results(*, accounts: list[dict], statuses: list[dict], hashtags: list[dict]) -> dict:
    """Return a Search (v2) result from already built Accounts, Statuses and Tags."""
    return {"accounts": accounts, "statuses": statuses, "hashtags": hashtags}


def preferences() -> dict:
    """Return a person's Preferences: Kith has no per-person posting defaults, so they are
    Mastodon's defaults (public, not sensitive, no language; media and warnings as set)."""
    return {
        "posting:default:visibility": "public",
        "posting:default:sensitive": False,
        "posting:default:language": None,
        "posting:default:quote_policy": "public",
        "reading:expand:media": "default",
        "reading:expand:spoilers": False,
    }


def report_entity(report, target_account: dict) -> dict:
    """Return a Report of a Kith community report (its community's moderators handle it):
    one post, category "other", the reason as the comment, never forwarded."""
    return {
        "id": str(report.pk),
        "action_taken": report.status != "open",
        "action_taken_at": iso(report.resolved_at),
        "category": "other",
        "comment": report.reason,
        "forwarded": False,
        "created_at": iso(report.created_at),
        "status_ids": [str(report.post_id)],
        "rule_ids": None,
        "target_account": target_account,
    }
