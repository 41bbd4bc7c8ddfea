import pytest

from sessions.selectors import event_overlapping_sessions, person_double_bookings
from tests.agenda.conftest import cairo
from tests.factories import EventFactory, PersonFactory, SessionFactory, SessionRoleFactory

pytestmark = pytest.mark.django_db


def _event_with_breakouts():
    event = EventFactory(starts_at=cairo(2024, 8, 12, 10), ends_at=cairo(2024, 8, 12, 13))

    def add(title, kind, start, end):
        return SessionFactory(
            event=event,
            title=title,
            kind=kind,
            starts_at=cairo(2024, 8, 12, *start),
            ends_at=cairo(2024, 8, 12, *end),
        )

    room_a = add("Room A", "working_group", (11, 0), (12, 0))
    room_b = add("Room B", "working_group", (11, 0), (12, 0))
    panel = add("Panel", "panel", (10, 0), (11, 15))
    return event, room_a, room_b, panel


def test_overlaps_leave_out_parallel_working_groups_only():
    event, *_sessions = _event_with_breakouts()
    pairs = [(a.title, b.title) for a, b in event_overlapping_sessions(event=event)]
    assert pairs == [("Panel", "Room A"), ("Panel", "Room B")]


def test_double_booking_is_reported_even_between_parallel_working_groups():
    event, room_a, room_b, _panel = _event_with_breakouts()
    chair = PersonFactory(name="Busy Chair")
    SessionRoleFactory(session=room_a, person=chair, role="chair")
    SessionRoleFactory(session=room_b, person=chair, role="rapporteur")
    found = [(p.name, a.title, b.title) for p, a, b in person_double_bookings(event=event)]
    assert found == [("Busy Chair", "Room A", "Room B")]


def test_back_to_back_sessions_do_not_overlap():
    event = EventFactory(starts_at=cairo(2024, 8, 12, 10), ends_at=cairo(2024, 8, 12, 13))
    person = PersonFactory()
    first = SessionFactory(
        event=event, starts_at=cairo(2024, 8, 12, 10), ends_at=cairo(2024, 8, 12, 11)
    )
    second = SessionFactory(
        event=event, starts_at=cairo(2024, 8, 12, 11), ends_at=cairo(2024, 8, 12, 12)
    )
    SessionRoleFactory(session=first, person=person)
    SessionRoleFactory(session=second, person=person)
    assert event_overlapping_sessions(event=event) == []
    assert person_double_bookings(event=event) == []
