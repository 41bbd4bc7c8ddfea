"""Every demo report builds in every language without falling back to another language.

The README's example (``build_report demo-upcoming --language fr --wait``) is one of these.
"""

import io

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management import call_command
from pypdf import PdfReader

from reports.models import ReportBuild
from webinar.models import Event

pytestmark = pytest.mark.django_db

LANGUAGES = [code for code, _name in settings.LANGUAGES]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("slug", ["north-africa", "sahel-sahara-2020", "demo-upcoming"])
def test_demo_report_builds_without_fallback(slug, language, django_capture_on_commit_callbacks):
    call_command("seed_demo", verbosity=0)
    event = Event.objects.get(slug=slug)
    out = io.StringIO()
    # Without --allow-fallback: the command refuses if a text of the report lacks the language.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("build_report", slug, "--language", language, stdout=out, stderr=io.StringIO())
    build = ReportBuild.objects.get(pk=int(out.getvalue()))
    assert (build.event, build.language, build.allow_fallback) == (event, language, False)
    assert (build.status, build.error, build.fallback_fields) == (
        ReportBuild.Status.SUCCEEDED,
        "",
        "",
    )
    reader = PdfReader(io.BytesIO(default_storage.open(build.file.name).read()))
    assert len(reader.pages) == build.pages
    assert reader.trailer["/Root"]["/Lang"] == language
    assert reader.metadata.title == getattr(event.report, f"title_{language}")
    if language != "ar":  # extracted Arabic comes out as presentation forms
        text = "".join(page.extract_text() for page in reader.pages)
        opening = event.sessions.order_by("starts_at", "order").first()
        assert getattr(opening, f"title_{language}") in text.replace("\n", " ")
