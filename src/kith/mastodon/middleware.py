"""Middleware of the Mastodon API (/api/v1, /api/v2).

- `MastodonPathMiddleware`: a trailing slash is ignored, as Mastodon's router ignores it
  (Mastodon.py asks for `/api/v1/instance/`); a method a path does not take is a 405 in
  Mastodon's error shape (django-ninja answers it in plain text).
- `MastodonRateLimitMiddleware`: 300 requests per 5 minutes (by default) per token, or per IP
  address for calls without one, with `X-RateLimit-*` headers on every answer and a 429
  `{"error": "Too many requests"}` past the limit."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.http import JsonResponse

from kith.core.ratelimit import Limit

WINDOW_SECONDS = 300
PREFIXES = ("/api/v1/", "/api/v2/")


def _subject(request) -> str:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return "t:" + hashlib.sha256(token.strip().encode()).hexdigest()[:32]
    return "ip:" + (request.META.get("REMOTE_ADDR") or "unknown")


class MastodonPathMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if path.endswith("/") and path.startswith(PREFIXES) and len(path) > len(PREFIXES[0]):
            request.path_info = path.rstrip("/")
            request.path = request.path.rstrip("/")
        response = self.get_response(request)
        if response.status_code == 405 and path.startswith(PREFIXES):
            allowed = response.get("Allow")
            response = JsonResponse({"error": "Method not allowed"}, status=405)
            if allowed:
                response["Allow"] = allowed
        return response


class MastodonRateLimitMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        attempts = settings.KITH_MASTODON_RATE_LIMIT
        if attempts <= 0 or request.method == "OPTIONS" or not request.path.startswith(PREFIXES):
            return self.get_response(request)
        limit = Limit("mastodon", attempts, WINDOW_SECONDS)
        used = limit.hit(_subject(request))
        reset = limit.window_end()
        headers = {
            "X-RateLimit-Limit": str(attempts),
            "X-RateLimit-Remaining": str(max(0, attempts - used)),
            "X-RateLimit-Reset": dt.datetime.fromtimestamp(reset, tz=dt.UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
        }
        if used > attempts:
            response = JsonResponse({"error": "Too many requests"}, status=429)
            response["Retry-After"] = str(limit.seconds_left())
        else:
            response = self.get_response(request)
        for name, value in headers.items():
            response[name] = value
        return response
