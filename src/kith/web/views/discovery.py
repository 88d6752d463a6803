"""Short links, post images, search and RSS/Atom feeds: thin views over conversations."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_GET

from kith.conversations import actions, search, syndication
from kith.conversations.access import access_post
from kith.conversations.links import links_for_author
from kith.conversations.media import access_media_file, media_storage
from kith.core.text import normalise_tag
from kith.people.access import access_person


@require_GET
def short_link(request, code: str):
    """Redirect (302) to the target of a short link, counting the click; 404 if not visible."""
    target = actions.short_link_follow(
        viewer=request.user, code=code, referrer=request.headers.get("Referer")
    )
    response = HttpResponseRedirect(target)
    response["Cache-Control"] = "private, no-store"  # every follow is counted
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_GET
def post_links(request, post_id: str):
    """Show a post's author how often each of its links was followed, and from where."""
    post = access_post(request.user, post_id)
    links = links_for_author(request.user, post)
    return render(request, "web/post_links.html", {"post": post, "links": links})


@require_GET
def post_media(request, name: str):
    """Serve a post image to people who may see the post (a draft: to its owner)."""
    found = access_media_file(request.user, name)
    try:
        handle = media_storage().open(found.name, "rb")
    except FileNotFoundError:
        raise Http404("No such file.") from None
    response = FileResponse(handle, content_type="image/webp")
    if found.public:
        response["Cache-Control"] = "public, max-age=86400"
    else:
        response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def search_page(request):
    """Search posts (those the viewer may see), people and tags."""
    query = request.GET.get("q", "")
    kind = request.GET.get("type", "all")
    kind = kind if kind in search.KINDS else "all"
    results = search.search(request.user, query, kind=kind, max_id=request.GET.get("max_id"))
    context = {"results": results, "kind": kind, "kinds": search.KINDS}
    return render(request, "web/search.html", context)


def _feed_response(body: bytes, fmt: str) -> HttpResponse:
    response = HttpResponse(body, content_type=syndication.CONTENT_TYPES[fmt])
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_GET
def person_feed(request, handle: str, fmt: str):
    """RSS or Atom of a person's public posts (as anyone, signed in or not, sees them)."""
    person = access_person(None, handle)
    return _feed_response(syndication.person_feed(person, fmt), fmt)


@require_GET
def tag_feed(request, tag: str, fmt: str):
    """RSS or Atom of the public posts tagged `tag`."""
    name = normalise_tag(tag)
    if name is None:
        raise Http404("No such tag.")
    return _feed_response(syndication.tag_feed(name, fmt), fmt)
