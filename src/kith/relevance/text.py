"""What of a post is embedded: its content warning and its Markdown text."""

from __future__ import annotations


def post_text(post) -> str:
    """Return the text that says what `post` is about."""
    parts = [post.content_warning, post.body]
    return "\n".join(part for part in parts if part)
