"""Checking and normalising uploaded images with Pillow."""

from __future__ import annotations

import io
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def open_checked_image(data: bytes, *, max_bytes: int, max_pixels: int) -> Image.Image:
    """Return the decoded, upright image in `data`, or raise ValidationError saying what is wrong.

    The type is sniffed from the bytes (never from a name or a header), the size and pixel
    count are checked before the pixels are decoded, and decompression bombs are refused.
    """
    if not data:
        raise ValidationError("The file is empty.", code="empty")
    if len(data) > max_bytes:
        raise ValidationError(
            f"The image is {_megabytes(len(data))}; the limit is {_megabytes(max_bytes)}.",
            code="too_large",
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in ACCEPTED_FORMATS:
                raise ValidationError(
                    "Upload a JPEG, PNG, GIF or WebP image.", code="unsupported_format"
                )
            width, height = image.size
            if width * height > max_pixels:
                raise ValidationError(
                    f"The image is {width}×{height} pixels; the limit is {max_pixels:,} pixels.",
                    code="too_many_pixels",
                )
            image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(
            "That file is not an image Kith can read.", code="not_an_image"
        ) from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError("The image has too many pixels.", code="too_many_pixels") from None
    image = ImageOps.exif_transpose(image)  # keep the photo upright once EXIF is dropped
    return image.convert("RGBA" if image.mode in {"RGBA", "LA", "P"} else "RGB")


def _webp(image: Image.Image) -> bytes:
    out = io.BytesIO()
    # Saving a fresh image writes no EXIF, XMP or ICC blocks: metadata is stripped.
    image.save(out, format="WEBP", quality=85, method=4)
    return out.getvalue()


def normalised_avatar(data: bytes) -> bytes:
    """Return `data` as a square WebP avatar without metadata, or raise ValidationError."""
    image = open_checked_image(
        data, max_bytes=settings.KITH_AVATAR_MAX_BYTES, max_pixels=settings.KITH_AVATAR_MAX_PIXELS
    )
    side = settings.KITH_AVATAR_SIZE
    return _webp(ImageOps.fit(image, (side, side), method=Image.Resampling.LANCZOS))


def normalised_media(data: bytes) -> tuple[bytes, int, int]:
    """Return a post image as WebP without metadata, at most KITH_MEDIA_MAX_SIDE a side.

    Returns (bytes, width, height); raises ValidationError for anything that is not a
    readable image within the size and pixel limits.
    """
    image = open_checked_image(
        data, max_bytes=settings.KITH_MEDIA_MAX_BYTES, max_pixels=settings.KITH_MEDIA_MAX_PIXELS
    )
    side = settings.KITH_MEDIA_MAX_SIDE
    image.thumbnail((side, side), Image.Resampling.LANCZOS)
    return _webp(image), image.width, image.height


def thumbnail(data: bytes, *, side: int = 400) -> bytes:
    """Return a WebP thumbnail (at most `side` a side) of an already normalised image."""
    with Image.open(io.BytesIO(data)) as image:
        image.thumbnail((side, side), Image.Resampling.LANCZOS)
        return _webp(image)
