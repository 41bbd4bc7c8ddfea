"""The public agenda of a large programme (60 sessions over 3 days, 3 people each).

Figures: a full render of the event page, and a cold build of agenda.ics / agenda.json.
Baselines, measured in the same run: the same URL answered 304 to a conditional request (page),
and the export served from the server cache under its unchanged ETag.
"""

from __future__ import annotations

from bench.common import report, setup_django, timed

SESSIONS = 60


def build_agenda():
    import datetime as dt
    import zoneinfo

    from tests.factories import (
        EventFactory,
        MaterialFactory,
        PersonFactory,
        SessionFactory,
        SessionRoleFactory,
    )

    cairo = zoneinfo.ZoneInfo("Africa/Cairo")
    start = dt.datetime(2024, 8, 12, 8, 0, tzinfo=cairo)
    event = EventFactory(slug="bench-agenda", starts_at=start, ends_at=start + dt.timedelta(days=3))
    people = [PersonFactory(bio="A short biography. " * 10) for _ in range(30)]
    for index in range(SESSIONS):
        day, slot = divmod(index, 20)
        begins = start + dt.timedelta(days=day, minutes=30 * slot)
        session = SessionFactory(
            event=event,
            title=f"Session {index}",
            description="What the session is about. " * 5,
            starts_at=begins,
            ends_at=begins + dt.timedelta(minutes=30),
        )
        for offset, role in enumerate(("moderator", "speaker", "rapporteur")):
            SessionRoleFactory(
                session=session, person=people[(index + offset) % len(people)], role=role
            )
        MaterialFactory(session=session)
    return event


def main() -> None:
    setup_django()
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        event = build_agenda()
        client = Client()
        page = f"/events/{event.slug}/"
        etag = client.get(page)["ETag"]

        def full_page():
            assert client.get(page).status_code == 200

        def not_modified():
            assert client.get(page, HTTP_IF_NONE_MATCH=etag).status_code == 304

        report(
            f"agenda event page, {SESSIONS} sessions",
            timed(full_page, repeat=7) * 1000,
            "ms",
            timed(not_modified, repeat=7) * 1000,
        )
        for name in ("ics", "json"):
            url = f"/events/{event.slug}/agenda.{name}"

            def cold(url=url):
                cache.clear()
                assert client.get(url).status_code == 200

            def cached(url=url):
                assert client.get(url).status_code == 200

            cold_ms = timed(cold, repeat=7) * 1000
            client.get(url)
            report(
                f"agenda.{name} build, {SESSIONS} sessions",
                cold_ms,
                "ms",
                timed(cached, repeat=7) * 1000,
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
