"""Posts, threads, the compose box, tags and questions (issue 4 item 12).

Post pages live where `Post.get_absolute_url()` says (/@handle/<id>), tags where
`Hashtag.get_absolute_url()` does (/tags/<name>).
"""

from django.urls import path, re_path

from kith.web.views import conversation_lists as lists
from kith.web.views import conversations as posts
from kith.web.views import journey, pins, polls

HANDLE = r"@(?P<handle>[A-Za-z0-9_.]{1,30})"
POST = rf"^{HANDLE}/(?P<post_id>[0-9]{{1,20}})"

urlpatterns = [
    path("posts/new", lists.compose, name="compose"),
    path("posts/preview", lists.compose_preview, name="compose_preview"),
    path("questions/", lists.questions, name="questions"),
    path("bookmarks/", lists.bookmarks, name="bookmarks"),
    re_path(r"^tags/(?P<tag>[^/]{1,64})$", lists.tag_page, name="tag"),
    re_path(rf"^{HANDLE}/posts$", lists.person_posts, name="person_posts"),
    re_path(rf"^{HANDLE}/pinned$", pins.pinned_partial, name="profile_pinned"),
    re_path(rf"{POST}$", posts.post_page, name="post"),
    re_path(rf"{POST}/reply$", posts.post_reply, name="post_reply"),
    re_path(rf"{POST}/edit$", posts.post_edit, name="post_edit"),
    re_path(rf"{POST}/delete$", posts.post_delete, name="post_delete"),
    re_path(rf"{POST}/history$", posts.post_history, name="post_history"),
    re_path(rf"{POST}/journey$", journey.post_journey, name="post_journey"),
    re_path(rf"{POST}/replies$", posts.post_replies, name="post_replies"),
    re_path(rf"{POST}/repost$", posts.post_repost, name="post_repost"),
    re_path(rf"{POST}/quote$", posts.post_quote, name="post_quote"),
    re_path(rf"{POST}/revoke-quote$", posts.quote_revoke, name="quote_revoke"),
    re_path(rf"{POST}/accept$", posts.answer_accept, name="answer_accept"),
    re_path(rf"{POST}/helpful$", posts.post_helpful, name="post_helpful"),
    re_path(rf"{POST}/bookmark$", posts.post_bookmark, name="post_bookmark"),
    re_path(rf"{POST}/used$", posts.post_used, name="post_used"),
    re_path(rf"{POST}/pin$", pins.post_pin, name="post_pin"),
    re_path(rf"{POST}/mute$", pins.thread_mute, name="thread_mute"),
    re_path(rf"{POST}/poll$", polls.poll_vote, name="poll_vote"),
]
