"""Settings → Apps: the Mastodon apps one has let in, each with a button to take access back."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kith.core.ids import parse_id
from kith.mastodon import scopes as scope_rules
from kith.mastodon.oauth.authorizations import app_access_revoke, authorized_apps


@login_required
def apps_settings(request):
    apps = [
        {
            "app": app,
            "scopes": [
                {"name": name, "description": scope_rules.DESCRIPTIONS.get(name, name)}
                for name in app.scopes
            ],
        }
        for app in authorized_apps(request.user)
    ]
    return render(request, "mastodon/settings_apps.html", {"apps": apps})


@login_required
@require_POST
def app_revoke(request, application_id: int):
    found = {a.application_id: a for a in authorized_apps(request.user)}
    app = found.get(parse_id(application_id) or -1)
    if app is None or not app_access_revoke(person=request.user, application_id=app.application_id):
        raise Http404("No such app.")
    messages.success(request, f"{app.name} can no longer use your account.")
    return redirect("settings_apps")
