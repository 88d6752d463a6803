"""The Mastodon-compatible client API: /api/v1/… and /api/v2/…, described at
/api/mastodon/openapi.json (browsable at /api/mastodon/docs).

One router per area in `kith/mastodon/routes/`; add yours with one line at the end of this
file (`mastodon_api.add_router("/v1", "kith.mastodon.routes.statuses.router")`). Routes use
`kith.mastodon.auth.mastodon_auth`, `kith.mastodon.parser.Params`/`Query`,
`kith.mastodon.pagination.paginate` and raise `kith.mastodon.errors.MastodonError`; every
error leaves as Mastodon's `{"error": "…"}`.
"""

from __future__ import annotations

import orjson
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaValidationError
from ninja.renderers import BaseRenderer

from kith.mastodon.errors import MastodonError, validation_message
from kith.mastodon.parser import MastodonParser


class ORJSONRenderer(BaseRenderer):
    media_type = "application/json"

    def render(self, request, data, *, response_status):
        return orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS)


mastodon_api = NinjaAPI(
    title="Kith — Mastodon-compatible API",
    version="4.3.0",
    description="The Mastodon client API as Kith speaks it (see docs/mastodon.md). "
    "Authenticate with an OAuth 2 token from /oauth/token as `Authorization: Bearer …`.",
    urls_namespace="mastodon",
    docs_url="/mastodon/docs",
    openapi_url="/mastodon/openapi.json",
    parser=MastodonParser(),
    renderer=ORJSONRenderer(),
)


def error_response(request, status: int, message: str, headers=None):
    response = mastodon_api.create_response(request, {"error": message}, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _field(loc) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "params", "form")]
    # ninja names the whole-model argument first ("params"); the field follows
    return ".".join(parts[1:] if len(parts) > 1 else parts) or "request"


@mastodon_api.exception_handler(MastodonError)
def on_mastodon_error(request, exc: MastodonError):
    return error_response(request, exc.status, exc.message, exc.headers)


@mastodon_api.exception_handler(SchemaValidationError)
def on_schema_error(request, exc: SchemaValidationError):
    parts = [f"{_field(e.get('loc', ()))} {e.get('msg', 'is invalid')}" for e in exc.errors]
    return error_response(request, 422, "Validation failed: " + ", ".join(parts))


@mastodon_api.exception_handler(DjangoValidationError)
def on_domain_error(request, exc: DjangoValidationError):
    messages = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
    return error_response(request, 422, validation_message(messages))


@mastodon_api.exception_handler(Http404)
def on_not_found(request, exc: Http404):
    return error_response(request, 404, "Record not found")


@mastodon_api.exception_handler(PermissionDenied)
def on_forbidden(request, exc: PermissionDenied):
    return error_response(request, 403, str(exc) or "This action is not allowed")


@mastodon_api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc: AuthenticationError):
    return error_response(request, 401, "The access token is invalid")


@mastodon_api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    return error_response(request, exc.status_code, str(exc))


# --- Routers: one line per area (kith/mastodon/routes/<area>.py) -------------------------------
mastodon_api.add_router("/v1", "kith.mastodon.routes.apps.router")
mastodon_api.add_router("/v1", "kith.mastodon.routes.instance.router_v1")
mastodon_api.add_router("/v2", "kith.mastodon.routes.instance.router_v2")
mastodon_api.add_router("/v1", "kith.mastodon.routes.accounts.router")
mastodon_api.add_router("/v1", "kith.mastodon.routes.lists.router")
mastodon_api.add_router("/v1", "kith.mastodon.routes.tags.router")
mastodon_api.add_router("/v1", "kith.mastodon.routes.suggestions.router_v1")
mastodon_api.add_router("/v2", "kith.mastodon.routes.suggestions.router_v2")
mastodon_api.add_router("/v1", "kith.mastodon.routes.reports.router")
mastodon_api.add_router("/v1", "kith.mastodon.routes.notifications.router_v1")
mastodon_api.add_router("/v2", "kith.mastodon.routes.notifications.router_v2")
mastodon_api.add_router("/v1", "kith.mastodon.routes.markers.router")
mastodon_api.add_router("/v2", "kith.mastodon.routes.search.router")
mastodon_api.add_router("/v1", "kith.mastodon.routes.trends.router")
mastodon_api.add_router("/v1", "kith.mastodon.routes.statuses.router")
mastodon_api.add_router("/v1", "kith.mastodon.routes.timelines.router")
mastodon_api.add_router("/v1", "kith.mastodon.routes.media.router_v1")
mastodon_api.add_router("/v2", "kith.mastodon.routes.media.router_v2")
mastodon_api.add_router("/v1", "kith.mastodon.routes.polls.router")
mastodon_api.add_router("/v1", "kith.mastodon.routes.conversations.router")
mastodon_api.add_router("/v1", "kith.mastodon.routes.featured_tags.router")
mastodon_api.add_router("/v1", "kith.mastodon.routes.filters.router_v1")
mastodon_api.add_router("/v2", "kith.mastodon.routes.filters.router_v2")
