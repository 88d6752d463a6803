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
from kith.mastodon.entities.filters import filter_entity, filter_keyword, filter_result
from kith.mastodon.entities.misc import (
    ConversationRow,
    MarkerValue,
    application,
    context,
    conversations,
    error,
    list_entity,
    markers,
    token,
)
from kith.mastodon.entities.notifications import (
    MASTODON_TYPES,
    grouped_notifications,
    mastodon_kinds,
    notification_type,
    notifications,
)
from kith.mastodon.entities.statuses import (
    kith_visibility,
    mastodon_visibility,
    media_attachment,
    preview_card,
    status,
    status_fragments,
    status_tag,
    statuses,
    tag,
)

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
    "field_entity",
    "filter_entity",
    "filter_keyword",
    "filter_result",
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
    "preview_card",
    "relationship",
    "relationships",
    "status",
    "status_fragments",
    "status_tag",
    "statuses",
    "tag",
    "token",
]
