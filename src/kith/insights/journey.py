"""A post's journey, for its author: who shared it via whom, the clicks on its links, the
audiences it reached and the conversation it started (docs/insights.md, "A post's journey").

Only the author may see the journey of a post (anyone else: 404, as for a missing post).
Everything on it goes through the same rules as the insights: a share, a reply or an
accepted answer counts only if the author may see it now (`conversations.access.visible_q`),
a person only while `insights.sources.person_ok`; the echo and conversation counts are those
of the dashboard's echo-versus-conversation table, over the post's whole life.

Eight queries whatever the size of the journey: one more for a question with an accepted
answer, one less when nobody quoted the post.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Count, Q
from django.db.models.functions import TruncDate

from kith.conversations.access import access_own_post, posts_by_ids, visible_q
from kith.conversations.models import Post, PostKind, Reaction, ReactionKind, ShortLink
from kith.feeds.models import FeedEntry, FeedReason
from kith.insights.sources import person_ok

TREE_LIMIT = 300  # the shares drawn in the tree (the earliest); counts cover them all
DAYS_LIMIT = 90  # clicks per day: the last days of the span that had clicks
SNIPPET = 80

AUDIENCES = {
    FeedReason.CONNECTION: "Your connections",
    FeedReason.FOLLOW: "Your followers",
    FeedReason.REPOST: "People a share reached",
    FeedReason.TOPIC: "People who follow its topics",
    FeedReason.COMMUNITY: "Members of its community",
    FeedReason.MENTION: "People it mentions",
    FeedReason.REPLY_TO_YOU: "The person it replies to",
    FeedReason.QUESTION: "People who answer questions on its topic",
}


def verdict_of(echo: int, conversation: int) -> str:
    """Return "quiet", "conversation" or "echo": the rule of the dashboard (docs/insights.md)."""
    if echo == conversation == 0:
        return "quiet"
    return "conversation" if conversation >= echo else "echo"


def journey_for(viewer, post_id) -> dict:
    """Return the journey of `viewer`'s post `post_id` (Http404 for anyone else's)."""
    post = access_own_post(viewer, post_id)
    shares = _shares(viewer, post)
    reached = _audiences(viewer, post)
    clicks = _clicks(post)
    talk = _conversation(viewer, post)
    direct = [s for s in shares if s["target"] == post.pk]
    reposts = sum(1 for s in direct if s["kind"] == "repost")
    quotes = len(direct) - reposts
    for node in shares:
        node["reached"] = reached["by_share"].get(int(node["id"]), 0)
    echo = reposts + quotes + clicks["total"]
    conversation = talk["replies"] + talk["stories"]
    verdict = verdict_of(echo, conversation)
    return {
        "post": {
            "id": str(post.pk),
            "url": post.get_absolute_url(),
            "snippet": _snippet(post.body),
            "kind": post.kind,
            "visibility": post.visibility,
            "created_at": post.created_at,
        },
        "summary": {
            "verdict": verdict,
            "echo": echo,
            "conversation": conversation,
            "text": _summary_text(verdict, reposts, quotes, clicks["total"], talk),
        },
        "cascade": {
            "reposts": reposts,
            "quotes": quotes,
            "people": len({s["person"]["handle"] for s in direct}),
            "shares_of_quotes": len(shares) - len(direct),
            "tree": _tree(post, shares),
            "left_out": max(0, len(shares) - TREE_LIMIT),
        },
        "clicks": clicks,
        "audiences": {"total": reached["total"], "by_reason": reached["by_reason"]},
        "conversation": talk,
    }


# --- The cascade ------------------------------------------------------------------------------


def _share_rows(viewer, where: Q) -> list[dict]:
    rows = (
        Post.objects.filter(where)
        .exclude(author=viewer)
        .filter(visible_q(viewer))
        .order_by("id")
        .values_list(
            "id",
            "repost_of_id",
            "quote_of_id",
            "shared_via_id",
            "created_at",
            "body",
            "quote_revoked",
            "author__handle",
            "author__display_name",
        )
    )
    shares = []
    for pk, repost_of, quote_of, via, created_at, body, revoked, handle, name in rows:
        is_repost = repost_of is not None
        shares.append(
            {
                "id": str(pk),
                "kind": "repost" if is_repost else "quote",
                "target": repost_of if is_repost else quote_of,
                "shared_via": via,
                "url": None if is_repost else f"/@{handle}/{pk}",
                "snippet": "" if is_repost else _snippet(body),
                "quote_removed": bool(revoked) and not is_repost,
                "created_at": created_at,
                "person": _person(handle, name),
            }
        )
    return shares


def _shares(viewer, post: Post) -> list[dict]:
    """Return the reposts and quotes of `post` that `viewer` may see, then those of its quotes
    (a quote travels on its own): two queries."""
    direct = _share_rows(viewer, Q(repost_of=post) | Q(quote_of=post))
    quote_ids = [int(s["id"]) for s in direct if s["kind"] == "quote"]
    if not quote_ids:
        return direct
    return direct + _share_rows(viewer, Q(repost_of__in=quote_ids) | Q(quote_of__in=quote_ids))


def _tree(post: Post, shares: list[dict]) -> list[dict]:
    """Arrange `shares` as a tree: each under the share it came through, else its target.

    A share that came through one the author may not see hangs under its target, without a
    word about the hidden one. `via` lists who passed it on, nearest first.
    """
    drawn = sorted(shares, key=lambda s: int(s["id"]))[:TREE_LIMIT]
    nodes = {int(s["id"]): {**s, "children": []} for s in drawn}
    roots: list[dict] = []
    for pk, node in nodes.items():
        via = node.pop("shared_via")
        target = node.pop("target")
        parent = nodes.get(via) if via is not None and via < pk else None
        if parent is None or parent["kind"] != "repost":
            parent = nodes.get(target)  # a share of a quote hangs under the quote
        node["via"] = []
        if parent is not None:
            node["via"] = [parent["person"]["handle"], *parent["via"]]
            parent["children"].append(node)
        else:
            roots.append(node)
    return roots


# --- Audiences and clicks ---------------------------------------------------------------------


def _audiences(viewer, post: Post) -> dict:
    """Count the home feeds the post reached, by reason, and through each share (one query)."""
    rows = (
        FeedEntry.objects.filter(post=post)
        .exclude(owner=viewer)
        .exclude(reason=FeedReason.OWN)
        .filter(person_ok(viewer, "owner"))
        .filter(Q(via_post__isnull=True) | visible_q(viewer, "via_post__"))
        .values_list("reason", "via_post_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    by_reason: dict[str, int] = {}
    by_share: dict[int, int] = {}
    for reason, via_post, n in rows:
        by_reason[reason] = by_reason.get(reason, 0) + n
        if via_post is not None:
            by_share[via_post] = by_share.get(via_post, 0) + n
    return {
        "total": sum(by_reason.values()),
        "by_reason": [
            {"reason": str(reason), "label": label, "people": by_reason.get(reason, 0)}
            for reason, label in AUDIENCES.items()
        ],
        "by_share": by_share,
    }


def _clicks(post: Post) -> dict:
    """Count the clicks on the post's short links per day (UTC) and per referring host."""
    rows = (
        ShortLink.objects.filter(post=post)
        .values_list("id", TruncDate("clicks__clicked_at"), "clicks__referrer_host")
        .annotate(n=Count("clicks__id"))
        .order_by()
    )
    links: set[int] = set()
    per_day: dict[date, int] = {}
    per_host: dict[str, int] = {}
    for link_id, day, host, n in rows:
        links.add(link_id)
        if n:
            per_day[day] = per_day.get(day, 0) + n
            per_host[host or ""] = per_host.get(host or "", 0) + n
    by_day = []
    if per_day:
        last = max(per_day)
        first = max(min(per_day), last - timedelta(days=DAYS_LIMIT - 1))
        by_day = [
            {"day": first + timedelta(days=i), "clicks": per_day.get(first + timedelta(days=i), 0)}
            for i in range((last - first).days + 1)
        ]
    by_host = sorted(per_host.items(), key=lambda item: (-item[1], item[0]))
    return {
        "links": len(links),
        "total": sum(per_day.values()),
        "by_day": by_day,
        "by_host": [{"host": host, "clicks": n} for host, n in by_host],
    }


# --- The conversation -------------------------------------------------------------------------


def _conversation(viewer, post: Post) -> dict:
    """Replies in the post's thread, who wrote them, answers, helpful marks and stories."""
    others = ~Q(author=viewer)
    counts = (
        Post.objects.filter(thread_root=post)
        .exclude(pk=post.pk)
        .filter(visible_q(viewer), visible_q(viewer, "in_reply_to__"))
        .aggregate(
            replies=Count("id", filter=others),
            participants=Count("author", distinct=True, filter=others),
            answers=Count("id", filter=others & Q(kind=PostKind.ANSWER)),
            yours=Count("id", filter=Q(author=viewer)),
        )
    )
    replied_back = (
        Post.objects.filter(
            visible_q(viewer, "in_reply_to__"),
            author=viewer,
            deleted_at__isnull=True,
            thread_root=post,
        )
        .exclude(in_reply_to__author=viewer)
        .exists()
    )
    reactions = list(
        Reaction.objects.filter(person_ok(viewer, "person"), post=post)
        .exclude(person=viewer)
        .order_by("id")
        .values_list("kind", "story", "person__handle", "person__display_name")
    )
    accepted = None
    if post.kind == PostKind.QUESTION and post.accepted_answer_id is not None:
        answer = posts_by_ids(viewer, [post.accepted_answer_id]).get(post.accepted_answer_id)
        if answer is not None:
            accepted = {
                "id": str(answer.pk),
                "url": answer.get_absolute_url(),
                "author": f"@{answer.author.handle}",
                "snippet": _snippet(answer.body),
            }
    return {
        "replies": counts["replies"],
        "participants": counts["participants"],
        "your_replies": counts["yours"],
        "answers": counts["answers"],
        "accepted_answer": accepted,
        "became_conversation": replied_back,
        "helpful": sum(1 for kind, *_ in reactions if kind == ReactionKind.HELPFUL),
        "stories": sum(1 for kind, *_ in reactions if kind == ReactionKind.USED),
        "story_list": [
            {"person": _person(handle, name), "story": story}
            for kind, story, handle, name in reactions
            if kind == ReactionKind.USED and story.strip()
        ],
    }


# --- Words ------------------------------------------------------------------------------------


def _person(handle: str, name: str) -> dict:
    return {"handle": f"@{handle}", "name": name or f"@{handle}", "url": f"/@{handle}"}


def _snippet(body: str) -> str:
    text = " ".join(body.split())
    return text[: SNIPPET - 1] + "…" if len(text) > SNIPPET else text


def _n(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else plural or word + 's'}"


def _summary_text(verdict: str, reposts: int, quotes: int, clicks: int, talk: dict) -> str:
    """Say in plain words whether the post was echoed or discussed, and by how much."""
    if verdict == "quiet":
        return "Quiet so far: nobody you can see has shared it, clicked its links or replied."
    echo = reposts + quotes + clicks
    conversation = talk["replies"] + talk["stories"]
    echo_words = (
        f"{_n(echo, 'echo', 'echoes')} ({_n(reposts, 'repost')}, {_n(quotes, 'quote')}, "
        f"{_n(clicks, 'link click')})"
    )
    talk_words = (
        f"{conversation} in conversation ({_n(talk['replies'], 'reply', 'replies')}, "
        f"{_n(talk['stories'], 'story', 'stories')} of how it was used)"
    )
    if verdict == "echo":
        return f"Echoed more than discussed: {echo_words} against {talk_words}."
    return f"Discussed: {talk_words} against {echo_words}."
