"""The posts and people behind each number of the insights (the dashboard's drill-down).

Most lists come from the computed insights themselves; the few that need rows the metrics
only count (items to answer, reactions, accepted answers) are one query each, through the
same access rules.
"""

from __future__ import annotations

from django.db.models import Q

from kith.conversations.access import visible_q
from kith.conversations.models import Post, Reaction
from kith.insights import posts as post_queries
from kith.insights.sources import person_ok

LIMIT = 500

POST_KEYS = {
    "posts": ("Your posts", lambda p: True),
    "conversations": ("Posts that became conversations", lambda p: p["became_conversation"]),
    "echoed": ("Posts echoed more than discussed", lambda p: p["verdict"] == "echo"),
    "discussed": ("Posts discussed", lambda p: p["verdict"] == "conversation"),
    "quiet": ("Posts nobody echoed or discussed", lambda p: p["verdict"] == "quiet"),
}
RECIPROCITY_KEYS = {
    "balanced": "Balanced relationships",
    "one_sided_out": "One-sided: you give more",
    "one_sided_in": "One-sided: they give more",
    "dormant": "Dormant relationships",
}
RESPONSE_KEYS = {
    "replies": "Replies to your posts",
    "mentions": "Mentions of you",
    "questions": "Questions asked of you",
    "messages": "Direct messages to you",
}
VALUE_KEYS = {
    "helpful_given": ("Posts you marked helpful", "helpful", "out"),
    "helpful_received": ("Helpful marks on your posts", "helpful", "in"),
    "stories_given": ("Posts you used", "used", "out"),
    "stories_received": ("Stories of how your posts were used", "used", "in"),
}
KEYS = (
    list(POST_KEYS)
    + list(RECIPROCITY_KEYS)
    + ["never_talked", "invitations_from_strangers", "fading", "talk_to"]
    + list(RESPONSE_KEYS)
    + list(VALUE_KEYS)
    + ["accepted_answers_given", "accepted_answers_received"]
)


def drill_down(me, insights: dict, key: str, window: dict) -> dict | None:
    """Return {"title", "posts", "people"} behind number `key`, or None for an unknown key."""
    if key in POST_KEYS:
        title, keep = POST_KEYS[key]
        return {
            "title": title,
            "posts": [p for p in insights["echo"]["posts"] if keep(p)],
            "people": [],
        }
    if key in RECIPROCITY_KEYS:
        people = [p for p in insights["reciprocity"]["people"] if p["status"] == key]
        return {"title": RECIPROCITY_KEYS[key], "posts": [], "people": people}
    simple = {
        "never_talked": (
            "Connections and follows you never talked with",
            insights["strangers"]["people"],
        ),
        "invitations_from_strangers": (
            "Invitations from strangers",
            insights["strangers"]["invitations"]["people"],
        ),
        "fading": ("Fading ties", insights["fading"]["people"]),
        "talk_to": ("People you talk to", insights["attention"]["people"]),
    }
    if key in simple:
        title, people = simple[key]
        return {"title": title, "posts": [], "people": people}
    if key in RESPONSE_KEYS:
        return {"title": RESPONSE_KEYS[key], "posts": _items(me, key, window), "people": []}
    if key in VALUE_KEYS:
        return {
            "title": VALUE_KEYS[key][0],
            "posts": _reactions(me, *VALUE_KEYS[key][1:], window),
            "people": [],
        }
    if key in ("accepted_answers_given", "accepted_answers_received"):
        return {
            "title": "Accepted answers",
            "posts": _accepted(me, key.endswith("given"), window),
            "people": [],
        }
    return None


def _post_dict(post_id: int, author, body: str, **extra) -> dict:
    text = " ".join(body.split())
    return {
        "id": str(post_id),
        "url": f"/@{author}/{post_id}",
        "author": f"@{author}",
        "snippet": text[:79] + "…" if len(text) > 80 else text,
        **extra,
    }


def _items(me, category: str, window: dict) -> list[dict]:
    if category == "messages":
        rows = post_queries.messages_to_answer(me, since=window["since"], until=window["until"])
        return [
            {
                "id": str(r["thread"]),
                "url": f"/messages/{r['thread']}/",
                "author": r["sender"],
                "snippet": "A direct message",
                "answered_after_hours": _hours(r["seconds"]),
            }
            for r in rows[:LIMIT]
        ]
    rows = post_queries.items_to_answer(
        me, since=window["since"], until=window["until"], with_posts=True
    )
    return [
        _post_dict(r["id"], r["author"], r["body"], answered_after_hours=_hours(r["seconds"]))
        for r in rows
        if r["category"] == category
    ][:LIMIT]


def _hours(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 3600, 2)


def _reactions(me, kind: str, direction: str, window: dict) -> list[dict]:
    reactions = Reaction.objects.filter(
        kind=kind, created_at__gte=window["since"], created_at__lte=window["until"]
    )
    if direction == "out":
        reactions = reactions.filter(visible_q(me, "post__"), person=me).exclude(post__author=me)
    else:
        reactions = reactions.filter(
            person_ok(me, "person"), post__author=me, post__deleted_at__isnull=True
        ).exclude(person=me)
    rows = reactions.order_by("-id").values_list(
        "post_id", "post__author__handle", "post__body", "person__handle", "story"
    )[:LIMIT]
    return [
        _post_dict(
            post_id,
            author,
            body,
            by=f"@{person}",
            story=story if direction == "out" or kind == "used" else "",
        )
        for post_id, author, body, person, story in rows
    ]


def _accepted(me, given: bool, window: dict) -> list[dict]:
    span = Q(
        accepted_answer__created_at__gte=window["since"],
        accepted_answer__created_at__lte=window["until"],
    )
    if given:
        questions = Post.objects.filter(
            span, visible_q(me), kind="question", accepted_answer__author=me
        ).exclude(author=me)
    else:
        questions = Post.objects.filter(
            span,
            visible_q(me, "accepted_answer__"),
            author=me,
            deleted_at__isnull=True,
            kind="question",
        ).exclude(accepted_answer__author=me)
    rows = questions.order_by("-id").values_list(
        "accepted_answer_id", "accepted_answer__author__handle", "accepted_answer__body", "body"
    )[:LIMIT]
    return [
        _post_dict(answer_id, author, body, question=" ".join(question.split())[:80])
        for answer_id, author, body, question in rows
    ]
