"""Web routes for invitations, intro calls, connections and notifications."""

from django.urls import path, re_path

from kith.web.views import invitations as views
from kith.web.views import notifications as notification_views

HANDLE = r"@(?P<handle>[A-Za-z0-9_.]{1,30})"

urlpatterns = [
    re_path(rf"^{HANDLE}/invite/$", views.invite, name="invite"),
    path("invitations/", views.invitations, name="invitations"),
    path("invitations/<int:invitation_id>/", views.invitation, name="invitation"),
    path(
        "invitations/<int:invitation_id>/intro-call/",
        views.offer_intro_call,
        name="invitation_offer_intro_call",
    ),
    path(
        "invitations/<int:invitation_id>/<slug:verb>/",
        views.invitation_action,
        name="invitation_action",
    ),
    path("intro-calls/<int:call_id>/", views.intro_call, name="intro_call"),
    path("intro-calls/<int:call_id>/invite.ics", views.intro_call_invite, name="intro_call_ics"),
    path(
        "intro-calls/<int:call_id>/<slug:verb>/", views.intro_call_action, name="intro_call_action"
    ),
    path("connections/", views.connections, name="connections"),
    re_path(
        rf"^connections/{HANDLE}/remove/$", views.connection_remove_view, name="connection_remove"
    ),
    path("notifications/", notification_views.notifications, name="notifications"),
    path("notifications/read/", notification_views.notifications_read, name="notifications_read"),
    path(
        "settings/notifications/",
        notification_views.notification_settings_page,
        name="settings_notifications",
    ),
    path(
        "digest/unsubscribe/<str:token>/",
        notification_views.digest_unsubscribe_view,
        name="digest_unsubscribe",
    ),
    path("settings/availability/", views.availability, name="settings_availability"),
    path(
        "settings/availability/<int:availability_id>/delete/",
        views.availability_delete,
        name="settings_availability_delete",
    ),
]
