"""Communities (/c/<slug>…) and following a tag from its page (issue 6 item 4)."""

from django.urls import path, re_path

from kith.web.views import communities as views
from kith.web.views import topics

SLUG = r"^c/(?P<slug>[a-z0-9-]{1,40})"
POST_ID = r"(?P<post_id>[0-9]{1,20})"

urlpatterns = [
    path("c/", views.community_list, name="communities"),
    path("c/new", views.community_create, name="community_create"),
    re_path(rf"{SLUG}$", views.community_page, name="community"),
    re_path(rf"{SLUG}/questions$", views.community_questions, name="community_questions"),
    re_path(rf"{SLUG}/join$", views.community_join, name="community_join"),
    re_path(rf"{SLUG}/leave$", views.community_leave, name="community_leave"),
    re_path(rf"{SLUG}/members$", views.community_members, name="community_members"),
    re_path(rf"{SLUG}/invite$", views.community_invite, name="community_invite"),
    re_path(
        rf"{SLUG}/members/@(?P<handle>[A-Za-z0-9_.]{{1,30}})/(?P<verb>[a-z]{{1,10}})$",
        views.community_member,
        name="community_member",
    ),
    re_path(rf"{SLUG}/posts/{POST_ID}/report$", views.post_report, name="community_report"),
    re_path(
        rf"{SLUG}/posts/{POST_ID}/(?P<verb>remove|restore)$",
        views.post_moderate,
        name="community_post_moderate",
    ),
    re_path(rf"{SLUG}/moderation$", views.moderation_queue, name="community_moderation"),
    re_path(
        rf"{SLUG}/reports/(?P<report_id>[0-9]{{1,20}})/(?P<outcome>resolve|dismiss|remove)$",
        views.report_resolve,
        name="community_report_resolve",
    ),
    re_path(rf"{SLUG}/log$", views.moderation_log, name="community_log"),
    re_path(rf"{SLUG}/settings$", views.community_settings, name="community_settings"),
    path("topics/", topics.topic_list, name="topics"),
    path("topics/new", topics.topic_create, name="topic_create"),
    re_path(r"^topics/(?P<slug>[a-z0-9-]{1,64})$", topics.topic_page, name="topic"),
    re_path(
        r"^topics/(?P<slug>[a-z0-9-]{1,64})/(?P<verb>follow|unfollow)$",
        topics.topic_follow,
        name="topic_follow",
    ),
    re_path(
        r"^tags/(?P<tag>[^/]{1,64})/(?P<verb>follow|unfollow)$",
        views.tag_follow,
        name="tag_follow",
    ),
]
