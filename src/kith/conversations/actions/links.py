"""Following a short link: the redirect target, counted, for people who may see the post."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.http import Http404

from kith.conversations.access import can_see
from kith.conversations.links import is_external, referrer_host
from kith.conversations.models import Click, ShortLink


def short_link_follow(*, viewer, code: str, referrer: str | None = None) -> str:
    """Count a click on the short link `code` and return its target URL.

    Raise Http404 if there is no such link or `viewer` may not see its post: a short link
    never reveals a post, nor that it exists. Only the time and the referrer's host are kept.
    """
    link = ShortLink.objects.select_related("post").filter(code=code[:16]).first()
    if link is None or not is_external(link.url) or not can_see(viewer, link.post):
        raise Http404("No such link.")
    with transaction.atomic():
        Click.objects.create(link=link, referrer_host=referrer_host(referrer))
        ShortLink.objects.filter(pk=link.pk).update(clicks_count=F("clicks_count") + 1)
    return link.url
