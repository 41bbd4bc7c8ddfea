"""Writes the demo of the data files into the database (``manage.py seed_demo``).

Idempotent: rows are found by their natural keys (slugs, a person's name and organisation) and
created once; an event's agenda, participants and report are written only while it has none.
Translations are filled where they are still empty, and only on the demo's own rows whose
English text is still the demo's: what an organiser wrote stays theirs.
"""

from __future__ import annotations

import datetime as dt
import secrets
import zoneinfo
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models, transaction
from django.utils import timezone

from registration.models import Registration
from reports.models import Finding, Recommendation, Report, SessionSummary
from sessions.models import Person, Session, SessionRole
from webinar import roles
from webinar.demo.data import EMAIL_DOMAIN, ascii_slug, columns, participants, read, texts
from webinar.models import Event, Organisation, Series, User

DEMO_ORGANISER_EMAIL = f"organiser@{EMAIL_DOMAIN}"
# The data files are written from English: a row whose English text changed is the organiser's.
SOURCE_LANGUAGE = "en"

EVENT_TEXTS = ("title", "summary", "description", "objectives", "region")


@transaction.atomic
def seed_demo() -> tuple[Series, str]:
    """Load the demo; returns the series and the demo organiser's login line (or "")."""
    series = _series()
    people = _people()
    for spec in read("events")["events"]:
        event = _event(series=series, spec=spec)
        _agenda(event=event, agenda=read("sessions")["agendas"][spec["agenda"]], people=people)
        _participants(event=event, spec=spec)
        _report(event=event, event_spec=spec)
    return series, _organiser(series)


def _fill(obj: models.Model, versions: dict[str, dict[str, Any]]) -> None:
    """Write the missing languages of ``versions`` ({field: {language: text}}) on ``obj``."""
    changed = []
    for field, value in versions.items():
        by_language = texts(value)
        if (getattr(obj, f"{field}_{SOURCE_LANGUAGE}") or "") != by_language[SOURCE_LANGUAGE]:
            continue
        for language, text in by_language.items():
            if text and not getattr(obj, f"{field}_{language}"):
                setattr(obj, f"{field}_{language}", text)
                changed.append(f"{field}_{language}")
    if changed:
        obj.save(update_fields=changed)


def _series() -> Series:
    spec = read("series")
    series, _created = Series.objects.get_or_create(
        slug=spec["slug"],
        defaults={**columns("title", spec["title"]), **columns("description", spec["description"])},
    )
    _fill(series, {"title": spec["title"], "description": spec["description"]})
    for relation, key in ((series.organisers, "organisers"), (series.partners, "partners")):
        for organisation in spec[key]:
            # Names per language: the report's cover prints them in the report's language.
            names, acronyms = organisation["name"], organisation["acronym"]
            row = Organisation.objects.get_or_create(
                name_en=names[SOURCE_LANGUAGE],
                defaults={**columns("name", names), **columns("acronym", acronyms)},
            )[0]
            _fill(row, {"name": names, "acronym": acronyms})
            relation.add(row)
    return series


def _start(spec: dict[str, Any]) -> dt.datetime:
    tz = zoneinfo.ZoneInfo(spec["time_zone"])
    if "start" in spec:
        return dt.datetime.fromisoformat(spec["start"]).replace(tzinfo=tz)
    day = timezone.localdate(timezone=tz) + dt.timedelta(days=spec["days_ahead"])
    return dt.datetime.combine(day, dt.time.fromisoformat(spec["time"]), tzinfo=tz)


def _event(*, series: Series, spec: dict[str, Any]) -> Event:
    """The event, created once: an upcoming one keeps the date it was first given."""
    event = Event.objects.filter(slug=spec["slug"]).first()
    if event is None:
        start = _start(spec)
        event = Event.objects.create(
            slug=spec["slug"],
            series=series,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=spec["hours"]),
            time_zone=spec["time_zone"],
            capacity=spec["capacity"],
            approval_mode=spec["approval_mode"],
            **{k: v for field in EVENT_TEXTS for k, v in columns(field, spec[field]).items()},
        )
    _fill(event, {field: spec[field] for field in EVENT_TEXTS})
    return event


def _people() -> dict[str, Person]:
    people = {}
    for key, spec in read("people")["people"].items():
        person, _created = Person.objects.get_or_create(
            name=spec["name"],
            organisation=spec["organisation"],
            defaults={
                "honorific": spec["honorific"],
                "country": spec["country"],
                "email": f"{ascii_slug(spec['name']).replace('-', '.')}@{EMAIL_DOMAIN}",
                **columns("position", spec["position"]),
                **columns("bio", spec["bio"]),
            },
        )
        _fill(person, {"position": spec["position"], "bio": spec["bio"]})
        people[key] = person
    return people


def _agenda(*, event: Event, agenda: list[dict[str, Any]], people: dict[str, Person]) -> None:
    """The agenda with its people, once; an older demo agenda without people is replaced."""
    if not SessionRole.objects.filter(session__event=event).exists():
        event.sessions.all().delete()
        sessions = Session.objects.bulk_create(
            Session(
                event=event,
                kind=spec["kind"],
                starts_at=event.starts_at + dt.timedelta(minutes=spec["offset"]),
                ends_at=event.starts_at + dt.timedelta(minutes=spec["offset"] + spec["minutes"]),
                order=index,
                languages="en,fr",
                interpretation="" if spec["kind"] == Session.Kind.BREAK else "ar",
                **columns("title", spec["title"]),
                **columns("description", spec["description"]),
            )
            for index, spec in enumerate(agenda)
        )
        SessionRole.objects.bulk_create(
            SessionRole(session=session, person=people[key], role=role, order=position)
            for session, spec in zip(sessions, agenda, strict=True)
            for position, (key, role) in enumerate(spec["roles"])
        )
        return
    by_title = {spec["title"][SOURCE_LANGUAGE]: spec for spec in agenda}
    for session in event.sessions.all():
        spec = by_title.get(getattr(session, f"title_{SOURCE_LANGUAGE}") or "")
        if spec is not None:
            _fill(session, {"title": spec["title"], "description": spec["description"]})


def _participants(*, event: Event, spec: dict[str, Any]) -> None:
    """Fictional registrations, once; past events get their attendance."""
    if event.registrations.exists():
        return
    people = participants(
        event.slug,
        past=event.ends_at < timezone.now(),
        minutes=round((event.ends_at - event.starts_at).total_seconds() / 60),
    )
    if not people:
        return
    if event.approval_mode != spec["approval_mode"]:
        # An older demo made this event before it took its registrations this way.
        Event.objects.filter(pk=event.pk).update(approval_mode=spec["approval_mode"])
    Registration.objects.bulk_create(
        Registration(
            event=event,
            email=person.email,
            first_name=person.first_name,
            last_name=person.last_name,
            honorific=person.honorific,
            country=person.country,
            organization=person.organization,
            category=person.category,
            sex=person.sex,
            language=person.language,
            interpretation_language=person.interpretation_language,
            status=person.status,
            consent_processing=True,
            consent_listing=person.consent_listing,
            attended=person.minutes_attended is not None,
            minutes_attended=person.minutes_attended,
        )
        for person in people
    )


def _report(*, event: Event, event_spec: dict[str, Any]) -> None:
    """The draft report, once; its background and objectives default to the event's."""
    spec = read("reports")["reports"].get(event.slug)
    if spec is None:
        return
    versions = {
        "background": event_spec["description"],
        "objectives": event_spec["objectives"],
        **spec["texts"],
    }
    report = Report.objects.filter(event=event).first()
    if report is not None:
        _fill(report, versions)
        return
    report = Report.objects.create(
        event=event,
        region_countries=spec["region_countries"],
        **{k: v for field, value in versions.items() for k, v in columns(field, value).items()},
    )
    sessions = {
        session.order: session for session in event.sessions.order_by("order", "starts_at", "pk")
    }
    agenda = read("sessions")["agendas"][event_spec["agenda"]]
    by_key = {
        item["key"]: sessions[index] for index, item in enumerate(agenda) if index in sessions
    }
    SessionSummary.objects.bulk_create(
        SessionSummary(
            report=report,
            session=by_key[summary["session"]],
            **columns("key_points", summary["key_points"]),
        )
        for summary in spec["session_summaries"]
        if summary["session"] in by_key
    )
    Finding.objects.bulk_create(
        Finding(
            report=report,
            challenge_type=finding["challenge_type"],
            programme_area=finding["programme_area"],
            session=by_key.get(finding["session"]),
            order=order,
            **columns("text", finding["text"]),
        )
        for order, finding in enumerate(spec["findings"])
    )
    Recommendation.objects.bulk_create(
        Recommendation(
            report=report,
            addressee=recommendation["addressee"],
            stage=recommendation["stage"],
            level=recommendation["level"],
            sdg_target=recommendation["sdg_target"],
            gcm_objective=recommendation["gcm_objective"],
            priority=recommendation["priority"],
            order=order,
            **columns("text", recommendation["text"]),
        )
        for order, recommendation in enumerate(spec["recommendations"])
    )


def _organiser(series: Series) -> str:
    """An organiser account for the demo, in the series' team; its password is shown once and
    kept under var/."""
    note = settings.VAR_DIR / "demo-login.txt"
    existing = User.objects.filter(email__iexact=DEMO_ORGANISER_EMAIL).first()
    if existing is not None:
        series.team.add(existing)
        return note.read_text().strip() if note.exists() else ""
    password = secrets.token_urlsafe(12)
    user = User.objects.create_user(
        DEMO_ORGANISER_EMAIL, password, is_staff=True, first_name="Demo", last_name="Organiser"
    )
    user.groups.add(Group.objects.get(name=roles.ORGANISERS))
    series.team.add(user)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    text = f"Organiser login: {DEMO_ORGANISER_EMAIL} / {password}"
    settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
    note.write_text(text + "\n")
    note.chmod(0o600)
    return text
