"""Feed tasks: load by id, call an action. Idempotent."""

from __future__ import annotations

from django_tasks import task


@task()
def fan_out(post_id: int) -> int:
    """Write the feed entries of post `post_id` (nothing if it is gone or deleted)."""
    from kith.conversations.access import post_for_fan_out
    from kith.feeds.actions import fan_out_post

    post = post_for_fan_out(post_id)
    return 0 if post is None else fan_out_post(post=post)
