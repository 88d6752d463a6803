"""What a Status is made of besides the post itself: visibility mapping, MediaAttachment,
Status::Tag and Tag, PreviewCard, Poll."""

from __future__ import annotations

from kith.conversations.models import Hashtag, Media, PostVisibility
from kith.conversations.polls import PollView
from kith.mastodon.entities.common import absolute, iso, iso_date

# --- Visibility ---------------------------------------------------------------------------------

TO_MASTODON = {
    PostVisibility.PUBLIC: "public",
    PostVisibility.FOLLOWERS: "private",
    PostVisibility.CONNECTIONS: "private",
    PostVisibility.MENTIONED: "direct",
}
FROM_MASTODON = {
    "public": PostVisibility.PUBLIC,
    "unlisted": PostVisibility.PUBLIC,  # Kith has no unlisted: it is public (docs/mastodon.md)
    "private": PostVisibility.FOLLOWERS,
    "direct": PostVisibility.MENTIONED,
}


def mastodon_visibility(visibility: str) -> str:
    """Return the Mastodon visibility a Kith post shows (connections-only reads as private)."""
    return TO_MASTODON[visibility]


def kith_visibility(visibility: str) -> str | None:
    """Return the Kith visibility for a Mastodon one (unlisted is public), or None if unknown."""
    return FROM_MASTODON.get(visibility)


# --- MediaAttachment, Tag, PreviewCard ----------------------------------------------------------

THUMBNAIL_SIDE = 400  # core.images.thumbnail's default


def _size(width: int, height: int) -> dict:
    return {
        "width": width,
        "height": height,
        "size": f"{width}x{height}",
        "aspect": width / height,
    }


def media_attachment(media: Media) -> dict:
    """Return a MediaAttachment: Kith's images are all `image`, local (no `remote_url`),
    without blurhash; `description` is the alt text or null."""
    meta: dict = {}
    if media.width and media.height:
        meta["original"] = _size(media.width, media.height)
        scale = min(1.0, THUMBNAIL_SIDE / max(media.width, media.height))
        small = (max(1, round(media.width * scale)), max(1, round(media.height * scale)))
        meta["small"] = _size(*small) if media.thumbnail else meta["original"]
    return {
        "id": str(media.pk),
        "type": "image",
        "url": absolute(media.url),
        "preview_url": absolute(media.thumbnail_url),
        "remote_url": None,
        "preview_remote_url": None,
        "text_url": None,
        "meta": meta,
        "description": media.alt_text or None,
        "blurhash": None,
    }


def tag_url(name: str) -> str:
    return absolute(Hashtag(name=name).get_absolute_url())


def status_tag(name: str) -> dict:
    """Return a Status::Tag (a hashtag a status uses)."""
    return {"name": name, "url": tag_url(name)}


def tag(hashtag: Hashtag, *, history: list[dict] | None = None, following: bool | None = None):
    """Return a Tag (search, trends, followed tags): `history` as Mastodon's strings
    ({"day": unix midnight, "uses", "accounts"}), `following` only for a signed-in viewer."""
    data = {
        "id": str(hashtag.pk),
        "name": hashtag.name,
        "url": tag_url(hashtag.name),
        "history": history or [],
    }
    if following is not None:
        data["following"] = following
    return data


def featured_tag(tag_id: int, name: str, statuses_count: int, last_status_at) -> dict:
    """Return a FeaturedTag (one of a person's interests): `last_status_at` is a date, as
    Mastodon gives it, or null when they have no public post with the tag."""
    return {
        "id": str(tag_id),
        "name": name,
        "url": tag_url(name),
        "statuses_count": statuses_count,
        "last_status_at": iso_date(last_status_at),
    }


def preview_card(
    *,
    url: str,
    title: str,
    description: str = "",
    image: str | None = None,
    width: int = 0,
    height: int = 0,
    provider_name: str = "",
) -> dict:
    """Return a PreviewCard of type `link` (Kith fetches no link previews yet, so statuses
    carry `card: null`; this is for the day it does, and for trends/links)."""
    return {
        "url": url,
        "title": title,
        "description": description,
        "type": "link",
        "authors": [],
        "author_name": "",
        "author_url": "",
        "provider_name": provider_name,
        "provider_url": "",
        "html": "",
        "width": width,
        "height": height,
        "image": image,
        "image_description": "",
        "embed_url": "",
        "blurhash": None,
        "language": None,
        "published_at": None,
    }


def poll(view: PollView) -> dict:
    """Return a Poll from the poll as the viewer sees it (`conversations.polls.poll_view`):
    per-option counts are null while the poll hides them (`hide_totals`, until it ends; its
    author sees them); `voters_count` only for a multiple-choice poll, as on Mastodon;
    `voted` and `own_votes` only for a signed-in viewer."""
    data = {
        "id": str(view.id),
        "expires_at": iso(view.expires_at),
        "expired": view.expired,
        "multiple": view.multiple,
        "votes_count": view.votes_count,
        "voters_count": view.voters_count if view.multiple else None,
        "options": [{"title": o.title, "votes_count": o.votes_count} for o in view.options],
        "emojis": [],
    }
    if view.voted is not None:
        data["voted"] = view.voted
        data["own_votes"] = list(view.own_votes)
    return data
