"""URLs of the Mastodon-compatible API outside /api: OAuth 2 and its discovery document."""

from django.urls import path

from kith.mastodon.oauth import settings_views, views

urlpatterns = [
    path("oauth/authorize", views.AuthorizeView.as_view(), name="oauth_authorize"),
    path("oauth/token", views.TokenView.as_view(), name="oauth_token"),
    path("oauth/revoke", views.RevokeView.as_view(), name="oauth_revoke"),
    path(
        ".well-known/oauth-authorization-server",
        views.authorization_server_metadata,
        name="oauth_metadata",
    ),
    path("settings/apps/", settings_views.apps_settings, name="settings_apps"),
    path(
        "settings/apps/<int:application_id>/revoke/",
        settings_views.app_revoke,
        name="settings_app_revoke",
    ),
]
