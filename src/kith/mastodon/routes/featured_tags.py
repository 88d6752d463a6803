"""Featured tags (docs.joinmastodon.org/methods/featured_tags) are Kith's **interests**: the
tags a person lists on their profile (shown to everyone who may see the profile, and used
for "people you may want to meet" and suggested posts).

- `GET /api/v1/accounts/:id/featured_tags`: the person's interests (a person the viewer may
  not see is a 404);
- `GET /api/v1/featured_tags`: the viewer's own; `POST` (`name`) adds one, `DELETE …/:id`
  removes one, through `people.actions.person_update_profile` (Kith's checks: letters,
  digits, `-` and `_`, up to 40; at most 20);
- `GET /api/v1/featured_tags/suggestions`: the hashtags the viewer uses most in their own
  posts that are not among their interests yet (Tags).

`statuses_count` and `last_status_at` count the person's live **public** posts with that
hashtag (as `Account.statuses_count` counts only public posts: the others would tell
strangers how much they are not shown).
"""

from __future__ import annotations

from django.db.models import Count, Max
from ninja import Router, Schema

from kith.conversations.models import Hashtag, PostHashtag, PostVisibility
from kith.mastodon import entities
from kith.mastodon.auth import mastodon_auth
from kith.mastodon.errors import not_found, unprocessable
from kith.mastodon.parser import Params
from kith.mastodon.routes.people import person_for
from kith.people.actions import person_update_profile
from kith.people.models import Interest
from kith.people.validators import check_interests

router = Router(tags=["featured_tags"])

READ = mastodon_auth("read:accounts")
READ_PUBLIC = mastodon_auth("read:accounts", optional=True)
WRITE = mastodon_auth("write:accounts")
SUGGESTIONS = 10


class FeaturedTagIn(Schema):
    name: str = ""


def _featured(person) -> list[dict]:
    """The FeaturedTags of `person`'s interests, in the order they were added: two queries."""
    interests = list(Interest.objects.filter(person=person).order_by("id"))
    used = {}
    if interests:
        rows = (
            PostHashtag.objects.filter(
                post__author=person,
                post__visibility=PostVisibility.PUBLIC,
                post__deleted_at__isnull=True,
                post__repost_of__isnull=True,
                hashtag__name__in=[i.tag for i in interests],
            )
            .values("hashtag__name")
            .annotate(n=Count("post_id", distinct=True), last=Max("post__created_at"))
            .values_list("hashtag__name", "n", "last")
        )
        used = {name: (n, last) for name, n, last in rows}
    return [entities.featured_tag(i.pk, i.tag, *used.get(i.tag, (0, None))) for i in interests]


@router.get("/accounts/{account_id}/featured_tags", auth=READ_PUBLIC)
def account_featured_tags(request, account_id: str):
    return _featured(person_for(request.auth, account_id))


@router.get("/featured_tags", auth=READ)
def featured_tags(request):
    return _featured(request.auth)


@router.post("/featured_tags", auth=WRITE)
def feature_tag(request, params: Params[FeaturedTagIn]):
    """Add an interest; answers its FeaturedTag (one already there answers as it is)."""
    person = request.auth
    found = check_interests([params.name])  # Kith's form of it ("Open Source" → open-source)
    if not found:
        raise unprocessable("Validation failed: Tag can't be blank")
    name = found[0]
    have = list(Interest.objects.filter(person=person).order_by("id").values_list("tag", flat=True))
    if name not in have:
        person_update_profile(person=person, interests=[*have, name])
    return next(t for t in _featured(person) if t["name"] == name)


@router.get("/featured_tags/suggestions", auth=READ)
def featured_tag_suggestions(request):
    """The hashtags of the viewer's own live posts they use most, not yet interests."""
    person = request.auth
    mine = Interest.objects.filter(person=person).values("tag")
    rows = (
        PostHashtag.objects.filter(post__author=person, post__deleted_at__isnull=True)
        .exclude(hashtag__name__in=mine)
        .values("hashtag_id")
        .annotate(n=Count("id"))
        .order_by("-n", "hashtag_id")
        .values_list("hashtag_id", flat=True)[:SUGGESTIONS]
    )
    ids = list(rows)
    tags = {t.pk: t for t in Hashtag.objects.filter(pk__in=ids)}
    return [entities.tag(tags[pk]) for pk in ids if pk in tags]


@router.delete("/featured_tags/{featured_tag_id}", auth=WRITE)
def unfeature_tag(request, featured_tag_id: str):
    """Remove one of the viewer's interests (someone else's or unknown: 404); answers `{}`."""
    person = request.auth
    interests = list(Interest.objects.filter(person=person).order_by("id"))
    gone = [i for i in interests if str(i.pk) == featured_tag_id]
    if not gone:
        raise not_found()
    person_update_profile(person=person, interests=[i.tag for i in interests if i not in gone])
    return {}
