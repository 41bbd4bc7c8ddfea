"""Signature images: checked with Pillow by content before anything decodes their pixels."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

SIGNATURE_MAX_BYTES = 1024 * 1024
SIGNATURE_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg"}
# A signature is a few hundred pixels wide; more is a mistake or a decompression bomb.
SIGNATURE_MAX_PIXELS = 4_000_000


def signature_format(file) -> str:
    """The content type of a valid signature image, or ValidationError with the reason.

    ``Image.open`` reads only the header (type and size); the pixel count is checked before
    ``verify`` walks the data, so a bomb is refused without being decoded.
    """
    from PIL import Image, UnidentifiedImageError

    size = getattr(file, "size", None)
    if size is not None and size > SIGNATURE_MAX_BYTES:
        raise ValidationError(
            _("The signature image is too large (at most %(mb)d MB)."),
            params={"mb": SIGNATURE_MAX_BYTES // (1024 * 1024)},
        )
    try:
        file.seek(0)
        with Image.open(file) as image:
            if image.format not in SIGNATURE_FORMATS:
                raise ValidationError(_("The signature must be a PNG or JPEG image."))
            if image.width * image.height > SIGNATURE_MAX_PIXELS:
                raise ValidationError(_("The signature image has too many pixels."))
            content_type = SIGNATURE_FORMATS[image.format]
            image.verify()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError) as exc:
        raise ValidationError(_("The file is not a valid image.")) from exc
    finally:
        file.seek(0)
    return content_type


def validate_signature(file) -> None:
    signature_format(file)
