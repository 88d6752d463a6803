"""Direct messages: threads, requests, blocks, Markdown, attachments, unread counts; the web UI
and the API, with access (non-participants get 404 everywhere) and pinned query counts.

alice and bob are connected; carol is a stranger to both; dave is a stranger too.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kith.conversations import actions as post_actions
from kith.conversations.models import Media
from kith.messaging import actions, selectors
from kith.messaging.access import access_thread
from kith.messaging.models import Message, MessageThread, Participant, ParticipantStatus
from kith.relationships.actions.safety import block_create
from kith.relationships.models import Block, IntroCall
from tests.conftest import make_person
from tests.conversations.test_media import image_bytes


@pytest.fixture(autouse=True)
def _own_media_store(settings, tmp_path):
    settings.VAR_DIR = tmp_path


@pytest.fixture
def dave(db):
    return make_person("dave")


def status_of(person, message) -> str:
    return Participant.objects.get(thread_id=message.thread_id, person=person).status


def me_in(person, message) -> Participant:
    return access_thread(person, message.thread_id)


# --- Threads, requests, blocks ---------------------------------------------------------------


def test_a_connection_lands_in_the_inbox_a_stranger_gets_a_request(alice, bob, carol):
    message = actions.thread_start(sender=alice, to=["bob", "@carol"], body="Hello *both*")
    assert status_of(alice, message) == ParticipantStatus.ACCEPTED
    assert status_of(bob, message) == ParticipantStatus.ACCEPTED
    assert status_of(carol, message) == ParticipantStatus.REQUEST
    assert message.body_html == "<p>Hello <em>both</em></p>"
    assert [r.thread_id for r in selectors.box_of(bob, "inbox")] == [message.thread_id]
    assert selectors.box_of(bob, "requests") == []
    assert [r.thread_id for r in selectors.box_of(carol, "requests")] == [message.thread_id]
    assert selectors.box_of(carol, "inbox") == []


def test_two_people_share_one_thread(alice, bob, carol):
    first = actions.thread_start(sender=alice, to=["bob"], body="One")
    second = actions.thread_start(sender=bob, to=["alice"], body="Two")
    assert first.thread_id == second.thread_id
    assert MessageThread.objects.count() == 1
    group = actions.thread_start(sender=alice, to=["bob", "carol"], body="Three")
    assert group.thread_id != first.thread_id  # a group is its own thread


def test_a_request_is_answered_before_replying(alice, carol):
    message = actions.thread_start(sender=alice, to=["carol"], body="Hi, we met at the fair")
    mine = me_in(carol, message)
    with pytest.raises(ValidationError, match="Accept this message request"):
        actions.message_send(participant=mine, body="Hi!")
    actions.request_accept(participant=mine)
    reply = actions.message_send(participant=mine, body="Hi!")
    assert reply.thread_id == message.thread_id
    with pytest.raises(ValidationError, match="not a message request"):
        actions.request_accept(participant=mine)


def test_declining_hides_the_thread(alice, carol):
    message = actions.thread_start(sender=alice, to=["carol"], body="Buy my course")
    mine = me_in(carol, message)
    actions.request_decline(participant=mine)
    assert selectors.box_of(carol, "requests") == selectors.box_of(carol, "inbox") == []
    assert selectors.unread_thread_count(carol.pk) == 0
    with pytest.raises(ValidationError, match="declined"):
        actions.message_send(participant=mine, body="Actually…")


def test_blocking_from_a_request_blocks_the_sender_everywhere(alice, bob, carol):
    message = actions.thread_start(sender=alice, to=["carol"], body="Spam")
    actions.request_block(participant=me_in(carol, message))
    assert Block.objects.filter(blocker=carol, blocked=alice).exists()
    with pytest.raises(ValidationError, match="can no longer send"):
        actions.message_send(participant=me_in(alice, message), body="More spam")
    with pytest.raises(ValidationError, match="can't send messages"):
        actions.thread_start(sender=alice, to=["carol", "bob"], body="A new thread")
    with pytest.raises(ValidationError, match="can't send messages"):
        actions.thread_start(sender=carol, to=["alice"], body="Blockers can't write either")


def test_a_block_in_a_group_stops_the_blocked_sending_there(alice, bob, dave):
    message = actions.thread_start(sender=alice, to=["bob", "dave"], body="Group")
    block_create(blocker=bob, blocked=alice)
    with pytest.raises(ValidationError):
        actions.message_send(participant=me_in(alice, message), body="Still here?")
    assert Message.objects.count() == 1


def test_offering_an_intro_call_reuses_the_relationships_flow(alice, bob, carol):
    message = actions.thread_start(sender=alice, to=["carol"], body="Could we talk?")
    call = actions.request_offer_intro_call(participant=me_in(carol, message))
    assert isinstance(call, IntroCall)
    assert (call.host, call.guest) == (carol, alice)
    assert call.invitation.note == "Could we talk?"
    assert status_of(carol, message) == ParticipantStatus.ACCEPTED
    group = actions.thread_start(sender=alice, to=["carol", "bob"], body="Group")
    assert status_of(carol, group) == ParticipantStatus.REQUEST
    with pytest.raises(ValidationError, match="between two people"):
        actions.request_offer_intro_call(participant=me_in(carol, group))


@pytest.mark.parametrize(
    ("to", "body", "error"),
    [
        ([], "Hi", "at least one person"),
        (["nobody_here"], "Hi", "No such person: @nobody_here"),
        (["alice"], "Hi", "other than yourself"),
        (["bob"], "   ", "Write a message"),
        (["bob"], "x" * 5001, "at most 5000 characters"),
        (["bob"], "nul\x00", "null character"),
        ([f"p{n}" for n in range(25)], "Hi", "at most 20 people"),
    ],
)
def test_bad_input_is_refused_and_stores_nothing(alice, bob, to, body, error):
    with pytest.raises(ValidationError, match=error):
        actions.thread_start(sender=alice, to=to, body=body)
    assert MessageThread.objects.count() == Message.objects.count() == 0


def test_markdown_is_the_post_subset_and_sanitised(alice, bob):
    message = actions.thread_start(
        sender=alice, to=["bob"], body="**bold** <script>alert(1)</script> [x](javascript:no)"
    )
    assert "<strong>bold</strong>" in message.body_html
    assert "<script" not in message.body_html and "&lt;script&gt;" in message.body_html
    assert "href" not in message.body_html  # a javascript: link stays text


def test_unread_counts_follow_reading(alice, bob, carol):
    message = actions.thread_start(sender=alice, to=["bob"], body="1")
    actions.thread_start(sender=alice, to=["carol"], body="2")
    assert selectors.unread_thread_count(alice.pk) == 0  # her own messages
    assert selectors.unread_thread_count(bob.pk) == 1
    assert selectors.unread_thread_count(carol.pk) == 1  # the request
    assert selectors.unread_counts([alice.pk, bob.pk, carol.pk]) == {
        alice.pk: 0,
        bob.pk: 1,
        carol.pk: 1,
    }
    actions.thread_mark_read(participant=me_in(bob, message))
    assert selectors.unread_thread_count(bob.pk) == 0


# --- Attachments ------------------------------------------------------------------------------


def test_attachments_are_for_participants_only(alice, bob, carol, client):
    media = post_actions.media_upload(owner=alice, data=image_bytes(), alt_text="A square")
    message = actions.thread_start(sender=alice, to=["bob"], body="", media_ids=[media.pk])
    assert [a.media_id for a in message.attachments.all()] == [media.pk]
    client.force_login(bob)
    assert client.get(media.url).status_code == 200
    client.force_login(carol)
    assert client.get(media.url).status_code == 404
    client.logout()
    assert client.get(media.url).status_code == 404
    # Sent: no longer a draft, so it cannot go on a post, another message, or be deleted.
    from kith.conversations.media import drafts_of

    assert drafts_of(alice) == []
    with pytest.raises(ValidationError):
        post_actions.post_publish(author=alice, body="Look", media_ids=[media.pk])
    with pytest.raises(ValidationError, match="attached already"):
        actions.message_send(participant=me_in(alice, message), body="x", media_ids=[media.pk])
    with pytest.raises(ValidationError, match="sent in a message"):
        post_actions.media_delete(media=media, by=alice)


def test_someone_elses_draft_cannot_be_attached(alice, bob):
    theirs = post_actions.media_upload(owner=bob, data=image_bytes(), alt_text="Bob's")
    with pytest.raises(ValidationError, match="not found"):
        actions.thread_start(sender=alice, to=["bob"], body="x", media_ids=[theirs.pk])
    assert Media.objects.get(pk=theirs.pk).owner == bob


# --- API --------------------------------------------------------------------------------------


def test_api_start_read_reply_and_unread(api, alice, bob, token_for):
    a, b = token_for(alice), token_for(bob)
    created = api("POST", "/messages/threads", token=a, json={"to": ["bob"], "body": "Hi _Bob_"})
    assert created.status_code == 201, created.content
    thread = created.json()
    assert thread["status"] == "accepted"
    assert thread["messages"][0]["html"] == "<p>Hi <em>Bob</em></p>"
    assert api("GET", "/messages/unread", token=b).json() == {"threads": 1}
    listed = api("GET", "/messages/threads", token=b).json()
    assert [t["id"] for t in listed] == [thread["id"]] and listed[0]["unread"] is True
    assert listed[0]["last_message"]["body"] == "Hi _Bob_"
    sent = api("POST", f"/messages/threads/{thread['id']}/messages", token=b, json={"body": "Yo"})
    assert sent.status_code == 201 and sent.json()["sender"]["handle"] == "bob"
    assert api("GET", "/messages/unread", token=b).json() == {"threads": 0}
    assert api("GET", "/messages/unread", token=a).json() == {"threads": 1}
    read = api("POST", f"/messages/threads/{thread['id']}/read", token=a)
    assert read.json()["unread"] is False
    page = api("GET", f"/messages/threads/{thread['id']}", token=a).json()
    assert [m["body"] for m in page["messages"]] == ["Hi _Bob_", "Yo"]


def test_api_message_requests(api, alice, carol, token_for):
    a, c = token_for(alice), token_for(carol)
    thread = api("POST", "/messages/threads", token=a, json={"to": ["carol"], "body": "Hi"}).json()
    requests = api("GET", "/messages/threads?box=requests", token=c).json()
    assert [t["status"] for t in requests] == ["request"]
    refused = api("POST", f"/messages/threads/{thread['id']}/messages", token=c, json={"body": "x"})
    assert refused.status_code == 422 and "Accept" in str(refused.json()["detail"])
    accepted = api("POST", f"/messages/threads/{thread['id']}/accept", token=c)
    assert accepted.json()["status"] == "accepted"
    again = api("POST", f"/messages/threads/{thread['id']}/accept", token=c)
    assert again.status_code == 422


def test_api_intro_call_and_block(api, alice, carol, dave, token_for):
    a, c = token_for(alice), token_for(carol)
    one = api("POST", "/messages/threads", token=a, json={"to": ["carol"], "body": "Hi"}).json()
    offered = api("POST", f"/messages/threads/{one['id']}/intro-call", token=c)
    assert offered.status_code == 201
    assert IntroCall.objects.get(pk=offered.json()["intro_call_id"]).host == carol
    d = token_for(dave)
    two = api("POST", "/messages/threads", token=d, json={"to": ["carol"], "body": "Hey"}).json()
    blocked = api("POST", f"/messages/threads/{two['id']}/block", token=c)
    assert blocked.json()["status"] == "declined"
    assert Block.objects.filter(blocker=carol, blocked=dave).exists()


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ({"to": ["bob"], "body": ""}, 422),
        ({"to": "bob", "body": "x"}, 422),
        ({"to": ["bob"], "body": "x", "media_ids": ["nope"]}, 422),
        ({"to": ["ghost"], "body": "x"}, 422),
        ({"body": "x"}, 422),
    ],
)
def test_api_bad_input(api, alice, bob, token_for, payload, status):
    response = api("POST", "/messages/threads", token=token_for(alice), json=payload)
    assert response.status_code == status
    assert response.json()["error"] in ("invalid", "invalid_request")
    assert MessageThread.objects.count() == 0


def test_api_box_must_be_known(api, alice, token_for):
    response = api("GET", "/messages/threads?box=spam", token=token_for(alice))
    assert response.status_code == 422


def test_api_needs_a_person(api, alice):
    assert api("GET", "/messages/threads").status_code == 401
    assert api("GET", "/messages/unread").status_code == 401


def test_non_participants_get_404_on_every_surface(api, alice, bob, carol, token_for, client):
    media = post_actions.media_upload(owner=alice, data=image_bytes(), alt_text="Private")
    message = actions.thread_start(sender=alice, to=["bob"], body="Private", media_ids=[media.pk])
    tid = message.thread_id
    c = token_for(carol)
    for method, path in [
        ("GET", f"/messages/threads/{tid}"),
        ("POST", f"/messages/threads/{tid}/messages"),
        ("POST", f"/messages/threads/{tid}/read"),
        ("POST", f"/messages/threads/{tid}/accept"),
        ("POST", f"/messages/threads/{tid}/decline"),
        ("POST", f"/messages/threads/{tid}/block"),
        ("POST", f"/messages/threads/{tid}/intro-call"),
        ("GET", "/messages/threads/999999"),
        ("GET", "/messages/threads/not-an-id"),
    ]:
        response = api(method, path, token=c, json={"body": "x"} if method == "POST" else None)
        assert response.status_code == 404, (method, path, response.content)
    assert not any(str(tid) in str(t) for t in api("GET", "/messages/threads", token=c).json())
    client.force_login(carol)
    assert client.get(f"/messages/{tid}/").status_code == 404
    assert client.post(f"/messages/{tid}/", {"body": "x"}).status_code == 404
    for answer in ("accept", "decline", "block", "intro"):
        assert client.post(f"/messages/{tid}/{answer}/").status_code == 404
    assert client.get(media.url).status_code == 404
    assert client.get(media.thumbnail_url).status_code == 404
    assert Message.objects.count() == 1


# --- Web UI -----------------------------------------------------------------------------------


def test_web_compose_thread_reply_and_inbox(alice, bob):
    web = Client()
    web.force_login(alice)
    page = web.get("/messages/new/?to=bob")
    assert page.status_code == 200 and 'value="bob"' in page.content.decode()
    sent = web.post("/messages/new/", {"to": "@bob", "body": "Hello **Bob**"})
    thread = MessageThread.objects.get()
    assert sent.status_code == 302 and sent["Location"] == f"/messages/{thread.pk}/"
    other = Client()
    other.force_login(bob)
    inbox = other.get("/messages/").content.decode()
    assert "Alice" in inbox and "Hello **Bob**" in inbox and 'class="unread"' in inbox
    page = other.get(f"/messages/{thread.pk}/").content.decode()
    assert "Hello <strong>Bob</strong>" in page
    assert selectors.unread_thread_count(bob.pk) == 0  # opening it read it
    reply = other.post(f"/messages/{thread.pk}/", {"body": "Hi"}, HTTP_HX_REQUEST="true")
    assert reply.status_code == 200 and reply["HX-Retarget"] == "#message-list"
    assert 'hx-swap-oob="true"' in reply.content.decode()
    assert Message.objects.count() == 2
    # alice answers while bob's thread is open: his live refresh reads it and clears his count
    actions.message_send(participant=access_thread(alice, thread.pk), body="Live one")
    refresh = other.get(f"/messages/{thread.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "Live one" in refresh and "<html" not in refresh
    assert 'id="nav-messages-count" class="count" data-live-count="messages" ' in refresh
    assert 'hx-swap-oob="true"></span>' in refresh  # empty: nothing unread


def test_web_bad_input_answers_400_with_the_reason(alice, bob):
    web = Client()
    web.force_login(alice)
    response = web.post("/messages/new/", {"to": "ghost", "body": "x"})
    assert response.status_code == 400 and "No such person: @ghost" in response.content.decode()
    assert MessageThread.objects.count() == 0


def test_web_requests_box_and_answers(alice, carol):
    message = actions.thread_start(sender=alice, to=["carol"], body="Hi there")
    web = Client()
    web.force_login(carol)
    box = web.get("/messages/requests/").content.decode()
    assert "Hi there" in box
    page = web.get(f"/messages/{message.thread_id}/").content.decode()
    assert "message request" in page and "Offer an intro call" in page
    accepted = web.post(f"/messages/{message.thread_id}/accept/")
    assert accepted.status_code == 302
    assert status_of(carol, message) == ParticipantStatus.ACCEPTED
    again = web.post(f"/messages/{message.thread_id}/decline/", follow=True)
    assert "not a message request" in again.content.decode()


# --- Query counts -----------------------------------------------------------------------------


def _queries(fn) -> int:
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured)


def test_inbox_and_thread_query_counts_are_pinned(api, alice, token_for):
    token = token_for(alice)
    people = [make_person(f"friend{n}") for n in range(6)]
    for person in people[:3]:
        message = actions.thread_start(sender=person, to=["alice"], body="Hi")
    media = post_actions.media_upload(owner=alice, data=image_bytes(), alt_text="x")
    thread_id = message.thread_id
    participant = me_in(alice, message)
    actions.request_accept(participant=participant)
    actions.message_send(participant=participant, body="With image", media_ids=[media.pk])

    def inbox():
        assert api("GET", "/messages/threads?box=requests", token=token).status_code == 200

    def thread():
        assert api("GET", f"/messages/threads/{thread_id}", token=token).status_code == 200

    inbox()  # the first use of a token notes it (one UPDATE a minute): not counted
    few_inbox, few_thread = _queries(inbox), _queries(thread)
    for person in people[3:]:
        actions.thread_start(sender=person, to=["alice"], body="Hi")
    for n in range(5):
        actions.message_send(participant=participant, body=f"More {n}")
    assert _queries(inbox) == few_inbox
    assert _queries(thread) == few_thread
    # token look-up + threads, their people, their last messages
    assert few_inbox == 4
    # token look-up + participation, people, messages, attachments
    assert few_thread == 5
