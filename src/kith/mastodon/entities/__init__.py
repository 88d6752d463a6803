"""Mastodon API entities (docs.joinmastodon.org/entities, Mastodon 4.3 with 4.4–4.5 quotes):
one serialiser per entity, plain dicts ready for orjson, built from prefetched querysets in
a fixed number of queries per response. See docs/mastodon.md for how Kith maps onto them.

Endpoints import from here: `from kith.mastodon import entities`.
"""

from kith.mastodon.entities.accounts import (
    Accounts,
    account,
    account_bases,
    accounts,
    credential_account,
    field_entity,
    mention,
    muted_accounts,
    relationship,
    relationships,
)
from kith.mastodon.entities.common import iso
from kith.mastodon.entities.content import (
    featured_tag,
    kith_visibility,
    mastodon_visibility,
    media_attachment,
    poll,
    preview_card,
    status_tag,
    tag,
)
from kith.mastodon.entities.filters import (
    filter_entity,
    filter_keyword,
    filter_result,
    filter_status,
    filter_v1,
)
from kith.mastodon.entities.history import status_edits, status_source
from kith.mastodon.entities.misc import (
    ConversationRow,
    MarkerValue,
    application,
    context,
    conversations,
    error,
    familiar_followers,
    list_entity,
    markers,
    preferences,
    report_entity,
    search_results,
    suggestion,
    token,
)
from kith.mastodon.entities.notifications import (
    MASTODON_TYPES,
    grouped_notifications,
    mastodon_kinds,
    notification_type,
    notifications,
)
from kith.mastodon.entities.statuses import status, status_fragments, statuses

__all__ = [
    "MASTODON_TYPES",
    "Accounts",
    "ConversationRow",
    "MarkerValue",
    "account",
    "account_bases",
    "accounts",
    "application",
    "context",
    "conversations",
    "credential_account",
    "error",
    "familiar_followers",
    "featured_tag",
    "field_entity",
    "filter_entity",
    "filter_keyword",
    "filter_result",
    "filter_status",
    "filter_v1",
    "grouped_notifications",
    "iso",
    "kith_visibility",
    "list_entity",
    "markers",
    "mastodon_kinds",
    "mastodon_visibility",
    "media_attachment",
    "mention",
    "muted_accounts",
    "notification_type",
    "notifications",
    "poll",
    "preferences",
    "preview_card",
    "relationship",
    "relationships",
    "report_entity",
    "search_results",
    "status",
    "status_edits",
    "status_fragments",
    "status_source",
    "status_tag",
    "statuses",
    "suggestion",
    "tag",
    "token",
]
