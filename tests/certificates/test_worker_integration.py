"""A real worker renders the certificates that the real command issued, on each broker."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
import redis
from django.core.files.storage import default_storage
from pypdf import PdfReader

from certificates.models import Certificate, CertificateBatch
from registration.models import OutgoingMail
from tests.factories import EventFactory, RegistrationFactory
from tests.utils import manage, production_env, start_worker, stop

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _issue_with_worker(env: dict[str, str], tmp_path: Path, slug: str) -> None:
    event = EventFactory(slug=slug, title="Worker-rendered certificates")
    people = [
        RegistrationFactory(
            event=event, first_name="Person", last_name=f"Number {n}", attended=True, language=lang
        )
        for n, lang in enumerate(["en", "fr", "ar", "en", "fr"])
    ]
    RegistrationFactory(event=event, first_name="Absent", attended=False)
    worker = start_worker(env=env, log_path=tmp_path / "worker.log")
    try:
        result = manage("issue_certificates", slug, "--wait", "--timeout", "120", env=env)
    finally:
        stop(worker)
    log = (tmp_path / "worker.log").read_text()
    assert result.returncode == 0, result.stderr + log
    assert result.stdout.strip().splitlines()[-1] == "5 certificates rendered"
    assert "Task certificates.render_certificates[" in log  # consumed by the worker
    batch = CertificateBatch.objects.get(event=event)
    assert (batch.status, batch.done, batch.total, batch.attempts) == ("succeeded", 5, 5, 1)
    certificates = Certificate.objects.filter(event=event)
    assert sorted(certificates.values_list("registration_id", flat=True)) == sorted(
        p.pk for p in people
    )
    for certificate in certificates:
        content = default_storage.open(certificate.file.name).read()
        assert hashlib.sha256(content).hexdigest() == certificate.sha256
        reader = PdfReader(io.BytesIO(content))
        assert len(reader.pages) == 1
        assert certificate.number in reader.pages[0].extract_text()
    assert OutgoingMail.objects.filter(kind="certificate").count() == 5


def test_worker_renders_certificates_from_filesystem_broker(tmp_path):
    env = production_env(CELERY_BROKER_URL="filesystem://", VAR_DIR=str(tmp_path / "var"))
    _issue_with_worker(env, tmp_path, f"certificates-fs-{tmp_path.name}")


@pytest.mark.redis
def test_worker_renders_certificates_from_redis_broker(redis_url, tmp_path):
    redis.Redis.from_url(redis_url).flushdb()
    env = production_env(CELERY_BROKER_URL=redis_url)
    _issue_with_worker(env, tmp_path, f"certificates-redis-{tmp_path.name}")


def test_issue_certificates_fails_with_reason_for_unknown_event(tmp_path):
    env = production_env(CELERY_BROKER_URL="filesystem://", VAR_DIR=str(tmp_path / "var"))
    result = manage("issue_certificates", "no-such-event", "--wait", env=env)
    assert result.returncode == 1
    assert "No event with the slug “no-such-event”" in result.stderr
