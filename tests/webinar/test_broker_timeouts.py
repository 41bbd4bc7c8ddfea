"""Sending a task never hangs when the broker accepts connections but never answers."""

from __future__ import annotations

import socket
import threading

import pytest
from celery import Celery
from django.conf import settings


@pytest.fixture
def silent_server():
    """A TCP server on loopback that accepts connections and never says a word."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.settimeout(0.2)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept_until_stopped():
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept_until_stopped, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    server.close()


def test_send_task_to_silent_redis_raises_instead_of_hanging(silent_server, monkeypatch):
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)  # Celery lets it beat broker=
    app = Celery("silent-broker-test", broker=f"redis://127.0.0.1:{silent_server}/0")
    app.conf.broker_transport_options = settings.REDIS_BROKER_TRANSPORT_OPTIONS
    outcome: dict[str, BaseException | None] = {}

    def send():
        try:
            app.send_task("reports.build_report", kwargs={"build_id": 1})
            outcome["error"] = None
        except Exception as exc:
            outcome["error"] = exc

    thread = threading.Thread(target=send, daemon=True)
    thread.start()
    thread.join(90)  # generous: a hang, not a slow answer, is what this test catches
    assert not thread.is_alive(), "sending a task hung on a broker that never answers"
    assert outcome["error"] is not None
