"""Dates and times on public pages, as the UN writes them in the reader's language
(webinar.locale, on Babel's CLDR data): ``{{ value|local_date:zone }}``,
``{{ value|local_weekday_date:zone }}``, ``{{ value|local_time:zone }}``,
``{{ value|utc_offset:zone }}``, ``{% zone_label zone value %}`` and ``{% event_when event %}``."""

from __future__ import annotations

from django import template
from django.utils.translation import get_language

from webinar import locale

register = template.Library()


def _language() -> str:
    return get_language() or "en"


@register.filter
def local_date(value, zone: str = "UTC") -> str:
    return locale.format_date(value, language=_language(), zone=zone) if value else ""


@register.filter
def local_weekday_date(value, zone: str = "UTC") -> str:
    return locale.format_weekday_date(value, language=_language(), zone=zone) if value else ""


@register.filter
def local_time(value, zone: str = "UTC") -> str:
    return locale.format_time(value, language=_language(), zone=zone) if value else ""


@register.filter
def utc_offset(value, zone: str = "UTC") -> str:
    return locale.utc_offset(value, zone=zone) if value else ""


@register.simple_tag
def zone_label(zone: str, at=None) -> str:
    """The zone named for people in the reader's language ("توقيت مصر"), not "Africa/Cairo"."""
    return locale.zone_name(zone, language=_language(), at=at)


@register.simple_tag
def list_separator() -> str:
    return locale.list_separator(_language())


@register.inclusion_tag("webinar/_when.html")
def event_when(event) -> dict:
    """When the webinar takes place, in its time zone, with the reader's own time added by
    sessions/local-time.js (the page reads the same without JavaScript)."""
    zone = event.time_zone
    language = _language()
    same_day = event.starts_at.astimezone(event.tzinfo).date() == (
        event.ends_at.astimezone(event.tzinfo).date()
    )
    return {
        "event": event,
        "same_day": same_day,
        "start_day": locale.format_weekday_date(event.starts_at, language=language, zone=zone),
        "end_day": locale.format_weekday_date(event.ends_at, language=language, zone=zone),
        "start": locale.format_time(event.starts_at, language=language, zone=zone),
        "end": locale.format_time(event.ends_at, language=language, zone=zone),
        "zone": locale.zone_name(zone, language=language, at=event.starts_at),
        "offset": locale.utc_offset(event.starts_at, zone=zone),
        "sep": locale.list_separator(language),
    }
