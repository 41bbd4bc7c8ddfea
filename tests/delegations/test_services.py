"""The delegation rules: quota, replacement, deadline, admission modes, held seats, reminders."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from delegations import selectors, services
from delegations.models import Delegation
from registration import services as registration_services
from registration.models import OutgoingMail, Registration
from registration.selectors import event_seats_left
from registration.services.common import event_seats_held
from tests.factories import DelegationFactory, EventFactory, RegistrationFactory
from webinar.models import Event

pytestmark = pytest.mark.django_db

Status = Registration.Status


def nominate(delegation, n: int, **extra):
    return services.delegation_nominate(
        delegation=delegation,
        email=f"nominee{n}-{delegation.pk}@example.org",
        first_name="Nominee",
        last_name=f"Number {n}",
        position="Director",
        **extra,
    )


def sign_up(event, email):
    return registration_services.register(
        event=event,
        email=email,
        first_name="Public",
        last_name="Person",
        country="EG",
        organization="University",
        category="civil_society",
    )


def test_nominations_stop_at_the_quota_with_a_clear_message():
    delegation = DelegationFactory(quota=3)
    bystander = DelegationFactory(event=delegation.event, quota=3)
    for n in range(3):
        nominate(delegation, n)
    with pytest.raises(services.DelegationError) as refusal:
        nominate(delegation, 4)
    assert refusal.value.code == "quota"
    assert str(refusal.value.message) == "Your delegation's 3 seats are all nominated."
    assert delegation.nominees.count() == 3
    assert bystander.nominees.count() == 0
    nominate(bystander, 1)
    assert bystander.nominees.count() == 1


def test_a_nominee_is_marked_with_their_delegation_and_mailed_their_own_link(
    django_capture_on_commit_callbacks,
):
    delegation = DelegationFactory(country="TD", quota=2)
    with django_capture_on_commit_callbacks(execute=True):
        registration = nominate(delegation, 1, language="fr", organization="Ministère du Plan")
    assert registration.delegation == delegation
    assert registration.status == Status.APPROVED
    assert registration.country == "TD"
    assert registration.category == "national_government"
    assert registration.consent_processing is False
    assert registration.organization == "Ministère du Plan"
    assert [m.to for m in mail.outbox] == [[registration.email]]
    message = mail.outbox[0]
    assert message.extra_headers["Content-Language"] == "fr"
    assert "Tchad vous a désigné(e) pour participer à « Webinar" in message.body
    assert "/registrations/" in message.body


def test_an_organisation_nominee_chooses_their_category_and_keeps_the_institution_name():
    delegation = DelegationFactory(country="", organisation="African Union Commission")
    registration = nominate(delegation, 1)
    assert (registration.country, registration.category) == ("", "")
    assert registration.organization == "African Union Commission"
    assert selectors.registration_needs_details(registration=registration) is True


def test_replace_cancels_the_old_nominee_and_gives_the_seat_to_the_new_one():
    delegation = DelegationFactory(quota=2)
    first, second = nominate(delegation, 1), nominate(delegation, 2)
    other = RegistrationFactory(event=delegation.event)
    new = services.delegation_replace(
        delegation=delegation,
        registration=first,
        email="replacement@example.org",
        first_name="New",
        last_name="Person",
    )
    first.refresh_from_db()
    second.refresh_from_db()
    other.refresh_from_db()
    assert first.status == Status.CANCELLED
    assert (second.status, other.status) == (Status.APPROVED, Status.APPROVED)
    assert new.delegation == delegation and new.status == Status.APPROVED
    assert selectors.delegation_seats_used(delegation=delegation) == 2
    kinds = sorted(OutgoingMail.objects.filter(registration=first).values_list("kind", flat=True))
    assert kinds == ["cancelled", "nominated"]


def test_a_failed_replacement_changes_nothing():
    delegation = DelegationFactory(quota=2)
    first = nominate(delegation, 1)
    RegistrationFactory(event=delegation.event, email="taken@example.org")
    with pytest.raises(services.DelegationError) as refusal:
        services.delegation_replace(
            delegation=delegation,
            registration=first,
            email="TAKEN@example.org",
            first_name="Taken",
            last_name="Already",
        )
    assert refusal.value.code == "duplicate"
    first.refresh_from_db()
    assert first.status == Status.APPROVED
    assert delegation.nominees.count() == 1
    assert not OutgoingMail.objects.filter(registration=first, kind="cancelled").exists()


def test_replace_refuses_another_delegations_nominee():
    delegation = DelegationFactory()
    other = DelegationFactory(event=delegation.event)
    theirs = nominate(other, 1)
    with pytest.raises(services.DelegationError) as refusal:
        services.delegation_replace(
            delegation=delegation,
            registration=theirs,
            email="x@example.org",
            first_name="X",
            last_name="Y",
        )
    assert refusal.value.code == "gone"
    theirs.refresh_from_db()
    assert theirs.status == Status.APPROVED


def test_after_the_deadline_no_nomination_and_no_replacement():
    delegation = DelegationFactory(quota=3)
    first = nominate(delegation, 1)
    later = delegation.nomination_deadline + dt.timedelta(minutes=1)
    with pytest.raises(services.DelegationError) as refusal:
        nominate(delegation, 2, now=later)
    assert refusal.value.code == "deadline"
    with pytest.raises(services.DelegationError):
        services.delegation_replace(
            delegation=delegation,
            registration=first,
            email="late@example.org",
            first_name="Late",
            last_name="Comer",
            now=later,
        )
    first.refresh_from_db()
    assert first.status == Status.APPROVED
    assert delegation.nominees.count() == 1


def test_invitation_only_refuses_the_public_but_takes_nominees():
    event = EventFactory(admission=Event.Admission.INVITATION_ONLY, capacity=10)
    delegation = DelegationFactory(event=event, quota=2)
    with pytest.raises(registration_services.RegistrationError) as refusal:
        sign_up(event, "public@example.org")
    assert refusal.value.code == "invitation_only"
    assert nominate(delegation, 1).status == Status.APPROVED
    assert event.registrations.count() == 1


def test_mixed_event_public_sees_capacity_minus_unfilled_quotas():
    event = EventFactory(admission=Event.Admission.MIXED, capacity=10, has_waitlist=True)
    chad = DelegationFactory(event=event, country="TD", quota=3)
    DelegationFactory(event=event, country="ML", quota=2)
    nominate(chad, 1)
    # 10 seats, 1 nominee, 2 + 2 held: 5 for the public.
    assert event_seats_left(event=event) == 5
    statuses = [sign_up(event, f"p{i}@example.org").status for i in range(6)]
    assert statuses == [Status.APPROVED] * 5 + [Status.WAITLISTED]
    # The held seats are still there for the delegations.
    assert nominate(chad, 2).status == Status.APPROVED


def test_open_event_holds_nothing():
    event = EventFactory(admission=Event.Admission.OPEN, capacity=3)
    DelegationFactory(event=event, quota=3)
    assert event_seats_left(event=event) == 3


def test_a_cancelled_nominee_seat_goes_back_to_the_delegation_not_the_waiting_list():
    event = EventFactory(admission=Event.Admission.MIXED, capacity=3, has_waitlist=True)
    delegation = DelegationFactory(event=event, quota=2)
    nominee = nominate(delegation, 1)
    sign_up(event, "a@example.org")
    waiting = sign_up(event, "b@example.org")
    assert waiting.status == Status.WAITLISTED
    registration_services.registration_cancel(registration=nominee)
    waiting.refresh_from_db()
    assert waiting.status == Status.WAITLISTED
    assert selectors.delegation_unfilled_quota(delegation=delegation) == 2


def test_unfilled_seats_are_released_at_the_deadline():
    event = EventFactory(admission=Event.Admission.MIXED, capacity=4)
    delegation = DelegationFactory(event=event, quota=3)
    nominate(delegation, 1)
    assert selectors.event_unfilled_quotas(event=event) == 2
    after = delegation.nomination_deadline + dt.timedelta(seconds=1)
    assert selectors.event_unfilled_quotas(event=event, now=after) == 0


def test_invitations_cannot_reserve_more_than_the_capacity():
    event = EventFactory(admission=Event.Admission.MIXED, capacity=5)
    RegistrationFactory(event=event)
    DelegationFactory(event=event, quota=3, country="NE")
    with pytest.raises(services.DelegationError) as refusal:
        services.delegation_invite(
            event=event,
            country="ML",
            focal_point_name="Aminata",
            focal_point_email="aminata@example.org",
            quota=2,
            nomination_deadline=event.starts_at - dt.timedelta(days=2),
        )
    assert refusal.value.code == "capacity"
    assert event.delegations.count() == 1
    ok = services.delegation_invite(
        event=event,
        country="ML",
        focal_point_name="Aminata",
        focal_point_email="aminata@example.org",
        quota=1,
        nomination_deadline=event.starts_at - dt.timedelta(days=2),
    )
    assert ok.quota == 1


def test_invite_mails_the_focal_point_in_their_language(django_capture_on_commit_callbacks):
    event = EventFactory(title="Atelier")
    with django_capture_on_commit_callbacks(execute=True):
        delegation = services.delegation_invite(
            event=event,
            country="MA",
            focal_point_name="Samira",
            focal_point_email="samira@example.org",
            focal_point_language="ar",
            quota=4,
            nomination_deadline=event.starts_at - dt.timedelta(days=3),
        )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["samira@example.org"]
    assert message.extra_headers["Content-Language"] == "ar"
    assert "/delegations/" in message.body
    assert "ترشيح" in message.subject
    row = OutgoingMail.objects.get(delegation=delegation)
    assert (row.kind, row.registration_id, row.sent_at is not None) == ("invitation", None, True)


def test_the_same_country_is_invited_once_per_event():
    delegation = DelegationFactory(country="NE")
    with pytest.raises(services.DelegationError) as refusal:
        services.delegation_invite(
            event=delegation.event,
            country="NE",
            focal_point_name="Other",
            focal_point_email="other@example.org",
            quota=1,
            nomination_deadline=delegation.nomination_deadline,
        )
    assert refusal.value.code == "duplicate"


def test_revoke_touches_only_the_chosen_delegation():
    delegation = DelegationFactory()
    bystander = DelegationFactory(event=delegation.event)
    key = bystander.access_key
    assert services.delegations_revoke(delegation_ids=[delegation.pk]) == 1
    delegation.refresh_from_db()
    bystander.refresh_from_db()
    assert delegation.revoked_at is not None
    assert (bystander.revoked_at, bystander.access_key) == (None, key)


def test_reminders_once_per_delegation_and_offset(settings, django_capture_on_commit_callbacks):
    settings.DELEGATION_REMINDER_OFFSETS_HOURS = [72, 24]
    event = EventFactory()
    deadline = timezone.now() + dt.timedelta(hours=30)
    late = DelegationFactory(event=event, quota=2, nomination_deadline=deadline)
    nominate(late, 1)
    full = DelegationFactory(event=event, quota=1, nomination_deadline=deadline)
    nominate(full, 1)
    far = DelegationFactory(
        event=event, quota=2, nomination_deadline=deadline + dt.timedelta(days=5)
    )
    Delegation.objects.filter(pk__in=[late.pk, full.pk, far.pk]).update(
        created_at=timezone.now() - dt.timedelta(days=10)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.delegations_schedule_reminders() == 1
        assert services.delegations_schedule_reminders() == 0
    keys = list(
        OutgoingMail.objects.filter(kind="nomination_reminder").values_list(
            "delegation_id", "dedupe_key"
        )
    )
    assert keys == [(late.pk, "nominate-72h")]
    assert [m.to for m in mail.outbox if "Reminder" in m.subject] == [[late.focal_point_email]]
    # Six hours later the 24-hour reminder is due, once.
    later = timezone.now() + dt.timedelta(hours=7)
    assert services.delegations_schedule_reminders(now=later) == 1
    assert services.delegations_schedule_reminders(now=later) == 0
    assert OutgoingMail.objects.filter(kind="nomination_reminder", delegation=far).count() == 0


def test_the_counts_per_delegation_in_one_query(django_assert_num_queries):
    delegation = DelegationFactory(quota=3)
    a, b = nominate(delegation, 1), nominate(delegation, 2)
    Registration.objects.filter(pk=a.pk).update(attended=True)
    Registration.objects.filter(pk=b.pk).update(status=Status.PENDING)
    DelegationFactory(event=delegation.event)
    with django_assert_num_queries(1):
        rows = {
            d.pk: (d.nominated, d.confirmed, d.attended)
            for d in selectors.delegations_with_counts()
        }
    assert rows[delegation.pk] == (2, 1, 1)
    assert sorted(rows.values()) == [(0, 0, 0), (2, 1, 1)]


@pytest.mark.parametrize("kind", ["invitation", "nomination_reminder"])
@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_focal_point_mails_render_in_their_language_unescaped(settings, kind, language):
    settings.SITE_URL = "https://webinars.example.org"
    event = EventFactory(title="Sahel & Sahara <webinar>", time_zone="Africa/Cairo")
    delegation = DelegationFactory(
        event=event,
        focal_point_name="Ousmane <Diallo>",
        focal_point_language=language,
        nomination_deadline=dt.datetime(2030, 8, 5, 15, 0, tzinfo=dt.UTC),
    )
    row = OutgoingMail.objects.create(delegation=delegation, kind=kind, due_at=timezone.now())
    assert registration_services.mail_send(mail_id=row.pk) is True
    (message,) = mail.outbox
    assert message.to == [delegation.focal_point_email]
    assert message.extra_headers["Content-Language"] == language
    assert "Sahel & Sahara <webinar>" in message.subject
    assert "Ousmane <Diallo>" in message.body
    assert "https://webinars.example.org/delegations/" in message.body
    deadline = {
        "en": "5 August 2030, 18:00",
        "fr": "5 août 2030, 18:00",
        "ar": "5 أغسطس 2030، 18:00",
    }
    assert deadline[language] in message.body
    greeting = {"en": "Dear", "fr": "Bonjour", "ar": "،"}
    assert greeting[language] in message.body


def test_nominee_of_an_open_event_gets_no_seat_beyond_capacity():
    """On an open event no seat is held for delegations: a nominee needs a free seat too."""
    event = EventFactory(admission=Event.Admission.OPEN, capacity=2)
    delegation = DelegationFactory(event=event, quota=3)
    sign_up(event, "public@example.org")
    assert nominate(delegation, 1).status == Status.APPROVED
    with pytest.raises(services.DelegationError) as refused:
        nominate(delegation, 2)
    assert (refused.value.code, str(refused.value.message)) == (
        "full",
        "Sorry, this event is full.",
    )
    assert event.registrations.count() == 2


def _replaced(delegation):
    first = nominate(delegation, 1)
    services.delegation_replace(
        delegation=delegation,
        registration=first,
        email="replacement@example.org",
        first_name="New",
        last_name="Person",
    )
    first.refresh_from_db()
    assert first.status == Status.CANCELLED
    return first


def _kinds(registration):
    return list(registration.mails.order_by("pk").values_list("kind", flat=True))


def test_a_replaced_nominee_named_again_is_the_same_row_on_the_quota_once_more():
    event = EventFactory(admission=Event.Admission.MIXED, capacity=10)
    delegation = DelegationFactory(event=event, quota=3)
    first = _replaced(delegation)
    again = nominate(delegation, 1)
    assert again.pk == first.pk
    first.refresh_from_db()
    assert (first.status, first.delegation_id) == (Status.APPROVED, delegation.pk)
    assert _kinds(first) == ["nominated", "cancelled", "nominated"]
    assert selectors.delegation_seats_used(delegation=delegation) == 2


def test_a_replaced_nominee_named_again_under_manual_approval_waits_for_it():
    event = EventFactory(
        admission=Event.Admission.MIXED, capacity=10, approval_mode=Event.ApprovalMode.MANUAL
    )
    delegation = DelegationFactory(event=event, quota=3)
    _replaced(delegation)
    assert nominate(delegation, 1).status == Status.PENDING


def test_a_replaced_nominee_signing_up_themselves_takes_a_public_seat_not_the_delegations():
    event = EventFactory(admission=Event.Admission.MIXED, capacity=10)
    delegation = DelegationFactory(event=event, quota=3)
    first = _replaced(delegation)
    again = sign_up(event, first.email.upper())
    assert again.pk == first.pk
    first.refresh_from_db()
    assert (first.status, first.delegation_id) == (Status.APPROVED, None)
    assert _kinds(first) == ["nominated", "cancelled", "approved"]
    assert selectors.delegation_seats_used(delegation=delegation) == 1


def test_a_nominee_is_refused_the_seats_other_delegations_still_hold():
    event = EventFactory(admission=Event.Admission.MIXED, capacity=4)
    DelegationFactory(event=event, country="ML", quota=2)
    chad = DelegationFactory(event=event, country="TD", quota=2)
    # The organiser lowers the capacity after inviting: Mali still holds its two seats.
    Event.objects.filter(pk=event.pk).update(capacity=3)
    assert nominate(chad, 1).status == Status.APPROVED
    with pytest.raises(services.DelegationError) as refused:
        nominate(chad, 2)
    assert refused.value.code == "full"
    assert chad.nominees.count() == 1


def test_seats_are_held_for_a_delegation_until_its_deadline():
    event = EventFactory(admission=Event.Admission.MIXED, capacity=10)
    delegation = DelegationFactory(event=event, quota=3)
    nominate(delegation, 1)
    deadline = delegation.nomination_deadline
    before = deadline - dt.timedelta(minutes=1)
    after = deadline + dt.timedelta(minutes=1)
    assert registration_services.event_seats_taken(event=event) == 1
    assert event_seats_held(event=event, now=before) == 2
    assert event_seats_held(event=event, now=after) == 0
