"""A real worker process builds a real PDF, queued by the real command, on each broker."""

from __future__ import annotations

import hashlib
import io
import os
import signal
import time
from pathlib import Path

import pytest
import redis
from django.core.files.storage import default_storage
from pypdf import PdfReader

from registration.models import Registration
from reports.models import ReportBuild
from tests.factories import EventFactory, SessionFactory
from tests.utils import manage, production_env, start_worker, stop
from webinar.models import Event

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


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except FileNotFoundError:
        return []
    return [int(child) for child in text.split()]


def _wait_for(predicate, *, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _big_report_event(slug: str) -> Event:
    """A report slow enough to kill mid-render: thousands of listed participants."""
    event = EventFactory(slug=slug, title="Report of a killed worker")
    SessionFactory(event=event, title="Only session")
    Registration.objects.bulk_create(
        Registration(
            event=event,
            email=f"p{n}@example.org",
            first_name=f"First{n}",
            last_name=f"Last{n}",
            country="NE",
            organization="Ministry (fictional)",
            category="national_government",
            status=Registration.Status.APPROVED,
            consent_listing=True,
        )
        for n in range(4000)
    )
    return event


def _kill_worker_mid_build(env: dict[str, str], tmp_path: Path) -> None:
    # A slug per run: media files of earlier tests stay in the shared media folder.
    event = _big_report_event(f"killed-worker-{tmp_path.name}")
    first = start_worker(env=env, log_path=tmp_path / "worker-1.log")
    try:
        queued = manage("build_report", event.slug, env=env)
        assert queued.returncode == 0, queued.stderr
        build_id = int(queued.stdout.strip())
        # Progress 30 means the HTML is done and WeasyPrint is laying the PDF out.
        _wait_for(
            lambda: ReportBuild.objects.filter(
                pk=build_id, status=ReportBuild.Status.RUNNING, progress__gte=30
            ).exists(),
            timeout=90,
            what="the build to start rendering",
        )
        for pid in [*_children(first.pid), first.pid]:
            os.kill(pid, signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            stop(first)
    build = ReportBuild.objects.get(pk=build_id)
    assert (build.status, build.attempts, build.file.name) == ("running", 1, "")

    # Nothing will ever finish this attempt; once its heartbeat is stale the sweeper re-queues it.
    time.sleep(int(env["REPORT_BUILD_STALE_SECONDS"]) + 1)
    sweep = manage(
        "shell",
        "-c",
        "from reports.services import report_builds_sweep; print(report_builds_sweep())",
        env=env,
    )
    last_line = sweep.stdout.strip().splitlines()[-1]
    assert last_line == "{'failed': 0, 'retried': 1, 'requeued': 0}", sweep.stderr

    second = start_worker(env=env, log_path=tmp_path / "worker-2.log")
    try:
        _wait_for(
            lambda: ReportBuild.objects.filter(
                pk=build_id, status__in=["succeeded", "failed"]
            ).exists(),
            timeout=120,
            what="the second worker to finish the build",
        )
    finally:
        stop(second)
    build.refresh_from_db()
    log = (tmp_path / "worker-2.log").read_text()
    assert (build.status, build.attempts, build.error) == ("succeeded", 2, ""), log
    # One file and its first page, the second attempt's (the killed one wrote none).
    assert sorted(default_storage.listdir(f"reports/{event.slug}")[1]) == [
        f"report-{build_id}-en-a2-page1.png",
        f"report-{build_id}-en-a2.pdf",
    ]
    content = default_storage.open(build.file.name).read()
    assert hashlib.sha256(content).hexdigest() == build.sha256
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert "Last3999, First3999" in text


KILL_ENV = {"REPORT_BUILD_HEARTBEAT_SECONDS": "1", "REPORT_BUILD_STALE_SECONDS": "4"}


def test_worker_killed_mid_build_is_recovered_by_the_sweeper_filesystem_broker(tmp_path):
    env = production_env(
        CELERY_BROKER_URL="filesystem://", VAR_DIR=str(tmp_path / "var"), **KILL_ENV
    )
    _kill_worker_mid_build(env, tmp_path)


@pytest.mark.redis
def test_worker_killed_mid_build_is_recovered_by_the_sweeper_redis_broker(redis_url, tmp_path):
    redis.Redis.from_url(redis_url).flushdb()
    env = production_env(CELERY_BROKER_URL=redis_url, **KILL_ENV)
    _kill_worker_mid_build(env, tmp_path)


def test_worker_past_the_soft_time_limit_records_the_plain_reason(tmp_path):
    env = production_env(
        CELERY_BROKER_URL="filesystem://",
        VAR_DIR=str(tmp_path / "var"),
        REPORT_BUILD_SOFT_TIME_LIMIT="2",
        REPORT_BUILD_TIME_LIMIT="60",
    )
    event = _big_report_event(f"time-limit-{tmp_path.name}")  # renders for far longer than 2 s
    worker = start_worker(env=env, log_path=tmp_path / "worker.log")
    try:
        result = manage(
            "build_report", event.slug, "--wait", "--timeout", "90", "--allow-fallback", env=env
        )
    finally:
        stop(worker)
    log = (tmp_path / "worker.log").read_text()
    build = ReportBuild.objects.get(event=event)
    assert (build.status, build.error, build.file.name) == (
        "failed",
        "The build took too long.",
        "",
    ), log
    assert result.returncode == 1
    assert "The build took too long." in result.stderr
    folder = f"reports/{event.slug}"
    assert not default_storage.exists(folder) or default_storage.listdir(folder)[1] == []
