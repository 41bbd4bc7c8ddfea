"""Organisations' logos: checked and re-encoded with Pillow before they reach a report cover.

Only PNG and JPEG are accepted. SVG is refused rather than sanitised: an SVG is a program-like
document (scripts, external references, entity expansion) and a sanitiser we would have to trust
is more than a logo on a cover needs. Re-encoding drops metadata and anything appended to the
image data.
"""

from __future__ import annotations

import io

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext_lazy as _

LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_FORMATS = {"JPEG": "jpg", "PNG": "png"}
# A logo is printed about 40 mm wide: more than this is wasted, and a decompression bomb
# announces absurd dimensions before any pixel is read.
LOGO_MAX_PIXELS = 25_000_000
LOGO_MAX_SIDE = 800


def validate_logo(file) -> None:
    """Refuse what is not a PNG or JPEG image of sensible size (by content, not by name)."""
    from PIL import Image, UnidentifiedImageError

    if file.size > LOGO_MAX_BYTES:
        raise ValidationError(
            _("The logo is too large (at most %(mb)d MB)."),
            params={"mb": LOGO_MAX_BYTES // (1024 * 1024)},
        )
    try:
        file.seek(0)
        image = Image.open(file)
        if image.format not in LOGO_FORMATS:
            raise ValidationError(_("The logo must be a PNG or JPEG image (SVG is not accepted)."))
        if image.width * image.height > LOGO_MAX_PIXELS:
            raise ValidationError(_("The logo has too many pixels."))
        image.verify()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError) as exc:
        raise ValidationError(_("The file is not a valid PNG or JPEG image.")) from exc
    finally:
        file.seek(0)


def logo_normalised(file, *, name: str = "logo") -> SimpleUploadedFile:
    """A PNG copy no larger than LOGO_MAX_SIDE on each side, metadata dropped."""
    from PIL import Image, ImageOps

    file.seek(0)
    image = ImageOps.exif_transpose(Image.open(file))
    image.thumbnail((LOGO_MAX_SIDE, LOGO_MAX_SIDE))
    if image.mode not in ("RGB", "RGBA", "L", "LA"):
        image = image.convert("RGBA")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    file.seek(0)
    stem = name.rsplit("/", 1)[-1].rsplit(".", 1)[0][:80] or "logo"
    return SimpleUploadedFile(f"{stem}.png", out.getvalue(), content_type="image/png")
