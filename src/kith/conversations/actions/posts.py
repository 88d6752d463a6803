"""Writing posts: publish, reply, quote, edit, delete, close replies, revoke a quote.

Every input is checked before anything is written, and each action is one transaction: a
refused request leaves nothing behind. Notifications are stored rows, written in the same
transaction.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from kith.communities.permissions import can_post_in, check_community
from kith.conversations import search
from kith.conversations.access import can_quote, can_reply
from kith.conversations.actions.common import (
    bump,
    came_via,
    count_posting_day,
    draft_body,
    notify_people,
    original,
    prepare_post,
    require_author,
    require_live,
    require_visible,
    save_post,
    set_mentions,
    set_tags,
    snippet,
    who,
)
from kith.conversations.actions.media import attach_checked, check_media, post_media_delete
from kith.conversations.actions.polls import poll_create, poll_for_post, poll_remove, poll_replace
from kith.conversations.actions.reposts import REPOST_VISIBILITIES
from kith.conversations.links import save_links
from kith.conversations.models import (
    Pin,
    Post,
    PostEdit,
    PostHashtag,
    PostKind,
    PostVisibility,
    QuotePolicy,
    ReplyPolicy,
)
from kith.conversations.polls import check_poll
from kith.conversations.validators import check_choice, check_content_warning, check_language
from kith.feeds.actions import enqueue_fan_out, feed_recheck_post, feed_remove_post
from kith.feeds.models import Notification, NotificationKind
from kith.relationships.actions.connections import connection_touch
from kith.relevance.actions import embed_on_commit


def post_publish(
    *,
    author,
    body: str,
    kind: str = PostKind.POST,
    visibility: str = PostVisibility.PUBLIC,
    language: str = "",
    content_warning: str = "",
    reply_policy: str = ReplyPolicy.EVERYONE,
    quote_policy: str = QuotePolicy.ANYONE,
    media_ids: Iterable = (),
    community=None,
    poll=None,
) -> Post:
    """Publish a post or a question (`kind`) by `author`; return it.

    Mentioned people are notified; today's posting count goes up by one. `media_ids` are
    `author`'s draft images (`media_upload`), attached in order (at most four). `community`
    (a Community or its slug) is one `author` may post in. `poll` (a mapping with
    `options`, `expires_in`, `multiple`, `hide_totals`, or a `polls.PollSpec`) adds a poll.
    """
    errors: dict[str, list[str]] = {}
    check_choice(errors, "kind", kind, PostKind, allowed=[PostKind.POST, PostKind.QUESTION])
    spec = check_poll(errors, poll)
    media = check_media(errors, author=author, media_ids=media_ids)
    place = check_community(errors, author, community)
    post, draft = prepare_post(
        errors,
        author=author,
        kind=kind,
        body=body,
        visibility=visibility,
        language=language,
        content_warning=content_warning,
        reply_policy=reply_policy,
        quote_policy=quote_policy,
    )
    post.community = place
    with transaction.atomic():
        save_post(post, draft)
        attach_checked(post, media)
        if spec is not None:
            poll_create(post, spec, now=post.created_at)
        count_posting_day(author)
        _notify_mentions(post, draft.mentioned_ids)
        enqueue_fan_out(post)
    return post


def post_reply(
    *,
    author,
    to: Post,
    body: str,
    visibility: str | None = None,
    language: str = "",
    content_warning: str = "",
    reply_policy: str = ReplyPolicy.EVERYONE,
    quote_policy: str = QuotePolicy.ANYONE,
    media_ids: Iterable = (),
    poll=None,
) -> Post:
    """Reply to `to` (an answer, if `to` is a question), with a `poll` if given; return it.

    Raise Http404 if `author` may not see `to`, and ValidationError if they may not reply
    (deleted, closed, the reply rule) or the reply is not valid. The reply mentions the
    author it answers, so they always see it; it is as visible as `to` unless `visibility`
    says otherwise. A reply is in its thread's community, and only those who may post there
    may reply in it.
    """
    parent = original(to)
    require_visible(author, parent)
    can_reply(author, parent).check()
    errors: dict[str, list[str]] = {}
    if parent.community_id is not None:
        can_post_in(author, parent.community).check()
    kind = PostKind.ANSWER if parent.kind == PostKind.QUESTION else PostKind.POST
    spec = check_poll(errors, poll)
    media = check_media(errors, author=author, media_ids=media_ids)
    post, draft = prepare_post(
        errors,
        author=author,
        kind=kind,
        body=body,
        visibility=parent.visibility if visibility is None else visibility,
        language=language,
        content_warning=content_warning,
        reply_policy=reply_policy,
        quote_policy=quote_policy,
    )
    post.in_reply_to = parent
    post.thread_root_id = parent.thread_root_id or parent.pk
    post.depth = parent.depth + 1
    post.community_id = parent.community_id
    with transaction.atomic():
        save_post(post, draft, also_mention=(parent.author_id,))
        attach_checked(post, media)
        if spec is not None:
            poll_create(post, spec, now=post.created_at)
        bump(parent, replies_count=1)
        if parent.author_id != author.pk:
            connection_touch(person_id=author.pk, other_id=parent.author_id, at=post.created_at)
        answered = kind == PostKind.ANSWER
        notify_people(
            post=post,
            actor=author,
            kind=NotificationKind.ANSWER if answered else NotificationKind.REPLY,
            recipient_ids=[parent.author_id],
            text=f"{who(author)} {'answered your question' if answered else 'replied'}: "
            f"{snippet(post.body)}",
        )
        _notify_mentions(post, set(draft.mentioned_ids) - {parent.author_id})
        enqueue_fan_out(post)
    return post


def post_quote(
    *,
    author,
    post: Post,
    body: str,
    visibility: str = PostVisibility.PUBLIC,
    language: str = "",
    content_warning: str = "",
    reply_policy: str = ReplyPolicy.EVERYONE,
    quote_policy: str = QuotePolicy.ANYONE,
    media_ids: Iterable = (),
    community=None,
) -> Post:
    """Publish `body` quoting `post` (in `community`, if given); return the new post.

    Raise Http404 if `author` may not see `post`, and ValidationError if its author's quote
    policy does not allow it (only public posts can be quoted) or the body is not valid.
    """
    quoted = original(post)
    require_visible(author, quoted)
    can_quote(author, quoted).check()
    errors: dict[str, list[str]] = {}
    media = check_media(errors, author=author, media_ids=media_ids)
    place = check_community(errors, author, community)
    new, draft = prepare_post(
        errors,
        author=author,
        kind=PostKind.POST,
        body=body,
        visibility=visibility,
        language=language,
        content_warning=content_warning,
        reply_policy=reply_policy,
        quote_policy=quote_policy,
    )
    new.quote_of = quoted
    new.shared_via_id = came_via(author, post)
    new.community = place
    with transaction.atomic():
        save_post(new, draft)
        attach_checked(new, media)
        bump(quoted, quotes_count=1)
        count_posting_day(author)
        notify_people(
            post=new,
            actor=author,
            kind=NotificationKind.QUOTE,
            recipient_ids=[quoted.author_id],
            text=f"{who(author)} quoted your post: {snippet(new.body)}",
        )
        _notify_mentions(new, set(draft.mentioned_ids) - {quoted.author_id})
        enqueue_fan_out(new)
    return new


def post_edit(
    *,
    post: Post,
    by,
    body: str,
    content_warning: str | None = None,
    language: str | None = None,
    poll=None,
    remove_poll: bool = False,
) -> Post:
    """Change the text of `by`'s own `post`, keeping the version it replaces; return it.

    Visibility and the reply rules stay as published. Mentions and tags follow the new
    text; people newly mentioned are notified, and so are the people who replied to it.
    `poll` adds a poll or replaces the post's poll (`polls.poll_replace`: new options
    start it again with no votes, as on Mastodon); `remove_poll` deletes it with its votes.
    The edit history keeps earlier texts, not earlier polls.
    """
    require_author(post, by, "edit")
    require_live(post)
    if post.is_repost:
        raise ValidationError("A repost has no text of its own to edit.", code="repost")
    errors: dict[str, list[str]] = {}
    if content_warning is not None:
        content_warning = check_content_warning(errors, content_warning)
    if language is not None:
        language = check_language(errors, language)
    spec = check_poll(errors, poll)
    if spec is not None and remove_poll:
        errors.setdefault("poll", []).append("Give a poll or remove it, not both.")
    draft = draft_body(errors, author=by, body=body, post=post)
    if errors or draft is None:
        raise ValidationError(errors)
    new_warning = post.content_warning if content_warning is None else content_warning
    new_language = post.language if language is None else language
    text_changed = (draft.body, new_warning, new_language) != (
        post.body,
        post.content_warning,
        post.language,
    )
    now = timezone.now()
    if not text_changed:
        return _edit_poll_only(post, spec, remove_poll, now=now)
    with transaction.atomic():
        if spec is not None:
            poll_replace(post, spec, now=now)
        elif remove_poll:
            poll_remove(post)
        PostEdit.objects.create(
            post=post,
            version=post.version,
            body=post.body,
            html=post.html,
            content_warning=post.content_warning,
            language=post.language,
            written_at=post.edited_at or post.created_at,
            replaced_at=now,
        )
        replied_to = post.in_reply_to.author_id if post.in_reply_to_id else None
        added = set_mentions(post, [*draft.mentioned_ids, *([replied_to] if replied_to else [])])
        set_tags(post, draft.tags)
        post.body, post.html = draft.body, draft.html
        post.content_warning, post.language = new_warning, new_language
        post.edited_at = now
        post.version += 1
        post.save(
            update_fields=["body", "html", "content_warning", "language", "edited_at", "version"]
        )
        save_links(post, draft.links)
        search.index_post(post)
        embed_on_commit(post)
        repliers = Post.objects.filter(in_reply_to=post, deleted_at__isnull=True).values_list(
            "author_id", flat=True
        )
        notify_people(
            post=post,
            actor=by,
            kind=NotificationKind.EDIT,
            recipient_ids=set(repliers),
            text=f"{who(by)} edited a post you replied to: {snippet(post.body)}",
            once=True,
        )
        _notify_mentions(post, added - {replied_to})
        # Mentions may have changed who sees it: drop those who no longer may, add the new.
        feed_recheck_post(post=post)
        enqueue_fan_out(post)
    return post


def _edit_poll_only(post: Post, spec, remove_poll: bool, *, now) -> Post:
    """Apply an edit that changes only the poll (no new text version); return the post."""
    if spec is None and not (remove_poll and poll_for_post(post) is not None):
        return post
    with transaction.atomic():
        if spec is not None:
            poll_replace(post, spec, now=now)
        else:
            poll_remove(post)
        post.edited_at = now
        post.version += 1
        post.save(update_fields=["edited_at", "version"])
    return post


def post_delete(*, post: Post, by) -> Post:
    """Delete `by`'s own `post`, leaving a tombstone so the thread stays whole; return it.

    Its text, edit history, tags, reposts, pin and the notifications about it go; replies
    stay.
    A deleted accepted answer leaves its question open again. Deleting twice is harmless;
    deleting a repost undoes it.
    """
    require_author(post, by, "delete")
    if post.is_repost:
        from kith.conversations.actions.reposts import post_unrepost

        post_unrepost(person=by, post=post.repost_of)
        return post
    if post.is_deleted:
        return post
    with transaction.atomic():
        PostEdit.objects.filter(post=post).delete()
        PostHashtag.objects.filter(post=post).delete()
        poll_remove(post)
        post_media_delete(post)
        Post.objects.filter(repost_of=post).delete()
        Pin.objects.filter(post=post).delete()
        Notification.objects.filter(post=post).delete()
        feed_remove_post(post=post)
        Post.objects.filter(accepted_answer=post).update(
            accepted_answer=None, version=F("version") + 1
        )
        if post.in_reply_to_id is not None:
            bump(post.in_reply_to, replies_count=-1)
        if post.quote_of_id is not None and not post.quote_revoked:
            bump(post.quote_of, quotes_count=-1)
        post.body = post.html = post.content_warning = ""
        post.deleted_at = timezone.now()
        post.reposts_count = 0
        post.version += 1
        post.save(
            update_fields=[
                "body",
                "html",
                "content_warning",
                "deleted_at",
                "reposts_count",
                "version",
            ]
        )
        search.unindex_post(post)
        embed_on_commit(post)
    return post


def post_set_visibility(*, post: Post, by, visibility: str) -> Post:
    """Change who may see `by`'s own `post`; return it.

    Feeds follow at once: people who may no longer see it lose it from their feed (in this
    transaction); people who newly may get it through the fan-out. Narrowed to the people
    it mentions, it is unpinned (such posts cannot be pinned).
    """
    require_author(post, by, "change who sees")
    require_live(post)
    errors: dict[str, list[str]] = {}
    allowed = REPOST_VISIBILITIES if post.is_repost else list(PostVisibility)
    check_choice(errors, "visibility", visibility, PostVisibility, allowed=allowed)
    if errors:
        raise ValidationError(errors)
    if visibility == post.visibility:
        return post
    with transaction.atomic():
        post.visibility = visibility
        post.version += 1
        post.save(update_fields=["visibility", "version"])
        if visibility == PostVisibility.MENTIONED:
            Pin.objects.filter(post=post).delete()
        feed_recheck_post(post=post)
        enqueue_fan_out(post)
    return post


def quote_revoke(*, quote: Post, by) -> Post:
    """Remove `by`'s post from `quote`, which quotes it: the quote shows "removed by author"."""
    if quote.quote_of_id is None:
        raise ValidationError("This post quotes nothing.", code="not_a_quote")
    if by is None or quote.quote_of.author_id != by.pk:
        raise ValidationError(
            "Only the author of the quoted post can remove it from a quote.", code="not_author"
        )
    if quote.quote_revoked:
        return quote
    with transaction.atomic():
        quote.quote_revoked = True
        quote.version += 1
        quote.save(update_fields=["quote_revoked", "version"])
        bump(quote.quote_of, quotes_count=-1)
    return quote


def replies_close(*, post: Post, by) -> Post:
    """Close replies to `by`'s own `post` (and, for a thread's first post, the thread)."""
    return _set_replies_closed(post, by, closed=True)


def replies_open(*, post: Post, by) -> Post:
    """Open replies to `by`'s own `post` again, also after an automatic close."""
    return _set_replies_closed(post, by, closed=False)


def _set_replies_closed(post: Post, by, *, closed: bool) -> Post:
    require_author(post, by, "close or open replies to")
    require_live(post)
    if post.replies_closed == closed and (closed or post.replies_close_at is None):
        return post
    post.replies_closed = closed
    if not closed:
        post.replies_close_at = None
    post.version += 1
    post.save(update_fields=["replies_closed", "replies_close_at", "version"])
    return post


def _notify_mentions(post: Post, person_ids) -> None:
    notify_people(
        post=post,
        actor=post.author,
        kind=NotificationKind.MENTION,
        recipient_ids=person_ids,
        text=f"{who(post.author)} mentioned you: {snippet(post.body)}",
    )
