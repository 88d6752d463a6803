"""What the conversation actions share: drafting a body, storing mentions and tags,
notifying, and keeping counters."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.db.models.functions import Greatest
from django.http import Http404
from django.utils import timezone
from django.utils.encoding import iri_to_uri

from kith.conversations import search
from kith.conversations.access import audience_among, can_see
from kith.conversations.links import plan_codes, save_links, short_url
from kith.conversations.models import (
    Hashtag,
    Mention,
    Post,
    PostHashtag,
    PostVisibility,
    ThreadMute,
)
from kith.conversations.selectors import thread_root_of
from kith.conversations.validators import (
    Errors,
    check_body,
    check_choice,
    check_content_warning,
    check_language,
)
from kith.core import text
from kith.feeds.actions import notify_many
from kith.feeds.models import FeedEntry, Notification
from kith.people.access import people_visible_to
from kith.people.models import PostingDay
from kith.relationships.models import Block, Mute
from kith.relevance.actions import embed_on_commit

MAX_MENTIONS = 50
SNIPPET = 80


def absolute_url(path: str) -> str:
    """Return `path` on this site as a full URL (stored HTML is read by apps and feeds too)."""
    return f"{settings.BASE_URL}{iri_to_uri(path)}"


def tag_url(name: str) -> str:
    return absolute_url(Hashtag(name=name).get_absolute_url())


@dataclass
class Draft:
    """A checked body, rendered, with the people it mentions and the tags it names."""

    body: str
    html: str
    mentioned_ids: list[int] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    links: dict[str, str] = field(default_factory=dict)  # external URL → short-link code


def draft_body(errors: Errors, *, author, body: str, post: Post | None = None) -> Draft | None:
    """Check and render `body` for `author`; return None (with `errors` filled) if it is bad.

    A mention links and counts only if the person exists, `author` may see them and neither
    blocked the other; any other @word stays plain text. External links point at their short
    link (the codes `post`, when edited, already has are kept).
    """
    body = check_body(errors, body)
    if errors.get("body"):
        return None
    parsed = text.parse(body)
    people = {}
    if parsed.handles:
        found = (
            people_visible_to(author)
            .filter(handle__in=parsed.handles)
            .exclude(pk__in=Block.objects.filter(blocker=author).values("blocked"))
        )
        people = {person.handle: person for person in found}
    others = [person.pk for person in people.values() if person.pk != author.pk]
    if len(others) > MAX_MENTIONS:
        errors.setdefault("body", []).append(f"Mention at most {MAX_MENTIONS} people in a post.")
        return None
    codes = plan_codes(parsed.links, post=post)
    html = text.render(
        parsed,
        mention_urls={handle: absolute_url(p.get_absolute_url()) for handle, p in people.items()},
        tag_url=tag_url,
        link_url=lambda url: short_url(codes[url]) if url in codes else None,
    )
    return Draft(body=body, html=html, mentioned_ids=others, tags=parsed.tags, links=codes)


def prepare_post(
    errors: Errors,
    *,
    author,
    kind: str,
    body: str,
    visibility: str,
    language: str,
    content_warning: str,
    reply_policy: str,
    quote_policy: str,
) -> tuple[Post, Draft]:
    """Return an unsaved post and its draft, or raise ValidationError listing every problem."""
    from kith.conversations.models import QuotePolicy, ReplyPolicy

    if not author.is_active:
        raise ValidationError("This account is deactivated.", code="inactive")
    check_choice(errors, "visibility", visibility, PostVisibility)
    check_choice(errors, "reply_policy", reply_policy, ReplyPolicy)
    check_choice(errors, "quote_policy", quote_policy, QuotePolicy)
    language = check_language(errors, language)
    content_warning = check_content_warning(errors, content_warning)
    draft = draft_body(errors, author=author, body=body)
    if errors or draft is None:
        raise ValidationError(errors)
    now = timezone.now()
    post = Post(
        author=author,
        kind=kind,
        body=draft.body,
        html=draft.html,
        language=language,
        content_warning=content_warning,
        visibility=visibility,
        reply_policy=reply_policy,
        quote_policy=quote_policy,
        created_at=now,
    )
    post.thread_root_id = post.pk
    if author.close_replies_after_days:
        post.replies_close_at = now + timedelta(days=author.close_replies_after_days)
    return post, draft


def save_post(post: Post, draft: Draft, *, also_mention: tuple[int, ...] = ()) -> Post:
    """Insert `post` with its mentions and hashtags (inside the caller's transaction)."""
    post.save(force_insert=True)
    mention_ids = dict.fromkeys([*draft.mentioned_ids, *also_mention])
    mention_ids.pop(post.author_id, None)
    Mention.objects.bulk_create([Mention(post=post, person_id=pid) for pid in mention_ids])
    set_tags(post, draft.tags)
    save_links(post, draft.links)
    search.index_post(post)
    embed_on_commit(post)
    return post


def set_tags(post: Post, tags: list[str]) -> None:
    """Link `post` to exactly the hashtags `tags`, creating the ones new to the site."""
    PostHashtag.objects.filter(post=post).exclude(hashtag__name__in=tags).delete()
    if not tags:
        return
    ids = dict(Hashtag.objects.filter(name__in=tags).values_list("name", "id"))
    missing = [Hashtag(name=name) for name in tags if name not in ids]
    if missing:
        Hashtag.objects.bulk_create(missing, ignore_conflicts=True)
        ids = dict(Hashtag.objects.filter(name__in=tags).values_list("name", "id"))
    have = set(PostHashtag.objects.filter(post=post).values_list("hashtag_id", flat=True))
    PostHashtag.objects.bulk_create(
        [PostHashtag(post=post, hashtag_id=ids[n]) for n in tags if ids[n] not in have]
    )


def set_mentions(post: Post, person_ids) -> set[int]:
    """Make `post` mention exactly `person_ids`; return the ids newly mentioned."""
    wanted = set(person_ids) - {post.author_id}
    have = set(Mention.objects.filter(post=post).values_list("person_id", flat=True))
    Mention.objects.filter(post=post, person_id__in=have - wanted).delete()
    Mention.objects.bulk_create([Mention(post=post, person_id=pid) for pid in wanted - have])
    return wanted - have


def bump(post: Post, **deltas: int) -> None:
    """Add `deltas` to `post`'s counters in one UPDATE (never below zero), and on `post`."""
    changes = {name: Greatest(F(name) + delta, 0) for name, delta in deltas.items()}
    Post.objects.filter(pk=post.pk).update(**changes)
    for name, delta in deltas.items():
        setattr(post, name, max(0, getattr(post, name) + delta))


def count_posting_day(person) -> None:
    """Add one to `person`'s posts today: the roll-up the attention budget reads."""
    day = timezone.localdate()
    rows = PostingDay.objects.filter(person=person, day=day)
    if rows.update(posts=F("posts") + 1):
        return
    try:
        with transaction.atomic():
            PostingDay.objects.create(person=person, day=day, posts=1)
    except IntegrityError:  # made by a concurrent request
        rows.update(posts=F("posts") + 1)


def original(post: Post) -> Post:
    """Return the post a repost reposts; people reply to, quote and mark the original."""
    return post.repost_of if post.repost_of_id is not None else post


def came_via(person, post: Post) -> int | None:
    """Return the id of the repost through which `person` got the original of `post`.

    Sharing a repost: that repost (unless it is their own); else the repost that brought the
    original to their home feed, if one did. None: they found it themselves.
    """
    if post.repost_of_id is not None and post.author_id != person.pk:
        return post.pk
    return (
        FeedEntry.objects.filter(owner=person, post=original(post), via_post__isnull=False)
        .values_list("via_post_id", flat=True)
        .first()
    )


def thread_muters(post: Post, person_ids) -> set[int]:
    """Return those of `person_ids` who muted the thread of `post` (one query)."""
    ids = set(person_ids)
    if not ids:
        return set()
    return set(
        ThreadMute.objects.filter(
            thread_root_id=thread_root_of(post), person_id__in=ids
        ).values_list("person_id", flat=True)
    )


def require_visible(person, post: Post) -> None:
    """Raise Http404 unless `person` may see `post` (a tombstone counts: it says deleted)."""
    if not can_see(person, post, include_deleted=True):
        raise Http404("No such post.")


def require_author(post: Post, person, what: str) -> None:
    if person is None or post.author_id != person.pk:
        raise ValidationError(f"Only the author can {what} this post.", code="not_author")


def require_live(post: Post) -> None:
    if post.is_deleted:
        raise ValidationError("This post was deleted.", code="deleted")


def snippet(body: str) -> str:
    """Return the start of `body` on one line, for a notification."""
    line = " ".join(body.split())
    return line if len(line) <= SNIPPET else line[: SNIPPET - 1] + "…"


def who(person) -> str:
    return f"{person.display_name} (@{person.handle})"


def notify_people(
    *, post: Post, actor, kind: str, recipient_ids, text: str, once: bool = False
) -> set[int]:
    """Notify those of `recipient_ids` who may hear from `actor` about `post`; return them.

    Left out: the actor, people who blocked the actor or whom the actor blocked, people who
    mute the actor or `post`'s thread, and anyone who may not see `post`. With `once`,
    people who still have the same unread notification are not told again (mark, unmark…).
    """
    ids = set(recipient_ids) - {actor.pk}
    if not ids:
        return set()
    blocks = Block.objects.filter(
        Q(blocker=actor, blocked_id__in=ids) | Q(blocker_id__in=ids, blocked=actor)
    ).values_list("blocker_id", "blocked_id")
    ids -= {a if a != actor.pk else b for a, b in blocks}
    now = timezone.now()
    ids -= set(
        Mute.objects.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .filter(muter_id__in=ids, muted=actor)
        .values_list("muter_id", flat=True)
    )
    ids -= thread_muters(post, ids)
    ids = audience_among(post, ids)
    if once and ids:
        ids -= set(
            Notification.objects.filter(
                recipient_id__in=ids, actor=actor, kind=kind, post=post, read_at__isnull=True
            ).values_list("recipient_id", flat=True)
        )
    if ids:
        notify_many(
            recipient_ids=sorted(ids),
            kind=kind,
            actor=actor,
            text=text,
            url=post.get_absolute_url(),
            post=post,
        )
    return ids
