"""Mastodon accounts: your own account, other people's, follows, blocks, mutes, notes,
follow requests, favourites, preferences. Through Kith's actions and access rules."""

from __future__ import annotations

import io

import pytest
from django.core import mail
from django.test import Client
from PIL import Image

from kith.conversations import actions as post_actions
from kith.conversations.actions.reactions import helpful_mark
from kith.people.actions import person_update_profile
from kith.people.models import ContactField, Person, PostingDay, Visibility
from kith.relationships.actions.connections import connection_create
from kith.relationships.actions.follows import follow_create
from kith.relationships.actions.safety import block_create, mute_create
from kith.relationships.models import Block, Follow, FollowStatus, Mute, PersonNote
from tests.conftest import PASSWORD, make_person
from tests.mastodon.account_helpers import Masto, ids
from tests.mastodon.oauth_helpers import bearer, register_app

pytestmark = pytest.mark.django_db


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 64), (10, 120, 200)).save(out, format="PNG")
    return out.getvalue()


# --- registration --------------------------------------------------------------------------------


def app_token(scopes: str = "read write follow") -> str:
    app = register_app(Client(), scopes=scopes)
    response = Client().post(
        "/oauth/token",
        {
            "grant_type": "client_credentials",
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "scope": scopes,
        },
    )
    assert response.status_code == 200, response.content
    return response.json()["access_token"]


def test_register_creates_an_unconfirmed_account_and_emails_the_link(
    db, mailoutbox, django_capture_on_commit_callbacks
):
    token = app_token()
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(
            "/api/v1/accounts",
            {
                "username": "newbie",
                "email": "newbie@example.com",
                "password": "a long enough passphrase 42",
                "agreement": "true",
                "locale": "en",
            },
            **bearer(token),
        )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["token_type"] == "Bearer" and body["access_token"]
    person = Person.objects.get(handle="newbie")
    assert person.email_confirmed_at is None
    assert any("Confirm your email" in m.subject for m in mail.outbox)
    # Until the address is confirmed the account is hidden from everyone else.
    viewer = Masto(make_person("viewer"))
    assert viewer.get(f"/api/v1/accounts/{person.pk}").status_code == 404


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        ({"username": "x y", "email": "a@example.com", "password": "long passphrase 42"}, ""),
        ({"username": "okname", "email": "nope", "password": "long passphrase 42"}, "email"),
        ({"username": "okname", "email": "a@example.com", "password": "1"}, "password"),
    ],
)
def test_register_refuses_bad_input_and_writes_nothing(db, data, needle):
    before = Person.objects.count()
    response = Client().post(
        "/api/v1/accounts", {**data, "agreement": "true"}, **bearer(app_token())
    )
    assert response.status_code == 422, response.content
    assert response.json()["error"].startswith("Validation failed")
    assert needle in response.json()["error"]
    assert Person.objects.count() == before


def test_register_needs_the_agreement_and_an_app_token(db, alice):
    data = {"username": "okname", "email": "ok@example.com", "password": "long passphrase 42"}
    assert Client().post("/api/v1/accounts", data, **bearer(app_token())).status_code == 422
    assert Client().post("/api/v1/accounts", {**data, "agreement": "1"}).status_code == 401
    user = Masto(alice)
    assert user.post("/api/v1/accounts", {**data, "agreement": True}).status_code == 403
    assert not Person.objects.filter(handle="okname").exists()
    assert (
        Client()
        .post("/api/v1/accounts", {**data, "agreement": "1"}, **bearer(app_token("read")))
        .status_code
        == 403
    )


# --- your own account ----------------------------------------------------------------------------


def test_verify_credentials_has_source_and_public_fields_only(alice):
    response = Masto(alice, "read:accounts").get("/api/v1/accounts/verify_credentials")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == str(alice.pk) and body["username"] == "alice"
    names = [f["name"] for f in body["source"]["fields"]]
    assert names == ["Organisation"]  # connections-only and only-me fields never leave
    assert body["source"]["privacy"] == "public"
    assert body["source"]["follow_requests_count"] == 0


def test_verify_credentials_with_profile_scope_and_scope_403(alice):
    assert Masto(alice, "profile").get("/api/v1/accounts/verify_credentials").status_code == 200
    response = Masto(alice, "write").get("/api/v1/accounts/verify_credentials")
    assert response.status_code == 403
    assert response.json() == {"error": "This action is outside the authorized scopes"}
    assert Client().get("/api/v1/accounts/verify_credentials").status_code == 401


def test_update_credentials_maps_onto_the_profile_and_public_card(alice):
    masto = Masto(alice, "write:accounts")
    client = masto.client
    response = client.patch(
        "/api/v1/accounts/update_credentials",
        (
            "display_name=Alice+A&note=Hello+there&locked=true"
            "&fields_attributes[0][name]=Organisation&fields_attributes[0][value]=New+Org"
            "&fields_attributes[1][name]=Pronouns&fields_attributes[1][value]=she%2Fher"
            "&source[privacy]=public"
        ),
        content_type="application/x-www-form-urlencoded",
        **bearer(masto.token),
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["display_name"] == "Alice A" and body["locked"] is True
    assert body["source"]["note"] == "Hello there"
    assert [(f["name"], f["value"]) for f in body["source"]["fields"]] == [
        ("Organisation", "New Org"),
        ("Pronouns", "she/her"),
    ]
    alice.refresh_from_db()
    assert alice.is_locked and alice.bio == "Hello there"
    # Fields that are not public are never touched by a Mastodon app.
    assert (
        ContactField.objects.filter(person=alice).exclude(visibility=Visibility.PUBLIC).count() == 2
    )


def test_update_credentials_removes_public_fields_left_out(alice):
    masto = Masto(alice, "write:accounts")
    response = masto.patch("/api/v1/accounts/update_credentials", {"fields_attributes": []})
    assert response.status_code == 200, response.content
    assert not ContactField.objects.filter(person=alice, visibility=Visibility.PUBLIC).exists()
    assert ContactField.objects.filter(person=alice).count() == 2


def test_update_credentials_avatar_multipart(alice, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    masto = Masto(alice, "write:accounts")
    upload = io.BytesIO(png())
    upload.name = "me.png"
    response = masto.client.patch(
        "/api/v1/accounts/update_credentials",
        encode_multipart(upload),
        content_type=MULTIPART,
        **bearer(masto.token),
    )
    assert response.status_code == 200, response.content
    alice.refresh_from_db()
    assert alice.avatar.startswith("avatars/")
    assert response.json()["avatar"].endswith(".webp")


BOUNDARY = "kithboundary"
MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"


def encode_multipart(upload, name="Alice Pic") -> bytes:
    from django.test.client import encode_multipart as encode

    return encode(BOUNDARY, {"avatar": upload, "display_name": name})


@pytest.mark.parametrize(
    "data",
    [
        {"display_name": "   "},
        {"display_name": "Fine", "source": {"privacy": "private"}},
        {"display_name": "Fine", "fields_attributes": [{"name": "", "value": "orphan"}]},
        {"display_name": "Fine", "fields_attributes": [{"name": "Website", "value": "not a url"}]},
        {"display_name": "Fine", "locked": "maybe"},
    ],
)
def test_update_credentials_bad_input_changes_nothing(alice, data):
    masto = Masto(alice, "write:accounts")
    before = list(ContactField.objects.filter(person=alice).values_list("value", flat=True))
    response = masto.patch("/api/v1/accounts/update_credentials", data)
    assert response.status_code == 422, response.content
    assert "error" in response.json()
    alice.refresh_from_db()
    assert alice.display_name == "Alice"
    assert list(ContactField.objects.filter(person=alice).values_list("value", flat=True)) == before


def test_update_credentials_bad_avatar_changes_nothing(alice):
    masto = Masto(alice, "write:accounts")
    upload = io.BytesIO(b"not an image at all")
    upload.name = "x.png"
    response = masto.client.patch(
        "/api/v1/accounts/update_credentials",
        encode_multipart(upload, name="Changed"),
        content_type=MULTIPART,
        **bearer(masto.token),
    )
    assert response.status_code == 422
    alice.refresh_from_db()
    assert alice.display_name == "Alice" and not alice.avatar


def test_update_credentials_needs_write_accounts(alice):
    response = Masto(alice, "read").patch(
        "/api/v1/accounts/update_credentials", {"display_name": "X"}
    )
    assert response.status_code == 403
    alice.refresh_from_db()
    assert alice.display_name == "Alice"


# --- other accounts ------------------------------------------------------------------------------


def test_get_account_and_hidden_ones_are_404(alice, carol):
    masto = Masto(carol)
    assert masto.get(f"/api/v1/accounts/{alice.pk}").json()["username"] == "alice"
    # Anonymous readers see public profiles too.
    assert Client().get(f"/api/v1/accounts/{alice.pk}").status_code == 200
    hidden = make_person("unconfirmed", confirmed=False)
    gone = make_person("gone")
    gone.is_active = False
    gone.save()
    blocker = make_person("blocker")
    block_create(blocker=blocker, blocked=carol)
    for path in (
        f"/api/v1/accounts/{hidden.pk}",
        f"/api/v1/accounts/{gone.pk}",
        f"/api/v1/accounts/{blocker.pk}",
        "/api/v1/accounts/999999999",
        "/api/v1/accounts/abc",
    ):
        response = masto.get(path)
        assert response.status_code == 404, path
        assert response.json() == {"error": "Record not found"}
    # The blocker still sees the person they blocked.
    assert Masto(blocker).get(f"/api/v1/accounts/{carol.pk}").status_code == 200


def test_lookup(alice, carol, settings):
    masto = Masto(carol)
    assert masto.get("/api/v1/accounts/lookup", {"acct": "alice"}).json()["id"] == str(alice.pk)
    assert masto.get("/api/v1/accounts/lookup", {"acct": "@alice"}).status_code == 200
    host = settings.BASE_URL.split("//")[1].split("/")[0]
    assert masto.get("/api/v1/accounts/lookup", {"acct": f"alice@{host}"}).status_code == 200
    assert (
        masto.get("/api/v1/accounts/lookup", {"acct": "alice@elsewhere.example"}).status_code == 404
    )
    assert masto.get("/api/v1/accounts/lookup", {"acct": "nobody"}).status_code == 404
    assert masto.get("/api/v1/accounts/lookup").status_code == 404


def test_search_leaves_out_hidden_people(alice, carol):
    block_create(blocker=alice, blocked=carol)
    make_person("alicia")
    masto = Masto(carol)
    found = masto.get("/api/v1/accounts/search", {"q": "ali"}).json()
    assert [a["username"] for a in found] == ["alicia"]
    assert masto.get("/api/v1/accounts/search", {"q": ""}).json() == []
    assert Masto(carol, "write").get("/api/v1/accounts/search", {"q": "ali"}).status_code == 403


def test_search_following_only(alice, bob, carol):
    make_person("alicia")
    found = Masto(bob).get("/api/v1/accounts/search", {"q": "ali", "following": "true"}).json()
    assert [a["username"] for a in found] == ["alice"]  # a connection reads as a follow


# --- follow, unfollow, remove from followers -----------------------------------------------------


def test_follow_with_reblogs_false_and_unfollow(alice, carol):
    masto = Masto(carol, "write:follows")
    response = masto.post(f"/api/v1/accounts/{alice.pk}/follow", {"reblogs": False})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["following"] is True and body["showing_reblogs"] is False
    assert Follow.objects.get(follower=carol, target_person=alice).hide_reposts
    again = masto.post(f"/api/v1/accounts/{alice.pk}/follow", {"reblogs": True}).json()
    assert again["showing_reblogs"] is True
    assert Follow.objects.filter(follower=carol).count() == 1
    gone = masto.post(f"/api/v1/accounts/{alice.pk}/unfollow").json()
    assert gone["following"] is False
    assert not Follow.objects.filter(follower=carol).exists()


def test_follow_a_locked_account_is_a_request_then_authorized(alice, carol):
    person_update_profile(person=alice, is_locked=True)
    body = Masto(carol).post(f"/api/v1/accounts/{alice.pk}/follow").json()
    assert body["requested"] is True and body["following"] is False
    owner = Masto(alice)
    assert ids(owner.get("/api/v1/follow_requests")) == [str(carol.pk)]
    assert (
        owner.get("/api/v1/accounts/verify_credentials").json()["source"]["follow_requests_count"]
        == 1
    )
    answered = owner.post(f"/api/v1/follow_requests/{carol.pk}/authorize").json()
    assert answered["followed_by"] is True
    assert Follow.objects.get(follower=carol, target_person=alice).status == FollowStatus.ACTIVE
    assert owner.post(f"/api/v1/follow_requests/{carol.pk}/authorize").status_code == 404


def test_reject_follow_request(alice, carol):
    person_update_profile(person=alice, is_locked=True)
    follow_create(follower=carol, target=alice)
    owner = Masto(alice)
    assert owner.post(f"/api/v1/follow_requests/{carol.pk}/reject").json()["requested_by"] is False
    assert not Follow.objects.filter(follower=carol).exists()
    assert owner.post("/api/v1/follow_requests/12345/reject").status_code == 404
    assert (
        Masto(alice, "read").post(f"/api/v1/follow_requests/{carol.pk}/reject").status_code == 403
    )


def test_follow_over_the_attention_budget_is_a_422_with_the_figures(alice, carol):
    import datetime

    from django.utils import timezone

    carol.reading_capacity = 5
    carol.save()
    PostingDay.objects.create(person=alice, day=timezone.localdate(), posts=600)
    response = Masto(carol).post(f"/api/v1/accounts/{alice.pk}/follow")
    assert response.status_code == 422
    message = response.json()["error"]
    assert "capacity 5" in message and "load is 0.0" in message
    assert "/people/alice" in message or "alice" in message
    assert not Follow.objects.filter(follower=carol).exists()
    assert datetime  # the day is today's


def test_follow_self_unknown_and_scope(alice, carol):
    masto = Masto(carol)
    assert masto.post(f"/api/v1/accounts/{carol.pk}/follow").status_code == 422
    assert masto.post("/api/v1/accounts/42/follow").status_code == 404
    assert Masto(carol, "read").post(f"/api/v1/accounts/{alice.pk}/follow").status_code == 403
    assert Masto(carol, "follow").post(f"/api/v1/accounts/{alice.pk}/follow").status_code == 200
    assert Follow.objects.filter(follower=carol).count() == 1


def test_remove_from_followers(alice, carol):
    follow_create(follower=carol, target=alice)
    body = Masto(alice).post(f"/api/v1/accounts/{carol.pk}/remove_from_followers").json()
    assert body["followed_by"] is False
    assert not Follow.objects.filter(follower=carol).exists()


# --- followers and following ---------------------------------------------------------------------


def test_followers_and_following_are_yours_only(alice, carol):
    dave = make_person("dave")
    follow_create(follower=carol, target=alice)
    follow_create(follower=dave, target=alice)
    mine = Masto(alice)
    response = mine.get(f"/api/v1/accounts/{alice.pk}/followers", {"limit": 1})
    assert ids(response) == [str(dave.pk)]
    assert 'rel="next"' in response["Link"]
    nxt = response["Link"].split(";")[0].strip("<>")
    assert ids(mine.get(nxt.split("testserver")[1])) == [str(carol.pk)]
    assert ids(Masto(carol).get(f"/api/v1/accounts/{carol.pk}/following")) == [str(alice.pk)]
    # Someone else's lists are private in Kith.
    assert Masto(carol).get(f"/api/v1/accounts/{alice.pk}/followers").json() == []
    assert Client().get(f"/api/v1/accounts/{carol.pk}/following").json() == []
    # …and every Account says so (the counts stay, as on Mastodon).
    account = Masto(carol).get(f"/api/v1/accounts/{alice.pk}").json()
    assert account["hide_collections"] is True and account["followers_count"] == 2
    own = mine.get("/api/v1/accounts/verify_credentials").json()
    assert own["hide_collections"] is True and own["source"]["hide_collections"] is True


# --- block, mute, note ---------------------------------------------------------------------------


def test_block_and_unblock(alice, bob):
    masto = Masto(alice, "write:blocks read:blocks")
    body = masto.post(f"/api/v1/accounts/{bob.pk}/block").json()
    assert body["blocking"] is True and body["following"] is False  # the connection ended
    assert ids(masto.get("/api/v1/blocks")) == [str(bob.pk)]
    # Bob no longer sees alice at all.
    assert Masto(bob).get(f"/api/v1/accounts/{alice.pk}").status_code == 404
    assert masto.post(f"/api/v1/accounts/{bob.pk}/unblock").json()["blocking"] is False
    assert not Block.objects.exists()
    assert Masto(alice, "write:mutes").post(f"/api/v1/accounts/{bob.pk}/block").status_code == 403


def test_unblock_someone_who_blocked_you_too(alice, carol):
    block_create(blocker=alice, blocked=carol)
    block_create(blocker=carol, blocked=alice)
    assert Masto(alice).post(f"/api/v1/accounts/{carol.pk}/unblock").status_code == 200
    assert not Block.objects.filter(blocker=alice).exists()
    assert Block.objects.filter(blocker=carol).exists()


def test_mute_with_duration_and_list(alice, carol):
    masto = Masto(alice)
    body = masto.post(f"/api/v1/accounts/{carol.pk}/mute", {"duration": 86400}).json()
    assert body["muting"] is True and body["kith"]["mute_expires_at"] is not None
    listed = masto.get("/api/v1/mutes").json()
    assert [a["id"] for a in listed] == [str(carol.pk)]
    assert listed[0]["mute_expires_at"] is not None
    assert masto.post(f"/api/v1/accounts/{carol.pk}/unmute").json()["muting"] is False
    assert not Mute.objects.exists()


def test_mute_bad_duration_writes_nothing(alice, carol):
    masto = Masto(alice)
    response = masto.post(f"/api/v1/accounts/{carol.pk}/mute", {"duration": 300})
    assert response.status_code == 422 and "604800" in response.json()["error"]
    assert masto.post(f"/api/v1/accounts/{carol.pk}/mute", {"duration": "soon"}).status_code == 422
    assert not Mute.objects.exists()


def test_note_is_private(alice, carol):
    body = Masto(alice).post(f"/api/v1/accounts/{carol.pk}/note", {"comment": "met at PyCon"})
    assert body.json()["note"] == "met at PyCon"
    assert (
        Masto(carol).get(f"/api/v1/accounts/relationships?id[]={alice.pk}").json()[0]["note"] == ""
    )
    Masto(alice).post(f"/api/v1/accounts/{carol.pk}/note", {"comment": ""})
    assert not PersonNote.objects.exists()
    too_long = Masto(alice).post(f"/api/v1/accounts/{carol.pk}/note", {"comment": "x" * 6000})
    assert too_long.status_code == 422


# --- relationships, familiar followers -----------------------------------------------------------


def test_relationships_many_and_hidden_left_out(alice, bob, carol):
    blocker = make_person("blocker")
    block_create(blocker=blocker, blocked=alice)
    response = Masto(alice).get(
        f"/api/v1/accounts/relationships?id[]={bob.pk}&id[]={carol.pk}&id[]={blocker.pk}&id[]=x"
    )
    body = response.json()
    assert [r["id"] for r in body] == [str(bob.pk), str(carol.pk)]
    assert body[0]["following"] and body[0]["followed_by"] and body[0]["kith"]["connected"]
    single = Masto(alice).get("/api/v1/accounts/relationships", {"id": str(carol.pk)}).json()
    assert [r["id"] for r in single] == [str(carol.pk)]
    assert (
        Masto(alice, "read:accounts")
        .get(f"/api/v1/accounts/relationships?id[]={bob.pk}")
        .status_code
        == 403
    )


def test_familiar_followers_are_mutual_connections(alice, bob, carol):
    connection_create(person=bob, other=carol, how_met="in_person")
    body = Masto(alice).get(f"/api/v1/accounts/familiar_followers?id[]={carol.pk}").json()
    assert body == [{"id": str(carol.pk), "accounts": [body[0]["accounts"][0]]}] and body[0][
        "accounts"
    ][0]["id"] == str(bob.pk)
    block_create(blocker=bob, blocked=alice)
    body = Masto(alice).get(f"/api/v1/accounts/familiar_followers?id[]={carol.pk}").json()
    assert body == [{"id": str(carol.pk), "accounts": []}]


# --- statuses ------------------------------------------------------------------------------------


def test_account_statuses_through_the_access_rule(alice, bob, carol):
    public = post_actions.post_publish(author=alice, body="Hello #sourdough")
    private = post_actions.post_publish(author=alice, body="Only friends", visibility="connections")
    reply = post_actions.post_reply(author=alice, body="A reply", to=public)
    path = f"/api/v1/accounts/{alice.pk}/statuses"
    assert ids(Masto(carol).get(path)) == [str(reply.pk), str(public.pk)]
    assert ids(Masto(bob).get(path)) == [str(reply.pk), str(private.pk), str(public.pk)]
    assert ids(Client().get(path)) == [str(reply.pk), str(public.pk)]
    assert ids(Masto(bob).get(path, {"exclude_replies": "true"})) == [
        str(private.pk),
        str(public.pk),
    ]
    assert ids(Masto(bob).get(path, {"tagged": "sourdough"})) == [str(public.pk)]
    assert ids(Masto(bob).get(path, {"pinned": "true"})) == []
    assert ids(Masto(bob).get(path, {"only_media": "1"})) == []
    paged = Masto(bob).get(path, {"limit": 2})
    assert ids(paged) == [str(reply.pk), str(private.pk)]
    assert f"max_id={private.pk}" in paged["Link"]
    assert ids(Masto(bob).get(path, {"max_id": str(private.pk)})) == [str(public.pk)]
    assert Masto(bob).get(path, {"max_id": "abc"}).status_code == 422


def test_account_statuses_of_hidden_people_are_404(alice, carol):
    block_create(blocker=alice, blocked=carol)
    post_actions.post_publish(author=alice, body="Hello")
    assert Masto(carol).get(f"/api/v1/accounts/{alice.pk}/statuses").status_code == 404


# --- favourites, lists of an account, endorsements, preferences ----------------------------------


def test_favourites_are_helpful_marks_paged_by_the_mark(alice, bob, carol):
    first = post_actions.post_publish(author=alice, body="First")
    second = post_actions.post_publish(author=alice, body="Second")
    friends = post_actions.post_publish(author=alice, body="Friends", visibility="connections")
    helpful_mark(person=bob, post=second)
    helpful_mark(person=bob, post=first)  # marked later: comes first
    helpful_mark(person=bob, post=friends)
    masto = Masto(bob, "read:favourites")
    page = masto.get("/api/v1/favourites", {"limit": 2})
    assert ids(page) == [str(friends.pk), str(first.pk)]
    assert 'rel="next"' in page["Link"]
    link = page["Link"].split(";")[0].strip("<>").split("testserver")[1]
    assert ids(masto.get(link)) == [str(second.pk)]
    block_create(blocker=alice, blocked=bob)  # now bob may see none of them
    assert ids(masto.get("/api/v1/favourites")) == []
    assert Masto(bob, "read:accounts").get("/api/v1/favourites").status_code == 403


def test_endorsements_and_preferences(alice):
    masto = Masto(alice, "read:accounts")
    assert masto.get("/api/v1/endorsements").json() == []
    prefs = masto.get("/api/v1/preferences").json()
    assert prefs["posting:default:visibility"] == "public"


def test_password_is_never_in_an_account(alice):
    body = Masto(alice).get("/api/v1/accounts/verify_credentials").content.decode()
    assert PASSWORD not in body and "example.com" not in body


def test_mute_create_forever_then_list(alice, carol):
    mute_create(muter=alice, muted=carol)
    assert Masto(alice).get("/api/v1/mutes").json()[0]["mute_expires_at"] is None
