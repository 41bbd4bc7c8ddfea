"""The event desk with 100 and 10,000 registrations on PostgreSQL: queries per page (the ratio
must be 1.00, the desk reads aggregates) and the page time."""

from __future__ import annotations

import os

from bench.common import report, setup_django, timed

BIG = 10_000
SMALL = 100


def main() -> None:
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_desk")
    if not os.environ["DATABASE_URL"].startswith("postgres"):
        raise SystemExit("this benchmark needs PostgreSQL (DATABASE_URL=postgres://...)")
    setup_django()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from django.utils import timezone

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        from registration.models import OutgoingMail, Registration
        from tests.factories import EventFactory, UserFactory

        big, small = EventFactory(capacity=BIG), EventFactory(capacity=SMALL)
        statuses = ["approved", "approved", "pending", "waitlisted", "cancelled"]
        for event, count in ((big, BIG), (small, SMALL)):
            rows = Registration.objects.bulk_create(
                Registration(
                    event=event,
                    email=f"p{i}@example.org",
                    first_name="Bench",
                    last_name=f"Participant {i}",
                    country=["NE", "ML", "TD", "SD", "EG", "LY"][i % 6],
                    organization="Ministry (fictional)",
                    category=["national_government", "local_government", "rec"][i % 3],
                    sex=["female", "male", "undisclosed"][i % 3],
                    language=["en", "fr", "ar"][i % 3],
                    interpretation_language=["", "fr", "ar"][i % 3],
                    status=statuses[i % len(statuses)],
                    consent_processing=True,
                )
                for i in range(count)
            )
            now = timezone.now()
            OutgoingMail.objects.bulk_create(
                OutgoingMail(
                    registration=r,
                    kind="received",
                    due_at=now,
                    sent_at=None if i % 10 == 0 else now,
                    last_error="SMTP 550" if i % 20 == 0 else "",
                )
                for i, r in enumerate(rows)
            )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

        client = Client()
        client.force_login(UserFactory(is_staff=True, is_superuser=True))

        def page(event):
            response = client.get(f"/admin/webinar/event/{event.pk}/desk/")
            assert response.status_code == 200
            return response

        def queries(event):
            page(event)
            with CaptureQueriesContext(connection) as captured:
                page(event)
            return len(captured.captured_queries)

        report(
            f"event desk, queries per page ({BIG} vs {SMALL} registrations)",
            queries(big),
            "queries",
            queries(small),
        )
        report(
            f"event desk, page time ({BIG} vs {SMALL} registrations)",
            timed(lambda: page(big), repeat=5) * 1000,
            "ms",
            timed(lambda: page(small), repeat=5) * 1000,
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
