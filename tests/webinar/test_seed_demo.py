import datetime as dt
import zoneinfo

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone
from modeltranslation.translator import NotRegistered, translator

from registration.models import Category, Registration
from reports.models import (
    Addressee,
    ChallengeType,
    Finding,
    Level,
    Recommendation,
    Report,
    SessionSummary,
    Stage,
)
from reports.selectors import report_missing_translations
from sessions.models import Person, Session, SessionRole
from webinar.demo import data
from webinar.models import Event, Organisation, Series, User

pytestmark = pytest.mark.django_db

LANGUAGES = [code for code, _name in settings.LANGUAGES]
DEMO_EVENTS = ["north-africa", "sahel-sahara-2020", "demo-upcoming"]
MODELS = [
    Series,
    Event,
    Organisation,
    Session,
    SessionRole,
    Person,
    Registration,
    Report,
    SessionSummary,
    Finding,
    Recommendation,
    User,
]


def _snapshot() -> dict:
    """Every row of the demo's tables, all columns: a second run must leave it as it is."""
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in MODELS}


def _translated_fields(model) -> tuple[str, ...]:
    try:
        return tuple(translator.get_options_for_model(model).fields)
    except NotRegistered:
        return model.TRANSLATED_FIELDS


def _gaps(obj) -> list[str]:
    """``field_language`` columns left empty on ``obj`` (a break has no description)."""
    return [
        f"{type(obj).__name__} {obj.pk} {field}_{language}"
        for field in _translated_fields(type(obj))
        if not (isinstance(obj, Session) and obj.kind == Session.Kind.BREAK and field != "title")
        for language in LANGUAGES
        if not getattr(obj, f"{field}_{language}")
    ]


def test_seed_demo_twice_changes_nothing():
    call_command("seed_demo")
    first = _snapshot()
    call_command("seed_demo")
    second = _snapshot()
    assert {name: len(rows) for name, rows in second.items()} == {
        name: len(rows) for name, rows in first.items()
    }
    assert second == first
    assert set(Event.objects.values_list("slug", flat=True)) == set(DEMO_EVENTS)
    sahel = Event.objects.get(slug="sahel-sahara-2020")
    cairo = zoneinfo.ZoneInfo("Africa/Cairo")
    assert sahel.starts_at.astimezone(cairo).date() == dt.date(2020, 8, 12)
    assert sahel.sessions.count() == len(data.read("sessions")["agendas"]["workshop"]) == 9


def test_seed_demo_upcoming_webinar_is_open_30_days_ahead_with_registrations_to_approve():
    call_command("seed_demo")
    upcoming = Event.objects.get(slug="demo-upcoming")
    cairo = zoneinfo.ZoneInfo("Africa/Cairo")
    expected_day = timezone.localdate(timezone=cairo) + dt.timedelta(days=30)
    assert upcoming.starts_at.astimezone(cairo).date() == expected_day
    assert upcoming.capacity == 100
    assert upcoming.approval_mode == Event.ApprovalMode.MANUAL
    assert upcoming.registration_is_open()
    statuses = dict(upcoming.registrations.values_list("status").annotate(n=Count("pk")).order_by())
    assert statuses == {Registration.Status.APPROVED: 21, Registration.Status.PENDING: 8}
    assert not upcoming.registrations.filter(attended=True).exists()
    # The other events take registrations automatically and have nothing pending.
    assert not Registration.objects.filter(
        status=Registration.Status.PENDING, event__slug__in=["north-africa", "sahel-sahara-2020"]
    ).exists()


def test_seed_demo_participants_are_clearly_fictional():
    call_command("seed_demo")
    assert Registration.objects.count() == 47 + 124 + 29
    markers = tuple(data.read("participants")["fictional_marker"].values())
    for email, organisation in Registration.objects.values_list("email", "organization"):
        assert email.endswith("@example.org"), email
        assert organisation.endswith(markers), organisation
    assert all(
        email.endswith("@example.org") for email in Person.objects.values_list("email", flat=True)
    )


def test_demo_participants_are_the_same_on_every_run():
    first = data.participants("sahel-sahara-2020", past=True, minutes=180)
    assert first == data.participants("sahel-sahara-2020", past=True, minutes=180)
    # Fixed by the data files and a hash, not by a random generator's state or version.
    assert (first[0].first_name, first[0].last_name, first[0].email) == (
        "Mariama",
        "Maïga",
        "mariama.maiga.1@example.org",
    )
    assert len({(p.first_name, p.last_name) for p in first}) == len(first)
    assert data.participants("unknown-event", past=True, minutes=180) == []


def test_seed_demo_sahel_workshop_has_a_believable_size():
    call_command("seed_demo")
    sahel = Event.objects.get(slug="sahel-sahara-2020")
    registrations = sahel.registrations.all()
    approved = registrations.filter(status=Registration.Status.APPROVED)
    assert registrations.count() == 124
    assert approved.count() == 120
    assert registrations.filter(status=Registration.Status.CANCELLED).count() == 4
    region = set(sahel.report.region_countries)
    countries = set(approved.values_list("country", flat=True))
    assert len(countries) == 19
    assert len(region & countries) == 13
    assert {"CH", "ET", "DE", "BE"} <= countries  # partners: donors and the AU Commission
    assert set(approved.values_list("category", flat=True)) == set(Category.values)
    assert dict(approved.values_list("sex").annotate(n=Count("pk")).order_by()) == {
        "female": 38,
        "male": 80,
        "undisclosed": 2,
    }
    assert dict(approved.values_list("language").annotate(n=Count("pk")).order_by()) == {
        "ar": 17,
        "en": 31,
        "fr": 72,
    }
    # Arabic-speaking registrants wrote their names in Arabic script.
    arabic_script = registrations.filter(first_name__regex=r"^[\u0600-\u06FF ]+$")
    assert arabic_script.count() == 14
    assert set(arabic_script.values_list("language", flat=True)) == {"ar"}
    attended = approved.filter(attended=True)
    assert attended.count() == 104
    assert not attended.filter(minutes_attended__isnull=True).exists()
    assert not attended.filter(minutes_attended__gt=180).exists()
    assert not attended.filter(minutes_attended__lt=1).exists()
    absent = approved.filter(attended=False)
    assert absent.count() == 16
    assert not absent.filter(minutes_attended__isnull=False).exists()
    assert not registrations.filter(status=Registration.Status.CANCELLED, attended=True).exists()


def test_seed_demo_sahel_report_has_findings_and_recommendations_across_the_grid():
    call_command("seed_demo")
    report = Report.objects.get(event__slug="sahel-sahara-2020")
    findings = report.findings.all()
    recommendations = report.recommendations.all()
    assert (findings.count(), recommendations.count()) == (11, 14)
    assert set(findings.values_list("challenge_type", flat=True)) == set(ChallengeType.values)
    assert set(recommendations.values_list("addressee", flat=True)) == set(Addressee.values)
    assert set(recommendations.values_list("stage", flat=True)) == set(Stage.values)
    assert set(recommendations.values_list("level", flat=True)) == set(Level.values)
    sessions = report.event.sessions.exclude(kind=Session.Kind.BREAK)
    assert sorted(report.session_summaries.values_list("session_id", flat=True)) == sorted(
        sessions.values_list("pk", flat=True)
    )
    assert not findings.filter(session__isnull=True).exists()


def test_seed_demo_every_text_is_written_in_every_language():
    call_command("seed_demo")
    rows = [
        *Series.objects.all(),
        *Event.objects.all(),
        *Session.objects.all(),
        *Person.objects.all(),
        *Report.objects.filter(event__slug="sahel-sahara-2020"),
        *SessionSummary.objects.all(),
        *Finding.objects.all(),
        *Recommendation.objects.all(),
    ]
    assert [gap for row in rows for gap in _gaps(row)] == []
    for report in Report.objects.all():
        for language in LANGUAGES:
            assert report_missing_translations(report=report, language=language) == [], (
                report.event.slug,
                language,
            )
    assert Report.objects.count() == 3


def test_seed_demo_creates_an_organiser_who_can_log_in_to_admin(client, settings):
    call_command("seed_demo")
    login = (settings.VAR_DIR / "demo-login.txt").read_text().split()
    email, password = login[-3], login[-1]
    assert client.login(username=email, password=password)
    assert client.get("/admin/webinar/event/").status_code == 200
    organiser = User.objects.get(email=email)
    # In the demo series' team: the demo's events are theirs to run, from their desks.
    assert list(organiser.series_teams.values_list("slug", flat=True)) == [
        Series.objects.get().slug
    ]
    upcoming = Event.objects.get(slug="demo-upcoming")
    assert client.get(f"/admin/webinar/event/{upcoming.pk}/desk/").status_code == 200


def test_seed_demo_shows_titles_in_the_reader_language(client):
    call_command("seed_demo")
    call_command("seed_demo")  # filling translations is idempotent too
    fr = client.get("/events/sahel-sahara-2020/", headers={"accept-language": "fr"})
    ar = client.get("/events/sahel-sahara-2020/", headers={"accept-language": "ar"})
    assert "<h1>Ne laisser personne de côté : intégrer la migration" in fr.content.decode()
    assert "<h1>عدم ترك أحد خلف الركب" in ar.content.decode()
    assert "Clôture et prochaines étapes" in fr.content.decode()


def test_seed_demo_leaves_other_events_texts_alone():
    from tests.factories import EventFactory

    own = EventFactory(slug="organisers-own", title="Break", region="North Africa")
    call_command("seed_demo")
    own.refresh_from_db()
    assert (own.title_fr, own.region_fr) == (None, None)


def test_seed_demo_fills_missing_translations_of_an_older_demo_only_where_untouched():
    call_command("seed_demo")
    sahel = Event.objects.get(slug="sahel-sahara-2020")
    break_ = sahel.sessions.get(kind=Session.Kind.BREAK)
    opening = sahel.sessions.get(kind=Session.Kind.OPENING)
    # An older demo wrote no French; an organiser has since retitled the opening.
    Session.objects.filter(pk=break_.pk).update(title_fr="")
    Session.objects.filter(pk=opening.pk).update(title_en="Welcome", title_fr="")
    Event.objects.filter(pk=sahel.pk).update(objectives_ar="")
    call_command("seed_demo")
    break_.refresh_from_db()
    opening.refresh_from_db()
    sahel.refresh_from_db()
    assert break_.title_fr == "Pause"
    assert (opening.title_en, opening.title_fr) == ("Welcome", "")
    assert sahel.objectives_ar.splitlines()[0].startswith("تحديد التحديات القانونية")


def test_seed_demo_gives_an_older_upcoming_demo_its_registrations_to_approve():
    call_command("seed_demo")
    # An older demo made the upcoming webinar with automatic approval and no registrations.
    Registration.objects.filter(event__slug="demo-upcoming").delete()
    Event.objects.filter(slug="demo-upcoming").update(approval_mode=Event.ApprovalMode.AUTOMATIC)
    call_command("seed_demo")
    assert dict(Event.objects.values_list("slug", "approval_mode")) == {
        "north-africa": Event.ApprovalMode.AUTOMATIC,
        "sahel-sahara-2020": Event.ApprovalMode.AUTOMATIC,
        "demo-upcoming": Event.ApprovalMode.MANUAL,
    }
    assert (
        Registration.objects.filter(
            event__slug="demo-upcoming", status=Registration.Status.PENDING
        ).count()
        == 8
    )
    assert Registration.objects.count() == 47 + 124 + 29
