"""Reads of topics and communities: who should hear of a post, and the community listings.

Listings of posts are built on `conversations.access.visible_posts` (the one rule) and paged
by id like every other listing; moderator-removed posts are left out of community feeds.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from kith.communities.models import (
    Community,
    Membership,
    MembershipStatus,
    ModerationLogEntry,
    PostRemoval,
    Report,
    ReportStatus,
    TopicFollow,
)
from kith.conversations.access import audience_among, posts_by_ids, visible_posts
from kith.conversations.models import Post, PostHashtag, PostKind
from kith.conversations.selectors import DEFAULT_LIMIT, Page, _page, _without_muted
from kith.core.ids import parse_id

# --- Who should hear of a post (the feeds' fan-out reads these) -------------------------------


def topic_follower_ids(post: Post) -> set[int]:
    """Return the people who follow a hashtag of `post` or a named topic gathering one, and
    may see it: active, not blocked either way with its author, within its visibility.

    The author is left out. A fixed number of queries, whatever the number of followers.
    """
    original = post.repost_of if post.repost_of_id is not None else post
    if original.deleted_at is not None:
        return set()
    tag_ids = PostHashtag.objects.filter(post_id=original.pk).values("hashtag_id")
    followers = TopicFollow.objects.filter(
        Q(hashtag_id__in=tag_ids) | Q(topic__hashtags__in=tag_ids)
    ).values_list("person_id", flat=True)
    ids = set(followers) - {post.author_id}
    return audience_among(post, ids) if ids else set()


def community_member_ids(post: Post) -> set[int]:
    """Return the active members of `post`'s community who may see it (the author left out).

    Empty for a post in no community, or removed from it by a moderator; banned people and
    pending requests or invitations are not members.
    """
    original = post.repost_of if post.repost_of_id is not None else post
    if original.community_id is None or original.deleted_at is not None:
        return set()
    if PostRemoval.objects.filter(post_id=original.pk).exists():
        return set()
    members = Membership.objects.filter(
        community_id=original.community_id, status=MembershipStatus.ACTIVE
    ).values_list("person_id", flat=True)
    ids = set(members) - {post.author_id}
    return audience_among(post, ids) if ids else set()


def without_removed(posts: QuerySet[Post]) -> QuerySet[Post]:
    """Return `posts` without those a moderator removed from their community (or whose
    original was): what Suggested and the digests leave out."""
    removed = PostRemoval.objects.filter(post=OuterRef("pk"))
    removed_original = PostRemoval.objects.filter(post=OuterRef("repost_of"))
    return posts.filter(~Exists(removed), ~Exists(removed_original))


def removed_post_ids(post_ids) -> set[int]:
    """Return those of `post_ids` a moderator removed from their community (one query)."""
    ids = list(post_ids)
    if not ids:
        return set()
    return set(PostRemoval.objects.filter(post_id__in=ids).values_list("post_id", flat=True))


# --- Topics -----------------------------------------------------------------------------------


def follows_tag(person, tag_name: str) -> bool:
    if person is None or not getattr(person, "is_authenticated", False):
        return False
    return TopicFollow.objects.filter(person=person, hashtag__name=tag_name).exists()


def followed_tags(person) -> list[str]:
    return list(
        TopicFollow.objects.filter(person=person, hashtag__isnull=False)
        .order_by("hashtag__name")
        .values_list("hashtag__name", flat=True)
    )


def tag_follower_count(tag_name: str) -> int:
    return TopicFollow.objects.filter(hashtag__name=tag_name).count()


def topic_posts(viewer, topic, *, max_id=None, limit: int = DEFAULT_LIMIT) -> Page:
    """Return the page of posts tagged with any hashtag of `topic` that `viewer` may see."""
    tags = topic.hashtags.values("pk")
    tagged = PostHashtag.objects.filter(post=OuterRef("pk"), hashtag_id__in=tags)
    posts = _without_muted(viewer, visible_posts(viewer).filter(Exists(tagged)))
    return _page(viewer, posts, max_id=max_id, limit=limit)


# --- Communities ------------------------------------------------------------------------------


def communities_list(*, query: str = "", max_id=None, limit: int = 50) -> list[Community]:
    """Return communities by name (a community's name, description and rules are public)."""
    rows = Community.objects.all()
    if query:
        rows = rows.filter(Q(name__icontains=query) | Q(slug__icontains=query.lower()))
    return list(rows.order_by("name", "id")[: max(1, min(limit, 100))])


def memberships_in(person, communities: list[Community]) -> dict[int, Membership]:
    """Return `person`'s membership rows in `communities`, by community id (one query)."""
    if person is None or not getattr(person, "is_authenticated", False) or not communities:
        return {}
    rows = Membership.objects.filter(person=person, community__in=[c.pk for c in communities])
    return {row.community_id: row for row in rows}


def communities_of(person) -> list[Community]:
    """Return the communities `person` is an active member of, by name."""
    if person is None or not getattr(person, "is_authenticated", False):
        return []
    return list(
        Community.objects.filter(
            memberships__person=person, memberships__status=MembershipStatus.ACTIVE
        ).order_by("name")
    )


def access_community(slug: str) -> Community:
    """Return the community `slug`, or raise Http404."""
    from django.http import Http404

    community = Community.objects.filter(slug=(slug or "").lower()).first()
    if community is None:
        raise Http404("No such community.")
    return community


def _in_feed(viewer, community: Community) -> QuerySet[Post]:
    removed = PostRemoval.objects.filter(post=OuterRef("pk"))
    return _without_muted(
        viewer, visible_posts(viewer).filter(community=community).filter(~Exists(removed))
    )


def community_feed(
    viewer, community: Community, *, max_id=None, limit: int = DEFAULT_LIMIT
) -> Page:
    """Return the page of the community's conversations (first posts of threads) that
    `viewer` may see, newest first; removed posts left out."""
    posts = _in_feed(viewer, community).filter(in_reply_to__isnull=True)
    return _page(viewer, posts, max_id=max_id, limit=limit)


def community_questions(
    viewer,
    community: Community,
    *,
    max_id=None,
    limit: int = DEFAULT_LIMIT,
    without_answers: bool = False,
) -> Page:
    """Return the community's open questions (no accepted answer) that `viewer` may see.

    With `without_answers`, only those nobody has answered yet.
    """
    posts = _in_feed(viewer, community).filter(kind=PostKind.QUESTION, accepted_answer__isnull=True)
    if without_answers:
        posts = posts.filter(replies_count=0)
    return _page(viewer, posts, max_id=max_id, limit=limit)


def members_of(
    viewer,
    community: Community,
    *,
    status: str = MembershipStatus.ACTIVE,
    max_id=None,
    limit: int = 50,
) -> tuple[list[Membership], int | None]:
    """Return a page of the memberships with `status` whose person `viewer` may see, newest
    first, and the next `max_id`."""
    from kith.people.access import people_visible_to

    rows = Membership.objects.filter(community=community, status=status).select_related("person")
    rows = rows.filter(person__in=people_visible_to(viewer).values("pk"))
    max_id = parse_id(max_id) if max_id is not None else None
    if max_id is not None:
        rows = rows.filter(id__lt=max_id)
    limit = max(1, min(limit, 100))
    found = list(rows.order_by("-id")[: limit + 1])
    return found[:limit], found[limit - 1].pk if len(found) > limit else None


def report_queue(viewer, community: Community, *, status: str = ReportStatus.OPEN) -> list[Report]:
    """Return the community's reports with `status`, oldest first (moderators read this).

    Each report's `visible_post` is its post if `viewer` may see it, else None: a moderator
    judges what they can read, and a post hidden from them stays hidden.
    """
    rows = Report.objects.filter(community=community, status=status)
    rows = list(rows.select_related("reporter", "resolved_by").order_by("id")[:200])
    seen = posts_by_ids(viewer, {r.post_id for r in rows}) if rows else {}
    for report in rows:
        report.visible_post = seen.get(report.post_id)
    return rows


def moderation_log(
    community: Community, *, max_id=None, limit: int = 50
) -> tuple[list[ModerationLogEntry], int | None]:
    """Return a page of the moderation log, newest first, and the next `max_id`."""
    rows = ModerationLogEntry.objects.filter(community=community).select_related("actor", "target")
    max_id = parse_id(max_id) if max_id is not None else None
    if max_id is not None:
        rows = rows.filter(id__lt=max_id)
    limit = max(1, min(limit, 100))
    found = list(rows.order_by("-id")[: limit + 1])
    return found[:limit], found[limit - 1].pk if len(found) > limit else None
