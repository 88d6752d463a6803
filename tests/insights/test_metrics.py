"""Each metric on a small hand-built network, with the expected values worked out by hand.

alice is the person measured; bob is her connection (tests/conftest.py), carol a stranger.
The comments say, line by line, why each expected number is what it is.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kith.conversations import actions as posts
from kith.conversations.actions.links import short_link_follow
from kith.conversations.models import Click, ShortLink
from kith.feeds.models import FeedEntry
from kith.insights.metrics import insights_for, reason_to_reach_out, reciprocity_status
from kith.messaging import actions as messaging
from kith.messaging.models import Message
from kith.people import actions as people_actions
from kith.people.models import ContactChange, FieldKind, Visibility
from kith.relationships.actions import invitations
from kith.relationships.actions.connections import connection_create
from kith.relationships.actions.follows import follow_create
from kith.relationships.actions.intro_calls import invitation_offer_intro_call
from kith.relationships.models import Connection


def test_two_way_ratio(alice, bob, carol, publish, reply):
    p1, p2, p3 = publish(alice, "one"), publish(alice, "two"), publish(alice, "three")
    reply(alice, reply(bob, p1))  # bob replied to p1 and alice replied back: a conversation
    reply(carol, p2)  # carol replied to p2, alice never answered: not one
    reply(alice, p3)  # alice continuing her own thread: neither a conversation nor a reply
    reply(alice, publish(carol, "carol's post"))  # a reply to someone else

    two_way = insights_for(alice)["two_way"]

    assert two_way["posts"] == 3  # p1, p2, p3 (replies are not posts)
    assert two_way["conversations"] == 1  # p1
    assert two_way["ratio"] == pytest.approx(1 / 3)
    assert two_way["replies_to_others"] == 2  # to bob's reply and to carol's post
    assert two_way["broadcasts"] == 3
    assert two_way["reply_share"] == pytest.approx(2 / 5)  # 2 replies of 2 + 3 things written


def test_two_way_ratio_counts_only_the_window(alice, bob, publish, reply, ago):
    old = ago(publish(alice, "old"), days=120)
    reply(alice, reply(bob, old))
    ago(publish(alice, "recent"), days=10)

    two_way = insights_for(alice)["two_way"]

    assert (two_way["posts"], two_way["conversations"]) == (1, 0)  # only "recent" is in
    assert two_way["ratio"] == 0.0
    # alice's reply back (written now) is in the window although its post is not.
    assert two_way["replies_to_others"] == 1


def test_echo_versus_conversation_per_post(alice, bob, carol, people, publish, reply):
    dee = people("dee")
    echoed = publish(alice, "read https://example.com/a")
    discussed = publish(alice, "what do you think?")
    quiet = publish(alice, "nobody noticed")
    posts.post_repost(person=carol, post=echoed)  # echo 1
    posts.post_quote(author=dee, post=echoed, body="look")  # echo 2
    code = ShortLink.objects.get(post=echoed).code
    short_link_follow(viewer=carol, code=code, referrer="https://news.example/")  # echo 3
    short_link_follow(viewer=None, code=code)  # echo 4
    reply(bob, discussed)  # conversation 1
    posts.used_it_add(person=carol, post=discussed, story="I tried it at work")  # conversation 2

    echo = insights_for(alice)["echo"]
    by_id = {p["id"]: p for p in echo["posts"]}

    first = by_id[str(echoed.pk)]
    assert (first["reposts"], first["quotes"], first["clicks"]) == (1, 1, 2)
    assert (first["echo"], first["conversation"], first["verdict"]) == (4, 0, "echo")
    second = by_id[str(discussed.pk)]
    assert (second["replies"], second["stories"], second["echo"]) == (1, 1, 0)
    assert (second["conversation"], second["verdict"]) == (2, "conversation")
    assert by_id[str(quiet.pk)]["verdict"] == "quiet"
    assert (echo["echo"], echo["conversation"]) == (4, 2)
    assert (echo["echoed"], echo["discussed"], echo["quiet"]) == (1, 1, 1)
    assert Click.objects.count() == 2


def test_reciprocity_per_relationship(alice, bob, carol, people, publish, reply, ago):
    dee, eve, fay = people("dee", "eve", "fay")
    connection_create(person=alice, other=dee, how_met="in_person")
    connection_create(person=alice, other=eve, how_met="in_person")
    follow_create(follower=alice, target=fay)
    follow_create(follower=alice, target=carol)
    mine = publish(alice, "mine")
    # bob: alice replies to his post (out 1), he replies to hers (in 1) → 1:1, balanced
    reply(alice, publish(bob, "bob's"))
    reply(bob, mine)
    # dee: quotes alice (in 1), alice nothing → one-sided towards alice
    posts.post_quote(author=dee, post=mine, body="so true")
    # eve: replied 100 days ago, outside the window → dormant in the window
    ago(reply(eve, ago(publish(alice, "old"), days=101)), days=100)
    # fay: alice marks her post helpful and replies to it (out 2), nothing back → one-sided out
    fays = publish(fay, "fay's")
    posts.helpful_mark(person=alice, post=fays)
    reply(alice, fays)
    # carol: alice replies once (out 1); carol replies, reposts, marks helpful (in 3): 1 < 3/2
    reply(alice, publish(carol, "carol's"))
    reply(carol, mine)
    posts.post_repost(person=carol, post=mine)
    posts.helpful_mark(person=carol, post=mine)

    reciprocity = insights_for(alice)["reciprocity"]
    rows = {p["handle"]: (p["out"], p["in"], p["status"]) for p in reciprocity["people"]}

    assert rows == {
        "bob": (1, 1, "balanced"),
        "carol": (1, 3, "one_sided_in"),
        "dee": (0, 1, "one_sided_in"),
        "eve": (0, 0, "dormant"),
        "fay": (2, 0, "one_sided_out"),
    }
    assert (reciprocity["balanced"], reciprocity["one_sided_in"]) == (1, 2)
    assert (reciprocity["one_sided_out"], reciprocity["dormant"]) == (1, 1)


@pytest.mark.parametrize(
    ("out", "into", "status"),
    [
        (0, 0, "dormant"),
        (2, 1, "balanced"),
        (1, 2, "balanced"),
        (3, 1, "one_sided_out"),
        (0, 1, "one_sided_in"),
        (5, 5, "balanced"),
    ],
)
def test_reciprocity_thresholds(out, into, status):
    assert reciprocity_status(out, into) == status


def test_response_time(alice, bob, people, publish, reply, ago):
    ben = people("ben")
    mine = publish(alice, "mine")
    # replies: bob's reply answered 2 h later; ben's reply never answered
    bobs = ago(reply(bob, mine), days=10, hours=2)
    ago(reply(alice, bobs), days=10)
    reply(ben, mine)
    # mentions: ben mentions alice, she replies 30 minutes later
    mention = ago(publish(ben, "hello @alice"), days=5, hours=0.5)
    ago(reply(alice, mention), days=5)
    # questions: ben asks alice a question, she answers 4 h later
    question = ago(publish(ben, "@alice how?", kind="question"), days=4, hours=4)
    ago(reply(alice, question), days=4)
    # messages: bob writes twice (one turn), alice answers 3 h after the first; bob writes
    # again (a new turn, 1 h after hers), unanswered
    first = messaging.thread_start(sender=bob, to=["alice"], body="hi")
    ago(first, days=3, hours=3)
    mine_part = first.thread.participants.get(person=alice)
    bobs_part = first.thread.participants.get(person=bob)
    ago(messaging.message_send(participant=bobs_part, body="are you there?"), days=3, hours=2)
    ago(messaging.message_send(participant=mine_part, body="yes"), days=3)
    ago(messaging.message_send(participant=bobs_part, body="great"), days=2, hours=23)

    times = insights_for(alice)["response_time"]

    assert times["replies"] == {"received": 2, "answered": 1, "median_hours": 2.0}
    assert times["mentions"] == {"received": 1, "answered": 1, "median_hours": 0.5}
    assert times["questions"] == {"received": 1, "answered": 1, "median_hours": 4.0}
    assert times["messages"] == {"received": 2, "answered": 1, "median_hours": 3.0}
    assert Message.objects.filter(thread=first.thread).count() == 4


def test_response_time_median_of_several(alice, people, publish, reply, ago):
    ben = people("ben")
    mine = publish(alice, "mine")
    for hours in (1, 3, 8):  # answered after 1 h, 3 h and 8 h: the median is 3 h
        theirs = ago(reply(ben, mine), days=1, hours=hours)
        ago(reply(alice, theirs), days=1)

    assert insights_for(alice)["response_time"]["replies"]["median_hours"] == 3.0


def test_strangers_and_invitations(alice, bob, carol, people, publish, reply, now):
    eve, fay, gus, hal, ivy, jo, kim = people("eve", "fay", "gus", "hal", "ivy", "jo", "kim")
    connection_create(person=alice, other=eve, how_met="worked_together")  # never a word
    follow_create(follower=alice, target=fay)  # alice only marks fay's posts helpful
    posts.helpful_mark(person=alice, post=publish(fay, "fay's"))
    follow_create(follower=alice, target=carol)  # carol and alice wrote to each other
    messaging.thread_start(sender=alice, to=["carol"], body="hello carol")
    reply(alice, reply(bob, publish(alice, "hi")))  # bob and alice talked
    # Invitations: gus (never talked) is declined; hal had replied to alice before: not a
    # stranger; ivy (never talked) is accepted; jo withdraws hers; kim gets an intro call offer
    reply(hal, publish(alice, "earlier"))

    def invite(sender):
        return invitations.invitation_send(
            sender=sender,
            recipient=alice,
            how_known="other",
            how_known_detail="a conference",
            note="hi",
        )

    invitations.invitation_decline(invitation=invite(gus), by=alice)
    invite(hal)
    invitations.invitation_accept(invitation=invite(ivy), by=alice)
    invitations.invitation_withdraw(invitation=invite(jo), by=jo)
    invitation_offer_intro_call(
        invitation=invite(kim), by=alice, slots=[now + timedelta(days=2)], time_zone="UTC"
    )

    strangers = insights_for(alice)["strangers"]

    # connections: bob, eve, ivy (accepted); never talked: eve, ivy
    assert (strangers["connections"], strangers["connections_never_talked"]) == (3, 2)
    # follows: fay and carol; never a word with fay (a helpful mark is not a word)
    assert (strangers["follows"], strangers["follows_never_talked"]) == (2, 1)
    assert {p["handle"] for p in strangers["people"]} == {"eve", "ivy", "fay"}
    inv = strangers["invitations"]
    assert (inv["received"], inv["from_strangers"]) == (5, 4)  # all but hal
    assert inv["outcomes"] == {
        "connected": 1,  # ivy
        "call_held": 0,
        "intro_offered": 1,  # kim
        "declined": 1,  # gus
        "withdrawn": 1,  # jo
        "pending": 0,  # hal's is pending but hal is no stranger
    }


def test_a_deactivated_connection_leaves_every_metric(alice, bob, people, publish, reply):
    eve = people("eve")
    connection_create(person=alice, other=eve, how_met="worked_together")  # never a word
    reply(bob, publish(alice, "hi"))  # bob talked to alice, then his account is deactivated
    type(bob).objects.filter(pk=bob.pk).update(is_active=False)

    insights = insights_for(alice)  # no card for bob: he is in no list and no count

    strangers = insights["strangers"]
    assert (strangers["connections"], strangers["connections_never_talked"]) == (1, 1)  # eve
    assert [p["handle"] for p in strangers["people"]] == ["eve"]
    assert [p["handle"] for p in insights["reciprocity"]["people"]] == ["eve"]
    assert insights["response_time"]["replies"]["received"] == 0  # bob's reply is hidden


def test_attention(alice, bob, carol, people, publish, reply, now):
    dee = people("dee")
    follow_create(follower=alice, target=carol)
    follow_create(follower=alice, target=dee)
    # alice reads bob (connection), carol and dee (follows). In the last 30 days bob wrote 3
    # posts, carol 2, dee 1 (replies do not count towards the load): 6 / 30 = 0.2 a day.
    bobs = [publish(bob, f"b{i}") for i in range(3)]
    carols = [publish(carol, f"c{i}") for i in range(2)]
    deeds = [publish(dee, "d")]
    # alice and bob talk both ways; carol only replies to alice (one way); dee never.
    reply(alice, bobs[0])
    reply(bob, publish(alice, "mine"))
    reply(carol, publish(alice, "mine too"))
    # What reached alice's feed: the fan-out writes one entry per post (written here as the
    # fan-out does, since tasks run on commit): 3 from bob, 2 from carol, 1 from dee.
    FeedEntry.objects.bulk_create(
        FeedEntry(owner=alice, post=p, author=p.author, reason="follow", sort_key=p.pk)
        for p in bobs + carols + deeds
    )

    attention = insights_for(alice)["attention"]

    assert attention["load"] == pytest.approx(0.2)
    assert attention["capacity"] == 100
    assert attention["load_share"] == pytest.approx(0.002)
    assert attention["feed_entries"] == 6
    assert attention["from_people_you_talk_to"] == 3  # bob's three
    assert attention["talk_share"] == pytest.approx(0.5)
    assert attention["people_you_talk_to"] == 1


def test_value(alice, bob, carol, people, publish, reply):
    ben = people("ben")
    bobs, mine = publish(bob, "bob's tip"), publish(alice, "my tip")
    posts.helpful_mark(person=alice, post=bobs)  # helpful given 1
    posts.used_it_add(person=alice, post=bobs, story="used it")  # story given 1
    posts.helpful_mark(person=bob, post=mine)  # helpful received 1
    posts.helpful_mark(person=carol, post=mine)  # helpful received 2
    posts.used_it_add(person=ben, post=mine, story="it worked")  # story received 1
    # ben accepts alice's answer (given 1); alice accepts carol's answer (received 1)
    question = publish(ben, "how?", kind="question")
    posts.answer_accept(question=question, answer=reply(alice, question), by=ben)
    mine_q = publish(alice, "and how?", kind="question")
    posts.answer_accept(question=mine_q, answer=reply(carol, mine_q), by=alice)

    assert insights_for(alice)["value"] == {
        "helpful_given": 1,
        "helpful_received": 2,
        "stories_given": 1,
        "stories_received": 1,
        "accepted_answers_given": 1,
        "accepted_answers_received": 1,
    }


def test_fading_ties_with_a_reason_to_reach_out(alice, bob, people, publish, reply, ago, now):
    ana, ben = people("ana", "ben")
    for other in (ana, ben):
        connection_create(person=alice, other=other, how_met="worked_together")
    Connection.objects.update(since=now - timedelta(days=400))
    ago(reply(ana, ago(publish(alice, "long ago"), days=200)), days=200)  # last word 200 days
    reply(alice, publish(bob, "recent"))  # bob: talked today, not fading
    # ben never talked with alice since they connected 400 days ago: fading too
    field = people_actions.contact_field_add(
        person=ana, kind=FieldKind.ORGANISATION, value="Acme", visibility=Visibility.CONNECTIONS
    )
    people_actions.contact_field_update(field=field, value="Lumen")
    ContactChange.objects.filter(person=ana).update(changed_at=now - timedelta(days=21))
    # a change only ana sees is no reason alice can be shown
    secret = people_actions.contact_field_add(
        person=ben, kind=FieldKind.LOCATION, value="Oslo", visibility=Visibility.ONLY_ME
    )
    people_actions.contact_field_update(field=secret, value="Bergen")

    fading = insights_for(alice)["fading"]

    assert fading["months"] == 3 and fading["count"] == 2
    rows = {p["handle"]: p for p in fading["people"]}
    assert set(rows) == {"ana", "ben"}
    assert rows["ana"]["reason"] == "Ana started at Lumen 3 weeks ago."
    assert rows["ana"]["last_exchange"][:10] == (now - timedelta(days=200)).date().isoformat()
    assert rows["ben"]["reason"] == "" and rows["ben"]["last_exchange"] is None


def test_reason_sentences(alice, now):
    def change(kind, value, days):
        return ContactChange(
            kind=kind, new_value=value, changed_at=now - timedelta(days=days), visibility="public"
        )

    assert reason_to_reach_out(alice, change("job_title", "CTO", 1), now=now) == (
        "Alice became CTO yesterday."
    )
    assert reason_to_reach_out(alice, change("location", "Lisbon", 90), now=now) == (
        "Alice moved to Lisbon 3 months ago."
    )
    assert reason_to_reach_out(alice, None, now=now) == ""


def test_weekly_trend(alice, bob, publish, reply, ago, now):
    ago(publish(alice, "week one"), days=89)  # the window's first week (week 0)
    conversation = ago(publish(alice, "last week"), days=1)
    reply(alice, reply(bob, conversation))  # written now: the last week

    insights = insights_for(alice)
    trend = insights["trend"]

    assert len(trend) == 13  # 90 days = 12 weeks and 6 days: 13 weeks, the last one short
    assert trend[0]["starts"] == insights["window"]["since"][:10]
    assert (trend[0]["posts"], trend[0]["conversations"]) == (1, 0)
    assert (trend[12]["posts"], trend[12]["conversations"]) == (1, 1)
    assert trend[12]["replies_sent"] == 1 and trend[12]["interactions_in"] == 1
    assert sum(week["posts"] for week in trend) == insights["two_way"]["posts"] == 2


def test_headline_in_plain_words(alice, bob, people, publish, reply):
    eve = people("eve")
    connection_create(person=alice, other=eve, how_met="in_person")
    reply(alice, reply(bob, publish(alice, "one")))
    publish(alice, "two")

    assert insights_for(alice)["headline"] == (
        "Last 90 days: 50% of your posts became conversations; "
        "1 of your 2 connections you have never talked to."
    )


def test_window_must_start_before_it_ends(alice):
    now = timezone.now()
    with pytest.raises(ValueError, match="start before"):
        insights_for(alice, since=now, until=now - timedelta(days=1))
