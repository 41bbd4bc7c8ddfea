"""Sign-up throughput and the form page through the real HTTP stack (gunicorn, PostgreSQL),
each against a bare view in the same run.

Both run in the same gunicorn, on the same database, in the same run: the project's
``/events/<slug>/register/`` (form validation with the event's questions, the rate limit, the
event's row lock (shared while seats are plenty, then exclusive for the last ones), the
duplicate check, the answers, the outbox row, the dispatcher woken
on commit; the cache and the queue on one Redis, as in production) and a bare view that
validates nothing and does one INSERT. Each round of sign-ups fills an event of its own
(600 seats, then 600 people waitlisted); the rounds of the two sides alternate, and each
side's figure is the median of its rounds. Goal: ratio >= 0.3.

The form page (GET, in French, with the event's question) is timed one request at a time, by
the server's CPU time (a ``Server-Timing: cpu;dur=`` header added by a middleware here, which
a shared machine's load does not inflate the way it inflates wall time) and by wall time,
against a bare page that renders nothing. Goal: under 15 ms.

This module is also the settings module and URL conf that gunicorn loads
(``BENCH_REGISTRATION_SERVER=1``): the project's settings plus the bare view.
"""

from __future__ import annotations

import os

if os.environ.get("BENCH_REGISTRATION_SERVER") == "1":
    from tests.settings import *  # noqa: F403

    ROOT_URLCONF = __name__
    DEBUG = False
    REGISTRATION_RATE_LIMIT = 10**9
    CELERY_TASK_ALWAYS_EAGER = False  # queued to the broker, as in production
    LOGGING = {"version": 1, "root": {"level": "WARNING"}}

    def server_timing(get_response):
        """Report the CPU time the request took in this worker (outermost middleware)."""
        import time

        def middleware(request):
            started = time.thread_time()
            response = get_response(request)
            response["Server-Timing"] = f"cpu;dur={(time.thread_time() - started) * 1000:.3f}"
            return response

        return middleware

    MIDDLEWARE = [f"{__name__}.server_timing", *MIDDLEWARE]  # noqa: F405

    def bare_page(request):
        from django.http import HttpResponse

        return HttpResponse("<!DOCTYPE html><title>bare</title>")

    def bare_insert(request):
        from django.db import connection
        from django.http import HttpResponseRedirect

        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO bench_bare_signup (email, first_name, last_name) VALUES (%s, %s, %s)",
                [request.POST["email"], request.POST["first_name"], request.POST["last_name"]],
            )
        return HttpResponseRedirect("/bare/done/")

    def __getattr__(name):
        # The URL conf is read after the apps are loaded; a settings module cannot import
        # URL patterns at import time.
        if name == "urlpatterns":
            from django.urls import include, path

            return [
                path("bare/", bare_insert),
                path("bare/page/", bare_page),
                path("", include("webinar.urls")),
            ]
        raise AttributeError(name)

else:
    import re
    import socket
    import subprocess
    import sys
    import time
    import urllib.parse
    from concurrent.futures import ThreadPoolExecutor
    from http.client import HTTPConnection

    from bench.common import ROOT, report, setup_django

    # Per round of sign-ups: an event of CAPACITY seats filled, then as many people waitlisted.
    CAPACITY = 600
    REQUESTS = 2 * CAPACITY
    # Rounds per side, in pairs (bare, project, project, bare, ...) so that a change in the
    # machine's load falls on both; each side's figure is the median of its rounds. The
    # project's rounds are alike: each signs up for an event of its own.
    ROUNDS = 3
    PAST_REGISTRATIONS = 2000
    CONCURRENCY = 8
    WORKERS = 4

    def _free_port() -> int:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            return probe.getsockname()[1]

    def _request(port, method, path, body=None, headers=None):
        conn = HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        data = response.read()
        result = (response.status, response.getheader("Set-Cookie") or "", data)
        timing = response.getheader("Server-Timing") or ""
        if "dur=" in timing:
            SERVER_CPU_MS.setdefault(path, []).append(float(timing.split("dur=")[1]))
        conn.close()
        return result

    SERVER_CPU_MS: dict[str, list[float]] = {}

    PAGE_REQUESTS = 200

    def _page_times(port, path):
        """Median server CPU time and wall time of GET ``path``, one request at a time (ms)."""
        import statistics

        cpu, wall = [], []
        for _ in range(PAGE_REQUESTS):
            conn = HTTPConnection("127.0.0.1", port, timeout=30)
            started = time.perf_counter()
            conn.request("GET", path, headers={"Accept-Language": "fr"})
            response = conn.getresponse()
            response.read()
            wall.append((time.perf_counter() - started) * 1000)
            if response.status != 200:
                raise RuntimeError(f"{path}: {response.status}")
            timing = response.getheader("Server-Timing") or ""
            cpu.append(float(timing.split("dur=")[1]))
            conn.close()
        return statistics.median(cpu), statistics.median(wall)

    def _wait_until_up(port, process):
        for _ in range(200):
            if process.poll() is not None:
                raise RuntimeError("gunicorn exited")
            try:
                _request(port, "GET", "/health/")
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("gunicorn did not start")

    def _run(port, path, fields_for, cookie, token, offset):
        def one(i):
            fields = {**fields_for(offset + i), "csrfmiddlewaretoken": token}
            status, _cookie, _body = _request(
                port,
                "POST",
                path,
                body=urllib.parse.urlencode(fields, doseq=True),
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Cookie": cookie,
                    "Referer": f"http://127.0.0.1:{port}{path}",
                },
            )
            return status

        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=CONCURRENCY) as pool:
            statuses = list(pool.map(one, range(REQUESTS)))
        elapsed = time.perf_counter() - started
        if statuses.count(302) != REQUESTS:
            raise RuntimeError(f"{path}: unexpected answers {sorted(set(statuses))}")
        return REQUESTS / elapsed

    def main() -> None:
        os.environ.setdefault(
            "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_registration"
        )
        # The bench's own Redis database (cache and queue, as in production): nothing consumes
        # the queue, and the database is emptied at the end.
        broker = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
        os.environ["CELERY_BROKER_URL"] = broker
        if not os.environ["DATABASE_URL"].startswith("postgres"):
            raise SystemExit("this benchmark needs PostgreSQL (DATABASE_URL=postgres://...)")
        setup_django()
        from django.db import connection
        from django.test.utils import setup_test_environment

        setup_test_environment()
        old_name = connection.creation.create_test_db(verbosity=0)
        server = None
        try:
            from registration.models import Question, Registration
            from tests.factories import EventFactory, QuestionFactory
            from tests.utils import database_url_for_subprocess

            with connection.cursor() as cursor:
                cursor.execute(
                    "CREATE TABLE bench_bare_signup (id bigserial PRIMARY KEY, "
                    "email varchar(254), first_name varchar(150), last_name varchar(150))"
                )
            # A database in use: an earlier event's registrations, and statistics, as
            # autovacuum keeps them. On an empty table that was never analysed, the planner
            # knows nothing of the addresses and looks one up by walking the event's rows.
            past = EventFactory(slug="bench-past")
            Registration.objects.bulk_create(
                Registration(
                    event=past,
                    email=f"past{n}@example.org",
                    first_name="Past",
                    last_name=f"Participant {n}",
                    country="NE",
                    organization="Ministry (fictional)",
                    category="national_government",
                    status=Registration.Status.APPROVED,
                )
                for n in range(PAST_REGISTRATIONS)
            )
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")

            def event_with_question(slug):
                event = EventFactory(slug=slug, capacity=CAPACITY)
                choice = QuestionFactory(
                    event=event,
                    kind=Question.Kind.CHOICE,
                    choices="Online\nIn person",
                    required=True,
                )
                return event, choice

            event_with_question("bench")  # the form page
            rounds = [event_with_question(f"bench-{n}") for n in range(ROUNDS)]
            port = _free_port()
            env = {
                **os.environ,
                # One Redis for the cache and the broker, as docker-compose.yml runs them.
                "REDIS_URL": broker,
                "DJANGO_SETTINGS_MODULE": "bench.bench_registration_signup",
                "BENCH_REGISTRATION_SERVER": "1",
                "DATABASE_URL": database_url_for_subprocess(),
            }
            server = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "webinar.wsgi:application",
                    f"--bind=127.0.0.1:{port}",
                    f"--workers={WORKERS}",
                    "--log-level=warning",
                ],
                cwd=ROOT,
                env=env,
            )
            _wait_until_up(port, server)
            _status, set_cookie, body = _request(port, "GET", "/events/bench/register/")
            token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
            cookie = set_cookie.split(";")[0]

            def project_fields(choice):
                return lambda i: {
                    "honorific": "ms",
                    "first_name": "Bench",
                    "last_name": f"Participant {i}",
                    "email": f"bench{i}@example.org",
                    "sex": "female",
                    "country": "NE",
                    "organization": "Ministry (fictional)",
                    "category": "national_government",
                    "position": "Adviser",
                    "language": "fr",
                    "interpretation_language": "en",
                    "consent_processing": "on",
                    f"q_{choice.pk}": "Online",
                }

            def bare_fields(i):
                return {"email": f"bare{i}@example.org", "first_name": "B", "last_name": str(i)}

            args = (port, cookie, token.decode())
            _page_times(port, "/bare/page/")  # warm
            _page_times(port, "/events/bench/register/")
            bare_cpu, bare_wall = _page_times(port, "/bare/page/")
            form_cpu, form_wall = _page_times(port, "/events/bench/register/")
            report("registration form page, server CPU (fr, one client)", form_cpu, "ms", bare_cpu)
            report("registration form page, wall (fr, one client)", form_wall, "ms", bare_wall)
            # Warm both paths (imports, connections), then measure alternately.
            _run(port, "/bare/", bare_fields, *args[1:], offset=10**7)
            bare, project = [], []
            for n, (event, choice) in enumerate(rounds):
                for side in ("bare", "project") if n % 2 == 0 else ("project", "bare"):
                    if side == "bare":
                        rate = _run(port, "/bare/", bare_fields, *args[1:], offset=n * 10**6)
                        bare.append(rate)
                    else:
                        path = f"/events/{event.slug}/register/"
                        project.append(
                            _run(port, path, project_fields(choice), *args[1:], offset=0)
                        )
                        approved = event.registrations.filter(status="approved").count()
                        waitlisted = event.registrations.filter(status="waitlisted").count()
                        if (approved, waitlisted) != (CAPACITY, REQUESTS - CAPACITY):
                            raise RuntimeError(
                                f"capacity broken: {approved} approved, {waitlisted} waiting"
                            )
            import statistics

            print(
                "bench rounds (req/s): bare "
                + ", ".join(f"{rate:.0f}" for rate in bare)
                + "; project "
                + ", ".join(f"{rate:.0f}" for rate in project),
                file=sys.stderr,
            )
            sign_up_cpu = [
                ms
                for path, times in SERVER_CPU_MS.items()
                if path.startswith("/events/bench-")
                for ms in times
            ]
            report(
                "registration sign-up, server CPU per request (8 clients)",
                statistics.median(sign_up_cpu),
                "ms",
                statistics.median(SERVER_CPU_MS["/bare/"]),
            )
            report(
                f"registration sign-up through gunicorn+PostgreSQL ({WORKERS} workers, "
                f"{CONCURRENCY} clients) vs one-INSERT view",
                statistics.median(project),
                "req/s",
                statistics.median(bare),
            )
        finally:
            if server is not None:
                server.terminate()
                server.wait(timeout=30)
            connection.creation.destroy_test_db(old_name, verbosity=0)
            import redis

            redis.Redis.from_url(broker).flushdb()

    if __name__ == "__main__":
        main()
