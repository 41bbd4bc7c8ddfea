"""Redis goes down in compose's topology: ONE Redis server is both the cache and the broker.

Sign-ups, logins and public pages go on (the cache fails open, mails wait in the database);
when Redis is back, every mail that was due is sent once. And a Redis that accepts connections
and never answers cannot hang a sign-up: the cache has socket timeouts.
"""

from __future__ import annotations

import datetime as dt
import socket
import threading
import time

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.utils import timezone

from registration.models import OutgoingMail, Registration
from tests.factories import EventFactory, UserFactory
from tests.trust.http import Browser
from tests.utils import (
    delivered_recipients,
    manage,
    production_env,
    start_web,
    start_worker,
    stop,
)

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

SIGN_UPS = 20


def _sign_up(browser: Browser, slug: str, n: int) -> tuple[int, str]:
    status, _html, location = browser.post_form(
        f"/events/{slug}/register/",
        {
            "first_name": "Redis", "last_name": f"Outage {n}",
            "email": f"redis{n}@example.org", "sex": "male", "country": "NE",
            "organization": "Ministry (fictional)", "category": "national_government",
            "language": "en", "consent_processing": "on",
        },
    )  # fmt: skip
    return status, location


def _production(tmp_path, collected_static, **overrides) -> dict[str, str]:
    return production_env(
        VAR_DIR=str(tmp_path / "var"),
        STATIC_ROOT=collected_static,
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(tmp_path / "mail"),
        **overrides,
    )


def test_one_redis_for_cache_and_broker_stopped_while_gunicorn_serves_sign_ups(
    own_redis, tmp_path, collected_static
):
    event = EventFactory(slug="redis-down", capacity=100)
    password = PBKDF2PasswordHasher().encode("field passphrase 2020", PBKDF2PasswordHasher().salt())
    member = UserFactory(email="member@example.org")
    type(member).objects.filter(pk=member.pk).update(password=password)
    EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)
    # As docker-compose.yml: the cache on database 0, the broker on database 1 of one server.
    env = _production(
        tmp_path,
        collected_static,
        REDIS_URL=own_redis.db_url(0),
        CELERY_BROKER_URL=own_redis.db_url(1),
    )
    web, base_url = start_web(env=env, log_path=tmp_path / "web.log", workers=2)
    worker = None
    try:
        own_redis.stop()  # cache and broker go down together

        visitor = Browser(base_url)
        pages = {
            path: visitor.get(path)[0]
            for path in ("/", "/events/redis-down/", "/events/redis-down/agenda.ics",
                         "/events/redis-down/agenda.json", "/accounts/login/")
        }  # fmt: skip
        assert pages == dict.fromkeys(pages, 200)
        answers = [_sign_up(Browser(base_url), "redis-down", n) for n in range(SIGN_UPS)]
        login = Browser(base_url).post_form(
            "/accounts/login/", {"login": member.email, "password": "field passphrase 2020"}
        )
        assert (login[0], login[2]) == (302, "/")

        statuses = [status for status, _location in answers]
        assert statuses.count(500) == 0
        assert answers == [(302, "/events/redis-down/register/done/")] * SIGN_UPS
        assert Registration.objects.filter(event=event).count() == SIGN_UPS
        assert OutgoingMail.objects.filter(sent_at=None).count() == SIGN_UPS

        own_redis.start()  # Redis is back (empty: nothing was persisted)
        worker = start_worker(env=env, log_path=tmp_path / "worker.log")
        # As if the sweeper's grace minute had passed since the sign-ups.
        OutgoingMail.objects.update(due_at=timezone.now() - dt.timedelta(minutes=5))
        for _ in range(2):  # twice: the second sweep must find nothing left to send
            result = manage("shell", "-v", "0", "-c", "from registration.tasks import "
                            "sweep_outbox; sweep_outbox.delay()", env=env)  # fmt: skip
            assert result.returncode == 0, result.stderr
            for _ in range(600):
                if not OutgoingMail.objects.filter(sent_at=None).exists():
                    break
                time.sleep(0.1)
        time.sleep(2)  # give a duplicate, were there one, the time to be written
    finally:
        if worker:
            stop(worker)
        stop(web)

    web_log = (tmp_path / "web.log").read_text()
    assert "cache unavailable (ConnectionError" in web_log  # degraded, and said so
    worker_log = (tmp_path / "worker.log").read_text()
    assert OutgoingMail.objects.filter(sent_at=None).count() == 0, worker_log
    delivered = delivered_recipients(tmp_path / "mail")
    assert len(delivered) == SIGN_UPS
    assert sorted(delivered) == sorted(f"redis{n}@example.org" for n in range(SIGN_UPS))


@pytest.fixture
def silent_redis():
    """A TCP server that accepts connections and never says a word."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    server.settimeout(0.2)
    accepted: list[socket.socket] = []
    done = threading.Event()

    def accept_until_stopped():
        while not done.is_set():
            try:
                accepted.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept_until_stopped, daemon=True)
    thread.start()
    yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    done.set()
    thread.join()
    for conn in accepted:
        conn.close()
    server.close()


def test_sign_up_completes_in_bounded_time_with_a_redis_that_never_answers(
    silent_redis, tmp_path, collected_static
):
    event = EventFactory(slug="silent-cache", capacity=10)
    env = _production(
        tmp_path, collected_static, REDIS_URL=silent_redis, CELERY_BROKER_URL="filesystem://"
    )
    web, base_url = start_web(env=env, log_path=tmp_path / "web.log", workers=1)
    try:
        timings = []
        answers = []
        for n in range(3):
            started = time.monotonic()
            answers.append(_sign_up(Browser(base_url), "silent-cache", n))
            timings.append(time.monotonic() - started)
    finally:
        stop(web)
    log = (tmp_path / "web.log").read_text()
    assert answers == [(302, "/events/silent-cache/register/done/")] * 3, log
    assert Registration.objects.filter(event=event).count() == 3
    # The first waits for one socket timeout (1 s); then the cache is skipped for a while.
    assert max(timings) < 8, timings
    assert sum(timings) < 12, timings
    assert "cache unavailable (TimeoutError" in log
