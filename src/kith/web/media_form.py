"""The image part of a compose form, for any view that publishes a post.

Fields: four slots `media_1`…`media_4`, each with its description `media_alt_1`…; or
`media` (up to four files) with `media_alt` (one description per file, same order); and
`media_ids` (drafts uploaded earlier, e.g. through the API). `media_ids_from_request` stores
the new files as drafts and returns every id to pass as `media_ids=` to `post_publish`,
`post_reply` or `post_quote`, which check them with the post and attach all or nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError

from kith.conversations import actions
from kith.conversations.media import MAX_ATTACHMENTS

MEDIA_FIELD = "media"
MEDIA_ALT_FIELD = "media_alt"
MEDIA_IDS_FIELD = "media_ids"


def media_ids_from_request(request) -> list[str]:
    """Store the images uploaded with `request` as drafts; return the ids to publish with.

    Raise ValidationError({"media": [...]}) for a bad image or more than four in all;
    then nothing is stored.
    """
    files = request.FILES.getlist(MEDIA_FIELD)
    alt_texts = request.POST.getlist(MEDIA_ALT_FIELD)[: len(files)]
    for slot in range(1, MAX_ATTACHMENTS + 1):
        upload = request.FILES.get(f"{MEDIA_FIELD}_{slot}")
        if upload is not None:
            alt_texts += [""] * (len(files) - len(alt_texts))
            files.append(upload)
            alt_texts.append(request.POST.get(f"{MEDIA_ALT_FIELD}_{slot}", ""))
    earlier = [i for i in request.POST.getlist(MEDIA_IDS_FIELD) if i.strip()]
    if len(files) + len(earlier) > MAX_ATTACHMENTS:
        raise ValidationError({"media": [f"Attach at most {MAX_ATTACHMENTS} images to a post."]})
    if not files:
        return earlier
    data = [upload.read(settings.KITH_MEDIA_MAX_BYTES + 1) for upload in files]
    made = actions.media_upload_many(owner=request.user, files=data, alt_texts=alt_texts)
    return [*earlier, *(str(m.pk) for m in made)]
