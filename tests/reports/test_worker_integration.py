"""A real worker process builds a real PDF, queued by the real command, on each broker."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
import redis
from django.core.files.storage import default_storage
from pypdf import PdfReader

from reports.models import ReportBuild
from tests.factories import EventFactory, SessionFactory
from tests.utils import manage, production_env, start_worker, stop

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _build_with_worker(env: dict[str, str], tmp_path: Path) -> ReportBuild:
    event = EventFactory(slug="worker-test", title="Worker-built report")
    SessionFactory(event=event, title="Opening remarks by the organisers")
    worker = start_worker(env=env, log_path=tmp_path / "worker.log")
    try:
        result = manage(
            "build_report", event.slug, "--language", "fr", "--wait", "--timeout", "90", env=env
        )
    finally:
        stop(worker)
    worker_log = (tmp_path / "worker.log").read_text()
    assert result.returncode == 0, result.stderr + worker_log
    build = ReportBuild.objects.get(event=event)
    assert build.status == ReportBuild.Status.SUCCEEDED
    assert build.attempts == 1
    assert "Task reports.build_report[" in worker_log  # consumed by the worker, not inline
    # The command prints the stored file's path last.
    assert result.stdout.strip().splitlines()[-1] == default_storage.path(build.file.name)
    content = default_storage.open(build.file.name).read()
    assert hashlib.sha256(content).hexdigest() == build.sha256
    assert len(content) == build.size
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) == build.pages
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Worker-built report" in text
    assert "Opening remarks by the organisers" in text
    return build


@pytest.mark.redis
def test_worker_builds_report_from_redis_broker(redis_url, tmp_path):
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    env = production_env(CELERY_BROKER_URL=redis_url)
    _build_with_worker(env, tmp_path)


def test_worker_builds_report_from_filesystem_broker(tmp_path):
    env = production_env(CELERY_BROKER_URL="filesystem://", VAR_DIR=str(tmp_path / "var"))
    _build_with_worker(env, tmp_path)


def test_build_report_fails_with_reason_for_unknown_event(tmp_path):
    env = production_env(CELERY_BROKER_URL="filesystem://", VAR_DIR=str(tmp_path / "var"))
    result = manage("build_report", "no-such-event", "--wait", env=env)
    assert result.returncode == 1
    assert "No event with the slug “no-such-event”" in result.stderr
