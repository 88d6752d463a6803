from django.conf import settings


def site(request):
    """Add site-wide values to every template."""
    live = request.META.get("HTTP_X_KITH_LIVE") == "1" and request.user.is_authenticated
    return {
        "SITE_NAME": "Kith",
        "BASE_URL": settings.BASE_URL,
        # The live stream is served by kith.asgi's router; pages connect only when served there.
        "LIVE_URL": "/live/events" if live else "",
    }
