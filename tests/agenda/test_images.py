import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from sessions.images import photo_resized, validate_photo


def _jpeg_with_exif(size=(1200, 800), orientation=6) -> SimpleUploadedFile:
    image = Image.new("RGB", size, "navy")
    exif = Image.Exif()
    exif[0x0112] = orientation  # rotate 90° clockwise when shown
    exif[0x010F] = "Camera maker (private)"
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return SimpleUploadedFile("phone.jpg", buffer.getvalue(), content_type="image/jpeg")


def test_photo_resized_applies_orientation_and_drops_metadata():
    resized = photo_resized(_jpeg_with_exif(), name="agenda/people/phone.jpg")
    with Image.open(io.BytesIO(resized.read())) as image:
        assert image.format == "JPEG"
        assert image.size == (400, 600)
        assert dict(image.getexif()) == {}
    assert resized.name == "phone.jpg"


def test_photo_resized_keeps_small_images_small():
    buffer = io.BytesIO()
    Image.new("RGBA", (100, 80), (0, 0, 0, 0)).save(buffer, format="PNG")
    resized = photo_resized(SimpleUploadedFile("x.png", buffer.getvalue()), name="x.png")
    with Image.open(io.BytesIO(resized.read())) as image:
        assert (image.format, image.size, image.mode) == ("PNG", (100, 80), "RGBA")


def test_validate_photo_refuses_a_truncated_image():
    data = _jpeg_with_exif().read()
    with pytest.raises(ValidationError) as error:
        validate_photo(SimpleUploadedFile("cut.jpg", data[:200]))
    assert error.value.messages == ["The file is not a valid image."]


def test_validate_photo_refuses_too_many_pixels():
    buffer = io.BytesIO()
    Image.new("1", (8000, 6000)).save(buffer, format="PNG")
    with pytest.raises(ValidationError) as error:
        validate_photo(SimpleUploadedFile("huge.png", buffer.getvalue()))
    assert error.value.messages == ["The photo has too many pixels."]
