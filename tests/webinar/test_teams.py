"""Teams per series: an organiser sees and changes only the series they work on."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from registration.models import Registration
from reports.models import Finding, ReportBuild
from sessions.models import Session
from tests.factories import (
    EventFactory,
    QuestionFactory,
    RegistrationFactory,
    SeriesFactory,
    UserFactory,
    default_series,
)
from webinar.models import Event, Series
from webinar.teams import scope_to_user, series_path

pytestmark = pytest.mark.django_db


def test_series_path_follows_the_foreign_keys_to_the_series():
    from registration.models import OutgoingMail
    from reports.models import Report
    from sessions.models import Person

    assert series_path(Series) == ""
    assert series_path(Event) == "series"
    assert series_path(Registration) == "event__series"
    assert series_path(OutgoingMail) == "registration__event__series"
    assert series_path(Report) == "event__series"
    assert series_path(ReportBuild) == "event__series"
    assert series_path(Finding) == "report__event__series"
    assert series_path(Session) == "event__series"
    assert series_path(Person) is None  # the speakers' directory is shared


def test_scope_keeps_the_team_series_rows_only(organiser, other_organiser):
    ours = RegistrationFactory(email="ours@example.org")
    theirs = RegistrationFactory(
        email="theirs@example.org", event=EventFactory(series=other_organiser.series_teams.get())
    )
    mine = scope_to_user(Registration.objects.all(), user=organiser)
    other = scope_to_user(Registration.objects.all(), user=other_organiser)
    assert list(mine.values_list("email", flat=True)) == [ours.email]
    assert list(other.values_list("email", flat=True)) == [theirs.email]


def test_scope_of_staff_with_the_global_permission_is_every_series(organiser, superuser):
    RegistrationFactory(email="ours@example.org")
    RegistrationFactory(email="theirs@example.org", event=EventFactory(series=SeriesFactory()))
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_all_series"))
    outsider = UserFactory(is_staff=True)  # staff in no team and without the permission
    assert scope_to_user(Registration.objects.all(), user=staff).count() == 2
    assert scope_to_user(Registration.objects.all(), user=superuser).count() == 2
    assert scope_to_user(Registration.objects.all(), user=outsider).count() == 0


def test_bulk_action_of_another_series_organiser_changes_nothing(client, other_organiser):
    pending = RegistrationFactory(status=Registration.Status.PENDING)
    own = RegistrationFactory(
        status=Registration.Status.PENDING,
        event=EventFactory(series=other_organiser.series_teams.get()),
    )
    client.force_login(other_organiser)
    response = client.post(
        "/admin/registration/registration/",
        {"action": "bulk_approve", "_selected_action": [pending.pk, own.pk]},
    )
    assert response.status_code == 302
    pending.refresh_from_db()
    own.refresh_from_db()
    assert pending.status == Registration.Status.PENDING
    assert own.status == Registration.Status.APPROVED


def test_event_form_offers_only_the_team_series(client, other_organiser):
    default_series()
    client.force_login(other_organiser)
    form = client.get("/admin/webinar/event/add/").context["adminform"].form
    assert [s.slug for s in form.fields["series"].queryset] == ["another-series"]


def test_event_cannot_be_put_into_another_series(client, other_organiser):
    event = EventFactory(series=other_organiser.series_teams.get())
    client.force_login(other_organiser)
    page = client.get(f"/admin/webinar/event/{event.pk}/change/")
    data = {**page.context["adminform"].form.initial}
    data = {k: v for k, v in data.items() if v is not None and not isinstance(v, list)}
    data.update(
        series=default_series().pk,
        starts_at_0="2030-01-01",
        starts_at_1="10:00",
        ends_at_0="2030-01-01",
        ends_at_1="12:00",
        time_zone="Africa/Cairo",
        approval_mode="automatic",
        **{"sessions-TOTAL_FORMS": "0", "sessions-INITIAL_FORMS": "0"},
    )
    response = client.post(f"/admin/webinar/event/{event.pk}/change/", data)
    assert response.status_code == 200
    assert "series" in response.context["adminform"].form.errors
    event.refresh_from_db()
    assert event.series.slug == "another-series"


def test_question_of_another_series_is_not_found(client, other_organiser):
    question = QuestionFactory()
    client.force_login(other_organiser)
    assert client.get(f"/admin/registration/question/{question.pk}/change/").status_code == 404
    assert client.post(f"/admin/registration/question/{question.pk}/delete/", {"post": "yes"})
    assert question.__class__.objects.filter(pk=question.pk).exists()


def test_creating_a_series_puts_its_creator_in_its_team(client, other_organiser):
    client.force_login(other_organiser)
    response = client.post(
        "/admin/webinar/series/add/",
        {"title_en": "Third series", "slug": "third-series"},
    )
    assert response.status_code == 302
    assert list(Series.objects.get(slug="third-series").team.all()) == [other_organiser]


def test_attendance_import_offers_only_the_team_events(client, organiser, other_organiser):
    EventFactory(slug="ours")
    EventFactory(slug="theirs", series=other_organiser.series_teams.get())
    client.force_login(other_organiser)
    form = client.get("/admin/registration/registration/import-attendance/").context["form"]
    assert [e.slug for e in form.fields["event"].queryset] == ["theirs"]


def test_speaker_page_shows_each_team_only_its_own_sessions(client, other_organiser):
    from tests.factories import SessionFactory, SessionRoleFactory

    ours = SessionRoleFactory(session=SessionFactory(title="Niamey opening"))
    theirs = SessionFactory(
        title="Tunis opening", event=EventFactory(series=other_organiser.series_teams.get())
    )
    SessionRoleFactory(person=ours.person, session=theirs)
    client.force_login(other_organiser)
    page = client.get(f"/admin/agenda/person/{ours.person.pk}/change/")
    formset = next(
        f for f in page.context["inline_admin_formsets"] if f.opts.model.__name__ == "SessionRole"
    )
    assert [form.instance.session.title for form in formset.formset.forms if form.instance.pk] == [
        "Tunis opening"
    ]
    assert [s.title for s in formset.formset.forms[0].fields["session"].queryset] == [
        "Tunis opening"
    ]


def test_new_report_offers_only_the_team_sessions(client, other_organiser):
    from tests.factories import SessionFactory

    SessionFactory(title="Niamey opening")
    SessionFactory(
        title="Tunis opening", event=EventFactory(series=other_organiser.series_teams.get())
    )
    client.force_login(other_organiser)
    page = client.get("/admin/reports/report/add/")
    formset = page.context["inline_admin_formsets"][0].formset
    assert [s.title for s in formset.empty_form.fields["session"].queryset] == ["Tunis opening"]
