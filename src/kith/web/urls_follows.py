"""Web routes for follows, blocks, mutes and private notes (included from kith.web.urls)."""

from django.urls import path, re_path

from kith.web.views import follows, safety

HANDLE = r"@(?P<handle>[A-Za-z0-9_.]{1,30})"

urlpatterns = [
    re_path(rf"^{HANDLE}/follow/$", follows.follow, name="follow"),
    re_path(rf"^{HANDLE}/follow/confirm/$", follows.follow_confirm, name="follow_confirm"),
    re_path(rf"^{HANDLE}/unfollow/$", follows.unfollow, name="unfollow"),
    re_path(rf"^{HANDLE}/remove-follower/$", follows.follower_remove, name="follower_remove"),
    re_path(
        rf"^{HANDLE}/follow-request/(?P<verb>approve|reject)/$",
        follows.follow_request_answer,
        name="follow_request_answer",
    ),
    path("following/", follows.following, name="following"),
    path("followers/", follows.followers, name="followers"),
    path("followers/requests/", follows.follow_requests, name="follow_requests"),
    re_path(rf"^{HANDLE}/block/$", safety.block, name="block"),
    re_path(rf"^{HANDLE}/unblock/$", safety.unblock, name="unblock"),
    re_path(rf"^{HANDLE}/mute/$", safety.mute, name="mute"),
    re_path(rf"^{HANDLE}/unmute/$", safety.unmute, name="unmute"),
    re_path(rf"^{HANDLE}/note/$", safety.note, name="person_note"),
    path("settings/blocked/", safety.blocked_and_muted, name="settings_blocked"),
]
