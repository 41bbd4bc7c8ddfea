"""insert_with_children writes what save() would, in one statement on PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import DataError, IntegrityError, connection, transaction
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from registration.models import Answer, OutgoingMail, Registration
from tests.factories import EventFactory, QuestionFactory
from webinar.db import execute_prepared, insert_with_children

pytestmark = pytest.mark.django_db

DETAILS = {
    "first_name": "Awa",
    "last_name": "Example",
    "country": "SN",
    "organization": "Ministry (fictional)",
    "category": "national_government",
    "status": "approved",
    "consent_processing": True,
}
MADE_BY_THE_DATABASE_OR_RANDOM = {"id", "access_key", "created_at", "updated_at", "email"}


def _compare(row: Registration) -> dict:
    return {k: v for k, v in model_to_dict(row).items() if k not in MADE_BY_THE_DATABASE_OR_RANDOM}


def test_parent_and_children_are_written_as_save_writes_them():
    event = EventFactory()
    questions = [QuestionFactory(event=event, label=f"Q{n}") for n in range(3)]
    saved = Registration(event=event, email="saved@example.org", **DETAILS)
    saved.save()
    before = timezone.now()
    inserted = Registration(event=event, email="inserted@example.org", **DETAILS)
    answers = [Answer(question=q, value=v) for q, v in zip(questions, "abc", strict=True)]
    mail = OutgoingMail(registration=inserted, kind="approved", due_at=before)
    with CaptureQueriesContext(connection) as queries:
        insert_with_children(inserted, [("registration", answers), ("registration", [mail])])
    if connection.vendor == "postgresql":  # one statement (prepared first, once a connection)
        sent = [q["sql"] for q in queries.captured_queries]
        assert [sql for sql in sent if not sql.startswith("PREPARE ")] == [sent[-1]]
        assert sent[-1].startswith("EXECUTE ")
    row = Registration.objects.get(pk=inserted.pk)
    assert row.email == "inserted@example.org"
    assert _compare(row) == _compare(Registration.objects.get(pk=saved.pk))
    assert row.created_at >= before and row.updated_at >= before
    assert len(row.access_key) >= 20 and row.access_key != saved.access_key
    assert row.access_key == inserted.access_key  # the default computed here is the one stored
    # Each object has the key of its own row.
    for answer, value in zip(answers, "abc", strict=True):
        assert Answer.objects.get(pk=answer.pk).value == value
        assert answer.registration_id == inserted.pk
    assert OutgoingMail.objects.get(pk=mail.pk).registration_id == inserted.pk
    assert not inserted._state.adding
    assert Answer.objects.filter(registration=saved).count() == 0  # the bystander has none


def test_an_empty_group_writes_nothing_for_it():
    event = EventFactory()
    registration = Registration(event=event, email="alone@example.org", **DETAILS)
    mail = OutgoingMail(registration=registration, kind="approved", due_at=timezone.now())
    insert_with_children(registration, [("registration", []), ("registration", [mail])])
    assert Answer.objects.count() == 0
    assert OutgoingMail.objects.get().registration_id == registration.pk


def test_a_refused_parent_leaves_no_child():
    event = EventFactory()
    Registration.objects.create(event=event, email="twice@example.org", **DETAILS)
    again = Registration(event=event, email="TWICE@example.org", **DETAILS)
    question = QuestionFactory(event=event)
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_with_children(again, [("registration", [Answer(question=question, value="x")])])
    assert Registration.objects.count() == 1
    assert Answer.objects.count() == 0


@pytest.mark.postgres  # SQLite does not hold text to a column's size
def test_a_value_too_long_for_its_column_is_refused_not_cut_short():
    event = EventFactory()
    too_long = Registration(
        event=event, email="long@example.org", **{**DETAILS, "status": "x" * 21}
    )
    with pytest.raises(DataError), transaction.atomic():
        insert_with_children(too_long, [])
    assert Registration.objects.count() == 0


def _executed(statements, then=()):
    with CaptureQueriesContext(connection) as queries, connection.cursor() as cursor:
        execute_prepared(cursor, statements, then=then)
        results = [cursor.fetchall()]
        while cursor.cursor.nextset():
            results.append(cursor.fetchall())
    return results, [q["sql"].split(" ", 1)[0] for q in queries.captured_queries]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_statement_is_prepared_once_a_connection_and_again_on_a_new_one():
    statement = ("SELECT %s::integer + 40 AS prepared_once", [2])
    assert _executed([statement]) == ([[(42,)]], ["PREPARE", "EXECUTE"])
    assert _executed([statement]) == ([[(42,)]], ["EXECUTE"])
    connection.close()  # a new session knows no prepared statement
    assert _executed([statement]) == ([[(42,)]], ["PREPARE", "EXECUTE"])


@pytest.mark.postgres
def test_a_prepared_statement_outlives_its_rolled_back_transaction():
    statement = ("SELECT %s::integer * 2 AS outlives_rollback", [21])
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        assert _executed([statement]) == ([[(42,)]], ["PREPARE", "EXECUTE"])
        raise ZeroDivisionError
    assert _executed([statement]) == ([[(42,)]], ["EXECUTE"])


@pytest.mark.postgres
def test_prepared_statements_then_plain_ones_go_in_one_round_trip_in_order():
    results, sent = _executed(
        [("SELECT %s::integer %% %s::integer AS in_order", [7, 4]), ("SELECT 'it''s' AS b", [])],
        then=[("SELECT %s::text || '%%'", ["50"])],
    )
    assert results == [[(3,)], [("it's",)], [("50%",)]]
    assert sent[-1] == "EXECUTE"  # the last round trip carries all three
    with connection.cursor() as cursor, pytest.raises(ValueError, match="2 placeholders, 1"):
        execute_prepared(cursor, [("SELECT %s::integer + %s::integer", [1])])
