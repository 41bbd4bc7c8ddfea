"""Hostile text in every displayed field, followed to every place it is shown: pages, the admin,
mails, the report PDF and the exports. It must arrive as inert text."""

from __future__ import annotations

import csv
import io

import pytest
from django.core import mail
from openpyxl import load_workbook
from pypdf import PdfReader

from registration.models import Registration
from reports import services as report_services
from reports.models import Finding
from sessions.models import Person, SessionRole
from tests.factories import (
    EventFactory,
    QuestionFactory,
    ReportFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("x")</script>'
ATTRIBUTE = '"><img src=x onerror=alert(1)>'
FORMULA = '=HYPERLINK("http://example.invalid","click")'
HOSTILE = f"{SCRIPT}{ATTRIBUTE}"
RAW_MARKUP = ("<script>alert", "<img src=x")
ICS_INJECTION = "\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:injected"


def _inert(html: str) -> bool:
    return not any(raw in html for raw in RAW_MARKUP)


@pytest.fixture
def hostile_world(client):
    event = EventFactory(
        slug="hostile", title=HOSTILE, summary=HOSTILE, description=HOSTILE, objectives=HOSTILE
    )
    session = SessionFactory(event=event, title=HOSTILE, description=HOSTILE + ICS_INJECTION)
    person = Person.objects.create(name=HOSTILE, position=HOSTILE, bio=HOSTILE)
    SessionRole.objects.create(session=session, person=person, role="speaker")
    QuestionFactory(event=event, label=HOSTILE, help_text=HOSTILE)
    return event, session


def _register(client, event, **fields):
    question = event.questions.get()
    data = {
        "first_name": HOSTILE, "last_name": "\u202eevil\u202c Name", "email": "h@example.org",
        "sex": "female", "country": "NE", "organization": FORMULA, "position": "+SUM(A1:A9)",
        "category": "national_government", "language": "en", "consent_processing": "on",
        "consent_listing": "on", f"q_{question.pk}": "@cmd|' /C calc'!A0", **fields,
    }  # fmt: skip
    response = client.post(f"/events/{event.slug}/register/", data)
    assert response.status_code == 302
    return Registration.objects.get(event=event)


def test_public_pages_show_hostile_text_as_text(client, hostile_world):
    _event, session = hostile_world
    for url in (
        "/",
        "/events/hostile/",
        "/events/hostile/register/",
        "/events/hostile/speakers/",
        f"/events/hostile/sessions/{session.pk}/",
    ):
        html = client.get(url).content.decode()
        assert _inert(html), url
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html, url


def test_direction_overrides_typed_by_participants_are_dropped(client, hostile_world):
    registration = _register(client, hostile_world[0])
    assert registration.last_name == "evil Name"
    assert registration.first_name == HOSTILE  # stored as typed, shown escaped


def test_admin_pages_show_hostile_text_as_text(client, superuser, hostile_world):
    event, session = hostile_world
    _register(client, event)
    client.force_login(superuser)
    registration = Registration.objects.get()
    for url in (
        "/admin/webinar/event/",
        f"/admin/webinar/event/{event.pk}/change/",
        "/admin/agenda/session/",
        f"/admin/agenda/session/{session.pk}/change/",
        "/admin/agenda/person/",
        "/admin/registration/registration/",
        f"/admin/registration/registration/{registration.pk}/change/",
        "/admin/registration/question/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert _inert(response.content.decode()), url


def test_mails_carry_hostile_text_as_plain_text(
    client, hostile_world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _register(client, hostile_world[0])
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert SCRIPT in message.body  # plain text: shown literally, nothing to run
    for content, mimetype in getattr(message, "alternatives", []):
        assert mimetype != "text/html" or _inert(content)
    assert "\n" not in message.subject


def test_exports_neutralise_formulas(client, organiser, hostile_world):
    event = hostile_world[0]
    _register(client, event, position=f"\x01{FORMULA}")
    client.force_login(organiser)
    csv_response = client.get(f"/admin/registration/registration/export/{event.pk}/csv/")
    assert csv_response.status_code == 200
    body = b"".join(csv_response.streaming_content).decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(body)) for cell in row]
    dangerous = [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert dangerous == []
    assert cells.count(f"'{FORMULA}") == 2  # the organisation, and the position once stripped
    xlsx = client.get(f"/admin/registration/registration/export/{event.pk}/xlsx/")
    content = b"".join(xlsx.streaming_content) if xlsx.streaming else xlsx.content
    sheet = load_workbook(io.BytesIO(content)).active
    values = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert [v for v in values if v[:1] in ("=", "+", "-", "@")] == []
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


C0_CONTROLS = [chr(code) for code in range(0x20)]
TRIGGERS = ["=", "+", "-", "@", "\t", "\r"]
CSV_FORBIDDEN = set(C0_CONTROLS) - {"\t", "\n", "\r"}  # line breaks of long answers stay


def _exported_text_fields() -> list[str]:
    """Every registration field an export shows that can hold typed text."""
    from django.db import models

    from registration.exports import _columns

    fields = []
    for name, _header, _show in _columns():
        if "__" in name:
            continue
        field = Registration._meta.get_field(name)
        if isinstance(field, models.CharField | models.TextField) and name not in fields:
            fields.append(name)
    return fields


def _looks_like_a_formula(cell: str) -> bool:
    return cell.lstrip(" \t\r\n")[:1] in ("=", "+", "-", "@") and not cell.startswith("'")


def test_every_control_character_before_a_formula_is_neutralised_in_every_column():
    from registration import exports
    from registration.models import Answer, Question
    from tests.factories import RegistrationFactory

    event = EventFactory(slug="controls")
    question = QuestionFactory(event=event)
    registration = RegistrationFactory(event=event)
    answer = Answer.objects.create(registration=registration, question=question, value="x")
    fields = _exported_text_fields()
    assert len(fields) == 14  # the export's text columns, from its own column list
    failures = []
    # NUL cannot be stored (PostgreSQL refuses it, the form too): the next test covers it.
    for control in C0_CONTROLS[1:]:
        for trigger in TRIGGERS:
            payload = f'{control}{trigger}HYPERLINK("http://example.invalid")'
            # Straight into the rows, as a form, an import or a shell could leave them; each
            # column is cut to its field's length (a two-letter country code gets two).
            Registration.objects.filter(pk=registration.pk).update(
                **{
                    name: payload[: Registration._meta.get_field(name).max_length]
                    for name in fields
                }
            )
            type(event).objects.filter(pk=event.pk).update(slug=payload)
            Question.objects.filter(pk=question.pk).update(label=payload)
            Answer.objects.filter(pk=answer.pk).update(value=payload)
            rows = list(
                exports.export_rows(
                    registrations=Registration.objects.filter(pk=registration.pk),
                    questions=Question.objects.filter(pk=question.pk),
                )
            )
            sheet = load_workbook(io.BytesIO(exports.xlsx_bytes(rows))).active
            for row in sheet.iter_rows():
                for cell in row:
                    text = cell.value if isinstance(cell.value, str) else ""
                    if cell.data_type == "f" or _looks_like_a_formula(text):
                        failures.append(("xlsx", repr(payload), cell.coordinate, cell.value))
            text = "".join(exports.csv_chunks(rows)).removeprefix("\ufeff")
            for row in csv.reader(io.StringIO(text, newline="")):
                for cell in row:
                    if _looks_like_a_formula(cell) or set(cell) & CSV_FORBIDDEN:
                        failures.append(("csv", repr(payload), repr(cell)))
    assert failures == []


def test_exports_drop_control_characters_and_keep_the_rest_of_the_text():
    from registration.exports import neutralise

    assert neutralise("\x01=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert neutralise("\x00@SUM(1)") == "'@SUM(1)"
    assert neutralise("Ministry\x00 of\x1f Interior\x7f") == "Ministry of Interior"
    assert neutralise("line one\nline two\tend") == "line one\nline two\tend"
    assert neutralise("\x0b\r=1") == "'\r=1"
    assert neutralise(42) == 42


def test_agenda_exports_keep_hostile_text_inert(client, hostile_world):
    json_text = client.get("/events/hostile/agenda.json").content.decode()
    assert "<script" not in json_text
    ics = client.get("/events/hostile/agenda.ics").content.decode()
    lines = ics.split("\r\n")
    assert lines.count("BEGIN:VEVENT") == 1  # one session, however its text is written
    assert "SUMMARY:injected" not in lines


def test_report_pdf_shows_hostile_text_as_text(hostile_world):
    event = hostile_world[0]
    report = ReportFactory(event=event, title_en=HOSTILE, executive_summary_en=HOSTILE)
    Finding.objects.create(
        report=report, challenge_type="legal", programme_area="services", text_en=HOSTILE
    )
    rendered, _fallbacks = report_services.report_render(
        report=report, language="en", allow_fallback=True
    )
    reader = PdfReader(io.BytesIO(rendered.content))
    text = "".join(page.extract_text() for page in reader.pages)
    assert 'alert("x")' in text  # the text itself, printed
    assert "/EmbeddedFiles" not in reader.trailer["/Root"].get("/Names", {})


def test_a_name_of_nothing_but_direction_overrides_is_refused(client, hostile_world):
    event = hostile_world[0]
    question = event.questions.get()
    response = client.post(
        f"/events/{event.slug}/register/",
        {
            "first_name": "\u202e\u202c", "last_name": "Name", "email": "o@example.org",
            "sex": "female", "country": "NE", "organization": "Ministry",
            "category": "national_government", "language": "en", "consent_processing": "on",
            f"q_{question.pk}": "x",
        },
    )  # fmt: skip
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert Registration.objects.count() == 0
