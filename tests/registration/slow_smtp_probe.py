"""Run in a process of its own on an SQLite database (see test_outbox_lease.py).

A mail server that accepts the connection and then says nothing holds one ``mail_send`` in its
SMTP exchange; meanwhile this process signs someone up and prints, as JSON, how long the
sign-up took and what happened to the rows.
"""

from __future__ import annotations

import json
import socket
import threading
import time

from django.db import connection

from registration import services
from registration.models import OutgoingMail
from tests.factories import EventFactory, RegistrationFactory


def main() -> None:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(4)
    connected = threading.Event()
    held: list[socket.socket] = []

    def stall():
        conn, _addr = server.accept()
        held.append(conn)  # keep it open, never send the greeting
        connected.set()

    threading.Thread(target=stall, daemon=True).start()
    from django.conf import settings

    settings.EMAIL_PORT = server.getsockname()[1]

    event = EventFactory(slug="slow-smtp")
    row = services.mail_queue(registration=RegistrationFactory(event=event), kind="approved")
    bystander = services.mail_queue(registration=RegistrationFactory(event=event), kind="approved")
    outcome: dict = {}

    def send():
        try:
            outcome["sent"] = services.mail_send(mail_id=row.pk)
        except Exception as exc:
            outcome["send_error"] = type(exc).__name__
        finally:
            connection.close()

    sender = threading.Thread(target=send)
    sender.start()
    assert connected.wait(10), "the sender never reached the mail server"
    started = time.monotonic()
    try:
        services.register(
            event=event, email="during-smtp@example.org", first_name="Slow",
            last_name="Server", country="TD", organization="Ministry (fictional)",
            category="national_government",
        )  # fmt: skip
        outcome["sign_up"] = "ok"
    except Exception as exc:
        outcome["sign_up"] = f"{type(exc).__name__}: {exc}"
    outcome["sign_up_seconds"] = round(time.monotonic() - started, 2)
    claimed = OutgoingMail.objects.get(pk=row.pk)
    outcome["claimed_during_send"] = [claimed.attempts, claimed.claimed_until is not None]
    sender.join(30)
    after = OutgoingMail.objects.get(pk=row.pk)
    outcome["after_failure"] = [after.attempts, after.claimed_until, after.sent_at is None]
    other = OutgoingMail.objects.get(pk=bystander.pk)
    outcome["bystander"] = [other.attempts, other.claimed_until, other.sent_at, other.last_error]
    print(json.dumps(outcome, default=str))


main()
