"""Feed tasks: load by id, call an action. Idempotent (running one twice writes nothing more)."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from kith.core.retries import retried


@task()
@retried(attempts=5, backoff=timedelta(seconds=10))
def fan_out(post_id: int) -> int:
    """Write the feed entries of post `post_id` (nothing if it is gone or deleted).

    A transient database error (a busy SQLite file, a dropped connection) is retried.
    """
    from kith.conversations.access import post_for_fan_out
    from kith.feeds.actions import fan_out_post

    post = post_for_fan_out(post_id)
    return 0 if post is None else fan_out_post(post=post)
