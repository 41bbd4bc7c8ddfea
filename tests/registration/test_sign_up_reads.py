"""A sign-up reads the event and its questions again exactly when their rows changed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from registration import selectors
from registration.models import Question, Registration
from tests.factories import EventFactory, QuestionFactory
from tests.registration.test_views import VALID
from webinar.models import Event

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture(autouse=True)
def _nothing_kept_from_other_tests():
    selectors._SIGN_UP_READS.clear()
    yield
    selectors._SIGN_UP_READS.clear()


def _sign_up(client, n, slug="kept", **extra):
    return client.post(
        f"/events/{slug}/register/", {**VALID, "email": f"p{n}@example.org", **extra}
    )


def test_a_second_sign_up_reads_neither_the_event_nor_its_questions_again(client):
    event = EventFactory(slug="kept")
    question = QuestionFactory(event=event, kind=Question.Kind.TEXT, label="Panel?")
    assert _sign_up(client, 1, **{f"q_{question.pk}": "A"}).status_code == 302
    with CaptureQueriesContext(connection) as queries:
        assert _sign_up(client, 2, **{f"q_{question.pk}": "B"}).status_code == 302
    statements = [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
    # No read of the two tables, nor of the version, before the event's lock: the lock
    # statement reads the version of the rows the kept copy was made from.
    reads = ('SELECT "webinar_event"', 'SELECT "registration_question"', "SELECT e.xmin")
    assert not [sql for sql in statements if sql.startswith(reads)]
    lock = statements[0]
    if lock.startswith("EXECUTE "):  # prepared by an earlier sign-up on this connection
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT statement FROM pg_prepared_statements WHERE name = %s",
                [lock.split()[1].split("(")[0]],
            )
            [(lock,)] = cursor.fetchall()
    assert "FOR SHARE" in lock
    assert '"webinar_event".xmin::text' in lock
    assert Registration.objects.filter(event=event).count() == 2


def test_a_kept_copy_out_of_date_at_the_lock_saves_nothing_and_counts_the_attempt_once(
    client, settings
):
    settings.REGISTRATION_RATE_LIMIT = 2
    event = EventFactory(slug="kept")
    question = QuestionFactory(event=event, kind=Question.Kind.TEXT, required=False)
    assert _sign_up(client, 1).status_code == 302
    Question.objects.filter(pk=question.pk).update(label="Changed")  # a new version, still valid
    # The kept copy passes the form, the lock statement finds another version: the sign-up
    # is checked again from fresh reads, and goes through as the second attempt, not a third.
    assert _sign_up(client, 2).status_code == 302
    assert _sign_up(client, 3).status_code == 429
    assert sorted(Registration.objects.values_list("email", flat=True)) == [
        "p1@example.org",
        "p2@example.org",
    ]
    assert selectors._SIGN_UP_READS["kept"].questions[0].label == "Changed"


def test_a_deleted_event_kept_from_an_earlier_sign_up_is_not_found(client):
    event = EventFactory(slug="kept")
    assert _sign_up(client, 1).status_code == 302
    Event.objects.filter(pk=event.pk).delete()
    assert _sign_up(client, 2).status_code == 404
    assert not Registration.objects.exists()


def test_registration_reopened_after_a_refusal_takes_the_very_next_sign_up(client):
    """A kept copy that refuses (here: closed) is checked before the refusal is shown."""
    event = EventFactory(slug="kept", registration_closes_at=timezone.now() - dt.timedelta(1))
    assert _sign_up(client, 1).status_code == 410
    assert "kept" in selectors._SIGN_UP_READS
    Event.objects.filter(pk=event.pk).update(registration_closes_at=None)
    assert _sign_up(client, 2).status_code == 302
    assert Registration.objects.get().email == "p2@example.org"


# Far from the capacity a sign-up shares the event's lock; near it, it has the event to itself.
@pytest.mark.parametrize("capacity", [None, 5])
def test_a_question_made_required_applies_to_the_very_next_sign_up(client, capacity):
    event = EventFactory(slug="kept", capacity=capacity)
    question = QuestionFactory(event=event, kind=Question.Kind.TEXT, required=False)
    assert _sign_up(client, 1).status_code == 302
    Question.objects.filter(pk=question.pk).update(required=True)  # no save(): no signal either
    refused = _sign_up(client, 2)
    assert refused.status_code == 200
    assert "This field is required." in refused.content.decode()
    assert Registration.objects.filter(event=event).count() == 1


def test_a_question_added_or_removed_applies_to_the_very_next_sign_up(client):
    event = EventFactory(slug="kept")
    assert _sign_up(client, 1).status_code == 302
    added = QuestionFactory(event=event, kind=Question.Kind.TEXT, required=True)
    assert _sign_up(client, 2).status_code == 200  # the new question is asked
    added.delete()
    assert _sign_up(client, 3).status_code == 302
    assert set(Registration.objects.values_list("email", flat=True)) == {
        "p1@example.org",
        "p3@example.org",
    }


def test_registration_closed_by_an_update_refuses_the_very_next_sign_up(client):
    event = EventFactory(slug="kept")
    other = EventFactory(slug="other")
    assert _sign_up(client, 1).status_code == 302
    assert _sign_up(client, "o1", slug="other").status_code == 302
    Event.objects.filter(pk=event.pk).update(
        registration_closes_at=timezone.now() - dt.timedelta(minutes=1)
    )
    assert _sign_up(client, 2).status_code == 410
    # The other event, read before and unchanged, still takes sign-ups.
    assert _sign_up(client, "o2", slug="other").status_code == 302
    assert Registration.objects.filter(event=other).count() == 2


def test_an_unpublished_event_is_not_found_at_once(client):
    event = EventFactory(slug="kept")
    assert _sign_up(client, 1).status_code == 302
    Event.objects.filter(pk=event.pk).update(is_published=False)
    assert _sign_up(client, 2).status_code == 404


def test_the_copies_kept_are_bounded_and_the_oldest_goes_first(client, monkeypatch):
    monkeypatch.setattr(selectors, "_SIGN_UP_READS_MAX", 2)
    for slug in ("first", "second", "third"):
        EventFactory(slug=slug)
        assert _sign_up(client, slug, slug=slug).status_code == 302
    assert list(selectors._SIGN_UP_READS) == ["second", "third"]
    assert _sign_up(client, "again", slug="first").status_code == 302  # read again
    assert list(selectors._SIGN_UP_READS) == ["third", "first"]


def test_a_sign_up_for_a_mixed_event_reads_the_delegations_quotas_once(client):
    from tests.factories import DelegationFactory

    event = EventFactory(slug="kept", admission=Event.Admission.MIXED, capacity=100)
    DelegationFactory(event=event, quota=5)
    with CaptureQueriesContext(connection) as queries:
        assert _sign_up(client, 1).status_code == 302
    quotas = [q for q in queries.captured_queries if 'FROM "delegations_delegation"' in q["sql"]]
    assert len(quotas) == 1
    assert Registration.objects.get(event=event).status == Registration.Status.APPROVED


def _plan_nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", []):
        yield from _plan_nodes(child)


def test_the_checks_follow_the_indexes_when_the_rows_are_newer_than_the_statistics(client):
    """A burst of sign-ups: the event's rows are not in the table's statistics yet."""
    past = EventFactory(slug="past")
    Registration.objects.bulk_create(
        Registration(event=past, email=f"past{n}@example.org", status="approved")
        for n in range(500)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE registration_registration")
    event = EventFactory(slug="kept", capacity=300)
    Registration.objects.bulk_create(
        Registration(event=event, email=f"r{n}@example.org", status=status)
        for n, status in enumerate(["approved"] * 300 + ["waitlisted"] * 150)
    )
    seen = []

    def keep(execute, sql, params, many, context):
        seen.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        assert _sign_up(client, 1).status_code == 302
    # The lock and the address lookup (prepared statements) and the count go in one round
    # trip. The count is planned for its values every time: a generic plan, made for any
    # event, reads the whole table here, where the statistics know nothing of this event.
    [(sql, params)] = [(sql, params) for sql, params in seen if "COUNT(*)" in sql]
    lock, address, count_sql = sql.split("; ")
    address_params = params[lock.count("%s") : lock.count("%s") + address.count("%s")]
    with connection.cursor() as cursor:
        plans = []
        # The lookup under each plan the server may take: one for these values (the first five
        # executions of a prepared statement), then the generic plan for any values.
        for mode in ("force_custom_plan", "force_generic_plan"):
            cursor.execute(f"SET LOCAL plan_cache_mode = {mode}")
            cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {address}", address_params)
            plans.append(cursor.fetchone()[0][0])
        cursor.execute("SET LOCAL plan_cache_mode = auto")
        cursor.execute(
            f"EXPLAIN (ANALYZE, FORMAT JSON) {count_sql}",
            params[lock.count("%s") + address.count("%s") :],
        )
        [[count_plan]] = cursor.fetchone()
    for plan in plans:
        # The address through the one-address index, walking no other row of the event.
        [lookup] = [node for node in _plan_nodes(plan["Plan"]) if "Scan" in node["Node Type"]]
        assert lookup["Index Name"] == "registration_one_per_email_per_event"
        assert lookup.get("Rows Removed by Filter", 0) == 0
    # The seats through an index on the event (at worst it walks the waiting list too).
    [count] = [node for node in _plan_nodes(count_plan["Plan"]) if "Scan" in node["Node Type"]]
    assert count["Node Type"] in ("Index Scan", "Index Only Scan")
    waiting = Registration.objects.filter(event=event, status="waitlisted").count()
    assert count.get("Rows Removed by Filter", 0) <= waiting
    assert Registration.objects.get(event=event, email="p1@example.org").status == "waitlisted"
