"""Relationship tasks: load by id, call an action. Idempotent."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from kith.core.schedule import periodic
from kith.relationships.models import IntroCall


@task()
def expire_intro_call(*, call_id: int) -> None:
    """Expire an intro call that was not held in time (does nothing if it was)."""
    from kith.relationships.actions.intro_calls import intro_call_expire

    call = IntroCall.objects.filter(pk=call_id).first()
    if call is not None:
        intro_call_expire(call=call)


@periodic("intro-calls-expire", every=timedelta(hours=1))
@task()
def expire_due_intro_calls() -> int:
    """Expire every intro call past its time (the sweep behind the deferred task per call)."""
    from kith.relationships.actions.intro_calls import intro_calls_expire_due

    return intro_calls_expire_due()


@periodic("mutes-expire", every=timedelta(hours=1))
@task()
def expire_due_mutes() -> int:
    """Delete mutes whose time is up."""
    from kith.relationships.actions.safety import mutes_expire_due

    return mutes_expire_due()
