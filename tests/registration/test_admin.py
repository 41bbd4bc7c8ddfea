import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone
from openpyxl import load_workbook

from registration.models import Answer, OutgoingMail, Question, Registration
from tests.factories import EventFactory, QuestionFactory, RegistrationFactory
from webinar.models import Event

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"
LIST = "/admin/registration/registration/"


@pytest.fixture
def objects():
    event = EventFactory()
    registration = RegistrationFactory(event=event)
    question = QuestionFactory(event=event)
    outgoing = OutgoingMail.objects.create(
        registration=registration, kind="approved", due_at=event.starts_at
    )
    return {"event": event, "registration": registration, "question": question, "mail": outgoing}


def _urls(o):
    return {
        "list": LIST,
        "change": f"{LIST}{o['registration'].pk}/change/",
        "import": f"{LIST}import-attendance/",
        "interpretation": f"{LIST}interpretation/",
        "export csv": f"{LIST}export/{o['event'].pk}/csv/",
        "export xlsx": f"{LIST}export/{o['event'].pk}/xlsx/",
        "question list": "/admin/registration/question/",
        "question change": f"/admin/registration/question/{o['question'].pk}/change/",
        "mail list": "/admin/registration/outgoingmail/",
        "mail view": f"/admin/registration/outgoingmail/{o['mail'].pk}/change/",
    }


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", "login"),
        ("participant", "login"),
        ("rapporteur", 403),
        ("organiser", 200),
        ("superuser", 200),
    ],
)
def test_every_desk_page_answers_each_role(client, request, objects, who, expected):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    answers = {}
    for name, url in _urls(objects).items():
        response = client.get(url)
        if response.status_code == 302 and response["Location"].startswith("/admin/login/"):
            answers[name] = "login"
        else:
            answers[name] = response.status_code
    assert answers == dict.fromkeys(_urls(objects), expected)


def test_registration_add_is_not_offered(client, organiser):
    client.force_login(organiser)
    assert client.get(f"{LIST}add/").status_code == 403


def test_list_shows_counts_per_status_for_the_filter(client, organiser):
    event = EventFactory()
    RegistrationFactory.create_batch(3, event=event)
    RegistrationFactory(event=event, status=Registration.Status.WAITLISTED)
    RegistrationFactory(status=Registration.Status.WAITLISTED)  # another event
    client.force_login(organiser)
    response = client.get(f"{LIST}?event__id__exact={event.pk}")
    counts = dict(response.context["status_counts"])
    assert counts == {
        "Pending approval": 0,
        "Approved": 3,
        "Waiting list": 1,
        "Rejected": 0,
        "Cancelled": 0,
    }
    html = response.content.decode()
    assert f"export/{event.pk}/csv/" in html


def test_list_counts_stay_the_event_counts_under_a_status_filter(client, organiser):
    event = EventFactory()
    RegistrationFactory.create_batch(3, event=event)
    RegistrationFactory(event=event, status=Registration.Status.WAITLISTED)
    RegistrationFactory(status=Registration.Status.APPROVED)  # another event
    client.force_login(organiser)
    response = client.get(f"{LIST}?event__id__exact={event.pk}&status__exact=waitlisted")
    assert response.context["cl"].result_count == 1
    counts = dict(response.context["status_counts"])
    assert (counts["Approved"], counts["Waiting list"]) == (3, 1)


@pytest.mark.parametrize("filters", ["", "?status__exact=approved&sex__exact=undisclosed&q=a"])
def test_list_queries_do_not_grow_with_rows(client, organiser, django_assert_num_queries, filters):
    event = EventFactory()
    client.force_login(organiser)
    RegistrationFactory(event=event)
    client.get(LIST + filters)  # warm caches (content types, session)
    with django_assert_num_queries(12) as one:
        assert client.get(LIST + filters).status_code == 200
    RegistrationFactory.create_batch(2, event=EventFactory())
    with django_assert_num_queries(len(one.captured_queries)):
        assert client.get(LIST + filters).status_code == 200


def _action(client, action, registrations, **extra):
    data = {"action": action, "_selected_action": [r.pk for r in registrations], **extra}
    return client.post(LIST, data)


def test_bulk_approve_and_reject(client, organiser, django_capture_on_commit_callbacks):
    event = EventFactory(approval_mode=Event.ApprovalMode.MANUAL)
    pending = RegistrationFactory.create_batch(2, event=event, status=Registration.Status.PENDING)
    client.force_login(organiser)
    with django_capture_on_commit_callbacks(execute=True):
        response = _action(client, "bulk_approve", pending)
    assert response.status_code == 302
    statuses = list(event.registrations.values_list("status", flat=True))
    assert statuses == ["approved", "approved"]
    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.email for r in pending)
    _action(client, "bulk_reject", pending[:1])
    assert list(event.registrations.values_list("status", flat=True)) == ["rejected", "approved"]


def test_bulk_action_refused_to_a_rapporteur(client, rapporteur):
    pending = RegistrationFactory(status=Registration.Status.PENDING)
    client.force_login(rapporteur)
    response = _action(client, "bulk_approve", [pending])
    assert response.status_code == 403
    pending.refresh_from_db()
    assert pending.status == Registration.Status.PENDING


def test_custom_message_is_previewed_then_sent_by_the_worker(
    client, organiser, django_capture_on_commit_callbacks
):
    first = RegistrationFactory(first_name="<b>Amina</b>", language="fr")
    second = RegistrationFactory(first_name="Moussa")
    client.force_login(organiser)
    message = {"subject": "Agenda for {first_name}", "body": "Hello {full_name}"}
    response = _action(client, "send_message", [first, second], preview="1", **message)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Agenda for &lt;b&gt;Amina&lt;/b&gt;" in html
    assert 'name="send"' in html
    assert OutgoingMail.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        response = _action(client, "send_message", [first, second], send="1", **message)
    assert response.status_code == 302
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == sorted(
        [(first.email, "Agenda for <b>Amina</b>"), (second.email, "Agenda for Moussa")]
    )


def test_custom_message_without_subject_is_refused(client, organiser):
    registration = RegistrationFactory()
    client.force_login(organiser)
    response = _action(client, "send_message", [registration], subject="", body="x", send="1")
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert OutgoingMail.objects.count() == 0


def test_resend_action_queues_status_mail(client, organiser):
    registration = RegistrationFactory()
    client.force_login(organiser)
    _action(client, "resend_confirmation", [registration])
    assert list(registration.mails.values_list("kind", flat=True)) == ["approved"]


def test_anonymise_action_asks_then_anonymises(client, organiser):
    registration = RegistrationFactory(first_name="Amina")
    client.force_login(organiser)
    response = _action(client, "anonymise", [registration])
    assert response.status_code == 200
    registration.refresh_from_db()
    assert registration.first_name == "Amina"
    _action(client, "anonymise", [registration], confirm="yes")
    registration.refresh_from_db()
    assert registration.first_name == ""


HOSTILE = ['=HYPERLINK("http://evil")', "+1+1", "-2", "@SUM(A1)", "\tTab", "\rCR"]


def _hostile_event():
    event = EventFactory(slug="export-me")
    question = QuestionFactory(event=event, label="=Question", kind=Question.Kind.TEXT)
    for index, text in enumerate(HOSTILE):
        registration = RegistrationFactory(
            event=event, first_name=text, organization=f"Org {index}", phone="+227 90"
        )
        Answer.objects.create(registration=registration, question=question, value=text)
    return event


def test_csv_export_neutralises_formulas(client, organiser):
    event = _hostile_event()
    client.force_login(organiser)
    response = client.get(f"{LIST}export/{event.pk}/csv/")
    assert response["Content-Disposition"] == 'attachment; filename="registrations-export-me.csv"'
    text = b"".join(response.streaming_content).decode("utf-8")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")))
    header = rows[0]
    assert header[-1] == "'=Question"
    first_names = [row[header.index("First name")] for row in rows[1:]]
    assert first_names == ["'" + text for text in HOSTILE]
    answers = [row[-1] for row in rows[1:]]
    assert answers == ["'" + text for text in HOSTILE]
    assert {row[header.index("Phone")] for row in rows[1:]} == {"'+227 90"}


def test_xlsx_export_has_no_formula_cells(client, organiser):
    event = _hostile_event()
    client.force_login(organiser)
    response = client.get(f"{LIST}export/{event.pk}/xlsx/")
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    first_names = [row[4].value for row in sheet.iter_rows(min_row=2)]
    # The sheet's XML turns a carriage return into a line feed; it stays plain text.
    assert first_names == ["'" + text for text in HOSTILE[:-1]] + ["'\nCR"]
    assert sheet.max_row == 7


def test_export_action_on_selection(client, organiser):
    chosen, _other = RegistrationFactory.create_batch(2)
    client.force_login(organiser)
    response = _action(client, "export_csv", [chosen])
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.count("\r\n") == 2
    assert chosen.email in text


def test_export_queries_do_not_grow_with_rows(client, organiser, django_assert_num_queries):
    event = EventFactory()
    question = QuestionFactory(event=event)
    client.force_login(organiser)

    def add(count):
        for registration in RegistrationFactory.create_batch(count, event=event):
            Answer.objects.create(registration=registration, question=question, value="x")

    def export():
        response = client.get(f"{LIST}export/{event.pk}/csv/")
        return b"".join(response.streaming_content)

    add(1)
    export()
    # 9 for the export, 3 for its admin-log entry (rows per event, the event, the entry).
    with django_assert_num_queries(12) as one:
        export()
    add(2)
    with django_assert_num_queries(len(one.captured_queries)):
        body = export()
    assert body.count(b"\r\n") == 4


def test_attendance_import_preview_then_apply(client, organiser):
    event = EventFactory()
    amina = RegistrationFactory(event=event, email="amina@example.org")
    absent = RegistrationFactory(event=event, email="fatima@example.org", attended=True)
    client.force_login(organiser)
    upload = (FIXTURES / "teams_attendance.csv").open("rb")
    response = client.post(f"{LIST}import-attendance/", {"event": event.pk, "file": upload})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Guest User (Unverified)" in html
    amina.refresh_from_db()
    assert amina.attended is False  # nothing applied before confirmation
    plan = response.context["signed_plan"]
    response = client.post(f"{LIST}import-attendance/", {"plan": plan})
    assert response.status_code == 302
    amina.refresh_from_db()
    absent.refresh_from_db()
    assert (amina.attended, amina.minutes_attended) == (True, 76)
    assert (absent.attended, absent.minutes_attended) == (False, None)


def test_attendance_import_wrong_file_is_explained(client, organiser):
    event = EventFactory()
    client.force_login(organiser)
    upload = io.BytesIO(b"just,some\ncsv,data\n")
    upload.name = "report.csv"
    response = client.post(f"{LIST}import-attendance/", {"event": event.pk, "file": upload})
    assert response.status_code == 200
    assert "No table of attendees with their times was found in this file." in (
        response.content.decode()
    )


def test_attendance_import_tampered_plan_is_refused(client, organiser):
    client.force_login(organiser)
    response = client.post(f"{LIST}import-attendance/", {"plan": "forged"})
    assert response.status_code == 302
    assert response["Location"] == f"{LIST}import-attendance/"


def test_interpretation_plan_counts_approved_and_undecided_per_language(client, organiser):
    event = EventFactory(title="Sahel webinar")
    RegistrationFactory.create_batch(2, event=event, interpretation_language="fr")
    RegistrationFactory(event=event, interpretation_language="ar")
    RegistrationFactory(
        event=event, interpretation_language="ar", status=Registration.Status.WAITLISTED
    )
    RegistrationFactory(
        event=event, interpretation_language="fr", status=Registration.Status.PENDING
    )
    RegistrationFactory(
        event=event, interpretation_language="fr", status=Registration.Status.CANCELLED
    )
    RegistrationFactory(event=event)
    client.force_login(organiser)
    response = client.get(f"{LIST}interpretation/")
    plans = response.context["plans"]
    assert [(p["event"].title, p["approved"], p["upcoming"], p["rows"]) for p in plans] == [
        ("Sahel webinar", 4, True, [("العربيّة", 1, 1), ("Français", 2, 1)])
    ]


def test_interpretation_plan_lists_upcoming_events_first(client, organiser):
    now = timezone.now()
    past = EventFactory(title="Past", starts_at=now - dt.timedelta(days=40))
    later = EventFactory(title="Later", starts_at=now + dt.timedelta(days=60))
    soon = EventFactory(title="Soon", starts_at=now + dt.timedelta(days=5))
    quiet = EventFactory(title="Quiet")  # no request: not listed
    for event in (past, later, soon):
        RegistrationFactory(event=event, interpretation_language="ar")
    RegistrationFactory(event=quiet)
    client.force_login(organiser)
    plans = client.get(f"{LIST}interpretation/").context["plans"]
    assert [(p["event"].title, p["upcoming"]) for p in plans] == [
        ("Soon", True), ("Later", True), ("Past", False)
    ]  # fmt: skip


def test_custom_message_to_all_matching_the_filter(
    client, organiser, django_capture_on_commit_callbacks
):
    event = EventFactory()
    RegistrationFactory.create_batch(3, event=event)
    RegistrationFactory()  # another event: not selected by the filter
    client.force_login(organiser)
    url = f"{LIST}?event__id__exact={event.pk}"
    first = event.registrations.first()
    data = {
        "action": "send_message",
        "_selected_action": [first.pk],
        "select_across": "1",
        "subject": "Agenda",
        "body": "Hello",
    }
    response = client.post(url, {**data, "preview": "1"})
    assert 'name="select_across" value="1"' in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {**data, "send": "1"})
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        event.registrations.values_list("email", flat=True)
    )


def test_attendance_upload_over_the_size_limit_is_refused(client, organiser):
    from registration.importers import MAX_UPLOAD_BYTES

    event = EventFactory()
    client.force_login(organiser)
    upload = io.BytesIO(b"a" * (MAX_UPLOAD_BYTES + 1))
    upload.name = "huge.csv"
    response = client.post(f"{LIST}import-attendance/", {"event": event.pk, "file": upload})
    assert response.status_code == 200
    assert "The file is too large (5.2 MB); the limit is 5 MB." in response.content.decode()


def _change_form_data(client, registration, **changes) -> dict:
    page = client.get(f"{LIST}{registration.pk}/change/")
    data = {}
    form = page.context["adminform"].form
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None:
            continue
        if isinstance(value, bool):
            if value:
                data[name] = "on"
            continue
        data[name] = value
    for formset in page.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS"):
            data[f"{management.prefix}-{name}"] = management[name].value()
        for inline in formset.formset.forms:
            for name in inline.fields:
                value = inline.initial.get(name)
                if value is not None:
                    data[f"{inline.prefix}-{name}"] = value
    data.update(changes)
    return data


def test_status_changed_on_the_registration_page_goes_through_the_rules(
    client, organiser, django_capture_on_commit_callbacks
):
    event = EventFactory(capacity=2)
    RegistrationFactory(event=event)
    waiting = RegistrationFactory(event=event, status=Registration.Status.WAITLISTED)
    pending = RegistrationFactory(event=event, status=Registration.Status.PENDING)
    client.force_login(organiser)
    data = _change_form_data(client, pending, change_status="reject")
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(f"{LIST}{pending.pk}/change/", data, follow=True)
    assert response.status_code == 200
    pending.refresh_from_db()
    waiting.refresh_from_db()
    assert pending.status == Registration.Status.REJECTED
    # The freed seat went to the waiting list, with its mail, as the bulk action does.
    assert waiting.status == Registration.Status.APPROVED
    assert list(waiting.mails.values_list("kind", flat=True)) == [OutgoingMail.Kind.PROMOTED]
    assert list(pending.mails.values_list("kind", flat=True)) == [OutgoingMail.Kind.REJECTED]
    messages = [str(m) for m in response.context["messages"]]
    assert "Rejected 1 registration. 1 on the waiting list got the freed seat." in messages


def test_status_change_on_the_page_respects_capacity(client, organiser):
    event = EventFactory(capacity=1)
    RegistrationFactory(event=event)
    waiting = RegistrationFactory(event=event, status=Registration.Status.WAITLISTED)
    client.force_login(organiser)
    data = _change_form_data(client, waiting, change_status="approve", position="Adviser")
    response = client.post(f"{LIST}{waiting.pk}/change/", data, follow=True)
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.WAITLISTED
    assert waiting.position == "Adviser"  # the other changes are saved
    assert waiting.mails.count() == 0
    messages = [str(m) for m in response.context["messages"]]
    assert "Approved 0 registrations. 1 stays on the waiting list: the event is full." in messages


def test_saving_the_registration_page_without_a_status_change_keeps_the_status(client, organiser):
    registration = RegistrationFactory(status=Registration.Status.PENDING)
    client.force_login(organiser)
    data = _change_form_data(client, registration, position="Director")
    assert client.post(f"{LIST}{registration.pk}/change/", data).status_code == 302
    registration.refresh_from_db()
    assert (registration.status, registration.position) == ("pending", "Director")
    assert registration.mails.count() == 0


def test_xlsx_export_opens_as_a_working_sheet(client, organiser):
    event = EventFactory(slug="sheet")
    question = QuestionFactory(event=event, label="How will you join?")
    registration = RegistrationFactory(
        event=event, organization="Ministry of Planning and Territorial Development (fictional)"
    )
    Registration.objects.filter(pk=registration.pk).update(
        created_at=dt.datetime(2020, 1, 15, 22, 30, 5, tzinfo=dt.UTC),
        attended=True,
        minutes_attended=87,
    )
    Answer.objects.create(registration=registration, question=question, value="=Online")
    RegistrationFactory(event=event)
    client.force_login(organiser)
    response = client.get(f"{LIST}export/{event.pk}/xlsx/")
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    assert header[-1] == "How will you join?"
    assert all(cell.font.b for cell in sheet[1])
    assert not any(cell.font.b for cell in sheet[2])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, len(header)).column_letter}3"
    row = dict(zip(header, sheet[2], strict=True))
    assert row["Registered at (UTC)"].value == dt.datetime(2020, 1, 15, 22, 30, 5)
    assert row["Registered at (UTC)"].is_date
    assert row["Minutes attended"].value == 87
    assert row["Minutes attended"].data_type == "n"
    assert row["How will you join?"].value == "'=Online"  # still neutralised
    widths = {name: sheet.column_dimensions[cell.column_letter].width for name, cell in row.items()}
    assert widths["Organisation"] == 50  # long text: capped
    assert widths["Event"] == 8  # "sheet" is short: the minimum
    assert widths["Registered at (UTC)"] == len("Registered at (UTC)") + 2


def test_csv_export_keeps_dates_as_text(client, organiser):
    event = EventFactory()
    registration = RegistrationFactory(event=event)
    Registration.objects.filter(pk=registration.pk).update(
        created_at=dt.datetime(2030, 1, 15, 22, 30, 5, tzinfo=dt.UTC)
    )
    client.force_login(organiser)
    response = client.get(f"{LIST}export/{event.pk}/csv/")
    text = b"".join(response.streaming_content).decode("utf-8")
    assert ",2030-01-15 22:30:05," in text


def _event_change_form(client, event) -> dict:
    from tests.agenda.test_admin import _form_values

    response = client.get(f"/admin/webinar/event/{event.pk}/change/")
    with timezone.override(event.tzinfo):
        data = _form_values(response.context["adminform"].form)
    data.update({"sessions-TOTAL_FORMS": "0", "sessions-INITIAL_FORMS": "0"})
    return data


def test_event_admin_raising_capacity_promotes_the_waiting_list(
    client, organiser, django_capture_on_commit_callbacks
):
    event = EventFactory(capacity=1)
    RegistrationFactory(event=event)
    first, second, third = RegistrationFactory.create_batch(
        3, event=event, status=Registration.Status.WAITLISTED
    )
    elsewhere = RegistrationFactory(
        event=EventFactory(capacity=5), status=Registration.Status.WAITLISTED
    )
    client.force_login(organiser)
    data = _event_change_form(client, event)
    data["capacity"] = "3"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/webinar/event/{event.pk}/change/", data)
    assert response.status_code == 302
    statuses = Registration.objects.in_bulk([first.pk, second.pk, third.pk, elsewhere.pk])
    assert [statuses[r.pk].status for r in (first, second, third, elsewhere)] == [
        "approved",
        "approved",
        "waitlisted",
        "waitlisted",
    ]
    assert sorted(m.to[0] for m in mail.outbox) == sorted([first.email, second.email])


def test_event_admin_save_without_capacity_change_promotes_nobody(
    client, organiser, django_capture_on_commit_callbacks
):
    # A free seat beside a waiting list (the seat was freed by hand): an unrelated edit of the
    # event leaves the list alone; only a capacity change gives seats away.
    event = EventFactory(capacity=2)
    RegistrationFactory(event=event)
    waiting = RegistrationFactory(event=event, status=Registration.Status.WAITLISTED)
    client.force_login(organiser)
    data = _event_change_form(client, event)
    data["title_en"] = "Renamed webinar"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/webinar/event/{event.pk}/change/", data)
    assert response.status_code == 302
    waiting.refresh_from_db()
    event.refresh_from_db()
    assert (event.title_en, waiting.status, len(mail.outbox)) == (
        "Renamed webinar",
        "waitlisted",
        0,
    )
