"""Short links, post images, search and feeds (issue 4 items 7–10)."""

from django.urls import path, re_path

from kith.web.views import discovery

HANDLE = r"@(?P<handle>[A-Za-z0-9_.]{1,30})"
FORMAT = r"(?P<fmt>rss|atom)"

urlpatterns = [
    path("s/<str:code>", discovery.short_link, name="short_link"),
    path("links/<str:post_id>/", discovery.post_links, name="post_links"),
    re_path(r"^media/posts/(?P<name>[\w.-]{1,80})$", discovery.post_media, name="post_media"),
    path("search", discovery.search_page, name="search"),
    re_path(rf"^{HANDLE}/feed\.{FORMAT}$", discovery.person_feed, name="person_feed"),
    re_path(rf"^tags/(?P<tag>[^/]{{1,64}})/feed\.{FORMAT}$", discovery.tag_feed, name="tag_feed"),
]
