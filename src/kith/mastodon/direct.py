"""Direct conversations: what Mastodon's `/api/v1/conversations` and the `direct` stream show.

Mastodon's "direct" visibility is Kith's "mentioned": a post only its author and the people
it mentions see. A **conversation** is a thread (its root post's id is the conversation's
id) holding posts of visibility "mentioned" the viewer takes part in, read through the one
access rule (`conversations.access.direct_posts`): a post the viewer may not see (a block,
a deleted post, a deactivated author) is not in it, so a conversation is never a hint of
anything the rule hides. Its last status is its newest such post, its accounts the people
in that post (its author and the people it mentions) whom the viewer may see, but the
viewer (or the viewer alone, when they wrote only to themselves, as Mastodon shows it).

Nothing about a conversation is stored but each person's marks (`mastodon.ConversationMark`:
read up to, removed up to, as post ids). The list is derived from the posts at read time,
so the posting, editing and deleting actions need not maintain anything, and the list,
`POST …/read`, `DELETE …` and the `direct` stream all build a conversation here, the same way.

Conversations page by their last post's id, newest first (as Mastodon pages them by its
last status id): `max_id`, `since_id`, `min_id` and the Link header all carry that id.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, Max, OuterRef
from django.db.models.functions import Coalesce
from django.utils import timezone

from kith.conversations.access import direct_posts, people_in, posts_by_ids
from kith.mastodon.entities import ConversationRow
from kith.mastodon.models import ConversationMark
from kith.people.access import people_visible_to


@dataclass
class ConversationPage:
    rows: list[ConversationRow]
    newest: int | None  # the cursors of the Link header: last post ids
    oldest: int | None
    full: bool


def _groups(viewer):
    """The viewer's conversations as (root, last_id) rows, those they removed left out."""
    posts = direct_posts(viewer).annotate(root=Coalesce("thread_root_id", "id"))
    removed = ConversationMark.objects.filter(
        person=viewer, root_id=OuterRef("root"), hidden_up_to__gte=OuterRef("id")
    )
    return (
        posts.filter(~Exists(removed))
        .values("root")
        .annotate(last_id=Max("id"))
        .values_list("root", "last_id")
        .order_by()
    )


def _rows(viewer, groups: list[tuple[int, int]]) -> list[ConversationRow]:
    """Build the rows of `groups`: four queries, whatever their number."""
    if not groups:
        return []
    posts = posts_by_ids(viewer, [last_id for _, last_id in groups])
    taking_part = people_in(posts.values())
    wanted = {pk for ids in taking_part.values() for pk in ids} - {viewer.pk}
    people = {p.pk: p for p in people_visible_to(viewer).filter(pk__in=wanted)} if wanted else {}
    marks = dict(
        ConversationMark.objects.filter(
            person=viewer, root_id__in=[root for root, _ in groups]
        ).values_list("root_id", "read_up_to")
    )
    rows = []
    for root, last_id in groups:
        post = posts.get(last_id)
        if post is None:  # gone since the groups were read
            continue
        ids = taking_part.get(last_id, set())
        others = [people[pk] for pk in _in_order(post, ids) if pk in people]
        unread = post.author_id != viewer.pk and last_id > marks.get(root, 0)
        rows.append(ConversationRow(root, others, post, unread=unread))
    return rows


def _in_order(post, ids: set[int]) -> list[int]:
    """The author first, then the people mentioned (by id)."""
    return [post.author_id, *sorted(ids - {post.author_id})]


def conversation_page(
    viewer,
    *,
    max_id: int | None = None,
    since_id: int | None = None,
    min_id: int | None = None,
    limit: int = 20,
) -> ConversationPage:
    """Return a page of `viewer`'s conversations, newest last post first. `min_id`: the page
    just above it (the oldest `limit` newer ones); `since_id`: the newest, down to it."""
    groups = _groups(viewer)
    if max_id is not None:
        groups = groups.filter(last_id__lt=max_id)
    if min_id is not None:
        found = list(groups.filter(last_id__gt=min_id).order_by("last_id")[:limit])
        found.reverse()
    else:
        if since_id is not None:
            groups = groups.filter(last_id__gt=since_id)
        found = list(groups.order_by("-last_id")[:limit])
    rows = _rows(viewer, found)
    newest = found[0][1] if found else None
    oldest = found[-1][1] if found else None
    return ConversationPage(rows, newest, oldest, full=len(found) == limit)


def conversation_of(viewer, root_id: int) -> ConversationRow | None:
    """Return `viewer`'s conversation `root_id`, or None (not theirs, removed, or unknown)."""
    found = list(_groups(viewer).filter(root=root_id))
    rows = _rows(viewer, found)
    return rows[0] if rows else None


def conversation_mark_read(viewer, row: ConversationRow) -> ConversationRow:
    """Mark the conversation read up to its last post; return it, read."""
    _mark(viewer, row.id, read_up_to=row.last_post.pk)
    row.unread = False
    return row


def conversation_remove(viewer, row: ConversationRow) -> None:
    """Take the conversation out of `viewer`'s list (theirs only: the posts stay, and so does
    everyone else's list) until a newer post arrives in it."""
    last = row.last_post.pk
    _mark(viewer, row.id, read_up_to=last, hidden_up_to=last)


def _mark(viewer, root_id: int, **marks: int) -> None:
    mark, _ = ConversationMark.objects.get_or_create(person=viewer, root_id=root_id)
    changed = []
    for name, value in marks.items():
        if value > getattr(mark, name):
            setattr(mark, name, value)
            changed.append(name)
    if changed:
        mark.updated_at = timezone.now()
        mark.save(update_fields=[*changed, "updated_at"])
