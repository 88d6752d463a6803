from django.conf import settings
from django.utils.functional import SimpleLazyObject


def site(request):
    """Add site-wide values to every template.

    `unread_notifications` is lazy: the query runs only where a page shows the nav badge.
    """
    values = {"SITE_NAME": "Kith", "BASE_URL": settings.BASE_URL}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        from kith.notify.selectors import unread_count

        values["unread_notifications"] = SimpleLazyObject(lambda: unread_count(user))
    return values
