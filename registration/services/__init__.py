"""Registration rules: who gets a seat, who waits, and what must be mailed.

Every change of status happens while the event row is locked (``SELECT ... FOR UPDATE`` on
PostgreSQL; on SQLite the IMMEDIATE transaction already serialises writers), so seats are never
given twice and a freed seat goes to the first person on the waiting list. Public sign-ups far
from the capacity, or for a full event, share the lock (``signup.SHARED_SIGN_UPS`` at once).

The rules live in one module per concern; this package re-exports the public ones so callers say
``services.register(...)`` whatever module holds the rule.
"""

from registration.services.attendance import (
    AttendanceApplied,
    AttendanceApplyError,
    AttendancePlanExpired,
    PersonTime,
    attendance_minutes,
    attendance_plan_read,
    attendance_plan_sign,
    event_apply_attendance,
    event_clear_attendance,
    event_length_minutes,
)
from registration.services.common import (
    EDITABLE_FIELDS,
    EVENT_OVER_MESSAGE,
    SEAT_HOLDING,
    BulkResult,
    RegistrationError,
    StaleSignUpReads,
    event_is_over,
    event_seats_taken,
)
from registration.services.outbox import (
    MAX_ATTEMPTS,
    mail_dispatch,
    mail_queue,
    mail_send,
    mail_sweep,
    mails_retry_failed,
    reminder_offsets,
    reminders_schedule,
)
from registration.services.privacy import (
    event_anonymise_registrations,
    events_anonymise_expired,
    registration_erase,
    registrations_anonymise,
    registrations_revoke_links,
)
from registration.services.ratelimit import address_rate_limited, signup_rate_limited
from registration.services.signup import register
from registration.services.status import (
    ACTIONS,
    event_fill_free_seats,
    registration_cancel,
    registration_reactivate,
    registration_update_details,
    registrations_apply,
    registrations_message,
    registrations_resend,
)

__all__ = [
    "ACTIONS",
    "EDITABLE_FIELDS",
    "EVENT_OVER_MESSAGE",
    "MAX_ATTEMPTS",
    "SEAT_HOLDING",
    "AttendanceApplied",
    "AttendanceApplyError",
    "AttendancePlanExpired",
    "BulkResult",
    "PersonTime",
    "RegistrationError",
    "StaleSignUpReads",
    "address_rate_limited",
    "attendance_minutes",
    "attendance_plan_read",
    "attendance_plan_sign",
    "event_anonymise_registrations",
    "event_apply_attendance",
    "event_clear_attendance",
    "event_fill_free_seats",
    "event_is_over",
    "event_length_minutes",
    "event_seats_taken",
    "events_anonymise_expired",
    "mail_dispatch",
    "mail_queue",
    "mail_send",
    "mail_sweep",
    "mails_retry_failed",
    "register",
    "registration_cancel",
    "registration_erase",
    "registration_reactivate",
    "registration_update_details",
    "registrations_anonymise",
    "registrations_apply",
    "registrations_message",
    "registrations_resend",
    "registrations_revoke_links",
    "reminder_offsets",
    "reminders_schedule",
    "signup_rate_limited",
]
