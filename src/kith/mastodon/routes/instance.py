"""The server as Mastodon apps see it: /api/v1/instance, /api/v2/instance and their parts,
plus the lists Kith has nothing for (custom emojis, announcements, endorsements)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import Count, Max
from django.db.models.functions import TruncWeek
from django.utils import timezone
from django.utils.html import escape
from ninja import Router

import kith
from kith.conversations import polls
from kith.conversations.media import ALT_TEXT_MAX, MAX_ATTACHMENTS
from kith.conversations.models import Post
from kith.conversations.validators import CHARACTERS_PER_URL
from kith.core.images import ACCEPTED_FORMATS
from kith.mastodon.auth import mastodon_auth
from kith.mastodon.models import ServerRule

POLL_LIMITS = {  # Kith's poll limits (kith.conversations.polls), Mastodon's values
    "max_options": polls.MAX_OPTIONS,
    "max_characters_per_option": polls.OPTION_MAX_CHARS,
    "min_expiration": polls.MIN_EXPIRES_IN,
    "max_expiration": polls.MAX_EXPIRES_IN,
}

router_v1 = Router(tags=["instance"])
router_v2 = Router(tags=["instance"])

MASTODON_VERSION = "4.3.0"
SITE_NAME = "Kith"  # as the web pages name the site (kith.web.context)
ACTIVITY_WEEKS = 12
MIME_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}


def version() -> str:
    """Return the version apps parse: Mastodon's API level, then Kith's own."""
    return f"{MASTODON_VERSION} (compatible; Kith {kith.__version__})"


def domain() -> str:
    return urlsplit(settings.BASE_URL).netloc


def streaming_url() -> str:
    parts = urlsplit(settings.BASE_URL)
    scheme = "wss" if parts.scheme == "https" else "ws"
    return f"{scheme}://{parts.netloc}"


def rules() -> list[dict]:
    return [
        {"id": str(rule.pk), "text": rule.text, "hint": rule.hint}
        for rule in ServerRule.objects.all()
    ]


def contact_account() -> dict | None:
    """Return the Account of the server's contact: its first administrator (or None)."""
    from django.contrib.auth.models import AnonymousUser

    from kith.mastodon import entities

    admin = _people().filter(is_staff=True).order_by("date_joined", "id").first()
    return entities.account(admin, AnonymousUser()) if admin is not None else None


def _people():
    return get_user_model().objects.filter(is_active=True)


def _local_posts():
    return Post.objects.filter(deleted_at__isnull=True, repost_of__isnull=True)


def _media_configuration() -> dict:
    return {
        "supported_mime_types": [
            MIME_TYPES[f] for f in sorted(ACCEPTED_FORMATS) if f in MIME_TYPES
        ],
        "description_limit": ALT_TEXT_MAX,
        "image_size_limit": settings.KITH_MEDIA_MAX_BYTES,
        "image_matrix_limit": settings.KITH_MEDIA_MAX_PIXELS,
        # Kith takes images only: no video or audio.
        "video_size_limit": 0,
        "video_frame_rate_limit": 0,
        "video_matrix_limit": 0,
    }


def _statuses_configuration() -> dict:
    return {
        "max_characters": settings.KITH_POST_MAX_CHARS,
        "max_media_attachments": MAX_ATTACHMENTS,
        "characters_reserved_per_url": CHARACTERS_PER_URL,
    }


def _active_month() -> int:
    since = timezone.now() - dt.timedelta(days=30)
    return _people().filter(last_login__gte=since).count()


def instance_v2() -> dict:
    """Return the Instance entity (v2)."""
    return {
        "domain": domain(),
        "title": SITE_NAME,
        "version": version(),
        "source_url": settings.KITH_SOURCE_URL or f"{settings.BASE_URL}/",
        "description": settings.KITH_SITE_DESCRIPTION,
        "usage": {"users": {"active_month": _active_month()}},
        "thumbnail": {"url": f"{settings.BASE_URL}{settings.STATIC_URL}kith/favicon.svg"},
        "icon": [],
        "languages": [settings.LANGUAGE_CODE],
        "configuration": {
            "urls": {
                "streaming": streaming_url(),
                "status": None,
                "about": f"{settings.BASE_URL}/",
                "privacy_policy": None,
                "terms_of_service": None,
            },
            "vapid": {"public_key": ""},
            "accounts": {"max_featured_tags": 0, "max_pinned_statuses": 0},
            "statuses": _statuses_configuration(),
            "media_attachments": _media_configuration(),
            "polls": dict(POLL_LIMITS),
            "translation": {"enabled": False},
        },
        "registrations": {
            # Sign-up on Kith is open, with a confirmed email address (see /signup).
            "enabled": True,
            "approval_required": False,
            "message": None,
            "url": None,
        },
        "api_versions": {"mastodon": 2},
        "contact": {"email": settings.KITH_CONTACT_EMAIL, "account": contact_account()},
        "rules": rules(),
    }


def instance_v1() -> dict:
    """Return the Instance entity of API v1 (deprecated, still read by many apps)."""
    return {
        "uri": domain(),
        "title": SITE_NAME,
        "short_description": settings.KITH_SITE_DESCRIPTION,
        "description": escape(settings.KITH_SITE_DESCRIPTION),
        "email": settings.KITH_CONTACT_EMAIL,
        "version": version(),
        "urls": {"streaming_api": streaming_url()},
        "stats": {
            "user_count": _people().count(),
            "status_count": _local_posts().count(),
            # Kith does not federate yet: no other servers are known.
            "domain_count": 0,
        },
        "thumbnail": f"{settings.BASE_URL}{settings.STATIC_URL}kith/favicon.svg",
        "languages": [settings.LANGUAGE_CODE],
        "registrations": True,
        "approval_required": False,
        "invites_enabled": True,
        "configuration": {
            "accounts": {"max_featured_tags": 0},
            "statuses": _statuses_configuration(),
            "media_attachments": _media_configuration(),
            "polls": dict(POLL_LIMITS),
        },
        "contact_account": contact_account(),
        "rules": rules(),
    }


def weekly_activity(now: dt.datetime | None = None) -> list[dict]:
    """Return the last 12 weeks (this one first): posts, people who posted, new people."""
    now = now or timezone.now()
    monday = (now - dt.timedelta(days=now.weekday())).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    start = monday - dt.timedelta(weeks=ACTIVITY_WEEKS - 1)

    def per_week(queryset, field: str, value) -> dict[dt.date, int]:
        rows = (
            queryset.filter(**{f"{field}__gte": start})
            .annotate(week=TruncWeek(field))
            .values("week")
            .annotate(n=value)
            .order_by()
        )
        return {row["week"].date(): row["n"] for row in rows}

    posts = per_week(_local_posts(), "created_at", Count("id"))
    posters = per_week(_local_posts(), "created_at", Count("author_id", distinct=True))
    joined = per_week(get_user_model().objects.all(), "date_joined", Count("id"))
    weeks = []
    for i in range(ACTIVITY_WEEKS):
        week = monday - dt.timedelta(weeks=i)
        day = week.date()
        weeks.append(
            {
                "week": str(int(week.timestamp())),
                "statuses": str(posts.get(day, 0)),
                "logins": str(posters.get(day, 0)),
                "registrations": str(joined.get(day, 0)),
            }
        )
    return weeks


@router_v2.get("/instance")
def instance_v2_view(request):
    """The server: name, version, limits, rules, registrations (Instance v2)."""
    return instance_v2()


@router_v1.get("/instance")
def instance_v1_view(request):
    """The server (Instance v1, deprecated in Mastodon, read by older apps)."""
    return instance_v1()


@router_v1.get("/instance/peers")
def peers(request):
    """Domains this server has met: none, Kith does not federate yet."""
    return []


@router_v1.get("/instance/activity")
def activity(request):
    """Posts, posting people and new people per week, for the last 12 weeks."""
    found = cache.get("mastodon:instance-activity")
    if found is None:
        found = weekly_activity()
        cache.set("mastodon:instance-activity", found, 300)
    return found


@router_v1.get("/instance/rules")
def instance_rules(request):
    """The server's rules (edited by administrators in the admin)."""
    return rules()


@router_v1.get("/instance/extended_description")
def extended_description(request):
    """A longer description of the server: its one-sentence description and its rules."""
    items = list(ServerRule.objects.all())
    latest = ServerRule.objects.aggregate(at=Max("updated_at"))["at"]
    content = f"<p>{escape(settings.KITH_SITE_DESCRIPTION)}</p>"
    if items:
        content += "<ol>" + "".join(f"<li>{escape(rule.text)}</li>" for rule in items) + "</ol>"
    updated = latest or _first_join()
    return {"updated_at": _iso(updated), "content": content}


def _first_join() -> dt.datetime:
    first = get_user_model().objects.order_by("date_joined").values_list("date_joined", flat=True)
    return first.first() or timezone.now()


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@router_v1.get("/custom_emojis")
def custom_emojis(request):
    """Custom emojis: Kith has none."""
    return []


@router_v1.get("/announcements", auth=mastodon_auth("read"))
def announcements(request):
    """Announcements by the administrators: Kith has none."""
    return []


@router_v1.get("/endorsements", auth=mastodon_auth("read:accounts"))
def endorsements(request):
    """Accounts featured on one's profile: Kith has no such feature."""
    return []
