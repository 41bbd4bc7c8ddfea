"""Attendance recorded from an import."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from django.core import signing
from django.db import transaction

from registration.models import Registration
from webinar.models import Event

logger = logging.getLogger(__name__)

PLAN_SALT = "registration.attendance-plan"
# The organiser confirms the preview soon after seeing it; an older one is uploaded again.
PLAN_MAX_AGE = 3600


class AttendancePlanInvalid(Exception):
    """The confirmed preview is forged, expired or about an event that is gone."""


def attendance_plan_sign(*, event: Event, minutes_by_registration: Mapping[int, int]) -> str:
    """The previewed attendance, signed: the confirmation applies exactly what was shown."""
    return signing.dumps(
        {"event": event.pk, "minutes": dict(minutes_by_registration)}, salt=PLAN_SALT, compress=True
    )


def attendance_plan_apply(*, signed_plan: str) -> tuple[Event, int]:
    """Record a signed preview's attendance: (its event, participants recorded as present)."""
    try:
        plan = signing.loads(signed_plan, salt=PLAN_SALT, max_age=PLAN_MAX_AGE)
        event = Event.objects.get(pk=plan["event"])
        minutes = {int(pk): int(m) for pk, m in plan["minutes"].items()}
    except (signing.BadSignature, Event.DoesNotExist, KeyError, TypeError, ValueError) as exc:
        raise AttendancePlanInvalid from exc
    return event, event_apply_attendance(event=event, minutes_by_registration=minutes)


def event_apply_attendance(*, event: Event, minutes_by_registration: Mapping[int, int]) -> int:
    """Record attendance from an import, all or nothing; everyone else did not attend."""
    with transaction.atomic():
        regs = list(event.registrations.select_for_update().only("pk"))
        for registration in regs:
            minutes = minutes_by_registration.get(registration.pk)
            registration.attended = minutes is not None
            registration.minutes_attended = minutes
        Registration.objects.bulk_update(regs, ["attended", "minutes_attended"], batch_size=500)
    return len(minutes_by_registration)
