"""The organisers' side in the admin: list counts, invitations, actions, export, permissions."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.core import mail
from django.utils import timezone

from delegations import services
from delegations.models import Delegation
from registration.models import OutgoingMail, Registration
from tests.factories import DelegationFactory, EventFactory
from webinar.models import Event

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/delegations/delegation/"


def nominate(delegation, n):
    return services.delegation_nominate(
        delegation=delegation,
        email=f"n{n}-{delegation.pk}@example.org",
        first_name="N",
        last_name=str(n),
    )


def _action(client, action, delegations):
    return client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [d.pk for d in delegations], "index": 0},
    )


def test_the_list_shows_counts_in_a_fixed_number_of_queries(
    client, organiser, django_assert_num_queries
):
    client.force_login(organiser)
    event = EventFactory()
    first = DelegationFactory(event=event, country="NE", quota=3)
    nominate(first, 1)
    client.get(CHANGELIST)  # warm the permission cache
    with django_assert_num_queries(10) as one:
        response = client.get(CHANGELIST)
    assert response.status_code == 200
    for n, code in enumerate(["ML", "TD", "BF"]):
        d = DelegationFactory(event=event, country=code)
        nominate(d, n)
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(CHANGELIST)
    assert response.status_code == 200


def test_the_counts_match_the_registrations(client, organiser):
    client.force_login(organiser)
    delegation = DelegationFactory(country="NE", quota=3)
    a, b = nominate(delegation, 1), nominate(delegation, 2)
    Registration.objects.filter(pk=a.pk).update(attended=True)
    Registration.objects.filter(pk=b.pk).update(status=Registration.Status.PENDING)
    response = client.get(CHANGELIST)
    cells = response.content.decode()
    assert '<td class="field-quota">3</td>' in cells
    assert '<td class="field-nominated">2</td>' in cells
    assert '<td class="field-confirmed">1</td>' in cells
    assert '<td class="field-attended">1</td>' in cells


def test_the_list_names_invited_states_with_no_one_registered(client, organiser):
    client.force_login(organiser)
    event = EventFactory(title="Sahel workshop")
    niger = DelegationFactory(event=event, country="NE")
    DelegationFactory(event=event, country="TD")
    cancelled = DelegationFactory(event=event, country="ML")
    nominate(niger, 1)
    gone = nominate(cancelled, 1)
    Registration.objects.filter(pk=gone.pk).update(status=Registration.Status.CANCELLED)
    response = client.get(f"{CHANGELIST}?event__id__exact={event.pk}")
    block = response.content.decode().split('id="without-registrations"')[1].split("</section>")[0]
    assert "Chad, Mali" in block
    assert "Niger" not in block


def test_an_organiser_invites_in_the_admin_and_the_focal_point_is_mailed(
    client, organiser, django_capture_on_commit_callbacks
):
    client.force_login(organiser)
    event = EventFactory(admission=Event.Admission.MIXED, capacity=10)
    data = {
        "event": event.pk,
        "country": "BF",
        "organisation": "",
        "focal_point_name": "Issa",
        "focal_point_email": "issa@example.org",
        "focal_point_language": "fr",
        "quota": 4,
        "nomination_deadline_0": "2030-01-01",
        "nomination_deadline_1": "12:00:00",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{CHANGELIST}add/", data)
    assert response.status_code == 302
    delegation = Delegation.objects.get()
    assert (delegation.created_by, delegation.quota) == (organiser, 4)
    assert [m.to for m in mail.outbox] == [["issa@example.org"]]
    assert mail.outbox[0].subject.startswith("Invitation à désigner votre délégation")


def test_an_invitation_beyond_the_capacity_is_refused_with_a_message(client, organiser):
    client.force_login(organiser)
    event = EventFactory(admission=Event.Admission.MIXED, capacity=3)
    response = client.post(
        f"{CHANGELIST}add/",
        {
            "event": event.pk,
            "country": "BF",
            "focal_point_name": "Issa",
            "focal_point_email": "issa@example.org",
            "focal_point_language": "fr",
            "quota": 4,
            "nomination_deadline_0": "2030-01-01",
            "nomination_deadline_1": "12:00:00",
        },
    )
    assert response.status_code == 200
    assert "The event has 3 seats left to reserve." in response.content.decode()
    assert Delegation.objects.count() == 0
    assert OutgoingMail.objects.count() == 0


def test_resend_and_revoke_are_logged_and_touch_only_the_selected(client, organiser):
    client.force_login(organiser)
    chosen = DelegationFactory(country="NE")
    bystander = DelegationFactory(event=chosen.event, country="ML")
    _action(client, "resend_invitation", [chosen])
    assert OutgoingMail.objects.filter(delegation=chosen, kind="invitation").count() == 1
    assert OutgoingMail.objects.filter(delegation=bystander).count() == 0
    _action(client, "revoke", [chosen])
    chosen.refresh_from_db()
    bystander.refresh_from_db()
    assert chosen.revoked_at is not None and bystander.revoked_at is None
    logs = list(
        LogEntry.objects.filter(user=organiser)
        .order_by("pk")
        .values_list("object_id", "action_flag", "change_message")
    )
    assert logs == [
        (str(chosen.pk), CHANGE, "Invitation mailed again to the focal point."),
        (
            str(chosen.pk),
            CHANGE,
            "Invitation revoked: the focal point's link no longer opens the page.",
        ),
    ]


def test_the_csv_export_neutralises_formulas(client, organiser):
    client.force_login(organiser)
    delegation = DelegationFactory(
        country="", organisation='=HYPERLINK("http://x")', focal_point_name="+cmd", quota=2
    )
    nominate(delegation, 1)
    response = _action(client, "export_csv", [delegation])
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["Event", "Country code", "Delegation"]
    assert rows[1][2:4] == ['\'=HYPERLINK("http://x")', "'+cmd"]
    assert rows[1][6:10] == ["2", "1", "1", "0"]
    assert LogEntry.objects.filter(change_message="Exported to CSV.").count() == 1


@pytest.mark.parametrize("action", ["resend_invitation", "revoke", "export_csv"])
def test_actions_are_refused_to_roles_without_the_permission(client, rapporteur, action):
    delegation = DelegationFactory()
    client.force_login(rapporteur)
    response = _action(client, action, [delegation])
    assert response.status_code == 403
    delegation.refresh_from_db()
    assert delegation.revoked_at is None
    assert OutgoingMail.objects.count() == 0
    assert LogEntry.objects.count() == 0


@pytest.mark.parametrize("action", ["resend_invitation", "revoke"])
def test_change_actions_need_the_change_permission(client, action):
    from django.contrib.auth.models import Permission

    from tests.factories import UserFactory

    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_delegation"))
    delegation = DelegationFactory()
    client.force_login(viewer)
    response = _action(client, action, [delegation])
    # Django leaves an action out of the choices when the permission is missing.
    assert response.status_code == 302
    delegation.refresh_from_db()
    assert delegation.revoked_at is None
    assert OutgoingMail.objects.count() == 0
    assert LogEntry.objects.count() == 0


def test_reminder_task_is_in_the_beat_schedule(settings):
    entries = {e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "delegations.schedule_reminders" in entries
    from delegations.tasks import schedule_reminders

    event = EventFactory(starts_at=timezone.now() + dt.timedelta(days=5))
    delegation = DelegationFactory(
        event=event, nomination_deadline=timezone.now() + dt.timedelta(hours=20)
    )
    Delegation.objects.filter(pk=delegation.pk).update(
        created_at=timezone.now() - dt.timedelta(days=9)
    )
    schedule_reminders.delay()
    assert (
        OutgoingMail.objects.filter(delegation=delegation, kind="nomination_reminder").count() == 2
    )
