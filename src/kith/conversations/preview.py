"""What a post will look like before it is published: the publishing renderer, writing nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

from django.conf import settings

from kith.conversations.actions.common import draft_body
from kith.conversations.links import short_url


@dataclass(frozen=True)
class Preview:
    """The rendered body (or the errors that would refuse it) and its length against the limit."""

    html: str
    length: int
    limit: int
    errors: list[str] = field(default_factory=list)

    @property
    def over(self) -> bool:
        return self.length > self.limit


def post_preview(*, author, body: str) -> Preview:
    """Render `body` as `author` would publish it (mentions, tags, sanitising), writing nothing.

    Links point straight at their targets: their short links exist only once published.
    """
    errors: dict[str, list[str]] = {}
    draft = draft_body(errors, author=author, body=body or "")
    length = len((body or "").replace("\r\n", "\n").strip())
    limit = settings.KITH_POST_MAX_CHARS
    if draft is None:
        return Preview(html="", length=length, limit=limit, errors=errors.get("body", []))
    html = draft.html
    for url, code in draft.links.items():
        html = html.replace(f'href="{short_url(code)}"', f'href="{escape(url)}"')
    return Preview(html=html, length=length, limit=limit)
