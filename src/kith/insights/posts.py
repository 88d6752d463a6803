"""Per-post and per-item queries: echo versus conversation, and response times.

Each is one query returning one row per post (or per item to answer) of the window, with
counts and times computed by correlated subqueries in the database.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    Min,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from kith.conversations.access import visible_q
from kith.conversations.models import Click, Mention, Post, PostKind, Reaction, ReactionKind
from kith.insights.sources import person_ok
from kith.insights.sql import epoch, run, week_index
from kith.messaging.models import Message


def by(field: str, person) -> Q:
    """Match rows whose `field` is `person`, without letting the database use its index.

    In a subquery correlated on another indexed column (a thread, a reply's parent), the
    planner could otherwise scan all of a person's posts for each outer row.
    """
    return Q(**{f"_by_{field}": person.pk})


def _unindexed(qs, field: str):
    # A big integer: an IntegerField lookup of a 64-bit id would match nothing on PostgreSQL.
    unindexed = ExpressionWrapper(F(field) + Value(0), output_field=BigIntegerField())
    return qs.alias(**{f"_by_{field}": unindexed})


def _count(qs, group: str) -> Subquery:
    """Return a subquery counting `qs` rows (already filtered on OuterRef) as an integer."""
    counted = qs.order_by().values(group).annotate(c=Count("pk")).values("c")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def own_posts(me, *, since: datetime, until: datetime):
    """Return `me`'s posts of the window (not replies, not reposts) with what each started.

    Echo: short-link clicks here, reposts and quotes (that `me` may see) from
    `echoes_of_mine`. Conversation: "how I used it" stories here, and the replies from others
    in its thread and answers among them from `thread_counts`. A post
    *became a conversation* when someone replied in its thread and `me` replied to them.
    """
    replied_back = (
        _unindexed(Post.objects, "author_id")
        .filter(
            visible_q(me, "in_reply_to__"),
            by("author_id", me),
            deleted_at__isnull=True,
            thread_root=OuterRef("pk"),
        )
        .exclude(in_reply_to__author=me)
    )
    stories = Reaction.objects.filter(
        person_ok(me, "person"), post=OuterRef("pk"), kind=ReactionKind.USED
    ).exclude(person=me)
    # "Not a reply" must not pick the index of replies (SQLite would read every post of
    # everyone that answers nothing): the author's index finds `me`'s posts.
    mine = _unindexed(Post.objects, "in_reply_to_id")
    return (
        mine.filter(
            author=me,
            deleted_at__isnull=True,
            _by_in_reply_to_id__isnull=True,
            repost_of__isnull=True,
            created_at__gte=since,
            created_at__lte=until,
        )
        .annotate(
            week=week_index("created_at", since),
            n_stories=_count(stories, "post"),
            n_clicks=_count(
                Click.objects.filter(link__post=OuterRef("pk"), clicked_at__lte=until),
                "link__post",
            ),
            became=Exists(replied_back),
        )
        .order_by("-id")
    )


# The columns of `own_post_rows`, in order.
OWN_POST_COLUMNS = (
    "id",
    "body",
    "created_at",
    "week",
    "became",
    "n_clicks",
    "n_stories",
)


def own_post_rows(me, *, since: datetime, until: datetime) -> list[tuple]:
    """Return the rows of `own_posts` as tuples of OWN_POST_COLUMNS (SQL compiled once)."""

    def build(me, since, until):
        return own_posts(me, since=since, until=until).values_list(*OWN_POST_COLUMNS)

    return run("own_posts", build, me, since, until)


def echoes_of_mine(me, *, since: datetime, until: datetime) -> tuple[list[tuple], dict]:
    """Return the reposts and quotes of `me`'s posts by others that `me` may see, read once:

    - as interaction rows (`sources.Row`: kinds "repost", of the window, and "quote", words
      up to `until`, week -1 before the window), the same as the sources `repost_in` and
      `quote_in` of `sources.interaction_rows` would give;
    - as {post id: (reposts, quotes)} of each of `me`'s posts, whenever they came (echo
      versus conversation per post).
    """

    def build(me, since, until):
        my_posts = Post.objects.filter(author=me).values("pk")
        # -2 after the window, -1 before it, else the week (the database compares the dates).
        week = Case(
            When(created_at__gt=until, then=Value(-2)),
            When(created_at__lt=since, then=Value(-1)),
            default=week_index("created_at", since),
        )
        return (
            Post.objects.filter(Q(repost_of__in=my_posts) | Q(quote_of__in=my_posts))
            .exclude(author=me)
            .filter(visible_q(me))
            .annotate(week=week, at=epoch("created_at"))
            .values_list(
                "repost_of",
                "repost_of__author",
                "quote_of",
                "quote_of__author",
                "author",
                "week",
                "at",
            )
        )

    found = run("echoes_of_mine", build, me, since, until)
    reposts: dict[tuple[int, int], int] = {}
    quotes: dict[tuple[int, int], list] = {}
    per_post: dict[int, list[int]] = {}
    me_id = me.pk
    for repost_of, repost_author, quote_of, quote_author, author, week, at in found:
        if repost_author == me_id:
            per_post.setdefault(repost_of, [0, 0])[0] += 1
            if week >= 0:
                reposts[(author, week)] = reposts.get((author, week), 0) + 1
        if quote_author == me_id:
            per_post.setdefault(quote_of, [0, 0])[1] += 1
            if week >= -1:
                group = quotes.get((author, week))
                if group is None:
                    quotes[(author, week)] = [1, at, at]
                else:
                    group[0] += 1
                    group[1] = min(group[1], at)
                    group[2] = max(group[2], at)
    rows = [("repost", "in", other, week, n, 0.0, 0.0) for (other, week), n in reposts.items()]
    rows += [
        ("quote", "in", other, week, n, first, last)
        for (other, week), (n, first, last) in quotes.items()
    ]
    return rows, {post: (r, q) for post, (r, q) in per_post.items()}


def thread_counts(me, *, since: datetime, until: datetime) -> dict[int, tuple[int, int]]:
    """Return {post id: (replies, answers)} in the threads of `me`'s posts of the window.

    Replies are the posts of others in the thread that `me` may see, answering a post `me`
    may see (a reply to someone who blocked `me` is not part of the conversation `me` can
    follow); answers those of them that are answers. One grouped pass counts both.
    """

    def build(me, since, until):
        posts = own_posts(me, since=since, until=until).order_by().values("pk")
        return (
            Post.objects.filter(thread_root__in=posts)
            .exclude(pk=F("thread_root"))
            .exclude(author=me)
            .filter(visible_q(me), visible_q(me, "in_reply_to__"))
            .values("thread_root")
            .annotate(n=Count("pk"), answers=Count("pk", filter=Q(kind=PostKind.ANSWER)))
            .order_by()
            .values_list("thread_root", "n", "answers")
        )

    rows = run("thread_counts", build, me, since, until)
    return {root: (n, answers) for root, n, answers in rows}


def _to_me(me, since: datetime, until: datetime, columns: list[str], *, history: bool):
    """Return the posts of others that reply to `me` or mention `me`, which `me` may see.

    Each row has the week of the post (counted from `since`) and, for the posts of the
    window, the seconds since 1970 of the post and of `me`'s first reply to it. With
    `history`, also the posts before the window (week -1, no answer time): replies and
    mentions are words, whose first and last moments count over all time.
    """
    mine = _unindexed(Post.objects, "author_id").filter(
        by("author_id", me), deleted_at__isnull=True
    )
    first_answer = (
        mine.filter(in_reply_to=OuterRef("pk"))
        .order_by()
        .values("in_reply_to")
        .annotate(t=Min(epoch("created_at")))
        .values("t")
    )
    answered = Subquery(first_answer, output_field=FloatField())
    # Two indexed sets (replies to my posts, posts mentioning me) rather than a scan of every
    # post of the window; visibility is checked last, on what is left.
    my_posts = Post.objects.filter(author=me).values("pk")
    mentioning_me = Mention.objects.filter(person=me).values("post")
    posts = Post.objects.filter(Q(in_reply_to__in=my_posts) | Q(pk__in=mentioning_me))
    if history:
        posts = posts.filter(created_at__lte=until)
        week = Case(
            When(created_at__lt=since, then=Value(-1)), default=week_index("created_at", since)
        )
        # Only the posts of the window need the time to an answer.
        answered = Case(When(created_at__gte=since, then=answered), default=Value(None))
    else:
        posts = posts.filter(created_at__gte=since, created_at__lte=until)
        week = week_index("created_at", since)
    return (
        posts.exclude(author=me)
        .filter(visible_q(me))
        .annotate(week=week, at=epoch("created_at"), answered=answered)
        .values_list(*columns)
    )


def _item(me, kind: str, parent_author: int | None, week: int, at: float, answered) -> dict:
    if kind == PostKind.QUESTION:
        category = "questions"
    elif parent_author == me.pk:
        category = "replies"
    else:
        category = "mentions"
    seconds = answered - at if answered is not None and answered >= at else None
    return {"category": category, "week": week, "seconds": seconds}


def items_to_answer(
    me, *, since: datetime, until: datetime, with_posts: bool = False
) -> list[dict]:
    """Return each reply, mention and question to `me` in the window, and when `me` answered.

    One row per item: category ("replies", "mentions", "questions"), its week, and the
    seconds until `me`'s first reply to it (None while unanswered).
    """
    columns = ["kind", "in_reply_to__author", "week", "at", "answered"]
    if with_posts:
        columns += ["id", "author__handle", "body"]

    def build(me, since, until):
        return _to_me(me, since, until, columns, history=False)

    rows = run(f"items_to_answer:{with_posts}", build, me, since, until)
    items = []
    for kind, parent_author, week, at, answered, *post in rows:
        item = _item(me, kind, parent_author, week, at, answered)
        if post:
            item.update(id=post[0], author=post[1], body=post[2])
        items.append(item)
    return items


def words_to_me(me, *, since: datetime, until: datetime) -> tuple[list[tuple], list[dict]]:
    """Return the replies and mentions others sent `me`, up to `until`, read once for both:

    - as interaction rows (`sources.Row`: kinds "reply" and "mention", direction "in"), the
      same as the sources `reply_in` and `mention_in` of `sources.interaction_rows` (a reply
      to `me` that also mentions `me` is a reply, not a mention);
    - as the items to answer of the window (`items_to_answer`).
    """

    def build(me, since, until):
        columns = ["kind", "in_reply_to__author", "author", "week", "at", "answered"]
        return _to_me(me, since, until, columns, history=True)

    found = run("words_to_me", build, me, since, until)
    groups: dict[tuple[str, int, int], list] = {}
    items = []
    me_id = me.pk
    for kind, parent_author, author, week, at, answered in found:
        key = ("reply" if parent_author == me_id else "mention", author, week)
        group = groups.get(key)
        if group is None:
            groups[key] = [1, at, at]
        else:
            group[0] += 1
            if at < group[1]:
                group[1] = at
            if at > group[2]:
                group[2] = at
        if week >= 0:
            items.append(_item(me, kind, parent_author, week, at, answered))
    rows = [
        (kind, "in", other, week, n, first, last)
        for (kind, other, week), (n, first, last) in groups.items()
    ]
    return rows, items


def messages_to_answer(me, *, since: datetime, until: datetime) -> list[dict]:
    """Return each message to `me` that opened a turn, and the seconds until `me` answered.

    A message opens a turn when the message before it in the thread was `me`'s (or there
    was none): three messages in a row from someone count once, from the first.
    """

    def build(me, since, until):
        previous_sender = (
            Message.objects.filter(thread=OuterRef("thread"), id__lt=OuterRef("id"))
            .order_by("-id")
            .values("sender")[:1]
        )
        my_next = (
            _unindexed(Message.objects, "sender_id")
            .filter(thread=OuterRef("thread"), id__gt=OuterRef("id"))
            .filter(by("sender_id", me))
            .order_by()
            .values("thread")
            .annotate(t=Min(epoch("created_at")))
            .values("t")
        )
        return (
            Message.objects.filter(
                person_ok(me, "sender"),
                thread__participants__person=me,
                created_at__gte=since,
                created_at__lte=until,
            )
            .exclude(sender=me)
            .annotate(
                previous=Subquery(previous_sender),
                week=week_index("created_at", since),
                at=epoch("created_at"),
                answered=Subquery(my_next, output_field=FloatField()),
            )
            .filter(Q(previous__isnull=True) | Q(previous=me.pk))
            .values_list("week", "at", "answered", "thread_id", "sender__handle")
        )

    rows = run("messages_to_answer", build, me, since, until)
    return [
        {
            "category": "messages",
            "week": week,
            "seconds": answered - at if answered is not None else None,
            "thread": thread,
            "sender": f"@{sender}",
        }
        for week, at, answered, thread, sender in rows
    ]
