"""Who sees which post, and who may reply to or quote it: the one rule, used by every surface.

`visible_posts(viewer)` is the rule, as a QuerySet; every single-post check and every listing
is built on it. Missing and forbidden answer the same 404.

- public: everyone, signed in or not;
- followers: the author's active followers and connections (a connection reads the author
  anyway: the attention budget counts them);
- connections: the author's connections;
- mentioned: the people the post mentions (a reply mentions the author it answers).

Mentioned people see any post that mentions them; the author always sees their own posts.
Nobody sees the posts of someone they blocked or who blocked them, nor of deactivated
accounts. A repost is seen only while its original is: live, by an active author, not
blocked, and visible to the viewer (an original narrowed after it was shared takes its
reposts out of the feeds of those it no longer reaches).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from kith.conversations.models import (
    Mention,
    Poll,
    PollVote,
    Post,
    PostVisibility,
    QuotePolicy,
    Reaction,
    ReplyPolicy,
)
from kith.core.ids import parse_id
from kith.relationships.access import connection_of_pair
from kith.relationships.models import Block, Connection, Follow, FollowStatus


def _signed_in(viewer) -> bool:
    return viewer is not None and getattr(viewer, "is_authenticated", False)


def _not_blocked(viewer, field: str) -> Q:
    """Match rows whose person in `field` and `viewer` have not blocked each other."""
    blocked_by = Block.objects.filter(blocked=viewer).values("blocker")
    blocking = Block.objects.filter(blocker=viewer).values("blocked")
    return ~Q(**{f"{field}__in": blocked_by}) & ~Q(**{f"{field}__in": blocking})


def _audience(viewer, prefix: str = "") -> Q:
    """Match posts whose visibility lets `viewer` (signed in, not the author) see them."""
    follows = Follow.objects.filter(follower=viewer, status=FollowStatus.ACTIVE).values(
        "target_person"
    )
    connected_as_a = Connection.objects.filter(person_a=viewer).values("person_b")
    connected_as_b = Connection.objects.filter(person_b=viewer).values("person_a")
    readers = [PostVisibility.FOLLOWERS, PostVisibility.CONNECTIONS]
    visibility, author = f"{prefix}visibility", f"{prefix}author"
    return (
        Q(**{visibility: PostVisibility.PUBLIC})
        | Q(**{visibility: PostVisibility.FOLLOWERS, f"{author}__in": follows})
        | Q(**{f"{visibility}__in": readers, f"{author}__in": connected_as_a})
        | Q(**{f"{visibility}__in": readers, f"{author}__in": connected_as_b})
        | Exists(Mention.objects.filter(post=OuterRef(f"{prefix}pk"), person=viewer))
    )


def visible_q(viewer, prefix: str = "", *, include_deleted: bool = False) -> Q:
    """Return the rule of `visible_posts` as a filter on the post at `prefix`.

    `prefix` names a relation to a post ("in_reply_to__", "post__"), so that rows pointing
    at posts (replies, reactions, feed entries) are kept only when `viewer` may see the post
    they point at, without listing every visible post. "" filters posts themselves.
    """

    def f(name: str) -> str:
        return prefix + name

    rule = Q() if include_deleted else Q(**{f("deleted_at__isnull"): True})
    not_a_repost = Q(**{f("repost_of__isnull"): True})
    live_original = not_a_repost | Q(
        **{f("repost_of__deleted_at__isnull"): True, f("repost_of__author__is_active"): True}
    )
    # A repost shows its original, so the viewer must be in the original's audience too: a
    # post narrowed after it was shared (only public posts can be) leaves others' feeds.
    if not _signed_in(viewer):
        public = Q(**{f("visibility"): PostVisibility.PUBLIC, f("author__is_active"): True})
        original_public = not_a_repost | Q(**{f("repost_of__visibility"): PostVisibility.PUBLIC})
        return rule & live_original & public & original_public
    original_not_blocked = not_a_repost | (
        _not_blocked(viewer, f("repost_of__author"))
        & (Q(**{f("repost_of__author"): viewer}) | _audience(viewer, f("repost_of__")))
    )
    others = (
        _audience(viewer, prefix)
        & _not_blocked(viewer, f("author"))
        & Q(**{f("author__is_active"): True})
    )
    # Even one's own repost goes when its original is gone or its author blocked either way.
    return rule & (Q(**{f("author"): viewer}) | others) & live_original & original_not_blocked


def visible_posts(viewer, *, include_deleted: bool = False) -> QuerySet[Post]:
    """Return the posts `viewer` (a Person, AnonymousUser or None) may see.

    Deleted posts are left out unless `include_deleted`: threads show them as tombstones,
    to the same people who could see them before.
    """
    return Post.objects.filter(visible_q(viewer, include_deleted=include_deleted))


def direct_posts(viewer) -> QuerySet[Post]:
    """Return the posts of visibility "mentioned" `viewer` takes part in: theirs, and those
    that mention them (the rule: nobody else sees them), live. Mastodon calls
    them direct messages; grouped by thread they are its conversations."""
    if not _signed_in(viewer):
        return Post.objects.none()
    # What the rule already implies for "mentioned", said so that the database starts from
    # the viewer's posts and mentions (two indexes), not from every post.
    taking_part = Q(author=viewer) | Q(
        pk__in=Mention.objects.filter(person=viewer).values("post_id")
    )
    # (A repost is never "mentioned": reposts are public, followers or connections.)
    return visible_posts(viewer).filter(taking_part, visibility=PostVisibility.MENTIONED)


def people_in(posts: Iterable[Post]) -> dict[int, set[int]]:
    """Return, by post id, the ids of the people taking part in each of `posts` (loaded
    through the rule): its author and the people it mentions. One query."""
    posts = list(posts)
    found = {post.pk: {post.author_id} for post in posts}
    if found:
        rows = Mention.objects.filter(post__in=list(found)).values_list("post_id", "person_id")
        for post_id, person_id in rows:
            found[post_id].add(person_id)
    return found


def with_relations(posts: QuerySet[Post]) -> QuerySet[Post]:
    """Return `posts` with what showing them needs, in a fixed number of queries."""
    return posts.select_related(
        "author",
        "repost_of",
        "repost_of__author",
        "quote_of",
        "quote_of__author",
        "community",
        "repost_of__community",
        "poll",
        "repost_of__poll",
    ).prefetch_related("hashtags", "repost_of__hashtags")


def can_see(viewer, post: Post, *, include_deleted: bool = False) -> bool:
    """Return whether `viewer` may see `post` (one query)."""
    if _signed_in(viewer) and viewer.pk == post.author_id and post.repost_of_id is None:
        return include_deleted or not post.is_deleted
    return visible_posts(viewer, include_deleted=include_deleted).filter(pk=post.pk).exists()


def access_post(viewer, post_id, *, include_deleted: bool = False) -> Post:
    """Return the post `post_id` if `viewer` may see it, else raise Http404.

    A deleted post is missing unless `include_deleted` (thread pages show the tombstone).
    """
    post_id = parse_id(post_id)
    post = None
    if post_id:
        posts = with_relations(visible_posts(viewer, include_deleted=include_deleted))
        post = posts.filter(pk=post_id).first()
    if post is None:
        raise Http404("No such post.")
    return post


def access_own_post(viewer, post_id) -> Post:
    """Return `viewer`'s own post `post_id` (not a repost, not deleted), else raise Http404.

    For what only a post's author may open (its journey): anyone else's post, missing or
    not, answers the same 404. One query.
    """
    post_id = parse_id(post_id)
    post = None
    if post_id and _signed_in(viewer):
        mine = visible_posts(viewer).filter(author=viewer, repost_of__isnull=True)
        post = mine.select_related("author").filter(pk=post_id).first()
    if post is None:
        raise Http404("No such post.")
    return post


def posts_by_ids(viewer, post_ids: Iterable[int]) -> dict[int, Post]:
    """Return, by id, those of `post_ids` that `viewer` may see (deleted ones left out)."""
    posts = with_relations(visible_posts(viewer)).filter(pk__in=list(post_ids))
    return {post.pk: post for post in posts}


def thread_for(viewer, post: Post):
    """Return the thread of `post` (which `viewer` can see) as a `threads.Thread`.

    Replies the viewer may not see are omitted, never hinted at; see `threads` for how
    their visible replies and tombstones are shown. A fixed number of queries.
    """
    from kith.conversations.threads import build_thread

    return build_thread(viewer, post)


# --- Replying, quoting, reposting -------------------------------------------------------------


@dataclass(frozen=True)
class Permission:
    """Whether something is allowed, and if not, why (to show people, and as an error)."""

    allowed: bool
    reason: str = ""
    code: str = ""

    def __bool__(self) -> bool:
        return self.allowed

    def check(self, field: str | None = None) -> None:
        """Raise ValidationError with the reason unless allowed."""
        if not self.allowed:
            raise ValidationError({field: [self.reason]} if field else self.reason, code=self.code)


ALLOWED = Permission(True)


def _original(post: Post) -> Post:
    """Return the post a repost reposts (people reply to and quote the original)."""
    return post.repost_of if post.repost_of_id is not None else post


def _is_connected(viewer, person_id: int) -> bool:
    return connection_of_pair(viewer.pk, person_id) is not None


def _is_follower_or_connected(viewer, person_id: int) -> bool:
    follows = Follow.objects.filter(
        follower=viewer, target_person_id=person_id, status=FollowStatus.ACTIVE
    ).exists()
    return follows or _is_connected(viewer, person_id)


def _is_mentioned(viewer, post: Post) -> bool:
    return Mention.objects.filter(post=post, person=viewer).exists()


def _name(post: Post) -> str:
    return post.author.display_name or f"@{post.author.handle}"


def _reply_policy_allows(viewer, post: Post) -> Permission:
    policy = post.reply_policy
    if viewer.pk == post.author_id or policy == ReplyPolicy.EVERYONE:
        return ALLOWED
    if policy == ReplyPolicy.CONNECTIONS and not _is_connected(viewer, post.author_id):
        return Permission(False, f"Only {_name(post)}'s connections can reply.", "reply_policy")
    if policy == ReplyPolicy.FOLLOWERS and not _is_follower_or_connected(viewer, post.author_id):
        return Permission(
            False, f"Only {_name(post)}'s followers and connections can reply.", "reply_policy"
        )
    if policy == ReplyPolicy.MENTIONED and not _is_mentioned(viewer, post):
        return Permission(False, "Only the people this post mentions can reply.", "reply_policy")
    return ALLOWED


def can_reply(viewer, post: Post, *, now=None) -> Permission:
    """Return whether `viewer` may reply to `post` (which they can see), and why not.

    The post's own rule and that of its thread's first post both apply: who may reply, and
    whether replies are closed (by hand, or by the author's close-after setting). The author
    of a post is never kept from replying under it by its own rules.
    """
    if not _signed_in(viewer):
        return Permission(False, "Log in to reply.", "login")
    post = _original(post)
    if post.is_deleted:
        return Permission(False, "This post was deleted.", "deleted")
    now = now or timezone.now()
    if post.replies_closed_now(now) and viewer.pk != post.author_id:
        return Permission(False, "Replies to this post are closed.", "replies_closed")
    verdict = _reply_policy_allows(viewer, post)
    if not verdict:
        return verdict
    root = post.thread_root if post.thread_root_id not in (None, post.pk) else None
    if root is not None and viewer.pk != root.author_id:
        if root.replies_closed_now(now):
            return Permission(False, "This conversation is closed to new replies.", "closed")
        verdict = _reply_policy_allows(viewer, root)
        if not verdict:
            return Permission(False, verdict.reason.replace("reply.", "reply here."), verdict.code)
    return ALLOWED


def can_quote(viewer, post: Post) -> Permission:
    """Return whether `viewer` may quote `post` (which they can see), and why not."""
    if not _signed_in(viewer):
        return Permission(False, "Log in to quote.", "login")
    post = _original(post)
    if post.is_deleted:
        return Permission(False, "This post was deleted.", "deleted")
    if post.visibility != PostVisibility.PUBLIC:
        return Permission(False, "Only public posts can be quoted.", "not_public")
    if viewer.pk == post.author_id:
        return ALLOWED
    if post.quote_policy == QuotePolicy.NOBODY:
        return Permission(False, f"{_name(post)} does not allow quotes of this post.", "quotes")
    if post.quote_policy == QuotePolicy.CONNECTIONS and not _is_connected(viewer, post.author_id):
        return Permission(False, f"Only {_name(post)}'s connections can quote this.", "quotes")
    return ALLOWED


def can_repost(viewer, post: Post) -> Permission:
    """Return whether `viewer` may repost `post` (which they can see), and why not."""
    if not _signed_in(viewer):
        return Permission(False, "Log in to repost.", "login")
    post = _original(post)
    if post.is_deleted:
        return Permission(False, "This post was deleted.", "deleted")
    if post.visibility != PostVisibility.PUBLIC:
        return Permission(False, "Only public posts can be reposted.", "not_public")
    return ALLOWED


# --- Who among many people may see one post (for notifications) ------------------------------


def audience(post: Post) -> Q:
    """Match the people (a `Q` on Person) who may see `post`: the rule of `visible_posts`,
    reversed. Only the post's own visibility: a repost's original is checked apart (`Q`s
    combine: `audience(repost) & audience(original)`), as are deleted posts and authors.

    Subqueries of the author's relationships, no list of people: one query filters any
    number of them (`audience_among`, the feed fan-out).
    """
    author_id = post.author_id
    not_blocked = ~Q(pk__in=Block.objects.filter(blocker_id=author_id).values("blocked_id")) & ~Q(
        pk__in=Block.objects.filter(blocked_id=author_id).values("blocker_id")
    )
    others = ~Q(pk=author_id) & not_blocked
    if post.visibility != PostVisibility.PUBLIC:
        reach = Q(pk__in=Mention.objects.filter(post_id=post.pk).values("person_id"))
        if post.visibility in (PostVisibility.FOLLOWERS, PostVisibility.CONNECTIONS):
            reach |= Q(
                pk__in=Connection.objects.filter(person_a_id=author_id).values("person_b_id")
            )
            reach |= Q(
                pk__in=Connection.objects.filter(person_b_id=author_id).values("person_a_id")
            )
        if post.visibility == PostVisibility.FOLLOWERS:
            follows = Follow.objects.filter(target_person_id=author_id, status=FollowStatus.ACTIVE)
            reach |= Q(pk__in=follows.values("follower_id"))
        others &= reach
    return Q(is_active=True) & (Q(pk=author_id) | others)


def audience_among(post: Post, person_ids: Iterable[int]) -> set[int]:
    """Return those of `person_ids` who may see `post` (`audience`): one query, whatever the
    number of people (they are bound as one parameter, `core.sql.id_list`)."""
    from kith.core.sql import id_list
    from kith.people.models import Person

    ids = set(person_ids)
    if not ids:
        return set()
    people = Person.objects.filter(audience(post), pk__in=id_list(ids))
    return set(people.values_list("pk", flat=True))


# --- What a viewer sees on each post of a list -----------------------------------------------


def annotate_for_viewer(viewer, posts: list[Post]) -> list[Post]:
    """Set on each post (and reposted original) what depends on `viewer`; return `posts`.

    - `viewer_reactions`: the reaction kinds the viewer left ("helpful", "used");
    - `viewer_reposted`: whether the viewer reposted it;
    - `quote_state`: for a quote, "shown", "removed_by_author" or "unavailable" (the quoted
      post is deleted or the viewer may not see it); "" for other posts;
    - `viewer_poll_votes`: the options the viewer chose in the post's poll, and
      `poll_shown`: the poll as the viewer sees it (`polls.PollView`) or None (posts loaded
      `with_relations`, whose poll is loaded with them; one more query when a poll is shown).

    At most four queries, whatever the number of posts.
    """
    shown = [p for p in posts] + [p.repost_of for p in posts if p.repost_of_id is not None]
    ids = {p.pk for p in shown}
    reactions: dict[int, set[str]] = {}
    reposted: set[int] = set()
    if _signed_in(viewer) and ids:
        for post_id, kind in Reaction.objects.filter(person=viewer, post_id__in=ids).values_list(
            "post_id", "kind"
        ):
            reactions.setdefault(post_id, set()).add(kind)
        reposted = set(
            Post.objects.filter(author=viewer, repost_of_id__in=ids).values_list(
                "repost_of_id", flat=True
            )
        )
    quoted_ids = {p.quote_of_id for p in shown if p.quote_of_id and not p.quote_revoked}
    quotable = (
        set(visible_posts(viewer).filter(pk__in=quoted_ids).values_list("pk", flat=True))
        if quoted_ids
        else set()
    )
    polls = [poll for poll in map(loaded_poll, shown) if poll is not None]
    votes = poll_votes_of(viewer, [poll.pk for poll in polls])
    now = timezone.now()
    for post in shown:
        poll = loaded_poll(post) if not post.is_deleted else None
        post.viewer_poll_votes = votes.get(poll.pk, []) if poll is not None else []
        post.poll_shown = _poll_shown(viewer, post, poll, now) if poll is not None else None
        post.viewer_reactions = reactions.get(post.pk, set())
        post.viewer_reposted = post.pk in reposted
        if post.quote_of_id is None and not post.quote_revoked:
            post.quote_state = ""
        elif post.quote_revoked:
            post.quote_state = "removed_by_author"
        else:
            post.quote_state = "shown" if post.quote_of_id in quotable else "unavailable"
    return posts


# --- Polls: reached only through their post -------------------------------------------------


def loaded_poll(post: Post) -> Poll | None:
    """Return `post`'s poll if it was loaded with the post (`with_relations`), else None."""
    if not Post.poll.is_cached(post):
        return None
    return post._state.fields_cache.get("poll")


def _poll_shown(viewer, post: Post, poll: Poll, now):
    from kith.conversations.polls import poll_fragment, poll_view

    return poll_view(
        poll_fragment(poll),
        post_id=post.pk,
        author_id=post.author_id,
        viewer=viewer,
        own_votes=post.viewer_poll_votes,
        now=now,
    )


def poll_votes_of(viewer, poll_ids: Iterable[int]) -> dict[int, list[int]]:
    """Return the options `viewer` chose in each of `poll_ids`, by poll id (one query; none
    for a visitor or no polls). Only for polls of posts `viewer` may see."""
    ids = list(dict.fromkeys(poll_ids))
    if not ids or not _signed_in(viewer):
        return {}
    votes: dict[int, list[int]] = {}
    rows = PollVote.objects.filter(voter=viewer, poll_id__in=ids).values_list("poll_id", "choice")
    for poll_id, choice in rows.order_by("poll_id", "choice"):
        votes.setdefault(poll_id, []).append(choice)
    return votes


def poll_counts_shown(*, hide_totals: bool, expired: bool, is_author: bool) -> bool:
    """Return whether a viewer of a poll's post sees its counts per option: always, unless
    the poll hides them until it ends; its author sees them all along."""
    return not hide_totals or expired or is_author


def access_poll(viewer, poll_id) -> Poll:
    """Return the poll `poll_id`, with its post and author, if `viewer` may see its post;
    else raise Http404 (a deleted post has no poll)."""
    poll_id = parse_id(poll_id)
    poll = None
    if poll_id:
        poll = (
            Poll.objects.filter(visible_q(viewer, "post__"))
            .select_related("post", "post__author")
            .filter(pk=poll_id)
            .first()
        )
    if poll is None:
        raise Http404("No such poll.")
    return poll


def post_for_system(post_id) -> Post | None:
    """Return the post `post_id` for background work on behalf of no viewer, or None.

    For tasks that derive data from a post (its embedding), never to show it to anyone:
    whatever they produce is shown only through `visible_posts`.
    """
    post_id = parse_id(post_id)
    return Post.objects.filter(pk=post_id).first() if post_id else None


def post_for_fan_out(post_id: int) -> Post | None:
    """Return post `post_id` for the feed fan-out, which checks `audience_among` per reader."""
    return (
        Post.objects.select_related("author", "repost_of", "repost_of__author", "in_reply_to")
        .filter(pk=post_id)
        .first()
    )


# --- The hot path: the same rule, compiled once -----------------------------------------------

# The columns a page of posts needs besides their cached fragments (`api.post_fragments`):
# what may change without a new version (counters, visibility, policies) and the author.
LIGHT_FIELDS = (
    "id", "author_id", "kind", "visibility", "in_reply_to_id", "thread_root_id", "depth",
    "repost_of_id", "quote_of_id", "quote_revoked", "reply_policy", "replies_closed",
    "replies_close_at", "quote_policy", "accepted_answer_id", "created_at", "deleted_at",
    "version", "replies_count", "reposts_count", "quotes_count", "helpful_count", "used_count",
)  # fmt: skip
AUTHOR_FIELDS = ("id", "handle", "display_name", "avatar")
LIGHT_PAGE = 256  # the most posts one light read loads (two per feed entry, pages ≤ 100)


def _light_columns() -> list[str]:
    columns = list(LIGHT_FIELDS) + [f"author__{f}" for f in AUTHOR_FIELDS]
    columns += [f"repost_of__{f}" for f in LIGHT_FIELDS]
    columns += [f"repost_of__author__{f}" for f in AUTHOR_FIELDS]
    return columns


def _light_query(p):
    from kith.people.models import Person

    viewer = Person(pk=p.id("viewer"))
    return (
        visible_posts(viewer).filter(pk__in=p.ids("ids", LIGHT_PAGE)).values_list(*_light_columns())
    )


def _prepared():
    from kith.core.prepared import Prepared

    global _LIGHT, _REACTIONS, _REPOSTED
    if _LIGHT is None:
        _LIGHT = Prepared(_light_query)
        _REACTIONS = Prepared(
            lambda p: Reaction.objects.filter(
                person_id=p.id("viewer"), post_id__in=p.ids("ids", LIGHT_PAGE)
            ).values_list("post_id", "kind")
        )
        _REPOSTED = Prepared(
            lambda p: Post.objects.filter(
                author_id=p.id("viewer"), repost_of_id__in=p.ids("ids", LIGHT_PAGE)
            ).values_list("repost_of_id", flat=True)
        )
    return _LIGHT, _REACTIONS, _REPOSTED


_LIGHT = _REACTIONS = _REPOSTED = None


def _light_post(values, person_values) -> Post:
    from kith.core.prepared import instance
    from kith.people.models import Person

    post = instance(Post, LIGHT_FIELDS, values)
    post._state.fields_cache["author"] = instance(Person, AUTHOR_FIELDS, person_values)
    return post


def light_posts_by_ids(viewer, post_ids: Iterable[int]) -> dict[int, Post]:
    """Return, by id, those of `post_ids` that signed-in `viewer` may see: as `posts_by_ids`
    (the same rule, `visible_posts`, compiled once by `core.prepared`), but loading only
    `LIGHT_FIELDS` and the authors' names, with reposted originals. What the page shows of
    their text comes from the cached fragments. One query."""
    light, _, _ = _prepared()
    ids = list(dict.fromkeys(post_ids))
    found: dict[int, Post] = {}
    n, a = len(LIGHT_FIELDS), len(AUTHOR_FIELDS)
    for start in range(0, len(ids), LIGHT_PAGE):
        for row in light.rows(viewer=viewer.pk, ids=ids[start : start + LIGHT_PAGE]):
            post = _light_post(row[:n], row[n : n + a])
            if post.repost_of_id is not None:
                original = _light_post(row[n + a : 2 * n + a], row[2 * n + a :])
                post._state.fields_cache["repost_of"] = original
            found[post.pk] = post
    return found


def posts_for_fragments(post_ids: Iterable[int]) -> list[Post]:
    """Return posts `post_ids` with their community and hashtags, to build the cached
    fragments of a page (`api.post_serializers.fragments_for`). Only for ids its caller
    loaded through the access rule for the viewer (`light_posts_by_ids`): the fragments are
    shown only on such pages."""
    return list(
        Post.objects.filter(pk__in=list(post_ids))
        .select_related("community", "poll")
        .prefetch_related("hashtags")
    )


def annotate_light(viewer, posts: list[Post]) -> list[Post]:
    """`annotate_for_viewer` for light posts and a signed-in viewer, with prepared queries:
    two queries, plus the ORM's three for the rare page that holds quotes."""
    _, reactions_query, reposted_query = _prepared()
    shown = posts + [p.repost_of for p in posts if p.repost_of_id is not None]
    if any(p.quote_of_id is not None or p.quote_revoked for p in shown):
        return annotate_for_viewer(viewer, posts)
    ids = list({p.pk for p in shown})
    reactions: dict[int, set[str]] = {}
    reposted: set[int] = set()
    for start in range(0, len(ids), LIGHT_PAGE):
        chunk = ids[start : start + LIGHT_PAGE]
        for post_id, kind in reactions_query.rows(viewer=viewer.pk, ids=chunk):
            reactions.setdefault(post_id, set()).add(kind)
        reposted.update(pk for (pk,) in reposted_query.rows(viewer=viewer.pk, ids=chunk))
    for post in shown:
        post.viewer_reactions = reactions.get(post.pk, set())
        post.viewer_reposted = post.pk in reposted
        post.quote_state = ""
    return posts


def visible_ids(viewer, post_ids: Iterable[int]) -> set[int]:
    """Return those of `post_ids` that `viewer` may see (one query): for surfaces that show
    a post inside another (a repost's original), whose own visibility may have narrowed
    since it was shared."""
    ids = set(post_ids)
    if not ids:
        return set()
    return set(visible_posts(viewer).filter(pk__in=list(ids)).values_list("pk", flat=True))


def posts_for_status_fragments(post_ids: Iterable[int]) -> list[Post]:
    """Return posts `post_ids` with what the Mastodon API's cached part of a Status needs
    (author, poll, hashtags, mentioned people, the replied-to post's author as
    `reply_author_id`): three queries. As `posts_for_fragments`: only for ids the caller
    loaded through the access rule for the viewer."""
    from django.db.models import F, Prefetch

    return list(
        Post.objects.filter(pk__in=list(post_ids))
        .select_related("author", "poll")
        .annotate(reply_author_id=F("in_reply_to__author_id"))
        .prefetch_related(
            "hashtags",
            Prefetch("mentions", Mention.objects.select_related("person").order_by("id")),
        )
    )
