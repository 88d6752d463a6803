"""Post images: upload (a draft), describe, attach on publishing, thumbnail, remove.

Every image is checked by `core.images` (type sniffed from the bytes, size and pixel limits,
EXIF and other metadata dropped) before anything is stored.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from kith.conversations.media import ALT_TEXT_MAX, MAX_ATTACHMENTS, media_storage
from kith.conversations.models import Media, Post
from kith.conversations.validators import Errors
from kith.core.ids import parse_id
from kith.core.images import normalised_media, thumbnail

THUMBNAIL_SIDE = 400
DRAFT_LIFETIME = timedelta(days=1)


def _check_alt_text(alt_text: str) -> str:
    alt_text = (alt_text or "").strip()
    if len(alt_text) > ALT_TEXT_MAX:
        raise ValidationError(
            {"alt_text": [f"Describe the image in at most {ALT_TEXT_MAX:,} characters."]}
        )
    return alt_text


def _normalise(data: bytes) -> tuple[bytes, int, int]:
    try:
        return normalised_media(data)
    except ValidationError as error:
        raise ValidationError({"media": error.messages}) from None


def media_upload_many(*, owner, files: list[bytes], alt_texts: Iterable[str] = ()) -> list[Media]:
    """Check every image of `files` (with the alt text of the same position), then store them.

    Return the drafts, owned by `owner`, to attach with `media_ids=` when publishing. A bad
    image or too many of them stores none.
    """
    if not owner.is_active:
        raise ValidationError("This account is deactivated.", code="inactive")
    if len(files) > MAX_ATTACHMENTS:
        raise ValidationError({"media": [f"Attach at most {MAX_ATTACHMENTS} images to a post."]})
    alts = list(alt_texts) + [""] * len(files)
    checked = [(_normalise(data), _check_alt_text(alts[i])) for i, data in enumerate(files)]
    storage = media_storage()
    made: list[Media] = []
    names: list[str] = []
    try:
        with transaction.atomic():
            for (webp, width, height), alt_text in checked:
                names.append(storage.save(f"{secrets.token_urlsafe(24)}.webp", ContentFile(webp)))
                made.append(
                    Media.objects.create(
                        owner=owner, file=names[-1], width=width, height=height, alt_text=alt_text
                    )
                )
            _thumbnails_on_commit([m.pk for m in made])
    except BaseException:
        for name in names:  # the rows were rolled back: leave no file behind either
            storage.delete(name)
        raise
    return made


def media_upload(*, owner, data: bytes, alt_text: str = "") -> Media:
    """Check and store one image as a draft of `owner`; return it."""
    return media_upload_many(owner=owner, files=[data], alt_texts=[alt_text])[0]


def _thumbnails_on_commit(media_ids: list[int]) -> None:
    from kith.conversations.tasks import make_media_thumbnail

    for media_id in media_ids:
        transaction.on_commit(lambda media_id=media_id: make_media_thumbnail.enqueue(media_id))


def media_set_alt_text(*, media: Media, by, alt_text: str) -> Media:
    """Describe `by`'s own image `media` (before or after publishing)."""
    if by is None or media.owner_id != by.pk:
        raise ValidationError("Only the person who uploaded an image can describe it.")
    alt_text = _check_alt_text(alt_text)
    if not alt_text and media.post_id is not None and by.require_alt_text:
        raise ValidationError({"alt_text": ["Your settings require a description of each image."]})
    with transaction.atomic():
        media.alt_text = alt_text
        media.save(update_fields=["alt_text"])
        if media.post_id is not None:
            Post.objects.filter(pk=media.post_id).update(version=F("version") + 1)
    return media


def media_delete(*, media: Media, by) -> None:
    """Remove `by`'s own draft image (attached images go with their post)."""
    if by is None or media.owner_id != by.pk:
        raise ValidationError("Only the person who uploaded an image can remove it.")
    if media.post_id is not None:
        raise ValidationError({"media": ["This image is on a post: delete the post instead."]})
    from kith.messaging.models import Attachment

    if Attachment.objects.filter(media=media).exists():
        raise ValidationError({"media": ["This image was sent in a message."]})
    _delete_rows_and_files([media])


def post_media_delete(post: Post) -> None:
    """Remove the images of `post` and, once committed, their files (the post was deleted)."""
    _delete_rows_and_files(list(Media.objects.filter(post=post)))


def media_drafts_delete_stale(*, older_than: timedelta = DRAFT_LIFETIME, now=None) -> int:
    """Remove draft images never attached to a post, uploaded longer than `older_than` ago.

    Return how many. Their files go once the deletion commits.
    """
    cutoff = (now or timezone.now()) - older_than
    removed = 0
    while stale := list(Media.objects.filter(post__isnull=True, created_at__lt=cutoff)[:500]):
        with transaction.atomic():
            _delete_rows_and_files(stale)
        removed += len(stale)
    return removed


def _delete_rows_and_files(media: list[Media]) -> None:
    if not media:
        return
    names = [n for m in media for n in (m.file, m.thumbnail) if n]
    Media.objects.filter(pk__in=[m.pk for m in media]).delete()
    storage = media_storage()
    transaction.on_commit(lambda: [storage.delete(name) for name in names])


def check_media(errors: Errors, *, author, media_ids, post: Post | None = None) -> list[Media]:
    """Return `author`'s draft images `media_ids` to attach (to `post`, if it exists already).

    Fill `errors["media"]` if any is not theirs or not a draft, if the post would have more
    than MAX_ATTACHMENTS images, or if an image lacks the alt text `author` requires.
    """
    ids = list(dict.fromkeys(parse_id(i) or -1 for i in media_ids or ()))
    if not ids:
        return []
    problems = errors.setdefault("media", [])
    already = Media.objects.filter(post=post).count() if post is not None else 0
    if len(ids) + already > MAX_ATTACHMENTS:
        problems.append(f"Attach at most {MAX_ATTACHMENTS} images to a post.")
        return []
    found = Media.objects.filter(
        owner=author, post__isnull=True, message_attachment__isnull=True
    ).in_bulk(ids)
    if len(found) != len(ids):
        problems.append("Some of these images were not found, or are on a post already.")
        return []
    media = [found[i] for i in ids]
    if author.require_alt_text and any(not m.alt_text.strip() for m in media):
        problems.append("Describe every image (alt text): your settings require it.")
    if not problems:
        errors.pop("media")
    return media


def attach_checked(post: Post, media: list[Media]) -> None:
    """Attach `media` (from `check_media`) to `post`, inside the caller's transaction."""
    start = Media.objects.filter(post=post).count() if media else 0
    for position, item in enumerate(media, start=start):
        attached = Media.objects.filter(
            pk=item.pk, post__isnull=True, message_attachment__isnull=True
        ).update(post=post, position=position)
        if not attached:  # attached elsewhere meanwhile: undo the whole publish
            raise ValidationError({"media": ["This image is on another post already."]})
        item.post, item.position = post, position


def attach_media(*, post: Post, by, media_ids) -> list[Media]:
    """Attach `by`'s draft images `media_ids` to their own `post`; return the post's images.

    To publish with images, pass `media_ids=` to `post_publish` / `post_reply` / `post_quote`
    instead: that checks them with the post and stores all or nothing.
    """
    if by is None or post.author_id != by.pk:
        raise ValidationError("Only the author can add images to this post.", code="not_author")
    if post.is_deleted or post.is_repost:
        raise ValidationError("Images can only be added to a live post of your own.")
    errors: Errors = {}
    media = check_media(errors, author=by, media_ids=media_ids, post=post)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        attach_checked(post, media)
        if media:
            Post.objects.filter(pk=post.pk).update(version=F("version") + 1)
    return list(Media.objects.filter(post=post).order_by("position", "id"))


def media_thumbnail_make(*, media: Media) -> Media:
    """Make `media`'s thumbnail if it has none (running twice changes nothing)."""
    if media.thumbnail:
        return media
    storage = media_storage()
    with storage.open(media.file, "rb") as handle:
        data = handle.read()
    name = media.file.removesuffix(".webp") + ".thumb.webp"
    if not storage.exists(name):
        storage.save(name, ContentFile(thumbnail(data, side=THUMBNAIL_SIDE)))
    Media.objects.filter(pk=media.pk, thumbnail="").update(thumbnail=name)
    media.thumbnail = name
    return media
