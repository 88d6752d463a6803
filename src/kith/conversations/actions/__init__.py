"""Every change to conversations, one module per concept.

Callers import from here (`from kith.conversations import actions`); the modules hold the
code. Surfaces fetch the posts they pass in through `conversations.access`.
"""

from kith.conversations.actions.answers import answer_accept, answer_unaccept
from kith.conversations.actions.bookmarks import bookmark_add, bookmark_remove
from kith.conversations.actions.links import short_link_follow
from kith.conversations.actions.media import (
    attach_media,
    media_delete,
    media_set_alt_text,
    media_upload,
    media_upload_many,
)
from kith.conversations.actions.pins import post_pin, post_unpin, thread_mute, thread_unmute
from kith.conversations.actions.polls import poll_vote, polls_end_due
from kith.conversations.actions.posts import (
    post_delete,
    post_edit,
    post_publish,
    post_quote,
    post_reply,
    post_set_visibility,
    quote_revoke,
    replies_close,
    replies_open,
)
from kith.conversations.actions.reactions import (
    helpful_mark,
    helpful_unmark,
    used_it_add,
    used_it_remove,
)
from kith.conversations.actions.reposts import post_repost, post_unrepost

__all__ = [
    "answer_accept",
    "answer_unaccept",
    "attach_media",
    "bookmark_add",
    "bookmark_remove",
    "helpful_mark",
    "helpful_unmark",
    "media_delete",
    "media_set_alt_text",
    "media_upload",
    "media_upload_many",
    "poll_vote",
    "polls_end_due",
    "post_delete",
    "post_edit",
    "post_pin",
    "post_publish",
    "post_quote",
    "post_reply",
    "post_repost",
    "post_set_visibility",
    "post_unpin",
    "post_unrepost",
    "quote_revoke",
    "replies_close",
    "replies_open",
    "short_link_follow",
    "thread_mute",
    "thread_unmute",
    "used_it_add",
    "used_it_remove",
]
