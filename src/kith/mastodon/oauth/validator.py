"""django-oauth-toolkit, fitted to Mastodon apps: which grants an app may use, the password
grant behind a setting (and Kith's log-in limits), and token requests in JSON as well as forms."""

from __future__ import annotations

import json

from django.conf import settings
from oauth2_provider.oauth2_backends import OAuthLibCore
from oauth2_provider.oauth2_validators import OAuth2Validator

from kith.people.validators import normalise_handle
from kith.web.forms import client_ip, login_limit

# Every Mastodon app may use these; the password grant only where KITH_OAUTH_PASSWORD_GRANT allows.
GRANTS = frozenset({"authorization_code", "client_credentials", "refresh_token"})


class MastodonOAuth2Validator(OAuth2Validator):
    def validate_grant_type(self, client_id, grant_type, client, request, *args, **kwargs):
        if grant_type == "password":
            return settings.KITH_OAUTH_PASSWORD_GRANT
        return grant_type in GRANTS

    def validate_user(self, username, password, client, request, *args, **kwargs):
        """Check a handle (or email) and password, counting failures as the log-in page does."""
        http_request = self.build_http_request(request)
        limit = login_limit()
        subjects = [f"ip:{client_ip(http_request)}", f"who:{normalise_handle(username or '')}"]
        if any(limit.is_exceeded(subject) for subject in subjects):
            return False
        valid = super().validate_user(username, password, client, request, *args, **kwargs)
        if valid and not request.user.email_confirmed:
            valid = False
        if not valid:
            for subject in subjects:
                limit.hit(subject)
        return valid


class MastodonOAuthLibCore(OAuthLibCore):
    """Read /oauth/token and /oauth/revoke bodies sent as JSON too (Mastodon accepts both)."""

    def extract_body(self, request):
        if request.content_type == "application/json":
            try:
                data = json.loads(request.body or b"{}")
            except ValueError:
                return []
            if not isinstance(data, dict):
                return []
            return [
                (str(key), str(value))
                for key, value in data.items()
                if isinstance(value, str | int | float)
                and not isinstance(value, bool)
                and "\x00" not in str(value) + str(key)
            ]
        return super().extract_body(request)
