from django.conf import settings


def site(request):
    """Add site-wide values to every template."""
    return {"SITE_NAME": "Kith", "BASE_URL": settings.BASE_URL}
