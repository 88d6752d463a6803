"""Accounts (docs.joinmastodon.org/methods/accounts): registration, your own profile, other
people's profiles, statuses and relationships, following, blocking, muting, notes.

Every action is Kith's own (`people.actions`, `relationships.actions`); every read goes
through Kith's access rules (`people.access.people_visible_to` for people,
`conversations.access.visible_posts` for posts). Unknown ids, and people the viewer may not
see, answer the same 404. See docs/mastodon.md "Accounts".
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.http import HttpResponse
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.files import UploadedFile
from oauth2_provider.models import AccessToken

from kith.conversations.access import visible_posts, with_relations
from kith.conversations.models import Media
from kith.conversations.search import search_people
from kith.conversations.selectors import pinned_posts
from kith.core.ids import parse_id
from kith.core.text import normalise_tag
from kith.feeds.models import PersonList
from kith.mastodon import entities
from kith.mastodon.auth import mastodon_auth
from kith.mastodon.entities.accounts import profile_url
from kith.mastodon.errors import MastodonError, not_found, unprocessable
from kith.mastodon.pagination import PageParams, paginate
from kith.mastodon.parser import Params
from kith.mastodon.routes.people import ids_param, people_for, person_for, signed_in
from kith.people import actions as people_actions
from kith.people.access import access_person, people_visible_to
from kith.people.models import ContactField, FieldKind, Person, Visibility
from kith.relationships.access import connected_ids, follow_requests_to, followers_of, follows_of
from kith.relationships.actions import follows as follow_actions
from kith.relationships.actions import safety
from kith.relationships.models import Block, Connection

router = Router(tags=["accounts"])

MAX_AVATAR_BYTES = 8 * 1024 * 1024


# --- Registration -------------------------------------------------------------------------------


class RegisterIn(Schema):
    username: str = ""
    email: str = ""
    password: str = ""
    agreement: bool = False
    locale: str = ""
    reason: str = ""


@router.post("/accounts", auth=mastodon_auth("write:accounts", user=False))
def register(request, params: Params[RegisterIn]):
    """Sign up (POST /api/v1/accounts) with an app token: Kith's sign-up, which emails a
    confirmation link; the token answered works once the address is confirmed."""
    token = request.auth
    if token.person is not None:
        raise MastodonError(403, "This method requires an app token, not a signed-in user")
    if not params.agreement:
        raise unprocessable("agreement must be accepted")
    try:
        with transaction.atomic():
            person = people_actions.person_sign_up(
                handle=params.username,
                display_name=params.username,
                email=params.email,
                password=params.password,
            )
            plaintext = secrets.token_urlsafe(32)
            scopes = " ".join(sorted(token.scopes))
            issued = AccessToken.objects.create(
                user=person,
                application_id=token.application_id,
                token=plaintext,
                scope=scopes,
                expires=timezone.now() + timedelta(days=settings.KITH_OAUTH_TOKEN_DAYS),
            )
    except ValidationError as error:
        renamed = {"handle": "username", "display_name": "username"}
        messages = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
        raise unprocessable(
            ", ".join(
                f"{renamed.get(field, field)} {text}".strip()
                for field, texts in messages.items()
                for text in texts
            )
        ) from None
    return entities.token(
        access_token=plaintext, scopes=sorted(token.scopes), created_at=issued.created
    )


# --- Your own account ---------------------------------------------------------------------------


def _credential(person: Person) -> dict:
    return entities.credential_account(
        person, follow_requests_count=follow_requests_to(person).count()
    )


@router.get("/accounts/verify_credentials", auth=mastodon_auth("read:accounts", "profile"))
def verify_credentials(request):
    """Your own account, with `source` (your bio and public card fields as typed)."""
    return _credential(request.auth)


class FieldIn(Schema):
    name: str = ""
    value: str = ""


class SourceIn(Schema):
    privacy: str | None = None
    sensitive: bool | None = None
    language: str | None = None
    note: str | None = None


class CredentialsIn(Schema):
    display_name: str | None = None
    note: str | None = None
    locked: bool | None = None
    avatar: UploadedFile | None = None
    fields_attributes: list[FieldIn] | None = None
    source: SourceIn | None = None


_KIND_BY_LABEL = {
    label.lower(): kind for kind, label in FieldKind.choices if kind != FieldKind.CUSTOM
}


def _replace_public_fields(person: Person, wanted: list[FieldIn]) -> None:
    """Make `person`'s public contact-card fields the `wanted` (name, value) pairs: a field
    whose name matches keeps its place (its value updated if changed), the others are
    removed, new names are added at the end (a known name such as "Website" as that kind)."""
    pairs = [(f.name.strip(), f.value.strip()) for f in wanted if f.name.strip() or f.value.strip()]
    for name, _ in pairs:
        if not name:
            raise ValidationError({"fields_attributes": ["Every field needs a name."]})
    current = list(ContactField.objects.filter(person=person, visibility=Visibility.PUBLIC))
    unused = {f.pk: f for f in current}
    plan: list[tuple[ContactField | None, str, str]] = []
    for name, value in pairs:
        match = next((f for f in unused.values() if f.display_label.lower() == name.lower()), None)
        if match is not None:
            del unused[match.pk]
        plan.append((match, name, value))
    for field in unused.values():
        people_actions.contact_field_remove(field=field)
    for match, name, value in plan:
        if match is None:
            kind = _KIND_BY_LABEL.get(name.lower(), FieldKind.CUSTOM)
            label = name if kind == FieldKind.CUSTOM else ""
            people_actions.contact_field_add(
                person=person, kind=kind, label=label, value=value, visibility=Visibility.PUBLIC
            )
        elif match.value != value:
            people_actions.contact_field_update(field=match, value=value)


@router.patch("/accounts/update_credentials", auth=mastodon_auth("write:accounts"))
def update_credentials(request, params: Params[CredentialsIn]):
    """Change your display name, bio (`note`), avatar, `locked` and public card fields
    (`fields_attributes`); all of it or nothing."""
    person = request.auth
    source = params.source
    if source is not None and source.privacy not in (None, "", "public"):
        raise unprocessable(
            "source[privacy]: Kith has no default visibility per person (each post chooses "
            "its own); only public is accepted"
        )
    note = params.note if params.note is not None else (source.note if source else None)
    avatar = None
    if params.avatar is not None:
        if params.avatar.size > MAX_AVATAR_BYTES:
            raise unprocessable(f"avatar must be at most {MAX_AVATAR_BYTES // (1024 * 1024)} MB")
        avatar = params.avatar.read()
    try:
        with transaction.atomic():
            if params.display_name is not None or note is not None or params.locked is not None:
                people_actions.person_update_profile(
                    person=person,
                    display_name=params.display_name,
                    bio=note,
                    is_locked=params.locked,
                )
            if params.fields_attributes is not None:
                _replace_public_fields(person, params.fields_attributes)
            if avatar is not None:
                people_actions.person_set_avatar(person=person, data=avatar)
    except ValidationError:
        person.refresh_from_db()
        raise
    return _credential(person)


# --- Lists of people (before /accounts/{id}) ------------------------------------------------------


class IdsQuery(Schema):
    id: list[str] | str | None = None
    with_suspended: bool = False


@router.get("/accounts/relationships", auth=mastodon_auth("read:follows"))
def relationships(request, query: Query[IdsQuery]):
    """How you stand to each account of `id[]` you may see (others are left out)."""
    people = people_for(request.auth, ids_param(query.id))
    return entities.relationships(request.auth, people)


@router.get("/accounts/familiar_followers", auth=mastodon_auth("read:follows"))
def familiar_followers(request, query: Query[IdsQuery]):
    """For each account of `id[]`: your connections who are connected to them too.

    Kith keeps whom someone follows private, so "familiar followers" are mutual connections
    (what Kith shows as "connections in common")."""
    me = request.auth
    people = people_for(me, ids_param(query.id))
    mine = connected_ids(me)
    targets = {p.pk for p in people}
    common: dict[int, list[int]] = {pk: [] for pk in targets}
    if mine and targets:
        rows = Connection.objects.filter(
            Q(person_a_id__in=mine, person_b_id__in=targets)
            | Q(person_b_id__in=mine, person_a_id__in=targets)
        ).values_list("person_a_id", "person_b_id")
        for a, b in rows:
            if a in targets and b in mine:
                common[a].append(b)
            if b in targets and a in mine:
                common[b].append(a)
    shown = {
        p.pk for p in people_visible_to(me).filter(pk__in={i for v in common.values() for i in v})
    }
    loaded = entities.Accounts(me).load(shown)
    return [
        entities.familiar_followers(
            p.pk, [loaded.of(i) for i in sorted(set(common[p.pk])) if i in shown]
        )
        for p in people
    ]


class LookupQuery(Schema):
    acct: str = ""


@router.get("/accounts/lookup", auth=mastodon_auth("read:accounts", optional=True))
def lookup(request, query: Query[LookupQuery]):
    """Find an account by its `acct` (`handle`, `@handle` or `handle@this.server`)."""
    from kith.mastodon.routes.instance import domain

    acct = query.acct.strip().lstrip("@")
    handle, _, host = acct.partition("@")
    if not handle or (host and host.lower() != domain().lower()):
        raise not_found()
    return entities.account(access_person(request.auth, handle), request.auth)


class SearchQuery(Schema):
    q: str = ""
    limit: int = 40
    offset: int = 0
    resolve: bool = False
    following: bool = False


@router.get("/accounts/search", auth=mastodon_auth("read:accounts"))
def search(request, query: Query[SearchQuery]):
    """People whose handle starts with, or name holds, `q` (Kith's people search)."""
    limit = max(1, min(query.limit, 80))
    offset = max(0, min(query.offset, 10_000))
    people = search_people(request.auth, query.q, limit=offset + limit)[offset:]
    if query.following:
        followed = set(
            follows_of(request.auth)
            .filter(target_person_id__in=[p.pk for p in people])
            .values_list("target_person_id", flat=True)
        ) | connected_ids(request.auth)
        people = [p for p in people if p.pk in followed]
    return entities.accounts(people, request.auth)


# --- Follow requests, blocks, mutes, favourites, endorsements, preferences ----------------------


@router.get("/follow_requests", auth=mastodon_auth("read:follows"))
def follow_requests(request, response: HttpResponse, page: Query[PageParams]):
    """The people waiting for you to answer their follow request, newest first."""
    found = paginate(
        request, follow_requests_to(request.auth), page, default_limit=40, max_limit=80
    )
    found.add_link(response)
    return entities.accounts([f.follower for f in found.items], request.auth)


def _request_from(person: Person, account_id: str):
    follower = person_for(person, account_id)
    follow = follow_requests_to(person).filter(follower=follower).first()
    if follow is None:
        raise not_found()
    return follow


@router.post("/follow_requests/{account_id}/authorize", auth=mastodon_auth("write:follows"))
def authorize_follow_request(request, account_id: str):
    follow = _request_from(request.auth, account_id)
    follow_actions.follow_request_approve(person=request.auth, follow=follow)
    return entities.relationship(request.auth, follow.follower)


@router.post("/follow_requests/{account_id}/reject", auth=mastodon_auth("write:follows"))
def reject_follow_request(request, account_id: str):
    follow = _request_from(request.auth, account_id)
    follow_actions.follow_request_reject(person=request.auth, follow=follow)
    return entities.relationship(request.auth, follow.follower)


@router.get("/blocks", auth=mastodon_auth("read:blocks"))
def blocks(request, response: HttpResponse, page: Query[PageParams]):
    """The people you blocked, newest first."""
    from kith.relationships.access import blocks_of

    found = paginate(request, blocks_of(request.auth), page, default_limit=40, max_limit=80)
    found.add_link(response)
    return entities.accounts([b.blocked for b in found.items], request.auth)


@router.get("/mutes", auth=mastodon_auth("read:mutes"))
def mutes(request, response: HttpResponse, page: Query[PageParams]):
    """The people you mute (mutes in force), newest first, with when each mute ends."""
    from kith.relationships.access import mutes_of

    found = paginate(request, mutes_of(request.auth), page, default_limit=40, max_limit=80)
    found.add_link(response)
    return entities.muted_accounts(found.items, request.auth)


@router.get("/favourites", auth=mastodon_auth("read:favourites"))
def favourites(request, response: HttpResponse, page: Query[PageParams]):
    """The posts you marked helpful (Kith's favourite), newest mark first, paged by the
    mark's id; only posts you may still see."""
    from kith.conversations.access import posts_by_ids, visible_q
    from kith.conversations.models import Reaction, ReactionKind

    marks = Reaction.objects.filter(
        visible_q(request.auth, "post__"), person=request.auth, kind=ReactionKind.HELPFUL
    )
    found = paginate(request, marks, page, default_limit=20, max_limit=40)
    found.add_link(response)
    posts = posts_by_ids(request.auth, [m.post_id for m in found.items])
    return entities.statuses(
        [posts[m.post_id] for m in found.items if m.post_id in posts], request.auth
    )


@router.get("/endorsements", auth=mastodon_auth("read:accounts"))
def endorsements(request):
    """Kith has no featured accounts on profiles: always an empty list."""
    return []


@router.get("/preferences", auth=mastodon_auth("read:accounts"))
def preferences(request):
    return entities.preferences()


# --- One account ---------------------------------------------------------------------------------


@router.get("/accounts/{account_id}", auth=mastodon_auth("read:accounts", optional=True))
def get_account(request, account_id: str):
    return entities.account(person_for(request.auth, account_id), request.auth)


class StatusesQuery(PageParams):
    only_media: bool = False
    exclude_replies: bool = False
    exclude_reblogs: bool = False
    pinned: bool = False
    tagged: str | None = None


@router.get("/accounts/{account_id}/statuses", auth=mastodon_auth("read:statuses", optional=True))
def account_statuses(request, response: HttpResponse, account_id: str, query: Query[StatusesQuery]):
    """Their posts you may see, newest first (through Kith's access rule)."""
    viewer = request.auth
    person = person_for(viewer, account_id)
    if query.pinned:
        # Their pinned posts the viewer may see, newest pin first: one page (at most
        # KITH_PINNED_POSTS_MAX), so no Link header, as Mastodon's.
        if query.max_id or query.since_id or query.min_id:
            return []
        return entities.statuses(pinned_posts(viewer, person), viewer)
    posts = visible_posts(viewer).filter(author=person)
    if query.exclude_replies:
        posts = posts.filter(in_reply_to__isnull=True)
    if query.exclude_reblogs:
        posts = posts.filter(repost_of__isnull=True)
    if query.only_media:
        posts = posts.filter(
            Exists(Media.objects.filter(post=OuterRef("pk")))
            | Exists(Media.objects.filter(post=OuterRef("repost_of")))
        )
    if query.tagged is not None:
        name = normalise_tag(query.tagged.lstrip("#"))
        if name is None:
            return []
        posts = posts.filter(hashtags__name=name)
    found = paginate(request, with_relations(posts), query, default_limit=20, max_limit=40)
    found.add_link(response)
    return entities.statuses(found.items, viewer, context="account")


def _follow_list(request, response, account_id: str, page: PageParams, *, followers: bool):
    viewer = request.auth
    person = person_for(viewer, account_id)
    if not (signed_in(viewer) and viewer.pk == person.pk):
        return []  # Kith keeps whom someone follows, and who follows them, to themselves
    follows = followers_of(person) if followers else follows_of(person)
    found = paginate(request, follows, page, default_limit=40, max_limit=80)
    found.add_link(response)
    people = [f.follower if followers else f.target_person for f in found.items]
    return entities.accounts(people, viewer)


@router.get("/accounts/{account_id}/followers", auth=mastodon_auth("read:accounts", optional=True))
def account_followers(request, response: HttpResponse, account_id: str, page: Query[PageParams]):
    """Your own followers; anyone else's list is private in Kith (an empty list)."""
    return _follow_list(request, response, account_id, page, followers=True)


@router.get("/accounts/{account_id}/following", auth=mastodon_auth("read:accounts", optional=True))
def account_following(request, response: HttpResponse, account_id: str, page: Query[PageParams]):
    """The people you follow; anyone else's list is private in Kith (an empty list)."""
    return _follow_list(request, response, account_id, page, followers=False)


class FollowIn(Schema):
    reblogs: bool | None = None
    notify: bool | None = None
    languages: list[str] | None = None


@router.post("/accounts/{account_id}/follow", auth=mastodon_auth("write:follows"))
def follow(request, account_id: str, params: Params[FollowIn]):
    """Follow (or ask to, when their account is locked). `reblogs=false` leaves their
    reposts out of your home feed. Over your attention budget: 422 with the figures."""
    me = request.auth
    person = person_for(me, account_id)
    if person.pk == me.pk:
        raise unprocessable("You cannot follow yourself")
    try:
        with transaction.atomic():
            follow_actions.follow_create(follower=me, target=person)
            if params.reblogs is not None:
                follow_actions.follow_settings_set(
                    follower=me, target=person, hide_reposts=not params.reblogs
                )
    except follow_actions.OverBudget as over:
        where = profile_url(person)
        raise unprocessable(
            f"{over} Your load is {over.figures.load:.1f} posts a day and your capacity "
            f"{over.figures.capacity}: to follow anyway, confirm on {where}"
        ) from None
    return entities.relationship(me, person)


@router.post("/accounts/{account_id}/unfollow", auth=mastodon_auth("write:follows"))
def unfollow(request, account_id: str):
    person = person_for(request.auth, account_id)
    follow_actions.follow_remove(follower=request.auth, target=person)
    return entities.relationship(request.auth, person)


@router.post("/accounts/{account_id}/remove_from_followers", auth=mastodon_auth("write:follows"))
def remove_from_followers(request, account_id: str):
    person = person_for(request.auth, account_id)
    follow_actions.follower_remove(person=request.auth, follower=person)
    return entities.relationship(request.auth, person)


@router.post("/accounts/{account_id}/block", auth=mastodon_auth("write:blocks"))
def block(request, account_id: str):
    """Block: your connection, follows both ways and open invitations end; not told."""
    person = person_for(request.auth, account_id)
    if person.pk == request.auth.pk:
        raise unprocessable("You cannot block yourself")
    safety.block_create(blocker=request.auth, blocked=person)
    return entities.relationship(request.auth, person)


@router.post("/accounts/{account_id}/unblock", auth=mastodon_auth("write:blocks"))
def unblock(request, account_id: str):
    me = request.auth
    own = Block.objects.filter(blocker=me, blocked_id=_id_or_404(account_id)).first()
    # Found among your blocks, so you can unblock someone who has also blocked you.
    person = own.blocked if own is not None else person_for(me, account_id)
    safety.block_remove(blocker=me, blocked=person)
    return entities.relationship(me, person)


def _id_or_404(account_id: str) -> int:
    pk = parse_id(account_id)
    if pk is None:
        raise not_found()
    return pk


class MuteIn(Schema):
    notifications: bool = True
    duration: int = 0


MUTE_SECONDS = {0: "forever", 3600: "1h", 86400: "1d", 604800: "7d"}


@router.post("/accounts/{account_id}/mute", auth=mastodon_auth("write:mutes"))
def mute(request, account_id: str, params: Params[MuteIn]):
    """Mute for `duration` seconds: 0 (until unmuted), 3600, 86400 or 604800 (Kith's 1 hour,
    1 day and 7 days); their posts and notifications both stay out of your way."""
    person = person_for(request.auth, account_id)
    duration = MUTE_SECONDS.get(params.duration)
    if duration is None:
        raise unprocessable("duration must be 0 (until you unmute), 3600, 86400 or 604800 seconds")
    if person.pk == request.auth.pk:
        raise unprocessable("You cannot mute yourself")
    safety.mute_create(muter=request.auth, muted=person, duration=duration)
    return entities.relationship(request.auth, person)


@router.post("/accounts/{account_id}/unmute", auth=mastodon_auth("write:mutes"))
def unmute(request, account_id: str):
    person = person_for(request.auth, account_id)
    safety.mute_remove(muter=request.auth, muted=person)
    return entities.relationship(request.auth, person)


class NoteIn(Schema):
    comment: str = ""


@router.post("/accounts/{account_id}/note", auth=mastodon_auth("write:accounts"))
def note(request, account_id: str, params: Params[NoteIn]):
    """Your private note on them (empty removes it); only you ever see it."""
    person = person_for(request.auth, account_id)
    if person.pk == request.auth.pk:
        raise unprocessable("You cannot write a note about yourself")
    safety.note_set(author=request.auth, subject=person, body=params.comment or "")
    return entities.relationship(request.auth, person)


@router.get("/accounts/{account_id}/lists", auth=mastodon_auth("read:lists"))
def account_lists(request, account_id: str):
    """Your lists that hold this account."""
    person = person_for(request.auth, account_id)
    lists = PersonList.objects.filter(owner=request.auth, members__person=person)
    return [entities.list_entity(found) for found in lists]
