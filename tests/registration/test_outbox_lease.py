"""Mails are sent outside any transaction, under a lease: a slow mail server blocks nobody."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.utils import timezone

from registration import services
from registration.models import OutgoingMail
from tests.factories import RegistrationFactory
from tests.utils import manage, production_env

Kind = OutgoingMail.Kind


@pytest.mark.django_db
def test_claim_takes_one_row_and_leaves_a_bystander_untouched():
    row = services.mail_queue(registration=RegistrationFactory(), kind=Kind.APPROVED)
    bystander = services.mail_queue(registration=RegistrationFactory(), kind=Kind.APPROVED)
    assert services.mail_send(mail_id=row.pk) is True
    row.refresh_from_db()
    bystander.refresh_from_db()
    assert (row.attempts, row.claimed_until, row.sent_at is not None) == (1, None, True)
    assert (bystander.attempts, bystander.claimed_until, bystander.sent_at) == (0, None, None)
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_live_lease_is_left_alone_and_expired_lease_is_taken_up_by_the_sweeper():
    now = timezone.now()
    live = services.mail_queue(registration=RegistrationFactory(), kind=Kind.APPROVED)
    expired = services.mail_queue(registration=RegistrationFactory(), kind=Kind.APPROVED)
    # Both claimed by a worker once; the first is still being sent, the second's worker died.
    OutgoingMail.objects.filter(pk=live.pk).update(
        attempts=1, claimed_until=now + dt.timedelta(minutes=4), due_at=now - dt.timedelta(hours=1)
    )
    OutgoingMail.objects.filter(pk=expired.pk).update(
        attempts=1, claimed_until=now - dt.timedelta(seconds=1), due_at=now - dt.timedelta(hours=1)
    )
    assert services.mail_send(mail_id=live.pk) is False
    assert services.mail_sweep() == 1  # the expired claim only, sent at once (eager tasks)
    live.refresh_from_db()
    expired.refresh_from_db()
    assert (live.attempts, live.sent_at) == (1, None)
    assert (expired.attempts, expired.claimed_until, expired.sent_at is not None) == (2, None, True)
    assert [m.to for m in mail.outbox] == [[expired.registration.email]]


def test_sign_up_on_sqlite_is_not_blocked_by_a_stalled_mail_server(tmp_path):
    """On the embedded SQLite database, a transaction around the SMTP exchange would hold the
    write lock for the whole exchange: the sign-up would wait 20 s and fail."""
    env = production_env(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        VAR_DIR=str(tmp_path),
        CELERY_BROKER_URL="filesystem://",
        EMAIL_URL="smtp://127.0.0.1:1",  # the probe points it at its stalled server
        EMAIL_TIMEOUT="6",
    )
    migrated = manage("migrate", "-v", "0", env=env, timeout=300)
    assert migrated.returncode == 0, migrated.stderr
    result = manage(
        "shell", "-v", "0", "-c", "import tests.registration.slow_smtp_probe", env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["sign_up"] == "ok", outcome
    assert outcome["sign_up_seconds"] < 2, outcome
    # The claim was committed before the exchange began: visible to the other connection.
    assert outcome["claimed_during_send"] == [1, True], outcome
    # The stalled exchange timed out (smtplib: "Connection unexpectedly closed: timed out"):
    # the lease is released for the sweeper.
    assert outcome["send_error"] == "SMTPServerDisconnected", outcome
    assert outcome["after_failure"] == [1, None, True], outcome
    assert outcome["bystander"] == [0, None, None, ""], outcome


class WatchingBackend(LocmemBackend):
    """Notes the outbox row's claim while its message is being sent."""

    seen: list = []

    def send_messages(self, messages):
        row = OutgoingMail.objects.get(registration__email=messages[0].to[0])
        self.seen.append((row.attempts, row.claimed_until, row.sent_at))
        return super().send_messages(messages)


@pytest.mark.django_db
def test_a_mail_is_claimed_for_the_lease_while_it_is_sent(settings):
    settings.EMAIL_BACKEND = "tests.registration.test_outbox_lease.WatchingBackend"
    WatchingBackend.seen.clear()
    row = services.mail_queue(registration=RegistrationFactory(), kind=Kind.APPROVED)
    before = timezone.now()
    assert services.mail_send(mail_id=row.pk) is True
    [(attempts, claimed_until, sent_at)] = WatchingBackend.seen
    lease = dt.timedelta(seconds=300)
    assert (attempts, sent_at) == (1, None)
    assert before + lease <= claimed_until <= timezone.now() + lease
    row.refresh_from_db()
    assert (row.claimed_until, row.attempts) == (None, 1)
    assert before <= row.sent_at <= timezone.now()


@pytest.mark.django_db
def test_a_failed_send_releases_its_claim_and_keeps_the_error_cut_to_the_column(settings):
    settings.EMAIL_BACKEND = "tests.registration.failing_backend.LongFailingBackend"
    row = services.mail_queue(registration=RegistrationFactory(), kind=Kind.APPROVED)
    bystander = services.mail_queue(registration=RegistrationFactory(), kind=Kind.APPROVED)
    with pytest.raises(ConnectionRefusedError):
        services.mail_send(mail_id=row.pk)
    row.refresh_from_db()
    assert (row.attempts, row.claimed_until, row.sent_at) == (1, None, None)
    assert row.last_error == ("ConnectionRefusedError: SMTP server down: " + "x" * 600)[:500]
    assert len(row.last_error) == 500
    bystander.refresh_from_db()
    assert (bystander.attempts, bystander.last_error, bystander.claimed_until) == (0, "", None)


@pytest.mark.django_db
def test_the_last_attempt_is_sent_and_none_after_it():
    last = services.mail_queue(registration=RegistrationFactory(), kind=Kind.APPROVED)
    spent = services.mail_queue(registration=RegistrationFactory(), kind=Kind.APPROVED)
    OutgoingMail.objects.filter(pk=last.pk).update(attempts=services.MAX_ATTEMPTS - 1)
    OutgoingMail.objects.filter(pk=spent.pk).update(attempts=services.MAX_ATTEMPTS)
    assert services.mail_send(mail_id=last.pk) is True
    assert services.mail_send(mail_id=spent.pk) is False
    assert [m.to for m in mail.outbox] == [[last.registration.email]]
    spent.refresh_from_db()
    assert (spent.attempts, spent.sent_at) == (services.MAX_ATTEMPTS, None)
    assert services.MAX_ATTEMPTS == 8


class TakenOverBackend(LocmemBackend):
    """A send so slow that the lease runs out: another worker claims the row meanwhile, then
    this attempt fails (or, with ``SENT``, the other worker has already sent it)."""

    SENT = False

    def send_messages(self, messages):
        row = OutgoingMail.objects.get(registration__email=messages[0].to[0])
        if TakenOverBackend.SENT:
            OutgoingMail.objects.filter(pk=row.pk).update(
                sent_at=timezone.now() - dt.timedelta(minutes=1), claimed_until=None
            )
            return super().send_messages(messages)
        OutgoingMail.objects.filter(pk=row.pk).update(
            claimed_until=timezone.now() + dt.timedelta(minutes=10), attempts=row.attempts + 1
        )
        raise ConnectionResetError("connection reset by peer")


@pytest.mark.django_db
def test_an_attempt_that_lost_its_lease_leaves_the_next_attempts_claim(settings, monkeypatch):
    settings.EMAIL_BACKEND = "tests.registration.test_outbox_lease.TakenOverBackend"
    monkeypatch.setattr(TakenOverBackend, "SENT", False)
    row = services.mail_queue(registration=RegistrationFactory(), kind=Kind.APPROVED)
    with pytest.raises(ConnectionResetError):
        services.mail_send(mail_id=row.pk)
    row.refresh_from_db()
    assert (row.attempts, row.last_error, row.sent_at) == (2, "", None)
    assert row.claimed_until > timezone.now() + dt.timedelta(minutes=9)


@pytest.mark.django_db
def test_an_attempt_that_lost_its_lease_keeps_the_time_the_other_one_sent_it(settings, monkeypatch):
    settings.EMAIL_BACKEND = "tests.registration.test_outbox_lease.TakenOverBackend"
    monkeypatch.setattr(TakenOverBackend, "SENT", True)
    row = services.mail_queue(registration=RegistrationFactory(), kind=Kind.APPROVED)
    before = timezone.now()
    services.mail_send(mail_id=row.pk)
    row.refresh_from_db()
    assert row.sent_at < before - dt.timedelta(seconds=30)
