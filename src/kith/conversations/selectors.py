"""Listings of posts for a viewer, built on `access.visible_posts`, paged by id.

Each listing is one indexed query plus a fixed number of prefetches (`with_relations`,
`annotate_for_viewer`), whatever the page size: pinned in tests/conversations.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q, QuerySet, Value

from kith.conversations.access import (
    annotate_for_viewer,
    posts_by_ids,
    visible_posts,
    with_relations,
)
from kith.conversations.models import (
    Bookmark,
    Pin,
    Post,
    PostEdit,
    PostKind,
    Reaction,
    ReactionKind,
    ThreadMute,
)
from kith.core.ids import parse_id
from kith.core.text import normalise_tag
from kith.relationships.access import active_mutes
from kith.relationships.models import Block

DEFAULT_LIMIT = 20


@dataclass(frozen=True)
class Page:
    """Posts newest first, and the `max_id` that asks for the next (older) page, if any."""

    posts: list[Post]
    next_max_id: int | None

    def __iter__(self):
        return iter(self.posts)

    def __len__(self) -> int:
        return len(self.posts)


def _page(viewer, posts: QuerySet[Post], *, max_id, limit: int) -> Page:
    limit = max(1, min(limit, settings.KITH_API_PAGE_MAX))
    max_id = parse_id(max_id) if max_id is not None else None
    if max_id is not None:
        posts = posts.filter(id__lt=max_id)
    rows = list(with_relations(posts).order_by("-id")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    annotate_for_viewer(viewer, rows)
    return Page(posts=rows, next_max_id=rows[-1].pk if more else None)


def _without_muted(viewer, posts: QuerySet[Post]) -> QuerySet[Post]:
    """Leave out the people `viewer` mutes (listings they did not ask for by name)."""
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return posts
    return posts.exclude(author__in=active_mutes(viewer).values("muted"))


def posts_of(
    viewer,
    person,
    *,
    max_id=None,
    limit: int = DEFAULT_LIMIT,
    include_replies: bool = False,
    include_reposts: bool = True,
) -> Page:
    """Return the page of `person`'s posts that `viewer` may see, newest first."""
    posts = visible_posts(viewer).filter(author=person)
    if not include_replies:
        posts = posts.filter(in_reply_to__isnull=True)
    if not include_reposts:
        posts = posts.filter(repost_of__isnull=True)
    return _page(viewer, posts, max_id=max_id, limit=limit)


def tagged_posts(viewer, tag: str, *, max_id=None, limit: int = DEFAULT_LIMIT) -> Page:
    """Return the page of posts tagged `tag` that `viewer` may see (muted people left out)."""
    name = normalise_tag(tag)
    if name is None:
        return Page(posts=[], next_max_id=None)
    posts = _without_muted(viewer, visible_posts(viewer).filter(hashtags__name=name))
    return _page(viewer, posts, max_id=max_id, limit=limit)


def unanswered_questions(
    viewer, *, max_id=None, limit: int = DEFAULT_LIMIT, without_answers: bool = False
) -> Page:
    """Return the page of open questions (no accepted answer) `viewer` may see.

    With `without_answers`, only questions nobody has answered yet.
    """
    posts = visible_posts(viewer).filter(kind=PostKind.QUESTION, accepted_answer__isnull=True)
    if without_answers:
        posts = posts.filter(replies_count=0)
    return _page(viewer, _without_muted(viewer, posts), max_id=max_id, limit=limit)


def edit_history(post: Post) -> list[PostEdit]:
    """Return the earlier versions of `post` (which the caller may see), oldest first."""
    if post.is_deleted:
        return []
    return list(PostEdit.objects.filter(post=post).order_by("version"))


def stories_for(viewer, post: Post) -> list[Reaction]:
    """Return the "how I used it" stories on `post` (which `viewer` can see), oldest first.

    The post's author reads them all; everyone else reads the public ones and their own.
    Stories of people the viewer blocked, or who blocked the viewer, are left out.
    """
    return list(_visible_stories(viewer, post).order_by("id"))


def stories_page(
    viewer, post: Post, *, max_id=None, limit: int = DEFAULT_LIMIT
) -> tuple[list[Reaction], int | None]:
    """Return a page of the stories `stories_for` lists, newest first, and the next `max_id`."""
    limit = max(1, min(limit, settings.KITH_API_PAGE_MAX))
    stories = _visible_stories(viewer, post)
    max_id = parse_id(max_id) if max_id is not None else None
    if max_id is not None:
        stories = stories.filter(id__lt=max_id)
    rows = list(stories.order_by("-id")[: limit + 1])
    return rows[:limit], rows[limit - 1].pk if len(rows) > limit else None


def _visible_stories(viewer, post: Post) -> QuerySet[Reaction]:
    stories = Reaction.objects.filter(post=post, kind=ReactionKind.USED).select_related("person")
    stories = stories.filter(person__is_active=True)
    signed_in = viewer is not None and getattr(viewer, "is_authenticated", False)
    if not signed_in:
        return stories.filter(story_public=True)
    if viewer.pk != post.author_id:
        stories = stories.filter(Q(story_public=True) | Q(person=viewer))
    stories = stories.exclude(person__in=Block.objects.filter(blocker=viewer).values("blocked"))
    return stories.exclude(person__in=Block.objects.filter(blocked=viewer).values("blocker"))


def poll_shown(viewer, poll, *, now=None):
    """Return `poll` (of a post `viewer` may see: `access.access_poll`, or loaded with its
    post) as `viewer` sees it: a `polls.PollView` (one query for their votes)."""
    from django.utils import timezone

    from kith.conversations.access import poll_votes_of
    from kith.conversations.polls import poll_fragment, poll_view

    votes = poll_votes_of(viewer, [poll.pk])
    return poll_view(
        poll_fragment(poll),
        post_id=poll.post_id,
        author_id=poll.post.author_id,
        viewer=viewer,
        own_votes=votes.get(poll.pk, []),
        now=now or timezone.now(),
    )


def poll_of_post(viewer, post: Post):
    """Return the poll of `post` (one `viewer` may see; a repost: its original) as `viewer`
    sees it, or None when it has none."""
    from kith.conversations.access import loaded_poll
    from kith.conversations.models import Poll

    target = post.repost_of if post.repost_of_id is not None else post
    if target.is_deleted:
        return None
    poll = loaded_poll(target)
    if poll is None:
        poll = Poll.objects.filter(post_id=target.pk).first()
    if poll is None:
        return None
    poll.post = target
    return poll_shown(viewer, poll)


def bookmarks_of(viewer) -> QuerySet[Bookmark]:
    """Return `viewer`'s bookmarks of posts they may still see (newest bookmark first)."""
    return Bookmark.objects.filter(
        person=viewer, post__in=visible_posts(viewer).values("pk")
    ).order_by("-id")


def bookmarked_ids(viewer, post_ids) -> set[int]:
    """Return which of `post_ids` `viewer` has bookmarked (one query; none when signed out)."""
    ids = list(post_ids)
    if not ids or viewer is None or not getattr(viewer, "is_authenticated", False):
        return set()
    return set(
        Bookmark.objects.filter(person=viewer, post_id__in=ids).values_list("post_id", flat=True)
    )


def bookmarked_posts(viewer, *, max_id=None, limit: int = DEFAULT_LIMIT) -> Page:
    """Return a page of the posts `viewer` bookmarked and may still see, newest bookmark
    first; `next_max_id` is a bookmark's id."""
    marks = bookmarks_of(viewer)
    max_id = parse_id(max_id) if max_id is not None else None
    if max_id is not None:
        marks = marks.filter(id__lt=max_id)
    rows = list(marks[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    found = posts_by_ids(viewer, [b.post_id for b in rows])
    posts = annotate_for_viewer(viewer, [found[b.post_id] for b in rows if b.post_id in found])
    return Page(posts=posts, next_max_id=rows[-1].pk if more else None)


# --- Pinned posts and muted threads --------------------------------------------------------------


def _signed_in(viewer) -> bool:
    return viewer is not None and getattr(viewer, "is_authenticated", False)


def pinned_posts(viewer, person) -> list[Post]:
    """Return the posts `person` pinned that `viewer` may see, newest pin first, annotated
    for the viewer: one query plus the fixed prefetches (a pin the viewer may not see stays
    hidden, as the post does everywhere)."""
    posts = with_relations(visible_posts(viewer).filter(pin__person=person)).order_by("-pin__id")
    return annotate_for_viewer(viewer, list(posts))


def pinned_ids(viewer, posts) -> set[int]:
    """Return which of `posts` `viewer` pinned (only their own can be): one query, none
    when signed out or when none of `posts` is theirs."""
    if not _signed_in(viewer):
        return set()
    own = [p.pk for p in posts if p.author_id == viewer.pk and p.repost_of_id is None]
    if not own:
        return set()
    return set(Pin.objects.filter(person=viewer, post_id__in=own).values_list("post_id", flat=True))


def thread_root_of(post: Post) -> int:
    """Return the id of the first post of `post`'s thread (a repost: its original's)."""
    target = post.repost_of if post.repost_of_id is not None else post
    return target.thread_root_id or target.pk


def muted_thread_ids(viewer, posts) -> set[int]:
    """Return the thread roots among those of `posts` that `viewer` muted (one query; none
    when signed out). A post is in a muted thread when `thread_root_of(post)` is in it."""
    if not _signed_in(viewer):
        return set()
    roots = {thread_root_of(p) for p in posts}
    if not roots:
        return set()
    return set(
        ThreadMute.objects.filter(person=viewer, thread_root_id__in=roots).values_list(
            "thread_root_id", flat=True
        )
    )


@dataclass(frozen=True)
class ViewerMarks:
    """What `viewer` did to a page of posts that the posts do not carry: their bookmarks,
    their pins (of their own posts) and the threads they muted (by thread root id)."""

    bookmarked: frozenset[int] = frozenset()
    pinned: frozenset[int] = frozenset()
    muted_threads: frozenset[int] = frozenset()

    def muted(self, post: Post) -> bool:
        return thread_root_of(post) in self.muted_threads


MARKS_PAGE = 128  # the most posts one run of the marks query reads (pages hold ≤ 120)


def _marks_query(p):
    """The union behind `viewer_marks`, with placeholders (`core.prepared`): compiled once,
    since it runs on every Mastodon timeline page."""
    bookmarks = (
        Bookmark.objects.filter(person_id=p.id("viewer"), post_id__in=p.ids("ids", MARKS_PAGE))
        .annotate(what=Value("bookmark"))
        .values_list("what", "post_id")
    )
    mutes = (
        ThreadMute.objects.filter(
            person_id=p.id("viewer"), thread_root_id__in=p.ids("roots", MARKS_PAGE)
        )
        .annotate(what=Value("mute"))
        .values_list("what", "thread_root_id")
    )
    pins = (
        Pin.objects.filter(person_id=p.id("viewer"), post_id__in=p.ids("own", MARKS_PAGE))
        .annotate(what=Value("pin"))
        .values_list("what", "post_id")
    )
    return bookmarks.union(mutes, pins, all=True)


_MARKS = None


def viewer_marks(viewer, posts) -> ViewerMarks:
    """Return the `ViewerMarks` of `posts` (originals, not reposts) for `viewer`, in one
    query whatever their number (none when signed out or with no posts)."""
    global _MARKS
    if not _signed_in(viewer) or not posts:
        return ViewerMarks()
    if _MARKS is None:
        from kith.core.prepared import Prepared

        _MARKS = Prepared(_marks_query)
    ids = list(dict.fromkeys(p.pk for p in posts))
    own = [p.pk for p in posts if p.author_id == viewer.pk and p.repost_of_id is None]
    roots = list(dict.fromkeys(thread_root_of(p) for p in posts))
    found: dict[str, set[int]] = {"bookmark": set(), "pin": set(), "mute": set()}
    for start in range(0, max(len(ids), len(roots)), MARKS_PAGE):
        chunk = slice(start, start + MARKS_PAGE)
        rows = _MARKS.rows(viewer=viewer.pk, ids=ids[chunk], roots=roots[chunk], own=own[chunk])
        for what, pk in rows:
            found[what].add(pk)
    return ViewerMarks(
        bookmarked=frozenset(found["bookmark"]),
        pinned=frozenset(found["pin"]),
        muted_threads=frozenset(found["mute"]),
    )
