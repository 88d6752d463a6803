"""Every change to what reaches people: notifications, feed entries, lists, filters, offers.

Notifications are stored as each recipient asked (in app, also by email, or not at all: the
per-kind settings of `kith.notify.preferences`); email goes through the shared mail task
once the transaction commits.

Feed entries are written by the fan-out (`fanout.py`) through `fan_out_post`, which the
conversations actions enqueue on commit (`enqueue_fan_out`); relationship and post actions
call the removals here in their own transaction. New notifications are announced on the
recipients' live streams once the commit lands (`kith.live`). Who may see a post is decided
by `conversations.access` only: at write time (`audience_among`) and again at read time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from kith.core.ids import parse_id
from kith.core.text import normalise_tag
from kith.feeds import fanout
from kith.feeds.backfill import feed_backfill
from kith.feeds.models import (
    AnswerOffer,
    FeedEntry,
    FeedReason,
    FeedState,
    Filter,
    FilterAction,
    FilterContext,
    FilterKeyword,
    FilterStatus,
    Notification,
    NotificationKind,
    PersonList,
    PersonListMember,
)

# --- Notifications ------------------------------------------------------------------------------


def _email(recipients, kind: str, text: str, url: str) -> None:
    from kith.core.tasks import enqueue_email_on_commit

    label = NotificationKind(kind).label if kind in NotificationKind.values else kind
    link = settings.BASE_URL + url if url else settings.BASE_URL + "/notifications/"
    body = (
        f"{text}\n\n{link}\n\n"
        f"You get this email because “{label}” is set to email. Change it at "
        f"{settings.BASE_URL}/settings/notifications/\n"
    )
    subject = "Kith: " + " ".join(text.split())[:120]  # one line: no header injection
    for person in recipients:
        if person.email and person.email_confirmed_at and person.is_active:
            enqueue_email_on_commit(to=[person.email], subject=subject, body=body)


def notify(
    *, recipient, kind: str, text: str, actor=None, url: str = "", **about
) -> Notification | None:
    """Store one notification for `recipient`, unless they turned `kind` off.

    `about` says what it is about: invitation=, intro_call=, contact_change= or post=.
    Return the notification, or None when the recipient does not want this kind.
    """
    from kith.notify.models import Delivery
    from kith.notify.preferences import deliveries_for

    delivery = deliveries_for([recipient.pk], kind)[recipient.pk]
    if delivery == Delivery.OFF:
        return None
    notification = Notification.objects.create(
        recipient=recipient, kind=kind, actor=actor, text=text[:300], url=url[:300], **about
    )
    if delivery == Delivery.EMAIL:
        _email([recipient], kind, text, url)
    _announce([notification])
    return notification


def notify_many(
    *, recipient_ids, kind: str, text: str, actor=None, url: str = "", **about
) -> list[Notification]:
    """Store the same notification for each of `recipient_ids` who wants it, in one INSERT."""
    from kith.notify.models import Delivery
    from kith.notify.preferences import deliveries_for
    from kith.people.access import mail_recipients

    deliveries = deliveries_for(recipient_ids, kind)
    wanted = [pk for pk, delivery in deliveries.items() if delivery != Delivery.OFF]
    created = Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=recipient_id,
                kind=kind,
                actor=actor,
                text=text[:300],
                url=url[:300],
                **about,
            )
            for recipient_id in wanted
        ]
    )
    by_email = [pk for pk in wanted if deliveries[pk] == Delivery.EMAIL]
    if by_email:
        _email(mail_recipients(by_email), kind, text, url)
    _announce(created)
    return created


def unread_notification_counts(person_ids) -> dict[int, int]:
    """Return the number of unread notifications of each of `person_ids`, as each of them
    may see them: the read-time access check of `notify.selectors.unread_count`, so a
    notification about a post they may no longer see does not count."""
    from kith.notify.selectors import unread_counts

    return unread_counts(person_ids)


def _announce(notifications: list[Notification]) -> None:
    """Publish each new notification to its recipient's live stream once the commit lands.

    A notification about a post reaches only recipients who may see that post.
    """
    from django.db import transaction

    from kith import live

    if not notifications:
        return

    def send() -> None:
        counts = unread_notification_counts({n.recipient_id for n in notifications})
        for post in {n.post_id: n.post for n in notifications}.values():
            live.publish_each(
                {
                    n.recipient_id: {
                        "id": str(n.pk),
                        "kind": n.kind,
                        "text": n.text,
                        "url": n.url,
                        "unread": counts.get(n.recipient_id, 0),
                    }
                    for n in notifications
                    if n.post_id == (post.pk if post is not None else None)
                },
                "notification",
                post=post,
            )

    transaction.on_commit(send, robust=True)


def notifications_mark_read(*, person, ids: list[int] | None = None) -> int:
    """Mark `person`'s notifications (all, or those in `ids`) read; return how many changed."""
    unread = Notification.objects.filter(recipient=person, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())


def notifications_dismiss(*, person, ids: list[int] | None = None) -> int:
    """Delete `person`'s notifications (all, or those in `ids`); return how many went."""
    mine = Notification.objects.filter(recipient=person)
    if ids is not None:
        mine = mine.filter(pk__in=ids)
    deleted, _ = mine.delete()
    return deleted


def notifications_clean(*, days: int | None = None, now=None) -> int:
    """Delete read notifications older than `days` (KITH_NOTIFICATION_RETENTION_DAYS)."""
    from datetime import timedelta

    days = settings.KITH_NOTIFICATION_RETENTION_DAYS if days is None else days
    cutoff = (now or timezone.now()) - timedelta(days=days)
    deleted, _ = Notification.objects.filter(read_at__isnull=False, created_at__lt=cutoff).delete()
    return deleted


# --- Fan-out ------------------------------------------------------------------------------------


def enqueue_fan_out(post) -> None:
    """Fan `post` out to its readers once the current transaction commits (a task)."""
    from kith.feeds.tasks import fan_out

    post_id = post.pk
    transaction.on_commit(lambda: fan_out.enqueue(post_id=post_id))


def fan_out_post(*, post, now=None) -> int:
    """Write a feed entry for every reader of `post`, with its reason; return how many.

    Idempotent: an entry a reader already has for the post (directly or through another
    repost) is kept as it is.
    """
    if post.is_deleted:
        return 0
    now = now or timezone.now()
    shown, chosen, extra = fanout.plan(post, now=now)
    written = fanout.write(post, shown, chosen, extra, now=now)
    if post.in_reply_to_id is not None:
        fanout.count_known_reply(post, extra["known_ids"])
    if written:
        _announce_entry(post, shown, [pid for pid in chosen if pid != post.author_id])
    return written


LIVE_CHUNK = 4000  # person ids per access check (SQLite's parameter limit is far above)
LIVE_READERS_SEEN = timedelta(hours=2)  # `feed_seen` notes a reader at most once an hour


def _announce_entry(post, shown, reader_ids: list[int]) -> None:
    """Tell the readers' open pages a post reached their feed ("1 new post"), on commit.

    Only readers who opened their feed in the last two hours are told: a page that could
    show the notice is one of theirs, and an author with 10,000 followers does not write
    10,000 live events for a post. `kith.live.publish` checks again, with `post=shown`,
    that each reader may see it.
    """
    from kith import live
    from kith.core.sql import id_list

    since = timezone.now() - LIVE_READERS_SEEN
    recent = FeedState.objects.filter(person_id__in=id_list(reader_ids), last_seen_at__gte=since)
    reader_ids = sorted(recent.values_list("person_id", flat=True)) if reader_ids else []
    data = {"post": str(shown.pk), "via": str(post.pk) if post.pk != shown.pk else None}
    for start in range(0, len(reader_ids), LIVE_CHUNK):
        live.publish(reader_ids[start : start + LIVE_CHUNK], "feed_entry", data, post=shown)


def feed_remove_post(*, post) -> int:
    """Remove `post` from every feed (it was deleted); return how many entries went."""
    deleted, _ = FeedEntry.objects.filter(Q(post=post) | Q(via_post=post)).delete()
    return deleted


def feed_recheck_post(*, post) -> int:
    """Remove `post` from the feeds of people who may no longer see it; return how many.

    Called when who may see it changed (its visibility, its mentions).
    """
    owners = set(FeedEntry.objects.filter(post=post).values_list("owner_id", flat=True))
    gone = (owners - fanout.may_see(post, owners)) - {post.author_id}
    if not gone:
        return 0
    deleted, _ = FeedEntry.objects.filter(post=post, owner_id__in=gone).delete()
    return deleted


def feed_withdraw_community(*, post) -> int:
    """A moderator took `post` out of its community: withdraw the entries it had only
    because of the community; return how many went.

    Their readers are planned again by the fan-out without the community (it no longer
    counts a removed post, `communities.selectors.community_member_ids`): a reader with
    another reason (a topic they follow) keeps the post under that reason. Restoring the
    post runs the fan-out again, which brings the members' entries back.
    """
    entries = FeedEntry.objects.filter(post=post, reason=FeedReason.COMMUNITY)
    owners = set(entries.values_list("owner_id", flat=True))
    if not owners:
        return 0
    entries.delete()
    shown, chosen, extra = fanout.plan(post, only=owners)
    kept = fanout.write(post, shown, chosen, extra) if chosen else 0
    return len(owners) - kept


RELATIONSHIP_REASONS = [FeedReason.CONNECTION, FeedReason.FOLLOW]


def feed_prune_between(*, reader, other) -> int:
    """After `reader` stopped following or was disconnected from `other`: tidy the feed.

    If the reader still follows or is connected to them, only entries of posts the reader
    may no longer see go; otherwise every entry that came from the relationship (their
    posts there because of it, and their reposts). Entries with a reason of their own
    (a mention, a reply to the reader, a topic) stay while the reader may see the post.
    """
    from kith.conversations.access import visible_posts
    from kith.relationships.access import connection_of_pair
    from kith.relationships.models import Follow, FollowStatus

    reader_id, other_id = reader.pk, other.pk
    theirs = FeedEntry.objects.filter(owner_id=reader_id).filter(
        Q(author_id=other_id) | Q(sharer_id=other_id)
    )
    still = (
        connection_of_pair(reader_id, other_id) is not None
        or Follow.objects.filter(
            follower_id=reader_id, target_person_id=other_id, status=FollowStatus.ACTIVE
        ).exists()
    )
    removed = 0
    if not still:
        removed += theirs.filter(
            Q(reason__in=RELATIONSHIP_REASONS) | Q(sharer_id=other_id)
        ).delete()[0]
    visible = visible_posts(reader).filter(author_id=other_id).values("pk")
    removed += (
        FeedEntry.objects.filter(owner_id=reader_id, author_id=other_id)
        .exclude(post_id__in=visible)
        .delete()[0]
    )
    return removed


def feed_prune_block(*, blocker_id: int, blocked_id: int) -> int:
    """After a block: each of the two loses the other's posts and reposts."""
    removed = 0
    for owner, other in ((blocker_id, blocked_id), (blocked_id, blocker_id)):
        removed += (
            FeedEntry.objects.filter(owner_id=owner)
            .filter(Q(author_id=other) | Q(sharer_id=other))
            .delete()[0]
        )
    return removed


def feed_hide_reposts(*, reader_id: int, sharer_id: int) -> int:
    """Remove `sharer`'s reposts from `reader`'s feed (the follow now hides reposts)."""
    return FeedEntry.objects.filter(
        owner_id=reader_id, sharer_id=sharer_id, reason=FeedReason.REPOST
    ).delete()[0]


# --- Readers coming back ------------------------------------------------------------------------

SEEN_EVERY = timedelta(hours=1)


def feed_seen(*, person, now=None) -> bool:
    """Note that `person` reads their feed; backfill it if they were away. Return whether it
    was backfilled.

    Cheap on the hot path: at most one write an hour (a cache key says it was done).
    """
    key = f"feed-seen:{person.pk}"
    if cache.get(key):
        return False
    now = now or timezone.now()
    state = FeedState.objects.filter(person=person).first()
    away = timedelta(days=settings.KITH_FEED_INACTIVE_DAYS)
    returning = state is None or now - state.last_seen_at >= away
    if state is None:
        FeedState.objects.create(person=person, last_seen_at=now)
    else:
        FeedState.objects.filter(person=person).update(last_seen_at=now)
    if returning:
        feed_backfill(person=person, now=now)
    cache.set(key, 1, int(SEEN_EVERY.total_seconds()))
    return returning


# --- Lists ----------------------------------------------------------------------------------------

LISTS_MAX = 50
LIST_MEMBERS_MAX = 500


def _list_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": ["Give the list a name."]}, code="required")
    if len(name) > 80:
        raise ValidationError({"name": ["At most 80 characters."]}, code="max_length")
    return name


def person_list_create(*, owner, name: str) -> PersonList:
    """Create a list of people named `name` for `owner`; return it."""
    name = _list_name(name)
    if PersonList.objects.filter(owner=owner).count() >= LISTS_MAX:
        raise ValidationError(f"You can have at most {LISTS_MAX} lists.", code="too_many")
    if PersonList.objects.filter(owner=owner, name=name).exists():
        raise ValidationError({"name": ["You already have a list with this name."]}, code="taken")
    return PersonList.objects.create(owner=owner, name=name)


def person_list_rename(*, person_list: PersonList, name: str) -> PersonList:
    name = _list_name(name)
    if name == person_list.name:
        return person_list
    if PersonList.objects.filter(owner_id=person_list.owner_id, name=name).exists():
        raise ValidationError({"name": ["You already have a list with this name."]}, code="taken")
    person_list.name = name
    person_list.save(update_fields=["name"])
    return person_list


def person_list_delete(*, person_list: PersonList) -> None:
    person_list.delete()


def person_list_add(*, person_list: PersonList, person) -> PersonListMember:
    """Add `person` (whom the owner can see) to `person_list`; adding twice is harmless."""
    if person.pk == person_list.owner_id:
        raise ValidationError("Your own posts are in your home feed.", code="self")
    existing = PersonListMember.objects.filter(person_list=person_list, person=person).first()
    if existing is not None:
        return existing
    if PersonListMember.objects.filter(person_list=person_list).count() >= LIST_MEMBERS_MAX:
        raise ValidationError(f"A list holds at most {LIST_MEMBERS_MAX} people.", code="full")
    return PersonListMember.objects.create(person_list=person_list, person=person)


def person_list_remove(*, person_list: PersonList, person) -> bool:
    deleted, _ = PersonListMember.objects.filter(person_list=person_list, person=person).delete()
    return bool(deleted)


# --- Filters ---------------------------------------------------------------------------------

FILTERS_MAX = 100
KEYWORDS_MAX = 50  # per filter
STATUSES_MAX = 200  # per filter
TEXT_MAX = 100  # a title or a keyword
EXPIRES_IN_MAX = 10 * 366 * 24 * 3600  # ten years, in seconds
FILTER_DURATIONS = {
    "forever": None,
    "1h": timedelta(hours=1),
    "1d": timedelta(days=1),
    "7d": timedelta(days=7),
    "30d": timedelta(days=30),
}
UNSET = object()  # "leave it as it is" in `filter_update`


@dataclass
class KeywordChange:
    """One line of `filter_update(keywords=…)` (Mastodon's `keywords_attributes[]`): a new
    keyword (no `id`), a change to one (`id` with `keyword` and/or `whole_word`), or its
    removal (`id` with `destroy`)."""

    keyword: str | None = None
    whole_word: bool | None = None
    id: int | str | None = None
    destroy: bool = False


def _clean_text(value, field: str, what: str, errors: dict) -> str:
    text = re.sub(r"\s+", " ", str(value or "").strip())
    if not text:
        errors.setdefault(field, []).append(f"Enter {what}.")
    elif len(text) > TEXT_MAX:
        errors.setdefault(field, []).append(f"At most {TEXT_MAX} characters: “{text[:20]}…”.")
    return text


def _clean_contexts(contexts, errors: dict) -> list[str]:
    chosen = [str(c) for c in contexts or ()]
    unknown = [c for c in chosen if c not in FilterContext.values]
    if unknown:
        errors["context"] = [
            f"Unknown context “{unknown[0]}”: choose among {', '.join(FilterContext.values)}."
        ]
    elif not chosen:
        errors["context"] = ["Choose at least one place where the filter applies."]
    return [c for c in FilterContext.values if c in chosen]  # in a fixed order, once each


def _clean_action(action, errors: dict) -> str:
    if action == "blur":
        errors["filter_action"] = [
            "Kith has no “blur” action (media behind a warning): choose warn or hide."
        ]
    elif action not in FilterAction.values:
        errors["filter_action"] = [f"Choose one of: {', '.join(FilterAction.values)}."]
    return str(action)


def _expiry(expires_in, now, errors: dict):
    """Return when a filter `expires_in` seconds from `now` expires (None: never)."""
    if expires_in is None or expires_in == "":
        return None
    try:
        seconds = int(expires_in)
    except (TypeError, ValueError):
        errors["expires_in"] = ["A number of seconds, or nothing for never."]
        return None
    if seconds <= 0 or seconds > EXPIRES_IN_MAX:
        errors["expires_in"] = [f"Between 1 and {EXPIRES_IN_MAX} seconds (ten years)."]
        return None
    return now + timedelta(seconds=seconds)


def duration_seconds(duration: str) -> int | None:
    """Return the seconds of a web form's duration choice ("forever": None); ValidationError
    for an unknown one."""
    if duration not in FILTER_DURATIONS:
        raise ValidationError({"duration": [f"Choose one of: {', '.join(FILTER_DURATIONS)}."]})
    span = FILTER_DURATIONS[duration]
    return int(span.total_seconds()) if span else None


def _filters_changed(owner) -> None:
    """Tell the owner's live streams (Mastodon's `filters_changed`) once the change commits."""
    from kith import live

    live.publish([owner.pk], "filters_changed", {})


def filter_create(
    *,
    owner,
    title: str,
    contexts=None,
    action: str = FilterAction.WARN,
    expires_in: int | None = None,
    keywords=(),
    now=None,
) -> Filter:
    """Create a filter of `owner`: posts containing any of `keywords` (`(keyword, whole_word)`
    pairs) are hidden or shown behind a warning in `contexts` (all of them when None) until
    `expires_in` seconds from now (None: never). All or nothing: ValidationError lists every
    problem and nothing is written."""
    errors: dict[str, list[str]] = {}
    title = _clean_text(title, "title", "a title", errors)
    contexts = _clean_contexts(FilterContext.values if contexts is None else contexts, errors)
    action = _clean_action(action, errors)
    now = now or timezone.now()
    expires_at = _expiry(expires_in, now, errors)
    cleaned = []
    seen = set()
    for keyword, whole_word in keywords:
        text = _clean_text(keyword, "keywords", "a keyword", errors)
        if text and text.casefold() in seen:
            errors.setdefault("keywords", []).append(f"“{text}” is there twice.")
        seen.add(text.casefold())
        cleaned.append((text, bool(whole_word)))
    if len(cleaned) > KEYWORDS_MAX:
        errors.setdefault("keywords", []).append(f"At most {KEYWORDS_MAX} keywords a filter.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if Filter.objects.filter(owner=owner).count() >= FILTERS_MAX:
            raise ValidationError(f"You can have at most {FILTERS_MAX} filters.", code="too_many")
        found = Filter.objects.create(
            owner=owner, title=title, contexts=contexts, action=action, expires_at=expires_at
        )
        FilterKeyword.objects.bulk_create(
            [FilterKeyword(filter=found, keyword=k, whole_word=w) for k, w in cleaned]
        )
        _filters_changed(owner)
    return found


def filter_update(
    *,
    filter: Filter,
    title=UNSET,
    contexts=UNSET,
    action=UNSET,
    expires_in=UNSET,
    keywords: list[KeywordChange] | None = None,
    now=None,
) -> Filter:
    """Change a filter: what is given changes (`expires_in=None`: never expires), the rest
    stays. `keywords` add, change and remove keywords (`KeywordChange`); an `id` that is not
    one of this filter's keywords is a ValidationError. All or nothing."""
    errors: dict[str, list[str]] = {}
    fields = {}
    if title is not UNSET:
        fields["title"] = _clean_text(title, "title", "a title", errors)
    if contexts is not UNSET:
        fields["contexts"] = _clean_contexts(contexts, errors)
    if action is not UNSET:
        fields["action"] = _clean_action(action, errors)
    if expires_in is not UNSET:
        fields["expires_at"] = _expiry(expires_in, now or timezone.now(), errors)
    with transaction.atomic():
        current = {k.pk: k for k in FilterKeyword.objects.select_for_update().filter(filter=filter)}
        removed, changed, added = set(), {}, []
        for change in keywords or ():
            pk = None
            if change.id not in (None, ""):
                pk = parse_id(change.id)
                if pk not in current:
                    errors.setdefault("keywords", []).append(
                        f"No keyword {change.id} in this filter."
                    )
                    continue
            if pk is not None and change.destroy:
                removed.add(pk)
            elif pk is not None:
                old = current[pk]
                text = (
                    old.keyword
                    if change.keyword is None
                    else _clean_text(change.keyword, "keywords", "a keyword", errors)
                )
                whole = old.whole_word if change.whole_word is None else bool(change.whole_word)
                changed[pk] = (text, whole)
            elif not change.destroy:
                text = _clean_text(change.keyword, "keywords", "a keyword", errors)
                whole = True if change.whole_word is None else bool(change.whole_word)
                added.append((text, whole))
        final = [
            changed.get(pk, (k.keyword, k.whole_word))
            for pk, k in current.items()
            if pk not in removed
        ] + added
        seen = set()
        for text, _ in final:
            if text and text.casefold() in seen:
                errors.setdefault("keywords", []).append(f"“{text}” is there twice.")
            seen.add(text.casefold())
        if len(final) > KEYWORDS_MAX:
            errors.setdefault("keywords", []).append(f"At most {KEYWORDS_MAX} keywords a filter.")
        if errors:
            raise ValidationError(errors)
        for name, value in fields.items():
            setattr(filter, name, value)
        if fields:
            filter.save(update_fields=list(fields))
        if removed or changed:
            # Removals and renames first, in two steps, so that swapping two keywords'
            # texts never meets the one-keyword-per-filter constraint half-way.
            FilterKeyword.objects.filter(pk__in=removed | set(changed)).delete()
        FilterKeyword.objects.bulk_create(
            [
                FilterKeyword(id=pk, filter=filter, keyword=text, whole_word=whole)
                for pk, (text, whole) in changed.items()
            ]
            + [
                FilterKeyword(filter=filter, keyword=text, whole_word=whole)
                for text, whole in added
            ]
        )
        _filters_changed(filter.owner)
    return filter


def filter_delete(*, filter: Filter) -> None:
    owner = filter.owner
    with transaction.atomic():
        filter.delete()
        _filters_changed(owner)


def filter_keyword_add(*, filter: Filter, keyword: str, whole_word: bool = True) -> FilterKeyword:
    """Add a keyword to `filter`; return it."""
    filter_update(filter=filter, keywords=[KeywordChange(keyword=keyword, whole_word=whole_word)])
    text = re.sub(r"\s+", " ", str(keyword).strip())
    return FilterKeyword.objects.filter(filter=filter, keyword=text).latest("id")


def filter_keyword_update(
    *, keyword: FilterKeyword, text: str | None = None, whole_word: bool | None = None
) -> FilterKeyword:
    filter_update(
        filter=keyword.filter,
        keywords=[KeywordChange(id=keyword.pk, keyword=text, whole_word=whole_word)],
    )
    return FilterKeyword.objects.get(pk=keyword.pk)


def filter_keyword_remove(*, keyword: FilterKeyword) -> None:
    filter_update(filter=keyword.filter, keywords=[KeywordChange(id=keyword.pk, destroy=True)])


def filter_status_add(*, filter: Filter, post) -> FilterStatus:
    """Make `filter` match `post` (and reposts of it), whatever its text; the caller loaded
    `post` through `conversations.access` for the filter's owner. Adding it again returns
    the one there."""
    with transaction.atomic():
        existing = FilterStatus.objects.filter(filter=filter, post=post).first()
        if existing is not None:
            return existing
        if FilterStatus.objects.filter(filter=filter).count() >= STATUSES_MAX:
            raise ValidationError(
                {"status_id": [f"At most {STATUSES_MAX} posts a filter."]}, code="too_many"
            )
        found = FilterStatus.objects.create(filter=filter, post=post)
        _filters_changed(filter.owner)
    return found


def filter_status_remove(*, filter_status: FilterStatus) -> None:
    owner = filter_status.filter.owner
    with transaction.atomic():
        filter_status.delete()
        _filters_changed(owner)


def keyword_filter_add(
    *,
    owner,
    phrase: str,
    action: str = FilterAction.WARN,
    whole_word: bool = True,
    duration: str = "forever",
    now=None,
) -> Filter:
    """The one-phrase shortcut: a filter titled `phrase` with that one keyword, in every
    context. Adding the same phrase again replaces the settings of the filter it made."""
    seconds = duration_seconds(duration)
    text = re.sub(r"\s+", " ", (phrase or "").strip())
    existing = (
        Filter.objects.filter(owner=owner, title__iexact=text, keywords__keyword__iexact=text)
        .distinct()
        .first()
        if text
        else None
    )
    if existing is not None and existing.keywords.count() == 1:
        keyword = existing.keywords.get()
        return filter_update(
            filter=existing,
            title=text,
            contexts=list(FilterContext.values),
            action=action,
            expires_in=seconds,
            keywords=[KeywordChange(id=keyword.pk, keyword=text, whole_word=whole_word)],
            now=now,
        )
    return filter_create(
        owner=owner,
        title=text,
        action=action,
        expires_in=seconds,
        keywords=[(text, whole_word)],
        now=now,
    )


def keyword_filter_remove(*, owner, filter_id) -> bool:
    """Remove `owner`'s filter `filter_id`; return whether there was one."""
    pk = parse_id(filter_id)
    found = Filter.objects.filter(owner=owner, pk=pk).first() if pk else None
    if found is None:
        return False
    filter_delete(filter=found)
    return True


# --- Question routing -------------------------------------------------------------------------

OFFERS_MAX = 30


def answer_offer_add(*, person, tag: str) -> AnswerOffer:
    """Say `person` is happy to answer questions about #`tag`; return the offer."""
    name = normalise_tag(tag or "")
    if name is None:
        raise ValidationError({"tag": ["Not a hashtag: use letters, digits and _."]})
    existing = AnswerOffer.objects.filter(person=person, tag=name).first()
    if existing is not None:
        return existing
    if AnswerOffer.objects.filter(person=person).count() >= OFFERS_MAX:
        raise ValidationError(f"At most {OFFERS_MAX} topics.", code="too_many")
    return AnswerOffer.objects.create(person=person, tag=name)


def answer_offer_remove(*, person, tag: str) -> bool:
    name = normalise_tag(tag or "")
    if name is None:
        return False
    deleted, _ = AnswerOffer.objects.filter(person=person, tag=name).delete()
    return bool(deleted)
