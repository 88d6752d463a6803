"""Status, with its reblog, its Quote (or ShallowQuote) and its QuoteApproval.

A page of statuses is built in a fixed number of queries, whatever its size (`statuses`):

1. the viewer-independent part of each post (`status_fragments`: text as sanitised HTML,
   media, mentions, tags, visibility, times), cached under (post id, version) exactly as
   `api.post_serializers.fragments_for` caches the native API's; every change a Status
   shows raises the version, so a cached part is never stale; built on a miss in four
   queries;
2. the accounts of every author shown (`accounts.Accounts`: four queries, three while
   their counts are cached for a minute);
3. what changes without a new version or per viewer, from the post rows themselves
   (counts, policies) and the viewer's overlay: favourited (helpful), reblogged, filtered,
   quote approval, the `kith` extension (`annotate_for_viewer`, three queries unless the
   caller annotated; the viewer's keyword filters, one); bookmarked, pinned and muted (the
   conversation) in one query (`selectors.viewer_marks`).

Posts come in loaded through `conversations.access` for `viewer` (full, or light from
`access.light_posts_by_ids`); a repost's original is checked again for the viewer (one
query): it may have narrowed its visibility since it was shared, and must not show inside
the reblog then.
"""

from __future__ import annotations

from django.core.cache import cache
from django.utils import timezone

from kith.conversations.access import (
    annotate_for_viewer,
    loaded_poll,
    poll_votes_of,
    posts_by_ids,
    posts_for_status_fragments,
    visible_ids,
)
from kith.conversations.media import media_for_posts
from kith.conversations.models import Media, Post, PostVisibility, QuotePolicy
from kith.conversations.polls import poll_fragment, poll_view
from kith.conversations.selectors import ViewerMarks, viewer_marks
from kith.feeds.models import Filter
from kith.feeds.selectors import FilterStatuses, active_filters, filter_matches, in_context
from kith.mastodon.entities.accounts import Accounts, mention
from kith.mastodon.entities.common import absolute, iso, sid
from kith.mastodon.entities.content import (
    mastodon_visibility,
    media_attachment,
    poll,
    status_tag,
)
from kith.mastodon.entities.filters import filter_result

# --- The cached, viewer-independent part -------------------------------------------------------

FRAGMENT_SECONDS = 24 * 3600


def fragment_key(post_id: int, version: int) -> str:
    return f"mastodon-status:{post_id}:{version}"


def status_url(post: Post) -> str:
    """Return the absolute URL of a post's page (under its author's profile, as on Mastodon)."""
    return absolute(post.get_absolute_url())


def _fragment(post: Post, media: list[Media]) -> dict:
    """Return what a Status shows that changes only with the post's version. `text` (the
    body and warning, for keyword filters) is kept beside the Status, never sent."""
    url = status_url(post)
    shown_poll = loaded_poll(post)
    return {
        "poll": poll_fragment(shown_poll) if shown_poll is not None else None,
        "status": {
            "id": str(post.pk),
            "uri": url,
            "url": url,
            "created_at": iso(post.created_at),
            "edited_at": iso(post.edited_at),
            "in_reply_to_id": sid(post.in_reply_to_id),
            "in_reply_to_account_id": sid(post.reply_author_id),
            "sensitive": bool(post.content_warning),
            "spoiler_text": post.content_warning,
            "visibility": mastodon_visibility(post.visibility),
            "language": post.language or None,
            "content": post.html,
            "media_attachments": [media_attachment(m) for m in media],
            "mentions": [mention(m.person) for m in post.mentions.all()],
            "tags": [status_tag(h.name) for h in post.hashtags.all()],
            "emojis": [],
            "card": None,
        },
        "text": f"{post.body}\n{post.content_warning}",
        "kith": {
            "kind": post.kind,
            "visibility": post.visibility,
            "community": post.community_id is not None,
        },
    }


def status_fragments(posts: list[Post]) -> dict[int, dict]:
    """Return the cached parts of `posts` (no reposts: their originals), by id, from the
    cache; the missing ones are built (four queries) and stored for every process."""
    keys = {p.pk: fragment_key(p.pk, p.version) for p in posts}
    cached = cache.get_many(list(keys.values()))
    found = {pk: cached[key] for pk, key in keys.items() if key in cached}
    missing = [pk for pk in keys if pk not in found]
    if missing:
        full = posts_for_status_fragments(missing)  # the caller loaded them through access
        media = media_for_posts(full)
        built = {post.pk: _fragment(post, media.get(post.pk, [])) for post in full}
        cache.set_many(
            {fragment_key(post.pk, post.version): built[post.pk] for post in full},
            FRAGMENT_SECONDS,
        )
        found.update(built)
    return found


# --- The per-viewer overlay ---------------------------------------------------------------------


def quote_approval(post: Post, viewer, connected: bool) -> dict:
    """Return the QuoteApproval (Mastodon 4.5) of Kith's quote policy: only public posts can
    be quoted; "connections" is a policy Mastodon does not know."""
    if post.visibility != PostVisibility.PUBLIC or post.quote_policy == QuotePolicy.NOBODY:
        automatic = []
    elif post.quote_policy == QuotePolicy.CONNECTIONS:
        automatic = ["unsupported_policy"]
    else:
        automatic = ["public"]
    signed_in = viewer is not None and getattr(viewer, "is_authenticated", False)
    allowed = signed_in and bool(automatic) and not post.is_deleted
    if allowed and post.quote_policy == QuotePolicy.CONNECTIONS:
        allowed = connected or viewer.pk == post.author_id
    if signed_in and viewer.pk == post.author_id and post.visibility == PostVisibility.PUBLIC:
        allowed = True
    return {
        "automatic": automatic,
        "manual": [],
        "current_user": "automatic" if allowed else "denied",
    }


class _Page:
    """What one `statuses` call has loaded: fragments, accounts, filters, quoted posts."""

    def __init__(
        self,
        viewer,
        fragments,
        people: Accounts,
        filters,
        quoted,
        votes,
        marks=None,
        named: FilterStatuses | None = None,
    ) -> None:
        self.viewer = viewer
        self.marks = marks or ViewerMarks()
        self.votes = votes
        self.now = timezone.now()
        self.fragments = fragments
        self.people = people
        self.filters = filters
        self.named = named
        self.quoted = quoted
        self.signed_in = viewer is not None and getattr(viewer, "is_authenticated", False)

    def status(self, post: Post, *, depth: int = 0) -> dict:
        """Return the Status of an original post (not a repost), its quote `depth` levels in."""
        fragment = self.fragments[post.pk]
        reactions = getattr(post, "viewer_reactions", set())
        data = dict(fragment["status"])
        data.update(
            {
                "account": self.people.of(post.author_id),
                "replies_count": post.replies_count,
                "reblogs_count": post.reposts_count,
                "favourites_count": post.helpful_count,
                "quotes_count": post.quotes_count,
                "reblog": None,
                "poll": self.poll(post, fragment),
                "quote": self.quote(post, depth),
                "quote_approval": quote_approval(
                    post, self.viewer, post.author_id in self.people.connections
                ),
            }
        )
        if self.signed_in:
            data.update(
                {
                    "favourited": "helpful" in reactions,
                    "reblogged": bool(getattr(post, "viewer_reposted", False)),
                    "muted": self.marks.muted(post),
                    "bookmarked": post.pk in self.marks.bookmarked,
                    "filtered": [
                        filter_result(m.filter, m.keywords, m.status_ids)
                        for m in filter_matches(self.filters, fragment["text"], post.pk, self.named)
                    ],
                }
            )
            if post.author_id == self.viewer.pk:
                data["pinned"] = post.pk in self.marks.pinned
        data["kith"] = {
            **fragment["kith"],
            "answered": post.kind == "question" and post.accepted_answer_id is not None,
            "accepted_answer_id": sid(post.accepted_answer_id),
            "helpful_count": post.helpful_count,
            "used_count": post.used_count,
            "reply_policy": post.reply_policy,
            "quote_policy": post.quote_policy,
            "viewer": {"helpful": "helpful" in reactions, "used": "used" in reactions},
        }
        return data

    def poll(self, post: Post, fragment: dict) -> dict | None:
        """Return the post's Poll as the viewer sees it, or None."""
        shown = fragment.get("poll")  # parts cached before polls existed have none
        if shown is None:
            return None
        own = getattr(post, "viewer_poll_votes", None)
        view = poll_view(
            shown,
            post_id=post.pk,
            author_id=post.author_id,
            viewer=self.viewer,
            own_votes=self.votes.get(shown["id"], []) if own is None else own,
            now=self.now,
        )
        return poll(view)

    def quote(self, post: Post, depth: int) -> dict | None:
        """Return a Quote (one level in) or ShallowQuote (deeper), or None: Kith's quote
        states read as accepted, revoked (removed by its author) or unauthorized (deleted
        or not visible to the viewer: the two look the same, as everywhere in Kith)."""
        state = getattr(post, "quote_state", "")
        if post.quote_of_id is None and not post.quote_revoked:
            return None
        if state == "removed_by_author":
            mastodon_state = "revoked"
        elif state == "shown":
            mastodon_state = "accepted"
        else:
            mastodon_state = "unauthorized"
        if depth >= 1:
            shown_id = post.quote_of_id if mastodon_state == "accepted" else None
            return {"state": mastodon_state, "quoted_status_id": sid(shown_id)}
        target = self.quoted.get(post.quote_of_id) if mastodon_state == "accepted" else None
        if target is None:
            mastodon_state = "unauthorized" if mastodon_state == "accepted" else mastodon_state
        return {
            "state": mastodon_state,
            "quoted_status": self.status(target, depth=depth + 1) if target else None,
        }

    def reblog(self, repost: Post) -> dict:
        """Return the Status of a repost: empty itself, the original as its `reblog`."""
        original = self.status(repost.repost_of)
        url = original["url"]
        data = {
            "id": str(repost.pk),
            "uri": status_url(repost),
            "url": url,
            "created_at": iso(repost.created_at),
            "edited_at": None,
            "in_reply_to_id": None,
            "in_reply_to_account_id": None,
            "sensitive": False,
            "spoiler_text": "",
            "visibility": mastodon_visibility(repost.visibility),
            "language": None,
            "content": "",
            "media_attachments": [],
            "mentions": [],
            "tags": [],
            "emojis": [],
            "card": None,
            "account": self.people.of(repost.author_id),
            "replies_count": 0,
            "reblogs_count": 0,
            "favourites_count": 0,
            "quotes_count": 0,
            "reblog": original,
            "poll": None,
            "quote": None,
            "quote_approval": {"automatic": [], "manual": [], "current_user": "denied"},
        }
        for flag in ("favourited", "reblogged", "muted", "bookmarked"):
            if flag in original:
                data[flag] = original[flag]
        if self.signed_in:
            data["filtered"] = original["filtered"]
        data["kith"] = {"kind": "repost", "visibility": repost.visibility}
        return data


def _shown(posts: list[Post]) -> list[Post]:
    return posts + [p.repost_of for p in posts if p.repost_of_id is not None]


def statuses(
    posts: list[Post],
    viewer,
    *,
    filters: list[Filter] | None = None,
    accounts: Accounts | None = None,
    context: str | None = None,
) -> list[dict]:
    """Return the Statuses of `posts` (loaded through `conversations.access` for `viewer`:
    full or light, annotated for the viewer or not), in order, in a fixed number of queries.

    Left out: deleted posts, and reposts whose original the viewer may no longer see.
    `filters`: the viewer's active filters (`feeds.selectors.active_filters`), when the
    caller has them already; `accounts`: an `Accounts` of the response, to load every
    account it shows at once; `context`: where the statuses are shown (`home`,
    `notifications`, `public`, `thread`, `account`): `filtered` lists the filters of that
    context (None: every active filter, each with its `context` for the app to apply).
    """
    posts = [p for p in posts if p.deleted_at is None]
    originals = {p.repost_of_id for p in posts if p.repost_of_id is not None}
    if originals:
        seen = visible_ids(viewer, originals)
        posts = [p for p in posts if p.repost_of_id is None or p.repost_of_id in seen]
    if not posts:
        return []
    shown = _shown(posts)
    quoted = _quoted_posts(viewer, shown)
    if quoted or not all(hasattr(p, "viewer_reactions") for p in shown):
        annotate_for_viewer(viewer, posts + list(quoted.values()))
    originals_shown = [p for p in shown if p.repost_of_id is None] + list(quoted.values())
    people = (accounts or Accounts(viewer)).load(p.author_id for p in shown + list(quoted.values()))
    signed_in = viewer is not None and getattr(viewer, "is_authenticated", False)
    if filters is None:
        filters = active_filters(viewer) if signed_in else []
    filters = in_context(filters, context)
    named = FilterStatuses(filters, [p.pk for p in originals_shown]) if filters else None
    fragments = status_fragments(originals_shown)
    votes = _votes(viewer, originals_shown, fragments)
    marks = viewer_marks(viewer, originals_shown) if signed_in else ViewerMarks()
    page = _Page(viewer, fragments, people, filters, quoted, votes, marks, named)
    return [page.reblog(p) if p.repost_of_id is not None else page.status(p) for p in posts]


def status(post: Post, viewer) -> dict:
    """Return one Status (`statuses` of one post); the post must be shown (not deleted, a
    repost only with its original visible): callers 404 otherwise."""
    found = statuses([post], viewer)
    if not found:
        raise ValueError("status() of a post the viewer cannot be shown")
    return found[0]


def _votes(viewer, posts: list[Post], fragments: dict[int, dict]) -> dict[int, list[int]]:
    """Return the viewer's choices in the polls of `posts` that do not carry them already
    (`annotate_for_viewer` sets `viewer_poll_votes`; light posts have none), by poll id:
    one query, only on a page that shows such a poll."""
    polls = [
        fragments[p.pk]["poll"]["id"]
        for p in posts
        if fragments[p.pk].get("poll") and getattr(p, "viewer_poll_votes", None) is None
    ]
    return poll_votes_of(viewer, polls) if polls else {}


def _quoted_posts(viewer, shown: list[Post]) -> dict[int, Post]:
    """Return the posts that `shown` quote and `viewer` may see, by id: those loaded with
    their quote (`access.with_relations`), checked for the viewer by the annotation, and
    the others in one query through the access rule."""
    wanted = {p.quote_of_id for p in shown if p.quote_of_id is not None and not p.quote_revoked}
    if not wanted:
        return {}
    found: dict[int, Post] = {}
    for post in shown:
        if post.quote_of_id in wanted and Post.quote_of.is_cached(post) and post.quote_of:
            found[post.quote_of_id] = post.quote_of
    missing = wanted - set(found)
    if missing:
        found.update(posts_by_ids(viewer, missing))
    return {pk: p for pk, p in found.items() if p.deleted_at is None}
