"""The registration rules, each beside a row it must not touch.

These tests pin down what the rules promise in detail: every field of a sign-up reaches the
row, refusals carry their exact message and code, arrival order is by time (not by id), and
every conditional or bulk update leaves other events' rows as they were.
"""

import datetime as dt

import pytest
from django.utils import timezone

from registration import services
from registration.models import Answer, OutgoingMail, Registration
from registration.services import status
from tests.factories import EventFactory, QuestionFactory, RegistrationFactory, UserFactory
from webinar.models import Event

pytestmark = pytest.mark.django_db

Status = Registration.Status
Kind = OutgoingMail.Kind
TICK = dt.timedelta(microseconds=1)

MINIMAL = {
    "email": "amina@example.org",
    "first_name": "Amina",
    "last_name": "Example",
    "country": "NE",
    "organization": "Ministry of Planning (fictional)",
    "category": "national_government",
}


def _snapshot(event: Event) -> list[tuple]:
    """What an unrelated event's registrations look like, to compare before and after."""
    return list(
        event.registrations.order_by("pk").values_list(
            "pk", "status", "email", "first_name", "access_key", "anonymised_at", "attended"
        )
    )


def _mails(registration: Registration) -> list[str]:
    return list(registration.mails.order_by("pk").values_list("kind", flat=True))


# --- signing up ---------------------------------------------------------------------------


def test_register_every_field_reaches_the_row_stripped():
    event = EventFactory()
    user = UserFactory()
    registration = services.register(
        event=event,
        email="  amina@example.org ",
        first_name=" Amina ",
        last_name=" Diallo ",
        country="ML",
        organization=" Ministry of Planning (fictional) ",
        category="local_government",
        language="ar",
        honorific="Dr",
        phone=" +223 20 00 00 00 ",
        position=" Director ",
        sex="female",
        interpretation_language="fr",
        accessibility_needs=" Captions ",
        consent_listing=True,
        user=user,
    )
    row = Registration.objects.get(pk=registration.pk)
    assert (
        row.email,
        row.first_name,
        row.last_name,
        row.country.code,
        row.organization,
        row.category,
        row.language,
        row.honorific,
        row.phone,
        row.position,
        row.sex,
        row.interpretation_language,
        row.accessibility_needs,
        row.consent_processing,
        row.consent_listing,
        row.user_id,
    ) == (
        "amina@example.org",
        "Amina",
        "Diallo",
        "ML",
        "Ministry of Planning (fictional)",
        "local_government",
        "ar",
        "Dr",
        "+223 20 00 00 00",
        "Director",
        "female",
        "fr",
        "Captions",
        True,
        True,
        user.pk,
    )


def test_register_defaults_of_the_optional_fields():
    registration = services.register(event=EventFactory(), **MINIMAL)
    row = Registration.objects.get(pk=registration.pk)
    assert (
        row.language,
        row.honorific,
        row.phone,
        row.position,
        row.sex,
        row.interpretation_language,
        row.accessibility_needs,
        row.consent_listing,
        row.user_id,
    ) == ("en", "", "", "", "undisclosed", "", "", False, None)


def test_register_closed_refused_with_its_message_and_saves_nothing():
    event = EventFactory(registration_closes_at=timezone.now() - dt.timedelta(minutes=1))
    with pytest.raises(services.RegistrationError) as refused:
        services.register(event=event, **MINIMAL)
    assert (refused.value.code, str(refused.value.message)) == (
        "closed",
        "Registration for this event is closed.",
    )
    assert str(refused.value) == "Registration for this event is closed."
    assert Registration.objects.count() == 0


def test_register_without_consent_refused_with_its_message():
    with pytest.raises(services.RegistrationError) as refused:
        services.register(event=EventFactory(), consent_processing=False, **MINIMAL)
    assert (refused.value.code, str(refused.value.message)) == (
        "consent",
        "Registration needs your consent to the processing of your data.",
    )
    assert Registration.objects.count() == 0


def test_register_duplicate_refused_with_its_message_other_events_untouched():
    event, other = EventFactory(), EventFactory()
    RegistrationFactory(event=other, email="AMINA@example.org")
    first = services.register(event=event, **MINIMAL)
    with pytest.raises(services.RegistrationError) as refused:
        services.register(event=event, **{**MINIMAL, "email": "Amina@Example.org"})
    assert (refused.value.code, str(refused.value.message)) == ("duplicate", "Already registered.")
    assert event.registrations.count() == 1
    assert other.registrations.count() == 1
    assert _mails(first) == [Kind.APPROVED, Kind.ALREADY_REGISTERED]


def test_register_full_without_waitlist_refused_with_its_message():
    event = EventFactory(capacity=1, has_waitlist=False)
    RegistrationFactory(event=event)
    with pytest.raises(services.RegistrationError) as refused:
        services.register(event=event, **MINIMAL)
    assert (refused.value.code, str(refused.value.message)) == (
        "full",
        "Sorry, this event is full.",
    )
    assert event.registrations.count() == 1


def test_register_counts_only_this_events_seats():
    event, other = EventFactory(capacity=1), EventFactory(capacity=1)
    RegistrationFactory(event=other)
    registration = services.register(event=event, **MINIMAL)
    assert registration.status == Status.APPROVED


def test_register_list_answers_are_kept_one_per_line():
    event = EventFactory()
    question = QuestionFactory(event=event)
    registration = services.register(
        event=event, answers={question: ["Planning", "Finance"]}, **MINIMAL
    )
    assert Answer.objects.get(registration=registration).value == "Planning\nFinance"


def test_event_is_over_at_its_end_exactly():
    event = EventFactory()
    assert services.event_is_over(event=event, now=event.ends_at) is True
    assert services.event_is_over(event=event, now=event.ends_at - dt.timedelta(seconds=1)) is (
        False
    )


# --- status changes -----------------------------------------------------------------------


def test_approve_beyond_capacity_is_skipped_with_a_named_reason():
    event = EventFactory(capacity=1, approval_mode=Event.ApprovalMode.MANUAL)
    RegistrationFactory(event=event, status=Status.APPROVED)
    waiting = RegistrationFactory(event=event, status=Status.WAITLISTED, first_name="Idrissa")
    with pytest.raises(services.RegistrationError) as refused:
        status._apply(waiting, event, "approve")
    assert refused.value.code == "full"
    assert str(refused.value.message) == (
        f"No seat is free: {waiting.full_name} stays where they are."
    )
    waiting.refresh_from_db()
    assert waiting.status == Status.WAITLISTED


def test_reject_waitlisted_when_full_frees_no_seat_and_mails_rejected():
    event = EventFactory(capacity=1)
    seated = RegistrationFactory(event=event, status=Status.APPROVED)
    waiting = RegistrationFactory(event=event, status=Status.WAITLISTED)
    result = services.registrations_apply(registration_ids=[waiting.pk], action="reject")
    assert (result.changed, result.skipped) == (1, 0)
    waiting.refresh_from_db()
    seated.refresh_from_db()
    assert (waiting.status, seated.status) == (Status.REJECTED, Status.APPROVED)
    assert _mails(waiting) == [Kind.REJECTED]


def test_approve_of_a_pending_person_mails_approved_not_promoted():
    event = EventFactory(approval_mode=Event.ApprovalMode.MANUAL)
    pending = RegistrationFactory(event=event, status=Status.PENDING)
    services.registrations_apply(registration_ids=[pending.pk], action="approve")
    assert _mails(pending) == [Kind.APPROVED]


def test_approve_of_a_waitlisted_person_mails_promoted():
    event = EventFactory(capacity=2)
    RegistrationFactory(event=event, status=Status.APPROVED)
    waiting = RegistrationFactory(event=event, status=Status.WAITLISTED)
    services.registrations_apply(registration_ids=[waiting.pk], action="approve")
    waiting.refresh_from_db()
    assert waiting.status == Status.APPROVED
    assert _mails(waiting) == [Kind.PROMOTED]


def test_moving_someone_to_the_waiting_list_promotes_the_next():
    event = EventFactory(capacity=1)
    seated = RegistrationFactory(event=event, status=Status.APPROVED)
    waiting = RegistrationFactory(event=event, status=Status.WAITLISTED)
    services.registrations_apply(registration_ids=[seated.pk], action="waitlist")
    seated.refresh_from_db()
    waiting.refresh_from_db()
    assert (seated.status, waiting.status) == (Status.WAITLISTED, Status.APPROVED)
    assert _mails(waiting) == [Kind.PROMOTED]
    assert _mails(seated) == [Kind.WAITLISTED]


def test_promotion_follows_arrival_time_not_id():
    event = EventFactory(capacity=1)
    seated = RegistrationFactory(event=event, status=Status.APPROVED)
    later = RegistrationFactory(event=event, status=Status.WAITLISTED)
    earlier = RegistrationFactory(event=event, status=Status.WAITLISTED)
    now = timezone.now()
    Registration.objects.filter(pk=later.pk).update(created_at=now - dt.timedelta(hours=1))
    Registration.objects.filter(pk=earlier.pk).update(created_at=now - dt.timedelta(hours=2))
    services.registrations_apply(registration_ids=[seated.pk], action="cancel")
    assert Registration.objects.get(pk=earlier.pk).status == Status.APPROVED
    assert Registration.objects.get(pk=later.pk).status == Status.WAITLISTED


def test_a_mail_written_from_its_template_keeps_no_subject_or_body_of_its_own():
    """Only a custom message stores its text; the others are written from their templates
    when sent, and the outbox in the admin shows an empty subject for them."""
    event = EventFactory(approval_mode=Event.ApprovalMode.MANUAL)
    signed_up = services.register(event=event, **MINIMAL)
    services.registrations_apply(registration_ids=[signed_up.pk], action="approve")
    rows = list(signed_up.mails.order_by("pk").values_list("kind", "subject", "body"))
    assert rows == [(OutgoingMail.Kind.RECEIVED, "", ""), (OutgoingMail.Kind.APPROVED, "", "")]


def test_promotion_passes_over_an_anonymised_person_on_the_waiting_list():
    event = EventFactory(capacity=1)
    seated = RegistrationFactory(event=event, status=Status.APPROVED)
    wiped = RegistrationFactory(event=event, status=Status.WAITLISTED)
    next_one = RegistrationFactory(event=event, status=Status.WAITLISTED)
    Registration.objects.filter(pk=wiped.pk).update(
        created_at=timezone.now() - dt.timedelta(days=1)
    )
    services.registrations_anonymise(queryset=Registration.objects.filter(pk=wiped.pk))
    services.registrations_apply(registration_ids=[seated.pk], action="cancel")
    assert Registration.objects.get(pk=wiped.pk).status == Status.WAITLISTED
    assert Registration.objects.get(pk=next_one.pk).status == Status.APPROVED


def test_promotion_gives_a_tie_in_arrival_time_to_the_lower_id():
    event = EventFactory(capacity=1)
    seated = RegistrationFactory(event=event, status=Status.APPROVED)
    first, second = (RegistrationFactory(event=event, status=Status.WAITLISTED) for _ in range(2))
    # The same arrival time, written to the second first: the first now lies after it in the
    # table and in the index.
    now = timezone.now()
    for registration in (second, first):
        Registration.objects.filter(pk=registration.pk).update(created_at=now)
    services.registrations_apply(registration_ids=[seated.pk], action="cancel")
    assert Registration.objects.get(pk=first.pk).status == Status.APPROVED
    assert Registration.objects.get(pk=second.pk).status == Status.WAITLISTED


def test_promotion_to_pending_under_manual_approval_and_only_from_the_waiting_list():
    event = EventFactory(capacity=1, approval_mode=Event.ApprovalMode.MANUAL)
    seated = RegistrationFactory(event=event, status=Status.APPROVED)
    rejected = RegistrationFactory(event=event, status=Status.REJECTED)
    waiting = RegistrationFactory(event=event, status=Status.WAITLISTED)
    services.registrations_apply(registration_ids=[seated.pk], action="cancel")
    waiting.refresh_from_db()
    rejected.refresh_from_db()
    assert (waiting.status, rejected.status) == (Status.PENDING, Status.REJECTED)
    assert _mails(waiting) == [Kind.PROMOTED]


def test_bulk_approval_of_waitlisted_in_arrival_order_stops_at_capacity():
    event = EventFactory(capacity=1)
    later = RegistrationFactory(event=event, status=Status.WAITLISTED)
    earlier = RegistrationFactory(event=event, status=Status.WAITLISTED)
    Registration.objects.filter(pk=earlier.pk).update(
        created_at=timezone.now() - dt.timedelta(days=1)
    )
    result = services.registrations_apply(registration_ids=[later.pk, earlier.pk], action="approve")
    assert (result.changed, result.skipped) == (1, 1)
    assert Registration.objects.get(pk=earlier.pk).status == Status.APPROVED
    assert Registration.objects.get(pk=later.pk).status == Status.WAITLISTED


def test_bulk_approval_across_two_events_keeps_each_events_capacity():
    full, roomy = EventFactory(capacity=1), EventFactory(capacity=5)
    seated = RegistrationFactory(event=full, status=Status.APPROVED)
    refused_here = RegistrationFactory(event=full, status=Status.REJECTED)
    welcome_there = RegistrationFactory(event=roomy, status=Status.REJECTED)
    result = services.registrations_apply(
        registration_ids=[refused_here.pk, welcome_there.pk], action="approve"
    )
    assert (result.changed, result.skipped, result.full_other) == (1, 1, 1)
    statuses = dict(Registration.objects.values_list("pk", "status"))
    assert statuses == {
        seated.pk: Status.APPROVED,
        refused_here.pk: Status.REJECTED,
        welcome_there.pk: Status.APPROVED,
    }


def test_bulk_approval_counts_each_refusal_by_what_it_was():
    event = EventFactory(capacity=1)
    RegistrationFactory(event=event, status=Status.APPROVED)
    rejected = [RegistrationFactory(event=event, status=Status.REJECTED) for _ in range(2)]
    waiting = RegistrationFactory(event=event, status=Status.WAITLISTED)
    result = services.registrations_apply(
        registration_ids=[*(r.pk for r in rejected), waiting.pk], action="approve"
    )
    assert (result.changed, result.skipped) == (0, 3)
    assert (result.full_waitlisted, result.full_other) == (1, 2)


def test_bulk_approval_gives_a_tie_in_arrival_time_to_the_lower_id():
    event = EventFactory(capacity=1)
    first, second = (RegistrationFactory(event=event, status=Status.WAITLISTED) for _ in range(2))
    # The same arrival time, written to the second first: the first now lies after it in the
    # table and in the index.
    now = timezone.now()
    for registration in (second, first):
        Registration.objects.filter(pk=registration.pk).update(created_at=now)
    result = services.registrations_apply(registration_ids=[second.pk, first.pk], action="approve")
    assert (result.changed, result.full_waitlisted) == (1, 1)
    assert Registration.objects.get(pk=first.pk).status == Status.APPROVED
    assert Registration.objects.get(pk=second.pk).status == Status.WAITLISTED


def test_bulk_action_touches_only_the_given_rows_of_each_event():
    event, other = EventFactory(), EventFactory()
    chosen = RegistrationFactory(event=event, status=Status.PENDING)
    neighbour = RegistrationFactory(event=event, status=Status.PENDING)
    bystanders = [RegistrationFactory(event=other, status=Status.PENDING) for _ in range(2)]
    before = _snapshot(other)
    result = services.registrations_apply(registration_ids=[chosen.pk], action="reject")
    assert (result.changed, result.skipped) == (1, 0)
    assert Registration.objects.get(pk=neighbour.pk).status == Status.PENDING
    assert _snapshot(other) == before
    assert all(_mails(b) == [] for b in bystanders)


def test_unknown_action_is_refused_by_name():
    with pytest.raises(ValueError, match=r"^publish$"):
        services.registrations_apply(registration_ids=[], action="publish")


def test_resend_skips_anonymised_and_counts_each_mail():
    event = EventFactory()
    kept = [RegistrationFactory(event=event) for _ in range(2)]
    gone = RegistrationFactory(event=event)
    late = RegistrationFactory(event=event)
    services.registrations_anonymise(queryset=Registration.objects.filter(pk=gone.pk))
    sent = services.registrations_resend(registration_ids=[gone.pk, *(r.pk for r in kept), late.pk])
    assert sorted(sent) == sorted([*(r.pk for r in kept), late.pk])
    assert OutgoingMail.objects.filter(registration=gone).count() == 0


def test_message_skips_anonymised_and_counts_each_mail():
    event = EventFactory()
    kept = [RegistrationFactory(event=event) for _ in range(3)]
    gone = RegistrationFactory(event=event)
    services.registrations_anonymise(queryset=Registration.objects.filter(pk=gone.pk))
    sent = services.registrations_message(
        registration_ids=[gone.pk, *(r.pk for r in kept)], subject="Agenda", body="Hello {name}"
    )
    assert sorted(sent) == sorted(r.pk for r in kept)
    assert OutgoingMail.objects.filter(registration=gone).count() == 0
    assert (
        list(OutgoingMail.objects.filter(kind=Kind.CUSTOM).values_list("subject", flat=True))
        == ["Agenda"] * 3
    )


def test_update_details_names_the_refused_fields_and_saves_the_rest_stripped():
    registration = RegistrationFactory(position="Officer")
    with pytest.raises(ValueError, match=r"not editable: \['email', 'status'\]"):
        services.registration_update_details(
            registration=registration, email="x@example.org", status="approved"
        )
    services.registration_update_details(registration=registration, position=" Director ")
    assert Registration.objects.get(pk=registration.pk).position == "Director"


def test_update_details_after_the_event_refused_with_code_over():
    event = EventFactory(
        starts_at=timezone.now() - dt.timedelta(days=2),
        ends_at=timezone.now() - dt.timedelta(days=1),
    )
    registration = RegistrationFactory(event=event, position="Officer")
    with pytest.raises(services.RegistrationError) as refused:
        services.registration_update_details(registration=registration, position="Director")
    assert refused.value.code == "over"
    assert Registration.objects.get(pk=registration.pk).position == "Officer"


# --- data protection ----------------------------------------------------------------------


def test_anonymise_wipes_every_identifying_field_and_the_link():
    user = UserFactory()
    registration = RegistrationFactory(
        honorific="Dr",
        position="Director",
        accessibility_needs="Captions",
        phone="+227 20 00 00 00",
        consent_listing=True,
        user=user,
    )
    old_key = registration.access_key
    old_updated = registration.updated_at
    assert services.registrations_anonymise(queryset=Registration.objects.all()) == [
        registration.pk
    ]
    row = Registration.objects.get(pk=registration.pk)
    assert (
        row.email,
        row.honorific,
        row.first_name,
        row.last_name,
        row.phone,
        row.organization,
        row.position,
        row.accessibility_needs,
        row.consent_listing,
        row.user_id,
    ) == (f"anonymised-{row.pk}@invalid", "", "", "", "", "", "", "", False, None)
    assert row.access_key != old_key
    assert row.updated_at > old_updated
    assert row.updated_at == row.anonymised_at


def test_anonymise_expired_adds_up_every_event():
    ended = timezone.now() - dt.timedelta(days=400)
    old_events = [
        EventFactory(starts_at=ended - dt.timedelta(hours=3), ends_at=ended) for _ in range(2)
    ]
    for event in old_events:
        RegistrationFactory.create_batch(2, event=event)
    recent = RegistrationFactory()
    count = services.events_anonymise_expired(retention_days=365)
    assert count == 4
    assert Registration.objects.get(pk=recent.pk).anonymised_at is None


def test_revoke_links_counts_each_row_and_spares_the_others():
    event = EventFactory()
    chosen = RegistrationFactory.create_batch(3, event=event)
    spared = RegistrationFactory(event=event)
    key = spared.access_key
    revoked = services.registrations_revoke_links(registration_ids=[r.pk for r in chosen])
    assert sorted(revoked) == sorted(r.pk for r in chosen)
    assert Registration.objects.get(pk=spared.pk).access_key == key


# --- registering again after cancelling ---------------------------------------------------


def test_reactivate_once_registration_closed_refused_with_its_message():
    event = EventFactory(registration_closes_at=timezone.now() - dt.timedelta(minutes=1))
    registration = RegistrationFactory(event=event, status=Status.CANCELLED)
    with pytest.raises(services.RegistrationError) as refused:
        services.registration_reactivate(registration=registration)
    assert (refused.value.code, str(refused.value.message)) == (
        "closed",
        "Registration for this event is closed.",
    )
    assert Registration.objects.get(pk=registration.pk).status == Status.CANCELLED
    assert _mails(registration) == []


@pytest.mark.parametrize("current", [Status.APPROVED, Status.PENDING, Status.REJECTED])
def test_reactivate_of_a_registration_not_cancelled_refused_with_its_message(current):
    registration = RegistrationFactory(event=EventFactory(), status=current)
    with pytest.raises(services.RegistrationError) as refused:
        services.registration_reactivate(registration=registration)
    assert (refused.value.code, str(refused.value.message)) == (
        "not_cancelled",
        "This registration is not cancelled.",
    )
    assert Registration.objects.get(pk=registration.pk).status == current
    assert _mails(registration) == []


def test_reactivate_of_an_anonymised_cancelled_registration_refused():
    registration = RegistrationFactory(event=EventFactory(), status=Status.CANCELLED)
    services.registrations_anonymise(queryset=Registration.objects.filter(pk=registration.pk))
    with pytest.raises(services.RegistrationError) as refused:
        services.registration_reactivate(registration=registration)
    assert refused.value.code == "not_cancelled"
    assert Registration.objects.get(pk=registration.pk).status == Status.CANCELLED


def test_reactivate_takes_the_last_free_seat_else_the_waiting_list():
    event = EventFactory(capacity=2)
    RegistrationFactory(event=event, status=Status.APPROVED)
    first = RegistrationFactory(event=event, status=Status.CANCELLED)
    second = RegistrationFactory(event=event, status=Status.CANCELLED)
    assert services.registration_reactivate(registration=first).status == Status.APPROVED
    assert services.registration_reactivate(registration=second).status == Status.WAITLISTED
    assert (_mails(first), _mails(second)) == ([Kind.APPROVED], [Kind.WAITLISTED])


def test_anonymise_rewrites_the_admin_history_of_the_wiped_rows_only():
    from django.contrib.admin.models import CHANGE, LogEntry
    from django.contrib.contenttypes.models import ContentType

    admin = UserFactory(is_staff=True)
    event = EventFactory()
    wiped = RegistrationFactory(event=event, first_name="Amina", last_name="Diallo")
    kept = RegistrationFactory(event=event, first_name="Idrissa", last_name="Maiga")

    def entry(model, pk, text):
        return LogEntry.objects.create(
            user=admin,
            content_type=ContentType.objects.get_for_model(model),
            object_id=str(pk),
            object_repr=text,
            action_flag=CHANGE,
        )

    history = entry(Registration, wiped.pk, str(wiped))
    other_row = entry(Registration, kept.pk, str(kept))
    same_id_other_model = entry(Event, wiped.pk, "Webinar with the same id")
    services.registrations_anonymise(queryset=Registration.objects.filter(pk=wiped.pk))
    # Names wiped: an empty first and last name before the placeholder address.
    assert LogEntry.objects.get(pk=history.pk).object_repr == f"  <anonymised-{wiped.pk}@invalid>"
    assert LogEntry.objects.get(pk=other_row.pk).object_repr == (f"Idrissa Maiga <{kept.email}>")
    assert LogEntry.objects.get(pk=same_id_other_model.pk).object_repr == (
        "Webinar with the same id"
    )


# --- correcting one's details ---------------------------------------------------------------


def test_update_details_keeps_consent_as_it_was_unless_given():
    registration = RegistrationFactory(consent_processing=False)
    services.registration_update_details(registration=registration, position="Director")
    assert Registration.objects.get(pk=registration.pk).consent_processing is False
    services.registration_update_details(registration=registration, consent_processing=True)
    assert Registration.objects.get(pk=registration.pk).consent_processing is True
    # Given once, it is not taken back here.
    services.registration_update_details(registration=registration, consent_processing=False)
    assert Registration.objects.get(pk=registration.pk).consent_processing is True


def test_update_details_writes_only_the_details_not_a_status_changed_meanwhile():
    registration = RegistrationFactory(status=Status.APPROVED, position="Officer")
    # An organiser cancels the registration while the participant's page is open.
    Registration.objects.filter(pk=registration.pk).update(status=Status.CANCELLED)
    services.registration_update_details(registration=registration, position="Director")
    row = Registration.objects.get(pk=registration.pk)
    assert (row.status, row.position) == (Status.CANCELLED, "Director")


def test_update_details_clears_an_answer_given_empty():
    event = EventFactory()
    question = QuestionFactory(event=event)
    registration = services.register(event=event, answers={question: "Planning"}, **MINIMAL)
    services.registration_update_details(registration=registration, answers={question: ""})
    assert Answer.objects.get(registration=registration, question=question).value == ""


def test_update_details_after_the_event_refused_with_its_message():
    event = EventFactory(
        starts_at=timezone.now() - dt.timedelta(days=2),
        ends_at=timezone.now() - dt.timedelta(days=1),
    )
    with pytest.raises(services.RegistrationError) as refused:
        services.registration_update_details(
            registration=RegistrationFactory(event=event), position="Director"
        )
    assert str(refused.value.message) == str(services.EVENT_OVER_MESSAGE)
    assert str(refused.value.message).startswith("This event is over:")


# --- signing up with an address already registered -------------------------------------------


def test_duplicate_sign_up_mails_the_owner_of_the_address_not_another_registrant():
    event = EventFactory()
    earlier = RegistrationFactory(event=event, email="first@example.org")
    owner = services.register(event=event, **MINIMAL)
    with pytest.raises(services.RegistrationError):
        services.register(event=event, **{**MINIMAL, "email": "AMINA@example.org"})
    assert _mails(owner) == [Kind.APPROVED, Kind.ALREADY_REGISTERED]
    assert _mails(earlier) == []


def test_duplicate_sign_up_mails_the_owner_again_after_an_hour_not_before():
    event = EventFactory()
    owner = services.register(event=event, **MINIMAL)
    with pytest.raises(services.RegistrationError):
        services.register(event=event, **MINIMAL)
    reminder = owner.mails.get(kind=Kind.ALREADY_REGISTERED)
    OutgoingMail.objects.filter(pk=reminder.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=59)
    )
    with pytest.raises(services.RegistrationError):
        services.register(event=event, **MINIMAL)
    assert owner.mails.filter(kind=Kind.ALREADY_REGISTERED).count() == 1
    OutgoingMail.objects.filter(pk=reminder.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=61)
    )
    with pytest.raises(services.RegistrationError):
        services.register(event=event, **MINIMAL)
    assert owner.mails.filter(kind=Kind.ALREADY_REGISTERED).count() == 2


def test_signing_up_with_an_anonymised_rows_address_mails_nobody():
    event = EventFactory()
    gone = RegistrationFactory(event=event)
    services.registrations_anonymise(queryset=Registration.objects.filter(pk=gone.pk))
    with pytest.raises(services.RegistrationError) as refused:
        services.register(event=event, **{**MINIMAL, "email": f"anonymised-{gone.pk}@invalid"})
    assert refused.value.code == "duplicate"
    assert OutgoingMail.objects.count() == 0


def test_cancel_after_the_event_refused_with_its_message_and_the_seat_kept():
    event = EventFactory(
        capacity=1,
        starts_at=timezone.now() - dt.timedelta(days=2),
        ends_at=timezone.now() - dt.timedelta(days=1),
    )
    seated = RegistrationFactory(event=event, status=Status.APPROVED)
    waiting = RegistrationFactory(event=event, status=Status.WAITLISTED)
    with pytest.raises(services.RegistrationError) as refused:
        services.registration_cancel(registration=seated)
    assert (refused.value.code, str(refused.value.message)) == (
        "over",
        str(services.EVENT_OVER_MESSAGE),
    )
    assert str(refused.value.message).startswith("This event is over:")
    assert [Registration.objects.get(pk=r.pk).status for r in (seated, waiting)] == [
        Status.APPROVED,
        Status.WAITLISTED,
    ]


def test_register_on_an_invitation_only_event_refused_with_its_message():
    event = EventFactory(admission=Event.Admission.INVITATION_ONLY)
    with pytest.raises(services.RegistrationError) as refused:
        services.register(event=event, **MINIMAL)
    assert (refused.value.code, str(refused.value.message)) == (
        "invitation_only",
        "This event is by invitation only: participants are nominated by their delegations.",
    )
    assert Registration.objects.count() == 0


def test_anonymise_expired_counts_from_the_given_day_and_keeps_the_last_day():
    now = timezone.now() - dt.timedelta(days=1000)  # as if run on a day long ago
    cutoff = now - dt.timedelta(days=365)
    expired = EventFactory(starts_at=cutoff - dt.timedelta(hours=3), ends_at=cutoff - TICK)
    last_day = EventFactory(starts_at=cutoff - dt.timedelta(hours=3), ends_at=cutoff)
    later = EventFactory(starts_at=now - dt.timedelta(days=30))  # ended, within retention
    rows = {event: RegistrationFactory(event=event) for event in (expired, last_day, later)}
    assert services.events_anonymise_expired(retention_days=365, now=now) == 1
    assert [Registration.objects.get(pk=rows[e].pk).anonymised_at is None for e in rows] == [
        False,
        True,
        True,
    ]
