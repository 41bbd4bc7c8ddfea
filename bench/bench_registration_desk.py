"""The organisers' desk with 10,000 registrations on PostgreSQL.

- admin list: queries per page for an event with 10,000 registrations against one with 100
  (the ratio must be 1.00: the count does not depend on the rows), and the page time;
- export: the CSV and XLSX exports of the 10,000 rows (with the event's own question)
  against PostgreSQL's own ``COPY (SELECT ...) TO STDOUT`` of the same rows and columns.
"""

from __future__ import annotations

import os

from bench.common import report, setup_django, timed

BIG = 10_000
SMALL = 100


def main() -> None:
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_registration")
    if not os.environ["DATABASE_URL"].startswith("postgres"):
        raise SystemExit("this benchmark needs PostgreSQL (DATABASE_URL=postgres://...)")
    setup_django()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        from registration.models import Answer, Registration
        from tests.factories import EventFactory, QuestionFactory, UserFactory

        big, small = EventFactory(), EventFactory()
        questions = {event.pk: QuestionFactory(event=event) for event in (big, small)}
        categories = ["national_government", "local_government", "rec", "au_commission"]
        for event, count in ((big, BIG), (small, SMALL)):
            rows = Registration.objects.bulk_create(
                Registration(
                    event=event,
                    email=f"p{i}@example.org",
                    first_name="Bench",
                    last_name=f"Participant {i}",
                    country=["NE", "ML", "TD", "SD"][i % 4],
                    organization="=Ministry (fictional)" if i % 50 == 0 else "Ministry",
                    category=categories[i % 4],
                    sex=["female", "male", "undisclosed"][i % 3],
                    status="approved",
                    consent_processing=True,
                )
                for i in range(count)
            )
            Answer.objects.bulk_create(
                Answer(registration=r, question=questions[event.pk], value="Online") for r in rows
            )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

        client = Client()
        client.force_login(UserFactory(is_staff=True, is_superuser=True))
        base = "/admin/registration/registration/"

        def page(event):
            response = client.get(f"{base}?event__id__exact={event.pk}")
            assert response.status_code == 200
            return response

        def queries(event):
            page(event)
            with CaptureQueriesContext(connection) as captured:
                page(event)
            return len(captured.captured_queries)

        report(
            f"admin registration list, queries per page ({BIG} vs {SMALL} registrations)",
            queries(big),
            "queries",
            queries(small),
        )
        report(
            f"admin registration list, page time ({BIG} vs {SMALL} registrations)",
            timed(lambda: page(big), repeat=5) * 1000,
            "ms",
            timed(lambda: page(small), repeat=5) * 1000,
        )

        def export(fmt):
            response = client.get(f"{base}export/{big.pk}/{fmt}/")
            body = b"".join(response.streaming_content) if response.streaming else response.content
            assert response.status_code == 200
            return body

        copy_sql = (
            "COPY (SELECT e.slug, r.status, r.created_at, r.honorific, r.first_name, "
            "r.last_name, r.email, r.phone, r.sex, r.country, r.organization, r.category, "
            "r.position, r.language, r.interpretation_language, r.accessibility_needs, "
            "r.consent_processing, r.consent_listing, r.attended, r.minutes_attended, a.value "
            "FROM registration_registration r JOIN webinar_event e ON e.id = r.event_id "
            "LEFT JOIN registration_answer a ON a.registration_id = r.id "
            "WHERE r.event_id = %s ORDER BY r.created_at, r.id) "
            "TO STDOUT WITH (FORMAT csv, HEADER)"
        )

        def copy():
            chunks = []
            with connection.cursor() as cursor, cursor.cursor.copy(copy_sql, [big.pk]) as stream:
                for chunk in stream:
                    chunks.append(bytes(chunk))
            return b"".join(chunks)

        lines = export("csv").count(b"\r\n")
        assert lines == BIG + 1, lines
        assert copy().count(b"\n") == BIG + 1
        baseline = timed(copy, repeat=3)
        report(
            f"export {BIG} registrations to CSV vs PostgreSQL COPY",
            timed(lambda: export("csv"), repeat=3),
            "s",
            baseline,
        )
        report(
            f"export {BIG} registrations to XLSX vs PostgreSQL COPY (CSV)",
            timed(lambda: export("xlsx"), repeat=3),
            "s",
            baseline,
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
