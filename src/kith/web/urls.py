from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path, reverse_lazy

from kith.web.forms import QueuedPasswordResetForm
from kith.web.views import accounts, pages, profiles, settings_pages

HANDLE = r"@(?P<handle>[A-Za-z0-9_.]{1,30})"

urlpatterns = [
    path("", pages.home, name="home"),
    path("healthz", pages.healthz, name="healthz"),
    path("people/", profiles.people_directory, name="people"),
    path("signup/", accounts.sign_up, name="sign_up"),
    path("signup/sent/", accounts.sign_up_sent, name="sign_up_sent"),
    path("confirm/resend/", accounts.resend_confirmation, name="resend_confirmation"),
    path("confirm/<str:token>/", accounts.confirm_email, name="confirm_email"),
    path("login/", accounts.KithLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/reset/",
        auth_views.PasswordResetView.as_view(
            form_class=QueuedPasswordResetForm,
            template_name="web/password_reset.html",
            email_template_name="web/email/password_reset.txt",
            subject_template_name="web/email/password_reset_subject.txt",
            success_url=reverse_lazy("password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="web/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="web/password_reset_confirm.html",
            success_url=reverse_lazy("password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="web/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path(
        "settings/password/",
        auth_views.PasswordChangeView.as_view(
            template_name="web/password_change.html",
            success_url=reverse_lazy("settings_profile"),
        ),
        name="password_change",
    ),
    path("settings/profile/", settings_pages.profile_settings, name="settings_profile"),
    path("settings/avatar/", settings_pages.avatar_settings, name="settings_avatar"),
    path("settings/card/", settings_pages.card_settings, name="settings_card"),
    path("settings/card/<int:field_id>/", settings_pages.card_field, name="settings_card_field"),
    path(
        "settings/card/<int:field_id>/delete/",
        settings_pages.card_field_delete,
        name="settings_card_field_delete",
    ),
    path(
        "settings/card/<int:field_id>/move/",
        settings_pages.card_field_move,
        name="settings_card_field_move",
    ),
    path("settings/tokens/", settings_pages.token_settings, name="settings_tokens"),
    path(
        "settings/tokens/<int:token_id>/revoke/",
        settings_pages.token_revoke,
        name="settings_token_revoke",
    ),
    path("", include("kith.web.urls_invitations")),
    path("", include("kith.web.urls_messages")),
    path("", include("kith.web.urls_follows")),
    path("", include("kith.web.urls_insights")),
    path("", include("kith.web.urls_feeds")),
    path("", include("kith.web.urls_contacts")),
    path("", include("kith.web.urls_suggestions")),
    path("", include("kith.web.urls_archives")),
    path("", include("kith.web.urls_discovery")),  # before media/: post images are guarded
    path("", include("kith.web.urls_communities")),
    path("", include("kith.web.urls_conversations")),
    re_path(r"^media/(?P<path>.+)$", profiles.media, name="media"),
    re_path(rf"^{HANDLE}$", profiles.profile, name="profile"),
    re_path(rf"^{HANDLE}/card$", profiles.card_partial, name="profile_card"),
]
