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
    assert error.value.messages == [
        "The image has 48 million pixels; at most 25 million are accepted."
    ]


def pixel_bomb_png(width: int = 1, height: int = 39_000_000) -> bytes:
    """A valid greyscale PNG declaring width x height pixels, all black, built chunk by chunk:
    about 75 KB on disk, 78 MB once decoded (and several copies of that when resized)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" * (1 + width)  # filter byte, then one byte per pixel
    packer = zlib.compressobj(9)
    rows_per_piece = max(1, 1_000_000 // len(row))
    parts = []
    for start in range(0, height, rows_per_piece):
        parts.append(packer.compress(row * min(rows_per_piece, height - start)))
    parts.append(packer.flush())
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", b"".join(parts))
        + chunk(b"IEND", b"")
    )


def test_pixel_bomb_is_refused_from_its_header():
    data = pixel_bomb_png()
    assert len(data) < 100_000
    with Image.open(io.BytesIO(data)) as image:
        assert image.size == (1, 39_000_000)  # what the header declares
    with pytest.raises(ValidationError) as error:
        validate_photo(SimpleUploadedFile("tall.png", data))
    assert error.value.messages == [
        "The image is 1 × 39000000 pixels; at most 10000 pixels on each side are accepted."
    ]
