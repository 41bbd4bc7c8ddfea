"""Organisations' logos: PNG or JPEG only, size-checked, re-encoded; bad files are refused."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from webinar.logos import logo_normalised, validate_logo
from webinar.models import Organisation

pytestmark = pytest.mark.django_db


def _image(fmt: str, size=(300, 100), mode="RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, (10, 90, 140) if mode == "RGB" else 1).save(out, format=fmt)
    return out.getvalue()


def _upload(content: bytes, name="logo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_logo_png_and_jpeg_are_accepted_and_stored_as_png(fmt):
    upload = _upload(_image(fmt, size=(1600, 400)), name=f"logo.{fmt.lower()}")
    validate_logo(upload)
    stored = logo_normalised(upload, name=upload.name)
    image = Image.open(io.BytesIO(stored.read()))
    assert (stored.name, image.format, image.size) == ("logo.png", "PNG", (800, 200))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "The file is not a valid PNG or JPEG image.",
        ),
        (_image("GIF"), "The logo must be a PNG or JPEG image (SVG is not accepted)."),
        (b"\x89PNG\r\n\x1a\nnot really", "The file is not a valid PNG or JPEG image."),
        (b"x" * (2 * 1024 * 1024 + 1), "The logo is too large (at most 2 MB)."),
    ],
)
def test_logo_bad_files_are_refused_with_a_clear_message(content, message):
    with pytest.raises(ValidationError) as refused:
        validate_logo(_upload(content, name="logo.svg"))
    assert refused.value.messages == [message]


def test_logo_with_absurd_dimensions_is_refused():
    # 6000 x 6000 pixels of one colour compress to a few kilobytes.
    with pytest.raises(ValidationError) as refused:
        validate_logo(_upload(_image("PNG", size=(6000, 6000), mode="1")))
    assert refused.value.messages == ["The logo has too many pixels."]


def _form(logo) -> dict:
    return {"name_en": "Agency (fictional)", "name_fr": "", "name_ar": "", "logo": logo}


def test_admin_logo_upload_is_re_encoded(client, superuser):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:webinar_organisation_add"),
        _form(_upload(_image("JPEG"), name="agency.jpg")),
    )
    assert response.status_code == 302
    organisation = Organisation.objects.get()
    assert organisation.logo.name.endswith(".png")
    with organisation.logo.open("rb") as handle:
        assert handle.read(8) == b"\x89PNG\r\n\x1a\n"


def test_admin_bad_logo_shows_the_reason_and_saves_nothing(client, superuser):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:webinar_organisation_add"),
        _form(_upload(b"<svg onload='x'/>", name="agency.svg")),
    )
    assert response.status_code == 200
    assert "The file is not a valid PNG or JPEG image." in response.content.decode()
    assert Organisation.objects.count() == 0


def test_organisation_names_in_each_language_may_stay_empty():
    Organisation.objects.create(name_en="One (fictional)")
    Organisation.objects.create(name_en="Two (fictional)")
    assert list(
        Organisation.objects.filter(name_fr__isnull=True).values_list("name_en", flat=True)
    ) == [
        "One (fictional)",
        "Two (fictional)",
    ]
