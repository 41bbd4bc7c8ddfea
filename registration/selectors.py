"""Reads for the registration desk, written to run a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from django.db import connection
from django.db.models import Avg, Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from registration.models import Category, OutgoingMail, Question, Registration, Sex
from webinar.languages import autonym_choices
from webinar.locale import collation_key
from webinar.models import Event, User


def event_questions(*, event: Event) -> list[Question]:
    return list(event.questions.order_by("order", "pk"))


def event_seats_left(*, event: Event) -> int | None:
    """Free seats for the public, or None when the event has no limit.

    Seats that delegations hold for their nominees (mixed events) are not free.
    """
    from registration.services.common import event_seats_held

    if event.capacity is None:
        return None
    taken = getattr(event, "seats_taken", None)
    if taken is None:
        taken = event.registrations.filter(status__in=("approved", "pending")).count()
    return max(event.capacity - taken - event_seats_held(event=event), 0)


# What a sign-up reads of the event before its lock (registration_is_open, the admission
# rule, the URL of the page that follows); the rules under the lock read the locked row.
SIGN_UP_FIELDS = (
    "id", "slug", "is_published", "registration_opens_at", "registration_closes_at",
    "ends_at", "admission",
)  # fmt: skip


def event_for_sign_up(*, slug: str) -> QuerySet[Event]:
    """The published event with only what the sign-up's rules read."""
    return Event.objects.filter(slug=slug, is_published=True).only(*SIGN_UP_FIELDS)


# Per process: slug -> the reads of its last sign-up; see sign_up_reads.
_SIGN_UP_READS: dict[str, SignUpReads] = {}
_SIGN_UP_READS_MAX = 64


@dataclass(frozen=True)
class SignUpReads:
    """What a sign-up reads before the event's lock: the published event (only the fields of
    ``event_for_sign_up``) and its questions, with the version of their rows.

    ``checked`` says the version was read from the database for this request. A kept copy is
    not: the sign-up passes its ``version`` to ``services.register``, whose lock statement reads
    the current one, and starts again with ``sign_up_reads(kept=False)`` when they differ
    (``services.StaleSignUpReads``). ``version`` is None where nothing is kept (SQLite).
    The objects are shared between requests: callers do not change them.
    """

    event: Event
    questions: list[Question]
    version: str | None
    checked: bool


def sign_up_version_sql(events: str) -> str:
    """SQL for the version of an event row and of its questions' rows (added, edited,
    removed); ``events`` names the event table's row in the statement (an alias or the quoted
    table name, never a value).

    On PostgreSQL a row's version is named by ``xmin`` (the transaction that wrote it) with
    ``ctid`` (where it lies: each change within one transaction writes a new place). Exact,
    unlike a cache with a lifetime."""
    questions = connection.ops.quote_name(Question._meta.db_table)
    return (
        f"{events}.xmin::text || {events}.ctid::text || '/' || COALESCE((SELECT string_agg("  # noqa: S608
        f"q.xmin::text || q.ctid::text, ',' ORDER BY q.id) FROM {questions} q "
        f"WHERE q.event_id = {events}.id), '')"
    )


def sign_up_reads(*, slug: str, kept: bool = True) -> SignUpReads | None:
    """The reads of a sign-up for the published event ``slug``; None when there is no such
    event.

    Every sign-up reads the same rows, which change seldom. On PostgreSQL, with ``kept``, the
    copy this process kept from an earlier sign-up comes back without a query (unchecked: see
    ``SignUpReads``). Otherwise one small statement reads the version, and the rows are read
    again only when it differs from the kept copy's. Elsewhere (SQLite) they are read every
    time.
    """
    if connection.vendor != "postgresql":
        event = event_for_sign_up(slug=slug).first()
        if event is None:
            return None
        return SignUpReads(event, event_questions(event=event), version=None, checked=True)
    known = _SIGN_UP_READS.get(slug)
    if kept and known is not None:
        return known
    events = connection.ops.quote_name(Event._meta.db_table)
    # Only quoted names go into the text; the slug is a parameter.
    sql = (
        f"SELECT {sign_up_version_sql('e')} FROM {events} e "  # noqa: S608
        "WHERE e.slug = %s AND e.is_published"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [slug])
        row = cursor.fetchone()
    if row is None:
        _SIGN_UP_READS.pop(slug, None)
        return None
    version = row[0]
    if known is not None and known.version == version:
        return replace(known, checked=True)
    # Read after the version: if they changed in between, the lock statement tells.
    event = event_for_sign_up(slug=slug).first()
    if event is None:
        _SIGN_UP_READS.pop(slug, None)
        return None
    if len(_SIGN_UP_READS) >= _SIGN_UP_READS_MAX and slug not in _SIGN_UP_READS:
        _SIGN_UP_READS.pop(next(iter(_SIGN_UP_READS), ""), None)  # the oldest; threads may race
    _SIGN_UP_READS.pop(slug, None)  # kept again as the newest
    reads = _SIGN_UP_READS[slug] = SignUpReads(event, event_questions(event=event), version, False)
    return replace(reads, checked=True)


def event_for_signup_page(*, slug: str) -> QuerySet[Event]:
    """The published event with ``seats_taken`` counted in the same query (the form page
    says when the event is full)."""
    seats = (
        Registration.objects.filter(event=OuterRef("pk"), status__in=("approved", "pending"))
        .order_by()
        .values("event")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Event.objects.filter(slug=slug, is_published=True).annotate(
        seats_taken=Coalesce(Subquery(seats), 0)
    )


def registration_waitlist_position(*, registration: Registration) -> int:
    """1 for the first on the waiting list: seats go in arrival order."""
    ahead = (
        Registration.objects.filter(
            event_id=registration.event_id, status=Registration.Status.WAITLISTED
        )
        .filter(
            Q(created_at__lt=registration.created_at)
            | Q(created_at=registration.created_at, pk__lt=registration.pk)
        )
        .count()
    )
    return ahead + 1


def registration_status_counts(*, registrations: QuerySet[Registration]) -> dict[str, int]:
    """Counts per status of a (possibly filtered) queryset, in one query."""
    counts = dict.fromkeys(Registration.Status.values, 0)
    for row in registrations.order_by().values("status").annotate(n=Count("pk")):
        counts[row["status"]] = row["n"]
    return counts


def interpretation_plans(
    *, events: QuerySet[Event] | None = None, now: dt.datetime | None = None
) -> list[dict]:
    """Every event (of ``events``) with a request for interpretation, upcoming ones first
    (soonest first), then past ones: per language, approved participants and those still
    pending or waiting (who would need it if they get a seat). Two queries."""
    status = Registration.Status
    events = Event.objects.all() if events is None else events
    now = now or timezone.now()
    waiting = (status.PENDING, status.WAITLISTED)
    rows = (
        Registration.objects.filter(
            event__in=events, status__in=(status.APPROVED, *waiting), anonymised_at=None
        )
        .exclude(interpretation_language="")
        .values("event_id", "interpretation_language")
        .annotate(
            approved=Count("pk", filter=Q(status=status.APPROVED)),
            waiting=Count("pk", filter=Q(status__in=waiting)),
        )
        .order_by("event_id", "interpretation_language")
    )
    by_event: dict[int, dict[str, tuple[int, int]]] = {}
    for row in rows:
        by_event.setdefault(row["event_id"], {})[row["interpretation_language"]] = (
            row["approved"],
            row["waiting"],
        )
    planned = list(
        events.filter(pk__in=by_event).annotate(
            approved=Count("registrations", filter=Q(registrations__status=status.APPROVED))
        )
    )
    upcoming = sorted((e for e in planned if e.ends_at >= now), key=lambda e: e.starts_at)
    past = sorted((e for e in planned if e.ends_at < now), key=lambda e: e.starts_at, reverse=True)
    return [
        {
            "event": event,
            "approved": event.approved,  # type: ignore[attr-defined]  # annotated above
            "upcoming": event.ends_at >= now,
            "languages": by_event[event.pk],
        }
        for event in (*upcoming, *past)
    ]


def user_registrations(*, user: User) -> QuerySet[Registration]:
    return (
        Registration.objects.filter(anonymised_at=None)
        .filter(Q(user=user) | Q(email__iexact=user.email))
        .select_related("event")
        .order_by("-event__starts_at")
    )


def event_attendance_minutes_required(*, event: Event) -> int:
    """Minutes a registrant must have attended to count, by the event's rule."""
    if event.attendance_rule == Event.AttendanceRule.MINUTES:
        return event.attendance_threshold
    length = (event.ends_at - event.starts_at).total_seconds() / 60
    return math.ceil(length * event.attendance_threshold / 100)


def attended_condition(*, event: Event) -> Q:
    """Registrations that count as having attended: enough minutes by the event's rule, or
    marked attended by an organiser without minutes (a phone-in, a room of colleagues)."""
    required = event_attendance_minutes_required(event=event)
    return Q(minutes_attended__gte=required) | Q(attended=True, minutes_attended=None)


def event_attendees(*, event: Event) -> QuerySet[Registration]:
    """Who attended the event by its rule: for the desk, the report's figures, certificates."""
    return Registration.objects.filter(attended_condition(event=event), event=event)


def registration_attended(*, registration: Registration) -> bool:
    event = registration.event
    if registration.minutes_attended is None:
        return registration.attended
    return registration.minutes_attended >= event_attendance_minutes_required(event=event)


# --- The event desk ---------------------------------------------------------------------------

DESK_LIST_LIMIT = 50  # pending approvals shown on the desk; the rest are in the registration list
DESK_MAX_DAYS = 120  # sign-ups per day: at most this many days, the latest


@dataclass(frozen=True)
class EventDesk:
    """What the organiser's desk shows of one event, read in a fixed number of queries."""

    counts: dict[str, int]  # per status
    seats_taken: int
    seats_left: int | None  # None: no limit
    attended: int
    minutes_attended: int | None  # average of those who attended, None if no one did
    pending: list[Registration]
    pending_total: int
    waitlist: list[Registration]
    signups_per_day: list[tuple[dt.date, int]]
    by_category: list[tuple[str, int]]
    by_country: list[tuple[str, int]]
    by_sex: list[tuple[str, int]]
    by_language: list[tuple[str, int]]
    by_interpretation: list[tuple[str, int]]
    mails: dict[str, int]  # queued, sent, failed
    failed_mails: list[OutgoingMail]


def _labelled(rows: dict[str, int], choices: Iterable[tuple[str, Any]]) -> list[tuple[str, int]]:
    """Every choice in its own order with its count (zeros kept: a zero is news too)."""
    return [(str(label), rows.get(value, 0)) for value, label in choices]


def event_desk(*, event: Event, today: dt.date | None = None) -> EventDesk:
    """Eleven queries whatever the number of registrations: aggregates and short lists."""
    status = Registration.Status
    registrations = Registration.objects.filter(event=event)
    totals = registrations.aggregate(
        **{value: Count("pk", filter=Q(status=value)) for value in status.values},
        # Attended by the event's rule (enough minutes, or marked by an organiser).
        attended_total=Count("pk", filter=attended_condition(event=event)),
        minutes_average=Avg("minutes_attended", filter=attended_condition(event=event)),
    )
    counts = {value: totals[value] for value in status.values}
    taken = counts[status.APPROVED] + counts[status.PENDING]
    seats_left = None if event.capacity is None else max(event.capacity - taken, 0)
    active = registrations.exclude(status__in=[status.CANCELLED, status.REJECTED])

    def breakdown(column: str) -> dict[str, int]:
        rows = active.values(column).annotate(n=Count("pk")).order_by()
        return {row[column]: row["n"] for row in rows}

    pending = list(
        registrations.filter(status=status.PENDING).order_by("created_at", "pk")[:DESK_LIST_LIMIT]
    )
    waitlist = list(
        registrations.filter(status=status.WAITLISTED).order_by("created_at", "pk")[
            :DESK_LIST_LIMIT
        ]
    )
    by_country_rows = breakdown("country")
    # Most first; equal counts in the reader's alphabetical order ("Égypte" beside "Érythrée").
    name_key = collation_key(translation.get_language() or "en")
    by_country = sorted(
        ((str(countries.name(code)) or code, n) for code, n in by_country_rows.items() if code),
        key=lambda row: (-row[1], name_key(row[0])),
    )
    interpretation = breakdown("interpretation_language")
    interpretation_choices = [("", _("None")), *autonym_choices()]

    mails = OutgoingMail.objects.filter(registration__event=event).aggregate(
        sent=Count("pk", filter=Q(sent_at__isnull=False)),
        failed=Count("pk", filter=Q(sent_at=None) & ~Q(last_error="")),
        queued=Count("pk", filter=Q(sent_at=None, last_error="")),
    )
    failed_mails = list(
        OutgoingMail.objects.filter(registration__event=event, sent_at=None)
        .exclude(last_error="")
        .select_related("registration")
        .order_by("-created_at", "-pk")[:10]
    )
    return EventDesk(
        counts=counts,
        seats_taken=taken,
        seats_left=seats_left,
        attended=totals["attended_total"],
        minutes_attended=None
        if totals["minutes_average"] is None
        else round(totals["minutes_average"]),
        pending=pending,
        pending_total=counts[status.PENDING],
        waitlist=waitlist,
        signups_per_day=event_signups_per_day(event=event, today=today),
        by_category=_labelled(breakdown("category"), Category.choices),
        by_country=by_country,
        by_sex=_labelled(breakdown("sex"), Sex.choices),
        by_language=_labelled(breakdown("language"), autonym_choices()),
        by_interpretation=_labelled(interpretation, interpretation_choices),
        mails=mails,
        failed_mails=failed_mails,
    )


def event_signups_per_day(
    *, event: Event, today: dt.date | None = None
) -> list[tuple[dt.date, int]]:
    """Sign-ups per day in the event's time zone, from registration's opening (or the first
    sign-up) to today or the closing day, days without sign-ups included. One query."""
    zone = event.tzinfo
    rows = (
        Registration.objects.filter(event=event)
        .annotate(day=TruncDate("created_at", tzinfo=zone))
        .values("day")
        .annotate(n=Count("pk"))
        .order_by("day")
    )
    per_day = {row["day"]: row["n"] for row in rows}
    today = today or timezone.localdate(timezone=zone)
    opened = event.registration_opens_at or event.starts_at
    first = timezone.localtime(opened, zone).date()
    if per_day:
        first = min(first, min(per_day))
    closes = event.registration_closes_at or event.ends_at
    last = min(today, timezone.localtime(closes, zone).date())
    if per_day:
        last = max(last, max(per_day))
    if last < first:
        return []
    first = max(first, last - dt.timedelta(days=DESK_MAX_DAYS - 1))
    days = (last - first).days + 1
    return [
        (day, per_day.get(day, 0)) for day in (first + dt.timedelta(days=i) for i in range(days))
    ]
