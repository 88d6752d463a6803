"""Notifications (grouped, unread first to the eye), their settings, and digest unsubscribe."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from kith.core.ids import parse_id
from kith.feeds.actions import notifications_mark_read
from kith.notify.digests import digest_for_token, digest_unsubscribe
from kith.notify.models import Delivery, DigestFrequency
from kith.notify.preferences import (
    digest_frequency,
    digest_frequency_set,
    kinds,
    notification_settings,
    notification_settings_update,
)
from kith.notify.selectors import notification_page

PAGE = 40


@login_required
def notifications(request):
    max_id = parse_id(request.GET.get("max_id") or "") if request.GET.get("max_id") else None
    unread_only = request.GET.get("unread") == "1"
    groups, next_max_id = notification_page(
        request.user, limit=PAGE, max_id=max_id, unread_only=unread_only
    )
    return render(
        request,
        "web/notifications.html",
        {"groups": groups, "next_max_id": next_max_id, "unread_only": unread_only},
    )


@login_required
@require_POST
def notifications_read(request):
    """Mark all read, or only the ids posted (one notification or one group)."""
    raw = request.POST.getlist("id")
    ids = [pk for pk in (parse_id(value) for value in raw) if pk]
    if raw and not ids:
        messages.error(request, "Those are not notification ids.")
        return redirect("notifications")
    marked = notifications_mark_read(person=request.user, ids=ids or None)
    if request.htmx and ids:
        return render(request, "web/_notification_read.html", {"marked": marked})
    return redirect(request.POST.get("next") or "notifications")


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings_page(request):
    current = notification_settings(request.user)
    status = 200
    error = ""
    if request.method == "POST":
        changes = {kind: request.POST.get(f"kind_{kind}", current[kind]) for kind, _ in kinds()}
        try:
            with transaction.atomic():  # all or nothing: a bad digest value keeps the kinds
                notification_settings_update(person=request.user, changes=changes)
                digest_frequency_set(
                    person=request.user,
                    frequency=request.POST.get("digest", digest_frequency(request.user)),
                )
        except ValidationError as exc:
            error = " ".join(exc.messages)
            status = 400
        else:
            messages.success(request, "Notification settings saved.")
            return redirect("settings_notifications")
    rows = [(kind, label, current[kind]) for kind, label in kinds()]
    return render(
        request,
        "web/settings_notifications.html",
        {
            "rows": rows,
            "deliveries": Delivery.choices,
            "digest": digest_frequency(request.user),
            "frequencies": DigestFrequency.choices,
            "error": error,
        },
        status=status,
    )


@csrf_exempt
@require_http_methods(["GET", "POST"])
def digest_unsubscribe_view(request, token: str):
    """The digest's one-click unsubscribe link: no login, works once.

    GET shows a one-button page (link scanners must not unsubscribe anyone); POST, from
    that button or from a mail client's RFC 8058 one-click request, unsubscribes.
    """
    digest = digest_for_token(token)
    if digest is None:
        return render(request, "web/digest_unsubscribe.html", {"state": "invalid"}, status=400)
    if digest.unsubscribed_at is not None:
        return render(request, "web/digest_unsubscribe.html", {"state": "already"}, status=410)
    if request.method == "GET":
        return render(
            request, "web/digest_unsubscribe.html", {"state": "confirm", "digest": digest}
        )
    if not digest_unsubscribe(digest):
        return render(request, "web/digest_unsubscribe.html", {"state": "already"}, status=410)
    return render(request, "web/digest_unsubscribe.html", {"state": "done", "digest": digest})
