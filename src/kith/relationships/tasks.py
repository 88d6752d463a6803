"""Relationship tasks: load by id, call an action. Idempotent."""

from __future__ import annotations

from django_tasks import task

from kith.relationships.models import IntroCall


@task()
def expire_intro_call(*, call_id: int) -> None:
    """Expire an intro call that was not held in time (does nothing if it was)."""
    from kith.relationships.actions.intro_calls import intro_call_expire

    call = IntroCall.objects.filter(pk=call_id).first()
    if call is not None:
        intro_call_expire(call=call)
