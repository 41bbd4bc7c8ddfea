"""Agenda rules: a session's calendar revision (SEQUENCE) and publishing."""

import threading

import pytest
from django.db import connection, transaction

from sessions import services
from sessions.models import Session
from tests.factories import SessionFactory

pytestmark = pytest.mark.django_db


def _sequences(*sessions) -> list[int]:
    return [Session.objects.get(pk=s.pk).sequence for s in sessions]


def test_sessions_mark_changed_raises_only_the_given_sessions():
    changed, bystander = SessionFactory(), SessionFactory()
    assert services.sessions_mark_changed(session_ids=[changed.pk]) == 1
    assert services.sessions_mark_changed(session_ids=[changed.pk]) == 1
    assert _sequences(changed, bystander) == [2, 0]


def test_saving_a_session_alone_does_not_change_its_revision():
    session = SessionFactory()
    session.title = "Renamed"
    session.save()
    assert _sequences(session) == [0]


def test_sessions_set_published_changes_only_sessions_whose_state_changes():
    draft = SessionFactory(is_published=False)
    already = SessionFactory(event=draft.event, is_published=True)
    elsewhere = SessionFactory(is_published=False)
    changed = services.sessions_set_published(
        sessions=Session.objects.filter(event=draft.event), published=True
    )
    assert [session.pk for session in changed] == [draft.pk]
    rows = Session.objects.in_bulk([draft.pk, already.pk, elsewhere.pk])
    assert [
        (rows[s.pk].is_published, rows[s.pk].sequence) for s in (draft, already, elsewhere)
    ] == [
        (True, 1),
        (True, 0),
        (False, 0),
    ]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_edits_raise_the_revision_by_two():
    """Both organisers read revision 0 before either writes; both changes count."""
    session = SessionFactory()
    both_read = threading.Barrier(2, timeout=10)
    errors: list[BaseException] = []

    def edit() -> None:
        try:
            with transaction.atomic():
                assert Session.objects.get(pk=session.pk).sequence == 0
                both_read.wait()
                services.sessions_mark_changed(session_ids=[session.pk])
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=edit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert _sequences(session) == [2]
