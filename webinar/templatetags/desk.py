"""Small filters for the organisers' desk: dates in the event's own time zone."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import translation

from webinar import locale

register = template.Library()


@register.filter
def event_local_start(event) -> str:
    """``12 August 2020, 10:00 (Egypt Time)``: when the event starts, where it is held."""
    language = translation.get_language()
    zone = event.time_zone
    date = locale.format_date(event.starts_at, language=language, zone=zone)
    time = locale.format_time(event.starts_at, language=language, zone=zone)
    name = locale.zone_name(zone, language=language, at=event.starts_at)
    return f"{date}, {time} ({name})"


@register.filter
def short_date(value: dt.date) -> str:
    return locale.format_date(value, language=translation.get_language())
