"""A small client for the Mastodon API tests: calls with a Bearer token of a given scope,
obtained through the real authorize flow (`oauth_helpers.user_token`)."""

from __future__ import annotations

import json

from django.test import Client

from tests.mastodon.oauth_helpers import bearer, user_token

ALL = "read write follow push profile"


class Masto:
    """Call /api/v1… as `person` with a token of `scope`."""

    def __init__(self, person, scope: str = ALL) -> None:
        self.person = person
        self.token = user_token(person, scope=scope, app_scopes=ALL)
        self.client = Client()

    def get(self, path: str, data=None):
        return self.client.get(path, data or {}, **bearer(self.token))

    def post(self, path: str, data=None, *, form: bool = False):
        if form:
            return self.client.post(path, data or {}, **bearer(self.token))
        return self.client.post(
            path, json.dumps(data or {}), content_type="application/json", **bearer(self.token)
        )

    def patch(self, path: str, data=None):
        return self.client.patch(
            path, json.dumps(data or {}), content_type="application/json", **bearer(self.token)
        )

    def put(self, path: str, data=None):
        return self.client.put(
            path, json.dumps(data or {}), content_type="application/json", **bearer(self.token)
        )

    def delete(self, path: str, data=None):
        return self.client.delete(
            path, json.dumps(data or {}), content_type="application/json", **bearer(self.token)
        )


def ids(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()]
