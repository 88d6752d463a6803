"""The home feed (Latest / Conversations), "why am I seeing this", lists, keyword filters,
the topics one answers questions about, and per-follow feed settings.

Every read goes through `feeds.selectors` (which reads posts through `conversations.access`),
every change through `feeds.actions` or `relationships.actions`.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kith.feeds import actions, selectors
from kith.feeds.models import FilterAction, FilterContext
from kith.people.access import access_person
from kith.relationships.access import follows_of
from kith.relationships.actions.follows import follow_settings_set
from kith.web.views.conversations import attach_images


def _errors(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [m for messages_ in error.message_dict.values() for m in messages_]
    return list(error.messages)


def feed_context(request) -> dict:
    """Return the first page of the home feed in the mode asked for (`?mode=`)."""
    mode = request.GET.get("mode", selectors.LATEST)
    if mode not in selectors.MODES:
        mode = selectors.LATEST
    page = _page(request, mode)
    return {"feed": page, "mode": mode, "more_url": "/feed/"}


def _page(request, mode: str):
    try:
        number = int(request.GET.get("page", "1"))
    except ValueError:
        number = 1
    page = selectors.home_feed(
        request.user, mode=mode, max_id=request.GET.get("max_id"), page=number
    )
    attach_images([item.post for item in page.items])
    return page


@login_required
@require_GET
def feed_more(request):
    """The next page of the home feed (htmx partial; a full page without JavaScript)."""
    context = feed_context(request)
    if request.htmx:
        response = render(request, "web/feed_items.html", context)
    else:
        response = render(request, "web/feed_page.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_GET
def feed_why(request, entry_id: int):
    """ "Why am I seeing this": the reason and the parts of the score of one entry."""
    item = selectors.access_entry(request.user, entry_id)
    return render(request, "web/feed_why.html", {"item": item, "why": item.why()})


# --- Lists ------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def lists(request):
    errors = []
    if request.method == "POST":
        try:
            created = actions.person_list_create(
                owner=request.user, name=request.POST.get("name", "")
            )
        except ValidationError as error:
            errors = _errors(error)
        else:
            messages.success(request, f"List “{created.name}” created.")
            return redirect("list_page", list_id=created.pk)
    context = {"lists": selectors.lists_of(request.user), "errors": errors}
    return render(request, "web/lists.html", context, status=400 if errors else 200)


@login_required
@require_GET
def list_page(request, list_id: int):
    person_list = selectors.access_list(request.user, list_id)
    page = selectors.list_feed(request.user, person_list, max_id=request.GET.get("max_id"))
    attach_images([item.post for item in page.items])
    context = {
        "person_list": person_list,
        "feed": page,
        "members": list(person_list.members.select_related("person")),
        "more_url": request.path,
    }
    if request.htmx and request.GET.get("max_id"):
        response = render(request, "web/feed_items.html", context)
    else:
        response = render(request, "web/list_page.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_POST
def list_edit(request, list_id: int):
    """Add or remove a person (by handle), rename, or delete the list."""
    person_list = selectors.access_list(request.user, list_id)
    verb = request.POST.get("verb", "")
    try:
        if verb == "delete":
            actions.person_list_delete(person_list=person_list)
            messages.success(request, "List deleted.")
            return redirect("lists")
        if verb == "rename":
            actions.person_list_rename(person_list=person_list, name=request.POST.get("name", ""))
        elif verb in ("add", "remove"):
            handle = request.POST.get("handle", "").strip().lstrip("@")
            person = access_person(request.user, handle) if handle else None
            if person is None:
                raise Http404("No such person.")
            if verb == "add":
                actions.person_list_add(person_list=person_list, person=person)
            else:
                actions.person_list_remove(person_list=person_list, person=person)
        else:
            raise ValidationError("Unknown change.")
    except ValidationError as error:
        for text in _errors(error):
            messages.error(request, text)
    return redirect("list_page", list_id=person_list.pk)


# --- Filters ------------------------------------------------------------------------------------

KEYWORD_ROWS = 3  # empty keyword rows the form offers


def _keyword_rows(post) -> list[tuple[str, str, bool, bool]]:
    """The keyword rows of the filter form: (id, keyword, whole word, remove), in order."""
    rows = []
    for index in range(actions.KEYWORDS_MAX + KEYWORD_ROWS):
        prefix = f"kw-{index}-"
        if not any(key.startswith(prefix) for key in post):
            continue
        rows.append(
            (
                post.get(prefix + "id", ""),
                post.get(prefix + "keyword", ""),
                post.get(prefix + "whole") == "on",
                post.get(prefix + "remove") == "on",
            )
        )
    return rows


def _filter_form(request, found=None) -> dict:
    """Read the filter form (title, contexts, action, duration, keyword rows)."""
    post = request.POST
    duration = post.get("duration", "keep" if found else "forever")
    values = {
        "title": post.get("title", ""),
        "contexts": post.getlist("context"),
        "action": post.get("action", FilterAction.WARN),
    }
    if duration != "keep":
        values["expires_in"] = actions.duration_seconds(duration)
    return values


def _save_filter(request, found=None):
    values = _filter_form(request, found)
    rows = _keyword_rows(request.POST)
    if found is None:
        return actions.filter_create(
            owner=request.user,
            keywords=[
                (text, whole) for _, text, whole, remove in rows if text.strip() and not remove
            ],
            **values,
        )
    changes = []
    for pk, text, whole, remove in rows:
        if pk:
            changes.append(
                actions.KeywordChange(id=pk, keyword=text, whole_word=whole, destroy=remove)
            )
        elif text.strip() and not remove:
            changes.append(actions.KeywordChange(keyword=text, whole_word=whole))
    return actions.filter_update(filter=found, keywords=changes, **values)


def _form_context(request, found=None, errors=()) -> dict:
    """What the filter form shows: the values sent back after an error, else the filter's."""
    if request.method == "POST":
        keyword_rows = [
            {"id": pk, "keyword": text, "whole_word": whole, "remove": remove}
            for pk, text, whole, remove in _keyword_rows(request.POST)
        ]
        chosen = request.POST.getlist("context")
        title = request.POST.get("title", "")
        action = request.POST.get("action", FilterAction.WARN)
    elif found is not None:
        keyword_rows = [
            {"id": k.pk, "keyword": k.keyword, "whole_word": k.whole_word, "remove": False}
            for k in found.keywords.all()
        ]
        chosen, title, action = found.contexts, found.title, found.action
    else:
        keyword_rows, chosen, title, action = [], list(FilterContext.values), "", FilterAction.WARN
    keyword_rows += [
        {"id": "", "keyword": "", "whole_word": True, "remove": False} for _ in range(KEYWORD_ROWS)
    ]
    return {
        "form": {"title": title, "action": action, "contexts": chosen, "keywords": keyword_rows},
        "filter": found,
        "durations": (["keep"] if found else []) + list(actions.FILTER_DURATIONS),
        "filter_actions": FilterAction.choices,
        "filter_contexts": FilterContext.choices,
        "errors": list(errors),
    }


@login_required
@require_http_methods(["GET", "POST"])
def filters(request):
    """The person's filters (and a form for a new one), and the topics they answer."""
    errors = []
    if request.method == "POST":
        if request.POST.get("remove"):
            actions.keyword_filter_remove(owner=request.user, filter_id=request.POST["remove"])
            messages.success(request, "Filter removed.")
            return redirect("settings_filters")
        try:
            _save_filter(request)
        except ValidationError as error:
            errors = _errors(error)
        else:
            messages.success(request, "Filter saved.")
            return redirect("settings_filters")
    context = {
        **_form_context(request, errors=errors),
        "filters": selectors.filters_of(request.user),
        "now": timezone.now(),
        "offers": selectors.answer_offers_of(request.user),
    }
    return render(request, "web/settings_filters.html", context, status=400 if errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def filter_edit(request, filter_id: int):
    """Edit one of the person's filters (someone else's is a 404)."""
    found = selectors.access_filter(request.user, filter_id)
    errors = []
    if request.method == "POST":
        try:
            _save_filter(request, found)
        except ValidationError as error:
            errors = _errors(error)
            found.refresh_from_db()
        else:
            messages.success(request, "Filter saved.")
            return redirect("settings_filters")
    context = _form_context(request, found, errors)
    return render(request, "web/settings_filter_edit.html", context, status=400 if errors else 200)


@login_required
@require_POST
def answer_offers(request):
    """Add or remove a topic the person is happy to answer questions about."""
    try:
        if request.POST.get("remove"):
            actions.answer_offer_remove(person=request.user, tag=request.POST["remove"])
        else:
            offer = actions.answer_offer_add(person=request.user, tag=request.POST.get("tag", ""))
            messages.success(
                request, f"Questions about #{offer.tag} from people near you will reach you."
            )
    except ValidationError as error:
        for text in _errors(error):
            messages.error(request, text)
    return redirect("settings_filters")


# --- Per-follow settings -----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def follow_settings(request, handle: str):
    person = access_person(request.user, handle)
    follow = follows_of(request.user).filter(target_person=person).first()
    if follow is None:
        raise Http404("You do not follow this person.")
    if request.method == "POST":
        follow = follow_settings_set(
            follower=request.user,
            target=person,
            hide_reposts=request.POST.get("hide_reposts") == "on",
            show_replies=request.POST.get("show_replies") == "on",
        )
        messages.success(request, "Feed settings saved.")
        return redirect("follow_settings", handle=person.handle)
    return render(request, "web/follow_settings.html", {"person": person, "follow": follow})
