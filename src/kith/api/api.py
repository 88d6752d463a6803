"""The native JSON API: /api/kith/v1/…, described at /api/kith/openapi.json, browsable at
/api/kith/docs. (/api/v1/ and /api/v2/ belong to the Mastodon-compatible API, kith.mastodon.)"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaValidationError

from kith.api.auth import InvalidToken
from kith.api.routes import (
    contacts,
    follows,
    invitations,
    links,
    me,
    media,
    messages,
    notifications,
    people,
    safety,
    search,
    suggestions,
)

api = NinjaAPI(
    title="Kith API",
    version="1",
    description="The native API of Kith. Authenticate with a personal access token "
    "(Settings → API tokens) as `Authorization: Bearer kith_…`.",
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)


def _error(request, status: int, error: str, detail=None):
    return api.create_response(request, {"error": error, "detail": detail}, status=status)


@api.exception_handler(DjangoValidationError)
def on_domain_error(request, exc: DjangoValidationError):
    detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
    return _error(request, 422, "invalid", detail)


@api.exception_handler(SchemaValidationError)
def on_schema_error(request, exc: SchemaValidationError):
    detail = [
        {"field": ".".join(str(p) for p in e.get("loc", ())[1:]) or None, "message": e.get("msg")}
        for e in exc.errors
    ]
    return _error(request, 422, "invalid_request", detail)


@api.exception_handler(PermissionDenied)
def on_forbidden(request, exc: PermissionDenied):
    return _error(request, 403, "forbidden", str(exc) or "You may not do that.")


@api.exception_handler(Http404)
def on_not_found(request, exc: Http404):
    return _error(request, 404, "not_found", str(exc) or "Not found.")


@api.exception_handler(InvalidToken)
def on_invalid_token(request, exc: InvalidToken):
    return _error(request, 401, "invalid_token", "The access token is invalid or revoked.")


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc: AuthenticationError):
    return _error(request, 401, "unauthorized", "Send a valid access token as a Bearer token.")


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    names = {
        400: "bad_request",
        403: "forbidden",
        404: "not_found",
        405: "method_not_allowed",
        409: "conflict",
        413: "too_large",
        429: "rate_limited",
    }
    return _error(request, exc.status_code, names.get(exc.status_code, "error"), str(exc))


# The home feed first: URLs are matched in this order, and it is the busiest path (no other
# router's path matches a feeds path, so the order changes nothing else).
api.add_router("/v1", "kith.api.routes.feeds.router")
api.add_router("/v1/me", me.router)
api.add_router("/v1/people", people.router)
api.add_router("/v1", invitations.router)
api.add_router("/v1", notifications.router)
api.add_router("/v1", follows.router)
api.add_router("/v1", safety.router)
api.add_router("/v1", contacts.router)
api.add_router("/v1", "kith.api.routes.posts.router")
api.add_router("/v1", "kith.api.routes.pins.router")
api.add_router("/v1/links", links.router)
api.add_router("/v1/media", media.router)
api.add_router("/v1/search", search.router)
api.add_router("/v1", "kith.api.routes.communities.router")
api.add_router("/v1", "kith.api.routes.topics.router")
api.add_router("/v1/suggestions", suggestions.router)
api.add_router("/v1/messages", messages.router)
api.add_router("/v1", "kith.api.routes.archives.router")
api.add_router("/v1", "kith.api.routes.insights.router")
api.add_router("/v1", "kith.api.routes.journeys.router")
