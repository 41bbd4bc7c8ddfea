"""What the organiser is told after changing statuses, in plain words (bulk actions, the
registration's own page and the event desk say the same)."""

from __future__ import annotations

from django.utils.translation import ngettext

from registration.services import BulkResult


def _done(action: str, n: int) -> str:
    texts = {
        "approve": ngettext("Approved %(n)s registration.", "Approved %(n)s registrations.", n),
        "promote": ngettext(
            "Promoted %(n)s registration from the waiting list.",
            "Promoted %(n)s registrations from the waiting list.",
            n,
        ),
        "reject": ngettext("Rejected %(n)s registration.", "Rejected %(n)s registrations.", n),
        "waitlist": ngettext(
            "Moved %(n)s registration to the waiting list.",
            "Moved %(n)s registrations to the waiting list.",
            n,
        ),
        "cancel": ngettext("Cancelled %(n)s registration.", "Cancelled %(n)s registrations.", n),
    }
    return texts[action] % {"n": n}


def status_change_message(*, action: str, result: BulkResult) -> str:
    """E.g. "Approved 3 registrations. 2 stay on the waiting list: the event is full."."""
    parts = [_done(action, result.changed)]
    if result.full_waitlisted:
        n = result.full_waitlisted
        parts.append(
            ngettext(
                "%(n)s stays on the waiting list: the event is full.",
                "%(n)s stay on the waiting list: the event is full.",
                n,
            )
            % {"n": n}
        )
    if result.full_other:
        n = result.full_other
        parts.append(
            ngettext(
                "%(n)s could not be approved: the event is full.",
                "%(n)s could not be approved: the event is full.",
                n,
            )
            % {"n": n}
        )
    others = result.skipped - result.full_waitlisted - result.full_other
    if others:
        parts.append(
            ngettext(
                "%(n)s left as it was: this does not apply to its status.",
                "%(n)s left as they were: this does not apply to their status.",
                others,
            )
            % {"n": others}
        )
    if result.promoted:
        n = result.promoted
        parts.append(
            ngettext(
                "%(n)s on the waiting list got the freed seat.",
                "%(n)s on the waiting list got the freed seats.",
                n,
            )
            % {"n": n}
        )
    return " ".join(parts)
