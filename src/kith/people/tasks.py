"""People tasks: load by id, call an action. Idempotent."""

from __future__ import annotations

from django_tasks import task

from kith.people.models import ContactChange


@task()
def announce_contact_change(*, change_id: int) -> None:
    """Tell a person's connections about a change to their card they can see."""
    from kith.people.actions import contact_change_announce

    change = ContactChange.objects.select_related("person").filter(pk=change_id).first()
    if change is not None:
        contact_change_announce(change=change)
