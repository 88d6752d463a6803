"""Helpers for the Mastodon API tests: register an app, get tokens through the real endpoints."""

from __future__ import annotations

import base64
import hashlib
import secrets
from urllib.parse import parse_qs, urlsplit

from django.test import Client

OOB = "urn:ietf:wg:oauth:2.0:oob"
CALLBACK = "https://app.example/callback"


def register_app(client: Client, *, scopes: str = "read write follow push", uris=OOB) -> dict:
    response = client.post(
        "/api/v1/apps",
        {"client_name": "Test App", "redirect_uris": uris, "scopes": scopes},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return response.json()


def authorize(
    client: Client,
    app: dict,
    *,
    redirect_uri: str = OOB,
    scope: str = "read",
    allow: bool = True,
    challenge: str | None = None,
) -> str:
    """Approve the app on the consent page as the logged-in client; return the code."""
    query = {
        "client_id": app["client_id"],
        "response_type": "code",
        "redirect_uri": redirect_uri,
        "scope": scope,
    }
    if challenge:
        query.update(code_challenge=challenge, code_challenge_method="S256")
    page = client.get("/oauth/authorize", query)
    assert page.status_code == 200, page.content
    form = page.context["form"]
    data = {name: form.initial.get(name) or "" for name in form.fields if name != "allow"}
    if allow:
        data["allow"] = "Authorize"
    answer = client.post("/oauth/authorize", data)
    if redirect_uri == OOB:
        assert answer.status_code == 200, answer.content
        return answer.context["code"]
    assert answer.status_code == 302, answer.content
    query = parse_qs(urlsplit(answer["Location"]).query)
    return (query.get("code") or [""])[0]


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    return verifier, challenge


def token_for(client: Client, app: dict, code: str, *, redirect_uri: str = OOB, **extra) -> dict:
    response = Client().post(
        "/oauth/token",
        {
            "grant_type": "authorization_code",
            "code": code,
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "redirect_uri": redirect_uri,
            **extra,
        },
    )
    assert response.status_code == 200, response.content
    return response.json()


def user_token(person, *, scope: str = "read", app_scopes: str = "read write follow push") -> str:
    """Return an access token for `person` obtained through the whole authorize flow."""
    client = Client()
    client.force_login(person)
    app = register_app(Client(), scopes=app_scopes)
    code = authorize(client, app, scope=scope)
    return token_for(client, app, code)["access_token"]


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}
