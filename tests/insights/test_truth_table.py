"""Truth table of the insights surfaces: a post counts on someone's insights iff they may see it.

alice quotes the viewer's post in a post of each visibility (mentioning @mo); the viewer
stands to alice in each way of `tests/conversations/visibility_cases.py`. On every insights
surface of the viewer (the metrics, the dashboard, its drill-down, the web and API JSON
exports, the CSV of interactions) the quote counts exactly when the viewer may see it, and
alice's name appears only if the quote counts or she is someone the viewer follows or is
connected to. The journey of the viewer's post (function, page, API) shows alice's quote, and
her repost of each visibility, exactly when the viewer may see it. 0 leaks.
"""

from __future__ import annotations

import csv
import io

import pytest
from django.http import Http404

from kith.conversations import actions
from kith.conversations.access import can_see
from kith.insights.journey import journey_for
from kith.insights.metrics import insights_for
from kith.relationships.actions.safety import block_create, block_remove
from tests.conversations.conftest import blake, fiona, mo  # noqa: F401 (fixtures)
from tests.conversations.visibility_cases import SEES

BODY = "Quoting you, @mo"
RELATIONSHIPS = ["stranger", "follower", "connection", "mentioned", "blocked"]


@pytest.fixture
def viewers(alice, bob, carol, fiona, mo, blake):  # noqa: F811
    return {
        "stranger": carol,
        "follower": fiona,
        "connection": bob,
        "mentioned": mo,
        "blocked": blake,
    }


def _quote(alice, viewer, visibility, blocked):
    if blocked:  # the quote was written before alice blocked the viewer
        block_remove(blocker=alice, blocked=viewer)
    theirs = actions.post_publish(author=viewer, body="my thoughts")
    quote = actions.post_quote(author=alice, post=theirs, body=BODY, visibility=visibility)
    if blocked:
        block_create(blocker=alice, blocked=viewer)
    return theirs, quote


def _counts(data: dict) -> tuple[int, int]:
    """Return (quotes on the viewer's posts, interaction rows of kind quote from alice)."""
    quotes = sum(p["quotes"] for p in data["echo"]["posts"])
    rows = [r for r in data.get("interactions", []) if r["kind"] == "quote"]
    return quotes, len(rows)


@pytest.mark.parametrize("relationship", RELATIONSHIPS)
@pytest.mark.parametrize("visibility", list(SEES))
def test_insights_surfaces_follow_the_truth_table(
    client, api, token_for, alice, viewers, visibility, relationship
):
    viewer = viewers[relationship]
    theirs, quote = _quote(alice, viewer, visibility, relationship == "blocked")
    expected = relationship in SEES[visibility]
    assert can_see(viewer, quote) is expected
    known = relationship in ("follower", "connection")  # alice is in their reciprocity table
    mentions_alice = expected or known

    metrics = insights_for(viewer, with_interactions=True)
    assert _counts(metrics) == ((1, 1) if expected else (0, 0))
    assert metrics["echo"]["echo"] == (1 if expected else 0)
    assert ("alice" in str(metrics)) is mentions_alice

    client.force_login(viewer)
    page = client.get("/insights/").content.decode()
    assert f"Your posts were echoed {1 if expected else 0} times" in page
    assert ("alice" in page.lower()) is known  # the quote itself names no one on the page
    drill = client.get("/insights/posts/").content.decode()
    assert ("1 echo" in drill) is expected and BODY not in drill

    web_json = client.get("/insights/export.json").json()
    assert _counts(web_json) == ((1, 1) if expected else (0, 0))
    rows = list(
        csv.DictReader(
            io.StringIO(client.get("/insights/export.csv?table=interactions").content.decode())
        )
    )
    assert [r["person"] for r in rows if r["kind"] == "quote"] == (["@alice"] if expected else [])

    token = token_for(viewer)
    api_json = api("GET", "/insights/export.json", token=token).json()
    assert _counts(api_json) == ((1, 1) if expected else (0, 0))
    listed = api("GET", "/insights/echoed", token=token).json()["posts"]
    assert [p["id"] for p in listed] == ([str(theirs.pk)] if expected else [])
    assert ("alice" in str(api_json).lower()) is mentions_alice


# --- A post's journey (the viewer's post, as its author sees it) ------------------------------


def _journey_views(client, api, token_for, viewer, post) -> list[str]:
    """Return the journey of `post` as its author `viewer` gets it: the function, the page,
    the API (each as text, to look for names)."""
    data = journey_for(viewer, post.pk)
    client.force_login(viewer)
    page = client.get(f"/@{viewer.handle}/{post.pk}/journey")
    assert page.status_code == 200
    response = api("GET", f"/posts/{post.pk}/journey", token=token_for(viewer))
    assert response.status_code == 200
    return [data, page.content.decode(), response.json()]


@pytest.mark.parametrize("relationship", RELATIONSHIPS)
@pytest.mark.parametrize("visibility", list(SEES))
def test_the_journey_shows_a_quote_iff_its_author_may_see_it(
    client, api, token_for, alice, viewers, visibility, relationship
):
    viewer = viewers[relationship]
    theirs, quote = _quote(alice, viewer, visibility, relationship == "blocked")
    expected = relationship in SEES[visibility]
    assert can_see(viewer, quote) is expected
    data, page, api_json = _journey_views(client, api, token_for, viewer, theirs)
    for journey in (data, api_json):
        assert journey["cascade"]["quotes"] == (1 if expected else 0)
        assert journey["summary"]["echo"] == (1 if expected else 0)
        assert [n["id"] for n in journey["cascade"]["tree"]] == (
            [str(quote.pk)] if expected else []
        )
    for text in (str(data), page, str(api_json)):
        assert ("alice" in text.lower()) is expected
        assert (BODY in text) is expected
    with pytest.raises(Http404):
        journey_for(alice, theirs.pk)  # only its author


REPOST_SEES = {
    "public": {"stranger", "follower", "connection"},
    "followers": {"follower", "connection"},
    "connections": {"connection"},
}


@pytest.mark.parametrize("relationship", ["stranger", "follower", "connection", "blocked"])
@pytest.mark.parametrize("visibility", list(REPOST_SEES))
def test_the_journey_shows_a_repost_iff_its_author_may_see_it(
    client, api, token_for, alice, viewers, visibility, relationship
):
    """alice reposts the viewer's post for her public, followers or connections (and then
    blocks the viewer, for "blocked"): the journey shows it exactly when the viewer may."""
    viewer = viewers[relationship]
    blocked = relationship == "blocked"
    if blocked:
        block_remove(blocker=alice, blocked=viewer)
    theirs = actions.post_publish(author=viewer, body="my thoughts")
    repost = actions.post_repost(person=alice, post=theirs, visibility=visibility)
    if blocked:
        block_create(blocker=alice, blocked=viewer)
    expected = relationship in REPOST_SEES[visibility]
    assert can_see(viewer, repost) is expected
    data, page, api_json = _journey_views(client, api, token_for, viewer, theirs)
    for journey in (data, api_json):
        assert journey["cascade"]["reposts"] == (1 if expected else 0)
        assert journey["summary"]["verdict"] == ("echo" if expected else "quiet")
    for text in (str(data), page, str(api_json)):
        assert ("alice" in text.lower()) is expected
