"""Named topics: the list, naming one, and a topic's page with its posts and follow button.

A hashtag's own follow button is on its tag page (`/tags/<tag>`, see `communities.py`).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kith.communities import actions, selectors
from kith.communities.models import Topic, TopicFollow
from kith.web.forms_communities import TopicForm
from kith.web.views.conversation_lists import _listing
from kith.web.views.conversations import apply_errors


def _topic(slug: str) -> Topic:
    topic = Topic.objects.filter(slug=slug.lower()).prefetch_related("hashtags").first()
    if topic is None:
        raise Http404("No such topic.")
    return topic


def _following(request, topic: Topic) -> bool:
    if not request.user.is_authenticated:
        return False
    return TopicFollow.objects.filter(person=request.user, topic=topic).exists()


@require_GET
def topic_list(request):
    topics = Topic.objects.prefetch_related("hashtags").order_by("name")[:200]
    followed = selectors.followed_tags(request.user) if request.user.is_authenticated else []
    return render(request, "web/topics.html", {"topics": topics, "followed_tags": followed})


@login_required
@require_http_methods(["GET", "POST"])
def topic_create(request):
    form = TopicForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            topic = actions.topic_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            actions.topic_follow(person=request.user, topic=topic)
            messages.success(request, f"{topic.name} is a topic now; you follow it.")
            return redirect(topic.get_absolute_url())
    status = 400 if form.errors else 200
    return render(request, "web/topic_form.html", {"form": form}, status=status)


@require_GET
def topic_page(request, slug: str):
    topic = _topic(slug)
    page = selectors.topic_posts(request.user, topic, max_id=request.GET.get("max_id"))
    context = {"topic": topic, "following": _following(request, topic)}
    return _listing(request, page, "web/topic_page.html", context)


@login_required
@require_POST
def topic_follow(request, slug: str, verb: str):
    topic = _topic(slug)
    if verb == "follow":
        actions.topic_follow(person=request.user, topic=topic)
    else:
        actions.topic_unfollow(person=request.user, topic=topic)
    context = {"topic": topic, "following": verb == "follow"}
    if request.htmx:
        return render(request, "web/_topic_follow.html", context)
    return redirect(topic.get_absolute_url())
