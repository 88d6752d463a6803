"""Context, Conversation, List, Marker, Application, Token, Error and Filter: shapes from the
documentation (schemas/) and what their fields say."""

from __future__ import annotations

import datetime as dt

from kith.communities.actions import community_create, community_join, report_create
from kith.conversations import actions
from kith.conversations.access import access_post, thread_for
from kith.conversations.actions import post_publish
from kith.conversations.models import Hashtag
from kith.conversations.selectors import edit_history
from kith.feeds.actions import filter_create, filter_status_add, keyword_filter_add
from kith.feeds.models import FilterContext, PersonList
from kith.mastodon import entities
from kith.mastodon.entities.content import preview_card, tag
from tests.mastodon.conftest import load
from tests.mastodon.schema import check


def test_context_splits_ancestors_and_descendants(alice, bob, carol):
    root = actions.post_publish(author=alice, body="Root")
    middle = actions.post_reply(author=bob, to=root, body="Middle")
    leaf = actions.post_reply(author=alice, to=middle, body="Leaf")
    data = check("Context", entities.context(load(bob, root), load(bob, leaf), bob))
    assert [s["id"] for s in data["ancestors"]] == [str(root.pk)]
    assert [s["id"] for s in data["descendants"]] == [str(leaf.pk)]
    assert thread_for(bob, access_post(bob, middle.pk)) is not None


def test_a_conversation_shows_the_others_and_the_last_status(alice, bob):
    post = actions.post_publish(author=alice, body="Just us, @bob", visibility="mentioned")
    row = entities.ConversationRow(id=post.pk, people=[alice, bob], last_post=load(bob, post)[0])
    (data,) = entities.conversations([row], bob)
    check("Conversation", data)
    assert [a["acct"] for a in data["accounts"]] == ["alice"]
    assert data["last_status"]["visibility"] == "direct" and data["unread"] is False


def test_list_marker_application_token_error(alice):
    person_list = PersonList.objects.create(owner=alice, name="Potters")
    assert check("List", entities.list_entity(person_list)) == {
        "id": str(person_list.pk), "title": "Potters", "replies_policy": "none", "exclusive": False
    }  # fmt: skip
    when = dt.datetime(2026, 11, 28, 8, 11, 58, 123456, tzinfo=dt.UTC)
    marker = check("Marker", entities.markers({"home": entities.MarkerValue(42, 3, when)}))
    assert marker == {
        "home": {"last_read_id": "42", "version": 3, "updated_at": "2026-11-28T08:11:58.123Z"}
    }
    app = check(
        "Application",
        entities.application(
            name="Tusky",
            website="https://tusky.app",
            scopes=["read", "write"],
            redirect_uris=["urn:ietf:wg:oauth:2.0:oob"],
            client_id="id",
            client_secret="secret",
            app_id=7,
        ),
    )
    assert app["redirect_uri"] == "urn:ietf:wg:oauth:2.0:oob" and app["id"] == "7"
    assert "client_secret" not in entities.application(
        name="x", website=None, scopes=["read"], redirect_uris=[]
    )
    token = check("Token", entities.token(access_token="t", scopes=["read"], created_at=when))
    assert token["created_at"] == int(when.timestamp()) and token["scope"] == "read"
    check("Error", entities.error("Record not found"))
    assert entities.error("invalid_grant", "Expired") == {
        "error": "invalid_grant", "error_description": "Expired"
    }  # fmt: skip


def test_filters_read_as_v2_filters(alice, bob):
    kept = keyword_filter_add(owner=alice, phrase="spoilers", action="hide", whole_word=False)
    keyword = kept.keywords.get()
    data = check("Filter", entities.filter_entity(kept))
    assert data["title"] == "spoilers" and data["filter_action"] == "hide"
    assert data["keywords"] == [{"id": str(keyword.pk), "keyword": "spoilers", "whole_word": False}]
    assert data["statuses"] == [] and data["context"] == list(FilterContext.values)
    check("FilterKeyword", entities.filter_keyword(keyword))
    several = filter_create(
        owner=alice,
        title="Finale",
        contexts=["thread", "home"],
        action="warn",
        expires_in=3600,
        keywords=[("finale", True), ("season 4", False)],
    )
    post = post_publish(author=bob, body="Season four")
    named = filter_status_add(filter=several, post=post)
    data = check("Filter", entities.filter_entity(several))
    assert data["context"] == ["home", "thread"] and data["expires_at"].endswith("Z")
    assert [k["keyword"] for k in data["keywords"]] == ["finale", "season 4"]
    assert data["statuses"] == [{"id": str(named.pk), "status_id": str(post.pk)}]
    check("FilterStatus", entities.filter_status(named))
    v1 = check("V1Filter", entities.filter_v1(keyword))
    assert v1 == {
        "id": str(keyword.pk), "phrase": "spoilers", "context": list(FilterContext.values),
        "whole_word": False, "expires_at": None, "irreversible": True,
    }  # fmt: skip


def test_tag_and_preview_card(db):
    hashtag = Hashtag.objects.create(name="kiln")
    data = check("Tag", tag(hashtag, history=[{"day": "1700000000", "uses": "3", "accounts": "2"}]))
    assert data["url"].endswith("/tags/kiln") and "following" not in data
    assert tag(hashtag, following=True)["following"] is True
    check("PreviewCard", preview_card(url="https://example.com/a", title="A page"))


def test_status_history_and_source(alice, bob):
    post = actions.post_publish(author=alice, body="First *draft*", content_warning="cw")
    actions.post_edit(post=post, by=alice, body="Second take")
    post = load(bob, post)[0]
    history = entities.status_edits(post, edit_history(post), bob)
    for revision in history:
        check("StatusEdit", revision)
    assert len(history) == 2
    assert "<em>draft</em>" in history[0]["content"] and history[0]["sensitive"] is True
    assert "Second take" in history[1]["content"]
    assert history[1]["account"]["acct"] == "alice"
    source = check("StatusSource", entities.status_source(post))
    assert source == {"id": str(post.pk), "text": "Second take", "spoiler_text": "cw"}


def test_suggestion_familiar_followers_search_preferences(alice, bob):
    account = entities.account(bob, alice)
    data = check("Suggestion", entities.suggestion(account, ["friends_of_friends"]))
    assert data["source"] == "past_interactions" and data["account"]["acct"] == "bob"
    check("FamiliarFollowers", entities.familiar_followers(bob.pk, [account]))
    post = actions.post_publish(author=bob, body="Found #it")
    hashtag = Hashtag.objects.get(name="it")
    check(
        "Search",
        entities.search_results(
            accounts=[account],
            statuses=entities.statuses(load(alice, post), alice),
            hashtags=[tag(hashtag)],
        ),
    )
    assert check("Preferences", entities.preferences())["posting:default:visibility"] == "public"


def test_a_community_report_reads_as_a_report(alice, bob):
    community = community_create(by=alice, slug="potters", name="Potters")
    community_join(person=bob, community=community)
    post = actions.post_publish(author=alice, body="In the community", community=community)
    report = report_create(by=bob, post=post, reason="Off topic")
    data = check("Report", entities.report_entity(report, entities.account(alice, bob)))
    assert data["comment"] == "Off topic" and data["status_ids"] == [str(post.pk)]
    assert data["action_taken"] is False and data["action_taken_at"] is None
