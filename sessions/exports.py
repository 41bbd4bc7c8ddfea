"""The agenda as iCalendar (RFC 5545) and as versioned JSON. Public data only: no email,
no join link, no draft session ever leaves through here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import icalendar
from django.urls import reverse

from sessions.models import Session
from webinar.models import Event
from webinar.text import strip_control_characters

JSON_SCHEMA_VERSION = "1.0"
JSON_SCHEMA_PATH = "sessions/schema/agenda-v1.schema.json"
PRODID = "-//Migration and development policy webinars//Agenda//EN"
UID_DOMAIN = "agenda.webinar"


def session_uid(session: Session) -> str:
    """Stable across edits and across servers: calendar clients replace, not duplicate."""
    return f"session-{session.uid}@{UID_DOMAIN}"


def calendar_text(value: str) -> icalendar.vText:
    """A TEXT value as RFC 5545 wants it: controls removed, then backslashes, commas,
    semicolons and line breaks escaped by vText. Needed explicitly for X- properties, which
    icalendar otherwise writes as they are (a newline there made the file unwritable)."""
    return icalendar.vText(strip_control_characters(str(value)))


def _people_text(session: Session) -> str:
    lines = []
    for role in session.roles.all():
        person = role.person
        affiliation = person.affiliation
        line = f"{role.get_role_display()}: {person.display_name}"
        lines.append(f"{line} ({affiliation})" if affiliation else line)
    return "\n".join(lines)


def agenda_calendar(
    *, event: Event, sessions: Iterable[Session], base_url: str, name: str | None = None
) -> bytes:
    """One VEVENT per given (published) session, times in the event's zone with its VTIMEZONE."""
    tz = event.tzinfo
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", calendar_text(name or event.title))
    calendar.add("x-wr-timezone", event.time_zone)
    sessions = list(sessions)
    for session in sessions:
        entry = icalendar.Event()
        entry.add("uid", session_uid(session))
        # DTSTAMP and LAST-MODIFIED from the row, not the clock: the same agenda gives the
        # same bytes (stable ETag), and an edit moves both along with SEQUENCE.
        entry.add("dtstamp", session.updated_at.astimezone(dt.UTC))
        entry.add("last-modified", session.updated_at.astimezone(dt.UTC))
        entry.add("created", session.created_at.astimezone(dt.UTC))
        entry.add("sequence", session.sequence)
        entry.add("dtstart", session.starts_at.astimezone(tz))
        entry.add("dtend", session.ends_at.astimezone(tz))
        entry.add("summary", calendar_text(session.title))
        description = "\n\n".join(
            part for part in (session.description, _people_text(session)) if part
        )
        if description:
            entry.add("description", calendar_text(description))
        entry.add("categories", [strip_control_characters(str(session.get_kind_display()))])
        entry.add("location", calendar_text(event.title))
        entry.add("url", base_url + session.get_absolute_url())
        entry.add("status", "CONFIRMED")
        entry.add("transp", "OPAQUE")
        calendar.add_component(entry)
    # The zone's rules only around the agenda's dates, not 1970-2038: a short file on a phone.
    moments = [s.starts_at for s in sessions] or [event.starts_at]
    calendar.add_missing_timezones(
        first_date=min(moments).astimezone(tz).date() - dt.timedelta(days=366),
        last_date=max(moments).astimezone(tz).date() + dt.timedelta(days=366),
    )
    return calendar.to_ical()


def _iso(value: dt.datetime, tz) -> str:
    return value.astimezone(tz).isoformat(timespec="seconds")


def agenda_json(*, event: Event, sessions: Iterable[Session], base_url: str) -> dict:
    """The machine-readable agenda; documented by ``agenda-v1.schema.json`` beside this app."""
    tz = event.tzinfo
    slug = event.slug
    return {
        "schema_version": JSON_SCHEMA_VERSION,
        "event": {
            "slug": slug,
            "title": event.title,
            "url": base_url + event.get_absolute_url(),
            "time_zone": event.time_zone,
            "starts_at": _iso(event.starts_at, tz),
            "ends_at": _iso(event.ends_at, tz),
            "calendar_url": base_url + reverse("agenda:agenda_ics", kwargs={"slug": slug}),
        },
        "sessions": [
            {
                "id": str(session.uid),
                "title": session.title,
                "kind": session.kind,
                "kind_label": str(session.get_kind_display()),
                "starts_at": _iso(session.starts_at, tz),
                "ends_at": _iso(session.ends_at, tz),
                "duration_minutes": int(
                    (session.ends_at - session.starts_at).total_seconds() // 60
                ),
                "description": session.description,
                "languages": session.language_list,
                "interpretation": session.interpretation_list,
                "url": base_url + session.get_absolute_url(),
                "calendar_url": base_url
                + reverse("agenda:session_ics", kwargs={"slug": slug, "pk": session.pk}),
                "people": [
                    {
                        "role": role.role,
                        "role_label": str(role.get_role_display()),
                        "order": role.order,
                        "honorific": role.person.honorific,
                        "name": role.person.name,
                        "position": role.person.position,
                        "organisation": role.person.organisation,
                        "country": str(role.person.country),  # the code; "" when unknown
                    }
                    for role in session.roles.all()
                ],
                "materials": [
                    {"title": material.title, "url": _material_url(material, base_url)}
                    for material in session.materials.all()
                ],
            }
            for session in sessions
        ],
    }


def _material_url(material, base_url: str) -> str:
    if material.file:
        url = material.file.url
        return url if url.startswith(("http://", "https://")) else base_url + url
    return material.url
