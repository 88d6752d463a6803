"""Filter (v2), FilterKeyword, FilterStatus, FilterResult, and the v1 Filter.

A Kith filter (`feeds.models.Filter`) is Mastodon's v2 filter: a title, contexts, an action
(warn or hide; Kith has no `blur`), an expiry, keywords (`FilterKeyword`) and the posts it
names (`FilterStatus`). A v1 Filter is one keyword of a filter, as Mastodon 4 shows them.
"""

from __future__ import annotations

from kith.feeds.models import Filter, FilterAction, FilterKeyword, FilterStatus
from kith.mastodon.entities.common import iso


def filter_keyword(keyword: FilterKeyword) -> dict:
    """Return a FilterKeyword."""
    return {"id": str(keyword.pk), "keyword": keyword.keyword, "whole_word": keyword.whole_word}


def filter_status(named: FilterStatus) -> dict:
    """Return a FilterStatus."""
    return {"id": str(named.pk), "status_id": str(named.post_id)}


def filter_entity(found: Filter, *, in_result: bool = False) -> dict:
    """Return a Filter (v2) with its keywords and statuses (prefetched, or one query each);
    inside a FilterResult (`in_result`) without them, as Mastodon sends it."""
    data = {
        "id": str(found.pk),
        "title": found.title,
        "context": list(found.contexts),
        "expires_at": iso(found.expires_at),
        "filter_action": found.action,
    }
    if not in_result:
        data["keywords"] = [filter_keyword(k) for k in found.keywords.all()]
        data["statuses"] = [filter_status(s) for s in found.statuses.all()]
    return data


def filter_result(found: Filter, keywords: list[str], status_ids: list[int]) -> dict:
    """Return the FilterResult of a status that `found` matched: by `keywords` (the ones it
    matched) and/or by naming the status (`status_ids`)."""
    return {
        "filter": filter_entity(found, in_result=True),
        "keyword_matches": list(keywords) if keywords else None,
        "status_matches": [str(pk) for pk in status_ids] if status_ids else None,
    }


def filter_v1(keyword: FilterKeyword) -> dict:
    """Return a v1 Filter: one keyword of a filter (its id is the keyword's), with the
    filter's contexts and expiry; `irreversible` is a hide filter."""
    found = keyword.filter
    return {
        "id": str(keyword.pk),
        "phrase": keyword.keyword,
        "context": list(found.contexts),
        "whole_word": keyword.whole_word,
        "expires_at": iso(found.expires_at),
        "irreversible": found.action == FilterAction.HIDE,
    }
