"""StatusEdit (a status's history) and StatusSource (its text as written, to edit it)."""

from __future__ import annotations

from kith.conversations.media import media_for_posts
from kith.conversations.models import Post, PostEdit
from kith.mastodon.entities.accounts import Accounts
from kith.mastodon.entities.common import iso
from kith.mastodon.entities.content import media_attachment


def status_source(post: Post) -> dict:
    """Return the StatusSource of a post (its author's): the Markdown as typed."""
    return {"id": str(post.pk), "text": post.body, "spoiler_text": post.content_warning}


def status_edits(post: Post, edits: list[PostEdit], viewer) -> list[dict]:
    """Return the StatusEdits of `post` (which `viewer` may see), oldest first, ending with
    the current version: `edits` are its earlier versions (`selectors.edit_history`).

    Kith keeps the text of each version, not its images: every version shows the images
    the post has now. Five queries (the images, the author's account).
    """
    account = Accounts(viewer).load([post.author_id]).of(post.author_id)
    media = [media_attachment(m) for m in media_for_posts([post]).get(post.pk, [])]

    def revision(html: str, warning: str, at) -> dict:
        return {
            "content": html,
            "spoiler_text": warning,
            "sensitive": bool(warning),
            "created_at": iso(at),
            "account": account,
            "media_attachments": media,
            "emojis": [],
        }

    history = [revision(e.html, e.content_warning, e.written_at) for e in edits]
    history.append(revision(post.html, post.content_warning, post.edited_at or post.created_at))
    return history
