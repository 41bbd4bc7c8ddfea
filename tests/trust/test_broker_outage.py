"""The broker goes down: people can still sign up and organisers still work; when it comes
back, every mail that was due is sent, once."""

from __future__ import annotations

import datetime as dt
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

SIGN_UPS = 6


def test_sign_ups_survive_a_broker_outage_and_mails_go_out_once(
    own_redis, tmp_path, collected_static
):
    event = EventFactory(slug="outage", capacity=100)
    # Hashed as production hashes (the test settings use a fast hasher it does not know).
    password = PBKDF2PasswordHasher().encode("desk passphrase 2020", PBKDF2PasswordHasher().salt())
    organiser = UserFactory(email="desk@example.org", is_staff=True, is_superuser=True)
    type(organiser).objects.filter(pk=organiser.pk).update(password=password)
    # The admin's login is the site's login, which wants a verified address.
    EmailAddress.objects.create(user=organiser, email=organiser.email, verified=True, primary=True)
    mail_dir = tmp_path / "mail"
    env = production_env(
        CELERY_BROKER_URL=own_redis.url,
        VAR_DIR=str(tmp_path / "var"),
        STATIC_ROOT=collected_static,
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(mail_dir),
        REGISTRATION_RATE_LIMIT="1000",
    )
    web, base_url = start_web(env=env, log_path=tmp_path / "web.log", workers=2)
    worker = None
    try:
        own_redis.stop()  # the broker goes down

        browser = Browser(base_url)
        answers = []
        for n in range(SIGN_UPS):
            status, _html, location = browser.post_form(
                "/events/outage/register/",
                {
                    "first_name": "Outage", "last_name": f"Participant {n}",
                    "email": f"outage{n}@example.org", "sex": "female", "country": "ML",
                    "organization": "Ministry (fictional)", "category": "national_government",
                    "language": "fr", "consent_processing": "on",
                },
            )  # fmt: skip
            answers.append((status, location))
        assert answers == [(302, "/events/outage/register/done/")] * SIGN_UPS
        assert Registration.objects.filter(event=event).count() == SIGN_UPS
        assert OutgoingMail.objects.filter(sent_at=None).count() == SIGN_UPS

        desk = Browser(base_url)
        status, _html, _location = desk.post_form(
            "/accounts/login/?next=/admin/",
            {"login": organiser.email, "password": "desk passphrase 2020"},
        )
        assert status == 302
        status, html, _location = desk.get("/admin/registration/registration/")
        assert status == 200
        assert all(f"outage{n}@example.org" in html for n in range(SIGN_UPS))

        own_redis.start()  # the broker is back
        worker = start_worker(env=env, log_path=tmp_path / "worker.log")
        # As if the sweeper's grace minute had passed since the sign-ups.
        OutgoingMail.objects.update(due_at=timezone.now() - dt.timedelta(minutes=5))
        for _ in range(2):  # twice: the second sweep must find nothing left to send
            result = manage("shell", "-c", "from registration.tasks import sweep_outbox; "
                            "sweep_outbox.delay()", env=env)  # fmt: skip
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

    worker_log = (tmp_path / "worker.log").read_text()
    assert OutgoingMail.objects.filter(sent_at=None).count() == 0, worker_log
    expected = sorted(f"outage{n}@example.org" for n in range(SIGN_UPS))
    assert sorted(delivered_recipients(mail_dir)) == expected
