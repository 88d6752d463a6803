"""Filter (v2), FilterKeyword, FilterResult: Kith's keyword filters as Mastodon shows them.

A Kith keyword filter is one phrase with an action (warn or hide), whole-word matching and an
expiry, applied in every feed. It reads as a Mastodon Filter titled by its phrase, in every
context, holding one FilterKeyword that shares the filter's id; Kith has no status filters.
"""

from __future__ import annotations

from kith.feeds.models import KeywordFilter
from kith.mastodon.entities.common import iso

CONTEXTS = ["home", "notifications", "public", "thread", "account"]


def filter_keyword(keyword: KeywordFilter) -> dict:
    """Return the FilterKeyword of a Kith keyword filter."""
    return {"id": str(keyword.pk), "keyword": keyword.phrase, "whole_word": keyword.whole_word}


def filter_entity(keyword: KeywordFilter, *, in_result: bool = False) -> dict:
    """Return a Filter (v2); inside a FilterResult (`in_result`) without its keywords and
    statuses, as Mastodon sends it."""
    data = {
        "id": str(keyword.pk),
        "title": keyword.phrase,
        "context": list(CONTEXTS),
        "expires_at": iso(keyword.expires_at),
        "filter_action": keyword.action,
    }
    if not in_result:
        data["keywords"] = [filter_keyword(keyword)]
        data["statuses"] = []
    return data


def filter_result(keyword: KeywordFilter) -> dict:
    """Return the FilterResult of a status that `keyword` matched."""
    return {
        "filter": filter_entity(keyword, in_result=True),
        "keyword_matches": [keyword.phrase],
        "status_matches": None,
    }
