"""Web routes for the home feed's pages, lists, filters and follow settings."""

from django.urls import path, re_path

from kith.web.views import feeds

HANDLE = r"@(?P<handle>[A-Za-z0-9_.]{1,30})"

urlpatterns = [
    path("feed/", feeds.feed_more, name="feed"),
    path("feed/why/<int:entry_id>/", feeds.feed_why, name="feed_why"),
    path("lists/", feeds.lists, name="lists"),
    path("lists/<int:list_id>/", feeds.list_page, name="list_page"),
    path("lists/<int:list_id>/edit/", feeds.list_edit, name="list_edit"),
    path("settings/filters/", feeds.filters, name="settings_filters"),
    path("settings/filters/<int:filter_id>/", feeds.filter_edit, name="settings_filter_edit"),
    path("settings/answering/", feeds.answer_offers, name="settings_answer_offers"),
    re_path(rf"^{HANDLE}/follow/settings/$", feeds.follow_settings, name="follow_settings"),
]
