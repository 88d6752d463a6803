"""Short links: external http(s) URLs go through /s/<code>, which counts clicks and redirects
only people who may see the post."""

from __future__ import annotations

import pytest

from kith.conversations import actions
from kith.conversations.models import Click, ShortLink
from tests.conversations.visibility_cases import CASES, SEES, client_for, viewers  # noqa: F401

URL = "https://example.org/garden?x=1"


def _code(post, url=URL) -> str:
    return ShortLink.objects.get(post=post, url=url).code


def test_external_links_point_at_their_short_link_and_read_as_written(alice, publish):
    post = publish(alice, f"See {URL} and [the guide](http://example.com/guide)")
    codes = dict(ShortLink.objects.filter(post=post).values_list("url", "code"))
    assert set(codes) == {URL, "http://example.com/guide"}
    assert f'href="http://testserver/s/{codes[URL]}"' in post.html
    assert ">https://example.org/garden?x=1</a>" in post.html  # the text stays the URL
    assert ">the guide</a>" in post.html
    assert "example.org/garden" not in post.html.split(">", 2)[1]  # not in the href


def test_own_site_mailto_and_unsafe_links_are_not_shortened(alice, publish):
    post = publish(
        alice,
        "Mail [me](mailto:a@example.org), see http://testserver/@alice, "
        "[click](javascript:alert(1)) [data](data:text/html,hi)",
    )
    # Unsafe targets are left as text (core/text.py): never a link, never a short link.
    assert not ShortLink.objects.filter(post=post).exists()
    assert 'href="javascript' not in post.html and 'href="data:' not in post.html
    assert 'href="mailto:a@example.org"' in post.html
    assert 'href="http://testserver/@alice"' in post.html


def test_redirect_refuses_a_stored_target_that_is_not_http(alice, publish, client):
    post = publish(alice, f"Read {URL}")
    ShortLink.objects.filter(post=post).update(url="javascript:alert(1)")  # forged row
    response = client.get(f"/s/{_code(post, 'javascript:alert(1)')}")
    assert response.status_code == 404 and not Click.objects.exists()


def test_redirect_counts_the_click_with_the_referrer_host_only(alice, bob, publish, client):
    post = publish(alice, f"Read {URL}")
    client.force_login(bob)
    response = client.get(
        f"/s/{_code(post)}",
        headers={"Referer": "https://news.example.net/path?secret=1", "User-Agent": "Spy/1.0"},
    )
    assert response.status_code == 302 and response["Location"] == URL
    click = Click.objects.get()
    assert click.referrer_host == "news.example.net"
    assert {f.name for f in Click._meta.fields} == {"id", "link", "clicked_at", "referrer_host"}
    assert ShortLink.objects.get(post=post).clicks_count == 1


def test_edit_keeps_codes_and_clicks_of_unchanged_links(alice, publish, client):
    post = publish(alice, f"Read {URL}")
    code = _code(post)
    client.get(f"/s/{code}")
    post = actions.post_edit(post=post, by=alice, body=f"Read {URL} and https://b.example/")
    assert _code(post) == code and ShortLink.objects.get(code=code).clicks_count == 1
    assert ShortLink.objects.filter(post=post).count() == 2
    assert f"/s/{_code(post, 'https://b.example/')}" in post.html


def test_reply_and_quote_links_are_shortened_too(alice, bob, publish):
    root = publish(alice, "Question?")
    reply = actions.post_reply(author=bob, to=root, body=f"Answer: {URL}")
    quote = actions.post_quote(author=bob, post=root, body="Also https://q.example/")
    assert ShortLink.objects.filter(post=reply, url=URL).exists()
    assert ShortLink.objects.filter(post=quote, url="https://q.example/").exists()


def test_unknown_code_and_deleted_post_are_404(alice, publish, client):
    post = publish(alice, f"Read {URL}")
    code = _code(post)
    assert client.get("/s/nope1234").status_code == 404
    actions.post_delete(post=post, by=alice)
    assert client.get(f"/s/{code}").status_code == 404
    assert not Click.objects.exists()


@pytest.mark.parametrize(("visibility", "relationship"), CASES)
def test_redirect_truth_table(alice, viewers, publish, client, visibility, relationship):  # noqa: F811
    post = publish(alice, f"Secret {URL} @mo @blake", visibility=visibility)
    code = _code(post)
    response = client_for(client, viewers[relationship]).get(f"/s/{code}")
    if relationship in SEES[visibility]:
        assert response.status_code == 302 and response["Location"] == URL
        assert Click.objects.count() == 1
    else:
        assert response.status_code == 404
        assert URL not in response.content.decode() and not Click.objects.exists()


def test_author_sees_clicks_per_link_on_the_web_and_api(
    alice, bob, publish, client, api, token_for
):
    post = publish(alice, f"Read {URL} and https://b.example/")
    code = _code(post)
    client.get(f"/s/{code}", headers={"Referer": "https://a.example/x"})
    client.get(f"/s/{code}")
    client.force_login(alice)
    page = client.get(f"/links/{post.pk}/")
    assert page.status_code == 200
    assert "a.example (1)" in page.content.decode() and "direct (1)" in page.content.decode()
    body = api("get", f"/links/posts/{post.pk}", token=token_for(alice)).json()
    by_url = {link["url"]: link for link in body}
    assert by_url[URL]["clicks"] == 2 and by_url["https://b.example/"]["clicks"] == 0
    assert {"host": "a.example", "clicks": 1} in by_url[URL]["referrers"]
    # Not for anyone else, even someone who sees the post: it is missing to them.
    assert api("get", f"/links/posts/{post.pk}", token=token_for(bob)).status_code == 404
    client.force_login(bob)
    assert client.get(f"/links/{post.pk}/").status_code == 404
