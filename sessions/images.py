"""Checks and resizing of uploaded photos with Pillow."""

from __future__ import annotations

import io

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext_lazy as _

PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_MAX_SIDE = 600
PHOTO_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
# Decompression bombs: refuse images whose pixel count is absurd for a portrait.
PHOTO_MAX_PIXELS = 40_000_000


def _open(file):
    from PIL import Image

    file.seek(0)
    image = Image.open(file)
    return image


def validate_photo(file) -> None:
    """Refuse what is not a JPEG/PNG/WebP image of sensible size (by content, not by name)."""
    from PIL import Image, UnidentifiedImageError

    if file.size > PHOTO_MAX_BYTES:
        raise ValidationError(
            _("The photo is too large (at most %(mb)d MB)."),
            params={"mb": PHOTO_MAX_BYTES // (1024 * 1024)},
        )
    try:
        image = _open(file)
        if image.format not in PHOTO_FORMATS:
            raise ValidationError(_("The photo must be a JPEG, PNG or WebP image."))
        if image.width * image.height > PHOTO_MAX_PIXELS:
            raise ValidationError(_("The photo has too many pixels."))
        image.verify()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError) as exc:
        raise ValidationError(_("The file is not a valid image.")) from exc
    finally:
        file.seek(0)


def photo_resized(file, *, name: str = "photo") -> SimpleUploadedFile:
    """A copy no larger than PHOTO_MAX_SIDE on each side, re-encoded (metadata dropped)."""
    from PIL import ImageOps

    image = _open(file)
    fmt = image.format if image.format in PHOTO_FORMATS else "JPEG"
    image = ImageOps.exif_transpose(image)
    image.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
    if fmt == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    out = io.BytesIO()
    image.save(out, format=fmt, quality=85, optimize=True)
    file.seek(0)
    extension = PHOTO_FORMATS[fmt]
    stem = name.rsplit("/", 1)[-1].rsplit(".", 1)[0][:80] or "photo"
    return SimpleUploadedFile(
        f"{stem}.{extension}",
        out.getvalue(),
        content_type=f"image/{extension.replace('jpg', 'jpeg')}",
    )
