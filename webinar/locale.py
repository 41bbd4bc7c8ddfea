"""Dates, time zones and sorting as each of the site's languages writes them.

Dates follow the United Nations' style, which CLDR's long date pattern gives without the
weekday: "12 August 2020", "12 août 2020", "12 أغسطس 2020" (Western digits, as UN Arabic
documents print them). Babel carries the CLDR data for dates and time-zone names; ICU (PyICU,
from the self-contained ``pyicu-wheels`` build) sorts names by each language's collation, so
French puts "Égypte" beside "Érythrée", not after "Zambie".

Every function takes the language explicitly; callers pass ``translation.get_language()`` when
they mean the active one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import TypeVar
from zoneinfo import ZoneInfo

from babel import dates as babel_dates
from django.conf import settings

T = TypeVar("T")

DATE_PATTERN = "d MMMM y"
WEEKDAY_DATE_PATTERN = "EEEE d MMMM y"
TIME_PATTERN = "HH:mm"


def site_language(language: str | None) -> str:
    """The site language a (possibly regional) code stands for, English when unknown."""
    code = (language or "").split("-")[0].split("_")[0].lower()
    known = {code for code, _name in settings.LANGUAGES}
    return code if code in known else settings.LANGUAGE_CODE.split("-")[0]


def _local(value: dt.datetime | dt.date, zone: str | None) -> dt.datetime | dt.date:
    if isinstance(value, dt.datetime) and zone:
        return value.astimezone(ZoneInfo(zone))
    return value


def format_date(value: dt.date | dt.datetime, *, language: str, zone: str | None = None) -> str:
    """``12 August 2020`` in the language; a datetime is first put in ``zone``."""
    local = _local(value, zone)
    day = local.date() if isinstance(local, dt.datetime) else local
    return babel_dates.format_date(day, DATE_PATTERN, locale=site_language(language))


def format_weekday_date(
    value: dt.date | dt.datetime, *, language: str, zone: str | None = None
) -> str:
    """``Wednesday 12 August 2020``: for a participant who needs to know which day."""
    local = _local(value, zone)
    day = local.date() if isinstance(local, dt.datetime) else local
    return babel_dates.format_date(day, WEEKDAY_DATE_PATTERN, locale=site_language(language))


def format_time(value: dt.datetime, *, language: str, zone: str) -> str:
    """``10:00`` on the 24-hour clock, in ``zone``."""
    local = value.astimezone(ZoneInfo(zone))
    return babel_dates.format_time(local, TIME_PATTERN, locale=site_language(language))


UNIVERSAL_ZONES = frozenset({"UTC", "Etc/UTC", "Etc/UCT", "Etc/Universal", "Etc/Zulu", "GMT"})


def zone_name(zone: str, *, language: str, at: dt.datetime | None = None) -> str:
    """A time zone named for people: "Egypt Time", "heure : Égypte", "توقيت مصر"."""
    if zone in UNIVERSAL_ZONES:
        return "UTC"  # CLDR names no region for it ("Unknown Region (UTC) Time")
    return babel_dates.get_timezone_location(
        ZoneInfo(zone) if at is None else at.astimezone(ZoneInfo(zone)).tzinfo,
        locale=site_language(language),
    )


@lru_cache(maxsize=8)
def _collator(language: str):
    import icu

    return icu.Collator.createInstance(icu.Locale(site_language(language)))


def collation_key(language: str) -> Callable[[str], bytes]:
    """A sort key that orders text as the language's dictionaries do."""
    collator = _collator(site_language(language))
    return lambda text: collator.getSortKey(str(text))


def sorted_by_name(items: Iterable[T], *, language: str, key: Callable[[T], str]) -> list[T]:
    """``items`` sorted by ``key(item)`` in the language's collation."""
    sort_key = collation_key(language)
    return sorted(items, key=lambda item: sort_key(key(item)))


# Left-to-right isolation for plain text (mails, .ics): a time range or UTC offset inside
# Arabic text would otherwise be reordered (the end before the start).
LRI, PDI = "\u2066", "\u2069"


def list_separator(language: str) -> str:
    """The comma between parts of a phrase: Arabic writes "،"."""
    return "، " if site_language(language) == "ar" else ", "


def utc_offset(value: dt.datetime, *, zone: str) -> str:
    """``UTC+02:00`` for the zone at that moment (``UTC`` when it is UTC)."""
    offset = value.astimezone(ZoneInfo(zone)).utcoffset() or dt.timedelta(0)
    if not offset:
        return "UTC"
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def format_when(starts_at: dt.datetime, ends_at: dt.datetime, *, language: str, zone: str) -> str:
    """When an event takes place, as one line of plain text in the language:
    "Thursday 31 December 2026, 10:00-12:00 (Egypt Time, UTC+02:00)" (with an en dash), and in
    Arabic with Arabic commas ("توقيت مصر، UTC+02:00") and the times isolated left to right."""
    sep = list_separator(language)

    def ltr(text: str) -> str:
        return f"{LRI}{text}{PDI}" if site_language(language) == "ar" else text

    start_day = format_weekday_date(starts_at, language=language, zone=zone)
    start = format_time(starts_at, language=language, zone=zone)
    end = format_time(ends_at, language=language, zone=zone)
    if starts_at.astimezone(ZoneInfo(zone)).date() == ends_at.astimezone(ZoneInfo(zone)).date():
        span = f"{start_day}{sep}{ltr(f'{start}–{end}')}"
    else:
        end_day = format_weekday_date(ends_at, language=language, zone=zone)
        span = f"{start_day}{sep}{ltr(start)} – {end_day}{sep}{ltr(end)}"
    place = zone_name(zone, language=language, at=starts_at)
    offset = utc_offset(starts_at, zone=zone)
    if offset == place:
        return f"{span} ({place})"
    return f"{span} ({place}{sep}{ltr(offset)})"
