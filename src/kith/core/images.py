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


def normalised_avatar(data: bytes) -> bytes:
    """Return `data` as a square WebP avatar without metadata, or raise ValidationError."""
    max_bytes = settings.KITH_AVATAR_MAX_BYTES
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
            if width * height > settings.KITH_AVATAR_MAX_PIXELS:
                raise ValidationError(
                    f"The image is {width}×{height} pixels; the limit is "
                    f"{settings.KITH_AVATAR_MAX_PIXELS:,} pixels.",
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
    image = image.convert("RGBA" if image.mode in {"RGBA", "LA", "P"} else "RGB")
    side = settings.KITH_AVATAR_SIZE
    image = ImageOps.fit(image, (side, side), method=Image.Resampling.LANCZOS)
    out = io.BytesIO()
    # Saving a fresh image writes no EXIF, XMP or ICC blocks: metadata is stripped.
    image.save(out, format="WEBP", quality=85, method=4)
    return out.getvalue()
