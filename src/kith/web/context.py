from django.conf import settings


def site(request):
    """Add site-wide values to every template."""
    from kith.live.asgi import LIVE_TOKEN

    live = request.META.get("HTTP_X_KITH_LIVE") == LIVE_TOKEN and request.user.is_authenticated
    return {
        "SITE_NAME": "Kith",
        "BASE_URL": settings.BASE_URL,
        # The live stream is served by kith.asgi's router; pages connect only when served there.
        "LIVE_URL": "/live/events" if live else "",
    }
