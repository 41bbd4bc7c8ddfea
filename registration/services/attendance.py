"""Attendance recorded from an import."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from django.db import transaction

from registration.models import Registration
from webinar.models import Event

logger = logging.getLogger(__name__)


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
