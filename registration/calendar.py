"""A registrant's own calendar entry for the webinar (.ics)."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, vText
from icalendar import Event as CalendarEvent

from registration.links import manage_url
from registration.models import Registration
from webinar.text import strip_control_characters


def registration_ics(*, registration: Registration) -> bytes:
    """The event as one VEVENT; the join link only for an approved registrant.

    A cancelled registration gets a cancellation (METHOD:CANCEL, STATUS:CANCELLED) of the same
    entry (same UID) with a higher SEQUENCE, so a calendar that imported the webinar removes it.
    """
    event = registration.event
    cancelled = registration.status == Registration.Status.CANCELLED
    calendar = Calendar()
    calendar.add("prodid", "-//Policy webinars//registration//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    entry = CalendarEvent()
    domain = settings.SITE_URL.split("//")[-1].split("/")[0]
    entry.add("uid", f"event-{event.pk}-registration-{registration.pk}@{domain}")
    entry.add("sequence", registration.calendar_sequence)
    entry.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    entry.add("dtstamp", timezone.now())
    entry.add("dtstart", event.starts_at)
    entry.add("dtend", event.ends_at)
    entry.add("summary", vText(strip_control_characters(event.title)))
    lines = [event.summary] if event.summary else []
    if registration.status == Registration.Status.APPROVED and event.join_url:
        entry.add("location", vText(strip_control_characters(event.join_url)))
        lines.append(_("Join: %(url)s") % {"url": event.join_url})
        if event.join_passcode:
            lines.append(_("Passcode: %(code)s") % {"code": event.join_passcode})
    lines.append(_("Your registration: %(url)s") % {"url": manage_url(registration=registration)})
    entry.add("description", vText(strip_control_characters("\n".join(lines))))
    calendar.add_component(entry)
    return calendar.to_ical()
