"""Uploaded images, checked from their header before any pixel is decoded.

Pillow opens lazily: ``Image.open`` reads the header (format, width, height) and decodes only
on ``load()``. A small file can declare an enormous image (a 75 KB PNG of 1 x 39,000,000
pixels decodes to hundreds of megabytes), so the declared size is checked first, against
limits of our own that are far below Pillow's ``MAX_IMAGE_PIXELS`` (89 million).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Wider or taller than any camera makes; a 24-megapixel photo still passes.
IMAGE_MAX_SIDE = 10_000
IMAGE_MAX_PIXELS = 25_000_000


def image_header_check(
    file,
    *,
    formats: set[str] | dict[str, str],
    max_side: int = IMAGE_MAX_SIDE,
    max_pixels: int = IMAGE_MAX_PIXELS,
) -> None:
    """Refuse, with a message for the form, a file that is not an image in ``formats`` or
    whose declared width, height or pixel count passes the limits. Decodes nothing."""
    from PIL import Image, UnidentifiedImageError

    file.seek(0)
    try:
        with Image.open(file) as image:
            image_format, (width, height) = image.format, image.size
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError) as exc:
        raise ValidationError(_("The file is not a valid image."), code="invalid") from exc
    finally:
        file.seek(0)
    if image_format not in formats:
        raise ValidationError(
            _("The image must be one of these formats: %(formats)s."),
            code="format",
            params={"formats": ", ".join(sorted(formats))},
        )
    if width > max_side or height > max_side:
        raise ValidationError(
            _(
                "The image is %(width)d × %(height)d pixels; at most %(side)d pixels on each "
                "side are accepted."
            ),
            code="too_wide",
            params={"width": width, "height": height, "side": max_side},
        )
    if width * height > max_pixels:
        raise ValidationError(
            _("The image has %(pixels)d million pixels; at most %(limit)d million are accepted."),
            code="too_many_pixels",
            params={
                "pixels": round(width * height / 1_000_000),
                "limit": max_pixels // 1_000_000,
            },
        )
