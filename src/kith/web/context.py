from django.conf import settings
from django.utils.functional import SimpleLazyObject


def site(request):
    """Add site-wide values to every template.

    `unread_notifications` is lazy: the query runs only where a page shows the nav badge.
    """
    from kith.live.asgi import LIVE_TOKEN

    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    live = request.META.get("HTTP_X_KITH_LIVE") == LIVE_TOKEN and signed_in
    values = {
        "SITE_NAME": "Kith",
        "BASE_URL": settings.BASE_URL,
        # The live stream is served by kith.asgi's router; pages connect only when served there.
        "LIVE_URL": "/live/events" if live else "",
    }
    if signed_in:
        from kith.notify.selectors import unread_count

        values["unread_notifications"] = SimpleLazyObject(lambda: unread_count(user))
    return values
