"""Checks and resizing of uploaded photos with Pillow."""

from __future__ import annotations

import io

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext_lazy as _

from webinar.images import image_header_check

PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_MAX_SIDE = 600
PHOTO_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


def _open(file):
    from PIL import Image

    file.seek(0)
    image = Image.open(file)
    return image


def validate_photo(file) -> None:
    """Refuse what is not a JPEG/PNG/WebP image of sensible size (by content, not by name):
    the declared dimensions first, from the header, so that nothing big is ever decoded."""
    from PIL import Image, UnidentifiedImageError

    if file.size > PHOTO_MAX_BYTES:
        raise ValidationError(
            _("The photo is too large (at most %(mb)d MB)."),
            params={"mb": PHOTO_MAX_BYTES // (1024 * 1024)},
        )
    try:
        image_header_check(file, formats=PHOTO_FORMATS)
    except ValidationError as error:
        if error.code == "format":
            raise ValidationError(_("The photo must be a JPEG, PNG or WebP image.")) from None
        raise
    try:
        _open(file).verify()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError) as exc:
        raise ValidationError(_("The file is not a valid image.")) from exc
    finally:
        file.seek(0)


def photo_resized(file, *, name: str = "photo") -> SimpleUploadedFile:
    """A copy no larger than PHOTO_MAX_SIDE on each side, re-encoded (metadata dropped)."""
    from PIL import ImageOps

    image = _open(file)
    fmt = image.format if image.format in PHOTO_FORMATS else "JPEG"
    # A JPEG can be decoded at 1/2, 1/4 or 1/8 scale: a camera photo never fills memory.
    image.draft("RGB", (PHOTO_MAX_SIDE * 2, PHOTO_MAX_SIDE * 2))
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
