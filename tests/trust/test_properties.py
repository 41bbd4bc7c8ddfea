"""Property-based tests: whatever people type or upload, no server error, nothing half-saved,
every refusal explained."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registration.importers import ImportFileError, read_attendance
from registration.models import Answer, Question, Registration
from tests.factories import EventFactory, QuestionFactory
from webinar.models import Event
from webinar.text import strip_bidi_controls

pytestmark = pytest.mark.django_db

# Text as people paste it: any printable Unicode (Arabic, RTL marks, emoji, markup, formulas).
any_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=400,
)
hostile = st.sampled_from(
    [
        '<script>alert("x")</script>',
        '"><img src=x onerror=alert(1)>',
        '=HYPERLINK("http://example.invalid")',
        "+cmd|' /C calc'!A0",
        "\u202eevil\u202c",
        "x" * 5000,
        "",
        " ",
        "'; DROP TABLE registration_registration; --",
    ]
)
field_value = st.one_of(any_text, hostile)

FIELDS = [
    "honorific", "first_name", "last_name", "email", "phone", "sex", "country",
    "organization", "category", "position", "language", "interpretation_language",
    "accessibility_needs", "consent_processing", "consent_listing",
]  # fmt: skip

VALID = {
    "first_name": "Amina",
    "last_name": "Example",
    "email": "amina@example.org",
    "sex": "female",
    "country": "NE",
    "organization": "Ministry (fictional)",
    "category": "national_government",
    "language": "fr",
    "consent_processing": "on",
}

form_data = st.fixed_dictionaries(
    {},
    optional=dict.fromkeys(FIELDS, field_value),
)

HYPOTHESIS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def event_with_questions():
    event = EventFactory(slug="props", capacity=3)
    QuestionFactory(event=event, label="Ministry department", required=True)
    QuestionFactory(
        event=event,
        label="Sessions",
        kind=Question.Kind.MULTIPLE,
        choices="Panel\nWorking group",
    )
    QuestionFactory(event=event, label="Interpretation", kind=Question.Kind.YES_NO)
    return event


@HYPOTHESIS
@given(data=form_data, answers=st.lists(field_value, min_size=3, max_size=3))
def test_registration_form_never_fails_and_never_half_saves(
    client, event_with_questions, data, answers
):
    cache.clear()  # the per-address rate limit would otherwise end the run early
    questions = list(event_with_questions.questions.order_by("pk"))
    payload = {**data}
    for question, answer in zip(questions, answers, strict=True):
        payload[f"q_{question.pk}"] = answer
    before = (Registration.objects.count(), Answer.objects.count())
    # Examples share the database; a repeated address answers like a new one but adds no row.
    known = Registration.objects.filter(
        email__iexact=strip_bidi_controls(str(payload.get("email", ""))).strip()
    ).exists()
    response = client.post("/events/props/register/", payload)
    assert response.status_code in (200, 302)
    after = (Registration.objects.count(), Answer.objects.count())
    if response.status_code == 302:
        assert after[0] == before[0] + (0 if known else 1)
    else:
        assert after == before
        html = response.content.decode()
        assert 'class="error-summary"' in html
        assert "<script>alert" not in html
        assert "<img src=x onerror" not in html


@HYPOTHESIS
@given(data=form_data)
def test_valid_form_with_one_hostile_field_is_stored_as_text(client, data):
    cache.clear()
    if not Event.objects.filter(slug="props2").exists():  # examples share the test's database
        EventFactory(slug="props2")
    payload = {**VALID, **{k: v for k, v in data.items() if k in ("position", "organization")}}
    # What is kept: direction overrides dropped (webinar.text), then surrounding space.
    organization = strip_bidi_controls(payload["organization"]).strip()
    position = strip_bidi_controls(payload.get("position", "")).strip()
    acceptable = 0 < len(organization) <= 200 and len(position) <= 200
    response = client.post("/events/props2/register/", payload)
    assert response.status_code == (302 if acceptable else 200)
    if acceptable:
        registration = Registration.objects.get(event__slug="props2")
        assert registration.organization == organization
        registration.delete()
    else:
        assert Registration.objects.filter(event__slug="props2").count() == 0


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=4000))
def test_attendance_importer_reads_or_explains_any_bytes(data):
    try:
        read_attendance(data)
    except ImportFileError as error:
        assert str(error)


ZOOM_HEADER = (
    "Attended,User Name (Original Name),First Name,Last Name,Email,Registration Time,"
    "Approval Status,Join Time,Leave Time,Time in Session (minutes),Is Guest,Country/Region Name"
)
cell = st.one_of(any_text.map(lambda t: t.replace("\n", " ")), hostile, st.just("--"))


@settings(max_examples=150, deadline=None)
@given(rows=st.lists(st.lists(cell, min_size=0, max_size=14), max_size=20))
def test_attendance_importer_survives_any_zoom_shaped_file(rows):
    import csv
    import io

    buffer = io.StringIO()
    buffer.write("\ufeffWebinar ID,Topic\n123,Sahel\n\nAttendee Details\n" + ZOOM_HEADER + "\n")
    csv.writer(buffer).writerows(rows)
    try:
        _source, attendees, rows_read = read_attendance(buffer.getvalue().encode("utf-8"))
    except ImportFileError as error:
        assert str(error)
        return
    assert all(attendee.minutes >= 0 for attendee in attendees.values())
    assert rows_read <= len(rows)


report_text = st.one_of(
    any_text, hostile, st.text(alphabet="<>&\"'=+-@\u202e\u0627\u0644 ", max_size=60)
)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    title=report_text.map(lambda text: text[:300]),  # the title's length limit (admin-checked)
    summary=report_text,
    finding=report_text,
    language=st.sampled_from(["en", "fr", "ar"]),
)
def test_report_renders_any_text_as_text(title, summary, finding, language):
    import io

    from pypdf import PdfReader

    from reports import services as report_services
    from reports.models import Finding, Report

    event = Event.objects.filter(slug="prop-report").first() or EventFactory(slug="prop-report")
    Report.objects.filter(event=event).delete()
    report = Report.objects.create(
        event=event, **{f"title_{language}": title, f"executive_summary_{language}": summary}
    )
    Finding.objects.create(report=report, challenge_type="policy", **{f"text_{language}": finding})
    rendered, _fallbacks = report_services.report_render(
        report=report, language=language, allow_fallback=True
    )
    reader = PdfReader(io.BytesIO(rendered.content))
    assert len(reader.pages) == rendered.pages
    assert "/EmbeddedFiles" not in reader.trailer["/Root"].get("/Names", {})
