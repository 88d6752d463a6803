"""Short links: every external http(s) URL of a post goes through /s/<code>.

The code is chosen when the body is drafted, so the stored HTML points at the short link
while its text stays the URL as written. An edit keeps the codes (and clicks) of the URLs
the post already had. Only the author reads the click counts.
"""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Count
from django.http import Http404

from kith.conversations.models import Click, Post, ShortLink

CODE_BYTES = 6  # 8 URL-safe characters: 2**48 codes


def new_code() -> str:
    return secrets.token_urlsafe(CODE_BYTES)


def is_external(url: str) -> bool:
    """Return whether `url` is an http(s) URL to another site (the only ones shortened)."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        return False
    ours = urlsplit(settings.BASE_URL)
    return (parts.scheme.lower(), parts.netloc.lower()) != (ours.scheme, ours.netloc.lower())


def plan_codes(urls: list[str], *, post: Post | None = None) -> dict[str, str]:
    """Return a code for each external URL of `urls`, reusing those `post` already has."""
    external = [url for url in urls if is_external(url)]
    if not external:
        return {}
    have: dict[str, str] = {}
    if post is not None:
        have = dict(
            ShortLink.objects.filter(post=post, url__in=external).values_list("url", "code")
        )
    return {url: have.get(url) or new_code() for url in external}


def short_url(code: str) -> str:
    return f"{settings.BASE_URL}/s/{code}"


def save_links(post: Post, codes: dict[str, str]) -> None:
    """Store the short links of `post` that are new (inside the caller's transaction).

    Links the post no longer has are kept: its edit history still points at them.
    """
    if not codes:
        return
    have = set(ShortLink.objects.filter(post=post).values_list("url", flat=True))
    ShortLink.objects.bulk_create(
        [ShortLink(post=post, url=url, code=code) for url, code in codes.items() if url not in have]
    )


def referrer_host(referrer: str | None) -> str:
    """Return just the host of a Referer header ("" if none or unreadable)."""
    try:
        return (urlsplit(referrer or "").hostname or "")[:255]
    except ValueError:
        return ""


def links_for_author(viewer, post: Post) -> list[ShortLink]:
    """Return the short links of `post` with clicks, for its author only (else Http404).

    Each link carries `referrers`: (host, clicks) pairs, most first ("" is no referrer).
    Two queries.
    """
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        raise Http404("No such post.")
    if viewer.pk != post.author_id:
        raise Http404("No such post.")
    links = list(ShortLink.objects.filter(post=post).order_by("id"))
    by_link: dict[int, list[tuple[str, int]]] = {}
    rows = (
        Click.objects.filter(link__post=post)
        .values_list("link_id", "referrer_host")
        .annotate(n=Count("id"))
        .order_by("link_id", "-n", "referrer_host")
    )
    for link_id, host, n in rows:
        by_link.setdefault(link_id, []).append((host, n))
    for link in links:
        link.referrers = by_link.get(link.pk, [])
        link.short_url = short_url(link.code)
    return links
