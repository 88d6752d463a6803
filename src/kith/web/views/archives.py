"""Imported archives on the web: upload one, watch its import, see its figures, delete it."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kith.archives import actions
from kith.archives.access import access_archive, archives_of
from kith.archives.comparison import compare
from kith.archives.matching import email_suggestions
from kith.archives.models import Network, Status
from kith.archives.sources import ArchiveError

FIGURE_ROWS = (
    ("posts", "Posts"),
    ("replies", "Replies to others"),
    ("reposts", "Reposts and boosts"),
    ("connections", "Connections"),
    ("followers", "Followers"),
    ("following", "Following"),
    ("messages_sent", "Messages sent"),
    ("messages_received", "Messages received"),
    ("people_messaged", "People you wrote to"),
    ("connections_messaged", "Connections you ever messaged"),
    ("invitations_sent", "Invitations sent"),
    ("invitations_received", "Invitations received"),
    ("likes", "Likes"),
    ("bookmarks", "Bookmarks"),
)


class ArchiveUploadForm(forms.Form):
    network = forms.ChoiceField(choices=Network.choices, label="Network")
    file = forms.FileField(
        label="Archive",
        help_text="The zip the network sent you (LinkedIn: also Connections.csv on its own).",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.KITH_ARCHIVE_MAX_UPLOAD_BYTES:
            limit = filesizeformat(settings.KITH_ARCHIVE_MAX_UPLOAD_BYTES)
            raise forms.ValidationError(f"The archive is larger than {limit}.")
        return upload


@login_required
@require_http_methods(["GET", "POST"])
def archives(request):
    """List my archives and upload another."""
    form = ArchiveUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            archive, created = actions.archive_upload(
                owner=request.user,
                network=form.cleaned_data["network"],
                upload=upload,
                file_name=upload.name,
            )
        except ArchiveError as exc:
            form.add_error("file", str(exc))
        else:
            if not created:
                messages.info(request, "You uploaded this archive before: here it is.")
            return redirect(archive)
    context = {"form": form, "archives": archives_of(request.user)}
    return render(request, "web/archives.html", context, status=400 if form.errors else 200)


def _context(archive) -> dict:
    figures = archive.figures or {}
    labels = dict(FIGURE_ROWS)
    if archive.network == Network.X:
        labels["connections"] = "Mutual follows"
    rows = [(labels[key], figures[key]) for key, _ in FIGURE_ROWS if figures.get(key)]
    comparison = compare(archive, archive.owner) if archive.status == Status.DONE else None
    return {"archive": archive, "figures": figures, "rows": rows, "comparison": comparison}


@login_required
@require_GET
def archive(request, archive_id):
    """One archive: its import's progress, then its figures."""
    return render(request, "web/archive.html", _context(access_archive(request.user, archive_id)))


@login_required
@require_GET
def archive_status(request, archive_id):
    """The status part of an archive's page, polled by htmx while the import runs."""
    found = access_archive(request.user, archive_id)
    return render(request, "web/_archive_status.html", _context(found))


@login_required
@require_POST
def archive_delete(request, archive_id):
    """Delete an archive and everything imported with it."""
    found = access_archive(request.user, archive_id)
    actions.archive_delete(archive=found)
    messages.success(request, f"The {found.get_network_display()} archive was deleted, all of it.")
    return redirect("archives")


@login_required
@require_GET
def archive_people(request, archive_id):
    """People from the archive who are on Kith and allow being found by email: whom to invite."""
    found = access_archive(request.user, archive_id)
    if found.status != Status.DONE:
        return redirect(found)
    context = {"archive": found, "suggestions": email_suggestions(request.user, found)}
    return render(request, "web/archive_people.html", context)
