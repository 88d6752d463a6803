"""The OAuth 2 endpoints Mastodon apps call: /oauth/authorize (Kith's consent page),
/oauth/token, /oauth/revoke and /.well-known/oauth-authorization-server.

django-oauth-toolkit (with oauthlib) checks every request and issues the tokens; these views
fit its answers to Mastodon's: the consent page in Kith's style, the out-of-band code shown to
copy, redirects to an app's own scheme (`ivory://…`), `created_at` in the Token entity.
"""

from __future__ import annotations

import json
import time
from urllib.parse import parse_qs, urlencode, urlsplit

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.encoding import iri_to_uri
from django.views.decorators.http import require_GET
from oauth2_provider import views as dot

from kith.core.middleware import CONTENT_SECURITY_POLICY
from kith.mastodon import scopes as scope_rules
from kith.mastodon.oauth.clients import FORBIDDEN_SCHEMES, OOB


def _has_nul(request) -> bool:
    """Return whether any parameter holds a NUL character (no database can store one)."""
    sources = [request.GET, request.POST] if request.method == "POST" else [request.GET]
    for data in sources:
        for key, values in data.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                return True
    return False


def _invalid_request() -> JsonResponse:
    return JsonResponse(
        {"error": "invalid_request", "error_description": "Parameters cannot contain NUL."},
        status=400,
    )


class AppRedirect(HttpResponse):
    """A 302 to an app's redirect URI, whatever its scheme (checked against the app's
    registered URIs by oauthlib before it gets here; dangerous schemes never registered)."""

    status_code = 302

    def __init__(self, to: str) -> None:
        super().__init__()
        if urlsplit(to).scheme.lower() in FORBIDDEN_SCHEMES:
            raise ValueError(f"refusing to redirect to {to!r}")
        self["Location"] = iri_to_uri(to)


def _form_action(redirect_uri: str | None) -> str:
    """Return a CSP that lets the consent form's answer reach the app's redirect URI (browsers
    apply form-action to the redirect that follows the form)."""
    target = "'self'"
    if redirect_uri and redirect_uri != OOB:
        parts = urlsplit(redirect_uri)
        if parts.scheme in ("http", "https"):
            target += f" {parts.scheme}://{parts.netloc}"
        elif parts.scheme:
            target += f" {parts.scheme}:"
    return CONTENT_SECURITY_POLICY.replace("form-action 'self'", f"form-action {target}")


class AuthorizeView(dot.AuthorizationView):
    """Ask the signed-in person whether the app may act for them (after logging in)."""

    template_name = "mastodon/authorize.html"

    def dispatch(self, request, *args, **kwargs):
        if _has_nul(request):
            return _invalid_request()
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        # Any value but a false one, as Mastodon reads it: Mastodon.py sends "True".
        force = request.GET.get("force_login", "").lower() not in ("", "0", "f", "false", "off")
        if force and request.user.is_authenticated:
            logout(request)
            query = request.GET.copy()
            query.pop("force_login")
            return redirect(f"{reverse('oauth_authorize')}?{query.urlencode()}")
        method = request.GET.get("code_challenge_method")
        if request.GET.get("code_challenge") and method not in (None, "S256"):
            error = {"error": "invalid_request", "description": "PKCE needs the S256 method."}
            return self.render_to_response({"error": error}, status=400)
        response = super().get(request, *args, **kwargs)
        if getattr(response, "status_code", None) == 200:
            response["Content-Security-Policy"] = _form_action(request.GET.get("redirect_uri"))
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        names = context.get("scopes") or []
        context["scope_items"] = [
            {"name": name, "description": scope_rules.DESCRIPTIONS.get(name, name)}
            for name in names
        ]
        application = context.get("application")
        if application is not None:
            context["website"] = getattr(getattr(application, "mastodon", None), "website", "")
        context["is_oob"] = context.get("redirect_uri") == OOB
        return context

    def redirect(self, redirect_to, application):
        if redirect_to.startswith(OOB):
            query = parse_qs(urlsplit(redirect_to).query)
            context = {
                "application": application,
                "code": (query.get("code") or [""])[0],
                "error": (query.get("error") or [""])[0],
            }
            return self.response_class(
                request=self.request, template="mastodon/authorize_oob.html", context=context
            )
        return AppRedirect(redirect_to)


# What each OAuth error means, for answers that come without a description (Mastodon always
# sends `error_description`).
DESCRIPTIONS = {
    "invalid_request": "The request is missing a required parameter, includes an unsupported "
    "parameter value, or is otherwise malformed.",
    "invalid_client": "Client authentication failed: unknown client, no client authentication "
    "included, or an unsupported authentication method.",
    "invalid_grant": "The authorization grant or refresh token is invalid, expired, revoked, "
    "does not match the redirection URI, or was issued to another client.",
    "unauthorized_client": "The client is not authorized to use this grant type.",
    "unsupported_grant_type": "The authorization grant type is not supported.",
    "invalid_scope": "The requested scope is invalid, unknown, or malformed.",
    "unsupported_token_type": "The token type is not supported for revocation.",
}


def _described(response):
    """Add `error_description` to an OAuth error answer that lacks one."""
    if response.status_code < 400:
        return response
    try:
        data = json.loads(response.content or b"{}")
    except ValueError:
        return response
    if isinstance(data, dict) and "error" in data and not data.get("error_description"):
        data["error_description"] = DESCRIPTIONS.get(data["error"], "The request was refused.")
        response.content = json.dumps(data)
    return response


class TokenView(dot.TokenView):
    """Issue a token; the answer carries Mastodon's `created_at` besides OAuth's fields."""

    def post(self, request, *args, **kwargs):
        if _has_nul(request):
            return _invalid_request()
        response = super().post(request, *args, **kwargs)
        if response.status_code == 200:
            data = json.loads(response.content)
            data.setdefault("created_at", int(time.time()))
            response.content = json.dumps(data)
        return _described(response)


class RevokeView(dot.RevokeTokenView):
    """Revoke a token; Mastodon answers an empty object."""

    def post(self, request, *args, **kwargs):
        if _has_nul(request):
            return _invalid_request()
        response = super().post(request, *args, **kwargs)
        if response.status_code == 200 and not response.content:
            response.content = b"{}"
            response["Content-Type"] = "application/json"
        return _described(response)


@require_GET
def authorization_server_metadata(request):
    """RFC 8414 metadata, as Mastodon 4.3 publishes it."""
    base = settings.BASE_URL
    grants = ["authorization_code", "client_credentials", "refresh_token"]
    if settings.KITH_OAUTH_PASSWORD_GRANT:
        grants.append("password")
    return JsonResponse(
        {
            "issuer": f"{base}/",
            "service_documentation": "https://docs.joinmastodon.org/",
            "authorization_endpoint": f"{base}{reverse('oauth_authorize')}",
            "token_endpoint": f"{base}{reverse('oauth_token')}",
            "revocation_endpoint": f"{base}{reverse('oauth_revoke')}",
            "app_registration_endpoint": f"{base}/api/v1/apps",
            "scopes_supported": sorted(scope_rules.ALL_SCOPES),
            "response_types_supported": ["code"],
            "response_modes_supported": ["query", "fragment", "form_post"],
            "code_challenge_methods_supported": ["S256"],
            "grant_types_supported": grants,
            "token_endpoint_auth_methods_supported": [
                "client_secret_basic",
                "client_secret_post",
            ],
        }
    )


def oob_url(client_id: str, scope: str = "read") -> str:
    """Return the authorize URL of an out-of-band request (what `toot` and bots open)."""
    query = {"client_id": client_id, "response_type": "code", "redirect_uri": OOB, "scope": scope}
    return f"{reverse('oauth_authorize')}?{urlencode(query)}"
