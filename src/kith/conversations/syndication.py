"""RSS 2.0 and Atom feeds of public posts: a person's, or a tag's (built with feedgen).

Feeds are read by anyone, so they are built as an anonymous viewer sees the posts: public
posts only, through the same selectors as the pages.
"""

from __future__ import annotations

from django.conf import settings
from feedgen.feed import FeedGenerator

from kith.conversations.actions.common import snippet
from kith.conversations.models import Post, PostVisibility
from kith.conversations.selectors import posts_of, tagged_posts

FORMATS = ("rss", "atom")
FEED_SIZE = 20
CONTENT_TYPES = {
    "rss": "application/rss+xml; charset=utf-8",
    "atom": "application/atom+xml; charset=utf-8",
}


def _url(path: str) -> str:
    return f"{settings.BASE_URL}{path}"


def _build(*, title: str, page_path: str, feed_path: str, posts: list[Post], fmt: str) -> bytes:
    feed = FeedGenerator()
    feed.id(_url(page_path))
    feed.title(title)
    feed.link(href=_url(page_path), rel="alternate")
    feed.link(href=_url(feed_path), rel="self")
    feed.description(title)  # RSS requires one
    feed.language("en")
    feed.generator("Kith")
    for post in reversed(posts):  # feedgen puts each new entry first
        # Belt and braces: a feed is public, whatever a caller passes in.
        if post.visibility != PostVisibility.PUBLIC or post.is_deleted:
            continue
        entry = feed.add_entry()
        link = _url(post.get_absolute_url())
        entry.id(link)
        entry.guid(link, permalink=True)
        entry.link(href=link)
        name = post.author.display_name or post.author.handle
        entry.author(name=f"{name} (@{post.author.handle})")
        heading = post.content_warning or snippet(post.body) or "Post"
        entry.title(heading)
        entry.published(post.created_at)
        entry.updated(post.edited_at or post.created_at)
        if post.content_warning:
            entry.description(f"Content warning: {post.content_warning}")
        else:
            entry.content(post.html, type="CDATA" if fmt == "rss" else "html")
    if posts:
        feed.updated(posts[0].edited_at or posts[0].created_at)
    return feed.rss_str(pretty=True) if fmt == "rss" else feed.atom_str(pretty=True)


def person_feed(person, fmt: str) -> bytes:
    """Return the feed (`fmt`: rss or atom) of `person`'s latest public posts (no replies)."""
    posts = posts_of(None, person, limit=FEED_SIZE, include_reposts=False).posts
    handle = person.handle
    return _build(
        title=f"{person.display_name or handle} (@{handle}) on Kith",
        page_path=person.get_absolute_url(),
        feed_path=f"/@{handle}/feed.{fmt}",
        posts=posts,
        fmt=fmt,
    )


def tag_feed(tag: str, fmt: str) -> bytes:
    """Return the feed (`fmt`: rss or atom) of the latest public posts tagged `tag`."""
    posts = [p for p in tagged_posts(None, tag, limit=FEED_SIZE).posts if not p.is_repost]
    return _build(
        title=f"#{tag} on Kith",
        page_path=f"/tags/{tag}",
        feed_path=f"/tags/{tag}/feed.{fmt}",
        posts=posts,
        fmt=fmt,
    )
