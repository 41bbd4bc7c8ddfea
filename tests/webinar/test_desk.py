"""The event desk: what an organiser sees of one event and the one-click decisions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.admin.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from delegations import services as delegation_services
from registration.models import OutgoingMail, Registration
from registration.selectors import event_desk, event_signups_per_day
from tests.factories import DelegationFactory, EventFactory, RegistrationFactory, SeriesFactory
from webinar.models import Event

pytestmark = pytest.mark.django_db

Status = Registration.Status


def desk_url(event) -> str:
    return f"/admin/webinar/event/{event.pk}/desk/"


@pytest.fixture
def manual_event():
    return EventFactory(slug="desk", capacity=5, approval_mode=Event.ApprovalMode.MANUAL)


def _fill(event, **counts):
    made = {}
    for status, n in counts.items():
        made[status] = [RegistrationFactory(event=event, status=status) for _ in range(n)]
    return made


def test_desk_counts_seats_and_statuses(client, organiser, manual_event):
    _fill(manual_event, approved=2, pending=2, waitlisted=1, rejected=1)
    RegistrationFactory(status=Status.APPROVED)  # another event of the series: not counted
    desk = event_desk(event=manual_event)
    assert desk.counts == {
        "pending": 2, "approved": 2, "waitlisted": 1, "rejected": 1, "cancelled": 0
    }  # fmt: skip
    assert (desk.seats_taken, desk.seats_left) == (4, 1)
    client.force_login(organiser)
    page = client.get(desk_url(manual_event)).content.decode()
    assert "<dt>Seats taken</dt><dd>4</dd>" in page
    assert "<dt>Seats left</dt><dd>1</dd>" in page


def test_desk_approves_a_pending_registration_in_one_click(
    client, organiser, manual_event, django_capture_on_commit_callbacks
):
    regs = _fill(manual_event, pending=2)
    first, second = regs["pending"]
    client.force_login(organiser)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            desk_url(manual_event), {"registration": first.pk, "action": "approve"}
        )
    assert response.status_code == 302
    assert response["Location"] == desk_url(manual_event)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (Status.APPROVED, Status.PENDING)
    assert list(first.mails.values_list("kind", flat=True)) == [OutgoingMail.Kind.APPROVED]
    assert second.mails.count() == 0
    page = client.get(desk_url(manual_event)).content.decode()
    assert "Approved 1 registration." in page
    assert "<dt>Approved</dt><dd>1</dd>" in page


def test_desk_reject_gives_the_freed_seat_to_the_waiting_list(client, organiser):
    event = EventFactory(capacity=1, approval_mode=Event.ApprovalMode.AUTOMATIC)
    regs = _fill(event, approved=1, waitlisted=2)
    client.force_login(organiser)
    client.post(desk_url(event), {"registration": regs["approved"][0].pk, "action": "reject"})
    statuses = list(
        event.registrations.order_by("created_at", "pk").values_list("status", flat=True)
    )
    assert statuses == [Status.REJECTED, Status.APPROVED, Status.WAITLISTED]
    page = client.get(desk_url(event)).content.decode()
    assert "Rejected 1 registration. 1 on the waiting list got the freed seat." in page


def test_desk_status_changes_are_in_the_admin_log(client, organiser):
    event = EventFactory(capacity=1, approval_mode=Event.ApprovalMode.AUTOMATIC)
    regs = _fill(event, approved=1, waitlisted=2)
    seated, promoted = regs["approved"][0], regs["waitlisted"][0]
    client.force_login(organiser)
    client.post(desk_url(event), {"registration": seated.pk, "action": "reject"})
    entries = {
        int(e.object_id): e.change_message
        for e in LogEntry.objects.filter(user=organiser).order_by("pk")
    }
    assert entries == {
        seated.pk: "Admin action “Reject”: the status is now “Rejected”.",
        promoted.pk: "Given a seat from the waiting list, freed by the admin action “Reject”.",
    }


def test_desk_approve_on_a_full_event_says_so(client, organiser):
    event = EventFactory(capacity=1)
    regs = _fill(event, approved=1, waitlisted=1)
    client.force_login(organiser)
    client.post(desk_url(event), {"registration": regs["waitlisted"][0].pk, "action": "approve"})
    regs["waitlisted"][0].refresh_from_db()
    assert regs["waitlisted"][0].status == Status.WAITLISTED
    page = client.get(desk_url(event)).content.decode()
    assert "Approved 0 registrations. 1 stays on the waiting list: the event is full." in page


def test_desk_refuses_a_registration_of_another_event(client, organiser, manual_event):
    elsewhere = RegistrationFactory(status=Status.PENDING)
    client.force_login(organiser)
    response = client.post(
        desk_url(manual_event), {"registration": elsewhere.pk, "action": "approve"}
    )
    assert response.status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.status == Status.PENDING


def test_desk_refuses_bad_input_without_a_500(client, organiser, manual_event):
    client.force_login(organiser)
    assert client.post(desk_url(manual_event), {"action": "approve"}).status_code == 400
    assert client.post(desk_url(manual_event), {"action": "delete"}).status_code == 400
    assert client.get("/admin/webinar/event/nope/desk/").status_code == 404


def test_desk_is_for_the_series_organisers_only(client, rapporteur, other_organiser, manual_event):
    pending = _fill(manual_event, pending=1)["pending"][0]
    client.force_login(rapporteur)
    assert client.get(desk_url(manual_event)).status_code == 403
    assert (
        client.post(
            desk_url(manual_event), {"registration": pending.pk, "action": "approve"}
        ).status_code
        == 403
    )
    client.force_login(other_organiser)
    assert client.get(desk_url(manual_event)).status_code == 404
    assert (
        client.post(
            desk_url(manual_event), {"registration": pending.pk, "action": "approve"}
        ).status_code
        == 404
    )
    pending.refresh_from_db()
    assert pending.status == Status.PENDING


def test_desk_resends_failed_mails_only(client, organiser, manual_event):
    reg = RegistrationFactory(event=manual_event)
    now = timezone.now()
    failed = OutgoingMail.objects.create(
        registration=reg, kind="approved", due_at=now, attempts=8, last_error="SMTP 550"
    )
    sent = OutgoingMail.objects.create(
        registration=reg, kind="received", due_at=now, sent_at=now, attempts=1
    )
    queued = OutgoingMail.objects.create(registration=reg, kind="reminder", due_at=now)
    in_flight = OutgoingMail.objects.create(
        registration=reg,
        kind="custom",
        due_at=now,
        attempts=2,
        last_error="timeout",
        claimed_until=now + dt.timedelta(minutes=5),  # a worker is sending it again now
    )
    assert event_desk(event=manual_event).mails == {"sent": 1, "failed": 2, "queued": 1}
    client.force_login(organiser)
    response = client.post(desk_url(manual_event), {"action": "resend_failed"})
    assert response.status_code == 302
    failed.refresh_from_db()
    sent.refresh_from_db()
    queued.refresh_from_db()
    assert (failed.attempts, failed.last_error, failed.sent_at) == (0, "", None)
    assert (sent.attempts, sent.sent_at) == (1, now)
    in_flight.refresh_from_db()
    assert (in_flight.attempts, in_flight.last_error) == (2, "timeout")
    assert event_desk(event=manual_event).mails == {"sent": 1, "failed": 1, "queued": 2}


def test_signups_per_day_in_the_event_zone_with_empty_days():
    opens = dt.datetime(2030, 3, 1, 8, 0, tzinfo=dt.UTC)
    event = EventFactory(
        time_zone="Africa/Cairo",
        registration_opens_at=opens,
        starts_at=dt.datetime(2030, 3, 10, 8, 0, tzinfo=dt.UTC),
        ends_at=dt.datetime(2030, 3, 10, 11, 0, tzinfo=dt.UTC),
    )
    times = [
        dt.datetime(2030, 3, 1, 9, 0, tzinfo=dt.UTC),
        dt.datetime(2030, 3, 1, 22, 30, tzinfo=dt.UTC),  # 00:30 on 2 March in Cairo
        dt.datetime(2030, 3, 4, 12, 0, tzinfo=dt.UTC),
    ]
    for at in times:
        reg = RegistrationFactory(event=event)
        Registration.objects.filter(pk=reg.pk).update(created_at=at)
    days = event_signups_per_day(event=event, today=dt.date(2030, 3, 5))
    assert days == [
        (dt.date(2030, 3, 1), 1),
        (dt.date(2030, 3, 2), 1),
        (dt.date(2030, 3, 3), 0),
        (dt.date(2030, 3, 4), 1),
        (dt.date(2030, 3, 5), 0),
    ]


def test_desk_breakdowns_leave_out_cancelled_and_rejected(manual_event):
    RegistrationFactory(event=manual_event, country="NE", sex="female", language="fr")
    RegistrationFactory(event=manual_event, country="NE", interpretation_language="ar")
    RegistrationFactory(event=manual_event, country="ML", status=Status.CANCELLED)
    desk = event_desk(event=manual_event)
    assert desk.by_country == [("Niger", 2)]
    assert desk.by_sex == [("Female", 1), ("Male", 0), ("Prefer not to say", 1)]
    assert desk.by_language == [("English", 1), ("Français", 1), ("العربيّة", 0)]
    assert desk.by_interpretation == [("None", 1), ("English", 0), ("Français", 0), ("العربيّة", 1)]


def _desk_queries(client, event) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(desk_url(event))
    assert response.status_code == 200
    return len(queries)


def test_desk_queries_do_not_grow_with_registrations(client, organiser):
    small, large = EventFactory(capacity=100), EventFactory(capacity=100)
    for event, n in ((small, 3), (large, 30)):
        for i in range(n):
            status = (Status.PENDING, Status.WAITLISTED, Status.APPROVED)[i % 3]
            reg = RegistrationFactory(event=event, status=status, country=("NE", "ML", "TD")[i % 3])
            OutgoingMail.objects.create(
                registration=reg, kind="received", due_at=timezone.now(), last_error="x"
            )
    client.force_login(organiser)
    _desk_queries(client, small)  # warm the permission and content-type caches
    assert _desk_queries(client, small) == _desk_queries(client, large)


def test_desk_in_arabic_reads_right_to_left(client, organiser, manual_event):
    _fill(manual_event, pending=1)
    client.force_login(organiser)
    page = client.get(desk_url(manual_event), headers={"accept-language": "ar"}).content.decode()
    assert 'dir="rtl"' in page
    assert "حسب البلد" in page  # "By country"


def test_admin_index_lists_the_team_events_with_their_desks(client, organiser, other_organiser):
    ours = EventFactory(title="Niamey workshop")
    theirs = EventFactory(title="Tunis workshop", series=SeriesFactory())
    client.force_login(organiser)
    page = client.get("/admin/").content.decode()
    assert f'href="{desk_url(ours)}"' in page
    assert "Tunis workshop" not in page
    client.force_login(other_organiser)
    page = client.get("/admin/").content.decode()
    assert "Niamey workshop" not in page and f'href="{desk_url(theirs)}"' not in page


def test_desk_countries_of_equal_count_in_the_reader_alphabet(manual_event):
    from django.utils import translation

    for code in ("ER", "EG", "ZM"):  # Érythrée, Égypte, Zambie
        RegistrationFactory(event=manual_event, country=code)
    with translation.override("fr"):
        desk = event_desk(event=manual_event)
    assert desk.by_country == [("Égypte", 1), ("Érythrée", 1), ("Zambie", 1)]


def test_desk_after_the_event_counts_attendance_by_its_rule(client, organiser):
    start = timezone.now() - dt.timedelta(days=2)
    event = EventFactory(
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=120),
        attendance_rule=Event.AttendanceRule.MINUTES,
        attendance_threshold=30,
    )
    RegistrationFactory(event=event, minutes_attended=90)
    RegistrationFactory(event=event, minutes_attended=30)
    RegistrationFactory(event=event, minutes_attended=10)  # too little: not counted
    RegistrationFactory(event=event, attended=True)  # marked by an organiser, no minutes
    RegistrationFactory(event=event)
    desk = event_desk(event=event)
    assert (desk.attended, desk.minutes_attended) == (3, 60)
    client.force_login(organiser)
    page = client.get(desk_url(event)).content.decode()
    assert "<dt>Attended</dt><dd>3</dd>" in page
    assert "No PDF has been built yet." in page


def test_desk_names_the_invited_delegations_with_no_one_registered(client, organiser):
    event = EventFactory(admission=Event.Admission.MIXED, capacity=20)
    niger = DelegationFactory(event=event, country="NE", focal_point_name="Moussa Focal")
    DelegationFactory(event=event, country="ML", focal_point_name="Aminata Focal")
    delegation_services.delegation_nominate(
        delegation=niger, email="nominee@example.org", first_name="Idrissa", last_name="Nominee"
    )
    client.force_login(organiser)
    page = client.get(desk_url(event)).content.decode()
    block = page.split('id="desk-delegations"', 1)[1].split("</section>", 1)[0]
    assert "Mali (Aminata Focal)" in block
    assert "Niger" not in block


def test_desk_without_delegations_leaves_the_block_out(client, organiser, manual_event):
    client.force_login(organiser)
    page = client.get(desk_url(manual_event)).content.decode()
    assert 'id="desk-delegations"' not in page
