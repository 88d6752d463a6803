"""Every change to people, profiles, contact cards and access tokens, one module per concept.

Callers import from here (`from kith.people import actions`); the modules hold the code.
"""

from kith.people.actions.accounts import (
    confirmation_token,
    person_confirm_email,
    person_create,
    person_sign_up,
    send_confirmation_email,
)
from kith.people.actions.card import (
    NEWSWORTHY_KINDS,
    contact_change_announce,
    contact_field_add,
    contact_field_move,
    contact_field_remove,
    contact_field_update,
    contact_fields_reorder,
)
from kith.people.actions.profile import (
    person_remove_avatar,
    person_set_avatar,
    person_update_profile,
)
from kith.people.actions.tokens import (
    TOKEN_PREFIX,
    access_token_authenticate,
    access_token_create,
    access_token_revoke,
    token_digest,
)

__all__ = [
    "NEWSWORTHY_KINDS",
    "TOKEN_PREFIX",
    "access_token_authenticate",
    "access_token_create",
    "access_token_revoke",
    "confirmation_token",
    "contact_change_announce",
    "contact_field_add",
    "contact_field_move",
    "contact_field_remove",
    "contact_field_update",
    "contact_fields_reorder",
    "person_confirm_email",
    "person_create",
    "person_remove_avatar",
    "person_set_avatar",
    "person_sign_up",
    "person_update_profile",
    "send_confirmation_email",
    "token_digest",
]
